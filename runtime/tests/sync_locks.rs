//! Locks, Semaphore, Notify, Barrier and OnceCell from `runtime::sync`, on both
//! runtime flavours and on a plain thread with no runtime at all.
//!
//! Waits are bounded generously (`timeout` of seconds) so that a broken
//! primitive fails the test instead of hanging it; no assertion depends on
//! timing otherwise.
#![cfg(feature = "full")]

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex as StdMutex};
use std::task::{Context, Poll, Wake, Waker};

use runtime::sync::{
    AcquireError, Barrier, Mutex, Notify, OnceCell, RwLock, Semaphore, TryAcquireError,
};
use runtime::task::{yield_now, JoinSet};
use runtime::time::{sleep, timeout, Duration};

const LONG: Duration = Duration::from_secs(10);

/// Yields until `cond` holds; panics (instead of hanging) if it never does.
async fn until(what: &str, cond: impl Fn() -> bool) {
    let wait = async {
        while !cond() {
            yield_now().await;
        }
    };
    if timeout(LONG, wait).await.is_err() {
        panic!("timed out waiting until {what}");
    }
}

async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    match timeout(LONG, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

// ---------------------------------------------------------------- Mutex ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutex_counts_exactly_under_contention() {
    let counter = Arc::new(Mutex::new(0u64));
    let mut set = JoinSet::new();
    for _ in 0..8 {
        let counter = Arc::clone(&counter);
        set.spawn(async move {
            for i in 0..10_000 {
                let mut g = counter.lock().await;
                let v = *g;
                if i % 1000 == 0 {
                    // Hold the lock across a suspension point now and then.
                    yield_now().await;
                }
                *g = v + 1;
            }
        });
    }
    while let Some(r) = bounded("counter tasks", set.join_next()).await {
        r.unwrap();
    }
    assert_eq!(*counter.lock().await, 80_000);
}

