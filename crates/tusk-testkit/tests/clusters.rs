//! The shared clusters really work: every role logs in over TCP and over the unix socket
//! with the cluster's own psql, with and without its password as its method demands, and
//! `fresh_database` gives each test a database of its own that every role can use.
//!
//! Run `scripts/install-postgres` first; with `TUSK_REQUIRE_PG=15,18` these tests fail
//! unless both versions are there.

use std::process::{Command, Output};

use tusk_testkit::{AuthMethod, Cluster, Role, Transport, shared_clusters};

/// psql as `role` over `transport`, password (if any) in `PGPASSWORD`, not in the conninfo.
fn psql_as(
    cluster: &Cluster,
    role: Role,
    transport: Transport,
    dbname: &str,
    password: Option<&str>,
    sql: &str,
) -> Output {
    let host = match transport {
        Transport::Tcp => cluster.host().to_owned(),
        Transport::Unix => cluster.socket_dir().display().to_string(),
    };
    let mut cmd: Command = cluster.installation().command("psql");
    cmd.args(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-w"])
        .args(["-h", &host, "-p", &cluster.port().to_string()])
        .args(["-U", role.name(), "-d", dbname, "-c", sql]);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    cmd.output().expect("psql runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn every_role_logs_in_over_tcp_and_socket() {
    for cluster in shared_clusters() {
        for role in Role::ALL {
            let info = cluster.role(role);
            for transport in Transport::ALL {
                let context = format!("PG {} {} over {transport:?}", cluster.version(), info.name);
                let ok = psql_as(
                    cluster,
                    role,
                    transport,
                    "postgres",
                    info.password,
                    "SELECT current_user, current_setting('server_version_num')::int / 10000",
                );
                assert!(
                    ok.status.success(),
                    "{context}: {}",
                    String::from_utf8_lossy(&ok.stderr)
                );
                assert_eq!(stdout(&ok), format!("{}|{}", info.name, cluster.major()), "{context}");

                if info.method != AuthMethod::Trust {
                    let wrong = psql_as(cluster, role, transport, "postgres", Some("wrong"), "SELECT 1");
                    assert!(!wrong.status.success(), "{context}: logged in with a wrong password");
                    let missing = psql_as(cluster, role, transport, "postgres", None, "SELECT 1");
                    assert!(!missing.status.success(), "{context}: logged in without a password");
                }
            }
        }
    }
}

#[test]
fn each_role_authenticates_with_its_own_method() {
    for cluster in shared_clusters() {
        let rows = cluster
            .psql(
                "SELECT rolname, left(rolpassword, 3) FROM pg_authid \
                 WHERE rolname LIKE 'tusk\\_%' ORDER BY rolname",
            )
            .unwrap();
        assert_eq!(
            rows,
            "tusk_md5|md5\ntusk_password|SCR\ntusk_scram|SCR\ntusk_trust|",
            "PG {}",
            cluster.version()
        );
    }
}

#[test]
fn fresh_databases_are_distinct_and_usable_by_every_role() {
    for cluster in shared_clusters() {
        let first = cluster.fresh_database().unwrap();
        let second = cluster.fresh_database().unwrap();
        assert_ne!(first, second);
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let info = role.info();
            let sql = format!(
                "CREATE TABLE t_{i} (id int); INSERT INTO t_{i} VALUES ({i}); \
                 SELECT current_database(), id FROM t_{i}"
            );
            let out = psql_as(cluster, role, Transport::Tcp, &first, info.password, &sql);
            assert!(
                out.status.success(),
                "PG {} {}: {}",
                cluster.version(),
                info.name,
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(stdout(&out), format!("{first}|{i}"));
        }
        // The test roles may also create tables in `postgres` itself.
        let out = psql_as(
            cluster,
            Role::Scram,
            Transport::Unix,
            "postgres",
            Some("pw_scram"),
            "CREATE TEMP TABLE scratch (x int); CREATE TABLE IF NOT EXISTS scram_owned (x int)",
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            cluster
                .psql_in(&second, "SELECT count(*) FROM pg_class WHERE relname LIKE 't\\_%'")
                .unwrap(),
            "0"
        );
    }
}

#[test]
fn connection_strings_point_at_the_cluster() {
    for cluster in shared_clusters() {
        let tcp = cluster.conninfo(Role::Md5, Transport::Tcp, "postgres");
        assert_eq!(
            tcp,
            format!(
                "host=127.0.0.1 port={} user=tusk_md5 password=pw_md5 dbname=postgres",
                cluster.port()
            )
        );
        let unix = cluster.conninfo(Role::Trust, Transport::Unix, "postgres");
        assert!(
            unix.contains(&format!("host={}", cluster.socket_dir().display())),
            "{unix}"
        );
        assert!(!unix.contains("password"), "{unix}");
        assert_eq!(
            cluster.url(Role::Scram, "postgres"),
            format!("postgres://tusk_scram:pw_scram@127.0.0.1:{}/postgres", cluster.port())
        );
        assert!(cluster.socket_path().exists());

        // psql itself accepts the conninfo string.
        for transport in Transport::ALL {
            let conninfo = cluster.conninfo(Role::Password, transport, "postgres");
            let out = cluster
                .installation()
                .command("psql")
                .args(["-X", "-At", "-w", "-d", &conninfo, "-c", "SELECT 42"])
                .output()
                .unwrap();
            assert_eq!(
                stdout(&out),
                "42",
                "{conninfo}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn shared_clusters_have_distinct_majors_in_order() {
    let majors: Vec<u32> = shared_clusters().iter().map(Cluster::major).collect();
    assert!(!majors.is_empty());
    assert!(majors.windows(2).all(|w| w[0] < w[1]), "{majors:?}");
    for major in majors {
        assert_eq!(tusk_testkit::shared_cluster(major).unwrap().major(), major);
    }
}

#[test]
fn private_cluster_applies_options_and_cleans_up_on_drop() {
    use tusk_testkit::{ClusterOptions, HbaRule, HbaType};

    let inst = shared_clusters().last().unwrap().installation().clone();
    let options = ClusterOptions::default()
        .conf("work_mem = '7MB'")
        .hba(HbaRule::host(
            HbaType::Host,
            "all",
            "tusk_trust",
            "127.0.0.1/32",
            "reject",
        ))
        .file("extra/hello.txt", b"hi".to_vec())
        .setup_sql("CREATE DATABASE made_by_setup");
    let cluster = Cluster::start(&inst, options).unwrap();
    assert_eq!(cluster.psql("SHOW work_mem").unwrap(), "7MB");
    assert_eq!(
        cluster
            .psql("SELECT count(*) FROM pg_database WHERE datname = 'made_by_setup'")
            .unwrap(),
        "1"
    );
    assert_eq!(
        std::fs::read(cluster.data_dir().join("extra/hello.txt")).unwrap(),
        b"hi"
    );
    // The extra rule comes first: tusk_trust is now rejected over TCP, not over the socket.
    let tcp = psql_as(&cluster, Role::Trust, Transport::Tcp, "postgres", None, "SELECT 1");
    assert!(!tcp.status.success());
    let unix = psql_as(&cluster, Role::Trust, Transport::Unix, "postgres", None, "SELECT 1");
    assert!(unix.status.success(), "{}", String::from_utf8_lossy(&unix.stderr));

    let data_dir = cluster.data_dir().to_owned();
    let pid: i32 = std::fs::read_to_string(data_dir.join("postmaster.pid"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    drop(cluster);
    assert!(!data_dir.exists(), "{} was not removed", data_dir.display());
    let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "));
    assert!(!alive, "postmaster {pid} still runs");
}

#[test]
fn a_server_that_cannot_start_reports_its_log() {
    use tusk_testkit::{ClusterOptions, TestkitError};

    let inst = shared_clusters()[0].installation().clone();
    let options = ClusterOptions::default().conf("shared_buffers = 'lots'");
    let err = Cluster::start(&inst, options).unwrap_err();
    assert!(matches!(err, TestkitError::Start { .. }), "{err}");
    let text = err.to_string();
    eprintln!("{text}");
    assert!(text.contains("shared_buffers"), "{text}");
}

#[test]
fn fresh_database_works_from_many_threads_at_once() {
    for cluster in shared_clusters() {
        let names: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..6)
                .map(|_| scope.spawn(|| cluster.fresh_database().unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }
}
