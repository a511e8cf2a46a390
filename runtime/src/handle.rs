//! `Handle`: a reference to a runtime, for spawning from anywhere.

use crate::driver::{DriverEnter, DriverHandle};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

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
/// assert!(err.is_missing_context());
/// ```
#[derive(Debug)]
pub struct TryCurrentError {
    kind: TryCurrentErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TryCurrentErrorKind {
    /// No runtime context is entered on this thread.
    NoContext,
    /// The thread-local that holds the context was already destroyed. Kept
    /// for Tokio's API: the executor reports a destroyed context as an
    /// absent one, so this kind is not produced (see
    /// [`TryCurrentError::is_thread_local_destroyed`]).
    #[allow(dead_code)]
    ThreadLocalDestroyed,
}

impl TryCurrentError {
    /// Whether the call failed because no runtime context is entered on this
    /// thread: outside `block_on`, a task, a `spawn_blocking` closure or an
    /// [`enter`](Handle::enter) guard.
    ///
    /// ```
    /// let err = runtime::Handle::try_current().unwrap_err();
    /// assert!(err.is_missing_context());
    /// assert!(!err.is_thread_local_destroyed());
    /// ```
    pub fn is_missing_context(&self) -> bool {
        self.kind == TryCurrentErrorKind::NoContext
    }

    /// Whether the call failed because the thread-local holding the runtime
    /// context had already been destroyed (a call from another thread-local's
    /// destructor while the thread exits).
    ///
    /// Unlike Tokio, this is always `false`: the scheduler treats a
    /// destroyed context as an absent one, so such a call reports
    /// [`is_missing_context`](TryCurrentError::is_missing_context) instead.
    ///
    /// ```
    /// let err = runtime::Handle::try_current().unwrap_err();
    /// assert!(!err.is_thread_local_destroyed());
    /// ```
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.kind == TryCurrentErrorKind::ThreadLocalDestroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TryCurrentErrorKind::NoContext => {
                "no runtime is running on this thread: must be called from the context of a runtime"
            }
            TryCurrentErrorKind::ThreadLocalDestroyed => {
                "the runtime context of this thread was already destroyed (the thread is exiting)"
            }
        })
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
            _ => Err(TryCurrentError {
                kind: TryCurrentErrorKind::NoContext,
            }),
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
    #[track_caller]
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
    #[track_caller]
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

    /// Which scheduler this runtime uses: [`RuntimeFlavor::CurrentThread`] for
    /// [`Builder::new_current_thread`](crate::Builder::new_current_thread),
    /// [`RuntimeFlavor::MultiThread`] for
    /// [`Builder::new_multi_thread`](crate::Builder::new_multi_thread).
    ///
    /// ```
    /// use runtime::runtime::{Handle, RuntimeFlavor};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     assert_eq!(Handle::current().runtime_flavor(), RuntimeFlavor::CurrentThread);
    ///
    ///     let rt = runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    ///     assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    ///     rt.shutdown_background();
    /// }
    /// ```
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match self.inner.flavor() {
            runtime_executor::Flavor::CurrentThread => RuntimeFlavor::CurrentThread,
            runtime_executor::Flavor::MultiThread => RuntimeFlavor::MultiThread,
        }
    }

    /// This runtime's [`Id`](crate::runtime::Id), unique within the process.
    ///
    /// ```
    /// use runtime::runtime::Handle;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let here = Handle::current().id();
    ///     let other = runtime::Builder::new_current_thread().build().unwrap();
    ///     assert_ne!(here, other.handle().id());
    ///     other.shutdown_background();
    ///     println!("current runtime id: {here}");
    /// }
    /// ```
    pub fn id(&self) -> crate::runtime::Id {
        crate::runtime::Id::new(self.inner.id())
    }

    /// The runtime's name, as given to [`Builder::name`](crate::Builder::name)
    /// (or `#[runtime::main(name = "...")]`); `None` when it was not named.
    ///
    /// Unlike Tokio's, a handle kept after its runtime shut down answers
    /// `None`: the name is forgotten with the runtime.
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread", name = "my-runtime")]
    /// async fn main() {
    ///     assert_eq!(runtime::Handle::current().name(), Some("my-runtime"));
    ///
    ///     let unnamed = runtime::Builder::new_current_thread().build().unwrap();
    ///     assert_eq!(unnamed.handle().name(), None);
    ///     unnamed.shutdown_background(); // a runtime cannot drop inside one
    /// }
    /// ```
    pub fn name(&self) -> Option<&str> {
        names::get(&self.inner)
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

    /// A view of this runtime's metrics, as Tokio's `Handle::metrics`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_workers(), 2);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics {
            handle: self.inner.clone(),
            reactor: self.reactor.clone(),
            local: None,
        }
    }
}

/// A runtime's metrics (Tokio's stable subset), from
/// [`Handle::metrics`] or [`Runtime::metrics`](crate::Runtime::metrics).
/// Cheap to clone; every call reads the current value.
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let metrics = rt.metrics();
/// assert_eq!(metrics.num_workers(), 1);
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// ```
#[derive(Clone)]
pub struct RuntimeMetrics {
    pub(crate) handle: runtime_executor::Handle,
    /// The runtime's reactor (I/O and timer metrics).
    pub(crate) reactor: DriverHandle,
    /// A local runtime's `spawn_local` tasks live in its `LocalSet`, not in
    /// the scheduler's list: counted in too.
    local: Option<runtime_executor::LocalTaskCount>,
}

