//! Sending and receiving datagrams: async, `poll_*`, `try_*`, and into
//! `bytes` buffers.

use super::{inet, UdpSocket};
use crate::addr::{first_addr, ToSocketAddrs};
use crate::stream::try_io;
use crate::uninit::fill_read_buf;
use runtime_core::ReadBuf;
use runtime_reactor::io::Direction;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

impl UdpSocket {
    /// Sends `buf` as one datagram to the peer set by
    /// [`connect`](UdpSocket::connect), waiting while the send buffer is
    /// full, and returns the number of bytes sent. Fails if no peer is set.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// assert_eq!(a.send(b"hello").await?, 5);
    /// let mut buf = [0; 16];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the datagram goes out in the single syscall of the poll
    /// that returns `Ready`; if the future is dropped while waiting, nothing
    /// was sent. A datagram is never sent in part.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        #[cfg(feature = "sim")]
        if let Some(s) = self.io.sim() {
            return crate::sim::udp_send(s, buf);
        }
        poll_fn(|cx| self.io.poll_write_io(cx, || self.io.get_ref().send(buf))).await
    }

    /// Receives one datagram from the peer set by
    /// [`connect`](UdpSocket::connect) into `buf`, waiting until one arrives,
    /// and returns its length. A datagram longer than `buf` is truncated.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// b.send(b"hi there").await?;
    /// let mut buf = [0; 2];
    /// let n = a.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hi"); // the rest is dropped
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is taken off the queue only by the syscall of
    /// the poll that returns it. If the future is dropped while waiting, no
    /// datagram was received, and the next receive gets the next datagram.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(feature = "sim")]
        if let Some(s) = self.io.sim() {
            return crate::sim::udp_recv_from(s, buf).await.map(|(n, _)| n);
        }
        poll_fn(|cx| self.io.poll_read_io(cx, || self.io.get_ref().recv(buf))).await
    }

    /// Sends `buf` as one datagram to `target`, waiting while the send
    /// buffer is full, and returns the number of bytes sent. A host name in
    /// `target` is resolved first (on the blocking pool) and the datagram
    /// goes to its first address.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(a.send_to(b"ping", b.local_addr()?).await?, 4);
    /// let mut buf = [0; 16];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: if the future is dropped during the lookup or while
    /// waiting for room, nothing was sent; the datagram is sent whole, in the
    /// poll that returns `Ready`.
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let target = first_addr(target).await?;
        #[cfg(feature = "sim")]
        if let Some(s) = self.io.sim() {
            return Ok(s.send_to(buf, target));
        }
        poll_fn(|cx| {
            self.io
                .poll_write_io(cx, || self.io.get_ref().send_to(buf, target))
        })
        .await
    }

    /// Receives one datagram into `buf`, waiting until one arrives, and
    /// returns its length and the address it came from. A datagram longer
    /// than `buf` is truncated, as with std.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"one", b.local_addr()?).await?;
    /// a.send_to(b"two", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// for expected in [&b"one"[..], b"two"] {
    ///     let (n, from) = b.recv_from(&mut buf).await?;
    ///     assert_eq!(&buf[..n], expected);
    ///     assert_eq!(from, a.local_addr()?);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is taken off the queue only by the syscall of
    /// the poll that returns it. If the future is dropped (say, another
    /// `select!` branch won), no datagram was received, and the next
    /// `recv_from` gets it.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        #[cfg(feature = "sim")]
        if let Some(s) = self.io.sim() {
            return crate::sim::udp_recv_from(s, buf).await;
        }
        poll_fn(|cx| {
            self.io
                .poll_read_io(cx, || self.io.get_ref().recv_from(buf))
        })
        .await
    }

    /// Sends `buf` as one datagram to the connected peer without waiting;
    /// fails with `WouldBlock` when the send buffer is full (then
    /// [`writable`](UdpSocket::writable) waits for room).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// assert_eq!(a.try_send(b"quick")?, 5);
    /// let mut buf = [0; 16];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"quick");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        try_io(&self.io, Direction::Write, |s| s.send(buf))
    }

    /// Sends `buf` as one datagram to `target` without waiting; fails with
    /// `WouldBlock` when the send buffer is full (then
    /// [`writable`](UdpSocket::writable) waits for room).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(a.try_send_to(b"quick", b.local_addr()?)?, 5);
    /// let mut buf = [0; 16];
    /// let (n, _) = b.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"quick");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        try_io(&self.io, Direction::Write, |s| s.send_to(buf, target))
    }

    /// Receives one datagram from the connected peer without waiting; fails
    /// with `WouldBlock` when none is queued (then
    /// [`readable`](UdpSocket::readable) waits for one).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let err = a.try_recv(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        try_io(&self.io, Direction::Read, |s| s.recv(buf))
    }

    /// Receives one datagram and its source address without waiting; fails
    /// with `WouldBlock` when none is queued (then
    /// [`readable`](UdpSocket::readable) waits for one).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 16];
    /// let err = socket.try_recv_from(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        try_io(&self.io, Direction::Read, |s| s.recv_from(buf))
    }

    /// Sends `buf` as one datagram to the connected peer, or registers the
    /// task to be woken when the send buffer has room. The building block
    /// of [`send`](UdpSocket::send) for hand-written futures and `Sink`s.
    ///
    /// Returns `Poll::Pending` while the buffer is full, and `Poll::Ready`
    /// with the number of bytes sent or the error.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    /// use std::future::poll_fn;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// let n = poll_fn(|cx| a.poll_send(cx, b"polled")).await?;
    /// assert_eq!(n, 6);
    /// let mut buf = [0; 16];
    /// let (n, _) = b.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"polled");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_io(cx, || self.io.get_ref().send(buf))
    }

    /// Receives one datagram from the connected peer into `buf`'s unfilled
    /// part, or registers the task to be woken when one arrives. On
    /// success the datagram (truncated to the space left) is appended to
    /// `buf.filled()`. The building block of [`recv`](UdpSocket::recv).
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
    /// a.send_to(b"hello", b.local_addr()?).await?;
    ///
    /// let mut storage = [0; 16];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"hello");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_io(cx, || {
            fill_read_buf(buf, |slots| Ok((self.sock().recv(slots)?, ())))
        })
    }

    /// Sends `buf` as one datagram to `target`, or registers the task to be
    /// woken when the send buffer has room. The building block of
    /// [`send_to`](UdpSocket::send_to), with the address already resolved.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    /// use std::future::poll_fn;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// let to = b.local_addr()?;
    /// assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"hi", to)).await?, 2);
    /// let mut buf = [0; 4];
    /// assert_eq!(b.recv_from(&mut buf).await?, (2, a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .poll_write_io(cx, || self.io.get_ref().send_to(buf, target))
    }

    /// Receives one datagram into `buf`'s unfilled part and returns its
    /// source, or registers the task to be woken when one arrives. The
    /// datagram (truncated to the space left) is appended to
    /// `buf.filled()`. The building block of
    /// [`recv_from`](UdpSocket::recv_from).
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
    /// a.send_to(b"from a", b.local_addr()?).await?;
    ///
    /// let mut storage = [std::mem::MaybeUninit::uninit(); 16];
    /// let mut buf = ReadBuf::uninit(&mut storage);
    /// let from = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!((buf.filled(), from), (&b"from a"[..], a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_io(cx, || {
            fill_read_buf(buf, |slots| {
                let (n, addr) = self.sock().recv_from(slots)?;
                Ok((n, inet(addr)?))
            })
        })
    }
}

