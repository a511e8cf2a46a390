//! The count of blocking-pool work in flight, shared by the executor's
//! blocking pool and the reactor's paused clock.
//!
//! A paused clock auto-advances (jumps to the next timer) when the runtime is
//! idle. A `spawn_blocking` closure that is queued or running is work that
//! may still wake a task, so, as in Tokio, the clock must not jump while any
//! is in flight: `timeout(3 s, spawn_blocking(..))` would otherwise report
//! `Elapsed` for a closure that takes a millisecond.
//!
//! The executor and the reactor do not know each other, so the count lives
//! here, in the crate both depend on. The facade makes one per
//! current-thread runtime and hands it to both:
//!
//! - the blocking pool takes a [`BlockingGuard`] ([`BlockingCount::start`])
//!   when a closure is spawned and drops it once the closure's task has
//!   completed (its output stored and its `JoinHandle` woken) or was
//!   cancelled. The guard is dropped on every path, including a closure that
//!   panics and a pool thread that unwinds, so the count cannot leak;
//! - the driver, about to auto-advance, asks
//!   [`BlockingCount::idle_or_notify`]. If work is in flight it does not
//!   advance but sleeps, and the guard that brings the count back to zero
//!   unparks it, so it looks again.
//!
//! The pool receives the count through the executor's `Config`
//! (`blocking_count`), which the facade's driver wiring fills in for a
//! current-thread runtime; a pool built without one (the executor on its own,
//! a multi-thread runtime, which cannot pause) counts nothing.

use crate::park::Unpark;
use crate::sync::{AtomicUsize, Mutex, Ordering::SeqCst};
use std::fmt;
use std::sync::Arc;

/// Blocking-pool work in flight (queued or running), and who to wake when it
/// drops to zero. See the module docs.
///
/// ```
/// use runtime_core::blocking_count::BlockingCount;
/// use std::sync::Arc;
///
/// let count = Arc::new(BlockingCount::new());
/// let guard = count.start();
/// assert_eq!(count.in_flight(), 1);
/// drop(guard); // the closure finished (or panicked, or was cancelled)
/// assert_eq!(count.in_flight(), 0);
/// ```
pub struct BlockingCount {
    count: AtomicUsize,
    /// Set by a driver that declined to auto-advance; taken (and unparked)
    /// by the guard that brings `count` to zero. Holding it only that long
    /// keeps the `count -> reactor -> ... -> pool -> count` cycle from
    /// outliving the wait. Poison is ignored: the slot holds a plain `Option`
    /// that no panic can leave half-written.
    waiter: Mutex<Option<Arc<dyn Unpark>>>,
}

/// One closure in flight: decrements its [`BlockingCount`] when dropped.
///
/// ```
/// use runtime_core::blocking_count::BlockingCount;
/// use std::sync::Arc;
///
/// let count = Arc::new(BlockingCount::new());
/// let guard = count.start();
/// // Dropped even when the work panics.
/// let _ = std::panic::catch_unwind(move || {
///     let _guard = guard;
///     panic!("closure panicked");
/// });
/// assert_eq!(count.in_flight(), 0);
/// ```
#[must_use = "the work counts as in flight only while the guard lives"]
pub struct BlockingGuard(Arc<BlockingCount>);

impl BlockingCount {
    /// A count of zero, with no driver waiting.
    ///
    /// ```
    /// let count = runtime_core::blocking_count::BlockingCount::new();
    /// assert_eq!(count.in_flight(), 0);
    /// ```
    pub fn new() -> BlockingCount {
        BlockingCount {
            count: AtomicUsize::new(0),
            waiter: Mutex::new(None),
        }
    }

    /// Counts one more closure in flight until the guard is dropped. The
    /// pool calls it when the closure is spawned (queued work counts).
    ///
    /// ```
    /// use runtime_core::blocking_count::BlockingCount;
    /// use std::sync::Arc;
    ///
    /// let count = Arc::new(BlockingCount::new());
    /// let (a, b) = (count.start(), count.start());
    /// assert_eq!(count.in_flight(), 2);
    /// drop((a, b));
    /// assert_eq!(count.in_flight(), 0);
    /// ```
    pub fn start(self: &Arc<Self>) -> BlockingGuard {
        self.count.fetch_add(1, SeqCst);
        BlockingGuard(self.clone())
    }

    /// Closures in flight now.
    ///
    /// ```
    /// use runtime_core::blocking_count::BlockingCount;
    /// use std::sync::Arc;
    ///
    /// let count = Arc::new(BlockingCount::new());
    /// let _guard = count.start();
    /// assert_eq!(count.in_flight(), 1);
    /// ```
    pub fn in_flight(&self) -> usize {
        self.count.load(SeqCst)
    }

    /// True if nothing is in flight. Otherwise registers `unpark`, to be
    /// called once the count drops to zero, and returns false; the caller
    /// then sleeps until unparked instead of advancing its clock. (A stale
    /// registration only costs one spurious unpark later.)
    ///
    /// ```
    /// use runtime_core::blocking_count::BlockingCount;
    /// use runtime_core::Unpark;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::sync::Arc;
    ///
    /// struct Flag(AtomicBool);
    /// impl Unpark for Flag {
    ///     fn unpark(&self) {
    ///         self.0.store(true, Ordering::SeqCst);
    ///     }
    /// }
    ///
    /// let count = Arc::new(BlockingCount::new());
    /// let flag = Arc::new(Flag(AtomicBool::new(false)));
    /// let unpark: Arc<dyn Unpark> = flag.clone();
    /// assert!(count.idle_or_notify(&unpark));
    ///
    /// let guard = count.start();
    /// assert!(!count.idle_or_notify(&unpark)); // busy: will be unparked
    /// assert!(!flag.0.load(Ordering::SeqCst));
    /// drop(guard);
    /// assert!(flag.0.load(Ordering::SeqCst)); // the last guard unparked it
    /// ```
    pub fn idle_or_notify(&self, unpark: &Arc<dyn Unpark>) -> bool {
        if self.count.load(SeqCst) == 0 {
            return true;
        }
        let mut waiter = self.waiter.lock().unwrap_or_else(|e| e.into_inner());
        *waiter = Some(unpark.clone());
        // Looked at again under the lock: a guard that reached zero before we
        // registered takes the lock only after its decrement, so either we
        // see zero here or it finds the waiter (see `BlockingGuard::drop`).
        if self.count.load(SeqCst) == 0 {
            // Dropped after the lock is released (it is only an `Arc`).
            let _stale = waiter.take();
            return true;
        }
        false
    }
}

impl Default for BlockingCount {
    fn default() -> BlockingCount {
        BlockingCount::new()
    }
}

impl Drop for BlockingGuard {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, SeqCst) != 1 {
            return;
        }
        // The count reached zero after the decrement above; a driver that
        // registered before it is visible here (the lock orders the two).
        let waiter = self
            .0
            .waiter
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        // Unparked outside the lock.
        if let Some(unpark) = waiter {
            unpark.unpark();
        }
    }
}

impl fmt::Debug for BlockingCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingCount")
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

impl fmt::Debug for BlockingGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BlockingGuard").field(&self.0).finish()
    }
}
