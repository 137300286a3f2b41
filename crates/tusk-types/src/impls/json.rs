//! `json` and `jsonb` as `serde_json::Value` and [`Json<T>`] (feature
//! `with-serde_json`).
//!
//! `json` is its text in both formats; `jsonb` in binary is a version byte
//! (1) followed by the text, and its text form is the text alone. Decoding
//! parses the JSON with serde_json: a syntax error, or JSON that does not
//! fit `T`, is the `serde_json::Error` itself (boxed), which says where and
//! why. A `jsonb` version byte other than 1 is a
//! [`DecodeError`](crate::DecodeError) with
//! [`UnsupportedVersion`](crate::DecodeErrorKind::UnsupportedVersion).
//!
//! ```
//! use bytes::BytesMut;
//! use serde_json::json;
//! use tusk_types::{Format, FromSql, Json, ToSql, Type};
//!
//! let mut buf = BytesMut::new();
//! json!({"a": [1, 2]}).to_sql(&Type::JSONB, &mut buf).unwrap();
//! assert_eq!(&buf[..], b"\x01{\"a\":[1,2]}");
//!
//! let v = serde_json::Value::from_sql(&Type::JSONB, Format::Binary, &buf).unwrap();
//! assert_eq!(v["a"][1], 2);
//!
//! #[derive(serde::Deserialize, Debug, PartialEq)]
//! struct Point { x: i32, y: i32 }
//! let Json(p) = Json::<Point>::from_sql(&Type::JSON, Format::Text, br#"{"x": 1, "y": 2}"#).unwrap();
//! assert_eq!(p, Point { x: 1, y: 2 });
//! ```

use std::fmt;

use bytes::{BufMut, BytesMut};
use serde::{Deserialize, Serialize};

use super::{ensure_len, ensure_type};
use crate::error::decode_error;
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, ToSql, Type};

/// The `jsonb` binary version this crate reads and writes.
const JSONB_VERSION: u8 = 1;

/// Whether `ty` is `json` or `jsonb`.
fn is_json(ty: &Type) -> bool {
    ty.oid() == Type::JSON.oid() || ty.oid() == Type::JSONB.oid()
}

/// Serializes `value` as the binary form for `ty`.
fn json_to_sql<T: Serialize + ?Sized>(
    value: &T,
    rust_type: &'static str,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, BoxError> {
    ensure_type(is_json(ty), rust_type, ty)?;
    let start = out.len();
    if ty.oid() == Type::JSONB.oid() {
        out.put_u8(JSONB_VERSION);
    }
    if let Err(e) = serde_json::to_writer(out.writer(), value) {
        out.truncate(start);
        return Err(Box::new(e));
    }
    if let Err(e) = ensure_len(out.len() - start) {
        out.truncate(start);
        return Err(e);
    }
    Ok(IsNull::No)
}

/// The JSON text of a value of `ty` in `format`.
fn json_text<'a>(rust_type: &'static str, ty: &Type, format: Format, raw: &'a [u8]) -> Result<&'a [u8], BoxError> {
    ensure_type(is_json(ty), rust_type, ty)?;
    if format == Format::Binary && ty.oid() == Type::JSONB.oid() {
        match raw.split_first() {
            Some((&JSONB_VERSION, text)) => Ok(text),
            Some((&v, _)) => Err(decode_error(
                rust_type,
                ty,
                format,
                DecodeErrorKind::UnsupportedVersion(v),
            )),
            None => Err(decode_error(rust_type, ty, format, DecodeErrorKind::InvalidSyntax)),
        }
    } else {
        Ok(raw)
    }
}

impl ToSql for serde_json::Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        json_to_sql(self, "Value", ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_json(ty)
    }

    fn type_name(&self) -> &'static str {
        "Value"
    }
}

impl<'a> FromSql<'a> for serde_json::Value {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        let text = json_text("Value", ty, format, raw)?;
        serde_json::from_slice(text).map_err(|e| Box::new(e) as BoxError)
    }

    fn accepts(ty: &Type) -> bool {
        is_json(ty)
    }
}

/// A value stored as `json` or `jsonb` through serde: `T: Serialize` to
/// send, `T: Deserialize` to read (borrowing from the row where `T` can).
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Json, ToSql, Type};
///
/// let mut buf = BytesMut::new();
/// Json(vec!["a", "b"]).to_sql(&Type::JSON, &mut buf).unwrap();
/// assert_eq!(&buf[..], br#"["a","b"]"#);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T: fmt::Debug> fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Json").field(&self.0).finish()
    }
}

impl<T: Serialize + fmt::Debug> ToSql for Json<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        json_to_sql(&self.0, "Json<T>", ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        is_json(ty)
    }

    fn type_name(&self) -> &'static str {
        "Json<T>"
    }
}

impl<'a, T: Deserialize<'a>> FromSql<'a> for Json<T> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        let text = json_text("Json<T>", ty, format, raw)?;
        serde_json::from_slice(text)
            .map(Json)
            .map_err(|e| Box::new(e) as BoxError)
    }

    fn accepts(ty: &Type) -> bool {
        is_json(ty)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{FORMATS, assert_encode_wrong_type, encode, is_wrong_type, kind};
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn values() {
        let v = json!({"k": "ünï", "n": [1, 2.5, null, true]});
        let raw = encode(&v, &Type::JSON);
        assert_eq!(Value::from_sql(&Type::JSON, Format::Binary, &raw).unwrap(), v);
        let raw = encode(&v, &Type::JSONB);
        assert_eq!(raw[0], 1);
        assert_eq!(Value::from_sql(&Type::JSONB, Format::Binary, &raw).unwrap(), v);
        assert_eq!(Value::from_sql(&Type::JSONB, Format::Text, &raw[1..]).unwrap(), v);
        let err = Value::from_sql(&Type::JSONB, Format::Binary, b"\x02{}").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::UnsupportedVersion(2));
        let err = Value::from_sql(&Type::JSONB, Format::Binary, b"").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax);
        for format in FORMATS {
            let err = Value::from_sql(&Type::JSON, format, b"{").unwrap_err();
            assert!(err.is::<serde_json::Error>());
            assert!(is_wrong_type(&Value::from_sql(&Type::TEXT, format, b"{}").unwrap_err()));
        }
        assert_encode_wrong_type(&v, &Type::TEXT);
    }

    #[test]
    fn typed() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Doc<'a> {
            name: &'a str,
            tags: Vec<String>,
        }
        let doc = Doc {
            name: "x",
            tags: vec!["a".into()],
        };
        let raw = encode(&Json(&doc), &Type::JSONB);
        let Json(back) = Json::<Doc<'_>>::from_sql(&Type::JSONB, Format::Binary, &raw).unwrap();
        assert_eq!(back, doc);
        assert_eq!(back.name.as_ptr(), raw[10..].as_ptr());
        let err = Json::<Doc<'_>>::from_sql(&Type::JSON, Format::Text, br#"{"name": 1}"#).unwrap_err();
        assert!(err.is::<serde_json::Error>());
        assert_eq!(Json(1).type_name(), "Json<T>");
        assert_eq!(format!("{:?}", Json(1)), "Json(1)");
        assert!(!<Json<i32> as FromSql>::accepts(&Type::TEXT));
    }
}
