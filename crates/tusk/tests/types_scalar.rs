//! Scalar types against real PostgreSQL 15 and 18: numeric, money, dates and times,
//! intervals, network addresses, bit strings, geometry, text search, LSNs, snapshots,
//! the catalog vectors, jsonpath, xml and void.
//!
//! Each value goes to the server as a binary parameter, comes back in binary (the
//! extended protocol asks for binary for these types) and must be equal; the server's
//! own text rendering (its output function, through `format('%s', …)`) must be the text
//! we expect, and `String` must read the binary value as that text; and the text, sent
//! back as a literal in a simple query (whose rows are text), must decode to the same
//! value.

use std::fmt::Debug;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tusk::types::{
    Format, FromSql, PgBitVec, PgBox, PgCidr, PgCircle, PgDate, PgInet, PgInt2Vector, PgInterval, PgLSeg, PgLine,
    PgLsn, PgMacAddr, PgMacAddr8, PgMoney, PgNumeric, PgOidVector, PgPath, PgPoint, PgPolygon, PgSnapshot, PgTime,
    PgTimeTz, PgTimestamp, PgTsQuery, PgTsVector, ToSql,
};
use tusk::{Connection, ErrorKind, Row, SimpleQueryMessage};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

/// A session with the settings the expected texts assume (they are the defaults of a
/// fresh cluster, set explicitly so that the tests do not depend on initdb's locale).
async fn session(cluster: &Cluster) -> Connection {
    let mut c = Connection::connect(&cluster.conninfo(Role::Scram, Transport::Tcp, "postgres"))
        .await
        .unwrap();
    c.batch_execute(
        "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; \
         SET lc_monetary = 'C'; SET extra_float_digits = 1",
    )
    .await
    .unwrap();
    c
}

/// The rows of a simple query (every column in text format).
async fn simple_rows(c: &mut Connection, sql: &str) -> Vec<Row> {
    c.simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// `text` as an SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The round trip of the module docs, for `value` of SQL type `ty` whose server text is
/// `text`. Also checks that an owned `String` reads the binary value as that text.
async fn round_trip<T>(c: &mut Connection, ty: &str, value: T, text: &str)
where
    T: ToSql + Sync + for<'a> FromSql<'a> + PartialEq + Debug,
{
    // format('%s') prints with the type's output function, as a text-format column
    // would (`inet::text` differs: it always shows the netmask).
    let sql = format!("SELECT $1::{ty}, format('%s', $1::{ty})");
    let row = c
        .query_one(&sql, &[&value])
        .await
        .unwrap_or_else(|e| panic!("{ty} {value:?}: {e}"));
    assert_eq!(row.columns()[0].format(), Format::Binary, "{ty} is read in binary");
    let back: T = row.get(0).unwrap_or_else(|e| panic!("{ty} {text}: {e}"));
    assert_eq!(back, value, "{ty} {text}: binary round trip");
    assert_eq!(row.get::<String>(1).unwrap(), text, "{ty} {value:?}: the server's text");
    assert_eq!(
        row.get::<String>(0).unwrap(),
        text,
        "{ty} {value:?}: String of the binary value"
    );

    let rows = simple_rows(c, &format!("SELECT {}::{ty}", literal(text))).await;
    assert_eq!(rows[0].columns()[0].format(), Format::Text);
    let from_text: T = rows[0].get(0).unwrap_or_else(|e| panic!("{ty} {text:?} in text: {e}"));
    assert_eq!(from_text, value, "{ty} {text}: text decode");
}

/// A NULL of SQL type `ty` reads as `None` in both formats.
async fn null_round_trip<T>(c: &mut Connection, ty: &str)
where
    T: ToSql + Sync + for<'a> FromSql<'a> + Debug,
{
    let row = c.query_one(&format!("SELECT $1::{ty}"), &[&None::<T>]).await.unwrap();
    assert!(row.get::<Option<T>>(0).unwrap().is_none(), "{ty}");
    assert_eq!(row.get::<T>(0).unwrap_err().kind(), ErrorKind::Decode, "{ty}");
    let rows = simple_rows(c, &format!("SELECT NULL::{ty}")).await;
    assert!(rows[0].get::<Option<T>>(0).unwrap().is_none(), "{ty}");
}

fn num(s: &str) -> PgNumeric {
    s.parse().unwrap()
}

#[tokio::test]
async fn numeric() {
    let max = "9".repeat(131_072);
    let tiny = format!("0.{}1", "0".repeat(16_382));
    let widest = format!("{max}.{}", "9".repeat(16_383));
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in [
            "0",
            "12.345",
            "-12.3450",
            "0.0001",
            "1.50",
            "10000",
            "-1",
            "123456789012345678901234567890.0123456789",
            "NaN",
            "Infinity",
            "-Infinity",
            &tiny,
            &max,
            &widest,
        ] {
            round_trip(&mut c, "numeric", num(text), text).await;
        }
        // Spellings the server normalizes.
        round_trip(&mut c, "numeric", num("-0"), "0").await;
        round_trip(&mut c, "numeric", num("-0.000"), "0.000").await;
        round_trip(&mut c, "numeric", num("1.5e3"), "1500").await;
        null_round_trip::<PgNumeric>(&mut c, "numeric").await;

        // A negative type scale (PostgreSQL 15+) rounds to hundreds; the value has dscale 0.
        let row = c.query_one("SELECT 12345::numeric(5,-2)", &[]).await.unwrap();
        let n: PgNumeric = row.get(0).unwrap();
        assert_eq!(n.to_string(), "12300");
        assert_eq!((n.weight(), n.dscale(), n.digits()), (1, 0, &[1u16, 2300][..]));
        // A value the server computes with a long expansion.
        let row = c
            .query_one("SELECT 1::numeric / 3, (1::numeric / 3)::text", &[])
            .await
            .unwrap();
        assert_eq!(
            row.get::<PgNumeric>(0).unwrap().to_string(),
            row.get::<String>(1).unwrap()
        );
        // Strings still bind to numeric parameters, in text format.
        let row = c.query_one("SELECT $1::numeric", &[&"12.50"]).await.unwrap();
        assert_eq!(row.get::<PgNumeric>(0).unwrap(), num("12.50"));
    }
}

