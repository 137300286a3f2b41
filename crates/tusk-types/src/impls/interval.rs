//! `interval`: [`PgInterval`], months, days and microseconds kept apart.
//!
//! # Binary layout (`interval_send`)
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `time` | `i64` | microseconds |
//! | `day` | `i32` | days |
//! | `month` | `i32` | months |
//!
//! The three are separate because they are not convertible: a month has 28
//! to 31 days, and a day has 23 to 25 hours across a daylight-saving change.
//! `1 year 2 mons 3 days 04:05:06.789` is months 14, days 3, microseconds
//! 14 706 789 000. PostgreSQL 17 added infinite intervals: `infinity` is all
//! three fields at their maximum (`i32::MAX`, `i32::MAX`, `i64::MAX`) and
//! `-infinity` all three at their minimum.
//!
//! # Text
//!
//! The default `IntervalStyle`, `postgres`, prints the non-zero fields as
//! `N year(s)`, `N mon(s)`, `N day(s)`, then the time as `[-]HH:MM:SS[.ffffff]`
//! (hours are not limited to 24): `1 year 2 mons 3 days 04:05:06.789`,
//! `-00:00:01`, `-1 years -2 mons +3 days -04:05:06`, `00:00:00` for zero.
//! A `+` marks a positive field that follows a negative one. [`PgInterval`]'s
//! `Display` prints exactly that; `FromStr` and the text decoder read it, the
//! `postgres_verbose` style (`@ 1 year 2 mons ago`) and the `iso_8601` style
//! (`P1Y2M3DT4H5M6.789S`), but not `sql_standard`.

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};

use super::datetime::write_fraction;
use super::scalar::{Cursor, PgValue, Reader, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// Microseconds in an hour.
const USECS_PER_HOUR: i128 = 3_600_000_000;
/// Microseconds in a minute.
const USECS_PER_MINUTE: i128 = 60_000_000;
/// Microseconds in a second.
const USECS_PER_SEC: i128 = 1_000_000;

/// A PostgreSQL `interval`: months, days and microseconds, each signed and
/// independent (a month is not a fixed number of days, nor a day of hours).
///
/// Binary: `i64` microseconds, `i32` days, `i32` months. PostgreSQL 17's
/// `infinity` / `-infinity` are all three fields at their maximum / minimum
/// ([`PgInterval::INFINITY`]). Text: the default `postgres` `IntervalStyle`
/// (`1 year 2 mons 3 days 04:05:06.789`, `-00:00:01`, `-1 years +3 days`),
/// which `Display` prints exactly; decoding also reads `postgres_verbose`
/// (`@ 1 year ago`) and `iso_8601` (`P1Y2M3DT4H5M6.789S`).
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgInterval, ToSql, Type};
///
/// let i: PgInterval = "1 year 2 mons 3 days 04:05:06.789".parse().unwrap();
/// assert_eq!(i, PgInterval { months: 14, days: 3, microseconds: 14_706_789_000 });
/// assert_eq!(i.to_string(), "1 year 2 mons 3 days 04:05:06.789");
///
/// let mut buf = BytesMut::new();
/// i.to_sql(&Type::INTERVAL, &mut buf).unwrap();
/// assert_eq!(&buf[..8], &14_706_789_000i64.to_be_bytes());
/// assert_eq!(&buf[8..12], &3i32.to_be_bytes());
/// assert_eq!(&buf[12..], &14i32.to_be_bytes());
///
/// assert_eq!(PgInterval::from_sql(&Type::INTERVAL, Format::Text, b"-00:00:01").unwrap().microseconds, -1_000_000);
/// assert_eq!(PgInterval::INFINITY.to_string(), "infinity");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgInterval {
    /// Months (a year is 12).
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Microseconds.
    pub microseconds: i64,
}

impl PgInterval {
    /// The zero interval, `00:00:00`.
    ///
    /// ```
    /// use tusk_types::PgInterval;
    ///
    /// assert_eq!(PgInterval::ZERO.to_string(), "00:00:00");
    /// ```
    pub const ZERO: PgInterval = PgInterval::new(0, 0, 0);

