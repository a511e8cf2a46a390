//! Loom model of the sleep/wake protocol: no pushed task is stranded while
//! every worker sleeps, and a shutdown broadcast lets every worker exit.
//!
//! Two workers and the model's main thread, which pushes, waits until the
//! tasks ran, then shuts down. A worker runs the steps of `worker.rs` against
//! the real `Idle`: `next_task` (LIFO slot, own queue, an injector batch) →
//! `steal_work` (become a searcher if fewer than half search, steal half of the
//! other worker's queue, then the injector) → `park` (the last searcher to park
//! re-checks every queue; after each wake: shutdown? `is_parked`? own work?).
//!
//! A `Queue` (a loom `Mutex<VecDeque<u32>>` plus a length published like
//! crossbeam's indices) stands in for the injector and each crossbeam deque.
//! Each worker's parker has `ThreadParker`'s contract (one remembered unpark)
//! and may also hand back tasks its "I/O driver" woke, which land in that
//! worker's LIFO slot without notifying anyone, as `schedule_local` does while
//! parking. A lost wake-up leaves the main thread waiting for a task and every
//! worker asleep: loom reports the deadlock.
//!
//! Workers take `poll_events`' look on tick 0 and then re-check `shutdown`,
//! as `worker.rs` does: without that re-check this model found a worker
//! eating the shutdown broadcast's unpark and sleeping for good (a hang in
//! `Runtime::drop`, since fixed).
//!
//! Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-executor --release --lib loom_model`.

use super::idle::Idle;
use loom::sync::atomic::{AtomicBool, AtomicUsize};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use std::collections::VecDeque;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

const WORKERS: usize = 2;

/// `worker.rs`'s `EVENT_INTERVAL`: a non-blocking look at I/O on tick 0.
const EVENT_INTERVAL: u32 = 61;

/// `loom::model` with a preemption bound of 2 (unless `LOOM_MAX_PREEMPTIONS`
/// is set): every interleaving with up to two forced context switches. That
/// already finds a lost wake-up when either `SeqCst` fence of `Idle` or the
/// last searcher's re-check is taken out, and keeps the two-push model
/// near a minute on a busy 2-core machine (a bound of 3 takes minutes).
/// With `LOOM_LOG=trace` (and `LOOM_LOCATION=1`) set, `loom::model` itself
/// runs it, which prints the trace of the failing interleaving.
fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    if std::env::var_os("LOOM_LOG").is_some() {
        return loom::model(f);
    }
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(f);
}

/// A run queue. The tasks sit behind a mutex, but whether it is empty is
/// published after every change (`Release`) and read without the lock
/// (`Acquire`), as crossbeam's indices are: a look at another thread's
/// queue may be stale, and only the fences in `Idle` order it against the
/// sleep state. (Loom treats `SeqCst` accesses as `AcqRel` anyway.)
struct Queue {
    tasks: Mutex<VecDeque<u32>>,
    len: AtomicUsize,
}

impl Queue {
    fn new() -> Queue {
        Queue {
            tasks: Mutex::new(VecDeque::new()),
            len: AtomicUsize::new(0),
        }
    }

    fn is_empty(&self) -> bool {
        self.len.load(Acquire) == 0
    }

    /// Changes the tasks under the lock and publishes the new length.
    fn with<R>(&self, f: impl FnOnce(&mut VecDeque<u32>) -> R) -> R {
        let mut tasks = self.tasks.lock().unwrap();
        let r = f(&mut tasks);
        self.len.store(tasks.len(), Release);
        r
    }

    fn push(&self, tasks: impl IntoIterator<Item = u32>) {
        self.with(|q| q.extend(tasks));
    }

    /// Takes the first `n(len)` tasks, none if it looks empty.
    fn take(&self, n: impl FnOnce(usize) -> usize) -> VecDeque<u32> {
        if self.is_empty() {
            return VecDeque::new();
        }
        self.with(|q| {
            let n = n(q.len()).min(q.len());
            q.drain(..n).collect()
        })
    }
}

#[derive(Default)]
struct ParkState {
    /// A pending unpark, remembered until the next park or poll.
    notified: bool,
    /// Tasks the "I/O driver" woke, handed to the worker when it parks.
    io_ready: Vec<u32>,
}

/// A worker's parker: `ThreadParker` semantics plus an I/O source.
#[derive(Default)]
struct Parker {
    state: Mutex<ParkState>,
    cvar: Condvar,
}

