//! The errors of [`Semaphore`](super::Semaphore)'s acquire methods.

use std::fmt;

#[cfg(doc)]
use super::Semaphore;

/// Error returned by [`Semaphore::acquire`] and friends: the semaphore was
/// closed.
///
/// ```
/// use runtime::sync::Semaphore;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let sem = Semaphore::new(1);
///     sem.close();
///     let err = sem.acquire().await.unwrap_err();
///     assert_eq!(err.to_string(), "semaphore closed");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(pub(super) ());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

/// Error returned by [`Semaphore::try_acquire`] and friends.
///
/// ```
/// use runtime::sync::{Semaphore, TryAcquireError};
///
/// let sem = Semaphore::new(1);
/// let _held = sem.try_acquire().unwrap();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// sem.close();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore has been [closed](Semaphore::close).
    Closed,
    /// Not enough permits are available right now (or other tasks are queued
    /// ahead).
    NoPermits,
}

impl TryAcquireError {
    /// True for [`TryAcquireError::Closed`].
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// sem.close();
    /// assert!(sem.try_acquire().unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, TryAcquireError::Closed)
    }

    /// True for [`TryAcquireError::NoPermits`].
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(0);
    /// assert!(sem.try_acquire().unwrap_err().is_no_permits());
    /// ```
    pub fn is_no_permits(&self) -> bool {
        matches!(self, TryAcquireError::NoPermits)
    }
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}
