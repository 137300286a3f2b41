//! [`Client`]: a connection shared by many tasks, with their queries pipelined.
//!
//! `Client::connect` spawns one task on the current tokio runtime that owns the
//! [`Connection`]. Each query is encoded by the task that calls it (Bind, Execute,
//! Sync into a small buffer) and handed to the connection task, which appends it to the
//! outgoing stream straight away — without waiting for earlier queries to finish — and
//! routes each reply back in order. Many tasks' queries therefore share round trips.
//!
//! - `Client` is `Clone + Send + Sync`; clones share the connection. Dropping one clone
//!   affects no other; dropping the last ends the session cleanly (Terminate).
//! - At most [`ClientOptions::max_in_flight`] requests are on the wire at once; further
//!   callers wait (backpressure), so memory stays bounded.
//! - SQL text is prepared once per client (a shared statement cache) and then costs one
//!   round trip; stale cached statements heal as on [`Connection`].
//! - There is no user-visible driver future to spawn.
//!
//! ```no_run
//! # async fn f() -> tusk::Result<()> {
//! let client = tusk::Client::connect("postgres://app@localhost/app").await?;
//! let mut tasks = Vec::new();
//! for i in 0..64i32 {
//!     let c = client.clone();
//!     tasks.push(tokio::spawn(async move { c.query_one("SELECT $1::int4 * 2", &[&i]).await }));
//! }
//! for (i, t) in tasks.into_iter().enumerate() {
//!     let row = t.await.expect("task")?;
//!     assert_eq!(row.get::<i32>(0)?, i as i32 * 2);
//! }
//! # Ok(()) }
//! ```

use crate::config::Config;
use crate::connection::{
    Connection, Fast, Params, Reply, SimpleQueryMessage, encode_bind_execute_into, is_stale_plan, rows_affected,
};
use crate::error::{DbError, Error, ErrorKind, Result};
use crate::row::{Column, Row};
use crate::statement::Statement;
use bytes::BytesMut;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tusk_proto::backend::BackendMessage;
use tusk_proto::frontend;
use tusk_proto::frontend::ProtocolVersion;

/// Tuning for [`Client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Most requests on the wire at once (default 8192); callers beyond wait.
    pub max_in_flight: usize,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions { max_in_flight: 8192 }
    }
}

/// A cloneable handle to a connection driven by a background task. See the
/// [module docs](self).
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    tx: mpsc::Sender<Request>,
    statements: Mutex<HashMap<String, Statement>>,
    notifications: Mutex<Option<crate::notify::NotificationStream>>,
    cache_size: usize,
    protocol: ProtocolVersion,
    process_id: i32,
    server_version: Option<String>,
}

enum Request {
    Execute {
        bytes: BytesMut,
        columns: Arc<[Column]>,
        reply: oneshot::Sender<Result<(Vec<Row>, u64)>>,
    },
    Simple {
        bytes: BytesMut,
        reply: oneshot::Sender<Result<Vec<SimpleQueryMessage>>>,
    },
    Prepare {
        sql: String,
        fresh: bool,
        reply: oneshot::Sender<Result<Statement>>,
    },
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("process_id", &self.shared.process_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects (URL or key=value string, PG* variables for the rest) and spawns the
    /// connection task on the current tokio runtime.
    pub async fn connect(conninfo: &str) -> Result<Client> {
        let config = Config::parse(conninfo)?.with_env_defaults()?;
        Client::connect_with(&config, ClientOptions::default()).await
    }

    /// Connects with a ready [`Config`] and options.
    pub async fn connect_with(config: &Config, options: ClientOptions) -> Result<Client> {
        let conn = Connection::connect_with(config).await?;
        Ok(Client::from_connection(
            conn,
            options,
            config.get_statement_cache_size(),
        ))
    }

    /// Wraps an open [`Connection`] (must be called inside a tokio runtime).
    pub fn new(conn: Connection, options: ClientOptions) -> Client {
        Client::from_connection(conn, options, crate::config::DEFAULT_STATEMENT_CACHE_SIZE)
    }

    fn from_connection(mut conn: Connection, options: ClientOptions, cache_size: usize) -> Client {
        let notifications = conn.notification_stream();
        let max = options.max_in_flight.max(1);
        let (tx, rx) = mpsc::channel(max);
        let shared = Arc::new(Shared {
            tx,
            statements: Mutex::new(HashMap::new()),
            notifications: Mutex::new(notifications),
            cache_size,
            protocol: conn.protocol_version(),
            process_id: conn.backend_pid(),
            server_version: conn.server_version().map(str::to_owned),
        });
        tokio::spawn(drive(conn, rx, max));
        Client { shared }
    }

    /// The negotiated protocol version.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.shared.protocol
    }

