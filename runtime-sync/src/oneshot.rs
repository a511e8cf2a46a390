//! A channel for sending a single value between tasks.
//!
//! [`channel`] returns a [`Sender`] and a [`Receiver`]. The sender sends at most
//! one value with [`Sender::send`] (synchronous: it never waits); the receiver
//! is a future resolving to that value, or to [`error::RecvError`] if the
//! sender was dropped without sending.
//!
//! ```
//! use runtime::sync::oneshot;
//!
//! #[runtime::main]
//! async fn main() {
//!     let (tx, rx) = oneshot::channel();
//!     runtime::spawn(async move {
//!         tx.send(6 * 7).unwrap();
//!     });
//!     assert_eq!(rx.await, Ok(42));
//! }
//! ```
//!
//! From synchronous code, [`Receiver::blocking_recv`] waits by parking the
//! thread:
//!
//! ```
//! use runtime::sync::oneshot;
//!
//! let (tx, rx) = oneshot::channel();
//! std::thread::spawn(move || tx.send(7).unwrap());
//! assert_eq!(rx.blocking_recv(), Ok(7));
//! ```
//!
//! # Design
//!
//! One allocation per channel: an `Arc`'d cell holding one atomic state word
//! and three `UnsafeCell`s — the value, the receiver's waker and the sender's
//! waker (for [`Sender::closed`]). The state word has four flags:
//!
//! - `COMPLETE`: the sender is done — it stored the value, or was dropped
//!   without one. Set at most once, and never after `CLOSED`.
//! - `CLOSED`: the receiver closed or was dropped.
//! - `RX_WAKER_SET` / `TX_WAKER_SET`: the receiver's / sender's waker cell
//!   holds a waker the other side may read.
//!
//! Who may touch each cell:
//!
//! - *value*: written by the sender only before it sets `COMPLETE` (or, when
//!   `CLOSED` stopped it from setting `COMPLETE`, taken back by the sender);
//!   read by the receiver only after it observed `COMPLETE` (acquire).
//! - *rx waker*: written by the receiver only while `RX_WAKER_SET` is clear and
//!   `COMPLETE` is not set; read by the sender only in the step that sets
//!   `COMPLETE`, and only if that step saw `RX_WAKER_SET`. After `COMPLETE`
//!   the receiver never writes it again.
//! - *tx waker*: symmetric, with `TX_WAKER_SET` and `CLOSED`.
//!
//! To replace its waker a side first clears its `*_WAKER_SET` flag with an
//! atomic RMW; if that RMW shows the other side already finished (`COMPLETE`
//! for the receiver, `CLOSED` for the sender) it leaves the cell alone — the
//! other side may be reading it — and completes instead.
//!
//! Like Tokio's, [`Receiver::blocking_recv`] panics on a thread that drives
//! a runtime: the executor marks its threads in `runtime_core::driving`.

use crate::chan_util::{block_on, UnsafeCell};
use crate::loom::{Arc, AtomicUsize, Ordering::*};
use runtime_core::coop;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// Errors returned by the oneshot channel.
pub mod error {
    use std::fmt;

    /// The sender was dropped without sending a value (returned by awaiting a
    /// [`Receiver`](super::Receiver)).
    ///
    /// ```
    /// use runtime::sync::oneshot::{self, error::RecvError};
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, rx) = oneshot::channel::<u8>();
    ///     drop(tx);
    ///     let err: RecvError = rx.await.unwrap_err();
    ///     assert_eq!(err.to_string(), "channel closed");
    /// }
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    /// Why [`Receiver::try_recv`](super::Receiver::try_recv) returned no value.
    ///
    /// ```
    /// use runtime::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TryRecvError {
        /// No value has been sent yet; one may still come.
        Empty,
        /// The sender was dropped without sending, the receiver was closed
        /// before a value arrived, or the value was already received.
        Closed,
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, TryRecvError};

const RX_WAKER_SET: usize = 0b0001;
const COMPLETE: usize = 0b0010;
const CLOSED: usize = 0b0100;
const TX_WAKER_SET: usize = 0b1000;

struct Inner<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
    rx_waker: UnsafeCell<Option<Waker>>,
    tx_waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the value is moved from the sending thread to the receiving one and
