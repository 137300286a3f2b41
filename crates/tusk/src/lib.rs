//! # tusk — an async PostgreSQL client
//!
//! tusk speaks the PostgreSQL wire protocol (3.0 and 3.2) over TCP or unix-domain
//! sockets, on tokio. It is built on the sans-IO codec [`tusk_proto`] and the value
//! conversions of [`tusk_types`] (re-exported as [`types`]).
//!
//! ```no_run
//! # async fn f() -> tusk::Result<()> {
//! use tusk::Connection;
//!
//! // A URL or a libpq key=value string; unset parameters come from PG* variables.
//! let mut conn = Connection::connect("host=localhost user=app dbname=app").await?;
//!
//! conn.batch_execute("CREATE TEMP TABLE people (id int4 PRIMARY KEY, name text)").await?;
//! conn.execute("INSERT INTO people VALUES ($1, $2)", &[&1i32, &"Ada"]).await?;
//!
//! let row = conn.query_one("SELECT name FROM people WHERE id = $1", &[&1i32]).await?;
//! let name: &str = row.get("name")?;
//! assert_eq!(name, "Ada");
//! # Ok(()) }
//! ```
//!
//! ## What is where
//!
//! - [`Config`]: connection parameters with libpq's names, syntaxes and environment.
//! - [`service`], [`pgpass`], [`require_auth`]: service files, the password file, and
//!   which authentication methods the client accepts.
//! - [`Connection`]: one session, driven by its owner (`&mut self`, no background task).
//! - [`Row`], [`Column`], [`Statement`]: results and prepared statements;
//!   [`row_stream`]: rows as they arrive ([`RowStream`], [`RowRef`]) and portals.
//! - [`pipeline`]: many statements in one flush; [`client`]: a [`Client`] shared by
//!   tasks, its queries pipelined; [`cancel`]: [`CancelToken`].
//! - [`copy`]: [`CopyIn`], [`CopyOut`], [`BinaryCopyInWriter`], [`BinaryCopyOutReader`]:
//!   bulk data with COPY.
//! - [`Error`]: one error type; [`DbError`] holds every field the server sent.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cache;
pub mod cancel;
pub mod client;
pub mod config;
mod connect;
mod connection;
pub mod copy;
mod error;
mod from_row;
mod notify;
pub mod pgpass;
pub mod pipeline;
pub mod require_auth;
mod row;
pub mod row_stream;
pub mod service;
mod statement;
mod stream;
pub mod tls;
pub mod transaction;
mod type_resolver;

pub use cancel::{CancelToken, DEFAULT_CANCEL_TIMEOUT};
pub use client::{Client, ClientOptions, ClientStatement};
pub use config::Config;
pub use connection::{
    AuthMethod, Connection, MAX_QUEUED_NOTIFICATIONS, NoticeHandler, Notification, Params, SimpleQueryMessage,
    ToStatement,
};
pub use copy::{BinaryCopyInWriter, BinaryCopyOutReader, BinaryRow, CopyIn, CopyOut, CopyRow};
pub use error::{DbError, Error, ErrorKind, Result};
#[doc(hidden)]
pub use from_row::__private;
pub use from_row::FromRow;
pub use notify::{NotificationStream, quote_ident};
pub use row::{Column, Row, RowIndex, RowRef};
pub use row_stream::{Portal, RowStream};
pub use statement::Statement;
pub use tls::{ServerVerification, TlsInfo, TrustAnchors};
pub use transaction::Transaction;
/// Derive macros (feature `derive`, on by default): `FromRow` for structs read from rows,
/// `ToSql`/`FromSql` for enums, composite types and domain newtypes. See [`tusk_macros`].
#[cfg(feature = "derive")]
pub use tusk_macros::{FromRow, FromSql, ToSql};
pub use tusk_proto::backend::TransactionStatus;
pub use tusk_proto::frontend::ProtocolVersion;

/// Value conversions: [`types::ToSql`], [`types::FromSql`], [`types::Type`].
pub use tusk_types as types;
