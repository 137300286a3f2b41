//! Types from extensions, recognised by name (their OIDs differ per
//! database, so a client finds them in the catalogs): `hstore`, `citext`,
//! `ltree` (contrib) and pgvector's `vector`, `halfvec` and `sparsevec`.
//!
//! | type | Rust | binary format | text format |
//! | --- | --- | --- | --- |
//! | `hstore` | `HashMap<String, Option<String>>`, `BTreeMap<String, Option<String>>` | `i32` count; per pair `i32` key length + key, `i32` value length (−1 NULL) + value | `"a"=>"1", "b"=>NULL` |
//! | `citext` | `String`, `&str` | the text (as `text`) | the text |
//! | `ltree` | [`PgLtree`] (or `String`) | version byte `1`, then the text | `a.b.c` |
//! | `vector` | [`PgVector`] | `u16` dimensions, `u16` unused (0), big-endian `f32`s | `[1,2.5,3]` |
//! | `halfvec` | [`PgHalfVec`] | `u16` dimensions, `u16` unused (0), IEEE half-precision bits as `u16`s | `[1,2.5,3]` |
//! | `sparsevec` | [`PgSparseVec`] | `i32` dimensions, `i32` non-zero count, `i32` unused (0), that many `i32` indices (from 0), then as many `f32` values | `{1:1.5,3:2}/5` (indices from 1) |
//!
//! `hstore`, `citext` and the pgvector types are requested in binary;
//! `ltree` is requested in text so that `String` reads it (its binary form
//! has a version byte).

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use bytes::{BufMut, BytesMut};

use super::array::Reader;
use super::{ensure_len, utf8};
use crate::error::{decode_error, wrong_type};
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, Kind, ToSql, Type};

/// Whether the extension type `name` is decoded in binary.
pub(crate) fn extension_binary_supported(name: &str) -> bool {
    matches!(name, "hstore" | "citext" | "vector" | "halfvec" | "sparsevec")
}

/// Whether the extension type `name` is plain text in both formats.
pub(crate) fn extension_is_textual(name: &str) -> bool {
    name == "citext"
}

/// Whether `ty` is the extension type `name` (a base type described at run
/// time, seeing through domains).
fn is_extension(ty: &Type, name: &str) -> bool {
    let ty = ty.base();
    !ty.is_builtin() && *ty.kind() == Kind::Simple && ty.name() == name
}

// ---- hstore -----------------------------------------------------------------------------

/// Writes hstore pairs in the binary format.
fn encode_hstore<'m>(
    rust_type: &'static str,
    ty: &Type,
    len: usize,
    pairs: impl Iterator<Item = (&'m String, &'m Option<String>)>,
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    if !is_extension(ty, "hstore") {
        return Err(wrong_type(rust_type, ty));
    }
    let count = i32::try_from(len).map_err(|_| -> BoxError { "too many hstore pairs".into() })?;
    let start = out.len();
    out.put_i32(count);
    for (key, value) in pairs {
        for part in [Some(key), value.as_ref()] {
            match part {
                Some(s) => {
                    if let Err(e) = ensure_len(s.len()) {
                        out.truncate(start);
                        return Err(e);
                    }
                    out.put_i32(s.len() as i32);
                    out.put_slice(s.as_bytes());
                }
                None => out.put_i32(-1),
            }
        }
    }
    ensure_len(out.len() - start).inspect_err(|_| out.truncate(start))?;
    Ok(IsNull::No)
}

/// Decodes hstore pairs in either format.
fn decode_hstore(rust_type: &'static str, ty: &Type, format: Format, raw: &[u8]) -> Result<Pairs, BoxError> {
    if !is_extension(ty, "hstore") {
        return Err(wrong_type(rust_type, ty));
    }
    match format {
        Format::Binary => parse_hstore_binary(raw),
        Format::Text => parse_hstore_text(raw),
    }
    .map_err(|kind| decode_error(rust_type, ty, format, kind))
}

