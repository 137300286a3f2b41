//! The password file, `.pgpass`: passwords kept out of connection strings.
//!
//! When a server asks for a password and none was given (neither `password=` in the
//! connection string, nor `PGPASSWORD`, nor a service file), tusk looks in the password
//! file, as libpq does. The file is read only then: a server that does not ask for a
//! password never causes it to be opened.
//!
//! # Where it is
//!
//! The `passfile` connection parameter (or the `PGPASSFILE` environment variable, which
//! [`Config::with_env_defaults`](crate::Config::with_env_defaults) copies into it), else
//! `~/.pgpass` — `$HOME/.pgpass`; on Windows `%APPDATA%\postgresql\pgpass.conf`. A
//! missing file is not an error.
//!
//! # What it holds
//!
//! One entry per line, five fields separated by colons:
//!
//! ```text
//! # hostname:port:database:username:password
//! db.example.com:5432:sales:alice:s3cret
//! *:*:*:report:r3p\:rt
//! localhost:*:*:bob:bobs-password
//! ```
//!
//! - A field of exactly `*` matches anything.
//! - `\:` is a colon inside a field and `\\` a backslash (a backslash makes any character
//!   literal); an unescaped colon ends the field.
//! - The first line that matches wins, so put specific lines before wildcard ones.
//! - Lines starting with `#` are comments; empty lines are skipped; a line with fewer
//!   than five fields never matches.
//! - The fields are compared with the connection's host, port, database and user as they
//!   are: the `host` name as given (or the `hostaddr` when only that is given), the port
//!   number in decimal, the database and user names the startup packet carries.
//! - A unix-domain socket connection is matched by its socket directory, and — when
//!   that directory is the default one ([`default_socket_dir`]) or no host was given —
//!   by `localhost` (libpq's rule).
//!
//! ```
//! use tusk::pgpass::{self, Key};
//!
//! let file = b"# a comment\ndb:5432:sales:alice:first\n*:*:*:alice:second\n";
//! let key = Key { host: "db", port: 5432, database: "sales", user: "alice" };
//! assert_eq!(pgpass::find(file, &key).unwrap().password(), b"first");
//! let key = Key { host: "other", ..key };
//! assert_eq!(pgpass::find(file, &key).unwrap().password(), b"second");
//! ```
//!
//! # Permissions
//!
//! On Unix the file must not be readable, writable or executable by group or others
//! (`chmod 0600 ~/.pgpass`). A file with more permissions — or one that is not a plain
//! file — is ignored with a warning (through `tracing`, target `tusk::pgpass`), exactly
//! as libpq ignores it: the connection proceeds as though the file did not exist.

use crate::config::{Config, Host, Target, default_socket_dir};
use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Files larger than this are not read (a password file is a few kilobytes at most).
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// What a password-file line is matched against: the connection's host, port, database
/// and user.
///
/// ```
/// use tusk::pgpass::{self, Key};
///
/// let key = Key { host: "localhost", port: 5432, database: "app", user: "app" };
/// assert!(pgpass::find(b"localhost:5432:app:app:pw\n", &key).is_some());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key<'a> {
    /// The host name to match (see [`host_name`]).
    pub host: &'a str,
    /// The port.
    pub port: u16,
    /// The database name.
    pub database: &'a str,
    /// The user name.
    pub user: &'a str,
}

/// A matching line: its password and where it was found.
///
/// `Debug` never shows the password.
///
/// ```
/// use tusk::pgpass::{self, Key};
///
/// let key = Key { host: "h", port: 1, database: "d", user: "u" };
/// let found = pgpass::find(b"#\nh:1:d:u:pw\n", &key).unwrap();
/// assert_eq!(found.password(), b"pw");
/// assert_eq!(found.line(), 2);
/// assert!(!format!("{found:?}").contains("pw\""));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Match {
    password: Vec<u8>,
    line: usize,
}

