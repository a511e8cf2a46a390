//! Loom models of the broadcast channel (`src/broadcast.rs`): one mutex guards
//! the ring, the counts and the waiter list, and wakers are woken after
//! unlocking, so what these check is the protocol around that lock: a send
//! racing a receiver that registers its waker (no lost wake-up), a send racing
//! a receiver's drop (each value dropped exactly once, and as soon as its last
//! reader is gone), lagging with two senders at capacity 1 and 2 (every value
//! received or counted as lagged, once, in each sender's order), `subscribe`
//! racing a send (the new receiver sees exactly the sends that counted it), the
//! last sender's drop racing a receive (every value, then `Closed`), and
//! `closed()` racing the last receiver's drop.
//!
//! A lost wake-up shows as a deadlock, which loom reports. Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-sync --release --test loom_broadcast`.
#![cfg(loom)]

use loom::future::block_on;
use loom::thread;
use runtime_sync::broadcast::{
    self,
    error::{RecvError, TryRecvError},
};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc as StdArc;
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

/// A value that counts its live instances (clones included) and its drops,
/// so a test can tell a leak (live > 0 at the end) from a double drop (live
/// < 0). The counters are plain `std` atomics: they are only compared after
/// the threads joined.
#[derive(Debug)]
struct Tracked {
    id: u32,
    live: StdArc<AtomicIsize>,
    drops: StdArc<AtomicUsize>,
}

impl Tracked {
    fn new(id: u32, live: &StdArc<AtomicIsize>, drops: &StdArc<AtomicUsize>) -> Tracked {
        live.fetch_add(1, SeqCst);
        Tracked {
            id,
            live: live.clone(),
            drops: drops.clone(),
        }
    }
}

impl Clone for Tracked {
    fn clone(&self) -> Tracked {
        Tracked::new(self.id, &self.live, &self.drops)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.live.fetch_sub(1, SeqCst);
        self.drops.fetch_add(1, SeqCst);
    }
}

/// The receiver polls once with a no-op waker, then `block_on` polls the same
/// future with its own waker (the replace-the-waker path), while the value
/// is sent from another thread: the receiver must get it (a lost wake-up
/// deadlocks).
#[test]
fn send_racing_recv_wakes_receiver() {
    model(|| {
        let (tx, mut rx) = broadcast::channel(1);
        let t = thread::spawn(move || {
            assert_eq!(tx.send(7u32), Ok(1));
            tx // kept alive: a close must not be what wakes the receiver
        });
        {
            let mut recv = pin!(rx.recv());
            let mut cx = Context::from_waker(Waker::noop());
            let got = match recv.as_mut().poll(&mut cx) {
                Poll::Ready(v) => v,
                Poll::Pending => block_on(recv.as_mut()),
            };
            assert_eq!(got, Ok(7));
        }
        let tx = t.join().unwrap();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    });
}

/// Two receivers each waiting (on different threads) for one send: both are
/// woken, each gets the value.
#[test]
fn send_wakes_every_waiting_receiver() {
    model(|| {
        let (tx, mut rx1) = broadcast::channel(1);
        let mut rx2 = tx.subscribe();
        let t = thread::spawn(move || block_on(rx2.recv()));
        assert_eq!(tx.send(5u32), Ok(2));
        assert_eq!(block_on(rx1.recv()), Ok(5));
        assert_eq!(t.join().unwrap(), Ok(5));
    });
}

