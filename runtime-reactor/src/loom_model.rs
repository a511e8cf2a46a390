//! Loom model of the shared driver's protocol (`shared.rs`): who turns the
//! driver, the backstop's sleep while a worker is in the poller, the handoff
//! from the backstop to a parking worker, the release to a worker looking
//! between tasks, and shutdown.
//!
//! The model is self-contained: every function below mirrors, step for step,
//! the real function named in its doc comment, written against loom's
//! primitives; change both together. What is not real:
//!
//! - The `Driver` is a fake. Its `turn` only waits for `ready` (a pending
//!   unpark of the reactor, or a ready I/O event: both just end a turn), then
//!   consumes it; a zero-timeout turn consumes it without waiting. `unpark`
//!   (`Handle::unpark`) sets `ready`, so an unpark that comes before a turn
//!   makes it return at once, as `begin_park`/`end_park` and the mio waker's
//!   pending edge do. The real turn may also return spuriously (an old edge,
//!   a timer); leaving that out only removes wake-ups.
//! - The slot's `Mutex<Driver>` is only ever `try_lock`ed, tested with
//!   `is_locked` and unlocked, so it is modelled as `parking_lot`'s lock word:
//!   a `Relaxed` load then a compare-exchange (`Acquire`) to take it, a
//!   `Release` store to let go (its compare-exchange, uncontended), a
//!   `Relaxed` load for `is_locked`. (The `std`-backed `runtime_core` lock
//!   has a flag that reads false for a moment after the lock is taken; that
//!   can only end the backstop's sleep early, never late.)
//! - `BACKSTOP_INTERVAL`: loom has no time, so the backstop's
//!   `wait_for(BACKSTOP_INTERVAL)` releases the `stop` lock and takes it
//!   again, which lets the interval end at any point of any interleaving (a
//!   notify in between changes nothing: the backstop is the only waiter).
//! - Loom treats `SeqCst` accesses as `AcqRel` (its README, "Unsupported
//!   features"): a store followed by a load of another atomic may then read a
//!   stale value even when the other thread's store and load are `SeqCst`
//!   too (store buffering), which `SeqCst` rules out and which the backstop's
//!   sleep relies on (`turns` against `backstop_asleep`). So every `SeqCst`
//!   store or read-modify-write of the real code goes through [`seq_cst`],
//!   which follows it with a `SeqCst` fence (which loom does support);
//!   `SeqCst` loads are left as loom has them.
//! - [`UNLOCK_ORDERED_BEFORE_SEQ_CST_LOADS`] (off) can add a `SeqCst` fence
//!   after the driver's unlock, the ordering x86-64 and AArch64 give for free;
//!   the real code no longer needs it (see "Finding" below).
//! - The tests watch the backstop through `Slot::took_slot`, set right after
//!   it sets `backstop_holds`, and `Slot::released_slot`, set after it let the
//!   slot go; they are not part of the real code.
//!
//! A lost wake-up shows as a deadlock: every thread waits (the test's main
//! thread for `took_slot`, on a join, or in a park) and loom fails the model
//! ("deadlock; threads = ..."; loom then aborts the test binary while
//! unwinding, so run the tests one by one to see each result).
//!
//! Setting [`OLD_BUG`] brings back the quick look of before the fix (a
//! `Relaxed` bump of `turns`, no `worker_left_poller`): then
//! `loom_quick_look_wakes_sleeping_backstop` fails with a deadlock (the
//! backstop asleep in `sleep_while_worker_in_poller`, nobody left to wake it),
//! with one preemption.
//!
//! # Finding (fixed): `is_locked` and the unlock
//!
//! With `turns` bumped before the driver's unlock, as `shared.rs` did until
//! this model, and without [`UNLOCK_ORDERED_BEFORE_SEQ_CST_LOADS`], both
//! `*_wakes_sleeping_backstop` tests failed. The interleaving (quick look; a
//! full park's is the same from `turns.fetch_add` on):
//!
//! 1. worker: `try_lock` the driver, turn, `turns.fetch_add(1, SeqCst)`;
//! 2. backstop: reads that bump into `last_seen` (the `turns != last_seen`
//!    branch of a look, or `run_backstop`'s first load) while the worker
//!    still holds the driver;
//! 3. backstop, next look: `turns == last_seen`, `try_lock` fails (the worker
//!    still holds it: in real time, a worker stalled a whole interval between
//!    its bump and its unlock), so `sleep_while_worker_in_poller`: stores
//!    `backstop_asleep = true`, then `turns == last_seen` (the bump is
//!    already counted) and `is_locked()` (`Relaxed`) reads true;
//! 4. worker: `drop(driver)` (a `Release` store), then `worker_left_poller`
//!    loads `backstop_asleep` (`SeqCst`) and reads false: no notify;
//! 5. backstop: waits on `stop_cvar`, although no worker holds the slot,
//!    until some worker's next turn or shutdown.
//!
//! Rust's (C++'s) memory model allows steps 3 and 4 together: the unlock is
//! not `SeqCst`, so nothing orders it before the worker's `SeqCst` load, and
//! the backstop's `Relaxed` `is_locked` may read the locked value. Hardware
//! does not: on x86-64 `parking_lot`'s unlock (and `std`'s, behind
//! `runtime_core`'s flag store) is a locked instruction, a full barrier; on
//! AArch64 a store-release is ordered before a later load-acquire, and the
//! backstop's `is_locked` load comes after its `SeqCst` load of `turns`.
//! The fix, in `shared.rs` and mirrored here: bump `turns` after
//! `drop(driver)`, in the quick look and in `park_in_driver`, so a backstop
//! that read the bump synchronizes with the unlock and cannot read the slot
//! as locked. (A `fence(SeqCst)` at the start of `worker_left_poller` and
//! another before `is_locked()` in `sleep_while_worker_in_poller` also made
//! the model pass.)
//!
//! The model also shows that `is_locked()` is what catches the case above in
//! `sleep_while_worker_in_poller` (taking it out fails both tests), while the
//! `turns` re-check there can be taken out without failing any test.
//!
//! Not checked here, by design of the real code: a worker whose `try_lock`
//! fails between the backstop's `try_lock` and its `backstop_holds` store
//! finds `backstop_holds` false in `request_handoff`, asks for nothing and
//! sleeps on its condition variable as a plain parker, while the backstop
//! keeps the driver; it is woken by the next `unpark` (new work, which the
//! backstop's turns still deliver), and its next park asks for the handoff.
//! The handoff test below starts the worker after `backstop_holds` is set.
//! The same holds for a worker that parks while another worker's quick look
//! has the backstop release the slot: its `request_handoff` may find
//! `backstop_holds` already false, and it sleeps on its condition variable
//! with the slot free; the looking worker is busy, and turns the driver at
//! its next look or parks in it.
//!
//! Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-reactor --release --lib loom_model`.

