//! The reactor: one `mio` poller for I/O readiness and a timer wheel, turned by
//! one driver. It knows nothing of schedulers: it wakes tasks through their
//! `Waker`, and it lends itself to a scheduler as a `runtime_core::Park`.
//!
//! # Design
//!
//! A [`Driver`] owns the `mio::Poll` and its event buffer; a [`Handle`] (an
//! `Arc` of the shared state) is what I/O resources and timers hold. The
//! driver *turn* (`driver.rs`) is the whole job: compute how long it may sleep
//! (until the next timer, or not at all if someone unparked it), wait in
//! `epoll_wait`/`kevent`, set the readiness of every source that had an event
//! and fire every timer that is due, then wake all the collected wakers in one
//! batch, outside any lock.
//!
//! Who turns it: in the current-thread runtime the scheduler thread itself,
//! through [`Driver`]'s `Park` implementation, with the time to the next timer
//! as its timeout. In the multi-thread runtime ([`SharedDriver`], `shared.rs`)
//! a worker that is about to sleep takes the driver and sleeps in the poller,
//! so the tasks it wakes run on its own core with no cross-thread hop; a
//! backstop thread (`runtime-driver`) turns it whenever no worker does, so a
//! worker stuck in a task cannot stall everyone's I/O. [`DriverThread`] is the
//! plain dedicated-thread driver, for embedders that want no worker to poll.
//!
//! I/O (`io/`): each registered source has a `ScheduledIo`
//! (`io/scheduled_io.rs`) with a readiness word (flags plus an event tick)
//! and a set of waiting wakers per direction. Tokens carry a generation, so an event for a slot that was freed and
//! reused is ignored. Readiness is edge-triggered: a resource clears it only
//! after an operation returned `WouldBlock`, and only if no newer event
//! arrived meanwhile (the tick), so no edge is lost. A task waits for an
//! [`io::Interest`] (readable, writable, error, priority; `io/ready.rs`,
//! which also defines the [`io::Ready`] flags): in the reader waker set for
//! anything but writing, in the writer set for writing, in both for both.
//! [`io::AsyncFd`] (`io/async_fd*.rs`) is the same machinery for any Unix
//! descriptor, registered for the interest its owner chose.
//!
//! Time (`time/`): a hierarchical wheel (`time/wheel.rs`) of 6 levels × 64
//! slots at 1 ms resolution holds the registered timers; [`time::Sleep`]
//! registers lazily on first poll and removes itself on drop. The clock can be
//! paused (tests), and a paused, idle current-thread runtime jumps straight to
//! the next timer.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod driver;
mod handle;
pub mod io;
#[cfg(all(test, loom))]
mod loom_model;
mod shared;
pub mod time;

pub use driver::{Driver, DriverThread};
pub use handle::{BlockingSpawner, EnterGuard, Handle};
pub use shared::{SharedDriver, WorkerParker, WorkerUnparker, BACKSTOP_INTERVAL};
