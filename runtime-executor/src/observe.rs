//! What the schedulers tell about themselves: task hooks, the per-worker
//! "what is running now" slots behind task dumps and the long-poll watchdog,
//! and the watchdog itself.
//!
//! # Design
//!
//! Every poll goes through [`run_task`], shared by both flavours: it writes
//! the task's id, spawn site and start time (the coarse clock of
//! `runtime_core::task_meta`, no system call) into its worker's
//! [`WorkerSlot`], calls the before/after-poll hooks when set, polls, clears
//! the slot and counts the poll in the worker's [`WorkerMetrics`]. A slot and
//! a worker's counters are written by one thread only (the one running that
//! worker's core) with plain relaxed stores, each worker on its own cache
//! lines, so the bookkeeping costs no cross-core traffic; readers (dumps,
//! metrics, the watchdog) load them from anywhere.
//!
//! The watchdog is one thread per runtime, started when
//! `Config::observe.long_poll` is set. Each tick (an eighth of the threshold,
//! 1 to 100 ms) it advances the coarse clock and looks at every slot (the
//! running task's id and start stamp; its name and spawn site are looked up
//! in the task list only when it is reported): a poll
//! that started at least threshold + one tick ago (the start stamp may lag by
//! a tick) and is still running is reported once, while it is still blocked,
//! through the `on_long_poll` hook (default: one rate-limited line on
//! stderr). Blocking-pool threads have no slot, and a task that hands its
//! core away in `block_in_place` clears its slot first, so blocking code run
//! the sanctioned ways is never reported. The watchdog holds only weak
//! references and exits at runtime shutdown.

use crate::metrics::WorkerMetrics;
use crossbeam_utils::CachePadded;
use runtime_core::lock::{Condvar, Mutex};
use runtime_core::task_meta;
use runtime_core::{Id, Notified, Schedule, TaskInfo};
use std::fmt;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

/// A task as the task hooks see it: its id and spawn site (Tokio's
/// `runtime::TaskMeta`).
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// let sites = Arc::new(Mutex::new(Vec::new()));
/// let seen = sites.clone();
/// let rt = runtime::Builder::new_current_thread()
///     .on_task_spawn(move |meta: &runtime::runtime::TaskMeta<'_>| {
///         seen.lock().unwrap().push((meta.id(), meta.spawned_at().line()));
///     })
///     .build()
///     .unwrap();
/// let line = line!() + 1;
/// let task = rt.spawn(async {});
/// assert_eq!(sites.lock().unwrap()[0], (task.id(), line));
/// ```
#[derive(Clone, Copy)]
pub struct TaskMeta<'a> {
    id: Id,
    spawned_at: &'static Location<'static>,
    _lifetime: PhantomData<&'a ()>,
}

impl TaskMeta<'_> {
    pub(crate) fn new(id: Id, spawned_at: &'static Location<'static>) -> Self {
        TaskMeta {
            id,
            spawned_at,
            _lifetime: PhantomData,
        }
    }

    pub(crate) fn of(info: TaskInfo<'_>) -> Self {
        TaskMeta::new(info.id(), info.spawned_at())
    }

    /// The task's id.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_task_terminate(|meta| println!("task {} done", meta.id()))
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// Where the task was spawned (the caller of `spawn`, `spawn_local`,
    /// `spawn_blocking`, `JoinSet::spawn`, `task::Builder::spawn`, ...).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_before_task_poll(|meta| assert!(meta.spawned_at().file().ends_with(".rs")))
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// ```
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.spawned_at
    }
}

impl fmt::Debug for TaskMeta<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskMeta")
            .field("id", &self.id)
            .field("spawned_at", &self.spawned_at)
            .finish()
    }
}

