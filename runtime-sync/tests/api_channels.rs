//! Behaviour of the channel API added to match Tokio: oneshot
//! `Receiver::is_terminated`/`is_empty`, broadcast `WeakSender` and the count
//! methods, and mpsc `reserve_many`/`try_reserve_many`/`blocking_recv_many`.
#![cfg(not(loom))]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::sync::{broadcast, oneshot};

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn noop() -> Waker {
    Waker::from(Arc::new(Noop))
}

fn poll<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(&noop()))
}

// ---- oneshot ----

#[test]
fn oneshot_is_terminated_only_after_the_result_is_taken() {
    let (tx, mut rx) = oneshot::channel();
    assert!(!rx.is_terminated() && rx.is_empty());
    assert!(poll(&mut rx).is_pending());
    assert!(!rx.is_terminated());
    tx.send(1).unwrap();
    assert!(!rx.is_terminated() && !rx.is_empty());
    assert_eq!(poll(&mut rx), Poll::Ready(Ok(1)));
    assert!(rx.is_terminated() && rx.is_empty());

    let (tx, mut rx) = oneshot::channel::<u8>();
    drop(tx);
    assert!(!rx.is_terminated(), "the error is not taken yet");
    assert!(rx.is_empty());
    assert!(rx.try_recv().is_err());
    assert!(rx.is_terminated());

    let (_tx, mut rx) = oneshot::channel::<u8>();
    assert!(rx.try_recv().is_err(), "Empty");
    assert!(!rx.is_terminated(), "try_recv's Empty does not terminate");
}

#[test]
fn oneshot_is_empty_after_close() {
    // A value sent before the close is still there.
    let (tx, mut rx) = oneshot::channel();
    tx.send("kept").unwrap();
    rx.close();
    assert!(!rx.is_empty());
    assert_eq!(rx.try_recv(), Ok("kept"));
    assert!(rx.is_empty() && rx.is_terminated());

    // A close before any send: empty for good, not terminated until taken.
    let (tx, mut rx) = oneshot::channel();
    rx.close();
    assert_eq!(tx.send(1), Err(1));
    assert!(rx.is_empty() && !rx.is_terminated());
}

#[test]
fn oneshot_is_empty_across_threads() {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || tx.send(vec![1u8; 8]).unwrap())
        .join()
        .unwrap();
    assert!(!rx.is_empty());
    assert_eq!(rx.blocking_recv().unwrap().len(), 8);
}

// ---- broadcast ----

#[test]
fn broadcast_weak_sender_does_not_keep_the_channel_open() {
    let (tx, mut rx) = broadcast::channel::<u8>(4);
    let weak = tx.downgrade();
    let weak2 = weak.clone();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 2));
    assert_eq!((rx.sender_strong_count(), rx.sender_weak_count()), (1, 2));
    assert_eq!((weak.strong_count(), weak2.weak_count()), (1, 2));
    assert!(format!("{weak:?}").starts_with("WeakSender"));

    let tx2 = weak.upgrade().unwrap();
    assert_eq!(tx.strong_count(), 2);
    tx2.send(1).unwrap();
    drop((tx, tx2));
    assert!(rx.is_closed());
    assert!(weak.upgrade().is_none(), "closed for good");
    assert_eq!(rx.sender_strong_count(), 0);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(broadcast::error::TryRecvError::Closed));
    drop(weak2);
    assert_eq!(weak.weak_count(), 1);
    drop(weak);
    assert_eq!(rx.sender_weak_count(), 0);
}

#[runtime::test]
async fn broadcast_recv_ends_when_the_last_strong_sender_goes_despite_weak_ones() {
    let (tx, mut rx) = broadcast::channel::<u8>(4);
    let weak = tx.downgrade();
    let task = runtime::spawn(async move { rx.recv().await });
    runtime::task::yield_now().await;
    drop(tx);
    assert_eq!(
        task.await.unwrap(),
        Err(broadcast::error::RecvError::Closed)
    );
    assert!(weak.upgrade().is_none());
}

#[test]
fn broadcast_sender_len_counts_values_some_receiver_still_needs() {
    let (tx, mut rx1) = broadcast::channel(3);
    assert!(tx.is_empty());
    let mut rx2 = tx.subscribe();
    for i in 0..3 {
        tx.send(i).unwrap();
    }
    assert_eq!(tx.len(), 3);
    rx1.try_recv().unwrap();
    assert_eq!(tx.len(), 3, "rx2 has not read 0");
    rx2.try_recv().unwrap();
    assert_eq!(tx.len(), 2);
    // Overwriting the oldest unread value keeps len at the capacity.
    tx.send(3).unwrap();
    tx.send(4).unwrap();
    assert_eq!(tx.len(), 3);
    // A dropped receiver no longer holds values back.
    drop(rx2);
    // rx1 lagged (1 was overwritten): Lagged, then the rest.
    assert_eq!(
        rx1.try_recv(),
        Err(broadcast::error::TryRecvError::Lagged(1))
    );
    assert_eq!(
        (rx1.try_recv(), rx1.try_recv(), rx1.try_recv()),
        (Ok(2), Ok(3), Ok(4))
    );
    assert!(tx.is_empty());
    // Values sent before a receiver subscribed are not waiting for it.
    let mut rx3 = tx.subscribe();
    assert!(tx.is_empty());
    tx.send(5).unwrap();
    assert_eq!(tx.len(), 1);
    rx1.try_recv().unwrap();
    assert_eq!(tx.len(), 1);
    rx3.try_recv().unwrap();
    assert!(tx.is_empty());
}