#[tokio::test]
async fn money() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for (cents, text) in [
            (0, "$0.00"),
            (5, "$0.05"),
            (-100, "-$1.00"),
            (123_456, "$1,234.56"),
            (i64::MAX, "$92,233,720,368,547,758.07"),
            (i64::MIN, "-$92,233,720,368,547,758.08"),
        ] {
            round_trip(&mut c, "money", PgMoney(cents), text).await;
        }
        null_round_trip::<PgMoney>(&mut c, "money").await;
    }
}

#[tokio::test]
async fn dates_and_times() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in [
            "2000-01-01",
            "1999-12-31",
            "2024-02-29",
            "4714-11-24 BC",
            "0001-12-31 BC",
            "0044-03-15 BC",
            "10000-01-01",
            "5874897-12-31",
            "infinity",
            "-infinity",
        ] {
            round_trip(&mut c, "date", text.parse::<PgDate>().unwrap(), text).await;
        }
        for text in [
            "00:00:00",
            "24:00:00",
            "23:59:59.999999",
            "04:05:06.789",
            "12:00:00.000001",
        ] {
            round_trip(&mut c, "time", text.parse::<PgTime>().unwrap(), text).await;
        }
        for text in [
            "04:05:06.789+05:30",
            "00:00:00+00",
            "24:00:00-15:59",
            "12:00:00+05:30:15",
            "23:59:59.999999-08",
        ] {
            round_trip(&mut c, "timetz", text.parse::<PgTimeTz>().unwrap(), text).await;
        }
        for text in [
            "2000-01-01 00:00:00",
            "2024-02-29 13:45:00.25",
            "1999-12-31 23:59:59.999999",
            "4714-11-24 00:00:00 BC",
            "0001-01-01 00:00:00 BC",
            "294276-12-31 23:59:59.999999",
            "infinity",
            "-infinity",
        ] {
            let ts = text.parse::<PgTimestamp>().unwrap();
            round_trip(&mut c, "timestamp", ts, text).await;
            // In a UTC session a timestamptz prints the same instant with "+00".
            let tz_text = ts.with_offset(0).to_string();
            round_trip(&mut c, "timestamptz", ts, &tz_text).await;
        }
        for ty in ["date", "time", "timetz", "timestamp", "timestamptz"] {
            let row = c.query_one(&format!("SELECT NULL::{ty}"), &[]).await.unwrap();
            assert!(row.is_null(0).unwrap());
        }
        null_round_trip::<PgTimestamp>(&mut c, "timestamptz").await;
        null_round_trip::<PgDate>(&mut c, "date").await;

        // SystemTime is an instant: timestamptz (and timestamp read as UTC).
        let t = UNIX_EPOCH + Duration::from_micros(1_717_223_400_123_456);
        round_trip(&mut c, "timestamptz", t, "2024-06-01 06:30:00.123456+00").await;
        round_trip(&mut c, "timestamp", t, "2024-06-01 06:30:00.123456").await;
        let e = c
            .query_one("SELECT 'infinity'::timestamptz", &[])
            .await
            .unwrap()
            .get::<SystemTime>(0)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
    }
}

