//! Connection configuration, with libpq's names, syntaxes and environment variables.
//!
//! A [`Config`] says where and how to connect: hosts and ports, user, database,
//! password, TLS and protocol settings. A connection string that works with `psql`
//! works here, in either of libpq's two syntaxes.
//!
//! # Keyword/value strings
//!
//! Space-separated `keyword=value` pairs. Whitespace around `=` is allowed; a value
//! with spaces (or an empty value) is written in single quotes, inside which `\'` and
//! `\\` stand for a quote and a backslash. A backslash escapes the next character in
//! unquoted values too.
//!
//! ```
//! use tusk::Config;
//!
//! let config = Config::parse("host=db.example.com port=5433 user=alice dbname = 'my db'")?;
//! assert_eq!(config.get_user(), Some("alice"));
//! assert_eq!(config.get_dbname(), Some("my db"));
//! assert_eq!(config.get_ports(), &[5433]);
//! # Ok::<(), tusk::config::ConfigError>(())
//! ```
//!
//! # URLs
//!
//! `postgresql://[user[:password]@][host][:port][,host[:port]…][/dbname][?keyword=value&…]`
//! (or `postgres://`). User, password, hosts, database and query values are
//! percent-decoded; an IPv6 address goes in brackets; a unix-socket directory is a
//! percent-encoded path in the host position, or `host=/dir` in the query. Any keyword
//! may appear in the query.
//!
//! ```
//! use tusk::config::{Config, Host};
//!
//! let config = Config::parse("postgresql://alice:s%40cret@db1:5432,[::1]:5433/sales?sslmode=require")?;
//! assert_eq!(config.get_hosts(), &[Host::Tcp("db1".into()), Host::Tcp("::1".into())]);
//! assert_eq!(config.get_ports(), &[5432, 5433]);
//! assert_eq!(config.get_password(), Some(&b"s@cret"[..]));
//! assert_eq!(config.get_dbname(), Some("sales"));
//!
//! let local = Config::parse("postgresql://%2Fvar%2Frun%2Fpostgresql/sales")?;
//! assert_eq!(local.get_hosts(), &[Host::Unix("/var/run/postgresql".into())]);
//! # Ok::<(), tusk::config::ConfigError>(())
//! ```
//!
//! # Environment variables
//!
//! [`Config::parse`] never looks at the environment. As in libpq, the `PG*` variables
//! (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, …) supply the
//! parameters a connection string leaves out: call [`Config::with_env_defaults`] after
//! parsing. A value given in the string always wins over the environment.
//!
//! ```
//! use tusk::Config;
//!
//! let env = |name: &str| match name {
//!     "PGHOST" => Some("db.internal".to_string()),
//!     "PGUSER" => Some("from_env".to_string()),
//!     _ => None,
//! };
//! let config = Config::parse("user=alice")?.with_env_defaults_from(env)?;
//! assert_eq!(config.get_user(), Some("alice")); // the string wins
//! assert_eq!(config.get("host").as_deref(), Some("db.internal")); // the environment fills the gap
//! # Ok::<(), tusk::config::ConfigError>(())
//! ```
//!
//! Any value set explicitly counts, even an empty one: `host=''` keeps `PGHOST` out
//! (and then means the default host). Empty environment variables are ignored.
//!
//! # Several hosts
//!
//! `host` (and `hostaddr`, and `port`) take comma-separated lists, tried in order until
//! one accepts the connection. `port` holds either one port for every host or one per
//! host; an empty entry anywhere means the default. `hostaddr` gives numeric addresses
//! to use instead of resolving the names, paired with the hosts by position.
//!
//! ```
//! use tusk::Config;
//!
//! let config = Config::parse("host=primary.example,replica.example port=5432,6432")?;
//! let order: Vec<String> = config.targets().iter().map(|t| t.to_string()).collect();
//! assert_eq!(order, ["primary.example:5432", "replica.example:6432"]);
//!
//! let e = Config::parse("host=a,b,c port=5432,6432").unwrap_err();
//! assert_eq!(e.to_string(), "could not match 2 port numbers to 3 hosts");
//! # Ok::<(), tusk::config::ConfigError>(())
//! ```
//!
//! # Defaults
//!
//! Without a host, tusk connects to the unix socket in [`default_socket_dir`]; without
//! a port, to 5432; without a user, as the operating-system user; without a database,
//! to the database named like the user. [`Config::targets`] lists the resolved
//! `(host, port)` pairs in the order they are tried.
//!
//! # Validation
//!
//! Every value is checked when it is set (`sslmode=sometimes` and `port=http` are
//! errors naming the parameter). Rules that involve several parameters are checked by
//! [`Config::parse`] when all of them are in the string, and by
//! [`Config::with_env_defaults`] (or [`Config::validate`]) on the complete result.
//!
//! # Differences from libpq
//!
//! - Service files are read by [`Config::with_env_defaults`] (and
//!   [`Config::with_service_file`]), not by [`Config::parse`]; see [`crate::service`].
//!   Blanks around `=` in a service file are an error, as in libpq, and the
//!   system-wide file is looked for in `PGSYSCONFDIR`, else `/etc/postgresql-common`
//!   or `/etc` (see [`crate::service::default_sysconfdir`]).
//! - The password file (`passfile`, `PGPASSFILE`, `~/.pgpass`) is read when the server
//!   asks for a password and none was given; see [`crate::pgpass`].
//! - `require_auth` is enforced as in libpq 16 (see [`crate::require_auth`]), and beyond
//!   libpq a cleartext password is never sent over unencrypted TCP unless
//!   `require_auth` names `password`.
//! - `max_protocol_version` defaults to 3.2, not 3.0: tusk asks for the latest
//!   protocol and falls back when the server is older.
//! - `client_encoding` accepts only UTF-8 (or `auto`): tusk always speaks UTF-8.
//! - In a URL, the user info ends at the *last* `@` before the path, so an unencoded
//!   `@` in a password works; and a host list without any port leaves `port` unset
//!   (libpq stores `","`, which hides `PGPORT`).
//! - Host, hostaddr and port list entries are trimmed of surrounding blanks.
//!
//! # Secrets
//!
//! `Debug` and `Display` never show the password (nor `sslpassword` or
//! `oauth_client_secret`): they print `***` instead.
//! [`Config::to_conninfo_string`] can include them when you really need them.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

pub use tusk_proto::frontend::ProtocolVersion;

/// The port used when none is given.
pub const DEFAULT_PORT: u16 = 5432;

/// The text shown instead of a secret by `Debug` and `Display`.
const REDACTED: &str = "***";

/// One libpq connection keyword: its name and the environment variable that supplies it.
struct Keyword {
    name: &'static str,
    env: Option<&'static str>,
    secret: bool,
}

const fn kw(name: &'static str, env: &'static str) -> Keyword {
    Keyword {
        name,
        env: Some(env),
        secret: false,
    }
}

const fn kw_no_env(name: &'static str) -> Keyword {
    Keyword {
        name,
        env: None,
        secret: false,
    }
}

/// Parses a duration as tusk's timeouts and the CLI accept it: a number with a unit
/// (`ms`, `s`, `m`, `h`, `us`), or a bare number of seconds. Fractions are allowed
/// (`1.5s`). Zero means "no timeout" where a timeout is optional.
///
/// ```
/// use std::time::Duration;
/// use tusk::config::parse_duration;
/// assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
/// assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
/// assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
/// assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
/// assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
/// assert!(parse_duration("soon").is_err());
/// assert!(parse_duration("-1s").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("\"{text}\" is not a duration (try 300ms, 2s or 1m)"))?;
    let scale = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1.0,
        "ms" => 1e-3,
        "us" | "µs" => 1e-6,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => return Err(format!("unknown time unit \"{other}\" (use us, ms, s, m or h)")),
    };
    let secs = value * scale;
    if !secs.is_finite() || secs > 1e9 {
        return Err(format!("\"{text}\" is too long"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Default `statement_cache_size`.
pub const DEFAULT_STATEMENT_CACHE_SIZE: usize = 256;

/// TCP keepalive and user-timeout settings; see [`Config::get_keepalives`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalives {
    /// Whether keepalives are on (`keepalives`, default 1).
    pub enabled: bool,
    /// Idle time before the first probe (`keepalives_idle`).
    pub idle: Option<Duration>,
    /// Time between probes (`keepalives_interval`).
    pub interval: Option<Duration>,
    /// Probes before the connection is considered dead (`keepalives_count`).
    pub count: Option<u32>,
    /// How long sent data may stay unacknowledged (`tcp_user_timeout`, Linux).
    pub user_timeout: Option<Duration>,
}

/// How the statement cache uses server-side statements (`statement_cache_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementCacheMode {
    /// Each cached query is a named prepared statement: one round trip per execution.
    Named,
    /// Only the unnamed statement is used (PgBouncer transaction mode safe). The cached
    /// description lets Parse, Bind and Execute go in one round trip.
    Unnamed,
}

/// Every keyword tusk accepts, in the order `Display` writes them.
const KEYWORDS: &[Keyword] = &[
    kw("host", "PGHOST"),
    kw("hostaddr", "PGHOSTADDR"),
    kw("port", "PGPORT"),
    kw("user", "PGUSER"),
    Keyword {
        name: "password",
        env: Some("PGPASSWORD"),
        secret: true,
    },
    kw("dbname", "PGDATABASE"),
    kw("passfile", "PGPASSFILE"),
    kw("service", "PGSERVICE"),
    kw("servicefile", "PGSERVICEFILE"),
    kw("options", "PGOPTIONS"),
    kw("application_name", "PGAPPNAME"),
    kw_no_env("fallback_application_name"),
    kw("connect_timeout", "PGCONNECT_TIMEOUT"),
    kw("client_encoding", "PGCLIENTENCODING"),
    kw("min_protocol_version", "PGMINPROTOCOLVERSION"),
    kw("max_protocol_version", "PGMAXPROTOCOLVERSION"),
    kw("target_session_attrs", "PGTARGETSESSIONATTRS"),
    kw("load_balance_hosts", "PGLOADBALANCEHOSTS"),
    kw("sslmode", "PGSSLMODE"),
    kw("sslnegotiation", "PGSSLNEGOTIATION"),
    kw("sslcompression", "PGSSLCOMPRESSION"),
    kw("sslcert", "PGSSLCERT"),
    kw("sslkey", "PGSSLKEY"),
    kw("sslcertmode", "PGSSLCERTMODE"),
    Keyword {
        name: "sslpassword",
        env: None,
        secret: true,
    },
    kw("sslrootcert", "PGSSLROOTCERT"),
    kw("sslcrl", "PGSSLCRL"),
    kw("sslcrldir", "PGSSLCRLDIR"),
    kw("sslsni", "PGSSLSNI"),
    kw("sslkeylogfile", "PGSSLKEYLOGFILE"),
    kw("ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION"),
    kw("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION"),
    kw("channel_binding", "PGCHANNELBINDING"),
    kw("require_auth", "PGREQUIREAUTH"),
    kw("requirepeer", "PGREQUIREPEER"),
    kw("gssencmode", "PGGSSENCMODE"),
    kw("krbsrvname", "PGKRBSRVNAME"),
    kw("gsslib", "PGGSSLIB"),
    kw("gssdelegation", "PGGSSDELEGATION"),
    kw_no_env("oauth_issuer"),
    kw_no_env("oauth_client_id"),
    Keyword {
        name: "oauth_client_secret",
        env: None,
        secret: true,
    },
    kw_no_env("oauth_scope"),
    kw_no_env("keepalives"),
    kw_no_env("keepalives_idle"),
    kw_no_env("keepalives_interval"),
    kw_no_env("keepalives_count"),
    kw_no_env("tcp_user_timeout"),
    kw_no_env("replication"),
    // tusk's own (not libpq's): the per-connection statement cache.
    kw_no_env("statement_cache_size"),
    kw_no_env("statement_cache_mode"),
    // tusk's own timeouts: durations such as `300ms`, `2s`, `1m` (a bare number is seconds).
    kw_no_env("query_timeout"),
    kw_no_env("cancel_timeout"),
    kw_no_env("auth_timeout"),
];

fn lookup(name: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.name == name)
}

/// libpq's notion of whitespace (C `isspace` in the "C" locale).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r')
}

/// The comma-separated items of a list value; an empty value has no items.
fn items(value: &str) -> Vec<&str> {
    if value.is_empty() {
        Vec::new()
    } else {
        value.split(',').map(|s| s.trim_matches(is_space)).collect()
    }
}

/// Whether a host value names a unix-domain socket directory (or, with `@`, a Linux
/// abstract-namespace socket) rather than a network host.
fn is_socket_path(host: &str) -> bool {
    host.starts_with('/') || host.starts_with('@')
}

/// The directory holding the server's unix-domain socket when no host is given.
///
/// `/var/run/postgresql` if that directory exists (Debian's and Ubuntu's packages put
/// the socket there), else `/tmp` (the PostgreSQL source default). Checked once per
/// process.
///
/// ```
/// let dir = tusk::config::default_socket_dir();
/// assert!(dir == std::path::Path::new("/var/run/postgresql") || dir == std::path::Path::new("/tmp"));
/// ```
pub fn default_socket_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let debian = Path::new("/var/run/postgresql");
        if debian.is_dir() {
            debian.to_path_buf()
        } else {
            PathBuf::from("/tmp")
        }
    })
}

/// The host used for an empty or missing host entry.
fn default_host() -> Host {
    if cfg!(unix) {
        Host::Unix(default_socket_dir().to_path_buf())
    } else {
        Host::Tcp("localhost".to_string())
    }
}

/// Resolves one `host` list entry paired with its (optional) `hostaddr`, as libpq does:
/// a numeric address wins and the host name is kept only for display and TLS.
fn resolve_host(item: &str, addr: Option<IpAddr>) -> Host {
    match addr {
        Some(ip) if item.is_empty() || is_socket_path(item) => Host::Tcp(ip.to_string()),
        Some(_) => Host::Tcp(item.to_string()),
        None if item.is_empty() => default_host(),
        None if is_socket_path(item) => Host::Unix(PathBuf::from(item)),
        None => Host::Tcp(item.to_string()),
    }
}

