//! `mpsc::Sender::send_timeout` (runtime-sync, timed through the runtime's
//! timer hook) on both runtime flavours, with real and paused time.
//!
//! Real-time tests only assert lower bounds on elapsed time ("did not give up
//! early") and use generous deadlines where the send must succeed.
#![cfg(feature = "full")]

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;

use runtime::sync::mpsc::{self, error::SendTimeoutError};
use runtime::time::{advance, pause, sleep, Duration, Instant};

/// Polls `f` once with the current task's context.
async fn poll_once<F: Future>(mut f: Pin<&mut F>) -> Poll<F::Output> {
    poll_fn(move |cx| Poll::Ready(f.as_mut().poll(cx))).await
}

/// Full channel, nobody receives: the send gives up after the timeout and
/// hands the value back.
async fn times_out_when_full() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send(1).await.unwrap();
    let start = std::time::Instant::now();
    let res = tx.send_timeout(2, Duration::from_millis(30)).await;
    assert!(
        start.elapsed() >= Duration::from_millis(30),
        "gave up early"
    );
    assert_eq!(res, Err(SendTimeoutError::Timeout(2)));
    assert_eq!(res.unwrap_err().into_inner(), 2);
    // The channel is unchanged: one message, no slot leaked.
    assert_eq!(rx.recv().await, Some(1));
    assert_eq!(tx.capacity(), 1);
    assert!(rx.try_recv().is_err());
}

#[runtime::test]
async fn times_out_when_full_current_thread() {
    times_out_when_full().await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_out_when_full_multi_thread() {
    times_out_when_full().await;
}

/// Capacity frees up (a receiver task) before the deadline: the send
/// succeeds and the value arrives.
async fn succeeds_when_capacity_frees() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send("first").await.unwrap();
    let receiver = runtime::spawn(async move {
        sleep(Duration::from_millis(10)).await;
        let a = rx.recv().await;
        let b = rx.recv().await;
        (a, b)
    });
    tx.send_timeout("second", Duration::from_secs(30))
        .await
        .unwrap();
    drop(tx);
    assert_eq!(receiver.await.unwrap(), (Some("first"), Some("second")));
}

#[runtime::test]
async fn succeeds_when_capacity_frees_current_thread() {
    succeeds_when_capacity_frees().await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn succeeds_when_capacity_frees_multi_thread() {
    succeeds_when_capacity_frees().await;
}

/// Room at once: no waiting, and no timer is even consulted for long.
#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_at_once_with_room() {
    let (tx, mut rx) = mpsc::channel(2);
    tx.send_timeout(7, Duration::ZERO).await.unwrap();
    assert_eq!(rx.recv().await, Some(7));
}