use loom::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicU8};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

/// The quick look before the fix: bumps `turns` `Relaxed` and never calls
/// `worker_left_poller`. Must stay `false`; set it to see the model fail.
const OLD_BUG: bool = false;

/// The hardware's ordering that `worker_left_poller` relied on before the
/// fix (see the module docs, "Finding"): the driver's unlock ordered before
/// the thread's later `SeqCst` loads. Rust's memory model does not promise
/// it, so the model runs without it.
const UNLOCK_ORDERED_BEFORE_SEQ_CST_LOADS: bool = false;

/// Worker park states, as in `shared.rs`.
const EMPTY: u8 = 0;
const PARKED_CONDVAR: u8 = 1;
const PARKED_DRIVER: u8 = 2;
const NOTIFIED: u8 = 3;

/// `loom::model` with a preemption bound of 3 (unless `LOOM_MAX_PREEMPTIONS`
/// is set): every interleaving with up to three forced context switches. The
/// old quick-look bug needs one; each test takes well under a second in
/// release. All five also pass with a bound of 5 (about 20 s for each
/// three-thread test), and the two-thread ones with no bound (under 7 s).
/// With `LOOM_LOG=trace` (and `LOOM_LOCATION=1`) set, `loom::model` itself
/// runs it, which prints the failing interleaving (set `LOOM_MAX_PREEMPTIONS`
/// too, or it runs unbounded).
fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    if std::env::var_os("LOOM_LOG").is_some() {
        return loom::model(f);
    }
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

