//! `AsyncFd`: any Unix file descriptor (a pipe, an `eventfd`, a socket made
//! with `libc`, a device) registered with the reactor, so that tasks can
//! wait for its readiness (the facade's `runtime::io::unix::AsyncFd`).
//!
//! # Design
//!
//! An `AsyncFd<T>` is a `PollEvented` of a tiny `mio` source that is only
//! the descriptor number (`FdSource`, registered through `mio::unix::SourceFd`)
//! plus the owned `T` that keeps the descriptor open. The fields are declared
//! so that the registration is dropped, and the descriptor deregistered,
//! before `T` is dropped and closes it. Readiness is the reactor's own
//! (`scheduled_io.rs`): waiting is `PollEvented::poll_ready` with an
//! [`Interest`], and what a wait returns is a guard
//! (`async_fd_guard.rs`) holding the observed event (the waiting methods
//! are in `async_fd_ready.rs`), so the caller decides
//! whether the descriptor turned out not to be ready (`clear_ready`, after a
//! `WouldBlock`) or still is (dropping the guard keeps the readiness).
//!
//! The descriptor is registered for the interest given at creation (both
//! directions by default). Waiting for an interest the descriptor was not
//! registered for could never end, so it panics with a message saying how
//! to register instead (a pending error, which the OS always reports, is
//! the exception: `Interest::ERROR` can always be waited for).
//!
//! After the runtime shuts down, waits fail with the runtime's shutdown
//! error, and dropping the `AsyncFd` only deregisters (ignoring the gone
//! poller) and closes.

use super::async_fd_guard::AsyncFdRegisterError;
use super::ready::Interest;
use super::PollEvented;
use crate::handle::Handle;
use std::future::poll_fn;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

/// The `mio` source of an `AsyncFd`: the descriptor number alone (the
/// descriptor itself is owned by the `AsyncFd`'s `T`).
#[derive(Debug)]
pub(crate) struct FdSource(RawFd);

impl mio::event::Source for FdSource {
    fn register(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.0).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.0).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &mio::Registry) -> io::Result<()> {
        mio::unix::SourceFd(&self.0).deregister(registry)
    }
}

