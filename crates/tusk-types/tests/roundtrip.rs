//! Property tests: every value survives encode → decode in binary, the text
//! PostgreSQL would print decodes to the same value, and no input bytes make a
//! decoder panic.

use std::borrow::Cow;

use bytes::BytesMut;
use proptest::prelude::*;
use tusk_types::{Format, FromSql, IsNull, ToSql, Type};

/// Encodes `value` for `ty`; it must not be NULL.
fn encode<T: ToSql>(value: &T, ty: &Type) -> Vec<u8> {
    let mut buf = BytesMut::new();
    assert_eq!(value.to_sql(ty, &mut buf).unwrap(), IsNull::No);
    buf.to_vec()
}

/// `float8out`'s spelling: `NaN`, `Infinity`, and exponents with a sign
/// (`1e+100`).
fn pg_float_text(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        let exp = format!("{value:e}");
        match exp.split_once('e') {
            Some((mantissa, power)) if !power.starts_with('-') => format!("{mantissa}e+{power}"),
            _ => exp,
        }
    }
}

/// `byteaout` with `bytea_output = 'hex'`.
fn bytea_hex(bytes: &[u8]) -> String {
    let mut text = String::from("\\x");
    for b in bytes {
        text.push_str(&format!("{b:02x}"));
    }
    text
}

