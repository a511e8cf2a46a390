//! Child-process benchmark: this runtime's `process` versus Tokio's, side by
//! side.
//!
//! Both sides run the same code, expanded from one macro body with the crate
//! path (`runtime` or `tokio`) substituted, on a multi-thread runtime with 2
//! workers.
//!
//! Workload:
//!
//! * `spawn_wait_1000`: 1 000 tasks each spawn `true` and wait for its exit
//!   (`Command::status`), all at once; the iteration ends when every status
//!   is in. What is compared is the runtimes' share (registering each
//!   child's pidfd with the reactor, waking the waiting task, reaping); most
//!   of an iteration is the kernel's `fork`/`exec`/`exit`, the same for both.
//!   Override the count with `PROCESS_BENCH_CHILDREN`.
//!
//! `PAIRED=spawn_wait_1000 PAIRED_ROUNDS=20 cargo bench -p benches --bench
//! process` runs the alternating comparison of `benches::paired` instead of
//! criterion (an iteration takes about a second here, hence fewer rounds).

use std::process::ExitCode;
use std::time::Duration;

use benches::{pair_runtimes, paired};
use criterion::{Criterion, SamplingMode, Throughput};

/// Worker threads of the runtimes.
const WORKERS: usize = 2;

/// Children per iteration.
fn children() -> usize {
    std::env::var("PROCESS_BENCH_CHILDREN")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000)
}

/// Generates the workloads for one Tokio-shaped runtime crate.
macro_rules! workloads {
    ($module:ident, $rt:ident) => {
        #[doc = concat!("The workloads, run on `", stringify!($rt), "`.")]
        mod $module {
            use super::{children, WORKERS};
            use $rt::process::Command;
            use $rt::runtime::{Builder, Runtime};

            /// A multi-thread runtime with `WORKERS` workers.
            pub fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .unwrap()
            }

            /// `children()` tasks, each spawning `true` and waiting for it.
            pub fn spawn_wait_1000(rt: &Runtime) {
                rt.block_on(async {
                    let tasks: Vec<_> = (0..children())
                        .map(|_| $rt::spawn(async { Command::new("true").status().await }))
                        .collect();
                    for task in tasks {
                        assert!(task.await.unwrap().unwrap().success());
                    }
                });
            }
        }
    };
}

workloads!(on_runtime, runtime);
workloads!(on_tokio, tokio);

fn spawn_wait_1000(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_wait_1000");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(children() as u64));
    {
        let rt = on_runtime::multi_thread();
        group.bench_function("runtime", |b| b.iter(|| on_runtime::spawn_wait_1000(&rt)));
    }
    {
        let rt = on_tokio::multi_thread();
        group.bench_function("tokio", |b| b.iter(|| on_tokio::spawn_wait_1000(&rt)));
    }
    group.finish();
}

/// Few samples: an iteration takes about a second. Set on the `Criterion`
/// value, so command-line flags still win.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
}

/// Criterion's entry point, in a private module for `missing_docs`.
mod entry {
    use super::{config, spawn_wait_1000};
    use criterion::criterion_group;

    criterion_group! {
        name = process;
        config = config();
        targets = spawn_wait_1000,
    }
}

/// The workloads `paired_run` knows.
const PAIRED_WORKLOADS: [&str; 1] = ["spawn_wait_1000"];

/// The paired comparison of workload `name` (see `benches::paired`).
fn paired_run(name: &str, rounds: usize) -> paired::Summary {
    match name {
        "spawn_wait_1000" => pair_runtimes!(name, rounds, multi_thread, spawn_wait_1000),
        other => unreachable!("{other} is not in PAIRED_WORKLOADS"),
    }
}

/// What `criterion_main!` generates, plus the paired mode.
fn main() -> ExitCode {
    match paired::dispatch(&PAIRED_WORKLOADS, paired_run) {
        Some(exit) => exit,
        None => {
            entry::process();
            Criterion::default().configure_from_args().final_summary();
            ExitCode::SUCCESS
        }
    }
}
