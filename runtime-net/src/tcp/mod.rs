//! TCP: listener, stream, socket builder, and the stream's halves.

mod listener;
mod socket;
mod stream;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use stream::TcpStream;

/// Borrowed read half of a [`TcpStream`], from [`TcpStream::split`].
pub type ReadHalf<'a> = crate::split::ReadHalf<'a, TcpStream>;
/// Borrowed write half of a [`TcpStream`], from [`TcpStream::split`].
pub type WriteHalf<'a> = crate::split::WriteHalf<'a, TcpStream>;
/// Owned read half of a [`TcpStream`], from [`TcpStream::into_split`].
pub type OwnedReadHalf = crate::split::OwnedReadHalf<TcpStream>;
/// Owned write half of a [`TcpStream`], from [`TcpStream::into_split`].
pub type OwnedWriteHalf = crate::split::OwnedWriteHalf<TcpStream>;
/// Error of [`OwnedReadHalf::reunite`](crate::split::OwnedReadHalf::reunite).
pub type ReuniteError = crate::split::ReuniteError<TcpStream>;
