//! A work-stealing async runtime with a Tokio-shaped API.
//!
//! Moving from Tokio is a rename: `tokio::spawn` becomes `runtime::spawn`,
//! `#[tokio::main]` becomes `#[runtime::main]`, `tokio::runtime::Builder`
//! becomes `runtime::runtime::Builder` (also at the root, `runtime::Builder`).
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
//! `runtime-reactor` is the I/O driver and timer wheel, built when `time`,
//! `net`, `signal` or `process` needs it (`src/driver.rs` wires it in); in the
//! multi-thread runtime a worker about to sleep turns it, and a backstop
//! `runtime-driver` thread when none has for a while; in the current-thread
//! runtime the scheduler thread turns it whenever it has nothing to run.
//!
//! Differences from Tokio are listed in the README; the main one so far: the
//! drivers that are built are always on, so `enable_io`/`enable_time`/
//! `enable_all` are accepted and do nothing.
//!
//! # Features
//!
//! Tokio's feature names, so a `Cargo.toml` moves with the rename. All are on
//! by default (`full`) except `hyper`, `http2`, `tower` and `sim`. With
//! `default-features = false`: `macros` brings `#[main]`/`#[test]`, `net` the
//! sockets, `sync` the channels and locks, `signal` `ctrl_c` and Unix signals,
//! `time` the timers, `fs` the `fs` module (files), `process` child processes,
//! `io-std` `io::{stdin, stdout, stderr}`, `bytes` the `bytes`-based
//! `read_buf`/`write_buf`; `tokio-io` implements Tokio's I/O traits on the
//! sockets, pipes, files, stdio and buffered types (it adds only `tokio`
//! without features, i.e. the traits and no runtime, and `pin-project-lite`);
//! `hyper` (that is `hyper-server` plus `hyper-client`, off by default) the
//! hyper 1.x adapters and `runtime::hyper::serve` (axum's `serve`), `http2`
//! HTTP/2 for them, `tower` (off by default) `runtime::tower`, the tower and
//! tower-http timer layers on our timers; `rt`, `rt-multi-thread` and `io-util`
//! are accepted and always on. As in Tokio, the reactor is built only for
//! `time`, `net`, `signal` and `process`. A hello world needs `rt-multi-thread`
//! and `macros` only.
//!
//! `parking_lot` (in `full`) picks the runtime's internal locks, as in Tokio:
//! with it they are `parking_lot`'s (faster under contention, no poisoning);
//! without it `std`'s `Mutex`/`Condvar` (futex-based on Linux), and the build
//! has six crates fewer. Only the implementation changes, not the behaviour.
//!
//! `stream` (in `full`) is tokio-stream 0.1 as `runtime::stream`: `tokio_stream::`
//! becomes `runtime::stream::`, on the same `futures_core::Stream` trait.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

// The blocking-pool helpers shared by `fs`, `io::{stdin, stdout, stderr}`
// and `process` (its file is in `fs/`, next to its main user).
#[cfg(any(feature = "fs", feature = "io-std", feature = "process"))]
#[path = "fs/blocking.rs"]
#[allow(dead_code)] // each feature uses part of it
pub(crate) mod blocking;
mod builder;
mod driver;
mod dump;
#[cfg(feature = "fs")]
pub mod fs;
mod handle;
#[cfg(any(feature = "hyper-server", feature = "hyper-client"))]
pub mod hyper;
mod id;
pub mod io;
mod local_runtime;
mod macros;
mod metrics;
#[cfg(feature = "net")]
pub mod net;
#[cfg(all(unix, feature = "process"))]
pub mod process;
mod rt;
/// Deterministic simulation (feature `sim`): see the `runtime_sim` crate and
/// SIMULATION.md.
#[cfg(feature = "sim")]
pub use runtime_sim as sim;
#[cfg(all(unix, feature = "signal"))]
pub mod signal;
// `process` reaps children through the signal module's SIGCHLD listeners;
// without `signal` the module is built but not public (as in Tokio).
#[cfg(all(unix, feature = "process", not(feature = "signal")))]
#[allow(dead_code, unreachable_pub)]
mod signal;
#[cfg(feature = "stream")]
pub mod stream;
#[cfg(feature = "sync")]
pub mod sync;
pub mod task;
#[cfg(feature = "time")]
pub mod time;
#[cfg(feature = "tower")]
pub mod tower;

pub use builder::Builder;
pub use handle::{EnterGuard, Handle, RuntimeFlavor, TryCurrentError};
pub use rt::Runtime;

/// The runtime types under Tokio's path, `tokio::runtime` becoming
/// `runtime::runtime`, so that `use tokio::runtime::{Builder, Runtime};`
/// survives the rename. The same items are also at the crate root.
///
/// ```
/// use runtime::runtime::{Builder, Handle, Runtime, RuntimeFlavor};
///
/// let rt: Runtime = Builder::new_current_thread().enable_all().build().unwrap();
/// let flavor = rt.block_on(async { Handle::current().runtime_flavor() });
/// assert_eq!(flavor, RuntimeFlavor::CurrentThread);
/// assert!(Handle::try_current().unwrap_err().is_missing_context());
/// ```
pub mod runtime {
    pub use crate::builder::Builder;
    pub use crate::handle::{EnterGuard, Handle, RuntimeFlavor, RuntimeMetrics, TryCurrentError};
    pub use crate::id::{is_rt_shutdown_err, Id};
    pub use crate::local_runtime::{LocalOptions, LocalRuntime};
    pub use crate::rt::Runtime;
    pub use runtime_executor::{worker_index, RngSeed, UnhandledPanic};
    // Observability: task dumps, hooks, the long-poll detector.
    pub use crate::dump::{Dump, TaskDump, TaskState};
    pub use runtime_executor::{LongPoll, TaskMeta};
}
pub use task::{spawn, spawn_blocking};

#[doc(hidden)]
pub use macros::support as __private;

/// Marks `async fn main` to run on a runtime. Options: `flavor =
/// "multi_thread" | "current_thread" | "local"` (default multi-thread;
/// `local` is a [`runtime::LocalRuntime`]),
/// `worker_threads = N` (multi-thread only), `start_paused = true`
/// (current-thread and local only), `name = "..."` (the runtime's name, see
/// [`Handle::name`]) and `crate = "path"` (where this crate is, for crates
/// that re-export it).
#[cfg(feature = "macros")]
pub use runtime_macros::main;

/// Marks an `async fn` test to run on a runtime. Defaults to `current_thread`;
/// accepts the same options as [`main`].
#[cfg(feature = "macros")]
pub use runtime_macros::test;

/// The code snippets of `MIGRATING.md`, compiled and run as doctests.
#[cfg(all(doctest, feature = "full"))]
#[doc = include_str!("../../MIGRATING.md")]
pub struct MigratingDoctests;
