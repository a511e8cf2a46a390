//! [`StreamMap`]: many keyed streams read as one.
//!
//! The entries live in a `Vec` in no particular order (lookups are linear,
//! as in tokio-stream: a map holds tens of streams, not thousands). Each
//! poll starts at a random entry and goes round once, so no stream is
//! always first; a stream that ends is removed (only after the round, so
//! indices stay valid while it runs) and the map ends when it is empty.

use crate::macros::support::thread_rng_n;
use futures_core::Stream;
use std::borrow::Borrow;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A map of keyed streams, itself a stream of `(key, item)` pairs: the
/// items of all its streams as they come, each with the key of its stream.
/// A stream that ends is removed; the map ends when it holds none.
///
/// Which stream is polled first is random on every poll, so a busy stream
/// cannot starve the others. The streams must be `Unpin` (box and pin
/// others: `Pin<Box<dyn Stream<Item = T> + Send>>`).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt, StreamMap};
///
/// let mut map = StreamMap::new();
/// map.insert("a", stream::iter(vec![1, 2]));
/// map.insert("b", stream::iter(vec![3]));
/// let mut seen: Vec<(&str, i32)> = map.collect().await;
/// seen.sort();
/// assert_eq!(seen, [("a", 1), ("a", 2), ("b", 3)]);
/// # }
/// ```
#[derive(Debug)]
pub struct StreamMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> StreamMap<K, V> {
    /// An empty map.
    ///
    /// ```
    /// use runtime::stream::{Empty, StreamMap};
    ///
    /// let map: StreamMap<u8, Empty<()>> = StreamMap::new();
    /// assert!(map.is_empty());
    /// ```
    pub fn new() -> Self {
        StreamMap {
            entries: Vec::new(),
        }
    }

    /// An empty map with room for `capacity` streams.
    ///
    /// ```
    /// use runtime::stream::{Empty, StreamMap};
    ///
    /// let map: StreamMap<u8, Empty<()>> = StreamMap::with_capacity(8);
    /// assert!(map.capacity() >= 8);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        StreamMap {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// The `(key, stream)` pairs, in no particular order.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert(1, stream::once("one"));
    /// let keys: Vec<_> = map.iter().map(|(k, _)| *k).collect();
    /// assert_eq!(keys, [1]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &(K, V)> {
        self.entries.iter()
    }

    /// The `(key, stream)` pairs, the streams mutably.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert(1, stream::iter(vec![10, 20]));
    /// for (_, s) in map.iter_mut() {
    ///     assert_eq!(s.next().await, Some(10)); // taken directly, not through the map
    /// }
    /// assert_eq!(map.next().await, Some((1, 20)));
    /// # }
    /// ```
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut (K, V)> {
        self.entries.iter_mut()
    }

    /// The keys, in no particular order.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert("x", stream::empty::<()>());
    /// assert_eq!(map.keys().collect::<Vec<_>>(), [&"x"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The streams, in no particular order.
    ///
    /// ```
    /// use runtime::stream::{self, Stream, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert("x", stream::iter(vec![1, 2]));
    /// assert_eq!(map.values().map(|s| s.size_hint().0).sum::<usize>(), 2);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The streams, mutably.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert("x", stream::iter(vec![1, 2]));
    /// for s in map.values_mut() {
    ///     s.next().await;
    /// }
    /// assert_eq!(map.next().await, Some(("x", 2)));
    /// # }
    /// ```
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// How many streams the map can hold without reallocating.
    ///
    /// ```
    /// use runtime::stream::{Empty, StreamMap};
    ///
    /// let map: StreamMap<(), Empty<()>> = StreamMap::with_capacity(4);
    /// assert!(map.capacity() >= 4);
    /// ```
    pub fn capacity(&self) -> usize {
        self.entries.capacity()
    }

    /// How many streams the map holds.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert(1, stream::empty::<()>());
    /// map.insert(2, stream::empty());
    /// assert_eq!(map.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map holds no stream.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// assert!(map.is_empty());
    /// map.insert(1, stream::empty::<()>());
    /// assert!(!map.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops every stream, keeping the allocation.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert(1, stream::empty::<()>());
    /// map.clear();
    /// assert!(map.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Adds a stream under `key`, returning the stream it replaces, if any.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// assert!(map.insert("k", stream::once(1)).is_none());
    /// assert!(map.insert("k", stream::once(2)).is_some());
    /// assert_eq!(map.len(), 1);
    /// ```
    pub fn insert(&mut self, key: K, stream: V) -> Option<V>
    where
        K: Hash + Eq,
    {
        let old = self.remove(&key);
        self.entries.push((key, stream));
        old
    }

    /// Removes the stream under `key` and returns it. Its items are no
    /// longer read; the other streams are unaffected.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert(String::from("k"), stream::once(1));
    /// assert!(map.remove("k").is_some());
    /// assert!(map.remove("k").is_none());
    /// ```
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let idx = self.entries.iter().position(|(k, _)| k.borrow() == key)?;
        Some(self.entries.swap_remove(idx).1)
    }

    /// Whether a stream is under `key`.
    ///
    /// ```
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert(String::from("k"), stream::once(1));
    /// assert!(map.contains_key("k"));
    /// assert!(!map.contains_key("other"));
    /// ```
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.iter().any(|(k, _)| k.borrow() == key)
    }
}

