//! Loom models of the watch channel (`src/watch.rs`): sends racing
//! `changed()` (no lost wake-up; the receiver ends on the latest value), the
//! last sender's drop racing `changed()` (`Err` only after the last value was
//! seen), `closed()` racing the receivers' drops, and `borrow_and_update`
//! racing a send.
//!
//! The value lock is the shared shim's `RwLock` (loom's under `--cfg loom`),
//! so `borrow_and_update_racing_send` runs on the real channel. [`mirror`],
//! a step-for-step copy of `send_if_modified`, `borrow_and_update` and
//! `changed` on loom's `RwLock`, was written while the lock was std's
//! (invisible to loom, and a borrow racing a send then blocked loom's only
//! OS thread); it stays as a second, smaller model of the same protocol.
//!
//! A lost wake-up shows as a deadlock, which loom reports. Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-sync --release --test loom_watch`.
#![cfg(loom)]

use loom::future::block_on;
use loom::thread;
use runtime_sync::watch;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// `loom::model` with a preemption bound of 3 (unless `LOOM_MAX_PREEMPTIONS`
/// is set), as the other loom models: every test here then takes a second
/// or less in release; all also pass with a bound of 4 (a few seconds each).
fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

/// Two sends racing a receiver in `changed()`, first polled with a no-op
/// waker, then by `block_on` (the replace-the-waker path): it is woken and
/// returns `Ok`; once the sender is done the receiver reads the latest value,
/// and a further `changed()` has nothing to report (no phantom change).
#[test]
fn send_racing_changed_wakes_and_ends_on_latest() {
    model(|| {
        let (tx, mut rx) = watch::channel(0u32);
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
            tx // kept: the close must not be what wakes the receiver
        });
        {
            let mut changed = pin!(rx.changed());
            let mut cx = Context::from_waker(Waker::noop());
            let res = match changed.as_mut().poll(&mut cx) {
                Poll::Ready(res) => res,
                Poll::Pending => block_on(changed.as_mut()),
            };
            assert!(res.is_ok());
        }
        let tx = t.join().unwrap();
        {
            let latest = rx.borrow_and_update();
            assert_eq!(*latest, 2);
        }
        assert_eq!(rx.has_changed(), Ok(false));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(pin!(rx.changed()).poll(&mut cx).is_pending());
        drop(tx);
    });
}

/// A waker that records that it was woken (loom's atomics: the model sees
/// the flag's ordering).
struct Flag(loom::sync::atomic::AtomicBool);

impl std::task::Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, loom::sync::atomic::Ordering::SeqCst);
    }
}

/// `changed()` polled again with the waker it registered (the lock-free
/// path of `WaitList`: no lock, no re-registration) while a send races
/// it: either a poll sees the change, or the registered waker is woken.
/// A lost wake-up shows as neither.
#[test]
fn repoll_with_the_same_waker_racing_send_is_not_lost() {
    model(|| {
        let (tx, mut rx) = watch::channel(0u32);
        let flag = std::sync::Arc::new(Flag(loom::sync::atomic::AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        let mut changed = pin!(rx.changed());
        assert!(changed.as_mut().poll(&mut cx).is_pending());
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
            tx
        });
        let ready = changed.as_mut().poll(&mut cx).is_ready();
        let tx = t.join().unwrap();
        if !ready {
            assert!(
                flag.0.load(loom::sync::atomic::Ordering::SeqCst),
                "the send woke nobody"
            );
            assert!(changed.as_mut().poll(&mut cx).is_ready());
        }
        drop(tx);
    });
}

/// One send racing two receivers, each waiting in `changed()` on its own
/// thread: both are woken.
#[test]
fn send_wakes_every_waiting_receiver() {
    model(|| {
        let (tx, mut rx1) = watch::channel(0u32);
        let mut rx2 = rx1.clone();
        let t = thread::spawn(move || block_on(rx2.changed()).is_ok());
        tx.send(1).unwrap();
        assert!(block_on(rx1.changed()).is_ok());
        assert!(t.join().unwrap());
        assert_eq!(*rx1.borrow(), 1);
    });
}

/// Two sends then the sender's drop, racing a receiver that loops on
/// `changed()`: it gets `Ok` once or twice, then `Err`, and by then it has
/// seen the last value (its version is the latest: nothing left unseen).
#[test]
fn sender_drop_racing_changed_errs_after_last_value() {
    model(|| {
        let (tx, mut rx) = watch::channel(0u32);
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
            drop(tx);
        });
        let mut oks = 0;
        while block_on(rx.changed()).is_ok() {
            oks += 1;
            assert!(oks <= 2, "more changes than sends");
        }
        assert!(oks >= 1, "Err before the sent value was seen");
        t.join().unwrap();
        let last = rx.borrow();
        assert_eq!(*last, 2);
        assert!(!last.has_changed(), "Err with a value left unseen");
        drop(last);
        assert!(rx.has_changed().is_err());
    });
}

/// Two senders (clones): one sends and drops, the other only drops, on two
/// threads, racing the receiver's `changed()` loop: `Err` comes only after
/// the last sender's drop and after the value was seen. (Two senders do not
/// send concurrently here: the value's `std` lock would hang the model, see
/// the module docs.)
#[test]
fn last_of_two_senders_drop_racing_changed() {
    model(|| {
        let (tx1, mut rx) = watch::channel(0u32);
        let tx2 = tx1.clone();
        let t1 = thread::spawn(move || {
            tx1.send(1).unwrap();
        });
        let t2 = thread::spawn(move || drop(tx2));
        assert!(block_on(rx.changed()).is_ok());
        assert!(block_on(rx.changed()).is_err());
        t1.join().unwrap();
        t2.join().unwrap();
        let last = rx.borrow();
        assert_eq!(*last, 1);
        assert!(!last.has_changed(), "Err with a value left unseen");
    });
}

