//! Booleans, integers, OIDs and floats.
//!
//! Binary: `bool` is one byte (0 false, anything else true, as `boolrecv`
//! reads it); `"char"` is one byte; integers and OIDs are big-endian two's
//! complement or unsigned; floats are big-endian IEEE 754.
//!
//! Text: what PostgreSQL prints: `t`/`f`, decimal integers, and floats in the
//! shortest form that reads back exactly, with `NaN`, `Infinity` and
//! `-Infinity` spelled out.

use std::num::{IntErrorKind, ParseIntError};
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::{ensure_type, fixed, utf8};
use crate::error::decode_error;
use crate::types::is_oid_like;
use crate::{BoxError, DecodeErrorKind, Format, FromSql, IsNull, ToSql, Type};

impl ToSql for bool {
    #[inline]
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        ensure_type(ToSql::accepts(self, ty), "bool", ty)?;
        out.put_u8(u8::from(*self));
        Ok(IsNull::No)
    }

    #[inline]
    fn accepts(&self, ty: &Type) -> bool {
        <bool as FromSql>::accepts(ty)
    }

    #[inline]
    fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
        ensure_type(ToSql::accepts(self, ty), "bool", ty)?;
        out.put_slice(&[0, 0, 0, 1, u8::from(*self)]);
        Ok(Format::Binary)
    }

    fn type_name(&self) -> &'static str {
        "bool"
    }
}

impl<'a> FromSql<'a> for bool {
    #[inline]
    fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
        ensure_type(<bool as FromSql>::accepts(ty), "bool", ty)?;
        match format {
            Format::Binary => {
                let [byte] = fixed::<1>("bool", ty, raw)?;
                Ok(byte != 0)
            }
            Format::Text => {
                parse_bool(utf8("bool", ty, format, raw)?).map_err(|kind| decode_error("bool", ty, format, kind))
            }
        }
    }

    #[inline]
    fn accepts(ty: &Type) -> bool {
        *ty == Type::BOOL
    }
}

/// The spellings `boolin` accepts in full (it also takes unique prefixes,
/// which the server never prints).
fn parse_bool(s: &str) -> Result<bool, DecodeErrorKind> {
    const TRUE: [&str; 6] = ["t", "true", "y", "yes", "on", "1"];
    const FALSE: [&str; 6] = ["f", "false", "n", "no", "off", "0"];
    let s = s.trim_ascii();
    if TRUE.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Ok(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Ok(false)
    } else {
        Err(DecodeErrorKind::InvalidSyntax)
    }
}

/// Implements both traits for a fixed-size number: binary is its big-endian
/// bytes, text goes through `$parse`.
macro_rules! number_impls {
    ($t:ty, $name:literal, |$oid:ident| $accepts:expr, $parse:expr) => {
        impl ToSql for $t {
            #[inline]
            fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
                ensure_type(ToSql::accepts(self, ty), $name, ty)?;
                out.put_slice(&self.to_be_bytes());
                Ok(IsNull::No)
            }

            #[inline]
            fn accepts(&self, ty: &Type) -> bool {
                <$t as FromSql>::accepts(ty)
            }

            #[inline]
            fn encode_field(&self, ty: &Type, out: &mut BytesMut) -> Result<Format, BoxError> {
                ensure_type(ToSql::accepts(self, ty), $name, ty)?;
                // Length and value in one append.
                let value = self.to_be_bytes();
                let mut field = [0u8; 4 + std::mem::size_of::<$t>()];
                field[..4].copy_from_slice(&(value.len() as i32).to_be_bytes());
                field[4..].copy_from_slice(&value);
                out.put_slice(&field);
                Ok(Format::Binary)
            }

            fn type_name(&self) -> &'static str {
                $name
            }
        }

        impl<'a> FromSql<'a> for $t {
            #[inline]
            fn from_sql(ty: &Type, format: Format, raw: &'a [u8]) -> Result<Self, BoxError> {
                ensure_type(<$t as FromSql>::accepts(ty), $name, ty)?;
                match format {
                    Format::Binary => Ok(<$t>::from_be_bytes(fixed($name, ty, raw)?)),
                    Format::Text => {
                        let parse: fn(&[u8]) -> Result<$t, DecodeErrorKind> = $parse;
                        parse(raw).map_err(|kind| decode_error($name, ty, format, kind))
                    }
                }
            }

            #[inline]
            fn accepts(ty: &Type) -> bool {
                let $oid = ty.oid();
                $accepts
            }
        }
    };
}

