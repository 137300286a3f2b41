//! Arrays: `Vec<T>`, `&[T]` and [`PgArray<T>`].
//!
//! The binary and text formats are described on [`PgArray`].
//!
//! # Rust types
//!
//! * `Vec<T>` and `&[T]` (parameters) are one-dimensional arrays; decoding a
//!   `Vec<T>` accepts zero or one dimension and keeps the elements in order
//!   (a lower bound other than 1 is dropped; use [`PgArray`] to keep it).
//! * `Vec<Option<T>>` for arrays with NULL elements.
//! * [`PgArray<T>`] for any number of dimensions and any lower bounds.
//!
//! Element types are checked honestly, as scalars are: a `Vec<i64>` reads
//! `int8[]` and nothing else. Decoded element types must own their data
//! (`String`, not `&str`), because a text-format element may need unescaping.
//!
//! A parameter array goes in binary when its elements do, and in text when
//! they do (for example `&str` elements of a `numeric[]` parameter, which are
//! sent as text): the elements' text is quoted as `array_in` expects.
//!
//! ```
//! use bytes::BytesMut;
//! use tusk_types::{Format, FromSql, PgArray, ToSql, Type};
//!
//! let mut buf = BytesMut::new();
//! vec![1i32, 2].to_sql(&Type::INT4_ARRAY, &mut buf).unwrap();
//! assert_eq!(Vec::<i32>::from_sql(&Type::INT4_ARRAY, Format::Binary, &buf).unwrap(), [1, 2]);
//!
//! let v: Vec<Option<String>> = FromSql::from_sql(&Type::TEXT_ARRAY, Format::Text, br#"{a,"b c",NULL}"#).unwrap();
//! assert_eq!(v, [Some("a".to_owned()), Some("b c".to_owned()), None]);
//!
//! let grid: PgArray<i32> = FromSql::from_sql(&Type::INT4_ARRAY, Format::Text, b"[0:1][1:2]={{1,2},{3,4}}").unwrap();
//! assert_eq!(grid.dims.len(), 2);
//! assert_eq!(grid.get(&[1, 2]), Some(&4));
//! ```

use std::borrow::Cow;
use std::fmt;

use bytes::{BufMut, BytesMut};

use super::ensure_len;
use crate::error::{decode_error, wrong_type};
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, Kind, Oid, ToSql, Type};

/// The most dimensions an array can have (PostgreSQL's `MAXDIM`).
pub const MAX_DIMS: usize = 6;

/// One dimension of an array: how many elements it has and the subscript of
/// the first one (PostgreSQL's default is 1).
///
/// ```
/// use tusk_types::Dim;
///
/// let d = Dim::new(3, 0); // subscripts 0, 1, 2
/// assert_eq!(d.upper(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dim {
    /// The number of elements along this dimension.
    pub len: i32,
    /// The subscript of the first element.
    pub lower: i32,
}

impl Dim {
    /// A dimension of `len` elements starting at subscript `lower`.
    ///
    /// ```
    /// # use tusk_types::Dim;
    /// assert_eq!(Dim::new(2, 1), Dim { len: 2, lower: 1 });
    /// ```
    pub const fn new(len: i32, lower: i32) -> Dim {
        Dim { len, lower }
    }

    /// The subscript of the last element (`lower + len - 1`).
    ///
    /// ```
    /// # use tusk_types::Dim;
    /// assert_eq!(Dim::new(2, 1).upper(), 2);
    /// assert_eq!(Dim::new(0, 1).upper(), 0);
    /// ```
    pub const fn upper(&self) -> i32 {
        self.lower.wrapping_add(self.len).wrapping_sub(1)
    }
}

/// A PostgreSQL array of any shape: its dimensions and its elements in
/// row-major order (the last subscript varies fastest).
///
/// The number of elements must be the product of the dimension lengths;
/// encoding refuses an array where it is not. An empty array has no
/// dimensions and no elements.
///
/// # The binary format (`array_send` / `array_recv`)
///
/// All integers big-endian:
///
/// ```text
/// i32  ndim              number of dimensions, 0 for an empty array, at most 6
/// i32  has_nulls         0 or 1 (whether any element is NULL; receivers recompute it)
/// u32  element type OID  the OID of the element type (a domain's own OID for an array of a domain)
/// ndim × (i32 length, i32 lower bound)
/// for each element, in row-major order (the last subscript varies fastest):
///     i32 length (-1 for NULL) and that many bytes, the element's own binary form
/// ```
///
/// `'{1,NULL}'::int4[]` is `00000001 00000001 00000017 00000002 00000001`
/// (one dimension, has NULLs, `int4`, length 2, lower bound 1) followed by
/// `00000004 00000001` and `ffffffff`.
///
/// # The text format (`array_out` / `array_in`)
///
/// Elements in braces, separated by the element type's delimiter (a comma for
/// every built-in type except `box`, which uses `;`); one level of braces per
/// dimension: `{1,2,NULL}`, `{{1,2},{3,4}}`. An element is written in its own
/// text form, in double quotes when it is empty, is the word `NULL` in any
/// case, or contains a quote, a backslash, a brace, the delimiter or white
/// space; inside quotes `"` and `\` are escaped with a backslash:
/// `{"a b","say \"hi\"",""}`. An unquoted `NULL` is SQL NULL. When a lower
/// bound is not 1, the bounds come first: `[0:1]={7,8}`, `[1:2][0:0]={{1},{2}}`.
/// `{}` is the empty array, which has no dimensions at all.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Dim, Format, FromSql, PgArray, ToSql, Type};
///
/// let a = PgArray::new(vec![Dim::new(2, 1), Dim::new(2, 1)], vec![1i64, 2, 3, 4]).unwrap();
/// assert_eq!(a.get(&[2, 1]), Some(&3));
/// assert_eq!(a.to_string(), "{{1,2},{3,4}}");
///
/// let mut buf = BytesMut::new();
/// a.to_sql(&Type::INT8_ARRAY, &mut buf).unwrap();
/// let back = PgArray::<i64>::from_sql(&Type::INT8_ARRAY, Format::Binary, &buf).unwrap();
/// assert_eq!(back, a);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PgArray<T> {
    /// The dimensions, outermost first; empty for an empty array.
    pub dims: Vec<Dim>,
    /// The elements in row-major order.
    pub elements: Vec<T>,
}

