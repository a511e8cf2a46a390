//! Read and write halves of a stream, borrowed (`split`) or owned
//! (`into_split`), usable from two tasks at once: a socket can be read and
//! written concurrently, and the reactor keeps a separate waker for each
//! direction, so the halves need no lock.
//!
//! The types are generic over the stream and named through aliases:
//! `runtime::net::tcp::{ReadHalf, WriteHalf, OwnedReadHalf, OwnedWriteHalf,
//! ReuniteError}` and the same names in `runtime::net::unix`.

use crate::sim::StreamIo as _;
use crate::stream::{Evented, RawStream};
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A stream that can be split (TCP and Unix streams).
#[doc(hidden)]
pub trait SplitStream: sealed::Sealed {}

pub(crate) mod sealed {
    /// Access to the registered socket behind a stream.
    pub trait Sealed {
        type Raw: super::RawStream;
        /// What reads and writes go through: the `Evented` socket, or for
        /// TCP the backend enum (OS or simulated, `sim.rs`).
        type Io: crate::sim::StreamIo;
        fn evented(&self) -> &super::Evented<Self::Raw>;
        fn io(&self) -> &Self::Io;
    }
}

impl<T: sealed::Sealed> SplitStream for T {}

/// The read half of a stream borrowed by `split`
/// ([`TcpStream::split`](crate::TcpStream::split),
/// [`UnixStream::split`](crate::UnixStream::split)); implements `AsyncRead`.
///
/// Named [`tcp::ReadHalf`](crate::tcp::ReadHalf) and `unix::ReadHalf`.
/// `as_ref()` gives the stream, for its address and option getters.
///
/// # Examples
///
/// An echo server: read one half, write the other.
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
/// runtime::spawn(async move {
///     let (mut rd, mut wr) = server.split();
///     runtime::io::copy(&mut rd, &mut wr).await
/// });
///
/// client.write_all(b"ping").await?;
/// client.shutdown().await?; // ends the server's copy
/// let mut echoed = String::new();
/// client.read_to_string(&mut echoed).await?;
/// assert_eq!(echoed, "ping");
/// # Ok(())
/// # }
/// ```
pub struct ReadHalf<'a, S>(pub(crate) &'a S);

/// The write half of a stream borrowed by `split`
/// ([`TcpStream::split`](crate::TcpStream::split),
/// [`UnixStream::split`](crate::UnixStream::split)); implements
/// `AsyncWrite`, and closing it shuts down the stream's write side.
///
/// Named [`tcp::WriteHalf`](crate::tcp::WriteHalf) and `unix::WriteHalf`.
/// `as_ref()` gives the stream.
///
/// # Examples
///
/// Writing and reading at once, in one task, with `join!`:
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let mut stream = TcpStream::connect(listener.local_addr()?).await?;
/// # runtime::spawn(async move {
/// #     let (mut peer, _) = listener.accept().await?;
/// #     let (mut rd, mut wr) = peer.split();
/// #     runtime::io::copy(&mut rd, &mut wr).await
/// # });
/// // The peer echoes what it receives.
/// let (mut rd, mut wr) = stream.split();
/// let (sent, echoed) = runtime::join!(
///     async {
///         wr.write_all(b"hello").await?;
///         wr.shutdown().await // the write side only: `rd` keeps reading
///     },
///     async {
///         let mut echoed = String::new();
///         rd.read_to_string(&mut echoed).await.map(|_| echoed)
///     },
/// );
/// sent?;
/// assert_eq!(echoed?, "hello");
/// # Ok(())
/// # }
/// ```
pub struct WriteHalf<'a, S>(pub(crate) &'a S);

