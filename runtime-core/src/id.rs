//! Task ids: a number given to each task when it is allocated, kept in its
//! header, and published in a thread-local while the task's future is polled
//! or dropped, so code running inside a task can ask which task it is.

use crate::raw::Header;
use std::cell::Cell;
use std::fmt;
use std::mem::ManuallyDrop;
use std::num::NonZeroU64;
use std::ptr::NonNull;
use std::task::Waker;

/// An opaque number that identifies a task among all the tasks this process
/// has spawned: no two tasks ever get the same id (the counter is 64 bits and
/// is never reset).
///
/// Ids say nothing else about a task: they are not guaranteed to be given out
/// in spawn order, and do not name the runtime the task runs on. Read one with
/// `JoinHandle::id` or `AbortHandle::id` from outside the task, and with
/// `task::id()` or `task::try_id()` from inside it.
///
/// # Examples
///
/// ```
/// use runtime::task;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let handle = task::spawn(async { task::id() });
///     let outside: task::Id = handle.id();
///     let inside = handle.await.unwrap();
///     assert_eq!(outside, inside);
/// }
/// ```
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// A fresh id, different from every id handed out before in this process.
    pub(crate) fn next() -> Id {
        // A plain `std` atomic even under loom: the counter only has to hand
        // out distinct numbers, it guards no memory, and a loom atomic cannot
        // live in a `static`. `Relaxed` suffices for distinctness, which the
        // read-modify-write gives on its own.
        use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        loop {
            // 2^64 spawns would take centuries; the loop only skips the 0 a
            // wrap would produce.
            if let Some(id) = NonZeroU64::new(NEXT.fetch_add(1, Relaxed)) {
                return Id(id);
            }
        }
    }
}

impl Id {
    /// The id as a number (never 0), for lock-free slots that store ids.
    #[doc(hidden)]
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }

    /// The id stored as `as_u64` gave it; `None` for 0.
    #[doc(hidden)]
    pub fn from_u64(n: u64) -> Option<Id> {
        NonZeroU64::new(n).map(Id)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

thread_local! {
    /// The task whose future this thread is polling or dropping right now:
    /// its header, from which the id is read (a pointer, not the id, so that
    /// `wakes_current` can recognise the task's own waker for free).
    static CURRENT: Cell<Option<NonNull<Header>>> = const { Cell::new(None) };
}

/// The id of the task whose future is being polled (or dropped) on this
/// thread, or `None` outside any task (in `block_on`, on a plain thread).
pub fn current() -> Option<Id> {
    // `try_with`: during thread-local destruction there is no current task.
    let header = CURRENT.try_with(Cell::get).ok().flatten()?;
    // SAFETY: `CURRENT` points at a header only inside an `IdGuard`'s scope,
    // which the harness opens while it holds a reference to that task.
    Some(unsafe { header.as_ref() }.id)
}

/// The id of the task being polled on this thread if `waker` is one of its
/// own wakers (the one its poll was given, or a clone of it); `None` for any
/// other waker, or outside a task. What a scheduler needs to tell a task's
/// `yield_now` from a wake of some other task (`runtime_executor::defer`).
/// Plumbing between this crate and the executor, hidden from the docs.
#[doc(hidden)]
pub fn wakes_current(waker: &Waker) -> Option<Id> {
    let header = CURRENT.try_with(Cell::get).ok().flatten()?;
    // SAFETY: as in `current`: the task is alive while it is current. The
    // waker is only compared, never woken or dropped.
    let own = ManuallyDrop::new(unsafe { crate::waker::borrowed(header) });
    if !waker.will_wake(&own) {
        return None;
    }
    // SAFETY: as above.
    Some(unsafe { header.as_ref() }.id)
}

/// Makes the task at `header` the current one until dropped, then restores
/// the previous one, also when the scope unwinds. Nested tasks (a `LocalSet`
/// polled inside a task) thus see their own id, and the outer task gets its
/// id back.
pub(crate) struct IdGuard {
    prev: Option<NonNull<Header>>,
}

impl IdGuard {
    /// The caller must hold a reference to the task for the guard's whole
    /// life (the harness does: the poll's, or completion's).
    pub(crate) fn enter(header: &Header) -> IdGuard {
        let prev = CURRENT
            .try_with(|c| c.replace(Some(NonNull::from(header))))
            .ok()
            .flatten();
        IdGuard { prev }
    }
}

impl Drop for IdGuard {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.prev));
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_display_as_numbers() {
        let a = Id::next();
        let b = Id::next();
        assert_ne!(a, b);
        assert_eq!(a.to_string(), a.0.to_string());
        assert!(format!("{a:?}").starts_with("Id("));
    }

    /// A scheduler for tasks that are never run: they only lend a header.
    struct Never;

    impl crate::Schedule for Never {
        fn schedule(&self, _: crate::Notified<Self>) {
            unreachable!("never woken in these tests")
        }
        fn release(&self, _: &crate::Task<Self>) -> Option<crate::Task<Self>> {
            None
        }
    }

    /// A task that is never polled, for its header; dropped with the tuple.
    fn task() -> (
        crate::Task<Never>,
        crate::Notified<Never>,
        crate::JoinHandle<()>,
    ) {
        // SAFETY: the task is never polled, and dropped on this thread.
        unsafe { crate::spawn_local(async {}, Never) }
    }

    #[test]
    fn guard_sets_and_restores_also_on_unwind() {
        assert_eq!(current(), None);
        let (outer, inner) = (task(), task());
        let (outer_id, inner_id) = (outer.0.info().id(), inner.0.info().id());
        let g = IdGuard::enter(outer.0.raw.header());
        let inner_header = std::panic::AssertUnwindSafe(inner.0.raw.header());
        let r = std::panic::catch_unwind(|| {
            let _g = IdGuard::enter(*inner_header);
            assert_eq!(current(), Some(inner_id));
            panic!("unwind through the guard");
        });
        assert!(r.is_err());
        assert_eq!(current(), Some(outer_id));
        drop(g);
        assert_eq!(current(), None);
    }

    #[test]
    fn wakes_current_knows_only_the_current_tasks_own_wakers() {
        let (a, b) = (task(), task());
        // SAFETY: `a` and `b` hold references for as long as these live.
        let wake_a = ManuallyDrop::new(unsafe { crate::waker::borrowed(a.0.raw.header_ptr()) });
        // SAFETY: as above.
        let wake_b = ManuallyDrop::new(unsafe { crate::waker::borrowed(b.0.raw.header_ptr()) });
        struct Other;
        impl std::task::Wake for Other {
            fn wake(self: std::sync::Arc<Self>) {}
        }
        let other = Waker::from(std::sync::Arc::new(Other));
        assert_eq!(wakes_current(&wake_a), None, "outside any task");
        let g = IdGuard::enter(a.0.raw.header());
        assert_eq!(wakes_current(&wake_a), Some(a.0.info().id()));
        assert_eq!(wakes_current(&wake_b), None);
        assert_eq!(wakes_current(&other), None);
        {
            let _inner = IdGuard::enter(b.0.raw.header());
            assert_eq!(wakes_current(&wake_a), None, "the inner task is current");
            assert_eq!(wakes_current(&wake_b), Some(b.0.info().id()));
        }
        assert_eq!(wakes_current(&wake_a), Some(a.0.info().id()));
        drop(g);
    }
}
