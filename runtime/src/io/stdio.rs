//! The process's standard streams, Tokio's `tokio::io::{stdin, stdout,
//! stderr}`: std's handles used from the blocking pool.
//!
//! A terminal or pipe on fd 0/1/2 cannot in general be put in non-blocking
//! mode without affecting other processes sharing it, so, as in Tokio, each
//! read or write is a blocking std call on the blocking pool, through the
//! shared one-operation-in-flight wrapper (`crate::blocking::Blocking`). A
//! write returns as soon as its bytes are copied; the next write (or flush)
//! on the same handle waits for it, so the writes of one handle reach the
//! stream in order.

use crate::blocking::Blocking;
use futures_io::{AsyncRead, AsyncWrite};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The standard input of the process, from [`stdin()`]: Tokio's
/// `tokio::io::Stdin`.
///
/// Each read is one blocking `read` of std's (buffered) stdin on the
/// blocking pool, of at most the caller's buffer length (up to 2 MiB); what
/// it returned beyond the caller's buffer is kept for the next read.
///
/// A read waiting for input cannot be cancelled: the pool thread stays in
/// `read` until input or end of file comes, even if the future is dropped,
/// and dropping the runtime waits for it. For interactive input, read on a
/// thread of your own, or shut the runtime down with
/// [`Runtime::shutdown_timeout`](crate::Runtime::shutdown_timeout) /
/// [`shutdown_background`](crate::Runtime::shutdown_background).
///
/// ```no_run
/// use runtime::io::{self, AsyncBufReadExt, BufReader};
///
/// #[runtime::main]
/// async fn main() -> io::Result<()> {
///     let mut lines = BufReader::new(io::stdin()).lines();
///     while let Some(line) = lines.next_line().await? {
///         println!("got: {line}");
///     }
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Stdin {
    inner: Blocking<io::Stdin>,
}

/// The standard output of the process, from [`stdout()`]: Tokio's
/// `tokio::io::Stdout`.
///
/// A write copies its bytes (up to 2 MiB) and returns; the blocking pool
/// then writes them into std's [`io::Stdout`], which is line-buffered:
/// complete lines go to the OS, a partial last line stays in std's buffer.
/// The next write on this handle waits for the one in flight, so **the
/// writes of one `Stdout` appear in the order they were made**.
///
/// **[`flush`](crate::io::AsyncWriteExt::flush)** waits for the write in
/// flight (returning its error), then flushes std's buffer to the OS: after
/// it, everything written through this handle has been handed to the OS.
/// `shutdown` is `flush`. Without a flush, the last write may still be in
/// flight when the handle is dropped: it completes on the blocking pool (and
/// returning from `#[runtime::main]` waits for it); a partial line left in
/// std's buffer is written when std flushes it (at the next newline, or when
/// the process exits normally).
///
/// Separate handles (two calls to [`stdout()`]) are not ordered with each
/// other: keep one handle for output that must stay in order. Only a single
/// `write` is written as one piece; `write_all` may be several.
///
/// ```
/// use runtime::io::{self, AsyncWriteExt};
///
/// #[runtime::main]
/// async fn main() -> io::Result<()> {
///     let mut out = io::stdout();
///     out.write_all(b"hello ").await?;
///     out.write_all(b"world\n").await?; // after "hello ", same handle
///     out.flush().await?;
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Stdout {
    inner: Blocking<io::Stdout>,
}

/// The standard error of the process, from [`stderr()`]: Tokio's
/// `tokio::io::Stderr`. As [`Stdout`], except that std's stderr is not
/// buffered: each write goes to the OS on the blocking pool, and `flush`
/// only waits for the write in flight.
///
/// ```
/// use runtime::io::{self, AsyncWriteExt};
///
/// #[runtime::main]
/// async fn main() -> io::Result<()> {
///     let mut err = io::stderr();
///     err.write_all(b"a warning\n").await?;
///     err.flush().await?;
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Stderr {
    inner: Blocking<io::Stderr>,
}

/// A handle to the process's standard input (see [`Stdin`]). Needs no
/// runtime to create; reading needs one.
///
/// ```
/// use runtime::io::AsyncReadExt;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut stdin = runtime::io::stdin();
///     let mut nothing = [0u8; 0];
///     assert_eq!(stdin.read(&mut nothing).await?, 0); // an empty read does not block
///     Ok(())
/// }
/// ```
pub fn stdin() -> Stdin {
    Stdin {
        inner: Blocking::new(io::stdin()),
    }
}

/// A handle to the process's standard output (see [`Stdout`] for the
/// ordering and flush rules). Needs no runtime to create; writing needs one.
///
/// ```
/// use runtime::io::AsyncWriteExt;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut out = runtime::io::stdout();
///     out.write_all(b"printed\n").await?;
///     out.flush().await
/// }
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        inner: Blocking::new(io::stdout()),
    }
}

/// A handle to the process's standard error (see [`Stderr`]). Needs no
/// runtime to create; writing needs one.
///
/// ```
/// use runtime::io::AsyncWriteExt;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut err = runtime::io::stderr();
///     err.write_all(b"to stderr\n").await?;
///     err.flush().await
/// }
/// ```
pub fn stderr() -> Stderr {
    Stderr {
        inner: Blocking::new(io::stderr()),
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().inner.poll_read(cx, buf)
    }
}

impl AsyncWrite for Stdout {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().inner.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.poll_flush(cx)
    }
}

impl AsyncWrite for Stderr {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().inner.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.poll_flush(cx)
    }
}

#[cfg(unix)]
mod unix {
    use super::{Stderr, Stdin, Stdout};
    use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, RawFd};

    macro_rules! fd_impls {
        ($($ty:ty => $std:path),*) => {$(
            impl AsRawFd for $ty {
                fn as_raw_fd(&self) -> RawFd {
                    $std().as_raw_fd()
                }
            }

            impl AsFd for $ty {
                fn as_fd(&self) -> BorrowedFd<'_> {
                    // SAFETY: fds 0, 1 and 2 stay open for the life of the
                    // process (std never closes them), so borrowing one for
                    // the life of `self` is valid.
                    unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
                }
            }
        )*};
    }

    fd_impls!(Stdin => std::io::stdin, Stdout => std::io::stdout, Stderr => std::io::stderr);
}
