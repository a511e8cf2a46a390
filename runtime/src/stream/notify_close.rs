//! [`StreamNotifyClose`]: a stream that says when it ends.

use futures_core::Stream;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Wraps a stream so that its items come as `Some(item)` and its end as one
/// last `None` item before the wrapper itself ends. In a
/// [`StreamMap`](super::StreamMap), which drops ended streams silently, this
/// tells which key ended.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt, StreamMap, StreamNotifyClose};
///
/// let mut map = StreamMap::new();
/// map.insert("one", StreamNotifyClose::new(stream::once(1)));
/// assert_eq!(map.next().await, Some(("one", Some(1))));
/// assert_eq!(map.next().await, Some(("one", None))); // "one" ended
/// assert_eq!(map.next().await, None);
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct StreamNotifyClose<St> {
    /// `None` once the stream has ended.
    inner: Option<St>,
}

pin_fields!(impl[St] StreamNotifyClose<St> { pinned: inner: Option<St>; plain: });

impl<St> StreamNotifyClose<St> {
    /// Wraps `stream`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt, StreamNotifyClose};
    ///
    /// let items: Vec<_> = StreamNotifyClose::new(stream::iter([1, 2])).collect().await;
    /// assert_eq!(items, [Some(1), Some(2), None]);
    /// # }
    /// ```
    pub fn new(stream: St) -> Self {
        StreamNotifyClose {
            inner: Some(stream),
        }
    }

    /// Gives back the stream, or `None` if it has ended.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt, StreamNotifyClose};
    ///
    /// let mut wrapped = StreamNotifyClose::new(stream::empty::<()>());
    /// assert_eq!(wrapped.next().await, Some(None));
    /// assert!(wrapped.into_inner().is_none());
    /// # }
    /// ```
    pub fn into_inner(self) -> Option<St> {
        self.inner
    }
}

impl<St: Stream> Stream for StreamNotifyClose<St> {
    type Item = Option<St::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (mut inner,) = self.project();
        let Some(stream) = inner.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        match ready!(stream.poll_next(cx)) {
            Some(item) => Poll::Ready(Some(Some(item))),
            None => {
                inner.set(None);
                Poll::Ready(Some(None))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            // The end-of-stream item comes on top of the stream's own.
            Some(stream) => {
                let (lower, upper) = stream.size_hint();
                (
                    lower.saturating_add(1),
                    upper.and_then(|n| n.checked_add(1)),
                )
            }
            None => (0, Some(0)),
        }
    }
}
