//! What one run costs: wall time, the process's CPU time, its memory.
//!
//! Every run happens in a process of its own (see `main.rs`) on a current-thread tokio
//! runtime, so the process's CPU time (`getrusage(RUSAGE_SELF)`: user + system, all
//! threads) is what the driver and the benchmark loop spent, and the process's peak
//! resident set (`ru_maxrss`) is the peak of that one run — nothing earlier in the
//! benchmark can have raised it.
//!
//! The server runs on the same machine, so a run that names its server backend
//! ([`watch_server`]) also gets that backend's CPU time from `/proc/<pid>/stat`: when it
//! is close to the wall time, the server, not the driver, bounds the throughput.

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// The server backend of this run's connection, or 0.
static SERVER_PID: AtomicI32 = AtomicI32::new(0);

/// Names the server backend process (`pg_backend_pid()`) whose CPU time later meters
/// measure too.
pub fn watch_server(pid: i32) {
    SERVER_PID.store(pid, Ordering::Relaxed);
}

/// User + system CPU time of the watched backend (clock-tick resolution, 10 ms on
/// Linux), if one is watched and readable.
fn server_cpu() -> Option<Duration> {
    let pid = SERVER_PID.load(Ordering::Relaxed);
    if pid <= 0 {
        return None;
    }
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces: count fields after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3 of proc(5), utime 14 and stime 15.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value; it has no memory effects.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let per_sec = u64::try_from(per_sec).ok().filter(|&t| t > 0)?;
    Some(Duration::from_nanos(ticks * 1_000_000_000 / per_sec))
}

/// The process's resource usage at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// CPU time in user mode.
    pub user: Duration,
    /// CPU time in the kernel on the process's behalf.
    pub sys: Duration,
    /// Peak resident set so far, in KiB (Linux reports `ru_maxrss` in KiB).
    pub max_rss_kib: u64,
}

/// `getrusage(RUSAGE_SELF)`.
pub fn usage() -> Usage {
    // SAFETY: `rusage` is plain old data, so all-zero bytes are a valid value, and
    // getrusage only writes into the struct we pass. RUSAGE_SELF is always valid, so the
    // call cannot fail; if it somehow did, the zeroes would show up as nonsense figures
    // rather than as undefined behaviour.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    Usage {
        user: timeval(ru.ru_utime),
        sys: timeval(ru.ru_stime),
        max_rss_kib: u64::try_from(ru.ru_maxrss).unwrap_or(0),
    }
}

fn timeval(tv: libc::timeval) -> Duration {
    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

/// The current resident set in KiB (`VmRSS` of /proc/self/status), 0 if unreadable.
pub fn current_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Started just before the timed part of a run, stopped just after it.
pub struct Meter {
    wall: Instant,
    usage: Usage,
    server: Option<Duration>,
}

/// What a [`Meter`] saw.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// Wall-clock time.
    pub wall: Duration,
    /// User-mode CPU time of the whole process.
    pub user: Duration,
    /// Kernel CPU time of the whole process (sockets, page faults).
    pub sys: Duration,
    /// CPU time of the watched server backend, if any (see [`watch_server`]).
    pub server: Option<Duration>,
}

impl Meter {
    /// Starts measuring now.
    pub fn start() -> Meter {
        let usage = usage();
        Meter {
            wall: Instant::now(),
            usage,
            server: server_cpu(),
        }
    }

    /// Stops measuring.
    pub fn stop(self) -> Span {
        let wall = self.wall.elapsed();
        let end = usage();
        let server_end = server_cpu();
        Span {
            wall,
            user: end.user.saturating_sub(self.usage.user),
            sys: end.sys.saturating_sub(self.usage.sys),
            server: self.server.zip(server_end).map(|(a, b)| b.saturating_sub(a)),
        }
    }
}
