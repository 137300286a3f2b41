//! Session features against real PostgreSQL 15 and 18: transactions and savepoints,
//! retries, LISTEN/NOTIFY, cancellation (token, drop, timeout), keepalives, set_param.

use std::time::{Duration, Instant};
use tusk::transaction::{IsolationLevel, RetryPolicy, TransactionOptions};
use tusk::{Client, Connection, ErrorKind, TransactionStatus};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

async fn connect(cluster: &Cluster, db: &str, extra: &str) -> Connection {
    Connection::connect(&format!(
        "{} {extra}",
        cluster.conninfo(Role::Scram, Transport::Tcp, db)
    ))
    .await
    .unwrap()
}

async fn setting(c: &mut Connection, name: &str) -> String {
    c.query_one("SELECT current_setting($1)", &[&name])
        .await
        .unwrap()
        .get::<String>(0)
        .unwrap()
}

#[tokio::test]
async fn isolation_levels_and_access_modes_are_applied() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        for (level, name) in [
            (IsolationLevel::ReadCommitted, "read committed"),
            (IsolationLevel::RepeatableRead, "repeatable read"),
            (IsolationLevel::Serializable, "serializable"),
        ] {
            for ro in [true, false] {
                let opts = TransactionOptions::new()
                    .isolation(level)
                    .read_only(ro)
                    .deferrable(true);
                let mut tx = c.transaction_opts(opts).await.unwrap();
                assert_eq!(setting(&mut tx, "transaction_isolation").await, name);
                assert_eq!(
                    setting(&mut tx, "transaction_read_only").await,
                    if ro { "on" } else { "off" }
                );
                assert_eq!(setting(&mut tx, "transaction_deferrable").await, "on");
                tx.commit().await.unwrap();
            }
        }
        assert_eq!(c.transaction_status(), TransactionStatus::Idle);
        // A read-only transaction refuses writes.
        let mut tx = c
            .transaction_opts(TransactionOptions::new().read_only(true))
            .await
            .unwrap();
        let e = tx.execute("CREATE TEMP TABLE nope (x int)", &[]).await.unwrap_err();
        assert_eq!(e.code(), Some("25006"));
        tx.rollback().await.unwrap();
    }
}

#[tokio::test]
async fn savepoints_nest_three_deep() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db, "").await;
        c.batch_execute("CREATE TABLE s (v int4)").await.unwrap();
        let mut tx = c.transaction().await.unwrap();
        tx.execute("INSERT INTO s VALUES (1)", &[]).await.unwrap();
        {
            let mut sp1 = tx.savepoint("one").await.unwrap();
            sp1.execute("INSERT INTO s VALUES (2)", &[]).await.unwrap();
            {
                let mut sp2 = sp1.transaction().await.unwrap();
                assert_eq!(sp2.depth(), 2);
                sp2.execute("INSERT INTO s VALUES (3)", &[]).await.unwrap();
                {
                    let mut sp3 = sp2.savepoint("Three Deep").await.unwrap();
                    sp3.execute("INSERT INTO s VALUES (4)", &[]).await.unwrap();
                    assert!(sp3.execute("INSERT INTO s VALUES ('x')", &[]).await.is_err());
                    sp3.rollback().await.unwrap(); // back to "Three Deep": 4 is gone, tx usable
                }
                sp2.commit().await.unwrap();
            }
            {
                let mut sp = sp1.savepoint("dropped").await.unwrap();
                sp.execute("INSERT INTO s VALUES (5)", &[]).await.unwrap();
                // dropped without commit: rolled back to the savepoint before the next query
            }
            sp1.commit().await.unwrap();
        }
        let got: Vec<i32> = tx
            .query("SELECT v FROM s ORDER BY v", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0).unwrap())
            .collect();
        assert_eq!(got, vec![1, 2, 3]);
        tx.commit().await.unwrap();
        let n: i64 = c
            .query_one("SELECT count(*) FROM s", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 3);
    }
}

