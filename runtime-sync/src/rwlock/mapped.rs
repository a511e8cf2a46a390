//! Mapped [`RwLock`] guards: guards narrowed by a closure to a part of the
//! protected data. A mapped read guard is just a [`RwLockReadGuard`] (or
//! [`OwnedRwLockReadGuard`](crate::OwnedRwLockReadGuard)) of the part; mapped write guards are their own
//! types, since they can no longer be downgraded to the whole data.
//!
//! Each keeps the permits of the guard it came from and a raw pointer to the
//! part, derived from the reference the closure returned into the locked
//! data, so it is valid (and shared, or exclusive, as the permits say) for as
//! long as the guard lives. The closures run while the lock is held, which is
//! the user's lock, not an internal one.

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use crate::semaphore::Semaphore;

/// Exclusive access to a part of the data of a [`RwLock`], from
/// [`RwLockWriteGuard::map`] or [`RwLockWriteGuard::try_map`]. The whole lock
/// stays write-locked until it is dropped.
///
/// ```
/// use runtime::sync::{RwLock, RwLockWriteGuard};
///
/// let lock = RwLock::new((0, vec![1]));
/// let mut list = RwLockWriteGuard::map(lock.try_write().unwrap(), |p| &mut p.1);
/// list.push(2);
/// assert!(lock.try_read().is_err()); // still write-locked
/// drop(list);
/// assert_eq!(lock.try_read().unwrap().1, [1, 2]);
/// ```
#[must_use = "dropping the guard releases the lock at once"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    s: &'a Semaphore,
    /// The permits the write guard held (all of the lock's).
    permits: u32,
    data: *mut T,
    _marker: PhantomData<&'a mut T>,
}

/// Exclusive access to a part `U` of the data `T` of an `Arc`'d [`RwLock`],
/// from [`OwnedRwLockWriteGuard::map`](crate::OwnedRwLockWriteGuard::map) or
/// [`try_map`](crate::OwnedRwLockWriteGuard::try_map); keeps the `Arc`.
///
/// ```
/// use runtime::sync::{OwnedRwLockWriteGuard, RwLock};
/// use std::sync::Arc;
///
/// let lock = Arc::new(RwLock::new([0u8; 2]));
/// let w = Arc::clone(&lock).try_write_owned().unwrap();
/// let mut last = OwnedRwLockWriteGuard::map(w, |a| &mut a[1]);
/// std::thread::spawn(move || *last = 9).join().unwrap(); // `'static`
/// assert_eq!(*lock.try_read().unwrap(), [0, 9]);
/// ```
#[must_use = "dropping the guard releases the lock at once"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    pub(super) lock: Arc<RwLock<T>>,
    pub(super) data: *mut U,
}

