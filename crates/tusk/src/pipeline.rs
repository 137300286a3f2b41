//! Explicit pipelining: many statements, one flush, results in order.
//!
//! A [`Pipeline`] encodes each item (Bind + Execute, plus Sync per item or once for the
//! batch) into its own buffer; [`Pipeline::run`] hands that to the connection, which
//! sends it *while* reading the replies, so even tens of thousands of items never
//! deadlock on full socket buffers, and results are handed out one item at a time.
//!
//! ## Sync semantics
//!
//! - [`SyncMode::PerItem`] (default): a Sync after every item. Items are independent:
//!   outside a transaction block each commits on its own, and an error affects only its
//!   own item.
//! - [`SyncMode::Batch`]: one Sync at the end. The batch runs as one implicit
//!   transaction: all or nothing. After an error the server skips the remaining items
//!   (they report [`ErrorKind::Cancelled`]) and rolls back the earlier ones, whose
//!   results were already read but whose effects are undone.
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
//! use tusk::pipeline::SyncMode;
//! let insert = conn.prepare("INSERT INTO t VALUES ($1)").await?;
//! let mut p = conn.pipeline(SyncMode::Batch);
//! for i in 0..10_000i32 {
//!     p.add(&insert, &[&i])?;
//! }
//! let results = p.run().await?;
//! assert!(results.iter().all(|r| r.is_ok()));
//! # Ok(()) }
//! ```

use crate::connection::{Connection, Fast, Params, encode_bind_execute_into, rows_affected, unexpected};
use crate::error::{DbError, Error, ErrorKind, Result};
use crate::row::Row;
use crate::statement::Statement;
use bytes::BytesMut;
use tusk_proto::backend::{BackendMessage, DataRow, TransactionStatus};
use tusk_proto::frontend;

/// Where a pipeline puts its Syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncMode {
    /// A Sync after each item: items succeed or fail independently.
    #[default]
    PerItem,
    /// One Sync for the whole batch: one implicit transaction, all or nothing.
    Batch,
}

/// The outcome of one pipeline item.
#[derive(Debug, Clone, Default)]
pub struct PipelineResult {
    /// Rows the item returned (empty for statements without results).
    pub rows: Vec<Row>,
    /// Rows affected or returned, from the command tag.
    pub rows_affected: u64,
}

/// A batch of statements sent with one flush. See the [module docs](self).
pub struct Pipeline<'c> {
    conn: &'c mut Connection,
    mode: SyncMode,
    buf: BytesMut,
    /// For each item, its statement's index in `statements`.
    items: Vec<u32>,
    /// The items' statements (consecutive repeats stored once); keeps them alive, and
    /// so not closed, until the pipeline has run.
    statements: Vec<Statement>,
}

impl Connection {
    /// Starts an explicit pipeline on this connection.
    pub fn pipeline(&mut self, mode: SyncMode) -> Pipeline<'_> {
        Pipeline {
            conn: self,
            mode,
            buf: BytesMut::new(),
            items: Vec::new(),
            statements: Vec::new(),
        }
    }
}

impl<'c> Pipeline<'c> {
    /// Queues a prepared statement with its parameters (checked and encoded now, sent
    /// by [`Pipeline::run`]).
    pub fn add(&mut self, statement: &Statement, params: Params<'_>) -> Result<usize> {
        if statement.connection_id() != self.conn.id() {
            return Err(Error::new(
                ErrorKind::Encode,
                "this statement was prepared on a different connection",
            ));
        }
        encode_bind_execute_into(&mut self.buf, statement, params, false)?;
        if self.mode == SyncMode::PerItem {
            frontend::sync(&mut self.buf);
        }
        if self.statements.last().is_none_or(|s| s.name() != statement.name()) {
            self.statements.push(statement.clone());
        }
        self.items.push((self.statements.len() - 1) as u32);
        Ok(self.items.len() - 1)
    }

    /// Queues SQL text, preparing it through the statement cache first if needed
    /// (that costs one round trip, only the first time a text is seen).
    pub async fn add_sql(&mut self, sql: &str, params: Params<'_>) -> Result<usize> {
        let stmt = self.conn.cached_statement(sql).await?;
        self.add(&stmt, params)
    }

    /// How many items are queued.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sends everything and collects every item's result, in order. The outer error is
    /// for the connection failing; each item has its own result.
    pub async fn run(self) -> Result<Vec<Result<PipelineResult>>> {
        let mut out = Vec::with_capacity(self.items.len());
        let mut responses = self.send().await?;
        while let Some(r) = responses.next().await? {
            out.push(r);
        }
        Ok(out)
    }

