//! Wake-up notification for one task or all waiting tasks.
//!
//! # Design
//!
//! The state is one atomic word: a two-bit state (`EMPTY`, `WAITING`: some
//! `Notified` is registered, `NOTIFIED`: one stored permit) and, above it, a
//! generation counter bumped by every [`Notify::notify_waiters`] call. The
//! registered waiters sit in a [`WaiterList`] behind a `Mutex`.
//!
//! Without registered waiters, everything is a compare-and-swap on the word:
//! `notify_one` stores the permit, a `Notified` consumes it, `notify_waiters`
//! bumps the generation. While the state is `WAITING`, only holders of the
//! lock change the word, so a notifier that sees `WAITING` takes the lock and
//! can rely on the list being non-empty.
//!
//! A [`Notified`] records the generation when it is *created*. If the
//! generation has moved on when it first registers, a `notify_waiters` call
//! happened after its creation and it completes at once, even though it was
//! never polled before: this is Tokio's guarantee, which makes the
//! "create `notified()`, check a condition, await" pattern race-free.
//!
//! `notify_one` unlinks the front waiter (`notify_last` the back one) and
//! marks its node with the end it came from; the waiting future frees the
//! node when it observes the mark. If it is dropped first, it passes the
//! wake-up on to the next waiter from the same end (so a dropped
//! `notify_last` pick goes to the next newest waiter, as in Tokio), or stores
//! it as the permit.
//!
//! Wakers are woken and dropped only after the waiter lock is released: a
//! waker is user code, and may well notify or drop a `Notified` of this same
//! `Notify`.
//!
//! A `Notified` that completes spends one unit of the task's cooperative
//! budget (Tokio's does not): a loop over `notify_one(); notified().await`
//! would otherwise never yield.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use runtime_core::coop;

