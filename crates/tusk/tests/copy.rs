//! COPY on real PostgreSQL 15 and 18: text, CSV and binary round trips, typed binary
//! rows, a million rows each way, server errors mid-stream, abandoned COPYs, and the
//! connection staying usable through all of it.

use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tusk::types::Type;
use tusk::{BinaryCopyInWriter, BinaryCopyOutReader, Connection, ErrorKind, TransactionStatus};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

async fn connect(cluster: &Cluster, db: &str) -> Connection {
    Connection::connect(&cluster.conninfo(Role::Scram, Transport::Tcp, db))
        .await
        .unwrap()
}

async fn count(c: &mut Connection, table: &str) -> i64 {
    c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
        .unwrap()
}

/// Every byte of `COPY (SELECT …) TO STDOUT` in `format`.
async fn dump(c: &mut Connection, sql: &str) -> Vec<u8> {
    let mut out = c.copy_out(sql).await.unwrap();
    let mut data = Vec::new();
    while let Some(chunk) = out.next_chunk().await {
        data.extend_from_slice(&chunk.unwrap());
    }
    assert!(out.rows().is_some());
    data
}

const TRICKY_TABLE: &str = "CREATE TABLE src (
    id int4 PRIMARY KEY, t text, n numeric, b bytea, ts timestamptz, j jsonb, a int4[], f float8, ok bool
)";

const TRICKY_ROWS: &str = r#"INSERT INTO src VALUES
    (1, 'plain', 1.5, '\x00ff', '2024-02-29 12:34:56.789+00', '{"k": [1, "x"]}', '{1,2,NULL}', 0.1, true),
    (2, E'tab\there\nnew line\\back slash', -0.000001, '\x', '1970-01-01 00:00:00+00', '"s"', '{}', 'NaN', false),
    (3, 'comma, "quotes", ''single''', 12345678901234567890.123, '\x5c4e', 'infinity', 'null', '{-1}', '-Infinity', NULL),
    (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (5, '', 0, '\x0d0a', '2000-01-01 00:00:00+00', '[]', NULL, -0, true),
    (6, '\N', 'NaN', '\x5c', '2000-01-01 00:00:00+00', '{}', '{3}', 1e300, false),
    (7, 'héllo ✓ 𝄞', 1, '\x', '2000-01-01 00:00:00+00', '{}', '{4}', 2, true)"#;

#[tokio::test]
async fn text_csv_and_binary_round_trip_byte_for_byte() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut a = connect(cluster, &db).await;
        let mut b = connect(cluster, &db).await;
        a.batch_execute(TRICKY_TABLE).await.unwrap();
        a.batch_execute(TRICKY_ROWS).await.unwrap();
        for (i, format) in ["text", "csv", "binary", "csv, HEADER true, DELIMITER ';'"]
            .iter()
            .enumerate()
        {
            let dst = format!("dst{i}");
            a.batch_execute(&format!("CREATE TABLE {dst} (LIKE src)"))
                .await
                .unwrap();

            // Stream from one connection straight into the other, chunk by chunk.
            let mut out = a
                .copy_out(&format!("COPY src TO STDOUT (FORMAT {format})"))
                .await
                .unwrap();
            let mut copy = b
                .copy_in(&format!("COPY {dst} FROM STDIN (FORMAT {format})"))
                .await
                .unwrap();
            assert_eq!(copy.column_formats().len(), 9);
            let binary = format.starts_with("binary");
            assert_eq!(out.format() == tusk::types::Format::Binary, binary);
            assert_eq!(copy.format() == tusk::types::Format::Binary, binary);
            while let Some(chunk) = out.next_chunk().await {
                copy.send(chunk.unwrap()).await.unwrap();
            }
            assert_eq!(out.rows(), Some(7));
            assert_eq!(copy.finish().await.unwrap(), 7, "{format}");

            // Same rows, same bytes.
            let order = |t: &str| format!("COPY (SELECT * FROM {t} ORDER BY id) TO STDOUT (FORMAT {format})");
            let original = dump(&mut a, &order("src")).await;
            let copied = dump(&mut a, &order(&dst)).await;
            assert!(!original.is_empty());
            assert_eq!(original, copied, "PG{} {format}", cluster.major());
            let diff: i64 = a
                .query_one(
                    &format!(
                        "SELECT count(*) FROM ((TABLE src EXCEPT ALL TABLE {dst}) UNION ALL (TABLE {dst} EXCEPT ALL TABLE src)) d"
                    ),
                    &[],
                )
                .await
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(diff, 0, "{format}");
        }
    }
}

