//! `task::block_in_place`: the worker's other tasks, and the driver, keep
//! going while a task blocks; nesting; `block_on`; the current-thread panic.

use runtime::runtime::{Builder, Handle, Runtime};
use runtime::task::{block_in_place, LocalSet};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

fn multi(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// Waits at most 10 s for `rx`: a hang fails the test instead of stalling it.
fn recv<T>(rx: &mpsc::Receiver<T>) -> T {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("timed out: tasks stopped running while a worker blocked")
}

#[test]
fn tasks_queued_on_the_blocked_worker_keep_running() {
    // One worker: whatever the blocked task's worker had queued can only run
    // if its core moved to another thread.
    let rt = multi(1);
    let out = rt.block_on(async {
        runtime::spawn(async {
            let (tx, rx) = mpsc::channel();
            // Queued on this very worker (spawned from it), behind us.
            for i in 0..3 {
                let tx = tx.clone();
                runtime::spawn(async move { tx.send(i).unwrap() });
            }
            let mut got: Vec<i32> = block_in_place(|| (0..3).map(|_| recv(&rx)).collect());
            got.sort_unstable();
            got
        })
        .await
        .unwrap()
    });
    assert_eq!(out, [0, 1, 2]);
}

#[test]
fn blocked_task_fed_by_a_task_in_its_own_lifo_slot_on_two_workers() {
    let rt = multi(2);
    for _ in 0..50 {
        let got = rt.block_on(async {
            runtime::spawn(async {
                let (tx, rx) = mpsc::channel();
                // Spawned from this worker: it sits in its LIFO slot, which no
                // other worker can steal from, until the core moves on.
                runtime::spawn(async move { tx.send(7).unwrap() });
                block_in_place(|| recv(&rx))
            })
            .await
            .unwrap()
        });
        assert_eq!(got, 7);
    }
}

#[test]
fn every_worker_blocked_at_once_still_runs_new_tasks() {
    let rt = multi(2);
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(std::sync::Mutex::new(release_rx));
    let started = Arc::new(AtomicUsize::new(0));
    let blockers: Vec<_> = (0..2)
        .map(|_| {
            let release_rx = release_rx.clone();
            let started = started.clone();
            rt.spawn(async move {
                started.fetch_add(1, SeqCst);
                block_in_place(|| {
                    let rx = release_rx.lock().unwrap();
                    rx.recv_timeout(Duration::from_secs(10)).unwrap();
                })
            })
        })
        .collect();
    // Both original worker threads are (or will be) blocked; a fresh task
    // still runs, on a core that moved to another thread.
    let deadline = Instant::now() + Duration::from_secs(10);
    while started.load(SeqCst) < 2 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    let answer = rt.block_on(async { runtime::spawn(async { 40 + 2 }).await.unwrap() });
    assert_eq!(answer, 42);
    release_tx.send(()).unwrap();
    release_tx.send(()).unwrap();
    rt.block_on(async {
        for b in blockers {
            b.await.unwrap();
        }
    });
}

#[test]
fn timers_and_io_keep_being_driven_while_the_only_worker_blocks() {
    let rt = multi(1);
    let (tx, rx) = mpsc::channel();
    let (io_tx, io_rx) = mpsc::channel();
    rt.block_on(async {
        let waiter = runtime::spawn(async move {
            // Spawned from the worker before it blocks: a timer and a TCP
            // round trip, which need the driver turned.
            runtime::spawn(async move {
                let start = Instant::now();
                runtime::time::sleep(Duration::from_millis(20)).await;
                tx.send(start.elapsed()).unwrap();
            });
            runtime::spawn(async move {
                use runtime::io::{AsyncReadExt, AsyncWriteExt};
                let listener = runtime::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .unwrap();
                let addr = listener.local_addr().unwrap();
                let client = runtime::spawn(async move {
                    let mut s = runtime::net::TcpStream::connect(addr).await.unwrap();
                    s.write_all(b"ping").await.unwrap();
                });
                let (mut conn, _) = listener.accept().await.unwrap();
                let mut buf = [0; 4];
                conn.read_exact(&mut buf).await.unwrap();
                client.await.unwrap();
                io_tx.send(buf).unwrap();
            });
            block_in_place(|| (recv(&rx), recv(&io_rx)))
        });
        let (slept, bytes) = waiter.await.unwrap();
        assert!(slept >= Duration::from_millis(20));
        assert_eq!(&bytes, b"ping");
    });
}

#[test]
fn nested_block_in_place_runs_both_closures() {
    let rt = multi(2);
    let out = rt.block_on(async {
        runtime::spawn(async {
            let (tx, rx) = mpsc::channel();
            runtime::spawn(async move { tx.send(3).unwrap() });
            block_in_place(|| 1 + block_in_place(|| recv(&rx)))
        })
        .await
        .unwrap()
    });
    assert_eq!(out, 4);
}

#[test]
fn the_task_continues_on_a_working_runtime_afterwards() {
    let rt = multi(2);
    let total = rt.block_on(async {
        runtime::spawn(async {
            let mut total = 0;
            for i in 0..50 {
                total += block_in_place(|| i);
                // The task still schedules and awaits normally in between.
                total += runtime::spawn(async move { i }).await.unwrap();
                runtime::task::yield_now().await;
            }
            total
        })
        .await
        .unwrap()
    });
    assert_eq!(total, 2 * (0..50).sum::<i32>());
}

#[test]
fn many_tasks_blocking_concurrently_all_finish() {
    let rt = multi(4);
    let done = rt.block_on(async {
        let tasks: Vec<_> = (0..32)
            .map(|i| {
                runtime::spawn(async move {
                    block_in_place(|| std::thread::sleep(Duration::from_millis(2)));
                    runtime::task::yield_now().await;
                    block_in_place(|| i)
                })
            })
            .collect();
        let mut done = 0;
        for t in tasks {
            done += t.await.unwrap();
        }
        done
    });
    assert_eq!(done, (0..32).sum::<i32>());
}

#[test]
fn inside_multi_thread_block_on() {
    let rt = multi(1);
    let out = rt.block_on(async {
        let (tx, rx) = mpsc::channel();
        runtime::spawn(async move { tx.send(5).unwrap() });
        block_in_place(|| recv(&rx))
    });
    assert_eq!(out, 5);
}

#[test]
fn the_closure_may_block_on_the_runtime_again() {
    let rt = multi(2);
    let out = rt.block_on(async {
        runtime::spawn(async {
            let handle = Handle::current();
            block_in_place(move || {
                handle.block_on(async { runtime::spawn(async { 9 }).await.unwrap() })
            })
        })
        .await
        .unwrap()
    });
    assert_eq!(out, 9);
}

#[test]
fn outside_a_runtime_it_just_runs() {
    assert_eq!(block_in_place(|| 11), 11);
}

#[test]
fn on_a_blocking_thread_it_just_runs() {
    let rt = multi(1);
    let out = rt.block_on(async { runtime::task::spawn_blocking(|| block_in_place(|| 12)).await });
    assert_eq!(out.unwrap(), 12);
}

#[test]
#[should_panic(expected = "can call blocking only when running on the multi-threaded runtime")]
fn panics_on_current_thread_block_on() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async { block_in_place(|| ()) });
}

