//! [`split`]: separate read and write halves of one stream.

use futures_io::{AsyncRead, AsyncWrite};
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

/// The stream, pinned on the heap so that a `!Unpin` one can be polled too.
type Shared<T> = Arc<Mutex<Pin<Box<T>>>>;

/// Splits `io` into a read half and a write half that can be used from
/// different tasks, for example one task reading a connection while another
/// writes to it.
///
/// The halves share `io` behind a mutex, taken only for the length of each
/// poll: polls of the two halves are serialised, never run at once, and
/// neither half waits for the other across an await. `io` must keep separate
/// wakers for reading and writing (sockets and [`duplex`](super::duplex)
/// streams do), since each half is polled from its own task.
/// [`ReadHalf::unsplit`] puts the halves back together.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # runtime::Runtime::new().unwrap().block_on(async {
/// let (a, mut b) = io::duplex(64);
/// let (mut rd, mut wr) = io::split(a);
/// wr.write_all(b"ping").await.unwrap();
/// let mut buf = [0; 4];
/// b.read_exact(&mut buf).await.unwrap();
/// b.write_all(&buf).await.unwrap();
/// rd.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"ping");
/// let _a = rd.unsplit(wr);
/// # });
/// ```
pub fn split<T: AsyncRead + AsyncWrite>(io: T) -> (ReadHalf<T>, WriteHalf<T>) {
    let shared = Arc::new(Mutex::new(Box::pin(io)));
    (
        ReadHalf {
            io: Arc::clone(&shared),
        },
        WriteHalf { io: shared },
    )
}

/// Locks the stream. A panic in another poll of it does not make it unusable.
fn lock<T>(io: &Shared<T>) -> MutexGuard<'_, Pin<Box<T>>> {
    io.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The reading half of a stream, from [`split`]; implements `AsyncRead`.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf};
///
/// async fn first_byte(rd: &mut ReadHalf<DuplexStream>) -> io::Result<u8> {
///     rd.read_u8().await
/// }
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let (a, mut b) = io::duplex(8);
/// let (mut rd, _wr) = io::split(a);
/// b.write_all(b"q").await?;
/// assert_eq!(first_byte(&mut rd).await?, b'q');
/// # Ok(())
/// # }
/// ```
pub struct ReadHalf<T> {
    io: Shared<T>,
}

/// The writing half of a stream, from [`split`]; implements `AsyncWrite`.
///
/// ```
/// use runtime::io::{self, AsyncReadExt, AsyncWriteExt, DuplexStream, WriteHalf};
///
/// // The write half can move to its own task.
/// async fn writer(mut wr: WriteHalf<DuplexStream>) -> io::Result<()> {
///     wr.write_all(b"from the writer task").await
/// }
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let (a, mut b) = io::duplex(64);
/// let (_rd, wr) = io::split(a);
/// runtime::spawn(writer(wr)).await.unwrap()?;
/// let mut buf = [0; 20];
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"from the writer task");
/// # Ok(())
/// # }
/// ```
pub struct WriteHalf<T> {
    io: Shared<T>,
}

impl<T> ReadHalf<T> {
    /// True if `other` came from the same [`split`] call as `self`.
    ///
    /// ```
    /// use runtime::io::{duplex, split};
    ///
    /// let (a, b) = duplex(8);
    /// let (a_rd, a_wr) = split(a);
    /// let (_b_rd, b_wr) = split(b);
    /// assert!(a_rd.is_pair_of(&a_wr));
    /// assert!(!a_rd.is_pair_of(&b_wr));
    /// ```
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        Arc::ptr_eq(&self.io, &other.io)
    }

    /// Puts the two halves back together and returns the stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{duplex, split, AsyncReadExt, AsyncWriteExt};
    ///
    /// let (a, mut b) = duplex(8);
    /// let (rd, wr) = split(a);
    /// let mut a = rd.unsplit(wr);
    /// a.write_all(b"whole").await?;
    /// let mut buf = [0; 5];
    /// b.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"whole");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    /// If `write` came from a different [`split`] call.
    #[track_caller]
    pub fn unsplit(self, write: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        assert!(
            self.is_pair_of(&write),
            "ReadHalf::unsplit: the WriteHalf comes from a different split() call"
        );
        drop(write);
        let Ok(mutex) = Arc::try_unwrap(self.io) else {
            unreachable!("both halves of the split are consumed");
        };
        let io = mutex.into_inner().unwrap_or_else(PoisonError::into_inner);
        *Pin::into_inner(io)
    }
}

impl<T> WriteHalf<T> {
    /// True if `other` came from the same [`split`] call as `self`.
    ///
    /// ```
    /// let (a, _b) = runtime::io::duplex(8);
    /// let (rd, wr) = runtime::io::split(a);
    /// assert!(wr.is_pair_of(&rd));
    /// ```
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        other.is_pair_of(self)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        lock(&self.io).as_mut().poll_read(cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        lock(&self.io).as_mut().poll_read_vectored(cx, bufs)
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        lock(&self.io).as_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        lock(&self.io).as_mut().poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        lock(&self.io).as_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        lock(&self.io).as_mut().poll_close(cx)
    }
}

impl<T> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadHalf").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteHalf").finish_non_exhaustive()
    }
}
