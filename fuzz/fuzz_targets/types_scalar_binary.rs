//! Any bytes as the binary value of a scalar type: every decoder returns a
//! value or an error, never panics. The first byte picks the decoder; a
//! decoded value that encodes again must decode again.
#![no_main]
use std::net::IpAddr;
use std::time::SystemTime;

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tusk_types::{
    Format, FromSql, PgBitVec, PgBox, PgCidr, PgCircle, PgDate, PgInet, PgInt2Vector, PgInterval, PgLSeg, PgLine,
    PgLsn, PgMacAddr, PgMacAddr8, PgMoney, PgNumeric, PgOidVector, PgPath, PgPoint, PgPolygon, PgSnapshot, PgTime,
    PgTimeTz, PgTimestamp, PgTsQuery, PgTsVector, ToSql, Type,
};

/// Decodes `raw` as a `T` of type `ty`; if it re-encodes, the encoding
/// decodes again.
fn check<T>(ty: Type, raw: &[u8])
where
    T: for<'a> FromSql<'a> + ToSql,
{
    let Ok(value) = T::from_sql(&ty, Format::Binary, raw) else {
        return;
    };
    let mut buf = BytesMut::new();
    if value.to_sql(&ty, &mut buf).is_ok() && value.format(&ty) == Format::Binary {
        T::from_sql(&ty, Format::Binary, &buf).expect("a value this crate encoded decodes again");
    }
}

/// Decodes `raw` as a `String` of type `ty` (the text of a binary value).
fn render(ty: Type, raw: &[u8]) {
    let _ = String::from_sql(&ty, Format::Binary, raw);
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, raw)) = data.split_first() else {
        return;
    };
    match which % 48 {
        0 => check::<PgNumeric>(Type::NUMERIC, raw),
        1 => check::<PgMoney>(Type::MONEY, raw),
        2 => check::<PgDate>(Type::DATE, raw),
        3 => check::<PgTime>(Type::TIME, raw),
        4 => check::<PgTimeTz>(Type::TIMETZ, raw),
        5 => check::<PgTimestamp>(Type::TIMESTAMP, raw),
        6 => check::<PgTimestamp>(Type::TIMESTAMPTZ, raw),
        7 => check::<PgInterval>(Type::INTERVAL, raw),
        8 => check::<PgInet>(Type::INET, raw),
        9 => check::<PgCidr>(Type::CIDR, raw),
        10 => check::<IpAddr>(Type::INET, raw),
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
        24 => check::<PgSnapshot>(Type::PG_SNAPSHOT, raw),
        25 => check::<PgInt2Vector>(Type::INT2_VECTOR, raw),
        26 => check::<PgOidVector>(Type::OID_VECTOR, raw),
        27 => check::<()>(Type::VOID, raw),
        28 => check::<SystemTime>(Type::TIMESTAMPTZ, raw),
        29 => check::<String>(Type::JSONPATH, raw),
        30 => check::<chrono::NaiveDateTime>(Type::TIMESTAMP, raw),
        31 => check::<chrono::DateTime<chrono::FixedOffset>>(Type::TIMESTAMPTZ, raw),
        32 => check::<chrono::NaiveDate>(Type::DATE, raw),
        33 => check::<chrono::NaiveTime>(Type::TIME, raw),
        34 => check::<time::OffsetDateTime>(Type::TIMESTAMPTZ, raw),
        35 => check::<time::PrimitiveDateTime>(Type::TIMESTAMP, raw),
        36 => check::<jiff::Timestamp>(Type::TIMESTAMPTZ, raw),
        37 => check::<jiff::civil::DateTime>(Type::TIMESTAMP, raw),
        38 => check::<rust_decimal::Decimal>(Type::NUMERIC, raw),
        39 => check::<bigdecimal::BigDecimal>(Type::NUMERIC, raw),
        40 => check::<serde_json::Value>(Type::JSONB, raw),
        41 => check::<ipnet::IpNet>(Type::CIDR, raw),
        42 => check::<cidr::IpInet>(Type::INET, raw),
        43 => check::<eui48::MacAddress>(Type::MACADDR, raw),
        44 => check::<bit_vec::BitVec>(Type::BIT, raw),
        45 => check::<geo_types::LineString<f64>>(Type::PATH, raw),
        46 => check::<geo_types::Polygon<f64>>(Type::POLYGON, raw),
        _ => {
            // The text of any binary scalar, through String.
            for ty in [
                Type::NUMERIC,
                Type::TIMESTAMPTZ,
                Type::INTERVAL,
                Type::INET,
                Type::TSQUERY,
                Type::TSVECTOR,
                Type::PATH,
                Type::VARBIT,
            ] {
                render(ty, raw);
            }
        }
    }
});
