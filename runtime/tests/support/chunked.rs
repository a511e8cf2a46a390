//! In-memory I/O that misbehaves within the rules, for the random tests
//! (`#[path = "support/chunked.rs"] mod chunked;`, after `mod rng;`): a
//! reader and a writer that move random-sized chunks and sometimes return
//! `Pending` (waking their task at once), plus [`YieldN`], a cancellation
//! point that becomes ready after a number of polls.

#![allow(dead_code)] // each test file uses a subset

use super::rng::Rng;
use runtime::io::{AsyncRead, AsyncWrite};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Serves `data` in chunks of 1 to `max_chunk` bytes, returning `Pending`
/// about one poll in `pending_one_in` (never, when it is 0).
pub struct ChunkedReader {
    pub data: Vec<u8>,
    /// Bytes handed out so far.
    pub served: usize,
    pub rng: Rng,
    pub max_chunk: usize,
    pub pending_one_in: usize,
}

impl ChunkedReader {
    pub fn new(data: Vec<u8>, rng: Rng, max_chunk: usize, pending_one_in: usize) -> Self {
        ChunkedReader {
            data,
            served: 0,
            rng,
            max_chunk,
            pending_one_in,
        }
    }
}

impl AsyncRead for ChunkedReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending_one_in > 0 && this.rng.below(this.pending_one_in) == 0 {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let left = this.data.len() - this.served;
        let n = (1 + this.rng.below(this.max_chunk))
            .min(left)
            .min(buf.len());
        buf[..n].copy_from_slice(&this.data[this.served..this.served + n]);
        this.served += n;
        Poll::Ready(Ok(n))
    }
}

/// Accepts 1 to `max_chunk` bytes per write into `out`, returning `Pending`
/// about one poll in `pending_one_in` (never, when it is 0).
pub struct ChunkedWriter {
    pub out: Vec<u8>,
    pub rng: Rng,
    pub max_chunk: usize,
    pub pending_one_in: usize,
}

impl ChunkedWriter {
    pub fn new(rng: Rng, max_chunk: usize, pending_one_in: usize) -> Self {
        ChunkedWriter {
            out: Vec::new(),
            rng,
            max_chunk,
            pending_one_in,
        }
    }

    fn pending(&mut self, cx: &mut Context<'_>) -> bool {
        if self.pending_one_in > 0 && self.rng.below(self.pending_one_in) == 0 {
            cx.waker().wake_by_ref();
            return true;
        }
        false
    }
}

impl AsyncWrite for ChunkedWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending(cx) {
            return Poll::Pending;
        }
        let n = (1 + this.rng.below(this.max_chunk)).min(buf.len());
        this.out.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending(cx) {
            return Poll::Pending;
        }
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// Ready on its `n + 1`th poll (pending, with a wake, before that): a
/// `select!` branch that cancels the other after a chosen number of polls.
pub struct YieldN(pub usize);

impl Future for YieldN {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// An in-memory file: reads (in chunks of 1 to `max_chunk` bytes), writes
/// (overwriting, then extending) and seeks at a position, as `std::io::Cursor`
/// does, returning `Pending` about one poll in `pending_one_in` (never, when
/// it is 0).
#[derive(Debug)]
pub struct MemFile {
    pub data: Vec<u8>,
    pub pos: u64,
    pub rng: Rng,
    pub max_chunk: usize,
    pub pending_one_in: usize,
    /// Number of completed seeks.
    pub seeks: usize,
}

impl MemFile {
    pub fn new(data: Vec<u8>, rng: Rng, max_chunk: usize, pending_one_in: usize) -> Self {
        MemFile {
            data,
            pos: 0,
            rng,
            max_chunk,
            pending_one_in,
            seeks: 0,
        }
    }

    fn pending(&mut self, cx: &mut Context<'_>) -> bool {
        if self.pending_one_in > 0 && self.rng.below(self.pending_one_in) == 0 {
            cx.waker().wake_by_ref();
            return true;
        }
        false
    }
}

impl AsyncRead for MemFile {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending(cx) {
            return Poll::Pending;
        }
        let start = (this.pos as usize).min(this.data.len());
        let n = (1 + this.rng.below(this.max_chunk))
            .min(this.data.len() - start)
            .min(buf.len());
        buf[..n].copy_from_slice(&this.data[start..start + n]);
        this.pos += n as u64;
        Poll::Ready(Ok(n))
    }
}

impl AsyncWrite for MemFile {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending(cx) {
            return Poll::Pending;
        }
        let n = (1 + this.rng.below(this.max_chunk)).min(buf.len());
        let start = this.pos as usize;
        if this.data.len() < start + n {
            this.data.resize(start + n, 0);
        }
        this.data[start..start + n].copy_from_slice(&buf[..n]);
        this.pos += n as u64;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl runtime::io::AsyncSeek for MemFile {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: io::SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        if this.pending(cx) {
            return Poll::Pending;
        }
        let (base, offset) = match pos {
            io::SeekFrom::Start(n) => (0i128, n as i128),
            io::SeekFrom::End(n) => (this.data.len() as i128, n as i128),
            io::SeekFrom::Current(n) => (this.pos as i128, n as i128),
        };
        let target = base + offset;
        if target < 0 {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start",
            )));
        }
        this.pos = target as u64;
        this.seeks += 1;
        Poll::Ready(Ok(this.pos))
    }
}
