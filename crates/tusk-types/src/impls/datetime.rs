//! Dates and times: [`PgDate`], [`PgTime`], [`PgTimeTz`], [`PgTimestamp`]
//! (for `timestamp` and `timestamptz`), and `std::time::SystemTime`.
//!
//! # Binary layouts
//!
//! PostgreSQL counts from **2000-01-01 00:00:00** (not the Unix epoch), in
//! the proleptic Gregorian calendar, with microsecond resolution:
//!
//! | type | bytes | value |
//! | --- | --- | --- |
//! | `date` | `i32` | days since 2000-01-01; `i32::MIN` is `-infinity`, `i32::MAX` is `infinity` |
//! | `time` | `i64` | microseconds since midnight, 0 to 86 400 000 000 (`24:00:00` is valid) |
//! | `timetz` | `i64`, `i32` | the time as above, then the zone's offset in seconds **west** of UTC (`+05:30` is −19 800) |
//! | `timestamp` | `i64` | microseconds since 2000-01-01 00:00:00; `i64::MIN` / `i64::MAX` are `-infinity` / `infinity` |
//! | `timestamptz` | `i64` | the same count, of UTC: the session's `TimeZone` only affects the text form |
//!
//! The valid ranges are 4714-11-24 BC to 5874897-12-31 for dates and
//! 4714-11-24 00:00:00 BC to 294276-12-31 23:59:59.999999 for timestamps;
//! encoders refuse values outside them with
//! [`ValueOutOfRange`](crate::ValueOutOfRange).
//!
//! # Text
//!
//! With the default `DateStyle` (`ISO`), the server prints
//! `2024-01-31`, `13:45:00.25`, `13:45:00.25+05:30`,
//! `2024-01-31 13:45:00.25` and `2024-01-31 13:45:00.25+05:30`:
//! years have at least four digits (`10000-01-01` after 9999), years before
//! 1 AD get a ` BC` suffix (`0044-03-15 BC`; there is no year 0), fractional
//! seconds show up to six digits without trailing zeros, and the offset is
//! `+HH`, `+HH:MM` or `+HH:MM:SS` (historical local mean time has seconds:
//! `+00:19:32`). `infinity` and `-infinity` are spelled out. The decoders
//! here read that form (the other `DateStyle`s are not supported), and a
//! `T` between date and time.
//!
//! A `timestamptz` in text is the local time of the session's zone with its
//! offset; [`PgTimestamp`] converts it to UTC.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{BufMut, BytesMut};

use super::scalar::{Cursor, PgValue, Reader, out_of_range, pg_value_impls, value_from_str};
use crate::{BoxError, DecodeError, DecodeErrorKind, Type};

/// Microseconds in a day.
pub(crate) const USECS_PER_DAY: i64 = 86_400_000_000;
/// Microseconds in a second.
pub(crate) const USECS_PER_SEC: i64 = 1_000_000;
/// Days from 1970-01-01 to 2000-01-01.
const UNIX_EPOCH_DAYS: i64 = 10_957;
/// Microseconds from 1970-01-01 to 2000-01-01.
pub(crate) const UNIX_EPOCH_USECS: i64 = UNIX_EPOCH_DAYS * USECS_PER_DAY;
/// The first valid date, 4714-11-24 BC (Julian day 0), in days since 2000.
pub(crate) const MIN_DATE_DAYS: i32 = -2_451_545;
/// The last valid date, 5874897-12-31, in days since 2000.
pub(crate) const MAX_DATE_DAYS: i32 = 2_145_031_948;
/// The first valid timestamp, 4714-11-24 00:00:00 BC.
pub(crate) const MIN_TIMESTAMP: i64 = MIN_DATE_DAYS as i64 * USECS_PER_DAY;
/// One past the last valid timestamp: 294277-01-01 00:00:00.
pub(crate) const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;
/// An offset's magnitude must stay below 16 hours (`TZDISP_LIMIT`).
pub(crate) const OFFSET_LIMIT: i32 = 16 * 3600;

/// The reason an encoder gives for a date out of range.
const DATE_RANGE: &str = "a date is between 4714-11-24 BC and 5874897-12-31";
/// The reason an encoder gives for a timestamp out of range.
const TIMESTAMP_RANGE: &str = "a timestamp is between 4714-11-24 00:00:00 BC and 294276-12-31 23:59:59.999999";
/// The reason an encoder gives for a time of day out of range.
const TIME_RANGE: &str = "a time of day is at most 24:00:00";
/// The reason an encoder gives for an offset out of range.
const OFFSET_RANGE: &str = "a time zone offset is less than 16 hours";

/// The error a Rust type without infinities gives for `infinity`.
pub(crate) const NO_INFINITY: DecodeErrorKind =
    DecodeErrorKind::Unsupported("`infinity` and `-infinity` have no value in this Rust type");

/// Days since 2000-01-01 of a date in the proleptic Gregorian calendar, with
/// astronomical years (year 0 is 1 BC). Exact for any `i64` year that does
/// not overflow.
pub(crate) fn days_from_ymd(year: i64, month: u32, day: u32) -> i64 {
    // Shift the year to start in March, so that the leap day is last.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468 - UNIX_EPOCH_DAYS
}

/// The date `days` after 2000-01-01: astronomical year, month, day.
pub(crate) fn ymd_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + UNIX_EPOCH_DAYS + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The number of days in a month of an astronomical year.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Writes `YYYY-MM-DD` of the date `days` after 2000-01-01, and returns
/// whether it is BC (the caller appends ` BC` after the rest).
fn write_date(out: &mut impl fmt::Write, days: i64) -> Result<bool, fmt::Error> {
    let (year, month, day) = ymd_from_days(days);
    let bc = year <= 0;
    let shown = if bc { 1 - year } else { year };
    write!(out, "{shown:04}-{month:02}-{day:02}")?;
    Ok(bc)
}

/// Writes `HH:MM:SS` and, when not zero, the fraction without trailing zeros.
fn write_time(out: &mut impl fmt::Write, micros: i64) -> fmt::Result {
    if micros < 0 {
        out.write_char('-')?;
    }
    let micros = micros.unsigned_abs();
    let secs = micros / 1_000_000;
    let frac = micros % 1_000_000;
    write!(out, "{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)?;
    write_fraction(out, frac)
}

/// Writes `.ffffff` without trailing zeros, or nothing for zero.
pub(crate) fn write_fraction(out: &mut impl fmt::Write, micros: u64) -> fmt::Result {
    if micros == 0 {
        return Ok(());
    }
    let mut digits = format!("{micros:06}");
    while digits.ends_with('0') {
        digits.pop();
    }
    write!(out, ".{digits}")
}

/// Writes a UTC offset (seconds east) as `EncodeTimezone` does: `+05`,
/// `+05:30`, `-03:00:15`; zero is `+00`.
fn write_offset(out: &mut impl fmt::Write, offset_secs: i32) -> fmt::Result {
    let sign = if offset_secs >= 0 { '+' } else { '-' };
    let abs = offset_secs.unsigned_abs();
    let (hours, minutes, seconds) = (abs / 3600, abs / 60 % 60, abs % 60);
    write!(out, "{sign}{hours:02}")?;
    if seconds != 0 {
        write!(out, ":{minutes:02}:{seconds:02}")
    } else if minutes != 0 {
        write!(out, ":{minutes:02}")
    } else {
        Ok(())
    }
}

/// Writes a finite timestamp shifted by `offset`: date, time, the offset if
/// one is given, and ` BC`.
fn write_timestamp(out: &mut impl fmt::Write, micros: i64, offset: Option<i32>) -> fmt::Result {
    let local = i128::from(micros) + i128::from(offset.unwrap_or(0)) * i128::from(USECS_PER_SEC);
    let days = local.div_euclid(i128::from(USECS_PER_DAY)) as i64;
    let time = local.rem_euclid(i128::from(USECS_PER_DAY)) as i64;
    let bc = write_date(out, days)?;
    out.write_char(' ')?;
    write_time(out, time)?;
    if let Some(offset) = offset {
        write_offset(out, offset)?;
    }
    if bc {
        out.write_str(" BC")?;
    }
    Ok(())
}

/// `infinity`, `+infinity` or `-infinity` (any case): `Some(true)` for the
/// positive one.
fn parse_infinity(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("infinity") || s.eq_ignore_ascii_case("+infinity") {
        Some(true)
    } else if s.eq_ignore_ascii_case("-infinity") {
        Some(false)
    } else {
        None
    }
}

/// `YYYY-MM-DD` (the year may have any number of digits up to nine).
fn parse_ymd(c: &mut Cursor<'_>) -> Result<(i64, u32, u32), DecodeErrorKind> {
    let (year, _) = c.digits(9)?;
    c.expect(b'-')?;
    let (month, _) = c.digits(2)?;
    c.expect(b'-')?;
    let (day, _) = c.digits(2)?;
    Ok((year as i64, month as u32, day as u32))
}

/// An optional ` BC` (or ` AD`) suffix: whether it was ` BC`.
fn parse_bc(c: &mut Cursor<'_>) -> bool {
    let mark = c.pos();
    c.skip_ws();
    if c.pos() > mark {
        if c.eat_word("BC") {
            return true;
        }
        if c.eat_word("AD") {
            return false;
        }
    }
    c.reset(mark);
    false
}

/// Days since 2000-01-01 of a parsed date, checking the fields.
fn checked_days(year: i64, month: u32, day: u32, bc: bool) -> Result<i64, DecodeErrorKind> {
    if year == 0 {
        return Err(DecodeErrorKind::OutOfRange);
    }
    let year = if bc { 1 - year } else { year };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(DecodeErrorKind::OutOfRange);
    }
    Ok(days_from_ymd(year, month, day))
}

