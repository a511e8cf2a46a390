//! Per-thread runtime context: which runtime this thread belongs to, whether it
//! is driving one (so a nested `block_on` can be refused), and, on scheduler
//! threads, the scheduler-local state that `schedule` pushes to.

use crate::Handle;
use std::cell::{Cell, RefCell};

/// Set on threads currently running a scheduler loop.
#[derive(Clone, Copy)]
pub(crate) enum Scheduler {
    None,
    /// A multi-thread worker; points at its `worker::Local` on the thread's stack.
    Worker(*const crate::multi_thread::worker::Local),
    /// A current-thread `block_on`; points at its `current_thread::Local`.
    Current(*const crate::current_thread::Local),
}

struct Context {
    /// The runtime `Handle::current()` returns here.
    handle: RefCell<Option<Handle>>,
    /// How many `SetHandleGuard`s are alive on this thread: each knows its
    /// depth, so one dropped out of order is caught instead of restoring a
    /// handle that a newer guard replaced.
    depth: Cell<usize>,
    scheduler: Cell<Scheduler>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            handle: RefCell::new(None),
            depth: Cell::new(0),
            scheduler: Cell::new(Scheduler::None),
        }
    };
}

/// The panic message for runtime APIs called on a thread with no runtime.
pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of a runtime: \
     call it inside `Runtime::block_on`, a task spawned on a runtime, a `#[runtime::main]` or \
     `#[runtime::test]` function, or after `Runtime::enter()`";

/// Calls `f` with this thread's current runtime handle, if any.
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Handle>) -> R) -> R {
    let mut f = Some(f);
    CONTEXT
        .try_with(|c| (f.take().unwrap())(c.handle.borrow().as_ref()))
        .unwrap_or_else(|_| (f.take().unwrap())(None))
}

/// The scheduler-local state of this thread, if it runs a scheduler loop.
#[inline]
pub(crate) fn scheduler() -> Scheduler {
    CONTEXT
        .try_with(|c| c.scheduler.get())
        .unwrap_or(Scheduler::None)
}

/// Restores the previous context when dropped.
///
/// Every access to the thread-local here and in the guards uses `try_with`:
/// a runtime (or a `LocalSet`) kept in a thread-local of the user's is dropped
/// while the thread's locals are being destroyed, possibly after this one,
/// and `with` would then panic inside a destructor, which aborts the process.
/// Without the thread-local the guard sets and restores nothing.
pub(crate) struct SetHandleGuard {
    /// The handle to restore and this guard's depth; `None` when the
    /// thread-local was already destroyed.
    prev: Option<(Option<Handle>, usize)>,
}

/// The panic message for guards dropped out of order.
pub(crate) const GUARDS_OUT_OF_ORDER: &str =
    "`EnterGuard` values dropped out of order. Guards returned by `Runtime::enter()` or \
     `Handle::enter()` must be dropped in the reverse order they were acquired: drop the \
     newest one first.";

/// Makes `handle` the current runtime of this thread until the guard drops.
pub(crate) fn set_handle(handle: Handle) -> SetHandleGuard {
    let prev = CONTEXT
        .try_with(|c| {
            let depth = c.depth.get() + 1;
            c.depth.set(depth);
            (c.handle.replace(Some(handle)), depth)
        })
        .ok();
    SetHandleGuard { prev }
}

impl Drop for SetHandleGuard {
    fn drop(&mut self) {
        let Some((prev, depth)) = self.prev.take() else {
            return;
        };
        let in_order = CONTEXT
            .try_with(|c| {
                if c.depth.get() != depth {
                    return false;
                }
                c.depth.set(depth - 1);
                *c.handle.borrow_mut() = prev;
                true
            })
            .unwrap_or(true);
        if !in_order && !std::thread::panicking() {
            panic!("{GUARDS_OUT_OF_ORDER}");
        }
    }
}

/// Marks this thread as driving a runtime; restores it on drop.
pub(crate) struct EnterRuntimeGuard {
    _handle: SetHandleGuard,
    _driving: runtime_core::driving::DrivingGuard,
}

/// The panic message for blocking on a runtime from a thread that drives one.
pub(crate) const NESTED_BLOCK_ON: &str =
    "Cannot start a runtime from within a runtime. This happens because a function \
     (like `block_on`) attempted to block the current thread while the thread is being \
     used to drive asynchronous tasks. Use `.await` instead, or move the blocking call \
     into `spawn_blocking`.";

/// Enters `handle` for driving it. Panics if this thread already drives a
/// runtime: blocking a thread that runs tasks would stall them all. The
/// "driving" mark is runtime-core's, so runtime-agnostic code (runtime-sync's
/// `blocking_*` calls) can refuse to block here too.
#[track_caller]
pub(crate) fn enter_runtime(handle: Handle) -> EnterRuntimeGuard {
    let Some(driving) = runtime_core::driving::enter() else {
        panic!("{NESTED_BLOCK_ON}");
    };
    EnterRuntimeGuard {
        _handle: set_handle(handle),
        _driving: driving,
    }
}

/// True if this thread drives a runtime right now.
pub(crate) fn is_entered() -> bool {
    runtime_core::driving::is_driving()
}

/// Restores the previous scheduler-local state when dropped.
pub(crate) struct SchedulerGuard {
    prev: Scheduler,
}

/// Installs scheduler-local state until the guard drops. The pointee must
/// outlive the guard.
pub(crate) fn set_scheduler(scheduler: Scheduler) -> SchedulerGuard {
    let prev = CONTEXT
        .try_with(|c| c.scheduler.replace(scheduler))
        .unwrap_or(Scheduler::None);
    SchedulerGuard { prev }
}

impl Drop for SchedulerGuard {
    fn drop(&mut self) {
        let prev = self.prev;
        let _ = CONTEXT.try_with(|c| c.scheduler.set(prev));
    }
}
