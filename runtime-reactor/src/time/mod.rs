//! Timers: [`sleep`], [`timeout`], [`interval`], and the clock they read,
//! [`Instant`]. Users reach them as `runtime::time`.
//!
//! Deadlines are kept in the reactor's wheel as whole milliseconds since the
//! clock started, rounded up, and compared with the current time rounded
//! down, so a timer never fires early and fires at most about a millisecond
//! late (plus scheduling).
//!
//! The clock can be paused ([`pause`], or `start_paused` on a
//! current-thread runtime): then it moves only when [`advance`]d, or when
//! every task is idle, in which case the runtime jumps straight to the next
//! timer. Tests of timeouts and intervals then run instantly and
//! deterministically. As in Tokio, "idle" includes the blocking pool: while a
//! `spawn_blocking` closure is queued or running (it may still wake a task),
//! the runtime waits for it instead of jumping (the count is a
//! `runtime_core::blocking_count::BlockingCount`, see `driver.rs`).
//!
//! Deadlines are exact however far away they are: the wheel spans about 2.2
//! years and re-files later timers as it gets there (`wheel.rs`), and
//! `Instant + Duration` saturates at about 30 years (Tokio's "far future"),
//! so `sleep(Duration::MAX)` and `timeout(Duration::MAX, ..)` mean "never".
//!
//! ```
//! use runtime::time::{sleep, timeout, Duration, Instant};
//!
//! #[runtime::main(flavor = "current_thread", start_paused = true)]
//! async fn main() {
//!     let start = Instant::now();
//!     sleep(Duration::from_secs(3600)).await; // no real hour passes
//!     assert_eq!(start.elapsed(), Duration::from_secs(3600));
//!
//!     let slow = timeout(Duration::from_secs(1), sleep(Duration::from_secs(10)));
//!     assert!(slow.await.is_err());
//! }
//! ```

mod clock;
mod entry;
mod instant;
mod interval;
#[cfg(all(test, loom))]
mod loom_entry;
mod sleep;
mod timeout;
mod wheel;
#[cfg(all(test, not(loom)))]
mod wheel_model;

pub(crate) use clock::Clock;
pub(crate) use entry::{TimerShared, Timers};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
pub use std::time::Duration;
pub use timeout::{timeout, timeout_at, Timeout};
pub(crate) use wheel::{Key, Wheel};

use crate::Handle;

/// Errors of the time module.
pub mod error {
    use std::fmt;

    /// A [`timeout`](super::timeout) expired before its future completed.
    ///
    /// It displays as "deadline has elapsed" and converts into an
    /// `io::Error` of kind `TimedOut`, so `?` works in functions returning
    /// `io::Result`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{error::Elapsed, timeout, Duration};
    ///
    /// let err: Elapsed = timeout(Duration::from_millis(5), std::future::pending::<()>())
    ///     .await
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "deadline has elapsed");
    /// let io: std::io::Error = err.into();
    /// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    /// # }
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Elapsed(pub(crate) ());

    impl fmt::Display for Elapsed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("deadline has elapsed")
        }
    }

    impl std::error::Error for Elapsed {}

    impl From<Elapsed> for std::io::Error {
        fn from(_: Elapsed) -> std::io::Error {
            std::io::ErrorKind::TimedOut.into()
        }
    }
}

/// Freezes the current runtime's clock: [`Instant::now`] stops moving and
/// timers fire only when time is advanced, by [`advance`] or automatically
/// when every task is idle and no `spawn_blocking` closure is in flight (the
/// runtime then jumps to the next timer).
///
/// `start_paused = true` (on `#[runtime::test]`, `#[runtime::main]` or the
/// `Builder`) pauses the clock before any task runs, which is usually what a
/// test wants.
///
/// ```
/// use runtime::time::{pause, resume, Duration, Instant};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     pause();
///     let frozen = Instant::now();
///     std::thread::sleep(Duration::from_millis(5)); // real time passes
///     assert_eq!(Instant::now(), frozen);           // the runtime's does not
///     resume();
///     std::thread::sleep(Duration::from_millis(1));
///     assert!(Instant::now() > frozen);
/// }
/// ```
///
/// # Panics
///
/// Outside a runtime, on a multi-thread runtime (as in Tokio: auto-advance
/// needs to know that *all* tasks are idle), or if the clock is already paused.
#[track_caller]
pub fn pause() {
    Handle::current().inner.clock.pause();
}

/// Unfreezes the clock; time moves on from where it was paused (plus any
/// [`advance`]), not from where real time is.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::time::{advance, resume, Duration, Instant};
///
/// let start = Instant::now();
/// advance(Duration::from_secs(10)).await;
/// resume();
/// // Running again, from 10 s after start.
/// assert!(start.elapsed() >= Duration::from_secs(10));
/// # }
/// ```
///
/// # Panics
///
/// Outside a runtime, or if the clock is not paused.
#[track_caller]
pub fn resume() {
    Handle::current().inner.clock.resume();
}

/// Moves the paused clock forward by `duration`, fires every timer that is
/// now due, and yields so the woken tasks run before this returns.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::time::{advance, sleep, Duration, Instant};
///
/// let start = Instant::now();
/// let napper = runtime::spawn(async {
///     sleep(Duration::from_secs(60)).await;
///     "rested"
/// });
/// runtime::task::yield_now().await; // let it start its sleep
///
/// advance(Duration::from_secs(60)).await;
/// assert_eq!(start.elapsed(), Duration::from_secs(60));
/// assert!(napper.is_finished()); // it ran during the advance
/// assert_eq!(napper.await.unwrap(), "rested");
/// # }
/// ```
///
/// # Cancel safety
///
/// Cancel-safe: the clock moves and the timers fire in the first poll, and
/// dropping the future after that only skips the final yield. A future
/// dropped before its first poll does nothing.
///
/// # Panics
///
/// Outside a runtime, or if the clock is not paused.
pub async fn advance(duration: Duration) {
    let handle = Handle::current();
    handle.inner.clock.advance(duration);
    handle.fire_due_timers();
    YieldOnce(false).await;
}

struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}
