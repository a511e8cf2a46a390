//! [`AsyncBufReadExt`] and the futures its methods return.

use super::{invalid_utf8, Lines};
use futures_io::AsyncBufRead;
use std::future::Future;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Helpers for every [`AsyncBufRead`], as in Tokio's `AsyncBufReadExt`.
///
/// The async methods borrow the reader and return a named future, which is
/// `Unpin`, and `Send` when the reader is.
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Reads up to and including the next `byte` (or to end of stream),
    /// appending to `buf`, and returns how many bytes were appended; `Ok(0)`
    /// means end of stream.
    ///
    /// Cancel safety: the bytes read before the future is dropped have
    /// already been appended to `buf`, so nothing is lost; calling it again
    /// continues up to `byte`.
    fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
    where
        Self: Unpin,
    {
        ReadUntil {
            reader: self,
            byte,
            buf,
            read: 0,
        }
    }

    /// Reads up to and including the next `\n` (or to end of stream),
    /// appending the text to `buf`, and returns how many bytes were appended;
    /// `Ok(0)` means end of stream. If the line is not valid UTF-8 it fails
    /// with [`ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData) and
    /// `buf` is left unchanged.
    ///
    /// Cancel safety: not cancel-safe. If the future is dropped, `buf` is
    /// unchanged and the part of the line read so far is lost. Use
    /// [`lines`](Self::lines) where cancellation matters.
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
    where
        Self: Unpin,
    {
        ReadLine {
            reader: self,
            string: buf,
            bytes: Vec::new(),
            read: 0,
        }
    }

    /// Turns the reader into a [`Lines`], which yields lines without their
    /// `\n` or `\r\n` ending.
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        Lines::new(self)
    }

    /// Marks `amt` bytes of the buffer as read (see
    /// [`AsyncBufRead::consume`]).
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt);
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

/// Future for [`AsyncBufReadExt::read_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadUntil<'a, R: ?Sized> {
    reader: &'a mut R,
    byte: u8,
    buf: &'a mut Vec<u8>,
    read: usize,
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        poll_read_until(&mut *this.reader, cx, this.byte, this.buf, &mut this.read)
    }
}

/// Future for [`AsyncBufReadExt::read_line`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadLine<'a, R: ?Sized> {
    reader: &'a mut R,
    string: &'a mut String,
    bytes: Vec<u8>,
    read: usize,
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let n = ready!(poll_read_until(
            &mut *this.reader,
            cx,
            b'\n',
            &mut this.bytes,
            &mut this.read
        ))?;
        let line = String::from_utf8(mem::take(&mut this.bytes)).map_err(|_| invalid_utf8())?;
        this.string.push_str(&line);
        Poll::Ready(Ok(n))
    }
}

/// Appends bytes up to and including `byte` to `buf`, counting them in
/// `read`; returns (and resets) the count once `byte` or end of stream is
/// reached.
pub(super) fn poll_read_until<R: AsyncBufRead + Unpin + ?Sized>(
    reader: &mut R,
    cx: &mut Context<'_>,
    byte: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let available = ready!(Pin::new(&mut *reader).poll_fill_buf(cx))?;
        let (done, used) = match available.iter().position(|&b| b == byte) {
            Some(i) => (true, i + 1),
            None => (available.is_empty(), available.len()),
        };
        buf.extend_from_slice(&available[..used]);
        Pin::new(&mut *reader).consume(used);
        *read += used;
        if done {
            return Poll::Ready(Ok(mem::take(read)));
        }
    }
}