#[test]
fn panics_in_a_current_thread_task_and_the_runtime_survives() {
    let rt = Builder::new_current_thread().build().unwrap();
    let err = rt
        .block_on(async { runtime::spawn(async { block_in_place(|| ()) }).await })
        .unwrap_err();
    let msg = err.into_panic();
    let msg = msg
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| msg.downcast_ref::<String>().cloned());
    assert!(msg.unwrap().contains("multi-threaded runtime"));
    assert_eq!(rt.block_on(async { 1 }), 1);
}

#[test]
#[should_panic(expected = "can call blocking only when running on the multi-threaded runtime")]
fn panics_in_a_local_set_on_current_thread() {
    let rt = Builder::new_current_thread().build().unwrap();
    LocalSet::new().block_on(&rt, async { block_in_place(|| ()) });
}

#[test]
#[should_panic(expected = "can call blocking only when running on the multi-threaded runtime")]
fn panics_on_a_local_runtime() {
    let rt = runtime::runtime::LocalRuntime::new().unwrap();
    rt.block_on(async { block_in_place(|| ()) });
}

#[test]
fn allowed_in_a_local_set_on_multi_thread_block_on() {
    let rt = multi(1);
    let out = LocalSet::new().block_on(&rt, async {
        let (tx, rx) = mpsc::channel();
        runtime::spawn(async move { tx.send(6).unwrap() });
        block_in_place(|| recv(&rx))
    });
    assert_eq!(out, 6);
}

