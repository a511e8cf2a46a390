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

/// Waits until `duration` has elapsed.
///
/// ```ignore
/// # runtime::Runtime::new().unwrap().block_on(async {
/// use runtime::time::{sleep, Duration, Instant};
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// ```
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    sleep_until(deadline)
}

/// Waits until `deadline`.
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        handle: Handle::current(),
        entry: None,
    }
}

/// The future returned by [`sleep`] and [`sleep_until`]. It registers with the
/// timer wheel on its first poll (so a `Sleep` that is never polled, as in a
/// `timeout` whose future is ready at once, costs no wheel operation) and
/// leaves the wheel when dropped. `Send + Sync` and `Unpin`.
///
/// Cancel safety: dropping it loses nothing.
pub struct Sleep {
    deadline: Instant,
    handle: Handle,
    entry: Option<Arc<TimerShared>>,
}

impl Sleep {
    /// The deadline.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the deadline has passed.
    pub fn is_elapsed(&self) -> bool {
        self.entry.as_ref().is_some_and(|e| e.is_fired()) || Instant::now() >= self.deadline
    }

    /// Moves the deadline, whether or not this `Sleep` already completed; it
    /// completes again at the new deadline. Takes effect at the next poll.
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
