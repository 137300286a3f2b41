//! Byte strings: `[u8]`, `Vec<u8>`, `&[u8]` and `Cow<[u8]>` for `bytea`.
//!
//! Binary `bytea` is the bytes themselves. Text `bytea` comes in two forms:
//! the hex form `\x` followed by two hex digits per byte (the default since
//! PostgreSQL 9.0), and the legacy escape form selected by
//! `bytea_output = 'escape'`, where printable bytes stand for themselves, a
//! backslash is doubled and any other byte is `\` and three octal digits.
//! Both are decoded.

use std::borrow::Cow;

use bytes::{BufMut, BytesMut};

use super::{ensure_len, ensure_type};
use crate::error::decode_error;
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, ToSql, Type};

/// Encodes bytes for a `bytea` parameter.
fn bytes_to_sql(bytes: &[u8], rust_type: &'static str, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    ensure_type(*ty == Type::BYTEA, rust_type, ty)?;
    ensure_len(bytes.len())?;
    out.put_slice(bytes);
    Ok(IsNull::No)
}

/// Decodes a `bytea` column, borrowing when the bytes are already decoded:
/// always in binary, and in text when the escape form has no escapes.
fn bytes_from_sql<'a>(
    rust_type: &'static str,
    ty: &Type,
    format: Format,
    raw: &'a [u8],
) -> Result<Cow<'a, [u8]>, BoxError> {
    ensure_type(*ty == Type::BYTEA, rust_type, ty)?;
    match format {
        Format::Binary => Ok(Cow::Borrowed(raw)),
        Format::Text => decode_bytea_text(raw).map_err(|kind| decode_error(rust_type, ty, format, kind)),
    }
}

/// Decodes either text form of `bytea`, as `byteain` reads it.
fn decode_bytea_text(raw: &[u8]) -> Result<Cow<'_, [u8]>, DecodeErrorKind> {
    if let Some(hex) = raw.strip_prefix(b"\\x") {
        decode_hex(hex).map(Cow::Owned)
    } else if !raw.contains(&b'\\') {
        Ok(Cow::Borrowed(raw))
    } else {
        decode_escape(raw).map(Cow::Owned)
    }
}

/// The hex form after `\x`: pairs of hex digits, with whitespace allowed
/// between pairs (not inside one).
fn decode_hex(hex: &[u8]) -> Result<Vec<u8>, DecodeErrorKind> {
    let mut out = Vec::with_capacity(hex.len() / 2);
    let mut digits = hex.iter();
    while let Some(&first) = digits.next() {
        if matches!(first, b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        }
        let second = digits.next().ok_or(DecodeErrorKind::InvalidSyntax)?;
        out.push((hex_digit(first)? << 4) | hex_digit(*second)?);
    }
    Ok(out)
}

/// The value of one hex digit.
pub(crate) fn hex_digit(digit: u8) -> Result<u8, DecodeErrorKind> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(DecodeErrorKind::InvalidSyntax),
    }
}

/// The escape form: `\\` is a backslash, `\ooo` (first digit 0-3) an octal
/// byte, any other byte itself.
fn decode_escape(raw: &[u8]) -> Result<Vec<u8>, DecodeErrorKind> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&byte, tail)) = rest.split_first() {
        if byte != b'\\' {
            out.push(byte);
            rest = tail;
            continue;
        }
        match *tail {
            [b'\\', ..] => {
                out.push(b'\\');
                rest = &tail[1..];
            }
            [a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7', ..] => {
                out.push(((a - b'0') << 6) | ((b - b'0') << 3) | (c - b'0'));
                rest = &tail[3..];
            }
            _ => return Err(DecodeErrorKind::InvalidSyntax),
        }
    }
    Ok(out)
}

impl ToSql for [u8] {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        bytes_to_sql(self, "&[u8]", ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        *ty == Type::BYTEA
    }

    fn type_name(&self) -> &'static str {
        "&[u8]"
    }
}

impl ToSql for Vec<u8> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        bytes_to_sql(self, "Vec<u8>", ty, out)
    }

    fn accepts(&self, ty: &Type) -> bool {
        *ty == Type::BYTEA
    }

    fn type_name(&self) -> &'static str {
        "Vec<u8>"
    }
}

impl<'a> FromSql<'a> for Vec<u8> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        bytes_from_sql("Vec<u8>", ty, format, raw).map(Cow::into_owned)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::BYTEA
    }
}

impl<'a> FromSql<'a> for Cow<'a, [u8]> {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        bytes_from_sql("Cow<[u8]>", ty, format, raw)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::BYTEA
    }
}

