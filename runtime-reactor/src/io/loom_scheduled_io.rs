//! Loom model of `ScheduledIo`'s readiness/tick protocol (`scheduled_io.rs`)
//! and of the readiness loop resources run on it (`PollEvented::poll_io`,
//! `poll_evented.rs`).
//!
//! `scheduled_io.rs` uses `std`'s atomics and `runtime_core`'s lock directly,
//! which loom cannot see, so, like `crate::loom_model`, this model is
//! self-contained: every function below mirrors, step for step, the real
//! function named in its doc comment, on loom's primitives (same orderings,
//! same lock scopes); change both together. What is not real:
//!
//! - Flags are plain `usize` constants with the real values (the real
//!   `Ready`'s field is private to its module, `ready.rs`); interests are
//!   bit sets too (the `I_*` constants), `Interest::mask` is [`mask`] and
//!   `reader_wake_mask` is [`READER_WAKE`]. `Ready::from_event` is replaced
//!   by passing the flags.
//! - The socket is fake: a count of readable units behind a loom `Mutex` (the
//!   kernel's own locking); the peer's write then the driver's
//!   `set_readiness` for it stand for "data arrives, `epoll_wait` reports an
//!   edge" (the driver's turn: set the readiness of every source with an event,
//!   then wake the collected wakers after dropping its locks). The operation
//!   `f` of `poll_io` takes one unit or fails with `WouldBlock`.
//!
//! What is checked: a task that saw "not ready" and stored its waker is woken
//! by any later event (a lost edge deadlocks, which loom reports); a
//! `clear_readiness` with a stale tick never clears newer readiness; clearing
//! one direction's flags leaves the other's; shutdown wakes a waiting task;
//! a task waiting on `READABLE | WRITABLE` (both waker sets) is woken by an
//! event of either side; an `ERROR`-only waiter (reader set) sleeps through
//! read events and is woken by the error.
//!
//! [`STALE_CLEAR_BUG`] drops the tick check of `clear_readiness` and
//! [`NO_RECHECK_BUG`] drops `poll_readiness`'s second look (after storing the
//! waker); each makes the models fail with a deadlock (a lost edge).
//!
//! Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-reactor --release --lib loom_`.

use loom::sync::atomic::AtomicUsize;
use loom::sync::{Arc, Mutex};
use loom::thread;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::pin;
use std::sync::atomic::Ordering::{AcqRel, Acquire};
use std::task::{Context, Poll, Waker};

/// Makes `clear_readiness` ignore the tick. Must stay `false`; set it to see
/// the models fail (a lost edge).
const STALE_CLEAR_BUG: bool = false;

/// Makes `poll_readiness` look once, before storing its waker (no second
/// look): an event between the look and the store is lost. Must stay
/// `false`; set it to see the models fail.
const NO_RECHECK_BUG: bool = false;

/// `Ready` flags, as in `scheduled_io.rs`.
const READABLE: usize = 0b0_0001;
const WRITABLE: usize = 0b0_0010;
const READ_CLOSED: usize = 0b0_0100;
const WRITE_CLOSED: usize = 0b0_1000;
const ERROR: usize = 0b1_0000;
const PRIORITY: usize = 0b100_0000;
/// `FINAL`.
const FINAL: usize = READ_CLOSED | WRITE_CLOSED;
const READY_MASK: usize = 0b111_1111;
const SHUTDOWN: usize = 0b10_0000;
const TICK_SHIFT: u32 = 16;

/// `Interest` bits, as in `ready.rs`.
const I_READABLE: usize = 0b0001;
const I_WRITABLE: usize = 0b0010;
const I_ERROR: usize = 0b0100;
const I_PRIORITY: usize = 0b1000;

/// `Interest::mask`.
fn mask(interest: usize) -> usize {
    let mut mask = ERROR;
    if interest & I_READABLE != 0 {
        mask |= READABLE | READ_CLOSED;
    }
    if interest & I_WRITABLE != 0 {
        mask |= WRITABLE | WRITE_CLOSED;
    }
    if interest & I_PRIORITY != 0 {
        mask |= PRIORITY | READ_CLOSED;
    }
    mask
}

/// `reader_wake_mask()`.
const READER_WAKE: usize = READABLE | READ_CLOSED | ERROR | PRIORITY;

/// `ReadyEvent`.
#[derive(Clone, Copy, Debug)]
struct ReadyEvent {
    tick: usize,
    ready: usize,
}

/// `WakerSet`.
#[derive(Default)]
struct WakerSet {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl WakerSet {
    /// `WakerSet::insert`.
    fn insert(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(w) if w.will_wake(waker) => {}
            Some(_) => {
                if !self.rest.iter().any(|w| w.will_wake(waker)) {
                    self.rest.push(waker.clone());
                }
            }
        }
    }

    /// `WakerSet::drain_into`.
    fn drain_into(&mut self, wake: &mut Vec<Waker>) {
        wake.extend(self.first.take());
        wake.append(&mut self.rest);
    }
}

