//! The multi-thread, work-stealing scheduler.
//!
//! One worker thread per core, each with a `crossbeam_deque::Worker` run queue
//! whose `Stealer` the other workers use, a LIFO slot for the task most recently
//! woken by the running task, and a shared `Injector` for tasks scheduled from
//! outside the pool. The worker loop, and how a worker's core moves to another
//! thread for `block_in_place`, is in `worker.rs`; who searches and who
//! sleeps is in `idle.rs`; this file holds the shared state and how a task gets
//! into a queue.

pub(crate) mod idle;
#[cfg(all(test, loom))]
mod loom_model;
#[cfg(all(test, loom))]
mod loom_model_handoff;
pub(crate) mod worker;

use crate::context::{self, Scheduler as Ctx};
use crate::rand::SeedGenerator;
use crate::{blocking::BlockingPool, Config};
use crossbeam_deque::{Injector, Stealer};
use runtime_core::lock::{Condvar, Mutex};
use runtime_core::{JoinHandle, Notified, OwnedTasks, Park, Schedule, Task, Unpark};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;
use worker::CorePtr;

/// The scheduler handle every task of this pool carries.
#[derive(Clone)]
pub(crate) struct Scheduler(pub(crate) Arc<Shared>);

/// State shared by all workers and handles of one pool.
pub(crate) struct Shared {
    pub(crate) injector: Injector<Notified<Scheduler>>,
    pub(crate) stealers: Box<[Stealer<Notified<Scheduler>>]>,
    /// Wakes worker `i` from its parker.
    pub(crate) unparkers: Box<[Arc<dyn Unpark>]>,
    pub(crate) idle: idle::Idle,
    pub(crate) owned: OwnedTasks<Scheduler>,
    pub(crate) shutdown: AtomicBool,
    /// Cores not yet exited; the last one out runs `shutdown_tasks`.
    pub(crate) workers_running: AtomicUsize,
    /// `workers_running` reached 0 (notified under `exit_lock`).
    exit_lock: Mutex<()>,
    exit_cv: Condvar,
    /// Core `i` while it travels from a worker in `block_in_place` to the
    /// thread that will run it (`worker::hand_off`).
    pub(crate) handoff: Box<[Mutex<Option<CorePtr>>]>,
    /// Seeds of the workers' and the threads' generators (`rand.rs`).
    pub(crate) seeds: SeedGenerator,
    pub(crate) blocking: BlockingPool,
    /// Counters of worker `i`, written only by it.
    pub(crate) metrics: Box<[crate::WorkerMetrics]>,
    /// Hooks, what each worker polls now, the watchdog (`observe.rs`).
    pub(crate) observe: Arc<crate::observe::Observe>,
    pub(crate) event_interval: u32,
    pub(crate) global_queue_interval: u32,
    pub(crate) on_park: Option<crate::ThreadHook>,
    pub(crate) on_unpark: Option<crate::ThreadHook>,
}

impl Shared {
    /// Creates the shared state and each worker's core (not yet running), one
    /// worker per parker.
    pub(crate) fn new(config: &Config, parkers: Vec<Box<dyn Park>>) -> (Arc<Shared>, Vec<CorePtr>) {
        let n = parkers.len();
        let queues: Vec<_> = (0..n)
            .map(|_| crossbeam_deque::Worker::new_fifo())
            .collect();
        let shared = Arc::new(Shared {
            injector: Injector::new(),
            stealers: queues.iter().map(|q| q.stealer()).collect(),
            unparkers: parkers.iter().map(|p| p.unparker()).collect(),
            idle: idle::Idle::new(n),
            owned: OwnedTasks::new(n),
            shutdown: AtomicBool::new(false),
            workers_running: AtomicUsize::new(n),
            exit_lock: Mutex::new(()),
            exit_cv: Condvar::new(),
            handoff: (0..n).map(|_| Mutex::new(None)).collect(),
            seeds: SeedGenerator::new(&config.rng_seed),
            blocking: BlockingPool::new(config),
            metrics: (0..n)
                .map(|_| crate::WorkerMetrics::new(histogram_buckets(config)))
                .collect(),
            observe: crate::observe::Observe::new(&config.observe, n),
            event_interval: config.event_interval,
            global_queue_interval: config.global_queue_interval,
            on_park: config.on_thread_park.clone(),
            on_unpark: config.on_thread_unpark.clone(),
        });
        // Seeds drawn in index order, so a seeded runtime's workers get the
        // same ones every time.
        let cores = queues
            .into_iter()
            .zip(parkers)
            .enumerate()
            .map(|(index, (queue, park))| {
                let seeds = [shared.seeds.next_seed(), shared.seeds.next_seed()];
                worker::new_core(
                    &shared,
                    index,
                    queue,
                    park,
                    seeds,
                    !config.disable_lifo_slot,
                )
            })
            .collect();
        (shared, cores)
    }

