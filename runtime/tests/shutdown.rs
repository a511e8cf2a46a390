//! Shutting a runtime down from unusual places, as Tokio allows: from inside
//! another runtime without waiting, and from a thread-local destructor.
#![cfg(feature = "full")]

use runtime::task::LocalSet;
use runtime::{Builder, Runtime};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

/// A runtime flavour's name and how to build it.
type Flavour = (&'static str, fn() -> Runtime);

fn flavours() -> [Flavour; 2] {
    [
        ("current_thread", || {
            Builder::new_current_thread().enable_all().build().unwrap()
        }),
        ("multi_thread", || {
            Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap()
        }),
    ]
}

/// Sets its flag when dropped: the runtime cancelled the task holding it.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

/// A runtime with one pending task that holds a `DropFlag`.
fn runtime_with_a_pending_task(build: fn() -> Runtime) -> (Runtime, Arc<AtomicBool>) {
    let rt = build();
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = DropFlag(dropped.clone());
    rt.spawn(async move {
        let _flag = flag;
        std::future::pending::<()>().await
    });
    (rt, dropped)
}

/// Waits (on the real clock, from an async context) until `flag` is set.
async fn eventually(flag: &AtomicBool) -> bool {
    for _ in 0..500 {
        if flag.load(SeqCst) {
            return true;
        }
        runtime::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[test]
fn shutdown_background_inside_another_runtime_does_not_panic() {
    for (outer_name, outer) in flavours() {
        for (inner_name, inner) in flavours() {
            let outer = outer();
            outer.block_on(async {
                let (rt, dropped) = runtime_with_a_pending_task(inner);
                rt.shutdown_background();
                assert!(
                    eventually(&dropped).await,
                    "{inner_name} in {outer_name}: the task was never cancelled"
                );
            });
        }
    }
}

#[test]
fn shutdown_timeout_zero_inside_another_runtime_does_not_panic() {
    for (outer_name, outer) in flavours() {
        for (inner_name, inner) in flavours() {
            let outer = outer();
            // Inside a spawned task too, not only in `block_on`.
            let task = outer.spawn(async move {
                let (rt, dropped) = runtime_with_a_pending_task(inner);
                rt.shutdown_timeout(Duration::ZERO);
                eventually(&dropped).await
            });
            let cancelled = outer
                .block_on(task)
                .unwrap_or_else(|e| panic!("{inner_name} in {outer_name}: the task panicked: {e}"));
            assert!(cancelled, "{inner_name} in {outer_name}: never cancelled");
        }
    }
}

thread_local! {
    static KEPT_RUNTIME: RefCell<Option<Runtime>> = const { RefCell::new(None) };
    static KEPT_LOCAL_SET: RefCell<Option<LocalSet>> = const { RefCell::new(None) };
}

/// Stores the value in a thread-local of this test *before* the runtime's
/// own thread-locals are first used, then uses the runtime: thread-locals are
/// destroyed in the reverse order of first use, so the runtime is dropped
/// after its context is gone, which used to abort the process ("fatal runtime
/// error: thread local panicked on drop"). Runs in a child process, since an
/// abort would take the whole test binary down.
#[test]
fn runtime_and_local_set_dropped_during_thread_local_destruction() {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "tls_destruction_child",
            "--ignored",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
#[ignore = "run in a child process by runtime_and_local_set_dropped_during_thread_local_destruction"]
fn tls_destruction_child() {
    for (name, build) in flavours() {
        let (rt, dropped) = runtime_with_a_pending_task(build);
        let on_thread = std::thread::spawn(move || {
            KEPT_RUNTIME.with(|k| *k.borrow_mut() = Some(rt));
            KEPT_RUNTIME.with(|k| {
                let k = k.borrow();
                let rt = k.as_ref().unwrap();
                rt.block_on(async { runtime::task::yield_now().await });
            });
        });
        on_thread.join().expect("thread exit aborted or panicked");
        assert!(dropped.load(SeqCst), "{name}: the task was cancelled");
    }
    let on_thread = std::thread::spawn(|| {
        let rt = Builder::new_current_thread().build().unwrap();
        KEPT_LOCAL_SET.with(|k| *k.borrow_mut() = Some(LocalSet::new()));
        KEPT_LOCAL_SET.with(|k| {
            let k = k.borrow();
            let local = k.as_ref().unwrap();
            local.spawn_local(std::future::pending::<()>());
            rt.block_on(local.run_until(runtime::task::yield_now()));
        });
    });
    on_thread.join().expect("thread exit aborted or panicked");
}

/// Records, when dropped, whether a runtime was current.
struct SeesRuntimeOnDrop(Arc<std::sync::Mutex<Option<bool>>>);

impl Drop for SeesRuntimeOnDrop {
    fn drop(&mut self) {
        *self.0.lock().unwrap() = Some(runtime::Handle::try_current().is_ok());
    }
}

#[test]
fn tasks_dropped_at_shutdown_see_their_runtime_as_current() {
    for (name, build) in flavours() {
        for how in ["drop", "shutdown_timeout", "shutdown_background"] {
            let rt = build();
            let seen = Arc::new(std::sync::Mutex::new(None));
            let probe = SeesRuntimeOnDrop(seen.clone());
            rt.spawn(async move {
                let _probe = probe;
                std::future::pending::<()>().await
            });
            // Let it start (the multi-thread workers poll it; current-thread here).
            rt.block_on(runtime::task::yield_now());
            match how {
                "drop" => drop(rt),
                "shutdown_timeout" => rt.shutdown_timeout(Duration::from_secs(5)),
                _ => rt.shutdown_background(),
            }
            // `shutdown_background` may leave the cancelling to a worker.
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while seen.lock().unwrap().is_none() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            assert_eq!(
                *seen.lock().unwrap(),
                Some(true),
                "{name}, {how}: the task's destructor did not see its runtime"
            );
        }
    }
}

#[test]
fn enter_guards_dropped_out_of_order_panic() {
    let rt1 = Builder::new_current_thread().build().unwrap();
    let rt2 = Builder::new_current_thread().build().unwrap();
    let a = rt1.enter();
    let b = rt2.enter();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(a)))
        .expect_err("dropping the older guard first must panic");
    let msg = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(msg.contains("dropped out of order"), "{msg}");
    drop(b);
}

#[test]
fn enter_guards_dropped_in_order_restore_the_previous_runtime() {
    let rt1 = Builder::new_current_thread().build().unwrap();
    let rt2 = Builder::new_current_thread().build().unwrap();
    assert!(runtime::Handle::try_current().is_err());
    let a = rt1.enter();
    let b = rt2.enter();
    drop(b);
    // rt1 is current again: a task spawned now runs on rt1.
    let task = runtime::spawn(async { 1 });
    assert_eq!(rt1.block_on(task).unwrap(), 1);
    drop(a);
    assert!(runtime::Handle::try_current().is_err());
}

#[test]
fn spawn_blocking_started_before_shutdown_still_delivers_its_result() {
    // One blocking thread: the second closure is still queued at shutdown.
    let builds: [Flavour; 2] = [
        ("current_thread", || {
            Builder::new_current_thread()
                .max_blocking_threads(1)
                .build()
                .unwrap()
        }),
        ("multi_thread", || {
            Builder::new_multi_thread()
                .worker_threads(1)
                .max_blocking_threads(1)
                .build()
                .unwrap()
        }),
    ];
    for (name, build) in builds {
        let rt = build();
        let running = rt.spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(50));
            41
        });
        let queued = rt.spawn_blocking(|| 42);
        rt.shutdown_timeout(Duration::from_secs(100));
        let other = Builder::new_current_thread().build().unwrap();
        assert_eq!(other.block_on(running).unwrap(), 41, "{name}");
        assert_eq!(
            other.block_on(queued).unwrap(),
            42,
            "{name}: queued closure"
        );
    }
}
