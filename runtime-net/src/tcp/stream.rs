//! `TcpStream`.

use crate::addr::{each_addr, ToSocketAddrs};
use crate::sim::TcpRepr;
use crate::split::{self, sealed, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::stream::{impl_async_io, Evented, RawStream};
use crate::uninit::fill_read_buf;
use runtime_core::ReadBuf;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// A TCP connection between a local and a remote socket.
///
/// Get one from [`TcpStream::connect`], from
/// [`TcpListener::accept`](super::TcpListener::accept), or from
/// [`TcpSocket::connect`](super::TcpSocket::connect). It implements the
/// `futures-io` `AsyncRead` and `AsyncWrite` traits, so the `runtime::io`
/// extension traits give it `read`, `read_exact`, `write_all` and the rest.
/// Closing it (`AsyncWriteExt::shutdown`, which is `poll_close`) shuts down
/// the write side only: the peer reads end of stream, and this side can
/// still read the reply. Dropping it closes the connection.
///
/// Reading and writing at the same time from two tasks takes
/// [`into_split`](TcpStream::into_split); within one task,
/// [`split`](TcpStream::split).
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{TcpListener, TcpStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
///     let (mut server, _) = listener.accept().await?;
///
///     client.write_all(b"ping").await?;
///     let mut buf = [0; 4];
///     server.read_exact(&mut buf).await?;
///     assert_eq!(&buf, b"ping");
///
///     server.write_all(b"pong").await?;
///     server.shutdown().await?; // write side only
///     let mut reply = Vec::new();
///     client.read_to_end(&mut reply).await?;
///     assert_eq!(reply, b"pong");
///     Ok(())
/// }
/// ```
pub struct TcpStream {
    pub(crate) inner: TcpRepr,
}

impl sealed::Sealed for TcpStream {
    type Raw = mio::net::TcpStream;
    type Io = TcpRepr;
    fn evented(&self) -> &Evented<mio::net::TcpStream> {
        &self.inner
    }
    fn io(&self) -> &TcpRepr {
        &self.inner
    }
}

impl TcpStream {
    /// Opens a connection to `addr`. If `addr` resolves to several addresses
    /// (a host name may), each is tried in turn, as std does, and the last
    /// error is returned if none accepts.
    ///
    /// Errors are the OS's: `ConnectionRefused` for a closed port, and so on.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// let stream = TcpStream::connect(addr).await?;
    /// assert_eq!(stream.peer_addr()?, addr);
    ///
    /// // Nobody listens on the port once the listener is gone.
    /// drop(listener);
    /// let err = TcpStream::connect(addr).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Nothing to resume: dropping the future before it completes closes the
    /// socket being connected (the peer, if it had accepted, sees the
    /// connection reset or closed) or abandons the host-name lookup. No
    /// connection is left behind; call `connect` again to retry.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        each_addr(addr, TcpStream::connect_addr).await
    }

    pub(crate) async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        #[cfg(feature = "sim")]
        if runtime_sim::in_sim() {
            let stream = runtime_sim::net::SimTcpStream::connect(addr).await?;
            return Ok(TcpStream {
                inner: TcpRepr::Sim(stream),
            });
        }
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

    #[track_caller]
    pub(crate) fn from_mio(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            inner: TcpRepr::Os(Evented::new(stream)?),
        })
    }

    /// Wraps a connected stream created with std, switching it to
    /// non-blocking mode and registering it with the current runtime's
    /// reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    /// use std::io::Write;
    ///
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let mut std_client = std::net::TcpStream::connect(std_listener.local_addr()?)?;
    /// let (std_server, _) = std_listener.accept()?;
    ///
    /// let mut server = runtime::net::TcpStream::from_std(std_server)?;
    /// std_client.write_all(b"hi")?;
    /// let mut buf = [0; 2];
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hi");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_mio(mio::net::TcpStream::from_std(stream))
    }

    /// Deregisters the stream from the reactor and returns it as a std
    /// stream. It is still in non-blocking mode: call `set_nonblocking(false)`
    /// before using it with blocking calls.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let peer = stream.peer_addr()?;
    /// let std_stream = stream.into_std()?;
    /// assert_eq!(std_stream.peer_addr()?, peer);
    /// std_stream.set_nonblocking(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let mio = self.inner.into_os().io.into_inner()?;
        // SAFETY: `into_raw_fd` hands over sole ownership of a valid, open
        // socket descriptor, which the std stream then owns.
        Ok(unsafe { std::net::TcpStream::from_raw_fd(mio.into_raw_fd()) })
    }

    /// The address of the remote end of the connection.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        #[cfg(feature = "sim")]
        if let TcpRepr::Sim(s) = &self.inner {
            return Ok(s.peer_addr());
        }
        self.inner.get_ref().peer_addr()
    }

    /// The address of the local end of the connection.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, peer) = listener.accept().await?;
    /// assert_eq!(stream.local_addr()?, peer);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        #[cfg(feature = "sim")]
        if let TcpRepr::Sim(s) = &self.inner {
            return Ok(s.local_addr());
        }
        self.inner.get_ref().local_addr()
    }

    /// Reads received data into `buf` without removing it from the queue,
    /// waiting until some is there; the next read returns the same bytes.
    /// Returns how many bytes were copied; `Ok(0)` means the peer closed its
    /// write side (or `buf` is empty).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"hello").await?;
    ///
    /// let mut buf = [0; 5];
    /// let n = server.peek(&mut buf).await?;
    /// assert_eq!(&buf[..n], &b"hello"[..n]);
    /// // Still queued: read_exact gets all of it.
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hello");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: peeking takes nothing off the queue, and the future
    /// copies data only in the poll that returns it.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| {
            self.inner
                .io
                .poll_read_io(cx, || self.inner.get_ref().peek(buf))
        })
        .await
    }

    /// As [`peek`](TcpStream::peek), into `buf`'s unfilled part, or
    /// registers the task to be woken when data arrives. The peeked bytes
    /// are appended to `buf.filled()` and stay queued; returns how many.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, ReadBuf};
    /// use runtime::net::{TcpListener, TcpStream};
    /// use std::future::poll_fn;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"hey").await?;
    ///
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = poll_fn(|cx| server.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(&buf.filled()[..n], &b"hey"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.inner.io.poll_read_io(cx, || {
            fill_read_buf(buf, |slots| {
                let n = socket2::SockRef::from(self.inner.get_ref()).peek(slots)?;
                Ok((n, n))
            })
        })
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it;
    /// `Ok(None)` when there is none.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.get_ref().take_error()
    }

    /// Waits until the stream is readable: data is queued, the peer closed
    /// its write side, or an error is pending. Usually followed by
    /// [`try_read`](TcpStream::try_read), which may still return
    /// `WouldBlock` (readiness can be stale); loop back to `readable` then.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncWriteExt;
    /// use runtime::net::{TcpListener, TcpStream};
    /// use std::io::ErrorKind;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"data").await?;
    ///
    /// let mut buf = [0; 16];
    /// let n = loop {
    ///     server.readable().await?;
    ///     match server.try_read(&mut buf) {
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
    /// even the readiness itself (only a `WouldBlock` clears that), so a
    /// dropped `readable` leaves the next one to return at once if data came.
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// Waits until the stream is writable: there is room in the send
    /// buffer, the write side is closed, or an error is pending. Usually
    /// followed by [`try_write`](TcpStream::try_write), looping back on
    /// `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// use std::io::ErrorKind;
    ///
    /// let n = loop {
    ///     stream.writable().await?;
    ///     match stream.try_write(b"hello") {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert_eq!(n, 5);
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
    /// bytes were read; `Ok(0)` means the peer closed its write side (or
    /// `buf` is empty). Fails with `WouldBlock` when no data is queued: then
    /// [`readable`](TcpStream::readable) waits for more.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// // Nothing was sent yet.
    /// let mut buf = [0; 8];
    /// let err = stream.try_read(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read_io(|s| s.read(buf))
    }

    /// Writes as much of `buf` as the send buffer takes, without waiting,
    /// and returns how many bytes were written. Fails with `WouldBlock` when
    /// the send buffer is full: then [`writable`](TcpStream::writable) waits
    /// for room.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    ///
    /// // A fresh connection has room for a few bytes.
    /// assert_eq!(client.try_write(b"abc")?, 3);
    /// let mut buf = [0; 3];
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"abc");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write_io(|s| s.write(buf))
    }

    /// Reads received data into `bufs`, in order, without waiting (a
    /// vectored [`try_read`](TcpStream::try_read)); returns how many bytes
    /// were read, `Ok(0)` at end of stream. Fails with `WouldBlock` when no
    /// data is queued.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncWriteExt;
    /// use std::io::IoSliceMut;
    ///
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (server, _) = listener.accept().await?;
    /// client.write_all(b"headbody").await?;
    /// let (mut head, mut body) = ([0; 4], [0; 4]);
    /// let mut got = 0;
    /// while got < 8 {
    ///     server.readable().await?;
    ///     let mut bufs = [IoSliceMut::new(&mut head[got.min(4)..]), IoSliceMut::new(&mut body[got.saturating_sub(4)..])];
    ///     match server.try_read_vectored(&mut bufs) {
    ///         Ok(n) => got += n,
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// assert_eq!((&head, &body), (b"head", b"body"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.try_read_io(|s| s.read_vectored(bufs))
    }

    /// Writes as much of `bufs`, in order, as the send buffer takes,
    /// without waiting (a vectored [`try_write`](TcpStream::try_write));
    /// returns how many bytes were written. Fails with `WouldBlock` when
    /// the send buffer is full.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    /// use std::io::IoSlice;
    ///
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (mut server, _) = listener.accept().await?;
    /// let bufs = [IoSlice::new(b"one "), IoSlice::new(b"two")];
    /// assert_eq!(client.try_write_vectored(&bufs)?, 7); // a fresh socket has room
    /// let mut got = [0; 7];
    /// server.read_exact(&mut got).await?;
    /// assert_eq!(&got, b"one two");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.inner.try_write_io(|s| s.write_vectored(bufs))
    }

    /// Reads received data into `buf`'s spare capacity (which a `Vec` or
    /// `BytesMut` grows when full) without waiting, and advances `buf`
    /// past it; returns how many bytes were read, `Ok(0)` at end of stream.
    /// Fails with `WouldBlock` when no data is queued. Needs the `bytes`
    /// feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncWriteExt;
    ///
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let mut client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// # let (server, _) = listener.accept().await?;
    /// client.write_all(b"abc").await?;
    /// client.shutdown().await?;
    /// let mut buf = Vec::new();
    /// loop {
    ///     server.readable().await?;
    ///     match server.try_read_buf(&mut buf) {
    ///         Ok(0) => break, // end of stream
    ///         Ok(_) => {}
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// assert_eq!(buf, b"abc");
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

    /// Splits the stream into a read half and a write half that borrow it,
    /// so that reading and writing can go on at the same time within one
    /// task (in `join!` or `select!`). The halves cost nothing: no lock, no
    /// allocation. To move the halves to different tasks, use
    /// [`into_split`](TcpStream::into_split).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    ///
    /// // Echo on the server side: read from one half, write to the other.
    /// let (mut rd, mut wr) = server.split();
    /// let echo = async {
    ///     let n = runtime::io::copy(&mut rd, &mut wr).await?;
    ///     wr.shutdown().await?; // the client's read_to_end ends
    ///     std::io::Result::Ok(n)
    /// };
    /// let talk = async {
    ///     client.write_all(b"hello").await?;
    ///     client.shutdown().await?; // the echo's copy ends
    ///     let mut back = Vec::new();
    ///     client.read_to_end(&mut back).await?;
    ///     std::io::Result::Ok(back)
    /// };
    /// let (copied, back) = runtime::join!(echo, talk);
    /// assert_eq!(copied?, 5);
    /// assert_eq!(back?, b"hello");
    /// # Ok(())
    /// # }
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_, TcpStream>, WriteHalf<'_, TcpStream>) {
        (ReadHalf(self), WriteHalf(self))
    }

    /// Splits the stream into an owned read half and an owned write half,
    /// which can move to different tasks. They share the stream through an
    /// `Arc`, with no lock: a socket can be read and written at once.
    /// `reunite` puts them back together. Dropping the write half shuts down
    /// the write side (the peer reads end of stream), unless `forget` is
    /// called on it instead.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    ///
    /// let (mut rd, mut wr) = client.into_split();
    /// let writer = runtime::spawn(async move {
    ///     wr.write_all(b"from another task").await?;
    ///     Ok::<_, std::io::Error>(wr)
    /// });
    /// let mut buf = [0; 17];
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"from another task");
    ///
    /// server.write_all(b"ok").await?;
    /// let mut ok = [0; 2];
    /// rd.read_exact(&mut ok).await?;
    /// assert_eq!(&ok, b"ok");
    ///
    /// let wr = writer.await.unwrap()?;
    /// let client = rd.reunite(wr).expect("halves of the same stream");
    /// assert_eq!(client.peer_addr()?, listener.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf<TcpStream>, OwnedWriteHalf<TcpStream>) {
        split::into_split(self)
    }
}

impl_async_io!(read: TcpStream, , |s| s.inner);
impl_async_io!(write: TcpStream, , |s| s.inner);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            TcpRepr::Os(io) => io.get_ref().fmt(f),
            #[cfg(feature = "sim")]
            TcpRepr::Sim(s) => s.fmt(f),
        }
    }
}

crate::fd::impl_try_from_std!(TcpStream, std::net::TcpStream);
crate::fd::impl_as_fd!(TcpStream, |s| s.inner.get_ref());

impl AsRef<TcpStream> for TcpStream {
    fn as_ref(&self) -> &TcpStream {
        self
    }
}
