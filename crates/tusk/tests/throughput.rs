//! Statement cache, pipelines, `Client`, streaming and portals against real PostgreSQL
//! 15 and 18.

use bytes::BytesMut;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tusk::pipeline::SyncMode;
use tusk::{Client, Connection, ErrorKind};
use tusk_proto::Limits;
use tusk_proto::frontend::{FrontendMessage, StartupPacket};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

async fn connect(cluster: &Cluster, db: &str, extra: &str) -> Connection {
    Connection::connect(&format!(
        "{} {extra}",
        cluster.conninfo(Role::Scram, Transport::Tcp, db)
    ))
    .await
    .unwrap()
}

/// A TCP proxy in front of the server that records the tag of every message the client
/// sends, so tests can count round trips without trusting the client's own bookkeeping.
async fn counting_proxy(cluster: &Cluster) -> (u16, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let tags = Arc::new(Mutex::new(Vec::new()));
    let server = (cluster.host().to_string(), cluster.port());
    let seen = tags.clone();
    tokio::spawn(async move {
        let (client, _) = listener.accept().await.unwrap();
        let upstream = TcpStream::connect((server.0.as_str(), server.1)).await.unwrap();
        let (mut cr, mut cw) = client.into_split();
        let (mut ur, mut uw) = upstream.into_split();
        tokio::spawn(async move {
            let _ = tokio::io::copy(&mut ur, &mut cw).await;
        });
        let mut buf = BytesMut::new();
        let mut started = false;
        let mut chunk = vec![0u8; 65536];
        loop {
            let n = match cr.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            uw.write_all(&chunk[..n]).await.unwrap();
            buf.extend_from_slice(&chunk[..n]);
            loop {
                if !started {
                    match StartupPacket::decode(&mut buf, &Limits::default()).unwrap() {
                        // The SSLRequest of sslmode=prefer comes first (the server says 'N').
                        Some(StartupPacket::SslRequest) => {}
                        Some(_) => started = true,
                        None => break,
                    }
                } else {
                    match FrontendMessage::decode(&mut buf, &Limits::default()).unwrap() {
                        Some(m) => {
                            let mut b = BytesMut::new();
                            m.encode(&mut b).unwrap();
                            seen.lock().unwrap().push(b[0]);
                        }
                        None => break,
                    }
                }
            }
        }
    });
    (port, tags)
}

#[tokio::test]
async fn cached_statement_takes_one_round_trip() {
    for cluster in shared_clusters() {
        let (port, tags) = counting_proxy(cluster).await;
        let info = cluster.role(Role::Scram);
        let mut c = Connection::connect(&format!(
            "host=127.0.0.1 port={port} user={} password={} dbname=postgres",
            info.name,
            info.password.unwrap()
        ))
        .await
        .unwrap();
        tags.lock().unwrap().clear();
        let sql = "SELECT $1::int4 + 1";
        assert_eq!(c.query_one(sql, &[&1i32]).await.unwrap().get::<i32>(0).unwrap(), 2);
        let first: Vec<u8> = std::mem::take(&mut *tags.lock().unwrap());
        assert_eq!(first, b"PDSBES".to_vec(), "first use: prepare, then execute");
        for i in 0..5 {
            assert_eq!(c.query_one(sql, &[&i]).await.unwrap().get::<i32>(0).unwrap(), i + 1);
            let sent: Vec<u8> = std::mem::take(&mut *tags.lock().unwrap());
            assert_eq!(sent, b"BES".to_vec(), "cached: Bind, Execute, Sync only");
        }
        assert_eq!(c.cached_statements(), 1);
    }
}

