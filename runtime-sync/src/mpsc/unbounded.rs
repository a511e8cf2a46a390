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
/// use runtime_sync::mpsc;
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
pub struct UnboundedSender<T> {
    chan: Tx<T, UnboundedSemaphore>,
}

/// An unbounded sender that does not keep the channel open.
pub struct WeakUnboundedSender<T> {
    chan: WeakTx<T, UnboundedSemaphore>,
}

/// Receives values from the [`UnboundedSender`]s.
pub struct UnboundedReceiver<T> {
    chan: Rx<T, UnboundedSemaphore>,
}

impl<T> UnboundedSender<T> {
    /// Queues `value` without waiting. `Err(SendError(value))` if the receiver
    /// was dropped or [closed](UnboundedReceiver::close).
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
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Waits until the receiver is dropped or closed.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe; once closed, every call returns at once.
    pub async fn closed(&self) {
        self.chan.closed().await
    }

    /// A [`WeakUnboundedSender`] for this channel.
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        WeakUnboundedSender {
            chan: self.chan.downgrade(),
        }
    }

    /// True if both senders belong to the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// The number of `UnboundedSender`s of this channel.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s of this channel.
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
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        self.chan.upgrade().map(|chan| UnboundedSender { chan })
    }

    /// The number of strong senders.
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of weak senders.
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
    /// This method is cancel safe: if the future is dropped before completing,
    /// no message was taken from the channel.
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.poll_recv(cx)).await
    }

    /// Appends up to `limit` values to `buffer`, waiting if none is queued;
    /// returns how many were added (0 at once if `limit` is 0, otherwise only
    /// when closed and drained).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if the future is dropped before completing,
    /// no message was taken from the channel.
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.poll_recv_many(cx, buffer, limit)).await
    }

    /// Receives a value if one is queued; `Err(Disconnected)` once closed and
    /// drained. As for the bounded [`Receiver::try_recv`], a completed `send`
    /// is never reported missing.
    ///
    /// [`Receiver::try_recv`]: super::Receiver::try_recv
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.chan.try_recv() {
            TryRecv::Value(v) => Ok(v),
            TryRecv::Empty => Err(TryRecvError::Empty),
            TryRecv::Done => Err(TryRecvError::Disconnected),
        }
    }

    /// Receives from synchronous code, blocking the thread while the channel
    /// is empty. Inside an async task it blocks the worker thread.
    pub fn blocking_recv(&mut self) -> Option<T> {
        block_on(self.recv())
    }

    /// Closes the channel without dropping the receiver: later sends fail;
    /// queued values can still be received.
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Polls for the next value; see [`recv`](UnboundedReceiver::recv).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.poll_recv(cx)
    }

    /// Polls for up to `limit` values; see
    /// [`recv_many`](UnboundedReceiver::recv_many).
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.poll_recv_many(cx, buffer, limit)
    }

    /// Queued messages (including ones a sender is writing right now).
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// True if no message is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if the receiver closed or every sender is gone.
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// The number of [`UnboundedSender`]s.
    pub fn sender_strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// The number of [`WeakUnboundedSender`]s.
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
