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
        inner.base += duration;
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
        self.now().saturating_duration_since(self.start).as_millis() as u64
    }

    /// The tick a deadline falls on, rounded up so a timer never fires early.
    pub(crate) fn deadline_tick(&self, deadline: Instant) -> u64 {
        self.tick_ceil(deadline)
    }

    fn tick_ceil(&self, instant: Instant) -> u64 {
        let since = instant.saturating_duration_since(self.start);
        let ms = since.as_millis() as u64;
        if since > Duration::from_millis(ms) {
            ms + 1
        } else {
            ms
        }
    }

    /// The instant a tick starts.
    pub(crate) fn tick_instant(&self, tick: u64) -> Instant {
        self.start + Duration::from_millis(tick)
    }
}