#[tokio::test]
async fn unnamed_mode_needs_one_round_trip_once_described() {
    for cluster in shared_clusters() {
        let (port, tags) = counting_proxy(cluster).await;
        let mut c = Connection::connect(&format!(
            "host=127.0.0.1 port={port} user=tusk_trust dbname=postgres statement_cache_mode=unnamed"
        ))
        .await
        .unwrap();
        tags.lock().unwrap().clear();
        for i in 0..3 {
            assert_eq!(
                c.query_one("SELECT $1::int8 * 2", &[&i])
                    .await
                    .unwrap()
                    .get::<i64>(0)
                    .unwrap(),
                i * 2
            );
        }
        let sent: Vec<u8> = std::mem::take(&mut *tags.lock().unwrap());
        // First: describe + execute; then Parse Bind Describe(portal) Execute Sync, one trip each.
        assert_eq!(sent, b"PDSBESPBDESPBDES".to_vec());
        let prepared: i64 = c
            .query_one("SELECT count(*) FROM pg_prepared_statements", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(prepared, 0, "unnamed mode never leaves named statements behind");
    }
}

#[tokio::test]
async fn cache_heals_after_alter_table_outside_a_transaction_only() {
    for cluster in shared_clusters() {
        for mode in ["named", "unnamed"] {
            let db = cluster.fresh_database().unwrap();
            let mut c = connect(cluster, &db, &format!("statement_cache_mode={mode}")).await;
            c.batch_execute("CREATE TABLE h (id int4, v int4); INSERT INTO h VALUES (1, 10)")
                .await
                .unwrap();
            let sql = "SELECT * FROM h";
            assert_eq!(c.query(sql, &[]).await.unwrap()[0].len(), 2);
            c.batch_execute("ALTER TABLE h ADD COLUMN w text DEFAULT 'x'")
                .await
                .unwrap();
            let rows = c.query(sql, &[]).await.unwrap();
            assert_eq!(rows[0].len(), 3, "{mode}: healed transparently");
            assert_eq!(rows[0].get::<&str>("w").unwrap(), "x");

            c.batch_execute("BEGIN").await.unwrap();
            assert_eq!(c.query(sql, &[]).await.unwrap()[0].len(), 3);
            c.batch_execute("ALTER TABLE h ALTER COLUMN v TYPE int8").await.unwrap();
            let e = c.query(sql, &[]).await.unwrap_err();
            assert!(
                matches!(e.code(), Some("0A000")) || e.kind() == ErrorKind::Protocol,
                "{mode}: {e}"
            );
            c.batch_execute("ROLLBACK").await.unwrap();
            // The entry was invalidated: next time outside the transaction it is fresh.
            c.batch_execute("ALTER TABLE h ALTER COLUMN v TYPE int8").await.unwrap();
            let rows = c.query(sql, &[]).await.unwrap();
            assert_eq!(rows[0].get::<i64>("v").unwrap(), 10, "{mode}");
        }
    }
}

#[tokio::test]
async fn cache_size_zero_disables_and_lru_evicts() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "statement_cache_size=0").await;
        c.query("SELECT 1", &[]).await.unwrap();
        assert_eq!(c.cached_statements(), 0);
        let mut c = connect(cluster, "postgres", "statement_cache_size=3").await;
        for i in 0..10 {
            c.query(&format!("SELECT {i}"), &[]).await.unwrap();
        }
        assert_eq!(c.cached_statements(), 3);
        c.query("SELECT 1", &[]).await.unwrap();
        let named: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'tusk_c%'",
                &[],
            )
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert!(named <= 4, "evicted statements are closed on the server, {named} left");
    }
}

#[tokio::test]
async fn pipeline_per_item_errors_stay_in_their_item() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db, "").await;
        c.batch_execute("CREATE TABLE p (id int4 PRIMARY KEY)").await.unwrap();
        let ins = c.prepare("INSERT INTO p VALUES ($1)").await.unwrap();
        let mut p = c.pipeline(SyncMode::PerItem);
        for id in [1i32, 2, 2, 3] {
            p.add(&ins, &[&id]).unwrap();
        }
        p.add_sql("SELECT count(*) FROM p", &[]).await.unwrap();
        let results = p.run().await.unwrap();
        assert_eq!(results.len(), 5);
        assert!(results[0].is_ok() && results[1].is_ok() && results[3].is_ok());
        assert_eq!(results[2].as_ref().unwrap_err().code(), Some("23505"));
        assert_eq!(results[4].as_ref().unwrap().rows[0].get::<i64>(0).unwrap(), 3);
    }
}

