//! [`copy_bidirectional`]: relaying between two streams.

use super::copy::CopyBuffer;
use super::DEFAULT_BUF_SIZE;
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
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     // A proxy between a client and a server, with in-memory pipes.
///     let (mut client, mut proxy_front) = io::duplex(64);
///     let (mut proxy_back, mut server) = io::duplex(64);
///     let proxy = runtime::spawn(async move {
///         io::copy_bidirectional(&mut proxy_front, &mut proxy_back).await
///     });
///
///     client.write_all(b"request").await?;
///     client.shutdown().await?; // passed on to the server as end of stream
///     let mut req = String::new();
///     server.read_to_string(&mut req).await?;
///     assert_eq!(req, "request");
///
///     server.write_all(b"response").await?;
///     server.shutdown().await?;
///     let mut resp = String::new();
///     client.read_to_string(&mut resp).await?;
///     assert_eq!(resp, "response");
///
///     assert_eq!(proxy.await.unwrap()?, (7, 8));
///     Ok(())
/// }
/// ```
///
/// # Cancel safety
///
/// Not cancel-safe: each direction's buffer lives in the future, so data
/// read from one side but not yet written to the other (up to 8 KiB each
/// way) is lost if it is dropped, and so are the counts.
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_with_sizes(a, b, DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE).await
}

/// [`copy_bidirectional`] with a buffer of `a_to_b_buf_size` bytes for the
/// data going from `a` to `b` and one of `b_to_a_buf_size` bytes for the
/// other way (instead of 8 KiB each): larger buffers mean fewer reads and
/// writes for bulk transfers, smaller ones less memory per relayed
/// connection.
///
/// # Panics
/// If either size is 0 (when the future is first polled).
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     let (mut client, mut front) = io::duplex(1024);
///     let (mut back, mut server) = io::duplex(1024);
///     let relay = runtime::spawn(async move {
///         // Big requests, small replies.
///         io::copy_bidirectional_with_sizes(&mut front, &mut back, 64 * 1024, 512).await
///     });
///     client.write_all(&[1; 3000]).await?;
///     client.shutdown().await?;
///     let mut request = Vec::new();
///     server.read_to_end(&mut request).await?;
///     assert_eq!(request.len(), 3000);
///     server.write_all(b"ok").await?;
///     server.shutdown().await?;
///     let mut reply = Vec::new();
///     client.read_to_end(&mut reply).await?;
///     assert_eq!(reply, b"ok");
///     assert_eq!(relay.await.unwrap()?, (3000, 2));
///     Ok(())
/// }
/// ```
///
/// # Cancel safety
///
/// Not cancel-safe, as [`copy_bidirectional`]: data in either buffer is
/// lost if the future is dropped.
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = Direction::Copying(CopyBuffer::with_capacity(a_to_b_buf_size));
    let mut b_to_a = Direction::Copying(CopyBuffer::with_capacity(b_to_a_buf_size));
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
