//! One driver, many workers: how a multi-thread runtime turns its reactor.
//!
//! A dedicated driver thread costs a cross-thread hop per readiness event: the
//! thread wakes from `epoll_wait`, queues the task on the injector and wakes a
//! worker, which wakes on another core. Measured here (BENCHMARKS.md), that
//! hop made a one-byte TCP ping-pong about 2.5x slower than Tokio, which lets a
//! worker that is about to sleep sleep *in* the poller instead.
//!
//! So the driver sits in a [`SharedDriver`] slot, behind a mutex, and:
//!
//! - a worker with nothing to run parks through its [`WorkerParker`]: if the
//!   slot is free it takes it (`try_lock`) and turns the driver, blocking in
//!   the poller; the tasks it wakes go into its own run queue, and it runs
//!   them on the core that just read their events. Otherwise it sleeps on its
//!   own condition variable, as a plain parker would;
//! - the *backstop* thread (named `runtime-driver`) turns the driver whenever
//!   no worker does: it looks every [`BACKSTOP_INTERVAL`], and if nobody turned
//!   the driver since its last look and the slot is free, every worker is busy
//!   (or blocked in a task), so it takes the slot and turns it until a worker
//!   asks for it back: one that parks, or one whose look between tasks finds
//!   it there (the workers are turning the driver again). This keeps the
//!   guarantee of the dedicated thread (Tokio issue 4730: one worker stuck in
//!   a task must not stall everyone's I/O) without paying its hop when
//!   workers are idle or busy. When it finds a worker asleep in the poller
//!   for a whole interval, the runtime is idle: it stops looking until that
//!   worker leaves the poller and tells it, so an idle runtime has no
//!   periodic wake-ups;
//! - a worker that wants to park while the backstop holds the slot asks for a
//!   *handoff*: it leaves its unparker in the slot, interrupts the poll and
//!   sleeps on its condition variable; the backstop's turn returns, it releases
//!   the slot and unparks the worker, whose next park takes the driver. The
//!   waiting worker never blocks on the driver's mutex itself: a thread stuck
//!   in a mutex could not be woken for new work.
//!
//! Waking a worker depends on where it sleeps: on its condition variable, it is
//! notified; in the poller, the reactor's `unpark` interrupts the poll. Both go
//! through one state word per worker, so an unpark is never lost: one that
//! comes before the park makes the park return at once.

use crate::driver::Driver;
use crate::handle::Handle;
use runtime_core::lock::{Condvar, Mutex, MutexGuard};
use runtime_core::{Park, Unpark};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::*};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How long the driver may go unturned, while every worker is busy, before the
/// backstop thread turns it. Chosen here, not measured: it bounds how late I/O
/// and timers are noticed when all workers are stuck in long polls (a case
/// Tokio leaves unbounded), at the cost of up to 100 short wake-ups a second
/// of the backstop thread while the runtime is busy (none while it is idle);
/// workers that park or pass their event interval turn the driver long before
/// it elapses in normal operation.
pub const BACKSTOP_INTERVAL: Duration = Duration::from_millis(10);

/// Worker park states (see [`WorkerUnparker::unpark`]).
const EMPTY: u8 = 0;
const PARKED_CONDVAR: u8 = 1;
const PARKED_DRIVER: u8 = 2;
const NOTIFIED: u8 = 3;

/// The driver of a multi-thread runtime, shared by its workers and a backstop
/// thread. Dropping it stops the backstop thread and shuts the reactor down.
#[derive(Debug)]
pub struct SharedDriver {
    slot: Arc<Slot>,
    backstop: Option<thread::JoinHandle<()>>,
}

// Unwind safety: a panic cannot leave the shared driver half-updated where the caller
// could see it. Its shared state is atomics and runtime-internal locks, and no
// user code ever runs while one of those is held, so there is no critical
// section for an unwind to interrupt. The auto traits miss this only because
// the locks (`parking_lot`'s, without poisoning) hold an `UnsafeCell`. As in
// Tokio, which implements the same traits on the same types.
impl std::panic::UnwindSafe for SharedDriver {}
impl std::panic::RefUnwindSafe for SharedDriver {}

