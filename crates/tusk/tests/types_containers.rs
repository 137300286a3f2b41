//! Containers against real PostgreSQL 15 and 18: arrays, ranges, multiranges, composites
//! and records, enums, domains and extension types (hstore, citext, ltree, pgvector), in
//! binary (extended protocol with parameters) and text (simple queries), compared with the
//! server's own `::text` rendering; and the per-connection type resolution with its cache.

use std::collections::HashMap;
use std::ops::Bound::{Excluded, Included, Unbounded};

use tusk::types::{
    Dim, Format, Kind, PgArray, PgHalfVec, PgLtree, PgMultirange, PgRange, PgRecord, PgSparseVec, PgVector, Type,
};
use tusk::{Connection, Row, SimpleQueryMessage};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

async fn connect(cluster: &Cluster, db: &str) -> Connection {
    Connection::connect(&cluster.conninfo(Role::Scram, Transport::Tcp, db))
        .await
        .unwrap()
}

/// A fresh database with `setup` run in it by the superuser.
async fn fresh(cluster: &Cluster, setup: &str) -> (String, Connection) {
    let db = cluster.fresh_database().unwrap();
    if !setup.is_empty() {
        cluster.psql_in(&db, setup).unwrap();
    }
    let conn = connect(cluster, &db).await;
    (db, conn)
}

