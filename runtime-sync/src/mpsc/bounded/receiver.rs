//! [`Receiver`]: the receiving half of a bounded channel.

use crate::mpsc::chan::Rx;
use crate::mpsc::receiver::receiver_api;
use crate::mpsc::semaphore::BoundedSemaphore;

/// Receives values from the [`Sender`](super::Sender)s of a bounded channel.
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
    pub(super) chan: Rx<T, BoundedSemaphore>,
}

receiver_api!(
    Receiver,
    sender = "[`Sender`](super::Sender)",
    weak_sender = "[`WeakSender`](super::WeakSender)",
    new = "mpsc::channel(8)",
    send = "try_send",
    recv_none = "Returns `None` once the channel is closed (every sender dropped, or [`close`](Self::close) called) and every permit handed out before the close was used or dropped, and all queued values have been received.",
);

impl<T> Receiver<T> {
    /// Free slots right now; see [`Sender::capacity`](super::Sender::capacity).
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
}
