//! Task-local storage: `task_local!`, `LocalKey` and `TaskLocalFuture`.
//!
//! A key is a thread-local `RefCell<Option<T>>`. A scope moves its value
//! into that slot only for the duration of one poll (or one closure call)
//! and moves it back out afterwards, also on unwind, so the value travels
//! with the future that owns it: across `.await`s, and across worker
//! threads when the task is moved between them.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Declares task-local keys: `static`s of type [`LocalKey`], whose value is
/// set by [`LocalKey::scope`] (for a future) or [`LocalKey::sync_scope`] (for
/// a closure) and read inside it with [`LocalKey::with`] or
/// [`LocalKey::get`].
///
/// The syntax is `thread_local!`'s without an initial value: attributes and
/// visibility as usual, and any number of keys.
///
/// ```
/// runtime::task_local! {
///     /// The request being served.
///     pub static REQUEST_ID: u64;
///     static USER: String;
/// }
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     REQUEST_ID
///         .scope(7, async {
///             runtime::task::yield_now().await;
///             assert_eq!(REQUEST_ID.get(), 7);
///         })
///         .await;
///     assert!(USER.try_with(|u| u.len()).is_err()); // never set
/// }
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_key {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __RUNTIME_TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey {
                inner: __RUNTIME_TASK_LOCAL,
            }
        };
    };
}

/// A key for task-local data, declared with [`task_local!`](crate::task_local).
///
/// Its value is not per thread but per scope: it is set while a future
/// wrapped by [`scope`](LocalKey::scope) is polled (or a closure passed to
/// [`sync_scope`](LocalKey::sync_scope) runs), wherever that happens, and
/// unset everywhere else. Tasks spawned inside a scope do not inherit it.
///
/// ```
/// runtime::task_local! {
///     static NUMBER: u32;
/// }
///
/// #[runtime::main]
/// async fn main() {
///     let a = runtime::spawn(NUMBER.scope(1, async { NUMBER.get() }));
///     let b = runtime::spawn(NUMBER.scope(2, async { NUMBER.get() }));
///     assert_eq!((a.await.unwrap(), b.await.unwrap()), (1, 2));
///     assert!(NUMBER.try_get().is_err()); // not set out here
/// }
/// ```
pub struct LocalKey<T: 'static> {
    /// The thread-local slot the value is moved into during a scope; only
    /// the `task_local!` macro names it.
    #[doc(hidden)]
    pub inner: std::thread::LocalKey<RefCell<Option<T>>>,
}

