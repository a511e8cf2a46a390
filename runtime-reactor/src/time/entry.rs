//! The shared state of one registered timer.

use super::Key;
use runtime_core::lock::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use std::task::Waker;

/// No key: not in the wheel.
const NO_KEY: usize = usize::MAX;

/// The timer wheel and a cache of timer entries for reuse, behind one lock.
pub(crate) struct Timers {
    pub(crate) wheel: super::Wheel<std::sync::Arc<TimerShared>>,
    /// Entries of dropped `Sleep`s, reused by the next registrations so the
    /// common "arm a timeout, cancel it" path does not allocate.
    free: Vec<std::sync::Arc<TimerShared>>,
}

/// Cached entries at most: enough for a burst of concurrent timeouts to be
/// recycled, small enough (about 8 KiB of pointers) to be irrelevant at rest.
/// Chosen here, not measured.
const MAX_FREE_ENTRIES: usize = 1024;

impl Timers {
    pub(crate) fn new() -> Timers {
        Timers {
            wheel: super::Wheel::new(),
            free: Vec::new(),
        }
    }

    /// A fresh (unfired, unregistered) entry holding `waker`.
    pub(crate) fn entry(&mut self, waker: &Waker) -> std::sync::Arc<TimerShared> {
        match self.free.pop() {
            Some(entry) => {
                entry.fired.store(false, Relaxed);
                *entry.waker.lock() = Some(waker.clone());
                entry
            }
            None => std::sync::Arc::new(TimerShared::new(waker.clone())),
        }
    }

    /// Takes back an entry its `Sleep` no longer uses, if nothing else holds it.
    pub(crate) fn recycle(&mut self, entry: std::sync::Arc<TimerShared>) {
        // Only the caller's reference left (the driver may briefly hold fired
        // entries): nobody can observe the reset.
        if std::sync::Arc::strong_count(&entry) == 1 && self.free.len() < MAX_FREE_ENTRIES {
            entry.waker.lock().take();
            self.free.push(entry);
        }
    }
}

/// Held by the `Sleep` and, while registered, by the wheel.
pub(crate) struct TimerShared {
    /// Set by the driver (under the wheel lock) when the deadline passed.
    fired: AtomicBool,
    /// The wheel key while registered; read and written only under the wheel lock.
    key: AtomicUsize,
    waker: Mutex<Option<Waker>>,
}

impl TimerShared {
    pub(crate) fn new(waker: Waker) -> TimerShared {
        TimerShared {
            fired: AtomicBool::new(false),
            key: AtomicUsize::new(NO_KEY),
            waker: Mutex::new(Some(waker)),
        }
    }

    pub(crate) fn is_fired(&self) -> bool {
        self.fired.load(Acquire)
    }

    /// Stores `waker` unless an equivalent one is stored. Returns whether the
    /// timer fired (check after storing, so a concurrent fire is not missed).
    pub(crate) fn register(&self, waker: &Waker) -> bool {
        let mut slot = self.waker.lock();
        match &*slot {
            Some(w) if w.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
        drop(slot);
        self.is_fired()
    }

    /// Under the wheel lock.
    pub(crate) fn key(&self) -> Option<Key> {
        match self.key.load(Relaxed) {
            NO_KEY => None,
            k => Some(Key::from_raw(k)),
        }
    }

    /// Under the wheel lock.
    pub(crate) fn set_key(&self, key: Option<Key>) {
        self.key.store(key.map_or(NO_KEY, Key::into_raw), Relaxed);
    }

    /// Under the wheel lock: marks the timer fired and hands out its waker.
    pub(crate) fn fire(&self, wake: &mut Vec<Waker>) {
        self.set_key(None);
        self.fired.store(true, Release);
        wake.extend(self.waker.lock().take());
    }
}
