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

// ---- SetOnce ----

use runtime::sync::{OnceCell, SetOnce, SetOnceError};

#[test]
fn set_once_basics() {
    let cell = SetOnce::new();
    assert_eq!((cell.get(), cell.initialized()), (None, false));
    assert_eq!(cell.set(1), Ok(()));
    assert_eq!(cell.set(2), Err(SetOnceError(2)));
    assert_eq!(format!("{cell:?}"), "SetOnce { value: Some(1) }");
    assert_eq!(cell.clone(), SetOnce::from(1));
    assert_ne!(cell, SetOnce::default());
    assert_eq!(cell.into_inner(), Some(1));
    assert_eq!(SetOnce::<u8>::new_with(None).into_inner(), None);

    static PRESET: SetOnce<Vec<u8>> = SetOnce::const_new_with(Vec::new());
    assert_eq!(PRESET.get(), Some(&Vec::new()));
    assert_eq!(PRESET.set(vec![1]), Err(SetOnceError(vec![1])));
    static EMPTY: SetOnce<u8> = SetOnce::const_new();
    assert!(!EMPTY.initialized());
}

#[test]
fn set_once_value_is_dropped_once() {
    struct D(Arc<AtomicUsize>);
    impl Drop for D {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let cell = SetOnce::new();
    assert!(cell.set(D(Arc::clone(&drops))).is_ok());
    let rejected = cell.set(D(Arc::clone(&drops))).unwrap_err();
    drop(rejected);
    assert_eq!(drops.load(SeqCst), 1);
    drop(cell);
    assert_eq!(drops.load(SeqCst), 2);
}

#[test]
fn set_once_wait_wakes_on_set_and_is_cancel_safe() {
    let cell = SetOnce::new();
    let (c, w) = waker();
    let mut dropped = Box::pin(cell.wait());
    assert!(dropped
        .as_mut()
        .poll(&mut Context::from_waker(&w))
        .is_pending());
    drop(dropped);
    let mut waiting = Box::pin(cell.wait());
    assert!(waiting
        .as_mut()
        .poll(&mut Context::from_waker(&w))
        .is_pending());
    cell.set(5).unwrap();
    assert_eq!(c.0.load(SeqCst), 1, "set wakes the waiter");
    match waiting.as_mut().poll(&mut Context::from_waker(&w)) {
        Poll::Ready(v) => assert_eq!(*v, 5),
        Poll::Pending => panic!("the value is set"),
    }
}

#[test]
fn set_once_wait_from_many_threads() {
    let cell: Arc<SetOnce<i32>> = Arc::new(SetOnce::new());
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let c = Arc::clone(&cell);
            std::thread::spawn(move || {
                runtime::Builder::new_current_thread()
                    .build()
                    .unwrap()
                    .block_on(async move { *c.wait().await })
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(10));
    let setters: Vec<_> = (0..4)
        .map(|i| {
            let c = Arc::clone(&cell);
            std::thread::spawn(move || c.set(i).is_ok())
        })
        .collect();
    let wins = setters
        .into_iter()
        .map(|t| t.join().unwrap())
        .filter(|&won| won)
        .count();
    assert_eq!(wins, 1);
    let v = *cell.get().unwrap();
    for r in readers {
        assert_eq!(r.join().unwrap(), v);
    }
}

#[runtime::test]
async fn set_once_wait_in_tasks() {
    let cell: Arc<SetOnce<String>> = Arc::new(SetOnce::new());
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let c = Arc::clone(&cell);
            runtime::spawn(async move { c.wait().await.len() })
        })
        .collect();
    runtime::task::yield_now().await;
    cell.set(String::from("abc")).unwrap();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 3);
    }
    assert_eq!(cell.wait().await, "abc"); // already set: at once
}

// ---- OnceCell::const_new_with ----

#[runtime::test]
async fn once_cell_const_new_with() {
    static CELL: OnceCell<&str> = OnceCell::const_new_with("preset");
    assert!(CELL.initialized());
    assert_eq!(CELL.get(), Some(&"preset"));
    assert_eq!(
        *CELL.get_or_init(|| async { unreachable!() }).await,
        "preset"
    );
    let r: Result<_, ()> = CELL.get_or_try_init(|| async { unreachable!() }).await;
    assert_eq!(r, Ok(&"preset"));
    assert!(CELL.set("other").unwrap_err().is_already_init_err());

    let mut cell = OnceCell::const_new_with(vec![1]);
    cell.get_mut().unwrap().push(2);
    assert_eq!(cell.take(), Some(vec![1, 2]));
    assert!(!cell.initialized());
    cell.set(vec![3]).unwrap(); // empty again after take: settable
    assert_eq!(cell.clone().into_inner(), Some(vec![3]));
    assert_eq!(cell.into_inner(), Some(vec![3]));
    assert_eq!(OnceCell::const_new_with(7).into_inner(), Some(7));
}
