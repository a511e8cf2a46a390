//! Blocking a thread on one future, with no scheduler: used by the multi-thread
//! `block_on` (its tasks run on the workers) and `Handle::block_on`.

use crate::park::ThreadParker;
use runtime_core::coop;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

struct ParkWaker(ThreadParker);

impl Wake for ParkWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark_inner();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark_inner();
    }
}

thread_local! {
    /// One parker and waker per thread, so `block_on` allocates nothing.
    static PARKER: (ThreadParker, Waker) = {
        let parker = ThreadParker::new();
        let waker = Waker::from(Arc::new(ParkWaker(parker.clone())));
        (parker, waker)
    };
}

/// This thread's parker and a waker that unparks it.
pub(crate) fn thread_parker() -> (ThreadParker, Waker) {
    PARKER.with(|(p, w)| (p.clone(), w.clone()))
}

/// Polls `future` on this thread, sleeping between wake-ups.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let (parker, waker) = thread_parker();
    let mut cx = Context::from_waker(&waker);
    loop {
        // A fresh budget per poll: the budget bounds one poll, not the whole wait.
        if let Poll::Ready(v) = coop::budget(|| future.as_mut().poll(&mut cx)) {
            return v;
        }
        parker.park_inner(None);
    }
}
