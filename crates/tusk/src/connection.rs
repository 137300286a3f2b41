//! [`Connection`]: one session with a server, driven directly by its owner.
//!
//! `Connection` is the fast path: methods take `&mut self`, there is no channel and no
//! spawned task. Each request is encoded into one write buffer and sent with one write;
//! replies are decoded from one read buffer, and rows keep slices of it.
//!
//! ## Cancel safety
//!
//! A request future may be dropped half-way (a `select!`, a timeout). The connection
//! remembers what it still owes: unsent bytes stay in the write buffer and the number
//! of ReadyForQuery replies still due is counted. The next request first finishes
//! sending, then reads and discards replies up to the last ReadyForQuery, so the
//! session is back in step before anything new is sent.

use crate::config::Config;
use crate::error::{DbError, Error, ErrorKind, Result};
use crate::row::{Column, Row};
use crate::statement::{CloseQueue, Statement};
use crate::stream::Stream;
use bytes::{Buf, BytesMut};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tusk_proto::backend::{BackendMessage, TransactionStatus};
use tusk_proto::frontend::{self, BindError, ProtocolVersion, Target};
use tusk_proto::{Limits, ProtoError};
use tusk_types::{Format, IsNull, ToSql, Type};

/// A parameter list: `&[&1i32, &"text", &None::<i64>]`.
pub type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Called for each NoticeResponse (warnings, `RAISE NOTICE`…).
pub type NoticeHandler = Arc<dyn Fn(&DbError) + Send + Sync>;

/// How the session authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// No password was asked for (trust, peer, …).
    None,
    /// Cleartext password.
    Password,
    /// MD5 challenge-response.
    Md5,
    /// SCRAM-SHA-256.
    ScramSha256,
    /// SCRAM-SHA-256-PLUS (channel binding).
    ScramSha256Plus,
}

impl AuthMethod {
    /// The name libpq's `require_auth` uses for this method.
    ///
    /// ```
    /// assert_eq!(tusk::AuthMethod::ScramSha256.name(), "scram-sha-256");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::None => "none",
            AuthMethod::Password => "password",
            AuthMethod::Md5 => "md5",
            AuthMethod::ScramSha256 => "scram-sha-256",
            AuthMethod::ScramSha256Plus => "scram-sha-256-plus",
        }
    }
}

/// An asynchronous notification received through LISTEN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Process id of the notifying session.
    pub process_id: i32,
    /// Channel name.
    pub channel: String,
    /// Payload (empty if none was given).
    pub payload: String,
}

/// What a simple query returned, message by message.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SimpleQueryMessage {
    /// A row; every column is in text format, so `row.get::<&str>(i)` reads any type.
    Row(Row),
    /// A statement finished; the number of rows it affected or returned.
    CommandComplete(u64),
    /// The columns of the rows that follow.
    RowDescription(Arc<[Column]>),
}

/// Facts about the session, set during startup.
#[derive(Debug, Clone)]
pub(crate) struct SessionInfo {
    pub(crate) protocol: ProtocolVersion,
    pub(crate) process_id: i32,
    pub(crate) secret_key: bytes::Bytes,
    pub(crate) auth_method: AuthMethod,
    pub(crate) params: HashMap<String, String>,
    pub(crate) host: String,
    pub(crate) port: u16,
}

static NEXT_CONNECTION_ID: AtomicU64 = AtomicU64::new(1);

/// Most notifications kept while nobody reads them; older ones beyond this are dropped
/// and counted (see [`Connection::notifications_dropped`]).
pub const MAX_QUEUED_NOTIFICATIONS: usize = 65_536;

const READ_CHUNK: usize = 64 * 1024;