impl Parker {
    /// `Park::park`: sleeps until unparked or I/O is ready; consumes the
    /// unpark and returns the tasks I/O woke.
    fn park(&self) -> Vec<u32> {
        let mut s = self.state.lock().unwrap();
        while !s.notified && s.io_ready.is_empty() {
            s = self.cvar.wait(s).unwrap();
        }
        s.notified = false;
        std::mem::take(&mut s.io_ready)
    }

    /// `Park::park_timeout(Duration::ZERO)`: as both real parkers do, a
    /// pending unpark is consumed; ready I/O is collected.
    fn poll(&self) -> Vec<u32> {
        let mut s = self.state.lock().unwrap();
        s.notified = false;
        std::mem::take(&mut s.io_ready)
    }

    fn unpark(&self) {
        self.state.lock().unwrap().notified = true;
        self.cvar.notify_one();
    }

    /// I/O readiness for `task`: wakes the worker parked in the driver.
    fn io_event(&self, task: u32) {
        self.state.lock().unwrap().io_ready.push(task);
        self.cvar.notify_one();
    }
}

/// `Shared`, with task ids for tasks.
struct Pool {
    idle: Idle,
    injector: Queue,
    queues: Vec<Queue>,
    parkers: Vec<Parker>,
    shutdown: AtomicBool,
    /// Ids of the tasks run so far, in order; the main thread waits on it.
    ran: Mutex<Vec<u32>>,
    ran_cvar: Condvar,
}

impl Pool {
    fn new() -> Pool {
        Pool {
            idle: Idle::new(WORKERS),
            injector: Queue::new(),
            queues: (0..WORKERS).map(|_| Queue::new()).collect(),
            parkers: (0..WORKERS).map(|_| Parker::default()).collect(),
            shutdown: AtomicBool::new(false),
            ran: Mutex::new(Vec::new()),
            ran_cvar: Condvar::new(),
        }
    }

    /// `Shared::push_remote` before shutdown (the model never pushes after).
    fn push_remote(&self, task: u32) {
        self.injector.push([task]);
        self.notify_parked();
    }

    /// `Shared::notify_parked`.
    fn notify_parked(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.parkers[index].unpark();
        }
    }

    /// `Shared::begin_shutdown`.
    fn begin_shutdown(&self) {
        self.shutdown.store(true, SeqCst);
        for (index, parker) in self.parkers.iter().enumerate() {
            self.idle.unpark_worker_by_id(index);
            parker.unpark();
        }
    }

    /// `Local::work_pending`: the injector or any worker's queue.
    fn work_pending(&self) -> bool {
        !self.injector.is_empty() || self.queues.iter().any(|q| !q.is_empty())
    }
}

/// `Local`: one worker's own state.
struct Worker {
    pool: Arc<Pool>,
    index: usize,
    lifo: Option<u32>,
    tick: u32,
    searching: bool,
}

impl Worker {
    fn queue(&self) -> &Queue {
        &self.pool.queues[self.index]
    }

    /// `Local::run`.
    fn run(&mut self) {
        while !self.pool.shutdown.load(Relaxed) {
            if self.tick % EVENT_INTERVAL == 0 {
                self.poll_events();
                if self.pool.shutdown.load(Relaxed) {
                    break;
                }
            }
            match self.next_task().or_else(|| self.steal_work()) {
                Some(task) => self.run_task(task),
                None => self.park(),
            }
        }
    }

    /// `Local::run_task`: the last searcher to find work wakes another.
    fn run_task(&mut self, task: u32) {
        if std::mem::replace(&mut self.searching, false)
            && self.pool.idle.transition_worker_from_searching()
        {
            self.pool.notify_parked();
        }
        self.pool.ran.lock().unwrap().push(task);
        self.pool.ran_cvar.notify_one();
    }

    /// `Local::next_task` (the periodic injector-first look and the LIFO
    /// poll cap never matter with this few tasks).
    fn next_task(&mut self) -> Option<u32> {
        self.tick = self.tick.wrapping_add(1);
        if let Some(task) = self.lifo.take() {
            return Some(task);
        }
        let own = self.queue().take(|_| 1).pop_front();
        own.or_else(|| self.pop_injector_batch())
    }

    /// `Local::pop_injector_batch`: up to `len / workers + 1` tasks, one
    /// returned and the rest moved to our queue (after the injector lock is
    /// released, like crossbeam's claim-then-copy).
    fn pop_injector_batch(&mut self) -> Option<u32> {
        let mut batch = self.pool.injector.take(|len| len / WORKERS + 1);
        let task = batch.pop_front()?;
        if !batch.is_empty() {
            self.queue().push(batch);
        }
        Some(task)
    }

