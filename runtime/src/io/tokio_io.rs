//! Tokio's I/O traits on the facade's I/O types (feature `tokio-io`): the
//! buffered adapters, the in-memory pipes, the utility readers/writers,
//! files, stdio and child-process pipes. Each impl is runtime-core's one
//! translation of the type's `futures-io` impl, with the same bounds (see
//! `runtime_core::tokio_io`); the sockets have theirs in runtime-net.

use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use runtime_core::__tokio_io;

use super::{
    BufReader, BufStream, BufWriter, Chain, DuplexStream, Empty, Join, ReadHalf, Repeat,
    SimplexStream, Sink, Take, WriteHalf,
};

__tokio_io!(read [R] BufReader<R> where [R: AsyncRead + Unpin]);
__tokio_io!(buf_read [R] BufReader<R> where [R: AsyncRead + Unpin]);
__tokio_io!(write [R] BufReader<R> where [R: AsyncWrite + Unpin]);
__tokio_io!(write [W] BufWriter<W> where [W: AsyncWrite + Unpin]);
__tokio_io!(read [W] BufWriter<W> where [W: AsyncRead + Unpin]);
__tokio_io!(read [RW] BufStream<RW> where [RW: AsyncRead + AsyncWrite + Unpin]);
__tokio_io!(buf_read [RW] BufStream<RW> where [RW: AsyncRead + AsyncWrite + Unpin]);
__tokio_io!(write [RW] BufStream<RW> where [RW: AsyncRead + AsyncWrite + Unpin]);
__tokio_io!(read [T, U] Chain<T, U> where [T: AsyncRead + Unpin, U: AsyncRead + Unpin]);
__tokio_io!(buf_read [T, U] Chain<T, U> where [T: AsyncBufRead + Unpin, U: AsyncBufRead + Unpin]);
__tokio_io!(read [R] Take<R> where [R: AsyncRead + Unpin]);
__tokio_io!(buf_read [R] Take<R> where [R: AsyncBufRead + Unpin]);
__tokio_io!(read [R, W] Join<R, W> where [R: AsyncRead]);
__tokio_io!(buf_read [R, W] Join<R, W> where [R: AsyncBufRead]);
__tokio_io!(write [R, W] Join<R, W> where [W: AsyncWrite]);
__tokio_io!(read [T] ReadHalf<T> where [T: AsyncRead]);
__tokio_io!(write [T] WriteHalf<T> where [T: AsyncWrite]);
__tokio_io!(read [] DuplexStream);
__tokio_io!(write [] DuplexStream);
__tokio_io!(read [] SimplexStream);
__tokio_io!(write [] SimplexStream);
__tokio_io!(read [] Empty);
__tokio_io!(buf_read [] Empty);
__tokio_io!(write [] Empty);
__tokio_io!(read [] Repeat);
__tokio_io!(write [] Sink);

#[cfg(feature = "io-std")]
mod stdio {
    use super::super::{Stderr, Stdin, Stdout};
    use runtime_core::__tokio_io;

    __tokio_io!(read [] Stdin);
    __tokio_io!(write [] Stdout);
    __tokio_io!(write [] Stderr);
}

#[cfg(feature = "fs")]
mod fs {
    use crate::fs::File;
    use runtime_core::__tokio_io;

    __tokio_io!(read [] File);
    __tokio_io!(write [] File);
}

#[cfg(all(unix, feature = "process"))]
mod process {
    use crate::process::{ChildStderr, ChildStdin, ChildStdout};
    use runtime_core::__tokio_io;

    __tokio_io!(write(vectored) [] ChildStdin);
    __tokio_io!(read [] ChildStdout);
    __tokio_io!(read [] ChildStderr);
}