#[tokio::test]
async fn pipeline_batch_is_all_or_nothing() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db, "").await;
        c.batch_execute("CREATE TABLE b (id int4 PRIMARY KEY)").await.unwrap();
        let ins = c.prepare("INSERT INTO b VALUES ($1)").await.unwrap();
        let mut p = c.pipeline(SyncMode::Batch);
        for id in [1i32, 2, 2, 3] {
            p.add(&ins, &[&id]).unwrap();
        }
        let results = p.run().await.unwrap();
        assert!(results[0].is_ok() && results[1].is_ok());
        assert_eq!(results[2].as_ref().unwrap_err().code(), Some("23505"));
        assert_eq!(results[3].as_ref().unwrap_err().kind(), ErrorKind::Cancelled);
        let n: i64 = c
            .query_one("SELECT count(*) FROM b", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 0, "the failed batch rolled back as a whole");

        let mut p = c.pipeline(SyncMode::Batch);
        for id in 0..100i32 {
            p.add(&ins, &[&id]).unwrap();
        }
        assert!(p.run().await.unwrap().iter().all(|r| r.is_ok()));
        let n: i64 = c
            .query_one("SELECT count(*) FROM b", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 100);
    }
}

#[tokio::test]
async fn pipeline_of_ten_thousand_inserts_does_not_deadlock() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db, "").await;
        c.batch_execute("CREATE TABLE big (id int4, payload text)")
            .await
            .unwrap();
        let ins = c.prepare("INSERT INTO big VALUES ($1, $2) RETURNING id").await.unwrap();
        let payload = "x".repeat(200);
        for mode in [SyncMode::PerItem, SyncMode::Batch] {
            let mut p = c.pipeline(mode);
            for i in 0..10_000i32 {
                p.add(&ins, &[&i, &payload]).unwrap();
            }
            let mut responses = p.send().await.unwrap();
            let mut seen = 0;
            while let Some(r) = responses.next().await.unwrap() {
                assert_eq!(r.unwrap().rows[0].get::<i32>(0).unwrap(), seen);
                seen += 1;
            }
            assert_eq!(seen, 10_000);
        }
        let n: i64 = c
            .query_one("SELECT count(*) FROM big", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 20_000);
    }
}

#[tokio::test]
async fn dropped_pipeline_responses_leave_the_connection_usable() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        let s = c.prepare("SELECT $1::int4").await.unwrap();
        let mut p = c.pipeline(SyncMode::PerItem);
        for i in 0..1000i32 {
            p.add(&s, &[&i]).unwrap();
        }
        let mut r = p.send().await.unwrap();
        r.next().await.unwrap().unwrap().unwrap();
        drop(r);
        assert_eq!(
            c.query_one("SELECT 'after'::text", &[])
                .await
                .unwrap()
                .get::<&str>(0)
                .unwrap(),
            "after"
        );
    }
}