/// An array whose dimensions do not describe its elements: more than
/// [`MAX_DIMS`] dimensions, a negative length, bounds that overflow, or an
/// element count that is not the product of the lengths.
///
/// ```
/// use tusk_types::{Dim, PgArray};
///
/// let err = PgArray::new(vec![Dim::new(3, 1)], vec![1, 2]).unwrap_err();
/// assert_eq!(err.to_string(), "array dimensions describe 3 elements but there are 2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayShapeError {
    message: String,
}

impl fmt::Display for ArrayShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArrayShapeError {}

/// The number of elements `dims` describe, if the shape is valid.
fn element_count(dims: &[Dim]) -> Result<usize, ArrayShapeError> {
    let fail = |message: String| Err(ArrayShapeError { message });
    if dims.len() > MAX_DIMS {
        return fail(format!(
            "an array has at most {MAX_DIMS} dimensions, not {}",
            dims.len()
        ));
    }
    let mut count: usize = if dims.is_empty() { 0 } else { 1 };
    for d in dims {
        if d.len < 0 {
            return fail(format!("array dimension length {} is negative", d.len));
        }
        if d.lower.checked_add(d.len).is_none() {
            return fail(format!(
                "array bounds overflow: lower bound {} and length {}",
                d.lower, d.len
            ));
        }
        count = match count.checked_mul(d.len as usize) {
            Some(c) if i32::try_from(c).is_ok() => c,
            _ => return fail("array has too many elements".to_owned()),
        };
    }
    Ok(count)
}

impl<T> PgArray<T> {
    /// An array of this shape, checking that `elements` has the product of
    /// the dimension lengths.
    ///
    /// ```
    /// use tusk_types::{Dim, PgArray};
    ///
    /// assert!(PgArray::new(vec![Dim::new(2, 0)], vec!['a', 'b']).is_ok());
    /// assert!(PgArray::new(vec![Dim::new(-1, 1)], Vec::<i32>::new()).is_err());
    /// ```
    pub fn new(dims: Vec<Dim>, elements: Vec<T>) -> Result<PgArray<T>, ArrayShapeError> {
        let count = element_count(&dims)?;
        // An array whose dimensions hold no element is the empty array.
        let dims = if count == 0 { Vec::new() } else { dims };
        if count != elements.len() {
            return Err(ArrayShapeError {
                message: format!(
                    "array dimensions describe {count} elements but there are {}",
                    elements.len()
                ),
            });
        }
        Ok(PgArray { dims, elements })
    }

    /// A one-dimensional array with lower bound 1 (or the empty array).
    ///
    /// ```
    /// use tusk_types::{Dim, PgArray};
    ///
    /// assert_eq!(PgArray::from_vec(vec![5, 6]).dims, [Dim::new(2, 1)]);
    /// assert!(PgArray::<i32>::from_vec(vec![]).dims.is_empty());
    /// ```
    pub fn from_vec(elements: Vec<T>) -> PgArray<T> {
        let dims = if elements.is_empty() {
            Vec::new()
        } else {
            vec![Dim::new(i32::try_from(elements.len()).unwrap_or(i32::MAX), 1)]
        };
        PgArray { dims, elements }
    }

    /// The element at these subscripts (one per dimension, counted from each
    /// dimension's lower bound), if it is inside the array.
    ///
    /// ```
    /// use tusk_types::{Dim, PgArray};
    ///
    /// let a = PgArray::new(vec![Dim::new(2, 0)], vec!["x", "y"]).unwrap();
    /// assert_eq!(a.get(&[0]), Some(&"x"));
    /// assert_eq!(a.get(&[2]), None);
    /// assert_eq!(a.get(&[0, 0]), None);
    /// ```
    pub fn get(&self, subscripts: &[i32]) -> Option<&T> {
        if subscripts.len() != self.dims.len() || self.dims.is_empty() {
            return None;
        }
        let mut index: usize = 0;
        for (d, &s) in self.dims.iter().zip(subscripts) {
            let offset = i64::from(s) - i64::from(d.lower);
            if offset < 0 || offset >= i64::from(d.len) {
                return None;
            }
            index = index.checked_mul(d.len as usize)?.checked_add(offset as usize)?;
        }
        self.elements.get(index)
    }

    /// The number of dimensions (0 for the empty array).
    ///
    /// ```
    /// # use tusk_types::PgArray;
    /// assert_eq!(PgArray::from_vec(vec![1]).ndim(), 1);
    /// ```
    pub fn ndim(&self) -> usize {
        self.dims.len()
    }

    /// The elements, dropping the shape.
    ///
    /// ```
    /// # use tusk_types::PgArray;
    /// assert_eq!(PgArray::from_vec(vec![1, 2]).into_elements(), [1, 2]);
    /// ```
    pub fn into_elements(self) -> Vec<T> {
        self.elements
    }

    /// The same shape with every element converted by `f`.
    ///
    /// ```
    /// # use tusk_types::PgArray;
    /// assert_eq!(PgArray::from_vec(vec![1, 2]).map(|x| x * 10).elements, [10, 20]);
    /// ```
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> PgArray<U> {
        PgArray {
            dims: self.dims,
            elements: self.elements.into_iter().map(f).collect(),
        }
    }
}

