//! LISTEN / NOTIFY.
//!
//! Notifications arrive whenever the server has one to deliver, in between or in the
//! middle of other replies. The connection puts each in a bounded queue as it reads; it
//! never drops one silently: when the queue is full the newest is refused, the refusal is
//! counted, and the consumer is told (an [`ErrorKind::Overflow`] item in the stream, and
//! [`Connection::notifications_dropped`]).
//!
//! Ways to consume them:
//! - [`Connection::take_notifications`]: whatever has arrived so far;
//! - [`Connection::wait_for_notification`]: reads the socket until one arrives or a
//!   timeout passes (a `Connection` reads only while you call it);
//! - [`Connection::notification_stream`]: a `Stream` that another task can own; it is
//!   fed whenever the connection reads (during queries or `wait_for_notification`);
//! - [`crate::Client::notification_stream`]: the same for a `Client`, whose task reads
//!   all the time, so notifications flow even while no query runs.
//!
//! ```no_run
//! # async fn f(conn: &mut tusk::Connection) -> tusk::Result<()> {
//! conn.listen("Jobs Ready").await?;           // quoted for you: mixed case, spaces
//! conn.notify("Jobs Ready", "42").await?;      // payload is a parameter: no quoting bugs
//! let n = conn.wait_for_notification(std::time::Duration::from_secs(5)).await?;
//! assert_eq!(n.map(|n| n.payload), Some("42".to_string()));
//! # Ok(()) }
//! ```

use crate::connection::{Connection, Notification};
use crate::error::{Error, ErrorKind, Result};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// The connection's end of the notification queue.
pub(crate) struct NotificationQueue {
    tx: mpsc::Sender<Notification>,
    rx: Option<mpsc::Receiver<Notification>>,
    dropped: Arc<AtomicU64>,
}

impl NotificationQueue {
    pub(crate) fn new(capacity: usize) -> NotificationQueue {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        NotificationQueue {
            tx,
            rx: Some(rx),
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    pub(crate) fn push(&self, n: Notification) {
        if self.tx.try_send(n).is_err() {
            let total = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::warn!(target: "tusk::notify", dropped = total, "notification queue full; a notification was refused");
        }
    }

    pub(crate) fn try_pop(&mut self) -> Option<Notification> {
        self.rx.as_mut()?.try_recv().ok()
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub(crate) fn take_stream(&mut self) -> Option<NotificationStream> {
        let rx = self.rx.take()?;
        Some(NotificationStream {
            rx,
            dropped: self.dropped.clone(),
            reported: 0,
        })
    }
}

/// Notifications as a `futures_core::Stream`, consumable from any task. Items are
/// `Err` (kind [`ErrorKind::Overflow`]) when notifications had to be refused because
/// the queue was full, saying how many; the stream then goes on.
pub struct NotificationStream {
    rx: mpsc::Receiver<Notification>,
    dropped: Arc<AtomicU64>,
    reported: u64,
}

impl NotificationStream {
    /// The next notification; `None` once the connection is gone.
    pub async fn next(&mut self) -> Option<Result<Notification>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Notification>>> {
        let dropped = self.dropped.load(Ordering::Relaxed);
        if dropped > self.reported {
            let n = dropped - self.reported;
            self.reported = dropped;
            return Poll::Ready(Some(Err(Error::new(
                ErrorKind::Overflow,
                format!("{n} notification(s) were refused because the queue was full"),
            ))));
        }
        self.rx.poll_recv(cx).map(|o| o.map(Ok))
    }
}

impl futures_core::Stream for NotificationStream {
    type Item = Result<Notification>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

/// Quotes an SQL identifier: `Jobs "A"` → `"Jobs ""A"""`.
///
/// ```
/// assert_eq!(tusk::quote_ident("Mixed Case"), "\"Mixed Case\"");
/// assert_eq!(tusk::quote_ident("a\"b"), "\"a\"\"b\"");
/// ```
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Connection {
    /// `LISTEN` on a channel (the name is quoted: case and spaces are kept).
    pub async fn listen(&mut self, channel: &str) -> Result<()> {
        self.batch_execute(&format!("LISTEN {}", quote_ident(channel))).await
    }

    /// `UNLISTEN` a channel; `"*"` is not special here — use [`Connection::unlisten_all`].
    pub async fn unlisten(&mut self, channel: &str) -> Result<()> {
        self.batch_execute(&format!("UNLISTEN {}", quote_ident(channel))).await
    }

    /// `UNLISTEN *`.
    pub async fn unlisten_all(&mut self) -> Result<()> {
        self.batch_execute("UNLISTEN *").await
    }

    /// Sends a notification through `pg_notify`, with channel and payload as parameters.
    pub async fn notify(&mut self, channel: &str, payload: &str) -> Result<()> {
        self.execute("SELECT pg_notify($1, $2)", &[&channel, &payload])
            .await
            .map(drop)
    }

    /// Takes the notifications received so far, oldest first (empty once the stream
    /// was taken with [`Connection::notification_stream`]).
    pub fn take_notifications(&mut self) -> Vec<Notification> {
        let mut v = Vec::new();
        while let Some(n) = self.notifications.try_pop() {
            v.push(n);
        }
        v
    }

    /// How many notifications were refused because the queue was full.
    pub fn notifications_dropped(&self) -> u64 {
        self.notifications.dropped()
    }

    /// Takes the notification stream, to consume in another task. Only once; `None`
    /// afterwards.
    pub fn notification_stream(&mut self) -> Option<NotificationStream> {
        self.notifications.take_stream()
    }

    /// Waits up to `timeout` for a notification, reading the socket meanwhile. `Ok(None)`
    /// if none came in time. Fails if the stream was taken.
    pub async fn wait_for_notification(&mut self, timeout: Duration) -> Result<Option<Notification>> {
        if self.notifications.rx.is_none() {
            return Err(Error::new(
                ErrorKind::Closed,
                "the notification stream was taken; read notifications from it instead",
            ));
        }
        if let Some(n) = self.notifications.try_pop() {
            return Ok(Some(n));
        }
        self.begin_request().await?;
        let wait = std::future::poll_fn(|cx| self.poll_until_notification(cx));
        match tokio::time::timeout(timeout, wait).await {
            Ok(r) => r.map(|_| self.notifications.try_pop()),
            Err(_) => Ok(self.notifications.try_pop()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(i: i32) -> Notification {
        Notification {
            process_id: i,
            channel: "c".into(),
            payload: i.to_string(),
        }
    }

    #[tokio::test]
    async fn overflow_is_counted_and_reported_in_the_stream() {
        let mut q = NotificationQueue::new(3);
        for i in 0..5 {
            q.push(n(i));
        }
        assert_eq!(q.dropped(), 2);
        let mut s = q.take_stream().unwrap();
        assert!(q.take_stream().is_none());
        // Everything refused before the stream was taken is reported first.
        let e = s.next().await.unwrap().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Overflow);
        assert!(e.to_string().contains("2 notification"), "{e}");
        for i in 0..3 {
            assert_eq!(s.next().await.unwrap().unwrap().process_id, i);
        }
        q.push(n(7));
        q.push(n(8));
        q.push(n(9));
        q.push(n(10)); // refused
        let e = s.next().await.unwrap().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Overflow);
        assert!(e.to_string().contains("1 notification"), "{e}");
        assert_eq!(s.next().await.unwrap().unwrap().process_id, 7);
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("plain"), "\"plain\"");
        assert_eq!(quote_ident("Mixed Case"), "\"Mixed Case\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