impl RuntimeMetrics {
    /// These metrics, counting `local`'s tasks in (for a `LocalRuntime`).
    pub(crate) fn with_local(mut self, local: runtime_executor::LocalTaskCount) -> RuntimeMetrics {
        self.local = Some(local);
        self
    }

    /// Number of worker threads: the configured `worker_threads` for the
    /// multi-thread runtime, 1 for the current-thread runtime.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn num_workers(&self) -> usize {
        self.handle.num_workers()
    }

    /// Number of tasks spawned and not yet completed (or cancelled and
    /// dropped).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let task = rt.spawn(async {});
    /// assert_eq!(rt.metrics().num_alive_tasks(), 1);
    /// rt.block_on(task).unwrap();
    /// assert_eq!(rt.metrics().num_alive_tasks(), 0);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.num_alive_tasks() + self.local.as_ref().map_or(0, |local| local.get())
    }

    /// Number of tasks waiting in the runtime's shared queue: tasks spawned
    /// or woken from outside the runtime's threads and not yet picked up.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let task = rt.spawn(async {}); // from outside: into the shared queue
    /// assert_eq!(rt.metrics().global_queue_depth(), 1);
    /// rt.block_on(task).unwrap();
    /// assert_eq!(rt.metrics().global_queue_depth(), 0);
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.handle.global_queue_depth()
    }

    /// Total time worker `worker` spent out of park (running tasks or
    /// looking for them). Updated each time the worker parks.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    /// let busy = rt.metrics().worker_total_busy_duration(0);
    /// assert!(busy < std::time::Duration::from_secs(3600));
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below [`num_workers`](RuntimeMetrics::num_workers).
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        self.handle.worker_metrics(worker).total_busy_duration()
    }

    /// Times worker `worker` parked (went to sleep waiting for work).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_millis(5)).await });
    /// assert!(rt.metrics().worker_park_count(0) >= 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below [`num_workers`](RuntimeMetrics::num_workers).
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.handle.worker_metrics(worker).park_count()
    }

    /// Times worker `worker` parked or unparked: an odd value means it is
    /// parked now, and two readings that differ mean it woke in between.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_millis(5)).await });
    /// // Not parked now: it is not driving (even), and it parked at least once.
    /// let n = rt.metrics().worker_park_unpark_count(0);
    /// assert!(n >= 2 && n % 2 == 0);
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below [`num_workers`](RuntimeMetrics::num_workers).
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.handle.worker_metrics(worker).park_unpark_count()
    }
}

impl fmt::Debug for RuntimeMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeMetrics")
            .field("num_workers", &self.num_workers())
            .finish_non_exhaustive()
    }
}

/// The kind of scheduler a runtime uses; see [`Handle::runtime_flavor`].
///
/// Non-exhaustive, as Tokio's: a `match` on it needs a wildcard arm.
///
/// ```
/// use runtime::runtime::{Builder, RuntimeFlavor};
///
/// let rt = Builder::new_current_thread().build().unwrap();
/// let threads = match rt.handle().runtime_flavor() {
///     RuntimeFlavor::CurrentThread => "one",
///     RuntimeFlavor::MultiThread => "many",
///     _ => "other",
/// };
/// assert_eq!(threads, "one");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Every task runs on the thread that calls `block_on`.
    CurrentThread,
    /// Tasks run on a pool of worker threads, which steal work from each other.
    MultiThread,
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

/// The names of named runtimes, kept next to the scheduler's handle (the
/// scheduler has no room for one) from `Builder::build` until the runtime
/// shuts down. A name lives for the program (`&'static`), shared between
/// runtimes of the same name, so `Handle::name` can lend it out while the
/// table is unlocked; the memory is one copy per distinct name.
pub(crate) mod names {
    use super::*;

    /// How many runtimes are named: while none is, `get` takes no lock.
    static NAMED: AtomicUsize = AtomicUsize::new(0);
    static TABLE: Mutex<Table> = Mutex::new(Table {
        runtimes: Vec::new(),
        interned: Vec::new(),
    });

    struct Table {
        runtimes: Vec<(runtime_executor::Handle, &'static str)>,
        interned: Vec<&'static str>,
    }

    fn table() -> std::sync::MutexGuard<'static, Table> {
        TABLE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Names the runtime of `handle`.
    pub(crate) fn set(handle: &Handle, name: &str) {
        let mut table = table();
        let name = match table.interned.iter().find(|known| **known == name) {
            Some(known) => *known,
            None => {
                let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
                table.interned.push(leaked);
                leaked
            }
        };
        table.runtimes.push((handle.inner.clone(), name));
        NAMED.fetch_add(1, Ordering::Release);
    }

    /// The name of the runtime of `handle`, if it was named.
    pub(crate) fn get(handle: &runtime_executor::Handle) -> Option<&'static str> {
        if NAMED.load(Ordering::Acquire) == 0 {
            return None;
        }
        let table = table();
        table
            .runtimes
            .iter()
            .find(|(named, _)| named.ptr_eq(handle))
            .map(|(_, name)| *name)
    }

    /// Forgets the name of the runtime of `handle` (at its shutdown).
    /// Idempotent.
    pub(crate) fn remove(handle: &Handle) {
        if NAMED.load(Ordering::Acquire) == 0 {
            return;
        }
        let mut table = table();
        if let Some(at) = table
            .runtimes
            .iter()
            .position(|(named, _)| named.ptr_eq(&handle.inner))
        {
            // Dropped after the lock is released: the scheduler handle's
            // destructor runs no code of ours, but keep the lock short.
            let (named, _) = table.runtimes.swap_remove(at);
            NAMED.fetch_sub(1, Ordering::Release);
            drop(table);
            drop(named);
        }
    }
}