#[tokio::test]
async fn timestamptz_text_in_other_zones() {
    let cases = [
        ("Asia/Kolkata", "2024-06-01 06:30:00+00", "2024-06-01 12:00:00+05:30"),
        ("Asia/Kathmandu", "2024-06-01 00:00:00+00", "2024-06-01 05:45:00+05:45"),
        (
            "America/St_Johns",
            "2024-01-01 03:30:00+00",
            "2024-01-01 00:00:00-03:30",
        ),
        (
            "America/Los_Angeles",
            "2024-01-01 08:00:00+00",
            "2024-01-01 00:00:00-08",
        ),
        // Local mean time before standard time had seconds in its offset.
        (
            "Europe/Amsterdam",
            "1900-01-01 00:00:00+00",
            "1900-01-01 00:19:32+00:19:32",
        ),
        ("UTC", "0044-03-15 12:00:00+00 BC", "0044-03-15 12:00:00+00 BC"),
    ];
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for (zone, utc, local) in cases {
            c.batch_execute(&format!("SET TimeZone = '{zone}'")).await.unwrap();
            let sql = format!("SELECT {}::timestamptz", literal(utc));
            let binary: PgTimestamp = c.query_one(&sql, &[]).await.unwrap().get(0).unwrap();
            let rows = simple_rows(&mut c, &sql).await;
            assert_eq!(rows[0].get::<String>(0).unwrap(), local, "{zone}");
            let text: PgTimestamp = rows[0].get(0).unwrap();
            assert_eq!(text, binary, "{zone}: {local}");
            let expected: PgTimestamp = utc.parse().unwrap();
            assert_eq!(binary, expected, "{zone}");
        }
    }
}

#[tokio::test]
async fn intervals() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in [
            "00:00:00",
            "1 year 2 mons 3 days 04:05:06.789",
            "-00:00:01",
            "-1 years -2 mons +3 days -04:05:06",
            "1 mon",
            "1 day -00:00:00.000001",
            "100:00:00",
            "178956970 years 7 mons",
            "-178956970 years -8 mons",
            "2147483647 days",
            "-2147483648 days",
            "2562047788:00:54.775807",
        ] {
            round_trip(&mut c, "interval", text.parse::<PgInterval>().unwrap(), text).await;
        }
        null_round_trip::<PgInterval>(&mut c, "interval").await;
        if cluster.major() >= 17 {
            round_trip(&mut c, "interval", PgInterval::INFINITY, "infinity").await;
            round_trip(&mut c, "interval", PgInterval::NEG_INFINITY, "-infinity").await;
        }
        // The other output styles decode to the same value.
        let value: PgInterval = "-1 years -2 mons +3 days -04:05:06.5".parse().unwrap();
        for style in ["postgres_verbose", "iso_8601"] {
            c.batch_execute(&format!("SET IntervalStyle = '{style}'"))
                .await
                .unwrap();
            let rows = simple_rows(&mut c, "SELECT '-1 years -2 mons +3 days -04:05:06.5'::interval").await;
            assert_eq!(rows[0].get::<PgInterval>(0).unwrap(), value, "{style}");
        }
    }
}

