//! The long-poll detector: fires for a task blocked in `std::thread::sleep`
//! while it is still blocked, names its spawn line, and never fires for
//! `spawn_blocking`, `block_in_place` or fast tasks; on both flavours.

use runtime::runtime::{Builder, LongPoll};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// A report, whether the task was still blocked when it came, and when.
type Report = (LongPoll, bool, Instant);

fn builder(multi: bool) -> Builder {
    let mut b = if multi {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(2);
        b
    } else {
        Builder::new_current_thread()
    };
    b.enable_all();
    b
}

fn detector(
    multi: bool,
    threshold: Duration,
    blocked: Arc<AtomicBool>,
) -> (runtime::Runtime, mpsc::Receiver<Report>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let rt = builder(multi)
        .warn_on_long_poll(threshold)
        .on_long_poll(move |info| {
            let _ = tx
                .lock()
                .unwrap()
                .send((info.clone(), blocked.load(SeqCst), Instant::now()));
        })
        .build()
        .unwrap();
    (rt, rx)
}

fn fires_while_blocked(multi: bool) {
    let blocked = Arc::new(AtomicBool::new(false));
    let (rt, rx) = detector(multi, Duration::from_millis(50), blocked.clone());
    let flag = blocked.clone();
    let start = Instant::now();
    let line = line!() + 1;
    let task = rt.spawn(async move {
        flag.store(true, SeqCst);
        std::thread::sleep(Duration::from_millis(200));
        flag.store(false, SeqCst);
    });
    let id = task.id();
    rt.block_on(task).unwrap();
    let (info, still_blocked, at) = rx.recv_timeout(Duration::from_secs(5)).expect("a report");
    assert!(still_blocked, "reported after the poll returned: {info}");
    assert_eq!(info.id(), id);
    assert!(info.spawned_at().file().ends_with("observe_long_poll.rs"));
    assert_eq!(info.spawned_at().line(), line);
    assert!(info.elapsed() >= Duration::from_millis(50), "{info}");
    assert!(at - start < Duration::from_millis(200), "{:?}", at - start);
    if !multi {
        assert_eq!(info.worker(), 0);
    }
    let text = info.to_string();
    assert!(
        text.contains(&format!("observe_long_poll.rs:{line}")),
        "{text}"
    );
    // Reported once per poll.
    std::thread::sleep(Duration::from_millis(100));
    assert!(rx.try_recv().is_err());
}

#[test]
fn fires_while_still_blocked_current_thread() {
    fires_while_blocked(false);
}

#[test]
fn fires_while_still_blocked_multi_thread() {
    fires_while_blocked(true);
}

fn quiet_for_blocking_and_fast_work(multi: bool) {
    // A generous threshold: on a loaded machine the OS may hold a fast
    // poll's thread off the CPU for tens of milliseconds.
    let (rt, rx) = detector(
        multi,
        Duration::from_millis(150),
        Arc::new(AtomicBool::new(false)),
    );
    rt.block_on(async move {
        let blocking = runtime::spawn_blocking(|| std::thread::sleep(Duration::from_millis(400)));
        let fast: Vec<_> = (0..1000)
            .map(|i| {
                runtime::spawn(async move {
                    for _ in 0..3 {
                        runtime::task::yield_now().await;
                    }
                    i
                })
            })
            .collect();
        for t in fast {
            t.await.unwrap();
        }
        if multi {
            runtime::spawn(async {
                runtime::task::block_in_place(|| std::thread::sleep(Duration::from_millis(400)))
            })
            .await
            .unwrap();
        }
        // Timers and I/O waits are not polls.
        runtime::time::sleep(Duration::from_millis(150)).await;
        blocking.await.unwrap();
    });
    std::thread::sleep(Duration::from_millis(100));
    if let Ok((info, _, _)) = rx.try_recv() {
        panic!("unexpected report: {info}");
    }
}

#[test]
fn quiet_for_blocking_and_fast_work_current_thread() {
    quiet_for_blocking_and_fast_work(false);
}

#[test]
fn quiet_for_blocking_and_fast_work_multi_thread() {
    quiet_for_blocking_and_fast_work(true);
}

#[test]
fn names_the_task_and_zero_turns_it_off() {
    let blocked = Arc::new(AtomicBool::new(false));
    let (rt, rx) = detector(true, Duration::from_millis(50), blocked);
    let t = runtime::task::Builder::new()
        .name("slow-one")
        .spawn_on(
            async { std::thread::sleep(Duration::from_millis(150)) },
            rt.handle(),
        )
        .unwrap();
    rt.block_on(t).unwrap();
    let (info, _, _) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(info.name(), Some("slow-one"));
    assert!(info.to_string().contains("\"slow-one\""));

    let (tx, rx) = mpsc::channel::<()>();
    let tx = Mutex::new(tx);
    let rt = builder(false)
        .warn_on_long_poll(Duration::ZERO)
        .on_long_poll(move |_| {
            let _ = tx.lock().unwrap().send(());
        })
        .build()
        .unwrap();
    rt.block_on(rt.spawn(async { std::thread::sleep(Duration::from_millis(150)) }))
        .unwrap();
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
}

#[allow(dead_code)]
#[path = "../examples/observe.rs"]
mod observe_example;

#[test]
fn the_example_reports_its_blocking_handler_while_blocked() {
    let demo = observe_example::demo().unwrap();
    let (first, still_blocked) = demo.long_polls.first().expect("a long-poll report");
    assert!(still_blocked, "{first}");
    assert_eq!(first.name(), Some("slow-handler"));
    assert!(first.spawned_at().file().ends_with("observe.rs"));
    assert_eq!(first.spawned_at().line(), demo.slow_line);
    assert!(first
        .to_string()
        .contains(&format!("observe.rs:{}", demo.slow_line)));
    // The dump lists what is still alive: the acceptor and the idle
    // client's connection, waiting.
    assert!(demo.dump.contains("acceptor"), "{}", demo.dump);
    assert!(demo.dump.contains("connection"), "{}", demo.dump);
    assert!(demo
        .metrics
        .contains("runtime_worker_polls_total{worker=\"0\"}"));
    assert!(demo.metrics.contains("runtime_poll_time_seconds_bucket"));
}
