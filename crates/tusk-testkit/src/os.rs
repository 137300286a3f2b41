//! The operating-system chores: who runs the server, spawning tools, checking processes.
//!
//! `initdb` and `postgres` refuse to run as root. When the test process is root (CI and
//! these development machines), every server-side tool is run through
//! `runuser -u USER --` as an unprivileged account: `postgres` when it exists, otherwise a
//! system user `tusk` that is created on first use. When the test process is not root,
//! tools run directly as the current user.

use std::ffi::{CString, OsStr};
use std::io;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use crate::error::{Result, TestkitError};

/// The `PATH` given to every child process; their environment is otherwise cleared so that
/// the caller's `PGHOST`, `PGPASSWORD`, `PGDATA` and friends cannot leak into them.
pub(crate) const CHILD_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// An unprivileged account that server processes run as.
#[derive(Debug, Clone)]
pub(crate) struct RunAs {
    pub(crate) name: String,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

/// Whether this process runs as root.
pub(crate) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The account to run server tools as: `None` when not root (run directly).
///
/// Looked up (and, if needed, created) once per process.
pub(crate) fn run_as() -> Result<Option<&'static RunAs>> {
    static RUN_AS: OnceLock<Result<Option<RunAs>, String>> = OnceLock::new();
    let found = RUN_AS.get_or_init(|| {
        if !is_root() {
            return Ok(None);
        }
        find_or_create_server_user().map(Some).map_err(|e| e.to_string())
    });
    match found {
        Ok(user) => Ok(user.as_ref()),
        Err(message) => Err(TestkitError::Other(message.clone())),
    }
}

fn find_or_create_server_user() -> Result<RunAs> {
    for name in ["postgres", "tusk"] {
        if let Some(user) = lookup_user(name)? {
            return Ok(user);
        }
    }
    let mut cmd = Command::new("useradd");
    cmd.args(["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "tusk"]);
    cmd.env_clear().env("PATH", CHILD_PATH);
    let shown = describe(&cmd);
    let output = cmd
        .output()
        .map_err(|e| TestkitError::io(format!("running {shown}"), e))?;
    // Another process may have created it between our look-up and useradd (exit code 9,
    // "already exists"): look it up again either way.
    match lookup_user("tusk")? {
        Some(user) => Ok(user),
        None if !output.status.success() => Err(TestkitError::command(shown, &output)),
        None => Err(TestkitError::Other(
            "useradd created user tusk, but it cannot be looked up".into(),
        )),
    }
}

/// Looks up an OS account by name.
fn lookup_user(name: &str) -> Result<Option<RunAs>> {
    let c_name = CString::new(name).map_err(|_| TestkitError::Other(format!("user name {name:?} contains NUL")))?;
    let mut buf = vec![0u8; 4096];
    loop {
        // SAFETY: an all-zero passwd is a valid value (null pointers, zero ids); it is
        // only read after getpwnam_r has filled it.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the duration of the call and `buf.len()` is
        // the true size of the buffer.
        let rc = unsafe {
            libc::getpwnam_r(
                c_name.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 {
            return Err(TestkitError::io(
                format!("looking up user {name}"),
                io::Error::from_raw_os_error(rc),
            ));
        }
        if result.is_null() {
            return Ok(None);
        }
        return Ok(Some(RunAs {
            name: name.to_owned(),
            uid: pwd.pw_uid,
            gid: pwd.pw_gid,
        }));
    }
}

/// Hands `path` to the server account (no-op when not root).
pub(crate) fn give_to_server_user(path: &Path) -> Result<()> {
    if let Some(user) = run_as()? {
        std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
            .map_err(|e| TestkitError::io(format!("chown {}", path.display()), e))?;
    }
    Ok(())
}

/// Whether a process with this id exists (it may belong to another user). A zombie (exited,
/// not yet reaped by its parent) counts as gone.
pub(crate) fn process_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks for existence and permission; nothing is delivered.
    let rc = unsafe { libc::kill(pid, 0) };
    if rc != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
        return false;
    }
    !is_zombie(pid)
}

/// Whether /proc says the process is a zombie (state `Z` after the `(comm)` field).
fn is_zombie(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    stat.rfind(')')
        .and_then(|end| stat[end + 1..].split_whitespace().next())
        .is_some_and(|state| state == "Z")
}

/// Sends `signal` to `pid`; errors are ignored (the process may be gone already).
pub(crate) fn signal(pid: i32, signal: libc::c_int) {
    if pid > 0 {
        // SAFETY: plain kill(2) on a positive pid; the result is deliberately ignored.
        unsafe {
            libc::kill(pid, signal);
        }
    }
}

/// This process's id.
pub(crate) fn own_pid() -> i32 {
    std::process::id() as i32
}

/// A shell-like rendering of a command, for error messages.
pub(crate) fn describe(cmd: &Command) -> String {
    let mut text = quote(cmd.get_program());
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&quote(arg));
    }
    text
}

fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Runs a command to completion, capturing its output; a non-zero exit is an error.
pub(crate) fn run(cmd: &mut Command) -> Result<Output> {
    let shown = describe(cmd);
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| TestkitError::io(format!("running {shown}"), e))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(TestkitError::command(shown, &output))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_quotes_only_what_needs_it() {
        let mut cmd = Command::new("/usr/bin/psql");
        cmd.args(["-c", "select 'x'", "-p", "5432", ""]);
        assert_eq!(describe(&cmd), r"/usr/bin/psql -c 'select '\''x'\''' -p 5432 ''");
    }

    #[test]
    fn own_process_is_alive_and_pid_zero_is_not() {
        assert!(process_alive(own_pid()));
        assert!(!process_alive(0));
    }
}
