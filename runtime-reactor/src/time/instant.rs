//! `Instant`: a point in time as the runtime's clock sees it.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A measurement of the runtime's clock, which is the system's monotonic clock
/// unless paused with [`pause`](super::pause). Outside a runtime it reads the
/// system clock.
///
/// Use it instead of `std::time::Instant` for anything compared with timer
/// deadlines: with the clock paused, only this one follows the runtime's
/// time. It converts to and from `std::time::Instant`, and supports the same
/// arithmetic with `Duration`, except that `instant - instant` saturates at
/// zero and `instant + duration` saturates too: a sum too large for the clock
/// (`Duration::MAX`, say) gives an instant about 30 years after `instant`
/// instead of panicking, so `now + Duration::MAX` reads as "never". Tokio
/// panics there; its `sleep` and `timeout` saturate the same way.
///
/// ```
/// use runtime::time::{sleep, Duration, Instant};
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let std_start = std::time::Instant::now();
///     let start = Instant::now();
///     sleep(Duration::from_secs(10)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(10)); // runtime time
///     assert!(std_start.elapsed() < Duration::from_secs(10)); // real time
/// }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

impl Instant {
    /// The current time of the runtime's clock (the system's outside a
    /// runtime).
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let a = Instant::now();
    /// let b = Instant::now();
    /// assert!(b >= a); // monotonic
    /// ```
    pub fn now() -> Instant {
        let std = crate::Handle::with_current(|h| match h {
            Some(h) => h.inner.clock.now(),
            None => std::time::Instant::now(),
        });
        Instant { std }
    }

    /// Wraps a std instant.
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let std_now = std::time::Instant::now();
    /// let now = Instant::from_std(std_now);
    /// assert_eq!(now.into_std(), std_now);
    /// ```
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// The same instant as a `std::time::Instant`.
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let now = Instant::now();
    /// let later: std::time::Instant = (now + Duration::from_secs(1)).into_std();
    /// assert_eq!(later - now.into_std(), Duration::from_secs(1));
    /// ```
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// Time from `earlier` to `self`; zero if `earlier` is later.
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_millis(5);
    /// assert_eq!(b.duration_since(a), Duration::from_millis(5));
    /// assert_eq!(a.duration_since(b), Duration::ZERO);
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_millis(5);
    /// assert_eq!(b.checked_duration_since(a), Some(Duration::from_millis(5)));
    /// assert_eq!(a.checked_duration_since(b), None);
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// Time from `earlier` to `self`; zero if `earlier` is later (the same as
    /// [`duration_since`](Instant::duration_since)).
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_millis(5);
    /// assert_eq!(a.saturating_duration_since(b), Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time since `self`, on the runtime's clock.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use runtime::time::{advance, Duration, Instant};
    ///
    /// let start = Instant::now();
    /// advance(Duration::from_secs(2)).await;
    /// assert_eq!(start.elapsed(), Duration::from_secs(2));
    /// # }
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// `self + duration`, or `None` on overflow.
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let now = Instant::now();
    /// assert!(now.checked_add(Duration::from_secs(1)).is_some());
    /// assert!(now.checked_add(Duration::MAX).is_none());
    /// ```
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// `self - duration`, or `None` on underflow.
    ///
    /// ```
    /// use runtime::time::{Duration, Instant};
    ///
    /// let now = Instant::now();
    /// assert_eq!(now.checked_sub(Duration::ZERO), Some(now));
    /// assert!(now.checked_sub(Duration::MAX).is_none());
    /// ```
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }

    /// `self + duration`, or about 30 years after `self` ([`FAR_FUTURE`]) if
    /// that overflows; `self` itself if even that overflows (an instant at the
    /// very end of the platform's range).
    fn saturating_add(self, duration: Duration) -> Instant {
        let std = self
            .std
            .checked_add(duration)
            .or_else(|| self.std.checked_add(FAR_FUTURE))
            .unwrap_or(self.std);
        Instant { std }
    }
}

/// What an overflowing `Instant + Duration` saturates to, past its left side:
/// 30 (365-day) years, Tokio's "far future" for `sleep(Duration::MAX)`. Far
/// enough to mean "never", near enough to fit every platform's `Instant`
/// (Tokio notes that 100 years overflows on FreeBSD, 1000 on macOS).
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Instant {
        Instant { std }
    }
}

impl From<Instant> for std::time::Instant {
    fn from(i: Instant) -> std::time::Instant {
        i.std
    }
}

/// Saturating: a sum the platform's `Instant` cannot hold is about 30 years
/// after `self` (see [`Instant`]).
///
/// ```
/// use runtime::time::{Duration, Instant};
///
/// let now = Instant::now();
/// let never = now + Duration::MAX; // no overflow panic
/// assert!(never > now + Duration::from_secs(86_400 * 365 * 29));
/// ```
impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        self.saturating_add(rhs)
    }
}

/// Saturating, as `instant + duration`.
impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = self.saturating_add(rhs);
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, rhs: Duration) -> Instant {
        Instant {
            std: self.std - rhs,
        }
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        self.std -= rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, rhs: Instant) -> Duration {
        self.std.saturating_duration_since(rhs.std)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(f)
    }
}
