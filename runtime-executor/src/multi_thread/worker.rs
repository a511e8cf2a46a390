//! The worker loop: where every task of the multi-thread scheduler is polled.
//!
//! Each iteration picks one task, in this order:
//! 1. every `Config::global_queue_interval` ticks, the injector first, so tasks spawned
//!    from outside the pool are not starved by local work;
//! 2. the LIFO slot (the task the previous task just woke, whose data is still
//!    in cache), at most `MAX_LIFO_POLLS_PER_TICK` times in a row while
//!    other tasks wait in the local queue (with the queue empty nothing
//!    waits behind it, so it runs at once);
//! 3. the local queue (FIFO);
//! 4. a batch from the injector;
//! 5. stealing half of a random victim's queue (when allowed to search);
//!
//! and parks when all of that comes up empty. Every `Config::event_interval` ticks, and
//! right after a task was forced to yield by its cooperative budget, it also
//! asks its parker for a non-blocking look at I/O and timers, so a busy pool
//! still notices them between tasks. Tasks that yielded (`yield_now`, or
//! forced by the budget) are woken at the regular look, or when nothing else
//! is left to run or steal: not at the look after a forced yield, which
//! would put a CPU-heavy task back in line before the work others queued.
//!
//! The parker is whatever the facade gave (`Config::worker_park`): with the
//! reactor's, a worker that parks while the I/O driver is free turns the driver
//! itself, and the tasks it wakes land in its own queue, on its own core.
//!
//! # Cores and threads (`block_in_place`)
//!
//! A worker's state (`Local`: its queue, LIFO slot, parker, generator) is a
//! heap-allocated *core*, owned by exactly one thread at a time through a
//! `CorePtr`; the thread's context points at it while it runs the loop. A
//! task that calls `block_in_place` on a worker hands the core on before it
//! blocks (`hand_off`): the LIFO task moves to the stealable queue, the
//! context forgets the core, the core goes into the pool's hand-off slot for
//! its index, and a blocking-pool thread (an idle one, or a new one) is asked
//! to take it from there and run the loop. When the closure returns, the
//! blocking thread tries to take the core back from the slot (`Reclaim`): if
//! the new thread has not picked it up yet, it is ours again and the task
//! goes on as before. Otherwise the task finishes its poll without a core,
//! the loop notices (the context no longer points at the core) and returns:
//! the thread ends as a blocking thread would. No reference into a core is
//! held across `task.run()`, during which the core may change threads.
//!
//! The driver duties travel with the core: its parker is the worker's way
//! into the shared I/O driver, and a core never holds the driver while it
//! polls a task, so a blocked task never holds up I/O or timers.

use super::{Scheduler, Shared};
use crate::context::{self, Scheduler as Ctx};
use crate::defer::Deferred;
use crate::every::Every;
use crate::Handle;
use crossbeam_deque::{Steal, Worker};
use runtime_core::{coop, Notified, Park};
use std::cell::{Cell, RefCell};
use std::ptr::NonNull;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

// `Config::global_queue_interval`: how often (in ticks) the injector is
// checked before local work; Tokio's default 31. It bounds how long a task
// spawned from outside waits behind a busy worker's local queue.

/// Consecutive polls the LIFO slot may take before the local queue gets a turn.
/// Borrowed from Tokio (`MAX_LIFO_POLLS_PER_TICK`, 3): enough for a
/// request/response pair to ping-pong in cache, few enough that two tasks waking
/// each other cannot starve the queue.
///
/// Unlike Tokio, the cap only applies while the queue holds something: a
/// LIFO task past its cap went to the back of an empty queue, with a wake-up
/// for another worker, and was popped again at once by this one. A chain of
/// spawns (each task spawning the next) paid a futex wake-up and sleep of
/// the other worker every few links, for nothing it could run
/// (`chained_spawn_mt`: 1.98 s and 97k context switches for 20M links, then
/// 1.29 s and 12; BENCHMARKS.md, sixth session).
const MAX_LIFO_POLLS_PER_TICK: u32 = 3;

