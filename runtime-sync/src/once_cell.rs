//! A cell initialised at most once, by an async initialiser.
//!
//! # Design
//!
//! The value lives in a `std::sync::OnceLock<T>`, which gives lock-free reads
//! and handles the memory ordering of publication. Async initialisers are
//! serialised by a [`Semaphore`] with one permit: the task holding the permit
//! runs its initialiser while the others wait in FIFO order. Once the value is
//! stored the semaphore is closed, which wakes every waiter; they read the
//! value. If the initialiser fails or its future is dropped, the permit goes
//! back to the semaphore and the next waiter runs its own initialiser.

use std::fmt;
use std::future::Future;
use std::sync::OnceLock;

use crate::semaphore::{Semaphore, SemaphorePermit, TryAcquireError};

/// A thread-safe cell written once, with async initialisation.
///
/// Same API and semantics as `tokio::sync::OnceCell`: concurrent
/// [`get_or_init`](OnceCell::get_or_init) calls run exactly one initialiser at
/// a time; if it is cancelled (or [`get_or_try_init`](OnceCell::get_or_try_init)
/// fails), the next caller's initialiser runs. `new` is a `const fn` (except
/// under `--cfg loom`).
///
/// ```
/// use runtime_sync::OnceCell;
///
/// static CELL: OnceCell<u32> = OnceCell::const_new();
/// assert!(CELL.get().is_none());
/// CELL.set(7).unwrap();
/// assert_eq!(CELL.get(), Some(&7));
/// assert!(CELL.set(8).unwrap_err().is_already_init_err());
/// ```
///
/// Async initialisation (needs an executor, so not run here; the same code
/// runs as `doc_example_once_cell` in the facade's `tests/sync_locks.rs`):
///
/// ```ignore
/// use runtime::sync::OnceCell;
///
/// static CONFIG: OnceCell<String> = OnceCell::const_new();
///
/// async fn load() -> String {
///     String::from("loaded")
/// }
///
/// #[runtime::main]
/// async fn main() {
///     let first = CONFIG.get_or_init(load).await;
///     let again = CONFIG.get_or_init(|| async { unreachable!() }).await;
///     assert_eq!((first.as_str(), again.as_str()), ("loaded", "loaded"));
/// }
/// ```
pub struct OnceCell<T> {
    value: OnceLock<T>,
    semaphore: Semaphore,
}