/// A task hook (`Builder::on_task_spawn` and friends).
pub type TaskHook = Arc<dyn Fn(&TaskMeta<'_>) + Send + Sync>;

/// What the long-poll detector reports: a task whose current poll has run
/// longer than the threshold, found while it is still running.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use std::time::Duration;
///
/// let (tx, rx) = mpsc::channel();
/// let tx = std::sync::Mutex::new(tx);
/// let rt = runtime::Builder::new_current_thread()
///     .warn_on_long_poll(Duration::from_millis(20))
///     .on_long_poll(move |info: &runtime::runtime::LongPoll| {
///         let _ = tx.lock().unwrap().send((info.spawned_at().line(), info.elapsed()));
///     })
///     .build()
///     .unwrap();
/// let line = line!() + 1;
/// let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(200)) });
/// rt.block_on(task).unwrap();
/// let (at, elapsed) = rx.recv().unwrap();
/// assert_eq!(at, line);
/// assert!(elapsed >= Duration::from_millis(20));
/// ```
#[derive(Debug, Clone)]
pub struct LongPoll {
    id: Id,
    name: Option<String>,
    spawned_at: &'static Location<'static>,
    worker: usize,
    elapsed: Duration,
}

impl LongPoll {
    /// The task's id.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_long_poll(|info| eprintln!("task {} blocks", info.id()))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// The task's name (`task::Builder::name`), if it has one.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_long_poll(|info| eprintln!("{:?} blocks", info.name()))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the task was spawned.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_long_poll(|info| eprintln!("spawned at {}", info.spawned_at()))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.spawned_at
    }

    /// The worker whose thread the poll blocks (0 on a current-thread
    /// runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_long_poll(|info| eprintln!("worker {} is stuck", info.worker()))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn worker(&self) -> usize {
        self.worker
    }

    /// How long the poll had been running when it was noticed.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_long_poll(|info| eprintln!("for {:?}", info.elapsed()))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Display for LongPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {}", self.id)?;
        if let Some(name) = &self.name {
            write!(f, " ({name:?})")?;
        }
        write!(
            f,
            " spawned at {} has been polled for {} ms on worker {} without yielding; \
             move blocking work to spawn_blocking or block_in_place",
            self.spawned_at,
            self.elapsed.as_millis(),
            self.worker
        )
    }
}

/// A live task's name and spawn site (the watchdog's look-up).
pub(crate) type TaskAbout = (Option<String>, &'static Location<'static>);

/// The long-poll hook (`Builder::on_long_poll`).
pub type LongPollHook = Arc<dyn Fn(&LongPoll) + Send + Sync>;

/// The observability settings of a runtime (filled in by the facade's
/// `Builder`).
#[derive(Clone, Default)]
pub struct ObserveConfig {
    /// Called after a task is allocated, before it is first scheduled.
    pub on_task_spawn: Option<TaskHook>,
    /// Called when a task completes (or is cancelled).
    pub on_task_terminate: Option<TaskHook>,
    /// Called on the worker before each poll.
    pub on_before_task_poll: Option<TaskHook>,
    /// Called on the worker after each poll.
    pub on_after_task_poll: Option<TaskHook>,
    /// Report polls running longer than this (starts the watchdog thread).
    pub long_poll: Option<Duration>,
    /// Where reports go (default: one rate-limited line on stderr).
    pub on_long_poll: Option<LongPollHook>,
    /// Upper bounds of the poll-time histogram's buckets (the last bucket is
    /// unbounded); `Some` turns precise per-poll timing on.
    pub poll_time_histogram: Option<Vec<Duration>>,
    /// Per-task tracking for dumps: each task's poll count, the stamp of
    /// its last poll or wake, and the task it awaits.
    pub track_tasks: bool,
}

impl fmt::Debug for ObserveConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObserveConfig")
            .field("long_poll", &self.long_poll)
            .field("poll_time_histogram", &self.poll_time_histogram)
            .field("track_tasks", &self.track_tasks)
            .finish_non_exhaustive()
    }
}

/// What worker `i` is polling now; written only by the thread running that
/// worker's core.
#[repr(align(128))]
pub(crate) struct WorkerSlot {
    task: AtomicU64,
    start_ms: AtomicU32,
}

impl WorkerSlot {
    fn new() -> WorkerSlot {
        WorkerSlot {
            task: AtomicU64::new(0),
            start_ms: AtomicU32::new(0),
        }
    }

    /// The task being polled on this worker, if any.
    pub(crate) fn current(&self) -> Option<u64> {
        match self.task.load(Relaxed) {
            0 => None,
            id => Some(id),
        }
    }

    /// The poll in progress ended without this thread (the core moved on).
    pub(crate) fn clear(&self) {
        self.task.store(0, Relaxed);
    }
}

/// A runtime's hooks, slots and watchdog.
pub(crate) struct Observe {
    pub(crate) on_task_spawn: Option<TaskHook>,
    pub(crate) on_task_terminate: Option<TaskHook>,
    on_before_task_poll: Option<TaskHook>,
    on_after_task_poll: Option<TaskHook>,
    pub(crate) slots: Box<[WorkerSlot]>,
    pub(crate) histogram: Option<Box<[Duration]>>,
    /// Tasks scheduled from outside the runtime's threads. On its own cache
    /// lines: it is written by spawning and waking threads outside the
    /// runtime, and the fields around it are read by every worker on every
    /// poll; sharing a line with them made `spawn_many_remote` 9% slower
    /// (0.461 against 0.422 of Tokio's time, medians of 6 processes each,
    /// BENCHMARKS.md, fifth session).
    pub(crate) remote_schedules: CachePadded<AtomicU64>,
    /// `ObserveConfig::track_tasks`.
    pub(crate) track: bool,
    /// A before- or after-poll hook is set.
    poll_hooks: bool,
    long_poll: Option<(Duration, LongPollHook)>,
    stop: Mutex<bool>,
    stop_cv: Condvar,
}

