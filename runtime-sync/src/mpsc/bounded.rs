//! The bounded channel: senders wait for capacity.
//!
//! Split by concept: this file holds [`channel`] and the [`Sender`];
//! `permit.rs` the reserved slots ([`Permit`], [`OwnedPermit`]), `many.rs`
//! the batch reservations ([`PermitIterator`]), `weak.rs` the
//! [`WeakSender`] and `receiver.rs` the [`Receiver`]. Capacity is the
//! channel's `BoundedSemaphore` (`../semaphore.rs`), the queue is shared with
//! the unbounded channel (`../chan.rs`).

use super::chan::{self, Tx};
use super::error::{SendError, SendTimeoutError, TrySendError};
use super::semaphore::{BoundedSemaphore, TryAcquireError, MAX_PERMITS};
use super::sender::sender_api;
use crate::chan_util::block_on;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

// `try_reserve_many`, `reserve_many` and `PermitIterator`.
mod many;
mod permit;
mod receiver;
mod weak;

pub use many::PermitIterator;
pub use permit::{OwnedPermit, Permit};
pub use receiver::Receiver;
pub use weak::WeakSender;

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

    /// Sends `value`, waiting at most `timeout` for capacity.
    ///
    /// As [`send`](Sender::send), but gives up once `timeout` has passed
    /// (measured on the runtime's clock, so a paused clock, as with
    /// `runtime::time::pause`, counts too) and hands the value back in
    /// [`SendTimeoutError::Timeout`].
    /// [`SendTimeoutError::Closed`] means the receiver is gone or closed.
    /// The deadline is set when the call is made; capacity that frees up
    /// before it is taken in FIFO order with the other waiting senders.
    ///
    /// # Panics
    ///
    /// If no runtime with a timer is available: when the `runtime` crate is
    /// built without its `time` feature, or when polled outside a runtime
    /// (as Tokio's `send_timeout` does when timers are disabled).
    ///
    /// # Cancel safety
    ///
    /// Like [`send`](Sender::send): dropping the future drops the value with
    /// it, and no capacity leaks.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::SendTimeoutError};
    /// use std::time::Duration;
    ///
    /// #[runtime::main]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(1);
    ///     tx.send_timeout(1, Duration::from_millis(10)).await.unwrap();
    ///     // Full, and nobody receives: the second send gives up.
    ///     let err = tx.send_timeout(2, Duration::from_millis(10)).await;
    ///     assert_eq!(err, Err(SendTimeoutError::Timeout(2)));
    ///     assert_eq!(rx.recv().await, Some(1));
    /// }
    /// ```
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: Duration,
    ) -> Result<(), SendTimeoutError<T>> {
        let mut sleep = runtime_core::timer_hook::sleep(timeout);
        let mut reserve = pin!(self.chan.acquire(1));
        // The reservation first, as Tokio's `timeout` polls its future first:
        // capacity that is there at the deadline still wins.
        let reserved = poll_fn(|cx| {
            if let Poll::Ready(res) = reserve.as_mut().poll(cx) {
                return Poll::Ready(Some(res));
            }
            sleep.as_mut().poll(cx).map(|()| None)
        })
        .await;
        match reserved {
            Some(Ok(())) => {
                Permit { chan: &self.chan }.send(value);
                Ok(())
            }
            Some(Err(())) => Err(SendTimeoutError::Closed(value)),
            None => Err(SendTimeoutError::Timeout(value)),
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
        match self.chan.acquire(1).await {
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
        match self.chan.acquire(1).await {
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
}

sender_api!(
    Sender,
    weak = WeakSender,
    weak_doc = "[`WeakSender`]",
    new = "mpsc::channel::<u8>(8)",
    send = "try_send",
);

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("capacity", &self.capacity())
            .field("max_capacity", &self.max_capacity())
            .finish()
    }
}
