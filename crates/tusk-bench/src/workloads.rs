//! The workloads, and how each driver runs them.
//!
//! A run is one workload by one driver in a process of its own: connect and prepare
//! (not timed), then the timed part between [`Meter::start`] and [`Meter::stop`]. Both
//! drivers get the same inputs (the same keys in the same order, the same rows) and
//! decode every column they receive, and each run returns a checksum of what it read so
//! the parent can check that the drivers saw the same data.

use crate::measure::{Meter, Span};
use futures::TryStreamExt;
use std::error::Error;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tusk::pipeline::SyncMode;

/// Any failure of a run.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// The prepared one-row SELECT of `point` and `pipeline`.
pub const POINT_SQL: &str = "SELECT id, name, score FROM bench_point WHERE id = $1";
/// The scan of `bigread` (the limit lets a smaller run use the same table).
pub const BIGREAD_SQL: &str = "SELECT a, b, c, d, e FROM bench_wide LIMIT $1";
/// The binary COPY of `copyin`.
pub const COPY_SQL: &str = "COPY bench_copy (a, b, c, d, e) FROM STDIN (FORMAT binary)";
/// The prepared INSERT of `insert`.
pub const INSERT_SQL: &str = "INSERT INTO bench_insert (a, b, c, d, e) VALUES ($1, $2, $3, $4, $5)";

/// Rows of `bench_point` at scale 1.
const POINT_ROWS: u64 = 100_000;
/// Untimed queries before the timed part of `point` and `pipeline`: the server's plan
/// for a prepared statement settles after its first few executions, and the process's
/// allocator grows to its working size.
const WARMUP: usize = 200;
/// Distinct text values written by `copyin` and `insert` (cycled).
const NAMES: usize = 256;

/// A benchmark workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// SCRAM over TCP: connect, then close.
    Connect,
    /// One-row prepared SELECT by random primary key, one at a time.
    Point,
    /// The same SELECT, all in flight at once.
    Pipeline,
    /// A million five-column rows streamed and decoded.
    BigRead,
    /// A million rows by binary COPY.
    CopyIn,
    /// Prepared single-row INSERTs in one transaction, one at a time.
    Insert,
}

impl Workload {
    /// Every workload, in the order they run.
    pub const ALL: [Workload; 6] = [
        Workload::Connect,
        Workload::Point,
        Workload::Pipeline,
        Workload::BigRead,
        Workload::CopyIn,
        Workload::Insert,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Connect => "connect",
            Workload::Point => "point",
            Workload::Pipeline => "pipeline",
            Workload::BigRead => "bigread",
            Workload::CopyIn => "copyin",
            Workload::Insert => "insert",
        }
    }

    /// The workload of a name.
    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// What is being done, for the report's headings.
    pub fn description(self) -> &'static str {
        match self {
            Workload::Connect => "SCRAM-SHA-256 over TCP: connect + close, sequential",
            Workload::Point => "prepared one-row SELECT by random primary key (100k-row table), sequential awaits",
            Workload::Pipeline => "the same SELECT, all queries in flight at once",
            Workload::BigRead => "stream rows of (int8, text, float8, timestamptz, bool), every column decoded",
            Workload::CopyIn => "binary COPY FROM STDIN of (int8, text, float8, timestamptz, bool) rows",
            Workload::Insert => "prepared single-row INSERTs in one transaction, sequential awaits",
        }
    }

    /// What one operation is.
    pub fn unit(self) -> &'static str {
        match self {
            Workload::Connect => "connections",
            Workload::Point | Workload::Pipeline => "queries",
            Workload::BigRead | Workload::CopyIn => "rows",
            Workload::Insert => "inserts",
        }
    }

    /// Operations of one run at scale 1.
    fn base_ops(self) -> u64 {
        match self {
            Workload::Connect => 200,
            Workload::Point | Workload::Pipeline => 20_000,
            Workload::BigRead | Workload::CopyIn => 1_000_000,
            Workload::Insert => 10_000,
        }
    }

    /// Operations of one run at `scale`.
    pub fn ops(self, scale: f64) -> u64 {
        scaled(self.base_ops(), scale)
    }

    /// The drivers that run this workload; the reference, tokio-postgres, comes last.
    pub fn drivers(self) -> &'static [Driver] {
        match self {
            Workload::Point => &[Driver::Tusk, Driver::TuskClient, Driver::TokioPostgres],
            Workload::Pipeline => &[Driver::Tusk, Driver::TuskAlt, Driver::TuskClient, Driver::TokioPostgres],
            Workload::BigRead | Workload::CopyIn => &[Driver::Tusk, Driver::TuskAlt, Driver::TokioPostgres],
            _ => &[Driver::Tusk, Driver::TokioPostgres],
        }
    }
}