impl Observe {
    pub(crate) fn new(config: &ObserveConfig, workers: usize) -> Arc<Observe> {
        Arc::new(Observe {
            on_task_spawn: config.on_task_spawn.clone(),
            on_task_terminate: config.on_task_terminate.clone(),
            on_before_task_poll: config.on_before_task_poll.clone(),
            on_after_task_poll: config.on_after_task_poll.clone(),
            slots: (0..workers).map(|_| WorkerSlot::new()).collect(),
            histogram: config
                .poll_time_histogram
                .clone()
                .map(Vec::into_boxed_slice),
            remote_schedules: CachePadded::new(AtomicU64::new(0)),
            track: config.track_tasks,
            poll_hooks: config.on_before_task_poll.is_some() || config.on_after_task_poll.is_some(),
            long_poll: config.long_poll.map(|t| {
                let hook = config
                    .on_long_poll
                    .clone()
                    .unwrap_or_else(default_long_poll_hook);
                (t, hook)
            }),
            stop: Mutex::new(false),
            stop_cv: Condvar::new(),
        })
    }

    /// Sets what the threads that poll this runtime's tasks record per
    /// poll (see `runtime_core::task_meta::set_thread_tracking`).
    #[inline]
    pub(crate) fn set_thread_tracking(&self) {
        task_meta::set_thread_tracking(self.track, self.histogram.is_some());
    }

    /// A task is queued by a wake (or its spawn): stamped when tracking.
    #[inline(always)]
    pub(crate) fn scheduled<S: Schedule>(&self, task: &Notified<S>) {
        if self.track {
            task.task().note_woken();
        }
    }

    /// A task was spawned (before its first schedule).
    #[inline(always)]
    pub(crate) fn spawned(&self, info: TaskInfo<'_>) {
        if let Some(hook) = &self.on_task_spawn {
            call_hook(hook, info);
        }
    }

    /// A task completed (called from its scheduler's `release`).
    #[inline(always)]
    pub(crate) fn terminated(&self, info: TaskInfo<'_>) {
        if let Some(hook) = &self.on_task_terminate {
            call_hook(hook, info);
        }
    }

    /// Starts the watchdog when a long-poll threshold is set. `about`
    /// looks a live task's name and spawn site up (`None` once the task or
    /// the runtime is gone).
    pub(crate) fn start_watchdog(
        self: &Arc<Self>,
        about: Box<dyn Fn(Id) -> Option<TaskAbout> + Send + 'static>,
    ) {
        let Some((threshold, _)) = &self.long_poll else {
            return;
        };
        let threshold = *threshold;
        let tick = (threshold / 8).clamp(Duration::from_millis(1), Duration::from_millis(100));
        let weak = Arc::downgrade(self);
        task_meta::tick_clock();
        // A watchdog that cannot start only loses the reports.
        let _ = thread::Builder::new()
            .name("runtime-watchdog".into())
            .spawn(move || watchdog(weak, threshold, tick, about));
    }

    /// Stops the watchdog (runtime shutdown).
    pub(crate) fn shutdown(&self) {
        *self.stop.lock() = true;
        self.stop_cv.notify_all();
    }
}

/// What one worker's polls write to, resolved once per scheduler loop
/// rather than per poll: indexing the slots and the metrics by worker, and
/// testing three options, cost 13 instructions and two bounds checks per
/// poll (callgrind, `chained_spawn_mt`; BENCHMARKS.md, seventh session).
pub(crate) struct Poller<'a> {
    observe: &'a Observe,
    slot: &'a WorkerSlot,
    metrics: &'a WorkerMetrics,
    /// The long-poll watchdog is on: stamp each poll's start.
    stamp: bool,
    /// Poll hooks or the poll-time histogram: the out-of-line path.
    observed: bool,
}

impl Observe {
    /// Worker `worker`'s [`Poller`], counting into `metrics`.
    pub(crate) fn poller<'a>(&'a self, metrics: &'a WorkerMetrics, worker: usize) -> Poller<'a> {
        Poller {
            observe: self,
            slot: &self.slots[worker],
            metrics,
            stamp: self.long_poll.is_some(),
            observed: self.poll_hooks || self.histogram.is_some(),
        }
    }
}

