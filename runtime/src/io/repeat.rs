//! [`repeat`]: a reader of one byte, endlessly.

use futures_io::AsyncRead;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::poll_proceed_and_make_progress;

/// A reader that yields one byte over and over; created by [`repeat`]
/// (which has an example).
///
/// # Examples
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, Repeat};
///
/// let mut dashes: Repeat = runtime::io::repeat(b'-');
/// let mut rule = [0u8; 8];
/// dashes.read_exact(&mut rule).await?; // it never runs dry
/// assert_eq!(&rule, b"--------");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Repeat {
    byte: u8,
}

/// Returns a reader that yields `byte` forever. Combine it with
/// [`take`](super::AsyncReadExt::take) to get a finite stream.
///
/// Each read spends one unit of the task's cooperative budget (see the
/// [module docs](super#cooperative-budget)), so a loop over it yields now and
/// then.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::AsyncReadExt;
///
/// let mut buf = Vec::new();
/// runtime::io::repeat(b'z').take(3).read_to_end(&mut buf).await?;
/// assert_eq!(buf, b"zzz");
/// # Ok(())
/// # }
/// ```
pub fn repeat(byte: u8) -> Repeat {
    Repeat { byte }
}

impl AsyncRead for Repeat {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        // Always ready, so it spends budget: see "Cooperative budget" in the
        // module docs of `runtime::io`.
        ready!(poll_proceed_and_make_progress(cx));
        buf.fill(self.byte);
        Poll::Ready(Ok(buf.len()))
    }
}