// never shared by reference, so `T: Send` suffices; wakers are `Send + Sync`.
// Concurrent access to the cells follows the protocol in the module docs.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Inner<T> {}

/// Creates a oneshot channel: a [`Sender`] for one value and the [`Receiver`]
/// that resolves to it.
///
/// ```
/// use runtime::sync::oneshot;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, rx) = oneshot::channel();
///     tx.send("done").unwrap();
///     assert_eq!(rx.await.unwrap(), "done");
/// }
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_waker: UnsafeCell::new(None),
        tx_waker: UnsafeCell::new(None),
    });
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner: Some(inner) },
    )
}

/// Sends a value to the paired [`Receiver`]. Dropping it without sending makes
/// the receiver resolve to [`RecvError`].
///
/// ```
/// use runtime::sync::oneshot;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, rx) = oneshot::channel::<u32>();
///     let worker = runtime::spawn(async move {
///         drop(tx); // gave up without an answer
///     });
///     worker.await.unwrap();
///     assert!(rx.await.is_err());
/// }
/// ```
pub struct Sender<T> {
    /// `None` only after `send` took it (then `self` is being consumed).
    inner: Option<Arc<Inner<T>>>,
}

/// Receives the value sent by the paired [`Sender`]; `.await` it.
///
/// Resolves to `Ok(value)`, or to `Err(RecvError)` if the sender was dropped
/// without sending (or the receiver was [closed](Receiver::close) first).
///
/// # Cancel safety
///
/// Awaiting `&mut rx` is cancel safe: a poll takes the value out of the
/// channel only in the same step that returns it as `Ready`, so if the await
/// is a `select!` branch that another branch wins (or a `timeout` that
/// expires), the value, sent or still to come, stays in the channel for the
/// next await or [`try_recv`](Receiver::try_recv). Awaiting `rx` by value
/// and dropping that future drops the receiver, which closes the channel.
///
/// # Examples
///
/// ```
/// use runtime::sync::oneshot;
/// use runtime::time::{timeout, Duration};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = oneshot::channel();
///     // Nothing sent yet: the timeout drops the `&mut rx` future...
///     assert!(timeout(Duration::from_millis(5), &mut rx).await.is_err());
///     tx.send(1).unwrap();
///     // ...and the receiver still gets the value.
///     assert_eq!(rx.await, Ok(1));
/// }
/// ```
pub struct Receiver<T> {
    /// `None` once the value (or the error) has been returned.
    inner: Option<Arc<Inner<T>>>,
}

