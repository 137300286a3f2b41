//! The geometric types: [`PgPoint`], [`PgLine`], [`PgLSeg`], [`PgBox`],
//! [`PgPath`], [`PgPolygon`] and [`PgCircle`].
//!
//! # Binary layouts
//!
//! Every coordinate is a big-endian IEEE 754 `float8`. A point is `x, y`.
//!
//! | type | layout |
//! | --- | --- |
//! | `point` | x, y |
//! | `line` | A, B, C of the equation Ax + By + C = 0 |
//! | `lseg` | the two end points |
//! | `box` | the upper-right corner, then the lower-left one (the server orders them) |
//! | `path` | a `u8` (1 closed, 0 open), an `i32` point count (at least 1), the points |
//! | `polygon` | an `i32` point count (at least 1), the points |
//! | `circle` | the center, then the radius |
//!
//! # Text
//!
//! With the default `extra_float_digits` (1) coordinates print in their
//! shortest exact form, as `float8` does (`1.5`, `1e+100`, `-0`, `NaN`,
//! `Infinity`):
//!
//! | type | text |
//! | --- | --- |
//! | `point` | `(1,2)` |
//! | `line` | `{1,-1,0}` |
//! | `lseg` | `[(1,2),(3,4)]` |
//! | `box` | `(3,4),(1,2)` |
//! | `path` | `((1,2),(3,4))` closed, `[(1,2),(3,4)]` open |
//! | `polygon` | `((0,0),(1,1),(1,0))` |
//! | `circle` | `<(1,2),3>` |
//!
//! The `Display` impls print exactly that, and the decoders also read the
//! other input spellings (`1,2`, `((1,2),(3,4))` for a box, and so on).

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::scalar::{
    Cursor, PgValue, Reader, out_of_range, parse_float8, pg_value_impls, value_from_str, write_float8,
};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// A PostgreSQL `point`.
///
/// Binary: `x` and `y` as big-endian `float8`s. Text: `(x,y)`, each number
/// in `float8`'s shortest exact spelling (`1e+100`, `-0`, `NaN`).
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgPoint, ToSql, Type};
///
/// let p = PgPoint { x: 1.5, y: -2.0 };
/// assert_eq!(p.to_string(), "(1.5,-2)");
/// assert_eq!("(1.5,-2)".parse::<PgPoint>().unwrap(), p);
///
/// let mut buf = BytesMut::new();
/// p.to_sql(&Type::POINT, &mut buf).unwrap();
/// assert_eq!(&buf[..8], &1.5f64.to_be_bytes());
/// assert_eq!(PgPoint::from_sql(&Type::POINT, Format::Binary, &buf).unwrap(), p);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PgPoint {
    /// The x coordinate.
    pub x: f64,
    /// The y coordinate.
    pub y: f64,
}

impl PgPoint {
    /// The point `(x, y)`.
    ///
    /// ```
    /// use tusk_types::PgPoint;
    ///
    /// assert_eq!(PgPoint::new(1.0, 2.0).to_string(), "(1,2)");
    /// ```
    pub const fn new(x: f64, y: f64) -> PgPoint {
        PgPoint { x, y }
    }
}

/// A PostgreSQL `line`: the infinite line Ax + By + C = 0 (A and B not both
/// zero).
///
/// Binary: A, B and C as `float8`s. Text: `{A,B,C}`.
///
/// ```
/// use tusk_types::PgLine;
///
/// let line: PgLine = "{1,-1,0}".parse().unwrap();
/// assert_eq!(line, PgLine { a: 1.0, b: -1.0, c: 0.0 });
/// assert_eq!(line.to_string(), "{1,-1,0}");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PgLine {
    /// A.
    pub a: f64,
    /// B.
    pub b: f64,
    /// C.
    pub c: f64,
}

/// A PostgreSQL `lseg`: a line segment between two points.
///
/// Binary: the two points (four `float8`s). Text: `[(x1,y1),(x2,y2)]`.
///
/// ```
/// use tusk_types::{PgLSeg, PgPoint};
///
/// let seg: PgLSeg = "[(1,2),(3,4)]".parse().unwrap();
/// assert_eq!(seg, PgLSeg { start: PgPoint::new(1.0, 2.0), end: PgPoint::new(3.0, 4.0) });
/// assert_eq!(seg.to_string(), "[(1,2),(3,4)]");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PgLSeg {
    /// The first end point.
    pub start: PgPoint,
    /// The second end point.
    pub end: PgPoint,
}

