//! Connection service files (`pg_service.conf`): connection parameters kept under a name.
//!
//! Instead of spelling out host, port, database and the rest, a connection string can
//! say `service=sales` (or the environment `PGSERVICE=sales`), and the parameters come
//! from the section `[sales]` of a service file:
//!
//! ```text
//! # ~/.pg_service.conf
//! [sales]
//! host=db.example.com
//! port=5433
//! dbname=sales
//! user=report
//! sslmode=verify-full
//! ```
//!
//! # Format
//!
//! libpq's INI-like format: a section starts with `[name]`; each line after it is
//! `keyword=value` with a libpq connection keyword (the same as in a connection string;
//! no spaces before the `=`, no quotes — the value is the rest of the line). Leading and
//! trailing blanks of a line are ignored, as are empty lines and lines starting with
//! `#`. Only the wanted section is checked; within it, an unknown keyword or a line
//! without `=` is an error naming the file and line, and so is a nested `service=` or
//! `servicefile=`. When a keyword appears twice, the first value counts.
//!
//! # Where tusk looks
//!
//! 1. The user's file: the `servicefile` parameter, else the `PGSERVICEFILE` environment
//!    variable, else `~/.pg_service.conf` (`$HOME/.pg_service.conf`; on Windows
//!    `%APPDATA%\postgresql\.pg_service.conf`).
//! 2. If that file does not exist or has no such section: the system-wide file
//!    `pg_service.conf` in the directory `PGSYSCONFDIR`, or — when that is not set — in
//!    [`default_sysconfdir`]: `/etc/postgresql-common` if that directory exists
//!    (where Debian and Ubuntu's libpq looks), else `/etc`. (libpq uses the directory it
//!    was built with; a source build's default is `/usr/local/pgsql/etc`.)
//!
//! A service found in neither file is an error.
//!
//! # Precedence
//!
//! As in libpq: a parameter in the connection string wins over the service file, and the
//! service file wins over the environment variables, which only fill what both leave
//! unset. [`Config::with_env_defaults`](crate::Config::with_env_defaults) applies the
//! service file and then the environment (and `Connection::connect(&str)` calls it);
//! [`Config::with_service_file`](crate::Config::with_service_file) applies only the
//! service file.
//!
//! ```
//! use tusk::Config;
//!
//! let dir = std::env::temp_dir().join(format!("tusk-service-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let file = dir.join("services.conf");
//! std::fs::write(&file, "[sales]\nhost=db.example.com\nport=5433\nuser=report\n")?;
//!
//! let env = |name: &str| match name {
//!     "PGSERVICEFILE" => Some(file.display().to_string()),
//!     "PGSYSCONFDIR" => Some(dir.display().to_string()),
//!     "PGUSER" => Some("from_env".to_string()),
//!     "PGDATABASE" => Some("from_env".to_string()),
//!     _ => None,
//! };
//! let config = Config::parse("service=sales port=6432")?.with_env_defaults_from(env)?;
//! assert_eq!(config.get_ports(), &[6432]); // the connection string wins
//! assert_eq!(config.get_user(), Some("report")); // the service file beats PGUSER
//! assert_eq!(config.get_dbname(), Some("from_env")); // the environment fills the rest
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::config::{Config, ConfigError, is_secret_keyword};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Files larger than this are not read.
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// One `keyword=value` line of a service.
///
/// ```
/// let file = std::path::Path::new("pg_service.conf");
/// let svc = tusk::service::parse(b"[a]\nport=5433\n", file, "a")?.unwrap();
/// let setting = &svc.settings()[0];
/// assert_eq!((setting.keyword(), setting.value(), setting.line()), ("port", "5433", 2));
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Setting {
    keyword: String,
    value: String,
    line: usize,
}

impl Setting {
    /// The connection keyword.
    ///
    /// ```
    /// # let svc = tusk::service::parse(b"[a]\nhost=h", "f".as_ref(), "a")?.unwrap();
    /// assert_eq!(svc.settings()[0].keyword(), "host");
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn keyword(&self) -> &str {
        &self.keyword
    }

