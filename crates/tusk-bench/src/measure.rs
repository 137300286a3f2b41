//! What one run costs: wall time, the process's CPU time, its memory.
//!
//! Every run happens in a process of its own (see `main.rs`) on a current-thread tokio
//! runtime, so the process's CPU time (`getrusage(RUSAGE_SELF)`: user + system, all
//! threads) is what the driver and the benchmark loop spent, and the process's peak
//! resident set (`ru_maxrss`) is the peak of that one run — nothing earlier in the
//! benchmark can have raised it.

use std::time::{Duration, Instant};

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
}

impl Meter {
    /// Starts measuring now.
    pub fn start() -> Meter {
        let usage = usage();
        Meter {
            wall: Instant::now(),
            usage,
        }
    }

    /// Stops measuring.
    pub fn stop(self) -> Span {
        let wall = self.wall.elapsed();
        let end = usage();
        Span {
            wall,
            user: end.user.saturating_sub(self.usage.user),
            sys: end.sys.saturating_sub(self.usage.sys),
        }
    }
}
