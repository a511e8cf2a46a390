//! Loom model of a timer's lifecycle: the shared entry (`entry.rs`:
//! `TimerShared`, `Timers`' entry cache), the `Sleep` that owns it
//! (`sleep.rs`: first poll, re-poll, `reset`, drop) and the driver that fires
//! it (`driver.rs`: `Handle::collect_due_timers`, `Handle::shutdown`'s
//! timer part, and for the last test the turn's sleep, `Driver::turn` with
//! `Handle::unpark`/`begin_park`/`end_park`).
//!
//! `entry.rs` uses `std`'s atomics and `runtime_core`'s lock directly, which
//! loom cannot see, so, like `crate::loom_model`, this model is
//! self-contained: every function below mirrors, step for step, the real
//! function named in its doc comment, on loom's primitives (same orderings,
//! same lock scopes, `Arc::strong_count` for the cache); change both together.
//! The timer wheel itself is the real [`Wheel`] (plain data, always behind
//! the timers lock). What is not real:
//!
//! - Time: ticks are plain numbers. A driver "turn" of the lifecycle tests is
//!   `collect_due_timers` at a given tick, then the wakes outside the lock (as
//!   at the end of `Driver::turn`). In [`driver`], a wait with a timeout
//!   (until the next timer) ends by the timeout, advancing the driver's clock
//!   to that tick; only a wait without one blocks (on the poller), until an
//!   unpark.
//! - The poller is a flag behind a loom `Mutex` plus a `Condvar`: the mio
//!   waker's wake sets it (an edge kept until the next poll), a poll consumes
//!   it.
//! - The runtime's shutdown check and the clock's conversion to ticks are
//!   left out.
//!
//! What is checked: a registration (first poll or re-poll with a new waker)
//! racing the fire is never lost (a lost wake-up deadlocks, which loom
//! reports); a timer fires at most once and wakes its waker at most once; a
//! `Sleep` dropped or reset while it fires leaves nothing in the wheel, and
//! its cached entry, reused by the next `Sleep` while the driver may still
//! hold the old fire, is never fired or woken on the old timer's behalf;
//! shutdown racing first polls and re-polls completes them all; no entry
//! leaks (loom checks every `Arc` is freed).
//!
//! [`FIRE_TAKES_WAKER_FIRST`] swaps the two steps of `fire`,
//! [`ENTRY_KEEPS_FIRED`] leaves out the reset of `fired` when a cached entry
//! is reused, and [`DEREGISTER_SKIPS_REMOVE`] leaves a dropped `Sleep`'s
//! entry in the wheel; each makes the models fail. (Dropping the cache's
//! `strong_count` check does not: once the driver has fired an entry under
//! the lock it only drops its `Arc`, so reusing the entry meanwhile is
//! harmless; the check is defensive.)
//!
//! # Finding (fixed 2026-12-04): a timer registered as a turn starts could be slept past
//!
//! `driver::timer_inserted_at_turn_start_unparks_driver` failed on the
//! protocol as it was. `Driver::turn` read the wheel's next expiration under
//! the timers lock but stored it into `next_wake` only after releasing the
//! lock; `Sleep::poll_elapsed` inserts under the lock, releases
//! it, then unparks the driver only if its deadline is before `next_wake`.
//! The interleaving (one preemption):
//!
//! 1. driver, previous turn: a timer at 3 is next, `next_wake = 3`; it fires;
//! 2. driver, new turn: locks, `next_expiration()` is `None`, unlocks;
//! 3. task: first poll of a `Sleep` due at 5: locks, inserts, unlocks, loads
//!    `next_wake`: 3 (the driver has not stored yet; and with no
//!    happens-before from that store, even a later load may read 3);
//!    `5 < 3` is false: no unpark; returns `Pending`;
//! 4. driver: stores `next_wake = u64::MAX`, `begin_park` succeeds, polls
//!    with no timeout (no timer known): it sleeps past 5, until some other
//!    event or unpark (in the multi-thread runtime a worker or the backstop
//!    may be in that poll with no timeout).
//!
//! `Driver::turn` now stores `next_wake` before releasing the lock (the
//! mirror's `NEXT_WAKE_UNDER_LOCK`; set it to `false` to see the failure),
//! which makes the test pass (also with 8 preemptions): either the driver's
//! read sees the timer, or the task's load, after its lock, sees the new
//! `next_wake` and unparks.
//!
//! Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-reactor --release --lib loom_`.