    /// The value: the rest of the line after `=`, as written.
    ///
    /// ```
    /// # let svc = tusk::service::parse(b"[a]\noptions=-c x=1  \n", "f".as_ref(), "a")?.unwrap();
    /// assert_eq!(svc.settings()[0].value(), "-c x=1");
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The 1-based line number.
    ///
    /// ```
    /// # let svc = tusk::service::parse(b"# x\n[a]\nhost=h", "f".as_ref(), "a")?.unwrap();
    /// assert_eq!(svc.settings()[0].line(), 3);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Debug for Setting {
    /// Secrets (`password`, `sslpassword`, …) show as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if is_secret_keyword(&self.keyword) {
            "***"
        } else {
            &self.value
        };
        f.debug_struct("Setting")
            .field("keyword", &self.keyword)
            .field("value", &value)
            .field("line", &self.line)
            .finish()
    }
}

/// A service found in a service file: its name, the file, and its settings in order.
///
/// ```
/// use std::path::Path;
///
/// let text = b"[other]\nhost=x\n\n[sales]\nhost=db.example.com\nport=5433\n";
/// let svc = tusk::service::parse(text, Path::new("/etc/pg_service.conf"), "sales")?.unwrap();
/// assert_eq!(svc.name(), "sales");
/// assert_eq!(svc.file(), Path::new("/etc/pg_service.conf"));
/// assert_eq!(svc.get("host"), Some("db.example.com"));
/// assert_eq!(svc.get("user"), None);
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    name: String,
    file: PathBuf,
    settings: Vec<Setting>,
}

impl Service {
    /// The service's name.
    ///
    /// ```
    /// # let svc = tusk::service::parse(b"[a]", "f".as_ref(), "a")?.unwrap();
    /// assert_eq!(svc.name(), "a");
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file it was found in.
    ///
    /// ```
    /// # let svc = tusk::service::parse(b"[a]", "/x/f".as_ref(), "a")?.unwrap();
    /// assert_eq!(svc.file(), std::path::Path::new("/x/f"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Every `keyword=value` line of the section, in file order.
    ///
    /// ```
    /// # let svc = tusk::service::parse(b"[a]\nhost=h\nport=1", "f".as_ref(), "a")?.unwrap();
    /// let keywords: Vec<&str> = svc.settings().iter().map(|s| s.keyword()).collect();
    /// assert_eq!(keywords, ["host", "port"]);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn settings(&self) -> &[Setting] {
        &self.settings
    }

    /// The value of `keyword` (its first occurrence), if the service sets it.
    ///
    /// ```
    /// # let svc = tusk::service::parse(b"[a]\nport=1\nport=2", "f".as_ref(), "a")?.unwrap();
    /// assert_eq!(svc.get("port"), Some("1"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get(&self, keyword: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.keyword == keyword)
            .map(|s| s.value.as_str())
    }
}

fn file_error(file: &Path, line: usize, what: impl fmt::Display) -> ConfigError {
    ConfigError::for_key(
        "service",
        format!(
            "syntax error in service file \"{}\", line {line}: {what}",
            file.display()
        ),
    )
}

/// Reads the section `[name]` of a service file's `contents` (`file` is used in
/// messages). `Ok(None)` if the file has no such section.
///
/// ```
/// use std::path::Path;
/// use tusk::service;
///
/// let file = Path::new("pg_service.conf");
/// assert!(service::parse(b"[a]\nhost=h\n", file, "b")?.is_none());
///
/// let e = service::parse(b"[a]\nhots=h\n", file, "a").unwrap_err();
/// assert_eq!(e.to_string(), r#"syntax error in service file "pg_service.conf", line 2: "hots" is not a connection parameter"#);
/// let e = service::parse(b"[a]\nservice=b\n", file, "a").unwrap_err();
/// assert!(e.to_string().starts_with(r#"nested "service" specifications not supported in service file"#));
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
pub fn parse(contents: &[u8], file: &Path, name: &str) -> Result<Option<Service>, ConfigError> {
    let mut settings: Option<Vec<Setting>> = None;
    for (index, raw) in contents.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        let line = raw.trim_ascii();
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        if let Some(header) = line.strip_prefix(b"[") {
            if settings.is_some() {
                // The next section ends ours.
                break;
            }
            if header
                .strip_prefix(name.as_bytes())
                .is_some_and(|rest| rest.first() == Some(&b']'))
            {
                settings = Some(Vec::new());
            }
            continue;
        }
        let Some(found) = settings.as_mut() else {
            // Lines of other sections are not our business (libpq does not check them).
            continue;
        };
        let line = std::str::from_utf8(line).map_err(|_| file_error(file, number, "the line is not valid UTF-8"))?;
        let Some((keyword, value)) = line.split_once('=') else {
            return Err(file_error(
                file,
                number,
                format!("expected keyword=value, found \"{line}\""),
            ));
        };
        if keyword == "service" || keyword == "servicefile" {
            return Err(ConfigError::for_key(
                "service",
                format!(
                    "nested \"{keyword}\" specifications not supported in service file \"{}\", line {number}",
                    file.display()
                ),
            ));
        }
        if !Config::keywords().any(|(k, _)| k == keyword) {
            let hint = if keyword.trim_end() != keyword {
                " (write keyword=value without blanks before the =)"
            } else {
                ""
            };
            return Err(file_error(
                file,
                number,
                format!("\"{keyword}\" is not a connection parameter{hint}"),
            ));
        }
        found.push(Setting {
            keyword: keyword.to_string(),
            value: value.to_string(),
            line: number,
        });
    }
    Ok(settings.map(|settings| Service {
        name: name.to_string(),
        file: file.to_path_buf(),
        settings,
    }))
}