impl<T> Default for PgArray<T> {
    fn default() -> Self {
        PgArray {
            dims: Vec::new(),
            elements: Vec::new(),
        }
    }
}

impl<T> From<Vec<T>> for PgArray<T> {
    fn from(elements: Vec<T>) -> Self {
        PgArray::from_vec(elements)
    }
}

/// Shows the array the way `array_out` would for elements whose text is
/// their `Display` (numbers, plain words): braces, commas, the bounds prefix
/// when a lower bound is not 1, and quotes where `array_out` puts them.
impl<T: fmt::Display> fmt::Display for PgArray<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<Option<Vec<u8>>> = self.elements.iter().map(|e| Some(e.to_string().into_bytes())).collect();
        let mut out = BytesMut::new();
        write_text_array(&self.dims, &texts, b',', &mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

// ---- Reading binary values ------------------------------------------------------------

/// A cursor over a binary value, each read checked against the end.
pub(crate) struct Reader<'a> {
    raw: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(raw: &'a [u8]) -> Reader<'a> {
        Reader { raw }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeErrorKind> {
        if n > self.raw.len() {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        let (head, tail) = self.raw.split_at(n);
        self.raw = tail;
        Ok(head)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeErrorKind> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, DecodeErrorKind> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn i32(&mut self) -> Result<i32, DecodeErrorKind> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeErrorKind> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A length-prefixed value: `None` for length −1 (NULL).
    pub(crate) fn value(&mut self) -> Result<Option<&'a [u8]>, DecodeErrorKind> {
        match self.i32()? {
            -1 => Ok(None),
            len if len < 0 => Err(DecodeErrorKind::InvalidSyntax),
            len => self.take(len as usize).map(Some),
        }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.raw.len()
    }

    /// Fails unless every byte was read.
    pub(crate) fn finish(&self) -> Result<(), DecodeErrorKind> {
        if self.raw.is_empty() {
            Ok(())
        } else {
            Err(DecodeErrorKind::InvalidSyntax)
        }
    }
}

/// Writes a value with its 32-bit length prefix (−1 and no bytes for NULL).
/// On error nothing is left in `out`.
pub(crate) fn write_value<T: ToSql + ?Sized>(value: &T, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    let start = out.len();
    out.put_i32(0);
    match value.to_sql(ty, out) {
        Ok(IsNull::Yes) => {
            out.truncate(start);
            out.put_i32(-1);
            Ok(IsNull::Yes)
        }
        Ok(IsNull::No) => {
            let len = out.len() - start - 4;
            if let Err(e) = ensure_len(len) {
                out.truncate(start);
                return Err(e);
            }
            out[start..start + 4].copy_from_slice(&(len as i32).to_be_bytes());
            Ok(IsNull::No)
        }
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// Encodes `value` for `ty` in text format into a fresh buffer: `None` for
/// NULL. Fails if the value would not be text.
pub(crate) fn text_of<T: ToSql + ?Sized>(value: &T, ty: &Type) -> Result<Option<Vec<u8>>, BoxError> {
    let mut buf = BytesMut::new();
    match value.to_sql(ty, &mut buf)? {
        IsNull::Yes => Ok(None),
        IsNull::No if value.format(ty) == Format::Text => Ok(Some(buf.to_vec())),
        IsNull::No => Err(mixed_formats()),
    }
}

/// The error for a container whose parts want different wire formats.
pub(crate) fn mixed_formats() -> BoxError {
    "the parts of this value encode in different wire formats (some binary, some text); \
     PostgreSQL needs one format for the whole value"
        .into()
}

/// The format a container of `parts` goes in: text as soon as one part is
/// text (a part that is text for `ty` cannot be written in binary).
pub(crate) fn parts_format<'p, T: ToSql + ?Sized + 'p>(parts: impl IntoIterator<Item = (&'p T, &'p Type)>) -> Format {
    if parts.into_iter().any(|(p, ty)| p.format(ty) == Format::Text) {
        Format::Text
    } else {
        Format::Binary
    }
}

// ---- Array wire formats ---------------------------------------------------------------

/// The element type of an array type (seeing through a domain over an array).
pub(crate) fn element_of(ty: &Type) -> Option<&Type> {
    match ty.base().kind() {
        Kind::Array(element) => Some(element),
        _ => None,
    }
}

/// The delimiter `array_out` uses between elements of `element` (`typdelim`).
pub(crate) fn delimiter(element: &Type) -> u8 {
    if element.base().oid() == Type::BOX.oid() {
        b';'
    } else {
        b','
    }
}

/// A parsed binary array: its shape, the element OID and the raw elements.
pub(crate) struct BinaryArray<'a> {
    pub(crate) dims: Vec<Dim>,
    pub(crate) element_oid: Oid,
    pub(crate) elements: Vec<Option<&'a [u8]>>,
}

/// Parses the binary array format, checking every length against the bytes.
pub(crate) fn parse_binary(raw: &[u8]) -> Result<BinaryArray<'_>, DecodeErrorKind> {
    let mut r = Reader::new(raw);
    let ndim = r.i32()?;
    if !(0..=MAX_DIMS as i32).contains(&ndim) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let flags = r.i32()?;
    if flags != 0 && flags != 1 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let element_oid = r.u32()?;
    let mut dims = Vec::with_capacity(ndim as usize);
    for _ in 0..ndim {
        let len = r.i32()?;
        let lower = r.i32()?;
        dims.push(Dim { len, lower });
    }
    let count = element_count(&dims).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
    if count == 0 {
        dims.clear();
    }
    // Every element takes at least its 4-byte length: refuse counts the bytes
    // cannot hold before allocating for them.
    if count > r.remaining() / 4 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let mut elements = Vec::with_capacity(count);
    for _ in 0..count {
        elements.push(r.value()?);
    }
    r.finish()?;
    Ok(BinaryArray {
        dims,
        element_oid,
        elements,
    })
}

/// Writes the binary array format with each element encoded for `element`.
fn write_binary_array<T: ToSql>(
    element: &Type,
    dims: &[Dim],
    elements: &[T],
    out: &mut BytesMut,
) -> Result<(), BoxError> {
    out.put_i32(dims.len() as i32);
    let flags_at = out.len();
    out.put_i32(0);
    out.put_u32(element.oid());
    for d in dims {
        out.put_i32(d.len);
        out.put_i32(d.lower);
    }
    let base = element.base();
    let mut has_nulls = false;
    for e in elements {
        if write_value(e, base, out)? == IsNull::Yes {
            has_nulls = true;
        }
    }
    if has_nulls {
        out[flags_at..flags_at + 4].copy_from_slice(&1i32.to_be_bytes());
    }
    Ok(())
}

/// Whether `array_out` would quote this element text.
fn needs_quotes(text: &[u8], delim: u8) -> bool {
    text.is_empty()
        || text.eq_ignore_ascii_case(b"NULL")
        || text
            .iter()
            .any(|&b| matches!(b, b'"' | b'\\' | b'{' | b'}') || b == delim || is_array_space(b))
}

/// The white space `array_in` skips (`array_isspace`).
pub(crate) fn is_array_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Writes the text array format: the bounds prefix when a lower bound is not
/// 1, then nested braces; `None` elements are `NULL`.
pub(crate) fn write_text_array(dims: &[Dim], elements: &[Option<Vec<u8>>], delim: u8, out: &mut BytesMut) {
    if dims.is_empty() || elements.is_empty() {
        out.put_slice(b"{}");
        return;
    }
    if dims.iter().any(|d| d.lower != 1) {
        for d in dims {
            out.put_slice(format!("[{}:{}]", d.lower, d.upper()).as_bytes());
        }
        out.put_u8(b'=');
    }
    let mut next = 0;
    write_text_level(dims, elements, delim, &mut next, out);
}

fn write_text_level(dims: &[Dim], elements: &[Option<Vec<u8>>], delim: u8, next: &mut usize, out: &mut BytesMut) {
    let Some((d, inner)) = dims.split_first() else {
        return;
    };
    out.put_u8(b'{');
    for i in 0..d.len.max(0) {
        if i > 0 {
            out.put_u8(delim);
        }
        if inner.is_empty() {
            match elements.get(*next) {
                Some(Some(text)) => write_quoted_element(text, delim, out),
                _ => out.put_slice(b"NULL"),
            }
            *next += 1;
        } else {
            write_text_level(inner, elements, delim, next, out);
        }
    }
    out.put_u8(b'}');
}

fn write_quoted_element(text: &[u8], delim: u8, out: &mut BytesMut) {
    if !needs_quotes(text, delim) {
        out.put_slice(text);
        return;
    }
    out.put_u8(b'"');
    for &b in text {
        if b == b'"' || b == b'\\' {
            out.put_u8(b'\\');
        }
        out.put_u8(b);
    }
    out.put_u8(b'"');
}

/// A parsed text array: its shape and the unescaped elements (`None` for NULL).
pub(crate) struct TextArray<'a> {
    pub(crate) dims: Vec<Dim>,
    pub(crate) elements: Vec<Option<Cow<'a, [u8]>>>,
}

/// Parses the text array format as `array_in` reads it.
pub(crate) fn parse_text(raw: &[u8], delim: u8) -> Result<TextArray<'_>, DecodeErrorKind> {
    let mut p = TextParser {
        s: raw,
        pos: 0,
        delim,
        lens: [None; MAX_DIMS],
        leaf_depth: None,
        elements: Vec::new(),
    };
    p.skip_space();
    let decorated = if p.peek() == Some(b'[') {
        Some(p.bounds()?)
    } else {
        None
    };
    p.level(0)?;
    p.skip_space();
    if p.pos != p.s.len() {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let parsed: Vec<i32> = if p.elements.is_empty() {
        Vec::new()
    } else {
        p.lens.iter().map_while(|len| *len).collect()
    };
    let dims = match decorated {
        Some(dims) => {
            if dims.len() != parsed.len() || dims.iter().zip(&parsed).any(|(d, &len)| d.len != len) {
                return Err(DecodeErrorKind::InvalidSyntax);
            }
            dims
        }
        None => parsed.iter().map(|&len| Dim::new(len, 1)).collect(),
    };
    element_count(&dims).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
    Ok(TextArray {
        dims,
        elements: p.elements,
    })
}

struct TextParser<'a> {
    s: &'a [u8],
    pos: usize,
    delim: u8,
    /// The length of each level, as first seen.
    lens: [Option<i32>; MAX_DIMS],
    /// The depth at which elements (not sub-arrays) sit.
    leaf_depth: Option<usize>,
    elements: Vec<Option<Cow<'a, [u8]>>>,
}

impl<'a> TextParser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), DecodeErrorKind> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(DecodeErrorKind::InvalidSyntax)
        }
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_array_space) {
            self.pos += 1;
        }
    }

    fn int(&mut self) -> Result<i32, DecodeErrorKind> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        std::str::from_utf8(&self.s[start..self.pos])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or(DecodeErrorKind::InvalidSyntax)
    }

    /// `[lower:upper]...=` (a lone `[upper]` means lower bound 1).
    fn bounds(&mut self) -> Result<Vec<Dim>, DecodeErrorKind> {
        let mut dims = Vec::new();
        while self.eat(b'[') {
            if dims.len() == MAX_DIMS {
                return Err(DecodeErrorKind::InvalidSyntax);
            }
            self.skip_space();
            let first = self.int()?;
            self.skip_space();
            let (lower, upper) = if self.eat(b':') {
                self.skip_space();
                let upper = self.int()?;
                self.skip_space();
                (first, upper)
            } else {
                (1, first)
            };
            self.expect(b']')?;
            let len = i64::from(upper) - i64::from(lower) + 1;
            let len = i32::try_from(len).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
            if len < 0 {
                return Err(DecodeErrorKind::InvalidSyntax);
            }
            dims.push(Dim::new(len, lower));
            self.skip_space();
        }
        self.expect(b'=')?;
        self.skip_space();
        Ok(dims)
    }

    /// One brace-enclosed level at `depth`.
    fn level(&mut self, depth: usize) -> Result<(), DecodeErrorKind> {
        if depth >= MAX_DIMS {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        self.expect(b'{')?;
        self.skip_space();
        if self.eat(b'}') {
            // Only the whole array may be empty.
            return if depth == 0 {
                Ok(())
            } else {
                Err(DecodeErrorKind::InvalidSyntax)
            };
        }
        let mut count: i32 = 0;
        loop {
            self.skip_space();
            if self.peek() == Some(b'{') {
                if self.leaf_depth.is_some_and(|leaf| leaf <= depth) {
                    return Err(DecodeErrorKind::InvalidSyntax);
                }
                self.level(depth + 1)?;
            } else {
                match self.leaf_depth {
                    None => self.leaf_depth = Some(depth),
                    Some(leaf) if leaf != depth => return Err(DecodeErrorKind::InvalidSyntax),
                    Some(_) => {}
                }
                let element = self.element()?;
                self.elements.push(element);
            }
            count = count.checked_add(1).ok_or(DecodeErrorKind::InvalidSyntax)?;
            self.skip_space();
            if self.eat(self.delim) {
                continue;
            }
            self.expect(b'}')?;
            break;
        }
        match self.lens.get_mut(depth) {
            Some(Some(len)) if *len != count => Err(DecodeErrorKind::InvalidSyntax),
            Some(Some(_)) => Ok(()),
            Some(slot) => {
                *slot = Some(count);
                Ok(())
            }
            None => Err(DecodeErrorKind::InvalidSyntax),
        }
    }

    /// One element, quoted or not; `None` for an unquoted `NULL`.
    fn element(&mut self) -> Result<Option<Cow<'a, [u8]>>, DecodeErrorKind> {
        if self.eat(b'"') {
            let start = self.pos;
            let mut owned: Option<Vec<u8>> = None;
            loop {
                match self.peek() {
                    None => return Err(DecodeErrorKind::InvalidSyntax),
                    Some(b'"') => {
                        let text = match owned {
                            Some(v) => Cow::Owned(v),
                            None => Cow::Borrowed(&self.s[start..self.pos]),
                        };
                        self.pos += 1;
                        return Ok(Some(text));
                    }
                    Some(b'\\') => {
                        let escaped = *self.s.get(self.pos + 1).ok_or(DecodeErrorKind::InvalidSyntax)?;
                        owned
                            .get_or_insert_with(|| self.s[start..self.pos].to_vec())
                            .push(escaped);
                        self.pos += 2;
                    }
                    Some(b) => {
                        if let Some(v) = &mut owned {
                            v.push(b);
                        }
                        self.pos += 1;
                    }
                }
            }
        }
        let start = self.pos;
        let mut owned: Option<Vec<u8>> = None;
        let mut escaped_any = false;
        // Length of the text up to its last character that is not unescaped
        // white space: trailing white space is not part of the element.
        let mut significant = 0;
        let mut len = 0;
        loop {
            match self.peek() {
                None | Some(b'"' | b'{') => return Err(DecodeErrorKind::InvalidSyntax),
                Some(b) if b == self.delim || b == b'}' => break,
                Some(b'\\') => {
                    let escaped = *self.s.get(self.pos + 1).ok_or(DecodeErrorKind::InvalidSyntax)?;
                    owned
                        .get_or_insert_with(|| self.s[start..self.pos].to_vec())
                        .push(escaped);
                    escaped_any = true;
                    self.pos += 2;
                    len += 1;
                    significant = len;
                }
                Some(b) => {
                    if let Some(v) = &mut owned {
                        v.push(b);
                    }
                    self.pos += 1;
                    len += 1;
                    if !is_array_space(b) {
                        significant = len;
                    }
                }
            }
        }
        if significant == 0 {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        let text = match owned {
            Some(mut v) => {
                v.truncate(significant);
                Cow::Owned(v)
            }
            None => Cow::Borrowed(&self.s[start..start + significant]),
        };
        if !escaped_any && text.eq_ignore_ascii_case(b"NULL") {
            return Ok(None);
        }
        Ok(Some(text))
    }
}