/// Parses a protocol version as libpq 18 spells it: `3.0`, `3.2` or `latest`.
fn parse_protocol_version(value: &str) -> Option<ProtocolVersion> {
    match value {
        "3.0" => Some(ProtocolVersion::V3_0),
        "3.2" | "latest" => Some(ProtocolVersion::V3_2),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

/// Where one server listens: a network host or a unix-domain socket directory.
///
/// ```
/// use tusk::config::{Config, Host};
///
/// let config = Config::parse("host=db.example.com,/tmp")?;
/// assert_eq!(config.get_hosts(), &[Host::Tcp("db.example.com".into()), Host::Unix("/tmp".into())]);
/// assert_eq!(config.get_hosts()[1].to_string(), "/tmp");
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A host name or a numeric IP address, reached over TCP.
    Tcp(String),
    /// A directory holding the socket file `.s.PGSQL.<port>` (or, for a path starting
    /// with `@`, a Linux abstract-namespace socket).
    Unix(PathBuf),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Tcp(name) => f.write_str(name),
            Host::Unix(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// How hard to insist on TLS (libpq's `sslmode`).
///
/// ```
/// use tusk::config::{Config, SslMode};
///
/// assert_eq!(Config::new().get_sslmode(), SslMode::Prefer);
/// assert_eq!("verify-full".parse::<SslMode>()?, SslMode::VerifyFull);
/// assert_eq!(SslMode::VerifyCa.to_string(), "verify-ca");
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Never use TLS (`disable`).
    Disable,
    /// Try without TLS first, then with it (`allow`).
    Allow,
    /// Try TLS first, then without it (`prefer`, the default).
    Prefer,
    /// Require TLS, without checking the server's certificate (`require`).
    Require,
    /// Require TLS and a certificate signed by a trusted CA (`verify-ca`).
    VerifyCa,
    /// Like `VerifyCa`, and the certificate must name the host (`verify-full`).
    VerifyFull,
}

impl SslMode {
    /// libpq's name for this mode.
    ///
    /// ```
    /// assert_eq!(tusk::config::SslMode::Require.as_str(), "require");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    fn from_name(value: &str) -> Option<SslMode> {
        Some(match value {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// Whether this mode may connect without TLS.
    fn is_weak(self) -> bool {
        matches!(self, SslMode::Disable | SslMode::Allow | SslMode::Prefer)
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SslMode {
    type Err = ConfigError;

    /// Parses libpq's spelling (`disable`, `allow`, `prefer`, `require`, `verify-ca`,
    /// `verify-full`).
    fn from_str(s: &str) -> Result<SslMode, ConfigError> {
        SslMode::from_name(s).ok_or_else(|| ConfigError::bad_choice("sslmode", s, SSLMODES))
    }
}

const SSLMODES: &[&str] = &["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/// A resolved connection target: one host and port to try, in [`Config::targets`] order.
///
/// ```
/// use tusk::config::{Config, Host, Target};
///
/// let targets = Config::parse("host=a.example,b.example port=5433 hostaddr=10.0.0.1,")?.targets();
/// assert_eq!(targets[0], Target { host: Host::Tcp("a.example".into()), hostaddr: Some([10, 0, 0, 1].into()), port: 5433 });
/// assert_eq!(targets[1], Target { host: Host::Tcp("b.example".into()), hostaddr: None, port: 5433 });
/// assert_eq!(targets[1].to_string(), "b.example:5433");
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The host: the name to verify TLS certificates against and to show in messages,
    /// or the socket directory. When only `hostaddr` was given, its address as text.
    pub host: Host,
    /// A numeric address to connect to instead of resolving `host` (libpq's `hostaddr`).
    pub hostaddr: Option<IpAddr>,
    /// The TCP port, or the number in the socket file name `.s.PGSQL.<port>`.
    pub port: u16,
}

impl Target {
    /// The socket file of a unix-domain target (`<dir>/.s.PGSQL.<port>`), `None` for TCP.
    ///
    /// ```
    /// let t = &tusk::Config::parse("host=/tmp port=5433")?.targets()[0];
    /// assert_eq!(t.socket_path(), Some("/tmp/.s.PGSQL.5433".into()));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn socket_path(&self) -> Option<PathBuf> {
        match &self.host {
            Host::Unix(dir) => Some(dir.join(format!(".s.PGSQL.{}", self.port))),
            Host::Tcp(_) => None,
        }
    }
}

impl fmt::Display for Target {
    /// `host:port` (`[addr]:port` for IPv6 addresses), or the socket file path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            Host::Unix(_) => {
                let path = self.socket_path().unwrap_or_default();
                write!(f, "{}", path.display())
            }
            Host::Tcp(name) if name.contains(':') => write!(f, "[{name}]:{}", self.port),
            Host::Tcp(name) => write!(f, "{name}:{}", self.port),
        }
    }
}

/// Why a connection string, parameter or environment variable was rejected.
///
/// ```
/// let e = tusk::Config::parse("host=localhost colour=blue").unwrap_err();
/// assert_eq!(e.key(), Some("colour"));
/// assert_eq!(e.to_string(), r#"unknown connection parameter "colour""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
    key: Option<String>,
    env_var: Option<String>,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
            key: None,
            env_var: None,
        }
    }

    pub(crate) fn for_key(key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
            key: Some(key.to_string()),
            env_var: None,
        }
    }

    fn unknown(key: &str) -> ConfigError {
        ConfigError::for_key(key, format!("unknown connection parameter \"{key}\""))
    }

    fn bad_choice(key: &str, value: &str, choices: &[&str]) -> ConfigError {
        ConfigError::for_key(
            key,
            format!(
                "invalid value \"{value}\" for connection parameter \"{key}\" (expected one of: {})",
                choices.join(", ")
            ),
        )
    }

    fn bad_integer(key: &str, value: &str) -> ConfigError {
        ConfigError::for_key(
            key,
            format!("invalid integer value \"{value}\" for connection parameter \"{key}\""),
        )
    }

    /// Adds where a bad value came from: a line of a service file.
    fn in_service_file(mut self, service: &crate::service::Service, line: usize) -> ConfigError {
        self.message = format!(
            "{} (from service \"{}\" in \"{}\", line {line})",
            self.message,
            service.name(),
            service.file().display()
        );
        self
    }

    fn in_env_var(mut self, var: &str) -> ConfigError {
        self.message = format!("{} (from environment variable {var})", self.message);
        self.env_var = Some(var.to_string());
        self
    }

    /// The connection parameter at fault, when the error is about one.
    ///
    /// ```
    /// let e = tusk::Config::parse("sslmode=maybe").unwrap_err();
    /// assert_eq!(e.key(), Some("sslmode"));
    /// let e = tusk::Config::parse("host").unwrap_err();
    /// assert_eq!(e.key(), None);
    /// ```
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The environment variable the bad value came from, if it came from one.
    ///
    /// ```
    /// let env = |v: &str| (v == "PGPORT").then(|| "eighty".to_string());
    /// let e = tusk::Config::from_env_vars(env).unwrap_err();
    /// assert_eq!(e.env_var(), Some("PGPORT"));
    /// assert_eq!(e.key(), Some("port"));
    /// assert!(e.to_string().contains("PGPORT"));
    /// ```
    pub fn env_var(&self) -> Option<&str> {
        self.env_var.as_deref()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

// ---------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------

/// Connection parameters: what [`Config::parse`] reads from a connection string and
/// [`Config::with_env_defaults`] completes from the environment.
///
/// Build one from a string, from the environment, or with the setters:
///
/// ```
/// use std::time::Duration;
/// use tusk::config::{Config, SslMode};
///
/// let mut config = Config::new();
/// config
///     .host("db1.example.com,db2.example.com")
///     .port(5433)
///     .user("alice")
///     .password("secret")
///     .dbname("sales")
///     .connect_timeout(Duration::from_secs(10))
///     .sslmode(SslMode::Require);
/// config.set("target_session_attrs", "read-write")?;
///
/// assert_eq!(config.targets().len(), 2);
/// assert_eq!(
///     config.to_string(),
///     "host=db1.example.com,db2.example.com port=5433 user=alice password=*** dbname=sales \
///      connect_timeout=10 target_session_attrs=read-write sslmode=require"
/// );
/// assert_eq!(config, config.to_conninfo_string(true).parse()?);
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
///
/// An empty value counts as not given, as in libpq: the getters return `None` for it
/// (`user=''` connects as the operating-system user). [`Config::get`] returns the text
/// exactly as set.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Every parameter set explicitly (except the password), as validated text.
    params: BTreeMap<&'static str, String>,
    /// The password: bytes, since a URL may percent-encode any byte.
    password: Option<Vec<u8>>,
    // Typed views of some of `params`, kept in step by `store`.
    hosts: Vec<Host>,
    hostaddrs: Vec<Option<IpAddr>>,
    ports: Vec<u16>,
    connect_timeout: Option<Duration>,
    sslmode: Option<SslMode>,
    min_protocol_version: Option<ProtocolVersion>,
    max_protocol_version: Option<ProtocolVersion>,
}

impl Config {
    /// An empty configuration: nothing set, nothing read from the environment.
    ///
    /// ```
    /// let config = tusk::Config::new();
    /// assert_eq!(config.get_hosts(), &[]);
    /// assert_eq!(config.targets()[0].port, 5432);
    /// ```
    pub fn new() -> Config {
        Config::default()
    }

