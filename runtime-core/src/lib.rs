//! The task core of the runtime: what a spawned future *is*, independent of who
//! runs it.
//!
//! # Design
//!
//! A spawned future lives in exactly one heap allocation (`raw::Cell`): a header
//! with one atomic state word, the scheduler handle, the future (later its
//! output) in place, and the join waker slot. The state word (`state.rs`) packs
//! the lifecycle flags with the reference count, so every actor coordinates
//! through single atomic operations: the scheduler that polls, any number of
//! `Waker`s (whose hand-written vtable, `waker.rs`, is just a pointer to the
//! header), the [`JoinHandle`], and the scheduler's [`OwnedTasks`] list.
//!
//! A scheduler plugs in through [`Schedule`]: the task calls `schedule` when a
//! waker fires, `yield_now` when it was woken during its own poll, and `release`
//! when it completes. The scheduler calls [`Notified::run`] on tasks it pops.
//! `harness.rs` holds the life of a task: poll, complete, cancel, read output.
//!
//! Guarantees the state word gives: a task is in at most one run queue at a time;
//! a wake during a poll re-queues it exactly once after the poll; a wake is
//! never lost; a future is polled by one thread at a time and dropped exactly
//! once (on completion, abort, or shutdown); a panic in `poll` or in the
//! future's `Drop` is caught and delivered as [`JoinError`].
//!
//! [`coop`] is the cooperative budget and [`Park`]/[`Unpark`] the sleeping
//! interface the executor uses and the reactor implements. [`lock`] holds the
//! blocking `Mutex`/`Condvar` the executor and reactor use: `parking_lot`'s
//! with the `parking_lot` feature (the default), `std`'s otherwise.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod blocking_count;
pub mod coop;
pub mod driving;
mod error;
mod harness;
mod id;
mod join;
mod list;
pub mod lock;
mod park;
mod raw;
mod read_buf;
#[doc(hidden)]
pub mod spawn_hook;
mod state;
#[doc(hidden)]
pub mod sync;
pub mod task_meta;
#[doc(hidden)]
pub mod timer_hook;
#[cfg(feature = "tokio-io")]
pub mod tokio_io;
mod waker;

pub use error::JoinError;
pub use id::{current as current_task_id, wakes_current, Id};
pub use join::{AbortHandle, JoinHandle};
pub use list::OwnedTasks;
pub use park::{Park, Unpark};
pub use read_buf::ReadBuf;
pub use task_meta::TaskInfo;

use raw::{Cell, RawTask};
use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;

/// The scheduler side of a task: how it is queued when woken and released when
/// done. Implemented by each scheduler's shared handle (typically an `Arc`), a
/// clone of which every task carries.
pub trait Schedule: Send + Sync + Sized + 'static {
    /// Queues a task that was woken. Called from any thread, including threads
    /// outside the runtime and after it shut down (then drop the task).
    fn schedule(&self, task: Notified<Self>);

    /// Queues a task that woke itself during its own poll (it yielded). Defaults
    /// to `schedule`; a scheduler may put it behind other ready work.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// Removes a completed task from the scheduler's [`OwnedTasks`], returning
    /// the list's reference (or `None` if the task is not in a list).
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;
}

/// An owned reference to a task, as held by [`OwnedTasks`].
pub struct Task<S: Schedule> {
    raw: RawTask,
    _scheduler: std::marker::PhantomData<S>,
}

/// A task that is ready to be polled: the one run-queue entry a task can have.
/// Dropping it without running it just drops the reference.
pub struct Notified<S: Schedule>(Task<S>);

// SAFETY: tasks are only created from `Send` futures with `Send` outputs (see
// `spawn`), and all shared state in the allocation is atomic or guarded by the
// state word's ownership rules, so a task reference may move between threads.
unsafe impl<S: Schedule> Send for Task<S> {}
// SAFETY: `&Task` offers no access to the future or output; see above.
unsafe impl<S: Schedule> Sync for Task<S> {}

