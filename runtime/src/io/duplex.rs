//! [`duplex`]: an in-memory, bidirectional pipe.

use futures_io::{AsyncRead, AsyncWrite};
use runtime_core::coop;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, ErrorKind, IoSlice, Read as _};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{ready, Context, Poll, Waker};

/// Creates a connected pair of in-memory streams: what one writes, the other
/// reads. Each direction buffers at most `max_buf_size` bytes; a write to a
/// full direction waits until the peer reads.
///
/// Like a socket: [`shutdown`](super::AsyncWriteExt::shutdown) on one stream
/// gives the peer end of stream once it has read what was sent, while the
/// other direction keeps working. Dropping a stream does that and also makes
/// the peer's writes fail with [`ErrorKind::BrokenPipe`].
///
/// # Panics
/// If `max_buf_size` is 0.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # runtime::Runtime::new().unwrap().block_on(async {
/// let (mut a, mut b) = io::duplex(64);
/// a.write_all(b"ping").await.unwrap();
/// drop(a);
/// let mut got = String::new();
/// b.read_to_string(&mut got).await.unwrap();
/// assert_eq!(got, "ping");
/// # });
/// ```
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    assert!(max_buf_size > 0, "duplex: max_buf_size must be at least 1");
    let one = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    let two = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    (
        DuplexStream {
            read: Arc::clone(&one),
            write: Arc::clone(&two),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

/// One end of a [`duplex`] pipe: implements `AsyncRead` and `AsyncWrite`,
/// reading what the other end writes and the other way round.
///
/// A stand-in for a socket in tests: code written against `AsyncRead +
/// AsyncWrite` runs on it unchanged, with no ports or threads.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt, DuplexStream};
///
/// async fn greet(mut conn: DuplexStream) -> io::Result<()> {
///     let mut name = String::new();
///     conn.read_to_string(&mut name).await?;
///     conn.write_all(format!("hi {name}").as_bytes()).await
/// }
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     let (mut client, server) = io::duplex(64);
///     let task = runtime::spawn(greet(server));
///     client.write_all(b"ann").await?;
///     client.shutdown().await?;
///     let mut reply = String::new();
///     client.read_to_string(&mut reply).await?; // ends when `server` drops
///     assert_eq!(reply, "hi ann");
///     task.await.unwrap()
/// }
/// ```
pub struct DuplexStream {
    read: Arc<Mutex<Pipe>>,
    write: Arc<Mutex<Pipe>>,
}

/// One direction: bytes written by one stream, waiting to be read by the
/// other. A [`SimplexStream`](super::SimplexStream) is one `Pipe`, owned.
pub(super) struct Pipe {
    buf: VecDeque<u8>,
    max: usize,
    /// The writer shut down or was dropped: reads end at the buffer's end.
    write_closed: bool,
    /// The reader was dropped: writes fail.
    read_closed: bool,
    read_waker: Option<Waker>,
    write_waker: Option<Waker>,
}

impl Pipe {
    pub(super) fn new(max: usize) -> Self {
        Pipe {
            buf: VecDeque::new(),
            max,
            write_closed: false,
            read_closed: false,
            read_waker: None,
            write_waker: None,
        }
    }

    pub(super) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        out: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if out.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if self.buf.is_empty() {
            if self.write_closed {
                return Poll::Ready(Ok(0));
            }
            register(&mut self.read_waker, cx);
            return Poll::Pending;
        }
        let n = self.buf.read(out)?;
        wake(&mut self.write_waker);
        Poll::Ready(Ok(n))
    }

    /// Writes as much of `bufs`, in order, as there is room for: a vectored
    /// write takes from every slice, not only the first (what the default
    /// `poll_write_vectored` would do), as with Tokio's duplex.
    pub(super) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.read_closed {
            return Poll::Ready(Err(io::Error::new(
                ErrorKind::BrokenPipe,
                "the other end of the duplex stream was dropped",
            )));
        }
        if self.write_closed {
            return Poll::Ready(Err(io::Error::new(
                ErrorKind::BrokenPipe,
                "the stream was shut down for writing",
            )));
        }
        if bufs.iter().all(|data| data.is_empty()) {
            return Poll::Ready(Ok(0));
        }
        let room = self.max - self.buf.len();
        if room == 0 {
            register(&mut self.write_waker, cx);
            return Poll::Pending;
        }
        let mut written = 0;
        for data in bufs {
            let n = (room - written).min(data.len());
            self.buf.extend(&data[..n]);
            written += n;
            if written == room {
                break;
            }
        }
        wake(&mut self.read_waker);
        Poll::Ready(Ok(written))
    }

    /// Bytes written and not yet read.
    pub(super) fn buffered(&self) -> usize {
        self.buf.len()
    }

    pub(super) fn close_write(&mut self) {
        self.write_closed = true;
        wake(&mut self.read_waker);
    }

    fn close_read(&mut self) {
        self.read_closed = true;
        self.buf = VecDeque::new();
        wake(&mut self.write_waker);
    }
}

fn register(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

fn wake(slot: &mut Option<Waker>) {
    if let Some(waker) = slot.take() {
        waker.wake();
    }
}

fn lock(pipe: &Mutex<Pipe>) -> MutexGuard<'_, Pipe> {
    pipe.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Spends one unit of cooperative budget on `op`, refunded unless it is ready.
pub(super) fn with_budget<T>(
    cx: &mut Context<'_>,
    op: impl FnOnce(&mut Context<'_>) -> Poll<io::Result<T>>,
) -> Poll<io::Result<T>> {
    let coop = ready!(coop::poll_proceed(cx));
    let result = ready!(op(cx));
    coop.made_progress();
    Poll::Ready(result)
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        with_budget(cx, |cx| lock(&self.read).poll_read(cx, buf))
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        with_budget(cx, |cx| {
            lock(&self.write).poll_write(cx, &[IoSlice::new(buf)])
        })
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        with_budget(cx, |cx| lock(&self.write).poll_write(cx, bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down this stream's writing direction; see [`duplex`].
    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        lock(&self.write).close_write();
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        lock(&self.write).close_write();
        lock(&self.read).close_read();
    }
}

impl fmt::Debug for DuplexStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DuplexStream").finish_non_exhaustive()
    }
}
