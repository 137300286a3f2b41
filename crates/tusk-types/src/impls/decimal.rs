//! `numeric` as `rust_decimal::Decimal` (feature `with-rust_decimal`) and
//! `bigdecimal::BigDecimal` (feature `with-bigdecimal`).
//!
//! Both convert exactly through [`PgNumeric`]'s digits, never through a
//! float, and keep the display scale (`1.50` stays `1.50`).
//!
//! * `Decimal` holds 96-bit integers scaled by 10⁰ to 10⁻²⁸. A `numeric`
//!   with more significant digits, or with non-zero digits beyond 28 decimal
//!   places, is [`OutOfRange`](crate::DecodeErrorKind::OutOfRange); trailing
//!   zeros beyond 28 places are dropped. Every `Decimal` fits a `numeric`.
//! * `BigDecimal` holds any value. Decoding always succeeds for finite
//!   values; encoding one with more than 16 383 fractional digits or
//!   131 072 integer digits is a [`ValueOutOfRange`](crate::ValueOutOfRange).
//!
//! `NaN` and the infinities have no value in either type and decode to
//! [`Unsupported`](crate::DecodeErrorKind::Unsupported) errors.

use bytes::BytesMut;

use super::numeric::PgNumeric;
use super::scalar::{PgValue, pg_value_impls};
use crate::{BoxError, DecodeErrorKind, Type};

/// The error for `NaN` and the infinities.
const NOT_FINITE: DecodeErrorKind =
    DecodeErrorKind::Unsupported("NaN and infinite numeric values have no value in this Rust type");

/// Whether `ty` is `numeric`.
fn is_numeric(ty: &Type) -> bool {
    ty.oid() == Type::NUMERIC.oid()
}

#[cfg(feature = "with-rust_decimal")]
mod rust_decimal_impl {
    use super::*;
    use rust_decimal::Decimal;

    /// The largest scale a `Decimal` has.
    const MAX_SCALE: u16 = 28;

    /// The `Decimal` of a finite `numeric`.
    pub(super) fn to_decimal(n: &PgNumeric) -> Result<Decimal, DecodeErrorKind> {
        let (negative, mut digits, mut scale) = n.unscaled().ok_or(NOT_FINITE)?;
        while scale > MAX_SCALE && digits.last() == Some(&0) {
            digits.pop();
            scale -= 1;
        }
        if scale > MAX_SCALE {
            // A zero with a large display scale is still zero.
            if digits.is_empty() {
                scale = MAX_SCALE;
            } else {
                return Err(DecodeErrorKind::OutOfRange);
            }
        }
        let mut mantissa: i128 = 0;
        for d in digits {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(d)))
                .ok_or(DecodeErrorKind::OutOfRange)?;
        }
        if negative {
            mantissa = -mantissa;
        }
        Decimal::try_from_i128_with_scale(mantissa, u32::from(scale)).map_err(|_| DecodeErrorKind::OutOfRange)
    }

    /// The `numeric` of a `Decimal`.
    pub(super) fn from_decimal(d: &Decimal) -> PgNumeric {
        let mantissa = d.mantissa();
        let digits: Vec<u8> = mantissa.unsigned_abs().to_string().bytes().map(|b| b - b'0').collect();
        // At most 29 digits and a scale of at most 28: always in range.
        PgNumeric::from_unscaled(mantissa < 0, &digits, i128::from(d.scale())).unwrap_or(PgNumeric::ZERO)
    }

    impl PgValue for Decimal {
        const NAME: &'static str = "Decimal";

        fn accepts_type(ty: &Type) -> bool {
            is_numeric(ty)
        }

        fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
            to_decimal(&PgNumeric::decode_binary(ty, raw)?)
        }

        fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
            to_decimal(&PgNumeric::decode_text(ty, text)?)
        }

        fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
            from_decimal(self).encode_binary(ty, out)
        }
    }

    pg_value_impls!(Decimal);

    impl TryFrom<&PgNumeric> for Decimal {
        type Error = DecodeErrorKind;

        /// The exact `Decimal`, if it has one (see the module docs).
        fn try_from(n: &PgNumeric) -> Result<Decimal, DecodeErrorKind> {
            to_decimal(n)
        }
    }

    impl From<Decimal> for PgNumeric {
        /// The exact `numeric`, with the `Decimal`'s scale as display scale.
        fn from(d: Decimal) -> PgNumeric {
            from_decimal(&d)
        }
    }
}

#[cfg(feature = "with-bigdecimal")]
mod bigdecimal_impl {
    use super::*;
    use crate::impls::scalar::out_of_range;
    use bigdecimal::BigDecimal;
    use bigdecimal::num_bigint::{BigInt, Sign};

    /// The `BigDecimal` of a finite `numeric`.
    pub(super) fn to_big(n: &PgNumeric) -> Result<BigDecimal, DecodeErrorKind> {
        let (negative, digits, scale) = n.unscaled().ok_or(NOT_FINITE)?;
        let sign = match (digits.is_empty(), negative) {
            (true, _) => Sign::NoSign,
            (false, true) => Sign::Minus,
            (false, false) => Sign::Plus,
        };
        let int = if digits.is_empty() {
            BigInt::from(0)
        } else {
            BigInt::from_radix_be(sign, &digits, 10).ok_or(DecodeErrorKind::InvalidSyntax)?
        };
        Ok(BigDecimal::new(int, i64::from(scale)))
    }

    /// The `numeric` of a `BigDecimal`, if in range.
    pub(super) fn from_big(d: &BigDecimal) -> Result<PgNumeric, DecodeErrorKind> {
        let (int, scale) = d.as_bigint_and_exponent();
        let (sign, digits) = int.to_radix_be(10);
        PgNumeric::from_unscaled(sign == Sign::Minus, &digits, i128::from(scale))
    }

