//! [`BufReader`]: buffering for a reader.

use super::DEFAULT_BUF_SIZE;
use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Adds a buffer to a reader, so that many small reads (or
/// [`AsyncBufReadExt`](super::AsyncBufReadExt) line reading) cost few reads of
/// the inner reader.
///
/// A read at least as large as the buffer, made while the buffer is empty,
/// goes straight to the inner reader. Writes pass through to the inner type
/// unbuffered when it is also a writer.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
/// use runtime::net::{TcpListener, TcpStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let mut client = TcpStream::connect(listener.local_addr()?).await?;
///     let (server, _) = listener.accept().await?;
///
///     client.write_all(b"one\ntwo\n").await?;
///     client.shutdown().await?;
///     let mut lines = BufReader::new(server).lines();
///     let mut got = Vec::new();
///     while let Some(line) = lines.next_line().await? {
///         got.push(line);
///     }
///     assert_eq!(got, ["one", "two"]);
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct BufReader<R> {
    inner: R,
    buf: Box<[u8]>,
    /// `buf[pos..filled]` is read but not yet consumed.
    pos: usize,
    filled: usize,
}

impl<R> BufReader<R> {
    /// Wraps `inner` with an 8 KiB buffer.
    ///
    /// ```
    /// let reader = runtime::io::BufReader::new(&b"data"[..]);
    /// assert_eq!(reader.capacity(), 8 * 1024);
    /// ```
    pub fn new(inner: R) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    ///
    /// ```
    /// let reader = runtime::io::BufReader::with_capacity(512, &b"data"[..]);
    /// assert_eq!(reader.capacity(), 512);
    /// ```
    pub fn with_capacity(capacity: usize, inner: R) -> Self {
        BufReader {
            inner,
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            filled: 0,
        }
    }

    /// The wrapped reader.
    ///
    /// ```
    /// let reader = runtime::io::BufReader::new(&b"data"[..]);
    /// assert_eq!(*reader.get_ref(), b"data");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The wrapped reader, mutably. Reading from it directly skips whatever
    /// is buffered.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, BufReader};
    ///
    /// let mut reader = BufReader::with_capacity(2, &b"abcd"[..]);
    /// let mut one = [0; 1];
    /// reader.read_exact(&mut one).await?; // buffers "ab", returns "a"
    /// let mut direct = [0; 2];
    /// reader.get_mut().read_exact(&mut direct).await?;
    /// assert_eq!(&direct, b"cd"); // "b" is still in the buffer
    /// assert_eq!(reader.buffer(), b"b");
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Replaces the inner reader by `f(inner)`, keeping the buffered data
    /// (for [`BufStream`](super::BufStream)'s conversions).
    pub(super) fn map_inner<S>(self, f: impl FnOnce(R) -> S) -> BufReader<S> {
        BufReader {
            inner: f(self.inner),
            buf: self.buf,
            pos: self.pos,
            filled: self.filled,
        }
    }

    /// The wrapped reader of a pinned `BufReader`, pinned. As with
    /// [`get_mut`](Self::get_mut), reading from it directly skips the buffer.
    ///
    /// ```
    /// use runtime::io::BufReader;
    /// use std::pin::Pin;
    ///
    /// let mut reader = Box::pin(BufReader::new(&b"abc"[..]));
    /// let inner: Pin<&mut &[u8]> = reader.as_mut().get_pin_mut();
    /// assert_eq!(*inner, b"abc");
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        // SAFETY: `inner` is pinned structurally: the wrapper is `Unpin`
        // only when `inner` is (no manual `Unpin` impl), it has no `Drop`
        // impl, and nothing moves `inner` out of a pinned wrapper (`into_inner`
        // takes it by value, `get_mut` needs `&mut Self`, which a pinned
        // `!Unpin` wrapper does not give).
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }

    /// Unwraps the reader; buffered data is lost (read
    /// [`buffer`](BufReader::buffer) first to keep it).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, BufReader};
    ///
    /// let mut reader = BufReader::with_capacity(4, &b"abcdef"[..]);
    /// let mut one = [0; 1];
    /// reader.read_exact(&mut one).await?;
    /// assert_eq!(reader.buffer(), b"bcd");
    /// let inner = reader.into_inner();
    /// assert_eq!(inner, b"ef");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The data read from the inner reader but not yet consumed.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    ///
    /// let mut reader = BufReader::new(&b"line\nmore"[..]);
    /// let mut line = String::new();
    /// reader.read_line(&mut line).await?;
    /// assert_eq!(reader.buffer(), b"more");
    /// # Ok(())
    /// # }
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.filled]
    }

    /// The buffer's size.
    ///
    /// ```
    /// let reader = runtime::io::BufReader::with_capacity(100, runtime::io::empty());
    /// assert_eq!(reader.capacity(), 100);
    /// ```
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if self.pos == self.filled && out.len() >= self.buf.len() {
            return Pin::new(&mut self.inner).poll_read(cx, out);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

impl<R: AsyncRead + Unpin> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.pos == this.filled {
            let n = ready!(Pin::new(&mut this.inner).poll_read(cx, &mut this.buf))?;
            this.pos = 0;
            this.filled = n;
        }
        Poll::Ready(Ok(&this.buf[this.pos..this.filled]))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        self.pos = (self.pos + amt).min(self.filled);
    }
}

/// A successful seek discards the buffer. `SeekFrom::Current` counts from the
/// position of the `BufReader` (the inner reader is ahead of it by the
/// buffered bytes, which the seek takes into account), as in Tokio.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncSeekExt, BufReader, SeekFrom};
///
/// let mut reader = BufReader::new(futures::io::Cursor::new(b"0123456789".to_vec()));
/// assert_eq!(reader.read_u8().await?, b'0'); // the buffer holds the rest
/// assert_eq!(reader.seek(SeekFrom::Current(2)).await?, 3);
/// assert_eq!(reader.read_u8().await?, b'3');
/// # Ok(())
/// # }
/// ```
impl<R: AsyncSeek + Unpin> AsyncSeek for BufReader<R> {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        let result = match pos {
            SeekFrom::Current(n) => {
                // A buffer's length fits in an `i64`.
                let ahead = (this.filled - this.pos) as i64;
                match n.checked_sub(ahead) {
                    Some(offset) => {
                        ready!(Pin::new(&mut this.inner).poll_seek(cx, SeekFrom::Current(offset)))
                    }
                    None => {
                        // `n - ahead` overflows: move the inner reader back to
                        // our position first. If the second seek is pending,
                        // the next call finds an empty buffer and seeks by `n`.
                        ready!(Pin::new(&mut this.inner).poll_seek(cx, SeekFrom::Current(-ahead)))?;
                        this.pos = 0;
                        this.filled = 0;
                        ready!(Pin::new(&mut this.inner).poll_seek(cx, SeekFrom::Current(n)))
                    }
                }
            }
            pos => ready!(Pin::new(&mut this.inner).poll_seek(cx, pos)),
        };
        // A failed seek moved nothing (as std's): the buffer still matches
        // the inner position, so keep it.
        if result.is_ok() {
            this.pos = 0;
            this.filled = 0;
        }
        Poll::Ready(result)
    }
}

impl<R: AsyncWrite + Unpin> AsyncWrite for BufReader<R> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}
