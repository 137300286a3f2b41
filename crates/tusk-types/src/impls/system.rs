//! System types: `pg_lsn` ([`PgLsn`]), `pg_snapshot` and `txid_snapshot`
//! ([`PgSnapshot`]), the catalog vectors `int2vector` and `oidvector`
//! ([`PgInt2Vector`], [`PgOidVector`]), and `void` (`()`).
//!
//! # Binary layouts
//!
//! | type | layout | text |
//! | --- | --- | --- |
//! | `pg_lsn` | `u64`, the byte position in the write-ahead log | the high and low 32 bits in upper-case hex: `16/B374D848` |
//! | `pg_snapshot`, `txid_snapshot` | `i32` count of in-progress ids, `i64` xmin, `i64` xmax, then the ids as `i64` | `xmin:xmax:xip,xip,…` (`10:20:10,14,15`; `10:10:` with none) |
//! | `int2vector`, `oidvector` | a one-dimensional array (`array_send`): `i32` 1 dimension, `i32` 0 (no NULLs), the element type OID (21 or 26), `i32` length, `i32` lower bound 0, then each element as an `i32` length and its bytes | the elements separated by spaces: `1 2 3` |
//! | `void` | nothing | an empty string |
//!
//! The server refuses an empty `int2vector` or `oidvector` in binary (it
//! wants exactly one dimension, which an empty array does not have), so the
//! vector types send an empty vector as text.

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::scalar::{PgValue, Reader, out_of_range, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Format, FromSql, IsNull, ToSql, Type};

/// A PostgreSQL `pg_lsn`: a position in the write-ahead log, as a byte
/// offset.
///
/// Binary: the `u64`. Text: its high and low halves in upper-case hex,
/// `16/B374D848`.
///
/// ```
/// use tusk_types::{Format, FromSql, PgLsn, Type};
///
/// let lsn: PgLsn = "16/B374D848".parse().unwrap();
/// assert_eq!(lsn, PgLsn(0x16_B374_D848));
/// assert_eq!(lsn.to_string(), "16/B374D848");
/// assert_eq!(PgLsn::from_sql(&Type::PG_LSN, Format::Binary, &0x16_B374_D848u64.to_be_bytes()).unwrap(), lsn);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PgLsn(pub u64);

impl fmt::Display for PgLsn {
    /// `HI/LO` in upper-case hex, without leading zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

impl FromStr for PgLsn {
    type Err = DecodeError;

    /// Parses `HI/LO`, each 1 to 8 hex digits.
    fn from_str(s: &str) -> Result<PgLsn, DecodeError> {
        value_from_str(&Type::PG_LSN, s)
    }
}

impl From<u64> for PgLsn {
    /// The LSN at this byte offset.
    fn from(offset: u64) -> PgLsn {
        PgLsn(offset)
    }
}

/// 1 to 8 hex digits.
fn hex_u32(s: &str) -> Result<u64, DecodeErrorKind> {
    if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    u64::from_str_radix(s, 16).map_err(|_| DecodeErrorKind::InvalidSyntax)
}

impl PgValue for PgLsn {
    const NAME: &'static str = "PgLsn";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::PG_LSN.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let lsn = r.u64()?;
        r.finish()?;
        Ok(PgLsn(lsn))
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let (hi, lo) = text
            .trim_ascii()
            .split_once('/')
            .ok_or(DecodeErrorKind::InvalidSyntax)?;
        Ok(PgLsn(hex_u32(hi)? << 32 | hex_u32(lo)?))
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_u64(self.0);
        Ok(())
    }
}

/// A PostgreSQL `pg_snapshot` (or the older `txid_snapshot`): which
/// transactions a snapshot sees. Every transaction id below `xmin` has
/// finished, every one from `xmax` on has not started, and of those in
/// between, the ones in `xip` were still in progress.
///
/// Binary: an `i32` count of `xip`, `xmin` and `xmax` as 64-bit integers,
/// then the `xip` ids. Text: `xmin:xmax:xip,xip,…`.
///
/// ```
/// use tusk_types::{Format, FromSql, PgSnapshot, Type};
///
/// let snap: PgSnapshot = "10:20:10,14,15".parse().unwrap();
/// assert_eq!(snap, PgSnapshot { xmin: 10, xmax: 20, xip: vec![10, 14, 15] });
/// assert_eq!(snap.to_string(), "10:20:10,14,15");
/// assert!(PgSnapshot::from_sql(&Type::PG_SNAPSHOT, Format::Text, b"5:5:").unwrap().xip.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgSnapshot {
    /// The oldest transaction still running.
    pub xmin: u64,
    /// One past the newest transaction that had started.
    pub xmax: u64,
    /// The transactions between the two that were in progress.
    pub xip: Vec<u64>,
}

