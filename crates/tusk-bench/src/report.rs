//! Collecting runs and printing them: tables for people, JSON for machines.
//!
//! Figures per driver are medians over rounds. A ratio is the median of the per-round
//! ratios (tusk's run of round *r* over tokio-postgres's run of round *r*): the two runs
//! of a round are back to back, so whatever drifts during the benchmark (other load,
//! the server's caches) mostly cancels out.

use crate::workloads::{Driver, Workload};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};
use tusk_testkit::Cluster;

type AnyResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What one child run reported.
#[derive(Debug, Clone, Copy)]
pub struct RunRecord {
    pub ops: u64,
    pub wall_s: f64,
    pub user_s: f64,
    pub sys_s: f64,
    /// CPU time of the server backend, when the run could read it.
    pub server_s: Option<f64>,
    pub peak_rss_kib: u64,
    pub base_rss_kib: u64,
    pub checksum: u64,
}

impl RunRecord {
    /// Reads the JSON of a child's `RESULT` line.
    pub fn parse(line: &str) -> AnyResult<RunRecord> {
        let v: Value = serde_json::from_str(line)?;
        let f = |k: &str| v[k].as_f64().ok_or_else(|| format!("RESULT lacks {k}"));
        let u = |k: &str| v[k].as_u64().ok_or_else(|| format!("RESULT lacks {k}"));
        let record = RunRecord {
            ops: u("ops")?,
            wall_s: f("wall_s")?,
            user_s: f("user_s")?,
            sys_s: f("sys_s")?,
            server_s: v["server_s"].as_f64(),
            peak_rss_kib: u("peak_rss_kib")?,
            base_rss_kib: u("base_rss_kib")?,
            checksum: u("checksum")?,
        };
        if record.ops == 0 || record.wall_s <= 0.0 {
            return Err("RESULT reports no work".into());
        }
        Ok(record)
    }

    pub fn ops_per_sec(&self) -> f64 {
        self.ops as f64 / self.wall_s
    }

    pub fn cpu_us_per_op(&self) -> f64 {
        (self.user_s + self.sys_s) * 1e6 / self.ops as f64
    }

    /// The server backend's CPU µs per operation, if known.
    fn server_us_per_op(&self) -> Option<f64> {
        Some(self.server_s? * 1e6 / self.ops as f64)
    }

    fn peak_rss_mib(&self) -> f64 {
        self.peak_rss_kib as f64 / 1024.0
    }

    fn to_json(self) -> Value {
        json!({
            "ops": self.ops,
            "wall_s": self.wall_s,
            "user_s": self.user_s,
            "sys_s": self.sys_s,
            "server_s": self.server_s,
            "ops_per_sec": self.ops_per_sec(),
            "cpu_us_per_op": self.cpu_us_per_op(),
            "peak_rss_kib": self.peak_rss_kib,
            "base_rss_kib": self.base_rss_kib,
        })
    }
}

/// The median of some figures (the mean of the middle two for an even count).
fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[mid]
    } else {
        (xs[mid - 1] + xs[mid]) / 2.0
    }
}

/// The three figures of a driver, or three ratios.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub ops_per_sec: f64,
    pub cpu_us_per_op: f64,
    pub peak_rss_mib: f64,
}

impl Figures {
    fn to_json(self) -> Value {
        json!({
            "ops_per_sec": finite(self.ops_per_sec),
            "cpu_us_per_op": finite(self.cpu_us_per_op),
            "peak_rss_mib": finite(self.peak_rss_mib),
        })
    }
}

/// CPU µs per operation with three significant digits or so: bulk workloads spend
/// fractions of a microsecond per row.
fn cpu(us: f64) -> String {
    if us < 1.0 {
        format!("{us:.3}")
    } else if us < 100.0 {
        format!("{us:.2}")
    } else {
        format!("{us:.1}")
    }
}

