//! The channels' capacity accounting.
//!
//! [`BoundedSemaphore`] is the crate's fair [`Semaphore`](crate::Semaphore)
//! (one permit per queued message, returned when the receiver takes it) plus
//! the channel's bound. Reusing it gives the bounded channel the same
//! guarantees as the public semaphore, with no second copy of the logic: a
//! one-CAS fast path while nobody waits, FIFO waiters that are never
//! overtaken (not even by `try_send`), acquires of `n` slots at once
//! (`reserve_many`) that collect slots as they are freed and block later
//! senders meanwhile, and cancellation that hands assigned slots on. See
//! `semaphore.rs` for the design.
//!
//! What the channel adds (in `chan.rs`): once the receiver has closed, a
//! sender still waiting fails even if its slots were handed to it just
//! before (they go back), as Tokio's do, and a slot coming back without a
//! message may complete the receiver's "closed and drained", so it wakes the
//! receiver.
//!
//! [`UnboundedSemaphore`] only counts messages in flight (for "closed and
//! drained") and carries the closed flag.

use crate::loom::{AtomicUsize, Ordering::*};
pub(crate) use crate::semaphore::Acquire;
use crate::Semaphore as Fair;
pub(crate) use crate::TryAcquireError;

/// What the channel needs from its capacity accounting.
pub(crate) trait Semaphore {
    /// The receiver took a message: give its permit back.
    fn add_permit(&self);
    /// No permit is outstanding: no message is queued or being sent.
    fn is_idle(&self) -> bool;
    /// Fails every later acquire and wakes the queued ones.
    fn close(&self);
    fn is_closed(&self) -> bool;
}

const CLOSED: usize = 0b01;

/// The largest capacity a bounded channel can have (Tokio's limit too).
pub(crate) const MAX_PERMITS: usize = Fair::MAX_PERMITS;

pub(crate) struct BoundedSemaphore {
    sem: Fair,
    bound: usize,
}

impl BoundedSemaphore {
    pub(crate) fn new(permits: usize) -> BoundedSemaphore {
        BoundedSemaphore {
            sem: Fair::new(permits),
            bound: permits,
        }
    }

    pub(crate) fn bound(&self) -> usize {
        self.bound
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.sem.available_permits()
    }

    pub(crate) fn try_acquire(&self) -> Result<(), TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits at once if that many are free (`n <= bound`, checked
    /// by the caller). Never barges: while senders are queued the free count
    /// is zero.
    pub(crate) fn try_acquire_many(&self, n: usize) -> Result<(), TryAcquireError> {
        self.sem.try_acquire_raw(n)
    }

    /// A queued acquire of `n` permits (`n <= bound`, checked by the caller).
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        self.sem.acquire_raw(n)
    }

    /// Returns `n` permits, to the queued senders first.
    pub(crate) fn release(&self, n: usize) {
        self.sem.release(n);
    }
}

impl Semaphore for BoundedSemaphore {
    fn add_permit(&self) {
        self.sem.release(1);
    }

    fn is_idle(&self) -> bool {
        self.sem.available_permits() == self.bound
    }

    fn close(&self) {
        self.sem.close();
    }

    fn is_closed(&self) -> bool {
        self.sem.is_closed()
    }
}

/// Message count and closed flag of an unbounded channel: `count << 1 |
/// CLOSED`.
pub(crate) struct UnboundedSemaphore(AtomicUsize);

impl UnboundedSemaphore {
    pub(crate) fn new() -> UnboundedSemaphore {
        UnboundedSemaphore(AtomicUsize::new(0))
    }

    /// Counts one more message in flight, unless closed.
    pub(crate) fn try_acquire(&self) -> Result<(), TryAcquireError> {
        let mut state = self.0.load(Acquire);
        loop {
            if state & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            if state == usize::MAX & !CLOSED {
                // 2^63 messages in flight cannot happen with real memory.
                std::process::abort();
            }
            match self
                .0
                .compare_exchange_weak(state, state + 2, AcqRel, Acquire)
            {
                Ok(_) => return Ok(()),
                Err(actual) => state = actual,
            }
        }
    }
}

impl Semaphore for UnboundedSemaphore {
    fn add_permit(&self) {
        self.0.fetch_sub(2, AcqRel);
    }

    fn is_idle(&self) -> bool {
        self.0.load(Acquire) >> 1 == 0
    }

    fn close(&self) {
        self.0.fetch_or(CLOSED, AcqRel);
    }

    fn is_closed(&self) -> bool {
        self.0.load(Acquire) & CLOSED != 0
    }
}
