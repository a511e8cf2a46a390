//! Which workers are searching for work and which are asleep.
//!
//! One atomic counts unparked and searching workers; the list of sleepers sits
//! behind a mutex that is only taken to park or to wake someone. The rules, from
//! Tokio's 2019 scheduler rewrite, keep wake-ups rare and never lost:
//! - new work wakes a sleeper only when no worker is searching (a searcher will
//!   find it) and not all workers are awake;
//! - at most half the workers search at once, so stealing does not thrash;
//! - a searcher that finds work and was the last searcher wakes one more worker,
//!   so a burst of work spreads out one worker at a time;
//! - the last searcher to park re-checks every queue after parking (it may have
//!   raced with a push that saw it searching and relied on it).

use crate::loom::{fence, AtomicUsize, Mutex, Ordering::SeqCst};

/// `state` packs the unparked count above this shift, the searching count below.
const UNPARKED_SHIFT: u32 = 16;
const SEARCHING_MASK: usize = (1 << UNPARKED_SHIFT) - 1;

pub(crate) struct Idle {
    state: AtomicUsize,
    sleepers: Mutex<Vec<usize>>,
    num_workers: usize,
}

fn searching(state: usize) -> usize {
    state & SEARCHING_MASK
}

fn unparked(state: usize) -> usize {
    state >> UNPARKED_SHIFT
}

impl Idle {
    /// All workers start unparked and not searching.
    pub(crate) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCHING_MASK, "too many worker threads");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARKED_SHIFT),
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
            num_workers,
        }
    }

    fn should_wake_someone(&self) -> bool {
        let s = self.state.load(SeqCst);
        searching(s) == 0 && unparked(s) < self.num_workers
    }

    /// Picks a sleeper to wake for new work, counting it as unparked and
    /// searching; `None` when a searcher exists or everyone is awake.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        // Pairs with the fence in `transition_worker_to_parked`: either we see the
        // parker's state change, or the parker sees the work we pushed.
        fence(SeqCst);
        if !self.should_wake_someone() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        if !self.should_wake_someone() {
            return None;
        }
        let index = sleepers.pop()?;
        self.state.fetch_add((1 << UNPARKED_SHIFT) | 1, SeqCst);
        Some(index)
    }

    /// Starts searching, unless half the workers already are.
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        let s = self.state.load(SeqCst);
        if 2 * searching(s) >= self.num_workers {
            return false;
        }
        self.state.fetch_add(1, SeqCst);
        true
    }

    /// Stops searching (work was found); true if this was the last searcher, in
    /// which case the caller wakes another worker.
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, SeqCst);
        debug_assert!(searching(prev) > 0);
        searching(prev) == 1
    }

    /// Records worker `index` as asleep. True if it was the last searcher: the
    /// caller must then re-check the queues before sleeping.
    pub(crate) fn transition_worker_to_parked(&self, index: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let dec = (1 << UNPARKED_SHIFT) | usize::from(is_searching);
        let prev = self.state.fetch_sub(dec, SeqCst);
        sleepers.push(index);
        drop(sleepers);
        fence(SeqCst);
        is_searching && searching(prev) == 1
    }

    /// After waking: true if still listed as a sleeper (the wake-up was
    /// spurious or a shutdown broadcast), false if `worker_to_notify` chose it.
    pub(crate) fn is_parked(&self, index: usize) -> bool {
        self.sleepers.lock().contains(&index)
    }

    /// Takes worker `index` off the sleeper list itself, counting it as
    /// unparked but not searching (it found work of its own, or shutdown).
    /// False if it was not listed: `worker_to_notify` already chose it.
    pub(crate) fn unpark_worker_by_id(&self, index: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        match sleepers.iter().position(|&i| i == index) {
            Some(pos) => {
                sleepers.swap_remove(pos);
                self.state.fetch_add(1 << UNPARKED_SHIFT, SeqCst);
                true
            }
            None => false,
        }
    }

    #[cfg(all(test, not(loom)))]
    fn counts(&self) -> (usize, usize) {
        let s = self.state.load(SeqCst);
        (unparked(s), searching(s))
    }
}

// Under loom these types only work inside a model: see `loom_model` below.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn at_most_half_the_workers_search() {
        let idle = Idle::new(4);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_searching());
        assert!(!idle.transition_worker_to_searching());
        assert_eq!(idle.counts(), (4, 2));
    }

    #[test]
    fn no_wakeup_while_someone_searches_or_all_awake() {
        let idle = Idle::new(2);
        assert_eq!(idle.worker_to_notify(), None, "everyone is awake");
        assert!(!idle.transition_worker_to_parked(1, false));
        assert!(idle.transition_worker_to_searching());
        assert_eq!(idle.worker_to_notify(), None, "a searcher will find it");
        assert!(
            idle.transition_worker_from_searching(),
            "it was the only searcher"
        );
        assert_eq!(idle.worker_to_notify(), Some(1));
        assert_eq!(
            idle.counts(),
            (2, 1),
            "the woken worker counts as searching"
        );
        assert!(!idle.is_parked(1));
    }

    #[test]
    fn last_searcher_to_park_is_told_to_recheck() {
        let idle = Idle::new(2);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_parked(0, true));
        assert!(!idle.transition_worker_to_parked(1, false));
        assert_eq!(idle.counts(), (0, 0));
    }
}