impl fmt::Display for PgSnapshot {
    /// `xmin:xmax:xip,xip,…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.xmin, self.xmax)?;
        for (i, xid) in self.xip.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{xid}")?;
        }
        Ok(())
    }
}

impl FromStr for PgSnapshot {
    type Err = DecodeError;

    /// Parses `xmin:xmax:xip,xip,…`.
    fn from_str(s: &str) -> Result<PgSnapshot, DecodeError> {
        value_from_str(&Type::PG_SNAPSHOT, s)
    }
}

/// A decimal `u64`.
fn decimal_u64(s: &str) -> Result<u64, DecodeErrorKind> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    s.parse().map_err(|_| DecodeErrorKind::OutOfRange)
}

impl PgValue for PgSnapshot {
    const NAME: &'static str = "PgSnapshot";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::PG_SNAPSHOT.oid() || ty.oid() == Type::TXID_SNAPSHOT.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let count = usize::try_from(r.i32()?).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
        let xmin = r.u64()?;
        let xmax = r.u64()?;
        let body = r.take(count.checked_mul(8).ok_or(DecodeErrorKind::InvalidSyntax)?)?;
        r.finish()?;
        let xip = body
            .chunks_exact(8)
            .map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                u64::from_be_bytes(b)
            })
            .collect();
        Ok(PgSnapshot { xmin, xmax, xip })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let mut parts = text.trim_ascii().splitn(3, ':');
        let xmin = decimal_u64(parts.next().unwrap_or_default())?;
        let xmax = decimal_u64(parts.next().ok_or(DecodeErrorKind::InvalidSyntax)?)?;
        let list = parts.next().ok_or(DecodeErrorKind::InvalidSyntax)?;
        let xip = if list.is_empty() {
            Vec::new()
        } else {
            list.split(',').map(decimal_u64).collect::<Result<_, _>>()?
        };
        Ok(PgSnapshot { xmin, xmax, xip })
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        let count = i32::try_from(self.xip.len())
            .map_err(|_| out_of_range(Self::NAME, ty, "too many in-progress transactions"))?;
        out.put_i32(count);
        out.put_u64(self.xmin);
        out.put_u64(self.xmax);
        for xid in &self.xip {
            out.put_u64(*xid);
        }
        Ok(())
    }
}

/// `void`, the result of a function that returns nothing: no bytes in
/// binary, an empty string in text.
///
/// ```
/// use tusk_types::{Format, FromSql, Type};
///
/// <()>::from_sql(&Type::VOID, Format::Binary, b"").unwrap();
/// <()>::from_sql(&Type::VOID, Format::Text, b"").unwrap();
/// assert!(<()>::from_sql(&Type::INT4, Format::Binary, b"").is_err());
/// ```
impl PgValue for () {
    const NAME: &'static str = "()";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::VOID.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        Reader::new(raw).finish()
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        if text.is_empty() {
            Ok(())
        } else {
            Err(DecodeErrorKind::InvalidSyntax)
        }
    }

    fn encode_binary(&self, _ty: &Type, _out: &mut BytesMut) -> Result<(), BoxError> {
        Ok(())
    }
}

pg_value_impls!(PgLsn, PgSnapshot, ());

/// The integers of a catalog vector.
trait VectorElement: Copy + fmt::Display + FromStr {
    /// The element type.
    const ELEMENT: Type;
    /// Its size in binary.
    const SIZE: usize;
    fn read(bytes: &[u8]) -> Self;
    fn put(self, out: &mut BytesMut);
}

impl VectorElement for i16 {
    const ELEMENT: Type = Type::INT2;
    const SIZE: usize = 2;

    fn read(bytes: &[u8]) -> i16 {
        i16::from_be_bytes([bytes[0], bytes[1]])
    }

    fn put(self, out: &mut BytesMut) {
        out.put_i16(self);
    }
}

impl VectorElement for u32 {
    const ELEMENT: Type = Type::OID;
    const SIZE: usize = 4;

