//! [`StreamExt::collect`](super::StreamExt::collect) and the collections it
//! can build ([`FromStream`]).
//!
//! `FromStream` is sealed, as in tokio-stream: the collection is built in
//! three steps (start with the stream's size hint, push each item, finish)
//! through a private trait, so the set of targets can grow without breaking
//! anyone. `Result<C, E>` stops at the first error and returns it.

use futures_core::Stream;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A collection [`StreamExt::collect`](super::StreamExt::collect) can build
/// from a stream of `T`: `Vec`, `VecDeque`, `LinkedList`, `BinaryHeap`,
/// `Box<[T]>`, the four map and set types, `String` (from items that are
/// `AsRef<str>`), `()`, and `Result<C, E>` for any of these (from a stream
/// of `Result<T, E>`, stopping at the first error). Sealed: it cannot be
/// implemented outside this crate.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
/// use std::collections::BTreeSet;
///
/// let set: BTreeSet<_> = stream::iter([3, 1, 3]).collect().await;
/// assert_eq!(set.into_iter().collect::<Vec<_>>(), [1, 3]);
/// let text: String = stream::iter(["ab", "cd"]).collect().await;
/// assert_eq!(text, "abcd");
/// let failed: Result<Vec<u8>, &str> = stream::iter([Ok(1), Err("bad"), Ok(2)]).collect().await;
/// assert_eq!(failed, Err("bad"));
/// # }
/// ```
pub trait FromStream<T>: sealed::FromStreamPriv<T> {}

pub(crate) mod sealed {
    /// How a [`FromStream`](super::FromStream) collection is built.
    pub trait FromStreamPriv<T>: Sized {
        /// The collection while it is being built.
        type Buffer;

        /// An empty buffer for about `lower` items.
        fn start(lower: usize) -> Self::Buffer;

        /// Adds an item; `false` to stop reading the stream.
        fn push(buffer: &mut Self::Buffer, item: T) -> bool;

        /// The finished collection.
        fn finish(buffer: Self::Buffer) -> Self;
    }
}

/// Collections that are their own buffer and grow through `Extend`.
macro_rules! from_stream_by_extend {
    ($([$($gen:tt)*] $item:ty => $coll:ty, $start:expr;)*) => {$(
        impl<$($gen)*> FromStream<$item> for $coll {}

        impl<$($gen)*> sealed::FromStreamPriv<$item> for $coll {
            type Buffer = Self;

            fn start(lower: usize) -> Self {
                let start: fn(usize) -> Self = $start;
                start(lower)
            }

            fn push(buffer: &mut Self, item: $item) -> bool {
                buffer.extend(Some(item));
                true
            }

            fn finish(buffer: Self) -> Self {
                buffer
            }
        }
    )*};
}

from_stream_by_extend! {
    [T] T => Vec<T>, Vec::with_capacity;
    [T] T => VecDeque<T>, VecDeque::with_capacity;
    [T] T => LinkedList<T>, |_| LinkedList::new();
    [T: Ord] T => BinaryHeap<T>, BinaryHeap::with_capacity;
    [T: Ord] T => BTreeSet<T>, |_| BTreeSet::new();
    [K: Ord, V] (K, V) => BTreeMap<K, V>, |_| BTreeMap::new();
    [T: Eq + Hash] T => HashSet<T>, HashSet::with_capacity;
    [K: Eq + Hash, V] (K, V) => HashMap<K, V>, HashMap::with_capacity;
    [] () => (), |_| ();
}

impl<T: AsRef<str>> FromStream<T> for String {}

impl<T: AsRef<str>> sealed::FromStreamPriv<T> for String {
    type Buffer = String;

    fn start(_lower: usize) -> String {
        String::new()
    }

    fn push(buffer: &mut String, item: T) -> bool {
        buffer.push_str(item.as_ref());
        true
    }

    fn finish(buffer: String) -> String {
        buffer
    }
}

impl<T> FromStream<T> for Box<[T]> {}

impl<T> sealed::FromStreamPriv<T> for Box<[T]> {
    type Buffer = Vec<T>;

    fn start(lower: usize) -> Vec<T> {
        Vec::with_capacity(lower)
    }

    fn push(buffer: &mut Vec<T>, item: T) -> bool {
        buffer.push(item);
        true
    }

    fn finish(buffer: Vec<T>) -> Box<[T]> {
        buffer.into_boxed_slice()
    }
}

impl<T, U: FromStream<T>, E> FromStream<Result<T, E>> for Result<U, E> {}

impl<T, U: FromStream<T>, E> sealed::FromStreamPriv<Result<T, E>> for Result<U, E> {
    /// The first error replaces the inner buffer.
    type Buffer = Result<U::Buffer, E>;

    fn start(lower: usize) -> Self::Buffer {
        Ok(U::start(lower))
    }

    fn push(buffer: &mut Self::Buffer, item: Result<T, E>) -> bool {
        match (buffer.as_mut(), item) {
            (Ok(inner), Ok(item)) => U::push(inner, item),
            (_, Err(err)) => {
                *buffer = Err(err);
                false
            }
            // `push` returned `false` for the error: the stream was not
            // polled again.
            (Err(_), Ok(_)) => false,
        }
    }

    fn finish(buffer: Self::Buffer) -> Self {
        buffer.map(U::finish)
    }
}

/// The future of [`StreamExt::collect`](super::StreamExt::collect).
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Collect<St, U, C> {
    stream: St,
    /// `None` only after the future has completed.
    buffer: Option<C>,
    _output: PhantomData<fn() -> U>,
}

pin_fields!(impl[St, U, C] Collect<St, U, C> {
    pinned: stream: St;
    plain: buffer: Option<C>, _output: PhantomData<fn() -> U>
});

impl<St, U, C> std::fmt::Debug for Collect<St, U, C>
where
    St: std::fmt::Debug,
    C: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collect")
            .field("stream", &self.stream)
            .field("buffer", &self.buffer)
            .finish()
    }
}

impl<St, U> Collect<St, U, U::Buffer>
where
    St: Stream,
    U: FromStream<St::Item>,
{
    pub(super) fn new(stream: St) -> Self {
        let buffer = U::start(stream.size_hint().0);
        Collect {
            stream,
            buffer: Some(buffer),
            _output: PhantomData,
        }
    }
}

impl<St, U> Future for Collect<St, U, U::Buffer>
where
    St: Stream,
    U: FromStream<St::Item>,
{
    type Output = U;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<U> {
        let (mut stream, buffer, _) = self.project();
        loop {
            let slot = buffer.as_mut().expect("Collect polled after it completed");
            let more = match ready!(stream.as_mut().poll_next(cx)) {
                Some(item) => U::push(slot, item),
                None => false,
            };
            if !more {
                return Poll::Ready(U::finish(buffer.take().expect("buffer present")));
            }
        }
    }
}
