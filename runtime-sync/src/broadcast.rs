//! A multi-producer, multi-consumer channel where every receiver sees every
//! value sent after it subscribed.
//!
//! The channel keeps the last `capacity` values. A receiver that falls more
//! than `capacity` values behind gets [`RecvError::Lagged`]`(n)` (`n` = values
//! it missed) and then continues from the oldest value still kept.
//! `T: Clone`: each receiver gets its own clone (the last receiver to read a
//! value gets the original).
//!
//! ```
//! use runtime::sync::broadcast;
//!
//! #[runtime::main]
//! async fn main() {
//!     let (tx, mut rx1) = broadcast::channel(16);
//!     let mut rx2 = tx.subscribe();
//!     let a = runtime::spawn(async move { rx1.recv().await.unwrap() });
//!     let b = runtime::spawn(async move { rx2.recv().await.unwrap() });
//!     assert_eq!(tx.send(10), Ok(2)); // two receivers
//!     assert_eq!((a.await.unwrap(), b.await.unwrap()), (10, 10));
//! }
//! ```
//!
//! # Design
//!
//! One `Mutex` guards a ring buffer of `capacity` slots, the write position,
//! the counts, and the list of waiting receivers. Each slot remembers its
//! position and how many receivers have yet to read it; the value is dropped
//! as soon as the last of them reads it (or when it is overwritten). Receivers
//! only keep their next position. Sends and receives are short critical
//! sections (a clone, a few counters).
//!
//! No waker is woken or dropped, and no value dropped, while the lock is
//! held: wakers are taken out under the lock and woken (or a replaced one
//! dropped) after it is released, and an overwritten or abandoned value is
//! dropped after unlocking too. A waker or a value's `Drop` is user code and
//! may use this very channel (send on it, drop a receiver), which would
//! deadlock on the lock. The one exception is `T::clone`, which runs under
//! the lock when a receiver that is not the value's last reader takes it
//! (Tokio clones under the slot's read lock likewise): a `Clone` impl must
//! not use the channel it is sent on.
//!
//! # Differences from Tokio
//!
//! - Tokio locks each slot separately (per-slot `RwLock`s plus a tail mutex),
//!   so receivers clone concurrently; here one mutex serialises everything,
//!   including the clones. Fine for the usual fan-out of small values.
//! - Tokio rounds the capacity up to a power of two; here it is exact, so
//!   `Lagged` is reported as soon as a receiver is more than `capacity`
//!   behind.
//! - `Sender::closed` spends the task's cooperative budget when it completes
//!   (Tokio's does not), so a loop over it still yields to the scheduler.

use crate::chan_util::{block_on, lock, set_waiter, take_waiter, WaitList, Waiting};
use crate::loom::{Arc, Mutex};
use runtime_core::coop;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

// `WeakSender` and the count methods (`len`, `strong_count`, `is_closed`, ...).
mod weak;
pub use weak::WeakSender;

/// Errors returned by the broadcast channel.
pub mod error {
    use std::fmt;

    /// There are no receivers: the value was not sent and is handed back.
    ///
    /// ```
    /// use runtime::sync::broadcast::{self, error::SendError};
    ///
    /// let (tx, rx) = broadcast::channel(4);
    /// drop(rx);
    /// assert_eq!(tx.send("nobody"), Err(SendError("nobody")));
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// Why [`Receiver::recv`](super::Receiver::recv) returned no value.
    ///
    /// ```
    /// use runtime::sync::broadcast::{self, error::RecvError};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = broadcast::channel(1);
    ///     tx.send(1).unwrap();
    ///     tx.send(2).unwrap(); // overwrites 1: capacity is 1
    ///     assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
    ///     assert_eq!(rx.recv().await, Ok(2));
    ///     drop(tx);
    ///     assert_eq!(rx.recv().await, Err(RecvError::Closed));
    /// }
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub enum RecvError {
        /// Every sender is gone and the receiver has read everything.
        Closed,
        /// The receiver fell behind and missed this many values; the next
        /// receive returns the oldest value still kept.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// Why [`Receiver::try_recv`](super::Receiver::try_recv) returned no
    /// value.
    ///
    /// ```
    /// use runtime::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(2);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub enum TryRecvError {
        /// Nothing new right now.
        Empty,
        /// Every sender is gone and the receiver has read everything.
        Closed,
        /// The receiver missed this many values (see [`RecvError::Lagged`]).
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, SendError, TryRecvError};

struct Shared<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    /// Senders waiting in `closed()` for the last receiver to go.
    closed_waiters: WaitList,
}