    fn read(bytes: &[u8]) -> u32 {
        u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    fn put(self, out: &mut BytesMut) {
        out.put_u32(self);
    }
}

/// Decodes the one-dimensional array form of a catalog vector.
fn decode_vector<T: VectorElement>(raw: &[u8]) -> Result<Vec<T>, DecodeErrorKind> {
    let mut r = Reader::new(raw);
    let ndim = r.i32()?;
    let has_nulls = r.i32()?;
    let element = r.u32()?;
    if element != T::ELEMENT.oid() || has_nulls != 0 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let len = match ndim {
        0 => 0,
        1 => {
            let len = usize::try_from(r.i32()?).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
            let _lower_bound = r.i32()?;
            len
        }
        _ => return Err(DecodeErrorKind::InvalidSyntax),
    };
    let mut out = Vec::with_capacity(len.min(r.remaining() / (4 + T::SIZE)));
    for _ in 0..len {
        if r.i32()? != T::SIZE as i32 {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        out.push(T::read(r.take(T::SIZE)?));
    }
    r.finish()?;
    Ok(out)
}

/// Parses the space-separated text form.
fn parse_vector<T: VectorElement>(text: &str) -> Result<Vec<T>, DecodeErrorKind> {
    text.split_ascii_whitespace()
        .map(|n| n.parse().map_err(|_| DecodeErrorKind::InvalidSyntax))
        .collect()
}

/// Encodes a catalog vector: binary when it has elements, else text (an
/// empty string).
fn encode_vector<T: VectorElement>(
    name: &'static str,
    ty: &Type,
    values: &[T],
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    super::ensure_type(ty.oid() == vector_type::<T>().oid(), name, ty)?;
    if values.is_empty() {
        return Ok(IsNull::No);
    }
    let len = i32::try_from(values.len()).map_err(|_| out_of_range(name, ty, "too many elements"))?;
    out.put_i32(1);
    out.put_i32(0);
    out.put_u32(T::ELEMENT.oid());
    out.put_i32(len);
    out.put_i32(0);
    for &v in values {
        out.put_i32(T::SIZE as i32);
        v.put(out);
    }
    Ok(IsNull::No)
}

/// The vector type of an element type.
fn vector_type<T: VectorElement>() -> Type {
    if T::SIZE == 2 {
        Type::INT2_VECTOR
    } else {
        Type::OID_VECTOR
    }
}

/// Decodes a catalog vector in either format.
fn vector_from_sql<T: VectorElement>(
    name: &'static str,
    ty: &Type,
    format: Format,
    raw: &[u8],
) -> Result<Vec<T>, BoxError> {
    super::ensure_type(ty.oid() == vector_type::<T>().oid(), name, ty)?;
    let decoded = match format {
        Format::Binary => decode_vector(raw),
        Format::Text => parse_vector(super::utf8(name, ty, format, raw)?),
    };
    decoded.map_err(|kind| crate::error::decode_error(name, ty, format, kind))
}

/// Writes the elements separated by spaces.
fn write_vector<T: VectorElement>(f: &mut fmt::Formatter<'_>, values: &[T]) -> fmt::Result {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{v}")?;
    }
    Ok(())
}

/// Implements the traits of a catalog vector wrapper.
macro_rules! vector_impls {
    ($t:ident, $elem:ty, $name:literal) => {
        impl ToSql for $t {
            fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
                encode_vector::<$elem>($name, ty, &self.0, out)
            }

            fn accepts(&self, ty: &Type) -> bool {
                ty.oid() == vector_type::<$elem>().oid()
            }

            fn format(&self, _ty: &Type) -> Format {
                if self.0.is_empty() {
                    Format::Text
                } else {
                    Format::Binary
                }
            }

            fn type_name(&self) -> &'static str {
                $name
            }
        }

        impl<'a> FromSql<'a> for $t {
            fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
                vector_from_sql::<$elem>($name, ty, format, raw).map($t)
            }

            fn accepts(ty: &Type) -> bool {
                ty.oid() == vector_type::<$elem>().oid()
            }
        }

        impl fmt::Display for $t {
            /// The elements separated by spaces.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_vector(f, &self.0)
            }
        }

        impl FromStr for $t {
            type Err = DecodeError;

            /// Parses integers separated by white space.
            fn from_str(s: &str) -> Result<$t, DecodeError> {
                parse_vector(s)
                    .map($t)
                    .map_err(|kind| DecodeError::new($name, vector_type::<$elem>(), Format::Text, kind))
            }
        }

        impl From<Vec<$elem>> for $t {
            fn from(values: Vec<$elem>) -> $t {
                $t(values)
            }
        }

        impl From<$t> for Vec<$elem> {
            fn from(vector: $t) -> Vec<$elem> {
                vector.0
            }
        }

        impl std::ops::Deref for $t {
            type Target = Vec<$elem>;

            fn deref(&self) -> &Vec<$elem> {
                &self.0
            }
        }
    };
}

