//! Any bytes as the text value of a scalar type: every text decoder returns
//! a value or an error, never panics. The first byte picks the decoder; a
//! decoded value's `Display` text decodes again to the same value.
#![no_main]
use std::fmt::{Debug, Display};
use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use tusk_types::{
    Format, FromSql, PgBitVec, PgBox, PgCidr, PgCircle, PgDate, PgInet, PgInt2Vector, PgInterval, PgLSeg, PgLine,
    PgLsn, PgMacAddr, PgMacAddr8, PgMoney, PgNumeric, PgOidVector, PgPath, PgPoint, PgPolygon, PgSnapshot, PgTime,
    PgTimeTz, PgTimestamp, PgTsQuery, PgTsVector, Type,
};

/// Decodes `raw` as a `T` of type `ty` in text; `Display` of the result
/// decodes to an equal value (compared by their text, which NaN survives).
fn check<T>(ty: Type, raw: &[u8])
where
    T: for<'a> FromSql<'a> + Display + Debug,
{
    let Ok(value) = T::from_sql(&ty, Format::Text, raw) else {
        return;
    };
    let shown = value.to_string();
    let again = T::from_sql(&ty, Format::Text, shown.as_bytes())
        .unwrap_or_else(|e| panic!("{value:?} printed as {shown:?} does not read back: {e}"));
    assert_eq!(again.to_string(), shown, "{value:?}");
}

/// Only decodes (for types whose `Display` is not the PostgreSQL text).
fn decode<T: for<'a> FromSql<'a>>(ty: Type, raw: &[u8]) {
    let _ = T::from_sql(&ty, Format::Text, raw);
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, raw)) = data.split_first() else {
        return;
    };
    match which % 40 {
        0 => check::<PgNumeric>(Type::NUMERIC, raw),
        1 => check::<PgMoney>(Type::MONEY, raw),
        2 => check::<PgDate>(Type::DATE, raw),
        3 => check::<PgTime>(Type::TIME, raw),
        4 => check::<PgTimeTz>(Type::TIMETZ, raw),
        5 => check::<PgTimestamp>(Type::TIMESTAMP, raw),
        6 => decode::<PgTimestamp>(Type::TIMESTAMPTZ, raw),
        7 => check::<PgInterval>(Type::INTERVAL, raw),
        8 => check::<PgInet>(Type::INET, raw),
        9 => check::<PgCidr>(Type::CIDR, raw),
        10 => decode::<IpAddr>(Type::INET, raw),
        11 => check::<PgMacAddr>(Type::MACADDR, raw),
        12 => check::<PgMacAddr8>(Type::MACADDR8, raw),
        13 => check::<PgBitVec>(Type::VARBIT, raw),
        14 => check::<PgPoint>(Type::POINT, raw),
        15 => check::<PgLine>(Type::LINE, raw),
        16 => check::<PgLSeg>(Type::LSEG, raw),
        17 => check::<PgBox>(Type::BOX, raw),
        18 => check::<PgPath>(Type::PATH, raw),
        19 => check::<PgPolygon>(Type::POLYGON, raw),
        20 => check::<PgCircle>(Type::CIRCLE, raw),
        21 => check::<PgTsVector>(Type::TSVECTOR, raw),
        22 => check::<PgTsQuery>(Type::TSQUERY, raw),
        23 => check::<PgLsn>(Type::PG_LSN, raw),
        24 => check::<PgSnapshot>(Type::TXID_SNAPSHOT, raw),
        25 => check::<PgInt2Vector>(Type::INT2_VECTOR, raw),
        26 => check::<PgOidVector>(Type::OID_VECTOR, raw),
        27 => decode::<()>(Type::VOID, raw),
        28 => decode::<std::time::SystemTime>(Type::TIMESTAMPTZ, raw),
        29 => decode::<chrono::DateTime<chrono::FixedOffset>>(Type::TIMESTAMPTZ, raw),
        30 => decode::<chrono::NaiveDate>(Type::DATE, raw),
        31 => decode::<time::OffsetDateTime>(Type::TIMESTAMPTZ, raw),
        32 => decode::<jiff::civil::Time>(Type::TIME, raw),
        33 => decode::<rust_decimal::Decimal>(Type::NUMERIC, raw),
        34 => decode::<bigdecimal::BigDecimal>(Type::NUMERIC, raw),
        35 => decode::<serde_json::Value>(Type::JSON, raw),
        36 => decode::<ipnet::IpNet>(Type::INET, raw),
        37 => decode::<cidr::IpCidr>(Type::CIDR, raw),
        38 => decode::<eui48::MacAddress>(Type::MACADDR, raw),
        _ => decode::<geo_types::Rect<f64>>(Type::BOX, raw),
    }
});
