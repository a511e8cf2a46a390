//! The permit guards: [`SemaphorePermit`] borrows its semaphore,
//! [`OwnedSemaphorePermit`] holds an `Arc` of it; both return their permits
//! when dropped.

use std::fmt;
use std::sync::Arc;

use super::Semaphore;

/// Permits borrowed from a [`Semaphore`]; dropping the guard returns them.
///
/// Returned by [`Semaphore::acquire`], [`acquire_many`](Semaphore::acquire_many)
/// and the `try_` variants.
///
/// ```
/// use runtime::sync::Semaphore;
///
/// let sem = Semaphore::new(2);
/// {
///     let _permit = sem.try_acquire().unwrap();
///     assert_eq!(sem.available_permits(), 1);
/// } // dropped here
/// assert_eq!(sem.available_permits(), 2);
/// ```
#[must_use = "dropping the permit returns it to the semaphore at once"]
pub struct SemaphorePermit<'a> {
    pub(super) sem: &'a Semaphore,
    pub(super) permits: usize,
}

impl<'a> SemaphorePermit<'a> {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1); // one permit is gone
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this guard holds.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(5);
    /// assert_eq!(sem.try_acquire_many(4).unwrap().num_permits(), 4);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Moves the permits of `other` into `self`.
    ///
    /// # Panics
    ///
    /// If the two permits come from different semaphores.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let mut a = sem.try_acquire().unwrap();
    /// a.merge(sem.try_acquire_many(2).unwrap());
    /// assert_eq!(a.num_permits(), 3);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: SemaphorePermit<'a>) {
        assert!(
            std::ptr::eq(self.sem, other.sem),
            "merging permits from different semaphores"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new guard; `None` if this guard holds
    /// fewer than `n`.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let mut p = sem.try_acquire_many(3).unwrap();
    /// let one = p.split(1).unwrap();
    /// assert_eq!((p.num_permits(), one.num_permits()), (2, 1));
    /// assert!(p.split(5).is_none());
    /// drop(one);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn split(&mut self, n: usize) -> Option<SemaphorePermit<'a>> {
        self.permits = self.permits.checked_sub(n)?;
        Some(SemaphorePermit {
            sem: self.sem,
            permits: n,
        })
    }

    /// The semaphore the permits belong to.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(2);
    /// let permit = sem.try_acquire().unwrap();
    /// assert!(std::ptr::eq(permit.semaphore(), &sem));
    /// assert_eq!(permit.semaphore().available_permits(), 1);
    /// ```
    pub fn semaphore(&self) -> &Semaphore {
        self.sem
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("sem", self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}

/// Permits owned together with an `Arc` of their [`Semaphore`]; dropping the
/// guard returns them.
///
/// Returned by [`Semaphore::acquire_owned`] and the other `*_owned` methods;
/// it is `'static`, so it can move into a spawned task.
///
/// ```
/// use runtime::sync::Semaphore;
/// use std::sync::Arc;
///
/// let sem = Arc::new(Semaphore::new(1));
/// let permit = Arc::clone(&sem).try_acquire_owned().unwrap();
/// std::thread::spawn(move || drop(permit)).join().unwrap();
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "dropping the permit returns it to the semaphore at once"]
pub struct OwnedSemaphorePermit {
    pub(super) sem: Arc<Semaphore>,
    pub(super) permits: usize,
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// Arc::clone(&sem).try_acquire_owned().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this guard holds.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(5));
    /// let permit = sem.try_acquire_many_owned(2).unwrap();
    /// assert_eq!(permit.num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Moves the permits of `other` into `self`.
    ///
    /// # Panics
    ///
    /// If the two permits come from different semaphores.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(2));
    /// let mut a = Arc::clone(&sem).try_acquire_owned().unwrap();
    /// a.merge(Arc::clone(&sem).try_acquire_owned().unwrap());
    /// assert_eq!(a.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: OwnedSemaphorePermit) {
        assert!(
            Arc::ptr_eq(&self.sem, &other.sem),
            "merging permits from different semaphores"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new guard; `None` if this guard holds
    /// fewer than `n`.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(2));
    /// let mut p = Arc::clone(&sem).try_acquire_many_owned(2).unwrap();
    /// let half = p.split(1).unwrap();
    /// assert_eq!((p.num_permits(), half.num_permits()), (1, 1));
    /// drop(half);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn split(&mut self, n: usize) -> Option<OwnedSemaphorePermit> {
        self.permits = self.permits.checked_sub(n)?;
        Some(OwnedSemaphorePermit {
            sem: Arc::clone(&self.sem),
            permits: n,
        })
    }

    /// The semaphore the permits belong to.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let permit = Arc::clone(&sem).try_acquire_owned().unwrap();
    /// assert!(Arc::ptr_eq(permit.semaphore(), &sem));
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("sem", &self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}
