//! Cancelling a running query, from anywhere.
//!
//! PostgreSQL cancels through a *second* connection: the client opens a new socket to
//! the same server and sends a CancelRequest carrying the backend's process id and
//! secret key (4 bytes in protocol 3.0, up to 256 in 3.2 — tusk always sends the whole
//! key it was given). The server answers nothing and closes the socket; the query, if
//! still running, fails with SQLSTATE 57014 (`query_canceled`).
//!
//! [`CancelToken`] is `Clone + Send + Sync`: take one with [`Connection::cancel_token`]
//! and hand it to another task. tusk also cancels for you: when a request's future is
//! dropped before it finished, or a query timeout fires (see
//! [`Connection::set_query_timeout`]), a cancel is sent and the connection reads up to
//! the end of the abandoned reply before its next request, so it stays usable.
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
//! let token = conn.cancel_token();
//! tokio::spawn(async move {
//!     tokio::time::sleep(std::time::Duration::from_millis(100)).await;
//!     let _ = token.cancel().await;
//! });
//! let err = conn.execute("SELECT pg_sleep(30)", &[]).await.unwrap_err();
//! assert_eq!(err.code(), Some("57014"));
//! # Ok(()) }
//! ```

use crate::config::{Config, Target};
use crate::connection::{Connection, SessionInfo};
use crate::error::{Error, ErrorKind, Result};
use bytes::{Bytes, BytesMut};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tusk_proto::frontend;

/// Default time allowed for delivering a cancel request.
pub const DEFAULT_CANCEL_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything needed to cancel the current query of one connection, usable from any
/// task. See the [module docs](self).
#[derive(Clone)]
pub struct CancelToken {
    config: Arc<Config>,
    target: Target,
    process_id: i32,
    secret_key: Bytes,
    timeout: Duration,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("target", &self.target)
            .field("process_id", &self.process_id)
            .field("key_len", &self.secret_key.len())
            .finish_non_exhaustive()
    }
}

impl CancelToken {
    /// Asks the server to cancel whatever the connection is running now. Returns once
    /// the request was delivered (the server confirms nothing); a query that had
    /// already finished is unaffected.
    pub async fn cancel(&self) -> Result<()> {
        match tokio::time::timeout(self.timeout, self.send()).await {
            Ok(r) => r,
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!("delivering the cancel request took longer than {:?}", self.timeout),
            )),
        }
    }

    async fn send(&self) -> Result<()> {
        let mut stream = crate::connect::open_for_cancel(&self.config, &self.target).await?;
        let mut buf = BytesMut::new();
        frontend::cancel_request(&mut buf, self.process_id, &self.secret_key)
            .map_err(|e| Error::with_source(ErrorKind::Encode, "cannot encode the cancel request", e))?;
        stream.write_all(&buf).await.map_err(Error::io)?;
        stream.flush().await.map_err(Error::io)?;
        // The server closes the socket once it has processed the request; waiting for
        // that makes "cancel() returned" mean "the server has seen it".
        let mut sink = [0u8; 64];
        let _ = stream.read(&mut sink).await;
        Ok(())
    }

    /// The backend process this token cancels.
    pub fn process_id(&self) -> i32 {
        self.process_id
    }
}

impl CancelToken {
    pub(crate) fn for_session(info: &SessionInfo) -> CancelToken {
        CancelToken {
            config: info.config.clone(),
            target: info.target.clone(),
            process_id: info.process_id,
            secret_key: info.secret_key.clone(),
            timeout: info.cancel_timeout,
        }
    }
}

impl Connection {
    /// A token that cancels this connection's running query from any task.
    pub fn cancel_token(&self) -> CancelToken {
        CancelToken::for_session(self.session())
    }
}
