//! [`StreamExt`]: tokio-stream's combinators, as methods on every
//! [`Stream`].

use super::collect::{Collect, FromStream};
use super::combine::{Chain, Fuse, Merge, Peekable};
use super::consume::{AllFuture, AnyFuture, FoldFuture, Next, TryNext};
use super::limit::{Skip, SkipWhile, Take, TakeWhile};
use super::map::{Filter, FilterMap, Map, MapWhile, Then};
#[cfg(feature = "time")]
use super::timed::{ChunksTimeout, Throttle, Timeout, TimeoutRepeating};
#[cfg(feature = "time")]
use crate::time::{Duration, Interval};
use futures_core::Stream;
use std::future::Future;

/// Combinators for every [`Stream`], as tokio-stream's `StreamExt`
/// (`futures::StreamExt` has more, and both can be imported, under
/// different names, where a method exists in both).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
///
/// let total = stream::iter(1..=10).filter(|x| x % 2 == 0).map(|x| x * x).fold(0, |a, x| a + x);
/// assert_eq!(total.await, 4 + 16 + 36 + 64 + 100);
/// # }
/// ```
pub trait StreamExt: Stream {
    /// The next item, `None` once the stream has ended. Cancel-safe: an
    /// item is only taken when the future completes.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let mut s = stream::iter([1, 2]);
    /// assert_eq!(s.next().await, Some(1));
    /// assert_eq!(s.next().await, Some(2));
    /// assert_eq!(s.next().await, None);
    /// # }
    /// ```
    fn next(&mut self) -> Next<'_, Self>
    where
        Self: Unpin,
    {
        Next::new(self)
    }

    /// For a stream of `Result`s: the next item with the `Result` on the
    /// outside, so that `?` applies: `Ok(Some(v))`, `Err(e)`, or `Ok(None)`
    /// at the end.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let mut s = stream::iter([Ok(1), Err("bad")]);
    /// assert_eq!(s.try_next().await, Ok(Some(1)));
    /// assert_eq!(s.try_next().await, Err("bad"));
    /// assert_eq!(s.try_next().await, Ok(None));
    /// # }
    /// ```
    fn try_next<T, E>(&mut self) -> TryNext<'_, Self>
    where
        Self: Stream<Item = Result<T, E>> + Unpin,
    {
        TryNext::new(self)
    }

    /// Each item passed through `f`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let names = stream::iter([1, 2]).map(|n| format!("#{n}"));
    /// assert_eq!(names.collect::<Vec<_>>().await, ["#1", "#2"]);
    /// # }
    /// ```
    fn map<T, F>(self, f: F) -> Map<Self, F>
    where
        F: FnMut(Self::Item) -> T,
        Self: Sized,
    {
        Map::new(self, f)
    }

    /// Items passed through `f` while it returns `Some`; its first `None`
    /// ends the stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let halves = stream::iter([4, 8, 3, 6]).map_while(|x| (x % 2 == 0).then(|| x / 2));
    /// assert_eq!(halves.collect::<Vec<_>>().await, [2, 4]);
    /// # }
    /// ```
    fn map_while<T, F>(self, f: F) -> MapWhile<Self, F>
    where
        F: FnMut(Self::Item) -> Option<T>,
        Self: Sized,
    {
        MapWhile::new(self, f)
    }

    /// Each item passed to `f`, whose future's output is the item yielded;
    /// the futures run one at a time, in order.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// async fn lookup(id: u32) -> String {
    ///     format!("user{id}")
    /// }
    /// let users = stream::iter([1, 2]).then(lookup);
    /// assert_eq!(users.collect::<Vec<_>>().await, ["user1", "user2"]);
    /// # }
    /// ```
    fn then<F, Fut>(self, f: F) -> Then<Self, Fut, F>
    where
        F: FnMut(Self::Item) -> Fut,
        Fut: Future,
        Self: Sized,
    {
        Then::new(self, f)
    }

    /// The items of both streams as they come, alternating which is polled
    /// first; ends when both have ended.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{StreamExt, wrappers::UnboundedReceiverStream};
    ///
    /// let (tx1, rx1) = runtime::sync::mpsc::unbounded_channel();
    /// let (tx2, rx2) = runtime::sync::mpsc::unbounded_channel();
    /// tx1.send("one").unwrap();
    /// tx2.send("two").unwrap();
    /// drop((tx1, tx2));
    /// let merged = UnboundedReceiverStream::new(rx1).merge(UnboundedReceiverStream::new(rx2));
    /// let mut all: Vec<_> = merged.collect().await;
    /// all.sort();
    /// assert_eq!(all, ["one", "two"]);
    /// # }
    /// ```
    fn merge<U>(self, other: U) -> Merge<Self, U>
    where
        U: Stream<Item = Self::Item>,
        Self: Sized,
    {
        Merge::new(self, other)
    }