#[tokio::test]
async fn network_addresses() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in [
            "192.168.0.1/24",
            "10.0.0.1",
            "0.0.0.0/0",
            "::1",
            "::",
            "::ffff:1.2.3.4",
            "::1.2.3.4",
            "2001:db8::1/64",
            "fe80::abcd:ef01",
            "2001:db8:0:0:1::1",
        ] {
            let inet: PgInet = text.parse().unwrap();
            let shown = inet.to_string();
            round_trip(&mut c, "inet", inet, &shown).await;
        }
        for text in [
            "10.0.0.0/8",
            "192.168.0.0/16",
            "10.0.0.1/32",
            "0.0.0.0/0",
            "2001:db8::/32",
            "::/0",
            "::ffff:0.0.0.0/96",
        ] {
            round_trip(&mut c, "cidr", text.parse::<PgCidr>().unwrap(), text).await;
        }
        round_trip(
            &mut c,
            "inet",
            "127.0.0.1".parse::<std::net::IpAddr>().unwrap(),
            "127.0.0.1",
        )
        .await;
        round_trip(&mut c, "inet", "::1".parse::<std::net::IpAddr>().unwrap(), "::1").await;
        round_trip(&mut c, "macaddr", PgMacAddr([8, 0, 0x2b, 1, 2, 3]), "08:00:2b:01:02:03").await;
        round_trip(&mut c, "macaddr", PgMacAddr([0xff; 6]), "ff:ff:ff:ff:ff:ff").await;
        let mac8 = PgMacAddr8([8, 0, 0x2b, 1, 2, 3, 4, 5]);
        round_trip(&mut c, "macaddr8", mac8, "08:00:2b:01:02:03:04:05").await;
        null_round_trip::<PgInet>(&mut c, "inet").await;

        // An inet with a netmask is not an IpAddr; a host address is not a cidr.
        let row = c.query_one("SELECT '10.0.0.1/8'::inet", &[]).await.unwrap();
        assert_eq!(row.get::<std::net::IpAddr>(0).unwrap_err().kind(), ErrorKind::Decode);
        let addr: std::net::IpAddr = "10.0.0.1".parse().unwrap();
        let e = c.query_one("SELECT $1::cidr", &[&addr]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
    }
}

#[tokio::test]
async fn bit_strings() {
    let long: String = (0..1000).map(|i| if i % 3 == 0 { '1' } else { '0' }).collect();
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in ["", "1", "0", "10110", "101101001", "11111111", long.as_str()] {
            round_trip(&mut c, "varbit", text.parse::<PgBitVec>().unwrap(), text).await;
        }
        round_trip(&mut c, "bit(5)", "10110".parse::<PgBitVec>().unwrap(), "10110").await;
        null_round_trip::<PgBitVec>(&mut c, "varbit").await;
    }
}