struct State<T> {
    /// Ring buffer: position `p` lives at `p % capacity`.
    slots: Box<[Slot<T>]>,
    /// Position of the next value to send.
    tail: u64,
    rx_count: usize,
    tx_count: usize,
    /// Live `WeakSender`s (they do not keep the channel open).
    weak_count: usize,
    next_waiter: u64,
    /// Receivers waiting for a value (or the close).
    waiters: Vec<(u64, Waker)>,
}

struct Slot<T> {
    pos: u64,
    /// Receivers that have yet to read this value.
    remaining: usize,
    value: Option<T>,
}

impl<T> State<T> {
    /// Position of the oldest value still kept.
    fn oldest(&self) -> u64 {
        self.tail.saturating_sub(self.slots.len() as u64)
    }
}

/// Sends values to every [`Receiver`]. Cloneable; the channel closes when the
/// last `Sender` is dropped.
///
/// ```
/// use runtime::sync::broadcast;
///
/// let (tx, mut rx) = broadcast::channel(8);
/// let tx2 = tx.clone();
/// tx.send("from tx").unwrap();
/// tx2.send("from tx2").unwrap();
/// drop((tx, tx2));
/// assert_eq!(rx.try_recv(), Ok("from tx"));
/// assert_eq!(rx.try_recv(), Ok("from tx2"));
/// assert!(rx.try_recv().is_err()); // closed
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives every value sent after it subscribed.
///
/// ```
/// use runtime::sync::broadcast;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut early) = broadcast::channel(4);
///     tx.send(1).unwrap();
///     let mut late = tx.subscribe(); // does not see 1
///     tx.send(2).unwrap();
///     assert_eq!(early.recv().await, Ok(1));
///     assert_eq!(early.recv().await, Ok(2));
///     assert_eq!(late.recv().await, Ok(2));
/// }
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// Position of the next value to read.
    next: u64,
}

/// Creates a broadcast channel keeping the last `capacity` values.
///
/// # Panics
///
/// If `capacity` is 0 or larger than `usize::MAX / 2`.
///
/// # Examples
///
/// ```
/// use runtime::sync::broadcast;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = broadcast::channel(2);
///     tx.send("a").unwrap();
///     assert_eq!(rx.recv().await.unwrap(), "a");
/// }
/// ```
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new(capacity);
    let rx = tx.subscribe();
    (tx, rx)
}

impl<T> Sender<T> {
    /// Creates a channel with no receiver yet ([`subscribe`] to add one).
    ///
    /// # Panics
    ///
    /// If `capacity` is 0 or larger than `usize::MAX / 2`.
    ///
    /// [`subscribe`]: Sender::subscribe
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let tx = broadcast::Sender::new(4);
    /// assert!(tx.send(0).is_err()); // no receiver yet
    /// let mut rx = tx.subscribe();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Sender<T> {
        assert!(
            capacity > 0,
            "broadcast::channel: the capacity must be greater than zero"
        );
        assert!(
            capacity <= usize::MAX / 2,
            "broadcast::channel: the capacity is too large"
        );
        let slots = (0..capacity)
            .map(|_| Slot {
                pos: u64::MAX,
                remaining: 0,
                value: None,
            })
            .collect();
        Sender {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    slots,
                    tail: 0,
                    rx_count: 0,
                    tx_count: 1,
                    weak_count: 0,
                    next_waiter: 0,
                    waiters: Vec::new(),
                }),
                capacity,
                closed_waiters: WaitList::new(),
            }),
        }
    }

    /// Sends `value` to every current receiver and returns how many there are.
    ///
    /// `Err(SendError(value))` if there is no receiver (the value is not kept
    /// for future ones). `Ok` does not mean the value will be read: a receiver
    /// may lag past it or be dropped. Never waits: the oldest value is
    /// overwritten when the buffer is full.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// let _other = tx.subscribe();
    /// assert_eq!(tx.send('x'), Ok(2)); // delivered to two receivers
    /// assert_eq!(rx.try_recv(), Ok('x'));
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut state = lock(&self.shared.state);
        if state.rx_count == 0 {
            return Err(SendError(value));
        }
        let receivers = state.rx_count;
        let pos = state.tail;
        let idx = (pos % self.shared.capacity as u64) as usize;
        let old = std::mem::replace(
            &mut state.slots[idx],
            Slot {
                pos,
                remaining: receivers,
                value: Some(value),
            },
        );
        state.tail += 1;
        let waiters = std::mem::take(&mut state.waiters);
        drop(state);
        drop(old);
        for (_, waker) in waiters {
            waker.wake();
        }
        Ok(receivers)
    }

    /// A new receiver that gets the values sent from now on.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// let mut rx2 = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx2.try_recv(), Ok(2)); // 1 was sent before it subscribed
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(&self.shared)
    }

    /// The number of receivers.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// let rx2 = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 2);
    /// drop((rx, rx2));
    /// assert_eq!(tx.receiver_count(), 0);
    /// ```
    pub fn receiver_count(&self) -> usize {
        lock(&self.shared.state).rx_count
    }

    /// True if both senders belong to the same channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let (other, _rx2) = broadcast::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        std::ptr::eq(&*self.shared, &*other.shared)
    }

    /// True if there is no receiver (a [`send`](Sender::send) would fail).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until there is no receiver.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it only observes the receiver count, and a
    /// dropped future removes its waker from the list, so nothing is lost. A
    /// new [`subscribe`](Sender::subscribe) reopens the channel, so a later
    /// call may wait again.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, rx) = broadcast::channel::<u8>(4);
    ///     let done = runtime::spawn(async move {
    ///         tx.closed().await;
    ///         tx.receiver_count()
    ///     });
    ///     drop(rx);
    ///     assert_eq!(done.await.unwrap(), 0);
    /// }
    /// ```
    pub async fn closed(&self) {
        let shared = &*self.shared;
        let mut waiting = Waiting::new(&shared.closed_waiters);
        std::future::poll_fn(|cx| waiting.poll(cx, || lock(&shared.state).rx_count == 0)).await
    }
}