#[runtime::test]
async fn mutex_is_fifo_and_try_lock_does_not_barge() {
    const N: usize = 6;
    let m = Arc::new(Mutex::new(Vec::new()));
    let registered = Arc::new(AtomicUsize::new(0));
    let held = m.lock().await;
    assert!(m.try_lock().is_err(), "try_lock must fail while held");

    let mut set = JoinSet::new();
    for id in 0..N {
        let (m, reg) = (Arc::clone(&m), Arc::clone(&registered));
        set.spawn(async move {
            let lock = m.lock();
            reg.fetch_add(1, SeqCst);
            let mut g = lock.await;
            // Hold it across a yield: the others must still wait their turn.
            yield_now().await;
            g.push(id);
        });
        // One at a time, so arrival order is the spawn order. The counter is
        // bumped and the lock polled in the same task poll, so once the count
        // moves the task is queued.
        until("the waiter registered", || {
            registered.load(SeqCst) == id + 1
        })
        .await;
        yield_now().await;
    }
    drop(held);
    // The lock went to the first waiter: nobody may take it out of turn.
    assert!(m.try_lock().is_err(), "try_lock must not jump the queue");
    while let Some(r) = bounded("fifo waiters", set.join_next()).await {
        r.unwrap();
    }
    assert_eq!(*m.lock().await, (0..N).collect::<Vec<_>>());
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_owned_guard_moves_into_a_task() {
    let m = Arc::new(Mutex::new(Vec::new()));
    let guard = Arc::clone(&m).lock_owned().await;
    let h = runtime::spawn(async move {
        let mut guard = guard;
        sleep(Duration::from_millis(5)).await;
        guard.push(1);
    });
    // Waits for the spawned task to drop the guard.
    let g = bounded("lock after owned guard", m.lock()).await;
    assert_eq!(*g, [1]);
    drop(g);
    h.await.unwrap();
    assert_eq!(Arc::try_unwrap(m).unwrap().into_inner(), [1]);
}

#[runtime::test]
async fn cancelled_lock_does_not_keep_the_lock() {
    let m = Mutex::new(0);
    let g = m.lock().await;
    for _ in 0..20 {
        assert!(timeout(Duration::from_millis(1), m.lock()).await.is_err());
    }
    drop(g);
    *m.try_lock().expect("free after cancelled waiters") += 1;
}

// --------------------------------------------------------------- RwLock ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn rwlock_admits_many_readers_at_once() {
    const READERS: usize = 8;
    let lock = Arc::new(RwLock::new(5));
    // Every reader waits at the barrier while holding its read guard: it
    // completes only if all READERS hold the lock at the same time.
    let barrier = Arc::new(Barrier::new(READERS));
    let mut set = JoinSet::new();
    for _ in 0..READERS {
        let (lock, barrier) = (Arc::clone(&lock), Arc::clone(&barrier));
        set.spawn(async move {
            let g = lock.read().await;
            barrier.wait().await;
            *g
        });
    }
    while let Some(r) = bounded("readers meet", set.join_next()).await {
        assert_eq!(r.unwrap(), 5);
    }
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn rwlock_writers_are_exclusive() {
    let lock = Arc::new(RwLock::new((0u64, 0u64)));
    let readers_in = Arc::new(AtomicUsize::new(0));
    let writers_in = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for t in 0..8 {
        let (lock, readers_in, writers_in) = (
            Arc::clone(&lock),
            Arc::clone(&readers_in),
            Arc::clone(&writers_in),
        );
        set.spawn(async move {
            for i in 0..500u64 {
                if t % 2 == 0 {
                    let mut g = lock.write().await;
                    assert_eq!(writers_in.fetch_add(1, SeqCst), 0, "two writers");
                    assert_eq!(readers_in.load(SeqCst), 0, "reader during write");
                    g.0 += 1;
                    if i % 50 == 0 {
                        yield_now().await;
                    }
                    g.1 += 1;
                    writers_in.fetch_sub(1, SeqCst);
                } else {
                    let g = lock.read().await;
                    readers_in.fetch_add(1, SeqCst);
                    assert_eq!(writers_in.load(SeqCst), 0, "writer during read");
                    assert_eq!(g.0, g.1, "torn write observed");
                    if i % 50 == 0 {
                        yield_now().await;
                    }
                    readers_in.fetch_sub(1, SeqCst);
                }
            }
        });
    }
    while let Some(r) = bounded("rwlock tasks", set.join_next()).await {
        r.unwrap();
    }
    assert_eq!(*lock.read().await, (2000, 2000));
}

#[runtime::test]
async fn rwlock_waiting_writer_blocks_new_readers() {
    let lock = Arc::new(RwLock::new(0));
    let r1 = lock.read().await;
    let started = Arc::new(AtomicBool::new(false));
    let (l, s) = (Arc::clone(&lock), Arc::clone(&started));
    let writer = runtime::spawn(async move {
        let w = l.write();
        s.store(true, SeqCst);
        *w.await += 1;
    });
    until("the writer queued", || started.load(SeqCst)).await;
    yield_now().await;
    assert!(
        lock.try_read().is_err(),
        "a reader overtook the waiting writer"
    );
    assert!(lock.try_write().is_err());
    drop(r1);
    bounded("writer", writer).await.unwrap();
    assert_eq!(*lock.try_read().unwrap(), 1);
    let mut lock = Arc::try_unwrap(lock).unwrap();
    *lock.get_mut() += 1;
    assert_eq!(lock.into_inner(), 2);
}

// ------------------------------------------------------------ Semaphore ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn semaphore_never_exceeds_its_permits() {
    const LIMIT: usize = 3;
    let sem = Arc::new(Semaphore::new(LIMIT));
    let inside = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for t in 0..16 {
        let (sem, inside, max_seen) =
            (Arc::clone(&sem), Arc::clone(&inside), Arc::clone(&max_seen));
        set.spawn(async move {
            for i in 0..200 {
                let _p = if t % 2 == 0 {
                    sem.acquire().await.unwrap()
                } else {
                    // A mix of owned and borrowed permits.
                    let p = Arc::clone(&sem).acquire_owned().await.unwrap();
                    let n = inside.fetch_add(1, SeqCst) + 1;
                    max_seen.fetch_max(n, SeqCst);
                    assert!(n <= LIMIT, "{n} holders of {LIMIT} permits");
                    yield_now().await;
                    inside.fetch_sub(1, SeqCst);
                    drop(p);
                    continue;
                };
                let n = inside.fetch_add(1, SeqCst) + 1;
                max_seen.fetch_max(n, SeqCst);
                assert!(n <= LIMIT, "{n} holders of {LIMIT} permits");
                if i % 3 == 0 {
                    yield_now().await;
                }
                inside.fetch_sub(1, SeqCst);
            }
        });
    }
    while let Some(r) = bounded("semaphore tasks", set.join_next()).await {
        r.unwrap();
    }
    assert!(max_seen.load(SeqCst) <= LIMIT);
    assert_eq!(sem.available_permits(), LIMIT);
}

