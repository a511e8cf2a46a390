//! [`AsyncReadExt`] and the futures its methods return.

use super::int::{self, read_int_methods, *};
#[cfg(feature = "bytes")]
use super::ReadBufFuture;
use super::{invalid_utf8, Chain, Take};
use futures_io::AsyncRead;
use std::future::Future;
use std::io::{self, ErrorKind};
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reading helpers for every [`AsyncRead`], as in Tokio's `AsyncReadExt`.
///
/// It is implemented for every `AsyncRead` (sockets, [`DuplexStream`](super::DuplexStream),
/// `&[u8]`, [`BufReader`](super::BufReader)...); bring it into scope with
/// `use runtime::io::AsyncReadExt`. The async methods borrow the reader and
/// return a named future, which is `Unpin`, and `Send` when the reader is.
/// Each method's documentation says whether its future is cancel-safe, that
/// is, whether dropping it before it completes (say, in a losing `select!`
/// branch) can lose data.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> io::Result<()> {
///     let (mut tx, mut rx) = io::duplex(64);
///     tx.write_all(&[0, 5]).await?;
///     tx.write_all(b"hello, and more").await?;
///     drop(tx);
///
///     let len = rx.read_u16().await?;          // a length prefix
///     let mut frame = vec![0; len as usize];
///     rx.read_exact(&mut frame).await?;        // then exactly that much
///     assert_eq!(frame, b"hello");
///     let mut rest = String::new();
///     rx.read_to_string(&mut rest).await?;     // then everything left
///     assert_eq!(rest, ", and more");
///     Ok(())
/// }
/// ```
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf` and returns how many; `Ok(0)` means end of
    /// stream (or an empty `buf`). It waits only until at least one byte is
    /// there, so it may return fewer bytes than `buf` holds.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut reader: &[u8] = b"abc";
    /// let mut buf = [0; 2];
    /// assert_eq!(reader.read(&mut buf).await?, 2);
    /// assert_eq!(&buf, b"ab");
    /// assert_eq!(reader.read(&mut buf).await?, 1);
    /// assert_eq!(reader.read(&mut buf).await?, 0); // end of stream
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the future is one `poll_read` call per poll and holds no
    /// data of its own. If it is dropped before it completes, no data was
    /// read (for the runtime's sockets, the read syscall only runs in the
    /// poll that returns its result), so the next read gets every byte.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        Read { reader: self, buf }
    }

    /// Reads exactly `buf.len()` bytes, returning that length. Ending early
    /// fails with [`ErrorKind::UnexpectedEof`] (with the bytes read so far in
    /// `buf`, but no way to tell how many).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut reader: &[u8] = b"0123456789";
    /// let mut buf = [0; 4];
    /// reader.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"0123");
    ///
    /// let mut too_big = [0; 16];
    /// let err = reader.read_exact(&mut too_big).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Not cancel-safe. It may need several reads; if the future is dropped
    /// between them, the bytes already read are in `buf` but the count is
    /// lost with the future, and the next read starts after them. In a
    /// `select!` loop, keep the buffer and a count of the bytes filled
    /// outside the loop and fill it with [`read`](AsyncReadExt::read)
    /// instead.
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
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut reader: &[u8] = b" world";
    /// let mut buf = b"hello".to_vec();
    /// assert_eq!(reader.read_to_end(&mut buf).await?, 6);
    /// assert_eq!(buf, b"hello world");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// No data is lost, but the return value is: every byte read before the
    /// future is dropped has been appended to `buf` (the scratch space past
    /// it is trimmed on drop), so calling `read_to_end` again with the same
    /// `buf` continues where it stopped, and `buf.len()` tells how much
    /// arrived. Only the count of the dropped call is gone.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        let start = buf.len();
        ReadToEnd {
            reader: self,
            start_cap: buf.capacity(),
            buf,
            start,
            filled: start,
        }
    }

    /// Reads until end of stream and appends the text to `buf`, returning how
    /// many bytes were appended. If the data is not valid UTF-8 it fails with
    /// [`ErrorKind::InvalidData`] and `buf` is left unchanged; on an I/O error
    /// the text read before it stays appended when it is valid UTF-8 (as in
    /// Tokio), and `buf` is left unchanged otherwise.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut reader: &[u8] = "grüße".as_bytes();
    /// let mut text = String::new();
    /// assert_eq!(reader.read_to_string(&mut text).await?, 7); // bytes, not chars
    /// assert_eq!(text, "grüße");
    ///
    /// let mut bad: &[u8] = &[0xff, 0xfe];
    /// let err = bad.read_to_string(&mut text).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    /// assert_eq!(text, "grüße"); // unchanged
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Not cancel-safe. The bytes are validated and kept in `buf` only once
    /// end of stream (or an error) is reached, so that `buf` never holds
    /// invalid UTF-8; if the future is dropped, `buf` is back to what it was
    /// and the bytes read so far are lost.
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        // The string lends its allocation: the bytes are read straight into
        // it (so its capacity counts, as for `read_to_end`), and it gets it
        // back when the future completes or is dropped.
        let bytes = mem::take(buf).into_bytes();
        let start = bytes.len();
        ReadToString {
            reader: self,
            string: buf,
            start_cap: bytes.capacity(),
            bytes,
            start,
            filled: start,
            done: false,
        }
    }

    int::int_table!(read_int_methods);

    /// Reads some bytes into the spare capacity of `buf` (a `BytesMut`, a
    /// `Vec<u8>`, any [`bytes::BufMut`]), advances `buf` past them and returns
    /// how many; `Ok(0)` means end of stream, or that `buf` has no room left
    /// ([`BufMut::has_remaining_mut`](bytes::BufMut::has_remaining_mut) is
    /// false). A growable buffer grows when full (by 64 bytes for
    /// `BytesMut`, as `chunk_mut` does), so reserve room first to read in
    /// larger pieces. One call takes at most 64 KiB. Feature `bytes`.
    ///
    /// The reader is first offered 1 KiB of the room (which has to be
    /// zeroed first: `futures-io` readers take initialised memory); only if
    /// it fills that is the rest offered to a second read in the same call.
    /// If that second read fails, the error is returned and the bytes of the
    /// first stay counted in `buf`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use bytes::BytesMut;
    /// use runtime::io::AsyncReadExt;
    ///
    /// let mut reader: &[u8] = b"hello world";
    /// let mut buf = BytesMut::with_capacity(8);
    /// while reader.read_buf(&mut buf).await? != 0 {}
    /// assert_eq!(&buf[..], b"hello world");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the future is one `poll_read` call per poll and the
    /// bytes of a read are counted in `buf` in the same poll, so if it is
    /// dropped before it completes, nothing was read and `buf` is unchanged;
    /// `read_buf` in a `select!` loop loses no data.
    #[cfg(feature = "bytes")]
    fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> ReadBufFuture<'a, Self, B>
    where
        Self: Unpin,
        B: bytes::BufMut + ?Sized,
    {
        ReadBufFuture { reader: self, buf }
    }

    /// Wraps the reader so that it reports end of stream after at most
    /// `limit` bytes; see [`Take`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let reader: &[u8] = b"header:body";
    /// let mut header = String::new();
    /// reader.take(6).read_to_string(&mut header).await?;
    /// assert_eq!(header, "header");
    /// # Ok(())
    /// # }
    /// ```
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, limit)
    }

    /// Reads all of `self`, then all of `next`; see [`Chain`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::AsyncReadExt;
    ///
    /// let first: &[u8] = b"one ";
    /// let second: &[u8] = b"two";
    /// let mut both = String::new();
    /// first.chain(second).read_to_string(&mut both).await?;
    /// assert_eq!(both, "one two");
    /// # Ok(())
    /// # }
    /// ```
    fn chain<R: AsyncRead>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
    {
        Chain::new(self, next)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}

