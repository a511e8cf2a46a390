//! `LocalSet` and `spawn_local`: tasks that are not `Send`.

use super::JoinHandle;
pub use runtime_executor::LocalEnterGuard;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A set of `!Send` tasks run on the thread that drives the set.
///
/// Tasks spawned with [`LocalSet::spawn_local`] (or [`spawn_local`] from
/// inside the set) run only while the set is driven: by
/// [`block_on`](LocalSet::block_on), [`run_until`](LocalSet::run_until), or
/// by awaiting the set itself, which runs until all its tasks are done.
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
    pub(crate) inner: runtime_executor::LocalSet,
}

impl LocalSet {
    /// An empty set.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// assert_eq!(local.block_on(&rt, async { 3 }), 3);
    /// ```
    pub fn new() -> LocalSet {
        LocalSet::default()
    }

    /// Spawns a `!Send` task onto the set; it runs while the set is driven.
    /// Works outside the set (and outside any runtime), unlike
    /// [`spawn_local`].
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// let shared = Rc::new(String::from("not Send"));
    /// let s = shared.clone();
    /// let handle = local.spawn_local(async move { s.len() });
    /// // Nothing ran yet: the set is not driven. Awaiting it runs the task.
    /// rt.block_on(local);
    /// assert_eq!(rt.block_on(handle).unwrap(), 8);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn_local(future)
    }

    /// This set's [`Id`](crate::runtime::Id): unique among the runtimes
    /// and sets of this process, as Tokio's `LocalSet::id`.
    ///
    /// ```
    /// let local = runtime::task::LocalSet::new();
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_ne!(local.id(), rt.handle().id());
    /// assert_eq!(local.id(), local.id());
    /// println!("local set id: {}", local.id());
    /// ```
    pub fn id(&self) -> crate::runtime::Id {
        crate::runtime::Id::new(self.inner.id())
    }

    /// Makes this set the target of [`spawn_local`] on this thread until the
    /// returned guard is dropped, without driving it: tasks spawned meanwhile
    /// run when the set is next driven.
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// let handle = {
    ///     let _guard = local.enter();
    ///     let rc = Rc::new("entered");
    ///     runtime::task::spawn_local(async move { rc.len() })
    /// };
    /// rt.block_on(local); // runs the set until its tasks are done
    /// assert_eq!(rt.block_on(handle).unwrap(), 7);
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        self.inner.enter()
    }

    /// Drives `future` and the set's tasks on `rt` until `future` completes;
    /// tasks still unfinished then stay in the set for the next drive.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime::task::LocalSet::new();
    /// let out = local.block_on(&rt, async {
    ///     let h = runtime::task::spawn_local(async { "from a local task" });
    ///     h.await.unwrap()
    /// });
    /// assert_eq!(out, "from a local task");
    /// ```
    ///
    /// # Panics
    ///
    /// Inside a runtime (as `Runtime::block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &crate::Runtime, future: F) -> F::Output {
        rt.block_on(self.inner.run_until(future))
    }

    /// Drives `future` and the set's tasks until `future` completes, from
    /// inside an async context (where [`block_on`](LocalSet::block_on)
    /// cannot be used).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::rc::Rc;
    ///
    /// let local = runtime::task::LocalSet::new();
    /// let n = local
    ///     .run_until(async {
    ///         let rc = Rc::new(21);
    ///         runtime::task::spawn_local(async move { *rc * 2 }).await.unwrap()
    ///     })
    ///     .await;
    /// assert_eq!(n, 42);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping it drops `future` (as cancel-safe as that future is), but
    /// loses none of the set's tasks: they stay queued in the set and run
    /// at its next drive.
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
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let log = Rc::new(RefCell::new(Vec::new()));
/// runtime::task::LocalSet::new().block_on(&rt, async {
///     let l = log.clone();
///     runtime::task::spawn_local(async move { l.borrow_mut().push("task") })
///         .await
///         .unwrap();
///     log.borrow_mut().push("after");
/// });
/// assert_eq!(*log.borrow(), ["task", "after"]);
/// ```
///
/// # Panics
///
/// Outside a `LocalSet`.
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // Inside a simulation (`runtime::sim`), its scheduler takes the task.
    if runtime_core::spawn_hook::is_entered() {
        return runtime_core::spawn_hook::spawn_local(future);
    }
    runtime_executor::spawn_local(future)
}