impl<T: 'static> LocalKey<T> {
    /// Sets the key to `value` while `f` is polled, and returns the wrapped
    /// future. The value lives in the future between polls, so it follows
    /// the future across `.await`s and threads; it is dropped with the
    /// future (or can be taken back with [`TaskLocalFuture::take_value`]).
    ///
    /// ```
    /// runtime::task_local! {
    ///     static TRACE: &'static str;
    /// }
    ///
    /// #[runtime::main]
    /// async fn main() {
    ///     let seen = TRACE
    ///         .scope("req-1", async {
    ///             runtime::time::sleep(std::time::Duration::from_millis(1)).await;
    ///             TRACE.get()
    ///         })
    ///         .await;
    ///     assert_eq!(seen, "req-1");
    /// }
    /// ```
    pub fn scope<F>(&'static self, value: T, f: F) -> TaskLocalFuture<T, F>
    where
        F: Future,
    {
        TaskLocalFuture {
            local: self,
            slot: Some(value),
            future: Some(f),
            _pinned: PhantomPinned,
        }
    }

    /// Sets the key to `value` while the closure `f` runs, and returns what
    /// `f` returns. The value is dropped after `f` returns.
    ///
    /// ```
    /// runtime::task_local! {
    ///     static DEPTH: u32;
    /// }
    ///
    /// let n = DEPTH.sync_scope(3, || DEPTH.get() + 1);
    /// assert_eq!(n, 4);
    /// ```
    ///
    /// # Panics
    ///
    /// Inside a [`with`](LocalKey::with) of the same key, or while the
    /// thread's locals are being destroyed.
    #[track_caller]
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut slot = Some(value);
        match self.scope_inner(&mut slot, f) {
            Ok(r) => r,
            Err(e) => e.panic(),
        }
    }

    /// Swaps `slot` into the thread-local, runs `f`, and swaps it back out
    /// (also on unwind), so the value is in the key exactly while `f` runs
    /// and whatever was there before (an outer scope's value) is restored.
    fn scope_inner<F, R>(&'static self, slot: &mut Option<T>, f: F) -> Result<R, ScopeError>
    where
        F: FnOnce() -> R,
    {
        struct Restore<'a, T: 'static> {
            key: &'static std::thread::LocalKey<RefCell<Option<T>>>,
            slot: &'a mut Option<T>,
        }

        impl<T: 'static> Drop for Restore<'_, T> {
            fn drop(&mut self) {
                // No borrow of the cell outlives the user code that ran in
                // between (`with` borrows only inside its closure), so the
                // mutable borrow succeeds. `try_with` only fails while the
                // thread's locals are destroyed; panicking here could abort
                // an unwind, so the value is then left to that destruction.
                let _ = self.key.try_with(|cell| {
                    if let Ok(mut v) = cell.try_borrow_mut() {
                        std::mem::swap(self.slot, &mut *v);
                    }
                });
            }
        }

        self.inner
            .try_with(|cell| {
                cell.try_borrow_mut()
                    .map(|mut v| std::mem::swap(slot, &mut *v))
            })
            .map_err(|_| ScopeError::Destroyed)?
            .map_err(|_| ScopeError::Borrowed)?;
        let _restore = Restore {
            key: &self.inner,
            slot,
        };
        Ok(f())
    }

    /// Calls `f` with a reference to the key's current value.
    ///
    /// ```
    /// runtime::task_local! {
    ///     static NAME: String;
    /// }
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let len = NAME
    ///         .scope("ferris".to_string(), async { NAME.with(|n| n.len()) })
    ///         .await;
    ///     assert_eq!(len, 6);
    /// }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a scope of this key.
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(r) => r,
            Err(_) => panic!(
                "cannot access a task-local value outside a scope that sets it \
                 (`LocalKey::scope` or `LocalKey::sync_scope`)"
            ),
        }
    }

    /// Calls `f` with a reference to the key's current value, or returns an
    /// `AccessError` outside a scope of this key.
    ///
    /// ```
    /// runtime::task_local! {
    ///     static LIMIT: usize;
    /// }
    ///
    /// assert!(LIMIT.try_with(|l| *l).is_err());
    /// assert_eq!(LIMIT.sync_scope(10, || LIMIT.try_with(|l| *l)), Ok(10));
    /// ```
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        // The shared borrow cannot fail: a scope holds its mutable borrow
        // only while swapping, never while user code runs. During thread
        // local destruction no scope is active either: report "not set".
        match self.inner.try_with(|cell| cell.borrow().as_ref().map(f)) {
            Ok(Some(r)) => Ok(r),
            Ok(None) | Err(_) => Err(AccessError { _private: () }),
        }
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// A clone of the key's current value.
    ///
    /// ```
    /// runtime::task_local! {
    ///     static ID: u64;
    /// }
    ///
    /// assert_eq!(ID.sync_scope(42, || ID.get()), 42);
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a scope of this key.
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(T::clone)
    }

    /// A clone of the key's current value, or an `AccessError` outside a
    /// scope of this key.
    ///
    /// ```
    /// runtime::task_local! {
    ///     static ID: u64;
    /// }
    ///
    /// assert!(ID.try_get().is_err());
    /// assert_eq!(ID.sync_scope(42, || ID.try_get()), Ok(42));
    /// ```
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(T::clone)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

