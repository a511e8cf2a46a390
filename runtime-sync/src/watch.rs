//! A single-value channel: receivers see the latest value and are notified
//! when it changes.
//!
//! The channel holds one value. [`Sender::send`] replaces it and bumps a
//! version counter; each [`Receiver`] remembers the version it has *seen*.
//! [`Receiver::changed`] waits until the channel's version differs from the
//! seen one, then marks the current value seen; [`Receiver::borrow`] reads the
//! value without marking it, [`Receiver::borrow_and_update`] reads and marks.
//! Intermediate values may be skipped: a receiver only ever sees the latest.
//!
//! ```
//! use runtime::sync::watch;
//!
//! #[runtime::main]
//! async fn main() {
//!     let (tx, mut rx) = watch::channel(0);
//!     let watcher = runtime::spawn(async move {
//!         // Wait until the value reaches 3; values in between may be skipped.
//!         while *rx.borrow_and_update() < 3 {
//!             rx.changed().await.unwrap();
//!         }
//!     });
//!     for i in 1..=3 {
//!         tx.send(i).unwrap();
//!     }
//!     watcher.await.unwrap();
//! }
//! ```
//!
//! Without an executor:
//!
//! ```
//! use runtime::sync::watch;
//!
//! let (tx, mut rx) = watch::channel("start");
//! assert!(!rx.has_changed().unwrap());
//! tx.send("next").unwrap();
//! assert!(rx.has_changed().unwrap());
//! assert_eq!(*rx.borrow_and_update(), "next");
//! assert!(!rx.has_changed().unwrap());
//! drop(tx);
//! assert!(rx.has_changed().is_err()); // closed
//! ```
//!
//! # Design
//!
//! The value sits in an `RwLock` (std's; loom's under `--cfg loom`, so the
//! models see it), which receivers borrow concurrently;
//! an atomic word holds `version << 1 | CLOSED`. The version is bumped while
//! the write lock is held, so a receiver reading the version under the read
//! lock sees the version of the value it reads. Waiting receivers (and senders
//! waiting in [`Sender::closed`]) park in a waker list; its lock orders the
//! "check version, register" of a receiver against the "bump version, wake
//! all" of a sender, so no notification is missed.
//!
//! # Differences from Tokio
//!
//! - If the closure passed to [`Sender::send_modify`] or
//!   [`Sender::send_if_modified`] panics, the value keeps whatever changes it
//!   made and receivers are not notified (the lock's poisoning is ignored).
//! - [`Ref`] holds the lock's read guard; as in Tokio, don't hold it
//!   across an `.await` or while sending (a send waits for it).

use crate::chan_util::{consume_budget, WaitList, Waiting};
use crate::loom::{Arc, AtomicUsize, Ordering::*};
use crate::loom::{RwLock, RwLockReadGuard};
use std::fmt;
use std::future::poll_fn;
use std::ops::Deref;
use std::sync::PoisonError;
use std::task::{ready, Poll};

/// Errors returned by the watch channel.
pub mod error {
    use std::fmt;

    /// There are no receivers: the value was not stored and is handed back.
    ///
    /// ```
    /// use runtime::sync::watch::{self, error::SendError};
    ///
    /// let (tx, rx) = watch::channel(0);
    /// drop(rx);
    /// assert_eq!(tx.send(1), Err(SendError(1)));
    /// assert_eq!(*tx.borrow(), 0); // not stored
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// Every sender is gone (and, for `changed`, the last value was seen).
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = watch::channel(());
    ///     drop(tx);
    ///     let err = rx.changed().await.unwrap_err();
    ///     assert_eq!(err.to_string(), "channel closed");
    /// }
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

use error::{RecvError, SendError};

const CLOSED: usize = 1;

struct Shared<T> {
    value: RwLock<T>,
    /// `version << 1 | CLOSED`; the version is bumped under the write lock.
    state: AtomicUsize,
    rx_count: AtomicUsize,
    tx_count: AtomicUsize,
    /// Receivers waiting in `changed`.
    rx_waiters: WaitList,
    /// Senders waiting in `closed`.
    tx_waiters: WaitList,
}

impl<T> Shared<T> {
    fn version(&self) -> usize {
        self.state.load(Acquire) >> 1
    }

