//! A work-stealing async runtime with a Tokio-shaped API.
//!
//! Moving from Tokio is a rename: `tokio::spawn` becomes `runtime::spawn`,
//! `#[tokio::main]` becomes `#[runtime::main]`, `tokio::runtime::Builder`
//! becomes `runtime::Builder`.
//!
//! ```
//! #[runtime::main]
//! async fn main() {
//!     let h = runtime::spawn(async { 40 + 2 });
//!     assert_eq!(h.await.unwrap(), 42);
//! }
//! ```
//!
//! # How it fits together
//!
//! This crate is the facade: it re-exports the pieces and wires them up.
//! `runtime-core` defines what a task is (one allocation, one atomic state
//! word, the `JoinHandle`); `runtime-executor` runs tasks (a work-stealing pool
//! with one worker per core, or everything on the current thread) and owns the
//! blocking pool; `runtime-macros` provides `#[main]` and `#[test]`.
//!
//! `runtime-reactor` is the I/O driver and timer wheel; in the multi-thread
//! runtime a dedicated `runtime-driver` thread turns it, in the current-thread
//! runtime the scheduler thread turns it whenever it has nothing to run.
//!
//! Differences from Tokio are listed in the README; the main one so far: the
//! drivers are always on, so `enable_io`/`enable_time`/`enable_all` are
//! accepted and do nothing.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod builder;
mod handle;
#[cfg(feature = "hyper")]
pub mod hyper;
pub mod io;
mod macros;
pub mod net;
mod rt;
#[cfg(unix)]
pub mod signal;
pub mod sync;
pub mod task;
pub mod time;

pub use builder::Builder;
pub use handle::{EnterGuard, Handle, TryCurrentError};
pub use rt::Runtime;
pub use task::{spawn, spawn_blocking};

#[doc(hidden)]
pub use macros::support as __private;

/// Marks `async fn main` to run on a runtime. Options: `flavor =
/// "multi_thread" | "current_thread"` (default multi-thread) and
/// `worker_threads = N` (multi-thread only).
pub use runtime_macros::main;

/// Marks an `async fn` test to run on a runtime. Defaults to `current_thread`;
/// accepts the same options as [`main`].
pub use runtime_macros::test;

/// The code snippets of `MIGRATING.md`, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../MIGRATING.md")]
pub struct MigratingDoctests;
