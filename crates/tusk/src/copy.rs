//! COPY: bulk data into and out of the server as a byte stream.
//!
//! `INSERT` sends one statement per row (or per batch); `COPY` sends a table's worth of
//! rows as one stream of bytes, which the server parses as fast as it can read. It is the
//! fastest way to load or dump data, and the way `pg_dump` and psql's `\copy` do it.
//!
//! # How COPY works on the wire
//!
//! COPY is a small sub-protocol inside an ordinary simple query. The client sends the
//! `COPY` statement as a Query message; the server answers with a *copy response* that
//! switches the session into copy mode, data flows as CopyData messages, and the session
//! leaves copy mode like any other statement: CommandComplete, then ReadyForQuery.
//!
//! **Into the server** (`COPY t FROM STDIN`, [`Connection::copy_in`]):
//!
//! ```text
//! client                                  server
//! Query "COPY t FROM STDIN (…)"     ──▶
//!                                   ◀──   CopyInResponse (format, per-column formats)
//! CopyData (any slice of the data)  ──▶
//! CopyData …                        ──▶   (may answer ErrorResponse at any moment)
//! CopyDone          or CopyFail     ──▶
//!                                   ◀──   CommandComplete "COPY n"   or ErrorResponse
//!                                   ◀──   ReadyForQuery
//! ```
//!
//! CopyData boundaries mean nothing: the server concatenates the payloads and parses the
//! result, so a row may span messages and a message may hold many rows. tusk batches
//! what you send into messages of about 64 KiB and sends them whenever about 128 KiB are
//! waiting, so memory stays bounded however much you send.
//!
//! The server may reject the data while it is still arriving (a malformed line, a NOT
//! NULL violation): it sends ErrorResponse and ReadyForQuery at once, then ignores any
//! CopyData still in flight. tusk looks for that reply, without waiting, every time you
//! send; the error is returned by the next [`CopyIn::send`] (or by
//! [`CopyIn::finish`]), with its SQLSTATE, and the session is usable again.
//!
//! Ending with CopyFail instead of CopyDone makes the server abandon the statement, so no
//! row is inserted. That is what dropping a [`CopyIn`] without calling `finish` does:
//! `Drop` cannot wait, so it writes CopyFail into the connection's write buffer, and the
//! next request sends it and reads the error and ReadyForQuery before its own work.
//!
//! **Out of the server** (`COPY t TO STDOUT`, [`Connection::copy_out`]):
//!
//! ```text
//! client                                  server
//! Query "COPY t TO STDOUT (…)"      ──▶
//!                                   ◀──   CopyOutResponse
//!                                   ◀──   CopyData (PostgreSQL sends one per row)
//!                                   ◀──   …
//!                                   ◀──   CopyDone
//!                                   ◀──   CommandComplete "COPY n"
//!                                   ◀──   ReadyForQuery
//! ```
//!
//! Each CopyData payload is handed to you as a [`Bytes`] slice of the read buffer — no
//! copy. Dropping a [`CopyOut`] early is fine: the next request reads and discards the
//! rest of the stream before it starts.
//!
//! # Formats
//!
//! The statement's `FORMAT` option picks the data format; tusk passes the bytes through.
//! `text` (the default) is tab-separated with `\N` for NULL, `csv` is RFC 4180 CSV, and
//! `binary` is PostgreSQL's own typed format:
//!
//! ```text
//! header   "PGCOPY\n\xff\r\n\0"  flags: i32 (0)  extension length: i32 (0)  [extension]
//! row      field count: i16, then per field: length i32 (-1 = NULL) and that many bytes
//! …
//! trailer  i16 -1
//! ```
//!
//! Each field holds the type's binary representation: the very bytes [`ToSql`] writes and
//! [`FromSql`] reads. [`BinaryCopyInWriter`] and [`BinaryCopyOutReader`] do this framing
//! for you, checking every value against its column type. A row goes in either as a
//! slice of `&dyn ToSql` ([`BinaryCopyInWriter::write`]) or as a tuple
//! ([`BinaryCopyInWriter::write_row`], see [`CopyRow`]), whose values' types are known at
//! compile time: no dynamic call per value, the cheapest way to load many rows.
//!
//! # Example
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
//! use tusk::types::Type;
//! use tusk::{BinaryCopyInWriter, BinaryCopyOutReader};
//!
//! conn.batch_execute("CREATE TEMP TABLE points (x int4, label text)").await?;
//!
//! // Text or CSV: send bytes.
//! let mut copy = conn.copy_in("COPY points FROM STDIN (FORMAT csv)").await?;
//! copy.send("1,one\n2,two\n").await?;
//! assert_eq!(copy.finish().await?, 2);
//!
//! // Binary: send typed rows.
//! let copy = conn.copy_in("COPY points FROM STDIN (FORMAT binary)").await?;
//! let mut writer = BinaryCopyInWriter::new(copy, &[Type::INT4, Type::TEXT])?;
//! writer.write(&[&3i32, &"three"]).await?;
//! writer.write(&[&4i32, &None::<&str>]).await?;
//! writer.write_row(&(5i32, "five")).await?;
//! assert_eq!(writer.finish().await?, 3);
//!
//! // And back out, as bytes or as typed rows.
//! let mut out = conn.copy_out("COPY points TO STDOUT (FORMAT csv)").await?;
//! while let Some(chunk) = out.next_chunk().await {
//!     print!("{}", String::from_utf8_lossy(&chunk?));
//! }
//! let out = conn.copy_out("COPY points TO STDOUT (FORMAT binary)").await?;
//! let mut reader = BinaryCopyOutReader::new(out, &[Type::INT4, Type::TEXT])?;
//! while let Some(row) = reader.next().await {
//!     let row = row?;
//!     let (x, label): (i32, Option<&str>) = (row.get(0)?, row.get(1)?);
//!     println!("{x} {label:?}");
//! }
//! # Ok(()) }
//! ```

use crate::connection::Connection;
use crate::error::{DbError, Error, ErrorKind, Result};
use bytes::{Buf, BufMut, Bytes, BytesMut};
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::ops::Range;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tusk_proto::backend::{BackendMessage, CopyResponse};
use tusk_proto::frontend;
use tusk_types::{Format, FromSql, ToSql, Type, WrongType};

/// Payload size of the CopyData messages a [`CopyIn`] sends.
const MESSAGE_SIZE: usize = 16 * 1024;
/// Once the connection's write buffer holds this much, it is sent before more is added.
/// How many writes may pass between looks at the read side (see `poll_ready`).
const CHECK_EVERY: u32 = 64;

const FLUSH_AT: usize = 16 * 1024;
/// The start of a CopyData message whose length is not known yet (patched in by
/// `CopyIn::frame_pending`).
const COPY_DATA_HEADER: [u8; 5] = *b"d\0\0\0\0";
/// PostgreSQL's limit on one CopyData message and on one value: 1 GiB − 1.
const MAX_MESSAGE: usize = (1 << 30) - 1;
/// The first 11 bytes of a binary COPY stream.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";
/// Signature, flags and header-extension length.
const HEADER_LEN: usize = 19;

/// Which way the data of a COPY flows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    In,
    Out,
}

/// The server's copy response, checked.
struct CopyFormat {
    format: Format,
    columns: Vec<Format>,
}

