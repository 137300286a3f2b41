//! Any bytes as an array, range, multirange or record value, in binary and in text: every
//! container decoder returns a value or an error, never panics. A decoded value encodes
//! again (binary) and decodes to an equal value.
#![no_main]
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tusk_types::{Field, Format, FromSql, Kind, PgArray, PgMultirange, PgRange, PgRecord, ToSql, Type};

/// Decodes `raw` as `T` of type `ty` in `format`; in binary, what decodes must survive
/// encode → decode unchanged.
fn check<T>(ty: &Type, format: Format, raw: &[u8])
where
    T: for<'a> FromSql<'a> + ToSql + PartialEq + std::fmt::Debug,
{
    let Ok(value) = T::from_sql(ty, format, raw) else {
        return;
    };
    if format == Format::Binary && value.format(ty) == Format::Binary {
        let mut buf = BytesMut::new();
        value
            .to_sql(ty, &mut buf)
            .unwrap_or_else(|e| panic!("{value:?} does not encode: {e}"));
        let again = T::from_sql(ty, format, &buf).unwrap_or_else(|e| panic!("{value:?} does not decode: {e}"));
        assert_eq!(again, value);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, raw)) = data.split_first() else {
        return;
    };
    let format = if selector & 0x80 == 0 {
        Format::Binary
    } else {
        Format::Text
    };
    let composite = Type::new_custom(
        "pair",
        "public",
        70_000,
        Kind::Composite(vec![Field::new("a", Type::INT4), Field::new("b", Type::TEXT_ARRAY)]),
    );
    match selector & 0x7f {
        0 => check::<Vec<i32>>(&Type::INT4_ARRAY, format, raw),
        1 => check::<Vec<Option<String>>>(&Type::TEXT_ARRAY, format, raw),
        2 => check::<PgArray<Option<i64>>>(&Type::INT8_ARRAY, format, raw),
        3 => check::<PgArray<Vec<u8>>>(&Type::BYTEA_ARRAY, format, raw),
        4 => check::<Vec<String>>(&Type::BOX_ARRAY, format, raw),
        5 => check::<PgRange<i32>>(&Type::INT4_RANGE, format, raw),
        6 => check::<PgRange<i64>>(&Type::INT8_RANGE, format, raw),
        7 => check::<PgRange<String>>(&Type::TS_RANGE, Format::Text, raw),
        8 => check::<PgMultirange<i32>>(&Type::INT4_MULTIRANGE, format, raw),
        9 => check::<PgMultirange<String>>(&Type::TS_MULTIRANGE, Format::Text, raw),
        10 => check::<Vec<PgRange<i64>>>(&Type::INT8_RANGE_ARRAY, format, raw),
        11 => {
            if let Ok(rec) = PgRecord::from_sql(&Type::RECORD, format, raw) {
                for i in 0..rec.len() {
                    let _ = rec.get::<Option<String>>(i);
                    let _ = rec.get::<Option<i32>>(i);
                    let _ = rec.get::<Option<PgRecord>>(i);
                }
            }
        }
        12 => {
            if let Ok(rec) = PgRecord::from_sql(&composite, format, raw) {
                let _ = rec.get::<Option<i32>>(0);
                let _ = rec.get::<Option<Vec<Option<String>>>>(1);
            }
        }
        13 => {
            let _ = Vec::<PgRecord>::from_sql(&Type::RECORD_ARRAY, format, raw);
        }
        _ => {
            let _ = PgArray::<Option<PgArray<i32>>>::from_sql(&Type::INT4_ARRAY, format, raw);
        }
    }
});