/// A Unix file descriptor, owned through `T`, registered with the runtime's
/// reactor so tasks can wait until it is readable or writable.
///
/// The descriptor must be in non-blocking mode (`O_NONBLOCK`), or the I/O
/// done after a readiness wait may block the worker thread. `AsyncFd` does
/// no I/O itself: wait with [`readable`](AsyncFd::readable),
/// [`writable`](AsyncFd::writable) or [`ready`](AsyncFd::ready), do the
/// operation, and if it returns `WouldBlock`, clear the guard's readiness
/// (its [`try_io`](super::AsyncFdReadyGuard::try_io) does both) and wait again;
/// [`async_io`](AsyncFd::async_io) is that loop. Readiness can be spurious.
///
/// Dropping the `AsyncFd` deregisters the descriptor and then drops `T`
/// (which closes it, if `T` owns it); [`into_inner`](AsyncFd::into_inner)
/// deregisters and gives `T` back.
///
/// ```
/// use runtime::io::unix::AsyncFd;
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let (a, mut b) = UnixStream::pair()?;
///     a.set_nonblocking(true)?;
///     // SAFETY: `a` owns its descriptor and keeps it open while registered.
///     let a = unsafe { AsyncFd::register(a)? };
///
///     b.write_all(b"ping")?;
///     let mut buf = [0; 4];
///     let n = loop {
///         let mut guard = a.readable().await?;
///         match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
///             Ok(result) => break result?,
///             Err(_would_block) => continue, // readiness cleared: wait again
///         }
///     };
///     assert_eq!(&buf[..n], b"ping");
///     Ok(())
/// }
/// ```
pub struct AsyncFd<T: AsRawFd> {
    // Declared first: dropped (deregistered) before `inner` closes the fd.
    pub(super) io: PollEvented<FdSource>,
    inner: T,
    /// What the descriptor is registered for (`async_fd_ready.rs` checks
    /// waits against it).
    pub(super) interest: Interest,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner`'s descriptor with the current runtime's reactor
    /// for reading and writing. On failure (the descriptor cannot be polled,
    /// such as a regular file, or the runtime has shut down) `inner` comes
    /// back in the error.
    ///
    /// # Safety
    ///
    /// `inner.as_raw_fd()` must return a valid, open descriptor, always the
    /// same one, which stays open (and refers to the same open file) until
    /// the `AsyncFd` is dropped, forgotten or taken apart with
    /// [`into_inner`](AsyncFd::into_inner): the `AsyncFd` lends it out
    /// through [`AsFd`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::unix::AsyncFd;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// fd.writable().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub unsafe fn register(inner: T) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        // SAFETY: the caller upholds `register_with_interest`'s contract,
        // which is this function's.
        unsafe { AsyncFd::register_with_interest(inner, Interest::READABLE | Interest::WRITABLE) }
    }

    /// As [`register`](AsyncFd::register), for `interest` only: the
    /// reactor then reports only those events (and errors), and waiting for
    /// another interest panics.
    ///
    /// # Safety
    ///
    /// As for [`register`](AsyncFd::register).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{unix::AsyncFd, Interest};
    /// use std::io::Write;
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { AsyncFd::register_with_interest(a, Interest::READABLE)? };
    /// b.write_all(b"x")?;
    /// let guard = fd.readable().await?;
    /// assert!(guard.ready().is_readable());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub unsafe fn register_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        let handle = Handle::current();
        let source = FdSource(inner.as_raw_fd());
        match PollEvented::new_with_interest(source, &handle, interest) {
            Ok(io) => Ok(AsyncFd {
                io,
                inner,
                interest,
            }),
            Err((_, cause)) => Err(AsyncFdRegisterError::new(inner, cause)),
        }
    }

    /// Registers `inner` for reading and writing; the safe form of
    /// [`register`](AsyncFd::register), deprecated as Tokio's is, since
    /// nothing checks the descriptor's validity that `AsFd` relies on.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// #![allow(deprecated)]
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = runtime::io::unix::AsyncFd::new(a)?;
    /// fd.writable().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    #[deprecated(
        note = "does not uphold I/O safety (the descriptor's validity is unchecked); use the `unsafe` `AsyncFd::register`, as in Tokio 1.54"
    )]
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        // SAFETY: not upheld by this safe function: the reason it is
        // deprecated (the same contract as Tokio's `AsyncFd::new`).
        unsafe { AsyncFd::register(inner).map_err(Into::into) }
    }

    /// Registers `inner` for `interest`; the safe, deprecated form of
    /// [`register_with_interest`](AsyncFd::register_with_interest).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// #![allow(deprecated)]
    /// use runtime::io::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = AsyncFd::with_interest(a, Interest::WRITABLE)?;
    /// assert!(fd.writable().await?.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    #[deprecated(
        note = "does not uphold I/O safety (the descriptor's validity is unchecked); use the `unsafe` `AsyncFd::register_with_interest`, as in Tokio 1.54"
    )]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        // SAFETY: not upheld, as in `new`.
        unsafe { AsyncFd::register_with_interest(inner, interest).map_err(Into::into) }
    }

    /// As [`new`](AsyncFd::new), giving `inner` back on failure.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// #![allow(deprecated)]
    /// // A regular file cannot be polled: the file comes back with the error.
    /// let file = std::fs::File::open("/proc/self/exe")?;
    /// let (file, err) = runtime::io::unix::AsyncFd::try_new(file).unwrap_err().into_parts();
    /// assert_eq!(err.raw_os_error(), Some(1)); // EPERM, from epoll_ctl
    /// assert!(file.metadata()?.is_file());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    #[deprecated(
        note = "does not uphold I/O safety (the descriptor's validity is unchecked); use the `unsafe` `AsyncFd::register`, as in Tokio 1.54"
    )]
    pub fn try_new(inner: T) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        // SAFETY: not upheld, as in `new`.
        unsafe { AsyncFd::register(inner) }
    }

    /// As [`with_interest`](AsyncFd::with_interest), giving `inner` back on
    /// failure.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// #![allow(deprecated)]
    /// use runtime::io::{unix::AsyncFd, Interest};
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = AsyncFd::try_with_interest(a, Interest::READABLE).map_err(|e| e.into_parts().1)?;
    /// let _a: std::os::unix::net::UnixStream = fd.into_inner();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    #[deprecated(
        note = "does not uphold I/O safety (the descriptor's validity is unchecked); use the `unsafe` `AsyncFd::register_with_interest`, as in Tokio 1.54"
    )]
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<AsyncFd<T>, AsyncFdRegisterError<T>> {
        // SAFETY: not upheld, as in `new`.
        unsafe { AsyncFd::register_with_interest(inner, interest) }
    }

    /// The wrapped value.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// assert!(fd.get_ref().peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The wrapped value, mutably. It must keep the same descriptor open.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// assert_eq!(fd.get_mut().write(b"hi")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Deregisters the descriptor and returns the wrapped value (still in
    /// non-blocking mode).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let a = fd.into_inner();
    /// a.set_nonblocking(false)?; // a plain blocking socket again
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> T {
        let AsyncFd { io, inner, .. } = self;
        // Fails only if the poller is gone (runtime shut down): then there is
        // no registration left to undo.
        let _ = io.into_inner();
        inner
    }

    /// Runs `f` (a non-blocking operation on the value) until it does not
    /// fail with `WouldBlock`, waiting for `interest` before each attempt
    /// and clearing the readiness after each `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{unix::AsyncFd, Interest};
    /// use std::io::{Read, Write};
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let writer = std::thread::spawn(move || b.write_all(b"late"));
    /// let mut buf = [0; 4];
    /// let n = fd.async_io(Interest::READABLE, |a| (&*a).read(&mut buf)).await?;
    /// assert!(n > 0 && buf[..n] == b"late"[..n]);
    /// writer.join().unwrap()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.check_interest(interest);
        poll_fn(|cx| self.io.poll_io_for(cx, interest, || f(&self.inner))).await
    }

    /// As [`async_io`](AsyncFd::async_io), lending the value mutably to `f`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{unix::AsyncFd, Interest};
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let n = fd.async_io_mut(Interest::WRITABLE, |a| a.write(b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.check_interest(interest);
        let AsyncFd { io, inner, .. } = self;
        poll_fn(|cx| io.poll_io_for(cx, interest, || f(inner))).await
    }

    /// Runs `f` once, without waiting; if it fails with `WouldBlock`, the
    /// readiness for `interest` seen before the call is cleared, so the
    /// next wait is for a new event.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{unix::AsyncFd, Interest};
    /// use std::io::Read;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let mut buf = [0; 4];
    /// let err = fd.try_io(Interest::READABLE, |a| (&*a).read(&mut buf)).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.try_io(interest, || f(&self.inner))
    }

    /// As [`try_io`](AsyncFd::try_io), lending the value mutably to `f`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{unix::AsyncFd, Interest};
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// assert_eq!(fd.try_io_mut(Interest::WRITABLE, |a| a.write(b"hi"))?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let AsyncFd { io, inner, .. } = self;
        io.try_io(interest, || f(inner))
    }

    /// Forgets `event`'s readiness (the guards' `clear_ready`).
    pub(crate) fn clear_readiness(&self, event: super::ReadyEvent) {
        self.io.clear_readiness(event);
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl<T: AsRawFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the contract of `register`/`register_with_interest` (which
        // every constructor goes through): `inner.as_raw_fd()` is a valid
        // descriptor that stays open as long as `self`, which this borrow
        // cannot outlive.
        unsafe { BorrowedFd::borrow_raw(self.inner.as_raw_fd()) }
    }
}

impl<T: AsRawFd + std::fmt::Debug> std::fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}