    /// `infinity` (PostgreSQL 17+): every field at its maximum.
    ///
    /// ```
    /// use tusk_types::PgInterval;
    ///
    /// assert_eq!(PgInterval::INFINITY, PgInterval::new(i32::MAX, i32::MAX, i64::MAX));
    /// ```
    pub const INFINITY: PgInterval = PgInterval::new(i32::MAX, i32::MAX, i64::MAX);

    /// `-infinity` (PostgreSQL 17+): every field at its minimum.
    ///
    /// ```
    /// use tusk_types::PgInterval;
    ///
    /// assert_eq!(PgInterval::NEG_INFINITY.to_string(), "-infinity");
    /// ```
    pub const NEG_INFINITY: PgInterval = PgInterval::new(i32::MIN, i32::MIN, i64::MIN);

    /// An interval of these months, days and microseconds.
    ///
    /// ```
    /// use tusk_types::PgInterval;
    ///
    /// assert_eq!(PgInterval::new(-1, 2, 0).to_string(), "-1 mons +2 days");
    /// ```
    pub const fn new(months: i32, days: i32, microseconds: i64) -> PgInterval {
        PgInterval {
            months,
            days,
            microseconds,
        }
    }

    /// Whether this is `infinity` or `-infinity`.
    ///
    /// ```
    /// use tusk_types::PgInterval;
    ///
    /// assert!(PgInterval::NEG_INFINITY.is_infinite());
    /// assert!(!PgInterval::new(i32::MAX, 0, 0).is_infinite());
    /// ```
    pub fn is_infinite(&self) -> bool {
        *self == PgInterval::INFINITY || *self == PgInterval::NEG_INFINITY
    }

    /// Parses the `postgres`, `postgres_verbose` or `iso_8601` text.
    fn parse(s: &str) -> Result<PgInterval, DecodeErrorKind> {
        let s = s.trim_ascii();
        if s.eq_ignore_ascii_case("infinity") || s.eq_ignore_ascii_case("+infinity") {
            return Ok(PgInterval::INFINITY);
        }
        if s.eq_ignore_ascii_case("-infinity") {
            return Ok(PgInterval::NEG_INFINITY);
        }
        let mut sum = Sum::default();
        if let Some(iso) = s.strip_prefix(['P', 'p']) {
            parse_iso8601(iso, &mut sum)?;
        } else {
            parse_postgres(s, &mut sum)?;
        }
        sum.finish()
    }
}

/// The fields being added up, wide enough not to overflow on the way.
#[derive(Default)]
struct Sum {
    months: i128,
    days: i128,
    micros: i128,
}