/// The read half of a stream owned after `into_split`
/// ([`TcpStream::into_split`](crate::TcpStream::into_split),
/// [`UnixStream::into_split`](crate::UnixStream::into_split)); implements
/// `AsyncRead` and can move to another task than its write half.
///
/// Named [`tcp::OwnedReadHalf`](crate::tcp::OwnedReadHalf) and
/// `unix::OwnedReadHalf`. `as_ref()` gives the stream.
///
/// # Examples
///
/// A reader task owns the read half while this task writes:
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let stream = TcpStream::connect(listener.local_addr()?).await?;
/// # runtime::spawn(async move {
/// #     let (mut peer, _) = listener.accept().await?;
/// #     let (mut rd, mut wr) = peer.split();
/// #     runtime::io::copy(&mut rd, &mut wr).await
/// # });
/// // The peer echoes what it receives.
/// let (mut rd, mut wr) = stream.into_split();
/// let reader = runtime::spawn(async move {
///     let mut echoed = String::new();
///     rd.read_to_string(&mut echoed).await.map(|_| echoed)
/// });
/// wr.write_all(b"echo me").await?;
/// wr.shutdown().await?;
/// assert_eq!(reader.await.unwrap()?, "echo me");
/// # Ok(())
/// # }
/// ```
pub struct OwnedReadHalf<S: SplitStream> {
    inner: Arc<S>,
}

/// The write half of a stream owned after `into_split`
/// ([`TcpStream::into_split`](crate::TcpStream::into_split),
/// [`UnixStream::into_split`](crate::UnixStream::into_split)); implements
/// `AsyncWrite`.
///
/// Dropping it shuts down the stream's write side, so the peer reads end of
/// stream, as Tokio's does; [`forget`](OwnedWriteHalf::forget) drops it
/// without that. Named [`tcp::OwnedWriteHalf`](crate::tcp::OwnedWriteHalf)
/// and `unix::OwnedWriteHalf`. `as_ref()` gives the stream.
///
/// # Examples
///
/// A writer task owns the write half; when it ends, dropping the half shuts
/// the write side down and the peer reads end of stream:
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let stream = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut peer, _) = listener.accept().await?;
///
/// let (_rd, mut wr) = stream.into_split();
/// let writer = runtime::spawn(async move {
///     for i in 0..3 {
///         wr.write_all(format!("line {i}\n").as_bytes()).await?;
///     }
///     std::io::Result::Ok(())
/// });
/// let mut got = String::new();
/// peer.read_to_string(&mut got).await?;
/// assert_eq!(got, "line 0\nline 1\nline 2\n");
/// writer.await.unwrap()?;
/// # Ok(())
/// # }
/// ```
pub struct OwnedWriteHalf<S: SplitStream> {
    inner: Arc<S>,
    shutdown_on_drop: bool,
}

/// The halves passed to `reunite` came from different streams; both are
/// given back, the read half in `.0` and the write half in `.1`.
///
/// Named [`tcp::ReuniteError`](crate::tcp::ReuniteError) and
/// `unix::ReuniteError` (which has an example).
///
/// # Examples
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// let (rd, _) = TcpStream::connect(addr).await?.into_split();
/// let (_, wr) = TcpStream::connect(addr).await?.into_split();
///
/// let err = rd.reunite(wr).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "tried to reunite halves that are not from the same stream"
/// );
/// let (_rd, _wr) = (err.0, err.1); // nothing is lost
/// # Ok(())
/// # }
/// ```
pub struct ReuniteError<S: SplitStream>(pub OwnedReadHalf<S>, pub OwnedWriteHalf<S>);

pub(crate) fn into_split<S: SplitStream>(stream: S) -> (OwnedReadHalf<S>, OwnedWriteHalf<S>) {
    let inner = Arc::new(stream);
    (
        OwnedReadHalf {
            inner: inner.clone(),
        },
        OwnedWriteHalf {
            inner,
            shutdown_on_drop: true,
        },
    )
}

fn reunite<S: SplitStream>(
    read: OwnedReadHalf<S>,
    mut write: OwnedWriteHalf<S>,
) -> Result<S, ReuniteError<S>> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    write.shutdown_on_drop = false;
    let inner = write.inner.clone();
    drop(write);
    drop(read);
    Ok(Arc::try_unwrap(inner)
        .ok()
        .expect("the two halves held the only references"))
}

