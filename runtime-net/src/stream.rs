//! The readiness loop shared by every stream socket (TCP and Unix).
//!
//! `Evented<E>` wraps a registered `mio` stream; its `poll_*` methods are the
//! bodies of `AsyncRead`/`AsyncWrite` for the streams and their halves.

use runtime_reactor::io::{Interest, PollEvented};
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::Shutdown;
use std::task::{Context, Poll};

/// Operations every stream socket offers on a shared reference (sockets can
/// be read and written through `&`, which is what lets halves share one).
#[doc(hidden)]
pub trait RawStream: mio::event::Source + std::os::fd::AsFd {
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
    fn read(&self, buf: &mut [u8]) -> io::Result<usize>;
    fn read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize>;
    fn write(&self, buf: &[u8]) -> io::Result<usize>;
    fn write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
}

macro_rules! raw_stream {
    ($($ty:ty),*) => {$(
        impl RawStream for $ty {
            fn shutdown(&self, how: Shutdown) -> io::Result<()> {
                <$ty>::shutdown(self, how)
            }
            fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
                Read::read(&mut &*self, buf)
            }
            fn read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                Read::read_vectored(&mut &*self, bufs)
            }
            fn write(&self, buf: &[u8]) -> io::Result<usize> {
                Write::write(&mut &*self, buf)
            }
            fn write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                Write::write_vectored(&mut &*self, bufs)
            }
        }
    )*};
}

raw_stream!(mio::net::TcpStream);
#[cfg(unix)]
raw_stream!(mio::net::UnixStream);

#[doc(hidden)]
pub struct Evented<E: mio::event::Source> {
    pub(crate) io: PollEvented<E>,
}

impl<E: RawStream> Evented<E> {
    #[track_caller]
    pub(crate) fn new(io: E) -> io::Result<Evented<E>> {
        Ok(Evented {
            io: PollEvented::new(io)?,
        })
    }

    pub(crate) fn get_ref(&self) -> &E {
        self.io.get_ref()
    }

    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let len = buf.len();
        self.io
            .poll_read_stream(cx, len, || self.io.get_ref().read(buf))
    }

    pub(crate) fn poll_read_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|buf| buf.len()).sum();
        self.io
            .poll_read_stream(cx, len, || self.io.get_ref().read_vectored(bufs))
    }

    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_io(cx, || self.io.get_ref().write(buf))
    }

    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io
            .poll_write_io(cx, || self.io.get_ref().write_vectored(bufs))
    }

    /// Shuts the write side down: the peer reads EOF, we can still read.
    pub(crate) fn shutdown_write(&self) -> Poll<io::Result<()>> {
        match self.io.get_ref().shutdown(Shutdown::Write) {
            // Already shut down or the peer is gone: the write side is closed.
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Poll::Ready(Ok(())),
            res => Poll::Ready(res),
        }
    }

    /// Waits until the socket is readable (the streams' `readable`; the
    /// same wait as `readiness.rs`'s).
    pub(crate) async fn readable(&self) -> io::Result<()> {
        crate::readiness::ready(&self.io, Interest::READABLE)
            .await
            .map(drop)
    }

    /// Waits until the socket is writable.
    pub(crate) async fn writable(&self) -> io::Result<()> {
        crate::readiness::ready(&self.io, Interest::WRITABLE)
            .await
            .map(drop)
    }

    /// One non-blocking attempt of a read-side operation: `WouldBlock` clears
    /// the readiness so that `readable()` waits for the next edge.
    pub(crate) fn try_read_io<R>(&self, f: impl FnOnce(&E) -> io::Result<R>) -> io::Result<R> {
        try_io(&self.io, runtime_reactor::io::Direction::Read, f)
    }

    /// As `try_read_io`, for writes.
    pub(crate) fn try_write_io<R>(&self, f: impl FnOnce(&E) -> io::Result<R>) -> io::Result<R> {
        try_io(&self.io, runtime_reactor::io::Direction::Write, f)
    }
}

/// Tries `f` once; on `WouldBlock`, forgets the readiness it was tried under
/// (`PollEvented::try_io`, the body of every `try_*` method).
pub(crate) fn try_io<E: mio::event::Source, R>(
    io: &PollEvented<E>,
    direction: runtime_reactor::io::Direction,
    f: impl FnOnce(&E) -> io::Result<R>,
) -> io::Result<R> {
    io.try_io(direction.interest(), || f(io.get_ref()))
}

/// Implements the `futures-io` traits for a stream type through an accessor
/// to its `Evented`: one implementation for streams and all their halves.
macro_rules! impl_async_io {
    (read: $ty:ty, $($lt:lifetime)?, |$s:ident| $evented:expr) => {
        impl$(<$lt>)? futures_io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $s = &*self;
                $evented.poll_read(cx, buf)
            }

            fn poll_read_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $s = &*self;
                $evented.poll_read_vectored(cx, bufs)
            }
        }
    };
    (write: $ty:ty, $($lt:lifetime)?, |$s:ident| $evented:expr) => {
        impl$(<$lt>)? futures_io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $s = &*self;
                $evented.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $s = &*self;
                $evented.poll_write_vectored(cx, bufs)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                // Writes go straight to the socket: nothing is buffered here.
                std::task::Poll::Ready(Ok(()))
            }

            /// Shuts down the write side only; reading still works.
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $s = &*self;
                $evented.shutdown_write()
            }
        }
    };
}

pub(crate) use impl_async_io;