/// `HH:MM[:SS[.ffffff]]`, at most `24:00:00`, in microseconds.
fn parse_clock(c: &mut Cursor<'_>) -> Result<i64, DecodeErrorKind> {
    let (hours, _) = c.digits(2)?;
    c.expect(b':')?;
    let (minutes, _) = c.digits(2)?;
    let seconds = if c.eat(b':') { c.digits(2)?.0 } else { 0 };
    let frac = if c.eat(b'.') { parse_fraction(c)? } else { 0 };
    if minutes > 59 || seconds > 60 {
        return Err(DecodeErrorKind::OutOfRange);
    }
    let micros = ((hours * 60 + minutes) * 60 + seconds) as i64 * USECS_PER_SEC + frac;
    if micros > USECS_PER_DAY {
        return Err(DecodeErrorKind::OutOfRange);
    }
    Ok(micros)
}

/// The digits after a decimal point, as microseconds: six digits are
/// exact, a seventh rounds (half up) and the rest are ignored.
pub(crate) fn parse_fraction(c: &mut Cursor<'_>) -> Result<i64, DecodeErrorKind> {
    let mut micros = 0i64;
    let mut count = 0;
    while let Some(b @ b'0'..=b'9') = c.peek() {
        c.next();
        match count {
            0..6 => micros = micros * 10 + i64::from(b - b'0'),
            6 if b >= b'5' => micros += 1,
            _ => {}
        }
        count += 1;
    }
    if count == 0 {
        return Err(DecodeErrorKind::InvalidSyntax);
    }
    for _ in count..6 {
        micros *= 10;
    }
    Ok(micros)
}

/// An optional UTC offset (`+05`, `+05:30`, `-03:00:15`, `+0530`, `Z`), in
/// seconds east.
fn parse_offset(c: &mut Cursor<'_>) -> Result<Option<i32>, DecodeErrorKind> {
    let negative = match c.peek() {
        Some(b'+') => false,
        Some(b'-') => true,
        Some(b'Z' | b'z') => {
            c.next();
            return Ok(Some(0));
        }
        _ => return Ok(None),
    };
    c.next();
    let run = c.rest().iter().take_while(|b| b.is_ascii_digit()).count();
    let (hours, mut minutes, mut seconds);
    match run {
        // +HHMM and +HHMMSS, as ISO 8601 allows.
        4 | 6 => {
            hours = c.fixed_digits(2)?;
            minutes = c.fixed_digits(2)?;
            seconds = if run == 6 { c.fixed_digits(2)? } else { 0 };
        }
        _ => {
            hours = c.digits(2)?.0;
            minutes = 0;
            seconds = 0;
            if c.eat(b':') {
                minutes = c.fixed_digits(2)?;
                if c.eat(b':') {
                    seconds = c.fixed_digits(2)?;
                }
            }
        }
    }
    if minutes > 59 || seconds > 59 {
        return Err(DecodeErrorKind::OutOfRange);
    }
    let secs = (hours * 3600 + minutes * 60 + seconds) as i32;
    if secs >= OFFSET_LIMIT {
        return Err(DecodeErrorKind::OutOfRange);
    }
    Ok(Some(if negative { -secs } else { secs }))
}

/// A timestamp's text: infinite, or a local time in microseconds since
/// 2000-01-01 with the offset that followed it, if any.
pub(crate) enum ParsedTimestamp {
    NegInfinity,
    Infinity,
    Finite { local: i128, offset: Option<i32> },
}

/// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][offset][ BC]` or an infinity.
pub(crate) fn parse_timestamp(s: &str) -> Result<ParsedTimestamp, DecodeErrorKind> {
    let s = s.trim_ascii();
    match parse_infinity(s) {
        Some(true) => return Ok(ParsedTimestamp::Infinity),
        Some(false) => return Ok(ParsedTimestamp::NegInfinity),
        None => {}
    }
    let mut c = Cursor::new(s);
    let (year, month, day) = parse_ymd(&mut c)?;
    let mark = c.pos();
    let time = if (c.eat(b' ') || c.eat(b'T') || c.eat(b't')) && c.peek().is_some_and(|b| b.is_ascii_digit()) {
        parse_clock(&mut c)?
    } else {
        c.reset(mark);
        0
    };
    let offset = parse_offset(&mut c)?;
    let bc = parse_bc(&mut c);
    c.finish()?;
    let days = checked_days(year, month, day, bc)?;
    Ok(ParsedTimestamp::Finite {
        local: i128::from(days) * i128::from(USECS_PER_DAY) + i128::from(time),
        offset,
    })
}

/// A microsecond count in PostgreSQL's timestamp range.
fn checked_timestamp(micros: i128) -> Result<i64, DecodeErrorKind> {
    i64::try_from(micros)
        .ok()
        .filter(|m| (MIN_TIMESTAMP..END_TIMESTAMP).contains(m))
        .ok_or(DecodeErrorKind::OutOfRange)
}

/// A PostgreSQL `date`: days since 2000-01-01, or one of the infinities.
///
/// Binary: an `i32` count of days since 2000-01-01 in the proleptic
/// Gregorian calendar (`i32::MIN` / `i32::MAX` for `-infinity` /
/// `infinity`); PostgreSQL's range is 4714-11-24 BC to 5874897-12-31. Text:
/// `2024-01-31`, `0044-03-15 BC`, `10000-01-01`, `infinity`.
///
/// The variants are in order, so `PgDate` sorts as PostgreSQL does:
/// `-infinity` before every date, `infinity` after.
///
/// ```
/// use tusk_types::{Format, FromSql, PgDate, Type};
///
/// let d = PgDate::from_ymd(2024, 2, 29).unwrap();
/// assert_eq!(d, PgDate::Days(8825));
/// assert_eq!(d.to_string(), "2024-02-29");
/// assert_eq!(d.to_ymd(), Some((2024, 2, 29)));
///
/// // Year 0 is 1 BC, year -43 is 44 BC.
/// assert_eq!(PgDate::from_ymd(-43, 3, 15).unwrap().to_string(), "0044-03-15 BC");
/// assert_eq!("0044-03-15 BC".parse::<PgDate>().unwrap().to_ymd(), Some((-43, 3, 15)));
///
/// assert_eq!(PgDate::from_sql(&Type::DATE, Format::Binary, &[0x7f, 0xff, 0xff, 0xff]).unwrap(), PgDate::Infinity);
/// assert_eq!(PgDate::from_sql(&Type::DATE, Format::Text, b"-infinity").unwrap(), PgDate::NegInfinity);
/// assert!(PgDate::NegInfinity < PgDate::Days(i32::MIN + 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PgDate {
    /// `-infinity`: before every date (`i32::MIN` on the wire).
    NegInfinity,
    /// A date, as days since 2000-01-01 (negative before it).
    Days(i32),
    /// `infinity`: after every date (`i32::MAX` on the wire).
    Infinity,
}

