//! Loom models of the mpsc queue, waker and semaphore. Under loom a block has
//! 2 slots, so these models cross block boundaries: allocation, linking races,
//! `tail_block` moves and block reclamation all happen. Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-sync --release --test loom_mpsc`.
#![cfg(loom)]

use loom::future::block_on;
use loom::thread;
use runtime_sync::mpsc;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc as StdArc;
use std::task::{Context, Waker};

fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(f);
}

/// Receives until `None` and checks: each producer's values arrive exactly
/// once and in order.
fn check_received(received: Vec<(usize, usize)>, sent: &[usize]) {
    let mut next = vec![0; sent.len()];
    for (p, i) in &received {
        assert_eq!(*i, next[*p], "producer {p}: out of order or duplicated");
        next[*p] += 1;
    }
    assert_eq!(next, sent, "lost messages");
}

/// Messages per producer: 3 in all, so with 2-slot blocks the second block is
/// allocated (possibly by either producer) and the first reclaimed.
const SENT: [usize; 2] = [2, 1];

#[test]
fn unbounded_two_producers_one_consumer() {
    model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let producers: Vec<_> = (0..2)
            .map(|p| {
                let tx = tx.clone();
                thread::spawn(move || {
                    for i in 0..SENT[p] {
                        tx.send((p, i)).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let mut received = Vec::new();
        while let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        for p in producers {
            p.join().unwrap();
        }
        check_received(received, &SENT);
    });
}

/// Two producers with one message each through a channel of capacity 1: one
/// of them waits for capacity (queues in the semaphore, gets the permit the
/// receiver hands back). Block crossing is covered by the unbounded model;
/// more messages here make the model too large to run routinely.
#[test]
fn bounded_two_producers_one_consumer() {
    const SENT: [usize; 2] = [1, 1];
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let producers: Vec<_> = (0..2)
            .map(|p| {
                let tx = tx.clone();
                thread::spawn(move || {
                    for i in 0..SENT[p] {
                        block_on(tx.send((p, i))).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let mut received = Vec::new();
        while let Some(v) = block_on(rx.recv()) {
            received.push(v);
        }
        for p in producers {
            p.join().unwrap();
        }
        check_received(received, &SENT);
    });
}

/// Counts its drops (read only after the threads joined).
struct Tracked(StdArc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn receiver_drop_racing_sends_drops_every_value_once() {
    model(|| {
        let drops = StdArc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::unbounded_channel();
        let d = drops.clone();
        let t = thread::spawn(move || {
            let mut failed = 0;
            for _ in 0..3 {
                if let Err(e) = tx.send(Tracked(d.clone())) {
                    drop(e);
                    failed += 1;
                }
            }
            failed
        });
        drop(rx);
        t.join().unwrap();
        // Every value was either handed back (and dropped) or queued and
        // dropped with the channel, exactly once.
        assert_eq!(drops.load(SeqCst), 3);
    });
}

#[test]
fn close_racing_send_keeps_accepted_values() {
    model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let t = thread::spawn(move || {
            let a = tx.send(1).is_ok();
            let b = tx.send(2).is_ok();
            // Once a send fails, later ones fail too.
            assert!(a || !b);
            a as usize + b as usize
        });
        rx.close();
        let accepted = t.join().unwrap();
        let mut got = Vec::new();
        while let Some(v) = block_on(rx.recv()) {
            got.push(v);
        }
        assert_eq!(got, (1..=accepted).collect::<Vec<_>>());
    });
}

#[test]
fn last_sender_drop_wakes_waiting_receiver() {
    model(|| {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        let t = thread::spawn(move || {
            tx.try_send(1).unwrap();
            drop(tx);
        });
        assert_eq!(block_on(rx.recv()), Some(1));
        assert_eq!(block_on(rx.recv()), None);
        t.join().unwrap();
    });
}

#[test]
fn cancelled_send_racing_recv_loses_no_capacity() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.try_send(0).unwrap();
        let tx2 = tx.clone();
        let t = thread::spawn(move || {
            // Poll once (queued, or granted if the recv already ran), then
            // give up: a granted slot must go back.
            let mut send = pin!(tx2.send(1));
            let mut cx = Context::from_waker(Waker::noop());
            send.as_mut().poll(&mut cx).is_ready()
        });
        assert_eq!(block_on(rx.recv()), Some(0));
        let sent = t.join().unwrap();
        if sent {
            assert_eq!(rx.try_recv(), Ok(1));
        }
        assert_eq!(tx.capacity(), 1);
        tx.try_send(2).unwrap();
    });
}

/// A `reserve_many(2)` queued on a full channel collects the two slots the
/// receiver frees one at a time (a partial assignment in between) and then
/// sends its batch: nothing is lost, the order holds, capacity comes back.
#[test]
fn reserve_many_collects_freed_slots() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(2);
        tx.try_send(0).unwrap();
        tx.try_send(1).unwrap();
        let t = thread::spawn(move || {
            let permits = block_on(tx.reserve_many(2)).unwrap();
            for (permit, v) in permits.zip([10, 11]) {
                permit.send(v);
            }
            tx
        });
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(block_on(rx.recv()).unwrap());
        }
        assert_eq!(got, [0, 1, 10, 11]);
        let tx = t.join().unwrap();
        assert_eq!(tx.capacity(), 2);
    });
}

/// A `reserve_many(2)` polled once and dropped while the receiver frees
/// slots: whatever was assigned to it (none, one, or both) goes back.
#[test]
fn cancelled_reserve_many_returns_partial_slots() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(2);
        tx.try_send(0).unwrap();
        tx.try_send(1).unwrap();
        let tx2 = tx.clone();
        let t = thread::spawn(move || {
            let mut reserve = pin!(tx2.reserve_many(2));
            let waker = Waker::from(StdArc::new(Noop));
            let mut cx = Context::from_waker(&waker);
            // Ready only if both recvs ran first; the permits drop at once.
            reserve.as_mut().poll(&mut cx).is_ready()
        });
        assert_eq!(block_on(rx.recv()), Some(0));
        assert_eq!(block_on(rx.recv()), Some(1));
        t.join().unwrap();
        assert_eq!(tx.capacity(), 2);
        assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Empty));
    });
}

/// A `reserve_many(2)` waiting with one slot assigned when the receiver
/// closes: it fails, the slot goes back, and the receiver, waiting for
/// "closed and drained", is woken (no hang).
#[test]
fn close_fails_waiting_reserve_many_and_wakes_receiver() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(2);
        tx.try_send(0).unwrap();
        let t = thread::spawn(move || block_on(tx.reserve_many(2)).is_ok());
        rx.close();
        assert_eq!(block_on(rx.recv()), Some(0));
        assert_eq!(block_on(rx.recv()), None);
        assert!(!t.join().unwrap());
    });
}

/// A waker that does nothing (`Waker::noop` is newer than the 1.80 MSRV).
struct Noop;

impl std::task::Wake for Noop {
    fn wake(self: StdArc<Self>) {}
}
