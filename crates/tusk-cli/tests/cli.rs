//! The `tusk` binary against real PostgreSQL 15 and 18.

use std::process::Command;
use tusk_testkit::{Role, Transport, shared_clusters};

fn tusk(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tusk"))
        .args(args)
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .env_remove("PGUSER")
        .env_remove("PGDATABASE")
        .env_remove("PGPASSWORD")
        .output()
        .expect("run tusk");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn conninfo_json_reports_the_negotiated_protocol() {
    for cluster in shared_clusters() {
        for transport in [Transport::Tcp, Transport::Unix] {
            let conn = cluster.conninfo(Role::Scram, transport, "postgres");
            let (ok, out, err) = tusk(&["conninfo", &conn, "--json"]);
            assert!(ok, "{err}");
            let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
            let expected = if cluster.major() >= 18 { "3.2" } else { "3.0" };
            assert_eq!(v["protocol_version"], expected, "PG{}: {out}", cluster.major());
            assert_eq!(v["auth_method"], "scram-sha-256");
            assert_eq!(v["cancel_key_length"], if cluster.major() >= 18 { 32 } else { 4 });
            assert_eq!(v["tls"], false);
            assert_eq!(v["transport"], if transport == Transport::Tcp { "tcp" } else { "unix" });
            assert!(v["backend_pid"].as_i64().unwrap() > 0);
            assert_eq!(
                v["server_version"].as_str().unwrap().split('.').next().unwrap(),
                cluster.major().to_string()
            );
            assert_eq!(v["parameters"]["client_encoding"], "UTF8");
        }
    }
}

#[test]
fn conninfo_text_and_errors() {
    for cluster in shared_clusters() {
        let (ok, out, _) = tusk(&["conninfo", &cluster.url(Role::Md5, "postgres")]);
        assert!(ok);
        assert!(out.contains("auth_method") && out.contains("md5"), "{out}");
        let bad = format!(
            "host=127.0.0.1 port={} user=tusk_scram password=wrong dbname=postgres",
            cluster.port()
        );
        let (ok, _, err) = tusk(&["conninfo", &bad]);
        assert!(!ok);
        assert!(err.contains("28P01"), "{err}");
    }
    let (ok, _, err) = tusk(&["conninfo", "host=x bogus=1"]);
    assert!(!ok);
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn query_prints_table_csv_and_json() {
    for cluster in shared_clusters() {
        let conn = cluster.conninfo(Role::Trust, Transport::Unix, "postgres");
        let sql = "SELECT 1::int4 AS n, 'a,b'::text AS s, NULL::text AS z, true AS b, '{\"k\":[1]}'::jsonb AS j UNION ALL SELECT 22, '', 'x', false, 'null'";
        let (ok, out, err) = tusk(&["query", &conn, "-c", sql, "--format", "csv"]);
        assert!(ok, "{err}");
        assert_eq!(out, "n,s,z,b,j\n1,\"a,b\",,t,\"{\"\"k\"\": [1]}\"\n22,\"\",x,f,null\n");

        let (ok, out, _) = tusk(&["query", &conn, "-c", sql, "--format", "json"]);
        assert!(ok);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[0]["n"], 1);
        assert_eq!(v[0]["s"], "a,b");
        assert!(v[0]["z"].is_null());
        assert_eq!(v[0]["b"], true);
        assert_eq!(v[0]["j"]["k"][0], 1);
        assert_eq!(v[1]["n"], 22);

        let (ok, out, _) = tusk(&["query", &conn, "-c", "SELECT 42 AS answer, 'x' AS label"]);
        assert!(ok);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].contains("answer") && lines[0].contains("label"), "{out}");
        assert!(lines[1].starts_with("--------+"), "{out}");
        assert!(lines[2].contains("42"));
        assert_eq!(lines[3], "(1 row)");

        let (ok, _, err) = tusk(&["query", &conn, "-c", "SELECT nope"]);
        assert!(!ok);
        assert!(err.contains("42703"), "{err}");
    }
}

#[test]
fn connection_from_environment_like_psql() {
    for cluster in shared_clusters() {
        let out = Command::new(env!("CARGO_BIN_EXE_tusk"))
            .args(["query", "-c", "SELECT current_user", "--format", "csv"])
            .env("PGHOST", cluster.socket_dir())
            .env("PGPORT", cluster.port().to_string())
            .env("PGUSER", "tusk_password")
            .env("PGPASSWORD", "pw_password")
            .env("PGDATABASE", "postgres")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "current_user\ntusk_password\n");
    }
}

#[test]
fn demo_runs_on_a_configured_server_and_cleans_up() {
    let cluster = &shared_clusters()[0];
    let db = cluster.fresh_database().unwrap();
    let conn = cluster.conninfo(Role::Scram, Transport::Tcp, &db);
    let (ok, out, err) = tusk(&["demo", &conn]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("scratch schema") && out.contains("✓"), "{out}");
    assert!(!out.contains("✗"), "{out}");
    let left = cluster
        .psql_in(
            &db,
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tusk_demo_%'",
        )
        .unwrap();
    assert_eq!(left.trim(), "0");
}

#[test]
fn demo_starts_its_own_cluster_when_none_is_configured() {
    let (ok, out, err) = tusk(&["demo"]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("throwaway") && out.contains("Stop the throwaway cluster"),
        "{out}"
    );
    assert!(!out.contains("✗"), "{out}");
}

#[test]
fn query_timeout_cancels_a_long_query() {
    for cluster in shared_clusters() {
        let conn = cluster.conninfo(Role::Trust, Transport::Tcp, "postgres");
        let started = std::time::Instant::now();
        let (ok, _, err) = tusk(&["query", &conn, "-c", "SELECT pg_sleep(30)", "--timeout", "300ms"]);
        assert!(!ok);
        assert!(err.contains("timeout") || err.contains("longer than"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        let (ok, _, err) = tusk(&["query", &conn, "-c", "SELECT 1", "--timeout", "soon"]);
        assert!(!ok);
        assert!(err.contains("soon"), "{err}");
    }
}

#[test]
fn listen_prints_notifications_as_json_lines() {
    use std::io::{BufRead, BufReader};
    for cluster in shared_clusters() {
        let conn = cluster.conninfo(Role::Trust, Transport::Unix, "postgres");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tusk"))
            .args(["listen", &conn, "Mixed Case", "other"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(line.contains("listening on 2 channel"), "{line}");
        for (ch, payload) in [
            ("Mixed Case", "one"),
            ("other", "two \"quoted\""),
            ("unheard", "x"),
            ("Mixed Case", "three"),
        ] {
            cluster.psql(&format!("SELECT pg_notify('{ch}', '{payload}')")).unwrap();
        }
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut got = Vec::new();
        for _ in 0..3 {
            let mut l = String::new();
            out.read_line(&mut l).unwrap();
            let v: serde_json::Value = serde_json::from_str(&l).unwrap();
            got.push((
                v["channel"].as_str().unwrap().to_string(),
                v["payload"].as_str().unwrap().to_string(),
            ));
            assert!(v["process_id"].as_i64().unwrap() > 0);
        }
        child.kill().unwrap();
        let _ = child.wait();
        assert_eq!(
            got,
            vec![
                ("Mixed Case".to_string(), "one".to_string()),
                ("other".to_string(), "two \"quoted\"".to_string()),
                ("Mixed Case".to_string(), "three".to_string())
            ]
        );
    }
}
