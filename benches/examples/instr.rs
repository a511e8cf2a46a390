//! Instruction counts, for `benches/callgrind.sh`: one workload, on one
//! runtime, `N` times, on a current-thread runtime, so that valgrind's
//! instruction count is repeatable on a noisy machine (criterion's times are
//! not). The script runs each workload with `N` and `2N` and reports the
//! difference divided by `N`: the cost of one iteration, without the setup.
//!
//! `cargo run --release -p benches --example instr -- WORKLOAD RUNTIME N`
//! with RUNTIME `runtime` or `tokio`; WORKLOAD one of the names in `run`.
//! A workload name ending in `_mt` runs that shape on a 2-worker runtime
//! instead (not for callgrind: for `perf stat`/`perf record`, whose counts
//! on several threads vary from run to run). `INSTR_TRACK=1` turns our
//! runtime's per-task tracking on (`Builder::task_tracking`).
//! `PAD=<words>` (1-4) grows `spawn_many_local_mt`'s tasks by that many
//! 8-byte words, to see what the allocator's size classes do to it.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

/// Polls `future` once with the current task's context.
async fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    let mut future = future;
    poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await
}

/// The workloads, written once over the runtime crate `$rt`.
macro_rules! workloads {
    ($name:ident, $rt:ident, $build:expr, $build_mt:expr) => {
        mod $name {
            use super::*;
            use $rt::sync::mpsc;
            use $rt::time::{sleep, timeout};

            /// One task spawns `n` tasks, each carrying `PAD` extra words.
            fn spawn_many_local<const PAD: usize>(rt: &$rt::runtime::Runtime, n: usize) {
                let (done_tx, done_rx) = std::sync::mpsc::sync_channel(1);
                let left = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(n));
                rt.spawn(async move {
                    for _ in 0..n {
                        let (left, done_tx) = (left.clone(), done_tx.clone());
                        let pad = [0u64; PAD];
                        let fut = async move {
                            std::hint::black_box(&pad);
                            let last = left.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
                            if last == 1 {
                                done_tx.send(()).unwrap();
                            }
                        };
                        $rt::spawn(fut);
                    }
                });
                done_rx.recv().unwrap();
            }

            /// 4 producer tasks send `n` values in all through a bounded
            /// (1,024) or unbounded channel to a consumer in `block_on`.
            fn mpsc_block_on(rt: &$rt::runtime::Runtime, n: usize, bounded: bool) {
                let (btx, mut brx) = mpsc::channel::<usize>(1024);
                let (utx, mut urx) = mpsc::unbounded_channel::<usize>();
                for p in 0..4 {
                    let (btx, utx) = (btx.clone(), utx.clone());
                    let count = n / 4 + usize::from(p < n % 4);
                    rt.spawn(async move {
                        for i in 0..count {
                            if bounded {
                                btx.send(i).await.unwrap();
                            } else {
                                utx.send(i).unwrap();
                            }
                        }
                    });
                }
                drop((btx, utx));
                let received = rt.block_on(async {
                    let mut received = 0;
                    if bounded {
                        while brx.recv().await.is_some() {
                            received += 1;
                        }
                    } else {
                        while urx.recv().await.is_some() {
                            received += 1;
                        }
                    }
                    received
                });
                assert_eq!(received, n);
            }

            pub fn run(workload: &str, n: usize) {
                if let Some(shape) = workload.strip_suffix("_mt") {
                    // The same shape on a 2-worker runtime, for `perf`.
                    let rt = $build_mt;
                    return match shape {
                        "mpsc_bounded_block_on" => mpsc_block_on(&rt, n, true),
                        "mpsc_unbounded_block_on" => mpsc_block_on(&rt, n, false),
                        // `scheduler.rs`'s shape: one task spawns `n` tasks.
                        "spawn_many_local" => {
                            // `PAD=<words>` (0-4) grows each task by that many
                            // 8-byte words, to try the allocator's size classes.
                            match std::env::var("PAD").ok().and_then(|p| p.parse().ok()) {
                                Some(1) => spawn_many_local::<1>(&rt, n),
                                Some(2) => spawn_many_local::<2>(&rt, n),
                                Some(3) => spawn_many_local::<3>(&rt, n),
                                Some(4) => spawn_many_local::<4>(&rt, n),
                                _ => spawn_many_local::<0>(&rt, n),
                            }
                        }
                        // `scheduler.rs`'s shape: each task spawns the next, `n` deep.
                        "chained_spawn" => {
                            fn link(left: usize, done: std::sync::mpsc::SyncSender<()>) {
                                if left == 0 {
                                    return done.send(()).unwrap();
                                }
                                $rt::spawn(async move { link(left - 1, done) });
                            }
                            let (done_tx, done_rx) = std::sync::mpsc::sync_channel(1);
                            rt.spawn(async move { link(n, done_tx) });
                            done_rx.recv().unwrap();
                        }
                        // 200 tasks yield `n / 200` times each.
                        "yield_many" => {
                            let handles: Vec<_> = (0..200)
                                .map(|_| {
                                    rt.spawn(async move {
                                        for _ in 0..n / 200 {
                                            $rt::task::yield_now().await;
                                        }
                                    })
                                })
                                .collect();
                            rt.block_on(async {
                                for h in handles {
                                    h.await.unwrap();
                                }
                            });
                        }
                        other => panic!("unknown workload {other:?}_mt"),
                    };
                }
                let rt = $build;
                match workload {
                    "mpsc_bounded_block_on" => mpsc_block_on(&rt, n, true),
                    "mpsc_unbounded_block_on" => mpsc_block_on(&rt, n, false),
                    "block_on" => {
                        for i in 0..n {
                            assert_eq!(rt.block_on(async move { i }), i);
                        }
                    }
                    "spawn" => rt.block_on(async {
                        let handles: Vec<_> =
                            (0..n).map(|i| $rt::spawn(async move { i })).collect();
                        for (i, h) in handles.into_iter().enumerate() {
                            assert_eq!(h.await.unwrap(), i);
                        }
                    }),
                    "yield" => rt.block_on(async {
                        for _ in 0..n {
                            $rt::task::yield_now().await;
                        }
                    }),
                    // `yield_many`'s step: a spawned task (not the `block_on`
                    // future) yields `n` times.
                    "task_yield" => rt.block_on(async {
                        $rt::spawn(async move {
                            for _ in 0..n {
                                $rt::task::yield_now().await;
                            }
                        })
                        .await
                        .unwrap();
                    }),
                    "sleep_cancel" => rt.block_on(async {
                        for _ in 0..n {
                            let mut timer = pin!(sleep(Duration::from_secs(10)));
                            assert!(poll_once(timer.as_mut()).await.is_pending());
                        }
                    }),
                    "timeout_ready" => rt.block_on(async {
                        for i in 0..n {
                            let v = timeout(Duration::from_secs(10), async move { i }).await;
                            assert_eq!(v.unwrap(), i);
                        }
                    }),
                    "mpsc_ping_pong" => rt.block_on(async {
                        let (ping_tx, mut ping_rx) = mpsc::channel::<usize>(1);
                        let (pong_tx, mut pong_rx) = mpsc::channel::<usize>(1);
                        let echo = $rt::spawn(async move {
                            while let Some(v) = ping_rx.recv().await {
                                pong_tx.send(v).await.unwrap();
                            }
                        });
                        for i in 0..n {
                            ping_tx.send(i).await.unwrap();
                            assert_eq!(pong_rx.recv().await, Some(i));
                        }
                        drop(ping_tx);
                        echo.await.unwrap();
                    }),
                    other => panic!("unknown workload {other:?}"),
                }
            }
        }
    };
}

workloads!(
    on_runtime,
    runtime,
    runtime::Builder::new_current_thread()
        .task_tracking(track())
        .build()
        .unwrap(),
    runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .task_tracking(track())
        .build()
        .unwrap()
);
workloads!(
    on_tokio,
    tokio,
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap(),
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
);

/// `INSTR_TRACK=1`: our runtime with per-task tracking on (the debug-build
/// default; off in release builds), to measure what it costs.
fn track() -> bool {
    std::env::var_os("INSTR_TRACK").is_some_and(|v| v == "1")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: instr WORKLOAD (runtime|tokio) N";
    let workload = args.get(1).expect(usage);
    let n: usize = args.get(3).expect(usage).parse().expect(usage);
    match args.get(2).map(String::as_str) {
        Some("runtime") => on_runtime::run(workload, n),
        Some("tokio") => on_tokio::run(workload, n),
        _ => panic!("{usage}"),
    }
}
