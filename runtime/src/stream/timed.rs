//! The adapters on the runtime's timer: [`Timeout`], [`TimeoutRepeating`],
//! [`Throttle`] and [`ChunksTimeout`], and their error, [`Elapsed`].
//!
//! Each holds a [`Sleep`](crate::time::Sleep) (or an
//! [`Interval`](crate::time::Interval)) created when the adapter is, so, as
//! any timer, they must be created inside a runtime; with paused time they
//! follow the paused clock.

use super::combine::Fuse;
use crate::time::{sleep_until, Duration, Instant, Interval, Sleep};
use futures_core::Stream;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The error item of [`StreamExt::timeout`](super::StreamExt::timeout) and
/// [`StreamExt::timeout_repeating`](super::StreamExt::timeout_repeating):
/// no item came within the time allowed. It converts into an
/// `io::Error` of kind `TimedOut`.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::stream::{self, Elapsed, StreamExt};
/// use runtime::time::Duration;
///
/// let mut silent = std::pin::pin!(stream::pending::<()>().timeout(Duration::from_secs(1)));
/// let err: Elapsed = silent.next().await.unwrap().unwrap_err();
/// assert_eq!(err.to_string(), "deadline has elapsed");
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// # }
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(_: Elapsed) -> std::io::Error {
        std::io::ErrorKind::TimedOut.into()
    }
}

/// The stream of [`StreamExt::timeout`](super::StreamExt::timeout): the
/// items as `Ok`, and one `Err(Elapsed)` each time the time allowed since
/// the adapter was created, or since the last item, runs out. The inner
/// stream keeps being polled after an error.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
/// use runtime::time::{sleep, Duration};
///
/// let late = stream::once(()).then(|_| async {
///     sleep(Duration::from_secs(2)).await;
///     "late"
/// });
/// let mut items = std::pin::pin!(late.timeout(Duration::from_secs(1)));
/// assert!(items.next().await.unwrap().is_err()); // after 1 s
/// assert_eq!(items.next().await.unwrap(), Ok("late")); // after 2 s
/// assert_eq!(items.next().await, None);
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Timeout<St> {
    stream: Fuse<St>,
    deadline: Sleep,
    duration: Duration,
    /// Whether the current deadline has yet to produce its error.
    armed: bool,
}

pin_fields!(impl[St] Timeout<St> {
    pinned: stream: Fuse<St>;
    plain: deadline: Sleep, duration: Duration, armed: bool
});

impl<St: Stream> Timeout<St> {
    pub(super) fn new(stream: St, duration: Duration) -> Self {
        Timeout {
            stream: Fuse::new(stream),
            deadline: sleep_until(Instant::now() + duration),
            duration,
            armed: true,
        }
    }
}

impl<St: Stream> Stream for Timeout<St> {
    type Item = Result<St::Item, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (stream, deadline, duration, armed) = self.project();
        if let Poll::Ready(item) = stream.poll_next(cx) {
            if item.is_some() {
                Pin::new(&mut *deadline).reset(Instant::now() + *duration);
                *armed = true;
            }
            return Poll::Ready(item.map(Ok));
        }
        if *armed {
            ready!(Pin::new(deadline).poll(cx));
            *armed = false;
            return Poll::Ready(Some(Err(Elapsed(()))));
        }
        Poll::Pending
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // At most one error before each item and one after the last.
        let (lower, upper) = self.stream.size_hint();
        let upper = upper.and_then(|n| n.checked_mul(2)?.checked_add(1));
        (lower, upper)
    }
}

/// The stream of
/// [`StreamExt::timeout_repeating`](super::StreamExt::timeout_repeating):
/// the items as `Ok`, and an `Err(Elapsed)` at every tick of the interval
/// that passes without an item. Each item resets the interval.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
/// use runtime::time::{interval, Duration};
///
/// let mut interval = interval(Duration::from_secs(1));
/// interval.tick().await; // the first tick is immediate
/// let silent = stream::pending::<u8>().timeout_repeating(interval);
/// let mut items = std::pin::pin!(silent);
/// assert!(items.next().await.unwrap().is_err());
/// assert!(items.next().await.unwrap().is_err()); // and again
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct TimeoutRepeating<St> {
    stream: Fuse<St>,
    interval: Interval,
}

