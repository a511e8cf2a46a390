//! The task's single heap allocation and the type-erased handle to it.
//!
//! A spawned future lives in one `Cell<F, S>`: the `Header` (state word, vtable,
//! owned-list links), the scheduler handle `S`, the `Stage` (the future, then its
//! output) and the join waker slot. Everything outside this module sees only a
//! `RawTask`, a pointer to the header; the per-type operations are reached
//! through the `Vtable` the header points at, so run queues, wakers and the
//! `JoinHandle` need no generic parameters for the future type.

use crate::error::JoinError;
use crate::id::Id;
use crate::state::State;
use crate::sync::{AtomicU32, UnsafeCell};
use crate::{harness, Schedule};
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// The per-`(future, scheduler)` operations on a task.
pub(crate) struct Vtable {
    /// Polls the task; consumes one `Notified` reference.
    pub(crate) poll: unsafe fn(NonNull<Header>),
    /// Hands the task to its scheduler; consumes one reference (it becomes the
    /// `Notified`). The caller must hold another reference until it returns.
    pub(crate) schedule: unsafe fn(NonNull<Header>),
    /// Frees the allocation; the reference count is zero.
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
    /// Reads the output into `*mut Poll<Result<T, JoinError>>` or registers the waker.
    pub(crate) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// `JoinHandle` drop after the fast path failed; consumes the handle's reference.
    pub(crate) drop_join_handle_slow: unsafe fn(NonNull<Header>),
    /// Cancels the task at runtime shutdown; consumes one reference.
    pub(crate) shutdown: unsafe fn(NonNull<Header>),
}

/// Intrusive links of the owned-task list; guarded by that list's shard lock.
#[derive(Default)]
pub(crate) struct Links {
    pub(crate) prev: Option<NonNull<Header>>,
    pub(crate) next: Option<NonNull<Header>>,
}

/// The type-independent head of every task allocation.
#[repr(C)]
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) vtable: &'static Vtable,
    pub(crate) links: UnsafeCell<Links>,
    /// The id of the `OwnedTasks` list the task is linked in (its low 32
    /// bits, never 0 for a list), 0 when in none. Written under that list's
    /// shard lock; lets `remove` refuse a task that belongs to another list
    /// instead of unlinking it under the wrong lock.
    pub(crate) owner_id: AtomicU32,
    /// Polls so far and the side-table flag (`task_meta.rs`); next to
    /// `owner_id`, so the two share one word.
    pub(crate) polls: std::sync::atomic::AtomicU32,
    /// The task's id, chosen at allocation and never written again: any
    /// holder of a reference may read it, from any thread, without
    /// synchronisation beyond what handed it the reference.
    pub(crate) id: Id,
    /// Where the task was spawned (`task_meta.rs`).
    pub(crate) site: &'static std::panic::Location<'static>,
}

/// Where the future is in its life. Owned by whoever holds `RUNNING`, or, once
/// complete, by the single party the state word names (the `JoinHandle` if it
/// was interested at completion, the runtime otherwise).
pub(crate) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

/// The whole task allocation. `repr(C)` with the header first, so a pointer to
/// the cell is a pointer to the header and back.
#[repr(C)]
pub(crate) struct Cell<F: Future, S> {
    pub(crate) header: Header,
    pub(crate) scheduler: S,
    pub(crate) stage: UnsafeCell<Stage<F>>,
    pub(crate) join_waker: UnsafeCell<Option<Waker>>,
}

impl<F, S> Cell<F, S>
where
    F: Future + 'static,
    S: Schedule,
{
    const VTABLE: Vtable = Vtable {
        poll: harness::poll::<F, S>,
        schedule: harness::schedule::<F, S>,
        dealloc: harness::dealloc::<F, S>,
        try_read_output: harness::try_read_output::<F, S>,
        drop_join_handle_slow: harness::drop_join_handle_slow::<F, S>,
        shutdown: harness::shutdown::<F, S>,
    };

    /// Allocates a task in its initial state (queued, three references),
    /// spawned at `site` unless `task_meta::with_spawn_meta` set one.
    #[inline]
    pub(crate) fn allocate(
        future: F,
        scheduler: S,
        site: &'static std::panic::Location<'static>,
    ) -> NonNull<Header> {
        let id = Id::next();
        let (site, polls) = crate::task_meta::spawn_meta(id, site);
        // Allocated first and filled in place: `Box::new(Cell { .. })`
        // builds the cell on the stack and copies it to the heap, one more
        // move of the future per spawn (callgrind: 15 instructions per spawn
        // for a 32-byte future; BENCHMARKS.md, seventh session).
        // (`Box::new_uninit` is newer than the MSRV, 1.80: the same by hand.)
        let layout = std::alloc::Layout::new::<Self>();
        // SAFETY: the layout is not zero-sized (the header alone is 56 bytes).
        let Some(ptr) = NonNull::new(unsafe { std::alloc::alloc(layout) }.cast::<Self>()) else {
            std::alloc::handle_alloc_error(layout);
        };
        let cell = ptr.as_ptr();
        // SAFETY: `cell` points to a live allocation sized and aligned for a
        // `Cell`; each field is written exactly once through a raw pointer
        // (no reference to uninitialized memory is made), and none of the
        // writes can panic, so the cell comes out whole. It was allocated by
        // the global allocator with `Self`'s layout, as a `Box<Self>` is, so
        // `dealloc`'s `Box::from_raw` frees it correctly.
        unsafe {
            std::ptr::addr_of_mut!((*cell).header).write(Header {
                state: State::new(),
                vtable: &Self::VTABLE,
                links: UnsafeCell::new(Links::default()),
                owner_id: AtomicU32::new(0),
                polls: std::sync::atomic::AtomicU32::new(polls),
                id,
                site,
            });
            std::ptr::addr_of_mut!((*cell).scheduler).write(scheduler);
            std::ptr::addr_of_mut!((*cell).stage).write(UnsafeCell::new(Stage::Running(future)));
            std::ptr::addr_of_mut!((*cell).join_waker).write(UnsafeCell::new(None));
        }
        ptr.cast()
    }
}

