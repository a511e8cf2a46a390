//! [`UnhandledPanic`], and for its `ShutdownRuntime`: telling the scheduler
//! that a task panicked.
//!
//! The task harness (runtime-core) catches a panicking poll and hands the
//! payload to the `JoinHandle`; it does not tell the scheduler. So a runtime
//! that shuts down on panics wraps each future it spawns in a `ReportPanic`,
//! which catches the panic first, raises the runtime's `PanicFlag`, and
//! resumes the unwind with the same payload: the harness then stores it as
//! before, and the panic hook ran only once. The scheduler loop checks the
//! flag after each task (`current_thread.rs`). Runtimes without the setting
//! spawn their futures unwrapped, so they pay nothing.

use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Poll};

/// How a runtime responds to a task that panics (`Builder::unhandled_panic`).
///
/// By default a panic in a spawned task only fails that task: its
/// `JoinHandle` returns the panic as a `JoinError` and the other tasks go on.
///
/// # Examples
///
/// ```
/// use runtime::runtime::{Builder, UnhandledPanic};
///
/// let rt = Builder::new_current_thread()
///     .unhandled_panic(UnhandledPanic::Ignore)
///     .build()
///     .unwrap();
/// let failed = rt.block_on(async { runtime::spawn(async { panic!("boom") }).await });
/// assert!(failed.unwrap_err().is_panic()); // and the runtime goes on
/// assert_eq!(rt.block_on(async { 1 }), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnhandledPanic {
    /// The panic is returned by the task's `JoinHandle`; nothing else
    /// happens (the default).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .unhandled_panic(runtime::runtime::UnhandledPanic::Ignore)
    ///     .build()
    ///     .unwrap();
    /// rt.spawn(async { panic!("ignored") });
    /// rt.block_on(runtime::task::yield_now());
    /// ```
    #[default]
    Ignore,
    /// The runtime shuts down at once: every other task is cancelled, and
    /// the `block_on` running (and any later one) panics. Current-thread
    /// runtimes (and `LocalRuntime`) only, as in Tokio.
    ///
    /// ```should_panic
    /// use runtime::runtime::{Builder, UnhandledPanic};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
    ///     .build()
    ///     .unwrap();
    /// rt.spawn(async { panic!("boom") });
    /// // Panics: the spawned task panicked.
    /// rt.block_on(async {
    ///     loop {
    ///         runtime::task::yield_now().await;
    ///     }
    /// });
    /// ```
    ShutdownRuntime,
}

/// Raised when a task of the runtime panicked.
#[derive(Debug, Default)]
pub(crate) struct PanicFlag(AtomicBool);

impl PanicFlag {
    pub(crate) fn panicked(&self) -> bool {
        self.0.load(Relaxed)
    }

    fn raise(&self) {
        self.0.store(true, Relaxed);
    }
}

/// A spawned future whose panics raise a `PanicFlag` (see the module docs).
pub(crate) struct ReportPanic<F> {
    // Boxed: pinned without a projection (and its `unsafe`); only runtimes
    // that asked for this pay the allocation.
    future: Pin<Box<F>>,
    flag: Arc<PanicFlag>,
}

impl<F> ReportPanic<F> {
    pub(crate) fn new(future: F, flag: Arc<PanicFlag>) -> ReportPanic<F> {
        ReportPanic {
            future: Box::pin(future),
            flag,
        }
    }
}

impl<F: Future> Future for ReportPanic<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // The harness around us catches the same panic with the same
        // assertion: nothing of the future is observed after it unwinds.
        match catch_unwind(AssertUnwindSafe(|| self.future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                self.flag.raise();
                resume_unwind(payload)
            }
        }
    }
}
