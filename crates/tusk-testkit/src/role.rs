//! The login roles every cluster is created with, and how to reach the cluster.

use std::fmt;

/// The login roles every [`Cluster`](crate::Cluster) has, one per authentication method.
///
/// Each role may log in over the unix socket and over TCP (127.0.0.1 and ::1), always with
/// the method its name says. All of them have `LOGIN` and `CREATEDB` and may create tables
/// in the `public` schema of `postgres` and of every [fresh
/// database](crate::Cluster::fresh_database).
///
/// ```
/// use tusk_testkit::{AuthMethod, Role};
///
/// let md5 = Role::Md5.info();
/// assert_eq!((md5.name, md5.password, md5.method), ("tusk_md5", Some("pw_md5"), AuthMethod::Md5));
/// assert_eq!(Role::ALL.len(), 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// `tusk_trust`, no password, `trust`.
    Trust,
    /// `tusk_password`, password `pw_password`, `password` (cleartext on the wire).
    Password,
    /// `tusk_md5`, password `pw_md5` stored as an MD5 hash, `md5`.
    Md5,
    /// `tusk_scram`, password `pw_scram`, `scram-sha-256`.
    Scram,
    /// `postgres`, the superuser, no password, `trust`.
    Superuser,
}

impl Role {
    /// Every role, in declaration order.
    ///
    /// ```
    /// assert!(tusk_testkit::Role::ALL.contains(&tusk_testkit::Role::Scram));
    /// ```
    pub const ALL: [Role; 5] = [Role::Trust, Role::Password, Role::Md5, Role::Scram, Role::Superuser];

    /// The roles that are not the superuser: those that tests log in as.
    ///
    /// ```
    /// assert!(!tusk_testkit::Role::TEST_ROLES.contains(&tusk_testkit::Role::Superuser));
    /// ```
    pub const TEST_ROLES: [Role; 4] = [Role::Trust, Role::Password, Role::Md5, Role::Scram];

    /// Name, password and authentication method of this role.
    ///
    /// ```
    /// assert_eq!(tusk_testkit::Role::Scram.info().password, Some("pw_scram"));
    /// ```
    pub const fn info(self) -> RoleInfo {
        let (name, password, method) = match self {
            Role::Trust => ("tusk_trust", None, AuthMethod::Trust),
            Role::Password => ("tusk_password", Some("pw_password"), AuthMethod::Password),
            Role::Md5 => ("tusk_md5", Some("pw_md5"), AuthMethod::Md5),
            Role::Scram => ("tusk_scram", Some("pw_scram"), AuthMethod::ScramSha256),
            Role::Superuser => ("postgres", None, AuthMethod::Trust),
        };
        RoleInfo { name, password, method }
    }

    /// The role's name, e.g. `tusk_md5`.
    ///
    /// ```
    /// assert_eq!(tusk_testkit::Role::Superuser.name(), "postgres");
    /// ```
    pub const fn name(self) -> &'static str {
        self.info().name
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What [`Role::info`] and [`Cluster::role`](crate::Cluster::role) return.
///
/// ```
/// let info = tusk_testkit::Role::Password.info();
/// assert_eq!(info.method.as_str(), "password");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleInfo {
    /// The role name to log in as.
    pub name: &'static str,
    /// Its password, `None` for trust roles.
    pub password: Option<&'static str>,
    /// The pg_hba.conf method it must authenticate with.
    pub method: AuthMethod,
}

/// A pg_hba.conf authentication method used by the built-in roles.
///
/// ```
/// assert_eq!(tusk_testkit::AuthMethod::ScramSha256.to_string(), "scram-sha-256");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthMethod {
    /// `trust`: no authentication.
    Trust,
    /// `password`: cleartext password.
    Password,
    /// `md5`: MD5 challenge.
    Md5,
    /// `scram-sha-256`: SCRAM.
    ScramSha256,
}

impl AuthMethod {
    /// The keyword as written in pg_hba.conf.
    ///
    /// ```
    /// assert_eq!(tusk_testkit::AuthMethod::Md5.as_str(), "md5");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Trust => "trust",
            AuthMethod::Password => "password",
            AuthMethod::Md5 => "md5",
            AuthMethod::ScramSha256 => "scram-sha-256",
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a client reaches the cluster.
///
/// ```
/// use tusk_testkit::Transport;
/// assert_ne!(Transport::Tcp, Transport::Unix);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TCP to 127.0.0.1 and the cluster's port.
    Tcp,
    /// The unix-domain socket in the cluster's socket directory.
    Unix,
}

impl Transport {
    /// Both transports.
    ///
    /// ```
    /// assert_eq!(tusk_testkit::Transport::ALL.len(), 2);
    /// ```
    pub const ALL: [Transport; 2] = [Transport::Tcp, Transport::Unix];
}
