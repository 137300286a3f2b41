//! `jiff` types (feature `with-jiff`):
//!
//! | Rust | PostgreSQL |
//! | --- | --- |
//! | `jiff::civil::Date` | `date` |
//! | `jiff::civil::Time` | `time` |
//! | `jiff::civil::DateTime` | `timestamp` |
//! | `jiff::Timestamp` | `timestamptz` |
//!
//! jiff holds years −9999 to 9999; values outside that, `infinity` and
//! `24:00:00` are decode errors, and a value PostgreSQL cannot hold is a
//! [`ValueOutOfRange`](crate::ValueOutOfRange) when encoded. Nanoseconds are
//! truncated to microseconds.
//!
//! ```
//! use jiff::{Timestamp, civil::date};
//! use tusk_types::{Format, FromSql, ToSql, Type};
//!
//! let d = jiff::civil::Date::from_sql(&Type::DATE, Format::Text, b"2024-02-29").unwrap();
//! assert_eq!(d, date(2024, 2, 29));
//! let t = Timestamp::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"2024-06-01 12:00:00+05:30").unwrap();
//! assert_eq!(t.as_second(), 1_717_223_400);
//! ```

use bytes::{BufMut, BytesMut};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};

use super::datetime::{
    NO_INFINITY, PgDate, PgTime, PgTimestamp, UNIX_EPOCH_USECS, USECS_PER_DAY, USECS_PER_SEC, days_from_ymd, is_tz,
    ymd_from_days,
};
use super::scalar::{PgValue, out_of_range, pg_value_impls};
use crate::{BoxError, DecodeErrorKind, Type};

fn date_from_days(days: i32) -> Result<Date, DecodeErrorKind> {
    let (year, month, day) = ymd_from_days(i64::from(days));
    let year = i16::try_from(year).map_err(|_| DecodeErrorKind::OutOfRange)?;
    Date::new(year, month as i8, day as i8).map_err(|_| DecodeErrorKind::OutOfRange)
}

fn days_from_date(date: Date) -> i32 {
    // jiff's years are within ±9999: no overflow.
    days_from_ymd(i64::from(date.year()), date.month() as u32, date.day() as u32) as i32
}

fn time_from_micros(micros: i64) -> Result<Time, DecodeErrorKind> {
    if !(0..USECS_PER_DAY).contains(&micros) {
        return Err(DecodeErrorKind::OutOfRange);
    }
    let secs = micros / USECS_PER_SEC;
    Time::new(
        (secs / 3600) as i8,
        (secs / 60 % 60) as i8,
        (secs % 60) as i8,
        ((micros % USECS_PER_SEC) * 1000) as i32,
    )
    .map_err(|_| DecodeErrorKind::OutOfRange)
}

fn micros_from_time(time: Time) -> i64 {
    (i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60 + i64::from(time.second())) * USECS_PER_SEC
        + i64::from(time.subsec_nanosecond() / 1000)
}

fn datetime_from_micros(micros: i64) -> Result<DateTime, DecodeErrorKind> {
    let days = i32::try_from(micros.div_euclid(USECS_PER_DAY)).map_err(|_| DecodeErrorKind::OutOfRange)?;
    Ok(DateTime::from_parts(
        date_from_days(days)?,
        time_from_micros(micros.rem_euclid(USECS_PER_DAY))?,
    ))
}

impl PgValue for Date {
    const NAME: &'static str = "jiff::civil::Date";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::DATE.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgDate::decode_binary(ty, raw)?
            .days()
            .ok_or(NO_INFINITY)
            .and_then(date_from_days)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgDate::decode_text(ty, text)?
            .days()
            .ok_or(NO_INFINITY)
            .and_then(date_from_days)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i32(PgDate::Days(days_from_date(*self)).wire(Self::NAME, ty)?);
        Ok(())
    }
}

impl PgValue for Time {
    const NAME: &'static str = "jiff::civil::Time";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TIME.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        time_from_micros(PgTime::decode_binary(ty, raw)?.0)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        time_from_micros(PgTime::decode_text(ty, text)?.0)
    }

    fn encode_binary(&self, _ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(micros_from_time(*self));
        Ok(())
    }
}