/// `hstore`: keys to optional values.
impl<S: BuildHasher> ToSql for HashMap<String, Option<String>, S> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_hstore("HashMap<String, Option<String>>", ty, self.len(), self.iter(), out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_extension(ty, "hstore")
    }

    fn type_name(&self) -> &'static str {
        "HashMap<String, Option<String>>"
    }
}

impl<'a, S: BuildHasher + Default> FromSql<'a> for HashMap<String, Option<String>, S> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        let pairs = decode_hstore("HashMap<String, Option<String>>", ty, format, raw)?;
        let mut map = HashMap::with_capacity_and_hasher(pairs.len(), S::default());
        map.extend(pairs);
        Ok(map)
    }

    fn accepts(ty: &Type) -> bool {
        is_extension(ty, "hstore")
    }
}

/// `hstore`, with keys in order.
impl ToSql for BTreeMap<String, Option<String>> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        encode_hstore("BTreeMap<String, Option<String>>", ty, self.len(), self.iter(), out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_extension(ty, "hstore")
    }

    fn type_name(&self) -> &'static str {
        "BTreeMap<String, Option<String>>"
    }
}

impl<'a> FromSql<'a> for BTreeMap<String, Option<String>> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(decode_hstore("BTreeMap<String, Option<String>>", ty, format, raw)?
            .into_iter()
            .collect())
    }

    fn accepts(ty: &Type) -> bool {
        is_extension(ty, "hstore")
    }
}

/// One hstore string: UTF-8 or an error.
fn utf8_owned(raw: &[u8]) -> Result<String, DecodeErrorKind> {
    String::from_utf8(raw.to_vec()).map_err(|_| DecodeErrorKind::InvalidUtf8)
}

type Pairs = Vec<(String, Option<String>)>;

fn parse_hstore_binary(raw: &[u8]) -> Result<Pairs, DecodeErrorKind> {
    let mut r = Reader::new(raw);
    let count = r.i32()?;
    // Each pair takes at least 8 bytes (two lengths).
    if count < 0 || count as usize > r.remaining() / 8 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    let mut pairs = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let key = r.value()?.ok_or(DecodeErrorKind::InvalidSyntax)?;
        let value = r.value()?;
        pairs.push((utf8_owned(key)?, value.map(utf8_owned).transpose()?));
    }
    r.finish()?;
    Ok(pairs)
}

