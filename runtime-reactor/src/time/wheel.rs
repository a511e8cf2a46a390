//! A hierarchical timing wheel: the store behind the reactor's timers.
//!
//! # Levels and slots
//!
//! Time is counted in ticks (1 ms for the reactor). The wheel has [`NUM_LEVELS`]
//! levels of [`SLOTS`] slots. A slot on level `L` spans `64^L` ticks, so a whole
//! level spans `64^(L+1)`: level 0 resolves single ticks within 64 ms, level 1
//! 64 ms buckets within ~4 s, and so on up to level 5, whose ~12.4-day buckets
//! cover ~2.2 years. Reading a tick as base-64 digits, an entry's slot on level
//! `L` is simply digit `L` of its deadline.
//!
//! An entry goes on the level of the highest digit in which its deadline differs
//! from the current time (`elapsed`). All higher digits agree, so the entry lies
//! inside the level-`L+1` slot that `elapsed` is in, and its digit `L` is larger
//! than that of `elapsed`. Two facts follow: every occupied slot lies ahead of the
//! current digit on its level, and every entry of a lower level is due before any
//! slot of a higher level starts. The top level is the one exception: a deadline
//! up to 64^6 ticks away may fall in the *next* turn of the top level, at a digit
//! at or below the current one, and such top-level slots are read as next-turn.
//!
//! # Deadlines beyond the range
//!
//! A deadline more than `64^6 - 1` ticks (≈ 2.2 years at 1 ms) ahead of
//! `elapsed` cannot be filed by its digits. Its node keeps the true deadline,
//! but is *filed* as if due at `elapsed + 64^6 - 1` (a top-level slot). When
//! polling reaches that slot the entry is not yet due, so it is re-filed like
//! any cascading entry, again at most `64^6 - 1` ticks ahead of the new
//! `elapsed`. It thus hops forward about one wheel range per hop and is
//! returned only once `now` reaches its real deadline: never early. (Tokio's
//! wheel does the same with its top slot.)
//!
//! # Finding the next deadline
//!
//! Each level keeps an `occupied` bitmask (bit `i` set iff slot `i` is non-empty).
//! By the facts above, the earliest slot is the first occupied slot after the
//! current digit on the lowest non-empty level: one `trailing_zeros` per level,
//! so [`Wheel::next_expiration`] is O(levels) however many entries there are.
//!
//! # Polling and cascading
//!
//! [`Wheel::poll`] repeatedly takes the earliest occupied slot. If it starts after
//! `now` it stops; otherwise it moves `elapsed` to the slot's start and empties
//! the slot: entries due by `now` are returned, the others are re-inserted
//! relative to the new `elapsed`. They now share the slot's digit with `elapsed`,
//! so they land on a strictly lower level, closer to their exact tick; a level-0
//! slot holds a single deadline, so nothing is ever returned early. Time jumps
//! from one occupied slot to the next, so a poll costs O(levels) per entry it
//! fires or cascades (each entry cascades at most once per level), independent
//! of how far `now` lies ahead.
//!
//! # Storage
//!
//! Entries live in a [`Slab`]; each slot is a doubly linked list threaded through
//! slab indices. Insert and remove are therefore O(1), and a [`Key`] (the slab
//! index) stays valid while its entry moves between slots during cascades.

use slab::Slab;

/// Bits of the deadline consumed per level: 64 slots, so that one `u64`
/// bitmask can say which slots of a level are occupied.
const LEVEL_BITS: u32 = 6;

/// Slots per level: 2^[`LEVEL_BITS`] = 64, one per bit of the `occupied` mask.
const SLOTS: usize = 1 << LEVEL_BITS;

/// Extracts one base-64 digit (a slot index) from a shifted tick.
const SLOT_MASK: u64 = SLOTS as u64 - 1;

/// 6 levels × 6 bits = 36 bits of range: 64^6 ms ≈ 2.2 years, beyond nearly
/// every timeout a runtime is asked for, while keeping the per-level scan
/// short. Longer deadlines still work: they are filed at the edge of the range
/// and re-filed from there (see the module docs). The same shape as Tokio's
/// wheel (6 levels of 64 slots).
const NUM_LEVELS: usize = 6;