/// `base * scale`, at least 1.
fn scaled(base: u64, scale: f64) -> u64 {
    ((base as f64 * scale).round() as u64).max(1)
}

/// Rows of `bench_point` at `scale` (at least 1,000, so keys stay spread).
pub fn point_rows(scale: f64) -> u64 {
    scaled(POINT_ROWS, scale).max(1_000)
}

/// A driver, or a way of using one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// `tusk::Connection` with its fastest API for the workload: for `pipeline` the
    /// explicit `Pipeline` with one Sync for the batch (`SyncMode::Batch`), for
    /// `bigread` rows read in place (`RowStream::next_ref`), for `copyin` tuples
    /// (`BinaryCopyInWriter::write_row`).
    Tusk,
    /// `tusk::Connection` with the API closer to tokio-postgres's, where the workload
    /// has two: a Sync per pipelined query (`SyncMode::PerItem`), owned rows
    /// (`RowStream::next`), `&[&dyn ToSql]` rows (`BinaryCopyInWriter::write`).
    TuskAlt,
    /// `tusk::Client`, the shared handle with a background task.
    TuskClient,
    /// tokio-postgres 0.7, the reference.
    TokioPostgres,
}

impl Driver {
    /// The name used on the (internal) command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Driver::Tusk => "tusk",
            Driver::TuskAlt => "tusk-alt",
            Driver::TuskClient => "tusk-client",
            Driver::TokioPostgres => "tokio-postgres",
        }
    }

    /// The driver of a name.
    pub fn parse(name: &str) -> Option<Driver> {
        [Driver::Tusk, Driver::TuskAlt, Driver::TuskClient, Driver::TokioPostgres]
            .into_iter()
            .find(|d| d.name() == name)
    }

    /// How the report names this driver in `workload`.
    pub fn label(self, workload: Workload) -> &'static str {
        match (self, workload) {
            (Driver::Tusk, Workload::Pipeline) => "tusk Pipeline, batch",
            (Driver::TuskAlt, Workload::Pipeline) => "tusk Pipeline, per item",
            (Driver::Tusk, Workload::BigRead) => "tusk next_ref",
            (Driver::TuskAlt, Workload::BigRead) => "tusk next (owned)",
            (Driver::Tusk, Workload::CopyIn) => "tusk write_row",
            (Driver::TuskAlt, Workload::CopyIn) => "tusk write (dyn)",
            (Driver::Tusk | Driver::TuskAlt, _) => "tusk Connection",
            (Driver::TuskClient, _) => "tusk Client",
            (Driver::TokioPostgres, _) => "tokio-postgres",
        }
    }
}

/// What the timed part of a run did.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// Operations done.
    pub ops: u64,
    /// Time and CPU of the timed part.
    pub span: Span,
    /// A sum over everything read (or the row count, for writes), equal for all drivers.
    pub checksum: u64,
}

/// Runs `workload` with `driver` against `conninfo`.
pub async fn run(workload: Workload, driver: Driver, conninfo: &str, scale: f64) -> Result<Outcome, BoxError> {
    let ops = workload.ops(scale);
    match driver {
        Driver::Tusk => tusk_conn::run(workload, conninfo, ops, scale, false).await,
        Driver::TuskAlt => tusk_conn::run(workload, conninfo, ops, scale, true).await,
        Driver::TuskClient => tusk_client::run(workload, conninfo, ops, scale).await,
        Driver::TokioPostgres => reference::run(workload, conninfo, ops, scale).await,
    }
}

// ---- Inputs and checksums, shared by all drivers ----------------------------------------

/// The primary keys `point` and `pipeline` look up: warm-up keys first, then `n` timed
/// ones, from a fixed xorshift sequence so every driver gets the same.
fn keys(n: u64, scale: f64) -> Vec<i64> {
    let rows = point_rows(scale);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..WARMUP as u64 + n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % rows) as i64 + 1
        })
        .collect()
}

