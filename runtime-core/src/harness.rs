//! What happens to a task: one poll, completion, cancellation, reading the
//! output. These are the functions behind the `Vtable`, written once for all
//! future types and monomorphised per `(F, S)`.
//!
//! Follow a task through here: the scheduler pops a `Notified` and calls
//! [`poll`]. It claims `RUNNING`, polls the future under `catch_unwind` with a
//! waker borrowed from the task (no reference added), then either stores the
//! output and [`complete`]s, or goes idle, re-queueing the task if a wake came
//! in while it ran. Completion wakes the `JoinHandle`, releases the task from
//! its scheduler's owned list and drops the references that are done.

use crate::error::JoinError;
use crate::id::IdGuard;
use crate::raw::{Cell, Header, RawTask, Stage};
use crate::state::{TransitionToIdle, TransitionToRunning};
use crate::task_meta::PollScope;
use crate::{coop, waker, Notified, Schedule, Task};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

/// Reborrows the concrete cell behind a header pointer.
///
/// # Safety
/// `ptr` must come from `Cell::<F, S>::allocate` and the caller must hold a reference.
unsafe fn cell<'a, F: Future, S>(ptr: NonNull<Header>) -> &'a Cell<F, S> {
    // SAFETY: the header is the first field of the `repr(C)` cell, and the
    // caller's reference keeps the allocation alive.
    unsafe { ptr.cast::<Cell<F, S>>().as_ref() }
}

/// Vtable `poll`: runs one poll of the task, consuming a `Notified` reference.
pub(crate) unsafe fn poll<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller gave up a `Notified` reference for this task.
    let cell = unsafe { cell::<F, S>(ptr) };
    let raw = RawTask::from_raw(ptr);
    match cell.header.state.transition_to_running() {
        TransitionToRunning::Success => {}
        TransitionToRunning::Cancelled => {
            cancel_future(cell);
            return complete(cell, raw);
        }
        TransitionToRunning::Failed => return,
        TransitionToRunning::Dealloc => return raw.dealloc(),
    }

    // Per-task tracking, when the polling thread's runtime asked for it.
    let flags = crate::task_meta::thread_flags();
    if crate::task_meta::tracks(flags) {
        cell.header.poll_started();
    }
    // The `Notified` reference keeps the task alive for the whole poll, so the
    // waker can borrow it without a reference of its own.
    // SAFETY: `ptr` is live for the duration of this borrow.
    let waker = ManuallyDrop::new(unsafe { waker::borrowed(ptr) });
    let mut cx = Context::from_waker(&waker);
    if poll_future(cell, &mut cx, flags).is_ready() {
        return complete(cell, raw);
    }
    match cell.header.state.transition_to_idle() {
        TransitionToIdle::Ok => {}
        TransitionToIdle::OkNotified => {
            // Woken during its own poll: it yielded. It goes behind other work.
            // The transition added the entry's reference; the poll's own keeps
            // `cell` (and `cell.scheduler`) alive until `yield_now` returns,
            // even if another worker runs the entry to completion meanwhile.
            cell.scheduler.yield_now(Notified(Task::from_raw(raw)));
            raw.drop_reference();
        }
        TransitionToIdle::OkDealloc => raw.dealloc(),
        TransitionToIdle::Cancelled => {
            cancel_future(cell);
            complete(cell, raw);
        }
    }
}

/// Polls the future once with `RUNNING` held. On `Ready` (or a panic) the future
/// is dropped and the result stored as `Stage::Finished`.
fn poll_future<F: Future, S>(cell: &Cell<F, S>, cx: &mut Context<'_>, flags: u8) -> Poll<()> {
    let id = cell.header.id;
    // The task's id is current while its code runs (the poll and, on `Ready`,
    // the future's drop); the guard restores the previous one (an enclosing
    // task's, when a `LocalSet` runs inside a task), also on unwind.
    let _id = IdGuard::enter(&cell.header);
    // Dumps see which `JoinHandle` the task waits on; precise timing, when on.
    let _scope = (flags != 0).then(|| PollScope::enter(&cell.header, flags));
    let result = catch_unwind(AssertUnwindSafe(|| {
        cell.stage.with_mut(|stage| {
            // SAFETY: `RUNNING` gives this thread exclusive access to the stage.
            let stage = unsafe { &mut *stage };
            let Stage::Running(future) = stage else {
                unreachable!("task polled after its future was dropped");
            };
            // SAFETY: the future is never moved out of the heap cell while
            // `Stage::Running`; it is dropped in place.
            let future = unsafe { Pin::new_unchecked(future) };
            let poll = coop::budget(|| future.poll(cx));
            if let Poll::Ready(output) = poll {
                // Drop the future now, inside `catch_unwind`, so a panicking
                // destructor is reported like a panicking poll.
                *stage = Stage::Consumed;
                Poll::Ready(output)
            } else {
                Poll::Pending
            }
        })
    }));
    let output = match result {
        Ok(Poll::Pending) => return Poll::Pending,
        Ok(Poll::Ready(output)) => Ok(output),
        Err(payload) => {
            drop_stage_quietly(cell);
            Err(JoinError::panic(id, payload))
        }
    };
    // SAFETY: still `RUNNING`, so the stage is ours.
    cell.stage
        .with_mut(|stage| unsafe { *stage = Stage::Finished(output) });
    Poll::Ready(())
}