/// Future for [`AsyncReadExt::read`]: awaiting it gives the number of bytes
/// read.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncReadExt};
///
/// let mut reader: &[u8] = b"abc";
/// let mut buf = [0; 8];
/// let fut: io::Read<'_, _> = reader.read(&mut buf);
/// assert_eq!(fut.await?, 3);
/// assert_eq!(&buf[..3], b"abc");
/// # Ok(())
/// # }
/// ```
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

/// Future for [`AsyncReadExt::read_exact`]: awaiting it fills the buffer and
/// gives its length.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncReadExt};
///
/// let mut reader: &[u8] = b"0123456789";
/// let mut buf = [0; 4];
/// let fut: io::ReadExact<'_, _> = reader.read_exact(&mut buf);
/// assert_eq!(fut.await?, 4);
/// assert_eq!(&buf, b"0123");
/// # Ok(())
/// # }
/// ```
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
pub(super) fn poll_fill<R: AsyncRead + Unpin + ?Sized>(
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

/// Future for [`AsyncReadExt::read_to_end`]: awaiting it appends the rest of
/// the stream to the buffer and gives how many bytes it appended.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncReadExt};
///
/// let mut reader: &[u8] = b" world";
/// let mut buf = b"hello".to_vec();
/// let fut: io::ReadToEnd<'_, _> = reader.read_to_end(&mut buf);
/// assert_eq!(fut.await?, 6);
/// assert_eq!(buf, b"hello world");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    start: usize,
    /// `buf[..filled]` is data; past it `buf` holds zeroed scratch space.
    filled: usize,
    /// `buf`'s capacity when the call began (see `poll_read_to_end`).
    start_cap: usize,
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let result = ready!(poll_read_to_end(
            this.reader,
            cx,
            this.buf,
            &mut this.filled,
            this.start_cap
        ));
        // On an error too: what was read before it stays in `buf`.
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

/// Bytes of the probe read, and the space kept free before each read: std's
/// and Tokio's value (32), so the same reads leave the same capacities.
const PROBE: usize = 32;

/// Reads to end of stream into `buf[*filled..]`, growing `buf` as needed.
/// Past `filled`, `buf` holds zeroed scratch space up to its capacity: new
/// capacity is zeroed once and reused as read space, so a reader that returns
/// small chunks does not cause repeated zeroing.
///
/// The growth policy is std's and Tokio's, so the same reads leave the same
/// capacities: before each read at least `PROBE` bytes are free (else the
/// vector grows, doubling); but a buffer that was sized for the data (its
/// starting capacity, at least `PROBE`, is nearly full and never grew) is not
/// grown on a guess: a small read into a stack buffer first checks for end of
/// stream.
fn poll_read_to_end<R: AsyncRead + Unpin + ?Sized>(
    reader: &mut R,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
    filled: &mut usize,
    start_cap: usize,
) -> Poll<io::Result<()>> {
    loop {
        let free = buf.capacity() - *filled;
        if free < PROBE && buf.capacity() == start_cap && start_cap >= PROBE {
            let mut probe = [0; PROBE];
            let n = ready!(Pin::new(&mut *reader).poll_read(cx, &mut probe))?;
            if n == 0 {
                return Poll::Ready(Ok(()));
            }
            buf.truncate(*filled);
            if n > free {
                buf.reserve(PROBE);
            }
            buf.extend_from_slice(&probe[..n]);
            *filled += n;
            continue;
        }
        if free < PROBE {
            // Grow relative to the data, not to the scratch space.
            buf.truncate(*filled);
            buf.reserve(PROBE);
        }
        if buf.len() < buf.capacity() {
            buf.resize(buf.capacity(), 0);
        }
        match ready!(Pin::new(&mut *reader).poll_read(cx, &mut buf[*filled..]))? {
            0 => return Poll::Ready(Ok(())),
            n => *filled += n,
        }
    }
}

/// Future for [`AsyncReadExt::read_to_string`]: awaiting it appends the rest
/// of the stream to the string and gives how many bytes it appended.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncReadExt};
///
/// let mut reader: &[u8] = b" world";
/// let mut text = String::from("hello");
/// let fut: io::ReadToString<'_, _> = reader.read_to_string(&mut text);
/// assert_eq!(fut.await?, 6);
/// assert_eq!(text, "hello world");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    /// Empty while the future runs: its bytes are in `bytes`.
    string: &'a mut String,
    /// The string's bytes (valid UTF-8 up to `start`), then what was read up
    /// to `filled`, then zeroed scratch space.
    bytes: Vec<u8>,
    start: usize,
    filled: usize,
    start_cap: usize,
    /// The string has its bytes back (the future completed).
    done: bool,
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let result = ready!(poll_read_to_end(
            this.reader,
            cx,
            &mut this.bytes,
            &mut this.filled,
            this.start_cap
        ));
        this.bytes.truncate(this.filled);
        let valid = std::str::from_utf8(&this.bytes[this.start..]).is_ok();
        if !valid {
            // Keep the string as it was: never invalid UTF-8 in a `String`.
            this.bytes.truncate(this.start);
        }
        let n = this.bytes.len() - this.start;
        // SAFETY: `bytes[..start]` came from a `String`, and `bytes[start..]`
        // was just checked (or truncated away); two valid UTF-8 sequences
        // concatenated are valid UTF-8.
        *this.string = unsafe { String::from_utf8_unchecked(mem::take(&mut this.bytes)) };
        this.done = true;
        match result {
            // An I/O error wins over invalid data; valid text read before it stays.
            Err(e) => Poll::Ready(Err(e)),
            Ok(()) if !valid => Poll::Ready(Err(invalid_utf8())),
            Ok(()) => Poll::Ready(Ok(n)),
        }
    }
}

impl<R: ?Sized> Drop for ReadToString<'_, R> {
    fn drop(&mut self) {
        if !self.done {
            // Dropped before completion: give the string its bytes back as
            // they were.
            self.bytes.truncate(self.start);
            // SAFETY: `bytes[..start]` is the string's own original content.
            *self.string = unsafe { String::from_utf8_unchecked(mem::take(&mut self.bytes)) };
        }
    }
}
