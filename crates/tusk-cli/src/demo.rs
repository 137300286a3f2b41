//! `tusk demo`: a guided tour of what tusk does, timed step by step.
//!
//! With no connection configured (no CONN argument and no PGHOST, PGHOSTADDR, PGPORT,
//! PGDATABASE or PGSERVICE in the environment) it starts a throwaway PostgreSQL cluster
//! through tusk-testkit; otherwise it runs on the given server inside a scratch schema
//! that it drops afterwards.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tusk::{Connection, Error, ErrorKind};
use tusk_testkit::{Cluster, ClusterOptions, Role, Transport};

fn configured_elsewhere(conn: Option<&str>) -> bool {
    conn.is_some()
        || ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

async fn step<T, F: Future<Output = tusk::Result<T>>>(n: &mut u32, what: &str, f: F) -> tusk::Result<T> {
    *n += 1;
    println!("\n[{n}] {what}");
    let started = Instant::now();
    let r = f.await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match &r {
        Ok(_) => println!("    ✓ done in {ms:.1} ms"),
        Err(e) => println!("    ✗ failed after {ms:.1} ms: {e}"),
    }
    r
}

pub async fn run(conn: Option<&str>) -> tusk::Result<()> {
    let mut n = 0;
    let mut cluster = None;
    let conninfo = if configured_elsewhere(conn) {
        let config = crate::config_from(conn)?;
        println!("tusk demo: running on the configured server, in a scratch schema");
        config.to_conninfo_string(true)
    } else {
        println!("tusk demo: no server configured; starting a throwaway PostgreSQL cluster");
        let c = step(
            &mut n,
            "Start a throwaway cluster (initdb + pg_ctl, as an unprivileged user)",
            async {
                let inst = tusk_testkit::installations().pop().ok_or_else(|| {
                    Error::new(
                        ErrorKind::Config,
                        "no PostgreSQL installation found: run scripts/install-postgres",
                    )
                })?;
                let c = tokio::task::spawn_blocking(move || Cluster::start(&inst, ClusterOptions::default()))
                    .await
                    .map_err(|e| Error::new(ErrorKind::Io, format!("cluster start panicked: {e}")))?
                    .map_err(|e| Error::new(ErrorKind::Io, format!("cannot start PostgreSQL: {e}")))?;
                println!(
                    "    PostgreSQL {} on {}:{} and {}",
                    c.version(),
                    c.host(),
                    c.port(),
                    c.socket_dir().display()
                );
                Ok(c)
            },
        )
        .await?;
        let info = c.conninfo(Role::Scram, Transport::Tcp, "postgres");
        cluster = Some(c);
        info
    };

    let mut db = step(&mut n, "Connect: ask for protocol 3.2, authenticate", async {
        let c = Connection::connect(&conninfo).await?;
        println!(
            "    server {} · protocol {} · auth {} · backend pid {} · cancel key {} bytes",
            c.server_version().unwrap_or("?"),
            c.protocol_version(),
            c.auth_method().name(),
            c.backend_pid(),
            c.cancel_key_len()
        );
        Ok(c)
    })
    .await?;

    if let Some(c) = &cluster {
        step(&mut n, "Connect over the unix-domain socket too", async {
            let u = Connection::connect(&c.conninfo(Role::Trust, Transport::Unix, "postgres")).await?;
            println!("    socket {} · auth {}", u.host(), u.auth_method().name());
            u.close().await
        })
        .await?;
    }

    let schema = format!("tusk_demo_{}", std::process::id());
    step(
        &mut n,
        &format!("Create a scratch schema \"{schema}\" and a table"),
        async {
            db.batch_execute(&format!(
                "CREATE SCHEMA {schema}; SET search_path = {schema};
             CREATE TABLE animals (id int4 PRIMARY KEY, name text NOT NULL, weight_kg float8, tusks bool)"
            ))
            .await
        },
    )
    .await?;

    let tour = tour(&mut n, &mut db).await;

    step(&mut n, "Drop the scratch schema and close", async {
        db.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).await?;
        db.close().await
    })
    .await?;
    tour?;
    if let Some(c) = cluster {
        step(&mut n, "Stop the throwaway cluster", async {
            tokio::task::spawn_blocking(move || drop(c))
                .await
                .map_err(|e| Error::new(ErrorKind::Io, format!("cluster stop panicked: {e}")))
        })
        .await?;
    }
    println!("\nThat was tusk. `tusk query -c SQL` and `tusk conninfo` work on any server.");
    Ok(())
}

