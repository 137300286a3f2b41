//! `chrono` types (feature `with-chrono`):
//!
//! | Rust | PostgreSQL |
//! | --- | --- |
//! | `NaiveDate` | `date` |
//! | `NaiveTime` | `time` |
//! | `NaiveDateTime` | `timestamp` |
//! | `DateTime<Utc>` | `timestamptz` |
//! | `DateTime<FixedOffset>` | `timestamptz`; decoded from text it keeps the offset the server printed (the session's `TimeZone`), from binary it is UTC |
//!
//! Values go through [`PgDate`], [`PgTime`] and [`PgTimestamp`], so the
//! wire formats are those of the [`datetime`](super::datetime) module. What
//! one side cannot hold is an error, never a clamp: `infinity` has no chrono
//! value ([`Unsupported`](crate::DecodeErrorKind::Unsupported)), PostgreSQL's
//! `24:00:00` and dates beyond chrono's ±262 143 years are
//! [`OutOfRange`](crate::DecodeErrorKind::OutOfRange), and a chrono date
//! before 4713 BC is a [`ValueOutOfRange`](crate::ValueOutOfRange) when
//! encoded. Sub-microsecond digits are truncated.
//!
//! ```
//! use bytes::BytesMut;
//! use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
//! use tusk_types::{Format, FromSql, ToSql, Type};
//!
//! let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
//! let mut buf = BytesMut::new();
//! date.to_sql(&Type::DATE, &mut buf).unwrap();
//! assert_eq!(&buf[..], &8825i32.to_be_bytes());
//! assert_eq!(NaiveDate::from_sql(&Type::DATE, Format::Text, b"2024-02-29").unwrap(), date);
//!
//! let text = b"2024-06-01 12:00:00+05:30";
//! let local = DateTime::<FixedOffset>::from_sql(&Type::TIMESTAMPTZ, Format::Text, text).unwrap();
//! assert_eq!(local.to_rfc3339(), "2024-06-01T12:00:00+05:30");
//! let utc = DateTime::<Utc>::from_sql(&Type::TIMESTAMPTZ, Format::Text, text).unwrap();
//! assert_eq!(utc.to_rfc3339(), "2024-06-01T06:30:00+00:00");
//!
//! assert!(NaiveDate::from_sql(&Type::DATE, Format::Text, b"infinity").is_err());
//! ```

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

use super::datetime::{NO_INFINITY, PgDate, PgTime, PgTimestamp, USECS_PER_DAY, USECS_PER_SEC, is_tz};
use super::scalar::{PgValue, pg_value_impls};
use crate::{BoxError, DecodeErrorKind, Type};

/// `NaiveDate::num_days_from_ce` of 2000-01-01.
const CE_DAYS_2000: i32 = 730_120;

fn date_from_days(days: i32) -> Result<NaiveDate, DecodeErrorKind> {
    days.checked_add(CE_DAYS_2000)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(DecodeErrorKind::OutOfRange)
}

fn days_from_date(date: &NaiveDate) -> i32 {
    // chrono's dates are within ±262 143 years: no overflow.
    date.num_days_from_ce() - CE_DAYS_2000
}

fn time_from_micros(micros: i64) -> Result<NaiveTime, DecodeErrorKind> {
    let secs = u32::try_from(micros.div_euclid(USECS_PER_SEC)).map_err(|_| DecodeErrorKind::OutOfRange)?;
    let nanos = (micros.rem_euclid(USECS_PER_SEC) * 1000) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).ok_or(DecodeErrorKind::OutOfRange)
}

fn micros_from_time(time: &NaiveTime) -> i64 {
    // A leap second's nanoseconds run past 1e9; they count toward the next second.
    i64::from(time.num_seconds_from_midnight()) * USECS_PER_SEC + i64::from(time.nanosecond() / 1000)
}

fn datetime_from_timestamp(ts: PgTimestamp) -> Result<NaiveDateTime, DecodeErrorKind> {
    let micros = ts.micros().ok_or(NO_INFINITY)?;
    let days = i32::try_from(micros.div_euclid(USECS_PER_DAY)).map_err(|_| DecodeErrorKind::OutOfRange)?;
    Ok(NaiveDateTime::new(
        date_from_days(days)?,
        time_from_micros(micros.rem_euclid(USECS_PER_DAY))?,
    ))
}

fn timestamp_from_datetime(dt: &NaiveDateTime) -> PgTimestamp {
    PgTimestamp::Micros(i64::from(days_from_date(&dt.date())) * USECS_PER_DAY + micros_from_time(&dt.time()))
}