/// A PostgreSQL `int2vector` (as in `pg_index.indkey`): `i16`s, written
/// `1 3 2` in text and as a one-dimensional `int2` array in binary.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgInt2Vector, ToSql, Type};
///
/// let v = PgInt2Vector(vec![1, 3]);
/// let mut buf = BytesMut::new();
/// v.to_sql(&Type::INT2_VECTOR, &mut buf).unwrap();
/// assert_eq!(&buf[..], &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 2, 0, 3]);
/// assert_eq!(PgInt2Vector::from_sql(&Type::INT2_VECTOR, Format::Binary, &buf).unwrap(), v);
/// assert_eq!(PgInt2Vector::from_sql(&Type::INT2_VECTOR, Format::Text, b"1 3").unwrap(), v);
/// assert_eq!(v.to_string(), "1 3");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgInt2Vector(pub Vec<i16>);

/// A PostgreSQL `oidvector` (as in `pg_proc.proargtypes`): OIDs, written
/// `23 25` in text and as a one-dimensional `oid` array in binary.
///
/// ```
/// use tusk_types::{Format, FromSql, PgOidVector, Type};
///
/// let v = PgOidVector::from_sql(&Type::OID_VECTOR, Format::Text, b"23 25").unwrap();
/// assert_eq!(*v, [23, 25]);
/// assert_eq!(PgOidVector::from_sql(&Type::OID_VECTOR, Format::Text, b"").unwrap(), PgOidVector(vec![]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgOidVector(pub Vec<u32>);

