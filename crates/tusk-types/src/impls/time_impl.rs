//! `time` types (feature `with-time`):
//!
//! | Rust | PostgreSQL |
//! | --- | --- |
//! | `time::Date` | `date` |
//! | `time::Time` | `time` |
//! | `time::PrimitiveDateTime` | `timestamp` |
//! | `time::OffsetDateTime` | `timestamptz`; from text it keeps the offset the server printed, from binary it is UTC |
//!
//! The `time` crate holds years −9999 to 9999 (wider with its `large-dates`
//! feature); values outside that, `infinity`, and `24:00:00` are decode
//! errors, and a date before 4713 BC is a
//! [`ValueOutOfRange`](crate::ValueOutOfRange) when encoded. Nanoseconds
//! are truncated to microseconds.
//!
//! ```
//! use bytes::BytesMut;
//! use time::{Date, Month, OffsetDateTime};
//! use tusk_types::{Format, FromSql, ToSql, Type};
//!
//! let date = Date::from_calendar_date(2024, Month::February, 29).unwrap();
//! let mut buf = BytesMut::new();
//! date.to_sql(&Type::DATE, &mut buf).unwrap();
//! assert_eq!(&buf[..], &8825i32.to_be_bytes());
//!
//! let t = OffsetDateTime::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"2024-06-01 12:00:00+05:30").unwrap();
//! assert_eq!(t.offset().whole_seconds(), 19_800);
//! assert_eq!(t.unix_timestamp(), 1_717_223_400);
//! ```

use bytes::{BufMut, BytesMut};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::datetime::{
    NO_INFINITY, PgDate, PgTime, PgTimestamp, UNIX_EPOCH_USECS, USECS_PER_DAY, USECS_PER_SEC, is_tz,
};
use super::scalar::{PgValue, out_of_range, pg_value_impls};
use crate::{BoxError, DecodeErrorKind, Type};

/// The Julian day of 2000-01-01.
const JULIAN_2000: i32 = 2_451_545;

fn date_from_days(days: i32) -> Result<Date, DecodeErrorKind> {
    let julian = days.checked_add(JULIAN_2000).ok_or(DecodeErrorKind::OutOfRange)?;
    Date::from_julian_day(julian).map_err(|_| DecodeErrorKind::OutOfRange)
}

fn days_from_date(date: Date) -> i32 {
    date.to_julian_day() - JULIAN_2000
}

fn time_from_micros(micros: i64) -> Result<Time, DecodeErrorKind> {
    if !(0..USECS_PER_DAY).contains(&micros) {
        return Err(DecodeErrorKind::OutOfRange);
    }
    let secs = micros / USECS_PER_SEC;
    Time::from_hms_micro(
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
        (micros % USECS_PER_SEC) as u32,
    )
    .map_err(|_| DecodeErrorKind::OutOfRange)
}

fn micros_from_time(time: Time) -> i64 {
    (i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60 + i64::from(time.second())) * USECS_PER_SEC
        + i64::from(time.nanosecond() / 1000)
}

fn datetime_from_micros(micros: i64) -> Result<PrimitiveDateTime, DecodeErrorKind> {
    let days = i32::try_from(micros.div_euclid(USECS_PER_DAY)).map_err(|_| DecodeErrorKind::OutOfRange)?;
    Ok(PrimitiveDateTime::new(
        date_from_days(days)?,
        time_from_micros(micros.rem_euclid(USECS_PER_DAY))?,
    ))
}

fn micros_from_datetime(dt: PrimitiveDateTime) -> i64 {
    i64::from(days_from_date(dt.date())) * USECS_PER_DAY + micros_from_time(dt.time())
}

/// The microseconds since 2000 of an instant, rounded down.
fn micros_from_instant(t: OffsetDateTime) -> Option<i64> {
    let unix = t.unix_timestamp_nanos().div_euclid(1000);
    i64::try_from(unix - i128::from(UNIX_EPOCH_USECS)).ok()
}