    /// Parses a connection string: a `postgresql://` or `postgres://` URL, or libpq's
    /// `keyword=value` syntax (see the [module docs](self)). An empty or blank string is
    /// an empty configuration. The environment is not consulted.
    ///
    /// Every value is validated; so are the pairs given together (`host` and `port`
    /// counts, `min_protocol_version` not above `max_protocol_version`, …).
    ///
    /// ```
    /// use tusk::Config;
    ///
    /// let a = Config::parse("host=localhost port=5432 dbname=app")?;
    /// let b = Config::parse("postgres://localhost:5432/app")?;
    /// assert_eq!(a, b);
    /// assert_eq!(Config::parse("   ")?, Config::new());
    /// assert!(Config::parse("host=a,b port=1,2,3").is_err());
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn parse(s: &str) -> Result<Config, ConfigError> {
        let mut config = Config::new();
        let trimmed = s.trim_matches(is_space);
        if let Some(rest) = ["postgresql://", "postgres://"]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p))
        {
            url::parse(&mut config, rest)?;
        } else {
            parse_keyword_value(&mut config, s)?;
        }
        config.check(false)?;
        Ok(config)
    }

    /// A configuration made only of the `PG*` environment variables, as libpq would
    /// read them (`PGHOST`, `PGPORT`, `PGUSER`, …). Empty variables are ignored.
    ///
    /// ```no_run
    /// let config = tusk::Config::from_env()?;
    /// println!("connecting to {:?}", config.targets());
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::new().with_env_defaults()
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests, or a
    /// environment other than the process's).
    ///
    /// ```
    /// let config = tusk::Config::from_env_vars(|v| match v {
    ///     "PGHOST" => Some("db.example.com".into()),
    ///     "PGPORT" => Some("6432".into()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(config.targets()[0].to_string(), "db.example.com:6432");
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn from_env_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        Config::new().with_env_defaults_from(lookup)
    }

    /// Completes the configuration as libpq does before connecting: first the
    /// [service file](crate::service) named by `service` (or `PGSERVICE`), as
    /// [`Config::with_service_file`] does; then every parameter still unset from its
    /// `PG*` environment variable. The connection string wins over the service file,
    /// which wins over the environment. Finally the result is checked as a whole
    /// (host/port counts, protocol version range, TLS settings).
    ///
    /// ```no_run
    /// let config = tusk::Config::parse("dbname=app")?.with_env_defaults()?;
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn with_env_defaults(self) -> Result<Config, ConfigError> {
        self.with_env_defaults_from(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// [`Config::with_env_defaults`], reading variables through `lookup` — the `PG*`
    /// variables, and `HOME` (`APPDATA` on Windows) for the default service file.
    ///
    /// A bad value is reported with the variable's name ([`ConfigError::env_var`]).
    ///
    /// ```
    /// use tusk::Config;
    ///
    /// let env = |v: &str| match v {
    ///     "PGUSER" => Some("env_user".to_string()),
    ///     "PGDATABASE" => Some("env_db".to_string()),
    ///     "PGAPPNAME" => Some(String::new()), // empty: ignored
    ///     _ => None,
    /// };
    /// let config = Config::parse("postgresql:///explicit_db")?.with_env_defaults_from(env)?;
    /// assert_eq!(config.get_user(), Some("env_user"));
    /// assert_eq!(config.get_dbname(), Some("explicit_db"));
    /// assert_eq!(config.get_application_name(), None);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn with_env_defaults_from(self, lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut config = self.with_service_file_from(&lookup)?;
        for keyword in KEYWORDS {
            let Some(var) = keyword.env else { continue };
            if config.is_set(keyword.name) {
                continue;
            }
            match lookup(var) {
                Some(value) if !value.is_empty() => {
                    config.store(keyword.name, &value).map_err(|e| e.in_env_var(var))?;
                }
                _ => {}
            }
        }
        config.check(true)?;
        Ok(config)
    }

    /// Applies the connection service file, as libpq does before reading the
    /// environment: if `service` is set (or else the `PGSERVICE` variable), the section
    /// of that name is read from the user's service file or the system-wide one (see
    /// [`crate::service`] for where they are), and each of its settings fills the
    /// parameter if it is not set yet. Without a service name this does nothing.
    ///
    /// [`Config::with_env_defaults`] calls this first; call it yourself to use service
    /// files without the other environment variables.
    ///
    /// ```no_run
    /// let config = tusk::Config::parse("service=sales")?.with_service_file()?;
    /// println!("{:?}", config.targets());
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn with_service_file(self) -> Result<Config, ConfigError> {
        self.with_service_file_from(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// [`Config::with_service_file`], reading `PGSERVICE`, `PGSERVICEFILE`,
    /// `PGSYSCONFDIR` and `HOME` through `env`.
    ///
    /// An unknown service, a syntax error in its section, a nested `service=` and a bad
    /// value are errors naming the file (and line).
    ///
    /// ```
    /// use tusk::Config;
    ///
    /// let dir = std::env::temp_dir().join(format!("tusk-with-service-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("pg_service.conf"), "[reports]\nhost=reports.internal\nport=5433\nuser=report\n")?;
    /// let env = |v: &str| (v == "PGSYSCONFDIR").then(|| dir.display().to_string());
    ///
    /// let config = Config::parse("service=reports user=me")?.with_service_file_from(env)?;
    /// assert_eq!(config.targets()[0].to_string(), "reports.internal:5433");
    /// assert_eq!(config.get_user(), Some("me")); // explicit values win
    ///
    /// let e = Config::parse("service=nope")?.with_service_file_from(env).unwrap_err();
    /// assert!(e.to_string().starts_with("definition of service \"nope\" not found"));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_service_file_from(self, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut config = self;
        let (name, from_env) = match config.text("service") {
            Some(name) => (name.to_string(), None),
            None => match env("PGSERVICE") {
                Some(name) if !name.is_empty() => (name, Some("PGSERVICE")),
                _ => return Ok(config),
            },
        };
        let files = crate::service::search_path(config.text("servicefile"), &env);
        let service = crate::service::find(&name, &files).map_err(|e| match from_env {
            Some(var) => e.in_env_var(var),
            None => e,
        })?;
        for setting in service.settings() {
            let Some(keyword) = lookup(setting.keyword()) else {
                continue;
            };
            if config.is_set(keyword.name) {
                continue;
            }
            config
                .store(keyword.name, setting.value())
                .map_err(|e| e.in_service_file(&service, setting.line()))?;
        }
        tracing::debug!(target: "tusk::config", "using service \"{name}\" from \"{}\"", service.file().display());
        Ok(config)
    }

    /// Whether `keyword` was set (by a string, a setter or the environment).
    fn is_set(&self, keyword: &str) -> bool {
        if keyword == "password" {
            self.password.is_some()
        } else {
            self.params.contains_key(keyword)
        }
    }

    // ---- setters ------------------------------------------------------------------------

    /// Sets any parameter by its libpq keyword, validating the value as a connection
    /// string would. Unknown keywords and bad values are errors that name the keyword.
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.set("sslmode", "verify-full")?.set("keepalives_idle", "30")?;
    /// assert_eq!(config.get("keepalives_idle").as_deref(), Some("30"));
    /// assert!(config.set("sslmode", "sometimes").is_err());
    /// assert!(config.set("keepalives_idle", "soon").is_err());
    /// assert_eq!(config.set("no_such", "1").unwrap_err().key(), Some("no_such"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn set(&mut self, key: &str, value: &str) -> Result<&mut Self, ConfigError> {
        let keyword = lookup(key).ok_or_else(|| ConfigError::unknown(key))?;
        self.store(keyword.name, value)?;
        Ok(self)
    }

    /// Validates `value` for `key` and stores it, updating the typed views.
    fn store(&mut self, key: &'static str, value: &str) -> Result<(), ConfigError> {
        if value.contains('\0') {
            return Err(ConfigError::for_key(
                key,
                format!("connection parameter \"{key}\" contains a NUL byte"),
            ));
        }
        match key {
            "password" => {
                self.password = Some(value.as_bytes().to_vec());
                return Ok(());
            }
            "hostaddr" => {
                parse_hostaddrs(value)?;
            }
            "port" => {
                self.ports = parse_ports(value)?;
            }
            "connect_timeout" => {
                self.connect_timeout = parse_connect_timeout(value)?;
            }
            "sslmode" => {
                self.sslmode = Some(value.parse()?);
            }
            "min_protocol_version" | "max_protocol_version" => {
                let v = parse_protocol_version(value)
                    .ok_or_else(|| ConfigError::bad_choice(key, value, &["3.0", "3.2", "latest"]))?;
                if key == "min_protocol_version" {
                    self.min_protocol_version = Some(v);
                } else {
                    self.max_protocol_version = Some(v);
                }
            }
            _ => check_value(key, value)?,
        }
        self.params.insert(key, value.to_string());
        if matches!(key, "host" | "hostaddr") {
            self.refresh_hosts();
        }
        Ok(())
    }

    /// Recomputes the typed host views after `host` or `hostaddr` changed.
    fn refresh_hosts(&mut self) {
        self.hostaddrs = match self.params.get("hostaddr") {
            Some(v) => items(v).into_iter().map(|i| i.parse().ok()).collect(),
            None => Vec::new(),
        };
        let hostaddrs = &self.hostaddrs;
        self.hosts = match self.params.get("host") {
            Some(v) => items(v)
                .into_iter()
                .enumerate()
                .map(|(i, item)| resolve_host(item, hostaddrs.get(i).copied().flatten()))
                .collect(),
            None => Vec::new(),
        };
    }

    /// Stores text that is valid by construction (from the infallible setters).
    fn store_unchecked(&mut self, key: &'static str, value: String) {
        self.params.insert(key, value);
    }

    /// Sets the host list: comma-separated names, IP addresses or (starting with `/` or
    /// `@`) unix-socket directories. An empty entry means the default host.
    ///
    /// ```
    /// use tusk::config::{Config, Host};
    ///
    /// let mut config = Config::new();
    /// config.host("db.example.com,/var/run/postgresql");
    /// assert_eq!(config.get_hosts()[1], Host::Unix("/var/run/postgresql".into()));
    /// ```
    pub fn host(&mut self, host: &str) -> &mut Self {
        self.store_unchecked("host", host.to_string());
        self.refresh_hosts();
        self
    }

    /// Sets `hostaddr`: comma-separated numeric IP addresses, paired with the hosts by
    /// position, used instead of resolving the host names. An entry that is not an IP
    /// address is reported by [`Config::validate`] and [`Config::try_targets`] (use
    /// [`Config::set`] to have it rejected at once).
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.host("db.example.com").hostaddr("192.0.2.7");
    /// assert_eq!(config.targets()[0].hostaddr, Some("192.0.2.7".parse().unwrap()));
    /// ```
    pub fn hostaddr(&mut self, hostaddr: &str) -> &mut Self {
        self.store_unchecked("hostaddr", hostaddr.to_string());
        self.refresh_hosts();
        self
    }

    /// Sets one port for every host. (Use `set("port", "5432,5433")` for one per host.)
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.host("a,b").port(6432);
    /// assert!(config.targets().iter().all(|t| t.port == 6432));
    /// ```
    pub fn port(&mut self, port: u16) -> &mut Self {
        self.store_unchecked("port", port.to_string());
        self.ports = vec![port];
        self
    }

    /// Sets the user name to log in as.
    ///
    /// ```
    /// assert_eq!(tusk::Config::new().user("alice").get_user(), Some("alice"));
    /// ```
    pub fn user(&mut self, user: &str) -> &mut Self {
        self.store_unchecked("user", user.to_string());
        self
    }

    /// Sets the password (any bytes; PostgreSQL passwords are usually UTF-8 text).
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.password("s3cret");
    /// assert_eq!(config.get_password(), Some(&b"s3cret"[..]));
    /// assert!(!format!("{config:?}").contains("s3cret"));
    /// ```
    pub fn password(&mut self, password: impl AsRef<[u8]>) -> &mut Self {
        self.password = Some(password.as_ref().to_vec());
        self
    }

    /// Sets the database name.
    ///
    /// ```
    /// assert_eq!(tusk::Config::new().dbname("sales").get_dbname(), Some("sales"));
    /// ```
    pub fn dbname(&mut self, dbname: &str) -> &mut Self {
        self.store_unchecked("dbname", dbname.to_string());
        self
    }

    /// Sets `application_name`, reported to the server (visible in `pg_stat_activity`).
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.application_name("billing");
    /// assert_eq!(config.get_application_name(), Some("billing"));
    /// ```
    pub fn application_name(&mut self, name: &str) -> &mut Self {
        self.store_unchecked("application_name", name.to_string());
        self
    }

    /// Sets the application name used when `application_name` is not set (typically by
    /// a tool, so that users can still override it).
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.fallback_application_name("tusk-cli");
    /// assert_eq!(config.get_fallback_application_name(), Some("tusk-cli"));
    /// ```
    pub fn fallback_application_name(&mut self, name: &str) -> &mut Self {
        self.store_unchecked("fallback_application_name", name.to_string());
        self
    }

    /// Sets command-line options sent to the server at startup, e.g.
    /// `-c search_path=app -c statement_timeout=5s`.
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.options("-c search_path=app");
    /// assert_eq!(config.get_options(), Some("-c search_path=app"));
    /// ```
    pub fn options(&mut self, options: &str) -> &mut Self {
        self.store_unchecked("options", options.to_string());
        self
    }

    /// Sets the time allowed for each connection attempt (per host). Zero means wait
    /// forever. In connection strings the value is in whole seconds, so `Display`
    /// rounds a fraction up (and caps it at `i32::MAX` seconds, libpq's limit).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut config = tusk::Config::new();
    /// config.connect_timeout(Duration::from_secs(5));
    /// assert_eq!(config.get_connect_timeout(), Some(Duration::from_secs(5)));
    /// config.connect_timeout(Duration::ZERO);
    /// assert_eq!(config.get_connect_timeout(), None);
    /// ```
    pub fn connect_timeout(&mut self, timeout: Duration) -> &mut Self {
        // Whole seconds, rounded up, within what a connection string can hold (an i32).
        let secs = timeout
            .as_secs()
            .saturating_add(u64::from(timeout.subsec_nanos() > 0))
            .min(i32::MAX as u64);
        self.store_unchecked("connect_timeout", secs.to_string());
        self.connect_timeout = (!timeout.is_zero()).then_some(timeout);
        self
    }

    /// Sets the TLS mode.
    ///
    /// ```
    /// use tusk::config::{Config, SslMode};
    ///
    /// assert_eq!(Config::new().sslmode(SslMode::Disable).get_sslmode(), SslMode::Disable);
    /// ```
    pub fn sslmode(&mut self, mode: SslMode) -> &mut Self {
        self.store_unchecked("sslmode", mode.as_str().to_string());
        self.sslmode = Some(mode);
        self
    }

    /// Sets the lowest protocol version tusk accepts from the server.
    ///
    /// ```
    /// use tusk::config::{Config, ProtocolVersion};
    ///
    /// let mut config = Config::new();
    /// config.min_protocol_version(ProtocolVersion::V3_2);
    /// assert_eq!(config.get_min_protocol_version(), ProtocolVersion::V3_2);
    /// ```
    pub fn min_protocol_version(&mut self, version: ProtocolVersion) -> &mut Self {
        self.store_unchecked("min_protocol_version", version.to_string());
        self.min_protocol_version = Some(version);
        self
    }

    /// Sets the protocol version tusk asks for first.
    ///
    /// ```
    /// use tusk::config::{Config, ProtocolVersion};
    ///
    /// let mut config = Config::new();
    /// config.max_protocol_version(ProtocolVersion::V3_0);
    /// assert_eq!(config.get_max_protocol_version(), ProtocolVersion::V3_0);
    /// ```
    pub fn max_protocol_version(&mut self, version: ProtocolVersion) -> &mut Self {
        self.store_unchecked("max_protocol_version", version.to_string());
        self.max_protocol_version = Some(version);
        self
    }

    // ---- getters ------------------------------------------------------------------------

    /// A parameter as set, if it is non-empty.
    fn text(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The hosts of the `host` parameter, in order (empty if `host` is not set). An
    /// empty entry shows what it resolves to: the address of its `hostaddr`, else the
    /// default host ([`default_socket_dir`]).
    ///
    /// ```
    /// use tusk::config::{Config, Host};
    ///
    /// let config = Config::parse("host=db,,/tmp")?;
    /// assert_eq!(config.get_hosts()[0], Host::Tcp("db".into()));
    /// assert_eq!(config.get_hosts()[1], Host::Unix(tusk::config::default_socket_dir().into()));
    /// assert_eq!(config.get_hosts()[2], Host::Unix("/tmp".into()));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// The `hostaddr` entries, in order (`None` for an empty entry).
    ///
    /// ```
    /// let config = tusk::Config::parse("hostaddr=127.0.0.1,,::1")?;
    /// assert_eq!(config.get_hostaddrs(), &[Some([127, 0, 0, 1].into()), None, Some("::1".parse().unwrap())]);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_hostaddrs(&self) -> &[Option<IpAddr>] {
        &self.hostaddrs
    }

    /// The ports of the `port` parameter, in order (an empty entry is 5432; empty if
    /// `port` is not set).
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("host=a,b,c port=5433,,5434")?.get_ports(), &[5433, 5432, 5434]);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_ports(&self) -> &[u16] {
        &self.ports
    }

    /// The user name, if set. See [`Config::effective_user`] for the default.
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("user=alice")?.get_user(), Some("alice"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_user(&self) -> Option<&str> {
        self.text("user")
    }

    /// The password, if set and non-empty.
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("password='p w'")?.get_password(), Some(&b"p w"[..]));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_password(&self) -> Option<&[u8]> {
        self.password.as_deref().filter(|p| !p.is_empty())
    }

    /// The `sslpassword` (passphrase of the client key), if set.
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("sslpassword=k")?.get_sslpassword(), Some("k"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_sslpassword(&self) -> Option<&str> {
        self.text("sslpassword")
    }

    /// The password file (`passfile`, or `PGPASSFILE` once the environment is applied),
    /// if set and non-empty. When it is not, `~/.pgpass` is used (see [`crate::pgpass`]).
    ///
    /// ```
    /// let config = tusk::Config::parse("passfile=/etc/app/pgpass")?;
    /// assert_eq!(config.get_passfile(), Some(std::path::Path::new("/etc/app/pgpass")));
    /// assert_eq!(tusk::Config::new().get_passfile(), None);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_passfile(&self) -> Option<&Path> {
        self.text("passfile").map(Path::new)
    }

    /// The connection service name (`service`, or `PGSERVICE` once the environment is
    /// applied), if set and non-empty. See [`crate::service`].
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("service=sales")?.get_service(), Some("sales"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_service(&self) -> Option<&str> {
        self.text("service")
    }

    /// The user's service file (`servicefile`, or `PGSERVICEFILE` once the environment
    /// is applied), if set and non-empty.
    ///
    /// ```
    /// let config = tusk::Config::parse("servicefile=/srv/pg_service.conf")?;
    /// assert_eq!(config.get_servicefile(), Some(std::path::Path::new("/srv/pg_service.conf")));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_servicefile(&self) -> Option<&Path> {
        self.text("servicefile").map(Path::new)
    }

    /// The authentication methods the client accepts (`require_auth`); by default,
    /// all of them. See [`crate::require_auth`].
    ///
    /// ```
    /// use tusk::require_auth::Method;
    ///
    /// let config = tusk::Config::parse("require_auth=!password,!md5")?;
    /// assert!(!config.get_require_auth().allows(Method::Md5));
    /// assert!(tusk::Config::new().get_require_auth().allows(Method::Md5));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_require_auth(&self) -> crate::require_auth::RequireAuth {
        match self.params.get("require_auth") {
            // Stored values were validated; should one not parse, refuse everything.
            Some(value) => crate::require_auth::RequireAuth::parse(value)
                .unwrap_or_else(|_| crate::require_auth::RequireAuth::deny_all()),
            None => crate::require_auth::RequireAuth::default(),
        }
    }

    /// The database name, if set. See [`Config::effective_dbname`] for the default.
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("postgres://h/sales")?.get_dbname(), Some("sales"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_dbname(&self) -> Option<&str> {
        self.text("dbname")
    }

    /// `application_name`, if set.
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("application_name=etl")?.get_application_name(), Some("etl"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_application_name(&self) -> Option<&str> {
        self.text("application_name")
    }

    /// `fallback_application_name`, if set.
    ///
    /// ```
    /// let config = tusk::Config::parse("fallback_application_name=psql")?;
    /// assert_eq!(config.get_fallback_application_name(), Some("psql"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_fallback_application_name(&self) -> Option<&str> {
        self.text("fallback_application_name")
    }

    /// Command-line options for the server (`options`), if set.
    ///
    /// ```
    /// let config = tusk::Config::parse(r"options='-c geqo=off'")?;
    /// assert_eq!(config.get_options(), Some("-c geqo=off"));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_options(&self) -> Option<&str> {
        self.text("options")
    }

    /// The time allowed per connection attempt; `None` means wait forever (the default,
    /// and what `connect_timeout=0` or a negative value means). As in libpq, a timeout
    /// of 1 second in a string is raised to 2.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// assert_eq!(tusk::Config::parse("connect_timeout=10")?.get_connect_timeout(), Some(Duration::from_secs(10)));
    /// assert_eq!(tusk::Config::parse("connect_timeout=1")?.get_connect_timeout(), Some(Duration::from_secs(2)));
    /// assert_eq!(tusk::Config::parse("connect_timeout=0")?.get_connect_timeout(), None);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// The TLS mode: as set, else `verify-full` when `sslrootcert=system` (libpq 16's
    /// rule), else `prefer`.
    ///
    /// ```
    /// use tusk::config::{Config, SslMode};
    ///
    /// assert_eq!(Config::new().get_sslmode(), SslMode::Prefer);
    /// assert_eq!(Config::parse("sslrootcert=system")?.get_sslmode(), SslMode::VerifyFull);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_sslmode(&self) -> SslMode {
        match self.sslmode {
            Some(mode) => mode,
            None if self.text("sslrootcert") == Some("system") => SslMode::VerifyFull,
            None => SslMode::Prefer,
        }
    }

    /// The lowest protocol version accepted: as set, else 3.0.
    ///
    /// ```
    /// use tusk::config::{Config, ProtocolVersion};
    ///
    /// assert_eq!(Config::new().get_min_protocol_version(), ProtocolVersion::V3_0);
    /// assert_eq!(Config::parse("min_protocol_version=latest")?.get_min_protocol_version(), ProtocolVersion::V3_2);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_min_protocol_version(&self) -> ProtocolVersion {
        self.min_protocol_version.unwrap_or(ProtocolVersion::V3_0)
    }

    /// The protocol version asked for first: as set, else 3.2. (libpq 18 defaults to
    /// 3.0; tusk asks for the latest and falls back to 3.0 when the server is older.)
    ///
    /// ```
    /// use tusk::config::{Config, ProtocolVersion};
    ///
    /// assert_eq!(Config::new().get_max_protocol_version(), ProtocolVersion::V3_2);
    /// assert_eq!(Config::parse("max_protocol_version=3.0")?.get_max_protocol_version(), ProtocolVersion::V3_0);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get_max_protocol_version(&self) -> ProtocolVersion {
        self.max_protocol_version.unwrap_or(ProtocolVersion::V3_2)
    }

    /// Any parameter's value as set, by keyword (`None` if not set). The password is
    /// never returned here: use [`Config::get_password`].
    ///
    /// ```
    /// let config = tusk::Config::parse("target_session_attrs=read-write password=x")?;
    /// assert_eq!(config.get("target_session_attrs").as_deref(), Some("read-write"));
    /// assert_eq!(config.get("password"), None);
    /// assert_eq!(config.get("gssencmode"), None);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn get(&self, key: &str) -> Option<String> {
        self.params.get(key).cloned()
    }

    /// The default time a query may run before tusk cancels it (`query_timeout`;
    /// `None`, the default, means no limit).
    ///
    /// ```
    /// let c = tusk::Config::parse("query_timeout=300ms").unwrap();
    /// assert_eq!(c.get_query_timeout(), Some(std::time::Duration::from_millis(300)));
    /// ```
    pub fn get_query_timeout(&self) -> Option<Duration> {
        self.duration_param("query_timeout").filter(|d| !d.is_zero())
    }

    /// How long delivering a cancel request may take (`cancel_timeout`, default 10 s).
    ///
    /// ```
    /// assert_eq!(tusk::Config::new().get_cancel_timeout(), std::time::Duration::from_secs(10));
    /// ```
    pub fn get_cancel_timeout(&self) -> Duration {
        self.duration_param("cancel_timeout")
            .filter(|d| !d.is_zero())
            .unwrap_or(Duration::from_secs(10))
    }

    /// How long authentication may take once the socket is open (`auth_timeout`; `None`
    /// means only `connect_timeout` applies).
    ///
    /// ```
    /// let c = tusk::Config::parse("auth_timeout=5s").unwrap();
    /// assert_eq!(c.get_auth_timeout(), Some(std::time::Duration::from_secs(5)));
    /// ```
    pub fn get_auth_timeout(&self) -> Option<Duration> {
        self.duration_param("auth_timeout").filter(|d| !d.is_zero())
    }

    fn duration_param(&self, key: &str) -> Option<Duration> {
        self.params.get(key).and_then(|v| parse_duration(v).ok())
    }

    /// TCP keepalive settings as libpq names them: `keepalives` (default on),
    /// `keepalives_idle`, `keepalives_interval` (seconds), `keepalives_count`, and
    /// `tcp_user_timeout` (milliseconds). `None` for a value means the OS default.
    ///
    /// ```
    /// let c = tusk::Config::parse("keepalives_idle=30 keepalives_count=3").unwrap();
    /// let k = c.get_keepalives();
    /// assert!(k.enabled);
    /// assert_eq!(k.idle, Some(std::time::Duration::from_secs(30)));
    /// assert_eq!(k.count, Some(3));
    /// ```
    pub fn get_keepalives(&self) -> Keepalives {
        let int = |k: &str| self.params.get(k).and_then(|v| v.trim().parse::<i64>().ok());
        let secs = |k: &str| int(k).filter(|v| *v > 0).map(|v| Duration::from_secs(v as u64));
        Keepalives {
            enabled: int("keepalives").is_none_or(|v| v != 0),
            idle: secs("keepalives_idle"),
            interval: secs("keepalives_interval"),
            count: int("keepalives_count").filter(|v| *v > 0).map(|v| v as u32),
            user_timeout: int("tcp_user_timeout")
                .filter(|v| *v > 0)
                .map(|v| Duration::from_millis(v as u64)),
        }
    }

    /// How many prepared statements the connection caches per SQL text
    /// (`statement_cache_size`, default 256; 0 disables the cache).
    ///
    /// ```
    /// let c = tusk::Config::parse("statement_cache_size=10").unwrap();
    /// assert_eq!(c.get_statement_cache_size(), 10);
    /// assert_eq!(tusk::Config::new().get_statement_cache_size(), 256);
    /// ```
    pub fn get_statement_cache_size(&self) -> usize {
        self.params
            .get("statement_cache_size")
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_STATEMENT_CACHE_SIZE)
    }

    /// Sets `statement_cache_size`.
    ///
    /// ```
    /// let mut c = tusk::Config::new();
    /// c.statement_cache_size(0);
    /// assert_eq!(c.get_statement_cache_size(), 0);
    /// ```
    pub fn statement_cache_size(&mut self, size: usize) -> &mut Self {
        self.params.insert("statement_cache_size", size.to_string());
        self
    }

    /// Whether cached statements are named server-side statements (default) or the
    /// unnamed statement re-parsed each time (`statement_cache_mode=unnamed`, safe
    /// behind PgBouncer in transaction mode).
    ///
    /// ```
    /// use tusk::config::StatementCacheMode;
    /// let c = tusk::Config::parse("statement_cache_mode=unnamed").unwrap();
    /// assert_eq!(c.get_statement_cache_mode(), StatementCacheMode::Unnamed);
    /// ```
    pub fn get_statement_cache_mode(&self) -> StatementCacheMode {
        match self.params.get("statement_cache_mode").map(String::as_str) {
            Some("unnamed") => StatementCacheMode::Unnamed,
            _ => StatementCacheMode::Named,
        }
    }

    /// Sets `statement_cache_mode`.
    ///
    /// ```
    /// use tusk::config::StatementCacheMode;
    /// let mut c = tusk::Config::new();
    /// c.statement_cache_mode(StatementCacheMode::Unnamed);
    /// assert_eq!(c.get_statement_cache_mode(), StatementCacheMode::Unnamed);
    /// ```
    pub fn statement_cache_mode(&mut self, mode: StatementCacheMode) -> &mut Self {
        let v = match mode {
            StatementCacheMode::Named => "named",
            StatementCacheMode::Unnamed => "unnamed",
        };
        self.params.insert("statement_cache_mode", v.into());
        self
    }

    /// Every keyword tusk accepts, with the environment variable that supplies it.
    ///
    /// ```
    /// let mut all = tusk::Config::keywords();
    /// assert_eq!(all.next(), Some(("host", Some("PGHOST"))));
    /// assert!(tusk::Config::keywords().any(|(k, env)| k == "keepalives" && env.is_none()));
    /// ```
    pub fn keywords() -> impl Iterator<Item = (&'static str, Option<&'static str>)> {
        KEYWORDS.iter().map(|k| (k.name, k.env))
    }

    // ---- resolution ---------------------------------------------------------------------

    /// The `(host, port)` pairs to try, in order, with libpq's rules:
    ///
    /// - the list has one entry per `hostaddr` entry if `hostaddr` is set, else one per
    ///   `host` entry, else a single default entry;
    /// - `port` gives one port for all hosts or one per host; an empty entry (or no
    ///   `port`) means 5432;
    /// - an empty host entry means the unix socket in [`default_socket_dir`] (or, with
    ///   a `hostaddr`, that address).
    ///
    /// Returns an empty list if the parameters do not fit together (a count mismatch
    /// built with the setters); [`Config::try_targets`] says why.
    ///
    /// ```
    /// use tusk::config::{Config, Host};
    ///
    /// let targets = Config::parse("postgresql://h1:5433,[::1],%2Ftmp:5435/db")?.targets();
    /// let hosts: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
    /// assert_eq!(hosts, ["h1:5433", "[::1]:5432", "/tmp/.s.PGSQL.5435"]);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn targets(&self) -> Vec<Target> {
        self.try_targets().unwrap_or_default()
    }

    /// Like [`Config::targets`], but reports mismatched counts and bad `hostaddr` or
    /// `port` values (possible only through the infallible setters) as errors.
    ///
    /// ```
    /// let mut config = tusk::Config::new();
    /// config.host("a,b,c").set("port", "1,2")?;
    /// let e = config.try_targets().unwrap_err();
    /// assert_eq!(e.to_string(), "could not match 2 port numbers to 3 hosts");
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn try_targets(&self) -> Result<Vec<Target>, ConfigError> {
        let hosts = self.params.get("host").map(|v| items(v)).unwrap_or_default();
        let addrs = match self.params.get("hostaddr") {
            Some(v) => parse_hostaddrs(v)?,
            None => Vec::new(),
        };
        let ports = match self.params.get("port") {
            Some(v) => parse_ports(v)?,
            None => Vec::new(),
        };
        let count = if !addrs.is_empty() {
            addrs.len()
        } else if !hosts.is_empty() {
            hosts.len()
        } else {
            1
        };
        if !hosts.is_empty() && hosts.len() != count {
            return Err(ConfigError::for_key(
                "hostaddr",
                format!("could not match {} host names to {count} hostaddr values", hosts.len()),
            ));
        }
        if ports.len() > 1 && ports.len() != count {
            let noun = if count == 1 { "host" } else { "hosts" };
            return Err(ConfigError::for_key(
                "port",
                format!("could not match {} port numbers to {count} {noun}", ports.len()),
            ));
        }
        let targets = (0..count)
            .map(|i| {
                let hostaddr = addrs.get(i).copied().flatten();
                Target {
                    host: resolve_host(hosts.get(i).copied().unwrap_or(""), hostaddr),
                    hostaddr,
                    port: match ports.as_slice() {
                        [] => DEFAULT_PORT,
                        [one] => *one,
                        many => many.get(i).copied().unwrap_or(DEFAULT_PORT),
                    },
                }
            })
            .collect();
        Ok(targets)
    }

    /// Checks the parameters as a whole, with defaults applied: host, hostaddr and port
    /// counts, every `hostaddr` and `port` value, the protocol and TLS version ranges,
    /// and the TLS settings that need a strong `sslmode`. [`Config::with_env_defaults`]
    /// runs this; [`Config::parse`] runs the checks whose parameters are all explicit.
    ///
    /// ```
    /// let config = tusk::Config::parse("sslnegotiation=direct")?; // sslmode may come from PGSSLMODE
    /// assert!(config.validate().is_err()); // but the default, prefer, is too weak
    /// assert!(tusk::Config::parse("sslnegotiation=direct sslmode=require")?.validate().is_ok());
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check(true)
    }

    /// The cross-parameter checks. With `complete` false, only those whose parameters
    /// were all set explicitly (the rest may still come from the environment).
    fn check(&self, complete: bool) -> Result<(), ConfigError> {
        let set = |k: &str| self.params.contains_key(k);
        if complete || (set("port") && (set("host") || set("hostaddr"))) || (set("host") && set("hostaddr")) {
            self.try_targets()?;
        }
        if complete || (set("min_protocol_version") && set("max_protocol_version")) {
            let (min, max) = (self.get_min_protocol_version(), self.get_max_protocol_version());
            if min > max {
                return Err(ConfigError::for_key(
                    "min_protocol_version",
                    format!("min_protocol_version ({min}) is greater than max_protocol_version ({max})"),
                ));
            }
        }
        if let (Some(min), Some(max)) = (
            self.text("ssl_min_protocol_version"),
            self.text("ssl_max_protocol_version"),
        ) && tls_version_rank(min) > tls_version_rank(max)
        {
            return Err(ConfigError::for_key(
                "ssl_min_protocol_version",
                format!(
                    "invalid SSL protocol version range: ssl_min_protocol_version ({min}) is greater than ssl_max_protocol_version ({max})"
                ),
            ));
        }
        if complete || set("sslmode") {
            let mode = self.get_sslmode();
            if self.text("sslnegotiation") == Some("direct") && mode.is_weak() {
                return Err(ConfigError::for_key(
                    "sslnegotiation",
                    format!(
                        "weak sslmode \"{mode}\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")"
                    ),
                ));
            }
            if self.text("sslrootcert") == Some("system") && mode != SslMode::VerifyFull {
                return Err(ConfigError::for_key(
                    "sslmode",
                    format!("weak sslmode \"{mode}\" may not be used with sslrootcert=system (use \"verify-full\")"),
                ));
            }
        }
        if complete && let Some((key, _)) = self.params.iter().find(|(_, v)| v.contains('\0')) {
            return Err(ConfigError::for_key(
                key,
                format!("connection parameter \"{key}\" contains a NUL byte"),
            ));
        }
        Ok(())
    }

    /// The user to log in as: `user` if set and non-empty, else the operating-system
    /// user (the first non-empty of `USER`, `LOGNAME` and `USERNAME`), else `postgres`.
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("user=alice")?.effective_user(), "alice");
    /// assert!(!tusk::Config::new().effective_user().is_empty());
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn effective_user(&self) -> String {
        if let Some(user) = self.get_user() {
            return user.to_string();
        }
        ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_else(|| "postgres".to_string())
    }

    /// The database to connect to: `dbname` if set and non-empty, else the
    /// [effective user](Config::effective_user)'s name.
    ///
    /// ```
    /// assert_eq!(tusk::Config::parse("user=alice")?.effective_dbname(), "alice");
    /// assert_eq!(tusk::Config::parse("user=alice dbname=sales")?.effective_dbname(), "sales");
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn effective_dbname(&self) -> String {
        match self.get_dbname() {
            Some(db) => db.to_string(),
            None => self.effective_user(),
        }
    }

    // ---- rendering ----------------------------------------------------------------------

    /// Renders the parameters as a `keyword=value` string that [`Config::parse`] reads
    /// back to an equal `Config`. Secrets (`password`, `sslpassword`,
    /// `oauth_client_secret`) are written as `***` unless `include_password` is true.
    /// (A password that is not UTF-8 cannot be written exactly; invalid bytes become
    /// U+FFFD.)
    ///
    /// ```
    /// let config = tusk::Config::parse("postgres://bob:pa%20ss@h/my%20db")?;
    /// assert_eq!(config.to_conninfo_string(false), "host=h user=bob password=*** dbname='my db'");
    /// assert_eq!(config.to_conninfo_string(true), "host=h user=bob password='pa ss' dbname='my db'");
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn to_conninfo_string(&self, include_password: bool) -> String {
        let mut out = String::new();
        for keyword in KEYWORDS {
            let value = if keyword.name == "password" {
                self.password.as_deref().map(String::from_utf8_lossy)
            } else {
                self.params.get(keyword.name).map(|v| v.as_str().into())
            };
            let Some(value) = value else { continue };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(keyword.name);
            out.push('=');
            if keyword.secret && !include_password {
                out.push_str(REDACTED);
            } else {
                push_quoted(&mut out, &value);
            }
        }
        out
    }
}