use super::{Key, Wheel};
use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::task::{Context, Poll, Waker};

/// Makes `fire` take the waker before it sets `fired`: a re-poll storing its
/// waker in between sees "not fired" and is never woken. Must stay `false`.
const FIRE_TAKES_WAKER_FIRST: bool = false;

/// Makes `Timers::entry` hand out a cached entry without resetting `fired`:
/// the new `Sleep` is ready at once if the entry had fired. Must stay
/// `false`.
const ENTRY_KEEPS_FIRED: bool = false;

/// Makes `Sleep::deregister` leave the entry in the wheel (only its key is
/// forgotten): the wheel later fires it for nobody, and the entry is never
/// cached. Must stay `false`.
const DEREGISTER_SKIPS_REMOVE: bool = false;

/// `NO_KEY`.
const NO_KEY: usize = usize::MAX;
/// `MAX_FREE_ENTRIES`.
const MAX_FREE_ENTRIES: usize = 1024;

/// `Timers`.
struct Timers {
    wheel: Wheel<Arc<TimerShared>>,
    free: Vec<Arc<TimerShared>>,
}

impl Timers {
    /// `Timers::new`.
    fn new() -> Timers {
        Timers {
            wheel: Wheel::new(),
            free: Vec::new(),
        }
    }

    /// `Timers::entry`.
    fn entry(&mut self, waker: &Waker) -> Arc<TimerShared> {
        match self.free.pop() {
            Some(entry) => {
                if !ENTRY_KEEPS_FIRED {
                    entry.fired.store(false, Relaxed);
                }
                entry.fires.store(0, Relaxed);
                *entry.waker.lock().unwrap() = Some(waker.clone());
                entry
            }
            None => Arc::new(TimerShared::new(waker.clone())),
        }
    }

    /// `Timers::recycle`.
    fn recycle(&mut self, entry: Arc<TimerShared>) {
        if Arc::strong_count(&entry) == 1 && self.free.len() < MAX_FREE_ENTRIES {
            entry.waker.lock().unwrap().take();
            self.free.push(entry);
        }
    }
}

/// `TimerShared`.
struct TimerShared {
    fired: AtomicBool,
    key: AtomicUsize,
    waker: Mutex<Option<Waker>>,
    /// Not in the real code: how many times the driver fired this entry
    /// since it was last handed out (`Timers::entry` resets it). A `std`
    /// atomic, so it adds no interleavings.
    fires: std::sync::atomic::AtomicUsize,
}