/// The rows of a simple query (all text).
async fn simple_rows(c: &mut Connection, sql: &str) -> Vec<Row> {
    c.simple_query(sql)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// The server's text rendering of `$1::ty` for a parameter.
async fn server_text(c: &mut Connection, ty: &str, value: &(dyn tusk::types::ToSql + Sync)) -> String {
    let row = c.query_one(&format!("SELECT $1::{ty}::text"), &[value]).await.unwrap();
    row.get::<String>(0).unwrap()
}

#[tokio::test]
async fn arrays_round_trip_in_binary() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        // Result columns of arrays of binary types come back in binary.
        let stmt = c.prepare("SELECT $1::int4[], $2::text[], $3::int8[]").await.unwrap();
        assert!(stmt.columns().iter().all(|col| col.format() == Format::Binary));

        let ints = vec![1i32, -2, i32::MAX, i32::MIN];
        let texts = vec![
            Some("plain".to_owned()),
            None,
            Some(String::new()),
            Some("NULL".to_owned()),
            Some("quo\"te, back\\slash {braces} ünïcødé ✓ \t tab".to_owned()),
        ];
        let empty: Vec<i64> = vec![];
        let row = c.query_one(&stmt, &[&ints, &texts, &empty]).await.unwrap();
        assert_eq!(row.get::<Vec<i32>>(0).unwrap(), ints);
        assert_eq!(row.get::<Vec<Option<String>>>(1).unwrap(), texts);
        assert_eq!(row.get::<Vec<i64>>(2).unwrap(), empty);
        assert_eq!(row.get::<PgArray<i64>>(2).unwrap().dims, []);
        // Element types are honest: int4[] is not Vec<i64>, and NULL needs Option.
        assert!(row.get::<Vec<i64>>(0).is_err());
        assert!(row.get::<Vec<String>>(1).is_err());
        assert!(c.query("SELECT $1::int4[]", &[&vec![1i64]]).await.is_err());

        // Multi-dimensional, non-default lower bounds, both ways.
        let grid = PgArray::new(vec![Dim::new(2, 0), Dim::new(3, -1)], (1..=6).collect::<Vec<i32>>()).unwrap();
        let row = c
            .query_one(
                "SELECT $1::int4[], $1::int4[]::text, array_lower($1::int4[], 2)",
                &[&grid],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<PgArray<i32>>(0).unwrap(), grid);
        assert_eq!(row.get::<&str>(1).unwrap(), "[0:1][-1:1]={{1,2,3},{4,5,6}}");
        assert_eq!(row.get::<&str>(1).unwrap(), grid.to_string());
        assert_eq!(row.get::<i32>(2).unwrap(), -1);
        assert!(row.get::<Vec<i32>>(0).is_err(), "a Vec is one-dimensional");
        let row = c
            .query_one("SELECT '{{{1,NULL}},{{3,4}}}'::int8[], '[5:6]={a,b}'::text[]", &[])
            .await
            .unwrap();
        let cube = row.get::<PgArray<Option<i64>>>(0).unwrap();
        assert_eq!(cube.dims, [Dim::new(2, 1), Dim::new(1, 1), Dim::new(2, 1)]);
        assert_eq!(cube.elements, [Some(1), None, Some(3), Some(4)]);
        assert_eq!(row.get::<Vec<String>>(1).unwrap(), ["a", "b"]);
        assert_eq!(row.get::<PgArray<String>>(1).unwrap().dims, [Dim::new(2, 5)]);

        // Other element types: bool, float, bytea, uuid-ish, jsonb, "char", oid.
        let row = c
            .query_one(
                "SELECT $1::bool[], $2::float8[], $3::bytea[], $4::jsonb[], $5::oid[]",
                &[
                    &vec![true, false],
                    &vec![1.5f64, f64::INFINITY],
                    &vec![vec![0u8, 255], vec![]],
                    &vec![r#"{"a": [1, "x"]}"#],
                    &vec![26u32, 0],
                ],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<Vec<bool>>(0).unwrap(), [true, false]);
        assert_eq!(row.get::<Vec<f64>>(1).unwrap(), [1.5, f64::INFINITY]);
        assert_eq!(row.get::<Vec<Vec<u8>>>(2).unwrap(), [vec![0, 255], vec![]]);
        assert_eq!(row.get::<Vec<String>>(3).unwrap(), [r#"{"a": [1, "x"]}"#]);
        assert_eq!(row.get::<Vec<u32>>(4).unwrap(), [26, 0]);

        // Strings as elements of an array type without binary support travel as text.
        let row = c
            .query_one(
                "SELECT $1::box[]::text, $2::tid[]::text",
                &[&vec!["(1,1),(0,0)", "(3,3),(2,2)"], &vec!["(0,1)"]],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<&str>(0).unwrap(), "{(1,1),(0,0);(3,3),(2,2)}");
        assert_eq!(row.get::<&str>(1).unwrap(), r#"{"(0,1)"}"#);
    }
}

#[tokio::test]
async fn arrays_in_text_match_the_server() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let tricky = vec![
            Some("a".to_owned()),
            None,
            Some(String::new()),
            Some("null".to_owned()),
            Some(" lead and trail ".to_owned()),
            Some("q\"b\\c{d}e,f;g".to_owned()),
            Some("日本語 ✓".to_owned()),
        ];
        // Our text rendering equals array_out's.
        let ours = PgArray::from_vec(tricky.iter().map(|e| e.clone().unwrap_or_default()).collect::<Vec<_>>());
        let theirs = server_text(&mut c, "text[]", &ours.elements).await;
        assert_eq!(ours.to_string(), theirs);

        let rows = simple_rows(
            &mut c,
            r#"SELECT ARRAY['a', NULL, '', 'null', ' lead and trail ', 'q"b\c{d}e,f;g', '日本語 ✓'],
                      '{{1,2},{3,4}}'::int4[], '[0:1]={7,8}'::int2[], '{}'::int8[],
                      '{"(1,1),(0,0)";"(2,2),(1,1)"}'::box[], ARRAY[1.5, NULL]::float8[]"#,
        )
        .await;
        let r = &rows[0];
        assert_eq!(r.columns()[0].format(), Format::Text);
        assert_eq!(r.get::<Vec<Option<String>>>(0).unwrap(), tricky);
        let grid = r.get::<PgArray<i32>>(1).unwrap();
        assert_eq!(grid.elements, [1, 2, 3, 4]);
        assert_eq!(grid.dims, [Dim::new(2, 1), Dim::new(2, 1)]);
        assert_eq!(r.get::<PgArray<i16>>(2).unwrap().dims, [Dim::new(2, 0)]);
        assert_eq!(r.get::<Vec<i64>>(3).unwrap(), Vec::<i64>::new());
        assert_eq!(r.get::<Vec<String>>(4).unwrap(), ["(1,1),(0,0)", "(2,2),(1,1)"]);
        assert_eq!(r.get::<Vec<Option<f64>>>(5).unwrap(), [Some(1.5), None]);
    }
}

#[tokio::test]
async fn ranges_and_multiranges() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let cases: Vec<(PgRange<i32>, &str)> = vec![
            (PgRange::from(1..10), "[1,10)"),
            (PgRange::from(1..=10), "[1,11)"), // canonicalised
            (PgRange::new(Excluded(1), Included(5)), "[2,6)"),
            (PgRange::from(..5), "(,5)"),
            (PgRange::from(3..), "[3,)"),
            (PgRange::from(..), "(,)"),
            (PgRange::Empty, "empty"),
            (PgRange::from(5..5), "empty"),
        ];
        for (range, text) in &cases {
            let row = c
                .query_one("SELECT $1::int4range, $1::int4range::text", &[range])
                .await
                .unwrap();
            assert_eq!(row.columns()[0].format(), Format::Binary);
            assert_eq!(row.get::<&str>(1).unwrap(), *text);
            let back: PgRange<i32> = row.get(0).unwrap();
            let text_back: PgRange<i32> =
                tusk::types::FromSql::from_sql(&Type::INT4_RANGE, Format::Text, text.as_bytes()).unwrap();
            assert_eq!(back, text_back, "{text}");
        }
        let row = c
            .query_one(
                "SELECT $1::int8range, '[2024-01-01,2024-02-01)'::daterange::text, \
                 numrange(1.5, 2.25, '[]')::text, tstzrange(NULL, NULL)",
                &[&PgRange::new(Included(i64::MIN), Unbounded)],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<PgRange<i64>>(0).unwrap(), PgRange::from(i64::MIN..));
        assert!(
            row.get::<PgRange<i32>>(0).is_err(),
            "an int8range is not a PgRange<i32>"
        );
        assert_eq!(row.get::<&str>(1).unwrap(), "[2024-01-01,2024-02-01)");
        assert_eq!(row.get::<&str>(2).unwrap(), "[1.5,2.25]");
        // Strings as bounds of a range whose subtype has no binary support go as text.
        let row = c
            .query_one(
                "SELECT $1::numrange::text, $2::tsrange::text",
                &[
                    &PgRange::from("1.50".."2"),
                    &PgRange::new(Included("2024-01-01 10:00"), Unbounded),
                ],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<&str>(0).unwrap(), "[1.50,2)");
        assert_eq!(row.get::<&str>(1).unwrap(), r#"["2024-01-01 10:00:00",)"#);

        // Simple query: text format.
        let rows = simple_rows(
            &mut c,
            "SELECT '[1,10)'::int4range, 'empty'::int8range, '(,5]'::int4range, \
                                        '{[1,3), [5,7)}'::int4multirange, '{}'::int8multirange",
        )
        .await;
        let r = &rows[0];
        assert_eq!(r.get::<PgRange<i32>>(0).unwrap(), PgRange::from(1..10));
        assert_eq!(r.get::<PgRange<i64>>(1).unwrap(), PgRange::Empty);
        assert_eq!(r.get::<PgRange<i32>>(2).unwrap(), PgRange::from(..6));
        assert_eq!(
            r.get::<PgMultirange<i32>>(3).unwrap(),
            PgMultirange(vec![PgRange::from(1..3), PgRange::from(5..7)])
        );
        assert_eq!(r.get::<PgMultirange<i64>>(4).unwrap(), PgMultirange(vec![]));

        // Multiranges in binary; the server sorts and merges.
        let m = PgMultirange(vec![
            PgRange::from(5..7),
            PgRange::from(1..4),
            PgRange::from(3..5),
            PgRange::Empty,
        ]);
        let row = c
            .query_one("SELECT $1::int4multirange, $1::int4multirange::text", &[&m])
            .await
            .unwrap();
        assert_eq!(
            row.get::<PgMultirange<i32>>(0).unwrap(),
            PgMultirange(vec![PgRange::from(1..7)])
        );
        assert_eq!(row.get::<&str>(1).unwrap(), "{[1,7)}");
        let row = c
            .query_one(
                "SELECT $1::int8multirange, $2::int4range[]",
                &[
                    &PgMultirange(vec![PgRange::from(1i64..2), PgRange::from(10..)]),
                    &vec![PgRange::from(1..2), PgRange::Empty],
                ],
            )
            .await
            .unwrap();
        assert_eq!(
            row.get::<PgMultirange<i64>>(0).unwrap(),
            PgMultirange(vec![PgRange::from(1..2), PgRange::from(10..)])
        );
        assert_eq!(
            row.get::<Vec<PgRange<i32>>>(1).unwrap(),
            [PgRange::from(1..2), PgRange::Empty]
        );
    }
}

