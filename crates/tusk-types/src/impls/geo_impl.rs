//! `geo-types` (feature `with-geo-types`), with `f64` coordinates:
//!
//! | Rust | PostgreSQL |
//! | --- | --- |
//! | `Point<f64>` | `point` |
//! | `Line<f64>` | `lseg` |
//! | `Rect<f64>` | `box` |
//! | `LineString<f64>` | `path`: a closed path decodes with its first point repeated at the end (so `is_closed()` holds), and a line string whose first and last points are equal is sent as a closed path without the repeat |
//! | `Polygon<f64>` | `polygon`: the exterior ring only (geo closes it); a polygon with holes is a [`ValueOutOfRange`](crate::ValueOutOfRange) |
//!
//! ```
//! use geo_types::{LineString, Point, coord};
//! use tusk_types::{Format, FromSql, Type};
//!
//! let p = Point::<f64>::from_sql(&Type::POINT, Format::Text, b"(1,2)").unwrap();
//! assert_eq!(p, Point::new(1.0, 2.0));
//! let closed = LineString::<f64>::from_sql(&Type::PATH, Format::Text, b"((0,0),(1,1))").unwrap();
//! assert!(closed.is_closed());
//! assert_eq!(closed.0.len(), 3);
//! ```

use bytes::BytesMut;
use geo_types::{Coord, Line, LineString, Point, Polygon, Rect};

use super::geometric::{PgBox, PgLSeg, PgPath, PgPoint, PgPolygon};
use super::scalar::{PgValue, out_of_range, pg_value_impls};
use crate::{BoxError, DecodeErrorKind, Type};

fn coord(p: PgPoint) -> Coord<f64> {
    Coord { x: p.x, y: p.y }
}

fn point(c: Coord<f64>) -> PgPoint {
    PgPoint::new(c.x, c.y)
}

/// The path of a line string: closed when it ends where it starts.
fn path_of(line: &LineString<f64>) -> PgPath {
    let coords = &line.0;
    let closed = coords.len() >= 2 && coords.first() == coords.last();
    let kept = if closed {
        &coords[..coords.len() - 1]
    } else {
        &coords[..]
    };
    PgPath {
        closed,
        points: kept.iter().copied().map(point).collect(),
    }
}

/// The line string of a path: a closed path repeats its first point.
fn line_string_of(path: PgPath) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = path.points.into_iter().map(coord).collect();
    if path.closed
        && let Some(&first) = coords.first()
    {
        coords.push(first);
    }
    LineString(coords)
}

impl PgValue for Point<f64> {
    const NAME: &'static str = "Point<f64>";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::POINT.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgPoint::decode_binary(ty, raw).map(|p| Point(coord(p)))
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgPoint::decode_text(ty, text).map(|p| Point(coord(p)))
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        point(self.0).encode_binary(ty, out)
    }
}

impl PgValue for Line<f64> {
    const NAME: &'static str = "Line<f64>";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::LSEG.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgLSeg::decode_binary(ty, raw).map(|s| Line::new(coord(s.start), coord(s.end)))
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgLSeg::decode_text(ty, text).map(|s| Line::new(coord(s.start), coord(s.end)))
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        PgLSeg {
            start: point(self.start),
            end: point(self.end),
        }
        .encode_binary(ty, out)
    }
}

impl PgValue for Rect<f64> {
    const NAME: &'static str = "Rect<f64>";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::BOX.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgBox::decode_binary(ty, raw).map(|b| Rect::new(coord(b.low), coord(b.high)))
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgBox::decode_text(ty, text).map(|b| Rect::new(coord(b.low), coord(b.high)))
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        PgBox {
            high: point(self.max()),
            low: point(self.min()),
        }
        .encode_binary(ty, out)
    }
}

impl PgValue for LineString<f64> {
    const NAME: &'static str = "LineString<f64>";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::PATH.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgPath::decode_binary(ty, raw).map(line_string_of)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgPath::decode_text(ty, text).map(line_string_of)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        path_of(self).encode_binary(ty, out)
    }
}

