//! The derive macros against real PostgreSQL 15 and 18: `FromRow` for result rows,
//! `ToSql`/`FromSql` for enums, composite types and domain newtypes, in parameters and
//! results, binary and text, alone and inside arrays.

use tusk::types::{Format, FromSql, PgRange, ToSql, Type};
use tusk::{Connection, ErrorKind, FromRow, Row};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

async fn fresh(cluster: &Cluster, setup: &str) -> Connection {
    let db = cluster.fresh_database().unwrap();
    let mut c = Connection::connect(&cluster.conninfo(Role::Scram, Transport::Tcp, &db))
        .await
        .unwrap();
    if !setup.is_empty() {
        c.batch_execute(setup).await.unwrap();
    }
    c
}

// ---- FromRow ----------------------------------------------------------------------------

#[derive(FromRow, Debug, PartialEq)]
struct Audit {
    created_by: String,
    #[tusk(default)]
    revision: i32,
}

#[derive(FromRow, Debug, PartialEq)]
struct Person {
    id: i32,
    #[tusk(rename = "full_name")]
    name: String,
    email: Option<String>,
    #[tusk(try_from = "i64")]
    visits: u16,
    #[tusk(flatten)]
    audit: Audit,
    #[tusk(default)]
    nickname: Option<String>,
    #[tusk(skip)]
    cached: Vec<u8>,
    #[tusk(try_from = "i32", default)]
    score: u8,
}

#[derive(FromRow, Debug)]
struct Borrowed<'r> {
    name: &'r str,
    raw: &'r [u8],
}

#[derive(FromRow, Debug, PartialEq)]
#[tusk(rename_all = "camelCase")]
struct Camel {
    first_name: String,
    last_seen_at: Option<i64>,
}

#[derive(FromRow, Debug, PartialEq)]
struct Generic<T> {
    value: T,
}

#[tokio::test]
async fn from_row() {
    for cluster in shared_clusters() {
        let mut c = fresh(cluster, "").await;
        let row = c
            .query_one(
                "SELECT 1::int4 AS id, 'Ada Lovelace' AS full_name, NULL::text AS email, 42::int8 AS visits, \
                 'root' AS created_by",
                &[],
            )
            .await
            .unwrap();
        let p: Person = row.decode().unwrap();
        assert_eq!(
            p,
            Person {
                id: 1,
                name: "Ada Lovelace".into(),
                email: None,
                visits: 42,
                audit: Audit {
                    created_by: "root".into(),
                    revision: 0
                },
                nickname: None,
                cached: vec![],
                score: 0,
            }
        );
        assert_eq!(Person::from_row(&row).unwrap(), p);

        // try_from that does not fit, a missing column, a NULL, a wrong type: Decode errors
        // naming the column.
        let row = c
            .query_one(
                "SELECT 1::int4 AS id, 'x' AS full_name, NULL::text AS email, 70000::int8 AS visits, 'r' AS created_by",
                &[],
            )
            .await
            .unwrap();
        let e = row.decode::<Person>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.to_string().contains("visits"), "{e}");
        let row = c.query_one("SELECT 1::int4 AS id", &[]).await.unwrap();
        let e = row.decode::<Person>().unwrap_err();
        assert!(e.to_string().contains("full_name"), "{e}");
        let row = c.query_one("SELECT NULL::text AS created_by", &[]).await.unwrap();
        assert_eq!(row.decode::<Audit>().unwrap_err().kind(), ErrorKind::Decode);
        let row = c.query_one("SELECT 1::int8 AS created_by", &[]).await.unwrap();
        assert_eq!(row.decode::<Audit>().unwrap_err().kind(), ErrorKind::Decode);

        // Present `default` columns are read.
        let row = c
            .query_one("SELECT 'me' AS created_by, 3::int4 AS revision", &[])
            .await
            .unwrap();
        assert_eq!(
            row.decode::<Audit>().unwrap(),
            Audit {
                created_by: "me".into(),
                revision: 3
            }
        );

        // Borrowing from the row; renaming by case; generics; tuples.
        let row = c
            .query_one("SELECT 'b' AS name, '\\x0102'::bytea AS raw", &[])
            .await
            .unwrap();
        let b: Borrowed<'_> = row.decode().unwrap();
        assert_eq!((b.name, b.raw), ("b", &[1u8, 2][..]));
        let row = c
            .query_one("SELECT 'Ada' AS \"firstName\", 5::int8 AS \"lastSeenAt\"", &[])
            .await
            .unwrap();
        assert_eq!(
            row.decode::<Camel>().unwrap(),
            Camel {
                first_name: "Ada".into(),
                last_seen_at: Some(5)
            }
        );
        let row = c.query_one("SELECT 2.5::float8 AS value", &[]).await.unwrap();
        assert_eq!(row.decode::<Generic<f64>>().unwrap(), Generic { value: 2.5 });
        let row = c
            .query_one("SELECT 1::int4, 'two'::text, NULL::int8", &[])
            .await
            .unwrap();
        let t: (i32, String, Option<i64>) = row.decode().unwrap();
        assert_eq!(t, (1, "two".to_owned(), None));
        assert!(row.decode::<(i32, String)>().is_err());

        // Every row of a result.
        let rows: Vec<Row> = c
            .query("SELECT 'u' || g AS created_by FROM generate_series(1, 3) g", &[])
            .await
            .unwrap();
        let audits: Vec<Audit> = rows.iter().map(|r| r.decode()).collect::<tusk::Result<_>>().unwrap();
        assert_eq!(audits[2].created_by, "u3");
    }
}

