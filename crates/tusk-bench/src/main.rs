//! `tusk-bench`: tusk and tokio-postgres side by side, against one throwaway cluster.
//!
//! The parent process starts a PostgreSQL cluster with tusk-testkit, fills the tables,
//! then for each workload runs every driver in turn, round after round (A B A B …), and
//! prints medians and the ratios tusk / tokio-postgres.
//!
//! **Every run is a child process**: the binary re-executes itself with `--child
//! WORKLOAD --driver DRIVER`, and the child connects, runs the workload once on a
//! current-thread tokio runtime and prints one `RESULT {json}` line. That is what makes
//! the three figures honest:
//! - CPU per operation is the child's `getrusage(RUSAGE_SELF)` user + system time around
//!   the timed part; with one thread, that is the driver (plus a loop common to both).
//! - Peak RSS is the child's `ru_maxrss`, which is per process and only ever grows: in a
//!   fresh process it is the peak of this run alone. (In one long-lived process it would
//!   be the peak of everything before, and resetting the high-water mark with
//!   `/proc/self/clear_refs` would still count memory the allocator kept from earlier
//!   runs as "already resident", hiding a later run's growth.)
//! - Nothing one driver leaves behind (heap fragmentation, caches, tasks) can slow or
//!   speed up the other.
//!
//! The same keys, rows and SQL go to both drivers, both decode every column, and each run
//! reports a checksum of what it read; the parent says so if the drivers disagree.
//!
//! Time on a shared two-core machine is noisy, so `--instructions` adds a figure that is
//! not: instructions per operation under callgrind (see [`count_instructions`]). And
//! `--wrap` runs each child under a profiler of your choice.

mod affinity;
mod measure;
mod report;
mod workloads;

use clap::Parser;
use report::{Report, RunRecord, WorkloadReport};
use std::process::{Command, ExitCode, Stdio};
use tusk_testkit::{Cluster, ClusterOptions, Role, Transport};
use workloads::{Driver, Workload};

/// How much `--quick` shrinks every workload.
const QUICK_SCALE: f64 = 0.05;

/// Benchmark tusk against tokio-postgres on a throwaway PostgreSQL cluster.
#[derive(Parser, Debug)]
#[command(name = "tusk-bench", version, about)]
struct Args {
    /// Rounds per workload; each round runs every driver once, interleaved.
    #[arg(long, default_value_t = 3)]
    rounds: usize,

    /// Workloads to run, comma-separated: connect, point, pipeline, bigread, copyin,
    /// insert (default: all).
    #[arg(long, value_delimiter = ',')]
    workloads: Vec<String>,

    /// Multiply every workload's size by this (1 = the full sizes).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,

    /// A smoke run: every size divided by 20 (combines with --scale).
    #[arg(long)]
    quick: bool,

    /// PostgreSQL major version to run against (default: the newest installed).
    #[arg(long)]
    pg: Option<u32>,

    /// Print the results as JSON on stdout instead of tables.
    #[arg(long)]
    json: bool,

    /// Pin the server to one core and each benchmark run to another (default: let the
    /// scheduler place them; see affinity.rs for when this helps).
    #[arg(long)]
    pin: bool,

    /// Internal: the CPU a --child run pins itself to.
    #[arg(long, hide = true)]
    pin_cpu: Option<usize>,

    /// Also count instructions per operation under valgrind's callgrind (one extra pair of
    /// runs per driver, at most --quick size): a figure that other load cannot disturb.
    #[arg(long)]
    instructions: bool,

    /// Run each child under this command, for profiling; `{run}` in it becomes
    /// WORKLOAD-DRIVER-ROUND, e.g. `--wrap 'perf record -e cpu-clock -g -o /tmp/{run}.data --'`.
    /// The figures of a wrapped run measure the wrapper too.
    #[arg(long, value_name = "COMMAND")]
    wrap: Option<String>,

    /// Internal: run one workload in this process and print its RESULT line.
    #[arg(long, hide = true, requires_all = ["driver", "conninfo"])]
    child: Option<String>,

    /// Internal: the driver of a --child run.
    #[arg(long, hide = true)]
    driver: Option<String>,