#[tokio::test]
async fn typed_binary_rows_in_and_out() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute("CREATE TABLE typed (i int4, t text, l int8, b bytea, ok bool, f float8, s int2)")
            .await
            .unwrap();
        let types = [
            Type::INT4,
            Type::TEXT,
            Type::INT8,
            Type::BYTEA,
            Type::BOOL,
            Type::FLOAT8,
            Type::INT2,
        ];
        let copy = c.copy_in("COPY typed FROM STDIN (FORMAT binary)").await.unwrap();
        let mut w = BinaryCopyInWriter::new(copy, &types).unwrap();
        assert_eq!(w.types().len(), 7);
        let bytes: &[u8] = &[0, 1, 255];
        w.write(&[&1i32, &"one", &i64::MAX, &bytes, &true, &1.5f64, &-3i16])
            .await
            .unwrap();
        w.write(&[
            &None::<i32>,
            &None::<&str>,
            &None::<i64>,
            &None::<Vec<u8>>,
            &None::<bool>,
            &None::<f64>,
            &None::<i16>,
        ])
        .await
        .unwrap();
        // Refused before sending, and the COPY goes on.
        let e = w
            .write(&[&1i64, &"x", &1i64, &bytes, &true, &1.0f64, &1i16])
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        assert!(
            e.to_string().contains("column 0") && e.to_string().contains("int4"),
            "{e}"
        );
        let e = w.write(&[&1i32]).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        w.write(&[&3i32, &"three ✓", &-1i64, &Vec::<u8>::new(), &false, &-0.5f64, &7i16])
            .await
            .unwrap();
        assert_eq!(w.finish().await.unwrap(), 2 + 1);

        let check = c
            .query("SELECT i, t, l, b, ok, f, s FROM typed ORDER BY i NULLS LAST", &[])
            .await
            .unwrap();
        assert_eq!(check.len(), 3);
        assert_eq!(check[0].get::<&str>(1).unwrap(), "one");
        assert_eq!(check[1].get::<&str>(1).unwrap(), "three ✓");
        assert!(check[2].get::<Option<i32>>(0).unwrap().is_none());

        let out = c
            .copy_out("COPY (SELECT * FROM typed ORDER BY i NULLS LAST) TO STDOUT (FORMAT binary)")
            .await
            .unwrap();
        let mut r = BinaryCopyOutReader::new(out, &types).unwrap();
        let row = r.next().await.unwrap().unwrap();
        assert_eq!(row.len(), 7);
        assert_eq!(row.get::<i32>(0).unwrap(), 1);
        assert_eq!(row.get::<&str>(1).unwrap(), "one");
        assert_eq!(row.get::<i64>(2).unwrap(), i64::MAX);
        assert_eq!(row.get::<&[u8]>(3).unwrap(), bytes);
        assert!(row.get::<bool>(4).unwrap());
        assert_eq!(row.get::<f64>(5).unwrap(), 1.5);
        assert_eq!(row.get::<i16>(6).unwrap(), -3);
        // Wrong Rust type, NULL into a non-Option, and a missing column are decode errors.
        assert_eq!(row.get::<i64>(0).unwrap_err().kind(), ErrorKind::Decode);
        assert_eq!(row.get::<i32>(99).unwrap_err().kind(), ErrorKind::Decode);
        let row = r.next().await.unwrap().unwrap();
        assert_eq!(row.get::<String>(1).unwrap(), "three ✓");
        assert_eq!(row.get::<Vec<u8>>(3).unwrap(), Vec::<u8>::new());
        let row = r.next().await.unwrap().unwrap();
        for i in 0..7 {
            assert!(row.is_null(i).unwrap());
        }
        assert_eq!(row.get::<Option<i64>>(2).unwrap(), None);
        assert_eq!(row.get::<i64>(2).unwrap_err().kind(), ErrorKind::Decode);
        assert!(r.next().await.is_none());
        assert!(r.next().await.is_none());
        assert_eq!(r.rows(), Some(3));

        // A type mismatch between the reader's types and the data is caught.
        let out = c
            .copy_out("COPY (SELECT 1::int4, 2::int4) TO STDOUT (FORMAT binary)")
            .await
            .unwrap();
        assert_eq!(
            BinaryCopyOutReader::new(out, &[Type::INT4]).unwrap_err().kind(),
            ErrorKind::Decode
        );
        let out = c.copy_out("COPY (SELECT 1::int4) TO STDOUT").await.unwrap();
        assert!(BinaryCopyOutReader::new(out, &[Type::INT4]).is_err());
        let copy = c.copy_in("COPY typed (i) FROM STDIN").await.unwrap();
        assert!(BinaryCopyInWriter::new(copy, &[Type::INT4]).is_err());
        let copy = c.copy_in("COPY typed (i, t) FROM STDIN (FORMAT binary)").await.unwrap();
        assert!(BinaryCopyInWriter::new(copy, &[Type::INT4]).is_err());
        // A numeric given as a string would travel as text: binary COPY refuses it.
        c.batch_execute("CREATE TABLE nums (n numeric)").await.unwrap();
        let copy = c.copy_in("COPY nums FROM STDIN (FORMAT binary)").await.unwrap();
        let mut w = BinaryCopyInWriter::new(copy, &[Type::NUMERIC]).unwrap();
        let e = w.write(&[&"1.5"]).await.unwrap_err();
        assert!(e.to_string().contains("as text"), "{e}");
        // A NULL has no format: fine whatever the Rust type.
        w.write(&[&None::<&str>]).await.unwrap();
        assert_eq!(w.finish().await.unwrap(), 1);
        assert_eq!(count(&mut c, "typed").await, 3);
    }
}