impl PgDate {
    /// 2000-01-01, PostgreSQL's day zero.
    ///
    /// ```
    /// use tusk_types::PgDate;
    ///
    /// assert_eq!(PgDate::EPOCH.to_string(), "2000-01-01");
    /// ```
    pub const EPOCH: PgDate = PgDate::Days(0);

    /// The date with this astronomical year (0 is 1 BC, −1 is 2 BC), month
    /// and day, if it exists and PostgreSQL can hold it (4714-11-24 BC to
    /// 5874897-12-31).
    ///
    /// ```
    /// use tusk_types::PgDate;
    ///
    /// assert_eq!(PgDate::from_ymd(2000, 1, 1), Some(PgDate::EPOCH));
    /// assert_eq!(PgDate::from_ymd(2023, 2, 29), None);
    /// assert_eq!(PgDate::from_ymd(-4713, 11, 23), None);
    /// ```
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<PgDate> {
        let year = i64::from(year);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let days = days_from_ymd(year, month, day);
        i32::try_from(days)
            .ok()
            .filter(|d| (MIN_DATE_DAYS..=MAX_DATE_DAYS).contains(d))
            .map(PgDate::Days)
    }

    /// The astronomical year, month and day; `None` for the infinities.
    ///
    /// ```
    /// use tusk_types::PgDate;
    ///
    /// assert_eq!(PgDate::Days(-1).to_ymd(), Some((1999, 12, 31)));
    /// assert_eq!(PgDate::Infinity.to_ymd(), None);
    /// ```
    pub fn to_ymd(self) -> Option<(i32, u32, u32)> {
        let PgDate::Days(days) = self else {
            return None;
        };
        let (year, month, day) = ymd_from_days(i64::from(days));
        // Any i32 day count is within ±5.9 million years.
        Some((year as i32, month, day))
    }

    /// The days since 2000-01-01; `None` for the infinities.
    ///
    /// ```
    /// use tusk_types::PgDate;
    ///
    /// assert_eq!(PgDate::Days(5).days(), Some(5));
    /// assert_eq!(PgDate::NegInfinity.days(), None);
    /// ```
    pub fn days(self) -> Option<i32> {
        match self {
            PgDate::Days(days) => Some(days),
            _ => None,
        }
    }

    /// The wire value, if in range; errors name `name` as the Rust type.
    pub(crate) fn wire(self, name: &'static str, ty: &Type) -> Result<i32, BoxError> {
        match self {
            PgDate::NegInfinity => Ok(i32::MIN),
            PgDate::Infinity => Ok(i32::MAX),
            PgDate::Days(days) if (MIN_DATE_DAYS..=MAX_DATE_DAYS).contains(&days) => Ok(days),
            PgDate::Days(_) => Err(out_of_range(name, ty, DATE_RANGE)),
        }
    }

    /// Parses `YYYY-MM-DD[ BC]` or an infinity.
    fn parse(s: &str) -> Result<PgDate, DecodeErrorKind> {
        let s = s.trim_ascii();
        match parse_infinity(s) {
            Some(true) => return Ok(PgDate::Infinity),
            Some(false) => return Ok(PgDate::NegInfinity),
            None => {}
        }
        let mut c = Cursor::new(s);
        let (year, month, day) = parse_ymd(&mut c)?;
        let bc = parse_bc(&mut c);
        c.finish()?;
        let days = checked_days(year, month, day, bc)?;
        i32::try_from(days)
            .ok()
            .filter(|d| (MIN_DATE_DAYS..=MAX_DATE_DAYS).contains(d))
            .map(PgDate::Days)
            .ok_or(DecodeErrorKind::OutOfRange)
    }
}

impl fmt::Display for PgDate {
    /// `YYYY-MM-DD`, with ` BC` before year 1; `infinity`, `-infinity`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PgDate::NegInfinity => f.write_str("-infinity"),
            PgDate::Infinity => f.write_str("infinity"),
            PgDate::Days(days) => {
                let mut text = String::with_capacity(16);
                if write_date(&mut text, i64::from(*days))? {
                    text.push_str(" BC");
                }
                f.write_str(&text)
            }
        }
    }
}

impl FromStr for PgDate {
    type Err = DecodeError;

    /// Parses the ISO text form (`2024-01-31`, `0044-03-15 BC`, `infinity`).
    fn from_str(s: &str) -> Result<PgDate, DecodeError> {
        value_from_str(&Type::DATE, s)
    }
}

impl PgValue for PgDate {
    const NAME: &'static str = "PgDate";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::DATE.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let days = r.i32()?;
        r.finish()?;
        Ok(match days {
            i32::MIN => PgDate::NegInfinity,
            i32::MAX => PgDate::Infinity,
            days => PgDate::Days(days),
        })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgDate::parse(text)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i32(self.wire(Self::NAME, ty)?);
        Ok(())
    }
}

/// A PostgreSQL `time` (without time zone): microseconds since midnight,
/// from 0 to 86 400 000 000 (`24:00:00`, which PostgreSQL allows).
///
/// Binary: the `i64`. Text: `HH:MM:SS` and up to six fractional digits
/// without trailing zeros (`13:45:00.25`).
///
/// ```
/// use tusk_types::{Format, FromSql, PgTime, Type};
///
/// let t = PgTime::from_hms_micro(13, 45, 0, 250_000).unwrap();
/// assert_eq!(t, PgTime(49_500_250_000));
/// assert_eq!(t.to_string(), "13:45:00.25");
/// assert_eq!(PgTime::from_sql(&Type::TIME, Format::Text, b"24:00:00").unwrap(), PgTime::MAX);
/// assert_eq!(PgTime::from_sql(&Type::TIME, Format::Binary, &49_500_250_000i64.to_be_bytes()).unwrap(), t);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PgTime(pub i64);

impl PgTime {
    /// Midnight, `00:00:00`.
    ///
    /// ```
    /// use tusk_types::PgTime;
    ///
    /// assert_eq!(PgTime::MIDNIGHT.to_string(), "00:00:00");
    /// ```
    pub const MIDNIGHT: PgTime = PgTime(0);

    /// `24:00:00`, the largest `time`.
    ///
    /// ```
    /// use tusk_types::PgTime;
    ///
    /// assert_eq!(PgTime::MAX.to_string(), "24:00:00");
    /// ```
    pub const MAX: PgTime = PgTime(USECS_PER_DAY);

