//! Ranges: [`PgRange<T>`] for `int4range`, `int8range`, `numrange`,
//! `tsrange`, `tstzrange`, `daterange` and ranges created with
//! `CREATE TYPE … AS RANGE`.
//!
//! The binary and text formats are described on [`PgRange`].
//!
//! ```
//! use std::ops::Bound;
//! use tusk_types::{Format, FromSql, PgRange, Type};
//!
//! let r: PgRange<i32> = FromSql::from_sql(&Type::INT4_RANGE, Format::Text, b"[1,10)").unwrap();
//! assert_eq!(r, PgRange::from(1..10));
//! assert!(r.contains(&9) && !r.contains(&10));
//!
//! let r: PgRange<i32> = FromSql::from_sql(&Type::INT4_RANGE, Format::Binary, &[0x0c, 0, 0, 0, 4, 0, 0, 0, 5]).unwrap();
//! assert_eq!(r, PgRange::new(Bound::Unbounded, Bound::Included(5)));
//! assert_eq!(r.to_string(), "(,5]");
//! ```

use std::borrow::Cow;
use std::fmt;
use std::ops::{Bound, RangeBounds};

use bytes::{BufMut, BytesMut};

use super::array::{Reader, decode_element, mixed_formats, write_value};
use crate::error::{decode_error, wrong_type};
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, Kind, ToSql, Type};

const EMPTY: u8 = 0x01;
const LB_INC: u8 = 0x02;
const UB_INC: u8 = 0x04;
const LB_INF: u8 = 0x08;
const UB_INF: u8 = 0x10;

/// A PostgreSQL range value: empty, or a lower and an upper bound, each
/// included, excluded or absent (infinite).
///
/// Convert from Rust's range syntax: `PgRange::from(1..10)` is `[1,10)`,
/// `PgRange::from(1..=10)` is `[1,10]`, `PgRange::from(..5)` is `(,5)`.
///
/// # The binary format (`range_send` / `range_recv`)
///
/// One flags byte, then the bounds that are present, each as an `i32` length
/// and the subtype's binary value:
///
/// | bit | meaning |
/// | --- | --- |
/// | `0x01` | empty range (no bounds follow) |
/// | `0x02` | lower bound inclusive |
/// | `0x04` | upper bound inclusive |
/// | `0x08` | no lower bound (−∞); no lower value follows |
/// | `0x10` | no upper bound (+∞); no upper value follows |
///
/// `'[1,10)'::int4range` is `02 00000004 00000001 00000004 0000000a`;
/// `'empty'` is `01`; `'(,5]'` is `0c 00000004 00000005`.
///
/// # The text format (`range_out` / `range_in`)
///
/// `empty`, or a bracket (`[` inclusive, `(` exclusive), the lower bound, a
/// comma, the upper bound and a bracket (`]` or `)`): `[1,10)`, `(,5]`,
/// `[2024-01-01,)`. A missing bound is infinite. A bound is in double quotes
/// when it is empty or contains a quote, backslash, parenthesis, bracket,
/// comma or white space; inside quotes `"` and `\` are doubled:
/// `["a b","say ""hi""")`.
///
/// Ranges of discrete subtypes (`int4`, `int8`, `date`) are *canonicalised*
/// by the server: `[1,10]` comes back as `[1,11)`.
///
/// ```
/// use std::ops::Bound::{Excluded, Included, Unbounded};
/// use tusk_types::PgRange;
///
/// let r = PgRange::new(Included(1), Excluded(10));
/// assert_eq!(r, PgRange::from(1..10));
/// assert_eq!(PgRange::<i32>::Empty.to_string(), "empty");
/// assert_eq!(PgRange::new(Unbounded, Included("b c")).to_string(), r#"(,"b c"]"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PgRange<T> {
    /// The empty range: contains nothing, has no bounds.
    Empty,
    /// A range with two bounds.
    NonEmpty {
        /// The lower bound: `Included`, `Excluded`, or `Unbounded` (−∞).
        lower: Bound<T>,
        /// The upper bound: `Included`, `Excluded`, or `Unbounded` (+∞).
        upper: Bound<T>,
    },
}

