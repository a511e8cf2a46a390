//! The writing end of a pipe.

use super::{check_and_prepare, into_fd, set_nonblocking, End};
use runtime_reactor::io::{Direction, PollEvented};
use std::fs::File;
use std::future::poll_fn;
use std::io::{self, IoSlice, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The writing end of a Unix pipe or FIFO, registered with the reactor.
///
/// It implements `AsyncWrite` (the `futures-io` trait), so
/// `runtime::io::AsyncWriteExt` gives it `write_all` and the rest; closing
/// it through `AsyncWriteExt::shutdown` does nothing (a pipe end has no
/// half to shut down): drop it to let the reader see end of stream.
/// Get one from [`pipe()`](super::pipe), [`OpenOptions::open_sender`](super::OpenOptions::open_sender),
/// or [`from_file`](Sender::from_file).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::unix::pipe;
///
/// let (mut tx, mut rx) = pipe::pipe()?;
/// let writer = runtime::spawn(async move {
///     tx.write_all(b"from a task").await // the pipe closes when tx drops
/// });
/// let mut got = String::new();
/// rx.read_to_string(&mut got).await?;
/// writer.await.unwrap()?;
/// assert_eq!(got, "from a task");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Sender {
    pub(crate) io: PollEvented<mio::unix::pipe::Sender>,
}

impl Sender {
    #[track_caller]
    pub(super) fn from_mio(tx: mio::unix::pipe::Sender) -> io::Result<Sender> {
        Ok(Sender {
            io: PollEvented::new(tx)?,
        })
    }

    /// Wraps the writing end of a pipe opened as a `File`: checks that it
    /// is a FIFO open for writing (`InvalidInput` otherwise), switches it
    /// to non-blocking mode and registers it with the current runtime's
    /// reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::unix::pipe::Sender;
    /// use std::fs::File;
    ///
    /// let (rx, tx) = std::io::pipe()?; // std's blocking pipe
    /// let tx = Sender::from_file(File::from(std::os::fd::OwnedFd::from(tx)))?;
    /// assert_eq!(tx.try_write(b"hi")?, 2);
    /// # drop(rx);
    /// // A regular file is no pipe.
    /// let err = Sender::from_file(File::create(std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id())))?).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// # std::fs::remove_file(std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id())))?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd(file.into())
    }

    /// As [`from_file`](Sender::from_file), for an `OwnedFd`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::unix::pipe::Sender;
    ///
    /// let (_rx, tx) = std::io::pipe()?;
    /// let tx = Sender::from_owned_fd(tx.into())?;
    /// assert_eq!(tx.try_write(b"fd")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Sender> {
        check_and_prepare(owned_fd.as_fd(), End::Sender)?;
        Sender::from_mio(owned_fd.into())
    }

    /// As [`from_file`](Sender::from_file), without checking that the file
    /// is a FIFO open for writing: for other pollable files (character
    /// devices). It is still switched to non-blocking mode.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::unix::pipe::Sender;
    /// use std::fs::File;
    ///
    /// let (_rx, tx) = std::io::pipe()?;
    /// let tx = Sender::from_file_unchecked(File::from(std::os::fd::OwnedFd::from(tx)))?;
    /// assert_eq!(tx.try_write(b"ok")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd_unchecked(file.into())
    }

    /// As [`from_file_unchecked`](Sender::from_file_unchecked), for an
    /// `OwnedFd`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_rx, tx) = std::io::pipe()?;
    /// let tx = runtime::net::unix::pipe::Sender::from_owned_fd_unchecked(tx.into())?;
    /// assert_eq!(tx.try_write(b"ok")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Sender> {
        set_nonblocking(owned_fd.as_fd(), true)?;
        Sender::from_mio(owned_fd.into())
    }

    /// Waits until the pipe has room for a write (or the reading end is
    /// closed, when a write fails with `BrokenPipe`). Usually followed by
    /// [`try_write`](Sender::try_write), looping back on `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = runtime::net::unix::pipe::pipe()?;
    /// let n = loop {
    ///     tx.writable().await?;
    ///     match tx.try_write(b"hello") {
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         res => break res?,
    ///     }
    /// };
    /// assert_eq!(n, 5);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and writes nothing.
    pub async fn writable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_write_ready(cx)).await
    }

    /// As [`writable`](Sender::writable), or registers the task to be woken
    /// when the pipe becomes writable.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = runtime::net::unix::pipe::pipe()?;
    /// std::future::poll_fn(|cx| tx.poll_write_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_write_ready(cx).map_ok(|_| ())
    }

    /// Writes as much of `buf` as the pipe takes, without waiting; returns
    /// how many bytes were written. Fails with `WouldBlock` when the pipe
    /// is full (then [`writable`](Sender::writable) waits for room), and
    /// with `BrokenPipe` once the reading end is closed.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// assert_eq!(tx.try_write(b"abc")?, 3);
    /// drop(rx);
    /// assert_eq!(tx.try_write(b"abc").unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        crate::stream::try_io(&self.io, Direction::Write, |tx| (&*tx).write(buf))
    }

    /// As [`try_write`](Sender::try_write), gathering the data from `bufs`
    /// in order.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    ///
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// assert_eq!(tx.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])?, 4);
    /// let mut buf = [0; 4];
    /// assert_eq!(rx.try_read(&mut buf)?, 4);
    /// assert_eq!(&buf, b"abcd");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        crate::stream::try_io(&self.io, Direction::Write, |tx| (&*tx).write_vectored(bufs))
    }

    /// Deregisters the pipe end from the reactor and returns its
    /// descriptor, switched back to blocking mode.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    ///
    /// let (tx, rx) = runtime::net::unix::pipe::pipe()?;
    /// let mut tx = std::fs::File::from(tx.into_blocking_fd()?);
    /// tx.write_all(b"blocking")?;
    /// drop(tx);
    /// let mut rx = std::fs::File::from(rx.into_blocking_fd()?);
    /// let mut got = String::new();
    /// rx.read_to_string(&mut got)?;
    /// assert_eq!(got, "blocking");
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
    /// let (tx, _rx) = runtime::net::unix::pipe::pipe()?;
    /// let fd = tx.into_nonblocking_fd()?;
    /// // Back in, as it left.
    /// let tx = runtime::net::unix::pipe::Sender::from_owned_fd(fd)?;
    /// assert_eq!(tx.try_write(b"again")?, 5);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        into_fd(self.io, false)
    }
}

impl futures_io::AsyncWrite for Sender {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let io = &self.io;
        io.poll_write_io(cx, || Write::write(&mut io.get_ref(), buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let io = &self.io;
        io.poll_write_io(cx, || Write::write_vectored(&mut io.get_ref(), bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Writes go straight to the pipe: nothing is buffered here.
        Poll::Ready(Ok(()))
    }

    /// Does nothing: a pipe end cannot be half-closed. Drop the `Sender`
    /// to close the pipe.
    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

crate::fd::impl_as_fd!(Sender, |s| s.io.get_ref());