/// A `SeqCst` store or read-modify-write of the real code, followed by a
/// `SeqCst` fence so that no later load of this thread is ordered before it
/// (see the module docs).
fn seq_cst<R>(access: impl FnOnce() -> R) -> R {
    let r = access();
    fence(SeqCst);
    r
}

/// The timeouts the model's parks and turns take: `Some(Duration::ZERO)` and
/// `None`. (A timed park of a worker is not modelled.)
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Timeout {
    Zero,
    Forever,
}

/// The reactor's side that any thread may touch: `Handle`'s park state and
/// the poller's readiness, in one flag.
struct Reactor {
    /// An unpark (or an I/O event) is pending: the next turn does not block.
    ready: Mutex<bool>,
    cvar: Condvar,
}

impl Reactor {
    /// `Handle::unpark`: wakes the turning driver, or makes its next turn
    /// return at once.
    fn unpark(&self) {
        *self.ready.lock().unwrap() = true;
        self.cvar.notify_one();
    }
}

/// `Driver`: turned only by whoever holds the slot.
struct Driver {
    reactor: Arc<Reactor>,
}

impl Driver {
    /// `Driver::turn`: blocks (unless `Timeout::Zero`) until an unpark or an
    /// event, and consumes it.
    fn turn(&self, timeout: Timeout) {
        let mut ready = self.reactor.ready.lock().unwrap();
        if timeout == Timeout::Forever {
            while !*ready {
                ready = self.reactor.cvar.wait(ready).unwrap();
            }
        }
        *ready = false;
    }
}

/// `Slot::driver`, a `Mutex<Driver>` (see the module docs).
struct DriverLock {
    locked: AtomicBool,
    driver: Driver,
}

/// `MutexGuard<'_, Driver>`: unlocks on drop.
struct DriverGuard<'a>(&'a DriverLock);

impl DriverLock {
    /// `parking_lot::RawMutex::try_lock`: a `Relaxed` look first, so a
    /// stale "locked" makes it fail.
    fn try_lock(&self) -> Option<DriverGuard<'_>> {
        if self.locked.load(Relaxed) {
            return None;
        }
        self.locked
            .compare_exchange(false, true, Acquire, Relaxed)
            .ok()
            .map(|_| DriverGuard(self))
    }

    fn is_locked(&self) -> bool {
        self.locked.load(Relaxed)
    }
}

impl DriverGuard<'_> {
    fn turn(&self, timeout: Timeout) {
        self.0.driver.turn(timeout);
    }
}

impl Drop for DriverGuard<'_> {
    fn drop(&mut self) {
        self.0.locked.store(false, Release);
        if UNLOCK_ORDERED_BEFORE_SEQ_CST_LOADS {
            fence(SeqCst);
        }
    }
}

/// `Slot`.
struct Slot {
    driver: DriverLock,
    reactor: Arc<Reactor>,
    turns: AtomicU64,
    backstop_holds: AtomicBool,
    handoff: Mutex<Option<Arc<WorkerUnparker>>>,
    handoff_requested: AtomicBool,
    stop: Mutex<bool>,
    stop_cvar: Condvar,
    backstop_asleep: AtomicBool,
    /// Model only: the backstop took the slot (set after `backstop_holds`).
    took_slot: Mutex<bool>,
    took_slot_cvar: Condvar,
    /// Model only: the backstop released the slot (set after the handoff).
    released_slot: Mutex<bool>,
    released_slot_cvar: Condvar,
}

impl Slot {
    /// `SharedDriver::new`, less the thread (the tests spawn
    /// [`Slot::run_backstop`] themselves).
    fn new() -> Arc<Slot> {
        let reactor = Arc::new(Reactor {
            ready: Mutex::new(false),
            cvar: Condvar::new(),
        });
        Arc::new(Slot {
            driver: DriverLock {
                locked: AtomicBool::new(false),
                driver: Driver {
                    reactor: reactor.clone(),
                },
            },
            reactor,
            turns: AtomicU64::new(0),
            backstop_holds: AtomicBool::new(false),
            handoff: Mutex::new(None),
            handoff_requested: AtomicBool::new(false),
            stop: Mutex::new(false),
            stop_cvar: Condvar::new(),
            backstop_asleep: AtomicBool::new(false),
            took_slot: Mutex::new(false),
            took_slot_cvar: Condvar::new(),
            released_slot: Mutex::new(false),
            released_slot_cvar: Condvar::new(),
        })
    }