impl<T> PgRange<T> {
    /// A non-empty range with these bounds. (The server may still find it
    /// empty, as `[5,5)`, and canonicalise discrete ranges.)
    ///
    /// ```
    /// use std::ops::Bound::{Included, Unbounded};
    /// # use tusk_types::PgRange;
    /// assert_eq!(PgRange::new(Included(3), Unbounded).to_string(), "[3,)");
    /// ```
    pub fn new(lower: Bound<T>, upper: Bound<T>) -> PgRange<T> {
        PgRange::NonEmpty { lower, upper }
    }

    /// Whether this is the `empty` range.
    ///
    /// ```
    /// # use tusk_types::PgRange;
    /// assert!(PgRange::<i32>::Empty.is_empty());
    /// assert!(!PgRange::from(1..2).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, PgRange::Empty)
    }

    /// The lower bound, `None` for the empty range.
    ///
    /// ```
    /// use std::ops::Bound;
    /// # use tusk_types::PgRange;
    /// assert_eq!(PgRange::from(1..2).lower(), Some(Bound::Included(&1)));
    /// ```
    pub fn lower(&self) -> Option<Bound<&T>> {
        match self {
            PgRange::Empty => None,
            PgRange::NonEmpty { lower, .. } => Some(lower.as_ref()),
        }
    }

    /// The upper bound, `None` for the empty range.
    ///
    /// ```
    /// use std::ops::Bound;
    /// # use tusk_types::PgRange;
    /// assert_eq!(PgRange::from(1..2).upper(), Some(Bound::Excluded(&2)));
    /// ```
    pub fn upper(&self) -> Option<Bound<&T>> {
        match self {
            PgRange::Empty => None,
            PgRange::NonEmpty { upper, .. } => Some(upper.as_ref()),
        }
    }

    /// Whether `value` lies in the range.
    ///
    /// ```
    /// # use tusk_types::PgRange;
    /// let r = PgRange::from(1..=3);
    /// assert!(r.contains(&3));
    /// assert!(!r.contains(&4));
    /// assert!(PgRange::from(..).contains(&i64::MIN));
    /// ```
    pub fn contains(&self, value: &T) -> bool
    where
        T: PartialOrd,
    {
        match self {
            PgRange::Empty => false,
            PgRange::NonEmpty { lower, upper } => (lower.as_ref(), upper.as_ref()).contains(value),
        }
    }

    /// The same range with both bounds converted by `f`.
    ///
    /// ```
    /// # use tusk_types::PgRange;
    /// assert_eq!(PgRange::from(1..2).map(i64::from), PgRange::from(1i64..2));
    /// ```
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> PgRange<U> {
        match self {
            PgRange::Empty => PgRange::Empty,
            PgRange::NonEmpty { lower, upper } => PgRange::NonEmpty {
                lower: lower.map(&mut f),
                upper: upper.map(f),
            },
        }
    }
}

impl<T> From<std::ops::Range<T>> for PgRange<T> {
    fn from(r: std::ops::Range<T>) -> Self {
        PgRange::new(Bound::Included(r.start), Bound::Excluded(r.end))
    }
}

impl<T> From<std::ops::RangeInclusive<T>> for PgRange<T> {
    fn from(r: std::ops::RangeInclusive<T>) -> Self {
        let (start, end) = r.into_inner();
        PgRange::new(Bound::Included(start), Bound::Included(end))
    }
}

impl<T> From<std::ops::RangeFrom<T>> for PgRange<T> {
    fn from(r: std::ops::RangeFrom<T>) -> Self {
        PgRange::new(Bound::Included(r.start), Bound::Unbounded)
    }
}

