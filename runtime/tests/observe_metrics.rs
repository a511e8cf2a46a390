//! The per-worker metrics and task hooks move as documented under a
//! scripted workload, on both flavours.

#[path = "support/eventually.rs"]
mod eventually;
use eventually::eventually;
use runtime::runtime::Builder;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A builder of the multi-thread flavour with `workers` workers, or of the
/// current-thread flavour.
fn flavour(multi: bool, workers: usize) -> Builder {
    if multi {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(workers);
        b
    } else {
        Builder::new_current_thread()
    }
}

#[test]
fn polls_and_schedules_current_thread() {
    let rt = Builder::new_current_thread().build().unwrap();
    // Ten tasks spawned from outside (remote), each yielding three times.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            rt.spawn(async {
                for _ in 0..3 {
                    runtime::task::yield_now().await;
                }
            })
        })
        .collect();
    let m = rt.metrics();
    assert_eq!(m.remote_schedule_count(), 10);
    for t in tasks {
        rt.block_on(t).unwrap();
    }
    assert_eq!(m.worker_poll_count(0), 40);
    assert_eq!(m.worker_local_schedule_count(0), 30);
    // From inside: a spawn is a local schedule.
    rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    assert_eq!(m.worker_local_schedule_count(0), 31);
    assert_eq!(m.worker_poll_count(0), 41);
    assert_eq!(m.worker_steal_count(0), 0);
    assert_eq!(m.worker_overflow_count(0), 0);
    assert_eq!(m.remote_schedule_count(), 10);
}

#[test]
fn budget_forced_yields_are_counted() {
    for multi in [false, true] {
        let rt = flavour(multi, 1).build().unwrap();
        rt.block_on(rt.spawn(async {
            for _ in 0..1000 {
                runtime::task::consume_budget().await;
            }
        }))
        .unwrap();
        // 1000 units at 128 a poll: at least 7 forced yields.
        eventually("7 forced yields", || {
            rt.metrics().budget_forced_yield_count() >= 7
        });
    }
}

#[test]
fn steals_happen_when_a_worker_is_busy() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = ran.clone();
    let tasks = rt
        .block_on(rt.spawn(async move {
            let tasks: Vec<_> = (0..100)
                .map(|_| {
                    let c = counter.clone();
                    runtime::spawn(async move {
                        c.fetch_add(1, SeqCst);
                    })
                })
                .collect();
            // This worker is busy: the other one must steal from its queue.
            while counter.load(SeqCst) < 99 {
                std::thread::sleep(Duration::from_millis(1));
            }
            tasks
        }))
        .unwrap();
    // The task left in the spawner's LIFO slot runs only after the spawner
    // returns: wait for it too.
    rt.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    let m = rt.metrics();
    // A worker counts a poll after the poll returns, so the count of the
    // last poll may land just after its result does (metrics may lag by a
    // few events): wait for the 101 polls, boundedly.
    let polls = || -> u64 { (0..2).map(|w| m.worker_poll_count(w)).sum() };
    eventually("101 polls counted", || polls() >= 101);
    let stolen: u64 = (0..2).map(|w| m.worker_steal_count(w)).sum();
    let ops: u64 = (0..2).map(|w| m.worker_steal_operations(w)).sum();
    assert!(stolen >= 99, "stolen {stolen}");
    assert!(ops >= 1 && ops <= stolen);
    let local: u64 = (0..2).map(|w| m.worker_local_schedule_count(w)).sum();
    assert!(local >= 100, "local {local}");
}

#[test]
fn poll_time_histogram_and_mean() {
    for multi in [false, true] {
        let mut b = flavour(multi, 1);
        let rt = b
            .metrics_poll_time_histogram_buckets(&[
                Duration::from_millis(1),
                Duration::from_millis(50),
            ])
            .build()
            .unwrap();
        for _ in 0..5 {
            rt.block_on(rt.spawn(async { std::thread::sleep(Duration::from_millis(3)) }))
                .unwrap();
        }
        let m = rt.metrics();
        eventually("5 polls counted", || m.worker_poll_count(0) >= 5);
        assert_eq!(m.poll_time_histogram_num_buckets(), 3);
        let counts: Vec<u64> = (0..3)
            .map(|b| m.poll_time_histogram_bucket_count(0, b))
            .collect();
        assert_eq!(counts.iter().sum::<u64>(), 5, "{counts:?}");
        assert_eq!(counts[0], 0, "{counts:?}");
        assert!(m.worker_mean_poll_time(0) >= Duration::from_millis(3));
        // Busy time reaches the dump too.
        let blocker = rt.spawn(async {
            std::thread::sleep(Duration::from_millis(3));
            std::future::pending::<()>().await
        });
        while m.worker_poll_count(0) < 6 {
            // The current-thread runtime runs it inside `block_on`.
            rt.block_on(runtime::task::yield_now());
            std::thread::sleep(Duration::from_millis(1));
        }
        let dump = rt.handle().dump();
        assert!(dump.tasks()[0].busy() >= Duration::from_millis(3));
        blocker.abort();
    }
}

