//! Prepared statements.
//!
//! A [`Statement`] names a statement prepared on one connection, with the parameter
//! types and result columns the server reported. Dropping the last clone queues a Close
//! that the connection sends before its next request — no blocking in `Drop`.

use crate::row::Column;
use std::sync::{Arc, Mutex, Weak};
use tusk_types::Type;

/// Names of statements whose handles were dropped, waiting to be closed on the server.
pub(crate) type CloseQueue = Arc<Mutex<Vec<String>>>;

/// A statement prepared on a connection.
///
/// ```no_run
/// # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
/// let stmt = conn.prepare("SELECT $1::int8 + 1").await?;
/// assert_eq!(stmt.params(), &[tusk::types::Type::INT8]);
/// let row = conn.query_one(&stmt, &[&41i64]).await?;
/// assert_eq!(row.get::<i64>(0)?, 42);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Statement(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    name: String,
    sql: String,
    params: Vec<Type>,
    columns: Arc<[Column]>,
    result_formats: Box<[i16]>,
    connection_id: u64,
    close_queue: Option<Weak<Mutex<Vec<String>>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(q) = self.close_queue.as_ref().and_then(Weak::upgrade)
            && let Ok(mut q) = q.lock()
        {
            q.push(std::mem::take(&mut self.name));
        }
    }
}

impl Statement {
    pub(crate) fn new(
        name: String,
        sql: String,
        params: Vec<Type>,
        columns: Arc<[Column]>,
        connection_id: u64,
        close_queue: Option<&CloseQueue>,
    ) -> Statement {
        Statement(Arc::new(Inner {
            name,
            sql,
            params,
            result_formats: crate::connection::result_formats(&columns).into(),
            columns,
            connection_id,
            close_queue: close_queue.map(Arc::downgrade),
        }))
    }

    /// The statement's name on the server ("" for the unnamed statement).
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The SQL text the statement was prepared from.
    pub fn sql(&self) -> &str {
        &self.0.sql
    }

    /// Parameter types, as the server inferred or was told.
    pub fn params(&self) -> &[Type] {
        &self.0.params
    }

    /// Result columns (empty for statements that return no rows).
    pub fn columns(&self) -> &[Column] {
        &self.0.columns
    }

    pub(crate) fn columns_arc(&self) -> &Arc<[Column]> {
        &self.0.columns
    }

    /// Result format codes for Bind: one code when all columns share it.
    pub(crate) fn result_formats(&self) -> &[i16] {
        &self.0.result_formats
    }

    pub(crate) fn connection_id(&self) -> u64 {
        self.0.connection_id
    }
}
