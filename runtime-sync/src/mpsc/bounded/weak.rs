//! [`WeakSender`]: a sender that does not keep the channel open.

use super::Sender;
use crate::mpsc::chan::WeakTx;
use crate::mpsc::semaphore::BoundedSemaphore;
use crate::mpsc::sender::weak_sender_api;

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
    pub(super) chan: WeakTx<T, BoundedSemaphore>,
}

weak_sender_api!(
    WeakSender,
    sender = Sender,
    sender_doc = "[`Sender`]",
    new = "mpsc::channel::<u8>(8)",
    send = "try_send",
);
