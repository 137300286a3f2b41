//! Property tests for the containers: arrays, ranges, multiranges and composites survive
//! encode → decode in binary and in text, and no input bytes make a container decoder
//! panic.

use std::ops::Bound;

use bytes::BytesMut;
use proptest::prelude::*;
use tusk_types::custom::{CompositeValues, encode_composite};
use tusk_types::{Dim, Field, Format, FromSql, IsNull, Kind, PgArray, PgMultirange, PgRange, PgRecord, ToSql, Type};

fn encode<T: ToSql + ?Sized>(value: &T, ty: &Type) -> Vec<u8> {
    let mut buf = BytesMut::new();
    assert_eq!(value.to_sql(ty, &mut buf).unwrap(), IsNull::No);
    buf.to_vec()
}

/// A base type with no binary support here: strings for it travel as text, so arrays and
/// composites of it are encoded in the text format.
fn text_only() -> Type {
    Type::new_custom("thing", "public", 70_000, Kind::Simple)
}

fn text_only_array() -> Type {
    Type::new_custom("_thing", "public", 70_001, Kind::Array(text_only()))
}

/// Any string, with the characters the text formats must quote well represented.
fn tricky_string() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        any::<String>(),
        "[ ,{}()\\[\\]\"\\\\a-c\t\nNULLnul]{0,8}",
        Just(String::new()),
        Just("NULL".to_owned()),
        Just("null".to_owned()),
    ]
    .prop_filter("no NUL: PostgreSQL text cannot hold it", |s| !s.contains('\0'))
}

/// A shape of at most 3 dimensions with lengths 1..=3 and lower bounds -3..=3.
fn shape() -> impl Strategy<Value = Vec<Dim>> {
    prop::collection::vec(
        (1..=3i32, -3..=3i32).prop_map(|(len, lower)| Dim::new(len, lower)),
        1..=3,
    )
}

fn array_of<T: std::fmt::Debug + Clone + 'static>(
    element: impl Strategy<Value = T> + Clone + 'static,
) -> impl Strategy<Value = PgArray<T>> {
    shape().prop_flat_map(move |dims| {
        let n: usize = dims.iter().map(|d| d.len as usize).product();
        prop::collection::vec(element.clone(), n)
            .prop_map(move |elements| PgArray::new(dims.clone(), elements).unwrap())
    })
}

fn bound<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Bound<T>> {
    value.prop_flat_map(|v| {
        prop_oneof![
            Just(Bound::Included(v.clone())),
            Just(Bound::Excluded(v)),
            Just(Bound::Unbounded)
        ]
    })
}

fn range_of<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + Clone + 'static,
) -> impl Strategy<Value = PgRange<T>> {
    prop_oneof![
        1 => Just(PgRange::Empty),
        6 => (bound(value.clone()), bound(value)).prop_map(|(lower, upper)| PgRange::new(lower, upper)),
    ]
}

