//! Streams over the channels of [`crate::sync`]: [`ReceiverStream`],
//! [`UnboundedReceiverStream`], [`BroadcastStream`] and [`WatchStream`].
//!
//! The mpsc receivers have `poll_recv`, so their streams are thin. The
//! broadcast and watch receivers only have `async fn`s, which borrow the
//! receiver: their streams move the receiver into a boxed future that
//! waits and hands it back with the result, in one reused allocation
//! (see `reusable_box`).

use crate::stream::reusable_box::ReusableBoxFuture;
use crate::sync::{broadcast, mpsc, watch};
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The items of a bounded [`mpsc::Receiver`], as a stream that ends when
/// every sender is gone and the channel is drained.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{wrappers::ReceiverStream, StreamExt};
/// use runtime::sync::mpsc;
///
/// let (tx, rx) = mpsc::channel(4);
/// runtime::spawn(async move {
///     for i in 0..3 {
///         tx.send(i).await.unwrap();
///     }
/// });
/// let items: Vec<i32> = ReceiverStream::new(rx).collect().await;
/// assert_eq!(items, [0, 1, 2]);
/// # }
/// ```
#[derive(Debug)]
pub struct ReceiverStream<T> {
    inner: mpsc::Receiver<T>,
}

impl<T> ReceiverStream<T> {
    /// Wraps a receiver.
    ///
    /// ```
    /// use runtime::stream::wrappers::ReceiverStream;
    ///
    /// let (_tx, rx) = runtime::sync::mpsc::channel::<u8>(1);
    /// let stream = ReceiverStream::new(rx);
    /// # drop(stream);
    /// ```
    pub fn new(recv: mpsc::Receiver<T>) -> Self {
        ReceiverStream { inner: recv }
    }

    /// Gives back the receiver.
    ///
    /// ```
    /// use runtime::stream::wrappers::ReceiverStream;
    ///
    /// let (tx, rx) = runtime::sync::mpsc::channel(1);
    /// tx.try_send(5).unwrap();
    /// let mut rx = ReceiverStream::new(rx).into_inner();
    /// assert_eq!(rx.try_recv(), Ok(5));
    /// ```
    pub fn into_inner(self) -> mpsc::Receiver<T> {
        self.inner
    }

    /// Closes the channel to senders without dropping the receiver: what
    /// was sent is still yielded, then the stream ends.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{wrappers::ReceiverStream, StreamExt};
    ///
    /// let (tx, rx) = runtime::sync::mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// let mut stream = ReceiverStream::new(rx);
    /// stream.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(stream.next().await, Some(1));
    /// assert_eq!(stream.next().await, None);
    /// # }
    /// ```
    pub fn close(&mut self) {
        self.inner.close();
    }
}

impl<T> Stream for ReceiverStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.poll_recv(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let queued = self.inner.len();
        if self.inner.is_closed() {
            // Closed: only what is queued or held by a permit may still come.
            let used = self.inner.max_capacity() - self.inner.capacity();
            (queued, Some(used.max(queued)))
        } else {
            (queued, None)
        }
    }
}

impl<T> AsRef<mpsc::Receiver<T>> for ReceiverStream<T> {
    fn as_ref(&self) -> &mpsc::Receiver<T> {
        &self.inner
    }
}

impl<T> AsMut<mpsc::Receiver<T>> for ReceiverStream<T> {
    fn as_mut(&mut self) -> &mut mpsc::Receiver<T> {
        &mut self.inner
    }
}

impl<T> From<mpsc::Receiver<T>> for ReceiverStream<T> {
    fn from(recv: mpsc::Receiver<T>) -> Self {
        ReceiverStream::new(recv)
    }
}

/// The items of an [`mpsc::UnboundedReceiver`], as a stream that ends when
/// every sender is gone and the channel is drained.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{wrappers::UnboundedReceiverStream, StreamExt};
///
/// let (tx, rx) = runtime::sync::mpsc::unbounded_channel();
/// tx.send("a").unwrap();
/// tx.send("b").unwrap();
/// drop(tx);
/// let items: Vec<_> = UnboundedReceiverStream::new(rx).collect().await;
/// assert_eq!(items, ["a", "b"]);
/// # }
/// ```
#[derive(Debug)]
pub struct UnboundedReceiverStream<T> {
    inner: mpsc::UnboundedReceiver<T>,
}