impl Match {
    /// The password, with its escapes removed (may be empty).
    ///
    /// ```
    /// # use tusk::pgpass::{self, Key};
    /// let key = Key { host: "h", port: 1, database: "d", user: "u" };
    /// assert_eq!(pgpass::find(br"h:1:d:u:a\:b\\c", &key).unwrap().password(), br"a:b\c");
    /// ```
    pub fn password(&self) -> &[u8] {
        &self.password
    }

    /// The 1-based line number of the entry.
    ///
    /// ```
    /// # use tusk::pgpass::{self, Key};
    /// let key = Key { host: "h", port: 1, database: "d", user: "u" };
    /// assert_eq!(pgpass::find(b"x:1:d:u:no\nh:1:d:u:yes", &key).unwrap().line(), 2);
    /// ```
    pub fn line(&self) -> usize {
        self.line
    }

    /// Takes the password out.
    ///
    /// ```
    /// # use tusk::pgpass::{self, Key};
    /// let key = Key { host: "h", port: 1, database: "d", user: "u" };
    /// assert_eq!(pgpass::find(b"*:*:*:*:pw", &key).unwrap().into_password(), b"pw".to_vec());
    /// ```
    pub fn into_password(self) -> Vec<u8> {
        self.password
    }
}

impl fmt::Debug for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Match")
            .field("password", &"***")
            .field("line", &self.line)
            .finish()
    }
}

/// Finds the first line of a password file's `contents` that matches `key`.
///
/// ```
/// use tusk::pgpass::{self, Key};
///
/// let file = b"h:5432:*:u:specific\n*:*:*:u:general\n";
/// let key = Key { host: "h", port: 5432, database: "d", user: "u" };
/// assert_eq!(pgpass::find(file, &key).unwrap().password(), b"specific");
/// let key = Key { port: 5433, ..key };
/// assert_eq!(pgpass::find(file, &key).unwrap().password(), b"general");
/// let key = Key { user: "v", ..key };
/// assert!(pgpass::find(file, &key).is_none());
/// ```
pub fn find(contents: &[u8], key: &Key<'_>) -> Option<Match> {
    let port = key.port.to_string();
    let wanted = [
        key.host.as_bytes(),
        port.as_bytes(),
        key.database.as_bytes(),
        key.user.as_bytes(),
    ];
    for (index, raw) in contents.split(|b| *b == b'\n').enumerate() {
        if raw.first() == Some(&b'#') {
            continue;
        }
        let mut line = raw;
        while let [rest @ .., b'\n' | b'\r'] = line {
            line = rest;
        }
        if line.is_empty() {
            continue;
        }
        let mut rest = Some(line);
        for field in wanted {
            rest = rest.and_then(|r| match_field(r, field));
        }
        if let Some(rest) = rest {
            return Some(Match {
                password: unescape_password(rest),
                line: index + 1,
            });
        }
    }
    None
}

/// Matches the field at the start of `line` against `wanted`; on a match, returns what
/// follows the field's terminating colon.
fn match_field<'l>(line: &'l [u8], wanted: &[u8]) -> Option<&'l [u8]> {
    if let [b'*', b':', rest @ ..] = line {
        return Some(rest);
    }
    let mut expected = wanted;
    let mut i = 0;
    loop {
        let mut c = *line.get(i)?;
        let mut escaped = false;
        if c == b'\\' {
            i += 1;
            c = *line.get(i)?;
            escaped = true;
        }
        if c == b':' && !escaped {
            return expected.is_empty().then(|| line.get(i + 1..).unwrap_or_default());
        }
        let (first, tail) = expected.split_first()?;
        if *first != c {
            return None;
        }
        expected = tail;
        i += 1;
    }
}

