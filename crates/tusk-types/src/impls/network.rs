//! Network addresses: `inet` and `cidr` ([`PgInet`], [`PgCidr`], and
//! `std::net::IpAddr` for plain host addresses), `macaddr` ([`PgMacAddr`])
//! and `macaddr8` ([`PgMacAddr8`]).
//!
//! # Binary layouts
//!
//! `inet` and `cidr` share `inet_send`'s layout:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | family | `u8` | 2 for IPv4, 3 for IPv6 (PostgreSQL's own numbers, not the OS's) |
//! | bits | `u8` | the netmask length: 0–32 or 0–128 |
//! | is_cidr | `u8` | 1 for a `cidr` value, 0 for `inet` |
//! | nb | `u8` | address length: 4 or 16 |
//! | address | `nb` bytes | network byte order |
//!
//! `192.168.0.1/24` as `inet` is `[2, 24, 0, 4, 192, 168, 0, 1]`. An `inet`
//! keeps the host bits (it is an interface address: host plus netmask); a
//! `cidr` is a network and must have them zero.
//!
//! `macaddr` is its 6 bytes, `macaddr8` its 8.
//!
//! # Text
//!
//! `inet` prints `192.168.0.1/24`, and a bare `192.168.0.1` when the mask is
//! the whole address (`/32`, `/128`); `cidr` always prints the mask
//! (`10.0.0.0/8`). IPv6 addresses are compressed as in RFC 5952, except
//! that PostgreSQL writes IPv4-mapped and IPv4-compatible addresses with a
//! dotted tail (`::ffff:1.2.3.4`, `::1.2.3.4`); [`PgInet`] and [`PgCidr`]
//! print the same. MAC addresses print as lowercase hex pairs separated by
//! colons (`08:00:2b:01:02:03`); decoding also takes `-` and `.`
//! separators, or none.

use std::fmt::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::scalar::{PgValue, Reader, out_of_range, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// PostgreSQL's family number for IPv4 (`PGSQL_AF_INET`).
const FAMILY_V4: u8 = 2;
/// PostgreSQL's family number for IPv6 (`PGSQL_AF_INET6`).
const FAMILY_V6: u8 = 3;

/// The largest prefix of an address: 32 or 128.
fn max_prefix(addr: &IpAddr) -> u8 {
    match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `addr` with the bits after the first `prefix` cleared.
fn mask(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let keep = u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(a) & keep))
        }
        IpAddr::V6(a) => {
            let keep = u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(a) & keep))
        }
    }
}

/// Writes an address as PostgreSQL's `inet_net_ntop` does.
fn write_addr(out: &mut String, addr: &IpAddr) {
    match addr {
        IpAddr::V4(a) => {
            let _ = write!(out, "{a}");
        }
        IpAddr::V6(a) => write_ipv6(out, a),
    }
}

/// IPv6 in PostgreSQL's spelling: the first longest run of two or more zero
/// groups becomes `::`, groups are lowercase hex without leading zeros, and
/// an address whose first 96 bits are zero, or `::ffff:` then 32 bits,
/// ends in dotted IPv4.
fn write_ipv6(out: &mut String, addr: &Ipv6Addr) {
    let words = addr.segments();
    // The best run of zero words: (start, length).
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        if words[i] == 0 {
            let start = i;
            while i < 8 && words[i] == 0 {
                i += 1;
            }
            let len = i - start;
            if len >= 2 && best.is_none_or(|(_, l)| len > l) {
                best = Some((start, len));
            }
        } else {
            i += 1;
        }
    }
    let in_best = |i: usize| best.is_some_and(|(s, l)| i >= s && i < s + l);
    for i in 0..8 {
        if in_best(i) {
            if best.is_some_and(|(s, _)| s == i) {
                out.push(':');
            }
            continue;
        }
        if i != 0 {
            out.push(':');
        }
        let embedded_v4 = i == 6
            && best.is_some_and(|(s, l)| {
                s == 0 && (l == 6 || (l == 7 && words[7] != 1) || (l == 5 && words[5] == 0xffff))
            });
        if embedded_v4 {
            let o = addr.octets();
            let _ = write!(out, "{}.{}.{}.{}", o[12], o[13], o[14], o[15]);
            return;
        }
        let _ = write!(out, "{:x}", words[i]);
    }
    if best.is_some_and(|(s, l)| s + l == 8) {
        out.push(':');
    }
}