impl Connection {
    /// Runs `COPY … FROM STDIN` and returns a sink for the data.
    ///
    /// The statement is sent with the simple query protocol, so it cannot take
    /// parameters. Send the data with [`CopyIn::send`] (or `tokio::io::copy` into the
    /// [`CopyIn`], which implements [`AsyncWrite`]), then call [`CopyIn::finish`] for the
    /// row count. Dropping the `CopyIn` without `finish` aborts the COPY: nothing is
    /// inserted.
    ///
    /// If the statement fails (a missing table, a syntax error) the server's error is
    /// returned; if it is not a `COPY … FROM STDIN` at all (it returns rows, or is a
    /// `COPY … TO STDOUT`), a [`ErrorKind::Decode`] error says so. Either way the
    /// connection stays usable.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut copy = conn.copy_in("COPY people (id, name) FROM STDIN").await?;
    /// copy.send("1\tAda\n2\tGrace\n").await?;
    /// let rows = copy.finish().await?;
    /// assert_eq!(rows, 2);
    /// # Ok(()) }
    /// ```
    pub async fn copy_in(&mut self, sql: &str) -> Result<CopyIn<'_>> {
        let format = start(self, sql, Direction::In).await?;
        Ok(CopyIn {
            conn: self,
            format: format.format,
            column_formats: format.columns,
            pending: BytesMut::from(&COPY_DATA_HEADER[..]),
            phase: InPhase::Sending,
            ready: false,
            unchecked: 0,
            rows: None,
        })
    }

    /// Runs `COPY … TO STDOUT` and returns a stream of the data.
    ///
    /// Read it with [`CopyOut::next_chunk`] (each chunk is one CopyData message: one row,
    /// with PostgreSQL) or through [`AsyncRead`]. The row count is in [`CopyOut::rows`]
    /// once the stream has ended. Dropping the `CopyOut` early is allowed: the next
    /// request reads and discards the rest.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut out = conn.copy_out("COPY (SELECT * FROM people ORDER BY id) TO STDOUT (FORMAT csv, HEADER)").await?;
    /// let mut csv = Vec::new();
    /// while let Some(chunk) = out.next_chunk().await {
    ///     csv.extend_from_slice(&chunk?);
    /// }
    /// println!("{} rows", out.rows().unwrap_or(0));
    /// # Ok(()) }
    /// ```
    pub async fn copy_out(&mut self, sql: &str) -> Result<CopyOut<'_>> {
        let format = start(self, sql, Direction::Out).await?;
        Ok(CopyOut {
            conn: self,
            format: format.format,
            column_formats: format.columns,
            data_done: false,
            finished: false,
            rows: None,
            error: None,
            current: Bytes::new(),
        })
    }
}

/// Sends the COPY statement and reads up to its copy response.
///
/// Anything else the statement produces is read to ReadyForQuery and reported as an
/// error, so the session is in step whatever happens (short of a broken connection).
async fn start(conn: &mut Connection, sql: &str, want: Direction) -> Result<CopyFormat> {
    conn.begin_request().await?;
    if let Err(e) = frontend::query(conn.write_buf(), sql) {
        return Err(Error::with_source(
            ErrorKind::Encode,
            "cannot encode the COPY statement",
            e,
        ));
    }
    conn.expect_ready();
    conn.flush().await?;

    // The first problem wins: a CopyFail we send makes the server echo an error of its
    // own, which says less than ours.
    let mut error: Option<Error> = None;
    loop {
        match conn.read().await? {
            BackendMessage::CopyInResponse(r) => {
                if want == Direction::In && error.is_none() {
                    return copy_format(conn, &r);
                }
                error.get_or_insert_with(|| wrong_direction(want));
                // Leave copy mode; the server answers with an error and ReadyForQuery.
                write_copy_fail(conn, "tusk: this statement was not expected to read COPY data")?;
                conn.flush().await?;
            }
            BackendMessage::CopyOutResponse(r) => {
                if want == Direction::Out && error.is_none() {
                    return copy_format(conn, &r);
                }
                // Its data is read and dropped below.
                error.get_or_insert_with(|| wrong_direction(want));
            }
            BackendMessage::CopyData(_) | BackendMessage::CopyDone => {}
            // Statements before the COPY in the same string (`SET …; COPY …`).
            BackendMessage::CommandComplete { .. } | BackendMessage::EmptyQueryResponse => {}
            BackendMessage::RowDescription(_) | BackendMessage::DataRow(_) => {
                error.get_or_insert_with(|| not_a_copy(want, "it returned rows"));
            }
            BackendMessage::ErrorResponse(f) => {
                error.get_or_insert_with(|| Error::db(ErrorKind::Server, DbError::from_fields(f)));
            }
            BackendMessage::ReadyForQuery(s) => {
                conn.on_ready(s);
                return Err(error.unwrap_or_else(|| not_a_copy(want, "it did not start a COPY")));
            }
            other => return Err(conn.fail(unexpected(&other))),
        }
    }
}

/// Checks the format codes of a copy response. Invalid codes break the connection: the
/// server is in copy mode and we cannot tell what it will send.
fn copy_format(conn: &mut Connection, r: &CopyResponse) -> Result<CopyFormat> {
    let format = Format::from_code(i16::from(r.format));
    let columns: Option<Vec<Format>> = r.column_formats.iter().map(|c| Format::from_code(*c)).collect();
    match (format, columns) {
        (Some(format), Some(columns)) => Ok(CopyFormat { format, columns }),
        _ => Err(conn.fail(Error::protocol("the copy response has an invalid format code"))),
    }
}

/// Writes CopyFail into the write buffer. Should that ever fail, the server would be left
/// waiting for data, so the connection is marked broken.
fn write_copy_fail(conn: &mut Connection, message: &str) -> Result<()> {
    frontend::copy_fail(conn.write_buf(), message)
        .map_err(|e| conn.fail(Error::with_source(ErrorKind::Encode, "cannot encode CopyFail", e)))
}

fn wrong_direction(want: Direction) -> Error {
    let msg = match want {
        Direction::In => "copy_in needs COPY … FROM STDIN, but the statement is a COPY … TO STDOUT",
        Direction::Out => "copy_out needs COPY … TO STDOUT, but the statement is a COPY … FROM STDIN",
    };
    Error::new(ErrorKind::Decode, msg)
}

fn not_a_copy(want: Direction, why: &str) -> Error {
    let (method, statement) = match want {
        Direction::In => ("copy_in", "COPY … FROM STDIN"),
        Direction::Out => ("copy_out", "COPY … TO STDOUT"),
    };
    Error::new(
        ErrorKind::Decode,
        format!("{method} needs a {statement} statement, but {why}"),
    )
}

fn unexpected(m: &BackendMessage) -> Error {
    Error::protocol(format!(
        "unexpected message '{}' from the server during COPY",
        m.tag() as char
    ))
}

fn broken() -> Error {
    Error::new(ErrorKind::Closed, "the connection broke during COPY")
}