/// A connection to a PostgreSQL server.
///
/// ```no_run
/// # async fn f() -> tusk::Result<()> {
/// let mut conn = tusk::Connection::connect("postgres://alice@localhost/app").await?;
/// let n = conn.execute("UPDATE t SET seen = true WHERE id = $1", &[&7i32]).await?;
/// for row in conn.query("SELECT id, name FROM t WHERE seen", &[]).await? {
///     let (id, name): (i32, &str) = (row.get(0)?, row.get(1)?);
///     println!("{id} {name}");
/// }
/// conn.close().await?;
/// # Ok(()) }
/// ```
pub struct Connection {
    stream: Stream,
    read_buf: BytesMut,
    write_buf: BytesMut,
    limits: Limits,
    /// ReadyForQuery replies still due for requests already sent.
    pending_syncs: usize,
    /// Of those, how many belong to housekeeping (closing dropped statements) sent just
    /// before the current request: their replies are read and discarded by [`Self::read`].
    stale_syncs: usize,
    broken: Option<String>,
    tx_status: TransactionStatus,
    info: SessionInfo,
    notice_handler: NoticeHandler,
    notifications: VecDeque<Notification>,
    notifications_dropped: u64,
    close_queue: CloseQueue,
    next_statement: u64,
    id: u64,
    ranges: Vec<Option<Range<usize>>>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("host", &self.info.host)
            .field("port", &self.info.port)
            .field("process_id", &self.info.process_id)
            .field("protocol", &self.info.protocol)
            .field("transaction_status", &self.tx_status)
            .finish_non_exhaustive()
    }
}

fn default_notice_handler() -> NoticeHandler {
    Arc::new(|n: &DbError| {
        tracing::info!(target: "tusk::notice", severity = n.severity(), code = n.code(), "{}", n.message());
    })
}

/// Something that can be run as a statement: SQL text or a prepared [`Statement`].
pub trait ToStatement: sealed::Sealed {
    #[doc(hidden)]
    fn as_source(&self) -> StatementSource<'_>;
}

#[doc(hidden)]
pub enum StatementSource<'a> {
    Sql(&'a str),
    Prepared(&'a Statement),
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for str {}
    impl Sealed for String {}
    impl Sealed for super::Statement {}
    impl<T: ?Sized + Sealed> Sealed for &T {}
}

impl ToStatement for str {
    fn as_source(&self) -> StatementSource<'_> {
        StatementSource::Sql(self)
    }
}
impl ToStatement for String {
    fn as_source(&self) -> StatementSource<'_> {
        StatementSource::Sql(self)
    }
}
impl ToStatement for Statement {
    fn as_source(&self) -> StatementSource<'_> {
        StatementSource::Prepared(self)
    }
}
impl<T: ?Sized + ToStatement> ToStatement for &T {
    fn as_source(&self) -> StatementSource<'_> {
        (**self).as_source()
    }
}

impl Connection {
    /// Connects using a URL or key=value connection string. Parameters not given are
    /// taken from the PG* environment variables, as libpq does.
    pub async fn connect(conninfo: &str) -> Result<Connection> {
        let config = Config::parse(conninfo)?.with_env_defaults()?;
        Self::connect_with(&config).await
    }

    /// Connects with a ready [`Config`] (used as is: no environment lookup).
    pub async fn connect_with(config: &Config) -> Result<Connection> {
        crate::connect::connect(config).await
    }

