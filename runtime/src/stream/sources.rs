//! Streams made from nothing or from values: [`iter`], [`once`], [`empty`]
//! and [`pending`].
//!
//! The always-ready ones ([`Iter`], [`Once`], [`Empty`]) spend the task's
//! cooperative budget like any runtime resource, so a loop draining a long
//! iterator stream yields to other tasks now and then.

use crate::task::coop;
use futures_core::Stream;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Waits for the task's budget, then counts one unit of work.
fn spend_budget(cx: &mut Context<'_>) -> Poll<()> {
    ready!(coop::poll_proceed(cx)).made_progress();
    Poll::Ready(())
}

/// A stream of the items of an iterator.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let mut letters = stream::iter(vec!['a', 'b']);
/// assert_eq!(letters.next().await, Some('a'));
/// assert_eq!(letters.next().await, Some('b'));
/// assert_eq!(letters.next().await, None);
/// # }
/// ```
pub fn iter<I: IntoIterator>(i: I) -> Iter<I::IntoIter> {
    Iter {
        iter: i.into_iter(),
    }
}

/// The stream of [`iter`].
///
/// ```
/// use runtime::stream::{self, Iter};
///
/// let numbers: Iter<std::ops::Range<u8>> = stream::iter(0..3);
/// # drop(numbers);
/// ```
#[derive(Debug, Clone)]
#[must_use = "streams do nothing unless polled"]
pub struct Iter<I> {
    iter: I,
}

impl<I> Unpin for Iter<I> {}

impl<I: Iterator> Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        ready!(spend_budget(cx));
        Poll::Ready(self.iter.next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

/// A stream of exactly one item.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let mut one = stream::once(7);
/// assert_eq!(one.next().await, Some(7));
/// assert_eq!(one.next().await, None);
/// # }
/// ```
pub fn once<T>(value: T) -> Once<T> {
    Once { value: Some(value) }
}

/// The stream of [`once`].
///
/// ```
/// use runtime::stream::{self, Once, Stream};
///
/// let one: Once<&str> = stream::once("hi");
/// assert_eq!(one.size_hint(), (1, Some(1)));
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Once<T> {
    value: Option<T>,
}

impl<T> Unpin for Once<T> {}

impl<T> Stream for Once<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        ready!(spend_budget(cx));
        Poll::Ready(self.value.take())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.value.is_some());
        (n, Some(n))
    }
}

/// A stream that ends at once.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let mut nothing = stream::empty::<u32>();
/// assert_eq!(nothing.next().await, None);
/// # }
/// ```
pub const fn empty<T>() -> Empty<T> {
    Empty(PhantomData)
}

/// The stream of [`empty`].
///
/// ```
/// use runtime::stream::{self, Empty, Stream};
///
/// let nothing: Empty<u8> = stream::empty();
/// assert_eq!(nothing.size_hint(), (0, Some(0)));
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Empty<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for Empty<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Empty")
    }
}

impl<T> Stream for Empty<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        ready!(spend_budget(cx));
        Poll::Ready(None)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(0))
    }
}

/// A stream that never yields and never ends.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
/// use runtime::time::{timeout, Duration};
///
/// let mut never = stream::pending::<u32>();
/// assert!(timeout(Duration::from_secs(1), never.next()).await.is_err());
/// # }
/// ```
pub const fn pending<T>() -> Pending<T> {
    Pending(PhantomData)
}

/// The stream of [`pending`].
///
/// ```
/// use runtime::stream::{self, Pending, Stream};
///
/// let never: Pending<u8> = stream::pending();
/// assert_eq!(never.size_hint(), (0, None));
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Pending<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pending")
    }
}

impl<T> Stream for Pending<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<T>> {
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}