/// The text values written by `copyin` and `insert`: 10 to 40 bytes.
fn names() -> Vec<String> {
    (0..NAMES)
        .map(|i| format!("name-{i:05}-{}", "x".repeat(i % 31)))
        .collect()
}

/// One row written by `copyin` and `insert`.
struct WideRow<'a> {
    a: i64,
    b: &'a str,
    c: f64,
    d: SystemTime,
    e: bool,
}

/// The `i`-th row written (cheap to make: no allocation).
fn wide_row(i: u64, names: &[String]) -> WideRow<'_> {
    WideRow {
        a: i as i64,
        b: &names[i as usize % names.len()],
        c: i as f64 * 0.25,
        d: UNIX_EPOCH + Duration::from_secs(1_700_000_000 + i),
        e: i.is_multiple_of(3),
    }
}

fn point_sum(id: i64, name: &str, score: f64) -> u64 {
    (id as u64)
        .wrapping_add(name.len() as u64)
        .wrapping_add(score.to_bits())
}

fn wide_sum(a: i64, b: &str, c: f64, d: SystemTime, e: bool) -> u64 {
    let micros = match d.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_micros() as u64,
        Err(before) => (before.duration().as_micros() as u64).wrapping_neg(),
    };
    (a as u64)
        .wrapping_add(b.len() as u64)
        .wrapping_add(c.to_bits())
        .wrapping_add(micros)
        .wrapping_add(u64::from(e))
}

fn check_rows(what: &str, expected: u64, got: u64) -> Result<(), BoxError> {
    if expected == got {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected} rows, got {got}").into())
    }
}

// ---- tusk::Connection -------------------------------------------------------------------

mod tusk_conn {
    use super::*;
    use tusk::types::Type;
    use tusk::{BinaryCopyInWriter, Connection};

    /// `alt`: the API closer to tokio-postgres's where the workload has two (see
    /// [`Driver::TuskAlt`]).
    pub async fn run(workload: Workload, conninfo: &str, n: u64, scale: f64, alt: bool) -> Result<Outcome, BoxError> {
        match workload {
            Workload::Connect => connect(conninfo, n).await,
            Workload::Point => point(conninfo, n, scale).await,
            Workload::Pipeline => {
                let mode = if alt { SyncMode::PerItem } else { SyncMode::Batch };
                pipeline(conninfo, n, scale, mode).await
            }
            Workload::BigRead => bigread(conninfo, n, !alt).await,
            Workload::CopyIn => copyin(conninfo, n, !alt).await,
            Workload::Insert => insert(conninfo, n).await,
        }
    }

    async fn connect(conninfo: &str, n: u64) -> Result<Outcome, BoxError> {
        let meter = Meter::start();
        for _ in 0..n {
            let conn = Connection::connect(conninfo).await?;
            conn.close().await?;
        }
        Ok(Outcome {
            ops: n,
            span: meter.stop(),
            checksum: n,
        })
    }