/// The instant `micros` after 2000-01-01 UTC, seen at `offset`.
fn instant_from_micros(micros: i64, offset: i32) -> Result<OffsetDateTime, DecodeErrorKind> {
    let unix_nanos = (i128::from(micros) + i128::from(UNIX_EPOCH_USECS)) * 1000;
    let utc = OffsetDateTime::from_unix_timestamp_nanos(unix_nanos).map_err(|_| DecodeErrorKind::OutOfRange)?;
    let offset = UtcOffset::from_whole_seconds(offset).map_err(|_| DecodeErrorKind::OutOfRange)?;
    utc.checked_to_offset(offset).ok_or(DecodeErrorKind::OutOfRange)
}

impl PgValue for Date {
    const NAME: &'static str = "time::Date";

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
    const NAME: &'static str = "time::Time";

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

impl PgValue for PrimitiveDateTime {
    const NAME: &'static str = "time::PrimitiveDateTime";

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
        out.put_i64(PgTimestamp::Micros(micros_from_datetime(*self)).wire(Self::NAME, ty)?);
        Ok(())
    }
}

impl PgValue for OffsetDateTime {
    const NAME: &'static str = "time::OffsetDateTime";

    fn accepts_type(ty: &Type) -> bool {
        is_tz(ty)
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let micros = PgTimestamp::decode_binary(ty, raw)?.micros().ok_or(NO_INFINITY)?;
        instant_from_micros(micros, 0)
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let (ts, offset) = PgTimestamp::parse(text, true)?;
        instant_from_micros(ts.micros().ok_or(NO_INFINITY)?, offset)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        let micros =
            micros_from_instant(*self).ok_or_else(|| out_of_range(Self::NAME, ty, "beyond a timestamp's range"))?;
        out.put_i64(PgTimestamp::Micros(micros).wire(Self::NAME, ty)?);
        Ok(())
    }
}

pg_value_impls!(Date, Time, PrimitiveDateTime, OffsetDateTime);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql};
    use time::Month;

    #[test]
    fn conversions() {
        let date = Date::from_calendar_date(-43, Month::March, 15).unwrap();
        assert_eq!(encode(&date, &Type::DATE), (-746_117i32).to_be_bytes());
        assert_eq!(
            Date::from_sql(&Type::DATE, Format::Text, b"0044-03-15 BC").unwrap(),
            date
        );
        let err = Date::from_sql(&Type::DATE, Format::Text, b"10000-01-01").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        let err = Date::from_sql(&Type::DATE, Format::Text, b"-infinity").unwrap_err();
        assert_eq!(kind(&err), NO_INFINITY);

        let t = Time::from_hms_nano(4, 5, 6, 789_000_999).unwrap();
        assert_eq!(encode(&t, &Type::TIME), 14_706_789_000i64.to_be_bytes());
        assert_eq!(
            Time::from_sql(&Type::TIME, Format::Text, b"04:05:06.789").unwrap(),
            Time::from_hms_milli(4, 5, 6, 789).unwrap()
        );
        assert!(Time::from_sql(&Type::TIME, Format::Text, b"24:00:00").is_err());

        let dt = PrimitiveDateTime::new(date, t);
        let raw = encode(&dt, &Type::TIMESTAMP);
        let back = PrimitiveDateTime::from_sql(&Type::TIMESTAMP, Format::Binary, &raw).unwrap();
        assert_eq!(
            back,
            PrimitiveDateTime::new(date, Time::from_hms_milli(4, 5, 6, 789).unwrap())
        );
        assert_encode_wrong_type(&dt, &Type::TIMESTAMPTZ);

        let odt = OffsetDateTime::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"2024-06-01 12:00:00+05:30").unwrap();
        let raw = encode(&odt, &Type::TIMESTAMPTZ);
        let utc = OffsetDateTime::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &raw).unwrap();
        assert_eq!(utc, odt);
        assert_eq!(utc.offset(), UtcOffset::UTC);
        assert_encode_wrong_type(&odt, &Type::TIMESTAMP);
        assert!(!<OffsetDateTime as FromSql>::accepts(&Type::TIMESTAMP));
        let err = OffsetDateTime::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &i64::MAX.to_be_bytes()).unwrap_err();
        assert_eq!(kind(&err), NO_INFINITY);
    }
}
