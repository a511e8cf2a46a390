//! [`Split`]: a buffered reader cut into segments at a delimiter byte.
//!
//! It is [`Lines`](super::Lines) with any byte in place of `\n`, bytes in
//! place of text, and no `\r` handling: both keep the segment read so far in
//! the adapter (not in the future), through the shared
//! [`poll_read_until`](super::buf_read_ext::poll_read_until), which is what
//! makes [`Split::next_segment`] cancel-safe.

use super::buf_read_ext::poll_read_until;
use futures_io::AsyncBufRead;
use std::future::poll_fn;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The segments of a buffered reader between occurrences of a delimiter
/// byte; created by [`AsyncBufReadExt::split`](super::AsyncBufReadExt::split).
///
/// Each segment comes without its delimiter. A delimiter at the very end of
/// the stream ends the last segment and yields no empty one after it, while
/// two delimiters in a row yield an empty segment between them.
///
/// ```
/// use runtime::io::{self, AsyncBufReadExt, AsyncWriteExt, BufReader};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     let (mut tx, rx) = io::duplex(64);
///     tx.write_all(b"one\0two\0").await?;
///     drop(tx);
///     let mut records = BufReader::new(rx).split(0);
///     assert_eq!(records.next_segment().await?.as_deref(), Some(&b"one"[..]));
///     assert_eq!(records.next_segment().await?.as_deref(), Some(&b"two"[..]));
///     assert_eq!(records.next_segment().await?, None);
///     Ok(())
/// }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Split<R> {
    reader: R,
    delim: u8,
    /// The segment read so far, kept across cancelled calls.
    buf: Vec<u8>,
    read: usize,
}

impl<R> Split<R> {
    pub(super) fn new(reader: R, delim: u8) -> Self {
        Split {
            reader,
            delim,
            buf: Vec::new(),
            read: 0,
        }
    }
}

impl<R: AsyncBufRead + Unpin> Split<R> {
    /// Returns the next segment, without its delimiter, or `None` at end of
    /// stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    ///
    /// let reader = BufReader::new(&b"k=v;"[..]);
    /// let mut parts = reader.split(b';');
    /// assert_eq!(parts.next_segment().await?, Some(b"k=v".to_vec()));
    /// assert_eq!(parts.next_segment().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe. The bytes of a partly read segment are kept in the
    /// `Split`, so if the future is dropped, the next call continues the
    /// same segment and returns it whole.
    pub async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_segment(cx)).await
    }

    /// Polls for the next segment: the poll-based form of
    /// [`next_segment`](Self::next_segment), for hand-written futures and
    /// streams. Only the waker of the latest call is woken.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    ///
    /// let reader = BufReader::new(&b"a b"[..]);
    /// let mut words = reader.split(b' ');
    /// let first = poll_fn(|cx| Pin::new(&mut words).poll_next_segment(cx)).await?;
    /// assert_eq!(first, Some(b"a".to_vec()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        let this = self.get_mut();
        let n = ready!(poll_read_until(
            &mut this.reader,
            cx,
            this.delim,
            &mut this.buf,
            &mut this.read
        ))?;
        if n == 0 && this.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        let mut segment = mem::take(&mut this.buf);
        if segment.last() == Some(&this.delim) {
            segment.pop();
        }
        Poll::Ready(Ok(Some(segment)))
    }
}
