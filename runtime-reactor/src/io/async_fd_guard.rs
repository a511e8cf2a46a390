//! What `AsyncFd`'s waits return: ready guards holding the observed
//! readiness event, and the errors of registration and of a guard's
//! `try_io`.
//!
//! A guard borrows the `AsyncFd` (shared or mutable) and keeps the event
//! (its flags and the tick the reactor had when it was seen). Clearing
//! through the guard clears exactly that observation: if a newer event
//! arrived since, the reactor keeps the readiness (the tick moved), so
//! clearing after a `WouldBlock` can never lose an edge. Dropping a guard
//! without clearing keeps the readiness, and the next wait returns at once.

use super::async_fd::AsyncFd;
use super::ready::Ready;
use super::ReadyEvent;
use std::error::Error;
use std::fmt;
use std::io;
use std::os::fd::AsRawFd;

/// Readiness of an [`AsyncFd`] seen by [`AsyncFd::readable`],
/// [`writable`](AsyncFd::writable), [`ready`](AsyncFd::ready) or their
/// `poll_*` forms, not yet acknowledged; lends the `AsyncFd` shared.
///
/// After an operation on the descriptor returned `WouldBlock`, call
/// [`clear_ready`](Self::clear_ready) (or use [`try_io`](Self::try_io),
/// which does), so that the next wait is for a new event; otherwise drop the
/// guard (or call [`retain_ready`](Self::retain_ready)) to keep the
/// readiness.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::io::{Read, Write};
///
/// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: a `UnixStream` owns its descriptor.
/// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
/// b.write_all(b"abc")?;
/// let mut guard = fd.readable().await?;
/// let mut buf = [0; 8];
/// assert_eq!(guard.get_inner().read(&mut buf)?, 3);
/// // Drained: the next read would block, so forget this readiness.
/// guard.clear_ready();
/// # Ok(())
/// # }
/// ```
#[must_use = "choose whether to clear the readiness (`clear_ready`) or keep it (`retain_ready`)"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// As [`AsyncFdReadyGuard`], lending the [`AsyncFd`] mutably (from
/// [`AsyncFd::readable_mut`], [`writable_mut`](AsyncFd::writable_mut),
/// [`ready_mut`](AsyncFd::ready_mut) and the `poll_*_mut` forms).
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
/// let mut guard = fd.writable_mut().await?;
/// let n = guard.try_io(|fd| fd.get_mut().write(b"hello")).expect("writable")?;
/// assert_eq!(n, 5);
/// # Ok(())
/// # }
/// ```
#[must_use = "choose whether to clear the readiness (`clear_ready`) or keep it (`retain_ready`)"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// The `clear_ready`, `clear_ready_matching` and `ready` of both guards.
fn clear<T: AsRawFd>(async_fd: &AsyncFd<T>, event: &mut Option<ReadyEvent>) {
    if let Some(event) = event.take() {
        async_fd.clear_readiness(event);
    }
}

fn clear_matching<T: AsRawFd>(async_fd: &AsyncFd<T>, slot: &mut Option<ReadyEvent>, ready: Ready) {
    if let Some(event) = slot.take() {
        async_fd.clear_readiness(event.with_ready(ready));
        let left = event.ready - ready;
        if !left.is_empty() {
            *slot = Some(event.with_ready(left));
        }
    }
}

fn ready_of(event: &Option<ReadyEvent>) -> Ready {
    event.map_or(Ready::EMPTY, |event| event.ready)
}

