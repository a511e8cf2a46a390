//! `AsyncFd`'s waits: `poll_read_ready`/`poll_write_ready`, `ready`,
//! `readable`, `writable` and their `_mut` forms, each returning a guard
//! with the readiness seen (see `async_fd.rs` for the design). Every wait
//! first checks that the descriptor was registered for what it waits for,
//! since otherwise it could never end.

use super::async_fd::AsyncFd;
use super::async_fd_guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard};
use super::ready::{Interest, Ready};
use std::future::poll_fn;
use std::io;
use std::os::fd::AsRawFd;
use std::task::{ready, Context, Poll};

impl<T: AsRawFd> AsyncFd<T> {
    /// Panics if waiting for `interest` could never end: none of it (errors
    /// aside, which are always reported) was registered.
    #[track_caller]
    pub(super) fn check_interest(&self, interest: Interest) {
        let wanted = interest.mask() - Ready::ERROR;
        let registered = self.interest.mask();
        assert!(
            wanted.is_empty() || wanted.intersects(registered),
            "AsyncFd: waiting for {interest:?} on a descriptor registered for {:?} only, \
             which would never end; register it with that interest \
             (AsyncFd::register_with_interest)",
            self.interest
        );
    }

    /// Polls for read readiness: `Ready(Ok(guard))` once the descriptor is
    /// readable (or its read side closed, or an error is pending), else
    /// `Pending` with `cx`'s waker stored.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::future::poll_fn;
    /// use std::io::Write;
    /// use std::task::Poll;
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// let ready = poll_fn(|cx| match fd.poll_read_ready(cx) {
    ///     Poll::Ready(Ok(guard)) => Poll::Ready(Ok(guard.ready())),
    ///     Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
    ///     Poll::Pending => Poll::Pending,
    /// })
    /// .await?;
    /// assert!(ready.is_readable());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::READABLE`.
    #[track_caller]
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        self.check_interest(Interest::READABLE);
        let event = ready!(self.io.poll_ready(cx, Interest::READABLE))?;
        Poll::Ready(Ok(AsyncFdReadyGuard::new(self, event)))
    }

    /// As [`poll_read_ready`](AsyncFd::poll_read_ready), with a guard that
    /// lends the value mutably.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// let mut buf = [0; 1];
    /// let n = std::future::poll_fn(|cx| {
    ///     let mut guard = std::task::ready!(fd.poll_read_ready_mut(cx))?;
    ///     std::task::Poll::Ready(guard.get_inner_mut().read(&mut buf))
    /// })
    /// .await?;
    /// assert_eq!(n, 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::READABLE`.
    #[track_caller]
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        self.check_interest(Interest::READABLE);
        let event = ready!(self.io.poll_ready(cx, Interest::READABLE))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard::new(self, event)))
    }

    /// Polls for write readiness: `Ready(Ok(guard))` once the descriptor is
    /// writable (or its write side closed, or an error is pending), else
    /// `Pending` with `cx`'s waker stored.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let ready = std::future::poll_fn(|cx| fd.poll_write_ready(cx).map_ok(|g| g.ready())).await?;
    /// assert!(ready.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::WRITABLE`.
    #[track_caller]
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        self.check_interest(Interest::WRITABLE);
        let event = ready!(self.io.poll_ready(cx, Interest::WRITABLE))?;
        Poll::Ready(Ok(AsyncFdReadyGuard::new(self, event)))
    }

    /// As [`poll_write_ready`](AsyncFd::poll_write_ready), with a guard that
    /// lends the value mutably.
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
    /// let n = std::future::poll_fn(|cx| {
    ///     let mut guard = std::task::ready!(fd.poll_write_ready_mut(cx))?;
    ///     std::task::Poll::Ready(guard.get_inner_mut().write(b"hi"))
    /// })
    /// .await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::WRITABLE`.
    #[track_caller]
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        self.check_interest(Interest::WRITABLE);
        let event = ready!(self.io.poll_ready(cx, Interest::WRITABLE))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard::new(self, event)))
    }

    /// Waits until the descriptor is ready for any part of `interest`; the
    /// guard's [`ready`](AsyncFdReadyGuard::ready) says which (closed sides
    /// and errors included).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{unix::AsyncFd, Interest};
    ///
    /// let (a, b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// drop(b); // the peer is gone: readable (end of stream) and writable (to fail)
    /// let guard = fd.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_read_closed());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits, and consumes nothing.
    ///
    /// # Panics
    ///
    /// If the descriptor was registered for none of `interest`
    /// (`Interest::ERROR` aside).
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.check_interest(interest);
        let event = poll_fn(|cx| self.io.poll_ready(cx, interest)).await?;
        Ok(AsyncFdReadyGuard::new(self, event))
    }

    /// As [`ready`](AsyncFd::ready), with a guard that lends the value
    /// mutably.
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
    /// let mut guard = fd.ready_mut(Interest::WRITABLE).await?;
    /// assert_eq!(guard.get_inner_mut().write(b"hey")?, 3);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// As [`ready`](AsyncFd::ready).
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.check_interest(interest);
        let event = poll_fn(|cx| self.io.poll_ready(cx, interest)).await?;
        Ok(AsyncFdReadyMutGuard::new(self, event))
    }

    /// Waits until the descriptor is readable; `ready(Interest::READABLE)`.
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
    /// b.write_all(b"x")?;
    /// let mut guard = fd.readable().await?;
    /// let mut buf = [0; 4];
    /// let n = guard.try_io(|fd| fd.get_ref().read(&mut buf)).expect("was readable")?;
    /// assert_eq!(n, 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::READABLE`.
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// As [`readable`](AsyncFd::readable), with a guard that lends the value
    /// mutably.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    ///
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let mut fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// let mut guard = fd.readable_mut().await?;
    /// let mut buf = [0; 4];
    /// let n = guard.try_io(|fd| fd.get_mut().read(&mut buf)).expect("was readable")?;
    /// assert_eq!(n, 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::READABLE`.
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the descriptor is writable; `ready(Interest::WRITABLE)`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    ///
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: a `UnixStream` owns its descriptor.
    /// let fd = unsafe { runtime::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable().await?;
    /// let n = guard.try_io(|fd| fd.get_ref().write(b"hi")).expect("was writable")?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::WRITABLE`.
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// As [`writable`](AsyncFd::writable), with a guard that lends the value
    /// mutably.
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
    /// assert_eq!(guard.get_inner_mut().write(b"hi")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If the descriptor was registered without `Interest::WRITABLE`.
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }
}
