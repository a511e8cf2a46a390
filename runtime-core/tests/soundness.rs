//! Regression tests for the two soundness bugs of issue 13, each reproduced
//! deterministically with a scheduler written for the purpose.
//!
//! 1. A scheduler's `schedule`/`yield_now` runs on `&self`, a borrow into the
//!    task cell. Once it has queued the entry, another thread may run or drop
//!    it; if that entry were the task's last reference the cell (and the
//!    scheduler handle in it) would be freed while the call still runs. The
//!    scheduler below drops the entry on another thread and then checks,
//!    without touching `self`, whether its handle was dropped meanwhile.
//! 2. `OwnedTasks::remove` with a task of another list must not unlink it.
#![cfg(not(loom))]

use runtime_core::{Notified, OwnedTasks, Schedule, Task};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// What the test watches, shared outside the scheduler handle.
#[derive(Default)]
struct Watch {
    /// The scheduler handle (hence the task cell holding it) was dropped.
    freed: AtomicBool,
    /// The handle was dropped while one of its own methods was still running.
    freed_during_call: AtomicUsize,
    calls: AtomicUsize,
}

/// A scheduler whose every queued entry is dropped at once on another thread,
/// as a runtime being dropped there would.
#[derive(Clone)]
struct DropOnOtherThread(Arc<Inner>);

struct Inner {
    watch: Arc<Watch>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.watch.freed.store(true, SeqCst);
    }
}

impl DropOnOtherThread {
    fn take_and_drop_elsewhere(&self, task: Notified<Self>) {
        // Everything needed after the hand-off is copied out first: if the
        // entry held the last reference, `self` dangles once it is dropped.
        let watch = self.0.watch.clone();
        watch.calls.fetch_add(1, SeqCst);
        std::thread::scope(|s| {
            s.spawn(move || drop(task));
        });
        if watch.freed.load(SeqCst) {
            watch.freed_during_call.fetch_add(1, SeqCst);
        }
    }
}

impl Schedule for DropOnOtherThread {
    fn schedule(&self, task: Notified<Self>) {
        self.take_and_drop_elsewhere(task);
    }

    fn yield_now(&self, task: Notified<Self>) {
        self.take_and_drop_elsewhere(task);
    }

    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }
}

/// Pending forever. Either stores its waker (the test wakes it by value), or
/// wakes itself on its first poll without keeping one (the poller re-queues
/// it through `yield_now`, with the poll's reference as the last one).
struct Park {
    slot: Arc<Mutex<Option<Waker>>>,
    yield_once: bool,
}

impl Future for Park {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::take(&mut self.yield_once) {
            cx.waker().wake_by_ref();
        } else {
            *self.slot.lock().unwrap() = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// Spawns a `Park` and keeps only its first queue entry: the owner reference
/// and the `JoinHandle` are dropped, so wakers and entries are all that hold
/// the task.
fn spawn_park(
    yield_once: bool,
) -> (
    Arc<Watch>,
    Arc<Mutex<Option<Waker>>>,
    Notified<DropOnOtherThread>,
) {
    let watch = Arc::new(Watch::default());
    let slot = Arc::new(Mutex::new(None));
    let sched = DropOnOtherThread(Arc::new(Inner {
        watch: watch.clone(),
    }));
    let future = Park {
        slot: slot.clone(),
        yield_once,
    };
    let (task, notified, join) = runtime_core::spawn(future, sched);
    drop(task);
    drop(join);
    (watch, slot, notified)
}

#[test]
fn wake_by_value_keeps_the_task_alive_until_schedule_returns() {
    let (watch, slot, notified) = spawn_park(false);
    notified.run();
    let waker = slot.lock().unwrap().take().expect("polled once");
    assert!(!watch.freed.load(SeqCst), "the waker holds the task");
    // The waker holds the task's only reference; waking consumes it.
    waker.wake();
    assert_eq!(watch.calls.load(SeqCst), 1, "the wake queued the task");
    assert_eq!(
        watch.freed_during_call.load(SeqCst),
        0,
        "the task was freed while its scheduler's `schedule` still ran"
    );
    assert!(watch.freed.load(SeqCst), "freed once the wake returned");
}

#[test]
fn self_wake_keeps_the_task_alive_until_yield_now_returns() {
    let (watch, _slot, notified) = spawn_park(true);
    // The poll's reference is the only one left when the task re-queues itself.
    notified.run();
    assert_eq!(
        watch.calls.load(SeqCst),
        1,
        "the self-wake re-queued the task"
    );
    assert_eq!(
        watch.freed_during_call.load(SeqCst),
        0,
        "the task was freed while its scheduler's `yield_now` still ran"
    );
    assert!(watch.freed.load(SeqCst), "freed once the poll returned");
}

/// A scheduler for the `OwnedTasks` test: a plain list, nothing queued.
#[derive(Clone)]
struct ListOnly(Arc<OwnedTasks<ListOnly>>);

impl Schedule for ListOnly {
    fn schedule(&self, task: Notified<Self>) {
        drop(task);
    }
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.remove(task)
    }
}

#[test]
fn remove_refuses_a_task_of_another_list() {
    let a = ListOnly(Arc::new(OwnedTasks::new(1)));
    let b: OwnedTasks<ListOnly> = OwnedTasks::new(1);
    let (task, notified, join) = runtime_core::spawn(std::future::pending::<()>(), a.clone());
    let notified = a.0.bind(task, notified).expect("list is open");
    assert_eq!((a.0.len(), b.len()), (1, 0));

    let err = catch_unwind(AssertUnwindSafe(|| b.remove(notified.task())))
        .expect_err("removing a task from a list it is not in must panic");
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(msg.contains("belongs to another list"), "message: {msg}");
    assert_eq!(
        (a.0.len(), b.len()),
        (1, 0),
        "neither list changed: the task is still linked in its own"
    );

    // Its own list still removes it, once.
    let owned = a.0.remove(notified.task()).expect("linked in `a`");
    assert!(a.0.remove(notified.task()).is_none(), "already taken out");
    assert_eq!(a.0.len(), 0);
    drop(owned);
    drop(notified);
    drop(join);
}

#[test]
fn remove_after_shutdown_returns_none() {
    let a = ListOnly(Arc::new(OwnedTasks::new(1)));
    let (task, notified, join) = runtime_core::spawn(std::future::pending::<()>(), a.clone());
    let notified = a.0.bind(task, notified).expect("list is open");
    a.0.close_and_shutdown_all();
    assert!(a.0.remove(notified.task()).is_none());
    assert_eq!(a.0.len(), 0);
    drop(notified);
    drop(join);
}
