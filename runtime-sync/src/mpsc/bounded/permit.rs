//! Reserved slots: [`Permit`] (borrowing its sender) and [`OwnedPermit`]
//! (owning one). Sending with either cannot fail or wait; dropping one unused
//! gives the slot back.

use std::fmt;

use super::Sender;
use crate::mpsc::chan::Tx;
use crate::mpsc::semaphore::BoundedSemaphore;

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
    pub(super) chan: &'a Tx<T, BoundedSemaphore>,
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
    pub(super) chan: Option<Tx<T, BoundedSemaphore>>,
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

    /// True if both permits reserve slots of the same channel. A permit
    /// being consumed (inside `send`/`release`) has no channel any more.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(2);
    /// let (other, _rx2) = mpsc::channel::<u8>(1);
    /// let a = tx.clone().try_reserve_owned().unwrap();
    /// let b = tx.try_reserve_owned().unwrap();
    /// let c = other.try_reserve_owned().unwrap();
    /// assert!(a.same_channel(&b));
    /// assert!(!a.same_channel(&c));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.chan, &other.chan) {
            (Some(a), Some(b)) => a.same_channel(b),
            _ => false,
        }
    }

    /// True if this permit reserves a slot of `sender`'s channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<u8>(1);
    /// let (other, _rx2) = mpsc::channel::<u8>(1);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// assert!(permit.same_channel_as_sender(&tx));
    /// assert!(!permit.same_channel_as_sender(&other));
    /// ```
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.chan
            .as_ref()
            .is_some_and(|chan| chan.same_channel(&sender.chan))
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(chan) = &self.chan {
            chan.release_permit();
        }
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