// SAFETY: the guard gives `&mut T` on the thread holding it (`T: Send`);
// `T: Sync` as for `RwLockWriteGuard`, whose permits it holds.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: a shared reference only gives `&T` (`T: Sync`).
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: gives `&mut U` on the thread holding it (`U: Send`) and may drop
// the last `Arc`, hence the `T` there (`T: Send`); the bounds are Tokio's.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: a shared reference only gives `&U` (`U: Sync`).
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// Narrows the guard to a part of the data, chosen by `f`. The lock stays
    /// read-locked until the returned guard is dropped. An associated
    /// function (`RwLockReadGuard::map(guard, f)`), so it does not shadow a
    /// method of `T`.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockReadGuard};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let lock = RwLock::new((String::from("id"), 3));
    ///     let count = RwLockReadGuard::map(lock.read().await, |p| &p.1);
    ///     assert_eq!(*count, 3);
    /// }
    /// ```
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data: *const U = f(&*this);
        let s = this.s;
        std::mem::forget(this); // its permit moves to the new guard
        RwLockReadGuard::new(s, data)
    }

    /// Like [`map`](RwLockReadGuard::map), but `f` may decline by returning
    /// `None`; the original guard is then handed back.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new(vec![4, 5]);
    /// let guard = RwLockReadGuard::try_map(lock.try_read().unwrap(), |v| v.get(9)).unwrap_err();
    /// let five = RwLockReadGuard::try_map(guard, |v| v.last()).unwrap();
    /// assert_eq!(*five, 5);
    /// ```
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this).map(|d| d as *const U) else {
            return Err(this);
        };
        let s = this.s;
        std::mem::forget(this);
        Ok(RwLockReadGuard::new(s, data))
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Narrows the guard to a part of the data, chosen by `f`. The lock stays
    /// write-locked until the returned guard is dropped.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let lock = RwLock::new((1, 2));
    ///     let mut first = RwLockWriteGuard::map(lock.write().await, |p| &mut p.0);
    ///     *first = 10;
    ///     drop(first);
    ///     assert_eq!(*lock.read().await, (10, 2));
    /// }
    /// ```
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let lock = this.lock;
        std::mem::forget(this); // its permits move to the mapped guard
        RwLockMappedWriteGuard {
            s: &lock.s,
            permits: lock.max_readers,
            data,
            _marker: PhantomData,
        }
    }

    /// Like [`map`](RwLockWriteGuard::map), but `f` may decline by returning
    /// `None`; the original guard is then handed back.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(Some(1));
    /// let mut one = RwLockWriteGuard::try_map(lock.try_write().unwrap(), |o| o.as_mut()).unwrap();
    /// *one += 1;
    /// drop(one);
    /// assert_eq!(*lock.try_read().unwrap(), Some(2));
    /// ```
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else {
            return Err(this);
        };
        let lock = this.lock;
        std::mem::forget(this);
        Ok(RwLockMappedWriteGuard {
            s: &lock.s,
            permits: lock.max_readers,
            data,
            _marker: PhantomData,
        })
    }

    /// Turns the guard into a mapped one over the whole data (same as
    /// `RwLockWriteGuard::map(guard, |t| t)`), e.g. to store it where a
    /// mapped guard is expected.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(1);
    /// let mut g: RwLockMappedWriteGuard<'_, i32> =
    ///     RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    /// *g = 2;
    /// drop(g);
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        RwLockWriteGuard::map(this, |t| t)
    }

    /// Turns write access into shared access to a part of the data, chosen
    /// by `f`, without letting a writer in between. `f` runs while the lock
    /// is still exclusive; it gets `&T`, not `&mut T`.
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let mut w = lock.try_write().unwrap();
    /// w.1 = 20;
    /// let second = RwLockWriteGuard::downgrade_map(w, |p| &p.1);
    /// assert_eq!(*second, 20);
    /// assert!(lock.try_read().is_ok()); // readers may join
    /// assert!(lock.try_write().is_err()); // writers may not
    /// ```
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data: *const U = f(&*this);
        let lock = this.lock;
        std::mem::forget(this);
        lock.s.release(lock.max_readers as usize - 1);
        RwLockReadGuard::new(&lock.s, data)
    }

    /// Like [`downgrade_map`](RwLockWriteGuard::downgrade_map), but `f` may
    /// decline by returning `None`; the write guard is then handed back,
    /// still exclusive.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![3]);
    /// let w = RwLockWriteGuard::try_downgrade_map(lock.try_write().unwrap(), |v| v.get(1)).unwrap_err();
    /// assert!(lock.try_read().is_err()); // still write-locked
    /// let r = RwLockWriteGuard::try_downgrade_map(w, |v| v.first()).unwrap();
    /// assert_eq!(*r, 3);
    /// ```
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let Some(data) = f(&*this).map(|d| d as *const U) else {
            return Err(this);
        };
        let lock = this.lock;
        std::mem::forget(this);
        lock.s.release(lock.max_readers as usize - 1);
        Ok(RwLockReadGuard::new(&lock.s, data))
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    /// Narrows the guard further (see [`RwLockWriteGuard::map`]).
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(((1, 2), 3));
    /// let inner = RwLockWriteGuard::map(lock.try_write().unwrap(), |t| &mut t.0);
    /// let mut two = RwLockMappedWriteGuard::map(inner, |p| &mut p.1);
    /// *two = 20;
    /// drop(two);
    /// assert_eq!(*lock.try_read().unwrap(), ((1, 20), 3));
    /// ```
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let (s, permits) = (this.s, this.permits);
        std::mem::forget(this);
        RwLockMappedWriteGuard {
            s,
            permits,
            data,
            _marker: PhantomData,
        }
    }

    /// Narrows the guard further if `f` returns `Some` (see
    /// [`RwLockWriteGuard::try_map`]).
    ///
    /// # Errors
    ///
    /// This guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let all = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    /// let all = RwLockMappedWriteGuard::try_map(all, |v| v.get_mut(2)).unwrap_err();
    /// let mut one = RwLockMappedWriteGuard::try_map(all, |v| v.get_mut(0)).unwrap();
    /// *one = 5;
    /// ```
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else {
            return Err(this);
        };
        let (s, permits) = (this.s, this.permits);
        std::mem::forget(this);
        Ok(RwLockMappedWriteGuard {
            s,
            permits,
            data,
            _marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard owns every permit of the lock, so no other guard
        // exists; `data` came from the `&mut` a map closure returned into the
        // lock's data, which is borrowed for `'a`. The result borrows `self`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` rules out other references made
        // through this guard.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits as usize);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    /// Narrows the guard further (see
    /// [`OwnedRwLockWriteGuard::map`](crate::OwnedRwLockWriteGuard::map)).
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(((1, 2), 3)));
    /// let w = Arc::clone(&lock).try_write_owned().unwrap();
    /// let inner = OwnedRwLockWriteGuard::map(w, |t| &mut t.0);
    /// let mut one = OwnedRwLockMappedWriteGuard::map(inner, |p| &mut p.0);
    /// *one = 10;
    /// drop(one);
    /// assert_eq!(*lock.try_read().unwrap(), ((10, 2), 3));
    /// ```
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        let data: *mut V = f(&mut *this);
        OwnedRwLockMappedWriteGuard {
            lock: this.into_arc(),
            data,
        }
    }

    /// Narrows the guard further if `f` returns `Some`.
    ///
    /// # Errors
    ///
    /// This guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(vec![0]));
    /// let all = OwnedRwLockWriteGuard::into_mapped(Arc::clone(&lock).try_write_owned().unwrap());
    /// let all = OwnedRwLockMappedWriteGuard::try_map(all, |v| v.get_mut(1)).unwrap_err();
    /// let mut zero = OwnedRwLockMappedWriteGuard::try_map(all, |v| v.get_mut(0)).unwrap();
    /// *zero = 1;
    /// ```
    pub fn try_map<F, V: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut V) else {
            return Err(this);
        };
        Ok(OwnedRwLockMappedWriteGuard {
            lock: this.into_arc(),
            data,
        })
    }

    /// The lock this guard holds (an associated function).
    ///
    /// ```
    /// use runtime::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(()));
    /// let g = OwnedRwLockWriteGuard::into_mapped(Arc::clone(&lock).try_write_owned().unwrap());
    /// assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&g), &lock));
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

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: the guard owns every permit of the lock, so no other guard
        // exists; `data` came from the `&mut` a map closure returned into the
        // lock's data, which the `Arc` keeps alive in place. The result
        // borrows `self`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`; `&mut self` rules out other references made
        // through this guard.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(self.lock.max_readers as usize);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
