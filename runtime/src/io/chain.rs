//! [`Chain`]: one reader after another.

use futures_io::{AsyncBufRead, AsyncRead};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reader adapter that reads all of the first reader, then the second;
/// created by [`AsyncReadExt::chain`](super::AsyncReadExt::chain).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::AsyncReadExt;
///
/// let mut chain = (&b"ab"[..]).chain(&b"cd"[..]);
/// let mut all = Vec::new();
/// chain.read_to_end(&mut all).await?;
/// assert_eq!(all, b"abcd");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Chain<T, U> {
    first: T,
    second: U,
    done_first: bool,
}

impl<T, U> Chain<T, U> {
    pub(super) fn new(first: T, second: U) -> Self {
        Chain {
            first,
            second,
            done_first: false,
        }
    }

    /// The two readers.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    ///
    /// let chain = (&b"ab"[..]).chain(&b"cd"[..]);
    /// let (first, second) = chain.get_ref();
    /// assert_eq!((*first, *second), (&b"ab"[..], &b"cd"[..]));
    /// ```
    pub fn get_ref(&self) -> (&T, &U) {
        (&self.first, &self.second)
    }

    /// The two readers, mutably. Reading from them directly bypasses the
    /// chain.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut chain = (&b"ab"[..]).chain(&b"cd"[..]);
    /// let (first, _) = chain.get_mut();
    /// *first = b"xy";
    /// assert_eq!(chain.get_ref().0, b"xy");
    /// ```
    pub fn get_mut(&mut self) -> (&mut T, &mut U) {
        (&mut self.first, &mut self.second)
    }

    /// The two readers of a pinned `Chain`, pinned. As with
    /// [`get_mut`](Self::get_mut), reading from them directly may confuse
    /// the chain.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    /// use std::pin::Pin;
    ///
    /// let mut chain = Box::pin((&b"ab"[..]).chain(&b"cd"[..]));
    /// let (first, second): (Pin<&mut &[u8]>, Pin<&mut &[u8]>) = chain.as_mut().get_pin_mut();
    /// assert_eq!((*first, *second), (&b"ab"[..], &b"cd"[..]));
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>) {
        // SAFETY: `first` and `second` are pinned structurally: `Chain` is
        // `Unpin` only when both are (no manual `Unpin` impl), it has no
        // `Drop` impl, and nothing moves them out of a pinned `Chain`
        // (`into_inner` takes it by value, `get_mut` needs `&mut Self`). The
        // two fields are disjoint, so the two pins do not alias.
        unsafe {
            let this = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&mut this.first),
                Pin::new_unchecked(&mut this.second),
            )
        }
    }

    /// Unwraps the two readers.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    ///
    /// let (first, second) = (&b"ab"[..]).chain(&b"cd"[..]).into_inner();
    /// assert_eq!((first, second), (&b"ab"[..], &b"cd"[..]));
    /// ```
    pub fn into_inner(self) -> (T, U) {
        (self.first, self.second)
    }
}

impl<T: AsyncRead + Unpin, U: AsyncRead + Unpin> AsyncRead for Chain<T, U> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.done_first {
            match ready!(Pin::new(&mut this.first).poll_read(cx, buf))? {
                0 if !buf.is_empty() => this.done_first = true,
                n => return Poll::Ready(Ok(n)),
            }
        }
        Pin::new(&mut this.second).poll_read(cx, buf)
    }
}

impl<T: AsyncBufRead + Unpin, U: AsyncBufRead + Unpin> AsyncBufRead for Chain<T, U> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if !this.done_first {
            let buf = ready!(Pin::new(&mut this.first).poll_fill_buf(cx))?;
            if !buf.is_empty() {
                return Poll::Ready(Ok(buf));
            }
            this.done_first = true;
        }
        Pin::new(&mut this.second).poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        if this.done_first {
            Pin::new(&mut this.second).consume(amt);
        } else {
            Pin::new(&mut this.first).consume(amt);
        }
    }
}
