//! `block_on` must let the I/O and timer driver run between polls of a future
//! that keeps waking itself, as Tokio's does: otherwise a timer the future
//! itself waits on never fires.
#![cfg(feature = "full")]

use runtime::time::{sleep_until, Duration, Instant, Sleep};
use runtime::{Builder, Runtime};
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread;

/// Polls the sleep; while it is pending, wakes itself at once.
struct Starve(Sleep);

impl Future for Starve {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Pin::new(&mut self.0).poll(cx).is_ready() {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Runs a self-waking `block_on` over a 10 ms sleep on `rt`, on its own
/// thread; fails (instead of hanging) if it does not finish in 10 s.
fn self_waking_block_on_finishes(name: &str, build: fn() -> Runtime) {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let rt = build();
        rt.block_on(async {
            Starve(runtime::time::sleep_until(
                Instant::now() + Duration::from_millis(10),
            ))
            .await
        });
        let _ = tx.send(());
        // Leak rather than drop on a hung run: the test has failed already.
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("{name}: a self-waking block_on starved its own timer"));
}

#[test]
fn self_waking_block_on_lets_timers_fire_on_current_thread() {
    self_waking_block_on_finishes("current_thread", || {
        Builder::new_current_thread().enable_all().build().unwrap()
    });
}

#[test]
fn self_waking_block_on_lets_timers_fire_on_multi_thread() {
    self_waking_block_on_finishes("multi_thread(1)", || {
        Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    });
    self_waking_block_on_finishes("multi_thread(4)", || {
        Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .unwrap()
    });
}

#[test]
fn self_waking_task_lets_timers_fire() {
    for (name, rt) in [
        (
            "current_thread",
            Builder::new_current_thread().enable_all().build().unwrap(),
        ),
        (
            "multi_thread(1)",
            Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap(),
        ),
    ] {
        let started = Instant::now();
        rt.block_on(async {
            runtime::spawn(Starve(sleep_until(
                Instant::now() + Duration::from_millis(10),
            )))
            .await
            .unwrap()
        });
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: a self-waking task starved its own timer"
        );
    }
}

/// The `block_on` future and a task wake each other back and forth for
/// ever; a timer in a third task must still fire (the driver gets a look at
/// least every few dozen polls).
#[test]
fn block_on_ping_ponging_with_a_task_lets_timers_fire() {
    use runtime::sync::Notify;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::Arc;
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let rt = Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let fired = Arc::new(AtomicBool::new(false));
            let f = fired.clone();
            runtime::spawn(async move {
                runtime::time::sleep(Duration::from_millis(10)).await;
                f.store(true, SeqCst);
            });
            let (ping, pong) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
            let (p, q) = (ping.clone(), pong.clone());
            runtime::spawn(async move {
                loop {
                    p.notified().await;
                    q.notify_one();
                }
            });
            while !fired.load(SeqCst) {
                ping.notify_one();
                pong.notified().await;
            }
        });
        let _ = tx.send(());
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("a block_on ping-ponging with a task starved the timer");
}