/// Error returned by [`OnceCell::set`]; it gives the value back.
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell was already initialised.
    AlreadyInitializedError(T),
    /// Another task is running an initialiser right now.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// True for [`SetError::AlreadyInitializedError`].
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// True for [`SetError::InitializingError`].
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }

    /// The value that could not be stored.
    pub fn into_inner(self) -> T {
        match self {
            SetError::AlreadyInitializedError(v) | SetError::InitializingError(v) => v,
        }
    }
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError"),
            SetError::InitializingError(_) => f.write_str("InitializingError"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for SetError<T> {}

impl<T> OnceCell<T> {
    /// Creates an empty cell.
    #[cfg(not(loom))]
    pub const fn new() -> OnceCell<T> {
        OnceCell {
            value: OnceLock::new(),
            semaphore: Semaphore::new(1),
        }
    }

    /// Creates an empty cell.
    #[cfg(loom)]
    pub fn new() -> OnceCell<T> {
        OnceCell {
            value: OnceLock::new(),
            semaphore: Semaphore::new(1),
        }
    }

    /// Same as [`new`](OnceCell::new), which is already `const`; kept for code
    /// written against Tokio.
    #[cfg(not(loom))]
    pub const fn const_new() -> OnceCell<T> {
        OnceCell::new()
    }

    /// Creates a cell holding `value` if it is `Some`, else an empty one.
    pub fn new_with(value: Option<T>) -> OnceCell<T> {
        match value {
            None => OnceCell::new(),
            Some(v) => OnceCell {
                value: OnceLock::from(v),
                semaphore: Semaphore::new_closed(),
            },
        }
    }

    /// True once a value is stored.
    pub fn initialized(&self) -> bool {
        self.value.get().is_some()
    }

    /// The value, if it is stored.
    pub fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// The value through exclusive access, if it is stored.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut()
    }

    /// Stores `value` if the cell is empty and no initialiser is running.
    ///
    /// # Errors
    ///
    /// [`SetError::AlreadyInitializedError`] or
    /// [`SetError::InitializingError`], each returning `value`.
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire() {
            Ok(permit) => {
                self.store(value, permit);
                Ok(())
            }
            Err(TryAcquireError::Closed) => Err(SetError::AlreadyInitializedError(value)),
            Err(TryAcquireError::NoPermits) => Err(SetError::InitializingError(value)),
        }
    }

    /// Stores the value while holding the initialiser permit, then closes the
    /// semaphore so every waiting initialiser wakes up and reads it.
    fn store(&self, value: T, permit: SemaphorePermit<'_>) -> &T {
        // Holding the permit makes us the only writer, and the cell was empty
        // when we got it (it is closed once set), so this cannot fail.
        if self.value.set(value).is_err() {
            unreachable!("OnceCell written twice");
        }
        self.semaphore.close();
        drop(permit);
        match self.value.get() {
            Some(v) => v,
            None => unreachable!("OnceCell empty right after it was set"),
        }
    }

    /// The value, after running `f` to produce it if the cell is empty. Only
    /// one initialiser runs at a time; the other callers wait for it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if this future is dropped while its initialiser runs, the
    /// initialiser is dropped too and the next waiting caller runs its own.
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        if let Some(v) = self.get() {
            return v;
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                let value = f().await;
                self.store(value, permit)
            }
            // Closed: the value is stored.
            Err(_) => match self.get() {
                Some(v) => v,
                None => unreachable!("OnceCell semaphore closed before the value was set"),
            },
        }
    }

    /// Like [`get_or_init`](OnceCell::get_or_init) with a fallible
    /// initialiser: on `Err` the cell stays empty and the next waiting caller
    /// runs its initialiser.
    ///
    /// # Errors
    ///
    /// The error of this caller's initialiser.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`get_or_init`](OnceCell::get_or_init).
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                let value = f().await?;
                Ok(self.store(value, permit))
            }
            Err(_) => match self.get() {
                Some(v) => Ok(v),
                None => unreachable!("OnceCell semaphore closed before the value was set"),
            },
        }
    }

    /// Consumes the cell, returning its value if set.
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Takes the value out, leaving the cell empty (and initialisable again).
    pub fn take(&mut self) -> Option<T> {
        let value = self.value.take();
        if value.is_some() {
            self.semaphore = Semaphore::new(1);
        }
        value
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> OnceCell<T> {
        OnceCell::new_with(Some(value))
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::waiters::block_on;

    #[test]
    fn set_take_and_reinit() {
        let mut cell = OnceCell::new();
        assert_eq!(*block_on(cell.get_or_init(|| async { 1 })), 1);
        assert_eq!(*block_on(cell.get_or_init(|| async { 2 })), 1);
        assert_eq!(cell.take(), Some(1));
        assert!(!cell.initialized());
        let r: Result<&i32, &str> = block_on(cell.get_or_try_init(|| async { Err("no") }));
        assert_eq!(r, Err("no"));
        assert_eq!(
            block_on(cell.get_or_try_init(|| async { Ok::<_, ()>(3) })),
            Ok(&3)
        );
        assert_eq!(format!("{cell:?}"), "OnceCell { value: Some(3) }");
        assert_eq!(cell.clone(), OnceCell::from(3));
        *cell.get_mut().unwrap() = 4;
        assert_eq!(cell.into_inner(), Some(4));
    }

    #[test]
    fn set_while_initialising_fails() {
        let cell = OnceCell::new();
        let permit = cell.semaphore.try_acquire().unwrap();
        let err = cell.set(5).unwrap_err();
        assert!(err.is_initializing_err());
        assert_eq!(err.to_string(), "InitializingError");
        assert_eq!(err.into_inner(), 5);
        drop(permit);
        cell.set(6).unwrap();
        assert!(cell.set(7).unwrap_err().is_already_init_err());
    }
}