#[tokio::test]
async fn dropped_transaction_is_rolled_back_before_the_next_query() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db, "").await;
        c.batch_execute("CREATE TABLE d (v int4)").await.unwrap();
        {
            let mut tx = c.transaction().await.unwrap();
            tx.execute("INSERT INTO d VALUES (1)", &[]).await.unwrap();
        }
        assert_eq!(
            c.transaction_status(),
            TransactionStatus::InTransaction,
            "nothing sent from Drop"
        );
        let n: i64 = c
            .query_one("SELECT count(*) FROM d", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 0);
        assert_eq!(c.transaction_status(), TransactionStatus::Idle);
        // A new transaction right after a dropped one works too.
        {
            let _tx = c.transaction().await.unwrap();
        }
        let tx = c.transaction().await.unwrap();
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn committing_a_failed_transaction_is_refused() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db, "").await;
        c.batch_execute("CREATE TABLE f (v int4)").await.unwrap();
        let mut tx = c.transaction().await.unwrap();
        tx.execute("INSERT INTO f VALUES (1)", &[]).await.unwrap();
        assert!(tx.execute("SELECT 1/0", &[]).await.is_err());
        let e = tx.commit().await.unwrap_err();
        assert!(e.to_string().contains("cannot commit"), "{e}");
        let n: i64 = c
            .query_one("SELECT count(*) FROM f", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, 0);
        assert_eq!(c.transaction_status(), TransactionStatus::Idle);
    }
}

#[tokio::test]
async fn serializable_conflicts_commit_after_retries() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut setup = connect(cluster, &db, "").await;
        setup
            .batch_execute(
                "CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)",
            )
            .await
            .unwrap();
        let workers = 6;
        let per_worker = 10;
        // The closures borrow across awaits in ways that are not Send: run the workers
        // as local tasks on this thread (they still interleave at every await).
        let local = tokio::task::LocalSet::new();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let info = cluster.conninfo(Role::Scram, Transport::Tcp, &db);
            tasks.push(local.spawn_local(async move {
                let mut c = Connection::connect(&info).await.unwrap();
                let mut retries_seen = 0u32;
                for _ in 0..per_worker {
                    let opts = TransactionOptions::new().isolation(IsolationLevel::Serializable);
                    let policy = RetryPolicy {
                        max_attempts: 100,
                        ..RetryPolicy::default()
                    };
                    let mut attempts = 0u32;
                    c.transaction_with(opts, policy, async |tx| {
                        attempts += 1;
                        let n: i32 = tx.query_one("SELECT n FROM counter WHERE id = 1", &[]).await?.get(0)?;
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        tx.execute("UPDATE counter SET n = $1 WHERE id = 1", &[&(n + 1)])
                            .await?;
                        Ok(())
                    })
                    .await
                    .unwrap();
                    retries_seen += attempts - 1;
                }
                retries_seen
            }));
        }
        let retries = local
            .run_until(async move {
                let mut retries = 0;
                for t in tasks {
                    retries += t.await.unwrap();
                }
                retries
            })
            .await;
        let n: i32 = setup
            .query_one("SELECT n FROM counter WHERE id = 1", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n, workers * per_worker, "every increment committed exactly once");
        assert!(
            retries > 0,
            "concurrent serializable updates must have conflicted at least once"
        );
        // Non-retryable errors are returned at once, and roll back.
        let e = setup
            .transaction_with(TransactionOptions::new(), RetryPolicy::default(), async |tx| {
                tx.execute("UPDATE counter SET n = 0", &[]).await?;
                tx.execute("SELECT 1/0", &[]).await
            })
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("22012"));
        let n2: i32 = setup
            .query_one("SELECT n FROM counter WHERE id = 1", &[])
            .await
            .unwrap()
            .get(0)
            .unwrap();
        assert_eq!(n2, n);
    }
}