/// The row count of a `COPY n` command tag.
fn copy_count(tag: &str) -> u64 {
    match tag.split_once(' ') {
        Some(("COPY", n)) => n.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// Polls a freshly made future once.
///
/// Used with the connection's cancel-safe futures (`read`, `flush`): dropping them when
/// they return `Pending` loses nothing (bytes read stay in the read buffer, bytes written
/// leave the write buffer), and the waker they registered with the socket stays
/// registered. That is how the poll-based [`AsyncWrite`]/[`AsyncRead`] impls, and the
/// "anything from the server yet?" check, reuse the async engine.
fn poll_once<F: Future>(cx: &mut Context<'_>, fut: F) -> Poll<F::Output> {
    pin!(fut).poll(cx)
}

fn into_io(e: Error) -> io::Error {
    let kind = match e.kind() {
        ErrorKind::Io | ErrorKind::Closed => io::ErrorKind::BrokenPipe,
        ErrorKind::Timeout => io::ErrorKind::TimedOut,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, e)
}

// ---- COPY FROM STDIN ------------------------------------------------------------------

/// Where a [`CopyIn`] stands.
#[derive(Debug)]
enum InPhase {
    /// Data may be sent.
    Sending,
    /// CopyDone was written; waiting for CommandComplete and ReadyForQuery.
    Closing,
    /// The server rejected the COPY.
    Failed(DbError),
    /// The connection broke (I/O or protocol error).
    Broken,
}

/// A `COPY … FROM STDIN` in progress: a sink for its data. Made by
/// [`Connection::copy_in`].
///
/// Data sent is batched into CopyData messages of about 64 KiB and written to the
/// socket whenever about 128 KiB are waiting, so memory use is bounded. Each send
/// also checks, without waiting, whether the server has already rejected the data;
/// if so the send returns the server's error.
///
/// Call [`finish`](CopyIn::finish) to end the COPY and get its row count. A `CopyIn`
/// dropped without `finish` aborts the COPY (CopyFail): the server rolls the statement
/// back, and the connection's next request gets the session back in step.
///
/// `CopyIn` implements [`AsyncWrite`], so a file can be streamed into it:
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> Result<(), Box<dyn std::error::Error>> {
/// let mut file = tokio::fs::File::open("people.csv").await?;
/// let mut copy = conn.copy_in("COPY people FROM STDIN (FORMAT csv, HEADER)").await?;
/// tokio::io::copy(&mut file, &mut copy).await?;
/// let rows = copy.finish().await?;
/// println!("{rows} rows loaded");
/// # Ok(()) }
/// ```
pub struct CopyIn<'a> {
    conn: &'a mut Connection,
    format: Format,
    column_formats: Vec<Format>,
    /// The CopyData message being filled: always a header whose length is written when
    /// the message is complete ([`COPY_DATA_HEADER`]), then data. It is sent at
    /// [`MESSAGE_SIZE`] bytes of data, usually by swapping buffers rather than copying.
    pending: BytesMut,
    phase: InPhase,
    /// Whether the ReadyForQuery that ends the statement has been read.
    ready: bool,
    /// Writes since the read side was last checked for a server error.
    unchecked: u32,
    /// From CommandComplete.
    rows: Option<u64>,
}

impl fmt::Debug for CopyIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyIn")
            .field("format", &self.format)
            .field("columns", &self.column_formats.len())
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

impl<'a> CopyIn<'a> {
    /// The overall format the server expects: [`Format::Binary`] for `FORMAT binary`,
    /// [`Format::Text`] for text and CSV.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let copy = conn.copy_in("COPY people FROM STDIN (FORMAT binary)").await?;
    /// assert_eq!(copy.format(), tusk::types::Format::Binary);
    /// # Ok(()) }
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// The format of each column the COPY fills, as the server announced them (their
    /// number is the number of columns).
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let copy = conn.copy_in("COPY people (id, name) FROM STDIN").await?;
    /// assert_eq!(copy.column_formats().len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn column_formats(&self) -> &[Format] {
        &self.column_formats
    }

    /// Sends data. Any slicing works: rows may span calls and one call may hold many
    /// rows. The data is buffered and written out in large messages; this waits only
    /// when enough is buffered to be worth writing.
    ///
    /// Returns the server's error if it has already rejected the data (a malformed line,
    /// a constraint violation); the COPY is then over and the connection usable.
    ///
    /// If this future is dropped before it completes (a timeout), part of `data` may have
    /// been buffered and part not; the COPY should then be abandoned by dropping the
    /// `CopyIn`.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut copy = conn.copy_in("COPY numbers (n) FROM STDIN").await?;
    /// for n in 0..100_000 {
    ///     copy.send(format!("{n}\n")).await?;
    /// }
    /// copy.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(&mut self, data: impl AsRef<[u8]>) -> Result<()> {
        let mut data = data.as_ref();
        loop {
            poll_fn(|cx| self.poll_ready(cx)).await?;
            let n = self.stage(data);
            data = &data[n..];
            if data.is_empty() {
                return Ok(());
            }
        }
    }

    /// Ends the data (CopyDone) and returns the number of rows the server copied.
    ///
    /// Returns the server's error if it rejected the data.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut copy = conn.copy_in("COPY people (id, name) FROM STDIN (FORMAT csv)").await?;
    /// copy.send("1,Ada\n").await?;
    /// match copy.finish().await {
    ///     Ok(rows) => println!("{rows} rows"),
    ///     Err(e) => println!("rejected: {e} ({:?})", e.code()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn finish(mut self) -> Result<u64> {
        poll_fn(|cx| Poll::Ready(self.poll_incoming(cx))).await?;
        if let InPhase::Sending = self.phase {
            self.frame_pending();
            frontend::copy_done(self.conn.write_buf());
            self.phase = InPhase::Closing;
        } else {
            // Rejected already: what was never framed is never sent.
            self.pending.truncate(COPY_DATA_HEADER.len());
        }
        poll_fn(|cx| self.poll_until_ready(cx)).await?;
        match &self.phase {
            InPhase::Closing => Ok(self.rows.unwrap_or(0)),
            InPhase::Failed(db) => Err(Error::db(ErrorKind::Server, db.clone())),
            InPhase::Sending | InPhase::Broken => Err(broken()),
        }
    }

    /// Ok while the COPY can go on; the server's error once it rejected the data.
    fn check(&self) -> Result<()> {
        match &self.phase {
            InPhase::Sending | InPhase::Closing => Ok(()),
            InPhase::Failed(db) => Err(Error::db(ErrorKind::Server, db.clone())),
            InPhase::Broken => Err(broken()),
        }
    }

    /// Handles whatever the server has sent already, without waiting for more. Fails
    /// only when the connection broke; a rejected COPY is recorded in the phase.
    fn poll_incoming(&mut self, cx: &mut Context<'_>) -> Result<()> {
        while !self.ready {
            if let InPhase::Broken = self.phase {
                return Err(broken());
            }
            let msg = match poll_once(cx, self.conn.read()) {
                Poll::Pending => return Ok(()),
                Poll::Ready(Ok(m)) => m,
                Poll::Ready(Err(e)) => {
                    self.phase = InPhase::Broken;
                    return Err(e);
                }
            };
            self.on_message(msg)?;
        }
        Ok(())
    }

    fn on_message(&mut self, msg: BackendMessage) -> Result<()> {
        match msg {
            BackendMessage::ErrorResponse(f) => {
                if !matches!(self.phase, InPhase::Failed(_)) {
                    self.phase = InPhase::Failed(DbError::from_fields(f));
                }
            }
            BackendMessage::ReadyForQuery(s) => {
                self.conn.on_ready(s);
                self.ready = true;
                if let InPhase::Sending = self.phase {
                    return Err(self.break_with(Error::protocol(
                        "the server ended the COPY without an error while data was being sent",
                    )));
                }
            }
            other if matches!(self.phase, InPhase::Sending) => return Err(self.break_with(unexpected(&other))),
            BackendMessage::CommandComplete { tag } => {
                if self.rows.is_none() {
                    self.rows = Some(copy_count(&tag));
                }
            }
            // A further COPY FROM STDIN in the same query string: refuse it.
            BackendMessage::CopyInResponse(_) => {
                write_copy_fail(self.conn, "tusk: only the first COPY of a query string can read data")?;
            }
            // Results of further statements in the same query string.
            BackendMessage::RowDescription(_)
            | BackendMessage::DataRow(_)
            | BackendMessage::EmptyQueryResponse
            | BackendMessage::CopyOutResponse(_)
            | BackendMessage::CopyData(_)
            | BackendMessage::CopyDone => {}
            other => return Err(self.break_with(unexpected(&other))),
        }
        Ok(())
    }

    fn break_with(&mut self, e: Error) -> Error {
        self.phase = InPhase::Broken;
        self.conn.fail(e)
    }

    /// Ready to take more data: the server has not rejected the COPY, and the write
    /// buffer is below [`FLUSH_AT`] (sending it if need be).
    ///
    /// Looking at the read side costs a system call's worth of work, so it is done
    /// every [`CHECK_EVERY`] writes and whenever the buffer is sent, not on every row: a
    /// server error still surfaces within a few writes, and at `finish` at the latest.
    /// The cheap common case of [`Self::poll_ready`], without a context: `true` (and
    /// the write counted) when nothing needs looking at yet — no check of the read side
    /// is due, the COPY is going on, and the write buffer is below [`FLUSH_AT`].
    #[inline]
    fn ready_now(&mut self) -> bool {
        if self.unchecked + 1 < CHECK_EVERY
            && matches!(self.phase, InPhase::Sending)
            && self.conn.write_buf().len() < FLUSH_AT
        {
            self.unchecked += 1;
            true
        } else {
            false
        }
    }

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.unchecked += 1;
        let flushing = self.conn.write_buf().len() >= FLUSH_AT;
        if flushing || self.unchecked >= CHECK_EVERY {
            self.unchecked = 0;
            self.poll_incoming(cx)?;
        }
        self.check()?;
        if !flushing {
            return Poll::Ready(Ok(()));
        }
        self.poll_write_out(cx)
    }

    /// Sends the whole write buffer. While the socket is full, reads what the server
    /// says, so its messages can neither be missed nor pile up into a deadlock.
    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        while !self.conn.write_buf().is_empty() {
            match poll_once(cx, self.conn.flush()) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => {
                    self.phase = InPhase::Broken;
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => {
                    self.poll_incoming(cx)?;
                    self.check()?;
                    return Poll::Pending;
                }
            }
        }
        Poll::Ready(Ok(()))
    }

    /// After CopyDone (or a rejection): sends what is buffered and reads up to the
    /// statement's ReadyForQuery.
    fn poll_until_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        loop {
            self.poll_incoming(cx)?;
            if self.ready {
                return Poll::Ready(Ok(()));
            }
            if self.conn.write_buf().is_empty() {
                // `poll_incoming` left a waker with the socket's read side.
                return Poll::Pending;
            }
            match poll_once(cx, self.conn.flush()) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => {
                    self.phase = InPhase::Broken;
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// Buffers a prefix of `data` and returns its length (all of it, or up to the end of
    /// the current message; at least one byte if `data` is not empty).
    fn stage(&mut self, data: &[u8]) -> usize {
        if self.pending_len() == 0 && data.len() >= MESSAGE_SIZE {
            // A whole message: frame it straight from the caller's slice.
            frontend::copy_data(self.conn.write_buf(), &data[..MESSAGE_SIZE]);
            return MESSAGE_SIZE;
        }
        if self.pending_len() >= MESSAGE_SIZE {
            self.frame_pending();
        }
        let n = data.len().min(MESSAGE_SIZE - self.pending_len());
        self.pending.extend_from_slice(&data[..n]);
        if self.pending_len() >= MESSAGE_SIZE {
            self.frame_pending();
        }
        n
    }

    /// Bytes of data in the message being filled.
    #[inline]
    fn pending_len(&self) -> usize {
        self.pending.len() - COPY_DATA_HEADER.len()
    }

    /// Completes the message being filled and puts it in the write buffer: by swapping
    /// the two buffers when the write buffer is empty (the usual case, since it is sent
    /// as soon as it holds a message), else by appending; then starts the next message.
    fn frame_pending(&mut self) {
        let len = self.pending_len();
        if len == 0 {
            return;
        }
        // Both bounded by MAX_MESSAGE (checked by every writer), so this fits an i32.
        self.pending[1..5].copy_from_slice(&((4 + len) as i32).to_be_bytes());
        let out = self.conn.write_buf();
        if out.is_empty() {
            std::mem::swap(out, &mut self.pending);
        } else {
            out.extend_from_slice(&self.pending);
        }
        self.pending.clear();
        // Room for a whole message at once (this reuses the old write buffer's memory
        // once its last write is done) rather than growing row by row.
        self.pending.reserve(COPY_DATA_HEADER.len() + MESSAGE_SIZE + 1024);
        self.pending.extend_from_slice(&COPY_DATA_HEADER);
    }
}

impl Drop for CopyIn<'_> {
    fn drop(&mut self) {
        if let InPhase::Sending = self.phase {
            // Abort: the data never framed is dropped, and CopyFail follows whatever is
            // already in the write buffer. The ReadyForQuery it brings is the one the
            // COPY statement already counts, so the next request reads it.
            self.pending.truncate(COPY_DATA_HEADER.len());
            let _ = write_copy_fail(self.conn, "tusk: COPY abandoned (CopyIn dropped without finish)");
        }
    }
}

