//! A fair async reader-writer lock.
//!
//! # Design
//!
//! [`RwLock<T>`] is a [`Semaphore`] with `max_readers` permits next to an
//! `UnsafeCell<T>`. A reader takes one permit; a writer takes all of them, so
//! it excludes every reader and every other writer. Because the semaphore is
//! FIFO and a waiter asking for many permits blocks the ones behind it, a
//! waiting writer stops new readers from entering: the readers already inside
//! finish, the writer runs, then the readers queued behind it. Neither side
//! starves.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use crate::mutex::TryLockError;
use crate::semaphore::Semaphore;
use crate::waiters::block_on;

// The owned guards (`read_owned`, `write_owned`, ...) and the mapped ones
// (`map`, `try_map`, `downgrade_map`, ...).
mod mapped;
mod owned;
pub use mapped::{OwnedRwLockMappedWriteGuard, RwLockMappedWriteGuard};
pub use owned::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard};

/// The most concurrent readers a lock may allow: `u32::MAX >> 3`, as Tokio.
const MAX_READS: u32 = u32::MAX >> 3;

/// An async reader-writer lock, fair (FIFO): a waiting writer blocks readers
/// that arrive after it.
///
/// Same API and semantics as `tokio::sync::RwLock`. `new` is a `const fn`
/// except under `--cfg loom`.
///
/// # Examples
///
/// ```
/// use runtime::sync::RwLock;
///
/// let lock = RwLock::new(5);
/// let r1 = lock.try_read().unwrap();
/// let r2 = lock.try_read().unwrap();
/// assert_eq!(*r1 + *r2, 10);
/// assert!(lock.try_write().is_err());
/// drop((r1, r2));
/// *lock.try_write().unwrap() += 1;
/// assert_eq!(lock.into_inner(), 6);
/// ```
///
/// Many readers, then one writer, across tasks:
///
/// ```
/// use runtime::sync::RwLock;
/// use std::sync::Arc;
///
/// #[runtime::main]
/// async fn main() {
///     let config = Arc::new(RwLock::new(String::from("v1")));
///     let readers: Vec<_> = (0..3)
///         .map(|_| {
///             let c = Arc::clone(&config);
///             runtime::spawn(async move { c.read().await.len() })
///         })
///         .collect();
///     for r in readers {
///         assert_eq!(r.await.unwrap(), 2);
///     }
///     config.write().await.push_str("-patched");
///     assert_eq!(*config.read().await, "v1-patched");
/// }
/// ```
pub struct RwLock<T: ?Sized> {
    max_readers: u32,
    s: Semaphore,
    c: UnsafeCell<T>,
}

// SAFETY: the lock can move its `T` to another thread (`T: Send`).
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: sharing the lock lets several threads read `T` at once (`T: Sync`)
// and lets a writer on any thread get `&mut T`, e.g. to swap it out (`T: Send`);
// the semaphore guarantees writers are exclusive.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}
// SAFETY: a read guard only gives `&T`; moving or sharing it across threads is
// sharing `&T`, which `T: Sync` allows. Releasing its permit is thread-safe.
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}
// SAFETY: a write guard gives `&mut T` on whatever thread holds it (`T: Send`);
// it can also be downgraded to a read guard (`T: Sync`).
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockWriteGuard<'_, T> {}
// SAFETY: a shared `&RwLockWriteGuard` only gives `&T` (`T: Sync`).
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockWriteGuard<'_, T> {}