/// A type-erased pointer to a live task. Copying it does not add a reference:
/// the owner types (`Task`, `Notified`, `JoinHandle`, wakers) manage those.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

impl RawTask {
    pub(crate) fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: a RawTask is only created for a live allocation and used while
        // its holder owns a reference, so the header is valid for this borrow.
        unsafe { self.ptr.as_ref() }
    }

    pub(crate) fn state(&self) -> &State {
        &self.header().state
    }

    /// The task's id (immutable after allocation).
    pub(crate) fn id(&self) -> Id {
        self.header().id
    }

    /// Polls the task; consumes one `Notified` reference.
    pub(crate) fn poll(self) {
        // SAFETY: the caller gives up a `Notified` reference, which is what `poll`
        // consumes; the vtable matches the allocation's concrete types.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Hands the task to its scheduler; consumes one reference. The caller must
    /// hold a second one until this returns (see `harness::schedule`).
    pub(crate) fn schedule(self) {
        // SAFETY: the caller gives up one reference, which becomes the `Notified`,
        // and keeps another, which keeps the cell alive through the call.
        unsafe { (self.header().vtable.schedule)(self.ptr) }
    }

    /// Frees the task; the caller saw the reference count reach zero.
    pub(crate) fn dealloc(self) {
        // SAFETY: the count is zero, so no other holder can reach the allocation.
        unsafe { (self.header().vtable.dealloc)(self.ptr) }
    }

    /// Cancels the task for runtime shutdown; consumes one reference.
    pub(crate) fn shutdown(self) {
        // SAFETY: the caller gives up one reference, which `shutdown` consumes.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    /// Reads the output into `dst` (a `*mut Poll<Result<T, JoinError>>` where `T`
    /// is the future's output type) or stores `waker` for when it is ready.
    ///
    /// # Safety
    /// `dst` must point to a valid `Poll<Result<T, JoinError>>` of the task's
    /// output type, and the caller must be the task's `JoinHandle`.
    pub(crate) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded from the caller's contract.
        unsafe { (self.header().vtable.try_read_output)(self.ptr, dst, waker) }
    }

    /// Drops the `JoinHandle`'s interest and reference.
    pub(crate) fn drop_join_handle(self) {
        if self.state().drop_join_handle_fast().is_ok() {
            return;
        }
        // SAFETY: called once, by the `JoinHandle`, which owns a reference.
        unsafe { (self.header().vtable.drop_join_handle_slow)(self.ptr) }
    }

    /// Drops one reference, freeing the task when it was the last.
    pub(crate) fn drop_reference(self) {
        if self.state().ref_dec() {
            self.dealloc();
        }
    }

    /// Asks for cancellation from outside (`JoinHandle::abort`).
    pub(crate) fn remote_abort(self) {
        if self.state().transition_to_notified_and_cancel() {
            // A reference was added for the `Notified`; the caller's handle
            // keeps the task alive through the call.
            self.schedule();
        }
    }
}

#[cfg(all(test, not(loom), target_pointer_width = "64"))]
mod tests {
    use super::Header;

    /// The header's size is a performance decision (`task_meta.rs`, module
    /// docs): at 56 bytes a task with a small future stays within glibc's
    /// fast bins (blocks up to 120 bytes); 64 more than doubled the time of
    /// the spawn benchmark. Growing it needs a measurement, not a guess.
    #[test]
    fn header_is_56_bytes() {
        assert_eq!(std::mem::size_of::<Header>(), 56);
    }
}
