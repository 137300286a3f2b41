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

use crate::cache::StatementCache;
use crate::cancel::CancelToken;
use crate::config::{Config, DEFAULT_STATEMENT_CACHE_SIZE, StatementCacheMode};
use crate::error::{DbError, Error, ErrorKind, Result};
use crate::row::{Column, Row};
use crate::statement::{CloseQueue, Statement};
use crate::stream::Stream;
use bytes::{Buf, BytesMut};
use std::collections::HashMap;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};
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
    /// Where and how this session was opened, for cancel requests.
    pub(crate) config: Arc<Config>,
    pub(crate) target: crate::config::Target,
    pub(crate) cancel_timeout: std::time::Duration,
    /// What TLS negotiated, if the session uses TLS.
    pub(crate) tls: Option<crate::tls::TlsInfo>,
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
    pub(crate) notifications: crate::notify::NotificationQueue,
    close_queue: CloseQueue,
    next_statement: u64,
    pub(crate) cache: StatementCache,
    /// Set when a notification was queued; lets a waiter stop reading.
    notified: bool,
    /// SQL owed by dropped transactions (ROLLBACK …), sent before the next request.
    owed: Vec<String>,
    cancel_state: Arc<CancelState>,
    query_timeout: Option<Duration>,
    pub(crate) type_cache: crate::type_resolver::TypeCache,
    id: u64,
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
    /// SQL text.
    Sql(&'a str),
    /// A prepared statement.
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
        let cancel_state = Arc::new(CancelState {
            token: CancelToken::for_session(&info),
            spawned: std::sync::Mutex::new(None),
        });
        let query_timeout = info.config.get_query_timeout();
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
            notifications: crate::notify::NotificationQueue::new(MAX_QUEUED_NOTIFICATIONS),
            close_queue: Arc::new(std::sync::Mutex::new(Vec::new())),
            next_statement: 0,
            notified: false,
            owed: Vec::new(),
            cancel_state,
            query_timeout,
            cache: StatementCache::new(DEFAULT_STATEMENT_CACHE_SIZE, StatementCacheMode::Named),
            type_cache: Default::default(),
            id: NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed),
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

    pub(crate) fn session(&self) -> &SessionInfo {
        &self.info
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

    /// What TLS negotiated (version, cipher suite, ALPN, how the server's certificate was
    /// verified), or `None` when the session is not encrypted. See [`crate::TlsInfo`].
    ///
    /// ```no_run
    /// # async fn f() -> tusk::Result<()> {
    /// let conn = tusk::Connection::connect("host=localhost sslmode=require").await?;
    /// let tls = conn.tls_info().expect("sslmode=require");
    /// println!("{} {}", tls.protocol_version(), tls.cipher_suite());
    /// # Ok(()) }
    /// ```
    pub fn tls_info(&self) -> Option<&crate::tls::TlsInfo> {
        self.info.tls.as_ref()
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

    /// The keepalive and user-timeout options as actually set on the TCP socket (read
    /// back from the kernel); `None` for unix-domain sockets.
    pub fn socket_keepalives(&self) -> Option<crate::config::Keepalives> {
        self.stream.keepalives()
    }

    /// Sets a run-time parameter for the session (`SET name = 'value'`), quoting both
    /// safely. The new value shows in [`Connection::parameter`] when the server reports it.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// conn.set_param("application_name", "billing worker").await?;
    /// assert_eq!(conn.parameter("application_name"), Some("billing worker"));
    /// # Ok(()) }
    /// ```
    pub async fn set_param(&mut self, name: &str, value: &str) -> Result<()> {
        let literal = format!("'{}'", value.replace('\'', "''"));
        let sql = format!("SET {} = {literal}", crate::notify::quote_ident(name));
        if value.contains('\\') {
            // E'' strings would change backslash meaning; with standard_conforming_strings
            // (the default since 9.1) a plain literal keeps backslashes as they are.
            tracing::debug!(target: "tusk::session", "set_param value contains a backslash; sent verbatim");
        }
        self.batch_execute(&sql).await
    }

    /// Sets the time a query may run before tusk cancels it and returns
    /// [`ErrorKind::Timeout`] (the connection stays usable). `None` removes the limit.
    /// The default comes from `query_timeout` in the configuration.
    pub fn set_query_timeout(&mut self, timeout: Option<Duration>) {
        self.query_timeout = timeout.filter(|d| !d.is_zero());
    }

    /// The current query timeout.
    pub fn query_timeout(&self) -> Option<Duration> {
        self.query_timeout
    }

    /// Runs `f` with a different query timeout for the requests it makes, then puts the
    /// previous one back.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// use std::time::Duration;
    /// let r = conn
    ///     .with_query_timeout(Some(Duration::from_millis(200)), async |c| c.execute("SELECT pg_sleep(30)", &[]).await)
    ///     .await;
    /// assert_eq!(r.unwrap_err().kind(), tusk::ErrorKind::Timeout);
    /// # Ok(()) }
    /// ```
    pub async fn with_query_timeout<T>(
        &mut self,
        timeout: Option<Duration>,
        f: impl AsyncFnOnce(&mut Connection) -> Result<T>,
    ) -> Result<T> {
        let previous = self.query_timeout;
        self.set_query_timeout(timeout);
        let r = f(self).await;
        self.query_timeout = previous;
        r
    }

    /// How many statements the statement cache holds.
    pub fn cached_statements(&self) -> usize {
        self.cache.len()
    }

    /// Empties the statement cache (the statements are closed on the server before
    /// the next request). Useful after DDL that changes many tables.
    pub fn clear_statement_cache(&mut self) {
        self.cache.clear();
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
        match self.query_timeout {
            None => self.guarded(|c| c.simple_query_inner(sql)).await,
            Some(d) => match tokio::time::timeout(d, self.guarded(|c| c.simple_query_inner(sql))).await {
                Ok(r) => r,
                Err(_) => Err(self.timed_out(d).await),
            },
        }
    }

    async fn simple_query_inner(&mut self, sql: &str) -> Result<Vec<SimpleQueryMessage>> {
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
                    let row = Row::new(cols.clone(), row).map_err(|e| self.fail(e))?;
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

        let mut param_oids = Vec::new();
        let mut fields = Vec::new();
        let mut error = None;
        loop {
            match self.read().await? {
                BackendMessage::ParseComplete | BackendMessage::NoData => {}
                BackendMessage::ParameterDescription(oids) => param_oids = oids,
                BackendMessage::RowDescription(f) => fields = f,
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
        let params = self.resolve_types(&param_oids).await?;
        let column_oids: Vec<u32> = fields.iter().map(|f| f.type_oid).collect();
        let column_types = self.resolve_types(&column_oids).await?;
        let columns: Arc<[Column]> = fields
            .iter()
            .zip(column_types)
            .map(|(f, ty)| {
                // Binary where tusk-types can decode it, text for the rest.
                let format = if ty.binary_supported() {
                    Format::Binary
                } else {
                    Format::Text
                };
                Column::new(f, ty, format)
            })
            .collect();
        let queue = owned.then_some(&self.close_queue);
        Ok(Statement::new(name, sql.to_string(), params, columns, self.id, queue))
    }

    /// Binds, executes and reads one statement's results, handing rows to `on_row`.
    ///
    /// SQL text goes through the statement cache. A cached statement the server no
    /// longer accepts (its result type changed: SQLSTATE 0A000; or it is gone: 26000)
    /// is dropped from the cache and, outside a transaction, prepared again and retried
    /// once. Inside a transaction the error is returned (the transaction is failed
    /// anyway) and the entry is gone for next time.
    async fn run<S: ToStatement + ?Sized>(
        &mut self,
        statement: &S,
        params: Params<'_>,
        on_row: impl FnMut(Row) -> Result<()>,
        rows_affected_out: &mut u64,
    ) -> Result<()> {
        match self.query_timeout {
            None => {
                self.guarded(|c| c.run_inner(statement, params, on_row, rows_affected_out))
                    .await
            }
            Some(d) => {
                let fut = self.guarded(|c| c.run_inner(statement, params, on_row, rows_affected_out));
                match tokio::time::timeout(d, fut).await {
                    Ok(r) => r,
                    Err(_) => Err(self.timed_out(d).await),
                }
            }
        }
    }

    /// Runs a request with cancel-on-drop armed: if the returned future is dropped
    /// before it completes, a cancel request is sent (from a spawned task) and the next
    /// request waits for it before resynchronising.
    async fn guarded<'s, T, F>(&'s mut self, f: impl FnOnce(&'s mut Connection) -> F) -> Result<T>
    where
        F: std::future::Future<Output = Result<T>> + 's,
    {
        let guard = CancelOnDrop(Some(self.cancel_state.clone()));
        let r = f(self).await;
        guard.disarm();
        r
    }

    /// After a query timeout: the abandoned request's guard has sent a cancel; read the
    /// rest of its reply so the connection is usable, and report the timeout.
    async fn timed_out(&mut self, limit: Duration) -> Error {
        let message = format!("the query took longer than {limit:?} and was cancelled");
        match self.begin_request().await {
            Ok(()) => Error::new(ErrorKind::Timeout, message),
            Err(e) => Error::with_source(ErrorKind::Timeout, message, e),
        }
    }

    async fn run_inner<S: ToStatement + ?Sized>(
        &mut self,
        statement: &S,
        params: Params<'_>,
        mut on_row: impl FnMut(Row) -> Result<()>,
        rows_affected_out: &mut u64,
    ) -> Result<()> {
        let sql = match statement.as_source() {
            StatementSource::Prepared(s) => {
                self.check_owner(s)?;
                // Finish whatever an interrupted request left before queuing this one.
                self.begin_request().await?;
                self.start_execute(s, params, false)?;
                return self
                    .finish_execute(s.columns_arc().clone(), false, &mut on_row, rows_affected_out)
                    .await;
            }
            StatementSource::Sql(sql) => sql,
        };
        let mut retried = false;
        loop {
            // Make sure an interrupted request is finished before looking at the
            // transaction status, which decides whether a retry is safe.
            self.begin_request().await?;
            let idle_before = self.tx_status == TransactionStatus::Idle;
            let (stmt, cached) = self.statement_for(sql).await?;
            let unnamed = stmt.name().is_empty();
            self.start_execute(&stmt, params, unnamed && cached)?;
            if unnamed && cached {
                // The unnamed statement is re-parsed; check its description still holds.
                let r = self
                    .finish_execute(stmt.columns_arc().clone(), true, &mut on_row, rows_affected_out)
                    .await;
                match r {
                    Err(e) if is_stale_plan(&e) && !retried => {
                        self.cache.remove(sql);
                        if idle_before {
                            retried = true;
                            continue;
                        }
                        return Err(e);
                    }
                    r => return r,
                }
            }
            let r = self
                .finish_execute(stmt.columns_arc().clone(), false, &mut on_row, rows_affected_out)
                .await;
            match r {
                Err(e) if cached && is_stale_plan(&e) => {
                    self.cache.remove(sql);
                    if idle_before && !retried {
                        retried = true;
                        continue;
                    }
                    return Err(e);
                }
                r => return r,
            }
        }
    }

    pub(crate) fn check_owner(&self, s: &Statement) -> Result<()> {
        if s.connection_id() != self.id {
            return Err(Error::new(
                ErrorKind::Encode,
                "this statement was prepared on a different connection",
            ));
        }
        Ok(())
    }

    /// The statement to run `sql` with, and whether it came from the cache.
    pub(crate) async fn statement_for(&mut self, sql: &str) -> Result<(Statement, bool)> {
        if let Some(s) = self.cache.get(sql) {
            return Ok((s.clone(), true));
        }
        if !self.cache.enabled() {
            return Ok((self.prepare_named(String::new(), sql, &[], false).await?, false));
        }
        match self.cache.mode() {
            // Prepares a named statement and caches it.
            StatementCacheMode::Named => Ok((self.cached_statement(sql).await?, false)),
            StatementCacheMode::Unnamed => {
                let stmt = self.prepare_named(String::new(), sql, &[], false).await?;
                self.cache.insert(sql, stmt.clone());
                Ok((stmt, false))
            }
        }
    }

    /// Encodes [Parse] Bind [Describe portal] Execute Sync and counts the Sync. Nothing
    /// is sent yet: the next read sends it.
    pub(crate) fn start_execute(&mut self, stmt: &Statement, params: Params<'_>, reparse: bool) -> Result<()> {
        let mark = self.write_buf.len();
        if reparse {
            let oids: Vec<u32> = stmt.params().iter().map(Type::oid).collect();
            frontend::parse(&mut self.write_buf, "", stmt.sql(), &oids).map_err(encode_error)?;
        }
        if let Err(e) = self.encode_bind_execute(stmt, params, reparse) {
            self.write_buf.truncate(mark);
            return Err(e);
        }
        frontend::sync(&mut self.write_buf);
        self.pending_syncs += 1;
        Ok(())
    }

    /// Reads one execution's replies up to ReadyForQuery.
    async fn finish_execute(
        &mut self,
        columns: Arc<[Column]>,
        check_description: bool,
        on_row: &mut impl FnMut(Row) -> Result<()>,
        rows_affected_out: &mut u64,
    ) -> Result<()> {
        let mut error = None;
        loop {
            // The frames every execution gets take the allocation-free path first.
            let msg = match self.take_fast() {
                Some(Fast::Row(row)) => BackendMessage::DataRow(row),
                Some(Fast::BindComplete) => continue,
                Some(Fast::CommandComplete(n)) => {
                    *rows_affected_out = n;
                    continue;
                }
                Some(Fast::Ready(s)) => BackendMessage::ReadyForQuery(s),
                None => self.read().await?,
            };
            match msg {
                BackendMessage::DataRow(row) => {
                    if error.is_none() {
                        let row = Row::new(columns.clone(), row).map_err(|e| self.fail(e))?;
                        if let Err(e) = on_row(row) {
                            error = Some(e);
                        }
                    }
                }
                BackendMessage::ParseComplete | BackendMessage::BindComplete | BackendMessage::NoData => {}
                BackendMessage::RowDescription(fields) if check_description => {
                    let same = fields.len() == columns.len()
                        && fields
                            .iter()
                            .zip(columns.iter())
                            .all(|(f, c)| f.type_oid == c.type_().oid());
                    if !same && error.is_none() {
                        error = Some(stale_description());
                    }
                }
                BackendMessage::CommandComplete { tag } => *rows_affected_out = rows_affected(&tag),
                BackendMessage::EmptyQueryResponse | BackendMessage::PortalSuspended => {}
                BackendMessage::ErrorResponse(f) => {
                    if error.is_none() {
                        error = Some(Error::db(ErrorKind::Server, DbError::from_fields(f)));
                    }
                }
                BackendMessage::ReadyForQuery(s) => {
                    self.ready(s);
                    return match error {
                        Some(e) => Err(e),
                        None => Ok(()),
                    };
                }
                BackendMessage::CopyInResponse(_) => {
                    frontend::copy_fail(&mut self.write_buf, "COPY FROM STDIN needs copy_in").map_err(encode_error)?;
                }
                BackendMessage::CopyOutResponse(_) | BackendMessage::CopyData(_) | BackendMessage::CopyDone => {}
                other => return Err(self.fail(unexpected(&other))),
            }
        }
    }

    /// Encodes Bind + Execute for `stmt` into the write buffer, checking every
    /// parameter's type first. On error nothing is left in the buffer.
    fn encode_bind_execute(&mut self, stmt: &Statement, params: Params<'_>, describe_portal: bool) -> Result<()> {
        encode_bind_execute_into(&mut self.write_buf, stmt, params, describe_portal)
    }

    pub(crate) fn next_portal_name(&mut self) -> String {
        self.next_statement += 1;
        format!("tusk_p{}", self.next_statement)
    }

    /// This connection's identity, which statements remember.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The cached statement for `sql`, preparing (and caching) it if needed. With the
    /// cache disabled or in unnamed mode this prepares a named statement anyway, since
    /// the caller keeps it across requests.
    pub(crate) async fn cached_statement(&mut self, sql: &str) -> Result<Statement> {
        if self.cache.mode() == StatementCacheMode::Named
            && let Some(s) = self.cache.get(sql)
        {
            return Ok(s.clone());
        }
        self.next_statement += 1;
        let name = format!("tusk_c{}", self.next_statement);
        let stmt = self.prepare_named(name, sql, &[], true).await?;
        if self.cache.mode() == StatementCacheMode::Named {
            self.cache.insert(sql, stmt.clone());
        }
        Ok(stmt)
    }

    /// The row fast path: the length of the whole, well-framed DataRow frame (tag and
    /// length included) at the front of the read buffer, if there is one, so that it
    /// can be taken without going through [`BackendMessage`] and the generic message
    /// handling (rows never need it). Anything else — another message, a partial
    /// frame, a bad length, replies to be discarded — is left for [`Self::poll_read`],
    /// which reports errors.
    #[inline]
    pub(crate) fn buffered_data_row_len(&self) -> Option<usize> {
        match self.read_buf.first() {
            Some(b'D') => self.buffered_frame_len(),
            _ => None,
        }
    }

    /// The length of the whole, well-framed message (tag and length included) at the
    /// front of the read buffer, if the fast paths may take it: none while replies
    /// are being discarded, none for a partial frame or an impossible length.
    #[inline]
    fn buffered_frame_len(&self) -> Option<usize> {
        let b = &self.read_buf;
        if self.stale_syncs > 0 || b.len() < 5 {
            return None;
        }
        let len = i32::from_be_bytes([b[1], b[2], b[3], b[4]]);
        if len < 4 || len as usize > self.limits.max_message_len || b.len() < len as usize + 1 {
            return None;
        }
        Some(len as usize + 1)
    }

    /// Splits off the DataRow frame of `frame_len` bytes that
    /// [`Self::buffered_data_row_len`] found.
    #[inline]
    pub(crate) fn take_data_row(&mut self, frame_len: usize) -> tusk_proto::backend::DataRow {
        let mut frame = self.read_buf.split_to(frame_len);
        frame.advance(5);
        tusk_proto::backend::DataRow::from_body(frame.freeze())
    }

    /// The body of the DataRow frame of `frame_len` bytes at the front of the read
    /// buffer, in place.
    pub(crate) fn buffered_data_row_body(&self, frame_len: usize) -> &[u8] {
        &self.read_buf[5..frame_len]
    }

    /// Drops `n` bytes (frames read in place) from the front of the read buffer.
    pub(crate) fn consume(&mut self, n: usize) {
        self.read_buf.advance(n);
    }

    /// The reply fast path: takes the whole frame at the front of the read buffer if it
    /// is one of the few kinds a running request sees for every item (a row,
    /// BindComplete, CommandComplete, ReadyForQuery), without allocating. Anything else
    /// — other messages, partial or malformed frames, replies to be discarded — gives
    /// `None` and is left for [`Self::read`], which handles or reports it.
    pub(crate) fn take_fast(&mut self) -> Option<Fast> {
        let frame_len = self.buffered_frame_len()?;
        let body = &self.read_buf[5..frame_len];
        let fast = match self.read_buf[0] {
            b'D' => return Some(Fast::Row(self.take_data_row(frame_len))),
            b'2' if body.is_empty() => Fast::BindComplete,
            b'C' => match body.split_last() {
                Some((0, tag)) if !tag.contains(&0) => Fast::CommandComplete(rows_affected_bytes(tag)),
                _ => return None,
            },
            b'Z' => match body {
                [b'I'] => Fast::Ready(TransactionStatus::Idle),
                [b'T'] => Fast::Ready(TransactionStatus::InTransaction),
                [b'E'] => Fast::Ready(TransactionStatus::Failed),
                _ => return None,
            },
            _ => return None,
        };
        self.read_buf.advance(frame_len);
        Some(fast)
    }

    /// Builds a row, marking the connection broken if the server's row is malformed.
    #[inline]
    pub(crate) fn make_row(&mut self, columns: Arc<[Column]>, row: tusk_proto::backend::DataRow) -> Result<Row> {
        Row::new(columns, row).map_err(|e| self.fail(e))
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
        // A cancel sent for an abandoned request must reach the server before anything
        // new is sent, or it could cancel the new request instead.
        let spawned = self.cancel_state.spawned.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = spawned {
            let _ = handle.await;
        }
        // Everything still due is discarded here, housekeeping replies included.
        self.stale_syncs = 0;
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
        // Rollbacks owed by dropped transactions go first, as housekeeping whose replies
        // are discarded; the status then reads Idle again.
        if !self.owed.is_empty() {
            let sql = std::mem::take(&mut self.owed).join("; ");
            frontend::query(&mut self.write_buf, &sql).map_err(encode_error)?;
            self.pending_syncs += 1;
            // Read the reply now: the caller may look at the transaction status next.
            while self.pending_syncs > 0 {
                if let BackendMessage::ReadyForQuery(s) = self.read().await? {
                    self.ready(s);
                }
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

    /// The buffer requests are encoded into; [`Self::flush`] sends it.
    pub(crate) fn write_buf(&mut self) -> &mut BytesMut {
        &mut self.write_buf
    }

    /// Records that a Sync (or simple Query) was written: one more ReadyForQuery is due.
    pub(crate) fn expect_ready(&mut self) {
        self.pending_syncs += 1;
    }

    /// Handles a ReadyForQuery read by a request loop outside this module.
    pub(crate) fn on_ready(&mut self, s: TransactionStatus) {
        self.ready(s);
    }

    fn ready(&mut self, s: TransactionStatus) {
        self.tx_status = s;
        self.pending_syncs = self.pending_syncs.saturating_sub(1);
    }

    /// Queues SQL to run before the next request (used by `Drop` of a transaction).
    pub(crate) fn owe_cleanup(&mut self, sql: String) {
        self.owed.push(sql);
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
    ///
    /// While waiting, anything still in the write buffer keeps being sent, so a large
    /// pipeline can be written and its replies read at the same time without either
    /// side blocking the other.
    pub(crate) async fn read(&mut self) -> Result<BackendMessage> {
        std::future::poll_fn(|cx| self.poll_read(cx)).await
    }

    /// [`Self::read`], with the fast path first: a row or one of the frames every
    /// request gets comes back as [`Reply::Fast`], without allocating.
    pub(crate) async fn read_reply(&mut self) -> Result<Reply> {
        std::future::poll_fn(|cx| match self.take_fast() {
            Some(fast) => Poll::Ready(Ok(Reply::Fast(fast))),
            None => self.poll_read(cx).map_ok(Reply::Message),
        })
        .await
    }

    /// Poll form of [`Self::read`], for streams.
    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<Result<BackendMessage>> {
        loop {
            match BackendMessage::decode(&mut self.read_buf, &self.limits) {
                Ok(Some(msg)) => match self.handle_async(msg) {
                    Ok(Some(m)) => return Poll::Ready(Ok(m)),
                    Ok(None) => continue,
                    Err(e) => return Poll::Ready(Err(e)),
                },
                Ok(None) => {}
                Err(e) => return Poll::Ready(Err(self.fail(Error::from(e)))),
            }
            // Need more input. Push out pending writes first (ignoring "would block").
            while !self.write_buf.is_empty() {
                match Pin::new(&mut self.stream).poll_write(cx, &self.write_buf) {
                    Poll::Ready(Ok(0)) => {
                        return Poll::Ready(Err(
                            self.fail(Error::new(ErrorKind::Io, "the server closed the connection"))
                        ));
                    }
                    Poll::Ready(Ok(n)) => self.write_buf.advance(n),
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(self.fail(Error::io(e)))),
                    Poll::Pending => break,
                }
            }
            if let Err(e) = std::task::ready!(self.poll_fill(cx)) {
                return Poll::Ready(Err(e));
            }
        }
    }

    /// Reads until a notification has been queued (nothing else may arrive: call only
    /// with no request in flight).
    pub(crate) fn poll_until_notification(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.notified = false;
        loop {
            match BackendMessage::decode(&mut self.read_buf, &self.limits) {
                Ok(Some(msg)) => match self.handle_async(msg) {
                    Ok(Some(other)) => return Poll::Ready(Err(self.fail(unexpected(&other)))),
                    Ok(None) if self.notified => return Poll::Ready(Ok(())),
                    Ok(None) => continue,
                    Err(e) => return Poll::Ready(Err(e)),
                },
                Ok(None) => {}
                Err(e) => return Poll::Ready(Err(self.fail(Error::from(e)))),
            }
            if let Err(e) = std::task::ready!(self.poll_fill(cx)) {
                return Poll::Ready(Err(e));
            }
        }
    }

    /// Reads more bytes from the socket into the read buffer (at least one, or an error:
    /// end of stream is an error here, since a reply is always expected).
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        if self.read_buf.capacity() - self.read_buf.len() < 4096 {
            self.read_buf.reserve(READ_CHUNK);
        }
        match tokio_util::io::poll_read_buf(Pin::new(&mut self.stream), cx, &mut self.read_buf) {
            Poll::Ready(Ok(0)) => Poll::Ready(Err(self.fail(Error::new(
                ErrorKind::Io,
                "the server closed the connection unexpectedly",
            )))),
            Poll::Ready(Ok(_)) => Poll::Ready(Ok(())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(self.fail(Error::io(e)))),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Deals with messages that may arrive at any time; returns the others.
    fn handle_async(&mut self, msg: BackendMessage) -> Result<Option<BackendMessage>> {
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
                self.notifications.push(Notification {
                    process_id,
                    channel,
                    payload,
                });
                self.notified = true;
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
            other => {
                // Rows never say anything about types: keep the per-row path lean.
                if !matches!(other, BackendMessage::DataRow(_)) {
                    self.observe_types(&other);
                }
                return Ok(Some(other));
            }
        }
        Ok(None)
    }
}

/// The connection's cancel token, and the cancel task started for an abandoned request.
pub(crate) struct CancelState {
    pub(crate) token: CancelToken,
    pub(crate) spawned: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// Armed while a request runs; if dropped armed (the request's future was dropped),
/// sends a cancel from a spawned task.
struct CancelOnDrop(Option<Arc<CancelState>>);

impl CancelOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let Some(state) = self.0.take() else { return };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let token = state.token.clone();
        let handle = rt.spawn(async move {
            if let Err(e) = token.cancel().await {
                tracing::warn!(target: "tusk::cancel", "could not cancel an abandoned query: {e}");
            }
        });
        if let Ok(mut slot) = state.spawned.lock() {
            *slot = Some(handle);
        }
    }
}

/// Encodes Bind (+ Describe portal) + Execute for `stmt` into `buf`, checking every
/// parameter's type first. On error nothing is left in the buffer.
pub(crate) fn encode_bind_execute_into(
    buf: &mut BytesMut,
    stmt: &Statement,
    params: Params<'_>,
    describe_portal: bool,
) -> Result<()> {
    let mark = buf.len();
    let r = encode_bind_into(buf, "", stmt, params).and_then(|_| {
        if describe_portal {
            frontend::describe(buf, Target::Portal, "").map_err(encode_error)?;
        }
        frontend::execute(buf, "", 0).map_err(encode_error)
    });
    if r.is_err() {
        buf.truncate(mark);
    }
    r
}

/// Encodes a Bind of `stmt` into `portal`, checking every parameter's type first. On
/// error nothing is left in the buffer.
pub(crate) fn encode_bind_into(buf: &mut BytesMut, portal: &str, stmt: &Statement, params: Params<'_>) -> Result<()> {
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
    let mut first_format = None;
    let mut uniform = true;
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
        let f = p.format(ty) as i16;
        match first_format {
            None => first_format = Some(f),
            Some(x) if x != f => uniform = false,
            Some(_) => {}
        }
    }
    // One format code for all parameters when they agree (no allocation), else one each.
    let single;
    let many: Vec<i16>;
    let param_formats: &[i16] = if uniform {
        single = first_format.map(|f| [f]);
        single.as_ref().map_or(&[], |s| &s[..])
    } else {
        many = params.iter().zip(types).map(|(p, ty)| p.format(ty) as i16).collect();
        &many
    };
    let mark = buf.len();
    let r = frontend::bind(
        buf,
        portal,
        stmt.name(),
        param_formats,
        params.len(),
        |i, out| match params[i].to_sql(&types[i], out) {
            Ok(IsNull::No) => Ok(true),
            Ok(IsNull::Yes) => Ok(false),
            Err(e) => Err(e),
        },
        stmt.result_formats(),
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
    if r.is_err() {
        buf.truncate(mark);
    }
    r
}

pub(crate) fn result_formats(columns: &[Column]) -> Vec<i16> {
    let mut f: Vec<i16> = columns.iter().map(|c| c.format() as i16).collect();
    if let Some(first) = f.first().copied()
        && f.iter().all(|x| *x == first)
    {
        f.truncate(1);
    }
    f
}

/// Whether an error means a cached statement no longer fits the schema.
pub(crate) fn is_stale_plan(e: &Error) -> bool {
    match e.code() {
        Some("26000") => true,
        Some("0A000") => e.as_db_error().is_some_and(|d| d.message().contains("cached plan")),
        _ => e.kind() == ErrorKind::Protocol && e.to_string().contains(STALE_DESCRIPTION),
    }
}

const STALE_DESCRIPTION: &str = "the statement's result columns changed since it was cached";

fn stale_description() -> Error {
    Error::new(ErrorKind::Protocol, STALE_DESCRIPTION)
}

pub(crate) fn encode_error(e: ProtoError) -> Error {
    Error::with_source(ErrorKind::Encode, "cannot encode the request", e)
}

pub(crate) fn unexpected(m: &BackendMessage) -> Error {
    Error::protocol(format!("unexpected message '{}' from the server", m.tag() as char))
}

/// [`rows_affected`] of a tag still in bytes (any non-UTF-8 tag counts 0 rows).
fn rows_affected_bytes(tag: &[u8]) -> u64 {
    std::str::from_utf8(tag).map_or(0, rows_affected)
}

/// What [`Connection::read_reply`] read.
pub(crate) enum Reply {
    /// A frame of the fast path.
    Fast(Fast),
    /// Any other message.
    Message(BackendMessage),
}

/// A frame taken by [`Connection::take_fast`].
pub(crate) enum Fast {
    /// DataRow.
    Row(tusk_proto::backend::DataRow),
    /// BindComplete.
    BindComplete,
    /// CommandComplete, as rows affected.
    CommandComplete(u64),
    /// ReadyForQuery.
    Ready(TransactionStatus),
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