/// The system-wide directory searched for `pg_service.conf` when `PGSYSCONFDIR` is not
/// set: `/etc/postgresql-common` if it exists (Debian and Ubuntu), else `/etc`. Checked
/// once per process.
///
/// ```
/// let dir = tusk::service::default_sysconfdir();
/// assert!(dir == std::path::Path::new("/etc/postgresql-common") || dir == std::path::Path::new("/etc"));
/// ```
pub fn default_sysconfdir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let debian = Path::new("/etc/postgresql-common");
        if debian.is_dir() {
            debian.to_path_buf()
        } else {
            PathBuf::from("/etc")
        }
    })
}

/// The service files to search, in order, with variables read through `env`: the
/// user's file (`servicefile`, else `PGSERVICEFILE`, else `~/.pg_service.conf` if the
/// home directory is known), then `pg_service.conf` in `PGSYSCONFDIR` or
/// [`default_sysconfdir`].
///
/// ```
/// use std::path::PathBuf;
///
/// let env = |v: &str| match v {
///     "HOME" => Some("/home/a".to_string()),
///     "PGSYSCONFDIR" => Some("/opt/pg/etc".to_string()),
///     _ => None,
/// };
/// # #[cfg(unix)]
/// assert_eq!(
///     tusk::service::search_path(None, env),
///     [PathBuf::from("/home/a/.pg_service.conf"), PathBuf::from("/opt/pg/etc/pg_service.conf")]
/// );
/// assert_eq!(tusk::service::search_path(Some("/x.conf"), env)[0], PathBuf::from("/x.conf"));
/// ```
pub fn search_path(servicefile: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let user_file = match servicefile.filter(|f| !f.is_empty()) {
        Some(file) => Some(PathBuf::from(file)),
        None => var("PGSERVICEFILE").map(PathBuf::from).or_else(|| {
            if cfg!(windows) {
                var("APPDATA").map(|d| Path::new(&d).join("postgresql").join(".pg_service.conf"))
            } else {
                var("HOME").map(|h| Path::new(&h).join(".pg_service.conf"))
            }
        }),
    };
    let sysconfdir = var("PGSYSCONFDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| default_sysconfdir().to_path_buf());
    user_file
        .into_iter()
        .chain(std::iter::once(sysconfdir.join("pg_service.conf")))
        .collect()
}

/// Finds service `name` in the first of `files` that defines it. Files that do not exist
/// are skipped; one that exists but cannot be read is an error, and so is a service
/// that no file defines.
///
/// ```
/// let e = tusk::service::find("nope", &["/no/such/file".into()]).unwrap_err();
/// assert_eq!(e.to_string(), r#"definition of service "nope" not found (looked in "/no/such/file")"#);
/// assert_eq!(e.key(), Some("service"));
/// ```
pub fn find(name: &str, files: &[PathBuf]) -> Result<Service, ConfigError> {
    for file in files {
        let meta = match std::fs::metadata(file) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(unreadable(file, e)),
        };
        if meta.len() > MAX_FILE_SIZE {
            return Err(ConfigError::for_key(
                "service",
                format!(
                    "service file \"{}\" is larger than {MAX_FILE_SIZE} bytes",
                    file.display()
                ),
            ));
        }
        let contents = std::fs::read(file).map_err(|e| unreadable(file, e))?;
        if let Some(service) = parse(&contents, file, name)? {
            return Ok(service);
        }
    }
    let looked: Vec<String> = files.iter().map(|f| format!("\"{}\"", f.display())).collect();
    Err(ConfigError::for_key(
        "service",
        format!(
            "definition of service \"{name}\" not found (looked in {})",
            looked.join(" and ")
        ),
    ))
}

