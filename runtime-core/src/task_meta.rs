//! What a task knows about itself for observability: where it was spawned,
//! its name, how often it was polled, when it last ran and was woken, how
//! long its polls took, and which task it is waiting on.
//!
//! # Design
//!
//! The metadata lives in the task header ([`Meta`], 40 bytes on 64-bit
//! targets), so reading it needs no lookup and no allocation per spawn: the
//! spawn site is a `&'static Location` captured with `#[track_caller]` along
//! the spawn functions, the name a thin pointer that is only allocated when
//! a task is named (`task::Builder::name`). Everything else is a relaxed
//! atomic written by exactly one party at a time: the poll counters and
//! times by the thread holding `RUNNING`, the wake time by whoever schedules
//! the task. Nothing here synchronises memory; a dump (which reads the fields
//! from another thread while holding a reference) may see a poll count one
//! behind, never a torn or freed value.
//!
//! Times are cheap because they are coarse: [`coarse_now_ms`] reads a
//! process-wide millisecond clock that the runtime's watchdog thread (the
//! long-poll detector, see the executor) advances on each of its ticks, so a
//! poll or a wake stores a number it loads from a mostly-read cache line
//! instead of asking the OS for the time. While no watchdog runs the clock
//! stands still and [`since_ms`] reports nothing rather than a wrong age.
//! Precise per-poll timing (busy time, the poll-time histogram) costs two
//! clock reads per poll and is on only for threads that asked for it
//! ([`set_poll_timing`]).
//!
//! Spawn functions that call through a closure (which would hide the caller
//! from `#[track_caller]`) or that name the task pass the site and name
//! explicitly with [`with_spawn_meta`]: the next task allocated on this
//! thread inside the call takes them.

use crate::id::Id;
use std::cell::Cell;
use std::panic::Location;
use std::ptr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The observability fields of a task header.
pub(crate) struct Meta {
    pub(crate) site: &'static Location<'static>,
    /// Set at allocation, never written again.
    pub(crate) name: Option<Box<Box<str>>>,
    pub(crate) polls: AtomicU32,
    /// [`coarse_now_ms`] when the last poll began; 0: never polled.
    pub(crate) last_poll_ms: AtomicU32,
    /// [`coarse_now_ms`] when the task was last scheduled by a wake; 0: never.
    pub(crate) last_wake_ms: AtomicU32,
    /// Total poll time in microseconds (saturating), with precise timing on.
    pub(crate) busy_us: AtomicU32,
    /// The task whose `JoinHandle` the last poll returned `Pending` on; 0: none.
    pub(crate) awaiting: AtomicU64,
}

impl Meta {
    #[track_caller]
    pub(crate) fn new() -> Meta {
        let (site, name) = match SPAWN.try_with(Cell::take) {
            Ok(Some((site, name))) => (site, name.map(Box::new)),
            _ => (Location::caller(), None),
        };
        Meta {
            site,
            name,
            polls: AtomicU32::new(0),
            last_poll_ms: AtomicU32::new(0),
            last_wake_ms: AtomicU32::new(0),
            busy_us: AtomicU32::new(0),
            awaiting: AtomicU64::new(0),
        }
    }

    /// A poll begins (the caller holds `RUNNING`: the only writer).
    #[inline]
    pub(crate) fn poll_started(&self) {
        self.polls
            .store(self.polls.load(Relaxed).wrapping_add(1), Relaxed);
        self.last_poll_ms.store(coarse_now_ms(), Relaxed);
        self.awaiting.store(0, Relaxed);
    }

    /// The task was scheduled by a wake.
    #[inline]
    pub(crate) fn woken(&self) {
        self.last_wake_ms.store(coarse_now_ms(), Relaxed);
    }
}

/// A spawn site and an optional task name, handed from a spawn call to the
/// task it creates.
type SpawnInfo = (&'static Location<'static>, Option<Box<str>>);

