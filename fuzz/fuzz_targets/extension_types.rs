//! Any bytes as a value of an extension type (hstore, ltree, pgvector's vector, halfvec
//! and sparsevec), in binary and in text: decoders return a value or an error, never
//! panic; what decodes from binary encodes to the same bytes.
#![no_main]
use std::collections::HashMap;

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tusk_types::{Format, FromSql, Kind, PgHalfVec, PgLtree, PgSparseVec, PgVector, ToSql, Type};

/// Binary values that decode encode back to the very same bytes.
fn same_bytes<T>(ty: &Type, raw: &[u8])
where
    T: for<'a> FromSql<'a> + ToSql,
{
    if let Ok(value) = T::from_sql(ty, Format::Binary, raw) {
        let mut buf = BytesMut::new();
        value.to_sql(ty, &mut buf).unwrap();
        assert_eq!(&buf[..], raw);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, raw)) = data.split_first() else {
        return;
    };
    let ext = |name: &str| Type::new_custom(name, "public", 70_000, Kind::Simple);
    match selector % 10 {
        0 => {
            let ty = ext("hstore");
            if let Ok(map) = HashMap::<String, Option<String>>::from_sql(&ty, Format::Binary, raw) {
                let mut buf = BytesMut::new();
                map.to_sql(&ty, &mut buf).unwrap();
                let again = HashMap::<String, Option<String>>::from_sql(&ty, Format::Binary, &buf).unwrap();
                assert_eq!(again, map);
            }
        }
        1 => {
            let _ = HashMap::<String, Option<String>>::from_sql(&ext("hstore"), Format::Text, raw);
        }
        2 => {
            // ltree's binary form has a version byte: re-encoding gives version 1.
            if let Ok(v) = PgLtree::from_sql(&ext("ltree"), Format::Binary, raw) {
                assert_eq!(raw.first(), Some(&1));
                assert_eq!(v.0.as_bytes(), &raw[1..]);
            }
        }
        3 => {
            // vector: unused bytes are not kept, so compare values instead of bytes.
            let ty = ext("vector");
            if let Ok(v) = PgVector::from_sql(&ty, Format::Binary, raw) {
                assert_eq!(v.0.len() * 4 + 4, raw.len());
            }
        }
        4 => {
            let _ = PgVector::from_sql(&ext("vector"), Format::Text, raw);
        }
        5 => {
            if let Ok(h) = PgHalfVec::from_sql(&ext("halfvec"), Format::Binary, raw) {
                assert_eq!(h.0.len() * 2 + 4, raw.len());
                let _ = h.to_f32s();
            }
        }
        6 => {
            let _ = PgHalfVec::from_sql(&ext("halfvec"), Format::Text, raw);
        }
        7 => {
            let ty = ext("sparsevec");
            if let Ok(s) = PgSparseVec::from_sql(&ty, Format::Binary, raw) {
                // The unused word is dropped; everything else is kept.
                let mut buf = BytesMut::new();
                s.to_sql(&ty, &mut buf).unwrap();
                assert_eq!(buf.len(), raw.len());
                assert_eq!(&buf[..8], &raw[..8]);
                assert_eq!(&buf[12..], &raw[12..]);
            }
        }
        8 => {
            let _ = PgSparseVec::from_sql(&ext("sparsevec"), Format::Text, raw);
        }
        _ => same_bytes::<PgLtree>(&ext("ltree"), raw),
    }
});
