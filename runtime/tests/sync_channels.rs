//! oneshot, mpsc, broadcast and watch from `runtime::sync`, on both runtime
//! flavours, from `spawn_blocking`, and on plain threads with no runtime.
//!
//! Waits are bounded (`timeout` of seconds) so a broken channel fails the test
//! instead of hanging it; no assertion depends on timing otherwise.
#![cfg(feature = "full")]

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::sync::{broadcast, mpsc, oneshot, watch};
use runtime::task::{spawn_blocking, yield_now, JoinSet};
use runtime::time::{sleep, timeout, Duration};

const LONG: Duration = Duration::from_secs(20);

async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    match timeout(LONG, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// Polls `f` once with the current task's context.
async fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    poll_fn(|cx| Poll::Ready(std::pin::Pin::new(&mut *f).poll(cx))).await
}

// -------------------------------------------------------------- oneshot ----

#[runtime::test]
async fn oneshot_send_then_recv() {
    let (tx, rx) = oneshot::channel();
    runtime::spawn(async move { tx.send("hi").unwrap() });
    assert_eq!(bounded("oneshot recv", rx).await, Ok("hi"));
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn oneshot_sender_drop_gives_recv_error() {
    let (tx, rx) = oneshot::channel::<u32>();
    runtime::spawn(async move { drop(tx) });
    assert!(bounded("oneshot recv", rx).await.is_err());
}

#[runtime::test]
async fn oneshot_receiver_drop_fails_send_and_completes_closed() {
    let (mut tx, rx) = oneshot::channel::<u32>();
    let closed = runtime::spawn(async move {
        tx.closed().await;
        tx
    });
    yield_now().await; // the task is now waiting in `closed()`
    assert!(!closed.is_finished());
    drop(rx);
    let tx = bounded("closed()", closed).await.unwrap();
    assert!(tx.is_closed());
    assert_eq!(tx.send(5), Err(5));
}

// ------------------------------------------------------------------ mpsc ----

const PRODUCERS: u64 = 4;
const PER_PRODUCER: u64 = 250_000;

/// Checks values `(p << 32) | i`: each producer's `i` counts up by one, and
/// all `PRODUCERS * PER_PRODUCER` arrive.
#[derive(Default)]
struct OrderCheck {
    next: [u64; PRODUCERS as usize],
    total: u64,
}

impl OrderCheck {
    fn push(&mut self, v: u64) {
        let (p, i) = ((v >> 32) as usize, v & 0xffff_ffff);
        assert_eq!(
            i, self.next[p],
            "producer {p}: message out of order or lost"
        );
        self.next[p] += 1;
        self.total += 1;
    }

    fn finish(&self) {
        assert_eq!(self.total, PRODUCERS * PER_PRODUCER);
        assert!(self.next.iter().all(|n| *n == PER_PRODUCER));
    }
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn mpsc_bounded_four_producers_million_messages() {
    let (tx, mut rx) = mpsc::channel(1024);
    for p in 0..PRODUCERS {
        let tx = tx.clone();
        runtime::spawn(async move {
            for i in 0..PER_PRODUCER {
                tx.send((p << 32) | i).await.unwrap();
            }
        });
    }
    drop(tx);
    let consumer = runtime::spawn(async move {
        let mut check = OrderCheck::default();
        while let Some(v) = rx.recv().await {
            check.push(v);
        }
        check.finish();
    });
    bounded("1M messages", consumer).await.unwrap();
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn mpsc_unbounded_four_producers_million_messages() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for p in 0..PRODUCERS {
        let tx = tx.clone();
        runtime::spawn(async move {
            for i in 0..PER_PRODUCER {
                tx.send((p << 32) | i).unwrap();
            }
        });
    }
    drop(tx);
    let consumer = runtime::spawn(async move {
        let mut check = OrderCheck::default();
        while let Some(v) = rx.recv().await {
            check.push(v);
        }
        check.finish();
    });
    bounded("1M messages", consumer).await.unwrap();
}

#[runtime::test]
async fn mpsc_full_channel_send_waits_for_recv() {
    let (tx, mut rx) = mpsc::channel(2);
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert!(matches!(
        tx.try_send(9),
        Err(mpsc::error::TrySendError::Full(9))
    ));
    let done = Arc::new(AtomicBool::new(false));
    let (tx2, d) = (tx.clone(), done.clone());
    let sender = runtime::spawn(async move {
        tx2.send(3).await.unwrap();
        d.store(true, SeqCst);
    });
    sleep(Duration::from_millis(20)).await; // the sender runs and blocks
    assert!(!done.load(SeqCst), "send on a full channel completed");
    assert_eq!(tx.capacity(), 0);
    assert_eq!(rx.recv().await, Some(1));
    bounded("blocked send", sender).await.unwrap();
    assert!(done.load(SeqCst));
    assert_eq!((rx.recv().await, rx.recv().await), (Some(2), Some(3)));
}

#[runtime::test]
async fn mpsc_recv_none_after_senders_drop_and_drain() {
    let (tx, mut rx) = mpsc::channel(8);
    let tx2 = tx.clone();
    tx.send(1).await.unwrap();
    tx2.send(2).await.unwrap();
    drop((tx, tx2));
    assert_eq!(rx.recv().await, Some(1));
    assert_eq!(rx.recv().await, Some(2));
    assert_eq!(rx.recv().await, None);
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
    // Waiting receiver woken by the last sender's drop.
    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    let waiter = runtime::spawn(async move { rx.recv().await });
    yield_now().await;
    drop(tx);
    assert_eq!(bounded("recv None", waiter).await.unwrap(), None);
}

#[runtime::test]
async fn mpsc_close_fails_sends_keeps_queue() {
    let (tx, mut rx) = mpsc::channel(4);
    tx.send(1).await.unwrap();
    tx.send(2).await.unwrap();
    let closed = runtime::spawn({
        let tx = tx.clone();
        async move { tx.closed().await }
    });
    yield_now().await;
    rx.close();
    bounded("Sender::closed", closed).await.unwrap();
    assert!(tx.is_closed());
    assert_eq!(tx.send(3).await, Err(mpsc::error::SendError(3)));
    assert!(matches!(
        tx.try_send(4),
        Err(mpsc::error::TrySendError::Closed(4))
    ));
    assert_eq!(rx.recv().await, Some(1));
    assert_eq!(rx.recv().await, Some(2));
    assert_eq!(rx.recv().await, None); // a sender still exists, but closed
}

#[runtime::test]
async fn mpsc_reserve_and_permits() {
    let (tx, mut rx) = mpsc::channel(1);
    let permit = tx.reserve().await.unwrap();
    assert!(matches!(
        tx.try_send(0),
        Err(mpsc::error::TrySendError::Full(0))
    ));
    permit.send(1);
    assert_eq!(rx.recv().await, Some(1));
    drop(tx.reserve().await.unwrap()); // unused: the slot comes back
    assert_eq!(tx.capacity(), 1);
    let owned = tx.clone().reserve_owned().await.unwrap();
    let tx2 = owned.send(2);
    assert!(tx2.same_channel(&tx));
    assert_eq!(rx.recv().await, Some(2));
    assert_eq!(tx.capacity(), tx.max_capacity());
}

#[runtime::test]
async fn mpsc_weak_sender_upgrade_fails_after_strong_drop() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    let weak = tx.downgrade();
    let strong = weak.upgrade().expect("a strong sender exists");
    strong.send(1).await.unwrap();
    drop((tx, strong));
    assert!(weak.upgrade().is_none());
    assert_eq!(rx.recv().await, Some(1));
    assert_eq!(rx.recv().await, None, "weak senders do not keep it open");
}

#[runtime::test]
async fn mpsc_recv_many() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..5 {
        tx.send(i).unwrap();
    }
    let mut buf = Vec::new();
    assert_eq!(rx.recv_many(&mut buf, 0).await, 0);
    assert_eq!(rx.recv_many(&mut buf, 3).await, 3);
    assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
    assert_eq!(buf, [0, 1, 2, 3, 4]);
    drop(tx);
    assert_eq!(rx.recv_many(&mut buf, 10).await, 0);
}

