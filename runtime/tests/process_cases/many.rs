//! 1,000 concurrent children on one runtime, without a thread per child:
//! shared by `process_many.rs` (pidfd path) and `process_many_sigchld.rs`
//! (SIGCHLD path). Each of those files has this one test, so the thread
//! count of the process is not disturbed by other tests' runtimes.

use runtime::process::Command;
use std::time::Duration;

const CHILDREN: usize = 1000;

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// Spawns `CHILDREN` `true`s at once, each waited for by its own task,
/// sampling this process's thread count while they run, on `rt`.
fn thousand_children(rt: runtime::Runtime) {
    rt.block_on(async {
        // Warm up: the runtime's own threads, the reaping machinery.
        assert!(Command::new("true").status().await.unwrap().success());
        let baseline = threads();
        let mut tasks = Vec::with_capacity(CHILDREN);
        let mut peak = baseline;
        for i in 0..CHILDREN {
            let mut child = Command::new("true").spawn().unwrap();
            tasks.push(runtime::spawn(async move { child.wait().await }));
            if i % 50 == 0 {
                peak = peak.max(threads());
            }
        }
        let sampler = runtime::spawn(async move {
            let mut peak = 0;
            for _ in 0..20 {
                peak = peak.max(threads());
                runtime::time::sleep(Duration::from_millis(5)).await;
            }
            peak
        });
        let mut ok = 0;
        for task in tasks {
            let status = runtime::time::timeout(Duration::from_secs(120), task)
                .await
                .expect("a child's wait hung")
                .unwrap()
                .unwrap();
            ok += usize::from(status.success());
        }
        peak = peak.max(sampler.await.unwrap());
        assert_eq!(ok, CHILDREN);
        // A thread per child would add ~1,000; allow for a blocking-pool
        // thread or two started by unrelated work.
        assert!(
            peak <= baseline + 4,
            "threads grew from {baseline} to {peak} while {CHILDREN} children ran"
        );
    });
}

pub fn on_both_flavours() {
    let current = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    thousand_children(current);
    let multi = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    thousand_children(multi);
}