impl<T> Inner<T> {
    /// Marks the sender done (a value is in the cell, or none will come) and
    /// wakes the receiver. Returns the previous state; if it has `CLOSED`,
    /// `COMPLETE` was *not* set and the value cell is still the sender's.
    fn complete(&self) -> usize {
        let mut state = self.state.load(Acquire);
        loop {
            if state & CLOSED != 0 {
                return state;
            }
            match self
                .state
                .compare_exchange_weak(state, state | COMPLETE, AcqRel, Acquire)
            {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        if state & RX_WAKER_SET != 0 {
            // SAFETY: we observed RX_WAKER_SET in the RMW that set COMPLETE, so
            // the receiver's last waker write happened-before it (release on
            // its fetch_or, acquire here), and from now on the receiver sees
            // COMPLETE in every RMW and never writes the cell again. The cell
            // is only read here (shared access), and only once: `complete`
            // runs once per channel.
            self.rx_waker.with(|w| unsafe {
                if let Some(w) = &*w {
                    w.wake_by_ref();
                }
            });
        }
        state
    }

    /// Marks the receiver closed and wakes the sender's `closed()` waiter.
    /// Returns the previous state.
    fn close(&self) -> usize {
        let prev = self.state.fetch_or(CLOSED, AcqRel);
        if prev & (TX_WAKER_SET | COMPLETE | CLOSED) == TX_WAKER_SET {
            // SAFETY: this RMW made the CLOSED transition and saw TX_WAKER_SET,
            // so the sender's waker write happened-before it; from now on every
            // sender RMW sees CLOSED and the sender never writes the cell again
            // (see `poll_closed`). Only this transition reads it, and only
            // reads.
            self.tx_waker.with(|w| unsafe {
                if let Some(w) = &*w {
                    w.wake_by_ref();
                }
            });
        }
        prev
    }

    /// Takes the value after `COMPLETE` was observed with acquire ordering.
    ///
    /// # Safety
    ///
    /// The caller is the receiver, observed `COMPLETE`, and has exclusive
    /// access to the receiver handle.
    unsafe fn take_value(&self) -> Result<T, RecvError> {
        // SAFETY: COMPLETE was observed with acquire, so the sender's write
        // happened-before; the sender never touches the value cell after
        // setting COMPLETE, and the caller is the only receiver.
        self.value
            .with_mut(|v| unsafe { (*v).take() })
            .ok_or(RecvError(()))
    }

    fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let mut state = self.state.load(Acquire);
        if state & COMPLETE != 0 {
            // SAFETY: COMPLETE observed with acquire; we are the receiver.
            return Poll::Ready(unsafe { self.take_value() });
        }
        if state & CLOSED != 0 {
            return Poll::Ready(Err(RecvError(())));
        }
        if state & RX_WAKER_SET != 0 {
            // SAFETY: a shared read. The sender may be reading the cell too
            // (if it is completing), but nobody writes it while the flag is
            // set: only the receiver writes, and only with the flag clear.
            let same = self
                .rx_waker
                .with(|w| unsafe { (*w).as_ref().is_some_and(|w| w.will_wake(cx.waker())) });
            if same {
                // If the sender completes after our load it sees the flag and
                // wakes this very waker.
                return Poll::Pending;
            }
            state = self.state.fetch_and(!RX_WAKER_SET, AcqRel);
            if state & COMPLETE != 0 {
                // The sender may be reading our waker right now: leave it.
                // SAFETY: COMPLETE observed by an acquire RMW; we are the
                // receiver.
                return Poll::Ready(unsafe { self.take_value() });
            }
        }
        // SAFETY: RX_WAKER_SET is clear and COMPLETE was not set when we
        // cleared it (or when we loaded the state), so the sender's completing
        // RMW either precedes ours (impossible: we saw no COMPLETE) or follows
        // and will see the flag clear unless our fetch_or below set it, which
        // happens after this write (release).
        self.rx_waker
            .with_mut(|w| unsafe { *w = Some(cx.waker().clone()) });
        state = self.state.fetch_or(RX_WAKER_SET, AcqRel);
        if state & COMPLETE != 0 {
            // SAFETY: COMPLETE observed by an acquire RMW; we are the receiver.
            return Poll::Ready(unsafe { self.take_value() });
        }
        if state & CLOSED != 0 {
            return Poll::Ready(Err(RecvError(())));
        }
        Poll::Pending
    }

    fn poll_closed(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.load(Acquire);
        if state & CLOSED != 0 {
            return Poll::Ready(());
        }
        if state & TX_WAKER_SET != 0 {
            // SAFETY: a shared read; only the sender writes this cell, and only
            // with TX_WAKER_SET clear.
            let same = self
                .tx_waker
                .with(|w| unsafe { (*w).as_ref().is_some_and(|w| w.will_wake(cx.waker())) });
            if same {
                return Poll::Pending;
            }
            state = self.state.fetch_and(!TX_WAKER_SET, AcqRel);
            if state & CLOSED != 0 {
                // The receiver may be reading our waker right now: leave it.
                return Poll::Ready(());
            }
        }
        // SAFETY: TX_WAKER_SET is clear and CLOSED was not set when we cleared
        // it, so the receiver's closing RMW comes later and reads the cell only
        // if it sees the flag, which our fetch_or below sets after this write.
        self.tx_waker
            .with_mut(|w| unsafe { *w = Some(cx.waker().clone()) });
        state = self.state.fetch_or(TX_WAKER_SET, AcqRel);
        if state & CLOSED != 0 {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl<T> Sender<T> {
    fn inner(&self) -> &Inner<T> {
        self.inner
            .as_deref()
            .expect("oneshot::Sender used after send")
    }

    /// Sends `value` to the receiver, consuming the sender.
    ///
    /// Returns `Err(value)` if the receiver was dropped or
    /// [closed](Receiver::close) before the value could be stored. `Ok` does
    /// not mean the value will be received: the receiver may still be dropped
    /// before reading it (then the value is dropped with it).
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// assert_eq!(tx.send(4), Ok(()));
    /// assert_eq!(rx.blocking_recv(), Ok(4));
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5)); // the value comes back
    /// ```
    pub fn send(mut self, value: T) -> Result<(), T> {
        let inner = self.inner.take().expect("oneshot::Sender used after send");
        // SAFETY: COMPLETE is not set (only this sender sets it, in `complete`
        // below or in `drop`, which cannot have run), so the receiver does not
        // read the value cell; we are its only accessor.
        inner.value.with_mut(|v| unsafe { *v = Some(value) });
        let prev = inner.complete();
        if prev & CLOSED != 0 {
            // SAFETY: `complete` saw CLOSED and did not set COMPLETE, so the
            // receiver never reads the value cell; it is still ours.
            let value = inner.value.with_mut(|v| unsafe { (*v).take() });
            return Err(value.expect("value was just stored"));
        }
        Ok(())
    }

    /// True if the receiver was dropped or [closed](Receiver::close); a
    /// [`send`](Sender::send) would then fail.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner().state.load(Acquire) & CLOSED != 0
    }

    /// Waits until the receiver is dropped or [closed](Receiver::close) —
    /// useful to abandon a computation whose result nobody wants.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it only observes the `CLOSED` flag, which
    /// is permanent, so a dropped future loses nothing and a later call
    /// returns at once if the receiver closed meanwhile. (A dropped future
    /// leaves its waker in the sender's waker cell, where the next call
    /// replaces it.)
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (mut tx, rx) = oneshot::channel::<u64>();
    ///     let job = runtime::spawn(async move {
    ///         tx.closed().await; // nobody wants the answer any more
    ///         "abandoned"
    ///     });
    ///     drop(rx);
    ///     assert_eq!(job.await.unwrap(), "abandoned");
    /// }
    /// ```
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Polls for the receiver being dropped or closed; see
    /// [`closed`](Sender::closed). Only the waker of the latest call is woken.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    /// use std::task::{Context, Waker};
    ///
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(tx.poll_closed(&mut cx).is_pending());
    /// drop(rx);
    /// assert!(tx.poll_closed(&mut cx).is_ready());
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(coop::poll_proceed(cx));
        let res = self.inner().poll_closed(cx);
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            // The value cell stays `None`: the receiver sees COMPLETE without a
            // value and returns RecvError.
            inner.complete();
        }
    }
}