#[runtime::test]
async fn mpsc_cancelled_send_loses_no_capacity() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send(0).await.unwrap();
    // A send that times out while queued leaves the queue.
    assert!(timeout(Duration::from_millis(1), tx.send(1)).await.is_err());
    // One that was handed the slot and then dropped passes it on.
    let mut first = Box::pin(tx.send(2));
    assert!(poll_once(&mut first).await.is_pending()); // queued first
    let tx2 = tx.clone();
    let second = runtime::spawn(async move { tx2.send(3).await.unwrap() });
    yield_now().await; // queued second
    assert_eq!(rx.recv().await, Some(0)); // the slot goes to `first`...
    drop(first); // ...which gives up: `second` gets it
    bounded("next waiting sender", second).await.unwrap();
    assert_eq!(rx.recv().await, Some(3));
    assert_eq!(tx.capacity(), tx.max_capacity());
    tx.try_send(4).unwrap();
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_send_and_recv_from_spawn_blocking() {
    let (tx, mut rx) = mpsc::channel(4);
    let producer = spawn_blocking(move || {
        for i in 0..1000 {
            tx.blocking_send(i).unwrap();
        }
    });
    let consumer = spawn_blocking(move || {
        let mut sum = 0u64;
        while let Some(v) = rx.blocking_recv() {
            sum += v;
        }
        sum
    });
    bounded("producer", producer).await.unwrap();
    assert_eq!(bounded("consumer", consumer).await.unwrap(), 999 * 1000 / 2);
    let (tx, rx) = oneshot::channel();
    let waiter = spawn_blocking(move || rx.blocking_recv());
    tx.send(7).unwrap();
    assert_eq!(bounded("oneshot", waiter).await.unwrap(), Ok(7));
}

