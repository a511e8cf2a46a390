//! The futures that consume a stream: [`Next`], [`TryNext`], [`AllFuture`],
//! [`AnyFuture`] and [`FoldFuture`]. As in tokio-stream they are returned by
//! [`StreamExt`](super::StreamExt) methods but not nameable from outside.

use futures_core::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// How many items `all`/`any` take in one poll before yielding, so a long
/// always-ready stream does not hold the worker.
const ITEMS_PER_POLL: usize = 32;

/// The future of [`StreamExt::next`](super::StreamExt::next).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Next<'a, St: ?Sized> {
    stream: &'a mut St,
}

impl<'a, St: ?Sized> Next<'a, St> {
    pub(super) fn new(stream: &'a mut St) -> Self {
        Next { stream }
    }
}

impl<St: ?Sized + Stream + Unpin> Future for Next<'_, St> {
    type Output = Option<St::Item>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.stream).poll_next(cx)
    }
}

/// The future of [`StreamExt::try_next`](super::StreamExt::try_next).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct TryNext<'a, St: ?Sized> {
    inner: Next<'a, St>,
}

impl<'a, St: ?Sized> TryNext<'a, St> {
    pub(super) fn new(stream: &'a mut St) -> Self {
        TryNext {
            inner: Next::new(stream),
        }
    }
}

impl<T, E, St> Future for TryNext<'_, St>
where
    St: ?Sized + Stream<Item = Result<T, E>> + Unpin,
{
    type Output = Result<Option<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.inner).poll(cx).map(Option::transpose)
    }
}

/// Runs `f` on items of `stream` until it returns `stop`: `Ready(stop)` then,
/// `Ready(!stop)` when the stream ends first. Yields after
/// [`ITEMS_PER_POLL`] items.
fn poll_until<St, F>(stream: &mut St, f: &mut F, stop: bool, cx: &mut Context<'_>) -> Poll<bool>
where
    St: ?Sized + Stream + Unpin,
    F: FnMut(St::Item) -> bool,
{
    for _ in 0..ITEMS_PER_POLL {
        match ready!(Pin::new(&mut *stream).poll_next(cx)) {
            Some(item) => {
                if f(item) == stop {
                    return Poll::Ready(stop);
                }
            }
            None => return Poll::Ready(!stop),
        }
    }
    cx.waker().wake_by_ref();
    Poll::Pending
}

/// The future of [`StreamExt::all`](super::StreamExt::all).
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AllFuture<'a, St: ?Sized, F> {
    stream: &'a mut St,
    f: F,
}

impl<'a, St: ?Sized, F> AllFuture<'a, St, F> {
    pub(super) fn new(stream: &'a mut St, f: F) -> Self {
        AllFuture { stream, f }
    }
}

impl<St: ?Sized + std::fmt::Debug, F> std::fmt::Debug for AllFuture<'_, St, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AllFuture")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

// Neither field is ever pinned (the stream is behind `&mut`, `f` is only
// called), so the future can move freely whatever `F` is.
impl<St: ?Sized, F> Unpin for AllFuture<'_, St, F> {}

impl<St, F> Future for AllFuture<'_, St, F>
where
    St: ?Sized + Stream + Unpin,
    F: FnMut(St::Item) -> bool,
{
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let this = self.get_mut();
        poll_until(this.stream, &mut this.f, false, cx)
    }
}

/// The future of [`StreamExt::any`](super::StreamExt::any).
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AnyFuture<'a, St: ?Sized, F> {
    stream: &'a mut St,
    f: F,
}

impl<'a, St: ?Sized, F> AnyFuture<'a, St, F> {
    pub(super) fn new(stream: &'a mut St, f: F) -> Self {
        AnyFuture { stream, f }
    }
}

impl<St: ?Sized + std::fmt::Debug, F> std::fmt::Debug for AnyFuture<'_, St, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnyFuture")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

// As for `AllFuture`: nothing in it is ever pinned.
impl<St: ?Sized, F> Unpin for AnyFuture<'_, St, F> {}

impl<St, F> Future for AnyFuture<'_, St, F>
where
    St: ?Sized + Stream + Unpin,
    F: FnMut(St::Item) -> bool,
{
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let this = self.get_mut();
        poll_until(this.stream, &mut this.f, true, cx)
    }
}

/// The future of [`StreamExt::fold`](super::StreamExt::fold).
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FoldFuture<St, B, F> {
    stream: St,
    /// `None` only after the future has completed.
    acc: Option<B>,
    f: F,
}

pin_fields!(impl[St, B, F] FoldFuture<St, B, F> { pinned: stream: St; plain: acc: Option<B>, f: F });

impl<St, B, F> FoldFuture<St, B, F> {
    pub(super) fn new(stream: St, init: B, f: F) -> Self {
        FoldFuture {
            stream,
            acc: Some(init),
            f,
        }
    }
}

impl<St: std::fmt::Debug, B: std::fmt::Debug, F> std::fmt::Debug for FoldFuture<St, B, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FoldFuture")
            .field("stream", &self.stream)
            .field("acc", &self.acc)
            .finish_non_exhaustive()
    }
}

impl<St, B, F> Future for FoldFuture<St, B, F>
where
    St: Stream,
    F: FnMut(B, St::Item) -> B,
{
    type Output = B;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<B> {
        let (mut stream, acc, f) = self.project();
        loop {
            let item = ready!(stream.as_mut().poll_next(cx));
            let current = acc.take().expect("FoldFuture polled after it completed");
            match item {
                Some(item) => *acc = Some(f(current, item)),
                None => return Poll::Ready(current),
            }
        }
    }
}
