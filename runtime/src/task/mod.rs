//! Tasks: spawning, joining, yielding.

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
/// awaited; dropping the handle detaches it.
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

/// Yields to the scheduler: the task goes behind the other ready tasks and is
/// polled again after them.
///
/// ```
/// # runtime::Runtime::new().unwrap().block_on(async {
/// runtime::task::yield_now().await;
/// # });
/// ```
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

/// Spends one unit of the task's cooperative budget, yielding to the
/// scheduler if it is used up. Call it in long loops over always-ready work so
/// the loop cannot starve other tasks.
///
/// ```
/// # runtime::Runtime::new().unwrap().block_on(async {
/// for _ in 0..1000 {
///     runtime::task::consume_budget().await;
/// }
/// # });
/// ```
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
        // A wake during its own poll makes the scheduler re-queue the task at
        // the back (`Schedule::yield_now`), behind everything already ready.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
