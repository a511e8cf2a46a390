//! [`Chain`]: one reader after another.

use futures_io::{AsyncBufRead, AsyncRead};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reader adapter that reads all of the first reader, then the second;
/// created by [`AsyncReadExt::chain`](super::AsyncReadExt::chain).
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
    pub fn get_ref(&self) -> (&T, &U) {
        (&self.first, &self.second)
    }

    /// The two readers, mutably.
    pub fn get_mut(&mut self) -> (&mut T, &mut U) {
        (&mut self.first, &mut self.second)
    }

    /// Unwraps the two readers.
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
