//! The owned guards of [`RwLock`]: they keep an `Arc` of the lock instead of
//! borrowing it, so they are `'static` (when `T` is) and can move into a
//! spawned task. Same permits as the borrowed guards: a reader owns one, a
//! writer all `max_readers`.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::{OwnedRwLockMappedWriteGuard, RwLock};
use crate::mutex::TryLockError;

/// Shared access to the data of an `Arc`'d [`RwLock`], from
/// [`RwLock::read_owned`] or [`RwLock::try_read_owned`]; released on drop.
///
/// `U` is the data the guard dereferences to: `T` itself, or the part of it
/// chosen by [`OwnedRwLockReadGuard::map`].
///
/// ```
/// use runtime::sync::RwLock;
/// use std::sync::Arc;
///
/// let lock = Arc::new(RwLock::new(String::from("cfg")));
/// let guard = Arc::clone(&lock).try_read_owned().unwrap();
/// let len = std::thread::spawn(move || guard.len()).join().unwrap(); // `'static`
/// assert_eq!(len, 3);
/// assert!(lock.try_write().is_ok()); // the guard was dropped on that thread
/// ```
#[must_use = "dropping the guard releases the lock at once"]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    pub(super) lock: Arc<RwLock<T>>,
    /// Into the lock's data, which the `Arc` keeps alive and unmoved.
    pub(super) data: *const U,
}

/// Exclusive access to the data of an `Arc`'d [`RwLock`], from
/// [`RwLock::write_owned`] or [`RwLock::try_write_owned`]; released on drop.
///
/// ```
/// use runtime::sync::RwLock;
/// use std::sync::Arc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let lock = Arc::new(RwLock::new(0));
///     let mut guard = Arc::clone(&lock).write_owned().await;
///     runtime::spawn(async move { *guard += 1 }).await.unwrap();
///     assert_eq!(*lock.read().await, 1);
/// }
/// ```
#[must_use = "dropping the guard releases the lock at once"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    pub(super) lock: Arc<RwLock<T>>,
}

// SAFETY: moving the guard moves shared access to `U` (`U: Sync`) and may
// drop the last `Arc`, and so the `T`, on the other thread (`T: Send`); other
// readers may read `T` meanwhile (`T: Sync`). Releasing a permit is
// thread-safe.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: a shared reference only gives `&U`; the bounds are Tokio's.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedRwLockReadGuard<T, U> {}
// SAFETY: the guard gives `&mut T` on the thread that holds it (`T: Send`),
// can be downgraded to shared access (`T: Sync`), and may drop the `T`.
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: a shared reference only gives `&T` (`T: Sync`).
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}

