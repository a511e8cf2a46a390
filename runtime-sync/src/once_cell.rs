//! A cell initialised at most once, by an async initialiser.
//!
//! # Design
//!
//! The value lives in a `std::sync::OnceLock<T>`, which gives lock-free reads
//! and handles the memory ordering of publication (beside it, a value fixed by
//! [`OnceCell::const_new_with`]; see `once_cell/slot.rs`). Async initialisers are
//! serialised by a [`Semaphore`] with one permit: the task holding the permit
//! runs its initialiser while the others wait in FIFO order. Once the value is
//! stored the semaphore is closed, which wakes every waiter; they read the
//! value. If the initialiser fails or its future is dropped, the permit goes
//! back to the semaphore and the next waiter runs its own initialiser.

use crate::chan_util::consume_budget;
use crate::semaphore::{Semaphore, SemaphorePermit, TryAcquireError};
use std::fmt;
use std::future::Future;

// The value's storage, shared with `SetOnce`.
pub(crate) mod slot;
use slot::OnceSlot;

/// A thread-safe cell written once, with async initialisation.
///
/// Same API and semantics as `tokio::sync::OnceCell`: concurrent
/// [`get_or_init`](OnceCell::get_or_init) calls run exactly one initialiser at
/// a time; if it is cancelled (or [`get_or_try_init`](OnceCell::get_or_try_init)
/// fails), the next caller's initialiser runs. `new` is a `const fn` (except
/// under `--cfg loom`). Unlike Tokio's, `get_or_init` and `get_or_try_init`
/// spend the task's cooperative budget even when the value is already set, so
/// a loop over them still yields to the scheduler.
///
/// # Examples
///
/// ```
/// use runtime::sync::OnceCell;
///
/// static CELL: OnceCell<u32> = OnceCell::const_new();
/// assert!(CELL.get().is_none());
/// CELL.set(7).unwrap();
/// assert_eq!(CELL.get(), Some(&7));
/// assert!(CELL.set(8).unwrap_err().is_already_init_err());
/// ```
///
/// Async initialisation:
///
/// ```
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
    value: OnceSlot<T>,
    semaphore: Semaphore,
}

/// Error returned by [`OnceCell::set`]; it gives the value back.
///
/// ```
/// use runtime::sync::{OnceCell, SetError};
///
/// let cell = OnceCell::new_with(Some(1));
/// match cell.set(2) {
///     Err(SetError::AlreadyInitializedError(v)) => assert_eq!(v, 2),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell was already initialised.
    AlreadyInitializedError(T),
    /// Another task is running an initialiser right now.
    InitializingError(T),
}

