//! Tokio's `AsyncRead`/`AsyncWrite` on the socket streams, their halves and
//! the Unix pipes (feature `tokio-io`), through runtime-core's one
//! translation from the `futures-io` impls (see `runtime_core::tokio_io`).
//! Sockets write vectored for real, so they say so (`is_write_vectored`).

use crate::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, SplitStream, WriteHalf};
use crate::TcpStream;

runtime_core::__tokio_io!(read [] TcpStream);
runtime_core::__tokio_io!(write(vectored) [] TcpStream);
runtime_core::__tokio_io!(read ['a, S: SplitStream] ReadHalf<'a, S>);
runtime_core::__tokio_io!(write(vectored) ['a, S: SplitStream] WriteHalf<'a, S>);
runtime_core::__tokio_io!(read [S: SplitStream] OwnedReadHalf<S>);
runtime_core::__tokio_io!(write(vectored) [S: SplitStream] OwnedWriteHalf<S>);

#[cfg(unix)]
mod unix {
    use crate::unix::pipe::{Receiver, Sender};
    use crate::UnixStream;

    runtime_core::__tokio_io!(read [] UnixStream);
    runtime_core::__tokio_io!(write(vectored) [] UnixStream);
    runtime_core::__tokio_io!(read [] Receiver);
    runtime_core::__tokio_io!(write(vectored) [] Sender);
}