/// The password field: up to an unescaped colon or the end, backslash escapes removed.
fn unescape_password(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut bytes = field.iter();
    while let Some(&c) = bytes.next() {
        match c {
            b':' => break,
            b'\\' => match bytes.next() {
                Some(&escaped) => out.push(escaped),
                None => out.push(b'\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

/// The host name a connection to `host` is looked up under: the name (or address) for
/// TCP; for a unix-domain socket, `localhost` if it is in the [default socket
/// directory](default_socket_dir), else the directory's path.
///
/// ```
/// use tusk::config::{Host, default_socket_dir};
/// use tusk::pgpass::host_name;
///
/// assert_eq!(host_name(&Host::Tcp("db.example.com".into())), "db.example.com");
/// assert_eq!(host_name(&Host::Unix(default_socket_dir().into())), "localhost");
/// assert_eq!(host_name(&Host::Unix("/srv/pg".into())), "/srv/pg");
/// ```
pub fn host_name(host: &Host) -> Cow<'_, str> {
    match host {
        Host::Tcp(name) => Cow::Borrowed(name),
        Host::Unix(dir) if dir == default_socket_dir() => Cow::Borrowed("localhost"),
        Host::Unix(dir) => dir.to_string_lossy(),
    }
}

/// Where the password file is by default: `$HOME/.pgpass` (on Windows
/// `%APPDATA%\postgresql\pgpass.conf`), with the variable read through `env`. `None`
/// when the variable is unset or empty.
///
/// ```
/// let env = |v: &str| (v == "HOME").then(|| "/home/alice".to_string());
/// # #[cfg(unix)]
/// assert_eq!(tusk::pgpass::default_path(env), Some("/home/alice/.pgpass".into()));
/// assert_eq!(tusk::pgpass::default_path(|_| None), None);
/// ```
pub fn default_path(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if cfg!(windows) {
        let appdata = env("APPDATA").filter(|v| !v.is_empty())?;
        Some(Path::new(&appdata).join("postgresql").join("pgpass.conf"))
    } else {
        let home = env("HOME").filter(|v| !v.is_empty())?;
        Some(Path::new(&home).join(".pgpass"))
    }
}

/// Why a password file was not used.
///
/// ```
/// let e = tusk::pgpass::read("/", &tusk::pgpass::Key { host: "h", port: 1, database: "d", user: "u" }).unwrap_err();
/// assert!(e.to_string().contains("is not a plain file"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum PassFileError {
    /// The path names a directory, a device, a socket…
    NotAPlainFile(PathBuf),
    /// Group or others have some access; the file must be `0600` or less.
    Insecure {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Larger than [`MAX_FILE_SIZE`].
    TooLarge(PathBuf),
    /// Reading it failed.
    Io(PathBuf, io::Error),
}

impl fmt::Display for PassFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PassFileError::NotAPlainFile(path) => {
                write!(f, "password file \"{}\" is not a plain file", path.display())
            }
            PassFileError::Insecure { path, mode } => write!(
                f,
                "password file \"{}\" has group or world access (mode {:04o}); permissions should be u=rw (0600) or less",
                path.display(),
                mode & 0o7777
            ),
            PassFileError::TooLarge(path) => write!(
                f,
                "password file \"{}\" is larger than {MAX_FILE_SIZE} bytes",
                path.display()
            ),
            PassFileError::Io(path, e) => write!(f, "cannot read password file \"{}\": {e}", path.display()),
        }
    }
}

impl std::error::Error for PassFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PassFileError::Io(_, e) => Some(e),
            _ => None,
        }
    }
}