struct Slot {
    driver: Mutex<Driver>,
    reactor: Handle,
    /// Bumped after every turn by anyone; the backstop compares it between
    /// looks to tell whether the driver is being turned.
    turns: AtomicU64,
    /// The backstop thread holds the slot: a parking worker may ask for it.
    /// Changed only with `handoff` locked.
    backstop_holds: AtomicBool,
    /// The worker waiting for the backstop to give the slot up.
    handoff: Mutex<Option<Arc<WorkerUnparker>>>,
    /// The backstop is asked to release the slot (for `handoff`'s worker, if
    /// set): its cheap check between turns.
    handoff_requested: AtomicBool,
    /// Set at shutdown; the backstop sleeps on `stop_cvar` between looks.
    stop: Mutex<bool>,
    stop_cvar: Condvar,
    /// The backstop sleeps until a worker leaves the poller (the runtime was
    /// idle); that worker must notify `stop_cvar`.
    backstop_asleep: AtomicBool,
}

impl SharedDriver {
    /// Puts `driver` in a shared slot and starts the backstop thread, named
    /// `backstop_name`.
    pub fn new(driver: Driver, backstop_name: String) -> io::Result<SharedDriver> {
        let slot = Arc::new(Slot {
            reactor: driver.handle().clone(),
            driver: Mutex::new(driver),
            turns: AtomicU64::new(0),
            backstop_holds: AtomicBool::new(false),
            handoff: Mutex::new(None),
            handoff_requested: AtomicBool::new(false),
            stop: Mutex::new(false),
            stop_cvar: Condvar::new(),
            backstop_asleep: AtomicBool::new(false),
        });
        let backstop_slot = slot.clone();
        let backstop = thread::Builder::new()
            .name(backstop_name)
            .spawn(move || backstop_slot.run_backstop())?;
        Ok(SharedDriver {
            slot,
            backstop: Some(backstop),
        })
    }

    /// A parker for one worker: it turns the driver when it can.
    pub fn worker_parker(&self) -> WorkerParker {
        WorkerParker {
            slot: self.slot.clone(),
            me: Arc::new(WorkerUnparker {
                state: AtomicU8::new(EMPTY),
                lock: Mutex::new(()),
                cvar: Condvar::new(),
                reactor: self.slot.reactor.clone(),
            }),
        }
    }

    /// Stops the backstop thread and shuts the reactor down, waking every
    /// waiting resource and timer. Call after the workers have stopped.
    pub fn shutdown(&mut self) {
        let Some(backstop) = self.backstop.take() else {
            return;
        };
        *self.slot.stop.lock() = true;
        self.slot.stop_cvar.notify_one();
        // Interrupts the backstop's poll if it is turning the driver.
        self.slot.reactor.unpark();
        // The backstop runs no user code; a panic there is a bug we must not
        // turn into a double panic during runtime drop.
        let _ = backstop.join();
        // Through the handle, not the driver: a worker may still sleep in the
        // poller holding it (after a refused, panicking runtime shutdown), and
        // waiting for it here would hang. It wakes and fails its resources;
        // the poller closes when the last worker lets go of the slot.
        self.slot.reactor.shutdown();
        self.slot.reactor.unpark();
    }
}

impl Drop for SharedDriver {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Slot {
    fn stopping(&self) -> bool {
        *self.stop.lock()
    }

