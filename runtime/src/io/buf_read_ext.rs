//! [`AsyncBufReadExt`] and the futures its methods return.

use super::{invalid_utf8, Lines, Split};
use futures_io::AsyncBufRead;
use std::future::Future;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Helpers for every [`AsyncBufRead`], as in Tokio's `AsyncBufReadExt`:
/// reading up to a delimiter, and line by line.
///
/// Wrap a plain reader (a socket) in a [`BufReader`](super::BufReader) to
/// get an `AsyncBufRead`. The async methods borrow the reader and return a
/// named future, which is `Unpin`, and `Send` when the reader is.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, BufReader};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let input: &[u8] = b"GET / HTTP/1.1\r\nHost: example\r\n\r\n";
///     let mut lines = BufReader::new(input).lines();
///     let mut headers = Vec::new();
///     while let Some(line) = lines.next_line().await? {
///         if line.is_empty() {
///             break;
///         }
///         headers.push(line);
///     }
///     assert_eq!(headers, ["GET / HTTP/1.1", "Host: example"]);
///     Ok(())
/// }
/// ```
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Reads up to and including the next `byte` (or to end of stream),
    /// appending to `buf`, and returns how many bytes were appended; `Ok(0)`
    /// means end of stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncBufReadExt;
    ///
    /// let mut reader: &[u8] = b"key=value;next";
    /// let mut field = Vec::new();
    /// assert_eq!(reader.read_until(b';', &mut field).await?, 10);
    /// assert_eq!(field, b"key=value;");
    /// field.clear();
    /// assert_eq!(reader.read_until(b';', &mut field).await?, 4); // end of stream
    /// assert_eq!(field, b"next");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// No data is lost, though the count is: the bytes read before the
    /// future is dropped have already been appended to `buf` and consumed
    /// from the reader, so calling `read_until` again with the same `buf`
    /// continues up to `byte`. Its return value then counts only the bytes
    /// that call appended.
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
    /// `buf` is left unchanged. On an I/O error, the part of the line read
    /// before it is appended to `buf` if it is valid UTF-8, as in Tokio.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncBufReadExt;
    ///
    /// let mut reader: &[u8] = b"first\nsecond";
    /// let mut line = String::new();
    /// assert_eq!(reader.read_line(&mut line).await?, 6);
    /// assert_eq!(line, "first\n"); // the newline is kept
    /// line.clear();
    /// reader.read_line(&mut line).await?;
    /// assert_eq!(line, "second");
    /// line.clear();
    /// assert_eq!(reader.read_line(&mut line).await?, 0); // end of stream
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Not cancel-safe. The line is collected inside the future (so that
    /// `buf` never holds invalid UTF-8) and already consumed from the
    /// reader; if the future is dropped, `buf` is unchanged and the part of
    /// the line read so far is lost. Use [`lines`](Self::lines), whose
    /// [`next_line`](super::Lines::next_line) is cancel-safe, where
    /// cancellation matters.
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
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncBufReadExt;
    ///
    /// let reader: &[u8] = b"a\r\nb\n";
    /// let mut lines = reader.lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("a"));
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("b"));
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        Lines::new(self)
    }

    /// Turns the reader into a [`Split`], which yields the segments between
    /// occurrences of `byte` (without it), as `Vec<u8>`s.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    ///
    /// // (A bare `&[u8]` would pick the slice's own `split` method.)
    /// let reader = BufReader::new(&b"a,bc,,d"[..]);
    /// let mut fields = reader.split(b',');
    /// let mut got = Vec::new();
    /// while let Some(field) = fields.next_segment().await? {
    ///     got.push(field);
    /// }
    /// assert_eq!(got, [&b"a"[..], b"bc", b"", b"d"]);
    /// # Ok(())
    /// # }
    /// ```
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized + Unpin,
    {
        Split::new(self, byte)
    }

    /// Returns the data buffered in the reader, first reading more from the
    /// inner reader if the buffer is empty; an empty slice means end of
    /// stream. Nothing is consumed: follow with
    /// [`consume`](Self::consume) to mark bytes as read.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    ///
    /// let mut reader = BufReader::new(&b"peek"[..]);
    /// assert_eq!(reader.fill_buf().await?, b"peek");
    /// assert_eq!(reader.fill_buf().await?, b"peek"); // still there
    /// reader.consume(4);
    /// assert!(reader.fill_buf().await?.is_empty()); // end of stream
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: what was read is kept in the reader's buffer, not in the
    /// future, so if the future is dropped the next call returns it.
    fn fill_buf(&mut self) -> FillBuf<'_, Self>
    where
        Self: Unpin,
    {
        FillBuf { reader: Some(self) }
    }

    /// Marks `amt` bytes of the buffer as read (see
    /// [`AsyncBufRead::consume`]), so the next read starts after them.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    ///
    /// let mut reader = BufReader::new(&b"skip:keep"[..]);
    /// let mut first = [0; 1];
    /// reader.read_exact(&mut first).await?; // fills the buffer
    /// reader.consume(4); // skip "kip:"
    /// let mut rest = String::new();
    /// reader.read_to_string(&mut rest).await?;
    /// assert_eq!(rest, "keep");
    /// # Ok(())
    /// # }
    /// ```
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt);
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

