//! [`BufWriter`]: buffering for a writer.

use super::{write_zero, DEFAULT_BUF_SIZE};
use futures_io::{AsyncRead, AsyncSeek, AsyncWrite};
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Adds a buffer to a writer, so that many small writes cost few writes of
/// the inner writer.
///
/// Data is held until the buffer fills or the writer is flushed or closed;
/// call [`flush`](super::AsyncWriteExt::flush) or
/// [`shutdown`](super::AsyncWriteExt::shutdown) before dropping it, or the
/// buffered data is lost. A write at least as large as the buffer goes
/// straight to the inner writer once the buffer is empty. Reads pass through
/// to the inner type unbuffered when it is also a reader.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
/// use runtime::net::{TcpListener, TcpStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let client = TcpStream::connect(listener.local_addr()?).await?;
///     let (mut server, _) = listener.accept().await?;
///
///     let mut out = BufWriter::new(client);
///     for i in 0..100u8 {
///         out.write_u8(i).await?; // 100 one-byte writes, one syscall
///     }
///     out.shutdown().await?; // flushes, then shuts the write side down
///     let mut got = Vec::new();
///     server.read_to_end(&mut got).await?;
///     assert_eq!(got, (0..100).collect::<Vec<u8>>());
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct BufWriter<W> {
    inner: W,
    buf: Vec<u8>,
    capacity: usize,
    /// `buf[..written]` has already been handed to the inner writer.
    written: usize,
}

impl<W> BufWriter<W> {
    /// Wraps `inner` with an 8 KiB buffer.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, BufWriter};
    ///
    /// let mut w = BufWriter::new(Vec::new());
    /// w.write_all(&[1; 100]).await?;
    /// assert_eq!(w.buffer().len(), 100); // fits in 8 KiB: held back
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(inner: W) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, BufWriter};
    ///
    /// let mut w = BufWriter::with_capacity(4, Vec::new());
    /// w.write_all(b"abc").await?;
    /// assert!(w.get_ref().is_empty());
    /// w.write_all(b"de").await?; // would overflow: "abc" goes out first
    /// assert_eq!(w.get_ref(), b"abc");
    /// assert_eq!(w.buffer(), b"de");
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_capacity(capacity: usize, inner: W) -> Self {
        BufWriter {
            inner,
            buf: Vec::with_capacity(capacity),
            capacity,
            written: 0,
        }
    }

    /// The wrapped writer.
    ///
    /// ```
    /// let w = runtime::io::BufWriter::new(Vec::<u8>::new());
    /// assert!(w.get_ref().is_empty());
    /// ```
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The wrapped writer, mutably. Writing to it directly jumps ahead of
    /// whatever is buffered.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, BufWriter};
    ///
    /// let mut w = BufWriter::new(Vec::new());
    /// w.write_all(b"second").await?;
    /// w.get_mut().write_all(b"first ").await?;
    /// w.flush().await?;
    /// assert_eq!(w.get_ref(), b"first second");
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Replaces the inner writer by `f(inner)`, keeping the buffered data
    /// (for [`BufStream`](super::BufStream)'s conversions).
    pub(super) fn map_inner<S>(self, f: impl FnOnce(W) -> S) -> BufWriter<S> {
        BufWriter {
            inner: f(self.inner),
            buf: self.buf,
            capacity: self.capacity,
            written: self.written,
        }
    }

    /// The wrapped writer of a pinned `BufWriter`, pinned. As with
    /// [`get_mut`](Self::get_mut), writing to it directly skips the buffer.
    ///
    /// ```
    /// use runtime::io::BufWriter;
    /// use std::pin::Pin;
    ///
    /// let mut writer = Box::pin(BufWriter::new(Vec::<u8>::new()));
    /// let inner: Pin<&mut Vec<u8>> = writer.as_mut().get_pin_mut();
    /// inner.get_mut().push(1);
    /// assert_eq!(writer.get_ref(), &[1]);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        // SAFETY: `inner` is pinned structurally: the wrapper is `Unpin`
        // only when `inner` is (no manual `Unpin` impl), it has no `Drop`
        // impl, and nothing moves `inner` out of a pinned wrapper (`into_inner`
        // takes it by value, `get_mut` needs `&mut Self`, which a pinned
        // `!Unpin` wrapper does not give).
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }

    /// Unwraps the writer; data still buffered is lost, so flush first.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, BufWriter};
    ///
    /// let mut w = BufWriter::new(Vec::new());
    /// w.write_all(b"kept").await?;
    /// w.flush().await?;
    /// assert_eq!(w.into_inner(), b"kept");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// The data waiting to be written.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, BufWriter};
    ///
    /// let mut w = BufWriter::new(Vec::new());
    /// w.write_all(b"pending").await?;
    /// assert_eq!(w.buffer(), b"pending");
    /// w.flush().await?;
    /// assert!(w.buffer().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.written..]
    }

    /// Writes the whole buffer to the inner writer (without flushing it).
    fn poll_flush_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>>
    where
        W: AsyncWrite + Unpin,
    {
        while self.written < self.buf.len() {
            let pending = &self.buf[self.written..];
            match ready!(Pin::new(&mut self.inner).poll_write(cx, pending))? {
                0 => return Poll::Ready(Err(write_zero())),
                n => self.written += n,
            }
        }
        self.buf.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for BufWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.buf.len() + data.len() > this.capacity {
            ready!(this.poll_flush_buf(cx))?;
        }
        if data.len() >= this.capacity {
            return Pin::new(&mut this.inner).poll_write(cx, data);
        }
        this.buf.extend_from_slice(data);
        Poll::Ready(Ok(data.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let total = bufs
            .iter()
            .fold(0usize, |sum, b| sum.saturating_add(b.len()));
        if this.buf.len().saturating_add(total) > this.capacity {
            ready!(this.poll_flush_buf(cx))?;
        }
        if total >= this.capacity {
            return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        }
        for b in bufs {
            this.buf.extend_from_slice(b);
        }
        Poll::Ready(Ok(total))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_flush_buf(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_flush_buf(cx))?;
        Pin::new(&mut this.inner).poll_close(cx)
    }
}

/// Seeking first writes out the buffer, then seeks the inner writer.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncSeekExt, AsyncWriteExt, BufWriter, SeekFrom};
///
/// let mut writer = BufWriter::new(futures::io::Cursor::new(Vec::new()));
/// writer.write_all(b"hello").await?;
/// writer.seek(SeekFrom::Start(0)).await?; // "hello" is written first
/// writer.write_all(b"J").await?;
/// writer.flush().await?;
/// assert_eq!(writer.get_ref().get_ref(), b"Jello");
/// # Ok(())
/// # }
/// ```
impl<W: AsyncWrite + AsyncSeek + Unpin> AsyncSeek for BufWriter<W> {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        ready!(this.poll_flush_buf(cx))?;
        Pin::new(&mut this.inner).poll_seek(cx, pos)
    }
}

impl<W: AsyncRead + Unpin> AsyncRead for BufWriter<W> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}
