//! Removing clusters left behind by test processes that died.
//!
//! A test binary killed by a signal (Ctrl-C, a CI timeout) runs no destructors and no
//! `atexit` handlers, so its servers keep running and its directories stay. Every cluster
//! directory records its owner's process id, both in its name (`<pid>-<n>`) and in the file
//! `owner.pid`. The first [`Cluster::start`](crate::Cluster::start) of a process scans the
//! testkit's temp root and, for each directory whose owner no longer exists, stops its
//! postmaster and deletes it.

use std::fs;
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use crate::cluster::wait_until;
use crate::os;

/// The file in each cluster directory that holds the owning process id.
pub(crate) const OWNER_FILE: &str = "owner.pid";

/// Runs [`clean`] on `root` once per process.
pub(crate) fn clean_once(root: &Path) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| clean(root));
}

/// Stops and removes every cluster under `root` whose owning process is gone. Errors are
/// ignored: a directory we may not touch (another user's) is simply left alone.
pub(crate) fn clean(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let dir = entry.path();
        let Some(owner) = owner_pid(&dir) else {
            continue;
        };
        if owner == os::own_pid() || os::process_alive(owner) {
            continue;
        }
        reap(&dir);
    }
}

/// Stops everything still running in a dead owner's cluster directory and removes it.
///
/// Besides a postmaster, a tool the owner had started may outlive it (an `initdb` or
/// `pg_ctl` orphaned mid-run would otherwise go on writing into the directory while it is
/// being removed). Every tool runs with its working directory inside the cluster
/// directory, and so does every server process, so those are the processes to end.
fn reap(dir: &Path) {
    kill_postmaster(&dir.join("data"));
    let leftovers = processes_in(dir);
    if !leftovers.is_empty() {
        for &pid in &leftovers {
            os::signal(pid, libc::SIGKILL);
        }
        wait_until(Duration::from_secs(5), || processes_in(dir).is_empty());
    }
    let _ = fs::remove_dir_all(dir);
}

/// Live processes whose working directory is `dir` or below it (only those whose
/// `/proc/<pid>/cwd` we may read: all of them as root, our own otherwise).
fn processes_in(dir: &Path) -> Vec<i32> {
    let Ok(dir) = dir.canonicalize() else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| pid != os::own_pid())
        .filter(|&pid| fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd.starts_with(&dir)))
        .filter(|&pid| os::process_alive(pid))
        .collect()
}

/// The owner of a cluster directory: from `owner.pid`, else from the `<pid>-<n>` name
/// (the file is written just after the directory is created).
fn owner_pid(dir: &Path) -> Option<i32> {
    if let Ok(text) = fs::read_to_string(dir.join(OWNER_FILE))
        && let Ok(pid) = text.trim().parse()
    {
        return Some(pid);
    }
    let name = dir.file_name()?.to_str()?;
    let (pid, n) = name.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Stops the postmaster of `data_dir`, if one runs: SIGQUIT (immediate shutdown), then
/// SIGKILL after five seconds. The pid comes from `postmaster.pid` and is only signalled
/// when that process really is a postgres serving this data directory.
pub(crate) fn kill_postmaster(data_dir: &Path) {
    let Some(pid) = postmaster_pid(data_dir) else {
        return;
    };
    if !is_postmaster_of(pid, data_dir) {
        return;
    }
    os::signal(pid, libc::SIGQUIT);
    if !wait_until(Duration::from_secs(5), || !os::process_alive(pid)) {
        os::signal(pid, libc::SIGKILL);
        wait_until(Duration::from_secs(5), || !os::process_alive(pid));
    }
}

/// The first line of `postmaster.pid`.
fn postmaster_pid(data_dir: &Path) -> Option<i32> {
    let text = fs::read_to_string(data_dir.join("postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// Whether `pid` is a postgres process whose working directory is `data_dir` (the
/// postmaster changes into its data directory). When the working directory cannot be read
/// (another user's process and we are not root), the process name has to do.
fn is_postmaster_of(pid: i32, data_dir: &Path) -> bool {
    let proc_dir = Path::new("/proc").join(pid.to_string());
    if let (Ok(cwd), Ok(data)) = (fs::read_link(proc_dir.join("cwd")), data_dir.canonicalize()) {
        return cwd == data;
    }
    fs::read_to_string(proc_dir.join("comm")).is_ok_and(|comm| comm.trim() == "postgres")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_owner_from_the_file_or_the_name() {
        let base = std::env::temp_dir().join(format!("tusk-testkit-unit-{}", os::own_pid()));
        let named = base.join("4242-7");
        let filed = base.join("something");
        let neither = base.join("other");
        for dir in [&named, &filed, &neither] {
            fs::create_dir_all(dir).unwrap();
        }
        fs::write(filed.join(OWNER_FILE), "31337\n").unwrap();
        assert_eq!(owner_pid(&named), Some(4242));
        assert_eq!(owner_pid(&filed), Some(31337));
        assert_eq!(owner_pid(&neither), None);
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn removes_directories_of_dead_owners_only() {
        let root = std::env::temp_dir().join(format!("tusk-testkit-unit-clean-{}", os::own_pid()));
        // A child that has exited and been reaped: its pid names no process (until reused).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id() as i32;
        child.wait().unwrap();
        let stale = root.join(format!("{dead}-0"));
        let live = root.join(format!("{}-0", os::own_pid()));
        fs::create_dir_all(stale.join("data")).unwrap();
        fs::create_dir_all(&live).unwrap();
        clean(&root);
        assert!(!stale.exists());
        assert!(live.exists());
        fs::remove_dir_all(&root).unwrap();
    }
}