    /// A core stops for good (shutdown): frees it, and the last one out
    /// cancels what is left, so tasks are dropped even when the runtime's own
    /// shutdown could not wait for the workers (it was dropped from inside a
    /// task: a refused, panicking shutdown).
    pub(crate) fn exit_core(self: &Arc<Self>, core: CorePtr) {
        core.free();
        if self.workers_running.fetch_sub(1, SeqCst) == 1 {
            self.shutdown_tasks();
            drop(self.exit_lock.lock());
            self.exit_cv.notify_all();
        }
    }

    /// Called by the runtime's shutdown after `begin_shutdown`: waits until
    /// every core has exited. A core waiting in a hand-off slot (its new
    /// thread not started: the blocking pool is busy) exits here instead.
    pub(crate) fn wait_cores_exited(self: &Arc<Self>) {
        loop {
            for slot in self.handoff.iter() {
                let core = slot.lock().take();
                if let Some(core) = core {
                    self.exit_core(core);
                }
            }
            let mut guard = self.exit_lock.lock();
            if self.workers_running.load(SeqCst) == 0 {
                return;
            }
            // A timeout, to look at the slots again: a task still running
            // may hand its core off after the look above.
            self.exit_cv.wait_for(&mut guard, Duration::from_millis(10));
        }
    }

    /// Spawns a task onto the pool. Inlined into `Handle::spawn_at`, as it
    /// was before spawn sites: out of line, the future is copied once more
    /// on its way into the cell (callgrind, `chained_spawn_mt`: 854 -> 834
    /// instructions per link, means of 4 runs).
    #[inline]
    pub(crate) fn spawn<F>(
        self: &Arc<Self>,
        future: F,
        site: &'static std::panic::Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, notified, join) = runtime_core::spawn_at(future, Scheduler(self.clone()), site);
        self.observe.spawned(task.info());
        if let Some(notified) = self.owned.bind(task, notified) {
            self.schedule_task(notified, false);
        }
        join
    }

    /// Queues a task: onto this worker's LIFO slot or queue when called from one
    /// of our workers, onto the injector otherwise.
    fn schedule_task(&self, task: Notified<Scheduler>, is_yield: bool) {
        self.observe.scheduled(&task);
        if let Ctx::Worker(local) = context::scheduler() {
            // SAFETY: the context only holds a worker pointer while that worker's
            // loop runs on this thread, with `Local` alive on its stack.
            let local = unsafe { &*local };
            if std::ptr::eq(&*local.shared, self) {
                return local.schedule_local(task, is_yield);
            }
        }
        self.push_remote(task);
    }

    fn push_remote(&self, task: Notified<Scheduler>) {
        self.observe
            .remote_schedules
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.injector.push(task);
        if self.shutdown.load(SeqCst) {
            // Raced with shutdown, which may already have drained the injector:
            // drain again so the task's reference is not stranded.
            self.drain_injector();
        } else {
            self.notify_parked();
        }
    }

    /// Wakes one sleeping worker if new work may need one.
    pub(crate) fn notify_parked(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.unparkers[index].unpark();
        }
    }

    pub(crate) fn drain_injector(&self) {
        loop {
            match self.injector.steal() {
                crossbeam_deque::Steal::Success(task) => drop(task),
                crossbeam_deque::Steal::Retry => continue,
                crossbeam_deque::Steal::Empty => break,
            }
        }
    }

    /// Stops the workers: they finish the task they are polling, drop their
    /// queues and exit. The caller joins them, then calls `shutdown_tasks`.
    pub(crate) fn begin_shutdown(&self) {
        self.shutdown.store(true, SeqCst);
        for (index, unparker) in self.unparkers.iter().enumerate() {
            self.idle.unpark_worker_by_id(index);
            unparker.unpark();
        }
    }

    /// Cancels every task still owned and drops anything left queued.
    /// Idempotent: the last worker to exit and the runtime's shutdown both
    /// call it.
    pub(crate) fn shutdown_tasks(&self) {
        self.owned.close_and_shutdown_all();
        self.drain_injector();
        // A worker's queue buffer outlives the worker: the stealers here share
        // it. Entries left in it would hold their tasks, and the tasks this
        // `Shared`, in a cycle; empty them.
        for stealer in self.stealers.iter() {
            loop {
                match stealer.steal() {
                    crossbeam_deque::Steal::Success(task) => drop(task),
                    crossbeam_deque::Steal::Retry => continue,
                    crossbeam_deque::Steal::Empty => break,
                }
            }
        }
    }
}

impl Schedule for Scheduler {
    fn schedule(&self, task: Notified<Self>) {
        self.0.schedule_task(task, false);
    }

    fn yield_now(&self, task: Notified<Self>) {
        self.0.schedule_task(task, true);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.observe.terminated(task.info());
        self.0.owned.remove(task)
    }
}

/// Buckets of each worker's poll-time histogram: one per bound, plus the
/// unbounded last one; none without the histogram.
pub(crate) fn histogram_buckets(config: &Config) -> usize {
    config
        .observe
        .poll_time_histogram
        .as_ref()
        .map_or(0, |bounds| bounds.len() + 1)
}