#[tokio::test]
async fn anonymous_records() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let row = c
            .query_one("SELECT ROW(1, 'a b', NULL::int8, ARRAY[1,2], ROW(true))", &[])
            .await
            .unwrap();
        assert_eq!(row.columns()[0].format(), Format::Binary);
        let rec: PgRecord = row.get(0).unwrap();
        assert_eq!(rec.len(), 5);
        assert_eq!(rec.get::<i32>(0).unwrap(), 1);
        assert_eq!(rec.get::<&str>(1).unwrap(), "a b");
        assert_eq!(rec.get::<Option<i64>>(2).unwrap(), None);
        assert_eq!(rec.get::<Vec<i32>>(3).unwrap(), [1, 2]);
        let inner: PgRecord = rec.get(4).unwrap();
        assert!(inner.get::<bool>(0).unwrap());
        assert!(rec.get::<i64>(0).is_err());

        // Arrays of records.
        let row = c
            .query_one("SELECT array_agg(ROW(g, g::text)) FROM generate_series(1, 3) g", &[])
            .await
            .unwrap();
        let recs: Vec<PgRecord> = row.get(0).unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[2].get::<&str>(1).unwrap(), "3");

        // Text: strings only, quoting as record_out does.
        let rows = simple_rows(&mut c, r#"SELECT ROW(1, 'a "b"', NULL, '', ' x')"#).await;
        let rec: PgRecord = rows[0].get(0).unwrap();
        assert_eq!(rec.format(), Format::Text);
        assert_eq!(rec.get::<&str>(0).unwrap(), "1");
        assert_eq!(rec.get::<String>(1).unwrap(), r#"a "b""#);
        assert!(rec.is_null(2));
        assert_eq!(rec.get::<&str>(3).unwrap(), "");
        assert_eq!(rec.get::<&str>(4).unwrap(), " x");
    }
}