    /// The time `hour:minute:second.micro`, if it is at most `24:00:00`.
    ///
    /// ```
    /// use tusk_types::PgTime;
    ///
    /// assert_eq!(PgTime::from_hms_micro(0, 0, 1, 5), Some(PgTime(1_000_005)));
    /// assert_eq!(PgTime::from_hms_micro(24, 0, 0, 1), None);
    /// assert_eq!(PgTime::from_hms_micro(12, 60, 0, 0), None);
    /// ```
    pub fn from_hms_micro(hour: u32, minute: u32, second: u32, micro: u32) -> Option<PgTime> {
        if minute > 59 || second > 59 || micro > 999_999 {
            return None;
        }
        let micros =
            (i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)) * USECS_PER_SEC + i64::from(micro);
        (micros <= USECS_PER_DAY).then_some(PgTime(micros))
    }

    /// Hours, minutes, seconds and microseconds (24:00:00 is `(24, 0, 0, 0)`).
    ///
    /// ```
    /// use tusk_types::PgTime;
    ///
    /// assert_eq!(PgTime(3_723_000_004).to_hms_micro(), (1, 2, 3, 4));
    /// ```
    pub fn to_hms_micro(self) -> (u32, u32, u32, u32) {
        let micros = self.0.clamp(0, USECS_PER_DAY);
        let secs = micros / USECS_PER_SEC;
        (
            (secs / 3600) as u32,
            (secs / 60 % 60) as u32,
            (secs % 60) as u32,
            (micros % USECS_PER_SEC) as u32,
        )
    }

    /// The wire value, if at most 24:00:00; errors name `name` as the Rust
    /// type.
    pub(crate) fn check(self, name: &'static str, ty: &Type) -> Result<i64, BoxError> {
        if (0..=USECS_PER_DAY).contains(&self.0) {
            Ok(self.0)
        } else {
            Err(out_of_range(name, ty, TIME_RANGE))
        }
    }
}

impl fmt::Display for PgTime {
    /// `HH:MM:SS` with the fraction, if any, without trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(16);
        write_time(&mut text, self.0)?;
        f.write_str(&text)
    }
}

impl FromStr for PgTime {
    type Err = DecodeError;

    /// Parses `HH:MM:SS[.ffffff]`.
    fn from_str(s: &str) -> Result<PgTime, DecodeError> {
        value_from_str(&Type::TIME, s)
    }
}

impl PgValue for PgTime {
    const NAME: &'static str = "PgTime";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TIME.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let micros = r.i64()?;
        r.finish()?;
        Ok(PgTime(micros))
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let mut c = Cursor::new(text.trim_ascii());
        let micros = parse_clock(&mut c)?;
        c.finish()?;
        Ok(PgTime(micros))
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(self.check(Self::NAME, ty)?);
        Ok(())
    }
}

/// A PostgreSQL `timetz`: a time of day and a fixed UTC offset.
///
/// `offset_secs` is in seconds **east** of UTC, as people write offsets
/// (`+05:30` is 19 800); the wire stores the opposite sign, which the
/// conversions take care of. PostgreSQL limits offsets to less than 16 hours.
///
/// Binary: the time as an `i64` of microseconds, then an `i32` of seconds
/// **west** of UTC. Text: the time and `+HH`, `+HH:MM` or `+HH:MM:SS`
/// (`04:05:06.789+05:30`).
///
/// ```
/// use bytes::BytesMut;
/// use tusk_types::{Format, FromSql, PgTimeTz, ToSql, Type};
///
/// let t: PgTimeTz = "04:05:06.789+05:30".parse().unwrap();
/// assert_eq!(t, PgTimeTz { time_us: 14_706_789_000, offset_secs: 19_800 });
/// assert_eq!(t.to_string(), "04:05:06.789+05:30");
///
/// let mut buf = BytesMut::new();
/// t.to_sql(&Type::TIMETZ, &mut buf).unwrap();
/// assert_eq!(&buf[8..], &(-19_800i32).to_be_bytes());
/// assert_eq!(PgTimeTz::from_sql(&Type::TIMETZ, Format::Binary, &buf).unwrap(), t);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgTimeTz {
    /// Microseconds since midnight, local time (0 to 86 400 000 000).
    pub time_us: i64,
    /// The offset from UTC in seconds, positive east of Greenwich.
    pub offset_secs: i32,
}

impl fmt::Display for PgTimeTz {
    /// `HH:MM:SS[.ffffff]` and the offset: `+05:30`, `-08`, `+00:19:32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(24);
        write_time(&mut text, self.time_us)?;
        write_offset(&mut text, self.offset_secs)?;
        f.write_str(&text)
    }
}

impl FromStr for PgTimeTz {
    type Err = DecodeError;

    /// Parses `HH:MM:SS[.ffffff]±HH[:MM[:SS]]`.
    fn from_str(s: &str) -> Result<PgTimeTz, DecodeError> {
        value_from_str(&Type::TIMETZ, s)
    }
}

impl PgValue for PgTimeTz {
    const NAME: &'static str = "PgTimeTz";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TIMETZ.oid()
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let time_us = r.i64()?;
        let zone = r.i32()?;
        r.finish()?;
        let offset_secs = zone.checked_neg().ok_or(DecodeErrorKind::OutOfRange)?;
        Ok(PgTimeTz { time_us, offset_secs })
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let mut c = Cursor::new(text.trim_ascii());
        let time_us = parse_clock(&mut c)?;
        let offset_secs = parse_offset(&mut c)?.ok_or(DecodeErrorKind::InvalidSyntax)?;
        c.finish()?;
        Ok(PgTimeTz { time_us, offset_secs })
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        let time = PgTime(self.time_us).check(Self::NAME, ty)?;
        if self.offset_secs.unsigned_abs() >= OFFSET_LIMIT as u32 {
            return Err(out_of_range(Self::NAME, ty, OFFSET_RANGE));
        }
        out.put_i64(time);
        out.put_i32(-self.offset_secs);
        Ok(())
    }
}

/// A PostgreSQL `timestamp` or `timestamptz`: microseconds since
/// 2000-01-01 00:00:00, or one of the infinities.
///
/// For `timestamptz` the count is of UTC; decoding the text form converts
/// the printed local time and offset to UTC. `Display` prints the
/// `timestamp` form (no offset); [`with_offset`](PgTimestamp::with_offset)
/// prints a `timestamptz` as a session in that fixed zone would.
///
/// Binary: an `i64` of microseconds since 2000-01-01 00:00:00 (`i64::MIN` /
/// `i64::MAX` for the infinities); PostgreSQL's range is 4714-11-24 BC to
/// 294276-12-31 23:59:59.999999. Text (`DateStyle` ISO):
/// `2024-01-31 13:45:00.25`, and for `timestamptz` the session zone's
/// offset after it (`+05:30`, `-08`, `+00:19:32` for local mean time);
/// ` BC` at the end before year 1.
///
/// ```
/// use tusk_types::{Format, FromSql, PgTimestamp, Type};
///
/// let ts = PgTimestamp::from_ymd_hms_micro(2024, 1, 31, 13, 45, 0, 250_000).unwrap();
/// assert_eq!(ts.to_string(), "2024-01-31 13:45:00.25");
/// assert_eq!(ts.with_offset(19_800).to_string(), "2024-01-31 19:15:00.25+05:30");
///
/// // The same instant, printed by a session in India.
/// let tz = PgTimestamp::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"2024-01-31 19:15:00.25+05:30").unwrap();
/// assert_eq!(tz, ts);
///
/// assert_eq!("0044-03-15 12:00:00 BC".parse::<PgTimestamp>().unwrap().to_string(), "0044-03-15 12:00:00 BC");
/// assert_eq!(PgTimestamp::from_sql(&Type::TIMESTAMP, Format::Binary, &i64::MAX.to_be_bytes()).unwrap(), PgTimestamp::Infinity);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PgTimestamp {
    /// `-infinity` (`i64::MIN` on the wire).
    NegInfinity,
    /// Microseconds since 2000-01-01 00:00:00 (UTC for `timestamptz`).
    Micros(i64),
    /// `infinity` (`i64::MAX` on the wire).
    Infinity,
}

impl PgTimestamp {
    /// 2000-01-01 00:00:00, PostgreSQL's epoch.
    ///
    /// ```
    /// use tusk_types::PgTimestamp;
    ///
    /// assert_eq!(PgTimestamp::EPOCH.to_string(), "2000-01-01 00:00:00");
    /// ```
    pub const EPOCH: PgTimestamp = PgTimestamp::Micros(0);

