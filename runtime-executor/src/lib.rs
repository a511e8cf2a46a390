//! The schedulers of the runtime: a work-stealing multi-thread pool, a
//! current-thread scheduler, the blocking pool, and `block_on`.
//!
//! # Design
//!
//! A [`Runtime`] owns one scheduler and one blocking pool; a [`Handle`] is a
//! cheap clone of the shared part, enough to spawn. Tasks are
//! `runtime_core` tasks whose `Schedule` implementation is the scheduler's
//! shared state, so a waker pushes its task straight into the right queue.
//!
//! Follow one task: `Handle::spawn` allocates it (`runtime_core::spawn`), binds
//! it into the scheduler's `OwnedTasks` (so shutdown can cancel it) and
//! schedules its first `Notified`. On a worker thread that lands in the LIFO
//! slot, elsewhere in the injector. The worker loop
//! (`multi_thread/worker.rs`) pops it and calls `Notified::run`, which polls
//! it once. If it returns `Pending`, a later `wake` re-queues it; when it
//! completes, its `JoinHandle` is woken and it leaves the owned list.
//!
//! The scheduler never sleeps on an OS primitive directly but through
//! `runtime_core::Park`, so the facade can hand it parkers that turn the I/O
//! driver while they wait: the current-thread flavour's one parker is the
//! driver itself; each multi-thread worker gets one (`Config::worker_park`)
//! that sleeps in the poller when the driver is free, so the tasks a worker's
//! turn wakes land in its own queue and run on its own core. Between tasks a
//! worker also asks its parker for a non-blocking look every `event_interval`
//! ticks. Without a facade (tests of this crate), `ThreadParker`, a plain
//! condition variable, is the default.
//!
//! Threads: the multi-thread flavour starts `worker_threads` workers at build
//! time; blocking threads start on demand. Each runs the `on_thread_start` and
//! `on_thread_stop` hooks, which the facade uses to enter its own context.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod block_in_place;
mod block_on;
mod blocking;
mod context;
mod current_thread;
mod defer;
mod dump;
mod every;
mod local;
mod loom;
mod metrics;
mod multi_thread;
mod observe;
mod panic;
mod park;
mod rand;

pub use block_in_place::{block_in_place, worker_index};
pub use context::thread_rng_n;
pub use defer::defer;
pub use dump::{TaskDump, TaskState};
pub use local::{spawn_local, LocalEnterGuard, LocalSet, LocalTaskCount};
pub use metrics::WorkerMetrics;
pub use observe::{LongPoll, LongPollHook, ObserveConfig, TaskHook, TaskMeta};
pub use panic::UnhandledPanic;
pub use park::ThreadParker;
pub use rand::RngSeed;

pub use runtime_core::{AbortHandle, JoinError, JoinHandle, Park, Unpark};

use std::fmt;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Default cap on blocking-pool threads: Tokio's default (512), so code that
/// relies on many concurrent `spawn_blocking` calls behaves the same.
pub const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;

/// How long an idle blocking thread waits for work before retiring: Tokio's
/// default (10 s), long enough to absorb bursts without re-spawning threads.
pub const DEFAULT_BLOCKING_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Default ticks between two non-blocking looks at I/O and timers: Tokio's
/// default `event_interval` (61).
pub const DEFAULT_EVENT_INTERVAL: u32 = 61;

/// Default ticks between two checks of the shared queue first: Tokio's
/// default `global_queue_interval` (31).
pub const DEFAULT_GLOBAL_QUEUE_INTERVAL: u32 = 31;

/// A hook run on every runtime thread.
pub type ThreadHook = Arc<dyn Fn() + Send + Sync>;

/// Which scheduler a runtime uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Every task runs on the thread that calls `block_on`.
    CurrentThread,
    /// A pool of worker threads that steal work from each other.
    MultiThread,
}

