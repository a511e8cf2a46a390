//! [`Take`]: a reader limited to a number of bytes.

use futures_io::{AsyncBufRead, AsyncRead};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reader adapter that reports end of stream after a limit; created by
/// [`AsyncReadExt::take`](super::AsyncReadExt::take).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::AsyncReadExt;
///
/// let mut limited = (&b"0123456789"[..]).take(4);
/// let mut buf = Vec::new();
/// limited.read_to_end(&mut buf).await?;
/// assert_eq!(buf, b"0123");
/// assert_eq!(limited.limit(), 0);
/// assert_eq!(limited.into_inner(), b"456789"); // the rest is still there
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Take<R> {
    inner: R,
    limit: u64,
}

impl<R> Take<R> {
    pub(super) fn new(inner: R, limit: u64) -> Self {
        Take { inner, limit }
    }

    /// How many bytes may still be read before end of stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut t = (&b"abc"[..]).take(2);
    /// assert_eq!(t.limit(), 2);
    /// t.read_u8().await?;
    /// assert_eq!(t.limit(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Sets the number of bytes that may still be read, for example to
    /// read the next length-prefixed frame with the same `Take`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut t = (&b"aabbb"[..]).take(2);
    /// let mut frame = Vec::new();
    /// t.read_to_end(&mut frame).await?;
    /// assert_eq!(frame, b"aa");
    /// t.set_limit(3);
    /// frame.clear();
    /// t.read_to_end(&mut frame).await?;
    /// assert_eq!(frame, b"bbb");
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// The wrapped reader.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    ///
    /// let t = (&b"abc"[..]).take(2);
    /// assert_eq!(*t.get_ref(), b"abc");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The wrapped reader, mutably. Reading from it directly bypasses the
    /// limit.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut t = (&b"abc"[..]).take(1);
    /// let mut all = Vec::new();
    /// t.get_mut().read_to_end(&mut all).await?;
    /// assert_eq!(all, b"abc");
    /// assert_eq!(t.limit(), 1); // unchanged
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The wrapped reader of a pinned `Take`, pinned. Reading from it
    /// directly does not count against the limit.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    /// use std::pin::Pin;
    ///
    /// let mut limited = Box::pin((&b"abc"[..]).take(1));
    /// let inner: Pin<&mut &[u8]> = limited.as_mut().get_pin_mut();
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

    /// Unwraps the reader, with whatever the limit held back still in it.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    ///
    /// let t = (&b"abc"[..]).take(1);
    /// assert_eq!(t.into_inner(), b"abc");
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Caps a buffer length at the limit.
    fn cap(&self, len: usize) -> usize {
        usize::try_from(self.limit).map_or(len, |limit| limit.min(len))
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.limit == 0 {
            return Poll::Ready(Ok(0));
        }
        let max = this.cap(buf.len());
        let n = ready!(Pin::new(&mut this.inner).poll_read(cx, &mut buf[..max]))?;
        this.limit = this.limit.saturating_sub(n as u64);
        Poll::Ready(Ok(n))
    }
}

impl<R: AsyncBufRead + Unpin> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let max = this.cap(usize::MAX);
        let buf = ready!(Pin::new(&mut this.inner).poll_fill_buf(cx))?;
        Poll::Ready(Ok(&buf[..buf.len().min(max)]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        let amt = this.cap(amt);
        this.limit -= amt as u64;
        Pin::new(&mut this.inner).consume(amt);
    }
}
