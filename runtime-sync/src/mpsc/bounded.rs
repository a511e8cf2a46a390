//! The bounded channel: senders wait for capacity.

use super::chan::{self, Rx, TryRecv, Tx, WeakTx};
use super::error::{SendError, TryRecvError, TrySendError};
use super::semaphore::{BoundedSemaphore, TryAcquireError, MAX_PERMITS};
use crate::chan_util::block_on;
use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

// `try_reserve_many` and `PermitIterator`.
mod many;
pub use many::PermitIterator;

/// Creates a bounded channel holding at most `buffer` messages: once it is
/// full, [`Sender::send`] waits until the receiver takes one.
///
/// # Panics
///
/// If `buffer` is 0 (use a [`oneshot`](crate::oneshot) or a capacity of 1), or
/// larger than `usize::MAX >> 2`.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = mpsc::channel(2);
///     tx.send(1).await.unwrap();
///     tx.send(2).await.unwrap();
///     assert!(tx.try_send(3).is_err()); // full: `send` would wait
///     assert_eq!(rx.recv().await, Some(1));
///     tx.send(3).await.unwrap(); // room again
///     drop(tx);
///     assert_eq!((rx.recv().await, rx.recv().await), (Some(2), Some(3)));
///     assert_eq!(rx.recv().await, None); // every sender is gone
/// }
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        buffer > 0,
        "mpsc::channel: the capacity must be greater than zero"
    );
    assert!(
        buffer <= MAX_PERMITS,
        "mpsc::channel: the capacity is too large"
    );
    let (tx, rx) = chan::channel(BoundedSemaphore::new(buffer));
    (Sender { chan: tx }, Receiver { chan: rx })
}

/// Sends values to the paired [`Receiver`], waiting for capacity. Cloneable;
/// the channel closes when the last `Sender` is dropped.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main]
/// async fn main() {
///     let (tx, mut rx) = mpsc::channel(8);
///     for id in 0..3 {
///         let tx = tx.clone();
///         runtime::spawn(async move { tx.send(id).await.unwrap() });
///     }
///     drop(tx); // only the clones keep the channel open now
///     let mut sum = 0;
///     while let Some(id) = rx.recv().await {
///         sum += id;
///     }
///     assert_eq!(sum, 3);
/// }
/// ```
pub struct Sender<T> {
    chan: Tx<T, BoundedSemaphore>,
}

/// A sender that does not keep the channel open; [`upgrade`] it to send.
///
/// [`upgrade`]: WeakSender::upgrade
///
/// ```
/// use runtime::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel::<u8>(1);
/// let weak = tx.downgrade();
/// weak.upgrade().unwrap().try_send(1).unwrap();
/// drop(tx); // the last strong sender: the channel closes
/// assert!(weak.upgrade().is_none());
/// assert_eq!(rx.blocking_recv(), Some(1));
/// assert_eq!(rx.blocking_recv(), None);
/// ```
pub struct WeakSender<T> {
    chan: WeakTx<T, BoundedSemaphore>,
}

/// Receives values from the [`Sender`]s of a bounded channel.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = mpsc::channel(4);
///     runtime::spawn(async move {
///         for word in ["a", "b"] {
///             tx.send(word).await.unwrap();
///         }
///     });
///     assert_eq!(rx.recv().await, Some("a"));
///     assert_eq!(rx.recv().await, Some("b"));
///     assert_eq!(rx.recv().await, None);
/// }
/// ```
pub struct Receiver<T> {
    chan: Rx<T, BoundedSemaphore>,
}

/// One reserved slot in the channel, from [`Sender::reserve`]: sending with it
/// cannot fail or wait. Dropping it unused gives the slot back.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = mpsc::channel(1);
///     let permit = tx.reserve().await.unwrap();
///     assert_eq!(tx.capacity(), 0); // the slot is taken
///     drop(permit); // ...and given back unused
///     assert_eq!(tx.capacity(), 1);
///     tx.reserve().await.unwrap().send("x");
///     assert_eq!(rx.recv().await, Some("x"));
/// }
/// ```
pub struct Permit<'a, T> {
    chan: &'a Tx<T, BoundedSemaphore>,
}