#[derive(Default)]
struct Waiters {
    reader: WakerSet,
    writer: WakerSet,
}

/// `ScheduledIo`.
struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

impl ScheduledIo {
    /// `ScheduledIo::new`.
    fn new() -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// `ScheduledIo::set_readiness`, with the event's flags given directly.
    fn set_readiness(&self, ready: usize, wake: &mut Vec<Waker>) {
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            let tick = (curr >> TICK_SHIFT).wrapping_add(1);
            Some((tick << TICK_SHIFT) | (curr & READY_MASK) | ready)
        });
        let mut waiters = self.waiters.lock().unwrap();
        if ready & READER_WAKE != 0 {
            waiters.reader.drain_into(wake);
        }
        if ready & mask(I_WRITABLE) != 0 {
            waiters.writer.drain_into(wake);
        }
    }

    /// `ScheduledIo::shutdown`.
    fn shutdown(&self, wake: &mut Vec<Waker>) {
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        let mut waiters = self.waiters.lock().unwrap();
        waiters.reader.drain_into(wake);
        waiters.writer.drain_into(wake);
    }

    /// `ScheduledIo::poll_readiness`.
    fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        interest: usize,
    ) -> Poll<Result<ReadyEvent, ()>> {
        match self.ready_now(interest) {
            Ok(None) => {}
            done => return Poll::Ready(done.map(Option::unwrap)),
        }
        let mut waiters = self.waiters.lock().unwrap();
        if interest & !I_WRITABLE != 0 {
            waiters.reader.insert(cx.waker());
        }
        if interest & I_WRITABLE != 0 {
            waiters.writer.insert(cx.waker());
        }
        if NO_RECHECK_BUG {
            return Poll::Pending;
        }
        match self.ready_now(interest) {
            Ok(None) => Poll::Pending,
            done => Poll::Ready(done.map(Option::unwrap)),
        }
    }

    /// `ScheduledIo::ready_now`.
    fn ready_now(&self, interest: usize) -> Result<Option<ReadyEvent>, ()> {
        let curr = self.readiness.load(Acquire);
        if curr & SHUTDOWN != 0 {
            return Err(());
        }
        let ready = curr & READY_MASK & mask(interest);
        Ok((ready != 0).then_some(ReadyEvent {
            tick: curr >> TICK_SHIFT,
            ready,
        }))
    }

    /// `ScheduledIo::clear_readiness`.
    fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.ready & !FINAL;
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            if !STALE_CLEAR_BUG && curr >> TICK_SHIFT != event.tick {
                return None;
            }
            Some(curr & !clear)
        });
    }
}

/// A fake socket and its registration.
struct Source {
    io: ScheduledIo,
    /// Units of data readable now (the kernel's buffer).
    buffered: Mutex<usize>,
}

impl Source {
    fn new() -> Source {
        Source {
            io: ScheduledIo::new(),
            buffered: Mutex::new(0),
        }
    }

    /// The peer writes one unit and the driver reports the edge:
    /// `set_readiness` (the turn's event loop), then the wakes, outside
    /// every lock (the end of `Driver::turn`).
    fn deliver(&self, ready: usize) {
        if ready & READABLE != 0 {
            *self.buffered.lock().unwrap() += 1;
        }
        let mut wake = Vec::new();
        self.io.set_readiness(ready, &mut wake);
        for waker in wake {
            waker.wake();
        }
    }

    /// `recv` on the non-blocking socket: one unit, or `WouldBlock`.
    fn try_read(&self) -> io::Result<()> {
        let mut buffered = self.buffered.lock().unwrap();
        if *buffered == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        *buffered -= 1;
        Ok(())
    }

    /// `PollEvented::poll_io` (without `coop`) for a read of one unit with
    /// `drained` false (`poll_read_io`).
    fn poll_read(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let event = match self.io.poll_readiness(cx, I_READABLE) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(())) => return Poll::Ready(Err(io::Error::other("shut down"))),
                Poll::Ready(Ok(event)) => event,
            };
            match self.try_read() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.io.clear_readiness(event),
                result => return Poll::Ready(result),
            }
        }
    }

    /// `poll_fn(|cx| poll_read(cx)).await`, as a resource's `read().await`.
    fn read(&self) -> impl Future<Output = io::Result<()>> + '_ {
        poll_fn(|cx| self.poll_read(cx))
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

/// Two units, each followed by its edge, racing a task that reads two units
/// (each read: poll readiness, try, on `WouldBlock` clear with the tick it saw
/// and poll again, storing its waker). The first poll uses a no-op waker, so
/// `block_on`'s poll replaces it. No edge may be lost: a clear with the old
/// tick racing the second event must leave the readiness set.
#[test]
fn readiness_event_racing_clear_is_never_lost() {
    model(|| {
        let source = Arc::new(Source::new());
        let s = source.clone();
        let peer = thread::spawn(move || {
            s.deliver(READABLE);
            s.deliver(READABLE);
        });
        {
            let mut first = pin!(source.read());
            let mut cx = Context::from_waker(Waker::noop());
            match first.as_mut().poll(&mut cx) {
                Poll::Ready(r) => r.unwrap(),
                Poll::Pending => block_on(first.as_mut()).unwrap(),
            }
        }
        block_on(source.read()).unwrap();
        peer.join().unwrap();
        assert_eq!(*source.buffered.lock().unwrap(), 0);
    });
}

