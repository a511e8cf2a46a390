//! `Every`: "one tick in `n`" without a division per tick.
//!
//! The schedulers look at the injector every `global_queue_interval` polls
//! and at I/O and timers every `event_interval` polls. Written as
//! `tick % interval == 0`, with an interval known only at run time, that is
//! an integer division on every poll, two on a worker: tens of cycles each,
//! in a loop that spends a few hundred per task. A countdown that restarts
//! when it comes due says the same with a decrement and a compare. Measured
//! (BENCHMARKS.md, sixth session): `chained_spawn_mt` 846 -> 826
//! instructions per link, and `chained_spawn` 0.446 -> 0.425 of Tokio's
//! time (medians of 6 processes each).

use std::cell::Cell;

/// Comes due on every `n`-th [`tick`](Every::tick): the `k`-th tick is due
/// when `k % n == 0`, and the start (`k` = 0) counts as due for
/// [`was_due`](Every::was_due), as a tick count starting at 0 would say.
pub(crate) struct Every {
    /// Ticks left until the next due one; `n` right after a due one.
    left: Cell<u32>,
    n: u32,
}

impl Every {
    /// Due once in `n` ticks; `n` must not be 0 (the builder refuses it).
    pub(crate) fn new(n: u32) -> Every {
        debug_assert!(n > 0, "Every::new(0)");
        let n = n.max(1);
        Every {
            left: Cell::new(n),
            n,
        }
    }

    /// Counts one tick; true if it is due.
    #[inline]
    pub(crate) fn tick(&self) -> bool {
        let left = self.left.get() - 1;
        if left == 0 {
            self.left.set(self.n);
            true
        } else {
            self.left.set(left);
            false
        }
    }

    /// True if the last tick was due, or none was counted yet.
    #[inline]
    pub(crate) fn was_due(&self) -> bool {
        self.left.get() == self.n
    }
}

#[cfg(test)]
mod tests {
    use super::Every;

    #[test]
    fn due_when_a_modulo_of_the_tick_count_would_be() {
        for n in [1, 2, 3, 31, 61] {
            let every = Every::new(n);
            assert!(every.was_due(), "n {n}: the start counts as due");
            for k in 1..500u32 {
                assert_eq!(every.tick(), k % n == 0, "n {n}, tick {k}");
                assert_eq!(every.was_due(), k % n == 0, "n {n}, after tick {k}");
            }
        }
    }
}