/// `write_row` (tuples, no dynamic dispatch) writes exactly what `write` writes, and
/// refuses the same things with the same errors.
#[tokio::test]
async fn typed_tuple_rows_match_slice_rows() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute(
            "CREATE TABLE by_slice (i int4, t text, l int8, b bytea, ok bool, f float8, at timestamptz);
             CREATE TABLE by_tuple (LIKE by_slice)",
        )
        .await
        .unwrap();
        let types = [
            Type::INT4,
            Type::TEXT,
            Type::INT8,
            Type::BYTEA,
            Type::BOOL,
            Type::FLOAT8,
            Type::TIMESTAMPTZ,
        ];
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_micros(1_700_000_000_123_456);
        let bytes: &[u8] = &[0, 1, 255];
        let rows = 20_000i32;

        let copy = c.copy_in("COPY by_slice FROM STDIN (FORMAT binary)").await.unwrap();
        let mut w = BinaryCopyInWriter::new(copy, &types).unwrap();
        for i in 0..rows {
            let t = format!("row {i} ✓");
            let f = (i % 7 != 0).then_some(f64::from(i) / 4.0);
            w.write(&[&i, &t, &(i64::from(i) << 33), &bytes, &(i % 2 == 0), &f, &at])
                .await
                .unwrap();
        }
        assert_eq!(w.finish().await.unwrap(), rows as u64);

        let copy = c.copy_in("COPY by_tuple FROM STDIN (FORMAT binary)").await.unwrap();
        let mut w = BinaryCopyInWriter::new(copy, &types).unwrap();
        for i in 0..rows {
            let t = format!("row {i} ✓");
            let f = (i % 7 != 0).then_some(f64::from(i) / 4.0);
            w.write_row(&(i, t.as_str(), i64::from(i) << 33, bytes, i % 2 == 0, f, at))
                .await
                .unwrap();
        }
        // Refused before anything of the row is written, with the column named; the
        // COPY goes on.
        let e = w
            .write_row(&(1i64, "x", 1i64, bytes, true, 1.0f64, at))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Encode);
        assert!(
            e.to_string().contains("column 0") && e.to_string().contains("int4"),
            "{e}"
        );
        let e = w
            .write_row(&(1i32, "x", 1i64, bytes, true, 1.0f64, "not a time"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("column 6"), "{e}");
        let e = w.write_row(&(1i32,)).await.unwrap_err();
        assert!(e.to_string().contains("1 values but the COPY has 7 columns"), "{e}");
        assert_eq!(w.finish().await.unwrap(), rows as u64);

        let same = c
            .query_one("SELECT count(*) FROM (TABLE by_slice EXCEPT ALL TABLE by_tuple) d", &[])
            .await
            .unwrap();
        assert_eq!(same.get::<i64>(0).unwrap(), 0);
        assert_eq!(count(&mut c, "by_tuple").await, i64::from(rows));

        // A string for numeric would travel as text: refused; a NULL is fine.
        c.batch_execute("CREATE TABLE nums (n numeric, m int4)").await.unwrap();
        let copy = c.copy_in("COPY nums FROM STDIN (FORMAT binary)").await.unwrap();
        let mut w = BinaryCopyInWriter::new(copy, &[Type::NUMERIC, Type::INT4]).unwrap();
        let e = w.write_row(&("1.5", 1i32)).await.unwrap_err();
        assert!(e.to_string().contains("as text"), "{e}");
        w.write_row(&(None::<&str>, Some(2i32))).await.unwrap();
        assert_eq!(w.finish().await.unwrap(), 1);
    }
}

