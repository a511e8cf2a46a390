//! [`empty`]: a reader with no data.

use futures_io::{AsyncBufRead, AsyncRead};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A reader that is always at end of stream; created by [`empty`] (which
/// has an example).
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

/// Returns a reader that is always at end of stream.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::AsyncReadExt;
///
/// let mut buf = Vec::new();
/// assert_eq!(runtime::io::empty().read_to_end(&mut buf).await?, 0);
/// assert!(buf.is_empty());
/// # Ok(())
/// # }
/// ```
pub fn empty() -> Empty {
    Empty { _private: () }
}

impl AsyncRead for Empty {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(0))
    }
}

impl AsyncBufRead for Empty {
    fn poll_fill_buf(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Poll::Ready(Ok(&[]))
    }

    fn consume(self: Pin<&mut Self>, _: usize) {}
}
