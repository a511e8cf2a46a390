//! The worker loop: where every task of the multi-thread scheduler is polled.
//!
//! Each iteration picks one task, in this order:
//! 1. every `Config::global_queue_interval` ticks, the injector first, so tasks spawned
//!    from outside the pool are not starved by local work;
//! 2. the LIFO slot (the task the previous task just woke, whose data is still
//!    in cache), at most `MAX_LIFO_POLLS_PER_TICK` times in a row;
//! 3. the local queue (FIFO);
//! 4. a batch from the injector;
//! 5. stealing half of a random victim's queue (when allowed to search);
//!
//! and parks when all of that comes up empty. Every `Config::event_interval` ticks, and
//! right after a task was forced to yield by its cooperative budget, it also
//! asks its parker for a non-blocking look at I/O and timers, so a busy pool
//! still notices them between tasks.
//!
//! The parker is whatever the facade gave (`Config::worker_park`): with the
//! reactor's, a worker that parks while the I/O driver is free turns the driver
//! itself, and the tasks it wakes land in its own queue, on its own core.

use super::{Scheduler, Shared};
use crate::context::{self, Scheduler as Ctx};
use crate::defer::Deferred;
use crate::Handle;
use crossbeam_deque::{Steal, Worker};
use runtime_core::{coop, Notified, Park};
use std::cell::{Cell, RefCell};
use std::sync::atomic::Ordering::{AcqRel, Relaxed};
use std::sync::Arc;
use std::time::Duration;

// `Config::global_queue_interval`: how often (in ticks) the injector is
// checked before local work; Tokio's default 31. It bounds how long a task
// spawned from outside waits behind a busy worker's local queue.

/// Consecutive polls the LIFO slot may take before the local queue gets a turn.
/// Borrowed from Tokio (`MAX_LIFO_POLLS_PER_TICK`, 3): enough for a
/// request/response pair to ping-pong in cache, few enough that two tasks waking
/// each other cannot starve the queue.
const MAX_LIFO_POLLS_PER_TICK: u32 = 3;

// `Config::event_interval`: ticks between two non-blocking looks at I/O and
// timers; Tokio's default 61: often enough that readiness is not left waiting
// behind a long run queue, rarely enough that the syscall is lost in the cost
// of the tasks in between.

/// A worker's own state, on its thread's stack for the thread's lifetime.
pub(crate) struct Local {
    pub(crate) shared: Arc<Shared>,
    index: usize,
    queue: Worker<Notified<Scheduler>>,
    /// The task most recently woken by the running task; not stealable.
    lifo: Cell<Option<Notified<Scheduler>>>,
    lifo_polls: Cell<u32>,
    tick: Cell<u32>,
    rng: Cell<u64>,
    /// Counted as searching in `Idle`.
    searching: Cell<bool>,
    park: RefCell<Box<dyn Park>>,
    /// Inside `park`: tasks the parker wakes are queued without notifying
    /// others, who are told once, after the parker returns.
    parking: Cell<bool>,
    /// Tasks that yielded: woken after the next look at I/O and timers.
    pub(crate) deferred: Deferred,
    /// Waking `deferred`: those tasks go behind the queue, like any yield.
    waking_deferred: Cell<bool>,
    /// When this worker last unparked (or started), for its busy time.
    busy_since: Cell<std::time::Instant>,
}

/// Runs worker `index` until shutdown.
pub(crate) fn run(
    shared: Arc<Shared>,
    index: usize,
    queue: Worker<Notified<Scheduler>>,
    park: Box<dyn Park>,
) {
    let handle = Handle::multi_thread(shared.clone());
    let local = Local {
        rng: Cell::new(seed(index)),
        shared,
        index,
        queue,
        lifo: Cell::new(None),
        lifo_polls: Cell::new(0),
        tick: Cell::new(0),
        searching: Cell::new(false),
        park: RefCell::new(park),
        parking: Cell::new(false),
        deferred: Deferred::default(),
        waking_deferred: Cell::new(false),
        busy_since: Cell::new(std::time::Instant::now()),
    };
    let entered = context::enter_runtime(handle);
    let scheduler = context::set_scheduler(Ctx::Worker(&local));
    local.run();
    // Leave the context before `local` (and the tasks still queued in it) drop.
    drop(scheduler);
    if local.shared.workers_running.fetch_sub(1, AcqRel) == 1 {
        // The last worker out cancels what is left, so tasks are dropped even
        // when the runtime's own shutdown could not wait for the workers (it
        // was dropped from inside a task: a refused, panicking shutdown).
        local.shared.shutdown_tasks();
    }
    drop(entered);
}

impl Local {
    fn run(&self) {
        while !self.shared.shutdown.load(Relaxed) {
            if self.tick.get() % self.shared.event_interval == 0 || coop::take_budget_exhausted() {
                self.poll_events();
                // The look may have consumed the unpark of a shutdown that
                // began after the loop's check: without this, the worker
                // would park with nothing left to wake it (found by the loom
                // model in `idle.rs`).
                if self.shared.shutdown.load(Relaxed) {
                    break;
                }
            }
            if let Some(task) = self.next_task().or_else(|| self.steal_work()) {
                self.run_task(task);
            } else if !self.deferred.is_empty() {
                // Only yielded tasks are left: one look at I/O and timers,
                // which wakes them, instead of sleeping.
                self.poll_events();
            } else {
                self.park();
            }
        }
    }

    fn run_task(&self, task: Notified<Scheduler>) {
        if self.searching.replace(false) && self.shared.idle.transition_worker_from_searching() {
            // We were the last searcher and found work: there may be more, so
            // hand the search on to a sleeper.
            self.shared.notify_parked();
        }
        task.run();
    }