// ---- Conversions ----------------------------------------------------------------------

/// Decodes an array value of `ty` into its shape and elements of type `T`.
fn decode_array<T>(rust_type: &'static str, ty: &Type, format: Format, raw: &[u8]) -> Result<PgArray<T>, BoxError>
where
    T: for<'b> FromSql<'b>,
{
    let Some(element) = element_of(ty) else {
        return Err(wrong_type(rust_type, ty));
    };
    let base = element.base();
    let fail = |kind| decode_error(rust_type, ty, format, kind);
    match format {
        Format::Binary => {
            let parsed = parse_binary(raw).map_err(fail)?;
            if parsed.element_oid != element.oid() && parsed.element_oid != base.oid() {
                return Err(wrong_type(rust_type, &Type::from_oid(parsed.element_oid)));
            }
            let mut elements = Vec::with_capacity(parsed.elements.len());
            for e in parsed.elements {
                elements.push(decode_element(base, Format::Binary, e)?);
            }
            Ok(PgArray {
                dims: parsed.dims,
                elements,
            })
        }
        Format::Text => {
            let parsed = parse_text(raw, delimiter(element)).map_err(fail)?;
            let mut elements = Vec::with_capacity(parsed.elements.len());
            for e in &parsed.elements {
                elements.push(decode_element(base, Format::Text, e.as_deref())?);
            }
            Ok(PgArray {
                dims: parsed.dims,
                elements,
            })
        }
    }
}

/// Decodes one element (or part of a container), `None` being NULL.
pub(crate) fn decode_element<T>(ty: &Type, format: Format, raw: Option<&[u8]>) -> Result<T, BoxError>
where
    T: for<'b> FromSql<'b>,
{
    match raw {
        Some(raw) => T::from_sql(ty, format, raw),
        None => T::from_sql_null(ty),
    }
}

/// Encodes elements of shape `dims` as an array of `ty`, in the format the
/// elements want.
fn encode_array<T: ToSql>(
    rust_type: &'static str,
    ty: &Type,
    dims: &[Dim],
    elements: &[T],
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    let Some(element) = element_of(ty) else {
        return Err(wrong_type(rust_type, ty));
    };
    let base = element.base();
    if let Some(bad) = elements.iter().find(|e| !e.accepts(base)) {
        return Err(wrong_type(bad.type_name(), element));
    }
    let count = element_count(dims)?;
    if count != elements.len() {
        return Err(Box::new(ArrayShapeError {
            message: format!(
                "array dimensions describe {count} elements but there are {}",
                elements.len()
            ),
        }));
    }
    let dims = if count == 0 { &[][..] } else { dims };
    let start = out.len();
    let result = match array_format(element, elements) {
        Format::Binary => write_binary_array(element, dims, elements, out),
        Format::Text => elements
            .iter()
            .map(|e| text_of(e, base))
            .collect::<Result<Vec<_>, _>>()
            .map(|texts| write_text_array(dims, &texts, delimiter(element), out)),
    };
    match result {
        Ok(()) => Ok(IsNull::No),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

fn array_format<T: ToSql>(element: &Type, elements: &[T]) -> Format {
    let base = element.base();
    parts_format(elements.iter().map(|e| (e, base)))
}

fn array_accepts<T: ToSql>(ty: &Type, elements: &[T]) -> bool {
    match element_of(ty) {
        Some(element) => elements.iter().all(|e| e.accepts(element.base())),
        None => false,
    }
}

fn array_format_for<T: ToSql>(ty: &Type, elements: &[T]) -> Format {
    match element_of(ty) {
        Some(element) => array_format(element, elements),
        None => Format::Binary,
    }
}

fn one_dimension(len: usize) -> Result<Vec<Dim>, BoxError> {
    if len == 0 {
        return Ok(Vec::new());
    }
    match i32::try_from(len) {
        Ok(len) => Ok(vec![Dim::new(len, 1)]),
        Err(_) => Err(Box::new(ArrayShapeError {
            message: format!("an array has at most {} elements, not {len}", i32::MAX),
        })),
    }
}

/// A one-dimensional array (lower bound 1). An empty slice accepts any array
/// type; otherwise every element must accept the element type.
impl<T: ToSql> ToSql for [T] {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_array("&[T]", ty, &one_dimension(self.len())?, self, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        array_accepts(ty, self)
    }

    fn format(&self, ty: &Type) -> Format {
        array_format_for(ty, self)
    }

    fn type_name(&self) -> &'static str {
        "&[T]"
    }
}

/// A one-dimensional array (lower bound 1); see `[T]`.
impl<T: ToSql> ToSql for Vec<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_array("Vec<T>", ty, &one_dimension(self.len())?, self, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        array_accepts(ty, self)
    }

    fn format(&self, ty: &Type) -> Format {
        array_format_for(ty, self)
    }

    fn type_name(&self) -> &'static str {
        "Vec<T>"
    }
}

