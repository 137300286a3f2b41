//! How a cluster is configured: extra settings, pg_hba.conf rules, files and SQL.

use std::fmt;
use std::path::PathBuf;

use crate::role::Role;

/// Options for [`Cluster::start`](crate::Cluster::start). The default is the plain test
/// cluster: every [`Role`] over TCP and the unix socket, no TLS.
///
/// Everything here is applied on top of the defaults: `conf` lines come after tusk's own
/// settings (so they override them, except `port`, `listen_addresses` and
/// `unix_socket_directories`, which the testkit manages), `hba` rules come before the
/// default rules (pg_hba.conf uses the first matching line), files are written into the
/// data directory before the server starts, and `setup_sql` runs after the roles exist.
///
/// ```no_run
/// use tusk_testkit::{Cluster, ClusterOptions, HbaRule, HbaType};
///
/// let options = ClusterOptions::default()
///     .conf("ssl = on")
///     .file("server.crt", b"-----BEGIN CERTIFICATE-----\n...".to_vec())
///     .file("server.key", b"-----BEGIN PRIVATE KEY-----\n...".to_vec())
///     .hba(HbaRule::host(HbaType::HostSsl, "all", "tusk_cert", "127.0.0.1/32", "cert"))
///     .setup_sql("CREATE ROLE tusk_cert LOGIN");
/// let inst = &tusk_testkit::installations()[0];
/// let cluster = Cluster::start(inst, options)?;
/// # Ok::<(), tusk_testkit::TestkitError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// Extra postgresql.conf lines, e.g. `"wal_level = logical"`.
    pub conf: Vec<String>,
    /// Extra pg_hba.conf rules, placed before the default ones.
    pub hba: Vec<HbaRule>,
    /// Files to write into the data directory (path relative to it, contents), mode 0600
    /// and owned by the server's account: certificates and keys.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// SQL statements run as superuser in database `postgres` once the roles exist, each
    /// on its own (so `CREATE DATABASE` is allowed).
    pub setup_sql: Vec<String>,
}

impl ClusterOptions {
    /// Adds a postgresql.conf line.
    ///
    /// ```
    /// let o = tusk_testkit::ClusterOptions::default().conf("wal_level = logical");
    /// assert_eq!(o.conf, ["wal_level = logical"]);
    /// ```
    pub fn conf(mut self, line: impl Into<String>) -> Self {
        self.conf.push(line.into());
        self
    }

    /// Adds a pg_hba.conf rule (before the defaults).
    ///
    /// ```
    /// use tusk_testkit::{ClusterOptions, HbaRule};
    /// let o = ClusterOptions::default().hba(HbaRule::local("all", "alice", "peer"));
    /// assert_eq!(o.hba[0].to_string(), "local all alice peer");
    /// ```
    pub fn hba(mut self, rule: HbaRule) -> Self {
        self.hba.push(rule);
        self
    }

    /// Adds a file to write into the data directory.
    ///
    /// ```
    /// let o = tusk_testkit::ClusterOptions::default().file("server.key", b"...".to_vec());
    /// assert_eq!(o.files.len(), 1);
    /// ```
    pub fn file(mut self, relative_path: impl Into<PathBuf>, contents: Vec<u8>) -> Self {
        self.files.push((relative_path.into(), contents));
        self
    }

    /// Adds an SQL statement to run after the roles are created.
    ///
    /// ```
    /// let o = tusk_testkit::ClusterOptions::default().setup_sql("CREATE EXTENSION hstore");
    /// assert_eq!(o.setup_sql.len(), 1);
    /// ```
    pub fn setup_sql(mut self, sql: impl Into<String>) -> Self {
        self.setup_sql.push(sql.into());
        self
    }
}

/// The connection type column of a pg_hba.conf line.
///
/// ```
/// assert_eq!(tusk_testkit::HbaType::HostNoSsl.as_str(), "hostnossl");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HbaType {
    /// `local`: unix-domain socket.
    Local,
    /// `host`: TCP, with or without TLS.
    Host,
    /// `hostssl`: TCP with TLS only.
    HostSsl,
    /// `hostnossl`: TCP without TLS only.
    HostNoSsl,
    /// `hostgssenc`: TCP with GSSAPI encryption only.
    HostGssEnc,
    /// `hostnogssenc`: TCP without GSSAPI encryption only.
    HostNoGssEnc,
}

