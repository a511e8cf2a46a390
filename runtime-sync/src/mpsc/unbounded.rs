//! The unbounded channel: sending never waits.

use super::chan::{self, Rx, Tx, WeakTx};
use super::error::SendError;
use super::receiver::receiver_api;
use super::semaphore::UnboundedSemaphore;
use super::sender::{sender_api, weak_sender_api};
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
}

sender_api!(
    UnboundedSender,
    weak = WeakUnboundedSender,
    weak_doc = "[`WeakUnboundedSender`]",
    new = "mpsc::unbounded_channel::<u8>()",
    send = "send",
);

weak_sender_api!(
    WeakUnboundedSender,
    sender = UnboundedSender,
    sender_doc = "[`UnboundedSender`]",
    new = "mpsc::unbounded_channel::<u8>()",
    send = "send",
);

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
