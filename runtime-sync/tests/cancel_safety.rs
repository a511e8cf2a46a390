//! Cancel safety, checked: for every method documented as cancel safe, drop
//! its future at each await point (after a first `Pending` poll, and after the
//! event it waited for happened but before it was polled again) and check that
//! nothing is lost: values stay in the channel, permits and locks go back,
//! notifications are passed on. The methods documented as *not* cancel safe
//! (bounded `mpsc::Sender::send` loses its value, `Barrier::wait` keeps its
//! arrival) are checked to behave as documented.
//!
//! Futures are polled by hand with a waker that counts its wake-ups, so each
//! step is deterministic; a few tests at the end use the runtime's `select!`
//! and `timeout`, as user code would.
#![cfg(not(loom))]

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use runtime::sync::{
    broadcast, mpsc, oneshot, watch, Barrier, Mutex, Notify, OnceCell, RwLock, Semaphore,
};

/// A waker that counts how often it was woken.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counting_waker() -> (Arc<Counter>, Waker) {
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    (Arc::clone(&counter), Waker::from(counter))
}

fn wakes(counter: &Counter) -> usize {
    counter.0.load(SeqCst)
}

/// Polls `fut` once with `waker`.
fn poll_with<F: Future + ?Sized>(fut: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(waker))
}

/// Polls `fut` once with a waker nobody looks at.
fn poll<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    poll_with(fut, &counting_waker().1)
}

/// Polls a fresh future once, expecting `Ready`.
fn now<F: Future>(fut: F) -> F::Output {
    match poll(pin!(fut)) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("expected the future to be ready at once"),
    }
}

// ---------------------------------------------------------------- mpsc

#[test]
fn mpsc_recv_dropped_while_pending_then_after_the_send() {
    let (tx, mut rx) = mpsc::channel(2);
    {
        // Await point 1: nothing queued yet. Dropping loses nothing.
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut()).is_pending());
    }
    {
        // Await point 2: the value arrives (and wakes us) but the future is
        // dropped before it is polled again.
        let (woken, waker) = counting_waker();
        let mut recv = pin!(rx.recv());
        assert!(poll_with(recv.as_mut(), &waker).is_pending());
        tx.try_send(7).unwrap();
        assert_eq!(wakes(&woken), 1);
    }
    assert_eq!(now(rx.recv()), Some(7));
    // The slot came back with the receive.
    assert_eq!(tx.capacity(), 2);
}

#[test]
fn mpsc_recv_many_dropped_after_the_sends_takes_nothing() {
    let (tx, mut rx) = mpsc::channel(4);
    let mut buf = Vec::new();
    {
        let mut recv = pin!(rx.recv_many(&mut buf, 4));
        assert!(poll(recv.as_mut()).is_pending());
        tx.try_send(1).unwrap();
        tx.try_send(2).unwrap();
    }
    assert!(buf.is_empty());
    assert_eq!(now(rx.recv_many(&mut buf, 4)), 2);
    assert_eq!(buf, [1, 2]);
}

#[test]
fn unbounded_recv_and_recv_many_dropped_take_nothing() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut()).is_pending());
        tx.send("a").unwrap();
    }
    let mut buf = Vec::new();
    {
        let mut recv = pin!(rx.recv_many(&mut buf, 8));
        // Ready at once here (a value is queued): the future we drop next is
        // a fresh one that is still pending.
        assert_eq!(poll(recv.as_mut()), Poll::Ready(1));
    }
    assert_eq!(buf, ["a"]);
    {
        let mut recv = pin!(rx.recv_many(&mut buf, 8));
        assert!(poll(recv.as_mut()).is_pending());
        tx.send("b").unwrap();
    }
    assert_eq!(buf, ["a"]);
    assert_eq!(now(rx.recv()), Some("b"));
    drop(tx);
    assert_eq!(now(rx.recv()), None);
}

#[test]
fn bounded_send_dropped_while_waiting_is_not_delivered_and_leaks_no_capacity() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    {
        // Waiting for capacity: dropped before any slot frees up.
        let mut send = pin!(tx.send(2));
        assert!(poll(send.as_mut()).is_pending());
    }
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.capacity(), 1, "the dropped send held no slot");
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Empty));

    tx.try_send(3).unwrap();
    {
        // Dropped after the receive handed it the freed slot, before it could
        // use it: the value is dropped, the slot goes back.
        let (woken, waker) = counting_waker();
        let mut send = pin!(tx.send(4));
        assert!(poll_with(send.as_mut(), &waker).is_pending());
        assert_eq!(rx.try_recv(), Ok(3));
        assert_eq!(wakes(&woken), 1, "the slot was handed to the waiter");
        assert_eq!(tx.capacity(), 0);
    }
    assert_eq!(tx.capacity(), 1, "the granted slot came back");
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Empty));
    tx.try_send(5).unwrap();
    assert_eq!(rx.try_recv(), Ok(5));
}