    /// The backend's process id.
    pub fn backend_pid(&self) -> i32 {
        self.shared.process_id
    }

    /// The server version reported at connect time.
    pub fn server_version(&self) -> Option<&str> {
        self.shared.server_version.as_deref()
    }

    /// Whether the connection task has ended (the connection closed or broke).
    pub fn is_closed(&self) -> bool {
        self.shared.tx.is_closed()
    }

    /// Takes the stream of LISTEN notifications (once; `None` afterwards). The client's
    /// task reads all the time, so notifications arrive even while no query runs.
    pub fn notification_stream(&self) -> Option<crate::notify::NotificationStream> {
        self.shared.notifications.lock().ok()?.take()
    }

    /// `LISTEN` on a channel (quoted).
    pub async fn listen(&self, channel: &str) -> Result<()> {
        self.batch_execute(&format!("LISTEN {}", crate::notify::quote_ident(channel)))
            .await
    }

    /// `UNLISTEN` a channel (quoted).
    pub async fn unlisten(&self, channel: &str) -> Result<()> {
        self.batch_execute(&format!("UNLISTEN {}", crate::notify::quote_ident(channel)))
            .await
    }

    /// Sends a notification through `pg_notify` (channel and payload as parameters).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        self.execute("SELECT pg_notify($1, $2)", &[&channel, &payload])
            .await
            .map(drop)
    }

    /// Prepares a statement (on the shared connection).
    pub async fn prepare(&self, sql: &str) -> Result<Statement> {
        self.prepare_inner(sql, false).await
    }

    async fn prepare_inner(&self, sql: &str, fresh: bool) -> Result<Statement> {
        let (reply, rx) = oneshot::channel();
        self.send(Request::Prepare {
            sql: sql.to_string(),
            fresh,
            reply,
        })
        .await?;
        rx.await.map_err(|_| closed())?
    }

    async fn statement(&self, sql: &str, fresh: bool) -> Result<Statement> {
        if !fresh && let Some(s) = self.shared.statements.lock().map_err(|_| poisoned())?.get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.prepare_inner(sql, fresh).await?;
        if self.shared.cache_size > 0 {
            let mut map = self.shared.statements.lock().map_err(|_| poisoned())?;
            if map.len() >= self.shared.cache_size {
                map.clear();
            }
            map.insert(sql.to_string(), stmt.clone());
        }
        Ok(stmt)
    }

    /// Runs SQL text or a statement and returns all rows.
    pub async fn query(&self, statement: impl ClientStatement, params: Params<'_>) -> Result<Vec<Row>> {
        self.run(statement, params).await.map(|(rows, _)| rows)
    }

    /// Runs a statement that must return exactly one row.
    pub async fn query_one(&self, statement: impl ClientStatement, params: Params<'_>) -> Result<Row> {
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
    pub async fn query_opt(&self, statement: impl ClientStatement, params: Params<'_>) -> Result<Option<Row>> {
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

    /// Runs a statement and returns the number of rows it affected.
    pub async fn execute(&self, statement: impl ClientStatement, params: Params<'_>) -> Result<u64> {
        self.run(statement, params).await.map(|(_, n)| n)
    }

    /// Runs SQL with the simple query protocol (several statements, text results).
    pub async fn simple_query(&self, sql: &str) -> Result<Vec<SimpleQueryMessage>> {
        let mut bytes = BytesMut::new();
        frontend::query(&mut bytes, sql).map_err(crate::connection::encode_error)?;
        let (reply, rx) = oneshot::channel();
        self.send(Request::Simple { bytes, reply }).await?;
        rx.await.map_err(|_| closed())?
    }

    /// Runs SQL with the simple query protocol, discarding rows.
    pub async fn batch_execute(&self, sql: &str) -> Result<()> {
        self.simple_query(sql).await.map(drop)
    }

    async fn run(&self, statement: impl ClientStatement, params: Params<'_>) -> Result<(Vec<Row>, u64)> {
        match statement.source() {
            ClientSource::Prepared(stmt) => self.execute_statement(stmt, params).await,
            ClientSource::Sql(sql) => {
                let stmt = self.statement(sql, false).await?;
                match self.execute_statement(&stmt, params).await {
                    Err(e) if is_stale_plan(&e) => {
                        // The schema changed under a cached statement: prepare afresh, once.
                        if let Ok(mut map) = self.shared.statements.lock() {
                            map.remove(sql);
                        }
                        let stmt = self.statement(sql, true).await?;
                        self.execute_statement(&stmt, params).await
                    }
                    r => r,
                }
            }
        }
    }

    async fn execute_statement(&self, stmt: &Statement, params: Params<'_>) -> Result<(Vec<Row>, u64)> {
        let mut bytes = BytesMut::with_capacity(64);
        encode_bind_execute_into(&mut bytes, stmt, params, false)?;
        frontend::sync(&mut bytes);
        let (reply, rx) = oneshot::channel();
        self.send(Request::Execute {
            bytes,
            columns: stmt.columns_arc().clone(),
            reply,
        })
        .await?;
        // Outside tokio's cooperative budget: with thousands of queries awaited in one
        // task, the budget would turn most of these polls into spurious wake-ups.
        tokio::task::unconstrained(rx).await.map_err(|_| closed())?
    }

    async fn send(&self, r: Request) -> Result<()> {
        // Fast path without touching the semaphore's wait queue; wait only when full.
        match self.shared.tx.try_send(r) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(closed()),
            Err(mpsc::error::TrySendError::Full(r)) => self.shared.tx.send(r).await.map_err(|_| closed()),
        }
    }
}