/// Runs a guard's `try_io`: `WouldBlock` clears the guard's readiness.
fn guarded<R>(result: io::Result<R>, clear: impl FnOnce()) -> Result<io::Result<R>, TryIoError> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
            clear();
            Err(TryIoError(()))
        }
        result => Ok(result),
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    pub(crate) fn new(async_fd: &'a AsyncFd<T>, event: ReadyEvent) -> Self {
        AsyncFdReadyGuard {
            async_fd,
            event: Some(event),
        }
    }

    /// Forgets the readiness this guard saw: the next wait is for a new
    /// event. Call it only once an operation showed that the descriptor is
    /// not ready (returned `WouldBlock`), or a wake-up may be lost. If an
    /// event arrived after the guard was made, the readiness stays.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Read;
    ///
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable().await?; // writable, but nothing to read
    /// let mut buf = [0; 1];
    /// let err = guard.get_inner().read(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # drop(b);
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        clear(self.async_fd, &mut self.event);
    }

    /// Forgets only the flags in `ready` of what this guard saw (say
    /// `Ready::READABLE` after a read blocked, keeping `WRITABLE`); the rest
    /// stays in the guard. Closed flags are never forgotten.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{Interest, Ready};
    /// use std::io::Write;
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// # fd.readable().await?.retain_ready();
    /// let mut guard = fd.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_readable() && guard.ready().is_writable());
    /// guard.clear_ready_matching(Ready::READABLE);
    /// assert_eq!(guard.ready(), Ready::WRITABLE);
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_matching(self.async_fd, &mut self.event, ready);
    }

    /// Keeps the readiness (what dropping the guard does too): the next
    /// wait returns at once.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// fd.writable().await?.retain_ready();
    /// fd.writable().await?.retain_ready(); // still writable, no new event needed
    /// # Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard holds (empty once cleared).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        ready_of(&self.event)
    }

    /// Runs `f`, an operation on the descriptor: if it fails with
    /// `WouldBlock`, clears the guard's readiness and returns
    /// `Err(TryIoError)` (wait again); otherwise returns `Ok` of its result.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"one")?;
    /// let mut buf = [0; 8];
    /// let mut guard = fd.readable().await?;
    /// assert_eq!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).unwrap()?, 3);
    /// assert!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).is_err()); // drained
    /// assert!(guard.ready().is_empty()); // and cleared
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        let result = f(self.async_fd);
        guarded(result, || self.clear_ready())
    }

    /// The `AsyncFd` this guard borrows.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::os::fd::AsRawFd;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let raw = a.as_raw_fd();
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// assert_eq!(guard.get_ref().as_raw_fd(), raw);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// The value inside the `AsyncFd`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// assert!(guard.get_inner().local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyMutGuard<'a, T> {
    pub(crate) fn new(async_fd: &'a mut AsyncFd<T>, event: ReadyEvent) -> Self {
        AsyncFdReadyMutGuard {
            async_fd,
            event: Some(event),
        }
    }

    /// As [`AsyncFdReadyGuard::clear_ready`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        clear(self.async_fd, &mut self.event);
    }

    /// As [`AsyncFdReadyGuard::clear_ready_matching`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::Ready;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// guard.clear_ready_matching(Ready::READABLE); // not held: nothing changes
    /// assert!(guard.ready().is_writable());
    /// guard.clear_ready_matching(Ready::WRITABLE);
    /// assert!(guard.ready().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_matching(self.async_fd, &mut self.event, ready);
    }

    /// As [`AsyncFdReadyGuard::retain_ready`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// fd.writable_mut().await?.retain_ready();
    /// fd.writable_mut().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// As [`AsyncFdReadyGuard::ready`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// assert!(fd.writable_mut().await?.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        ready_of(&self.event)
    }

    /// As [`AsyncFdReadyGuard::try_io`], lending the `AsyncFd` mutably.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Read;
    ///
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// drop(b);
    /// let mut guard = fd.readable_mut().await?;
    /// let mut buf = [0; 4];
    /// assert_eq!(guard.try_io(|fd| fd.get_mut().read(&mut buf)).unwrap()?, 0); // end of stream
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        let result = f(self.async_fd);
        guarded(result, || self.clear_ready())
    }

    /// The `AsyncFd` this guard borrows.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable_mut().await?;
    /// assert!(guard.get_ref().get_ref().peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// The `AsyncFd` this guard borrows, mutably.
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
    /// let mut guard = fd.writable_mut().await?;
    /// assert_eq!(guard.get_mut().get_mut().write(b"x")?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// The value inside the `AsyncFd`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable_mut().await?;
    /// assert!(guard.get_inner().local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// The value inside the `AsyncFd`, mutably.
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
    /// let mut guard = fd.writable_mut().await?;
    /// assert_eq!(guard.get_inner_mut().write(b"x")?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyMutGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

/// The error of a ready guard's `try_io`: the operation returned
/// `WouldBlock`, and the guard's readiness was cleared; wait again.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::io::Read;
///
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: a `UnixStream` owns its descriptor.
/// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
/// let mut guard = fd.writable().await?;
/// let mut buf = [0; 1];
/// let err: runtime::io::unix::TryIoError =
///     guard.try_io(|fd| fd.get_ref().read(&mut buf)).unwrap_err();
/// assert_eq!(format!("{err:?}"), "TryIoError(())");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TryIoError(());

/// The error of [`AsyncFd::register`] and the other constructors: the
/// registration failed; [`into_parts`](Self::into_parts) gives back the
/// value and the cause.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let file = std::fs::File::open("/proc/self/exe")?;
/// // SAFETY: a `File` owns its descriptor.
/// let err = unsafe { runtime::io::unix::AsyncFd::register(file) }.unwrap_err();
/// assert_eq!(err.to_string(), std::io::Error::from_raw_os_error(1).to_string());
/// let (_file, cause) = err.into_parts();
/// assert_eq!(cause.raw_os_error(), Some(1)); // EPERM: a regular file cannot be polled
/// # Ok(())
/// # }
/// ```
pub struct AsyncFdRegisterError<T> {
    inner: T,
    cause: io::Error,
}

/// The old name of [`AsyncFdRegisterError`], kept (hidden and deprecated)
/// as in Tokio.
#[doc(hidden)]
#[deprecated(note = "use `AsyncFdRegisterError`")]
pub type AsyncFdTryNewError<T> = AsyncFdRegisterError<T>;

impl<T> AsyncFdRegisterError<T> {
    pub(crate) fn new(inner: T, cause: io::Error) -> Self {
        AsyncFdRegisterError { inner, cause }
    }

    /// The value that was to be registered, and why it could not be.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let file = std::fs::File::open("/proc/self/exe")?;
    /// // SAFETY: a `File` owns its descriptor.
    /// let err = unsafe { runtime::io::unix::AsyncFd::register(file) }.unwrap_err();
    /// let (file, cause) = err.into_parts();
    /// assert!(file.metadata()?.len() > 0);
    /// assert_eq!(cause.kind(), std::io::ErrorKind::PermissionDenied);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdRegisterError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdRegisterError<T>> for io::Error {
    fn from(err: AsyncFdRegisterError<T>) -> io::Error {
        err.cause
    }
}
