//! `JoinError`: why a task produced no output.

use crate::id::Id;
use std::any::Any;
use std::fmt;

/// A task failed to produce its output: it was cancelled (aborted, or its runtime
/// shut down) or it panicked.
///
/// # Examples
///
/// ```
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let err = runtime::spawn(async { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
///     let id = err.id();
///     assert_eq!(err.to_string(), format!(r#"task {id} panicked with message "boom""#));
/// }
/// ```
pub struct JoinError {
    repr: Repr,
    id: Id,
}

enum Repr {
    Cancelled,
    Panic(SyncWrapper<Box<dyn Any + Send + 'static>>),
}

/// Makes a `Send` value `Sync` by never handing out a shared reference to it.
struct SyncWrapper<T>(T);

// SAFETY: `SyncWrapper` exposes its content only by value (`into_inner`) or
// through `&mut self`, so a `&SyncWrapper<T>` shared between threads gives no
// access to `T`; `T: Send` makes moving it out on another thread sound.
unsafe impl<T: Send> Sync for SyncWrapper<T> {}

impl SyncWrapper<Box<dyn Any + Send + 'static>> {
    /// Shared access is sound only for a `Sync` target type: a failed downcast
    /// reads nothing but the vtable's type id, and a successful one yields a `&T`
    /// that may be shared across threads.
    fn downcast_ref_sync<T: Any + Sync>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            repr: Repr::Cancelled,
            id,
        }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            repr: Repr::Panic(SyncWrapper(payload)),
            id,
        }
    }

    /// The id of the task that failed.
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(std::future::pending::<()>());
    ///     let id = handle.id();
    ///     handle.abort();
    ///     assert_eq!(handle.await.unwrap_err().id(), id);
    /// }
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// True if the task was cancelled (by `abort` or runtime shutdown).
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(std::future::pending::<()>());
    ///     handle.abort();
    ///     let err = handle.await.unwrap_err();
    ///     assert!(err.is_cancelled());
    ///     assert!(!err.is_panic());
    /// }
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// True if the task panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(async { "4x2".parse::<u32>().unwrap() });
    ///     let err = handle.await.unwrap_err();
    ///     assert!(err.is_panic());
    ///     assert!(!err.is_cancelled());
    /// }
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload, to resume the panic with `std::panic::resume_unwind`.
    ///
    /// # Panics
    /// If the error is not a panic; see [`JoinError::try_into_panic`].
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let err = runtime::spawn(async { panic!("boom") }).await.unwrap_err();
    ///     let payload = err.into_panic();
    ///     // `std::panic::resume_unwind(payload)` would carry the panic on.
    ///     assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    /// }
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError::into_panic` called on a task that was cancelled, not panicked")
    }

    /// The panic payload, or the error back if the task was cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(std::future::pending::<()>());
    ///     handle.abort();
    ///     match handle.await.unwrap_err().try_into_panic() {
    ///         // Propagate a task's panic to the awaiting task.
    ///         Ok(payload) => std::panic::resume_unwind(payload),
    ///         Err(err) => assert!(err.is_cancelled()),
    ///     }
    /// }
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.0),
            Repr::Cancelled => Err(self),
        }
    }

    fn panic_message(&self) -> Option<&str> {
        let Repr::Panic(p) = &self.repr else {
            return None;
        };
        p.downcast_ref_sync::<&'static str>()
            .copied()
            .or_else(|| p.downcast_ref_sync::<String>().map(String::as_str))
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.id;
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "task {id} was cancelled"),
            (Repr::Panic(_), Some(msg)) => write!(f, "task {id} panicked with message {msg:?}"),
            (Repr::Panic(_), None) => write!(f, "task {id} panicked"),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.id;
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "JoinError::Cancelled({id:?})"),
            (Repr::Panic(_), Some(msg)) => write!(f, "JoinError::Panic({id:?}, {msg:?}, ...)"),
            (Repr::Panic(_), None) => write!(f, "JoinError::Panic({id:?}, ...)"),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(err: JoinError) -> std::io::Error {
        std::io::Error::other(err.to_string())
    }
}
