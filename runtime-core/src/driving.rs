//! Whether this thread drives a runtime: a multi-thread worker, or a thread
//! inside `block_on`.
//!
//! Blocking such a thread stalls every task it runs, and waiting on something
//! only those tasks can provide never returns. The executor marks its threads
//! here; runtime-agnostic code that blocks (runtime-sync's `blocking_recv`,
//! `blocking_lock`, ...) asks [`assert_blocking_allowed`] first and panics with
//! a message that says what to do instead, as Tokio's do. The flag lives in
//! this crate because both sides depend on it and not on each other.

use std::cell::Cell;

thread_local! {
    static DRIVING: Cell<bool> = const { Cell::new(false) };
}

/// The panic message for blocking a thread that drives a runtime.
pub const BLOCKING_IN_RUNTIME: &str =
    "Cannot block the current thread from within a runtime. This happens because a function \
     attempted to block the current thread while the thread is being used to drive \
     asynchronous tasks. Use the `.await` form of the call, or move the blocking call into \
     `spawn_blocking` (or a plain thread).";

/// Marks the thread as driving a runtime until dropped (see [`enter`]).
#[must_use = "the thread stops being marked when the guard drops"]
pub struct DrivingGuard {
    /// False when the thread-local was already destroyed: nothing to undo.
    set: bool,
}

/// Marks this thread as driving a runtime. `None` if it already does (a
/// nested `block_on`, which the caller refuses).
///
/// # Examples
///
/// ```
/// use runtime_core::driving;
///
/// assert!(!driving::is_driving());
/// let guard = driving::enter().expect("not driving yet");
/// assert!(driving::is_driving());
/// assert!(driving::enter().is_none(), "nested");
/// drop(guard);
/// assert!(!driving::is_driving());
/// ```
pub fn enter() -> Option<DrivingGuard> {
    // `try_with`: a runtime may be used or dropped while the thread's locals
    // are destroyed; then nothing is marked.
    match DRIVING.try_with(|d| d.replace(true)) {
        Ok(true) => None,
        Ok(false) => Some(DrivingGuard { set: true }),
        Err(_) => Some(DrivingGuard { set: false }),
    }
}

impl Drop for DrivingGuard {
    fn drop(&mut self) {
        if self.set {
            let _ = DRIVING.try_with(|d| d.set(false));
        }
    }
}

/// True while this thread drives a runtime.
///
/// # Examples
///
/// ```
/// assert!(!runtime_core::driving::is_driving());
/// ```
pub fn is_driving() -> bool {
    DRIVING.try_with(Cell::get).unwrap_or(false)
}

/// Panics with [`BLOCKING_IN_RUNTIME`] if this thread drives a runtime.
///
/// # Examples
///
/// ```
/// // A plain thread may block.
/// runtime_core::driving::assert_blocking_allowed();
/// ```
#[track_caller]
pub fn assert_blocking_allowed() {
    if is_driving() {
        panic!("{BLOCKING_IN_RUNTIME}");
    }
}