// `Config::event_interval`: ticks between two non-blocking looks at I/O and
// timers; Tokio's default 61: often enough that readiness is not left waiting
// behind a long run queue, rarely enough that the syscall is lost in the cost
// of the tasks in between.

/// A worker's own state: its core, owned by one thread at a time (see the
/// module docs).
///
/// Aligned to two cache lines: the cores are allocated one after the other,
/// and the fields a worker writes on every poll (the countdowns, `lifo`, `in_task`)
/// must not share a line with its neighbour's, or the two workers would
/// bounce it between their caches (false sharing; on its thread's stack, as
/// before `block_in_place`, a core had no neighbours).
#[repr(align(128))]
pub(crate) struct Local {
    pub(crate) shared: Arc<Shared>,
    pub(crate) index: usize,
    /// `shared.metrics[index]`, resolved once: counted on every schedule,
    /// where indexing cost 9 instructions and a bounds check (callgrind,
    /// BENCHMARKS.md, seventh session). See [`Local::metrics`].
    metrics: MetricsPtr,
    queue: Worker<Notified<Scheduler>>,
    /// The task most recently woken by the running task; not stealable.
    lifo: Cell<Option<Notified<Scheduler>>>,
    /// False with `Builder::disable_lifo_slot`: every wake goes to the queue.
    lifo_enabled: bool,
    lifo_polls: Cell<u32>,
    /// Ticks (one per `next_task`) to the next look at the injector first.
    global_queue_due: Every,
    /// Ticks to the next regular look at I/O and timers.
    event_due: Every,
    rng: Cell<u64>,
    /// Seed of the `select!` generator of the thread running this core:
    /// drawn at build, in index order, so that the runtime's stream is not
    /// consumed by threads starting in a random order.
    thread_seed: u64,
    /// Counted as searching in `Idle`.
    searching: Cell<bool>,
    park: RefCell<Box<dyn Park>>,
    /// Inside `park`: tasks the parker wakes are queued without notifying
    /// others, who are told once, after the parker returns.
    parking: Cell<bool>,
    /// Inside `task.run()`: a `block_in_place` there may hand the core on.
    in_task: Cell<bool>,
    /// Tasks that yielded: woken after the next look at I/O and timers.
    pub(crate) deferred: Deferred<Notified<Scheduler>>,
    /// Waking `deferred`: those tasks go behind the queue, like any yield.
    waking_deferred: Cell<bool>,
    /// When this worker last unparked (or started), for its busy time.
    busy_since: Cell<std::time::Instant>,
}

/// Ownership of one core (a leaked `Box<Local>`): whoever holds it may run the
/// core or free it. Never copied.
pub(crate) struct CorePtr(NonNull<Local>);

// SAFETY: a `CorePtr` is the unique owner of its `Local` (made once by
// `new_core`, moved, never copied; a thread gives it up before another takes
// it, through the hand-off slot's mutex, which orders the two), and `Local`
// itself is `Send` (checked below): moving the owner is moving the box.
unsafe impl Send for CorePtr {}

const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Local>();
};

/// A core's pointer to its worker's counters (see [`Local::metrics`]).
struct MetricsPtr(NonNull<crate::WorkerMetrics>);

// SAFETY: it stands for a `&WorkerMetrics`, which is `Send` because the
// counters are `Sync` (atomics, checked below); the pointee lives as long as
// the `Arc<Shared>` next to it in the same `Local`.
unsafe impl Send for MetricsPtr {}

const _: () = {
    const fn assert_sync<T: Sync>() {}
    assert_sync::<crate::WorkerMetrics>();
};

