//! A task forced to yield by its cooperative budget is woken only after the
//! scheduler's next look at I/O, so it goes *behind* the tasks that look
//! wakes, as in Tokio (which defers it the same way). Woken at once, it was
//! queued ahead of them, and a CPU-heavy task that yields only through the
//! budget made every request that arrived meanwhile wait one more budget's
//! worth of its work (the `+hog` rows of `benches/benches/latency.rs`).
//! Nor is it put back by the look its forced yield triggers: it waits until
//! the scheduler's queues run dry or its next regular look, so work queued
//! from other threads runs first.
#![cfg(feature = "full")]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::UnixStream;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Arc;

/// Readers waiting on sockets when they become readable.
const READERS: usize = 3;
/// Budget units per poll (Tokio's, and ours).
const BUDGET: u32 = 128;

/// In one task: start `READERS` readers, each waiting for one byte on a
/// socket; make every socket readable; then count up, spending one unit of
/// budget per step, until every reader has run. Returns the count each
/// reader saw when it ran.
async fn counts_seen_by_readers() -> Vec<u32> {
    let count = Arc::new(AtomicU32::new(0));
    let mut readers = Vec::new();
    let mut writers = Vec::new();
    for _ in 0..READERS {
        let (mut rx, tx) = UnixStream::pair().unwrap();
        let count = count.clone();
        readers.push(runtime::spawn(async move {
            let mut byte = [0_u8; 1];
            rx.read_exact(&mut byte).await.unwrap();
            count.load(SeqCst)
        }));
        writers.push(tx);
    }
    // The readers run (and find nothing to read) before this task goes on.
    runtime::task::yield_now().await;
    for tx in &mut writers {
        tx.write_all(b"x").await.unwrap();
    }
    // CPU-bound from here: yields only when the budget runs out.
    let mut step = 0;
    while readers.iter().any(|r| !r.is_finished()) {
        step += 1;
        count.store(step, SeqCst);
        runtime::task::consume_budget().await;
        assert!(step < 100 * BUDGET, "the readers never ran");
    }
    let mut seen = Vec::new();
    for r in readers {
        seen.push(r.await.unwrap());
    }
    seen
}

/// Every reader ran at the first yield after the sockets became readable:
/// within the first budget, not after a second one.
fn check(seen: &[u32]) {
    assert_eq!(seen.len(), READERS);
    for &count in seen {
        assert!(
            count <= BUDGET + 1,
            "a reader ran only after the busy task's second budget: counts {seen:?}"
        );
    }
}

#[test]
fn budget_yield_goes_behind_io_current_thread() {
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let seen = rt.block_on(async { runtime::spawn(counts_seen_by_readers()).await.unwrap() });
    check(&seen);
}

#[test]
fn budget_yield_goes_behind_io_multi_thread() {
    // One worker, so the order is deterministic.
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let seen = rt.block_on(async { runtime::spawn(counts_seen_by_readers()).await.unwrap() });
    check(&seen);
}

/// A task forced to yield by its budget is not put back at the look that
/// follows (as it was before): it waits while other work is there, here a
/// task spawned from another thread (in the injector or remote queue, which
/// the scheduler takes from when its own queue is empty, or every 31 ticks).
/// Put back at once, the busy task filled the queue again, and the spawned
/// task waited up to 31 of its budgets. One worker (or the current-thread
/// scheduler, driven by a thread of its own here), so the order is
/// deterministic.
fn injected_work_runs_before_the_busy_task_resumes(rt: runtime::runtime::Runtime, flavour: &str) {
    let rt = Arc::new(rt);
    let steps = Arc::new(AtomicU32::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy = {
        let (steps, stop) = (steps.clone(), stop.clone());
        rt.spawn(async move {
            while !stop.load(SeqCst) {
                // About 20 µs a step: a budget is a few milliseconds.
                let until = std::time::Instant::now() + std::time::Duration::from_micros(20);
                while std::time::Instant::now() < until {
                    std::hint::spin_loop();
                }
                steps.fetch_add(1, SeqCst);
                runtime::task::consume_budget().await;
            }
        })
    };
    // A current-thread runtime runs its tasks only inside `block_on`.
    let driver = {
        let (rt, stop) = (rt.clone(), stop.clone());
        std::thread::spawn(move || {
            rt.block_on(async move {
                while !stop.load(SeqCst) {
                    runtime::time::sleep(std::time::Duration::from_millis(1)).await;
                }
            })
        })
    };
    // Let the busy task get going: a few budgets.
    while steps.load(SeqCst) < 3 * BUDGET {
        std::thread::yield_now();
    }
    let mut waited = Vec::new();
    for _ in 0..5 {
        let at_spawn = steps.load(SeqCst);
        let seen = {
            let steps = steps.clone();
            let (tx, rx) = std::sync::mpsc::channel();
            rt.spawn(async move { tx.send(steps.load(SeqCst)).unwrap() });
            rx.recv().unwrap()
        };
        waited.push(seen - at_spawn);
    }
    stop.store(true, SeqCst);
    driver.join().unwrap();
    drop(busy);
    // The rest of the budget in progress, and one more if the spawn landed
    // just as the busy task was put back by a regular look.
    assert!(
        waited.iter().all(|&w| w <= 2 * BUDGET + 1),
        "{flavour}: a task spawned from another thread waited for more than two budgets of the busy task: {waited:?} steps"
    );
}

#[test]
fn budget_yield_lets_injected_work_run_first() {
    let multi = runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    injected_work_runs_before_the_busy_task_resumes(multi, "multi_thread");
    let current = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    injected_work_runs_before_the_busy_task_resumes(current, "current_thread");
}

/// Inside a simulation run from a runtime's task, a simulated task that
/// runs out of budget is woken by the simulation at once (not deferred to
/// the runtime around it, which cannot run until the simulation returns).
#[cfg(feature = "sim")]
#[runtime::test]
async fn budget_yield_inside_a_simulation_in_a_runtime_task() {
    let mut sim = runtime::sim::Builder::new().seed(3).build().unwrap();
    sim.client("c", async {
        let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
        for i in 0..(4 * BUDGET) {
            tx.send(i).unwrap();
        }
        drop(tx);
        let mut got = 0;
        while let Some(i) = rx.recv().await {
            assert_eq!(i, got);
            got += 1;
        }
        assert_eq!(got, 4 * BUDGET);
    });
    sim.run().unwrap();
}