/// Future for [`AsyncBufReadExt::read_until`]: awaiting it gives the number
/// of bytes appended.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncBufReadExt};
///
/// let mut reader: &[u8] = b"key=value;next";
/// let mut field = Vec::new();
/// let fut: io::ReadUntil<'_, _> = reader.read_until(b';', &mut field);
/// assert_eq!(fut.await?, 10);
/// assert_eq!(field, b"key=value;");
/// # Ok(())
/// # }
/// ```
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

/// Future for [`AsyncBufReadExt::fill_buf`]: awaiting it gives the reader's
/// buffered data, borrowed from the reader.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncBufReadExt};
///
/// let mut reader: &[u8] = b"data";
/// let fut: io::FillBuf<'_, _> = reader.fill_buf();
/// assert_eq!(fut.await?, b"data");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FillBuf<'a, R: ?Sized> {
    /// Taken when the future completes: the slice it returns borrows the
    /// reader for the rest of `'a`.
    reader: Option<&'a mut R>,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let reader: &'a mut R = this
            .reader
            .take()
            .expect("FillBuf polled after it completed");
        let ptr: *mut R = reader;
        // SAFETY: `ptr` comes from `reader`, a `&'a mut R` we own, so it is
        // valid and unaliased for `'a`. If the poll is ready, the slice it
        // returns keeps that borrow for `'a` and `reader` is never used again
        // (it was moved out of the future). If it is pending, the reborrow
        // made here is dead (`Pending` holds no borrow) before `reader` is
        // put back and used again. This is the borrow the checker would
        // accept if it could see that only one branch keeps it.
        match Pin::new(unsafe { &mut *ptr }).poll_fill_buf(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => {
                this.reader = Some(reader);
                Poll::Pending
            }
        }
    }
}

/// Future for [`AsyncBufReadExt::read_line`]: awaiting it gives the number of
/// bytes appended.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncBufReadExt};
///
/// let mut reader: &[u8] = b"first\nsecond";
/// let mut line = String::new();
/// let fut: io::ReadLine<'_, _> = reader.read_line(&mut line);
/// assert_eq!(fut.await?, 6);
/// assert_eq!(line, "first\n"); // the newline is kept
/// # Ok(())
/// # }
/// ```
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
        let result = ready!(poll_read_until(
            &mut *this.reader,
            cx,
            b'\n',
            &mut this.bytes,
            &mut this.read
        ));
        // As in Tokio: on an I/O error the text read before it is still
        // appended when it is valid UTF-8; invalid UTF-8 appends nothing.
        let line = String::from_utf8(mem::take(&mut this.bytes));
        if let Ok(line) = &line {
            this.string.push_str(line);
        }
        let n = result?;
        line.map_err(|_| invalid_utf8())?;
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
