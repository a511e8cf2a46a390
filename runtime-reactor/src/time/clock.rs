//! The reactor's clock: real time, or frozen and moved by hand in tests.

use runtime_core::lock::Mutex;
use std::sync::atomic::{AtomicBool, Ordering::*};
use std::time::{Duration, Instant};

pub(crate) struct Clock {
    /// Tick 0 of the timer wheel.
    start: Instant,
    /// Set once the clock was ever paused; until then `now` skips the lock.
    ever_paused: AtomicBool,
    /// Only current-thread runtimes may pause (set by the facade).
    pausable: AtomicBool,
    inner: Mutex<Inner>,
}

struct Inner {
    /// Clock reading when it was last frozen or advanced.
    base: Instant,
    /// Real instant the clock last started running; `None` while paused.
    unfrozen: Option<Instant>,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        let start = Instant::now();
        Clock {
            start,
            ever_paused: AtomicBool::new(false),
            pausable: AtomicBool::new(false),
            inner: Mutex::new(Inner {
                base: start,
                unfrozen: Some(start),
            }),
        }
    }

    pub(crate) fn now(&self) -> Instant {
        if !self.ever_paused.load(Acquire) {
            return Instant::now();
        }
        let inner = self.inner.lock();
        inner.base + inner.unfrozen.map_or(Duration::ZERO, |u| u.elapsed())
    }

    pub(crate) fn set_pausable(&self, pausable: bool) {
        self.pausable.store(pausable, Release);
    }

    #[track_caller]
    pub(crate) fn pause(&self) {
        assert!(
            self.pausable.load(Acquire),
            "time::pause() and start_paused need the current_thread runtime flavour: \
             build the runtime with Builder::new_current_thread() or use \
             #[runtime::test] without flavor = \"multi_thread\""
        );
        let mut inner = self.inner.lock();
        let Some(unfrozen) = inner.unfrozen else {
            panic!("time is already paused: call time::resume() first");
        };
        // Snap forward to the next whole millisecond of the wheel's tick grid,
        // so deadlines of whole-millisecond durations fall exactly on ticks and
        // auto-advance lands on them exactly (moving forward keeps the clock
        // monotonic).
        let now = inner.base + unfrozen.elapsed();
        inner.base = self.tick_instant(self.tick_ceil(now));
        inner.unfrozen = None;
        self.ever_paused.store(true, Release);
    }

    #[track_caller]
    pub(crate) fn resume(&self) {
        let mut inner = self.inner.lock();
        assert!(
            inner.unfrozen.is_none(),
            "time is not paused: nothing to resume"
        );
        inner.unfrozen = Some(Instant::now());
    }

    #[track_caller]
    pub(crate) fn advance(&self, duration: Duration) {
        let mut inner = self.inner.lock();
        assert!(
            inner.unfrozen.is_none(),
            "time::advance() needs a paused clock: call time::pause() first"
        );
        // Saturating, as `time::Instant + Duration`: advancing by
        // `Duration::MAX` moves the clock about 30 years instead of panicking.
        inner.base = (super::Instant::from_std(inner.base) + duration).into_std();
    }

    /// Moves a paused clock forward to `to` (auto-advance); false if not paused.
    pub(crate) fn advance_to(&self, to: Instant) -> bool {
        let mut inner = self.inner.lock();
        if inner.unfrozen.is_some() {
            return false;
        }
        if to > inner.base {
            inner.base = to;
        }
        true
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.ever_paused.load(Acquire) && self.inner.lock().unfrozen.is_none()
    }

    /// The current tick: whole milliseconds since start, rounded down.
    pub(crate) fn now_tick(&self) -> u64 {
        millis_u64(self.now().saturating_duration_since(self.start))
    }

    /// The tick a deadline falls on, rounded up so a timer never fires early.
    pub(crate) fn deadline_tick(&self, deadline: Instant) -> u64 {
        self.tick_ceil(deadline)
    }

    fn tick_ceil(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.start);
        let ms = millis_u64(since);
        if since > Duration::from_millis(ms) {
            ms.saturating_add(1)
        } else {
            ms
        }
    }

    /// The instant a tick starts (saturating as `time::Instant + Duration`,
    /// for ticks near `u64::MAX`).
    pub(crate) fn tick_instant(&self, tick: u64) -> Instant {
        (super::Instant::from_std(self.start) + Duration::from_millis(tick)).into_std()
    }
}

/// Whole milliseconds of `d`, saturating at `u64::MAX` (about 585 million
/// years, beyond any real deadline) instead of truncating: an instant that
/// far away is a timer that never fires, not one that wraps to an early tick.
fn millis_u64(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