/// Parses `hstore_out`'s text (and the looser input `hstore_in` takes:
/// unquoted words, any white space).
fn parse_hstore_text(raw: &[u8]) -> Result<Pairs, DecodeErrorKind> {
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let mut pos = 0;
    let mut pairs = Vec::new();
    let skip = |pos: &mut usize| {
        while raw.get(*pos).copied().is_some_and(is_space) {
            *pos += 1;
        }
    };
    // A quoted or bare word; `None` for a bare NULL (only where values go).
    let word = |pos: &mut usize, is_key: bool| -> Result<Option<String>, DecodeErrorKind> {
        let mut text = Vec::new();
        if raw.get(*pos) == Some(&b'"') {
            *pos += 1;
            loop {
                match raw.get(*pos) {
                    None => return Err(DecodeErrorKind::InvalidSyntax),
                    Some(b'"') => {
                        *pos += 1;
                        break;
                    }
                    Some(b'\\') => {
                        text.push(*raw.get(*pos + 1).ok_or(DecodeErrorKind::InvalidSyntax)?);
                        *pos += 2;
                    }
                    Some(&b) => {
                        text.push(b);
                        *pos += 1;
                    }
                }
            }
            return utf8_owned(&text).map(Some);
        }
        let mut escaped = false;
        loop {
            match raw.get(*pos) {
                None => break,
                Some(&b) if is_space(b) || b == b',' || (is_key && b == b'=') => break,
                Some(b'\\') => {
                    text.push(*raw.get(*pos + 1).ok_or(DecodeErrorKind::InvalidSyntax)?);
                    escaped = true;
                    *pos += 2;
                }
                Some(&b) => {
                    text.push(b);
                    *pos += 1;
                }
            }
        }
        if text.is_empty() {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        if !is_key && !escaped && text.eq_ignore_ascii_case(b"NULL") {
            return Ok(None);
        }
        utf8_owned(&text).map(Some)
    };
    skip(&mut pos);
    while pos < raw.len() {
        let key = word(&mut pos, true)?.ok_or(DecodeErrorKind::InvalidSyntax)?;
        skip(&mut pos);
        if raw.get(pos..pos + 2) != Some(b"=>") {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        pos += 2;
        skip(&mut pos);
        let value = word(&mut pos, false)?;
        pairs.push((key, value));
        skip(&mut pos);
        match raw.get(pos) {
            None => break,
            Some(b',') => {
                pos += 1;
                skip(&mut pos);
            }
            Some(_) => return Err(DecodeErrorKind::InvalidSyntax),
        }
    }
    Ok(pairs)
}

// ---- ltree ------------------------------------------------------------------------------

/// An `ltree` label path such as `Top.Science.Astronomy`.
///
/// In binary format an `ltree` is a version byte (1) and the text; in text
/// format just the text. Columns of type `ltree` are requested as text, so
/// `String` reads them too; `PgLtree` reads both formats.
///
/// ```
/// use tusk_types::{Format, FromSql, Kind, PgLtree, Type};
///
/// let ltree = Type::new_custom("ltree", "public", 16_600, Kind::Simple);
/// assert_eq!(PgLtree::from_sql(&ltree, Format::Binary, b"\x01a.b").unwrap(), PgLtree("a.b".into()));
/// assert_eq!(PgLtree::from_sql(&ltree, Format::Text, b"a.b").unwrap().0, "a.b");
/// assert!(!ltree.binary_supported());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PgLtree(pub String);

/// The `ltree` binary format version.
const LTREE_VERSION: u8 = 1;

impl ToSql for PgLtree {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if !is_extension(ty, "ltree") {
            return Err(wrong_type("PgLtree", ty));
        }
        ensure_len(self.0.len() + 1)?;
        out.put_u8(LTREE_VERSION);
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_extension(ty, "ltree")
    }

    fn type_name(&self) -> &'static str {
        "PgLtree"
    }
}

impl<'a> FromSql<'a> for PgLtree {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if !is_extension(ty, "ltree") {
            return Err(wrong_type("PgLtree", ty));
        }
        let text = match format {
            Format::Text => raw,
            Format::Binary => match raw.split_first() {
                Some((&LTREE_VERSION, text)) => text,
                Some((&v, _)) => {
                    return Err(decode_error(
                        "PgLtree",
                        ty,
                        format,
                        DecodeErrorKind::UnsupportedVersion(v),
                    ));
                }
                None => return Err(decode_error("PgLtree", ty, format, DecodeErrorKind::InvalidSyntax)),
            },
        };
        Ok(PgLtree(utf8("PgLtree", ty, format, text)?.to_owned()))
    }

    fn accepts(ty: &Type) -> bool {
        is_extension(ty, "ltree")
    }
}

// ---- pgvector ---------------------------------------------------------------------------

/// pgvector's `vector`: single-precision floats (at most 16,000).
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, Kind, PgVector, ToSql, Type};
///
/// let vector = Type::new_custom("vector", "public", 16_700, Kind::Simple);
/// let mut buf = BytesMut::new();
/// PgVector(vec![1.0, -2.5]).to_sql(&vector, &mut buf).unwrap();
/// assert_eq!(&buf[..], &[0, 2, 0, 0, 0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0]);
/// assert_eq!(PgVector::from_sql(&vector, Format::Text, b"[1,-2.5]").unwrap(), PgVector(vec![1.0, -2.5]));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PgVector(pub Vec<f32>);

