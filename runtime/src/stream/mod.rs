//! Asynchronous streams: tokio-stream 0.1's API on this runtime, so that
//! `tokio_stream::` becomes `runtime::stream::` and Tokio leaves the
//! dependency graph.
//!
//! ```
//! # #[runtime::main(flavor = "current_thread")]
//! # async fn main() {
//! use runtime::stream::{self, StreamExt};
//!
//! let mut evens = stream::iter(1..=6).filter(|x| x % 2 == 0).map(|x| x * 10);
//! while let Some(x) = evens.next().await {
//!     assert!(x % 20 == 0);
//! }
//! # }
//! ```
//!
//! # Design
//!
//! The trait is [`futures_core::Stream`] (re-exported as [`Stream`]), as in
//! tokio-stream, so streams from `futures`, `async-stream` or hyper work
//! with everything here and ours work with theirs. On top of it:
//!
//! * [`StreamExt`] (`ext.rs`), whose methods return the adapters of
//!   [`adapters`]: per-item ones in `map.rs`, length-limiting ones in
//!   `limit.rs`, combining ones in `combine.rs`, timer-based ones in
//!   `timed.rs` (feature `time`), and the futures that consume a stream in
//!   `consume.rs` and `collect.rs` ([`FromStream`], sealed).
//! * Sources ([`iter`], [`once`], [`empty`], [`pending`]; `sources.rs`).
//!   The always-ready ones spend the task's cooperative budget, so a loop
//!   over a long `iter` stream yields to other tasks from time to time.
//! * [`StreamMap`] (`stream_map.rs`), keyed streams read fairly from a
//!   random start, and [`StreamNotifyClose`] (`notify_close.rs`).
//! * [`wrappers`]: a stream for each of the runtime's repeated-event types
//!   (channels, intervals, signals, listeners, lines, segments, directory
//!   listings, join sets), each
//!   present with the feature of its source.
//!
//! Adapters wrap possibly `!Unpin` streams; their pin projections are all
//! written by one macro (`pin.rs`), which also writes the `Unpin` impl and
//! rules out a `Drop` impl, the two conditions for structural pinning.
//! `BroadcastStream` and `WatchStream` wait on receivers whose only
//! receive methods are `async fn`s: each keeps that wait in a boxed future
//! whose allocation is reused from one item to the next
//! (`reusable_box.rs`).
//!
//! The timer-based adapters (`timeout`, `timeout_repeating`, `throttle`,
//! `chunks_timeout`) and [`wrappers::IntervalStream`] run on
//! [`crate::time`], so paused time and `advance` apply to them. (Built on
//! Tokio's timer, tokio-stream's versions panic on this runtime with "no
//! reactor running".)
//!
//! # Differences from tokio-stream
//!
//! * The adapters and the futures of `next`, `try_next`, `all`, `any`,
//!   `fold` and `collect` are `Unpin` whenever the streams they hold are
//!   (tokio-stream makes some futures `!Unpin`): code that pins them
//!   still compiles.
//! * [`adapters::Throttle`] can be named (tokio-stream keeps it private).
//! * [`wrappers::LinesStream`] and [`wrappers::SplitStream`] need an
//!   `Unpin` reader, as the runtime's `Lines`/`Split` polling methods do.
//! * Not provided: the Windows `CtrlCStream`/`CtrlBreakStream` (the
//!   runtime's signals are Unix-only).

#[macro_use]
mod pin;

mod collect;
mod combine;
mod consume;
mod ext;
mod limit;
mod map;
mod notify_close;
#[cfg(feature = "sync")]
mod reusable_box;
mod sources;
mod stream_map;
#[cfg(feature = "time")]
mod timed;
pub mod wrappers;

pub use collect::FromStream;
pub use ext::StreamExt;
pub use futures_core::Stream;
pub use notify_close::StreamNotifyClose;
pub use sources::{empty, iter, once, pending, Empty, Iter, Once, Pending};
pub use stream_map::StreamMap;
#[cfg(feature = "time")]
pub use timed::Elapsed;

/// The streams returned by [`StreamExt`]'s adapter methods, to name them
/// in types.
///
/// ```
/// use runtime::stream::{self, adapters::{Map, Take}, StreamExt};
///
/// type Doubled = Take<Map<stream::Iter<std::ops::Range<u32>>, fn(u32) -> u32>>;
/// let s: Doubled = stream::iter(0..10).map((|x| x * 2) as fn(u32) -> u32).take(3);
/// # drop(s);
/// ```
pub mod adapters {
    pub use super::combine::{Chain, Fuse, Merge, Peekable};
    pub use super::limit::{Skip, SkipWhile, Take, TakeWhile};
    pub use super::map::{Filter, FilterMap, Map, MapWhile, Then};
    #[cfg(feature = "time")]
    pub use super::timed::{ChunksTimeout, Throttle, Timeout, TimeoutRepeating};
}
