//! `UnhandledPanic::ShutdownRuntime`: telling the scheduler that a task
//! panicked.
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