impl<T> From<std::ops::RangeTo<T>> for PgRange<T> {
    fn from(r: std::ops::RangeTo<T>) -> Self {
        PgRange::new(Bound::Unbounded, Bound::Excluded(r.end))
    }
}

impl<T> From<std::ops::RangeToInclusive<T>> for PgRange<T> {
    fn from(r: std::ops::RangeToInclusive<T>) -> Self {
        PgRange::new(Bound::Unbounded, Bound::Included(r.end))
    }
}

impl<T> From<std::ops::RangeFull> for PgRange<T> {
    fn from(_: std::ops::RangeFull) -> Self {
        PgRange::new(Bound::Unbounded, Bound::Unbounded)
    }
}

/// `range_out`'s text, with each bound's `Display` as its text.
impl<T: fmt::Display> fmt::Display for PgRange<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |b: &Bound<T>| match b {
            Bound::Included(v) => Bound::Included(v.to_string().into_bytes()),
            Bound::Excluded(v) => Bound::Excluded(v.to_string().into_bytes()),
            Bound::Unbounded => Bound::Unbounded,
        };
        let mut out = BytesMut::new();
        match self {
            PgRange::Empty => out.put_slice(b"empty"),
            PgRange::NonEmpty { lower, upper } => write_text_range(text(lower), text(upper), &mut out),
        }
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

// ---- Wire formats -----------------------------------------------------------------------

/// A range as it came off the wire: bounds not yet decoded.
pub(crate) enum RawRange<'a> {
    Empty,
    NonEmpty {
        lower: Bound<Cow<'a, [u8]>>,
        upper: Bound<Cow<'a, [u8]>>,
    },
}

/// Parses the binary range format.
pub(crate) fn parse_binary(raw: &[u8]) -> Result<RawRange<'_>, DecodeErrorKind> {
    let mut r = Reader::new(raw);
    let flags = r.u8()?;
    if flags & !(EMPTY | LB_INC | UB_INC | LB_INF | UB_INF) != 0 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    if flags & EMPTY != 0 {
        r.finish()?;
        return Ok(RawRange::Empty);
    }
    let mut bound = |inf: u8, inc: u8| -> Result<Bound<Cow<'_, [u8]>>, DecodeErrorKind> {
        if flags & inf != 0 {
            return Ok(Bound::Unbounded);
        }
        let value = Cow::Borrowed(r.value()?.ok_or(DecodeErrorKind::InvalidSyntax)?);
        Ok(if flags & inc != 0 {
            Bound::Included(value)
        } else {
            Bound::Excluded(value)
        })
    };
    let lower = bound(LB_INF, LB_INC)?;
    let upper = bound(UB_INF, UB_INC)?;
    r.finish()?;
    Ok(RawRange::NonEmpty { lower, upper })
}

/// Whether `range_in` skips this byte around a range (`isspace`).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn text_bound(value: Option<Cow<'_, [u8]>>, inclusive: bool) -> Bound<Cow<'_, [u8]>> {
    match value {
        None => Bound::Unbounded,
        Some(v) if inclusive => Bound::Included(v),
        Some(v) => Bound::Excluded(v),
    }
}

/// Parses the text range format as `range_in` reads it.
pub(crate) fn parse_text(raw: &[u8]) -> Result<RawRange<'_>, DecodeErrorKind> {
    let mut pos = 0;
    while raw.get(pos).copied().is_some_and(is_space) {
        pos += 1;
    }
    let rest_is_space = |from: usize| raw.get(from..).is_some_and(|r| r.iter().all(|&b| is_space(b)));
    if raw.len() >= pos + 5 && raw[pos..pos + 5].eq_ignore_ascii_case(b"empty") {
        return if rest_is_space(pos + 5) {
            Ok(RawRange::Empty)
        } else {
            Err(DecodeErrorKind::InvalidSyntax)
        };
    }
    let lower_inclusive = match raw.get(pos) {
        Some(b'[') => true,
        Some(b'(') => false,
        _ => return Err(DecodeErrorKind::InvalidSyntax),
    };
    pos += 1;
    let lower = parse_bound(raw, &mut pos)?;
    if raw.get(pos) != Some(&b',') {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    pos += 1;
    let upper = parse_bound(raw, &mut pos)?;
    let upper_inclusive = match raw.get(pos) {
        Some(b']') => true,
        Some(b')') => false,
        _ => return Err(DecodeErrorKind::InvalidSyntax),
    };
    if !rest_is_space(pos + 1) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    Ok(RawRange::NonEmpty {
        lower: text_bound(lower, lower_inclusive),
        upper: text_bound(upper, upper_inclusive),
    })
}

