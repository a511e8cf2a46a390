//! `Builder::unhandled_panic`: with `ShutdownRuntime` a task's panic shuts the
//! runtime down (current-thread and local runtimes); with `Ignore` (the
//! default) it only fails the task.

use runtime::runtime::{Builder, LocalOptions, UnhandledPanic};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;

fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Sets its flag when dropped: tells whether a task was cancelled.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

#[test]
fn shutdown_runtime_cancels_the_others_and_block_on_panics() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .unhandled_panic(UnhandledPanic::ShutdownRuntime)
        .build()
        .unwrap();
    let other_dropped = Arc::new(AtomicBool::new(false));
    let flag = DropFlag(other_dropped.clone());
    let other = rt.spawn(async move {
        let _flag = flag;
        std::future::pending::<()>().await
    });
    // The panicking task's handle is kept: it still shuts the runtime down.
    let failing = rt.spawn(async { panic!("boom") });
    let err = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            loop {
                runtime::task::yield_now().await;
            }
        })
    }))
    .unwrap_err();
    assert!(message(err).contains("a spawned task panicked"));
    assert!(other_dropped.load(SeqCst), "the other task was cancelled");
    // The task's own handle still reports its panic; the other's, cancellation.
    let later = catch_unwind(AssertUnwindSafe(|| rt.block_on(async {})));
    assert!(later.is_err(), "every later block_on panics too");
    let other_rt = Builder::new_current_thread().build().unwrap();
    let (failing, other) = other_rt.block_on(async { (failing.await, other.await) });
    assert!(failing.unwrap_err().is_panic());
    assert!(other.unwrap_err().is_cancelled());
}

#[test]
fn ignore_is_the_default_and_keeps_running() {
    for builder in [Builder::new_current_thread(), {
        let mut b = Builder::new_current_thread();
        b.unhandled_panic(UnhandledPanic::Ignore);
        b
    }] {
        let mut builder = builder;
        let rt = builder.build().unwrap();
        let out = rt.block_on(async {
            let failed = runtime::spawn(async { panic!("boom") }).await;
            assert!(failed.unwrap_err().is_panic());
            runtime::spawn(async { 3 }).await.unwrap()
        });
        assert_eq!(out, 3);
    }
}

#[test]
fn ignore_on_multi_thread_is_accepted() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .unhandled_panic(UnhandledPanic::Ignore)
        .build()
        .unwrap();
    let failed = rt.block_on(async { runtime::spawn(async { panic!("boom") }).await });
    assert!(failed.unwrap_err().is_panic());
}

#[test]
#[should_panic(expected = "only supported in current thread runtime")]
fn shutdown_runtime_on_multi_thread_panics_at_the_builder() {
    Builder::new_multi_thread().unhandled_panic(UnhandledPanic::ShutdownRuntime);
}

#[test]
fn local_runtime_shuts_down_on_a_local_task_panic() {
    let rt = Builder::new_current_thread()
        .unhandled_panic(UnhandledPanic::ShutdownRuntime)
        .build_local(LocalOptions::default())
        .unwrap();
    let err = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let rc = std::rc::Rc::new(()); // a `!Send` task
            runtime::task::spawn_local(async move {
                let _rc = rc;
                panic!("local boom")
            });
            loop {
                runtime::task::yield_now().await;
            }
        })
    }))
    .unwrap_err();
    assert!(message(err).contains("a spawned task panicked"));
}

#[test]
fn local_runtime_shuts_down_on_a_send_task_panic() {
    let rt = Builder::new_current_thread()
        .unhandled_panic(UnhandledPanic::ShutdownRuntime)
        .build_local(LocalOptions::default())
        .unwrap();
    rt.spawn_local(async {});
    rt.handle().spawn(async { panic!("send boom") });
    let err = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(std::future::pending::<()>())
    }));
    assert!(message(err.unwrap_err()).contains("a spawned task panicked"));
}

#[test]
fn local_runtime_ignores_by_default() {
    let rt = Builder::new_current_thread()
        .build_local(LocalOptions::default())
        .unwrap();
    let out = rt.block_on(async {
        let failed = runtime::task::spawn_local(async { panic!("boom") }).await;
        assert!(failed.unwrap_err().is_panic());
        4
    });
    assert_eq!(out, 4);
}

#[runtime::test(unhandled_panic = "shutdown_runtime")]
#[should_panic(expected = "a spawned task panicked")]
async fn macro_option_shuts_down() {
    runtime::spawn(async { panic!("boom") });
    loop {
        runtime::task::yield_now().await;
    }
}

#[runtime::test(flavor = "local", unhandled_panic = "shutdown_runtime")]
#[should_panic(expected = "a spawned task panicked")]
async fn macro_option_on_local_flavor() {
    runtime::task::spawn_local(async { panic!("boom") });
    loop {
        runtime::task::yield_now().await;
    }
}
