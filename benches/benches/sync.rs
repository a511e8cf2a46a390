//! Synchronization-primitive micro-benchmarks: this runtime versus Tokio,
//! side by side.
//!
//! As in `scheduler.rs` and `time.rs`, every workload is one criterion
//! `benchmark_group` holding exactly two functions, `runtime` and `tokio`,
//! expanded from one macro body, so `cargo run -p benches --bin summary` can
//! compare them.
//!
//! Workloads (all on a multi-thread runtime with 2 worker threads and its
//! drivers enabled):
//!
//! * `ping_pong`: one task spawns 1 000 tasks `a`; each `a` spawns a task `b`
//!   holding the receiving half of a oneshot channel, sends it a value, and
//!   waits for `b` to answer through a second oneshot channel. The last pair
//!   to finish signals the bench thread.
//! * `mpsc_bounded`: 4 producer tasks each send 250 000 `u64`s through one
//!   `mpsc::channel(1024)`; one consumer task receives all 1 000 000 and
//!   signals the bench thread.
//! * `mpsc_unbounded`: the same through `mpsc::unbounded_channel()`.
//! * `mpsc_bounded_block_on` and `mpsc_unbounded_block_on`: the same
//!   producers, but the consumer is not a task: it runs in
//!   `Runtime::block_on` on the bench thread, outside the pool (Tokio's
//!   `contention_bounded` shape). A message that finds it parked wakes a
//!   thread that is not a worker.
//! * `mutex_contended`: 8 tasks each lock an `Arc<Mutex<u64>>` 100 000 times
//!   and increment it; the last one to finish reads the total, which the
//!   bench thread checks.
//! * `semaphore`: 8 tasks each acquire and release a permit of an
//!   `Arc<Semaphore>` with 2 permits 50 000 times.
//!
//! Completion is signalled to the bench thread with the same
//! `std::sync::mpsc::sync_channel` on both sides. The runtime under test is
//! built once per group, outside the measured loop, and dropped before the
//! other one is built, so that idle worker threads of one runtime never share
//! the (small) machine with the other's measurement.
//!
//! `PAIRED=<workload> cargo bench -p benches --bench sync` skips criterion
//! and runs the alternating comparison of `benches::paired` instead, with
//! both runtimes built side by side.

use std::process::ExitCode;
use std::time::Duration;

use benches::{pair_runtimes, paired};
use criterion::{Criterion, SamplingMode};

/// Task pairs per `ping_pong` iteration.
const PING_PONG_PAIRS: usize = 1_000;
/// Producer tasks in the `mpsc_*` workloads.
const PRODUCERS: u64 = 4;
/// Messages each `mpsc_*` producer sends.
const MESSAGES_PER_PRODUCER: u64 = 250_000;
/// Messages the `mpsc_*` consumer receives per iteration.
const MESSAGES: u64 = PRODUCERS * MESSAGES_PER_PRODUCER;
/// Capacity of the `mpsc_bounded` channel.
const BOUNDED_CAPACITY: usize = 1_024;
/// Tasks contending in `mutex_contended` and `semaphore`.
const CONTENDERS: u64 = 8;
/// Increments each `mutex_contended` task makes.
const MUTEX_INCREMENTS: u64 = 100_000;
/// Acquire/release rounds each `semaphore` task makes.
const SEMAPHORE_ROUNDS: usize = 50_000;
/// Permits of the `semaphore` semaphore.
const SEMAPHORE_PERMITS: usize = 2;
/// Worker threads for the multi-thread runtimes.
const WORKERS: usize = 2;