    /// The backstop thread: every `BACKSTOP_INTERVAL`, if the driver went
    /// unturned and its slot is free, turn it until a worker wants it back.
    fn run_backstop(&self) {
        let mut last_seen = self.turns.load(Relaxed);
        loop {
            {
                let mut stop = self.stop.lock();
                if !*stop {
                    self.stop_cvar.wait_for(&mut stop, BACKSTOP_INTERVAL);
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
            let Some(mut driver) = self.driver.try_lock() else {
                // A worker has slept in the poller for a whole interval.
                self.sleep_while_worker_in_poller(last_seen);
                continue;
            };
            self.backstop_holds.store(true, SeqCst);
            while !self.handoff_requested.load(SeqCst) && !self.stopping() {
                driver.turn(None);
                self.turns.fetch_add(1, Relaxed);
            }
            drop(driver);
            let waiting = {
                let mut waiting = self.handoff.lock();
                self.backstop_holds.store(false, SeqCst);
                self.handoff_requested.store(false, SeqCst);
                waiting.take()
            };
            if let Some(worker) = waiting {
                worker.unpark();
            }
            last_seen = self.turns.load(Relaxed);
        }
    }

    /// The runtime is idle, a worker asleep in the poller: wait, without a
    /// timer, until it leaves (`worker_left_poller`) or shutdown.
    fn sleep_while_worker_in_poller(&self, last_seen: u64) {
        let mut stop = self.stop.lock();
        self.backstop_asleep.store(true, SeqCst);
        // Re-checked after publishing `backstop_asleep`: a worker that bumped
        // `turns` before seeing it is caught here, one after is told to notify.
        while !*stop && self.turns.load(SeqCst) == last_seen && self.driver.is_locked() {
            self.stop_cvar.wait(&mut stop);
        }
        self.backstop_asleep.store(false, SeqCst);
    }

    /// Called by a worker after its turn (with `turns` bumped): wakes a
    /// backstop that stopped looking while the runtime was idle.
    fn worker_left_poller(&self) {
        if self.backstop_asleep.load(SeqCst) {
            // Taking the lock orders this notify after the backstop's wait began.
            drop(self.stop.lock());
            self.stop_cvar.notify_one();
        }
    }

    /// Asks the backstop to release the slot and unpark `worker` once it has;
    /// nothing if a worker holds the slot or another worker already asked.
    fn request_handoff(&self, worker: &Arc<WorkerUnparker>) {
        let mut waiting = self.handoff.lock();
        if !self.backstop_holds.load(SeqCst) || waiting.is_some() {
            return;
        }
        *waiting = Some(worker.clone());
        self.handoff_requested.store(true, SeqCst);
        drop(waiting);
        // Makes the backstop's current (or next) poll return at once.
        self.reactor.unpark();
    }

    /// Asks the backstop to release the slot, with no worker to unpark: a
    /// worker's look between tasks found it there. Without this the backstop
    /// would keep the slot for as long as the workers stay busy (it gives it
    /// up only to a worker that parks): every I/O event would wake its task
    /// from the backstop's thread, the hop the shared slot exists to avoid,
    /// and the workers' looks, `yield_now`'s promise to see I/O after one
    /// yield included, would find the slot taken. Nothing if the backstop
    /// does not hold the slot (a worker does: the cheap check that a look
    /// pays) or a request is already pending.
    fn request_release(&self) {
        if !self.backstop_holds.load(SeqCst) || self.handoff_requested.load(SeqCst) {
            return;
        }
        let waiting = self.handoff.lock();
        // Re-checked under the lock the backstop releases under.
        if !self.backstop_holds.load(SeqCst) || self.handoff_requested.load(SeqCst) {
            return;
        }
        self.handoff_requested.store(true, SeqCst);
        drop(waiting);
        // Ends the backstop's current (or next) poll.
        self.reactor.unpark();
    }
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("turns", &self.turns.load(Relaxed))
            .finish_non_exhaustive()
    }
}

/// Parks one worker of a multi-thread runtime: in the poller when the driver
/// is free, on a condition variable otherwise.
#[derive(Debug)]
pub struct WorkerParker {
    slot: Arc<Slot>,
    me: Arc<WorkerUnparker>,
}

/// Wakes one worker, wherever it sleeps.
#[derive(Debug)]
pub struct WorkerUnparker {
    state: AtomicU8,
    lock: Mutex<()>,
    cvar: Condvar,
    reactor: Handle,
}

impl WorkerParker {
    fn park_inner(&mut self, timeout: Option<Duration>) {
        let me = &*self.me;
        if me
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            // A look between tasks: only if nobody else is turning it.
            if let Some(mut driver) = self.slot.driver.try_lock() {
                driver.turn(Some(Duration::ZERO));
                drop(driver);
                // Bumped after the unlock, so a backstop that sees the bump
                // also sees the slot free (see `park_in_driver`).
                self.slot.turns.fetch_add(1, SeqCst);
                // The backstop may have found the slot taken by this look and
                // gone to sleep until a worker leaves the poller: say so, or
                // it sleeps until the next full park.
                self.slot.worker_left_poller();
            } else {
                // Held by another worker's park, or by the backstop, which
                // keeps it until asked: a worker looking between tasks is
                // turning the driver again, so ask for it back.
                self.slot.request_release();
            }
            return;
        }
        if let Some(driver) = self.slot.driver.try_lock() {
            self.park_in_driver(driver, timeout);
        } else {
            // The backstop unparks us once it lets go of the driver; our next
            // park takes it.
            self.slot.request_handoff(&self.me);
            self.park_on_condvar(timeout);
        }
    }