    /// Model only: notes that the backstop took the slot.
    fn note_took_slot(&self) {
        *self.took_slot.lock().unwrap() = true;
        self.took_slot_cvar.notify_all();
    }

    /// Model only: waits until the backstop has taken the slot.
    fn wait_until_backstop_took_slot(&self) {
        let mut took = self.took_slot.lock().unwrap();
        while !*took {
            took = self.took_slot_cvar.wait(took).unwrap();
        }
    }

    /// Model only: notes that the backstop released the slot.
    fn note_released_slot(&self) {
        *self.released_slot.lock().unwrap() = true;
        self.released_slot_cvar.notify_all();
    }

    /// Model only: waits until the backstop has released the slot.
    fn wait_until_backstop_released_slot(&self) {
        let mut released = self.released_slot.lock().unwrap();
        while !*released {
            released = self.released_slot_cvar.wait(released).unwrap();
        }
    }

    /// `Slot::stopping`.
    fn stopping(&self) -> bool {
        *self.stop.lock().unwrap()
    }

    /// `Slot::run_backstop`.
    fn run_backstop(&self) {
        let mut last_seen = self.turns.load(Relaxed);
        loop {
            {
                let mut stop = self.stop.lock().unwrap();
                if !*stop {
                    // `stop_cvar.wait_for(&mut stop, BACKSTOP_INTERVAL)`.
                    drop(stop);
                    stop = self.stop.lock().unwrap();
                }
                if *stop {
                    return;
                }
            }
            let turns = self.turns.load(SeqCst);
            if turns != last_seen {
                last_seen = turns;
                continue;
            }
            let Some(driver) = self.driver.try_lock() else {
                self.sleep_while_worker_in_poller(last_seen);
                continue;
            };
            seq_cst(|| self.backstop_holds.store(true, SeqCst));
            self.note_took_slot();
            while !self.handoff_requested.load(SeqCst) && !self.stopping() {
                driver.turn(Timeout::Forever);
                self.turns.fetch_add(1, Relaxed);
            }
            drop(driver);
            let waiting = {
                let mut waiting = self.handoff.lock().unwrap();
                seq_cst(|| self.backstop_holds.store(false, SeqCst));
                seq_cst(|| self.handoff_requested.store(false, SeqCst));
                waiting.take()
            };
            if let Some(worker) = waiting {
                worker.unpark();
            }
            self.note_released_slot();
            last_seen = self.turns.load(Relaxed);
        }
    }

    /// `Slot::sleep_while_worker_in_poller`.
    fn sleep_while_worker_in_poller(&self, last_seen: u64) {
        let mut stop = self.stop.lock().unwrap();
        seq_cst(|| self.backstop_asleep.store(true, SeqCst));
        while !*stop && self.turns.load(SeqCst) == last_seen && self.driver.is_locked() {
            stop = self.stop_cvar.wait(stop).unwrap();
        }
        seq_cst(|| self.backstop_asleep.store(false, SeqCst));
    }

    /// `Slot::worker_left_poller`.
    fn worker_left_poller(&self) {
        if self.backstop_asleep.load(SeqCst) {
            drop(self.stop.lock().unwrap());
            self.stop_cvar.notify_one();
        }
    }

    /// `Slot::request_handoff`.
    fn request_handoff(&self, worker: &Arc<WorkerUnparker>) {
        let mut waiting = self.handoff.lock().unwrap();
        if !self.backstop_holds.load(SeqCst) || waiting.is_some() {
            return;
        }
        *waiting = Some(worker.clone());
        seq_cst(|| self.handoff_requested.store(true, SeqCst));
        drop(waiting);
        self.reactor.unpark();
    }

