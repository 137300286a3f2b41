//! Running queries on real PostgreSQL 15 and 18: parameters, prepared statements, simple
//! queries, errors with every field, notices, and getting back in step after errors.

use std::sync::{Arc, Mutex};
use tusk::types::Type;
use tusk::{Connection, ErrorKind, SimpleQueryMessage, TransactionStatus};
use tusk_testkit::{Role, Transport, shared_clusters};

async fn connect(cluster: &tusk_testkit::Cluster, db: &str) -> Connection {
    Connection::connect(&cluster.conninfo(Role::Scram, Transport::Tcp, db))
        .await
        .unwrap()
}

#[tokio::test]
async fn parameters_and_results_round_trip() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let row = c
            .query_one(
                "SELECT $1::bool, $2::int2, $3::int4, $4::int8, $5::float4, $6::float8, $7::text, $8::bytea, $9::int4",
                &[
                    &true,
                    &-7i16,
                    &i32::MAX,
                    &i64::MIN,
                    &1.5f32,
                    &-0.25f64,
                    &"héllo ✓",
                    &&b"\x00\xff"[..],
                    &None::<i32>,
                ],
            )
            .await
            .unwrap();
        assert!(row.get::<bool>(0).unwrap());
        assert_eq!(row.get::<i16>(1).unwrap(), -7);
        assert_eq!(row.get::<i32>(2).unwrap(), i32::MAX);
        assert_eq!(row.get::<i64>(3).unwrap(), i64::MIN);
        assert_eq!(row.get::<f32>(4).unwrap(), 1.5);
        assert_eq!(row.get::<f64>(5).unwrap(), -0.25);
        assert_eq!(row.get::<String>(6).unwrap(), "héllo ✓");
        assert_eq!(row.get::<Vec<u8>>(7).unwrap(), vec![0, 255]);
        assert_eq!(row.get::<Option<i32>>(8).unwrap(), None);
        assert_eq!(row.get::<i32>(8).unwrap_err().kind(), ErrorKind::Decode);
    }
}

#[tokio::test]
async fn types_without_binary_support_come_back_as_text() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let row = c
            .query_one(
                "SELECT '(1,2)'::tid AS t, 'postgres=arwdDxt/postgres'::aclitem AS a, $1::tid AS p",
                &[&"(3,4)"],
            )
            .await
            .unwrap();
        assert_eq!(row.columns()[0].format(), tusk::types::Format::Text);
        assert_eq!(row.get::<&str>("t").unwrap(), "(1,2)");
        assert_eq!(row.get::<&str>("a").unwrap(), "postgres=arwdDxt/postgres");
        assert_eq!(
            row.get::<&str>("p").unwrap(),
            "(3,4)",
            "text parameters bind to types without binary support"
        );
    }
}

#[tokio::test]
async fn honest_type_checks_happen_before_sending() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let e = c.query("SELECT $1::int4", &[&1i64]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        assert!(e.to_string().contains("int4"), "{e}");
        let e = c.query("SELECT $1::int4, $2::int4", &[&1i32]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        // The connection is still fine.
        assert_eq!(
            c.query_one("SELECT 1::int4", &[]).await.unwrap().get::<i32>(0).unwrap(),
            1
        );
        // Decoding into the wrong Rust type names the column and both types.
        let row = c.query_one("SELECT 1::int8 AS big", &[]).await.unwrap();
        let e = row.get::<i32>("big").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        let msg = e.to_string();
        assert!(
            msg.contains("big") && msg.contains("int8") && msg.contains("i32"),
            "{msg}"
        );
        assert_eq!(row.get::<i32>("nope").unwrap_err().kind(), ErrorKind::Decode);
    }
}

