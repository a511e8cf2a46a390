//! The channels' capacity accounting.
//!
//! [`BoundedSemaphore`] hands out one permit per queued message (returned when
//! the receiver takes it). Its state word packs the free permits with two
//! flags, `CLOSED` and `HAS_WAITERS`. The fast paths are one CAS each; waiting
//! senders queue FIFO in a mutex-protected list.
//!
//! Invariant: while `HAS_WAITERS` is set the free count is zero — it is set
//! (under the lock) only by a CAS that saw zero permits, and while it is set
//! returned permits are handed directly to waiters (under the lock) instead
//! of being added to the count; it is cleared in the same atomic step that adds
//! leftover permits once the queue is empty. So a newcomer can take a permit
//! from the count only when nobody is queued: no barging, FIFO is kept.
//!
//! A waiter granted a permit moves to the `granted` list until its future
//! claims it. A future dropped while queued removes itself; one dropped after
//! being granted passes its permit on to the next waiter (or the count). Once
//! the semaphore is closed, a waiter fails even if it was granted a permit it
//! has not claimed yet (the permit goes back), as Tokio's does.
//!
//! No waker is woken or dropped under the waiter lock: a waker is user code,
//! and its `Drop` may well release a permit of this channel (drop a `Permit`
//! it owns), which takes the lock again.
//!
//! [`UnboundedSemaphore`] only counts messages in flight (for "closed and
//! drained") and carries the closed flag.

use crate::chan_util::lock;
use crate::loom::{AtomicUsize, Mutex, Ordering::*};
use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

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
const HAS_WAITERS: usize = 0b10;
const SHIFT: usize = 2;

/// The largest capacity a bounded channel can have.
pub(crate) const MAX_PERMITS: usize = usize::MAX >> SHIFT;

/// Why an acquire failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TryAcquireError {
    Closed,
    NoPermits,
}

pub(crate) struct BoundedSemaphore {
    state: AtomicUsize,
    bound: usize,
    waiters: Mutex<Waiters>,
}

struct Waiters {
    next_id: u64,
    /// Queued acquirers in arrival order; ids increase from front to back.
    queue: VecDeque<(u64, Waker)>,
    /// Ids granted a permit that their futures have not claimed yet.
    granted: Vec<u64>,
}

/// Where one acquire future stands.
#[derive(Debug)]
pub(crate) enum Waiter {
    Idle,
    Queued(u64),
    Done,
}

impl BoundedSemaphore {
    pub(crate) fn new(permits: usize) -> BoundedSemaphore {
        assert!(permits <= MAX_PERMITS, "channel capacity too large");
        BoundedSemaphore {
            state: AtomicUsize::new(permits << SHIFT),
            bound: permits,
            waiters: Mutex::new(Waiters {
                next_id: 0,
                queue: VecDeque::new(),
                granted: Vec::new(),
            }),
        }
    }

    pub(crate) fn bound(&self) -> usize {
        self.bound
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.state.load(Acquire) >> SHIFT
    }

