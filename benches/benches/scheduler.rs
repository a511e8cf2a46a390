//! Scheduler micro-benchmarks: this runtime versus Tokio, side by side.
//!
//! Every workload is one criterion `benchmark_group` holding exactly two
//! functions, `runtime` and `tokio`, so a single `cargo bench -p benches`
//! prints the pair next to each other and `cargo run -p benches --bin
//! summary` can turn the results into a comparison table.
//!
//! Workloads (multi-thread ones use a runtime with 2 worker threads):
//!
//! * `spawn_many_local`: one task spawns 10 000 trivial tasks from inside the
//!   runtime; the last one to finish signals the bench thread.
//! * `spawn_many_remote`: the bench thread (outside the runtime) spawns
//!   10 000 trivial tasks, then awaits every `JoinHandle` inside `block_on`.
//! * `yield_many`: 200 tasks each yield 1 000 times; the last one to finish
//!   signals the bench thread.
//! * `chained_spawn`: a chain of 1 000 tasks, each spawning the next; the
//!   last one signals the bench thread.
//! * `block_on_overhead`: `block_on` of an immediately ready future on a
//!   current-thread runtime.
//!
//! The runtime under test is built once per group, outside the measured loop,
//! and dropped before the next runtime is built so that idle worker threads
//! of one runtime never share the (small) machine with the other's
//! measurement.
//!
//! `PAIRED=<workload> cargo bench -p benches --bench scheduler` skips
//! criterion and runs the alternating comparison of `benches::paired`
//! instead, with both runtimes built side by side.

use std::process::ExitCode;
use std::time::Duration;

use benches::{pair_runtimes, paired};
use criterion::Criterion;

/// Number of tasks spawned per iteration by the `spawn_many_*` workloads.
const SPAWN_COUNT: usize = 10_000;
/// Number of tasks in the `yield_many` workload.
const YIELD_TASKS: usize = 200;
/// Number of `yield_now().await` calls each `yield_many` task makes.
const YIELDS_PER_TASK: usize = 1_000;
/// Length of the task chain in the `chained_spawn` workload.
const CHAIN_DEPTH: usize = 1_000;
/// Worker threads for the multi-thread runtimes.
const WORKERS: usize = 2;

/// Generates one module of workload functions for a Tokio-shaped runtime
/// crate: `$rt` is the crate (for `spawn` and `task::yield_now`) and
/// `$rt_mod` the module holding `Builder` and `Runtime`.
///
/// Both sides of every comparison are expanded from this single body, with
/// only the crate path (`runtime` or `tokio`) substituted. That keeps the two
/// copies token-for-token identical, so any difference in the numbers comes
/// from the runtimes and not from the benchmark code. Completion is
/// signalled to the bench thread with the same `std::sync::mpsc::sync_channel`
/// on both sides.
macro_rules! workloads {
    ($module:ident, $rt:ident, $($rt_mod:ident)::+) => {
        #[doc = concat!("The workloads, run on `", stringify!($rt), "`.")]
        mod $module {
            use std::sync::atomic::{AtomicUsize, Ordering};
            use std::sync::mpsc::{sync_channel, SyncSender};
            use std::sync::Arc;

            use criterion::black_box;
            use $($rt_mod)::+::{Builder, Runtime};

            use super::{CHAIN_DEPTH, SPAWN_COUNT, WORKERS, YIELDS_PER_TASK, YIELD_TASKS};

            /// A multi-thread runtime with `WORKERS` worker threads.
            pub fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .build()
                    .unwrap()
            }

            /// A current-thread runtime.
            pub fn current_thread() -> Runtime {
                Builder::new_current_thread().build().unwrap()
            }

            /// Counts `remaining` down by one and, if this was the last one,
            /// tells the bench thread that the iteration is complete.
            fn count_down(remaining: &AtomicUsize, done: &SyncSender<()>) {
                if remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                    done.send(()).unwrap();
                }
            }

            /// One task spawns `SPAWN_COUNT` trivial tasks from inside the
            /// runtime; waits until all of them have run.
            pub fn spawn_many_local(rt: &Runtime) {
                let (done_tx, done_rx) = sync_channel(1);
                let remaining = Arc::new(AtomicUsize::new(SPAWN_COUNT));

                rt.block_on(async {
                    $rt::spawn(async move {
                        for _ in 0..SPAWN_COUNT {
                            let remaining = remaining.clone();
                            let done_tx = done_tx.clone();
                            $rt::spawn(async move {
                                black_box(());
                                count_down(&remaining, &done_tx);
                            });
                        }
                    });
                });

                done_rx.recv().unwrap();
            }

            /// The bench thread spawns `SPAWN_COUNT` trivial tasks from
            /// outside the runtime, then awaits every handle in `block_on`.
            pub fn spawn_many_remote(rt: &Runtime) {
                let handles: Vec<_> = (0..SPAWN_COUNT)
                    .map(|i| rt.spawn(async move { black_box(i) }))
                    .collect();

                rt.block_on(async move {
                    for handle in handles {
                        black_box(handle.await.unwrap());
                    }
                });
            }

            /// `YIELD_TASKS` tasks each yield `YIELDS_PER_TASK` times; waits
            /// until all of them have finished.
            pub fn yield_many(rt: &Runtime) {
                let (done_tx, done_rx) = sync_channel(1);
                let remaining = Arc::new(AtomicUsize::new(YIELD_TASKS));

                for _ in 0..YIELD_TASKS {
                    let remaining = remaining.clone();
                    let done_tx = done_tx.clone();
                    rt.spawn(async move {
                        for _ in 0..YIELDS_PER_TASK {
                            $rt::task::yield_now().await;
                        }
                        count_down(&remaining, &done_tx);
                    });
                }

                done_rx.recv().unwrap();
            }

            /// Spawns the next link of the chain, or signals completion once
            /// `left` links have been spawned.
            fn chain_link(done_tx: SyncSender<()>, left: usize) {
                if left == 0 {
                    done_tx.send(()).unwrap();
                } else {
                    $rt::spawn(async move { chain_link(done_tx, left - 1) });
                }
            }

            /// A chain of `CHAIN_DEPTH` tasks, each spawned by the previous
            /// one; waits until the last one has run.
            pub fn chained_spawn(rt: &Runtime) {
                let (done_tx, done_rx) = sync_channel(1);

                rt.block_on(async move {
                    $rt::spawn(async move { chain_link(done_tx, CHAIN_DEPTH) });
                });

                done_rx.recv().unwrap();
            }

            /// `block_on` of a future that is ready on its first poll.
            pub fn block_on_overhead(rt: &Runtime) {
                black_box(rt.block_on(async { black_box(1_u64) }));
            }
        }
    };
}