impl PgValue for Polygon<f64> {
    const NAME: &'static str = "Polygon<f64>";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::POLYGON.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgPolygon::decode_binary(ty, raw).map(polygon_of)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgPolygon::decode_text(ty, text).map(polygon_of)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        if !self.interiors().is_empty() {
            return Err(out_of_range(Self::NAME, ty, "a PostgreSQL polygon has no holes"));
        }
        let path = path_of(self.exterior());
        PgPolygon { points: path.points }.encode_binary(ty, out)
    }
}

/// A geo polygon of a PostgreSQL one (geo closes the ring).
fn polygon_of(p: PgPolygon) -> Polygon<f64> {
    Polygon::new(LineString(p.points.into_iter().map(coord).collect()), Vec::new())
}

pg_value_impls!(Point<f64>, Line<f64>, Rect<f64>, LineString<f64>, Polygon<f64>);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode};
    use super::*;
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};
    use geo_types::coord;

    #[test]
    fn conversions() {
        let p = Point::new(1.5, -2.0);
        let raw = encode(&p, &Type::POINT);
        assert_eq!(Point::<f64>::from_sql(&Type::POINT, Format::Binary, &raw).unwrap(), p);

        let rect = Rect::new(coord! { x: 3.0, y: 4.0 }, coord! { x: 1.0, y: 2.0 });
        let raw = encode(&rect, &Type::BOX);
        assert_eq!(
            PgBox::from_sql(&Type::BOX, Format::Binary, &raw).unwrap().to_string(),
            "(3,4),(1,2)"
        );
        assert_eq!(Rect::<f64>::from_sql(&Type::BOX, Format::Binary, &raw).unwrap(), rect);

        let line = Line::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 1.0, y: 1.0 });
        let raw = encode(&line, &Type::LSEG);
        assert_eq!(Line::<f64>::from_sql(&Type::LSEG, Format::Binary, &raw).unwrap(), line);

        let open = LineString::from(vec![(0.0, 0.0), (1.0, 1.0)]);
        let raw = encode(&open, &Type::PATH);
        assert_eq!(raw[0], 0);
        assert_eq!(
            LineString::<f64>::from_sql(&Type::PATH, Format::Binary, &raw).unwrap(),
            open
        );
        let ring = LineString::from(vec![(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]);
        let raw = encode(&ring, &Type::PATH);
        assert_eq!(raw[0], 1);
        assert_eq!(
            PgPath::from_sql(&Type::PATH, Format::Binary, &raw)
                .unwrap()
                .points
                .len(),
            3
        );
        assert_eq!(
            LineString::<f64>::from_sql(&Type::PATH, Format::Binary, &raw).unwrap(),
            ring
        );

        let poly = Polygon::new(LineString::from(vec![(0.0, 0.0), (1.0, 1.0), (1.0, 0.0)]), vec![]);
        let raw = encode(&poly, &Type::POLYGON);
        assert_eq!(
            PgPolygon::from_sql(&Type::POLYGON, Format::Binary, &raw)
                .unwrap()
                .points
                .len(),
            3
        );
        assert_eq!(
            Polygon::<f64>::from_sql(&Type::POLYGON, Format::Binary, &raw).unwrap(),
            poly
        );
        assert_eq!(
            Polygon::<f64>::from_sql(&Type::POLYGON, Format::Text, b"((0,0),(1,1),(1,0))").unwrap(),
            poly
        );
        let holed = Polygon::new(poly.exterior().clone(), vec![poly.exterior().clone()]);
        let err = holed.to_sql(&Type::POLYGON, &mut BytesMut::new()).unwrap_err();
        assert!(err.is::<ValueOutOfRange>());
        assert!(
            LineString::<f64>::new(vec![])
                .to_sql(&Type::PATH, &mut BytesMut::new())
                .is_err()
        );
        assert_encode_wrong_type(&p, &Type::BOX);
        assert_encode_wrong_type(&poly, &Type::PATH);
    }
}
