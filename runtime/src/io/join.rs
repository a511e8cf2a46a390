//! [`join`]: one stream from a reader and a writer.
//!
//! The inverse of [`split`](super::split): reads go to the reader and writes
//! to the writer, with no lock and no buffering. The fields are pinned
//! structurally (a pinned `Join` pins both halves), which is what
//! [`Join::reader_pin_mut`] and [`Join::writer_pin_mut`] hand out, and how
//! the I/O traits reach the halves: unlike the buffering adapters, a `Join`
//! of `!Unpin` halves works once pinned, as Tokio's.

use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use std::io::{self, IoSlice, IoSliceMut};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Joins a reader and a writer into one value that implements
/// `AsyncRead` (and `AsyncBufRead`) with the reader and `AsyncWrite` with the
/// writer: for an API that wants a single bidirectional stream.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     let input: &[u8] = b"request";
///     let mut stream = io::join(input, Vec::new());
///     let mut req = String::new();
///     stream.read_to_string(&mut req).await?;
///     stream.write_all(b"reply to ").await?;
///     stream.write_all(req.as_bytes()).await?;
///     let (_, output) = stream.into_inner();
///     assert_eq!(output, b"reply to request");
///     Ok(())
/// }
/// ```
pub fn join<R, W>(reader: R, writer: W) -> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    Join { reader, writer }
}

/// A reader and a writer as one stream; created by [`join`].
///
/// ```
/// use runtime::io::{self, AsyncWriteExt, Join};
///
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let mut stream: Join<&[u8], Vec<u8>> = io::join(&b""[..], Vec::new());
/// stream.write_all(b"out").await?;
/// assert_eq!(stream.writer(), b"out");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Join<R, W> {
    reader: R,
    writer: W,
}

impl<R, W> Join<R, W> {
    /// Splits the `Join` back into its reader and writer.
    ///
    /// ```
    /// let stream = runtime::io::join(&b"in"[..], Vec::<u8>::new());
    /// let (reader, writer) = stream.into_inner();
    /// assert_eq!(reader, b"in");
    /// assert!(writer.is_empty());
    /// ```
    pub fn into_inner(self) -> (R, W) {
        (self.reader, self.writer)
    }

    /// The reader.
    ///
    /// ```
    /// let stream = runtime::io::join(&b"in"[..], Vec::<u8>::new());
    /// assert_eq!(*stream.reader(), b"in");
    /// ```
    pub fn reader(&self) -> &R {
        &self.reader
    }

    /// The writer.
    ///
    /// ```
    /// let stream = runtime::io::join(&b"in"[..], vec![1u8]);
    /// assert_eq!(*stream.writer(), [1]);
    /// ```
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// The reader, mutably.
    ///
    /// ```
    /// let mut stream = runtime::io::join(&b"abc"[..], Vec::<u8>::new());
    /// *stream.reader_mut() = &b"xyz"[..];
    /// assert_eq!(*stream.reader(), b"xyz");
    /// ```
    pub fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The writer, mutably.
    ///
    /// ```
    /// let mut stream = runtime::io::join(&b""[..], Vec::<u8>::new());
    /// stream.writer_mut().push(7);
    /// assert_eq!(*stream.writer(), [7]);
    /// ```
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// The reader of a pinned `Join`, pinned.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{self, AsyncReadExt};
    ///
    /// let mut stream = Box::pin(io::join(&b"pinned"[..], Vec::<u8>::new()));
    /// let mut got = String::new();
    /// stream.as_mut().reader_pin_mut().read_to_string(&mut got).await?;
    /// assert_eq!(got, "pinned");
    /// # Ok(())
    /// # }
    /// ```
    pub fn reader_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        // SAFETY: `reader` is pinned structurally: `Join` is `Unpin` only
        // when both fields are (no manual `Unpin` impl), it has no `Drop`
        // impl, and no method moves a field out of a pinned `Join`
        // (`into_inner` takes it by value, `reader_mut` needs `&mut Join`,
        // which a pinned `!Unpin` `Join` does not give).
        unsafe { self.map_unchecked_mut(|join| &mut join.reader) }
    }

    /// The writer of a pinned `Join`, pinned.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{self, AsyncWriteExt};
    ///
    /// let mut stream = Box::pin(io::join(&b""[..], Vec::<u8>::new()));
    /// stream.as_mut().writer_pin_mut().write_all(b"pinned").await?;
    /// assert_eq!(stream.writer(), b"pinned");
    /// # Ok(())
    /// # }
    /// ```
    pub fn writer_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        // SAFETY: as in `reader_pin_mut`: `writer` is pinned structurally.
        unsafe { self.map_unchecked_mut(|join| &mut join.writer) }
    }
}

impl<R: AsyncRead, W> AsyncRead for Join<R, W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.reader_pin_mut().poll_read(cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.reader_pin_mut().poll_read_vectored(cx, bufs)
    }
}

impl<R: AsyncBufRead, W> AsyncBufRead for Join<R, W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.reader_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.reader_pin_mut().consume(amt)
    }
}

impl<R, W: AsyncWrite> AsyncWrite for Join<R, W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writer_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.writer_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.writer_pin_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.writer_pin_mut().poll_close(cx)
    }
}
