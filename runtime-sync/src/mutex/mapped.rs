//! Mapped mutex guards: a lock on a [`Mutex`] whose guard points at a part
//! of the protected data (a field, an element) instead of all of it.
//!
//! A mapped guard keeps the permit of the guard it came from (it releases it
//! on drop) and a raw pointer to the part. The pointer was derived from the
//! `&mut T` that the original guard handed to the mapping closure, so it stays
//! valid, and exclusive, for as long as the permit is held: the data cannot
//! move (the mutex is borrowed, or kept alive by the `Arc`) and no other guard
//! can exist. The closure runs while the mutex is held, which is the user's
//! lock, not an internal one.

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use super::{Mutex, MutexGuard, OwnedMutexGuard};
use crate::semaphore::Semaphore;

/// A [`MutexGuard`] narrowed to a part of the data by [`MutexGuard::map`] or
/// [`MutexGuard::try_map`]. It still holds the whole mutex, and unlocks it on
/// drop.
///
/// ```
/// use runtime::sync::{MappedMutexGuard, Mutex, MutexGuard};
///
/// let m = Mutex::new((String::from("name"), 0u32));
/// {
///     let mut count: MappedMutexGuard<'_, u32> = MutexGuard::map(m.try_lock().unwrap(), |p| &mut p.1);
///     *count += 1;
///     assert!(m.try_lock().is_err()); // the whole mutex stays locked
/// }
/// assert_eq!(m.try_lock().unwrap().1, 1);
/// ```
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    s: &'a Semaphore,
    data: *mut T,
    _marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard gives `&mut T` on whatever thread holds it (`T: Send`),
// and releasing its permit is thread-safe.
unsafe impl<'a, T: ?Sized + Send + 'a> Send for MappedMutexGuard<'a, T> {}
// SAFETY: a shared `&MappedMutexGuard` only gives `&T` (`T: Sync`).
unsafe impl<'a, T: ?Sized + Sync + 'a> Sync for MappedMutexGuard<'a, T> {}

/// An [`OwnedMutexGuard`] narrowed to a part `U` of the data `T` by
/// [`OwnedMutexGuard::map`] or [`OwnedMutexGuard::try_map`]. It keeps the
/// `Arc` of the mutex and holds the whole lock until dropped.
///
/// ```
/// use runtime::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
/// use std::sync::Arc;
///
/// let m = Arc::new(Mutex::new(vec![1, 2, 3]));
/// let guard = Arc::clone(&m).try_lock_owned().unwrap();
/// let mut first: OwnedMappedMutexGuard<Vec<i32>, i32> = OwnedMutexGuard::map(guard, |v| &mut v[0]);
/// std::thread::spawn(move || *first = 10).join().unwrap(); // `'static`
/// assert_eq!(*m.try_lock().unwrap(), [10, 2, 3]);
/// ```
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    lock: Arc<Mutex<T>>,
    data: *mut U,
}