    /// `Slot::request_release`.
    fn request_release(&self) {
        if !self.backstop_holds.load(SeqCst) || self.handoff_requested.load(SeqCst) {
            return;
        }
        let waiting = self.handoff.lock().unwrap();
        if !self.backstop_holds.load(SeqCst) || self.handoff_requested.load(SeqCst) {
            return;
        }
        seq_cst(|| self.handoff_requested.store(true, SeqCst));
        drop(waiting);
        self.reactor.unpark();
    }
}

/// `SharedDriver::shutdown`, given the backstop thread.
fn shutdown(slot: &Slot, backstop: thread::JoinHandle<()>) {
    *slot.stop.lock().unwrap() = true;
    slot.stop_cvar.notify_one();
    slot.reactor.unpark();
    backstop.join().unwrap();
    // `reactor.shutdown()` only fails resources; the unpark wakes a worker
    // still asleep in the poller.
    slot.reactor.unpark();
}

/// `SharedDriver::worker_parker`.
fn worker_parker(slot: &Arc<Slot>) -> WorkerParker {
    WorkerParker {
        slot: slot.clone(),
        me: Arc::new(WorkerUnparker {
            state: AtomicU8::new(EMPTY),
            lock: Mutex::new(()),
            cvar: Condvar::new(),
            reactor: slot.reactor.clone(),
        }),
    }
}

/// `WorkerParker`.
struct WorkerParker {
    slot: Arc<Slot>,
    me: Arc<WorkerUnparker>,
}

/// `WorkerUnparker`.
struct WorkerUnparker {
    state: AtomicU8,
    lock: Mutex<()>,
    cvar: Condvar,
    reactor: Arc<Reactor>,
}

impl WorkerParker {
    /// `WorkerParker::park_inner`.
    fn park_inner(&self, timeout: Timeout) {
        let me = &*self.me;
        if seq_cst(|| me.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)).is_ok() {
            return;
        }
        if timeout == Timeout::Zero {
            if let Some(driver) = self.slot.driver.try_lock() {
                driver.turn(Timeout::Zero);
                if OLD_BUG {
                    self.slot.turns.fetch_add(1, Relaxed);
                    // The guard dropped at the end of the block; no
                    // `worker_left_poller`.
                } else {
                    drop(driver);
                    seq_cst(|| self.slot.turns.fetch_add(1, SeqCst));
                    self.slot.worker_left_poller();
                }
            } else {
                self.slot.request_release();
            }
            return;
        }
        if let Some(driver) = self.slot.driver.try_lock() {
            self.park_in_driver(driver, timeout);
        } else {
            self.slot.request_handoff(&self.me);
            self.park_on_condvar();
        }
    }

    /// `WorkerParker::park_in_driver`.
    fn park_in_driver(&self, driver: DriverGuard<'_>, timeout: Timeout) {
        let me = &*self.me;
        let timeout = match seq_cst(|| {
            me.state
                .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        }) {
            Ok(_) => timeout,
            Err(actual) => {
                assert_eq!(actual, NOTIFIED);
                seq_cst(|| me.state.store(EMPTY, SeqCst));
                Timeout::Zero
            }
        };
        driver.turn(timeout);
        seq_cst(|| me.state.store(EMPTY, SeqCst));
        drop(driver);
        seq_cst(|| self.slot.turns.fetch_add(1, SeqCst));
        self.slot.worker_left_poller();
    }

    /// `WorkerParker::park_on_condvar` with `timeout == None`, the only one
    /// the model's parks reach (the zero-timeout look returns earlier).
    fn park_on_condvar(&self) {
        let me = &*self.me;
        let mut guard = me.lock.lock().unwrap();
        if let Err(actual) = seq_cst(|| {
            me.state
                .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        }) {
            assert_eq!(actual, NOTIFIED);
            seq_cst(|| me.state.store(EMPTY, SeqCst));
            return;
        }
        loop {
            guard = me.cvar.wait(guard).unwrap();
            if seq_cst(|| me.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)).is_ok() {
                return;
            }
        }
    }
}

impl WorkerUnparker {
    /// `WorkerUnparker::unpark`.
    fn unpark(&self) {
        match seq_cst(|| self.state.swap(NOTIFIED, SeqCst)) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                drop(self.lock.lock().unwrap());
                self.cvar.notify_one();
            }
            PARKED_DRIVER => self.reactor.unpark(),
            _ => unreachable!("invalid worker park state"),
        }
    }
}

