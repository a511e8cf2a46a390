//! Reading into [`bytes::BufMut`] and writing from [`bytes::Buf`] (feature
//! `bytes`): the futures of [`AsyncReadExt::read_buf`](super::AsyncReadExt::read_buf),
//! [`AsyncWriteExt::write_buf`](super::AsyncWriteExt::write_buf) and
//! [`AsyncWriteExt::write_all_buf`](super::AsyncWriteExt::write_all_buf).
//!
//! Our readers are `futures-io`'s, which read into an initialised `&mut [u8]`,
//! while a `BufMut` offers its spare capacity as possibly uninitialised memory
//! ([`bytes::buf::UninitSlice`]). [`poll_read_buf`] bridges the two: each poll
//! zeroes the part of the spare capacity it offers the reader (at most
//! [`MAX_READ_BUF`] bytes, so that a `BytesMut` with megabytes reserved is not
//! zeroed in full for a read that returns a few bytes), reads into it, and
//! then counts in the `BufMut` exactly the bytes the reader reported. No state
//! lives in the future between polls, which is what makes `read_buf`
//! cancel-safe: a dropped future has either read nothing or already counted
//! what it read. The bytes zeroed but not read stay past the `BufMut`'s length,
//! in its spare capacity, so no zero ever shows up as data.
//!
//! Writing takes [`Buf::chunk`], or when the `Buf` is made of several chunks
//! (a `Chain`, a `VecDeque`), up to [`MAX_VECTOR_ELEMENTS`] of them as one
//! vectored write, then advances the `Buf` by what was written.

use super::write_zero;
use bytes::{Buf, BufMut};
use futures_io::{AsyncRead, AsyncWrite};
use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The most spare capacity one poll of `read_buf` offers to the reader (and so
/// zeroes first): 64 KiB, the most a socket read typically returns.
const MAX_READ_BUF: usize = 64 * 1024;

/// The most chunks one vectored write takes from a `Buf` (Tokio's bound too).
const MAX_VECTOR_ELEMENTS: usize = 64;

/// Reads once from `reader` into the spare capacity of `buf` and advances
/// `buf` by the number of bytes read.
pub(super) fn poll_read_buf<R, B>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut B,
) -> Poll<io::Result<usize>>
where
    R: AsyncRead + ?Sized,
    B: BufMut + ?Sized,
{
    if !buf.has_remaining_mut() {
        return Poll::Ready(Ok(0));
    }
    let chunk = buf.chunk_mut();
    let len = chunk.len().min(MAX_READ_BUF);
    let ptr = chunk.as_mut_ptr();
    // SAFETY: `chunk_mut` hands out `chunk.len() >= len` bytes at `ptr` that
    // are valid for writes and exclusively ours while `buf` is borrowed; they
    // may be uninitialised, so all `len` are zeroed before a `&mut [u8]` is
    // made over them. The slice is last used before `buf` is touched again.
    let dst = unsafe {
        std::ptr::write_bytes(ptr, 0, len);
        std::slice::from_raw_parts_mut(ptr, len)
    };
    let n = ready!(reader.poll_read(cx, dst))?;
    assert!(
        n <= len,
        "read_buf: the reader's poll_read returned {n} for a buffer of {len} bytes; \
         an AsyncRead must return at most the buffer's length"
    );
    // SAFETY: the first `n <= len` bytes of the chunk are initialised: zeroed
    // above, then overwritten by the reader, which reported reading `n` bytes
    // into them.
    unsafe { buf.advance_mut(n) };
    Poll::Ready(Ok(n))
}