/// Settings of a runtime, filled in by the facade's `Builder`.
pub struct Config {
    /// Worker threads of the multi-thread flavour (default: one per core).
    pub worker_threads: usize,
    /// Names the runtime's threads.
    pub thread_name: Arc<dyn Fn() -> String + Send + Sync>,
    /// Stack size of the runtime's threads (default: the std default).
    pub thread_stack_size: Option<usize>,
    /// Cap on blocking-pool threads.
    pub max_blocking_threads: usize,
    /// How long idle blocking threads live.
    pub blocking_keep_alive: Duration,
    /// Run first on every runtime thread.
    pub on_thread_start: Option<ThreadHook>,
    /// Run last on every runtime thread.
    pub on_thread_stop: Option<ThreadHook>,
    /// How the current-thread flavour sleeps (default: a `ThreadParker`).
    pub park: Option<Box<dyn Park>>,
    /// Makes the parker of each multi-thread worker, called once per worker
    /// (default: a `ThreadParker` each).
    pub worker_park: Option<ParkFactory>,
    /// Counts the blocking pool's work in flight, for a paused clock that
    /// must not auto-advance meanwhile (see
    /// [`runtime_core::blocking_count`]; default: not counted).
    pub blocking_count: Option<Arc<runtime_core::blocking_count::BlockingCount>>,
    /// Ticks between two non-blocking looks at I/O and timers (default 61,
    /// Tokio's `event_interval`); must not be 0.
    pub event_interval: u32,
    /// Ticks between two checks of the shared queue before the local one
    /// (default 31, Tokio's `global_queue_interval`); must not be 0.
    pub global_queue_interval: u32,
    /// Run on a worker thread (or the current-thread driver) before it parks.
    pub on_thread_park: Option<ThreadHook>,
    /// Run on a worker thread (or the current-thread driver) after it unparks.
    pub on_thread_unpark: Option<ThreadHook>,
    /// Seeds every random choice of the runtime (default: a random seed).
    pub rng_seed: RngSeed,
    /// Turns off the multi-thread workers' LIFO slot (default: on).
    pub disable_lifo_slot: bool,
    /// What a task's panic does (default: nothing beyond its `JoinHandle`);
    /// `ShutdownRuntime` only for the current-thread flavour.
    pub unhandled_panic: UnhandledPanic,
    /// Task hooks, the long-poll detector and the poll-time histogram
    /// (default: all off).
    pub observe: ObserveConfig,
}

/// Makes one worker's parker (see [`Config::worker_park`]).
pub type ParkFactory = Box<dyn FnMut() -> Box<dyn Park> + Send>;

impl Default for Config {
    fn default() -> Config {
        Config {
            worker_threads: num_cpus::get().max(1),
            thread_name: Arc::new(|| "runtime-worker".to_string()),
            thread_stack_size: None,
            max_blocking_threads: DEFAULT_MAX_BLOCKING_THREADS,
            blocking_keep_alive: DEFAULT_BLOCKING_KEEP_ALIVE,
            on_thread_start: None,
            on_thread_stop: None,
            park: None,
            worker_park: None,
            blocking_count: None,
            event_interval: DEFAULT_EVENT_INTERVAL,
            global_queue_interval: DEFAULT_GLOBAL_QUEUE_INTERVAL,
            on_thread_park: None,
            on_thread_unpark: None,
            rng_seed: RngSeed::new(),
            disable_lifo_slot: false,
            unhandled_panic: UnhandledPanic::Ignore,
            observe: ObserveConfig::default(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("blocking_keep_alive", &self.blocking_keep_alive)
            .field("disable_lifo_slot", &self.disable_lifo_slot)
            .field("unhandled_panic", &self.unhandled_panic)
            .finish_non_exhaustive()
    }
}

/// A handle to a runtime: spawns onto it from anywhere. Cheap to clone.
#[derive(Clone)]
pub struct Handle {
    inner: Inner,
}

// Unwind safety: a panic cannot leave a scheduler half-updated where the caller
// could see it. Its shared state is atomics and runtime-internal locks, and no
// user code ever runs while one of those is held, so there is no critical
// section for an unwind to interrupt. The auto traits miss this only because
// the locks (`parking_lot`'s, without poisoning) hold an `UnsafeCell`. As in
// Tokio, which implements the same traits on the same types.
impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

/// A scheduler reference that does not keep it alive (the watchdog's).
enum WeakInner {
    Multi(std::sync::Weak<multi_thread::Shared>),
    Current(std::sync::Weak<current_thread::Shared>),
}

/// A [`Handle`] that does not keep its runtime alive (for threads that
/// outlive it, such as a dump-on-signal listener).
pub struct WeakHandle {
    inner: WeakInner,
}

impl WeakHandle {
    /// The handle, while the runtime's scheduler still exists.
    pub fn upgrade(&self) -> Option<Handle> {
        let inner = match &self.inner {
            WeakInner::Multi(w) => Inner::Multi(w.upgrade()?),
            WeakInner::Current(w) => Inner::Current(w.upgrade()?),
        };
        Some(Handle { inner })
    }
}

impl fmt::Debug for WeakHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakHandle").finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum Inner {
    Multi(Arc<multi_thread::Shared>),
    Current(Arc<current_thread::Shared>),
}

impl Handle {
    fn multi_thread(shared: Arc<multi_thread::Shared>) -> Handle {
        Handle {
            inner: Inner::Multi(shared),
        }
    }