/// Borrows the column's bytes. In binary format (which a client requests for
/// `bytea`) that always works; a text-format value can be borrowed only when
/// it needs no unescaping, so decode text into `Vec<u8>` or `Cow<[u8]>`.
impl<'a> FromSql<'a> for &'a [u8] {
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        match bytes_from_sql("&[u8]", ty, format, raw)? {
            Cow::Borrowed(bytes) => Ok(bytes),
            Cow::Owned(_) => Err(decode_error(
                "&[u8]",
                ty,
                format,
                DecodeErrorKind::Unsupported(
                    "text-format bytea must be unescaped into an owned buffer; \
                     decode it as Vec<u8> or Cow<[u8]>",
                ),
            )),
        }
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::BYTEA
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{FORMATS, assert_encode_wrong_type, encode, is_wrong_type, kind};
    use super::*;
    use crate::WasNull;

    #[test]
    fn binary_round_trip() {
        for bytes in [&b""[..], b"\0\x01\xff", b"plain", &[0x5c; 3]] {
            let raw = encode(&bytes, &Type::BYTEA);
            assert_eq!(raw, bytes);
            assert_eq!(encode(&bytes.to_vec(), &Type::BYTEA), bytes);
            assert_eq!(Vec::<u8>::from_sql(&Type::BYTEA, Format::Binary, &raw).unwrap(), bytes);
            assert_eq!(<&[u8]>::from_sql(&Type::BYTEA, Format::Binary, &raw).unwrap(), bytes);
            assert_eq!(
                &*Cow::<[u8]>::from_sql(&Type::BYTEA, Format::Binary, &raw).unwrap(),
                bytes
            );
        }
    }

    #[test]
    fn text_hex_form() {
        let cases: [(&[u8], &[u8]); 5] = [
            (b"\\x", b""),
            (b"\\x00ff10", b"\x00\xff\x10"),
            (b"\\xDEADbeef", b"\xde\xad\xbe\xef"),
            (b"\\x01 02\n03", b"\x01\x02\x03"),
            (b"\\x68656c6c6f", b"hello"),
        ];
        for (text, bytes) in cases {
            assert_eq!(Vec::<u8>::from_sql(&Type::BYTEA, Format::Text, text).unwrap(), bytes);
            assert_eq!(
                &*Cow::<[u8]>::from_sql(&Type::BYTEA, Format::Text, text).unwrap(),
                bytes
            );
        }
        for bad in [&b"\\x0"[..], b"\\x0g", b"\\x0 1", b"\\x123"] {
            let err = Vec::<u8>::from_sql(&Type::BYTEA, Format::Text, bad).unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax, "{bad:?}");
        }
    }

    #[test]
    fn text_escape_form() {
        let cases: [(&[u8], &[u8]); 6] = [
            (b"", b""),
            (b"abc", b"abc"),
            (b"a\\\\b", b"a\\b"),
            (b"\\000\\001\\377", b"\x00\x01\xff"),
            (b"\\101bc\\\\", b"Abc\\"),
            (b"caf\xc3\xa9", "café".as_bytes()),
        ];
        for (text, bytes) in cases {
            assert_eq!(Vec::<u8>::from_sql(&Type::BYTEA, Format::Text, text).unwrap(), bytes);
        }
        for bad in [&b"\\"[..], b"a\\", b"\\4", b"\\400", b"\\08", b"\\12"] {
            let err = Vec::<u8>::from_sql(&Type::BYTEA, Format::Text, bad).unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax, "{bad:?}");
        }
    }

    #[test]
    fn escape_form_of_every_byte() {
        // What byteaout prints with bytea_output = 'escape'.
        let all: Vec<u8> = (0..=255).collect();
        let mut text = Vec::new();
        for &b in &all {
            match b {
                b'\\' => text.extend_from_slice(b"\\\\"),
                0x20..=0x7e => text.push(b),
                _ => text.extend_from_slice(format!("\\{b:03o}").as_bytes()),
            }
        }
        assert_eq!(Vec::<u8>::from_sql(&Type::BYTEA, Format::Text, &text).unwrap(), all);
    }

    #[test]
    fn borrowed_slices_in_text_format() {
        assert_eq!(
            <&[u8]>::from_sql(&Type::BYTEA, Format::Text, b"plain").unwrap(),
            b"plain"
        );
        let err = <&[u8]>::from_sql(&Type::BYTEA, Format::Text, b"\\x00").unwrap_err();
        assert!(matches!(kind(&err), DecodeErrorKind::Unsupported(_)));
        let cow = Cow::<[u8]>::from_sql(&Type::BYTEA, Format::Text, b"plain").unwrap();
        assert!(matches!(cow, Cow::Borrowed(_)));
    }

    #[test]
    fn accepts_only_bytea() {
        for ty in [Type::BYTEA, Type::TEXT, Type::UUID, Type::INT4, Type::from_oid(99_999)] {
            let is_bytea = ty == Type::BYTEA;
            assert_eq!(<Vec<u8> as FromSql>::accepts(&ty), is_bytea);
            assert_eq!(<&[u8] as FromSql>::accepts(&ty), is_bytea);
            assert_eq!(<Cow<[u8]> as FromSql>::accepts(&ty), is_bytea);
            assert_eq!(ToSql::accepts(&vec![1u8], &ty), is_bytea);
            assert_eq!(ToSql::accepts(&&b"x"[..], &ty), is_bytea);
        }
        assert_encode_wrong_type(&vec![1u8], &Type::TEXT);
        assert_encode_wrong_type(&&b"x"[..], &Type::UUID);
        for format in FORMATS {
            assert!(is_wrong_type(
                &Vec::<u8>::from_sql(&Type::TEXT, format, b"x").unwrap_err()
            ));
            assert!(is_wrong_type(
                &<&[u8]>::from_sql(&Type::INT4, format, b"x").unwrap_err()
            ));
        }
    }

    #[test]
    fn null_handling() {
        assert!(Vec::<u8>::from_sql_null(&Type::BYTEA).unwrap_err().is::<WasNull>());
        assert_eq!(Option::<Vec<u8>>::from_sql_null(&Type::BYTEA).unwrap(), None);
        assert_eq!(
            Option::<&[u8]>::from_sql(&Type::BYTEA, Format::Binary, b"x").unwrap(),
            Some(&b"x"[..])
        );
    }
}
