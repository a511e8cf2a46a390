//! [`WeakSender`]: a sender that does not keep the channel open.

use std::fmt;

use super::Sender;
use crate::mpsc::chan::WeakTx;
use crate::mpsc::semaphore::BoundedSemaphore;

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

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}