/// pgvector's `halfvec`: half-precision floats, kept as their IEEE 754
/// binary16 bits. Convert with [`PgHalfVec::from_f32s`] and
/// [`PgHalfVec::to_f32s`].
///
/// ```
/// use tusk_types::PgHalfVec;
///
/// let h = PgHalfVec::from_f32s(&[1.0, 0.5, 65504.0]);
/// assert_eq!(h.0, [0x3c00, 0x3800, 0x7bff]);
/// assert_eq!(h.to_f32s(), [1.0, 0.5, 65504.0]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PgHalfVec(pub Vec<u16>);

/// pgvector's `sparsevec`: a vector of `dim` dimensions of which only the
/// listed ones are non-zero. `indices` count from 0 (the text form counts
/// from 1) and must be increasing.
///
/// ```
/// use tusk_types::PgSparseVec;
///
/// let s = PgSparseVec::from_dense(&[0.0, 1.5, 0.0, 2.0]);
/// assert_eq!(s, PgSparseVec { dim: 4, indices: vec![1, 3], values: vec![1.5, 2.0] });
/// assert_eq!(s.to_dense(), [0.0, 1.5, 0.0, 2.0]);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PgSparseVec {
    /// The number of dimensions.
    pub dim: i32,
    /// The positions of the non-zero values, from 0, increasing.
    pub indices: Vec<i32>,
    /// The non-zero values, one per index.
    pub values: Vec<f32>,
}

impl PgHalfVec {
    /// Converts each `f32` to the nearest half-precision value (ties to
    /// even; too large becomes infinity).
    ///
    /// ```
    /// # use tusk_types::PgHalfVec;
    /// assert_eq!(PgHalfVec::from_f32s(&[1e6]).0, [0x7c00]);
    /// ```
    pub fn from_f32s(values: &[f32]) -> PgHalfVec {
        PgHalfVec(values.iter().map(|&v| f32_to_f16_bits(v)).collect())
    }

    /// The values as `f32`s (exactly: every half fits a float).
    ///
    /// ```
    /// # use tusk_types::PgHalfVec;
    /// assert_eq!(PgHalfVec(vec![0xc000]).to_f32s(), [-2.0]);
    /// ```
    pub fn to_f32s(&self) -> Vec<f32> {
        self.0.iter().map(|&h| f16_bits_to_f32(h)).collect()
    }
}

impl PgSparseVec {
    /// The sparse form of a dense vector (zeros left out).
    ///
    /// ```
    /// # use tusk_types::PgSparseVec;
    /// assert_eq!(PgSparseVec::from_dense(&[0.0, 0.0]).indices, Vec::<i32>::new());
    /// ```
    pub fn from_dense(values: &[f32]) -> PgSparseVec {
        let mut s = PgSparseVec {
            dim: i32::try_from(values.len()).unwrap_or(i32::MAX),
            ..PgSparseVec::default()
        };
        for (i, &v) in values.iter().enumerate() {
            if v != 0.0 {
                s.indices.push(i as i32);
                s.values.push(v);
            }
        }
        s
    }

    /// The dense form: `dim` values, zero where no index says otherwise.
    /// Indices outside `0..dim` are ignored. This allocates `dim` floats
    /// (pgvector allows up to 10⁹): check `dim` first for a value from an
    /// untrusted source.
    ///
    /// ```
    /// # use tusk_types::PgSparseVec;
    /// let s = PgSparseVec { dim: 3, indices: vec![2], values: vec![7.0] };
    /// assert_eq!(s.to_dense(), [0.0, 0.0, 7.0]);
    /// ```
    pub fn to_dense(&self) -> Vec<f32> {
        let mut dense = vec![0.0; usize::try_from(self.dim).unwrap_or(0)];
        for (&i, &v) in self.indices.iter().zip(&self.values) {
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| dense.get_mut(i)) {
                *slot = v;
            }
        }
        dense
    }
}

