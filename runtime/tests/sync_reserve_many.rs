//! `mpsc::Sender::reserve_many`: waiting for `n` slots in the channel's fair
//! queue, on both runtime flavours. The ordering tests poll futures by hand
//! inside one task, so every interleaving they assert is deterministic.
#![cfg(feature = "full")]

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;

use runtime::sync::mpsc::{self, error::SendError};
use runtime::time::{timeout, Duration};

const LONG: Duration = Duration::from_secs(20);

/// Polls `f` once with the current task's context.
async fn poll_once<F: Future>(mut f: Pin<&mut F>) -> Poll<F::Output> {
    poll_fn(move |cx| Poll::Ready(f.as_mut().poll(cx))).await
}

#[runtime::test]
async fn waits_until_n_slots_are_free_collecting_them_one_by_one() {
    let (tx, mut rx) = mpsc::channel(3);
    for i in 0..3 {
        tx.send(i).await.unwrap();
    }
    let mut batch = pin!(tx.reserve_many(2));
    assert!(poll_once(batch.as_mut()).await.is_pending());
    assert_eq!(rx.recv().await, Some(0));
    // One slot is assigned to the waiting batch: not free, not enough yet.
    assert!(poll_once(batch.as_mut()).await.is_pending());
    assert_eq!(tx.capacity(), 0);
    assert!(tx.try_send(9).is_err());
    assert_eq!(rx.recv().await, Some(1));
    let Poll::Ready(Ok(permits)) = poll_once(batch.as_mut()).await else {
        panic!("two slots were freed");
    };
    assert_eq!(permits.len(), 2);
    for (permit, v) in permits.zip([10, 11]) {
        permit.send(v);
    }
    let mut got = Vec::new();
    rx.recv_many(&mut got, 8).await;
    assert_eq!(got, [2, 10, 11]);
    assert_eq!(tx.capacity(), 3);
}

/// A `reserve_many(3)` queued before a `reserve()` is served first: the
/// single slot freed meanwhile goes to the batch, not to the later sender,
/// which gets a slot only once the batch is satisfied and gives one back.
#[runtime::test]
async fn queued_batch_is_served_before_a_later_single_reserve() {
    let (tx, mut rx) = mpsc::channel(3);
    for i in 0..3 {
        tx.send(i).await.unwrap();
    }
    let mut batch = pin!(tx.reserve_many(3));
    let mut single = pin!(tx.reserve());
    assert!(poll_once(batch.as_mut()).await.is_pending());
    assert!(poll_once(single.as_mut()).await.is_pending());
    assert_eq!(rx.recv().await, Some(0));
    assert!(
        poll_once(single.as_mut()).await.is_pending(),
        "the later single reserve overtook the queued batch"
    );
    assert_eq!(rx.recv().await, Some(1));
    assert!(poll_once(single.as_mut()).await.is_pending());
    assert!(poll_once(batch.as_mut()).await.is_pending());
    assert_eq!(rx.recv().await, Some(2));
    let Poll::Ready(Ok(mut permits)) = poll_once(batch.as_mut()).await else {
        panic!("three slots were freed");
    };
    assert!(poll_once(single.as_mut()).await.is_pending());
    permits.next().unwrap().send(100);
    drop(permits); // two unused slots: the first goes to the queued single
    let Poll::Ready(Ok(permit)) = poll_once(single.as_mut()).await else {
        panic!("a returned slot goes to the queued sender");
    };
    permit.send(200);
    assert_eq!(tx.capacity(), 1);
    assert_eq!(rx.recv().await, Some(100));
    assert_eq!(rx.recv().await, Some(200));
}

/// Dropping a waiting `reserve_many` hands the slots already assigned to it
/// to the senders behind it, and the rest back to the free capacity.
#[runtime::test]
async fn cancelled_batch_returns_partially_assigned_slots() {
    let (tx, mut rx) = mpsc::channel(3);
    for i in 0..3 {
        tx.send(i).await.unwrap();
    }
    let mut single = pin!(tx.reserve());
    {
        let mut batch = pin!(tx.reserve_many(3));
        assert!(poll_once(batch.as_mut()).await.is_pending());
        assert!(poll_once(single.as_mut()).await.is_pending());
        assert_eq!(rx.recv().await, Some(0));
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(tx.capacity(), 0, "two slots are assigned to the batch");
        assert!(poll_once(single.as_mut()).await.is_pending());
    } // the batch is dropped here
    let Poll::Ready(Ok(permit)) = poll_once(single.as_mut()).await else {
        panic!("the dropped batch's slot goes to the next sender");
    };
    assert_eq!(tx.capacity(), 1, "the other assigned slot is free again");
    drop(permit);
    assert_eq!(tx.capacity(), 2);
    assert_eq!(rx.recv().await, Some(2));
    assert_eq!(tx.capacity(), 3);
}

