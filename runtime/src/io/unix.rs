//! Asynchronous I/O on any Unix file descriptor: [`AsyncFd`].
//!
//! `AsyncFd<T>` registers the descriptor of a `T: AsRawFd` (a pipe, an
//! `eventfd`, a `timerfd`, a socket made with `libc`, a device) with the
//! runtime's reactor, so a task can wait until it is readable or writable
//! and then do the non-blocking I/O itself. The types live in the reactor
//! crate (`runtime-reactor`, whose `io/async_fd.rs` describes the design:
//! a `PollEvented` of the bare descriptor, and guards that hold the observed
//! readiness until the caller clears or keeps it); this module is their
//! public home, as `tokio::io::unix` is Tokio's.
//!
//! ```
//! use runtime::io::unix::AsyncFd;
//! use runtime::io::Interest;
//! use std::io::{Read, Write};
//! use std::os::unix::net::UnixStream;
//!
//! #[runtime::main]
//! async fn main() -> std::io::Result<()> {
//!     let (a, b) = UnixStream::pair()?;
//!     a.set_nonblocking(true)?;
//!     b.set_nonblocking(true)?;
//!     // SAFETY: each `UnixStream` owns its descriptor and keeps it open.
//!     let (a, b) = unsafe { (AsyncFd::register(a)?, AsyncFd::register(b)?) };
//!
//!     let reader = runtime::spawn(async move {
//!         let mut buf = [0; 5];
//!         let n = a.async_io(Interest::READABLE, |s| (&*s).read(&mut buf)).await?;
//!         std::io::Result::Ok(buf[..n].to_vec())
//!     });
//!     b.async_io(Interest::WRITABLE, |s| (&*s).write(b"hello")).await?;
//!     assert_eq!(reader.await.unwrap()?, b"hello");
//!     Ok(())
//! }
//! ```

#[allow(deprecated)]
pub use runtime_reactor::io::AsyncFdTryNewError;
pub use runtime_reactor::io::{
    AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdRegisterError, TryIoError,
};