impl TimerShared {
    /// `TimerShared::new`.
    fn new(waker: Waker) -> TimerShared {
        TimerShared {
            fired: AtomicBool::new(false),
            key: AtomicUsize::new(NO_KEY),
            waker: Mutex::new(Some(waker)),
            fires: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// `TimerShared::is_fired`.
    fn is_fired(&self) -> bool {
        self.fired.load(Acquire)
    }

    /// `TimerShared::register`.
    fn register(&self, waker: &Waker) -> bool {
        let mut slot = self.waker.lock().unwrap();
        match &*slot {
            Some(w) if w.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
        drop(slot);
        self.is_fired()
    }

    /// `TimerShared::key`.
    fn key(&self) -> Option<Key> {
        match self.key.load(Relaxed) {
            NO_KEY => None,
            k => Some(Key::from_raw(k)),
        }
    }

    /// `TimerShared::set_key`.
    fn set_key(&self, key: Option<Key>) {
        self.key.store(key.map_or(NO_KEY, Key::into_raw), Relaxed);
    }

    /// `TimerShared::fire`.
    fn fire(&self, wake: &mut Vec<Waker>) {
        self.fires.fetch_add(1, Relaxed);
        self.set_key(None);
        if FIRE_TAKES_WAKER_FIRST {
            wake.extend(self.waker.lock().unwrap().take());
            self.fired.store(true, Release);
            return;
        }
        self.fired.store(true, Release);
        wake.extend(self.waker.lock().unwrap().take());
    }
}

/// The poller: an edge from the mio waker (or an I/O event), kept until a
/// poll consumes it.
struct Poller {
    state: Mutex<PollerState>,
    cvar: Condvar,
}

struct PollerState {
    pending: bool,
    /// Test harness only: set with an edge when the test is over, so the
    /// driver's loop ends (see `driver`).
    stop: bool,
}

/// Handle's park states.
const EMPTY: u8 = 0;
const PARKED: u8 = 1;
const NOTIFIED: u8 = 2;

/// The parts of `handle::Inner` the timers use.
struct Inner {
    timers: Mutex<Timers>,
    next_wake: AtomicU64,
    park_state: AtomicU8,
    poller: Poller,
}

impl Inner {
    fn new() -> Arc<Inner> {
        Arc::new(Inner {
            timers: Mutex::new(Timers::new()),
            next_wake: AtomicU64::new(u64::MAX),
            park_state: AtomicU8::new(EMPTY),
            poller: Poller {
                state: Mutex::new(PollerState {
                    pending: false,
                    stop: false,
                }),
                cvar: Condvar::new(),
            },
        })
    }

    /// `Handle::unpark`.
    fn unpark(&self) {
        if self.park_state.swap(NOTIFIED, AcqRel) == PARKED {
            // `mio::Waker::wake`.
            self.poller.state.lock().unwrap().pending = true;
            self.poller.cvar.notify_one();
        }
    }

    /// `Handle::begin_park`.
    fn begin_park(&self) -> bool {
        self.park_state
            .compare_exchange(EMPTY, PARKED, AcqRel, Acquire)
            .is_ok()
    }

    /// `Handle::end_park`.
    fn end_park(&self) {
        self.park_state.store(EMPTY, Release);
    }

    /// `Handle::collect_due_timers` at tick `now`.
    fn collect_due_timers(
        &self,
        now: u64,
        fired: &mut Vec<Arc<TimerShared>>,
        wake: &mut Vec<Waker>,
    ) {
        let mut timers = self.timers.lock().unwrap();
        timers.wheel.poll(now, fired);
        for timer in fired.iter() {
            timer.fire(wake);
        }
    }

    /// The timer part of `Handle::shutdown`: every timer fired at once (the
    /// wheel's time jumps to `u64::MAX`, so later inserts are refused and
    /// ready at once), the fired entries dropped under the lock, the wakes
    /// after it.
    fn shutdown(&self) {
        let mut wake = Vec::new();
        let mut fired = Vec::new();
        {
            let mut timers = self.timers.lock().unwrap();
            timers.wheel.poll(u64::MAX, &mut fired);
            for timer in fired.drain(..) {
                timer.fire(&mut wake);
            }
        }
        for waker in wake {
            waker.wake();
        }
    }

    /// A driver turn of the lifecycle tests: `collect_due_timers` at `now`,
    /// the fired entries dropped, then the wakes (`Driver::turn`'s end).
    fn fire_due(&self, now: u64) {
        let mut fired = Vec::new();
        let mut wake = Vec::new();
        self.collect_due_timers(now, &mut fired, &mut wake);
        fired.clear();
        for waker in wake.drain(..) {
            waker.wake();
        }
    }
}

/// `Sleep`, with its deadline in ticks.
struct Sleep {
    deadline: u64,
    inner: Arc<Inner>,
    entry: Option<Arc<TimerShared>>,
}

impl Sleep {
    fn new(inner: &Arc<Inner>, deadline: u64) -> Sleep {
        Sleep {
            deadline,
            inner: inner.clone(),
            entry: None,
        }
    }

    /// `Sleep::reset`.
    fn reset(&mut self, deadline: u64) {
        self.deregister();
        self.deadline = deadline;
    }

    /// `Sleep::deregister`.
    fn deregister(&mut self) {
        let Some(entry) = self.entry.take() else {
            return;
        };
        let mut timers = self.inner.timers.lock().unwrap();
        if let Some(key) = entry.key() {
            if !DEREGISTER_SKIPS_REMOVE {
                timers.wheel.remove(key);
            }
            entry.set_key(None);
        }
        timers.recycle(entry);
    }

    /// `Sleep::poll_elapsed`.
    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(entry) = &self.entry {
            return if entry.register(cx.waker()) {
                Poll::Ready(())
            } else {
                Poll::Pending
            };
        }
        let inner = &self.inner;
        let deadline = self.deadline;
        let mut timers = inner.timers.lock().unwrap();
        let entry = timers.entry(cx.waker());
        match timers.wheel.insert(deadline, entry.clone()) {
            Ok(key) => entry.set_key(Some(key)),
            Err(_) => {
                timers.recycle(entry);
                return Poll::Ready(());
            }
        }
        drop(timers);
        self.entry = Some(entry);
        if deadline < inner.next_wake.load(Acquire) {
            self.inner.unpark();
        }
        Poll::Pending
    }

    /// Test only: how many times the current entry fired.
    fn fires(&self) -> usize {
        self.entry.as_ref().map_or(0, |e| e.fires.load(Relaxed))
    }
}

impl Future for Sleep {
    type Output = ();

    /// `Sleep::poll` without `coop`.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_elapsed(cx)
    }
}

impl Drop for Sleep {
    /// `Sleep::drop`.
    fn drop(&mut self) {
        self.deregister();
    }
}

/// `loom::future::block_on`, which this crate's loom dev-dependency lacks
/// (no `futures` feature): polls `future`, waiting on a `loom::sync::Notify`
/// while it is pending; a wake notifies it (a wake before the wait is kept).
/// A wake-up that never comes leaves every thread blocked, which loom reports
/// as a deadlock.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Notifier(loom::sync::Notify);
    impl std::task::Wake for Notifier {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.notify();
        }
    }
    let notifier = std::sync::Arc::new(Notifier(loom::sync::Notify::new()));
    let waker = Waker::from(notifier.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        notifier.0.wait();
    }
}

