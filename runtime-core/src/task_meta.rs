//! What a task knows about itself for observability: where it was spawned,
//! its name, how often it was polled, when it last ran and was woken, how
//! long its polls took, and which task it is waiting on.
//!
//! # Design
//!
//! What every task has lives in the task header, 12 bytes on 64-bit
//! targets, so reading it needs no lookup and no allocation per spawn: the
//! spawn site, a `&'static Location` captured with `#[track_caller]` along
//! the spawn functions, and a 32-bit word holding the poll count and a
//! flag. What only some tasks have (a name from `task::Builder::name`;
//! with per-task tracking on, the last poll or wake stamp and the awaited
//! task; with precise timing on, the busy time) lives in a sharded side
//! table keyed by task id, flagged by the word's low bit and removed when
//! the task is freed.
//!
//! Why so little in the header: the allocator's size classes. With glibc,
//! a task of up to 120 bytes (header, scheduler, a small future, the join
//! waker) is served from the lock-free fast bins; 16 bytes more and the
//! smallest tasks cross into the locked bins, which more than doubled the
//! time of `spawn_many_local` (measured: the same build with a 16-byte
//! larger future, BENCHMARKS.md, third session; later series found that
//! workload running at one of two speeds per process whatever the size,
//! so the size is one suspect, not a proven cause). The header is 56
//! bytes, 8 more than before spawn sites were recorded.
//!
//! The poll word is written by the thread holding `RUNNING` and flagged by
//! whoever creates the side entry, with atomic read-modify-writes; the
//! side table is behind its shard's lock. Nothing here synchronises task
//! memory; a dump (which reads from another thread while holding a
//! reference) may see a poll count one behind, never a torn or freed value.

//! Times are cheap because they are coarse: [`coarse_now_ms`] reads a
//! process-wide millisecond clock that the runtime's watchdog thread (the
//! long-poll detector, see the executor) advances on each of its ticks, so a
//! poll or a wake stores a number it loads from a mostly-read cache line
//! instead of asking the OS for the time. While no watchdog runs the clock
//! stands still and [`since_ms`] reports nothing rather than a wrong age.
//!
//! Per-task tracking (the poll count, and through the side table the
//! stamp and the awaited task: a shard lock per poll and per wake) and
//! precise per-poll timing (busy time, the poll-time histogram; two clock
//! reads per poll) are recorded only on threads whose runtime asked for them
//! ([`set_thread_tracking`]): one thread-local load per poll decides.
//! Tracking is on by default in debug builds only. The spawn site is always
//! recorded.
//!
//! Spawn functions that reach the allocation through a closure (which would
//! hide the caller from `#[track_caller]`) pass the site explicitly
//! (`runtime_core::spawn_at`); the facade's `task::Builder` passes site and
//! name with [`with_spawn_meta`]: the next task allocated on this thread
//! inside the call takes them.

use crate::id::Id;
use crate::raw::Header;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::Location;
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The low bit of `Header::polls`: the task has a side-table entry. The
/// count is kept above it (in steps of [`ONE_POLL`]), so that counting,
/// which wraps at the top, never touches the flag.
const SIDE: u32 = 1;
/// One poll in `Header::polls`.
const ONE_POLL: u32 = 2;

/// What only some tasks have, kept out of the header so that every task
/// does not pay for it: a name (`task::Builder::name`); with per-task
/// tracking on, the stamp of the last poll or wake and the awaited task;
/// with precise timing on, the busy time. Keyed by task id, sharded by id;
/// an entry is removed when its task is freed.
#[derive(Default)]
struct Side {
    name: Option<Box<str>>,
    busy: Duration,
    /// [`coarse_now_ms`] at the last poll start or wake; 0: none.
    last_event_ms: u32,
    /// The task whose `JoinHandle` the last poll ended waiting on.
    awaiting: Option<Id>,
}

const SHARDS: usize = 16;

static SIDE_TABLE: [std::sync::Mutex<BTreeMap<u64, Side>>; SHARDS] =
    [const { std::sync::Mutex::new(BTreeMap::new()) }; SHARDS];

fn side<R>(id: Id, f: impl FnOnce(&mut BTreeMap<u64, Side>) -> R) -> R {
    let shard = &SIDE_TABLE[(id.as_u64() as usize) % SHARDS];
    // A panic never happens under this lock (no user code runs), so a
    // poisoned lock only means another thread died elsewhere: go on.
    let mut map = shard.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut map)
}