/// NaN and infinities are not JSON numbers: they become `null`.
fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// All runs of one workload.
pub struct WorkloadReport {
    pub workload: Workload,
    pub ops: u64,
    /// Each driver's runs, one per round, in the workload's driver order.
    pub runs: Vec<(Driver, Vec<RunRecord>)>,
    /// Instructions per operation, counted by callgrind (`--instructions`).
    pub instructions: Vec<(Driver, f64)>,
    /// Why the workload stopped early, if it did.
    pub failure: Option<String>,
}

impl WorkloadReport {
    pub fn new(workload: Workload, scale: f64) -> WorkloadReport {
        WorkloadReport {
            workload,
            ops: workload.ops(scale),
            runs: workload.drivers().iter().map(|&d| (d, Vec::new())).collect(),
            instructions: Vec::new(),
            failure: None,
        }
    }

    pub fn push(&mut self, driver: Driver, run: RunRecord) {
        if let Some((_, runs)) = self.runs.iter_mut().find(|(d, _)| *d == driver) {
            runs.push(run);
        }
    }

    fn runs_of(&self, driver: Driver) -> &[RunRecord] {
        self.runs
            .iter()
            .find(|(d, _)| *d == driver)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[])
    }

    /// Medians over a driver's rounds.
    pub fn medians(&self, driver: Driver) -> Figures {
        let runs = self.runs_of(driver);
        Figures {
            ops_per_sec: median(runs.iter().map(RunRecord::ops_per_sec).collect()),
            cpu_us_per_op: median(runs.iter().map(RunRecord::cpu_us_per_op).collect()),
            peak_rss_mib: median(runs.iter().map(RunRecord::peak_rss_mib).collect()),
        }
    }

    /// `driver` over tokio-postgres, round by round.
    pub fn round_ratios(&self, driver: Driver) -> Vec<Figures> {
        let ours = self.runs_of(driver);
        let theirs = self.runs_of(Driver::TokioPostgres);
        ours.iter()
            .zip(theirs)
            .map(|(a, b)| Figures {
                ops_per_sec: a.ops_per_sec() / b.ops_per_sec(),
                cpu_us_per_op: a.cpu_us_per_op() / b.cpu_us_per_op(),
                peak_rss_mib: a.peak_rss_mib() / b.peak_rss_mib(),
            })
            .collect()
    }

    /// `driver` over tokio-postgres: medians of the per-round ratios.
    pub fn ratios(&self, driver: Driver) -> Figures {
        let rounds = self.round_ratios(driver);
        Figures {
            ops_per_sec: median(rounds.iter().map(|r| r.ops_per_sec).collect()),
            cpu_us_per_op: median(rounds.iter().map(|r| r.cpu_us_per_op).collect()),
            peak_rss_mib: median(rounds.iter().map(|r| r.peak_rss_mib).collect()),
        }
    }

    fn instructions_of(&self, driver: Driver) -> Option<f64> {
        self.instructions.iter().find(|(d, _)| *d == driver).map(|(_, n)| *n)
    }

    /// `driver`'s instructions per operation over tokio-postgres's, if both were counted.
    fn instruction_ratio(&self, driver: Driver) -> Option<f64> {
        Some(self.instructions_of(driver)? / self.instructions_of(Driver::TokioPostgres)?)
    }

    /// The drivers compared with tokio-postgres.
    fn contenders(&self) -> impl Iterator<Item = Driver> + '_ {
        self.runs
            .iter()
            .map(|(d, _)| *d)
            .filter(|d| *d != Driver::TokioPostgres)
    }

    /// Whether every run read the same data (same checksum), as it should.
    fn checksums_agree(&self) -> bool {
        let mut all = self.runs.iter().flat_map(|(_, runs)| runs.iter().map(|r| r.checksum));
        match all.next() {
            Some(first) => all.all(|c| c == first),
            None => true,
        }
    }

    fn complete(&self) -> bool {
        self.runs.iter().all(|(_, runs)| !runs.is_empty())
    }

    fn to_json(&self) -> Value {
        let drivers: Vec<Value> = self
            .runs
            .iter()
            .map(|(driver, runs)| {
                json!({
                    "driver": driver.name(),
                    "label": driver.label(self.workload),
                    "median": self.medians(*driver).to_json(),
                    "runs": runs.iter().map(|r| r.to_json()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let ratios: Vec<Value> = if self.complete() {
            self.contenders()
                .map(|d| {
                    json!({
                        "driver": d.name(),
                        "label": d.label(self.workload),
                        "versus": Driver::TokioPostgres.name(),
                        "ratio": self.ratios(d).to_json(),
                        "per_round": self.round_ratios(d).into_iter().map(Figures::to_json).collect::<Vec<_>>(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        json!({
            "workload": self.workload.name(),
            "description": self.workload.description(),
            "ops_per_run": self.ops,
            "unit": self.workload.unit(),
            "drivers": drivers,
            "ratios": ratios,
            "instructions_per_op": self
                .instructions
                .iter()
                .map(|(d, n)| json!({
                    "driver": d.name(),
                    "instructions": finite(*n),
                    "ratio": self.instruction_ratio(*d).map(finite),
                }))
                .collect::<Vec<_>>(),
            "checksums_agree": self.checksums_agree(),
            "failure": self.failure,
        })
    }

    fn write_text(&self, out: &mut String) {
        let w = self.workload;
        let _ = writeln!(
            out,
            "{} — {} ({} {} per run)",
            w.name(),
            w.description(),
            self.ops,
            w.unit()
        );
        let _ = writeln!(
            out,
            "  {:<16} {:>12} {:>23} {:>10} {:>15} {:>13} {:>15}",
            "driver", "ops/s", "(min – max)", "CPU µs/op", "of which user", "peak RSS MiB", "server µs/op"
        );
        for (driver, runs) in &self.runs {
            if runs.is_empty() {
                let _ = writeln!(out, "  {:<16} {:>12}", driver.label(w), "—");
                continue;
            }
            let m = self.medians(*driver);
            let lo = runs.iter().map(RunRecord::ops_per_sec).fold(f64::INFINITY, f64::min);
            let hi = runs.iter().map(RunRecord::ops_per_sec).fold(0.0, f64::max);
            let user = median(runs.iter().map(|r| r.user_s * 1e6 / r.ops as f64).collect());
            let server: Vec<f64> = runs.iter().filter_map(RunRecord::server_us_per_op).collect();
            let server = if server.is_empty() {
                "—".to_string()
            } else {
                cpu(median(server))
            };
            let _ = writeln!(
                out,
                "  {:<16} {:>12.0} {:>23} {:>10} {:>15} {:>13.1} {:>15}",
                driver.label(w),
                m.ops_per_sec,
                format!("({lo:.0} – {hi:.0})"),
                cpu(m.cpu_us_per_op),
                cpu(user),
                m.peak_rss_mib,
                server,
            );
        }
        if self.complete() {
            for d in self.contenders() {
                let r = self.ratios(d);
                let rounds = self.round_ratios(d);
                let spread = |f: fn(&Figures) -> f64| {
                    let lo = rounds.iter().map(f).fold(f64::INFINITY, f64::min);
                    let hi = rounds.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
                    if rounds.len() > 1 {
                        format!(" [{lo:.2}–{hi:.2}]")
                    } else {
                        String::new()
                    }
                };
                let _ = writeln!(
                    out,
                    "  ratio {} / tokio-postgres: ops/s {:.2}{}, CPU/op {:.2}{}, peak RSS {:.2}",
                    d.label(w),
                    r.ops_per_sec,
                    spread(|f| f.ops_per_sec),
                    r.cpu_us_per_op,
                    spread(|f| f.cpu_us_per_op),
                    r.peak_rss_mib,
                );
            }
        }
        if !self.instructions.is_empty() {
            let counts: Vec<String> = self
                .instructions
                .iter()
                .map(|(d, n)| format!("{} {n:.0}", d.label(w)))
                .collect();
            let _ = write!(out, "  instructions/op (callgrind): {}", counts.join(", "));
            let ratios: Vec<String> = self
                .contenders()
                .filter_map(|d| Some(format!("{} {:.2}", d.label(w), self.instruction_ratio(d)?)))
                .collect();
            if !ratios.is_empty() {
                let _ = write!(out, "; ratio {}", ratios.join(", "));
            }
            out.push('\n');
        }
        if !self.checksums_agree() {
            let _ = writeln!(out, "  WARNING: the drivers read different data (checksums differ)");
        }
        if let Some(f) = &self.failure {
            let _ = writeln!(out, "  FAILED: {f}");
        }
        out.push('\n');
    }
}

/// The whole benchmark.
pub struct Report {
    date: String,
    machine: Machine,
    postgres: String,
    rounds: usize,
    scale: f64,
    /// `(server CPU, client CPU)` when pinned.
    pinning: Option<(usize, usize)>,
    /// The 1-minute load average when the runs started, and when they ended: other
    /// jobs on the machine show up here (and in the spread of the ratios).
    load_before: String,
    load_after: String,
    pub workloads: Vec<WorkloadReport>,
}

impl Report {
    pub fn new(cluster: &Cluster, rounds: usize, scale: f64, pinning: Option<(usize, usize)>) -> Report {
        Report {
            date: utc_now(),
            machine: Machine::inspect(),
            postgres: cluster.version().to_owned(),
            rounds,
            scale,
            pinning,
            load_before: load_average(),
            load_after: String::new(),
            workloads: Vec::new(),
        }
    }

    /// Notes the load average once every run is done.
    pub fn finish(&mut self) {
        self.load_after = load_average();
    }

    pub fn to_json(&self) -> Value {
        json!({
            "date": self.date,
            "machine": {
                "cpu": self.machine.cpu,
                "cores": self.machine.cores,
                "kernel": self.machine.kernel,
                "memory_gib": self.machine.memory_gib,
            },
            "postgres": self.postgres,
            "transport": "TCP 127.0.0.1, SCRAM-SHA-256",
            "rounds": self.rounds,
            "scale": self.scale,
            "load_average_1min": {"before": self.load_before, "after": self.load_after},
            "pinning": self.pinning.map(|(server, client)| json!({"server_cpu": server, "client_cpu": client})),
            "workloads": self.workloads.iter().map(WorkloadReport::to_json).collect::<Vec<_>>(),
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "tusk-bench, {}", self.date);
        let _ = writeln!(
            out,
            "machine: {}, {} cores, {:.0} GiB, Linux {}; PostgreSQL {} on the same machine (TCP, SCRAM)",
            self.machine.cpu, self.machine.cores, self.machine.memory_gib, self.machine.kernel, self.postgres,
        );
        let _ = writeln!(
            out,
            "{} rounds, scale {}; one process per run, current-thread tokio runtime; {}",
            self.rounds,
            self.scale,
            match self.pinning {
                Some((server, client)) => format!("server pinned to CPU {server}, client to CPU {client}"),
                None => "unpinned".to_owned(),
            }
        );
        let _ = writeln!(
            out,
            "load average (1 min): {} before, {} after",
            self.load_before, self.load_after
        );
        let _ = writeln!(
            out,
            "figures are medians over rounds; a ratio is the median of the per-round ratios [lowest–highest] \
             (ops/s ratio > 1: tusk faster; CPU/op and RSS ratio < 1: tusk cheaper)\n"
        );
        for w in &self.workloads {
            w.write_text(&mut out);
        }
        self.write_summary(&mut out);
        out
    }

    /// A Markdown table of every workload, ready for the README.
    fn write_summary(&self, out: &mut String) {
        let counted = self.workloads.iter().any(|w| !w.instructions.is_empty());
        let _ = writeln!(out, "summary (Markdown):\n");
        let _ = write!(
            out,
            "| workload | driver | ops/s | CPU µs/op | peak RSS MiB | ops/s ratio | CPU/op ratio | RSS ratio |"
        );
        let _ = writeln!(out, "{}", if counted { " instr/op | instr/op ratio |" } else { "" });
        let _ = write!(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        let _ = writeln!(out, "{}", if counted { " ---: | ---: |" } else { "" });
        for w in &self.workloads {
            for (driver, runs) in &w.runs {
                if runs.is_empty() {
                    continue;
                }
                let m = w.medians(*driver);
                let reference = *driver == Driver::TokioPostgres;
                let ratio = if reference || !w.complete() {
                    " | | |".to_owned()
                } else {
                    let r = w.ratios(*driver);
                    format!(
                        " **{:.2}** | **{:.2}** | {:.2} |",
                        r.ops_per_sec, r.cpu_us_per_op, r.peak_rss_mib
                    )
                };
                let instructions = match (counted, w.instructions_of(*driver)) {
                    (false, _) => String::new(),
                    (true, None) => " | |".to_owned(),
                    (true, Some(n)) => match w.instruction_ratio(*driver).filter(|_| !reference) {
                        Some(r) => format!(" {n:.0} | **{r:.2}** |"),
                        None => format!(" {n:.0} | |"),
                    },
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {:.0} | {} | {:.1} |{ratio}{instructions}",
                    w.workload.name(),
                    driver.label(w.workload),
                    m.ops_per_sec,
                    cpu(m.cpu_us_per_op),
                    m.peak_rss_mib,
                );
            }
        }
    }
}

/// What the benchmark ran on.
struct Machine {
    cpu: String,
    cores: usize,
    kernel: String,
    memory_gib: f64,
}

impl Machine {
    fn inspect() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name").and_then(|rest| rest.split_once(':')))
            .map(|(_, name)| name.trim().to_owned())
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .unwrap_or_default()
            .trim()
            .to_owned();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        Machine {
            cpu,
            cores,
            kernel,
            memory_gib: memory_kib / (1024.0 * 1024.0),
        }
    }
}

/// The 1-minute load average, from /proc/loadavg.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().next().unwrap_or("?").to_owned()
}

/// Now, as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(Vec::new()).is_nan());
    }

    #[test]
    fn ratios_are_per_round() {
        let run = |ops_per_sec: f64, cpu_s: f64| RunRecord {
            ops: 100,
            wall_s: 100.0 / ops_per_sec,
            user_s: cpu_s,
            sys_s: 0.0,
            server_s: None,
            peak_rss_kib: 1024,
            base_rss_kib: 512,
            checksum: 7,
        };
        let mut report = WorkloadReport::new(Workload::Insert, 0.01);
        for (ours, theirs) in [(200.0, 100.0), (100.0, 100.0), (90.0, 30.0)] {
            report.push(Driver::Tusk, run(ours, 1.0));
            report.push(Driver::TokioPostgres, run(theirs, 2.0));
        }
        let r = report.ratios(Driver::Tusk);
        assert!((r.ops_per_sec - 2.0).abs() < 1e-9, "{}", r.ops_per_sec);
        assert!((r.cpu_us_per_op - 0.5).abs() < 1e-9);
        assert!((r.peak_rss_mib - 1.0).abs() < 1e-9);
        assert!(report.checksums_agree());
        let mut text = String::new();
        report.write_text(&mut text);
        assert!(
            text.contains("ratio tusk Connection / tokio-postgres: ops/s 2.00 [1.00–3.00], CPU/op 0.50 [0.50–0.50]"),
            "{text}"
        );
    }

    #[test]
    fn child_result_lines() {
        let line =
            r#"{"ops":10,"wall_s":0.5,"user_s":0.1,"sys_s":0.1,"peak_rss_kib":2048,"base_rss_kib":1000,"checksum":3}"#;
        let r = RunRecord::parse(line).unwrap();
        assert_eq!(r.ops_per_sec(), 20.0);
        assert!((r.cpu_us_per_op() - 20_000.0).abs() < 1e-6);
        assert!(RunRecord::parse(r#"{"ops":0}"#).is_err());
    }
}
