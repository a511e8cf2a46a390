//! A reusable barrier for a fixed number of tasks.
//!
//! # Design
//!
//! A small `Mutex` holds the number of tasks that arrived in the current
//! generation and the generation number. Each arriving task, under that lock,
//! either completes the generation (it becomes the leader: it resets the
//! count, bumps the generation, and after unlocking calls
//! [`Notify::notify_waiters`]) or creates a [`Notified`](crate::Notified)
//! future, notes the generation, and waits after releasing the lock. Because
//! the `Notified` is created before the leader can take the lock, and
//! `notify_waiters` completes every `Notified` created before it, no wake-up
//! can be missed; and because `notify_waiters` stores no permit, the next
//! generation starts clean.
//!
//! The leader wakes the others only after releasing the lock (a waker is user
//! code, which may look at this barrier), so a task of the *next* generation
//! may arrive before that wake-up and be woken by it too. A woken task
//! therefore checks that the generation it noted has passed, and otherwise
//! waits again (creating its next `Notified` before the check).

use std::fmt;

use crate::chan_util::consume_budget;
use crate::loom::{lock, Mutex};
use crate::notify::Notify;

/// Lets `n` tasks wait for each other, then releases them all together; it
/// can then be used again.
///
/// Same semantics as `tokio::sync::Barrier`; `Barrier::new(0)` behaves like
/// `Barrier::new(1)`. Every [`wait`](Barrier::wait), the leader's included,
/// spends the task's cooperative budget (in Tokio only the waiting ones do),
/// so a loop over a barrier of one still yields to the scheduler.
///
/// # Examples
///
/// ```
/// use runtime::sync::Barrier;
/// use runtime::task::JoinSet;
/// use std::sync::Arc;
///
/// #[runtime::main]
/// async fn main() {
///     let barrier = Arc::new(Barrier::new(3));
///     let mut set = JoinSet::new();
///     for _ in 0..3 {
///         let b = Arc::clone(&barrier);
///         set.spawn(async move { b.wait().await.is_leader() });
///     }
///     let mut leaders = 0;
///     while let Some(r) = set.join_next().await {
///         leaders += r.unwrap() as usize;
///     }
///     assert_eq!(leaders, 1);
/// }
/// ```
pub struct Barrier {
    n: usize,
    state: Mutex<BarrierState>,
    notify: Notify,
}

struct BarrierState {
    arrived: usize,
    generation: u64,
}

/// What [`Barrier::wait`] returns: exactly one task per generation is the
/// leader.
///
/// ```
/// use runtime::sync::Barrier;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let barrier = Barrier::new(1);
///     let result = barrier.wait().await; // the only task: the leader
///     assert!(result.is_leader());
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// True for the one task per generation that completed the barrier (the
    /// last to arrive).
    ///
    /// ```
    /// use runtime::sync::Barrier;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let barrier = Barrier::new(2);
    ///     let (a, b) = runtime::join!(barrier.wait(), barrier.wait());
    ///     assert!(a.is_leader() != b.is_leader()); // exactly one leads
    /// }
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// Creates a barrier for `n` tasks (0 counts as 1).
    ///
    /// ```
    /// use runtime::sync::Barrier;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     // A barrier for one task never waits.
    ///     assert!(Barrier::new(0).wait().await.is_leader());
    /// }
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier {
            n: n.max(1),
            state: Mutex::new(BarrierState {
                arrived: 0,
                generation: 0,
            }),
            notify: Notify::new(),
        }
    }

    /// Waits until `n` tasks have called `wait` in this generation. The last
    /// one to arrive returns at once, as the leader; the others return when it
    /// arrives.
    ///
    /// The barrier can be reused: after a generation completes, the next `n`
    /// calls form the next generation.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe. The arrival is counted on the first
    /// poll (under the barrier's lock), and dropping the future afterwards
    /// does not take it back: the generation completes when `n - 1` more
    /// tasks arrive, with one task fewer actually waiting, and a task that
    /// calls `wait` again after giving up is counted a second time. A future
    /// dropped before its first poll counted nothing (nor did one whose first
    /// polls found the task's cooperative budget spent: it yields before
    /// arriving).
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::sync::Barrier;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let barrier = Barrier::new(2);
    ///     for _generation in 0..3 {
    ///         let (a, b) = runtime::join!(barrier.wait(), barrier.wait());
    ///         assert_eq!(a.is_leader() as u8 + b.is_leader() as u8, 1);
    ///     }
    /// }
    /// ```
    pub async fn wait(&self) -> BarrierWaitResult {
        // The leader (and a barrier of one) never waits below: spend the
        // budget here, so a loop of waits still yields to the scheduler.
        consume_budget().await;
        let (mut notified, generation) = {
            let mut state = lock(&self.state);
            state.arrived += 1;
            if state.arrived == self.n {
                state.arrived = 0;
                state.generation = state.generation.wrapping_add(1);
                drop(state);
                // After unlocking: the wakers woken here are user code and
                // may use this barrier. Every waiter of this generation has
                // created its `Notified` already (under the lock).
                self.notify.notify_waiters();
                return BarrierWaitResult(true);
            }
            (self.notify.notified(), state.generation)
        };
        loop {
            notified.await;
            // The previous generation's leader wakes everyone created before
            // its `notify_waiters`, which can include us if we arrived between
            // its unlock and that call: check that it is our generation that
            // completed. The next `Notified` is created before the check, so
            // our own leader's wake-up cannot slip in between.
            notified = self.notify.notified();
            if lock(&self.state).generation != generation {
                return BarrierWaitResult(false);
            }
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Barrier")
            .field("n", &self.n)
            .field("arrived", &state.arrived)
            .field("generation", &state.generation)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::waiters::block_on;
    use std::sync::Arc;

    #[test]
    fn threads_meet_and_one_leads_per_generation() {
        let barrier = Arc::new(Barrier::new(3));
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let b = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    (0..5)
                        .map(|_| block_on(b.wait()).is_leader() as usize)
                        .sum::<usize>()
                })
            })
            .collect();
        let leaders: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(leaders, 5);
        assert!(block_on(Barrier::new(0).wait()).is_leader());
    }

    /// Nobody leaves a generation before everyone arrived, also when a task
    /// of the next generation arrives before the previous leader's wake-up
    /// (which wakes it too: it must wait on).
    #[test]
    fn no_task_leaves_a_generation_early() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        const TASKS: usize = 3;
        const GENERATIONS: usize = 2000;
        let barrier = Arc::new(Barrier::new(TASKS));
        let arrived: Arc<Vec<AtomicUsize>> =
            Arc::new((0..GENERATIONS).map(|_| AtomicUsize::new(0)).collect());
        let handles: Vec<_> = (0..TASKS)
            .map(|_| {
                let (b, arrived) = (Arc::clone(&barrier), Arc::clone(&arrived));
                std::thread::spawn(move || {
                    let mut leaders = 0;
                    for (g, count) in arrived.iter().enumerate() {
                        count.fetch_add(1, SeqCst);
                        leaders += block_on(b.wait()).is_leader() as usize;
                        assert_eq!(count.load(SeqCst), TASKS, "left generation {g} early");
                    }
                    leaders
                })
            })
            .collect();
        let leaders: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(leaders, GENERATIONS);
    }
}