impl<T> Receiver<T> {
    /// Closes the channel without dropping the receiver: a later
    /// [`Sender::send`] fails and [`Sender::closed`] completes. A value sent
    /// before the close can still be received with [`try_recv`] or by
    /// awaiting the receiver.
    ///
    /// [`try_recv`]: Receiver::try_recv
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// rx.close();
    /// assert!(tx.is_closed());
    /// assert_eq!(tx.send("late"), Err("late"));
    /// ```
    pub fn close(&mut self) {
        if let Some(inner) = &self.inner {
            inner.close();
        }
    }

    /// Returns the value if it has been sent, without waiting.
    ///
    /// `Err(Empty)` if nothing was sent yet; `Err(Closed)` if the sender was
    /// dropped without sending, the receiver was closed before a value arrived,
    /// or the value was already taken.
    ///
    /// ```
    /// use runtime_sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send("hi").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("hi"));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(inner) = &self.inner else {
            return Err(TryRecvError::Closed);
        };
        let state = inner.state.load(Acquire);
        let res = if state & COMPLETE != 0 {
            // SAFETY: COMPLETE observed with acquire; `&mut self` makes us the
            // only receiver.
            unsafe { inner.take_value() }.map_err(|_| TryRecvError::Closed)
        } else if state & CLOSED != 0 {
            Err(TryRecvError::Closed)
        } else {
            return Err(TryRecvError::Empty);
        };
        self.inner = None;
        res
    }

    /// Blocks the current thread until the value arrives (or the sender is
    /// dropped). For synchronous code, e.g. inside `spawn_blocking`; calling it
    /// from an async task blocks that task's worker thread.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// #[runtime::main]
    /// async fn main() {
    ///     let (tx, rx) = oneshot::channel();
    ///     let blocking = runtime::spawn_blocking(move || rx.blocking_recv());
    ///     tx.send(3).unwrap();
    ///     assert_eq!(blocking.await.unwrap(), Ok(3));
    /// }
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        block_on(self)
    }

    /// True once this receiver has produced its result: awaiting it returned
    /// (a value or [`RecvError`]), or [`try_recv`](Receiver::try_recv)
    /// returned a value or `Closed`. A terminated receiver must not be polled
    /// again. Sending a value, or dropping the sender, does not terminate it
    /// by itself: the result still has to be taken.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = oneshot::channel();
    ///     assert!(!rx.is_terminated());
    ///     tx.send("done").unwrap();
    ///     assert!(!rx.is_terminated()); // sent, not yet taken
    ///     assert_eq!((&mut rx).await, Ok("done"));
    ///     assert!(rx.is_terminated());
    /// }
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }

    /// True if no value is waiting in the channel: nothing was sent yet, the
    /// sender was dropped or the receiver closed without a value, or the value
    /// was already taken. An empty receiver may still be terminated (see
    /// [`is_terminated`](Receiver::is_terminated)), so `is_empty` does not say
    /// whether polling is allowed.
    ///
    /// ```
    /// use runtime::sync::oneshot;
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert!(rx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert!(rx.is_empty());
    ///
    /// let (tx, rx) = oneshot::channel::<u8>();
    /// drop(tx); // closed without a value: empty, though awaiting gives an error
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        let Some(inner) = &self.inner else {
            return true;
        };
        if inner.state.load(Acquire) & COMPLETE == 0 {
            return true;
        }
        // SAFETY: COMPLETE was observed with acquire, so the sender's write
        // of the cell happened-before and the sender never touches it again;
        // the only other accessor is this receiver, which takes the value
        // only through `&mut self`, so a shared read under `&self` races with
        // nothing.
        inner.value.with(|v| unsafe { (*v).is_none() })
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    /// # Panics
    ///
    /// If polled again after it returned `Ready`.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(coop::poll_proceed(cx));
        let inner = self
            .inner
            .as_ref()
            .expect("oneshot::Receiver polled after completion");
        let res = inner.poll_recv(cx);
        if res.is_ready() {
            coop.made_progress();
            self.inner = None;
        }
        res
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let prev = inner.close();
            if prev & COMPLETE != 0 {
                // Drop a value nobody will read now rather than when the last
                // `Arc` goes.
                // SAFETY: COMPLETE observed by an acquire RMW; we are the
                // (last use of the) receiver.
                drop(unsafe { inner.take_value() });
            }
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn value_then_closed() {
        let (tx, mut rx) = channel();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        tx.send(1).unwrap();
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    }

    #[test]
    fn close_keeps_sent_value_and_fails_later_send() {
        let (tx, mut rx) = channel::<u8>();
        rx.close();
        assert!(tx.is_closed());
        assert_eq!(tx.send(3), Err(3));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));

        let (tx, mut rx) = channel::<u8>();
        tx.send(4).unwrap();
        rx.close();
        assert_eq!(rx.try_recv(), Ok(4));
    }

    #[test]
    fn pending_receiver_is_woken_and_drop_frees_value() {
        let counter = std::sync::Arc::new(());
        let (tx, mut rx) = channel();
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::new(&mut rx).poll(&mut cx).is_pending());
        tx.send(counter.clone()).unwrap();
        drop(rx);
        assert_eq!(std::sync::Arc::strong_count(&counter), 1);
    }

    #[test]
    fn closed_completes_when_receiver_dropped() {
        let (mut tx, rx) = channel::<()>();
        let mut cx = Context::from_waker(Waker::noop());
        assert!(tx.poll_closed(&mut cx).is_pending());
        drop(rx);
        assert!(tx.poll_closed(&mut cx).is_ready());
    }
}