async fn tour(n: &mut u32, db: &mut Connection) -> tusk::Result<()> {
    step(
        n,
        "Prepare an INSERT once, run it 1,000 times with binary parameters",
        async {
            let insert = db.prepare("INSERT INTO animals VALUES ($1, $2, $3, $4)").await?;
            println!(
                "    parameter types reported by the server: {:?}",
                insert.params().iter().map(|t| t.name()).collect::<Vec<_>>()
            );
            for i in 0..1000i32 {
                let name = if i % 2 == 0 { "elephant" } else { "walrus" };
                db.execute(&insert, &[&i, &name, &(1000.0 + f64::from(i)), &(i % 3 != 0)])
                    .await?;
            }
            Ok(())
        },
    )
    .await?;

    step(
        n,
        "Query with parameters; decode columns by name into Rust types",
        async {
            let rows = db
                .query(
                    "SELECT name, count(*), avg(weight_kg) FROM animals WHERE tusks = $1 GROUP BY name ORDER BY name",
                    &[&true],
                )
                .await?;
            for r in rows {
                let (name, count, avg): (&str, i64, f64) = (r.get("name")?, r.get("count")?, r.get("avg")?);
                println!("    {name:<9} {count:>4} with tusks, average {avg:.1} kg");
            }
            Ok(())
        },
    )
    .await?;

    step(
        n,
        "Dates and exact numerics arrive in binary and print as the server would",
        async {
            let r = db
                .query_one("SELECT now()::date AS today, 1234.5678::numeric(10,2) AS price", &[])
                .await?;
            let (today, price): (tusk::types::PgDate, tusk::types::PgNumeric) = (r.get("today")?, r.get("price")?);
            println!("    today = {today} · price = {price} (exact, never through f64)");
            Ok(())
        },
    )
    .await?;

    step(n, "A server error keeps every field; the session carries on", async {
        let e = match db
            .execute("INSERT INTO animals VALUES ($1, 'dup', 1, true)", &[&1i32])
            .await
        {
            Err(e) => e,
            Ok(_) => {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    "the duplicate insert unexpectedly succeeded",
                ));
            }
        };
        let d = e
            .as_db_error()
            .ok_or_else(|| Error::new(ErrorKind::Protocol, "expected a server error"))?;
        println!(
            "    SQLSTATE {} · constraint {:?} · detail {:?}",
            d.code(),
            d.constraint(),
            d.detail()
        );
        let count: i64 = db.query_one("SELECT count(*) FROM animals", &[]).await?.get(0)?;
        println!("    still {count} rows, same connection");
        Ok(())
    })
    .await?;

    step(
        n,
        "Honest types: an i64 for an int4 parameter is refused before sending",
        async {
            match db.query("SELECT * FROM animals WHERE id = $1", &[&1i64]).await {
                Err(e) if e.kind() == ErrorKind::Encode => println!("    {e}"),
                other => {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!("expected an encode error, got {other:?}"),
                    ));
                }
            }
            Ok(())
        },
    )
    .await?;

    step(
        n,
        "Notices go to a handler; LISTEN/NOTIFY is queued, never lost",
        async {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let sink = seen.clone();
            db.set_notice_handler(move |notice| {
                if let Ok(mut s) = sink.lock() {
                    s.push(notice.message().to_string());
                }
            });
            db.batch_execute("DO $$ BEGIN RAISE NOTICE 'hello from the server'; END $$")
                .await?;
            db.batch_execute("LISTEN demo; NOTIFY demo, 'trumpet'").await?;
            let notes = seen.lock().map(|s| s.clone()).unwrap_or_default();
            println!("    notices: {notes:?}");
            for n in db.take_notifications() {
                println!(
                    "    notification on \"{}\": {:?} from pid {}",
                    n.channel, n.payload, n.process_id
                );
            }
            Ok(())
        },
    )
    .await?;

    step(
        n,
        "Simple query protocol: several statements in one round trip",
        async {
            let msgs = db
                .simple_query("SELECT 1 AS a; SELECT 'two' AS b; SELECT count(*) FROM animals")
                .await?;
            let rows = msgs
                .iter()
                .filter(|m| matches!(m, tusk::SimpleQueryMessage::Row(_)))
                .count();
            println!("    {} messages, {rows} rows, every value as text", msgs.len());
            Ok(())
        },
    )
    .await
}