impl Sum {
    /// Adds `value × 10^−scale` of `unit`.
    fn add(&mut self, unit: Unit, value: i128, scale: u32) -> Result<(), DecodeErrorKind> {
        let (field, per_unit) = match unit {
            Unit::Years => (&mut self.months, 12),
            Unit::Months => (&mut self.months, 1),
            Unit::Weeks => (&mut self.days, 7),
            Unit::Days => (&mut self.days, 1),
            Unit::Micros(per) => (&mut self.micros, per),
        };
        if scale > 0 && !matches!(unit, Unit::Micros(_)) {
            // Fractions of calendar units would spill into smaller ones.
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        let divisor = 10i128.checked_pow(scale).ok_or(DecodeErrorKind::OutOfRange)?;
        let scaled = value.checked_mul(per_unit).ok_or(DecodeErrorKind::OutOfRange)?;
        // Round half away from zero to the microsecond.
        let half = divisor / 2;
        let rounded = if scaled >= 0 {
            (scaled + half) / divisor
        } else {
            (scaled - half) / divisor
        };
        *field = field.checked_add(rounded).ok_or(DecodeErrorKind::OutOfRange)?;
        if field.unsigned_abs() > u128::from(u64::MAX) {
            return Err(DecodeErrorKind::OutOfRange);
        }
        Ok(())
    }

    /// Negates every field (`ago`).
    fn negate(&mut self) {
        self.months = -self.months;
        self.days = -self.days;
        self.micros = -self.micros;
    }

    /// The interval, if each field fits.
    fn finish(self) -> Result<PgInterval, DecodeErrorKind> {
        Ok(PgInterval {
            months: i32::try_from(self.months).map_err(|_| DecodeErrorKind::OutOfRange)?,
            days: i32::try_from(self.days).map_err(|_| DecodeErrorKind::OutOfRange)?,
            microseconds: i64::try_from(self.micros).map_err(|_| DecodeErrorKind::OutOfRange)?,
        })
    }
}

/// A unit of an interval field.
#[derive(Clone, Copy)]
enum Unit {
    Years,
    Months,
    Weeks,
    Days,
    /// A time unit: this many microseconds.
    Micros(i128),
}

/// The unit a word names, as `interval_in` spells them.
fn unit(word: &str) -> Option<Unit> {
    let word = word.to_ascii_lowercase();
    Some(match word.as_str() {
        "y" | "yr" | "yrs" | "year" | "years" => Unit::Years,
        "mon" | "mons" | "month" | "months" => Unit::Months,
        "w" | "week" | "weeks" => Unit::Weeks,
        "d" | "day" | "days" => Unit::Days,
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Micros(USECS_PER_HOUR),
        "m" | "min" | "mins" | "minute" | "minutes" => Unit::Micros(USECS_PER_MINUTE),
        "s" | "sec" | "secs" | "second" | "seconds" => Unit::Micros(USECS_PER_SEC),
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => Unit::Micros(1000),
        "us" | "usec" | "usecs" | "microsecond" | "microseconds" => Unit::Micros(1),
        _ => return None,
    })
}

/// A signed decimal number at the cursor: its digits as an integer and how
/// many of them are after the point.
fn parse_number(c: &mut Cursor<'_>) -> Result<(i128, u32), DecodeErrorKind> {
    let negative = match c.peek() {
        Some(b'-') => {
            c.next();
            true
        }
        Some(b'+') => {
            c.next();
            false
        }
        _ => false,
    };
    let mut value: i128 = 0;
    let mut scale = 0u32;
    let mut digits = 0;
    let mut seen_point = false;
    loop {
        match c.peek() {
            Some(b @ b'0'..=b'9') => {
                c.next();
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(i128::from(b - b'0')))
                    .filter(|v| *v < 10i128.pow(30))
                    .ok_or(DecodeErrorKind::OutOfRange)?;
                scale += u32::from(seen_point);
                digits += 1;
            }
            Some(b'.') if !seen_point => {
                c.next();
                seen_point = true;
            }
            _ => break,
        }
    }
    if digits == 0 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    Ok((if negative { -value } else { value }, scale))
}

/// `[+-]H:MM[:SS[.ffffff]]` (any number of hour digits), in microseconds.
fn parse_time_token(token: &str) -> Result<i128, DecodeErrorKind> {
    let mut c = Cursor::new(token);
    let negative = match c.peek() {
        Some(b'-') => {
            c.next();
            true
        }
        Some(b'+') => {
            c.next();
            false
        }
        _ => false,
    };
    let mut hours: i128 = 0;
    let mut count = 0;
    while let Some(b @ b'0'..=b'9') = c.peek() {
        c.next();
        hours = hours * 10 + i128::from(b - b'0');
        count += 1;
        if count > 12 {
            return Err(DecodeErrorKind::OutOfRange);
        }
    }
    if count == 0 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    c.expect(b':')?;
    let (minutes, _) = c.digits(2)?;
    let seconds = if c.eat(b':') { c.digits(2)?.0 } else { 0 };
    let frac = if c.eat(b'.') {
        super::datetime::parse_fraction(&mut c)?
    } else {
        0
    };
    c.finish()?;
    if minutes > 59 || seconds > 59 {
        return Err(DecodeErrorKind::OutOfRange);
    }
    let micros = hours * USECS_PER_HOUR
        + i128::from(minutes) * USECS_PER_MINUTE
        + i128::from(seconds) * USECS_PER_SEC
        + i128::from(frac);
    Ok(if negative { -micros } else { micros })
}