    /// Internal: where a --child run connects.
    #[arg(long, hide = true)]
    conninfo: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.child {
        Some(workload) => child(&args, workload),
        None => parent(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tusk-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

type AnyResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

impl Args {
    fn effective_scale(&self) -> f64 {
        if self.quick {
            self.scale * QUICK_SCALE
        } else {
            self.scale
        }
    }

    fn selected_workloads(&self) -> AnyResult<Vec<Workload>> {
        if self.workloads.is_empty() {
            return Ok(Workload::ALL.to_vec());
        }
        let mut out = Vec::new();
        for name in &self.workloads {
            let name = name.trim();
            let w = Workload::parse(name).ok_or_else(|| {
                let known: Vec<_> = Workload::ALL.iter().map(|w| w.name()).collect();
                format!("unknown workload {name:?} (known: {})", known.join(", "))
            })?;
            if !out.contains(&w) {
                out.push(w);
            }
        }
        // Always in the canonical order, whatever the command line's.
        out.sort_by_key(|w| Workload::ALL.iter().position(|x| x == w));
        Ok(out)
    }
}

// ---- The child: one run -----------------------------------------------------------------

fn child(args: &Args, workload: &str) -> AnyResult<()> {
    let workload = Workload::parse(workload).ok_or_else(|| format!("unknown workload {workload:?}"))?;
    let driver = args.driver.as_deref().unwrap_or_default();
    let driver = Driver::parse(driver).ok_or_else(|| format!("unknown driver {driver:?}"))?;
    let conninfo = args.conninfo.as_deref().unwrap_or_default();
    let scale = args.effective_scale();
    if let Some(cpu) = args.pin_cpu {
        // Before the runtime exists, so any thread it starts inherits the setting.
        affinity::pin(0, cpu).map_err(|e| format!("cannot pin the run to CPU {cpu}: {e}"))?;
    }

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let base_rss_kib = measure::current_rss_kib();
    let outcome = runtime.block_on(workloads::run(workload, driver, conninfo, scale))?;
    drop(runtime);
    let peak = measure::usage().max_rss_kib;

    let record = serde_json::json!({
        "ops": outcome.ops,
        "wall_s": outcome.span.wall.as_secs_f64(),
        "user_s": outcome.span.user.as_secs_f64(),
        "sys_s": outcome.span.sys.as_secs_f64(),
        "server_s": outcome.span.server.map(|d| d.as_secs_f64()),
        "peak_rss_kib": peak,
        "base_rss_kib": base_rss_kib,
        "checksum": outcome.checksum,
    });
    println!("RESULT {record}");
    Ok(())
}

// ---- The parent: cluster, rounds, report ------------------------------------------------

fn parent(args: &Args) -> AnyResult<()> {
    if args.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    if !(args.scale > 0.0 && args.scale.is_finite()) {
        return Err("--scale must be a positive number".into());
    }
    let workloads = args.selected_workloads()?;
    let scale = args.effective_scale();
    if args.instructions && Command::new("valgrind").arg("--version").output().is_err() {
        return Err("--instructions needs valgrind (apt-get install valgrind)".into());
    }

    let installations = tusk_testkit::installations();
    let installation = match args.pg {
        Some(major) => installations.iter().find(|i| i.major == major).ok_or_else(|| {
            let found: Vec<_> = installations.iter().map(|i| i.major.to_string()).collect();
            format!(
                "PostgreSQL {major} is not installed (found: {}); run scripts/install-postgres",
                found.join(", ")
            )
        })?,
        None => installations
            .last()
            .ok_or("no PostgreSQL installation found; run scripts/install-postgres")?,
    };

    eprintln!(
        "starting PostgreSQL {} from {} ...",
        installation.version,
        installation.bin_dir.display()
    );
    let options = ClusterOptions::default()
        // Benchmark tables are vacuumed by hand; a background vacuum would steal CPU from
        // whichever run happens to be going.
        .conf("autovacuum = off")
        .conf("shared_buffers = 256MB");
    let cluster = Cluster::start(installation, options)?;
    let db = cluster.fresh_database()?;
    setup_tables(&cluster, &db, &workloads, scale)?;
    let conninfo = cluster.conninfo(Role::Scram, Transport::Tcp, &db);
    let pinning = if args.pin { pin_server(&cluster) } else { None };

    let mut report = Report::new(&cluster, args.rounds, scale, pinning);
    for &workload in &workloads {
        report
            .workloads
            .push(run_workload(workload, &conninfo, args, scale, pinning));
    }
    report.finish();
    drop(cluster);

    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json())?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}

/// Creates and fills the tables the chosen workloads need, as superuser, and lets the
/// SCRAM role (the one the drivers log in as) use them.
fn setup_tables(cluster: &Cluster, db: &str, workloads: &[Workload], scale: f64) -> AnyResult<()> {
    let has = |w: Workload| workloads.contains(&w);
    let mut read_tables = Vec::new();
    if has(Workload::Point) || has(Workload::Pipeline) {
        let rows = workloads::point_rows(scale);
        eprintln!("filling bench_point ({rows} rows) ...");
        cluster.psql_in(
            db,
            &format!(
                "CREATE TABLE bench_point (id int8 PRIMARY KEY, name text NOT NULL, score float8 NOT NULL);
                 INSERT INTO bench_point SELECT g, 'name-' || g, g * 0.5 FROM generate_series(1, {rows}) g;"
            ),
        )?;
        read_tables.push("bench_point");
    }
    if has(Workload::BigRead) {
        let rows = Workload::BigRead.ops(scale);
        eprintln!("filling bench_wide ({rows} rows) ...");
        cluster.psql_in(
            db,
            &format!(
                "CREATE TABLE bench_wide (a int8 NOT NULL, b text NOT NULL, c float8 NOT NULL,
                                          d timestamptz NOT NULL, e bool NOT NULL);
                 INSERT INTO bench_wide
                 SELECT g, 'name-' || lpad((g % 100000)::text, 5, '0') || '-' || repeat('x', (g % 31)::int),
                        g * 0.25, timestamptz '2023-11-14 22:13:20+00' + g * interval '1 second', g % 3 = 0
                 FROM generate_series(1, {rows}) g;"
            ),
        )?;
        read_tables.push("bench_wide");
    }
    // Write targets are UNLOGGED: the server's WAL work is not what is measured, and on
    // two shared cores it would only add noise to the client's figures.
    if has(Workload::CopyIn) {
        cluster.psql_in(
            db,
            "CREATE UNLOGGED TABLE bench_copy (a int8, b text, c float8, d timestamptz, e bool)",
        )?;
    }
    if has(Workload::Insert) {
        cluster.psql_in(
            db,
            "CREATE UNLOGGED TABLE bench_insert (a int8 PRIMARY KEY, b text, c float8, d timestamptz, e bool)",
        )?;
    }
    // Set hint bits and freeze now, so that the first run to read a table does not pay for
    // it; VACUUM cannot run in the multi-statement transaction above.
    for table in read_tables {
        cluster.psql_in(db, &format!("VACUUM (FREEZE, ANALYZE) {table}"))?;
    }
    let role = Role::Scram.info().name;
    cluster.psql_in(db, &format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}"))?;
    Ok(())
}

/// Pins the server to the first allowed CPU and returns `(server CPU, client CPU)`, or
/// `None` (with a note) when there are fewer than two CPUs or pinning fails.
fn pin_server(cluster: &Cluster) -> Option<(usize, usize)> {
    let cpus = affinity::allowed_cpus();
    let (&server, &client) = (cpus.first()?, cpus.get(1)?);
    let pid_file = cluster.data_dir().join("postmaster.pid");
    let postmaster = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|text| text.lines().next()?.trim().parse::<libc::pid_t>().ok());
    let Some(postmaster) = postmaster else {
        eprintln!("note: cannot read {}; running unpinned", pid_file.display());
        return None;
    };
    match affinity::pin_tree(postmaster, server) {
        Ok(n) => {
            eprintln!("pinned the server ({n} processes) to CPU {server}, benchmark runs to CPU {client}");
            Some((server, client))
        }
        Err(e) => {
            eprintln!("note: cannot pin the server to CPU {server} ({e}); running unpinned");
            None
        }
    }
}