/// The only level whose slots can belong to its next turn (see module docs).
const TOP_LEVEL: usize = NUM_LEVELS - 1;

/// Ticks covered by the whole wheel: 64^6 = 2^36.
const RANGE: u64 = 1 << (LEVEL_BITS as usize * NUM_LEVELS);

/// The furthest ahead of `elapsed` an entry may be *filed*; an entry due later
/// is filed at this distance and re-filed when its slot comes up (its deadline
/// itself is kept). One less than [`RANGE`] keeps a next-turn top-level entry
/// from sharing a slot with the current turn's entries, which would make its
/// start ambiguous.
const MAX_DELAY: u64 = RANGE - 1;

/// Stable handle to an inserted entry (a slab index). Valid until the entry is
/// removed by [`Wheel::remove`] or returned by [`Wheel::poll`]; after that the
/// index may be reused by a later insert, so a stale key must not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key(usize);

impl Key {
    /// Rebuilds a key from [`Key::into_raw`], so a timer can keep its key in an
    /// `AtomicUsize`. Only a value taken from a still-live key is meaningful.
    pub(crate) fn from_raw(raw: usize) -> Key {
        Key(raw)
    }

    /// The slab index behind the key. Always below `isize::MAX` (slab storage
    /// is a `Vec`), so `usize::MAX` is free to mean "no key".
    pub(crate) fn into_raw(self) -> usize {
        self.0
    }
}

/// One timer: its item, its deadline and its links in the slot's list.
struct Node<T> {
    item: T,
    /// The real deadline, which may lie beyond where the node is filed.
    deadline: u64,
    /// Where the node is filed, needed to fix the slot's head on O(1) removal
    /// (it cannot be recomputed: `elapsed` has moved since it was filed).
    level: u8,
    slot: u8,
    prev: Option<usize>,
    next: Option<usize>,
}

/// One level: the head of each slot's list plus the summary bitmask.
struct Level {
    /// Bit `i` is set iff `heads[i]` is `Some`.
    occupied: u64,
    heads: [Option<usize>; SLOTS],
}

impl Level {
    const EMPTY: Level = Level {
        occupied: 0,
        heads: [None; SLOTS],
    };

    /// Detaches a slot's whole list and returns its head.
    fn take(&mut self, slot: usize) -> Option<usize> {
        self.occupied &= !(1 << slot);
        self.heads[slot].take()
    }
}

/// A hierarchical timing wheel of [`NUM_LEVELS`] × [`SLOTS`] slots holding items
/// of type `T`, each due at a tick. Not thread-safe by itself: the reactor keeps
/// it behind its lock.
pub(crate) struct Wheel<T> {
    entries: Slab<Node<T>>,
    levels: [Level; NUM_LEVELS],
    elapsed: u64,
    /// Slots emptied by `poll`, so tests can check that big jumps stay cheap.
    #[cfg(test)]
    slots_processed: usize,
}

/// Ticks spanned by one slot on `level`: 64^level.
fn slot_span(level: usize) -> u64 {
    1 << (LEVEL_BITS as usize * level)
}

/// Ticks spanned by a whole turn of `level`: 64^(level+1) (2^36 at the top).
fn level_span(level: usize) -> u64 {
    slot_span(level) << LEVEL_BITS
}

/// Digit `level` of `tick` in base 64.
fn slot_for(tick: u64, level: usize) -> usize {
    ((tick >> (LEVEL_BITS as usize * level)) & SLOT_MASK) as usize
}

/// The level of the highest base-64 digit in which `deadline` and `elapsed`
/// differ. Digits above the wheel's range differ only when the deadline is in
/// the top level's next turn, so those go on the top level.
fn level_for(elapsed: u64, deadline: u64) -> usize {
    // OR-ing in a full digit sends "differs only in digit 0" to level 0.
    let masked = (elapsed ^ deadline) | SLOT_MASK;
    let highest_bit = (u64::BITS - 1 - masked.leading_zeros()) as usize;
    (highest_bit / LEVEL_BITS as usize).min(TOP_LEVEL)
}