    fn is_closed(&self) -> bool {
        self.state.load(Acquire) & CLOSED != 0
    }

    fn read(&self) -> RwLockReadGuard<'_, T> {
        self.value.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Publishes new values. Cloneable; the channel closes when the last `Sender`
/// is dropped.
///
/// ```
/// use runtime::sync::watch;
///
/// let (tx, rx) = watch::channel(String::from("v1"));
/// let tx2 = tx.clone();
/// tx2.send_modify(|s| s.push_str("+patch"));
/// assert_eq!(*rx.borrow(), "v1+patch");
/// drop((tx, tx2));
/// assert!(rx.has_changed().is_err()); // closed
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// Observes the latest value. Cloneable (a clone starts with the same seen
/// version).
///
/// ```
/// use runtime::sync::watch;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (tx, mut rx) = watch::channel("idle");
///     let mut rx2 = rx.clone();
///     tx.send("busy").unwrap();
///     rx.changed().await.unwrap();
///     rx2.changed().await.unwrap(); // each receiver tracks what it has seen
///     assert_eq!((*rx.borrow(), *rx2.borrow()), ("busy", "busy"));
/// }
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The version this receiver has seen.
    version: usize,
}

/// A read guard on the channel's value, from `borrow`. Holding it blocks
/// senders: keep it short, never across an `.await`.
///
/// ```
/// use runtime::sync::watch;
///
/// let (tx, rx) = watch::channel(vec![1, 2]);
/// let len = rx.borrow().len(); // the guard is dropped at the end of the line
/// assert_eq!(len, 2);
/// tx.send(vec![]).unwrap(); // would wait if a `Ref` were still alive
/// ```
pub struct Ref<'a, T> {
    guard: RwLockReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the borrowed value was unseen by the receiver when borrowed
    /// (always false when borrowed from the [`Sender`]). Unlike
    /// [`Receiver::has_changed`] it does not fail on a closed channel.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert!(rx.borrow_and_update().has_changed()); // 2 was unseen
    /// assert!(!rx.borrow_and_update().has_changed()); // now it is seen
    /// drop(tx);
    /// assert!(!rx.borrow().has_changed()); // no error when closed
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Creates a watch channel holding `init`; the receiver starts with it seen.
///
/// ```
/// use runtime::sync::watch;
///
/// let (tx, rx) = watch::channel(10);
/// assert_eq!(*rx.borrow(), 10);
/// assert!(!rx.has_changed().unwrap()); // the initial value counts as seen
/// tx.send(11).unwrap();
/// assert!(rx.has_changed().unwrap());
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::new(init);
    let rx = tx.subscribe();
    (tx, rx)
}

impl<T> Sender<T> {
    /// Creates a channel holding `init` with no receiver yet.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let tx = watch::Sender::new(0);
    /// assert!(tx.send(1).is_err()); // no receiver
    /// let rx = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow(), 2);
    /// ```
    pub fn new(init: T) -> Sender<T> {
        Sender {
            shared: Arc::new(Shared {
                value: RwLock::new(init),
                state: AtomicUsize::new(0),
                rx_count: AtomicUsize::new(0),
                tx_count: AtomicUsize::new(1),
                rx_waiters: WaitList::new(),
                tx_waiters: WaitList::new(),
            }),
        }
    }

    /// Replaces the value and notifies the receivers.
    ///
    /// `Err(SendError(value))` if there is no receiver; the value is then not
    /// stored. Use [`send_replace`](Sender::send_replace) to store it anyway.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel("old");
    /// tx.send("new").unwrap();
    /// assert_eq!(*rx.borrow(), "new");
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Replaces the value, notifies the receivers, and returns the old value.
    /// Works with no receivers.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let tx = watch::Sender::new(1); // no receiver
    /// assert_eq!(tx.send_replace(2), 1);
    /// assert_eq!(*tx.borrow(), 2);
    /// ```
    pub fn send_replace(&self, value: T) -> T {
        let mut old = None;
        self.send_modify(|v| old = Some(std::mem::replace(v, value)));
        old.expect("send_modify runs the closure")
    }

