//! The one error type of this crate.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::{ExitStatus, Output};

/// Why a testkit operation failed.
///
/// Every variant carries enough text to act on without rerunning: the command line and
/// its output, the path involved, or the tail of the server log.
///
/// ```
/// use tusk_testkit::TestkitError;
///
/// let err = TestkitError::Other("no installation of PostgreSQL 99".into());
/// assert_eq!(err.to_string(), "no installation of PostgreSQL 99");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum TestkitError {
    /// A file-system or process-spawn operation failed.
    Io {
        /// What was being done, e.g. `creating /tmp/tusk-testkit/123-0`.
        context: String,
        /// The underlying error.
        source: io::Error,
    },
    /// An external program (initdb, pg_ctl, psql, useradd, …) exited unsuccessfully.
    Command {
        /// The command line, for copy-pasting into a shell.
        command: String,
        /// Its exit status.
        status: ExitStatus,
        /// What it wrote to stdout.
        stdout: String,
        /// What it wrote to stderr.
        stderr: String,
    },
    /// The server did not start; `log_tail` holds the end of its log file.
    Start {
        /// What went wrong, usually pg_ctl's own message.
        message: String,
        /// The last lines of the server log.
        log_tail: String,
    },
    /// A directory does not hold a usable PostgreSQL installation.
    Installation {
        /// The bin directory that was inspected.
        bin_dir: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Anything else, described in words.
    Other(String),
}

impl TestkitError {
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        TestkitError::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn command(command: String, output: &Output) -> Self {
        TestkitError::Command {
            command,
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl fmt::Display for TestkitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TestkitError::Io { context, source } => write!(f, "{context}: {source}"),
            TestkitError::Command {
                command,
                status,
                stdout,
                stderr,
            } => {
                write!(f, "`{command}` failed ({status})")?;
                for (name, text) in [("stdout", stdout), ("stderr", stderr)] {
                    let text = text.trim_end();
                    if !text.is_empty() {
                        write!(f, "\n--- {name} ---\n{text}")?;
                    }
                }
                Ok(())
            }
            TestkitError::Start { message, log_tail } => {
                write!(f, "PostgreSQL did not start: {}", message.trim_end())?;
                let tail = log_tail.trim_end();
                if !tail.is_empty() {
                    write!(f, "\n--- end of server log ---\n{tail}")?;
                }
                Ok(())
            }
            TestkitError::Installation { bin_dir, message } => {
                write!(f, "{}: {message}", bin_dir.display())
            }
            TestkitError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for TestkitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TestkitError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = TestkitError> = std::result::Result<T, E>;
