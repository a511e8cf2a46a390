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
//!
//! # A task's own yield
//!
//! The usual caller is a task deferring its *own* waker (`yield_now` polled
//! directly in the task, not under a combinator with wakers of its own). That
//! case needs no waker: instead of a clone (an atomic add) woken later (a
//! compare-and-swap to notified, then dropping the clone's reference), `defer`
//! marks the running task notified (`wake_by_ref`, one compare-and-swap) and
//! notes its id (`yielding`). When the poll ends, the harness hands the task
//! back through the scheduler's `yield_now` (its move to idle adds the queue
//! entry's reference in the same compare-and-swap, and it drops the poll's),
//! and the scheduler, finding the id, keeps the entry itself in `tasks` until
//! the same look. Five atomic read-modify-writes per yield instead of six
//! (`yield_many`, BENCHMARKS.md, ninth session). The scheduler only takes
//! this path for the task it polls itself: a task of a `LocalSet` run inside
//! that poll yields through the waker list, since its own scheduler would
//! queue it again at once.

use crate::context::{self, Scheduler as Ctx};
use runtime_core::{Id, Notified, Schedule};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::task::Waker;

/// One scheduler thread's deferred wake-ups: wakers, and the queue entries
/// (`T`) of its own tasks that yielded.
pub(crate) struct Deferred<T> {
    wakers: RefCell<Vec<Waker>>,
    /// A deque: popped from the front as they are queued, which costs less
    /// than a `Drain` (callgrind, `task_yield`).
    tasks: RefCell<VecDeque<T>>,
    /// The task whose poll called `defer` with its own waker: its entry,
    /// when the poll hands it back, goes into `tasks` (see the module docs).
    yielding: Cell<Option<Id>>,
}

impl<T> Default for Deferred<T> {
    fn default() -> Self {
        Deferred {
            wakers: RefCell::default(),
            tasks: RefCell::default(),
            yielding: Cell::new(None),
        }
    }
}

impl<T> Deferred<T> {
    /// Defers `waker`. `polling` is the task this scheduler is polling on
    /// this thread (its own, not a nested `LocalSet`'s), if any.
    pub(crate) fn push(&self, waker: &Waker, polling: Option<u64>) {
        if let Some(id) = runtime_core::wakes_current(waker) {
            if polling == Some(id.as_u64()) {
                // Our task's own yield: marked notified now, it comes back
                // through `keep_if_yielded` when its poll returns.
                self.yielding.set(Some(id));
                return waker.wake_by_ref();
            }
        }
        let mut list = self.wakers.borrow_mut();
        // A task that yields twice before the driver turns is queued once.
        if list.last().is_some_and(|last| last.will_wake(waker)) {
            return;
        }
        list.push(waker.clone());
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.wakers.borrow().is_empty() && self.tasks.borrow().is_empty()
    }

    /// Hands every deferred task to `queue`, then wakes every deferred
    /// waker. `queue` only queues (no user code runs in it), so the task
    /// list is drained in place; the waker list is taken first, as a foreign
    /// waker may run anything, even `defer`.
    // `always`: the current-thread scheduler calls it from two places
    // through one helper, and left to itself LLVM then keeps one shared
    // copy out of line (callgrind: `yield` 732 -> 756, `task_yield` 952 ->
    // 977 instructions; the worker's single call is the same either way).
    #[inline(always)]
    pub(crate) fn wake_all(&self, mut queue: impl FnMut(T)) {
        // On most scheduler turns both lists are empty: each is only looked at.
        if !self.tasks.borrow().is_empty() {
            let mut tasks = self.tasks.borrow_mut();
            while let Some(task) = tasks.pop_front() {
                queue(task);
            }
        }
        if self.wakers.borrow().is_empty() {
            return;
        }
        let mut list = std::mem::take(&mut *self.wakers.borrow_mut());
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
        let mut slot = self.wakers.borrow_mut();
        if slot.is_empty() {
            *slot = list;
        }
    }
}

impl<S: Schedule> Deferred<Notified<S>> {
    /// Keeps `task` if its own poll hands it back (`is_yield`: woken during
    /// that poll) after it deferred its own waker through `push`; gives it
    /// back, to be queued, otherwise.
    #[inline]
    pub(crate) fn keep_if_yielded(&self, task: Notified<S>, is_yield: bool) -> Option<Notified<S>> {
        if !is_yield || self.yielding.get() != Some(task.task().info().id()) {
            return Some(task);
        }
        self.yielding.set(None);
        self.tasks.borrow_mut().push_back(task);
        None
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
            unsafe { &*local }.defer(waker)
        }
        Ctx::Current(local) => {
            // SAFETY: the context holds this pointer only while `block_on`
            // runs on this thread with the `Local` alive on its stack.
            unsafe { &*local }.defer(waker)
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
        let deferred = Deferred::<()>::default();
        let counts: Vec<_> = (0..100)
            .map(|_| Arc::new(Count(AtomicUsize::new(0))))
            .collect();
        let wakers: Vec<Waker> = counts.iter().map(|c| Waker::from(c.clone())).collect();
        for round in 1..=3 {
            for waker in &wakers {
                deferred.push(waker, None);
                // A second yield before the wake is queued once.
                deferred.push(waker, None);
            }
            deferred.wake_all(|()| unreachable!("no task deferred"));
            assert!(deferred.is_empty());
            assert!(counts.iter().all(|c| c.0.load(Relaxed) == round));
            // The next round's pushes reuse the storage instead of growing
            // a new list from nothing.
            assert!(deferred.wakers.borrow().capacity() >= 100);
        }
    }
}
