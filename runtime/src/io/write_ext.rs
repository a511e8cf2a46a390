//! [`AsyncWriteExt`] and the futures its methods return.

use super::write_zero;
use futures_io::AsyncWrite;
use std::future::Future;
use std::io::{self, IoSlice};
use std::mem::size_of;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Writing helpers for every [`AsyncWrite`], as in Tokio's `AsyncWriteExt`.
///
/// The async methods borrow the writer and return a named future, which is
/// `Unpin`, and `Send` when the writer is.
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some of `buf` and returns how many bytes were written.
    ///
    /// Cancel safety: cancel-safe. If the future is dropped before it
    /// completes, nothing was written.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        Write { writer: self, buf }
    }

    /// Writes some of the data in `bufs`, in order, and returns how many bytes
    /// were written.
    ///
    /// Cancel safety: cancel-safe, like [`write`](Self::write).
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        WriteVectored { writer: self, bufs }
    }

    /// Writes all of `buf`. A write that accepts 0 bytes fails with
    /// [`ErrorKind::WriteZero`](std::io::ErrorKind::WriteZero).
    ///
    /// Cancel safety: not cancel-safe. If the future is dropped, an unknown
    /// prefix of `buf` has been written.
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        WriteAll { writer: self, buf }
    }

    /// Writes one byte.
    ///
    /// Cancel safety: cancel-safe (nothing is written unless it completes).
    fn write_u8(&mut self, n: u8) -> WriteU8<'_, Self>
    where
        Self: Unpin,
    {
        WriteU8::new(self, n)
    }

    /// Writes `n` as a big-endian `u16`.
    ///
    /// Cancel safety: not cancel-safe (part of the number may be written).
    fn write_u16(&mut self, n: u16) -> WriteU16<'_, Self>
    where
        Self: Unpin,
    {
        WriteU16::new(self, n)
    }

    /// Writes `n` as a big-endian `u32`.
    ///
    /// Cancel safety: not cancel-safe (part of the number may be written).
    fn write_u32(&mut self, n: u32) -> WriteU32<'_, Self>
    where
        Self: Unpin,
    {
        WriteU32::new(self, n)
    }

    /// Writes `n` as a big-endian `u64`.
    ///
    /// Cancel safety: not cancel-safe (part of the number may be written).
    fn write_u64(&mut self, n: u64) -> WriteU64<'_, Self>
    where
        Self: Unpin,
    {
        WriteU64::new(self, n)
    }

    /// Flushes buffered data to its destination.
    ///
    /// Cancel safety: cancel-safe in that dropping it loses nothing; call it
    /// again to finish flushing.
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        Flush { writer: self }
    }

    /// Flushes and closes the writer ([`AsyncWrite::poll_close`]). On a socket
    /// this shuts down the write side only: the peer reads end of stream, and
    /// this side can still read.
    ///
    /// Cancel safety: cancel-safe in that dropping it loses nothing; call it
    /// again to finish shutting down.
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        Shutdown { writer: self }
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}

/// Future for [`AsyncWriteExt::write`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Write<'_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        Pin::new(&mut *this.writer).poll_write(cx, this.buf)
    }
}

/// Future for [`AsyncWriteExt::write_vectored`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteVectored<'a, 'b, W: ?Sized> {
    writer: &'a mut W,
    bufs: &'a [IoSlice<'b>],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteVectored<'_, '_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        Pin::new(&mut *this.writer).poll_write_vectored(cx, this.bufs)
    }
}

/// Future for [`AsyncWriteExt::write_all`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAll<'a, W: ?Sized> {
    writer: &'a mut W,
    /// The part of the caller's buffer still to write.
    buf: &'a [u8],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteAll<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        poll_write_all(&mut *this.writer, cx, &mut this.buf)
    }
}

/// Writes all of `buf`, shrinking it past each chunk written.
fn poll_write_all<W: AsyncWrite + Unpin + ?Sized>(
    writer: &mut W,
    cx: &mut Context<'_>,
    buf: &mut &[u8],
) -> Poll<io::Result<()>> {
    while !buf.is_empty() {
        match ready!(Pin::new(&mut *writer).poll_write(cx, buf))? {
            0 => return Poll::Ready(Err(write_zero())),
            n => *buf = &buf[n..],
        }
    }
    Poll::Ready(Ok(()))
}

/// Future for [`AsyncWriteExt::flush`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Flush<'a, W: ?Sized> {
    writer: &'a mut W,
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Flush<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().writer).poll_flush(cx)
    }
}

/// Future for [`AsyncWriteExt::shutdown`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Shutdown<'a, W: ?Sized> {
    writer: &'a mut W,
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Shutdown<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().writer).poll_close(cx)
    }
}

/// Defines a future that writes a big-endian integer.
macro_rules! write_be_int {
    ($($name:ident($ty:ty) = $method:literal;)*) => {$(
        #[doc = concat!("Future for [`AsyncWriteExt::", $method, "`].")]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $name<'a, W: ?Sized> {
            writer: &'a mut W,
            bytes: [u8; size_of::<$ty>()],
            written: usize,
        }

        impl<'a, W: ?Sized> $name<'a, W> {
            fn new(writer: &'a mut W, n: $ty) -> Self {
                Self { writer, bytes: n.to_be_bytes(), written: 0 }
            }
        }

        impl<W: AsyncWrite + Unpin + ?Sized> Future for $name<'_, W> {
            type Output = io::Result<()>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = self.get_mut();
                let mut rest = &this.bytes[this.written..];
                let result = poll_write_all(&mut *this.writer, cx, &mut rest);
                this.written = size_of::<$ty>() - rest.len();
                result
            }
        }
    )*};
}

write_be_int! {
    WriteU8(u8) = "write_u8";
    WriteU16(u16) = "write_u16";
    WriteU32(u32) = "write_u32";
    WriteU64(u64) = "write_u64";
}