// ---- Enums ------------------------------------------------------------------------------

#[derive(ToSql, FromSql, Debug, Clone, Copy, PartialEq)]
#[tusk(rename_all = "snake_case", name = "mood")]
enum Mood {
    Sad,
    Ok,
    VeryHappy,
    #[tusk(rename = "très bien")]
    TresBien,
}

/// Only some of the labels: still fine.
#[derive(ToSql, FromSql, Debug, PartialEq)]
#[tusk(rename_all = "lowercase")]
enum Gloomy {
    Sad,
}

/// A label the type does not have.
#[derive(ToSql, FromSql, Debug, PartialEq)]
enum Angry {
    #[tusk(rename = "angry")]
    Angry,
}

const ENUM_SCHEMA: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'very_happy', 'très bien');
CREATE TABLE diary (day int4, mood mood, moods mood[]);
";

#[tokio::test]
async fn enums() {
    for cluster in shared_clusters() {
        let mut c = fresh(cluster, ENUM_SCHEMA).await;
        c.execute(
            "INSERT INTO diary VALUES (1, $1, $2), (2, $3, NULL)",
            &[&Mood::VeryHappy, &vec![Mood::Sad, Mood::TresBien], &Mood::Ok],
        )
        .await
        .unwrap();
        let rows = c
            .query("SELECT day, mood, moods, mood::text FROM diary ORDER BY day", &[])
            .await
            .unwrap();
        assert_eq!(rows[0].get::<Mood>("mood").unwrap(), Mood::VeryHappy);
        assert_eq!(rows[0].get::<&str>(3).unwrap(), "very_happy");
        assert_eq!(rows[0].get::<Vec<Mood>>("moods").unwrap(), [Mood::Sad, Mood::TresBien]);
        assert_eq!(rows[1].get::<Mood>(1).unwrap(), Mood::Ok);
        assert_eq!(rows[1].get::<Option<Vec<Mood>>>(2).unwrap(), None);
        // Strings read enums too; a Rust enum reads text columns.
        assert_eq!(rows[1].get::<String>(1).unwrap(), "ok");
        assert_eq!(rows[1].get::<Mood>(3).unwrap(), Mood::Ok);

        // A Rust enum with fewer variants decodes the labels it has and refuses the rest.
        let row = c.query_one("SELECT 'sad'::mood, 'ok'::mood", &[]).await.unwrap();
        assert_eq!(row.get::<Gloomy>(0).unwrap(), Gloomy::Sad);
        assert_eq!(row.get::<Gloomy>(1).unwrap_err().kind(), ErrorKind::Decode);
        // One with a label the type lacks does not accept it at all.
        let mood = row.columns()[0].type_().clone();
        assert!(!<Angry as FromSql>::accepts(&mood));
        let e = c.query("SELECT $1::mood", &[&Angry::Angry]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        assert!(!<Mood as FromSql>::accepts(&Type::INT4));

        // Equality in SQL with an enum parameter, and simple-query text.
        let n: i64 = c
            .query_one("SELECT count(*) FROM diary WHERE mood = $1", &[&Mood::Ok])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            Mood::from_sql(&mood, Format::Text, "très bien".as_bytes()).unwrap(),
            Mood::TresBien
        );
    }
}

// ---- Composites -------------------------------------------------------------------------

#[derive(ToSql, FromSql, Debug, Clone, PartialEq)]
#[tusk(name = "point3")]
struct Point3 {
    x: f64,
    y: f64,
    #[tusk(rename = "z")]
    depth: Option<f64>,
}

#[derive(ToSql, FromSql, Debug, Clone, PartialEq)]
struct Item {
    name: String,
    qty: i32,
    tags: Vec<String>,
    feeling: Option<Mood>,
    at: Option<Point3>,
}

/// Fields that do not match `item`.
#[derive(ToSql, FromSql, Debug)]
struct NotItem {
    name: String,
    qty: i64,
}

const COMPOSITE_SCHEMA: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'very_happy', 'très bien');
CREATE TYPE point3 AS (x float8, y float8, z float8);
CREATE TYPE item AS (name text, qty int4, tags text[], feeling mood, at point3);
CREATE TABLE inventory (id int4, it item, its item[], spot point3);
";

