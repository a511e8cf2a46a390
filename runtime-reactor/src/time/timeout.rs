//! `timeout`: bounds how long a future may take.

use super::error::Elapsed;
use super::{sleep_until, Duration, Instant, Sleep};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `future`, giving up with [`Elapsed`] once `duration` has passed. The
/// future is polled first, so one that is ready at once succeeds even with a
/// zero duration, and registers no timer.
///
/// ```ignore
/// # runtime::Runtime::new().unwrap().block_on(async {
/// use runtime::time::{timeout, sleep, Duration};
/// assert_eq!(timeout(Duration::from_secs(1), async { 5 }).await, Ok(5));
/// assert!(timeout(Duration::from_millis(1), sleep(Duration::from_secs(5))).await.is_err());
/// # });
/// ```
///
/// # Panics
/// Outside a runtime.
#[track_caller]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    timeout_at(deadline, future)
}

/// As [`timeout`], with an absolute deadline.
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep_until(deadline),
    }
}

/// The future returned by [`timeout`]. Cancel safety: as the inner future's.
pub struct Timeout<F> {
    value: F,
    delay: Sleep,
}

impl<F> Timeout<F> {
    /// The inner future.
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// Consumes the timeout, returning the inner future.
    pub fn into_inner(self) -> F {
        self.value
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `value` is structurally pinned: it is never moved out of a
        // pinned `Timeout` (no method gives `&mut F` or moves it while pinned;
        // `into_inner` takes `self` by value, which requires `Timeout: Unpin`
        // or an unpinned value). `delay` is `Unpin` and not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above; `this.value` stays in place.
        let value = unsafe { Pin::new_unchecked(&mut this.value) };
        if let Poll::Ready(v) = value.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        // The timer is polled even when the inner future used up the budget, so
        // a busy future cannot postpone its own timeout forever.
        match runtime_core::coop::unconstrained(|| Pin::new(&mut this.delay).poll(cx)) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F: fmt::Debug> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("value", &self.value)
            .field("delay", &self.delay)
            .finish()
    }
}
