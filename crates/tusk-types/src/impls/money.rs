//! `money`: [`PgMoney`], a 64-bit count of the currency's smallest unit.
//!
//! # Binary layout (`cash_send`)
//!
//! One big-endian `i64`: the amount in the smallest unit of the currency of
//! the server's `lc_monetary` setting. With two fractional digits (the `C`
//! locale, `en_US`, most currencies) that is cents: `$1,234.56` is `123456`.
//! A currency without minor units (`ja_JP`: yen) counts whole units.
//!
//! # Text
//!
//! The text form depends on `lc_monetary`: the currency symbol, the
//! separators, where the sign goes. In the `C` locale (and `en_US`),
//! `cash_out` prints `$1,234.56` and `-$1,234.56`. This crate reads that
//! form, best effort: an optional sign or parentheses, an optional `$`,
//! digits with `,` group separators, `.` and the fraction, rounding a third
//! fractional digit as `cash_in` does. Other locales' text (`1.234,56 €`)
//! is refused as invalid syntax; ask for binary (the client does) or set
//! `lc_monetary = 'C'` for text results.

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::scalar::{Cursor, PgValue, Reader, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// A PostgreSQL `money` amount: an `i64` count of the currency's smallest
/// unit (cents with the usual two fractional digits).
///
/// Binary: the `i64`, big-endian. Text depends on the server's `lc_monetary`;
/// `Display` and `FromStr` use the `C` locale's form (`$1,234.56`,
/// `-$1.00`), and the text decoder reads that form only (best effort:
/// parentheses or a sign, an optional `$`, `,` separators, rounding a third
/// fractional digit). Other locales' text is refused as invalid syntax; the
/// binary form works whatever the locale. In a currency without minor units
/// the `i64` counts whole units.
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgMoney, ToSql, Type};
///
/// let m = PgMoney(-123_456);
/// assert_eq!(m.to_string(), "-$1,234.56");
/// assert_eq!("-$1,234.56".parse::<PgMoney>().unwrap(), m);
///
/// let mut buf = BytesMut::new();
/// m.to_sql(&Type::MONEY, &mut buf).unwrap();
/// assert_eq!(&buf[..], &(-123_456i64).to_be_bytes());
/// assert_eq!(PgMoney::from_sql(&Type::MONEY, Format::Text, b"$0.05").unwrap(), PgMoney(5));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PgMoney(pub i64);

impl PgMoney {
    /// The amount in cents (smallest units).
    ///
    /// ```
    /// use tusk_types::PgMoney;
    ///
    /// assert_eq!(PgMoney(199).cents(), 199);
    /// ```
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses the `C`-locale text form.
    fn parse(s: &str) -> Result<PgMoney, DecodeErrorKind> {
        let mut c = Cursor::new(s);
        c.skip_ws();
        let mut negative = false;
        let parens = c.eat(b'(');
        // A sign and a currency symbol, in either order.
        for _ in 0..2 {
            c.skip_ws();
            if c.eat(b'-') {
                negative = !negative;
            } else if c.eat(b'+') {
            } else {
                c.eat(b'$');
            }
        }
        c.skip_ws();
        let mut value: i128 = 0;
        let mut digits = 0usize;
        let mut frac: Option<u32> = None;
        let mut round_up = false;
        loop {
            match c.peek() {
                Some(b @ b'0'..=b'9') => {
                    c.next();
                    match frac {
                        Some(n) if n >= 2 => {
                            // cash_in rounds on the first extra digit and skips the rest.
                            if n == 2 {
                                round_up = b >= b'5';
                            }
                            frac = Some(n + 1);
                        }
                        _ => {
                            value = value * 10 + i128::from(b - b'0');
                            if value > i128::from(i64::MAX) + 1 {
                                return Err(DecodeErrorKind::OutOfRange);
                            }
                            frac = frac.map(|n| n + 1);
                        }
                    }
                    digits += 1;
                }
                Some(b',') if frac.is_none() && digits > 0 => {
                    c.next();
                }
                Some(b'.') if frac.is_none() => {
                    c.next();
                    frac = Some(0);
                }
                _ => break,
            }
        }
        if digits == 0 {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        for _ in frac.unwrap_or(0).min(2)..2 {
            value *= 10;
        }
        if round_up {
            value += 1;
        }
        // A trailing sign or symbol, then the closing parenthesis.
        c.skip_ws();
        if c.eat(b'-') {
            negative = !negative;
        }
        c.skip_ws();
        if parens {
            c.expect(b')')?;
            negative = !negative;
        }
        c.finish()?;
        let value = if negative { -value } else { value };
        i64::try_from(value)
            .map(PgMoney)
            .map_err(|_| DecodeErrorKind::OutOfRange)
    }
}

impl fmt::Display for PgMoney {
    /// The `C` locale's `cash_out`: `$1,234.56`, `-$0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let units = (abs / 100).to_string();
        let mut grouped = String::with_capacity(units.len() + units.len() / 3 + 8);
        if self.0 < 0 {
            grouped.push('-');
        }
        grouped.push('$');
        for (i, ch) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{grouped}.{:02}", abs % 100)
    }
}