impl AsyncWrite for CopyIn<'_> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_ready(cx)).map_err(into_io)?;
        Poll::Ready(Ok(this.stage(buf)))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.poll_incoming(cx).and_then(|()| this.check()).map_err(into_io)?;
        this.frame_pending();
        this.poll_write_out(cx).map_err(into_io)
    }

    /// Flushes. The COPY itself is ended by [`CopyIn::finish`], which returns the row
    /// count.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

// ---- COPY TO STDOUT -------------------------------------------------------------------

/// A `COPY … TO STDOUT` in progress: a stream of its data. Made by
/// [`Connection::copy_out`].
///
/// [`next_chunk`](CopyOut::next_chunk) returns each CopyData payload as [`Bytes`] (a
/// slice of the connection's read buffer, not a copy), `None` at the end. `CopyOut`
/// also implements [`AsyncRead`]:
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> Result<(), Box<dyn std::error::Error>> {
/// let mut out = conn.copy_out("COPY people TO STDOUT (FORMAT csv, HEADER)").await?;
/// let mut file = tokio::fs::File::create("people.csv").await?;
/// tokio::io::copy(&mut out, &mut file).await?;
/// println!("{} rows", out.rows().unwrap_or(0));
/// # Ok(()) }
/// ```
///
/// Dropping it before the end is fine: the next request on the connection reads and
/// discards what is left.
pub struct CopyOut<'a> {
    conn: &'a mut Connection,
    format: Format,
    column_formats: Vec<Format>,
    /// CopyDone, CommandComplete or an error seen: no more data for us.
    data_done: bool,
    /// ReadyForQuery read (or the connection broke): the stream is over.
    finished: bool,
    rows: Option<u64>,
    error: Option<DbError>,
    /// What [`AsyncRead`] has not handed out yet of the last chunk.
    current: Bytes,
}

impl fmt::Debug for CopyOut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CopyOut")
            .field("format", &self.format)
            .field("columns", &self.column_formats.len())
            .field("finished", &self.finished)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl<'a> CopyOut<'a> {
    /// The overall format of the data: [`Format::Binary`] for `FORMAT binary`,
    /// [`Format::Text`] for text and CSV.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let out = conn.copy_out("COPY people TO STDOUT (FORMAT csv)").await?;
    /// assert_eq!(out.format(), tusk::types::Format::Text);
    /// # Ok(()) }
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// The format of each column, as the server announced them (their number is the
    /// number of columns).
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let out = conn.copy_out("COPY (SELECT 1, 2, 3) TO STDOUT").await?;
    /// assert_eq!(out.column_formats().len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn column_formats(&self) -> &[Format] {
        &self.column_formats
    }

    /// The next piece of data (one CopyData message), `None` once the COPY has ended.
    ///
    /// A server error (say, a division by zero half-way through a `COPY (SELECT …)`) is
    /// returned once the session is back in step, after the chunks sent before it.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut out = conn.copy_out("COPY people TO STDOUT").await?;
    /// let mut bytes = 0;
    /// while let Some(chunk) = out.next_chunk().await {
    ///     bytes += chunk?.len();
    /// }
    /// println!("{bytes} bytes, {} rows", out.rows().unwrap_or(0));
    /// # Ok(()) }
    /// ```
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes>> {
        if !self.current.is_empty() {
            return Some(Ok(std::mem::take(&mut self.current)));
        }
        poll_fn(|cx| self.poll_next_chunk(cx)).await
    }

    /// The number of rows copied, from the server's `COPY n`; `None` until the stream
    /// has ended (or if it failed).
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut out = conn.copy_out("COPY (SELECT generate_series(1, 3)) TO STDOUT").await?;
    /// assert_eq!(out.rows(), None);
    /// while let Some(chunk) = out.next_chunk().await {
    ///     chunk?;
    /// }
    /// assert_eq!(out.rows(), Some(3));
    /// # Ok(()) }
    /// ```
    pub fn rows(&self) -> Option<u64> {
        self.rows
    }

    /// Reads and discards the rest of the data, and returns the row count.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// let mut out = conn.copy_out("COPY people TO STDOUT").await?;
    /// let first = out.next_chunk().await.transpose()?;
    /// let rows = out.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn finish(mut self) -> Result<u64> {
        while let Some(chunk) = self.next_chunk().await {
            chunk?;
        }
        Ok(self.rows.unwrap_or(0))
    }

    fn poll_next_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            if !self.conn.write_buf().is_empty() {
                // A CopyFail refusing a later COPY FROM STDIN; the server waits for it.
                match poll_once(cx, self.conn.flush()) {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => {
                        self.finished = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                    Poll::Pending => return Poll::Pending,
                }
            }
            let msg = match ready!(poll_once(cx, self.conn.read())) {
                Ok(m) => m,
                Err(e) => {
                    self.finished = true;
                    return Poll::Ready(Some(Err(e)));
                }
            };
            match msg {
                BackendMessage::CopyData(data) if !self.data_done => return Poll::Ready(Some(Ok(data))),
                BackendMessage::CopyData(_) => {}
                BackendMessage::CopyDone => self.data_done = true,
                BackendMessage::CommandComplete { tag } => {
                    // The first is the COPY's; any later ones belong to further statements.
                    self.rows.get_or_insert(copy_count(&tag));
                    self.data_done = true;
                }
                BackendMessage::ErrorResponse(f) => {
                    self.error.get_or_insert(DbError::from_fields(f));
                    self.data_done = true;
                }
                BackendMessage::ReadyForQuery(s) => {
                    self.conn.on_ready(s);
                    self.finished = true;
                    if let Some(db) = self.error.take() {
                        self.rows = None;
                        return Poll::Ready(Some(Err(Error::db(ErrorKind::Server, db))));
                    }
                    return Poll::Ready(None);
                }
                BackendMessage::CopyInResponse(_) => {
                    self.data_done = true;
                    if let Err(e) = write_copy_fail(self.conn, "tusk: copy_out cannot send COPY data") {
                        self.finished = true;
                        return Poll::Ready(Some(Err(self.conn.fail(e))));
                    }
                }
                // Further statements of the same query string.
                BackendMessage::CopyOutResponse(_)
                | BackendMessage::RowDescription(_)
                | BackendMessage::DataRow(_)
                | BackendMessage::EmptyQueryResponse => self.data_done = true,
                other => {
                    self.finished = true;
                    return Poll::Ready(Some(Err(self.conn.fail(unexpected(&other)))));
                }
            }
        }
    }
}

