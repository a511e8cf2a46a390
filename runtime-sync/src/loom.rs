//! A tiny shim over the synchronisation building blocks this crate uses, so
//! that the same code runs on `std` normally and under the `loom` model
//! checker when built with `RUSTFLAGS="--cfg loom"`.
//!
//! Only what the crate needs is re-exported; add items here rather than
//! importing `std::sync` directly in a primitive.

#[cfg(not(loom))]
#[allow(unused_imports)]
pub(crate) use std::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};

#[cfg(loom)]
#[allow(unused_imports)]
pub(crate) use loom::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};

/// Locks `mutex`, ignoring poisoning.
///
/// The critical sections in this crate keep their data consistent at every
/// point where user code (a `Waker` clone or drop) could panic, so a poisoned
/// lock still guards valid data; propagating the poison would only turn one
/// panic into many.
#[allow(dead_code)]
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
