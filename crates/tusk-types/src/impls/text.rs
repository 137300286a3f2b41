//! Strings: `str`, `String`, `&str` and `Cow<str>`.
//!
//! The textual types (`text`, `varchar`, `bpchar`, `name`, `unknown`,
//! `json`, `xml`, `refcursor`) are the same UTF-8 bytes in both formats.
//! `jsonb` and `jsonpath` in binary are a version byte (1) followed by the text.
//!
//! Strings also carry every *other* type in text format, both ways:
//!
//! * decoding, the text form of any value is a string, so `String` and `&str`
//!   read any column the server sent as text — including types this crate has
//!   never heard of (`citext`, enums, `hstore`, …);
//! * encoding, a string bound to a parameter whose type has no binary support
//!   here is sent in text format, and the server parses it as if it were a
//!   literal: `"12.50"` for `numeric`, `"2024-01-31"` for `date`.

use std::borrow::Cow;

use bytes::{BufMut, BytesMut};

use super::{ensure_len, ensure_type, utf8};
use crate::error::decode_error;
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, ToSql, Type};

/// The `jsonb` binary format version this crate reads and writes.
const JSONB_VERSION: u8 = 1;

/// Whether a string can be sent as `ty`: in binary for the textual types, in
/// text for any type without binary support.
fn str_accepts(ty: &Type) -> bool {
    ty.is_textual() || !ty.binary_supported() || super::scalar::binds_strings_as_text(ty)
}

/// Whether the binary form of `ty` is a version byte (1) and the text:
/// `jsonb` and `jsonpath`.
#[inline]
fn has_version_byte(ty: &Type) -> bool {
    ty.oid() == Type::JSONB.oid() || ty.oid() == Type::JSONPATH.oid()
}

/// The format a string is sent in for `ty`.
fn str_format(ty: &Type) -> Format {
    if ty.is_textual() { Format::Binary } else { Format::Text }
}

/// Encodes a string for `ty` (see [`str_accepts`] and [`str_format`]).
fn str_to_sql(s: &str, rust_type: &'static str, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    ensure_type(str_accepts(ty), rust_type, ty)?;
    let is_jsonb = has_version_byte(ty);
    ensure_len(s.len() + usize::from(is_jsonb))?;
    if is_jsonb {
        out.put_u8(JSONB_VERSION);
    }
    out.put_slice(s.as_bytes());
    Ok(IsNull::No)
}

/// Decodes a string borrowing from `raw`: any type in text format, the
/// textual types in binary.
#[inline]
fn str_from_sql<'a>(rust_type: &'static str, ty: &Type, format: Format, raw: &'a [u8]) -> Result<&'a str, BoxError> {
    let text = match format {
        Format::Text => raw,
        Format::Binary => {
            ensure_type(ty.is_textual(), rust_type, ty)?;
            if has_version_byte(ty) {
                match raw.split_first() {
                    Some((&JSONB_VERSION, json)) => json,
                    Some((&version, _)) => {
                        let kind = DecodeErrorKind::UnsupportedVersion(version);
                        return Err(decode_error(rust_type, ty, format, kind));
                    }
                    None => {
                        let kind = DecodeErrorKind::InvalidSyntax;
                        return Err(decode_error(rust_type, ty, format, kind));
                    }
                }
            } else {
                raw
            }
        }
    };
    utf8(rust_type, ty, format, text)
}

/// [`ToSql::encode_field`] for strings: `text` and `varchar`, by far the most common
/// targets, take a shortcut; everything else the general path.
#[inline]
fn str_encode_field<T: ToSql + ?Sized>(value: &T, s: &str, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
    if (*ty == Type::TEXT || *ty == Type::VARCHAR)
        && let Ok(len) = i32::try_from(s.len())
    {
        out.reserve(4 + s.len());
        out.put_i32(len);
        out.put_slice(s.as_bytes());
        return Ok(Format::Binary);
    }
    crate::encode_field_generic(value, ty, out)
}