/// Parses `address[/bits]`; `abbreviated` allows `cidr`'s short IPv4 forms
/// (`10/8`, `192.168/16`), which need the `/bits`.
fn parse_net(s: &str, abbreviated: bool) -> Result<(IpAddr, u8), DecodeErrorKind> {
    let s = s.trim_ascii();
    let (addr_text, bits_text) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let addr = match addr_text.parse::<IpAddr>() {
        Ok(addr) => addr,
        Err(_) if abbreviated && bits_text.is_some() => {
            let octets: Vec<&str> = addr_text.split('.').collect();
            if octets.len() > 3 {
                return Err(DecodeErrorKind::InvalidSyntax);
            }
            let mut full = [0u8; 4];
            for (slot, octet) in full.iter_mut().zip(&octets) {
                if octet.is_empty() || octet.len() > 3 || !octet.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(DecodeErrorKind::InvalidSyntax);
                }
                *slot = octet.parse().map_err(|_| DecodeErrorKind::InvalidSyntax)?;
            }
            IpAddr::V4(Ipv4Addr::from(full))
        }
        Err(_) => return Err(DecodeErrorKind::InvalidSyntax),
    };
    let bits = match bits_text {
        None => max_prefix(&addr),
        Some(b) if !b.is_empty() && b.len() <= 3 && b.bytes().all(|c| c.is_ascii_digit()) => {
            b.parse::<u8>().map_err(|_| DecodeErrorKind::OutOfRange)?
        }
        Some(_) => return Err(DecodeErrorKind::InvalidSyntax),
    };
    if bits > max_prefix(&addr) {
        return Err(DecodeErrorKind::OutOfRange);
    }
    Ok((addr, bits))
}

/// Decodes `inet_send`'s layout.
fn decode_net(raw: &[u8]) -> Result<(IpAddr, u8), DecodeErrorKind> {
    let mut r = Reader::new(raw);
    let family = r.u8()?;
    let bits = r.u8()?;
    let _is_cidr = r.u8()?;
    let nb = r.u8()?;
    let addr = match (family, nb) {
        (FAMILY_V4, 4) => {
            let b = r.take(4)?;
            IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        }
        (FAMILY_V6, 16) => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(r.take(16)?);
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        _ => return Err(DecodeErrorKind::InvalidSyntax),
    };
    r.finish()?;
    if bits > max_prefix(&addr) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    Ok((addr, bits))
}

/// Encodes `inet_send`'s layout.
fn encode_net(out: &mut BytesMut, addr: &IpAddr, bits: u8, is_cidr: bool) {
    match addr {
        IpAddr::V4(a) => {
            out.put_slice(&[FAMILY_V4, bits, u8::from(is_cidr), 4]);
            out.put_slice(&a.octets());
        }
        IpAddr::V6(a) => {
            out.put_slice(&[FAMILY_V6, bits, u8::from(is_cidr), 16]);
            out.put_slice(&a.octets());
        }
    }
}