impl AsyncRead for CopyOut<'_> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        while this.current.is_empty() {
            match ready!(this.poll_next_chunk(cx)) {
                Some(Ok(chunk)) => this.current = chunk,
                Some(Err(e)) => return Poll::Ready(Err(into_io(e))),
                None => return Poll::Ready(Ok(())),
            }
        }
        let n = this.current.len().min(buf.remaining());
        buf.put_slice(&this.current[..n]);
        this.current.advance(n);
        Poll::Ready(Ok(()))
    }
}

// ---- Binary COPY ----------------------------------------------------------------------

/// Writes typed rows into a `COPY … FROM STDIN (FORMAT binary)`.
///
/// Each value is encoded with [`ToSql`] for its column's [`Type`], exactly as a query
/// parameter would be, and checked first: a value whose Rust type does not match its
/// column is refused before anything is sent, and the writer stays usable. Values go
/// straight into the COPY's batch buffer, so memory stays bounded.
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
/// use tusk::BinaryCopyInWriter;
/// use tusk::types::Type;
///
/// let copy = conn.copy_in("COPY people (id, name, score) FROM STDIN (FORMAT binary)").await?;
/// let mut writer = BinaryCopyInWriter::new(copy, &[Type::INT4, Type::TEXT, Type::FLOAT8])?;
/// writer.write(&[&1i32, &"Ada", &9.5f64]).await?;
/// writer.write(&[&2i32, &"Grace", &None::<f64>]).await?;
/// let rows = writer.finish().await?;
/// assert_eq!(rows, 2);
/// # Ok(()) }
/// ```
///
/// Dropping the writer without `finish` aborts the COPY, like dropping a [`CopyIn`].
#[derive(Debug)]
pub struct BinaryCopyInWriter<'a> {
    copy: CopyIn<'a>,
    types: Vec<Type>,
}

impl<'a> BinaryCopyInWriter<'a> {
    /// Starts writing rows whose columns have these types, in order.
    ///
    /// Fails ([`ErrorKind::Encode`]) if the COPY is not in binary format or does not
    /// have `types.len()` columns; the `CopyIn` is then dropped, which aborts the COPY.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// use tusk::types::Type;
    /// let copy = conn.copy_in("COPY pairs (a, b) FROM STDIN (FORMAT binary)").await?;
    /// let writer = tusk::BinaryCopyInWriter::new(copy, &[Type::INT8, Type::BYTEA])?;
    /// # Ok(()) }
    /// ```
    pub fn new(mut copy: CopyIn<'a>, types: &[Type]) -> Result<BinaryCopyInWriter<'a>> {
        if copy.format != Format::Binary {
            return Err(Error::new(
                ErrorKind::Encode,
                "BinaryCopyInWriter needs COPY … FROM STDIN (FORMAT binary)",
            ));
        }
        if copy.column_formats.len() != types.len() {
            return Err(Error::new(
                ErrorKind::Encode,
                format!(
                    "the COPY has {} columns but {} types were given",
                    copy.column_formats.len(),
                    types.len()
                ),
            ));
        }
        if types.len() > i16::MAX as usize {
            return Err(Error::new(ErrorKind::Encode, "too many columns for binary COPY"));
        }
        copy.pending.extend_from_slice(SIGNATURE);
        copy.pending.put_i32(0); // flags: no OIDs
        copy.pending.put_i32(0); // no header extension
        Ok(BinaryCopyInWriter {
            copy,
            types: types.to_vec(),
        })
    }

    /// The column types rows are written with.
    ///
    /// ```no_run
    /// # fn f(writer: &tusk::BinaryCopyInWriter<'_>) {
    /// println!("{} columns", writer.types().len());
    /// # }
    /// ```
    pub fn types(&self) -> &[Type] {
        &self.types
    }

    /// Writes one row: one value per column, `None` (of an `Option`) for NULL.
    ///
    /// A wrong number of values, or a value that cannot be sent as its column's type in
    /// binary, is an [`ErrorKind::Encode`] error; nothing of that row is written and the
    /// COPY goes on. If the server has already rejected the COPY, its error is returned.
    ///
    /// ```no_run
    /// # async fn f(writer: &mut tusk::BinaryCopyInWriter<'_>) -> tusk::Result<()> {
    /// // Columns (int4, text).
    /// writer.write(&[&7i32, &"seven"]).await?;
    /// assert!(writer.write(&[&7i64, &"seven"]).await.is_err()); // int8 is not int4
    /// # Ok(()) }
    /// ```
    pub async fn write(&mut self, row: &[&(dyn ToSql + Sync)]) -> Result<()> {
        self.check_len(row.len())?;
        if !self.copy.ready_now() {
            poll_fn(|cx| self.copy.poll_ready(cx)).await?;
        }
        let mark = self.start_row(row.len());
        let buf = &mut self.copy.pending;
        for (i, (&value, ty)) in row.iter().zip(&self.types).enumerate() {
            let field = buf.len();
            // One dynamic call per value: the type check, the bytes and the format.
            if let Err(error) = check_field(value.encode_field(ty, buf), buf, field) {
                buf.truncate(mark);
                return Err(field_error(i, value.type_name(), ty, error));
            }
        }
        self.end_row(mark)
    }

    /// Writes one row given as a tuple: like [`BinaryCopyInWriter::write`], but each
    /// value's type is known at compile time, so there is no dynamic call per value —
    /// the cheapest way to load many rows. Tuples of 1 to 12 [`ToSql`] values
    /// ([`CopyRow`]); `None` (of an `Option`) is NULL.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// use tusk::types::Type;
    /// let copy = conn.copy_in("COPY people (id, name, score) FROM STDIN (FORMAT binary)").await?;
    /// let mut writer = tusk::BinaryCopyInWriter::new(copy, &[Type::INT4, Type::TEXT, Type::FLOAT8])?;
    /// for (id, name) in [(1, "Ada"), (2, "Grace")] {
    ///     writer.write_row(&(id, name, None::<f64>)).await?;
    /// }
    /// assert!(writer.write_row(&(3i64, "Edsger", 1.0f64)).await.is_err()); // int8 is not int4
    /// assert_eq!(writer.finish().await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn write_row<R: CopyRow>(&mut self, row: &R) -> Result<()> {
        self.check_len(R::LEN)?;
        if !self.copy.ready_now() {
            poll_fn(|cx| self.copy.poll_ready(cx)).await?;
        }
        let mark = self.start_row(R::LEN);
        let buf = &mut self.copy.pending;
        if let Err(f) = row.encode_fields(&self.types, buf) {
            buf.truncate(mark);
            return Err(field_error(f.index, f.type_name, &self.types[f.index], f.error));
        }
        self.end_row(mark)
    }