#[runtime::test]
async fn acquire_many_is_fair_and_blocks_later_waiters() {
    let sem = Arc::new(Semaphore::new(2));
    let mut held = sem.acquire_many(2).await.unwrap();
    let order = Arc::new(StdMutex::new(Vec::new()));
    let queued = Arc::new(AtomicUsize::new(0));

    let (s, o, q) = (Arc::clone(&sem), Arc::clone(&order), Arc::clone(&queued));
    let big = runtime::spawn(async move {
        let acq = s.acquire_many(2);
        q.fetch_add(1, SeqCst);
        let p = acq.await.unwrap();
        o.lock().unwrap().push("big");
        yield_now().await;
        drop(p);
    });
    until("big queued", || queued.load(SeqCst) == 1).await;
    yield_now().await;
    let (s, o, q) = (Arc::clone(&sem), Arc::clone(&order), Arc::clone(&queued));
    let small = runtime::spawn(async move {
        let acq = s.acquire();
        q.fetch_add(1, SeqCst);
        let _p = acq.await.unwrap();
        o.lock().unwrap().push("small");
    });
    until("small queued", || queued.load(SeqCst) == 2).await;
    yield_now().await;

    // One permit comes back: it goes to `big` (front), although `small` only
    // needs one.
    drop(held.split(1).unwrap());
    for _ in 0..10 {
        yield_now().await;
    }
    assert!(order.lock().unwrap().is_empty(), "small overtook big");
    assert_eq!(sem.available_permits(), 0);
    assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));

    drop(held);
    bounded("big", big).await.unwrap();
    bounded("small", small).await.unwrap();
    assert_eq!(*order.lock().unwrap(), ["big", "small"]);
    assert_eq!(sem.available_permits(), 2);
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_wakes_every_waiter_with_an_error() {
    let sem = Arc::new(Semaphore::new(0));
    let mut set = JoinSet::new();
    let queued = Arc::new(AtomicUsize::new(0));
    for n in 1..=3 {
        let (sem, queued) = (Arc::clone(&sem), Arc::clone(&queued));
        set.spawn(async move {
            let acq = sem.acquire_many(n);
            queued.fetch_add(1, SeqCst);
            acq.await.map(|p| p.num_permits())
        });
    }
    until("all queued", || queued.load(SeqCst) == 3).await;
    sleep(Duration::from_millis(5)).await;
    sem.add_permits(1); // partly assigned to the first waiter
    sem.close();
    assert!(sem.is_closed());
    while let Some(r) = bounded("closed waiters", set.join_next()).await {
        match r.unwrap() {
            Err(AcquireError { .. }) => {}
            Ok(n) => assert_eq!(n, 1, "only the one-permit waiter may have won"),
        }
    }
    assert!(sem.acquire().await.is_err());
    assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
    assert_eq!(
        sem.acquire().await.unwrap_err().to_string(),
        "semaphore closed"
    );
}