/// An owned [`Permit`], from [`Sender::reserve_owned`]; it holds a sender.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = mpsc::channel(1);
///     let permit = tx.reserve_owned().await.unwrap();
///     // 'static: it can move into a task, and gives the sender back.
///     let task = runtime::spawn(async move { permit.send(10) });
///     let _tx = task.await.unwrap();
///     assert_eq!(rx.recv().await, Some(10));
/// }
/// ```
pub struct OwnedPermit<T> {
    /// `None` only while being consumed.
    chan: Option<Tx<T, BoundedSemaphore>>,
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for capacity if the channel is full.
    ///
    /// Waiting senders are served in the order they started waiting (FIFO).
    /// Returns `Err(SendError(value))` if the receiver was dropped or
    /// [closed](Receiver::close) — `Ok` means queued, not received.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe for the value: if the future is dropped
    /// before completing (a `select!` branch that lost, a `timeout`), the
    /// message was not sent, and it **is dropped with the future**. To keep
    /// it, [`reserve`](Sender::reserve) a slot first (which is cancel safe)
    /// and send with the [`Permit`]. The channel itself loses nothing: the
    /// value is either queued or not, never half sent, and a slot already
    /// handed to the dropped future goes to the next waiting sender (or back
    /// to the free capacity). The future's place in the queue is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     tx.send("first").await.unwrap();
    ///     let sender = runtime::spawn(async move {
    ///         tx.send("second").await.unwrap(); // waits for room
    ///     });
    ///     assert_eq!(rx.recv().await, Some("first"));
    ///     assert_eq!(rx.recv().await, Some("second"));
    ///     sender.await.unwrap();
    /// }
    /// ```
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Sends `value` if there is capacity right now.
    ///
    /// `Err(Full(value))` if the channel is full (or other senders are waiting
    /// for capacity), `Err(Closed(value))` if the receiver is gone or closed.
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, rx) = mpsc::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    /// drop(rx);
    /// assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.semaphore().try_acquire() {
            Ok(()) => {
                self.chan.send(value);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(value)),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(value)),
        }
    }

    /// Sends `value` from synchronous code, blocking the thread while the
    /// channel is full. For use outside async tasks (e.g. in
    /// `spawn_blocking`); inside a task it blocks the worker thread.
    ///
    /// ```
    /// let (tx, mut rx) = runtime::sync::mpsc::channel(1);
    /// let t = std::thread::spawn(move || {
    ///     tx.blocking_send(1).unwrap();
    ///     tx.blocking_send(2).unwrap(); // waits for the first recv
    /// });
    /// assert_eq!(rx.blocking_recv(), Some(1));
    /// assert_eq!(rx.blocking_recv(), Some(2));
    /// assert_eq!(rx.blocking_recv(), None);
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        block_on(self.send(value))
    }

    /// Waits for a slot and reserves it; send with the returned [`Permit`].
    /// `Err` if the receiver was dropped or closed.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it holds no message, and a slot handed to
    /// the future but not yet returned as a [`Permit`] is passed on to the
    /// next waiting sender (or back to the free capacity) when the future is
    /// dropped, so no capacity leaks. Waiting senders (of `send` and
    /// `reserve`) are served in FIFO order; a dropped future loses its place.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     let permit = tx.reserve().await.unwrap(); // the slot is ours
    ///     assert!(tx.try_send("other").is_err());
    ///     permit.send("reserved"); // cannot fail
    ///     assert_eq!(rx.recv().await, Some("reserved"));
    /// }
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        match self.chan.acquire().await {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(()) => Err(SendError(())),
        }
    }

    /// Reserves a slot if one is free right now.
    ///
    /// `Err(Full(()))` if none is (or senders are queued for one),
    /// `Err(Closed(()))` if the receiver is gone or closed.
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.try_reserve().unwrap();
    /// assert_eq!(tx.try_reserve().unwrap_err(), TrySendError::Full(()));
    /// permit.send(5);
    /// assert_eq!(rx.try_recv(), Ok(5));
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.chan.semaphore().try_acquire() {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
        }
    }

    /// Like [`reserve`](Sender::reserve), but the permit owns the sender (so
    /// it can be moved into a task); [`OwnedPermit::send`] gives it back.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe as [`reserve`](Sender::reserve) is: no
    /// capacity leaks, the place in the queue is lost. Note that the future
    /// owns the sender it was called on, so dropping it drops that sender too
    /// (and closes the channel if it was the last one): call it on a clone to
    /// keep one.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     let permit = tx.clone().reserve_owned().await.unwrap();
    ///     let _sender_back = permit.send(1);
    ///     assert_eq!(rx.recv().await, Some(1));
    ///     assert_eq!(tx.capacity(), 1);
    /// }
    /// ```
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        match self.chan.acquire().await {
            Ok(()) => Ok(OwnedPermit {
                chan: Some(self.chan),
            }),
            Err(()) => Err(SendError(())),
        }
    }

    /// Reserves a slot, owning the sender, if one is free right now; the
    /// sender comes back in the error otherwise.
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// let tx = match tx.try_reserve_owned() {
    ///     Err(TrySendError::Full(tx)) => tx, // full: the sender comes back
    ///     _ => unreachable!(),
    /// };
    /// permit.send(1);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert!(tx.try_reserve_owned().is_ok());
    /// ```
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.chan.semaphore().try_acquire() {
            Ok(()) => Ok(OwnedPermit {
                chan: Some(self.chan),
            }),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(self)),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(self)),
        }
    }

    /// True if the receiver was dropped or [closed](Receiver::close).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel::<()>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Waits until the receiver is dropped or [closed](Receiver::close).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it only observes the closed state, which
    /// is permanent, and a dropped future removes its waker from the list, so
    /// nothing is lost and a later call returns at once once closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, rx) = mpsc::channel::<u8>(1);
    ///     let watcher = runtime::spawn(async move {
    ///         tx.closed().await;
    ///         tx.is_closed()
    ///     });
    ///     drop(rx);
    ///     assert!(watcher.await.unwrap());
    /// }
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// Free slots right now (the maximum minus queued messages and
    /// outstanding permits).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(3);
    /// tx.try_send(1).unwrap();
    /// let _permit = tx.try_reserve().unwrap();
    /// assert_eq!(tx.capacity(), 1);
    /// rx.try_recv().unwrap();
    /// assert_eq!(tx.capacity(), 2);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.semaphore().available_permits()
    }

    /// The capacity the channel was created with.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel(3);
    /// tx.try_send(()).unwrap();
    /// assert_eq!((tx.capacity(), tx.max_capacity()), (2, 3));
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.semaphore().bound()
    }

    /// A [`WeakSender`] for this channel, which does not keep it open.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    /// assert!(weak.upgrade().is_some());
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender {
            chan: self.chan.downgrade(),
        }
    }

    /// True if both senders belong to the same channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (a, _rx) = mpsc::channel::<u8>(1);
    /// let (other, _rx2) = mpsc::channel::<u8>(1);
    /// assert!(a.same_channel(&a.clone()));
    /// assert!(!a.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// The number of `Sender`s of this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakSender`]s of this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if any strong sender still exists (the channel is not
    /// closed by the senders' side).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.upgrade().map(|chan| Sender { chan })
    }

    /// The number of strong [`Sender`]s.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of `WeakSender`s.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// let _weak2 = weak.clone();
    /// assert_eq!(weak.weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        WeakSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Permit<'_, T> {
    /// Sends `value` in the reserved slot; cannot fail or wait. If the
    /// receiver closed meanwhile, the value is still queued (and received
    /// after the earlier ones, unless the receiver was dropped).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.try_reserve().unwrap();
    /// rx.close(); // later sends fail, but the reserved slot still works
    /// permit.send("kept");
    /// assert_eq!(rx.try_recv(), Ok("kept"));
    /// ```
    pub fn send(self, value: T) {
        let chan = self.chan;
        // The slot is used by the message now, not given back.
        std::mem::forget(self);
        chan.send(value);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release_permit();
    }
}