proptest! {
    #[test]
    fn vec_binary_round_trip(v in prop::collection::vec(prop::option::of(any::<i32>()), 0..20)) {
        let raw = encode(&v, &Type::INT4_ARRAY);
        prop_assert_eq!(Vec::<Option<i32>>::from_sql(&Type::INT4_ARRAY, Format::Binary, &raw).unwrap(), v);
    }

    #[test]
    fn string_vec_round_trips(v in prop::collection::vec(prop::option::of(tricky_string()), 0..12)) {
        let raw = encode(&v, &Type::TEXT_ARRAY);
        prop_assert_eq!(&Vec::<Option<String>>::from_sql(&Type::TEXT_ARRAY, Format::Binary, &raw).unwrap(), &v);
        // The same strings for a text-only element type: the text array format.
        let ty = text_only_array();
        prop_assert_eq!(v.format(&ty), if v.iter().all(Option::is_none) { Format::Binary } else { Format::Text });
        if v.format(&ty) == Format::Text {
            let text = encode(&v, &ty);
            prop_assert_eq!(&Vec::<Option<String>>::from_sql(&ty, Format::Text, &text).unwrap(), &v);
        }
    }

    #[test]
    fn multi_dimensional_arrays(a in array_of(prop::option::of(any::<i64>()))) {
        let raw = encode(&a, &Type::INT8_ARRAY);
        prop_assert_eq!(&PgArray::<Option<i64>>::from_sql(&Type::INT8_ARRAY, Format::Binary, &raw).unwrap(), &a);
        let shown = a.clone().map(|e| e.map_or("NULL".to_owned(), |n| n.to_string()));
        // Display writes what array_out would; NULL elements are the word NULL.
        let text = shown.to_string().replace("\"NULL\"", "NULL");
        prop_assert_eq!(&PgArray::<Option<i64>>::from_sql(&Type::INT8_ARRAY, Format::Text, text.as_bytes()).unwrap(), &a);
    }

    #[test]
    fn string_arrays_in_text(a in array_of(tricky_string())) {
        let text = a.to_string();
        prop_assert_eq!(&PgArray::<String>::from_sql(&Type::TEXT_ARRAY, Format::Text, text.as_bytes()).unwrap(), &a);
        let ty = text_only_array();
        let raw = encode(&a, &ty);
        prop_assert_eq!(&raw, &text.into_bytes());
    }

    #[test]
    fn int_ranges(r in range_of(any::<i64>())) {
        let raw = encode(&r, &Type::INT8_RANGE);
        prop_assert_eq!(&PgRange::<i64>::from_sql(&Type::INT8_RANGE, Format::Binary, &raw).unwrap(), &r);
        let text = r.to_string();
        prop_assert_eq!(&PgRange::<i64>::from_sql(&Type::INT8_RANGE, Format::Text, text.as_bytes()).unwrap(), &r);
    }

    #[test]
    fn string_ranges(r in range_of(tricky_string())) {
        // Strings are bounds of a subtype without binary support: text format.
        let ty = Type::new_custom("thingrange", "public", 70_002, Kind::Range(text_only()));
        let raw = encode(&r, &ty);
        // Text unless no bound has a value: `empty` and `(,)` go in binary.
        let format = r.format(&ty);
        if format == Format::Text {
            prop_assert_eq!(&String::from_utf8(raw.clone()).unwrap(), &r.to_string());
        }
        prop_assert_eq!(&PgRange::<String>::from_sql(&ty, format, &raw).unwrap(), &r);
    }

    #[test]
    fn multiranges(ranges in prop::collection::vec(range_of(any::<i32>()), 0..6)) {
        let m = PgMultirange(ranges);
        let raw = encode(&m, &Type::INT4_MULTIRANGE);
        prop_assert_eq!(&PgMultirange::<i32>::from_sql(&Type::INT4_MULTIRANGE, Format::Binary, &raw).unwrap(), &m);
        // In text, empty ranges are dropped (as the server drops them).
        let text = m.to_string();
        let kept = PgMultirange(m.0.iter().filter(|r| !r.is_empty()).cloned().collect());
        prop_assert_eq!(&PgMultirange::<i32>::from_sql(&Type::INT4_MULTIRANGE, Format::Text, text.as_bytes()).unwrap(), &kept);
    }

    #[test]
    fn composites(a in prop::option::of(tricky_string()), b in prop::option::of(tricky_string()), n in any::<i32>()) {
        // Binary: an int4 and a text.
        let binary = Type::new_custom("bin", "public", 70_003, Kind::Composite(vec![
            Field::new("n", Type::INT4),
            Field::new("a", Type::TEXT),
        ]));
        let mut buf = BytesMut::new();
        encode_composite("T", &binary, &[("a", &a as &dyn ToSql), ("n", &n)], &mut buf).unwrap();
        let v = CompositeValues::decode("T", &binary, Format::Binary, &buf).unwrap();
        prop_assert_eq!(v.take::<i32>("n").unwrap(), n);
        prop_assert_eq!(&v.take::<Option<String>>("a").unwrap(), &a);
        let rec = PgRecord::from_sql(&Type::RECORD, Format::Binary, &buf).unwrap();
        prop_assert_eq!(&rec.get::<Option<String>>(1).unwrap(), &a);
        // Text: two text-only fields.
        let text = Type::new_custom("txt", "public", 70_004, Kind::Composite(vec![
            Field::new("a", text_only()),
            Field::new("b", text_only()),
        ]));
        buf.clear();
        let values = [("a", &a as &dyn ToSql), ("b", &b)];
        encode_composite("T", &text, &values, &mut buf).unwrap();
        // Text as soon as one field is text; all NULL is binary (NULL has no format).
        let format = tusk_types::custom::composite_format(&text, &values);
        prop_assert_eq!(format == Format::Text, a.is_some() || b.is_some());
        let v = CompositeValues::decode("T", &text, format, &buf).unwrap();
        prop_assert_eq!(&v.take::<Option<String>>("a").unwrap(), &a);
        prop_assert_eq!(&v.take::<Option<String>>("b").unwrap(), &b);
    }

    #[test]
    fn decoders_never_panic(raw in prop::collection::vec(any::<u8>(), 0..64), text in "[{}\\[\\]()\",:=\\\\ a-z0-9NUL-]{0,40}") {
        let record = Type::new_custom("r", "public", 70_005, Kind::Composite(vec![Field::new("a", Type::INT4)]));
        for bytes in [&raw[..], text.as_bytes()] {
            for format in [Format::Binary, Format::Text] {
                let _ = Vec::<Option<i32>>::from_sql(&Type::INT4_ARRAY, format, bytes);
                let _ = PgArray::<Option<String>>::from_sql(&Type::TEXT_ARRAY, format, bytes);
                let _ = PgRange::<i32>::from_sql(&Type::INT4_RANGE, format, bytes);
                let _ = PgRange::<String>::from_sql(&Type::TS_RANGE, format, bytes);
                let _ = PgMultirange::<i64>::from_sql(&Type::INT8_MULTIRANGE, format, bytes);
                let _ = PgRecord::from_sql(&Type::RECORD, format, bytes);
                let _ = PgRecord::from_sql(&record, format, bytes);
                let _ = Vec::<PgRecord>::from_sql(&Type::RECORD_ARRAY, format, bytes);
            }
        }
    }
}

