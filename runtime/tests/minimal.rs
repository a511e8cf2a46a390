//! The runtime in any feature set, down to `rt-multi-thread` alone (no
//! reactor): tasks, `block_on`, the blocking pool and cross-thread wake-ups
//! on both flavours. CI runs it with `--no-default-features --features
//! rt-multi-thread,macros` as well as with everything on.

use runtime::Builder;
use std::thread;
use std::time::Duration;

/// The names of this process's threads, from `/proc` (Linux).
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable on Linux")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim_end().to_owned())
        .collect()
}

fn both_flavours() -> [Builder; 2] {
    let mut multi = Builder::new_multi_thread();
    multi.worker_threads(2);
    [multi, Builder::new_current_thread()]
}

#[test]
fn tasks_run_and_join_on_both_flavours() {
    for mut builder in both_flavours() {
        let rt = builder.build().unwrap();
        let sum = rt.block_on(async {
            let handles: Vec<_> = (0..100u64)
                .map(|i| runtime::spawn(async move { i }))
                .collect();
            let mut sum = 0;
            for handle in handles {
                runtime::task::yield_now().await;
                sum += handle.await.unwrap();
            }
            sum
        });
        assert_eq!(sum, 4950);
    }
}

#[test]
fn a_parked_runtime_is_woken_from_another_thread() {
    for mut builder in both_flavours() {
        let rt = builder.build().unwrap();
        // The blocking closure finishes while `block_on` (and, on the
        // multi-thread flavour, every worker) is asleep with nothing to do:
        // only its wake-up can finish the test.
        let out = rt.block_on(async {
            runtime::spawn_blocking(|| {
                thread::sleep(Duration::from_millis(50));
                "woken"
            })
            .await
            .unwrap()
        });
        assert_eq!(out, "woken");

        // A task spawned from a plain thread onto an idle runtime runs.
        let handle = rt.handle().clone();
        let task = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            handle.spawn(async { 7 })
        })
        .join()
        .unwrap();
        assert_eq!(rt.block_on(task).unwrap(), 7);
    }
}

#[test]
fn the_reactor_thread_exists_only_with_a_feature_that_needs_it() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("minimal-worker")
        .build()
        .unwrap();
    rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    let names = thread_names();
    assert!(
        names.iter().any(|n| n == "minimal-worker"),
        "no worker thread among {names:?}"
    );
    let has_driver_thread = names.iter().any(|n| n == "runtime-driver");
    assert_eq!(
        has_driver_thread,
        cfg!(feature = "driver"),
        "threads: {names:?}"
    );
}

#[cfg(feature = "macros")]
#[runtime::test]
async fn the_test_macro_works_without_a_reactor() {
    assert_eq!(runtime::spawn(async { 1 + 1 }).await.unwrap(), 2);
}

#[cfg(feature = "macros")]
#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_multi_thread_test_macro_works_without_a_reactor() {
    let on = runtime::spawn(async { thread::current().id() })
        .await
        .unwrap();
    assert_ne!(on, thread::current().id());
}
