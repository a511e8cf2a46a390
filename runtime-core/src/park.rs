//! How a scheduler thread sleeps, and how it is woken.
//!
//! The executor never blocks on an OS primitive directly: it asks a [`Park`].
//! The plain implementation (in the executor) waits on a condition variable; the
//! reactor implements it by turning its I/O driver with the park timeout, so a
//! current-thread runtime handles I/O and timers while it has nothing to run.
//! This keeps the executor and the reactor independent of each other.

use std::sync::Arc;
use std::time::Duration;

/// Blocks the current scheduler thread until unparked (or the timeout passes).
/// Spurious returns are allowed: callers re-check their queues.
pub trait Park: Send + 'static {
    /// Blocks until [`Unpark::unpark`] is called (or an event the parker owns,
    /// such as I/O readiness, arrives). A pending unpark makes it return at once.
    fn park(&mut self);

    /// As [`Park::park`], returning after `timeout` at the latest. A zero timeout
    /// polls for events without blocking.
    fn park_timeout(&mut self, timeout: Duration);

    /// A handle other threads use to wake this parker.
    fn unparker(&self) -> Arc<dyn Unpark>;
}

/// Wakes a parked scheduler thread; an unpark with nobody parked is remembered
/// until the next park.
pub trait Unpark: Send + Sync + 'static {
    /// Wakes the parked thread, or makes its next park return immediately.
    fn unpark(&self);
}