fn new_receiver<T>(shared: &Arc<Shared<T>>) -> Receiver<T> {
    let mut state = lock(&shared.state);
    state.rx_count += 1;
    Receiver {
        shared: shared.clone(),
        next: state.tail,
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        lock(&self.shared.state).tx_count += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = lock(&self.shared.state);
        state.tx_count -= 1;
        if state.tx_count > 0 {
            return;
        }
        let waiters = std::mem::take(&mut state.waiters);
        drop(state);
        for (_, waker) in waiters {
            waker.wake();
        }
    }
}

impl<T: Clone> Receiver<T> {
    /// One attempt, under the lock. The value is cloned unless this receiver
    /// is the last to read it, which takes it.
    fn try_recv_locked(&mut self, state: &mut State<T>) -> Result<T, TryRecvError> {
        if self.next >= state.tail {
            return Err(if state.tx_count == 0 {
                TryRecvError::Closed
            } else {
                TryRecvError::Empty
            });
        }
        let oldest = state.oldest();
        if self.next < oldest {
            let missed = oldest - self.next;
            self.next = oldest;
            return Err(TryRecvError::Lagged(missed));
        }
        let idx = (self.next % self.shared.capacity as u64) as usize;
        let slot = &mut state.slots[idx];
        debug_assert_eq!(slot.pos, self.next);
        let value = if slot.remaining == 1 {
            slot.value.take()
        } else {
            // Cloned before any bookkeeping changes, so a panicking `clone`
            // leaves the state consistent.
            slot.value.clone()
        }
        .expect("a value is kept until its last receiver reads it");
        slot.remaining -= 1;
        self.next += 1;
        Ok(value)
    }

    /// Receives the next value, waiting if there is none yet.
    ///
    /// `Err(Lagged(n))` if the receiver missed `n` values (the next call
    /// returns the oldest kept one); `Err(Closed)` once every sender is gone
    /// and everything was read.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: each poll reads and advances the
    /// receiver's position under the channel lock, in the same step that
    /// returns `Ready`; a poll that returns `Pending` only registers a waker.
    /// So if the future is dropped before completing, no value was taken, the
    /// position is unchanged, and the next `recv` returns the value (its waker
    /// entry is removed on drop).
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = broadcast::channel(4);
    ///     runtime::spawn(async move {
    ///         tx.send(1).unwrap();
    ///         tx.send(2).unwrap();
    ///     });
    ///     assert_eq!(rx.recv().await, Ok(1));
    ///     assert_eq!(rx.recv().await, Ok(2));
    ///     assert!(rx.recv().await.is_err()); // closed
    /// }
    /// ```
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        Recv {
            rx: self,
            waiter: None,
        }
        .await
    }

    /// Receives the next value if there is one, without waiting.
    ///
    /// `Err(Empty)` if there is nothing new, `Err(Lagged(n))` if the receiver
    /// missed `n` values, `Err(Closed)` once every sender is gone and
    /// everything was read.
    ///
    /// ```
    /// use runtime::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let shared = self.shared.clone();
        let mut state = lock(&shared.state);
        self.try_recv_locked(&mut state)
    }

    /// Receives from synchronous code, blocking the thread until a value or
    /// an error comes. Inside an async task it blocks the worker thread.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(1);
    /// let t = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(9).unwrap(); // kept for `rx` whether or not it waits yet
    /// assert_eq!(t.join().unwrap(), Ok(9));
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        block_on(self.recv())
    }

    /// A new receiver of the same channel, starting at the newest position
    /// (it does not see values this one has yet to read).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// let mut rx2 = rx.resubscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx2.try_recv(), Ok(2)); // starts after 1
    /// ```
    pub fn resubscribe(&self) -> Self {
        new_receiver(&self.shared)
    }
}

