//! Multiranges (PostgreSQL 14 and later): [`PgMultirange<T>`], a sorted
//! set of non-overlapping, non-adjacent ranges.
//!
//! The binary and text formats are described on [`PgMultirange`].
//!
//! ```
//! use tusk_types::{Format, FromSql, PgMultirange, PgRange, Type};
//!
//! let m: PgMultirange<i32> = FromSql::from_sql(&Type::INT4_MULTIRANGE, Format::Text, b"{[1,3),[5,7)}").unwrap();
//! assert_eq!(m, PgMultirange(vec![PgRange::from(1..3), PgRange::from(5..7)]));
//! assert_eq!(m.to_string(), "{[1,3),[5,7)}");
//! ```

use std::fmt;

use bytes::{BufMut, BytesMut};

use super::array::{Reader, write_value};
use super::range::{decode_range, encode_range, range_accepts, range_format};
use crate::error::{decode_error, wrong_type};
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, Kind, PgRange, ToSql, Type};

/// A PostgreSQL multirange: a list of ranges.
///
/// # The binary format (`multirange_send` / `multirange_recv`)
///
/// An `i32` count, then each range as an `i32` length and the range's binary
/// form (see [`PgRange`](crate::PgRange)):
///
/// ```text
/// '{[1,3),[5,7)}'::int4multirange
///   00000002
///   00000011 02 00000004 00000001 00000004 00000003
///   00000011 02 00000004 00000005 00000004 00000007
/// ```
///
/// # The text format (`multirange_out` / `multirange_in`)
///
/// The ranges' text in braces, separated by commas: `{}`, `{[1,3),[5,7)}`.
/// The server sorts and merges the ranges and drops empty ones, so what comes
/// back may differ from what was sent (`{[5,7),[1,4)}` → `{[1,4),[5,7)}`).
///
/// ```
/// use tusk_types::{PgMultirange, PgRange};
///
/// let m = PgMultirange(vec![PgRange::from(1..3), PgRange::from(10..)]);
/// assert!(m.contains(&2) && m.contains(&99) && !m.contains(&5));
/// assert_eq!(m.to_string(), "{[1,3),[10,)}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PgMultirange<T>(pub Vec<PgRange<T>>);

impl<T> PgMultirange<T> {
    /// Whether `value` lies in one of the ranges.
    ///
    /// ```
    /// # use tusk_types::{PgMultirange, PgRange};
    /// assert!(!PgMultirange::<i32>(vec![]).contains(&1));
    /// ```
    pub fn contains(&self, value: &T) -> bool
    where
        T: PartialOrd,
    {
        self.0.iter().any(|r| r.contains(value))
    }
}

impl<T> From<Vec<PgRange<T>>> for PgMultirange<T> {
    fn from(ranges: Vec<PgRange<T>>) -> Self {
        PgMultirange(ranges)
    }
}

/// `multirange_out`'s text, each range as [`PgRange`]'s `Display` writes it.
impl<T: fmt::Display> fmt::Display for PgMultirange<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        f.write_str("}")
    }
}

