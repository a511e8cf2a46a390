//! Deferred wake-ups: how `yield_now` lets the I/O and timer driver run.
//!
//! A task that yields is not re-queued at once. Its waker goes on the running
//! scheduler's deferred list, which is woken only after the scheduler has
//! looked at I/O and timers (a non-blocking park) — as Tokio's `defer` does.
//! Re-queueing at once would let a task that loops on `yield_now` while it
//! waits for a socket spin through the run queue many times before the event
//! is seen; deferred, it sees it on its next poll.
//!
//! The list is per scheduler thread (a worker, or the thread inside a
//! current-thread `block_on`), reached through the thread's context, so it
//! needs no lock. A scheduler with deferred wakers never parks for long: it
//! takes a non-blocking look instead, then wakes them. Off a scheduler thread
//! (a plain `block_on`, another executor) `defer` wakes at once.

use crate::context::{self, Scheduler as Ctx};
use std::cell::RefCell;
use std::task::Waker;

/// One scheduler thread's deferred wakers.
#[derive(Default)]
pub(crate) struct Deferred(RefCell<Vec<Waker>>);

impl Deferred {
    pub(crate) fn push(&self, waker: &Waker) {
        let mut list = self.0.borrow_mut();
        // A task that yields twice before the driver turns is queued once.
        if list.last().is_some_and(|last| last.will_wake(waker)) {
            return;
        }
        list.push(waker.clone());
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// Wakes every deferred waker. The list is taken first: a woken task is
    /// only queued here, but a foreign waker may run anything, even `defer`.
    #[inline]
    pub(crate) fn wake_all(&self) {
        // The common case, on every scheduler turn: nothing deferred.
        if self.is_empty() {
            return;
        }
        let mut list = std::mem::take(&mut *self.0.borrow_mut());
        // In the order they were deferred; `pop` from the reversed list is
        // cheaper than a `Drain` for the usual handful of wakers (callgrind:
        // 124 instructions to wake one through `drain`).
        list.reverse();
        while let Some(waker) = list.pop() {
            waker.wake();
        }
        // The emptied list keeps its capacity for the next round: a new one
        // would grow again from nothing, a reallocation per doubling, every
        // time the yielding tasks come back (perf: realloc and memmove were
        // 4% of `yield_many`). Unless something deferred meanwhile, which
        // the taken slot's new list holds.
        let mut slot = self.0.borrow_mut();
        if slot.is_empty() {
            *slot = list;
        }
    }
}

/// Wakes `waker` once the current scheduler has looked at I/O and timers, or
/// at once when this thread runs no scheduler. This is what
/// `runtime::task::yield_now` does with its task's waker.
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::task::Poll;
///
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let mut deferred = false;
///     poll_fn(|cx| {
///         if deferred {
///             return Poll::Ready(());
///         }
///         deferred = true;
///         runtime_executor::defer(cx.waker());
///         Poll::Pending
///     })
///     .await;
/// });
/// ```
pub fn defer(waker: &Waker) {
    // A scheduler entered through `runtime_core::spawn_hook` (a simulation)
    // runs inside the poll of one of our tasks: the wake must reach it now,
    // since our deferred list is only drained after that poll returns.
    if runtime_core::spawn_hook::is_entered() {
        return waker.wake_by_ref();
    }
    match context::scheduler() {
        Ctx::Worker(local) => {
            // SAFETY: the context only holds a worker pointer while that
            // worker's loop runs on this thread, with `Local` on its stack.
            unsafe { &*local }.deferred.push(waker)
        }
        Ctx::Current(local) => {
            // SAFETY: the context holds this pointer only while `block_on`
            // runs on this thread with the `Local` alive on its stack.
            unsafe { &*local }.deferred.push(waker)
        }
        Ctx::None => waker.wake_by_ref(),
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::Deferred;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::sync::Arc;
    use std::task::{Wake, Waker};

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Relaxed);
        }
    }

    #[test]
    fn wake_all_wakes_each_once_and_keeps_the_list_capacity() {
        let deferred = Deferred::default();
        let counts: Vec<_> = (0..100)
            .map(|_| Arc::new(Count(AtomicUsize::new(0))))
            .collect();
        let wakers: Vec<Waker> = counts.iter().map(|c| Waker::from(c.clone())).collect();
        for round in 1..=3 {
            for waker in &wakers {
                deferred.push(waker);
                // A second yield before the wake is queued once.
                deferred.push(waker);
            }
            deferred.wake_all();
            assert!(deferred.is_empty());
            assert!(counts.iter().all(|c| c.0.load(Relaxed) == round));
            // The next round's pushes reuse the storage instead of growing
            // a new list from nothing.
            assert!(deferred.0.borrow().capacity() >= 100);
        }
    }
}