impl PgValue for NaiveDate {
    const NAME: &'static str = "NaiveDate";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::DATE.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        match PgDate::decode_binary(ty, raw)? {
            PgDate::Days(days) => date_from_days(days),
            _ => Err(NO_INFINITY),
        }
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        match PgDate::decode_text(ty, text)? {
            PgDate::Days(days) => date_from_days(days),
            _ => Err(NO_INFINITY),
        }
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i32(PgDate::Days(days_from_date(self)).wire(Self::NAME, ty)?);
        Ok(())
    }
}

impl PgValue for NaiveTime {
    const NAME: &'static str = "NaiveTime";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TIME.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        time_from_micros(PgTime::decode_binary(ty, raw)?.0)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        time_from_micros(PgTime::decode_text(ty, text)?.0)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(PgTime(micros_from_time(self)).check(Self::NAME, ty)?);
        Ok(())
    }
}

impl PgValue for NaiveDateTime {
    const NAME: &'static str = "NaiveDateTime";

    fn accepts_type(ty: &Type) -> bool {
        ty.oid() == Type::TIMESTAMP.oid()
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        datetime_from_timestamp(PgTimestamp::decode_binary(ty, raw)?)
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        datetime_from_timestamp(PgTimestamp::decode_text(ty, text)?)
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(timestamp_from_datetime(self).wire(Self::NAME, ty)?);
        Ok(())
    }
}

impl PgValue for DateTime<Utc> {
    const NAME: &'static str = "DateTime<Utc>";

    fn accepts_type(ty: &Type) -> bool {
        is_tz(ty)
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let naive = datetime_from_timestamp(PgTimestamp::decode_binary(ty, raw)?)?;
        Ok(DateTime::from_naive_utc_and_offset(naive, Utc))
    }

    fn decode_text(ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let naive = datetime_from_timestamp(PgTimestamp::decode_text(ty, text)?)?;
        Ok(DateTime::from_naive_utc_and_offset(naive, Utc))
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(timestamp_from_datetime(&self.naive_utc()).wire(Self::NAME, ty)?);
        Ok(())
    }
}

impl PgValue for DateTime<FixedOffset> {
    const NAME: &'static str = "DateTime<FixedOffset>";

    fn accepts_type(ty: &Type) -> bool {
        is_tz(ty)
    }

    fn decode_binary(ty: &Type, raw: &[u8]) -> Result<Self, DecodeErrorKind> {
        let naive = datetime_from_timestamp(PgTimestamp::decode_binary(ty, raw)?)?;
        let utc = FixedOffset::east_opt(0).ok_or(DecodeErrorKind::OutOfRange)?;
        Ok(DateTime::from_naive_utc_and_offset(naive, utc))
    }

    fn decode_text(_ty: &Type, text: &str) -> Result<Self, DecodeErrorKind> {
        let (ts, offset) = PgTimestamp::parse(text, true)?;
        let naive = datetime_from_timestamp(ts)?;
        let offset = FixedOffset::east_opt(offset).ok_or(DecodeErrorKind::OutOfRange)?;
        Ok(DateTime::from_naive_utc_and_offset(naive, offset))
    }

    fn encode_binary(&self, ty: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
        out.put_i64(timestamp_from_datetime(&self.naive_utc()).wire(Self::NAME, ty)?);
        Ok(())
    }
}

