//! [`empty`]: a reader with no data, which is also a writer that discards.

use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::poll_proceed_and_make_progress;

/// A reader that is always at end of stream, and a writer that discards
/// everything (like [`Sink`](super::Sink)); created by [`empty`] (which has an
/// example). Seeking it always gives position 0.
///
/// # Examples
///
/// An `Empty` stands in wherever a reader is wanted but there is no data:
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncBufRead, AsyncBufReadExt, Empty};
///
/// async fn count_lines<R: AsyncBufRead + Unpin>(input: R) -> std::io::Result<usize> {
///     let mut lines = input.lines();
///     let mut n = 0;
///     while lines.next_line().await?.is_some() {
///         n += 1;
///     }
///     Ok(n)
/// }
///
/// assert_eq!(count_lines(&b"one\ntwo\n"[..]).await?, 2);
/// let nothing: Empty = runtime::io::empty();
/// assert_eq!(count_lines(nothing).await?, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Empty {
    _private: (),
}

/// Returns a reader that is always at end of stream; what is written to it is
/// discarded, as by [`sink`](super::sink).
///
/// Each operation spends one unit of the task's cooperative budget (see the
/// [module docs](super#cooperative-budget)), so a loop over it yields now and
/// then.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
///
/// let mut buf = Vec::new();
/// assert_eq!(runtime::io::empty().read_to_end(&mut buf).await?, 0);
/// assert!(buf.is_empty());
///
/// // Writes are accepted and thrown away.
/// assert_eq!(runtime::io::empty().write(b"lost").await?, 4);
/// # Ok(())
/// # }
/// ```
pub fn empty() -> Empty {
    Empty { _private: () }
}

impl AsyncRead for Empty {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        _: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        // Always ready, so it spends budget: see "Cooperative budget" in the
        // module docs of `runtime::io`. Same for every method below.
        ready!(poll_proceed_and_make_progress(cx));
        Poll::Ready(Ok(0))
    }
}

impl AsyncBufRead for Empty {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        ready!(poll_proceed_and_make_progress(cx));
        Poll::Ready(Ok(&[]))
    }

    fn consume(self: Pin<&mut Self>, _: usize) {}
}

/// Discards what is written: each call is [`Sink`](super::Sink)'s (budget
/// included).
impl AsyncWrite for Empty {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut super::sink()).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut super::sink()).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut super::sink()).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut super::sink()).poll_close(cx)
    }
}

/// Every seek succeeds and lands at position 0, the only one there is.
impl AsyncSeek for Empty {
    fn poll_seek(self: Pin<&mut Self>, cx: &mut Context<'_>, _: SeekFrom) -> Poll<io::Result<u64>> {
        ready!(poll_proceed_and_make_progress(cx));
        Poll::Ready(Ok(0))
    }
}
