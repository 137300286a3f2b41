//! `tusk copy` against real PostgreSQL 15 and 18: export to files in every format, import
//! back into empty tables and compare; stdin and stdout; quoted names; errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use tusk_testkit::{Cluster, Role, Transport, shared_clusters};

/// Runs `tusk` with `stdin`; returns (success, stdout bytes, stderr).
fn tusk(args: &[&str], stdin: &[u8]) -> (bool, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args(args)
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .env_remove("PGUSER")
        .env_remove("PGDATABASE")
        .env_remove("PGPASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tusk");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scratch_dir(cluster: &Cluster, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tusk-copy-cli-{}-{}-{name}",
        std::process::id(),
        cluster.major()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SOURCE: &str = r#"
CREATE TABLE src (id int4 PRIMARY KEY, t text, n numeric, b bytea, ts timestamptz, j jsonb, a int4[], ok bool);
INSERT INTO src VALUES
    (1, 'plain', 1.5, '\x00ff', '2024-02-29 12:34:56.789+00', '{"k": [1, "x"]}', '{1,2,NULL}', true),
    (2, E'tab\there\nnew line\\back slash', -0.000001, '\x', '1970-01-01 00:00:00+00', '"s"', '{}', false),
    (3, 'comma, "quotes", ''single''', 12345678901234567890.123, '\x5c4e', 'infinity', 'null', '{-1}', NULL),
    (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (5, '', 0, '\x0d0a', '2000-01-01 00:00:00+00', '[]', NULL, true),
    (6, '\N', 'NaN', '\x5c', '2000-01-01 00:00:00+00', '{}', '{3}', false),
    (7, 'héllo ✓ 𝄞', 1, '\x', '2000-01-01 00:00:00+00', '{}', '{4}', true);
INSERT INTO src SELECT g, 'row ' || g, g / 7.0, NULL, NULL, NULL, ARRAY[g], g % 2 = 0 FROM generate_series(8, 5000) g;
"#;

#[test]
fn export_and_import_files_in_every_format() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let conn = cluster.conninfo(Role::Superuser, Transport::Tcp, &db);
        cluster.psql_in(&db, SOURCE).unwrap();
        let dir = scratch_dir(cluster, "formats");
        for (format, header) in [
            ("csv", true),
            ("csv", false),
            ("text", false),
            ("text", true),
            ("binary", false),
        ] {
            let file = dir.join(format!("src-{format}-{header}"));
            let file = file.to_str().unwrap();
            let dst = format!("dst_{format}_{header}");
            let mut export = vec!["copy", &conn, "--to", file, "--table", "src", "--format", format];
            if header {
                export.push("--header");
            }
            let (ok, out, err) = tusk(&export, b"");
            assert!(ok, "PG{} export {format}: {err}", cluster.major());
            let summary = String::from_utf8(out).unwrap();
            assert!(summary.starts_with("COPY 5000 rows, "), "{summary}");
            assert!(
                summary.contains(" kB in ") && summary.trim_end().ends_with(" s"),
                "{summary}"
            );
            let written = std::fs::read(file).unwrap();
            if format == "binary" {
                assert!(written.starts_with(b"PGCOPY\n\xff\r\n\0"));
            } else if header {
                assert!(written.starts_with(b"id"), "{format}");
            }

            cluster.psql_in(&db, &format!("CREATE TABLE {dst} (LIKE src)")).unwrap();
            let mut import = vec!["copy", &conn, "--from", file, "--table", &dst, "--format", format];
            if header {
                import.push("--header");
            }
            let (ok, out, err) = tusk(&import, b"");
            assert!(ok, "PG{} import {format}: {err}", cluster.major());
            assert!(String::from_utf8(out).unwrap().starts_with("COPY 5000 rows, "));

            let diff = cluster
                .psql_in(
                    &db,
                    &format!(
                        "SELECT count(*) FROM ((TABLE src EXCEPT ALL TABLE {dst}) UNION ALL (TABLE {dst} EXCEPT ALL TABLE src)) d"
                    ),
                )
                .unwrap();
            assert_eq!(diff, "0", "PG{} {format} header={header}", cluster.major());
            assert_eq!(
                cluster.psql_in(&db, &format!("SELECT count(*) FROM {dst}")).unwrap(),
                "5000"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn stdin_stdout_queries_and_quoted_names() {
    for cluster in shared_clusters() {
        let db = cluster.fresh_database().unwrap();
        let conn = cluster.conninfo(Role::Superuser, Transport::Unix, &db);
        cluster
            .psql_in(
                &db,
                r#"CREATE SCHEMA "My Schema"; CREATE TABLE "My Schema"."Odd.Table" ("Id" int, note text, extra text DEFAULT 'd')"#,
            )
            .unwrap();

        let (ok, csv, err) = tusk(
            &[
                "copy",
                &conn,
                "--to",
                "-",
                "--query",
                "SELECT g AS id, 'n, ' || g AS note FROM generate_series(1, 1000) g ORDER BY g;",
                "--format",
                "csv",
                "--header",
            ],
            b"",
        );
        assert!(ok, "{err}");
        // The data went to stdout, so the summary goes to stderr.
        assert!(err.starts_with("COPY 1000 rows, "), "{err}");
        let csv_text = String::from_utf8(csv.clone()).unwrap();
        assert!(csv_text.starts_with("id,note\n1,\"n, 1\"\n2,\"n, 2\"\n"), "{csv_text}");

        let (ok, out, err) = tusk(
            &[
                "copy",
                &conn,
                "--from",
                "-",
                "--table",
                r#""My Schema"."Odd.Table""#,
                "--columns",
                r#""Id", NOTE"#,
                "--format",
                "csv",
                "--header",
            ],
            &csv,
        );
        assert!(ok, "{err}");
        assert!(String::from_utf8(out).unwrap().starts_with("COPY 1000 rows, "));
        assert_eq!(
            cluster
                .psql_in(
                    &db,
                    r#"SELECT count(*), sum("Id"), min(extra), max(note) FROM "My Schema"."Odd.Table""#
                )
                .unwrap(),
            "1000|500500|d|n, 999"
        );

        // Export a table with a column list, in text format, to stdout.
        let (ok, text, err) = tusk(
            &[
                "copy",
                &conn,
                "--to",
                "-",
                "--table",
                r#""My Schema"."Odd.Table""#,
                "--columns",
                r#""Id""#,
            ],
            b"",
        );
        assert!(ok, "{err}");
        assert_eq!(text.iter().filter(|b| **b == b'\n').count(), 1000);
        assert!(text.starts_with(b"1\n2\n"));
    }
}

#[test]
fn errors_are_reported_and_nothing_is_half_done() {
    let cluster = &shared_clusters()[0];
    let db = cluster.fresh_database().unwrap();
    let conn = cluster.conninfo(Role::Superuser, Transport::Tcp, &db);
    cluster
        .psql_in(&db, "CREATE TABLE t (id int4 NOT NULL, name text)")
        .unwrap();
    let dir = scratch_dir(cluster, "errors");

    // A bad line after good ones: the server's error, and no row inserted.
    let mut data = String::new();
    for i in 0..10_000 {
        data.push_str(&format!("{i}\tname {i}\n"));
    }
    data.push_str("oops\tbad\n");
    let (ok, _, err) = tusk(&["copy", &conn, "--from", "-", "--table", "t"], data.as_bytes());
    assert!(!ok);
    assert!(err.contains("22P02"), "{err}");
    let (ok, _, err) = tusk(
        &["copy", &conn, "--from", "-", "--table", "t", "--format", "csv"],
        b"1,a\n,b\n",
    );
    assert!(!ok);
    assert!(err.contains("23502"), "{err}");
    assert_eq!(cluster.psql_in(&db, "SELECT count(*) FROM t").unwrap(), "0");

    // A missing table: the server's error, and no output file left behind.
    let file = dir.join("nope.csv");
    let (ok, _, err) = tusk(&["copy", &conn, "--to", file.to_str().unwrap(), "--table", "nope"], b"");
    assert!(!ok);
    assert!(err.contains("42P01"), "{err}");
    assert!(!file.exists());
    // An export failing half-way removes its partial file.
    let (ok, _, err) = tusk(
        &[
            "copy",
            &conn,
            "--to",
            file.to_str().unwrap(),
            "--query",
            "SELECT 1 / (5000 - g) FROM generate_series(1, 10000) g",
        ],
        b"",
    );
    assert!(!ok);
    assert!(err.contains("22012"), "{err}");
    assert!(!file.exists());

    // Usage errors.
    let missing = dir.join("missing.csv");
    let (ok, _, err) = tusk(
        &["copy", &conn, "--from", missing.to_str().unwrap(), "--table", "t"],
        b"",
    );
    assert!(!ok);
    assert!(err.contains("cannot open"), "{err}");
    let (ok, _, err) = tusk(
        &[
            "copy", &conn, "--to", "-", "--table", "t", "--format", "binary", "--header",
        ],
        b"",
    );
    assert!(!ok);
    assert!(err.contains("--header"), "{err}");
    let (ok, _, _) = tusk(&["copy", &conn, "--table", "t"], b"");
    assert!(!ok);
    let (ok, _, _) = tusk(&["copy", &conn, "--from", "-", "--query", "SELECT 1"], b"");
    assert!(!ok);
    let (ok, _, err) = tusk(&["copy", &conn, "--to", "-"], b"");
    assert!(!ok);
    assert!(err.contains("--table"), "{err}");
    let (ok, _, err) = tusk(&["copy", &conn, "--to", "-", "--table", "a.b.c.d"], b"");
    assert!(!ok);
    assert!(err.contains("too many"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
