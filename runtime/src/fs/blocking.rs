//! Running blocking I/O on the blocking pool, shared by `fs`, the standard
//! streams (`io::stdin`/`stdout`/`stderr`) and anything else that wraps a
//! blocking handle.
//!
//! Three pieces, each in one place:
//!
//! - [`asyncify`] runs one blocking closure on the pool and awaits its
//!   `io::Result` (the free functions of `fs`, `OpenOptions::open`...).
//! - [`Buf`] is the byte buffer a handle lends to its blocking operation: it
//!   travels into the closure (filled by a read, drained by a write) and back,
//!   so no memory is shared between the task and the pool thread.
//! - [`Blocking`] is a reader/writer with one operation in flight at a time
//!   (state `Idle(buf)` or `Busy(join handle)`): a write is accepted at once
//!   (its bytes copied into the buffer, `Ready(n)` returned) and performed in
//!   the background; the next operation, `flush` included, first waits for it
//!   and reports its error. The standard streams use it; `fs::File` has its own
//!   state machine (it also seeks) built on the same `Buf` and [`poll_join`].
//!
//! Outside a runtime the spawn panics with the runtime's "must be called from
//! the context of a runtime" message, as Tokio's do.

use runtime_core::JoinHandle;
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// The largest buffer a single blocking read or write uses (Tokio's default:
/// 2 MiB). A bigger caller buffer is served in several operations.
pub(crate) const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// Spawns `f` on the current runtime's blocking pool.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub(crate) fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    runtime_executor::spawn_blocking(f)
}

/// The error a blocking operation reports when its closure did not complete
/// (it panicked, or the runtime shut down before it ran).
pub(crate) fn background_failed(err: runtime_core::JoinError) -> io::Error {
    io::Error::other(format!("blocking I/O operation failed: {err}"))
}

/// Polls the handle of a blocking operation, turning a failed closure into an
/// `io::Error`.
pub(crate) fn poll_join<T>(
    cx: &mut Context<'_>,
    handle: &mut JoinHandle<T>,
) -> Poll<io::Result<T>> {
    Pin::new(handle).poll(cx).map_err(background_failed)
}

/// The result of a blocking operation that has already finished, without
/// waiting: `None` while it runs (or if the task's budget is spent; the next
/// real poll gets it).
///
/// Checked right after a spawn by the operations that return `Ready` before
/// their closure ran (a write): a pool whose runtime has shut down refuses
/// new closures, cancelling them at once, and such a write must fail instead
/// of returning `Ready(n)` for bytes that will never be written (Tokio's
/// "mandatory" spawn returns `None` there, and its write an error). The
/// check is one atomic load when the closure is running.
pub(crate) fn poll_finished<T>(handle: &mut JoinHandle<T>) -> Option<io::Result<T>> {
    /// Wakes nobody: the result is taken now or by a later real poll.
    struct Nobody;
    impl std::task::Wake for Nobody {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    if !handle.is_finished() {
        return None;
    }
    // (`Waker::noop` is newer than the MSRV; this path is rare.)
    let waker = Waker::from(std::sync::Arc::new(Nobody));
    match poll_join(&mut Context::from_waker(&waker), handle) {
        Poll::Ready(res) => Some(res),
        Poll::Pending => None,
    }
}

/// Runs the blocking `f` on the blocking pool and returns its result.
///
/// # Panics
/// When first polled outside a runtime.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match spawn_blocking(f).await {
        Ok(res) => res,
        Err(err) => Err(background_failed(err)),
    }
}