/// A future that sets a task-local key while it polls the future inside;
/// made by [`LocalKey::scope`].
///
/// ```
/// use runtime::task::futures::TaskLocalFuture;
///
/// runtime::task_local! {
///     static KEY: u8;
/// }
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let fut: TaskLocalFuture<u8, _> = KEY.scope(5, async { KEY.get() * 2 });
///     assert_eq!(fut.await, 10);
/// }
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct TaskLocalFuture<T: 'static, F> {
    local: &'static LocalKey<T>,
    slot: Option<T>,
    future: Option<F>,
    _pinned: PhantomPinned,
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the value out of the scope: `None` if it was taken already.
    /// Polling the future afterwards runs it with the key unset.
    ///
    /// ```
    /// runtime::task_local! {
    ///     static KEY: String;
    /// }
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let mut fut = std::pin::pin!(KEY.scope("value".to_string(), async {}));
    ///     (&mut fut).await;
    ///     // The value survives the future's completion.
    ///     assert_eq!(fut.as_mut().take_value().as_deref(), Some("value"));
    ///     assert_eq!(fut.as_mut().take_value(), None);
    /// }
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: `slot` is not structurally pinned (it is moved in and out
        // on every poll), so a plain `&mut` to it is fine; nothing here
        // touches `future`, which is.
        let this = unsafe { self.get_unchecked_mut() };
        this.slot.take()
    }

    /// Projects to the pinned future and the unpinned slot.
    fn project(
        self: Pin<&mut Self>,
    ) -> (&'static LocalKey<T>, &mut Option<T>, Pin<&mut Option<F>>) {
        // SAFETY: `future` is structurally pinned: it is never moved out of
        // `self` (only dropped in place, by `Pin::set` or with `self`), and
        // `Drop` below only reaches it through this projection. `slot` and
        // `local` are not pinned and are handed out as plain references.
        // `PhantomPinned` keeps the type `!Unpin` whatever `F` is.
        unsafe {
            let this = self.get_unchecked_mut();
            (
                this.local,
                &mut this.slot,
                Pin::new_unchecked(&mut this.future),
            )
        }
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let (local, slot, mut future) = self.project();
        let res = local.scope_inner(slot, || {
            let fut = future.as_mut().as_pin_mut()?;
            let res = fut.poll(cx);
            if res.is_ready() {
                // Dropped here, with the key still set, like the poll.
                future.set(None);
            }
            Some(res)
        });
        match res {
            Ok(Some(res)) => res,
            Ok(None) => panic!("`TaskLocalFuture` polled after it completed"),
            Err(e) => e.panic(),
        }
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        if !std::mem::needs_drop::<F>() || self.future.is_none() {
            return;
        }
        // SAFETY: `drop` is the last use of `self`, which was pinned if it
        // was ever polled; re-pinning it here moves nothing.
        let this = unsafe { Pin::new_unchecked(self) };
        let (local, slot, mut future) = this.project();
        // Drop the future with the key set, so its destructors see the
        // value as its polls did. If the key cannot be set (it is borrowed,
        // or the thread's locals are gone), the future is dropped with
        // `self` as usual.
        let _ = local.scope_inner(slot, || future.set(None));
    }
}

impl<T: fmt::Debug + 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture")
            .field("value", &self.slot)
            .finish()
    }
}

/// Returned by [`LocalKey::try_with`] and [`LocalKey::try_get`] outside a
/// scope of the key.
///
/// ```
/// runtime::task_local! {
///     static KEY: u8;
/// }
///
/// let err = KEY.try_get().unwrap_err();
/// assert_eq!(err.to_string(), "task-local value not set");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("task-local value not set")
    }
}

impl Error for AccessError {}

enum ScopeError {
    Borrowed,
    Destroyed,
}

impl ScopeError {
    #[track_caller]
    fn panic(&self) -> ! {
        match self {
            ScopeError::Borrowed => {
                panic!("cannot enter a task-local scope inside `LocalKey::with` of the same key")
            }
            ScopeError::Destroyed => panic!(
                "cannot enter a task-local scope while the thread's locals are being destroyed"
            ),
        }
    }
}
