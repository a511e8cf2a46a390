//! The I/O driver on real sockets: readiness, clearing, generations, HUP, shutdown.

use mio::net::UnixStream;
use runtime_reactor::io::PollEvented;
use runtime_reactor::Driver;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

/// Counts wake-ups, so a test can see that the driver woke the right task.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker::default());
    (counter.clone(), Waker::from(counter))
}

/// Turns the driver until `cond` holds (bounded, so a bug fails instead of hanging).
fn turn_until(driver: &mut Driver, mut cond: impl FnMut() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        driver.turn(Some(Duration::from_millis(10)));
    }
    panic!("condition not reached after 200 driver turns");
}

#[test]
fn read_readiness_follows_the_socket() {
    let mut driver = Driver::new().unwrap();
    let (a, mut b) = UnixStream::pair().unwrap();
    let a = PollEvented::new_with_handle(a, driver.handle()).unwrap();
    let (count, w) = waker();
    let mut cx = Context::from_waker(&w);

    // Nothing to read yet: the task waits.
    driver.turn(Some(Duration::ZERO));
    assert!(a.poll_read_ready(&mut cx).is_pending());

    b.write_all(b"hello").unwrap();
    turn_until(&mut driver, || count.0.load(SeqCst) > 0);
    let Poll::Ready(Ok(event)) = a.poll_read_ready(&mut cx) else {
        panic!("readable after the peer wrote");
    };
    let mut buf = [0; 16];
    let n = a.get_ref().read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"hello");

    // Drained: the next read would block, so readiness is cleared and we wait again.
    let err = a.get_ref().read(&mut buf).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    a.clear_readiness(event);
    assert!(a.poll_read_ready(&mut cx).is_pending());
}

#[test]
fn poll_read_io_retries_after_would_block() {
    let mut driver = Driver::new().unwrap();
    let (a, mut b) = UnixStream::pair().unwrap();
    let a = PollEvented::new_with_handle(a, driver.handle()).unwrap();
    let (count, w) = waker();
    let mut cx = Context::from_waker(&w);
    let mut buf = [0; 8];
    assert!(a
        .poll_read_io(&mut cx, || a.get_ref().read(&mut buf))
        .is_pending());
    b.write_all(b"abc").unwrap();
    turn_until(&mut driver, || count.0.load(SeqCst) > 0);
    match a.poll_read_io(&mut cx, || a.get_ref().read(&mut buf)) {
        Poll::Ready(Ok(3)) => assert_eq!(&buf[..3], b"abc"),
        other => panic!("expected 3 bytes, got {other:?}"),
    }
}

#[test]
fn write_readiness_is_immediate_on_a_fresh_socket() {
    let mut driver = Driver::new().unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    let a = PollEvented::new_with_handle(a, driver.handle()).unwrap();
    let (_count, w) = waker();
    let mut cx = Context::from_waker(&w);
    turn_until(&mut driver, || a.poll_write_ready(&mut cx).is_ready());
}

#[test]
fn peer_close_surfaces_as_read_closed() {
    let mut driver = Driver::new().unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = PollEvented::new_with_handle(a, driver.handle()).unwrap();
    let (count, w) = waker();
    let mut cx = Context::from_waker(&w);
    assert!(a.poll_read_ready(&mut cx).is_pending());
    drop(b);
    turn_until(&mut driver, || count.0.load(SeqCst) > 0);
    let Poll::Ready(Ok(event)) = a.poll_read_ready(&mut cx) else {
        panic!("read side closed must wake the reader");
    };
    assert!(event.ready.is_read_closed());
    // A closed side stays ready: clearing does not make it wait again.
    a.clear_readiness(event);
    assert!(a.poll_read_ready(&mut cx).is_ready());
    let mut buf = [0; 4];
    assert_eq!(a.get_ref().read(&mut buf).unwrap(), 0, "EOF");
}

#[test]
fn reused_slot_does_not_inherit_the_old_registration() {
    let mut driver = Driver::new().unwrap();
    let handle = driver.handle().clone();
    assert_eq!(handle.num_io_sources(), 0);
    let (a, mut b) = UnixStream::pair().unwrap();
    let a = PollEvented::new_with_handle(a, &handle).unwrap();
    b.write_all(b"x").unwrap();
    // The event for `a` may still be queued in the poller when `a` goes away.
    drop(a);
    assert_eq!(handle.num_io_sources(), 0, "deregistered on drop");

    let (c, _d) = UnixStream::pair().unwrap();
    let c = PollEvented::new_with_handle(c, &handle).unwrap();
    assert_eq!(handle.num_io_sources(), 1);
    for _ in 0..5 {
        driver.turn(Some(Duration::from_millis(2)));
    }
    let (_count, w) = waker();
    let mut cx = Context::from_waker(&w);
    assert!(
        c.poll_read_ready(&mut cx).is_pending(),
        "the new source in the reused slot must not see the old source's readability"
    );
}

#[test]
fn shutdown_wakes_waiters_with_an_error() {
    let mut driver = Driver::new().unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    let a = PollEvented::new_with_handle(a, driver.handle()).unwrap();
    let (count, w) = waker();
    let mut cx = Context::from_waker(&w);
    assert!(a.poll_read_ready(&mut cx).is_pending());
    driver.shutdown();
    assert_eq!(count.0.load(SeqCst), 1, "the waiting reader was woken");
    match a.poll_read_ready(&mut cx) {
        Poll::Ready(Err(e)) => assert!(e.to_string().contains("shut down"), "{e}"),
        other => panic!("expected an error after shutdown, got {other:?}"),
    }
    let (c, _d) = UnixStream::pair().unwrap();
    assert!(PollEvented::new_with_handle(c, driver.handle()).is_err());
}

#[test]
fn io_outside_a_runtime_panics_with_a_clear_message() {
    let (a, _b) = UnixStream::pair().unwrap();
    let err = std::panic::catch_unwind(move || PollEvented::new(a)).unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(
        msg.contains("must be called from the context of a runtime"),
        "{msg}"
    );
}

/// With a busy capacity, a turn that does not wait delivers at most that
/// many events and leaves the rest in the kernel; a waiting turn takes the
/// full batch.
#[test]
fn busy_turns_take_the_smaller_batch() {
    let mut driver = Driver::with_events_capacity(64).unwrap();
    driver.set_busy_events_capacity(2);
    let mut pairs = Vec::new();
    let mut counters = Vec::new();
    for _ in 0..6 {
        let (a, mut b) = UnixStream::pair().unwrap();
        let a = PollEvented::new_with_handle(a, driver.handle()).unwrap();
        let (count, w) = waker();
        // Register interest (nothing to read yet) before the data arrives.
        assert!(a.poll_read_ready(&mut Context::from_waker(&w)).is_pending());
        b.write_all(b"x").unwrap();
        pairs.push((a, b));
        counters.push(count);
    }
    let woken = || counters.iter().filter(|c| c.0.load(SeqCst) > 0).count();
    driver.turn(Some(Duration::ZERO));
    assert_eq!(woken(), 2, "a busy turn takes at most 2 events");
    driver.turn(Some(Duration::ZERO));
    assert_eq!(woken(), 4);
    driver.turn(Some(Duration::from_millis(100)));
    assert_eq!(woken(), 6, "a waiting turn takes the full batch");
}