/// The nearest IEEE 754 half-precision value to `x`, as bits (round to
/// nearest, ties to even).
pub(crate) fn f32_to_f16_bits(x: f32) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32;
    let man = bits & 0x007f_ffff;
    if exp == 0xff {
        // Infinity stays infinity; a NaN stays a (quiet) NaN.
        return if man == 0 {
            sign | 0x7c00
        } else {
            sign | 0x7e00 | (man >> 13) as u16
        };
    }
    let e = exp - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e <= 0 {
        if e < -10 {
            return sign;
        }
        // A subnormal half: the significand with its implicit bit, shifted.
        let m = man | 0x0080_0000;
        let shift = (14 - e) as u32;
        let mut half = m >> shift;
        let rem = m & ((1 << shift) - 1);
        let halfway = 1 << (shift - 1);
        if rem > halfway || (rem == halfway && half & 1 == 1) {
            half += 1;
        }
        return sign | half as u16;
    }
    let mut half = ((e as u32) << 10) | (man >> 13);
    let rem = man & 0x1fff;
    if rem > 0x1000 || (rem == 0x1000 && half & 1 == 1) {
        // May carry into the exponent, up to infinity: both are right.
        half += 1;
    }
    sign | half as u16
}

/// The `f32` with the value of the half-precision bits `h` (exact).
pub(crate) fn f16_bits_to_f32(h: u16) -> f32 {
    let negative = h & 0x8000 != 0;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let magnitude = match exp {
        0 => man as f32 * f32::from_bits(0x3380_0000), // man × 2^-24
        0x1f => f32::from_bits(0x7f80_0000 | (man << 13)),
        _ => f32::from_bits(((exp + 112) << 23) | (man << 13)),
    };
    if negative { -magnitude } else { magnitude }
}

/// Parses `[1,2.5,-3]` into floats.
fn parse_float_list(raw: &[u8]) -> Result<Vec<f32>, DecodeErrorKind> {
    let s = std::str::from_utf8(raw)
        .map_err(|_| DecodeErrorKind::InvalidUtf8)?
        .trim();
    let inner = s
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or(DecodeErrorKind::InvalidSyntax)?;
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .map(|v| v.trim().parse::<f32>().map_err(|_| DecodeErrorKind::InvalidSyntax))
        .collect()
}

/// Parses `{1:1.5,3:2}/5` (indices from 1) into a sparse vector.
fn parse_sparse(raw: &[u8]) -> Result<PgSparseVec, DecodeErrorKind> {
    let s = std::str::from_utf8(raw)
        .map_err(|_| DecodeErrorKind::InvalidUtf8)?
        .trim();
    let (elements, dim) = s.rsplit_once('/').ok_or(DecodeErrorKind::InvalidSyntax)?;
    let dim: i32 = dim.trim().parse().map_err(|_| DecodeErrorKind::InvalidSyntax)?;
    let inner = elements
        .trim()
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .ok_or(DecodeErrorKind::InvalidSyntax)?;
    let mut v = PgSparseVec {
        dim,
        ..PgSparseVec::default()
    };
    if !inner.trim().is_empty() {
        for pair in inner.split(',') {
            let (i, x) = pair.split_once(':').ok_or(DecodeErrorKind::InvalidSyntax)?;
            let i: i32 = i.trim().parse().map_err(|_| DecodeErrorKind::InvalidSyntax)?;
            let x: f32 = x.trim().parse().map_err(|_| DecodeErrorKind::InvalidSyntax)?;
            v.indices.push(i.checked_sub(1).ok_or(DecodeErrorKind::InvalidSyntax)?);
            v.values.push(x);
        }
    }
    Ok(v)
}