impl<S: SplitStream> OwnedReadHalf<S> {
    /// Joins the two halves back into the stream they came from. Fails,
    /// giving both halves back in the [`ReuniteError`], if `other` comes from
    /// another stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let local = stream.local_addr()?;
    /// let (rd, wr) = stream.into_split();
    /// let stream = rd.reunite(wr).expect("a pair");
    /// assert_eq!(stream.local_addr()?, local);
    /// # Ok(())
    /// # }
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf<S>) -> Result<S, ReuniteError<S>> {
        reunite(self, other)
    }
}

impl<S: SplitStream> OwnedWriteHalf<S> {
    /// Joins the two halves back into the stream they came from; the same
    /// as [`OwnedReadHalf::reunite`] with the halves swapped.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// let (rd, wr) = a.into_split();
    /// assert!(wr.reunite(rd).is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn reunite(self, other: OwnedReadHalf<S>) -> Result<S, ReuniteError<S>> {
        reunite(other, self)
    }

    /// Drops the write half without shutting down the stream's write side:
    /// the peer does not see end of stream, and the read half keeps the
    /// connection open.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncWriteExt;
    ///
    /// let (a, mut b) = runtime::net::UnixStream::pair()?;
    /// let (_rd, wr) = a.into_split();
    /// wr.forget();
    /// // No shutdown happened: b has not seen end of stream (a read would
    /// // wait for data, not return 0).
    /// let mut buf = [0; 1];
    /// let err = b.try_read(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// b.write_all(b"the connection is still open").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }
}

impl<S: SplitStream> AsRef<S> for OwnedReadHalf<S> {
    fn as_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: SplitStream> AsRef<S> for OwnedWriteHalf<S> {
    fn as_ref(&self) -> &S {
        &self.inner
    }
}

impl<S> AsRef<S> for ReadHalf<'_, S> {
    fn as_ref(&self) -> &S {
        self.0
    }
}

impl<S> AsRef<S> for WriteHalf<'_, S> {
    fn as_ref(&self) -> &S {
        self.0
    }
}

impl<S: SplitStream> Drop for OwnedWriteHalf<S> {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Best effort, as a socket close is: the peer may already be gone.
            let _ = crate::sim::StreamIo::shutdown_write(sealed::Sealed::io(&*self.inner));
        }
    }
}

macro_rules! halves_impl {
    ($($half:ident $(<$lt:lifetime>)?, $inner:tt;)*) => {$(
        impl<$($lt,)? S: SplitStream> futures_io::AsyncRead for $half<$($lt,)? S> {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
                self.$inner.io().poll_read(cx, buf)
            }

            fn poll_read_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &mut [IoSliceMut<'_>],
            ) -> Poll<io::Result<usize>> {
                self.$inner.io().poll_read_vectored(cx, bufs)
            }
        }
    )*};
}

macro_rules! write_halves_impl {
    ($($half:ident $(<$lt:lifetime>)?, $inner:tt;)*) => {$(
        impl<$($lt,)? S: SplitStream> futures_io::AsyncWrite for $half<$($lt,)? S> {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                self.$inner.io().poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                self.$inner.io().poll_write_vectored(cx, bufs)
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            /// Shuts down the stream's write side; the read half keeps working.
            fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.$inner.io().shutdown_write()
            }
        }
    )*};
}

halves_impl! {
    ReadHalf<'a>, 0;
    OwnedReadHalf, inner;
}

write_halves_impl! {
    WriteHalf<'a>, 0;
    OwnedWriteHalf, inner;
}