/// One bound of a text range (`range_parse_bound`): `None` when it is
/// missing (infinite). Stops at the `,`, `]` or `)` after it.
fn parse_bound<'a>(raw: &'a [u8], pos: &mut usize) -> Result<Option<Cow<'a, [u8]>>, DecodeErrorKind> {
    if matches!(raw.get(*pos), Some(b',' | b')' | b']')) {
        return Ok(None);
    }
    let start = *pos;
    let mut owned: Option<Vec<u8>> = None;
    let mut in_quotes = false;
    loop {
        let Some(&b) = raw.get(*pos) else {
            return Err(DecodeErrorKind::InvalidSyntax);
        };
        if !in_quotes && matches!(b, b',' | b')' | b']') {
            break;
        }
        let out = owned.get_or_insert_with(Vec::new);
        match b {
            b'\\' => {
                let escaped = *raw.get(*pos + 1).ok_or(DecodeErrorKind::InvalidSyntax)?;
                out.push(escaped);
                *pos += 2;
            }
            b'"' if !in_quotes => {
                in_quotes = true;
                *pos += 1;
            }
            b'"' if raw.get(*pos + 1) == Some(&b'"') => {
                out.push(b'"');
                *pos += 2;
            }
            b'"' => {
                in_quotes = false;
                *pos += 1;
            }
            _ => {
                out.push(b);
                *pos += 1;
            }
        }
    }
    // Without quotes or escapes the bound is the input itself.
    match owned {
        Some(v) if v.as_slice() == &raw[start..*pos] => Ok(Some(Cow::Borrowed(&raw[start..*pos]))),
        Some(v) => Ok(Some(Cow::Owned(v))),
        None => Ok(Some(Cow::Borrowed(&raw[start..*pos]))),
    }
}

/// Writes `text` as `range_bound_escape` does (also right for record fields,
/// which `record_out` quotes for the same characters minus the brackets).
pub(crate) fn write_quoted(text: &[u8], special: fn(u8) -> bool, out: &mut BytesMut) {
    let quote = text.is_empty() || text.iter().any(|&b| special(b));
    if quote {
        out.put_u8(b'"');
    }
    for &b in text {
        if b == b'"' || b == b'\\' {
            out.put_u8(b);
        }
        out.put_u8(b);
    }
    if quote {
        out.put_u8(b'"');
    }
}

fn range_special(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | b'(' | b')' | b'[' | b']' | b',') || is_space(b)
}

/// Writes a non-empty range in text format from its bounds' texts.
pub(crate) fn write_text_range(lower: Bound<Vec<u8>>, upper: Bound<Vec<u8>>, out: &mut BytesMut) {
    match &lower {
        Bound::Included(v) => {
            out.put_u8(b'[');
            write_quoted(v, range_special, out);
        }
        Bound::Excluded(v) => {
            out.put_u8(b'(');
            write_quoted(v, range_special, out);
        }
        Bound::Unbounded => out.put_u8(b'('),
    }
    out.put_u8(b',');
    match &upper {
        Bound::Included(v) => {
            write_quoted(v, range_special, out);
            out.put_u8(b']');
        }
        Bound::Excluded(v) => {
            write_quoted(v, range_special, out);
            out.put_u8(b')');
        }
        Bound::Unbounded => out.put_u8(b')'),
    }
}

