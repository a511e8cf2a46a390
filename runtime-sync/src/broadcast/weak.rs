//! [`WeakSender`], and the counting methods of the channel's handles
//! (`Sender::len`, `strong_count`, `Receiver::is_closed`, ...).
//!
//! The strong and weak sender counts live in the channel's `State`, under
//! its mutex, like the receiver count: an upgrade checks and bumps the strong
//! count in one critical section, so it can never revive a channel whose last
//! `Sender` is gone.

use std::fmt;

use super::{Receiver, Sender, Shared};
use crate::chan_util::lock;
use crate::loom::Arc;

/// A sender that does not keep the channel open: once every [`Sender`] is
/// dropped the channel closes even if `WeakSender`s remain, and
/// [`upgrade`](WeakSender::upgrade) then returns `None`. Made by
/// [`Sender::downgrade`].
///
/// ```
/// use runtime::sync::broadcast;
///
/// let (tx, mut rx) = broadcast::channel::<u8>(4);
/// let weak = tx.downgrade();
/// weak.upgrade().unwrap().send(1).unwrap(); // while a Sender lives
/// drop(tx);
/// assert!(weak.upgrade().is_none()); // closed: it cannot reopen it
/// assert_eq!(rx.try_recv(), Ok(1));
/// assert!(rx.try_recv().is_err());
/// ```
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// A [`WeakSender`] for this channel, which does not keep it open.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(4);
    /// let weak = tx.downgrade();
    /// assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    /// drop(weak);
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn downgrade(&self) -> WeakSender<T> {
        lock(&self.shared.state).weak_count += 1;
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// The number of values still queued: sent, and not yet read by every
    /// receiver that was subscribed when it was sent, nor overwritten by
    /// later sends. At most the capacity.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx1) = broadcast::channel(4);
    /// let mut rx2 = tx.subscribe();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.len(), 2);
    /// rx1.try_recv().unwrap();
    /// assert_eq!(tx.len(), 2); // rx2 has not read 1 yet
    /// rx2.try_recv().unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let state = lock(&self.shared.state);
        let capacity = self.shared.capacity as u64;
        (state.oldest()..state.tail)
            .filter(|&pos| {
                let slot = &state.slots[(pos % capacity) as usize];
                slot.pos == pos && slot.remaining > 0
            })
            .count()
    }

    /// True if no value is queued (see [`len`](Sender::len)).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(4);
    /// assert!(tx.is_empty());
    /// tx.send(()).unwrap();
    /// assert!(!tx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of [`Sender`]s of this channel (this one included).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// drop(tx2);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        lock(&self.shared.state).tx_count
    }

    /// The number of [`WeakSender`]s of this channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        lock(&self.shared.state).weak_count
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`] for the channel, or `None` if every `Sender` was already
    /// dropped (the channel is closed for good).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// let tx2 = weak.upgrade().unwrap();
    /// drop(tx);
    /// assert!(weak.upgrade().is_some()); // tx2 still keeps it open
    /// drop(tx2);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut state = lock(&self.shared.state);
        if state.tx_count == 0 {
            return None;
        }
        state.tx_count += 1;
        drop(state);
        Some(Sender {
            shared: self.shared.clone(),
        })
    }

    /// The number of [`Sender`]s of the channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        lock(&self.shared.state).tx_count
    }

    /// The number of [`WeakSender`]s of the channel (this one included).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, _rx) = broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// let weak2 = weak.clone();
    /// assert_eq!(weak2.weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        lock(&self.shared.state).weak_count
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        lock(&self.shared.state).weak_count += 1;
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        lock(&self.shared.state).weak_count -= 1;
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakSender").finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// True if every [`Sender`] was dropped: no value will be sent any more
    /// (the ones already queued can still be received).
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, mut rx) = broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn is_closed(&self) -> bool {
        self.sender_strong_count() == 0
    }

    /// The number of [`Sender`]s of the channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// let _tx2 = tx.clone();
    /// assert_eq!(rx.sender_strong_count(), 2);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        lock(&self.shared.state).tx_count
    }

    /// The number of [`WeakSender`]s of the channel.
    ///
    /// ```
    /// use runtime::sync::broadcast;
    ///
    /// let (tx, rx) = broadcast::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        lock(&self.shared.state).weak_count
    }
}
