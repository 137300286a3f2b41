//! The machinery the scalar types share: a bounds-checked reader for binary
//! values, a cursor for text, the [`PgValue`] trait that each conversion
//! implements once (a macro turns it into `ToSql` + `FromSql`), PostgreSQL's
//! spelling of `float8` values, and [`ValueOutOfRange`], the error for a Rust
//! value that PostgreSQL cannot hold.
//!
//! Decoders here work in terms of [`DecodeErrorKind`]; the callers add the
//! Rust type, the PostgreSQL type and the format to make a
//! [`DecodeError`](crate::DecodeError). Binary input that ends early, or has
//! bytes left over, is a [`WrongLength`](DecodeErrorKind::WrongLength) whose
//! `expected` is the length the header promised.

use std::error::Error;
use std::fmt;

use bytes::{BufMut, BytesMut};

use super::{ensure_type, utf8};
use crate::error::decode_error;
use crate::{BoxError, DecodeError, DecodeErrorKind, Format, IsNull, Oid, Type};

/// A Rust value that PostgreSQL cannot hold in the parameter's type: a date
/// before 4713 BC, a `rust_decimal::Decimal` never is, but a `time` of
/// 25:00, a bit string longer than 2³¹ bits, a `cidr` with host bits set.
///
/// Returned by [`ToSql::to_sql`](crate::ToSql::to_sql); the value was not
/// written.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{PgTime, ToSql, Type, ValueOutOfRange};
///
/// let err = PgTime(25 * 3_600_000_000).to_sql(&Type::TIME, &mut BytesMut::new()).unwrap_err();
/// let range = err.downcast_ref::<ValueOutOfRange>().unwrap();
/// assert_eq!(range.pg_type, Type::TIME);
/// assert_eq!(
///     err.to_string(),
///     "value of Rust type `PgTime` is out of range for PostgreSQL type `time`: a time of day is at most 24:00:00"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueOutOfRange {
    /// The Rust type of the value.
    pub rust_type: &'static str,
    /// The PostgreSQL type it was to be sent as.
    pub pg_type: Type,
    /// What PostgreSQL's limit is.
    pub reason: &'static str,
}

impl ValueOutOfRange {
    /// A `ValueOutOfRange` for this value and type, with the limit it broke.
    ///
    /// ```
    /// use tusk_types::{Type, ValueOutOfRange};
    ///
    /// let err = ValueOutOfRange::new("MyDate", Type::DATE, "after 5874897 AD");
    /// assert_eq!(err.reason, "after 5874897 AD");
    /// ```
    pub fn new(rust_type: &'static str, pg_type: Type, reason: &'static str) -> ValueOutOfRange {
        ValueOutOfRange {
            rust_type,
            pg_type,
            reason,
        }
    }
}

impl fmt::Display for ValueOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "value of Rust type `{}` is out of range for PostgreSQL type `{}`: {}",
            self.rust_type, self.pg_type, self.reason
        )
    }
}

impl Error for ValueOutOfRange {}

/// The built-in scalar types decoded in binary by the modules beside this one
/// (numeric, money, dates and times, network, bit strings, geometry, text
/// search, `pg_lsn`, snapshots, `void`); [`Type::binary_supported`] asks this
/// besides the primitives.
pub(crate) const fn is_scalar_binary(oid: Oid) -> bool {
    matches!(
        oid,
        600..=604         // point, lseg, path, box, polygon
        | 628             // line
        | 718             // circle
        | 650             // cidr
        | 774             // macaddr8
        | 790             // money
        | 829             // macaddr
        | 869             // inet
        | 1082            // date
        | 1083            // time
        | 1114            // timestamp
        | 1184            // timestamptz
        | 1186            // interval
        | 1266            // timetz
        | 1560            // bit
        | 1562            // varbit
        | 1700            // numeric
        | 2278            // void
        | 2970            // txid_snapshot
        | 3220            // pg_lsn
        | 3614            // tsvector
        | 3615            // tsquery
        | 5038 // pg_snapshot
    )
}

/// Whether a string parameter of type `ty` is still sent as text, as it
/// was before this crate decoded these types in binary: `"12.50"` for a
/// `numeric`, `"2024-01-31"` for a `date`.
pub(crate) fn binds_strings_as_text(ty: &Type) -> bool {
    is_scalar_binary(ty.oid())
}

/// Boxes a [`ValueOutOfRange`].
pub(crate) fn out_of_range(rust_type: &'static str, ty: &Type, reason: &'static str) -> BoxError {
    Box::new(ValueOutOfRange::new(rust_type, ty.clone(), reason))
}