/// A waker that counts its wakes (a `std` counter: read after the joins).
struct Counter(std::sync::atomic::AtomicUsize);

impl std::task::Wake for Counter {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Relaxed);
    }
}

fn counting_waker() -> (std::sync::Arc<Counter>, Waker) {
    let counter = std::sync::Arc::new(Counter(std::sync::atomic::AtomicUsize::new(0)));
    (counter.clone(), Waker::from(counter))
}

fn wakes(counter: &Counter) -> usize {
    counter.0.load(Relaxed)
}

/// `loom::model` with a preemption bound of 3 (unless `LOOM_MAX_PREEMPTIONS`
/// is set), as the other loom models: every test here then takes a second
/// or less in release; all also pass with a bound of 4 (a few seconds each).
fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

/// A registered `Sleep` (due at 5) re-polled with a new waker (`block_on`'s)
/// while the driver fires it at 5 and then turns again at 6: the re-poll's
/// registration is never lost, the timer fires once.
#[test]
fn register_racing_fire_is_not_lost() {
    model(|| {
        let inner = Inner::new();
        let mut sleep = Sleep::new(&inner, 5);
        let (first, first_waker) = counting_waker();
        let mut cx = Context::from_waker(&first_waker);
        assert!(Pin::new(&mut sleep).poll(&mut cx).is_pending());
        let i = inner.clone();
        let driver = thread::spawn(move || {
            i.fire_due(5);
            i.fire_due(6);
        });
        block_on(&mut sleep);
        driver.join().unwrap();
        assert_eq!(sleep.fires(), 1);
        assert!(wakes(&first) <= 1);
        assert_eq!(inner.timers.lock().unwrap().wheel.len(), 0);
    });
}

/// The first poll (insertion) racing the driver's turn at 5: the `Sleep` is
/// inserted before the turn (and fired by it) or after (then the wheel's
/// time is past its deadline and it is ready at once). It completes either
/// way.
#[test]
fn first_poll_racing_fire_completes() {
    model(|| {
        let inner = Inner::new();
        let i = inner.clone();
        let driver = thread::spawn(move || i.fire_due(5));
        let mut sleep = Sleep::new(&inner, 5);
        block_on(&mut sleep);
        driver.join().unwrap();
        assert!(sleep.fires() <= 1);
        assert_eq!(inner.timers.lock().unwrap().wheel.len(), 0);
    });
}