    pub(crate) fn from_parts(stream: Stream, read_buf: BytesMut, limits: Limits, info: SessionInfo) -> Connection {
        Connection {
            stream,
            read_buf,
            write_buf: BytesMut::with_capacity(8192),
            limits,
            pending_syncs: 0,
            stale_syncs: 0,
            broken: None,
            tx_status: TransactionStatus::Idle,
            info,
            notice_handler: default_notice_handler(),
            notifications: VecDeque::new(),
            notifications_dropped: 0,
            close_queue: Arc::new(std::sync::Mutex::new(Vec::new())),
            next_statement: 0,
            id: NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed),
            ranges: Vec::new(),
        }
    }

    // ---- Session facts ------------------------------------------------------------

    /// A run-time parameter the server reported (`server_version`, `TimeZone`,
    /// `DateStyle`, `integer_datetimes`, `application_name`, …), kept current.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.info.params.get(name).map(String::as_str)
    }

    /// Every reported run-time parameter.
    pub fn parameters(&self) -> &HashMap<String, String> {
        &self.info.params
    }

    /// The server's version string (`server_version`), e.g. `"18.1"`.
    pub fn server_version(&self) -> Option<&str> {
        self.parameter("server_version")
    }

    /// The server's major version number (15, 18…), parsed from `server_version`.
    pub fn server_version_num(&self) -> Option<u32> {
        let v = self.server_version()?;
        v.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    }

    /// The protocol version in use after negotiation (3.0 or 3.2).
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.info.protocol
    }

    /// The backend's process id.
    pub fn backend_pid(&self) -> i32 {
        self.info.process_id
    }

    /// The length of the cancel key (4 in protocol 3.0; 32 from PostgreSQL 18 with 3.2).
    pub fn cancel_key_len(&self) -> usize {
        self.info.secret_key.len()
    }

    /// How the session authenticated.
    pub fn auth_method(&self) -> AuthMethod {
        self.info.auth_method
    }

    /// The host (or socket directory) this connection reached.
    pub fn host(&self) -> &str {
        &self.info.host
    }

    /// The port this connection reached.
    pub fn port(&self) -> u16 {
        self.info.port
    }

    /// The transaction status reported by the last ReadyForQuery.
    pub fn transaction_status(&self) -> TransactionStatus {
        self.tx_status
    }

    /// Whether the connection was broken by an I/O or protocol error; if so every
    /// request fails with [`ErrorKind::Closed`].
    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    /// Whether this connection uses a unix-domain socket.
    pub fn is_unix_socket(&self) -> bool {
        self.stream.is_unix()
    }

    /// Replaces the notice handler (the default logs through `tracing` at info level).
    ///
    /// ```no_run
    /// # fn f(conn: &mut tusk::Connection) {
    /// conn.set_notice_handler(|n| eprintln!("server says: {}", n.message()));
    /// # }
    /// ```
    pub fn set_notice_handler(&mut self, handler: impl Fn(&DbError) + Send + Sync + 'static) {
        self.notice_handler = Arc::new(handler);
    }

    /// Takes the notifications received so far, oldest first.
    pub fn take_notifications(&mut self) -> Vec<Notification> {
        self.notifications.drain(..).collect()
    }

    /// How many notifications were dropped because the queue was full.
    pub fn notifications_dropped(&self) -> u64 {
        self.notifications_dropped
    }

    // ---- Requests -----------------------------------------------------------------

    /// Runs a statement and returns the number of rows it affected.
    ///
    /// `statement` is SQL text (prepared in the unnamed statement) or a [`Statement`].
    pub async fn execute<S: ToStatement + ?Sized>(&mut self, statement: &S, params: Params<'_>) -> Result<u64> {
        let mut n = 0;
        self.run(statement, params, |_| Ok(()), &mut n).await?;
        Ok(n)
    }

    /// Runs a statement and returns all its rows.
    pub async fn query<S: ToStatement + ?Sized>(&mut self, statement: &S, params: Params<'_>) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        let mut n = 0;
        self.run(
            statement,
            params,
            |r| {
                rows.push(r);
                Ok(())
            },
            &mut n,
        )
        .await?;
        Ok(rows)
    }

    /// Runs a statement that must return exactly one row.
    pub async fn query_one<S: ToStatement + ?Sized>(&mut self, statement: &S, params: Params<'_>) -> Result<Row> {
        let mut rows = self.query(statement, params).await?;
        match rows.len() {
            1 => Ok(rows.remove(0)),
            n => Err(Error::new(
                ErrorKind::Decode,
                format!("query_one expected exactly one row, got {n}"),
            )),
        }
    }

    /// Runs a statement that returns zero or one row.
    pub async fn query_opt<S: ToStatement + ?Sized>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<Option<Row>> {
        let mut rows = self.query(statement, params).await?;
        match rows.len() {
            0 => Ok(None),
            1 => Ok(Some(rows.remove(0))),
            n => Err(Error::new(
                ErrorKind::Decode,
                format!("query_opt expected at most one row, got {n}"),
            )),
        }
    }

    /// Prepares a named statement; the server infers parameter types.
    pub async fn prepare(&mut self, sql: &str) -> Result<Statement> {
        self.prepare_typed(sql, &[]).await
    }

    /// Prepares a named statement with some parameter types given (the rest inferred).
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// use tusk::types::Type;
    /// let stmt = conn.prepare_typed("SELECT $1", &[Type::INT4]).await?;
    /// assert_eq!(stmt.params(), &[Type::INT4]);
    /// # Ok(()) }
    /// ```
    pub async fn prepare_typed(&mut self, sql: &str, types: &[Type]) -> Result<Statement> {
        self.next_statement += 1;
        let name = format!("tusk_s{}", self.next_statement);
        self.prepare_named(name, sql, types, true).await
    }

    /// Runs SQL text (possibly several statements separated by `;`) with the simple
    /// query protocol. No parameters; every value comes back as text.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// use tusk::SimpleQueryMessage;
    /// for m in conn.simple_query("CREATE TEMP TABLE t(x int); INSERT INTO t VALUES (1); SELECT x FROM t").await? {
    ///     if let SimpleQueryMessage::Row(row) = m {
    ///         assert_eq!(row.get::<&str>(0)?, "1");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn simple_query(&mut self, sql: &str) -> Result<Vec<SimpleQueryMessage>> {
        self.begin_request().await?;
        frontend::query(&mut self.write_buf, sql).map_err(encode_error)?;
        self.pending_syncs += 1;
        self.flush().await?;
        let mut out = Vec::new();
        let mut columns: Option<Arc<[Column]>> = None;
        let mut error = None;
        loop {
            match self.read().await? {
                BackendMessage::RowDescription(fields) => {
                    let cols: Arc<[Column]> = fields.iter().map(|f| Column::from_field(f, Format::Text)).collect();
                    out.push(SimpleQueryMessage::RowDescription(cols.clone()));
                    columns = Some(cols);
                }
                BackendMessage::DataRow(row) => {
                    let Some(cols) = &columns else {
                        return Err(self.fail(Error::protocol("DataRow without RowDescription")));
                    };
                    let row = Row::new(cols.clone(), row, &mut self.ranges).map_err(|e| self.fail(e))?;
                    out.push(SimpleQueryMessage::Row(row));
                }
                BackendMessage::CommandComplete { tag } => {
                    out.push(SimpleQueryMessage::CommandComplete(rows_affected(&tag)));
                    columns = None;
                }
                BackendMessage::EmptyQueryResponse => {}
                BackendMessage::ErrorResponse(f) => error = Some(Error::db(ErrorKind::Server, DbError::from_fields(f))),
                BackendMessage::ReadyForQuery(s) => {
                    self.ready(s);
                    return match error {
                        Some(e) => Err(e),
                        None => Ok(out),
                    };
                }
                BackendMessage::CopyInResponse(_) => {
                    // COPY FROM STDIN through simple_query: refuse politely so the
                    // session stays usable; copy_in is the API for this.
                    frontend::copy_fail(&mut self.write_buf, "COPY FROM STDIN is not supported by simple_query")
                        .map_err(encode_error)?;
                    self.flush().await?;
                }
                BackendMessage::CopyOutResponse(_) | BackendMessage::CopyData(_) | BackendMessage::CopyDone => {}
                other => return Err(self.fail(unexpected(&other))),
            }
        }
    }

    /// Runs SQL with the simple query protocol and discards any rows; convenient for
    /// DDL and scripts.
    pub async fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.simple_query(sql).await.map(drop)
    }

    /// Ends the session politely (Terminate) and closes the socket.
    pub async fn close(mut self) -> Result<()> {
        if self.broken.is_some() {
            return Ok(());
        }
        // Finish what an interrupted request left, so Terminate is framed correctly.
        if !self.write_buf.is_empty() {
            self.flush().await?;
        }
        frontend::terminate(&mut self.write_buf);
        self.flush().await?;
        let _ = self.stream.shutdown().await;
        Ok(())
    }

    // ---- The engine ---------------------------------------------------------------

    async fn prepare_named(&mut self, name: String, sql: &str, types: &[Type], owned: bool) -> Result<Statement> {
        self.begin_request().await?;
        let oids: Vec<u32> = types.iter().map(Type::oid).collect();
        let mark = self.write_buf.len();
        if let Err(e) = frontend::parse(&mut self.write_buf, &name, sql, &oids)
            .and_then(|_| frontend::describe(&mut self.write_buf, Target::Statement, &name))
        {
            self.write_buf.truncate(mark);
            return Err(encode_error(e));
        }
        frontend::sync(&mut self.write_buf);
        self.pending_syncs += 1;
        self.flush().await?;

        let mut params = Vec::new();
        let mut columns: Arc<[Column]> = Arc::from(Vec::new());
        let mut error = None;
        loop {
            match self.read().await? {
                BackendMessage::ParseComplete => {}
                BackendMessage::ParameterDescription(oids) => params = oids.into_iter().map(Type::from_oid).collect(),
                BackendMessage::RowDescription(fields) => {
                    columns = fields
                        .iter()
                        .map(|f| {
                            let ty = Type::from_oid(f.type_oid);
                            let fmt = if ty.binary_supported() {
                                Format::Binary
                            } else {
                                Format::Text
                            };
                            Column::from_field(f, fmt)
                        })
                        .collect();
                }
                BackendMessage::NoData => {}
                BackendMessage::ErrorResponse(f) => error = Some(Error::db(ErrorKind::Server, DbError::from_fields(f))),
                BackendMessage::ReadyForQuery(s) => {
                    self.ready(s);
                    break;
                }
                other => return Err(self.fail(unexpected(&other))),
            }
        }
        if let Some(e) = error {
            return Err(e);
        }
        let queue = owned.then_some(&self.close_queue);
        Ok(Statement::new(name, params, columns, self.id, queue))
    }

    /// Binds, executes and reads one statement's results, handing rows to `on_row`.
    async fn run<S: ToStatement + ?Sized>(
        &mut self,
        statement: &S,
        params: Params<'_>,
        mut on_row: impl FnMut(Row) -> Result<()>,
        rows_affected_out: &mut u64,
    ) -> Result<()> {
        let stmt = match statement.as_source() {
            StatementSource::Sql(sql) => self.prepare_named(String::new(), sql, &[], false).await?,
            StatementSource::Prepared(s) => {
                if s.connection_id() != self.id {
                    return Err(Error::new(
                        ErrorKind::Encode,
                        "this statement was prepared on a different connection",
                    ));
                }
                s.clone()
            }
        };
        self.begin_request().await?;
        self.encode_bind_execute(&stmt, params)?;
        frontend::sync(&mut self.write_buf);
        self.pending_syncs += 1;
        self.flush().await?;

        let columns = stmt.columns_arc().clone();
        let mut error = None;
        loop {
            match self.read().await? {
                BackendMessage::DataRow(row) => {
                    if error.is_none() {
                        let row = Row::new(columns.clone(), row, &mut self.ranges).map_err(|e| self.fail(e))?;
                        if let Err(e) = on_row(row) {
                            error = Some(e);
                        }
                    }
                }
                BackendMessage::BindComplete => {}
                BackendMessage::CommandComplete { tag } => *rows_affected_out = rows_affected(&tag),
                BackendMessage::EmptyQueryResponse | BackendMessage::PortalSuspended => {}
                BackendMessage::ErrorResponse(f) => error = Some(Error::db(ErrorKind::Server, DbError::from_fields(f))),
                BackendMessage::ReadyForQuery(s) => {
                    self.ready(s);
                    return match error {
                        Some(e) => Err(e),
                        None => Ok(()),
                    };
                }
                BackendMessage::CopyInResponse(_) => {
                    frontend::copy_fail(&mut self.write_buf, "COPY FROM STDIN needs copy_in").map_err(encode_error)?;
                    self.flush().await?;
                }
                BackendMessage::CopyOutResponse(_) | BackendMessage::CopyData(_) | BackendMessage::CopyDone => {}
                other => return Err(self.fail(unexpected(&other))),
            }
        }
    }

    /// Encodes Bind + Execute for `stmt` into the write buffer, checking every
    /// parameter's type first. On error nothing is left in the buffer.
    fn encode_bind_execute(&mut self, stmt: &Statement, params: Params<'_>) -> Result<()> {
        let types = stmt.params();
        if params.len() != types.len() {
            return Err(Error::new(
                ErrorKind::Encode,
                format!(
                    "the statement expects {} parameters, but {} were given",
                    types.len(),
                    params.len()
                ),
            ));
        }
        for (i, (p, ty)) in params.iter().zip(types).enumerate() {
            if !p.accepts(ty) {
                return Err(Error::new(
                    ErrorKind::Encode,
                    format!(
                        "parameter ${}: a value of Rust type {} cannot be sent as server type {}",
                        i + 1,
                        p.type_name(),
                        ty
                    ),
                ));
            }
        }
        let mark = self.write_buf.len();
        let mut param_formats: Vec<i16> = params.iter().zip(types).map(|(p, ty)| p.format(ty) as i16).collect();
        if param_formats
            .iter()
            .all(|f| *f == param_formats.first().copied().unwrap_or(0))
        {
            param_formats.truncate(1);
        }
        let result_formats = result_formats(stmt.columns());
        let r = frontend::bind(
            &mut self.write_buf,
            "",
            stmt.name(),
            &param_formats,
            params.len(),
            |i, buf| match params[i].to_sql(&types[i], buf) {
                Ok(IsNull::No) => Ok(true),
                Ok(IsNull::Yes) => Ok(false),
                Err(e) => Err(e),
            },
            &result_formats,
        );
        let r = r.map_err(|e| match e {
            BindError::Proto(p) => encode_error(p),
            BindError::Param(i, e) => Error::with_source(
                ErrorKind::Encode,
                format!(
                    "parameter ${}: cannot encode {} as server type {}",
                    i + 1,
                    params[i].type_name(),
                    types[i]
                ),
                e,
            ),
        });
        if let Err(e) = r.and_then(|_| frontend::execute(&mut self.write_buf, "", 0).map_err(encode_error)) {
            self.write_buf.truncate(mark);
            return Err(e);
        }
        Ok(())
    }

    /// Gets the session in step before a new request: fails if broken, finishes sending
    /// and reading what an interrupted request left, and queues Close for dropped
    /// statements.
    pub(crate) async fn begin_request(&mut self) -> Result<()> {
        if let Some(why) = &self.broken {
            return Err(Error::new(
                ErrorKind::Closed,
                format!("the connection is broken: {why}"),
            ));
        }
        if !self.write_buf.is_empty() {
            self.flush().await?;
        }
        while self.pending_syncs > 0 {
            match self.read().await? {
                BackendMessage::ReadyForQuery(s) => self.ready(s),
                BackendMessage::CopyInResponse(_) => {
                    frontend::copy_fail(&mut self.write_buf, "request abandoned").map_err(encode_error)?;
                    self.flush().await?;
                }
                _ => {}
            }
        }
        let to_close = match self.close_queue.lock() {
            Ok(mut q) => std::mem::take(&mut *q),
            Err(_) => Vec::new(),
        };
        if !to_close.is_empty() {
            for name in &to_close {
                frontend::close(&mut self.write_buf, Target::Statement, name).map_err(encode_error)?;
            }
            frontend::sync(&mut self.write_buf);
            // Sent together with the request that follows; `read` discards the replies.
            self.pending_syncs += 1;
            self.stale_syncs += 1;
        }
        Ok(())
    }

    fn ready(&mut self, s: TransactionStatus) {
        self.tx_status = s;
        self.pending_syncs = self.pending_syncs.saturating_sub(1);
    }

    /// Marks the connection broken and returns the error.
    pub(crate) fn fail(&mut self, e: Error) -> Error {
        if self.broken.is_none() {
            self.broken = Some(e.to_string());
        }
        e
    }

    /// Sends everything in the write buffer. Progress is kept in the buffer, so an
    /// interrupted flush resumes where it stopped.
    pub(crate) async fn flush(&mut self) -> Result<()> {
        while !self.write_buf.is_empty() {
            match self.stream.write(&self.write_buf).await {
                Ok(0) => return Err(self.fail(Error::new(ErrorKind::Io, "the server closed the connection"))),
                Ok(n) => self.write_buf.advance(n),
                Err(e) => return Err(self.fail(Error::io(e))),
            }
        }
        Ok(())
    }

    /// Reads the next message that a request must handle. Notices, parameter changes
    /// and notifications are dealt with here, whatever request is running.
    pub(crate) async fn read(&mut self) -> Result<BackendMessage> {
        loop {
            let msg = match BackendMessage::decode(&mut self.read_buf, &self.limits) {
                Ok(Some(m)) => m,
                Ok(None) => {
                    self.fill().await?;
                    continue;
                }
                Err(e) => return Err(self.fail(Error::from(e))),
            };
            match msg {
                BackendMessage::NoticeResponse(f) => (self.notice_handler)(&DbError::from_fields(f)),
                BackendMessage::ParameterStatus { name, value } => {
                    self.info.params.insert(name, value);
                }
                BackendMessage::NotificationResponse {
                    process_id,
                    channel,
                    payload,
                } => {
                    if self.notifications.len() >= MAX_QUEUED_NOTIFICATIONS {
                        self.notifications.pop_front();
                        self.notifications_dropped += 1;
                        tracing::warn!(target: "tusk::notify", "notification queue full; dropped the oldest");
                    }
                    self.notifications.push_back(Notification {
                        process_id,
                        channel,
                        payload,
                    });
                }
                BackendMessage::ErrorResponse(f) if f.get(b'S').is_some_and(|s| s == "FATAL" || s == "PANIC") => {
                    // The server ends the session after a FATAL error.
                    let e = Error::db(ErrorKind::Server, DbError::from_fields(f));
                    return Err(self.fail(e));
                }
                BackendMessage::ReadyForQuery(s) if self.stale_syncs > 0 => {
                    self.stale_syncs -= 1;
                    self.ready(s);
                }
                _ if self.stale_syncs > 0 => {}
                other => return Ok(other),
            }
        }
    }

    async fn fill(&mut self) -> Result<()> {
        if self.read_buf.capacity() - self.read_buf.len() < 4096 {
            self.read_buf.reserve(READ_CHUNK);
        }
        match self.stream.read_buf(&mut self.read_buf).await {
            Ok(0) => Err(self.fail(Error::new(
                ErrorKind::Io,
                "the server closed the connection unexpectedly",
            ))),
            Ok(_) => Ok(()),
            Err(e) => Err(self.fail(Error::io(e))),
        }
    }
}