#[runtime::test]
async fn forget_and_merge_permits() {
    let sem = Semaphore::new(3);
    let mut a = sem.acquire().await.unwrap();
    let b = sem.acquire_many(2).await.unwrap();
    a.merge(b);
    assert_eq!(a.num_permits(), 3);
    a.forget();
    assert_eq!(sem.available_permits(), 0);
    sem.add_permits(2);
    let p = sem.try_acquire_many(2).unwrap();
    drop(p);
    assert_eq!(sem.available_permits(), 2);
    let owned = Arc::new(Semaphore::new(1));
    let p = Arc::clone(&owned).try_acquire_owned().unwrap();
    assert!(Arc::clone(&owned).try_acquire_owned().is_err());
    drop(p);
    assert_eq!(owned.available_permits(), 1);
}

#[runtime::test]
async fn timed_out_acquires_neither_leak_nor_lose_permits() {
    let sem = Semaphore::new(3);
    let busy = sem.acquire_many(2).await.unwrap();
    for _ in 0..20 {
        // Needs 2, one is free: it is partly assigned, then cancelled.
        assert!(timeout(Duration::from_millis(1), sem.acquire_many(2))
            .await
            .is_err());
        assert!(timeout(Duration::from_millis(1), sem.acquire_many(3))
            .await
            .is_err());
    }
    assert_eq!(sem.available_permits(), 1);
    drop(busy);
    assert_eq!(sem.available_permits(), 3);
    drop(sem.try_acquire_many(3).expect("all permits back"));
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_timeouts_conserve_permits() {
    const PERMITS: usize = 2;
    let sem = Arc::new(Semaphore::new(PERMITS));
    let mut set = JoinSet::new();
    for t in 0..8 {
        let sem = Arc::clone(&sem);
        set.spawn(async move {
            for _ in 0..100 {
                if t % 2 == 0 {
                    let p = sem.acquire().await.unwrap();
                    yield_now().await;
                    drop(p);
                } else {
                    let _ = timeout(Duration::from_micros(200), sem.acquire_many(2)).await;
                }
            }
        });
    }
    while let Some(r) = bounded("racing timeouts", set.join_next()).await {
        r.unwrap();
    }
    assert_eq!(sem.available_permits(), PERMITS);
}

// --------------------------------------------------------------- Notify ----

#[runtime::test]
async fn notify_one_stores_one_permit_when_nobody_waits() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one(); // still one permit
    bounded("stored permit", notify.notified()).await;
    let mut second = pin!(notify.notified());
    assert!(!second.as_mut().enable(), "only one permit may be stored");
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_one_wakes_a_waiting_task() {
    let notify = Arc::new(Notify::new());
    let n = Arc::clone(&notify);
    let registered = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&registered);
    let h = runtime::spawn(async move {
        let mut fut = pin!(n.notified());
        fut.as_mut().enable();
        r.store(true, SeqCst);
        fut.await;
    });
    until("registered", || registered.load(SeqCst)).await;
    notify.notify_one();
    bounded("woken", h).await.unwrap();
}

#[runtime::test]
async fn notification_of_a_dropped_waiter_passes_to_the_next() {
    let notify = Arc::new(Notify::new());
    let mut first = Box::pin(notify.notified());
    assert!(!first.as_mut().enable()); // registered first

    let n = Arc::clone(&notify);
    let registered = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&registered);
    let second = runtime::spawn(async move {
        let mut fut = pin!(n.notified());
        fut.as_mut().enable();
        r.store(true, SeqCst);
        fut.await;
    });
    until("second registered", || registered.load(SeqCst)).await;

    notify.notify_one(); // goes to `first` (FIFO)
    drop(first); // never observed: must be handed to `second`
    bounded("second waiter", second).await.unwrap();
    // Passed on, not duplicated: nothing is stored now.
    assert!(!pin!(notify.notified()).enable());
}