#[tokio::test]
async fn a_million_rows_each_way_in_text_and_binary() {
    const N: i32 = 1_000_000;
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        let mut watcher = connect(cluster, &db).await;
        c.batch_execute(
            "CREATE UNLOGGED TABLE big_text (id int4, name text); CREATE UNLOGGED TABLE big_bin (id int4, name text)",
        )
        .await
        .unwrap();
        let pid = c.backend_pid();
        let started = Instant::now();

        // Text, one small send per row.
        let mut copy = c.copy_in("COPY big_text FROM STDIN").await.unwrap();
        let mut line = String::new();
        for i in 0..N {
            line.clear();
            line.push_str(&i.to_string());
            line.push_str("\tn");
            line.push_str(&(i % 1000).to_string());
            line.push('\n');
            copy.send(line.as_bytes()).await.unwrap();
            if i == N / 2 {
                // Half-way, the server must already be inserting: the data streams, it
                // is not piled up in memory until finish.
                wait_for_progress(&mut watcher, pid).await;
            }
        }
        assert_eq!(copy.finish().await.unwrap(), N as u64);

        // Binary, typed.
        let copy = c.copy_in("COPY big_bin FROM STDIN (FORMAT binary)").await.unwrap();
        let mut w = BinaryCopyInWriter::new(copy, &[Type::INT4, Type::TEXT]).unwrap();
        let names: Vec<String> = (0..1000).map(|i| format!("n{i}")).collect();
        for i in 0..N {
            w.write(&[&i, &names[(i % 1000) as usize].as_str()]).await.unwrap();
        }
        assert_eq!(w.finish().await.unwrap(), N as u64);
        let in_time = started.elapsed();

        // Out again, text: count lines and check a checksum as the chunks go by.
        let started = Instant::now();
        let mut out = c.copy_out("COPY big_text TO STDOUT").await.unwrap();
        let (mut lines, mut sum) = (0u64, 0i64);
        while let Some(chunk) = out.next_chunk().await {
            let chunk = chunk.unwrap();
            for l in chunk.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                let tab = l.iter().position(|b| *b == b'\t').unwrap();
                sum += std::str::from_utf8(&l[..tab]).unwrap().parse::<i64>().unwrap();
                lines += 1;
            }
        }
        assert_eq!(lines, N as u64);
        assert_eq!(out.rows(), Some(N as u64));
        let expected_sum = (N as i64 - 1) * N as i64 / 2;
        assert_eq!(sum, expected_sum);

        // Out again, binary.
        let out = c.copy_out("COPY big_bin TO STDOUT (FORMAT binary)").await.unwrap();
        let mut r = BinaryCopyOutReader::new(out, &[Type::INT4, Type::TEXT]).unwrap();
        let (mut rows, mut sum) = (0u64, 0i64);
        while let Some(row) = r.next().await {
            let row = row.unwrap();
            let id: i32 = row.get(0).unwrap();
            assert_eq!(row.get::<&str>(1).unwrap(), names[(id % 1000) as usize]);
            sum += i64::from(id);
            rows += 1;
        }
        assert_eq!((rows, sum), (N as u64, expected_sum));
        assert_eq!(r.rows(), Some(N as u64));
        eprintln!(
            "PG{}: 2×{N} rows in {:.2?}, out {:.2?}",
            cluster.major(),
            in_time,
            started.elapsed()
        );
    }
}