/// Appends `value` to a `keyword=value` string, quoted if it needs to be.
fn push_quoted(out: &mut String, value: &str) {
    let needs_quotes = value.is_empty() || value.chars().any(|c| is_space(c) || c == '\'' || c == '\\');
    if !needs_quotes {
        out.push_str(value);
        return;
    }
    out.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
}

impl FromStr for Config {
    type Err = ConfigError;

    /// Same as [`Config::parse`].
    fn from_str(s: &str) -> Result<Config, ConfigError> {
        Config::parse(s)
    }
}

impl fmt::Display for Config {
    /// The `keyword=value` form with secrets redacted: [`Config::to_conninfo_string`]
    /// with `include_password` false.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_conninfo_string(false))
    }
}

impl fmt::Debug for Config {
    /// The typed parameters and the others as set; secrets show as `Some("***")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: &[&str] = &[
            "host",
            "hostaddr",
            "port",
            "user",
            "dbname",
            "application_name",
            "fallback_application_name",
            "options",
            "connect_timeout",
            "sslmode",
            "min_protocol_version",
            "max_protocol_version",
        ];
        let others: BTreeMap<&str, &str> = self
            .params
            .iter()
            .filter(|(k, _)| !SHOWN.contains(k))
            .map(|(k, v)| {
                let secret = lookup(k).is_some_and(|kw| kw.secret);
                (*k, if secret { REDACTED } else { v.as_str() })
            })
            .collect();
        f.debug_struct("Config")
            .field("hosts", &self.hosts)
            .field("hostaddrs", &self.hostaddrs)
            .field("ports", &self.ports)
            .field("user", &self.get_user())
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .field("dbname", &self.get_dbname())
            .field("application_name", &self.get_application_name())
            .field("fallback_application_name", &self.get_fallback_application_name())
            .field("options", &self.get_options())
            .field("connect_timeout", &self.connect_timeout)
            .field("sslmode", &self.get_sslmode())
            .field("min_protocol_version", &self.get_min_protocol_version())
            .field("max_protocol_version", &self.get_max_protocol_version())
            .field("other", &others)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------
// Value validation
// ---------------------------------------------------------------------------------------

fn one_of(key: &str, value: &str, choices: &[&str]) -> Result<(), ConfigError> {
    if choices.contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::bad_choice(key, value, choices))
    }
}

fn parse_int(key: &str, value: &str) -> Result<i32, ConfigError> {
    value
        .trim_matches(is_space)
        .parse()
        .map_err(|_| ConfigError::bad_integer(key, value))
}

fn parse_connect_timeout(value: &str) -> Result<Option<Duration>, ConfigError> {
    let secs = parse_int("connect_timeout", value)?;
    Ok(match secs {
        ..=0 => None,
        // libpq: a 1-second timeout is too likely to expire early, so it uses 2.
        1 => Some(Duration::from_secs(2)),
        n => Some(Duration::from_secs(n.unsigned_abs().into())),
    })
}

fn parse_ports(value: &str) -> Result<Vec<u16>, ConfigError> {
    items(value)
        .into_iter()
        .map(|item| {
            if item.is_empty() {
                return Ok(DEFAULT_PORT);
            }
            match item.parse::<u16>() {
                Ok(port) if port != 0 => Ok(port),
                _ => Err(ConfigError::for_key("port", format!("invalid port number \"{item}\""))),
            }
        })
        .collect()
}

fn parse_hostaddrs(value: &str) -> Result<Vec<Option<IpAddr>>, ConfigError> {
    items(value)
        .into_iter()
        .map(|item| {
            if item.is_empty() {
                return Ok(None);
            }
            item.parse().map(Some).map_err(|_| {
                ConfigError::for_key(
                    "hostaddr",
                    format!("invalid hostaddr \"{item}\": not a numeric IP address"),
                )
            })
        })
        .collect()
}

/// Orders TLS versions; unknown text (already rejected when set) sorts last.
fn tls_version_rank(value: &str) -> usize {
    TLS_VERSIONS
        .iter()
        .position(|v| v.eq_ignore_ascii_case(value))
        .unwrap_or(usize::MAX)
}

const TLS_VERSIONS: &[&str] = &["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// Whether a keyword holds a secret (`password`, `sslpassword`, `oauth_client_secret`):
/// never shown by `Debug` or `Display`.
pub(crate) fn is_secret_keyword(name: &str) -> bool {
    lookup(name).is_some_and(|k| k.secret)
}

/// Validates the keywords without a typed view.
fn check_value(key: &'static str, value: &str) -> Result<(), ConfigError> {
    match key {
        "sslnegotiation" => one_of(key, value, &["postgres", "direct"]),
        "sslsni" | "sslcompression" | "gssdelegation" => one_of(key, value, &["0", "1"]),
        "sslcertmode" => one_of(key, value, &["disable", "allow", "require"]),
        "channel_binding" => one_of(key, value, &["disable", "prefer", "require"]),
        "gssencmode" => one_of(key, value, &["disable", "prefer", "require"]),
        "gsslib" => one_of(key, value, &["gssapi", "sspi"]),
        "target_session_attrs" => one_of(
            key,
            value,
            &["any", "read-write", "read-only", "primary", "standby", "prefer-standby"],
        ),
        "load_balance_hosts" => one_of(key, value, &["disable", "random"]),
        "keepalives" | "keepalives_idle" | "keepalives_interval" | "keepalives_count" | "tcp_user_timeout" => {
            parse_int(key, value).map(drop)
        }
        "replication" => {
            const ACCEPTED: &[&str] = &["true", "on", "yes", "1", "false", "off", "no", "0", "database"];
            if ACCEPTED.iter().any(|a| a.eq_ignore_ascii_case(value)) {
                Ok(())
            } else {
                Err(ConfigError::bad_choice(key, value, ACCEPTED))
            }
        }
        "ssl_min_protocol_version" | "ssl_max_protocol_version" => {
            if value.is_empty() || tls_version_rank(value) != usize::MAX {
                Ok(())
            } else {
                Err(ConfigError::bad_choice(key, value, TLS_VERSIONS))
            }
        }
        "client_encoding" => {
            // tusk always speaks UTF-8; "auto" (pick from the locale) means the same here.
            const ACCEPTED: &[&str] = &["UTF8", "UTF-8", "UNICODE", "auto"];
            if value.is_empty() || ACCEPTED.iter().any(|a| a.eq_ignore_ascii_case(value)) {
                Ok(())
            } else {
                Err(ConfigError::for_key(
                    key,
                    format!("unsupported client_encoding \"{value}\": tusk always uses UTF8 (or give \"auto\")"),
                ))
            }
        }
        "require_auth" => crate::require_auth::RequireAuth::parse(value).map(drop),
        "statement_cache_size" => match value.parse::<usize>() {
            Ok(_) => Ok(()),
            Err(_) => Err(ConfigError::for_key(
                key,
                format!("invalid statement_cache_size \"{value}\": expected a count of statements (0 disables)"),
            )),
        },
        "statement_cache_mode" => one_of(key, value, &["named", "unnamed"]),
        "query_timeout" | "cancel_timeout" | "auth_timeout" => parse_duration(value)
            .map(drop)
            .map_err(|why| ConfigError::for_key(key, format!("invalid {key} \"{value}\": {why}"))),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// keyword=value syntax
// ---------------------------------------------------------------------------------------

/// Parses libpq's `keyword = value` syntax into `config`.
fn parse_keyword_value(config: &mut Config, s: &str) -> Result<(), ConfigError> {
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| is_space(*c)).is_some() {}
        if chars.peek().is_none() {
            return Ok(());
        }
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !is_space(*c)) {
            name.push(c);
        }
        while chars.next_if(|c| is_space(*c)).is_some() {}
        if chars.next_if_eq(&'=').is_none() {
            return Err(ConfigError::new(format!(
                "missing \"=\" after \"{name}\" in connection info string"
            )));
        }
        while chars.next_if(|c| is_space(*c)).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    None => {
                        return Err(ConfigError::for_key(
                            &name,
                            format!("unterminated quoted string in connection info string (value of \"{name}\")"),
                        ));
                    }
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next() {
                match c {
                    c if is_space(c) => break,
                    '\\' => value.extend(chars.next()),
                    c => value.push(c),
                }
            }
        }
        config.set(&name, &value)?;
    }
}

// ---------------------------------------------------------------------------------------
// URL syntax
// ---------------------------------------------------------------------------------------

mod url {
    //! `postgresql://` URLs, split the way libpq splits them.

    use super::{Config, ConfigError};

    /// Why percent-decoding failed.
    enum DecodeError {
        BadEscape,
        Nul,
        NotUtf8,
    }

