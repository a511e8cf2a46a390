//! `LocalSet` and `spawn_local`: tasks that are not `Send`.

use super::JoinHandle;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A set of `!Send` tasks run on the thread that drives the set.
///
/// ```
/// use std::rc::Rc;
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let local = runtime::task::LocalSet::new();
/// let n = local.block_on(&rt, async {
///     let shared = Rc::new(5); // not Send
///     let s = shared.clone();
///     runtime::task::spawn_local(async move { *s * 2 }).await.unwrap()
/// });
/// assert_eq!(n, 10);
/// ```
#[derive(Default)]
pub struct LocalSet {
    inner: runtime_executor::LocalSet,
}

impl LocalSet {
    /// An empty set.
    pub fn new() -> LocalSet {
        LocalSet::default()
    }

    /// Spawns a `!Send` task onto the set; it runs while the set is driven.
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn_local(future)
    }

    /// Drives `future` and the set's tasks on `rt` until `future` completes.
    ///
    /// # Panics
    /// Inside a runtime (as `Runtime::block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &crate::Runtime, future: F) -> F::Output {
        rt.block_on(self.inner.run_until(future))
    }

    /// Drives `future` and the set's tasks until `future` completes.
    ///
    /// Cancel safety: dropping it leaves the set's tasks queued for the next drive.
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        self.inner.run_until(future).await
    }
}

/// Awaiting the set runs it until all its tasks have completed.
impl Future for LocalSet {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.inner).poll(cx)
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// Spawns a `!Send` task onto the `LocalSet` currently being driven.
///
/// # Panics
/// Outside a `LocalSet`.
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    runtime_executor::spawn_local(future)
}
