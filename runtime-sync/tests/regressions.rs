//! Regression tests: the cooperative budget on every primitive's ready path,
//! `Notify::notify_last` hand-over on drop, and mpsc receiver teardown and
//! `reserve` after `close`.
//!
//! Budget tests run inside a current-thread runtime, whose task polls carry
//! the budget (outside a runtime it is unconstrained). A test that would spin
//! forever without the budget runs on its own thread and fails after a few
//! seconds instead of hanging.
#![cfg(not(loom))]

use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use runtime::sync::{
    broadcast, mpsc, oneshot, watch, Barrier, Mutex, Notify, OnceCell, RwLock, Semaphore,
};
use runtime::task::yield_now;

fn current_thread() -> runtime::Runtime {
    runtime::Builder::new_current_thread().build().unwrap()
}

/// Runs `scenario` on a thread; fails if it panics or has not finished after a
/// few seconds (it spins: the thread is left behind).
fn finishes(name: &str, scenario: impl FnOnce() + Send + 'static) {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        scenario();
        let _ = done_tx.send(());
    });
    match done_rx.recv_timeout(Duration::from_secs(5)) {
        Ok(()) => handle.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: never finished (an always-ready loop never yielded)")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

/// Inside one task poll of a current-thread runtime, creates and polls the
/// future `$fut` (an always-ready operation) again and again: the budget must
/// make it return `Pending` within a budget's worth of operations.
macro_rules! assert_yields {
    ($name:expr, $fut:expr) => {{
        current_thread().block_on(async {
            poll_fn(|cx| {
                for _ in 0..1000 {
                    let fut = pin!($fut);
                    if fut.poll(cx).is_pending() {
                        return Poll::Ready(());
                    }
                }
                panic!(
                    "{}: 1000 ready operations in one task poll never yielded",
                    $name
                )
            })
            .await
        })
    }};
}

// ------------------------------------------------------------ the budget ----

/// The first scenario of the bug report: `closed()` on a channel whose
/// receiver is gone is always ready, and must still let the task yield.
#[test]
fn watch_closed_loop_lets_a_yielding_branch_run() {
    finishes("watch closed loop", || {
        current_thread().block_on(async {
            let (tx, rx) = watch::channel(0);
            drop(rx);
            runtime::select! {
                _ = async { loop { tx.closed().await } } => {}
                _ = yield_now() => {}
            }
        })
    });
}

/// The second scenario: `wait_for` whose predicate already holds.
#[test]
fn watch_wait_for_loop_lets_a_yielding_branch_run() {
    finishes("watch wait_for loop", || {
        current_thread().block_on(async {
            let (tx, mut rx) = watch::channel(0);
            runtime::select! {
                biased;
                _ = async {
                    loop {
                        tx.send(1).unwrap();
                        rx.wait_for(|v| *v == 1).await.unwrap();
                    }
                } => {}
                _ = yield_now() => {}
            }
        })
    });
}

#[test]
fn watch_closed_spends_budget() {
    let (tx, rx) = watch::channel(0);
    drop(rx);
    assert_yields!("watch closed", tx.closed());
}

#[test]
fn watch_ready_paths_spend_budget() {
    let (tx, mut rx) = watch::channel(0);
    assert_yields!("watch wait_for", rx.wait_for(|_| true));
    assert_yields!("watch changed", {
        tx.send_modify(|v| *v += 1);
        rx.changed()
    });
}

#[test]
fn broadcast_ready_paths_spend_budget() {
    let (tx, rx) = broadcast::channel::<u8>(4);
    drop(rx);
    assert_yields!("broadcast closed", tx.closed());
    let (tx, mut rx) = broadcast::channel(4);
    assert_yields!("broadcast recv", {
        tx.send(1).unwrap();
        rx.recv()
    });
}

#[test]
fn mpsc_ready_paths_spend_budget() {
    let (tx, rx) = mpsc::channel::<u8>(4);
    drop(rx);
    assert_yields!("mpsc closed", tx.closed());
    let (tx, rx) = mpsc::unbounded_channel::<u8>();
    drop(rx);
    assert_yields!("unbounded closed", tx.closed());

    let (tx, mut rx) = mpsc::channel(4);
    assert_yields!("mpsc reserve", tx.reserve());
    assert_yields!("mpsc send", {
        let _ = rx.try_recv();
        tx.send(1)
    });
    assert_yields!("mpsc recv", {
        let _ = tx.try_send(1);
        rx.recv()
    });
    let (tx, mut rx) = mpsc::unbounded_channel();
    assert_yields!("unbounded recv", {
        tx.send(1).unwrap();
        rx.recv()
    });
}

#[test]
fn oneshot_ready_paths_spend_budget() {
    assert_yields!("oneshot recv", {
        let (tx, rx) = oneshot::channel();
        tx.send(1).unwrap();
        rx
    });
    assert_yields!("oneshot closed", {
        let (mut tx, rx) = oneshot::channel::<u8>();
        drop(rx);
        async move { tx.closed().await }
    });
}

#[test]
fn lock_and_semaphore_ready_paths_spend_budget() {
    let mutex = Mutex::new(0);
    assert_yields!("Mutex::lock", mutex.lock());
    let rwlock = RwLock::new(0);
    assert_yields!("RwLock::read", rwlock.read());
    assert_yields!("RwLock::write", rwlock.write());
    let sem = Semaphore::new(1);
    assert_yields!("Semaphore::acquire", sem.acquire());
}

#[test]
fn notify_ready_path_spends_budget() {
    let notify = Notify::new();
    assert_yields!("Notify::notified", {
        notify.notify_one();
        notify.notified()
    });
}

#[test]
fn barrier_ready_path_spends_budget() {
    let barrier = Barrier::new(1);
    assert_yields!("Barrier::wait", barrier.wait());
}

#[test]
fn once_cell_ready_paths_spend_budget() {
    let cell = OnceCell::new();
    assert_yields!("OnceCell::get_or_init", cell.get_or_init(|| async { 1 }));
    assert_yields!(
        "OnceCell::get_or_try_init",
        cell.get_or_try_init(|| async { Ok::<_, ()>(2) })
    );
}

// --------------------------------------------------------------- Notify ----

/// Polls with a waker that does nothing.
fn poll_noop<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(&Waker::from(Arc::new(Idle))))
}

