//! The orphan reaper alone: in this file no spawn follows a drop, so a
//! dropped child can only be reaped by the reaper task listening for
//! SIGCHLD (not by the sweep every spawn does). One test, so that no
//! other test's spawn sweeps the queue meanwhile.
#![cfg(all(unix, feature = "full"))]

#[allow(dead_code, unused_macros)]
mod process_cases;

use process_cases::{assert_reaped_soon, proc_state, watchdog};
use runtime::process::Command;

/// Spawns a child that outlives its `Child` by 0.2 s, drops it, and checks
/// that it is reaped once it exits, with no further spawn.
async fn dropped_child_is_reaped_by_the_reaper(kill_on_drop: bool) {
    let child = Command::new("sh")
        .args(["-c", "sleep 0.2"])
        .kill_on_drop(kill_on_drop)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    drop(child);
    assert_reaped_soon(pid).await;
}

#[test]
fn orphans_are_reaped_on_sigchld_per_runtime() {
    let current = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let multi = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for rt in [&current, &multi] {
        rt.block_on(watchdog(async {
            dropped_child_is_reaped_by_the_reaper(false).await;
            dropped_child_is_reaped_by_the_reaper(true).await;
        }));
    }

    // An idle runtime must not hold the only reaper: a child dropped in
    // `idle`'s `block_on` (whose reaper task never runs afterwards, since
    // nobody drives `idle` again) and another dropped on `multi` are
    // reaped by `multi`'s own reaper.
    let idle = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let first = idle.block_on(async {
        let child = Command::new("sh")
            .args(["-c", "sleep 0.1"])
            .spawn()
            .unwrap();
        let pid = child.id().unwrap();
        drop(child);
        pid
    });
    multi.block_on(watchdog(async {
        let child = Command::new("sh")
            .args(["-c", "sleep 0.1"])
            .spawn()
            .unwrap();
        let second = child.id().unwrap();
        drop(child);
        assert_reaped_soon(second).await;
        assert_reaped_soon(first).await;
        assert_eq!(proc_state(first), None);
    }));
    drop(idle);
}