const SCHEMA: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'très bien');
CREATE DOMAIN posint AS int4 CHECK (VALUE > 0);
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TYPE item AS (name text, qty posint, tags text[], feeling mood);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE holder (id int4, it item, its item[], moods mood[], r floatrange);
GRANT ALL ON holder TO PUBLIC;
";

#[tokio::test]
async fn named_types_are_resolved_and_cached() {
    for cluster in shared_clusters() {
        let (_db, mut c) = fresh(cluster, SCHEMA).await;
        assert_eq!(c.cached_types(), 0);
        let stmt = c
            .prepare(
                "SELECT 'ok'::mood, 5::posint, 'a@b'::email, ROW('x', 2, '{a}', 'sad')::item, '[1.5,2.5)'::floatrange",
            )
            .await
            .unwrap();
        let types: Vec<&Type> = stmt.columns().iter().map(|col| col.type_()).collect();
        assert!(matches!(types[0].kind(), Kind::Enum(labels) if labels == &["sad", "ok", "happy", "très bien"]));
        assert_eq!(types[0].name(), "mood");
        assert_eq!(types[0].schema(), "public");
        // Domains resolve to their base type.
        assert_eq!(types[1], &Type::INT4);
        assert_eq!(types[2], &Type::TEXT);
        let Kind::Composite(fields) = types[3].kind() else {
            panic!("{:?}", types[3])
        };
        let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["name", "qty", "tags", "feeling"]);
        assert!(matches!(fields[1].type_().kind(), Kind::Domain(base) if base == &Type::INT4));
        assert_eq!(fields[2].type_(), &Type::TEXT_ARRAY);
        assert_eq!(types[4].kind(), &Kind::Range(Type::FLOAT8));
        // mood, item (with its field type posint), floatrange. RowDescription itself names
        // a domain column by its base type, so `email` was never looked up.
        let cached = c.cached_types();
        assert_eq!(cached, 4);

        let row = c.query_one(&stmt, &[]).await.unwrap();
        assert_eq!(row.get::<&str>(0).unwrap(), "ok");
        assert_eq!(row.get::<i32>(1).unwrap(), 5);
        assert_eq!(row.get::<&str>(2).unwrap(), "a@b");
        let item: PgRecord = row.get(3).unwrap();
        assert_eq!(item.get::<i32>(item.position("qty").unwrap()).unwrap(), 2);
        assert_eq!(item.get::<Vec<String>>(2).unwrap(), ["a"]);
        assert_eq!(item.get::<String>(3).unwrap(), "sad");
        assert_eq!(row.get::<PgRange<f64>>(4).unwrap(), PgRange::from(1.5..2.5));

        // A second statement with the same types costs no lookup.
        c.query("SELECT 'sad'::mood", &[]).await.unwrap();
        assert_eq!(c.cached_types(), cached);

        // Parameters of those types: enum from a string, domain from its base, arrays of
        // the domain (the element OID is the domain's), a range over float8.
        let row = c
            .query_one(
                "SELECT $1::mood, $2::posint, $3::posint[], $4::mood[], $5::floatrange",
                &[
                    &"très bien",
                    &7i32,
                    &vec![1i32, 2],
                    &vec!["sad", "happy"],
                    &PgRange::from(0.5f64..),
                ],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<String>(0).unwrap(), "très bien");
        assert_eq!(row.get::<i32>(1).unwrap(), 7);
        assert_eq!(row.get::<Vec<i32>>(2).unwrap(), [1, 2]);
        assert_eq!(row.get::<Vec<String>>(3).unwrap(), ["sad", "happy"]);
        assert_eq!(row.get::<PgRange<f64>>(4).unwrap(), PgRange::from(0.5..));
        let e = c.query("SELECT $1::posint[]", &[&vec![1i32, -1]]).await.unwrap_err();
        assert_eq!(e.code(), Some("23514"), "{e}");

        // Table columns, including arrays of composites; text and binary agree.
        c.execute(
            "INSERT INTO holder VALUES (1, ROW('fish, chips', 3, '{x,\"y z\"}', 'happy'), \
             ARRAY[ROW('a', 1, '{}', NULL)::item, NULL], '{sad,ok}', '(,3]')",
            &[],
        )
        .await
        .unwrap();
        let row = c
            .query_one("SELECT it, its, moods, r, it::text FROM holder", &[])
            .await
            .unwrap();
        let it: PgRecord = row.get(0).unwrap();
        assert_eq!(it.get::<&str>(0).unwrap(), "fish, chips");
        assert_eq!(it.get::<Vec<String>>(2).unwrap(), ["x", "y z"]);
        let its: Vec<Option<PgRecord>> = row.get(1).unwrap();
        assert_eq!(its.len(), 2);
        assert!(its[1].is_none());
        assert!(its[0].as_ref().unwrap().is_null(3));
        assert_eq!(row.get::<Vec<String>>(2).unwrap(), ["sad", "ok"]);
        assert_eq!(
            row.get::<PgRange<f64>>(3).unwrap(),
            PgRange::new(Unbounded, Included(3.0))
        );
        assert_eq!(row.get::<&str>(4).unwrap(), r#"("fish, chips",3,"{x,""y z""}",happy)"#);
    }
}