vector_impls!(PgInt2Vector, i16, "PgInt2Vector");
vector_impls!(PgOidVector, u32, "PgOidVector");

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lsn() {
        for (text, value) in [
            ("0/0", 0u64),
            ("16/B374D848", 0x16_B374_D848),
            ("FFFFFFFF/FFFFFFFF", u64::MAX),
        ] {
            assert_eq!(PgLsn(value).to_string(), text);
            assert_eq!(text.parse::<PgLsn>().unwrap(), PgLsn(value));
            assert_eq!(encode(&PgLsn(value), &Type::PG_LSN), value.to_be_bytes());
        }
        assert_eq!("16/b374d848".parse::<PgLsn>().unwrap(), PgLsn(0x16_B374_D848));
        assert_eq!("00000016/0000000A".parse::<PgLsn>().unwrap(), PgLsn(0x16_0000_000A));
        for bad in ["", "16", "/1", "1/", "123456789/0", "1/g", "1/2/3", "-1/0"] {
            assert!(bad.parse::<PgLsn>().is_err(), "{bad}");
        }
        let err = PgLsn::from_sql(&Type::PG_LSN, Format::Binary, &[0; 4]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::WrongLength { expected: 8, actual: 4 });
        assert_encode_wrong_type(&PgLsn(1), &Type::INT8);
        assert_eq!(PgLsn::from(5).0, 5);
    }

    #[test]
    fn snapshot() {
        let snap = PgSnapshot {
            xmin: 10,
            xmax: 20,
            xip: vec![10, 14, 15],
        };
        let raw = encode(&snap, &Type::PG_SNAPSHOT);
        let mut expected = vec![0, 0, 0, 3];
        for v in [10u64, 20, 10, 14, 15] {
            expected.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(raw, expected);
        for ty in [Type::PG_SNAPSHOT, Type::TXID_SNAPSHOT] {
            assert_eq!(PgSnapshot::from_sql(&ty, Format::Binary, &raw).unwrap(), snap);
            assert_eq!(
                PgSnapshot::from_sql(&ty, Format::Text, b"10:20:10,14,15").unwrap(),
                snap
            );
        }
        let empty = PgSnapshot {
            xmin: 5,
            xmax: 5,
            xip: vec![],
        };
        assert_eq!(empty.to_string(), "5:5:");
        assert_eq!("5:5:".parse::<PgSnapshot>().unwrap(), empty);
        for bad in ["", "1", "1:2", "1:2:x", "1:2:3,", ":2:", "1:2:3,,4", "1:-2:"] {
            assert!(bad.parse::<PgSnapshot>().is_err(), "{bad}");
        }
        assert_eq!(
            "99999999999999999999:1:".parse::<PgSnapshot>().unwrap_err().kind(),
            &DecodeErrorKind::OutOfRange
        );
        let malformed: &[&[u8]] = &[
            &[0xFF, 0xFF, 0xFF, 0xFF],
            &[0, 0, 0, 1],
            &[0x7F, 0xFF, 0xFF, 0xFF, 0, 0],
        ];
        for raw in malformed {
            assert!(PgSnapshot::from_sql(&Type::PG_SNAPSHOT, Format::Binary, raw).is_err());
        }
        assert_encode_wrong_type(&snap, &Type::TEXT);
    }

    #[test]
    fn void() {
        <()>::from_sql(&Type::VOID, Format::Binary, b"").unwrap();
        assert!(<()>::from_sql(&Type::VOID, Format::Binary, b"x").is_err());
        assert!(<()>::from_sql(&Type::VOID, Format::Text, b"x").is_err());
        assert!(<() as FromSql>::accepts(&Type::VOID));
        assert!(!<() as FromSql>::accepts(&Type::TEXT));
        assert!(encode(&(), &Type::VOID).is_empty());
        assert_eq!(Option::<()>::from_sql_null(&Type::VOID).unwrap(), None);
    }

    #[test]
    fn vectors() {
        let v = PgOidVector(vec![23, 25]);
        let raw = encode(&v, &Type::OID_VECTOR);
        assert_eq!(
            &raw[..20],
            &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0, 2, 0, 0, 0, 0]
        );
        assert_eq!(
            PgOidVector::from_sql(&Type::OID_VECTOR, Format::Binary, &raw).unwrap(),
            v
        );
        assert_eq!(v.format(&Type::OID_VECTOR), Format::Binary);
        // Empty: sent as text, decoded from either format.
        let empty = PgInt2Vector::default();
        assert_eq!(empty.format(&Type::INT2_VECTOR), Format::Text);
        assert!(encode(&empty, &Type::INT2_VECTOR).is_empty());
        let no_dims = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 21];
        assert_eq!(
            PgInt2Vector::from_sql(&Type::INT2_VECTOR, Format::Binary, &no_dims).unwrap(),
            empty
        );
        let zero_len = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            PgInt2Vector::from_sql(&Type::INT2_VECTOR, Format::Binary, &zero_len).unwrap(),
            empty
        );
        assert_eq!(
            PgInt2Vector::from_sql(&Type::INT2_VECTOR, Format::Text, b"  -1   7 ")
                .unwrap()
                .0,
            [-1, 7]
        );
        assert_eq!("1 2".parse::<PgInt2Vector>().unwrap().to_string(), "1 2");
        assert!("1 x".parse::<PgInt2Vector>().is_err());
        assert!("40000".parse::<PgInt2Vector>().is_err());
        let malformed: &[&[u8]] = &[
            &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 0, 0, 0, 0, 0],
            &[
                0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 21, 0, 0, 0, 1, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
            ],
            &[0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 21],
            &[
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 1,
            ],
            &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 21, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0],
            &[
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0,
            ],
        ];
        for raw in malformed {
            assert!(
                PgInt2Vector::from_sql(&Type::INT2_VECTOR, Format::Binary, raw).is_err(),
                "{raw:?}"
            );
        }
        assert_encode_wrong_type(&v, &Type::INT2_VECTOR);
        assert_encode_wrong_type(&empty, &Type::OID_VECTOR);
        assert!(!<PgOidVector as FromSql>::accepts(&Type::OID_ARRAY));
        assert_eq!(Vec::from(v.clone()), [23, 25]);
        assert_eq!(PgOidVector::from(vec![1]).len(), 1);
    }

    proptest! {
        #[test]
        fn round_trips(values in proptest::collection::vec(any::<i16>(), 0..10), xmin in any::<u64>(), xip in proptest::collection::vec(any::<u64>(), 0..5)) {
            let v = PgInt2Vector(values);
            prop_assert_eq!(v.to_string().parse::<PgInt2Vector>().unwrap(), v.clone());
            if !v.is_empty() {
                let raw = encode(&v, &Type::INT2_VECTOR);
                prop_assert_eq!(PgInt2Vector::from_sql(&Type::INT2_VECTOR, Format::Binary, &raw).unwrap(), v);
            }
            let snap = PgSnapshot { xmin, xmax: xmin, xip };
            prop_assert_eq!(snap.to_string().parse::<PgSnapshot>().unwrap(), snap.clone());
            let raw = encode(&snap, &Type::PG_SNAPSHOT);
            prop_assert_eq!(PgSnapshot::from_sql(&Type::PG_SNAPSHOT, Format::Binary, &raw).unwrap(), snap);
            let lsn = PgLsn(xmin);
            prop_assert_eq!(lsn.to_string().parse::<PgLsn>().unwrap(), lsn);
        }
    }
}
