//! Loom models of the oneshot state word: a send racing the receiver's drop,
//! close or poll; the sender's drop racing a poll; `closed()` racing the
//! receiver's drop. Each checks the value is delivered or handed back (and
//! dropped) exactly once and no wake-up is lost (a lost one deadlocks, which
//! loom reports). Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-sync --release --test loom_oneshot`.
#![cfg(loom)]

use loom::future::block_on;
use loom::thread;
use runtime_sync::oneshot::{self, error::TryRecvError};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc as StdArc;
use std::task::{Context, Waker};

fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

/// Counts its drops (the counter is only read after the threads joined).
struct Tracked(StdArc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn send_racing_receiver_drop_drops_value_once() {
    model(|| {
        let drops = StdArc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel();
        let value = Tracked(drops.clone());
        let t = thread::spawn(move || match tx.send(value) {
            Ok(()) => false,
            Err(v) => {
                drop(v);
                true
            }
        });
        drop(rx);
        t.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn send_racing_close_is_received_iff_ok() {
    model(|| {
        let (tx, mut rx) = oneshot::channel();
        let t = thread::spawn(move || tx.send(7).is_ok());
        rx.close();
        // Races the send: the value is there iff the send succeeded.
        let got = rx.try_recv();
        let sent = t.join().unwrap();
        if sent {
            assert_eq!(got, Ok(7));
        } else {
            assert_eq!(got, Err(TryRecvError::Closed));
        }
    });
}

#[test]
fn send_racing_recv_poll_wakes_receiver() {
    model(|| {
        let (tx, mut rx) = oneshot::channel();
        let t = thread::spawn(move || tx.send(1).unwrap());
        // First poll with a different waker, so the second poll (block_on's)
        // takes the replace-the-waker path while the send may be completing.
        let mut cx = Context::from_waker(Waker::noop());
        if let std::task::Poll::Ready(v) = Pin::new(&mut rx).poll(&mut cx) {
            assert_eq!(v, Ok(1));
        } else {
            assert_eq!(block_on(rx), Ok(1));
        }
        t.join().unwrap();
    });
}

#[test]
fn sender_drop_racing_recv_gives_error() {
    model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let t = thread::spawn(move || drop(tx));
        assert!(block_on(rx).is_err());
        t.join().unwrap();
    });
}

#[test]
fn closed_racing_receiver_drop_completes() {
    model(|| {
        let (mut tx, rx) = oneshot::channel::<u8>();
        let t = thread::spawn(move || drop(rx));
        // Also replace the waker once, racing the drop.
        let mut cx = Context::from_waker(Waker::noop());
        if tx.poll_closed(&mut cx).is_pending() {
            block_on(tx.closed());
        }
        assert!(tx.is_closed());
        assert_eq!(tx.send(3), Err(3));
        t.join().unwrap();
    });
}
