//! `Sleep`: a future that completes at a deadline.

use super::{Duration, Instant, TimerShared};

use crate::Handle;
use runtime_core::coop;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::*;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// Waits until `duration` has elapsed; the async counterpart of
/// `std::thread::sleep`, which blocks only the task, not the thread.
///
/// It never completes early, and completes at most about a millisecond late
/// plus scheduling delay (the timer wheel counts whole milliseconds). Nothing
/// happens until the returned [`Sleep`] is first polled, but the deadline is
/// counted from the call. A duration too large to add to the clock means
/// "never" (about 30 years, as in Tokio). Deadlines beyond the timer wheel's
/// range (about 2.2 years) are kept exactly, never fired early.
///
/// ```
/// use runtime::time::{sleep, Duration, Instant};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let start = Instant::now();
///     sleep(Duration::from_millis(10)).await;
///     assert!(start.elapsed() >= Duration::from_millis(10));
/// }
/// ```
///
/// # Cancel safety
///
/// Cancel-safe: a `Sleep` holds no data, and dropping it just removes its
/// timer. To keep one deadline across several `select!` loops, create the
/// `Sleep` once and poll it by reference (`&mut sleep`), as in the [`Sleep`]
/// example.
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    // Saturating: `Duration::MAX` is about 30 years from now.
    sleep_until(Instant::now() + duration)
}

/// Waits until `deadline`: [`sleep`] with an absolute deadline. A deadline in
/// the past completes at the first poll.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::time::{sleep_until, Duration, Instant};
///
/// let deadline = Instant::now() + Duration::from_secs(5);
/// sleep_until(deadline).await;
/// assert!(Instant::now() >= deadline);
/// # }
/// ```
///
/// # Cancel safety
///
/// Cancel-safe, as [`sleep`].
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        handle: Handle::current(),
        entry: None,
    }
}

/// The future returned by [`sleep`] and [`sleep_until`]: completes at its
/// deadline.
///
/// It registers with the timer wheel on its first poll (so a `Sleep` that
/// is never polled, as in a `timeout` whose future is ready at once, costs
/// no wheel operation) and leaves the wheel when dropped. It is `Send +
/// Sync` and `Unpin`, so unlike Tokio's it needs no pinning: `&mut sleep`
/// can be awaited directly. Polling it after its runtime shut down panics.
///
/// ```
/// use runtime::time::{sleep, Duration, Instant};
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let start = Instant::now();
///     // One deadline for the whole loop: poll the same Sleep by reference.
///     let mut deadline = sleep(Duration::from_millis(100));
///     let mut ticks = 0;
///     loop {
///         runtime::select! {
///             _ = &mut deadline => break,
///             _ = sleep(Duration::from_millis(30)) => ticks += 1,
///         }
///     }
///     assert_eq!(ticks, 3); // at 30, 60 and 90 ms
///     assert_eq!(start.elapsed(), Duration::from_millis(100));
/// }
/// ```
///
/// # Cancel safety
///
/// Cancel-safe: dropping it loses nothing (it only removes the timer), and
/// a `Sleep` polled by reference keeps its deadline when the `select!` that
/// polled it is dropped.
pub struct Sleep {
    deadline: Instant,
    handle: Handle,
    entry: Option<Arc<TimerShared>>,
}

impl Sleep {
    /// The instant this `Sleep` completes at.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{sleep, Duration, Instant};
    ///
    /// let s = sleep(Duration::from_secs(1));
    /// assert_eq!(s.deadline(), Instant::now() + Duration::from_secs(1));
    /// # }
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the deadline has passed (or the timer has fired).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{advance, sleep, Duration};
    ///
    /// let s = sleep(Duration::from_millis(10));
    /// assert!(!s.is_elapsed());
    /// advance(Duration::from_millis(10)).await;
    /// assert!(s.is_elapsed());
    /// # }
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.entry.as_ref().is_some_and(|e| e.is_fired()) || Instant::now() >= self.deadline
    }

    /// Moves the deadline, earlier or later, whether or not this `Sleep`
    /// already completed; it completes again at the new deadline. Takes
    /// effect at the next poll. `Sleep` is `Unpin`, so `Pin::new(&mut s)`
    /// gives the `Pin<&mut Sleep>` this takes.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{sleep, Duration, Instant};
    /// use std::pin::Pin;
    ///
    /// let start = Instant::now();
    /// let mut s = sleep(Duration::from_secs(60));
    /// Pin::new(&mut s).reset(start + Duration::from_secs(1));
    /// (&mut s).await;
    /// assert_eq!(start.elapsed(), Duration::from_secs(1));
    ///
    /// // Completed sleeps can be reused.
    /// Pin::new(&mut s).reset(Instant::now() + Duration::from_secs(2));
    /// s.await;
    /// assert_eq!(start.elapsed(), Duration::from_secs(3));
    /// # }
    /// ```
    pub fn reset(mut self: Pin<&mut Self>, deadline: Instant) {
        self.deregister();
        self.deadline = deadline;
    }

    fn deregister(&mut self) {
        let Some(entry) = self.entry.take() else {
            return;
        };
        let mut timers = self.handle.inner.timers.lock();
        // Checked under the lock: the driver fires (and clears the key) under it too.
        if let Some(key) = entry.key() {
            timers.wheel.remove(key);
            entry.set_key(None);
        }
        timers.recycle(entry);
    }

    fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(entry) = &self.entry {
            return if entry.register(cx.waker()) {
                Poll::Ready(())
            } else {
                Poll::Pending
            };
        }
        let inner = &self.handle.inner;
        assert!(
            !self.handle.is_shutdown(),
            "a timer was polled after its runtime shut down: the runtime that created this \
             `Sleep` no longer runs timers"
        );
        // No clock read here: a deadline the wheel has already passed is
        // refused by `insert`; one that passed since the last driver turn is
        // due at the next turn, which the unpark below brings forward.
        let deadline = inner.clock.deadline_tick(self.deadline.into_std());
        let mut timers = inner.timers.lock();
        let entry = timers.entry(cx.waker());
        match timers.wheel.insert(deadline, entry.clone()) {
            Ok(key) => entry.set_key(Some(key)),
            Err(_) => {
                // Due by the wheel's own clock already.
                timers.recycle(entry);
                return Poll::Ready(());
            }
        }
        drop(timers);
        self.entry = Some(entry);
        if deadline < inner.next_wake.load(Acquire) {
            // The driver sleeps past this deadline: make it recompute.
            self.handle.unpark();
        }
        Poll::Pending
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(coop::poll_proceed(cx));
        let res = self.poll_elapsed(cx);
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.deregister();
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registered", &self.entry.is_some())
            .finish()
    }
}