fn result_formats(columns: &[Column]) -> Vec<i16> {
    let mut f: Vec<i16> = columns.iter().map(|c| c.format() as i16).collect();
    if let Some(first) = f.first().copied()
        && f.iter().all(|x| *x == first)
    {
        f.truncate(1);
    }
    f
}

fn encode_error(e: ProtoError) -> Error {
    Error::with_source(ErrorKind::Encode, "cannot encode the request", e)
}

fn unexpected(m: &BackendMessage) -> Error {
    Error::protocol(format!("unexpected message '{}' from the server", m.tag() as char))
}

/// The row count at the end of a command tag (`INSERT 0 5` → 5, `SELECT 3` → 3).
pub(crate) fn rows_affected(tag: &str) -> u64 {
    let mut words = tag.split(' ');
    let first = words.next().unwrap_or("");
    match first {
        "INSERT" | "UPDATE" | "DELETE" | "SELECT" | "MOVE" | "FETCH" | "COPY" | "MERGE" => {
            tag.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0)
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::rows_affected;

    #[test]
    fn command_tags() {
        assert_eq!(rows_affected("INSERT 0 5"), 5);
        assert_eq!(rows_affected("SELECT 3"), 3);
        assert_eq!(rows_affected("UPDATE 0"), 0);
        assert_eq!(rows_affected("CREATE TABLE"), 0);
        assert_eq!(rows_affected("COPY 1000000"), 1_000_000);
        assert_eq!(rows_affected("SELECT"), 0);
    }
}