/// An empty or one-dimensional array, elements in order (lower bounds are
/// not kept). A multi-dimensional array is refused: decode it as
/// [`PgArray`].
impl<'a, T> FromSql<'a> for Vec<T>
where
    T: for<'b> FromSql<'b>,
{
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        let array = decode_array::<T>("Vec<T>", ty, format, raw)?;
        if array.dims.len() > 1 {
            let kind = DecodeErrorKind::Unsupported("a multi-dimensional array does not fit a Vec; decode a PgArray");
            return Err(decode_error("Vec<T>", ty, format, kind));
        }
        Ok(array.elements)
    }

    fn accepts(ty: &Type) -> bool {
        element_of(ty).is_some_and(|e| T::accepts(e.base()))
    }
}

impl<T: ToSql> ToSql for PgArray<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_array("PgArray<T>", ty, &self.dims, &self.elements, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        array_accepts(ty, &self.elements)
    }

    fn format(&self, ty: &Type) -> Format {
        array_format_for(ty, &self.elements)
    }

    fn type_name(&self) -> &'static str {
        "PgArray<T>"
    }
}

impl<'a, T> FromSql<'a> for PgArray<T>
where
    T: for<'b> FromSql<'b>,
{
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        decode_array("PgArray<T>", ty, format, raw)
    }

    fn accepts(ty: &Type) -> bool {
        element_of(ty).is_some_and(|e| T::accepts(e.base()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{encode, is_wrong_type, kind};
    use super::*;
    use crate::Field;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn binary_layout_matches_array_send() {
        let raw = encode(&vec![Some(1i32), None], &Type::INT4_ARRAY);
        assert_eq!(
            raw,
            hex("00000001 00000001 00000017 00000002 00000001 00000004 00000001 ffffffff")
        );
        let raw = encode(&Vec::<i32>::new(), &Type::INT4_ARRAY);
        assert_eq!(raw, hex("00000000 00000000 00000017"));
        assert!(
            Vec::<i32>::from_sql(&Type::INT4_ARRAY, Format::Binary, &raw)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn binary_round_trips() {
        let v = vec![Some("a".to_owned()), None, Some(String::new()), Some("é ✓".to_owned())];
        let raw = encode(&v, &Type::TEXT_ARRAY);
        assert_eq!(
            Vec::<Option<String>>::from_sql(&Type::TEXT_ARRAY, Format::Binary, &raw).unwrap(),
            v
        );
        let a = PgArray::new(vec![Dim::new(2, -3), Dim::new(3, 7)], (1..=6i64).collect()).unwrap();
        let raw = encode(&a, &Type::INT8_ARRAY);
        assert_eq!(
            PgArray::<i64>::from_sql(&Type::INT8_ARRAY, Format::Binary, &raw).unwrap(),
            a
        );
        // A Vec refuses more than one dimension but takes other lower bounds.
        assert!(Vec::<i64>::from_sql(&Type::INT8_ARRAY, Format::Binary, &raw).is_err());
        let b = PgArray::new(vec![Dim::new(2, 0)], vec![1i64, 2]).unwrap();
        let raw = encode(&b, &Type::INT8_ARRAY);
        assert_eq!(
            Vec::<i64>::from_sql(&Type::INT8_ARRAY, Format::Binary, &raw).unwrap(),
            [1, 2]
        );
        // Slices encode like vectors.
        assert_eq!(
            encode(&&[1i16, 2][..], &Type::INT2_ARRAY),
            encode(&vec![1i16, 2], &Type::INT2_ARRAY)
        );
    }

    #[test]
    fn element_types_are_honest() {
        assert!(vec![1i64].accepts(&Type::INT8_ARRAY));
        assert!(!vec![1i64].accepts(&Type::INT4_ARRAY));
        assert!(!vec![1i64].accepts(&Type::INT8));
        assert!(<Vec<i64> as FromSql>::accepts(&Type::INT8_ARRAY));
        assert!(!<Vec<i64> as FromSql>::accepts(&Type::INT4_ARRAY));
        assert!(!<Vec<i64> as FromSql>::accepts(&Type::INT8));
        let raw = encode(&vec![1i32], &Type::INT4_ARRAY);
        assert!(is_wrong_type(
            &Vec::<i64>::from_sql(&Type::INT8_ARRAY, Format::Binary, &raw).unwrap_err()
        ));
        assert!(is_wrong_type(
            &Vec::<i32>::from_sql(&Type::INT4, Format::Binary, &raw).unwrap_err()
        ));
        let mut buf = BytesMut::new();
        assert!(vec![1i64].to_sql(&Type::INT4_ARRAY, &mut buf).is_err());
        assert!(buf.is_empty());
    }

    /// Input text, the elements it holds and its shape.
    type TextCase<'a> = (&'a [u8], &'a [Option<&'a str>], &'a [Dim]);

    #[test]
    fn text_parsing() {
        let cases: &[TextCase<'_>] = &[
            (b"{}", &[], &[]),
            (b"  {  }  ", &[], &[]),
            (b"{1,2,3}", &[Some("1"), Some("2"), Some("3")], &[Dim::new(3, 1)]),
            (b"{NULL,null,\"NULL\"}", &[None, None, Some("NULL")], &[Dim::new(3, 1)]),
            (b"{ a b , \"c\\\"d\" }", &[Some("a b"), Some("c\"d")], &[Dim::new(2, 1)]),
            (b"{a\\,b,\\ x\\ }", &[Some("a,b"), Some(" x ")], &[Dim::new(2, 1)]),
            (b"{\"\"}", &[Some("")], &[Dim::new(1, 1)]),
            (
                b"{{1,2},{3,4}}",
                &[Some("1"), Some("2"), Some("3"), Some("4")],
                &[Dim::new(2, 1), Dim::new(2, 1)],
            ),
            (b"[0:1]={7,8}", &[Some("7"), Some("8")], &[Dim::new(2, 0)]),
            (
                b"[-2:-2][3:4]={{x,y}}",
                &[Some("x"), Some("y")],
                &[Dim::new(1, -2), Dim::new(2, 3)],
            ),
            (b"[2]={x,y}", &[Some("x"), Some("y")], &[Dim::new(2, 1)]),
        ];
        for (raw, elements, dims) in cases {
            let parsed = parse_text(raw, b',').unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(raw)));
            let got: Vec<Option<&str>> = parsed
                .elements
                .iter()
                .map(|e| e.as_deref().map(|b| std::str::from_utf8(b).unwrap()))
                .collect();
            assert_eq!(&got, elements, "{}", String::from_utf8_lossy(raw));
            assert_eq!(&parsed.dims, dims, "{}", String::from_utf8_lossy(raw));
        }
        let bad: &[&[u8]] = &[
            b"",
            b"{",
            b"{1,2",
            b"{1,,2}",
            b"{,}",
            b"{1}x",
            b"{{1},2}",
            b"{1,{2}}",
            b"{{1,2},{3}}",
            b"{\"a}",
            b"{a\"b}",
            b"{a\\}",
            b"{{}}",
            b"[0:2]={1,2}",
            b"[1:1]{1}",
            b"{{{{{{{1}}}}}}}",
            b"[5:1]={}",
        ];
        for raw in bad {
            assert!(parse_text(raw, b',').is_err(), "{}", String::from_utf8_lossy(raw));
        }
    }

    #[test]
    fn text_decoding() {
        let v: Vec<Option<i32>> = FromSql::from_sql(&Type::INT4_ARRAY, Format::Text, b"{1,NULL,-3}").unwrap();
        assert_eq!(v, [Some(1), None, Some(-3)]);
        let err = Vec::<i32>::from_sql(&Type::INT4_ARRAY, Format::Text, b"{1,NULL}").unwrap_err();
        assert!(err.is::<crate::WasNull>());
        let err = Vec::<i32>::from_sql(&Type::INT4_ARRAY, Format::Text, b"{1,x}").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax);
        let boxes: Vec<String> =
            FromSql::from_sql(&Type::BOX_ARRAY, Format::Text, b"{(1,1),(0,0);(2,2),(1,1)}").unwrap();
        assert_eq!(boxes, ["(1,1),(0,0)", "(2,2),(1,1)"]);
    }

    #[test]
    fn text_writing_matches_array_out() {
        let texts = |v: &[Option<&str>]| v.iter().map(|e| e.map(|s| s.as_bytes().to_vec())).collect::<Vec<_>>();
        let mut out = BytesMut::new();
        write_text_array(
            &[Dim::new(6, 1)],
            &texts(&[Some("a"), None, Some(""), Some("null"), Some("a b"), Some("q\"\\")]),
            b',',
            &mut out,
        );
        assert_eq!(&out[..], br#"{a,NULL,"","null","a b","q\"\\"}"#);
        out.clear();
        write_text_array(
            &[Dim::new(1, 0), Dim::new(2, 1)],
            &texts(&[Some("1"), Some("{")]),
            b',',
            &mut out,
        );
        assert_eq!(&out[..], br#"[0:0][1:2]={{1,"{"}}"#);
    }

    #[test]
    fn text_parameters() {
        // &str elements for a type without binary support travel as text.
        let v = vec![Some("1.5"), None, Some("a b")];
        assert_eq!(v.format(&Type::NUMERIC_ARRAY), Format::Text);
        assert_eq!(encode(&v, &Type::NUMERIC_ARRAY), br#"{1.5,NULL,"a b"}"#);
        // Mixed formats are refused.
        let mixed: Vec<&(dyn ToSql + Sync)> = vec![&1i32, &"2"];
        let mut buf = BytesMut::new();
        assert!(mixed.to_sql(&Type::INT4_ARRAY, &mut buf).is_err());
    }

    #[test]
    fn custom_element_types() {
        let posint = Type::new_custom("posint", "public", 70_001, Kind::Domain(Type::INT4));
        let arr = Type::new_custom("_posint", "public", 70_002, Kind::Array(posint));
        assert!(vec![1i32].accepts(&arr));
        assert!(<Vec<i32> as FromSql>::accepts(&arr));
        let raw = encode(&vec![5i32], &arr);
        // The header names the domain, as array_recv wants.
        assert_eq!(&raw[8..12], &70_001u32.to_be_bytes());
        assert_eq!(Vec::<i32>::from_sql(&arr, Format::Binary, &raw).unwrap(), [5]);
        let comp = Type::new_custom(
            "c",
            "public",
            70_003,
            Kind::Composite(vec![Field::new("a", Type::INT4)]),
        );
        let arr = Type::new_custom("_c", "public", 70_004, Kind::Array(comp));
        assert!(arr.binary_supported());
    }

    #[test]
    fn malformed_binary_is_an_error() {
        let good = encode(&vec![Some(1i32), None], &Type::INT4_ARRAY);
        for cut in 0..good.len() {
            assert!(Vec::<Option<i32>>::from_sql(&Type::INT4_ARRAY, Format::Binary, &good[..cut]).is_err());
        }
        let mut extra = good.clone();
        extra.push(0);
        assert!(Vec::<Option<i32>>::from_sql(&Type::INT4_ARRAY, Format::Binary, &extra).is_err());
        // 7 dimensions, bad flags, a huge count, a negative length.
        for raw in [
            hex("00000007 00000000 00000017"),
            hex("00000001 00000002 00000017 00000001 00000001 00000004 00000001"),
            hex("00000002 00000000 00000017 7fffffff 00000001 7fffffff 00000001"),
            hex("00000001 00000000 00000017 ffffffff 00000001"),
            hex("00000001 00000000 00000017 00000001 7fffffff 00000004 00000001"),
            hex("00000001 00000000 00000017 00000001 00000001 fffffffe"),
        ] {
            assert!(PgArray::<Option<i32>>::from_sql(&Type::INT4_ARRAY, Format::Binary, &raw).is_err());
        }
    }

    #[test]
    fn shapes() {
        assert!(PgArray::new(vec![Dim::new(1, i32::MAX)], vec![1]).is_err());
        assert!(PgArray::new(vec![Dim::new(1, 1); 7], vec![1]).is_err());
        assert_eq!(PgArray::new(vec![Dim::new(0, 5)], Vec::<i32>::new()).unwrap().dims, []);
        let bad = PgArray {
            dims: vec![Dim::new(3, 1)],
            elements: vec![1i32],
        };
        let mut buf = BytesMut::new();
        assert!(bad.to_sql(&Type::INT4_ARRAY, &mut buf).is_err());
        assert!(buf.is_empty());
        let a = PgArray::new(vec![Dim::new(2, 1), Dim::new(3, 1)], (0..6).collect::<Vec<i32>>()).unwrap();
        assert_eq!(a.get(&[2, 3]), Some(&5));
        assert_eq!(a.get(&[1, 2]), Some(&1));
        assert_eq!(a.get(&[3, 1]), None);
        assert_eq!(PgArray::from_vec(vec!["a b", "c"]).to_string(), r#"{"a b",c}"#);
    }
}
