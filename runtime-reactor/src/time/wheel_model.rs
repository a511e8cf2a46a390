//! Model-based random tests of the timer wheel (`wheel.rs`) and of the timer
//! entries around it (`entry.rs`), against a `BTreeMap` of deadlines.
//!
//! Each case is a random sequence of inserts (deadlines from already-due to
//! far beyond the wheel's 64^6-tick range), cancels, resets (move a
//! deadline: remove + insert, as `Sleep::reset` does) and advances (small
//! steps, level boundaries, the driver's `next_expiration` step, huge jumps),
//! all drawn from one seed. After every advance exactly the timers whose
//! deadline is `<= now` must have fired: none early, none twice, none lost,
//! and no cancelled one.
//!
//! A failing case prints its seed and the operations it ran. Replay one with
//! `SEED=<seed> cargo test -p runtime-reactor --lib wheel_model` (decimal or
//! `0x` hex); `CASES=<n>` changes how many seeds a run tries (default 256),
//! and `TRACE=1` prints each operation as it runs (for a case that hangs).

use super::entry::{TimerShared, Timers};
use super::wheel::{Key, Wheel};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Wake, Waker};

/// Ticks covered by the wheel: 64^6 (mirrors `wheel::RANGE`).
const RANGE: u64 = 1 << 36;

/// Seeded xorshift64 (seed scrambled by splitmix64, so small seeds differ).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform-ish in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        match (hi - lo).checked_add(1) {
            Some(n) => lo + self.below(n),
            None => self.next(),
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let s = std::env::var(name).ok()?;
    let s = s.trim();
    let parsed = match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={s:?} is not a number")))
}

/// `SEED` alone if set, else `CASES` (default `default_cases`) seeds.
fn seeds(default_cases: u64) -> Vec<u64> {
    match env_u64("SEED") {
        Some(seed) => vec![seed],
        None => (0..env_u64("CASES").unwrap_or(default_cases)).collect(),
    }
}

/// The operations a case ran; printed with the seed if the case panics.
struct Log {
    test: &'static str,
    seed: u64,
    ops: Vec<String>,
}

impl Log {
    /// Records `op`; with `TRACE=1` also prints it at once (for a case
    /// that hangs instead of failing).
    fn op(&mut self, op: String) {
        if std::env::var_os("TRACE").is_some() {
            eprintln!("  {:4}: {op}", self.ops.len());
        }
        self.ops.push(op);
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut msg = format!(
                "\n=== {} failed with SEED={} after {} operations ===\n",
                self.test,
                self.seed,
                self.ops.len()
            );
            for (i, op) in self.ops.iter().enumerate() {
                let _ = writeln!(msg, "  {i:4}: {op}");
            }
            let _ = writeln!(
                msg,
                "replay: SEED={} cargo test -p runtime-reactor --lib wheel_model::{}",
                self.seed, self.test
            );
            eprintln!("{msg}");
        }
    }
}

/// Longest a case may run before the watchdog calls it hung.
const CASE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs `case` for each seed. A case that panics prints its seed and
/// operations (`Log`'s drop); one that runs past [`CASE_TIMEOUT`] has its
/// seed printed by a watchdog, which then aborts the process (a hang cannot
/// be unwound).
fn run(test: &'static str, default_cases: u64, case: impl Fn(&mut Rng, &mut Log)) {
    for seed in seeds(default_cases) {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(CASE_TIMEOUT)
            {
                // Straight to stderr: the harness's capture is lost on abort.
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "\n=== {test}: SEED={seed} still running after {CASE_TIMEOUT:?}: hung ===\n\
                     replay with: SEED={seed} TRACE=1 cargo test -p runtime-reactor --lib wheel_model::{test} -- --include-ignored"
                );
                std::process::abort();
            }
        });
        let mut log = Log {
            test,
            seed,
            ops: Vec::new(),
        };
        case(&mut Rng::new(seed), &mut log);
        drop(done);
        watchdog.join().unwrap();
    }
}