async fn closed_when_receiver_dropped() {
    // Dropped before the call.
    let (tx, rx) = mpsc::channel::<String>(1);
    drop(rx);
    let err = tx
        .send_timeout("a".to_string(), Duration::from_secs(30))
        .await
        .unwrap_err();
    assert_eq!(err, SendTimeoutError::Closed("a".to_string()));
    assert_eq!(err.to_string(), "channel closed");
    assert_eq!(err.into_inner(), "a");

    // Dropped while the send waits for capacity: `Closed`, not `Timeout`,
    // and well before the deadline.
    let (tx, rx) = mpsc::channel(1);
    tx.send(0).await.unwrap();
    let dropper = runtime::spawn(async move {
        sleep(Duration::from_millis(10)).await;
        drop(rx);
    });
    let start = std::time::Instant::now();
    let err = tx
        .send_timeout(1, Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(matches!(err, SendTimeoutError::Closed(1)));
    dropper.await.unwrap();
}

#[runtime::test]
async fn closed_when_receiver_dropped_current_thread() {
    closed_when_receiver_dropped().await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_when_receiver_dropped_multi_thread() {
    closed_when_receiver_dropped().await;
}

/// With the clock paused (auto-advancing while idle), the timeout fires at
/// exactly its duration.
#[runtime::test(start_paused = true)]
async fn paused_clock_times_out_at_exactly_the_duration() {
    let (tx, _rx) = mpsc::channel(1);
    tx.send(()).await.unwrap();
    let start = Instant::now();
    let err = tx.send_timeout((), Duration::from_secs(3600)).await;
    assert_eq!(err, Err(SendTimeoutError::Timeout(())));
    assert_eq!(start.elapsed(), Duration::from_secs(3600));
}

/// `pause` + `advance`: pending until the last nanosecond, `Timeout` at the
/// deadline.
#[runtime::test]
async fn pause_and_advance_fire_the_timeout_at_the_deadline() {
    pause();
    let (tx, _rx) = mpsc::channel(1);
    tx.send(0u8).await.unwrap();
    let mut send = pin!(tx.send_timeout(1, Duration::from_secs(5)));
    assert!(poll_once(send.as_mut()).await.is_pending());
    advance(Duration::from_secs(5) - Duration::from_nanos(1)).await;
    assert!(
        poll_once(send.as_mut()).await.is_pending(),
        "timed out before the deadline"
    );
    advance(Duration::from_nanos(1)).await;
    assert_eq!(
        poll_once(send.as_mut()).await,
        Poll::Ready(Err(SendTimeoutError::Timeout(1)))
    );
}

/// Paused clock, capacity freed by a receiver at t = 2 s, deadline at 5 s:
/// the send succeeds at 2 s.
#[runtime::test(start_paused = true)]
async fn paused_clock_succeeds_when_capacity_frees_before_the_deadline() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send(1).await.unwrap();
    let receiver = runtime::spawn(async move {
        sleep(Duration::from_secs(2)).await;
        (rx.recv().await, rx.recv().await)
    });
    let start = Instant::now();
    tx.send_timeout(2, Duration::from_secs(5)).await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    drop(tx);
    assert_eq!(receiver.await.unwrap(), (Some(1), Some(2)));
}

/// A timed-out send was queued for capacity: giving up must leave the queue,
/// so a later sender gets the slot the receiver frees.
#[runtime::test(start_paused = true)]
async fn timed_out_send_leaves_the_queue() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send(0).await.unwrap();
    assert!(tx.send_timeout(1, Duration::from_secs(1)).await.is_err());
    assert_eq!(rx.recv().await, Some(0));
    assert_eq!(tx.capacity(), 1);
    tx.try_send(2).unwrap();
    assert_eq!(rx.recv().await, Some(2));
}

#[test]
fn error_formatting_matches_tokio() {
    let timeout = SendTimeoutError::Timeout(1);
    let closed = SendTimeoutError::Closed(2);
    assert_eq!(timeout.to_string(), "timed out waiting on send operation");
    assert_eq!(closed.to_string(), "channel closed");
    assert_eq!(format!("{timeout:?}"), "Timeout(..)");
    assert_eq!(format!("{closed:?}"), "Closed(..)");
    let boxed: Box<dyn std::error::Error> = Box::new(closed);
    assert_eq!(boxed.to_string(), "channel closed");
}

/// Outside any runtime there is no timer: the first poll panics with a
/// message about the missing runtime (as Tokio's does).
#[test]
fn outside_a_runtime_panics_clearly() {
    let (tx, _rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut send = pin!(tx.send_timeout(1, Duration::from_secs(1)));
        let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
        let mut cx = std::task::Context::from_waker(&waker);
        let _ = send.as_mut().poll(&mut cx);
    }));
    let err = res.expect_err("polled outside a runtime");
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    assert!(msg.contains("runtime"), "unclear panic message: {msg}");
}

/// A waker that does nothing (`Waker::noop` is newer than the 1.80 MSRV).
struct Noop;

impl std::task::Wake for Noop {
    fn wake(self: std::sync::Arc<Self>) {}
}
