//! Loom models of `Notify`: no lost wake-up between `notify_one` and a
//! registering `notified()`, a wake-up (`notify_one` or `notify_last`) given
//! to a dropped waiter is passed on,
//! and `notify_waiters` racing a drop leaves the state consistent. Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-sync --release --test loom_notify`.
#![cfg(loom)]

use std::pin::Pin;

use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use runtime_sync::Notify;

/// `loom::model` with a preemption bound of 3 (unless `LOOM_MAX_PREEMPTIONS`
/// is set), which keeps each model to seconds while still covering every
/// interleaving with up to three forced context switches.
fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

#[test]
fn notify_one_racing_registration_is_not_lost() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let n = Arc::clone(&notify);
        let t = thread::spawn(move || n.notify_one());
        // Deadlocks (loom reports it) if the wake-up is lost.
        block_on(notify.notified());
        t.join().unwrap();
    });
}

#[test]
fn notification_given_to_a_dropped_waiter_is_passed_on() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let n = Arc::clone(&notify);
        let other = thread::spawn(move || block_on(n.notified()));
        let n = Arc::clone(&notify);
        let notifier = thread::spawn(move || n.notify_one());

        let mut mine = notify.notified();
        if Pin::new(&mut mine).enable() {
            // We observed (consumed) the notification: hand out another.
            notify.notify_one();
        }
        // If `mine` was picked by notify_one after enable, dropping it must
        // pass the wake-up on to `other` (or store it as the permit).
        drop(mine);

        notifier.join().unwrap();
        other.join().unwrap();
    });
}

#[test]
fn notify_last_given_to_a_dropped_waiter_is_passed_on() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let n = Arc::clone(&notify);
        let other = thread::spawn(move || block_on(n.notified()));
        let n = Arc::clone(&notify);
        let notifier = thread::spawn(move || n.notify_last());

        let mut mine = notify.notified();
        if Pin::new(&mut mine).enable() {
            notify.notify_last();
        }
        // Picked by notify_last (it is the newest waiter, or the only one)
        // and dropped: the notification goes on to `other` or is stored.
        drop(mine);

        notifier.join().unwrap();
        other.join().unwrap();
    });
}

#[test]
fn notify_waiters_racing_drop_leaves_a_consistent_state() {
    model(|| {
        let notify = Arc::new(Notify::new());
        let before = notify.notified();
        let n = Arc::clone(&notify);
        let t = thread::spawn(move || n.notify_waiters());

        let mut dropped = notify.notified();
        let _ = Pin::new(&mut dropped).enable();
        drop(dropped);

        t.join().unwrap();
        // Created before notify_waiters: completes although never polled
        // before the call.
        block_on(before);
        // No stale registration left behind: notify_one stores a permit that
        // the next `notified()` consumes at once.
        notify.notify_one();
        let mut next = notify.notified();
        assert!(Pin::new(&mut next).enable());
    });
}