/// The non-blocking reads of the read halves (both kinds): one attempt on
/// the shared socket; `WouldBlock` clears the read readiness it was tried
/// under, so `readable` waits for the next event.
macro_rules! read_half_methods {
    ($($half:ident $(<$lt:lifetime>)?, |$s:ident| $stream:expr, $setup:literal;)*) => {$(
        impl<$($lt,)? S: SplitStream> $half<$($lt,)? S> {
            #[doc = "Reads queued data into `buf` without waiting, returning how many bytes"]
            #[doc = "were read; `Ok(0)` means the peer closed its write side (or `buf` is"]
            #[doc = "empty). Fails with `WouldBlock` when nothing is queued: then"]
            #[doc = "`readable` waits for more."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
            #[doc = "# async fn main() -> std::io::Result<()> {"]
            #[doc = $setup]
            #[doc = "let mut buf = [0; 8];"]
            #[doc = "let err = rd.try_read(&mut buf).unwrap_err();"]
            #[doc = "assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);"]
            #[doc = "peer.try_write(b\"hi\")?;"]
            #[doc = "rd.readable().await?;"]
            #[doc = "assert_eq!(rd.try_read(&mut buf)?, 2);"]
            #[doc = "# Ok(())"]
            #[doc = "# }"]
            #[doc = "```"]
            pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
                let $s = self;
                $stream.evented().try_read_io(|io| io.read(buf))
            }

            #[doc = "As `try_read`, scattering into several buffers in order (`readv`)."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
            #[doc = "# async fn main() -> std::io::Result<()> {"]
            #[doc = "use std::io::IoSliceMut;"]
            #[doc = $setup]
            #[doc = "peer.try_write(b\"hello\")?;"]
            #[doc = "rd.readable().await?;"]
            #[doc = "let (mut a, mut b) = ([0; 2], [0; 8]);"]
            #[doc = "let n = rd.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])?;"]
            #[doc = "assert_eq!(n, 5);"]
            #[doc = "assert_eq!((&a, &b[..3]), (b\"he\", &b\"llo\"[..]));"]
            #[doc = "# Ok(())"]
            #[doc = "# }"]
            #[doc = "```"]
            pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                let $s = self;
                $stream.evented().try_read_io(|io| io.read_vectored(bufs))
            }

            #[doc = "As `try_read`, into the spare capacity of a `bytes::BufMut` (a `Vec<u8>`,"]
            #[doc = "a `BytesMut`), which advances past the bytes read; no zeroing."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
            #[doc = "# async fn main() -> std::io::Result<()> {"]
            #[doc = $setup]
            #[doc = "peer.try_write(b\"hello\")?;"]
            #[doc = "rd.readable().await?;"]
            #[doc = "let mut buf = Vec::with_capacity(16);"]
            #[doc = "assert_eq!(rd.try_read_buf(&mut buf)?, 5);"]
            #[doc = "assert_eq!(buf, b\"hello\");"]
            #[doc = "# Ok(())"]
            #[doc = "# }"]
            #[doc = "```"]
            #[cfg(feature = "bytes")]
            pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
                let $s = self;
                $stream.evented().try_read_io(|io| {
                    crate::uninit::fill_buf_mut(buf, |slots| {
                        let n = crate::uninit::read_fd(io, slots)?;
                        Ok((n, n))
                    })
                })
            }
        }
    )*};
}