/// Makes worker `index`'s core; it runs once a thread calls `run` with it.
pub(crate) fn new_core(
    shared: &Arc<Shared>,
    index: usize,
    queue: Worker<Notified<Scheduler>>,
    park: Box<dyn Park>,
    seeds: [u64; 2],
    lifo_enabled: bool,
) -> CorePtr {
    let local = Box::new(Local {
        rng: Cell::new(seeds[0]),
        thread_seed: seeds[1],
        shared: shared.clone(),
        index,
        metrics: MetricsPtr(NonNull::from(&shared.metrics[index])),
        queue,
        lifo: Cell::new(None),
        lifo_enabled,
        lifo_polls: Cell::new(0),
        global_queue_due: Every::new(shared.global_queue_interval),
        event_due: Every::new(shared.event_interval),
        searching: Cell::new(false),
        park: RefCell::new(park),
        parking: Cell::new(false),
        in_task: Cell::new(false),
        deferred: Deferred::default(),
        waking_deferred: Cell::new(false),
        busy_since: Cell::new(std::time::Instant::now()),
    });
    CorePtr(NonNull::from(Box::leak(local)))
}

impl CorePtr {
    /// Lets go of this handle without freeing the core: another holder (the
    /// loop below, the context) owns it. A plain pointer has no `Drop`;
    /// this only says so where it happens.
    fn disown(self) {}