/// Waits until the server reports COPY progress for backend `pid`.
async fn wait_for_progress(watcher: &mut Connection, pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let row = watcher
            .query_opt(
                "SELECT tuples_processed FROM pg_stat_progress_copy WHERE pid = $1",
                &[&pid],
            )
            .await
            .unwrap();
        if let Some(row) = row
            && row.get::<i64>(0).unwrap() > 0
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the server has received no rows yet: data is not streaming"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn server_errors_mid_stream_are_reported_and_the_connection_recovers() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute("CREATE TABLE strict (id int4 NOT NULL, name text NOT NULL)")
            .await
            .unwrap();

        // A NOT NULL violation reported by finish.
        let mut copy = c.copy_in("COPY strict FROM STDIN (FORMAT csv)").await.unwrap();
        copy.send("1,a\n2,b\n3,\n").await.unwrap();
        let e = copy.finish().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
        assert_eq!(e.code(), Some("23502"), "{e}");
        assert_eq!(c.transaction_status(), TransactionStatus::Idle);
        assert_eq!(count(&mut c, "strict").await, 0);

        // A malformed line early, then a lot more data: a later send reports it.
        let mut copy = c.copy_in("COPY strict FROM STDIN").await.unwrap();
        copy.send("1\tok\nnot-a-number\tbad\n").await.unwrap();
        let filler = "7\tfiller filler filler filler filler filler filler filler\n".repeat(1000);
        let mut sent = 0usize;
        let e = loop {
            match copy.send(&filler).await {
                Ok(()) => sent += filler.len(),
                Err(e) => break e,
            }
            assert!(sent < 1 << 30, "the server's error never surfaced while sending");
        };
        assert_eq!(e.code(), Some("22P02"), "{e}");
        let db_error = e.as_db_error().unwrap();
        assert!(db_error.message().contains("integer"), "{e}");
        // Further sends and finish repeat the same error.
        assert_eq!(copy.send("8\tx\n").await.unwrap_err().code(), Some("22P02"));
        assert_eq!(copy.finish().await.unwrap_err().code(), Some("22P02"));
        assert_eq!(count(&mut c, "strict").await, 0);

        // The same, but the CopyIn is dropped after the error.
        let mut copy = c.copy_in("COPY strict FROM STDIN").await.unwrap();
        copy.send("x\ty\n").await.unwrap();
        loop {
            if copy.send(&filler).await.is_err() {
                break;
            }
        }
        drop(copy);
        assert_eq!(count(&mut c, "strict").await, 0);

        // Inside a transaction: the error aborts it, as any error does.
        c.batch_execute("BEGIN").await.unwrap();
        let mut copy = c.copy_in("COPY strict FROM STDIN (FORMAT csv)").await.unwrap();
        copy.send("1,\n").await.unwrap();
        assert_eq!(copy.finish().await.unwrap_err().code(), Some("23502"));
        assert_eq!(c.transaction_status(), TransactionStatus::Failed);
        c.batch_execute("ROLLBACK").await.unwrap();

        // Copy out: an error half-way arrives after the rows before it.
        let mut out = c
            .copy_out("COPY (SELECT 1 / (500 - i) FROM generate_series(1, 1000) i) TO STDOUT")
            .await
            .unwrap();
        let mut chunks = 0;
        let e = loop {
            match out.next_chunk().await {
                Some(Ok(_)) => chunks += 1,
                Some(Err(e)) => break e,
                None => panic!("no error"),
            }
        };
        assert_eq!(e.code(), Some("22012"));
        assert!(chunks < 500);
        assert!(out.next_chunk().await.is_none());
        assert_eq!(out.rows(), None);
        assert_eq!(
            c.query_one("SELECT 41 + 1", &[]).await.unwrap().get::<i32>(0).unwrap(),
            42
        );
    }
}