    /// The runtime this thread is in.
    ///
    /// # Panics
    /// Outside a runtime context, with a message saying where to call it from.
    #[track_caller]
    pub fn current() -> Handle {
        // A `match`, not `unwrap_or_else`: a closure would hide the caller.
        match Handle::try_current() {
            Some(handle) => handle,
            None => panic!("{}", context::NO_RUNTIME),
        }
    }

    /// The runtime this thread is in, if any.
    pub fn try_current() -> Option<Handle> {
        context::with_current(|h| h.cloned()).flatten()
    }

    /// Which scheduler this runtime uses.
    pub fn flavor(&self) -> Flavor {
        match self.inner {
            Inner::Multi(_) => Flavor::MultiThread,
            Inner::Current(_) => Flavor::CurrentThread,
        }
    }

    /// Spawns a task onto the runtime.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_at(future, std::panic::Location::caller())
    }

    /// As [`spawn`](Handle::spawn), spawned at `site`.
    #[inline]
    pub(crate) fn spawn_at<F>(
        &self,
        future: F,
        site: &'static std::panic::Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.inner {
            Inner::Multi(shared) => shared.spawn(future, site),
            Inner::Current(shared) => shared.spawn(future, site),
        }
    }

    /// Runs a blocking closure on the blocking pool.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.blocking().spawn(f)
    }

    /// Blocks this thread on `future` with this runtime as the context. On the
    /// multi-thread flavour tasks keep running on the workers; on the
    /// current-thread flavour this does not drive the scheduler (only
    /// `Runtime::block_on` does).
    ///
    /// # Panics
    /// When called from a thread that drives a runtime (inside a task or
    /// another `block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        // `block_in_place` is allowed here, on either flavour, as in Tokio.
        let _enter = context::enter_runtime(self.clone(), true, None);
        block_on::block_on(future)
    }

    /// The flag a task's panic raises, with `UnhandledPanic::ShutdownRuntime`.
    pub(crate) fn panic_flag(&self) -> Option<&Arc<panic::PanicFlag>> {
        match &self.inner {
            Inner::Multi(_) => None,
            Inner::Current(shared) => shared.panic_flag.as_ref(),
        }
    }

    /// The next seed of this runtime's seed stream (see `rand.rs`).
    pub(crate) fn next_seed(&self) -> u64 {
        match &self.inner {
            Inner::Multi(shared) => shared.seeds.next_seed(),
            Inner::Current(shared) => shared.seeds.next_seed(),
        }
    }

    /// Makes this the current runtime of this thread until the guard drops, so
    /// `spawn` and `Handle::current` work outside of tasks.
    pub fn enter(&self) -> EnterGuard {
        EnterGuard {
            _guard: context::set_handle(self.clone()),
            _not_send: std::marker::PhantomData,
        }
    }

    /// Number of tasks spawned and not yet completed (diagnostics, tests).
    pub fn num_alive_tasks(&self) -> usize {
        match &self.inner {
            Inner::Multi(shared) => shared.owned.len(),
            Inner::Current(shared) => shared.owned.len(),
        }
    }

    /// Tasks spawned on the scheduler since the runtime was built.
    pub fn spawned_tasks_count(&self) -> u64 {
        match &self.inner {
            Inner::Multi(shared) => shared.owned.bound_count(),
            Inner::Current(shared) => shared.owned.bound_count(),
        }
    }

    /// Number of live blocking-pool threads (diagnostics, tests).
    pub fn num_blocking_threads(&self) -> usize {
        self.blocking().num_threads()
    }

    /// Number of worker threads: 1 for the current-thread flavour.
    pub fn num_workers(&self) -> usize {
        match &self.inner {
            Inner::Multi(shared) => shared.metrics.len(),
            Inner::Current(_) => 1,
        }
    }

    /// Number of tasks in the shared (injection) queue.
    pub fn global_queue_depth(&self) -> usize {
        match &self.inner {
            Inner::Multi(shared) => shared.injector.len(),
            Inner::Current(shared) => shared.remote_len(),
        }
    }

    /// Per-worker counters of worker `worker`.
    ///
    /// # Panics
    /// If `worker` is not below [`num_workers`](Handle::num_workers).
    #[track_caller]
    pub fn worker_metrics(&self, worker: usize) -> &WorkerMetrics {
        match &self.inner {
            Inner::Multi(shared) => &shared.metrics[worker],
            Inner::Current(shared) => {
                assert!(worker == 0, "worker index {worker} out of range (1 worker)");
                &shared.metrics
            }
        }
    }

    /// A snapshot of every live task (see `dump.rs`), ordered by id.
    pub fn dump_tasks(&self) -> Vec<TaskDump> {
        let mut tasks = Vec::new();
        let observe = self.observe();
        let state_of = |info: runtime_core::TaskInfo<'_>| {
            if info.is_running() {
                let id = info.id().as_u64();
                let worker = observe.slots.iter().position(|s| s.current() == Some(id));
                TaskState::Running { worker }
            } else if info.is_notified() {
                TaskState::Scheduled
            } else {
                TaskState::Idle
            }
        };
        let mut add = |info: runtime_core::TaskInfo<'_>, state| {
            tasks.push(TaskDump::new(info, state));
        };
        match &self.inner {
            Inner::Multi(shared) => shared.owned.for_each(|t| add(t.info(), state_of(t.info()))),
            Inner::Current(shared) => shared.owned.for_each(|t| add(t.info(), state_of(t.info()))),
        }
        self.blocking().for_each_task(|info, running| {
            add(info, TaskState::Blocking { running });
        });
        tasks.sort_by_key(|t| t.id());
        tasks
    }

    /// The name and spawn site of live task `id` (a walk of the task list).
    pub(crate) fn task_about(&self, id: runtime_core::Id) -> Option<observe::TaskAbout> {
        let mut found = None;
        let mut look = |info: runtime_core::TaskInfo<'_>| {
            if info.id() == id {
                found = Some((info.name(), info.spawned_at()));
            }
        };
        match &self.inner {
            Inner::Multi(shared) => shared.owned.for_each(|t| look(t.info())),
            Inner::Current(shared) => shared.owned.for_each(|t| look(t.info())),
        }
        found
    }

    /// Tasks scheduled from outside the runtime's threads.
    pub fn remote_schedule_count(&self) -> u64 {
        self.observe()
            .remote_schedules
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Closures waiting in the blocking pool's queue.
    pub fn blocking_queue_depth(&self) -> usize {
        self.blocking().queue_depth()
    }

    /// Idle threads of the blocking pool.
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.blocking().num_idle_threads()
    }

    /// The poll-time histogram's bucket bounds, when it is enabled.
    pub fn poll_time_histogram_bounds(&self) -> Option<&[Duration]> {
        self.observe().histogram.as_deref()
    }

    fn observe(&self) -> &Arc<observe::Observe> {
        match &self.inner {
            Inner::Multi(shared) => &shared.observe,
            Inner::Current(shared) => &shared.observe,
        }
    }

    /// Starts the long-poll watchdog if the config asks for one; it looks
    /// task names up through a weak reference to the scheduler.
    fn start_watchdog(&self) {
        let weak = self.downgrade();
        self.observe()
            .start_watchdog(Box::new(move |id| weak.upgrade()?.task_about(id)));
    }

    /// A reference to this runtime that does not keep it alive.
    pub fn downgrade(&self) -> WeakHandle {
        let inner = match &self.inner {
            Inner::Multi(shared) => WeakInner::Multi(Arc::downgrade(shared)),
            Inner::Current(shared) => WeakInner::Current(Arc::downgrade(shared)),
        };
        WeakHandle { inner }
    }

    fn blocking(&self) -> &blocking::BlockingPool {
        match &self.inner {
            Inner::Multi(shared) => &shared.blocking,
            Inner::Current(shared) => &shared.blocking,
        }
    }

    /// A process-unique, never-zero number for this runtime: two runtimes
    /// alive at the same time (or ever, in one process) never share it.
    pub fn id(&self) -> u64 {
        match &self.inner {
            Inner::Multi(shared) => shared.owned.id(),
            Inner::Current(shared) => shared.owned.id(),
        }
    }

    /// True when both handles refer to the same runtime.
    pub fn ptr_eq(&self, other: &Handle) -> bool {
        match (&self.inner, &other.inner) {
            (Inner::Multi(a), Inner::Multi(b)) => Arc::ptr_eq(a, b),
            (Inner::Current(a), Inner::Current(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.flavor())
            .finish()
    }
}

/// Keeps a runtime entered on this thread; see [`Handle::enter`].
///
/// Guards must be dropped in the reverse order they were acquired (dropping
/// one out of order panics), and on the thread that acquired them: like
/// Tokio's, the guard is not `Send`.
#[must_use = "the runtime is only entered while the guard lives"]
pub struct EnterGuard {
    _guard: context::SetHandleGuard,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish()
    }
}

