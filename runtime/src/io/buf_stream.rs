//! [`BufStream`]: buffering both ways for a stream.
//!
//! It is a [`BufReader`] around a [`BufWriter`] around the stream, as in
//! Tokio: reads go through the read buffer, writes through the write buffer,
//! and each passes straight through the other adapter (`BufReader` forwards
//! writes, `BufWriter` forwards reads). Seeking flushes the write buffer and
//! discards the read buffer (the two adapters' own seek rules, in that
//! nesting). The inner stream is pinned structurally through both adapters.

use super::{BufReader, BufWriter, DEFAULT_BUF_SIZE};
use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Buffers the reads and the writes of a stream: a [`BufReader`] and a
/// [`BufWriter`] in one, for protocols that read and write small pieces on
/// one connection.
///
/// As with `BufWriter`, written data waits in the buffer until it fills or
/// is flushed: [`flush`](super::AsyncWriteExt::flush) before waiting for a
/// reply, and before dropping the stream.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufStream};
/// use runtime::net::{TcpListener, TcpStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let client = TcpStream::connect(listener.local_addr()?).await?;
///     let (server, _) = listener.accept().await?;
///     runtime::spawn(async move {
///         let mut server = BufStream::new(server);
///         let mut line = String::new();
///         while server.read_line(&mut line).await? != 0 {
///             server.write_all(b"echo: ").await?;
///             server.write_all(line.as_bytes()).await?;
///             server.flush().await?;
///             line.clear();
///         }
///         std::io::Result::Ok(())
///     });
///
///     let mut client = BufStream::new(client);
///     client.write_all(b"hi\n").await?;
///     client.flush().await?; // nothing is sent before this
///     let mut reply = String::new();
///     client.read_line(&mut reply).await?;
///     assert_eq!(reply, "echo: hi\n");
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct BufStream<RW> {
    inner: BufReader<BufWriter<RW>>,
}

impl<RW: AsyncRead + AsyncWrite> BufStream<RW> {
    /// Wraps `stream` with an 8 KiB read buffer and an 8 KiB write buffer.
    ///
    /// ```
    /// use runtime::io::{self, BufStream};
    ///
    /// let (a, _b) = io::duplex(64);
    /// let stream = BufStream::new(a);
    /// # drop(stream);
    /// ```
    pub fn new(stream: RW) -> BufStream<RW> {
        Self::with_capacity(DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE, stream)
    }

    /// Wraps `stream` with a read buffer of `reader_capacity` bytes and a
    /// write buffer of `writer_capacity` bytes.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{self, AsyncReadExt, AsyncWriteExt, BufStream};
    ///
    /// let (a, mut b) = io::duplex(64);
    /// let mut stream = BufStream::with_capacity(16, 4, a);
    /// stream.write_all(b"abc").await?; // fits in the 4-byte write buffer
    /// stream.write_all(b"de").await?;  // does not: "abc" goes out
    /// let mut got = [0; 3];
    /// b.read_exact(&mut got).await?;
    /// assert_eq!(&got, b"abc");
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_capacity(
        reader_capacity: usize,
        writer_capacity: usize,
        stream: RW,
    ) -> BufStream<RW> {
        BufStream {
            inner: BufReader::with_capacity(
                reader_capacity,
                BufWriter::with_capacity(writer_capacity, stream),
            ),
        }
    }
}

impl<RW> BufStream<RW> {
    /// The wrapped stream.
    ///
    /// ```
    /// use runtime::io::BufStream;
    ///
    /// let stream = BufStream::new(futures::io::Cursor::new(vec![1u8]));
    /// assert_eq!(stream.get_ref().get_ref(), &[1]);
    /// ```
    pub fn get_ref(&self) -> &RW {
        self.inner.get_ref().get_ref()
    }