impl HbaType {
    /// The keyword as written in pg_hba.conf.
    ///
    /// ```
    /// assert_eq!(tusk_testkit::HbaType::Local.as_str(), "local");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            HbaType::Local => "local",
            HbaType::Host => "host",
            HbaType::HostSsl => "hostssl",
            HbaType::HostNoSsl => "hostnossl",
            HbaType::HostGssEnc => "hostgssenc",
            HbaType::HostNoGssEnc => "hostnogssenc",
        }
    }
}

/// One pg_hba.conf line.
///
/// ```
/// use tusk_testkit::{HbaRule, HbaType};
///
/// let rule = HbaRule::host(HbaType::HostSsl, "all", "tusk_cert", "127.0.0.1/32", "cert")
///     .option("clientcert=verify-full");
/// assert_eq!(rule.to_string(), "hostssl all tusk_cert 127.0.0.1/32 cert clientcert=verify-full");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HbaRule {
    /// `local`, `host`, `hostssl`, …
    pub kind: HbaType,
    /// Database column: `all`, `replication`, a name, …
    pub database: String,
    /// User column: `all`, a role name, `+group`, …
    pub user: String,
    /// Address column (CIDR), absent for `local`.
    pub address: Option<String>,
    /// Method: `trust`, `password`, `md5`, `scram-sha-256`, `cert`, `reject`, …
    pub method: String,
    /// Method options, e.g. `clientcert=verify-full`.
    pub options: Vec<String>,
}

impl HbaRule {
    /// A `local` (unix socket) rule.
    ///
    /// ```
    /// let rule = tusk_testkit::HbaRule::local("all", "postgres", "trust");
    /// assert_eq!(rule.to_string(), "local all postgres trust");
    /// ```
    pub fn local(database: &str, user: &str, method: &str) -> HbaRule {
        HbaRule {
            kind: HbaType::Local,
            database: database.to_owned(),
            user: user.to_owned(),
            address: None,
            method: method.to_owned(),
            options: Vec::new(),
        }
    }

    /// A TCP rule of the given kind (`host`, `hostssl`, …) for an address in CIDR form.
    ///
    /// ```
    /// use tusk_testkit::{HbaRule, HbaType};
    /// let rule = HbaRule::host(HbaType::Host, "all", "all", "::1/128", "reject");
    /// assert_eq!(rule.to_string(), "host all all ::1/128 reject");
    /// ```
    pub fn host(kind: HbaType, database: &str, user: &str, address: &str, method: &str) -> HbaRule {
        HbaRule {
            kind,
            database: database.to_owned(),
            user: user.to_owned(),
            address: Some(address.to_owned()),
            method: method.to_owned(),
            options: Vec::new(),
        }
    }

    /// Adds a method option such as `clientcert=verify-full`.
    ///
    /// ```
    /// let rule = tusk_testkit::HbaRule::local("all", "all", "peer").option("map=tests");
    /// assert_eq!(rule.to_string(), "local all all peer map=tests");
    /// ```
    pub fn option(mut self, option: impl Into<String>) -> HbaRule {
        self.options.push(option.into());
        self
    }
}

impl fmt::Display for HbaRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.kind.as_str(), self.database, self.user)?;
        if let Some(address) = &self.address {
            write!(f, " {address}")?;
        }
        write!(f, " {}", self.method)?;
        for option in &self.options {
            write!(f, " {option}")?;
        }
        Ok(())
    }
}

/// The rules every cluster gets after [`ClusterOptions::hba`]: for each [`Role`], for the
/// databases `all` and `replication`, one `local` line and `host` lines for 127.0.0.1/32
/// and ::1/128, each with the role's method. Anything else matches no line and is
/// refused with PostgreSQL's "no pg_hba.conf entry" error.
///
/// ```
/// let rules = tusk_testkit::default_hba_rules();
/// assert!(rules.iter().any(|r| r.to_string() == "host all tusk_md5 127.0.0.1/32 md5"));
/// assert!(rules.iter().any(|r| r.to_string() == "local all tusk_scram scram-sha-256"));
/// ```
pub fn default_hba_rules() -> Vec<HbaRule> {
    let mut rules = Vec::new();
    for role in Role::ALL {
        let info = role.info();
        let method = info.method.as_str();
        for database in ["all", "replication"] {
            rules.push(HbaRule::local(database, info.name, method));
            for address in ["127.0.0.1/32", "::1/128"] {
                rules.push(HbaRule::host(HbaType::Host, database, info.name, address, method));
            }
        }
    }
    rules
}