impl<T: ?Sized> RwLock<T> {
    /// [`read`](RwLock::read), returning a guard that holds an `Arc` of the
    /// lock.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as [`read`](RwLock::read) is: no access is lost, the place
    /// in the queue is. The `Arc` is dropped with the future.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let lock = Arc::new(RwLock::new(vec![1, 2]));
    ///     let guard = Arc::clone(&lock).read_owned().await;
    ///     let sum = runtime::spawn(async move { guard.iter().sum::<i32>() });
    ///     assert_eq!(sum.await.unwrap(), 3);
    /// }
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        if self.s.acquire_raw(1).await.is_err() {
            unreachable!("the semaphore of a RwLock is never closed");
        }
        let data = self.c.get().cast_const();
        OwnedRwLockReadGuard { lock: self, data }
    }

    /// [`write`](RwLock::write), returning a guard that holds an `Arc` of
    /// the lock.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as [`write`](RwLock::write) is: the reader slots it
    /// collected are returned, the place in the queue is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let lock = Arc::new(RwLock::new(String::new()));
    ///     let mut guard = Arc::clone(&lock).write_owned().await;
    ///     runtime::spawn(async move { guard.push('x') }).await.unwrap();
    ///     assert_eq!(*lock.read().await, "x");
    /// }
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        if self.s.acquire_raw(self.max_readers as usize).await.is_err() {
            unreachable!("the semaphore of a RwLock is never closed");
        }
        OwnedRwLockWriteGuard { lock: self }
    }

    /// [`try_read`](RwLock::try_read), returning an owned guard.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if a writer holds or waits for the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let r = Arc::clone(&lock).try_read_owned().unwrap();
    /// assert!(Arc::clone(&lock).try_read_owned().is_ok()); // readers share
    /// assert!(Arc::clone(&lock).try_write_owned().is_err());
    /// assert_eq!(*r, 1);
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        match self.s.try_acquire_raw(1) {
            Ok(()) => {
                let data = self.c.get().cast_const();
                Ok(OwnedRwLockReadGuard { lock: self, data })
            }
            Err(_) => Err(TryLockError(())),
        }
    }

    /// [`try_write`](RwLock::try_write), returning an owned guard.
    ///
    /// # Errors
    ///
    /// [`TryLockError`] if the lock is held or waited for.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut w = Arc::clone(&lock).try_write_owned().unwrap();
    /// assert!(Arc::clone(&lock).try_read_owned().is_err());
    /// *w = 2;
    /// drop(w);
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        match self.s.try_acquire_raw(self.max_readers as usize) {
            Ok(()) => Ok(OwnedRwLockWriteGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    /// Narrows the guard to a part `V` of the data, chosen by `f`. The lock
    /// stays read-locked until the returned guard is dropped. An associated
    /// function, so it does not shadow a method of `U`.
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, String::from("name"))));
    /// let guard = Arc::clone(&lock).try_read_owned().unwrap();
    /// let name: OwnedRwLockReadGuard<(i32, String), String> =
    ///     OwnedRwLockReadGuard::map(guard, |p| &p.1);
    /// assert_eq!(*name, "name");
    /// ```
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        let data: *const V = f(&*this);
        OwnedRwLockReadGuard {
            lock: this.into_arc(),
            data,
        }
    }

    /// Like [`map`](OwnedRwLockReadGuard::map), but `f` may decline by
    /// returning `None`; the original guard is then handed back.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(vec![7]));
    /// let guard = Arc::clone(&lock).try_read_owned().unwrap();
    /// let guard = OwnedRwLockReadGuard::try_map(guard, |v| v.get(1)).unwrap_err();
    /// let first = OwnedRwLockReadGuard::try_map(guard, |v| v.first()).unwrap();
    /// assert_eq!(*first, 7);
    /// ```
    pub fn try_map<F, V: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        let Some(data) = f(&*this).map(|d| d as *const V) else {
            return Err(this);
        };
        Ok(OwnedRwLockReadGuard {
            lock: this.into_arc(),
            data,
        })
    }

    /// The lock this guard holds (an associated function).
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(()));
    /// let guard = Arc::clone(&lock).try_read_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&guard), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// The `Arc`, without running `Drop`: the permit goes with it.
    fn into_arc(self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so the `Arc` is
        // moved out exactly once and its reference count stays balanced.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: the guard owns one permit, so no writer (which needs all of
        // them) exists while it lives; `data` points into the lock's data
        // (from its cell, or a `&` a map closure returned into it), which the
        // `Arc` keeps alive in place. The result borrows the guard.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    /// Narrows the guard to a part `U` of the data, chosen by `f`; the lock
    /// stays write-locked until the returned guard is dropped.
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((0, 0)));
    /// let guard = Arc::clone(&lock).try_write_owned().unwrap();
    /// let mut second = OwnedRwLockWriteGuard::map(guard, |p| &mut p.1);
    /// *second = 5;
    /// drop(second);
    /// assert_eq!(*lock.try_read().unwrap(), (0, 5));
    /// ```
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        OwnedRwLockMappedWriteGuard {
            lock: this.into_arc(),
            data,
        }
    }

    /// Like [`map`](OwnedRwLockWriteGuard::map), but `f` may decline by
    /// returning `None`; the original guard is then handed back.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(None::<u8>));
    /// let guard = Arc::clone(&lock).try_write_owned().unwrap();
    /// let mut guard = OwnedRwLockWriteGuard::try_map(guard, |o| o.as_mut()).unwrap_err();
    /// *guard = Some(1);
    /// ```
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else {
            return Err(this);
        };
        Ok(OwnedRwLockMappedWriteGuard {
            lock: this.into_arc(),
            data,
        })
    }

    /// Turns the guard into a mapped one over the whole data (same as
    /// `OwnedRwLockWriteGuard::map(guard, |t| t)`).
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = Arc::clone(&lock).try_write_owned().unwrap();
    /// let mut mapped: OwnedRwLockMappedWriteGuard<i32> = OwnedRwLockWriteGuard::into_mapped(guard);
    /// *mapped = 2;
    /// ```
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        OwnedRwLockWriteGuard::map(this, |t| t)
    }

    /// Turns write access into shared access to a part `U` of the data,
    /// chosen by `f`, without letting a writer in between. `f` gets `&T`
    /// while the lock is still exclusive.
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let mut w = Arc::clone(&lock).try_write_owned().unwrap();
    /// w.0 = 10;
    /// let first = OwnedRwLockWriteGuard::downgrade_map(w, |p| &p.0);
    /// assert_eq!(*first, 10);
    /// assert!(Arc::clone(&lock).try_read_owned().is_ok()); // readers may join
    /// assert!(lock.try_write().is_err());
    /// ```
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data: *const U = f(&*this);
        let lock = this.into_arc();
        lock.s.release(lock.max_readers as usize - 1);
        OwnedRwLockReadGuard { lock, data }
    }

    /// Like [`downgrade_map`](OwnedRwLockWriteGuard::downgrade_map), but `f`
    /// may decline by returning `None`; the write guard is then handed back,
    /// still exclusive.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(vec![1]));
    /// let w = Arc::clone(&lock).try_write_owned().unwrap();
    /// let w = OwnedRwLockWriteGuard::try_downgrade_map(w, |v| v.get(4)).unwrap_err();
    /// assert!(lock.try_read().is_err()); // still write-locked
    /// let r = OwnedRwLockWriteGuard::try_downgrade_map(w, |v| v.first()).unwrap();
    /// assert_eq!(*r, 1);
    /// ```
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this).map(|d| d as *const U) else {
            return Err(this);
        };
        let lock = this.into_arc();
        lock.s.release(lock.max_readers as usize - 1);
        Ok(OwnedRwLockReadGuard { lock, data })
    }

    /// Turns write access into read access without letting a writer in
    /// between; readers queued behind are let in too.
    ///
    /// ```
    /// use runtime::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut w = Arc::clone(&lock).try_write_owned().unwrap();
    /// *w = 2;
    /// let r = w.downgrade();
    /// assert_eq!(*r, 2);
    /// assert!(lock.try_read().is_ok());
    /// assert!(lock.try_write().is_err());
    /// ```
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        let lock = self.into_arc();
        lock.s.release(lock.max_readers as usize - 1);
        let data = lock.c.get().cast_const();
        OwnedRwLockReadGuard { lock, data }
    }

    /// The lock this guard holds (an associated function).
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(()));
    /// let guard = Arc::clone(&lock).try_write_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&guard), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// The `Arc`, without running `Drop`: the permits go with it.
    fn into_arc(self) -> Arc<RwLock<T>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so the `Arc` is
        // moved out exactly once and its reference count stays balanced.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard owns every permit of the lock, so no other guard
        // exists; the `Arc` keeps the data alive. The result borrows the guard.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` rules out other references made
        // through this guard.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(self.lock.max_readers as usize);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
