//! Rows as they arrive, and portals fetched a few rows at a time.
//!
//! [`Connection::query_stream`] returns a [`RowStream`] that hands out each row as soon
//! as it is decoded; memory holds one read buffer, not the result. Dropping the stream
//! before its end is safe: the connection remembers the reply is unfinished and the
//! next request first reads and discards the rest (drains). Draining keeps the session
//! and its transaction intact, which a cancel would not; for a huge result you want to
//! abandon, use a portal ([`Connection::bind`] + [`Connection::fetch`]) instead, which
//! never asks for more than you fetch.
//!
//! Rows come two ways. [`RowStream::next`] gives an owned [`Row`] (it shares the read
//! buffer by reference count, so keeping it costs no copy). [`RowStream::next_ref`]
//! gives a [`RowRef`] that borrows the buffer in place until the next
//! call: no reference counting per row, the cheapest way through a large result
//! (about 10 % fewer instructions per row in `tusk-bench bigread`).
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
//! let mut rows = conn.query_stream("SELECT g FROM generate_series(1, 1000000) g", &[]).await?;
//! let mut sum = 0i64;
//! while let Some(row) = rows.next().await {
//!     sum += i64::from(row?.get::<i32>(0)?);
//! }
//! # Ok(()) }
//! ```

use crate::connection::{
    Connection, Params, StatementSource, ToStatement, encode_bind_into, encode_error, is_stale_plan, rows_affected,
    unexpected,
};
use crate::error::{DbError, Error, ErrorKind, Result};
use crate::row::{Column, Row, RowRef};
use crate::statement::Statement;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use tusk_proto::backend::{BackendMessage, DataRow, TransactionStatus};
use tusk_proto::frontend::{self, Target};

/// A stream of rows from [`Connection::query_stream`]; also a `futures_core::Stream`.
pub struct RowStream<'c> {
    conn: &'c mut Connection,
    columns: Arc<[Column]>,
    sql: Option<String>,
    error: Option<Error>,
    rows_affected: u64,
    done: bool,
    /// The length of the DataRow frame that the last [`RowStream::next_ref`] row
    /// borrows at the front of the read buffer (0: none).
    in_place: usize,
    /// The last `next_ref` row, when it came through the general read path.
    held: Option<DataRow>,
    /// Where each value of the last `next_ref` row is (reused row to row).
    offsets: Vec<u32>,
}