/// The driver fires a `Sleep` (due at 5) while its owner drops it and starts
/// a new one (due at 10), which may reuse the dropped one's cached entry:
/// the old fire wakes the old waker at most once, never the new one; the new
/// `Sleep` is not fired (the driver's clock is at 5) and stays in the wheel;
/// nothing else is left there.
#[test]
fn fire_racing_drop_then_reuse_of_the_entry() {
    model(|| {
        let inner = Inner::new();
        let mut old = Sleep::new(&inner, 5);
        let (old_wakes, old_waker) = counting_waker();
        assert!(Pin::new(&mut old)
            .poll(&mut Context::from_waker(&old_waker))
            .is_pending());
        let i = inner.clone();
        let driver = thread::spawn(move || i.fire_due(5));
        drop(old);
        let mut new = Sleep::new(&inner, 10);
        let (new_wakes, new_waker) = counting_waker();
        assert!(Pin::new(&mut new)
            .poll(&mut Context::from_waker(&new_waker))
            .is_pending());
        driver.join().unwrap();
        assert!(wakes(&old_wakes) <= 1);
        assert_eq!(wakes(&new_wakes), 0, "the old fire woke the new Sleep");
        assert_eq!(new.fires(), 0, "the old fire fired the reused entry");
        assert!(Pin::new(&mut new)
            .poll(&mut Context::from_waker(&new_waker))
            .is_pending());
        assert_eq!(inner.timers.lock().unwrap().wheel.len(), 1);
        // And it fires, once, at its own deadline.
        inner.fire_due(10);
        assert_eq!(wakes(&new_wakes), 1);
        assert_eq!(new.fires(), 1);
        assert!(Pin::new(&mut new)
            .poll(&mut Context::from_waker(&new_waker))
            .is_ready());
        drop(new);
        assert_eq!(inner.timers.lock().unwrap().wheel.len(), 0);
    });
}

/// The driver fires a `Sleep` (due at 5) while its owner resets it to 10 and
/// polls it: the new deadline is not fired by the old fire (the owner's poll
/// stays pending, its waker unwoken), then fires once at 10. Its old waker is
/// woken at most once.
#[test]
fn fire_racing_reset_later() {
    model(|| {
        let inner = Inner::new();
        let mut sleep = Sleep::new(&inner, 5);
        let (old_wakes, old_waker) = counting_waker();
        assert!(Pin::new(&mut sleep)
            .poll(&mut Context::from_waker(&old_waker))
            .is_pending());
        let i = inner.clone();
        let driver = thread::spawn(move || i.fire_due(5));
        sleep.reset(10);
        let (new_wakes, new_waker) = counting_waker();
        assert!(Pin::new(&mut sleep)
            .poll(&mut Context::from_waker(&new_waker))
            .is_pending());
        driver.join().unwrap();
        assert!(wakes(&old_wakes) <= 1);
        assert_eq!(wakes(&new_wakes), 0);
        assert_eq!(sleep.fires(), 0);
        inner.fire_due(10);
        assert_eq!(wakes(&new_wakes), 1);
        assert!(Pin::new(&mut sleep)
            .poll(&mut Context::from_waker(&new_waker))
            .is_ready());
        assert_eq!(sleep.fires(), 1);
    });
}

/// The driver turns at 5 while the owner resets its `Sleep` (due at 8) to 3
/// and waits: whether the new entry goes in before the turn (fired by it) or
/// after (the wheel's time is past 3: ready at once), it completes.
#[test]
fn fire_racing_reset_earlier_completes() {
    model(|| {
        let inner = Inner::new();
        let mut sleep = Sleep::new(&inner, 8);
        let (_, noop) = counting_waker();
        assert!(Pin::new(&mut sleep)
            .poll(&mut Context::from_waker(&noop))
            .is_pending());
        let i = inner.clone();
        let driver = thread::spawn(move || i.fire_due(5));
        sleep.reset(3);
        block_on(&mut sleep);
        driver.join().unwrap();
        assert!(sleep.fires() <= 1);
        assert_eq!(inner.timers.lock().unwrap().wheel.len(), 0);
    });
}

/// The reactor shuts down while a `Sleep` is first polled and while another
/// one, registered, is re-polled: both complete (the first poll's shutdown
/// check, which panics, is left out: the shutdown may come right after it).
#[test]
fn shutdown_racing_polls_completes_both() {
    model(|| {
        let inner = Inner::new();
        let mut registered = Sleep::new(&inner, 7);
        let (_, noop) = counting_waker();
        assert!(Pin::new(&mut registered)
            .poll(&mut Context::from_waker(&noop))
            .is_pending());
        let i = inner.clone();
        let driver = thread::spawn(move || i.shutdown());
        let i = inner.clone();
        let other = thread::spawn(move || block_on(Sleep::new(&i, 5)));
        block_on(&mut registered);
        other.join().unwrap();
        driver.join().unwrap();
        assert!(registered.fires() <= 1);
        assert_eq!(inner.timers.lock().unwrap().wheel.len(), 0);
    });
}

