//! `Builder::disable_lifo_slot` (observable run order) and
//! `runtime::worker_index` on both flavours.

use runtime::runtime::{worker_index, Builder, LocalRuntime, Runtime};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

/// On one worker: task `B` waits on a oneshot; task `T` then spawns `X1..X3`
/// (queued on this worker) and wakes `B`. Returns the order in which `B` and
/// the `X`s ran.
fn order_after_wake(rt: &Runtime) -> Vec<&'static str> {
    let log = Arc::new(Mutex::new(Vec::new()));
    rt.block_on(async {
        let (tx, rx) = runtime::sync::oneshot::channel::<()>();
        let polled = Arc::new(AtomicBool::new(false));
        let b = {
            let (log, polled) = (log.clone(), polled.clone());
            runtime::spawn(async move {
                polled.store(true, SeqCst);
                rx.await.unwrap();
                log.lock().unwrap().push("B");
            })
        };
        while !polled.load(SeqCst) {
            std::thread::yield_now();
        }
        let log2 = log.clone();
        let t = runtime::spawn(async move {
            let xs: Vec<_> = ["X1", "X2", "X3"]
                .into_iter()
                .map(|name| {
                    let log = log2.clone();
                    runtime::spawn(async move { log.lock().unwrap().push(name) })
                })
                .collect();
            // Wakes `B` from this worker: with the LIFO slot, `B` runs next.
            tx.send(()).unwrap();
            xs
        });
        for x in t.await.unwrap() {
            x.await.unwrap();
        }
        b.await.unwrap();
    });
    let order = log.lock().unwrap().clone();
    order
}

#[test]
fn with_the_lifo_slot_the_woken_task_runs_first() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    for _ in 0..20 {
        assert_eq!(order_after_wake(&rt)[0], "B");
    }
}

#[test]
fn without_the_lifo_slot_the_woken_task_waits_its_turn() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .disable_lifo_slot()
        .build()
        .unwrap();
    for _ in 0..20 {
        assert_eq!(order_after_wake(&rt), ["X1", "X2", "X3", "B"]);
    }
}

#[test]
fn worker_index_on_multi_thread() {
    let rt = Builder::new_multi_thread()
        .worker_threads(3)
        .build()
        .unwrap();
    assert_eq!(worker_index(), None);
    rt.block_on(async {
        // The `block_on` thread is not a worker.
        assert_eq!(worker_index(), None);
        let mut seen = Vec::new();
        for _ in 0..64 {
            let i = runtime::spawn(async { worker_index() }).await.unwrap();
            seen.push(i.expect("tasks run on workers"));
        }
        assert!(seen.iter().all(|&i| i < 3), "{seen:?}");
        // Blocking threads are not workers.
        let blocking = runtime::task::spawn_blocking(worker_index).await.unwrap();
        assert_eq!(blocking, None);
    });
}

#[test]
fn worker_index_matches_the_metrics_of_the_worker() {
    // The index is the one of the worker whose busy time grows.
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let index = rt.block_on(async {
        runtime::spawn(async {
            let i = worker_index().unwrap();
            let spin = std::time::Instant::now();
            while spin.elapsed() < std::time::Duration::from_millis(30) {}
            i
        })
        .await
        .unwrap()
    });
    // Published when the worker parks: give it the moment to.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let busy = rt.metrics().worker_total_busy_duration(index);
    assert!(busy >= std::time::Duration::from_millis(30), "{busy:?}");
}

#[test]
fn worker_index_on_current_thread_and_local_runtime() {
    let rt = Builder::new_current_thread().build().unwrap();
    assert_eq!(rt.block_on(async { worker_index() }), Some(0));
    let in_task = rt.block_on(async { runtime::spawn(async { worker_index() }).await.unwrap() });
    assert_eq!(in_task, Some(0));
    let local = LocalRuntime::new().unwrap();
    assert_eq!(local.block_on(async { worker_index() }), Some(0));
    assert_eq!(worker_index(), None);
}

/// A chain of tasks, each spawning the next from a worker, one at a time:
/// no two links can run in parallel, so waking the other worker is waste.
/// Each link lands in the LIFO slot; past its poll cap (3 in a row) the
/// link used to go to the worker's (empty) queue with a wake-up for the
/// other worker, which woke, found nothing or stole the link, and slept:
/// about one futex wake and sleep per 4 links (`chained_spawn` spent 40%
/// of its time in the kernel). With nothing queued behind it, the link
/// now runs at once.
#[test]
fn a_spawn_chain_does_not_wake_the_other_worker() {
    const LINKS: usize = 10_000;
    fn link(
        left: usize,
        workers: Arc<Mutex<Vec<usize>>>,
        done: runtime::sync::oneshot::Sender<()>,
    ) {
        workers.lock().unwrap().push(worker_index().unwrap());
        if left == 0 {
            let _ = done.send(());
        } else {
            runtime::spawn(async move { link(left - 1, workers, done) });
        }
    }
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let parks = |rt: &Runtime| -> u64 { (0..2).map(|w| rt.metrics().worker_park_count(w)).sum() };
    // Let both workers start and go to sleep.
    std::thread::sleep(std::time::Duration::from_millis(50));
    let before = parks(&rt);
    let workers = Arc::new(Mutex::new(Vec::with_capacity(LINKS + 1)));
    let (tx, rx) = runtime::sync::oneshot::channel();
    let w = workers.clone();
    rt.spawn(async move { link(LINKS, w, tx) });
    rt.block_on(rx).unwrap();
    let parks = parks(&rt) - before;
    let workers = workers.lock().unwrap();
    let hops = workers.windows(2).filter(|w| w[0] != w[1]).count();
    // Measured before the change (debug build): 8-25 parks and 4 hops per
    // run; after: 1 park (the worker that lost the race for the first
    // link) and no hop.
    assert_eq!(hops, 0, "the chain moved between workers {hops} times");
    assert!(
        parks <= 4,
        "the workers parked {parks} times during a chain of {LINKS} spawns"
    );
}