/// Generates one module of workload functions for a Tokio-shaped runtime
/// crate: `$rt` is the crate (for `spawn` and `sync`) and `$rt_mod` the
/// module holding `Builder` and `Runtime`.
///
/// Both sides of every comparison are expanded from this single body, with
/// only the crate path (`runtime` or `tokio`) substituted, so any difference
/// in the numbers comes from the runtimes and not from the benchmark code.
macro_rules! workloads {
    ($module:ident, $rt:ident, $($rt_mod:ident)::+) => {
        #[doc = concat!("The workloads, run on `", stringify!($rt), "`.")]
        mod $module {
            use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
            use std::sync::mpsc::{sync_channel, SyncSender};
            use std::sync::Arc;

            use criterion::black_box;
            use $rt::sync::{mpsc, oneshot, Mutex, Semaphore};
            use $($rt_mod)::+::{Builder, Runtime};

            use super::{
                BOUNDED_CAPACITY, CONTENDERS, MESSAGES, MESSAGES_PER_PRODUCER, MUTEX_INCREMENTS,
                PING_PONG_PAIRS, PRODUCERS, SEMAPHORE_PERMITS, SEMAPHORE_ROUNDS, WORKERS,
            };

            /// A multi-thread runtime with `WORKERS` worker threads and its
            /// drivers enabled.
            pub fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .unwrap()
            }

            /// Counts `remaining` down by one and returns whether this was
            /// the last one.
            fn count_down(remaining: &AtomicUsize) -> bool {
                remaining.fetch_sub(1, Ordering::AcqRel) == 1
            }

            /// `PING_PONG_PAIRS` task pairs each exchange one message each
            /// way through oneshot channels; waits until all have finished.
            pub fn ping_pong(rt: &Runtime) {
                let (done_tx, done_rx) = sync_channel(1);
                let remaining = Arc::new(AtomicUsize::new(PING_PONG_PAIRS));

                rt.block_on(async {
                    $rt::spawn(async move {
                        for i in 0..PING_PONG_PAIRS {
                            let remaining = remaining.clone();
                            let done_tx = done_tx.clone();
                            $rt::spawn(async move {
                                let (ping_tx, ping_rx) = oneshot::channel::<usize>();
                                let (pong_tx, pong_rx) = oneshot::channel::<usize>();
                                $rt::spawn(async move {
                                    let ping = ping_rx.await.unwrap();
                                    pong_tx.send(ping + 1).unwrap();
                                });
                                ping_tx.send(i).unwrap();
                                assert_eq!(pong_rx.await.unwrap(), i + 1);
                                if count_down(&remaining) {
                                    done_tx.send(()).unwrap();
                                }
                            });
                        }
                    });
                });

                done_rx.recv().unwrap();
            }

            /// `PRODUCERS` tasks each send `MESSAGES_PER_PRODUCER` values
            /// through a `BOUNDED_CAPACITY` channel; one consumer task
            /// receives all `MESSAGES` of them.
            pub fn mpsc_bounded(rt: &Runtime) {
                let (done_tx, done_rx) = sync_channel(1);

                rt.block_on(async move {
                    let (tx, mut rx) = mpsc::channel::<u64>(BOUNDED_CAPACITY);
                    for _ in 0..PRODUCERS {
                        let tx = tx.clone();
                        $rt::spawn(async move {
                            for i in 0..MESSAGES_PER_PRODUCER {
                                tx.send(i).await.unwrap();
                            }
                        });
                    }
                    $rt::spawn(async move {
                        let mut received = 0;
                        while received < MESSAGES {
                            black_box(rx.recv().await.unwrap());
                            received += 1;
                        }
                        done_tx.send(received).unwrap();
                    });
                });

                assert_eq!(done_rx.recv().unwrap(), MESSAGES);
            }

            /// `PRODUCERS` tasks on the pool each send `MESSAGES_PER_PRODUCER`
            /// values through a `BOUNDED_CAPACITY` channel to the bench
            /// thread, which receives them in `block_on`.
            pub fn mpsc_bounded_block_on(rt: &Runtime) {
                let (tx, mut rx) = mpsc::channel::<u64>(BOUNDED_CAPACITY);
                for _ in 0..PRODUCERS {
                    let tx = tx.clone();
                    rt.spawn(async move {
                        for i in 0..MESSAGES_PER_PRODUCER {
                            tx.send(i).await.unwrap();
                        }
                    });
                }
                drop(tx);
                let received = rt.block_on(async move {
                    let mut received = 0;
                    while let Some(v) = rx.recv().await {
                        black_box(v);
                        received += 1;
                    }
                    received
                });
                assert_eq!(received, MESSAGES);
            }

            /// `mpsc_bounded_block_on` through an unbounded channel.
            pub fn mpsc_unbounded_block_on(rt: &Runtime) {
                let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
                for _ in 0..PRODUCERS {
                    let tx = tx.clone();
                    rt.spawn(async move {
                        for i in 0..MESSAGES_PER_PRODUCER {
                            tx.send(i).unwrap();
                        }
                    });
                }
                drop(tx);
                let received = rt.block_on(async move {
                    let mut received = 0;
                    while let Some(v) = rx.recv().await {
                        black_box(v);
                        received += 1;
                    }
                    received
                });
                assert_eq!(received, MESSAGES);
            }

            /// `mpsc_bounded` through an unbounded channel.
            pub fn mpsc_unbounded(rt: &Runtime) {
                let (done_tx, done_rx) = sync_channel(1);

                rt.block_on(async move {
                    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
                    for _ in 0..PRODUCERS {
                        let tx = tx.clone();
                        $rt::spawn(async move {
                            for i in 0..MESSAGES_PER_PRODUCER {
                                tx.send(i).unwrap();
                            }
                        });
                    }
                    $rt::spawn(async move {
                        let mut received = 0;
                        while received < MESSAGES {
                            black_box(rx.recv().await.unwrap());
                            received += 1;
                        }
                        done_tx.send(received).unwrap();
                    });
                });

                assert_eq!(done_rx.recv().unwrap(), MESSAGES);
            }

            /// `CONTENDERS` tasks each increment a shared `Mutex<u64>`
            /// `MUTEX_INCREMENTS` times; the last one to finish reports the
            /// total, which must be exact.
            pub fn mutex_contended(rt: &Runtime) {
                let (done_tx, done_rx): (SyncSender<u64>, _) = sync_channel(1);
                let remaining = Arc::new(AtomicUsize::new(CONTENDERS as usize));
                let mutex = Arc::new(Mutex::new(0_u64));

                for _ in 0..CONTENDERS {
                    let remaining = remaining.clone();
                    let done_tx = done_tx.clone();
                    let mutex = mutex.clone();
                    rt.spawn(async move {
                        for _ in 0..MUTEX_INCREMENTS {
                            *mutex.lock().await += 1;
                        }
                        // Every other task released its last guard before
                        // its own count-down, so the total is final here.
                        if count_down(&remaining) {
                            let total = *mutex.lock().await;
                            done_tx.send(total).unwrap();
                        }
                    });
                }

                assert_eq!(done_rx.recv().unwrap(), CONTENDERS * MUTEX_INCREMENTS);
            }

            /// `CONTENDERS` tasks each acquire and release a permit of a
            /// `SEMAPHORE_PERMITS`-permit semaphore `SEMAPHORE_ROUNDS` times.
            pub fn semaphore(rt: &Runtime) {
                let (done_tx, done_rx) = sync_channel(1);
                let remaining = Arc::new(AtomicUsize::new(CONTENDERS as usize));
                let semaphore = Arc::new(Semaphore::new(SEMAPHORE_PERMITS));
                // Permits held now, and the most ever held at once, which
                // the bench thread checks against the limit (a panic inside
                // a task would hang the iteration instead of failing it).
                let held = Arc::new(AtomicU64::new(0));
                let max_held = Arc::new(AtomicU64::new(0));

                for _ in 0..CONTENDERS {
                    let remaining = remaining.clone();
                    let done_tx = done_tx.clone();
                    let semaphore = semaphore.clone();
                    let held = held.clone();
                    let max_held = max_held.clone();
                    rt.spawn(async move {
                        for _ in 0..SEMAPHORE_ROUNDS {
                            let permit = semaphore.acquire().await.unwrap();
                            let now = held.fetch_add(1, Ordering::Relaxed) + 1;
                            max_held.fetch_max(now, Ordering::Relaxed);
                            held.fetch_sub(1, Ordering::Relaxed);
                            drop(black_box(permit));
                        }
                        if count_down(&remaining) {
                            done_tx.send(()).unwrap();
                        }
                    });
                }

                done_rx.recv().unwrap();
                assert!(max_held.load(Ordering::Relaxed) <= SEMAPHORE_PERMITS as u64);
                assert_eq!(semaphore.available_permits(), SEMAPHORE_PERMITS);
            }
        }
    };
}

