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
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The wrapped reader, mutably.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Unwraps the reader. A partly read line is lost.
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
    /// Cancel safety: cancel-safe. A partly read line is kept, and the next
    /// call continues it.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }

    /// Polls for the next line; see [`next_line`](Self::next_line).
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
