//! A fair async mutex.
//!
//! # Design
//!
//! [`Mutex<T>`] is a [`Semaphore`] with one permit next to an `UnsafeCell<T>`.
//! Holding the permit *is* holding the lock: the guards own the permit (they
//! release it on drop) and are the only way to reach the data. The semaphore
//! queues waiters in FIFO order, so the lock is fair: it is handed directly to
//! the longest-waiting task, and `try_lock` fails while anyone is queued.
//!
//! An uncontended `lock`/unlock is one compare-and-swap each on the
//! semaphore's state word; the waiter queue is only touched under contention.

use std::cell::UnsafeCell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::semaphore::Semaphore;
use crate::waiters::block_on;

/// An async mutual-exclusion lock, fair (FIFO), whose guard may be held across
/// `.await` points.
///
/// Same API and semantics as `tokio::sync::Mutex`. Differences: `new` is a
/// `const fn` (except under `--cfg loom`), and [`blocking_lock`] cannot detect
/// that it is called from async code (Tokio panics there): it would simply
/// block the worker thread.
///
/// [`blocking_lock`]: Mutex::blocking_lock
///
/// ```
/// use runtime_sync::Mutex;
///
/// let m = Mutex::new(1);
/// {
///     let mut g = m.try_lock().unwrap();
///     *g += 1;
///     assert!(m.try_lock().is_err()); // held
/// }
/// assert_eq!(*m.blocking_lock(), 2);
/// assert_eq!(m.into_inner(), 2);
/// ```
///
/// Sharing between tasks (needs an executor, so not run here; the same code
/// runs as `doc_example_mutex` in the facade's `tests/sync_locks.rs`):
///
/// ```ignore
/// use runtime::sync::Mutex;
/// use std::sync::Arc;
///
/// #[runtime::main]
/// async fn main() {
///     let count = Arc::new(Mutex::new(0));
///     let c = Arc::clone(&count);
///     runtime::spawn(async move { *c.lock().await += 1 }).await.unwrap();
///     assert_eq!(*count.lock().await, 1);
/// }
/// ```
pub struct Mutex<T: ?Sized> {
    s: Semaphore,
    c: UnsafeCell<T>,
}

// SAFETY: the mutex hands out access to `T` (shared or exclusive) only through
// a guard, and at most one guard exists at a time (it owns the single permit).
// So sending the mutex, or sharing it between threads, only ever lets one
// thread at a time touch the `T`, which moves between threads: `T: Send` is
// required and enough, exactly as for `std::sync::Mutex`.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: see above.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

// SAFETY: dropping or using the guard on another thread accesses `T` there
// (moved there, hence `T: Send`) and releases the semaphore permit, which any
// thread may do.
unsafe impl<T: ?Sized + Send> Send for MutexGuard<'_, T> {}
// SAFETY: a shared `&MutexGuard` only gives `&T`, so sharing it across threads
// needs `T: Sync` (plus `T: Send`, for the guard to exist across threads at all).
unsafe impl<T: ?Sized + Send + Sync> Sync for MutexGuard<'_, T> {}
// SAFETY: as for `MutexGuard`; the `Arc` keeps the mutex alive.
unsafe impl<T: ?Sized + Send> Send for OwnedMutexGuard<T> {}
// SAFETY: as for `MutexGuard`.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedMutexGuard<T> {}

/// Error returned by [`Mutex::try_lock`], [`RwLock::try_read`] and
/// [`RwLock::try_write`]: the lock is held (or others are queued for it).
///
/// [`RwLock::try_read`]: crate::RwLock::try_read
/// [`RwLock::try_write`]: crate::RwLock::try_write
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryLockError(pub(crate) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl std::error::Error for TryLockError {}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex holding `value`.
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Mutex<T> {
        Mutex {
            s: Semaphore::new(1),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked mutex holding `value`.
    #[cfg(loom)]
    pub fn new(value: T) -> Mutex<T> {
        Mutex {
            s: Semaphore::new(1),
            c: UnsafeCell::new(value),
        }
    }

    /// Same as [`new`](Mutex::new), which is already `const`; kept for code
    /// written against Tokio.
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> Mutex<T> {
        Mutex::new(value)
    }

    /// Consumes the mutex and returns the data.
    pub fn into_inner(self) -> T {
        self.c.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock, in FIFO order with the other waiters.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a dropped `lock()` future gives up its place in the queue,
    /// and if the lock had just been handed to it, passes it on to the next
    /// waiter.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    /// Waits for the lock, returning a guard that holds an `Arc` of the
    /// mutex, so it can be moved into a spawned task.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`lock`](Mutex::lock).
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    async fn acquire(&self) {
        if self.s.acquire_raw(1).await.is_err() {
            unreachable!("the semaphore of a Mutex is never closed");
        }
    }

    /// Takes the lock if it is free and nobody is queued for it.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if the lock is held or contended.
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        match self.s.try_acquire_raw(1) {
            Ok(()) => Ok(MutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`try_lock`](Mutex::try_lock) returning an owned guard.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if the lock is held or contended.
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.s.try_acquire_raw(1) {
            Ok(()) => Ok(OwnedMutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Blocks the current thread until the lock is taken, for synchronous
    /// code that shares data with async code.
    ///
    /// Must not be called from async code (a task, or anything a runtime
    /// worker runs): it parks the thread, which would stall the worker and can
    /// deadlock. Unlike Tokio this cannot be detected, so it does not panic.
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        block_on(self.lock())
    }

    /// [`blocking_lock`](Mutex::blocking_lock) returning an owned guard.
    /// Must not be called from async code.
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        block_on(self.lock_owned())
    }

    /// The data, through exclusive access to the mutex (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Guard of a locked [`Mutex`]; dereferences to the data and unlocks on drop.
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard owns the mutex's only permit for its whole life,
        // so no other guard exists and nothing else reaches the cell; the
        // returned reference borrows the guard, so it cannot outlive the permit.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; the `&mut self` borrow also rules out any
        // other reference obtained through this same guard.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Guard of a locked [`Mutex`] that keeps an `Arc` of it; `'static` when `T`
/// is.
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: as for `MutexGuard::deref`: this guard owns the only permit.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `MutexGuard::deref_mut`.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_data_or_locked() {
        let m = Mutex::new(5);
        assert_eq!(format!("{m:?}"), "Mutex { data: 5 }");
        let g = m.try_lock().unwrap();
        assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
        assert_eq!(format!("{g:?} {g}"), "5 5");
    }

    #[test]
    fn owned_guard_and_get_mut() {
        static M: Mutex<u8> = Mutex::const_new(0);
        *M.blocking_lock() += 1;
        let m = Arc::new(Mutex::new(String::from("a")));
        let mut g = Arc::clone(&m).try_lock_owned().unwrap();
        g.push('b');
        assert!(Arc::clone(&m).try_lock_owned().is_err());
        assert_eq!(TryLockError(()).to_string(), "operation would block");
        drop(g);
        let mut m = Arc::try_unwrap(m).unwrap();
        m.get_mut().push('c');
        assert_eq!(m.into_inner(), "abc");
        assert_eq!(*M.try_lock().unwrap(), 1);
    }

    fn _assert_bounds() {
        fn send_sync<X: Send + Sync>() {}
        fn send<X: Send>() {}
        send_sync::<Mutex<std::cell::Cell<u8>>>();
        send::<MutexGuard<'static, std::cell::Cell<u8>>>();
        send::<OwnedMutexGuard<std::cell::Cell<u8>>>();
        send_sync::<MutexGuard<'static, u8>>();
    }
}
