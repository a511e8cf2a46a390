//! Integration tests of the runtime: spawning, joining, cancellation, panics,
//! blocking pool, shutdown and misuse, on both flavours.
#![cfg(feature = "full")]

use runtime::task::{self, JoinSet};
use runtime::{Builder, Handle, Runtime};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

fn current() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .unwrap()
}

fn both() -> [Runtime; 2] {
    [current(), multi(2)]
}

/// Sets a flag when dropped: observes that a future was dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

/// Never completes; keeps its waker where the test can reach it.
struct Stash(Arc<Mutex<Option<Waker>>>);

impl Future for Stash {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.0.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The message of a panic payload (`&str` or `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .expect("panic payload is a string")
}

/// A minimal executor on a plain thread, to show JoinHandle is runtime-agnostic.
fn foreign_block_on<F: Future>(fut: F) -> F::Output {
    struct Unparker(thread::Thread);
    impl std::task::Wake for Unparker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        thread::park();
    }
}

#[test]
fn spawn_and_join_on_both_flavours() {
    for rt in both() {
        let out = rt.block_on(async {
            let h = runtime::spawn(async { 40 + 2 });
            h.await.unwrap()
        });
        assert_eq!(out, 42);
    }
}

#[test]
fn ten_thousand_tasks_all_complete_with_their_own_result() {
    for rt in both() {
        let sum = rt.block_on(async {
            let handles: Vec<_> = (0..10_000u64)
                .map(|i| runtime::spawn(async move { i * 3 }))
                .collect();
            let mut sum = 0;
            for h in handles {
                sum += h.await.unwrap();
            }
            sum
        });
        assert_eq!(sum, 3 * 10_000 * 9_999 / 2);
    }
}

#[test]
fn spawn_from_outside_runs_on_workers() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("pool-thread")
        .build()
        .unwrap();
    let handles: Vec<_> = (0..100)
        .map(|_| rt.spawn(async { thread::current().name().map(str::to_owned) }))
        .collect();
    for h in handles {
        let name = rt.block_on(h).unwrap();
        assert_eq!(name.as_deref(), Some("pool-thread"));
    }
}

#[test]
fn tasks_spawned_from_multi_thread_block_on_run_on_workers() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("w")
        .build()
        .unwrap();
    let name = rt.block_on(async {
        runtime::spawn(async { thread::current().name().map(str::to_owned) })
            .await
            .unwrap()
    });
    assert_eq!(name.as_deref(), Some("w"));
}

#[test]
fn deep_spawn_chain_completes() {
    fn chain(n: usize, done: mpsc::SyncSender<()>) {
        if n == 0 {
            done.send(()).unwrap();
        } else {
            runtime::spawn(async move { chain(n - 1, done) });
        }
    }
    for rt in both() {
        let (tx, rx) = mpsc::sync_channel(1);
        rt.block_on(async move {
            runtime::spawn(async move { chain(1000, tx) });
            // A current-thread runtime only runs tasks inside `block_on`.
            while rx.try_recv().is_err() {
                task::yield_now().await;
            }
        });
    }
}

#[test]
fn yield_now_lets_other_tasks_run() {
    let rt = current();
    let order = rt.block_on(async {
        let log = Arc::new(Mutex::new(Vec::new()));
        let l1 = log.clone();
        let a = runtime::spawn(async move {
            for i in 0..3 {
                l1.lock().unwrap().push(("a", i));
                task::yield_now().await;
            }
        });
        let l2 = log.clone();
        let b = runtime::spawn(async move {
            for i in 0..3 {
                l2.lock().unwrap().push(("b", i));
                task::yield_now().await;
            }
        });
        a.await.unwrap();
        b.await.unwrap();
        Arc::try_unwrap(log).unwrap().into_inner().unwrap()
    });
    assert_eq!(
        order,
        [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    );
}

#[test]
fn cooperative_budget_stops_an_always_ready_task_from_starving_others() {
    let rt = current();
    rt.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let hog = runtime::spawn(async move {
            let mut spins = 0u64;
            while !s.load(SeqCst) {
                task::consume_budget().await;
                spins += 1;
            }
            spins
        });
        let s = stop.clone();
        runtime::spawn(async move { s.store(true, SeqCst) });
        let spins = hog.await.unwrap();
        assert!(spins >= 1, "the hog ran before yielding");
    });
}

#[test]
fn panic_in_task_becomes_join_error_and_worker_survives() {
    for rt in both() {
        rt.block_on(async {
            let err = runtime::spawn(async { panic!("boom {}", 7) })
                .await
                .unwrap_err();
            assert!(err.is_panic());
            assert!(!err.is_cancelled());
            assert!(err.to_string().contains("boom 7"), "{err}");
            let payload = err.into_panic();
            assert_eq!(panic_message(&*payload), "boom 7");
            // The worker that ran the panicking task still runs tasks.
            for _ in 0..10 {
                assert_eq!(runtime::spawn(async { 5 }).await.unwrap(), 5);
            }
        });
    }
}

#[test]
fn panic_in_future_drop_on_abort_is_reported() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop panicked");
        }
    }
    let rt = current();
    rt.block_on(async {
        let h = runtime::spawn(async {
            let _p = PanicOnDrop;
            std::future::pending::<()>().await;
        });
        task::yield_now().await;
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_panic(), "{err:?}");
    });
}

#[test]
fn abort_cancels_pending_task_and_drops_its_future() {
    for rt in both() {
        rt.block_on(async {
            let dropped = Arc::new(AtomicBool::new(false));
            let flag = DropFlag(dropped.clone());
            let h = runtime::spawn(async move {
                let _flag = flag;
                std::future::pending::<()>().await;
            });
            task::yield_now().await;
            h.abort();
            let err = h.await.unwrap_err();
            assert!(err.is_cancelled());
            assert!(err.to_string().contains("cancelled"));
            assert!(dropped.load(SeqCst));
        });
    }
}

#[test]
fn abort_before_first_poll_never_runs_the_future() {
    let rt = current();
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let h = rt.spawn(async move { r.store(true, SeqCst) });
    h.abort();
    assert!(rt.block_on(h).unwrap_err().is_cancelled());
    assert!(!ran.load(SeqCst));
}

#[test]
fn abort_after_completion_keeps_the_output() {
    let rt = current();
    rt.block_on(async {
        let h = runtime::spawn(async { 9 });
        while !h.is_finished() {
            task::yield_now().await;
        }
        h.abort();
        assert_eq!(h.await.unwrap(), 9);
    });
}

#[test]
fn dropping_join_handle_detaches_the_task() {
    for rt in both() {
        let (tx, rx) = mpsc::channel();
        rt.block_on(async move {
            drop(runtime::spawn(async move {
                task::yield_now().await;
                tx.send(1).unwrap();
            }));
            while rx.try_recv().is_err() {
                task::yield_now().await;
            }
        });
    }
}

#[test]
fn output_of_detached_task_is_dropped() {
    let rt = current();
    let dropped = Arc::new(AtomicBool::new(false));
    let d = dropped.clone();
    let h = rt.spawn(async move { DropFlag(d) });
    drop(h);
    rt.block_on(task::yield_now());
    rt.block_on(task::yield_now());
    assert!(dropped.load(SeqCst));
}

#[test]
fn join_handle_can_be_awaited_from_a_foreign_executor() {
    let rt = multi(2);
    let h = rt.spawn(async {
        task::yield_now().await;
        "done"
    });
    let out = thread::spawn(move || foreign_block_on(h)).join().unwrap();
    assert_eq!(out.unwrap(), "done");
}

#[test]
fn dropping_runtime_cancels_pending_tasks() {
    for rt in both() {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let h = rt.spawn(async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        });
        rt.block_on(task::yield_now());
        drop(rt);
        assert!(dropped.load(SeqCst), "future dropped at shutdown");
        assert!(foreign_block_on(h).unwrap_err().is_cancelled());
    }
}

#[test]
fn waker_used_after_runtime_drop_is_harmless() {
    for rt in both() {
        let slot = Arc::new(Mutex::new(None));
        let s = slot.clone();
        let h = rt.spawn(Stash(s));
        while slot.lock().unwrap().is_none() {
            thread::yield_now();
            rt.block_on(task::yield_now());
        }
        drop(rt);
        let waker = slot.lock().unwrap().take().unwrap();
        thread::spawn(move || {
            waker.wake_by_ref();
            waker.wake();
        })
        .join()
        .unwrap();
        assert!(foreign_block_on(h).unwrap_err().is_cancelled());
    }
}

#[test]
fn spawn_after_shutdown_began_is_cancelled() {
    let rt = multi(2);
    let handle = rt.handle().clone();
    drop(rt);
    let h = handle.spawn(async { 1 });
    assert!(foreign_block_on(h).unwrap_err().is_cancelled());
}

#[test]
fn handle_current_works_in_spawn_blocking_and_block_on_inside_it() {
    for rt in both() {
        let out = rt.block_on(async {
            runtime::spawn_blocking(|| {
                let handle = Handle::current();
                handle.block_on(async { runtime::spawn(async { 11 }).await.unwrap() })
            })
            .await
            .unwrap()
        });
        assert_eq!(out, 11);
    }
}

#[test]
fn spawn_blocking_runs_closures_in_parallel_up_to_the_limit() {
    let rt = Builder::new_current_thread()
        .max_blocking_threads(3)
        .build()
        .unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let handles: Vec<_> = (0..9)
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                runtime::spawn_blocking(move || {
                    let now = running.fetch_add(1, SeqCst) + 1;
                    peak.fetch_max(now, SeqCst);
                    thread::sleep(Duration::from_millis(30));
                    running.fetch_sub(1, SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(peak.load(SeqCst), 3);
    assert!(rt.handle().num_alive_tasks() == 0);
}

#[test]
fn idle_blocking_threads_retire_after_keep_alive() {
    let rt = Builder::new_current_thread()
        .thread_keep_alive(Duration::from_millis(50))
        .build()
        .unwrap();
    rt.block_on(async { runtime::spawn_blocking(|| ()).await.unwrap() });
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if rt.handle().num_blocking_threads() == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "blocking thread never retired");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn panic_in_spawn_blocking_becomes_join_error() {
    let rt = current();
    let err = rt
        .block_on(rt.spawn_blocking(|| panic!("blocking boom")))
        .unwrap_err();
    assert!(err.is_panic());
}

#[test]
fn shutdown_timeout_does_not_wait_for_long_blocking_closure() {
    let rt = multi(1);
    let (tx, rx) = mpsc::channel();
    rt.spawn_blocking(move || {
        tx.send(()).unwrap();
        thread::sleep(Duration::from_secs(3));
    });
    rx.recv().unwrap();
    let start = Instant::now();
    rt.shutdown_timeout(Duration::from_millis(50));
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn spawn_outside_runtime_panics_with_clear_message() {
    let err = std::panic::catch_unwind(|| runtime::spawn(async {})).unwrap_err();
    let msg = panic_message(&*err);
    assert!(
        msg.contains("must be called from the context of a runtime"),
        "{msg}"
    );
    assert!(Handle::try_current().is_err());
}

#[test]
fn nested_block_on_panics_with_clear_message() {
    for rt in both() {
        let rt = Arc::new(rt);
        let inner = rt.clone();
        let err = rt
            .block_on(async move { runtime::spawn(async move { inner.block_on(async {}) }).await })
            .unwrap_err();
        assert!(err.is_panic());
        let payload = err.into_panic();
        let msg = panic_message(&*payload);
        assert!(
            msg.contains("Cannot start a runtime from within a runtime"),
            "{msg}"
        );
    }
}

#[test]
fn enter_guard_allows_spawn_outside_block_on() {
    let rt = multi(1);
    let h = {
        let _guard = rt.enter();
        assert!(Handle::try_current().is_ok());
        runtime::spawn(async { 3 })
    };
    assert!(Handle::try_current().is_err());
    assert_eq!(rt.block_on(h).unwrap(), 3);
}

#[test]
fn current_thread_block_on_from_two_threads() {
    let rt = Arc::new(current());
    let rt2 = rt.clone();
    // An async channel: the task below may run on the main thread, inside
    // its `block_on`, before the main future sends. With a blocking
    // `std::sync::mpsc::Receiver::recv` there, the main thread blocked in
    // the task and never sent (seen once in CI, under load).
    let (tx, rx) = runtime::sync::oneshot::channel::<()>();
    let other = thread::spawn(move || {
        rt2.block_on(async move {
            // Wait (driving or not) until the main thread's future signals.
            let h = runtime::spawn(async move { rx.await.is_ok() });
            h.await.unwrap()
        })
    });
    rt.block_on(async move {
        task::yield_now().await;
        tx.send(()).unwrap();
    });
    assert!(other.join().unwrap());
}

#[test]
fn join_set_returns_results_in_completion_order_and_counts() {
    for rt in both() {
        rt.block_on(async {
            let mut set = JoinSet::new();
            assert!(set.is_empty());
            for i in 0..1000u64 {
                set.spawn(async move {
                    for _ in 0..(i % 3) {
                        task::yield_now().await;
                    }
                    i
                });
            }
            assert_eq!(set.len(), 1000);
            let mut seen = vec![false; 1000];
            while let Some(res) = set.join_next().await {
                let i = res.unwrap() as usize;
                assert!(!seen[i], "result {i} returned twice");
                seen[i] = true;
            }
            assert!(seen.iter().all(|&s| s));
            assert!(set.is_empty());
            assert!(set.join_next().await.is_none());
        });
    }
}

#[test]
fn join_set_shutdown_and_drop_abort_members() {
    for rt in both() {
        rt.block_on(async {
            let dropped = Arc::new(AtomicUsize::new(0));
            struct Count(Arc<AtomicUsize>);
            impl Drop for Count {
                fn drop(&mut self) {
                    self.0.fetch_add(1, SeqCst);
                }
            }
            let mut set = JoinSet::new();
            for _ in 0..10 {
                let c = Count(dropped.clone());
                set.spawn(async move {
                    let _c = c;
                    std::future::pending::<()>().await
                });
            }
            task::yield_now().await;
            set.shutdown().await;
            assert!(set.is_empty());
            assert_eq!(dropped.load(SeqCst), 10);

            let mut set = JoinSet::new();
            for _ in 0..10 {
                let c = Count(dropped.clone());
                set.spawn(async move {
                    let _c = c;
                    std::future::pending::<()>().await
                });
            }
            drop(set);
            while dropped.load(SeqCst) < 20 {
                task::yield_now().await;
            }
        });
    }
}

#[test]
fn join_set_abort_all_reports_cancellations() {
    let rt = current();
    rt.block_on(async {
        let mut set = JoinSet::new();
        for _ in 0..5 {
            set.spawn(std::future::pending::<()>());
        }
        set.abort_all();
        let mut cancelled = 0;
        while let Some(res) = set.join_next().await {
            assert!(res.unwrap_err().is_cancelled());
            cancelled += 1;
        }
        assert_eq!(cancelled, 5);
    });
}

#[test]
fn dropping_runtime_inside_a_task_panics_with_clear_message() {
    let outer = current();
    let err = outer
        .block_on(async {
            runtime::spawn(async {
                let inner = Builder::new_current_thread().build().unwrap();
                drop(inner);
            })
            .await
        })
        .unwrap_err();
    let payload = err.into_panic();
    let msg = panic_message(&*payload);
    assert!(msg.contains("Cannot drop a runtime"), "{msg}");
}

#[cfg(target_os = "linux")]
#[test]
fn idle_runtime_burns_no_cpu() {
    /// utime + stime (clock ticks) summed over this process's threads named `name`,
    /// so tests running in parallel do not count.
    fn cpu_ticks_of(name: &str) -> (u64, usize) {
        let mut ticks = 0;
        let mut threads = 0;
        for entry in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let open = stat.find('(').unwrap();
            let close = stat.rfind(')').unwrap();
            if &stat[open + 1..close] != name {
                continue;
            }
            let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
            ticks += fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
            threads += 1;
        }
        (ticks, threads)
    }
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("idle-check")
        .build()
        .unwrap();
    // Warm the workers up, then let them go idle.
    rt.block_on(async {
        for _ in 0..100 {
            runtime::spawn(async {}).await.unwrap();
        }
    });
    thread::sleep(Duration::from_millis(50));
    let (before, threads) = cpu_ticks_of("idle-check");
    assert_eq!(threads, 2, "both workers found");
    thread::sleep(Duration::from_millis(500));
    let used = cpu_ticks_of("idle-check").0 - before;
    // Clock ticks are 10 ms; one spinning worker would burn ~50 in 500 ms.
    assert!(used <= 2, "idle workers used {used} ticks of CPU in 500 ms");
    drop(rt);
}

#[test]
fn local_set_runs_non_send_tasks_on_its_thread() {
    use std::cell::Cell;
    use std::rc::Rc;
    let rt = current();
    let local = task::LocalSet::new();
    let counter = Rc::new(Cell::new(0));
    let total = local.block_on(&rt, {
        let counter = counter.clone();
        async move {
            let me = thread::current().id();
            let mut handles = Vec::new();
            for i in 1..=10 {
                let c = counter.clone();
                handles.push(task::spawn_local(async move {
                    task::yield_now().await;
                    assert_eq!(thread::current().id(), me);
                    c.set(c.get() + i);
                    i
                }));
            }
            let mut sum = 0;
            for h in handles {
                sum += h.await.unwrap();
            }
            sum
        }
    });
    assert_eq!(total, 55);
    assert_eq!(counter.get(), 55);
}

#[test]
fn local_set_woken_from_another_thread_and_awaited_to_completion() {
    let rt = multi(2);
    let local = task::LocalSet::new();
    let (tx, rx) = mpsc::channel::<u32>();
    let got = Arc::new(Mutex::new(None));
    let g = got.clone();
    local.spawn_local(async move {
        // Held across the await: this task is not Send.
        let not_send = std::rc::Rc::new(1);
        // Woken from a blocking-pool thread when the closure completes.
        let v = runtime::spawn_blocking(move || rx.recv().unwrap())
            .await
            .unwrap();
        *g.lock().unwrap() = Some(v * *not_send);
    });
    thread::spawn(move || tx.send(7).unwrap());
    rt.block_on(local);
    assert_eq!(*got.lock().unwrap(), Some(7));
}

#[test]
fn dropping_local_set_drops_its_pending_tasks() {
    let rt = current();
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = DropFlag(dropped.clone());
    let local = task::LocalSet::new();
    let h = local.spawn_local(async move {
        let _flag = flag;
        std::future::pending::<()>().await
    });
    local.block_on(&rt, task::yield_now());
    drop(local);
    assert!(dropped.load(SeqCst));
    assert!(foreign_block_on(h).unwrap_err().is_cancelled());
}

#[test]
fn spawn_local_outside_a_local_set_panics_with_clear_message() {
    let rt = current();
    let err = rt
        .block_on(async {
            runtime::spawn(async {
                drop(task::spawn_local(async {}));
            })
            .await
        })
        .unwrap_err();
    let msg = panic_message(&*err.into_panic());
    assert!(msg.contains("LocalSet"), "{msg}");
}

#[test]
fn dropped_runtime_frees_its_state_even_with_tasks_queued_on_workers() {
    // The hook closure lives as long as the runtime's shared state: if any
    // queued task survived shutdown, it would keep that state (and this Arc) alive.
    let marker = Arc::new(());
    let m = marker.clone();
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(move || {
            let _ = &m;
        })
        .build()
        .unwrap();
    for _ in 0..1000 {
        rt.spawn(async {
            loop {
                task::yield_now().await;
            }
        });
    }
    rt.block_on(async {
        for _ in 0..10 {
            task::yield_now().await;
        }
    });
    drop(rt);
    assert_eq!(Arc::strong_count(&marker), 1, "runtime state leaked");
}

/// Regression: a worker's look at I/O between tasks could consume the unpark
/// of a shutdown that began just after the worker checked the flag, and then
/// sleep for good, hanging `Runtime::drop` (found by the loom model in
/// runtime-executor's `idle.rs`, which is the proof; a plain-parker build hung
/// within ~1,500 rounds of this loop, the reactor's parker makes the window
/// narrower). Building and dropping runtimes right away aims at that window:
/// every worker takes its first look on its first tick.
#[test]
fn dropping_fresh_multi_thread_runtimes_never_hangs() {
    const ROUNDS: usize = 1000;
    let (done_tx, done_rx) = mpsc::channel();
    let rounds = thread::spawn(move || {
        for round in 0..ROUNDS {
            let rt = multi(2);
            if round % 2 == 0 {
                rt.spawn(async {});
            }
            drop(rt);
            done_tx.send(round).unwrap();
        }
    });
    for round in 0..ROUNDS {
        match done_rx.recv_timeout(Duration::from_secs(20)) {
            Ok(r) => assert_eq!(r, round),
            Err(_) => panic!("Runtime::drop hung in round {round}"),
        }
    }
    rounds.join().unwrap();
}
