//! One error type for everything the client can report.
//!
//! [`Error`] carries an [`ErrorKind`] saying *where* things went wrong (the network, the
//! server, decoding a value…), a message, the underlying cause, and — for errors the
//! server sent — a [`DbError`] with every field of the ErrorResponse.
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) {
//! match conn.execute("INSERT INTO t VALUES (1)", &[]).await {
//!     Ok(n) => println!("{n} rows"),
//!     Err(e) if e.code() == Some("23505") => println!("already there"),
//!     Err(e) if e.is_transient() => println!("try again: {e}"),
//!     Err(e) => println!("failed: {e}"),
//! }
//! # }
//! ```

use std::fmt;
use tusk_proto::backend::ErrorFields;

/// Boxed error source.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing the socket failed.
    Io,
    /// TLS negotiation or I/O failed.
    Tls,
    /// Authentication failed or could not be attempted.
    Auth,
    /// The peer broke the protocol (bad framing, unexpected message).
    Protocol,
    /// The server reported an error ([`Error::as_db_error`] has the details).
    Server,
    /// A column value could not be decoded into the requested Rust type.
    Decode,
    /// A parameter could not be encoded for its server type.
    Encode,
    /// The connection configuration is invalid.
    Config,
    /// An operation did not finish in time.
    Timeout,
    /// The connection is closed (or broken by an earlier error).
    Closed,
    /// The query was cancelled.
    Cancelled,
    /// A connection pool could not provide a connection.
    Pool,
    /// A bounded queue was full and something had to be refused (e.g. notifications).
    Overflow,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Io => "I/O error",
            ErrorKind::Tls => "TLS error",
            ErrorKind::Auth => "authentication error",
            ErrorKind::Protocol => "protocol error",
            ErrorKind::Server => "server error",
            ErrorKind::Decode => "decode error",
            ErrorKind::Encode => "encode error",
            ErrorKind::Config => "configuration error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Closed => "connection closed",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Pool => "pool error",
            ErrorKind::Overflow => "queue overflow",
        })
    }
}

/// An error reported by the server: every field of its ErrorResponse.
///
/// ```
/// use tusk::DbError;
/// use tusk_proto::backend::ErrorFields;
/// let e = DbError::from_fields(ErrorFields::new(vec![
///     (b'S', "ERROR".into()), (b'C', "42P01".into()), (b'M', "relation \"t\" does not exist".into()),
/// ]));
/// assert_eq!(e.code(), "42P01");
/// assert_eq!(e.severity(), "ERROR");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    fields: ErrorFields,
}

