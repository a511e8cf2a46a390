//! `Handle`: a reference to a runtime, for spawning from anywhere.

use crate::driver::{DriverEnter, DriverHandle};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;

/// A cheap, clonable reference to a runtime.
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// let handle = rt.handle().clone();
/// let out = std::thread::spawn(move || handle.block_on(async { 7 })).join().unwrap();
/// assert_eq!(out, 7);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: runtime_executor::Handle,
    pub(crate) reactor: DriverHandle,
}

/// `Handle::try_current` was called outside a runtime.
///
/// ```
/// let err = runtime::Handle::try_current().unwrap_err();
/// assert!(err.to_string().contains("no runtime is running on this thread"));
/// ```
#[derive(Debug)]
pub struct TryCurrentError(());

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "no runtime is running on this thread: must be called from the context of a runtime",
        )
    }
}

impl std::error::Error for TryCurrentError {}

impl Handle {
    /// The runtime this code runs in: inside tasks, `block_on`, `spawn_blocking`
    /// closures, and after [`Runtime::enter`](crate::Runtime::enter).
    ///
    /// # Panics
    /// Outside a runtime, with a message saying where it can be called from.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let h = runtime::Handle::current();
    ///     assert_eq!(h.spawn(async { 1 }).await.unwrap(), 1);
    /// });
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        Handle {
            inner: runtime_executor::Handle::current(),
            reactor: DriverHandle::current(),
        }
    }

    /// As [`Handle::current`], returning an error instead of panicking.
    ///
    /// ```
    /// assert!(runtime::Handle::try_current().is_err());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        match (
            runtime_executor::Handle::try_current(),
            DriverHandle::try_current(),
        ) {
            (Some(inner), Some(reactor)) => Ok(Handle { inner, reactor }),
            _ => Err(TryCurrentError(())),
        }
    }

    /// Spawns a future onto the runtime; see [`crate::spawn`]. Works from any
    /// thread, inside the runtime or not.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// // From a plain thread, no runtime context needed.
    /// let task = std::thread::spawn(move || handle.spawn(async { 6 * 7 }))
    ///     .join()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(task).unwrap(), 42);
    /// ```
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(future)
    }

    /// Runs a blocking closure on the runtime's blocking pool; see
    /// [`crate::spawn_blocking`].
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.handle().spawn_blocking(|| std::thread::current().name().map(String::from));
    /// let name = rt.block_on(task).unwrap();
    /// assert!(name.is_some()); // a named pool thread, not this one
    /// ```
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.spawn_blocking(f)
    }

    /// Blocks the current thread on `future`, with this runtime as context. On
    /// a current-thread runtime this does not run the runtime's tasks; only
    /// `Runtime::block_on` does (as in Tokio).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// let got = std::thread::spawn(move || {
    ///     handle.block_on(async {
    ///         // Runtime context is available: spawn, timers, sockets.
    ///         runtime::spawn(async { "spawned" }).await.unwrap()
    ///     })
    /// })
    /// .join()
    /// .unwrap();
    /// assert_eq!(got, "spawned");
    /// ```
    ///
    /// # Panics
    ///
    /// When called from a thread that drives a runtime (inside a task or
    /// `block_on`): use `.await` there.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _reactor = self.reactor.enter();
        self.inner.block_on(future)
    }

    /// Enters the runtime's context until the guard drops, so that
    /// [`crate::spawn`], timers and sockets work from this thread outside of
    /// `block_on`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = {
    ///     let _guard = rt.handle().enter();
    ///     assert!(runtime::Handle::try_current().is_ok());
    ///     runtime::spawn(async { 1 })
    /// };
    /// assert!(runtime::Handle::try_current().is_err()); // left again
    /// assert_eq!(rt.block_on(task).unwrap(), 1);
    /// ```
    pub fn enter(&self) -> EnterGuard {
        EnterGuard {
            _inner: self.inner.enter(),
            _reactor: self.reactor.enter(),
        }
    }

    /// Tasks spawned on this runtime that have not completed yet (the
    /// `block_on` future is not a task).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle();
    /// let (tx, rx) = runtime::sync::oneshot::channel::<()>();
    /// let task = rt.spawn(async move { rx.await.ok() });
    /// assert_eq!(handle.num_alive_tasks(), 1);
    /// tx.send(()).unwrap();
    /// rt.block_on(task).unwrap();
    /// assert_eq!(handle.num_alive_tasks(), 0);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.inner.num_alive_tasks()
    }

    /// Threads the blocking pool currently keeps (running or idle). Threads
    /// are started on demand and exit after being idle for the
    /// [`thread_keep_alive`](crate::Builder::thread_keep_alive) time.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().num_blocking_threads(), 0);
    /// rt.block_on(async { runtime::spawn_blocking(|| ()).await }).unwrap();
    /// assert_eq!(rt.handle().num_blocking_threads(), 1); // kept, idle
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.inner.num_blocking_threads()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// Keeps a runtime's context entered on this thread; see [`Handle::enter`]
/// (which has an example) and [`Runtime::enter`](crate::Runtime::enter).
/// Dropping it leaves the context (restoring any context entered before).
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// let guard: runtime::EnterGuard = rt.enter();
/// assert!(runtime::Handle::try_current().is_ok());
/// drop(guard);
/// assert!(runtime::Handle::try_current().is_err());
/// ```
#[derive(Debug)]
#[must_use = "the runtime is only entered while the guard lives"]
pub struct EnterGuard {
    _inner: runtime_executor::EnterGuard,
    _reactor: DriverEnter,
}
