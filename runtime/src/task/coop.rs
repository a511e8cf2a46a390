//! Cooperative scheduling: the per-poll budget that keeps one busy task from
//! starving the others.
//!
//! Every time a task is polled it gets a budget of operations (128). Each
//! runtime resource that makes progress (a channel receive, a socket read,
//! a `JoinHandle` that completes...) spends one unit; once the budget is
//! spent, those resources return `Pending` and wake the task at once, so
//! the task goes back to the scheduler, which runs the others, looks at
//! I/O and timers, and polls it again with a fresh budget.
//!
//! This module lets code outside the runtime take part:
//! [`consume_budget`] and [`cooperative`] spend budget like a runtime
//! resource; [`poll_proceed`] is the low-level form for hand-written
//! futures; [`has_budget_remaining`] asks whether it is spent; and
//! [`unconstrained`] opts a future out of budgeting altogether.
//!
//! ```
//! use runtime::sync::mpsc;
//! use runtime::task::coop;
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() {
//!     let (tx, mut rx) = mpsc::unbounded_channel();
//!     for i in 0..1000 {
//!         tx.send(i).unwrap();
//!     }
//!     // Always ready: a budgeted task would yield every 128 receives;
//!     // unconstrained, the loop runs to the end in one poll.
//!     let sum = coop::unconstrained(async move {
//!         let mut sum = 0;
//!         for _ in 0..1000 {
//!             sum += rx.recv().await.unwrap();
//!         }
//!         sum
//!     })
//!     .await;
//!     assert_eq!(sum, 499_500);
//! }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use runtime_core::coop::{poll_proceed, RestoreOnPending};

/// True while the current task may still make progress without being
/// forced to yield: its budget is not spent. Always true outside a task and
/// inside [`unconstrained`].
///
/// ```
/// use runtime::task::coop;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let handle = runtime::spawn(async {
///         assert!(coop::has_budget_remaining()); // fresh at each poll
///         let mut spent = 0;
///         while coop::has_budget_remaining() {
///             std::future::poll_fn(|cx| coop::poll_proceed(cx).map(|r| r.made_progress()))
///                 .await;
///             spent += 1;
///         }
///         spent
///     });
///     assert_eq!(handle.await.unwrap(), 128);
/// }
/// ```
#[inline]
pub fn has_budget_remaining() -> bool {
    runtime_core::coop::has_budget_remaining()
}

/// Spends one unit of the task's cooperative budget, yielding to the
/// scheduler if it is used up. Call it in long loops over always-ready work so
/// the loop cannot starve other tasks.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let ran = Arc::new(AtomicBool::new(false));
///     let flag = ran.clone();
///     runtime::spawn(async move { flag.store(true, Ordering::SeqCst) });
///     // A busy loop with no other await: the budget still lets the
///     // spawned task in before the loop ends.
///     let mut saw_it_at = None;
///     for i in 0..10_000 {
///         runtime::task::consume_budget().await;
///         if saw_it_at.is_none() && ran.load(Ordering::SeqCst) {
///             saw_it_at = Some(i);
///         }
///     }
///     assert!(saw_it_at.is_some());
/// }
/// ```
///
/// # Cancel safety
///
/// Cancel-safe: it holds nothing; dropping it only skips the yield (the
/// unit of budget may or may not have been spent).
pub async fn consume_budget() {
    std::future::poll_fn(|cx| {
        let restore = std::task::ready!(poll_proceed(cx));
        restore.made_progress();
        Poll::Ready(())
    })
    .await
}

/// A future run with no cooperative budget; made by [`unconstrained`].
#[must_use = "futures do nothing unless polled"]
pub struct Unconstrained<F> {
    inner: F,
}

/// Runs `inner` outside cooperative scheduling: while it is polled,
/// runtime resources never force it to yield, however much it does in one
/// poll. The budget of the task around it is left as it was.
///
/// Use it sparingly: an unconstrained future that is always ready holds its
/// worker thread until it finishes, starving the other tasks and the timers.
///
/// ```
/// use runtime::sync::mpsc;
/// use runtime::task;
/// use std::future::Future;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = mpsc::unbounded_channel();
///     for i in 0..500 {
///         tx.send(i).unwrap();
///     }
///     let mut polls = 0;
///     let mut got = 0;
///     let mut fut = std::pin::pin!(task::unconstrained(async {
///         while got < 500 {
///             rx.recv().await.unwrap();
///             got += 1;
///         }
///     }));
///     std::future::poll_fn(|cx| {
///         polls += 1;
///         fut.as_mut().poll(cx)
///     })
///     .await;
///     assert_eq!(polls, 1); // never forced to yield
/// }
/// ```
pub fn unconstrained<F>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: structural pinning of `inner`: it is never moved out of
        // `self` (no method hands it out by value or `&mut`), `Unconstrained`
        // has no `Drop` impl, and is `Unpin` only when `F` is (auto trait).
        let inner = unsafe { self.map_unchecked_mut(|me| &mut me.inner) };
        runtime_core::coop::unconstrained(|| inner.poll(cx))
    }
}

impl<F: fmt::Debug> fmt::Debug for Unconstrained<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unconstrained")
            .field("inner", &self.inner)
            .finish()
    }
}

/// A future that spends one unit of budget each time it is polled; made by
/// [`cooperative`].
#[must_use = "futures do nothing unless polled"]
pub struct Coop<F: Future> {
    fut: F,
}

/// Makes `fut` take part in cooperative scheduling like a runtime resource:
/// each poll first spends one unit of the task's budget (returning `Pending`
/// and waking the task if it is spent), and the unit is kept only if `fut`
/// completes in that poll. Useful for futures from other libraries that
/// know nothing of this runtime's budget.
///
/// ```
/// use runtime::task::coop::cooperative;
/// use std::future::Future;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     // An always-ready future from elsewhere, in a loop: with `cooperative`
///     // the loop yields once the budget is spent instead of hogging the thread.
///     let handle = runtime::spawn(async {
///         let mut polls = 0u32;
///         let mut fut = std::pin::pin!(async {
///             for _ in 0..300 {
///                 cooperative(std::future::ready(())).await;
///             }
///         });
///         std::future::poll_fn(|cx| {
///             polls += 1;
///             fut.as_mut().poll(cx)
///         })
///         .await;
///         polls
///     });
///     assert_eq!(handle.await.unwrap(), 3); // 128 + 128 + 44
/// }
/// ```
#[inline]
pub fn cooperative<F: Future>(fut: F) -> Coop<F> {
    Coop { fut }
}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let restore = std::task::ready!(poll_proceed(cx));
        // SAFETY: structural pinning of `fut`: it is never moved out of
        // `self`, `Coop` has no `Drop` impl, and is `Unpin` only when `F` is.
        let fut = unsafe { self.map_unchecked_mut(|me| &mut me.fut) };
        let out = std::task::ready!(fut.poll(cx));
        restore.made_progress();
        Poll::Ready(out)
    }
}

impl<F: Future + fmt::Debug> fmt::Debug for Coop<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coop").field("fut", &self.fut).finish()
    }
}