/// A PostgreSQL `box`: a rectangle by two opposite corners. The server keeps
/// `high` as the upper-right corner and `low` as the lower-left;
/// [`PgBox::new`] orders any two corners the same way.
///
/// Binary: `high` then `low` (four `float8`s). Text: `(x1,y1),(x2,y2)`,
/// upper-right first.
///
/// ```
/// use tusk_types::{PgBox, PgPoint};
///
/// let b = PgBox::new(PgPoint::new(1.0, 4.0), PgPoint::new(3.0, 2.0));
/// assert_eq!(b.high, PgPoint::new(3.0, 4.0));
/// assert_eq!(b.low, PgPoint::new(1.0, 2.0));
/// assert_eq!(b.to_string(), "(3,4),(1,2)");
/// assert_eq!("(1,2),(3,4)".parse::<PgBox>().unwrap(), b);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PgBox {
    /// The upper-right corner.
    pub high: PgPoint,
    /// The lower-left corner.
    pub low: PgPoint,
}

impl PgBox {
    /// The box with corners `a` and `b`, ordered into `high` and `low`.
    ///
    /// ```
    /// use tusk_types::{PgBox, PgPoint};
    ///
    /// let b = PgBox::new(PgPoint::new(0.0, 0.0), PgPoint::new(-1.0, -1.0));
    /// assert_eq!(b.low, PgPoint::new(-1.0, -1.0));
    /// ```
    pub fn new(a: PgPoint, b: PgPoint) -> PgBox {
        PgBox {
            high: PgPoint::new(a.x.max(b.x), a.y.max(b.y)),
            low: PgPoint::new(a.x.min(b.x), a.y.min(b.y)),
        }
    }
}

/// A PostgreSQL `path`: points joined in order, open or closed (the last
/// joined back to the first). The server requires at least one point.
///
/// Binary: a `u8` (1 closed, 0 open), an `i32` point count, the points.
/// Text: `((x1,y1),…)` closed, `[(x1,y1),…]` open.
///
/// ```
/// use tusk_types::{PgPath, PgPoint};
///
/// let open: PgPath = "[(0,0),(1,1)]".parse().unwrap();
/// assert!(!open.closed);
/// assert_eq!(open.points, [PgPoint::new(0.0, 0.0), PgPoint::new(1.0, 1.0)]);
/// let closed = PgPath { closed: true, points: open.points.clone() };
/// assert_eq!(closed.to_string(), "((0,0),(1,1))");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PgPath {
    /// Whether the last point joins the first.
    pub closed: bool,
    /// The points, in order.
    pub points: Vec<PgPoint>,
}

/// A PostgreSQL `polygon`: a closed figure through its vertices. The server
/// requires at least one point.
///
/// Binary: an `i32` point count, the points. Text: `((x1,y1),…)`.
///
/// ```
/// use tusk_types::{PgPoint, PgPolygon};
///
/// let triangle: PgPolygon = "((0,0),(1,1),(1,0))".parse().unwrap();
/// assert_eq!(triangle.points.len(), 3);
/// assert_eq!(triangle.to_string(), "((0,0),(1,1),(1,0))");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PgPolygon {
    /// The vertices, in order.
    pub points: Vec<PgPoint>,
}

/// A PostgreSQL `circle`: a center and a radius (not negative).
///
/// Binary: the center and the radius (three `float8`s). Text: `<(x,y),r>`.
///
/// ```
/// use tusk_types::{PgCircle, PgPoint};
///
/// let c: PgCircle = "<(1,2),3>".parse().unwrap();
/// assert_eq!(c, PgCircle { center: PgPoint::new(1.0, 2.0), radius: 3.0 });
/// assert_eq!(c.to_string(), "<(1,2),3>");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PgCircle {
    /// The center.
    pub center: PgPoint,
    /// The radius.
    pub radius: f64,
}

/// Writes `(x,y)`.
fn write_point(out: &mut String, p: &PgPoint) {
    out.push('(');
    let _ = write_float8(out, p.x);
    out.push(',');
    let _ = write_float8(out, p.y);
    out.push(')');
}