impl<T> Wheel<T> {
    /// An empty wheel whose current time (`elapsed`) is 0.
    pub(crate) fn new() -> Wheel<T> {
        Wheel {
            entries: Slab::new(),
            levels: [Level::EMPTY; NUM_LEVELS],
            elapsed: 0,
            #[cfg(test)]
            slots_processed: 0,
        }
    }

    /// The current time in ticks: the `now` of the latest `poll` (never
    /// decreasing), or 0 before any poll.
    #[cfg(test)]
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the wheel holds no entries.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Inserts `item` due at tick `deadline`, in O(1).
    ///
    /// A deadline `<= self.elapsed()` is already due: the item is handed back as
    /// `Err(item)` and nothing is stored, so the caller fires it itself. Any
    /// later deadline, however far (even `u64::MAX`), is kept exactly: one
    /// beyond the wheel's range (`64^6 - 1` ticks, ≈ 2.2 years at 1 ms) is
    /// filed at the range's edge and re-filed as time reaches it (see the
    /// module docs), so it is returned at its deadline, never early.
    pub(crate) fn insert(&mut self, deadline: u64, item: T) -> Result<Key, T> {
        if deadline <= self.elapsed {
            return Err(item);
        }
        let idx = self.entries.insert(Node {
            item,
            deadline,
            level: 0,
            slot: 0,
            prev: None,
            next: None,
        });
        self.link(idx);
        Ok(Key(idx))
    }

    /// Removes a live entry in O(1) and returns its item.
    ///
    /// # Panics
    ///
    /// If `key` is not live (already removed or returned by `poll`).
    pub(crate) fn remove(&mut self, key: Key) -> T {
        assert!(
            self.entries.contains(key.0),
            "Wheel::remove: {key:?} is not a live entry"
        );
        self.unlink(key.0);
        self.entries.remove(key.0).item
    }

    /// The deadline stored for a live key: the one given to [`Wheel::insert`].
    ///
    /// # Panics
    ///
    /// If `key` is not live.
    #[cfg(test)]
    pub(crate) fn deadline(&self, key: Key) -> u64 {
        match self.entries.get(key.0) {
            Some(node) => node.deadline,
            None => panic!("Wheel::deadline: {key:?} is not a live entry"),
        }
    }