/// The spawn site for a task being allocated (the override of
/// [`with_spawn_meta`], or `site`) and the initial poll word (with [`SIDE`]
/// set when a name went into the side table).
#[inline]
pub(crate) fn spawn_meta(
    id: Id,
    site: &'static Location<'static>,
) -> (&'static Location<'static>, u32) {
    if !SPAWN_SET.try_with(Cell::get).unwrap_or(false) {
        return (site, 0);
    }
    spawn_meta_override(id, site)
}

#[cold]
fn spawn_meta_override(
    id: Id,
    site: &'static Location<'static>,
) -> (&'static Location<'static>, u32) {
    let _ = SPAWN_SET.try_with(|s| s.set(false));
    let Ok(Some((site, name))) = SPAWN.try_with(|s| s.take()) else {
        return (site, 0);
    };
    let Some((ptr, len)) = name else {
        return (site, 0);
    };
    // SAFETY: `with_spawn_meta` stored a `&str` that outlives its closure,
    // inside which this allocation runs.
    let name = unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len)) };
    side(id, |m| {
        m.entry(id.as_u64()).or_default().name = Some(name.into())
    });
    (site, SIDE)
}

impl Header {
    /// A poll begins (per-task tracking on; the caller holds `RUNNING`).
    /// A side-table look-up: tracking is for debug builds and dumps, and
    /// keeping its stamps out of the header keeps every task 8 bytes
    /// smaller (see the module docs).
    #[inline]
    pub(crate) fn poll_started(&self) {
        // A wake may set the flag concurrently: read-modify-write.
        self.polls.fetch_add(ONE_POLL, Relaxed);
        let now = coarse_now_ms();
        self.with_side(|e| {
            e.last_event_ms = now;
            e.awaiting = None;
        });
    }

    /// The task was scheduled by a wake (per-task tracking on).
    #[inline]
    pub(crate) fn note_woken(&self) {
        let now = coarse_now_ms();
        self.with_side(|e| e.last_event_ms = now);
    }

    /// The task is being freed: drops its side-table entry, if any.
    #[inline]
    pub(crate) fn release_meta(&self) {
        if self.polls.load(Relaxed) & SIDE != 0 {
            side(self.id, |m| m.remove(&self.id.as_u64()));
        }
    }

    /// Adds a timed poll's duration (the caller holds `RUNNING`).
    fn add_busy(&self, took: Duration) {
        self.with_side(|e| e.busy += took);
    }

    /// Runs `f` on this task's side-table entry, made (and flagged) if it
    /// is not there yet. The caller holds a reference to the task, so
    /// `release_meta` cannot run meanwhile.
    fn with_side(&self, f: impl FnOnce(&mut Side)) {
        if self.polls.load(Relaxed) & SIDE == 0 {
            self.polls.fetch_or(SIDE, Relaxed);
        }
        side(self.id, |m| f(m.entry(self.id.as_u64()).or_default()));
    }

    /// Reads this task's side-table entry, if it has one.
    fn read_side<R>(&self, f: impl FnOnce(&Side) -> R) -> Option<R> {
        if self.polls.load(Relaxed) & SIDE == 0 {
            return None;
        }
        side(self.id, |m| m.get(&self.id.as_u64()).map(f))
    }
}

thread_local! {
    /// The site and name (`&str` as pointer and length, valid for the
    /// `with_spawn_meta` call that set them) for the next task allocated.
    static SPAWN: Cell<Option<SpawnMeta>> = const { Cell::new(None) };
    /// `SPAWN` is set (one flag for the spawn path to test).
    static SPAWN_SET: Cell<bool> = const { Cell::new(false) };
    /// The metadata of the task being polled on this thread.
    static CURRENT: Cell<*const Header> = const { Cell::new(ptr::null()) };
    /// What this thread records per poll ([`set_thread_tracking`]):
    /// [`TRACK`] and [`TIMING`] bits.
    static FLAGS: Cell<u8> = const { Cell::new(0) };
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
    if SPAWN_SET.try_with(Cell::get) != Ok(false) {
        return f();
    }
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = SPAWN.try_with(|s| s.set(None));
            let _ = SPAWN_SET.try_with(|s| s.set(false));
        }
    }
    let name = name.map(|n| (n.as_ptr(), n.len()));
    SPAWN.with(|s| s.set(Some((site, name))));
    SPAWN_SET.with(|s| s.set(true));
    let _restore = Restore;
    f()
}

type SpawnMeta = (&'static Location<'static>, Option<(*const u8, usize)>);

/// Sets what is recorded per poll for tasks polled on this thread (the
/// executor sets it on the threads that run its tasks): `track` the
/// task's poll count, last-event stamp and awaited task (for dumps);
/// `timing` also each poll's duration (busy time, the poll-time histogram).
#[inline]
pub fn set_thread_tracking(track: bool, timing: bool) {
    let flags = if track { TRACK } else { 0 } | if timing { TIMING } else { 0 };
    let _ = FLAGS.try_with(|f| f.set(flags));
}

