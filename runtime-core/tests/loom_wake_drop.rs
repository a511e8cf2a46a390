//! Model-checked: a waker fired from outside the runtime (by value) racing the
//! runtime's drop, on both schedulers' queueing shapes
//! (`RUSTFLAGS="--cfg loom"`).
//!
//! A scheduler's `schedule` runs on `&self`, a borrow into the task cell (the
//! cell holds the scheduler handle). The model's runtime does what the real
//! ones do on drop: close, cancel every owned task, drain the queue, drop its
//! handle. Its `schedule` does what theirs do after handing the entry over:
//! the multi-thread one pushes onto the injector and then reads the shutdown
//! flag (draining again if it raced), the current-thread one pushes under the
//! remote lock and then unparks. Before each access to `self` after the
//! hand-over, `schedule` checks (through a flag it copied out beforehand)
//! whether the handle was dropped meanwhile; loom runs every interleaving, so
//! a window in which the task, and with it the runtime, can be freed under the
//! call is found, not hoped for. (Both models fail on the code before the fix
//! of issue 13, where the waker's reference moved into the queue entry.)
#![cfg(loom)]

use loom::sync::atomic::AtomicBool;
use loom::sync::atomic::AtomicUsize;
use loom::sync::{Arc, Mutex};
use loom::thread;
use runtime_core::{JoinHandle, Notified, OwnedTasks, Schedule, Task};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::SeqCst;
use std::task::{Context, Poll, Waker};

#[derive(Clone, Copy, PartialEq)]
enum Flavour {
    MultiThread,
    CurrentThread,
}

/// Outlives the runtime: what the test reads after it is gone. `freed` is a
/// loom atomic so that reading it is a point where loom may switch threads:
/// the check right after the hand-over sees every order of events.
#[derive(Default)]
struct Watch {
    freed: AtomicBool,
    used_after_free: AtomicUsize,
}

#[derive(Clone)]
struct Rt(Arc<Inner>);

struct Inner {
    flavour: Flavour,
    queue: Mutex<VecDeque<Notified<Rt>>>,
    closed: AtomicBool,
    owned: OwnedTasks<Rt>,
    watch: Arc<Watch>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.watch.freed.store(true, SeqCst);
    }
}

impl Rt {
    fn new(flavour: Flavour) -> (Rt, Arc<Watch>) {
        let watch = Arc::new(Watch::default());
        let rt = Rt(Arc::new(Inner {
            flavour,
            queue: Mutex::new(VecDeque::new()),
            closed: AtomicBool::new(false),
            owned: OwnedTasks::new(1),
            watch: watch.clone(),
        }));
        (rt, watch)
    }

    /// Pops and drops queued entries, the lock released before each drop (a
    /// drop can free the task and run its destructors).
    fn drain(&self, watch: &Watch) {
        loop {
            if watch.freed.load(SeqCst) {
                watch.used_after_free.fetch_add(1, SeqCst);
                return;
            }
            let task = self.0.queue.lock().unwrap().pop_front();
            match task {
                Some(task) => drop(task),
                None => return,
            }
        }
    }

    /// The runtime's drop: close, cancel the owned tasks, drain, let go.
    fn shut_down(self) {
        let watch = self.0.watch.clone();
        self.0.closed.store(true, SeqCst);
        self.0.owned.close_and_shutdown_all();
        self.drain(&watch);
    }
}

impl Schedule for Rt {
    fn schedule(&self, task: Notified<Self>) {
        let watch = self.0.watch.clone();
        match self.0.flavour {
            Flavour::MultiThread => {
                self.0.queue.lock().unwrap().push_back(task);
                // `push_remote`: the entry is out of our hands; the thread may
                // be descheduled before it reads the flag.
                thread::yield_now();
                if watch.freed.load(SeqCst) {
                    watch.used_after_free.fetch_add(1, SeqCst);
                    return;
                }
                if self.0.closed.load(SeqCst) {
                    self.drain(&watch);
                }
            }
            Flavour::CurrentThread => {
                let mut queue = self.0.queue.lock().unwrap();
                if self.0.closed.load(SeqCst) {
                    drop(queue);
                    return drop(task);
                }
                queue.push_back(task);
                drop(queue);
                // `unpark` after the push: a system call, where the thread can
                // be descheduled for as long as the others need to finish;
                // `yield_now` has loom run them here.
                thread::yield_now();
                if watch.freed.load(SeqCst) {
                    watch.used_after_free.fetch_add(1, SeqCst);
                    return;
                }
                let _ = self.0.closed.load(SeqCst);
            }
        }
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

/// Pending forever; keeps its latest waker in `slot`; counts its drops.
struct Parked {
    slot: std::sync::Arc<std::sync::Mutex<Option<Waker>>>,
    drops: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Future for Parked {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for Parked {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

fn wake_by_value_racing_runtime_drop(flavour: Flavour) {
    loom::model(move || {
        let (rt, watch) = Rt::new(flavour);
        let slot = std::sync::Arc::new(std::sync::Mutex::new(None));
        let drops = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let future = Parked {
            slot: slot.clone(),
            drops: drops.clone(),
        };
        let (task, notified, join): (_, _, JoinHandle<()>) =
            runtime_core::spawn(future, rt.clone());
        rt.0.owned.bind(task, notified).expect("open").run();
        // Only the owned list and the waker hold the task now.
        drop(join);
        let waker = slot.lock().unwrap().take().expect("polled once");

        let waking = thread::spawn(move || waker.wake());
        rt.shut_down();
        waking.join().unwrap();

        assert_eq!(
            watch.used_after_free.load(SeqCst),
            0,
            "the scheduler handle was freed while `schedule` still used it"
        );
        assert!(watch.freed.load(SeqCst), "the runtime was freed in the end");
        assert_eq!(drops.load(SeqCst), 1, "the future was dropped once");
    });
}

#[test]
fn wake_by_value_racing_multi_thread_runtime_drop() {
    wake_by_value_racing_runtime_drop(Flavour::MultiThread);
}

#[test]
fn wake_by_value_racing_current_thread_runtime_drop() {
    wake_by_value_racing_runtime_drop(Flavour::CurrentThread);
}
