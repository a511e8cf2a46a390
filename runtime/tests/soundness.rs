//! A plain thread wakes a task (by value) while the thread that owns its
//! runtime or `LocalSet` drops it: the wake must never touch freed memory.
//!
//! The window is a few instructions wide, so these tests alone rarely land in
//! it: they are here for the memory checkers. Under AddressSanitizer and
//! valgrind (both run in CI) any access to the freed scheduler is reported.
//! The same window is reproduced deterministically, and model-checked on both
//! schedulers' shapes, in runtime-core (`tests/soundness.rs`,
//! `tests/loom_wake_drop.rs`).
#![cfg(feature = "full")]

use runtime::task::LocalSet;
use runtime::{Builder, Runtime};
use std::future::poll_fn;
use std::sync::{Arc, Barrier, Mutex};
use std::task::{Poll, Waker};
use std::thread;

/// Rounds per case: enough for the thread start-up jitter to move the wake
/// across the whole drop in some rounds; small enough for valgrind.
const ROUNDS: usize = 50;

type Slot = Arc<Mutex<Option<Waker>>>;

/// A future that stays pending and leaves its waker in `slot`.
fn parked(slot: Slot) -> impl std::future::Future<Output = ()> {
    poll_fn(move |cx| {
        *slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    })
}

/// Waits until the task stored its waker, then takes it: from then on the
/// waker is the only thing outside the runtime that holds the task.
fn take_waker(slot: &Slot) -> Waker {
    loop {
        if let Some(w) = slot.lock().unwrap().take() {
            return w;
        }
        thread::yield_now();
    }
}

/// Starts a thread that wakes `waker` by value as soon as `drop_it` starts.
fn race(waker: Waker, drop_it: impl FnOnce()) {
    let start = Arc::new(Barrier::new(2));
    let go = start.clone();
    let waking = thread::spawn(move || {
        go.wait();
        waker.wake();
    });
    start.wait();
    drop_it();
    waking.join().expect("the waking thread panicked");
}

fn race_runtime(build: impl Fn() -> Runtime) {
    for _ in 0..ROUNDS {
        let rt = build();
        let slot = Slot::default();
        // Detached: after the first poll the runtime's list and the waker
        // are the task's only references.
        drop(rt.spawn(parked(slot.clone())));
        // A current-thread runtime polls it here; a multi-thread one anyway.
        rt.block_on(runtime::task::yield_now());
        let waker = take_waker(&slot);
        race(waker, move || drop(rt));
    }
}

#[test]
fn wake_from_a_plain_thread_racing_multi_thread_runtime_drop() {
    race_runtime(|| {
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
    });
}

#[test]
fn wake_from_a_plain_thread_racing_current_thread_runtime_drop() {
    race_runtime(|| Builder::new_current_thread().build().unwrap());
}

#[test]
fn wake_from_a_plain_thread_racing_local_set_drop() {
    let rt = Builder::new_current_thread().build().unwrap();
    for _ in 0..ROUNDS {
        let local = LocalSet::new();
        let slot = Slot::default();
        drop(local.spawn_local(parked(slot.clone())));
        // One turn of the set polls the task once.
        rt.block_on(local.run_until(async {
            runtime::task::yield_now().await;
        }));
        let waker = take_waker(&slot);
        race(waker, move || drop(local));
    }
}