impl ToSql for str {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        str_to_sql(self, "&str", ty, out)
    }

    #[inline]
    fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
        str_encode_field(self, self, ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        str_accepts(ty)
    }

    fn format(&self, ty: &Type) -> Format {
        str_format(ty)
    }

    fn type_name(&self) -> &'static str {
        "&str"
    }
}

impl ToSql for String {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        str_to_sql(self, "String", ty, out)
    }

    #[inline]
    fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
        str_encode_field(self, self, ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        str_accepts(ty)
    }

    fn format(&self, ty: &Type) -> Format {
        str_format(ty)
    }

    fn type_name(&self) -> &'static str {
        "String"
    }
}

impl<'a> FromSql<'a> for &'a str {
    #[inline]
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        str_from_sql("&str", ty, format, raw)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

/// The owned string types also read a binary value of a scalar type whose
/// binary form is not text (`numeric`, `timestamptz`, `inet`, …) by printing
/// it: see the `render` module for the two differences from the server's
/// own text (`timestamptz` in UTC, `money` in the `C` locale).
fn rendered(rust_type: &'static str, ty: &Type, format: Format, raw: &[u8]) -> Option<Result<String, BoxError>> {
    if format != Format::Binary || ty.is_textual() {
        return None;
    }
    let text = super::render::render_binary(ty, raw)?;
    Some(text.map_err(|kind| decode_error(rust_type, ty, format, kind)))
}

impl<'a> FromSql<'a> for String {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if let Some(text) = rendered("String", ty, format, raw) {
            return text;
        }
        str_from_sql("String", ty, format, raw).map(str::to_owned)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

impl<'a> FromSql<'a> for Cow<'a, str> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if let Some(text) = rendered("Cow<str>", ty, format, raw) {
            return text.map(Cow::Owned);
        }
        str_from_sql("Cow<str>", ty, format, raw).map(Cow::Borrowed)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