// ---- Conversions ------------------------------------------------------------------------

/// The subtype of a range type (seeing through a domain over a range).
pub(crate) fn subtype_of(ty: &Type) -> Option<&Type> {
    match ty.base().kind() {
        Kind::Range(subtype) => Some(subtype),
        _ => None,
    }
}

/// Decodes a range of `ty` whose subtype is `subtype`.
pub(crate) fn decode_range<T>(
    rust_type: &'static str,
    ty: &Type,
    subtype: &Type,
    format: Format,
    raw: &[u8],
) -> Result<PgRange<T>, BoxError>
where
    T: for<'b> FromSql<'b>,
{
    let parsed = match format {
        Format::Binary => parse_binary(raw),
        Format::Text => parse_text(raw),
    }
    .map_err(|kind| decode_error(rust_type, ty, format, kind))?;
    let base = subtype.base();
    let bound = |b: Bound<Cow<'_, [u8]>>| -> Result<Bound<T>, BoxError> {
        Ok(match b {
            Bound::Included(v) => Bound::Included(decode_element(base, format, Some(&v))?),
            Bound::Excluded(v) => Bound::Excluded(decode_element(base, format, Some(&v))?),
            Bound::Unbounded => Bound::Unbounded,
        })
    };
    match parsed {
        RawRange::Empty => Ok(PgRange::Empty),
        RawRange::NonEmpty { lower, upper } => Ok(PgRange::NonEmpty {
            lower: bound(lower)?,
            upper: bound(upper)?,
        }),
    }
}

fn bound_value<T>(b: &Bound<T>) -> Option<&T> {
    match b {
        Bound::Included(v) | Bound::Excluded(v) => Some(v),
        Bound::Unbounded => None,
    }
}

/// The format a range is sent in: text when a bound is text for `subtype`.
pub(crate) fn range_format<T: ToSql>(range: &PgRange<T>, subtype: &Type) -> Format {
    match range {
        PgRange::Empty => Format::Binary,
        PgRange::NonEmpty { lower, upper } => {
            let base = subtype.base();
            if [lower, upper]
                .into_iter()
                .filter_map(bound_value)
                .any(|v| v.format(base) == Format::Text)
            {
                Format::Text
            } else {
                Format::Binary
            }
        }
    }
}

pub(crate) fn range_accepts<T: ToSql>(range: &PgRange<T>, subtype: &Type) -> bool {
    match range {
        PgRange::Empty => true,
        PgRange::NonEmpty { lower, upper } => [lower, upper]
            .into_iter()
            .filter_map(bound_value)
            .all(|v| v.accepts(subtype.base())),
    }
}

/// Encodes a range whose subtype is `subtype` in `format`.
pub(crate) fn encode_range<T: ToSql>(
    range: &PgRange<T>,
    subtype: &Type,
    format: Format,
    out: &mut BytesMut,
) -> Result<(), BoxError> {
    let base = subtype.base();
    let (lower, upper) = match range {
        PgRange::Empty => {
            match format {
                Format::Binary => out.put_u8(EMPTY),
                Format::Text => out.put_slice(b"empty"),
            }
            return Ok(());
        }
        PgRange::NonEmpty { lower, upper } => (lower, upper),
    };
    let null_bound = || -> BoxError { "a range bound cannot be NULL; use Bound::Unbounded".into() };
    let start = out.len();
    let result = (|| -> Result<(), BoxError> {
        match format {
            Format::Binary => {
                let mut flags = 0;
                flags |= match lower {
                    Bound::Included(_) => LB_INC,
                    Bound::Excluded(_) => 0,
                    Bound::Unbounded => LB_INF,
                };
                flags |= match upper {
                    Bound::Included(_) => UB_INC,
                    Bound::Excluded(_) => 0,
                    Bound::Unbounded => UB_INF,
                };
                out.put_u8(flags);
                for v in [lower, upper].into_iter().filter_map(bound_value) {
                    if write_value(v, base, out)? == IsNull::Yes {
                        return Err(null_bound());
                    }
                }
            }
            Format::Text => {
                let text = |b: &Bound<T>| -> Result<Bound<Vec<u8>>, BoxError> {
                    let one = |v: &T| -> Result<Vec<u8>, BoxError> {
                        if v.format(base) != Format::Text {
                            return Err(mixed_formats());
                        }
                        let mut buf = BytesMut::new();
                        match v.to_sql(base, &mut buf)? {
                            IsNull::Yes => Err(null_bound()),
                            IsNull::No => Ok(buf.to_vec()),
                        }
                    };
                    Ok(match b {
                        Bound::Included(v) => Bound::Included(one(v)?),
                        Bound::Excluded(v) => Bound::Excluded(one(v)?),
                        Bound::Unbounded => Bound::Unbounded,
                    })
                };
                let (lower, upper) = (text(lower)?, text(upper)?);
                write_text_range(lower, upper, out);
            }
        }
        Ok(())
    })();
    if result.is_err() {
        out.truncate(start);
    }
    result
}

