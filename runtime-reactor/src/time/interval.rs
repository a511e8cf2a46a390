//! `Interval`: ticks at a fixed period.

use super::{sleep_until, Duration, Instant, Sleep};
use runtime_core::coop;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Creates an [`Interval`] that ticks every `period`, starting now: the
/// first tick completes immediately.
///
/// Unlike calling `sleep(period)` in a loop, the schedule does not drift:
/// tick `n` is due at `start + n * period` however long the work between
/// ticks takes (up to a period). What happens when a tick is missed
/// altogether is set by [`MissedTickBehavior`].
///
/// ```
/// use runtime::time::{interval, Duration, Instant};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let start = Instant::now();
///     let mut iv = interval(Duration::from_millis(5));
///     iv.tick().await; // immediate
///     iv.tick().await;
///     iv.tick().await;
///     assert!(start.elapsed() >= Duration::from_millis(10));
/// }
/// ```
///
/// # Panics
///
/// If `period` is zero, or outside a runtime.
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// Creates an [`Interval`] whose first tick is at `start`, then every
/// `period`.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::time::{interval_at, Duration, Instant};
///
/// let start = Instant::now() + Duration::from_secs(1);
/// let mut iv = interval_at(start, Duration::from_secs(2));
/// assert_eq!(iv.tick().await, start);
/// assert_eq!(iv.tick().await, start + Duration::from_secs(2));
/// assert_eq!(Instant::now(), start + Duration::from_secs(2));
/// # }
/// ```
///
/// # Panics
///
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

/// What an [`Interval`] does when ticks were missed: the task came back to
/// [`tick`](Interval::tick) more than a few milliseconds after a tick was
/// due. In every case the late tick itself completes at once; the variants
/// differ in when the following ticks are due.
///
/// With a 10 ms period and ticks due at 0, 10, 20... a task that comes back
/// at 35 ms gets the tick due at 10 ms at once, then:
///
/// | behaviour | next ticks due at |
/// |---|---|
/// | `Burst` | 20, 30 (both at once), then 40, 50... |
/// | `Delay` | 45, 55, 65... |
/// | `Skip`  | 40, 50, 60... |
///
/// ```
/// use runtime::time::{advance, interval, Duration, Instant, MissedTickBehavior};
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let ms = Duration::from_millis;
///     let start = Instant::now();
///     let mut iv = interval(ms(10));
///     iv.set_missed_tick_behavior(MissedTickBehavior::Skip);
///     assert_eq!(iv.tick().await, start);
///
///     advance(ms(35)).await; // busy elsewhere for 35 ms
///     assert_eq!(iv.tick().await, start + ms(10)); // late, at once
///     assert_eq!(iv.tick().await, start + ms(40)); // 20 and 30 skipped
/// }
/// ```
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
                let into_period = behind % period.as_nanos();
                // Below `period`, so its whole seconds fit a `u64`.
                let into_period = Duration::new(
                    (into_period / 1_000_000_000) as u64,
                    (into_period % 1_000_000_000) as u32,
                );
                // `+` saturates (a huge period means "never"); the result is
                // still after `now`, as `into_period` is below the period and
                // (for a saturated sum) tiny next to 30 years.
                now + period - into_period
            }
        }
    }
}

