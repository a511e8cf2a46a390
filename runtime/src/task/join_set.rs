//! `JoinSet`: a set of spawned tasks, awaited in completion order.
//!
//! Each member is polled with its own waker, which records the member in a
//! ready list and wakes whoever awaits `join_next`; so `join_next` polls only
//! the members that made progress, O(1) per completion however large the set.

use super::{AbortHandle, JoinError, JoinHandle};
use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::sync::atomic::{AtomicBool, Ordering::*};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// A collection of tasks spawned on the runtime, awaited as they finish.
/// Dropping the set aborts every task in it.
///
/// ```
/// # runtime::Runtime::new().unwrap().block_on(async {
/// let mut set = runtime::task::JoinSet::new();
/// for i in 0..10u64 {
///     set.spawn(async move { i * i });
/// }
/// let mut sum = 0;
/// while let Some(res) = set.join_next().await {
///     sum += res.unwrap();
/// }
/// assert_eq!(sum, 285);
/// # });
/// ```
pub struct JoinSet<T> {
    slots: Vec<Option<Member<T>>>,
    free: Vec<usize>,
    len: usize,
    ready: Arc<Ready>,
}

struct Member<T> {
    handle: JoinHandle<T>,
    wake: Arc<MemberWake>,
    waker: Waker,
}

/// Indices of members woken since they were last polled, and the waker of the
/// task awaiting `join_next`.
#[derive(Default)]
struct Ready {
    list: Mutex<ReadyList>,
}

#[derive(Default)]
struct ReadyList {
    indices: VecDeque<usize>,
    parent: Option<Waker>,
}

struct MemberWake {
    index: usize,
    queued: AtomicBool,
    ready: Arc<Ready>,
}

impl Wake for MemberWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.queued.swap(true, AcqRel) {
            return;
        }
        let parent = {
            let mut list = lock(&self.ready.list);
            list.indices.push_back(self.index);
            list.parent.clone()
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

fn lock(m: &Mutex<ReadyList>) -> std::sync::MutexGuard<'_, ReadyList> {
    // No user code runs under this lock, so a poisoned lock holds valid data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T> JoinSet<T> {
    /// An empty set.
    ///
    /// ```
    /// let set = runtime::task::JoinSet::<u32>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            ready: Arc::new(Ready::default()),
        }
    }

    /// Number of tasks in the set (finished ones count until joined).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// set.spawn(async { 2 });
    /// assert_eq!(set.len(), 2);
    /// set.join_next().await;
    /// assert_eq!(set.len(), 1);
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the set holds no task.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async {});
    /// assert!(!set.is_empty());
    /// set.join_next().await;
    /// assert!(set.is_empty());
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Aborts every task in the set; they stay in it until joined, and
    /// [`join_next`](JoinSet::join_next) then returns a cancelled
    /// [`JoinError`] for each (or its output, if it finished first).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(std::future::pending::<()>());
    /// set.abort_all();
    /// let err = set.join_next().await.unwrap().unwrap_err();
    /// assert!(err.is_cancelled());
    /// # }
    /// ```
    pub fn abort_all(&mut self) {
        for member in self.slots.iter().flatten() {
            member.handle.abort();
        }
    }

    /// Detaches every task: they keep running, and the set becomes empty.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async move { tx.send("still ran").unwrap() });
    /// set.detach_all();
    /// assert!(set.is_empty());
    /// drop(set); // would abort its tasks, but it has none now
    /// assert_eq!(rx.await.unwrap(), "still ran");
    /// # }
    /// ```
    pub fn detach_all(&mut self) {
        self.slots.clear();
        self.free.clear();
        self.len = 0;
        lock(&self.ready.list).indices.clear();
    }

    fn insert(&mut self, handle: JoinHandle<T>) {
        let index = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            self.slots.len() - 1
        });
        let wake = Arc::new(MemberWake {
            index,
            // Queued below: a new member must be polled once to register its waker.
            queued: AtomicBool::new(true),
            ready: self.ready.clone(),
        });
        self.slots[index] = Some(Member {
            handle,
            waker: Waker::from(wake.clone()),
            wake,
        });
        lock(&self.ready.list).indices.push_back(index);
        self.len += 1;
    }

    /// Waits for the next task to finish and returns its result; `None` when
    /// the set is empty. Results come in completion order, not spawn order.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::time::{sleep, Duration};
    ///
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async {
    ///     sleep(Duration::from_millis(20)).await;
    ///     "slow"
    /// });
    /// set.spawn(async { "fast" });
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), "fast");
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), "slow");
    /// assert!(set.join_next().await.is_none());
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe. A result is taken out of a task only in the poll that
    /// returns it; if the future is dropped before it completes, every
    /// finished task stays in the set with its output, and the next
    /// `join_next` returns it. It is fine to call in a `select!` loop.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Polls for the next finished task: the poll-based form of
    /// [`join_next`](JoinSet::join_next), for hand-written futures. `Ready(None)`
    /// when the set is empty; `Pending` otherwise until a task finishes, with
    /// `cx`'s waker woken then.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::future::poll_fn;
    ///
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async { 5 });
    /// let res = poll_fn(|cx| set.poll_join_next(cx)).await;
    /// assert_eq!(res.unwrap().unwrap(), 5);
    /// assert!(poll_fn(|cx| set.poll_join_next(cx)).await.is_none());
    /// # }
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        if self.len == 0 {
            return Poll::Ready(None);
        }
        let mut list = lock(&self.ready.list);
        if !list
            .parent
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            list.parent = Some(cx.waker().clone());
        }
        // At most the members ready now: a member that wakes itself again (its
        // task out of budget) is handled on the next call, after yielding.
        let mut budget = list.indices.len();
        while budget > 0 {
            budget -= 1;
            let Some(index) = list.indices.pop_front() else {
                break;
            };
            drop(list);
            if let Some(result) = self.poll_member(index) {
                return Poll::Ready(Some(result));
            }
            list = lock(&self.ready.list);
        }
        Poll::Pending
    }

    fn poll_member(&mut self, index: usize) -> Option<Result<T, JoinError>> {
        let member = self.slots.get_mut(index)?.as_mut()?;
        // Re-arm before polling so a wake during or after the poll is recorded.
        member.wake.queued.store(false, Release);
        let mut cx = Context::from_waker(&member.waker);
        match std::pin::Pin::new(&mut member.handle).poll(&mut cx) {
            Poll::Ready(result) => {
                self.slots[index] = None;
                self.free.push(index);
                self.len -= 1;
                Some(result)
            }
            Poll::Pending => None,
        }
    }

    /// Aborts every task and waits for all of them to finish; the set is then
    /// empty. Their outputs are dropped.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// for _ in 0..3 {
    ///     set.spawn(std::future::pending::<()>());
    /// }
    /// set.shutdown().await;
    /// assert!(set.is_empty());
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the tasks are aborted in the first poll, and each one
    /// leaves the set only when it is joined, so if the future is dropped
    /// the rest stay in the set (aborted); calling `shutdown` again, or
    /// `join_next`, finishes the job.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }
}