/// Writes points separated by commas between `open` and `close`.
fn write_points(out: &mut String, open: char, points: &[PgPoint], close: char) {
    out.push(open);
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_point(out, p);
    }
    out.push(close);
}

/// A `float8` at the cursor: the run of characters a number can have.
fn parse_number(c: &mut Cursor<'_>) -> Result<f64, DecodeErrorKind> {
    c.skip_ws();
    let rest = c.rest();
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
        .count();
    let text = std::str::from_utf8(&rest[..len]).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
    let value = parse_float8(text)?;
    c.reset(c.pos() + len);
    c.skip_ws();
    Ok(value)
}

/// `(x,y)` or `x,y` at the cursor.
fn parse_point(c: &mut Cursor<'_>) -> Result<PgPoint, DecodeErrorKind> {
    c.skip_ws();
    let paren = c.eat(b'(');
    let x = parse_number(c)?;
    c.expect(b',')?;
    let y = parse_number(c)?;
    if paren {
        c.expect(b')')?;
    }
    c.skip_ws();
    Ok(PgPoint { x, y })
}

/// The outer delimiter of a list of points.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outer {
    /// `[...]`: an open path.
    Bracket,
    /// `(...)` around the points.
    Paren,
    /// No delimiter.
    None,
}

/// A list of points, with or without `[...]` or `(...)` around it.
fn parse_points(text: &str) -> Result<(Outer, Vec<PgPoint>), DecodeErrorKind> {
    let text = text.trim_ascii();
    let bytes = text.as_bytes();
    let second = bytes[1.min(bytes.len())..].iter().find(|b| !b.is_ascii_whitespace());
    let (outer, inner) = match (bytes.first(), bytes.last()) {
        (Some(b'['), Some(b']')) if text.len() >= 2 => (Outer::Bracket, &text[1..text.len() - 1]),
        (Some(b'('), Some(b')')) if second == Some(&b'(') => (Outer::Paren, &text[1..text.len() - 1]),
        (Some(b'['), _) => return Err(DecodeErrorKind::InvalidSyntax),
        _ => (Outer::None, text),
    };
    let mut c = Cursor::new(inner);
    let mut points = Vec::new();
    loop {
        points.push(parse_point(&mut c)?);
        if !c.eat(b',') {
            break;
        }
    }
    c.finish()?;
    Ok((outer, points))
}

/// Reads `n` points.
fn read_points(r: &mut Reader<'_>, n: usize) -> Result<Vec<PgPoint>, DecodeErrorKind> {
    let body = r.take(n.checked_mul(16).ok_or(DecodeErrorKind::InvalidSyntax)?)?;
    Ok(body
        .chunks_exact(16)
        .map(|p| {
            let mut x = [0u8; 8];
            let mut y = [0u8; 8];
            x.copy_from_slice(&p[..8]);
            y.copy_from_slice(&p[8..]);
            PgPoint::new(f64::from_be_bytes(x), f64::from_be_bytes(y))
        })
        .collect())
}

/// A point count from the wire: at least one.
fn point_count(r: &mut Reader<'_>) -> Result<usize, DecodeErrorKind> {
    let n = r.i32()?;
    usize::try_from(n)
        .ok()
        .filter(|&n| n > 0)
        .ok_or(DecodeErrorKind::InvalidSyntax)
}

/// Writes a point count, which the server wants positive.
fn put_point_count(name: &'static str, ty: &Type, n: usize, out: &mut BytesMut) -> Result<(), BoxError> {
    let n = i32::try_from(n)
        .ok()
        .filter(|&n| n > 0 && n < i32::MAX / 16)
        .ok_or_else(|| out_of_range(name, ty, "a path or polygon has at least one point and fewer than 2^27"))?;
    out.put_i32(n);
    Ok(())
}

fn put_point(out: &mut BytesMut, p: &PgPoint) {
    out.put_f64(p.x);
    out.put_f64(p.y);
}

