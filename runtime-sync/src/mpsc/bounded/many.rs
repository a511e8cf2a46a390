//! Batch reservations: [`Sender::reserve_many`] and
//! [`Sender::try_reserve_many`], and the [`PermitIterator`] they return: `n`
//! slots taken from the channel's semaphore as one acquire, handed out one
//! [`Permit`] at a time; the ones not handed out go back on drop.
//!
//! A waiting `reserve_many(n)` is one waiter of the channel's fair semaphore
//! asking for `n` permits: it collects slots as they are freed (a partial
//! assignment), later senders queue behind it even if they need just one,
//! and dropping it hands the collected slots on to them.

use std::fmt;
use std::iter::FusedIterator;

use super::{Permit, Sender};
use crate::mpsc::chan::Tx;
use crate::mpsc::error::{SendError, TrySendError};
use crate::mpsc::semaphore::{BoundedSemaphore, TryAcquireError};

/// The slots reserved by [`Sender::reserve_many`] or
/// [`Sender::try_reserve_many`]: an iterator yielding
/// one [`Permit`] per slot. Slots not taken out of it are given back when it
/// is dropped.
///
/// ```
/// use runtime::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::channel(3);
/// let mut permits = tx.try_reserve_many(3).unwrap();
/// assert_eq!(permits.len(), 3);
/// permits.next().unwrap().send('a');
/// drop(permits); // the two unused slots come back
/// assert_eq!(tx.capacity(), 2);
/// assert_eq!(rx.try_recv(), Ok('a'));
/// ```
pub struct PermitIterator<'a, T> {
    chan: &'a Tx<T, BoundedSemaphore>,
    /// Slots still held (not yet handed out as a `Permit`).
    n: usize,
}

impl<T> Sender<T> {
    /// Waits until `n` slots are free and reserves them all at once,
    /// returning them as an iterator of [`Permit`]s. Slots not taken out of
    /// the iterator are given back when it is dropped. `n == 0` succeeds at
    /// once (with an empty iterator) while the channel is open.
    ///
    /// The request waits in the same FIFO queue as [`send`](Sender::send)
    /// and [`reserve`](Sender::reserve): while it waits it collects the slots
    /// freed for it, and senders that came later wait behind it even if they
    /// need a single slot.
    ///
    /// # Errors
    ///
    /// `Err(SendError(()))` if the receiver is gone or closed (also when it
    /// closes while this waits), or if `n` exceeds the channel's
    /// [`max_capacity`](Sender::max_capacity), as in Tokio.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: no slot leaks. Slots already assigned to a
    /// dropped future go to the senders queued behind it (or back to the free
    /// capacity); its place in the queue is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::channel(3);
    ///     tx.send(0).await.unwrap();
    ///     let producer = {
    ///         let tx = tx.clone();
    ///         runtime::spawn(async move {
    ///             // Waits until three slots are free, then sends a batch.
    ///             let permits = tx.reserve_many(3).await.unwrap();
    ///             for (permit, v) in permits.zip([1, 2, 3]) {
    ///                 permit.send(v);
    ///             }
    ///         })
    ///     };
    ///     assert_eq!(rx.recv().await, Some(0));
    ///     producer.await.unwrap();
    ///     let mut got = Vec::new();
    ///     rx.recv_many(&mut got, 3).await;
    ///     assert_eq!(got, [1, 2, 3]);
    ///     assert!(tx.reserve_many(4).await.is_err()); // more than the capacity
    /// }
    /// ```
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        if n > self.max_capacity() {
            return Err(SendError(()));
        }
        match self.chan.acquire(n).await {
            Ok(()) => Ok(PermitIterator {
                chan: &self.chan,
                n,
            }),
            Err(()) => Err(SendError(())),
        }
    }

    /// Reserves `n` slots at once if that many are free right now, returning
    /// them as an iterator of [`Permit`]s. All or nothing: no slot is taken
    /// if fewer than `n` are free. `n == 0` succeeds (with an empty iterator)
    /// while the channel is open.
    ///
    /// # Errors
    ///
    /// `Err(Full(()))` if fewer than `n` slots are free (or senders are
    /// queued for one, or `n` exceeds the channel's capacity);
    /// `Err(Closed(()))` if the receiver is gone or closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, mut rx) = mpsc::channel(2);
    /// assert_eq!(tx.try_reserve_many(3).unwrap_err(), TrySendError::Full(()));
    /// let permits = tx.try_reserve_many(2).unwrap();
    /// assert_eq!(tx.try_reserve_many(1).unwrap_err(), TrySendError::Full(()));
    /// for (permit, v) in permits.zip([10, 20]) {
    ///     permit.send(v);
    /// }
    /// assert_eq!((rx.try_recv(), rx.try_recv()), (Ok(10), Ok(20)));
    /// ```
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        if n > self.max_capacity() {
            return Err(TrySendError::Full(()));
        }
        match self.chan.semaphore().try_acquire_many(n) {
            Ok(()) => Ok(PermitIterator {
                chan: &self.chan,
                n,
            }),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
        }
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Permit<'a, T>> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}

impl<T> FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        // Each goes back as an unused `Permit`'s would: to the next queued
        // sender, or the free count (waking a receiver waiting for "closed
        // and drained").
        let n = std::mem::take(&mut self.n);
        if n > 0 {
            self.chan.release_permits(n);
        }
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PermitIterator")
            .field("remaining", &self.n)
            .finish_non_exhaustive()
    }
}
