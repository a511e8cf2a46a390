//! A tiny shim over the synchronisation building blocks of `idle.rs`, so the
//! same code runs on the real locks normally and under the `loom` model
//! checker when built with `RUSTFLAGS="--cfg loom"` (see the model in
//! `multi_thread/idle.rs`).
//!
//! The normal build re-exports the real types unchanged:
//! `runtime_core::lock::Mutex` (parking_lot's or std's) and `std`'s atomics,
//! so the shim costs nothing. Under loom, `Mutex` wraps `loom::sync::Mutex`
//! with the same panic-free `lock()`.

#[cfg(not(loom))]
pub(crate) use runtime_core::lock::Mutex;
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{fence, AtomicUsize, Ordering};

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{fence, AtomicUsize, Ordering};

/// `loom::sync::Mutex` with `runtime_core::lock::Mutex` (parking_lot's or std's)'s API.
#[cfg(loom)]
pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

#[cfg(loom)]
impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Mutex<T> {
        Mutex(loom::sync::Mutex::new(value))
    }

    /// Locks; a poisoned lock only happens after a panic that already fails
    /// the model, so unwrapping is fine.
    pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap()
    }
}