#[test]
fn bounded_send_dropped_after_grant_passes_the_slot_to_the_next_sender() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let (_, w1) = counting_waker();
    let (woken2, w2) = counting_waker();
    let mut second = pin!(tx.send(2));
    {
        let mut first = pin!(tx.send(1));
        assert!(poll_with(first.as_mut(), &w1).is_pending());
        assert!(poll_with(second.as_mut(), &w2).is_pending());
        assert_eq!(rx.try_recv(), Ok(0)); // grants the slot to `first`
        assert_eq!(wakes(&woken2), 0);
    }
    // `first` dropped: its slot went to `second`, not back to the count.
    assert_eq!(wakes(&woken2), 1);
    assert_eq!(tx.capacity(), 0);
    assert_eq!(poll_with(second.as_mut(), &w2), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn reserve_and_reserve_owned_dropped_leak_no_capacity() {
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    let held = tx.try_reserve().unwrap();
    {
        let mut reserve = pin!(tx.reserve());
        assert!(poll(reserve.as_mut()).is_pending());
        drop(held); // grants the slot to `reserve`
    }
    assert_eq!(tx.capacity(), 1);

    let held = tx.try_reserve().unwrap();
    {
        let mut reserve = pin!(tx.clone().reserve_owned());
        assert!(poll(reserve.as_mut()).is_pending());
        held.send(9); // queued: the slot stays used until received
        assert_eq!(rx.try_recv(), Ok(9)); // grants the slot to `reserve`
    }
    assert_eq!(tx.capacity(), 1);
    // The owned future's sender was dropped with it; ours keeps the channel
    // open.
    assert_eq!(tx.strong_count(), 1);
    assert!(tx.try_send(10).is_ok());
}

#[test]
fn mpsc_closed_dropped_then_called_again() {
    let (tx, rx) = mpsc::channel::<u8>(1);
    let (utx, urx) = mpsc::unbounded_channel::<u8>();
    {
        let mut closed = pin!(tx.closed());
        assert!(poll(closed.as_mut()).is_pending());
        let mut uclosed = pin!(utx.closed());
        assert!(poll(uclosed.as_mut()).is_pending());
        drop((rx, urx));
    }
    now(tx.closed());
    now(utx.closed());
}

// ---------------------------------------------------------------- Semaphore

#[test]
fn acquire_dropped_while_queued_then_after_grant_loses_no_permit() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().unwrap();
    {
        let mut acquire = pin!(sem.acquire());
        assert!(poll(acquire.as_mut()).is_pending());
    }
    drop(held);
    assert_eq!(sem.available_permits(), 1);

    let held = sem.try_acquire().unwrap();
    {
        let (woken, waker) = counting_waker();
        let mut acquire = pin!(sem.acquire());
        assert!(poll_with(acquire.as_mut(), &waker).is_pending());
        drop(held); // the permit goes straight to the queued future...
        assert_eq!(wakes(&woken), 1);
        assert_eq!(sem.available_permits(), 0);
    } // ...which is dropped before it observed it
    assert_eq!(sem.available_permits(), 1);
    drop(now(sem.acquire()).unwrap());
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn acquire_many_dropped_returns_its_partial_assignment_to_the_next_waiter() {
    let sem = Semaphore::new(3);
    let held = sem.try_acquire_many(2).unwrap();
    let (woken, waker) = counting_waker();
    let mut small = pin!(sem.acquire());
    {
        let mut big = pin!(sem.acquire_many(3));
        // Takes the one free permit (a partial assignment) and queues.
        assert!(poll(big.as_mut()).is_pending());
        assert_eq!(sem.available_permits(), 0);
        // Queued behind `big`, even though one permit would do.
        assert!(poll_with(small.as_mut(), &waker).is_pending());
        drop(held); // both permits go to `big`, which now has all 3
        assert_eq!(wakes(&woken), 0);
    }
    // `big` was dropped: its 3 permits go to `small` (1) and the count (2).
    assert_eq!(wakes(&woken), 1);
    let permit = match poll_with(small.as_mut(), &waker) {
        Poll::Ready(Ok(p)) => p,
        other => panic!("expected the permit, got {other:?}"),
    };
    assert_eq!(sem.available_permits(), 2);
    drop(permit);
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn owned_acquires_dropped_lose_no_permit() {
    let sem = Arc::new(Semaphore::new(2));
    let held = Arc::clone(&sem).try_acquire_many_owned(2).unwrap();
    {
        let mut one = pin!(Arc::clone(&sem).acquire_owned());
        let mut two = pin!(Arc::clone(&sem).acquire_many_owned(2));
        assert!(poll(one.as_mut()).is_pending());
        assert!(poll(two.as_mut()).is_pending());
        drop(held); // one permit to `one` (granted), one to `two` (partial)
        assert_eq!(sem.available_permits(), 0);
    }
    assert_eq!(sem.available_permits(), 2);
    assert_eq!(Arc::strong_count(&sem), 1, "the futures' Arcs are gone");
}

// ---------------------------------------------------------------- locks

#[test]
fn mutex_lock_dropped_while_queued_and_after_handoff_loses_no_lock() {
    let m = Mutex::new(0);
    let guard = m.try_lock().unwrap();
    let (woken, waker) = counting_waker();
    let mut second = pin!(m.lock());
    {
        let mut first = pin!(m.lock());
        assert!(poll(first.as_mut()).is_pending());
        assert!(poll_with(second.as_mut(), &waker).is_pending());
        drop(guard); // hands the lock to `first`...
        assert!(m.try_lock().is_err());
    } // ...which is dropped: the lock passes on to `second`
    assert_eq!(wakes(&woken), 1);
    match poll_with(second.as_mut(), &waker) {
        Poll::Ready(mut g) => *g += 1,
        Poll::Pending => panic!("the lock was lost"),
    }
    assert_eq!(*m.try_lock().unwrap(), 1);
}

#[test]
fn mutex_lock_owned_dropped_after_handoff_leaves_the_lock_free() {
    let m = Arc::new(Mutex::new(()));
    let guard = m.try_lock().unwrap();
    {
        let mut lock = pin!(Arc::clone(&m).lock_owned());
        assert!(poll(lock.as_mut()).is_pending());
        drop(guard);
    }
    assert!(m.try_lock().is_ok());
}

#[test]
fn rwlock_write_dropped_returns_the_reader_slots_it_collected() {
    let lock = RwLock::with_max_readers(0, 3);
    let r1 = lock.try_read().unwrap();
    let (woken, waker) = counting_waker();
    let mut reader = pin!(lock.read());
    {
        let mut writer = pin!(lock.write());
        // Collects the 2 free slots, waits for the third.
        assert!(poll(writer.as_mut()).is_pending());
        // A new reader queues behind the writer.
        assert!(poll_with(reader.as_mut(), &waker).is_pending());
        assert!(lock.try_read().is_err());
    }
    // The writer's 2 slots came back: the queued reader gets in.
    assert_eq!(wakes(&woken), 1);
    let r2 = match poll_with(reader.as_mut(), &waker) {
        Poll::Ready(g) => g,
        Poll::Pending => panic!("reader slots were lost"),
    };
    drop((r1, r2));
    // All 3 slots are back: a writer gets in at once.
    assert!(lock.try_write().is_ok());
}

#[test]
fn rwlock_read_dropped_after_handoff_does_not_block_writers() {
    let lock = RwLock::new(1);
    let w = lock.try_write().unwrap();
    {
        let mut read = pin!(lock.read());
        assert!(poll(read.as_mut()).is_pending());
        drop(w); // hands a reader slot to `read`
    }
    *lock.try_write().unwrap() = 2;
    assert_eq!(*lock.try_read().unwrap(), 2);
}

// ---------------------------------------------------------------- Notify

#[test]
fn notified_dropped_after_notify_one_passes_it_to_the_next_waiter() {
    let notify = Notify::new();
    let (woken_b, wb) = counting_waker();
    let mut b = pin!(notify.notified());
    {
        let mut a = pin!(notify.notified());
        assert!(poll(a.as_mut()).is_pending());
        assert!(poll_with(b.as_mut(), &wb).is_pending());
        notify.notify_one(); // picks `a`, the front waiter
        assert_eq!(wakes(&woken_b), 0);
    } // `a` never saw it: passed on
    assert_eq!(wakes(&woken_b), 1);
    assert!(poll_with(b.as_mut(), &wb).is_ready());
}

#[test]
fn notified_dropped_after_notify_one_stores_the_permit_if_nobody_waits() {
    let notify = Notify::new();
    {
        let mut a = pin!(notify.notified());
        assert!(poll(a.as_mut()).is_pending());
        notify.notify_one();
    }
    now(notify.notified()); // the stored permit
    let mut next = pin!(notify.notified());
    assert!(poll(next.as_mut()).is_pending(), "exactly one permit");
}

#[test]
fn notified_dropped_while_pending_consumes_no_permit() {
    let notify = Notify::new();
    {
        let mut a = pin!(notify.notified());
        assert!(poll(a.as_mut()).is_pending());
    }
    notify.notify_one();
    {
        // Created but never polled: does not touch the permit.
        let _unpolled = notify.notified();
    }
    now(notify.notified());
}

// ---------------------------------------------------------------- watch

#[test]
fn watch_changed_dropped_marks_nothing_seen() {
    let (tx, mut rx) = watch::channel(0);
    {
        let mut changed = pin!(rx.changed());
        assert!(poll(changed.as_mut()).is_pending());
    }
    {
        let (woken, waker) = counting_waker();
        let mut changed = pin!(rx.changed());
        assert!(poll_with(changed.as_mut(), &waker).is_pending());
        tx.send(1).unwrap();
        assert_eq!(wakes(&woken), 1);
    }
    assert!(rx.has_changed().unwrap(), "the change is still unseen");
    now(rx.changed()).unwrap();
    assert_eq!(*rx.borrow(), 1);
    assert!(!rx.has_changed().unwrap());
}

#[test]
fn watch_wait_for_dropped_only_marks_rejected_values_seen() {
    let (tx, mut rx) = watch::channel(0);
    {
        let mut wait = pin!(rx.wait_for(|v| *v >= 2));
        assert!(poll(wait.as_mut()).is_pending()); // checked 0: rejected
        tx.send(1).unwrap(); // not checked yet
    }
    assert!(rx.has_changed().unwrap(), "1 was not checked: still unseen");
    tx.send(2).unwrap();
    assert_eq!(*now(rx.wait_for(|v| *v >= 2)).unwrap(), 2);
}

#[test]
fn watch_closed_dropped_then_called_again() {
    let (tx, rx) = watch::channel(());
    {
        let mut closed = pin!(tx.closed());
        assert!(poll(closed.as_mut()).is_pending());
        drop(rx);
    }
    now(tx.closed());
}

// ---------------------------------------------------------------- broadcast

#[test]
fn broadcast_recv_dropped_keeps_the_value_and_position() {
    let (tx, mut rx) = broadcast::channel(4);
    {
        let mut recv = pin!(rx.recv());
        assert!(poll(recv.as_mut()).is_pending());
    }
    {
        let (woken, waker) = counting_waker();
        let mut recv = pin!(rx.recv());
        assert!(poll_with(recv.as_mut(), &waker).is_pending());
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        assert_eq!(wakes(&woken), 1);
    }
    assert_eq!(rx.len(), 2);
    assert_eq!(now(rx.recv()), Ok(1));
    assert_eq!(now(rx.recv()), Ok(2));
}

#[test]
fn broadcast_closed_dropped_then_called_again() {
    let (tx, rx) = broadcast::channel::<u8>(1);
    {
        let mut closed = pin!(tx.closed());
        assert!(poll(closed.as_mut()).is_pending());
        drop(rx);
    }
    now(tx.closed());
}

// ---------------------------------------------------------------- oneshot

#[test]
fn oneshot_receiver_polled_then_dropped_keeps_the_value() {
    let (tx, mut rx) = oneshot::channel();
    {
        // Awaiting `&mut rx`: the future is the borrow; dropping it keeps
        // `rx`.
        let mut recv = pin!(&mut rx);
        assert!(poll(recv.as_mut()).is_pending());
    }
    {
        let (woken, waker) = counting_waker();
        let mut recv = pin!(&mut rx);
        assert!(poll_with(recv.as_mut(), &waker).is_pending());
        tx.send("v").unwrap();
        assert_eq!(wakes(&woken), 1);
    }
    assert_eq!(now(&mut rx), Ok("v"));
}

#[test]
fn oneshot_sender_closed_dropped_then_called_again() {
    let (mut tx, rx) = oneshot::channel::<u8>();
    {
        let mut closed = pin!(tx.closed());
        assert!(poll(closed.as_mut()).is_pending());
    }
    drop(rx);
    now(tx.closed());
    assert!(tx.is_closed());
}

// ---------------------------------------------------------------- OnceCell

#[test]
fn once_cell_init_dropped_mid_initialiser_lets_the_next_caller_init() {
    let cell = OnceCell::new();
    let (woken, waker) = counting_waker();
    let mut second = pin!(cell.get_or_init(|| async { 2 }));
    {
        // Await point 2: running its initialiser (which never finishes).
        let mut first = pin!(cell.get_or_init(std::future::pending::<i32>));
        assert!(poll(first.as_mut()).is_pending());
        // Await point 1 for `second`: waiting for `first`'s initialiser.
        assert!(poll_with(second.as_mut(), &waker).is_pending());
    }
    assert_eq!(wakes(&woken), 1);
    assert_eq!(poll_with(second.as_mut(), &waker), Poll::Ready(&2));
    assert_eq!(cell.get(), Some(&2));
}

#[test]
fn once_cell_waiter_dropped_after_handoff_passes_the_turn_on() {
    let cell = OnceCell::new();
    let mut first = Box::pin(cell.get_or_init(std::future::pending::<i32>));
    let mut second = Box::pin(cell.get_or_init(|| async { 2 }));
    let mut third = pin!(cell.get_or_try_init(|| async { Ok::<_, ()>(3) }));
    assert!(poll(first.as_mut()).is_pending()); // runs its initialiser
    assert!(poll(second.as_mut()).is_pending()); // queued
    assert!(poll(third.as_mut()).is_pending()); // queued behind `second`
    drop(first); // gives up: the turn is handed to `second`...
    drop(second); // ...which is dropped before it noticed: passed on
    assert_eq!(poll(third.as_mut()), Poll::Ready(Ok(&3)));
}

// ---------------------------------------------------------------- Barrier

#[test]
fn barrier_wait_is_not_cancel_safe_the_arrival_stays_counted() {
    let barrier = Barrier::new(2);
    {
        let mut gave_up = pin!(barrier.wait());
        assert!(poll(gave_up.as_mut()).is_pending()); // counted
    }
    // As documented: the next arrival completes the generation alone.
    assert!(now(barrier.wait()).is_leader());
}

// ---------------------------------------------------------------- facade

#[test]
fn facade_and_crate_paths_name_the_same_types() {
    let m: runtime_sync::Mutex<u8> = runtime::sync::Mutex::new(1);
    let (tx, rx): (
        runtime_sync::mpsc::Sender<u8>,
        runtime::sync::mpsc::Receiver<u8>,
    ) = runtime::sync::mpsc::channel(1);
    drop((m, tx, rx));
}

// ---------------------------------------------------------------- with the runtime

#[runtime::test(start_paused = true)]
async fn select_on_recv_in_a_loop_loses_no_message() {
    use runtime::time::{sleep, Duration};

    let (tx, mut rx) = mpsc::channel(8);
    runtime::spawn(async move {
        for i in 0..5 {
            sleep(Duration::from_millis(7)).await;
            tx.send(i).await.unwrap();
        }
    });
    let (mut got, mut ticks) = (Vec::new(), 0);
    loop {
        runtime::select! {
            v = rx.recv() => match v {
                Some(v) => got.push(v),
                None => break,
            },
            _ = sleep(Duration::from_millis(3)) => ticks += 1,
        }
    }
    assert_eq!(got, [0, 1, 2, 3, 4]);
    assert!(ticks > 0, "the recv branch was cancelled along the way");
}

#[runtime::test(start_paused = true)]
async fn timeouts_on_lock_and_acquire_lose_nothing() {
    use runtime::time::{timeout, Duration};

    let m = Mutex::new(0);
    let sem = Semaphore::new(2);
    let guard = m.lock().await;
    let permits = sem.acquire_many(2).await.unwrap();
    assert!(timeout(Duration::from_millis(5), m.lock()).await.is_err());
    assert!(timeout(Duration::from_millis(5), sem.acquire_many(2))
        .await
        .is_err());
    drop((guard, permits));
    *m.lock().await += 1;
    assert_eq!(*m.lock().await, 1);
    assert_eq!(sem.available_permits(), 2);
}
