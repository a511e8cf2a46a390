//! Adapters about where a stream ends and how two streams combine:
//! [`Fuse`], [`Chain`], [`Merge`] and [`Peekable`].

use futures_core::stream::FusedStream;
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The stream of [`StreamExt::fuse`](super::StreamExt::fuse): after the
/// inner stream first returns `None`, it is dropped and every later poll
/// returns `None` without touching it.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let mut fused = stream::once(1).fuse();
/// assert_eq!(fused.next().await, Some(1));
/// assert_eq!(fused.next().await, None);
/// assert_eq!(fused.next().await, None);
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Fuse<St> {
    /// `None` once the stream has ended.
    stream: Option<St>,
}

pin_fields!(impl[St] Fuse<St> { pinned: stream: Option<St>; plain: });

impl<St> Fuse<St> {
    pub(super) fn new(stream: St) -> Self {
        Fuse {
            stream: Some(stream),
        }
    }
}

impl<St: Stream> Stream for Fuse<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (mut slot,) = self.project();
        let Some(stream) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        let item = ready!(stream.poll_next(cx));
        if item.is_none() {
            slot.set(None);
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.stream {
            Some(stream) => stream.size_hint(),
            None => (0, Some(0)),
        }
    }
}

impl<St: Stream> FusedStream for Fuse<St> {
    fn is_terminated(&self) -> bool {
        self.stream.is_none()
    }
}

/// Adds two size hints, as for a stream made of both.
pub(super) fn add_size_hints(
    (lower_a, upper_a): (usize, Option<usize>),
    (lower_b, upper_b): (usize, Option<usize>),
) -> (usize, Option<usize>) {
    let upper = match (upper_a, upper_b) {
        (Some(a), Some(b)) => a.checked_add(b),
        _ => None,
    };
    (lower_a.saturating_add(lower_b), upper)
}

/// The stream of [`StreamExt::chain`](super::StreamExt::chain): every item
/// of the first stream, then every item of the second.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let both = stream::iter([1, 2]).chain(stream::iter([3]));
/// assert_eq!(both.collect::<Vec<_>>().await, [1, 2, 3]);
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Chain<A, B> {
    first: Fuse<A>,
    second: B,
}

pin_fields!(impl[A, B] Chain<A, B> { pinned: first: Fuse<A>, second: B; plain: });

impl<A: Stream, B> Chain<A, B> {
    pub(super) fn new(first: A, second: B) -> Self {
        Chain {
            first: Fuse::new(first),
            second,
        }
    }
}

