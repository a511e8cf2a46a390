//! [`Lines`]: a reader split into lines.

use super::buf_read_ext::poll_read_until;
use super::invalid_utf8;
use futures_io::AsyncBufRead;
use std::future::poll_fn;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The lines of a buffered reader; created by
/// [`AsyncBufReadExt::lines`](super::AsyncBufReadExt::lines).
///
/// [`next_line`](Lines::next_line) keeps a partly read line inside the
/// `Lines`, not in its future, which makes it cancel-safe: the usual way to
/// read a line-based protocol in a `select!` loop.
///
/// ```
/// use runtime::io::{self, AsyncBufReadExt, AsyncWriteExt, BufReader};
/// use runtime::time::{sleep, Duration};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     let (mut tx, rx) = io::duplex(64);
///     let mut lines = BufReader::new(rx).lines();
///     runtime::spawn(async move {
///         tx.write_all(b"par").await?;
///         sleep(Duration::from_millis(20)).await; // the line arrives in two parts
///         tx.write_all(b"tial\n").await
///     });
///     let mut timeouts = 0;
///     let line = loop {
///         runtime::select! {
///             line = lines.next_line() => break line?,
///             _ = sleep(Duration::from_millis(5)) => timeouts += 1,
///         }
///     };
///     assert_eq!(line.as_deref(), Some("partial")); // no byte lost
///     assert!(timeouts > 0);
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Lines<R> {
    reader: R,
    /// The line read so far, kept across cancelled calls.
    buf: Vec<u8>,
    read: usize,
}

impl<R> Lines<R> {
    pub(super) fn new(reader: R) -> Self {
        Lines {
            reader,
            buf: Vec::new(),
            read: 0,
        }
    }

    /// The wrapped reader.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    ///
    /// let lines = BufReader::new(&b"x"[..]).lines();
    /// assert_eq!(lines.get_ref().buffer(), b""); // nothing read yet
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The wrapped reader, mutably. Reading from it directly skips what
    /// `Lines` would have returned.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    ///
    /// let mut lines = BufReader::new(&b"head\nbody"[..]).lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("head"));
    /// let mut body = String::new();
    /// lines.get_mut().read_to_string(&mut body).await?;
    /// assert_eq!(body, "body");
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Unwraps the reader. A partly read line (one a cancelled
    /// [`next_line`](Lines::next_line) started) is lost.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    ///
    /// let mut lines = BufReader::new(&b"one\ntwo\n"[..]).lines();
    /// lines.next_line().await?;
    /// let reader = lines.into_inner();
    /// assert_eq!(reader.buffer(), b"two\n"); // buffered, not lost
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// Returns the next line without its `\n` or `\r\n` ending, or `None` at
    /// end of stream. A last line without a newline is returned as is. A line
    /// that is not valid UTF-8 fails with
    /// [`ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    ///
    /// let mut lines = BufReader::new(&b"ok\n\xff\n"[..]).lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("ok"));
    /// let err = lines.next_line().await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe. The bytes of a partly read line are kept in the `Lines`
    /// (not in the future), so if the future is dropped, the next call
    /// continues the same line and returns it whole.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }

    /// Polls for the next line: the poll-based form of
    /// [`next_line`](Self::next_line), for hand-written futures and streams.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    ///
    /// let mut lines = BufReader::new(&b"polled\n"[..]).lines();
    /// let line = poll_fn(|cx| Pin::new(&mut lines).poll_next_line(cx)).await?;
    /// assert_eq!(line.as_deref(), Some("polled"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let this = self.get_mut();
        let n = ready!(poll_read_until(
            &mut this.reader,
            cx,
            b'\n',
            &mut this.buf,
            &mut this.read
        ))?;
        if n == 0 {
            return Poll::Ready(Ok(None));
        }
        let mut line = mem::take(&mut this.buf);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        Poll::Ready(
            String::from_utf8(line)
                .map(Some)
                .map_err(|_| invalid_utf8()),
        )
    }
}
