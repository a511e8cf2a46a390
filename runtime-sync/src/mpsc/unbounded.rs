//! The unbounded channel: sending never waits.

use super::chan::{self, Rx, TryRecv, Tx, WeakTx};
use super::error::{SendError, TryRecvError};
use super::semaphore::UnboundedSemaphore;
use crate::chan_util::block_on;
use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

/// Creates an unbounded channel: [`UnboundedSender::send`] is synchronous and
/// never waits, so the queue grows as long as the receiver lags.
///
/// ```
/// use runtime::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// tx.send("a").unwrap();
/// drop(tx);
/// assert_eq!(rx.try_recv(), Ok("a"));
/// assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let (tx, rx) = chan::channel(UnboundedSemaphore::new());
    (UnboundedSender { chan: tx }, UnboundedReceiver { chan: rx })
}

/// Sends values to the paired [`UnboundedReceiver`]. Cloneable; the channel
/// closes when the last one is dropped.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main]
/// async fn main() {
///     let (tx, mut rx) = mpsc::unbounded_channel();
///     let handles: Vec<_> = (1..=3)
///         .map(|i| {
///             let tx = tx.clone();
///             runtime::spawn(async move { tx.send(i).unwrap() })
///         })
///         .collect();
///     drop(tx);
///     for h in handles {
///         h.await.unwrap();
///     }
///     let mut total = 0;
///     while let Some(i) = rx.recv().await {
///         total += i;
///     }
///     assert_eq!(total, 6);
/// }
/// ```
pub struct UnboundedSender<T> {
    chan: Tx<T, UnboundedSemaphore>,
}

/// An unbounded sender that does not keep the channel open.
///
/// ```
/// use runtime::sync::mpsc;
///
/// let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
/// let weak = tx.downgrade();
/// drop(tx);
/// assert!(weak.upgrade().is_none()); // the channel closed with `tx`
/// assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
/// ```
pub struct WeakUnboundedSender<T> {
    chan: WeakTx<T, UnboundedSemaphore>,
}

/// Receives values from the [`UnboundedSender`]s.
///
/// ```
/// use runtime::sync::mpsc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = mpsc::unbounded_channel();
///     tx.send("ping").unwrap();
///     drop(tx);
///     assert_eq!(rx.recv().await, Some("ping"));
///     assert_eq!(rx.recv().await, None);
/// }
/// ```
pub struct UnboundedReceiver<T> {
    chan: Rx<T, UnboundedSemaphore>,
}

impl<T> UnboundedSender<T> {
    /// Queues `value` without waiting. `Err(SendError(value))` if the receiver
    /// was dropped or [closed](UnboundedReceiver::close).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel();
    /// for i in 0..1000 {
    ///     tx.send(i).unwrap(); // never waits
    /// }
    /// assert_eq!(rx.len(), 1000);
    /// drop(rx);
    /// assert_eq!(tx.send(0).unwrap_err().0, 0); // the value comes back
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.chan.semaphore().try_acquire() {
            Ok(()) => {
                self.chan.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// True if the receiver was dropped or [closed](UnboundedReceiver::close).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    /// assert!(!tx.is_closed());
    /// rx.close();
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Waits until the receiver is dropped or closed.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it only observes the closed state, which
    /// is permanent, and a dropped future removes its waker; once closed,
    /// every call returns at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, rx) = mpsc::unbounded_channel::<u8>();
    ///     let producer = runtime::spawn(async move {
    ///         tx.closed().await; // stop producing once nobody listens
    ///         tx.send(1).is_err()
    ///     });
    ///     drop(rx);
    ///     assert!(producer.await.unwrap());
    /// }
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// A [`WeakUnboundedSender`] for this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// let weak = tx.downgrade();
    /// weak.upgrade().unwrap().send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        WeakUnboundedSender {
            chan: self.chan.downgrade(),
        }
    }

