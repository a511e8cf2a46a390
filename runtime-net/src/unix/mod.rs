//! Unix-domain sockets: listener, stream (with halves), datagram.

mod datagram;
mod listener;
mod stream;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use stream::UnixStream;

/// A Unix socket address.
pub type SocketAddr = std::os::unix::net::SocketAddr;

/// Borrowed read half of a [`UnixStream`].
pub type ReadHalf<'a> = crate::split::ReadHalf<'a, UnixStream>;
/// Borrowed write half of a [`UnixStream`].
pub type WriteHalf<'a> = crate::split::WriteHalf<'a, UnixStream>;
/// Owned read half of a [`UnixStream`].
pub type OwnedReadHalf = crate::split::OwnedReadHalf<UnixStream>;
/// Owned write half of a [`UnixStream`].
pub type OwnedWriteHalf = crate::split::OwnedWriteHalf<UnixStream>;
/// Error of `reunite` on mismatched halves.
pub type ReuniteError = crate::split::ReuniteError<UnixStream>;
