//! Bit strings: `bit(n)` and `bit varying(n)` as [`PgBitVec`], and
//! `bit_vec::BitVec` with the `with-bit-vec` feature.
//!
//! # Binary layout (`varbit_send`, also used for `bit`)
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | length | `i32` | the number of bits |
//! | bits | ⌈length / 8⌉ bytes | most significant bit first; the padding bits of the last byte are zero |
//!
//! `B'10110'` is `[0, 0, 0, 5, 0b1011_0000]`. A `bit(n)` column checks on
//! the server that the length is exactly `n`.
//!
//! # Text
//!
//! `0` and `1` characters (`10110`). The decoders also read `bit_in`'s
//! other forms: a leading `B` (`B10110`) and hex after `X` (`X1F` is eight
//! bits).

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::scalar::{PgValue, Reader, out_of_range, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// A PostgreSQL `bit` or `varbit` value: a sequence of bits, stored most
/// significant first in bytes.
///
/// Binary: an `i32` bit count, then the bits packed eight to a byte, most
/// significant first, the last byte's unused bits zero. Text: `0`s and
/// `1`s (decoding also reads `B…` and hex `X…`).
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgBitVec, ToSql, Type};
///
/// let bits: PgBitVec = "10110".parse().unwrap();
/// assert_eq!(bits.len_bits(), 5);
/// assert_eq!(bits.bytes(), &[0b1011_0000]);
/// assert_eq!(bits.get(2), Some(true));
/// assert_eq!(bits.to_string(), "10110");
///
/// let mut buf = BytesMut::new();
/// bits.to_sql(&Type::VARBIT, &mut buf).unwrap();
/// assert_eq!(&buf[..], &[0, 0, 0, 5, 0b1011_0000]);
/// assert_eq!(PgBitVec::from_sql(&Type::BIT, Format::Binary, &buf).unwrap(), bits);
/// assert_eq!(PgBitVec::from_sql(&Type::VARBIT, Format::Text, b"X1F").unwrap().to_string(), "00011111");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct PgBitVec {
    len_bits: usize,
    bytes: Vec<u8>,
}

impl PgBitVec {
    /// An empty bit string.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// assert!(PgBitVec::new().is_empty());
    /// ```
    pub fn new() -> PgBitVec {
        PgBitVec::default()
    }

    /// The first `len_bits` bits of `bytes`, which must have exactly
    /// ⌈`len_bits` / 8⌉ bytes; the bits past the end are cleared.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// let bits = PgBitVec::from_bytes(3, vec![0b1011_1111]).unwrap();
    /// assert_eq!(bits.to_string(), "101");
    /// assert_eq!(bits.bytes(), &[0b1010_0000]);
    /// assert!(PgBitVec::from_bytes(9, vec![0]).is_none());
    /// ```
    pub fn from_bytes(len_bits: usize, mut bytes: Vec<u8>) -> Option<PgBitVec> {
        if bytes.len() != len_bits.div_ceil(8) {
            return None;
        }
        let tail = len_bits % 8;
        if let (Some(last), true) = (bytes.last_mut(), tail != 0) {
            *last &= 0xFFu8 << (8 - tail);
        }
        Some(PgBitVec { len_bits, bytes })
    }

    /// The number of bits.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// assert_eq!("101".parse::<PgBitVec>().unwrap().len_bits(), 3);
    /// ```
    pub fn len_bits(&self) -> usize {
        self.len_bits
    }

