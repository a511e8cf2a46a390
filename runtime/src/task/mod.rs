//! Tasks: spawning, joining, yielding.
//!
//! A task is a future the runtime runs on its own, concurrently with other
//! tasks: [`spawn`] starts one and returns a [`JoinHandle`] to await its
//! output; [`spawn_blocking`] runs a blocking closure on the blocking pool;
//! [`JoinSet`] awaits many tasks as they finish; [`LocalSet`] runs tasks that
//! are not `Send`. A panic in a task is caught and returned as a
//! [`JoinError`] from its handle, and [`JoinHandle::abort`] (or an
//! [`AbortHandle`]) cancels a task at its next await point.
//!
//! ```
//! use runtime::task::{self, JoinSet};
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() {
//!     let one = task::spawn(async { 1 });
//!     let two = task::spawn_blocking(|| 2); // on the blocking pool
//!     let mut set = JoinSet::new();
//!     set.spawn(async { 3 });
//!     set.spawn(async { 4 });
//!     let mut total = one.await.unwrap() + two.await.unwrap();
//!     while let Some(res) = set.join_next().await {
//!         total += res.unwrap();
//!     }
//!     assert_eq!(total, 10);
//!
//!     let boom = task::spawn(async { panic!("caught") });
//!     assert!(boom.await.unwrap_err().is_panic());
//! }
//! ```
//!
//! # Cancel safety
//!
//! Awaiting a [`JoinHandle`] is cancel-safe: the output stays in the task
//! until a poll of the handle returns it, so dropping the `.await` (for
//! example `&mut handle` in a losing `select!` branch) loses nothing, and
//! awaiting the handle again still yields the output. Dropping the handle
//! itself detaches the task (it keeps running) rather than cancelling it.
//! [`JoinSet::join_next`] is cancel-safe too. The other async functions here
//! say so in their own documentation.
//!
//! ```
//! use runtime::time::{sleep, Duration};
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() {
//!     let mut handle = runtime::spawn(async {
//!         sleep(Duration::from_millis(30)).await;
//!         "done"
//!     });
//!     let mut waited = 0;
//!     let out = loop {
//!         runtime::select! {
//!             out = &mut handle => break out.unwrap(),
//!             _ = sleep(Duration::from_millis(5)) => waited += 1,
//!         }
//!     };
//!     assert_eq!(out, "done"); // not lost by the dropped polls
//!     assert!(waited > 0);
//! }
//! ```

mod join_set;
mod local;

pub use join_set::JoinSet;
pub use local::{spawn_local, LocalSet};
pub use runtime_core::{AbortHandle, JoinError, JoinHandle};

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Spawns a future onto the current runtime and returns a handle to await its
/// output. The task starts running right away, whether or not the handle is
/// awaited; dropping the handle detaches it. On the multi-thread runtime it
/// may run on any worker, hence `Send + 'static`.
///
/// ```
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let h = runtime::spawn(async { 40 + 2 });
///     assert_eq!(h.await.unwrap(), 42);
/// }
/// ```
///
/// # Panics
/// Outside a runtime: "must be called from the context of a runtime".
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime_executor::spawn(future)
}

/// Runs a blocking closure on the current runtime's blocking pool, so it does
/// not stall the async workers.
///
/// ```
/// #[runtime::main]
/// async fn main() {
///     let sum = runtime::spawn_blocking(|| (1..=100u64).sum::<u64>()).await.unwrap();
///     assert_eq!(sum, 5050);
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    runtime_executor::spawn_blocking(f)
}

/// Yields to the scheduler: the task is polled again after the other ready
/// tasks, and after the scheduler has looked at I/O and timers once, as in
/// Tokio (its waker is deferred until then), so a task that yields while it
/// waits for an event sees the event when it is next polled.
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
///     // On one thread, the spawned task can only run if we step aside.
///     runtime::task::yield_now().await;
///     assert!(ran.load(Ordering::SeqCst));
/// }
/// ```
///
/// # Cancel safety
///
/// Cancel-safe: it holds nothing, so dropping it only skips the yield.
pub async fn yield_now() {
    YieldNow { yielded: false }.await
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
        let restore = std::task::ready!(runtime_core::coop::poll_proceed(cx));
        restore.made_progress();
        Poll::Ready(())
    })
    .await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Woken only after the scheduler has looked at I/O and timers (at once
        // off a scheduler thread), so a task that yields while it waits for
        // an event sees the event on its next poll.
        runtime_executor::defer(cx.waker());
        Poll::Pending
    }
}