    pub(crate) fn try_acquire(&self) -> Result<(), TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits at once if that many are free (`n <= bound`, checked
    /// by the caller). Never barges: while senders are queued the free count
    /// is zero.
    pub(crate) fn try_acquire_many(&self, n: usize) -> Result<(), TryAcquireError> {
        let mut state = self.state.load(Acquire);
        loop {
            if state & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            if state >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            match self
                .state
                .compare_exchange_weak(state, state - (n << SHIFT), AcqRel, Acquire)
            {
                Ok(_) => return Ok(()),
                Err(actual) => state = actual,
            }
        }
    }

    /// Polls an acquire whose progress is kept in `waiter`. `Ready(Ok)` hands
    /// the caller one permit; `Ready(Err)` means the semaphore is closed.
    pub(crate) fn poll_acquire(
        &self,
        cx: &mut Context<'_>,
        waiter: &mut Waiter,
    ) -> Poll<Result<(), ()>> {
        match *waiter {
            Waiter::Idle => {
                match self.try_acquire() {
                    Ok(()) => return self.done(waiter, Ok(())),
                    Err(TryAcquireError::Closed) => return self.done(waiter, Err(())),
                    Err(TryAcquireError::NoPermits) => {}
                }
                let mut waiters = lock(&self.waiters);
                let mut state = self.state.load(Acquire);
                loop {
                    if state & CLOSED != 0 {
                        drop(waiters);
                        return self.done(waiter, Err(()));
                    }
                    let (new, got_permit) = if state >> SHIFT > 0 {
                        (state - (1 << SHIFT), true)
                    } else {
                        (state | HAS_WAITERS, false)
                    };
                    match self
                        .state
                        .compare_exchange_weak(state, new, AcqRel, Acquire)
                    {
                        Ok(_) if got_permit => {
                            drop(waiters);
                            return self.done(waiter, Ok(()));
                        }
                        Ok(_) => break,
                        Err(actual) => state = actual,
                    }
                }
                let id = waiters.next_id;
                waiters.next_id += 1;
                waiters.queue.push_back((id, cx.waker().clone()));
                *waiter = Waiter::Queued(id);
                Poll::Pending
            }
            Waiter::Queued(id) => {
                let mut waiters = lock(&self.waiters);
                let granted = match waiters.granted.iter().position(|g| *g == id) {
                    Some(i) => {
                        waiters.granted.swap_remove(i);
                        true
                    }
                    None => false,
                };
                // Closed wins over a grant not yet observed, as in Tokio
                // (whose closed semaphore fails every pending acquire): a
                // sender still waiting when the receiver closed gets `Err`,
                // whether or not a slot was freed for it just before. The
                // slot goes back (the caller wakes the receiver, which may be
                // waiting for "closed and drained").
                if self.is_closed() {
                    // `close` emptied the queue.
                    drop(waiters);
                    if granted {
                        self.release();
                    }
                    return self.done(waiter, Err(()));
                }
                if granted {
                    drop(waiters);
                    return self.done(waiter, Ok(()));
                }
                let i = waiters
                    .queue
                    .binary_search_by_key(&id, |(w, _)| *w)
                    .expect("a queued waiter is granted, queued, or closed out");
                let slot = &mut waiters.queue[i].1;
                if !slot.will_wake(cx.waker()) {
                    let stale = std::mem::replace(slot, cx.waker().clone());
                    // A waker's `Drop` is user code (it may release a permit
                    // of this channel, which takes the lock): not under it.
                    drop(waiters);
                    drop(stale);
                }
                Poll::Pending
            }
            Waiter::Done => panic!("acquire polled after completion"),
        }
    }

    fn done(&self, waiter: &mut Waiter, res: Result<(), ()>) -> Poll<Result<(), ()>> {
        *waiter = Waiter::Done;
        Poll::Ready(res)
    }

    /// Withdraws a dropped acquire. Returns true if it had been granted a
    /// permit, which is then released (to the next waiter, if any).
    pub(crate) fn cancel(&self, waiter: &mut Waiter) -> bool {
        let Waiter::Queued(id) = *waiter else {
            return false;
        };
        *waiter = Waiter::Done;
        let mut waiters = lock(&self.waiters);
        if let Some(i) = waiters.granted.iter().position(|g| *g == id) {
            waiters.granted.swap_remove(i);
            self.release_locked(waiters);
            return true;
        }
        if let Ok(i) = waiters.queue.binary_search_by_key(&id, |(w, _)| *w) {
            let stale = waiters.queue.remove(i);
            if waiters.queue.is_empty() {
                // Permits are zero while HAS_WAITERS is set; nothing to add.
                self.state.fetch_and(!HAS_WAITERS, AcqRel);
            }
            // The waker is dropped after unlocking (see `poll_acquire`).
            drop(waiters);
            drop(stale);
        }
        false
    }

    /// Returns one permit: to the first queued waiter if there is one,
    /// otherwise to the free count.
    pub(crate) fn release(&self) {
        let mut state = self.state.load(Acquire);
        while state & HAS_WAITERS == 0 {
            match self
                .state
                .compare_exchange_weak(state, state + (1 << SHIFT), AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(actual) => state = actual,
            }
        }
        self.release_locked(lock(&self.waiters));
    }

    fn release_locked(&self, mut waiters: crate::loom::MutexGuard<'_, Waiters>) {
        let woken = match waiters.queue.pop_front() {
            Some((id, waker)) => {
                waiters.granted.push(id);
                if waiters.queue.is_empty() {
                    self.state.fetch_and(!HAS_WAITERS, AcqRel);
                }
                Some(waker)
            }
            None => {
                // Clear the flag (if set) and add the permit in one step.
                let mut state = self.state.load(Acquire);
                loop {
                    let new = (state & !HAS_WAITERS) + (1 << SHIFT);
                    match self
                        .state
                        .compare_exchange_weak(state, new, AcqRel, Acquire)
                    {
                        Ok(_) => break,
                        Err(actual) => state = actual,
                    }
                }
                None
            }
        };
        drop(waiters);
        if let Some(w) = woken {
            w.wake();
        }
    }
}

impl Semaphore for BoundedSemaphore {
    fn add_permit(&self) {
        self.release();
    }

    fn is_idle(&self) -> bool {
        self.state.load(Acquire) >> SHIFT == self.bound
    }

    fn close(&self) {
        let mut waiters = lock(&self.waiters);
        self.state.fetch_or(CLOSED, AcqRel);
        self.state.fetch_and(!HAS_WAITERS, AcqRel);
        let queue = std::mem::take(&mut waiters.queue);
        drop(waiters);
        for (_, waker) in queue {
            waker.wake();
        }
    }

    fn is_closed(&self) -> bool {
        self.state.load(Acquire) & CLOSED != 0
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn fifo_and_cancelled_grant_passes_on() {
        let sem = BoundedSemaphore::new(1);
        let mut cx = Context::from_waker(Waker::noop());
        sem.try_acquire().unwrap();
        let (mut a, mut b, mut c) = (Waiter::Idle, Waiter::Idle, Waiter::Idle);
        assert!(sem.poll_acquire(&mut cx, &mut a).is_pending());
        assert!(sem.poll_acquire(&mut cx, &mut b).is_pending());
        assert!(sem.poll_acquire(&mut cx, &mut c).is_pending());
        // Barging is impossible while waiters are queued.
        assert_eq!(sem.try_acquire(), Err(TryAcquireError::NoPermits));
        sem.release(); // granted to `a`
        assert!(sem.cancel(&mut a)); // `a` gives up: passes to `b`
        assert!(!sem.cancel(&mut c)); // `c` leaves the queue
        assert_eq!(sem.poll_acquire(&mut cx, &mut b), Poll::Ready(Ok(())));
        sem.release();
        assert_eq!(sem.available_permits(), 1);
        assert!(sem.is_idle());
        sem.close();
        assert_eq!(sem.try_acquire(), Err(TryAcquireError::Closed));
    }
}
