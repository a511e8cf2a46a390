//! Small pieces the channels share: the loom-aware `UnsafeCell` and
//! `AtomicPtr` (re-exported from [`crate::loom`]), a spin hint that loom understands, a
//! list of parked wakers keyed by id, the budget step for always-ready paths,
//! and the thread-parking `block_on` behind the `blocking_*` methods.

use crate::loom::{Mutex, MutexGuard};
use runtime_core::coop;
use std::future::Future;
use std::pin::pin;
use std::sync::PoisonError;
use std::task::{Context, Poll, Wake, Waker};

pub(crate) use crate::loom::{AtomicPtr, UnsafeCell};

/// Waits a moment for another thread to finish a short critical step (a
/// sender between claiming a queue slot and filling it). Under loom this is a
/// scheduling point, so the model can run the other thread.
#[inline]
pub(crate) fn spin_wait() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::thread::yield_now();
}

/// A spin-loop hint for a retry that waits on another thread's few
/// instructions; a yield under loom (which otherwise sees an endless loop).
#[inline]
pub(crate) fn spin_hint() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::hint::spin_loop();
}

/// Locks, ignoring poisoning: no critical section in the channels leaves
/// shared state inconsistent when it unwinds (wakers are woken after unlock).
#[inline]
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Takes the waker registered under `id` out of `waiters`, so the caller can
/// drop it after releasing the lock that guards the list (a waker's `Drop` is
/// user code and may use the same channel). Order is not kept: every user of
/// such a list wakes all of it.
pub(crate) fn take_waiter(waiters: &mut Vec<(u64, Waker)>, id: u64) -> Option<Waker> {
    let i = waiters.iter().position(|(w, _)| *w == id)?;
    Some(waiters.swap_remove(i).1)
}

/// Registers `waker` under `id` in `waiters`, or refreshes the entry. Returns
/// the waker it replaced, for the caller to drop after unlocking (see
/// [`take_waiter`]).
#[must_use = "drop the replaced waker after releasing the lock"]
pub(crate) fn set_waiter(waiters: &mut Vec<(u64, Waker)>, id: u64, waker: &Waker) -> Option<Waker> {
    match waiters.iter_mut().find(|(w, _)| *w == id) {
        Some((_, w)) if w.will_wake(waker) => None,
        Some((_, w)) => Some(std::mem::replace(w, waker.clone())),
        None => {
            waiters.push((id, waker.clone()));
            None
        }
    }
}

/// Wakers of futures waiting for one event ("the receiver closed", "a new
/// value", "all receivers dropped"). Each future keeps its id in a
/// `Option<u64>` slot, re-registers when polled again, and removes itself when
/// dropped, so cancelled waiters leave nothing behind.
///
/// No waker is woken or dropped while the list's lock is held: a waker is
/// user code, and its `wake` or `Drop` may use the very channel (drop the
/// last receiver, send a value), which takes this lock again.
#[derive(Debug)]
pub(crate) struct WaitList {
    inner: Mutex<WaitInner>,
}

#[derive(Debug, Default)]
struct WaitInner {
    next_id: u64,
    waiters: Vec<(u64, Waker)>,
}

impl WaitList {
    pub(crate) fn new() -> WaitList {
        WaitList {
            inner: Mutex::new(WaitInner::default()),
        }
    }

    /// Evaluates `ready` under the list's lock; if it is false, registers
    /// the context's waker under `slot` (adding or refreshing the entry) and
    /// returns `Pending`, otherwise unregisters and returns `Ready`.
    ///
    /// A ready outcome spends one unit of the task's cooperative budget (and
    /// an exhausted budget returns `Pending` before looking), so a loop
    /// over an always-ready wait still yields to the scheduler.
    ///
    /// Whoever makes `ready` true must do so before calling [`wake_all`]
    /// (which takes the same lock), so the check cannot miss the wake-up.
    ///
    /// [`wake_all`]: WaitList::wake_all
    pub(crate) fn poll_wait(
        &self,
        slot: &mut Option<u64>,
        cx: &mut Context<'_>,
        ready: impl FnOnce() -> bool,
    ) -> Poll<()> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let mut inner = lock(&self.inner);
        if ready() {
            let stale = slot
                .take()
                .and_then(|id| take_waiter(&mut inner.waiters, id));
            drop(inner);
            drop(stale);
            coop.made_progress();
            return Poll::Ready(());
        }
        let id = *slot.get_or_insert_with(|| {
            let id = inner.next_id;
            inner.next_id += 1;
            id
        });
        let stale = set_waiter(&mut inner.waiters, id, cx.waker());
        drop(inner);
        drop(stale);
        Poll::Pending
    }

    /// Unregisters the future owning `slot`, if it is registered.
    pub(crate) fn remove(&self, slot: &mut Option<u64>) {
        if let Some(id) = slot.take() {
            let stale = take_waiter(&mut lock(&self.inner).waiters, id);
            drop(stale); // the guard above is gone: not under the lock
        }
    }

    /// Wakes (and unregisters) every waiting future.
    pub(crate) fn wake_all(&self) {
        let waiters = std::mem::take(&mut lock(&self.inner).waiters);
        for (_, waker) in waiters {
            waker.wake();
        }
    }
}

/// One future's registration in a [`WaitList`], removed when dropped (so a
/// cancelled wait leaves nothing behind).
pub(crate) struct Waiting<'a> {
    list: &'a WaitList,
    slot: Option<u64>,
}

impl<'a> Waiting<'a> {
    pub(crate) fn new(list: &'a WaitList) -> Waiting<'a> {
        Waiting { list, slot: None }
    }

    /// See [`WaitList::poll_wait`].
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>, ready: impl FnOnce() -> bool) -> Poll<()> {
        self.list.poll_wait(&mut self.slot, cx, ready)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.list.remove(&mut self.slot);
    }
}

/// Spends one unit of the current task's cooperative budget, first yielding
/// to the scheduler if the budget is spent. For operations whose ready path
/// does not otherwise go through a budgeted poll (a `OnceCell` that is already
/// set, a `Barrier` of one), so a loop over them cannot starve other tasks.
/// Outside a runtime task poll the budget is unconstrained and this is ready
/// at once.
pub(crate) async fn consume_budget() {
    std::future::poll_fn(|cx| coop::poll_proceed(cx).map(|c| c.made_progress())).await
}

/// Unparks the thread blocked in [`block_on`].
struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on the current thread, parking it while the
/// future is pending. Behind the `blocking_*` methods.
///
/// # Panics
/// On a thread that drives a runtime (a worker, or inside `block_on`): the
/// park would stall the very tasks that could complete `future`. The panic
/// points at the user's call (`#[track_caller]` down from the public method).
#[track_caller]
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    runtime_core::driving::assert_blocking_allowed();
    let waker = Waker::from(std::sync::Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        // A wake between the poll and here leaves the unpark token set, so
        // this returns at once; spurious returns just poll again.
        std::thread::park();
    }
}