// The crate root, then the module that holds `Builder` and `Runtime`.
workloads!(on_runtime, runtime, runtime);
workloads!(on_tokio, tokio, tokio::runtime);

/// Registers one workload as a group with a `runtime` and a `tokio` function.
///
/// `$workload` names the function run once per iteration; each runtime is
/// built before its function and dropped right after it. `$sample_size`, if
/// given, overrides the shared sample size for this group only.
///
/// Iterations here take milliseconds or more, so the groups use criterion's
/// flat sampling (the same iteration count in every sample) rather than
/// linear sampling, whose 1, 2, …, n iterations per sample would need
/// n(n+1)/2 iterations and run far past the measurement time. The sampling
/// mode has no command-line flag, so setting it on the group overrides
/// nothing the user asked for.
macro_rules! compare {
    ($c:expr, $group:literal, $workload:ident $(, $sample_size:expr)?) => {{
        let mut group = $c.benchmark_group($group);
        group.sampling_mode(SamplingMode::Flat);
        $(group.sample_size($sample_size);)?
        {
            let rt = on_runtime::multi_thread();
            group.bench_function("runtime", |b| b.iter(|| on_runtime::$workload(&rt)));
        }
        {
            let rt = on_tokio::multi_thread();
            group.bench_function("tokio", |b| b.iter(|| on_tokio::$workload(&rt)));
        }
        group.finish();
    }};
}

