//! `ScheduledIo`: the readiness of one registered source and who waits on it.
//!
//! The readiness word packs the ready flags (low bits) with a tick that the
//! driver bumps on every event for this source. A resource that got
//! `WouldBlock` clears only the flags it saw, and only if the tick is unchanged;
//! if an event arrived in between, the readiness stays set and the resource
//! retries, so an edge is never lost.
//!
//! Any number of tasks may wait on one direction (several tasks calling
//! `recv_from` on one shared `UdpSocket`, or `accept` on one listener): each
//! direction keeps a set of wakers, and an event wakes them all; those that
//! lose the race for the data get `WouldBlock` and wait again. A future
//! dropped while waiting leaves its waker in the set until the next event
//! (one spurious wake-up of its task) rather than paying for removal on every
//! drop; the set never holds two wakers of the same task.

use runtime_core::lock::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::*};
use std::task::{Context, Poll, Waker};

/// Readiness flags of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ready(usize);

impl Ready {
    /// Nothing is ready.
    pub const EMPTY: Ready = Ready(0);
    /// Data can be read.
    pub const READABLE: Ready = Ready(0b0_0001);
    /// Data can be written.
    pub const WRITABLE: Ready = Ready(0b0_0010);
    /// The read side is closed (EOF or peer shutdown).
    pub const READ_CLOSED: Ready = Ready(0b0_0100);
    /// The write side is closed (peer gone).
    pub const WRITE_CLOSED: Ready = Ready(0b0_1000);
    /// An error is pending on the source.
    pub const ERROR: Ready = Ready(0b1_0000);

    /// Flags that never go away once seen: a closed side stays closed.
    const FINAL: Ready = Ready(Self::READ_CLOSED.0 | Self::WRITE_CLOSED.0);

    fn from_event(event: &mio::event::Event) -> Ready {
        let mut ready = Ready::EMPTY;
        if event.is_readable() {
            ready.0 |= Ready::READABLE.0;
        }
        if event.is_writable() {
            ready.0 |= Ready::WRITABLE.0;
        }
        if event.is_read_closed() {
            ready.0 |= Ready::READ_CLOSED.0;
        }
        if event.is_write_closed() {
            ready.0 |= Ready::WRITE_CLOSED.0;
        }
        if event.is_error() {
            ready.0 |= Ready::ERROR.0;
        }
        ready
    }

    /// True when no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when the read side is closed.
    pub fn is_read_closed(self) -> bool {
        self.0 & Self::READ_CLOSED.0 != 0
    }

    /// True when the write side is closed.
    pub fn is_write_closed(self) -> bool {
        self.0 & Self::WRITE_CLOSED.0 != 0
    }

    /// True when an error is pending.
    pub fn is_error(self) -> bool {
        self.0 & Self::ERROR.0 != 0
    }

    fn intersects(self, other: Ready) -> bool {
        self.0 & other.0 != 0
    }
}

/// Which side of a source a task waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Waiting to read.
    Read,
    /// Waiting to write.
    Write,
}

impl Direction {
    /// The flags that wake a waiter of this direction: its own readiness, its
    /// side closing, and errors (surfaced to both sides).
    fn mask(self) -> Ready {
        match self {
            Direction::Read => Ready(Ready::READABLE.0 | Ready::READ_CLOSED.0 | Ready::ERROR.0),
            Direction::Write => Ready(Ready::WRITABLE.0 | Ready::WRITE_CLOSED.0 | Ready::ERROR.0),
        }
    }
}

/// Readiness observed by a resource, to be cleared after `WouldBlock`.
#[derive(Debug, Clone, Copy)]
pub struct ReadyEvent {
    tick: usize,
    /// The flags that were set.
    pub ready: Ready,
}

/// Low bits: `Ready` flags plus `SHUTDOWN`; the rest: the event tick.
const READY_MASK: usize = 0b11_1111;
const SHUTDOWN: usize = 0b10_0000;
const TICK_SHIFT: u32 = 16;

pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
    /// Part of the token: events for an older registration of the same slot
    /// carry another generation and are dropped.
    pub(crate) generation: u64,
}

#[derive(Default)]
struct Waiters {
    reader: WakerSet,
    writer: WakerSet,
}

/// The wakers waiting on one direction. The first lives inline, so the usual
/// single waiter (a stream owned by one task) costs no allocation.
#[derive(Default)]
struct WakerSet {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl WakerSet {
    /// Adds `waker` unless a waker of the same task is already in.
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

    /// Moves every waker into `wake`.
    fn drain_into(&mut self, wake: &mut Vec<Waker>) {
        wake.extend(self.first.take());
        wake.append(&mut self.rest);
    }
}

impl ScheduledIo {
    pub(crate) fn new(generation: u64) -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
            generation,
        }
    }

    /// Records an event: sets its flags, bumps the tick, and moves the wakers it
    /// concerns into `wake` (woken by the driver after it drops its locks).
    pub(crate) fn set_readiness(&self, event: &mio::event::Event, wake: &mut Vec<Waker>) {
        let ready = Ready::from_event(event);
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            let tick = (curr >> TICK_SHIFT).wrapping_add(1);
            Some((tick << TICK_SHIFT) | (curr & READY_MASK) | ready.0)
        });
        let mut waiters = self.waiters.lock();
        if ready.intersects(Direction::Read.mask()) {
            waiters.reader.drain_into(wake);
        }
        if ready.intersects(Direction::Write.mask()) {
            waiters.writer.drain_into(wake);
        }
    }

    /// Marks the source dead (reactor shut down) and wakes both waiters.
    pub(crate) fn shutdown(&self, wake: &mut Vec<Waker>) {
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        let mut waiters = self.waiters.lock();
        waiters.reader.drain_into(wake);
        waiters.writer.drain_into(wake);
    }

    /// Ready (with the flags seen) or stores the waker for `direction`.
    /// `Err` once the reactor shut down.
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<Result<ReadyEvent, ()>> {
        match self.ready_now(direction) {
            Ok(None) => {}
            done => return Poll::Ready(done.map(Option::unwrap)),
        }
        let mut waiters = self.waiters.lock();
        match direction {
            Direction::Read => waiters.reader.insert(cx.waker()),
            Direction::Write => waiters.writer.insert(cx.waker()),
        }
        // The driver takes the waiter lock after setting readiness, so either it
        // sees our waker, or we see its readiness here.
        match self.ready_now(direction) {
            Ok(None) => Poll::Pending,
            done => Poll::Ready(done.map(Option::unwrap)),
        }
    }

    /// The readiness for `direction` if any flag is set; `Err` after shutdown.
    pub(crate) fn ready_now(&self, direction: Direction) -> Result<Option<ReadyEvent>, ()> {
        let curr = self.readiness.load(Acquire);
        if curr & SHUTDOWN != 0 {
            return Err(());
        }
        let ready = Ready(curr & READY_MASK & direction.mask().0);
        Ok((!ready.is_empty()).then_some(ReadyEvent {
            tick: curr >> TICK_SHIFT,
            ready,
        }))
    }

    /// Clears the flags `event` saw, unless a newer event arrived since. Closed
    /// flags are never cleared.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.ready.0 & !Ready::FINAL.0;
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            if curr >> TICK_SHIFT != event.tick {
                return None;
            }
            Some(curr & !clear)
        });
    }
}