/// A PostgreSQL `inet`: an IPv4 or IPv6 host address and the length of its
/// network's prefix (the netmask). The host bits are kept:
/// `192.168.0.1/24` is the host `.1` on the network `192.168.0.0/24`.
///
/// Binary: the family (2 for IPv4, 3 for IPv6), the prefix length, an
/// is-cidr flag (0), the address length (4 or 16), then the address. Text:
/// the address, and `/prefix` unless it covers the whole address; IPv6 as
/// PostgreSQL compresses it (`::ffff:1.2.3.4` keeps a dotted tail).
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgInet, ToSql, Type};
///
/// let inet: PgInet = "192.168.0.1/24".parse().unwrap();
/// assert_eq!(inet, PgInet { addr: IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1)), prefix: 24 });
/// assert_eq!(inet.to_string(), "192.168.0.1/24");
/// assert_eq!(inet.network().to_string(), "192.168.0.0/24");
///
/// let mut buf = BytesMut::new();
/// inet.to_sql(&Type::INET, &mut buf).unwrap();
/// assert_eq!(&buf[..], &[2, 24, 0, 4, 192, 168, 0, 1]);
/// assert_eq!(PgInet::from_sql(&Type::INET, Format::Binary, &buf).unwrap(), inet);
/// assert_eq!(PgInet::from_sql(&Type::INET, Format::Text, b"::ffff:1.2.3.4").unwrap().prefix, 128);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PgInet {
    /// The address, host bits included.
    pub addr: IpAddr,
    /// The netmask length: at most 32 for IPv4, 128 for IPv6.
    pub prefix: u8,
}

impl PgInet {
    /// An `inet`, if `prefix` fits the address family.
    ///
    /// ```
    /// use std::net::Ipv6Addr;
    /// use tusk_types::PgInet;
    ///
    /// assert!(PgInet::new(Ipv6Addr::LOCALHOST.into(), 128).is_some());
    /// assert!(PgInet::new(Ipv6Addr::LOCALHOST.into(), 129).is_none());
    /// ```
    pub fn new(addr: IpAddr, prefix: u8) -> Option<PgInet> {
        (prefix <= max_prefix(&addr)).then_some(PgInet { addr, prefix })
    }

    /// A single host: the prefix is the whole address (`/32`, `/128`).
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use tusk_types::PgInet;
    ///
    /// assert_eq!(PgInet::host(Ipv4Addr::LOCALHOST.into()).to_string(), "127.0.0.1");
    /// ```
    pub fn host(addr: IpAddr) -> PgInet {
        PgInet {
            addr,
            prefix: max_prefix(&addr),
        }
    }

    /// The network the address is on: host bits cleared.
    ///
    /// ```
    /// use tusk_types::PgInet;
    ///
    /// let inet: PgInet = "2001:db8::1/32".parse().unwrap();
    /// assert_eq!(inet.network().to_string(), "2001:db8::/32");
    /// ```
    pub fn network(&self) -> PgCidr {
        let prefix = self.prefix.min(max_prefix(&self.addr));
        PgCidr {
            addr: mask(self.addr, prefix),
            prefix,
        }
    }
}

impl fmt::Display for PgInet {
    /// The address, and `/prefix` unless it covers the whole address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(48);
        write_addr(&mut text, &self.addr);
        if self.prefix != max_prefix(&self.addr) {
            let _ = write!(text, "/{}", self.prefix);
        }
        f.write_str(&text)
    }
}

impl FromStr for PgInet {
    type Err = DecodeError;

    /// Parses `address[/prefix]`, IPv4 or IPv6.
    fn from_str(s: &str) -> Result<PgInet, DecodeError> {
        value_from_str(&Type::INET, s)
    }
}

impl From<IpAddr> for PgInet {
    /// A single host ([`PgInet::host`]).
    fn from(addr: IpAddr) -> PgInet {
        PgInet::host(addr)
    }
}

impl PgValue for PgInet {
    const NAME: &'static str = "PgInet";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::INET.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        decode_net(raw).map(|(addr, prefix)| PgInet { addr, prefix })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        parse_net(text, false).map(|(addr, prefix)| PgInet { addr, prefix })
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        if self.prefix > max_prefix(&self.addr) {
            return Err(out_of_range(Self::NAME, ty, "the prefix is longer than the address"));
        }
        encode_net(out, &self.addr, self.prefix, false);
        Ok(())
    }
}