    /// Frees the core: its queued tasks (references only) and its parker.
    pub(crate) fn free(self) {
        // SAFETY: we own the core (see `CorePtr`), made by `Box::leak` in
        // `new_core`, and nothing else points into it any more.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

/// Runs `core` on this thread until shutdown, or until a task of it hands
/// it to another thread (`block_in_place`).
pub(crate) fn run(core: CorePtr) {
    let (shared, seed) = {
        // SAFETY: we own the core; the reference ends before the loop starts.
        let local = unsafe { core.0.as_ref() };
        (local.shared.clone(), local.thread_seed)
    };
    let handle = Handle::multi_thread(shared.clone());
    shared.observe.set_thread_tracking();
    let entered = context::enter_runtime(handle, true, Some(seed));
    let scheduler = context::set_scheduler(Ctx::Worker(core.0.as_ptr()));
    let kept = run_loop(core, &shared);
    // Leave the context before the core (and the tasks still queued in it)
    // drops.
    drop(scheduler);
    if let Some(core) = kept {
        shared.exit_core(core);
    }
    runtime_core::task_meta::set_thread_tracking(false, false);
    drop(entered);
}

/// The loop; returns the core at shutdown, `None` once it was handed off.
/// `shared` is the core's (held by `run` for as long as the loop runs, even
/// once a `block_in_place` handed the core to another thread).
fn run_loop(core: CorePtr, shared: &Shared) -> Option<CorePtr> {
    // SAFETY: this thread owns the core; the reference ends here.
    let index = unsafe { core.0.as_ref() }.index;
    let poller = shared.observe.poller(&shared.metrics[index], index);
    loop {
        // SAFETY: this thread owns the core (it was given `core`, or got it
        // back in `Reclaim`, as the check after `task.run()` makes sure); no
        // reference into it outlives this iteration's `task.run()`.
        let local = unsafe { core.0.as_ref() };
        if local.shared.shutdown.load(Relaxed) {
            return Some(core);
        }
        let exhausted = coop::take_budget_exhausted();
        if exhausted {
            local.metrics().count_budget_yield();
        }
        let regular_look = local.event_due.was_due();
        if regular_look || exhausted {
            // After a forced yield the look is for I/O and timers only
            // (their tasks go ahead at once: timers stay on time beside a
            // CPU-heavy task); what yielded, the forced task included,
            // waits for the next regular look or for the queues to run
            // dry, as Tokio's deferred wake-ups do. Woken at this look, the
            // CPU-heavy task came back before this worker would steal and
            // took ~10 points more of a CPU than on Tokio (latency bench,
            // `+hog` at 90%: p99 1.8x Tokio's).
            local.poll_events(regular_look);
            // The look may have consumed the unpark of a shutdown that
            // began after the loop's check: without this, the worker
            // would park with nothing left to wake it (found by the loom
            // model in `idle.rs`).
            if local.shared.shutdown.load(Relaxed) {
                return Some(core);
            }
        }
        if let Some(task) = local.next_task().or_else(|| local.steal_work()) {
            local.before_task();
            local.in_task.set(true);
            // A `block_in_place` in the task may have handed the core on;
            // if it took it back, the context points at it again.
            let ours = || matches!(context::scheduler(), Ctx::Worker(p) if std::ptr::eq(p, core.0.as_ptr()));
            if !crate::observe::run_task(&poller, task, ours) {
                // Not ours any more: dropped, not freed.
                core.disown();
                return None;
            }
            // SAFETY: ours again, as just checked.
            unsafe { core.0.as_ref() }.in_task.set(false);
        } else if !local.deferred.is_empty() {
            // Only yielded tasks are left: one look at I/O and timers,
            // which wakes them, instead of sleeping.
            local.poll_events(true);
        } else {
            local.park();
        }
    }
}

/// Puts a core handed off by `block_in_place` back on this thread when the
/// blocking closure is done, if no other thread took it meanwhile.
pub(crate) struct Reclaim {
    shared: Arc<Shared>,
    index: usize,
}

impl Drop for Reclaim {
    fn drop(&mut self) {
        let core = self.shared.handoff[self.index].lock().take();
        if let Some(core) = core {
            // SAFETY: taken from the slot: this thread owns it now.
            unsafe { core.0.as_ref() }.in_task.set(true);
            context::replace_scheduler(Ctx::Worker(core.0.as_ptr()));
            // The loop below us (inside whose `task.run()` we are) sees the
            // context point at its core again and keeps it.
            core.disown();
        }
    }
}

/// For `block_in_place` on a worker thread whose context points at `local`:
/// hands the core to another thread if a task is running (see the module
/// docs). `None` when not inside a task poll: blocking is then just blocking.
pub(crate) fn hand_off(local: *const Local) -> Option<Reclaim> {
    // The context's pointer is the core's own (`CorePtr`'s, from `run`).
    let core = CorePtr(NonNull::new(local.cast_mut())?);
    // SAFETY: the context points at a core only while this thread owns it.
    let local_ref = unsafe { core.0.as_ref() };
    if !local_ref.in_task.get() {
        // Not given up: the loop below us still owns it.
        core.disown();
        return None;
    }
    local_ref.in_task.set(false);
    // The task blocks without its core from here: not a long poll.
    local_ref.shared.observe.slots[local_ref.index].clear();
    // The LIFO slot cannot be stolen: put its task where others can take it
    // while no thread runs this core.
    if let Some(task) = local_ref.lifo.take() {
        local_ref.queue.push(task);
    }
    let shared = local_ref.shared.clone();
    let index = local_ref.index;
    // From here the core is no longer this thread's: no reference into it.
    context::replace_scheduler(Ctx::None);
    *shared.handoff[index].lock() = Some(core);
    // Made now, so that a panic below (the OS refusing the pool its first
    // thread) takes the core back while it unwinds.
    let reclaim = Reclaim {
        shared: shared.clone(),
        index,
    };
    let taker = shared.clone();
    // An idle blocking thread, or a new one, picks the core up. If the pool
    // is shut down the closure is dropped unrun: the core stays in the slot
    // for `Reclaim` or the runtime's shutdown.
    drop(shared.blocking.spawn(move || {
        let core = taker.handoff[index].lock().take();
        if let Some(core) = core {
            run(core);
        }
    }));
    // Others may steal from the queue meanwhile.
    shared.notify_parked();
    Some(reclaim)
}

/// The index of the worker whose core this thread runs.
pub(crate) fn index_of(local: *const Local) -> usize {
    // SAFETY: the context points at a core only while this thread owns it.
    unsafe { &*local }.index
}

impl Local {
    /// This worker's counters (written only by the thread running the core).
    fn metrics(&self) -> &crate::WorkerMetrics {
        // SAFETY: `metrics` points into `self.shared.metrics`, a boxed slice
        // that `self.shared` (an `Arc`) keeps alive and that is never
        // reallocated; the borrow ends before `self` does.
        unsafe { self.metrics.0.as_ref() }
    }

    /// Before running a task: a searcher that found work stops searching.
    fn before_task(&self) {
        if self.searching.replace(false) && self.shared.idle.transition_worker_from_searching() {
            // We were the last searcher and found work: there may be more, so
            // hand the search on to a sleeper.
            self.shared.notify_parked();
        }
    }

    fn next_task(&self) -> Option<Notified<Scheduler>> {
        self.event_due.tick();
        if self.global_queue_due.tick() {
            if let Some(task) = steal_one(&self.shared.injector) {
                return Some(task);
            }
        }
        if let Some(task) = self.lifo.take() {
            if self.lifo_polls.get() < MAX_LIFO_POLLS_PER_TICK || self.queue.is_empty() {
                self.lifo_polls.set(self.lifo_polls.get().saturating_add(1));
                return Some(task);
            }
            // Its turn is over: it goes behind the queued work (there is
            // some: the condition above let it run at once otherwise).
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
        let start = self.first_victim();
        for i in 0..n {
            let victim = (start + i) % n;
            if victim == self.index {
                continue;
            }
            loop {
                let before = self.queue.len();
                match stealers[victim].steal_batch_and_pop(&self.queue) {
                    Steal::Success(task) => {
                        let extra = self.queue.len().saturating_sub(before);
                        self.metrics().count_steal(1 + extra as u64);
                        return Some(task);
                    }
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
        let metrics = self.metrics();
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
    /// With `wake_deferred`, tasks that yielded since the last look are woken
    /// now, behind what the look woke.
    fn poll_events(&self, wake_deferred: bool) {
        self.parking.set(true);
        self.park.borrow_mut().park_timeout(Duration::ZERO);
        if wake_deferred {
            self.waking_deferred.set(true);
            self.deferred.wake_all(|task| self.queue.push(task));
            self.waking_deferred.set(false);
        }
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

    /// `runtime_executor::defer` on this worker's thread.
    pub(crate) fn defer(&self, waker: &std::task::Waker) {
        let polling = self.shared.observe.slots[self.index].current();
        self.deferred.push(waker, polling);
    }

    /// Queues a task scheduled from this worker's own thread.
    pub(crate) fn schedule_local(&self, task: Notified<Scheduler>, is_yield: bool) {
        self.metrics().count_local_schedule();
        // A task that deferred its own waker waits for the next look.
        let Some(task) = self.deferred.keep_if_yielded(task, is_yield) else {
            return;
        };
        if is_yield || self.waking_deferred.get() || !self.lifo_enabled {
            // A yielding task goes behind everything else, never into the
            // LIFO slot; without the slot, every task does.
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

    /// The worker a steal tries first; the others follow in index order.
    /// Drawn from the worker's generator, seeded by the runtime's seed.
    fn first_victim(&self) -> usize {
        self.next_rand() as usize % self.shared.stealers.len()
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::super::Shared;
    use crate::{Config, RngSeed, ThreadParker};
    use runtime_core::Park;

    /// The first 16 victims each of 4 workers would try, for a pool built
    /// with `seed`.
    fn victims(seed: RngSeed) -> Vec<Vec<usize>> {
        let config = Config {
            worker_threads: 4,
            rng_seed: seed,
            ..Config::default()
        };
        let parkers = (0..4)
            .map(|_| Box::new(ThreadParker::new()) as Box<dyn Park>)
            .collect();
        let (_shared, cores) = Shared::new(&config, parkers);
        cores
            .into_iter()
            .map(|core| {
                // SAFETY: we own the core; the reference ends before `free`.
                let local = unsafe { core.0.as_ref() };
                let order = (0..16).map(|_| local.first_victim()).collect();
                core.free();
                order
            })
            .collect()
    }

    #[test]
    fn steal_order_is_a_function_of_the_seed() {
        let a = victims(RngSeed::from_bytes(b"steal"));
        assert_eq!(a, victims(RngSeed::from_bytes(b"steal")));
        assert_ne!(a, victims(RngSeed::from_bytes(b"other")));
        assert_ne!(victims(RngSeed::new()), victims(RngSeed::new()));
        // Workers do not all share one sequence.
        assert_ne!(a[0], a[1]);
    }
}
