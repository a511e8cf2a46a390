//! [`sink`]: a writer that discards everything.

use futures_io::AsyncWrite;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::poll_proceed_and_make_progress;

/// A writer that accepts and discards all data; created by [`sink`] (which
/// has an example).
///
/// # Examples
///
/// A dry run of code that writes: the same code, the output thrown away.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncWrite, AsyncWriteExt, Sink};
///
/// async fn report<W: AsyncWrite + Unpin>(out: &mut W, rows: &[&str]) -> std::io::Result<usize> {
///     let mut written = 0;
///     for row in rows {
///         out.write_all(row.as_bytes()).await?;
///         written += row.len();
///     }
///     out.flush().await?;
///     Ok(written)
/// }
///
/// let mut out: Sink = runtime::io::sink();
/// assert_eq!(report(&mut out, &["id,name\n", "1,ada\n"]).await?, 14);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Sink {
    _private: (),
}

/// Returns a writer that accepts and discards all data.
///
/// Each operation spends one unit of the task's cooperative budget (see the
/// [module docs](super#cooperative-budget)), so a loop over it yields now and
/// then.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut source: &[u8] = &[0; 1000];
/// let n = runtime::io::copy(&mut source, &mut runtime::io::sink()).await?;
/// assert_eq!(n, 1000); // counted, then thrown away
/// # Ok(())
/// # }
/// ```
pub fn sink() -> Sink {
    Sink { _private: () }
}

impl AsyncWrite for Sink {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        // Always ready, so it spends budget: see "Cooperative budget" in the
        // module docs of `runtime::io`. Same for every method below.
        ready!(poll_proceed_and_make_progress(cx));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(poll_proceed_and_make_progress(cx));
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(poll_proceed_and_make_progress(cx));
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(poll_proceed_and_make_progress(cx));
        Poll::Ready(Ok(()))
    }
}