/// Drops the future with `RUNNING` held and stores the cancellation (or the panic
/// its destructor raised) as the result.
fn cancel_future<F: Future, S>(cell: &Cell<F, S>) {
    let id = cell.header.id;
    // The future's destructor runs as part of the task: it sees the task's id.
    let _id = IdGuard::enter(&cell.header);
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller holds `RUNNING`, so the stage is ours.
        cell.stage
            .with_mut(|stage| unsafe { *stage = Stage::Consumed });
    }));
    let err = match result {
        Ok(()) => JoinError::cancelled(id),
        Err(payload) => JoinError::panic(id, payload),
    };
    // SAFETY: as above.
    cell.stage
        .with_mut(|stage| unsafe { *stage = Stage::Finished(Err(err)) });
}

/// Drops whatever the stage holds, swallowing a panic from that destructor: used
/// where a first panic is already being reported.
fn drop_stage_quietly<F: Future, S>(cell: &Cell<F, S>) {
    // Dropping the output (or future) runs user code of the task: under its id.
    let _id = IdGuard::enter(&cell.header);
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: callers own the stage (they hold `RUNNING`, or the state word
        // gave them the output).
        cell.stage
            .with_mut(|stage| unsafe { *stage = Stage::Consumed });
    }));
}

/// Publishes the stored result: sets `COMPLETE`, drops the output if nobody will
/// read it or wakes the `JoinHandle`, releases the task from its owner, and
/// drops the poller's reference (plus the owner's, when released).
fn complete<F: Future + 'static, S: Schedule>(cell: &Cell<F, S>, raw: RawTask) {
    let prev = cell.header.state.transition_to_complete();
    if !prev.is_join_interested() {
        // The handle is gone: the output is ours to drop, here and now.
        drop_stage_quietly(cell);
    } else if prev.is_join_waker_set() {
        // SAFETY: `JOIN_WAKER` was set at completion, so the slot holds a waker
        // the handle can no longer replace; reading it is shared access.
        cell.join_waker.with(|w| unsafe {
            if let Some(w) = &*w {
                w.wake_by_ref();
            }
        });
    }
    let me = ManuallyDrop::new(Task::<S>::from_raw(raw));
    let released = cell.scheduler.release(&me);
    let count = match released {
        Some(task) => {
            // The owner's reference is dropped together with ours below.
            std::mem::forget(task);
            2
        }
        None => 1,
    };
    if cell.header.state.transition_to_terminal(count) {
        raw.dealloc();
    }
}

/// Vtable `schedule`: wraps the passed reference in a `Notified` for the scheduler.
///
/// The caller holds a second reference of its own until this returns: once the
/// entry is queued another thread may run it to completion and drop it, and
/// only that second reference keeps `cell.scheduler` alive for the rest of
/// the scheduler's call.
pub(crate) unsafe fn schedule<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller passes a reference to this task and holds another for
    // the whole call, so the cell outlives the borrow.
    let cell = unsafe { cell::<F, S>(ptr) };
    cell.scheduler
        .schedule(Notified(Task::from_raw(RawTask::from_raw(ptr))));
}

/// Vtable `dealloc`: frees the cell; the reference count is zero.
pub(crate) unsafe fn dealloc<F: Future, S>(ptr: NonNull<Header>) {
    // SAFETY: the count is zero, so the allocation is still ours to read.
    let header = unsafe { ptr.as_ref() };
    header.release_meta();
    // SAFETY: the allocation came from `Box<Cell<F, S>>` in `Cell::allocate`, and a
    // zero count means nothing else can reach it.
    drop(unsafe { Box::from_raw(ptr.cast::<Cell<F, S>>().as_ptr()) });
}