/// SQL text or a [`Statement`], for [`Client`] methods.
pub trait ClientStatement: Send {
    #[doc(hidden)]
    fn source(&self) -> ClientSource<'_>;
}

#[doc(hidden)]
pub enum ClientSource<'a> {
    Sql(&'a str),
    Prepared(&'a Statement),
}

impl ClientStatement for &str {
    fn source(&self) -> ClientSource<'_> {
        ClientSource::Sql(self)
    }
}
impl ClientStatement for &String {
    fn source(&self) -> ClientSource<'_> {
        ClientSource::Sql(self)
    }
}
impl ClientStatement for &Statement {
    fn source(&self) -> ClientSource<'_> {
        ClientSource::Prepared(self)
    }
}

fn closed() -> Error {
    Error::new(ErrorKind::Closed, "the client's connection is closed")
}

fn poisoned() -> Error {
    Error::new(
        ErrorKind::Closed,
        "the client's statement cache lock was poisoned by a panic",
    )
}

/// A request on the wire, waiting for its replies.
enum InFlight {
    Rows {
        columns: Arc<[Column]>,
        rows: Vec<Row>,
        affected: u64,
        error: Option<Error>,
        reply: oneshot::Sender<Result<(Vec<Row>, u64)>>,
    },
    Simple {
        columns: Option<Arc<[Column]>>,
        out: Vec<SimpleQueryMessage>,
        error: Option<Error>,
        reply: oneshot::Sender<Result<Vec<SimpleQueryMessage>>>,
    },
}