/// Reads a binary value front to back, never past its end.
pub(crate) struct Reader<'a> {
    raw: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `raw`.
    pub(crate) fn new(raw: &'a [u8]) -> Reader<'a> {
        Reader { raw, pos: 0 }
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeErrorKind> {
        let short = DecodeErrorKind::WrongLength {
            expected: self.pos.saturating_add(n),
            actual: self.raw.len(),
        };
        let end = self.pos.checked_add(n).ok_or(short.clone())?;
        let bytes = self.raw.get(self.pos..end).ok_or(short)?;
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeErrorKind> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeErrorKind> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn i16(&mut self) -> Result<i16, DecodeErrorKind> {
        self.array().map(i16::from_be_bytes)
    }

    pub(crate) fn u16(&mut self) -> Result<u16, DecodeErrorKind> {
        self.array().map(u16::from_be_bytes)
    }

    pub(crate) fn i32(&mut self) -> Result<i32, DecodeErrorKind> {
        self.array().map(i32::from_be_bytes)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeErrorKind> {
        self.array().map(u32::from_be_bytes)
    }

    pub(crate) fn i64(&mut self) -> Result<i64, DecodeErrorKind> {
        self.array().map(i64::from_be_bytes)
    }

    pub(crate) fn u64(&mut self) -> Result<u64, DecodeErrorKind> {
        self.array().map(u64::from_be_bytes)
    }

    pub(crate) fn f64(&mut self) -> Result<f64, DecodeErrorKind> {
        self.array().map(f64::from_be_bytes)
    }

    /// A NUL-terminated string, without its NUL.
    pub(crate) fn cstr(&mut self) -> Result<&'a [u8], DecodeErrorKind> {
        let rest = self.raw.get(self.pos..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(DecodeErrorKind::InvalidSyntax)?;
        self.pos += len + 1;
        Ok(&rest[..len])
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> usize {
        self.raw.len().saturating_sub(self.pos)
    }

    /// Refuses bytes left over after the value.
    pub(crate) fn finish(&self) -> Result<(), DecodeErrorKind> {
        if self.pos == self.raw.len() {
            Ok(())
        } else {
            Err(DecodeErrorKind::WrongLength {
                expected: self.pos,
                actual: self.raw.len(),
            })
        }
    }
}

/// Walks a text value byte by byte. The text forms PostgreSQL prints for the
/// scalar types are ASCII apart from quoted lexemes, which are copied whole.
pub(crate) struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `s`.
    pub(crate) fn new(s: &'a str) -> Cursor<'a> {
        Cursor {
            s: s.as_bytes(),
            pos: 0,
        }
    }

    /// The next byte, without consuming it.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// Consumes and returns the next byte.
    pub(crate) fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    /// Consumes `b` if it is next.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `b`, which must be next.
    pub(crate) fn expect(&mut self, b: u8) -> Result<(), DecodeErrorKind> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(DecodeErrorKind::InvalidSyntax)
        }
    }

    /// Consumes `word` (ASCII, compared without case) if it is next.
    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        match self.s.get(self.pos..end) {
            Some(bytes) if bytes.eq_ignore_ascii_case(word.as_bytes()) => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    /// Skips ASCII whitespace.
    pub(crate) fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// A run of 1 to `max` decimal digits, as a number and its length.
    /// `max` is at most 18, so the number fits.
    pub(crate) fn digits(&mut self, max: usize) -> Result<(u64, usize), DecodeErrorKind> {
        let mut value = 0u64;
        let mut count = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if count == max {
                return Err(DecodeErrorKind::OutOfRange);
            }
            value = value * 10 + u64::from(b - b'0');
            count += 1;
            self.pos += 1;
        }
        if count == 0 {
            Err(DecodeErrorKind::InvalidSyntax)
        } else {
            Ok((value, count))
        }
    }

    /// Exactly `n` (at most 18) decimal digits; a digit after them is left
    /// for the caller.
    pub(crate) fn fixed_digits(&mut self, n: usize) -> Result<u64, DecodeErrorKind> {
        let mut value = 0u64;
        for _ in 0..n {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value * 10 + u64::from(b - b'0');
                    self.pos += 1;
                }
                _ => return Err(DecodeErrorKind::InvalidSyntax),
            }
        }
        Ok(value)
    }

    /// The bytes consumed so far.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Goes back to a position [`pos`](Cursor::pos) returned.
    pub(crate) fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The unconsumed rest.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.s.get(self.pos..).unwrap_or_default()
    }

    /// Whether everything was consumed.
    pub(crate) fn is_done(&self) -> bool {
        self.pos >= self.s.len()
    }

    /// Refuses anything but trailing whitespace.
    pub(crate) fn finish(&mut self) -> Result<(), DecodeErrorKind> {
        self.skip_ws();
        if self.is_done() {
            Ok(())
        } else {
            Err(DecodeErrorKind::InvalidSyntax)
        }
    }
}

