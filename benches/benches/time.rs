//! Timer micro-benchmarks: this runtime versus Tokio, side by side.
//!
//! As in `scheduler.rs`, every workload is one criterion `benchmark_group`
//! holding exactly two functions, `runtime` and `tokio`, expanded from one
//! macro body, so `cargo run -p benches --bin summary` can compare them.
//!
//! Workloads:
//!
//! * `timeout_ready` (current-thread): inside one `block_on`, 1 000 000
//!   `timeout(1 s, ready(i)).await`. The inner future is ready on the first
//!   poll, so neither runtime ever registers the timer: this measures the
//!   cost of creating and dropping a `Timeout` (clock read, handle lookup),
//!   not the timer wheel.
//! * `sleep_cancel` (current-thread): inside one `block_on`, 100 000 times a
//!   `sleep(10 s)` is polled once, which inserts it into the timer wheel, and
//!   then dropped, which removes it: the wheel's insert + cancel throughput.
//! * `timers_100k` (multi-thread, 2 workers): one task spawns 100 000 tasks,
//!   each sleeping a pseudo-random 1..=10 ms (the same xorshift sequence on
//!   both sides); the last one to wake signals the bench thread. Each task
//!   also records how late it woke (`std::time::Instant::now() - deadline`,
//!   the same clock on both sides); criterion cannot report that, so after
//!   the group a few extra, untimed iterations per runtime give the median of
//!   the per-iteration maximum, printed and written to
//!   `target/criterion/timers_100k/lateness.txt` for the summary tool.
//!
//! The runtime under test is built once per group, outside the measured loop,
//! and dropped before the other one is built, so that idle worker threads of
//! one runtime never share the (small) machine with the other's measurement.
//!
//! `PAIRED=<workload> cargo bench -p benches --bench time` skips criterion
//! and runs the alternating comparison of `benches::paired` instead, with
//! both runtimes built side by side (`timers_100k`'s lateness is not
//! measured then).

use std::cell::Cell;
use std::fs;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::process::ExitCode;
use std::task::Poll;
use std::time::Duration;

use benches::{
    find_criterion_dir, format_ns, pair_runtimes, paired, Lateness, LATENESS_FILE, LATENESS_GROUP,
};
use criterion::{Criterion, SamplingMode};

/// `timeout(..).await` calls per `timeout_ready` iteration.
const TIMEOUT_COUNT: u64 = 1_000_000;
/// Sleeps registered and cancelled per `sleep_cancel` iteration.
const SLEEP_CANCEL_COUNT: usize = 100_000;
/// Sleeping tasks per `timers_100k` iteration.
const TIMER_TASKS: usize = 100_000;
/// The `timers_100k` sleeps last 1..=`MAX_DELAY_MS` milliseconds.
const MAX_DELAY_MS: u64 = 10;
/// Untimed `timers_100k` iterations per runtime whose max lateness is kept.
const LATENESS_RUNS: usize = 5;
/// Worker threads for the multi-thread runtimes.
const WORKERS: usize = 2;

/// Polls `future` exactly once, with the calling task's context, and returns
/// the result; a pending future stays where it is (and, for a timer, stays
/// registered until it is dropped).
async fn poll_once<F: Future>(mut future: Pin<&mut F>) -> Poll<F::Output> {
    poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await
}

/// The `timers_100k` delays: a fixed-seed xorshift64 sequence mapped onto
/// 1..=`MAX_DELAY_MS` ms, identical for every iteration and both runtimes.
struct Delays(u64);

impl Delays {
    fn new() -> Delays {
        Delays(0x9E37_79B9_7F4A_7C15)
    }
}

impl Iterator for Delays {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        Some(Duration::from_millis(1 + x % MAX_DELAY_MS))
    }
}