// SAFETY: dropping the guard elsewhere releases the permit and may drop the
// last `Arc` of the mutex, hence the `T` (`T: Send`); the guard gives `&mut U`
// on the thread holding it (`U: Send`).
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}
// SAFETY: a shared reference gives `&U` (`U: Sync`); `T: Send + Sync` as for
// a shared `OwnedMutexGuard`, whose `Arc` it shares.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Narrows the guard to a part of the data, chosen by `f`. The mutex stays
    /// locked until the returned guard is dropped. An associated function
    /// (`MutexGuard::map(guard, f)`), so it does not shadow a method of `T`.
    ///
    /// If `f` panics, the original guard is dropped and the mutex unlocked.
    ///
    /// ```
    /// use runtime::sync::{Mutex, MutexGuard};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let m = Mutex::new([0u8; 4]);
    ///     let mut third = MutexGuard::map(m.lock().await, |a| &mut a[2]);
    ///     *third = 7;
    ///     drop(third);
    ///     assert_eq!(*m.lock().await, [0, 0, 7, 0]);
    /// }
    /// ```
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let s = &this.lock.s;
        std::mem::forget(this); // its permit moves to the mapped guard
        MappedMutexGuard {
            s,
            data,
            _marker: PhantomData,
        }
    }

    /// Like [`map`](MutexGuard::map), but `f` may decline by returning
    /// `None`; the original guard is then handed back, still locked.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(vec![1, 2]);
    /// let guard = m.try_lock().unwrap();
    /// let guard = MutexGuard::try_map(guard, |v| v.get_mut(5)).unwrap_err(); // no 6th
    /// let mut last = MutexGuard::try_map(guard, |v| v.last_mut()).unwrap();
    /// *last = 20;
    /// drop(last);
    /// assert_eq!(*m.try_lock().unwrap(), [1, 20]);
    /// ```
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else {
            return Err(this);
        };
        let s = &this.lock.s;
        std::mem::forget(this);
        Ok(MappedMutexGuard {
            s,
            data,
            _marker: PhantomData,
        })
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the guard further (see [`MutexGuard::map`]).
    ///
    /// ```
    /// use runtime::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(((1, 2), 3));
    /// let inner = MutexGuard::map(m.try_lock().unwrap(), |t| &mut t.0);
    /// let mut second = MappedMutexGuard::map(inner, |p| &mut p.1);
    /// *second = 20;
    /// drop(second);
    /// assert_eq!(*m.try_lock().unwrap(), ((1, 20), 3));
    /// ```
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        let s = this.s;
        std::mem::forget(this);
        MappedMutexGuard {
            s,
            data,
            _marker: PhantomData,
        }
    }

    /// Narrows the guard further if `f` returns `Some` (see
    /// [`MutexGuard::try_map`]).
    ///
    /// # Errors
    ///
    /// This guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(vec![Some(1), None]);
    /// let items = MutexGuard::map(m.try_lock().unwrap(), |v| v.as_mut_slice());
    /// let items = MappedMutexGuard::try_map(items, |s| s[1].as_mut()).unwrap_err();
    /// let one = MappedMutexGuard::try_map(items, |s| s[0].as_mut()).unwrap();
    /// assert_eq!(*one, 1);
    /// ```
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else {
            return Err(this);
        };
        let s = this.s;
        std::mem::forget(this);
        Ok(MappedMutexGuard {
            s,
            data,
            _marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: `data` came from the `&mut` the mapping closure returned,
        // which borrowed the data of the locked mutex; this guard owns the
        // mutex's only permit and the mutex is borrowed for `'a`, so the data
        // is alive, unmoved and reachable by no other guard. The result
        // borrows `self`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` rules out other references made
        // through this guard.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Takes the `Arc` out of a guard without running its `Drop` (which would
/// release the permit): the permit passes to whoever gets the `Arc`.
fn into_arc<T: ?Sized>(guard: OwnedMutexGuard<T>) -> Arc<Mutex<T>> {
    let guard = ManuallyDrop::new(guard);
    // SAFETY: `guard` is never dropped nor used again, so the `Arc` is moved
    // out exactly once and its reference count stays balanced.
    unsafe { std::ptr::read(&guard.lock) }
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// Narrows the guard to a part `U` of the data, chosen by `f`; the result
    /// keeps the `Arc` of the mutex and the lock (see [`MutexGuard::map`]).
    ///
    /// ```
    /// use runtime::sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let m = Arc::new(Mutex::new((0, String::new())));
    ///     let mut text = OwnedMutexGuard::map(Arc::clone(&m).lock_owned().await, |p| &mut p.1);
    ///     runtime::spawn(async move { text.push_str("hi") }).await.unwrap();
    ///     assert_eq!(m.lock().await.1, "hi");
    /// }
    /// ```
    pub fn map<U: ?Sized, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data: *mut U = f(&mut *this);
        OwnedMappedMutexGuard {
            lock: into_arc(this),
            data,
        }
    }

    /// Like [`map`](OwnedMutexGuard::map), but `f` may decline by returning
    /// `None`; the original guard is then handed back, still locked.
    ///
    /// # Errors
    ///
    /// The original guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(Some(5)));
    /// let guard = Arc::clone(&m).try_lock_owned().unwrap();
    /// let mut five = OwnedMutexGuard::try_map(guard, |o| o.as_mut()).unwrap();
    /// *five += 1;
    /// drop(five);
    /// assert_eq!(*m.try_lock().unwrap(), Some(6));
    /// ```
    pub fn try_map<U: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut U) else {
            return Err(this);
        };
        Ok(OwnedMappedMutexGuard {
            lock: into_arc(this),
            data,
        })
    }
}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Narrows the guard further (see [`OwnedMutexGuard::map`]).
    ///
    /// ```
    /// use runtime::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(((1, 2), 3)));
    /// let outer = OwnedMutexGuard::map(Arc::clone(&m).try_lock_owned().unwrap(), |t| &mut t.0);
    /// let mut one = OwnedMappedMutexGuard::map(outer, |p| &mut p.0);
    /// *one = 10;
    /// drop(one);
    /// assert_eq!(*m.try_lock().unwrap(), ((10, 2), 3));
    /// ```
    pub fn map<S: ?Sized, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, S>
    where
        F: FnOnce(&mut U) -> &mut S,
    {
        let data: *mut S = f(&mut *this);
        OwnedMappedMutexGuard {
            lock: this.into_arc(),
            data,
        }
    }

    /// Narrows the guard further if `f` returns `Some` (see
    /// [`OwnedMutexGuard::try_map`]).
    ///
    /// # Errors
    ///
    /// This guard, if `f` returned `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(vec![vec![1]]));
    /// let rows = OwnedMutexGuard::map(Arc::clone(&m).try_lock_owned().unwrap(), |v| v.as_mut_slice());
    /// let rows = OwnedMappedMutexGuard::try_map(rows, |r| r.get_mut(3)).unwrap_err();
    /// let row = OwnedMappedMutexGuard::try_map(rows, |r| r.get_mut(0)).unwrap();
    /// assert_eq!(*row, [1]);
    /// ```
    pub fn try_map<S: ?Sized, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        let Some(data) = f(&mut *this).map(|d| d as *mut S) else {
            return Err(this);
        };
        Ok(OwnedMappedMutexGuard {
            lock: this.into_arc(),
            data,
        })
    }

    /// The `Arc`, without running `Drop`: the permit goes with it.
    fn into_arc(self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped nor used again, so the `Arc` is
        // moved out exactly once and its reference count stays balanced.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: `data` came from the `&mut` the mapping closure returned,
        // borrowing the data of the mutex this guard holds locked (it owns the
        // only permit) and keeps alive (the `Arc`); the mutex's data lives in
        // the `Arc`'s allocation, so it does not move. The result borrows
        // `self`.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`; `&mut self` rules out other references made
        // through this guard.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
