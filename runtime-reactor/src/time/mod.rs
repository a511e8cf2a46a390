//! Timers: `sleep`, `timeout`, `interval`, and the clock they read.
//!
//! Deadlines are kept in the reactor's wheel as whole milliseconds since the
//! clock started, rounded up, and compared with the current time rounded
//! down, so a timer never fires early and fires at most about a millisecond
//! late (plus scheduling).

mod clock;
mod entry;
mod instant;
mod interval;
mod sleep;
mod timeout;
mod wheel;

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

/// Freezes the current runtime's clock: `Instant::now()` stops moving and
/// timers fire only when time is advanced, by [`advance`] or automatically
/// when every task is idle (the runtime then jumps to the next timer).
///
/// # Panics
/// Outside a runtime, on a multi-thread runtime (as in Tokio: auto-advance
/// needs to know that *all* tasks are idle), or if the clock is already paused.
#[track_caller]
pub fn pause() {
    Handle::current().inner.clock.pause();
}

/// Unfreezes the clock; time moves on from where it was paused.
///
/// # Panics
/// Outside a runtime, or if the clock is not paused.
#[track_caller]
pub fn resume() {
    Handle::current().inner.clock.resume();
}

/// Moves the paused clock forward by `duration`, fires every timer that is
/// now due, and yields so the woken tasks run before this returns.
///
/// # Panics
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
