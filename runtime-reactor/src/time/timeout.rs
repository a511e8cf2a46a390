//! `timeout`: bounds how long a future may take.

use super::error::Elapsed;
use super::{sleep_until, Duration, Instant, Sleep};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `future`, giving up with [`Elapsed`] once `duration` has passed;
/// the future is then dropped.
///
/// The future is polled first, so one that is ready at once succeeds even
/// with a zero duration, and registers no timer. The timer is checked even
/// when the future has used up its task's cooperative budget, so a future
/// that is always busy cannot postpone its own timeout. `Elapsed` converts
/// to an `io::Error` of kind `TimedOut`, so `?` works in I/O code. A
/// duration too large to add to the clock (`Duration::MAX`) means "never"
/// (about 30 years, as in Tokio).
///
/// ```
/// use runtime::time::{sleep, timeout, Duration};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     assert_eq!(timeout(Duration::from_secs(1), async { 5 }).await, Ok(5));
///     let slow = timeout(Duration::from_millis(10), sleep(Duration::from_secs(5))).await;
///     assert!(slow.is_err());
/// }
/// ```
///
/// # Cancel safety
///
/// As cancel-safe as `future`: dropping the [`Timeout`], or letting it
/// expire, drops `future` at its current await point. With a cancel-safe
/// future (`accept`, `recv_from`, `JoinSet::join_next`...) nothing is lost,
/// and the next call picks up what arrives; with one that is not
/// (`read_exact`, `write_all`), the same data loss as dropping it directly
/// applies.
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    // Saturating: `Duration::MAX` is about 30 years from now ("never").
    timeout_at(Instant::now() + duration, future)
}

/// As [`timeout`], with an absolute deadline.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::time::{sleep, timeout_at, Duration, Instant};
///
/// let deadline = Instant::now() + Duration::from_secs(1);
/// let fast = timeout_at(deadline, sleep(Duration::from_millis(500))).await;
/// assert!(fast.is_ok());
/// // The same deadline is now half a second away.
/// let slow = timeout_at(deadline, sleep(Duration::from_secs(1))).await;
/// assert!(slow.is_err());
/// assert_eq!(Instant::now(), deadline);
/// # }
/// ```
///
/// # Cancel safety
///
/// As [`timeout`]: as cancel-safe as `future`.
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep_until(deadline),
    }
}

/// The future returned by [`timeout`] and [`timeout_at`]: `Ok` with the
/// inner future's output, or `Err(Elapsed)` if the deadline came first.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::time::{timeout, Duration};
///
/// let t = timeout(Duration::from_secs(1), std::future::pending::<()>());
/// assert!(t.await.is_err());
/// # }
/// ```
///
/// # Cancel safety
///
/// As cancel-safe as the inner future (see [`timeout`]).
pub struct Timeout<F> {
    value: F,
    delay: Sleep,
}

impl<F> Timeout<F> {
    /// The inner future.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{timeout, Duration};
    ///
    /// let t = timeout(Duration::from_secs(1), std::future::ready(7));
    /// let _inner: &std::future::Ready<i32> = t.get_ref();
    /// assert_eq!(t.await, Ok(7));
    /// # }
    /// ```
    pub fn get_ref(&self) -> &F {
        &self.value
    }

    /// The inner future, mutably. Only reachable while the `Timeout` is not
    /// pinned (or the future is `Unpin`), so it cannot move a pinned future.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{timeout, Duration};
    ///
    /// let mut t = timeout(Duration::from_secs(1), std::future::ready(1));
    /// *t.get_mut() = std::future::ready(2);
    /// assert_eq!(t.await, Ok(2));
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.value
    }

    /// Consumes the timeout, returning the inner future, which can then run
    /// without a deadline.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{timeout, Duration};
    ///
    /// let t = timeout(Duration::ZERO, async { "no deadline after all" });
    /// assert_eq!(t.into_inner().await, "no deadline after all");
    /// # }
    /// ```
    pub fn into_inner(self) -> F {
        self.value
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `value` is structurally pinned: it is never moved out of a
        // pinned `Timeout` (no method gives `&mut F` or moves it while pinned:
        // `get_mut` takes `&mut self` and `into_inner` takes `self` by value,
        // both of which need `Timeout: Unpin` or an unpinned value). `delay`
        // is `Unpin` and not pinned. `Timeout` has no `Drop` impl.
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
