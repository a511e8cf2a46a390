//! `UnixStream`.

use super::SocketAddr;
use crate::split::{self, sealed, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::stream::{impl_async_io, Evented, RawStream};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::path::Path;

/// A Unix-domain stream connection; `futures_io::AsyncRead + AsyncWrite`.
pub struct UnixStream {
    inner: Evented<mio::net::UnixStream>,
}

impl sealed::Sealed for UnixStream {
    type Raw = mio::net::UnixStream;
    fn evented(&self) -> &Evented<mio::net::UnixStream> {
        &self.inner
    }
}

impl UnixStream {
    /// Connects to the socket at `path`.
    ///
    /// # Panics
    /// Outside a runtime.
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let stream = UnixStream::from_mio(mio::net::UnixStream::connect(path)?)?;
        poll_fn(|cx| stream.inner.io.poll_write_ready(cx)).await?;
        if let Some(e) = stream.inner.get_ref().take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    /// A connected pair of streams.
    ///
    /// # Panics
    /// Outside a runtime.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((UnixStream::from_mio(a)?, UnixStream::from_mio(b)?))
    }

    pub(crate) fn from_mio(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            inner: Evented::new(stream)?,
        })
    }

    /// Wraps a std stream (made non-blocking here).
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        UnixStream::from_mio(mio::net::UnixStream::from_std(stream))
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// Waits until readable. Cancel-safe.
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// Waits until writable. Cancel-safe.
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// Reads without waiting (`WouldBlock` if nothing is queued).
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read_io(|s| s.read(buf))
    }

    /// Writes without waiting (`WouldBlock` if the buffer is full).
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write_io(|s| s.write(buf))
    }

    /// Borrowed halves, usable concurrently.
    pub fn split(&mut self) -> (ReadHalf<'_, UnixStream>, WriteHalf<'_, UnixStream>) {
        (ReadHalf(self), WriteHalf(self))
    }

    /// Owned halves, movable to different tasks.
    pub fn into_split(self) -> (OwnedReadHalf<UnixStream>, OwnedWriteHalf<UnixStream>) {
        split::into_split(self)
    }
}

impl_async_io!(read: UnixStream, , |s| s.inner);
impl_async_io!(write: UnixStream, , |s| s.inner);

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.get_ref().fmt(f)
    }
}