impl<K, V> StreamMap<K, V>
where
    K: Clone + Unpin,
    V: Stream + Unpin,
{
    /// Goes round the streams once from a random one, handing each item to
    /// `take` until it returns `false`; removes the streams that ended.
    /// Returns how many items were taken.
    fn poll_round(
        &mut self,
        cx: &mut Context<'_>,
        take: &mut dyn FnMut(K, V::Item) -> bool,
    ) -> usize {
        let len = self.entries.len();
        let start = thread_rng_n(len as u32) as usize;
        let mut taken = 0;
        let mut ended = Vec::new();
        for step in 0..len {
            let idx = (start + step) % len;
            let (key, stream) = &mut self.entries[idx];
            match Pin::new(stream).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    taken += 1;
                    if !take(key.clone(), item) {
                        break;
                    }
                }
                Poll::Ready(None) => ended.push(idx),
                Poll::Pending => {}
            }
        }
        // Highest index first: `swap_remove` then only moves entries that
        // are not in `ended` (they were already removed).
        ended.sort_unstable_by(|a, b| b.cmp(a));
        for idx in ended {
            self.entries.swap_remove(idx);
        }
        taken
    }

    /// Polls for up to `limit` items, appended to `buffer` as `(key,
    /// item)` pairs: `Ready(n)` with `n > 0` items, `Ready(0)` when the map
    /// is empty (or `limit` is 0), else pending. Takes at most one item per
    /// stream per round, rounds continuing while some stream has one.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamMap};
    /// use std::future::poll_fn;
    ///
    /// let mut map = StreamMap::new();
    /// map.insert("a", stream::iter(vec![1, 2, 3]));
    /// let mut buf = Vec::new();
    /// let n = poll_fn(|cx| map.poll_next_many(cx, &mut buf, 2)).await;
    /// assert_eq!((n, buf), (2, vec![("a", 1), ("a", 2)]));
    /// # }
    /// ```
    pub fn poll_next_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<(K, V::Item)>,
        limit: usize,
    ) -> Poll<usize> {
        let mut added = 0;
        while added < limit && !self.entries.is_empty() {
            let in_round = self.poll_round(cx, &mut |key, item| {
                buffer.push((key, item));
                added += 1;
                added < limit
            });
            if in_round == 0 {
                break;
            }
        }
        if added > 0 || limit == 0 || self.entries.is_empty() {
            Poll::Ready(added)
        } else {
            Poll::Pending
        }
    }

    /// Waits for items and appends up to `limit` of them to `buffer`;
    /// returns how many, 0 only when the map is empty (or `limit` is 0).
    /// Cancel-safe: items are only taken when the call returns.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamMap};
    ///
    /// let mut map = StreamMap::new();
    /// map.insert(1, stream::iter(vec!['x', 'y']));
    /// let mut buf = Vec::new();
    /// assert_eq!(map.next_many(&mut buf, 10).await, 2);
    /// assert_eq!(buf, [(1, 'x'), (1, 'y')]);
    /// assert_eq!(map.next_many(&mut buf, 10).await, 0); // the map is now empty
    /// # }
    /// ```
    pub async fn next_many(&mut self, buffer: &mut Vec<(K, V::Item)>, limit: usize) -> usize {
        std::future::poll_fn(|cx| self.poll_next_many(cx, buffer, limit)).await
    }
}

impl<K, V> Default for StreamMap<K, V> {
    fn default() -> Self {
        StreamMap::new()
    }
}

impl<K, V> Stream for StreamMap<K, V>
where
    K: Clone + Unpin,
    V: Stream + Unpin,
{
    type Item = (K, V::Item);

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let mut next = None;
        this.poll_round(cx, &mut |key, item| {
            next = Some((key, item));
            false
        });
        match next {
            Some(pair) => Poll::Ready(Some(pair)),
            None if this.entries.is_empty() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.iter().fold((0, Some(0)), |acc, (_, stream)| {
            super::combine::add_size_hints(acc, stream.size_hint())
        })
    }
}

impl<K: Hash + Eq, V> FromIterator<(K, V)> for StreamMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut map = StreamMap::with_capacity(iter.size_hint().0);
        for (key, stream) in iter {
            map.insert(key, stream);
        }
        map
    }
}

/// Appends the pairs without checking for duplicate keys (as tokio-stream).
impl<K, V> Extend<(K, V)> for StreamMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        self.entries.extend(iter);
    }
}