/// Spawns a task onto the current runtime.
///
/// # Panics
/// Outside a runtime context.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    context::spawn(future, std::panic::Location::caller())
}

/// Runs a blocking closure on the current runtime's blocking pool.
///
/// # Panics
/// Outside a runtime context.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    // The panic is outside the closure, which would hide the caller; the
    // spawn site is passed in explicitly for the same reason.
    let site = std::panic::Location::caller();
    let spawned = runtime_core::task_meta::with_spawn_meta(site, None, || {
        context::with_current(|h| h.map(|h| h.spawn_blocking(f))).flatten()
    });
    match spawned {
        Some(join) => join,
        None => panic!("{}", context::NO_RUNTIME),
    }
}

/// A running scheduler with its threads. Dropping it shuts it down: workers
/// stop, every task still held is dropped (its `JoinHandle` sees a
/// cancellation), and blocking threads are waited for.
pub struct Runtime {
    handle: Handle,
    workers: Vec<thread::JoinHandle<()>>,
    shut_down: bool,
}

// Unwind safety: the scheduler's handle is (see `Handle`); the rest is the
// workers' `std::thread::JoinHandle`s, only joined at shutdown.
impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}

impl Runtime {
    /// Builds a runtime and, for the multi-thread flavour, starts its workers.
    pub fn new(flavor: Flavor, mut config: Config) -> io::Result<Runtime> {
        if config.worker_threads == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "worker_threads must be at least 1",
            ));
        }
        if config.event_interval == 0 || config.global_queue_interval == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "event_interval and global_queue_interval must be at least 1",
            ));
        }
        if config.max_blocking_threads == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "max_blocking_threads must be at least 1",
            ));
        }
        // A task out of budget on a scheduler thread is woken after the next
        // look at I/O and timers. Installed here, once per runtime, not at
        // each `set_scheduler`: that was 8 instructions per `block_on`
        // (callgrind, `instr block_on`; BENCHMARKS.md, eighth session).
        runtime_core::coop::install_defer(crate::defer::defer);
        match flavor {
            Flavor::CurrentThread => {
                let park = config
                    .park
                    .take()
                    .unwrap_or_else(|| Box::new(ThreadParker::new()));
                let shared = current_thread::Shared::new(&config, park);
                let handle = Handle {
                    inner: Inner::Current(shared.clone()),
                };
                shared.blocking.set_handle(handle.clone());
                handle.start_watchdog();
                Ok(Runtime {
                    handle,
                    workers: Vec::new(),
                    shut_down: false,
                })
            }
            Flavor::MultiThread => {
                let parkers: Vec<Box<dyn Park>> = (0..config.worker_threads)
                    .map(|_| match config.worker_park.as_mut() {
                        Some(make) => make(),
                        None => Box::new(ThreadParker::new()) as Box<dyn Park>,
                    })
                    .collect();
                if config.unhandled_panic == UnhandledPanic::ShutdownRuntime {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "UnhandledPanic::ShutdownRuntime is only supported by the current-thread \
                         runtime",
                    ));
                }
                let (shared, cores) = multi_thread::Shared::new(&config, parkers);
                let handle = Handle::multi_thread(shared.clone());
                shared.blocking.set_handle(handle.clone());
                handle.start_watchdog();
                let mut rt = Runtime {
                    handle,
                    workers: Vec::with_capacity(cores.len()),
                    shut_down: false,
                };
                let mut cores = cores.into_iter().enumerate();
                while let Some((index, core)) = cores.next() {
                    let start = config.on_thread_start.clone();
                    let stop = config.on_thread_stop.clone();
                    let mut builder = thread::Builder::new().name((config.thread_name)());
                    if let Some(size) = config.thread_stack_size {
                        builder = builder.stack_size(size);
                    }
                    // Handed over through its slot: if the thread cannot
                    // start, the core is still there for the shutdown.
                    *shared.handoff[index].lock() = Some(core);
                    let taker = shared.clone();
                    let worker = builder.spawn(move || {
                        if let Some(f) = start {
                            f();
                        }
                        let core = taker.handoff[index].lock().take();
                        drop(taker);
                        if let Some(core) = core {
                            multi_thread::worker::run(core);
                        }
                        if let Some(f) = stop {
                            f();
                        }
                    });
                    match worker {
                        Ok(worker) => rt.workers.push(worker),
                        Err(e) => {
                            // Dropping `rt` stops the workers started so far
                            // and exits the cores no thread took.
                            for (index, core) in cores {
                                *shared.handoff[index].lock() = Some(core);
                            }
                            return Err(e);
                        }
                    }
                }
                Ok(rt)
            }
        }
    }

    /// The handle of this runtime.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Runs `future` to completion on this thread. On the multi-thread flavour
    /// spawned tasks run on the workers meanwhile; on the current-thread flavour
    /// they run here, interleaved with `future`.
    ///
    /// # Panics
    /// When called from a thread that drives a runtime.
    #[inline]
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match &self.handle.inner {
            Inner::Multi(_) => self.handle.block_on(future),
            Inner::Current(shared) => shared.block_on(&self.handle, future),
        }
    }

    /// Shuts down, waiting at most `timeout` for blocking threads to finish;
    /// the rest are detached.
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(timeout));
    }

    /// Shuts down in place (as drop does), waiting at most `blocking_timeout`
    /// (or indefinitely) for blocking threads. Later calls do nothing.
    pub fn shutdown(&mut self, blocking_timeout: Option<Duration>) {
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        self.handle.observe().shutdown();
        if let Inner::Multi(shared) = &self.handle.inner {
            // Told first, so that even a shutdown refused below stops the
            // workers: each exits after its current task, and the last one
            // cancels the remaining tasks (`worker::run`).
            shared.begin_shutdown();
        }
        if context::is_entered() {
            // Waiting for workers or blocking threads from here could deadlock
            // (this thread may be one of them). Don't wait: release the
            // blocking pool (it holds the scheduler).
            self.handle.blocking().shutdown(Some(Duration::ZERO));
            if blocking_timeout == Some(Duration::ZERO) {
                // `shutdown_background` / `shutdown_timeout(ZERO)` asked for no
                // wait, so this is fine here, as in Tokio: the workers, told
                // above, exit on their own (detached: their handles drop) and
                // the last one out cancels the tasks; a current-thread
                // runtime cancels them now, which waits for nothing.
                if let Inner::Current(shared) = &self.handle.inner {
                    let _enter = context::set_handle(self.handle.clone());
                    shared.shutdown();
                }
                return;
            }
            // Only a drop (or a non-zero timeout) gets here: refuse loudly.
            if !thread::panicking() {
                panic!(
                    "Cannot drop a runtime in a context where blocking is not allowed. This \
                     happens when a runtime is dropped from within an asynchronous context (a \
                     task or `block_on`). Drop it outside, move it into `spawn_blocking`, or \
                     call `shutdown_background()`, which does not wait."
                );
            }
            return;
        }
        // Destructors of cancelled tasks see this runtime as current.
        let _enter = context::set_handle(self.handle.clone());
        match &self.handle.inner {
            Inner::Multi(shared) => {
                shared.wait_cores_exited();
                // The worker threads: some may have given their core away
                // in `block_in_place` and still run its closure; like
                // blocking threads, they are waited for up to the timeout.
                let deadline = blocking_timeout.map(|t| std::time::Instant::now() + t);
                for worker in self.workers.drain(..) {
                    if let Some(deadline) = deadline {
                        while !worker.is_finished() && std::time::Instant::now() < deadline {
                            thread::sleep(Duration::from_millis(1));
                        }
                        if !worker.is_finished() {
                            continue; // detached
                        }
                    }
                    // A worker only panics on a bug in the scheduler itself (task
                    // panics are caught); don't turn that into a double panic.
                    let _ = worker.join();
                }
                shared.shutdown_tasks();
            }
            Inner::Current(shared) => shared.shutdown(),
        }
        self.handle.blocking().shutdown(blocking_timeout);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &self.handle.flavor())
            .field("workers", &self.workers.len())
            .finish()
    }
}