/// Starts `slot`'s backstop thread, as `SharedDriver::new` does.
fn spawn_backstop(slot: &Arc<Slot>) -> thread::JoinHandle<()> {
    let slot = slot.clone();
    thread::spawn(move || slot.run_backstop())
}

/// Property 1, RELIABILITY.md bug 8: the test's thread, a worker, takes a
/// quick look (`park_timeout(Duration::ZERO)`) while the backstop makes its
/// interval check, so the backstop may find the slot taken by the look and go
/// to sleep until a worker leaves the poller. No worker touches the driver
/// after the look, so the backstop must end up taking the slot itself: the
/// test waits for that before shutting down, and a backstop asleep for good
/// is a deadlock.
#[test]
fn loom_quick_look_wakes_sleeping_backstop() {
    model(|| {
        let slot = Slot::new();
        let worker = worker_parker(&slot);
        let backstop = spawn_backstop(&slot);
        worker.park_inner(Timeout::Zero);
        slot.wait_until_backstop_took_slot();
        shutdown(&slot, backstop);
    });
}

/// Property 1, the idle case: a worker sleeps in the poller (a full park),
/// the backstop may find it there and go to sleep; the test's thread unparks
/// the worker at any point, and once the worker's park has returned the
/// backstop must end up taking the slot (a worker that found the backstop in
/// the slot parks on its condition variable instead, and the handoff or the
/// test's unpark ends that).
#[test]
fn loom_full_park_wakes_sleeping_backstop() {
    model(|| {
        let slot = Slot::new();
        let worker = worker_parker(&slot);
        let unparker = worker.me.clone();
        let backstop = spawn_backstop(&slot);
        let worker = thread::spawn(move || worker.park_inner(Timeout::Forever));
        unparker.unpark();
        worker.join().unwrap();
        slot.wait_until_backstop_took_slot();
        shutdown(&slot, backstop);
    });
}

/// Property 2, handoff: once the backstop holds the slot, the test's thread,
/// a worker, parks: its `try_lock` fails, it asks for the slot and sleeps on
/// its condition variable. Nobody else unparks it, so the park returns only
/// if the backstop lets the slot go and unparks it; shutdown comes after.
#[test]
fn loom_handoff_unparks_waiting_worker() {
    model(|| {
        let slot = Slot::new();
        let worker = worker_parker(&slot);
        let backstop = spawn_backstop(&slot);
        slot.wait_until_backstop_took_slot();
        worker.park_inner(Timeout::Forever);
        assert_eq!(worker.me.state.load(SeqCst), EMPTY);
        shutdown(&slot, backstop);
    });
}

/// Property 4, release: once the backstop holds the slot, the test's
/// thread, a busy worker, takes a quick look (`park_timeout(Duration::ZERO)`):
/// its `try_lock` fails and it asks for the slot, without parking. The
/// backstop must let the slot go, with nobody to unpark; a request lost on
/// the way leaves it turning forever, a deadlock. (Without
/// `request_release` this fails with no preemption at all.)
#[test]
fn loom_quick_look_takes_the_slot_back() {
    model(|| {
        let slot = Slot::new();
        let worker = worker_parker(&slot);
        let backstop = spawn_backstop(&slot);
        slot.wait_until_backstop_took_slot();
        worker.park_inner(Timeout::Zero);
        slot.wait_until_backstop_released_slot();
        shutdown(&slot, backstop);
    });
}

/// Property 3, shutdown: a worker parks (in the poller, or on its condition
/// variable after asking the backstop for the slot) while the test's thread
/// shuts down at any point, so the backstop may be in its interval wait,
/// asleep while the worker is in the poller, or turning the driver: joining
/// it must return. Then the worker is unparked, as the executor's shutdown
/// does, and must return too.
#[test]
fn loom_shutdown_ends_backstop() {
    model(|| {
        let slot = Slot::new();
        let worker = worker_parker(&slot);
        let unparker = worker.me.clone();
        let backstop = spawn_backstop(&slot);
        let worker = thread::spawn(move || worker.park_inner(Timeout::Forever));
        shutdown(&slot, backstop);
        unparker.unpark();
        worker.join().unwrap();
    });
}