/// A deadline relative to the wheel's current time `e`: already due, near,
/// on a level boundary, at the range's edge, beyond it, near another live
/// deadline (to share slots), or `u64::MAX`.
fn pick_deadline(rng: &mut Rng, e: u64, live: &[u64]) -> u64 {
    let wobble = |rng: &mut Rng, x: u64| match rng.below(5) {
        0 => x.saturating_sub(2),
        1 => x.saturating_sub(1),
        2 => x,
        3 => x.saturating_add(1),
        _ => x.saturating_add(2),
    };
    match rng.below(11) {
        0 => e.saturating_sub(rng.below(3)),
        1 => e.saturating_add(rng.range(1, 64)),
        2 => {
            // The next multiple of 64^level above `e`, give or take 2.
            let span = 1u64 << (6 * rng.range(1, 6));
            let next = (e | (span - 1)).saturating_add(1);
            wobble(rng, next)
        }
        3 => e.saturating_add(rng.range(1, 4096)),
        4 => e.saturating_add(rng.range(1, 1 << 24)),
        5 => e.saturating_add(rng.range(1, RANGE - 1)),
        6 => wobble(rng, e.saturating_add(RANGE - 1)),
        7 => e.saturating_add(rng.range(RANGE, 40 * RANGE)),
        8 if !live.is_empty() => {
            let d = rng.pick(live);
            wobble(rng, d)
        }
        9 => u64::MAX - rng.below(3),
        _ => e.saturating_add(rng.range(1, 1 << 12) << rng.range(0, 24)),
    }
}

/// Where to advance to from `e`: backwards or nowhere, a small step, a level
/// boundary, the earliest deadline (or just before), the wheel's own
/// `next_expiration` (the driver's step), a random live deadline, or a huge
/// jump.
fn pick_now(
    rng: &mut Rng,
    e: u64,
    earliest: Option<u64>,
    next: Option<u64>,
    live: &[u64],
    max_jump: u64,
) -> u64 {
    let now = match rng.below(9) {
        0 => e.saturating_sub(rng.below(100)),
        1 => e.saturating_add(rng.range(1, 64)),
        2 => {
            let span = 1u64 << (6 * rng.range(1, 6));
            let boundary = (e | (span - 1)).saturating_add(1);
            boundary.saturating_sub(1).saturating_add(rng.below(3))
        }
        3 => earliest.map_or(e, |d| d - rng.below(2)),
        4 => next.unwrap_or(e),
        5 => e.saturating_add(rng.range(1, 1 << 20)),
        6 if !live.is_empty() => rng.pick(live),
        7 => e.saturating_add(rng.range(1 << 30, 1 << 40)),
        _ => e.saturating_add(rng.range(1, 1 << 12) << rng.range(0, 24)),
    };
    now.min(e.saturating_add(max_jump))
}

/// The longest advance the main tests make: 2^42 ticks (~140 years of
/// milliseconds). The driver's ticks are milliseconds since the clock
/// started, and `Instant + Duration` saturates at ~30 years, so real jumps
/// are shorter. Longer ones are slow (see `wheel_full_u64_range_model`).
const MAX_JUMP: u64 = 1 << 42;

/// A starting time for the wheel: 0, some time in the first range, just
/// before a turn of the top level, far along, or near the end of `u64`.
fn pick_start(rng: &mut Rng) -> u64 {
    match rng.below(5) {
        0 => 0,
        1 => rng.below(RANGE),
        2 => RANGE * rng.range(1, 3) - rng.range(1, 5000),
        3 => rng.range(1 << 40, 1 << 50),
        _ => u64::MAX - rng.range(1 << 30, 1 << 45),
    }
}

/// The wheel's `next_expiration` promise: `Some` iff non-empty, after
/// `elapsed`, and never after the earliest deadline.
fn check_next_expiration<T>(wheel: &Wheel<T>, model: &BTreeMap<(u64, usize), u32>) {
    let next = wheel.next_expiration();
    let earliest = model.keys().next().map(|&(d, _)| d);
    assert_eq!(
        next.is_some(),
        earliest.is_some(),
        "next_expiration {next:?}, earliest {earliest:?}"
    );
    if let (Some(next), Some(earliest)) = (next, earliest) {
        assert!(
            next <= earliest,
            "next_expiration {next} after the earliest deadline {earliest}"
        );
        assert!(
            next > wheel.elapsed(),
            "next_expiration {next} not after elapsed {}",
            wheel.elapsed()
        );
    }
}

/// A model timer: its current incarnation (bumped by every insert, so a
/// stale item is caught) and where it stands.
#[derive(Debug, Clone, Copy)]
enum Timer {
    Live { key: Key, deadline: u64, gen: u32 },
    Fired { gen: u32 },
    Cancelled { gen: u32 },
}

impl Timer {
    fn gen(&self) -> u32 {
        match *self {
            Timer::Live { gen, .. } | Timer::Fired { gen } | Timer::Cancelled { gen } => gen,
        }
    }
}

