//! Runs N shell jobs at once, each with its output piped back and its own
//! timeout, then prints a summary.
//!
//! Job `i` sleeps a pseudo-random time up to 1.5 s, prints a line, and exits
//! with `i % 7 == 3` as a failure; jobs still running at their deadline are
//! killed (`kill_on_drop`: dropping the timed-out wait kills the child, and
//! the runtime reaps it). No thread is used per job: the children's pipes
//! and exits are watched by the reactor.
//!
//! Run with `cargo run --example run_jobs -- [JOBS] [TIMEOUT_MS]`
//! (defaults: 50 jobs, 1000 ms).

use runtime::process::Command;
use runtime::task::JoinSet;
use runtime::time::timeout;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How one job ended.
pub enum Outcome {
    /// The job exited by itself.
    Exited {
        /// How it exited.
        status: ExitStatus,
        /// What it printed, trimmed.
        stdout: String,
    },
    /// Still running at its deadline: killed.
    TimedOut,
    /// Could not be spawned or waited for.
    SpawnFailed(std::io::Error),
}

/// How long job `i` sleeps: a cheap deterministic spread over 0..1500 ms.
pub fn job_millis(i: u64) -> u64 {
    (i.wrapping_mul(2_654_435_761) >> 7) % 1500
}

async fn run_job(i: u64, limit: Duration) -> (u64, Duration, Outcome) {
    let millis = job_millis(i);
    let script = format!(
        "sleep {}.{:03}; echo \"job {i} done\"; [ $(({i} % 7)) -ne 3 ]",
        millis / 1000,
        millis % 1000
    );
    let start = Instant::now();
    let child = Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let outcome = match child {
        Err(e) => Outcome::SpawnFailed(e),
        Ok(child) => match timeout(limit, child.wait_with_output()).await {
            // The wait was dropped with the child: killed, reaped later.
            Err(_elapsed) => Outcome::TimedOut,
            Ok(Err(e)) => Outcome::SpawnFailed(e),
            Ok(Ok(out)) => Outcome::Exited {
                status: out.status,
                stdout: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            },
        },
    };
    (i, start.elapsed(), outcome)
}

/// Runs jobs `0..jobs` at once, `limit` each; returns `(job, time taken,
/// outcome)` in completion order.
pub async fn run(jobs: u64, limit: Duration) -> Vec<(u64, Duration, Outcome)> {
    let mut set = JoinSet::new();
    for i in 0..jobs {
        set.spawn(run_job(i, limit));
    }
    let mut done = Vec::with_capacity(jobs as usize);
    while let Some(job) = set.join_next().await {
        done.push(job.expect("a job task panicked"));
    }
    done
}

/// Parses `[JOBS] [TIMEOUT_MS]`, runs the jobs, prints each failure and
/// the summary.
#[runtime::main]
pub async fn main() {
    let mut args = std::env::args().skip(1);
    let jobs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let limit = Duration::from_millis(args.next().and_then(|a| a.parse().ok()).unwrap_or(1000));
    println!("running {jobs} jobs, {} ms timeout each", limit.as_millis());

    let started = Instant::now();
    let (mut ok, mut failed, mut timed_out, mut errors) = (0, 0, 0, 0);
    let mut slowest = Duration::ZERO;
    for (i, took, outcome) in run(jobs, limit).await {
        slowest = slowest.max(took);
        match outcome {
            Outcome::Exited { status, stdout } if status.success() => {
                ok += 1;
                assert_eq!(stdout, format!("job {i} done"));
            }
            Outcome::Exited { status, .. } => {
                failed += 1;
                println!("job {i:>4}: failed ({status}) after {took:.2?}");
            }
            Outcome::TimedOut => {
                timed_out += 1;
                println!("job {i:>4}: timed out, killed");
            }
            Outcome::SpawnFailed(e) => {
                errors += 1;
                println!("job {i:>4}: error: {e}");
            }
        }
    }
    println!(
        "{jobs} jobs in {:.2?}: {ok} ok, {failed} failed, {timed_out} timed out, \
         {errors} errors (slowest job {slowest:.2?})",
        started.elapsed()
    );
}
