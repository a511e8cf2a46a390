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

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll, Waker};

use crate::loom::{lock, AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::waiters::{Key, WaiterList, WakeList};

// `blocking_acquire*`, kept apart to keep this file's size in check.
mod blocking;

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

struct Waiter {
    /// Permits still missing.
    needed: usize,
    /// Permits already moved into this node.
    assigned: usize,
    waker: Option<Waker>,
    outcome: Outcome,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Waiting,
    Granted,
    Closed,
}

/// Error returned by [`Semaphore::acquire`] and friends: the semaphore was
/// closed.
///
/// ```
/// use runtime::sync::Semaphore;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let sem = Semaphore::new(1);
///     sem.close();
///     let err = sem.acquire().await.unwrap_err();
///     assert_eq!(err.to_string(), "semaphore closed");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

/// Error returned by [`Semaphore::try_acquire`] and friends.
///
/// ```
/// use runtime::sync::{Semaphore, TryAcquireError};
///
/// let sem = Semaphore::new(1);
/// let _held = sem.try_acquire().unwrap();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// sem.close();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore has been [closed](Semaphore::close).
    Closed,
    /// Not enough permits are available right now (or other tasks are queued
    /// ahead).
    NoPermits,
}

impl TryAcquireError {
    /// True for [`TryAcquireError::Closed`].
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// sem.close();
    /// assert!(sem.try_acquire().unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, TryAcquireError::Closed)
    }

    /// True for [`TryAcquireError::NoPermits`].
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(0);
    /// assert!(sem.try_acquire().unwrap_err().is_no_permits());
    /// ```
    pub fn is_no_permits(&self) -> bool {
        matches!(self, TryAcquireError::NoPermits)
    }
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

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

    /// The future behind every waiting acquire; on success the caller owns
    /// `n` permits and must release them.
    pub(crate) fn acquire_raw(&self, n: usize) -> Acquire<'_> {
        Acquire {
            sem: self,
            num: n,
            state: AcquireState::Idle,
        }
    }

    /// Lock-free attempt to take `n` permits.
    pub(crate) fn try_acquire_raw(&self, n: usize) -> Result<(), TryAcquireError> {
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            if cur & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            // While anybody is queued the count is zero, so this also keeps
            // `try_acquire` from jumping the queue.
            if cur >> SHIFT < n {
                return Err(TryAcquireError::NoPermits);
            }
            if n == 0 {
                return Ok(());
            }
            match self.state.compare_exchange_weak(
                cur,
                cur - (n << SHIFT),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Returns `n` permits: lock-free while nobody waits.
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut cur = self.state.load(Ordering::Acquire);
        while cur & QUEUED == 0 {
            let new = Self::add_to_word(cur, n);
            match self
                .state
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        self.release_locked(n, lock(&self.waiters));
    }

    fn add_to_word(word: usize, n: usize) -> usize {
        let permits = (word >> SHIFT)
            .checked_add(n)
            .filter(|&p| p <= Self::MAX_PERMITS);
        let Some(permits) = permits else {
            panic!(
                "a semaphore may not have more than MAX_PERMITS ({}) permits",
                Self::MAX_PERMITS
            );
        };
        (permits << SHIFT) | (word & FLAGS)
    }

    /// Hands `n` permits to the front waiters, then (when the queue is empty)
    /// puts the rest back into the count and clears `QUEUED`. Wakes the
    /// satisfied waiters after unlocking.
    fn release_locked(&self, mut n: usize, mut list: MutexGuard<'_, WaiterList<Waiter>>) {
        let mut wakers = WakeList::new();
        while n > 0 {
            let Some(key) = list.front() else { break };
            let w = list.get_mut(key);
            let give = n.min(w.needed);
            w.needed -= give;
            w.assigned += give;
            n -= give;
            if w.needed > 0 {
                break;
            }
            w.outcome = Outcome::Granted;
            wakers.push(w.waker.take());
            list.unlink(key);
        }
        if list.is_empty() {
            // Only lock holders change the word while `QUEUED` is set; without
            // it, lock-free acquirers and releasers may race us, hence the CAS.
            let mut cur = self.state.load(Ordering::Acquire);
            loop {
                let new = Self::add_to_word(cur, n) & !QUEUED;
                match self.state.compare_exchange_weak(
                    cur,
                    new,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => break,
                    Err(actual) => cur = actual,
                }
            }
        } else {
            debug_assert_eq!(n, 0, "permits left over while waiters are queued");
        }
        drop(list);
        wakers.wake_all();
    }

    /// Slow path of a first poll: under the lock, take what is available and
    /// queue for the rest.
    fn enqueue(&self, n: usize, waker: &Waker) -> Result<Option<Key>, AcquireError> {
        let mut list = lock(&self.waiters);
        let mut cur = self.state.load(Ordering::Acquire);
        let taken = loop {
            if cur & CLOSED != 0 {
                return Err(AcquireError(()));
            }
            let avail = cur >> SHIFT;
            let (new, taken) = if avail >= n {
                // Released between the fast path and the lock.
                (cur - (n << SHIFT), n)
            } else {
                (QUEUED, avail)
            };
            match self
                .state
                .compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break taken,
                Err(actual) => cur = actual,
            }
        };
        if taken == n {
            return Ok(None);
        }
        let key = list.push_back(Waiter {
            needed: n - taken,
            assigned: taken,
            waker: Some(waker.clone()),
            outcome: Outcome::Waiting,
        });
        Ok(Some(key))
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

enum AcquireState {
    Idle,
    Queued(Key),
    Done,
}

/// Future of a waiting acquire of `num` permits. On `Ok` the caller owns the
/// permits.
pub(crate) struct Acquire<'a> {
    sem: &'a Semaphore,
    num: usize,
    state: AcquireState,
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let coop = ready!(runtime_core::coop::poll_proceed(cx));
        let res = match this.state {
            AcquireState::Idle => match this.sem.try_acquire_raw(this.num) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(TryAcquireError::Closed) => Poll::Ready(Err(AcquireError(()))),
                Err(TryAcquireError::NoPermits) => match this.sem.enqueue(this.num, cx.waker()) {
                    Ok(None) => Poll::Ready(Ok(())),
                    Ok(Some(key)) => {
                        this.state = AcquireState::Queued(key);
                        Poll::Pending
                    }
                    Err(e) => Poll::Ready(Err(e)),
                },
            },
            AcquireState::Queued(key) => {
                let mut list = lock(&this.sem.waiters);
                let w = list.get_mut(key);
                match w.outcome {
                    Outcome::Waiting => {
                        if !w.waker.as_ref().is_some_and(|o| o.will_wake(cx.waker())) {
                            let old = w.waker.replace(cx.waker().clone());
                            // A waker's drop may run arbitrary code (even drop
                            // a task holding another waiter of this semaphore):
                            // never under the lock.
                            drop(list);
                            drop(old);
                        }
                        Poll::Pending
                    }
                    Outcome::Granted => {
                        list.remove(key);
                        Poll::Ready(Ok(()))
                    }
                    Outcome::Closed => {
                        list.remove(key);
                        Poll::Ready(Err(AcquireError(())))
                    }
                }
            }
            AcquireState::Done => panic!("`Acquire` polled after completion"),
        };
        if res.is_ready() {
            this.state = AcquireState::Done;
            coop.made_progress();
        }
        res
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        let AcquireState::Queued(key) = self.state else {
            return;
        };
        let mut list = lock(&self.sem.waiters);
        // `w` (and its waker) outlives the lock, which is released before the
        // end of each arm: a waker is never dropped under the lock.
        let w = list.remove(key);
        match w.outcome {
            // Still queued: return the partial assignment (possibly zero; the
            // call also clears `QUEUED` if the queue is now empty).
            Outcome::Waiting => self.sem.release_locked(w.assigned, list),
            // Granted but never observed: the permits are ours to return.
            Outcome::Granted => self.sem.release_locked(self.num, list),
            Outcome::Closed => drop(list),
        }
    }
}