impl<A, B> Stream for Chain<A, B>
where
    A: Stream,
    B: Stream<Item = A::Item>,
{
    type Item = A::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<A::Item>> {
        let (first, second) = self.project();
        match ready!(first.poll_next(cx)) {
            Some(item) => Poll::Ready(Some(item)),
            None => second.poll_next(cx),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        add_size_hints(self.first.size_hint(), self.second.size_hint())
    }
}

impl<A, B> FusedStream for Chain<A, B>
where
    A: Stream,
    B: FusedStream<Item = A::Item>,
{
    fn is_terminated(&self) -> bool {
        self.first.is_terminated() && self.second.is_terminated()
    }
}

/// The stream of [`StreamExt::merge`](super::StreamExt::merge): the items
/// of two streams as they come, ending when both have ended. The stream
/// polled first alternates, so a busy stream cannot starve the other.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let merged = stream::iter([1, 3]).merge(stream::iter([2, 4]));
/// assert_eq!(merged.collect::<Vec<_>>().await, [1, 2, 3, 4]);
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Merge<A, B> {
    a: Fuse<A>,
    b: Fuse<B>,
    /// Which stream the next poll tries first.
    a_first: bool,
}

pin_fields!(impl[A, B] Merge<A, B> { pinned: a: Fuse<A>, b: Fuse<B>; plain: a_first: bool });

impl<A: Stream, B: Stream> Merge<A, B> {
    pub(super) fn new(a: A, b: B) -> Self {
        Merge {
            a: Fuse::new(a),
            b: Fuse::new(b),
            a_first: true,
        }
    }
}

/// Polls `first`, then `second` if `first` has no item: an item from either,
/// `None` once both have ended, else pending.
fn poll_either<T, X, Y>(
    first: Pin<&mut X>,
    second: Pin<&mut Y>,
    cx: &mut Context<'_>,
) -> Poll<Option<T>>
where
    X: Stream<Item = T>,
    Y: Stream<Item = T>,
{
    let mut ended = true;
    match first.poll_next(cx) {
        Poll::Ready(Some(item)) => return Poll::Ready(Some(item)),
        Poll::Ready(None) => {}
        Poll::Pending => ended = false,
    }
    match second.poll_next(cx) {
        Poll::Ready(Some(item)) => return Poll::Ready(Some(item)),
        Poll::Ready(None) => {}
        Poll::Pending => ended = false,
    }
    if ended {
        Poll::Ready(None)
    } else {
        Poll::Pending
    }
}

impl<A, B> Stream for Merge<A, B>
where
    A: Stream,
    B: Stream<Item = A::Item>,
{
    type Item = A::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<A::Item>> {
        let (a, b, a_first) = self.project();
        let first_is_a = *a_first;
        *a_first = !first_is_a;
        if first_is_a {
            poll_either(a, b, cx)
        } else {
            poll_either(b, a, cx)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        add_size_hints(self.a.size_hint(), self.b.size_hint())
    }
}

impl<A, B> FusedStream for Merge<A, B>
where
    A: Stream,
    B: Stream<Item = A::Item>,
{
    fn is_terminated(&self) -> bool {
        self.a.is_terminated() && self.b.is_terminated()
    }
}

/// The stream of [`StreamExt::peekable`](super::StreamExt::peekable): can
/// look at its next item without taking it.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let mut items = stream::iter([1, 2]).peekable();
/// assert_eq!(items.peek().await, Some(&1));
/// assert_eq!(items.next().await, Some(1));
/// assert_eq!(items.next().await, Some(2));
/// assert_eq!(items.peek().await, None);
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Peekable<St: Stream> {
    stream: Fuse<St>,
    peeked: Option<St::Item>,
}

pin_fields!(impl[St: Stream] Peekable<St> {
    pinned: stream: Fuse<St>;
    plain: peeked: Option<St::Item>
});

impl<St: Stream> Peekable<St> {
    pub(super) fn new(stream: St) -> Self {
        Peekable {
            stream: Fuse::new(stream),
            peeked: None,
        }
    }

    /// The next item, left in the stream: the next `peek` or `next` returns
    /// it again. `None` when the stream has ended.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let mut items = stream::iter(["a", "b"]).peekable();
    /// assert_eq!(items.peek().await, Some(&"a"));
    /// assert_eq!(items.peek().await, Some(&"a"));
    /// assert_eq!(items.collect::<Vec<_>>().await, ["a", "b"]);
    /// # }
    /// ```
    pub async fn peek(&mut self) -> Option<&St::Item>
    where
        St: Unpin,
    {
        std::future::poll_fn(|cx| {
            Pin::new(&mut *self)
                .poll_peek(cx)
                .map(|item| item.is_some())
        })
        .await;
        self.peeked.as_ref()
    }

    /// As [`peek`](Peekable::peek), mutably: a change made through the
    /// reference is what `next` then returns.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let mut items = stream::iter([1, 2]).peekable();
    /// if let Some(first) = items.peek_mut().await {
    ///     *first = 10;
    /// }
    /// assert_eq!(items.collect::<Vec<_>>().await, [10, 2]);
    /// # }
    /// ```
    pub async fn peek_mut(&mut self) -> Option<&mut St::Item>
    where
        St: Unpin,
    {
        std::future::poll_fn(|cx| {
            Pin::new(&mut *self)
                .poll_peek(cx)
                .map(|item| item.is_some())
        })
        .await;
        self.peeked.as_mut()
    }

    /// Polls for the next item without taking it: `Ready(Some(item))` keeps
    /// it for the next `peek` or `next`, `Ready(None)` when the stream has
    /// ended.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    ///
    /// let mut items = stream::iter([7]).peekable();
    /// let seen = poll_fn(|cx| Pin::new(&mut items).poll_peek(cx).map(|i| i.copied())).await;
    /// assert_eq!(seen, Some(7));
    /// assert_eq!(items.next().await, Some(7));
    /// # }
    /// ```
    pub fn poll_peek(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<&mut St::Item>> {
        let (stream, peeked) = self.project();
        if peeked.is_none() {
            *peeked = ready!(stream.poll_next(cx));
        }
        Poll::Ready(peeked.as_mut())
    }
}

impl<St: Stream> Stream for Peekable<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (stream, peeked) = self.project();
        match peeked.take() {
            Some(item) => Poll::Ready(Some(item)),
            None => stream.poll_next(cx),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        add_size_hints(
            (
                usize::from(self.peeked.is_some()),
                Some(usize::from(self.peeked.is_some())),
            ),
            self.stream.size_hint(),
        )
    }
}

impl<St: Stream> fmt::Debug for Peekable<St>
where
    St: fmt::Debug,
    St::Item: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Peekable")
            .field("stream", &self.stream)
            .field("peeked", &self.peeked)
            .finish()
    }
}