// ------------------------------------------------------------- broadcast ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_every_receiver_gets_every_value_in_order() {
    let (tx, rx) = broadcast::channel(128);
    let mut set = JoinSet::new();
    for mut rx in [rx.resubscribe(), tx.subscribe(), rx] {
        set.spawn(async move {
            let mut got = Vec::new();
            while let Ok(v) = rx.recv().await {
                got.push(v);
            }
            got
        });
    }
    assert_eq!(tx.receiver_count(), 3);
    for i in 0..100 {
        assert_eq!(tx.send(i).unwrap(), 3);
    }
    drop(tx);
    while let Some(got) = bounded("receivers", set.join_next()).await {
        assert_eq!(got.unwrap(), (0..100).collect::<Vec<_>>());
    }
}

#[runtime::test]
async fn broadcast_slow_receiver_lags_then_continues() {
    let (tx, mut slow) = broadcast::channel(4);
    for i in 0..10 {
        tx.send(i).unwrap();
    }
    assert_eq!(
        slow.recv().await,
        Err(broadcast::error::RecvError::Lagged(6))
    );
    for i in 6..10 {
        assert_eq!(slow.recv().await, Ok(i));
    }
    drop(tx);
    assert_eq!(slow.recv().await, Err(broadcast::error::RecvError::Closed));
}

// ----------------------------------------------------------------- watch ----

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_changed_wakes_and_borrow_and_update_marks_seen() {
    let (tx, mut rx) = watch::channel(0);
    let mut rx2 = rx.clone();
    let waiter = runtime::spawn(async move {
        rx2.changed().await.unwrap();
        *rx2.borrow_and_update()
    });
    sleep(Duration::from_millis(10)).await;
    tx.send(5).unwrap();
    assert_eq!(bounded("changed()", waiter).await.unwrap(), 5);
    assert!(rx.has_changed().unwrap());
    assert_eq!(*rx.borrow_and_update(), 5);
    assert!(!rx.has_changed().unwrap());
    tx.send_modify(|v| *v += 1);
    assert_eq!(tx.send_replace(10), 6);
    rx.changed().await.unwrap(); // returns at once: unseen value
    assert_eq!(*rx.borrow(), 10);
}

#[runtime::test]
async fn watch_closed_when_sender_dropped_and_when_receivers_dropped() {
    let (tx, mut rx) = watch::channel("a");
    let waiter = runtime::spawn(async move {
        let r = rx.changed().await;
        (r, rx)
    });
    yield_now().await;
    drop(tx);
    let (r, rx) = bounded("changed() on close", waiter).await.unwrap();
    assert!(r.is_err());
    assert!(rx.has_changed().is_err());

    let (tx, rx) = watch::channel(0);
    let closed = runtime::spawn(async move { tx.closed().await });
    yield_now().await;
    drop(rx);
    bounded("Sender::closed", closed).await.unwrap();
}

// --------------------------------------------------- without a runtime ----

struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// A minimal executor: poll, park until woken, repeat.
fn block_on<F: Future>(f: F) -> F::Output {
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

#[test]
fn channels_work_on_plain_threads() {
    let (otx, orx) = oneshot::channel();
    let (mtx, mut mrx) = mpsc::channel(2);
    let (btx, mut brx) = broadcast::channel(64);
    let (wtx, mut wrx) = watch::channel(0);
    let t = std::thread::spawn(move || {
        for i in 0..50 {
            block_on(mtx.send(i)).unwrap(); // blocks on the full channel
            btx.send(i).unwrap();
        }
        wtx.send(50).unwrap();
        otx.send("done").unwrap();
    });
    for i in 0..50 {
        assert_eq!(block_on(mrx.recv()), Some(i));
        assert_eq!(block_on(brx.recv()), Ok(i));
    }
    assert_eq!(block_on(mrx.recv()), None);
    block_on(wrx.changed()).unwrap();
    assert_eq!(*wrx.borrow(), 50);
    assert_eq!(block_on(orx), Ok("done"));
    t.join().unwrap();
}
