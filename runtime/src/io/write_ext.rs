//! [`AsyncWriteExt`] and the futures its methods return.

use super::int::{self, write_int_methods, *};
use super::write_zero;
#[cfg(feature = "bytes")]
use super::{WriteAllBuf, WriteBuf};
use futures_io::AsyncWrite;
use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Writing helpers for every [`AsyncWrite`], as in Tokio's `AsyncWriteExt`.
///
/// It is implemented for every `AsyncWrite` (sockets,
/// [`DuplexStream`](super::DuplexStream), `Vec<u8>`,
/// [`BufWriter`](super::BufWriter)...); bring it into scope with
/// `use runtime::io::AsyncWriteExt`. The async methods borrow the writer and
/// return a named future, which is `Unpin`, and `Send` when the writer is.
/// Each method's documentation says whether its future is cancel-safe.
///
/// ```
/// use runtime::io::AsyncWriteExt;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let mut out: Vec<u8> = Vec::new();
///     out.write_u16(5).await?;          // a big-endian length prefix
///     out.write_all(b"hello").await?;   // then the frame
///     out.flush().await?;
///     assert_eq!(out, b"\x00\x05hello");
///     Ok(())
/// }
/// ```
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some of `buf` and returns how many bytes were written, which
    /// may be fewer than `buf.len()` (a full socket buffer takes what fits).
    /// `Ok(0)` with a non-empty `buf` means the writer accepts no more.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
    ///
    /// let (mut tx, mut rx) = io::duplex(4); // room for 4 bytes
    /// assert_eq!(tx.write(b"hello").await?, 4);
    /// let mut buf = [0; 4];
    /// rx.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hell");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the future is one `poll_write` call per poll and holds no
    /// data of its own; if it is dropped before it completes, nothing was
    /// written.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        Write { writer: self, buf }
    }

    /// Writes some of the data in `bufs`, in order, and returns how many bytes
    /// were written (as [`write`](Self::write), possibly fewer than all).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncWriteExt;
    /// use std::io::IoSlice;
    ///
    /// let mut out: Vec<u8> = Vec::new();
    /// let bufs = [IoSlice::new(b"head "), IoSlice::new(b"tail")];
    /// let n = out.write_vectored(&bufs).await?;
    /// assert_eq!(&out[..], &b"head tail"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, like [`write`](Self::write): if the future is dropped
    /// before it completes, nothing was written.
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        WriteVectored { writer: self, bufs }
    }

    /// Writes all of `buf`, waiting as long as it takes. A write that accepts
    /// 0 bytes fails with
    /// [`ErrorKind::WriteZero`](std::io::ErrorKind::WriteZero).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
    ///
    /// let (mut tx, mut rx) = io::duplex(8);
    /// let data = vec![7u8; 100]; // more than the pipe holds at once
    /// let (sent, got) = runtime::join!(
    ///     async {
    ///         tx.write_all(&data).await?;
    ///         tx.shutdown().await
    ///     },
    ///     async {
    ///         let mut got = Vec::new();
    ///         rx.read_to_end(&mut got).await?;
    ///         io::Result::Ok(got)
    ///     },
    /// );
    /// sent?;
    /// assert_eq!(got?, data);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Not cancel-safe. It may need several writes; if the future is dropped
    /// between them, a prefix of `buf` has been written and its length is
    /// lost with the future, so the caller cannot tell where to resume. In a
    /// `select!` loop, keep the unwritten remainder outside the loop and call
    /// [`write`](Self::write) on it.
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        WriteAll { writer: self, buf }
    }

    int::int_table!(write_int_methods);

    /// Writes some of the bytes left in `buf` (any [`bytes::Buf`]: `Bytes`,
    /// `&[u8]`, a `Chain`...), advances `buf` past them and returns how many;
    /// `Ok(0)` when `buf` is empty. A `Buf` made of several chunks is written
    /// with one vectored write. Feature `bytes`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use bytes::{Buf, Bytes};
    /// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
    ///
    /// let (mut tx, mut rx) = io::duplex(4); // room for 4 bytes
    /// let mut data = Bytes::from_static(b"hello");
    /// assert_eq!(tx.write_buf(&mut data).await?, 4);
    /// assert_eq!(data, "o"); // what is left to write
    /// let mut got = [0; 4];
    /// rx.read_exact(&mut got).await?;
    /// assert_eq!(&got, b"hell");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: `buf` is advanced in the same poll as the write, so if
    /// the future is dropped, nothing was written and `buf` is unchanged.
    #[cfg(feature = "bytes")]
    fn write_buf<'a, B>(&'a mut self, buf: &'a mut B) -> WriteBuf<'a, Self, B>
    where
        Self: Unpin,
        B: bytes::Buf + ?Sized,
    {
        WriteBuf { writer: self, buf }
    }

    /// Writes everything left in `buf`, advancing it as the bytes go out. A
    /// write that accepts 0 bytes fails with
    /// [`ErrorKind::WriteZero`](std::io::ErrorKind::WriteZero). Feature
    /// `bytes`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use bytes::{Buf, Bytes};
    /// use runtime::io::AsyncWriteExt;
    ///
    /// let mut out: Vec<u8> = Vec::new();
    /// let mut frame = Bytes::from_static(&[0, 3]).chain(Bytes::from_static(b"abc"));
    /// out.write_all_buf(&mut frame).await?;
    /// assert_eq!(out, b"\x00\x03abc");
    /// assert!(!frame.has_remaining());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe in the sense that matters: the progress is kept in `buf`,
    /// not in the future. If the future is dropped, `buf` holds exactly what
    /// was not written yet, so calling `write_all_buf` again with it
    /// continues where it stopped.
    #[cfg(feature = "bytes")]
    fn write_all_buf<'a, B>(&'a mut self, buf: &'a mut B) -> WriteAllBuf<'a, Self, B>
    where
        Self: Unpin,
        B: bytes::Buf + ?Sized,
    {
        WriteAllBuf { writer: self, buf }
    }

    /// Flushes buffered data to its destination. Sockets buffer nothing in
    /// user space, so this matters for wrappers such as
    /// [`BufWriter`](super::BufWriter).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, BufWriter};
    ///
    /// let mut w = BufWriter::new(Vec::new());
    /// w.write_all(b"buffered").await?;
    /// assert!(w.get_ref().is_empty()); // still in the BufWriter
    /// w.flush().await?;
    /// assert_eq!(w.get_ref(), b"buffered");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: progress is kept by the writer, not the future (a
    /// `BufWriter` remembers how much of its buffer went out), so dropping
    /// it loses nothing; call it again to finish flushing.
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        Flush { writer: self }
    }

    /// Flushes and closes the writer ([`AsyncWrite::poll_close`]). On a socket
    /// this shuts down the write side only: the peer reads end of stream, and
    /// this side can still read.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
    ///
    /// let (mut a, mut b) = io::duplex(64);
    /// a.write_all(b"last words").await?;
    /// a.shutdown().await?;
    /// let mut got = String::new();
    /// b.read_to_string(&mut got).await?; // ends: a shut down
    /// assert_eq!(got, "last words");
    /// // The other direction still works.
    /// b.write_all(b"reply").await?;
    /// let mut reply = [0; 5];
    /// a.read_exact(&mut reply).await?;
    /// assert_eq!(&reply, b"reply");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: as with [`flush`](Self::flush), progress is kept by the
    /// writer, so dropping it loses nothing; call it again to finish
    /// shutting down.
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        Shutdown { writer: self }
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}