/// Reads the `u16` dimension count and the unused `u16` of `vector` and
/// `halfvec`, checking that `size` bytes per element follow exactly.
fn vector_header(r: &mut Reader<'_>, size: usize) -> Result<usize, DecodeErrorKind> {
    let dim = usize::from(r.u16()?);
    let _unused = r.u16()?;
    if r.remaining() != dim * size {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    Ok(dim)
}

fn dim_u16(len: usize) -> Result<u16, BoxError> {
    u16::try_from(len).map_err(|_| format!("a pgvector vector has at most 65535 dimensions, not {len}").into())
}

impl ToSql for PgVector {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if !is_extension(ty, "vector") {
            return Err(wrong_type("PgVector", ty));
        }
        out.put_u16(dim_u16(self.0.len())?);
        out.put_u16(0);
        for v in &self.0 {
            out.put_f32(*v);
        }
        Ok(IsNull::No)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_extension(ty, "vector")
    }

    fn type_name(&self) -> &'static str {
        "PgVector"
    }
}

impl<'a> FromSql<'a> for PgVector {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if !is_extension(ty, "vector") {
            return Err(wrong_type("PgVector", ty));
        }
        let fail = |kind| decode_error("PgVector", ty, format, kind);
        match format {
            Format::Text => parse_float_list(raw).map(PgVector).map_err(fail),
            Format::Binary => {
                let mut r = Reader::new(raw);
                let dim = vector_header(&mut r, 4).map_err(fail)?;
                let mut values = Vec::with_capacity(dim);
                for _ in 0..dim {
                    values.push(f32::from_bits(r.u32().map_err(fail)?));
                }
                Ok(PgVector(values))
            }
        }
    }

    fn accepts(ty: &Type) -> bool {
        is_extension(ty, "vector")
    }
}

impl ToSql for PgHalfVec {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if !is_extension(ty, "halfvec") {
            return Err(wrong_type("PgHalfVec", ty));
        }
        out.put_u16(dim_u16(self.0.len())?);
        out.put_u16(0);
        for v in &self.0 {
            out.put_u16(*v);
        }
        Ok(IsNull::No)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_extension(ty, "halfvec")
    }

    fn type_name(&self) -> &'static str {
        "PgHalfVec"
    }
}

impl<'a> FromSql<'a> for PgHalfVec {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if !is_extension(ty, "halfvec") {
            return Err(wrong_type("PgHalfVec", ty));
        }
        let fail = |kind| decode_error("PgHalfVec", ty, format, kind);
        match format {
            Format::Text => parse_float_list(raw).map(|v| PgHalfVec::from_f32s(&v)).map_err(fail),
            Format::Binary => {
                let mut r = Reader::new(raw);
                let dim = vector_header(&mut r, 2).map_err(fail)?;
                let mut values = Vec::with_capacity(dim);
                for _ in 0..dim {
                    values.push(r.u16().map_err(fail)?);
                }
                Ok(PgHalfVec(values))
            }
        }
    }

    fn accepts(ty: &Type) -> bool {
        is_extension(ty, "halfvec")
    }
}

impl ToSql for PgSparseVec {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if !is_extension(ty, "sparsevec") {
            return Err(wrong_type("PgSparseVec", ty));
        }
        if self.indices.len() != self.values.len() {
            return Err(format!(
                "a sparsevec needs one value per index: {} indices, {} values",
                self.indices.len(),
                self.values.len()
            )
            .into());
        }
        let nnz =
            i32::try_from(self.indices.len()).map_err(|_| -> BoxError { "too many sparsevec elements".into() })?;
        ensure_len(12 + self.indices.len() * 8)?;
        out.put_i32(self.dim);
        out.put_i32(nnz);
        out.put_i32(0);
        for i in &self.indices {
            out.put_i32(*i);
        }
        for v in &self.values {
            out.put_f32(*v);
        }
        Ok(IsNull::No)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_extension(ty, "sparsevec")
    }

    fn type_name(&self) -> &'static str {
        "PgSparseVec"
    }
}

