//! The reading end of a pipe.

use super::{check_and_prepare, into_fd, set_nonblocking, End};
use runtime_reactor::io::{Direction, PollEvented};
use std::fs::File;
use std::future::poll_fn;
use std::io::{self, IoSliceMut, Read};
use std::os::fd::{AsFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The reading end of a Unix pipe or FIFO, registered with the reactor.
///
/// It implements `AsyncRead` (the `futures-io` trait), so
/// `runtime::io::AsyncReadExt` gives it `read`, `read_to_end` and the
/// rest. A read returns `Ok(0)` (end of stream) once every writing end is
/// closed. Get one from [`pipe()`](super::pipe),
/// [`OpenOptions::open_receiver`](super::OpenOptions::open_receiver), or
/// [`from_file`](Receiver::from_file).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// use std::io::Write;
///
/// let (rx, tx) = std::io::pipe()?; // std's blocking pipe
/// let rx = runtime::net::unix::pipe::Receiver::from_owned_fd(rx.into())?;
/// let writer = std::thread::spawn(move || {
///     let mut tx = tx;
///     tx.write_all(b"one\ntwo\n")
/// });
/// let mut lines = BufReader::new(rx).lines();
/// assert_eq!(lines.next_line().await?.as_deref(), Some("one"));
/// assert_eq!(lines.next_line().await?.as_deref(), Some("two"));
/// writer.join().unwrap()?;
/// assert_eq!(lines.next_line().await?, None); // the writer is gone
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Receiver {
    pub(crate) io: PollEvented<mio::unix::pipe::Receiver>,
}

impl Receiver {
    #[track_caller]
    pub(super) fn from_mio(rx: mio::unix::pipe::Receiver) -> io::Result<Receiver> {
        Ok(Receiver {
            io: PollEvented::new(rx)?,
        })
    }

    /// Wraps the reading end of a pipe opened as a `File`: checks that it
    /// is a FIFO open for reading (`InvalidInput` otherwise), switches it
    /// to non-blocking mode and registers it with the current runtime's
    /// reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::unix::pipe::Receiver;
    /// use std::fs::File;
    ///
    /// let (rx, _tx) = std::io::pipe()?;
    /// let rx = Receiver::from_file(File::from(std::os::fd::OwnedFd::from(rx)))?;
    /// let mut buf = [0; 4];
    /// assert_eq!(rx.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd(file.into())
    }

    /// As [`from_file`](Receiver::from_file), for an `OwnedFd`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::unix::pipe::Receiver;
    ///
    /// let (rx, tx) = std::io::pipe()?;
    /// // The writing end is no reading end.
    /// let err = Receiver::from_owned_fd(tx.into()).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// let _rx = Receiver::from_owned_fd(rx.into())?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Receiver> {
        check_and_prepare(owned_fd.as_fd(), End::Receiver)?;
        Receiver::from_mio(owned_fd.into())
    }

    /// As [`from_file`](Receiver::from_file), without checking that the
    /// file is a FIFO open for reading: for other pollable files
    /// (character devices). It is still switched to non-blocking mode.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::unix::pipe::Receiver;
    /// use std::fs::File;
    ///
    /// let (rx, _tx) = std::io::pipe()?;
    /// let _rx = Receiver::from_file_unchecked(File::from(std::os::fd::OwnedFd::from(rx)))?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd_unchecked(file.into())
    }

    /// As [`from_file_unchecked`](Receiver::from_file_unchecked), for an
    /// `OwnedFd`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (rx, _tx) = std::io::pipe()?;
    /// let _rx = runtime::net::unix::pipe::Receiver::from_owned_fd_unchecked(rx.into())?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Receiver> {
        set_nonblocking(owned_fd.as_fd(), true)?;
        Receiver::from_mio(owned_fd.into())
    }

    /// Waits until the pipe is readable: data is queued, or every writing
    /// end is closed (a read then returns `Ok(0)`). Usually followed by
    /// [`try_read`](Receiver::try_read), looping back on `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// tx.try_write(b"data")?;
    /// let mut buf = [0; 8];
    /// let n = loop {
    ///     rx.readable().await?;
    ///     match rx.try_read(&mut buf) {
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         res => break res?,
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"data");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and reads nothing.
    pub async fn readable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_read_ready(cx)).await
    }

    /// As [`readable`](Receiver::readable), or registers the task to be
    /// woken when the pipe becomes readable.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// drop(tx); // closed: readable at once, and reads return 0
    /// std::future::poll_fn(|cx| rx.poll_read_ready(cx)).await?;
    /// assert_eq!(rx.try_read(&mut [0; 1])?, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_ready(cx).map_ok(|_| ())
    }

    /// Reads queued data into `buf` without waiting; returns how many bytes
    /// were read, `Ok(0)` once every writing end is closed. Fails with
    /// `WouldBlock` when the pipe is empty (then
    /// [`readable`](Receiver::readable) waits for data).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// let mut buf = [0; 8];
    /// assert_eq!(rx.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// tx.try_write(b"hey")?;
    /// assert_eq!(rx.try_read(&mut buf)?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        crate::stream::try_io(&self.io, Direction::Read, |rx| (&*rx).read(buf))
    }

    /// As [`try_read`](Receiver::try_read), scattering the data into `bufs`
    /// in order.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::IoSliceMut;
    ///
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// tx.try_write(b"abcdef")?;
    /// let (mut a, mut b) = ([0; 2], [0; 4]);
    /// let n = rx.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])?;
    /// assert_eq!((n, &a, &b), (6, b"ab", b"cdef"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        crate::stream::try_io(&self.io, Direction::Read, |rx| (&*rx).read_vectored(bufs))
    }

    /// Reads queued data into `buf`'s spare capacity (which a `Vec` or
    /// `BytesMut` grows when full) without waiting, and advances `buf`
    /// past it; returns how many bytes were read, `Ok(0)` once every
    /// writing end is closed. Fails with `WouldBlock` when the pipe is
    /// empty. Needs the `bytes` feature.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// tx.try_write(b"grow")?;
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.try_read_buf(&mut buf)?, 4);
    /// assert_eq!(buf, b"grow");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "bytes")]
    pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        crate::stream::try_io(&self.io, Direction::Read, |rx| {
            crate::uninit::fill_buf_mut(buf, |slots| {
                let n = crate::uninit::read_fd(rx, slots)?;
                Ok((n, n))
            })
        })
    }

    /// Deregisters the pipe end from the reactor and returns its
    /// descriptor, switched back to blocking mode.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Read;
    ///
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// tx.try_write(b"xy")?;
    /// drop(tx);
    /// let mut rx = std::fs::File::from(rx.into_blocking_fd()?);
    /// let mut got = Vec::new();
    /// rx.read_to_end(&mut got)?; // blocks until end of stream: fine here
    /// assert_eq!(got, b"xy");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        into_fd(self.io, true)
    }

    /// Deregisters the pipe end from the reactor and returns its
    /// descriptor, still in non-blocking mode.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// let fd = rx.into_nonblocking_fd()?;
    /// let rx = runtime::net::unix::pipe::Receiver::from_owned_fd(fd)?;
    /// assert_eq!(rx.try_read(&mut [0; 1]).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        into_fd(self.io, false)
    }
}

impl futures_io::AsyncRead for Receiver {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let io = &self.io;
        let len = buf.len();
        io.poll_read_stream(cx, len, || Read::read(&mut io.get_ref(), buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        let io = &self.io;
        let len = bufs.iter().map(|b| b.len()).sum();
        io.poll_read_stream(cx, len, || Read::read_vectored(&mut io.get_ref(), bufs))
    }
}

crate::fd::impl_as_fd!(Receiver, |s| s.io.get_ref());