/// Polls `task` on `poller`'s worker: slot, hooks, counters (see the module
/// docs). Returns false when the poll gave the core away (`block_in_place`)
/// and the caller must not touch the worker's state any more: `still_ours`
/// says whether it did.
///
/// The common case (no poll hooks, no histogram) is the first branch: two
/// stores to this worker's slot and one to its poll counter around the
/// poll; everything else is out of line.
#[inline]
pub(crate) fn run_task<S: Schedule>(
    poller: &Poller<'_>,
    task: Notified<S>,
    still_ours: impl FnOnce() -> bool,
) -> bool {
    let slot = poller.slot;
    if poller.stamp {
        slot.start_ms.store(task_meta::coarse_now_ms(), Relaxed);
    }
    slot.task.store(task.task().info().id().as_u64(), Relaxed);
    if poller.observed {
        return run_task_observed(poller.observe, poller.metrics, slot, task, still_ours);
    }
    task.run();
    if !still_ours() {
        return false;
    }
    slot.task.store(0, Relaxed);
    poller.metrics.count_poll(None);
    true
}

/// [`run_task`] with poll hooks or the poll-time histogram.
#[inline(never)]
fn run_task_observed<S: Schedule>(
    observe: &Observe,
    metrics: &WorkerMetrics,
    slot: &WorkerSlot,
    task: Notified<S>,
    still_ours: impl FnOnce() -> bool,
) -> bool {
    // The meta is copied before the poll, which may free the task.
    let meta = observe.poll_hooks.then(|| TaskMeta::of(task.task().info()));
    if let (Some(hook), Some(meta)) = (&observe.on_before_task_poll, &meta) {
        hook(meta);
    }
    task.run();
    if !still_ours() {
        return false;
    }
    slot.task.store(0, Relaxed);
    metrics.count_poll(observe.histogram.as_deref());
    if let (Some(hook), Some(meta)) = (&observe.on_after_task_poll, &meta) {
        hook(meta);
    }
    true
}

/// Calls a spawn or terminate hook (user code), out of the spawn and
/// release paths.
#[cold]
#[inline(never)]
fn call_hook(hook: &TaskHook, info: TaskInfo<'_>) {
    hook(&TaskMeta::of(info));
}

fn default_long_poll_hook() -> LongPollHook {
    // One line a second at most; the next line says how many were dropped.
    let last: Mutex<(Option<Instant>, u64)> = Mutex::new((None, 0));
    Arc::new(move |info: &LongPoll| {
        let mut last = last.lock();
        let now = Instant::now();
        if last.0.is_some_and(|t| now - t < Duration::from_secs(1)) {
            last.1 += 1;
            return;
        }
        let dropped = std::mem::take(&mut last.1);
        last.0 = Some(now);
        drop(last);
        if dropped > 0 {
            eprintln!("runtime: long poll: {info} ({dropped} more reports suppressed)");
        } else {
            eprintln!("runtime: long poll: {info}");
        }
    })
}

fn watchdog(
    observe: Weak<Observe>,
    threshold: Duration,
    tick: Duration,
    about: Box<dyn Fn(Id) -> Option<TaskAbout> + Send>,
) {
    let limit = (threshold + tick).as_millis() as u32;
    // The poll last reported on each worker: (task, start stamp).
    let mut reported: Vec<(u64, u32)> = Vec::new();
    loop {
        let Some(obs) = observe.upgrade() else { return };
        {
            let mut stop = obs.stop.lock();
            if !*stop {
                obs.stop_cv.wait_for(&mut stop, tick);
            }
            if *stop {
                return;
            }
        }
        let now = task_meta::tick_clock();
        reported.resize(obs.slots.len(), (0, 0));
        let mut found = Vec::new();
        for (worker, slot) in obs.slots.iter().enumerate() {
            let id = slot.task.load(Relaxed);
            let start = slot.start_ms.load(Relaxed);
            if id == 0 || start == 0 || slot.task.load(Relaxed) != id {
                continue;
            }
            let elapsed = now.saturating_sub(start);
            if elapsed < limit || reported[worker] == (id, start) {
                continue;
            }
            reported[worker] = (id, start);
            found.push((worker, id, elapsed));
        }
        let Some((_, hook)) = &obs.long_poll else {
            return;
        };
        let hook = hook.clone();
        drop(obs);
        // The hook is user code: no lock held, no strong reference kept.
        for (worker, id, elapsed) in found {
            // A task that finished meanwhile is not reported.
            let Some(id) = Id::from_u64(id) else { continue };
            let Some((name, site)) = about(id) else {
                continue;
            };
            hook(&LongPoll {
                id,
                name,
                spawned_at: site,
                worker,
                elapsed: Duration::from_millis(u64::from(elapsed)),
            });
        }
    }
}