/// The driver's sleep (`Driver::turn`) and `Sleep::poll_elapsed`'s unpark.
mod driver {
    use super::*;

    /// Stores `next_wake` while still holding the timers lock (taken for
    /// `next_expiration`), as `Driver::turn` does since the fix of the bug
    /// below (`true`: the real code). `false` stores it after releasing the
    /// lock, as the code did before: the test below then fails.
    const NEXT_WAKE_UNDER_LOCK: bool = true;

    /// How a turn waits in the poller.
    enum Timeout {
        /// Until the next timer's tick: ends by the timeout (loom has no
        /// time), advancing the clock there.
        Until(u64),
        /// No timer: until an unpark.
        Forever,
        /// Unparked since the last turn: no wait.
        Zero,
    }

    /// `Driver::turn(None)`, the I/O part left out; `now` is the clock.
    fn turn(inner: &Inner, now: &mut u64) {
        let next_timer = if NEXT_WAKE_UNDER_LOCK {
            let timers = inner.timers.lock().unwrap();
            let next = timers.wheel.next_expiration();
            inner.next_wake.store(next.unwrap_or(u64::MAX), Release);
            drop(timers);
            next
        } else {
            let next = inner.timers.lock().unwrap().wheel.next_expiration();
            inner.next_wake.store(next.unwrap_or(u64::MAX), Release);
            next
        };
        let mut timeout = next_timer.map_or(Timeout::Forever, Timeout::Until);
        if !inner.begin_park() {
            timeout = Timeout::Zero;
        }
        // `self.poll.poll(&mut self.events, timeout)`.
        {
            let mut poller = inner.poller.state.lock().unwrap();
            match timeout {
                Timeout::Zero => {}
                Timeout::Until(tick) => *now = (*now).max(tick),
                Timeout::Forever => {
                    while !poller.pending {
                        poller = inner.poller.cvar.wait(poller).unwrap();
                    }
                }
            }
            poller.pending = false;
        }
        inner.end_park();
        inner.fire_due(*now);
    }

    /// A timer at 3 fired in the driver's previous turn, so `next_wake` still
    /// reads 3. A task's `Sleep` due at 5 is first polled while the driver
    /// starts its next turn; the driver turns until the task is done (the
    /// task then unparks it to let it stop). The timer must fire: the task
    /// must not wait for ever.
    ///
    /// The harness ends the driver's loop with an I/O-like edge on the
    /// poller, carrying `stop`, read under the poller's lock: not with an
    /// unpark and a flag, since an unpark that lands between the poll's
    /// return and `end_park` is consumed by `end_park` without synchronizing
    /// with the unparker (by design: whoever unparks must publish its cause
    /// where the driver looks after the turn, as `Sleep` does in the wheel),
    /// and a flag read after the turn could then read stale.
    #[test]
    fn timer_inserted_at_turn_start_unparks_driver() {
        model(|| {
            let inner = Inner::new();
            // The previous turn: a timer at 3, fired at 3.
            let mut now = 0;
            {
                let (_, noop) = counting_waker();
                let mut earlier = Sleep::new(&inner, 3);
                assert!(Pin::new(&mut earlier)
                    .poll(&mut Context::from_waker(&noop))
                    .is_pending());
                // The first turn may only consume the poll's unpark.
                while earlier.fires() == 0 {
                    turn(&inner, &mut now);
                }
                assert_eq!(now, 3);
                assert_eq!(earlier.fires(), 1);
            }
            assert_eq!(inner.next_wake.load(Relaxed), 3);
            let i = inner.clone();
            let task = thread::spawn(move || {
                block_on(Sleep::new(&i, 5));
                let mut poller = i.poller.state.lock().unwrap();
                poller.stop = true;
                poller.pending = true;
                i.poller.cvar.notify_one();
            });
            loop {
                turn(&inner, &mut now);
                if inner.poller.state.lock().unwrap().stop {
                    break;
                }
            }
            task.join().unwrap();
            assert_eq!(now, 5);
        });
    }
}