/// The readiness was set and consumed before; the task saw it (tick `t`),
/// its operation got `WouldBlock`, and it clears with `t` while a new event
/// arrives (tick `t + 1`, `READABLE | WRITABLE`): a clear that lost the race
/// must not remove the new flags. Clearing read flags never clears
/// `WRITABLE`, nor a closed flag.
#[test]
fn stale_clear_keeps_newer_readiness() {
    model(|| {
        let io = Arc::new(ScheduledIo::new());
        let mut wake = Vec::new();
        io.set_readiness(READABLE | READ_CLOSED, &mut wake);
        let seen = io.ready_now(I_READABLE).unwrap().unwrap();
        let i = io.clone();
        let driver = thread::spawn(move || {
            let mut wake = Vec::new();
            i.set_readiness(READABLE | WRITABLE, &mut wake);
        });
        io.clear_readiness(seen);
        driver.join().unwrap();
        let now = io.ready_now(I_READABLE).unwrap().unwrap();
        assert_eq!(now.tick, seen.tick + 1);
        // The clear came first (and the event set READABLE again) or was
        // refused (stale tick): READABLE is set either way.
        assert_ne!(now.ready & READABLE, 0, "newer readiness cleared");
        assert_ne!(now.ready & READ_CLOSED, 0, "a closed flag was cleared");
        let write = io.ready_now(I_WRITABLE).unwrap().unwrap();
        assert_eq!(write.ready, WRITABLE);
    });
}

/// Two tasks waiting on the read side of one source (two threads reading
/// one unit each) and a peer delivering two units: both complete (the waker
/// set keeps both wakers; the one that loses the race for a unit clears and
/// waits again).
#[test]
fn two_readers_one_direction_both_complete() {
    model(|| {
        let source = Arc::new(Source::new());
        let s1 = source.clone();
        let reader = thread::spawn(move || block_on(s1.read()).unwrap());
        let s2 = source.clone();
        let peer = thread::spawn(move || {
            s2.deliver(READABLE);
            s2.deliver(READABLE);
        });
        block_on(source.read()).unwrap();
        reader.join().unwrap();
        peer.join().unwrap();
        assert_eq!(*source.buffered.lock().unwrap(), 0);
    });
}

/// A writer waits for `WRITABLE` while a reader's event (read side only)
/// and then a write event arrive: the read event does not take the writer's
/// waker, the write event wakes it.
#[test]
fn event_wakes_only_its_direction() {
    model(|| {
        let source = Arc::new(Source::new());
        let s = source.clone();
        let driver = thread::spawn(move || {
            s.deliver(READABLE);
            s.deliver(WRITABLE);
        });
        let event = block_on(poll_fn(|cx| source.io.poll_readiness(cx, I_WRITABLE))).unwrap();
        assert_eq!(event.ready, WRITABLE);
        driver.join().unwrap();
    });
}

/// Shutdown racing a task about to wait: it gets `Err` (never waits for
/// ever).
#[test]
fn shutdown_racing_poll_wakes_with_error() {
    model(|| {
        let source = Arc::new(Source::new());
        let s = source.clone();
        let driver = thread::spawn(move || {
            let mut wake = Vec::new();
            s.io.shutdown(&mut wake);
            wake.into_iter().for_each(Waker::wake);
        });
        assert!(block_on(source.read()).is_err());
        driver.join().unwrap();
    });
}

/// A task waiting on `READABLE | WRITABLE` (its waker in both sets) while
/// the driver delivers a write event: it is woken and sees `WRITABLE`
/// (`ready(Interest::READABLE | Interest::WRITABLE)` on a socket).
#[test]
fn combined_interest_woken_by_either_side() {
    model(|| {
        let source = Arc::new(Source::new());
        let s = source.clone();
        let driver = thread::spawn(move || s.deliver(WRITABLE));
        let event = block_on(poll_fn(|cx| {
            source.io.poll_readiness(cx, I_READABLE | I_WRITABLE)
        }))
        .unwrap();
        assert_eq!(event.ready, WRITABLE);
        driver.join().unwrap();
    });
}

/// An `ERROR`-only waiter waits in the reader set: a read event wakes it
/// (spuriously) but does not satisfy it, so it waits again, and the error
/// that follows wakes it with `ERROR` alone.
#[test]
fn error_interest_ignores_read_events() {
    model(|| {
        let source = Arc::new(Source::new());
        let s = source.clone();
        let driver = thread::spawn(move || {
            s.deliver(READABLE);
            s.deliver(ERROR);
        });
        let event = block_on(poll_fn(|cx| source.io.poll_readiness(cx, I_ERROR))).unwrap();
        assert_eq!(event.ready, ERROR);
        driver.join().unwrap();
    });
}
