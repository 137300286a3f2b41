//! Transactions, savepoints, and retrying serialization failures.
//!
//! [`Connection::transaction`] sends `BEGIN` and returns a [`Transaction`] that derefs
//! to the connection, so every query method works on it. It ends with
//! [`Transaction::commit`] or [`Transaction::rollback`]. If it is dropped without
//! either (an early `?` return, a panic, a cancelled future), the connection notes that
//! it owes a `ROLLBACK` and sends it before its next request — nothing blocks in `Drop`.
//!
//! Nested transactions are savepoints: [`Transaction::savepoint`] (named) or
//! [`Transaction::transaction`] (auto-named); committing one releases it, rolling back
//! (or dropping) rolls back to it.
//!
//! [`Connection::transaction_with`] runs a closure in a transaction, commits on `Ok`,
//! rolls back on `Err`, and retries the whole closure on serialization failures
//! (40001) and deadlocks (40P01) as a [`RetryPolicy`] allows.
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
//! use tusk::transaction::{IsolationLevel, RetryPolicy, TransactionOptions};
//! let opts = TransactionOptions::new().isolation(IsolationLevel::Serializable);
//! let balance: i64 = conn
//!     .transaction_with(opts, RetryPolicy::default(), async |tx| {
//!         tx.execute("UPDATE accounts SET balance = balance - 10 WHERE id = 1", &[]).await?;
//!         tx.query_one("SELECT balance FROM accounts WHERE id = 1", &[]).await?.get(0)
//!     })
//!     .await?;
//! # let _ = balance; Ok(()) }
//! ```

use crate::connection::Connection;
use crate::error::{Error, ErrorKind, Result};
use crate::notify::quote_ident;
use std::ops::{Deref, DerefMut};
use std::time::Duration;
use tusk_proto::backend::TransactionStatus;

/// Isolation levels of `BEGIN ISOLATION LEVEL …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    /// READ UNCOMMITTED (PostgreSQL treats it as READ COMMITTED).
    ReadUncommitted,
    /// READ COMMITTED (PostgreSQL's default).
    ReadCommitted,
    /// REPEATABLE READ.
    RepeatableRead,
    /// SERIALIZABLE.
    Serializable,
}

impl IsolationLevel {
    fn sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }
}

/// How to start a transaction: isolation level, access mode, deferrable.
///
/// ```
/// use tusk::transaction::{IsolationLevel, TransactionOptions};
/// let o = TransactionOptions::new().isolation(IsolationLevel::Serializable).read_only(true).deferrable(true);
/// assert_eq!(o.begin_sql(), "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE");
/// assert_eq!(TransactionOptions::new().begin_sql(), "BEGIN");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransactionOptions {
    isolation: Option<IsolationLevel>,
    read_only: Option<bool>,
    deferrable: Option<bool>,
}

impl TransactionOptions {
    /// The server's defaults.
    pub fn new() -> TransactionOptions {
        TransactionOptions::default()
    }

    /// Sets the isolation level.
    pub fn isolation(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }

    /// READ ONLY (`true`) or READ WRITE (`false`).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = Some(read_only);
        self
    }

    /// DEFERRABLE (`true`) or NOT DEFERRABLE (`false`); matters for serializable
    /// read-only transactions.
    pub fn deferrable(mut self, deferrable: bool) -> Self {
        self.deferrable = Some(deferrable);
        self
    }

    /// The `BEGIN` statement these options make.
    pub fn begin_sql(&self) -> String {
        let mut sql = String::from("BEGIN");
        if let Some(l) = self.isolation {
            sql.push_str(" ISOLATION LEVEL ");
            sql.push_str(l.sql());
        }
        match self.read_only {
            Some(true) => sql.push_str(" READ ONLY"),
            Some(false) => sql.push_str(" READ WRITE"),
            None => {}
        }
        match self.deferrable {
            Some(true) => sql.push_str(" DEFERRABLE"),
            Some(false) => sql.push_str(" NOT DEFERRABLE"),
            None => {}
        }
        sql
    }
}

/// When and how often [`Connection::transaction_with`] retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Delay before the first retry; doubled each time, up to `max_delay`. Each delay is
    /// jittered: a random value between half and all of it.
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn never() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    fn delay(&self, retry: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << retry.min(20));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + capped.mul_f64(rand::random::<f64>() * 0.5)
    }
}

