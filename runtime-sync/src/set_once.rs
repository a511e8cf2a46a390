//! A cell set at most once, whose readers can wait for the value.
//!
//! # Design
//!
//! The value lives in the same storage as [`OnceCell`](crate::OnceCell)'s (a
//! `std::sync::OnceLock` plus a slot for a value fixed at compile time). A
//! [`Notify`] wakes the waiters: [`SetOnce::set`] stores the value, then calls
//! `notify_waiters`. A waiter creates its `Notified` *before* checking for the
//! value, so a `set` between the check and the await still reaches it (a
//! `Notified` receives every `notify_waiters` made after its creation).

use std::fmt;

use crate::chan_util::consume_budget;
use crate::notify::Notify;
use crate::once_cell::slot::OnceSlot;

/// A thread-safe cell that is set at most once, and that tasks can
/// [`wait`](SetOnce::wait) on until it is.
///
/// Unlike [`OnceCell`](crate::OnceCell), there is no async initialiser: any
/// thread or task sets the value with [`set`](SetOnce::set) (the first call
/// wins), and readers either look with [`get`](SetOnce::get) or wait for it.
/// Same API and semantics as `tokio::sync::SetOnce`, except that
/// [`wait`](SetOnce::wait) spends the task's cooperative budget even when the
/// value is already there, so a loop over it still yields to the scheduler.
///
/// # Examples
///
/// ```
/// use runtime::sync::SetOnce;
/// use std::sync::Arc;
///
/// #[runtime::main]
/// async fn main() {
///     let ready = Arc::new(SetOnce::new());
///     let r = Arc::clone(&ready);
///     let waiter = runtime::spawn(async move { *r.wait().await * 2 });
///     ready.set(21).unwrap();
///     assert_eq!(waiter.await.unwrap(), 42);
///     assert!(ready.set(0).is_err()); // set once
/// }
/// ```
pub struct SetOnce<T> {
    value: OnceSlot<T>,
    notify: Notify,
}

/// Error returned by [`SetOnce::set`] when the cell already holds a value; it
/// gives the rejected value back.
///
/// ```
/// use runtime::sync::{SetOnce, SetOnceError};
///
/// let cell = SetOnce::new_with(Some(1));
/// let SetOnceError(rejected) = cell.set(2).unwrap_err();
/// assert_eq!(rejected, 2);
/// assert_eq!(SetOnceError(()).to_string(), "SetOnceError");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> std::error::Error for SetOnceError<T> {}

impl<T> SetOnce<T> {
    /// Creates an empty cell.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// let cell = SetOnce::<u8>::new();
    /// assert!(!cell.initialized());
    /// ```
    pub fn new() -> SetOnce<T> {
        SetOnce {
            value: OnceSlot::new(),
            notify: Notify::new(),
        }
    }

    /// Creates an empty cell in a `const` context (for statics).
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// static PORT: SetOnce<u16> = SetOnce::const_new();
    /// PORT.set(8080).unwrap();
    /// assert_eq!(PORT.get(), Some(&8080));
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> SetOnce<T> {
        SetOnce {
            value: OnceSlot::new(),
            notify: Notify::const_new(),
        }
    }

    /// Creates a cell holding `value` if it is `Some`, else an empty one.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// assert_eq!(SetOnce::new_with(Some(3)).get(), Some(&3));
    /// assert!(!SetOnce::<u8>::new_with(None).initialized());
    /// ```
    pub fn new_with(value: Option<T>) -> SetOnce<T> {
        SetOnce {
            value: value.map_or_else(OnceSlot::new, OnceSlot::from),
            notify: Notify::new(),
        }
    }

    /// Creates a cell already holding `value`, in a `const` context.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// static MODE: SetOnce<&str> = SetOnce::const_new_with("fast");
    /// assert_eq!(MODE.get(), Some(&"fast"));
    /// assert!(MODE.set("slow").is_err());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> SetOnce<T> {
        SetOnce {
            value: OnceSlot::with_value(value),
            notify: Notify::const_new(),
        }
    }

    /// True once the value is set.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// let cell = SetOnce::new();
    /// assert!(!cell.initialized());
    /// cell.set(()).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value.get().is_some()
    }

    /// The value, if it is set. Never waits.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// let cell = SetOnce::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set('x').unwrap();
    /// assert_eq!(cell.get(), Some(&'x'));
    /// ```
    pub fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// Sets the value if the cell is empty, and wakes every task waiting in
    /// [`wait`](SetOnce::wait).
    ///
    /// # Errors
    ///
    /// [`SetOnceError`] with `value` if the cell already holds a value (or
    /// another thread is storing one right now).
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// let cell = SetOnce::new();
    /// assert!(cell.set(1).is_ok());
    /// assert_eq!(cell.set(2).unwrap_err().0, 2);
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        self.value.set(value).map_err(SetOnceError)?;
        self.notify.notify_waiters();
        Ok(())
    }

    /// Consumes the cell and returns its value, if set.
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    ///
    /// let cell = SetOnce::new();
    /// cell.set(String::from("v")).unwrap();
    /// assert_eq!(cell.into_inner().as_deref(), Some("v"));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Waits until the value is set and returns it; returns at once if it is
    /// set already.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it only observes the cell.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::SetOnce;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let cell = Arc::new(SetOnce::new());
    ///     let c = Arc::clone(&cell);
    ///     runtime::spawn(async move { c.set("ready").unwrap() });
    ///     assert_eq!(*cell.wait().await, "ready");
    /// }
    /// ```
    pub async fn wait(&self) -> &T {
        // The budget even when the value is there, as `OnceCell::get_or_init`.
        consume_budget().await;
        loop {
            // Created before the check, so a `set` in between reaches it.
            let notified = self.notify.notified();
            if let Some(v) = self.get() {
                return v;
            }
            notified.await;
        }
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce::new_with(Some(value))
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> SetOnce<T> {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &SetOnce<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}