impl<T> SetError<T> {
    /// True for [`SetError::AlreadyInitializedError`].
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// let cell = OnceCell::from(1);
    /// assert!(cell.set(2).unwrap_err().is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// True for [`SetError::InitializingError`].
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    /// use std::future::Future;
    /// use std::pin::pin;
    /// use std::task::{Context, Waker};
    ///
    /// let cell = OnceCell::new();
    /// // An initialiser that is still running (polled once, pending).
    /// let mut init = pin!(cell.get_or_init(std::future::pending));
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(init.as_mut().poll(&mut cx).is_pending());
    /// assert!(cell.set(1).unwrap_err().is_initializing_err());
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }

    /// The value that could not be stored.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// let cell = OnceCell::from(String::from("first"));
    /// let err = cell.set(String::from("second")).unwrap_err();
    /// assert_eq!(err.into_inner(), "second");
    /// ```
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
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// static ID: OnceCell<u64> = OnceCell::new(); // `const`
    /// assert_eq!(ID.get(), None);
    /// ```
    #[cfg(not(loom))]
    pub const fn new() -> OnceCell<T> {
        OnceCell {
            value: OnceSlot::new(),
            semaphore: Semaphore::new(1),
        }
    }

    /// Creates an empty cell.
    #[cfg(loom)]
    pub fn new() -> OnceCell<T> {
        OnceCell {
            value: OnceSlot::new(),
            semaphore: Semaphore::new(1),
        }
    }

    /// Same as [`new`](OnceCell::new), which is already `const`; kept for code
    /// written against Tokio.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// static NAME: OnceCell<&str> = OnceCell::const_new();
    /// NAME.set("svc").unwrap();
    /// assert_eq!(NAME.get(), Some(&"svc"));
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> OnceCell<T> {
        OnceCell::new()
    }

    /// Creates a cell already holding `value`, in a `const` context (for
    /// statics).
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// static LIMIT: OnceCell<u32> = OnceCell::const_new_with(100);
    /// assert_eq!(LIMIT.get(), Some(&100));
    /// assert!(LIMIT.set(5).unwrap_err().is_already_init_err());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> OnceCell<T> {
        OnceCell {
            value: OnceSlot::with_value(value),
            semaphore: Semaphore::new_closed(),
        }
    }

    /// Creates a cell holding `value` if it is `Some`, else an empty one.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// assert_eq!(OnceCell::new_with(Some(3)).get(), Some(&3));
    /// assert!(!OnceCell::<u8>::new_with(None).initialized());
    /// ```
    pub fn new_with(value: Option<T>) -> OnceCell<T> {
        match value {
            None => OnceCell::new(),
            Some(v) => OnceCell {
                value: OnceSlot::from(v),
                semaphore: Semaphore::new_closed(),
            },
        }
    }

    /// True once a value is stored.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert!(!cell.initialized());
    /// cell.set(()).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value.get().is_some()
    }

    /// The value, if it is stored. Never waits, even while an initialiser
    /// runs.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set(5).unwrap();
    /// assert_eq!(cell.get(), Some(&5));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// The value through exclusive access, if it is stored.
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// let mut cell = OnceCell::from(1);
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut()
    }

    /// Stores `value` if the cell is empty and no initialiser is running.
    ///
    /// # Errors
    ///
    /// [`SetError::AlreadyInitializedError`] or
    /// [`SetError::InitializingError`], each returning `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert!(cell.set(1).is_ok());
    /// assert_eq!(cell.set(2).unwrap_err().into_inner(), 2);
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
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
    /// This method is cancel safe: the cell is never left locked or half set.
    /// Dropped while waiting for the running initialiser, the future leaves
    /// the semaphore's queue (a turn just handed to it is passed on). Dropped
    /// while its own initialiser runs, it drops that initialiser's future
    /// (its work so far is lost) and the turn permit, so the next waiting
    /// caller runs its own initialiser; the cell stays empty until one
    /// completes.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let cell = OnceCell::new();
    ///     let v = cell.get_or_init(|| async { 1 + 1 }).await;
    ///     assert_eq!(*v, 2);
    ///     // Already set: the second initialiser is not run.
    ///     assert_eq!(*cell.get_or_init(|| async { 99 }).await, 2);
    /// }
    /// ```
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        // Spend the cooperative budget even when the value is there already,
        // so a loop over a set cell still yields to the scheduler.
        consume_budget().await;
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
    /// This method is cancel safe, as [`get_or_init`](OnceCell::get_or_init)
    /// is: a dropped call leaves the cell empty and lets the next caller
    /// initialise it.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let cell = OnceCell::new();
    ///     let failed = cell.get_or_try_init(|| async { Err("offline") }).await;
    ///     assert_eq!(failed, Err("offline"));
    ///     assert!(!cell.initialized()); // the next caller tries again
    ///     let ok = cell.get_or_try_init(|| async { Ok::<_, &str>(7) }).await;
    ///     assert_eq!(ok, Ok(&7));
    /// }
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        // As in `get_or_init`.
        consume_budget().await;
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
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// assert_eq!(OnceCell::from("v").into_inner(), Some("v"));
    /// assert_eq!(OnceCell::<u8>::new().into_inner(), None);
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Takes the value out, leaving the cell empty (and initialisable again).
    ///
    /// ```
    /// use runtime::sync::OnceCell;
    ///
    /// let mut cell = OnceCell::from(1);
    /// assert_eq!(cell.take(), Some(1));
    /// assert_eq!(cell.take(), None);
    /// cell.set(2).unwrap(); // can be set again
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
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