/// Whether an error is worth retrying the whole transaction for.
fn retryable(e: &Error) -> bool {
    matches!(e.code(), Some("40001") | Some("40P01"))
}

/// An open transaction or savepoint; derefs to the [`Connection`].
pub struct Transaction<'c> {
    conn: &'c mut Connection,
    /// `None` for the top level, the savepoint's name when nested.
    savepoint: Option<String>,
    depth: u32,
    done: bool,
}

impl Connection {
    /// `BEGIN`s a transaction with the server's default options.
    pub async fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.transaction_opts(TransactionOptions::new()).await
    }

    /// `BEGIN`s a transaction with these options.
    pub async fn transaction_opts(&mut self, options: TransactionOptions) -> Result<Transaction<'_>> {
        if self.transaction_status() != TransactionStatus::Idle {
            // Let an owed ROLLBACK go out first; then the status is known.
            self.begin_request().await?;
        }
        if self.transaction_status() != TransactionStatus::Idle {
            return Err(Error::new(
                ErrorKind::Encode,
                "a transaction block is already open on this connection (use a savepoint to nest)",
            ));
        }
        self.batch_execute(&options.begin_sql()).await?;
        Ok(Transaction {
            conn: self,
            savepoint: None,
            depth: 0,
            done: false,
        })
    }

    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back on `Err`, and
    /// retries the whole closure on serialization failure or deadlock under `retry`.
    pub async fn transaction_with<T>(
        &mut self,
        options: TransactionOptions,
        retry: RetryPolicy,
        mut f: impl AsyncFnMut(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = self.transaction_opts(options).await?;
            let result = match f(&mut tx).await {
                Ok(v) => tx.commit().await.map(|_| v),
                Err(e) => {
                    // Roll back now; a rollback failure is secondary to the closure's error.
                    let _ = tx.rollback().await;
                    Err(e)
                }
            };
            match result {
                Err(e) if retryable(&e) && attempt < retry.max_attempts.max(1) => {
                    tracing::debug!(target: "tusk::transaction", attempt, "retrying after {e}");
                    tokio::time::sleep(retry.delay(attempt - 1)).await;
                }
                r => return r,
            }
        }
    }
}

impl<'c> Transaction<'c> {
    /// Commits (or releases the savepoint). A transaction the server has marked failed
    /// is not committed: this returns an error, and the transaction is rolled back.
    pub async fn commit(mut self) -> Result<()> {
        if self.conn.transaction_status() == TransactionStatus::Failed {
            // Dropping self (not done) owes the rollback.
            return Err(Error::new(
                ErrorKind::Server,
                "cannot commit: the transaction failed earlier and was rolled back",
            ));
        }
        let sql = match &self.savepoint {
            None => "COMMIT".to_string(),
            Some(name) => format!("RELEASE SAVEPOINT {}", quote_ident(name)),
        };
        self.done = true;
        self.conn.batch_execute(&sql).await
    }

    /// Rolls back (or back to the savepoint, then releases it).
    pub async fn rollback(mut self) -> Result<()> {
        self.done = true;
        let sql = self.rollback_sql();
        self.conn.batch_execute(&sql).await
    }

    fn rollback_sql(&self) -> String {
        match &self.savepoint {
            None => "ROLLBACK".to_string(),
            Some(name) => {
                let q = quote_ident(name);
                format!("ROLLBACK TO SAVEPOINT {q}; RELEASE SAVEPOINT {q}")
            }
        }
    }

    /// A nested transaction as a named savepoint.
    pub async fn savepoint(&mut self, name: &str) -> Result<Transaction<'_>> {
        self.conn
            .batch_execute(&format!("SAVEPOINT {}", quote_ident(name)))
            .await?;
        Ok(Transaction {
            conn: self.conn,
            savepoint: Some(name.to_string()),
            depth: self.depth + 1,
            done: false,
        })
    }

    /// A nested transaction with an automatic savepoint name.
    pub async fn transaction(&mut self) -> Result<Transaction<'_>> {
        let name = format!("tusk_sp_{}", self.depth + 1);
        self.savepoint(&name).await
    }

    /// How deep this is: 0 for the transaction, 1 for a savepoint inside it, …
    pub fn depth(&self) -> u32 {
        self.depth
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let sql = self.rollback_sql();
            self.conn.owe_cleanup(sql);
        }
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl DerefMut for Transaction<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
    }
}