#[tokio::test]
async fn geometry() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in [
            "(1.5,-2)",
            "(1e+100,-0)",
            "(0.1,Infinity)",
            "(5e-324,-1.7976931348623157e+308)",
        ] {
            round_trip(&mut c, "point", text.parse::<PgPoint>().unwrap(), text).await;
        }
        round_trip(&mut c, "line", "{1,-1,0}".parse::<PgLine>().unwrap(), "{1,-1,0}").await;
        round_trip(&mut c, "line", "{0,2.5,-3}".parse::<PgLine>().unwrap(), "{0,2.5,-3}").await;
        round_trip(
            &mut c,
            "lseg",
            "[(1,2),(3,4)]".parse::<PgLSeg>().unwrap(),
            "[(1,2),(3,4)]",
        )
        .await;
        round_trip(&mut c, "box", "(3,4),(1,2)".parse::<PgBox>().unwrap(), "(3,4),(1,2)").await;
        for text in ["[(0,0),(1,1),(2,0)]", "((0,0),(1,1))", "[(1,2)]", "((-1.5,0.25))"] {
            round_trip(&mut c, "path", text.parse::<PgPath>().unwrap(), text).await;
        }
        round_trip(
            &mut c,
            "polygon",
            "((0,0),(1,1),(1,0))".parse::<PgPolygon>().unwrap(),
            "((0,0),(1,1),(1,0))",
        )
        .await;
        round_trip(&mut c, "circle", "<(1,2),3>".parse::<PgCircle>().unwrap(), "<(1,2),3>").await;
        null_round_trip::<PgPoint>(&mut c, "point").await;

        // The server orders a box's corners and reads every spelling of a point list.
        let rows = simple_rows(&mut c, "SELECT '((1,2),(3,4))'::box, '1,2,3,4'::lseg").await;
        assert_eq!(rows[0].get::<PgBox>(0).unwrap(), "(3,4),(1,2)".parse().unwrap());
        assert_eq!(rows[0].get::<PgLSeg>(1).unwrap(), "[(1,2),(3,4)]".parse().unwrap());
        // NaN: compare the text.
        let row = c.query_one("SELECT point('NaN'::float8, 1)", &[]).await.unwrap();
        assert_eq!(row.get::<PgPoint>(0).unwrap().to_string(), "(NaN,1)");
    }
}

#[tokio::test]
async fn text_search() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in [
            "'a':1A 'cat':2,5B 'fat'",
            "'it''s' 'żółw':3C",
            "'back\\\\slash':16383",
            "'x':1,2,3,4,5",
            "",
        ] {
            round_trip(&mut c, "tsvector", text.parse::<PgTsVector>().unwrap(), text).await;
        }
        for text in [
            "'fat' & ( 'rat' | 'cat' )",
            "'a' & 'b' | 'c' & 'd'",
            "!'a' <-> 'b':*AB",
            "'a' <3> 'b'",
            "'a' <-> ( 'b' <-> 'c' )",
            "( 'a' | 'b' ) & !'c'",
            "!( 'a' & 'b' )",
            "'it''s':D & 'żółw':*",
        ] {
            round_trip(&mut c, "tsquery", text.parse::<PgTsQuery>().unwrap(), text).await;
        }
        // Built by the server from text search functions.
        let row = c
            .query_one(
                "SELECT to_tsvector('english', 'The fat cats ate fat rats'), \
                 to_tsvector('english', 'The fat cats ate fat rats')::text, \
                 to_tsquery('english', 'fat & (rat | cats)'), to_tsquery('english', 'fat & (rat | cats)')::text",
                &[],
            )
            .await
            .unwrap();
        assert_eq!(
            row.get::<PgTsVector>(0).unwrap().to_string(),
            row.get::<String>(1).unwrap()
        );
        assert_eq!(
            row.get::<PgTsQuery>(2).unwrap().to_string(),
            row.get::<String>(3).unwrap()
        );
        null_round_trip::<PgTsQuery>(&mut c, "tsquery").await;
    }
}