    fn next_task(&self) -> Option<Notified<Scheduler>> {
        let tick = self.tick.get().wrapping_add(1);
        self.tick.set(tick);
        if tick % self.shared.global_queue_interval == 0 {
            if let Some(task) = steal_one(&self.shared.injector) {
                return Some(task);
            }
        }
        if let Some(task) = self.lifo.take() {
            if self.lifo_polls.get() < MAX_LIFO_POLLS_PER_TICK {
                self.lifo_polls.set(self.lifo_polls.get() + 1);
                return Some(task);
            }
            // Its turn is over: it goes behind the queued work.
            self.queue.push(task);
            self.shared.notify_parked();
        }
        self.lifo_polls.set(0);
        self.queue.pop().or_else(|| self.pop_injector_batch())
    }

    /// Moves about a fair share (`len / workers + 1`) of the injector into the
    /// local queue under one synchronisation and returns one task of it.
    fn pop_injector_batch(&self) -> Option<Notified<Scheduler>> {
        let injector = &self.shared.injector;
        if injector.is_empty() {
            return None;
        }
        let limit = injector.len() / self.shared.stealers.len() + 1;
        loop {
            match injector.steal_batch_with_limit_and_pop(&self.queue, limit) {
                Steal::Success(task) => return Some(task),
                Steal::Empty => return None,
                Steal::Retry => continue,
            }
        }
    }

    fn steal_work(&self) -> Option<Notified<Scheduler>> {
        if !self.searching.get() {
            if !self.shared.idle.transition_worker_to_searching() {
                return None;
            }
            self.searching.set(true);
        }
        let stealers = &self.shared.stealers;
        let n = stealers.len();
        let start = self.next_rand() as usize % n;
        for i in 0..n {
            let victim = (start + i) % n;
            if victim == self.index {
                continue;
            }
            loop {
                match stealers[victim].steal_batch_and_pop(&self.queue) {
                    Steal::Success(task) => return Some(task),
                    Steal::Empty => break,
                    Steal::Retry => continue,
                }
            }
        }
        self.pop_injector_batch()
    }

    fn park(&self) {
        let shared = &self.shared;
        if let Some(f) = &shared.on_park {
            f();
        }
        let metrics = &shared.metrics[self.index];
        metrics.before_park(self.busy_since.get());
        self.park_inner();
        metrics.after_unpark();
        self.busy_since.set(std::time::Instant::now());
        if let Some(f) = &shared.on_unpark {
            f();
        }
    }

    fn park_inner(&self) {
        let idle = &self.shared.idle;
        let was_searching = self.searching.replace(false);
        if idle.transition_worker_to_parked(self.index, was_searching) && self.work_pending() {
            // We were the last searcher; a push may have counted on us.
            self.shared.notify_parked();
        }
        loop {
            self.parking.set(true);
            self.park.borrow_mut().park();
            self.parking.set(false);
            if self.shared.shutdown.load(Relaxed) {
                return;
            }
            if !idle.is_parked(self.index) {
                // `worker_to_notify` chose us and counted us as searching.
                self.searching.set(true);
                return;
            }
            if self.has_own_work() {
                // The parker turned the I/O driver and woke tasks into our
                // own queue: nobody else will come for them, so get up.
                if !idle.unpark_worker_by_id(self.index) {
                    // Chosen by `worker_to_notify` in the meantime.
                    self.searching.set(true);
                }
                if !self.queue.is_empty() {
                    // More than the LIFO slot: let a sleeper steal some.
                    self.shared.notify_parked();
                }
                return;
            }
        }
    }

    /// A non-blocking look at I/O and timers between tasks; what it wakes goes
    /// into our own queue, and others are told about it afterwards.
    /// Tasks that yielded since the last look are woken now, behind what the
    /// look woke.
    fn poll_events(&self) {
        self.parking.set(true);
        self.park.borrow_mut().park_timeout(Duration::ZERO);
        self.waking_deferred.set(true);
        self.deferred.wake_all();
        self.waking_deferred.set(false);
        self.parking.set(false);
        if !self.queue.is_empty() {
            self.shared.notify_parked();
        }
    }

    fn has_own_work(&self) -> bool {
        let lifo = self.lifo.take();
        let has = lifo.is_some();
        self.lifo.set(lifo);
        has || !self.queue.is_empty()
    }

    fn work_pending(&self) -> bool {
        !self.shared.injector.is_empty() || self.shared.stealers.iter().any(|s| !s.is_empty())
    }

    /// Queues a task scheduled from this worker's own thread.
    pub(crate) fn schedule_local(&self, task: Notified<Scheduler>, is_yield: bool) {
        if is_yield || self.waking_deferred.get() {
            // A yielding task goes behind everything else, never into the LIFO slot.
            self.queue.push(task);
        } else if let Some(prev) = self.lifo.replace(Some(task)) {
            self.queue.push(prev);
        } else {
            // Only the unstealable LIFO slot changed: nothing for others to take.
            return;
        }
        if !self.parking.get() {
            self.shared.notify_parked();
        }
    }

    /// xorshift64*: victim selection only needs cheap, decorrelated numbers.
    fn next_rand(&self) -> u64 {
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn steal_one(
    injector: &crossbeam_deque::Injector<Notified<Scheduler>>,
) -> Option<Notified<Scheduler>> {
    loop {
        match injector.steal() {
            Steal::Success(task) => return Some(task),
            Steal::Empty => return None,
            Steal::Retry => continue,
        }
    }
}

/// A non-zero per-worker seed from std's randomly keyed hasher.
fn seed(index: usize) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_usize(index);
    h.finish() | 1
}