/// `notify_last` picks the newest waiter; if that one is dropped before it
/// observed the notification, the next newest gets it (as with `notify_one`,
/// where it goes to the next oldest).
#[test]
fn notify_last_passes_on_to_the_next_newest_when_dropped() {
    let notify = Notify::new();
    let mut n1 = Box::pin(notify.notified());
    let mut n2 = Box::pin(notify.notified());
    let n3 = {
        let mut n3 = Box::pin(notify.notified());
        assert!(poll_noop(n1.as_mut()).is_pending());
        assert!(poll_noop(n2.as_mut()).is_pending());
        assert!(poll_noop(n3.as_mut()).is_pending());
        n3
    };
    notify.notify_last();
    drop(n3);
    assert!(poll_noop(n2.as_mut()).is_ready());
    assert!(poll_noop(n1.as_mut()).is_pending());
}

#[test]
fn notify_one_passes_on_to_the_next_oldest_when_dropped() {
    let notify = Notify::new();
    let mut n1 = Box::pin(notify.notified());
    let mut n2 = Box::pin(notify.notified());
    let mut n3 = Box::pin(notify.notified());
    assert!(poll_noop(n1.as_mut()).is_pending());
    assert!(poll_noop(n2.as_mut()).is_pending());
    assert!(poll_noop(n3.as_mut()).is_pending());
    notify.notify_one();
    drop(n1);
    assert!(poll_noop(n3.as_mut()).is_pending());
    assert!(poll_noop(n2.as_mut()).is_ready());
}

// ----------------------------------------------------------------- mpsc ----

/// A waker that does nothing; its `Arc`'s count shows how many clones live.
struct Idle;

impl Wake for Idle {
    fn wake(self: Arc<Self>) {}
}

