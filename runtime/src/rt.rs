//! `Runtime`: owns the schedulers and their threads.

use crate::driver::{Driver, DriverHandle};
use crate::handle::{EnterGuard, Handle};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::io;
use std::time::Duration;

/// The runtime: a task scheduler plus its blocking pool.
///
/// Dropping it shuts it down: workers stop, every task it still holds is
/// dropped (awaiting its `JoinHandle` gives a cancelled `JoinError`), and the
/// drop waits for running `spawn_blocking` closures; use
/// [`Runtime::shutdown_timeout`] to bound that wait.
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// let h = rt.spawn(async { "hello" });
/// assert_eq!(rt.block_on(h).unwrap(), "hello");
/// ```
pub struct Runtime {
    // Field order is drop order: the scheduler drops its tasks (and with them
    // their timers and I/O registrations) before the reactor stops.
    inner: runtime_executor::Runtime,
    handle: Handle,
    driver: Driver,
}

impl Runtime {
    /// A multi-thread runtime with one worker per core, as `Builder::new_multi_thread().build()`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 2 + 2 }), 4);
    /// ```
    ///
    /// # Errors
    /// If the OS refuses to start a thread.
    pub fn new() -> io::Result<Runtime> {
        crate::Builder::new_multi_thread().build()
    }

    pub(crate) fn from_parts(
        inner: runtime_executor::Runtime,
        reactor: DriverHandle,
        driver: Driver,
    ) -> Runtime {
        let handle = Handle {
            inner: inner.handle().clone(),
            reactor,
        };
        // Host-name lookups of the net types run on this runtime's blocking pool.
        handle
            .reactor
            .set_blocking_pool(Some(inner.handle().clone()));
        Runtime {
            inner,
            handle,
            driver,
        }
    }

    /// Runs `future` to completion on the current thread. On the multi-thread
    /// runtime, tasks it spawns run on the workers; on the current-thread
    /// runtime they run here, interleaved with it.
    ///
    /// ```
    /// use runtime::time::{sleep, Duration};
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let out = rt.block_on(async {
    ///     let task = runtime::spawn(async { "from a task" });
    ///     sleep(Duration::from_millis(1)).await; // timers work here
    ///     task.await.unwrap()
    /// });
    /// assert_eq!(out, "from a task");
    /// ```
    ///
    /// # Panics
    ///
    /// When called inside a runtime (a task or another `block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _reactor = self.handle.reactor.enter();
        self.inner.block_on(future)
    }

    /// Spawns a future onto the runtime, from outside it; see
    /// [`crate::spawn`]. On the multi-thread runtime it starts running on a
    /// worker at once; on the current-thread runtime, when `block_on` next
    /// runs.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.spawn(async { "spawned" });
    /// assert_eq!(rt.block_on(task).unwrap(), "spawned");
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool; see
    /// [`crate::spawn_blocking`].
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.spawn_blocking(|| std::fs::metadata(".").is_ok());
    /// assert!(rt.block_on(task).unwrap());
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// The runtime's [`Handle`], which can be cloned and sent to other
    /// threads to spawn onto this runtime.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// let task = std::thread::spawn(move || handle.spawn(async { 5 })).join().unwrap();
    /// assert_eq!(rt.block_on(task).unwrap(), 5);
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// A view of this runtime's metrics; see [`RuntimeMetrics`](crate::runtime::RuntimeMetrics).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 2);
    /// ```
    pub fn metrics(&self) -> crate::runtime::RuntimeMetrics {
        self.handle.metrics()
    }

    /// Enters the runtime's context until the guard drops, so `spawn` (and
    /// creating timers and sockets) works outside of tasks.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// let task = runtime::spawn(async { 9 });
    /// let sleep = runtime::time::sleep(std::time::Duration::from_millis(1));
    /// rt.block_on(sleep);
    /// assert_eq!(rt.block_on(task).unwrap(), 9);
    /// ```
    pub fn enter(&self) -> EnterGuard {
        self.handle.enter()
    }

    /// Shuts down, waiting at most `timeout` for running blocking closures;
    /// any still running are left to finish on their own threads.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_millis(500)));
    /// std::thread::sleep(Duration::from_millis(20)); // let it start
    /// let start = Instant::now();
    /// rt.shutdown_timeout(Duration::from_millis(10));
    /// assert!(start.elapsed() < Duration::from_millis(400)); // did not wait it out
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(timeout));
    }

    /// Stops the scheduler (dropping its tasks, whose timers and sockets leave
    /// the reactor), then the reactor. Idempotent.
    fn shutdown(&mut self, blocking_timeout: Option<Duration>) {
        // The reactor's blocking spawner holds the scheduler: drop the cycle.
        self.handle.reactor.set_blocking_pool(None);
        // Destructors of the tasks cancelled here see this runtime as current
        // (`Handle::try_current`, spawning cleanup, timers), as in Tokio: the
        // executor sets its part of the context, this the reactor's.
        let _reactor = self.handle.reactor.enter();
        self.inner.shutdown(blocking_timeout);
        self.driver.shutdown();
        self.handle.reactor.shutdown();
        // After the tasks are gone, so their destructors still see the name.
        crate::handle::names::remove(&self.handle);
    }

    /// Shuts down without waiting for blocking closures: any still running
    /// finish on their own threads. Same as `shutdown_timeout(Duration::ZERO)`.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_millis(500)));
    /// let start = Instant::now();
    /// rt.shutdown_background();
    /// assert!(start.elapsed() < Duration::from_millis(400));
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}
