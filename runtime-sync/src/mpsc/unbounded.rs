//! The unbounded channel: sending never waits.

use super::chan::{self, Rx, Tx, WeakTx};
use super::error::SendError;
use super::receiver::receiver_api;
use super::semaphore::UnboundedSemaphore;
use std::fmt;

/// Creates an unbounded channel: [`UnboundedSender::send`] is synchronous and
/// never waits, so the queue grows as long as the receiver lags.
///
/// ```
/// use runtime::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// tx.send("a").unwrap();
/// drop(tx);
/// assert_eq!(rx.try_recv(), Ok("a"));
/// assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let (tx, rx) = chan::channel(UnboundedSemaphore::new());
    (UnboundedSender { chan: tx }, UnboundedReceiver { chan: rx })
}

/// Sends values to the paired [`UnboundedReceiver`]. Cloneable; the channel
/// closes when the last one is dropped.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main]
/// async fn main() {
///     let (tx, mut rx) = mpsc::unbounded_channel();
///     let handles: Vec<_> = (1..=3)
///         .map(|i| {
///             let tx = tx.clone();
///             runtime::spawn(async move { tx.send(i).unwrap() })
///         })
///         .collect();
///     drop(tx);
///     for h in handles {
///         h.await.unwrap();
///     }
///     let mut total = 0;
///     while let Some(i) = rx.recv().await {
///         total += i;
///     }
///     assert_eq!(total, 6);
/// }
/// ```
pub struct UnboundedSender<T> {
    chan: Tx<T, UnboundedSemaphore>,
}

/// An unbounded sender that does not keep the channel open.
///
/// ```
/// use runtime::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
/// let weak = tx.downgrade();
/// drop(tx);
/// assert!(weak.upgrade().is_none()); // the channel closed with `tx`
/// assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
/// ```
pub struct WeakUnboundedSender<T> {
    chan: WeakTx<T, UnboundedSemaphore>,
}

/// Receives values from the [`UnboundedSender`]s.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = mpsc::unbounded_channel();
///     tx.send("ping").unwrap();
///     drop(tx);
///     assert_eq!(rx.recv().await, Some("ping"));
///     assert_eq!(rx.recv().await, None);
/// }
/// ```
pub struct UnboundedReceiver<T> {
    chan: Rx<T, UnboundedSemaphore>,
}

impl<T> UnboundedSender<T> {
    /// Queues `value` without waiting. `Err(SendError(value))` if the receiver
    /// was dropped or [closed](UnboundedReceiver::close).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel();
    /// for i in 0..1000 {
    ///     tx.send(i).unwrap(); // never waits
    /// }
    /// assert_eq!(rx.len(), 1000);
    /// drop(rx);
    /// assert_eq!(tx.send(0).unwrap_err().0, 0); // the value comes back
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.chan.semaphore().try_acquire() {
            Ok(()) => {
                self.chan.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// True if the receiver was dropped or [closed](UnboundedReceiver::close).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    /// assert!(!tx.is_closed());
    /// rx.close();
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Waits until the receiver is dropped or closed.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it only observes the closed state, which
    /// is permanent, and a dropped future removes its waker; once closed,
    /// every call returns at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, rx) = mpsc::unbounded_channel::<u8>();
    ///     let producer = runtime::spawn(async move {
    ///         tx.closed().await; // stop producing once nobody listens
    ///         tx.send(1).is_err()
    ///     });
    ///     drop(rx);
    ///     assert!(producer.await.unwrap());
    /// }
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// A [`WeakUnboundedSender`] for this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// let weak = tx.downgrade();
    /// weak.upgrade().unwrap().send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        WeakUnboundedSender {
            chan: self.chan.downgrade(),
        }
    }

    /// True if both senders belong to the same channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (a, _rx) = mpsc::unbounded_channel::<u8>();
    /// let (b, _rx2) = mpsc::unbounded_channel::<u8>();
    /// assert!(a.same_channel(&a.clone()));
    /// assert!(!a.same_channel(&b));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// The number of `UnboundedSender`s of this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s of this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> WeakUnboundedSender<T> {
    /// An [`UnboundedSender`], if any strong sender still exists.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.upgrade().map(|chan| UnboundedSender { chan })
    }

    /// The number of strong senders.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of weak senders.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.clone().weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

receiver_api!(
    UnboundedReceiver,
    sender = "[`UnboundedSender`]",
    weak_sender = "[`WeakUnboundedSender`]",
    new = "mpsc::unbounded_channel()",
    send = "send",
    recv_none = "Returns `None` once the channel is closed (every sender dropped, or [`close`](Self::close) called) and all queued values have been received.",
);

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender")
            .finish_non_exhaustive()
    }
}