#[tokio::test]
async fn type_cache_is_invalidated() {
    for cluster in shared_clusters() {
        let (db, mut c) = fresh(cluster, "").await;
        c.batch_execute("CREATE TYPE color AS ENUM ('red')").await.unwrap();
        let ty = c.query_one("SELECT 'red'::color", &[]).await.unwrap().columns()[0]
            .type_()
            .clone();
        assert!(matches!(ty.kind(), Kind::Enum(l) if l.len() == 1));
        assert_eq!(c.cached_types(), 1);

        // DDL on this connection drops the cache: the next lookup sees the new label.
        c.batch_execute("ALTER TYPE color ADD VALUE 'green'").await.unwrap();
        assert_eq!(c.cached_types(), 0);
        let ty = c.query_one("SELECT 'green'::color", &[]).await.unwrap().columns()[0]
            .type_()
            .clone();
        assert!(matches!(ty.kind(), Kind::Enum(l) if l == &["red", "green"]));

        // A type dropped and re-created by another session: the old OID is gone, and the
        // error that says so (42704 or "cache lookup failed") empties the cache.
        let oid = ty.oid();
        cluster
            .psql_in(&db, "DROP TYPE color; CREATE TYPE color AS ENUM ('blue');")
            .unwrap();
        let e = c.resolve_type(oid).await.unwrap();
        assert_eq!(e, ty, "still cached: nothing told this connection");
        let err = c.query("SELECT NULL::color_gone", &[]).await.unwrap_err();
        assert_eq!(err.code(), Some("42704"));
        assert_eq!(c.cached_types(), 0);
        let ty = c.query_one("SELECT 'blue'::color", &[]).await.unwrap().columns()[0]
            .type_()
            .clone();
        assert!(matches!(ty.kind(), Kind::Enum(l) if l == &["blue"]));
        assert_ne!(ty.oid(), oid);

        // By hand.
        c.clear_type_cache();
        assert_eq!(c.cached_types(), 0);
        // A bare unknown OID resolves to itself without an error.
        assert_eq!(
            c.resolve_type(4_000_000_000).await.unwrap(),
            Type::from_oid(4_000_000_000)
        );
    }
}