    async fn point(conninfo: &str, n: u64, scale: f64) -> Result<Outcome, BoxError> {
        let keys = keys(n, scale);
        let mut conn = Connection::connect(conninfo).await?;
        crate::measure::watch_server(conn.backend_pid());
        let stmt = conn.prepare(POINT_SQL).await?;
        for key in &keys[..WARMUP] {
            conn.query_one(&stmt, &[key]).await?;
        }
        let meter = Meter::start();
        let mut sum = 0u64;
        for key in &keys[WARMUP..] {
            let row = conn.query_one(&stmt, &[key]).await?;
            sum = sum.wrapping_add(point_sum(row.get(0)?, row.get(1)?, row.get(2)?));
        }
        let span = meter.stop();
        conn.close().await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: sum,
        })
    }

    async fn pipeline(conninfo: &str, n: u64, scale: f64, mode: SyncMode) -> Result<Outcome, BoxError> {
        let keys = keys(n, scale);
        let mut conn = Connection::connect(conninfo).await?;
        crate::measure::watch_server(conn.backend_pid());
        let stmt = conn.prepare(POINT_SQL).await?;
        let mut warm = conn.pipeline(mode);
        for key in &keys[..WARMUP] {
            warm.add(&stmt, &[key])?;
        }
        for result in warm.run().await? {
            result?;
        }

        let meter = Meter::start();
        let mut sum = 0u64;
        let mut got = 0u64;
        let mut p = conn.pipeline(mode);
        for key in &keys[WARMUP..] {
            p.add(&stmt, &[key])?;
        }
        let mut responses = p.send().await?;
        while let Some(result) = responses.next().await? {
            let result = result?;
            let row = result.rows.first().ok_or("a point query returned no row")?;
            sum = sum.wrapping_add(point_sum(row.get(0)?, row.get(1)?, row.get(2)?));
            got += 1;
        }
        let span = meter.stop();
        check_rows("pipeline", n, got)?;
        conn.close().await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: sum,
        })
    }

    /// `bigread`, reading rows in place (`RowStream::next_ref`) or owned (`next`).
    async fn bigread(conninfo: &str, n: u64, in_place: bool) -> Result<Outcome, BoxError> {
        let mut conn = Connection::connect(conninfo).await?;
        crate::measure::watch_server(conn.backend_pid());
        let stmt = conn.prepare(BIGREAD_SQL).await?;
        let meter = Meter::start();
        let mut sum = 0u64;
        let mut got = 0u64;
        let limit = n as i64;
        let mut rows = conn.query_stream(&stmt, &[&limit]).await?;
        // `Row` and `RowRef` have the same accessors but are different types.
        macro_rules! add_row {
            ($row:expr) => {{
                let row = $row?;
                sum = sum.wrapping_add(wide_sum(
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ));
                got += 1;
            }};
        }
        if in_place {
            while let Some(row) = rows.next_ref().await {
                add_row!(row);
            }
        } else {
            while let Some(row) = rows.next().await {
                add_row!(row);
            }
        }
        drop(rows);
        let span = meter.stop();
        check_rows("bigread", n, got)?;
        conn.close().await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: sum,
        })
    }

    /// `copyin`, writing rows as tuples (`BinaryCopyInWriter::write_row`) or as
    /// `&[&dyn ToSql]` slices (`write`).
    async fn copyin(conninfo: &str, n: u64, tuples: bool) -> Result<Outcome, BoxError> {
        let names = names();
        let mut conn = Connection::connect(conninfo).await?;
        crate::measure::watch_server(conn.backend_pid());
        conn.batch_execute("TRUNCATE bench_copy").await?;
        let meter = Meter::start();
        let copy = conn.copy_in(COPY_SQL).await?;
        let types = [Type::INT8, Type::TEXT, Type::FLOAT8, Type::TIMESTAMPTZ, Type::BOOL];
        let mut writer = BinaryCopyInWriter::new(copy, &types)?;
        // Two loops, not a branch in one: each API is timed in a loop of its own.
        if tuples {
            for r in (0..n).map(|i| wide_row(i, &names)) {
                writer.write_row(&(r.a, r.b, r.c, r.d, r.e)).await?;
            }
        } else {
            for r in (0..n).map(|i| wide_row(i, &names)) {
                writer.write(&[&r.a, &r.b, &r.c, &r.d, &r.e]).await?;
            }
        }
        let rows = writer.finish().await?;
        let span = meter.stop();
        check_rows("copyin", n, rows)?;
        conn.batch_execute("TRUNCATE bench_copy").await?;
        conn.close().await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: rows,
        })
    }

    async fn insert(conninfo: &str, n: u64) -> Result<Outcome, BoxError> {
        let names = names();
        let mut conn = Connection::connect(conninfo).await?;
        crate::measure::watch_server(conn.backend_pid());
        conn.batch_execute("TRUNCATE bench_insert").await?;
        let stmt = conn.prepare(INSERT_SQL).await?;
        let meter = Meter::start();
        let mut rows = 0;
        conn.batch_execute("BEGIN").await?;
        for i in 0..n {
            let r = wide_row(i, &names);
            rows += conn.execute(&stmt, &[&r.a, &r.b, &r.c, &r.d, &r.e]).await?;
        }
        conn.batch_execute("COMMIT").await?;
        let span = meter.stop();
        check_rows("insert", n, rows)?;
        conn.batch_execute("TRUNCATE bench_insert").await?;
        conn.close().await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: rows,
        })
    }
}

// ---- tusk::Client -----------------------------------------------------------------------

mod tusk_client {
    use super::*;
    use tusk::Client;