/// A PostgreSQL `cidr`: an IPv4 or IPv6 network, its address with every bit
/// after the prefix zero. The constructor checks that.
///
/// Binary: as [`PgInet`], with the is-cidr flag 1. Text: always with the
/// prefix (`10.0.0.0/8`); decoding also takes IPv4 abbreviations (`10/8`).
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// use tusk_types::{Format, FromSql, PgCidr, Type};
///
/// let net = PgCidr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 8).unwrap();
/// assert_eq!(net.to_string(), "10.0.0.0/8");
/// assert!(PgCidr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 8).is_none());
///
/// assert_eq!(PgCidr::from_sql(&Type::CIDR, Format::Binary, &[2, 8, 1, 4, 10, 0, 0, 0]).unwrap(), net);
/// assert_eq!("10/8".parse::<PgCidr>().unwrap(), net);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PgCidr {
    addr: IpAddr,
    prefix: u8,
}

impl PgCidr {
    /// A network, if `prefix` fits the family and the host bits of `addr`
    /// are zero.
    ///
    /// ```
    /// use std::net::Ipv6Addr;
    /// use tusk_types::PgCidr;
    ///
    /// assert!(PgCidr::new(Ipv6Addr::UNSPECIFIED.into(), 0).is_some());
    /// assert!(PgCidr::new(Ipv6Addr::LOCALHOST.into(), 64).is_none());
    /// ```
    pub fn new(addr: IpAddr, prefix: u8) -> Option<PgCidr> {
        (prefix <= max_prefix(&addr) && mask(addr, prefix) == addr).then_some(PgCidr { addr, prefix })
    }

    /// The network's address.
    ///
    /// ```
    /// use tusk_types::PgCidr;
    ///
    /// let net: PgCidr = "192.168.0.0/16".parse().unwrap();
    /// assert_eq!(net.addr().to_string(), "192.168.0.0");
    /// ```
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    ///
    /// ```
    /// use tusk_types::PgCidr;
    ///
    /// assert_eq!("192.168.0.0/16".parse::<PgCidr>().unwrap().prefix(), 16);
    /// ```
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Checks a decoded network.
    fn checked(addr: IpAddr, prefix: u8) -> Result<PgCidr, DecodeErrorKind> {
        PgCidr::new(addr, prefix).ok_or(DecodeErrorKind::InvalidSyntax)
    }
}

impl fmt::Display for PgCidr {
    /// The address and, always, `/prefix`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(48);
        write_addr(&mut text, &self.addr);
        let _ = write!(text, "/{}", self.prefix);
        f.write_str(&text)
    }
}

impl FromStr for PgCidr {
    type Err = DecodeError;

    /// Parses `address[/prefix]`, including IPv4 abbreviations with a
    /// prefix (`10/8`).
    fn from_str(s: &str) -> Result<PgCidr, DecodeError> {
        value_from_str(&Type::CIDR, s)
    }
}

impl From<PgCidr> for PgInet {
    /// The network as an `inet` (its address with the prefix).
    fn from(cidr: PgCidr) -> PgInet {
        PgInet {
            addr: cidr.addr,
            prefix: cidr.prefix,
        }
    }
}

impl PgValue for PgCidr {
    const NAME: &'static str = "PgCidr";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::CIDR.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        decode_net(raw).and_then(|(addr, prefix)| PgCidr::checked(addr, prefix))
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        parse_net(text, true).and_then(|(addr, prefix)| PgCidr::checked(addr, prefix))
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        encode_net(out, &self.addr, self.prefix, true);
        Ok(())
    }
}