/// The connection task: accepts requests while there is room, reads replies, routes them.
async fn drive(mut conn: Connection, mut rx: mpsc::Receiver<Request>, max: usize) {
    let mut inflight: VecDeque<InFlight> = VecDeque::new();
    let mut closing = false;
    loop {
        if closing && inflight.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            // Always reading, even with nothing in flight, so notifications keep flowing
            // (and a server that goes away is noticed).
            reply = conn.read_reply() => {
                let mut routed = match reply {
                    Ok(Reply::Fast(fast)) => route_fast(&mut conn, &mut inflight, fast),
                    Ok(Reply::Message(m)) => route(&mut conn, &mut inflight, m),
                    Err(e) => Err(e),
                };
                // Route every complete reply already buffered before looking at the
                // socket and the request queue again.
                while routed.is_ok()
                    && let Some(fast) = conn.take_fast()
                {
                    routed = route_fast(&mut conn, &mut inflight, fast);
                }
                if let Err(e) = routed {
                    fail_all(&mut inflight, &e);
                    return;
                }
            }
            req = rx.recv(), if !closing && inflight.len() < max => {
                let Some(mut req) = req else {
                    closing = true;
                    continue;
                };
                // Take every request already queued (up to the bound) before going back
                // to the socket, so they leave in one write rather than one each.
                loop {
                    if !accept(&mut conn, &mut inflight, req).await {
                        return;
                    }
                    if inflight.len() >= max {
                        break;
                    }
                    match rx.try_recv() {
                        Ok(next) => req = next,
                        Err(mpsc::error::TryRecvError::Empty) => break,
                        Err(mpsc::error::TryRecvError::Disconnected) => {
                            closing = true;
                            break;
                        }
                    }
                }
            }
            else => break,
        }
    }
    let _ = conn.close().await;
}

/// Puts a request on the wire (in the write buffer, sent with the next read). Returns
/// `false` if the connection failed and the task must end.
async fn accept(conn: &mut Connection, inflight: &mut VecDeque<InFlight>, req: Request) -> bool {
    match req {
        Request::Execute { bytes, columns, reply } => {
            conn.write_buf().unsplit(bytes);
            conn.expect_ready();
            inflight.push_back(InFlight::Rows {
                columns,
                rows: Vec::new(),
                affected: 0,
                error: None,
                reply,
            });
        }
        Request::Simple { bytes, reply } => {
            conn.write_buf().unsplit(bytes);
            conn.expect_ready();
            inflight.push_back(InFlight::Simple {
                columns: None,
                out: Vec::new(),
                error: None,
                reply,
            });
        }
        Request::Prepare { sql, fresh, reply } => {
            // Prepare needs the connection to itself: finish what is in flight.
            while !inflight.is_empty() {
                let r = match conn.read().await {
                    Ok(m) => route(conn, inflight, m),
                    Err(e) => Err(e),
                };
                if let Err(e) = r {
                    fail_all(inflight, &e);
                    let _ = reply.send(Err(clone_error(&e)));
                    return false;
                }
            }
            if fresh {
                conn.cache.remove(&sql);
            }
            let _ = reply.send(conn.cached_statement(&sql).await);
        }
    }
    true
}

/// Routes a reply taken by the fast path (rows and the frames every request gets).
fn route_fast(conn: &mut Connection, inflight: &mut VecDeque<InFlight>, fast: Fast) -> Result<()> {
    match fast {
        Fast::Row(row) => route(conn, inflight, BackendMessage::DataRow(row)),
        Fast::BindComplete => Ok(()),
        Fast::Ready(s) => route(conn, inflight, BackendMessage::ReadyForQuery(s)),
        Fast::CommandComplete(n) => match inflight.front_mut() {
            Some(front) => {
                completed(front, n);
                Ok(())
            }
            None => Err(conn.fail(Error::protocol("CommandComplete with no request in flight"))),
        },
    }
}