    pub async fn run(workload: Workload, conninfo: &str, n: u64, scale: f64) -> Result<Outcome, BoxError> {
        match workload {
            Workload::Point => point(conninfo, n, scale).await,
            Workload::Pipeline => pipeline(conninfo, n, scale).await,
            other => Err(format!("the tusk Client does not run workload {}", other.name()).into()),
        }
    }

    async fn point(conninfo: &str, n: u64, scale: f64) -> Result<Outcome, BoxError> {
        let keys = keys(n, scale);
        let client = Client::connect(conninfo).await?;
        crate::measure::watch_server(client.backend_pid());
        let stmt = client.prepare(POINT_SQL).await?;
        for key in &keys[..WARMUP] {
            client.query_one(&stmt, &[key]).await?;
        }
        let meter = Meter::start();
        let mut sum = 0u64;
        for key in &keys[WARMUP..] {
            let row = client.query_one(&stmt, &[key]).await?;
            sum = sum.wrapping_add(point_sum(row.get(0)?, row.get(1)?, row.get(2)?));
        }
        Ok(Outcome {
            ops: n,
            span: meter.stop(),
            checksum: sum,
        })
    }

    async fn pipeline(conninfo: &str, n: u64, scale: f64) -> Result<Outcome, BoxError> {
        let keys = keys(n, scale);
        let client = Client::connect(conninfo).await?;
        crate::measure::watch_server(client.backend_pid());
        let stmt = client.prepare(POINT_SQL).await?;
        let (client, stmt) = (&client, &stmt);
        let warm = keys[..WARMUP]
            .iter()
            .map(|key| async move { client.query_one(stmt, &[key]).await });
        for result in futures::future::join_all(warm).await {
            result?;
        }

        let meter = Meter::start();
        let queries = keys[WARMUP..]
            .iter()
            .map(|key| async move { client.query_one(stmt, &[key]).await });
        let mut sum = 0u64;
        let mut got = 0u64;
        for row in futures::future::join_all(queries).await {
            let row = row?;
            sum = sum.wrapping_add(point_sum(row.get(0)?, row.get(1)?, row.get(2)?));
            got += 1;
        }
        let span = meter.stop();
        check_rows("pipeline", n, got)?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: sum,
        })
    }
}

// ---- tokio-postgres, the reference ------------------------------------------------------

mod reference {
    use super::*;
    use tokio::task::JoinHandle;
    use tokio_postgres::binary_copy::BinaryCopyInWriter;
    use tokio_postgres::types::Type;
    use tokio_postgres::{Client, NoTls};

    pub async fn run(workload: Workload, conninfo: &str, n: u64, scale: f64) -> Result<Outcome, BoxError> {
        match workload {
            Workload::Connect => connect(conninfo, n).await,
            Workload::Point => point(conninfo, n, scale).await,
            Workload::Pipeline => pipeline(conninfo, n, scale).await,
            Workload::BigRead => bigread(conninfo, n).await,
            Workload::CopyIn => copyin(conninfo, n).await,
            Workload::Insert => insert(conninfo, n).await,
        }
    }

    type Driven = JoinHandle<Result<(), tokio_postgres::Error>>;

    /// Connects and spawns the connection future, as tokio-postgres requires.
    async fn open(conninfo: &str) -> Result<(Client, Driven), BoxError> {
        let (client, connection) = tokio_postgres::connect(conninfo, NoTls).await?;
        Ok((client, tokio::spawn(connection)))
    }