/// Vtable `shutdown`: cancels the task if it is idle; a running task is cancelled
/// by its poller, which will see `CANCELLED`. Consumes one reference.
pub(crate) unsafe fn shutdown<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller passes a reference to this task.
    let cell = unsafe { cell::<F, S>(ptr) };
    let raw = RawTask::from_raw(ptr);
    if !cell.header.state.transition_to_shutdown() {
        return raw.drop_reference();
    }
    cancel_future(cell);
    complete(cell, raw);
}

/// Vtable `try_read_output`: moves the result out if the task is complete,
/// otherwise leaves `waker` to be woken at completion.
pub(crate) unsafe fn try_read_output<F: Future + 'static, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: the `JoinHandle` calling this holds a reference.
    let cell = unsafe { cell::<F, S>(ptr) };
    if !can_read_output(cell, waker) {
        return;
    }
    // SAFETY: the task is complete with `JOIN_INTEREST` set (the handle is alive),
    // so the state word gave the output to the handle; nobody else touches it.
    let stage = cell
        .stage
        .with_mut(|stage| unsafe { std::mem::replace(&mut *stage, Stage::Consumed) });
    let Stage::Finished(result) = stage else {
        panic!("JoinHandle polled after it returned the task's output");
    };
    // SAFETY: the caller's contract: `dst` is a `Poll<Result<F::Output, JoinError>>`.
    unsafe { *(dst as *mut Poll<Result<F::Output, JoinError>>) = Poll::Ready(result) };
}

/// True when the output can be read; otherwise stores `waker` in the join slot.
fn can_read_output<F: Future, S>(cell: &Cell<F, S>, waker: &Waker) -> bool {
    let state = &cell.header.state;
    let snapshot = state.load();
    if snapshot.is_complete() {
        return true;
    }
    let stored = if !snapshot.is_join_waker_set() {
        set_join_waker(cell, waker)
    } else {
        // SAFETY: `JOIN_WAKER` is set, so the slot is only read, by either side.
        let same = cell
            .join_waker
            .with(|w| unsafe { (*w).as_ref().is_some_and(|stored| stored.will_wake(waker)) });
        if same {
            return false;
        }
        state
            .unset_join_waker()
            .and_then(|_| set_join_waker(cell, waker))
    };
    match stored {
        Ok(_) => false,
        Err(snapshot) => {
            debug_assert!(snapshot.is_complete());
            true
        }
    }
}

/// Writes `waker` into the slot (the handle owns it: `JOIN_WAKER` is clear) and
/// publishes it. Fails if the task completed meanwhile.
fn set_join_waker<F: Future, S>(
    cell: &Cell<F, S>,
    waker: &Waker,
) -> Result<crate::state::Snapshot, crate::state::Snapshot> {
    // SAFETY: with `JOIN_WAKER` clear and the task not complete, only the
    // `JoinHandle` (this thread) accesses the slot.
    cell.join_waker
        .with_mut(|w| unsafe { *w = Some(waker.clone()) });
    let res = cell.header.state.set_join_waker();
    if res.is_err() {
        // Completed meanwhile: the slot is still ours; don't leave a stale waker.
        // SAFETY: `JOIN_WAKER` stayed clear, so the runtime never reads the slot.
        cell.join_waker.with_mut(|w| unsafe { *w = None });
    }
    res
}

/// Vtable `drop_join_handle_slow`: gives up join interest, drops the output if
/// the task already completed, drops the handle's reference.
pub(crate) unsafe fn drop_join_handle_slow<F: Future + 'static, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the `JoinHandle` calling this holds a reference.
    let cell = unsafe { cell::<F, S>(ptr) };
    let prev = cell.header.state.transition_to_join_handle_dropped();
    if prev.is_complete() {
        // Interest was set at completion, so the output is the handle's to drop.
        drop_stage_quietly(cell);
    } else {
        // `JOIN_WAKER` is now clear on an incomplete task: the slot is ours.
        // SAFETY: the runtime only reads the slot when `JOIN_WAKER` is set.
        cell.join_waker.with_mut(|w| unsafe { *w = None });
    }
    RawTask::from_raw(ptr).drop_reference();
}