    /// Refuses a row of `values` values unless it has one per column.
    #[inline]
    fn check_len(&self, values: usize) -> Result<()> {
        if values == self.types.len() {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::Encode,
            format!(
                "the row has {values} values but the COPY has {} columns",
                self.types.len()
            ),
        ))
    }

    /// Writes a row's field count and returns where the row starts, for
    /// [`Self::end_row`] or an error to truncate to.
    #[inline]
    fn start_row(&mut self, values: usize) -> usize {
        let mark = self.copy.pending.len();
        // `new` refused more than i16::MAX columns, and `check_len` any other count.
        self.copy.pending.put_i16(values as i16);
        mark
    }

    /// After a row was encoded from `mark` on: refuses it if it makes the message too
    /// large, and sends the message once it is big enough.
    fn end_row(&mut self, mark: usize) -> Result<()> {
        if self.copy.pending_len() > MAX_MESSAGE {
            self.copy.pending.truncate(mark);
            return Err(Error::new(
                ErrorKind::Encode,
                "the row is larger than a COPY message may be (1 GiB)",
            ));
        }
        if self.copy.pending_len() >= MESSAGE_SIZE {
            self.copy.frame_pending();
        }
        Ok(())
    }

    /// Writes the trailer, ends the COPY and returns the number of rows copied.
    ///
    /// ```no_run
    /// # async fn f(writer: tusk::BinaryCopyInWriter<'_>) -> tusk::Result<()> {
    /// let rows = writer.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn finish(mut self) -> Result<u64> {
        self.copy.pending.put_i16(-1);
        self.copy.finish().await
    }
}

/// Whether an encoded field can go into a binary COPY: binary, or NULL. `Err(None)`
/// for a value sent as text, `Err(Some(e))` for an encoding error.
#[inline(always)]
fn check_field(
    result: std::result::Result<Format, tusk_types::BoxError>,
    buf: &BytesMut,
    field: usize,
) -> std::result::Result<(), Option<tusk_types::BoxError>> {
    match result {
        Ok(Format::Binary) => Ok(()),
        // A NULL is a length of -1 and no bytes: it has no format.
        Ok(Format::Text) if buf[field..field + 4] == [0xff; 4] => Ok(()),
        Ok(Format::Text) => Err(None),
        Err(e) => Err(Some(e)),
    }
}

/// The error for value `i` of a row that [`check_field`] refused.
#[cold]
#[inline(never)]
fn field_error(i: usize, rust_type: &str, ty: &Type, error: Option<tusk_types::BoxError>) -> Error {
    match error {
        None => Error::new(
            ErrorKind::Encode,
            format!(
                "column {i}: a value of Rust type {rust_type} is sent to server type {ty} as text, \
                 which binary COPY cannot carry; use text or CSV COPY for this column"
            ),
        ),
        Some(e) => {
            let message = if e.is::<WrongType>() {
                format!("column {i}: a value of Rust type {rust_type} cannot be sent as server type {ty}")
            } else {
                format!("column {i}: cannot encode {rust_type} as server type {ty}")
            };
            Error::with_source(ErrorKind::Encode, message, e)
        }
    }
}

/// A row for [`BinaryCopyInWriter::write_row`]: a tuple of 1 to 12 values, each of any
/// [`ToSql`] type, encoded with no dynamic dispatch.
///
/// ```
/// use tusk::CopyRow;
/// assert_eq!(<(i32, &str, Option<f64>) as CopyRow>::LEN, 3);
/// ```
pub trait CopyRow {
    /// How many values the row has.
    const LEN: usize;

    /// Encodes the values as binary COPY fields for `types` (which has `LEN` entries).
    #[doc(hidden)]
    fn encode_fields(&self, types: &[Type], out: &mut BytesMut) -> std::result::Result<(), FieldError>;
}

/// Which value of a [`CopyRow`] could not be encoded, and why.
#[doc(hidden)]
#[derive(Debug)]
pub struct FieldError {
    index: usize,
    type_name: &'static str,
    error: Option<tusk_types::BoxError>,
}

/// Implements [`CopyRow`] for tuples.
macro_rules! copy_row_tuples {
    ($( $len:literal => ($($name:ident $idx:tt),+) )+) => {$(
        impl<$($name: ToSql),+> CopyRow for ($($name,)+) {
            const LEN: usize = $len;

            #[inline]
            fn encode_fields(&self, types: &[Type], out: &mut BytesMut) -> std::result::Result<(), FieldError> {
                $(
                    let field = out.len();
                    if let Err(error) = check_field(self.$idx.encode_field(&types[$idx], out), out, field) {
                        return Err(FieldError { index: $idx, type_name: self.$idx.type_name(), error });
                    }
                )+
                Ok(())
            }
        }
    )+};
}

copy_row_tuples! {
    1 => (A 0)
    2 => (A 0, B 1)
    3 => (A 0, B 1, C 2)
    4 => (A 0, B 1, C 2, D 3)
    5 => (A 0, B 1, C 2, D 3, E 4)
    6 => (A 0, B 1, C 2, D 3, E 4, F 5)
    7 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    8 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    9 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    10 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    11 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    12 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

/// One row of a binary COPY, read by [`BinaryCopyOutReader`].
///
/// Like [`Row`](crate::Row) it keeps the row's bytes (a slice of the received data, not a
/// copy) and decodes a column only when asked.
///
/// ```no_run
/// # async fn f(row: tusk::BinaryRow) -> tusk::Result<()> {
/// let id: i32 = row.get(0)?;
/// let name: Option<&str> = row.get(1)?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BinaryRow {
    types: Arc<[Type]>,
    body: Bytes,
    ranges: Box<[Option<Range<usize>>]>,
}

impl BinaryRow {
    /// Decodes column `idx` as `T` (binary format). NULL decodes only into types that
    /// accept it, like `Option<T>`. Errors ([`ErrorKind::Decode`]) name the column, the
    /// Rust type and the server type.
    ///
    /// ```no_run
    /// # fn f(row: &tusk::BinaryRow) -> tusk::Result<()> {
    /// let n: i64 = row.get(0)?;
    /// let maybe: Option<String> = row.get(1)?;
    /// # Ok(()) }
    /// ```
    pub fn get<'a, T: FromSql<'a>>(&'a self, idx: usize) -> Result<T> {
        let raw = self.get_raw(idx)?;
        let ty = &self.types[idx];
        let describe = || {
            format!(
                "column {idx}: cannot decode server type {ty} into Rust type {}",
                std::any::type_name::<T>()
            )
        };
        if !T::accepts(ty) {
            return Err(Error::new(ErrorKind::Decode, describe()));
        }
        let value = match raw {
            None => T::from_sql_null(ty),
            Some(raw) => T::from_sql(ty, Format::Binary, raw),
        };
        value.map_err(|e| Error::with_source(ErrorKind::Decode, describe(), e))
    }

    /// Whether column `idx` is NULL.
    ///
    /// ```no_run
    /// # fn f(row: &tusk::BinaryRow) -> tusk::Result<()> {
    /// if row.is_null(1)? { println!("no name"); }
    /// # Ok(()) }
    /// ```
    pub fn is_null(&self, idx: usize) -> Result<bool> {
        Ok(self.get_raw(idx)?.is_none())
    }

    /// The raw binary bytes of column `idx` (`None` for NULL).
    ///
    /// ```no_run
    /// # fn f(row: &tusk::BinaryRow) -> tusk::Result<()> {
    /// let bytes: Option<&[u8]> = row.get_raw(0)?;
    /// # Ok(()) }
    /// ```
    pub fn get_raw(&self, idx: usize) -> Result<Option<&[u8]>> {
        match self.ranges.get(idx) {
            Some(r) => Ok(r.clone().map(|r| &self.body[r])),
            None => Err(Error::new(
                ErrorKind::Decode,
                format!("no column {idx} in a row of {} columns", self.ranges.len()),
            )),
        }
    }

    /// The number of columns.
    ///
    /// ```no_run
    /// # fn f(row: &tusk::BinaryRow) {
    /// for i in 0..row.len() { println!("{:?}", row.get_raw(i)); }
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether the row has no columns.
    ///
    /// ```no_run
    /// # fn f(row: &tusk::BinaryRow) {
    /// assert!(!row.is_empty());
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The column types, as given to [`BinaryCopyOutReader::new`].
    ///
    /// ```no_run
    /// # fn f(row: &tusk::BinaryRow) {
    /// println!("first column is {}", row.types()[0]);
    /// # }
    /// ```
    pub fn types(&self) -> &[Type] {
        &self.types
    }
}

impl fmt::Debug for BinaryRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut l = f.debug_list();
        for r in self.ranges.iter() {
            match r {
                None => l.entry(&"NULL"),
                Some(r) => l.entry(&&self.body[r.clone()]),
            };
        }
        l.finish()
    }
}

