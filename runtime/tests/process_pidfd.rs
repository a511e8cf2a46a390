//! `runtime::process` on its default reaping path: a pidfd per child where
//! the kernel has `pidfd_open` (Linux 5.3+). The cases are in
//! `process_cases/`; `process_sigchld.rs` runs them on the SIGCHLD path.
#![cfg(all(unix, feature = "full"))]

#[macro_use]
mod process_cases;

use process_cases::watchdog;
use runtime::process::Command;

fn setup() {}

all_cases!();

/// How many pidfds this process holds.
fn open_pidfds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().contains("pidfd"))
        .count()
}

/// Where the kernel has pidfds, a waiting child holds one (and the SIGCHLD
/// path is not in use): this file really tests the pidfd path.
#[runtime::test]
async fn a_running_child_holds_a_pidfd() {
    watchdog(async {
        let mut child = Command::new("sleep").arg("100").spawn().unwrap();
        let kernel_has_pidfd = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .and_then(|r| {
                let mut parts = r.split(['.', '-']);
                let major: u32 = parts.next()?.parse().ok()?;
                let minor: u32 = parts.next()?.parse().ok()?;
                Some((major, minor) >= (5, 3))
            })
            .unwrap_or(false);
        if kernel_has_pidfd && std::env::var_os("RUNTIME_PROCESS_REAPER").is_none() {
            assert!(open_pidfds() >= 1, "no pidfd open while a child runs");
        }
        child.kill().await.unwrap();
    })
    .await;
}

/// Outside a runtime, spawning panics with a message that says what to do,
/// and starts nothing.
#[test]
#[should_panic(expected = "must be spawned")]
fn spawn_outside_a_runtime_panics() {
    let _ = Command::new("true").spawn();
}

/// A child dropped outside any runtime (here: after its runtime was shut
/// down) is queued and reaped at the next spawn.
#[test]
fn child_dropped_outside_a_runtime_is_reaped_by_the_next_spawn() {
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (child, pid) = rt.block_on(async {
        let child = Command::new("true").spawn().unwrap();
        let pid = child.id().unwrap();
        (child, pid)
    });
    drop(rt);
    // Let it exit: it is a zombie now, and nothing of ours waits for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while process_cases::proc_state(pid) != Some('Z') {
        assert!(std::time::Instant::now() < deadline, "`true` did not exit");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    drop(child);
    let rt = runtime::Runtime::new().unwrap();
    rt.block_on(async {
        assert!(Command::new("true").status().await.unwrap().success());
        process_cases::assert_reaped_soon(pid).await;
    });
}

/// A runtime shutting down drops a task that owns a `kill_on_drop` child:
/// the child is killed (the drop happens during the shutdown, where no new
/// reaper task can run) and reaped by the next spawn elsewhere.
#[test]
fn shutdown_kills_a_kill_on_drop_child_and_a_later_spawn_reaps_it() {
    for multi in [false, true] {
        let rt = if multi {
            runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap()
        } else {
            runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
        };
        let (tx, rx) = std::sync::mpsc::channel();
        rt.spawn(async move {
            let mut child = Command::new("sleep")
                .arg("100")
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            tx.send(child.id().unwrap()).unwrap();
            child.wait().await
        });
        if !multi {
            // A current-thread runtime runs tasks only inside `block_on`.
            rt.block_on(runtime::task::yield_now());
        }
        let pid = rx.recv().unwrap();
        drop(rt);
        let other = runtime::Runtime::new().unwrap();
        other.block_on(async {
            assert!(Command::new("true").status().await.unwrap().success());
            process_cases::assert_reaped_soon(pid).await;
        });
    }
}

/// As in Tokio: every type can move between tasks and threads, and the
/// futures of `wait`/`status`/`output` can be spawned.
#[test]
fn types_are_send_sync_and_futures_send() {
    fn send_sync<T: Send + Sync + Unpin>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Command>();
    send_sync::<runtime::process::Child>();
    send_sync::<runtime::process::ChildStdin>();
    send_sync::<runtime::process::ChildStdout>();
    send_sync::<runtime::process::ChildStderr>();
    let rt = runtime::Runtime::new().unwrap();
    let _guard = rt.enter();
    let mut child = Command::new("true").spawn().unwrap();
    send(&child.wait());
    send(&Command::new("true").status());
    send(&Command::new("true").output());
    drop(child);
}