#[test]
fn broadcast_weak_upgrade_races_with_the_last_drop() {
    for _ in 0..200 {
        let (tx, _rx) = broadcast::channel::<u8>(1);
        let weak = tx.downgrade();
        let t = std::thread::spawn(move || weak.upgrade().map(|tx| tx.strong_count()));
        drop(tx);
        // Either the upgrade came first (and saw two senders, or one if the
        // original was gone by the count), or it failed: never a revived
        // channel after the last Sender went.
        if let Some(n) = t.join().unwrap() {
            assert!(n >= 1);
        }
    }
}

// ---- mpsc ----

use runtime::sync::mpsc;

#[test]
fn mpsc_blocking_recv_many_waits_for_a_message_from_another_thread() {
    let (tx, mut rx) = mpsc::channel(8);
    let consumer = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut total = 0;
        loop {
            let n = rx.blocking_recv_many(&mut buf, 3);
            if n == 0 {
                break;
            }
            assert!(n <= 3);
            total += n;
        }
        (total, buf)
    });
    std::thread::sleep(std::time::Duration::from_millis(10));
    for i in 0..7 {
        tx.blocking_send(i).unwrap();
    }
    drop(tx);
    let (total, buf) = consumer.join().unwrap();
    assert_eq!(total, 7);
    assert_eq!(buf, (0..7).collect::<Vec<_>>());

    let (tx, mut rx) = mpsc::unbounded_channel();
    let consumer = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let n = rx.blocking_recv_many(&mut buf, 10);
        (n, buf)
    });
    std::thread::sleep(std::time::Duration::from_millis(10));
    tx.send('x').unwrap();
    let (n, buf) = consumer.join().unwrap();
    assert_eq!((n, buf), (1, vec!['x']));
}

#[test]
fn mpsc_blocking_recv_many_panics_inside_a_runtime() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let (_tx, mut rx) = mpsc::channel::<u8>(1);
            rx.blocking_recv_many(&mut Vec::new(), 1)
        })
    }));
    assert!(r.is_err());
}

#[test]
fn mpsc_try_reserve_many_is_all_or_nothing_and_returns_unused_slots() {
    use mpsc::error::TrySendError;
    let (tx, mut rx) = mpsc::channel(3);
    assert_eq!(tx.try_reserve_many(4).unwrap_err(), TrySendError::Full(()));
    let empty = tx.try_reserve_many(0).unwrap();
    assert_eq!(empty.len(), 0);
    drop(empty);
    tx.try_send(0).unwrap();
    assert_eq!(tx.try_reserve_many(3).unwrap_err(), TrySendError::Full(()));
    assert_eq!(tx.capacity(), 2, "a failed try takes nothing");
    let mut permits = tx.try_reserve_many(2).unwrap();
    assert_eq!(tx.capacity(), 0);
    assert!(format!("{permits:?}").contains("remaining: 2"));
    permits.next().unwrap().send(1);
    assert_eq!(permits.size_hint(), (1, Some(1)));
    drop(permits);
    assert_eq!(tx.capacity(), 1);
    assert_eq!((rx.try_recv(), rx.try_recv()), (Ok(0), Ok(1)));
    assert_eq!(tx.capacity(), 3);
    let mut permits = tx.try_reserve_many(1).unwrap();
    permits.next().unwrap().send(2);
    assert!(permits.next().is_none() && permits.next().is_none());
    rx.close();
    assert_eq!(
        tx.try_reserve_many(1).unwrap_err(),
        TrySendError::Closed(())
    );
    assert_eq!(
        tx.try_reserve_many(0).unwrap_err(),
        TrySendError::Closed(())
    );
    assert_eq!(rx.try_recv(), Ok(2));
}

#[runtime::test]
async fn mpsc_dropped_permit_iterator_hands_slots_to_queued_senders_and_ends_recv() {
    let (tx, mut rx) = mpsc::channel::<u8>(2);
    let permits = tx.try_reserve_many(2).unwrap();
    let tx2 = tx.clone();
    let waiting = runtime::spawn(async move { tx2.send(7).await });
    runtime::task::yield_now().await;
    assert!(!waiting.is_finished());
    drop(permits); // one slot to the queued sender, one to the free count
    waiting.await.unwrap().unwrap();
    assert_eq!(rx.recv().await, Some(7));
    // The receiver sees "closed and drained" once the last reserved slot
    // comes back unused.
    let permits = tx.try_reserve_many(1).unwrap();
    rx.close();
    let recv = runtime::spawn(async move { rx.recv().await });
    runtime::task::yield_now().await;
    drop(permits);
    assert_eq!(recv.await.unwrap(), None);
}