pin_fields!(impl[St] TimeoutRepeating<St> {
    pinned: stream: Fuse<St>;
    plain: interval: Interval
});

impl<St: Stream> TimeoutRepeating<St> {
    pub(super) fn new(stream: St, interval: Interval) -> Self {
        TimeoutRepeating {
            stream: Fuse::new(stream),
            interval,
        }
    }
}

impl<St: Stream> Stream for TimeoutRepeating<St> {
    type Item = Result<St::Item, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (stream, interval) = self.project();
        if let Poll::Ready(item) = stream.poll_next(cx) {
            if item.is_some() {
                interval.reset();
            }
            return Poll::Ready(item.map(Ok));
        }
        ready!(interval.poll_tick(cx));
        Poll::Ready(Some(Err(Elapsed(()))))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Errors can come without end.
        (self.stream.size_hint().0, None)
    }
}

/// The stream of [`StreamExt::throttle`](super::StreamExt::throttle): the
/// items, at least `duration` apart: the first one as soon as it comes,
/// each next one (and the end of the stream) no sooner than `duration`
/// after the previous. A zero duration passes items straight through.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
/// use runtime::time::{Duration, Instant};
///
/// let start = Instant::now();
/// let mut items = std::pin::pin!(stream::iter([1, 2]).throttle(Duration::from_secs(1)));
/// assert_eq!(items.next().await, Some(1));
/// assert_eq!(start.elapsed(), Duration::ZERO);
/// assert_eq!(items.next().await, Some(2));
/// assert_eq!(start.elapsed(), Duration::from_secs(1));
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Throttle<St> {
    stream: St,
    delay: Sleep,
    duration: Duration,
    /// Whether `delay` has fired since the last item.
    waited: bool,
}

pin_fields!(impl[St] Throttle<St> {
    pinned: stream: St;
    plain: delay: Sleep, duration: Duration, waited: bool
});

impl<St> Throttle<St> {
    pub(super) fn new(stream: St, duration: Duration) -> Self {
        Throttle {
            stream,
            delay: sleep_until(Instant::now() + duration),
            duration,
            // The first item does not wait.
            waited: true,
        }
    }

    /// The throttled stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, Stream, StreamExt};
    /// use runtime::time::Duration;
    ///
    /// let throttled = stream::iter([1, 2, 3]).throttle(Duration::from_millis(1));
    /// assert_eq!(throttled.get_ref().size_hint(), (3, Some(3)));
    /// # }
    /// ```
    pub fn get_ref(&self) -> &St {
        &self.stream
    }

    /// The throttled stream, mutably; items taken from it directly are not
    /// delayed.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    /// use runtime::time::Duration;
    ///
    /// let mut throttled = stream::iter([1, 2, 3]).throttle(Duration::from_secs(60));
    /// assert_eq!(throttled.get_mut().next().await, Some(1));
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut St {
        &mut self.stream
    }

    /// Gives back the throttled stream.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    /// use runtime::time::Duration;
    ///
    /// let throttled = stream::iter([1, 2, 3]).throttle(Duration::from_secs(60));
    /// assert_eq!(throttled.into_inner().collect::<Vec<_>>().await, [1, 2, 3]);
    /// # }
    /// ```
    pub fn into_inner(self) -> St {
        self.stream
    }
}