/// Runs every round of one workload; a failing run ends the workload, not the benchmark.
fn run_workload(
    workload: Workload,
    conninfo: &str,
    args: &Args,
    scale: f64,
    pinning: Option<(usize, usize)>,
) -> WorkloadReport {
    let mut report = WorkloadReport::new(workload, scale);
    for round in 0..args.rounds {
        for &driver in workload.drivers() {
            match run_child(
                workload,
                driver,
                round,
                conninfo,
                args,
                pinning.map(|(_, client)| client),
            ) {
                Ok(run) => {
                    eprintln!(
                        "{:<9} round {}/{} {:<16} {:>12.0} ops/s {:>9.3} µs CPU/op {:>8.1} MiB peak",
                        workload.name(),
                        round + 1,
                        args.rounds,
                        driver.label(workload),
                        run.ops_per_sec(),
                        run.cpu_us_per_op(),
                        run.peak_rss_kib as f64 / 1024.0,
                    );
                    report.push(driver, run);
                }
                Err(e) => {
                    eprintln!(
                        "{:<9} round {}/{} {}: FAILED: {e}",
                        workload.name(),
                        round + 1,
                        args.rounds,
                        driver.name()
                    );
                    report.failure = Some(format!("{}: {e}", driver.label(workload)));
                    return report;
                }
            }
        }
    }
    if args.instructions {
        // At most the quick size: valgrind runs the child some 50 times slower.
        let scale = scale.min(QUICK_SCALE);
        for &driver in workload.drivers() {
            match count_instructions(workload, driver, conninfo, scale) {
                Ok(per_op) => {
                    eprintln!(
                        "{:<9} callgrind {:<16} {per_op:>12.0} instructions/op",
                        workload.name(),
                        driver.label(workload)
                    );
                    report.instructions.push((driver, per_op));
                }
                Err(e) => {
                    eprintln!("{:<9} callgrind {}: FAILED: {e}", workload.name(), driver.name());
                    report.failure = Some(format!("{} (instruction count): {e}", driver.label(workload)));
                    return report;
                }
            }
        }
    }
    report
}