/// The `postgres` and `postgres_verbose` styles: `[@] (N unit)* [time] [ago]`.
fn parse_postgres(s: &str, sum: &mut Sum) -> Result<(), DecodeErrorKind> {
    let mut words = s.split_ascii_whitespace().peekable();
    if words.peek() == Some(&"@") {
        words.next();
    }
    let mut any = false;
    let mut ago = false;
    while let Some(word) = words.next() {
        if ago {
            return Err(DecodeErrorKind::InvalidSyntax);
        }
        any = true;
        if word.eq_ignore_ascii_case("ago") {
            ago = true;
        } else if word.contains(':') {
            let micros = parse_time_token(word)?;
            sum.add(Unit::Micros(1), micros, 0)?;
        } else {
            let mut c = Cursor::new(word);
            let (value, scale) = parse_number(&mut c)?;
            // The unit is glued to the number (`3days`) or the next word.
            let rest = std::str::from_utf8(c.rest()).map_err(|_| DecodeErrorKind::InvalidSyntax)?;
            let unit_word = if rest.is_empty() {
                words.next().ok_or(DecodeErrorKind::InvalidSyntax)?
            } else {
                rest
            };
            let unit = unit(unit_word).ok_or(DecodeErrorKind::InvalidSyntax)?;
            sum.add(unit, value, scale)?;
        }
    }
    if !any || (ago && s.trim_start_matches('@').trim_ascii().eq_ignore_ascii_case("ago")) {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    if ago {
        sum.negate();
    }
    Ok(())
}

/// The `iso_8601` style after its `P`: `1Y2M3DT4H5M6.789S`, each number
/// signed.
fn parse_iso8601(s: &str, sum: &mut Sum) -> Result<(), DecodeErrorKind> {
    let mut c = Cursor::new(s);
    let mut in_time = false;
    let mut any = false;
    while !c.is_done() {
        if !in_time && c.eat(b'T') {
            in_time = true;
            continue;
        }
        let (value, scale) = parse_number(&mut c)?;
        let unit = match (in_time, c.next().map(|b| b.to_ascii_uppercase())) {
            (false, Some(b'Y')) => Unit::Years,
            (false, Some(b'M')) => Unit::Months,
            (false, Some(b'W')) => Unit::Weeks,
            (false, Some(b'D')) => Unit::Days,
            (true, Some(b'H')) => Unit::Micros(USECS_PER_HOUR),
            (true, Some(b'M')) => Unit::Micros(USECS_PER_MINUTE),
            (true, Some(b'S')) => Unit::Micros(USECS_PER_SEC),
            _ => return Err(DecodeErrorKind::InvalidSyntax),
        };
        sum.add(unit, value, scale)?;
        any = true;
    }
    if any {
        Ok(())
    } else {
        Err(DecodeErrorKind::InvalidSyntax)
    }
}

/// `AddPostgresIntPart`: `N unit(s)`, with a leading space unless first and
/// a `+` when positive after a negative field.
fn push_part(text: &mut String, value: i64, unit: &str, is_zero: &mut bool, is_before: &mut bool) {
    if value == 0 {
        return;
    }
    if !*is_zero {
        text.push(' ');
    }
    if *is_before && value > 0 {
        text.push('+');
    }
    text.push_str(&value.to_string());
    text.push(' ');
    text.push_str(unit);
    if value != 1 {
        text.push('s');
    }
    *is_before = value < 0;
    *is_zero = false;
}

impl fmt::Display for PgInterval {
    /// The `postgres` `IntervalStyle`, as `EncodeInterval` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == PgInterval::INFINITY {
            return f.write_str("infinity");
        }
        if *self == PgInterval::NEG_INFINITY {
            return f.write_str("-infinity");
        }
        let (years, months) = (self.months / 12, self.months % 12);
        let time = self.microseconds;
        let hours = time / 3_600_000_000;
        let minutes = time / 60_000_000 % 60;
        let seconds = time / 1_000_000 % 60;
        let micros = time % 1_000_000;
        let mut text = String::with_capacity(48);
        let mut is_zero = true;
        let mut is_before = false;
        push_part(&mut text, years.into(), "year", &mut is_zero, &mut is_before);
        push_part(&mut text, months.into(), "mon", &mut is_zero, &mut is_before);
        push_part(&mut text, self.days.into(), "day", &mut is_zero, &mut is_before);
        if is_zero || time != 0 {
            let minus = time < 0;
            if !is_zero {
                text.push(' ');
            }
            if minus {
                text.push('-');
            } else if is_before {
                text.push('+');
            }
            use fmt::Write;
            write!(
                text,
                "{:02}:{:02}:{:02}",
                hours.unsigned_abs(),
                minutes.unsigned_abs(),
                seconds.unsigned_abs()
            )?;
            write_fraction(&mut text, micros.unsigned_abs())?;
        }
        f.write_str(&text)
    }
}