impl RowStream<'_> {
    /// The next row, or `None` at the end.
    pub async fn next(&mut self) -> Option<Result<Row>> {
        self.release();
        // A row already whole in the read buffer (the common case in a large result)
        // needs no trip through the poll machinery.
        match self.buffered_row() {
            Some(len) => Some(self.own_row(Next::Buffered(len))),
            None => std::future::poll_fn(|cx| self.poll_row(cx)).await,
        }
    }

    /// The length of the DataRow frame at the front of the read buffer, if the next
    /// row is already whole there.
    #[inline]
    fn buffered_row(&self) -> Option<usize> {
        if self.done || self.error.is_some() {
            return None;
        }
        self.conn.buffered_data_row_len()
    }

    /// The owned [`Row`] of what [`Self::poll_next_row`] found.
    #[inline]
    fn own_row(&mut self, next: Next) -> Result<Row> {
        let row = match next {
            Next::Buffered(len) => self.conn.take_data_row(len),
            Next::Held(row) => row,
        };
        self.conn.make_row(self.columns.clone(), row)
    }

    /// The result's columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Rows affected or returned, known once the stream has ended.
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }

    /// The next row read in place: it borrows the connection's read buffer, so it must
    /// be dropped before the stream moves on (the borrow checker sees to that). This
    /// is the cheapest way through a large result: no reference counting, no copy per
    /// row. Use [`RowStream::next`] for rows to keep.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut rows = conn.query_stream("SELECT g FROM generate_series(1, 1000000) g", &[]).await?;
    /// let mut sum = 0i64;
    /// while let Some(row) = rows.next_ref().await {
    ///     sum += i64::from(row?.get::<i32>(0)?);
    /// }
    /// assert_eq!(sum, 500_000_500_000);
    /// # Ok(()) }
    /// ```
    pub async fn next_ref(&mut self) -> Option<Result<RowRef<'_>>> {
        self.release();
        let next = match self.buffered_row() {
            Some(len) => Next::Buffered(len),
            None => match std::future::poll_fn(|cx| self.poll_next_row(cx)).await? {
                Ok(next) => next,
                Err(e) => return Some(Err(e)),
            },
        };
        // Exactly one of the two holds the row until the next call (see `release`).
        match next {
            Next::Buffered(len) => self.in_place = len,
            Next::Held(row) => self.held = Some(row),
        }
        let body = current_body(self.conn, &self.held, self.in_place);
        if let Err(e) = RowRef::check(&self.columns, body, &mut self.offsets) {
            self.done = true;
            return Some(Err(self.conn.fail(e)));
        }
        let body = current_body(self.conn, &self.held, self.in_place);
        Some(Ok(RowRef::from_parts(&self.columns, body, &self.offsets)))
    }

    /// Drops the row [`RowStream::next_ref`] handed out last.
    #[inline]
    fn release(&mut self) {
        if self.in_place > 0 {
            self.conn.consume(self.in_place);
            self.in_place = 0;
        }
        if self.held.is_some() {
            self.held = None;
        }
    }

    fn poll_row(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Row>>> {
        self.release();
        Poll::Ready(match ready!(self.poll_next_row(cx)) {
            None => None,
            Some(Err(e)) => Some(Err(e)),
            Some(Ok(next)) => Some(self.own_row(next)),
        })
    }

    /// Reads up to the next row; other messages are dealt with on the way.
    #[inline]
    fn poll_next_row(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Next>>> {
        loop {
            if let Some(len) = self.buffered_row() {
                return Poll::Ready(Some(Ok(Next::Buffered(len))));
            }
            if self.done {
                return Poll::Ready(None);
            }
            let msg = match ready!(self.conn.poll_read(cx)) {
                Ok(m) => m,
                Err(e) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            };
            match msg {
                BackendMessage::DataRow(row) if self.error.is_none() => {
                    return Poll::Ready(Some(Ok(Next::Held(row))));
                }
                BackendMessage::DataRow(_)
                | BackendMessage::BindComplete
                | BackendMessage::EmptyQueryResponse
                | BackendMessage::PortalSuspended => {}
                BackendMessage::CommandComplete { tag } => self.rows_affected = rows_affected(&tag),
                BackendMessage::ErrorResponse(f) => {
                    let e = Error::db(ErrorKind::Server, DbError::from_fields(f));
                    if is_stale_plan(&e)
                        && let Some(sql) = &self.sql
                    {
                        self.conn.cache.remove(sql);
                    }
                    self.error = Some(e);
                }
                BackendMessage::ReadyForQuery(s) => {
                    self.conn.on_ready(s);
                    self.done = true;
                    return Poll::Ready(self.error.take().map(Err));
                }
                other => {
                    self.done = true;
                    return Poll::Ready(Some(Err(self.conn.fail(unexpected(&other)))));
                }
            }
        }
    }
}

/// The body of the row [`RowStream::next_ref`] hands out: the held one, else the frame
/// of `in_place` bytes at the front of the read buffer. (A function of the fields, not
/// a method, so that the stream's offsets buffer can be borrowed beside it.)
fn current_body<'a>(conn: &'a Connection, held: &'a Option<DataRow>, in_place: usize) -> &'a [u8] {
    match held {
        Some(row) => row.body(),
        None => conn.buffered_data_row_body(in_place),
    }
}

/// Where the next row is.
enum Next {
    /// A whole DataRow frame of this length at the front of the read buffer.
    Buffered(usize),
    /// A row read through the general path.
    Held(DataRow),
}

impl futures_core::Stream for RowStream<'_> {
    type Item = Result<Row>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Row>>> {
        self.get_mut().poll_row(cx)
    }
}

/// A portal: a bound statement whose rows are fetched in pieces. Lives until the end
/// of the transaction it was bound in (or [`Connection::close_portal`]).
#[derive(Debug)]
pub struct Portal {
    name: String,
    statement: Statement,
    done: bool,
}

impl Portal {
    /// Whether every row has been fetched.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The result's columns.
    pub fn columns(&self) -> &[Column] {
        self.statement.columns()
    }
}