/// Implements `Display` and `FromStr` from a writer and the `PgValue` text
/// decoder.
macro_rules! text_impls {
    ($t:ty, $pg:expr, |$v:ident, $out:ident| $write:block) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let $v = self;
                let mut $out = String::with_capacity(32);
                $write
                f.write_str(&$out)
            }
        }

        impl FromStr for $t {
            type Err = DecodeError;

            fn from_str(s: &str) -> Result<$t, DecodeError> {
                value_from_str(&$pg, s)
            }
        }
    };
}

text_impls!(PgPoint, Type::POINT, |p, out| { write_point(&mut out, p) });
text_impls!(PgLine, Type::LINE, |l, out| {
    out.push('{');
    let _ = write_float8(&mut out, l.a);
    out.push(',');
    let _ = write_float8(&mut out, l.b);
    out.push(',');
    let _ = write_float8(&mut out, l.c);
    out.push('}');
});
text_impls!(PgLSeg, Type::LSEG, |s, out| {
    write_points(&mut out, '[', &[s.start, s.end], ']')
});
text_impls!(PgBox, Type::BOX, |b, out| {
    write_point(&mut out, &b.high);
    out.push(',');
    write_point(&mut out, &b.low);
});
text_impls!(PgPath, Type::PATH, |p, out| {
    if p.closed {
        write_points(&mut out, '(', &p.points, ')')
    } else {
        write_points(&mut out, '[', &p.points, ']')
    }
});
text_impls!(PgPolygon, Type::POLYGON, |p, out| {
    write_points(&mut out, '(', &p.points, ')')
});
text_impls!(PgCircle, Type::CIRCLE, |c, out| {
    out.push('<');
    write_point(&mut out, &c.center);
    out.push(',');
    let _ = write_float8(&mut out, c.radius);
    out.push('>');
});

impl PgValue for PgPoint {
    const NAME: &'static str = "PgPoint";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::POINT.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let p = PgPoint::new(r.f64()?, r.f64()?);
        r.finish()?;
        Ok(p)
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let mut c = Cursor::new(text);
        let p = parse_point(&mut c)?;
        c.finish()?;
        Ok(p)
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        put_point(out, self);
        Ok(())
    }
}

impl PgValue for PgLine {
    const NAME: &'static str = "PgLine";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::LINE.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let line = PgLine {
            a: r.f64()?,
            b: r.f64()?,
            c: r.f64()?,
        };
        r.finish()?;
        Ok(line)
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let mut c = Cursor::new(text.trim_ascii());
        c.expect(b'{')?;
        let a = parse_number(&mut c)?;
        c.expect(b',')?;
        let b = parse_number(&mut c)?;
        c.expect(b',')?;
        let cc = parse_number(&mut c)?;
        c.expect(b'}')?;
        c.finish()?;
        Ok(PgLine { a, b, c: cc })
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_f64(self.a);
        out.put_f64(self.b);
        out.put_f64(self.c);
        Ok(())
    }
}

/// Two points from text, for `lseg` and `box`.
fn two_points(text: &str) -> Result<(PgPoint, PgPoint), DecodeErrorKind> {
    match parse_points(text)? {
        (_, points) if points.len() == 2 => Ok((points[0], points[1])),
        _ => Err(DecodeErrorKind::InvalidSyntax),
    }
}

impl PgValue for PgLSeg {
    const NAME: &'static str = "PgLSeg";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::LSEG.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let points = read_points(&mut r, 2)?;
        r.finish()?;
        Ok(PgLSeg {
            start: points[0],
            end: points[1],
        })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        two_points(text).map(|(start, end)| PgLSeg { start, end })
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        put_point(out, &self.start);
        put_point(out, &self.end);
        Ok(())
    }
}

impl PgValue for PgBox {
    const NAME: &'static str = "PgBox";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::BOX.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let points = read_points(&mut r, 2)?;
        r.finish()?;
        Ok(PgBox {
            high: points[0],
            low: points[1],
        })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        if text.trim_ascii().starts_with('[') {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        two_points(text).map(|(a, b)| PgBox::new(a, b))
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        put_point(out, &self.high);
        put_point(out, &self.low);
        Ok(())
    }
}