/// The non-blocking writes of the write halves (both kinds).
macro_rules! write_half_methods {
    ($($half:ident $(<$lt:lifetime>)?, |$s:ident| $stream:expr, $setup:literal;)*) => {$(
        impl<$($lt,)? S: SplitStream> $half<$($lt,)? S> {
            #[doc = "Writes as much of `buf` as the send buffer takes, without waiting, and"]
            #[doc = "returns how many bytes were written. Fails with `WouldBlock` when the"]
            #[doc = "buffer is full: then `writable` waits for room."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
            #[doc = "# async fn main() -> std::io::Result<()> {"]
            #[doc = $setup]
            #[doc = "wr.writable().await?;"]
            #[doc = "assert_eq!(wr.try_write(b\"abc\")?, 3);"]
            #[doc = "let mut buf = [0; 3];"]
            #[doc = "peer.readable().await?;"]
            #[doc = "assert_eq!(peer.try_read(&mut buf)?, 3);"]
            #[doc = "# Ok(())"]
            #[doc = "# }"]
            #[doc = "```"]
            pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                let $s = self;
                $stream.evented().try_write_io(|io| io.write(buf))
            }

            #[doc = "As `try_write`, gathering from several buffers in order (`writev`)."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
            #[doc = "# async fn main() -> std::io::Result<()> {"]
            #[doc = "use std::io::IoSlice;"]
            #[doc = $setup]
            #[doc = "let n = wr.try_write_vectored(&[IoSlice::new(b\"he\"), IoSlice::new(b\"llo\")])?;"]
            #[doc = "assert_eq!(n, 5);"]
            #[doc = "let mut buf = [0; 5];"]
            #[doc = "peer.readable().await?;"]
            #[doc = "assert_eq!(peer.try_read(&mut buf)?, 5);"]
            #[doc = "assert_eq!(&buf, b\"hello\");"]
            #[doc = "# Ok(())"]
            #[doc = "# }"]
            #[doc = "```"]
            pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                let $s = self;
                $stream.evented().try_write_io(|io| io.write_vectored(bufs))
            }
        }
    )*};
}

read_half_methods! {
    ReadHalf<'a>, |s| s.0,
        "# let (mut stream, peer) = runtime::net::UnixStream::pair()?;\nlet (rd, _wr) = stream.split();";
    OwnedReadHalf, |s| s.inner,
        "# let (stream, peer) = runtime::net::UnixStream::pair()?;\nlet (rd, _wr) = stream.into_split();";
}

write_half_methods! {
    WriteHalf<'a>, |s| s.0,
        "# let (mut stream, peer) = runtime::net::UnixStream::pair()?;\nlet (_rd, wr) = stream.split();";
    OwnedWriteHalf, |s| s.inner,
        "# let (stream, peer) = runtime::net::UnixStream::pair()?;\nlet (_rd, wr) = stream.into_split();";
}

/// `local_addr`/`peer_addr` of every half, per stream type (the address
/// types differ): the stream's own getters.
macro_rules! half_addresses {
    (
        $stream:ty, $addr:ty, $setup:literal, $check_peer:literal, $check_local:literal;
        $($half:ident $(<$lt:lifetime>)?, $make:literal;)*
    ) => {$(
        impl<$($lt)?> $half<$($lt,)? $stream> {
            #[doc = "The address of the remote end of the stream."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
            #[doc = "# async fn main() -> std::io::Result<()> {"]
            #[doc = $setup]
            #[doc = $make]
            #[doc = $check_peer]
            #[doc = "# Ok(())"]
            #[doc = "# }"]
            #[doc = "```"]
            pub fn peer_addr(&self) -> io::Result<$addr> {
                AsRef::<$stream>::as_ref(self).peer_addr()
            }

            #[doc = "The address of the local end of the stream."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
            #[doc = "# async fn main() -> std::io::Result<()> {"]
            #[doc = $setup]
            #[doc = $make]
            #[doc = $check_local]
            #[doc = "# Ok(())"]
            #[doc = "# }"]
            #[doc = "```"]
            pub fn local_addr(&self) -> io::Result<$addr> {
                AsRef::<$stream>::as_ref(self).local_addr()
            }
        }
    )*};
}

half_addresses! {
    crate::TcpStream, std::net::SocketAddr,
    "# let listener = runtime::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     # #[allow(unused_mut)]\n\
     let mut stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (peer, local) = (stream.peer_addr()?, stream.local_addr()?);",
    "assert_eq!(half.peer_addr()?, peer);",
    "assert_eq!(half.local_addr()?, local);";
    ReadHalf<'a>, "let (half, _) = stream.split();";
    WriteHalf<'a>, "let (_, half) = stream.split();";
    OwnedReadHalf, "let (half, _write_half) = stream.into_split();";
    OwnedWriteHalf, "let (_read_half, half) = stream.into_split();";
}