/// `IpAddr` is a single host: an `inet` with a `/32` or `/128` mask. An
/// `inet` with a shorter mask is refused (decode it as [`PgInet`]); `cidr`
/// is a network, not an address (use [`PgCidr`]).
impl PgValue for IpAddr {
    const NAME: &'static str = "IpAddr";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::INET.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        host_only(PgInet::decode_binary(ty, raw)?)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        host_only(PgInet::decode_text(ty, text)?)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        PgInet::host(*self).encode_binary(ty, out)
    }
}

/// The address of an `inet` that is a single host.
fn host_only(inet: PgInet) -> Result<IpAddr, DecodeErrorKind> {
    if inet.prefix == max_prefix(&inet.addr) {
        Ok(inet.addr)
    } else {
        Err(DecodeErrorKind::Unsupported(
            "the inet value has a netmask shorter than the address; decode it as PgInet",
        ))
    }
}

/// Reads `n` bytes written as hex pairs, with `:`, `-` or `.` separators
/// anywhere between pairs, or none.
fn parse_mac<const N: usize>(s: &str) -> Result<[u8; N], DecodeErrorKind> {
    let s = s.trim_ascii();
    let mut out = [0u8; N];
    let mut nibbles = 0;
    let mut last_was_sep = true;
    for b in s.bytes() {
        if matches!(b, b':' | b'-' | b'.') {
            // A separator only between complete bytes, never two in a row.
            if last_was_sep || nibbles % 2 != 0 {
                return Err(DecodeErrorKind::InvalidSyntax);
            }
            last_was_sep = true;
            continue;
        }
        let digit = super::bytea::hex_digit(b)?;
        let slot = out.get_mut(nibbles / 2).ok_or(DecodeErrorKind::InvalidSyntax)?;
        *slot = (*slot << 4) | digit;
        nibbles += 1;
        last_was_sep = false;
    }
    if nibbles == N * 2 && !last_was_sep {
        Ok(out)
    } else {
        Err(DecodeErrorKind::InvalidSyntax)
    }
}

/// Writes bytes as lowercase hex pairs joined by colons.
fn write_mac(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    let mut text = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            text.push(':');
        }
        let _ = write!(text, "{b:02x}");
    }
    f.write_str(&text)
}

/// A PostgreSQL `macaddr`: a 6-byte (EUI-48) MAC address.
///
/// Binary: the six bytes. Text: `08:00:2b:01:02:03`; decoding also takes
/// `-` or `.` separators, or none.
///
/// ```
/// use tusk_types::{Format, FromSql, PgMacAddr, Type};
///
/// let mac: PgMacAddr = "08:00:2b:01:02:03".parse().unwrap();
/// assert_eq!(mac, PgMacAddr([0x08, 0x00, 0x2b, 0x01, 0x02, 0x03]));
/// assert_eq!(mac.to_string(), "08:00:2b:01:02:03");
/// assert_eq!("08-00-2B-01-02-03".parse::<PgMacAddr>().unwrap(), mac);
/// assert_eq!("0800.2b01.0203".parse::<PgMacAddr>().unwrap(), mac);
/// assert_eq!(PgMacAddr::from_sql(&Type::MACADDR, Format::Binary, &mac.0).unwrap(), mac);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PgMacAddr(pub [u8; 6]);

impl fmt::Display for PgMacAddr {
    /// `08:00:2b:01:02:03`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_mac(f, &self.0)
    }
}

impl FromStr for PgMacAddr {
    type Err = DecodeError;

    /// Parses six hex pairs, separated by `:`, `-` or `.` or not at all.
    fn from_str(s: &str) -> Result<PgMacAddr, DecodeError> {
        value_from_str(&Type::MACADDR, s)
    }
}

impl PgValue for PgMacAddr {
    const NAME: &'static str = "PgMacAddr";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::MACADDR.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let mut bytes = [0u8; 6];
        bytes.copy_from_slice(r.take(6)?);
        r.finish()?;
        Ok(PgMacAddr(bytes))
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        parse_mac(text).map(PgMacAddr)
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_slice(&self.0);
        Ok(())
    }
}