pg_value_impls!(
    NaiveDate,
    NaiveTime,
    NaiveDateTime,
    DateTime<Utc>,
    DateTime<FixedOffset>
);

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_encode_wrong_type, encode, kind};
    use super::*;
    use crate::{Format, FromSql, ToSql, ValueOutOfRange};
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[test]
    fn dates() {
        let cases = [
            (NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(), 0, "2000-01-01"),
            (NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(), -1, "1999-12-31"),
            (NaiveDate::from_ymd_opt(-43, 3, 15).unwrap(), -746_117, "0044-03-15 BC"),
            (
                NaiveDate::from_ymd_opt(-4713, 11, 24).unwrap(),
                -2_451_545,
                "4714-11-24 BC",
            ),
            (NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap(), 2_921_940, "10000-01-01"),
        ];
        for (date, days, text) in cases {
            assert_eq!(encode(&date, &Type::DATE), i32::to_be_bytes(days));
            assert_eq!(
                NaiveDate::from_sql(&Type::DATE, Format::Binary, &days.to_be_bytes()).unwrap(),
                date
            );
            assert_eq!(
                NaiveDate::from_sql(&Type::DATE, Format::Text, text.as_bytes()).unwrap(),
                date
            );
        }
        let too_old = NaiveDate::from_ymd_opt(-4713, 11, 23).unwrap();
        assert!(
            too_old
                .to_sql(&Type::DATE, &mut BytesMut::new())
                .unwrap_err()
                .is::<ValueOutOfRange>()
        );
        let err = NaiveDate::from_sql(&Type::DATE, Format::Binary, &i32::MAX.to_be_bytes()).unwrap_err();
        assert_eq!(kind(&err), NO_INFINITY);
        let err = NaiveDate::from_sql(&Type::DATE, Format::Text, b"5874897-12-31").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        assert_encode_wrong_type(&NaiveDate::MIN, &Type::TIMESTAMP);
    }

    #[test]
    fn times_and_timestamps() {
        let t = NaiveTime::from_hms_micro_opt(4, 5, 6, 789_000).unwrap();
        assert_eq!(encode(&t, &Type::TIME), 14_706_789_000i64.to_be_bytes());
        assert_eq!(
            NaiveTime::from_sql(&Type::TIME, Format::Text, b"04:05:06.789").unwrap(),
            t
        );
        let err = NaiveTime::from_sql(&Type::TIME, Format::Text, b"24:00:00").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        let nanos = NaiveTime::from_hms_nano_opt(0, 0, 0, 1_999).unwrap();
        assert_eq!(encode(&nanos, &Type::TIME), 1i64.to_be_bytes());

        let dt = NaiveDate::from_ymd_opt(2024, 1, 31)
            .unwrap()
            .and_hms_micro_opt(13, 45, 0, 250_000)
            .unwrap();
        let raw = encode(&dt, &Type::TIMESTAMP);
        assert_eq!(
            NaiveDateTime::from_sql(&Type::TIMESTAMP, Format::Binary, &raw).unwrap(),
            dt
        );
        assert_eq!(
            NaiveDateTime::from_sql(&Type::TIMESTAMP, Format::Text, b"2024-01-31 13:45:00.25").unwrap(),
            dt
        );
        let bc = NaiveDateTime::from_sql(&Type::TIMESTAMP, Format::Text, b"0044-03-15 12:00:00 BC").unwrap();
        assert_eq!(bc.date().year(), -43);
        assert!(!<NaiveDateTime as FromSql>::accepts(&Type::TIMESTAMPTZ));
        assert_encode_wrong_type(&dt, &Type::TIMESTAMPTZ);
        let err = NaiveDateTime::from_sql(&Type::TIMESTAMP, Format::Binary, &i64::MIN.to_be_bytes()).unwrap_err();
        assert_eq!(kind(&err), NO_INFINITY);
        let err = NaiveDateTime::from_sql(&Type::TIMESTAMP, Format::Text, b"294276-12-31 23:59:59").unwrap_err();
        assert_eq!(kind(&err), DecodeErrorKind::OutOfRange);
        let far = NaiveDate::from_ymd_opt(-200_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert!(
            far.to_sql(&Type::TIMESTAMP, &mut BytesMut::new())
                .unwrap_err()
                .is::<ValueOutOfRange>()
        );
    }

    #[test]
    fn zoned() {
        let utc = Utc.with_ymd_and_hms(2024, 6, 1, 6, 30, 0).unwrap();
        let raw = encode(&utc, &Type::TIMESTAMPTZ);
        assert_eq!(
            DateTime::<Utc>::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &raw).unwrap(),
            utc
        );
        let fixed = FixedOffset::east_opt(19_800)
            .unwrap()
            .with_ymd_and_hms(2024, 6, 1, 12, 0, 0)
            .unwrap();
        assert_eq!(encode(&fixed, &Type::TIMESTAMPTZ), raw);
        let back = DateTime::<FixedOffset>::from_sql(&Type::TIMESTAMPTZ, Format::Binary, &raw).unwrap();
        assert_eq!(back, fixed);
        assert_eq!(back.offset().local_minus_utc(), 0);
        let text =
            DateTime::<FixedOffset>::from_sql(&Type::TIMESTAMPTZ, Format::Text, b"2024-06-01 12:00:00+05:30").unwrap();
        assert_eq!(text.offset().local_minus_utc(), 19_800);
        assert_eq!(text, fixed);
        assert!(!<DateTime<Utc> as FromSql>::accepts(&Type::TIMESTAMP));
        assert_encode_wrong_type(&utc, &Type::TIMESTAMP);
        assert_encode_wrong_type(&fixed, &Type::DATE);
    }

    proptest! {
        #[test]
        fn round_trips(micros in -211_813_488_000_000_000i64..9_223_371_331_200_000_000) {
            let ts = PgTimestamp::Micros(micros);
            // Within chrono's range only.
            if let Ok(dt) = datetime_from_timestamp(ts) {
                prop_assert_eq!(timestamp_from_datetime(&dt), ts);
                let raw = encode(&dt, &Type::TIMESTAMP);
                prop_assert_eq!(NaiveDateTime::from_sql(&Type::TIMESTAMP, Format::Binary, &raw).unwrap(), dt);
                let text = ts.to_string();
                prop_assert_eq!(NaiveDateTime::from_sql(&Type::TIMESTAMP, Format::Text, text.as_bytes()).unwrap(), dt);
            }
        }
    }
}