#[tokio::test]
async fn abandoned_copies_roll_back_and_the_next_query_works() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute("CREATE TABLE t (id int4, name text)").await.unwrap();

        // Dropped with data buffered and data sent.
        let mut copy = c.copy_in("COPY t FROM STDIN").await.unwrap();
        for i in 0..50_000 {
            copy.send(format!("{i}\tname {i}\n")).await.unwrap();
        }
        drop(copy);
        assert_eq!(count(&mut c, "t").await, 0);

        // Dropped before anything was sent.
        let copy = c.copy_in("COPY t FROM STDIN").await.unwrap();
        drop(copy);
        assert_eq!(c.query_one("SELECT 1", &[]).await.unwrap().get::<i32>(0).unwrap(), 1);

        // A binary writer dropped mid-way.
        let copy = c.copy_in("COPY t FROM STDIN (FORMAT binary)").await.unwrap();
        let mut w = BinaryCopyInWriter::new(copy, &[Type::INT4, Type::TEXT]).unwrap();
        w.write(&[&1i32, &"one"]).await.unwrap();
        drop(w);
        assert_eq!(count(&mut c, "t").await, 0);

        // A finish interrupted by a timeout: the connection still gets back in step.
        let mut copy = c.copy_in("COPY t FROM STDIN").await.unwrap();
        copy.send("1\tone\n").await.unwrap();
        let _ = tokio::time::timeout(Duration::from_nanos(1), copy.finish()).await;
        assert_eq!(c.query_one("SELECT 2", &[]).await.unwrap().get::<i32>(0).unwrap(), 2);

        // In a transaction, the abandoned COPY fails the transaction, nothing else.
        c.batch_execute("BEGIN").await.unwrap();
        c.batch_execute("INSERT INTO t VALUES (100, 'kept?')").await.unwrap();
        let mut copy = c.copy_in("COPY t FROM STDIN").await.unwrap();
        copy.send("2\ttwo\n").await.unwrap();
        drop(copy);
        let e = c.query("SELECT 1", &[]).await.unwrap_err();
        assert_eq!(e.code(), Some("25P02"), "{e}");
        c.batch_execute("ROLLBACK").await.unwrap();

        // Copy out dropped half-way.
        c.batch_execute("INSERT INTO t SELECT i, 'n' || i FROM generate_series(1, 20000) i")
            .await
            .unwrap();
        let mut out = c.copy_out("COPY t TO STDOUT").await.unwrap();
        let first = out.next_chunk().await.unwrap().unwrap();
        assert!(!first.is_empty());
        drop(out);
        assert!(count(&mut c, "t").await >= 20_000);
        let out = c.copy_out("COPY t TO STDOUT").await.unwrap();
        assert!(out.finish().await.unwrap() >= 20_000);
    }
}

