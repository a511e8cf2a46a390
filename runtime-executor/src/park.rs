//! `ThreadParker`: the plain `Park` implementation, a condition variable.
//!
//! The state atomic makes the common cases lock-free: an unpark that arrives
//! before the park is remembered (`NOTIFIED`) and the park returns at once;
//! the mutex is taken only to sleep and to wake a sleeper.

use runtime_core::lock::{Condvar, Mutex};
use runtime_core::{Park, Unpark};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

/// Parks a thread on a condition variable.
#[derive(Clone, Default)]
pub struct ThreadParker {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: AtomicUsize,
    lock: Mutex<()>,
    cvar: Condvar,
}

impl ThreadParker {
    /// A parker with no pending unpark.
    pub fn new() -> ThreadParker {
        ThreadParker::default()
    }

    /// Blocks until unparked or `timeout` (if any) passes.
    pub fn park_inner(&self, timeout: Option<Duration>) {
        let inner = &*self.inner;
        if inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            return;
        }
        let mut guard = inner.lock.lock();
        if let Err(actual) = inner.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            // Unparked between the first check and taking the lock.
            debug_assert_eq!(actual, NOTIFIED);
            inner.state.store(EMPTY, SeqCst);
            return;
        }
        match timeout {
            None => loop {
                inner.cvar.wait(&mut guard);
                if inner
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                    .is_ok()
                {
                    return;
                }
                // Spurious wakeup: sleep again.
            },
            Some(timeout) => {
                inner.cvar.wait_for(&mut guard, timeout);
                // Woken, timed out, or spurious: in every case consume any unpark.
                inner.state.store(EMPTY, SeqCst);
            }
        }
    }

    /// Wakes the parked thread, or makes its next park return at once.
    pub fn unpark_inner(&self) {
        self.inner.unpark();
    }
}

impl Inner {
    fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Taking the lock orders this notify after the parker's wait began.
                drop(self.lock.lock());
                self.cvar.notify_one();
            }
            _ => unreachable!("invalid parker state"),
        }
    }
}

impl Park for ThreadParker {
    fn park(&mut self) {
        self.park_inner(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.park_inner(Some(timeout));
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.inner.clone()
    }
}

impl Unpark for Inner {
    fn unpark(&self) {
        Inner::unpark(self);
    }
}

impl std::fmt::Debug for ThreadParker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadParker").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpark_before_park_is_remembered() {
        let p = ThreadParker::new();
        p.unpark_inner();
        p.park_inner(None); // returns at once
    }

    #[test]
    fn unpark_from_other_thread_wakes_parked_thread() {
        let p = ThreadParker::new();
        let q = p.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            q.unpark_inner();
        });
        p.park_inner(None);
        t.join().unwrap();
    }

    #[test]
    fn park_timeout_returns_without_unpark() {
        let p = ThreadParker::new();
        p.park_inner(Some(Duration::from_millis(5)));
    }
}