#[tokio::test]
async fn execute_counts_rows_and_query_reads_them() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute("CREATE TABLE t (id int4 PRIMARY KEY, name text NOT NULL)")
            .await
            .unwrap();
        for i in 0..10 {
            assert_eq!(
                c.execute("INSERT INTO t VALUES ($1, $2)", &[&i, &format!("n{i}")])
                    .await
                    .unwrap(),
                1
            );
        }
        assert_eq!(
            c.execute("UPDATE t SET name = name || '!' WHERE id < $1", &[&5i32])
                .await
                .unwrap(),
            5
        );
        let rows = c.query("SELECT id, name FROM t ORDER BY id", &[]).await.unwrap();
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[3].get::<&str>("name").unwrap(), "n3!");
        assert_eq!(rows[9].get::<i32>("id").unwrap(), 9);
        assert!(
            c.query_opt("SELECT 1 FROM t WHERE id = 99", &[])
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            c.query_one("SELECT id FROM t", &[]).await.unwrap_err().kind(),
            ErrorKind::Decode
        );
        assert_eq!(c.execute("DELETE FROM t", &[]).await.unwrap(), 10);
    }
}

#[tokio::test]
async fn prepared_statements_report_types_and_are_reusable() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let s = c
            .prepare("SELECT $1::int8 * 2 AS doubled, $2::text AS label")
            .await
            .unwrap();
        assert_eq!(s.params(), &[Type::INT8, Type::TEXT]);
        assert_eq!(s.columns().len(), 2);
        assert_eq!(s.columns()[0].name(), "doubled");
        assert_eq!(s.columns()[0].type_(), &Type::INT8);
        for i in 0..50i64 {
            let row = c.query_one(&s, &[&i, &"x"]).await.unwrap();
            assert_eq!(row.get::<i64>(0).unwrap(), i * 2);
        }
        let typed = c.prepare_typed("SELECT $1", &[Type::INT4]).await.unwrap();
        assert_eq!(typed.params(), &[Type::INT4]);
        assert_eq!(c.query_one(&typed, &[&5i32]).await.unwrap().get::<i32>(0).unwrap(), 5);
        // Dropping statements closes them on the server before the next request.
        let name = s.name().to_string();
        drop(s);
        c.execute("SELECT 1", &[]).await.unwrap();
        let left: i64 = c
            .query_one("SELECT count(*) FROM pg_prepared_statements WHERE name = $1", &[&name])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(left, 0);
        // A statement from another connection is refused.
        let mut other = connect(cluster, "postgres").await;
        assert_eq!(
            other.query(&typed, &[&1i32]).await.unwrap_err().kind(),
            ErrorKind::Encode
        );
    }
}

#[tokio::test]
async fn server_errors_keep_every_field_and_the_session_recovers() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute("CREATE TABLE u (id int4 CONSTRAINT u_pk PRIMARY KEY)")
            .await
            .unwrap();
        c.execute("INSERT INTO u VALUES (1)", &[]).await.unwrap();
        let e = c.execute("INSERT INTO u VALUES ($1)", &[&1i32]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.code(), Some("23505"));
        let db_err = e.as_db_error().unwrap();
        assert_eq!(db_err.severity(), "ERROR");
        assert_eq!(db_err.table(), Some("u"));
        assert_eq!(db_err.schema(), Some("public"));
        assert_eq!(db_err.constraint(), Some("u_pk"));
        assert!(db_err.detail().unwrap().contains("(id)=(1)"));
        assert!(db_err.file().is_some() && db_err.line().is_some() && db_err.routine().is_some());
        let e = c.query("SELECT nope FROM u", &[]).await.unwrap_err();
        assert_eq!(e.code(), Some("42703"));
        assert_eq!(e.as_db_error().unwrap().position(), Some(8));
        assert!(!e.is_transient());
        // Same connection keeps working after each error.
        assert_eq!(
            c.query_one("SELECT count(*) FROM u", &[])
                .await
                .unwrap()
                .get::<i64>(0)
                .unwrap(),
            1
        );
        // Errors in a transaction: status goes to Failed, then ROLLBACK recovers.
        c.batch_execute("BEGIN").await.unwrap();
        assert_eq!(c.transaction_status(), TransactionStatus::InTransaction);
        assert!(c.execute("SELECT 1/0", &[]).await.is_err());
        assert_eq!(c.transaction_status(), TransactionStatus::Failed);
        assert_eq!(c.execute("SELECT 1", &[]).await.unwrap_err().code(), Some("25P02"));
        c.batch_execute("ROLLBACK").await.unwrap();
        assert_eq!(c.transaction_status(), TransactionStatus::Idle);
    }
}

