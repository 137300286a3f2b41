//! # tusk-proto — the PostgreSQL wire protocol, without I/O
//!
//! This crate turns bytes into messages and messages into bytes, for both sides of a
//! PostgreSQL connection (protocol 3.0 and 3.2). It never touches a socket, a clock or
//! a runtime: the `tusk` client and `tusk-server` are thin drivers around it, and tests
//! use it to play either peer.
//!
//! - [`frontend`]: what clients send — encoders for the hot path, and
//!   [`frontend::FrontendMessage`] / [`frontend::StartupPacket`] to decode them on a server.
//! - [`backend`]: what servers send — [`backend::BackendMessage`] both ways; DataRow
//!   bodies stay `Bytes` slices of the read buffer.
//! - [`auth`]: SCRAM-SHA-256 client and server state machines, MD5 password hashing.
//! - [`Limits`]: the most a peer may make us buffer.
//!
//! Decoding is incremental: feed whatever arrived into a `BytesMut` and call `decode`
//! until it returns `Ok(None)` ("need more bytes"). A length over the limit, an unknown
//! tag or a malformed body is a [`ProtoError`], never a panic.
//!
//! ```
//! use bytes::BytesMut;
//! use tusk_proto::{Limits, backend::BackendMessage, frontend};
//!
//! // A client writes a pipeline of extended-query messages in one buffer...
//! let mut out = BytesMut::new();
//! frontend::parse(&mut out, "", "SELECT $1::int4", &[]).unwrap();
//! frontend::sync(&mut out);
//!
//! // ...and reads the server's replies as they arrive.
//! let mut input = BytesMut::from(&b"1\0\0\0\x04Z\0\0\0\x05I"[..]);
//! let limits = Limits::default();
//! assert_eq!(BackendMessage::decode(&mut input, &limits).unwrap(), Some(BackendMessage::ParseComplete));
//! assert!(matches!(BackendMessage::decode(&mut input, &limits).unwrap(), Some(BackendMessage::ReadyForQuery(_))));
//! assert_eq!(BackendMessage::decode(&mut input, &limits).unwrap(), None);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod backend;
mod codec;
mod error;
pub mod frontend;

pub use codec::{DEFAULT_MAX_MESSAGE_LEN, Limits};
pub use error::ProtoError;