/// One child process to start.
struct ChildRun<'a> {
    workload: Workload,
    driver: Driver,
    conninfo: &'a str,
    /// The child's `--scale` (already including `--quick`'s factor).
    scale: f64,
    pin_cpu: Option<usize>,
    /// A command to run the child under (program first), or nothing.
    wrapper: Vec<String>,
}

impl ChildRun<'_> {
    /// Runs the child and returns its RESULT and what it printed on stderr (which is also
    /// passed on to ours).
    fn run(&self) -> AnyResult<(RunRecord, String)> {
        let exe = std::env::current_exe()?;
        let mut cmd = match self.wrapper.split_first() {
            Some((program, wrapper_args)) => {
                let mut cmd = Command::new(program);
                cmd.args(wrapper_args).arg(exe);
                cmd
            }
            None => Command::new(exe),
        };
        cmd.args(["--child", self.workload.name(), "--driver", self.driver.name()]);
        cmd.args(["--conninfo", self.conninfo, "--scale", &self.scale.to_string()]);
        if let Some(cpu) = self.pin_cpu {
            cmd.args(["--pin-cpu", &cpu.to_string()]);
        }
        let output = cmd.stdin(Stdio::null()).output()?;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if !output.status.success() {
            eprint!("{stderr}");
            return Err(format!("the child run exited with {}", output.status).into());
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("RESULT "))
            .ok_or("the child run printed no RESULT line")?;
        Ok((RunRecord::parse(line)?, stderr))
    }
}

/// Runs one timed run of a workload with one driver in a child process.
fn run_child(
    workload: Workload,
    driver: Driver,
    round: usize,
    conninfo: &str,
    args: &Args,
    pin_cpu: Option<usize>,
) -> AnyResult<RunRecord> {
    let run = format!("{}-{}-{}", workload.name(), driver.name(), round + 1);
    let wrapper = match &args.wrap {
        Some(w) => w.split_whitespace().map(|word| word.replace("{run}", &run)).collect(),
        None => Vec::new(),
    };
    let child = ChildRun {
        workload,
        driver,
        conninfo,
        scale: args.effective_scale(),
        pin_cpu,
        wrapper,
    };
    let (record, stderr) = child.run()?;
    eprint!("{stderr}");
    Ok(record)
}

/// Instructions per operation of one driver on one workload, counted by valgrind's
/// callgrind: the child runs twice, at `scale` and at a fifth of it, and the difference
/// of the two totals over the difference of the operation counts is what one more
/// operation costs — connecting, preparing and the runtime's start-up cancel out.
///
/// Unlike CPU time this does not depend on what else the machine is doing, so it is the
/// figure to trust on a busy two-core box; it does not see cache misses, system calls'
/// kernel time or waiting.
fn count_instructions(workload: Workload, driver: Driver, conninfo: &str, scale: f64) -> AnyResult<f64> {
    let counted = |scale: f64| -> AnyResult<(u64, u64)> {
        let out_file = std::env::temp_dir().join(format!("tusk-bench-callgrind-{}.out", std::process::id()));
        let child = ChildRun {
            workload,
            driver,
            conninfo,
            scale,
            pin_cpu: None,
            wrapper: vec![
                "valgrind".to_owned(),
                "--tool=callgrind".to_owned(),
                format!("--callgrind-out-file={}", out_file.display()),
            ],
        };
        let result = child.run();
        let _ = std::fs::remove_file(&out_file);
        let (record, stderr) = result?;
        // callgrind ends with "==PID== Collected : 123456789".
        let total = stderr
            .lines()
            .find_map(|l| l.split_once("Collected :").map(|(_, n)| n.trim().replace(',', "")))
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or("callgrind printed no \"Collected\" total")?;
        Ok((record.ops, total))
    };
    let (big_ops, big) = counted(scale)?;
    let (small_ops, small) = counted(scale / 5.0)?;
    if big_ops <= small_ops {
        return Err("the instruction runs are too small to tell apart; raise --scale".into());
    }
    Ok((big as f64 - small as f64) / (big_ops - small_ops) as f64)
}
