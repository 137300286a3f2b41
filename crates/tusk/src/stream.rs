//! The byte stream under a connection: TCP, a unix-domain socket, or TLS over TCP.
//!
//! Everything above reads and writes through [`Stream`] and does not care which it is.
//! The TLS variant is boxed: a rustls session is large, and plain streams should not pay
//! for it in every `Connection`.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
#[cfg(unix)]
use tokio::net::UnixStream;

/// A connected socket.
#[derive(Debug)]
pub(crate) enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Stream {
    /// Reads the TCP keepalive options back from the socket.
    pub(crate) fn keepalives(&self) -> Option<crate::config::Keepalives> {
        let tcp = match self {
            Stream::Tcp(s) => s,
            Stream::Tls(s) => s.get_ref().0,
            #[cfg(unix)]
            Stream::Unix(_) => return None,
            #[allow(unreachable_patterns)]
            _ => return None,
        };
        let sock = socket2::SockRef::from(tcp);
        let enabled = sock.keepalive().ok()?;
        #[cfg(target_os = "linux")]
        let (idle, interval, count, user_timeout) = (
            sock.keepalive_time().ok(),
            sock.keepalive_interval().ok(),
            sock.keepalive_retries().ok(),
            sock.tcp_user_timeout().ok().flatten(),
        );
        #[cfg(not(target_os = "linux"))]
        let (idle, interval, count, user_timeout) = (None, None, None, None);
        Some(crate::config::Keepalives {
            enabled,
            idle,
            interval,
            count,
            user_timeout,
        })
    }

    pub(crate) fn is_unix(&self) -> bool {
        match self {
            Stream::Tcp(_) | Stream::Tls(_) => false,
            #[cfg(unix)]
            Stream::Unix(_) => true,
        }
    }

    /// Whether the bytes are encrypted on the wire (TLS). A cleartext password is sent
    /// over unencrypted TCP only when `require_auth` names `password`.
    pub(crate) fn is_encrypted(&self) -> bool {
        match self {
            Stream::Tcp(_) => false,
            #[cfg(unix)]
            Stream::Unix(_) => false,
            Stream::Tls(_) => true,
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(&mut **s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(&mut **s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(&mut **s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(&mut **s).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            #[cfg(unix)]
            Stream::Unix(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(&mut **s).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Tcp(s) => s.is_write_vectored(),
            #[cfg(unix)]
            Stream::Unix(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }
}