    /// The items for which `f` returns `true`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let odd = stream::iter(1..=5).filter(|x| x % 2 == 1);
    /// assert_eq!(odd.collect::<Vec<_>>().await, [1, 3, 5]);
    /// # }
    /// ```
    fn filter<F>(self, f: F) -> Filter<Self, F>
    where
        F: FnMut(&Self::Item) -> bool,
        Self: Sized,
    {
        Filter::new(self, f)
    }

    /// The `Some` results of `f` on each item.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let firsts = stream::iter(["ab", "", "cd"]).filter_map(|s| s.get(..1));
    /// assert_eq!(firsts.collect::<String>().await, "ac");
    /// # }
    /// ```
    fn filter_map<T, F>(self, f: F) -> FilterMap<Self, F>
    where
        F: FnMut(Self::Item) -> Option<T>,
        Self: Sized,
    {
        FilterMap::new(self, f)
    }

    /// A stream that returns `None` for good once this one has, without
    /// polling it again (a stream polled after its end may panic or start
    /// over).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let mut s = stream::iter([1]).fuse();
    /// assert_eq!(s.next().await, Some(1));
    /// assert_eq!(s.next().await, None);
    /// assert_eq!(s.next().await, None);
    /// # }
    /// ```
    fn fuse(self) -> Fuse<Self>
    where
        Self: Sized,
    {
        Fuse::new(self)
    }