impl Connection {
    /// Runs a statement and streams its rows as they arrive (O(1) memory).
    pub async fn query_stream<S: ToStatement + ?Sized>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<RowStream<'_>> {
        let (stmt, sql) = match statement.as_source() {
            StatementSource::Prepared(s) => {
                self.check_owner(s)?;
                (s.clone(), None)
            }
            StatementSource::Sql(sql) => (self.statement_for(sql).await?.0, Some(sql.to_string())),
        };
        self.begin_request().await?;
        let reparse = stmt.name().is_empty() && sql.is_some();
        self.start_execute(&stmt, params, reparse)?;
        Ok(RowStream {
            columns: stmt.columns_arc().clone(),
            conn: self,
            sql,
            error: None,
            rows_affected: 0,
            done: false,
            in_place: 0,
            held: None,
            offsets: Vec::new(),
        })
    }

    /// Binds a statement into a named portal, to [`fetch`](Self::fetch) its rows a few
    /// at a time. Only inside a transaction block (portals end with the transaction).
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// conn.batch_execute("BEGIN").await?;
    /// let mut portal = conn.bind("SELECT g FROM generate_series(1, 10) g", &[]).await?;
    /// while !portal.is_done() {
    ///     let rows = conn.fetch(&mut portal, 4).await?;   // 4, 4, then 2 rows
    ///     println!("{} rows", rows.len());
    /// }
    /// conn.batch_execute("COMMIT").await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind<S: ToStatement + ?Sized>(&mut self, statement: &S, params: Params<'_>) -> Result<Portal> {
        let stmt = match statement.as_source() {
            StatementSource::Prepared(s) => {
                self.check_owner(s)?;
                s.clone()
            }
            StatementSource::Sql(sql) => self.cached_statement(sql).await?,
        };
        self.begin_request().await?;
        if self.transaction_status() != TransactionStatus::InTransaction {
            return Err(Error::new(
                ErrorKind::Encode,
                "portals live only inside a transaction block: run BEGIN first",
            ));
        }
        let name = self.next_portal_name();
        encode_bind_into(self.write_buf(), &name, &stmt, params)?;
        frontend::sync(self.write_buf());
        self.expect_ready();
        self.simple_replies().await?;
        Ok(Portal {
            name,
            statement: stmt,
            done: false,
        })
    }

    /// Fetches up to `max_rows` more rows from a portal (at least 1). Returns an empty
    /// vector once the portal is done.
    pub async fn fetch(&mut self, portal: &mut Portal, max_rows: u32) -> Result<Vec<Row>> {
        if portal.done {
            return Ok(Vec::new());
        }
        self.begin_request().await?;
        let limit = max_rows.clamp(1, i32::MAX as u32) as i32;
        frontend::execute(self.write_buf(), &portal.name, limit).map_err(encode_error)?;
        frontend::sync(self.write_buf());
        self.expect_ready();
        let columns = portal.statement.columns_arc().clone();
        let mut rows = Vec::new();
        let mut error = None;
        loop {
            match self.read().await? {
                BackendMessage::DataRow(r) => rows.push(self.make_row(columns.clone(), r)?),
                BackendMessage::PortalSuspended => {}
                BackendMessage::CommandComplete { .. } | BackendMessage::EmptyQueryResponse => portal.done = true,
                BackendMessage::ErrorResponse(f) => {
                    portal.done = true;
                    error = Some(Error::db(ErrorKind::Server, DbError::from_fields(f)));
                }
                BackendMessage::ReadyForQuery(s) => {
                    self.on_ready(s);
                    return match error {
                        Some(e) => Err(e),
                        None => Ok(rows),
                    };
                }
                other => return Err(self.fail(unexpected(&other))),
            }
        }
    }

    /// Closes a portal before the transaction ends.
    pub async fn close_portal(&mut self, portal: Portal) -> Result<()> {
        self.begin_request().await?;
        frontend::close(self.write_buf(), Target::Portal, &portal.name).map_err(encode_error)?;
        frontend::sync(self.write_buf());
        self.expect_ready();
        self.simple_replies().await
    }

    /// Reads replies that carry no rows up to ReadyForQuery, returning the first error.
    async fn simple_replies(&mut self) -> Result<()> {
        let mut error = None;
        loop {
            match self.read().await? {
                BackendMessage::ReadyForQuery(s) => {
                    self.on_ready(s);
                    return match error {
                        Some(e) => Err(e),
                        None => Ok(()),
                    };
                }
                BackendMessage::ErrorResponse(f) => {
                    if error.is_none() {
                        error = Some(Error::db(ErrorKind::Server, DbError::from_fields(f)));
                    }
                }
                BackendMessage::BindComplete | BackendMessage::CloseComplete | BackendMessage::ParseComplete => {}
                other => return Err(self.fail(unexpected(&other))),
            }
        }
    }
}
