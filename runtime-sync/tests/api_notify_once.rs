//! Behaviour of the `Notify` and once-cell API added to match Tokio:
//! `Notify::notified_owned` / `OwnedNotified`, `SetOnce`, and
//! `OnceCell::const_new_with`.
#![cfg(not(loom))]

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::sync::futures::OwnedNotified;
use runtime::sync::Notify;

struct CountWake(AtomicUsize);
impl Wake for CountWake {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn waker() -> (Arc<CountWake>, Waker) {
    let c = Arc::new(CountWake(AtomicUsize::new(0)));
    (Arc::clone(&c), Waker::from(c))
}

fn poll<F: Future + Unpin>(f: &mut F, w: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(w))
}

fn assert_static_send<T: Send + Sync + Unpin + 'static>(_: &T) {}

// ---- OwnedNotified ----

#[test]
fn owned_and_borrowed_notified_share_one_fifo_queue() {
    let notify = Arc::new(Notify::new());
    let (c1, w1) = waker();
    let (c2, w2) = waker();
    let mut owned = Arc::clone(&notify).notified_owned();
    assert_static_send(&owned);
    let mut borrowed = notify.notified();
    assert!(poll(&mut owned, &w1).is_pending());
    assert!(poll(&mut borrowed, &w2).is_pending());
    notify.notify_one();
    assert_eq!((c1.0.load(SeqCst), c2.0.load(SeqCst)), (1, 0));
    assert!(poll(&mut owned, &w1).is_ready());
    notify.notify_last();
    assert!(poll(&mut borrowed, &w2).is_ready());
    assert_eq!(Arc::strong_count(&notify), 2);
    drop(owned);
    assert_eq!(Arc::strong_count(&notify), 1);
}

#[test]
fn dropped_owned_notified_passes_its_notification_on() {
    let notify = Arc::new(Notify::new());
    let (_, w) = waker();
    let (c2, w2) = waker();
    let mut first = Arc::clone(&notify).notified_owned();
    let mut second = Arc::clone(&notify).notified_owned();
    assert!(poll(&mut first, &w).is_pending());
    assert!(poll(&mut second, &w2).is_pending());
    notify.notify_one(); // picks `first`
    drop(first); // never observed it: `second` gets it
    assert_eq!(c2.0.load(SeqCst), 1);
    assert!(poll(&mut second, &w2).is_ready());

    // With nobody else registered, the notification is stored as the permit.
    let mut only = Arc::clone(&notify).notified_owned();
    assert!(poll(&mut only, &w).is_pending());
    notify.notify_one();
    drop(only);
    let mut later = pin!(notify.notified());
    assert!(later.as_mut().enable(), "the permit was stored");
}

#[test]
fn notify_waiters_reaches_owned_futures_created_before_it() {
    let notify = Arc::new(Notify::new());
    let mut never_polled = Arc::clone(&notify).notified_owned();
    let mut enabled = Arc::clone(&notify).notified_owned();
    assert!(!Pin::new(&mut enabled).enable());
    notify.notify_waiters();
    let mut after = Arc::clone(&notify).notified_owned();
    let (_, w) = waker();
    assert!(poll(&mut never_polled, &w).is_ready());
    assert!(poll(&mut enabled, &w).is_ready());
    assert!(poll(&mut after, &w).is_pending(), "created after the call");
    assert!(format!("{after:?}").starts_with("OwnedNotified"));
}

#[test]
fn owned_notified_enable_consumes_a_stored_permit() {
    let notify = Arc::new(Notify::new());
    notify.notify_one();
    let mut a: OwnedNotified = Arc::clone(&notify).notified_owned();
    assert!(Pin::new(&mut a).enable());
    let mut b = Arc::clone(&notify).notified_owned();
    assert!(!Pin::new(&mut b).enable(), "one permit only");
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn owned_notified_in_spawned_tasks() {
    let notify = Arc::new(Notify::new());
    let tasks: Vec<_> = (0..4)
        .map(|_| runtime::spawn(Arc::clone(&notify).notified_owned()))
        .collect();
    for _ in 0..4 {
        runtime::task::yield_now().await;
    }
    notify.notify_waiters();
    for t in tasks {
        t.await.unwrap();
    }
}