#[tokio::test]
async fn client_routes_every_answer_to_its_task() {
    for cluster in shared_clusters() {
        let client = Client::connect(&cluster.conninfo(Role::Scram, Transport::Tcp, "postgres"))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for t in 0..64i32 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..50i32 {
                    let v = t * 1000 + i;
                    let row = c
                        .query_one("SELECT $1::int4, $2::text", &[&v, &format!("t{t}")])
                        .await
                        .unwrap();
                    assert_eq!(row.get::<i32>(0).unwrap(), v);
                    assert_eq!(row.get::<&str>(1).unwrap(), format!("t{t}"));
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        // Errors go to the task that caused them; others are unaffected.
        let (a, b) = tokio::join!(client.query("SELECT 1/0", &[]), client.query_one("SELECT 7::int4", &[]));
        assert_eq!(a.unwrap_err().code(), Some("22012"));
        assert_eq!(b.unwrap().get::<i32>(0).unwrap(), 7);
        let msgs = client.simple_query("SELECT 1; SELECT 2").await.unwrap();
        assert_eq!(
            msgs.iter()
                .filter(|m| matches!(m, tusk::SimpleQueryMessage::Row(_)))
                .count(),
            2
        );
    }
}

#[tokio::test]
async fn dropping_client_clones_keeps_others_and_last_drop_closes() {
    for cluster in shared_clusters() {
        let client = Client::connect(&cluster.conninfo(Role::Trust, Transport::Unix, "postgres"))
            .await
            .unwrap();
        let pid = client.backend_pid();
        let clone = client.clone();
        drop(client);
        assert_eq!(
            clone
                .query_one("SELECT pg_backend_pid()", &[])
                .await
                .unwrap()
                .get::<i32>(0)
                .unwrap(),
            pid
        );
        drop(clone);
        let mut watcher = connect(cluster, "postgres", "").await;
        let mut gone = false;
        for _ in 0..100 {
            let n: i64 = watcher
                .query_one("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", &[&pid])
                .await
                .unwrap()
                .get(0)
                .unwrap();
            if n == 0 {
                gone = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(gone, "the session ended after the last Client was dropped");
    }
}

#[tokio::test]
async fn client_with_small_in_flight_bound_still_completes() {
    for cluster in shared_clusters() {
        let config = tusk::Config::parse(&cluster.conninfo(Role::Trust, Transport::Tcp, "postgres")).unwrap();
        let client = Client::connect_with(&config, tusk::ClientOptions { max_in_flight: 2 })
            .await
            .unwrap();
        let futs: Vec<_> = (0..500i32)
            .map(|i| {
                let c = client.clone();
                async move {
                    c.query_one("SELECT $1::int4", &[&i])
                        .await
                        .unwrap()
                        .get::<i32>(0)
                        .unwrap()
                }
            })
            .collect();
        let mut results = Vec::new();
        for f in futs {
            results.push(tokio::spawn(f));
        }
        for (i, r) in results.into_iter().enumerate() {
            assert_eq!(r.await.unwrap(), i as i32);
        }
    }
}

#[tokio::test]
async fn streams_and_portals_over_a_million_rows() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        let mut s = c
            .query_stream("SELECT g::int8 FROM generate_series(1, 1000000) g", &[])
            .await
            .unwrap();
        let (mut n, mut sum) = (0u64, 0i64);
        while let Some(r) = s.next().await {
            sum += r.unwrap().get::<i64>(0).unwrap();
            n += 1;
        }
        assert_eq!((n, s.rows_affected()), (1_000_000, 1_000_000));
        assert_eq!(sum, 500_000_500_000);

        // Dropping a stream mid-result leaves the connection usable.
        let mut s = c
            .query_stream("SELECT g FROM generate_series(1, 100000) g", &[])
            .await
            .unwrap();
        s.next().await.unwrap().unwrap();
        drop(s);
        assert_eq!(
            c.query_one("SELECT 5::int4", &[]).await.unwrap().get::<i32>(0).unwrap(),
            5
        );

        // An error mid-stream is reported.
        let mut s = c
            .query_stream("SELECT 1/(g - 3) FROM generate_series(1, 5) g", &[])
            .await
            .unwrap();
        let mut got = Vec::new();
        while let Some(r) = s.next().await {
            got.push(r.map(|_| ()));
        }
        assert_eq!(got.len(), 3);
        assert_eq!(got[2].as_ref().unwrap_err().code(), Some("22012"));

        // Portals: fetch in pieces, only inside a transaction.
        assert_eq!(c.bind("SELECT 1", &[]).await.unwrap_err().kind(), ErrorKind::Encode);
        c.batch_execute("BEGIN").await.unwrap();
        let mut portal = c
            .bind("SELECT g::int8 FROM generate_series(1, 1000000) g", &[])
            .await
            .unwrap();
        let (mut n, mut batches, mut last) = (0usize, 0, 0i64);
        while !portal.is_done() {
            let rows = c.fetch(&mut portal, 100_000).await.unwrap();
            n += rows.len();
            if let Some(r) = rows.last() {
                last = r.get(0).unwrap();
            }
            batches += 1;
        }
        assert_eq!((n, last), (1_000_000, 1_000_000));
        assert!(batches >= 10);
        let mut small = c.bind("SELECT g FROM generate_series(1, 10) g", &[]).await.unwrap();
        assert_eq!(c.fetch(&mut small, 4).await.unwrap().len(), 4);
        c.close_portal(small).await.unwrap();
        c.batch_execute("COMMIT").await.unwrap();
    }
}

#[tokio::test]
async fn rows_read_in_place_over_a_million_rows() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        let mut s = c
            .query_stream(
                "SELECT g::int8, 'row-' || g, g % 3 = 0 FROM generate_series(1, 1000000) g",
                &[],
            )
            .await
            .unwrap();
        let (mut n, mut sum, mut text_bytes, mut trues) = (0u64, 0i64, 0usize, 0u64);
        let mut kept = Vec::new();
        while let Some(row) = s.next_ref().await {
            let row = row.unwrap();
            let g: i64 = row.get(0).unwrap();
            let label: &str = row.get(1).unwrap();
            assert_eq!(label, format!("row-{g}"));
            sum += g;
            text_bytes += label.len();
            trues += u64::from(row.get::<bool>(2).unwrap());
            if g % 250_000 == 0 {
                kept.push(row.to_row());
            }
            n += 1;
        }
        assert_eq!((n, s.rows_affected(), sum), (1_000_000, 1_000_000, 500_000_500_000));
        assert_eq!(trues, 333_333);
        assert!(text_bytes > 4_000_000);
        // Owned copies outlive the stream and the buffer they were read from.
        drop(s);
        let kept: Vec<i64> = kept.iter().map(|r| r.get(0).unwrap()).collect();
        assert_eq!(kept, [250_000, 500_000, 750_000, 1_000_000]);

        // Rows larger than a read buffer (they arrive in pieces), mixed with owned reads.
        let mut s = c
            .query_stream(
                "SELECT g, repeat(chr(64 + g), 200000) FROM generate_series(1, 6) g",
                &[],
            )
            .await
            .unwrap();
        let mut seen = Vec::new();
        for i in 1..=6 {
            let (g, text) = if i % 2 == 0 {
                let row = s.next_ref().await.unwrap().unwrap();
                (row.get::<i32>(0).unwrap(), row.get::<&str>(1).unwrap().to_string())
            } else {
                let row = s.next().await.unwrap().unwrap();
                (row.get::<i32>(0).unwrap(), row.get::<&str>(1).unwrap().to_string())
            };
            assert_eq!(text.len(), 200_000);
            assert!(text.bytes().all(|b| b == 64 + g as u8));
            seen.push(g);
        }
        assert!(s.next_ref().await.is_none());
        assert_eq!(seen, [1, 2, 3, 4, 5, 6]);
        drop(s);

        // Dropping the stream while a row read in place is still in the buffer leaves the
        // connection usable.
        let mut s = c
            .query_stream("SELECT g FROM generate_series(1, 100000) g", &[])
            .await
            .unwrap();
        assert_eq!(s.next_ref().await.unwrap().unwrap().get::<i32>(0).unwrap(), 1);
        drop(s);
        assert_eq!(
            c.query_one("SELECT 5::int4", &[]).await.unwrap().get::<i32>(0).unwrap(),
            5
        );

        // An error mid-stream is reported, and the session goes on.
        let mut s = c
            .query_stream("SELECT 10/(g - 3) FROM generate_series(1, 5) g", &[])
            .await
            .unwrap();
        let mut got = Vec::new();
        while let Some(r) = s.next_ref().await {
            got.push(r.map(|row| row.get::<i32>(0).unwrap()));
        }
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap(), &-5);
        assert_eq!(got[2].as_ref().unwrap_err().code(), Some("22012"));
        drop(s);
        assert_eq!(
            c.query_one("SELECT 6::int4", &[]).await.unwrap().get::<i32>(0).unwrap(),
            6
        );
    }
}

#[tokio::test]
async fn wide_rows_read_in_place_and_copied_out() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        // 12 columns: more than a Row keeps inline, one of them NULL.
        let cols: Vec<String> = (0..12)
            .map(|i| {
                if i == 7 {
                    "NULL::int4".to_string()
                } else {
                    format!("g + {i}")
                }
            })
            .collect();
        let sql = format!("SELECT {} FROM generate_series(1, 3) g", cols.join(", "));
        let mut s = c.query_stream(sql.as_str(), &[]).await.unwrap();
        let mut copies = Vec::new();
        while let Some(row) = s.next_ref().await {
            let row = row.unwrap();
            assert_eq!(row.len(), 12);
            assert!(row.is_null(7).unwrap());
            assert_eq!(row.get::<Option<i32>>(7).unwrap(), None);
            copies.push(row.to_row());
        }
        drop(s);
        for (g, row) in (1..=3).zip(&copies) {
            for i in (0..12).filter(|&i| i != 7) {
                assert_eq!(row.get::<i32>(i).unwrap(), g + i as i32);
            }
            assert_eq!(row.get_raw(7).unwrap(), None);
        }
    }
}