#[tokio::test]
async fn simple_query_runs_several_statements() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let msgs = c
            .simple_query("CREATE TEMP TABLE s(x int, y text); INSERT INTO s VALUES (1, NULL), (2, 'b'); SELECT x, y FROM s ORDER BY x")
            .await
            .unwrap();
        let rows: Vec<_> = msgs
            .iter()
            .filter_map(|m| {
                if let SimpleQueryMessage::Row(r) = m {
                    Some(r)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get::<&str>("x").unwrap(), "1");
        assert_eq!(rows[0].get::<Option<&str>>("y").unwrap(), None);
        assert_eq!(rows[1].get::<i32>("x").unwrap(), 2, "text-format ints decode too");
        let counts: Vec<u64> = msgs
            .iter()
            .filter_map(|m| {
                if let SimpleQueryMessage::CommandComplete(n) = m {
                    Some(*n)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(counts, vec![0, 2, 2]);
        // An error stops the batch; the session recovers.
        let e = c.simple_query("SELECT 1; SELECT nope; SELECT 3").await.unwrap_err();
        assert_eq!(e.code(), Some("42703"));
        assert!(c.simple_query("").await.unwrap().is_empty());
        assert!(c.simple_query("SELECT 'a\0b'").await.is_err(), "NUL in SQL is refused");
        assert_eq!(
            c.query_one("SELECT 2::int4", &[]).await.unwrap().get::<i32>(0).unwrap(),
            2
        );
    }
}

#[tokio::test]
async fn notices_reach_the_handler_and_parameter_changes_are_seen() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        c.set_notice_handler(move |n| {
            sink.lock()
                .unwrap()
                .push((n.severity().to_string(), n.message().to_string()))
        });
        c.batch_execute("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$")
            .await
            .unwrap();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            vec![
                ("NOTICE".to_string(), "hello 42".to_string()),
                ("WARNING".to_string(), "careful".to_string())
            ]
        );
        c.batch_execute("SET application_name = 'renamed'").await.unwrap();
        assert_eq!(c.parameter("application_name"), Some("renamed"));
    }
}

#[tokio::test]
async fn a_dropped_request_does_not_desynchronise_the_connection() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        // Drop a query mid-flight; the next request must still get its own answer.
        let fut = c.query("SELECT pg_sleep(0.3), 1", &[]);
        let _ = tokio::time::timeout(std::time::Duration::from_millis(50), fut).await;
        let row = c.query_one("SELECT 'mine'::text", &[]).await.unwrap();
        assert_eq!(row.get::<&str>(0).unwrap(), "mine");
    }
}

#[tokio::test]
async fn a_dropped_prepared_request_does_not_desynchronise_the_connection() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        let slow = c.prepare("SELECT pg_sleep(0.3)::text, 1::int4").await.unwrap();
        let fast = c.prepare("SELECT $1::text").await.unwrap();
        let _ = tokio::time::timeout(std::time::Duration::from_millis(50), c.query(&slow, &[])).await;
        let row = c.query_one(&fast, &[&"mine"]).await.unwrap();
        assert_eq!(row.get::<&str>(0).unwrap(), "mine");
    }
}

#[tokio::test]
async fn notifications_are_queued_not_lost() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres").await;
        c.batch_execute("LISTEN \"Mixed Case\"").await.unwrap();
        let mut other = connect(cluster, "postgres").await;
        for i in 0..100 {
            other
                .execute("SELECT pg_notify('Mixed Case', $1)", &[&format!("p{i}")])
                .await
                .unwrap();
        }
        c.batch_execute("SELECT 1").await.unwrap();
        let got = c.take_notifications();
        assert_eq!(got.len(), 100);
        assert!(
            got.iter()
                .enumerate()
                .all(|(i, n)| n.channel == "Mixed Case" && n.payload == format!("p{i}"))
        );
        assert_eq!(got[0].process_id, other.backend_pid());
    }
}
