//! `TcpStream`.

use crate::addr::{each_addr, ToSocketAddrs};
use crate::split::{self, sealed, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::stream::{impl_async_io, Evented};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// A TCP connection. Implements `futures_io::AsyncRead` and `AsyncWrite`;
/// `poll_close` (e.g. `AsyncWriteExt::shutdown`) shuts down the write side only.
pub struct TcpStream {
    inner: Evented<mio::net::TcpStream>,
}

impl sealed::Sealed for TcpStream {
    type Raw = mio::net::TcpStream;
    fn evented(&self) -> &Evented<mio::net::TcpStream> {
        &self.inner
    }
}

impl TcpStream {
    /// Connects to `addr`, trying each resolved address in turn (as std does)
    /// and returning the last error if none accepts.
    ///
    /// Errors are the OS's: `ConnectionRefused` for a closed port, etc.
    ///
    /// # Panics
    /// Outside a runtime.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        each_addr(addr, TcpStream::connect_addr).await
    }

    pub(crate) async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect_mio(mio::net::TcpStream::connect(addr)?).await
    }

    /// Waits for a non-blocking connect started on `stream` to finish.
    pub(crate) async fn connect_mio(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::from_mio(stream)?;
        poll_fn(|cx| stream.inner.io.poll_write_ready(cx)).await?;
        // Writable means the connect finished, successfully or not.
        if let Some(e) = stream.inner.get_ref().take_error()? {
            return Err(e);
        }
        if let Err(e) = stream.inner.get_ref().peer_addr() {
            // Not connected after all (e.g. refused with no error queued).
            return Err(if e.kind() == io::ErrorKind::NotConnected {
                io::ErrorKind::ConnectionRefused.into()
            } else {
                e
            });
        }
        Ok(stream)
    }

    pub(crate) fn from_mio(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            inner: Evented::new(stream)?,
        })
    }

    /// Wraps a connected std stream (made non-blocking here).
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_mio(mio::net::TcpStream::from_std(stream))
    }

    /// Deregisters and returns the std stream (still non-blocking).
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let mio = self.inner.io.into_inner()?;
        // SAFETY: `into_raw_fd` hands over sole ownership of a valid, open
        // socket descriptor, which the std stream then owns.
        Ok(unsafe { std::net::TcpStream::from_raw_fd(mio.into_raw_fd()) })
    }

    /// The remote address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.get_ref().set_nodelay(nodelay)
    }

    /// `TCP_NODELAY`.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.get_ref().nodelay()
    }

    /// Sets `SO_LINGER`.
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(self.inner.get_ref()).set_linger(linger)
    }

    /// `SO_LINGER`.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(self.inner.get_ref()).linger()
    }

    /// Sets `IP_TTL`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.get_ref().set_ttl(ttl)
    }

    /// `IP_TTL`.
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.get_ref().ttl()
    }

    /// Receives data without removing it from the queue.
    ///
    /// Cancel safety: cancel-safe.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| {
            self.inner
                .io
                .poll_read_io(cx, || self.inner.get_ref().peek(buf))
        })
        .await
    }

    /// Waits until the stream is readable (data, EOF or an error).
    ///
    /// Cancel safety: cancel-safe.
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// Waits until the stream is writable.
    ///
    /// Cancel safety: cancel-safe.
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// Reads without waiting: `WouldBlock` if no data is queued (then
    /// `readable().await` waits for more).
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        use crate::stream::RawStream;
        self.inner.try_read_io(|s| s.read(buf))
    }

    /// Writes without waiting: `WouldBlock` if the send buffer is full.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        use crate::stream::RawStream;
        self.inner.try_write_io(|s| s.write(buf))
    }

    /// Borrowed halves, usable concurrently (e.g. in `join!`).
    pub fn split(&mut self) -> (ReadHalf<'_, TcpStream>, WriteHalf<'_, TcpStream>) {
        (ReadHalf(self), WriteHalf(self))
    }

    /// Owned halves, movable to different tasks; `reunite` joins them.
    pub fn into_split(self) -> (OwnedReadHalf<TcpStream>, OwnedWriteHalf<TcpStream>) {
        split::into_split(self)
    }
}

impl_async_io!(read: TcpStream, , |s| s.inner);
impl_async_io!(write: TcpStream, , |s| s.inner);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.get_ref().fmt(f)
    }
}