#[cfg(feature = "bytes")]
impl UdpSocket {
    /// Receives one datagram from the connected peer into `buf`'s spare
    /// capacity (which a `Vec` or `BytesMut` grows when full), waiting
    /// until one arrives; returns its length and advances `buf` past it.
    /// A datagram longer than the spare capacity is truncated, so reserve
    /// enough first. Needs the `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// b.connect(a.local_addr()?).await?;
    /// a.send_to(b"into a Vec", b.local_addr()?).await?;
    /// let mut buf = Vec::with_capacity(64);
    /// let n = b.recv_buf(&mut buf).await?;
    /// assert_eq!((n, &buf[..]), (10, &b"into a Vec"[..]));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`recv`](UdpSocket::recv).
    pub async fn recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_read_io(cx, || self.recv_buf_once(buf))).await
    }

    /// As [`recv_buf`](UdpSocket::recv_buf), without waiting: fails with
    /// `WouldBlock` when no datagram is queued. Needs the `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = Vec::with_capacity(64);
    /// let err = socket.try_recv_buf(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// assert!(buf.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        try_io(&self.io, Direction::Read, |_| self.recv_buf_once(buf))
    }

    /// Receives one datagram into `buf`'s spare capacity, waiting until one
    /// arrives; returns its length and source, and advances `buf` past it.
    /// Needs the `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"bytes", b.local_addr()?).await?;
    /// let mut buf = bytes::BytesMut::with_capacity(64);
    /// let (n, from) = b.recv_buf_from(&mut buf).await?;
    /// assert_eq!((n, &buf[..], from), (5, &b"bytes"[..], a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`recv_from`](UdpSocket::recv_from).
    pub async fn recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| self.io.poll_read_io(cx, || self.recv_buf_from_once(buf))).await
    }

    /// As [`recv_buf_from`](UdpSocket::recv_buf_from), without waiting:
    /// fails with `WouldBlock` when no datagram is queued. Needs the
    /// `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"now", b.local_addr()?).await?;
    /// let mut buf = Vec::with_capacity(16);
    /// let (n, from) = loop {
    ///     b.readable().await?;
    ///     match b.try_recv_buf_from(&mut buf) {
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         res => break res?,
    ///     }
    /// };
    /// assert_eq!((n, &buf[..], from), (3, &b"now"[..], a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        try_io(&self.io, Direction::Read, |_| self.recv_buf_from_once(buf))
    }

    fn recv_buf_once<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        crate::uninit::fill_buf_mut(buf, |slots| {
            let n = self.sock().recv(slots)?;
            Ok((n, n))
        })
    }

    fn recv_buf_from_once<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        crate::uninit::fill_buf_mut(buf, |slots| {
            let (n, addr) = self.sock().recv_from(slots)?;
            Ok((n, (n, inet(addr)?)))
        })
    }
}