/// `Sender::closed` racing the drops of two receivers (on two threads): it
/// completes once both are gone, and a send then fails.
#[test]
fn closed_racing_receiver_drop_completes() {
    model(|| {
        let (tx, rx1) = watch::channel(0u32);
        let rx2 = rx1.clone();
        let t1 = thread::spawn(move || drop(rx1));
        let t2 = thread::spawn(move || drop(rx2));
        {
            let mut closed = pin!(tx.closed());
            let mut cx = Context::from_waker(Waker::noop());
            if closed.as_mut().poll(&mut cx).is_pending() {
                block_on(closed.as_mut());
            }
        }
        assert!(tx.is_closed());
        assert!(tx.send(1).is_err());
        t1.join().unwrap();
        t2.join().unwrap();
    });
}

/// `borrow_and_update` racing two sends on the real channel, the receiver
/// waiting in `changed()` until it has read the last value: every read's
/// `has_changed` must match the value, and no wake-up may be lost. See the
/// module docs for why it hangs under loom; [`mirror`] checks its protocol.
#[test]
fn borrow_and_update_racing_send() {
    model(|| {
        let (tx, mut rx) = watch::channel(0u32);
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
            tx
        });
        let mut last = 0;
        loop {
            let (v, changed) = {
                let r = rx.borrow_and_update();
                (*r, r.has_changed())
            };
            assert!(v >= last);
            // A change since the version `changed()` marked is a newer value.
            assert!(!changed || v > last);
            last = v;
            if v == 2 {
                break;
            }
            block_on(rx.changed()).unwrap();
        }
        drop(t.join().unwrap());
    });
}

/// A step-for-step mirror of `watch.rs`'s value/version protocol on loom's
/// `RwLock` (the real channel's `std` lock cannot be modelled, see the module
/// docs). Mirrored: `Sender::send_if_modified` (write lock, modify, bump the
/// version by 2 with `Release` under the lock, unlock, wake every waiting
/// receiver), `Receiver::borrow_and_update` (read lock, version loaded
/// `Acquire` under it, marked seen) and `changed` (under the wait list's
/// lock: load the state `Acquire`, ready if the version differs from the seen
/// one or the channel closed, else register the waker). Simplified: the wait
/// list holds one waker (the model has one receiver) and there is no close.
/// Change both together.
mod mirror {
    use super::model;
    use loom::future::block_on;
    use loom::sync::atomic::{AtomicUsize, Ordering::*};
    use loom::sync::{Arc, Mutex, RwLock};
    use loom::thread;
    use std::future::poll_fn;
    use std::task::{Poll, Waker};

    /// Set to `true` to bump the version after the write lock is released:
    /// `borrow_and_update` can then read a new value with the old version and
    /// the model fails. Must stay `false`.
    const BUMP_OUTSIDE_LOCK: bool = false;

    struct Shared {
        value: RwLock<usize>,
        /// `version << 1 | CLOSED` (never closed here).
        state: AtomicUsize,
        rx_waiters: Mutex<Option<Waker>>,
    }

    /// `Sender::send_if_modified` with a `modify` that stores `v` and
    /// returns `true`.
    fn send(shared: &Shared, v: usize) {
        {
            let mut value = shared.value.write().unwrap();
            *value = v;
            if !BUMP_OUTSIDE_LOCK {
                shared.state.fetch_add(2, Release);
            }
        }
        if BUMP_OUTSIDE_LOCK {
            shared.state.fetch_add(2, Release);
        }
        // `WaitList::wake_all`: take under the lock, wake after.
        let waker = shared.rx_waiters.lock().unwrap().take();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// `Receiver::borrow_and_update`: returns the value read and
    /// `has_changed`.
    fn borrow_and_update(shared: &Shared, seen: &mut usize) -> (usize, bool) {
        let guard = shared.value.read().unwrap();
        let version = shared.state.load(Acquire) >> 1;
        let has_changed = version != *seen;
        *seen = version;
        (*guard, has_changed)
    }

    /// `changed`, through `WaitList::poll_wait`.
    async fn changed(shared: &Shared, seen: &mut usize) {
        let last_seen = *seen;
        let state = poll_fn(|cx| {
            let mut waiter = shared.rx_waiters.lock().unwrap();
            let state = shared.state.load(Acquire);
            if state >> 1 != last_seen {
                *waiter = None;
                return Poll::Ready(state);
            }
            *waiter = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
        *seen = state >> 1;
    }

    /// Sends of 1 and 2 (version `n` carries value `n`) racing a receiver
    /// that reads with `borrow_and_update` and waits in `changed` until it
    /// read 2: every read's version matches its value, `has_changed` is true
    /// exactly when the value is new to it, and no wake-up is lost.
    #[test]
    fn borrow_and_update_racing_send() {
        model(|| {
            let shared = Arc::new(Shared {
                value: RwLock::new(0),
                state: AtomicUsize::new(0),
                rx_waiters: Mutex::new(None),
            });
            let s = shared.clone();
            let t = thread::spawn(move || {
                send(&s, 1);
                send(&s, 2);
            });
            let mut seen = 0;
            let mut last = 0;
            loop {
                let before = seen;
                let (v, has_changed) = borrow_and_update(&shared, &mut seen);
                assert_eq!(v, seen, "value {v} read with version {seen}");
                // `changed` marks the version it saw, so `has_changed` says
                // whether the value is newer than that one.
                assert_eq!(has_changed, v != before);
                assert!(v >= last);
                last = v;
                if v == 2 {
                    break;
                }
                block_on(changed(&shared, &mut seen));
            }
            t.join().unwrap();
        });
    }
}