    /// Modifies the value in place and notifies the receivers. Works with no
    /// receivers.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert!(rx.has_changed().unwrap());
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// ```
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        self.send_if_modified(|v| {
            modify(v);
            true
        });
    }

    /// Runs `modify` on the value; if it returns true, notifies the receivers
    /// (and returns true). Return false only if nothing was changed, or
    /// receivers will miss the change.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(5);
    /// let raise = |v: &mut i32| if *v < 10 { *v = 10; true } else { false };
    /// assert!(tx.send_if_modified(raise));
    /// assert!(rx.has_changed().unwrap());
    /// let mut rx = rx;
    /// rx.mark_unchanged();
    /// assert!(!tx.send_if_modified(raise)); // already 10: nobody notified
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn send_if_modified(&self, modify: impl FnOnce(&mut T) -> bool) -> bool {
        {
            let mut value = self
                .shared
                .value
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if !modify(&mut value) {
                return false;
            }
            // Bumped under the write lock: see the module docs.
            self.shared.state.fetch_add(2, Release);
        }
        self.shared.rx_waiters.wake_all();
        true
    }

    /// Reads the current value (its `has_changed` is always false).
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(3);
    /// assert_eq!(*tx.borrow(), 3);
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: self.shared.read(),
            has_changed: false,
        }
    }

    /// A new receiver, with the current value seen.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(0);
    /// tx.send(1).unwrap();
    /// let rx2 = tx.subscribe();
    /// assert!(!rx2.has_changed().unwrap()); // 1 counts as seen
    /// assert_eq!(*rx2.borrow(), 1);
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        self.shared.rx_count.fetch_add(1, Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version: self.shared.version(),
        }
    }

    /// The number of receivers.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(());
    /// let _rx2 = rx.clone();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.rx_count.load(Acquire)
    }

    /// The number of senders.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(());
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.shared.tx_count.load(Acquire)
    }

    /// True if there is no receiver.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(());
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until there is no receiver.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: it only observes the receiver count, and a
    /// dropped future removes its waker from the list, so nothing is lost. A
    /// new [`subscribe`](Sender::subscribe) reopens the channel, so a later
    /// call may wait again.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, rx) = watch::channel(0);
    ///     let publisher = runtime::spawn(async move {
    ///         tx.closed().await; // nobody watches any more
    ///         tx.send(1).is_err()
    ///     });
    ///     drop(rx);
    ///     assert!(publisher.await.unwrap());
    /// }
    /// ```
    pub async fn closed(&self) {
        let shared = &*self.shared;
        let mut waiting = Waiting::new(&shared.tx_waiters);
        poll_fn(|cx| waiting.poll(cx, || shared.rx_count.load(Acquire) == 0)).await
    }

    /// True if both senders belong to the same channel.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, _rx) = watch::channel(0);
    /// let (other, _rx2) = watch::channel(0);
    /// assert!(tx.same_channel(&tx.clone()));
    /// assert!(!tx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        std::ptr::eq(&*self.shared, &*other.shared)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.tx_count.fetch_add(1, Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.tx_count.fetch_sub(1, AcqRel) == 1 {
            self.shared.state.fetch_or(CLOSED, Release);
            self.shared.rx_waiters.wake_all();
        }
    }
}

