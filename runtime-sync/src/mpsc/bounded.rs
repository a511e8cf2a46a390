//! The bounded channel: senders wait for capacity.

use super::chan::{self, Rx, TryRecv, Tx, WeakTx};
use super::error::{SendError, TryRecvError, TrySendError};
use super::semaphore::{BoundedSemaphore, TryAcquireError, MAX_PERMITS};
use crate::chan_util::block_on;
use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

/// Creates a bounded channel holding at most `buffer` messages: once it is
/// full, [`Sender::send`] waits until the receiver takes one.
///
/// # Panics
///
/// If `buffer` is 0 (use a [`oneshot`](crate::oneshot) or a capacity of 1), or
/// larger than `usize::MAX >> 2`.
///
/// ```
/// use runtime_sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel(2);
/// tx.try_send(1).unwrap();
/// tx.try_send(2).unwrap();
/// assert!(tx.try_send(3).is_err()); // full
/// assert_eq!(rx.try_recv(), Ok(1));
/// ```
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
pub struct Sender<T> {
    chan: Tx<T, BoundedSemaphore>,
}

/// A sender that does not keep the channel open; [`upgrade`] it to send.
///
/// [`upgrade`]: WeakSender::upgrade
pub struct WeakSender<T> {
    chan: WeakTx<T, BoundedSemaphore>,
}

/// Receives values from the [`Sender`]s of a bounded channel.
pub struct Receiver<T> {
    chan: Rx<T, BoundedSemaphore>,
}

/// One reserved slot in the channel, from [`Sender::reserve`]: sending with it
/// cannot fail or wait. Dropping it unused gives the slot back.
pub struct Permit<'a, T> {
    chan: &'a Tx<T, BoundedSemaphore>,
}

/// An owned [`Permit`], from [`Sender::reserve_owned`]; it holds a sender.
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
    /// If the future is dropped before completing (a `select!` branch that
    /// lost, a `timeout`), the message was not sent — **and is dropped with
    /// the future**. To keep it, [`reserve`](Sender::reserve) a slot first and
    /// send with the [`Permit`]. Dropping the future gives up its place in the
    /// queue of waiting senders; a slot it had already been handed goes to the
    /// next waiter, so no capacity is lost.
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
    /// let (tx, mut rx) = runtime_sync::mpsc::channel(1);
    /// let t = std::thread::spawn(move || {
    ///     tx.blocking_send(1).unwrap();
    ///     tx.blocking_send(2).unwrap(); // waits for the first recv
    /// });
    /// assert_eq!(rx.blocking_recv(), Some(1));
    /// assert_eq!(rx.blocking_recv(), Some(2));
    /// assert_eq!(rx.blocking_recv(), None);
    /// t.join().unwrap();
    /// ```
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        block_on(self.send(value))
    }

    /// Waits for a slot and reserves it; send with the returned [`Permit`].
    /// `Err` if the receiver was dropped or closed.
    ///
    /// # Cancel safety
    ///
    /// Waiting senders (of `send` and `reserve`) are served in FIFO order;
    /// dropping this future gives up its place in the queue. Nothing else is
    /// lost: a slot it had been handed goes to the next waiter.
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        match self.chan.acquire().await {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(()) => Err(SendError(())),
        }
    }

    /// Reserves a slot if one is free right now.
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
    /// As [`reserve`](Sender::reserve): dropping the future loses the place in
    /// the queue (and the sender it owns), not capacity.
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
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Waits until the receiver is dropped or [closed](Receiver::close).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe; the closed state is permanent, so once
    /// closed every call returns at once.
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// Free slots right now (the maximum minus queued messages and
    /// outstanding permits).
    pub fn capacity(&self) -> usize {
        self.chan.semaphore().available_permits()
    }

    /// The capacity the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.chan.semaphore().bound()
    }

    /// A [`WeakSender`] for this channel, which does not keep it open.
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender {
            chan: self.chan.downgrade(),
        }
    }

    /// True if both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// The number of `Sender`s of this channel.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakSender`]s of this channel.
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
    pub fn upgrade(&self) -> Option<Sender<T>> {
        self.chan.upgrade().map(|chan| Sender { chan })
    }

    /// The number of strong [`Sender`]s.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of `WeakSender`s.
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
    pub fn send(mut self, value: T) -> Sender<T> {
        let chan = self.chan.take().expect("permit not yet used");
        chan.send(value);
        Sender { chan }
    }

    /// Gives the slot back unused and returns the sender.
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
    /// This method is cancel safe: if the future is dropped before completing,
    /// no message was taken from the channel.
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
    /// This method is cancel safe: if the future is dropped before completing,
    /// no message was taken from the channel.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, buffer, limit)).await
    }

    /// Receives a value if one is queued.
    ///
    /// `Err(Empty)` if none is, `Err(Disconnected)` if the channel is closed
    /// and drained. A message whose `send` has returned is never reported
    /// missing: if a concurrent sender is between claiming the next slot and
    /// filling it, this waits the few instructions that takes.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.chan.try_recv() {
            TryRecv::Value(v) => Ok(v),
            TryRecv::Empty => Err(TryRecvError::Empty),
            TryRecv::Done => Err(TryRecvError::Disconnected),
        }
    }

    /// Receives from synchronous code, blocking the thread while the channel
    /// is empty (see [`Sender::blocking_send`] for an example). Inside an async
    /// task it blocks the worker thread.
    pub fn blocking_recv(&mut self) -> Option<T> {
        block_on(self.recv())
    }

    /// Closes the channel without dropping the receiver: later sends fail,
    /// waiting senders are woken with an error, but values already queued (and
    /// ones sent with permits reserved before the close) can still be received.
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Polls for the next value; see [`recv`](Receiver::recv). Only the waker
    /// of the latest call is woken.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx)
    }

    /// Polls for up to `limit` values; see [`recv_many`](Receiver::recv_many).
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.poll_recv_many(cx, buffer, limit)
    }

    /// Queued messages (including ones a sender is writing right now).
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// True if no message is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if the channel is closed: the receiver closed, or every sender is
    /// gone. Queued messages may still be waiting.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Free slots right now; see [`Sender::capacity`].
    pub fn capacity(&self) -> usize {
        self.chan.semaphore().available_permits()
    }

    /// The capacity the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.chan.semaphore().bound()
    }

    /// The number of [`Sender`]s.
    pub fn sender_strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakSender`]s.
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
