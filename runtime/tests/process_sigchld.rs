//! `runtime::process` on its SIGCHLD path, forced with
//! `RUNTIME_PROCESS_REAPER=sigchld` (read once, at the first spawn, so
//! every test sets it first): the same cases as `process_pidfd.rs`, from
//! `process_cases/`.
#![cfg(all(unix, feature = "full"))]

#[macro_use]
mod process_cases;

use process_cases::watchdog;
use runtime::process::Command;
use std::sync::Once;

/// Forces the SIGCHLD path before this process's first spawn.
fn setup() {
    static FORCE: Once = Once::new();
    // Every test calls this before spawning anything, and `Once` makes
    // concurrent callers wait, so no spawn can read the variable before it
    // is set. `set_var` takes std's environment lock, as every reader here
    // (std's `var_os`, `Command::spawn`) does.
    FORCE.call_once(|| std::env::set_var("RUNTIME_PROCESS_REAPER", "sigchld"));
}

all_cases!();

/// The switch works: no child of this process is waited for with a pidfd.
#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_pidfd_is_used() {
    setup();
    watchdog(async {
        let mut children: Vec<_> = (0..4)
            .map(|_| Command::new("sleep").arg("100").spawn().unwrap())
            .collect();
        let pidfds = std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
            .filter(|target| target.to_string_lossy().contains("pidfd"))
            .count();
        assert_eq!(pidfds, 0, "a pidfd is open although SIGCHLD was forced");
        for child in &mut children {
            child.kill().await.unwrap();
        }
    })
    .await;
}