impl<'a> FromSql<'a> for Box<str> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        if let Some(text) = rendered("Box<str>", ty, format, raw) {
            return text.map(Box::from);
        }
        str_from_sql("Box<str>", ty, format, raw).map(Box::from)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{FORMATS, assert_encode_wrong_type, encode, is_wrong_type, kind};
    use super::*;
    use crate::WasNull;

    const TEXTUAL: [Type; 9] = [
        Type::TEXT,
        Type::VARCHAR,
        Type::BPCHAR,
        Type::NAME,
        Type::UNKNOWN,
        Type::JSON,
        Type::XML,
        Type::REFCURSOR,
        Type::JSONB,
    ];

    #[test]
    fn textual_binary_round_trip() {
        for ty in &TEXTUAL {
            for s in ["", "hello", "héllo wörld ✓", "{\"a\": [1, 2]}"] {
                let raw = encode(&s, ty);
                assert_eq!(encode(&s.to_owned(), ty), raw);
                assert_eq!(s.format(ty), Format::Binary);
                assert_eq!(<&str>::from_sql(ty, Format::Binary, &raw).unwrap(), s);
                assert_eq!(String::from_sql(ty, Format::Binary, &raw).unwrap(), s);
                assert_eq!(Cow::<str>::from_sql(ty, Format::Binary, &raw).unwrap(), s);
                assert_eq!(&*Box::<str>::from_sql(ty, Format::Binary, &raw).unwrap(), s);
            }
        }
    }

    #[test]
    fn jsonb_binary_has_a_version_byte() {
        assert_eq!(encode(&"{}", &Type::JSONB), b"\x01{}");
        assert_eq!(encode(&"{}", &Type::JSON), b"{}");
        assert_eq!(
            <&str>::from_sql(&Type::JSONB, Format::Binary, b"\x01[1]").unwrap(),
            "[1]"
        );
        // Text format has no version byte.
        assert_eq!(<&str>::from_sql(&Type::JSONB, Format::Text, b"[1]").unwrap(), "[1]");

        let err = String::from_sql(&Type::JSONB, Format::Binary, b"\x02[1]").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::UnsupportedVersion(2));
        let err = String::from_sql(&Type::JSONB, Format::Binary, b"").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax);
    }

    #[test]
    fn borrowed_decode_does_not_copy() {
        let raw = b"borrowed".to_vec();
        let s = <&str>::from_sql(&Type::TEXT, Format::Binary, &raw).unwrap();
        assert_eq!(s.as_ptr(), raw.as_ptr());
        let cow = Cow::<str>::from_sql(&Type::TEXT, Format::Text, &raw).unwrap();
        assert!(matches!(cow, Cow::Borrowed(_)));
    }

    #[test]
    fn text_format_decodes_any_type() {
        let cases: [(Type, &[u8]); 6] = [
            (Type::INT4, b"42"),
            (Type::NUMERIC, b"12.50"),
            (Type::DATE, b"2024-01-31"),
            (Type::BYTEA, b"\\x0102"),
            (Type::INT4_ARRAY, b"{1,2,3}"),
            (Type::from_oid(16_385), b"case-insensitive"),
        ];
        for (ty, raw) in cases {
            assert!(<String as FromSql>::accepts(&ty));
            assert!(<&str as FromSql>::accepts(&ty));
            let expected = std::str::from_utf8(raw).unwrap();
            assert_eq!(String::from_sql(&ty, Format::Text, raw).unwrap(), expected);
            assert_eq!(<&str>::from_sql(&ty, Format::Text, raw).unwrap(), expected);
        }
    }

    #[test]
    fn binary_format_refuses_non_textual_types() {
        for ty in [Type::INT4, Type::BYTEA, Type::UUID, Type::BOOL, Type::CHAR] {
            for result in [
                String::from_sql(&ty, Format::Binary, b"\0\0\0\x01").map(drop),
                <&str>::from_sql(&ty, Format::Binary, b"\0\0\0\x01").map(drop),
                Cow::<str>::from_sql(&ty, Format::Binary, b"\0\0\0\x01").map(drop),
            ] {
                assert!(is_wrong_type(&result.unwrap_err()), "{ty}");
            }
        }
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        for format in FORMATS {
            let err = String::from_sql(&Type::TEXT, format, b"ab\xffcd").unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::InvalidUtf8);
            let err = <&str>::from_sql(&Type::JSONB, format, b"\x01\xc3").unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::InvalidUtf8);
        }
    }

    #[test]
    fn strings_bind_to_types_without_binary_support_as_text() {
        for ty in [
            Type::NUMERIC,
            Type::DATE,
            Type::TIMESTAMPTZ,
            Type::INET,
            Type::INTERVAL,
            Type::MONEY,
            Type::from_oid(16_385),
        ] {
            assert!("x".accepts(&ty), "{ty}");
            assert!(String::new().accepts(&ty), "{ty}");
            assert_eq!("x".format(&ty), Format::Text, "{ty}");
            assert_eq!(String::from("x").format(&ty), Format::Text, "{ty}");
        }
        assert_eq!(encode(&"12.5", &Type::NUMERIC), b"12.5");
    }

    #[test]
    fn strings_refuse_binary_non_textual_parameters() {
        for ty in [
            Type::INT4,
            Type::INT8,
            Type::BOOL,
            Type::BYTEA,
            Type::UUID,
            Type::FLOAT8,
            Type::OID,
            Type::CHAR,
        ] {
            assert!(!"1".accepts(&ty), "{ty}");
            assert_encode_wrong_type(&"1", &ty);
            assert_encode_wrong_type(&String::from("1"), &ty);
        }
    }

    #[test]
    fn null_handling() {
        assert!(String::from_sql_null(&Type::TEXT).unwrap_err().is::<WasNull>());
        assert!(<&str>::from_sql_null(&Type::TEXT).unwrap_err().is::<WasNull>());
        assert_eq!(Option::<&str>::from_sql_null(&Type::TEXT).unwrap(), None);
        assert_eq!(
            Option::<String>::from_sql(&Type::TEXT, Format::Text, b"x").unwrap(),
            Some("x".to_owned())
        );
    }
}
