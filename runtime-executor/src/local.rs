//! `LocalSet`: tasks that are not `Send`, run on the thread that owns the set.
//!
//! A `LocalSet` is itself driven like a future (by `run_until`, by awaiting
//! it, or by `block_on`). Its tasks live in its own owned list and queue; a
//! waker fired from any thread pushes onto that queue and wakes whoever is
//! driving the set. Tasks are only ever polled inside the set's own poll, on
//! its owning thread, and are dropped there when the set is dropped, which is
//! what makes running `!Send` futures sound.

use runtime_core::{JoinHandle, Notified, OwnedTasks, Schedule, Task};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Local tasks run per poll of the set before it yields to its own executor,
/// so a busy set cannot starve the tasks around it. Same order as the
/// schedulers' event interval (61, borrowed from Tokio); not measured here.
const MAX_TASKS_PER_POLL: usize = 61;

/// A set of `!Send` tasks executed on the current thread.
///
/// The facade wraps it as `runtime::task::LocalSet`, adding `block_on`.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use runtime_executor::LocalSet;
///
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let local = LocalSet::new();
/// let name = Rc::new("not Send"); // `runtime::spawn` would refuse it
/// let n = name.clone();
/// let len = rt.block_on(local.run_until(async move {
///     runtime_executor::spawn_local(async move { n.len() }).await.unwrap()
/// }));
/// assert_eq!(len, 8);
/// ```
pub struct LocalSet {
    shared: Arc<Shared>,
    /// `LocalSet` must stay on its thread.
    _not_send: PhantomData<*const ()>,
}

struct Shared {
    queue: Mutex<Queue>,
    owned: OwnedTasks<LocalScheduler>,
    /// The runtime flag this set's task panics raise (`report_panics_to`).
    panic_flag: std::sync::OnceLock<Arc<crate::panic::PanicFlag>>,
}

#[derive(Default)]
struct Queue {
    tasks: VecDeque<Notified<LocalScheduler>>,
    /// The task (or `block_on`) currently driving the set.
    driver: Option<Waker>,
    closed: bool,
}

/// The live-task count of a [`LocalSet`], readable from any thread; from
/// [`LocalSet::alive_tasks`].
#[derive(Clone)]
pub struct LocalTaskCount(Arc<Shared>);

impl LocalTaskCount {
    /// Tasks of the set that have not completed (0 once the set dropped).
    pub fn get(&self) -> usize {
        self.0.owned.len()
    }
}

impl fmt::Debug for LocalTaskCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LocalTaskCount").field(&self.get()).finish()
    }
}

#[derive(Clone)]
struct LocalScheduler(Arc<Shared>);