/// A PostgreSQL `macaddr8`: an 8-byte (EUI-64) MAC address.
///
/// Binary: the eight bytes. Text: `08:00:2b:01:02:03:04:05`.
///
/// ```
/// use tusk_types::{PgMacAddr, PgMacAddr8};
///
/// let mac: PgMacAddr8 = "08:00:2b:01:02:03:04:05".parse().unwrap();
/// assert_eq!(mac.to_string(), "08:00:2b:01:02:03:04:05");
/// // A 6-byte address becomes EUI-64 with ff:fe in the middle, as in macaddr8_in.
/// let short: PgMacAddr8 = "08:00:2b:01:02:03".parse().unwrap();
/// assert_eq!(short.to_string(), "08:00:2b:ff:fe:01:02:03");
/// assert_eq!(PgMacAddr8::from(PgMacAddr([8, 0, 0x2b, 1, 2, 3])), short);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PgMacAddr8(pub [u8; 8]);

impl From<PgMacAddr> for PgMacAddr8 {
    /// The EUI-64 form of an EUI-48 address: `ff:fe` inserted after the
    /// third byte.
    fn from(mac: PgMacAddr) -> PgMacAddr8 {
        let m = mac.0;
        PgMacAddr8([m[0], m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]])
    }
}

impl fmt::Display for PgMacAddr8 {
    /// `08:00:2b:01:02:03:04:05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_mac(f, &self.0)
    }
}

impl FromStr for PgMacAddr8 {
    type Err = DecodeError;

    /// Parses eight (or six) hex pairs, separated by `:`, `-` or `.` or not
    /// at all.
    fn from_str(s: &str) -> Result<PgMacAddr8, DecodeError> {
        value_from_str(&Type::MACADDR8, s)
    }
}

impl PgValue for PgMacAddr8 {
    const NAME: &'static str = "PgMacAddr8";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::MACADDR8.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(r.take(8)?);
        r.finish()?;
        Ok(PgMacAddr8(bytes))
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        parse_mac::<8>(text)
            .map(PgMacAddr8)
            .or_else(|_| parse_mac::<6>(text).map(|m| PgMacAddr8::from(PgMacAddr(m))))
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_slice(&self.0);
        Ok(())
    }
}

