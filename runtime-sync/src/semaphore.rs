//! A fair, FIFO counting semaphore; the base of [`Mutex`](crate::Mutex),
//! [`RwLock`](crate::RwLock) and [`OnceCell`](crate::OnceCell).
//!
//! # Design
//!
//! The number of available permits lives in one atomic word together with two
//! flags: `CLOSED`, and `QUEUED` (some task waits). While nobody waits, acquire
//! and release are a single compare-and-swap each and never touch the waiter
//! queue.
//!
//! The queue is a [`WaiterList`] behind a `Mutex`. The invariant that makes the
//! semaphore fair: **while `QUEUED` is set, the atomic count is zero**, and only
//! holders of the queue lock change the word. A task that cannot get all the
//! permits it asks for takes the lock, moves *all* available permits into its
//! waiter node (a partial assignment) and sets `QUEUED`. A release that sees
//! `QUEUED` takes the lock and hands its permits to the front waiter, and only
//! to the front waiter: a waiter asking for many permits blocks the ones behind
//! it, exactly as in Tokio. Permits go back to the atomic count when the queue
//! empties, which also clears `QUEUED`. `try_acquire` therefore never jumps the
//! queue: it sees zero permits while anybody waits.
//!
//! A waiting future owns its waiter node. Dropping it unlinks the node and
//! returns whatever permits had been assigned to it (waking the next waiters if
//! that satisfies them); if it had already been granted all its permits but was
//! dropped before it observed that, it releases them in full.

//!
//! The code is split by concept: this file holds the type and its public
//! acquire methods, `acquire.rs` the waiter queue (the `Acquire` future, the
//! release and enqueue paths), `permit.rs` the permit guards, `error.rs` the
//! error types and `blocking.rs` the `blocking_acquire*` methods.

use std::fmt;
use std::sync::Arc;

use crate::loom::{lock, AtomicUsize, Mutex, Ordering};
use crate::waiters::{WaiterList, WakeList};

mod acquire;
// `blocking_acquire*`.
mod blocking;
mod error;
mod permit;

pub(crate) use acquire::Acquire;
use acquire::{Outcome, Waiter};
pub use error::{AcquireError, TryAcquireError};
pub use permit::{OwnedSemaphorePermit, SemaphorePermit};

const CLOSED: usize = 1;
const QUEUED: usize = 2;
const FLAGS: usize = CLOSED | QUEUED;
const SHIFT: usize = 2;

/// A counting semaphore handing out permits fairly, in FIFO order.
///
/// Same API and semantics as `tokio::sync::Semaphore`: a task that asks for
/// more permits than are available waits at the back of the queue, and while
/// it waits no later task (nor `try_acquire`) gets a permit, even if it asks
/// for fewer. Permits are returned when the guard
/// ([`SemaphorePermit`]/[`OwnedSemaphorePermit`]) is dropped.
///
/// Differences from Tokio: `new` is a `const fn` (except under `--cfg loom`),
/// so [`const_new`](Semaphore::const_new) is only an alias.
///
/// # Examples
///
/// Counting permits without waiting:
///
/// ```
/// use runtime::sync::{Semaphore, TryAcquireError};
///
/// let sem = Semaphore::new(2);
/// let a = sem.try_acquire().unwrap();
/// let b = sem.try_acquire().unwrap();
/// assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::NoPermits));
/// drop(a);
/// assert_eq!(sem.available_permits(), 1);
/// b.forget(); // never returned
/// drop(sem.try_acquire().unwrap());
/// assert_eq!(sem.available_permits(), 1);
/// ```
///
/// Limiting how many tasks run a section at once:
///
/// ```
/// use runtime::sync::Semaphore;
/// use runtime::task::JoinSet;
/// use std::sync::Arc;
///
/// #[runtime::main]
/// async fn main() {
///     let sem = Arc::new(Semaphore::new(2));
///     let mut set = JoinSet::new();
///     for i in 0..5 {
///         let permit = Arc::clone(&sem).acquire_owned().await.unwrap();
///         set.spawn(async move {
///             let _permit = permit; // released when the task ends
///             i * 2
///         });
///     }
///     let mut total = 0;
///     while let Some(r) = set.join_next().await {
///         total += r.unwrap();
///     }
///     assert_eq!(total, 20);
///     assert_eq!(sem.available_permits(), 2);
/// }
/// ```
pub struct Semaphore {
    /// `permits << SHIFT | QUEUED | CLOSED`.
    state: AtomicUsize,
    waiters: Mutex<WaiterList<Waiter>>,
}

