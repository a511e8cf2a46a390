//! `UnixDatagram`'s `poll_*` operations (for hand-written futures) and its
//! receives into `bytes` buffers.
//!
//! Receives that do not report the source fill uninitialized memory
//! directly. Those that do (`poll_recv_from`, `recv_buf_from`) go through
//! std's `recv_from`, the only way to build a Unix `SocketAddr` (unnamed
//! ones included), and std writes only into initialized memory: so the
//! space is zeroed first, once per `ReadBuf` (whose initialized part only
//! grows) and once per call for a `BufMut`.

use super::{SocketAddr, UnixDatagram};
use crate::uninit::fill_read_buf;
use runtime_core::ReadBuf;
use std::io;
use std::path::Path;
use std::task::{Context, Poll};

impl UnixDatagram {
    /// Sends `buf` as one datagram to the connected peer, or registers the
    /// task to be woken when the send buffer has room; the building block
    /// of `send` for hand-written futures.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// let n = std::future::poll_fn(|cx| a.poll_send(cx, b"polled")).await?;
    /// assert_eq!(n, 6);
    /// let mut buf = [0; 8];
    /// assert_eq!(b.recv(&mut buf).await?, 6);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_io(cx, || self.io.get_ref().send(buf))
    }

    /// Sends `buf` as one datagram to the socket at `target`, or registers
    /// the task to be woken when the send buffer has room.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::UnixDatagram;
    ///
    /// let path = dir.join("rx.sock");
    /// let rx = UnixDatagram::bind(&path)?;
    /// let tx = UnixDatagram::unbound()?;
    /// std::future::poll_fn(|cx| tx.poll_send_to(cx, b"to path", &path)).await?;
    /// let mut buf = [0; 8];
    /// let n = rx.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"to path");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let target = target.as_ref();
        self.io
            .poll_write_io(cx, || self.io.get_ref().send_to(buf, target))
    }

    /// Receives one datagram from the connected peer into `buf`'s unfilled
    /// part, or registers the task to be woken when one arrives. The
    /// datagram (truncated to the space left) is appended to
    /// `buf.filled()`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::ReadBuf;
    ///
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"data").await?;
    /// let mut storage = [std::mem::MaybeUninit::uninit(); 8];
    /// let mut buf = ReadBuf::uninit(&mut storage);
    /// std::future::poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"data");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_io(cx, || {
            fill_read_buf(buf, |slots| Ok((self.sock().recv(slots)?, ())))
        })
    }

    /// Receives one datagram into `buf`'s unfilled part and returns its
    /// source, or registers the task to be woken when one arrives. The
    /// unfilled part is zeroed first where it was not initialized.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::ReadBuf;
    ///
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"who").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"who");
    /// assert!(from.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_read_io(cx, || {
            let (n, addr) = self.io.get_ref().recv_from(buf.initialize_unfilled())?;
            buf.advance(n);
            Ok(addr)
        })
    }

    /// The socket as socket2 sees it, for receiving into uninitialized
    /// memory.
    fn sock(&self) -> socket2::SockRef<'_> {
        socket2::SockRef::from(self.io.get_ref())
    }
}

#[cfg(feature = "bytes")]
use {crate::stream::try_io, runtime_reactor::io::Direction, std::future::poll_fn};

#[cfg(feature = "bytes")]
impl UnixDatagram {
    /// Receives one datagram from the connected peer into `buf`'s spare
    /// capacity (which a `Vec` or `BytesMut` grows when full), waiting
    /// until one arrives; returns its length and advances `buf` past it. A
    /// datagram longer than the spare capacity is truncated. Needs the
    /// `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"vec").await?;
    /// let mut buf = Vec::with_capacity(16);
    /// assert_eq!(b.recv_buf(&mut buf).await?, 3);
    /// assert_eq!(buf, b"vec");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is dequeued only in the poll that returns it.
    pub async fn recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_read_io(cx, || self.recv_buf_once(buf))).await
    }

    /// As [`recv_buf`](UnixDatagram::recv_buf), without waiting: fails with
    /// `WouldBlock` when no datagram is queued. Needs the `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// let mut buf = Vec::with_capacity(16);
    /// assert_eq!(b.try_recv_buf(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// a.send(b"now").await?;
    /// assert_eq!(b.try_recv_buf(&mut buf)?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        try_io(&self.io, Direction::Read, |_| self.recv_buf_once(buf))
    }

    /// Receives one datagram into `buf`'s spare capacity, waiting until one
    /// arrives; returns its length and source and advances `buf` past it.
    /// Needs the `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"src").await?;
    /// let mut buf = bytes::BytesMut::with_capacity(16);
    /// let (n, from) = b.recv_buf_from(&mut buf).await?;
    /// assert_eq!((n, &buf[..]), (3, &b"src"[..]));
    /// assert!(from.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is dequeued only in the poll that returns it.
    pub async fn recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| self.io.poll_read_io(cx, || self.recv_buf_from_once(buf))).await
    }

    /// As [`recv_buf_from`](UnixDatagram::recv_buf_from), without waiting:
    /// fails with `WouldBlock` when no datagram is queued. Needs the
    /// `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// let mut buf = Vec::with_capacity(4);
    /// let (n, _from) = b.try_recv_buf_from(&mut buf)?;
    /// assert_eq!((n, &buf[..]), (1, &b"x"[..]));
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
        crate::uninit::fill_buf_mut_zeroed(buf, |bytes| {
            let (n, addr) = self.io.get_ref().recv_from(bytes)?;
            Ok((n, (n, addr)))
        })
    }
}