    /// Turns the driver, blocking in the poller until an event, an unpark or
    /// `timeout`. Moves the state EMPTY -> PARKED_DRIVER -> EMPTY.
    fn park_in_driver(&self, mut driver: MutexGuard<'_, Driver>, timeout: Option<Duration>) {
        let me = &*self.me;
        let timeout = match me
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => timeout,
            Err(actual) => {
                // Unparked since the check in `park_inner`: consume it, but
                // still collect whatever events are ready.
                debug_assert_eq!(actual, NOTIFIED);
                me.state.store(EMPTY, SeqCst);
                Some(Duration::ZERO)
            }
        };
        driver.turn(timeout);
        // PARKED_DRIVER, or NOTIFIED if an unpark interrupted the poll.
        me.state.store(EMPTY, SeqCst);
        // `turns` is bumped after the unlock: a backstop that reads the bump
        // (SeqCst, so it synchronizes with it) then cannot read the slot as
        // still locked in `sleep_while_worker_in_poller`. Bumped before the
        // unlock, it could (the unlock is only `Release`), and if this
        // worker's `worker_left_poller` then missed `backstop_asleep`, the
        // backstop would sleep with the slot free: allowed by Rust's memory
        // model though not by x86-64 or AArch64; found by `loom_model.rs`.
        drop(driver);
        self.slot.turns.fetch_add(1, SeqCst);
        self.slot.worker_left_poller();
    }

    /// Sleeps on the condition variable. Moves EMPTY -> PARKED_CONDVAR -> EMPTY.
    fn park_on_condvar(&self, timeout: Option<Duration>) {
        let me = &*self.me;
        let mut guard = me.lock.lock();
        if let Err(actual) = me
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            // Unparked between the first check and taking the lock.
            debug_assert_eq!(actual, NOTIFIED);
            me.state.store(EMPTY, SeqCst);
            return;
        }
        match timeout {
            None => loop {
                me.cvar.wait(&mut guard);
                if me
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                    .is_ok()
                {
                    return;
                }
                // Spurious wake-up: sleep again.
            },
            Some(timeout) => {
                me.cvar.wait_for(&mut guard, timeout);
                me.state.store(EMPTY, SeqCst);
            }
        }
    }
}

