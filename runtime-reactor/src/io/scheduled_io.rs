//! `ScheduledIo`: the readiness of one registered source and who waits on it.
//!
//! The readiness word packs the ready flags (low bits) with a tick that the
//! driver bumps on every event for this source. A resource that got
//! `WouldBlock` clears only the flags it saw, and only if the tick is unchanged;
//! if an event arrived in between, the readiness stays set and the resource
//! retries, so an edge is never lost.
//!
//! A task waits for an `Interest` (`ready.rs`). There are two waker sets: the
//! writer set, for interests that include `WRITABLE`, and the reader set,
//! for the rest (`READABLE`, `PRIORITY`, `ERROR`); `READABLE | WRITABLE`
//! waits in both. An event drains every set one of whose interests it can
//! satisfy, so a waiter may wake for an event that is not its own (a
//! `PRIORITY` waiter for plain data): it looks at the readiness again and
//! waits again. Two sets rather than a list of waiters with their interests
//! keep the common case (one reader, one writer) free of allocation and
//! search.
//!
//! Any number of tasks may wait in one set (several tasks calling
//! `recv_from` on one shared `UdpSocket`, or `accept` on one listener): an
//! event wakes them all; those that lose the race for the data get
//! `WouldBlock` and wait again. A future
//! dropped while waiting leaves its waker in the set until the next event
//! (one spurious wake-up of its task) rather than paying for removal on every
//! drop; the set never holds two wakers of the same task.

use super::ready::{Interest, Ready};
use runtime_core::lock::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::*};
use std::task::{Context, Poll, Waker};

/// Which side of a source a task waits on (the stream and datagram code's
/// shorthand for `Interest::READABLE` and `Interest::WRITABLE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Waiting to read.
    Read,
    /// Waiting to write.
    Write,
}

impl Direction {
    /// The interest this direction stands for.
    pub fn interest(self) -> Interest {
        match self {
            Direction::Read => Interest::READABLE,
            Direction::Write => Interest::WRITABLE,
        }
    }
}

/// The flags whose arrival wakes the reader set: what satisfies `READABLE`,
/// `PRIORITY` and `ERROR` waiters, who all wait there.
fn reader_wake_mask() -> Ready {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let priority = Interest::PRIORITY.mask();
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let priority = Ready::EMPTY;
    Interest::READABLE.mask() | priority
}

/// Readiness observed by a resource, to be cleared after `WouldBlock`.
#[derive(Debug, Clone, Copy)]
pub struct ReadyEvent {
    tick: usize,
    /// The flags that were set (those that satisfy the interest waited for).
    pub ready: Ready,
}

impl ReadyEvent {
    /// The same observation narrowed to `ready`: clearing it clears only
    /// those flags (`AsyncFdReadyGuard::clear_ready_matching`).
    pub fn with_ready(self, ready: Ready) -> ReadyEvent {
        ReadyEvent {
            tick: self.tick,
            ready,
        }
    }
}

/// Low bits: `Ready` flags plus `SHUTDOWN` (bit 5, below `Ready::PRIORITY`,
/// see `ready.rs`); the rest: the event tick.
const READY_MASK: usize = 0b111_1111;
const SHUTDOWN: usize = 0b10_0000;
const TICK_SHIFT: u32 = 16;
/// Flags that never go away once seen: a closed side stays closed.
const FINAL: Ready = Ready::from_bits(Ready::READ_CLOSED.bits() | Ready::WRITE_CLOSED.bits());

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
            Some((tick << TICK_SHIFT) | (curr & READY_MASK) | ready.bits())
        });
        let mut waiters = self.waiters.lock();
        if ready.intersects(reader_wake_mask()) {
            waiters.reader.drain_into(wake);
        }
        if ready.intersects(Interest::WRITABLE.mask()) {
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

    /// Ready (with the flags seen) or stores the waker for `interest`.
    /// `Err` once the reactor shut down.
    ///
    /// A waiter waits in the writer set if its interest includes `WRITABLE`,
    /// and in the reader set if it includes anything else (`READABLE`,
    /// `PRIORITY`, `ERROR`): in both for `READABLE | WRITABLE`. A set is
    /// drained by any event that can satisfy one of its waiters, so a waiter
    /// may be woken by an event that does not satisfy its own interest (a
    /// `PRIORITY` waiter by plain data): it looks again and waits again.
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<Result<ReadyEvent, ()>> {
        match self.ready_now(interest) {
            Ok(None) => {}
            done => return Poll::Ready(done.map(Option::unwrap)),
        }
        let mut waiters = self.waiters.lock();
        if interest.remove(Interest::WRITABLE).is_some() {
            waiters.reader.insert(cx.waker());
        }
        if interest.is_writable() {
            waiters.writer.insert(cx.waker());
        }
        // The driver takes the waiter lock after setting readiness, so either it
        // sees our waker, or we see its readiness here.
        match self.ready_now(interest) {
            Ok(None) => Poll::Pending,
            done => Poll::Ready(done.map(Option::unwrap)),
        }
    }

    /// The readiness that satisfies `interest`, if any flag of it is set;
    /// `Err` after shutdown.
    pub(crate) fn ready_now(&self, interest: Interest) -> Result<Option<ReadyEvent>, ()> {
        let curr = self.readiness.load(Acquire);
        if curr & SHUTDOWN != 0 {
            return Err(());
        }
        let ready = Ready::from_bits(curr & READY_MASK) & interest.mask();
        Ok((!ready.is_empty()).then_some(ReadyEvent {
            tick: curr >> TICK_SHIFT,
            ready,
        }))
    }

    /// Clears the flags `event` saw, unless a newer event arrived since. Closed
    /// flags are never cleared.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = (event.ready - FINAL).bits();
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            if curr >> TICK_SHIFT != event.tick {
                return None;
            }
            Some(curr & !clear)
        });
    }
}