// The crate root, then the module that holds `Builder` and `Runtime`.
workloads!(on_runtime, runtime, runtime);
workloads!(on_tokio, tokio, tokio::runtime);

/// Registers one workload as a group with a `runtime` and a `tokio` function.
///
/// `$build` names the runtime constructor (`multi_thread` or
/// `current_thread`) and `$workload` the function run once per iteration.
/// Each runtime is built before its function and dropped right after it.
macro_rules! compare {
    ($c:expr, $group:literal, $build:ident, $workload:ident) => {{
        let mut group = $c.benchmark_group($group);
        {
            let rt = on_runtime::$build();
            group.bench_function("runtime", |b| b.iter(|| on_runtime::$workload(&rt)));
        }
        {
            let rt = on_tokio::$build();
            group.bench_function("tokio", |b| b.iter(|| on_tokio::$workload(&rt)));
        }
        group.finish();
    }};
}

fn spawn_many_local(c: &mut Criterion) {
    compare!(c, "spawn_many_local", multi_thread, spawn_many_local);
}

fn spawn_many_remote(c: &mut Criterion) {
    compare!(c, "spawn_many_remote", multi_thread, spawn_many_remote);
}

fn yield_many(c: &mut Criterion) {
    compare!(c, "yield_many", multi_thread, yield_many);
}

fn chained_spawn(c: &mut Criterion) {
    compare!(c, "chained_spawn", multi_thread, chained_spawn);
}

fn block_on_overhead(c: &mut Criterion) {
    compare!(c, "block_on_overhead", current_thread, block_on_overhead);
}

/// Shared settings, sized so the whole bench run takes a few minutes.
///
/// They are set on the `Criterion` value rather than on each group because
/// criterion lets group-level settings override the command line; set here,
/// flags such as `--measurement-time 1` or `--sample-size 10` still work.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

/// Criterion's entry point. `criterion_group!` generates an undocumented
/// `pub fn`; keeping it in a private module keeps `missing_docs` quiet.
mod entry {
    use super::{
        block_on_overhead, chained_spawn, config, spawn_many_local, spawn_many_remote, yield_many,
    };
    use criterion::criterion_group;

    criterion_group! {
        name = scheduler;
        config = config();
        targets =
            spawn_many_local,
            spawn_many_remote,
            yield_many,
            chained_spawn,
            block_on_overhead,
    }
}

/// The workloads `paired_run` knows.
const PAIRED_WORKLOADS: [&str; 5] = [
    "spawn_many_local",
    "spawn_many_remote",
    "yield_many",
    "chained_spawn",
    "block_on_overhead",
];

/// The paired comparison of workload `name` (see `benches::paired`), on the
/// flavour its criterion group uses.
fn paired_run(name: &str, rounds: usize) -> paired::Summary {
    match name {
        "spawn_many_local" => pair_runtimes!(name, rounds, multi_thread, spawn_many_local),
        "spawn_many_remote" => pair_runtimes!(name, rounds, multi_thread, spawn_many_remote),
        "yield_many" => pair_runtimes!(name, rounds, multi_thread, yield_many),
        "chained_spawn" => pair_runtimes!(name, rounds, multi_thread, chained_spawn),
        "block_on_overhead" => pair_runtimes!(name, rounds, current_thread, block_on_overhead),
        other => unreachable!("{other} is not in PAIRED_WORKLOADS"),
    }
}

/// What `criterion_main!` generates, plus the paired mode.
fn main() -> ExitCode {
    if let Some(exit) = paired::dispatch(&PAIRED_WORKLOADS, paired_run) {
        return exit;
    }
    entry::scheduler();
    Criterion::default().configure_from_args().final_summary();
    ExitCode::SUCCESS
}
