//! Synchronisation primitives for async code: channels ([`oneshot`],
//! [`mpsc`], [`broadcast`], [`watch`]), locks ([`Mutex`], [`RwLock`]),
//! [`Notify`], [`Semaphore`], [`Barrier`], [`OnceCell`] and [`SetOnce`].
//!
//! Users reach this crate through the facade, as `runtime::sync`; the API and
//! semantics follow `tokio::sync` (differences are listed on each item).
//!
//! ```
//! use runtime::sync::{mpsc, Mutex};
//! use std::sync::Arc;
//!
//! #[runtime::main]
//! async fn main() {
//!     let total = Arc::new(Mutex::new(0));
//!     let (tx, mut rx) = mpsc::channel(4);
//!     let t = Arc::clone(&total);
//!     let consumer = runtime::spawn(async move {
//!         while let Some(n) = rx.recv().await {
//!             *t.lock().await += n;
//!         }
//!     });
//!     for n in 1..=4 {
//!         tx.send(n).await.unwrap();
//!     }
//!     drop(tx); // closes the channel: the consumer's loop ends
//!     consumer.await.unwrap();
//!     assert_eq!(*total.lock().await, 10);
//! }
//! ```
//!
//! # Design
//!
//! This section is for people changing the crate; each module's own docs go
//! into more detail (`semaphore.rs`, `notify.rs`, `mpsc/block.rs`, ...).
//!
//! ## Runtime-agnostic: only `Waker`
//!
//! Nothing here knows about an executor, a reactor or a timer. A waiting
//! future stores the [`Waker`](std::task::Waker) of the context that polled
//! it, and whoever makes progress possible wakes it; that is the whole
//! contract, so the primitives run on this runtime, on Tokio, or on
//! `futures::executor::block_on`. The one link to the runtime is
//! `runtime_core::coop::poll_proceed`, the cooperative budget, which is a
//! thread-local that does nothing outside a budgeted task poll. Every async
//! operation spends one unit when it completes, including the ones that are
//! ready at once (a lock that is free, a `closed()` whose receiver is gone, a
//! `wait_for` whose predicate holds, a set `OnceCell`, a `Barrier` of one),
//! and returns `Pending` (having woken the task) when the budget is spent, so
//! a loop over always-ready operations still lets other tasks run. The
//! `blocking_*` methods drive the same futures with a small thread-parking
//! `block_on` (in `waiters.rs` and `chan_util.rs`). Locks inside the crate are
//! `std::sync::Mutex`es (through the `loom.rs` shim, so the loom models in
//! `tests/loom_*.rs` check the same code), held only for a few instructions,
//! and never while a waker is woken or dropped, or a value dropped: wakers are
//! collected under the lock and woken after it (`WakeList`), a waker being
//! replaced or unregistered is taken out under the lock and dropped after it,
//! and so are values, because a waker's `wake` or `Drop` (or a value's
//! `Drop`) may run arbitrary code, including code that takes the same lock.
//! `tests/reentrancy.rs` checks each such path with a waker that re-enters
//! its primitive. (User closures that are handed the protected value, like
//! `watch::Sender::send_modify` or a `wait_for` predicate, and broadcast's
//! `T::clone`, do run under the lock, as in Tokio.)
//!
//! ## The waiter list
//!
//! [`Semaphore`] (and so the bounded mpsc channel's senders) and [`Notify`]
//! queue their waiters in a `WaiterList`
//! (`waiters.rs`): a slab of nodes threaded on a doubly linked FIFO list by
//! index, behind a mutex. A waiting future pushes a node and keeps its key.
//! The notifying side *unlinks* nodes and writes the outcome into them
//! (granted, notified, closed) but never frees them; only the future that
//! owns a key frees its node, when it observes the outcome or is dropped. So
//! keys are never reused while a future holds one (no ABA), every operation
//! is O(1), and no `unsafe` is needed. The channels use simpler lists: a
//! `Vec` of `(id, Waker)` for level-triggered conditions ("the receiver
//! closed", in `chan_util::WaitList`; broadcast's waiting receivers).
//!
//! ## The semaphore: fair queue, atomic fast path
//!
//! [`Semaphore`] keeps `permits << 2 | QUEUED | CLOSED` in one atomic word.
//! While nobody waits, acquire and release are one compare-and-swap each and
//! never take the lock. The fairness invariant: **while `QUEUED` is set the
//! count is zero**, and only holders of the queue lock change the word. A
//! task that cannot get all its permits takes the lock, moves every available
//! permit into its node (a partial assignment), sets `QUEUED` and waits; a
//! release that sees `QUEUED` takes the lock and hands its permits to the
//! *front* waiter only, so a large request blocks smaller ones behind it and
//! `try_acquire` never jumps the queue (it sees zero). When the queue
//! empties, leftover permits go back into the count in the same CAS that
//! clears `QUEUED`. [`Mutex`] is a semaphore with one permit, [`RwLock`] one
//! with `max_readers` permits (a reader takes one, a writer all of them, so a
//! queued writer holds back later readers), [`OnceCell`] serialises its
//! initialisers with a one-permit semaphore that it closes once the value is
//! set. [`Barrier`] is a counter under a mutex plus
//! [`Notify::notify_waiters`].
//!
//! [`Notify`] packs a two-bit state (empty, waiters registered, one stored
//! permit) with a generation counter bumped by every `notify_waiters`; a
//! [`Notified`] records the generation when it is created, which is how a
//! `notify_waiters` reaches futures that were created but never polled.
//!
//! ## mpsc: the block queue
//!
//! Both mpsc channels share one lock-free queue (`mpsc/block.rs`): a linked
//! list of blocks of 32 slots (16 on 32-bit targets). A send claims a position with one `fetch_add`
//! on the tail position, walks from the shared `tail_block` pointer to the
//! block holding that position (linking a new block with a CAS if it is
//! missing), writes the slot and sets the slot's bit in the block's `ready`
//! word (release). The single receiver reads positions in order, checking
//! ready bits (acquire). `tail_block` only moves past a block whose slots are
//! all written; the sender that moves it records the tail position it saw
//! (`observed_tail`) and marks the block `RELEASED`, and the receiver frees a
//! block once it is released and every position below `observed_tail` has
//! been consumed: by then no sender can still be walking through it (the
//! argument is in `block.rs`). One allocation serves a block's worth of
//! messages. The
//! receiver's waker lives in a lock-free `AtomicWaker`. Capacity is separate
//! from the queue: the bounded channel's `BoundedSemaphore` is a
//! [`Semaphore`] handing out one permit per message (returned when the
//! receiver pops it), `n` at once for `reserve_many`; the unbounded
//! channel only counts messages in flight, so the receiver can tell "closed
//! and drained" (`None`) from "a send is still in progress".
//!
//! The other channels are simpler: [`oneshot`] is one atomic state word and
//! three cells (value, receiver waker, sender waker) with a flag protocol,
//! [`broadcast`] a ring buffer under one mutex, [`watch`] a
//! `std::sync::RwLock` plus an atomic version counter.
//!
//! ## Cancellation: nothing handed out is lost
//!
//! Every waiting future owns its registration and removes it in `Drop`, so a
//! future dropped by `select!` or `timeout` leaves nothing behind. The
//! delicate case is a future that was *handed* something (a permit, a
//! notification) after its last poll and is dropped before it could observe
//! it. Each primitive passes that on:
//!
//! - [`Semaphore`] (and so [`Mutex`], [`RwLock`], [`OnceCell`]): the dropped
//!   `Acquire` frees its node; if its outcome is *granted* it releases all the
//!   permits it was given, otherwise the ones partially assigned to it, in
//!   both cases through the normal release path, which hands them to the next
//!   waiters or back to the count.
//! - [`Notify`]: a dropped `Notified` that `notify_one`/`notify_last` had
//!   picked notifies the next registered waiter from the same end (the next
//!   oldest for `notify_one`, the next newest for `notify_last`), or stores
//!   the permit if there is none. A `notify_waiters` wake-up is not passed on
//!   (everyone got it).
//! - bounded [`mpsc`]: a dropped `send`/`reserve`/`reserve_many` is a
//!   dropped [`Semaphore`] acquire (above), so its assigned slots go to the
//!   next queued senders or back to the free capacity; it then wakes the
//!   receiver if the channel is closed and now drained.
//! - Receivers ([`mpsc`], [`broadcast`], [`watch`], [`oneshot`]) take a value
//!   (or mark a version seen) only in the poll that returns `Ready`, so a
//!   dropped receive future has taken nothing.
//!
//! Each async method documents its cancel safety under `# Cancel safety`. In
//! short: every receive, `reserve`, `closed` and lock/acquire method is cancel
//! safe (the lock and acquire methods lose their place in the queue, nothing
//! else); bounded `mpsc::Sender::send` drops its message with the future (it
//! is never half sent, and no capacity leaks); [`Barrier::wait`] is not cancel
//! safe (an arrival, once counted, is not taken back).
//! `tests/cancel_safety.rs` drops each future at its await points and checks
//! these claims.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

/// The loom-aware primitives, shared with runtime-core (one shim for the
/// workspace, see `runtime_core::sync`).
pub(crate) use runtime_core::sync as loom;

// Channels.
pub mod broadcast;
mod chan_util;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

// Locks, Notify, Semaphore, Barrier, OnceCell.
mod barrier;
mod mutex;
mod notify;
mod once_cell;
mod rwlock;
mod semaphore;
mod set_once;
pub(crate) mod waiters;

pub use barrier::{Barrier, BarrierWaitResult};
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
pub use notify::{Notified, Notify, OwnedNotified};
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
pub use set_once::{SetOnce, SetOnceError};

/// Named futures, at the same path as in Tokio (`sync::futures::Notified`,
/// `sync::futures::OwnedNotified`).
///
/// ```
/// use runtime::sync::{futures::Notified, Notify};
///
/// fn wait_for_signal(notify: &Notify) -> Notified<'_> {
///     notify.notified()
/// }
///
/// let notify = Notify::new();
/// notify.notify_one();
/// let mut fut = wait_for_signal(&notify);
/// assert!(std::pin::Pin::new(&mut fut).enable());
/// ```
pub mod futures {
    pub use crate::notify::{Notified, OwnedNotified};
}