    /// Whether there are no bits.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// assert!("".parse::<PgBitVec>().unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len_bits == 0
    }

    /// The bytes, most significant bit first, padding bits zero.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// assert_eq!("111111111".parse::<PgBitVec>().unwrap().bytes(), &[0xFF, 0x80]);
    /// ```
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Bit `i`, if there is one.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// let bits: PgBitVec = "01".parse().unwrap();
    /// assert_eq!((bits.get(0), bits.get(1), bits.get(2)), (Some(false), Some(true), None));
    /// ```
    pub fn get(&self, i: usize) -> Option<bool> {
        (i < self.len_bits).then(|| self.bytes[i / 8] & (0x80 >> (i % 8)) != 0)
    }

    /// Appends a bit.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// let mut bits = PgBitVec::new();
    /// bits.push(true);
    /// bits.push(false);
    /// assert_eq!(bits.to_string(), "10");
    /// ```
    pub fn push(&mut self, bit: bool) {
        if self.len_bits.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if bit && let Some(last) = self.bytes.last_mut() {
            *last |= 0x80 >> (self.len_bits % 8);
        }
        self.len_bits += 1;
    }

    /// The bits in order.
    ///
    /// ```
    /// use tusk_types::PgBitVec;
    ///
    /// let bits: PgBitVec = "110".parse().unwrap();
    /// assert_eq!(bits.iter().collect::<Vec<_>>(), [true, true, false]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.len_bits).map(|i| self.bytes[i / 8] & (0x80 >> (i % 8)) != 0)
    }

    /// Parses `bit_in`'s forms.
    fn parse(s: &str) -> Result<PgBitVec, DecodeErrorKind> {
        let mut bits = PgBitVec::new();
        match s.as_bytes().first() {
            Some(b'x' | b'X') => {
                for b in s[1..].bytes() {
                    let nibble = super::bytea::hex_digit(b)?;
                    for shift in (0..4).rev() {
                        bits.push(nibble >> shift & 1 == 1);
                    }
                }
            }
            first => {
                let body = if matches!(first, Some(b'b' | b'B')) { &s[1..] } else { s };
                for b in body.bytes() {
                    match b {
                        b'0' => bits.push(false),
                        b'1' => bits.push(true),
                        _ => return Err(DecodeErrorKind::InvalidSyntax),
                    }
                }
            }
        }
        Ok(bits)
    }

    /// Decodes the binary form.
    fn decode(raw: &[u8]) -> Result<PgBitVec, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let len = r.i32()?;
        let len = usize::try_from(len).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
        let bytes = r.take(len.div_ceil(8))?.to_vec();
        r.finish()?;
        PgBitVec::from_bytes(len, bytes).ok_or(DecodeErrorKind::InvalidSyntax)
    }

    /// Encodes the binary form, if the length fits.
    pub(crate) fn encode(&self, name: &'static str, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        let len = i32::try_from(self.len_bits)
            .map_err(|_| out_of_range(name, ty, "a bit string has at most 2^31 - 1 bits"))?;
        out.put_i32(len);
        out.put_slice(&self.bytes);
        Ok(())
    }
}

impl FromIterator<bool> for PgBitVec {
    /// Collects bits in order.
    fn from_iter<I: IntoIterator<Item = bool>>(iter: I) -> PgBitVec {
        let mut bits = PgBitVec::new();
        for bit in iter {
            bits.push(bit);
        }
        bits
    }
}

impl fmt::Display for PgBitVec {
    /// `0`s and `1`s.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: String = self.iter().map(|b| if b { '1' } else { '0' }).collect();
        f.write_str(&text)
    }
}

impl fmt::Debug for PgBitVec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgBitVec({self})")
    }
}

impl FromStr for PgBitVec {
    type Err = DecodeError;

    /// Parses `0`s and `1`s, optionally after `B`, or hex after `X`.
    fn from_str(s: &str) -> Result<PgBitVec, DecodeError> {
        value_from_str(&Type::VARBIT, s)
    }
}

/// Whether `ty` is `bit` or `varbit`.
pub(crate) fn is_bit_type(ty: &Type) -> bool {
    ty.oid() == Type::BIT.oid() || ty.oid() == Type::VARBIT.oid()
}

impl PgValue for PgBitVec {
    const NAME: &'static str = "PgBitVec";

    fn accepts_type(ty: &Type) -> bool {
        is_bit_type(ty)
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgBitVec::decode(raw)
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgBitVec::parse(text)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        self.encode(Self::NAME, ty, out)
    }
}

pg_value_impls!(PgBitVec);

/// `bit_vec::BitVec` (feature `with-bit-vec`) ↔ `bit`, `varbit`.
#[cfg(feature = "with-bit-vec")]
impl PgValue for bit_vec::BitVec {
    const NAME: &'static str = "BitVec";

    fn accepts_type(ty: &Type) -> bool {
        is_bit_type(ty)
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgBitVec::decode(raw).map(|bits| bits.iter().collect())
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgBitVec::parse(text).map(|bits| bits.iter().collect())
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        let bits = PgBitVec::from_bytes(self.len(), self.to_bytes()).unwrap_or_else(|| self.iter().collect());
        bits.encode(Self::NAME, ty, out)
    }
}

