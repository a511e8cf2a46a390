//! Cooperative scheduling budget.
//!
//! A future that is always ready (a socket with data queued, a channel that is
//! never empty) would hold its worker forever, starving every other task and the
//! timers. So each task poll gets a budget of operations; every runtime resource
//! spends one unit when it makes progress, and once the budget is spent it
//! returns `Pending` (after waking the task), so the task yields to the scheduler.
//! Outside a task poll the budget is unconstrained.
//!
//! A task forced to yield is not woken at once: its wake is *deferred*
//! until the scheduler has looked at I/O and timers (the hook the executor
//! installs, [`install_defer`]), as Tokio's is. Woken at once, it would be
//! queued ahead of the tasks that this very look wakes, and a task that
//! spends whole budgets in a loop (CPU-heavy work, an always-ready socket)
//! would run again before the requests that arrived meanwhile: their
//! latency would grow by one budget's worth of its work each time.

use std::cell::Cell;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

/// Operations one task poll may perform before resources force it to yield.
/// Borrowed from Tokio (`runtime/coop.rs`, 128), whose authors tuned it on their
/// benchmarks; we have not measured a better value.
pub const INITIAL_BUDGET: u8 = 128;

thread_local! {
    static BUDGET: Cell<Option<u8>> = const { Cell::new(None) };
    /// A task on this thread ran out of budget since the scheduler last asked.
    static EXHAUSTED: Cell<bool> = const { Cell::new(false) };
}

/// How a task that ran out of budget is woken (see the module docs): a
/// plain `fn` pointer, written once, installed by the executor.
static DEFER: OnceLock<fn(&Waker)> = OnceLock::new();

/// Installs `defer`, which [`poll_proceed`] calls with the task's waker
/// when the budget runs out; it must wake the waker eventually (the
/// executor's wakes it after its next look at I/O and timers, or at once
/// off a scheduler thread). The first call wins; later ones change nothing.
/// Without one, the waker is woken at once.
///
/// # Examples
///
/// ```
/// use runtime_core::coop;
/// use std::task::Waker;
///
/// fn wake_now(waker: &Waker) {
///     waker.wake_by_ref();
/// }
/// coop::install_defer(wake_now);
/// ```
pub fn install_defer(defer: fn(&Waker)) {
    let _ = DEFER.set(defer);
}

/// Restores the budget a scope replaced, also when the scope unwinds.
struct Reset(Option<u8>);

impl Drop for Reset {
    fn drop(&mut self) {
        let _ = BUDGET.try_with(|b| b.set(self.0));
    }
}

/// Runs `f` (one task poll) with a fresh budget, restoring the previous budget
/// afterwards, also on panic.
#[inline]
pub fn budget<R>(f: impl FnOnce() -> R) -> R {
    let prev = BUDGET.with(|b| b.replace(Some(INITIAL_BUDGET)));
    let _reset = Reset(prev);
    f()
}

/// Runs `f` with no budget limit (for blocking-pool closures, which are not
/// cooperative tasks), restoring the previous budget afterwards.
pub fn unconstrained<R>(f: impl FnOnce() -> R) -> R {
    let _reset = Reset(BUDGET.with(|b| b.replace(None)));
    f()
}

/// True, once, if a task polled on this thread was forced to yield because
/// its budget ran out, since the last call. Schedulers then look at I/O and
/// timers at once: a task that spends whole budgets (an always-ready socket)
/// would otherwise hold off that look for `budget × event interval`
/// operations, several milliseconds, and make every timer that late.
pub fn take_budget_exhausted() -> bool {
    EXHAUSTED.try_with(|e| e.replace(false)).unwrap_or(false)
}

/// True when the current task may still make progress without yielding.
pub fn has_budget_remaining() -> bool {
    BUDGET.try_with(|b| b.get() != Some(0)).unwrap_or(true)
}

/// Spends one unit of budget, or returns `Pending` (having arranged for the
/// task to be woken, see the module docs) when it is exhausted. Call `made_progress` on the returned guard when the
/// operation succeeded; otherwise dropping it refunds the unit.
///
/// # Examples
///
/// A hand-written future over an always-ready source that spends budget the
/// way the runtime's own resources do:
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::task::{ready, Context, Poll};
/// use runtime::task::coop;
///
/// struct Counter(u32);
///
/// impl Future for Counter {
///     type Output = u32;
///     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
///         let restore = ready!(coop::poll_proceed(cx));
///         self.0 += 1;
///         restore.made_progress(); // keep the unit: we did something
///         Poll::Ready(self.0)
///     }
/// }
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     assert_eq!(Counter(41).await, 42);
/// }
/// ```
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    BUDGET
        .try_with(|b| match b.get() {
            None => Poll::Ready(RestoreOnPending(Cell::new(None))),
            Some(0) => {
                EXHAUSTED.with(|e| e.set(true));
                // The installed defer decides, also for a simulation
                // entered through `spawn_hook` (it wakes at once there).
                match DEFER.get() {
                    Some(defer) => defer(cx.waker()),
                    None => cx.waker().wake_by_ref(),
                }
                Poll::Pending
            }
            Some(n) => {
                b.set(Some(n - 1));
                Poll::Ready(RestoreOnPending(Cell::new(Some(n))))
            }
        })
        .unwrap_or(Poll::Ready(RestoreOnPending(Cell::new(None))))
}

/// Refunds the unit spent by [`poll_proceed`] unless the operation made progress.
///
/// # Examples
///
/// ```
/// use std::future::poll_fn;
/// use std::task::Poll;
/// use runtime::task::coop;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     runtime::spawn(async {
///         poll_fn(|cx| {
///             let restore: coop::RestoreOnPending = match coop::poll_proceed(cx) {
///                 Poll::Ready(restore) => restore,
///                 Poll::Pending => return Poll::Pending,
///             };
///             // Nothing was done: dropping it gives the unit back.
///             drop(restore);
///             Poll::Ready(())
///         })
///         .await;
///     })
///     .await
///     .unwrap();
/// }
/// ```
#[must_use = "drop it after the operation, calling `made_progress` if it succeeded"]
#[derive(Debug)]
pub struct RestoreOnPending(Cell<Option<u8>>);

impl RestoreOnPending {
    /// The operation succeeded: keep the unit spent.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::task::{ready, Poll};
    /// use runtime::task::coop;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     poll_fn(|cx| {
    ///         let restore = ready!(coop::poll_proceed(cx));
    ///         restore.made_progress();
    ///         Poll::Ready(())
    ///     })
    ///     .await;
    /// }
    /// ```
    pub fn made_progress(&self) {
        self.0.set(None);
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        if let Some(prev) = self.0.get() {
            let _ = BUDGET.try_with(|b| b.set(Some(prev)));
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn budget_runs_out_after_initial_budget_operations() {
        let mut cx = Context::from_waker(Waker::noop());
        budget(|| {
            for _ in 0..INITIAL_BUDGET {
                match poll_proceed(&mut cx) {
                    Poll::Ready(r) => r.made_progress(),
                    Poll::Pending => panic!("budget ran out early"),
                }
            }
            assert!(!has_budget_remaining());
            assert!(poll_proceed(&mut cx).is_pending());
        });
        // Outside a poll the budget is unconstrained again.
        assert!(has_budget_remaining());
    }

    #[test]
    fn unprogressed_operation_refunds_its_unit() {
        let mut cx = Context::from_waker(Waker::noop());
        budget(|| {
            for _ in 0..1000 {
                let Poll::Ready(guard) = poll_proceed(&mut cx) else {
                    panic!("refunded units must not run out");
                };
                drop(guard);
            }
        });
    }
}