    impl PgValue for BigDecimal {
        const NAME: &'static str = "BigDecimal";

        fn accepts_type(ty: &Type) -> bool {
            is_numeric(ty)
        }

        fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
            to_big(&PgNumeric::decode_binary(ty, raw)?)
        }

        fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
            to_big(&PgNumeric::decode_text(ty, text)?)
        }

        fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
            let n = from_big(self).map_err(|_| {
                out_of_range(
                    Self::NAME,
                    ty,
                    "numeric holds at most 131072 digits before the point and 16383 after it",
                )
            })?;
            n.encode_binary(ty, out)
        }
    }

    pg_value_impls!(BigDecimal);

    impl TryFrom<&PgNumeric> for BigDecimal {
        type Error = DecodeErrorKind;

        /// The exact `BigDecimal` of a finite value.
        fn try_from(n: &PgNumeric) -> Result<BigDecimal, DecodeErrorKind> {
            to_big(n)
        }
    }

    impl TryFrom<&BigDecimal> for PgNumeric {
        type Error = DecodeErrorKind;

        /// The exact `numeric`, if PostgreSQL can hold it.
        fn try_from(d: &BigDecimal) -> Result<PgNumeric, DecodeErrorKind> {
            from_big(d)
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    #[allow(unused_imports)]
    use super::*;
    #[allow(unused_imports)]
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};

    #[cfg(feature = "with-rust_decimal")]
    #[test]
    fn rust_decimal() {
        use rust_decimal::Decimal;
        use std::str::FromStr;

        for text in [
            "0",
            "1.50",
            "-12.345",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
        ] {
            let d = Decimal::from_str(text).unwrap();
            let raw = encode(&d, &Type::NUMERIC);
            let n = PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap();
            assert_eq!(n.to_string(), text);
            let back = Decimal::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap();
            assert_eq!(back.to_string(), text);
            assert_eq!(back.scale(), d.scale());
            assert_eq!(
                Decimal::from_sql(&Type::NUMERIC, Format::Text, text.as_bytes()).unwrap(),
                d
            );
        }
        let exact = Decimal::from_sql(&Type::NUMERIC, Format::Text, b"1.5000000000000000000000000000000000").unwrap();
        assert_eq!(exact.to_string(), "1.5000000000000000000000000000");
        let zero = Decimal::from_sql(&Type::NUMERIC, Format::Text, b"0.00000000000000000000000000000000000").unwrap();
        assert!(zero.is_zero());
        for (text, expected) in [
            ("79228162514264337593543950336", DecodeErrorKind::OutOfRange),
            ("0.00000000000000000000000000001", DecodeErrorKind::OutOfRange),
            ("1e40", DecodeErrorKind::OutOfRange),
            ("NaN", NOT_FINITE),
            ("-Infinity", NOT_FINITE),
        ] {
            let err = Decimal::from_sql(&Type::NUMERIC, Format::Text, text.as_bytes()).unwrap_err();
            assert_eq!(kind(&err), expected, "{text}");
        }
        assert_eq!(PgNumeric::from(Decimal::new(-150, 2)).to_string(), "-1.50");
        assert_eq!(Decimal::try_from(&PgNumeric::from(7)).unwrap(), Decimal::from(7));
        assert_encode_wrong_type(&Decimal::ONE, &Type::FLOAT8);
        assert!(!<Decimal as FromSql>::accepts(&Type::INT8));
    }

    #[cfg(feature = "with-bigdecimal")]
    #[test]
    fn bigdecimal() {
        use bigdecimal::BigDecimal;
        use std::str::FromStr;

        let huge = format!("{}.{}", "9".repeat(1000), "1".repeat(500));
        for text in ["0", "1.50", "-12.345", "0.001", huge.as_str()] {
            let d = BigDecimal::from_str(text).unwrap();
            let raw = encode(&d, &Type::NUMERIC);
            let n = PgNumeric::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap();
            assert_eq!(n.to_string(), text);
            let back = BigDecimal::from_sql(&Type::NUMERIC, Format::Binary, &raw).unwrap();
            assert_eq!(back, d);
            assert_eq!(back.fractional_digit_count(), d.fractional_digit_count());
            assert_eq!(
                BigDecimal::from_sql(&Type::NUMERIC, Format::Text, text.as_bytes()).unwrap(),
                d
            );
        }
        // A negative scale (an exponent) becomes digits and dscale 0.
        let d = BigDecimal::from_str("1.5e10").unwrap();
        assert_eq!(PgNumeric::try_from(&d).unwrap().to_string(), "15000000000");
        let too_small = BigDecimal::from_str("1e-20000").unwrap();
        let err = too_small
            .to_sql(&Type::NUMERIC, &mut bytes::BytesMut::new())
            .unwrap_err();
        assert!(err.is::<ValueOutOfRange>());
        let too_big = BigDecimal::from_str("1e200000").unwrap();
        assert!(too_big.to_sql(&Type::NUMERIC, &mut bytes::BytesMut::new()).is_err());
        let err = BigDecimal::from_sql(&Type::NUMERIC, Format::Text, b"NaN").unwrap_err();
        assert_eq!(kind(&err), NOT_FINITE);
        assert_eq!(
            BigDecimal::try_from(&PgNumeric::from(-3)).unwrap(),
            BigDecimal::from(-3)
        );
        assert_encode_wrong_type(&BigDecimal::from(1), &Type::INT4);
    }
}