number_impls!(i8, "i8", |oid| oid == Type::CHAR.oid(), parse_char);
number_impls!(i16, "i16", |oid| oid == Type::INT2.oid(), parse_int);
number_impls!(i32, "i32", |oid| oid == Type::INT4.oid(), parse_int);
number_impls!(i64, "i64", |oid| oid == Type::INT8.oid(), parse_int);
number_impls!(u32, "u32", |oid| is_oid_like(oid), parse_int);
number_impls!(f32, "f32", |oid| oid == Type::FLOAT4.oid(), |raw| {
    parse_float(raw, f32::is_infinite)
});
number_impls!(f64, "f64", |oid| oid == Type::FLOAT8.oid(), |raw| {
    parse_float(raw, f64::is_infinite)
});

/// The text form of `"char"`, as `charout` prints it: empty for byte 0, the
/// byte itself when below 128, else a backslash and three octal digits.
fn parse_char(raw: &[u8]) -> Result<i8, DecodeErrorKind> {
    match *raw {
        [] => Ok(0),
        [byte] => Ok(i8::from_ne_bytes([byte])),
        [b'\\', a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7'] => {
            let byte = ((a - b'0') << 6) | ((b - b'0') << 3) | (c - b'0');
            Ok(i8::from_ne_bytes([byte]))
        }
        _ => Err(DecodeErrorKind::InvalidSyntax),
    }
}

/// A decimal integer, with the surrounding whitespace `int4in` allows.
fn parse_int<T: FromStr<Err = ParseIntError>>(raw: &[u8]) -> Result<T, DecodeErrorKind> {
    let s = std::str::from_utf8(raw).map_err(|_| DecodeErrorKind::InvalidUtf8)?;
    s.trim_ascii().parse::<T>().map_err(|e| match e.kind() {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => DecodeErrorKind::OutOfRange,
        _ => DecodeErrorKind::InvalidSyntax,
    })
}

