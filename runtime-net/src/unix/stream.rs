//! `UnixStream`.

use super::SocketAddr;
use crate::split::{self, sealed, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::stream::{impl_async_io, Evented, RawStream};
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::path::Path;

/// A Unix-domain stream connection.
///
/// Get one from [`UnixStream::connect`],
/// [`UnixListener::accept`](super::UnixListener::accept) or
/// [`UnixStream::pair`]. Like [`TcpStream`](crate::TcpStream), it
/// implements the `futures-io` `AsyncRead` and `AsyncWrite` traits, closing
/// it shuts down the write side only, and it splits into halves with
/// [`split`](UnixStream::split) and [`into_split`](UnixStream::into_split).
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::UnixStream;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let (mut a, mut b) = UnixStream::pair()?;
///     a.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     b.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///     Ok(())
/// }
/// ```
pub struct UnixStream {
    pub(crate) inner: Evented<mio::net::UnixStream>,
}

impl sealed::Sealed for UnixStream {
    type Raw = mio::net::UnixStream;
    type Io = Evented<mio::net::UnixStream>;
    fn evented(&self) -> &Evented<mio::net::UnixStream> {
        &self.inner
    }
    fn io(&self) -> &Evented<mio::net::UnixStream> {
        &self.inner
    }
}

impl UnixStream {
    /// Connects to the listener bound at `path`. Fails with `NotFound` if
    /// there is no such file, `ConnectionRefused` if nobody listens on it.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// use runtime::net::{UnixListener, UnixStream};
    ///
    /// let listener = UnixListener::bind(&path)?;
    /// let stream = UnixStream::connect(&path).await?;
    /// assert_eq!(stream.peer_addr()?.as_pathname(), Some(path.as_path()));
    ///
    /// let missing = UnixStream::connect(dir.join("missing.sock")).await.unwrap_err();
    /// assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    /// # drop(listener);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Nothing to resume: dropping the future before it completes closes the
    /// socket being connected; call `connect` again to retry.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        UnixStream::connect_mio(mio::net::UnixStream::connect(path)?).await
    }

    /// Connects to the socket at `addr`: a path, or on Linux an abstract
    /// name (`SocketAddrExt::from_abstract_name`), which [`connect`](UnixStream::connect)
    /// cannot express.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{UnixListener, UnixStream};
    /// # #[cfg(target_os = "linux")]
    /// # {
    /// use std::os::linux::net::SocketAddrExt;
    /// use std::os::unix::net::SocketAddr;
    ///
    /// let name = format!("runtime-doc-{}", std::process::id());
    /// let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
    /// let listener = UnixListener::bind_addr(&addr)?;
    /// let stream = UnixStream::connect_addr(&addr).await?;
    /// let peer = stream.peer_addr()?;
    /// assert_eq!(peer.as_abstract_name(), Some(name.as_bytes()));
    /// # drop(listener);
    /// # }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Nothing to resume: dropping the future closes the socket being
    /// connected.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub async fn connect_addr(addr: &SocketAddr) -> io::Result<UnixStream> {
        UnixStream::connect_mio(mio::net::UnixStream::connect_addr(addr)?).await
    }

    /// Registers a stream whose non-blocking connect has started and waits
    /// for the connect to finish.
    pub(crate) async fn connect_mio(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::from_mio(stream)?;
        poll_fn(|cx| stream.inner.io.poll_write_ready(cx)).await?;
        if let Some(e) = stream.inner.get_ref().take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    /// Creates a pair of connected, unnamed streams (`socketpair(2)`): what
    /// one writes, the other reads.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let (mut a, mut b) = runtime::net::UnixStream::pair()?;
    /// b.write_all(b"pong").await?;
    /// let mut buf = [0; 4];
    /// a.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"pong");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((UnixStream::from_mio(a)?, UnixStream::from_mio(b)?))
    }

    #[track_caller]
    pub(crate) fn from_mio(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            inner: Evented::new(stream)?,
        })
    }

    /// Wraps a stream created with std, switching it to non-blocking mode and
    /// registering it with the current runtime's reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    /// use std::io::Write;
    ///
    /// let (std_a, mut std_b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut a = runtime::net::UnixStream::from_std(std_a)?;
    /// std_b.write_all(b"hi")?;
    /// let mut buf = [0; 2];
    /// a.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hi");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        UnixStream::from_mio(mio::net::UnixStream::from_std(stream))
    }

    /// The address of this end: the listener's path on an accepted stream,
    /// usually unnamed on a client.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # drop(b);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().local_addr()
    }

    /// The address of the other end: the listener's path on a client,
    /// usually unnamed on an accepted stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// assert!(b.peer_addr()?.is_unnamed());
    /// # drop(a);
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.get_ref().peer_addr()
    }

    /// Waits until the stream is readable: data is queued, the peer closed
    /// its write side, or an error is pending. Usually followed by
    /// [`try_read`](UnixStream::try_read), looping back on `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::ErrorKind;
    ///
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// a.try_write(b"data")?;
    /// let mut buf = [0; 16];
    /// let n = loop {
    ///     b.readable().await?;
    ///     match b.try_read(&mut buf) {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"data");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and consumes nothing, not
    /// even the readiness itself.
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// Waits until the stream is writable: there is room in the send buffer,
    /// the write side is closed, or an error is pending. Usually followed by
    /// [`try_write`](UnixStream::try_write), looping back on `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// a.writable().await?;
    /// assert_eq!(a.try_write(b"now")?, 3);
    /// # drop(b);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and writes nothing.
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// Reads received data into `buf` without waiting, returning how many
    /// bytes were read; `Ok(0)` means the peer closed its write side. Fails
    /// with `WouldBlock` when no data is queued (then
    /// [`readable`](UnixStream::readable) waits for more).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// let mut buf = [0; 8];
    /// assert_eq!(b.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// drop(a);
    /// assert_eq!(b.try_read(&mut buf)?, 0); // end of stream
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read_io(|s| s.read(buf))
    }

    /// Writes as much of `buf` as the send buffer takes, without waiting,
    /// and returns how many bytes were written. Fails with `WouldBlock` when
    /// the buffer is full (then [`writable`](UnixStream::writable) waits for
    /// room).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// assert_eq!(a.try_write(b"abc")?, 3);
    /// let mut buf = [0; 3];
    /// assert_eq!(b.try_read(&mut buf)?, 3);
    /// assert_eq!(&buf, b"abc");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write_io(|s| s.write(buf))
    }

    /// As [`try_read`](UnixStream::try_read), scattering the data into
    /// `bufs` in order.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::IoSliceMut;
    ///
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// a.try_write(b"abcdef")?;
    /// let (mut x, mut y) = ([0; 2], [0; 4]);
    /// let n = b.try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])?;
    /// assert_eq!((n, &x, &y), (6, b"ab", b"cdef"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.try_read_io(|s| s.read_vectored(bufs))
    }

    /// As [`try_write`](UnixStream::try_write), gathering the data from
    /// `bufs` in order.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    ///
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// assert_eq!(a.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])?, 4);
    /// let mut buf = [0; 4];
    /// assert_eq!(b.try_read(&mut buf)?, 4);
    /// assert_eq!(&buf, b"abcd");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.inner.try_write_io(|s| s.write_vectored(bufs))
    }

    /// Reads queued data into `buf`'s spare capacity (which a `Vec` or
    /// `BytesMut` grows when full) without waiting, and advances `buf` past
    /// it; returns how many bytes were read, `Ok(0)` at end of stream.
    /// Fails with `WouldBlock` when nothing is queued. Needs the `bytes`
    /// feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// a.try_write(b"xyz")?;
    /// let mut buf = Vec::new();
    /// assert_eq!(b.try_read_buf(&mut buf)?, 3);
    /// assert_eq!(buf, b"xyz");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "bytes")]
    pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.inner.try_read_io(|s| {
            crate::uninit::fill_buf_mut(buf, |slots| {
                let n = crate::uninit::read_fd(s, slots)?;
                Ok((n, n))
            })
        })
    }

    /// The credentials (user, group, process id) of the process at the
    /// other end, as the kernel recorded them when the connection was made.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// let cred = a.peer_cred()?;
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(cred.pid(), Some(std::process::id() as i32)); // this process
    /// # let _ = cred;
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_cred(&self) -> io::Result<super::UCred> {
        super::ucred::peer_cred(self.inner.get_ref())
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it;
    /// `Ok(None)` when there is none.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.get_ref().take_error()
    }

    /// Deregisters the stream from the reactor and returns it as a std
    /// stream. It is still in non-blocking mode: call
    /// `set_nonblocking(false)` before using it with blocking calls.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    ///
    /// let (a, b) = runtime::net::UnixStream::pair()?;
    /// let mut a = a.into_std()?;
    /// a.set_nonblocking(false)?;
    /// a.write_all(b"std")?;
    /// let mut b = b.into_std()?;
    /// b.set_nonblocking(false)?;
    /// let mut buf = [0; 3];
    /// b.read_exact(&mut buf)?;
    /// assert_eq!(&buf, b"std");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let mio = self.inner.io.into_inner()?;
        // SAFETY: `into_raw_fd` hands over sole ownership of a valid, open
        // socket descriptor, which the std stream then owns.
        Ok(unsafe { std::os::unix::net::UnixStream::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Splits the stream into a read half and a write half that borrow it,
    /// so that reading and writing can go on at the same time within one
    /// task. No lock, no allocation; see [`TcpStream::split`](crate::TcpStream::split).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let (mut a, mut b) = runtime::net::UnixStream::pair()?;
    /// let (mut rd, mut wr) = a.split();
    /// let (sent, got) = runtime::join!(wr.write_all(b"x"), async {
    ///     let mut byte = [0; 1];
    ///     b.read_exact(&mut byte).await?;
    ///     b.write_all(&byte).await?;
    ///     rd.read_exact(&mut byte).await?;
    ///     std::io::Result::Ok(byte)
    /// });
    /// sent?;
    /// assert_eq!(&got?, b"x");
    /// # Ok(())
    /// # }
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_, UnixStream>, WriteHalf<'_, UnixStream>) {
        (ReadHalf(self), WriteHalf(self))
    }

    /// Splits the stream into owned read and write halves, which can move to
    /// different tasks; `reunite` puts them back together, and dropping the
    /// write half shuts down the write side. See
    /// [`TcpStream::into_split`](crate::TcpStream::into_split).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let (a, mut b) = runtime::net::UnixStream::pair()?;
    /// let (mut rd, mut wr) = a.into_split();
    /// runtime::spawn(async move { wr.write_all(b"bye").await }).await.unwrap()?;
    /// // The task dropped `wr`: the write side is shut down.
    /// let mut got = Vec::new();
    /// b.read_to_end(&mut got).await?;
    /// assert_eq!(got, b"bye");
    /// # let _ = &mut rd;
    /// # Ok(())
    /// # }
    /// ```
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

crate::fd::impl_try_from_std!(UnixStream, std::os::unix::net::UnixStream);
crate::fd::impl_as_fd!(UnixStream, |s| s.inner.get_ref());

impl AsRef<UnixStream> for UnixStream {
    fn as_ref(&self) -> &UnixStream {
        self
    }
}
