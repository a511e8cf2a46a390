//! The hand-written `RawWakerVTable`: a task's `Waker` is a pointer to its header.
//!
//! One static vtable serves every task type, because each operation only touches
//! the state word and then dispatches through the header's own `Vtable`. Clone
//! adds a reference, drop removes one. `wake` adds one for the run-queue entry
//! and drops its own only once the scheduler has taken the entry: the task cell
//! holds the scheduler handle, so this keeps both alive through the call even
//! when another thread runs, completes or drops the entry (and with it maybe
//! the whole runtime) meanwhile. Nothing allocates.

use crate::raw::{Header, RawTask};
use crate::state::TransitionToNotifiedByVal;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker for the task at `ptr` that holds no reference of its own: wrap it in
/// `ManuallyDrop` and keep it within the lifetime of a reference the caller owns.
///
/// # Safety
/// `ptr` must be a live task that outlives every use of the returned waker
/// (clones add their own references and are unrestricted).
pub(crate) unsafe fn borrowed(ptr: NonNull<Header>) -> Waker {
    // SAFETY: the vtable functions uphold the RawWaker contract for task pointers.
    unsafe { Waker::from_raw(RawWaker::new(ptr.as_ptr() as *const (), &VTABLE)) }
}

fn raw(data: *const ()) -> RawTask {
    // SAFETY: wakers built by this module always carry a non-null header pointer.
    RawTask::from_raw(unsafe { NonNull::new_unchecked(data as *mut Header) })
}

unsafe fn clone(data: *const ()) -> RawWaker {
    raw(data).state().ref_inc();
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    let task = raw(data);
    match task.state().transition_to_notified_by_val() {
        TransitionToNotifiedByVal::DoNothing => {}
        TransitionToNotifiedByVal::Submit => {
            // The transition added the `Notified`'s reference; ours keeps the
            // task, and the scheduler handle inside it, alive until `schedule`
            // returns (another thread may run and free the queued entry first).
            task.schedule();
            task.drop_reference();
        }
        TransitionToNotifiedByVal::Dealloc => task.dealloc(),
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    let task = raw(data);
    if task.state().transition_to_notified_by_ref() {
        task.schedule();
    }
}

unsafe fn drop_waker(data: *const ()) {
    raw(data).drop_reference();
}
