//! [`Sender::try_reserve_many`] and the [`PermitIterator`] it returns: `n`
//! slots taken from the channel's semaphore in one atomic step, handed out
//! one [`Permit`] at a time; the ones not handed out go back on drop.

use std::fmt;
use std::iter::FusedIterator;

use super::{Permit, Sender};
use crate::mpsc::chan::Tx;
use crate::mpsc::error::TrySendError;
use crate::mpsc::semaphore::{BoundedSemaphore, TryAcquireError};

/// The slots reserved by [`Sender::try_reserve_many`]: an iterator yielding
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
        for _ in 0..std::mem::take(&mut self.n) {
            self.chan.release_permit();
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
