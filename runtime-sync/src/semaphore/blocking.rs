//! The `blocking_acquire*` methods of [`Semaphore`]: the async acquires,
//! driven to completion by parking the calling thread.

use std::sync::Arc;

use super::{AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit};
use crate::waiters::block_on;

impl Semaphore {
    /// Blocks the current thread until a permit is acquired, for synchronous
    /// code that shares a semaphore with async code. Waits in the same FIFO
    /// queue as [`acquire`](Semaphore::acquire).
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// If called from a thread that is driving a runtime (inside a task):
    /// parking it would stall every task of that runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let s = Arc::clone(&sem);
    /// let held = std::thread::spawn(move || {
    ///     let permit = s.blocking_acquire().unwrap();
    ///     permit.num_permits()
    /// })
    /// .join()
    /// .unwrap();
    /// assert_eq!(held, 1);
    /// assert_eq!(sem.available_permits(), 1); // released on drop
    /// ```
    #[track_caller]
    pub fn blocking_acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        block_on(self.acquire())
    }

    /// Blocks the current thread until `n` permits are acquired (see
    /// [`acquire_many`](Semaphore::acquire_many)).
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// If called from a thread that is driving a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(5);
    /// let permit = sem.blocking_acquire_many(3).unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// assert_eq!(sem.available_permits(), 2);
    /// sem.close();
    /// assert!(sem.blocking_acquire_many(1).is_err());
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        block_on(self.acquire_many(n))
    }

    /// Blocks the current thread until a permit is acquired, returning a
    /// permit that keeps the semaphore alive (see
    /// [`acquire_owned`](Semaphore::acquire_owned)).
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// If called from a thread that is driving a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let permit = Arc::clone(&sem).blocking_acquire_owned().unwrap();
    /// assert!(sem.try_acquire().is_err());
    /// std::thread::spawn(move || drop(permit)).join().unwrap();
    /// assert!(sem.try_acquire().is_ok());
    /// ```
    #[track_caller]
    pub fn blocking_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        block_on(self.acquire_owned())
    }

    /// Blocks the current thread until `n` permits are acquired, returning a
    /// permit that keeps the semaphore alive (see
    /// [`acquire_many_owned`](Semaphore::acquire_many_owned)).
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// If called from a thread that is driving a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(4));
    /// let permit = Arc::clone(&sem).blocking_acquire_many_owned(4).unwrap();
    /// assert_eq!(permit.num_permits(), 4);
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        block_on(self.acquire_many_owned(n))
    }
}