    /// True if both senders belong to the same channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (a, _rx) = mpsc::unbounded_channel::<u8>();
    /// let (b, _rx2) = mpsc::unbounded_channel::<u8>();
    /// assert!(a.same_channel(&a.clone()));
    /// assert!(!a.same_channel(&b));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// The number of `UnboundedSender`s of this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.strong_count(), 2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s of this channel.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> WeakUnboundedSender<T> {
    /// An [`UnboundedSender`], if any strong sender still exists.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.upgrade().map(|chan| UnboundedSender { chan })
    }

    /// The number of strong senders.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.strong_count(), 1);
    /// drop(tx);
    /// assert_eq!(weak.strong_count(), 0);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of weak senders.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::unbounded_channel::<u8>();
    /// let weak = tx.downgrade();
    /// assert_eq!(weak.clone().weak_count(), 2);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        WeakUnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> UnboundedReceiver<T> {
    /// Receives the next value, waiting if the channel is empty; `None` once
    /// every sender is gone (or [`close`](UnboundedReceiver::close) was
    /// called) and the queue is drained.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: a message is popped from the queue only in
    /// the poll that returns it, so if the future is dropped before
    /// completing, no message was taken, and the next `recv` gets it.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::unbounded_channel();
    ///     runtime::spawn(async move { tx.send(5).unwrap() });
    ///     assert_eq!(rx.recv().await, Some(5));
    ///     assert_eq!(rx.recv().await, None);
    /// }
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.poll_recv(cx)).await
    }

    /// Appends up to `limit` values to `buffer`, waiting if none is queued;
    /// returns how many were added (0 at once if `limit` is 0, otherwise only
    /// when closed and drained).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: messages are moved into `buffer` only in
    /// the poll that returns `Ready`, so a dropped future took none.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = mpsc::unbounded_channel();
    ///     tx.send('a').unwrap();
    ///     tx.send('b').unwrap();
    ///     let mut buf = Vec::with_capacity(8);
    ///     assert_eq!(rx.recv_many(&mut buf, 8).await, 2);
    ///     assert_eq!(buf, ['a', 'b']);
    /// }
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, buffer, limit)).await
    }

    /// Receives a value if one is queued; `Err(Disconnected)` once closed and
    /// drained. As for the bounded [`Receiver::try_recv`], a completed `send`
    /// is never reported missing.
    ///
    /// [`Receiver::try_recv`]: super::Receiver::try_recv
    ///
    /// ```
    /// use runtime::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.chan.try_recv() {
            TryRecv::Value(v) => Ok(v),
            TryRecv::Empty => Err(TryRecvError::Empty),
            TryRecv::Done => Err(TryRecvError::Disconnected),
        }
    }

    /// Receives from synchronous code, blocking the thread while the channel
    /// is empty. Inside an async task it blocks the worker thread.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// std::thread::spawn(move || tx.send("from a thread").unwrap());
    /// assert_eq!(rx.blocking_recv(), Some("from a thread"));
    /// assert_eq!(rx.blocking_recv(), None);
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        block_on(self.recv())
    }

    /// Closes the channel without dropping the receiver: later sends fail;
    /// queued values can still be received.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Polls for the next value; see [`recv`](UnboundedReceiver::recv). Only
    /// the waker of the latest call is woken.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(rx.poll_recv(&mut cx).is_pending());
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(2)));
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx)
    }

    /// Polls for up to `limit` values; see
    /// [`recv_many`](UnboundedReceiver::recv_many).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// (0..3).for_each(|i| tx.send(i).unwrap());
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.poll_recv_many(&mut cx, &mut buf, 2), Poll::Ready(2));
    /// assert_eq!(buf, [0, 1]);
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.poll_recv_many(cx, buffer, limit)
    }

    /// Queued messages (including ones a sender is writing right now).
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel();
    /// tx.send(()).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// True if no message is queued.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel();
    /// assert!(rx.is_empty());
    /// tx.send(()).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if the receiver closed or every sender is gone.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel::<u8>();
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// The number of [`UnboundedSender`]s.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel::<u8>();
    /// drop(tx.clone());
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s.
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::unbounded_channel::<u8>();
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakUnboundedSender")
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver")
            .field("len", &self.len())
            .finish()
    }
}
