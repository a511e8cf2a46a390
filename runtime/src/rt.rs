//! `Runtime`: owns the schedulers and their threads.

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
    driver: Option<runtime_reactor::SharedDriver>,
}

impl Runtime {
    /// A multi-thread runtime with one worker per core, as `Builder::new_multi_thread().build()`.
    ///
    /// # Errors
    /// If the OS refuses to start a thread.
    pub fn new() -> io::Result<Runtime> {
        crate::Builder::new_multi_thread().build()
    }

    pub(crate) fn from_parts(
        inner: runtime_executor::Runtime,
        reactor: runtime_reactor::Handle,
        driver: Option<runtime_reactor::SharedDriver>,
    ) -> Runtime {
        let handle = Handle {
            inner: inner.handle().clone(),
            reactor,
        };
        // Host-name lookups of the net types run on this runtime's blocking pool.
        let blocking = inner.handle().clone();
        handle
            .reactor
            .set_blocking_spawner(Some(std::sync::Arc::new(move |job| {
                drop(blocking.spawn_blocking(job));
            })));
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
    /// # Panics
    /// When called inside a runtime (a task or another `block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _reactor = self.handle.reactor.enter();
        self.inner.block_on(future)
    }

    /// Spawns a future onto the runtime.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool.
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// The runtime's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Enters the runtime's context until the guard drops, so `spawn` works
    /// outside of tasks.
    pub fn enter(&self) -> EnterGuard {
        self.handle.enter()
    }

    /// Shuts down, waiting at most `timeout` for running blocking closures;
    /// any still running are left to finish on their own threads.
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(timeout));
    }

    /// Stops the scheduler (dropping its tasks, whose timers and sockets leave
    /// the reactor), then the reactor. Idempotent.
    fn shutdown(&mut self, blocking_timeout: Option<Duration>) {
        // The reactor's blocking spawner holds the scheduler: drop the cycle.
        self.handle.reactor.set_blocking_spawner(None);
        self.inner.shutdown(blocking_timeout);
        if let Some(mut driver) = self.driver.take() {
            driver.shutdown();
        }
        // The current-thread driver lives in the scheduler's parker, which
        // never shuts it down: fail whatever still waits on it (resources and
        // timers that outlive the runtime) instead of leaving it hanging.
        self.handle.reactor.shutdown();
    }

    /// Shuts down without waiting for blocking closures.
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