/// Closing (or dropping) the receiver wakes a waiting `reserve_many` with
/// `Err`, and its partially assigned slot is not lost.
async fn close_wakes_waiting_batch() {
    let (tx, mut rx) = mpsc::channel(2);
    tx.send(0).await.unwrap();
    let waiter = {
        let tx = tx.clone();
        runtime::spawn(async move { tx.reserve_many(2).await.map(|p| p.len()) })
    };
    runtime::task::yield_now().await;
    rx.close();
    let res = timeout(LONG, waiter).await.expect("woken").unwrap();
    assert_eq!(res, Err(SendError(())));
    assert_eq!(rx.recv().await, Some(0));
    assert_eq!(rx.recv().await, None);
    assert_eq!(tx.capacity(), 2);

    let (tx, rx) = mpsc::channel::<u8>(1);
    tx.send(0).await.unwrap();
    let waiter = runtime::spawn(async move { tx.reserve_many(1).await.is_err() });
    runtime::task::yield_now().await;
    drop(rx);
    assert!(timeout(LONG, waiter).await.expect("woken").unwrap());
}

#[runtime::test]
async fn close_wakes_waiting_batch_current_thread() {
    close_wakes_waiting_batch().await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_wakes_waiting_batch_multi_thread() {
    close_wakes_waiting_batch().await;
}

#[runtime::test]
async fn more_than_the_capacity_fails_and_zero_succeeds() {
    let (tx, mut rx) = mpsc::channel::<u8>(2);
    assert_eq!(tx.reserve_many(3).await.unwrap_err(), SendError(()));
    let none = tx.reserve_many(0).await.unwrap();
    assert_eq!(none.len(), 0);
    let all = tx.reserve_many(2).await.unwrap();
    assert_eq!((all.len(), tx.capacity()), (2, 0));
    drop(all);
    assert_eq!(tx.capacity(), 2);
    rx.close();
    assert!(tx.reserve_many(1).await.is_err());
    assert!(tx.reserve_many(0).await.is_err());
}

/// Producers reserving batches of different sizes against a consumer, on
/// both flavours: every message arrives, each producer's in order, and all
/// capacity is back at the end.
async fn batches_under_contention() {
    const PRODUCERS: usize = 4;
    const ROUNDS: usize = 50;
    let batch = |p: usize, round: usize| 1 + (p + round) % 4;
    let total: usize = (0..PRODUCERS)
        .flat_map(|p| (0..ROUNDS).map(move |round| batch(p, round)))
        .sum();
    let (tx, mut rx) = mpsc::channel(4);
    let mut tasks = Vec::new();
    for p in 0..PRODUCERS {
        let tx = tx.clone();
        tasks.push(runtime::spawn(async move {
            let mut next = 0;
            for round in 0..ROUNDS {
                for permit in tx.reserve_many(batch(p, round)).await.unwrap() {
                    permit.send((p, next));
                    next += 1;
                }
            }
        }));
    }
    let consumer = runtime::spawn(async move {
        let mut next = [0; PRODUCERS];
        for _ in 0..total {
            let (p, i) = rx.recv().await.unwrap();
            assert_eq!(i, next[p], "producer {p} out of order");
            next[p] += 1;
        }
        (next, rx)
    });
    for t in tasks {
        timeout(LONG, t).await.expect("producer hung").unwrap();
    }
    let (got, mut rx) = timeout(LONG, consumer)
        .await
        .expect("consumer hung")
        .unwrap();
    assert_eq!(got.iter().sum::<usize>(), total);
    assert!(rx.try_recv().is_err());
    assert_eq!(tx.capacity(), tx.max_capacity());
}

#[runtime::test]
async fn batches_under_contention_current_thread() {
    batches_under_contention().await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 4)]
async fn batches_under_contention_multi_thread() {
    batches_under_contention().await;
}