impl<T: ToSql> ToSql for PgRange<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let Some(subtype) = subtype_of(ty) else {
            return Err(wrong_type("PgRange<T>", ty));
        };
        if !range_accepts(self, subtype) {
            return Err(wrong_type("PgRange<T>", ty));
        }
        encode_range(self, subtype, range_format(self, subtype), out)?;
        Ok(IsNull::No)
    }

    fn accepts(&self, ty: &Type) -> bool {
        subtype_of(ty).is_some_and(|s| range_accepts(self, s))
    }

    fn format(&self, ty: &Type) -> Format {
        match subtype_of(ty) {
            Some(subtype) => range_format(self, subtype),
            None => Format::Binary,
        }
    }

    fn type_name(&self) -> &'static str {
        "PgRange<T>"
    }
}

impl<'a, T> FromSql<'a> for PgRange<T>
where
    T: for<'b> FromSql<'b>,
{
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        let Some(subtype) = subtype_of(ty) else {
            return Err(wrong_type("PgRange<T>", ty));
        };
        decode_range("PgRange<T>", ty, subtype, format, raw)
    }

    fn accepts(ty: &Type) -> bool {
        subtype_of(ty).is_some_and(|s| T::accepts(s.base()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{encode, is_wrong_type};
    use super::*;
    use Bound::{Excluded, Included, Unbounded};

    #[test]
    fn binary_layout_matches_range_send() {
        assert_eq!(
            encode(&PgRange::from(1i32..10), &Type::INT4_RANGE),
            [0x02, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 10]
        );
        assert_eq!(encode(&PgRange::<i32>::Empty, &Type::INT4_RANGE), [0x01]);
        assert_eq!(
            encode(&PgRange::from(..=5i32), &Type::INT4_RANGE),
            [0x0c, 0, 0, 0, 4, 0, 0, 0, 5]
        );
        assert_eq!(encode(&PgRange::<i64>::from(..), &Type::INT8_RANGE), [0x18]);
    }

    #[test]
    fn binary_round_trip() {
        for r in [
            PgRange::from(-5i64..7),
            PgRange::from(1..=1),
            PgRange::from(3..),
            PgRange::from(..9),
            PgRange::new(Excluded(1), Included(2)),
            PgRange::Empty,
        ] {
            let raw = encode(&r, &Type::INT8_RANGE);
            assert_eq!(
                PgRange::<i64>::from_sql(&Type::INT8_RANGE, Format::Binary, &raw).unwrap(),
                r
            );
        }
    }

    #[test]
    fn text_parsing() {
        let cases: &[(&[u8], PgRange<&str>)] = &[
            (b"empty", PgRange::Empty),
            (b"  EmPtY ", PgRange::Empty),
            (b"[1,10)", PgRange::new(Included("1"), Excluded("10"))),
            (b"(,5]", PgRange::new(Unbounded, Included("5"))),
            (b"[,]", PgRange::new(Unbounded, Unbounded)),
            (b"(a b,\"c,d\")", PgRange::new(Excluded("a b"), Excluded("c,d"))),
            (br#"["",""""]"#, PgRange::new(Included(""), Included("\""))),
            (br#"[a\,b,"x\"y"]"#, PgRange::new(Included("a,b"), Included("x\"y"))),
            (br#"[a"b c"d,e]"#, PgRange::new(Included("ab cd"), Included("e"))),
        ];
        for (raw, expected) in cases {
            let got = match parse_text(raw).unwrap() {
                RawRange::Empty => PgRange::Empty,
                RawRange::NonEmpty { lower, upper } => {
                    let s = |b: Bound<Cow<'_, [u8]>>| b.map(|v| String::from_utf8(v.into_owned()).unwrap());
                    PgRange::new(s(lower), s(upper))
                }
            };
            let expected = expected.clone().map(str::to_owned);
            assert_eq!(got, expected, "{}", String::from_utf8_lossy(raw));
        }
        for bad in [
            &b""[..],
            b"empty x",
            b"[1,2",
            b"1,2]",
            b"[1;2]",
            b"[1,2]]",
            b"[\"1,2]",
            b"[1\\",
            b"emp",
        ] {
            assert!(parse_text(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn text_round_trip_and_quoting() {
        for r in [
            PgRange::new(Included("a b".to_owned()), Excluded("q\"\\".to_owned())),
            PgRange::new(Unbounded, Included(String::new())),
            PgRange::new(Included("(,)[]".to_owned()), Unbounded),
            PgRange::Empty,
        ] {
            let text = r.to_string();
            let back: PgRange<String> = FromSql::from_sql(&Type::TS_RANGE, Format::Text, text.as_bytes()).unwrap();
            assert_eq!(back, r, "{text}");
        }
        assert_eq!(
            PgRange::new(Included("a b"), Excluded("x\"")).to_string(),
            r#"["a b","x""")"#
        );
        // &str bounds for a subtype without binary support go as text.
        let r = PgRange::from("1.5".."2");
        assert_eq!(r.format(&Type::NUM_RANGE), Format::Text);
        assert_eq!(encode(&r, &Type::NUM_RANGE), b"[1.5,2)");
    }

    #[test]
    fn honest_types() {
        assert!(PgRange::from(1i32..2).accepts(&Type::INT4_RANGE));
        assert!(!PgRange::from(1i64..2).accepts(&Type::INT4_RANGE));
        assert!(!PgRange::from(1i32..2).accepts(&Type::INT4));
        assert!(<PgRange<i32> as FromSql>::accepts(&Type::INT4_RANGE));
        assert!(!<PgRange<i64> as FromSql>::accepts(&Type::INT4_RANGE));
        assert!(is_wrong_type(
            &PgRange::<i32>::from_sql(&Type::INT4, Format::Binary, &[1]).unwrap_err()
        ));
        let custom = Type::new_custom("floatrange", "public", 70_100, Kind::Range(Type::FLOAT8));
        let raw = encode(&PgRange::from(1.5f64..2.5), &custom);
        assert_eq!(
            PgRange::<f64>::from_sql(&custom, Format::Binary, &raw).unwrap(),
            PgRange::from(1.5..2.5)
        );
    }

    #[test]
    fn malformed_binary() {
        for raw in [
            &[][..],
            &[0x20],
            &[0x01, 0],
            &[0x02, 0, 0, 0, 4, 0, 0, 0],
            &[0x18, 0],
            &[0x08, 0xff, 0xff, 0xff, 0xff],
            &[0x08, 0, 0, 0, 4, 0, 0, 0, 1, 0],
        ] {
            assert!(
                PgRange::<i32>::from_sql(&Type::INT4_RANGE, Format::Binary, raw).is_err(),
                "{raw:?}"
            );
        }
    }
}
