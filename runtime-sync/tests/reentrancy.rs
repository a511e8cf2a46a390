//! User code never runs under an internal lock.
//!
//! A waker is user code: its `wake` and its `Drop` may do anything, including
//! use the very primitive that holds it. Each test here builds a waker whose
//! `Drop` (or `wake`) re-enters the primitive, and makes the primitive drop (or
//! wake) that waker on one of its paths. If the primitive still held its lock
//! there, the re-entry would deadlock; so every scenario runs on its own
//! thread and the test fails, instead of hanging, if it does not finish within
//! a few seconds.
//!
//! The futures are polled by hand so each step is deterministic.
#![cfg(not(loom))]

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use runtime::sync::{broadcast, mpsc, watch, Barrier};

/// Runs `scenario` on a thread; fails if it panics or has not finished after a
/// few seconds (a deadlock: the thread is left behind, blocked).
fn finishes(name: &str, scenario: impl FnOnce() + Send + 'static) {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        scenario();
        let _ = done_tx.send(());
    });
    match done_rx.recv_timeout(Duration::from_secs(5)) {
        Ok(()) => handle.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: deadlocked (a waker ran under the primitive's lock)")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

type Hook = Box<dyn FnOnce() + Send>;

/// A waker that runs a hook when its last clone is dropped, and optionally
/// another one each time it is woken.
struct HookWaker {
    on_drop: Mutex<Option<Hook>>,
    on_wake: Option<Box<dyn Fn() + Send + Sync>>,
}

impl Wake for HookWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(hook) = &self.on_wake {
            hook();
        }
    }
}

impl Drop for HookWaker {
    fn drop(&mut self) {
        if let Some(hook) = self.on_drop.get_mut().unwrap().take() {
            hook();
        }
    }
}

/// A waker whose drop (of the last clone) runs `hook`.
fn waker_dropping(hook: impl FnOnce() + Send + 'static) -> Waker {
    Waker::from(Arc::new(HookWaker {
        on_drop: Mutex::new(Some(Box::new(hook))),
        on_wake: None,
    }))
}

/// A waker whose every wake runs `hook`.
fn waker_waking(hook: impl Fn() + Send + Sync + 'static) -> Waker {
    Waker::from(Arc::new(HookWaker {
        on_drop: Mutex::new(None),
        on_wake: Some(Box::new(hook)),
    }))
}

fn poll_with<F: Future + ?Sized>(fut: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(waker))
}

/// Polls with a waker that does nothing when woken or dropped.
fn poll_noop<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    poll_with(fut, &waker_waking(|| {}))
}

// ------------------------------------------------------------ broadcast ----

/// The scenario from the bug report: the waker stored by a first poll is
/// replaced by a second poll, and its drop sends on the same channel.
#[test]
fn broadcast_recv_replacing_a_waker_whose_drop_sends() {
    finishes("broadcast recv re-poll", || {
        let (tx, mut rx) = broadcast::channel(4);
        let tx2 = tx.clone();
        let waker = waker_dropping(move || {
            tx2.send(1).unwrap();
        });
        let mut recv = pin!(rx.recv());
        assert!(poll_with(recv.as_mut(), &waker).is_pending());
        drop(waker); // the channel holds the last clone now
                     // Still empty when checked; the swap then drops the old waker, which
                     // sends (and wakes the new one).
        assert!(poll_noop(recv.as_mut()).is_pending());
        assert_eq!(poll_noop(recv.as_mut()), Poll::Ready(Ok(1)));
        drop(tx);
    });
}

/// A pending `recv` future dropped: its waker is dropped with it.
#[test]
fn broadcast_recv_dropped_with_a_waker_whose_drop_sends() {
    finishes("broadcast recv drop", || {
        let (tx, mut rx) = broadcast::channel(4);
        let tx2 = tx.clone();
        let waker = waker_dropping(move || {
            tx2.send(2).unwrap();
        });
        {
            let mut recv = pin!(rx.recv());
            assert!(poll_with(recv.as_mut(), &waker).is_pending());
            drop(waker);
        }
        assert_eq!(rx.try_recv(), Ok(2));
    });
}

/// `Sender::closed` keeps its waker in the shared wait list; the waker's drop
/// drops the last receiver, which wakes that list.
#[test]
fn broadcast_closed_replacing_a_waker_whose_drop_closes() {
    finishes("broadcast closed", || {
        let (tx, rx) = broadcast::channel::<u8>(4);
        let waker = waker_dropping(move || drop(rx));
        let mut closed = pin!(tx.closed());
        assert!(poll_with(closed.as_mut(), &waker).is_pending());
        drop(waker);
        // Replacing the waker drops the receiver: closed from now on.
        assert!(poll_noop(closed.as_mut()).is_pending());
        assert_eq!(poll_noop(closed.as_mut()), Poll::Ready(()));
    });
}

// ---------------------------------------------------------------- watch ----