/// `byteaout` with `bytea_output = 'escape'`.
fn bytea_escape(bytes: &[u8]) -> Vec<u8> {
    let mut text = Vec::new();
    for &b in bytes {
        match b {
            b'\\' => text.extend_from_slice(b"\\\\"),
            0x20..=0x7e => text.push(b),
            _ => text.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
    text
}

/// `uuid_out`: lowercase 8-4-4-4-12.
fn uuid_text(bytes: &[u8; 16]) -> String {
    let mut text = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{b:02x}"));
    }
    text
}

/// Runs every decoder on `raw` in both formats, against its own type and a
/// few others; only asks that none panics.
fn decode_everything(raw: &[u8]) {
    let types = [
        Type::BOOL,
        Type::CHAR,
        Type::INT2,
        Type::INT4,
        Type::INT8,
        Type::OID,
        Type::FLOAT4,
        Type::FLOAT8,
        Type::TEXT,
        Type::JSONB,
        Type::BYTEA,
        Type::UUID,
        Type::NUMERIC,
        Type::from_oid(123_456),
    ];
    for ty in &types {
        for format in [Format::Text, Format::Binary] {
            let _ = bool::from_sql(ty, format, raw);
            let _ = i8::from_sql(ty, format, raw);
            let _ = i16::from_sql(ty, format, raw);
            let _ = i32::from_sql(ty, format, raw);
            let _ = i64::from_sql(ty, format, raw);
            let _ = u32::from_sql(ty, format, raw);
            let _ = f32::from_sql(ty, format, raw);
            let _ = f64::from_sql(ty, format, raw);
            let _ = String::from_sql(ty, format, raw);
            let _ = <&str>::from_sql(ty, format, raw);
            let _ = Cow::<str>::from_sql(ty, format, raw);
            let _ = Vec::<u8>::from_sql(ty, format, raw);
            let _ = <&[u8]>::from_sql(ty, format, raw);
            let _ = Cow::<[u8]>::from_sql(ty, format, raw);
            let _ = <[u8; 16]>::from_sql(ty, format, raw);
            let _ = Option::<i32>::from_sql(ty, format, raw);
        }
    }
}

proptest! {
    #[test]
    fn i8_char(v: i8) {
        let raw = encode(&v, &Type::CHAR);
        prop_assert_eq!(i8::from_sql(&Type::CHAR, Format::Binary, &raw).unwrap(), v);
        let [byte] = v.to_be_bytes();
        let text = match byte {
            0 => String::new(),
            1..=127 => char::from(byte).to_string(),
            _ => format!("\\{byte:03o}"),
        };
        prop_assert_eq!(i8::from_sql(&Type::CHAR, Format::Text, text.as_bytes()).unwrap(), v);
    }

    #[test]
    fn i16_int2(v: i16) {
        let raw = encode(&v, &Type::INT2);
        prop_assert_eq!(i16::from_sql(&Type::INT2, Format::Binary, &raw).unwrap(), v);
        prop_assert_eq!(i16::from_sql(&Type::INT2, Format::Text, v.to_string().as_bytes()).unwrap(), v);
    }

    #[test]
    fn i32_int4(v: i32) {
        let raw = encode(&v, &Type::INT4);
        prop_assert_eq!(i32::from_sql(&Type::INT4, Format::Binary, &raw).unwrap(), v);
        prop_assert_eq!(i32::from_sql(&Type::INT4, Format::Text, v.to_string().as_bytes()).unwrap(), v);
    }

    #[test]
    fn i64_int8(v: i64) {
        let raw = encode(&v, &Type::INT8);
        prop_assert_eq!(i64::from_sql(&Type::INT8, Format::Binary, &raw).unwrap(), v);
        prop_assert_eq!(i64::from_sql(&Type::INT8, Format::Text, v.to_string().as_bytes()).unwrap(), v);
    }

    #[test]
    fn u32_oid(v: u32) {
        for ty in [Type::OID, Type::REGCLASS, Type::XID] {
            let raw = encode(&v, &ty);
            prop_assert_eq!(u32::from_sql(&ty, Format::Binary, &raw).unwrap(), v);
            prop_assert_eq!(u32::from_sql(&ty, Format::Text, v.to_string().as_bytes()).unwrap(), v);
        }
    }

    #[test]
    fn wider_text_integers_are_out_of_range(v in (i64::from(i32::MAX) + 1)..=i64::MAX) {
        let text = v.to_string();
        prop_assert!(i32::from_sql(&Type::INT4, Format::Text, text.as_bytes()).is_err());
        let negative = format!("-{text}");
        prop_assert!(i32::from_sql(&Type::INT4, Format::Text, negative.as_bytes()).is_err());
        prop_assert!(i16::from_sql(&Type::INT2, Format::Text, text.as_bytes()).is_err());
    }

    #[test]
    fn f64_float8(v: f64) {
        let raw = encode(&v, &Type::FLOAT8);
        let back = f64::from_sql(&Type::FLOAT8, Format::Binary, &raw).unwrap();
        prop_assert_eq!(back.to_bits(), v.to_bits());
        let text = pg_float_text(v);
        let back = f64::from_sql(&Type::FLOAT8, Format::Text, text.as_bytes()).unwrap();
        if v.is_nan() {
            prop_assert!(back.is_nan());
        } else {
            prop_assert_eq!(back.to_bits(), v.to_bits(), "{}", text);
        }
        if v.is_finite() {
            let plain = v.to_string();
            prop_assert_eq!(f64::from_sql(&Type::FLOAT8, Format::Text, plain.as_bytes()).unwrap(), v);
        }
    }

    #[test]
    fn f32_float4(v: f32) {
        let raw = encode(&v, &Type::FLOAT4);
        let back = f32::from_sql(&Type::FLOAT4, Format::Binary, &raw).unwrap();
        prop_assert_eq!(back.to_bits(), v.to_bits());
        if v.is_finite() {
            let text = v.to_string();
            prop_assert_eq!(f32::from_sql(&Type::FLOAT4, Format::Text, text.as_bytes()).unwrap(), v);
            let exp = format!("{v:e}");
            prop_assert_eq!(f32::from_sql(&Type::FLOAT4, Format::Text, exp.as_bytes()).unwrap(), v);
        }
    }

    #[test]
    fn strings(s: String) {
        for ty in [Type::TEXT, Type::VARCHAR, Type::NAME, Type::JSON, Type::JSONB] {
            let raw = encode(&s, &ty);
            prop_assert_eq!(encode(&s.as_str(), &ty), raw.clone());
            prop_assert_eq!(String::from_sql(&ty, Format::Binary, &raw).unwrap(), s.clone());
            prop_assert_eq!(<&str>::from_sql(&ty, Format::Binary, &raw).unwrap(), s.as_str());
            prop_assert_eq!(<&str>::from_sql(&ty, Format::Text, s.as_bytes()).unwrap(), s.as_str());
        }
        // Any type's text form is a string.
        let raw = encode(&s, &Type::NUMERIC);
        prop_assert_eq!(String::from_sql(&Type::NUMERIC, Format::Text, &raw).unwrap(), s);
    }

    #[test]
    fn bytes(v: Vec<u8>) {
        let raw = encode(&v, &Type::BYTEA);
        prop_assert_eq!(&raw, &v);
        prop_assert_eq!(Vec::<u8>::from_sql(&Type::BYTEA, Format::Binary, &raw).unwrap(), v.clone());
        prop_assert_eq!(<&[u8]>::from_sql(&Type::BYTEA, Format::Binary, &raw).unwrap(), &v[..]);
        let hex = bytea_hex(&v);
        prop_assert_eq!(Vec::<u8>::from_sql(&Type::BYTEA, Format::Text, hex.as_bytes()).unwrap(), v.clone());
        let escaped = bytea_escape(&v);
        prop_assert_eq!(Vec::<u8>::from_sql(&Type::BYTEA, Format::Text, &escaped).unwrap(), v);
    }

    #[test]
    fn uuids(v: [u8; 16]) {
        let raw = encode(&v, &Type::UUID);
        prop_assert_eq!(<[u8; 16]>::from_sql(&Type::UUID, Format::Binary, &raw).unwrap(), v);
        let text = uuid_text(&v);
        prop_assert_eq!(<[u8; 16]>::from_sql(&Type::UUID, Format::Text, text.as_bytes()).unwrap(), v);
        let upper = text.to_uppercase();
        prop_assert_eq!(<[u8; 16]>::from_sql(&Type::UUID, Format::Text, upper.as_bytes()).unwrap(), v);
    }

    #[test]
    fn decoders_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..40)) {
        decode_everything(&raw);
    }

    #[test]
    fn decoders_never_panic_on_near_text(raw in "[-+0-9a-fA-FxXeEnNiI.\\\\{}\\- ]{0,40}") {
        decode_everything(raw.as_bytes());
    }

    #[test]
    fn parsed_integers_print_back(s in "[-+ ]?[0-9]{1,20}") {
        if let Ok(v) = i64::from_sql(&Type::INT8, Format::Text, s.as_bytes()) {
            let again = i64::from_sql(&Type::INT8, Format::Text, v.to_string().as_bytes()).unwrap();
            prop_assert_eq!(again, v);
        }
    }
}
