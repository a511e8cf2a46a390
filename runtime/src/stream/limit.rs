//! Adapters that cut a stream short or skip its start: [`Take`],
//! [`TakeWhile`], [`Skip`] and [`SkipWhile`].

use futures_core::stream::FusedStream;
use futures_core::Stream;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The stream of [`StreamExt::take`](super::StreamExt::take): at most `n`
/// items. Once they are out, the inner stream is not polled again.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let first = stream::iter(1..).take(3);
/// assert_eq!(first.collect::<Vec<_>>().await, [1, 2, 3]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Take<St> {
    stream: St,
    remaining: usize,
}

pin_fields!(impl[St] Take<St> { pinned: stream: St; plain: remaining: usize });
stream_accessors!(Take[St]<St>, ".take(10)");

impl<St> Take<St> {
    pub(super) fn new(stream: St, remaining: usize) -> Self {
        Take { stream, remaining }
    }
}

impl<St: Stream> Stream for Take<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (stream, remaining) = self.project();
        if *remaining == 0 {
            return Poll::Ready(None);
        }
        let item = ready!(stream.poll_next(cx));
        *remaining = if item.is_some() { *remaining - 1 } else { 0 };
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.remaining == 0 {
            return (0, Some(0));
        }
        let (lower, upper) = self.stream.size_hint();
        let upper = match upper {
            Some(n) if n < self.remaining => n,
            _ => self.remaining,
        };
        (lower.min(self.remaining), Some(upper))
    }
}

impl<St: Stream> FusedStream for Take<St> {
    fn is_terminated(&self) -> bool {
        self.remaining == 0
    }
}

/// The stream of [`StreamExt::take_while`](super::StreamExt::take_while):
/// items while the predicate holds; the first item that fails it is dropped
/// and ends the stream.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let small = stream::iter([1, 2, 5, 1]).take_while(|x| *x < 3);
/// assert_eq!(small.collect::<Vec<_>>().await, [1, 2]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct TakeWhile<St, F> {
    stream: St,
    predicate: F,
    done: bool,
}

pin_fields!(impl[St, F] TakeWhile<St, F> { pinned: stream: St; plain: predicate: F, done: bool });
stream_accessors!(TakeWhile[St, F]<St, F>, ".take_while(|_| true)");

impl<St, F> TakeWhile<St, F> {
    pub(super) fn new(stream: St, predicate: F) -> Self {
        TakeWhile {
            stream,
            predicate,
            done: false,
        }
    }
}

impl<St, F> Stream for TakeWhile<St, F>
where
    St: Stream,
    F: FnMut(&St::Item) -> bool,
{
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (stream, predicate, done) = self.project();
        if *done {
            return Poll::Ready(None);
        }
        let item = ready!(stream.poll_next(cx)).filter(|item| predicate(item));
        *done = item.is_none();
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            (0, Some(0))
        } else {
            (0, self.stream.size_hint().1)
        }
    }
}

impl<St, F> FusedStream for TakeWhile<St, F>
where
    St: Stream,
    F: FnMut(&St::Item) -> bool,
{
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// The stream of [`StreamExt::skip`](super::StreamExt::skip): all items but
/// the first `n`.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let rest = stream::iter(1..=5).skip(3);
/// assert_eq!(rest.collect::<Vec<_>>().await, [4, 5]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Skip<St> {
    stream: St,
    remaining: usize,
}

pin_fields!(impl[St] Skip<St> { pinned: stream: St; plain: remaining: usize });
stream_accessors!(Skip[St]<St>, ".skip(1)");

impl<St> Skip<St> {
    pub(super) fn new(stream: St, remaining: usize) -> Self {
        Skip { stream, remaining }
    }
}

impl<St: Stream> Stream for Skip<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut stream, remaining) = self.project();
        loop {
            let item = ready!(stream.as_mut().poll_next(cx));
            if *remaining == 0 || item.is_none() {
                return Poll::Ready(item);
            }
            *remaining -= 1;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (lower, upper) = self.stream.size_hint();
        (
            lower.saturating_sub(self.remaining),
            upper.map(|n| n.saturating_sub(self.remaining)),
        )
    }
}

impl<St: FusedStream> FusedStream for Skip<St> {
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}

/// The stream of [`StreamExt::skip_while`](super::StreamExt::skip_while):
/// drops items while the predicate holds, then yields everything from the
/// first item that fails it on (without testing again).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let rest = stream::iter([1, 2, 5, 1]).skip_while(|x| *x < 3);
/// assert_eq!(rest.collect::<Vec<_>>().await, [5, 1]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct SkipWhile<St, F> {
    stream: St,
    /// `None` once an item failed the predicate.
    predicate: Option<F>,
}

pin_fields!(impl[St, F] SkipWhile<St, F> { pinned: stream: St; plain: predicate: Option<F> });
stream_accessors!(SkipWhile[St, F]<St, F>, ".skip_while(|_| false)");

impl<St, F> SkipWhile<St, F> {
    pub(super) fn new(stream: St, predicate: F) -> Self {
        SkipWhile {
            stream,
            predicate: Some(predicate),
        }
    }
}

impl<St, F> Stream for SkipWhile<St, F>
where
    St: Stream,
    F: FnMut(&St::Item) -> bool,
{
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut stream, predicate) = self.project();
        let Some(skip) = predicate else {
            return stream.poll_next(cx);
        };
        loop {
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) if skip(&item) => {}
                Some(item) => {
                    *predicate = None;
                    return Poll::Ready(Some(item));
                }
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (lower, upper) = self.stream.size_hint();
        if self.predicate.is_some() {
            (0, upper)
        } else {
            (lower, upper)
        }
    }
}

impl<St, F> FusedStream for SkipWhile<St, F>
where
    St: FusedStream,
    F: FnMut(&St::Item) -> bool,
{
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}