/// Sample size of the `mpsc_*` groups. Each of their iterations moves a
/// million messages (tens to hundreds of milliseconds on 2 cores), so the
/// shared 20 samples would stretch each function far past its measurement
/// time; 10 samples, criterion's minimum, keep the run short. Being set on
/// the group, this overrides `--sample-size` for these two groups.
const MPSC_SAMPLE_SIZE: usize = 10;

fn ping_pong(c: &mut Criterion) {
    compare!(c, "ping_pong", ping_pong);
}

fn mpsc_bounded(c: &mut Criterion) {
    compare!(c, "mpsc_bounded", mpsc_bounded, MPSC_SAMPLE_SIZE);
}

fn mpsc_unbounded(c: &mut Criterion) {
    compare!(c, "mpsc_unbounded", mpsc_unbounded, MPSC_SAMPLE_SIZE);
}

fn mpsc_bounded_block_on(c: &mut Criterion) {
    compare!(
        c,
        "mpsc_bounded_block_on",
        mpsc_bounded_block_on,
        MPSC_SAMPLE_SIZE
    );
}

fn mpsc_unbounded_block_on(c: &mut Criterion) {
    compare!(
        c,
        "mpsc_unbounded_block_on",
        mpsc_unbounded_block_on,
        MPSC_SAMPLE_SIZE
    );
}

fn mutex_contended(c: &mut Criterion) {
    compare!(c, "mutex_contended", mutex_contended);
}

fn semaphore(c: &mut Criterion) {
    compare!(c, "semaphore", semaphore);
}

/// Shared settings, sized so the whole bench run stays well under three
/// minutes on a 2-core machine.
///
/// They are set on the `Criterion` value rather than on each group because
/// criterion lets group-level settings override the command line; set here,
/// flags such as `--measurement-time 1` or `--sample-size 10` still work.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

/// Criterion's entry point. `criterion_group!` generates an undocumented
/// `pub fn`; keeping it in a private module keeps `missing_docs` quiet.
mod entry {
    use super::{
        config, mpsc_bounded, mpsc_bounded_block_on, mpsc_unbounded, mpsc_unbounded_block_on,
        mutex_contended, ping_pong, semaphore,
    };
    use criterion::criterion_group;

    criterion_group! {
        name = sync;
        config = config();
        targets =
            ping_pong,
            mpsc_bounded,
            mpsc_unbounded,
            mpsc_bounded_block_on,
            mpsc_unbounded_block_on,
            mutex_contended,
            semaphore,
    }
}

/// The workloads `paired_run` knows.
const PAIRED_WORKLOADS: [&str; 7] = [
    "ping_pong",
    "mpsc_bounded",
    "mpsc_unbounded",
    "mpsc_bounded_block_on",
    "mpsc_unbounded_block_on",
    "mutex_contended",
    "semaphore",
];

/// The paired comparison of workload `name` (see `benches::paired`).
fn paired_run(name: &str, rounds: usize) -> paired::Summary {
    match name {
        "ping_pong" => pair_runtimes!(name, rounds, multi_thread, ping_pong),
        "mpsc_bounded" => pair_runtimes!(name, rounds, multi_thread, mpsc_bounded),
        "mpsc_unbounded" => pair_runtimes!(name, rounds, multi_thread, mpsc_unbounded),
        "mpsc_bounded_block_on" => {
            pair_runtimes!(name, rounds, multi_thread, mpsc_bounded_block_on)
        }
        "mpsc_unbounded_block_on" => {
            pair_runtimes!(name, rounds, multi_thread, mpsc_unbounded_block_on)
        }
        "mutex_contended" => pair_runtimes!(name, rounds, multi_thread, mutex_contended),
        "semaphore" => pair_runtimes!(name, rounds, multi_thread, semaphore),
        other => unreachable!("{other} is not in PAIRED_WORKLOADS"),
    }
}

/// What `criterion_main!` generates, plus the paired mode.
fn main() -> ExitCode {
    if let Some(exit) = paired::dispatch(&PAIRED_WORKLOADS, paired_run) {
        return exit;
    }
    entry::sync();
    Criterion::default().configure_from_args().final_summary();
    ExitCode::SUCCESS
}