    /// At most the first `n` items.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// assert_eq!(stream::iter(0..).take(2).collect::<Vec<_>>().await, [0, 1]);
    /// # }
    /// ```
    fn take(self, n: usize) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, n)
    }

    /// The items while `f` returns `true`; the first one for which it
    /// returns `false` is dropped and ends the stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let head = stream::iter([1, 2, 9, 3]).take_while(|x| *x < 5);
    /// assert_eq!(head.collect::<Vec<_>>().await, [1, 2]);
    /// # }
    /// ```
    fn take_while<F>(self, f: F) -> TakeWhile<Self, F>
    where
        F: FnMut(&Self::Item) -> bool,
        Self: Sized,
    {
        TakeWhile::new(self, f)
    }

    /// All items but the first `n`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// assert_eq!(stream::iter(1..=4).skip(2).collect::<Vec<_>>().await, [3, 4]);
    /// # }
    /// ```
    fn skip(self, n: usize) -> Skip<Self>
    where
        Self: Sized,
    {
        Skip::new(self, n)
    }

    /// Drops items while `f` returns `true`, then yields the rest
    /// (untested) from the first for which it returns `false`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let tail = stream::iter([1, 2, 9, 3]).skip_while(|x| *x < 5);
    /// assert_eq!(tail.collect::<Vec<_>>().await, [9, 3]);
    /// # }
    /// ```
    fn skip_while<F>(self, f: F) -> SkipWhile<Self, F>
    where
        F: FnMut(&Self::Item) -> bool,
        Self: Sized,
    {
        SkipWhile::new(self, f)
    }

    /// Whether `f` returns `true` for every item; stops at the first
    /// `false`, and is `true` for an empty stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// assert!(stream::iter([2, 4]).all(|x| x % 2 == 0).await);
    /// let mut s = stream::iter([2, 3, 4]);
    /// assert!(!s.all(|x| x % 2 == 0).await);
    /// assert_eq!(s.next().await, Some(4)); // stopped after 3
    /// # }
    /// ```
    fn all<F>(&mut self, f: F) -> AllFuture<'_, Self, F>
    where
        Self: Unpin,
        F: FnMut(Self::Item) -> bool,
    {
        AllFuture::new(self, f)
    }

    /// Whether `f` returns `true` for some item; stops at the first `true`,
    /// and is `false` for an empty stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let mut s = stream::iter([1, 4, 5]);
    /// assert!(s.any(|x| x > 3).await);
    /// assert_eq!(s.next().await, Some(5)); // stopped after 4
    /// assert!(!stream::empty::<u8>().any(|_| true).await);
    /// # }
    /// ```
    fn any<F>(&mut self, f: F) -> AnyFuture<'_, Self, F>
    where
        Self: Unpin,
        F: FnMut(Self::Item) -> bool,
    {
        AnyFuture::new(self, f)
    }

    /// All items of this stream, then all items of `other`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let s = stream::iter([1]).chain(stream::once(2));
    /// assert_eq!(s.collect::<Vec<_>>().await, [1, 2]);
    /// # }
    /// ```
    fn chain<U>(self, other: U) -> Chain<Self, U>
    where
        U: Stream<Item = Self::Item>,
        Self: Sized,
    {
        Chain::new(self, other)
    }

    /// Folds the items into one value, starting from `init`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let product = stream::iter(1..=5).fold(1, |acc, x| acc * x).await;
    /// assert_eq!(product, 120);
    /// # }
    /// ```
    fn fold<B, F>(self, init: B, f: F) -> FoldFuture<Self, B, F>
    where
        Self: Sized,
        F: FnMut(B, Self::Item) -> B,
    {
        FoldFuture::new(self, init, f)
    }

    /// All items gathered into a collection (see [`FromStream`] for which);
    /// into a `Result<C, E>`, stops at the first error and returns it.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let v: Vec<u8> = stream::iter([1, 2]).collect().await;
    /// assert_eq!(v, [1, 2]);
    /// let r: Result<Vec<u8>, String> = stream::iter([Ok(1), Ok(2)]).collect().await;
    /// assert_eq!(r, Ok(vec![1, 2]));
    /// # }
    /// ```
    fn collect<T>(self) -> Collect<Self, T, T::Buffer>
    where
        T: FromStream<Self::Item>,
        Self: Sized,
    {
        Collect::new(self)
    }

    /// The items as `Ok`, with an `Err(Elapsed)` whenever `duration` passes
    /// without one (counted from the adapter's creation, then from each
    /// item). One error per silence: the next comes after the next item.
    /// The stream goes on after an error; `take_while(Result::is_ok)` stops
    /// it instead. Must be called inside a runtime (it creates a timer).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::stream::{wrappers::IntervalStream, StreamExt};
    /// use runtime::time::{interval, Duration};
    ///
    /// let ticks = IntervalStream::new(interval(Duration::from_millis(100)));
    /// let mut s = std::pin::pin!(ticks.timeout(Duration::from_millis(10)));
    /// assert!(s.try_next().await.is_ok()); // the immediate first tick
    /// assert!(s.try_next().await.is_err()); // 10 ms of silence
    /// assert!(s.try_next().await.is_ok()); // no second error before the next tick
    /// # }
    /// ```
    #[cfg(feature = "time")]
    fn timeout(self, duration: Duration) -> Timeout<Self>
    where
        Self: Sized,
    {
        Timeout::new(self, duration)
    }

    /// As [`timeout`](StreamExt::timeout), but an `Err(Elapsed)` comes at
    /// every tick of `interval` that passes without an item (each item
    /// resets the interval). Mind that an interval's first tick is
    /// immediate: tick it once first unless an error at once is wanted.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    /// use runtime::time::{interval, Duration};
    ///
    /// let mut iv = interval(Duration::from_secs(1));
    /// iv.tick().await;
    /// let s = stream::iter([1]).chain(stream::pending()).timeout_repeating(iv);
    /// let mut s = std::pin::pin!(s);
    /// assert_eq!(s.next().await, Some(Ok(1)));
    /// assert!(s.next().await.unwrap().is_err());
    /// assert!(s.next().await.unwrap().is_err());
    /// # }
    /// ```
    #[cfg(feature = "time")]
    fn timeout_repeating(self, interval: Interval) -> TimeoutRepeating<Self>
    where
        Self: Sized,
    {
        TimeoutRepeating::new(self, interval)
    }

    /// The items at least `duration` apart: the first one as soon as it
    /// comes, each next one (and the end) `duration` after the previous at
    /// the earliest. Must be called inside a runtime.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    /// use runtime::time::{Duration, Instant};
    ///
    /// let start = Instant::now();
    /// let s = stream::iter(1..=3).throttle(Duration::from_millis(100));
    /// assert_eq!(s.collect::<Vec<_>>().await, [1, 2, 3]);
    /// // Items at 0, 100 and 200 ms; the end at 300 ms.
    /// assert_eq!(start.elapsed(), Duration::from_millis(300));
    /// # }
    /// ```
    #[cfg(feature = "time")]
    fn throttle(self, duration: Duration) -> Throttle<Self>
    where
        Self: Sized,
    {
        Throttle::new(self, duration)
    }

    /// The items in batches of at most `max_size`, a batch going out when
    /// full, when `duration` has passed since its first item, or at the end
    /// of the stream. Batches are never empty. Must be called inside a
    /// runtime.
    ///
    /// # Panics
    ///
    /// If `max_size` is 0.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    /// use runtime::time::Duration;
    ///
    /// let batches = stream::iter(1..=5).chunks_timeout(2, Duration::from_secs(1));
    /// assert_eq!(batches.collect::<Vec<_>>().await, [vec![1, 2], vec![3, 4], vec![5]]);
    /// # }
    /// ```
    #[cfg(feature = "time")]
    #[track_caller]
    fn chunks_timeout(self, max_size: usize, duration: Duration) -> ChunksTimeout<Self>
    where
        Self: Sized,
    {
        assert!(
            max_size > 0,
            "chunks_timeout: `max_size` must be at least 1 (a batch is never empty)"
        );
        ChunksTimeout::new(self, max_size, duration)
    }

    /// A stream whose next item can be looked at without taking it
    /// ([`Peekable::peek`]).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    ///
    /// let mut s = stream::iter([1, 2]).peekable();
    /// assert_eq!(s.peek().await, Some(&1));
    /// assert_eq!(s.next().await, Some(1));
    /// # }
    /// ```
    fn peekable(self) -> Peekable<Self>
    where
        Self: Sized,
    {
        Peekable::new(self)
    }
}

impl<St: ?Sized + Stream> StreamExt for St {}
