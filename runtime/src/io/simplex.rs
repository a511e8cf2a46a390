//! [`simplex`]: an in-memory, one-way pipe.
//!
//! A [`SimplexStream`] is one direction of a [`duplex`](super::duplex) pair,
//! owned instead of shared: the same bounded byte queue with a reader waker
//! and a writer waker (`Pipe` in `duplex.rs`), so both behave alike (writes
//! wait while the queue is full, reads wait while it is empty, shutdown gives
//! the reader end of stream once it has read the rest). [`simplex`] splits
//! one with [`split`](super::split) so that a task can own each end.

use super::duplex::{with_budget, Pipe};
use super::{split, ReadHalf, WriteHalf};
use futures_io::{AsyncRead, AsyncWrite};
use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Creates a one-way in-memory pipe and returns its two ends: what the
/// [`WriteHalf`] writes, the [`ReadHalf`] reads. At most `max_buf_size`
/// bytes wait in the pipe; a write to a full pipe waits until the reader
/// reads.
///
/// The reader sees end of stream only after
/// [`shutdown`](super::AsyncWriteExt::shutdown) on the writer: the halves
/// share one [`SimplexStream`], so dropping the `WriteHalf` alone does not
/// end the stream (as in Tokio). [`ReadHalf::unsplit`] gives the stream
/// back.
///
/// # Panics
/// If `max_buf_size` is 0.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     let (mut rx, mut tx) = io::simplex(8);
///     let writer = runtime::spawn(async move {
///         tx.write_all(b"more than eight bytes").await?; // waits for the reader
///         tx.shutdown().await
///     });
///     let mut got = String::new();
///     rx.read_to_string(&mut got).await?;
///     assert_eq!(got, "more than eight bytes");
///     writer.await.unwrap()
/// }
/// ```
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

/// A one-way in-memory pipe: implements `AsyncWrite`, and `AsyncRead`
/// giving back what was written, in order. Created whole with
/// [`SimplexStream::new_unsplit`], or as two ends with [`simplex`].
///
/// A write takes what fits in the free room (at most `max_buf_size` bytes
/// are queued) and waits when there is none; a read waits while the queue is
/// empty. After [`shutdown`](super::AsyncWriteExt::shutdown), writes fail
/// with [`ErrorKind::BrokenPipe`](std::io::ErrorKind::BrokenPipe) and reads
/// return end of stream once the queue is drained.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt, SimplexStream};
///
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut pipe = SimplexStream::new_unsplit(16);
/// pipe.write_all(b"echo").await?;
/// let mut buf = [0; 4];
/// pipe.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"echo");
/// pipe.shutdown().await?;
/// assert_eq!(pipe.read(&mut buf).await?, 0); // end of stream
/// assert!(pipe.write(b"late").await.is_err());
/// # Ok(())
/// # }
/// ```
pub struct SimplexStream {
    pipe: Pipe,
}

impl SimplexStream {
    /// Creates a pipe that queues at most `max_buf_size` bytes, as one
    /// value that both writes and reads (see [`simplex`] for two ends).
    ///
    /// # Panics
    /// If `max_buf_size` is 0.
    ///
    /// ```
    /// use runtime::io::{AsyncWriteExt, SimplexStream};
    ///
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut pipe = SimplexStream::new_unsplit(4);
    /// assert_eq!(pipe.write(b"too long").await?, 4); // what fits
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(
            max_buf_size > 0,
            "SimplexStream::new_unsplit: max_buf_size must be at least 1"
        );
        SimplexStream {
            pipe: Pipe::new(max_buf_size),
        }
    }
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let pipe = &mut self.get_mut().pipe;
        with_budget(cx, |cx| pipe.poll_read(cx, buf))
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let pipe = &mut self.get_mut().pipe;
        with_budget(cx, |cx| pipe.poll_write(cx, &[IoSlice::new(buf)]))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let pipe = &mut self.get_mut().pipe;
        with_budget(cx, |cx| pipe.poll_write(cx, bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Ends the stream: see [`SimplexStream`].
    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().pipe.close_write();
        Poll::Ready(Ok(()))
    }
}

impl fmt::Debug for SimplexStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimplexStream")
            .field("buffered", &self.pipe.buffered())
            .finish_non_exhaustive()
    }
}