/// The wheel driven directly: items are `(timer id, incarnation)`.
fn wheel_case(rng: &mut Rng, log: &mut Log, max_jump: u64) {
    let mut wheel: Wheel<(usize, u32)> = Wheel::new();
    let start = pick_start(rng);
    wheel.poll(start, &mut Vec::new());
    log.op(format!("start at {start}"));
    let mut timers: Vec<Timer> = Vec::new();
    // The reference: (deadline, id) -> incarnation of every live timer.
    let mut model: BTreeMap<(u64, usize), u32> = BTreeMap::new();
    let ops = rng.range(20, 300);
    let mut out = Vec::new();

    // Insert timer `id` (new or not live) as incarnation `gen`.
    let insert = |wheel: &mut Wheel<(usize, u32)>,
                  model: &mut BTreeMap<(u64, usize), u32>,
                  id: usize,
                  gen: u32,
                  deadline: u64|
     -> Timer {
        let e = wheel.elapsed();
        match wheel.insert(deadline, (id, gen)) {
            Ok(key) => {
                assert!(
                    deadline > e,
                    "insert({deadline}) at {e} accepted: it is already due"
                );
                assert_eq!(wheel.deadline(key), deadline, "stored deadline");
                model.insert((deadline, id), gen);
                Timer::Live { key, deadline, gen }
            }
            Err(back) => {
                assert_eq!(back, (id, gen), "insert handed back another item");
                assert!(
                    deadline <= e,
                    "insert({deadline}) at {e} refused: it is not due"
                );
                // The caller fires it itself.
                Timer::Fired { gen }
            }
        }
    };

    for _ in 0..ops {
        let live: Vec<u64> = model.keys().map(|&(d, _)| d).collect();
        let e = wheel.elapsed();
        match rng.below(10) {
            0..=2 => {
                let id = timers.len();
                let deadline = pick_deadline(rng, e, &live);
                log.op(format!("insert t{id} at {deadline} (elapsed {e})"));
                let t = insert(&mut wheel, &mut model, id, 0, deadline);
                timers.push(t);
            }
            3 if !timers.is_empty() => {
                let id = rng.below(timers.len() as u64) as usize;
                log.op(format!("cancel t{id} ({:?})", timers[id]));
                if let Timer::Live { key, deadline, gen } = timers[id] {
                    assert_eq!(wheel.remove(key), (id, gen), "remove returned another item");
                    assert_eq!(model.remove(&(deadline, id)), Some(gen));
                }
                timers[id] = Timer::Cancelled {
                    gen: timers[id].gen(),
                };
            }
            4 | 5 if !timers.is_empty() => {
                let id = rng.below(timers.len() as u64) as usize;
                let deadline = pick_deadline(rng, e, &live);
                log.op(format!(
                    "reset t{id} ({:?}) to {deadline} (elapsed {e})",
                    timers[id]
                ));
                if let Timer::Live {
                    key,
                    deadline: old,
                    gen,
                } = timers[id]
                {
                    assert_eq!(wheel.remove(key), (id, gen), "remove returned another item");
                    assert_eq!(model.remove(&(old, id)), Some(gen));
                }
                let gen = timers[id].gen() + 1;
                timers[id] = insert(&mut wheel, &mut model, id, gen, deadline);
            }
            _ => {
                let earliest = live.first().copied();
                let now = pick_now(rng, e, earliest, wheel.next_expiration(), &live, max_jump);
                log.op(format!(
                    "advance to {now} (elapsed {e}, earliest {earliest:?})"
                ));
                out.clear();
                wheel.poll(now, &mut out);
                let mut fired: Vec<(usize, u32)> = out.clone();
                fired.sort_unstable();
                for w in fired.windows(2) {
                    assert_ne!(w[0], w[1], "t{} fired twice in one poll", w[0].0);
                }
                for &(id, gen) in &fired {
                    match timers.get(id) {
                        Some(&Timer::Live {
                            deadline, gen: g, ..
                        }) if g == gen => {
                            assert!(
                                deadline <= now,
                                "t{id} (deadline {deadline}) fired early at {now}"
                            );
                            timers[id] = Timer::Fired { gen };
                        }
                        other => panic!("t{id}#{gen} fired but it is {other:?}"),
                    }
                }
                // Everything due by `now` fired: none lost.
                let mut expected: Vec<(usize, u32)> = Vec::new();
                while let Some((&(d, id), &gen)) = model.first_key_value() {
                    if d > now {
                        break;
                    }
                    model.pop_first();
                    expected.push((id, gen));
                }
                expected.sort_unstable();
                assert_eq!(fired, expected, "poll({now}) from {e}: fired vs due");
                assert_eq!(wheel.elapsed(), e.max(now), "elapsed after poll({now})");
                for (d, id) in model.keys() {
                    if let Timer::Live { key, .. } = timers[*id] {
                        assert_eq!(wheel.deadline(key), *d, "t{id}'s stored deadline");
                    }
                }
            }
        }
        assert_eq!(wheel.len(), model.len(), "wheel.len() vs live timers");
        check_next_expiration(&wheel, &model);
    }
    // Drain like the driver: step to next_expiration a bounded number of
    // times, then to the end of time; everything left fires exactly once.
    log.op("drain".to_string());
    let mut fired = Vec::new();
    for _ in 0..200 {
        match wheel.next_expiration() {
            Some(next) => wheel.poll(next, &mut fired),
            None => break,
        }
    }
    wheel.poll(u64::MAX, &mut fired);
    fired.sort_unstable();
    let mut expected: Vec<(usize, u32)> = model.iter().map(|(&(_, id), &gen)| (id, gen)).collect();
    expected.sort_unstable();
    assert_eq!(fired, expected, "drain");
    assert!(wheel.is_empty());
    assert_eq!(wheel.next_expiration(), None);
}