impl<T: Send + 'static> JoinSet<T> {
    /// Spawns a task onto the current runtime and adds it to the set. The
    /// returned [`AbortHandle`] cancels that one task.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// let forever = set.spawn(std::future::pending::<&str>());
    /// set.spawn(async { "done" });
    /// forever.abort();
    /// let mut results = Vec::new();
    /// while let Some(res) = set.join_next().await {
    ///     results.push(res.map_err(|e| e.is_cancelled()));
    /// }
    /// results.sort();
    /// assert_eq!(results, [Ok("done"), Err(true)]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
    {
        let handle = crate::spawn(future);
        let abort = handle.abort_handle();
        self.insert(handle);
        abort
    }

    /// Spawns a task onto the runtime of `handle` and adds it to the set.
    ///
    /// ```
    /// let other = runtime::Runtime::new().unwrap();
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = runtime::task::JoinSet::new();
    ///     set.spawn_on(async { std::thread::current().id() }, other.handle());
    ///     let ran_on = set.join_next().await.unwrap().unwrap();
    ///     assert_ne!(ran_on, std::thread::current().id()); // on `other`'s workers
    /// });
    /// ```
    pub fn spawn_on<F>(&mut self, future: F, handle: &crate::Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
    {
        let handle = handle.spawn(future);
        let abort = handle.abort_handle();
        self.insert(handle);
        abort
    }

    /// Runs a blocking closure on the blocking pool and adds it to the set.
    /// Aborting it has no effect once the closure has started.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// for i in 1..=3u64 {
    ///     set.spawn_blocking(move || (1..=i * 1000).sum::<u64>());
    /// }
    /// let mut sums = Vec::new();
    /// while let Some(res) = set.join_next().await {
    ///     sums.push(res.unwrap());
    /// }
    /// sums.sort();
    /// assert_eq!(sums, [500_500, 2_001_000, 4_501_500]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
    {
        let handle = crate::spawn_blocking(f);
        let abort = handle.abort_handle();
        self.insert(handle);
        abort
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len).finish()
    }
}