/// A conversion implemented once and wrapped into `ToSql` and `FromSql` by
/// [`pg_value_impls!`]. Decoding is the same for every type: check the type,
/// then the binary or the text form.
pub(crate) trait PgValue: Sized {
    /// The Rust type's name in errors.
    const NAME: &'static str;

    /// The PostgreSQL types this Rust type converts to and from.
    fn accepts_type(ty: &Type) -> bool;

    /// Decodes the binary form (`ty` is accepted).
    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind>;

    /// Decodes the text form (`ty` is accepted).
    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind>;

    /// Appends the binary form (`ty` is accepted).
    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError>;

    /// The length of the binary form when it is always the same: `encode_binary` then
    /// writes exactly that many bytes (or nothing, on error), and a field's length
    /// prefix is written up front instead of patched in afterwards.
    const BINARY_LEN: Option<usize> = None;
}

/// `FromSql::from_sql` for a [`PgValue`].
#[inline]
pub(crate) fn value_from_sql<T: PgValue>(ty: &Type, format: Format, raw: &[u8]) -> Result<T, BoxError> {
    ensure_type(T::accepts_type(ty), T::NAME, ty)?;
    let decoded = match format {
        Format::Binary => T::decode_binary(ty, raw),
        Format::Text => T::decode_text(ty, utf8(T::NAME, ty, format, raw)?),
    };
    decoded.map_err(|kind| decode_error(T::NAME, ty, format, kind))
}

/// `ToSql::to_sql` for a [`PgValue`]: nothing is left in `out` on error.
pub(crate) fn value_to_sql<T: PgValue>(value: &T, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    ensure_type(T::accepts_type(ty), T::NAME, ty)?;
    let start = out.len();
    match value.encode_binary(ty, out) {
        Ok(()) => Ok(IsNull::No),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// [`ToSql::encode_field`](crate::ToSql::encode_field) for a [`PgValue`]: a value of
/// fixed binary length ([`PgValue::BINARY_LEN`]) writes its length up front; the others
/// take the general path.
#[inline]
pub(crate) fn value_encode_field<T: PgValue + crate::ToSql>(
    value: &T,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<Format, BoxError> {
    let Some(len) = T::BINARY_LEN else {
        return crate::encode_field_generic(value, ty, out);
    };
    ensure_type(T::accepts_type(ty), T::NAME, ty)?;
    let start = out.len();
    out.reserve(4 + len);
    out.put_i32(len as i32);
    if let Err(e) = value.encode_binary(ty, out) {
        out.truncate(start);
        return Err(e);
    }
    debug_assert_eq!(
        out.len(),
        start + 4 + len,
        "{} wrote a binary form of another length",
        T::NAME
    );
    Ok(Format::Binary)
}

/// `FromStr::from_str` for a [`PgValue`]: the text form of type `ty`.
pub(crate) fn value_from_str<T: PgValue>(ty: &Type, s: &str) -> Result<T, DecodeError> {
    T::decode_text(ty, s).map_err(|kind| DecodeError::new(T::NAME, ty.clone(), Format::Text, kind))
}

/// Implements `ToSql` and `FromSql` for types that implement [`PgValue`].
macro_rules! pg_value_impls {
    ($($t:ty),* $(,)?) => {
        $(
            impl $crate::ToSql for $t {
                fn to_sql(
                    &self,
                    ty: &$crate::Type,
                    out: &mut ::bytes::BytesMut,
                ) -> Result<$crate::IsNull, $crate::BoxError> {
                    $crate::impls::scalar::value_to_sql(self, ty, out)
                }

                fn accepts(&self, ty: &$crate::Type) -> bool {
                    <$t as $crate::impls::scalar::PgValue>::accepts_type(ty)
                }

                #[inline]
                fn encode_field(
                    &self,
                    ty: &$crate::Type,
                    out: &mut ::bytes::BytesMut,
                ) -> Result<$crate::Format, $crate::BoxError> {
                    $crate::impls::scalar::value_encode_field(self, ty, out)
                }

                fn type_name(&self) -> &'static str {
                    <$t as $crate::impls::scalar::PgValue>::NAME
                }
            }

            impl<'a> $crate::FromSql<'a> for $t {
                fn from_sql(
                    ty: &$crate::Type,
                    format: $crate::Format,
                    raw: &'a [u8],
                ) -> Result<Self, $crate::BoxError> {
                    $crate::impls::scalar::value_from_sql(ty, format, raw)
                }

                fn accepts(ty: &$crate::Type) -> bool {
                    <$t as $crate::impls::scalar::PgValue>::accepts_type(ty)
                }
            }
        )*
    };
}

pub(crate) use pg_value_impls;

/// Writes a `float8` the way `float8out` does with the default
/// `extra_float_digits` (1): the shortest digits that read back exactly,
/// in positional notation for decimal exponents from −4 to 14 and as
/// `1.5e+15` / `1e-05` otherwise; `NaN`, `Infinity`, `-Infinity`, `-0`.
pub(crate) fn write_float8(out: &mut impl fmt::Write, value: f64) -> fmt::Result {
    if value.is_nan() {
        return out.write_str("NaN");
    }
    if value.is_infinite() {
        return out.write_str(if value > 0.0 { "Infinity" } else { "-Infinity" });
    }
    if value.is_sign_negative() {
        out.write_char('-')?;
    }
    if value == 0.0 {
        return out.write_char('0');
    }
    // `{:e}` gives the shortest round-trip digits: "1.2345e-7".
    let sci = format!("{:e}", value.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return write!(out, "{}", value.abs());
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return write!(out, "{}", value.abs());
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..15).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        out.write_str(first)?;
        if !rest.is_empty() {
            out.write_char('.')?;
            out.write_str(rest)?;
        }
        let sign = if exp < 0 { '-' } else { '+' };
        write!(out, "e{sign}{:02}", exp.unsigned_abs())
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.write_str(&digits)?;
            for _ in digits.len()..int_len {
                out.write_char('0')?;
            }
            Ok(())
        } else {
            let (int, frac) = digits.split_at(int_len);
            write!(out, "{int}.{frac}")
        }
    } else {
        out.write_str("0.")?;
        for _ in 0..(-exp - 1) {
            out.write_char('0')?;
        }
        out.write_str(&digits)
    }
}

