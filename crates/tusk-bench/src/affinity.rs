//! Keeping the client and the server on different cores (`--pin`).
//!
//! On a two-core machine a sequential query is a ping-pong between the client and the
//! server backend. When the scheduler happens to put both on one core, a round trip is
//! a context switch; on two cores it is a cross-core wake-up, and the two differ by up to
//! 2× — run to run, at random. Pinning the server (the postmaster, its processes, and so
//! every backend it forks later) to one core and each benchmark child to another makes
//! every run the second case, which is also what a client on another machine sees.
//!
//! It is not the default: on a virtual machine a cross-core wake-up is expensive (so
//! sequential workloads slow down ~3× and the drivers' differences drown in the kernel's
//! cost), and when other jobs share the machine a pinned process cannot move away from
//! a busy core, which made the spread worse, not better, where this was written.

use std::io;

/// The CPUs this process may run on, ascending.
pub fn allowed_cpus() -> Vec<usize> {
    // SAFETY: cpu_set_t is plain old data (all-zero is the empty set); the kernel writes at
    // most size_of::<cpu_set_t>() bytes into it, and CPU_ISSET only reads within it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Vec::new();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect()
    }
}

/// Restricts process `pid` (0: the calling thread) to `cpu`.
pub fn pin(pid: libc::pid_t, cpu: usize) -> io::Result<()> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("no CPU {cpu}")));
    }
    // SAFETY: as above; `cpu` is within the set, as checked.
    let rc = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(pid, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Pins process `parent` and its current children to `cpu`; processes forked later
/// inherit the setting. Returns how many processes were pinned.
pub fn pin_tree(parent: libc::pid_t, cpu: usize) -> io::Result<usize> {
    pin(parent, cpu)?;
    let mut pinned = 1;
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<libc::pid_t>().ok()) else {
            continue;
        };
        if parent_of(pid) == Some(parent) && pin(pid, cpu).is_ok() {
            pinned += 1;
        }
    }
    Ok(pinned)
}

/// The parent process id of `pid`, from /proc/PID/stat.
fn parent_of(pid: libc::pid_t) -> Option<libc::pid_t> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after
    // the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_parent_and_cpus() {
        let me = std::process::id() as libc::pid_t;
        assert!(parent_of(me).is_some());
        assert!(!allowed_cpus().is_empty());
    }
}