impl<T> Receiver<T> {
    /// Values sent that this receiver has not read yet (more than the
    /// capacity means the next receive reports `Lagged`).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// rx.try_recv().unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let tail = lock(&self.shared.state).tail;
        (tail - self.next) as usize
    }

    /// True if there is nothing new to read.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel(4);
    /// assert!(rx.is_empty());
    /// tx.send(()).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if both receivers belong to the same channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(4);
    /// let (_other_tx, other_rx) = broadcast::channel::<u8>(4);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// assert!(!rx.same_channel(&other_rx));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        std::ptr::eq(&*self.shared, &*other.shared)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = lock(&self.shared.state);
        // Count this receiver out of every value it has yet to read, dropping
        // values it was the last reader of.
        let mut dropped = Vec::new();
        let from = self.next.max(state.oldest());
        for pos in from..state.tail {
            let idx = (pos % self.shared.capacity as u64) as usize;
            let slot = &mut state.slots[idx];
            slot.remaining -= 1;
            if slot.remaining == 0 {
                dropped.extend(slot.value.take());
            }
        }
        state.rx_count -= 1;
        let last = state.rx_count == 0;
        drop(state);
        drop(dropped);
        if last {
            self.shared.closed_waiters.wake_all();
        }
    }
}

/// The future of [`Receiver::recv`]; removes its waker when dropped.
struct Recv<'a, T> {
    rx: &'a mut Receiver<T>,
    waiter: Option<u64>,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(coop::poll_proceed(cx));
        let this = &mut *self;
        let shared = this.rx.shared.clone();
        let mut state = lock(&shared.state);
        let res = match this.rx.try_recv_locked(&mut state) {
            Ok(v) => Ok(v),
            Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
            Err(TryRecvError::Closed) => Err(RecvError::Closed),
            Err(TryRecvError::Empty) => {
                let id = *this.waiter.get_or_insert_with(|| {
                    state.next_waiter += 1;
                    state.next_waiter
                });
                let stale = set_waiter(&mut state.waiters, id, cx.waker());
                // The replaced waker is dropped after unlocking: its `Drop` is
                // user code and may send on this very channel.
                drop(state);
                drop(stale);
                return Poll::Pending;
            }
        };
        let stale = this
            .waiter
            .take()
            .and_then(|id| take_waiter(&mut state.waiters, id));
        drop(state);
        drop(stale);
        coop.made_progress();
        Poll::Ready(res)
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if let Some(id) = self.waiter.take() {
            let stale = take_waiter(&mut lock(&self.rx.shared.state).waiters, id);
            // The guard is gone with the statement above: not under the lock.
            drop(stale);
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn lagged_then_continues_from_oldest() {
        let (tx, mut rx) = channel(3);
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.len(), 5);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(2)));
        assert_eq!(rx.try_recv(), Ok(2));
        assert_eq!(rx.try_recv(), Ok(3));
        assert_eq!(rx.try_recv(), Ok(4));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    }

    #[test]
    fn values_dropped_once_all_receivers_read_or_leave() {
        let v = std::sync::Arc::new(());
        let (tx, mut rx1) = channel(4);
        let rx2 = tx.subscribe();
        assert_eq!(tx.send(v.clone()).unwrap(), 2);
        rx1.try_recv().unwrap();
        assert_eq!(std::sync::Arc::strong_count(&v), 2);
        drop(rx2);
        assert_eq!(std::sync::Arc::strong_count(&v), 1);
        drop(rx1);
        assert_eq!(tx.send(v.clone()).map_err(|e| e.0).unwrap_err(), v);
    }
}
