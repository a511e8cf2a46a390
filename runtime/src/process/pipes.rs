//! The child's standard streams on the parent side: [`ChildStdin`],
//! [`ChildStdout`], [`ChildStderr`].
//!
//! Each is one end of an anonymous pipe, switched to non-blocking mode and
//! registered with the reactor (`mio`'s pipe types under a `PollEvented`),
//! so reading and writing wait for readiness like sockets do: no thread per
//! stream. Converting one back ([`ChildStdin::into_owned_fd`], or into a
//! [`Stdio`] to pipe one child into another) deregisters it and restores
//! blocking mode, since the next owner expects an ordinary descriptor.

use futures_io::{AsyncRead, AsyncWrite};
use mio::unix::pipe::{Receiver, Sender};
use runtime_reactor::io::PollEvented;
use std::fmt;
use std::io::{self, IoSlice, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

/// Deregisters `io` and returns its descriptor in blocking mode.
fn into_blocking_fd<E>(io: PollEvented<E>) -> io::Result<OwnedFd>
where
    E: mio::event::Source + Into<OwnedFd>,
{
    let fd: OwnedFd = io.into_inner()?.into();
    set_blocking(&fd)?;
    Ok(fd)
}

/// Clears `O_NONBLOCK` on `fd`.
fn set_blocking(fd: &OwnedFd) -> io::Result<()> {
    let raw = fd.as_raw_fd();
    // SAFETY: `F_GETFL` on a descriptor we own (borrowed from `fd` for the
    // duration of the call) reads its flags; no memory is passed.
    let flags = unsafe { libc::fcntl(raw, libc::F_GETFL) };
    if flags == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above; `F_SETFL` with an integer argument only changes the
    // descriptor's status flags.
    if unsafe { libc::fcntl(raw, libc::F_SETFL, flags & !libc::O_NONBLOCK) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Registers a pipe end with `reactor` (the current runtime's if `None`).
#[track_caller]
fn register<E: mio::event::Source>(
    io: E,
    reactor: Option<&runtime_reactor::Handle>,
) -> io::Result<PollEvented<E>> {
    match reactor {
        Some(reactor) => PollEvented::new_with_handle(io, reactor),
        None => match runtime_reactor::Handle::try_current() {
            Some(reactor) => PollEvented::new_with_handle(io, &reactor),
            None => panic!("{}", super::NO_RUNTIME),
        },
    }
}

/// The parent's end of a child's standard input: write to it to feed the
/// child. Dropping it closes the pipe, which the child reads as end of input.
///
/// Implements [`AsyncWrite`](crate::io::AsyncWrite); flushing and
/// `shutdown` do nothing (a pipe has no buffer of ours and no half-close:
/// drop it, or let [`Child::wait`](super::Child::wait) drop it, to close).
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::process::Command;
/// use std::process::Stdio;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut cat = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
///     let mut stdin = cat.stdin.take().unwrap();
///     stdin.write_all(b"through the pipe").await?;
///     drop(stdin); // end of input: `cat` exits
///     let mut out = String::new();
///     cat.stdout.take().unwrap().read_to_string(&mut out).await?;
///     assert_eq!(out, "through the pipe");
///     assert!(cat.wait().await?.success());
///     Ok(())
/// }
/// ```
pub struct ChildStdin {
    io: PollEvented<Sender>,
}

/// The parent's end of a child's standard output: read what the child
/// prints. Implements [`AsyncRead`](crate::io::AsyncRead); end of stream
/// once the child (and every process that inherited its stdout) closed it.
///
/// ```
/// use runtime::io::AsyncReadExt;
/// use runtime::process::Command;
/// use std::process::Stdio;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut child = Command::new("echo").arg("hello").stdout(Stdio::piped()).spawn()?;
///     let mut out = String::new();
///     child.stdout.take().unwrap().read_to_string(&mut out).await?;
///     assert_eq!(out, "hello\n");
///     child.wait().await?;
///     Ok(())
/// }
/// ```
pub struct ChildStdout {
    io: PollEvented<Receiver>,
}

/// The parent's end of a child's standard error; as [`ChildStdout`].
///
/// ```
/// use runtime::io::AsyncReadExt;
/// use runtime::process::Command;
/// use std::process::Stdio;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut child = Command::new("sh")
///         .args(["-c", "echo oops >&2"])
///         .stderr(Stdio::piped())
///         .spawn()?;
///     let mut err = String::new();
///     child.stderr.take().unwrap().read_to_string(&mut err).await?;
///     assert_eq!(err, "oops\n");
///     child.wait().await?;
///     Ok(())
/// }
/// ```
pub struct ChildStderr {
    io: PollEvented<Receiver>,
}

impl ChildStdin {
    pub(crate) fn new(
        std: std::process::ChildStdin,
        reactor: &runtime_reactor::Handle,
    ) -> io::Result<ChildStdin> {
        let pipe = Sender::from(std);
        pipe.set_nonblocking(true)?;
        Ok(ChildStdin {
            io: register(pipe, Some(reactor))?,
        })
    }

    /// Makes an asynchronous `ChildStdin` out of the standard library's (for
    /// a child spawned with `std::process::Command`), registered with the
    /// current runtime.
    ///
    /// # Panics
    /// Outside a runtime.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// use runtime::process::ChildStdin;
    /// use std::process::{Command, Stdio};
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    ///     let mut stdin = ChildStdin::from_std(child.stdin.take().unwrap())?;
    ///     stdin.write_all(b"data").await?;
    ///     drop(stdin);
    ///     assert!(child.wait()?.success());
    ///     Ok(())
    /// }
    /// ```
    #[track_caller]
    pub fn from_std(inner: std::process::ChildStdin) -> io::Result<ChildStdin> {
        let pipe = Sender::from(inner);
        pipe.set_nonblocking(true)?;
        Ok(ChildStdin {
            io: register(pipe, None)?,
        })
    }

    /// Deregisters the pipe and returns its descriptor, back in blocking
    /// mode.
    ///
    /// ```
    /// use runtime::process::Command;
    /// use std::io::Write;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    ///     let fd = child.stdin.take().unwrap().into_owned_fd()?;
    ///     std::fs::File::from(fd).write_all(b"blocking write")?; // closed when dropped
    ///     assert!(child.wait().await?.success());
    ///     Ok(())
    /// }
    /// ```
    pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
        into_blocking_fd(self.io)
    }
}

/// `ChildStdout` and `ChildStderr` are the same kind of pipe end: this
/// writes their constructors and conversions once.
macro_rules! read_end {
    ($ty:ident, $std:ty, $field:ident, $example_cmd:literal, $example_out:literal) => {
        impl $ty {
            pub(crate) fn new(std: $std, reactor: &runtime_reactor::Handle) -> io::Result<$ty> {
                let pipe = Receiver::from(std);
                pipe.set_nonblocking(true)?;
                Ok($ty {
                    io: register(pipe, Some(reactor))?,
                })
            }

            #[doc = concat!("Makes an asynchronous `", stringify!($ty), "` out of the standard")]
            /// library's (for a child spawned with `std::process::Command`),
            /// registered with the current runtime.
            ///
            /// # Panics
            /// Outside a runtime.
            ///
            /// ```
            /// use runtime::io::AsyncReadExt;
            #[doc = concat!("use runtime::process::", stringify!($ty), ";")]
            /// use std::process::{Command, Stdio};
            ///
            /// #[runtime::main]
            /// async fn main() -> std::io::Result<()> {
            #[doc = concat!("    let mut child = Command::new(\"sh\").args([\"-c\", \"", $example_cmd, "\"])")]
            #[doc = concat!("        .", stringify!($field), "(Stdio::piped()).spawn()?;")]
            #[doc = concat!("    let mut pipe = ", stringify!($ty), "::from_std(child.", stringify!($field), ".take().unwrap())?;")]
            ///     let mut text = String::new();
            ///     pipe.read_to_string(&mut text).await?;
            #[doc = concat!("    assert_eq!(text, \"", $example_out, "\");")]
            ///     child.wait()?;
            ///     Ok(())
            /// }
            /// ```
            #[track_caller]
            pub fn from_std(inner: $std) -> io::Result<$ty> {
                let pipe = Receiver::from(inner);
                pipe.set_nonblocking(true)?;
                Ok($ty {
                    io: register(pipe, None)?,
                })
            }

            /// Deregisters the pipe and returns its descriptor, back in
            /// blocking mode.
            ///
            /// ```
            /// use runtime::process::Command;
            /// use std::io::Read;
            /// use std::process::Stdio;
            ///
            /// #[runtime::main]
            /// async fn main() -> std::io::Result<()> {
            #[doc = concat!("    let mut child = Command::new(\"sh\").args([\"-c\", \"", $example_cmd, "\"])")]
            #[doc = concat!("        .", stringify!($field), "(Stdio::piped()).spawn()?;")]
            #[doc = concat!("    let fd = child.", stringify!($field), ".take().unwrap().into_owned_fd()?;")]
            ///     let mut text = String::new();
            ///     std::fs::File::from(fd).read_to_string(&mut text)?; // blocking read
            #[doc = concat!("    assert_eq!(text, \"", $example_out, "\");")]
            ///     child.wait().await?;
            ///     Ok(())
            /// }
            /// ```
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                into_blocking_fd(self.io)
            }
        }

        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                let io = &self.io;
                // A short read emptied the pipe: the next read waits for the
                // next event instead of trying a `read` that would block.
                io.poll_read_stream(cx, buf.len(), || io.get_ref().read(buf))
            }
        }
    };
}

read_end!(
    ChildStdout,
    std::process::ChildStdout,
    stdout,
    "echo out",
    "out\\n"
);
read_end!(
    ChildStderr,
    std::process::ChildStderr,
    stderr,
    "echo err >&2",
    "err\\n"
);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let io = &self.io;
        io.poll_write_io(cx, || io.get_ref().write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let io = &self.io;
        io.poll_write_io(cx, || io.get_ref().write_vectored(bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The three types' shared trait impls: descriptor access, conversion into
/// a [`Stdio`] (to connect a child's stream to another child), `Debug`.
macro_rules! fd_traits {
    ($($ty:ident),*) => {$(
        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.io.get_ref().as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.io.get_ref().as_fd()
            }
        }

        impl TryFrom<$ty> for Stdio {
            type Error = io::Error;

            /// Deregisters the pipe and hands its descriptor (back in
            /// blocking mode) to a [`Stdio`], for the next child to inherit.
            fn try_from(pipe: $ty) -> io::Result<Stdio> {
                pipe.into_owned_fd().map(Stdio::from)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).field("fd", &self.as_raw_fd()).finish()
            }
        }
    )*};
}

fd_traits!(ChildStdin, ChildStdout, ChildStderr);
