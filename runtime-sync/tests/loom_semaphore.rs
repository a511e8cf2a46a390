//! Loom models of the semaphore: permits are conserved and no waiter is
//! stranded under every interleaving of acquire, release, cancellation and
//! close. Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-sync --release --test loom_semaphore`.
#![cfg(loom)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};

use loom::future::block_on;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;
use runtime_sync::Semaphore;

struct Noop;

impl Wake for Noop {
    fn wake(self: std::sync::Arc<Self>) {}
}

fn noop_waker() -> Waker {
    Waker::from(std::sync::Arc::new(Noop))
}

/// Polls `fut` once and drops it; returns whether it was ready.
fn poll_once_then_drop<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = pin!(fut);
    let waker = noop_waker();
    match fut.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// `loom::model` with a preemption bound of 3 (unless `LOOM_MAX_PREEMPTIONS`
/// is set), which keeps each model to seconds while still covering every
/// interleaving with up to three forced context switches.
fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

#[test]
fn acquire_release_is_exclusive_and_conserves_permits() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let sem = Arc::clone(&sem);
                let inside = Arc::clone(&inside);
                thread::spawn(move || {
                    let permit = block_on(sem.acquire()).unwrap();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    drop(permit);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn dropping_a_waiting_acquire_hands_permits_on() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.try_acquire().unwrap();
        held.forget();

        // A waiter that gets the permit eventually, whatever the cancelled
        // one did with it.
        let s = Arc::clone(&sem);
        let waiter = thread::spawn(move || drop(block_on(s.acquire()).unwrap()));
        // The releasing side.
        let s = Arc::clone(&sem);
        let releaser = thread::spawn(move || s.add_permits(1));

        // Cancelled after one poll: it may have been granted the permit
        // (then it must return it) or be queued (then it must leave).
        if let Some(permit) = poll_once_then_drop(sem.acquire()) {
            drop(permit.unwrap());
        }

        releaser.join().unwrap();
        waiter.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn partially_assigned_permits_return_when_the_waiter_is_dropped() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let s = Arc::clone(&sem);
        // Releases one permit while the big waiter may be partially served.
        let t = thread::spawn(move || {
            let p = block_on(s.acquire()).unwrap();
            drop(p);
        });
        if let Some(r) = poll_once_then_drop(sem.acquire_many(2)) {
            // Only possible once `add_permits` below... which runs after.
            panic!("acquired 2 of 1 permits: {r:?}");
        }
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
        // A later acquire_many is served by the released permits.
        sem.add_permits(1);
        drop(sem.try_acquire_many(2).unwrap());
        assert_eq!(sem.available_permits(), 2);
    });
}

#[test]
fn close_wakes_waiters_and_keeps_permits() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let s = Arc::clone(&sem);
        let waiter = thread::spawn(move || block_on(s.acquire_many(2)).map(|p| p.forget()));
        let s = Arc::clone(&sem);
        let adder = thread::spawn(move || s.add_permits(1));
        sem.close();
        // The waiter never gets 2 permits: only 1 exists. It must fail, not
        // hang.
        assert!(waiter.join().unwrap().is_err());
        adder.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}