#[tokio::test]
async fn ten_thousand_notifications_arrive_in_order_during_queries() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        c.listen("Mixed Case Channel").await.unwrap();
        let info = cluster.conninfo(Role::Scram, Transport::Tcp, "postgres");
        let sender = tokio::spawn(async move {
            let mut other = Connection::connect(&info).await.unwrap();
            let s = other
                .prepare("SELECT pg_notify('Mixed Case Channel', $1)")
                .await
                .unwrap();
            let mut p = other.pipeline(tusk::pipeline::SyncMode::PerItem);
            for i in 0..10_000 {
                p.add(&s, &[&format!("payload {i} ✓")]).unwrap();
            }
            assert!(p.run().await.unwrap().iter().all(|r| r.is_ok()));
            other.backend_pid()
        });
        let mut got = Vec::new();
        let started = Instant::now();
        while got.len() < 10_000 && started.elapsed() < Duration::from_secs(60) {
            c.query_one("SELECT 1::int4", &[]).await.unwrap();
            got.extend(c.take_notifications());
            if got.len() < 10_000
                && let Some(n) = c.wait_for_notification(Duration::from_millis(50)).await.unwrap()
            {
                got.push(n);
            }
        }
        let pid = sender.await.unwrap();
        assert_eq!(got.len(), 10_000);
        for (i, n) in got.iter().enumerate() {
            assert_eq!(n.channel, "Mixed Case Channel");
            assert_eq!(n.payload, format!("payload {i} ✓"));
            assert_eq!(n.process_id, pid);
        }
        assert_eq!(c.notifications_dropped(), 0);
        assert!(
            c.wait_for_notification(Duration::from_millis(50))
                .await
                .unwrap()
                .is_none()
        );
        c.unlisten("Mixed Case Channel").await.unwrap();
        c.notify("Mixed Case Channel", "after unlisten").await.unwrap();
        assert!(
            c.wait_for_notification(Duration::from_millis(100))
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn notification_stream_is_consumed_in_another_task() {
    for cluster in shared_clusters() {
        let client = Client::connect(&cluster.conninfo(Role::Trust, Transport::Unix, "postgres"))
            .await
            .unwrap();
        client.listen("events").await.unwrap();
        let mut stream = client.notification_stream().expect("first take");
        assert!(client.notification_stream().is_none(), "only once");
        let consumer = tokio::spawn(async move {
            let mut payloads = Vec::new();
            while payloads.len() < 100 {
                let n = stream.next().await.unwrap().unwrap();
                payloads.push(n.payload);
            }
            payloads
        });
        // Sent from another connection while the client is idle: its task keeps reading.
        let mut other = connect(cluster, "postgres", "").await;
        for i in 0..100 {
            other.notify("events", &i.to_string()).await.unwrap();
        }
        let payloads = tokio::time::timeout(Duration::from_secs(20), consumer)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(payloads, (0..100).map(|i| i.to_string()).collect::<Vec<_>>());
    }
}

async fn assert_usable(c: &mut Connection) {
    assert_eq!(
        c.query_one("SELECT 'next'::text", &[])
            .await
            .unwrap()
            .get::<&str>(0)
            .unwrap(),
        "next"
    );
}

#[tokio::test]
async fn sleep_is_cancelled_by_a_token_from_another_task() {
    for cluster in shared_clusters() {
        for transport in [Transport::Tcp, Transport::Unix] {
            let mut c = Connection::connect(&cluster.conninfo(Role::Scram, transport, "postgres"))
                .await
                .unwrap();
            let token = c.cancel_token();
            let started = Instant::now();
            let canceller = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                token.cancel().await.unwrap();
            });
            let e = c.execute("SELECT pg_sleep(30)", &[]).await.unwrap_err();
            // The query can fail before the cancel connection has closed; let the
            // request finish before the next query, as a caller racing a token must.
            canceller.await.unwrap();
            assert_eq!(e.code(), Some("57014"), "{e}");
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "took {:?}",
                started.elapsed()
            );
            assert_usable(&mut c).await;
        }
    }
}

#[tokio::test]
async fn dropping_the_future_cancels_the_query() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        let pid = c.backend_pid();
        let started = Instant::now();
        {
            let fut = c.execute("SELECT pg_sleep(30)", &[]);
            let _ = tokio::time::timeout(Duration::from_millis(200), fut).await;
        }
        // The cancel went out when the future was dropped, before any new request:
        // another session sees the backend idle again well within a second.
        let mut watcher = connect(cluster, "postgres", "").await;
        let mut idle = false;
        while started.elapsed() < Duration::from_secs(3) {
            let state: Option<String> = watcher
                .query_one("SELECT state FROM pg_stat_activity WHERE pid = $1", &[&pid])
                .await
                .unwrap()
                .get(0)
                .unwrap();
            if state.as_deref() != Some("active") {
                idle = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(idle, "the backend was still running the abandoned query");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_usable(&mut c).await;
    }
}

