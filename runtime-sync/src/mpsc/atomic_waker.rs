//! A single waker slot that one task registers into and any thread wakes,
//! without a lock: the receiver's waker in the mpsc channels.
//!
//! The state word is `WAITING` (idle), `REGISTERING` (the registering task
//! owns the cell) or has `WAKING` set (a waker owns the cell, or a wake arrived
//! during registration). The cell is touched only by whoever moved the state
//! out of `WAITING`:
//!
//! - `register`: CAS `WAITING -> REGISTERING`, store the waker, CAS back to
//!   `WAITING`. If that last CAS fails, a `wake` arrived meanwhile and left the
//!   cell alone (it saw `REGISTERING`), so the registrar takes the waker and
//!   wakes it itself. If the first CAS fails because a wake is in progress,
//!   it wakes the new waker directly: the caller then polls again.
//! - `wake`: `fetch_or(WAKING)`; only if the previous state was `WAITING` does
//!   it own the cell: it takes the waker, clears `WAKING`, and wakes it.
//!
//! Every step is an RMW on the one atomic, so a `wake` that follows a
//! registration sees its waker, and a registration that follows a `wake`
//! sees everything the waking thread did before (e.g. a queued message).

use crate::chan_util::{spin_hint, UnsafeCell};
use crate::loom::{AtomicUsize, Ordering::*};
use std::task::Waker;

const WAITING: usize = 0;
const REGISTERING: usize = 0b01;
const WAKING: usize = 0b10;

pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the cell holds a `Waker` (`Send + Sync`) and is accessed only by the
// thread that owns it through the state machine above.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(WAITING),
            waker: UnsafeCell::new(None),
        }
    }

    /// Stores `waker` to be woken by the next [`wake`](AtomicWaker::wake).
    /// Meant for one registering task at a time (the receiver); a concurrent
    /// second registration is ignored.
    pub(crate) fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Acquire, Acquire)
        {
            Ok(_) => {
                // The replaced waker is dropped at the end, once the cell is
                // released: its `Drop` is user code and may send on the
                // channel, i.e. call `wake` on this very slot.
                //
                // SAFETY: the CAS gave us the cell: `wake` only touches it
                // after moving the state from WAITING to WAKING, which cannot
                // happen while it is REGISTERING.
                let _stale = self.waker.with_mut(|cell| unsafe {
                    match &mut *cell {
                        Some(old) if old.will_wake(waker) => None,
                        slot => slot.replace(waker.clone()),
                    }
                });
                if let Err(actual) =
                    self.state
                        .compare_exchange(REGISTERING, WAITING, AcqRel, Acquire)
                {
                    // A wake came in while we registered; it left the cell to
                    // us (the state is REGISTERING | WAKING).
                    debug_assert_eq!(actual, REGISTERING | WAKING);
                    // SAFETY: we still own the cell (see above) until the swap.
                    let taken = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                    self.state.swap(WAITING, AcqRel);
                    if let Some(w) = taken {
                        w.wake();
                    }
                }
            }
            Err(WAKING) => {
                // A wake is taking the old waker; make sure this task polls
                // again so it sees whatever that wake announces. The caller
                // then spins on re-polling until the wake finishes: hint it.
                waker.wake_by_ref();
                spin_hint();
            }
            Err(_) => {
                // Another registration is in progress; not used by the
                // channels (one receiver).
            }
        }
    }

    /// Wakes the registered waker, if any, and clears it.
    pub(crate) fn wake(&self) {
        if let Some(w) = self.take() {
            w.wake();
        }
    }

    /// Takes the registered waker out, unless a concurrent `wake` is taking
    /// it (then that one wakes and drops it). For the receiver's drop, which
    /// must not leave its waker (and so its task) alive inside the channel.
    pub(crate) fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, AcqRel) {
            WAITING => {
                // SAFETY: we moved the state from WAITING to WAKING, so we own
                // the cell until we clear WAKING: registrations fail their
                // first CAS meanwhile, other wakers see WAKING and back off.
                let waker = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                self.state.fetch_and(!WAKING, Release);
                waker
            }
            // REGISTERING: the registrar sees WAKING and wakes itself.
            // WAKING: another thread is waking the same waker.
            _ => None,
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize as StdAtomic, Ordering::SeqCst};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(StdAtomic);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    #[test]
    fn wakes_once_per_registration() {
        let count = Arc::new(Count(StdAtomic::new(0)));
        let waker = Waker::from(count.clone());
        let aw = AtomicWaker::new();
        aw.wake();
        aw.register(&waker);
        aw.wake();
        aw.wake();
        assert_eq!(count.0.load(SeqCst), 1);
        aw.register(&waker);
        aw.wake();
        assert_eq!(count.0.load(SeqCst), 2);
    }
}