#[tokio::test]
async fn composites() {
    for cluster in shared_clusters() {
        let mut c = fresh(cluster, COMPOSITE_SCHEMA).await;
        let p = Point3 {
            x: 1.5,
            y: -2.0,
            depth: None,
        };
        let item = Item {
            name: "fish, \"chips\" & (peas)".into(),
            qty: 3,
            tags: vec!["hot".into(), "with space".into(), String::new()],
            feeling: Some(Mood::VeryHappy),
            at: Some(p.clone()),
        };
        let plain = Item {
            name: String::new(),
            qty: -1,
            tags: vec![],
            feeling: None,
            at: None,
        };

        // A composite of binary fields travels in binary both ways.
        let row = c.query_one("SELECT $1::point3, $1::point3::text", &[&p]).await.unwrap();
        assert_eq!(row.columns()[0].format(), Format::Binary);
        assert_eq!(row.get::<Point3>(0).unwrap(), p);
        assert_eq!(row.get::<&str>(1).unwrap(), "(1.5,-2,)");

        // One with an enum field comes back as text; parameters still go in binary.
        c.execute(
            "INSERT INTO inventory VALUES (1, $1, $2, $3)",
            &[&item, &vec![item.clone(), plain.clone()], &p],
        )
        .await
        .unwrap();
        let row = c
            .query_one("SELECT it, its, spot, it::text FROM inventory", &[])
            .await
            .unwrap();
        assert_eq!(row.columns()[0].format(), Format::Text);
        assert_eq!(row.get::<Item>(0).unwrap(), item);
        assert_eq!(row.get::<Vec<Item>>(1).unwrap(), [item.clone(), plain.clone()]);
        assert_eq!(row.get::<Point3>(2).unwrap(), p);
        assert_eq!(
            row.get::<&str>(3).unwrap(),
            r#"("fish, ""chips"" & (peas)",3,"{hot,""with space"",""""}",very_happy,"(1.5,-2,)")"#
        );
        // In a simple query everything is text; the column type is not described there,
        // so read the named composite through a statement instead.
        let row = c
            .query_one("SELECT ROW('n', 1, '{}', 'sad', NULL)::item", &[])
            .await
            .unwrap();
        let got: Item = row.get(0).unwrap();
        assert_eq!(got.feeling, Some(Mood::Sad));
        assert_eq!(got.at, None);

        // Fields must match the composite exactly.
        let item_type = c.query_one("SELECT NULL::item", &[]).await.unwrap().columns()[0]
            .type_()
            .clone();
        assert!(<Item as FromSql>::accepts(&item_type));
        assert!(!<NotItem as FromSql>::accepts(&item_type));
        assert!(!<Point3 as FromSql>::accepts(&item_type));
        let e = c
            .query(
                "SELECT $1::item",
                &[&NotItem {
                    name: "x".into(),
                    qty: 1,
                }],
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        let e = c
            .query_one("SELECT it FROM inventory", &[])
            .await
            .unwrap()
            .get::<Point3>(0)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
    }
}

// ---- Domains ----------------------------------------------------------------------------

#[derive(ToSql, FromSql, Debug, Clone, Copy, PartialEq)]
#[tusk(transparent)]
struct PosInt(i32);

#[derive(ToSql, FromSql, Debug, Clone, PartialEq)]
#[tusk(transparent)]
struct Email {
    address: String,
}

#[derive(ToSql, FromSql, Debug, PartialEq)]
#[tusk(transparent)]
struct Span(PgRange<i32>);

#[derive(ToSql, FromSql, Debug, PartialEq)]
struct Contact {
    email: Email,
    rank: PosInt,
}

const DOMAIN_SCHEMA: &str = "
CREATE DOMAIN posint AS int4 CHECK (VALUE > 0);
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN span AS int4range CHECK (NOT isempty(VALUE));
CREATE TYPE contact AS (email email, rank posint);
";

#[tokio::test]
async fn domains() {
    for cluster in shared_clusters() {
        let mut c = fresh(cluster, DOMAIN_SCHEMA).await;
        let email = Email {
            address: "ada@example.org".into(),
        };
        let row = c
            .query_one(
                "SELECT $1::posint, $2::email, $3::posint[], $4::span, $5::contact, ARRAY[$5::contact]",
                &[
                    &PosInt(7),
                    &email,
                    &vec![PosInt(1), PosInt(2)],
                    &Span(PgRange::from(1..5)),
                    &Contact {
                        email: email.clone(),
                        rank: PosInt(3),
                    },
                ],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<PosInt>(0).unwrap(), PosInt(7));
        assert_eq!(row.get::<i32>(0).unwrap(), 7);
        assert_eq!(row.get::<Email>(1).unwrap(), email);
        assert_eq!(row.get::<Vec<PosInt>>(2).unwrap(), [PosInt(1), PosInt(2)]);
        assert_eq!(row.get::<Span>(3).unwrap(), Span(PgRange::from(1..5)));
        let contact: Contact = row.get(4).unwrap();
        assert_eq!(contact.rank, PosInt(3));
        assert_eq!(row.get::<Vec<Contact>>(5).unwrap()[0].email, email);

        // The server still checks the domain's constraints.
        let e = c.query("SELECT $1::posint", &[&PosInt(-1)]).await.unwrap_err();
        assert_eq!(e.code(), Some("23514"));
        let e = c
            .query("SELECT $1::email", &[&Email { address: "nope".into() }])
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("23514"));
        // Transparent means exactly the inner type's rules.
        assert!(!PosInt(1).accepts(&Type::INT8));
        assert!(PosInt(1).accepts(&Type::INT4));
    }
}