impl Semaphore {
    /// The most permits a semaphore may hold: `usize::MAX >> 3`, as in Tokio.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    /// assert_eq!(sem.available_permits(), usize::MAX >> 3);
    /// ```
    pub const MAX_PERMITS: usize = usize::MAX >> 3;

    /// Creates a semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`Semaphore::MAX_PERMITS`].
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// // `const`, so it can be a `static` without lazy initialisation.
    /// static LIMIT: Semaphore = Semaphore::new(3);
    /// assert_eq!(LIMIT.available_permits(), 3);
    /// ```
    #[cfg(not(loom))]
    #[track_caller]
    pub const fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits"
        );
        Semaphore {
            state: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// Creates a semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// If `permits` exceeds [`Semaphore::MAX_PERMITS`].
    #[cfg(loom)]
    #[track_caller]
    pub fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits"
        );
        Semaphore {
            state: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// Same as [`new`](Semaphore::new), which is already `const`; kept for
    /// code written against Tokio.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// static SEM: Semaphore = Semaphore::const_new(1);
    /// assert!(SEM.try_acquire().is_ok());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(permits: usize) -> Semaphore {
        Semaphore::new(permits)
    }

    /// A closed semaphore with no permits (for an initialised `OnceCell`).
    #[cfg(not(loom))]
    pub(crate) const fn new_closed() -> Semaphore {
        Semaphore {
            state: AtomicUsize::new(CLOSED),
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// A closed semaphore with no permits (for an initialised `OnceCell`).
    #[cfg(loom)]
    pub(crate) fn new_closed() -> Semaphore {
        Semaphore {
            state: AtomicUsize::new(CLOSED),
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// The number of permits available now. Permits already promised to a
    /// waiting task (partially assigned to it) are not counted.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let permit = sem.try_acquire_many(2).unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// drop(permit);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.state.load(Ordering::Acquire) >> SHIFT
    }

    /// Adds `n` permits, handing them to waiting tasks first (in FIFO order).
    ///
    /// # Panics
    ///
    /// If the semaphore would then hold more than
    /// [`MAX_PERMITS`](Semaphore::MAX_PERMITS) permits.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let sem = Semaphore::new(0);
    ///     sem.add_permits(2);
    ///     let permit = sem.acquire_many(2).await.unwrap();
    ///     assert_eq!(permit.num_permits(), 2);
    /// }
    /// ```
    pub fn add_permits(&self, n: usize) {
        self.release(n);
    }

    /// Removes up to `n` available permits without returning them later, and
    /// returns how many were removed. Permits held by permit guards or assigned
    /// to waiters are not affected.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(5);
    /// let held = sem.try_acquire_many(2).unwrap();
    /// assert_eq!(sem.forget_permits(10), 3); // only the 3 available ones
    /// drop(held); // held permits still come back
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn forget_permits(&self, n: usize) -> usize {
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            let take = n.min(cur >> SHIFT);
            if take == 0 {
                return 0;
            }
            match self.state.compare_exchange_weak(
                cur,
                cur - (take << SHIFT),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return take,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Closes the semaphore: waiting tasks fail with [`AcquireError`] (any
    /// permits partly assigned to them are returned), and every later acquire
    /// fails. Permits already handed out stay valid and are still returned on
    /// drop.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let sem = Semaphore::new(1);
    ///     let held = sem.acquire().await.unwrap();
    ///     sem.close();
    ///     assert!(sem.acquire().await.is_err());
    ///     drop(held); // still returned, but nobody can take it
    ///     assert_eq!(sem.available_permits(), 1);
    ///     assert!(sem.try_acquire().is_err());
    /// }
    /// ```
    pub fn close(&self) {
        let mut list = lock(&self.waiters);
        let mut wakers = WakeList::new();
        let mut returned = 0;
        while let Some(key) = list.pop_front() {
            let w = list.get_mut(key);
            w.outcome = Outcome::Closed;
            returned += std::mem::take(&mut w.assigned);
            wakers.push(w.waker.take());
        }
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            let permits = (cur >> SHIFT).saturating_add(returned);
            let new = (permits.min(Self::MAX_PERMITS) << SHIFT) | CLOSED;
            match self
                .state
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        drop(list);
        wakers.wake_all();
    }

    /// True once [`close`](Semaphore::close) has been called.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// assert!(!sem.is_closed());
    /// sem.close();
    /// assert!(sem.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Waits for one permit, in FIFO order with the other waiters.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe in that no permit is ever lost: a dropped
    /// future unlinks its waiter node and, if a release had already granted it
    /// the permit but it had not returned yet, releases that permit again (to
    /// the next waiter, or to the count). What is lost is its place in the
    /// queue: acquiring again starts at the back.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] once the semaphore is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let sem = Semaphore::new(1);
    ///     let permit = sem.acquire().await.unwrap();
    ///     assert_eq!(sem.available_permits(), 0);
    ///     drop(permit);
    ///     assert_eq!(sem.available_permits(), 1);
    /// }
    /// ```
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.acquire_raw(1).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Waits for `n` permits, taken all at once. While it waits, later tasks
    /// queue behind it even if they need fewer permits.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe in the same sense as [`acquire`](Semaphore::acquire): while
    /// it waits, the future collects permits one release at a time (a partial
    /// assignment kept in its waiter node); dropping it returns every permit
    /// assigned so far, handing them to the waiters behind it, so none is
    /// lost. Its place in the queue is lost.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] once the semaphore is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let sem = Semaphore::new(4);
    ///     let three = sem.acquire_many(3).await.unwrap();
    ///     assert_eq!(three.num_permits(), 3);
    ///     assert_eq!(sem.available_permits(), 1);
    /// }
    /// ```
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.acquire_raw(n as usize).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Takes one permit if one is available and nobody is queued.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] or [`TryAcquireError::NoPermits`].
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// let permit = sem.try_acquire().unwrap();
    /// assert!(sem.try_acquire().is_err());
    /// drop(permit);
    /// assert!(sem.try_acquire().is_ok());
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if that many are available and nobody is queued.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] or [`TryAcquireError::NoPermits`].
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// assert!(sem.try_acquire_many(4).is_err()); // all or nothing
    /// let two = sem.try_acquire_many(2).unwrap();
    /// assert_eq!((two.num_permits(), sem.available_permits()), (2, 1));
    /// ```
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_raw(n as usize)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Waits for one permit, returning a guard that owns an `Arc` of the
    /// semaphore (so it can move into a spawned task).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as [`acquire`](Semaphore::acquire) is (no permit lost, place
    /// in the queue lost); the `Arc` it was called on is dropped with the
    /// future.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] once the semaphore is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let sem = Arc::new(Semaphore::new(1));
    ///     let permit = Arc::clone(&sem).acquire_owned().await.unwrap();
    ///     let task = runtime::spawn(async move {
    ///         let _permit = permit; // moved into the task, released at its end
    ///     });
    ///     task.await.unwrap();
    ///     assert_eq!(sem.available_permits(), 1);
    /// }
    /// ```
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// Waits for `n` permits, returning an owned guard.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as [`acquire_many`](Semaphore::acquire_many) is: permits
    /// assigned to the dropped future are returned; its place in the queue is
    /// lost.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] once the semaphore is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let sem = Arc::new(Semaphore::new(3));
    ///     let permit = Arc::clone(&sem).acquire_many_owned(3).await.unwrap();
    ///     assert_eq!(permit.num_permits(), 3);
    ///     assert!(Arc::ptr_eq(permit.semaphore(), &sem));
    ///     assert_eq!(sem.available_permits(), 0);
    /// }
    /// ```
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_raw(n as usize).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Takes one permit if available, returning an owned guard.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] or [`TryAcquireError::NoPermits`].
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let permit = Arc::clone(&sem).try_acquire_owned().unwrap();
    /// assert!(Arc::clone(&sem).try_acquire_owned().is_err());
    /// drop(permit);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Takes `n` permits if available, returning an owned guard.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] or [`TryAcquireError::NoPermits`].
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(4));
    /// let permit = Arc::clone(&sem).try_acquire_many_owned(3).unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// assert!(Arc::clone(&sem).try_acquire_many_owned(2).is_err());
    /// ```
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_raw(n as usize)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }
}

impl Default for Semaphore {
    /// A semaphore with no permits.
    fn default() -> Semaphore {
        Semaphore::new(0)
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}
