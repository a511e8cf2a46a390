//! Memory per idle task: spawns `N` tasks that each wait forever on a
//! pending future (polled once, then idle), on a current-thread runtime,
//! and reports the growth of the process's resident set divided by `N`.
//! This is the figure issue 18's cost section asks about (what the task
//! header's observability fields cost), ours and Tokio's measured the same
//! way, one process per runtime so that one's freed pages do not serve the
//! other.
//!
//! `cargo run --release -p benches --example task_memory -- RUNTIME [N]`
//! with RUNTIME `runtime` or `tokio`; N defaults to 1,000,000.
//! `INSTR_TRACK=1` turns our runtime's per-task tracking on (it adds no
//! memory per task: the fields are in the header either way).

/// Resident set size in bytes, from `/proc/self/statm`.
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux)");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("statm's second field is the resident page count");
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc_page_size() };
    pages * page
}

extern "C" {
    fn sysconf(name: i32) -> i64;
}

/// `sysconf(_SC_PAGESIZE)` (30 on Linux).
///
/// # Safety
/// None beyond the call itself; it only reads a constant.
unsafe fn libc_page_size() -> u64 {
    const SC_PAGESIZE: i32 = 30;
    // SAFETY: sysconf with a valid name only reads configuration.
    unsafe { sysconf(SC_PAGESIZE) as u64 }
}

fn report(runtime: &str, n: usize, before: u64, after: u64) {
    let per = (after.saturating_sub(before)) as f64 / n as f64;
    println!(
        "{runtime}: {n} idle tasks, RSS +{} KiB, {per:.1} B per task",
        (after - before) / 1024
    );
}

/// Spawning in batches of 10,000, each polled before the next, keeps the
/// run queue small: the figure is the tasks, not a queue of a million
/// entries.
fn batches(n: usize) -> impl Iterator<Item = usize> {
    const BATCH: usize = 10_000;
    (0..n.div_ceil(BATCH)).map(move |i| BATCH.min(n - i * BATCH))
}

/// Spawns `n` idle tasks on `$rt` (a current-thread runtime of either
/// crate) and reports the RSS growth per task as `$name`.
macro_rules! measure {
    ($name:expr, $rt:expr, $n:expr) => {{
        let (rt, n) = ($rt, $n);
        let before = rss_bytes();
        for batch in batches(n) {
            for _ in 0..batch {
                // Detached: the JoinHandle is not kept.
                drop(rt.spawn(std::future::pending::<()>()));
            }
            // FIFO: when this one has run, the batch was polled once.
            rt.block_on(rt.spawn(async {})).unwrap();
        }
        report($name, n, before, rss_bytes());
    }};
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: task_memory (runtime|tokio) [N]";
    let n: usize = args.get(2).map_or(1_000_000, |n| n.parse().expect(usage));
    match args.get(1).map(String::as_str) {
        Some("runtime") => measure!(
            "runtime",
            runtime::Builder::new_current_thread()
                .task_tracking(std::env::var_os("INSTR_TRACK").is_some_and(|v| v == "1"))
                .build()
                .unwrap(),
            n
        ),
        Some("tokio") => measure!(
            "tokio",
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
            n
        ),
        _ => panic!("{usage}"),
    }
}
