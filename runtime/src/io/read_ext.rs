//! [`AsyncReadExt`] and the futures its methods return.

use super::{invalid_utf8, Chain, Take};
use futures_io::AsyncRead;
use std::future::Future;
use std::io::{self, ErrorKind};
use std::mem::{self, size_of};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reading helpers for every [`AsyncRead`], as in Tokio's `AsyncReadExt`.
///
/// The async methods borrow the reader and return a named future, which is
/// `Unpin`, and `Send` when the reader is.
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf` and returns how many; `Ok(0)` means end of
    /// stream (or an empty `buf`).
    ///
    /// Cancel safety: cancel-safe. If the future is dropped before it
    /// completes, no data was read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        Read { reader: self, buf }
    }

    /// Reads exactly `buf.len()` bytes, returning that length. Ending early
    /// fails with [`ErrorKind::UnexpectedEof`].
    ///
    /// Cancel safety: not cancel-safe. If the future is dropped, some bytes
    /// may have been read into `buf` and are lost to the next read.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        let len = buf.len();
        ReadExact {
            reader: self,
            buf,
            len,
        }
    }

    /// Reads until end of stream, appending to `buf`, and returns how many
    /// bytes were appended. On an error the bytes read so far stay in `buf`.
    ///
    /// Cancel safety: not cancel-safe: bytes read before the future is dropped
    /// stay in `buf`, but the caller cannot tell how many there are.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        let start = buf.len();
        ReadToEnd {
            reader: self,
            buf,
            start,
            filled: start,
        }
    }

    /// Reads until end of stream and appends the text to `buf`, returning how
    /// many bytes were appended. If the data is not valid UTF-8 it fails with
    /// [`ErrorKind::InvalidData`]; on any error `buf` is left unchanged.
    ///
    /// Cancel safety: not cancel-safe. If the future is dropped, `buf` is
    /// unchanged and the bytes read so far are lost.
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        // An empty string lends its allocation (it is still empty on failure).
        let bytes = if buf.is_empty() {
            mem::take(buf).into_bytes()
        } else {
            Vec::new()
        };
        ReadToString {
            reader: self,
            string: buf,
            bytes,
            filled: 0,
        }
    }

    /// Reads one byte.
    ///
    /// Cancel safety: cancel-safe (nothing is read unless it completes).
    fn read_u8(&mut self) -> ReadU8<'_, Self>
    where
        Self: Unpin,
    {
        ReadU8::new(self)
    }

    /// Reads a big-endian `u16`; early end of stream is
    /// [`ErrorKind::UnexpectedEof`].
    ///
    /// Cancel safety: not cancel-safe (a partially read number is lost).
    fn read_u16(&mut self) -> ReadU16<'_, Self>
    where
        Self: Unpin,
    {
        ReadU16::new(self)
    }

    /// Reads a big-endian `u32`; early end of stream is
    /// [`ErrorKind::UnexpectedEof`].
    ///
    /// Cancel safety: not cancel-safe (a partially read number is lost).
    fn read_u32(&mut self) -> ReadU32<'_, Self>
    where
        Self: Unpin,
    {
        ReadU32::new(self)
    }

    /// Reads a big-endian `u64`; early end of stream is
    /// [`ErrorKind::UnexpectedEof`].
    ///
    /// Cancel safety: not cancel-safe (a partially read number is lost).
    fn read_u64(&mut self) -> ReadU64<'_, Self>
    where
        Self: Unpin,
    {
        ReadU64::new(self)
    }

    /// Wraps the reader so that it reports end of stream after at most
    /// `limit` bytes.
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, limit)
    }

    /// Reads all of `self`, then all of `next`.
    fn chain<R: AsyncRead>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
    {
        Chain::new(self, next)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}

/// Future for [`AsyncReadExt::read`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut [u8],
}

impl<R: AsyncRead + Unpin + ?Sized> Future for Read<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        Pin::new(&mut *this.reader).poll_read(cx, this.buf)
    }
}

/// Future for [`AsyncReadExt::read_exact`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadExact<'a, R: ?Sized> {
    reader: &'a mut R,
    /// The part of the caller's buffer still to fill.
    buf: &'a mut [u8],
    len: usize,
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadExact<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        ready!(poll_fill(&mut *this.reader, cx, &mut this.buf))?;
        Poll::Ready(Ok(this.len))
    }
}

/// Reads into `buf` until it is full, shrinking it past each chunk read.
fn poll_fill<R: AsyncRead + Unpin + ?Sized>(
    reader: &mut R,
    cx: &mut Context<'_>,
    buf: &mut &mut [u8],
) -> Poll<io::Result<()>> {
    while !buf.is_empty() {
        let n = ready!(Pin::new(&mut *reader).poll_read(cx, buf))?;
        if n == 0 {
            return Poll::Ready(Err(ErrorKind::UnexpectedEof.into()));
        }
        *buf = &mut mem::take(buf)[n..];
    }
    Poll::Ready(Ok(()))
}

/// Future for [`AsyncReadExt::read_to_end`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    start: usize,
    /// `buf[..filled]` is data; past it `buf` holds zeroed scratch space.
    filled: usize,
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let result = ready!(poll_read_to_end(
            this.reader,
            cx,
            this.buf,
            &mut this.filled
        ));
        this.buf.truncate(this.filled);
        Poll::Ready(result.map(|()| this.filled - this.start))
    }
}

impl<R: ?Sized> Drop for ReadToEnd<'_, R> {
    fn drop(&mut self) {
        // Drop the scratch space if the future is cancelled mid-read.
        self.buf.truncate(self.filled);
    }
}

/// Reads to end of stream into `buf[*filled..]`, growing `buf` as needed. Each
/// byte of new capacity is zeroed once and then reused as read space, so a
/// reader that returns small chunks does not cause repeated zeroing.
fn poll_read_to_end<R: AsyncRead + Unpin + ?Sized>(
    reader: &mut R,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    filled: &mut usize,
) -> Poll<io::Result<()>> {
    loop {
        if *filled == buf.len() {
            buf.reserve(32);
            buf.resize(buf.capacity(), 0);
        }
        match ready!(Pin::new(&mut *reader).poll_read(cx, &mut buf[*filled..]))? {
            0 => return Poll::Ready(Ok(())),
            n => *filled += n,
        }
    }
}

/// Future for [`AsyncReadExt::read_to_string`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    string: &'a mut String,
    /// The bytes read so far, then zeroed scratch space from `filled`.
    bytes: Vec<u8>,
    filled: usize,
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let result = ready!(poll_read_to_end(
            this.reader,
            cx,
            &mut this.bytes,
            &mut this.filled
        ));
        this.bytes.truncate(this.filled);
        let bytes = mem::take(&mut this.bytes);
        result?;
        let text = String::from_utf8(bytes).map_err(|_| invalid_utf8())?;
        let n = text.len();
        if this.string.is_empty() {
            *this.string = text;
        } else {
            this.string.push_str(&text);
        }
        Poll::Ready(Ok(n))
    }
}

/// Defines a future that reads a big-endian integer.
macro_rules! read_be_int {
    ($($name:ident($ty:ty) = $method:literal;)*) => {$(
        #[doc = concat!("Future for [`AsyncReadExt::", $method, "`].")]
        #[derive(Debug)]
        #[must_use = "futures do nothing unless you `.await` or poll them"]
        pub struct $name<'a, R: ?Sized> {
            reader: &'a mut R,
            bytes: [u8; size_of::<$ty>()],
            filled: usize,
        }

        impl<'a, R: ?Sized> $name<'a, R> {
            fn new(reader: &'a mut R) -> Self {
                Self { reader, bytes: [0; size_of::<$ty>()], filled: 0 }
            }
        }

        impl<R: AsyncRead + Unpin + ?Sized> Future for $name<'_, R> {
            type Output = io::Result<$ty>;

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = self.get_mut();
                let mut rest = &mut this.bytes[this.filled..];
                let result = poll_fill(&mut *this.reader, cx, &mut rest);
                this.filled = size_of::<$ty>() - rest.len();
                ready!(result)?;
                Poll::Ready(Ok(<$ty>::from_be_bytes(this.bytes)))
            }
        }
    )*};
}

read_be_int! {
    ReadU8(u8) = "read_u8";
    ReadU16(u16) = "read_u16";
    ReadU32(u32) = "read_u32";
    ReadU64(u64) = "read_u64";
}