#[test]
fn wheel_matches_model() {
    run("wheel_matches_model", 256, |rng, log| {
        wheel_case(rng, log, MAX_JUMP)
    });
}

/// As `wheel_matches_model`, with advances of any length up to `u64::MAX`.
///
/// Found with SEED=2 (and 3): `poll(now)` re-files an entry due beyond
/// `now` and beyond the wheel's range once per 2^36 ticks between
/// `elapsed` and `now`, so one poll from ~2^49 to `u64::MAX - 1` with a
/// timer at `u64::MAX` makes ~2^28 hops and runs for minutes, contrary to
/// `Wheel::poll`'s "independent of how far `now` lies ahead". Unreachable
/// through the driver while ticks stay below ~2^40 (Instant saturates at
/// ~30 years), hence only a performance finding. The watchdog aborts a case
/// after 20 s.
#[test]
#[ignore = "bug: Wheel::poll costs (now - elapsed) / 2^36 hops per far entry due after now (SEED=2 hangs)"]
fn wheel_full_u64_range_model() {
    run("wheel_full_u64_range_model", 256, |rng, log| {
        wheel_case(rng, log, u64::MAX)
    });
}

/// Counts wake-ups of one waker.
struct CountWaker(AtomicUsize);

impl Wake for CountWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counter() -> (Arc<CountWaker>, Waker) {
    let count = Arc::new(CountWaker(AtomicUsize::new(0)));
    (count.clone(), Waker::from(count))
}

/// A model `Sleep`: its entry while registered (as `Sleep::entry`), its
/// deadline, the wakers it ever registered (the last is the current one)
/// and how often each must have been woken.
struct Sleeper {
    entry: Option<Arc<TimerShared>>,
    deadline: u64,
    wakers: Vec<(Arc<CountWaker>, Waker, usize)>,
    done: bool,
}