#[test]
fn mpsc_receiver_drop_drops_its_stored_waker() {
    let idle = Arc::new(Idle);
    let waker = Waker::from(Arc::clone(&idle));
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    assert!(pin!(rx.recv())
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    assert_eq!(Arc::strong_count(&idle), 3, "the channel keeps a clone");
    drop(rx);
    assert_eq!(Arc::strong_count(&idle), 2, "bounded: waker outlived rx");

    let (utx, mut urx) = mpsc::unbounded_channel::<u8>();
    assert!(pin!(urx.recv())
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(urx);
    assert_eq!(Arc::strong_count(&idle), 2, "unbounded: waker outlived rx");
    drop((tx, utx));
}

/// Counts its drops; the one with `id == PANICS` panics instead.
struct Bomb {
    id: usize,
    dropped: Arc<AtomicUsize>,
}

const PANICS: usize = 2;

impl Drop for Bomb {
    fn drop(&mut self) {
        if self.id == PANICS {
            panic!("Bomb {PANICS} goes off");
        }
        self.dropped.fetch_add(1, SeqCst);
    }
}

fn bombs(n: usize) -> (Arc<AtomicUsize>, Vec<Bomb>) {
    let dropped = Arc::new(AtomicUsize::new(0));
    let v = (0..n)
        .map(|id| Bomb {
            id,
            dropped: Arc::clone(&dropped),
        })
        .collect();
    (dropped, v)
}

#[test]
fn mpsc_receiver_drop_drops_every_value_when_one_drop_panics() {
    // Senders stay alive, so the receiver's drop is what drops the values.
    let (dropped, values) = bombs(6);
    let (tx, rx) = mpsc::channel(8);
    for v in values {
        tx.try_send(v).map_err(|_| ()).unwrap();
    }
    assert!(catch_unwind(AssertUnwindSafe(|| drop(rx))).is_err());
    assert_eq!(
        dropped.load(SeqCst),
        5,
        "bounded: values after the panic leaked"
    );
    // Every slot came back.
    assert!(tx.is_closed());
    assert_eq!(tx.capacity(), 8);

    let (dropped, values) = bombs(6);
    let (tx, rx) = mpsc::unbounded_channel();
    for v in values {
        tx.send(v).map_err(|_| ()).unwrap();
    }
    assert!(catch_unwind(AssertUnwindSafe(|| drop(rx))).is_err());
    assert_eq!(
        dropped.load(SeqCst),
        5,
        "unbounded: values after the panic leaked"
    );
    drop(tx);
}

/// Values sent with permits taken before the receiver went are dropped with
/// the channel; one panicking drop must not leak the rest there either.
#[test]
fn mpsc_channel_drop_drops_every_value_when_one_drop_panics() {
    let (dropped, values) = bombs(6);
    let (tx, rx) = mpsc::channel(8);
    let permits: Vec<_> = (0..6)
        .map(|_| tx.clone().try_reserve_owned().unwrap())
        .collect();
    drop(rx);
    let senders: Vec<_> = permits
        .into_iter()
        .zip(values)
        .map(|(p, v)| p.send(v))
        .collect();
    drop(tx);
    assert!(catch_unwind(AssertUnwindSafe(|| drop(senders))).is_err());
    assert_eq!(dropped.load(SeqCst), 5);
}

/// A `reserve` waiting for capacity resolves `Err` once the receiver closed,
/// even if a slot was handed to it just before the close (as in Tokio, where
/// a closed semaphore fails every pending acquire); the slot goes back.
#[test]
fn mpsc_pending_reserve_fails_after_close() {
    // Closed while queued.
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut reserve = Box::pin(tx.reserve());
    assert!(poll_noop(reserve.as_mut()).is_pending());
    rx.close();
    assert!(matches!(poll_noop(reserve.as_mut()), Poll::Ready(Err(_))));
    drop(reserve);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));

    // Handed the freed slot, then closed before it was polled again.
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut reserve = Box::pin(tx.reserve());
    assert!(poll_noop(reserve.as_mut()).is_pending());
    assert_eq!(rx.try_recv(), Ok(1));
    rx.close();
    assert!(matches!(poll_noop(reserve.as_mut()), Poll::Ready(Err(_))));
    drop(reserve);
    // The slot came back: the receiver sees "closed and drained".
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));

    // Same through `send`.
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut send = Box::pin(tx.send(2));
    assert!(poll_noop(send.as_mut()).is_pending());
    assert_eq!(rx.try_recv(), Ok(1));
    rx.close();
    assert!(matches!(
        poll_noop(send.as_mut()),
        Poll::Ready(Err(mpsc::error::SendError(2)))
    ));
    drop(send);
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
}

/// The futures whose bodies changed here (budget steps, the barrier's
/// generation re-check) are still `Send`: no lock guard lives across an
/// await.
#[test]
fn changed_futures_are_still_send() {
    fn send<T: Send>(_: T) {}
    let barrier = Barrier::new(2);
    send(barrier.wait());
    let cell = OnceCell::<u8>::new();
    send(cell.get_or_init(|| async { 1 }));
    send(cell.get_or_try_init(|| async { Ok::<u8, ()>(1) }));
    let (tx, mut rx) = watch::channel(0);
    send(rx.wait_for(|_| true));
    send(tx.closed());
    let notify = Notify::new();
    send(notify.notified());
}