pg_value_impls!(PgInet, PgCidr, IpAddr, PgMacAddr, PgMacAddr8);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};
    use proptest::prelude::*;

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    #[test]
    fn ipv6_spelling() {
        let cases = [
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("2001:db8::1", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            ("::1.2.3.4", "::1.2.3.4"),
            ("::ffff:0:0", "::ffff:0.0.0.0"),
            ("::2", "::2"),
            ("fe80::abcd:ef01", "fe80::abcd:ef01"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("0:0:1::", "0:0:1::"),
        ];
        for (input, shown) in cases {
            let addr: Ipv6Addr = input.parse().unwrap();
            let mut text = String::new();
            write_ipv6(&mut text, &addr);
            assert_eq!(text, shown, "{input}");
            assert_eq!(text.parse::<Ipv6Addr>().unwrap(), addr);
        }
    }

    #[test]
    fn inet_and_cidr() {
        let inet_cases: &[(&str, IpAddr, u8, &[u8])] = &[
            ("192.168.0.1/24", v4(192, 168, 0, 1), 24, &[2, 24, 0, 4, 192, 168, 0, 1]),
            ("10.0.0.1", v4(10, 0, 0, 1), 32, &[2, 32, 0, 4, 10, 0, 0, 1]),
            ("0.0.0.0/0", v4(0, 0, 0, 0), 0, &[2, 0, 0, 4, 0, 0, 0, 0]),
            (
                "::1",
                IpAddr::V6(Ipv6Addr::LOCALHOST),
                128,
                &[3, 128, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ),
        ];
        for &(text, addr, prefix, bytes) in inet_cases {
            let inet = PgInet { addr, prefix };
            assert_eq!(inet.to_string(), text);
            assert_eq!(text.parse::<PgInet>().unwrap(), inet);
            assert_eq!(encode(&inet, &Type::INET), bytes);
            assert_eq!(PgInet::from_sql(&Type::INET, Format::Binary, bytes).unwrap(), inet);
        }
        let cidr: PgCidr = "10.1.0.0/16".parse().unwrap();
        let raw = encode(&cidr, &Type::CIDR);
        assert_eq!(raw, [2, 16, 1, 4, 10, 1, 0, 0]);
        assert_eq!(PgCidr::from_sql(&Type::CIDR, Format::Binary, &raw).unwrap(), cidr);
        assert_eq!("10.0.0.1/32".parse::<PgCidr>().unwrap().to_string(), "10.0.0.1/32");
        assert_eq!("10.0.0.1".parse::<PgCidr>().unwrap().to_string(), "10.0.0.1/32");
        assert_eq!("192.168/16".parse::<PgCidr>().unwrap().to_string(), "192.168.0.0/16");
        assert_eq!("2001:db8::/32".parse::<PgCidr>().unwrap().to_string(), "2001:db8::/32");
        assert_eq!(PgInet::from(cidr).to_string(), "10.1.0.0/16");
        // Host bits in a cidr are an error, both ways in.
        assert_eq!(
            "10.0.0.1/8".parse::<PgCidr>().unwrap_err().kind(),
            &DecodeErrorKind::InvalidSyntax
        );
        let err = PgCidr::from_sql(&Type::CIDR, Format::Binary, &[2, 8, 1, 4, 10, 0, 0, 1]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax);
        for bad in [
            "",
            "1.2.3",
            "1.2.3.4/",
            "1.2.3.4/x",
            "1.2.3.4/24/1",
            "::g",
            "1.2.3.4 /24",
            "01.2.3.4",
        ] {
            assert_eq!(
                bad.parse::<PgInet>().unwrap_err().kind(),
                &DecodeErrorKind::InvalidSyntax,
                "{bad}"
            );
        }
        for range in ["1.2.3.4/33", "::/129", "::/999"] {
            assert_eq!(bad_kind(range), DecodeErrorKind::OutOfRange, "{range}");
        }
        let malformed: &[&[u8]] = &[
            &[],
            &[2, 32, 0, 4, 1, 2, 3],
            &[2, 32, 0, 4, 1, 2, 3, 4, 5],
            &[4, 32, 0, 4, 1, 2, 3, 4],
            &[2, 32, 0, 16, 1, 2, 3, 4],
            &[2, 33, 0, 4, 1, 2, 3, 4],
            &[3, 129, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ];
        for raw in malformed {
            assert!(PgInet::from_sql(&Type::INET, Format::Binary, raw).is_err(), "{raw:?}");
        }
        let bad = PgInet {
            addr: v4(1, 2, 3, 4),
            prefix: 40,
        };
        let err = bad.to_sql(&Type::INET, &mut BytesMut::new()).unwrap_err();
        assert!(err.is::<ValueOutOfRange>());
    }

    fn bad_kind(text: &str) -> DecodeErrorKind {
        text.parse::<PgInet>().unwrap_err().kind().clone()
    }

    #[test]
    fn ip_addr_is_a_host() {
        let addr = v4(127, 0, 0, 1);
        let raw = encode(&addr, &Type::INET);
        assert_eq!(raw, [2, 32, 0, 4, 127, 0, 0, 1]);
        assert_eq!(IpAddr::from_sql(&Type::INET, Format::Binary, &raw).unwrap(), addr);
        assert_eq!(
            IpAddr::from_sql(&Type::INET, Format::Text, b"::1").unwrap(),
            Ipv6Addr::LOCALHOST
        );
        let err = IpAddr::from_sql(&Type::INET, Format::Text, b"10.0.0.1/8").unwrap_err();
        assert!(matches!(kind(&err), DecodeErrorKind::Unsupported(_)));
        assert!(!<IpAddr as FromSql>::accepts(&Type::CIDR));
        assert_encode_wrong_type(&addr, &Type::CIDR);
        assert_encode_wrong_type(&PgInet::host(addr), &Type::CIDR);
        assert_encode_wrong_type(&PgCidr::new(addr, 32).unwrap(), &Type::INET);
    }

    #[test]
    fn mac_addresses() {
        let mac = PgMacAddr([0x08, 0x00, 0x2b, 0x01, 0x02, 0x03]);
        for text in [
            "08:00:2b:01:02:03",
            "08-00-2b-01-02-03",
            "08002b:010203",
            "08002b-010203",
            "0800.2b01.0203",
            "08002b010203",
        ] {
            assert_eq!(text.parse::<PgMacAddr>().unwrap(), mac, "{text}");
        }
        for bad in [
            "",
            "08:00:2b:01:02",
            "08:00:2b:01:02:03:04",
            "08::00:2b:01:02:03",
            "0:8:00:2b:01:02:03",
            "08:00:2b:01:02:0g",
            ":08:00:2b:01:02:03",
            "08:00:2b:01:02:03:",
        ] {
            assert!(bad.parse::<PgMacAddr>().is_err(), "{bad}");
        }
        assert_eq!(encode(&mac, &Type::MACADDR), mac.0);
        let err = PgMacAddr::from_sql(&Type::MACADDR, Format::Binary, &[0; 8]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::WrongLength { expected: 6, actual: 8 });
        let mac8 = PgMacAddr8([8, 0, 0x2b, 1, 2, 3, 4, 5]);
        assert_eq!(encode(&mac8, &Type::MACADDR8), mac8.0);
        assert_eq!(
            PgMacAddr8::from_sql(&Type::MACADDR8, Format::Binary, &mac8.0).unwrap(),
            mac8
        );
        assert_eq!(
            PgMacAddr8::from_sql(&Type::MACADDR8, Format::Text, b"08:00:2b:01:02:03:04:05").unwrap(),
            mac8
        );
        assert!(PgMacAddr8::from_sql(&Type::MACADDR8, Format::Binary, &[0; 6]).is_err());
        assert_encode_wrong_type(&mac, &Type::MACADDR8);
        assert_encode_wrong_type(&mac8, &Type::MACADDR);
    }

    proptest! {
        #[test]
        fn inet_round_trips(bits in any::<u128>(), v6 in any::<bool>(), prefix in 0u8..=128) {
            let addr = if v6 { IpAddr::V6(Ipv6Addr::from(bits)) } else { IpAddr::V4(Ipv4Addr::from(bits as u32)) };
            let prefix = prefix.min(max_prefix(&addr));
            let inet = PgInet { addr, prefix };
            prop_assert_eq!(inet.to_string().parse::<PgInet>().unwrap(), inet);
            let raw = encode(&inet, &Type::INET);
            prop_assert_eq!(PgInet::from_sql(&Type::INET, Format::Binary, &raw).unwrap(), inet);
            let net = inet.network();
            prop_assert_eq!(net.to_string().parse::<PgCidr>().unwrap(), net);
            let raw = encode(&net, &Type::CIDR);
            prop_assert_eq!(PgCidr::from_sql(&Type::CIDR, Format::Binary, &raw).unwrap(), net);
        }

        #[test]
        fn decoders_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..24)) {
            let _ = PgInet::from_sql(&Type::INET, Format::Binary, &raw);
            let _ = PgCidr::from_sql(&Type::CIDR, Format::Binary, &raw);
            if let Ok(text) = std::str::from_utf8(&raw) {
                let _ = text.parse::<PgCidr>();
                let _ = text.parse::<PgMacAddr8>();
            }
        }
    }
}
