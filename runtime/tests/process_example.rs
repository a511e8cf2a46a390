//! The `run_jobs` example's job runner, checked on what is deterministic:
//! every job is reported once, jobs that sleep well past their deadline
//! are killed, jobs that finish report their own output and exit status.
#![cfg(all(unix, feature = "full"))]

#[allow(dead_code)]
#[path = "../examples/run_jobs.rs"]
mod run_jobs;

use run_jobs::{job_millis, run, Outcome};
use std::time::Duration;

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_jobs_reports_every_job_and_kills_the_late_ones() {
    const JOBS: u64 = 40;
    let limit = Duration::from_millis(600);
    let done = runtime::time::timeout(Duration::from_secs(60), run(JOBS, limit))
        .await
        .expect("run_jobs hung");
    let mut seen: Vec<u64> = done.iter().map(|(i, _, _)| *i).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..JOBS).collect::<Vec<_>>());
    for (i, took, outcome) in &done {
        let sleep = Duration::from_millis(job_millis(*i));
        match outcome {
            Outcome::TimedOut => assert!(*took >= limit, "job {i} killed early"),
            Outcome::Exited { status, stdout } => {
                assert!(*took >= sleep, "job {i} finished before its own sleep");
                assert_eq!(stdout, &format!("job {i} done"));
                assert_eq!(status.success(), i % 7 != 3, "job {i}: {status}");
            }
            Outcome::SpawnFailed(e) => panic!("job {i}: {e}"),
        }
        // Twice the limit: only a timer 600 ms late could let it finish.
        if sleep >= 2 * limit {
            assert!(
                matches!(outcome, Outcome::TimedOut),
                "job {i} was not killed"
            );
        }
    }
    assert!(
        (0..JOBS).any(|i| job_millis(i) >= 1200),
        "no job outlives the limit"
    );
}