impl PgValue for PgPath {
    const NAME: &'static str = "PgPath";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::PATH.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let closed = r.u8()? != 0;
        let n = point_count(&mut r)?;
        let points = read_points(&mut r, n)?;
        r.finish()?;
        Ok(PgPath { closed, points })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let (outer, points) = parse_points(text)?;
        Ok(PgPath {
            closed: outer != Outer::Bracket,
            points,
        })
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_u8(u8::from(self.closed));
        put_point_count(Self::NAME, ty, self.points.len(), out)?;
        for p in &self.points {
            put_point(out, p);
        }
        Ok(())
    }
}

impl PgValue for PgPolygon {
    const NAME: &'static str = "PgPolygon";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::POLYGON.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let n = point_count(&mut r)?;
        let points = read_points(&mut r, n)?;
        r.finish()?;
        Ok(PgPolygon { points })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        match parse_points(text)? {
            (Outer::Bracket, _) => Err(DecodeErrorKind::InvalidSyntax),
            (_, points) => Ok(PgPolygon { points }),
        }
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        put_point_count(Self::NAME, ty, self.points.len(), out)?;
        for p in &self.points {
            put_point(out, p);
        }
        Ok(())
    }
}

impl PgValue for PgCircle {
    const NAME: &'static str = "PgCircle";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::CIRCLE.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let center = PgPoint::new(r.f64()?, r.f64()?);
        let radius = r.f64()?;
        r.finish()?;
        Ok(PgCircle { center, radius })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let text = text.trim_ascii();
        let bytes = text.as_bytes();
        let inner = match (bytes.first(), bytes.last()) {
            (Some(b'<'), Some(b'>')) if text.len() >= 2 => &text[1..text.len() - 1],
            (Some(b'('), Some(b')')) if text[1..].trim_ascii_start().starts_with('(') => &text[1..text.len() - 1],
            _ => text,
        };
        let mut c = Cursor::new(inner);
        let center = parse_point(&mut c)?;
        c.expect(b',')?;
        let radius = parse_number(&mut c)?;
        c.finish()?;
        Ok(PgCircle { center, radius })
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        if self.radius < 0.0 {
            return Err(out_of_range(Self::NAME, ty, "a circle's radius is not negative"));
        }
        put_point(out, &self.center);
        out.put_f64(self.radius);
        Ok(())
    }
}

