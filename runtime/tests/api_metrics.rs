//! `RuntimeMetrics` (Tokio's stable subset) and the scheduler knobs of
//! `Builder`: park hooks, `event_interval`, `global_queue_interval`,
//! `max_io_events_per_tick`, on both flavours.
#![cfg(feature = "full")]

#[path = "support/eventually.rs"]
mod eventually;
use eventually::eventually;
use runtime::runtime::{Builder, Runtime, RuntimeMetrics};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

fn current() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

fn multi(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn num_workers_matches_flavour() {
    assert_eq!(current().metrics().num_workers(), 1);
    assert_eq!(multi(3).metrics().num_workers(), 3);
    let rt = multi(2);
    assert_eq!(rt.handle().metrics().num_workers(), 2);
}

fn alive_tasks_move(rt: Runtime) {
    let metrics = rt.metrics();
    assert_eq!(metrics.num_alive_tasks(), 0);
    let (tx, rx) = runtime::sync::oneshot::channel::<()>();
    let task = rt.spawn(async move { rx.await.ok() });
    assert_eq!(metrics.num_alive_tasks(), 1);
    tx.send(()).unwrap();
    rt.block_on(task).unwrap();
    eventually("task released", || metrics.num_alive_tasks() == 0);
}

#[test]
fn num_alive_tasks_counts_unfinished_tasks() {
    alive_tasks_move(current());
    alive_tasks_move(multi(2));
}

#[test]
fn global_queue_depth_current_thread() {
    let rt = current();
    let tasks: Vec<_> = (0..3).map(|_| rt.spawn(async {})).collect();
    assert_eq!(rt.metrics().global_queue_depth(), 3);
    for t in tasks {
        rt.block_on(t).unwrap();
    }
    assert_eq!(rt.metrics().global_queue_depth(), 0);
}

#[test]
fn global_queue_depth_multi_thread() {
    let rt = multi(1);
    let metrics = rt.metrics();
    // Occupy the only worker, then spawn from outside.
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let blocker = rt.spawn(async move {
        started_tx.send(()).unwrap();
        release_rx.recv().unwrap();
    });
    started_rx.recv().unwrap();
    let tasks: Vec<_> = (0..4).map(|_| rt.spawn(async {})).collect();
    assert_eq!(metrics.global_queue_depth(), 4);
    release_tx.send(()).unwrap();
    rt.block_on(blocker).unwrap();
    for t in tasks {
        rt.block_on(t).unwrap();
    }
    assert_eq!(metrics.global_queue_depth(), 0);
}

#[test]
fn park_counts_current_thread() {
    let rt = current();
    let m = rt.metrics();
    assert_eq!(m.worker_park_count(0), 0);
    assert_eq!(m.worker_park_unpark_count(0), 0);
    rt.block_on(async { runtime::time::sleep(Duration::from_millis(5)).await });
    let parks = m.worker_park_count(0);
    assert!(parks >= 1);
    // Back from each park: even, twice the parks.
    assert_eq!(m.worker_park_unpark_count(0), 2 * parks);
    rt.block_on(async { runtime::time::sleep(Duration::from_millis(5)).await });
    assert!(m.worker_park_count(0) > parks);
}

#[test]
fn park_counts_multi_thread() {
    let rt = multi(1);
    let m = rt.metrics();
    // An idle worker parks: odd while parked.
    eventually("worker parked", || {
        m.worker_park_count(0) >= 1 && m.worker_park_unpark_count(0) % 2 == 1
    });
    let before = m.worker_park_unpark_count(0);
    rt.block_on(rt.spawn(async {})).unwrap();
    eventually("worker woke and parked again", || {
        let n = m.worker_park_unpark_count(0);
        n >= before + 2 && n % 2 == 1
    });
}

#[test]
#[should_panic]
fn worker_index_out_of_range_panics() {
    let _ = multi(2).metrics().worker_park_count(2);
}

fn busy_duration_grows(rt: Runtime, m: RuntimeMetrics) {
    let before = m.worker_total_busy_duration(0);
    let spin = rt.spawn(async {
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(50) {
            std::hint::spin_loop();
        }
    });
    rt.block_on(async {
        spin.await.unwrap();
        // Let the driver park, which publishes the busy time.
        runtime::time::sleep(Duration::from_millis(5)).await;
    });
    eventually("busy time published", || {
        m.worker_total_busy_duration(0) >= before + Duration::from_millis(45)
    });
}

#[test]
fn worker_total_busy_duration_counts_running_time() {
    let rt = current();
    let m = rt.metrics();
    busy_duration_grows(rt, m);
    let rt = multi(1);
    let m = rt.metrics();
    busy_duration_grows(rt, m);
}

fn hooks_called(builder: &mut Builder) {
    let parks = Arc::new(AtomicUsize::new(0));
    let unparks = Arc::new(AtomicUsize::new(0));
    let (p, u) = (parks.clone(), unparks.clone());
    let rt = builder
        .enable_all()
        .on_thread_park(move || {
            p.fetch_add(1, SeqCst);
        })
        .on_thread_unpark(move || {
            u.fetch_add(1, SeqCst);
        })
        .build()
        .unwrap();
    let sleep_in_a_task = || {
        rt.block_on(async {
            runtime::spawn(runtime::time::sleep(Duration::from_millis(5)))
                .await
                .unwrap()
        })
    };
    sleep_in_a_task();
    eventually("park hook", || parks.load(SeqCst) >= 1);
    // On a slow machine (AddressSanitizer) the first task may run and end
    // without any worker parking and waking for it (the timer expired by the
    // time a worker looked); a worker parked since then has to wake for the
    // next one.
    eventually("unpark hook", || {
        if unparks.load(SeqCst) == 0 {
            sleep_in_a_task();
        }
        unparks.load(SeqCst) >= 1
    });
    // Each unpark follows a park on the same thread.
    let m = rt.metrics();
    let total_parks: u64 = (0..m.num_workers()).map(|w| m.worker_park_count(w)).sum();
    assert!(parks.load(SeqCst) as u64 <= total_parks + m.num_workers() as u64);
    drop(rt);
    let (p, u) = (parks.load(SeqCst), unparks.load(SeqCst));
    assert!(u <= p && p <= u + 2, "parks {p}, unparks {u}");
}

#[test]
fn park_hooks_are_called() {
    hooks_called(&mut Builder::new_current_thread());
    hooks_called(Builder::new_multi_thread().worker_threads(2));
}

/// Wakes itself forever, never spending its cooperative budget; counts polls
/// and, once `deadline` passed, the polls since.
struct Spinner {
    polls: Arc<AtomicU64>,
    polls_at_deadline: Arc<AtomicU64>,
    deadline: Instant,
    stop: Arc<AtomicBool>,
}

impl Future for Spinner {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.stop.load(SeqCst) {
            return Poll::Ready(());
        }
        let n = self.polls.fetch_add(1, SeqCst) + 1;
        if Instant::now() >= self.deadline && self.polls_at_deadline.load(SeqCst) == 0 {
            self.polls_at_deadline.store(n, SeqCst);
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls of a self-waking task per look at I/O and timers: a task that
/// yields with `yield_now` is woken once per look, so the ratio of the two
/// tasks' progress is about the event interval.
fn polls_per_look(event_interval: u32) -> f64 {
    let rt = Builder::new_current_thread()
        .enable_all()
        .event_interval(event_interval)
        .build()
        .unwrap();
    let polls = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    rt.block_on(async {
        let spinner = runtime::spawn(Spinner {
            polls: polls.clone(),
            polls_at_deadline: Arc::new(AtomicU64::new(0)),
            deadline: Instant::now() + Duration::from_secs(3600),
            stop: stop.clone(),
        });
        let stop2 = stop.clone();
        let yielder = runtime::spawn(async move {
            let mut looks = 0u64;
            let start = Instant::now();
            while start.elapsed() < Duration::from_millis(30) {
                runtime::task::yield_now().await;
                looks += 1;
            }
            stop2.store(true, SeqCst);
            looks
        });
        let looks = yielder.await.unwrap();
        spinner.await.unwrap();
        polls.load(SeqCst) as f64 / looks.max(1) as f64
    })
}

#[test]
fn event_interval_sets_how_often_io_and_timers_are_looked_at() {
    let one = polls_per_look(1);
    let many = polls_per_look(200);
    assert!(one <= 3.0, "interval 1: {one} polls per look");
    assert!(many >= 50.0, "interval 200: {many} polls per look");
}

#[test]
fn event_interval_one_fires_timer_next_to_busy_task() {
    // A busy, self-waking task does not delay a due timer by more than a
    // few polls with interval 1.
    let rt = Builder::new_current_thread()
        .enable_all()
        .event_interval(1)
        .build()
        .unwrap();
    let polls = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let late = rt.block_on(async {
        let spinner = runtime::spawn(Spinner {
            polls: polls.clone(),
            polls_at_deadline: Arc::new(AtomicU64::new(0)),
            deadline: Instant::now() + Duration::from_secs(3600),
            stop: stop.clone(),
        });
        let start = Instant::now();
        runtime::time::sleep(Duration::from_millis(10)).await;
        let late = start.elapsed();
        stop.store(true, SeqCst);
        spinner.await.unwrap();
        late
    });
    assert!(polls.load(SeqCst) > 0);
    assert!(late < Duration::from_millis(500), "timer late: {late:?}");
}

#[test]
#[should_panic(expected = "event_interval must be greater than 0")]
fn event_interval_zero_panics() {
    Builder::new_multi_thread().event_interval(0);
}

#[test]
#[should_panic(expected = "global_queue_interval must be greater than 0")]
fn global_queue_interval_zero_panics() {
    Builder::new_current_thread().global_queue_interval(0);
}

#[test]
#[should_panic(expected = "max_io_events_per_tick must be non-zero")]
fn max_io_events_zero_panics() {
    Builder::new_current_thread().max_io_events_per_tick(0);
}

#[test]
fn global_queue_interval_one_serves_remote_work_first() {
    // Current thread, interval 1: every tick takes the shared queue first,
    // so a task spawned from another thread runs before the local ping-pong
    // of two self-waking tasks ends.
    let rt = Builder::new_current_thread()
        .enable_all()
        .global_queue_interval(1)
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    let ran = rt.block_on(async move {
        let stop = Arc::new(AtomicBool::new(false));
        let polls = Arc::new(AtomicU64::new(0));
        let spinner = runtime::spawn(Spinner {
            polls: polls.clone(),
            polls_at_deadline: Arc::new(AtomicU64::new(0)),
            deadline: Instant::now() + Duration::from_secs(3600),
            stop: stop.clone(),
        });
        // Wait until the spinner runs, then spawn from another thread.
        while polls.load(SeqCst) == 0 {
            runtime::task::yield_now().await;
        }
        let stop2 = stop.clone();
        let remote = thread::spawn(move || {
            handle.spawn(async move {
                stop2.store(true, SeqCst);
            })
        })
        .join()
        .unwrap();
        remote.await.unwrap();
        spinner.await.unwrap();
        polls.load(SeqCst)
    });
    assert!(ran >= 1);
}

#[test]
fn max_io_events_per_tick_one_still_delivers_all_events() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .max_io_events_per_tick(1)
        .build()
        .unwrap();
    rt.block_on(async {
        use runtime::io::{AsyncReadExt, AsyncWriteExt};
        let listener = runtime::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(async move {
            for _ in 0..4 {
                let (mut s, _) = listener.accept().await.unwrap();
                runtime::spawn(async move {
                    let mut buf = [0u8; 4];
                    s.read_exact(&mut buf).await.unwrap();
                    s.write_all(&buf).await.unwrap();
                });
            }
        });
        let mut clients = Vec::new();
        for i in 0..4u8 {
            clients.push(runtime::spawn(async move {
                let mut c = runtime::net::TcpStream::connect(addr).await.unwrap();
                c.write_all(&[i; 4]).await.unwrap();
                let mut buf = [0u8; 4];
                c.read_exact(&mut buf).await.unwrap();
                assert_eq!(buf, [i; 4]);
            }));
        }
        for c in clients {
            c.await.unwrap();
        }
        server.await.unwrap();
    });
}
