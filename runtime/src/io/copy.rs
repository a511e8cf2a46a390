//! [`copy`] and [`copy_buf`], and the copy loop shared with
//! [`copy_bidirectional`](super::copy_bidirectional).

use super::{write_zero, DEFAULT_BUF_SIZE};
use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use runtime_core::coop;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Copies everything from `reader` to `writer` until the reader's end of
/// stream, flushes the writer, and returns how many bytes were copied.
///
/// Data goes through an 8 KiB buffer. The writer is also flushed whenever the
/// reader has nothing ready, so a buffering writer does not hold data back
/// while the copy waits.
///
/// ```
/// # runtime::Runtime::new().unwrap().block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = Vec::new();
/// let n = runtime::io::copy(&mut reader, &mut writer).await.unwrap();
/// assert_eq!((n, &writer[..]), (5, &b"hello"[..]));
/// # });
/// ```
///
/// # Cancel safety
///
/// Not cancel-safe. The buffer lives in the future: if it is dropped, data
/// already read from `reader` but not yet written (up to 8 KiB) is lost,
/// and so is the count. [`copy_buf`] over a [`BufReader`](super::BufReader)
/// loses no data.
pub async fn copy<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut buf = CopyBuffer::new();
    poll_fn(|cx| buf.poll_copy(cx, &mut *reader, &mut *writer)).await
}

/// Like [`copy`], but takes data straight from the reader's own buffer
/// instead of copying it into a second one.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{copy_buf, BufReader};
///
/// let mut reader = BufReader::new(&b"buffered copy"[..]);
/// let mut out: Vec<u8> = Vec::new();
/// assert_eq!(copy_buf(&mut reader, &mut out).await?, 13);
/// assert_eq!(out, b"buffered copy");
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
///
/// No data is lost, though the count is: bytes are consumed from the
/// reader's buffer only after the writer took them, so if the future is
/// dropped, what was not written is still in the reader, and calling
/// `copy_buf` again carries on. Only the total returned is lost.
pub async fn copy_buf<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    let mut amt = 0;
    let mut need_flush = false;
    poll_fn(|cx| loop {
        let coop = ready!(coop::poll_proceed(cx));
        let data = match Pin::new(&mut *reader).poll_fill_buf(cx) {
            Poll::Ready(data) => data?,
            Poll::Pending => {
                if need_flush {
                    ready!(Pin::new(&mut *writer).poll_flush(cx))?;
                    need_flush = false;
                }
                return Poll::Pending;
            }
        };
        if data.is_empty() {
            ready!(Pin::new(&mut *writer).poll_flush(cx))?;
            return Poll::Ready(Ok(amt));
        }
        match ready!(Pin::new(&mut *writer).poll_write(cx, data))? {
            0 => return Poll::Ready(Err(write_zero())),
            n => {
                Pin::new(&mut *reader).consume(n);
                amt += n as u64;
                need_flush = true;
                coop.made_progress();
            }
        }
    })
    .await
}

/// The state of one copy: a buffer of data read but not yet written.
#[derive(Debug)]
pub(super) struct CopyBuffer {
    buf: Box<[u8]>,
    /// `buf[pos..cap]` is still to be written.
    pos: usize,
    cap: usize,
    read_done: bool,
    need_flush: bool,
    amt: u64,
}

impl CopyBuffer {
    pub(super) fn new() -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE)
    }

    /// A copy through a buffer of `size` bytes (at least 1: a read into an
    /// empty buffer would look like end of stream).
    pub(super) fn with_capacity(size: usize) -> Self {
        assert!(size > 0, "the copy buffer size must be at least 1 byte");
        CopyBuffer {
            buf: vec![0; size].into_boxed_slice(),
            pos: 0,
            cap: 0,
            read_done: false,
            need_flush: false,
            amt: 0,
        }
    }

    /// Copies until the reader's end of stream, then flushes the writer and
    /// returns the total. Spends cooperative budget per chunk, so copying
    /// from an always-ready reader still yields to other tasks.
    pub(super) fn poll_copy<R, W>(
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
            if self.pos == self.cap && !self.read_done {
                let coop = ready!(coop::poll_proceed(cx));
                match Pin::new(&mut *reader).poll_read(cx, &mut self.buf) {
                    Poll::Ready(Ok(0)) => self.read_done = true,
                    Poll::Ready(Ok(n)) => {
                        (self.pos, self.cap) = (0, n);
                        coop.made_progress();
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        if self.need_flush {
                            ready!(Pin::new(&mut *writer).poll_flush(cx))?;
                            self.need_flush = false;
                        }
                        return Poll::Pending;
                    }
                }
            }
            while self.pos < self.cap {
                let data = &self.buf[self.pos..self.cap];
                match ready!(Pin::new(&mut *writer).poll_write(cx, data))? {
                    0 => return Poll::Ready(Err(write_zero())),
                    n => {
                        self.pos += n;
                        self.amt += n as u64;
                        self.need_flush = true;
                    }
                }
            }
            if self.read_done {
                ready!(Pin::new(&mut *writer).poll_flush(cx))?;
                return Poll::Ready(Ok(self.amt));
            }
        }
    }
}
