//! Peeking: receiving a datagram, or only its sender, without taking it
//! off the queue.

use super::{inet, UdpSocket};
use crate::stream::try_io;
use crate::uninit::fill_read_buf;
use runtime_core::ReadBuf;
use runtime_reactor::io::Direction;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

impl UdpSocket {
    /// Copies the next datagram into `buf` without removing it from the
    /// queue, waiting until one arrives; returns its length (truncated to
    /// `buf`) and its source. The next receive returns the same datagram.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"peek", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let (n, from) = b.peek_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr()?));
    /// // Still queued:
    /// let (n, _) = b.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"peek");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: peeking consumes nothing, and data is copied only in the
    /// poll that returns it.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| {
            self.io
                .poll_read_io(cx, || self.io.get_ref().peek_from(buf))
        })
        .await
    }

    /// Copies the next datagram from the connected peer into `buf` without
    /// removing it from the queue, waiting until one arrives; returns its
    /// length (truncated to `buf`). The next receive returns it again.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"look", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// assert_eq!(b.peek(&mut buf).await?, 4);
    /// assert_eq!(b.recv(&mut buf).await?, 4); // still queued
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: peeking consumes nothing.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_read_io(cx, || self.io.get_ref().peek(buf))).await
    }

    /// As [`peek`](UdpSocket::peek), into `buf`'s unfilled part, or
    /// registers the task to be woken when a datagram arrives. The
    /// datagram (truncated to the space left) is appended to
    /// `buf.filled()` and stays queued.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::ReadBuf;
    /// use runtime::net::UdpSocket;
    /// use std::future::poll_fn;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"peeked", b.local_addr()?).await?;
    /// let mut storage = [0; 16];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// poll_fn(|cx| b.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"peeked");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_io(cx, || {
            fill_read_buf(buf, |slots| Ok((self.sock().peek(slots)?, ())))
        })
    }

    /// As [`peek`](UdpSocket::peek), without waiting: fails with
    /// `WouldBlock` when no datagram is queued.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # socket.connect(socket.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// let err = socket.try_peek(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        try_io(&self.io, Direction::Read, |s| s.peek(buf))
    }

    /// As [`peek_from`](UdpSocket::peek_from), into `buf`'s unfilled part,
    /// or registers the task to be woken when a datagram arrives; returns
    /// the datagram's source and leaves it queued.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::ReadBuf;
    /// use runtime::net::UdpSocket;
    /// use std::future::poll_fn;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"who", b.local_addr()?).await?;
    /// let mut storage = [0; 16];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await?;
    /// assert_eq!((buf.filled(), from), (&b"who"[..], a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_io(cx, || {
            fill_read_buf(buf, |slots| {
                let (n, addr) = self.sock().peek_from(slots)?;
                Ok((n, inet(addr)?))
            })
        })
    }

    /// As [`peek_from`](UdpSocket::peek_from), without waiting: fails with
    /// `WouldBlock` when no datagram is queued.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// let err = socket.try_peek_from(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        try_io(&self.io, Direction::Read, |s| s.peek_from(buf))
    }

    /// The source address of the next datagram, waiting until one arrives;
    /// the datagram stays queued. Cheaper than
    /// [`peek_from`](UdpSocket::peek_from) when only the sender matters
    /// (to choose a buffer, or a handler).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"x", b.local_addr()?).await?;
    /// assert_eq!(b.peek_sender().await?, a.local_addr()?);
    /// let mut buf = [0; 1];
    /// assert_eq!(b.recv_from(&mut buf).await?, (1, a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: peeking consumes nothing.
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        poll_fn(|cx| self.poll_peek_sender(cx)).await
    }

    /// As [`peek_sender`](UdpSocket::peek_sender), or registers the task to
    /// be woken when a datagram arrives.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    /// use std::future::poll_fn;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"x", b.local_addr()?).await?;
    /// let from = poll_fn(|cx| b.poll_peek_sender(cx)).await?;
    /// assert_eq!(from, a.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_io(cx, || self.peek_sender_once())
    }

    /// As [`peek_sender`](UdpSocket::peek_sender), without waiting: fails
    /// with `WouldBlock` when no datagram is queued.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let err = socket.try_peek_sender().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        try_io(&self.io, Direction::Read, |_| self.peek_sender_once())
    }

    fn peek_sender_once(&self) -> io::Result<SocketAddr> {
        inet(self.sock().peek_sender()?)
    }
}