#[cfg(unix)]
half_addresses! {
    crate::UnixStream, crate::unix::SocketAddr,
    "# #[allow(unused_mut)]\n\
     let (mut stream, _other) = runtime::net::UnixStream::pair()?;",
    "assert!(half.peer_addr()?.is_unnamed()); // a pair has no path",
    "assert!(half.local_addr()?.is_unnamed());";
    ReadHalf<'a>, "let (half, _) = stream.split();";
    WriteHalf<'a>, "let (_, half) = stream.split();";
    OwnedReadHalf, "let (half, _write_half) = stream.into_split();";
    OwnedWriteHalf, "let (_read_half, half) = stream.into_split();";
}

impl OwnedReadHalf<crate::TcpStream> {
    /// Reads queued data into `buf` without removing it, waiting until some
    /// is there (TCP only; see [`TcpStream::peek`](crate::TcpStream::peek)).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut peer = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (stream, _) = listener.accept().await?;
    /// let (mut rd, _wr) = stream.into_split();
    /// peer.write_all(b"hi").await?;
    /// let mut buf = [0; 2];
    /// let n = rd.peek(&mut buf).await?;
    /// assert_eq!(&buf[..n], &b"hi"[..n]);
    /// rd.read_exact(&mut buf).await?; // still there
    /// assert_eq!(&buf, b"hi");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as `TcpStream::peek`.
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.peek(buf).await
    }

    /// Polls to peek at queued data, as
    /// [`TcpStream::poll_peek`](crate::TcpStream::poll_peek): `Ready(Ok(n))`
    /// with `n` bytes copied into `buf` (and left queued), or `Pending`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, ReadBuf};
    ///
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut peer = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (stream, _) = listener.accept().await?;
    /// let (mut rd, _wr) = stream.into_split();
    /// peer.write_all(b"hi").await?;
    /// let mut storage = [0; 2];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = std::future::poll_fn(|cx| rd.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), &b"hi"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut runtime_core::ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_peek(cx, buf)
    }
}

impl ReadHalf<'_, crate::TcpStream> {
    /// Reads queued data into `buf` without removing it, waiting until some
    /// is there (TCP only; see [`TcpStream::peek`](crate::TcpStream::peek)).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut peer = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut stream, _) = listener.accept().await?;
    /// let (mut rd, _wr) = stream.split();
    /// peer.write_all(b"hi").await?;
    /// let mut buf = [0; 2];
    /// let n = rd.peek(&mut buf).await?;
    /// assert_eq!(&buf[..n], &b"hi"[..n]);
    /// rd.read_exact(&mut buf).await?; // still there
    /// assert_eq!(&buf, b"hi");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as `TcpStream::peek`.
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf).await
    }

    /// Polls to peek at queued data, as
    /// [`TcpStream::poll_peek`](crate::TcpStream::poll_peek).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, ReadBuf};
    ///
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut peer = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut stream, _) = listener.accept().await?;
    /// let (mut rd, _wr) = stream.split();
    /// peer.write_all(b"hi").await?;
    /// let mut storage = [0; 2];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = std::future::poll_fn(|cx| rd.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), &b"hi"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut runtime_core::ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.0.poll_peek(cx, buf)
    }
}

impl<S: SplitStream + fmt::Debug> fmt::Debug for OwnedReadHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedReadHalf").field(&self.inner).finish()
    }
}

impl<S: SplitStream + fmt::Debug> fmt::Debug for OwnedWriteHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedWriteHalf").field(&self.inner).finish()
    }
}

impl<S: fmt::Debug> fmt::Debug for ReadHalf<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReadHalf").field(&self.0).finish()
    }
}

impl<S: fmt::Debug> fmt::Debug for WriteHalf<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WriteHalf").field(&self.0).finish()
    }
}

impl<S: SplitStream> fmt::Debug for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReuniteError(..)")
    }
}

impl<S: SplitStream> fmt::Display for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same stream")
    }
}

impl<S: SplitStream> std::error::Error for ReuniteError<S> {}