use crate::loom::{lock, AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::waiters::{Key, WaiterList, WakeList};

// `Notify::notified_owned` and its future.
mod owned;
pub use owned::OwnedNotified;

const EMPTY: usize = 0;
const WAITING: usize = 1;
const NOTIFIED: usize = 2;
const STATE_MASK: usize = 3;
const GEN_ONE: usize = 4;

fn with_state(word: usize, state: usize) -> usize {
    (word & !STATE_MASK) | state
}

fn generation(word: usize) -> usize {
    word & !STATE_MASK
}

/// Notifies one task, or all waiting tasks, of an event.
///
/// Same semantics as `tokio::sync::Notify`:
///
/// - [`notify_one`](Notify::notify_one) wakes the longest-registered waiter,
///   or, if none is registered, stores a single permit that the next
///   [`notified()`](Notify::notified) future consumes at once (several calls
///   store only one permit);
/// - [`notify_waiters`](Notify::notify_waiters) wakes every registered waiter
///   and every `Notified` created before the call, and stores no permit.
///
/// Differences: [`Notified`] is `Unpin` (it needs no pinning, though pinning
/// does no harm); and awaiting it spends the task's cooperative budget when it
/// completes (Tokio's does not), so a loop that is always notified still
/// yields to the scheduler.
///
/// # Examples
///
/// One task waits for another to signal it:
///
/// ```
/// use runtime::sync::Notify;
/// use std::sync::Arc;
///
/// #[runtime::main]
/// async fn main() {
///     let ready = Arc::new(Notify::new());
///     let r = Arc::clone(&ready);
///     let waiter = runtime::spawn(async move {
///         r.notified().await;
///         "woken"
///     });
///     ready.notify_one(); // stored as a permit if the task is not waiting yet
///     assert_eq!(waiter.await.unwrap(), "woken");
/// }
/// ```
///
/// The permit and the `notify_waiters` guarantee, without an executor:
///
/// ```
/// use runtime::sync::Notify;
/// use std::pin::Pin;
///
/// let notify = Notify::new();
/// let mut before = notify.notified(); // created before notify_waiters
/// notify.notify_waiters();
/// assert!(Pin::new(&mut before).enable()); // already complete
///
/// notify.notify_one(); // nobody waits: the permit is stored
/// let mut next = notify.notified();
/// assert!(Pin::new(&mut next).enable());
/// ```
pub struct Notify {
    state: AtomicUsize,
    waiters: Mutex<WaiterList<Waiter>>,
}

struct Waiter {
    waker: Option<Waker>,
    notified: Option<NotifyKind>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NotifyKind {
    /// By `notify_one` (`Front`) or `notify_last` (`Back`): if the future is
    /// dropped before it observes it, it passes the notification on, picking
    /// the next waiter from the same end.
    One(Which),
    /// By `notify_waiters`.
    All,
}

/// The end of the queue a single notification takes its waiter from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Which {
    Front,
    Back,
}

impl Notify {
    /// Creates a `Notify` with no stored permit.
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// static SHUTDOWN: Notify = Notify::new(); // `const`
    /// SHUTDOWN.notify_one();
    /// let mut n = SHUTDOWN.notified();
    /// assert!(std::pin::Pin::new(&mut n).enable()); // the stored permit
    /// ```
    #[cfg(not(loom))]
    pub const fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// Creates a `Notify` with no stored permit.
    #[cfg(loom)]
    pub fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(EMPTY),
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// Same as [`new`](Notify::new), which is already `const`; kept for code
    /// written against Tokio.
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// static EVENT: Notify = Notify::const_new();
    /// let mut n = EVENT.notified();
    /// assert!(!std::pin::Pin::new(&mut n).enable()); // nothing stored yet
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Notify {
        Notify::new()
    }

    /// A future that completes when this `Notify` is notified.
    ///
    /// It registers as a waiter when first polled or when
    /// [`Notified::enable`] is called; until then it is not in the queue for
    /// `notify_one`. It does however receive every
    /// [`notify_waiters`](Notify::notify_waiters) call made after this
    /// method returns.
    ///
    /// # Cancel safety
    ///
    /// The returned future is cancel safe: a `notify_one` (or
    /// `notify_last`) is never lost to a dropped `Notified`. A stored permit
    /// is consumed only by a poll that returns `Ready` (or an
    /// [`enable`](Notified::enable) that returns `true`); and if `notify_one`
    /// had already picked this waiter (unlinked it and marked its node) but
    /// the future is dropped before it observed that, its `Drop` hands the
    /// notification to the next registered waiter, or stores it as the
    /// permit if there is none. A `notify_waiters` wake-up is not passed on
    /// (it was meant for every waiter, and the others got it too). The
    /// dropped future's place in the queue is lost.
    ///
    /// # Examples
    ///
    /// The race-free "check, then wait" pattern: create the future *before*
    /// checking the condition, so a `notify_waiters` in between is not missed.
    ///
    /// ```
    /// use runtime::sync::Notify;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::sync::Arc;
    ///
    /// #[runtime::main]
    /// async fn main() {
    ///     let done = Arc::new((AtomicBool::new(false), Notify::new()));
    ///     let d = Arc::clone(&done);
    ///     runtime::spawn(async move {
    ///         d.0.store(true, Ordering::SeqCst);
    ///         d.1.notify_waiters();
    ///     });
    ///     loop {
    ///         let notified = done.1.notified();
    ///         if done.0.load(Ordering::SeqCst) {
    ///             break;
    ///         }
    ///         notified.await;
    ///     }
    ///     assert!(done.0.load(Ordering::SeqCst));
    /// }
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            wait: self.new_wait(),
        }
    }

    /// The waiting state of a new `Notified`/`OwnedNotified`: it records the
    /// current generation.
    fn new_wait(&self) -> Wait {
        Wait {
            generation: generation(self.state.load(Ordering::SeqCst)),
            state: NotifiedState::Init,
        }
    }

    /// Wakes the longest-registered waiter; if none is registered, stores a
    /// permit for the next [`notified()`](Notify::notified) (at most one
    /// permit is stored).
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let notify = Notify::new();
    ///     notify.notify_one();
    ///     notify.notify_one(); // still one permit
    ///     notify.notified().await; // consumes it at once
    ///     let mut next = notify.notified();
    ///     assert!(!std::pin::Pin::new(&mut next).enable()); // none left
    /// }
    /// ```
    pub fn notify_one(&self) {
        self.notify_inner(Which::Front);
    }

    /// Like [`notify_one`](Notify::notify_one), but wakes the most recently
    /// registered waiter.
    ///
    /// ```
    /// use runtime::sync::Notify;
    /// use std::pin::Pin;
    ///
    /// let notify = Notify::new();
    /// let (mut first, mut last) = (notify.notified(), notify.notified());
    /// assert!(!Pin::new(&mut first).enable()); // registered in this order
    /// assert!(!Pin::new(&mut last).enable());
    /// notify.notify_last();
    /// assert!(Pin::new(&mut last).enable());
    /// assert!(!Pin::new(&mut first).enable());
    /// ```
    pub fn notify_last(&self) {
        self.notify_inner(Which::Back);
    }

    fn notify_inner(&self, which: Which) {
        // Lock-free while nobody is registered.
        let mut cur = self.state.load(Ordering::SeqCst);
        loop {
            if cur & STATE_MASK == WAITING {
                break;
            }
            let new = with_state(cur, NOTIFIED);
            if new == cur {
                return;
            }
            match self
                .state
                .compare_exchange(cur, new, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        let list = lock(&self.waiters);
        if let Some(waker) = self.notify_locked(list, which) {
            waker.wake();
        }
    }

    /// Notifies one registered waiter, or stores the permit. Returns the
    /// waker to wake once the lock is released (it is released on return).
    fn notify_locked(
        &self,
        mut list: MutexGuard<'_, WaiterList<Waiter>>,
        which: Which,
    ) -> Option<Waker> {
        let mut cur = self.state.load(Ordering::SeqCst);
        loop {
            if cur & STATE_MASK == WAITING {
                break;
            }
            // No waiter: store the permit. Lock-free paths may race us.
            match self.state.compare_exchange(
                cur,
                with_state(cur, NOTIFIED),
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return None,
                Err(actual) => cur = actual,
            }
        }
        let key = match which {
            Which::Front => list.pop_front(),
            Which::Back => list.pop_back(),
        };
        let Some(key) = key else {
            unreachable!("Notify state is WAITING with no waiter")
        };
        let w = list.get_mut(key);
        w.notified = Some(NotifyKind::One(which));
        let waker = w.waker.take();
        if list.is_empty() {
            // While WAITING only lock holders change the word.
            self.state.store(with_state(cur, EMPTY), Ordering::SeqCst);
        }
        drop(list);
        waker
    }

    /// Wakes every registered waiter, and completes every [`Notified`] created
    /// before this call even if it has not been polled yet. Stores no permit:
    /// a `Notified` created afterwards waits for the next notification.
    ///
    /// ```
    /// use runtime::sync::Notify;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let notify = Notify::new();
    ///     let (a, b) = (notify.notified(), notify.notified());
    ///     notify.notify_waiters(); // completes both, never polled or not
    ///     a.await;
    ///     b.await;
    ///     let mut later = notify.notified();
    ///     assert!(!std::pin::Pin::new(&mut later).enable()); // no permit
    /// }
    /// ```
    pub fn notify_waiters(&self) {
        let mut cur = self.state.load(Ordering::SeqCst);
        loop {
            if cur & STATE_MASK == WAITING {
                break;
            }
            match self.state.compare_exchange(
                cur,
                cur.wrapping_add(GEN_ONE),
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        let mut list = lock(&self.waiters);
        cur = self.state.load(Ordering::SeqCst);
        loop {
            if cur & STATE_MASK == WAITING {
                break;
            }
            match self.state.compare_exchange(
                cur,
                cur.wrapping_add(GEN_ONE),
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        let mut wakers = WakeList::new();
        while let Some(key) = list.pop_front() {
            let w = list.get_mut(key);
            w.notified = Some(NotifyKind::All);
            wakers.push(w.waker.take());
        }
        self.state.store(
            with_state(cur.wrapping_add(GEN_ONE), EMPTY),
            Ordering::SeqCst,
        );
        drop(list);
        wakers.wake_all();
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.state.load(Ordering::SeqCst);
        f.debug_struct("Notify")
            .field("permit_stored", &(word & STATE_MASK == NOTIFIED))
            .field("waiting", &(word & STATE_MASK == WAITING))
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NotifiedState {
    Init,
    Waiting(Key),
    Done,
}

/// Future returned by [`Notify::notified`].
///
/// It completes once it receives a notification: a stored permit or a
/// `notify_one`/`notify_last` aimed at it, or any
/// [`notify_waiters`](Notify::notify_waiters) made after it was created. It is
/// `Unpin`. See [`Notify::notified`] for its cancel safety: a `notify_one`
/// picked for a dropped `Notified` is passed on.
///
/// ```
/// use runtime::sync::Notify;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let notify = Notify::new();
///     let notified = notify.notified(); // a `Notified<'_>`
///     notify.notify_one();
///     notified.await;
/// }
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct Notified<'a> {
    notify: &'a Notify,
    wait: Wait,
}

/// Where a `Notified` (or `OwnedNotified`) stands; its methods take the
/// `Notify` it waits on, which the two futures hold differently.
struct Wait {
    /// Generation of the `Notify` when the future was created.
    generation: usize,
    state: NotifiedState,
}

impl Notified<'_> {
    /// Registers this future as a waiter without polling it (no waker is
    /// stored), so a later `notify_one` can pick it. Returns `true` if it is
    /// already notified, in which case the notification counts as received:
    /// dropping the future then does not pass it on, and polling returns
    /// `Ready` at once.
    ///
    /// Use it to get in line for `notify_one` before awaiting, e.g. before
    /// publishing that you are waiting.
    ///
    /// ```
    /// use runtime::sync::Notify;
    /// use std::pin::pin;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let notify = Notify::new();
    ///     let mut notified = pin!(notify.notified());
    ///     assert!(!notified.as_mut().enable()); // registered, not notified
    ///     notify.notify_one(); // picks the registered future
    ///     notified.await;
    /// }
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        let this = self.get_mut();
        this.wait.poll(this.notify, None).is_ready()
    }
}

impl Wait {
    /// Registers (or re-registers `waker`) with `notify`, or completes.
    /// `waker` is `None` for `enable`.
    fn poll(&mut self, notify: &Notify, waker: Option<&Waker>) -> Poll<()> {
        match self.state {
            NotifiedState::Done => Poll::Ready(()),
            NotifiedState::Init => {
                if self.try_complete(notify, notify.state.load(Ordering::SeqCst)) {
                    return Poll::Ready(());
                }
                let mut list = lock(&notify.waiters);
                // Re-check under the lock, then register, all in one CAS.
                let mut cur = notify.state.load(Ordering::SeqCst);
                loop {
                    if self.try_complete(notify, cur) {
                        return Poll::Ready(());
                    }
                    if cur & STATE_MASK == WAITING {
                        break;
                    }
                    match notify.state.compare_exchange(
                        cur,
                        with_state(cur, WAITING),
                        Ordering::SeqCst,
                        Ordering::SeqCst,
                    ) {
                        Ok(_) => break,
                        Err(actual) => cur = actual,
                    }
                }
                let key = list.push_back(Waiter {
                    waker: waker.cloned(),
                    notified: None,
                });
                self.state = NotifiedState::Waiting(key);
                Poll::Pending
            }
            NotifiedState::Waiting(key) => {
                let mut list = lock(&notify.waiters);
                let w = list.get_mut(key);
                if w.notified.is_some() {
                    // The notifier took the waker; should one be left, it is
                    // dropped after unlocking all the same.
                    let w = list.remove(key);
                    drop(list);
                    drop(w);
                    self.state = NotifiedState::Done;
                    return Poll::Ready(());
                }
                if let Some(waker) = waker {
                    if !w.waker.as_ref().is_some_and(|o| o.will_wake(waker)) {
                        let old = w.waker.replace(waker.clone());
                        // A waker's drop may run arbitrary code: not under
                        // the lock.
                        drop(list);
                        drop(old);
                    }
                }
                Poll::Pending
            }
        }
    }

    /// Lock-free completion from state word `cur`: a newer generation, or a
    /// stored permit (which this consumes). Retries the CAS as needed.
    fn try_complete(&mut self, notify: &Notify, mut cur: usize) -> bool {
        let state = &notify.state;
        loop {
            if generation(cur) != self.generation {
                self.state = NotifiedState::Done;
                return true;
            }
            if cur & STATE_MASK != NOTIFIED {
                return false;
            }
            match state.compare_exchange(
                cur,
                with_state(cur, EMPTY),
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => {
                    self.state = NotifiedState::Done;
                    return true;
                }
                Err(actual) => cur = actual,
            }
        }
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Spend the cooperative budget (refunded if pending), so a task that
        // loops over notifications that are always there still yields. Only
        // `poll` does: `enable` is a synchronous check.
        let coop = ready!(coop::poll_proceed(cx));
        let this = self.get_mut();
        let res = this.wait.poll(this.notify, Some(cx.waker()));
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        self.wait.cancel(self.notify);
    }
}

impl Wait {
    /// The future is dropped: leave the list, passing on a `notify_one` /
    /// `notify_last` that picked it but was not observed.
    fn cancel(&mut self, notify: &Notify) {
        let NotifiedState::Waiting(key) = self.state else {
            return;
        };
        let mut list = lock(&notify.waiters);
        // `w` (and its waker) outlives the lock, released in every arm: a
        // waker's drop may run arbitrary code.
        let w = list.remove(key);
        match w.notified {
            None => {
                // Was still registered; if it was the last one, leave WAITING.
                if list.is_empty() {
                    let cur = notify.state.load(Ordering::SeqCst);
                    if cur & STATE_MASK == WAITING {
                        notify.state.store(with_state(cur, EMPTY), Ordering::SeqCst);
                    }
                }
                drop(list);
            }
            Some(NotifyKind::All) => drop(list),
            Some(NotifyKind::One(which)) => {
                // Picked by notify_one/notify_last but never observed: pass
                // it on as that call would have, had this future not been
                // registered (`notify_last` to the next newest waiter).
                if let Some(waker) = notify.notify_locked(list, which) {
                    waker.wake();
                }
            }
        }
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("state", &self.wait.state)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize as StdAtomic, Ordering as StdOrdering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(StdAtomic);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, StdOrdering::SeqCst);
        }
    }

    fn waker() -> (Arc<Count>, Waker) {
        let c = Arc::new(Count(StdAtomic::new(0)));
        (Arc::clone(&c), Waker::from(c))
    }

    fn poll(n: &mut Notified<'_>, w: &Waker) -> Poll<()> {
        Pin::new(n).poll(&mut Context::from_waker(w))
    }

    #[test]
    fn notify_one_is_fifo_and_notify_last_is_lifo() {
        let notify = Notify::new();
        let (ca, wa) = waker();
        let (cb, wb) = waker();
        let (cc, wc) = waker();
        let mut a = notify.notified();
        let mut b = notify.notified();
        let mut c = notify.notified();
        assert!(poll(&mut a, &wa).is_pending());
        assert!(poll(&mut b, &wb).is_pending());
        assert!(poll(&mut c, &wc).is_pending());
        notify.notify_one();
        assert_eq!(ca.0.load(StdOrdering::SeqCst), 1);
        assert!(poll(&mut a, &wa).is_ready());
        notify.notify_last();
        assert_eq!(cc.0.load(StdOrdering::SeqCst), 1);
        assert_eq!(cb.0.load(StdOrdering::SeqCst), 0);
        assert!(poll(&mut c, &wc).is_ready());
        assert!(poll(&mut b, &wb).is_pending());
        drop(b);
        // The last waiter left: no permit stored, state back to EMPTY.
        assert_eq!(notify.state.load(StdOrdering::SeqCst) & STATE_MASK, EMPTY);
    }

    #[test]
    fn dropped_notified_one_passes_the_permit_back() {
        let notify = Notify::new();
        let (_, w) = waker();
        let mut a = notify.notified();
        assert!(poll(&mut a, &w).is_pending());
        notify.notify_one();
        drop(a);
        assert_eq!(
            notify.state.load(StdOrdering::SeqCst) & STATE_MASK,
            NOTIFIED
        );
        let mut b = notify.notified();
        assert!(poll(&mut b, &w).is_ready());
    }

    #[test]
    fn notify_waiters_stores_nothing_and_spares_later_futures() {
        let notify = Notify::new();
        let (c, w) = waker();
        let mut registered = notify.notified();
        assert!(poll(&mut registered, &w).is_pending());
        let mut unpolled = notify.notified();
        notify.notify_waiters();
        let mut later = notify.notified();
        assert_eq!(c.0.load(StdOrdering::SeqCst), 1);
        assert!(poll(&mut registered, &w).is_ready());
        assert!(poll(&mut unpolled, &w).is_ready());
        assert!(poll(&mut later, &w).is_pending());
        drop(later);
        assert_eq!(notify.state.load(StdOrdering::SeqCst) & STATE_MASK, EMPTY);
    }

    #[test]
    fn stored_permit_is_single() {
        let notify = Notify::new();
        notify.notify_one();
        notify.notify_one();
        let (_, w) = waker();
        let mut a = notify.notified();
        let mut b = notify.notified();
        assert!(poll(&mut a, &w).is_ready());
        assert!(poll(&mut b, &w).is_pending());
        let mut b = Pin::new(&mut b);
        assert!(!b.as_mut().enable());
        notify.notify_one();
        assert!(b.enable());
    }
}