/// A float as `float8out` prints it (`1.5`, `1e+100`, `-0`, `NaN`,
/// `Infinity`, `-Infinity`). A finite spelling too large for the Rust type is
/// out of range rather than infinity.
fn parse_float<T: FromStr + Copy>(raw: &[u8], is_infinite: fn(T) -> bool) -> Result<T, DecodeErrorKind> {
    let s = std::str::from_utf8(raw).map_err(|_| DecodeErrorKind::InvalidUtf8)?;
    let s = s.trim_ascii();
    let value: T = s.parse().map_err(|_| DecodeErrorKind::InvalidSyntax)?;
    if is_infinite(value) && !s.bytes().any(|b| b.eq_ignore_ascii_case(&b'i')) {
        return Err(DecodeErrorKind::OutOfRange);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{FORMATS, assert_encode_wrong_type, encode, is_wrong_type, kind};
    use super::*;

    const OID_LIKE: [Type; 14] = [
        Type::OID,
        Type::REGPROC,
        Type::REGPROCEDURE,
        Type::REGOPER,
        Type::REGOPERATOR,
        Type::REGCLASS,
        Type::REGTYPE,
        Type::REGROLE,
        Type::REGNAMESPACE,
        Type::REGCONFIG,
        Type::REGDICTIONARY,
        Type::REGCOLLATION,
        Type::XID,
        Type::CID,
    ];

    #[test]
    fn bool_binary() {
        assert_eq!(encode(&true, &Type::BOOL), [1]);
        assert_eq!(encode(&false, &Type::BOOL), [0]);
        assert!(bool::from_sql(&Type::BOOL, Format::Binary, &[1]).unwrap());
        assert!(!bool::from_sql(&Type::BOOL, Format::Binary, &[0]).unwrap());
        assert!(bool::from_sql(&Type::BOOL, Format::Binary, &[7]).unwrap());
        for raw in [&[][..], &[0, 1]] {
            let err = bool::from_sql(&Type::BOOL, Format::Binary, raw).unwrap_err();
            assert_eq!(
                kind(&err),
                DecodeErrorKind::WrongLength {
                    expected: 1,
                    actual: raw.len()
                }
            );
        }
    }

    #[test]
    fn bool_text() {
        for t in ["t", "true", "TRUE", "yes", "on", "1", " t "] {
            assert!(bool::from_sql(&Type::BOOL, Format::Text, t.as_bytes()).unwrap(), "{t}");
        }
        for f in ["f", "false", "False", "no", "off", "0"] {
            assert!(!bool::from_sql(&Type::BOOL, Format::Text, f.as_bytes()).unwrap(), "{f}");
        }
        for bad in [&b""[..], b"maybe", b"tt", b"\xff"] {
            assert!(bool::from_sql(&Type::BOOL, Format::Text, bad).is_err());
        }
    }

    #[test]
    fn char_binary_and_text() {
        assert_eq!(encode(&65i8, &Type::CHAR), [65]);
        assert_eq!(encode(&-1i8, &Type::CHAR), [255]);
        assert_eq!(i8::from_sql(&Type::CHAR, Format::Binary, &[200]).unwrap(), -56);
        let err = i8::from_sql(&Type::CHAR, Format::Binary, &[]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::WrongLength { expected: 1, actual: 0 });
        assert_eq!(i8::from_sql(&Type::CHAR, Format::Text, b"a").unwrap(), 97);
        assert_eq!(i8::from_sql(&Type::CHAR, Format::Text, b"").unwrap(), 0);
        assert_eq!(i8::from_sql(&Type::CHAR, Format::Text, b"\\").unwrap(), 92);
        assert_eq!(i8::from_sql(&Type::CHAR, Format::Text, b"\\377").unwrap(), -1);
        assert_eq!(i8::from_sql(&Type::CHAR, Format::Text, b"\\200").unwrap(), -128);
        for bad in [&b"ab"[..], b"\\400", b"\\38", b"\\12", b"\\1234"] {
            let err = i8::from_sql(&Type::CHAR, Format::Text, bad).unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax, "{bad:?}");
        }
    }

    #[test]
    fn char_text_matches_charout_for_every_byte() {
        for byte in 0..=255u8 {
            // What charout prints for this byte.
            let text = match byte {
                0 => String::new(),
                1..=127 => char::from(byte).to_string(),
                _ => format!("\\{byte:03o}"),
            };
            let value = i8::from_sql(&Type::CHAR, Format::Text, text.as_bytes()).unwrap();
            assert_eq!(value.to_be_bytes(), [byte]);
        }
    }

    #[test]
    fn int_binary_round_trips() {
        for v in [0i16, 1, -1, i16::MIN, i16::MAX] {
            let raw = encode(&v, &Type::INT2);
            assert_eq!(raw, v.to_be_bytes());
            assert_eq!(i16::from_sql(&Type::INT2, Format::Binary, &raw).unwrap(), v);
        }
        for v in [0i32, 1, -1, i32::MIN, i32::MAX] {
            let raw = encode(&v, &Type::INT4);
            assert_eq!(i32::from_sql(&Type::INT4, Format::Binary, &raw).unwrap(), v);
        }
        for v in [0i64, 1, -1, i64::MIN, i64::MAX] {
            let raw = encode(&v, &Type::INT8);
            assert_eq!(i64::from_sql(&Type::INT8, Format::Binary, &raw).unwrap(), v);
        }
        for v in [0u32, 1, u32::MAX] {
            for ty in &OID_LIKE {
                let raw = encode(&v, ty);
                assert_eq!(u32::from_sql(ty, Format::Binary, &raw).unwrap(), v);
            }
        }
        assert_eq!(encode(&258i32, &Type::INT4), [0, 0, 1, 2]);
    }

    #[test]
    fn int_binary_wrong_sizes() {
        for len in [0usize, 1, 3, 5, 8] {
            let raw = vec![0u8; len];
            let err = i32::from_sql(&Type::INT4, Format::Binary, &raw).unwrap_err();
            assert_eq!(
                kind(&err),
                DecodeErrorKind::WrongLength {
                    expected: 4,
                    actual: len
                }
            );
        }
        assert!(i16::from_sql(&Type::INT2, Format::Binary, &[0, 0, 0]).is_err());
        assert!(i64::from_sql(&Type::INT8, Format::Binary, &[0; 4]).is_err());
        assert!(u32::from_sql(&Type::OID, Format::Binary, &[0; 8]).is_err());
    }

    #[test]
    fn int_text() {
        assert_eq!(i16::from_sql(&Type::INT2, Format::Text, b"-32768").unwrap(), i16::MIN);
        assert_eq!(
            i32::from_sql(&Type::INT4, Format::Text, b"2147483647").unwrap(),
            i32::MAX
        );
        assert_eq!(
            i64::from_sql(&Type::INT8, Format::Text, b"-9223372036854775808").unwrap(),
            i64::MIN
        );
        assert_eq!(
            u32::from_sql(&Type::OID, Format::Text, b"4294967295").unwrap(),
            u32::MAX
        );
        assert_eq!(i32::from_sql(&Type::INT4, Format::Text, b" 12 ").unwrap(), 12);
        assert_eq!(i32::from_sql(&Type::INT4, Format::Text, b"+12").unwrap(), 12);

        let out_of_range = [
            i16::from_sql(&Type::INT2, Format::Text, b"32768").map(drop),
            i16::from_sql(&Type::INT2, Format::Text, b"-32769").map(drop),
            i32::from_sql(&Type::INT4, Format::Text, b"2147483648").map(drop),
            i64::from_sql(&Type::INT8, Format::Text, b"9223372036854775808").map(drop),
            u32::from_sql(&Type::OID, Format::Text, b"4294967296").map(drop),
        ];
        for (i, result) in out_of_range.into_iter().enumerate() {
            assert_eq!(kind(&result.unwrap_err()), DecodeErrorKind::OutOfRange, "case {i}");
        }

        for bad in [&b""[..], b"-", b"1.5", b"12a", b"0x10", b"1_000", b"one", b"\xff"] {
            let err = i32::from_sql(&Type::INT4, Format::Text, bad).unwrap_err();
            assert!(
                matches!(
                    kind(&err),
                    DecodeErrorKind::InvalidSyntax | DecodeErrorKind::InvalidUtf8
                ),
                "{bad:?}"
            );
        }
        assert!(u32::from_sql(&Type::OID, Format::Text, b"-1").is_err());
        // regclass prints a name in text format, which is no OID.
        assert!(u32::from_sql(&Type::REGCLASS, Format::Text, b"pg_class").is_err());
    }

    #[test]
    fn float_binary_round_trips() {
        for v in [
            0.0f64,
            -0.0,
            1.5,
            -2.25e300,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let raw = encode(&v, &Type::FLOAT8);
            let back = f64::from_sql(&Type::FLOAT8, Format::Binary, &raw).unwrap();
            assert_eq!(back.to_bits(), v.to_bits());
        }
        let raw = encode(&f64::NAN, &Type::FLOAT8);
        assert!(f64::from_sql(&Type::FLOAT8, Format::Binary, &raw).unwrap().is_nan());
        for v in [0.0f32, -0.0, 1.5, f32::MAX, f32::INFINITY] {
            let raw = encode(&v, &Type::FLOAT4);
            assert_eq!(raw, v.to_be_bytes());
            let back = f32::from_sql(&Type::FLOAT4, Format::Binary, &raw).unwrap();
            assert_eq!(back.to_bits(), v.to_bits());
        }
        assert!(f32::from_sql(&Type::FLOAT4, Format::Binary, &[0; 8]).is_err());
        assert!(f64::from_sql(&Type::FLOAT8, Format::Binary, &[0; 4]).is_err());
    }

    #[test]
    fn float_text() {
        let cases: [(&[u8], f64); 9] = [
            (b"1.5", 1.5),
            (b"1e+100", 1e100),
            (b"-1.2345678901234567e-300", -1.234_567_890_123_456_7e-300),
            (b"0", 0.0),
            (b"Infinity", f64::INFINITY),
            (b"-Infinity", f64::NEG_INFINITY),
            (b"inf", f64::INFINITY),
            (b"3", 3.0),
            (b" 2.5 ", 2.5),
        ];
        for (text, expected) in cases {
            assert_eq!(f64::from_sql(&Type::FLOAT8, Format::Text, text).unwrap(), expected);
        }
        let neg_zero = f64::from_sql(&Type::FLOAT8, Format::Text, b"-0").unwrap();
        assert!(neg_zero == 0.0 && neg_zero.is_sign_negative());
        assert!(f64::from_sql(&Type::FLOAT8, Format::Text, b"NaN").unwrap().is_nan());
        assert!(f32::from_sql(&Type::FLOAT4, Format::Text, b"NaN").unwrap().is_nan());
        assert_eq!(
            f32::from_sql(&Type::FLOAT4, Format::Text, b"3.4028235e+38").unwrap(),
            f32::MAX
        );
        assert_eq!(
            f32::from_sql(&Type::FLOAT4, Format::Text, b"-Infinity").unwrap(),
            f32::NEG_INFINITY
        );

        let err = f32::from_sql(&Type::FLOAT4, Format::Text, b"1e+100").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        let err = f64::from_sql(&Type::FLOAT8, Format::Text, b"1e999").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        for bad in [&b""[..], b"abc", b"1.5.5", b"--1", b"1e", b"\xff"] {
            assert!(f64::from_sql(&Type::FLOAT8, Format::Text, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn accepts_matrix() {
        let all = [
            Type::BOOL,
            Type::CHAR,
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::OID,
            Type::FLOAT4,
            Type::FLOAT8,
            Type::TEXT,
            Type::NUMERIC,
            Type::BYTEA,
            Type::from_oid(99_999),
        ];
        let only = |accepted: &[Type], accepts: &dyn Fn(&Type) -> bool| {
            for ty in &all {
                assert_eq!(accepts(ty), accepted.contains(ty), "{ty}");
            }
        };
        only(&[Type::BOOL], &|ty| <bool as FromSql>::accepts(ty));
        only(&[Type::BOOL], &|ty| ToSql::accepts(&true, ty));
        only(&[Type::CHAR], &|ty| <i8 as FromSql>::accepts(ty));
        only(&[Type::CHAR], &|ty| ToSql::accepts(&1i8, ty));
        only(&[Type::INT2], &|ty| <i16 as FromSql>::accepts(ty));
        only(&[Type::INT2], &|ty| ToSql::accepts(&1i16, ty));
        only(&[Type::INT4], &|ty| <i32 as FromSql>::accepts(ty));
        only(&[Type::INT4], &|ty| ToSql::accepts(&1i32, ty));
        only(&[Type::INT8], &|ty| <i64 as FromSql>::accepts(ty));
        only(&[Type::INT8], &|ty| ToSql::accepts(&1i64, ty));
        only(&[Type::OID], &|ty| <u32 as FromSql>::accepts(ty));
        only(&[Type::OID], &|ty| ToSql::accepts(&1u32, ty));
        only(&[Type::FLOAT4], &|ty| <f32 as FromSql>::accepts(ty));
        only(&[Type::FLOAT4], &|ty| ToSql::accepts(&1f32, ty));
        only(&[Type::FLOAT8], &|ty| <f64 as FromSql>::accepts(ty));
        only(&[Type::FLOAT8], &|ty| ToSql::accepts(&1f64, ty));
        for ty in &OID_LIKE {
            assert!(<u32 as FromSql>::accepts(ty) && ToSql::accepts(&0u32, ty), "{ty}");
        }
    }

    #[test]
    fn wrong_type_is_refused_both_ways() {
        assert_encode_wrong_type(&1i64, &Type::INT4);
        assert_encode_wrong_type(&1i32, &Type::INT8);
        assert_encode_wrong_type(&1i16, &Type::INT4);
        assert_encode_wrong_type(&1.0f64, &Type::FLOAT4);
        assert_encode_wrong_type(&1.0f32, &Type::FLOAT8);
        assert_encode_wrong_type(&true, &Type::INT4);
        assert_encode_wrong_type(&1u32, &Type::INT4);
        assert_encode_wrong_type(&1i8, &Type::TEXT);
        for format in FORMATS {
            assert!(is_wrong_type(&i64::from_sql(&Type::INT4, format, &[0; 4]).unwrap_err()));
            assert!(is_wrong_type(&i32::from_sql(&Type::INT8, format, &[0; 8]).unwrap_err()));
            assert!(is_wrong_type(
                &f32::from_sql(&Type::FLOAT8, format, &[0; 8]).unwrap_err()
            ));
            assert!(is_wrong_type(&bool::from_sql(&Type::TEXT, format, b"t").unwrap_err()));
            assert!(is_wrong_type(&u32::from_sql(&Type::INT4, format, &[0; 4]).unwrap_err()));
        }
        let err = i64::from_sql(&Type::INT4, Format::Binary, &[0; 4]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot convert between Rust type `i64` and PostgreSQL type `int4`"
        );
    }

    #[test]
    fn null_is_refused() {
        assert!(bool::from_sql_null(&Type::BOOL).unwrap_err().is::<crate::WasNull>());
        assert!(i32::from_sql_null(&Type::INT4).unwrap_err().is::<crate::WasNull>());
        assert!(f64::from_sql_null(&Type::FLOAT8).unwrap_err().is::<crate::WasNull>());
        assert_eq!(Option::<i16>::from_sql_null(&Type::INT2).unwrap(), None);
        assert_eq!(
            Option::<i16>::from_sql(&Type::INT2, Format::Binary, &[0, 3]).unwrap(),
            Some(3)
        );
    }

    #[test]
    fn garbage_never_panics() {
        let inputs: [&[u8]; 8] = [b"", b"\0", b"\xff\xfe", b"\\", b"\\9", b"-", b"1e", b"NaNx"];
        for raw in inputs {
            for format in FORMATS {
                let _ = bool::from_sql(&Type::BOOL, format, raw);
                let _ = i8::from_sql(&Type::CHAR, format, raw);
                let _ = i16::from_sql(&Type::INT2, format, raw);
                let _ = i32::from_sql(&Type::INT4, format, raw);
                let _ = i64::from_sql(&Type::INT8, format, raw);
                let _ = u32::from_sql(&Type::OID, format, raw);
                let _ = f32::from_sql(&Type::FLOAT4, format, raw);
                let _ = f64::from_sql(&Type::FLOAT8, format, raw);
            }
        }
    }
}