#[cfg(feature = "with-bit-vec")]
pg_value_impls!(bit_vec::BitVec);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql};
    use proptest::prelude::*;

    #[test]
    fn known_bytes() {
        let cases: &[(&str, &[u8])] = &[
            ("", &[0, 0, 0, 0]),
            ("1", &[0, 0, 0, 1, 0x80]),
            ("10110", &[0, 0, 0, 5, 0b1011_0000]),
            ("11111111", &[0, 0, 0, 8, 0xFF]),
            ("000000001", &[0, 0, 0, 9, 0, 0x80]),
        ];
        for (text, bytes) in cases {
            let bits: PgBitVec = text.parse().unwrap();
            assert_eq!(bits.to_string(), *text);
            for ty in [Type::BIT, Type::VARBIT] {
                assert_eq!(encode(&bits, &ty), *bytes);
                assert_eq!(PgBitVec::from_sql(&ty, Format::Binary, bytes).unwrap(), bits);
                assert_eq!(PgBitVec::from_sql(&ty, Format::Text, text.as_bytes()).unwrap(), bits);
            }
        }
    }

    #[test]
    fn text_forms_and_errors() {
        assert_eq!("B101".parse::<PgBitVec>().unwrap().to_string(), "101");
        assert_eq!("xA".parse::<PgBitVec>().unwrap().to_string(), "1010");
        assert_eq!("X".parse::<PgBitVec>().unwrap().to_string(), "");
        for bad in ["102", "X1G", " 1", "b1b"] {
            assert!(bad.parse::<PgBitVec>().is_err(), "{bad}");
        }
        // Padding bits are cleared, not refused (like varbit_recv).
        let bits = PgBitVec::from_sql(&Type::VARBIT, Format::Binary, &[0, 0, 0, 3, 0xFF]).unwrap();
        assert_eq!(bits.bytes(), &[0xE0]);
        let malformed: &[(&[u8], DecodeErrorKind)] = &[
            (&[0, 0, 0], DecodeErrorKind::WrongLength { expected: 4, actual: 3 }),
            (&[0xFF, 0xFF, 0xFF, 0xFF], DecodeErrorKind::InvalidSyntax),
            (
                &[0, 0, 0, 9, 0],
                DecodeErrorKind::WrongLength { expected: 6, actual: 5 },
            ),
            (
                &[0, 0, 0, 1, 0, 0],
                DecodeErrorKind::WrongLength { expected: 5, actual: 6 },
            ),
            (
                &[0x7F, 0xFF, 0xFF, 0xFF],
                DecodeErrorKind::WrongLength {
                    expected: 268_435_460,
                    actual: 4,
                },
            ),
        ];
        for (raw, expected) in malformed {
            let err = PgBitVec::from_sql(&Type::VARBIT, Format::Binary, raw).unwrap_err();
            assert_eq!(&kind(&err), expected, "{raw:?}");
        }
        assert_encode_wrong_type(&PgBitVec::new(), &Type::BYTEA);
        assert!(!<PgBitVec as FromSql>::accepts(&Type::BYTEA));
        assert!(PgBitVec::new().accepts(&Type::BIT));
        assert_eq!(format!("{:?}", "01".parse::<PgBitVec>().unwrap()), "PgBitVec(01)");
        assert_eq!([true, false].into_iter().collect::<PgBitVec>().to_string(), "10");
    }

    #[cfg(feature = "with-bit-vec")]
    #[test]
    fn bit_vec_crate() {
        let mut bv = bit_vec::BitVec::from_elem(10, false);
        bv.set(0, true);
        bv.set(9, true);
        let raw = encode(&bv, &Type::VARBIT);
        assert_eq!(raw, [0, 0, 0, 10, 0x80, 0x40]);
        assert_eq!(
            bit_vec::BitVec::from_sql(&Type::VARBIT, Format::Binary, &raw).unwrap(),
            bv
        );
        assert_eq!(
            bit_vec::BitVec::from_sql(&Type::BIT, Format::Text, b"1000000001").unwrap(),
            bv
        );
        assert_encode_wrong_type(&bv, &Type::TEXT);
    }

    proptest! {
        #[test]
        fn round_trips(bits in proptest::collection::vec(any::<bool>(), 0..100)) {
            let value: PgBitVec = bits.iter().copied().collect();
            prop_assert_eq!(value.iter().collect::<Vec<_>>(), bits);
            prop_assert_eq!(value.to_string().parse::<PgBitVec>().unwrap(), value.clone());
            let raw = encode(&value, &Type::VARBIT);
            prop_assert_eq!(PgBitVec::from_sql(&Type::VARBIT, Format::Binary, &raw).unwrap(), value);
        }
    }
}