/// Future for [`AsyncWriteExt::write`]: awaiting it gives the number of bytes
/// written.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncWriteExt};
///
/// let mut out: Vec<u8> = Vec::new();
/// let fut: io::Write<'_, _> = out.write(b"hello");
/// assert_eq!(fut.await?, 5); // a `Vec` takes it all
/// assert_eq!(out, b"hello");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Write<'_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        Pin::new(&mut *this.writer).poll_write(cx, this.buf)
    }
}

/// Future for [`AsyncWriteExt::write_vectored`]: awaiting it gives the number
/// of bytes written.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncWriteExt, IoSlice};
///
/// let mut out: Vec<u8> = Vec::new();
/// let bufs = [IoSlice::new(b"head "), IoSlice::new(b"tail")];
/// let fut: io::WriteVectored<'_, '_, _> = out.write_vectored(&bufs);
/// let n = fut.await?;
/// assert_eq!(&out[..], &b"head tail"[..n]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteVectored<'a, 'b, W: ?Sized> {
    writer: &'a mut W,
    bufs: &'a [IoSlice<'b>],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteVectored<'_, '_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        Pin::new(&mut *this.writer).poll_write_vectored(cx, this.bufs)
    }
}

/// Future for [`AsyncWriteExt::write_all`]: awaiting it writes the whole
/// buffer.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncWriteExt};
///
/// let mut out: Vec<u8> = Vec::new();
/// let fut: io::WriteAll<'_, _> = out.write_all(b"all of it");
/// fut.await?;
/// assert_eq!(out, b"all of it");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAll<'a, W: ?Sized> {
    writer: &'a mut W,
    /// The part of the caller's buffer still to write.
    buf: &'a [u8],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteAll<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        poll_write_all(&mut *this.writer, cx, &mut this.buf)
    }
}

/// Writes all of `buf`, shrinking it past each chunk written.
pub(super) fn poll_write_all<W: AsyncWrite + Unpin + ?Sized>(
    writer: &mut W,
    cx: &mut Context<'_>,
    buf: &mut &[u8],
) -> Poll<io::Result<()>> {
    while !buf.is_empty() {
        match ready!(Pin::new(&mut *writer).poll_write(cx, buf))? {
            0 => return Poll::Ready(Err(write_zero())),
            n => *buf = &buf[n..],
        }
    }
    Poll::Ready(Ok(()))
}

/// Future for [`AsyncWriteExt::flush`]: awaiting it flushes the writer.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncWriteExt, BufWriter};
///
/// let mut w = BufWriter::new(Vec::new());
/// w.write_all(b"buffered").await?;
/// let fut: io::Flush<'_, _> = w.flush();
/// fut.await?;
/// assert_eq!(w.get_ref(), b"buffered");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Flush<'a, W: ?Sized> {
    writer: &'a mut W,
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Flush<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().writer).poll_flush(cx)
    }
}

/// Future for [`AsyncWriteExt::shutdown`]: awaiting it flushes and closes the
/// writer.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// let (mut a, mut b) = io::duplex(64);
/// a.write_all(b"bye").await?;
/// let fut: io::Shutdown<'_, _> = a.shutdown();
/// fut.await?;
/// let mut got = Vec::new();
/// b.read_to_end(&mut got).await?; // ends: `a` shut down
/// assert_eq!(got, b"bye");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Shutdown<'a, W: ?Sized> {
    writer: &'a mut W,
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Shutdown<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().writer).poll_close(cx)
    }
}
