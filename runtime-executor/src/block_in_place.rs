//! `block_in_place`, and `worker_index`: what a piece of code can ask of the
//! scheduler thread it runs on.
//!
//! `block_in_place` decides from the thread's context what blocking here
//! means, as Tokio does:
//! - on a multi-thread worker, inside a task: the worker's core (queue, LIFO
//!   slot, parker) goes to another thread first, which keeps running the
//!   other tasks and turning the driver (`multi_thread::worker::hand_off`);
//!   the closure then blocks this thread only, and the core comes back
//!   afterwards if no other thread has taken it yet;
//! - in a multi-thread `block_on` (or any `Handle::block_on`), or on a worker
//!   outside a task poll: nothing runs on this thread meanwhile, so the
//!   closure just runs;
//! - in a current-thread `block_on` (a `LocalRuntime`, a `LocalSet` driven
//!   there): every task of the runtime would stop, so it panics;
//! - on a thread that drives no runtime (a plain thread, a blocking-pool
//!   thread, or inside another `block_in_place`): the closure just runs.
//!
//! In every case the closure runs with the thread no longer marked as
//! driving a runtime (so it may call `Handle::block_on` or a `blocking_*`
//! method) and with no cooperative budget; both come back afterwards.

use crate::context::{self, Scheduler as Ctx};
use crate::multi_thread::worker;
use runtime_core::coop;

/// The panic message for `block_in_place` where blocking stalls the runtime.
const NOT_ON_MULTI_THREAD: &str =
    "can call blocking only when running on the multi-threaded runtime: `block_in_place` \
     was called on a current-thread runtime (or a `LocalRuntime`, or a `LocalSet` driven by \
     one), whose tasks would all stop while this thread blocks. Use `spawn_blocking` \
     instead, or build the runtime with `Builder::new_multi_thread()`.";

/// Runs the blocking function `f` on this thread, letting the runtime move
/// the other tasks of this worker to another thread first, so they keep
/// running while `f` blocks.
///
/// On a worker of the multi-thread runtime, the worker's queue and its turn
/// at the I/O and timer driver are handed to another thread before `f`
/// runs; the task that called this goes on, on this thread, once `f`
/// returns. Outside a runtime, in a multi-thread `block_on`, or in a
/// blocking closure, `f` just runs. Unlike `spawn_blocking`, `f` may borrow
/// from the caller, but the calling task (and whatever it `join!`s or
/// `select!`s) makes no progress until it returns.
///
/// # Panics
///
/// On a current-thread runtime (including a `LocalRuntime`, and a
/// `LocalSet` driven by one): blocking would stop every task of it.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
///
/// #[runtime::main(flavor = "multi_thread", worker_threads = 2)]
/// async fn main() {
///     let (tx, rx) = mpsc::channel();
///     // Only another task can feed the channel: it keeps running while
///     // this one blocks.
///     runtime::spawn(async move { tx.send(42).unwrap() });
///     let got = runtime::task::block_in_place(|| rx.recv().unwrap());
///     assert_eq!(got, 42);
/// }
/// ```
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    let _reclaim = match context::scheduler() {
        Ctx::Worker(local) => worker::hand_off(local),
        Ctx::Current(_) => panic!("{NOT_ON_MULTI_THREAD}"),
        Ctx::None => {
            if context::entered() == Some(false) {
                panic!("{NOT_ON_MULTI_THREAD}");
            }
            None
        }
    };
    // `_reclaim` drops after `f`, also on unwind: the core comes back then.
    coop::unconstrained(|| context::exit_runtime(f))
}

/// The index of the worker thread this code runs on: `Some` on a worker of
/// a multi-thread runtime (`0..num_workers`, the index used by
/// `RuntimeMetrics`' per-worker methods) and on the thread running a
/// current-thread runtime's scheduler (`Some(0)`); `None` elsewhere (the
/// thread in a multi-thread `block_on`, a blocking thread, a plain thread,
/// inside a task's `block_in_place`, and after it until the task's next poll
/// when another thread took the worker over meanwhile).
///
/// A task may move between workers at any `.await`, so the answer holds
/// until the next one.
///
/// # Examples
///
/// ```
/// use runtime::runtime::worker_index;
///
/// #[runtime::main(flavor = "multi_thread", worker_threads = 3)]
/// async fn main() {
///     assert_eq!(worker_index(), None); // `block_on` is not a worker
///     let index = runtime::spawn(async { worker_index() }).await.unwrap();
///     assert!(index.unwrap() < 3);
/// }
/// ```
pub fn worker_index() -> Option<usize> {
    match context::scheduler() {
        Ctx::Worker(local) => Some(worker::index_of(local)),
        Ctx::Current(_) => Some(0),
        Ctx::None => None,
    }
}