/// Writes once from `buf` (vectored when it has several chunks) and advances
/// it by what was written.
fn poll_write_buf<W, B>(
    writer: Pin<&mut W>,
    cx: &mut Context<'_>,
    buf: &mut B,
) -> Poll<io::Result<usize>>
where
    W: AsyncWrite + ?Sized,
    B: Buf + ?Sized,
{
    if !buf.has_remaining() {
        return Poll::Ready(Ok(0));
    }
    let n = if buf.chunk().len() < buf.remaining() {
        let mut slices = [IoSlice::new(&[]); MAX_VECTOR_ELEMENTS];
        let count = buf.chunks_vectored(&mut slices);
        ready!(writer.poll_write_vectored(cx, &slices[..count]))?
    } else {
        ready!(writer.poll_write(cx, buf.chunk()))?
    };
    assert!(
        n <= buf.remaining(),
        "write_buf: the writer's poll_write returned {n} for {} bytes; an AsyncWrite \
         must return at most the number of bytes it was given",
        buf.remaining()
    );
    buf.advance(n);
    Poll::Ready(Ok(n))
}

/// Future for [`AsyncReadExt::read_buf`](super::AsyncReadExt::read_buf):
/// awaiting it gives the number of bytes read into the buffer.
///
/// Named `ReadBufFuture`, not `ReadBuf` as Tokio's (which is unnameable
/// there), because `io::ReadBuf` is the read buffer type.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use bytes::BytesMut;
/// use runtime::io::{self, AsyncReadExt};
///
/// let mut reader: &[u8] = b"abc";
/// let mut buf = BytesMut::new();
/// let fut: io::ReadBufFuture<'_, _, _> = reader.read_buf(&mut buf);
/// assert_eq!(fut.await?, 3);
/// assert_eq!(&buf[..], b"abc");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadBufFuture<'a, R: ?Sized, B: ?Sized> {
    pub(super) reader: &'a mut R,
    pub(super) buf: &'a mut B,
}

impl<R: AsyncRead + Unpin + ?Sized, B: BufMut + ?Sized> Future for ReadBufFuture<'_, R, B> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        poll_read_buf(Pin::new(&mut *this.reader), cx, &mut *this.buf)
    }
}

/// Future for [`AsyncWriteExt::write_buf`](super::AsyncWriteExt::write_buf):
/// awaiting it gives the number of bytes written (and taken from the buffer).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use bytes::Buf;
/// use runtime::io::{self, AsyncWriteExt};
///
/// let mut out: Vec<u8> = Vec::new();
/// let mut data: &[u8] = b"hello";
/// let fut: io::WriteBuf<'_, _, _> = out.write_buf(&mut data);
/// assert_eq!(fut.await?, 5);
/// assert!(!data.has_remaining());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteBuf<'a, W: ?Sized, B: ?Sized> {
    pub(super) writer: &'a mut W,
    pub(super) buf: &'a mut B,
}

impl<W: AsyncWrite + Unpin + ?Sized, B: Buf + ?Sized> Future for WriteBuf<'_, W, B> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        poll_write_buf(Pin::new(&mut *this.writer), cx, &mut *this.buf)
    }
}

/// Future for [`AsyncWriteExt::write_all_buf`](super::AsyncWriteExt::write_all_buf):
/// awaiting it writes everything left in the buffer.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use bytes::{Buf, Bytes};
/// use runtime::io::{self, AsyncWriteExt};
///
/// let mut out: Vec<u8> = Vec::new();
/// let mut data = Bytes::from_static(b"head ").chain(Bytes::from_static(b"tail"));
/// let fut: io::WriteAllBuf<'_, _, _> = out.write_all_buf(&mut data);
/// fut.await?;
/// assert_eq!(out, b"head tail");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAllBuf<'a, W: ?Sized, B: ?Sized> {
    pub(super) writer: &'a mut W,
    pub(super) buf: &'a mut B,
}

impl<W: AsyncWrite + Unpin + ?Sized, B: Buf + ?Sized> Future for WriteAllBuf<'_, W, B> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        while this.buf.has_remaining() {
            let n = ready!(poll_write_buf(
                Pin::new(&mut *this.writer),
                cx,
                &mut *this.buf
            ))?;
            if n == 0 {
                return Poll::Ready(Err(write_zero()));
            }
        }
        Poll::Ready(Ok(()))
    }
}