pg_value_impls!(PgPoint, PgLine, PgLSeg, PgBox, PgPath, PgPolygon, PgCircle);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};
    use proptest::prelude::*;

    fn p(x: f64, y: f64) -> PgPoint {
        PgPoint::new(x, y)
    }

    fn f(values: &[f64]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_be_bytes()).collect()
    }

    #[test]
    fn known_bytes_and_text() {
        let point = p(1.5, -2.0);
        assert_eq!(encode(&point, &Type::POINT), f(&[1.5, -2.0]));
        let line = PgLine {
            a: 1.0,
            b: -1.0,
            c: 0.0,
        };
        assert_eq!(encode(&line, &Type::LINE), f(&[1.0, -1.0, 0.0]));
        let seg = PgLSeg {
            start: p(1.0, 2.0),
            end: p(3.0, 4.0),
        };
        assert_eq!(encode(&seg, &Type::LSEG), f(&[1.0, 2.0, 3.0, 4.0]));
        let bx = PgBox::new(p(1.0, 2.0), p(3.0, 4.0));
        assert_eq!(encode(&bx, &Type::BOX), f(&[3.0, 4.0, 1.0, 2.0]));
        let path = PgPath {
            closed: false,
            points: vec![p(0.0, 0.0), p(1.0, 1.0)],
        };
        let mut expected = vec![0, 0, 0, 0, 2];
        expected.extend(f(&[0.0, 0.0, 1.0, 1.0]));
        assert_eq!(encode(&path, &Type::PATH), expected);
        let polygon = PgPolygon {
            points: vec![p(0.0, 0.0), p(1.0, 1.0), p(1.0, 0.0)],
        };
        let mut expected = vec![0, 0, 0, 3];
        expected.extend(f(&[0.0, 0.0, 1.0, 1.0, 1.0, 0.0]));
        assert_eq!(encode(&polygon, &Type::POLYGON), expected);
        let circle = PgCircle {
            center: p(1.0, 2.0),
            radius: 3.0,
        };
        assert_eq!(encode(&circle, &Type::CIRCLE), f(&[1.0, 2.0, 3.0]));

        assert_eq!(
            PgPoint::from_sql(&Type::POINT, Format::Binary, &f(&[1.5, -2.0])).unwrap(),
            point
        );
        assert_eq!(
            PgBox::from_sql(&Type::BOX, Format::Binary, &f(&[3.0, 4.0, 1.0, 2.0])).unwrap(),
            bx
        );

        let texts = [
            (point.to_string(), "(1.5,-2)"),
            (line.to_string(), "{1,-1,0}"),
            (seg.to_string(), "[(1,2),(3,4)]"),
            (bx.to_string(), "(3,4),(1,2)"),
            (path.to_string(), "[(0,0),(1,1)]"),
            (polygon.to_string(), "((0,0),(1,1),(1,0))"),
            (circle.to_string(), "<(1,2),3>"),
            (p(1e100, -0.0).to_string(), "(1e+100,-0)"),
            (p(f64::NAN, f64::NEG_INFINITY).to_string(), "(NaN,-Infinity)"),
        ];
        for (shown, expected) in texts {
            assert_eq!(shown, expected);
        }
    }

    #[test]
    fn text_spellings() {
        assert_eq!("1,2".parse::<PgPoint>().unwrap(), p(1.0, 2.0));
        assert_eq!(" ( 1 , 2 ) ".parse::<PgPoint>().unwrap(), p(1.0, 2.0));
        assert_eq!(
            "(Infinity,-1e-05)".parse::<PgPoint>().unwrap(),
            p(f64::INFINITY, -0.00001)
        );
        assert!("(NaN,0)".parse::<PgPoint>().unwrap().x.is_nan());
        let seg = PgLSeg {
            start: p(1.0, 2.0),
            end: p(3.0, 4.0),
        };
        for text in ["[(1,2),(3,4)]", "((1,2),(3,4))", "(1,2),(3,4)", "1,2,3,4"] {
            assert_eq!(text.parse::<PgLSeg>().unwrap(), seg, "{text}");
        }
        let bx = PgBox::new(p(1.0, 2.0), p(3.0, 4.0));
        for text in ["(3,4),(1,2)", "((1,2),(3,4))", "1,4,3,2"] {
            assert_eq!(text.parse::<PgBox>().unwrap(), bx, "{text}");
        }
        let closed = PgPath {
            closed: true,
            points: vec![p(1.0, 2.0), p(3.0, 4.0)],
        };
        for text in ["((1,2),(3,4))", "(1,2),(3,4)", "1,2,3,4"] {
            assert_eq!(text.parse::<PgPath>().unwrap(), closed, "{text}");
        }
        assert_eq!("[(1,2)]".parse::<PgPath>().unwrap().points.len(), 1);
        assert_eq!("(1,2)".parse::<PgPath>().unwrap().points.len(), 1);
        assert_eq!("((0,0))".parse::<PgPolygon>().unwrap().points, [p(0.0, 0.0)]);
        for text in ["<(1,2),3>", "((1,2),3)", "(1,2),3", "1,2,3"] {
            assert_eq!(
                text.parse::<PgCircle>().unwrap(),
                PgCircle {
                    center: p(1.0, 2.0),
                    radius: 3.0
                },
                "{text}"
            );
        }
        for bad in ["", "(1)", "(1,2", "(1,2,3)", "(x,1)", "(1,2)x"] {
            assert!(bad.parse::<PgPoint>().is_err(), "{bad}");
        }
        for bad in ["{1,2}", "1,2,3", "{1,2,3", "{1,2,3}x"] {
            assert!(bad.parse::<PgLine>().is_err(), "{bad}");
        }
        for bad in ["[(1,2),(3,4),(5,6)]", "[(1,2)]", "[(1,2),(3,4)"] {
            assert!(bad.parse::<PgLSeg>().is_err(), "{bad}");
        }
        assert!("[(1,2),(3,4)]".parse::<PgBox>().is_err());
        assert!("[(1,2),(3,4)]".parse::<PgPolygon>().is_err());
        assert!("".parse::<PgPath>().is_err());
        assert!("<(1,2),3".parse::<PgCircle>().is_err());
        assert_eq!(
            "(1e999,0)".parse::<PgPoint>().unwrap_err().kind(),
            &DecodeErrorKind::OutOfRange
        );
    }

    #[test]
    fn malformed_binary() {
        let err = PgPoint::from_sql(&Type::POINT, Format::Binary, &[0; 15]).unwrap_err();
        assert_eq!(
            kind(&err),
            DecodeErrorKind::WrongLength {
                expected: 16,
                actual: 15
            }
        );
        let cases: &[(&[u8], DecodeErrorKind)] = &[
            (&[1, 0, 0, 0, 0], DecodeErrorKind::InvalidSyntax),
            (&[1, 0xFF, 0xFF, 0xFF, 0xFF], DecodeErrorKind::InvalidSyntax),
            (
                &[1, 0, 0, 0, 1],
                DecodeErrorKind::WrongLength {
                    expected: 21,
                    actual: 5,
                },
            ),
            (
                &[1, 0x7F, 0xFF, 0xFF, 0xFF],
                DecodeErrorKind::WrongLength {
                    expected: 5 + 0x7FFF_FFFF * 16,
                    actual: 5,
                },
            ),
        ];
        for (raw, expected) in cases {
            let err = PgPath::from_sql(&Type::PATH, Format::Binary, raw).unwrap_err();
            assert_eq!(&kind(&err), expected, "{raw:?}");
        }
        let err = PgPolygon::from_sql(&Type::POLYGON, Format::Binary, &[0, 0, 0, 0]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax);
        let mut raw = vec![0, 0, 0, 1];
        raw.extend(f(&[1.0, 2.0, 3.0]));
        assert!(PgPolygon::from_sql(&Type::POLYGON, Format::Binary, &raw).is_err());
    }

    #[test]
    fn encoder_limits_and_types() {
        let empty = PgPath::default();
        let err = empty.to_sql(&Type::PATH, &mut BytesMut::new()).unwrap_err();
        assert!(err.is::<ValueOutOfRange>());
        assert!(
            PgPolygon::default()
                .to_sql(&Type::POLYGON, &mut BytesMut::new())
                .is_err()
        );
        let bad = PgCircle {
            center: p(0.0, 0.0),
            radius: -1.0,
        };
        assert!(
            bad.to_sql(&Type::CIRCLE, &mut BytesMut::new())
                .unwrap_err()
                .is::<ValueOutOfRange>()
        );
        assert_encode_wrong_type(&p(0.0, 0.0), &Type::BOX);
        assert_encode_wrong_type(&PgBox::default(), &Type::POINT);
        assert_encode_wrong_type(&PgPolygon::default(), &Type::PATH);
        assert!(!<PgPath as FromSql>::accepts(&Type::POLYGON));
        assert!(<PgLine as FromSql>::accepts(&Type::LINE));
        assert!(!<PgLSeg as FromSql>::accepts(&Type::LINE));
    }

    fn coord() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>().prop_filter("NaN never equals itself", |v| !v.is_nan()),
            -1000.0..1000.0f64,
            Just(0.0),
            Just(-0.0),
            Just(f64::INFINITY),
        ]
    }

    proptest! {
        #[test]
        fn round_trips(points in proptest::collection::vec((coord(), coord()), 1..8), closed in any::<bool>()) {
            let points: Vec<PgPoint> = points.into_iter().map(|(x, y)| p(x, y)).collect();
            let path = PgPath { closed, points: points.clone() };
            prop_assert_eq!(path.to_string().parse::<PgPath>().unwrap(), path.clone());
            let raw = encode(&path, &Type::PATH);
            prop_assert_eq!(PgPath::from_sql(&Type::PATH, Format::Binary, &raw).unwrap(), path);
            let polygon = PgPolygon { points: points.clone() };
            prop_assert_eq!(polygon.to_string().parse::<PgPolygon>().unwrap(), polygon.clone());
            let raw = encode(&polygon, &Type::POLYGON);
            prop_assert_eq!(PgPolygon::from_sql(&Type::POLYGON, Format::Binary, &raw).unwrap(), polygon);
            let first = points[0];
            prop_assert_eq!(first.to_string().parse::<PgPoint>().unwrap(), first);
            let line = PgLine { a: first.x, b: first.y, c: 1.0 };
            prop_assert_eq!(line.to_string().parse::<PgLine>().unwrap(), line);
        }
    }
}
