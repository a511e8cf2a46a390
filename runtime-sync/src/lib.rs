//! Synchronisation primitives for async code: channels (`oneshot`, `mpsc`,
//! `broadcast`, `watch`), locks (`Mutex`, `RwLock`), `Notify`, `Semaphore`,
//! `Barrier`, `OnceCell`.
//!
//! They depend only on `std::task::Waker`, so they work on any executor (a
//! plain `futures::executor::block_on` included), not just this runtime.
//! Waiting futures remove themselves from the primitive when dropped, and a
//! permit or wake-up handed to a future that is then dropped is passed on:
//! nothing is lost when a `select!` branch or a `timeout` gives up.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub(crate) mod loom;

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
pub(crate) mod waiters;

pub use barrier::{Barrier, BarrierWaitResult};
pub use mutex::{Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
pub use notify::{Notified, Notify};
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};

/// Named futures, at the same path as in Tokio (`sync::futures::Notified`).
pub mod futures {
    pub use crate::notify::Notified;
}
