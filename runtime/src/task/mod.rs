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

mod builder;
pub mod coop;
mod join_set;
mod join_set_spawn;
mod local;
mod task_local;

pub use builder::Builder;
pub use coop::{consume_budget, unconstrained, Unconstrained};
pub use join_set::JoinSet;
pub use local::{spawn_local, LocalEnterGuard, LocalSet};
pub use runtime_core::{AbortHandle, Id, JoinError, JoinHandle};
pub use runtime_executor::block_in_place;
pub use task_local::LocalKey;

/// Futures made by this module's functions, for naming their types.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}

/// The [`Id`] of the task running this code.
///
/// ```
/// use runtime::task;
///
/// #[runtime::main]
/// async fn main() {
///     let handle = task::spawn(async {
///         let before = task::id();
///         task::yield_now().await; // may resume on another worker
///         assert_eq!(task::id(), before);
///         before
///     });
///     let id = handle.id();
///     assert_eq!(handle.await.unwrap(), id);
/// }
/// ```
///
/// # Panics
///
/// Outside a task, including in the future given to `block_on` (or
/// `#[runtime::main]`'s body), which is not a task; see [`try_id`].
#[track_caller]
pub fn id() -> Id {
    match runtime_core::current_task_id() {
        Some(id) => id,
        None => panic!(
            "`task::id()` called outside a task: `block_on` (and the body of \
             `#[runtime::main]`) is not a task; use `task::try_id()` there"
        ),
    }
}

/// The [`Id`] of the task running this code, or `None` outside a task.
///
/// ```
/// use runtime::task;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     assert_eq!(task::try_id(), None); // `main`'s body is not a task
///     let inside = task::spawn(async { task::try_id() }).await.unwrap();
///     assert!(inside.is_some());
/// }
/// ```
pub fn try_id() -> Option<Id> {
    runtime_core::current_task_id()
}

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
    // Inside a simulation (`runtime::sim`), its scheduler takes the task.
    if runtime_core::spawn_hook::is_entered() {
        return runtime_core::spawn_hook::spawn(future);
    }
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
    // Inside a simulation the closure runs as one step of a task on the
    // simulation's thread, at a point the seed picks (see SIMULATION.md).
    if runtime_core::spawn_hook::is_entered() {
        return runtime_core::spawn_hook::spawn_blocking(f);
    }
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
        // off a scheduler thread, or inside a simulation), so a task that
        // yields while it waits for an event sees the event on its next poll.
        runtime_executor::defer(cx.waker());
        Poll::Pending
    }
}
