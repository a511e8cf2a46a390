//! The task state word: lifecycle flags and the reference count in one atomic.
//!
//! Every actor that can touch a task (the scheduler polling it, a waker, the
//! `JoinHandle`, the owned-task list at shutdown) agrees on what it may do through
//! this word alone, so each transition below is a single compare-and-swap or
//! fetch-op. The low bits are flags; the rest count references. A reference is
//! held by: the owned-task list (`Task`), a run-queue entry (`Notified`), the
//! `JoinHandle`, and every `Waker`. The task memory is freed when the count
//! reaches zero.
//!
//! Flags:
//! - `RUNNING`: a thread is polling (or cancelling) the future and owns the stage.
//! - `COMPLETE`: the output (or error) is stored; the future is gone.
//! - `NOTIFIED`: the task is queued, or will be re-queued after the current poll.
//!   At most one `Notified` exists at a time, so a task is never queued twice.
//! - `CANCELLED`: abort or shutdown asked for cancellation.
//! - `JOIN_INTEREST`: the `JoinHandle` is alive and will read the output.
//! - `JOIN_WAKER`: the join waker slot is written and belongs to the runtime for
//!   reading; while clear (and not complete) it belongs to the `JoinHandle`.

use crate::sync::{AtomicUsize, Ordering::*};
use std::fmt;

const RUNNING: usize = 0b00_0001;
const COMPLETE: usize = 0b00_0010;
const NOTIFIED: usize = 0b00_0100;
const CANCELLED: usize = 0b00_1000;
const JOIN_INTEREST: usize = 0b01_0000;
const JOIN_WAKER: usize = 0b10_0000;

/// Bits below this shift are flags; the reference count lives above.
const REF_SHIFT: usize = 6;
const REF_ONE: usize = 1 << REF_SHIFT;

/// A new task is queued once, has a `JoinHandle`, and three references: the
/// owned-task list, the first `Notified`, and the `JoinHandle`.
const INITIAL: usize = (REF_ONE * 3) | JOIN_INTEREST | NOTIFIED;

/// The atomic state word of one task.
pub(crate) struct State {
    val: AtomicUsize,
}

/// A copy of the state word at one instant.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

/// What the poller must do after trying to start a poll.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToRunning {
    /// The poller owns the future: poll it.
    Success,
    /// The poller owns the future but the task was cancelled: drop it.
    Cancelled,
    /// The task is running elsewhere or complete; the `Notified` reference was dropped.
    Failed,
    /// As `Failed`, and that was the last reference: free the task.
    Dealloc,
}

/// What the poller must do after a poll returned `Pending`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToIdle {
    /// Idle again; the poll's reference was dropped.
    Ok,
    /// A wake arrived during the poll: a reference was added for a new `Notified`.
    /// The poller keeps its own until the scheduler has taken the entry, so the
    /// task (and the scheduler handle inside it) outlives the `yield_now` call.
    OkNotified,
    /// Idle, and the poll's reference was the last one: free the task.
    OkDealloc,
    /// Cancellation arrived during the poll: the poller still owns the future and
    /// must cancel it.
    Cancelled,
}

/// What a waker that is consumed by `wake` must do.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TransitionToNotifiedByVal {
    /// Nothing to schedule; the waker's reference was dropped.
    DoNothing,
    /// Schedule the task: a reference was added for the `Notified`. The waker
    /// drops its own only after `schedule` returns, so the task (and the
    /// scheduler handle inside it) stays alive for the whole call, even if the
    /// entry is run, completed or dropped on another thread meanwhile.
    Submit,
    /// The waker held the last reference: free the task.
    Dealloc,
}