impl<St: Stream> Stream for Throttle<St> {
    type Item = St::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<St::Item>> {
        let (stream, delay, duration, waited) = self.project();
        let throttled = !duration.is_zero();
        if throttled && !*waited {
            ready!(Pin::new(&mut *delay).poll(cx));
            *waited = true;
        }
        let item = ready!(stream.poll_next(cx));
        if item.is_some() {
            if throttled {
                Pin::new(delay).reset(Instant::now() + *duration);
            }
            *waited = false;
        }
        Poll::Ready(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stream.size_hint()
    }
}

/// The stream of [`StreamExt::chunks_timeout`](super::StreamExt::chunks_timeout):
/// the items in batches, each sent when it holds `max_size` items, when
/// `duration` has passed since its first item came, or when the stream
/// ends. Batches are never empty.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::stream::{self, StreamExt};
/// use runtime::time::{sleep, Duration};
///
/// let slow_tail = stream::once(4).then(|x| async move {
///     sleep(Duration::from_secs(5)).await;
///     x
/// });
/// let chunks = stream::iter([1, 2, 3]).chain(slow_tail).chunks_timeout(2, Duration::from_secs(1));
/// let mut chunks = std::pin::pin!(chunks);
/// assert_eq!(chunks.next().await, Some(vec![1, 2])); // full
/// assert_eq!(chunks.next().await, Some(vec![3])); // after 1 s
/// assert_eq!(chunks.next().await, Some(vec![4])); // end of stream
/// assert_eq!(chunks.next().await, None);
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct ChunksTimeout<St: Stream> {
    stream: Fuse<St>,
    /// Armed when the first item of a batch arrives.
    deadline: Option<Sleep>,
    duration: Duration,
    items: Vec<St::Item>,
    max_size: usize,
}

pin_fields!(impl[St: Stream] ChunksTimeout<St> {
    pinned: stream: Fuse<St>;
    plain: deadline: Option<Sleep>, duration: Duration, items: Vec<St::Item>, max_size: usize
});

impl<St: Stream> ChunksTimeout<St> {
    pub(super) fn new(stream: St, max_size: usize, duration: Duration) -> Self {
        ChunksTimeout {
            stream: Fuse::new(stream),
            deadline: None,
            duration,
            items: Vec::with_capacity(max_size),
            max_size,
        }
    }

    /// Takes the items of the batch being gathered, which would otherwise
    /// be lost with the adapter (when giving up on it before its stream
    /// ends).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::stream::{self, StreamExt};
    /// use runtime::time::{timeout, Duration};
    ///
    /// let items = stream::iter([1, 2]).chain(stream::pending());
    /// let mut chunks = std::pin::pin!(items.chunks_timeout(10, Duration::from_secs(60)));
    /// assert!(timeout(Duration::from_secs(1), chunks.next()).await.is_err());
    /// assert_eq!(chunks.as_mut().into_remainder(), [1, 2]);
    /// # }
    /// ```
    pub fn into_remainder(self: Pin<&mut Self>) -> Vec<St::Item> {
        let (_, deadline, _, items, _) = self.project();
        *deadline = None;
        std::mem::take(items)
    }
}

impl<St: Stream> Stream for ChunksTimeout<St> {
    type Item = Vec<St::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (mut stream, deadline, duration, items, max_size) = self.project();
        loop {
            match stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    if items.is_empty() {
                        *deadline = Some(sleep_until(Instant::now() + *duration));
                        items.reserve_exact(*max_size);
                    }
                    items.push(item);
                    if items.len() >= *max_size {
                        *deadline = None;
                        return Poll::Ready(Some(std::mem::take(items)));
                    }
                }
                // The stream is fused: after the last batch, `None` for good.
                Poll::Ready(None) => {
                    *deadline = None;
                    let last = (!items.is_empty()).then(|| std::mem::take(items));
                    return Poll::Ready(last);
                }
                Poll::Pending => break,
            }
        }
        if items.is_empty() {
            return Poll::Pending;
        }
        if let Some(sleep) = deadline.as_mut() {
            ready!(Pin::new(sleep).poll(cx));
        }
        *deadline = None;
        Poll::Ready(Some(std::mem::take(items)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let partial = usize::from(!self.items.is_empty());
        let (lower, upper) = self.stream.size_hint();
        (
            (lower / self.max_size).saturating_add(partial),
            upper.and_then(|n| n.checked_add(partial)),
        )
    }
}