/// Reads the password file at `path` and finds the entry for `key`, with libpq's
/// checks: a missing file is `Ok(None)`; a file that is not a plain file, or that group
/// or others may access (on Unix), is an error — callers ignore the file then, with a
/// warning, as libpq does.
///
/// ```
/// let key = tusk::pgpass::Key { host: "h", port: 1, database: "d", user: "u" };
/// assert!(tusk::pgpass::read("/no/such/.pgpass", &key)?.is_none());
/// # Ok::<(), tusk::pgpass::PassFileError>(())
/// ```
pub fn read(path: impl AsRef<Path>, key: &Key<'_>) -> Result<Option<Match>, PassFileError> {
    let path = path.as_ref();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(PassFileError::Io(path.to_path_buf(), e)),
    };
    if !meta.is_file() {
        return Err(PassFileError::NotAPlainFile(path.to_path_buf()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(PassFileError::Insecure {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(PassFileError::TooLarge(path.to_path_buf()));
    }
    let contents = std::fs::read(path).map_err(|e| PassFileError::Io(path.to_path_buf(), e))?;
    Ok(find(&contents, key))
}

/// The password file `config` names (`passfile`), else the [default](default_path)
/// from the process environment.
pub(crate) fn path_for(config: &Config) -> Option<PathBuf> {
    match config.get_passfile() {
        Some(path) => Some(path.to_path_buf()),
        None => default_path(|v| std::env::var_os(v).map(|s| s.to_string_lossy().into_owned())),
    }
}

/// The password for connecting to `target` as `user` to `database` from the password
/// file, if it has one. Problems with the file are logged and the file ignored.
pub(crate) fn lookup(config: &Config, target: &Target, user: &str, database: &str) -> Option<Vec<u8>> {
    let path = path_for(config)?;
    let host = host_name(&target.host);
    let key = Key {
        host: &host,
        port: target.port,
        database,
        user,
    };
    match read(&path, &key) {
        Ok(Some(found)) => {
            tracing::debug!(
                target: "tusk::pgpass",
                "using the password of line {} of \"{}\" for {user}@{host}:{}/{database}",
                found.line(),
                path.display(),
                target.port,
            );
            Some(found.into_password())
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(target: "tusk::pgpass", "{e}; ignoring it");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn key<'a>(host: &'a str, port: u16, database: &'a str, user: &'a str) -> Key<'a> {
        Key {
            host,
            port,
            database,
            user,
        }
    }

    fn pw(contents: &str, k: &Key<'_>) -> Option<String> {
        find(contents.as_bytes(), k).map(|m| String::from_utf8(m.into_password()).unwrap())
    }

    const K: Key<'static> = Key {
        host: "db.example.com",
        port: 5432,
        database: "sales",
        user: "alice",
    };

    #[test]
    fn exact_match() {
        assert_eq!(pw("db.example.com:5432:sales:alice:pw", &K).as_deref(), Some("pw"));
        for other in [
            "db.example.org:5432:sales:alice:pw",
            "db.example.com:5433:sales:alice:pw",
            "db.example.com:5432:sale:alice:pw",
            "db.example.com:5432:sales:alicia:pw",
            "db.example.com:5432:sales:alic:pw",
            "db.example.com:5432:salesx:alice:pw",
        ] {
            assert_eq!(pw(other, &K), None, "{other}");
        }
    }

    #[test]
    fn each_field_can_be_a_wildcard() {
        for line in [
            "*:5432:sales:alice:pw",
            "db.example.com:*:sales:alice:pw",
            "db.example.com:5432:*:alice:pw",
            "db.example.com:5432:sales:*:pw",
            "*:*:*:*:pw",
        ] {
            assert_eq!(pw(line, &K).as_deref(), Some("pw"), "{line}");
        }
    }

    #[test]
    fn a_star_inside_a_field_is_literal() {
        assert_eq!(pw("db.*:5432:sales:alice:pw", &K), None);
        assert_eq!(pw("**:5432:sales:alice:pw", &K), None);
        let star = key("*", 5432, "sales", "alice");
        assert_eq!(pw(r"\*:5432:sales:alice:pw", &star).as_deref(), Some("pw"));
        assert_eq!(
            pw(r"\*:5432:sales:alice:pw", &K),
            None,
            "an escaped star is no wildcard"
        );
        assert_eq!(pw("*:5432:sales:alice:pw", &star).as_deref(), Some("pw"));
    }

    #[test]
    fn escapes_in_fields() {
        let k = key("h", 1, "d", r"we:ird\user");
        assert_eq!(pw(r"h:1:d:we\:ird\\user:pw", &k).as_deref(), Some("pw"));
        // A backslash makes any character literal.
        assert_eq!(pw(r"\h:1:d:we\:ird\\user:pw", &k).as_deref(), Some("pw"));
        // Unescaped, the colon ends the field.
        assert_eq!(pw(r"h:1:d:we:ird\\user:pw", &k), None);
        // A trailing backslash matches nothing.
        assert_eq!(pw("h:1:d:u\\", &key("h", 1, "d", "u")), None);
    }

    #[test]
    fn escapes_in_the_password() {
        assert_eq!(pw(r"*:*:*:*:a\:b\\c", &K).as_deref(), Some(r"a:b\c"));
        assert_eq!(pw(r"*:*:*:*:\p\w", &K).as_deref(), Some("pw"));
        // An unescaped colon ends the password; a trailing backslash stays.
        assert_eq!(pw("*:*:*:*:pw:extra", &K).as_deref(), Some("pw"));
        assert_eq!(pw("*:*:*:*:pw\\", &K).as_deref(), Some("pw\\"));
        assert_eq!(pw("*:*:*:*:p w ", &K).as_deref(), Some("p w "));
    }

    #[test]
    fn first_match_wins() {
        let file = "*:*:*:alice:general\ndb.example.com:5432:sales:alice:specific\n";
        assert_eq!(pw(file, &K).as_deref(), Some("general"));
        let file = "db.example.com:5432:sales:alice:specific\n*:*:*:alice:general\n";
        assert_eq!(pw(file, &K).as_deref(), Some("specific"));
        // Even an empty password ends the search.
        assert_eq!(pw("*:*:*:alice:\n*:*:*:alice:later", &K).as_deref(), Some(""));
    }

    #[test]
    fn comments_blank_lines_and_line_endings() {
        let file = "# *:*:*:*:commented\n\n\r\n   \n*:*:*:*:pw\r\n";
        let m = find(file.as_bytes(), &K).unwrap();
        assert_eq!(m.password(), b"pw");
        assert_eq!(m.line(), 5);
        // Only a # in the first column starts a comment.
        assert_eq!(
            pw(" #:*:*:*:pw", &key(" #", 5432, "sales", "alice")).as_deref(),
            Some("pw")
        );
        assert_eq!(pw("*:*:*:*:pw\r\r", &K).as_deref(), Some("pw"));
    }

    #[test]
    fn short_lines_never_match() {
        for line in ["*", "*:*", "*:*:*", "*:*:*:*", "db.example.com:5432:sales:alice"] {
            assert_eq!(pw(line, &K), None, "{line}");
        }
        assert_eq!(pw("*:*:*:*:", &K).as_deref(), Some(""));
    }

    #[test]
    fn bytes_that_are_not_utf8() {
        let file = b"*:*:*:*:\xff\xfe";
        assert_eq!(find(file, &K).unwrap().password(), b"\xff\xfe");
    }

    #[test]
    fn host_names_for_sockets() {
        assert_eq!(host_name(&Host::Unix(default_socket_dir().to_path_buf())), "localhost");
        assert_eq!(host_name(&Host::Unix("/run/custom".into())), "/run/custom");
        assert_eq!(host_name(&Host::Tcp("localhost".into())), "localhost");
        assert_eq!(host_name(&Host::Tcp("::1".into())), "::1");
        // The default host (no host given) is the default socket directory on Unix.
        let config = Config::parse("port=5432").unwrap();
        let target = &config.targets()[0];
        if cfg!(unix) {
            assert_eq!(host_name(&target.host), "localhost");
        }
        // hostaddr alone: the address is the host name.
        let config = Config::parse("hostaddr=127.0.0.1").unwrap();
        assert_eq!(host_name(&config.targets()[0].host), "127.0.0.1");
        // host and hostaddr: the name.
        let config = Config::parse("host=db hostaddr=127.0.0.1").unwrap();
        assert_eq!(host_name(&config.targets()[0].host), "db");
    }

    #[test]
    fn localhost_line_matches_the_default_socket_and_tcp_localhost() {
        let file = "localhost:5432:*:*:local\n";
        let default = Host::Unix(default_socket_dir().to_path_buf());
        let socket = host_name(&default);
        assert_eq!(pw(file, &key(&socket, 5432, "d", "u")).as_deref(), Some("local"));
        assert_eq!(pw(file, &key("localhost", 5432, "d", "u")).as_deref(), Some("local"));
        let custom = Host::Unix("/srv/sock".into());
        let other = host_name(&custom);
        assert_eq!(pw(file, &key(&other, 5432, "d", "u")), None);
        assert_eq!(
            pw("/srv/sock:5432:*:*:dir", &key(&other, 5432, "d", "u")).as_deref(),
            Some("dir")
        );
    }

    #[test]
    fn default_paths() {
        let env = |v: &str| match v {
            "HOME" => Some("/home/a".to_string()),
            "APPDATA" => Some(r"C:\Users\a\AppData\Roaming".to_string()),
            _ => None,
        };
        let p = default_path(env).unwrap();
        if cfg!(windows) {
            assert!(p.ends_with("postgresql/pgpass.conf"));
        } else {
            assert_eq!(p, PathBuf::from("/home/a/.pgpass"));
        }
        assert_eq!(default_path(|_| Some(String::new())), None);
        assert_eq!(default_path(|_| None), None);
    }

    #[test]
    fn match_debug_hides_the_password() {
        let m = find(b"*:*:*:*:hunter2", &K).unwrap();
        assert!(!format!("{m:?}").contains("hunter2"));
    }

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("tusk-pgpass-unit-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[cfg(unix)]
    fn write(dir: &TempDir, name: &str, contents: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.0.join(name);
        std::fs::write(&path, contents).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[cfg(unix)]
    #[test]
    fn files_readable_by_others_are_refused() {
        let dir = TempDir::new();
        for mode in [0o600, 0o400, 0o700, 0o200] {
            let path = write(&dir, "ok", "*:*:*:*:pw\n", mode);
            assert_eq!(read(&path, &K).unwrap().unwrap().password(), b"pw", "{mode:o}");
        }
        for mode in [0o640, 0o604, 0o644, 0o660, 0o610, 0o601, 0o666, 0o777] {
            let path = write(&dir, "bad", "*:*:*:*:pw\n", mode);
            let e = read(&path, &K).unwrap_err();
            assert!(matches!(e, PassFileError::Insecure { .. }), "{mode:o}: {e}");
            assert!(e.to_string().contains("group or world access"), "{e}");
            assert!(e.to_string().contains(&format!("{mode:04o}")), "{e}");
        }
    }

    #[test]
    fn missing_files_and_directories() {
        let dir = TempDir::new();
        assert!(read(dir.0.join("absent"), &K).unwrap().is_none());
        let e = read(&dir.0, &K).unwrap_err();
        assert!(matches!(e, PassFileError::NotAPlainFile(_)), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_the_target_checked() {
        let dir = TempDir::new();
        let target = write(&dir, "real", "*:*:*:*:pw\n", 0o600);
        let link = dir.0.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(read(&link, &K).unwrap().unwrap().password(), b"pw");
        write(&dir, "real", "*:*:*:*:pw\n", 0o644);
        assert!(read(&link, &K).is_err());
    }

    #[test]
    fn passfile_parameter_wins_over_the_default() {
        let config = Config::parse("passfile=/etc/tusk/pgpass").unwrap();
        assert_eq!(path_for(&config), Some(PathBuf::from("/etc/tusk/pgpass")));
        // An empty passfile means the default.
        let config = Config::parse("passfile=''").unwrap();
        assert_eq!(config.get_passfile(), None);
    }
}
