//! Reading into [`bytes::BufMut`] and writing from [`bytes::Buf`] (feature
//! `bytes`): the futures of [`AsyncReadExt::read_buf`](super::AsyncReadExt::read_buf),
//! [`AsyncWriteExt::write_buf`](super::AsyncWriteExt::write_buf) and
//! [`AsyncWriteExt::write_all_buf`](super::AsyncWriteExt::write_all_buf).
//!
//! Our readers are `futures-io`'s, which read into an initialised `&mut [u8]`,
//! while a `BufMut` offers its spare capacity as possibly uninitialised memory
//! ([`bytes::buf::UninitSlice`]). [`poll_read_buf`] bridges the two: each poll
//! zeroes the part of the spare capacity it offers the reader (1 KiB first,
//! and the rest, up to [`MAX_READ_BUF`] bytes, only when that filled up, so
//! that small reads stay cheap and a `BytesMut` with megabytes reserved is
//! never zeroed in full), reads into it, and then counts in the `BufMut`
//! exactly the bytes the reader reported. No state lives in the future
//! between polls, which is what makes `read_buf` cancel-safe: a dropped future
//! has either read nothing or already counted what it read. The bytes zeroed
//! but not read stay past the `BufMut`'s length, in its spare capacity, so no
//! zero ever shows up as data.
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

/// The most spare capacity one call of `read_buf` offers to the reader (and
/// so zeroes first): 64 KiB, the most a socket read typically returns.
const MAX_READ_BUF: usize = 64 * 1024;

/// The room offered (and zeroed) by `read_buf`'s first read: enough for most
/// messages, and cheap to zero (see [`poll_read_buf`]).
const PROBE: usize = 1024;

/// The most chunks one vectored write takes from a `Buf` (Tokio's bound too).
const MAX_VECTOR_ELEMENTS: usize = 64;

/// Reads from `reader` into the spare capacity of `buf` and advances `buf` by
/// the number of bytes read.
///
/// The reader needs initialised memory, and zeroing all the spare capacity
/// on every call (4 KiB or more for a typical `BytesMut`, once per poll,
/// pending polls included) costs more than a small read itself. So the first
/// read is offered only [`PROBE`] bytes; only when it fills them all, which
/// says more data is probably waiting, is the rest of the room (up to
/// [`MAX_READ_BUF`] in all) zeroed and offered to a second read in the same
/// poll. That one returning `Pending` just ends the call with what the first
/// read got. The second read never grows `buf`: it happens only when the
/// room offered to the first was larger than the probe.
pub(super) fn poll_read_buf<R, B>(
    mut reader: Pin<&mut R>,
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
    let room = buf.chunk_mut().len();
    let first = ready!(read_into_chunk(reader.as_mut(), cx, buf, PROBE))?;
    if first < PROBE || room <= PROBE || !buf.has_remaining_mut() {
        return Poll::Ready(Ok(first));
    }
    match read_into_chunk(reader, cx, buf, MAX_READ_BUF - PROBE) {
        Poll::Ready(Ok(more)) => Poll::Ready(Ok(first + more)),
        Poll::Pending => Poll::Ready(Ok(first)),
        Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => Poll::Ready(Ok(first)),
        // The `first` bytes stay counted in `buf` (documented on `read_buf`).
        Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
    }
}

/// One read into at most `max` bytes of `buf`'s next chunk, zeroed first;
/// advances `buf` by the count read.
fn read_into_chunk<R, B>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut B,
    max: usize,
) -> Poll<io::Result<usize>>
where
    R: AsyncRead + ?Sized,
    B: BufMut + ?Sized,
{
    let chunk = buf.chunk_mut();
    let len = chunk.len().min(max);
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