/// Splits the text of a multirange into the texts of its ranges, as
/// `multirange_in` scans it (quotes and escapes inside ranges respected).
/// Empty ranges are dropped, as the server drops them.
pub(crate) fn split_text(raw: &[u8]) -> Result<Vec<&[u8]>, DecodeErrorKind> {
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let mut pos = 0;
    let skip = |pos: &mut usize| {
        while raw.get(*pos).copied().is_some_and(is_space) {
            *pos += 1;
        }
    };
    skip(&mut pos);
    if raw.get(pos) != Some(&b'{') {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    pos += 1;
    skip(&mut pos);
    let mut ranges = Vec::new();
    if raw.get(pos) == Some(&b'}') {
        pos += 1;
    } else {
        loop {
            skip(&mut pos);
            let start = pos;
            match raw.get(pos) {
                Some(b'[' | b'(') => {
                    pos += 1;
                    let mut in_quotes = false;
                    loop {
                        match raw.get(pos) {
                            None => return Err(DecodeErrorKind::InvalidSyntax),
                            Some(b'\\') => pos += 2,
                            Some(b'"') if in_quotes && raw.get(pos + 1) == Some(&b'"') => pos += 2,
                            Some(b'"') => {
                                in_quotes = !in_quotes;
                                pos += 1;
                            }
                            Some(b']' | b')') if !in_quotes => {
                                pos += 1;
                                break;
                            }
                            Some(_) => pos += 1,
                        }
                    }
                    let text = raw.get(start..pos).ok_or(DecodeErrorKind::InvalidSyntax)?;
                    ranges.push(text);
                }
                Some(_) if raw.len() >= pos + 5 && raw[pos..pos + 5].eq_ignore_ascii_case(b"empty") => pos += 5,
                _ => return Err(DecodeErrorKind::InvalidSyntax),
            }
            skip(&mut pos);
            match raw.get(pos) {
                Some(b',') => pos += 1,
                Some(b'}') => {
                    pos += 1;
                    break;
                }
                _ => return Err(DecodeErrorKind::InvalidSyntax),
            }
        }
    }
    skip(&mut pos);
    if pos != raw.len() {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    Ok(ranges)
}

/// Splits a binary multirange into its ranges' binary values.
pub(crate) fn split_binary(raw: &[u8]) -> Result<Vec<&[u8]>, DecodeErrorKind> {
    let mut r = Reader::new(raw);
    let count = r.i32()?;
    if count < 0 || count as usize > r.remaining() / 4 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let mut ranges = Vec::with_capacity(count as usize);
    for _ in 0..count {
        ranges.push(r.value()?.ok_or(DecodeErrorKind::InvalidSyntax)?);
    }
    r.finish()?;
    Ok(ranges)
}

/// The range type and subtype of a multirange type.
fn range_of(ty: &Type) -> Option<(&Type, &Type)> {
    match ty.base().kind() {
        Kind::Multirange(range) => match range.base().kind() {
            Kind::Range(subtype) => Some((range, subtype)),
            _ => None,
        },
        _ => None,
    }
}

impl<T: ToSql> ToSql for PgMultirange<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let Some((_, subtype)) = range_of(ty) else {
            return Err(wrong_type("PgMultirange<T>", ty));
        };
        if !self.accepts(ty) {
            return Err(wrong_type("PgMultirange<T>", ty));
        }
        let start = out.len();
        let result = match self.format(ty) {
            Format::Binary => {
                out.put_i32(self.0.len() as i32);
                self.0
                    .iter()
                    .try_for_each(|r| write_value(&RangeIn(r, subtype), subtype, out).map(drop))
            }
            Format::Text => {
                out.put_u8(b'{');
                let mut first = true;
                self.0
                    .iter()
                    .try_for_each(|r| {
                        if !first {
                            out.put_u8(b',');
                        }
                        first = false;
                        encode_range(r, subtype, Format::Text, out)
                    })
                    .map(|()| out.put_u8(b'}'))
            }
        };
        let result = match i32::try_from(self.0.len()) {
            Ok(_) => result,
            Err(_) => Err("a multirange has at most i32::MAX ranges".into()),
        };
        match result {
            Ok(()) => Ok(IsNull::No),
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }

    fn accepts(&self, ty: &Type) -> bool {
        range_of(ty).is_some_and(|(_, subtype)| self.0.iter().all(|r| range_accepts(r, subtype)))
    }

    fn format(&self, ty: &Type) -> Format {
        match range_of(ty) {
            Some((_, subtype)) if self.0.iter().any(|r| range_format(r, subtype) == Format::Text) => Format::Text,
            _ => Format::Binary,
        }
    }

    fn type_name(&self) -> &'static str {
        "PgMultirange<T>"
    }
}

/// A range written in binary inside a multirange, whatever `ty` it is handed
/// (the subtype is fixed by the multirange).
#[derive(Debug)]
struct RangeIn<'r, T>(&'r PgRange<T>, &'r Type);

impl<T: ToSql> ToSql for RangeIn<'_, T> {
    fn to_sql(&self, _ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_range(self.0, self.1, Format::Binary, out)?;
        Ok(IsNull::No)
    }

    fn accepts(&self, _ty: &Type) -> bool {
        true
    }
}

