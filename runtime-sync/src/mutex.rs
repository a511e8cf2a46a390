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

// The mapped guards (`MutexGuard::map` and friends).
mod mapped;
pub use mapped::{MappedMutexGuard, OwnedMappedMutexGuard};

/// An async mutual-exclusion lock, fair (FIFO), whose guard may be held across
/// `.await` points.
///
/// Same API and semantics as `tokio::sync::Mutex`. One difference: `new` is
/// a `const fn` (except under `--cfg loom`). Like Tokio's, `blocking_lock`
/// panics on a thread that drives a runtime.
///
/// # Examples
///
/// Without waiting:
///
/// ```
/// use runtime::sync::Mutex;
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
/// Sharing between tasks, holding the guard across an `.await`:
///
/// ```
/// use runtime::sync::Mutex;
/// use std::sync::Arc;
///
/// #[runtime::main]
/// async fn main() {
///     let log = Arc::new(Mutex::new(Vec::new()));
///     let l = Arc::clone(&log);
///     let task = runtime::spawn(async move {
///         let mut guard = l.lock().await;
///         runtime::task::yield_now().await; // still holding the lock
///         guard.push("task");
///     });
///     task.await.unwrap();
///     log.lock().await.push("main");
///     assert_eq!(*log.lock().await, ["task", "main"]);
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
///
/// ```
/// use runtime::sync::Mutex;
///
/// let m = Mutex::new(());
/// let _guard = m.try_lock().unwrap();
/// let err = m.try_lock().unwrap_err();
/// assert_eq!(err.to_string(), "operation would block");
/// ```
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
    ///
    /// ```
    /// use runtime::sync::Mutex;
    ///
    /// // `const`: a `static` needs no lazy initialisation.
    /// static COUNT: Mutex<u32> = Mutex::new(0);
    /// *COUNT.try_lock().unwrap() += 1;
    /// assert_eq!(*COUNT.try_lock().unwrap(), 1);
    /// ```
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
    ///
    /// ```
    /// use runtime::sync::Mutex;
    ///
    /// static NAME: Mutex<String> = Mutex::const_new(String::new());
    /// NAME.try_lock().unwrap().push_str("hi");
    /// assert_eq!(*NAME.try_lock().unwrap(), "hi");
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> Mutex<T> {
        Mutex::new(value)
    }

    /// Consumes the mutex and returns the data.
    ///
    /// ```
    /// use runtime::sync::Mutex;
    ///
    /// let m = Mutex::new(vec![1]);
    /// m.try_lock().unwrap().push(2);
    /// assert_eq!(m.into_inner(), [1, 2]);
    /// ```
    pub fn into_inner(self) -> T {
        self.c.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock, in FIFO order with the other waiters.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in that the lock is never lost: a dropped
    /// `lock()` future leaves the semaphore's queue, and if an unlock had
    /// already handed it the lock (the one permit) before it returned, it
    /// passes the lock on to the next waiter, or leaves it free. What is lost
    /// is fairness: the dropped future's place in the queue; locking again
    /// starts at the back.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Mutex;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let m = Mutex::new(1);
    ///     *m.lock().await += 1;
    ///     assert_eq!(*m.lock().await, 2);
    /// }
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    /// Waits for the lock, returning a guard that holds an `Arc` of the
    /// mutex, so it can be moved into a spawned task.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as [`lock`](Mutex::lock) is: the lock is never lost, the
    /// place in the queue is. The `Arc` it was called on is dropped with the
    /// future.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let m = Arc::new(Mutex::new(0));
    ///     let mut guard = Arc::clone(&m).lock_owned().await;
    ///     let task = runtime::spawn(async move { *guard = 7 }); // guard is 'static
    ///     task.await.unwrap();
    ///     assert_eq!(*m.lock().await, 7);
    /// }
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Mutex;
    ///
    /// let m = Mutex::new(5);
    /// let guard = m.try_lock().unwrap();
    /// assert!(m.try_lock().is_err());
    /// drop(guard);
    /// assert_eq!(*m.try_lock().unwrap(), 5);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(1));
    /// let guard = Arc::clone(&m).try_lock_owned().unwrap();
    /// assert!(Arc::clone(&m).try_lock_owned().is_err());
    /// drop(guard);
    /// assert!(m.try_lock_owned().is_ok());
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.s.try_acquire_raw(1) {
            Ok(()) => Ok(OwnedMutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Blocks the current thread until the lock is taken, for synchronous
    /// code that shares data with async code.
    ///
    /// # Panics
    ///
    /// On a thread that drives a runtime (a task, `block_on`): parking it
    /// would stall the worker and could deadlock. Use `lock().await` there,
    /// or `spawn_blocking`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let m = Arc::new(Mutex::new(0));
    ///     let m2 = Arc::clone(&m);
    ///     // A plain thread, not a task: blocking there is fine.
    ///     std::thread::spawn(move || *m2.blocking_lock() += 1).join().unwrap();
    ///     assert_eq!(*m.lock().await, 1);
    /// }
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        block_on(self.lock())
    }

    /// [`blocking_lock`](Mutex::blocking_lock) returning an owned guard.
    /// Must not be called from async code.
    ///
    /// ```
    /// use runtime::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(String::from("a")));
    /// let mut guard = Arc::clone(&m).blocking_lock_owned();
    /// std::thread::spawn(move || guard.push('b')).join().unwrap();
    /// assert_eq!(*m.blocking_lock(), "ab");
    /// ```
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        block_on(self.lock_owned())
    }

    /// The data, through exclusive access to the mutex (no locking needed).
    ///
    /// ```
    /// use runtime::sync::Mutex;
    ///
    /// let mut m = Mutex::new(1);
    /// *m.get_mut() = 10;
    /// assert_eq!(*m.try_lock().unwrap(), 10);
    /// ```
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
///
/// ```
/// use runtime::sync::Mutex;
///
/// let m = Mutex::new(0);
/// {
///     let mut guard = m.try_lock().unwrap();
///     *guard += 1;
/// } // unlocked here
/// assert_eq!(*m.try_lock().unwrap(), 1);
/// ```
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// The mutex this guard locks. An associated function (call it as
    /// `MutexGuard::mutex(&guard)`), so it does not shadow a method of `T`.
    ///
    /// ```
    /// use runtime::sync::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(0);
    /// let guard = m.try_lock().unwrap();
    /// assert!(std::ptr::eq(MutexGuard::mutex(&guard), &m));
    /// ```
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
///
/// ```
/// use runtime::sync::Mutex;
/// use std::sync::Arc;
///
/// let m = Arc::new(Mutex::new(1));
/// let mut guard = Arc::clone(&m).try_lock_owned().unwrap();
/// std::thread::spawn(move || *guard += 1).join().unwrap();
/// assert_eq!(*m.try_lock().unwrap(), 2);
/// ```
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// The mutex this guard locks (an associated function, as
    /// [`MutexGuard::mutex`]).
    ///
    /// ```
    /// use runtime::sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(0));
    /// let guard = Arc::clone(&m).try_lock_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&guard), &m));
    /// ```
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