#[tokio::test]
async fn contrib_extensions() {
    for cluster in shared_clusters() {
        let (_db, mut c) = fresh(
            cluster,
            "CREATE EXTENSION hstore; CREATE EXTENSION citext; CREATE EXTENSION ltree;",
        )
        .await;
        let mut map: HashMap<String, Option<String>> = HashMap::new();
        map.insert("a".into(), Some("1".into()));
        map.insert("with space, \"quote\"".into(), None);
        map.insert("ключ".into(), Some(String::new()));
        let row = c
            .query_one(
                "SELECT $1::hstore, $1::hstore -> 'a', $2::citext = 'HELLO', $2::citext, $3::ltree, $4::ltree",
                &[&map, &"Hello", &"Top.Science", &PgLtree("A.B_c".into())],
            )
            .await
            .unwrap();
        assert_eq!(row.columns()[0].format(), Format::Binary);
        assert_eq!(row.get::<HashMap<String, Option<String>>>(0).unwrap(), map);
        let sorted: std::collections::BTreeMap<String, Option<String>> = row.get(0).unwrap();
        assert_eq!(sorted.keys().next().map(String::as_str), Some("a"));
        assert_eq!(row.get::<&str>(1).unwrap(), "1");
        assert!(row.get::<bool>(2).unwrap());
        assert_eq!(
            row.columns()[3].format(),
            Format::Binary,
            "citext is text in binary too"
        );
        assert_eq!(row.get::<String>(3).unwrap(), "Hello");
        assert_eq!(row.get::<String>(4).unwrap(), "Top.Science");
        assert_eq!(row.get::<PgLtree>(4).unwrap(), PgLtree("Top.Science".into()));
        assert_eq!(row.get::<PgLtree>(5).unwrap().0, "A.B_c");
        // ltree's binary form, through its send function.
        let row = c.query_one("SELECT ltree_send('a.b'::ltree)", &[]).await.unwrap();
        assert_eq!(row.get::<Vec<u8>>(0).unwrap(), b"\x01a.b");

        // hstore in text (simple query) equals what we sent.
        let rows = simple_rows(&mut c, r#"SELECT '"a"=>"1", "b c"=>NULL, "q\"x"=>"\\"'::hstore"#).await;
        let h: Result<HashMap<String, Option<String>>, _> = rows[0].get(0);
        // Simple-query columns carry bare OIDs for extension types; read them as text.
        assert!(h.is_err());
        let text: &str = rows[0].get(0).unwrap();
        assert!(text.contains(r#""b c"=>NULL"#), "{text}");
        let rows = c.query("SELECT 'k=>v'::hstore::text", &[]).await.unwrap();
        assert_eq!(rows[0].get::<&str>(0).unwrap(), r#""k"=>"v""#);
        let mut expected = HashMap::new();
        expected.insert("a".to_owned(), Some("1".to_owned()));
        expected.insert("b c".to_owned(), None);
        expected.insert("q\"x".to_owned(), Some("\\".to_owned()));
        let hstore = c.query_one("SELECT NULL::hstore", &[]).await.unwrap().columns()[0]
            .type_()
            .clone();
        let parsed: HashMap<String, Option<String>> =
            tusk::types::FromSql::from_sql(&hstore, Format::Text, text.as_bytes()).unwrap();
        assert_eq!(parsed, expected);
    }
}

#[tokio::test]
async fn pgvector_on_18_only() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let created = cluster.psql_in(&db, "CREATE EXTENSION vector");
        if cluster.major() < 18 {
            println!(
                "pgvector is unavailable on PostgreSQL {} here (no package for it); checking that it is absent",
                cluster.major()
            );
            let err = created.unwrap_err().to_string();
            assert!(err.contains("vector"), "{err}");
            continue;
        }
        created.unwrap_or_else(|e| panic!("pgvector should be installed in the PostgreSQL 18 tree: {e}"));
        let mut c = connect(cluster, &db).await;
        let v = PgVector(vec![1.0, -2.5, 3.25e-3]);
        let h = PgHalfVec::from_f32s(&[1.0, 0.5, -65504.0]);
        let s = PgSparseVec {
            dim: 6,
            indices: vec![0, 4],
            values: vec![1.5, -2.0],
        };
        let row = c
            .query_one(
                "SELECT $1::vector, $1::vector::text, $2::halfvec, $2::halfvec::text, $3::sparsevec, $3::sparsevec::text, \
                 $1::vector <-> '[1,-2.5,0]'",
                &[&v, &h, &s],
            )
            .await
            .unwrap();
        assert_eq!(row.columns()[0].format(), Format::Binary);
        assert_eq!(row.get::<PgVector>(0).unwrap(), v);
        assert_eq!(row.get::<&str>(1).unwrap(), "[1,-2.5,0.00325]");
        assert_eq!(row.get::<PgHalfVec>(2).unwrap(), h);
        assert_eq!(row.get::<&str>(3).unwrap(), "[1,0.5,-65504]");
        assert_eq!(row.get::<PgSparseVec>(4).unwrap(), s);
        assert_eq!(row.get::<&str>(5).unwrap(), "{1:1.5,5:-2}/6");
        let distance: f64 = row.get(6).unwrap();
        assert!((distance - 3.25e-3).abs() < 1e-6, "{distance}");
        // Text forms decode to the same values.
        let vector = row.columns()[0].type_().clone();
        let from_text: PgVector = tusk::types::FromSql::from_sql(&vector, Format::Text, b"[1,-2.5,0.00325]").unwrap();
        assert_eq!(from_text, v);
        // Arrays of vectors, and the server's checks on our bytes.
        let row = c
            .query_one(
                "SELECT $1::vector[]",
                &[&vec![v.clone(), PgVector(vec![0.0, 0.0, 1.0])]],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<Vec<PgVector>>(0).unwrap()[0], v);
        let e = c
            .query("SELECT $1::vector", &[&PgVector(vec![f32::NAN])])
            .await
            .unwrap_err();
        assert!(e.code().is_some(), "{e}");
    }
}

#[tokio::test]
async fn lookups_do_not_disturb_unnamed_statements() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        // With unnamed statements, the statement waiting for its Bind while its types are
        // looked up must survive the lookup.
        for options in ["statement_cache_mode=unnamed", "statement_cache_size=0"] {
            let info = format!("{} {options}", cluster.conninfo(Role::Scram, Transport::Tcp, &db));
            let mut c = Connection::connect(&info).await.unwrap();
            c.batch_execute(
                "DROP TYPE IF EXISTS duo; DROP TYPE IF EXISTS shade; CREATE TYPE shade AS ENUM ('light', 'dark'); \
                 CREATE TYPE duo AS (a shade, b int4)",
            )
            .await
            .unwrap();
            assert_eq!(c.cached_types(), 0);
            let row = c
                .query_one("SELECT 'dark'::shade, ROW('light', 2)::duo, $1::int4", &[&5i32])
                .await
                .unwrap();
            assert_eq!(row.get::<&str>(0).unwrap(), "dark");
            let duo: PgRecord = row.get(1).unwrap();
            assert_eq!(duo.get::<i32>(1).unwrap(), 2);
            assert_eq!(row.get::<i32>(2).unwrap(), 5);
            assert_eq!(c.cached_types(), 2);
            // DISCARD ALL drops the prepared lookup; the next lookup prepares it again.
            c.batch_execute("DISCARD ALL").await.unwrap();
            c.clear_type_cache();
            let row = c.query_one("SELECT ARRAY['dark'::shade]", &[]).await.unwrap();
            assert_eq!(row.get::<Vec<String>>(0).unwrap(), ["dark"]);
        }
    }
}