#[runtime::test]
async fn timed_out_notified_does_not_swallow_a_notification() {
    let notify = Notify::new();
    for _ in 0..5 {
        assert!(timeout(Duration::from_millis(1), notify.notified())
            .await
            .is_err());
    }
    notify.notify_one();
    bounded("stored permit", notify.notified()).await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_waiters_wakes_all_registered_and_stores_nothing() {
    let notify = Arc::new(Notify::new());
    let registered = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..4 {
        let (n, r) = (Arc::clone(&notify), Arc::clone(&registered));
        set.spawn(async move {
            let mut fut = pin!(n.notified());
            fut.as_mut().enable();
            r.fetch_add(1, SeqCst);
            fut.await;
        });
    }
    until("all registered", || registered.load(SeqCst) == 4).await;
    // Created before the call but never polled or enabled: completes too.
    let created_before = notify.notified();
    notify.notify_waiters();
    let mut created_after = pin!(notify.notified());

    bounded("created before", created_before).await;
    while let Some(r) = bounded("registered waiters", set.join_next()).await {
        r.unwrap();
    }
    assert!(
        !created_after.as_mut().enable(),
        "notify_waiters stored a permit"
    );
    assert!(
        timeout(Duration::from_millis(5), created_after)
            .await
            .is_err(),
        "a Notified created after notify_waiters completed"
    );
}

// -------------------------------------------------------------- Barrier ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn barrier_has_one_leader_per_generation() {
    const TASKS: usize = 10;
    const GENERATIONS: usize = 3;
    let barrier = Arc::new(Barrier::new(TASKS));
    let arrived: Arc<Vec<AtomicUsize>> =
        Arc::new((0..GENERATIONS).map(|_| AtomicUsize::new(0)).collect());
    let leaders: Arc<Vec<AtomicUsize>> =
        Arc::new((0..GENERATIONS).map(|_| AtomicUsize::new(0)).collect());
    let mut set = JoinSet::new();
    for _ in 0..TASKS {
        let (barrier, arrived, leaders) = (
            Arc::clone(&barrier),
            Arc::clone(&arrived),
            Arc::clone(&leaders),
        );
        set.spawn(async move {
            for g in 0..GENERATIONS {
                arrived[g].fetch_add(1, SeqCst);
                let res = barrier.wait().await;
                // Nobody leaves a generation before everyone arrived.
                assert_eq!(arrived[g].load(SeqCst), TASKS);
                if res.is_leader() {
                    leaders[g].fetch_add(1, SeqCst);
                }
            }
        });
    }
    while let Some(r) = bounded("barrier tasks", set.join_next()).await {
        r.unwrap();
    }
    for (g, l) in leaders.iter().enumerate() {
        assert_eq!(l.load(SeqCst), 1, "leaders in generation {g}");
    }
}

// ------------------------------------------------------------- OnceCell ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_cell_runs_one_initialiser_for_concurrent_callers() {
    let cell = Arc::new(OnceCell::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..16 {
        let (cell, calls) = (Arc::clone(&cell), Arc::clone(&calls));
        set.spawn(async move {
            *cell
                .get_or_init(|| async {
                    calls.fetch_add(1, SeqCst);
                    sleep(Duration::from_millis(5)).await;
                    42
                })
                .await
        });
    }
    while let Some(r) = bounded("get_or_init", set.join_next()).await {
        assert_eq!(r.unwrap(), 42);
    }
    assert_eq!(calls.load(SeqCst), 1);
    assert!(cell.initialized());
    assert!(cell.set(1).unwrap_err().is_already_init_err());
}