impl Schedule for LocalScheduler {
    fn schedule(&self, task: Notified<Self>) {
        let mut queue = lock(&self.0.queue);
        if queue.closed {
            drop(queue);
            // The set is gone; its tasks were cancelled when it dropped.
            return drop(task);
        }
        queue.tasks.push_back(task);
        let driver = queue.driver.clone();
        drop(queue);
        if let Some(waker) = driver {
            waker.wake();
        }
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

fn lock(queue: &Mutex<Queue>) -> std::sync::MutexGuard<'_, Queue> {
    // No user code runs under this lock; a poisoned lock holds valid data.
    queue.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    /// The set being polled on this thread, for `spawn_local`.
    static CURRENT: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
}

impl LocalSet {
    /// An empty set.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime_executor::LocalSet::new();
    /// assert_eq!(format!("{local:?}"), "LocalSet { tasks: 0 }");
    /// // No tasks to wait for: awaiting the set returns at once.
    /// rt.block_on(local);
    /// ```
    pub fn new() -> LocalSet {
        LocalSet {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue::default()),
                owned: OwnedTasks::new(1),
                panic_flag: std::sync::OnceLock::new(),
            }),
            _not_send: PhantomData,
        }
    }

    /// A process-unique, never-zero number for this set, from the same
    /// sequence as the runtimes' ids (see `Handle::id`).
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, b) = (runtime_executor::LocalSet::new(), runtime_executor::LocalSet::new());
    /// assert_ne!(a.id(), b.id());
    /// ```
    pub fn id(&self) -> u64 {
        self.shared.owned.id()
    }

    /// A count of this set's live tasks that any thread can read (a local
    /// runtime's metrics include them).
    ///
    /// # Examples
    ///
    /// ```
    /// let local = runtime_executor::LocalSet::new();
    /// let count = local.alive_tasks();
    /// let _task = local.spawn_local(async {});
    /// assert_eq!(std::thread::spawn(move || count.get()).join().unwrap(), 1);
    /// ```
    pub fn alive_tasks(&self) -> LocalTaskCount {
        LocalTaskCount(self.shared.clone())
    }

    /// Makes a panic in any task of this set an unhandled panic of the
    /// runtime of `handle`, when that runtime was built with
    /// `UnhandledPanic::ShutdownRuntime` (a `LocalRuntime`'s set is, so its
    /// local tasks count as the runtime's). Otherwise, and for tasks spawned
    /// before the call, nothing changes.
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// use runtime::runtime::{Builder, UnhandledPanic};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
    ///     .build()
    ///     .unwrap();
    /// let local = runtime_executor::LocalSet::new();
    /// let executor = runtime_executor::Handle::try_current();
    /// assert!(executor.is_none());
    /// let executor = rt.block_on(async { runtime_executor::Handle::current() });
    /// local.report_panics_to(&executor);
    /// local.spawn_local(async { panic!("boom") });
    /// // Panics: the local task's panic shuts the runtime down.
    /// rt.block_on(local.run_until(async {
    ///     loop {
    ///         runtime::task::yield_now().await;
    ///     }
    /// }));
    /// ```
    pub fn report_panics_to(&self, handle: &crate::Handle) {
        if let Some(flag) = handle.panic_flag() {
            let _ = self.shared.panic_flag.set(flag.clone());
        }
    }

    /// Spawns a `!Send` task onto this set; it runs when the set is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime_executor::LocalSet::new();
    /// let hits = Rc::new(Cell::new(0));
    /// for _ in 0..3 {
    ///     let hits = hits.clone();
    ///     local.spawn_local(async move { hits.set(hits.get() + 1) });
    /// }
    /// assert_eq!(hits.get(), 0); // the set is not driven yet
    /// rt.block_on(local); // runs until all its tasks are done
    /// assert_eq!(hits.get(), 3);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_on(&self.shared, future)
    }

    /// Makes this set the one [`spawn_local`] spawns onto, on this thread,
    /// until the returned guard is dropped; the set is not driven meanwhile
    /// (tasks spawned run when it next is). Guards nest: dropping one
    /// restores the set (or absence of one) current before it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let local = runtime_executor::LocalSet::new();
    /// let handle = {
    ///     let _guard = local.enter();
    ///     let rc = Rc::new(5);
    ///     runtime_executor::spawn_local(async move { *rc + 1 })
    /// };
    /// rt.block_on(local);
    /// assert_eq!(rt.block_on(handle).unwrap(), 6);
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            _enter: Enter::new(&self.shared),
            _not_send: PhantomData,
        }
    }

    /// Runs `future` and this set's tasks until `future` completes.
    ///
    /// Cancel safety: dropping it stops driving the set; its tasks stay queued
    /// and run the next time the set is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let local = runtime_executor::LocalSet::new();
    ///     let out = local
    ///         .run_until(async {
    ///             let rc = Rc::new(21);
    ///             runtime_executor::spawn_local(async move { *rc * 2 }).await.unwrap()
    ///         })
    ///         .await;
    ///     assert_eq!(out, 42);
    /// }
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        std::future::poll_fn(|cx| {
            let _enter = Enter::new(&self.shared);
            if let Poll::Ready(v) = future.as_mut().poll(cx) {
                return Poll::Ready(v);
            }
            self.tick(cx);
            // The future may have been woken by a local task that just ran.
            future.as_mut().poll(cx)
        })
        .await
    }

    /// Runs a batch of queued tasks; re-wakes the driver if more remain.
    fn tick(&self, cx: &mut Context<'_>) {
        {
            let mut queue = lock(&self.shared.queue);
            if !queue
                .driver
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                queue.driver = Some(cx.waker().clone());
            }
        }
        for _ in 0..MAX_TASKS_PER_POLL {
            let task = lock(&self.shared.queue).tasks.pop_front();
            match task {
                Some(task) => task.run(),
                None => return,
            }
        }
        // Out of turns with work left: yield, and come back for the rest.
        cx.waker().wake_by_ref();
    }
}

