//! `send_timeout` in a process where no runtime with a time driver was ever
//! built (this test binary builds none): it panics with the timer hook's
//! message, which says what to do, instead of hanging.
#![cfg(not(loom))]

use runtime_sync::mpsc;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

#[test]
fn send_timeout_without_a_timer_panics_with_advice() {
    let (tx, _rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut send = pin!(tx.send_timeout(1, Duration::from_secs(1)));
        let waker = Waker::from(std::sync::Arc::new(Noop));
        let _ = send.as_mut().poll(&mut Context::from_waker(&waker));
    }));
    let err = res.expect_err("no timer is installed");
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert_eq!(msg, runtime_core::timer_hook::NO_TIMER);
    assert!(msg.contains("`time` feature"), "{msg}");
    // The channel is untouched: the panic came before any reservation.
    assert_eq!(tx.capacity(), 0);
}

/// A waker that does nothing (`Waker::noop` is newer than the 1.80 MSRV).
struct Noop;

impl std::task::Wake for Noop {
    fn wake(self: std::sync::Arc<Self>) {}
}