impl<'a> FromSql<'a> for PgSparseVec {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if !is_extension(ty, "sparsevec") {
            return Err(wrong_type("PgSparseVec", ty));
        }
        let fail = |kind| decode_error("PgSparseVec", ty, format, kind);
        match format {
            Format::Text => parse_sparse(raw).map_err(fail),
            Format::Binary => {
                let mut r = Reader::new(raw);
                let dim = r.i32().map_err(fail)?;
                let nnz = r.i32().map_err(fail)?;
                let _unused = r.i32().map_err(fail)?;
                if nnz < 0 || r.remaining() != nnz as usize * 8 {
                    return Err(fail(DecodeErrorKind::InvalidSyntax));
                }
                let mut v = PgSparseVec {
                    dim,
                    indices: Vec::with_capacity(nnz as usize),
                    values: Vec::with_capacity(nnz as usize),
                };
                for _ in 0..nnz {
                    v.indices.push(r.i32().map_err(fail)?);
                }
                for _ in 0..nnz {
                    v.values.push(f32::from_bits(r.u32().map_err(fail)?));
                }
                Ok(v)
            }
        }
    }

    fn accepts(ty: &Type) -> bool {
        is_extension(ty, "sparsevec")
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{encode, is_wrong_type};
    use super::*;

    fn ext(name: &str) -> Type {
        Type::new_custom(name, "public", 70_500, Kind::Simple)
    }

    #[test]
    fn hstore_binary_round_trip() {
        let ty = ext("hstore");
        let mut m: HashMap<String, Option<String>> = HashMap::new();
        m.insert("a".into(), Some("1".into()));
        m.insert("b c".into(), None);
        m.insert("ключ".into(), Some(String::new()));
        let raw = encode(&m, &ty);
        assert_eq!(&raw[..4], &[0, 0, 0, 3]);
        let back: HashMap<String, Option<String>> = FromSql::from_sql(&ty, Format::Binary, &raw).unwrap();
        assert_eq!(back, m);
        let sorted: BTreeMap<String, Option<String>> = m.clone().into_iter().collect();
        let raw = encode(&sorted, &ty);
        let back: BTreeMap<String, Option<String>> = FromSql::from_sql(&ty, Format::Binary, &raw).unwrap();
        assert_eq!(back, sorted);
        assert_eq!(&raw[4..12], &[0, 0, 0, 1, b'a', 0, 0, 0], "keys in order");
        assert!(ty.binary_supported());
        assert!(is_wrong_type(
            &HashMap::<String, Option<String>>::from_sql(&Type::TEXT, Format::Binary, &raw).unwrap_err()
        ));
        for bad in [
            &[0, 0, 0, 1][..],
            &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0xff, 0, 0, 0],
        ] {
            assert!(HashMap::<String, Option<String>>::from_sql(&ty, Format::Binary, bad).is_err());
        }
    }

    #[test]
    fn hstore_text() {
        let ty = ext("hstore");
        let m: HashMap<String, Option<String>> =
            FromSql::from_sql(&ty, Format::Text, br#""a"=>"1", "b c"=>NULL, "q\"x"=>"\\", k => v"#).unwrap();
        assert_eq!(m.len(), 4);
        assert_eq!(m["a"], Some("1".into()));
        assert_eq!(m["b c"], None);
        assert_eq!(m["q\"x"], Some("\\".into()));
        assert_eq!(m["k"], Some("v".into()));
        let empty: HashMap<String, Option<String>> = FromSql::from_sql(&ty, Format::Text, b"").unwrap();
        assert!(empty.is_empty());
        for bad in [&b"a"[..], b"a=>", b"\"a=>b", b"a=>b,,", b"a=>b c=>d", b"NULL=>"] {
            assert!(
                HashMap::<String, Option<String>>::from_sql(&ty, Format::Text, bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn vectors() {
        let ty = ext("vector");
        let v = PgVector(vec![1.0, -0.5, 3.25]);
        let raw = encode(&v, &ty);
        assert_eq!(raw.len(), 4 + 12);
        assert_eq!(PgVector::from_sql(&ty, Format::Binary, &raw).unwrap(), v);
        assert_eq!(PgVector::from_sql(&ty, Format::Text, b"[1,-0.5,3.25]").unwrap(), v);
        assert!(PgVector::from_sql(&ty, Format::Binary, &raw[..raw.len() - 1]).is_err());
        assert!(PgVector::from_sql(&ty, Format::Text, b"[1,x]").is_err());
        assert!(!PgVector(vec![]).accepts(&ext("halfvec")));

        let hty = ext("halfvec");
        let h = PgHalfVec::from_f32s(&[1.5, -2.0]);
        let raw = encode(&h, &hty);
        assert_eq!(raw, [0, 2, 0, 0, 0x3e, 0x00, 0xc0, 0x00]);
        assert_eq!(PgHalfVec::from_sql(&hty, Format::Binary, &raw).unwrap(), h);
        assert_eq!(PgHalfVec::from_sql(&hty, Format::Text, b"[1.5,-2]").unwrap(), h);

        let sty = ext("sparsevec");
        let s = PgSparseVec {
            dim: 5,
            indices: vec![0, 2],
            values: vec![1.5, 2.0],
        };
        let raw = encode(&s, &sty);
        assert_eq!(raw.len(), 12 + 16);
        assert_eq!(PgSparseVec::from_sql(&sty, Format::Binary, &raw).unwrap(), s);
        assert_eq!(PgSparseVec::from_sql(&sty, Format::Text, b"{1:1.5,3:2}/5").unwrap(), s);
        assert_eq!(
            PgSparseVec::from_sql(&sty, Format::Text, b"{}/3").unwrap(),
            PgSparseVec {
                dim: 3,
                ..Default::default()
            }
        );
        assert!(PgSparseVec::from_sql(&sty, Format::Binary, &raw[..20]).is_err());
        let mut buf = BytesMut::new();
        let bad = PgSparseVec {
            dim: 1,
            indices: vec![0],
            values: vec![],
        };
        assert!(bad.to_sql(&sty, &mut buf).is_err());
    }

    #[test]
    fn half_precision_conversion() {
        // Every half converts to f32 and back unchanged (NaNs stay NaN).
        for h in 0..=u16::MAX {
            let f = f16_bits_to_f32(h);
            if f.is_nan() {
                assert!(f16_bits_to_f32(f32_to_f16_bits(f)).is_nan());
            } else {
                assert_eq!(f32_to_f16_bits(f), h, "{h:#06x} {f}");
            }
        }
        assert_eq!(f32_to_f16_bits(65520.0), 0x7c00); // rounds up to infinity
        assert_eq!(f32_to_f16_bits(1.0 + 1.0 / 2048.0), 0x3c00); // tie to even
        assert_eq!(f32_to_f16_bits(1.0 + 3.0 / 2048.0), 0x3c02);
        assert_eq!(f32_to_f16_bits(5.960_464_5e-8), 0x0001); // smallest subnormal
        assert_eq!(f32_to_f16_bits(2.0e-8), 0x0000);
        assert_eq!(f32_to_f16_bits(-0.0), 0x8000);
    }

    #[test]
    fn citext_and_ltree() {
        let citext = ext("citext");
        assert!(citext.is_textual());
        assert!(citext.binary_supported());
        assert_eq!(String::from_sql(&citext, Format::Binary, b"MiXed").unwrap(), "MiXed");
        assert_eq!("x".format(&citext), Format::Binary);
        let ltree = ext("ltree");
        assert_eq!(encode(&PgLtree("a.b".into()), &ltree), b"\x01a.b");
        assert!(PgLtree::from_sql(&ltree, Format::Binary, b"\x02a").is_err());
        assert!(PgLtree::from_sql(&ltree, Format::Binary, b"").is_err());
        assert!("a.b".accepts(&ltree));
        assert_eq!("a.b".format(&ltree), Format::Text);
    }
}