/// A `float8` as text, as [`write_float8`] spells it.
#[cfg(test)]
pub(crate) fn float8_text(value: f64) -> String {
    let mut s = String::new();
    let _ = write_float8(&mut s, value);
    s
}

/// Parses a `float8` as `float8in` reads it: decimal or exponent notation,
/// `NaN`, `Infinity`, `inf`, with a sign.
pub(crate) fn parse_float8(s: &str) -> Result<f64, DecodeErrorKind> {
    let s = s.trim_ascii();
    let value: f64 = s.parse().map_err(|_| DecodeErrorKind::InvalidSyntax)?;
    if value.is_infinite() && !s.bytes().any(|b| b.eq_ignore_ascii_case(&b'i')) {
        // `1e999` overflows; float8in refuses it.
        return Err(DecodeErrorKind::OutOfRange);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float8_spelling() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456.789, "123456.789"),
            (1e14, "100000000000000"),
            (1e15, "1e+15"),
            (1.5e15, "1.5e+15"),
            (1e100, "1e+100"),
            (-2.5e-300, "-2.5e-300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (123.0, "123"),
            (1.0 / 3.0, "0.3333333333333333"),
        ];
        for &(value, text) in cases {
            assert_eq!(float8_text(value), text, "{value:e}");
            let back = parse_float8(text).unwrap();
            assert!(back == value || (back.is_nan() && value.is_nan()), "{text}");
        }
        assert_eq!(parse_float8("1e999"), Err(DecodeErrorKind::OutOfRange));
        assert_eq!(parse_float8("x"), Err(DecodeErrorKind::InvalidSyntax));
        assert_eq!(parse_float8(" -inf ").unwrap(), f64::NEG_INFINITY);
    }

    #[test]
    fn reader_bounds() {
        let mut r = Reader::new(&[0, 1, 2, b'a', 0, 9]);
        assert_eq!(r.i16().unwrap(), 1);
        assert_eq!(r.i32().unwrap(), i32::from_be_bytes([2, b'a', 0, 9]));
        assert!(r.finish().is_ok());
        let mut r = Reader::new(&[0, 1, 2, b'a', 0, 9]);
        r.take(2).unwrap();
        assert_eq!(r.u8().unwrap(), 2);
        assert_eq!(r.cstr().unwrap(), b"a");
        assert_eq!(r.remaining(), 1);
        assert_eq!(r.finish(), Err(DecodeErrorKind::WrongLength { expected: 5, actual: 6 }));
        assert_eq!(
            r.i64(),
            Err(DecodeErrorKind::WrongLength {
                expected: 13,
                actual: 6
            })
        );
        assert_eq!(r.cstr(), Err(DecodeErrorKind::InvalidSyntax));
        assert_eq!(
            r.take(usize::MAX),
            Err(DecodeErrorKind::WrongLength {
                expected: usize::MAX,
                actual: 6
            })
        );
    }

    #[test]
    fn cursor_basics() {
        let mut c = Cursor::new(" 0042x");
        c.skip_ws();
        assert_eq!(c.digits(18).unwrap(), (42, 4));
        assert!(c.eat(b'x'));
        assert!(c.finish().is_ok());
        let mut c = Cursor::new("12345");
        assert_eq!(c.digits(3), Err(DecodeErrorKind::OutOfRange));
        let mut c = Cursor::new("InFinity!");
        assert!(c.eat_word("infinity"));
        assert_eq!(c.rest(), b"!");
        assert!(c.finish().is_err());
    }
}