impl<T> OwnedPermit<T> {
    /// Sends `value` in the reserved slot and returns the sender.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.try_reserve_owned().unwrap();
    /// let tx = permit.send(1); // the sender comes back
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert!(tx.try_send(2).is_ok());
    /// ```
    pub fn send(mut self, value: T) -> Sender<T> {
        let chan = self.chan.take().expect("permit not yet used");
        chan.send(value);
        Sender { chan }
    }

    /// Gives the slot back unused and returns the sender.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let permit = tx.try_reserve_owned().unwrap();
    /// let tx = permit.release();
    /// assert_eq!(tx.capacity(), 1);
    /// ```
    pub fn release(mut self) -> Sender<T> {
        let chan = self.chan.take().expect("permit not yet used");
        chan.release_permit();
        Sender { chan }
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(chan) = &self.chan {
            chan.release_permit();
        }
    }
}

impl<T> Receiver<T> {
    /// Receives the next value, waiting if the channel is empty.
    ///
    /// Returns `None` once the channel is closed — every sender dropped, or
    /// [`close`](Receiver::close) called and every permit handed out before
    /// used or dropped — and all queued values have been received.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: a message is popped from the queue only in
    /// the poll that returns it, so if the future is dropped before
    /// completing (e.g. a `select!` branch that lost), no message was taken,
    /// and the next `recv` gets it.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(2);
    ///     runtime::spawn(async move { tx.send("hello").await.unwrap() });
    ///     assert_eq!(rx.recv().await, Some("hello"));
    ///     assert_eq!(rx.recv().await, None); // the sender is gone
    /// }
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.poll_recv(cx)).await
    }

    /// Appends up to `limit` values to `buffer`, waiting if none is queued;
    /// returns how many were added. Returns 0 at once if `limit` is 0;
    /// otherwise 0 only when the channel is closed and drained (as
    /// [`recv`](Receiver::recv) returning `None`).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: messages are moved into `buffer` only in
    /// the poll that returns `Ready`, so a dropped future took none.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(8);
    ///     for i in 0..5 {
    ///         tx.send(i).await.unwrap();
    ///     }
    ///     let mut buf = Vec::new();
    ///     assert_eq!(rx.recv_many(&mut buf, 3).await, 3);
    ///     assert_eq!(rx.recv_many(&mut buf, 3).await, 2);
    ///     assert_eq!(buf, [0, 1, 2, 3, 4]);
    /// }
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, buffer, limit)).await
    }

    /// Receives a value if one is queued.
    ///
    /// `Err(Empty)` if none is, `Err(Disconnected)` if the channel is closed
    /// and drained. A message whose `send` has returned is never reported
    /// missing: if a concurrent sender is between claiming the next slot and
    /// filling it, this waits the few instructions that takes.
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::channel(2);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.try_send(1).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.chan.try_recv() {
            TryRecv::Value(v) => Ok(v),
            TryRecv::Empty => Err(TryRecvError::Empty),
            TryRecv::Done => Err(TryRecvError::Disconnected),
        }
    }

    /// Receives from synchronous code, blocking the thread while the channel
    /// is empty. Inside an async task it blocks the worker thread.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     let consumer = std::thread::spawn(move || rx.blocking_recv());
    ///     tx.send(8).await.unwrap();
    ///     assert_eq!(consumer.join().unwrap(), Some(8));
    /// }
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        block_on(self.recv())
    }

    /// Closes the channel without dropping the receiver: later sends fail,
    /// waiting senders are woken with an error, but values already queued (and
    /// ones sent with permits reserved before the close) can still be received.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// rx.close();
    /// assert!(tx.try_send(2).is_err());
    /// assert_eq!(rx.blocking_recv(), Some(1)); // queued before the close
    /// assert_eq!(rx.blocking_recv(), None);
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Polls for the next value; see [`recv`](Receiver::recv). Only the waker
    /// of the latest call is woken.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(rx.poll_recv(&mut cx).is_pending());
    /// tx.try_send('x').unwrap();
    /// assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some('x')));
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx)
    }

    /// Polls for up to `limit` values; see [`recv_many`](Receiver::recv_many).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let (tx, mut rx) = mpsc::channel(4);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// tx.try_send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.poll_recv_many(&mut cx, &mut buf, 10), Poll::Ready(2));
    /// assert_eq!(buf, [1, 2]);
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.poll_recv_many(cx, buffer, limit)
    }

    /// Queued messages (including ones a sender is writing right now).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel(4);
    /// tx.try_send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// True if no message is queued.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// assert!(rx.is_empty());
    /// tx.try_send(()).unwrap();
    /// assert!(!rx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if the channel is closed: the receiver closed, or every sender is
    /// gone. Queued messages may still be waiting.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel(1);
    /// tx.try_send(1).unwrap();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// assert_eq!(rx.len(), 1); // still there to receive
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Free slots right now; see [`Sender::capacity`].
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.capacity(), 1);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.semaphore().available_permits()
    }

    /// The capacity the channel was created with.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (_tx, rx) = mpsc::channel::<u8>(7);
    /// assert_eq!(rx.max_capacity(), 7);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.semaphore().bound()
    }

    /// The number of [`Sender`]s.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel::<u8>(1);
    /// let _tx2 = tx.clone();
    /// assert_eq!(rx.sender_strong_count(), 2);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakSender`]s.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("capacity", &self.capacity())
            .field("max_capacity", &self.max_capacity())
            .finish()
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("len", &self.len())
            .finish()
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}