    /// `Local::steal_work`: half of the other worker's queue, then the
    /// injector, only as a searcher.
    fn steal_work(&mut self) -> Option<u32> {
        if !self.searching {
            if !self.pool.idle.transition_worker_to_searching() {
                return None;
            }
            self.searching = true;
        }
        for victim in (0..WORKERS).filter(|&v| v != self.index) {
            let mut stolen = self.pool.queues[victim].take(|len| len.div_ceil(2));
            if let Some(task) = stolen.pop_front() {
                if !stolen.is_empty() {
                    self.queue().push(stolen);
                }
                return Some(task);
            }
        }
        self.pop_injector_batch()
    }

    /// `Local::schedule_local` while parking: into the LIFO slot, the
    /// previous occupant to the queue, nobody notified.
    fn schedule_while_parking(&mut self, task: u32) {
        if let Some(prev) = self.lifo.replace(task) {
            self.queue().push([prev]);
        }
    }

    /// `Local::park`.
    fn park(&mut self) {
        let pool = self.pool.clone();
        let was_searching = std::mem::replace(&mut self.searching, false);
        if pool
            .idle
            .transition_worker_to_parked(self.index, was_searching)
            && pool.work_pending()
        {
            // We were the last searcher; a push may have counted on us.
            pool.notify_parked();
        }
        loop {
            for task in pool.parkers[self.index].park() {
                self.schedule_while_parking(task);
            }
            if pool.shutdown.load(Relaxed) {
                return;
            }
            if !pool.idle.is_parked(self.index) {
                // `worker_to_notify` chose us and counted us as searching.
                self.searching = true;
                return;
            }
            if self.has_own_work() {
                if !pool.idle.unpark_worker_by_id(self.index) {
                    self.searching = true;
                }
                if !self.queue().is_empty() {
                    pool.notify_parked();
                }
                return;
            }
        }
    }

    /// `Local::poll_events`.
    fn poll_events(&mut self) {
        for task in self.pool.parkers[self.index].poll() {
            self.schedule_while_parking(task);
        }
        if !self.queue().is_empty() {
            self.pool.notify_parked();
        }
    }

    /// `Local::has_own_work`.
    fn has_own_work(&self) -> bool {
        self.lifo.is_some() || !self.queue().is_empty()
    }
}

/// Starts the workers, pushes `remote` through the injector (as a spawn
/// from outside the pool does) and hands `io` to worker 0's I/O driver,
/// waits until every task ran, shuts down and joins the workers. Checks
/// each task ran exactly once and nothing is left queued.
fn run_pool(remote: &'static [u32], io: &'static [u32]) {
    model(move || {
        let pool = Arc::new(Pool::new());
        let workers: Vec<_> = (0..WORKERS)
            .map(|index| {
                let pool = pool.clone();
                thread::spawn(move || {
                    Worker {
                        pool,
                        index,
                        lifo: None,
                        tick: 0,
                        searching: false,
                    }
                    .run()
                })
            })
            .collect();
        for &task in remote {
            pool.push_remote(task);
        }
        for &task in io {
            pool.parkers[0].io_event(task);
        }
        let total = remote.len() + io.len();
        let mut ran = pool.ran.lock().unwrap();
        while ran.len() < total {
            // A stranded task: every worker asleep, this wait never ends.
            ran = pool.ran_cvar.wait(ran).unwrap();
        }
        drop(ran);
        pool.begin_shutdown();
        for worker in workers {
            worker.join().unwrap();
        }
        let mut ran = pool.ran.lock().unwrap().clone();
        ran.sort_unstable();
        let mut expected: Vec<u32> = remote.iter().chain(io).copied().collect();
        expected.sort_unstable();
        assert_eq!(ran, expected, "each task runs exactly once");
        assert!(!pool.work_pending(), "nothing left queued");
    });
}

/// A spawn from outside racing both workers' first search and park.
#[test]
fn loom_one_push_two_workers() {
    run_pool(&[0], &[]);
}

/// Two spawns: the first wake-up's worker takes a batch, so the second task
/// may sit in its queue, to be stolen or run after the first.
#[test]
fn loom_two_pushes_two_workers() {
    run_pool(&[0, 1], &[]);
}

/// Worker 0's parker wakes a task into its own LIFO slot (nobody told)
/// while a spawn's wake-up may pick worker 0 too: `unpark_worker_by_id`
/// racing `worker_to_notify`.
#[test]
fn loom_io_wake_races_push() {
    run_pool(&[0], &[1]);
}
