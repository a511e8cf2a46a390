//! The waiter queue of [`Semaphore`]: the [`Acquire`] future behind every
//! waiting acquire, and the paths that queue a waiter (`enqueue`) and hand
//! permits to the queued ones (`release`). The fairness invariant these keep
//! is described in the parent module: while `QUEUED` is set the count is
//! zero, and only holders of the queue lock change the state word.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use super::{AcquireError, Semaphore, TryAcquireError, CLOSED, FLAGS, QUEUED, SHIFT};
use crate::loom::{lock, MutexGuard, Ordering};
use crate::waiters::{Key, WaiterList, WakeList};

pub(super) struct Waiter {
    /// Permits still missing.
    pub(super) needed: usize,
    /// Permits already moved into this node.
    pub(super) assigned: usize,
    pub(super) waker: Option<Waker>,
    pub(super) outcome: Outcome,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Outcome {
    Waiting,
    Granted,
    Closed,
}

impl Semaphore {
    /// The future behind every waiting acquire; on success the caller owns
    /// `n` permits and must release them.
    pub(crate) fn acquire_raw(&self, n: usize) -> Acquire<'_> {
        Acquire {
            sem: self,
            num: n,
            state: AcquireState::Idle,
        }
    }

    /// Lock-free attempt to take `n` permits.
    pub(crate) fn try_acquire_raw(&self, n: usize) -> Result<(), TryAcquireError> {
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            if cur & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            // While anybody is queued the count is zero, so this also keeps
            // `try_acquire` from jumping the queue.
            if cur >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            if n == 0 {
                return Ok(());
            }
            match self.state.compare_exchange_weak(
                cur,
                cur - (n << SHIFT),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Returns `n` permits: lock-free while nobody waits.
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut cur = self.state.load(Ordering::Acquire);
        while cur & QUEUED == 0 {
            let new = Self::add_to_word(cur, n);
            match self
                .state
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        self.release_locked(n, lock(&self.waiters));
    }

    fn add_to_word(word: usize, n: usize) -> usize {
        let permits = (word >> SHIFT)
            .checked_add(n)
            .filter(|&p| p <= Self::MAX_PERMITS);
        let Some(permits) = permits else {
            panic!(
                "a semaphore may not have more than MAX_PERMITS ({}) permits",
                Self::MAX_PERMITS
            );
        };
        (permits << SHIFT) | (word & FLAGS)
    }

    /// Hands `n` permits to the front waiters, then (when the queue is empty)
    /// puts the rest back into the count and clears `QUEUED`. Wakes the
    /// satisfied waiters after unlocking.
    fn release_locked(&self, mut n: usize, mut list: MutexGuard<'_, WaiterList<Waiter>>) {
        let mut wakers = WakeList::new();
        while n > 0 {
            let Some(key) = list.front() else { break };
            let w = list.get_mut(key);
            let give = n.min(w.needed);
            w.needed -= give;
            w.assigned += give;
            n -= give;
            if w.needed > 0 {
                break;
            }
            w.outcome = Outcome::Granted;
            wakers.push(w.waker.take());
            list.unlink(key);
        }
        if list.is_empty() {
            // Only lock holders change the word while `QUEUED` is set; without
            // it, lock-free acquirers and releasers may race us, hence the CAS.
            let mut cur = self.state.load(Ordering::Acquire);
            loop {
                let new = Self::add_to_word(cur, n) & !QUEUED;
                match self.state.compare_exchange_weak(
                    cur,
                    new,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => break,
                    Err(actual) => cur = actual,
                }
            }
        } else {
            debug_assert_eq!(n, 0, "permits left over while waiters are queued");
        }
        drop(list);
        wakers.wake_all();
    }

    /// Slow path of a first poll: under the lock, take what is available and
    /// queue for the rest.
    fn enqueue(&self, n: usize, waker: &Waker) -> Result<Option<Key>, AcquireError> {
        let mut list = lock(&self.waiters);
        let mut cur = self.state.load(Ordering::Acquire);
        let taken = loop {
            if cur & CLOSED != 0 {
                return Err(AcquireError(()));
            }
            let avail = cur >> SHIFT;
            let (new, taken) = if avail >= n {
                // Released between the fast path and the lock.
                (cur - (n << SHIFT), n)
            } else {
                (QUEUED, avail)
            };
            match self
                .state
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break taken,
                Err(actual) => cur = actual,
            }
        };
        if taken == n {
            return Ok(None);
        }
        let key = list.push_back(Waiter {
            needed: n - taken,
            assigned: taken,
            waker: Some(waker.clone()),
            outcome: Outcome::Waiting,
        });
        Ok(Some(key))
    }
}

enum AcquireState {
    Idle,
    Queued(Key),
    Done,
}

/// Future of a waiting acquire of `num` permits. On `Ok` the caller owns the
/// permits.
pub(crate) struct Acquire<'a> {
    sem: &'a Semaphore,
    num: usize,
    state: AcquireState,
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let coop = ready!(runtime_core::coop::poll_proceed(cx));
        let res = this.poll_acquire(cx);
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }
}