/// Ticks at a fixed period; made by [`interval`] or [`interval_at`].
///
/// Each call to [`tick`](Interval::tick) waits for the next tick and
/// returns the instant it was scheduled for.
///
/// ```
/// use runtime::time::{interval, Duration, Instant};
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let start = Instant::now();
///     let mut iv = interval(Duration::from_secs(1));
///     let mut seen = Vec::new();
///     for _ in 0..3 {
///         seen.push(iv.tick().await - start);
///     }
///     assert_eq!(seen, [Duration::ZERO, Duration::from_secs(1), Duration::from_secs(2)]);
/// }
/// ```
#[derive(Debug)]
pub struct Interval {
    delay: Sleep,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns the instant it was scheduled
    /// for (which is earlier than now if the tick is late).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_millis(250));
    /// let first = iv.tick().await;
    /// let second = iv.tick().await;
    /// assert_eq!(second - first, Duration::from_millis(250));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the schedule moves on only in the poll that returns a
    /// tick. If the future is dropped before it completes, no tick is lost:
    /// the next `tick` returns the same one.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick: the poll-based form of
    /// [`tick`](Interval::tick), for hand-written futures and streams.
    /// Returns the scheduled instant when a tick is due; otherwise `Pending`,
    /// and `cx`'s waker is woken when it is.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{interval, Duration};
    /// use std::future::poll_fn;
    ///
    /// let mut iv = interval(Duration::from_secs(1));
    /// let first = poll_fn(|cx| iv.poll_tick(cx)).await;
    /// let second = poll_fn(|cx| iv.poll_tick(cx)).await;
    /// assert_eq!(second - first, Duration::from_secs(1));
    /// # }
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        let timeout = self.delay.deadline();
        let mut now = Instant::now();
        if now >= timeout {
            // Due by the clock already (the first tick of `interval`, or a
            // late one): ready now, without waiting for the driver to fire
            // the timer on its next turn. Still subject to the task's budget,
            // so an interval that is always behind cannot starve the others.
            ready!(coop::poll_proceed(cx)).made_progress();
        } else {
            ready!(Pin::new(&mut self.delay).poll(cx));
            now = Instant::now();
        }
        let next = if now > timeout + MISSED_TICK_THRESHOLD {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout + self.period
        };
        Pin::new(&mut self.delay).reset(next);
        Poll::Ready(timeout)
    }

    /// Restarts the schedule: the next tick is one period from now, and the
    /// ones after follow from it.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{advance, interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_secs(10));
    /// iv.tick().await;
    /// advance(Duration::from_secs(3)).await;
    /// iv.reset(); // next tick at 3 + 10 s, not 10 s
    /// let now = Instant::now();
    /// assert_eq!(iv.tick().await, now + Duration::from_secs(10));
    /// # }
    /// ```
    pub fn reset(&mut self) {
        Pin::new(&mut self.delay).reset(Instant::now() + self.period);
    }

    /// Restarts the schedule from now: the next tick is due at once, and the
    /// ones after follow one period apart from it.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{advance, interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_secs(10));
    /// iv.tick().await;
    /// advance(Duration::from_secs(3)).await;
    /// iv.reset_immediately(); // due now, not at 10 s
    /// let now = Instant::now();
    /// assert_eq!(iv.tick().await, now);
    /// assert_eq!(iv.tick().await, now + Duration::from_secs(10));
    /// # }
    /// ```
    pub fn reset_immediately(&mut self) {
        Pin::new(&mut self.delay).reset(Instant::now());
    }

    /// Restarts the schedule so that the next tick is due `after` from now;
    /// the ones after it follow one period apart. A huge `after` saturates
    /// (the tick then never comes).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_secs(10));
    /// iv.tick().await;
    /// iv.reset_after(Duration::from_secs(2));
    /// let now = Instant::now();
    /// assert_eq!(iv.tick().await, now + Duration::from_secs(2));
    /// assert_eq!(iv.tick().await, now + Duration::from_secs(12));
    /// # }
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        Pin::new(&mut self.delay).reset(Instant::now() + after);
    }

    /// Restarts the schedule so that the next tick is due at `deadline`; the
    /// ones after it follow one period apart. A deadline in the past makes
    /// the next tick due at once (and the one after it follows the
    /// [`MissedTickBehavior`], as for any late tick).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_secs(10));
    /// iv.tick().await;
    /// let at = Instant::now() + Duration::from_secs(4);
    /// iv.reset_at(at);
    /// assert_eq!(iv.tick().await, at);
    /// assert_eq!(iv.tick().await, at + Duration::from_secs(10));
    /// # }
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        Pin::new(&mut self.delay).reset(deadline);
    }

    /// The time between two ticks.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{interval, Duration};
    ///
    /// let iv = interval(Duration::from_millis(40));
    /// assert_eq!(iv.period(), Duration::from_millis(40));
    /// # }
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The current [`MissedTickBehavior`]; `Burst` unless changed.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{interval, Duration, MissedTickBehavior};
    ///
    /// let iv = interval(Duration::from_millis(40));
    /// assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Burst);
    /// # }
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets what happens when ticks are missed; see [`MissedTickBehavior`]
    /// (which has an example).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{interval, Duration, MissedTickBehavior};
    ///
    /// let mut iv = interval(Duration::from_millis(40));
    /// iv.set_missed_tick_behavior(MissedTickBehavior::Delay);
    /// assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Delay);
    /// # }
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }
}
