//! `Interval`: ticks at a fixed period.

use super::{sleep_until, Duration, Instant, Sleep};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Ticks every `period`; the first tick completes immediately.
///
/// ```ignore
/// # runtime::Runtime::new().unwrap().block_on(async {
/// use runtime::time::{interval, Duration, Instant};
/// let mut iv = interval(Duration::from_millis(5));
/// let start = Instant::now();
/// iv.tick().await; // immediate
/// iv.tick().await;
/// iv.tick().await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// ```
///
/// # Panics
/// If `period` is zero, or outside a runtime.
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// Ticks at `start`, then every `period`.
///
/// # Panics
/// If `period` is zero, or outside a runtime.
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    Interval {
        delay: sleep_until(start),
        period,
        missed_tick_behavior: MissedTickBehavior::Burst,
    }
}

/// What an [`Interval`] does when ticks were missed (the task was busy past
/// one or more deadlines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks back to back, then continue on the original
    /// schedule (the default, as in Tokio).
    #[default]
    Burst,
    /// Start a new schedule: the next tick is one period after now.
    Delay,
    /// Skip the missed ticks: the next tick is the next one on the original
    /// schedule that is still in the future.
    Skip,
}

/// Ticks that come later than this are "missed" and handled by the
/// `MissedTickBehavior`; later by less is ordinary timer lateness. Borrowed
/// from Tokio's interval (5 ms).
const MISSED_TICK_THRESHOLD: Duration = Duration::from_millis(5);

impl MissedTickBehavior {
    fn next_timeout(self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout + period,
            MissedTickBehavior::Delay => now + period,
            MissedTickBehavior::Skip => {
                let behind = now.duration_since(timeout).as_nanos();
                let into_period = (behind % period.as_nanos()) as u64;
                now + period - Duration::from_nanos(into_period)
            }
        }
    }
}

/// The stream of ticks made by [`interval`].
#[derive(Debug)]
pub struct Interval {
    delay: Sleep,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns its scheduled instant.
    ///
    /// Cancel safety: cancel-safe; a tick is consumed only when `tick` returns.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(Pin::new(&mut self.delay).poll(cx));
        let timeout = self.delay.deadline();
        let now = Instant::now();
        let next = if now > timeout + MISSED_TICK_THRESHOLD {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout + self.period
        };
        Pin::new(&mut self.delay).reset(next);
        Poll::Ready(timeout)
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        Pin::new(&mut self.delay).reset(Instant::now() + self.period);
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The current missed-tick behaviour.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the missed-tick behaviour.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }
}
