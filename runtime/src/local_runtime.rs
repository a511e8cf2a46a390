//! `LocalRuntime`: a current-thread runtime that runs `!Send` tasks.

use crate::handle::{EnterGuard, Handle};
use crate::task::{JoinHandle, LocalSet};
use crate::Runtime;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::time::Duration;

/// Options for [`Builder::build_local`](crate::Builder::build_local). None
/// exist yet; the type is there so that code written against Tokio compiles.
///
/// ```
/// use runtime::runtime::{Builder, LocalOptions};
///
/// let rt = Builder::new_current_thread()
///     .build_local(LocalOptions::default())
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Default, Debug)]
#[non_exhaustive]
pub struct LocalOptions {
    // `!Send` and `!Sync`, as in Tokio.
    _not_send: PhantomData<*mut ()>,
}

/// A current-thread runtime bound to the thread that created it: it is
/// neither `Send` nor `Sync`, and inside its [`block_on`](LocalRuntime::block_on)
/// [`spawn_local`](crate::task::spawn_local) works without a
/// [`LocalSet`].
///
/// Its `!Send` tasks run only on this thread, while `block_on` runs;
/// `Send` tasks from [`spawn`](crate::spawn) or [`Handle::spawn`] run there
/// too. Dropping the runtime drops every task it still holds.
///
/// ```
/// use std::rc::Rc;
///
/// let rt = runtime::runtime::LocalRuntime::new().unwrap();
/// let shared = Rc::new(20); // not Send
/// let out = rt.block_on(async move {
///     let s = shared.clone();
///     runtime::task::spawn_local(async move { *s + 1 }).await.unwrap() + 1
/// });
/// assert_eq!(out, 22);
/// ```
///
/// It cannot be sent to another thread:
///
/// ```compile_fail
/// let rt = runtime::runtime::LocalRuntime::new().unwrap();
/// std::thread::spawn(move || rt.block_on(async {}));
/// ```
pub struct LocalRuntime {
    // Dropped in `Drop`, inside the runtime's context, before the runtime.
    local: Option<LocalSet>,
    // `None` only inside `shutdown_timeout`, which consumes `self`.
    rt: Option<Runtime>,
    _not_send: PhantomData<*mut ()>,
}

impl LocalRuntime {
    /// A local runtime with the default options, as
    /// `Builder::new_current_thread().enable_all().build_local(Default::default())`.
    ///
    /// ```
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 4 }), 4);
    /// ```
    ///
    /// # Errors
    /// If the OS refuses a thread or a poller.
    pub fn new() -> io::Result<LocalRuntime> {
        crate::Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
    }

    pub(crate) fn from_runtime(rt: Runtime) -> LocalRuntime {
        let local = LocalSet::new();
        // With `UnhandledPanic::ShutdownRuntime`, a local task's panic is the
        // runtime's too.
        local.inner.report_panics_to(&rt.handle().inner);
        LocalRuntime {
            local: Some(local),
            rt: Some(rt),
            _not_send: PhantomData,
        }
    }

    fn rt(&self) -> &Runtime {
        self.rt.as_ref().expect("LocalRuntime used after shutdown")
    }

    fn local(&self) -> &LocalSet {
        self.local
            .as_ref()
            .expect("LocalRuntime used after shutdown")
    }

    /// The runtime's [`Handle`]. Its `spawn` takes `Send` futures only;
    /// `!Send` ones go through [`spawn_local`](LocalRuntime::spawn_local).
    ///
    /// ```
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// let task = rt.handle().spawn(async { 3 });
    /// assert_eq!(rt.block_on(task).unwrap(), 3);
    /// ```
    pub fn handle(&self) -> &Handle {
        self.rt().handle()
    }

    /// A view of this runtime's metrics; see
    /// [`RuntimeMetrics`](crate::runtime::RuntimeMetrics). A local runtime
    /// has one worker: the thread that calls `block_on`.
    ///
    /// ```
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// let metrics = rt.metrics();
    /// assert_eq!(metrics.num_workers(), 1);
    /// let task = rt.spawn_local(async {});
    /// assert_eq!(metrics.num_alive_tasks(), 1);
    /// rt.block_on(task).unwrap();
    /// assert_eq!(metrics.num_alive_tasks(), 0);
    /// ```
    pub fn metrics(&self) -> crate::runtime::RuntimeMetrics {
        self.handle()
            .metrics()
            .with_local(self.local().inner.alive_tasks())
    }

    /// Spawns a task that need not be `Send`; it runs when
    /// [`block_on`](LocalRuntime::block_on) next runs.
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// let rc = Rc::new("local");
    /// let task = rt.spawn_local(async move { rc.len() });
    /// assert_eq!(rt.block_on(task).unwrap(), 5);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.local().spawn_local(future)
    }

    /// Runs a blocking closure on the runtime's blocking pool; see
    /// [`crate::spawn_blocking`].
    ///
    /// ```
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// let task = rt.spawn_blocking(|| 6 * 7);
    /// assert_eq!(rt.block_on(task).unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.rt().spawn_blocking(func)
    }

    /// Runs `future` to completion on this thread, running the runtime's
    /// tasks (local and `Send` ones) meanwhile. Inside it,
    /// [`spawn_local`](crate::task::spawn_local) spawns onto this runtime.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// let hits = Rc::new(Cell::new(0));
    /// let h = hits.clone();
    /// rt.block_on(async move {
    ///     runtime::task::spawn_local(async move { h.set(h.get() + 1) })
    ///         .await
    ///         .unwrap();
    /// });
    /// assert_eq!(hits.get(), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// When called inside a runtime (a task or another `block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        // The set stays current for all of `block_on`, not only while
        // `future` is polled: `Send` tasks that the scheduler runs in between
        // can `spawn_local` too, as in Tokio. They all run on this thread.
        let local = self.local();
        let _current = local.enter();
        local.block_on(self.rt(), future)
    }

    /// Enters the runtime's context until the guard drops, so
    /// [`spawn`](crate::spawn) (and creating timers and sockets) works
    /// outside of `block_on`.
    ///
    /// ```
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// let task = {
    ///     let _guard = rt.enter();
    ///     runtime::spawn(async { 8 })
    /// };
    /// assert_eq!(rt.block_on(task).unwrap(), 8);
    /// ```
    pub fn enter(&self) -> EnterGuard {
        self.rt().enter()
    }

    /// Shuts down, dropping every task, and waits at most `duration` for
    /// running blocking closures.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_millis(500)));
    /// std::thread::sleep(Duration::from_millis(20)); // let it start
    /// let start = Instant::now();
    /// rt.shutdown_timeout(Duration::from_millis(10));
    /// assert!(start.elapsed() < Duration::from_millis(400));
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.drop_local_tasks();
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(duration);
        }
    }

    /// Shuts down without waiting for blocking closures, as
    /// `shutdown_timeout(Duration::ZERO)`.
    ///
    /// ```
    /// let rt = runtime::runtime::LocalRuntime::new().unwrap();
    /// rt.spawn_local(async {});
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// Drops the local tasks inside the runtime's context, so that their
    /// destructors can still see it (timers, `Handle::current`).
    fn drop_local_tasks(&mut self) {
        if let (Some(local), Some(rt)) = (self.local.take(), self.rt.as_ref()) {
            let _enter = rt.enter();
            drop(local);
        }
    }
}

impl Drop for LocalRuntime {
    fn drop(&mut self) {
        self.drop_local_tasks();
    }
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("rt", &self.rt)
            .finish()
    }
}