#[tokio::test]
async fn system_types() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        for text in ["0/0", "16/B374D848", "FFFFFFFF/FFFFFFFF"] {
            round_trip(&mut c, "pg_lsn", text.parse::<PgLsn>().unwrap(), text).await;
        }
        for text in ["10:20:10,14,15", "5:5:"] {
            round_trip(&mut c, "pg_snapshot", text.parse::<PgSnapshot>().unwrap(), text).await;
            round_trip(&mut c, "txid_snapshot", text.parse::<PgSnapshot>().unwrap(), text).await;
        }
        // The live snapshot, read both ways.
        let row = c
            .query_one("SELECT pg_current_snapshot(), pg_current_snapshot()::text", &[])
            .await
            .unwrap();
        assert_eq!(
            row.get::<PgSnapshot>(0).unwrap().to_string(),
            row.get::<String>(1).unwrap()
        );
        let row = c
            .query_one("SELECT pg_current_wal_lsn(), pg_current_wal_lsn()::text", &[])
            .await
            .unwrap();
        assert_eq!(row.get::<PgLsn>(0).unwrap().to_string(), row.get::<String>(1).unwrap());

        // The catalog vectors (binary arrays with lower bound 0; text with spaces).
        let row = c
            .query_one(
                "SELECT $1::int2vector, $1::int2vector::text",
                &[&PgInt2Vector(vec![1, -3, 7])],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<PgInt2Vector>(0).unwrap(), PgInt2Vector(vec![1, -3, 7]));
        assert_eq!(row.get::<String>(1).unwrap(), "1 -3 7");
        let rows = simple_rows(&mut c, "SELECT '1 -3 7'::int2vector").await;
        assert_eq!(rows[0].get::<PgInt2Vector>(0).unwrap(), PgInt2Vector(vec![1, -3, 7]));
        let row = c
            .query_one(
                "SELECT $1::oidvector, $1::oidvector::text",
                &[&PgOidVector(vec![23, 25, 4_000_000_000])],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<PgOidVector>(0).unwrap().0, [23, 25, 4_000_000_000]);
        assert_eq!(row.get::<String>(1).unwrap(), "23 25 4000000000");
        let row = c
            .query_one("SELECT $1::oidvector", &[&PgOidVector(vec![])])
            .await
            .unwrap();
        assert!(row.get::<PgOidVector>(0).unwrap().is_empty());
        let row = c
            .query_one(
                "SELECT proargtypes FROM pg_proc WHERE oid = 'pg_catalog.lower(text)'::regprocedure",
                &[],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<PgOidVector>(0).unwrap().0, [25]);

        // jsonpath: a version byte and the text in binary, read as String.
        let row = c
            .query_one("SELECT $1::jsonpath, $1::jsonpath::text", &[&"$.a[*] ? (@ > 1)"])
            .await
            .unwrap();
        assert_eq!(row.columns()[0].format(), Format::Binary);
        assert_eq!(row.get::<String>(0).unwrap(), row.get::<String>(1).unwrap());
        assert_eq!(row.get::<&str>(0).unwrap(), "$.\"a\"[*]?(@ > 1)");
        // xml is text in both formats.
        let row = c.query_one("SELECT $1::xml", &[&"<a>ü ✓</a>"]).await.unwrap();
        assert_eq!(row.get::<String>(0).unwrap(), "<a>ü ✓</a>");

        // void: no bytes in binary, an empty string in text.
        let row = c.query_one("SELECT pg_sleep(0)", &[]).await.unwrap();
        assert_eq!(row.columns()[0].format(), Format::Binary);
        row.get::<()>(0).unwrap();
        let rows = simple_rows(&mut c, "SELECT pg_sleep(0)").await;
        rows[0].get::<()>(0).unwrap();
        null_round_trip::<PgLsn>(&mut c, "pg_lsn").await;
    }
}

#[tokio::test]
async fn honest_types() {
    for cluster in shared_clusters() {
        let mut c = session(cluster).await;
        // Each Rust type goes only to its own server types.
        let e = c
            .query_one("SELECT $1::date", &[&PgTimestamp::EPOCH])
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        let e = c
            .query_one("SELECT $1::timestamp", &[&PgDate::EPOCH])
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        let e = c.query_one("SELECT $1::float8", &[&num("1.5")]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        // Out of range for PostgreSQL: refused before sending, with the reason.
        let e = c
            .query_one("SELECT $1::time", &[&PgTime(86_400_000_001)])
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        assert!(e.to_string().contains("time"), "{e}");
        // Reading a column into the wrong type names both types.
        let row = c.query_one("SELECT now() AS t", &[]).await.unwrap();
        let e = row.get::<PgDate>("t").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.to_string().contains("timestamptz"), "{e}");
        // The connection is fine afterwards.
        let row = c.query_one("SELECT $1::numeric + 1", &[&num("1.25")]).await.unwrap();
        assert_eq!(row.get::<PgNumeric>(0).unwrap(), num("2.25"));
        assert_eq!(PgNumeric::from_str("2.25").unwrap(), num("2.25"));
    }
}
