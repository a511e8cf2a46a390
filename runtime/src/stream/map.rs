//! Adapters that transform or drop items one at a time: [`Map`],
//! [`MapWhile`], [`Then`], [`Filter`] and [`FilterMap`].

use futures_core::stream::FusedStream;
use futures_core::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The stream of [`StreamExt::map`](super::StreamExt::map): each item passed
/// through a closure.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, adapters::Map, StreamExt};
///
/// let doubled: Map<_, _> = stream::iter(1..=3).map(|x| x * 2);
/// assert_eq!(doubled.collect::<Vec<_>>().await, [2, 4, 6]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Map<St, F> {
    stream: St,
    f: F,
}

pin_fields!(impl[St, F] Map<St, F> { pinned: stream: St; plain: f: F });
stream_accessors!(Map[St, F]<St, F>, ".map(|x| x + 1)");

impl<St, F> Map<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        Map { stream, f }
    }
}

impl<St, F, T> Stream for Map<St, F>
where
    St: Stream,
    F: FnMut(St::Item) -> T,
{
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (stream, f) = self.project();
        stream.poll_next(cx).map(|item| item.map(f))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

impl<St, F, T> FusedStream for Map<St, F>
where
    St: FusedStream,
    F: FnMut(St::Item) -> T,
{
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}

/// The stream of [`StreamExt::map_while`](super::StreamExt::map_while):
/// items mapped until the closure first returns `None`, which ends it.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let parsed = stream::iter(["1", "2", "x", "3"]).map_while(|s| s.parse::<u8>().ok());
/// assert_eq!(parsed.collect::<Vec<_>>().await, [1, 2]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct MapWhile<St, F> {
    stream: St,
    f: F,
    done: bool,
}

pin_fields!(impl[St, F] MapWhile<St, F> { pinned: stream: St; plain: f: F, done: bool });
stream_accessors!(MapWhile[St, F]<St, F>, ".map_while(Some)");

impl<St, F> MapWhile<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        MapWhile {
            stream,
            f,
            done: false,
        }
    }
}

impl<St, F, T> Stream for MapWhile<St, F>
where
    St: Stream,
    F: FnMut(St::Item) -> Option<T>,
{
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (stream, f, done) = self.project();
        if *done {
            return Poll::Ready(None);
        }
        let mapped = ready!(stream.poll_next(cx)).and_then(f);
        *done = mapped.is_none();
        Poll::Ready(mapped)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            (0, Some(0))
        } else {
            (0, self.stream.size_hint().1)
        }
    }
}

impl<St, F, T> FusedStream for MapWhile<St, F>
where
    St: Stream,
    F: FnMut(St::Item) -> Option<T>,
{
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// The stream of [`StreamExt::then`](super::StreamExt::then): each item
/// passed to a closure returning a future, whose output is the next item.
/// One future at a time, in order.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let slow = stream::iter(1..=3).then(|x| async move {
///     runtime::task::yield_now().await;
///     x * 10
/// });
/// assert_eq!(slow.collect::<Vec<_>>().await, [10, 20, 30]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Then<St, Fut, F> {
    stream: St,
    future: Option<Fut>,
    f: F,
}

pin_fields!(impl[St, Fut, F] Then<St, Fut, F> {
    pinned: stream: St, future: Option<Fut>;
    plain: f: F
});
stream_accessors!(Then[St, Fut, F]<St, Fut, F>, ".then(std::future::ready)");

impl<St, Fut, F> Then<St, Fut, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        Then {
            stream,
            future: None,
            f,
        }
    }
}

impl<St, Fut, F> Stream for Then<St, Fut, F>
where
    St: Stream,
    Fut: Future,
    F: FnMut(St::Item) -> Fut,
{
    type Item = Fut::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Fut::Output>> {
        let (mut stream, mut future, f) = self.project();
        loop {
            if let Some(fut) = future.as_mut().as_pin_mut() {
                let output = ready!(fut.poll(cx));
                future.set(None);
                return Poll::Ready(Some(output));
            }
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) => future.set(Some(f(item))),
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let pending = usize::from(self.future.is_some());
        let (lower, upper) = self.stream.size_hint();
        (
            lower.saturating_add(pending),
            upper.and_then(|n| n.checked_add(pending)),
        )
    }
}

impl<St, Fut, F> FusedStream for Then<St, Fut, F>
where
    St: FusedStream,
    Fut: Future,
    F: FnMut(St::Item) -> Fut,
{
    fn is_terminated(&self) -> bool {
        self.future.is_none() && self.stream.is_terminated()
    }
}

/// The stream of [`StreamExt::filter`](super::StreamExt::filter): the items
/// for which the predicate returns `true`.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let even = stream::iter(1..=6).filter(|x| x % 2 == 0);
/// assert_eq!(even.collect::<Vec<_>>().await, [2, 4, 6]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Filter<St, F> {
    stream: St,
    f: F,
}

pin_fields!(impl[St, F] Filter<St, F> { pinned: stream: St; plain: f: F });
stream_accessors!(Filter[St, F]<St, F>, ".filter(|_| true)");

impl<St, F> Filter<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        Filter { stream, f }
    }
}

impl<St, F> Stream for Filter<St, F>
where
    St: Stream,
    F: FnMut(&St::Item) -> bool,
{
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut stream, f) = self.project();
        loop {
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) if f(&item) => return Poll::Ready(Some(item)),
                Some(_) => {}
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.stream.size_hint().1)
    }
}

impl<St, F> FusedStream for Filter<St, F>
where
    St: FusedStream,
    F: FnMut(&St::Item) -> bool,
{
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}

/// The stream of [`StreamExt::filter_map`](super::StreamExt::filter_map):
/// the `Some` results of a closure applied to each item.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let numbers = stream::iter(["1", "two", "3"]).filter_map(|s| s.parse::<u8>().ok());
/// assert_eq!(numbers.collect::<Vec<_>>().await, [1, 3]);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct FilterMap<St, F> {
    stream: St,
    f: F,
}

pin_fields!(impl[St, F] FilterMap<St, F> { pinned: stream: St; plain: f: F });
stream_accessors!(FilterMap[St, F]<St, F>, ".filter_map(Some)");

impl<St, F> FilterMap<St, F> {
    pub(super) fn new(stream: St, f: F) -> Self {
        FilterMap { stream, f }
    }
}

impl<St, F, T> Stream for FilterMap<St, F>
where
    St: Stream,
    F: FnMut(St::Item) -> Option<T>,
{
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (mut stream, f) = self.project();
        loop {
            match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) => {
                    if let Some(mapped) = f(item) {
                        return Poll::Ready(Some(mapped));
                    }
                }
                None => return Poll::Ready(None),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.stream.size_hint().1)
    }
}

impl<St, F, T> FusedStream for FilterMap<St, F>
where
    St: FusedStream,
    F: FnMut(St::Item) -> Option<T>,
{
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}
