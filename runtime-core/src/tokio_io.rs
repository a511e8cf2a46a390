//! Tokio's I/O traits on the runtime's I/O types (feature `tokio-io`).
//!
//! Our I/O types implement `futures-io`'s `AsyncRead`/`AsyncWrite`/
//! `AsyncBufRead`. Most of the network ecosystem (tokio-util's codecs,
//! tokio-rustls, tokio-tungstenite, async-compression's tokio adapters)
//! is written against Tokio's traits instead, which live in the `tokio`
//! crate but need none of its runtime: `tokio` without default features is
//! the traits and `pin-project-lite`, nothing else. With this feature each
//! I/O type implements both families, with no wrapper type.
//!
//! # Design
//!
//! One translation, written once here and used by every crate through
//! [`__tokio_io!`](crate::__tokio_io): Tokio's method calls the type's
//! `futures-io` method of the same meaning. The only real difference is
//! the read buffer: Tokio reads into a [`ReadBuf`](tokio::io::ReadBuf) that
//! may be uninitialised, `futures-io` into an initialised `&mut [u8]`. The
//! adapter asks the `ReadBuf` for its unfilled part initialised
//! (`initialize_unfilled`): a `ReadBuf` remembers how much it has
//! initialised, so a buffer reused across reads, as codecs do, is zeroed
//! once, not per read. `poll_shutdown` is `poll_close`, which on our
//! sockets shuts down the write side (Tokio's documented meaning).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

#[doc(hidden)]
pub use futures_io;
#[doc(hidden)]
pub use tokio;

/// Tokio's `AsyncRead::poll_read` through `futures-io`'s.
pub fn poll_read<R: futures_io::AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut tokio::io::ReadBuf<'_>,
) -> Poll<io::Result<()>> {
    let unfilled = buf.initialize_unfilled();
    match reader.poll_read(cx, unfilled) {
        Poll::Ready(Ok(n)) => {
            // `advance` checks `n` against the initialised part: a reader
            // that claims more than the slice it was given panics there.
            buf.advance(n);
            Poll::Ready(Ok(()))
        }
        Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        Poll::Pending => Poll::Pending,
    }
}

/// Implements Tokio's I/O traits for types that implement `futures-io`'s.
///
/// ```text
/// __tokio_io!(read [] TcpStream);
/// __tokio_io!(write(vectored) [] TcpStream);
/// __tokio_io!(buf_read [R] BufReader<R> where [R: futures_io::AsyncRead + Unpin]);
/// ```
///
/// `[..]` holds the impl's generic parameters; `where [..]` its bounds (the
/// bounds of the type's `futures-io` impl). `write(vectored)` reports
/// `is_write_vectored() == true`: for types whose vectored write really
/// writes several buffers at once (sockets).
#[doc(hidden)]
#[macro_export]
macro_rules! __tokio_io {
    (read [$($g:tt)*] $ty:ty $(where [$($b:tt)*])?) => {
        impl<$($g)*> $crate::tokio_io::tokio::io::AsyncRead for $ty $(where $($b)*)? {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut $crate::tokio_io::tokio::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                $crate::tokio_io::poll_read(self, cx, buf)
            }
        }
    };
    (write [$($g:tt)*] $ty:ty $(where [$($b:tt)*])?) => {
        $crate::__tokio_io!(@write false, [$($g)*] $ty $(where [$($b)*])?);
    };
    (write(vectored) [$($g:tt)*] $ty:ty $(where [$($b:tt)*])?) => {
        $crate::__tokio_io!(@write true, [$($g)*] $ty $(where [$($b)*])?);
    };
    (@write $vectored:expr, [$($g:tt)*] $ty:ty $(where [$($b:tt)*])?) => {
        impl<$($g)*> $crate::tokio_io::tokio::io::AsyncWrite for $ty $(where $($b)*)? {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                $crate::tokio_io::futures_io::AsyncWrite::poll_write(self, cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                $crate::tokio_io::futures_io::AsyncWrite::poll_write_vectored(self, cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                $vectored
            }

            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                $crate::tokio_io::futures_io::AsyncWrite::poll_flush(self, cx)
            }

            fn poll_shutdown(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                $crate::tokio_io::futures_io::AsyncWrite::poll_close(self, cx)
            }
        }
    };
    (buf_read [$($g:tt)*] $ty:ty $(where [$($b:tt)*])?) => {
        impl<$($g)*> $crate::tokio_io::tokio::io::AsyncBufRead for $ty $(where $($b)*)? {
            fn poll_fill_buf(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<&[u8]>> {
                $crate::tokio_io::futures_io::AsyncBufRead::poll_fill_buf(self, cx)
            }

            fn consume(self: ::std::pin::Pin<&mut Self>, amt: usize) {
                $crate::tokio_io::futures_io::AsyncBufRead::consume(self, amt)
            }
        }
    };
}