    /// The timestamp at this date (astronomical year: 0 is 1 BC) and time, if
    /// both are valid and PostgreSQL can hold it.
    ///
    /// ```
    /// use tusk_types::PgTimestamp;
    ///
    /// assert_eq!(PgTimestamp::from_ymd_hms_micro(2000, 1, 1, 0, 0, 1, 0), Some(PgTimestamp::Micros(1_000_000)));
    /// assert_eq!(PgTimestamp::from_ymd_hms_micro(2000, 1, 1, 24, 0, 0, 0), None);
    /// assert_eq!(PgTimestamp::from_ymd_hms_micro(294_277, 1, 1, 0, 0, 0, 0), None);
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn from_ymd_hms_micro(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        micro: u32,
    ) -> Option<PgTimestamp> {
        let year = i64::from(year);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || hour > 23 {
            return None;
        }
        let time = PgTime::from_hms_micro(hour, minute, second, micro)?;
        let micros = i128::from(days_from_ymd(year, month, day)) * i128::from(USECS_PER_DAY) + i128::from(time.0);
        checked_timestamp(micros).ok().map(PgTimestamp::Micros)
    }

    /// The microseconds since 2000-01-01; `None` for the infinities.
    ///
    /// ```
    /// use tusk_types::PgTimestamp;
    ///
    /// assert_eq!(PgTimestamp::Micros(-1).micros(), Some(-1));
    /// assert_eq!(PgTimestamp::Infinity.micros(), None);
    /// ```
    pub fn micros(self) -> Option<i64> {
        match self {
            PgTimestamp::Micros(m) => Some(m),
            _ => None,
        }
    }

    /// The date part (an infinity stays one).
    ///
    /// ```
    /// use tusk_types::{PgDate, PgTimestamp};
    ///
    /// assert_eq!(PgTimestamp::Micros(-1).date(), PgDate::Days(-1));
    /// assert_eq!(PgTimestamp::Infinity.date(), PgDate::Infinity);
    /// ```
    pub fn date(self) -> PgDate {
        match self {
            PgTimestamp::NegInfinity => PgDate::NegInfinity,
            PgTimestamp::Infinity => PgDate::Infinity,
            // |micros| / USECS_PER_DAY is at most about 1.07e8: it fits an i32.
            PgTimestamp::Micros(m) => PgDate::Days(m.div_euclid(USECS_PER_DAY) as i32),
        }
    }

    /// The time-of-day part; `None` for the infinities.
    ///
    /// ```
    /// use tusk_types::{PgTime, PgTimestamp};
    ///
    /// assert_eq!(PgTimestamp::Micros(-1).time(), Some(PgTime(86_399_999_999)));
    /// ```
    pub fn time(self) -> Option<PgTime> {
        self.micros().map(|m| PgTime(m.rem_euclid(USECS_PER_DAY)))
    }

    /// The timestamp of a `SystemTime`, rounded down to the microsecond;
    /// `None` outside PostgreSQL's range.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use tusk_types::PgTimestamp;
    ///
    /// let t = UNIX_EPOCH + Duration::from_secs(946_684_800);
    /// assert_eq!(PgTimestamp::from_system_time(t), Some(PgTimestamp::EPOCH));
    /// assert_eq!(PgTimestamp::from_system_time(UNIX_EPOCH).unwrap().to_string(), "1970-01-01 00:00:00");
    /// ```
    #[inline]
    pub fn from_system_time(time: SystemTime) -> Option<PgTimestamp> {
        // Microseconds since the Unix epoch, rounded down; i64 arithmetic (checked)
        // covers far more than PostgreSQL's range, which is checked last.
        let unix: i64 = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs())
                .ok()?
                .checked_mul(USECS_PER_SEC)?
                .checked_add(i64::from(after.subsec_micros()))?,
            Err(before) => {
                let d = before.duration();
                let micros = i64::try_from(d.as_secs())
                    .ok()?
                    .checked_mul(USECS_PER_SEC)?
                    .checked_add(i64::from(d.subsec_nanos().div_ceil(1000)))?;
                -micros
            }
        };
        let micros = unix.checked_sub(UNIX_EPOCH_USECS)?;
        (MIN_TIMESTAMP..END_TIMESTAMP)
            .contains(&micros)
            .then_some(PgTimestamp::Micros(micros))
    }

    /// The `SystemTime` of this timestamp (of UTC); `None` for the
    /// infinities and outside the platform's `SystemTime` range.
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    /// use tusk_types::PgTimestamp;
    ///
    /// let t = PgTimestamp::from_ymd_hms_micro(1970, 1, 1, 0, 0, 0, 0).unwrap();
    /// assert_eq!(t.to_system_time(), Some(UNIX_EPOCH));
    /// assert_eq!(PgTimestamp::Infinity.to_system_time(), None);
    /// ```
    pub fn to_system_time(self) -> Option<SystemTime> {
        let unix = self.micros()?.checked_add(UNIX_EPOCH_USECS)?;
        let magnitude = Duration::from_micros(unix.unsigned_abs());
        if unix >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// Displays this instant as a `timestamptz` in a zone `offset_secs`
    /// seconds east of UTC: the local time followed by the offset, as the
    /// server prints it (`2024-01-31 19:15:00+05:30`).
    ///
    /// ```
    /// use tusk_types::PgTimestamp;
    ///
    /// assert_eq!(PgTimestamp::EPOCH.with_offset(0).to_string(), "2000-01-01 00:00:00+00");
    /// assert_eq!(PgTimestamp::EPOCH.with_offset(-28_800).to_string(), "1999-12-31 16:00:00-08");
    /// assert_eq!(PgTimestamp::Infinity.with_offset(3600).to_string(), "infinity");
    /// ```
    pub fn with_offset(self, offset_secs: i32) -> WithOffset {
        WithOffset {
            timestamp: self,
            offset_secs,
        }
    }

    /// Parses the text of a `timestamp` (`tz` false: an offset is ignored,
    /// as `timestamp_in` ignores it) or a `timestamptz` (converted to UTC;
    /// without an offset the text is taken as UTC). Also returns the offset.
    pub(crate) fn parse(s: &str, tz: bool) -> Result<(PgTimestamp, i32), DecodeErrorKind> {
        match parse_timestamp(s)? {
            ParsedTimestamp::NegInfinity => Ok((PgTimestamp::NegInfinity, 0)),
            ParsedTimestamp::Infinity => Ok((PgTimestamp::Infinity, 0)),
            ParsedTimestamp::Finite { local, offset } => {
                let offset = if tz { offset.unwrap_or(0) } else { 0 };
                let utc = local - i128::from(offset) * i128::from(USECS_PER_SEC);
                Ok((PgTimestamp::Micros(checked_timestamp(utc)?), offset))
            }
        }
    }

    /// The wire value, if in range; errors name `name` as the Rust type.
    pub(crate) fn wire(self, name: &'static str, ty: &Type) -> Result<i64, BoxError> {
        match self {
            PgTimestamp::NegInfinity => Ok(i64::MIN),
            PgTimestamp::Infinity => Ok(i64::MAX),
            PgTimestamp::Micros(m) if (MIN_TIMESTAMP..END_TIMESTAMP).contains(&m) => Ok(m),
            PgTimestamp::Micros(_) => Err(out_of_range(name, ty, TIMESTAMP_RANGE)),
        }
    }

    /// Decodes the binary form.
    pub(crate) fn decode(raw: &[u8]) -> Result<PgTimestamp, DecodeErrorKind> {
        let mut r = Reader::new(raw);
        let micros = r.i64()?;
        r.finish()?;
        Ok(match micros {
            i64::MIN => PgTimestamp::NegInfinity,
            i64::MAX => PgTimestamp::Infinity,
            m => PgTimestamp::Micros(m),
        })
    }
}