#[tokio::test]
async fn statements_that_are_not_the_expected_copy() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute("CREATE TABLE t (id int4)").await.unwrap();

        let e = c.copy_in("COPY nope FROM STDIN").await.unwrap_err();
        assert_eq!(e.code(), Some("42P01"));
        let e = c.copy_in("COPY t FRM STDIN").await.unwrap_err();
        assert_eq!(e.code(), Some("42601"));
        let e = c.copy_in("SELECT 1").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert!(e.to_string().contains("rows"), "{e}");
        let e = c.copy_in("CREATE TABLE u (x int)").await.unwrap_err();
        assert!(e.to_string().contains("did not start a COPY"), "{e}");
        let e = c.copy_in("COPY t TO STDOUT").await.unwrap_err();
        assert!(e.to_string().contains("TO STDOUT"), "{e}");
        let e = c.copy_out("COPY t FROM STDIN").await.unwrap_err();
        assert!(e.to_string().contains("FROM STDIN"), "{e}");
        let e = c.copy_out("SELECT 1; COPY t TO STDOUT").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        assert_eq!(c.transaction_status(), TransactionStatus::Idle);

        // Statements before the COPY in the same string are fine.
        let mut copy = c
            .copy_in("SET application_name = 'copier'; COPY t FROM STDIN")
            .await
            .unwrap();
        copy.send("5\n6\n").await.unwrap();
        assert_eq!(copy.finish().await.unwrap(), 2);
        assert_eq!(c.parameter("application_name"), Some("copier"));
        // And after it: their results are skipped.
        let out = c.copy_out("COPY t TO STDOUT; SELECT 1").await.unwrap();
        assert_eq!(out.finish().await.unwrap(), 2);
        let e = c.copy_out("COPY t TO STDOUT; SELECT 1/0").await.unwrap();
        assert_eq!(e.finish().await.unwrap_err().code(), Some("22012"));
        assert_eq!(count(&mut c, "t").await, 2);
    }
}

#[tokio::test]
async fn async_read_and_write_adapters() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let mut c = connect(cluster, &db).await;
        c.batch_execute("CREATE TABLE t (id int4, s text)").await.unwrap();
        let mut data = Vec::new();
        for i in 0..100_000 {
            data.extend_from_slice(format!("{i},\"line {i}, with a comma\"\n").as_bytes());
        }
        let mut copy = c.copy_in("COPY t FROM STDIN (FORMAT csv)").await.unwrap();
        let n = tokio::io::copy(&mut &data[..], &mut copy).await.unwrap();
        assert_eq!(n as usize, data.len());
        copy.write_all(b"100000,last\n").await.unwrap();
        copy.flush().await.unwrap();
        assert_eq!(copy.finish().await.unwrap(), 100_001);

        let mut out = c
            .copy_out("COPY (SELECT * FROM t WHERE id < 100000 ORDER BY id) TO STDOUT (FORMAT csv)")
            .await
            .unwrap();
        let mut back = Vec::new();
        tokio::io::copy(&mut out, &mut back).await.unwrap();
        assert_eq!(out.rows(), Some(100_000));
        assert_eq!(back.len(), data.len());
        assert!(back == data);

        // A server error comes out of AsyncWrite as an io::Error wrapping tusk's.
        let mut copy = c.copy_in("COPY t FROM STDIN (FORMAT csv)").await.unwrap();
        let bad = "oops,x\n".repeat(100_000);
        let e = tokio::io::copy(&mut bad.as_bytes(), &mut copy).await;
        let e = match e {
            Ok(_) => copy.finish().await.unwrap_err(),
            Err(e) => {
                let inner = e.get_ref().and_then(|e| e.downcast_ref::<tusk::Error>()).unwrap();
                assert_eq!(inner.code(), Some("22P02"));
                copy.finish().await.unwrap_err()
            }
        };
        assert_eq!(e.code(), Some("22P02"));
        assert_eq!(count(&mut c, "t").await, 100_001);
    }
}