/// A byte buffer lent to blocking operations: `bytes[pos..end]` is the part
/// not yet handed to the caller (after a read) or not yet written (before a
/// write).
///
/// `bytes` is kept initialized (zeroed once when it grows) and its length only
/// grows: it is the high-water mark of the operations, not the data, so a
/// read lends the same initialized bytes to the OS every time instead of
/// zeroing them again first (a `memset` of the whole buffer per read, as much
/// work as the copy to the caller). The capacity was kept anyway; what stays
/// is the same memory.
#[derive(Debug, Default)]
pub(crate) struct Buf {
    bytes: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Buf {
    /// Bytes held and not consumed yet.
    pub(crate) fn len(&self) -> usize {
        self.end - self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves as many held bytes as fit into `dst`; returns how many.
    pub(crate) fn copy_to(&mut self, dst: &mut [u8]) -> usize {
        let n = self.len().min(dst.len());
        dst[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.end {
            self.clear();
        }
        n
    }

    /// Copies up to `max` bytes of `src` into the (empty) buffer; returns how
    /// many.
    pub(crate) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        debug_assert!(self.is_empty(), "copy_from into a buffer holding data");
        let src = &src[..src.len().min(max)];
        if self.bytes.len() < src.len() {
            // Growing: the old contents need not be kept (nor zeroed).
            self.bytes.clear();
            self.bytes.extend_from_slice(src);
        } else {
            self.bytes[..src.len()].copy_from_slice(src);
        }
        self.pos = 0;
        self.end = src.len();
        src.len()
    }

    /// Forgets the held bytes and returns how far the underlying cursor is
    /// ahead of the caller's position because of them: a read buffered these
    /// bytes, so seeking by the (negative) result puts the cursor back where
    /// the caller believes it is.
    pub(crate) fn discard_read(&mut self) -> i64 {
        let ahead = -(self.len() as i64);
        self.clear();
        ahead
    }

    fn clear(&mut self) {
        self.pos = 0;
        self.end = 0;
    }

    /// Reads once from `rd` into the (empty) buffer, at most
    /// `min(want, max)` bytes, retrying on `Interrupted`. On error the buffer
    /// stays empty.
    pub(crate) fn read_from<R: Read>(
        &mut self,
        rd: &mut R,
        want: usize,
        max: usize,
    ) -> io::Result<usize> {
        debug_assert!(self.is_empty(), "read_from into a buffer holding data");
        let len = want.min(max);
        if self.bytes.len() < len {
            // Zeroes only the new part: the rest was initialized before.
            self.bytes.resize(len, 0);
        }
        self.clear();
        let res = loop {
            match rd.read(&mut self.bytes[..len]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => break res,
            }
        };
        // A reader claiming more than it was given is a bug in it; never
        // serve bytes beyond what it was lent.
        self.end = (*res.as_ref().unwrap_or(&0)).min(len);
        res
    }

    /// Writes all held bytes to `wr` (`write_all`); the buffer is empty
    /// afterwards, whatever the outcome.
    pub(crate) fn write_to<W: Write>(&mut self, wr: &mut W) -> io::Result<()> {
        let res = wr.write_all(&self.bytes[self.pos..self.end]);
        self.clear();
        res
    }
}

/// What a [`Blocking`] operation hands back: its result, the buffer and the
/// handle.
type Done<T> = (io::Result<usize>, Buf, T);

enum State<T> {
    /// No operation in flight; the buffer may hold bytes read ahead.
    Idle(Buf),
    /// An operation runs on the pool with the buffer and the handle.
    Busy(JoinHandle<Done<T>>),
}

/// A blocking reader or writer used from async code, one operation in flight
/// at a time (see the module docs).
pub(crate) struct Blocking<T> {
    /// `None` while an operation holds it.
    inner: Option<T>,
    state: State<T>,
    /// A write was done since the last flush.
    need_flush: bool,
    /// The error of an operation that had finished when checked right after
    /// its spawn, for the next operation (as `poll_complete` would give it).
    done_err: Option<io::Error>,
    max_buf_size: usize,
}

impl<T> Blocking<T> {
    pub(crate) fn new(inner: T) -> Blocking<T> {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Buf::default()),
            need_flush: false,
            done_err: None,
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }
}

impl<T: Send + 'static> Blocking<T> {
    /// Waits for the operation in flight, if any, and returns its result
    /// (`Ok(0)` when there was none, or the error of one that had finished
    /// at its spawn).
    fn poll_complete(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(self.done_err.take().map_or(Ok(0), Err));
        };
        let done = ready!(poll_join(cx, handle));
        match done {
            Ok((res, buf, inner)) => {
                self.inner = Some(inner);
                self.state = State::Idle(buf);
                Poll::Ready(res)
            }
            Err(err) => {
                // The handle went with the closure: this value is unusable.
                self.state = State::Idle(Buf::default());
                Poll::Ready(Err(err))
            }
        }
    }

    /// Takes the handle and the buffer for a new operation; an error if a
    /// failed operation lost the handle.
    fn take_for_op(&mut self) -> io::Result<(T, Buf)> {
        let State::Idle(buf) = &mut self.state else {
            unreachable!("take_for_op while busy");
        };
        let buf = std::mem::take(buf);
        match self.inner.take() {
            Some(inner) => Ok((inner, buf)),
            None => Err(io::Error::other(
                "the handle was lost by an earlier blocking operation that failed",
            )),
        }
    }
}

impl<T: Read + Send + 'static> Blocking<T> {
    pub(crate) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            match &mut self.state {
                State::Idle(buf) if !buf.is_empty() || dst.is_empty() => {
                    return Poll::Ready(Ok(buf.copy_to(dst)));
                }
                State::Idle(_) => {
                    let (mut inner, mut buf) = self.take_for_op()?;
                    let (want, max) = (dst.len(), self.max_buf_size);
                    self.state = State::Busy(spawn_blocking(move || {
                        let res = buf.read_from(&mut inner, want, max);
                        (res, buf, inner)
                    }));
                }
                State::Busy(_) => {
                    // A read (ours) fills the buffer, served by the Idle arm;
                    // its error is returned as is.
                    ready!(self.poll_complete(cx))?;
                    if let State::Idle(buf) = &mut self.state {
                        return Poll::Ready(Ok(buf.copy_to(dst)));
                    }
                }
            }
        }
    }
}