#[runtime::test]
async fn cancelled_initialiser_lets_the_next_caller_run() {
    let cell = Arc::new(OnceCell::<u32>::new());
    let started = Arc::new(AtomicBool::new(false));
    let (c, s) = (Arc::clone(&cell), Arc::clone(&started));
    let stuck = runtime::spawn(async move {
        c.get_or_init(|| async move {
            s.store(true, SeqCst);
            sleep(Duration::from_secs(3600)).await;
            1
        })
        .await;
    });
    until("first initialiser running", || started.load(SeqCst)).await;
    assert!(cell.set(9).unwrap_err().is_initializing_err());

    let c = Arc::clone(&cell);
    let next = runtime::spawn(async move { *c.get_or_init(|| async { 2 }).await });
    yield_now().await;
    stuck.abort();
    assert_eq!(bounded("second initialiser", next).await.unwrap(), 2);
    assert_eq!(cell.get(), Some(&2));

    // A failing initialiser also lets the next one run.
    let cell = OnceCell::<u32>::new();
    let r: Result<_, &str> = cell.get_or_try_init(|| async { Err("no") }).await;
    assert_eq!(r, Err("no"));
    assert_eq!(
        cell.get_or_try_init(|| async { Ok::<_, ()>(3) }).await,
        Ok(&3)
    );
}

// ------------------------------------------------------- without runtime ----

struct ThreadWaker(std::thread::Thread, AtomicBool);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.1.store(true, SeqCst);
        self.0.unpark();
    }
}

/// A minimal executor: polls on the current thread, parks while pending.
fn park_block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let state = Arc::new(ThreadWaker(std::thread::current(), AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&state));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = Pin::as_mut(&mut f).poll(&mut cx) {
            return v;
        }
        while !state.1.swap(false, SeqCst) {
            std::thread::park();
        }
    }
}

#[test]
fn primitives_work_on_a_plain_thread_without_the_runtime() {
    let m = Arc::new(Mutex::new(0));
    let notify = Arc::new(Notify::new());
    let guard = Arc::clone(&m).try_lock_owned().unwrap();
    let (m2, n2) = (Arc::clone(&m), Arc::clone(&notify));
    let t = std::thread::spawn(move || {
        // Blocks on the held lock until the main thread releases it.
        park_block_on(async {
            *m2.lock().await += 1;
            n2.notified().await;
            *m2.lock().await += 10;
        });
    });
    std::thread::sleep(std::time::Duration::from_millis(10));
    drop(guard);
    // Wait (bounded) until the thread holds the notified() wait, then notify.
    // notify_one stores a permit if it gets there first, so any order works.
    let start = std::time::Instant::now();
    while *m.blocking_lock() == 0 {
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
        std::thread::yield_now();
    }
    notify.notify_one();
    t.join().unwrap();
    assert_eq!(*m.blocking_lock(), 11);
}

// ----------------------------------------- examples from the crate docs ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn doc_example_semaphore_limits_concurrency() {
    let sem = Arc::new(Semaphore::new(2));
    let mut set = JoinSet::new();
    for i in 0..5 {
        let permit = Arc::clone(&sem).acquire_owned().await.unwrap();
        set.spawn(async move {
            let _permit = permit; // released when the task ends
            i * 2
        });
    }
    let mut total = 0;
    while let Some(r) = set.join_next().await {
        total += r.unwrap();
    }
    assert_eq!(total, 20);
}

#[runtime::test]
async fn doc_example_barrier() {
    let barrier = Arc::new(Barrier::new(3));
    let mut set = JoinSet::new();
    for _ in 0..3 {
        let b = Arc::clone(&barrier);
        set.spawn(async move { b.wait().await.is_leader() });
    }
    let mut leaders = 0;
    while let Some(r) = set.join_next().await {
        leaders += r.unwrap() as usize;
    }
    assert_eq!(leaders, 1);
}

static CONFIG: OnceCell<String> = OnceCell::const_new();

async fn load() -> String {
    String::from("loaded")
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn doc_example_once_cell() {
    let first = CONFIG.get_or_init(load).await;
    let again = CONFIG.get_or_init(|| async { unreachable!() }).await;
    assert_eq!((first.as_str(), again.as_str()), ("loaded", "loaded"));
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn doc_example_mutex() {
    let count = Arc::new(Mutex::new(0));
    let c = Arc::clone(&count);
    runtime::spawn(async move { *c.lock().await += 1 })
        .await
        .unwrap();
    assert_eq!(*count.lock().await, 1);
}