impl<T> RwLock<T> {
    /// Creates an unlocked lock holding `value`, allowing up to `u32::MAX >> 3`
    /// concurrent readers.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// static TABLE: RwLock<Vec<u8>> = RwLock::new(Vec::new()); // `const`
    /// TABLE.try_write().unwrap().push(1);
    /// assert_eq!(*TABLE.try_read().unwrap(), [1]);
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> RwLock<T> {
        RwLock {
            max_readers: MAX_READS,
            s: Semaphore::new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked lock holding `value`, allowing up to `u32::MAX >> 3`
    /// concurrent readers.
    #[cfg(loom)]
    pub fn new(value: T) -> RwLock<T> {
        RwLock {
            max_readers: MAX_READS,
            s: Semaphore::new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Same as [`new`](RwLock::new), which is already `const`; kept for code
    /// written against Tokio.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// static FLAG: RwLock<bool> = RwLock::const_new(false);
    /// *FLAG.try_write().unwrap() = true;
    /// assert!(*FLAG.try_read().unwrap());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> RwLock<T> {
        RwLock::new(value)
    }

    /// Creates a lock that lets at most `max_reads` readers in at once.
    ///
    /// # Panics
    ///
    /// If `max_reads` is 0 or more than `u32::MAX >> 3`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::with_max_readers(0, 2);
    /// let (_a, _b) = (lock.try_read().unwrap(), lock.try_read().unwrap());
    /// assert!(lock.try_read().is_err()); // a third reader must wait
    /// ```
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(
            max_reads > 0 && max_reads <= MAX_READS,
            "a RwLock may not be created with 0 or more than {MAX_READS} readers"
        );
        RwLock {
            max_readers: max_reads,
            s: Semaphore::new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// [`with_max_readers`](RwLock::with_max_readers) as a `const fn`, for
    /// statics.
    ///
    /// # Panics
    ///
    /// If `max_reads` is 0 or more than `u32::MAX >> 3` (at compile time in a
    /// `const` context).
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// static POOL: RwLock<u8> = RwLock::const_with_max_readers(0, 1);
    /// let _r = POOL.try_read().unwrap();
    /// assert!(POOL.try_read().is_err()); // one reader at a time
    /// ```
    #[cfg(not(loom))]
    #[track_caller]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T> {
        assert!(
            max_reads > 0 && max_reads <= MAX_READS,
            "a RwLock may not be created with 0 or more than u32::MAX >> 3 readers"
        );
        RwLock {
            max_readers: max_reads,
            s: Semaphore::new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Consumes the lock and returns the data.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::new(String::from("x"));
    /// lock.try_write().unwrap().push('y');
    /// assert_eq!(lock.into_inner(), "xy");
    /// ```
    pub fn into_inner(self) -> T {
        self.c.into_inner()
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Waits for shared read access, queueing (FIFO) behind any waiting
    /// writer.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in that no access is lost: a dropped
    /// `read()` future leaves the queue, and a reader slot (permit) already
    /// handed to it is released again, so a writer waiting for all slots is
    /// not stuck. Its place in the queue is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let lock = RwLock::new(3);
    ///     let (a, b) = (lock.read().await, lock.read().await); // shared
    ///     assert_eq!(*a + *b, 6);
    /// }
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        if self.s.acquire_raw(1).await.is_err() {
            unreachable!("the semaphore of a RwLock is never closed");
        }
        RwLockReadGuard::new(&self.s, self.c.get())
    }

    /// Waits for exclusive write access: waits for the readers inside to
    /// leave while keeping new ones out.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in that no access is lost: while it waits,
    /// the future collects reader slots as readers leave (a partial
    /// assignment); a dropped `write()` future leaves the queue and returns
    /// every slot collected so far, so the readers queued behind it proceed.
    /// Its place in the queue is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let lock = RwLock::new(vec![1]);
    ///     lock.write().await.push(2);
    ///     assert_eq!(*lock.read().await, [1, 2]);
    /// }
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        if self.s.acquire_raw(self.max_readers as usize).await.is_err() {
            unreachable!("the semaphore of a RwLock is never closed");
        }
        RwLockWriteGuard { lock: self }
    }

    /// Takes read access if no writer holds or waits for the lock.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let r = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_ok()); // readers share
    /// drop(r);
    /// let _w = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err()); // not while a writer holds it
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        match self.s.try_acquire_raw(1) {
            Ok(()) => Ok(RwLockReadGuard::new(&self.s, self.c.get())),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Takes write access if the lock is free and nobody waits for it.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let r = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err()); // a reader is inside
    /// drop(r);
    /// *lock.try_write().unwrap() = 2;
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        match self.s.try_acquire_raw(self.max_readers as usize) {
            Ok(()) => Ok(RwLockWriteGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Blocks the thread until read access is granted. Must not be called
    /// from async code (see [`Mutex::blocking_lock`](crate::Mutex::blocking_lock)).
    ///
    /// ```
    /// use runtime::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(4));
    /// let l = Arc::clone(&lock);
    /// let read = std::thread::spawn(move || *l.blocking_read()).join().unwrap();
    /// assert_eq!(read, 4);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        block_on(self.read())
    }

    /// Blocks the thread until write access is granted. Must not be called
    /// from async code.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let lock = Arc::new(RwLock::new(0));
    ///     let l = Arc::clone(&lock);
    ///     std::thread::spawn(move || *l.blocking_write() = 9).join().unwrap();
    ///     assert_eq!(*lock.read().await, 9);
    /// }
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        block_on(self.write())
    }

    /// The data, through exclusive access to the lock (no locking needed).
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let mut lock = RwLock::new(1);
    /// *lock.get_mut() += 1;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(value: T) -> RwLock<T> {
        RwLock::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Shared access to the data of a [`RwLock`]; released on drop.
///
/// ```
/// use runtime::sync::RwLock;
///
/// let lock = RwLock::new(String::from("shared"));
/// let guard = lock.try_read().unwrap();
/// assert_eq!(guard.len(), 6); // derefs to the data
/// drop(guard);
/// assert!(lock.try_write().is_ok());
/// ```
///
/// [`RwLockReadGuard::map`] narrows it to a part of the data (the guard's `T`
/// is then that part).
#[must_use = "dropping the guard releases the lock at once"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    /// The lock's semaphore, of which this guard owns one permit.
    s: &'a Semaphore,
    /// The lock's data, or the part of it a `map` chose: derived from the
    /// lock's cell, valid for `'a` and never written while the permit is held.
    data: *const T,
    _marker: PhantomData<&'a T>,
}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// A guard for `data`, owning one permit of `s` (already acquired).
    fn new(s: &'a Semaphore, data: *const T) -> Self {
        RwLockReadGuard {
            s,
            data,
            _marker: PhantomData,
        }
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard owns one of the lock's permits, so no writer
        // (which needs all of them) holds the lock while it lives; readers only
        // create shared references. `data` points into the lock, borrowed for
        // `'a` (it came from the lock's cell, or from a `&` into it that a map
        // closure returned). The result borrows the guard.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Exclusive access to the data of a [`RwLock`]; released on drop.
///
/// ```
/// use runtime::sync::RwLock;
///
/// let lock = RwLock::new(vec![1]);
/// let mut guard = lock.try_write().unwrap();
/// guard.push(2); // derefs mutably to the data
/// drop(guard);
/// assert_eq!(*lock.try_read().unwrap(), [1, 2]);
/// ```
#[must_use = "dropping the guard releases the lock at once"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Turns write access into read access without letting a writer in
    /// between. Readers queued behind are let in too (up to the limit).
    ///
    /// ```
    /// use runtime::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let mut w = lock.try_write().unwrap();
    /// *w = 2;
    /// let r = w.downgrade();
    /// assert_eq!(*r, 2);
    /// assert!(lock.try_read().is_ok()); // other readers may join
    /// assert!(lock.try_write().is_err()); // writers may not
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let lock = self.lock;
        std::mem::forget(self);
        lock.s.release(lock.max_readers as usize - 1);
        RwLockReadGuard::new(&lock.s, lock.c.get())
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard owns every permit of the lock, so no other guard
        // exists; the result borrows the guard.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` rules out other references
        // made through this guard.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.s.release(self.lock.max_readers as usize);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn downgrade_keeps_writers_out_and_readers_in() {
        let lock = RwLock::with_max_readers(1, 4);
        let w = lock.try_write().unwrap();
        assert!(lock.try_read().is_err());
        let r = w.downgrade();
        assert!(lock.try_write().is_err());
        let r2 = lock.try_read().unwrap();
        assert_eq!(*r + *r2, 2);
        drop((r, r2));
        assert_eq!(lock.s.available_permits(), 4);
        assert_eq!(format!("{lock:?}"), "RwLock { data: 1 }");
        let mut lock = lock;
        *lock.get_mut() = 3;
        assert_eq!(*lock.blocking_read(), 3);
        *lock.blocking_write() = 4;
        assert_eq!(lock.into_inner(), 4);
    }

    #[test]
    #[should_panic(expected = "readers")]
    fn zero_readers_panics() {
        let _ = RwLock::with_max_readers((), 0);
    }
}