#[test]
fn hooks_see_every_task_with_its_spawn_site() {
    for multi in [false, true] {
        // (hook, task id, spawn line) per call.
        type Log = Arc<Mutex<Vec<(&'static str, u64, u32)>>>;
        let log: Log = Arc::default();
        let hook = |kind: &'static str| {
            let log = log.clone();
            move |meta: &runtime::runtime::TaskMeta<'_>| {
                let id = meta.id().to_string().parse().unwrap();
                log.lock()
                    .unwrap()
                    .push((kind, id, meta.spawned_at().line()));
            }
        };
        let mut b = flavour(multi, 1);
        let rt = b
            .on_task_spawn(hook("spawn"))
            .on_before_task_poll(hook("before"))
            .on_after_task_poll(hook("after"))
            .on_task_terminate(hook("terminate"))
            .build()
            .unwrap();
        let line = line!() + 1;
        let task = rt.spawn(async { runtime::task::yield_now().await });
        let id: u64 = task.id().to_string().parse().unwrap();
        rt.block_on(task).unwrap();
        // The after-poll hook of a multi-thread worker may trail the join.
        let want = ["spawn", "before", "after", "before", "terminate", "after"];
        eventually("every hook logged", || {
            log.lock().unwrap().len() >= want.len()
        });
        let log = log.lock().unwrap();
        let kinds: Vec<_> = log.iter().map(|e| e.0).collect();
        assert_eq!(kinds, want);
        assert!(log.iter().all(|e| e.1 == id && e.2 == line), "{log:?}");
    }
}

#[test]
fn park_counts_and_busy_time_move() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let m = rt.metrics();
    rt.block_on(rt.spawn(async { std::thread::sleep(Duration::from_millis(5)) }))
        .unwrap();
    eventually("a park and 5 ms busy", || {
        m.worker_park_count(0) >= 1 && m.worker_total_busy_duration(0) >= Duration::from_millis(5)
    });
    assert!(m.worker_park_unpark_count(0) >= m.worker_park_count(0));
}

/// Spawned tasks, I/O events and live timers move with a scripted
/// workload: 20 spawns, a TCP exchange, three pending sleeps.
#[test]
fn spawns_io_events_and_timers_are_counted() {
    for multi in [false, true] {
        let rt = flavour(multi, 2).build().unwrap();
        let m = rt.metrics();
        assert_eq!(m.spawned_tasks_count(), 0);
        assert_eq!(m.io_driver_ready_count(), 0);
        for _ in 0..20 {
            rt.block_on(rt.spawn(async {})).unwrap();
        }
        // spawn_blocking closures are not counted.
        rt.block_on(rt.spawn_blocking(|| ())).unwrap();
        assert_eq!(m.spawned_tasks_count(), 20, "multi: {multi}");

        rt.block_on(async {
            use runtime::io::{AsyncReadExt, AsyncWriteExt};
            let listener = runtime::net::TcpListener::bind("127.0.0.1:0")
                .await
                .unwrap();
            let addr = listener.local_addr().unwrap();
            let client = runtime::spawn(async move {
                let mut s = runtime::net::TcpStream::connect(addr).await.unwrap();
                s.write_all(b"ping").await.unwrap();
                let mut buf = [0; 4];
                s.read_exact(&mut buf).await.unwrap();
            });
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0; 4];
            s.read_exact(&mut buf).await.unwrap();
            s.write_all(b"pong").await.unwrap();
            client.await.unwrap();
        });
        // At least: the accept, the server's read, the client's read.
        assert!(m.io_driver_ready_count() >= 3, "multi: {multi}");
        assert_eq!(m.spawned_tasks_count(), 21);

        let sleeps: Vec<_> = (0..3)
            .map(|_| rt.spawn(async { runtime::time::sleep(Duration::from_secs(60)).await }))
            .collect();
        let wait = Duration::from_secs(10);
        let start = std::time::Instant::now();
        while m.num_timers() < 3 {
            assert!(start.elapsed() < wait, "three sleeps registered");
            rt.block_on(runtime::task::yield_now());
        }
        assert_eq!(m.num_timers(), 3);
        for s in sleeps {
            s.abort();
            assert!(rt.block_on(s).unwrap_err().is_cancelled());
        }
        assert_eq!(m.num_timers(), 0, "multi: {multi}");
    }
}