/// Two values sent while one of two receivers is dropped: the remaining
/// receiver gets both; every instance (the originals and the clones the
/// channel made) is dropped exactly once, and the channel holds none once
/// the last reader has read or left.
#[test]
fn send_racing_receiver_drop_drops_each_value_once() {
    model(|| {
        let live = StdArc::new(AtomicIsize::new(0));
        let drops = StdArc::new(AtomicUsize::new(0));
        let (tx, rx1) = broadcast::channel(2);
        let mut rx2 = tx.subscribe();
        let (l, d) = (live.clone(), drops.clone());
        let sender = thread::spawn(move || {
            for id in 0..2 {
                let n = tx.send(Tracked::new(id, &l, &d)).unwrap();
                assert!(n == 1 || n == 2, "{n} receivers");
            }
        });
        let dropper = thread::spawn(move || drop(rx1));
        sender.join().unwrap();
        dropper.join().unwrap();
        let a = rx2.try_recv().unwrap();
        let b = rx2.try_recv().unwrap();
        assert_eq!((a.id, b.id), (0, 1));
        assert_eq!(rx2.try_recv().unwrap_err(), TryRecvError::Closed);
        // The channel kept nothing: its copies went with their last reader.
        assert_eq!(live.load(SeqCst), 2);
        drop((a, b));
        assert_eq!(live.load(SeqCst), 0);
        drop(rx2);
        assert_eq!(live.load(SeqCst), 0);
        // Two originals, plus one clone per value sent while rx1 was there.
        let drops = drops.load(SeqCst);
        assert!((2..=4).contains(&drops), "{drops} drops");
    });
}

/// A send racing the drop of the only receiver: the value is either handed
/// back (`Err`) or kept for nobody and dropped with the receiver; either way
/// it is dropped exactly once.
#[test]
fn send_racing_only_receiver_drop_drops_value_once() {
    model(|| {
        let live = StdArc::new(AtomicIsize::new(0));
        let drops = StdArc::new(AtomicUsize::new(0));
        let (tx, rx) = broadcast::channel(1);
        let value = Tracked::new(0, &live, &drops);
        let t = thread::spawn(move || {
            let sent = tx.send(value).map_err(|e| e.0);
            (tx, sent)
        });
        drop(rx);
        let (tx, sent) = t.join().unwrap();
        match sent {
            Ok(n) => assert_eq!(n, 1),
            Err(v) => {
                assert_eq!(live.load(SeqCst), 1);
                drop(v);
            }
        }
        assert_eq!(live.load(SeqCst), 0);
        assert_eq!(drops.load(SeqCst), 1);
        drop(tx);
    });
}

/// Two senders, two values each, into a channel of `capacity`, while the
/// receiver reads concurrently: every value is either received or counted
/// in a `Lagged(n)`, exactly once; values received keep each sender's order
/// and are never repeated; at the end the receiver sees `Empty`, then
/// `Closed` once the senders are gone.
fn lagging_two_senders(capacity: usize) {
    model(move || {
        const PER_SENDER: u32 = 2;
        let (tx1, mut rx) = broadcast::channel(capacity);
        let tx2 = tx1.clone();
        let t1 = thread::spawn(move || {
            for i in 0..PER_SENDER {
                tx1.send(i).unwrap();
            }
            tx1
        });
        let t2 = thread::spawn(move || {
            for i in 0..PER_SENDER {
                tx2.send(100 + i).unwrap();
            }
            tx2
        });
        let mut got = Vec::new();
        let mut accounted = 0u64;
        while accounted < 2 * PER_SENDER as u64 {
            match block_on(rx.recv()) {
                Ok(v) => {
                    got.push(v);
                    accounted += 1;
                }
                Err(RecvError::Lagged(n)) => {
                    assert!(n >= 1, "Lagged(0)");
                    accounted += n;
                }
                Err(RecvError::Closed) => panic!("closed while senders live"),
            }
        }
        assert_eq!(accounted, 2 * PER_SENDER as u64, "a value counted twice");
        for from in [0u32, 100] {
            let mine: Vec<u32> = got
                .iter()
                .copied()
                .filter(|v| (from..from + 100).contains(v))
                .collect();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "order: {got:?}");
        }
        // The last value sent is always kept, so always received.
        assert!(!got.is_empty());
        assert!(
            got.len() >= capacity.min(4),
            "{got:?} at capacity {capacity}"
        );
        let tx1 = t1.join().unwrap();
        let tx2 = t2.join().unwrap();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        drop((tx1, tx2));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    });
}

#[test]
fn lagging_two_senders_capacity_1() {
    lagging_two_senders(1);
}