impl FromStr for PgMoney {
    type Err = DecodeError;

    /// Parses the `C` locale's text form (`$1,234.56`, `-$1.00`, `(1.00)`).
    fn from_str(s: &str) -> Result<PgMoney, DecodeError> {
        value_from_str(&Type::MONEY, s)
    }
}

impl From<i64> for PgMoney {
    /// An amount in cents.
    fn from(cents: i64) -> PgMoney {
        PgMoney(cents)
    }
}

impl PgValue for PgMoney {
    const NAME: &'static str = "PgMoney";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::MONEY.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let cents = r.i64()?;
        r.finish()?;
        Ok(PgMoney(cents))
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgMoney::parse(text)
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(self.0);
        Ok(())
    }
}

pg_value_impls!(PgMoney);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql};
    use proptest::prelude::*;

    #[test]
    fn display() {
        let cases = [
            (0, "$0.00"),
            (5, "$0.05"),
            (-5, "-$0.05"),
            (100, "$1.00"),
            (-100, "-$1.00"),
            (123_456, "$1,234.56"),
            (100_000_000, "$1,000,000.00"),
            (i64::MAX, "$92,233,720,368,547,758.07"),
            (i64::MIN, "-$92,233,720,368,547,758.08"),
        ];
        for (cents, text) in cases {
            assert_eq!(PgMoney(cents).to_string(), text);
            assert_eq!(text.parse::<PgMoney>().unwrap(), PgMoney(cents), "{text}");
        }
    }

    #[test]
    fn lenient_text() {
        let cases = [
            ("12", 1200),
            ("12.3", 1230),
            ("$12.345", 1235),
            ("12.344", 1234),
            ("-12.345", -1235),
            ("12.3459", 1235),
            ("(12.00)", -1200),
            ("($1,000.00)", -100_000),
            ("$-1.00", -100),
            ("  $ 1,000  ", 100_000),
            ("1.00-", -100),
            ("+$3", 300),
            ("0.", 0),
        ];
        for (text, cents) in cases {
            assert_eq!(text.parse::<PgMoney>().unwrap(), PgMoney(cents), "{text}");
        }
        for bad in ["", "$", "abc", "1.2.3", "1,00€", "(1.00", ",1", "1.00 EUR", "1 2"] {
            let err = bad.parse::<PgMoney>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::InvalidSyntax, "{bad}");
        }
        for big in [
            "$92,233,720,368,547,758.08",
            "-$92,233,720,368,547,758.09",
            "1".repeat(40).as_str(),
        ] {
            let err = big.parse::<PgMoney>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::OutOfRange, "{big}");
        }
    }

    #[test]
    fn binary() {
        for cents in [0, 1, -1, i64::MAX, i64::MIN] {
            let raw = encode(&PgMoney(cents), &Type::MONEY);
            assert_eq!(raw, cents.to_be_bytes());
            assert_eq!(
                PgMoney::from_sql(&Type::MONEY, Format::Binary, &raw).unwrap(),
                PgMoney(cents)
            );
        }
        let err = PgMoney::from_sql(&Type::MONEY, Format::Binary, &[0; 7]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::WrongLength { expected: 8, actual: 7 });
        let err = PgMoney::from_sql(&Type::MONEY, Format::Binary, &[0; 9]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::WrongLength { expected: 8, actual: 9 });
        assert_encode_wrong_type(&PgMoney(1), &Type::INT8);
        assert!(!<PgMoney as FromSql>::accepts(&Type::NUMERIC));
        assert!(PgMoney(1).accepts(&Type::MONEY));
        assert_eq!(PgMoney::from(7).cents(), 7);
    }

    proptest! {
        #[test]
        fn text_round_trip(cents in any::<i64>()) {
            let text = PgMoney(cents).to_string();
            prop_assert_eq!(text.parse::<PgMoney>().unwrap(), PgMoney(cents));
        }

        #[test]
        fn parser_never_panics(text in "[-+$(), .0-9]{0,30}") {
            let _ = text.parse::<PgMoney>();
        }
    }
}