    /// Sends everything and returns a reader that yields the results one item at a
    /// time, so memory holds only the current item's rows.
    pub async fn send(mut self) -> Result<PipelineResponses<'c>> {
        let syncs = match self.mode {
            SyncMode::PerItem => self.items.len(),
            SyncMode::Batch if self.items.is_empty() => 0,
            SyncMode::Batch => {
                frontend::sync(&mut self.buf);
                1
            }
        };
        self.conn.begin_request().await?;
        self.conn.write_buf().unsplit(self.buf);
        for _ in 0..syncs {
            self.conn.expect_ready();
        }
        Ok(PipelineResponses {
            conn: self.conn,
            mode: self.mode,
            items: self.items.into_iter(),
            statements: self.statements,
            failed: None,
            syncs_left: syncs,
        })
    }
}

/// Results of a sent pipeline, item by item.
pub struct PipelineResponses<'c> {
    conn: &'c mut Connection,
    mode: SyncMode,
    items: std::vec::IntoIter<u32>,
    statements: Vec<Statement>,
    /// In batch mode, the error that made the server skip the rest.
    failed: Option<String>,
    syncs_left: usize,
}

impl PipelineResponses<'_> {
    /// The next item's result, or `None` when all are read. An `Err` from this
    /// method means the connection failed; the item's own error is the inner result.
    pub async fn next(&mut self) -> Result<Option<Result<PipelineResult>>> {
        let Some(statement) = self.items.next() else {
            // Batch mode: the final ReadyForQuery is still due.
            while self.syncs_left > 0 {
                if let BackendMessage::ReadyForQuery(s) = self.conn.read().await? {
                    self.conn.on_ready(s);
                    self.syncs_left -= 1;
                }
            }
            return Ok(None);
        };
        if let Some(first) = &self.failed {
            return Ok(Some(Err(Error::new(
                ErrorKind::Cancelled,
                format!("skipped: an earlier item of the batch failed ({first})"),
            ))));
        }
        let columns = self.statements[statement as usize].columns_arc();
        let mut result = PipelineResult::default();
        let mut error = None;
        loop {
            // Rows and the frames every item gets take the allocation-free path; the
            // rest (errors, notices, anything unusual) the general one.
            let event = match self.conn.take_fast() {
                Some(Fast::Row(row)) => Event::Row(row),
                Some(Fast::BindComplete) => continue,
                Some(Fast::CommandComplete(n)) => Event::Complete(n),
                Some(Fast::Ready(s)) => Event::Ready(s),
                None => match self.conn.read().await? {
                    BackendMessage::BindComplete => continue,
                    BackendMessage::DataRow(row) => Event::Row(row),
                    BackendMessage::CommandComplete { tag } => Event::Complete(rows_affected(&tag)),
                    BackendMessage::EmptyQueryResponse | BackendMessage::PortalSuspended => Event::Complete(0),
                    BackendMessage::ErrorResponse(f) => {
                        Event::Failed(Error::db(ErrorKind::Server, DbError::from_fields(f)))
                    }
                    BackendMessage::ReadyForQuery(s) => Event::Ready(s),
                    other => return Err(self.conn.fail(unexpected(&other))),
                },
            };
            match event {
                Event::Row(row) => {
                    let row = self.conn.make_row(columns.clone(), row)?;
                    result.rows.push(row);
                }
                Event::Complete(n) => {
                    result.rows_affected = n;
                    if self.mode == SyncMode::Batch {
                        return Ok(Some(Ok(result)));
                    }
                }
                Event::Failed(e) => {
                    if self.mode == SyncMode::Batch {
                        // The server now skips to the Sync; remaining items are cancelled.
                        self.failed = Some(e.to_string());
                        return Ok(Some(Err(e)));
                    }
                    error = Some(e);
                }
                Event::Ready(s) => {
                    self.conn.on_ready(s);
                    self.syncs_left -= 1;
                    return Ok(Some(match error {
                        Some(e) => Err(e),
                        None => Ok(result),
                    }));
                }
            }
        }
    }
}

/// What a reply means to the item being read.
enum Event {
    Row(DataRow),
    /// The item's statement finished, with this many rows affected.
    Complete(u64),
    Failed(Error),
    Ready(TransactionStatus),
}