/// Reads typed rows from a `COPY … TO STDOUT (FORMAT binary)`.
///
/// The binary stream is parsed as it arrives, whatever the chunk boundaries; a
/// malformed stream (bad signature, wrong field count, truncated row, missing trailer)
/// is an [`ErrorKind::Decode`] error saying what is wrong and at which byte.
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
/// use tusk::BinaryCopyOutReader;
/// use tusk::types::Type;
///
/// let out = conn.copy_out("COPY (SELECT id, name FROM people) TO STDOUT (FORMAT binary)").await?;
/// let mut reader = BinaryCopyOutReader::new(out, &[Type::INT4, Type::TEXT])?;
/// while let Some(row) = reader.next().await {
///     let row = row?;
///     let id: i32 = row.get(0)?;
///     let name: &str = row.get(1)?;
///     println!("{id}: {name}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct BinaryCopyOutReader<'a> {
    copy: CopyOut<'a>,
    types: Arc<[Type]>,
    parser: BinaryParser,
    done: bool,
}

impl<'a> BinaryCopyOutReader<'a> {
    /// Starts reading rows whose columns have these types, in order.
    ///
    /// Fails ([`ErrorKind::Decode`]) if the COPY is not in binary format or does not
    /// have `types.len()` columns.
    ///
    /// ```no_run
    /// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
    /// use tusk::types::Type;
    /// let out = conn.copy_out("COPY (SELECT 1::int8) TO STDOUT (FORMAT binary)").await?;
    /// let reader = tusk::BinaryCopyOutReader::new(out, &[Type::INT8])?;
    /// # Ok(()) }
    /// ```
    pub fn new(copy: CopyOut<'a>, types: &[Type]) -> Result<BinaryCopyOutReader<'a>> {
        if copy.format != Format::Binary {
            return Err(Error::new(
                ErrorKind::Decode,
                "BinaryCopyOutReader needs COPY … TO STDOUT (FORMAT binary)",
            ));
        }
        if copy.column_formats.len() != types.len() {
            return Err(Error::new(
                ErrorKind::Decode,
                format!(
                    "the COPY has {} columns but {} types were given",
                    copy.column_formats.len(),
                    types.len()
                ),
            ));
        }
        Ok(BinaryCopyOutReader {
            copy,
            types: types.into(),
            parser: BinaryParser::new(types.len()),
            done: false,
        })
    }

    /// The next row, `None` at the end of the stream.
    ///
    /// After an error (the server's, or a malformed stream) the reader returns `None`;
    /// the connection is usable either way.
    ///
    /// ```no_run
    /// # async fn f(reader: &mut tusk::BinaryCopyOutReader<'_>) -> tusk::Result<()> {
    /// while let Some(row) = reader.next().await {
    ///     let n: i64 = row?.get(0)?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn next(&mut self) -> Option<Result<BinaryRow>> {
        if self.done {
            return None;
        }
        loop {
            match self.parser.next() {
                Ok(Step::Row(body, ranges)) => {
                    return Some(Ok(BinaryRow {
                        types: self.types.clone(),
                        body,
                        ranges,
                    }));
                }
                Ok(Step::NeedMore) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
            match self.copy.next_chunk().await {
                Some(Ok(chunk)) => {
                    if let Err(e) = self.parser.push(chunk) {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                None => {
                    self.done = true;
                    return self.parser.end().err().map(Err);
                }
            }
        }
    }

    /// The row count from the server's `COPY n`, once the stream has ended.
    ///
    /// ```no_run
    /// # async fn f(mut reader: tusk::BinaryCopyOutReader<'_>) -> tusk::Result<()> {
    /// while let Some(row) = reader.next().await { row?; }
    /// println!("{:?} rows", reader.rows());
    /// # Ok(()) }
    /// ```
    pub fn rows(&self) -> Option<u64> {
        self.copy.rows()
    }

    /// Reads (and checks) the remaining rows, and returns the row count.
    ///
    /// ```no_run
    /// # async fn f(reader: tusk::BinaryCopyOutReader<'_>) -> tusk::Result<()> {
    /// let rows = reader.finish().await?;
    /// # Ok(()) }
    /// ```
    pub async fn finish(mut self) -> Result<u64> {
        while let Some(row) = self.next().await {
            row?;
        }
        Ok(self.copy.rows().unwrap_or(0))
    }
}

/// What [`BinaryParser::next`] found.
enum Step {
    /// A row: its bytes and where each field lies in them (`None` for NULL).
    Row(Bytes, Box<[Option<Range<usize>>]>),
    /// More data is needed (or the trailer was read).
    NeedMore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParseStage {
    Header,
    Rows,
    /// The trailer was read; nothing may follow.
    Ended,
}

/// The binary COPY format, parsed from chunks pushed in. Sans-IO.
///
/// Data is parsed straight from the current chunk, and rows are zero-copy slices of it.
/// Only a row cut by a chunk boundary is copied, into `carry`, where the next chunk is
/// appended. At most one of `cur` and `carry` holds data.
#[derive(Debug)]
struct BinaryParser {
    columns: usize,
    stage: ParseStage,
    cur: Bytes,
    carry: BytesMut,
    /// Bytes consumed so far, for error messages.
    offset: u64,
    ranges: Vec<Option<Range<usize>>>,
}

/// The outcome of parsing a row from the front of a buffer.
enum RowParse {
    Row(usize),
    Trailer,
}

impl BinaryParser {
    fn new(columns: usize) -> BinaryParser {
        BinaryParser {
            columns,
            stage: ParseStage::Header,
            cur: Bytes::new(),
            carry: BytesMut::new(),
            offset: 0,
            ranges: Vec::new(),
        }
    }

    fn malformed(&self, at: usize, reason: impl fmt::Display) -> Error {
        Error::new(
            ErrorKind::Decode,
            format!(
                "malformed binary COPY data at byte {}: {reason}",
                self.offset + at as u64
            ),
        )
    }

    fn push(&mut self, chunk: Bytes) -> Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        if self.stage == ParseStage::Ended {
            return Err(self.malformed(0, "data after the trailer"));
        }
        if self.cur.is_empty() && self.carry.is_empty() {
            self.cur = chunk;
        } else {
            if !self.cur.is_empty() {
                self.carry.extend_from_slice(&self.cur);
                self.cur = Bytes::new();
            }
            self.carry.extend_from_slice(&chunk);
        }
        Ok(())
    }

    fn data(&self) -> &[u8] {
        if self.carry.is_empty() { &self.cur } else { &self.carry }
    }

    fn consume(&mut self, n: usize) {
        if self.carry.is_empty() {
            self.cur.advance(n);
        } else {
            self.carry.advance(n);
        }
        self.offset += n as u64;
    }

    fn take(&mut self, n: usize) -> Bytes {
        self.offset += n as u64;
        if self.carry.is_empty() {
            self.cur.split_to(n)
        } else {
            self.carry.split_to(n).freeze()
        }
    }

    fn next(&mut self) -> Result<Step> {
        loop {
            match self.stage {
                ParseStage::Header => match self.parse_header()? {
                    Some(n) => {
                        self.consume(n);
                        self.stage = ParseStage::Rows;
                    }
                    None => return Ok(Step::NeedMore),
                },
                ParseStage::Rows => match self.parse_row()? {
                    Some(RowParse::Row(n)) => {
                        let ranges: Box<[Option<Range<usize>>]> = self.ranges.as_slice().into();
                        let body = self.take(n);
                        return Ok(Step::Row(body, ranges));
                    }
                    Some(RowParse::Trailer) => {
                        self.consume(2);
                        self.stage = ParseStage::Ended;
                    }
                    None => return Ok(Step::NeedMore),
                },
                ParseStage::Ended => {
                    if !self.data().is_empty() {
                        return Err(self.malformed(0, "data after the trailer"));
                    }
                    return Ok(Step::NeedMore);
                }
            }
        }
    }

    /// The stream ended: fine only right after the trailer.
    fn end(&self) -> Result<()> {
        match self.stage {
            ParseStage::Ended => Ok(()),
            ParseStage::Header => Err(self.malformed(self.data().len(), "the data ends before the header")),
            ParseStage::Rows if self.data().is_empty() => Err(self.malformed(0, "the data ends without the trailer")),
            ParseStage::Rows => Err(self.malformed(self.data().len(), "the data ends inside a row")),
        }
    }

    /// The header's length, once all of it is there.
    fn parse_header(&self) -> Result<Option<usize>> {
        let data = self.data();
        let sig = data.len().min(SIGNATURE.len());
        if data[..sig] != SIGNATURE[..sig] {
            return Err(self.malformed(0, "not a binary COPY signature"));
        }
        if data.len() < HEADER_LEN {
            return Ok(None);
        }
        let flags = be_u32(&data[11..15]);
        if flags & (1 << 16) != 0 {
            return Err(self.malformed(11, "the data has OID columns (WITH OIDS), which are not supported"));
        }
        if flags >> 16 != 0 {
            return Err(self.malformed(11, format!("unknown critical flags {flags:#010x}")));
        }
        let ext = be_u32(&data[15..19]) as i32;
        if ext < 0 || ext as usize > MAX_MESSAGE {
            return Err(self.malformed(15, format!("invalid header extension length {ext}")));
        }
        let len = HEADER_LEN + ext as usize;
        Ok((data.len() >= len).then_some(len))
    }

    /// One row (its length, fields in `self.ranges`) or the trailer, if complete.
    fn parse_row(&mut self) -> Result<Option<RowParse>> {
        let mut ranges = std::mem::take(&mut self.ranges);
        let r = self.parse_row_into(&mut ranges);
        self.ranges = ranges;
        r
    }

    fn parse_row_into(&self, ranges: &mut Vec<Option<Range<usize>>>) -> Result<Option<RowParse>> {
        let data = self.data();
        ranges.clear();
        if data.len() < 2 {
            return Ok(None);
        }
        let count = i16::from_be_bytes([data[0], data[1]]);
        if count == -1 {
            return Ok(Some(RowParse::Trailer));
        }
        if count < 0 || count as usize != self.columns {
            return Err(self.malformed(
                0,
                format!("a row has {count} fields, but {} column types were given", self.columns),
            ));
        }
        let mut pos = 2;
        for _ in 0..count {
            if data.len() < pos + 4 {
                return Ok(None);
            }
            let len = be_u32(&data[pos..pos + 4]) as i32;
            pos += 4;
            if len == -1 {
                ranges.push(None);
                continue;
            }
            if len < 0 || len as usize > MAX_MESSAGE {
                return Err(self.malformed(pos - 4, format!("invalid field length {len}")));
            }
            let len = len as usize;
            if data.len() < pos + len {
                return Ok(None);
            }
            ranges.push(Some(pos..pos + len));
            pos += len;
        }
        Ok(Some(RowParse::Row(pos)))
    }
}

fn be_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u32::from_be_bytes(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(rows: &[&[Option<&[u8]>]]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(SIGNATURE);
        b.extend_from_slice(&0i32.to_be_bytes());
        b.extend_from_slice(&0i32.to_be_bytes());
        for row in rows {
            b.extend_from_slice(&(row.len() as i16).to_be_bytes());
            for f in row.iter() {
                match f {
                    None => b.extend_from_slice(&(-1i32).to_be_bytes()),
                    Some(v) => {
                        b.extend_from_slice(&(v.len() as i32).to_be_bytes());
                        b.extend_from_slice(v);
                    }
                }
            }
        }
        b.extend_from_slice(&(-1i16).to_be_bytes());
        b
    }

    /// Feeds `data` in chunks cut at `cuts`, collecting rows as raw fields.
    fn parse(columns: usize, data: &[u8], cuts: &[usize]) -> Result<Vec<Vec<Option<Vec<u8>>>>> {
        let mut p = BinaryParser::new(columns);
        let mut rows = Vec::new();
        let mut start = 0;
        let mut bounds: Vec<usize> = cuts.iter().copied().filter(|c| *c < data.len()).collect();
        bounds.push(data.len());
        for end in bounds {
            p.push(Bytes::copy_from_slice(&data[start..end]))?;
            start = end;
            while let Step::Row(body, ranges) = p.next()? {
                rows.push(ranges.iter().map(|r| r.clone().map(|r| body[r].to_vec())).collect());
            }
        }
        p.end()?;
        Ok(rows)
    }

    #[test]
    fn parses_rows_across_any_chunk_boundary() {
        let rows: &[&[Option<&[u8]>]] = &[
            &[Some(&[0, 0, 0, 1]), Some(b"hello"), None],
            &[Some(&[0, 0, 0, 2]), Some(b""), Some(b"x")],
            &[None, None, None],
        ];
        let data = stream(rows);
        let expected: Vec<Vec<Option<Vec<u8>>>> = rows
            .iter()
            .map(|r| r.iter().map(|f| f.map(<[u8]>::to_vec)).collect())
            .collect();
        assert_eq!(parse(3, &data, &[]).unwrap(), expected);
        for a in 0..data.len() {
            assert_eq!(parse(3, &data, &[a]).unwrap(), expected, "cut at {a}");
            for b in a + 1..data.len() {
                assert_eq!(parse(3, &data, &[a, b]).unwrap(), expected, "cuts at {a}, {b}");
            }
        }
        // One byte at a time.
        let all: Vec<usize> = (1..data.len()).collect();
        assert_eq!(parse(3, &data, &all).unwrap(), expected);
    }

    #[test]
    fn header_extension_is_skipped() {
        let mut data = stream(&[&[Some(b"a")]]);
        data[15..19].copy_from_slice(&3i32.to_be_bytes());
        data.splice(19..19, [9, 9, 9]);
        assert_eq!(parse(1, &data, &[20]).unwrap(), vec![vec![Some(b"a".to_vec())]]);
    }

    fn malformed(columns: usize, data: &[u8]) -> String {
        let e = parse(columns, data, &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode);
        e.to_string()
    }

    #[test]
    fn malformed_streams_are_errors() {
        let good = stream(&[&[Some(b"abc"), None]]);
        assert!(malformed(2, b"PGCOPZ").contains("signature"));
        assert!(malformed(2, b"hello, world\n").contains("signature"));
        assert!(malformed(2, &good[..5]).contains("before the header"));
        assert!(malformed(3, &good).contains("a row has 2 fields, but 3"));
        assert!(malformed(2, &good[..good.len() - 2]).contains("without the trailer"));
        assert!(malformed(2, &good[..good.len() - 5]).contains("inside a row"));

        let mut oids = good.clone();
        oids[12] = 1; // flag bit 16
        assert!(malformed(2, &oids).contains("OID"));
        let mut critical = good.clone();
        critical[11] = 0x80;
        assert!(malformed(2, &critical).contains("critical"));
        let mut negative_ext = good.clone();
        negative_ext[15] = 0xff;
        assert!(malformed(2, &negative_ext).contains("extension"));

        let mut bad_len = good.clone();
        bad_len[21..25].copy_from_slice(&(-7i32).to_be_bytes());
        let msg = malformed(2, &bad_len);
        assert!(
            msg.contains("invalid field length -7") && msg.contains("at byte 21"),
            "{msg}"
        );

        let mut huge = good.clone();
        huge[21..25].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(malformed(2, &huge).contains("invalid field length"));

        let mut after = good.clone();
        after.push(0);
        assert!(malformed(2, &after).contains("after the trailer"));
        let mut p = BinaryParser::new(2);
        p.push(Bytes::from(good)).unwrap();
        while let Step::Row(..) = p.next().unwrap() {}
        assert!(
            p.push(Bytes::from_static(b"x"))
                .unwrap_err()
                .to_string()
                .contains("after the trailer")
        );
    }

    #[test]
    fn garbage_never_panics() {
        let good = stream(&[&[Some(b"abc"), None], &[Some(b""), Some(b"zz")]]);
        // Every single-byte corruption: an error or a result, never a panic.
        for i in 0..good.len() {
            for v in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut d = good.clone();
                d[i] = v;
                let _ = parse(2, &d, &[i / 2, i + 1]);
            }
        }
    }

    #[test]
    fn copy_tags() {
        assert_eq!(copy_count("COPY 1000000"), 1_000_000);
        assert_eq!(copy_count("COPY 0"), 0);
        assert_eq!(copy_count("INSERT 0 5"), 0);
        assert_eq!(copy_count("COPY"), 0);
    }
}