/// `Timers` (entries, recycling, firing) driven as `sleep.rs` and the driver
/// do: register (insert, or ready if due), re-poll with a new waker,
/// deregister (reset/drop), and fire everything due at an advance. Checks
/// that each fired timer's *current* waker is woken exactly once, replaced
/// wakers and cancelled timers never, and recycled entries start clean.
fn timers_case(rng: &mut Rng, log: &mut Log, max_jump: u64) {
    let mut timers = Timers::new();
    let start = pick_start(rng);
    timers.wheel.poll(start, &mut Vec::new());
    log.op(format!("start at {start}"));
    let mut sleepers: Vec<Sleeper> = Vec::new();
    let mut model: BTreeSet<(u64, usize)> = BTreeSet::new();
    let ops = rng.range(20, 200);

    // `Sleep::deregister`.
    let deregister =
        |timers: &mut Timers, model: &mut BTreeSet<(u64, usize)>, s: &mut Sleeper, id: usize| {
            if let Some(entry) = s.entry.take() {
                if let Some(key) = entry.key() {
                    let removed = timers.wheel.remove(key);
                    assert!(
                        Arc::ptr_eq(&removed, &entry),
                        "t{id}: removed another entry"
                    );
                    entry.set_key(None);
                    assert!(
                        model.remove(&(s.deadline, id)),
                        "t{id} was not live in the model"
                    );
                } else {
                    assert!(
                        !model.contains(&(s.deadline, id)),
                        "t{id} live in the model without a key"
                    );
                }
                timers.recycle(entry);
            }
        };

    for _ in 0..ops {
        let live: Vec<u64> = model.iter().map(|&(d, _)| d).collect();
        let e = timers.wheel.elapsed();
        match rng.below(10) {
            // New sleep, or reset of an existing one, then its first poll
            // (`Sleep::poll_elapsed` without an entry).
            0..=3 => {
                let deadline = pick_deadline(rng, e, &live);
                let id = if sleepers.is_empty() || rng.below(3) > 0 {
                    sleepers.push(Sleeper {
                        entry: None,
                        deadline,
                        wakers: Vec::new(),
                        done: false,
                    });
                    log.op(format!(
                        "sleep t{} until {deadline} (elapsed {e})",
                        sleepers.len() - 1
                    ));
                    sleepers.len() - 1
                } else {
                    let id = rng.below(sleepers.len() as u64) as usize;
                    log.op(format!("reset t{id} to {deadline} (elapsed {e})"));
                    deregister(&mut timers, &mut model, &mut sleepers[id], id);
                    sleepers[id].deadline = deadline;
                    id
                };
                let (count, waker) = counter();
                let entry = timers.entry(&waker);
                assert!(!entry.is_fired(), "t{id}: fresh entry already fired");
                assert_eq!(entry.key(), None, "t{id}: fresh entry has a key");
                let s = &mut sleepers[id];
                s.wakers.push((count, waker, 0));
                match timers.wheel.insert(deadline, entry.clone()) {
                    Ok(key) => {
                        assert!(deadline > e);
                        entry.set_key(Some(key));
                        s.entry = Some(entry);
                        s.done = false;
                        model.insert((deadline, id));
                    }
                    Err(_) => {
                        assert!(deadline <= e);
                        timers.recycle(entry);
                        s.done = true;
                    }
                }
            }
            // Poll again, sometimes from another task (a new waker).
            4 | 5 if !sleepers.is_empty() => {
                let id = rng.below(sleepers.len() as u64) as usize;
                let s = &mut sleepers[id];
                if let Some(entry) = &s.entry {
                    let new = rng.below(2) == 0;
                    log.op(format!("poll t{id} again (new waker: {new})"));
                    if new {
                        let (count, waker) = counter();
                        let ready = entry.register(&waker);
                        s.wakers.push((count, waker, 0));
                        assert_eq!(ready, s.done, "t{id}: register says fired={ready}");
                    } else {
                        let waker = s.wakers.last().unwrap().1.clone();
                        assert_eq!(entry.register(&waker), s.done, "t{id}: register");
                    }
                }
            }
            // Drop the sleep.
            6 if !sleepers.is_empty() => {
                let id = rng.below(sleepers.len() as u64) as usize;
                log.op(format!("drop t{id}"));
                deregister(&mut timers, &mut model, &mut sleepers[id], id);
                sleepers[id].done = true;
            }
            // A driver turn at `now`: `collect_due_timers`.
            _ => {
                let earliest = live.first().copied();
                let now = pick_now(
                    rng,
                    e,
                    earliest,
                    timers.wheel.next_expiration(),
                    &live,
                    max_jump,
                );
                log.op(format!(
                    "advance to {now} (elapsed {e}, earliest {earliest:?})"
                ));
                let (mut fired, mut wake) = (Vec::new(), Vec::new());
                timers.wheel.poll(now, &mut fired);
                for timer in fired.iter() {
                    timer.fire(&mut wake);
                }
                drop(fired);
                wake.into_iter().for_each(Waker::wake);
                while let Some(&(d, id)) = model.first() {
                    if d > now {
                        break;
                    }
                    model.pop_first();
                    let s = &mut sleepers[id];
                    assert!(!s.done, "t{id} due twice in the model");
                    s.done = true;
                    s.wakers.last_mut().unwrap().2 += 1;
                }
            }
        }
        // Every waker was woken exactly as often as the model says; entries
        // agree with the model.
        for (id, s) in sleepers.iter().enumerate() {
            for (i, (count, _, expected)) in s.wakers.iter().enumerate() {
                assert_eq!(
                    count.0.load(SeqCst),
                    *expected,
                    "t{id}: waker #{i} (of {}) woken {} times, expected {expected}",
                    s.wakers.len(),
                    count.0.load(SeqCst)
                );
            }
            if let Some(entry) = &s.entry {
                assert_eq!(entry.is_fired(), s.done, "t{id}: is_fired");
                assert_eq!(entry.key().is_some(), !s.done, "t{id}: has a key");
                if let Some(key) = entry.key() {
                    assert_eq!(timers.wheel.deadline(key), s.deadline, "t{id}: deadline");
                }
            }
        }
        assert_eq!(
            timers.wheel.len(),
            model.len(),
            "wheel.len() vs live timers"
        );
    }
}

#[test]
fn timers_match_model() {
    run("timers_match_model", 256, |rng, log| {
        timers_case(rng, log, MAX_JUMP)
    });
}
