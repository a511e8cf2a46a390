//! Small pieces the channels share: the loom-aware `UnsafeCell` and
//! `AtomicPtr` (re-exported from [`crate::loom`]), a spin hint that loom understands, a
//! list of parked wakers keyed by id, the budget step for always-ready paths,
//! and the thread-parking `block_on` behind the `blocking_*` methods.

use crate::loom::{AtomicU64, Mutex, MutexGuard, Ordering::Acquire, Ordering::Release};
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
/// value", "all receivers dropped"). Each future keeps its registration in a
/// [`Waiting`], re-registers when polled again, and removes itself when
/// dropped, so cancelled waiters leave nothing behind.
///
/// No waker is woken or dropped while the list's lock is held: a waker is
/// user code, and its `wake` or `Drop` may use the very channel (drop the
/// last receiver, send a value), which takes this lock again.
///
/// **Polling again without the lock.** A future that waits on the list is
/// often polled many times before its event (`serve`'s connections poll
/// `watch::Receiver::changed` on every poll of the connection): those polls
/// take no lock when the future's registration is still in the list, with
/// the same waker, and the event has not happened. "Still in the list" is
/// the list's *epoch*: [`wake_all`](WaitList::wake_all) bumps it under the
/// lock as it empties the list, and a registration remembers the epoch it
/// was made in. A poll that reads the old epoch and a false `ready` while a
/// `wake_all` runs is harmless: that `wake_all` holds the registered waker
/// and wakes it, and the poll it causes reads the new epoch (the wake
/// orders the bump before that poll).
#[derive(Debug)]
pub(crate) struct WaitList {
    inner: Mutex<WaitInner>,
    /// Times `wake_all` emptied the list (written under `inner`'s lock).
    epoch: AtomicU64,
}

#[derive(Debug, Default)]
struct WaitInner {
    next_id: u64,
    waiters: Vec<(u64, Waker)>,
}

/// A future's entry in a [`WaitList`]: its id, the list's epoch when it
/// registered, and the waker it registered (to tell whether a later poll
/// brings the same one).
#[derive(Debug)]
struct Registration {
    id: u64,
    epoch: u64,
    waker: Waker,
}

impl WaitList {
    pub(crate) fn new() -> WaitList {
        WaitList {
            inner: Mutex::new(WaitInner::default()),
            epoch: AtomicU64::new(0),
        }
    }

    /// Evaluates `ready`; if it is false, registers the context's waker
    /// under `slot` (adding or refreshing the entry) and returns `Pending`,
    /// otherwise unregisters and returns `Ready`. `ready` runs under the
    /// list's lock, except on the lock-free path of a future polled again
    /// while still registered with the same waker (see the type's docs).
    ///
    /// A ready outcome spends one unit of the task's cooperative budget (and
    /// an exhausted budget returns `Pending` before looking), so a loop
    /// over an always-ready wait still yields to the scheduler.
    ///
    /// Whoever makes `ready` true must do so before calling [`wake_all`]
    /// (which takes the same lock), so the check cannot miss the wake-up.
    ///
    /// [`wake_all`]: WaitList::wake_all
    fn poll_wait(
        &self,
        slot: &mut Option<Registration>,
        cx: &mut Context<'_>,
        mut ready: impl FnMut() -> bool,
    ) -> Poll<()> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        if let Some(reg) = slot {
            if reg.epoch == self.epoch.load(Acquire) && reg.waker.will_wake(cx.waker()) && !ready()
            {
                return Poll::Pending;
            }
        }
        let mut inner = lock(&self.inner);
        if ready() {
            let stale = slot
                .take()
                .and_then(|reg| take_waiter(&mut inner.waiters, reg.id));
            drop(inner);
            drop(stale);
            coop.made_progress();
            return Poll::Ready(());
        }
        let epoch = self.epoch.load(Acquire);
        let id = match slot {
            Some(reg) => reg.id,
            None => {
                inner.next_id += 1;
                inner.next_id
            }
        };
        let stale = set_waiter(&mut inner.waiters, id, cx.waker());
        drop(inner);
        drop(stale);
        // The old registration's waker (dropped here, unlocked) and epoch are
        // replaced: the entry in the list holds this waker now.
        *slot = Some(Registration {
            id,
            epoch,
            waker: cx.waker().clone(),
        });
        Poll::Pending
    }

    /// Unregisters the future owning `slot`, if it is registered.
    fn remove(&self, slot: &mut Option<Registration>) {
        if let Some(reg) = slot.take() {
            let stale = take_waiter(&mut lock(&self.inner).waiters, reg.id);
            drop(stale); // the guard above is gone: not under the lock
        }
    }

    /// Wakes (and unregisters) every waiting future.
    pub(crate) fn wake_all(&self) {
        let waiters = {
            let mut inner = lock(&self.inner);
            // Under the lock, before any waker is woken: a registration of
            // an older epoch is no longer in the list.
            self.epoch.fetch_add(1, Release);
            std::mem::take(&mut inner.waiters)
        };
        for (_, waker) in waiters {
            waker.wake();
        }
    }
}

/// One future's registration in a [`WaitList`], removed when dropped (so a
/// cancelled wait leaves nothing behind).
pub(crate) struct Waiting<'a> {
    list: &'a WaitList,
    slot: Option<Registration>,
}

impl<'a> Waiting<'a> {
    pub(crate) fn new(list: &'a WaitList) -> Waiting<'a> {
        Waiting { list, slot: None }
    }

    /// See [`WaitList::poll_wait`].
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>, ready: impl FnMut() -> bool) -> Poll<()> {
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