    /// A tick at or before the earliest stored deadline, always later than
    /// `elapsed()`; `None` when empty. O(levels).
    ///
    /// It is exact when the earliest entry is on level 0 or alone in its slot;
    /// otherwise it is the start of the earliest occupied slot, and polling at
    /// that tick may fire nothing but cascade entries closer to their deadline,
    /// after which this returns a later tick. The driver sleeps until this tick
    /// and polls, in a loop.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        let (level, slot, start) = self.next_slot()?;
        // The earliest slot holds the earliest deadline, so a lone entry there
        // is the exact answer and spares the driver a wake-up that only cascades.
        // Not so for an entry due beyond its slot (filed at the range's edge):
        // entries of later slots may be due before it.
        let head = self.levels[level].heads[slot].expect("occupied slot has a head");
        let node = &self.entries[head];
        let in_slot = node.deadline - start < slot_span(level);
        Some(if node.next.is_none() && in_slot {
            node.deadline
        } else {
            start
        })
    }

    /// Advances time to `now` and pushes the item of every entry whose deadline
    /// is `<= now` into `out` (in no particular order), removing it.
    ///
    /// A `now` earlier than `elapsed()` changes nothing. Entries of higher-level
    /// slots that `now` has reached are cascaded down, never returned early.
    /// Time jumps between occupied slots, so the cost depends on the entries
    /// touched, not on `now - elapsed()`.
    pub(crate) fn poll(&mut self, now: u64, out: &mut Vec<T>) {
        while let Some((level, slot, start)) = self.next_slot() {
            if start > now {
                break;
            }
            #[cfg(test)]
            {
                self.slots_processed += 1;
            }
            // Re-file relative to the slot's start rather than `now`: later
            // slots before `now` are still unprocessed, and moving `elapsed` past
            // them would make their digits read as a future turn.
            self.elapsed = start;
            let mut cursor = self.levels[level].take(slot);
            while let Some(idx) = cursor {
                cursor = self.entries[idx].next;
                if self.entries[idx].deadline <= now {
                    out.push(self.entries.remove(idx).item);
                } else {
                    self.link(idx);
                }
            }
        }
        self.elapsed = self.elapsed.max(now);
    }

    /// The earliest occupied slot as `(level, slot, start tick)`.
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        // The lowest non-empty level holds the earliest slot (see module docs).
        let level = self.levels.iter().position(|l| l.occupied != 0)?;
        let occupied = self.levels[level].occupied;
        let current = slot_for(self.elapsed, level) as u32;
        let turn_start = self.elapsed & !(level_span(level) - 1);
        // Occupied slots after the current digit belong to the current turn.
        let ahead = occupied & u64::MAX.checked_shl(current + 1).unwrap_or(0);
        let (slot, turn_start) = if ahead != 0 {
            (ahead.trailing_zeros(), turn_start)
        } else {
            // Cannot overflow: an entry exists in that next turn.
            debug_assert_eq!(level, TOP_LEVEL, "only the top level wraps");
            (occupied.trailing_zeros(), turn_start + level_span(level))
        };
        let slot = slot as usize;
        Some((level, slot, turn_start + slot as u64 * slot_span(level)))
    }

    /// Files node `idx` at the head of its slot's list relative to `elapsed`.
    /// A deadline beyond the wheel's range is filed at the range's edge; `poll`
    /// re-files it from there (see the module docs).
    fn link(&mut self, idx: usize) {
        let filed = self.entries[idx]
            .deadline
            .min(self.elapsed.saturating_add(MAX_DELAY));
        let level = level_for(self.elapsed, filed);
        let slot = slot_for(filed, level);
        let lvl = &mut self.levels[level];
        let old_head = lvl.heads[slot].replace(idx);
        lvl.occupied |= 1 << slot;
        if let Some(head) = old_head {
            self.entries[head].prev = Some(idx);
        }
        let node = &mut self.entries[idx];
        node.level = level as u8;
        node.slot = slot as u8;
        node.prev = None;
        node.next = old_head;
    }

    /// Takes node `idx` out of its slot's list, clearing the slot's bit if it
    /// was the last one.
    fn unlink(&mut self, idx: usize) {
        let node = &self.entries[idx];
        let (prev, next) = (node.prev, node.next);
        let (level, slot) = (node.level as usize, node.slot as usize);
        match prev {
            Some(prev) => self.entries[prev].next = next,
            None => {
                let lvl = &mut self.levels[level];
                lvl.heads[slot] = next;
                if next.is_none() {
                    lvl.occupied &= !(1 << slot);
                }
            }
        }
        if let Some(next) = next {
            self.entries[next].prev = prev;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Small deterministic PRNG (xorshift64), so the tests need no dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        /// Uniform-ish in `lo..=hi` (`hi - lo < u64::MAX`).
        fn range(&mut self, lo: u64, hi: u64) -> u64 {
            lo + self.next() % (hi - lo + 1)
        }
    }

    fn poll_sorted<T: Ord>(wheel: &mut Wheel<T>, now: u64) -> Vec<T> {
        let mut out = Vec::new();
        wheel.poll(now, &mut out);
        out.sort();
        out
    }

    /// `next_expiration` is `Some` iff non-empty, after `elapsed` and at or
    /// before the true earliest deadline.
    fn check_next_expiration<T>(wheel: &Wheel<T>, true_min: Option<u64>) {
        let next = wheel.next_expiration();
        assert_eq!(
            next.is_some(),
            true_min.is_some(),
            "{next:?} vs {true_min:?}"
        );
        assert_eq!(next.is_some(), !wheel.is_empty());
        if let (Some(next), Some(min)) = (next, true_min) {
            assert!(next <= min, "next_expiration {next} after earliest {min}");
            assert!(
                next > wheel.elapsed(),
                "next_expiration {next} not in the future"
            );
        }
    }

    /// Deadlines on every level boundary of a 64^L wheel.
    const BOUNDARIES: [u64; 16] = [
        1,
        2,
        63,
        64,
        65,
        4095,
        4096,
        4097,
        262_143,
        262_144,
        16_777_215,
        16_777_216,
        1 << 30,
        (1 << 30) + 1,
        (1 << 35) + 12_345,
        MAX_DELAY,
    ];

    #[test]
    fn empty_wheel() {
        let mut wheel = Wheel::<u32>::new();
        assert_eq!(wheel.elapsed(), 0);
        assert_eq!(wheel.len(), 0);
        assert!(wheel.is_empty());
        assert_eq!(wheel.next_expiration(), None);
        assert!(poll_sorted(&mut wheel, 100).is_empty());
        assert_eq!(wheel.elapsed(), 100);
        // Going back in time is a no-op.
        wheel.poll(50, &mut Vec::new());
        assert_eq!(wheel.elapsed(), 100);
    }

    #[test]
    fn fires_exactly_at_deadline_not_before() {
        for base in [0, 12_345, RANGE - 7, u64::MAX - RANGE] {
            for &delay in &BOUNDARIES {
                let mut wheel = Wheel::new();
                wheel.poll(base, &mut Vec::new());
                let d = base + delay;
                let key = wheel.insert(d, delay).unwrap();
                assert_eq!(wheel.deadline(key), d);
                assert_eq!(wheel.len(), 1);
                // A lone entry makes next_expiration exact.
                assert_eq!(wheel.next_expiration(), Some(d));
                assert!(
                    poll_sorted(&mut wheel, d - 1).is_empty(),
                    "early at {base}+{delay}"
                );
                assert_eq!(wheel.next_expiration(), Some(d));
                assert_eq!(poll_sorted(&mut wheel, d), vec![delay]);
                assert!(wheel.is_empty());
                assert_eq!(wheel.next_expiration(), None);
                assert_eq!(wheel.elapsed(), d);
            }
        }
    }

    #[test]
    fn insert_already_due_is_err() {
        let mut wheel = Wheel::new();
        assert_eq!(wheel.insert(0, "a"), Err("a"));
        wheel.poll(100, &mut Vec::new());
        assert_eq!(wheel.insert(50, "b"), Err("b"));
        assert_eq!(wheel.insert(100, "c"), Err("c"));
        assert!(wheel.is_empty());
        let key = wheel.insert(101, "d").unwrap();
        assert_eq!(wheel.deadline(key), 101);
        assert_eq!(poll_sorted(&mut wheel, 101), vec!["d"]);
    }

    #[test]
    fn removed_entry_never_fires() {
        let mut wheel = Wheel::new();
        let a = wheel.insert(10, 'a').unwrap();
        wheel.insert(10, 'b').unwrap();
        let c = wheel.insert(5000, 'c').unwrap();
        assert_eq!(wheel.remove(a), 'a');
        assert_eq!(wheel.remove(c), 'c');
        assert_eq!(wheel.len(), 1);
        assert_eq!(poll_sorted(&mut wheel, 1_000_000), vec!['b']);
        assert!(wheel.is_empty());
    }

    #[test]
    fn keys_stay_valid_after_other_removals_and_cascades() {
        let mut wheel = Wheel::new();
        let mut rng = XorShift(7);
        let mut keys: Vec<(Key, u64, usize)> = (0..1000)
            .map(|id| {
                let d = rng.range(1, 1 << 24);
                (wheel.insert(d, id).unwrap(), d, id)
            })
            .collect();
        // Remove every third entry; the others must be untouched.
        let mut i = 0;
        keys.retain(|&(key, _, id)| {
            i += 1;
            if i % 3 == 0 {
                assert_eq!(wheel.remove(key), id);
                false
            } else {
                true
            }
        });
        for &(key, d, _) in &keys {
            assert_eq!(wheel.deadline(key), d);
            assert_eq!(Key::from_raw(key.into_raw()), key);
        }
        // Cascade everything at least once, then keys must still work.
        let half = 1 << 23;
        let fired = poll_sorted(&mut wheel, half);
        keys.retain(|&(_, d, id)| {
            assert_eq!(d <= half, fired.binary_search(&id).is_ok());
            d > half
        });
        for &(key, d, id) in keys.iter().step_by(2) {
            assert_eq!(wheel.deadline(key), d);
            assert_eq!(wheel.remove(key), id);
        }
        let mut rest: Vec<usize> = keys.iter().skip(1).step_by(2).map(|k| k.2).collect();
        rest.sort();
        assert_eq!(poll_sorted(&mut wheel, u64::MAX), rest);
    }

    #[test]
    #[should_panic(expected = "is not a live entry")]
    fn remove_stale_key_panics() {
        let mut wheel = Wheel::new();
        let key = wheel.insert(5, ()).unwrap();
        wheel.poll(5, &mut Vec::new());
        wheel.remove(key);
    }

    #[test]
    fn boundary_deadlines_in_one_wheel() {
        let mut wheel = Wheel::new();
        for &d in &BOUNDARIES {
            wheel.insert(d, d).unwrap();
        }
        for &d in &BOUNDARIES {
            check_next_expiration(&wheel, Some(d));
            assert!(poll_sorted(&mut wheel, d - 1).is_empty());
            assert_eq!(poll_sorted(&mut wheel, d), vec![d]);
        }
        assert!(wheel.is_empty());
    }

    #[test]
    fn hundred_thousand_random_deadlines() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut wheel = Wheel::new();
        let deadlines: Vec<u64> = (0..100_000).map(|_| rng.range(1, 10_000_000)).collect();
        for (id, &d) in deadlines.iter().enumerate() {
            wheel.insert(d, id).unwrap();
        }
        let mut sorted: Vec<u64> = deadlines.clone();
        sorted.sort();
        let mut fired = vec![false; deadlines.len()];
        let (mut now, mut cursor, mut out) = (0u64, 0usize, Vec::new());
        while !wheel.is_empty() {
            let prev = now;
            now += match rng.next() % 4 {
                0 => rng.range(1, 8),
                1 => rng.range(1, 1000),
                2 => rng.range(1, 10_000),
                _ => rng.range(1, 100_000),
            };
            out.clear();
            wheel.poll(now, &mut out);
            for &id in &out {
                assert!(!fired[id], "fired twice");
                fired[id] = true;
                let d = deadlines[id];
                assert!(
                    prev < d && d <= now,
                    "{d} fired at poll({now}) after poll({prev})"
                );
            }
            // Exactly the deadlines in (prev, now] fired: none is left behind.
            let due = sorted[cursor..].partition_point(|&d| d <= now);
            assert_eq!(out.len(), due);
            cursor += due;
            assert_eq!(wheel.len(), sorted.len() - cursor);
            check_next_expiration(&wheel, sorted.get(cursor).copied());
        }
        assert!(fired.iter().all(|&f| f));
    }

    #[test]
    fn big_jump_touches_only_occupied_slots() {
        let mut wheel = Wheel::new();
        for d in [10, 5_000, 3_000_000, 3_600_000, 3_600_001, 7_200_000] {
            wheel.insert(d, d).unwrap();
        }
        assert_eq!(
            poll_sorted(&mut wheel, 3_600_000),
            vec![10, 5_000, 3_000_000, 3_600_000]
        );
        // Each entry visits at most one slot per level.
        assert!(
            wheel.slots_processed <= 6 * NUM_LEVELS,
            "{}",
            wheel.slots_processed
        );
        check_next_expiration(&wheel, Some(3_600_001));
        // A jump over years with one far entry is just as cheap.
        let mut wheel = Wheel::new();
        wheel.insert(MAX_DELAY, ()).unwrap();
        wheel.poll(MAX_DELAY, &mut Vec::new());
        assert!(wheel.is_empty());
        assert!(wheel.slots_processed <= NUM_LEVELS);
    }

    #[test]
    fn far_deadline_is_refiled_never_fired_early() {
        let mut wheel = Wheel::new();
        let far = 5 * RANGE + 12_345; // beyond the wheel's range
        let key = wheel.insert(far, 'a').unwrap();
        assert_eq!(wheel.deadline(key), far); // the true deadline is kept
        wheel.poll(1000, &mut Vec::new());
        let far_b = 20 * RANGE + 5;
        let key_b = wheel.insert(far_b, 'b').unwrap();
        assert_eq!(wheel.deadline(key_b), far_b);
        // Step through the wheel's range several times: nothing fires early,
        // and next_expiration never lies beyond the earliest deadline.
        for now in [MAX_DELAY, RANGE, 2 * RANGE + 7, 4 * RANGE, far - 1] {
            assert!(poll_sorted(&mut wheel, now).is_empty(), "early at {now}");
            check_next_expiration(&wheel, Some(far));
        }
        assert_eq!(poll_sorted(&mut wheel, far), vec!['a']);
        check_next_expiration(&wheel, Some(far_b));
        // Driver-style: sleep to next_expiration, poll, repeat; it reaches the
        // far deadline exactly, in a few steps per wheel range.
        let mut steps = 0;
        while let Some(next) = wheel.next_expiration() {
            let fired = poll_sorted(&mut wheel, next);
            steps += 1;
            if !fired.is_empty() {
                assert_eq!(fired, vec!['b']);
                assert_eq!(next, far_b);
            }
        }
        assert!(steps <= 2 * 20, "{steps}");
        // A far entry that shares its slot is stepped through range by range.
        let mut wheel = Wheel::new();
        wheel.insert(far_b, 'x').unwrap();
        wheel.insert(far_b + 1, 'y').unwrap();
        let mut steps = 0;
        while let Some(next) = wheel.next_expiration() {
            assert!(next <= far_b || wheel.len() == 1);
            let fired = poll_sorted(&mut wheel, next);
            assert!(
                fired.is_empty() || next >= far_b,
                "{fired:?} early at {next}"
            );
            steps += 1;
        }
        assert!(steps <= 2 * 20 + 2 * NUM_LEVELS, "{steps}");
        // A far entry filed at the range's edge does not hide a nearer entry
        // that is filed in a later slot.
        let mut wheel = Wheel::new();
        wheel.insert(10 * RANGE, 'f').unwrap();
        wheel.poll(RANGE / 2, &mut Vec::new());
        let near = RANGE / 2 + MAX_DELAY - 5;
        wheel.insert(near, 'n').unwrap();
        check_next_expiration(&wheel, Some(near));
        while let Some(next) = wheel.next_expiration() {
            let fired = poll_sorted(&mut wheel, next);
            match fired.as_slice() {
                [] => {}
                ['n'] => assert_eq!(next, near),
                ['f'] => assert_eq!(next, 10 * RANGE),
                other => panic!("{other:?} at {next}"),
            }
            let min = [near, 10 * RANGE].into_iter().find(|&d| d > next);
            check_next_expiration(&wheel, min.filter(|_| !wheel.is_empty()));
        }
        // Near the end of u64 the filing saturates instead of overflowing.
        wheel.poll(u64::MAX - 10, &mut Vec::new());
        let key_c = wheel.insert(u64::MAX, 'c').unwrap();
        assert_eq!(wheel.deadline(key_c), u64::MAX);
        assert!(poll_sorted(&mut wheel, u64::MAX - 1).is_empty());
        assert_eq!(poll_sorted(&mut wheel, u64::MAX), vec!['c']);
    }

    #[test]
    fn top_level_wraps_into_next_turn() {
        let mut wheel = Wheel::new();
        let start = RANGE - 100; // top-level digit 63: the next turn starts soon
        wheel.poll(start, &mut Vec::new());
        let far = start + MAX_DELAY; // next turn, same top-level digit as `start`
        for d in [RANGE - 50, RANGE + 5, RANGE + (1 << 30), far] {
            wheel.insert(d, d).unwrap();
        }
        for d in [RANGE - 50, RANGE + 5, RANGE + (1 << 30), far] {
            assert!(wheel.next_expiration().unwrap() <= d);
            assert!(poll_sorted(&mut wheel, d - 1).is_empty());
            assert_eq!(poll_sorted(&mut wheel, d), vec![d]);
        }
        assert!(wheel.is_empty());
    }

    /// Random inserts, removes and polls against a `BTreeSet` of
    /// `(deadline, id)`, from several starting times.
    #[test]
    fn random_operations_match_model() {
        for (seed, start) in [
            (1, 0),
            (2, 0),
            (3, RANGE - 5_000),
            (4, u64::MAX - (1 << 50)),
        ] {
            let mut rng = XorShift(seed * 0x2545_f491_4f6c_dd1d);
            let mut wheel = Wheel::new();
            wheel.poll(start, &mut Vec::new());
            let mut model: BTreeSet<(u64, usize)> = BTreeSet::new();
            let mut live: Vec<(usize, Key, u64)> = Vec::new();
            for id in 0..20_000usize {
                match rng.next() % 8 {
                    0..=3 => {
                        let e = wheel.elapsed();
                        let d = match rng.next() % 7 {
                            0 => e.saturating_sub(rng.range(0, 10)),
                            1 => e.saturating_add(rng.range(1, 64)),
                            2 => e.saturating_add(rng.range(1, 4096)),
                            3 => e.saturating_add(rng.range(1, 1 << 24)),
                            4 => e.saturating_add(rng.range(1, 1 << 36)),
                            5 => e.saturating_add(rng.range(1 << 36, 1 << 40)),
                            _ => u64::MAX,
                        };
                        match wheel.insert(d, id) {
                            Err(back) => {
                                assert_eq!(back, id);
                                assert!(d <= e);
                            }
                            Ok(key) => {
                                assert!(d > e);
                                assert_eq!(wheel.deadline(key), d);
                                model.insert((d, id));
                                live.push((id, key, d));
                            }
                        }
                    }
                    4 | 5 if !live.is_empty() => {
                        let (rid, key, d) = live.swap_remove(rng.next() as usize % live.len());
                        assert_eq!(wheel.deadline(key), d);
                        assert_eq!(wheel.remove(key), rid);
                        assert!(model.remove(&(d, rid)));
                    }
                    _ => {
                        let e = wheel.elapsed();
                        let now = match rng.next() % 7 {
                            0 => e,
                            1 => e.saturating_sub(rng.range(1, 100)),
                            2 => e.saturating_add(rng.range(1, 64)),
                            3 => e.saturating_add(rng.range(1, 4096)),
                            4 => e.saturating_add(rng.range(1, 1 << 20)),
                            5 => e.saturating_add(rng.range(1, 1 << 30)),
                            _ => e.saturating_add(rng.range(1, 1 << 37)),
                        };
                        let fired = poll_sorted(&mut wheel, now);
                        let mut expected: Vec<usize> = Vec::new();
                        while let Some(&(d, eid)) = model.first() {
                            if d > now {
                                break;
                            }
                            model.pop_first();
                            expected.push(eid);
                        }
                        expected.sort();
                        assert_eq!(fired, expected, "poll({now}) from {e}");
                        live.retain(|&(lid, _, d)| {
                            assert_eq!(d <= now, expected.binary_search(&lid).is_ok());
                            d > now
                        });
                        assert_eq!(wheel.elapsed(), e.max(now));
                    }
                }
                assert_eq!(wheel.len(), model.len());
                check_next_expiration(&wheel, model.first().map(|&(d, _)| d));
            }
            // Drain: everything left fires exactly once.
            let mut expected: Vec<usize> = model.iter().map(|&(_, id)| id).collect();
            expected.sort();
            assert_eq!(poll_sorted(&mut wheel, u64::MAX), expected);
            assert!(wheel.is_empty());
        }
    }
}
