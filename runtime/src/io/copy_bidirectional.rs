//! [`copy_bidirectional`]: relaying between two streams.

use super::copy::CopyBuffer;
use futures_io::{AsyncRead, AsyncWrite};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Copies data both ways between `a` and `b` at once, within one future,
/// returning `(bytes a→b, bytes b→a)`.
///
/// When one side reaches end of stream, the copy in that direction flushes
/// and closes ([`poll_close`](AsyncWrite::poll_close)) the other side's
/// writer, passing the end of stream on; the future completes once both
/// directions have finished. The first error in either direction ends it.
///
/// Cancel safety: not cancel-safe: data read but not yet written is lost.
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = Direction::Copying(CopyBuffer::new());
    let mut b_to_a = Direction::Copying(CopyBuffer::new());
    // Which direction goes first alternates, so that one that is always
    // ready cannot spend the whole cooperative budget every time.
    let mut b_first = false;
    poll_fn(|cx| {
        b_first = !b_first;
        let (a_done, b_done) = if b_first {
            let b_done = b_to_a.poll(cx, &mut *b, &mut *a)?;
            (a_to_b.poll(cx, &mut *a, &mut *b)?, b_done)
        } else {
            let a_done = a_to_b.poll(cx, &mut *a, &mut *b)?;
            (a_done, b_to_a.poll(cx, &mut *b, &mut *a)?)
        };
        match (a_done, b_done) {
            (Poll::Ready(a_n), Poll::Ready(b_n)) => Poll::Ready(Ok((a_n, b_n))),
            _ => Poll::Pending,
        }
    })
    .await
}

/// One direction of the relay.
enum Direction {
    Copying(CopyBuffer),
    /// Reader done; closing the writer. Holds the byte count.
    Closing(u64),
    Done(u64),
}

impl Direction {
    fn poll<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        reader: &mut R,
        writer: &mut W,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + Unpin + ?Sized,
        W: AsyncWrite + Unpin + ?Sized,
    {
        loop {
            match self {
                Direction::Copying(buf) => {
                    let n = ready!(buf.poll_copy(cx, reader, writer))?;
                    *self = Direction::Closing(n);
                }
                Direction::Closing(n) => {
                    let n = *n;
                    ready!(Pin::new(&mut *writer).poll_close(cx))?;
                    *self = Direction::Done(n);
                }
                Direction::Done(n) => return Poll::Ready(Ok(*n)),
            }
        }
    }
}
