//! `LocalRuntime` and `Builder::build_local`: `!Send` tasks without a
//! `LocalSet`, as in Tokio 1.54.

use runtime::runtime::{Builder, LocalOptions, LocalRuntime};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn spawn_local_inside_block_on_runs_not_send_futures() {
    let rt = LocalRuntime::new().unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let out = rt.block_on(async move {
        let a = {
            let l = l.clone();
            runtime::task::spawn_local(async move {
                l.borrow_mut().push(1);
                "a"
            })
        };
        let b = {
            let l = l.clone();
            runtime::task::spawn_local(async move {
                runtime::task::yield_now().await;
                l.borrow_mut().push(2);
                "b"
            })
        };
        (a.await.unwrap(), b.await.unwrap())
    });
    assert_eq!(out, ("a", "b"));
    assert_eq!(*log.borrow(), [1, 2]);
}

#[test]
fn spawn_local_from_outside_runs_at_next_block_on() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .build_local(LocalOptions::default())
        .unwrap();
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let task = rt.spawn_local(async move {
        r.set(true);
        5
    });
    assert!(!ran.get());
    assert_eq!(rt.block_on(task).unwrap(), 5);
    assert!(ran.get());
}

#[test]
fn join_handle_reports_panics_and_abort() {
    let rt = LocalRuntime::new().unwrap();
    rt.block_on(async {
        let rc = Rc::new(());
        let panicked = runtime::task::spawn_local(async move {
            let _rc = rc;
            panic!("boom");
        });
        assert!(panicked.await.unwrap_err().is_panic());

        let pending = runtime::task::spawn_local(std::future::pending::<()>());
        pending.abort();
        assert!(pending.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn send_tasks_timers_and_blocking_work() {
    let rt = LocalRuntime::new().unwrap();
    let out = rt.block_on(async {
        let send = runtime::spawn(async { 1 });
        let blocking = runtime::task::spawn_blocking(|| 2);
        runtime::time::sleep(Duration::from_millis(5)).await;
        send.await.unwrap() + blocking.await.unwrap()
    });
    assert_eq!(out, 3);
    assert_eq!(rt.block_on(rt.spawn_blocking(|| 4)).unwrap(), 4);
    assert_eq!(rt.block_on(rt.handle().spawn(async { 6 })).unwrap(), 6);
    let _guard = rt.enter();
    assert!(runtime::runtime::Handle::try_current().is_ok());
}

struct SetOnDrop(Arc<AtomicBool>);
impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_runtime_drops_local_tasks() {
    let dropped = Arc::new(AtomicBool::new(false));
    let rt = LocalRuntime::new().unwrap();
    let guard = SetOnDrop(dropped.clone());
    let _rc = Rc::new(());
    let handle = rt.spawn_local(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    rt.block_on(runtime::task::yield_now());
    assert!(!dropped.load(Ordering::SeqCst));
    drop(rt);
    assert!(dropped.load(Ordering::SeqCst));
    drop(handle);
}

#[test]
fn shutdown_timeout_and_background_drop_local_tasks() {
    for background in [false, true] {
        let dropped = Arc::new(AtomicBool::new(false));
        let rt = LocalRuntime::new().unwrap();
        let guard = SetOnDrop(dropped.clone());
        rt.block_on(async move {
            runtime::task::spawn_local(async move {
                let _guard = guard;
                runtime::time::sleep(Duration::from_secs(60)).await;
            });
            runtime::task::yield_now().await;
        });
        if background {
            rt.shutdown_background();
        } else {
            rt.shutdown_timeout(Duration::from_millis(10));
        }
        assert!(dropped.load(Ordering::SeqCst));
    }
}

#[test]
#[should_panic]
fn nested_block_on_panics() {
    let rt = LocalRuntime::new().unwrap();
    rt.block_on(async {
        let inner = LocalRuntime::new().unwrap();
        inner.block_on(async {});
    });
}

#[test]
#[should_panic(expected = "multi_thread is not supported for LocalRuntime")]
fn build_local_on_multi_thread_panics() {
    let _ = Builder::new_multi_thread().build_local(LocalOptions::default());
}

#[runtime::test(flavor = "local")]
async fn test_attribute_local_flavor() {
    let rc = Rc::new(3);
    let r = rc.clone();
    let n = runtime::task::spawn_local(async move { *r * 2 })
        .await
        .unwrap();
    assert_eq!(n, 6);
}

#[test]
fn send_task_can_spawn_local() {
    let rt = LocalRuntime::new().unwrap();
    let out = rt.block_on(async {
        let send = runtime::spawn(async {
            // The `Rc` stays in the local task; only the number comes out.
            let h = runtime::task::spawn_local(async {
                let rc = Rc::new(11);
                runtime::task::yield_now().await;
                *rc
            });
            h.await.unwrap()
        });
        send.await.unwrap()
    });
    assert_eq!(out, 11);
}

#[test]
fn local_tasks_survive_between_block_ons() {
    let rt = LocalRuntime::new().unwrap();
    let counter = Rc::new(Cell::new(0));
    let c = counter.clone();
    let (tx, rx) = runtime::sync::oneshot::channel::<()>();
    let task = rt.spawn_local(async move {
        c.set(1);
        rx.await.unwrap();
        c.set(2);
    });
    rt.block_on(runtime::task::yield_now());
    assert_eq!(counter.get(), 1);
    tx.send(()).unwrap();
    rt.block_on(task).unwrap();
    assert_eq!(counter.get(), 2);
}

#[test]
fn handle_is_send_and_spawns_from_other_threads() {
    let rt = LocalRuntime::new().unwrap();
    let handle = rt.handle().clone();
    let task = std::thread::spawn(move || handle.spawn(async { 2 }))
        .join()
        .unwrap();
    assert_eq!(rt.block_on(task).unwrap(), 2);
}

#[test]
fn reports_current_thread_flavor() {
    let rt = LocalRuntime::new().unwrap();
    let flavor = rt.block_on(async { runtime::runtime::Handle::current().runtime_flavor() });
    assert_eq!(flavor, runtime::runtime::RuntimeFlavor::CurrentThread);
}