#[test]
fn watch_changed_replacing_a_waker_whose_drop_sends() {
    finishes("watch changed re-poll", || {
        let (tx, mut rx) = watch::channel(0);
        let waker = waker_dropping(move || {
            tx.send(1).unwrap();
        });
        let mut changed = pin!(rx.changed());
        assert!(poll_with(changed.as_mut(), &waker).is_pending());
        drop(waker);
        // The swap drops the sender's last handle (after sending): changed.
        assert!(poll_noop(changed.as_mut()).is_pending());
        assert_eq!(poll_noop(changed.as_mut()), Poll::Ready(Ok(())));
    });
}

#[test]
fn watch_changed_dropped_with_a_waker_whose_drop_sends() {
    finishes("watch changed drop", || {
        let (tx, mut rx) = watch::channel(0);
        let waker = waker_dropping(move || {
            tx.send(1).unwrap();
        });
        {
            let mut changed = pin!(rx.changed());
            assert!(poll_with(changed.as_mut(), &waker).is_pending());
            drop(waker);
        }
        assert_eq!(*rx.borrow(), 1);
    });
}

#[test]
fn watch_closed_replacing_a_waker_whose_drop_closes() {
    finishes("watch closed", || {
        let (tx, rx) = watch::channel(0);
        let waker = waker_dropping(move || drop(rx));
        let mut closed = pin!(tx.closed());
        assert!(poll_with(closed.as_mut(), &waker).is_pending());
        drop(waker);
        assert!(poll_noop(closed.as_mut()).is_pending());
        assert_eq!(poll_noop(closed.as_mut()), Poll::Ready(()));
    });
}

// ----------------------------------------------------------------- mpsc ----

#[test]
fn mpsc_closed_dropped_with_a_waker_whose_drop_closes() {
    finishes("mpsc closed drop", || {
        let (tx, rx) = mpsc::channel::<u8>(1);
        let waker = waker_dropping(move || drop(rx));
        {
            let mut closed = pin!(tx.closed());
            assert!(poll_with(closed.as_mut(), &waker).is_pending());
            drop(waker);
        }
        assert!(tx.is_closed());
    });
}

/// A sender queued for capacity: replacing its waker drops a permit, whose
/// release hands the slot to the queue under the semaphore's lock.
#[test]
fn mpsc_reserve_replacing_a_waker_whose_drop_releases_a_permit() {
    finishes("mpsc reserve re-poll", || {
        let (tx, _rx) = mpsc::channel::<u8>(1);
        let owned = tx.clone().try_reserve_owned().unwrap();
        let waker = waker_dropping(move || drop(owned));
        let mut reserve = pin!(tx.reserve());
        assert!(poll_with(reserve.as_mut(), &waker).is_pending());
        drop(waker);
        // Swapping in the new waker drops the old one, which frees the slot
        // for this very future.
        assert!(poll_noop(reserve.as_mut()).is_pending());
        assert!(matches!(poll_noop(reserve.as_mut()), Poll::Ready(Ok(_))));
    });
}

#[test]
fn mpsc_reserve_dropped_with_a_waker_whose_drop_releases_a_permit() {
    finishes("mpsc reserve drop", || {
        let (tx, _rx) = mpsc::channel::<u8>(1);
        let owned = tx.clone().try_reserve_owned().unwrap();
        let waker = waker_dropping(move || drop(owned));
        // Another queued sender, so the release goes through the queue.
        let tx2 = tx.clone();
        let mut other = pin!(tx2.reserve());
        assert!(poll_noop(other.as_mut()).is_pending());
        {
            let mut reserve = pin!(tx.reserve());
            assert!(poll_with(reserve.as_mut(), &waker).is_pending());
            drop(waker);
        }
        assert!(matches!(poll_noop(other.as_mut()), Poll::Ready(Ok(_))));
    });
}

// -------------------------------------------------------------- Barrier ----

/// The leader wakes the waiting tasks; a waker that looks at the barrier (its
/// `Debug` takes the barrier's lock) must not find it held.
#[test]
fn barrier_wakes_waiters_after_releasing_its_lock() {
    finishes("barrier leader", || {
        let barrier = Arc::new(Barrier::new(2));
        let seen = Arc::new(AtomicUsize::new(0));
        let (b, s) = (Arc::clone(&barrier), Arc::clone(&seen));
        let waker = waker_waking(move || {
            let _ = format!("{b:?}");
            s.fetch_add(1, SeqCst);
        });
        let mut waiter = pin!(barrier.wait());
        assert!(poll_with(waiter.as_mut(), &waker).is_pending());
        let leader = poll_noop(pin!(barrier.wait()));
        assert!(matches!(leader, Poll::Ready(r) if r.is_leader()));
        assert_eq!(seen.load(SeqCst), 1);
        assert!(matches!(poll_noop(waiter.as_mut()), Poll::Ready(r) if !r.is_leader()));
    });
}
