//! The receiving half's API, written once for both mpsc flavours.
//!
//! [`Receiver`](super::Receiver) and [`UnboundedReceiver`](super::UnboundedReceiver)
//! are distinct types, as in Tokio, but everything they do goes through the
//! same `chan::Rx`: only the capacity accounting differs, and the receiver
//! never sees it. So their shared methods (and their docs, whose examples
//! build the right channel and use the right send call) come from one macro,
//! [`receiver_api!`], invoked once in each flavour's file. The bounded
//! receiver adds `capacity`/`max_capacity` in its own file.

/// Implements the shared receiver methods and `Debug` for `$Receiver<T>`,
/// whose field `chan` is a `chan::Rx<T, _>`.
///
/// - `sender`, `weak_sender`: doc links to the flavour's sender types;
/// - `new`: the expression making a channel in doc examples;
/// - `send`: the sender method that queues without waiting (`try_send` or
///   `send`), used in doc examples as `tx.<send>(v).unwrap()`;
/// - `recv_none`: when `recv` returns `None` in this flavour.
macro_rules! receiver_api {
    (
        $Receiver:ident,
        sender = $sender:literal,
        weak_sender = $weak_sender:literal,
        new = $new:literal,
        send = $send:literal,
        recv_none = $recv_none:literal $(,)?
    ) => {
        impl<T> $Receiver<T> {
            /// Receives the next value, waiting if the channel is empty.
            ///
            #[doc = $recv_none]
            ///
            /// # Cancel safety
            ///
            /// This method is cancel safe: a message is popped from the queue
            /// only in the poll that returns it, so if the future is dropped
            /// before completing (e.g. a `select!` branch that lost), no
            /// message was taken, and the next `recv` gets it.
            ///
            /// # Examples
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            /// #[runtime::main(flavor = "current_thread")]
            /// async fn main() {
            #[doc = concat!("    let (tx, mut rx) = ", $new, ";")]
            #[doc = concat!("    runtime::spawn(async move { tx.", $send, "(\"hello\").unwrap() });")]
            ///     assert_eq!(rx.recv().await, Some("hello"));
            ///     assert_eq!(rx.recv().await, None); // the sender is gone
            /// }
            /// ```
            pub async fn recv(&mut self) -> Option<T> {
                std::future::poll_fn(|cx| self.chan.poll_recv(cx)).await
            }

            /// Appends up to `limit` values to `buffer`, waiting if none is
            /// queued; returns how many were added. Returns 0 at once if
            /// `limit` is 0; otherwise 0 only when the channel is closed and
            /// drained (as [`recv`](Self::recv) returning `None`).
            ///
            /// # Cancel safety
            ///
            /// This method is cancel safe: messages are moved into `buffer`
            /// only in the poll that returns `Ready`, so a dropped future took
            /// none.
            ///
            /// # Examples
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            /// #[runtime::main(flavor = "current_thread")]
            /// async fn main() {
            #[doc = concat!("    let (tx, mut rx) = ", $new, ";")]
            ///     for i in 0..5 {
            #[doc = concat!("        tx.", $send, "(i).unwrap();")]
            ///     }
            ///     let mut buf = Vec::new();
            ///     assert_eq!(rx.recv_many(&mut buf, 3).await, 3);
            ///     assert_eq!(rx.recv_many(&mut buf, 3).await, 2);
            ///     assert_eq!(buf, [0, 1, 2, 3, 4]);
            /// }
            /// ```
            pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
                std::future::poll_fn(|cx| self.chan.poll_recv_many(cx, buffer, limit)).await
            }

            /// Receives a value if one is queued.
            ///
            /// `Err(Empty)` if none is, `Err(Disconnected)` if the channel is
            /// closed and drained. A message whose send has returned is never
            /// reported missing: if a concurrent sender is between claiming
            /// the next slot and filling it, this waits the few instructions
            /// that takes.
            ///
            /// ```
            /// use runtime::sync::mpsc::{self, error::TryRecvError};
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
            #[doc = concat!("tx.", $send, "(1).unwrap();")]
            /// drop(tx);
            /// assert_eq!(rx.try_recv(), Ok(1));
            /// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
            /// ```
            pub fn try_recv(&mut self) -> Result<T, $crate::mpsc::error::TryRecvError> {
                use $crate::mpsc::chan::TryRecv;
                use $crate::mpsc::error::TryRecvError;
                match self.chan.try_recv() {
                    TryRecv::Value(v) => Ok(v),
                    TryRecv::Empty => Err(TryRecvError::Empty),
                    TryRecv::Done => Err(TryRecvError::Disconnected),
                }
            }

            /// Receives from synchronous code, blocking the thread while the
            /// channel is empty.
            ///
            /// # Panics
            ///
            /// If called from a thread that is driving a runtime (inside a
            /// task): use [`recv`](Self::recv) there.
            ///
            /// # Examples
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            #[doc = concat!("std::thread::spawn(move || tx.", $send, "(\"from a thread\").unwrap());")]
            /// assert_eq!(rx.blocking_recv(), Some("from a thread"));
            /// assert_eq!(rx.blocking_recv(), None);
            /// ```
            #[track_caller]
            pub fn blocking_recv(&mut self) -> Option<T> {
                $crate::chan_util::block_on(self.recv())
            }

            /// Blocks the current thread until at least one message is
            /// available (or the channel is closed and drained), then moves up
            /// to `limit` messages into `buffer` and returns how many; see
            /// [`recv_many`](Self::recv_many). Returns 0 only when the channel
            /// is closed and drained, or `limit` is 0.
            ///
            /// # Panics
            ///
            /// If called from a thread that is driving a runtime (inside a
            /// task).
            ///
            /// # Examples
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// let producer = std::thread::spawn(move || {
            ///     for i in 0..3 {
            #[doc = concat!("        tx.", $send, "(i).unwrap();")]
            ///     }
            /// });
            /// producer.join().unwrap(); // all sent, sender dropped
            /// let mut buf = Vec::new();
            /// assert_eq!(rx.blocking_recv_many(&mut buf, 2), 2);
            /// assert_eq!(rx.blocking_recv_many(&mut buf, 2), 1);
            /// assert_eq!(buf, [0, 1, 2]);
            /// assert_eq!(rx.blocking_recv_many(&mut buf, 2), 0); // closed and drained
            /// ```
            #[track_caller]
            pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
                $crate::chan_util::block_on(self.recv_many(buffer, limit))
            }

            /// Closes the channel without dropping the receiver: later sends
            /// fail and waiting senders are woken with an error, but values
            /// already queued (and, for a bounded channel, ones sent with
            /// permits reserved before the close) can still be received.
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            #[doc = concat!("tx.", $send, "(1).unwrap();")]
            /// rx.close();
            #[doc = concat!("assert!(tx.", $send, "(2).is_err());")]
            /// assert_eq!(rx.blocking_recv(), Some(1)); // queued before the close
            /// assert_eq!(rx.blocking_recv(), None);
            /// ```
            pub fn close(&mut self) {
                self.chan.close();
            }

            /// Polls for the next value; see [`recv`](Self::recv). Only the
            /// waker of the latest call is woken.
            ///
            /// ```
            /// use runtime::sync::mpsc;
            /// use std::task::{Context, Poll, Waker};
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// let mut cx = Context::from_waker(Waker::noop());
            /// assert!(rx.poll_recv(&mut cx).is_pending());
            #[doc = concat!("tx.", $send, "('x').unwrap();")]
            /// assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some('x')));
            /// ```
            pub fn poll_recv(
                &mut self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<T>> {
                self.chan.poll_recv(cx)
            }

            /// Polls for up to `limit` values; see
            /// [`recv_many`](Self::recv_many).
            ///
            /// ```
            /// use runtime::sync::mpsc;
            /// use std::task::{Context, Poll, Waker};
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// let mut cx = Context::from_waker(Waker::noop());
            #[doc = concat!("tx.", $send, "(1).unwrap();")]
            #[doc = concat!("tx.", $send, "(2).unwrap();")]
            /// let mut buf = Vec::new();
            /// assert_eq!(rx.poll_recv_many(&mut cx, &mut buf, 10), Poll::Ready(2));
            /// assert_eq!(buf, [1, 2]);
            /// ```
            pub fn poll_recv_many(
                &mut self,
                cx: &mut std::task::Context<'_>,
                buffer: &mut Vec<T>,
                limit: usize,
            ) -> std::task::Poll<usize> {
                self.chan.poll_recv_many(cx, buffer, limit)
            }

            /// Queued messages (including ones a sender is writing right now).
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, rx) = ", $new, ";")]
            #[doc = concat!("tx.", $send, "(1).unwrap();")]
            #[doc = concat!("tx.", $send, "(2).unwrap();")]
            /// assert_eq!(rx.len(), 2);
            /// ```
            pub fn len(&self) -> usize {
                self.chan.len()
            }

            /// True if no message is queued.
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, mut rx) = ", $new, ";")]
            /// assert!(rx.is_empty());
            #[doc = concat!("tx.", $send, "(()).unwrap();")]
            /// assert!(!rx.is_empty());
            /// rx.try_recv().unwrap();
            /// assert!(rx.is_empty());
            /// ```
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// True if the channel is closed: the receiver closed, or every
            /// sender is gone. Queued messages may still be waiting.
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, rx) = ", $new, ";")]
            /// assert!(!rx.is_closed());
            #[doc = concat!("tx.", $send, "(1).unwrap();")]
            /// drop(tx);
            /// assert!(rx.is_closed());
            /// assert_eq!(rx.len(), 1); // still there to receive
            /// ```
            pub fn is_closed(&self) -> bool {
                self.chan.is_closed()
            }

            #[doc = concat!("The number of ", $sender, "s of this channel.")]
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, rx) = ", $new, ";")]
            #[doc = concat!("tx.", $send, "(0u8).unwrap();")]
            /// let tx2 = tx.clone();
            /// assert_eq!(rx.sender_strong_count(), 2);
            /// drop((tx, tx2));
            /// assert_eq!(rx.sender_strong_count(), 0);
            /// ```
            pub fn sender_strong_count(&self) -> usize {
                self.chan.strong_count()
            }

            #[doc = concat!("The number of ", $weak_sender, "s of this channel.")]
            ///
            /// ```
            /// use runtime::sync::mpsc;
            ///
            #[doc = concat!("let (tx, rx) = ", $new, ";")]
            /// let _weak = tx.downgrade();
            /// assert_eq!(rx.sender_weak_count(), 1);
            #[doc = concat!("tx.", $send, "(0u8).unwrap();")]
            /// ```
            pub fn sender_weak_count(&self) -> usize {
                self.chan.weak_count()
            }
        }

        impl<T> std::fmt::Debug for $Receiver<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($Receiver))
                    .field("len", &self.len())
                    .finish()
            }
        }
    };
}

pub(crate) use receiver_api;