    /// The wrapped stream, mutably. Reading or writing it directly skips the
    /// buffers.
    ///
    /// ```
    /// use runtime::io::BufStream;
    ///
    /// let mut stream = BufStream::new(futures::io::Cursor::new(Vec::<u8>::new()));
    /// stream.get_mut().get_mut().push(9);
    /// assert_eq!(stream.get_ref().get_ref(), &[9]);
    /// ```
    pub fn get_mut(&mut self) -> &mut RW {
        self.inner.get_mut().get_mut()
    }

    /// The wrapped stream of a pinned `BufStream`, pinned.
    ///
    /// ```
    /// use runtime::io::BufStream;
    /// use std::pin::Pin;
    ///
    /// let mut stream = Box::pin(BufStream::new(futures::io::Cursor::new(vec![2u8])));
    /// let inner: Pin<&mut futures::io::Cursor<Vec<u8>>> = stream.as_mut().get_pin_mut();
    /// assert_eq!(inner.get_ref(), &[2]);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut RW> {
        // SAFETY: `inner` is pinned structurally: `BufStream` is `Unpin` only
        // when its `BufReader` is (no manual `Unpin` impl), it has no `Drop`
        // impl, and nothing moves `inner` out of a pinned `BufStream`
        // (`into_inner` takes it by value, `get_mut` needs `&mut Self`).
        let reader = unsafe { self.map_unchecked_mut(|this| &mut this.inner) };
        reader.get_pin_mut().get_pin_mut()
    }

    /// Unwraps the stream. Data still in either buffer is lost: flush first.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncWriteExt, BufStream};
    ///
    /// let mut stream = BufStream::new(futures::io::Cursor::new(Vec::new()));
    /// stream.write_all(b"kept").await?;
    /// stream.flush().await?;
    /// assert_eq!(stream.into_inner().into_inner(), b"kept");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> RW {
        self.inner.into_inner().into_inner()
    }
}

/// Keeps both adapters and what they buffered.
///
/// ```
/// use runtime::io::{BufReader, BufStream, BufWriter};
///
/// let both = BufReader::new(BufWriter::new(futures::io::Cursor::new(Vec::<u8>::new())));
/// let stream = BufStream::from(both);
/// # drop(stream);
/// ```
impl<RW> From<BufReader<BufWriter<RW>>> for BufStream<RW> {
    fn from(inner: BufReader<BufWriter<RW>>) -> Self {
        BufStream { inner }
    }
}

/// Keeps what both adapters buffered, nesting them the other way round.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncWriteExt, BufReader, BufStream, BufWriter};
///
/// let mut both = BufWriter::new(BufReader::new(futures::io::Cursor::new(Vec::new())));
/// both.write_all(b"buffered").await?;
/// let mut stream = BufStream::from(both);
/// stream.flush().await?; // the data moved with the write buffer
/// assert_eq!(stream.get_ref().get_ref(), b"buffered");
/// # Ok(())
/// # }
/// ```
impl<RW> From<BufWriter<BufReader<RW>>> for BufStream<RW> {
    fn from(outer: BufWriter<BufReader<RW>>) -> Self {
        let mut read_side = None;
        let writer = outer.map_inner(|reader| {
            let mut stream = None;
            read_side = Some(reader.map_inner(|rw| stream = Some(rw)));
            stream.expect("map_inner calls its closure")
        });
        let read_side = read_side.expect("map_inner calls its closure");
        BufStream {
            inner: read_side.map_inner(|()| writer),
        }
    }
}

impl<RW: AsyncRead + AsyncWrite + Unpin> AsyncRead for BufStream<RW> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<RW: AsyncRead + AsyncWrite + Unpin> AsyncBufRead for BufStream<RW> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Pin::new(&mut self.get_mut().inner).poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        Pin::new(&mut self.get_mut().inner).consume(amt)
    }
}

impl<RW: AsyncRead + AsyncWrite + Unpin> AsyncWrite for BufStream<RW> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}

impl<RW: AsyncRead + AsyncWrite + AsyncSeek + Unpin> AsyncSeek for BufStream<RW> {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        Pin::new(&mut self.get_mut().inner).poll_seek(cx, pos)
    }
}
