//! `JoinSet`: a set of spawned tasks, awaited in completion order.
//!
//! Each member is polled with its own waker, which records the member in a
//! ready list and wakes whoever awaits `join_next`; so `join_next` polls only
//! the members that made progress, O(1) per completion however large the set.

use super::{AbortHandle, Id, JoinError, JoinHandle};
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

    /// Adds a spawned task to the set; returns its abort handle.
    pub(super) fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
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
        abort
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
        self.poll_join_next_with_id(cx)
            .map(|res| res.map(|res| res.map(|(_, output)| output)))
    }

    /// As [`poll_join_next`](JoinSet::poll_join_next), with the finished
    /// task's [`Id`] alongside its output (a [`JoinError`] carries its own).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use std::future::poll_fn;
    ///
    /// let mut set = runtime::task::JoinSet::new();
    /// let id = set.spawn(async { 5 }).id();
    /// let (got, out) = poll_fn(|cx| set.poll_join_next_with_id(cx)).await.unwrap().unwrap();
    /// assert_eq!((got, out), (id, 5));
    /// # }
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
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

    /// Waits for the next task to finish, as [`join_next`](JoinSet::join_next),
    /// and returns its [`Id`] with its output.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// let ok = set.spawn(async { "ok" }).id();
    /// let boom = set.spawn(async { panic!("boom") }).id();
    /// let mut seen = Vec::new();
    /// while let Some(res) = set.join_next_with_id().await {
    ///     match res {
    ///         Ok((id, out)) => seen.push((id, Some(out))),
    ///         Err(err) => seen.push((err.id(), None)),
    ///     }
    /// }
    /// seen.sort();
    /// let mut want = vec![(ok, Some("ok")), (boom, None)];
    /// want.sort();
    /// assert_eq!(seen, want);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`join_next`](JoinSet::join_next).
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Returns the result of a task that has already finished, without
    /// waiting; `None` when none has (or the set is empty). Not budgeted:
    /// being synchronous, it never has to yield.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// assert!(set.try_join_next().is_none()); // it has not run yet
    /// while set.try_join_next().map(|r| assert_eq!(r.unwrap(), 1)).is_none() {
    ///     runtime::task::yield_now().await;
    /// }
    /// assert!(set.is_empty());
    /// # }
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id()
            .map(|res| res.map(|(_, output)| output))
    }

    /// As [`try_join_next`](JoinSet::try_join_next), with the finished
    /// task's [`Id`] alongside its output.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// let id = set.spawn(async { 1 }).id();
    /// loop {
    ///     if let Some(res) = set.try_join_next_with_id() {
    ///         assert_eq!(res.unwrap(), (id, 1));
    ///         break;
    ///     }
    ///     runtime::task::yield_now().await;
    /// }
    /// # }
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        // Only the members woken since their last poll can have finished;
        // each is polled once (a member still pending re-queues itself when
        // its task wakes it).
        let count = lock(&self.ready.list).indices.len();
        for _ in 0..count {
            let index = lock(&self.ready.list).indices.pop_front()?;
            // Outside the budget: a spent budget must not hide a result.
            if let Some(result) = runtime_core::coop::unconstrained(|| self.poll_member(index)) {
                return Some(result);
            }
        }
        None
    }

    fn poll_member(&mut self, index: usize) -> Option<Result<(Id, T), JoinError>> {
        let member = self.slots.get_mut(index)?.as_mut()?;
        // Re-arm before polling so a wake during or after the poll is recorded.
        member.wake.queued.store(false, Release);
        let mut cx = Context::from_waker(&member.waker);
        match std::pin::Pin::new(&mut member.handle).poll(&mut cx) {
            Poll::Ready(result) => {
                let id = member.handle.id();
                self.slots[index] = None;
                self.free.push(index);
                self.len -= 1;
                Some(result.map(|output| (id, output)))
            }
            Poll::Pending => None,
        }
    }

    /// Waits for every task and returns their outputs, in completion order.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = runtime::task::JoinSet::new();
    /// for i in 0..4u32 {
    ///     set.spawn(async move { i * 10 });
    /// }
    /// let mut outputs = set.join_all().await;
    /// outputs.sort();
    /// assert_eq!(outputs, [0, 10, 20, 30]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If a task panicked, with that task's panic payload; if one was
    /// cancelled, with its [`JoinError`]. The tasks left in the set are then
    /// aborted, as the set is dropped.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::with_capacity(self.len);
        while let Some(res) = self.join_next().await {
            match res {
                Ok(output) => outputs.push(output),
                Err(err) => match err.try_into_panic() {
                    Ok(payload) => std::panic::resume_unwind(payload),
                    Err(err) => panic!("{err}"),
                },
            }
        }
        outputs
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