/// Permits borrowed from a [`Semaphore`]; dropping the guard returns them.
///
/// Returned by [`Semaphore::acquire`], [`acquire_many`](Semaphore::acquire_many)
/// and the `try_` variants.
///
/// ```
/// use runtime::sync::Semaphore;
///
/// let sem = Semaphore::new(2);
/// {
///     let _permit = sem.try_acquire().unwrap();
///     assert_eq!(sem.available_permits(), 1);
/// } // dropped here
/// assert_eq!(sem.available_permits(), 2);
/// ```
#[must_use = "dropping the permit returns it to the semaphore at once"]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: usize,
}

impl<'a> SemaphorePermit<'a> {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1); // one permit is gone
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this guard holds.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(5);
    /// assert_eq!(sem.try_acquire_many(4).unwrap().num_permits(), 4);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Moves the permits of `other` into `self`.
    ///
    /// # Panics
    ///
    /// If the two permits come from different semaphores.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let mut a = sem.try_acquire().unwrap();
    /// a.merge(sem.try_acquire_many(2).unwrap());
    /// assert_eq!(a.num_permits(), 3);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: SemaphorePermit<'a>) {
        assert!(
            std::ptr::eq(self.sem, other.sem),
            "merging permits from different semaphores"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new guard; `None` if this guard holds
    /// fewer than `n`.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let mut p = sem.try_acquire_many(3).unwrap();
    /// let one = p.split(1).unwrap();
    /// assert_eq!((p.num_permits(), one.num_permits()), (2, 1));
    /// assert!(p.split(5).is_none());
    /// drop(one);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn split(&mut self, n: usize) -> Option<SemaphorePermit<'a>> {
        self.permits = self.permits.checked_sub(n)?;
        Some(SemaphorePermit {
            sem: self.sem,
            permits: n,
        })
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("sem", self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}

/// Permits owned together with an `Arc` of their [`Semaphore`]; dropping the
/// guard returns them.
///
/// Returned by [`Semaphore::acquire_owned`] and the other `*_owned` methods;
/// it is `'static`, so it can move into a spawned task.
///
/// ```
/// use runtime::sync::Semaphore;
/// use std::sync::Arc;
///
/// let sem = Arc::new(Semaphore::new(1));
/// let permit = Arc::clone(&sem).try_acquire_owned().unwrap();
/// std::thread::spawn(move || drop(permit)).join().unwrap();
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "dropping the permit returns it to the semaphore at once"]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: usize,
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// Arc::clone(&sem).try_acquire_owned().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this guard holds.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(5));
    /// let permit = sem.try_acquire_many_owned(2).unwrap();
    /// assert_eq!(permit.num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Moves the permits of `other` into `self`.
    ///
    /// # Panics
    ///
    /// If the two permits come from different semaphores.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(2));
    /// let mut a = Arc::clone(&sem).try_acquire_owned().unwrap();
    /// a.merge(Arc::clone(&sem).try_acquire_owned().unwrap());
    /// assert_eq!(a.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: OwnedSemaphorePermit) {
        assert!(
            Arc::ptr_eq(&self.sem, &other.sem),
            "merging permits from different semaphores"
        );
        self.permits += std::mem::take(&mut other.permits);
    }

    /// Splits `n` permits off into a new guard; `None` if this guard holds
    /// fewer than `n`.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(2));
    /// let mut p = Arc::clone(&sem).try_acquire_many_owned(2).unwrap();
    /// let half = p.split(1).unwrap();
    /// assert_eq!((p.num_permits(), half.num_permits()), (1, 1));
    /// drop(half);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn split(&mut self, n: usize) -> Option<OwnedSemaphorePermit> {
        self.permits = self.permits.checked_sub(n)?;
        Some(OwnedSemaphorePermit {
            sem: Arc::clone(&self.sem),
            permits: n,
        })
    }

    /// The semaphore the permits belong to.
    ///
    /// ```
    /// use runtime::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let permit = Arc::clone(&sem).try_acquire_owned().unwrap();
    /// assert!(Arc::ptr_eq(permit.semaphore(), &sem));
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("sem", &self.sem)
            .field("permits", &self.permits)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::task::Wake;

    struct Flag(std::sync::atomic::AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn waker() -> (Arc<Flag>, Waker) {
        let f = Arc::new(Flag(Default::default()));
        (Arc::clone(&f), Waker::from(f))
    }

    fn poll<F: Future + Unpin>(f: &mut F, w: &Waker) -> Poll<F::Output> {
        Pin::new(f).poll(&mut Context::from_waker(w))
    }

    #[test]
    fn many_waiter_blocks_later_ones_and_partial_permits_return_on_drop() {
        let sem = Semaphore::new(1);
        let held = sem.try_acquire().unwrap();
        let (_, w) = waker();
        let mut big = sem.acquire_raw(3);
        assert!(poll(&mut big, &w).is_pending());
        let (small_flag, ws) = waker();
        let mut small = sem.acquire_raw(1);
        assert!(poll(&mut small, &ws).is_pending());
        // The released permit goes to `big` (front), not `small`.
        drop(held);
        assert_eq!(sem.available_permits(), 0);
        assert!(poll(&mut small, &ws).is_pending());
        assert!(sem.try_acquire().is_err());
        // Dropping `big` hands its one assigned permit to `small`.
        drop(big);
        assert!(small_flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(poll(&mut small, &ws), Poll::Ready(Ok(())));
        drop(small);
        sem.release(1);
        assert_eq!(sem.available_permits(), 1);
        assert_eq!(sem.state.load(Ordering::SeqCst) & QUEUED, 0);
    }

    #[test]
    fn granted_but_unobserved_permits_are_returned_on_drop() {
        let sem = Semaphore::new(0);
        let (flag, w) = waker();
        let mut a = sem.acquire_raw(2);
        assert!(poll(&mut a, &w).is_pending());
        sem.add_permits(2);
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(sem.available_permits(), 0);
        drop(a);
        assert_eq!(sem.available_permits(), 2);
    }

    #[test]
    fn close_fails_waiters_and_returns_partial_permits() {
        let sem = Semaphore::new(1);
        let (flag, w) = waker();
        let mut a = sem.acquire_raw(2);
        assert!(poll(&mut a, &w).is_pending());
        assert_eq!(sem.available_permits(), 0);
        sem.close();
        assert!(flag.0.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(poll(&mut a, &w), Poll::Ready(Err(AcquireError(()))));
        assert_eq!(sem.available_permits(), 1);
        assert_eq!(sem.try_acquire().err(), Some(TryAcquireError::Closed));
        assert!(sem.is_closed());
    }

    #[test]
    fn permits_split_merge_forget() {
        let sem = Semaphore::new(5);
        let mut p = sem.try_acquire_many(3).unwrap();
        let q = p.split(2).unwrap();
        assert!(p.split(5).is_none());
        assert_eq!((p.num_permits(), q.num_permits()), (1, 2));
        p.merge(q);
        assert_eq!(p.num_permits(), 3);
        assert_eq!(sem.available_permits(), 2);
        assert_eq!(sem.forget_permits(1), 1);
        p.forget();
        assert_eq!(sem.available_permits(), 1);
        let err = TryAcquireError::NoPermits;
        assert_eq!(err.to_string(), "no permits available");
        assert_eq!(AcquireError(()).to_string(), "semaphore closed");
    }

    #[test]
    #[should_panic(expected = "MAX_PERMITS")]
    fn add_permits_overflow_panics() {
        let sem = Semaphore::new(Semaphore::MAX_PERMITS);
        sem.add_permits(1);
    }
}