impl Park for WorkerParker {
    fn park(&mut self) {
        self.park_inner(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.park_inner(Some(timeout));
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.me.clone()
    }
}

impl Unpark for WorkerUnparker {
    /// Wakes the worker: notifies its condition variable, or interrupts the
    /// poll it sleeps in; with the worker awake, makes its next park return.
    fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the lock orders this notify after the wait began.
                drop(self.lock.lock());
                self.cvar.notify_one();
            }
            PARKED_DRIVER => self.reactor.unpark(),
            _ => unreachable!("invalid worker park state"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::time::Instant;

    fn shared() -> SharedDriver {
        SharedDriver::new(Driver::new().unwrap(), "test-backstop".into()).unwrap()
    }

    /// A shared driver that nobody parks on, once the backstop has taken
    /// its slot (within a few intervals), and a deadline 5 s away.
    fn held_by_backstop() -> (SharedDriver, Instant) {
        let d = shared();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !d.slot.backstop_holds.load(SeqCst) {
            assert!(Instant::now() < deadline, "backstop never took the driver");
            thread::sleep(BACKSTOP_INTERVAL);
        }
        (d, deadline)
    }

    #[test]
    fn unpark_before_park_is_remembered() {
        let d = shared();
        let mut p = d.worker_parker();
        p.unparker().unpark();
        let start = Instant::now();
        p.park();
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn worker_parked_in_driver_is_woken_by_unpark() {
        let d = shared();
        let mut p = d.worker_parker();
        let u = p.unparker();
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(30));
            u.unpark();
        });
        p.park();
        t.join().unwrap();
        assert_eq!(p.me.state.load(SeqCst), EMPTY);
    }

    #[test]
    fn second_worker_sleeps_on_condvar_and_is_woken() {
        let d = shared();
        let mut first = d.worker_parker();
        let first_u = first.unparker();
        let mut second = d.worker_parker();
        let second_u = second.unparker();
        let second_me = second.me.clone();
        let first_me = first.me.clone();
        let done = Arc::new(AtomicBool::new(false));
        let first_done = done.clone();
        // The first worker holds the driver while parked. It parks until
        // told to stop: if the backstop took the slot first (a slow start,
        // as under ASan), its first park only gets the slot handed back.
        let t1 = thread::spawn(move || {
            while !first_done.load(SeqCst) {
                first.park();
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while first_me.state.load(SeqCst) != PARKED_DRIVER {
            assert!(
                Instant::now() < deadline,
                "first worker never slept in the poller"
            );
            thread::yield_now();
        }
        let t2 = thread::spawn(move || second.park());
        while second_me.state.load(SeqCst) != PARKED_CONDVAR {
            assert!(
                Instant::now() < deadline,
                "second worker never slept on its condvar"
            );
            thread::yield_now();
        }
        second_u.unpark();
        t2.join().unwrap();
        done.store(true, SeqCst);
        first_u.unpark();
        t1.join().unwrap();
    }

    #[test]
    fn backstop_turns_an_unturned_driver_and_hands_it_back() {
        let (d, deadline) = held_by_backstop();
        // A parking worker asks for it: the backstop lets go and wakes it, and
        // its next park sleeps in the poller.
        let mut p = d.worker_parker();
        let u = p.unparker();
        let me = p.me.clone();
        let t = thread::spawn(move || {
            p.park();
            p.park();
        });
        while me.state.load(SeqCst) != PARKED_DRIVER {
            assert!(Instant::now() < deadline, "worker never got the driver");
            thread::yield_now();
        }
        assert!(!d.slot.backstop_holds.load(SeqCst));
        u.unpark();
        t.join().unwrap();
    }

    #[test]
    fn a_look_between_tasks_takes_the_driver_back_from_the_backstop() {
        let (d, deadline) = held_by_backstop();
        // A busy worker never parks; it only looks between tasks. Its look
        // finds the slot taken and asks for it: the backstop must let go (its
        // next interval then finds the workers' turns and leaves it to them).
        let mut p = d.worker_parker();
        p.park_timeout(Duration::ZERO);
        while d.slot.backstop_holds.load(SeqCst) {
            assert!(
                Instant::now() < deadline,
                "the backstop kept the driver from a worker looking between tasks"
            );
            thread::yield_now();
        }
    }

    #[test]
    fn backstop_stops_looking_while_a_worker_sleeps_in_the_poller() {
        let d = shared();
        let mut p = d.worker_parker();
        let u = p.unparker();
        let me = p.me.clone();
        let done = Arc::new(AtomicBool::new(false));
        let worker_done = done.clone();
        // Parks until told to stop: it ends up in the poller even if the
        // backstop happened to take the driver first (handoff).
        let t = thread::spawn(move || {
            while !worker_done.load(SeqCst) {
                p.park();
            }
        });
        let deadline = Instant::now() + Duration::from_secs(5);
        while !d.slot.backstop_asleep.load(SeqCst) {
            assert!(
                Instant::now() < deadline,
                "backstop kept polling an idle runtime"
            );
            thread::sleep(BACKSTOP_INTERVAL);
        }
        assert_eq!(me.state.load(SeqCst), PARKED_DRIVER);
        // Leaving the poller wakes it again.
        done.store(true, SeqCst);
        u.unpark();
        t.join().unwrap();
        while d.slot.backstop_asleep.load(SeqCst) {
            assert!(
                Instant::now() < deadline,
                "backstop not woken by the worker"
            );
            thread::yield_now();
        }
    }

    #[test]
    fn timer_wakes_a_parked_worker() {
        struct UnparkWaker(Arc<dyn Unpark>);
        impl std::task::Wake for UnparkWaker {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let d = shared();
        let reactor = d.slot.reactor.clone();
        let _enter = reactor.enter();
        let mut p = d.worker_parker();
        let waker = std::task::Waker::from(Arc::new(UnparkWaker(p.unparker())));
        let mut cx = std::task::Context::from_waker(&waker);
        let start = Instant::now();
        let mut sleep = Box::pin(crate::time::sleep(Duration::from_millis(20)));
        assert!(sleep.as_mut().poll(&mut cx).is_pending());
        // Whoever turns the driver (this worker or the backstop) fires it.
        while sleep.as_mut().poll(&mut cx).is_pending() {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "timer never fired"
            );
            p.park();
        }
        assert!(start.elapsed() >= Duration::from_millis(20));
    }
}
