//! Read and write halves of a stream, borrowed (`split`) or owned
//! (`into_split`), usable from two tasks at once: a socket can be read and
//! written concurrently, so the halves need no lock.

use crate::stream::{Evented, RawStream};
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::Shutdown;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A stream that can be split (TCP and Unix streams).
#[doc(hidden)]
pub trait SplitStream: sealed::Sealed {}

pub(crate) mod sealed {
    /// Access to the registered socket behind a stream.
    pub trait Sealed {
        type Raw: super::RawStream;
        fn evented(&self) -> &super::Evented<Self::Raw>;
    }
}

impl<T: sealed::Sealed> SplitStream for T {}

/// The read half of a stream borrowed by `split`.
pub struct ReadHalf<'a, S>(pub(crate) &'a S);

/// The write half of a stream borrowed by `split`.
pub struct WriteHalf<'a, S>(pub(crate) &'a S);

/// The read half of a stream owned by `into_split`.
pub struct OwnedReadHalf<S: SplitStream> {
    inner: Arc<S>,
}

/// The write half of a stream owned by `into_split`; dropping it shuts down
/// the write side (unless `forget` was called), as Tokio's does.
pub struct OwnedWriteHalf<S: SplitStream> {
    inner: Arc<S>,
    shutdown_on_drop: bool,
}

/// The halves passed to `reunite` came from different streams; both are
/// given back.
pub struct ReuniteError<S: SplitStream>(pub OwnedReadHalf<S>, pub OwnedWriteHalf<S>);

pub(crate) fn into_split<S: SplitStream>(stream: S) -> (OwnedReadHalf<S>, OwnedWriteHalf<S>) {
    let inner = Arc::new(stream);
    (
        OwnedReadHalf {
            inner: inner.clone(),
        },
        OwnedWriteHalf {
            inner,
            shutdown_on_drop: true,
        },
    )
}

fn reunite<S: SplitStream>(
    read: OwnedReadHalf<S>,
    mut write: OwnedWriteHalf<S>,
) -> Result<S, ReuniteError<S>> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    write.shutdown_on_drop = false;
    let inner = write.inner.clone();
    drop(write);
    drop(read);
    Ok(Arc::try_unwrap(inner)
        .ok()
        .expect("the two halves held the only references"))
}

impl<S: SplitStream> OwnedReadHalf<S> {
    /// Joins the halves back into the stream; fails if they are not a pair.
    pub fn reunite(self, other: OwnedWriteHalf<S>) -> Result<S, ReuniteError<S>> {
        reunite(self, other)
    }
}

impl<S: SplitStream> OwnedWriteHalf<S> {
    /// Joins the halves back into the stream; fails if they are not a pair.
    pub fn reunite(self, other: OwnedReadHalf<S>) -> Result<S, ReuniteError<S>> {
        reunite(other, self)
    }

    /// Drops the half without shutting down the write side.
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }
}

impl<S: SplitStream> AsRef<S> for OwnedReadHalf<S> {
    fn as_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: SplitStream> AsRef<S> for OwnedWriteHalf<S> {
    fn as_ref(&self) -> &S {
        &self.inner
    }
}

impl<S> AsRef<S> for ReadHalf<'_, S> {
    fn as_ref(&self) -> &S {
        self.0
    }
}

impl<S> AsRef<S> for WriteHalf<'_, S> {
    fn as_ref(&self) -> &S {
        self.0
    }
}

impl<S: SplitStream> Drop for OwnedWriteHalf<S> {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Best effort, as a socket close is: the peer may already be gone.
            let _ = sealed::Sealed::evented(&*self.inner)
                .get_ref()
                .shutdown(Shutdown::Write);
        }
    }
}

macro_rules! halves_impl {
    ($($half:ident $(<$lt:lifetime>)?, $inner:tt;)*) => {$(
        impl<$($lt,)? S: SplitStream> futures_io::AsyncRead for $half<$($lt,)? S> {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
                self.$inner.evented().poll_read(cx, buf)
            }

            fn poll_read_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &mut [IoSliceMut<'_>],
            ) -> Poll<io::Result<usize>> {
                self.$inner.evented().poll_read_vectored(cx, bufs)
            }
        }
    )*};
}

macro_rules! write_halves_impl {
    ($($half:ident $(<$lt:lifetime>)?, $inner:tt;)*) => {$(
        impl<$($lt,)? S: SplitStream> futures_io::AsyncWrite for $half<$($lt,)? S> {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                self.$inner.evented().poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                self.$inner.evented().poll_write_vectored(cx, bufs)
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            /// Shuts down the stream's write side; the read half keeps working.
            fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.$inner.evented().shutdown_write()
            }
        }
    )*};
}

halves_impl! {
    ReadHalf<'a>, 0;
    OwnedReadHalf, inner;
}

write_halves_impl! {
    WriteHalf<'a>, 0;
    OwnedWriteHalf, inner;
}

impl<S: SplitStream + fmt::Debug> fmt::Debug for OwnedReadHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedReadHalf").field(&self.inner).finish()
    }
}

impl<S: SplitStream + fmt::Debug> fmt::Debug for OwnedWriteHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedWriteHalf").field(&self.inner).finish()
    }
}

impl<S: fmt::Debug> fmt::Debug for ReadHalf<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReadHalf").field(&self.0).finish()
    }
}

impl<S: fmt::Debug> fmt::Debug for WriteHalf<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WriteHalf").field(&self.0).finish()
    }
}

impl<S: SplitStream> fmt::Debug for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReuniteError(..)")
    }
}

impl<S: SplitStream> fmt::Display for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same stream")
    }
}

impl<S: SplitStream> std::error::Error for ReuniteError<S> {}