impl<T> UnboundedReceiverStream<T> {
    /// Wraps a receiver.
    ///
    /// ```
    /// use runtime::stream::wrappers::UnboundedReceiverStream;
    ///
    /// let (_tx, rx) = runtime::sync::mpsc::unbounded_channel::<u8>();
    /// let stream = UnboundedReceiverStream::new(rx);
    /// # drop(stream);
    /// ```
    pub fn new(recv: mpsc::UnboundedReceiver<T>) -> Self {
        UnboundedReceiverStream { inner: recv }
    }

    /// Gives back the receiver.
    ///
    /// ```
    /// use runtime::stream::wrappers::UnboundedReceiverStream;
    ///
    /// let (tx, rx) = runtime::sync::mpsc::unbounded_channel();
    /// tx.send(5).unwrap();
    /// let mut rx = UnboundedReceiverStream::new(rx).into_inner();
    /// assert_eq!(rx.try_recv(), Ok(5));
    /// ```
    pub fn into_inner(self) -> mpsc::UnboundedReceiver<T> {
        self.inner
    }

    /// Closes the channel to senders without dropping the receiver: what
    /// was sent is still yielded, then the stream ends.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{wrappers::UnboundedReceiverStream, StreamExt};
    ///
    /// let (tx, rx) = runtime::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// let mut stream = UnboundedReceiverStream::new(rx);
    /// stream.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(stream.next().await, Some(1));
    /// assert_eq!(stream.next().await, None);
    /// # }
    /// ```
    pub fn close(&mut self) {
        self.inner.close();
    }
}

impl<T> Stream for UnboundedReceiverStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.poll_recv(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let queued = self.inner.len();
        if self.inner.is_closed() {
            (queued, Some(queued))
        } else {
            (queued, None)
        }
    }
}

impl<T> AsRef<mpsc::UnboundedReceiver<T>> for UnboundedReceiverStream<T> {
    fn as_ref(&self) -> &mpsc::UnboundedReceiver<T> {
        &self.inner
    }
}

impl<T> AsMut<mpsc::UnboundedReceiver<T>> for UnboundedReceiverStream<T> {
    fn as_mut(&mut self) -> &mut mpsc::UnboundedReceiver<T> {
        &mut self.inner
    }
}

impl<T> From<mpsc::UnboundedReceiver<T>> for UnboundedReceiverStream<T> {
    fn from(recv: mpsc::UnboundedReceiver<T>) -> Self {
        UnboundedReceiverStream::new(recv)
    }
}

/// The error item of a [`BroadcastStream`]: the receiver fell behind and
/// this many values were lost; the stream goes on with the oldest value
/// still in the channel.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};
/// use runtime::stream::StreamExt;
///
/// let (tx, rx) = runtime::sync::broadcast::channel(1);
/// let mut stream = BroadcastStream::new(rx);
/// tx.send(1).unwrap();
/// tx.send(2).unwrap(); // overwrites 1
/// let err = stream.next().await.unwrap().unwrap_err();
/// assert_eq!(err, BroadcastStreamRecvError::Lagged(1));
/// assert_eq!(err.to_string(), "channel lagged by 1");
/// assert_eq!(stream.next().await, Some(Ok(2)));
/// # }
/// ```
#[derive(Debug, PartialEq, Eq, Clone)]
pub enum BroadcastStreamRecvError {
    /// The receiver missed this many values.
    Lagged(u64),
}

impl fmt::Display for BroadcastStreamRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BroadcastStreamRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
        }
    }
}

impl std::error::Error for BroadcastStreamRecvError {}

type BroadcastWait<T> = (
    Result<T, broadcast::error::RecvError>,
    broadcast::Receiver<T>,
);

async fn broadcast_recv<T: Clone>(mut rx: broadcast::Receiver<T>) -> BroadcastWait<T> {
    let result = rx.recv().await;
    (result, rx)
}

/// The values of a [`broadcast::Receiver`], as a stream: `Ok(value)` for
/// each, `Err(Lagged(n))` when the receiver fell behind, and the end when
/// every sender is gone and the receiver has read everything.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{wrappers::BroadcastStream, StreamExt};
///
/// let (tx, rx) = runtime::sync::broadcast::channel(8);
/// let stream = BroadcastStream::new(rx);
/// tx.send("x").unwrap();
/// drop(tx);
/// let items: Vec<_> = stream.collect().await;
/// assert_eq!(items, [Ok("x")]);
/// # }
/// ```
pub struct BroadcastStream<T> {
    inner: ReusableBoxFuture<BroadcastWait<T>>,
}

