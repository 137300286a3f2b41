//! `uuid`: `[u8; 16]`, and `uuid::Uuid` with the `with-uuid` feature.
//!
//! Binary is the 16 bytes in order. Text is the canonical hyphenated
//! lowercase form `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11`; decoding also takes
//! what `uuid_in` takes: upper case, braces around the value, and hyphens
//! left out or placed after any group of four digits.

use bytes::{BufMut, BytesMut};

use super::bytea::hex_digit;
use super::{ensure_type, fixed};
use crate::error::decode_error;
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, ToSql, Type};

/// Decodes a `uuid` column into its 16 bytes.
fn uuid_from_sql(rust_type: &'static str, ty: &Type, format: Format, raw: &[u8]) -> Result<[u8; 16], BoxError> {
    ensure_type(*ty == Type::UUID, rust_type, ty)?;
    match format {
        Format::Binary => fixed(rust_type, ty, raw),
        Format::Text => parse_uuid_text(raw).map_err(|kind| decode_error(rust_type, ty, format, kind)),
    }
}

/// Encodes 16 bytes for a `uuid` parameter.
fn uuid_to_sql(bytes: &[u8; 16], rust_type: &'static str, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    ensure_type(*ty == Type::UUID, rust_type, ty)?;
    out.put_slice(bytes);
    Ok(IsNull::No)
}

/// Parses the text form of a UUID as `uuid_in` does.
fn parse_uuid_text(raw: &[u8]) -> Result<[u8; 16], DecodeErrorKind> {
    let raw = raw.trim_ascii();
    let digits = match raw {
        [b'{', inner @ .., b'}'] => inner,
        _ => raw,
    };
    let mut out = [0u8; 16];
    let mut pos = 0;
    for (i, byte) in out.iter_mut().enumerate() {
        let (&hi, &lo) = digits
            .get(pos)
            .zip(digits.get(pos + 1))
            .ok_or(DecodeErrorKind::InvalidSyntax)?;
        *byte = (hex_digit(hi)? << 4) | hex_digit(lo)?;
        pos += 2;
        // A hyphen may follow every second byte, except the last.
        if i % 2 == 1 && i < 15 && digits.get(pos) == Some(&b'-') {
            pos += 1;
        }
    }
    if pos == digits.len() {
        Ok(out)
    } else {
        Err(DecodeErrorKind::InvalidSyntax)
    }
}

impl ToSql for [u8; 16] {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        uuid_to_sql(self, "[u8; 16]", ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        *ty == Type::UUID
    }

    fn type_name(&self) -> &'static str {
        "[u8; 16]"
    }
}

impl<'a> FromSql<'a> for [u8; 16] {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        uuid_from_sql("[u8; 16]", ty, format, raw)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::UUID
    }
}

#[cfg(feature = "with-uuid")]
impl ToSql for ::uuid::Uuid {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        uuid_to_sql(self.as_bytes(), "Uuid", ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        *ty == Type::UUID
    }

    fn type_name(&self) -> &'static str {
        "Uuid"
    }
}

#[cfg(feature = "with-uuid")]
impl<'a> FromSql<'a> for ::uuid::Uuid {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        uuid_from_sql("Uuid", ty, format, raw).map(::uuid::Uuid::from_bytes)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::UUID
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{FORMATS, assert_encode_wrong_type, encode, is_wrong_type, kind};
    use super::*;
    use crate::WasNull;

    const BYTES: [u8; 16] = [
        0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11,
    ];

    #[test]
    fn binary_round_trip() {
        let raw = encode(&BYTES, &Type::UUID);
        assert_eq!(raw, BYTES);
        assert_eq!(<[u8; 16]>::from_sql(&Type::UUID, Format::Binary, &raw).unwrap(), BYTES);
        for len in [0usize, 15, 17, 36] {
            let err = <[u8; 16]>::from_sql(&Type::UUID, Format::Binary, &vec![0; len]).unwrap_err();
            assert_eq!(
                kind(&err),
                DecodeErrorKind::WrongLength {
                    expected: 16,
                    actual: len
                }
            );
        }
    }

    #[test]
    fn text_forms() {
        for text in [
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
            "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}",
        ] {
            let value = <[u8; 16]>::from_sql(&Type::UUID, Format::Text, text.as_bytes()).unwrap();
            assert_eq!(value, BYTES, "{text}");
        }
        for bad in [
            "",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-",
            "-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0e-ebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
            "{}",
        ] {
            let err = <[u8; 16]>::from_sql(&Type::UUID, Format::Text, bad.as_bytes()).unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax, "{bad}");
        }
    }

    #[test]
    fn accepts_only_uuid() {
        for ty in [Type::UUID, Type::BYTEA, Type::TEXT, Type::from_oid(99_999)] {
            assert_eq!(<[u8; 16] as FromSql>::accepts(&ty), ty == Type::UUID);
            assert_eq!(ToSql::accepts(&BYTES, &ty), ty == Type::UUID);
        }
        assert_encode_wrong_type(&BYTES, &Type::BYTEA);
        for format in FORMATS {
            let err = <[u8; 16]>::from_sql(&Type::BYTEA, format, &BYTES).unwrap_err();
            assert!(is_wrong_type(&err));
        }
    }

    #[test]
    fn null_handling() {
        assert!(<[u8; 16]>::from_sql_null(&Type::UUID).unwrap_err().is::<WasNull>());
        assert_eq!(Option::<[u8; 16]>::from_sql_null(&Type::UUID).unwrap(), None);
    }

    #[cfg(feature = "with-uuid")]
    #[test]
    fn uuid_crate() {
        use ::uuid::Uuid;

        let id = Uuid::from_bytes(BYTES);
        let raw = encode(&id, &Type::UUID);
        assert_eq!(raw, BYTES);
        assert_eq!(Uuid::from_sql(&Type::UUID, Format::Binary, &raw).unwrap(), id);
        let text = id.hyphenated().to_string();
        assert_eq!(Uuid::from_sql(&Type::UUID, Format::Text, text.as_bytes()).unwrap(), id);
        assert!(Uuid::from_sql(&Type::UUID, Format::Binary, &raw[..8]).is_err());
        assert!(is_wrong_type(
            &Uuid::from_sql(&Type::TEXT, Format::Text, b"x").unwrap_err()
        ));
        assert!(!ToSql::accepts(&id, &Type::TEXT));
        assert!(<Uuid as FromSql>::accepts(&Type::UUID));
        assert_eq!(Option::<Uuid>::from_sql_null(&Type::UUID).unwrap(), None);
    }
}