thread_local! {
    static SPAWN: Cell<Option<SpawnInfo>> = const { Cell::new(None) };
    /// The metadata of the task being polled on this thread.
    static CURRENT: Cell<*const Meta> = const { Cell::new(ptr::null()) };
    /// Precise per-poll timing on this thread ([`set_poll_timing`]).
    static TIMING: Cell<bool> = const { Cell::new(false) };
    /// Length of the last poll timed on this thread, in nanoseconds.
    static LAST_POLL: Cell<u64> = const { Cell::new(0) };
}

/// Runs `f`; the first task allocated on this thread inside it records `site`
/// as its spawn site and `name` as its name. Restores the previous setting
/// afterwards (also on unwind), so an unused setting never reaches a later
/// spawn. An enclosing call's setting wins: the outermost spawn function is
/// the one that knows the user's call site.
pub fn with_spawn_meta<R>(
    site: &'static Location<'static>,
    name: Option<&str>,
    f: impl FnOnce() -> R,
) -> R {
    if SPAWN.try_with(|s| {
        let v = s.take();
        let set = v.is_some();
        s.set(v);
        set
    }) != Ok(false)
    {
        return f();
    }
    struct Restore(Option<(&'static Location<'static>, Option<Box<str>>)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = SPAWN.try_with(|s| s.set(self.0.take()));
        }
    }
    let prev = SPAWN.with(|s| s.replace(Some((site, name.map(Box::from)))));
    let _restore = Restore(prev);
    f()
}

/// Turns precise per-poll timing on or off for tasks polled on this thread
/// (the executor sets it on its worker threads when the poll-time histogram
/// is enabled).
pub fn set_poll_timing(on: bool) {
    let _ = TIMING.try_with(|t| t.set(on));
}

/// The duration of the last poll timed on this thread (0 without timing).
pub fn last_poll_duration() -> Duration {
    Duration::from_nanos(LAST_POLL.try_with(Cell::get).unwrap_or(0))
}

/// Makes `meta` the current task's metadata for a poll; restores on drop.
pub(crate) struct PollScope {
    prev: *const Meta,
    start: Option<Instant>,
    meta: *const Meta,
}

impl PollScope {
    #[inline]
    pub(crate) fn enter(meta: &Meta) -> PollScope {
        let prev = CURRENT.try_with(|c| c.replace(meta)).unwrap_or(ptr::null());
        let start = if TIMING.try_with(Cell::get).unwrap_or(false) {
            Some(Instant::now())
        } else {
            None
        };
        PollScope { prev, start, meta }
    }
}

impl Drop for PollScope {
    #[inline]
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.prev));
        if let Some(start) = self.start {
            let nanos = start.elapsed().as_nanos() as u64;
            let _ = LAST_POLL.try_with(|l| l.set(nanos));
            // SAFETY: the scope lives inside the poll, which holds a
            // reference to the task, so its header (and `Meta`) is alive.
            let meta = unsafe { &*self.meta };
            let us = u32::try_from(nanos / 1_000).unwrap_or(u32::MAX);
            let total = meta.busy_us.load(Relaxed).saturating_add(us);
            meta.busy_us.store(total, Relaxed);
        }
    }
}

/// Called by a `JoinHandle` whose task is not done: the task polling it now
/// is waiting on `id`.
#[inline]
pub(crate) fn note_awaiting(id: Id) {
    let _ = CURRENT.try_with(|c| {
        let meta = c.get();
        if !meta.is_null() {
            // SAFETY: `CURRENT` is only non-null inside a `PollScope`, whose
            // poll holds a reference to the task that owns this `Meta`.
            unsafe { &*meta }.awaiting.store(id.as_u64(), Relaxed);
        }
    });
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

static COARSE_MS: AtomicU32 = AtomicU32::new(0);

/// Milliseconds since the process's first tick (never 0), as of the
/// latest [`tick_clock`]; 0 when the clock never ticked.
#[inline]
pub fn coarse_now_ms() -> u32 {
    COARSE_MS.load(Relaxed)
}

/// The precise time in the coarse clock's unit (milliseconds since its
/// epoch, never 0).
pub fn precise_now_ms() -> u32 {
    (epoch().elapsed().as_millis() as u32).saturating_add(1)
}

/// Advances the coarse clock to now (called by watchdog threads on each
/// tick); returns the new value.
pub fn tick_clock() -> u32 {
    let now = precise_now_ms();
    COARSE_MS.fetch_max(now, Relaxed);
    now
}

/// How long ago a coarse timestamp was; `None` for 0 (never) or when the
/// coarse clock has not ticked for a second (no watchdog runs, so the
/// timestamp may be stale).
pub fn since_ms(stamp: u32) -> Option<Duration> {
    let now = precise_now_ms();
    let clock = coarse_now_ms();
    if stamp == 0 || clock == 0 || now.saturating_sub(clock) > 1_000 {
        return None;
    }
    Some(Duration::from_millis(u64::from(now.saturating_sub(stamp))))
}

/// A read-only view of one task's metadata, handed out while the caller holds
/// a reference to the task (an owned-list entry or a queue entry).
#[derive(Clone, Copy)]
pub struct TaskInfo<'a> {
    pub(crate) header: &'a crate::raw::Header,
}