#[tokio::test]
async fn query_timeout_cancels_and_keeps_the_connection() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "query_timeout=200ms").await;
        assert_eq!(c.query_timeout(), Some(Duration::from_millis(200)));
        let started = Instant::now();
        let e = c.execute("SELECT pg_sleep(30)", &[]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        assert_usable(&mut c).await;
        let e = c.simple_query("SELECT pg_sleep(30)").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert_usable(&mut c).await;

        // Per-call override.
        let mut c = connect(cluster, "postgres", "").await;
        let started = Instant::now();
        let r = c
            .with_query_timeout(Some(Duration::from_millis(200)), async |c| {
                c.execute("SELECT pg_sleep(30)", &[]).await
            })
            .await;
        assert_eq!(r.unwrap_err().kind(), ErrorKind::Timeout);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(c.query_timeout(), None, "restored");
        assert_usable(&mut c).await;
        assert_eq!(
            c.protocol_version(),
            if cluster.major() >= 18 {
                tusk::ProtocolVersion::V3_2
            } else {
                tusk::ProtocolVersion::V3_0
            }
        );
    }
}

#[tokio::test]
async fn keepalive_settings_are_applied_to_the_socket() {
    for cluster in shared_clusters() {
        let c = connect(
            cluster,
            "postgres",
            "keepalives_idle=37 keepalives_interval=11 keepalives_count=4 tcp_user_timeout=9000",
        )
        .await;
        let k = c.socket_keepalives().expect("TCP");
        assert!(k.enabled);
        assert_eq!(k.idle, Some(Duration::from_secs(37)));
        assert_eq!(k.interval, Some(Duration::from_secs(11)));
        assert_eq!(k.count, Some(4));
        assert_eq!(k.user_timeout, Some(Duration::from_millis(9000)));
        let c = connect(cluster, "postgres", "keepalives=0").await;
        assert!(!c.socket_keepalives().unwrap().enabled);
        let u = Connection::connect(&cluster.conninfo(Role::Trust, Transport::Unix, "postgres"))
            .await
            .unwrap();
        assert!(u.socket_keepalives().is_none());
    }
}

#[tokio::test]
async fn set_param_quotes_and_is_observable() {
    for cluster in shared_clusters() {
        let mut c = connect(cluster, "postgres", "").await;
        c.set_param("application_name", "it's \"quoted\"").await.unwrap();
        assert_eq!(c.parameter("application_name"), Some("it's \"quoted\""));
        c.set_param("TimeZone", "America/New_York").await.unwrap();
        assert_eq!(c.parameter("TimeZone"), Some("America/New_York"));
        assert!(c.set_param("no_such_setting", "x").await.is_err());
        assert_usable(&mut c).await;
    }
}

#[tokio::test]
async fn auth_timeout_bounds_a_stalled_startup() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (_s, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(3600)).await;
    });
    let started = Instant::now();
    let e = Connection::connect(&format!("host=127.0.0.1 port={port} user=u auth_timeout=300ms"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.to_string().contains("auth_timeout"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn cancellation_works_over_tls_with_the_session_settings() {
    for tls in tusk_testkit::shared_tls_clusters() {
        let info = format!(
            "host=localhost port={} user=tusk_scram password=pw_scram dbname=postgres sslmode=verify-full sslrootcert={}",
            tls.port(),
            tls.certs.ca_path().display()
        );
        let mut c = Connection::connect(&info).await.unwrap();
        assert!(c.tls_info().is_some(), "the session is encrypted");
        // A token from another task.
        let token = c.cancel_token();
        let started = Instant::now();
        let canceller = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            token.cancel().await.unwrap();
        });
        assert_eq!(
            c.execute("SELECT pg_sleep(30)", &[]).await.unwrap_err().code(),
            Some("57014")
        );
        canceller.await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_usable(&mut c).await;
        // Dropping the future, then a timeout.
        let started = Instant::now();
        let _ = tokio::time::timeout(Duration::from_millis(200), c.execute("SELECT pg_sleep(30)", &[])).await;
        assert_usable(&mut c).await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
        c.set_query_timeout(Some(Duration::from_millis(200)));
        let started = Instant::now();
        assert_eq!(
            c.execute("SELECT pg_sleep(30)", &[]).await.unwrap_err().kind(),
            ErrorKind::Timeout
        );
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_usable(&mut c).await;
        if tls.major() >= 18 {
            assert_eq!(c.cancel_key_len(), 32, "3.2 keys over TLS");
        }
    }
}