impl<S: Schedule> Task<S> {
    fn from_raw(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _scheduler: std::marker::PhantomData,
        }
    }

    /// Cancels the task for shutdown: drops its future unless it is running (its
    /// poller then drops it), completing its `JoinHandle` with a cancellation.
    pub fn shutdown(self) {
        let me = ManuallyDrop::new(self);
        me.raw.shutdown();
    }

    /// True when both handles refer to the same task.
    pub fn ptr_eq(&self, other: &Task<S>) -> bool {
        self.raw == other.raw
    }

    /// Another reference to the same task, dropped like any `Task` (for
    /// bookkeeping that must keep the task readable, such as a dump's view
    /// of running blocking closures).
    pub fn clone_ref(&self) -> Task<S> {
        self.raw.state().ref_inc();
        Task::from_raw(self.raw)
    }

    /// Stamps the task as woken now (coarse clock, see [`task_meta`]): a
    /// scheduler that tracks tasks calls it when it queues a wake.
    #[inline]
    pub fn note_woken(&self) {
        self.raw.header().note_woken();
    }

    /// The task's id, spawn site, name and counters (see [`task_meta`]).
    pub fn info(&self) -> TaskInfo<'_> {
        TaskInfo {
            header: self.raw.header(),
        }
    }
}

impl<S: Schedule> Notified<S> {
    /// Polls the task once (or cancels it, if it was aborted). Consumes the
    /// queue entry; the task re-queues itself through its waker if it is woken.
    pub fn run(self) {
        let me = ManuallyDrop::new(self);
        me.0.raw.poll();
    }

    /// Cancels a queued task that will never be run by its scheduler (for
    /// example a queued blocking task at shutdown): drops its future and
    /// completes its `JoinHandle` with a cancellation.
    pub fn cancel(self) {
        // The task is queued (`NOTIFIED`), so this only sets `CANCELLED`;
        // running the entry then cancels instead of polling.
        self.0.raw.remote_abort();
        self.run();
    }

    /// The task this entry refers to.
    pub fn task(&self) -> &Task<S> {
        &self.0
    }
}

impl<S: Schedule> Drop for Task<S> {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl<S: Schedule> fmt::Debug for Task<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("state", &self.raw.state().load())
            .finish()
    }
}

impl<S: Schedule> fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Notified").field(&self.0).finish()
    }
}

/// As [`spawn`], for a future that is not `Send` (a `LocalSet` task).
///
/// # Safety
/// The caller must poll the task (run its `Notified`s) and shut it down only on
/// the thread that called this, and must shut it down (for example through
/// [`OwnedTasks::close_and_shutdown_all`]) before that thread exits, so the
/// future is never polled or dropped on another thread. The output is only
/// moved out through the `JoinHandle`, which is `!Send` when the output is.
#[track_caller]
#[inline]
pub unsafe fn spawn_local<F, S>(
    future: F,
    scheduler: S,
) -> (Task<S>, Notified<S>, JoinHandle<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
    S: Schedule,
{
    // SAFETY: forwarded from the caller's contract.
    unsafe { spawn_local_at(future, scheduler, std::panic::Location::caller()) }
}

/// As [`spawn_local`], with the spawn site given (see [`spawn_at`]).
///
/// # Safety
/// As [`spawn_local`].
#[inline]
pub unsafe fn spawn_local_at<F, S>(
    future: F,
    scheduler: S,
    site: &'static std::panic::Location<'static>,
) -> (Task<S>, Notified<S>, JoinHandle<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
    S: Schedule,
{
    let raw = RawTask::from_raw(Cell::allocate(future, scheduler, site));
    (
        Task::from_raw(raw),
        Notified(Task::from_raw(raw)),
        JoinHandle::new(raw),
    )
}

/// Allocates a task for `future`, to be scheduled by `scheduler`. Returns the
/// owner reference (bind it with [`OwnedTasks::bind`]), the first run-queue entry,
/// and the `JoinHandle`. The caller (`#[track_caller]`) is the task's spawn
/// site, unless [`task_meta::with_spawn_meta`] set one.
#[track_caller]
#[inline]
pub fn spawn<F, S>(future: F, scheduler: S) -> (Task<S>, Notified<S>, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    spawn_at(future, scheduler, std::panic::Location::caller())
}

/// As [`spawn`], with the spawn site given: for spawn functions that reach
/// here through a closure, which `#[track_caller]` does not see through.
#[inline]
pub fn spawn_at<F, S>(
    future: F,
    scheduler: S,
    site: &'static std::panic::Location<'static>,
) -> (Task<S>, Notified<S>, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    // SAFETY: the future and its output are `Send`, so polling or dropping
    // them on any thread is sound; `spawn_local`'s restrictions do not apply.
    unsafe { spawn_local_at(future, scheduler, site) }
}