impl<'a> TaskInfo<'a> {
    /// The task's id.
    pub fn id(&self) -> Id {
        self.header.id
    }

    /// Where the task was spawned.
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.header.meta.site
    }

    /// The name given with `task::Builder::name`.
    pub fn name(&self) -> Option<&'a str> {
        self.header.meta.name.as_deref().map(|n| &**n)
    }

    /// Polls so far (wraps at 2^32).
    pub fn polls(&self) -> u32 {
        self.header.meta.polls.load(Relaxed)
    }

    /// Total poll time (only counted with precise timing on).
    pub fn busy(&self) -> Duration {
        Duration::from_micros(u64::from(self.header.meta.busy_us.load(Relaxed)))
    }

    /// Time since the last poll began (see [`since_ms`]).
    pub fn since_last_poll(&self) -> Option<Duration> {
        since_ms(self.header.meta.last_poll_ms.load(Relaxed))
    }

    /// Time since the last wake (see [`since_ms`]).
    pub fn since_last_wake(&self) -> Option<Duration> {
        since_ms(self.header.meta.last_wake_ms.load(Relaxed))
    }

    /// The task whose `JoinHandle` this one is waiting on, if its last poll
    /// ended waiting on one.
    pub fn awaiting(&self) -> Option<Id> {
        Id::from_u64(self.header.meta.awaiting.load(Relaxed))
    }

    /// A poll (or the cancellation) of the task is in progress.
    pub fn is_running(&self) -> bool {
        self.header.state.load().is_running()
    }

    /// The task is queued to run (or will be re-queued after its poll).
    pub fn is_notified(&self) -> bool {
        self.header.state.load().is_notified()
    }

    /// The task has finished.
    pub fn is_complete(&self) -> bool {
        self.header.state.load().is_complete()
    }
}

impl std::fmt::Debug for TaskInfo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskInfo")
            .field("id", &self.id())
            .field("name", &self.name())
            .field("spawned_at", &self.spawned_at())
            .field("polls", &self.polls())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn spawn_meta_is_taken_once_and_restored() {
        let here = Location::caller();
        with_spawn_meta(here, Some("named"), || {
            let meta = Meta::new();
            assert_eq!(meta.site, here);
            assert_eq!(meta.name.as_deref().map(|n| &**n), Some("named"));
            // Taken: the next one records its own caller.
            let next = Meta::new();
            assert!(next.name.is_none());
        });
        // The outer setting wins over an inner one.
        let other = Location::caller();
        with_spawn_meta(here, Some("outer"), || {
            with_spawn_meta(other, Some("inner"), || {
                let meta = Meta::new();
                assert_eq!(meta.site, here);
                assert_eq!(meta.name.as_deref().map(|n| &**n), Some("outer"));
            })
        });
        // An unused setting does not outlive the call.
        with_spawn_meta(here, Some("unused"), || {});
        assert!(Meta::new().name.is_none());
    }

    #[test]
    fn stale_or_unset_stamps_give_no_age() {
        assert_eq!(since_ms(0), None);
        let now = tick_clock();
        let age = since_ms(now).expect("clock just ticked");
        assert!(age < Duration::from_secs(1));
    }
}