impl<'a, T> FromSql<'a> for PgMultirange<T>
where
    T: for<'b> FromSql<'b>,
{
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        let Some((range, subtype)) = range_of(ty) else {
            return Err(wrong_type("PgMultirange<T>", ty));
        };
        let parts = match format {
            Format::Binary => split_binary(raw),
            Format::Text => split_text(raw),
        }
        .map_err(|kind| decode_error("PgMultirange<T>", ty, format, kind))?;
        let mut ranges = Vec::with_capacity(parts.len());
        for part in parts {
            ranges.push(decode_range("PgMultirange<T>", range, subtype, format, part)?);
        }
        Ok(PgMultirange(ranges))
    }

    fn accepts(ty: &Type) -> bool {
        range_of(ty).is_some_and(|(_, subtype)| T::accepts(subtype.base()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::encode;
    use super::*;

    #[test]
    fn binary_layout_and_round_trip() {
        let m = PgMultirange(vec![PgRange::from(1i32..3), PgRange::from(5..7)]);
        let raw = encode(&m, &Type::INT4_MULTIRANGE);
        let mut expected = vec![0, 0, 0, 2];
        for (a, b) in [(1u8, 3u8), (5, 7)] {
            expected.extend_from_slice(&[0, 0, 0, 17, 0x02, 0, 0, 0, 4, 0, 0, 0, a, 0, 0, 0, 4, 0, 0, 0, b]);
        }
        assert_eq!(raw, expected);
        assert_eq!(
            PgMultirange::<i32>::from_sql(&Type::INT4_MULTIRANGE, Format::Binary, &raw).unwrap(),
            m
        );
        let empty = PgMultirange::<i64>(vec![]);
        let raw = encode(&empty, &Type::INT8_MULTIRANGE);
        assert_eq!(raw, [0, 0, 0, 0]);
        assert_eq!(
            PgMultirange::<i64>::from_sql(&Type::INT8_MULTIRANGE, Format::Binary, &raw).unwrap(),
            empty
        );
    }

    #[test]
    fn text() {
        let cases: &[(&[u8], usize)] = &[
            (b"{}", 0),
            (b" { } ", 0),
            (b"{[1,3)}", 1),
            (b"{ [1,3) , (,5] }", 2),
            (b"{empty,[1,2)}", 1),
            (br#"{["a)",b], ["\"",")"]}"#, 2),
        ];
        for (raw, n) in cases {
            assert_eq!(split_text(raw).unwrap().len(), *n, "{}", String::from_utf8_lossy(raw));
        }
        for bad in [
            &b""[..],
            b"{",
            b"{[1,2)",
            b"{[1,2) [3,4)}",
            b"{,}",
            b"[1,2)",
            b"{[1,2)}x",
            b"{x}",
        ] {
            assert!(split_text(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let m: PgMultirange<String> =
            FromSql::from_sql(&Type::TS_MULTIRANGE, Format::Text, br#"{["a b",c), (,"")}"#).unwrap();
        assert_eq!(m.to_string(), r#"{["a b",c),(,"")}"#);
        // String bounds for a subtype without binary support: text.
        let m = PgMultirange(vec![PgRange::from("1.5".."2"), PgRange::Empty]);
        assert_eq!(m.format(&Type::NUM_MULTIRANGE), Format::Text);
        assert_eq!(encode(&m, &Type::NUM_MULTIRANGE), b"{[1.5,2),empty}");
    }

    #[test]
    fn malformed_binary() {
        for raw in [
            &[][..],
            &[0, 0, 0, 1],
            &[0xff, 0xff, 0xff, 0xff],
            &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff],
            &[0, 0, 0, 1, 0, 0, 0, 1, 0x20],
        ] {
            assert!(PgMultirange::<i32>::from_sql(&Type::INT4_MULTIRANGE, Format::Binary, raw).is_err());
        }
        assert!(!<PgMultirange<i64> as FromSql>::accepts(&Type::INT4_MULTIRANGE));
        assert!(<PgMultirange<i32> as FromSql>::accepts(&Type::INT4_MULTIRANGE));
    }
}