impl<T: 'static + Clone + Send> BroadcastStream<T> {
    /// Wraps a receiver; values are read from where it stands.
    ///
    /// ```
    /// use runtime::stream::wrappers::BroadcastStream;
    ///
    /// let (_tx, rx) = runtime::sync::broadcast::channel::<u8>(4);
    /// let stream = BroadcastStream::new(rx);
    /// # drop(stream);
    /// ```
    pub fn new(rx: broadcast::Receiver<T>) -> Self {
        BroadcastStream {
            inner: ReusableBoxFuture::new(broadcast_recv(rx)),
        }
    }
}

impl<T: 'static + Clone + Send> Stream for BroadcastStream<T> {
    type Item = Result<T, BroadcastStreamRecvError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (result, rx) = ready!(self.inner.poll(cx));
        self.inner.set(broadcast_recv(rx));
        match result {
            Ok(value) => Poll::Ready(Some(Ok(value))),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                Poll::Ready(Some(Err(BroadcastStreamRecvError::Lagged(n))))
            }
            Err(broadcast::error::RecvError::Closed) => Poll::Ready(None),
        }
    }
}

impl<T> fmt::Debug for BroadcastStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BroadcastStream").finish_non_exhaustive()
    }
}

impl<T: 'static + Clone + Send> From<broadcast::Receiver<T>> for BroadcastStream<T> {
    fn from(rx: broadcast::Receiver<T>) -> Self {
        BroadcastStream::new(rx)
    }
}

type WatchWait<T> = (Result<(), watch::error::RecvError>, watch::Receiver<T>);

async fn watch_changed<T>(mut rx: watch::Receiver<T>) -> WatchWait<T> {
    let result = rx.changed().await;
    (result, rx)
}

/// The values of a [`watch::Receiver`], as a stream: a clone of the value
/// each time it changes (several changes between two polls give one item,
/// the latest value), ending when the sender is gone.
///
/// [`new`](WatchStream::new) yields the current value first;
/// [`from_changes`](WatchStream::from_changes) only the changes to come.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{wrappers::WatchStream, StreamExt};
///
/// let (tx, rx) = runtime::sync::watch::channel("start");
/// let mut stream = WatchStream::new(rx);
/// assert_eq!(stream.next().await, Some("start"));
/// tx.send("a").unwrap();
/// tx.send("b").unwrap();
/// assert_eq!(stream.next().await, Some("b")); // only the latest
/// drop(tx);
/// assert_eq!(stream.next().await, None);
/// # }
/// ```
pub struct WatchStream<T> {
    inner: ReusableBoxFuture<WatchWait<T>>,
}

impl<T: 'static + Clone + Send + Sync> WatchStream<T> {
    /// A stream that yields the current value at once, then each change.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::{wrappers::WatchStream, StreamExt};
    ///
    /// let (_tx, rx) = runtime::sync::watch::channel(1);
    /// let mut stream = WatchStream::new(rx);
    /// assert_eq!(stream.next().await, Some(1));
    /// # }
    /// ```
    pub fn new(rx: watch::Receiver<T>) -> Self {
        WatchStream {
            inner: ReusableBoxFuture::new(async move { (Ok(()), rx) }),
        }
    }

    /// A stream of the changes made after the receiver last saw the value
    /// (not the current value, if the receiver has seen it).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::stream::{wrappers::WatchStream, StreamExt};
    /// use runtime::time::{timeout, Duration};
    ///
    /// let (tx, rx) = runtime::sync::watch::channel(1);
    /// let mut stream = WatchStream::from_changes(rx);
    /// assert!(timeout(Duration::from_secs(1), stream.next()).await.is_err());
    /// tx.send(2).unwrap();
    /// assert_eq!(stream.next().await, Some(2));
    /// # }
    /// ```
    pub fn from_changes(rx: watch::Receiver<T>) -> Self {
        WatchStream {
            inner: ReusableBoxFuture::new(watch_changed(rx)),
        }
    }
}

impl<T: 'static + Clone + Send + Sync> Stream for WatchStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (result, mut rx) = ready!(self.inner.poll(cx));
        let item = match result {
            Ok(()) => Some((*rx.borrow_and_update()).clone()),
            Err(_) => None,
        };
        self.inner.set(watch_changed(rx));
        Poll::Ready(item)
    }
}

impl<T> fmt::Debug for WatchStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WatchStream").finish_non_exhaustive()
    }
}

impl<T: 'static + Clone + Send + Sync> From<watch::Receiver<T>> for WatchStream<T> {
    fn from(rx: watch::Receiver<T>) -> Self {
        WatchStream::new(rx)
    }
}