#[tokio::test]
async fn containers_of_other_scalars() {
    use tusk::types::{PgDate, PgNumeric};
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let n = |s: &str| s.parse::<PgNumeric>().unwrap();
        let d = |y, m, day| PgDate::from_ymd(y, m, day).unwrap();
        let row = c
            .query_one(
                "SELECT $1::numeric[], $2::numrange, $3::daterange, $4::datemultirange, \
                 '{1.5,NULL,NaN}'::numeric[], '[2024-01-01,2024-03-01)'::daterange",
                &[
                    &vec![n("1.50"), n("-0.001")],
                    &PgRange::new(Included(n("1")), Excluded(n("2.5"))),
                    &PgRange::from(d(2024, 1, 1)..d(2024, 2, 1)),
                    &PgMultirange(vec![PgRange::from(d(2024, 1, 1)..d(2024, 1, 3))]),
                ],
            )
            .await
            .unwrap();
        assert!(row.columns().iter().all(|col| col.format() == Format::Binary));
        assert_eq!(row.get::<Vec<PgNumeric>>(0).unwrap(), [n("1.50"), n("-0.001")]);
        assert_eq!(
            row.get::<PgRange<PgNumeric>>(1).unwrap(),
            PgRange::new(Included(n("1")), Excluded(n("2.5")))
        );
        assert_eq!(
            row.get::<PgRange<PgDate>>(2).unwrap(),
            PgRange::from(d(2024, 1, 1)..d(2024, 2, 1))
        );
        assert_eq!(
            row.get::<PgMultirange<PgDate>>(3).unwrap(),
            PgMultirange(vec![PgRange::from(d(2024, 1, 1)..d(2024, 1, 3))])
        );
        let nums: Vec<Option<PgNumeric>> = row.get(4).unwrap();
        assert_eq!(nums.len(), 3);
        assert_eq!(nums[1], None);
        // A date range's text decodes to the same value through the text path.
        let text: PgRange<PgDate> =
            tusk::types::FromSql::from_sql(&Type::DATE_RANGE, Format::Text, b"[2024-01-01,2024-03-01)").unwrap();
        assert_eq!(row.get::<PgRange<PgDate>>(5).unwrap(), text);
    }
}
