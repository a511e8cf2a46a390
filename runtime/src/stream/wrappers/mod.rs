//! Streams over the runtime's own types, as tokio-stream's `wrappers`.
//!
//! Each wraps a source that has a `poll_*` method (or an `async fn`, for
//! broadcast and watch receivers) and is there when the feature of its
//! source is: channels with `sync`, [`IntervalStream`] with `time`,
//! listeners with `net`, [`SignalStream`] with `signal` (Unix),
//! [`ReadDirStream`] with `fs`; [`LinesStream`], [`SplitStream`] and
//! [`JoinSetStream`] always.
//!
//! ```
//! # #[runtime::main(flavor = "current_thread")]
//! # async fn main() {
//! use runtime::stream::{wrappers::UnboundedReceiverStream, StreamExt};
//!
//! let (tx, rx) = runtime::sync::mpsc::unbounded_channel();
//! tx.send(1).unwrap();
//! drop(tx);
//! let doubled: Vec<i32> = UnboundedReceiverStream::new(rx).map(|x| x * 2).collect().await;
//! assert_eq!(doubled, [2]);
//! # }
//! ```

#[cfg(feature = "sync")]
mod channels;
mod sources;

#[cfg(feature = "sync")]
pub use channels::{BroadcastStream, ReceiverStream, UnboundedReceiverStream, WatchStream};
#[cfg(feature = "time")]
pub use sources::IntervalStream;
#[cfg(feature = "fs")]
pub use sources::ReadDirStream;
#[cfg(all(unix, feature = "signal"))]
pub use sources::SignalStream;
#[cfg(feature = "net")]
pub use sources::TcpListenerStream;
#[cfg(all(unix, feature = "net"))]
pub use sources::UnixListenerStream;
pub use sources::{JoinSetStream, LinesStream, SplitStream};

/// The error types of the wrappers, under tokio-stream's path.
///
/// ```
/// use runtime::stream::wrappers::errors::BroadcastStreamRecvError;
///
/// let err = BroadcastStreamRecvError::Lagged(3);
/// assert_eq!(err.to_string(), "channel lagged by 3");
/// ```
#[cfg(feature = "sync")]
pub mod errors {
    pub use super::channels::BroadcastStreamRecvError;
}