impl PgValue for DateTime {
    const NAME: &'static str = "jiff::civil::DateTime";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TIMESTAMP.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        PgTimestamp::decode_binary(ty, raw)?
            .micros()
            .ok_or(NO_INFINITY)
            .and_then(datetime_from_micros)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        PgTimestamp::decode_text(ty, text)?
            .micros()
            .ok_or(NO_INFINITY)
            .and_then(datetime_from_micros)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        let micros = i64::from(days_from_date(self.date())) * USECS_PER_DAY + micros_from_time(self.time());
        out.put_i64(PgTimestamp::Micros(micros).wire(Self::NAME, ty)?);
        Ok(())
    }
}

impl PgValue for Timestamp {
    const NAME: &'static str = "jiff::Timestamp";

    fn accepts_type(ty: &Type) -> bool {
        is_tz(ty)
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let micros = PgTimestamp::decode_binary(ty, raw)?.micros().ok_or(NO_INFINITY)?;
        timestamp_from_micros(micros)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let micros = PgTimestamp::decode_text(ty, text)?.micros().ok_or(NO_INFINITY)?;
        timestamp_from_micros(micros)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        let unix = self.as_nanosecond().div_euclid(1000);
        let micros = i64::try_from(unix - i128::from(UNIX_EPOCH_USECS))
            .map_err(|_| out_of_range(Self::NAME, ty, "beyond a timestamp's range"))?;
        out.put_i64(PgTimestamp::Micros(micros).wire(Self::NAME, ty)?);
        Ok(())
    }
}

/// The jiff timestamp `micros` after 2000-01-01 UTC.
fn timestamp_from_micros(micros: i64) -> Result<Timestamp, DecodeErrorKind> {
    let unix = micros
        .checked_add(UNIX_EPOCH_USECS)
        .ok_or(DecodeErrorKind::OutOfRange)?;
    Timestamp::from_microsecond(unix).map_err(|_| DecodeErrorKind::OutOfRange)
}

pg_value_impls!(Date, Time, DateTime, Timestamp);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql};
    use jiff::civil::date;

    #[test]
    fn conversions() {
        let d = date(-43, 3, 15);
        assert_eq!(encode(&d, &Type::DATE), (-746_117i32).to_be_bytes());
        assert_eq!(Date::from_sql(&Type::DATE, Format::Text, b"0044-03-15 BC").unwrap(), d);
        assert_eq!(
            kind(&Date::from_sql(&Type::DATE, Format::Text, b"10000-01-01").unwrap_err()),
            DecodeErrorKind::OutOfRange
        );
        assert_eq!(
            kind(&Date::from_sql(&Type::DATE, Format::Binary, &i32::MIN.to_be_bytes()).unwrap_err()),
            NO_INFINITY
        );
        let t = Time::new(4, 5, 6, 789_000_999).unwrap();
        assert_eq!(encode(&t, &Type::TIME), 14_706_789_000i64.to_be_bytes());
        assert!(Time::from_sql(&Type::TIME, Format::Text, b"24:00:00").is_err());
        let dt = DateTime::from_parts(d, Time::new(4, 5, 6, 789_000_000).unwrap());
        let raw = encode(&dt, &Type::TIMESTAMP);
        assert_eq!(DateTime::from_sql(&Type::TIMESTAMP, Format::Binary, &raw).unwrap(), dt);
        assert_eq!(
            DateTime::from_sql(&Type::TIMESTAMP, Format::Text, b"0044-03-15 04:05:06.789 BC").unwrap(),
            dt
        );
        let ts = Timestamp::from_second(1_717_223_400).unwrap();
        let raw = encode(&ts, &Type::TIMESTAMPTZ);
        assert_eq!(
            Timestamp::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &raw).unwrap(),
            ts
        );
        let before = Timestamp::from_nanosecond(-1).unwrap();
        let raw = encode(&before, &Type::TIMESTAMPTZ);
        assert_eq!(
            Timestamp::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &raw).unwrap(),
            Timestamp::from_microsecond(-1).unwrap()
        );
        assert_encode_wrong_type(&ts, &Type::TIMESTAMP);
        assert_encode_wrong_type(&dt, &Type::TIMESTAMPTZ);
        assert!(!<Timestamp as FromSql>::accepts(&Type::TIMESTAMP));
    }
}