fn unreadable(file: &Path, e: io::Error) -> ConfigError {
    ConfigError::for_key(
        "service",
        format!("service file \"{}\" cannot be read: {e}", file.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn f() -> &'static Path {
        Path::new("svc.conf")
    }

    fn settings(text: &str, name: &str) -> Option<Vec<(String, String)>> {
        parse(text.as_bytes(), f(), name).unwrap().map(|s| {
            s.settings()
                .iter()
                .map(|s| (s.keyword().to_string(), s.value().to_string()))
                .collect()
        })
    }

    fn pairs(p: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn finds_the_named_section_only() {
        let text = "[a]\nhost=ha\n[b]\nhost=hb\nport=2\n[c]\nhost=hc\n";
        assert_eq!(settings(text, "a"), pairs(&[("host", "ha")]));
        assert_eq!(settings(text, "b"), pairs(&[("host", "hb"), ("port", "2")]));
        assert_eq!(settings(text, "c"), pairs(&[("host", "hc")]));
        assert_eq!(settings(text, "d"), None);
        assert_eq!(settings("[a]\n", "a"), pairs(&[]));
    }

    #[test]
    fn section_names_are_exact() {
        let text = "[ab]\nhost=x\n[a]\nhost=y\n";
        assert_eq!(settings(text, "a"), pairs(&[("host", "y")]));
        assert_eq!(settings("[A]\nhost=x", "a"), None);
        assert_eq!(settings("[a] trailing\nhost=x", "a"), pairs(&[("host", "x")]));
        assert_eq!(settings("[a\nhost=x", "a"), None);
        assert_eq!(settings("  [a]  \nhost=x", "a"), pairs(&[("host", "x")]));
    }

    #[test]
    fn comments_blanks_and_whitespace() {
        let text = "# top\n\n[a]\n  # indented comment\n\t\n  host=h  \r\n\r\nport=1\n";
        assert_eq!(settings(text, "a"), pairs(&[("host", "h"), ("port", "1")]));
        // A # after the start of a line is part of the value.
        assert_eq!(
            settings("[a]\napplication_name=x#y", "a"),
            pairs(&[("application_name", "x#y")])
        );
    }

    #[test]
    fn values_are_the_rest_of_the_line() {
        assert_eq!(
            settings("[a]\noptions=-c a=b -c c='d'\npassword=p w=", "a"),
            pairs(&[("options", "-c a=b -c c='d'"), ("password", "p w=")])
        );
        assert_eq!(settings("[a]\nhost=", "a"), pairs(&[("host", "")]));
    }

    #[test]
    fn errors_name_file_and_line() {
        for (text, says) in [
            ("[a]\nhost\n", "line 2: expected keyword=value, found \"host\""),
            ("[a]\n\nbogus=1\n", "line 3: \"bogus\" is not a connection parameter"),
            ("[a]\nhost =x\n", "without blanks before the ="),
            (
                "[a]\nservice=b\n",
                "nested \"service\" specifications not supported in service file \"svc.conf\", line 2",
            ),
            ("[a]\nservicefile=/x\n", "nested \"servicefile\" specifications"),
        ] {
            let e = parse(text.as_bytes(), f(), "a").unwrap_err();
            assert!(e.to_string().contains(says), "{text:?}: {e}");
            assert!(e.to_string().contains("svc.conf"), "{e}");
            assert_eq!(e.key(), Some("service"));
        }
        let e = parse(b"[a]\nhost=\xff\n", f(), "a").unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8"), "{e}");
    }

    #[test]
    fn other_sections_are_not_checked() {
        let svc = parse(b"[b]\nnonsense\n\xff\n[a]\nhost=h", f(), "a").unwrap().unwrap();
        assert_eq!(svc.get("host"), Some("h"));
        assert_eq!(settings("[a]\nhost=h\n[b]\nnonsense", "a"), pairs(&[("host", "h")]));
    }

    #[test]
    fn first_value_of_a_keyword_wins_in_get() {
        let svc = parse(b"[a]\nport=1\nport=2", f(), "a").unwrap().unwrap();
        assert_eq!(svc.get("port"), Some("1"));
        assert_eq!(svc.settings().len(), 2);
    }

    #[test]
    fn debug_hides_secrets() {
        let svc = parse(b"[a]\npassword=hunter2\nsslpassword=keypass\nuser=u", f(), "a")
            .unwrap()
            .unwrap();
        let debug = format!("{svc:?}");
        assert!(!debug.contains("hunter2") && !debug.contains("keypass"), "{debug}");
        assert!(debug.contains("\"u\""), "{debug}");
    }

    #[test]
    fn search_path_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |v: &str| pairs.iter().find(|(k, _)| *k == v).map(|(_, x)| x.to_string())
        };
        let sys = default_sysconfdir().join("pg_service.conf");
        // servicefile beats PGSERVICEFILE beats ~/.pg_service.conf.
        let all = env(&[("PGSERVICEFILE", "/env.conf"), ("HOME", "/home/u")]);
        assert_eq!(
            search_path(Some("/param.conf"), all),
            [PathBuf::from("/param.conf"), sys.clone()]
        );
        assert_eq!(search_path(None, all), [PathBuf::from("/env.conf"), sys.clone()]);
        if cfg!(unix) {
            let home = env(&[("HOME", "/home/u")]);
            assert_eq!(
                search_path(None, home),
                [PathBuf::from("/home/u/.pg_service.conf"), sys.clone()]
            );
        }
        // An empty servicefile or variable counts as unset.
        assert_eq!(search_path(Some(""), env(&[("PGSERVICEFILE", "")])), [sys]);
        // PGSYSCONFDIR replaces the default directory.
        assert_eq!(
            search_path(None, env(&[("PGSYSCONFDIR", "/opt/etc")])),
            [PathBuf::from("/opt/etc/pg_service.conf")]
        );
    }

    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("tusk-service-unit-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn file(&self, name: &str, contents: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, contents).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn find_uses_the_first_file_defining_the_service() {
        let dir = TempDir::new();
        let user = dir.file("user.conf", "[both]\nhost=user\n[mine]\nhost=mine\n");
        let sys = dir.file("sys.conf", "[both]\nhost=sys\n[theirs]\nhost=theirs\n");
        let files = [user.clone(), sys.clone()];
        let both = find("both", &files).unwrap();
        assert_eq!((both.get("host"), both.file()), (Some("user"), user.as_path()));
        assert_eq!(find("mine", &files).unwrap().get("host"), Some("mine"));
        let theirs = find("theirs", &files).unwrap();
        assert_eq!((theirs.get("host"), theirs.file()), (Some("theirs"), sys.as_path()));
        let e = find("nobody", &files).unwrap_err();
        assert!(
            e.to_string().starts_with("definition of service \"nobody\" not found"),
            "{e}"
        );
        assert!(
            e.to_string().contains("user.conf") && e.to_string().contains("sys.conf"),
            "{e}"
        );
    }

    #[test]
    fn find_skips_missing_files_but_not_broken_ones() {
        let dir = TempDir::new();
        let sys = dir.file("sys.conf", "[s]\nhost=sys\n");
        let missing = dir.0.join("missing.conf");
        assert_eq!(find("s", &[missing, sys.clone()]).unwrap().get("host"), Some("sys"));
        // A syntax error in the wanted section of the first file stops the search.
        let broken = dir.file("broken.conf", "[s]\nnot a setting\n");
        assert!(find("s", &[broken, sys.clone()]).is_err());
        // A directory where a file should be cannot be read.
        let e = find("s", &[dir.0.clone(), sys]).unwrap_err();
        assert!(e.to_string().contains("cannot be read"), "{e}");
    }
}