impl FromStr for PgInterval {
    type Err = DecodeError;

    /// Parses the `postgres`, `postgres_verbose` or `iso_8601` text form.
    fn from_str(s: &str) -> Result<PgInterval, DecodeError> {
        value_from_str(&Type::INTERVAL, s)
    }
}

impl PgValue for PgInterval {
    const NAME: &'static str = "PgInterval";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::INTERVAL.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let microseconds = r.i64()?;
        let days = r.i32()?;
        let months = r.i32()?;
        r.finish()?;
        Ok(PgInterval {
            months,
            days,
            microseconds,
        })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgInterval::parse(text)
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(self.microseconds);
        out.put_i32(self.days);
        out.put_i32(self.months);
        Ok(())
    }
}

pg_value_impls!(PgInterval);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql};
    use proptest::prelude::*;

    fn iv(months: i32, days: i32, microseconds: i64) -> PgInterval {
        PgInterval::new(months, days, microseconds)
    }

    #[test]
    fn postgres_style() {
        let cases: &[(&str, PgInterval)] = &[
            ("00:00:00", iv(0, 0, 0)),
            ("1 year 2 mons 3 days 04:05:06.789", iv(14, 3, 14_706_789_000)),
            ("-00:00:01", iv(0, 0, -1_000_000)),
            ("-1 years -2 mons +3 days -04:05:06", iv(-14, 3, -14_706_000_000)),
            ("1 mon", iv(1, 0, 0)),
            ("-1 mons", iv(-1, 0, 0)),
            ("2 years", iv(24, 0, 0)),
            ("1 day", iv(0, 1, 0)),
            ("1 day -00:00:00.000001", iv(0, 1, -1)),
            ("-1 days +00:00:01", iv(0, -1, 1_000_000)),
            ("100:00:00", iv(0, 0, 360_000_000_000)),
            ("178956970 years 7 mons", iv(i32::MAX, 0, 0)),
            ("-178956970 years -8 mons", iv(i32::MIN, 0, 0)),
            ("2147483647 days", iv(0, i32::MAX, 0)),
            ("2562047788:00:54.775807", iv(0, 0, i64::MAX)),
            ("-2562047788:00:54.775808", iv(0, 0, i64::MIN)),
            (
                "-178956970 years -8 mons -2147483648 days -2562047788:00:54.775807",
                iv(i32::MIN, i32::MIN, i64::MIN + 1),
            ),
            ("infinity", PgInterval::INFINITY),
            ("-infinity", PgInterval::NEG_INFINITY),
        ];
        for (text, value) in cases {
            assert_eq!(value.to_string(), *text);
            assert_eq!(text.parse::<PgInterval>().unwrap(), *value, "{text}");
            let raw = encode(value, &Type::INTERVAL);
            assert_eq!(
                PgInterval::from_sql(&Type::INTERVAL, Format::Binary, &raw).unwrap(),
                *value
            );
        }
    }

    #[test]
    fn other_spellings() {
        let cases: &[(&str, PgInterval)] = &[
            (
                "@ 1 year 2 mons 3 days 4 hours 5 mins 6.789 secs",
                iv(14, 3, 14_706_789_000),
            ),
            ("@ 1 year 2 mons ago", iv(-14, 0, 0)),
            ("@ 1 day -1 hours ago", iv(0, -1, 3_600_000_000)),
            ("P1Y2M3DT4H5M6.789S", iv(14, 3, 14_706_789_000)),
            ("P-1Y-2M3DT-4H-5M-6S", iv(-14, 3, -14_706_000_000)),
            ("PT0S", iv(0, 0, 0)),
            ("P2W", iv(0, 14, 0)),
            ("PT1.5S", iv(0, 0, 1_500_000)),
            ("3days", iv(0, 3, 0)),
            ("1.5 hours", iv(0, 0, 5_400_000_000)),
            ("10 ms 5 us", iv(0, 0, 10_005)),
            ("0.0000005 secs", iv(0, 0, 1)),
            ("-0.0000005 secs", iv(0, 0, -1)),
            ("  1 week  ", iv(0, 7, 0)),
            ("+1 day", iv(0, 1, 0)),
            ("12:30", iv(0, 0, 45_000_000_000)),
            ("1 year -1 mons", iv(11, 0, 0)),
        ];
        for (text, value) in cases {
            assert_eq!(text.parse::<PgInterval>().unwrap(), *value, "{text}");
        }
        for bad in [
            "",
            "@",
            "ago",
            "1",
            "1 fortnight",
            "1.5 days",
            "P",
            "P1",
            "P1H",
            "PT1Y",
            "1 day ago ago",
            "1 day x",
            ":00",
            "1:00:00:00",
            "--1 day",
            "00:00:00.",
            "1-2 3 4:05:06",
        ] {
            let err = bad.parse::<PgInterval>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::InvalidSyntax, "{bad:?}");
        }
        for range in [
            "178956970 years 8 mons",
            "2147483648 days",
            "2562047788:00:54.775808",
            "99999999999999999999999999999999 years",
            "1000000000000:00:00",
        ] {
            let err = range.parse::<PgInterval>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::OutOfRange, "{range}");
        }
    }

    #[test]
    fn binary() {
        let raw = encode(&iv(14, 3, 14_706_789_000), &Type::INTERVAL);
        let mut expected = 14_706_789_000i64.to_be_bytes().to_vec();
        expected.extend_from_slice(&3i32.to_be_bytes());
        expected.extend_from_slice(&14i32.to_be_bytes());
        assert_eq!(raw, expected);
        let err = PgInterval::from_sql(&Type::INTERVAL, Format::Binary, &raw[..15]).unwrap_err();
        assert_eq!(
            kind(&err),
            DecodeErrorKind::WrongLength {
                expected: 16,
                actual: 15
            }
        );
        assert_encode_wrong_type(&PgInterval::ZERO, &Type::TIME);
        assert!(!<PgInterval as FromSql>::accepts(&Type::TIME));
        assert!(PgInterval::ZERO.accepts(&Type::INTERVAL));
    }

    proptest! {
        #[test]
        fn round_trips(months in any::<i32>(), days in any::<i32>(), micros in any::<i64>()) {
            let value = iv(months, days, micros);
            let text = value.to_string();
            prop_assert_eq!(text.parse::<PgInterval>().unwrap(), value, "{}", text);
            let raw = encode(&value, &Type::INTERVAL);
            prop_assert_eq!(PgInterval::from_sql(&Type::INTERVAL, Format::Binary, &raw).unwrap(), value);
        }

        #[test]
        fn parser_never_panics(text in "[-+@PTYMWDHS0-9:. a-z]{0,40}") {
            let _ = text.parse::<PgInterval>();
        }
    }
}