impl<T> Receiver<T> {
    /// Reads the current value without marking it seen.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow(), 2);
    /// assert!(rx.has_changed().unwrap()); // still unseen
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        let guard = self.shared.read();
        // Read under the lock: the version matches the value (module docs).
        let has_changed = self.shared.version() != self.version;
        Ref { guard, has_changed }
    }

    /// Reads the current value and marks it seen.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(1);
    /// tx.send(2).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 2);
    /// assert!(!rx.has_changed().unwrap()); // seen now
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = self.shared.read();
        let version = self.shared.version();
        let has_changed = version != self.version;
        self.version = version;
        Ref { guard, has_changed }
    }

    /// Whether a value newer than the last seen one is available.
    ///
    /// `Err(RecvError)` if and only if every sender is gone (even if the last
    /// value is unseen; [`borrow`](Receiver::borrow) still reads it).
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(0);
    /// assert_eq!(rx.has_changed(), Ok(false));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.has_changed(), Ok(true));
    /// drop(tx);
    /// assert!(rx.has_changed().is_err());
    /// assert_eq!(*rx.borrow(), 1);
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.shared.state.load(Acquire);
        if state & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(state >> 1 != self.version)
    }

    /// Marks the current value unseen: `changed` returns at once.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (_tx, mut rx) = watch::channel("cfg");
    ///     rx.mark_changed();
    ///     rx.changed().await.unwrap(); // does not wait
    ///     assert!(!rx.has_changed().unwrap());
    /// }
    /// ```
    pub fn mark_changed(&mut self) {
        self.version = self.shared.version().wrapping_sub(1);
    }

    /// Marks the current value seen.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, mut rx) = watch::channel(0);
    /// tx.send(1).unwrap();
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.version = self.shared.version();
    }

    /// Waits until the value is newer than the last seen one, then marks it
    /// seen. Returns at once if an unseen value is already there.
    ///
    /// `Err(RecvError)` if every sender is gone and the current value has been
    /// seen.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: the receiver's seen version is updated
    /// only in the poll that returns `Ready`, so if the future is dropped
    /// before completing, nothing was marked seen and the next `changed`
    /// reports the same change. A dropped future removes its waker.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = watch::channel(0);
    ///     runtime::spawn(async move {
    ///         tx.send(1).unwrap();
    ///     });
    ///     rx.changed().await.unwrap();
    ///     assert_eq!(*rx.borrow(), 1);
    ///     assert!(rx.changed().await.is_err()); // sender gone, 1 seen
    /// }
    /// ```
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        changed(&self.shared, &mut self.version).await
    }

    /// Waits until `f` accepts the current value (checking it first), marks
    /// it seen, and returns it borrowed. `Err` if every sender is gone before
    /// that.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. Each value it checks is marked seen as it
    /// is checked; if the future is dropped before completing, every value
    /// marked seen so far was rejected by `f`, and a value it has not
    /// checked yet is still unseen (a later `changed` or `wait_for` reports
    /// it).
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let (tx, mut rx) = watch::channel(0);
    ///     runtime::spawn(async move {
    ///         for i in 1..=5 {
    ///             tx.send(i).unwrap();
    ///             runtime::task::yield_now().await;
    ///         }
    ///     });
    ///     // The returned `Ref` is a read guard: use it and let it go at once.
    ///     assert!(*rx.wait_for(|v| *v >= 3).await.unwrap() >= 3);
    /// }
    /// ```
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        // The predicate may hold at once, and then no wait below spends the
        // budget: spend it here, or a loop of always-satisfied `wait_for`s
        // would never yield.
        consume_budget().await;
        let shared = &*self.shared;
        let version = &mut self.version;
        loop {
            {
                let guard = shared.read();
                let current = shared.version();
                let has_changed = current != *version;
                *version = current;
                if f(&guard) {
                    return Ok(Ref { guard, has_changed });
                }
            }
            changed(shared, version).await?;
        }
    }

    /// True if every sender is gone.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (tx, rx) = watch::channel(());
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// True if both receivers belong to the same channel.
    ///
    /// ```
    /// use runtime::sync::watch;
    ///
    /// let (_tx, rx) = watch::channel(0);
    /// let (_tx2, other) = watch::channel(0);
    /// assert!(rx.same_channel(&rx.clone()));
    /// assert!(!rx.same_channel(&other));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        std::ptr::eq(&*self.shared, &*other.shared)
    }
}

/// [`Receiver::changed`] on the receiver's fields.
async fn changed<T>(shared: &Shared<T>, seen: &mut usize) -> Result<(), RecvError> {
    let mut waiting = Waiting::new(&shared.rx_waiters);
    let last_seen = *seen;
    // `Waiting::poll` spends the cooperative budget on the ready path.
    let state = poll_fn(|cx| {
        let mut state = 0;
        ready!(waiting.poll(cx, || {
            state = shared.state.load(Acquire);
            state >> 1 != last_seen || state & CLOSED != 0
        }));
        Poll::Ready(state)
    })
    .await;
    if state >> 1 != last_seen {
        *seen = state >> 1;
        Ok(())
    } else {
        Err(RecvError(()))
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.rx_count.fetch_add(1, Relaxed);
        Receiver {
            shared: self.shared.clone(),
            version: self.version,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.shared.rx_count.fetch_sub(1, AcqRel) == 1 {
            self.shared.tx_waiters.wake_all();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("value", &*self.borrow())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("value", &*self.borrow())
            .field("version", &self.version)
            .finish()
    }
}