impl State {
    /// The state of a freshly spawned task (see `INITIAL`).
    pub(crate) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL),
        }
    }

    /// Reads the current state.
    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Acquire))
    }

    /// Runs `f` in a compare-and-swap loop. `f` returns the new state (or `None`
    /// to leave it untouched) and the result to hand back.
    fn fetch_update_action<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (output, next) = f(curr);
            let Some(next) = next else {
                return output;
            };
            match self
                .val
                .compare_exchange_weak(curr.0, next.0, AcqRel, Acquire)
            {
                Ok(_) => return output,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// Starts a poll: clears `NOTIFIED`, sets `RUNNING`. Consumes the caller's
    /// `Notified` reference when the task turns out to be running or complete.
    pub(crate) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_notified(), "polled a task that was not notified");
            if !s.is_idle() {
                s.ref_dec();
                let action = if s.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                return (action, Some(s));
            }
            s.0 = (s.0 & !NOTIFIED) | RUNNING;
            let action = if s.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (action, Some(s))
        })
    }

    /// Ends a poll that returned `Pending`: clears `RUNNING` unless cancellation
    /// arrived. A wake during the poll left `NOTIFIED` set; then a reference is
    /// added for the re-queue (the poller drops its own after queueing),
    /// otherwise the poll's reference is dropped.
    pub(crate) fn transition_to_idle(&self) -> TransitionToIdle {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            s.0 &= !RUNNING;
            let action = if s.is_notified() {
                s.ref_inc();
                TransitionToIdle::OkNotified
            } else {
                s.ref_dec();
                if s.ref_count() == 0 {
                    TransitionToIdle::OkDealloc
                } else {
                    TransitionToIdle::Ok
                }
            };
            (action, Some(s))
        })
    }

    /// Ends the task: `RUNNING` off, `COMPLETE` on. Returns the state before, so the
    /// caller knows whether a `JoinHandle` will read the output and whether its
    /// waker is set.
    pub(crate) fn transition_to_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_xor(RUNNING | COMPLETE, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        prev
    }

    /// Drops `count` references after completion; true when they were the last.
    pub(crate) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        assert!(
            prev.ref_count() >= count,
            "task reference count underflow: {prev:?}"
        );
        prev.ref_count() == count
    }

    /// A waker is consumed by `wake`: sets `NOTIFIED`. When the task must be
    /// queued a reference is added for the new `Notified` and the waker keeps its
    /// own until `schedule` returns; otherwise the waker's reference is dropped.
    pub(crate) fn transition_to_notified_by_val(&self) -> TransitionToNotifiedByVal {
        self.fetch_update_action(|mut s| {
            let action = if s.is_running() {
                // The poller re-queues it after the poll; it holds a reference, so
                // dropping ours cannot free the task.
                s.0 |= NOTIFIED;
                s.ref_dec();
                debug_assert!(s.ref_count() > 0);
                TransitionToNotifiedByVal::DoNothing
            } else if s.is_complete() || s.is_notified() {
                s.ref_dec();
                if s.ref_count() == 0 {
                    TransitionToNotifiedByVal::Dealloc
                } else {
                    TransitionToNotifiedByVal::DoNothing
                }
            } else {
                s.0 |= NOTIFIED;
                s.ref_inc();
                TransitionToNotifiedByVal::Submit
            };
            (action, Some(s))
        })
    }

    /// `wake_by_ref`: sets `NOTIFIED`; returns true when the caller must queue the
    /// task, in which case a reference was added for the `Notified`.
    pub(crate) fn transition_to_notified_by_ref(&self) -> bool {
        self.fetch_update_action(|mut s| {
            if s.is_complete() || s.is_notified() {
                (false, None)
            } else if s.is_running() {
                s.0 |= NOTIFIED;
                (false, Some(s))
            } else {
                s.0 |= NOTIFIED;
                s.ref_inc();
                (true, Some(s))
            }
        })
    }

    /// `abort`: sets `CANCELLED` (and `NOTIFIED` so someone acts on it). Returns true
    /// when the caller must queue the task, in which case a reference was added.
    pub(crate) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update_action(|mut s| {
            if s.is_cancelled() || s.is_complete() {
                (false, None)
            } else if s.is_running() || s.is_notified() {
                // Whoever polls next (or the current poller) sees the flag.
                s.0 |= NOTIFIED | CANCELLED;
                (false, Some(s))
            } else {
                s.0 |= NOTIFIED | CANCELLED;
                s.ref_inc();
                (true, Some(s))
            }
        })
    }

    /// Shutdown: sets `CANCELLED`, and `RUNNING` when the task was idle. Returns
    /// true when the caller thereby owns the future and must cancel it; a running
    /// task is cancelled by its poller instead.
    pub(crate) fn transition_to_shutdown(&self) -> bool {
        self.fetch_update_action(|mut s| {
            let claimed = s.is_idle();
            if claimed {
                s.0 |= RUNNING;
            }
            s.0 |= CANCELLED;
            (claimed, Some(s))
        })
    }

    /// The common `JoinHandle` drop: a task still in its initial state loses the
    /// join interest and the handle's reference in one step.
    pub(crate) fn drop_join_handle_fast(&self) -> Result<(), ()> {
        self.val
            .compare_exchange(
                INITIAL,
                (INITIAL - REF_ONE) & !JOIN_INTEREST,
                Release,
                Relaxed,
            )
            .map(|_| ())
            .map_err(|_| ())
    }

    /// `JoinHandle` drop: clears `JOIN_INTEREST`, and `JOIN_WAKER` when not complete
    /// (the waker slot then belongs to the handle). Returns the state before: if it
    /// was complete, the handle owns the output and must drop it.
    pub(crate) fn transition_to_join_handle_dropped(&self) -> Snapshot {
        self.fetch_update_action(|s| {
            debug_assert!(s.is_join_interested());
            let mut next = s;
            next.0 &= !JOIN_INTEREST;
            if !s.is_complete() {
                next.0 &= !JOIN_WAKER;
            }
            (s, Some(next))
        })
    }

    /// Publishes the join waker the handle just wrote: sets `JOIN_WAKER` unless the
    /// task completed meanwhile (`Err`, and the slot stays the handle's).
    pub(crate) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|s| {
            debug_assert!(s.is_join_interested() && !s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            let next = Snapshot(s.0 | JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    /// Takes the join waker slot back to replace the waker: clears `JOIN_WAKER`
    /// unless the task completed (`Err`; the runtime may be reading the slot).
    pub(crate) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|s| {
            debug_assert!(s.is_join_interested() && s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            let next = Snapshot(s.0 & !JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    /// Adds a reference (waker clone). Aborts on overflow, as `Arc` does: a task
    /// with 2^57 wakers is a leak, and continuing would be unsound.
    pub(crate) fn ref_inc(&self) {
        let prev = self.val.fetch_add(REF_ONE, Relaxed);
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Drops a reference; true when it was the last.
    pub(crate) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }
}

impl Snapshot {
    pub(crate) fn is_idle(self) -> bool {
        self.0 & (RUNNING | COMPLETE) == 0
    }
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(crate) fn ref_count(self) -> usize {
        self.0 >> REF_SHIFT
    }
    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn initial_state_is_queued_with_three_refs() {
        let s = State::new().load();
        assert!(s.is_notified() && s.is_join_interested() && s.is_idle());
        assert_eq!(s.ref_count(), 3);
    }

    #[test]
    fn wake_while_running_requeues_once_after_poll() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        // Two wakes during the poll: the first marks it, the second is a no-op.
        assert!(!state.transition_to_notified_by_ref());
        assert!(!state.transition_to_notified_by_ref());
        assert_eq!(state.transition_to_idle(), TransitionToIdle::OkNotified);
        let s = state.load();
        assert!(s.is_notified() && !s.is_running());
        assert_eq!(s.ref_count(), 4, "a reference added for the re-queue");
    }

    #[test]
    fn wake_when_idle_submits_and_when_queued_does_not() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Ok);
        assert_eq!(state.load().ref_count(), 2);
        assert!(state.transition_to_notified_by_ref());
        assert!(!state.transition_to_notified_by_ref());
        assert_eq!(state.load().ref_count(), 3);
    }

    #[test]
    fn abort_of_idle_task_queues_it_cancelled() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Ok);
        assert!(state.transition_to_notified_and_cancel());
        assert!(!state.transition_to_notified_and_cancel());
        assert_eq!(
            state.transition_to_running(),
            TransitionToRunning::Cancelled
        );
    }

    #[test]
    fn abort_during_poll_is_seen_at_idle() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert!(!state.transition_to_notified_and_cancel());
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Cancelled);
        assert!(state.load().is_running());
    }

    #[test]
    fn join_waker_cannot_be_set_after_completion() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        state.transition_to_complete();
        assert!(state.set_join_waker().is_err());
    }

    #[test]
    fn fast_join_handle_drop_only_from_initial_state() {
        let state = State::new();
        assert!(state.drop_join_handle_fast().is_ok());
        assert!(!state.load().is_join_interested());
        assert_eq!(state.load().ref_count(), 2);
        let state = State::new();
        state.ref_inc();
        assert!(state.drop_join_handle_fast().is_err());
    }

    #[test]
    fn shutdown_claims_only_idle_tasks() {
        let state = State::new();
        assert!(state.transition_to_shutdown());
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert!(!state.transition_to_shutdown());
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Cancelled);
    }
}