/// Whether `ty` is `timestamptz` (else `timestamp`).
#[inline]
pub(crate) fn is_tz(ty: &Type) -> bool {
    ty.oid() == Type::TIMESTAMPTZ.oid()
}

/// Whether `ty` is `timestamp` or `timestamptz`.
#[inline]
pub(crate) fn is_timestamp(ty: &Type) -> bool {
    ty.oid() == Type::TIMESTAMP.oid() || is_tz(ty)
}

/// A [`PgTimestamp`] shown as a `timestamptz` in a fixed zone; made by
/// [`PgTimestamp::with_offset`].
///
/// ```
/// use tusk_types::PgTimestamp;
///
/// let shown = PgTimestamp::Micros(0).with_offset(3_600 + 30);
/// assert_eq!(shown.to_string(), "2000-01-01 01:00:30+01:00:30");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WithOffset {
    timestamp: PgTimestamp,
    offset_secs: i32,
}

impl fmt::Display for WithOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.timestamp {
            PgTimestamp::NegInfinity => f.write_str("-infinity"),
            PgTimestamp::Infinity => f.write_str("infinity"),
            PgTimestamp::Micros(m) => {
                let mut text = String::with_capacity(40);
                write_timestamp(&mut text, m, Some(self.offset_secs))?;
                f.write_str(&text)
            }
        }
    }
}

impl fmt::Display for PgTimestamp {
    /// `YYYY-MM-DD HH:MM:SS[.ffffff][ BC]`, `infinity`, `-infinity`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PgTimestamp::NegInfinity => f.write_str("-infinity"),
            PgTimestamp::Infinity => f.write_str("infinity"),
            PgTimestamp::Micros(m) => {
                let mut text = String::with_capacity(32);
                write_timestamp(&mut text, *m, None)?;
                f.write_str(&text)
            }
        }
    }
}

impl FromStr for PgTimestamp {
    type Err = DecodeError;

    /// Parses the ISO text form. With an offset (`+05:30`) it is read as a
    /// `timestamptz` and converted to UTC; without, as a `timestamp`.
    fn from_str(s: &str) -> Result<PgTimestamp, DecodeError> {
        value_from_str(&Type::TIMESTAMPTZ, s)
    }
}

impl From<PgDate> for PgTimestamp {
    /// Midnight at the start of the date (infinities stay infinities).
    fn from(date: PgDate) -> PgTimestamp {
        match date {
            PgDate::NegInfinity => PgTimestamp::NegInfinity,
            PgDate::Infinity => PgTimestamp::Infinity,
            PgDate::Days(days) => PgTimestamp::Micros(i64::from(days) * USECS_PER_DAY),
        }
    }
}

impl PgValue for PgTimestamp {
    const NAME: &'static str = "PgTimestamp";
    const BINARY_LEN: Option<usize> = Some(8);

    #[inline]
    fn accepts_type(ty: &Type) -> bool {
        is_timestamp(ty)
    }

    fn decode_binary(_ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgTimestamp::decode(raw)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgTimestamp::parse(text, is_tz(ty)).map(|(ts, _)| ts)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(self.wire(Self::NAME, ty)?);
        Ok(())
    }
}

/// `SystemTime` is an instant: it converts to and from `timestamptz` and,
/// read as UTC, `timestamp`. Infinities and instants outside either side's
/// range are errors.
impl PgValue for SystemTime {
    const NAME: &'static str = "SystemTime";
    const BINARY_LEN: Option<usize> = Some(8);

    #[inline]
    fn accepts_type(ty: &Type) -> bool {
        is_timestamp(ty)
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        system_time(PgTimestamp::decode_binary(ty, raw)?)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        system_time(PgTimestamp::decode_text(ty, text)?)
    }

    #[inline]
    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        // `from_system_time` gives only in-range microseconds, never an infinity, so
        // they go out as they are.
        match PgTimestamp::from_system_time(*self) {
            Some(PgTimestamp::Micros(micros)) => {
                out.put_i64(micros);
                Ok(())
            }
            _ => Err(out_of_range(Self::NAME, ty, TIMESTAMP_RANGE)),
        }
    }
}

/// The `SystemTime` of a decoded timestamp.
fn system_time(ts: PgTimestamp) -> Result<SystemTime, DecodeErrorKind> {
    match ts {
        PgTimestamp::Micros(_) => ts.to_system_time().ok_or(DecodeErrorKind::OutOfRange),
        _ => Err(NO_INFINITY),
    }
}

pg_value_impls!(PgDate, PgTime, PgTimeTz, PgTimestamp, SystemTime);

#[cfg(test)]
mod tests {
    use super::super::test_util::{FORMATS, assert_encode_wrong_type, encode, is_wrong_type, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};
    use proptest::prelude::*;

    fn encode_err(value: &dyn ToSql, ty: &Type) -> BoxError {
        let mut buf = BytesMut::new();
        let err = value.to_sql(ty, &mut buf).unwrap_err();
        assert!(buf.is_empty());
        err
    }