macro_rules! field_getters {
    ($($(#[$doc:meta])* $name:ident => $code:expr;)*) => {
        $( $(#[$doc])* pub fn $name(&self) -> Option<&str> { self.fields.get($code) } )*
    };
}

impl DbError {
    /// Wraps the fields of an ErrorResponse or NoticeResponse.
    pub fn from_fields(fields: ErrorFields) -> DbError {
        DbError { fields }
    }

    /// Severity, non-localized when the server sent it (`ERROR`, `FATAL`, `WARNING`…).
    pub fn severity(&self) -> &str {
        self.fields
            .get(ErrorFields::SEVERITY_NONLOCALIZED)
            .or_else(|| self.fields.get(ErrorFields::SEVERITY))
            .unwrap_or("ERROR")
    }

    /// The SQLSTATE code (`XX000` if the server omitted it).
    pub fn code(&self) -> &str {
        self.fields.get(ErrorFields::CODE).unwrap_or("XX000")
    }

    /// The primary message.
    pub fn message(&self) -> &str {
        self.fields.get(ErrorFields::MESSAGE).unwrap_or("")
    }

    field_getters! {
        /// Localized severity, as sent.
        severity_localized => ErrorFields::SEVERITY;
        /// Detail message.
        detail => ErrorFields::DETAIL;
        /// Hint.
        hint => ErrorFields::HINT;
        /// Context (`WHERE`): the call stack.
        where_ => ErrorFields::WHERE;
        /// Internally generated query that failed.
        internal_query => ErrorFields::INTERNAL_QUERY;
        /// Schema name.
        schema => ErrorFields::SCHEMA;
        /// Table name.
        table => ErrorFields::TABLE;
        /// Column name.
        column => ErrorFields::COLUMN;
        /// Data type name.
        datatype => ErrorFields::DATATYPE;
        /// Constraint name.
        constraint => ErrorFields::CONSTRAINT;
        /// Source file in the server.
        file => ErrorFields::FILE;
        /// Source routine in the server.
        routine => ErrorFields::ROUTINE;
    }

    /// Cursor position in the query (1-based, in characters).
    pub fn position(&self) -> Option<u32> {
        self.fields.get(ErrorFields::POSITION).and_then(|p| p.parse().ok())
    }

    /// Position in the internal query.
    pub fn internal_position(&self) -> Option<u32> {
        self.fields
            .get(ErrorFields::INTERNAL_POSITION)
            .and_then(|p| p.parse().ok())
    }

    /// Source line in the server.
    pub fn line(&self) -> Option<u32> {
        self.fields.get(ErrorFields::LINE).and_then(|p| p.parse().ok())
    }

    /// Every field as sent, including codes this version does not name.
    pub fn fields(&self) -> &ErrorFields {
        &self.fields
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (SQLSTATE {})", self.severity(), self.message(), self.code())?;
        if let Some(d) = self.detail() {
            write!(f, "\nDETAIL: {d}")?;
        }
        if let Some(h) = self.hint() {
            write!(f, "\nHINT: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DbError {}

/// The error type of every fallible tusk operation.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    message: String,
    source: Option<BoxError>,
    db: Option<DbError>,
}

impl Error {
    /// Builds an error of `kind` with a message.
    ///
    /// ```
    /// let e = tusk::Error::new(tusk::ErrorKind::Config, "no host given");
    /// assert_eq!(e.kind(), tusk::ErrorKind::Config);
    /// assert_eq!(e.to_string(), "configuration error: no host given");
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            source: None,
            db: None,
        }))
    }

    pub(crate) fn with_source(kind: ErrorKind, message: impl Into<String>, source: impl Into<BoxError>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            source: Some(source.into()),
            db: None,
        }))
    }

    pub(crate) fn db(kind: ErrorKind, db: DbError) -> Error {
        Error(Box::new(Inner {
            kind,
            message: String::new(),
            source: None,
            db: Some(db),
        }))
    }

    pub(crate) fn io(e: std::io::Error) -> Error {
        // A TLS failure (an alert from the server, a corrupt record) reaches us wrapped in
        // an io::Error: report it as what it is.
        match crate::tls::error_from_io(e) {
            Ok(tls) => tls,
            Err(e) => Error::with_source(ErrorKind::Io, "I/O failed", e),
        }
    }

    /// Puts `context` in front of the message, keeping kind, source and server fields.
    pub(crate) fn with_context(mut self, context: impl Into<String>) -> Error {
        let context = context.into();
        self.0.message = if self.0.message.is_empty() {
            context
        } else {
            format!("{context}: {}", self.0.message)
        };
        self
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Protocol, message)
    }

    pub(crate) fn closed() -> Error {
        Error::new(ErrorKind::Closed, "the connection is closed")
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The server's error, if the server sent one.
    pub fn as_db_error(&self) -> Option<&DbError> {
        self.0.db.as_ref()
    }

    /// The SQLSTATE, if the server sent an error.
    pub fn code(&self) -> Option<&str> {
        self.0.db.as_ref().map(DbError::code)
    }

    /// Whether retrying the same operation (on a new connection if this one closed) may
    /// succeed: network failures, timeouts, serialization failures and deadlocks, and
    /// server-side resource or shutdown conditions.
    ///
    /// ```
    /// let e = tusk::Error::new(tusk::ErrorKind::Timeout, "query took too long");
    /// assert!(e.is_transient());
    /// let e = tusk::Error::new(tusk::ErrorKind::Config, "bad port");
    /// assert!(!e.is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        match self.0.kind {
            ErrorKind::Io | ErrorKind::Timeout | ErrorKind::Closed | ErrorKind::Pool => true,
            ErrorKind::Server | ErrorKind::Auth => match self.code() {
                Some(code) => {
                    code.starts_with("08")      // connection exception
                        || code == "40001"      // serialization_failure
                        || code == "40P01"      // deadlock_detected
                        || code.starts_with("53") // insufficient resources
                        || code == "55P03"      // lock_not_available
                        || code == "57P01"      // admin_shutdown
                        || code == "57P02"      // crash_shutdown
                        || code == "57P03"      // cannot_connect_now
                        || code == "57P05" // idle_session_timeout
                }
                None => false,
            },
            _ => false,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        if !self.0.message.is_empty() {
            d.field("message", &self.0.message);
        }
        if let Some(db) = &self.0.db {
            d.field("db", db);
        }
        if let Some(s) = &self.0.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0.db, self.0.message.is_empty()) {
            (Some(db), true) => write!(f, "{db}"),
            (Some(db), false) => write!(f, "{}: {db}", self.0.message),
            (None, _) => {
                write!(f, "{}: {}", self.0.kind, self.0.message)?;
                if let Some(s) = &self.0.source {
                    write!(f, ": {s}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(db) = &self.0.db {
            return Some(db);
        }
        self.0
            .source
            .as_ref()
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

impl From<tusk_proto::ProtoError> for Error {
    fn from(e: tusk_proto::ProtoError) -> Error {
        Error::with_source(ErrorKind::Protocol, "invalid message", e)
    }
}

impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Error {
        Error::with_source(ErrorKind::Config, "invalid connection configuration", e)
    }
}

/// The result type of tusk operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
