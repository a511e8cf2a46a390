//! Task ids: a number given to each task when it is allocated, kept in its
//! header, and published in a thread-local while the task's future is polled
//! or dropped, so code running inside a task can ask which task it is.

use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;

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
    /// The task whose future this thread is polling or dropping right now.
    static CURRENT: Cell<Option<Id>> = const { Cell::new(None) };
}

/// The id of the task whose future is being polled (or dropped) on this
/// thread, or `None` outside any task (in `block_on`, on a plain thread).
pub fn current() -> Option<Id> {
    // `try_with`: during thread-local destruction there is no current task.
    CURRENT.try_with(Cell::get).ok().flatten()
}

/// Makes `id` the current task id until dropped, then restores the previous
/// one, also when the scope unwinds. Nested tasks (a `LocalSet` polled inside
/// a task) thus see their own id, and the outer task gets its id back.
pub(crate) struct IdGuard {
    prev: Option<Id>,
}

impl IdGuard {
    pub(crate) fn enter(id: Id) -> IdGuard {
        let prev = CURRENT.try_with(|c| c.replace(Some(id))).ok().flatten();
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

    #[test]
    fn guard_sets_and_restores_also_on_unwind() {
        assert_eq!(current(), None);
        let (outer, inner) = (Id::next(), Id::next());
        let _g = IdGuard::enter(outer);
        let r = std::panic::catch_unwind(|| {
            let _g = IdGuard::enter(inner);
            assert_eq!(current(), Some(inner));
            panic!("unwind through the guard");
        });
        assert!(r.is_err());
        assert_eq!(current(), Some(outer));
        drop(_g);
        assert_eq!(current(), None);
    }
}