/// Records a CommandComplete (`n` rows) for the request at the front.
fn completed(front: &mut InFlight, n: u64) {
    match front {
        InFlight::Rows { affected, .. } => *affected = n,
        InFlight::Simple { columns, out, .. } => {
            out.push(SimpleQueryMessage::CommandComplete(n));
            *columns = None;
        }
    }
}

fn route(conn: &mut Connection, inflight: &mut VecDeque<InFlight>, msg: BackendMessage) -> Result<()> {
    let Some(front) = inflight.front_mut() else {
        return Err(conn.fail(crate::connection::unexpected(&msg)));
    };
    match (front, msg) {
        (
            InFlight::Rows {
                columns, rows, error, ..
            },
            BackendMessage::DataRow(r),
        ) => {
            if error.is_none() {
                rows.push(conn.make_row(columns.clone(), r)?);
            }
        }
        (front, BackendMessage::CommandComplete { tag }) => completed(front, rows_affected(&tag)),
        (InFlight::Rows { error, .. }, BackendMessage::ErrorResponse(f)) => {
            error.get_or_insert(Error::db(ErrorKind::Server, DbError::from_fields(f)));
        }
        (InFlight::Simple { columns, out, .. }, BackendMessage::RowDescription(fields)) => {
            let cols: Arc<[Column]> = fields
                .iter()
                .map(|f| Column::from_field(f, tusk_types::Format::Text))
                .collect();
            out.push(SimpleQueryMessage::RowDescription(cols.clone()));
            *columns = Some(cols);
        }
        (InFlight::Simple { columns, out, .. }, BackendMessage::DataRow(r)) => {
            let Some(cols) = columns.clone() else {
                return Err(conn.fail(Error::protocol("DataRow without RowDescription")));
            };
            out.push(SimpleQueryMessage::Row(conn.make_row(cols, r)?));
        }
        (InFlight::Simple { error, .. }, BackendMessage::ErrorResponse(f)) => {
            error.get_or_insert(Error::db(ErrorKind::Server, DbError::from_fields(f)));
        }
        (_, BackendMessage::ReadyForQuery(s)) => {
            conn.on_ready(s);
            match inflight.pop_front() {
                Some(InFlight::Rows {
                    rows,
                    affected,
                    error,
                    reply,
                    ..
                }) => {
                    let _ = reply.send(match error {
                        Some(e) => Err(e),
                        None => Ok((rows, affected)),
                    });
                }
                Some(InFlight::Simple { out, error, reply, .. }) => {
                    let _ = reply.send(match error {
                        Some(e) => Err(e),
                        None => Ok(out),
                    });
                }
                None => {}
            }
        }
        (_, BackendMessage::CopyInResponse(_)) => {
            frontend::copy_fail(conn.write_buf(), "COPY FROM STDIN is not supported through Client")
                .map_err(crate::connection::encode_error)?;
        }
        (
            _,
            BackendMessage::BindComplete
            | BackendMessage::ParseComplete
            | BackendMessage::EmptyQueryResponse
            | BackendMessage::PortalSuspended
            | BackendMessage::CopyOutResponse(_)
            | BackendMessage::CopyData(_)
            | BackendMessage::CopyDone,
        ) => {}
        (_, other) => return Err(conn.fail(crate::connection::unexpected(&other))),
    }
    Ok(())
}

fn clone_error(e: &Error) -> Error {
    match e.as_db_error() {
        Some(db) => Error::db(e.kind(), db.clone()),
        None => Error::new(e.kind(), e.to_string()),
    }
}

fn fail_all(inflight: &mut VecDeque<InFlight>, e: &Error) {
    for f in inflight.drain(..) {
        match f {
            InFlight::Rows { reply, .. } => {
                let _ = reply.send(Err(clone_error(e)));
            }
            InFlight::Simple { reply, .. } => {
                let _ = reply.send(Err(clone_error(e)));
            }
        }
    }
}
