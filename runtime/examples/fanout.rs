//! Fan-out / fan-in over thousands of tasks.
//!
//! Finds the number below 3,000,000 with the longest Collatz sequence by
//! splitting the range into 5,000 tasks. Each task yields to the scheduler
//! every 64 numbers, so tasks interleave and the workers steal from each other;
//! the results are fanned back in through a `JoinSet` in completion order.
//!
//! Run with `cargo run --release --example fanout`.

use runtime::task::{self, JoinSet};
use std::collections::HashSet;
use std::time::Instant;

const LIMIT: u64 = 3_000_000;
const TASKS: u64 = 5_000;
const YIELD_EVERY: u64 = 64;

/// Steps for `n` to reach 1 under the Collatz map.
fn collatz_len(mut n: u64) -> u32 {
    let mut steps = 0;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

struct ChunkResult {
    best: (u64, u32),
    thread: std::thread::ThreadId,
    yields: u64,
}

async fn chunk(start: u64, end: u64) -> ChunkResult {
    let mut best = (start, collatz_len(start));
    let mut yields = 0;
    for n in start..end {
        let len = collatz_len(n);
        if len > best.1 {
            best = (n, len);
        }
        if n % YIELD_EVERY == 0 {
            task::yield_now().await;
            yields += 1;
        }
    }
    let thread = std::thread::current().id();
    ChunkResult {
        best,
        thread,
        yields,
    }
}

#[runtime::main]
async fn main() {
    let started = Instant::now();
    let step = LIMIT / TASKS;
    let mut set = JoinSet::new();
    for i in 0..TASKS {
        let start = (i * step).max(1);
        let end = if i == TASKS - 1 {
            LIMIT
        } else {
            (i + 1) * step
        };
        set.spawn(chunk(start, end));
    }

    let mut best = (1, 0);
    let mut threads = HashSet::new();
    let mut joined = 0;
    let mut yields = 0;
    while let Some(result) = set.join_next().await {
        let result = result.expect("a chunk task failed");
        if result.best.1 > best.1 {
            best = result.best;
        }
        threads.insert(result.thread);
        yields += result.yields;
        joined += 1;
    }

    println!("tasks spawned and joined: {joined}");
    println!("yields between tasks:     {yields}");
    println!("worker threads used:      {}", threads.len());
    println!(
        "longest Collatz chain below {LIMIT}: {} ({} steps)",
        best.0, best.1
    );
    println!("elapsed:                  {:.2?}", started.elapsed());
    assert_eq!(joined, TASKS);
}