/// Generates one module of workload functions for a Tokio-shaped runtime
/// crate: `$rt` is the crate (for `spawn` and `time`) and `$rt_mod` the
/// module holding `Builder` and `Runtime`.
///
/// Both sides of every comparison are expanded from this single body, with
/// only the crate path (`runtime` or `tokio`) substituted, so any difference
/// in the numbers comes from the runtimes and not from the benchmark code.
macro_rules! workloads {
    ($module:ident, $rt:ident, $($rt_mod:ident)::+) => {
        #[doc = concat!("The workloads, run on `", stringify!($rt), "`.")]
        mod $module {
            use std::future::ready;
            use std::pin::pin;
            use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
            use std::sync::mpsc::{sync_channel, SyncSender};
            use std::sync::Arc;

            use criterion::black_box;
            use $rt::time::{sleep, sleep_until, timeout, Duration, Instant};
            use $($rt_mod)::+::{Builder, Runtime};

            use super::{
                poll_once, Delays, SLEEP_CANCEL_COUNT, TIMEOUT_COUNT, TIMER_TASKS, WORKERS,
            };

            /// A multi-thread runtime with `WORKERS` worker threads and its
            /// drivers enabled (Tokio needs that for timers; ours ignores it).
            pub fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .unwrap()
            }

            /// A current-thread runtime with its drivers enabled.
            pub fn current_thread() -> Runtime {
                Builder::new_current_thread().enable_all().build().unwrap()
            }

            /// `TIMEOUT_COUNT` timeouts around an already ready future, in
            /// one `block_on`.
            pub fn timeout_ready(rt: &Runtime) {
                rt.block_on(async {
                    for i in 0..TIMEOUT_COUNT {
                        let res = timeout(Duration::from_secs(1), ready(black_box(i))).await;
                        black_box(res.unwrap());
                    }
                });
            }

            /// `SLEEP_CANCEL_COUNT` times: a 10 s sleep is polled once (so it
            /// registers with the timer wheel) and dropped (so it leaves it).
            pub fn sleep_cancel(rt: &Runtime) {
                rt.block_on(async {
                    for _ in 0..SLEEP_CANCEL_COUNT {
                        // Pinned on the stack on both sides: ours is `Unpin`,
                        // Tokio's is not.
                        let mut timer = pin!(sleep(Duration::from_secs(10)));
                        let polled = poll_once(timer.as_mut()).await;
                        assert!(polled.is_pending(), "a 10 s sleep completed at once");
                    }
                });
            }

            /// What the `timers_100k` tasks share.
            struct Progress {
                /// Tasks that have not woken yet.
                remaining: AtomicUsize,
                /// The largest lateness seen so far, in nanoseconds.
                max_late_ns: AtomicU64,
                /// Told once the last task has woken.
                done: SyncSender<()>,
            }

            /// One task spawns `TIMER_TASKS` tasks, each sleeping the next of
            /// the `Delays`; waits until all have woken and returns the
            /// largest lateness, in nanoseconds.
            pub fn timers_100k(rt: &Runtime) -> u64 {
                let (done, done_rx) = sync_channel(1);
                let progress = Arc::new(Progress {
                    remaining: AtomicUsize::new(TIMER_TASKS),
                    max_late_ns: AtomicU64::new(0),
                    done,
                });
                let spawner_progress = progress.clone();

                rt.block_on(async {
                    $rt::spawn(async move {
                        for delay in Delays::new().take(TIMER_TASKS) {
                            let progress = spawner_progress.clone();
                            $rt::spawn(async move {
                                // The std clock on both sides, for a fair
                                // lateness measurement.
                                let deadline = std::time::Instant::now() + delay;
                                sleep_until(Instant::from_std(deadline)).await;
                                let late = deadline.elapsed();
                                let late_ns = u64::try_from(late.as_nanos()).unwrap_or(u64::MAX);
                                progress.max_late_ns.fetch_max(late_ns, Ordering::Relaxed);
                                if progress.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                                    progress.done.send(()).unwrap();
                                }
                            });
                        }
                    });
                });

                done_rx.recv().unwrap();
                // Every `fetch_max` happened before its task's `AcqRel`
                // decrement, and the last decrement before the `send` that
                // `recv` saw, so all of them are visible here.
                progress.max_late_ns.load(Ordering::Relaxed)
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
/// `$after` runs with each runtime once its function has been measured (and
/// only if it was: criterion skips functions that a filter excludes); its
/// results come back as `[runtime, tokio]`.
///
/// Every iteration here takes milliseconds, so the groups use criterion's
/// flat sampling (the same iteration count in every sample) rather than
/// linear sampling, whose 1, 2, …, n iterations per sample would need
/// n(n+1)/2 iterations and run far past the measurement time. The sampling
/// mode has no command-line flag, so setting it on the group overrides
/// nothing the user asked for.
macro_rules! compare {
    ($c:expr, $group:expr, $build:ident, $workload:ident) => {
        compare!($c, $group, $build, $workload, |_| ())
    };
    ($c:expr, $group:expr, $build:ident, $workload:ident, $after:expr) => {{
        let mut group = $c.benchmark_group($group);
        group.sampling_mode(SamplingMode::Flat);
        let ours = {
            let rt = on_runtime::$build();
            let ran = Cell::new(false);
            group.bench_function("runtime", |b| {
                ran.set(true);
                b.iter(|| on_runtime::$workload(&rt))
            });
            ran.get().then(|| $after(&|| on_runtime::$workload(&rt)))
        };
        let theirs = {
            let rt = on_tokio::$build();
            let ran = Cell::new(false);
            group.bench_function("tokio", |b| {
                ran.set(true);
                b.iter(|| on_tokio::$workload(&rt))
            });
            ran.get().then(|| $after(&|| on_tokio::$workload(&rt)))
        };
        group.finish();
        [ours, theirs]
    }};
}

fn timeout_ready(c: &mut Criterion) {
    compare!(c, "timeout_ready", current_thread, timeout_ready);
}

fn sleep_cancel(c: &mut Criterion) {
    compare!(c, "sleep_cancel", current_thread, sleep_cancel);
}

/// The median, over `LATENESS_RUNS` untimed runs of `run`, of the max
/// lateness (in nanoseconds) that each run returns.
fn median_lateness(run: &dyn Fn() -> u64) -> u64 {
    let mut late: Vec<u64> = (0..LATENESS_RUNS).map(|_| run()).collect();
    late.sort_unstable();
    late[late.len() / 2]
}

fn timers_100k(c: &mut Criterion) {
    let [runtime_ns, tokio_ns] = compare!(
        c,
        LATENESS_GROUP,
        multi_thread,
        timers_100k,
        median_lateness
    );
    if runtime_ns.is_none() && tokio_ns.is_none() {
        return;
    }
    let show =
        |ns: Option<u64>| ns.map_or_else(|| "not measured".to_owned(), |ns| format_ns(ns as f64));
    println!(
        "{LATENESS_GROUP} max lateness: runtime {} (median of {LATENESS_RUNS} runs), tokio {}",
        show(runtime_ns),
        show(tokio_ns),
    );
    write_lateness(runtime_ns, tokio_ns);
}

/// Records the lateness in the group's criterion directory for `summary`,
/// keeping the previous value of a runtime that was not measured this time.
fn write_lateness(runtime_ns: Option<u64>, tokio_ns: Option<u64>) {
    let Some(dir) = find_criterion_dir() else {
        eprintln!("warning: no target/criterion directory found; lateness not saved");
        return;
    };
    let dir = dir.join(LATENESS_GROUP);
    let path = dir.join(LATENESS_FILE);
    let old = fs::read_to_string(&path)
        .ok()
        .and_then(|text| Lateness::parse(&text).ok())
        .unwrap_or_default();
    let new = Lateness {
        runtime_ns: runtime_ns.or(old.runtime_ns),
        tokio_ns: tokio_ns.or(old.tokio_ns),
    };
    if let Err(err) = fs::create_dir_all(&dir).and_then(|()| fs::write(&path, new.to_file_text())) {
        eprintln!("warning: cannot write {}: {err}", path.display());
    }
}

/// Shared settings, sized so the whole bench run takes about a minute and a
/// half on a 2-core machine.
///
/// They are set on the `Criterion` value rather than on each group because
/// criterion lets group-level settings override the command line; set here,
/// flags such as `--measurement-time 1` or `--sample-size 10` still work.
/// With flat sampling, 20 samples need at least 20 iterations: 8 s leaves
/// room for the slowest `timers_100k` iterations (about 0.3 s on 2 cores)
/// without criterion stretching the measurement.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
}

/// Criterion's entry point. `criterion_group!` generates an undocumented
/// `pub fn`; keeping it in a private module keeps `missing_docs` quiet.
mod entry {
    use super::{config, sleep_cancel, timeout_ready, timers_100k};
    use criterion::criterion_group;

    criterion_group! {
        name = time;
        config = config();
        targets =
            timeout_ready,
            sleep_cancel,
            timers_100k,
    }
}

/// The workloads `paired_run` knows.
const PAIRED_WORKLOADS: [&str; 3] = ["timeout_ready", "sleep_cancel", "timers_100k"];

/// The paired comparison of workload `name` (see `benches::paired`), on the
/// flavour its criterion group uses.
fn paired_run(name: &str, rounds: usize) -> paired::Summary {
    match name {
        "timeout_ready" => pair_runtimes!(name, rounds, current_thread, timeout_ready),
        "sleep_cancel" => pair_runtimes!(name, rounds, current_thread, sleep_cancel),
        "timers_100k" => pair_runtimes!(name, rounds, multi_thread, timers_100k),
        other => unreachable!("{other} is not in PAIRED_WORKLOADS"),
    }
}

/// What `criterion_main!` generates, plus the paired mode.
fn main() -> ExitCode {
    if let Some(exit) = paired::dispatch(&PAIRED_WORKLOADS, paired_run) {
        return exit;
    }
    entry::time();
    Criterion::default().configure_from_args().final_summary();
    ExitCode::SUCCESS
}
