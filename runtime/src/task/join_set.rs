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
    pub fn new() -> JoinSet<T> {
        JoinSet {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            ready: Arc::new(Ready::default()),
        }
    }

    /// Number of tasks in the set (finished ones count until joined).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the set holds no task.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Aborts every task in the set; they stay in it until joined.
    pub fn abort_all(&mut self) {
        for member in self.slots.iter().flatten() {
            member.handle.abort();
        }
    }

    /// Detaches every task: they keep running, and the set becomes empty.
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
    /// the set is empty.
    ///
    /// Cancel safety: cancel-safe. If the future is dropped before completing,
    /// no result is lost: every finished task stays in the set.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Polls for the next finished task; see [`JoinSet::join_next`].
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

    /// Aborts every task and waits for all of them to finish.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }
}

impl<T: Send + 'static> JoinSet<T> {
    /// Spawns a task onto the current runtime and adds it to the set.
    ///
    /// # Panics
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

    /// Spawns a task onto the given runtime and adds it to the set.
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