#[test]
fn a_panic_in_the_closure_fails_only_that_task() {
    let rt = multi(1);
    rt.block_on(async {
        let failed = runtime::spawn(async { block_in_place(|| panic!("inside")) }).await;
        assert!(failed.unwrap_err().is_panic());
        // The worker (core) still runs tasks.
        assert_eq!(runtime::spawn(async { 1 }).await.unwrap(), 1);
    });
}

#[test]
fn shutdown_while_a_closure_blocks_does_not_wait_with_a_timeout() {
    let rt = multi(1);
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    rt.spawn(async move {
        block_in_place(move || {
            entered_tx.send(()).unwrap();
            let _ = release_rx.recv();
        })
    });
    recv(&entered_rx);
    let start = Instant::now();
    rt.shutdown_timeout(Duration::from_millis(50));
    assert!(start.elapsed() < Duration::from_secs(5));
    release_tx.send(()).unwrap();
}

#[test]
fn dropping_the_runtime_after_block_in_place_joins_cleanly() {
    // Exercises the exits of cores that changed threads, many times.
    for _ in 0..20 {
        let rt = multi(2);
        rt.block_on(async {
            let tasks: Vec<_> = (0..4)
                .map(|_| runtime::spawn(async { block_in_place(std::thread::yield_now) }))
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
        });
        drop(rt);
    }
}

#[test]
fn worker_index_is_gone_inside_and_back_after() {
    let rt = multi(2);
    rt.block_on(async {
        runtime::spawn(async {
            assert!(runtime::runtime::worker_index().is_some());
            block_in_place(|| assert_eq!(runtime::runtime::worker_index(), None));
            // Right after, this thread may have lost its core (the task ends
            // this poll as a blocking thread); from the next poll on, the
            // task is on a worker again.
            runtime::task::yield_now().await;
            assert!(runtime::runtime::worker_index().unwrap() < 2);
        })
        .await
        .unwrap();
    });
}

/// A blocking pool with one thread, kept busy: the core handed off by
/// `block_in_place` waits in its slot with no thread to take it.
fn saturated(workers: usize) -> (Runtime, mpsc::Sender<()>) {
    let rt = Builder::new_multi_thread()
        .worker_threads(workers)
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (hold_tx, hold_rx) = mpsc::channel::<()>();
    let (busy_tx, busy_rx) = mpsc::channel();
    rt.spawn_blocking(move || {
        busy_tx.send(()).unwrap();
        let _ = hold_rx.recv();
    });
    recv(&busy_rx);
    (rt, hold_tx)
}

#[test]
fn with_the_blocking_pool_full_another_worker_steals_the_queued_work() {
    let (rt, hold) = saturated(2);
    let got = rt.block_on(async {
        runtime::spawn(async {
            let (tx, rx) = mpsc::channel();
            // In this worker's LIFO slot: moved to its queue by the
            // hand-off, where the other worker can steal it.
            runtime::spawn(async move { tx.send(8).unwrap() });
            block_in_place(|| recv(&rx))
        })
        .await
        .unwrap()
    });
    assert_eq!(got, 8);
    drop(hold);
}

#[test]
fn shutdown_exits_a_core_still_waiting_for_its_thread() {
    let (rt, hold) = saturated(1);
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    rt.spawn(async move {
        block_in_place(move || {
            entered_tx.send(()).unwrap();
            let _ = release_rx.recv();
        })
    });
    recv(&entered_rx);
    // The only core sits in its hand-off slot: the shutdown must exit it
    // itself instead of waiting for a thread that cannot start.
    let start = Instant::now();
    rt.shutdown_timeout(Duration::from_millis(50));
    assert!(start.elapsed() < Duration::from_secs(5));
    release_tx.send(()).unwrap();
    drop(hold);
}