#[test]
fn empty_and_null_edge_cases() {
    // The empty array in both formats, and arrays of only NULLs.
    let raw = encode(&Vec::<Option<i32>>::new(), &Type::INT4_ARRAY);
    assert_eq!(raw, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23]);
    assert!(
        Vec::<Option<i32>>::from_sql(&Type::INT4_ARRAY, Format::Text, b"{}")
            .unwrap()
            .is_empty()
    );
    let nulls = vec![None::<String>, None];
    let raw = encode(&nulls, &Type::TEXT_ARRAY);
    assert_eq!(&raw[4..8], &[0, 0, 0, 1], "has-nulls flag");
    assert_eq!(
        Vec::<Option<String>>::from_sql(&Type::TEXT_ARRAY, Format::Binary, &raw).unwrap(),
        nulls
    );
    // NULLs have no format: an all-NULL array goes in binary whatever the element type.
    assert_eq!(nulls.format(&text_only_array()), Format::Binary);
    let mixed = vec![None, Some("x")];
    assert_eq!(encode(&mixed, &text_only_array()), b"{NULL,x}");
    // The empty range and unbounded ranges.
    assert_eq!(
        PgRange::<i32>::from_sql(&Type::INT4_RANGE, Format::Text, b"empty").unwrap(),
        PgRange::Empty
    );
    assert_eq!(
        PgRange::<i32>::from_sql(&Type::INT4_RANGE, Format::Text, b"(,)").unwrap(),
        PgRange::from(..)
    );
}