    /// [`open`], and watches the server backend's CPU time.
    async fn open_watched(conninfo: &str) -> Result<(Client, Driven), BoxError> {
        let (client, driven) = open(conninfo).await?;
        let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).await?.try_get(0)?;
        crate::measure::watch_server(pid);
        Ok((client, driven))
    }

    /// Drops the client, which makes the connection send Terminate and end.
    async fn close(client: Client, driven: Driven) -> Result<(), BoxError> {
        drop(client);
        driven.await??;
        Ok(())
    }

    async fn connect(conninfo: &str, n: u64) -> Result<Outcome, BoxError> {
        let meter = Meter::start();
        for _ in 0..n {
            let (client, driven) = open(conninfo).await?;
            close(client, driven).await?;
        }
        Ok(Outcome {
            ops: n,
            span: meter.stop(),
            checksum: n,
        })
    }

    async fn point(conninfo: &str, n: u64, scale: f64) -> Result<Outcome, BoxError> {
        let keys = keys(n, scale);
        let (client, driven) = open_watched(conninfo).await?;
        let stmt = client.prepare(POINT_SQL).await?;
        for key in &keys[..WARMUP] {
            client.query_one(&stmt, &[key]).await?;
        }
        let meter = Meter::start();
        let mut sum = 0u64;
        for key in &keys[WARMUP..] {
            let row = client.query_one(&stmt, &[key]).await?;
            sum = sum.wrapping_add(point_sum(row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
        }
        let span = meter.stop();
        close(client, driven).await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: sum,
        })
    }

    async fn pipeline(conninfo: &str, n: u64, scale: f64) -> Result<Outcome, BoxError> {
        let keys = keys(n, scale);
        let (client, driven) = open_watched(conninfo).await?;
        let stmt = client.prepare(POINT_SQL).await?;
        {
            let (client, stmt) = (&client, &stmt);
            let warm = keys[..WARMUP]
                .iter()
                .map(|key| async move { client.query_one(stmt, &[key]).await });
            for result in futures::future::join_all(warm).await {
                result?;
            }
        }

        let meter = Meter::start();
        let mut sum = 0u64;
        let mut got = 0u64;
        {
            let (client, stmt) = (&client, &stmt);
            let queries = keys[WARMUP..]
                .iter()
                .map(|key| async move { client.query_one(stmt, &[key]).await });
            for row in futures::future::join_all(queries).await {
                let row = row?;
                sum = sum.wrapping_add(point_sum(row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
                got += 1;
            }
        }
        let span = meter.stop();
        check_rows("pipeline", n, got)?;
        close(client, driven).await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: sum,
        })
    }

    async fn bigread(conninfo: &str, n: u64) -> Result<Outcome, BoxError> {
        let (client, driven) = open_watched(conninfo).await?;
        let stmt = client.prepare(BIGREAD_SQL).await?;
        let meter = Meter::start();
        let mut sum = 0u64;
        let mut got = 0u64;
        let rows = client.query_raw(&stmt, std::iter::once(n as i64)).await?;
        futures::pin_mut!(rows);
        while let Some(row) = rows.try_next().await? {
            sum = sum.wrapping_add(wide_sum(
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                row.try_get(4)?,
            ));
            got += 1;
        }
        let span = meter.stop();
        check_rows("bigread", n, got)?;
        close(client, driven).await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: sum,
        })
    }

    async fn copyin(conninfo: &str, n: u64) -> Result<Outcome, BoxError> {
        let names = names();
        let (client, driven) = open_watched(conninfo).await?;
        client.batch_execute("TRUNCATE bench_copy").await?;
        let meter = Meter::start();
        let sink = client.copy_in(COPY_SQL).await?;
        let types = [Type::INT8, Type::TEXT, Type::FLOAT8, Type::TIMESTAMPTZ, Type::BOOL];
        let writer = BinaryCopyInWriter::new(sink, &types);
        futures::pin_mut!(writer);
        for i in 0..n {
            let r = wide_row(i, &names);
            writer.as_mut().write(&[&r.a, &r.b, &r.c, &r.d, &r.e]).await?;
        }
        let rows = writer.finish().await?;
        let span = meter.stop();
        check_rows("copyin", n, rows)?;
        client.batch_execute("TRUNCATE bench_copy").await?;
        close(client, driven).await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: rows,
        })
    }

    async fn insert(conninfo: &str, n: u64) -> Result<Outcome, BoxError> {
        let names = names();
        let (client, driven) = open_watched(conninfo).await?;
        client.batch_execute("TRUNCATE bench_insert").await?;
        let stmt = client.prepare(INSERT_SQL).await?;
        let meter = Meter::start();
        let mut rows = 0;
        client.batch_execute("BEGIN").await?;
        for i in 0..n {
            let r = wide_row(i, &names);
            rows += client.execute(&stmt, &[&r.a, &r.b, &r.c, &r.d, &r.e]).await?;
        }
        client.batch_execute("COMMIT").await?;
        let span = meter.stop();
        check_rows("insert", n, rows)?;
        client.batch_execute("TRUNCATE bench_insert").await?;
        close(client, driven).await?;
        Ok(Outcome {
            ops: n,
            span,
            checksum: rows,
        })
    }
}