impl<T: Write + Send + 'static> Blocking<T> {
    pub(crate) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        // The previous write (or flush) first: its error is this call's.
        ready!(self.poll_complete(cx))?;
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let (mut inner, mut buf) = self.take_for_op()?;
        let n = buf.copy_from(src, self.max_buf_size);
        let mut handle = spawn_blocking(move || {
            let res = buf.write_to(&mut inner).map(|()| n);
            (res, buf, inner)
        });
        self.need_flush = true;
        match poll_finished(&mut handle) {
            None => self.state = State::Busy(handle),
            // The pool refused it (see `poll_finished`): the handle went
            // with the closure, as after a failed operation.
            Some(Err(refused)) => return Poll::Ready(Err(refused)),
            // Done already: its result is the next operation's, as if it
            // had been waited for then.
            Some(Ok((res, buf, inner))) => {
                self.inner = Some(inner);
                self.state = State::Idle(buf);
                self.done_err = res.err();
            }
        }
        Poll::Ready(Ok(n))
    }

    pub(crate) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            ready!(self.poll_complete(cx))?;
            if !self.need_flush {
                return Poll::Ready(Ok(()));
            }
            let (mut inner, buf) = self.take_for_op()?;
            self.need_flush = false;
            self.state = State::Busy(spawn_blocking(move || {
                let res = inner.flush().map(|()| 0);
                (res, buf, inner)
            }));
        }
    }
}

impl<T> std::fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let busy = matches!(self.state, State::Busy(_));
        f.debug_struct("Blocking").field("busy", &busy).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Buf;
    use std::io::{self, Read};

    /// Gives `chunks` one per `read`, and records what it was lent.
    struct Chunks {
        chunks: Vec<Vec<u8>>,
        lent: Vec<Vec<u8>>,
    }

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.lent.push(buf.to_vec());
            let chunk = self.chunks.remove(0);
            buf[..chunk.len()].copy_from_slice(&chunk);
            Ok(chunk.len())
        }
    }

    #[test]
    fn a_short_read_after_a_long_one_serves_only_its_own_bytes() {
        let mut rd = Chunks {
            chunks: vec![b"abcdef".to_vec(), b"xy".to_vec()],
            lent: Vec::new(),
        };
        let mut buf = Buf::default();
        assert_eq!(buf.read_from(&mut rd, 6, 100).unwrap(), 6);
        let mut dst = [0; 4];
        assert_eq!(buf.copy_to(&mut dst), 4);
        assert_eq!(&dst, b"abcd");
        assert_eq!(buf.copy_to(&mut dst), 2);
        assert_eq!(&dst[..2], b"ef");
        assert!(buf.is_empty());

        // Lent 5 bytes this time (not the 6 of the high-water mark), and
        // they are not zeroed again: the OS overwrites them.
        assert_eq!(buf.read_from(&mut rd, 5, 100).unwrap(), 2);
        assert_eq!(rd.lent[1], b"abcde");
        assert_eq!(buf.len(), 2);
        assert_eq!(buf.copy_to(&mut dst), 2);
        assert_eq!(&dst[..2], b"xy");
        assert_eq!(buf.copy_to(&mut dst), 0);
    }

    #[test]
    fn reads_are_capped_at_max_and_a_discarded_read_ahead_is_reported() {
        let mut rd = Chunks {
            chunks: vec![b"1234".to_vec()],
            lent: Vec::new(),
        };
        let mut buf = Buf::default();
        assert_eq!(buf.read_from(&mut rd, 10, 4).unwrap(), 4);
        assert_eq!(rd.lent[0].len(), 4);
        let mut dst = [0; 1];
        buf.copy_to(&mut dst);
        assert_eq!(buf.discard_read(), -3);
        assert!(buf.is_empty());
    }

    #[test]
    fn a_short_write_after_a_long_one_writes_only_its_own_bytes() {
        let mut buf = Buf::default();
        let mut out = Vec::new();
        assert_eq!(buf.copy_from(b"hello world", 5), 5);
        buf.write_to(&mut out).unwrap();
        assert_eq!(buf.copy_from(b"abc", 100), 3);
        buf.write_to(&mut out).unwrap();
        assert_eq!(buf.copy_from(b"longer than before", 100), 18);
        buf.write_to(&mut out).unwrap();
        assert_eq!(out, b"helloabclonger than before");
        assert!(buf.is_empty());
    }
}
