//! The synchronisation building blocks the runtime's crates are built on,
//! swapped for loom's under `--cfg loom` so the model checker sees every
//! access. One shim for the workspace: runtime-core uses it, and
//! runtime-sync re-exports it as its `crate::loom` (a crate that uses a
//! primitive directly from `std::sync` is invisible to loom there).
//!
//! Not part of the user API (hidden from the docs); its items follow std's
//! and loom's, plus [`UnsafeCell`] with loom's closure-based access and
//! [`lock`], which ignores poisoning.

#[cfg(loom)]
pub use loom::sync::{
    atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize},
    Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard,
};

#[cfg(not(loom))]
pub use std::sync::{
    atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize},
    Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard,
};

pub use std::sync::atomic::Ordering;

#[cfg(loom)]
pub use loom::cell::UnsafeCell;

/// `std::cell::UnsafeCell` with loom's closure-based access API, so the same
/// code compiles against both.
///
/// ```
/// use runtime_core::sync::UnsafeCell;
///
/// let cell = UnsafeCell::new(1);
/// // SAFETY: no other access to the cell exists.
/// cell.with_mut(|p| unsafe { *p += 1 });
/// // SAFETY: no concurrent `with_mut`.
/// assert_eq!(cell.with(|p| unsafe { *p }), 2);
/// ```
#[cfg(not(loom))]
#[derive(Debug)]
pub struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    /// A cell holding `value`.
    pub const fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// Shared access; the caller guarantees no concurrent `with_mut`.
    #[inline]
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Exclusive access; the caller guarantees no concurrent access at all.
    #[inline]
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

/// Locks `mutex`, ignoring poisoning: the runtime's critical sections run no
/// user code that could panic half-way, so a poisoned lock still guards
/// valid data, and propagating the poison would only turn one panic into
/// many.
///
/// ```
/// use runtime_core::sync::{lock, Mutex};
///
/// let m = Mutex::new(5);
/// assert_eq!(*lock(&m), 5);
/// ```
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