    fn decode_bytes(s: &str) -> Result<Vec<u8>, DecodeError> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if b == 0 {
                return Err(DecodeError::Nul);
            }
            if b != b'%' {
                out.push(b);
                i += 1;
                continue;
            }
            let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
            let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                return Err(DecodeError::BadEscape);
            };
            let byte = (hi * 16 + lo) as u8;
            if byte == 0 {
                return Err(DecodeError::Nul);
            }
            out.push(byte);
            i += 3;
        }
        Ok(out)
    }

    fn decode_text(s: &str) -> Result<String, DecodeError> {
        String::from_utf8(decode_bytes(s)?).map_err(|_| DecodeError::NotUtf8)
    }

    /// The error for a bad component. `shown` is the raw text to quote, or `None` for
    /// secrets, which are never echoed.
    fn decode_error(e: DecodeError, what: &str, key: Option<&str>, shown: Option<&str>) -> ConfigError {
        let problem = match e {
            DecodeError::BadEscape => "invalid percent-encoded token",
            DecodeError::Nul => "forbidden value %00 in percent-encoded value",
            DecodeError::NotUtf8 => "percent-encoded value is not valid UTF-8",
        };
        let message = match shown {
            Some(raw) => format!("{problem} in URL {what}: \"{raw}\""),
            None => format!("{problem} in URL {what}"),
        };
        match key {
            Some(k) => ConfigError::for_key(k, message),
            None => ConfigError::new(message),
        }
    }

    fn text(raw: &str, what: &str, key: &str) -> Result<String, ConfigError> {
        decode_text(raw).map_err(|e| decode_error(e, what, Some(key), Some(raw)))
    }

    /// Parses what follows `postgresql://` into `config`.
    pub(super) fn parse(config: &mut Config, rest: &str) -> Result<(), ConfigError> {
        // User info ends at the last '@' before the first '/'. (libpq stops at the first
        // '@'; the last one also accepts an unencoded '@' in a password.)
        let slash = rest.find('/').unwrap_or(rest.len());
        let rest = match rest[..slash].rfind('@') {
            Some(at) => {
                userinfo(config, &rest[..at])?;
                &rest[at + 1..]
            }
            None => rest,
        };

        let (hosts, ports, rest) = netloc(rest)?;
        let hosts: Vec<String> = hosts
            .iter()
            .map(|h| text(h, "host", "host"))
            .collect::<Result<_, _>>()?;
        let host = hosts.join(",");
        if !host.is_empty() {
            config.set("host", &host)?;
        }
        // Unlike libpq, a host list without any port stores no `port` (rather than ",,"),
        // so that PGPORT still applies to it.
        if ports.iter().any(|p| !p.is_empty()) {
            config.set("port", &text(&ports.join(","), "port", "port")?)?;
        }

        let query = if let Some(path) = rest.strip_prefix('/') {
            let (dbname, query) = match path.find('?') {
                Some(q) => (&path[..q], Some(&path[q + 1..])),
                None => (path, None),
            };
            let dbname = text(dbname, "database name", "dbname")?;
            if !dbname.is_empty() {
                config.set("dbname", &dbname)?;
            }
            query
        } else {
            rest.strip_prefix('?')
        };
        if let Some(query) = query {
            parameters(config, query)?;
        }
        Ok(())
    }

    fn userinfo(config: &mut Config, info: &str) -> Result<(), ConfigError> {
        let (user, password) = match info.find(':') {
            Some(colon) => (&info[..colon], Some(&info[colon + 1..])),
            None => (info, None),
        };
        let user = text(user, "user name", "user")?;
        if !user.is_empty() {
            config.set("user", &user)?;
        }
        if let Some(password) = password {
            let bytes = decode_bytes(password).map_err(|e| decode_error(e, "password", Some("password"), None))?;
            if !bytes.is_empty() {
                config.password(bytes);
            }
        }
        Ok(())
    }

    /// Splits `host[:port][,host[:port]]…` off the front of `s`; returns the raw hosts,
    /// the raw ports (empty when absent) and what follows (empty, or from `/` or `?`).
    fn netloc(s: &str) -> Result<(Vec<&str>, Vec<&str>, &str), ConfigError> {
        let is_end = |c: char| matches!(c, '/' | '?' | ',');
        let mut hosts = Vec::new();
        let mut ports = Vec::new();
        let mut rest = s;
        loop {
            let host;
            if let Some(bracketed) = rest.strip_prefix('[') {
                let Some(close) = bracketed.find(']') else {
                    return Err(ConfigError::for_key(
                        "host",
                        format!(
                            "end of string reached when looking for matching \"]\" in IPv6 host address in URL: \"{s}\""
                        ),
                    ));
                };
                if close == 0 {
                    return Err(ConfigError::for_key(
                        "host",
                        "IPv6 host address may not be empty in URL",
                    ));
                }
                host = &bracketed[..close];
                rest = &bracketed[close + 1..];
                if let Some(c) = rest.chars().next()
                    && c != ':'
                    && !is_end(c)
                {
                    return Err(ConfigError::for_key(
                        "host",
                        format!(
                            "unexpected character \"{c}\" after IPv6 host address in URL (expected \":\", \",\", \"/\" or \"?\")"
                        ),
                    ));
                }
            } else {
                let end = rest.find(|c| c == ':' || is_end(c)).unwrap_or(rest.len());
                host = &rest[..end];
                rest = &rest[end..];
            }
            hosts.push(host);
            if let Some(after_colon) = rest.strip_prefix(':') {
                let end = after_colon.find(is_end).unwrap_or(after_colon.len());
                ports.push(&after_colon[..end]);
                rest = &after_colon[end..];
            } else {
                ports.push("");
            }
            match rest.strip_prefix(',') {
                Some(next) => rest = next,
                None => return Ok((hosts, ports, rest)),
            }
        }
    }

    /// Applies `key=value&…` query parameters (percent-decoded; `ssl=true` means
    /// `sslmode=require`, for JDBC compatibility, as in libpq).
    fn parameters(config: &mut Config, query: &str) -> Result<(), ConfigError> {
        let mut rest = query;
        while !rest.is_empty() {
            let (pair, next) = match rest.find('&') {
                Some(amp) => (&rest[..amp], &rest[amp + 1..]),
                None => (rest, ""),
            };
            rest = next;
            let Some((raw_key, raw_value)) = pair.split_once('=') else {
                return Err(ConfigError::new(format!(
                    "missing key/value separator \"=\" in URL query parameter: \"{pair}\""
                )));
            };
            let key = decode_text(raw_key).map_err(|e| decode_error(e, "query parameter name", None, Some(raw_key)))?;
            if raw_value.contains('=') {
                return Err(ConfigError::for_key(
                    &key,
                    format!("extra key/value separator \"=\" in URL query parameter \"{key}\""),
                ));
            }
            let secret = super::lookup(&key).is_some_and(|k| k.secret);
            let what = format!("query parameter \"{key}\"");
            let shown = (!secret).then_some(raw_value);
            if key == "password" {
                let bytes = decode_bytes(raw_value).map_err(|e| decode_error(e, &what, Some(&key), shown))?;
                config.password(bytes);
                continue;
            }
            let value = decode_text(raw_value).map_err(|e| decode_error(e, &what, Some(&key), shown))?;
            if key == "ssl" && value == "true" {
                config.set("sslmode", "require")?;
            } else {
                config.set(&key, &value)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(s: &str) -> Config {
        match Config::parse(s) {
            Ok(c) => c,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    fn parse_err(s: &str) -> ConfigError {
        match Config::parse(s) {
            Ok(c) => panic!("{s:?} should fail, got {c:?}"),
            Err(e) => e,
        }
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn get(c: &Config, key: &str) -> Option<String> {
        c.get(key)
    }

    fn tcp(h: &str) -> Host {
        Host::Tcp(h.to_string())
    }

    fn unix(p: &str) -> Host {
        Host::Unix(PathBuf::from(p))
    }

    fn default_dir() -> Host {
        Host::Unix(default_socket_dir().to_path_buf())
    }

    /// A valid value for every keyword.
    fn sample(key: &str) -> &'static str {
        match key {
            "host" => "h",
            "hostaddr" => "127.0.0.1",
            "port" => "5433",
            "user" => "u",
            "password" => "pw",
            "dbname" => "d",
            "passfile" => "/home/u/.pgpass",
            "service" => "svc",
            "servicefile" => "/etc/pg_service.conf",
            "options" => "-c search_path=x",
            "application_name" => "app",
            "fallback_application_name" => "fallback",
            "connect_timeout" => "7",
            "client_encoding" => "UTF8",
            "min_protocol_version" => "3.0",
            "max_protocol_version" => "3.2",
            "target_session_attrs" => "read-only",
            "load_balance_hosts" => "random",
            "sslmode" => "require",
            "sslnegotiation" => "postgres",
            "sslcompression" => "0",
            "sslcert" => "/c.crt",
            "sslkey" => "/c.key",
            "sslcertmode" => "allow",
            "sslpassword" => "keypass",
            "sslrootcert" => "/root.crt",
            "sslcrl" => "/crl.pem",
            "sslcrldir" => "/crl.d",
            "sslsni" => "1",
            "sslkeylogfile" => "/tmp/keys.log",
            "ssl_min_protocol_version" => "TLSv1.2",
            "ssl_max_protocol_version" => "TLSv1.3",
            "channel_binding" => "require",
            "require_auth" => "scram-sha-256",
            "requirepeer" => "postgres",
            "gssencmode" => "disable",
            "krbsrvname" => "postgres",
            "gsslib" => "gssapi",
            "gssdelegation" => "0",
            "oauth_issuer" => "https://issuer.example",
            "oauth_client_id" => "cid",
            "oauth_client_secret" => "csecret",
            "oauth_scope" => "openid",
            "keepalives" => "1",
            "keepalives_idle" => "30",
            "keepalives_interval" => "10",
            "keepalives_count" => "3",
            "tcp_user_timeout" => "1000",
            "replication" => "database",
            "statement_cache_size" => "100",
            "statement_cache_mode" => "unnamed",
            "query_timeout" => "300ms",
            "cancel_timeout" => "5s",
            "auth_timeout" => "1m",
            other => panic!("no sample for {other}"),
        }
    }

    fn all_keywords_string() -> String {
        KEYWORDS
            .iter()
            .map(|k| format!("{}={}", k.name, sample(k.name).replace(' ', "\\ ")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    // ---- keyword=value syntax ---------------------------------------------------------

    #[test]
    fn empty_and_blank_strings_are_empty_configs() {
        assert_eq!(parse(""), Config::new());
        assert_eq!(parse("   \t\n "), Config::new());
        assert_eq!(Config::new().to_string(), "");
    }

    #[test]
    fn kv_basic() {
        let c = parse("host=localhost port=5433 user=alice dbname=sales");
        assert_eq!(c.get_hosts(), &[tcp("localhost")]);
        assert_eq!(c.get_ports(), &[5433]);
        assert_eq!(c.get_user(), Some("alice"));
        assert_eq!(c.get_dbname(), Some("sales"));
    }

    #[test]
    fn kv_whitespace_around_equals() {
        let c = parse("  host =  localhost\tport=\t5433   user\n=\nalice  ");
        assert_eq!(get(&c, "host").as_deref(), Some("localhost"));
        assert_eq!(c.get_ports(), &[5433]);
        assert_eq!(c.get_user(), Some("alice"));
    }

    #[test]
    fn kv_all_libpq_whitespace_separates() {
        let c = parse("user=a\u{0b}dbname=b\u{0c}application_name=c\rport=1");
        assert_eq!(c.get_user(), Some("a"));
        assert_eq!(c.get_dbname(), Some("b"));
        assert_eq!(c.get_application_name(), Some("c"));
        assert_eq!(c.get_ports(), &[1]);
    }

    #[test]
    fn kv_quoted_values() {
        let c = parse(r"dbname='my db' options='-c a=b  -c c=d' user='o\'brien' password='back\\slash'");
        assert_eq!(c.get_dbname(), Some("my db"));
        assert_eq!(c.get_options(), Some("-c a=b  -c c=d"));
        assert_eq!(c.get_user(), Some("o'brien"));
        assert_eq!(c.get_password(), Some(&br"back\slash"[..]));
    }

    #[test]
    fn kv_quoted_value_escapes_any_character() {
        assert_eq!(parse(r"dbname='a\bc'").get_dbname(), Some("abc"));
    }

    #[test]
    fn kv_empty_quoted_value() {
        let c = parse("user='' dbname=x");
        assert_eq!(get(&c, "user").as_deref(), Some(""));
        assert_eq!(c.get_user(), None, "an empty value counts as unset");
        assert_eq!(c.get_dbname(), Some("x"));
    }

    #[test]
    fn kv_quotes_need_no_separator_after_them() {
        let c = parse("user='a b'dbname=c");
        assert_eq!(c.get_user(), Some("a b"));
        assert_eq!(c.get_dbname(), Some("c"));
    }

    #[test]
    fn kv_unquoted_backslash_escapes() {
        let c = parse(r"dbname=my\ db user=o\'brien options=a\\b");
        assert_eq!(c.get_dbname(), Some("my db"));
        assert_eq!(c.get_user(), Some("o'brien"));
        assert_eq!(c.get_options(), Some(r"a\b"));
    }

    #[test]
    fn kv_trailing_backslash_is_dropped() {
        assert_eq!(parse(r"dbname=abc\").get_dbname(), Some("abc"));
    }

    #[test]
    fn kv_quote_inside_unquoted_value_is_literal() {
        assert_eq!(parse("dbname=it's").get_dbname(), Some("it's"));
    }

    #[test]
    fn kv_equals_inside_value_is_literal() {
        assert_eq!(parse("options=-c\\ x=y").get_options(), Some("-c x=y"));
        assert_eq!(parse("dbname=a=b").get_dbname(), Some("a=b"));
    }

    #[test]
    fn kv_empty_unquoted_value_at_end() {
        let c = parse("dbname=");
        assert_eq!(get(&c, "dbname").as_deref(), Some(""));
    }

    #[test]
    fn kv_blank_after_equals_is_skipped_like_libpq() {
        // libpq skips whitespace after '=', so the next word becomes the value.
        let c = parse("application_name= port=5");
        assert_eq!(c.get_application_name(), Some("port=5"));
        assert_eq!(c.get_ports(), &[] as &[u16]);
    }

    #[test]
    fn kv_later_value_wins() {
        let c = parse("user=a user=b");
        assert_eq!(c.get_user(), Some("b"));
    }

    #[test]
    fn kv_unicode_values() {
        let c = parse("dbname=données user='Zoë Ω'");
        assert_eq!(c.get_dbname(), Some("données"));
        assert_eq!(c.get_user(), Some("Zoë Ω"));
    }

    #[test]
    fn kv_missing_equals() {
        let e = parse_err("host");
        assert_eq!(e.to_string(), r#"missing "=" after "host" in connection info string"#);
        assert_eq!(e.key(), None);
        let e = parse_err("host localhost");
        assert_eq!(e.to_string(), r#"missing "=" after "host" in connection info string"#);
        let e = parse_err("user=a dbname");
        assert!(e.to_string().contains(r#"after "dbname""#), "{e}");
    }

    #[test]
    fn kv_unknown_keyword() {
        let e = parse_err("host=a foo=bar");
        assert_eq!(e.to_string(), r#"unknown connection parameter "foo""#);
        assert_eq!(e.key(), Some("foo"));
        // Keywords are case-sensitive, as in libpq.
        assert_eq!(parse_err("HOST=a").key(), Some("HOST"));
    }

    #[test]
    fn kv_empty_keyword_is_unknown() {
        let e = parse_err("=value");
        assert_eq!(e.to_string(), r#"unknown connection parameter """#);
        assert_eq!(e.key(), Some(""));
    }

    #[test]
    fn kv_unterminated_quote() {
        let e = parse_err("user='abc");
        assert!(e.to_string().starts_with("unterminated quoted string"), "{e}");
        assert_eq!(e.key(), Some("user"));
        // An escaped quote does not close the string.
        assert!(parse_err(r"user='abc\'").to_string().starts_with("unterminated"));
        assert!(parse_err(r"user='abc\").to_string().starts_with("unterminated"));
        assert!(parse_err("user='").to_string().starts_with("unterminated"));
    }

    #[test]
    fn kv_nul_bytes_are_rejected() {
        let e = parse_err("user=a\0b");
        assert_eq!(e.key(), Some("user"));
        assert!(e.to_string().contains("NUL"), "{e}");
        assert!(parse_err("password='x\0'").to_string().contains("NUL"));
    }

    #[test]
    fn from_str_is_parse() {
        let a: Config = "host=h dbname=d".parse().unwrap();
        assert_eq!(a, parse("host=h dbname=d"));
        assert!("nonsense".parse::<Config>().is_err());
    }

    // ---- URLs ---------------------------------------------------------------------------

    #[test]
    fn url_full() {
        let c = parse("postgresql://alice:secret@db.example.com:5433/sales?application_name=etl&connect_timeout=10");
        assert_eq!(c.get_user(), Some("alice"));
        assert_eq!(c.get_password(), Some(&b"secret"[..]));
        assert_eq!(c.get_hosts(), &[tcp("db.example.com")]);
        assert_eq!(c.get_ports(), &[5433]);
        assert_eq!(c.get_dbname(), Some("sales"));
        assert_eq!(c.get_application_name(), Some("etl"));
        assert_eq!(c.get_connect_timeout(), Some(Duration::from_secs(10)));
    }

    #[test]
    fn url_both_schemes() {
        assert_eq!(parse("postgres://h/d"), parse("postgresql://h/d"));
        assert_eq!(parse("postgres://h/d"), parse("host=h dbname=d"));
    }

    #[test]
    fn url_surrounding_whitespace_is_ignored() {
        assert_eq!(parse("  postgres://h/d \n"), parse("host=h dbname=d"));
    }

    #[test]
    fn url_scheme_is_case_sensitive_like_libpq() {
        assert!(Config::parse("POSTGRESQL://h/d").is_err());
        assert!(Config::parse("http://h/d").is_err());
    }

    #[test]
    fn url_without_anything() {
        assert_eq!(parse("postgresql://"), Config::new());
        assert_eq!(parse("postgresql:///"), Config::new());
        assert_eq!(parse("postgresql://?"), Config::new());
        assert_eq!(parse("postgresql:///?"), Config::new());
    }

    #[test]
    fn url_without_host() {
        let c = parse("postgresql:///mydb");
        assert_eq!(c.get_hosts(), &[] as &[Host]);
        assert_eq!(get(&c, "host"), None);
        assert_eq!(c.get_dbname(), Some("mydb"));
        assert_eq!(
            c.targets(),
            vec![Target {
                host: default_dir(),
                hostaddr: None,
                port: 5432
            }]
        );
    }

    #[test]
    fn url_port_without_host() {
        let c = parse("postgresql://:5433/db");
        assert_eq!(get(&c, "host"), None);
        assert_eq!(c.get_ports(), &[5433]);
        assert_eq!(
            c.targets()[0],
            Target {
                host: default_dir(),
                hostaddr: None,
                port: 5433
            }
        );
    }

    #[test]
    fn url_host_only_and_trailing_slash() {
        let c = parse("postgresql://h");
        assert_eq!(c.get_hosts(), &[tcp("h")]);
        assert_eq!(c.get_dbname(), None);
        let c = parse("postgresql://h/");
        assert_eq!(c.get_dbname(), None);
        assert_eq!(get(&c, "dbname"), None);
    }

    #[test]
    fn url_user_without_password() {
        let c = parse("postgresql://bob@h");
        assert_eq!(c.get_user(), Some("bob"));
        assert_eq!(c.get_password(), None);
        assert!(!c.is_set("password"));
    }

    #[test]
    fn url_empty_user_and_password_are_not_set() {
        let c = parse("postgresql://:@h");
        assert!(!c.is_set("user"));
        assert!(!c.is_set("password"));
        let c = parse("postgresql://@h");
        assert!(!c.is_set("user"));
    }

    #[test]
    fn url_password_only() {
        let c = parse("postgresql://:pw@h");
        assert_eq!(c.get_user(), None);
        assert_eq!(c.get_password(), Some(&b"pw"[..]));
    }

    #[test]
    fn url_userinfo_is_percent_decoded() {
        let c = parse("postgresql://us%40er:p%3Aa%2Fs%25s@h/db");
        assert_eq!(c.get_user(), Some("us@er"));
        assert_eq!(c.get_password(), Some(&b"p:a/s%s"[..]));
    }

    #[test]
    fn url_password_may_contain_colons_and_unencoded_at_and_question_mark() {
        let c = parse("postgresql://u:a:b@c?d@h/db");
        assert_eq!(c.get_user(), Some("u"));
        assert_eq!(c.get_password(), Some(&b"a:b@c?d"[..]));
        assert_eq!(c.get_hosts(), &[tcp("h")]);
        assert_eq!(c.get_dbname(), Some("db"));
    }

    #[test]
    fn url_password_may_be_any_bytes() {
        let c = parse("postgresql://u:%FF%FE@h");
        assert_eq!(c.get_password(), Some(&[0xff, 0xfe][..]));
    }

    #[test]
    fn url_at_sign_after_the_path_is_not_userinfo() {
        let c = parse("postgresql://h/db?user=me@example.com");
        assert_eq!(c.get_hosts(), &[tcp("h")]);
        assert_eq!(c.get_user(), Some("me@example.com"));
    }

    #[test]
    fn url_several_hosts() {
        let c = parse("postgresql://host1:5432,host2:5433,[::1]:5434/db");
        assert_eq!(c.get_hosts(), &[tcp("host1"), tcp("host2"), tcp("::1")]);
        assert_eq!(c.get_ports(), &[5432, 5433, 5434]);
        assert_eq!(get(&c, "host").as_deref(), Some("host1,host2,::1"));
        assert_eq!(get(&c, "port").as_deref(), Some("5432,5433,5434"));
        let targets: Vec<String> = c.targets().iter().map(ToString::to_string).collect();
        assert_eq!(targets, ["host1:5432", "host2:5433", "[::1]:5434"]);
    }

    #[test]
    fn url_several_hosts_some_without_port() {
        let c = parse("postgresql://a:1,b,c:3");
        assert_eq!(get(&c, "port").as_deref(), Some("1,,3"));
        assert_eq!(c.get_ports(), &[1, 5432, 3]);
        let ports: Vec<u16> = c.targets().iter().map(|t| t.port).collect();
        assert_eq!(ports, [1, 5432, 3]);
    }

    #[test]
    fn url_several_hosts_one_port() {
        let c = parse("postgresql://a,b,c:6000");
        // The port list is ",,6000": the first two hosts use the default port.
        let ports: Vec<u16> = c.targets().iter().map(|t| t.port).collect();
        assert_eq!(ports, [5432, 5432, 6000]);
    }

    #[test]
    fn url_port_list_and_the_environment() {
        // No port at all in the URL: PGPORT applies to every host.
        let c = parse("postgresql://a,b/db")
            .with_env_defaults_from(env(&[("PGPORT", "6000")]))
            .unwrap();
        assert!(c.targets().iter().all(|t| t.port == 6000));
        // Some port given: the list is explicit, and empty entries mean 5432.
        let c = parse("postgresql://a:1,b/db")
            .with_env_defaults_from(env(&[("PGPORT", "6000")]))
            .unwrap();
        let ports: Vec<u16> = c.targets().iter().map(|t| t.port).collect();
        assert_eq!(ports, [1, 5432]);
    }

    #[test]
    fn url_several_hosts_no_ports() {
        let c = parse("postgresql://a,b/db");
        assert_eq!(get(&c, "port"), None);
        assert!(c.targets().iter().all(|t| t.port == 5432));
    }

    #[test]
    fn url_empty_host_entries_take_the_default() {
        let c = parse("postgresql://,b:5433/db");
        assert_eq!(c.get_hosts(), &[default_dir(), tcp("b")]);
        assert_eq!(
            c.targets()[0],
            Target {
                host: default_dir(),
                hostaddr: None,
                port: 5432
            }
        );
    }

    #[test]
    fn url_ipv6() {
        let c = parse("postgresql://[2001:db8::1]/db");
        assert_eq!(c.get_hosts(), &[tcp("2001:db8::1")]);
        assert_eq!(c.targets()[0].to_string(), "[2001:db8::1]:5432");
        let c = parse("postgresql://[::1]:5433");
        assert_eq!(c.get_ports(), &[5433]);
        let c = parse("postgresql://[::1]?dbname=x");
        assert_eq!(c.get_dbname(), Some("x"));
        let c = parse("postgresql://[::1],[::2]:7");
        assert_eq!(c.get_hosts(), &[tcp("::1"), tcp("::2")]);
        assert_eq!(c.get_ports(), &[5432, 7]);
    }

    #[test]
    fn url_ipv6_errors() {
        let e = parse_err("postgresql://[::1/db");
        assert!(e.to_string().contains(r#"matching "]""#), "{e}");
        assert_eq!(e.key(), Some("host"));
        let e = parse_err("postgresql://[]/db");
        assert!(e.to_string().contains("may not be empty"), "{e}");
        let e = parse_err("postgresql://[::1]x/db");
        assert!(e.to_string().contains(r#"unexpected character "x""#), "{e}");
    }

    #[test]
    fn url_unix_socket_host() {
        let c = parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db");
        assert_eq!(c.get_hosts(), &[unix("/var/run/postgresql")]);
        assert_eq!(c.get_dbname(), Some("db"));
        let c = parse("postgresql://%2Ftmp:5444");
        assert_eq!(c.targets()[0].socket_path(), Some(PathBuf::from("/tmp/.s.PGSQL.5444")));
        let c = parse("postgresql://%40abstract/db");
        assert_eq!(c.get_hosts(), &[unix("@abstract")]);
    }

    #[test]
    fn url_unix_socket_in_query() {
        let c = parse("postgresql:///db?host=/tmp&port=5444");
        assert_eq!(c.get_hosts(), &[unix("/tmp")]);
        assert_eq!(c.targets()[0].to_string(), "/tmp/.s.PGSQL.5444");
        let c = parse("postgresql:///db?host=%2Fvar%2Frun%2Fpostgresql");
        assert_eq!(c.get_hosts(), &[unix("/var/run/postgresql")]);
    }

    #[test]
    fn url_query_overrides_netloc() {
        let c = parse("postgresql://a:1/db?host=b&port=2&dbname=other");
        assert_eq!(c.get_hosts(), &[tcp("b")]);
        assert_eq!(c.get_ports(), &[2]);
        assert_eq!(c.get_dbname(), Some("other"));
    }

    #[test]
    fn url_dbname_is_percent_decoded() {
        assert_eq!(parse("postgresql://h/my%20db").get_dbname(), Some("my db"));
        assert_eq!(parse("postgresql://h/a%2Fb").get_dbname(), Some("a/b"));
        assert_eq!(parse("postgresql://h/a/b").get_dbname(), Some("a/b"));
        assert_eq!(parse("postgresql://h/d%C3%A9j%C3%A0").get_dbname(), Some("déjà"));
        // '+' is not a space in libpq URLs.
        assert_eq!(parse("postgresql://h/a+b").get_dbname(), Some("a+b"));
    }

    #[test]
    fn url_query_parameters() {
        let c = parse("postgresql://h/db?sslmode=verify-full&options=-c%20geqo%3Doff&keepalives_idle=5&");
        assert_eq!(c.get_sslmode(), SslMode::VerifyFull);
        assert_eq!(c.get_options(), Some("-c geqo=off"));
        assert_eq!(get(&c, "keepalives_idle").as_deref(), Some("5"));
    }

    #[test]
    fn url_query_empty_value() {
        let c = parse("postgresql://h/db?application_name=");
        assert_eq!(get(&c, "application_name").as_deref(), Some(""));
    }

    #[test]
    fn url_query_password_and_user() {
        let c = parse("postgresql://h/db?user=u&password=p%26w");
        assert_eq!(c.get_user(), Some("u"));
        assert_eq!(c.get_password(), Some(&b"p&w"[..]));
    }

    #[test]
    fn url_query_jdbc_ssl_true() {
        assert_eq!(parse("postgresql://h?ssl=true").get_sslmode(), SslMode::Require);
        assert_eq!(parse_err("postgresql://h?ssl=false").key(), Some("ssl"));
    }

    #[test]
    fn url_query_percent_encoded_keyword() {
        assert_eq!(
            parse("postgresql://h?application%5Fname=x").get_application_name(),
            Some("x")
        );
    }

    #[test]
    fn url_unknown_query_parameter() {
        let e = parse_err("postgresql://h/db?sslmode=require&colour=blue");
        assert_eq!(e.key(), Some("colour"));
        assert_eq!(e.to_string(), r#"unknown connection parameter "colour""#);
    }

    #[test]
    fn url_query_bad_value() {
        let e = parse_err("postgresql://h/db?sslmode=sometimes");
        assert_eq!(e.key(), Some("sslmode"));
        assert!(e.to_string().contains("sometimes"), "{e}");
    }

    #[test]
    fn url_query_syntax_errors() {
        let e = parse_err("postgresql://h/db?sslmode");
        assert!(e.to_string().contains(r#"missing key/value separator "=""#), "{e}");
        let e = parse_err("postgresql://h/db?dbname=1&&user=2");
        assert!(e.to_string().contains("missing key/value separator"), "{e}");
        let e = parse_err("postgresql://h/db?&dbname=x");
        assert!(e.to_string().contains("missing key/value separator"), "{e}");
        let e = parse_err("postgresql://h/db?dbname=a=b");
        assert!(e.to_string().contains(r#"extra key/value separator "=""#), "{e}");
        assert_eq!(e.key(), Some("dbname"));
    }

    #[test]
    fn url_bad_percent_encoding() {
        for (url, what) in [
            ("postgresql://us%zzer@h", "user name"),
            ("postgresql://h%2/db", "host"),
            ("postgresql://h/d%", "database name"),
            ("postgresql://h/d%g1", "database name"),
            ("postgresql://h/d?application_name=%x1", "query parameter"),
            ("postgresql://h/d?bad%=1", "query parameter name"),
        ] {
            let e = parse_err(url);
            assert!(e.to_string().starts_with("invalid percent-encoded token"), "{url}: {e}");
            assert!(e.to_string().contains(what), "{url}: {e}");
        }
    }

    #[test]
    fn url_percent_00_is_forbidden() {
        let e = parse_err("postgresql://h/d%00b");
        assert!(e.to_string().contains("%00"), "{e}");
        assert_eq!(e.key(), Some("dbname"));
        assert!(parse_err("postgresql://u:p%00@h").to_string().contains("%00"));
    }

    #[test]
    fn url_text_must_be_utf8() {
        let e = parse_err("postgresql://h/%FF");
        assert!(e.to_string().contains("UTF-8"), "{e}");
        assert_eq!(e.key(), Some("dbname"));
    }

    #[test]
    fn url_password_errors_never_echo_the_password() {
        for url in [
            "postgresql://u:hunter2%zz@h",
            "postgresql://h?password=hunter2%zz",
            "postgresql://u:hunter2%00@h",
        ] {
            let e = parse_err(url);
            assert!(!e.to_string().contains("hunter2"), "{url}: {e}");
            assert_eq!(e.key(), Some("password"));
        }
        let e = parse_err("postgresql://h?sslpassword=hunter2%zz");
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    #[test]
    fn url_bad_port() {
        let e = parse_err("postgresql://h:http/db");
        assert_eq!(e.key(), Some("port"));
        assert_eq!(e.to_string(), r#"invalid port number "http""#);
        assert_eq!(parse_err("postgresql://h:0").key(), Some("port"));
        assert_eq!(parse_err("postgresql://h:65536").key(), Some("port"));
    }

    #[test]
    fn url_and_kv_forms_agree() {
        assert_eq!(
            parse("postgresql://u:p@a:1,b:2/d?sslmode=disable"),
            parse("user=u password=p host=a,b port=1,2 dbname=d sslmode=disable")
        );
    }

    // ---- keywords and values --------------------------------------------------------------

    #[test]
    fn every_keyword_is_accepted() {
        for k in KEYWORDS {
            let mut c = Config::new();
            c.set(k.name, sample(k.name))
                .unwrap_or_else(|e| panic!("{}: {e}", k.name));
            if k.name == "password" {
                assert_eq!(c.get_password(), Some(sample(k.name).as_bytes()));
                assert_eq!(c.get("password"), None);
            } else {
                assert_eq!(c.get(k.name).as_deref(), Some(sample(k.name)), "{}", k.name);
            }
        }
        let c = parse(&all_keywords_string());
        assert_eq!(c.params.len() + 1, KEYWORDS.len());
    }

    #[test]
    fn keyword_table_has_no_duplicates() {
        let mut names: Vec<&str> = KEYWORDS.iter().map(|k| k.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KEYWORDS.len());
        let mut vars: Vec<&str> = KEYWORDS.iter().filter_map(|k| k.env).collect();
        let n = vars.len();
        vars.sort_unstable();
        vars.dedup();
        assert_eq!(vars.len(), n);
    }

    #[test]
    fn libpq_environment_variables_are_all_known() {
        for var in [
            "PGHOST",
            "PGHOSTADDR",
            "PGPORT",
            "PGDATABASE",
            "PGUSER",
            "PGPASSWORD",
            "PGPASSFILE",
            "PGSERVICE",
            "PGSERVICEFILE",
            "PGOPTIONS",
            "PGAPPNAME",
            "PGSSLMODE",
            "PGSSLNEGOTIATION",
            "PGSSLCERT",
            "PGSSLKEY",
            "PGSSLROOTCERT",
            "PGSSLCRL",
            "PGSSLCRLDIR",
            "PGSSLSNI",
            "PGREQUIREAUTH",
            "PGCHANNELBINDING",
            "PGSSLMINPROTOCOLVERSION",
            "PGSSLMAXPROTOCOLVERSION",
            "PGGSSENCMODE",
            "PGCONNECT_TIMEOUT",
            "PGCLIENTENCODING",
            "PGTARGETSESSIONATTRS",
            "PGLOADBALANCEHOSTS",
            "PGMINPROTOCOLVERSION",
            "PGMAXPROTOCOLVERSION",
            "PGSSLKEYLOGFILE",
            "PGKRBSRVNAME",
            "PGGSSLIB",
            "PGREQUIREPEER",
            "PGSSLCOMPRESSION",
            "PGGSSDELEGATION",
        ] {
            assert!(Config::keywords().any(|(_, env)| env == Some(var)), "{var}");
        }
    }

    #[test]
    fn enumerated_values_are_validated() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "sslmode",
                &["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
                &["", "on", "REQUIRE"],
            ),
            ("sslnegotiation", &["postgres", "direct"], &["", "requiredirect"]),
            ("sslsni", &["0", "1"], &["", "2", "yes"]),
            ("sslcompression", &["0", "1"], &["true"]),
            ("gssdelegation", &["0", "1"], &["on"]),
            ("sslcertmode", &["disable", "allow", "require"], &["prefer"]),
            ("channel_binding", &["disable", "prefer", "require"], &["", "allow"]),
            ("gssencmode", &["disable", "prefer", "require"], &["allow"]),
            ("gsslib", &["gssapi", "sspi"], &["kerberos"]),
            (
                "target_session_attrs",
                &["any", "read-write", "read-only", "primary", "standby", "prefer-standby"],
                &["", "master", "readwrite"],
            ),
            ("load_balance_hosts", &["disable", "random"], &["", "round-robin"]),
            (
                "replication",
                &[
                    "true", "on", "yes", "1", "false", "off", "no", "0", "database", "TRUE", "Database",
                ],
                &["", "2", "physical"],
            ),
            (
                "ssl_min_protocol_version",
                &["", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "tlsv1.2"],
                &["SSLv3", "1.2"],
            ),
            ("ssl_max_protocol_version", &["TLSv1.3"], &["TLSv1.4"]),
            (
                "client_encoding",
                &["", "UTF8", "utf8", "UTF-8", "unicode", "auto"],
                &["LATIN1", "SQL_ASCII"],
            ),
            (
                "min_protocol_version",
                &["3.0", "3.2", "latest"],
                &["", "3.1", "2.0", "3", "LATEST"],
            ),
            ("max_protocol_version", &["3.0", "3.2", "latest"], &["3.3"]),
        ];
        for (key, good, bad) in cases {
            for value in *good {
                let mut c = Config::new();
                c.set(key, value).unwrap_or_else(|e| panic!("{key}={value:?}: {e}"));
                assert_eq!(c.get(key).as_deref(), Some(*value));
            }
            for value in *bad {
                let e = Config::new().set(key, value).map(|_| ()).unwrap_err();
                assert_eq!(e.key(), Some(*key), "{key}={value:?}");
                let message = e.to_string();
                assert!(message.contains(key), "{message}");
                assert!(message.contains(&format!("\"{value}\"")), "{message}");
                // The same through both syntaxes.
                let e = parse_err(&format!("{key}='{value}'"));
                assert_eq!(e.key(), Some(*key));
                let e = parse_err(&format!("postgresql://h?{key}={value}"));
                assert_eq!(e.key(), Some(*key));
            }
        }
    }

    #[test]
    fn bad_choice_message_lists_the_choices() {
        let e = parse_err("sslmode=sometimes");
        assert_eq!(
            e.to_string(),
            r#"invalid value "sometimes" for connection parameter "sslmode" (expected one of: disable, allow, prefer, require, verify-ca, verify-full)"#
        );
        let e = parse_err("client_encoding=LATIN1");
        assert!(
            e.to_string().contains("LATIN1") && e.to_string().contains("UTF8"),
            "{e}"
        );
    }

    #[test]
    fn integer_parameters_must_parse() {
        for key in [
            "keepalives",
            "keepalives_idle",
            "keepalives_interval",
            "keepalives_count",
            "tcp_user_timeout",
        ] {
            for good in ["0", "1", "30", "-1", " 5 ", "+7"] {
                assert!(Config::new().set(key, good).is_ok(), "{key}={good:?}");
            }
            for bad in ["", "x", "1.5", "5s", "99999999999"] {
                let e = Config::new().set(key, bad).map(|_| ()).unwrap_err();
                assert_eq!(e.key(), Some(key));
                assert_eq!(
                    e.to_string(),
                    format!("invalid integer value \"{bad}\" for connection parameter \"{key}\"")
                );
            }
        }
    }

    #[test]
    fn connect_timeout_rules() {
        let t = |s: &str| parse(&format!("connect_timeout='{s}'")).get_connect_timeout();
        assert_eq!(t("10"), Some(Duration::from_secs(10)));
        assert_eq!(t(" 10 "), Some(Duration::from_secs(10)));
        assert_eq!(t("2"), Some(Duration::from_secs(2)));
        assert_eq!(t("1"), Some(Duration::from_secs(2)), "libpq raises 1 to 2");
        assert_eq!(t("0"), None);
        assert_eq!(t("-5"), None);
        assert_eq!(t("2147483647"), Some(Duration::from_secs(2147483647)));
        assert_eq!(Config::new().get_connect_timeout(), None);
        for bad in ["", "ten", "1.5", "2147483648"] {
            assert_eq!(
                parse_err(&format!("connect_timeout='{bad}'")).key(),
                Some("connect_timeout")
            );
        }
    }

    #[test]
    fn sslmode_values() {
        for (text, mode) in [
            ("disable", SslMode::Disable),
            ("allow", SslMode::Allow),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::VerifyCa),
            ("verify-full", SslMode::VerifyFull),
        ] {
            assert_eq!(parse(&format!("sslmode={text}")).get_sslmode(), mode);
            assert_eq!(mode.to_string(), text);
            assert_eq!(text.parse::<SslMode>().unwrap(), mode);
            let mut c = Config::new();
            c.sslmode(mode);
            assert_eq!(c, parse(&format!("sslmode={text}")));
        }
        assert_eq!(Config::new().get_sslmode(), SslMode::Prefer);
        assert_eq!("nope".parse::<SslMode>().unwrap_err().key(), Some("sslmode"));
    }

    #[test]
    fn sslrootcert_system_implies_verify_full() {
        assert_eq!(parse("sslrootcert=system").get_sslmode(), SslMode::VerifyFull);
        assert!(parse("sslrootcert=system sslmode=verify-full").validate().is_ok());
        let e = parse_err("sslrootcert=system sslmode=require");
        assert!(e.to_string().contains("sslrootcert=system"), "{e}");
        let e = Config::parse("sslrootcert=system")
            .unwrap()
            .with_env_defaults_from(env(&[("PGSSLMODE", "verify-ca")]));
        assert!(e.is_err());
        assert_eq!(parse("sslrootcert=/etc/ca.pem").get_sslmode(), SslMode::Prefer);
    }

    #[test]
    fn sslnegotiation_direct_needs_a_strong_sslmode() {
        // With sslmode unset, PGSSLMODE may still make it valid, so parse accepts it…
        let c = parse("sslnegotiation=direct");
        // …but the complete configuration is checked.
        let e = c.validate().unwrap_err();
        assert!(e.to_string().contains(r#"weak sslmode "prefer""#), "{e}");
        assert_eq!(e.key(), Some("sslnegotiation"));
        assert!(c.clone().with_env_defaults_from(no_env).is_err());
        assert!(c.with_env_defaults_from(env(&[("PGSSLMODE", "require")])).is_ok());
        for weak in ["disable", "allow", "prefer"] {
            assert!(Config::parse(&format!("sslnegotiation=direct sslmode={weak}")).is_err());
        }
        for strong in ["require", "verify-ca", "verify-full"] {
            assert!(
                parse(&format!("sslnegotiation=direct sslmode={strong}"))
                    .validate()
                    .is_ok()
            );
        }
        assert!(parse("sslnegotiation=postgres sslmode=disable").validate().is_ok());
    }

    #[test]
    fn ssl_protocol_version_range() {
        assert!(
            parse("ssl_min_protocol_version=TLSv1.2 ssl_max_protocol_version=TLSv1.3")
                .validate()
                .is_ok()
        );
        assert!(
            parse("ssl_min_protocol_version=TLSv1.2 ssl_max_protocol_version=tlsv1.2")
                .validate()
                .is_ok()
        );
        let e = parse_err("ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2");
        assert!(e.to_string().contains("invalid SSL protocol version range"), "{e}");
        assert!(
            parse("ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=''")
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn require_auth_rules() {
        for good in [
            "",
            "password",
            "md5,scram-sha-256",
            "!password",
            "!md5,!password",
            "none",
            "scram-sha-256,none",
            "oauth",
        ] {
            assert!(Config::new().set("require_auth", good).is_ok(), "{good:?}");
        }
        for (bad, says) in [
            ("kerberos", "invalid require_auth value"),
            ("md5,", "invalid require_auth value"),
            ("MD5", "invalid require_auth value"),
            ("md5,!password", "cannot be mixed"),
            ("!md5,password", "cannot be mixed"),
            ("md5,md5", "more than once"),
            ("!md5,!md5", "more than once"),
        ] {
            let e = Config::new().set("require_auth", bad).map(|_| ()).unwrap_err();
            assert_eq!(e.key(), Some("require_auth"));
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn protocol_versions() {
        let c = parse("min_protocol_version=3.0 max_protocol_version=latest");
        assert_eq!(c.get_min_protocol_version(), ProtocolVersion::V3_0);
        assert_eq!(c.get_max_protocol_version(), ProtocolVersion::V3_2);
        assert_eq!(Config::new().get_min_protocol_version(), ProtocolVersion::V3_0);
        assert_eq!(Config::new().get_max_protocol_version(), ProtocolVersion::V3_2);
        assert_eq!(
            parse("min_protocol_version=3.2").get_max_protocol_version(),
            ProtocolVersion::V3_2
        );
        assert_eq!(
            parse("max_protocol_version=3.0").get_min_protocol_version(),
            ProtocolVersion::V3_0
        );
        assert_eq!(parse_protocol_version("3.2"), Some(ProtocolVersion::V3_2));
        assert_eq!(parse_protocol_version("3.1"), None);
    }

    #[test]
    fn min_protocol_above_max_is_an_error() {
        let e = parse_err("min_protocol_version=3.2 max_protocol_version=3.0");
        assert_eq!(
            e.to_string(),
            "min_protocol_version (3.2) is greater than max_protocol_version (3.0)"
        );
        assert_eq!(e.key(), Some("min_protocol_version"));
        assert!(Config::parse("postgresql://h?max_protocol_version=3.0&min_protocol_version=latest").is_err());
        // After merging the environment, too.
        let c = parse("min_protocol_version=3.2");
        let e = c
            .with_env_defaults_from(env(&[("PGMAXPROTOCOLVERSION", "3.0")]))
            .unwrap_err();
        assert!(e.to_string().contains("greater than"), "{e}");
        // And for configs built with the setters.
        let mut c = Config::new();
        c.min_protocol_version(ProtocolVersion::V3_2)
            .max_protocol_version(ProtocolVersion::V3_0);
        assert!(c.validate().is_err());
    }

    #[test]
    fn hostaddr_must_be_numeric() {
        let c = parse("hostaddr=192.0.2.1,2001:db8::7,");
        assert_eq!(
            c.get_hostaddrs(),
            &[
                Some("192.0.2.1".parse().unwrap()),
                Some("2001:db8::7".parse().unwrap()),
                None
            ]
        );
        let e = parse_err("hostaddr=db.example.com");
        assert_eq!(e.key(), Some("hostaddr"));
        assert!(e.to_string().contains("db.example.com"), "{e}");
        assert_eq!(parse_err("hostaddr=1.2.3.4,1.2.3").key(), Some("hostaddr"));
    }

    #[test]
    fn port_values() {
        assert_eq!(parse("port=1").get_ports(), &[1]);
        assert_eq!(parse("port=65535").get_ports(), &[65535]);
        assert_eq!(parse("port=' 5433 '").get_ports(), &[5433]);
        assert_eq!(parse("port=''").get_ports(), &[] as &[u16]);
        for bad in ["0", "65536", "-1", "x", "54 32", "1,y"] {
            let e = parse_err(&format!("port='{bad}'"));
            assert_eq!(e.key(), Some("port"), "{bad}");
            assert!(e.to_string().starts_with("invalid port number"), "{e}");
        }
    }

    #[test]
    fn unknown_set_key() {
        let mut c = Config::new();
        let e = c.set("sslmod", "require").map(|_| ()).unwrap_err();
        assert_eq!(e.key(), Some("sslmod"));
        assert_eq!(c, Config::new(), "a failed set changes nothing");
        let e = c.set("sslmode", "bogus").map(|_| ()).unwrap_err();
        assert_eq!(e.key(), Some("sslmode"));
        assert_eq!(c, Config::new());
    }

    #[test]
    fn get_returns_text_as_set() {
        let c = parse("host=a,b port=1,2 connect_timeout=1 password=pw sslpassword=kp");
        assert_eq!(get(&c, "host").as_deref(), Some("a,b"));
        assert_eq!(get(&c, "port").as_deref(), Some("1,2"));
        assert_eq!(get(&c, "connect_timeout").as_deref(), Some("1"));
        assert_eq!(get(&c, "password"), None);
        assert_eq!(get(&c, "sslpassword").as_deref(), Some("kp"));
        assert_eq!(get(&c, "service"), None);
        assert_eq!(get(&c, "no_such_thing"), None);
    }

    #[test]
    fn empty_values_count_as_unset_in_getters() {
        let c = parse("user='' password='' dbname='' options='' application_name='' fallback_application_name=''");
        assert_eq!(c.get_user(), None);
        assert_eq!(c.get_password(), None);
        assert_eq!(c.get_dbname(), None);
        assert_eq!(c.get_options(), None);
        assert_eq!(c.get_application_name(), None);
        assert_eq!(c.get_fallback_application_name(), None);
        assert!(!c.effective_user().is_empty());
        assert_eq!(c.effective_dbname(), c.effective_user());
    }

    // ---- environment --------------------------------------------------------------------

    #[test]
    fn from_env_vars_reads_libpq_variables() {
        let c = Config::from_env_vars(env(&[
            ("PGHOST", "db.example.com"),
            ("PGPORT", "6543"),
            ("PGUSER", "envuser"),
            ("PGPASSWORD", "envpw"),
            ("PGDATABASE", "envdb"),
            ("PGAPPNAME", "envapp"),
            ("PGOPTIONS", "-c x=1"),
            ("PGCONNECT_TIMEOUT", "15"),
            ("PGSSLMODE", "disable"),
            ("PGMINPROTOCOLVERSION", "3.2"),
            ("PGTARGETSESSIONATTRS", "standby"),
            ("NOT_PG", "ignored"),
        ]))
        .unwrap();
        assert_eq!(c.get_hosts(), &[tcp("db.example.com")]);
        assert_eq!(c.get_ports(), &[6543]);
        assert_eq!(c.get_user(), Some("envuser"));
        assert_eq!(c.get_password(), Some(&b"envpw"[..]));
        assert_eq!(c.get_dbname(), Some("envdb"));
        assert_eq!(c.get_application_name(), Some("envapp"));
        assert_eq!(c.get_options(), Some("-c x=1"));
        assert_eq!(c.get_connect_timeout(), Some(Duration::from_secs(15)));
        assert_eq!(c.get_sslmode(), SslMode::Disable);
        assert_eq!(c.get_min_protocol_version(), ProtocolVersion::V3_2);
        assert_eq!(get(&c, "target_session_attrs").as_deref(), Some("standby"));
    }

    #[test]
    fn every_environment_variable_fills_its_keyword() {
        // PGSERVICE makes tusk read a service file (tested with real files in
        // tests/auth_sources.rs), so it is left out here.
        let keywords = || KEYWORDS.iter().filter(|k| k.name != "service");
        let vars: Vec<(&str, &str)> = keywords()
            .filter_map(|k| k.env.map(|var| (var, sample(k.name))))
            .collect();
        let c = Config::from_env_vars(env(&vars)).unwrap();
        for k in keywords() {
            let expected = k.env.map(|_| sample(k.name));
            if k.name == "password" {
                assert_eq!(c.get_password(), expected.map(str::as_bytes));
            } else {
                assert_eq!(c.get(k.name).as_deref(), expected, "{}", k.name);
            }
        }
    }

    #[test]
    fn explicit_values_win_over_the_environment() {
        let mut explicit = parse(&all_keywords_string());
        // Without a service to look up (that reads files: tests/auth_sources.rs).
        explicit.params.remove("service");
        // Every variable set to garbage: none is even looked at.
        let merged = explicit
            .clone()
            .with_env_defaults_from(|v| (v != "PGSERVICE").then(|| "garbage".to_string()))
            .unwrap();
        assert_eq!(merged, explicit);
    }

    #[test]
    fn environment_fills_only_the_gaps() {
        let c = parse("host=explicit user=alice")
            .with_env_defaults_from(env(&[
                ("PGHOST", "envhost"),
                ("PGUSER", "envuser"),
                ("PGPORT", "5555"),
                ("PGDATABASE", "envdb"),
            ]))
            .unwrap();
        assert_eq!(c.get_hosts(), &[tcp("explicit")]);
        assert_eq!(c.get_user(), Some("alice"));
        assert_eq!(c.get_ports(), &[5555]);
        assert_eq!(c.get_dbname(), Some("envdb"));
    }

    #[test]
    fn explicitly_empty_values_block_the_environment() {
        let c = parse("host='' dbname=''")
            .with_env_defaults_from(env(&[("PGHOST", "h"), ("PGDATABASE", "d")]))
            .unwrap();
        assert_eq!(get(&c, "host").as_deref(), Some(""));
        assert_eq!(c.get_dbname(), None);
        assert_eq!(c.targets()[0].host, default_dir());
    }

    #[test]
    fn empty_environment_values_are_ignored() {
        let c = Config::from_env_vars(env(&[("PGHOST", ""), ("PGSSLMODE", ""), ("PGPORT", "")])).unwrap();
        assert_eq!(c, Config::new());
    }

    #[test]
    fn environment_password_fills_a_missing_password() {
        let vars = env(&[("PGPASSWORD", "fromenv")]);
        let c = parse("postgresql://u@h").with_env_defaults_from(&vars).unwrap();
        assert_eq!(c.get_password(), Some(&b"fromenv"[..]));
        let c = parse("postgresql://u:@h").with_env_defaults_from(&vars).unwrap();
        assert_eq!(
            c.get_password(),
            Some(&b"fromenv"[..]),
            "an empty URL password is not set"
        );
        let c = parse("postgresql://u:mine@h").with_env_defaults_from(&vars).unwrap();
        assert_eq!(c.get_password(), Some(&b"mine"[..]));
        let c = parse("password=''").with_env_defaults_from(&vars).unwrap();
        assert_eq!(c.get_password(), None, "password='' is explicit");
    }

    #[test]
    fn environment_errors_name_the_variable() {
        for (var, value, key) in [
            ("PGSSLMODE", "sometimes", "sslmode"),
            ("PGPORT", "http", "port"),
            ("PGCONNECT_TIMEOUT", "soon", "connect_timeout"),
            ("PGHOSTADDR", "localhost", "hostaddr"),
            ("PGCLIENTENCODING", "LATIN1", "client_encoding"),
            ("PGMAXPROTOCOLVERSION", "4.0", "max_protocol_version"),
            ("PGREQUIREAUTH", "md5,!gss", "require_auth"),
            ("PGTARGETSESSIONATTRS", "writer", "target_session_attrs"),
        ] {
            let e = Config::from_env_vars(env(&[(var, value)])).unwrap_err();
            assert_eq!(e.env_var(), Some(var));
            assert_eq!(e.key(), Some(key));
            assert!(e.to_string().contains(var), "{e}");
            assert!(
                e.to_string().ends_with(&format!("(from environment variable {var})")),
                "{e}"
            );
        }
    }

    #[test]
    fn environment_values_with_nul_bytes_are_rejected() {
        let e = Config::from_env_vars(env(&[("PGUSER", "a\0b")])).unwrap_err();
        assert_eq!(e.env_var(), Some("PGUSER"));
        assert_eq!(e.key(), Some("user"));
    }

    #[test]
    fn environment_values_are_not_trimmed_or_reinterpreted() {
        let c = Config::from_env_vars(env(&[("PGOPTIONS", " -c a='b c' "), ("PGHOST", "/tmp")])).unwrap();
        assert_eq!(c.get_options(), Some(" -c a='b c' "));
        assert_eq!(c.get_hosts(), &[unix("/tmp")]);
        let text = c.to_conninfo_string(true);
        assert_eq!(parse(&text), c, "{text}");
    }

    #[test]
    fn environment_host_and_port_counts_are_checked_after_merging() {
        let e = parse("host=a,b,c")
            .with_env_defaults_from(env(&[("PGPORT", "1,2")]))
            .unwrap_err();
        assert_eq!(e.to_string(), "could not match 2 port numbers to 3 hosts");
        let c = parse("host=a,b")
            .with_env_defaults_from(env(&[("PGPORT", "1,2")]))
            .unwrap();
        assert_eq!(c.get_ports(), &[1, 2]);
        // A port list without hosts parses (PGHOST might supply them)…
        let c = parse("port=1,2");
        assert!(c.clone().with_env_defaults_from(env(&[("PGHOST", "a,b")])).is_ok());
        // …but fails once it is clear there is a single (default) host.
        let e = c.with_env_defaults_from(no_env).unwrap_err();
        assert_eq!(e.to_string(), "could not match 2 port numbers to 1 host");
    }

    #[test]
    fn environment_hostaddr_pairs_with_explicit_host() {
        let c = parse("host=db.example.com")
            .with_env_defaults_from(env(&[("PGHOSTADDR", "192.0.2.5")]))
            .unwrap();
        assert_eq!(
            c.targets(),
            vec![Target {
                host: tcp("db.example.com"),
                hostaddr: Some("192.0.2.5".parse().unwrap()),
                port: 5432
            }]
        );
    }

    #[test]
    fn from_env_reads_the_process_environment_without_panicking() {
        // The real environment may hold anything; only the absence of panics is tested.
        let _ = Config::from_env();
        let _ = Config::new().with_env_defaults();
    }

    // ---- targets --------------------------------------------------------------------------

    #[test]
    fn default_target_is_the_local_socket() {
        assert_eq!(
            Config::new().targets(),
            vec![Target {
                host: default_dir(),
                hostaddr: None,
                port: 5432
            }]
        );
        assert_eq!(
            parse("port=6000").targets(),
            vec![Target {
                host: default_dir(),
                hostaddr: None,
                port: 6000
            }]
        );
        let dir = default_socket_dir();
        if Path::new("/var/run/postgresql").is_dir() {
            assert_eq!(dir, Path::new("/var/run/postgresql"));
        } else {
            assert_eq!(dir, Path::new("/tmp"));
        }
    }

    #[test]
    fn one_port_applies_to_every_host() {
        let c = parse("host=a,b,c port=6000");
        let targets: Vec<String> = c.targets().iter().map(ToString::to_string).collect();
        assert_eq!(targets, ["a:6000", "b:6000", "c:6000"]);
    }

    #[test]
    fn one_port_per_host() {
        let c = parse("host=a,b,c port=1,,3");
        let ports: Vec<u16> = c.targets().iter().map(|t| t.port).collect();
        assert_eq!(ports, [1, 5432, 3]);
    }

    #[test]
    fn port_count_mismatch_is_a_parse_error() {
        let e = parse_err("host=a,b,c port=1,2");
        assert_eq!(e.to_string(), "could not match 2 port numbers to 3 hosts");
        assert_eq!(e.key(), Some("port"));
        assert!(Config::parse("postgresql://a:1,b:2?host=x").is_err());
        assert!(Config::parse("host=a port=1,2").is_err());
    }

    #[test]
    fn host_entries() {
        let c = parse("host=db.example.com,/tmp,@abstract,::1,192.0.2.1,,localhost");
        assert_eq!(
            c.get_hosts(),
            &[
                tcp("db.example.com"),
                unix("/tmp"),
                unix("@abstract"),
                tcp("::1"),
                tcp("192.0.2.1"),
                default_dir(),
                tcp("localhost")
            ]
        );
        assert_eq!(c.targets().len(), 7);
    }

    #[test]
    fn host_entries_are_trimmed() {
        let c = parse("host='a, b ,/tmp '");
        assert_eq!(c.get_hosts(), &[tcp("a"), tcp("b"), unix("/tmp")]);
    }

    #[test]
    fn hostaddr_pairs_with_hosts() {
        let c = parse("host=a.example,b.example,c.example hostaddr=192.0.2.1,,2001:db8::1 port=1,2,3");
        assert_eq!(
            c.targets(),
            vec![
                Target {
                    host: tcp("a.example"),
                    hostaddr: Some("192.0.2.1".parse().unwrap()),
                    port: 1
                },
                Target {
                    host: tcp("b.example"),
                    hostaddr: None,
                    port: 2
                },
                Target {
                    host: tcp("c.example"),
                    hostaddr: Some("2001:db8::1".parse().unwrap()),
                    port: 3
                },
            ]
        );
    }

    #[test]
    fn hostaddr_without_host() {
        let c = parse("hostaddr=127.0.0.1,::1 port=5433");
        assert_eq!(c.get_hosts(), &[] as &[Host]);
        assert_eq!(
            c.targets(),
            vec![
                Target {
                    host: tcp("127.0.0.1"),
                    hostaddr: Some([127, 0, 0, 1].into()),
                    port: 5433
                },
                Target {
                    host: tcp("::1"),
                    hostaddr: Some("::1".parse().unwrap()),
                    port: 5433
                },
            ]
        );
    }

    #[test]
    fn hostaddr_overrides_a_socket_host_and_fills_an_empty_one() {
        let c = parse("host=/tmp,, hostaddr=10.0.0.1,10.0.0.2,");
        assert_eq!(c.get_hosts(), &[tcp("10.0.0.1"), tcp("10.0.0.2"), default_dir()]);
        let t = c.targets();
        assert_eq!(t[0].host, tcp("10.0.0.1"));
        assert_eq!(t[1].host, tcp("10.0.0.2"));
        assert_eq!(
            t[2],
            Target {
                host: default_dir(),
                hostaddr: None,
                port: 5432
            }
        );
    }

    #[test]
    fn host_and_hostaddr_count_mismatch() {
        let e = parse_err("host=a,b hostaddr=127.0.0.1");
        assert_eq!(e.to_string(), "could not match 2 host names to 1 hostaddr values");
        assert_eq!(e.key(), Some("hostaddr"));
        // A single empty hostaddr means "none", like libpq.
        assert_eq!(parse("host=a,b hostaddr=''").targets().len(), 2);
    }

    #[test]
    fn setter_mismatches_show_up_in_try_targets_and_validate() {
        let mut c = Config::new();
        c.set("port", "1,2").unwrap();
        c.host("a,b,c");
        assert_eq!(c.targets(), vec![]);
        assert_eq!(
            c.try_targets().unwrap_err().to_string(),
            "could not match 2 port numbers to 3 hosts"
        );
        assert!(c.validate().is_err());

        let mut c = Config::new();
        c.hostaddr("not-an-ip");
        assert_eq!(c.get_hostaddrs(), &[None]);
        assert_eq!(c.try_targets().unwrap_err().key(), Some("hostaddr"));

        let mut c = Config::new();
        c.port(0);
        assert_eq!(c.try_targets().unwrap_err().key(), Some("port"));
    }

    #[test]
    fn target_display_and_socket_path() {
        let t = Target {
            host: tcp("h"),
            hostaddr: None,
            port: 1,
        };
        assert_eq!(t.to_string(), "h:1");
        assert_eq!(t.socket_path(), None);
        let t = Target {
            host: tcp("::1"),
            hostaddr: None,
            port: 2,
        };
        assert_eq!(t.to_string(), "[::1]:2");
        let t = Target {
            host: unix("/run/pg"),
            hostaddr: None,
            port: 3,
        };
        assert_eq!(t.to_string(), "/run/pg/.s.PGSQL.3");
        assert_eq!(t.socket_path(), Some(PathBuf::from("/run/pg/.s.PGSQL.3")));
        assert_eq!(unix("/run/pg").to_string(), "/run/pg");
        assert_eq!(tcp("x").to_string(), "x");
    }

    // ---- builder ----------------------------------------------------------------------------

    #[test]
    fn builder_matches_parsed_string() {
        let mut b = Config::new();
        b.host("a,/tmp")
            .hostaddr("127.0.0.1,")
            .port(5433)
            .user("u")
            .password("p w")
            .dbname("d")
            .application_name("app")
            .fallback_application_name("fb")
            .options("-c x=1")
            .connect_timeout(Duration::from_secs(30))
            .sslmode(SslMode::VerifyCa)
            .min_protocol_version(ProtocolVersion::V3_0)
            .max_protocol_version(ProtocolVersion::V3_2);
        let parsed = parse(
            "host=a,/tmp hostaddr=127.0.0.1, port=5433 user=u password='p w' dbname=d application_name=app \
             fallback_application_name=fb options='-c x=1' connect_timeout=30 sslmode=verify-ca \
             min_protocol_version=3.0 max_protocol_version=3.2",
        );
        assert_eq!(b, parsed);
        assert_eq!(b.to_conninfo_string(true), parsed.to_conninfo_string(true));
    }

    #[test]
    fn builder_password_takes_bytes() {
        let mut c = Config::new();
        c.password([0xffu8, 0x00, 0x41]);
        assert_eq!(c.get_password(), Some(&[0xff, 0x00, 0x41][..]));
        c.password(String::from("s"));
        assert_eq!(c.get_password(), Some(&b"s"[..]));
    }

    #[test]
    fn builder_connect_timeout() {
        let mut c = Config::new();
        c.connect_timeout(Duration::from_millis(1500));
        assert_eq!(c.get_connect_timeout(), Some(Duration::from_millis(1500)));
        assert_eq!(get(&c, "connect_timeout").as_deref(), Some("2"));
        c.connect_timeout(Duration::ZERO);
        assert_eq!(c.get_connect_timeout(), None);
        assert_eq!(get(&c, "connect_timeout").as_deref(), Some("0"));
        c.connect_timeout(Duration::MAX);
        assert_eq!(get(&c, "connect_timeout").as_deref(), Some("2147483647"));
        assert_eq!(c.get_connect_timeout(), Some(Duration::MAX));
        assert!(Config::parse(&c.to_string()).is_ok());
    }

    #[test]
    fn builder_values_count_as_explicit_for_the_environment() {
        let mut c = Config::new();
        c.port(7000).user("me").sslmode(SslMode::Disable);
        let c = c
            .with_env_defaults_from(env(&[
                ("PGPORT", "1"),
                ("PGUSER", "env"),
                ("PGSSLMODE", "require"),
                ("PGHOST", "h"),
            ]))
            .unwrap();
        assert_eq!(c.get_ports(), &[7000]);
        assert_eq!(c.get_user(), Some("me"));
        assert_eq!(c.get_sslmode(), SslMode::Disable);
        assert_eq!(c.get_hosts(), &[tcp("h")]);
    }

    #[test]
    fn set_chains() {
        let mut c = Config::new();
        c.set("host", "h")
            .unwrap()
            .set("gssencmode", "disable")
            .unwrap()
            .port(1);
        assert_eq!(c.to_string(), "host=h port=1 gssencmode=disable");
    }

    // ---- effective user and database --------------------------------------------------

    #[test]
    fn effective_user_and_dbname() {
        let c = parse("user=alice");
        assert_eq!(c.effective_user(), "alice");
        assert_eq!(c.effective_dbname(), "alice");
        let c = parse("user=alice dbname=sales");
        assert_eq!(c.effective_dbname(), "sales");
        let c = Config::new();
        assert!(!c.effective_user().is_empty());
        assert_eq!(c.effective_dbname(), c.effective_user());
    }

    // ---- redaction and rendering -----------------------------------------------------

    #[test]
    fn debug_never_shows_secrets() {
        let c = parse("user=u password=hunter2 sslpassword=keypass oauth_client_secret=oauthsecret sslmode=require");
        let debug = format!("{c:?}");
        for secret in ["hunter2", "keypass", "oauthsecret"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(debug.contains(r#"password: Some("***")"#), "{debug}");
        assert!(debug.contains(r#""sslpassword": "***""#), "{debug}");
        assert!(debug.contains(r#"user: Some("u")"#), "{debug}");
        assert!(debug.contains("Require"), "{debug}");
        let alternate = format!("{c:#?}");
        assert!(!alternate.contains("hunter2"));
        assert!(format!("{:?}", Config::new()).contains("password: None"));
    }

    #[test]
    fn display_redacts_secrets() {
        let c = parse("password=hunter2 sslpassword=keypass oauth_client_secret=s3 user=u");
        assert_eq!(
            c.to_string(),
            "user=u password=*** sslpassword=*** oauth_client_secret=***"
        );
        assert_eq!(c.to_conninfo_string(false), c.to_string());
        assert_eq!(
            c.to_conninfo_string(true),
            "user=u password=hunter2 sslpassword=keypass oauth_client_secret=s3"
        );
    }

    #[test]
    fn display_quotes_what_needs_quoting() {
        let mut c = Config::new();
        c.dbname("")
            .user("o'brien")
            .options(r"a\b c")
            .application_name("tab\there")
            .password("p w'\\");
        assert_eq!(
            c.to_conninfo_string(true),
            "user='o\\'brien' password='p w\\'\\\\' dbname='' options='a\\\\b c' application_name='tab\there'"
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "host=a,b port=1,2 user=u dbname='my db' options='-c a=b'",
            r"user='o\'brien' application_name='back\\slash' dbname=''",
            "application_name='tab\there' dbname='new\nline' options='v\u{0b}t'",
            "password=hunter2 sslpassword='k p' connect_timeout=1 sslmode=verify-full",
            "host=/tmp,@abs,::1 hostaddr=,,::1 port=,,5",
            "dbname=données user=Zoë min_protocol_version=latest max_protocol_version=latest",
            "postgresql://u:p%20w@[::1]:5433,h/d%20b?sslmode=require&target_session_attrs=primary",
            "postgresql://%2Ftmp/db?options=-c%20x%3D%27y%27",
            "client_encoding=auto replication=database keepalives=0",
            "",
        ] {
            let c = parse(s);
            let text = c.to_conninfo_string(true);
            assert_eq!(parse(&text), c, "{s} → {text}");
            // Rendering is stable.
            assert_eq!(parse(&text).to_conninfo_string(true), text);
        }
        let all = parse(&all_keywords_string());
        assert_eq!(parse(&all.to_conninfo_string(true)), all);
    }

    #[test]
    fn redacted_display_parses_with_a_placeholder_password() {
        let c = parse("user=u password=secret");
        let shown = parse(&c.to_string());
        assert_eq!(shown.get_password(), Some(&b"***"[..]));
        assert_eq!(shown.get_user(), Some("u"));
    }

    #[test]
    fn display_writes_keywords_in_a_fixed_order() {
        let c = parse("sslmode=disable dbname=d port=1 host=h user=u");
        assert_eq!(c.to_string(), "host=h port=1 user=u dbname=d sslmode=disable");
    }

    #[test]
    fn secrets_other_than_the_password_have_getters() {
        let c = parse("sslpassword='key pass' oauth_client_secret=s");
        assert_eq!(c.get_sslpassword(), Some("key pass"));
        assert_eq!(get(&c, "oauth_client_secret").as_deref(), Some("s"));
        assert_eq!(Config::new().get_sslpassword(), None);
    }

    #[test]
    fn config_errors_compare_and_clone() {
        let e = parse_err("sslmode=x");
        assert_eq!(e.clone(), e);
        assert_ne!(e, parse_err("sslmode=y"));
        assert!(format!("{e:?}").contains("sslmode"));
    }

    #[test]
    fn config_error_is_a_std_error() {
        let e: Box<dyn std::error::Error> = Box::new(parse_err("bogus=1"));
        assert_eq!(e.to_string(), r#"unknown connection parameter "bogus""#);
        assert_eq!(parse_err("bogus=1").env_var(), None);
    }

    // ---- robustness -----------------------------------------------------------------------

    /// A small deterministic generator (xorshift64*), so that no dependency is needed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const PIECES: &[&str] = &[
        "postgresql://",
        "postgres://",
        "host",
        "port",
        "user",
        "password",
        "dbname",
        "hostaddr",
        "sslmode",
        "options",
        "connect_timeout",
        "require_auth",
        "=",
        " ",
        "\t",
        "'",
        "\\",
        ",",
        ":",
        "@",
        "/",
        "?",
        "&",
        "[",
        "]",
        "%",
        "%2F",
        "%00",
        "%FF",
        "%4",
        "::1",
        "127.0.0.1",
        "5432",
        "0",
        "-1",
        "99999",
        "a",
        "é",
        "\0",
        "require",
        "3.2",
        "latest",
        "!md5",
        "/tmp",
        "",
    ];

    #[test]
    fn arbitrary_input_never_panics_and_round_trips() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut parsed = 0;
        for _ in 0..20_000 {
            let len = rng.below(12);
            let s: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            let Ok(c) = Config::parse(&s) else { continue };
            parsed += 1;
            let _ = c.targets();
            let _ = c.validate();
            let _ = format!("{c:?} {c}");
            if c.get_password().is_none_or(|p| std::str::from_utf8(p).is_ok()) {
                let text = c.to_conninfo_string(true);
                assert_eq!(Config::parse(&text).as_ref(), Ok(&c), "{s:?} → {text:?}");
            }
        }
        assert!(parsed > 500, "only {parsed} inputs parsed");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut rng = Rng(12345);
        for _ in 0..20_000 {
            let len = rng.below(40);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let s = String::from_utf8_lossy(&bytes);
            let _ = Config::parse(&s);
            let _ = Config::parse(&format!("postgresql://{s}"));
            let _ = Config::new().set("host", &s).map(|c| c.targets());
        }
    }
}