/// Per-task tracking: poll counts, the last-event stamp, the awaited task.
const TRACK: u8 = 1;
/// Precise per-poll timing: busy time, the poll-time histogram.
const TIMING: u8 = 2;

/// This thread's tracking flags (0: record nothing per poll).
#[inline]
pub(crate) fn thread_flags() -> u8 {
    FLAGS.try_with(Cell::get).unwrap_or(0)
}

/// True when `flags` ask for per-task tracking.
#[inline]
pub(crate) fn tracks(flags: u8) -> bool {
    flags & TRACK != 0
}

/// The duration of the last poll timed on this thread (0 without timing).
pub fn last_poll_duration() -> Duration {
    Duration::from_nanos(LAST_POLL.try_with(Cell::get).unwrap_or(0))
}

/// Makes `meta` the current task's metadata for a poll; restores on drop.
pub(crate) struct PollScope {
    prev: *const Header,
    start: Option<Instant>,
    header: *const Header,
}

impl PollScope {
    #[inline]
    pub(crate) fn enter(header: &Header, flags: u8) -> PollScope {
        let prev = CURRENT
            .try_with(|c| c.replace(header))
            .unwrap_or(ptr::null());
        let start = if flags & TIMING != 0 {
            Some(Instant::now())
        } else {
            None
        };
        PollScope {
            prev,
            start,
            header,
        }
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
            let header = unsafe { &*self.header };
            header.add_busy(Duration::from_nanos(nanos));
        }
    }
}

/// Called by a `JoinHandle` whose task is not done: the task polling it now
/// is waiting on `id`.
#[inline]
pub(crate) fn note_awaiting(id: Id) {
    let _ = CURRENT.try_with(|c| {
        let header = c.get();
        if !header.is_null() {
            // SAFETY: `CURRENT` is only non-null inside a `PollScope`, whose
            // poll holds a reference to the task that owns this header.
            unsafe { &*header }.with_side(|e| e.awaiting = Some(id));
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
        self.header.site
    }

    /// The name given with `task::Builder::name` (a side-table look-up).
    pub fn name(&self) -> Option<String> {
        self.header
            .read_side(|e| e.name.as_deref().map(String::from))
            .flatten()
    }

    /// Polls so far, with per-task tracking on (wraps at 2^31).
    pub fn polls(&self) -> u32 {
        self.header.polls.load(Relaxed) / ONE_POLL
    }

    /// Total poll time (only counted with precise timing on).
    pub fn busy(&self) -> Duration {
        self.header.read_side(|e| e.busy).unwrap_or_default()
    }

    /// Time since the task's last event: the start of its last poll, or
    /// the wake after it (see [`since_ms`]). One stamp serves both: an idle
    /// or running task's last event is its poll, a scheduled task's is
    /// the wake that queued it.
    pub fn since_last_event(&self) -> Option<Duration> {
        since_ms(self.header.read_side(|e| e.last_event_ms)?)
    }

    /// The task whose `JoinHandle` this one is waiting on, if its last
    /// poll ended waiting on one (with per-task tracking on).
    pub fn awaiting(&self) -> Option<Id> {
        self.header.read_side(|e| e.awaiting).flatten()
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
        let id = Id::next();
        with_spawn_meta(here, Some("named"), || {
            let (site, polls) = spawn_meta(id, Location::caller());
            assert_eq!(site, here);
            assert_eq!(polls, SIDE);
            side(id, |m| m.remove(&id.as_u64()));
            // Taken: the next one records its own caller, and no name.
            let (site, polls) = spawn_meta(Id::next(), Location::caller());
            assert_ne!(site, here);
            assert_eq!(polls, 0);
        });
        // The outer setting wins over an inner one.
        let other = Location::caller();
        with_spawn_meta(here, Some("outer"), || {
            with_spawn_meta(other, Some("inner"), || {
                let id = Id::next();
                let (site, _) = spawn_meta(id, Location::caller());
                assert_eq!(site, here);
                let name = side(id, |m| m.remove(&id.as_u64()).and_then(|e| e.name));
                assert_eq!(name.as_deref(), Some("outer"));
            })
        });
        // An unused setting does not outlive the call.
        with_spawn_meta(here, Some("unused"), || {});
        assert_eq!(spawn_meta(Id::next(), Location::caller()).1, 0);
    }

    #[test]
    fn stale_or_unset_stamps_give_no_age() {
        assert_eq!(since_ms(0), None);
        let now = tick_clock();
        let age = since_ms(now).expect("clock just ticked");
        assert!(age < Duration::from_secs(1));
    }
}