impl Acquire<'_> {
    /// The number of permits this acquire asks for.
    pub(crate) fn num_permits(&self) -> usize {
        self.num
    }

    /// Polls without spending the cooperative budget, for callers that
    /// spend it themselves (the bounded mpsc channel's `Acquire`).
    pub(crate) fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let this = self;
        let res = match this.state {
            AcquireState::Idle => match this.sem.try_acquire_raw(this.num) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(TryAcquireError::Closed) => Poll::Ready(Err(AcquireError(()))),
                Err(TryAcquireError::NoPermits) => match this.sem.enqueue(this.num, cx.waker()) {
                    Ok(None) => Poll::Ready(Ok(())),
                    Ok(Some(key)) => {
                        this.state = AcquireState::Queued(key);
                        Poll::Pending
                    }
                    Err(e) => Poll::Ready(Err(e)),
                },
            },
            AcquireState::Queued(key) => {
                let mut list = lock(&this.sem.waiters);
                let w = list.get_mut(key);
                match w.outcome {
                    Outcome::Waiting => {
                        if !w.waker.as_ref().is_some_and(|o| o.will_wake(cx.waker())) {
                            let old = w.waker.replace(cx.waker().clone());
                            // A waker's drop may run arbitrary code (even drop
                            // a task holding another waiter of this semaphore):
                            // never under the lock.
                            drop(list);
                            drop(old);
                        }
                        Poll::Pending
                    }
                    Outcome::Granted => {
                        list.remove(key);
                        Poll::Ready(Ok(()))
                    }
                    Outcome::Closed => {
                        list.remove(key);
                        Poll::Ready(Err(AcquireError(())))
                    }
                }
            }
            AcquireState::Done => panic!("`Acquire` polled after completion"),
        };
        if res.is_ready() {
            this.state = AcquireState::Done;
        }
        res
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        let AcquireState::Queued(key) = self.state else {
            return;
        };
        let mut list = lock(&self.sem.waiters);
        // `w` (and its waker) outlives the lock, which is released before the
        // end of each arm: a waker is never dropped under the lock.
        let w = list.remove(key);
        match w.outcome {
            // Still queued: return the partial assignment (possibly zero; the
            // call also clears `QUEUED` if the queue is now empty).
            Outcome::Waiting => self.sem.release_locked(w.assigned, list),
            // Granted but never observed: the permits are ours to return.
            Outcome::Granted => self.sem.release_locked(self.num, list),
            Outcome::Closed => drop(list),
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::Wake;

    struct Flag(std::sync::atomic::AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn waker() -> (Arc<Flag>, Waker) {
        let f = Arc::new(Flag(Default::default()));
        (Arc::clone(&f), Waker::from(f))
    }

    fn poll<F: Future + Unpin>(f: &mut F, w: &Waker) -> Poll<F::Output> {
        Pin::new(f).poll(&mut Context::from_waker(w))
    }

    #[test]
    fn many_waiter_blocks_later_ones_and_partial_permits_return_on_drop() {
        let sem = Semaphore::new(1);
        let held = sem.try_acquire().unwrap();
        let (_, w) = waker();
        let mut big = sem.acquire_raw(3);
        assert!(poll(&mut big, &w).is_pending());
        let (small_flag, ws) = waker();
        let mut small = sem.acquire_raw(1);
        assert!(poll(&mut small, &ws).is_pending());
        // The released permit goes to `big` (front), not `small`.
        drop(held);
        assert_eq!(sem.available_permits(), 0);
        assert!(poll(&mut small, &ws).is_pending());
        assert!(sem.try_acquire().is_err());
        // Dropping `big` hands its one assigned permit to `small`.
        drop(big);
        assert!(small_flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(poll(&mut small, &ws), Poll::Ready(Ok(())));
        drop(small);
        sem.release(1);
        assert_eq!(sem.available_permits(), 1);
        assert_eq!(sem.state.load(Ordering::SeqCst) & QUEUED, 0);
    }

    #[test]
    fn granted_but_unobserved_permits_are_returned_on_drop() {
        let sem = Semaphore::new(0);
        let (flag, w) = waker();
        let mut a = sem.acquire_raw(2);
        assert!(poll(&mut a, &w).is_pending());
        sem.add_permits(2);
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(sem.available_permits(), 0);
        drop(a);
        assert_eq!(sem.available_permits(), 2);
    }

    #[test]
    fn close_fails_waiters_and_returns_partial_permits() {
        let sem = Semaphore::new(1);
        let (flag, w) = waker();
        let mut a = sem.acquire_raw(2);
        assert!(poll(&mut a, &w).is_pending());
        assert_eq!(sem.available_permits(), 0);
        sem.close();
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(poll(&mut a, &w), Poll::Ready(Err(AcquireError(()))));
        assert_eq!(sem.available_permits(), 1);
        assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
        assert!(sem.is_closed());
    }

    #[test]
    fn permits_split_merge_forget() {
        let sem = Semaphore::new(5);
        let mut p = sem.try_acquire_many(3).unwrap();
        let q = p.split(2).unwrap();
        assert!(p.split(5).is_none());
        assert_eq!((p.num_permits(), q.num_permits()), (1, 2));
        p.merge(q);
        assert_eq!(p.num_permits(), 3);
        assert_eq!(sem.available_permits(), 2);
        assert_eq!(sem.forget_permits(1), 1);
        p.forget();
        assert_eq!(sem.available_permits(), 1);
        let err = TryAcquireError::NoPermits;
        assert_eq!(err.to_string(), "no permits available");
        assert_eq!(AcquireError(()).to_string(), "semaphore closed");
    }

    #[test]
    #[should_panic(expected = "MAX_PERMITS")]
    fn add_permits_overflow_panics() {
        let sem = Semaphore::new(Semaphore::MAX_PERMITS);
        sem.add_permits(1);
    }
}