    #[test]
    fn calendar() {
        assert_eq!(days_from_ymd(2000, 1, 1), 0);
        assert_eq!(days_from_ymd(1970, 1, 1), -10_957);
        assert_eq!(days_from_ymd(-4713, 11, 24), i64::from(MIN_DATE_DAYS));
        assert_eq!(days_from_ymd(5_874_897, 12, 31), i64::from(MAX_DATE_DAYS));
        assert_eq!(days_from_ymd(294_277, 1, 1) * USECS_PER_DAY, END_TIMESTAMP);
        for days in [
            -3_000_000i64,
            -1,
            0,
            59,
            60,
            365,
            366,
            2_000_000_000,
            MIN_DATE_DAYS.into(),
        ] {
            let (y, m, d) = ymd_from_days(days);
            assert_eq!(days_from_ymd(y, m, d), days);
        }
        assert_eq!(ymd_from_days(59), (2000, 2, 29));
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(0, 2), 29);
        assert_eq!(days_in_month(-1, 2), 28);
        assert_eq!(days_in_month(2001, 13), 0);
    }

    #[test]
    fn date_edges() {
        let cases: &[(&str, PgDate)] = &[
            ("2000-01-01", PgDate::Days(0)),
            ("1999-12-31", PgDate::Days(-1)),
            ("4714-11-24 BC", PgDate::Days(MIN_DATE_DAYS)),
            ("5874897-12-31", PgDate::Days(MAX_DATE_DAYS)),
            ("0001-01-01", PgDate::Days(-730_119)),
            ("0001-12-31 BC", PgDate::Days(-730_120)),
            ("10000-01-01", PgDate::Days(2_921_940)),
            ("infinity", PgDate::Infinity),
            ("-infinity", PgDate::NegInfinity),
        ];
        for (text, date) in cases {
            assert_eq!(date.to_string(), *text);
            assert_eq!(text.parse::<PgDate>().unwrap(), *date, "{text}");
            let raw = encode(date, &Type::DATE);
            assert_eq!(PgDate::from_sql(&Type::DATE, Format::Binary, &raw).unwrap(), *date);
        }
        assert_eq!(encode(&PgDate::Days(1), &Type::DATE), [0, 0, 0, 1]);
        assert_eq!(encode(&PgDate::NegInfinity, &Type::DATE), i32::MIN.to_be_bytes());
        assert_eq!(" +Infinity ".parse::<PgDate>().unwrap(), PgDate::Infinity);
        assert_eq!(
            "2024-1-5".parse::<PgDate>().unwrap(),
            PgDate::from_ymd(2024, 1, 5).unwrap()
        );
        assert_eq!(
            "2024-01-05 AD".parse::<PgDate>().unwrap(),
            PgDate::from_ymd(2024, 1, 5).unwrap()
        );
        for bad in [
            "",
            "2024",
            "2024-01",
            "2024/01/05",
            "2024-01-05x",
            "24-01-05 BCE",
            "-2024-01-01",
        ] {
            let err = bad.parse::<PgDate>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::InvalidSyntax, "{bad}");
        }
        for range in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "4714-11-23 BC",
            "5874898-01-01",
        ] {
            let err = range.parse::<PgDate>().unwrap_err();
            assert_eq!(err.kind(), &DecodeErrorKind::OutOfRange, "{range}");
        }
        for days in [MIN_DATE_DAYS - 1, MAX_DATE_DAYS + 1] {
            let err = encode_err(&PgDate::Days(days), &Type::DATE);
            assert!(err.is::<ValueOutOfRange>(), "{err}");
        }
        // Any i32 displays without panicking.
        assert_eq!(PgDate::Days(i32::MIN + 1).to_string(), "5877612-06-23 BC");
        assert!(!PgDate::Days(i32::MAX - 1).to_string().is_empty());
        let err = PgDate::from_sql(&Type::DATE, Format::Binary, &[0, 0, 1]).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::WrongLength { expected: 4, actual: 3 });
    }

    #[test]
    fn time_edges() {
        let cases: &[(&str, i64)] = &[
            ("00:00:00", 0),
            ("24:00:00", USECS_PER_DAY),
            ("23:59:59.999999", USECS_PER_DAY - 1),
            ("04:05:06.789", 14_706_789_000),
            ("12:00:00.000001", 43_200_000_001),
            ("12:00:00.1", 43_200_100_000),
        ];
        for &(text, micros) in cases {
            assert_eq!(PgTime(micros).to_string(), text);
            assert_eq!(text.parse::<PgTime>().unwrap(), PgTime(micros));
            let raw = encode(&PgTime(micros), &Type::TIME);
            assert_eq!(raw, micros.to_be_bytes());
            assert_eq!(
                PgTime::from_sql(&Type::TIME, Format::Binary, &raw).unwrap(),
                PgTime(micros)
            );
        }
        assert_eq!("12:30".parse::<PgTime>().unwrap(), PgTime(45_000_000_000));
        assert_eq!("00:00:00.0000005".parse::<PgTime>().unwrap(), PgTime(1));
        assert_eq!("00:00:00.0000004999".parse::<PgTime>().unwrap(), PgTime(0));
        for bad in ["", "12", "12:", "1:2:3:4", "12:00:00.", "12:00:00+01", "noon"] {
            assert_eq!(
                bad.parse::<PgTime>().unwrap_err().kind(),
                &DecodeErrorKind::InvalidSyntax,
                "{bad}"
            );
        }
        for range in ["24:00:00.000001", "25:00:00", "12:60:00", "12:00:61", "123:00:00"] {
            assert_eq!(
                range.parse::<PgTime>().unwrap_err().kind(),
                &DecodeErrorKind::OutOfRange,
                "{range}"
            );
        }
        for micros in [-1, USECS_PER_DAY + 1] {
            assert!(encode_err(&PgTime(micros), &Type::TIME).is::<ValueOutOfRange>());
        }
        assert_eq!(PgTime(-1).to_string(), "-00:00:00.000001");
        assert_eq!(PgTime(i64::MIN).to_string(), "-2562047788:00:54.775808");
    }

    #[test]
    fn timetz_edges() {
        let cases: &[(&str, i64, i32)] = &[
            ("04:05:06.789+05:30", 14_706_789_000, 19_800),
            ("04:05:06+05:30:15", 14_706_000_000, 19_815),
            ("00:00:00+00", 0, 0),
            ("24:00:00-15:59:59", USECS_PER_DAY, -57_599),
            ("23:59:59.999999+15:59", USECS_PER_DAY - 1, 57_540),
            ("12:00:00-08", 43_200_000_000, -28_800),
        ];
        for &(text, time_us, offset_secs) in cases {
            let value = PgTimeTz { time_us, offset_secs };
            assert_eq!(value.to_string(), text);
            assert_eq!(text.parse::<PgTimeTz>().unwrap(), value);
            let raw = encode(&value, &Type::TIMETZ);
            assert_eq!(&raw[..8], time_us.to_be_bytes());
            assert_eq!(&raw[8..], (-offset_secs).to_be_bytes());
            assert_eq!(PgTimeTz::from_sql(&Type::TIMETZ, Format::Binary, &raw).unwrap(), value);
        }
        assert_eq!("12:00:00+0530".parse::<PgTimeTz>().unwrap().offset_secs, 19_800);
        assert_eq!("12:00:00Z".parse::<PgTimeTz>().unwrap().offset_secs, 0);
        assert_eq!(
            "12:00:00".parse::<PgTimeTz>().unwrap_err().kind(),
            &DecodeErrorKind::InvalidSyntax
        );
        assert_eq!(
            "12:00:00+16".parse::<PgTimeTz>().unwrap_err().kind(),
            &DecodeErrorKind::OutOfRange
        );
        assert_eq!(
            "12:00:00+05:3".parse::<PgTimeTz>().unwrap_err().kind(),
            &DecodeErrorKind::InvalidSyntax
        );
        let bad = PgTimeTz {
            time_us: 0,
            offset_secs: OFFSET_LIMIT,
        };
        assert!(encode_err(&bad, &Type::TIMETZ).is::<ValueOutOfRange>());
        let mut raw = vec![0u8; 8];
        raw.extend_from_slice(&i32::MIN.to_be_bytes());
        let err = PgTimeTz::from_sql(&Type::TIMETZ, Format::Binary, &raw).unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        let err = PgTimeTz::from_sql(&Type::TIMETZ, Format::Binary, &raw[..11]).unwrap_err();
        assert_eq!(
            kind(&err),
            DecodeErrorKind::WrongLength {
                expected: 12,
                actual: 11
            }
        );
    }

    #[test]
    fn timestamp_edges() {
        let cases: &[(&str, PgTimestamp)] = &[
            ("2000-01-01 00:00:00", PgTimestamp::Micros(0)),
            ("4714-11-24 00:00:00 BC", PgTimestamp::Micros(MIN_TIMESTAMP)),
            ("294276-12-31 23:59:59.999999", PgTimestamp::Micros(END_TIMESTAMP - 1)),
            ("1999-12-31 23:59:59.999999", PgTimestamp::Micros(-1)),
            (
                "0001-12-31 23:59:59.5 BC",
                PgTimestamp::Micros(-730_119 * USECS_PER_DAY - 500_000),
            ),
            ("infinity", PgTimestamp::Infinity),
            ("-infinity", PgTimestamp::NegInfinity),
        ];
        for (text, ts) in cases {
            assert_eq!(ts.to_string(), *text);
            for ty in [Type::TIMESTAMP, Type::TIMESTAMPTZ] {
                assert_eq!(
                    PgTimestamp::from_sql(&ty, Format::Text, text.as_bytes()).unwrap(),
                    *ts,
                    "{text}"
                );
                let raw = encode(ts, &ty);
                assert_eq!(PgTimestamp::from_sql(&ty, Format::Binary, &raw).unwrap(), *ts);
            }
        }
        assert_eq!(encode(&PgTimestamp::Micros(1), &Type::TIMESTAMP), 1i64.to_be_bytes());
        assert_eq!(
            encode(&PgTimestamp::Infinity, &Type::TIMESTAMPTZ),
            i64::MAX.to_be_bytes()
        );
        for ts in [
            PgTimestamp::Micros(MIN_TIMESTAMP - 1),
            PgTimestamp::Micros(END_TIMESTAMP),
        ] {
            assert!(encode_err(&ts, &Type::TIMESTAMP).is::<ValueOutOfRange>());
        }
        // Offsets: timestamptz converts to UTC; timestamp ignores them.
        let tz = |s: &str| PgTimestamp::from_sql(&Type::TIMESTAMPTZ, Format::Text, s.as_bytes()).unwrap();
        let plain = |s: &str| PgTimestamp::from_sql(&Type::TIMESTAMP, Format::Text, s.as_bytes()).unwrap();
        let utc = PgTimestamp::from_ymd_hms_micro(2024, 6, 1, 6, 30, 0, 0).unwrap();
        assert_eq!(tz("2024-06-01 12:00:00+05:30"), utc);
        assert_eq!(tz("2024-06-01 06:30:00+00"), utc);
        assert_eq!(tz("2024-06-01T06:30:00Z"), utc);
        assert_eq!(tz("2024-05-31 22:30:00-08"), utc);
        assert_eq!(tz("2024-06-01 06:49:32+00:19:32"), utc);
        assert_eq!(plain("2024-06-01 06:30:00+05:30"), utc);
        assert_eq!(
            tz("2024-06-01"),
            PgTimestamp::from_ymd_hms_micro(2024, 6, 1, 0, 0, 0, 0).unwrap()
        );
        assert_eq!(tz("0044-03-15 12:00:00+00 BC").to_string(), "0044-03-15 12:00:00 BC");
        assert_eq!(
            tz("0044-03-15 12:00:00+00 BC").with_offset(0).to_string(),
            "0044-03-15 12:00:00+00 BC"
        );
        assert_eq!(tz("2024-01-01 24:00:00"), tz("2024-01-02 00:00:00"));
        // A timestamptz whose UTC falls before the first valid instant.
        let err = PgTimestamp::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"4714-11-24 00:00:00+01 BC").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        for bad in [
            "",
            "2024-01-01 12",
            "2024-01-01  12:00:00",
            "2024-01-01 12:00:00 PM",
            "2024-01-01 12:00:00+",
        ] {
            let err = PgTimestamp::from_sql(&Type::TIMESTAMP, Format::Text, bad.as_bytes()).unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::InvalidSyntax, "{bad:?}");
        }
        for range in [
            "294277-01-01 00:00:00",
            "2024-02-30 00:00:00",
            "2024-01-01 25:00:00",
            "999999999-01-01",
        ] {
            let err = PgTimestamp::from_sql(&Type::TIMESTAMP, Format::Text, range.as_bytes()).unwrap_err();
            assert_eq!(kind(&err), DecodeErrorKind::OutOfRange, "{range}");
        }
        let err = PgTimestamp::from_sql(&Type::TIMESTAMP, Format::Text, b"1234567890-01-01").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        // Parts.
        let ts = PgTimestamp::Micros(-1);
        assert_eq!(ts.date(), PgDate::Days(-1));
        assert_eq!(ts.time(), Some(PgTime(USECS_PER_DAY - 1)));
        assert_eq!(PgTimestamp::from(PgDate::Days(1)), PgTimestamp::Micros(USECS_PER_DAY));
        assert_eq!(PgTimestamp::from(PgDate::NegInfinity), PgTimestamp::NegInfinity);
        // Any i64 displays.
        assert!(!PgTimestamp::Micros(i64::MIN + 1).to_string().is_empty());
        assert!(
            !PgTimestamp::Micros(i64::MAX - 1)
                .with_offset(57_599)
                .to_string()
                .is_empty()
        );
    }

    #[test]
    fn system_time() {
        let t = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
        let raw = encode(&t, &Type::TIMESTAMPTZ);
        let back = SystemTime::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &raw).unwrap();
        assert_eq!(back, UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_000));
        let before = UNIX_EPOCH - Duration::from_nanos(1_500);
        let raw = encode(&before, &Type::TIMESTAMP);
        assert_eq!(
            SystemTime::from_sql(&Type::TIMESTAMP, Format::Binary, &raw).unwrap(),
            UNIX_EPOCH - Duration::from_micros(2)
        );
        assert_eq!(
            SystemTime::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"1970-01-01 01:00:00+01").unwrap(),
            UNIX_EPOCH
        );
        let err = SystemTime::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"infinity").unwrap_err();
        assert_eq!(kind(&err), NO_INFINITY);
        let err = SystemTime::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &i64::MIN.to_be_bytes()).unwrap_err();
        assert_eq!(kind(&err), NO_INFINITY);
        assert!(!<SystemTime as FromSql>::accepts(&Type::DATE));
        assert_encode_wrong_type(&UNIX_EPOCH, &Type::DATE);
        let far = UNIX_EPOCH + Duration::from_secs(400_000 * 366 * 86_400);
        assert!(encode_err(&far, &Type::TIMESTAMPTZ).is::<ValueOutOfRange>());
    }

    #[test]
    fn honest_accepts() {
        let all = [
            Type::DATE,
            Type::TIME,
            Type::TIMETZ,
            Type::TIMESTAMP,
            Type::TIMESTAMPTZ,
            Type::INTERVAL,
            Type::TEXT,
        ];
        for ty in &all {
            assert_eq!(<PgDate as FromSql>::accepts(ty), *ty == Type::DATE);
            assert_eq!(<PgTime as FromSql>::accepts(ty), *ty == Type::TIME);
            assert_eq!(<PgTimeTz as FromSql>::accepts(ty), *ty == Type::TIMETZ);
            assert_eq!(
                <PgTimestamp as FromSql>::accepts(ty),
                *ty == Type::TIMESTAMP || *ty == Type::TIMESTAMPTZ
            );
            if *ty != Type::DATE {
                assert_encode_wrong_type(&PgDate::EPOCH, ty);
                for format in FORMATS {
                    assert!(is_wrong_type(&PgDate::from_sql(ty, format, b"2000-01-01").unwrap_err()));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn timestamp_round_trips(micros in MIN_TIMESTAMP..END_TIMESTAMP, offset in -57_599i32..57_600) {
            let ts = PgTimestamp::Micros(micros);
            let text = ts.to_string();
            prop_assert_eq!(PgTimestamp::from_sql(&Type::TIMESTAMP, Format::Text, text.as_bytes()).unwrap(), ts);
            let tz_text = ts.with_offset(offset).to_string();
            let back = PgTimestamp::from_sql(&Type::TIMESTAMPTZ, Format::Text, tz_text.as_bytes());
            prop_assert_eq!(back.unwrap(), ts);
            for ty in [Type::TIMESTAMP, Type::TIMESTAMPTZ] {
                let raw = encode(&ts, &ty);
                prop_assert_eq!(PgTimestamp::from_sql(&ty, Format::Binary, &raw).unwrap(), ts);
            }
        }

        #[test]
        fn date_round_trips(days in MIN_DATE_DAYS..=MAX_DATE_DAYS) {
            let date = PgDate::Days(days);
            prop_assert_eq!(date.to_string().parse::<PgDate>().unwrap(), date);
            let (y, m, d) = date.to_ymd().unwrap();
            prop_assert_eq!(PgDate::from_ymd(y, m, d), Some(date));
        }

        #[test]
        fn timetz_round_trips(time_us in 0..=USECS_PER_DAY, offset_secs in -57_599i32..57_600) {
            let value = PgTimeTz { time_us, offset_secs };
            prop_assert_eq!(value.to_string().parse::<PgTimeTz>().unwrap(), value);
            let raw = encode(&value, &Type::TIMETZ);
            prop_assert_eq!(PgTimeTz::from_sql(&Type::TIMETZ, Format::Binary, &raw).unwrap(), value);
        }

        #[test]
        fn text_parsers_never_panic(text in "[-+0-9: .TZBCADinfty]{0,40}") {
            let _ = PgTimestamp::from_sql(&Type::TIMESTAMPTZ, Format::Text, text.as_bytes());
            let _ = PgDate::from_sql(&Type::DATE, Format::Text, text.as_bytes());
            let _ = PgTimeTz::from_sql(&Type::TIMETZ, Format::Text, text.as_bytes());
            let _ = PgTime::from_sql(&Type::TIME, Format::Text, text.as_bytes());
        }
    }
}
