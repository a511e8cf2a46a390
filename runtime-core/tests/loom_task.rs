//! Model-checked races on the task state word (`RUSTFLAGS="--cfg loom"`).
//!
//! Each model explores every interleaving of the threads it starts, checking
//! that a future is polled and dropped the right number of times, that the
//! output is delivered or dropped exactly once, and that the task allocation is
//! freed (its scheduler clone is released) once every reference is gone.
#![cfg(loom)]

use loom::sync::{Arc, Mutex};
use loom::thread;
use runtime_core::{JoinHandle, Notified, OwnedTasks, Schedule, Task};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll, Waker};

#[derive(Clone)]
struct Sched(Arc<Inner>);

struct Inner {
    queue: Mutex<VecDeque<Notified<Sched>>>,
    owned: OwnedTasks<Sched>,
}

impl Schedule for Sched {
    fn schedule(&self, task: Notified<Self>) {
        if self.0.owned.is_closed() {
            return drop(task);
        }
        self.0.queue.lock().unwrap().push_back(task);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.owned.remove(task)
    }
}

impl Sched {
    fn new() -> Sched {
        Sched(Arc::new(Inner {
            queue: Mutex::new(VecDeque::new()),
            owned: OwnedTasks::new(1),
        }))
    }

    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, notified, join) = runtime_core::spawn(future, self.clone());
        let notified = self.0.owned.bind(task, notified).expect("list is open");
        self.schedule(notified);
        join
    }

    /// Runs queued tasks until the queue is empty.
    fn run_all(&self) {
        loop {
            let task = self.0.queue.lock().unwrap().pop_front();
            match task {
                Some(task) => task.run(),
                None => break,
            }
        }
    }

    fn shutdown(&self) {
        self.0.owned.close_and_shutdown_all();
        let queued: Vec<_> = self.0.queue.lock().unwrap().drain(..).collect();
        drop(queued);
    }

    /// True once every task has been freed: each held a clone of the scheduler.
    fn all_tasks_freed(&self) -> bool {
        Arc::strong_count(&self.0) == 1
    }
}

/// Counts polls and drops; completes on poll number `ready_on` (0 = never),
/// keeping the latest waker in `slot`.
struct Probe {
    polls: std::sync::Arc<AtomicUsize>,
    drops: std::sync::Arc<AtomicUsize>,
    ready_on: usize,
    slot: std::sync::Arc<std::sync::Mutex<Option<Waker>>>,
}

#[derive(Clone, Default)]
struct Counters {
    polls: std::sync::Arc<AtomicUsize>,
    drops: std::sync::Arc<AtomicUsize>,
    slot: std::sync::Arc<std::sync::Mutex<Option<Waker>>>,
}

impl Counters {
    fn probe(&self, ready_on: usize) -> Probe {
        Probe {
            polls: self.polls.clone(),
            drops: self.drops.clone(),
            ready_on,
            slot: self.slot.clone(),
        }
    }

    fn waker(&self) -> Waker {
        self.slot.lock().unwrap().clone().expect("task was polled")
    }
}

impl Future for Probe {
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let n = self.polls.fetch_add(1, SeqCst) + 1;
        if n == self.ready_on {
            return Poll::Ready(n);
        }
        *self.slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
    }
}

fn try_join<T>(join: &mut JoinHandle<T>) -> Poll<Result<T, runtime_core::JoinError>> {
    Pin::new(join).poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn wake_racing_completion() {
    loom::model(|| {
        let sched = Sched::new();
        let c = Counters::default();
        let mut join = sched.spawn(c.probe(2));
        sched.run_all(); // first poll: Pending
        let (w1, w2) = (c.waker(), c.waker());
        *c.slot.lock().unwrap() = None;

        let t1 = thread::spawn(move || w1.wake());
        let s = sched.clone();
        let t2 = thread::spawn(move || {
            s.run_all();
            w2.wake();
        });
        sched.run_all();
        t1.join().unwrap();
        t2.join().unwrap();
        sched.run_all();

        assert_eq!(
            c.polls.load(SeqCst),
            2,
            "polled once per wake, never after completion"
        );
        assert_eq!(c.drops.load(SeqCst), 1);
        match try_join(&mut join) {
            Poll::Ready(Ok(out)) => assert_eq!(out, 2),
            other => panic!("expected the output, got {other:?}"),
        }
        drop(join);
        sched.shutdown();
        assert!(sched.all_tasks_freed());
    });
}

#[test]
fn abort_racing_poll() {
    loom::model(|| {
        let sched = Sched::new();
        let c = Counters::default();
        let mut join = sched.spawn(c.probe(0));
        sched.run_all();
        let abort = join.abort_handle();
        let waker = c.waker();
        *c.slot.lock().unwrap() = None;

        let t = thread::spawn(move || abort.abort());
        waker.wake();
        sched.run_all();
        t.join().unwrap();
        sched.run_all();

        assert_eq!(c.drops.load(SeqCst), 1, "future dropped exactly once");
        match try_join(&mut join) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("expected cancellation, got {other:?}"),
        }
        drop(join);
        sched.shutdown();
        // A second poll (woken before the abort landed) stored a waker: a reference.
        *c.slot.lock().unwrap() = None;
        assert!(sched.all_tasks_freed());
    });
}

#[test]
fn join_handle_drop_racing_completion() {
    struct Output(std::sync::Arc<AtomicUsize>);
    impl Drop for Output {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    loom::model(|| {
        let sched = Sched::new();
        let dropped = std::sync::Arc::new(AtomicUsize::new(0));
        let d = dropped.clone();
        let join = sched.spawn(async move { Output(d) });

        let t = thread::spawn(move || drop(join));
        sched.run_all();
        t.join().unwrap();

        assert_eq!(dropped.load(SeqCst), 1, "output dropped exactly once");
        sched.shutdown();
        assert!(sched.all_tasks_freed());
    });
}

#[test]
fn join_waker_registration_racing_completion() {
    loom::model(|| {
        let sched = Sched::new();
        let c = Counters::default();
        let mut join = sched.spawn(c.probe(2));
        sched.run_all();
        let waker = c.waker();
        *c.slot.lock().unwrap() = None;

        let s = sched.clone();
        let t = thread::spawn(move || {
            waker.wake();
            s.run_all();
        });
        // Registers the join waker while the task may be completing.
        let first = try_join(&mut join);
        t.join().unwrap();
        let out = match first {
            Poll::Ready(out) => out,
            Poll::Pending => match try_join(&mut join) {
                Poll::Ready(out) => out,
                Poll::Pending => panic!("task completed but its output is not readable"),
            },
        };
        assert_eq!(out.unwrap(), 2);
        drop(join);
        sched.shutdown();
        assert!(sched.all_tasks_freed());
    });
}

#[test]
fn wake_from_another_thread_after_shutdown() {
    loom::model(|| {
        let sched = Sched::new();
        let c = Counters::default();
        let mut join = sched.spawn(c.probe(0));
        sched.run_all();
        let waker = c.waker();
        *c.slot.lock().unwrap() = None;

        let t = thread::spawn(move || waker.wake());
        sched.shutdown();
        t.join().unwrap();
        // A wake that slipped in before the close flag was seen is dropped here.
        sched.shutdown();

        assert_eq!(c.drops.load(SeqCst), 1);
        match try_join(&mut join) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("expected cancellation, got {other:?}"),
        }
        drop(join);
        assert!(sched.all_tasks_freed());
    });
}