#[track_caller]
fn spawn_on<F>(shared: &Arc<Shared>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    match shared.panic_flag.get() {
        Some(flag) => spawn_unwrapped(shared, crate::panic::ReportPanic::new(future, flag.clone())),
        None => spawn_unwrapped(shared, future),
    }
}

#[track_caller]
fn spawn_unwrapped<F>(shared: &Arc<Shared>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // SAFETY: the task is run only by `LocalSet::tick`, which runs on the
    // set's thread (`LocalSet` is `!Send`), and is shut down by the set's
    // `Drop` on that same thread, so the future never leaves it.
    let (task, notified, join) =
        unsafe { runtime_core::spawn_local(future, LocalScheduler(shared.clone())) };
    if let Some(notified) = shared.owned.bind(task, notified) {
        LocalScheduler(shared.clone()).schedule(notified);
    }
    join
}

/// Spawns a `!Send` task onto the `LocalSet` being driven on this thread.
///
/// # Panics
/// Outside a `LocalSet` (`run_until`, awaiting the set, or its `block_on`).
///
/// # Examples
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let local = runtime_executor::LocalSet::new();
/// let log = rt.block_on(local.run_until(async {
///     let log = Rc::new(RefCell::new(Vec::new()));
///     let tasks: Vec<_> = ["a", "b"]
///         .into_iter()
///         .map(|name| {
///             let log = log.clone();
///             runtime_executor::spawn_local(async move { log.borrow_mut().push(name) })
///         })
///         .collect();
///     for task in tasks {
///         task.await.unwrap();
///     }
///     log.take()
/// }));
/// assert_eq!(log, ["a", "b"]);
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let shared = CURRENT.with(|c| c.borrow().clone());
    match shared {
        Some(shared) => spawn_on(&shared, future),
        None => panic!(
            "`spawn_local` called from outside of a `task::LocalSet`: run the code inside \
             `LocalSet::run_until`, `LocalSet::block_on`, or a task spawned on a LocalSet"
        ),
    }
}

/// Keeps a `LocalSet` current for `spawn_local` on this thread; returned by
/// [`LocalSet::enter`]. Dropping it restores the previous one.
///
/// It must be dropped on the thread that made it (it is `!Send`).
///
/// # Examples
///
/// ```
/// let local = runtime_executor::LocalSet::new();
/// let guard: runtime_executor::LocalEnterGuard = local.enter();
/// drop(guard);
/// ```
pub struct LocalEnterGuard {
    _enter: Enter,
    /// Restores a thread-local: must stay on its thread.
    _not_send: PhantomData<*const ()>,
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}

/// Makes a set current for `spawn_local` while it is polled.
struct Enter {
    prev: Option<Arc<Shared>>,
}

impl Enter {
    fn new(shared: &Arc<Shared>) -> Enter {
        // `try_with`: a set dropped while the thread's locals are destroyed
        // (kept in a thread-local of the user's) must not panic in `drop`,
        // which would abort the process. `spawn_local` then sees no set.
        let prev = CURRENT
            .try_with(|c| c.replace(Some(shared.clone())))
            .unwrap_or(None);
        Enter { prev }
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
    }
}

/// Awaiting a `LocalSet` runs it until all its tasks have completed.
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _enter = Enter::new(&self.shared);
        self.tick(cx);
        if self.shared.owned.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        let _enter = Enter::new(&self.shared);
        lock(&self.shared.queue).closed = true;
        // On the owning thread: drop every task's future here.
        self.shared.owned.close_and_shutdown_all();
        let queued = std::mem::take(&mut lock(&self.shared.queue).tasks);
        drop(queued);
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet")
            .field("tasks", &self.shared.owned.len())
            .finish()
    }
}
