//! `blocking_recv_many` for both mpsc receivers: `recv_many`, driven to
//! completion by parking the calling thread.

use super::{Receiver, UnboundedReceiver};
use crate::chan_util::block_on;

impl<T> Receiver<T> {
    /// Blocks the current thread until at least one message is available (or
    /// the channel is closed and drained), then moves up to `limit` messages
    /// into `buffer` and returns how many; see
    /// [`recv_many`](Receiver::recv_many). Returns 0 only when the channel is
    /// closed and drained, or `limit` is 0.
    ///
    /// # Panics
    ///
    /// If called from a thread that is driving a runtime (inside a task).
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(4);
    /// let producer = std::thread::spawn(move || {
    ///     for i in 0..3 {
    ///         tx.blocking_send(i).unwrap();
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
        block_on(self.recv_many(buffer, limit))
    }
}

impl<T> UnboundedReceiver<T> {
    /// Blocks the current thread until at least one message is available (or
    /// the channel is closed and drained), then moves up to `limit` messages
    /// into `buffer` and returns how many; see
    /// [`recv_many`](UnboundedReceiver::recv_many).
    ///
    /// # Panics
    ///
    /// If called from a thread that is driving a runtime (inside a task).
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// let producer = std::thread::spawn(move || tx.send("a").unwrap());
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 8), 1);
    /// assert_eq!(buf, ["a"]);
    /// producer.join().unwrap();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 8), 0); // closed and drained
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        block_on(self.recv_many(buffer, limit))
    }
}