#[test]
fn lagging_two_senders_capacity_2() {
    lagging_two_senders(2);
}

/// `subscribe` racing two sends: the new receiver sees exactly the values
/// whose send counted it (`Ok(2)`), a suffix of what was sent, and the old
/// receiver sees everything.
#[test]
fn subscribe_racing_send_sees_exactly_counted_values() {
    model(|| {
        let (tx, mut rx) = broadcast::channel(2);
        let tx = StdArc::new(tx);
        let tx2 = tx.clone();
        let t = thread::spawn(move || [tx2.send(1u32).unwrap(), tx2.send(2).unwrap()]);
        let mut late = tx.subscribe();
        let counts = t.join().unwrap();
        let mut late_got = Vec::new();
        while let Ok(v) = late.try_recv() {
            late_got.push(v);
        }
        let expected: Vec<u32> = [1u32, 2]
            .into_iter()
            .zip(counts)
            .filter(|&(_, n)| n == 2)
            .map(|(v, _)| v)
            .collect();
        assert_eq!(late_got, expected, "counts {counts:?}");
        // Once counted, every later send counts it too.
        assert!(counts == [1, 1] || counts == [1, 2] || counts == [2, 2]);
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Ok(2));
        drop(tx);
        assert_eq!(late.try_recv(), Err(TryRecvError::Closed));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    });
}

/// Two senders each send a value and drop, racing a receiver that waits:
/// it gets both values, then `Closed` (never `Closed` early, never a hang).
#[test]
fn last_sender_drop_racing_recv_closes_after_all_values() {
    model(|| {
        let (tx1, mut rx) = broadcast::channel(2);
        let tx2 = tx1.clone();
        let t1 = thread::spawn(move || {
            tx1.send(1u32).unwrap();
        });
        let t2 = thread::spawn(move || {
            tx2.send(2u32).unwrap();
        });
        let mut got = Vec::new();
        loop {
            match block_on(rx.recv()) {
                Ok(v) => got.push(v),
                Err(RecvError::Closed) => break,
                Err(RecvError::Lagged(n)) => panic!("lagged {n} at capacity 2"),
            }
        }
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
        t1.join().unwrap();
        t2.join().unwrap();
    });
}

/// `Sender::closed` racing the drops of both receivers (on two threads): it
/// completes, after both are gone.
#[test]
fn closed_racing_last_receiver_drop_completes() {
    model(|| {
        let (tx, rx1) = broadcast::channel::<u32>(1);
        let rx2 = tx.subscribe();
        let t1 = thread::spawn(move || drop(rx1));
        let t2 = thread::spawn(move || drop(rx2));
        block_on(tx.closed());
        assert!(tx.is_closed());
        assert_eq!(tx.send(1), Err(broadcast::error::SendError(1)));
        t1.join().unwrap();
        t2.join().unwrap();
    });
}

/// `WeakSender::upgrade` racing the last `Sender`'s drop, while the receiver
/// waits: the upgrade succeeds only if the channel was still open, and then
/// its value is received before `Closed`; a failed upgrade sends nothing.
/// (An upgrade that revived a closed channel would send after the receiver
/// saw `Closed`.)
#[test]
fn weak_upgrade_racing_last_sender_drop() {
    model(|| {
        let (tx, mut rx) = broadcast::channel(1);
        let weak = tx.downgrade();
        let dropper = thread::spawn(move || drop(tx));
        let upgrader = thread::spawn(move || match weak.upgrade() {
            Some(tx) => {
                tx.send(1u32).unwrap();
                true
            }
            None => false,
        });
        let mut got = Vec::new();
        loop {
            match block_on(rx.recv()) {
                Ok(v) => got.push(v),
                Err(RecvError::Closed) => break,
                Err(RecvError::Lagged(n)) => panic!("lagged {n}"),
            }
        }
        dropper.join().unwrap();
        let upgraded = upgrader.join().unwrap();
        assert_eq!(got, if upgraded { vec![1] } else { vec![] });
        assert!(rx.is_closed());
        assert_eq!(rx.sender_weak_count(), 0);
    });
}
