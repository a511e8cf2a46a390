//! `JoinHandle`: the spawner's side of a task.

use crate::coop;
use crate::error::JoinError;
use crate::id::Id;
use crate::raw::RawTask;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An owned permission to await a spawned task's output.
///
/// Awaiting it yields `Ok(output)`, or `Err(JoinError)` if the task panicked or
/// was cancelled. Dropping it detaches the task: the task keeps running and its
/// output is dropped when it finishes. It can be awaited from any executor.
///
/// Cancel safety: awaiting is cancel-safe; dropping the `.await` loses nothing,
/// the output stays in the task until the handle is polled again or dropped.
///
/// # Examples
///
/// ```
/// use runtime::task::JoinHandle;
///
/// #[runtime::main]
/// async fn main() {
///     let handles: Vec<JoinHandle<u64>> = (0..4u64)
///         .map(|i| runtime::spawn(async move { i * i }))
///         .collect();
///     let mut squares = Vec::new();
///     for handle in handles {
///         squares.push(handle.await.unwrap());
///     }
///     assert_eq!(squares, [0, 1, 4, 9]);
/// }
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _output: PhantomData<T>,
}

// Unwind safety: a panic cannot leave a task half-updated where the caller
// could see it. Its shared state is atomics and runtime-internal locks, and no
// user code ever runs while one of those is held, so there is no critical
// section for an unwind to interrupt. The auto traits miss this only because
// the locks (`parking_lot`'s, without poisoning) hold an `UnsafeCell`. As in
// Tokio, which implements the same traits on the same types.
impl<T> std::panic::UnwindSafe for JoinHandle<T> {}
impl<T> std::panic::RefUnwindSafe for JoinHandle<T> {}

// SAFETY: the handle only moves the output `T` out of the task (so `T: Send` is
// what crossing threads needs), and all shared task state is atomic.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` only allows `abort` and `is_finished`, which touch the
// atomic state word, never `T`.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    pub(crate) fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _output: PhantomData,
        }
    }

    /// Cancels the task. If it is idle it is dropped at its next scheduling; if it
    /// is being polled it is dropped right after that poll. Awaiting the handle
    /// then gives `JoinError::is_cancelled()`, unless the task completed first.
    /// A task that already finished is unaffected.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::time::{sleep, Duration};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(async {
    ///         sleep(Duration::from_secs(60)).await;
    ///         "too late"
    ///     });
    ///     handle.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// }
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// True once the task has completed, been cancelled, or panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(async { "done" });
    ///     // One thread, and it is busy here: the task has not run yet.
    ///     assert!(!handle.is_finished());
    ///     while !handle.is_finished() {
    ///         runtime::task::yield_now().await;
    ///     }
    ///     assert_eq!(handle.await.unwrap(), "done");
    /// }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// A handle that can abort the task but not await it.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::time::{sleep, Duration};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(sleep(Duration::from_secs(60)));
    ///     let abort = handle.abort_handle();
    ///     // The abort handle can go to another task, a watchdog say.
    ///     runtime::spawn(async move { abort.abort() });
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// }
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.state().ref_inc();
        AbortHandle { raw: self.raw }
    }

    /// The task's [`Id`], the same one `task::id()` returns inside the task.
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let a = runtime::spawn(async {});
    ///     let b = runtime::spawn(async {});
    ///     assert_ne!(a.id(), b.id());
    ///     assert_eq!(a.id(), a.abort_handle().id());
    /// }
    /// ```
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

/// Aborts a task without owning its output; dropping it does nothing to the task.
///
/// # Examples
///
/// ```
/// use runtime::task::AbortHandle;
/// use runtime::time::{sleep, Duration};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let ticker = runtime::spawn(async {
///         loop {
///             sleep(Duration::from_millis(10)).await;
///         }
///     });
///     // Hand out the right to cancel, keep the right to await.
///     let stop: AbortHandle = ticker.abort_handle();
///     runtime::spawn(async move {
///         sleep(Duration::from_millis(30)).await;
///         stop.abort();
///     });
///     assert!(ticker.await.unwrap_err().is_cancelled());
/// }
/// ```
pub struct AbortHandle {
    raw: RawTask,
}

// Unwind safety: as for `JoinHandle`.
impl std::panic::UnwindSafe for AbortHandle {}
impl std::panic::RefUnwindSafe for AbortHandle {}

// SAFETY: an `AbortHandle` only touches the task's atomic state word and its
// scheduler (which is `Send + Sync`), never the future or its output.
unsafe impl Send for AbortHandle {}
// SAFETY: as above; all its methods take `&self` and are atomic.
unsafe impl Sync for AbortHandle {}

impl AbortHandle {
    /// Cancels the task; see [`JoinHandle::abort`].
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(std::future::pending::<()>());
    ///     let abort = handle.abort_handle();
    ///     abort.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// }
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// True once the task has completed, been cancelled, or panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(async { 1 + 1 });
    ///     let abort = handle.abort_handle();
    ///     assert!(!abort.is_finished());
    ///     assert_eq!(handle.await.unwrap(), 2);
    ///     // It outlives the `JoinHandle` and still sees the task's state.
    ///     assert!(abort.is_finished());
    /// }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// The task's [`Id`]; see [`JoinHandle::id`].
    ///
    /// # Examples
    ///
    /// ```
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let handle = runtime::spawn(async { runtime::task::id() });
    ///     let abort = handle.abort_handle();
    ///     assert_eq!(abort.id(), handle.await.unwrap());
    /// }
    /// ```
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.raw.id())
            .field("state", &self.raw.state().load())
            .finish()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let mut ret: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `ret` is a `Poll<Result<T, JoinError>>` and `T` is the task's
        // output type (the handle was created with it); we are the JoinHandle.
        unsafe {
            self.raw
                .try_read_output(&mut ret as *mut _ as *mut (), cx.waker())
        };
        if ret.is_ready() {
            coop.made_progress();
        } else {
            // For task dumps: the task polling this waits on that one.
            crate::task_meta::note_awaiting(self.raw.id());
        }
        ret
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.raw.drop_join_handle();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.raw.id())
            .field("state", &self.raw.state().load())
            .finish()
    }
}
