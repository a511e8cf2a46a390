//! The blocking locks the runtime uses internally: `parking_lot`'s or `std`'s,
//! chosen by the `parking_lot` cargo feature, behind one API.
//!
//! This is Tokio's model. Tokio's internal `Mutex`/`Condvar` are `std`'s unless
//! its `parking_lot` feature is on, and the feature changes nothing but the
//! implementation. Here it is on by default (it always was, before it was a
//! feature), and the facade crate forwards its own `parking_lot` feature
//! (part of `full`) to this crate, the executor and the reactor.
//!
//! Why both: since Rust 1.62, `std::sync::Mutex` and `Condvar` are small
//! futex-based locks on Linux, with no allocation and no global table, so they
//! are a fine default and cost no dependencies. `parking_lot` is faster under
//! contention (adaptive spinning, eventual fairness) and has no poisoning, but
//! it brings six crates (`parking_lot`, `lock_api`, `parking_lot_core`,
//! `scopeguard`, `smallvec`, `cfg-if`) into a build that may not want them.
//!
//! The API is `parking_lot`'s, restricted to what the workspace uses:
//!
//! - [`Mutex`]: `new` (a `const fn`), `lock`, `try_lock` (an `Option`, never
//!   fails spuriously), `is_locked`; `Default` and `Debug`;
//! - [`MutexGuard`]: `Deref`/`DerefMut`, unlocks on drop;
//! - [`Condvar`]: `new`, `wait(&mut guard)`, `wait_for(&mut guard, Duration)`,
//!   `wait_until(&mut guard, Instant)` (both returning [`WaitTimeoutResult`],
//!   whose `timed_out` says why the wait ended), `notify_one`, `notify_all`;
//!   `Default` and `Debug`.
//!
//! Differences of the `std`-backed implementation, none of which the runtime
//! depends on: `notify_one`/`notify_all` return `()` (`parking_lot`'s return
//! whether a thread was woken and how many; `std` cannot tell), and the
//! `Condvar` waits need a sized `T`, as `std`'s do.
//!
//! Poisoning is ignored by both: a lock whose holder panicked is simply
//! unlocked, as with `parking_lot`. The runtime's locks guard bookkeeping whose
//! invariants hold between statements, and it already catches task panics
//! before they can unwind through a held lock.

#[cfg(feature = "parking_lot")]
pub use parking_lot::{Condvar, Mutex, MutexGuard, WaitTimeoutResult};

#[cfg(not(feature = "parking_lot"))]
pub use self::std_impl::{Condvar, Mutex, MutexGuard, WaitTimeoutResult};

/// The `std`-backed implementation. Compiled in tests even when `parking_lot`
/// is selected, so one `cargo test` exercises both.
#[cfg(any(test, not(feature = "parking_lot")))]
mod std_impl {
    use std::fmt;
    use std::ops::{Deref, DerefMut};
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    use std::sync::{PoisonError, TryLockError};
    use std::time::{Duration, Instant};

    /// A mutual-exclusion lock with `parking_lot`'s API over
    /// `std::sync::Mutex`: `lock` returns the guard directly (poisoning is
    /// ignored), `try_lock` an `Option`.
    ///
    /// # The `locked` flag
    ///
    /// `std` cannot tell whether a mutex is held, and emulating
    /// [`is_locked`](Mutex::is_locked) with `try_lock` would briefly take the
    /// lock, making a concurrent `try_lock` fail although nobody holds it (the
    /// reactor's shared driver slot relies on `try_lock` succeeding when the
    /// slot is free). So the mutex keeps a flag: set by a thread right after it
    /// acquires the lock, cleared by the holder right before it releases it
    /// (when the guard drops, and around a [`Condvar`] wait, which releases the
    /// lock while it sleeps).
    ///
    /// All accesses to the flag are `Relaxed`. It publishes no data (the data
    /// is reached only through the lock, whose acquire/release already orders
    /// it), and it is written only by the thread holding the `std` lock, so
    /// its writes are ordered by that lock: its modification order is the
    /// order of the critical sections, set then cleared in each. A reader gets
    /// a snapshot that may be stale by the time it acts on it, which is all
    /// `is_locked` promises (`parking_lot`'s is a `Relaxed` load too). The flag
    /// is false for a moment after the lock is taken and before it is let go,
    /// never true without a holder having set it.
    pub struct Mutex<T: ?Sized> {
        locked: AtomicBool,
        inner: std::sync::Mutex<T>,
    }

    /// Holds a [`Mutex`] locked; dereferences to the data and unlocks on drop.
    #[must_use = "if unused the Mutex will immediately unlock"]
    pub struct MutexGuard<'a, T: ?Sized> {
        locked: &'a AtomicBool,
        /// `None` only while a [`Condvar`] wait holds the `std` guard (and
        /// forever if that wait panicked: the guard is then only dropped).
        guard: Option<std::sync::MutexGuard<'a, T>>,
    }

    /// A condition variable with `parking_lot`'s API over
    /// `std::sync::Condvar`: the waits take `&mut MutexGuard` and give the
    /// lock back, re-acquired, in place.
    #[derive(Default)]
    pub struct Condvar(std::sync::Condvar);

    /// Why a timed [`Condvar`] wait returned.
    #[derive(Debug, PartialEq, Eq, Copy, Clone)]
    pub struct WaitTimeoutResult(bool);

    impl<T> Mutex<T> {
        /// An unlocked mutex holding `value`.
        pub const fn new(value: T) -> Mutex<T> {
            Mutex {
                locked: AtomicBool::new(false),
                inner: std::sync::Mutex::new(value),
            }
        }
    }

    impl<T: ?Sized> Mutex<T> {
        /// Blocks until the lock is free, then takes it.
        pub fn lock(&self) -> MutexGuard<'_, T> {
            let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            self.guard(guard)
        }

        /// Takes the lock if it is free, without blocking; `None` if another
        /// guard holds it.
        pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            match self.inner.try_lock() {
                Ok(guard) => Some(self.guard(guard)),
                Err(TryLockError::Poisoned(poisoned)) => Some(self.guard(poisoned.into_inner())),
                Err(TryLockError::WouldBlock) => None,
            }
        }

        /// Whether some guard holds the lock now: a snapshot, which may be
        /// stale by the time the caller acts on it (see the type's docs).
        pub fn is_locked(&self) -> bool {
            self.locked.load(Relaxed)
        }

        fn guard<'a>(&'a self, guard: std::sync::MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.locked.store(true, Relaxed);
            MutexGuard {
                locked: &self.locked,
                guard: Some(guard),
            }
        }
    }

    impl<T: Default> Default for Mutex<T> {
        fn default() -> Mutex<T> {
            Mutex::new(T::default())
        }
    }

    impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
        /// Shows the data if the lock is free, `<locked>` otherwise (never
        /// blocks), as `parking_lot` does.
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let mut d = f.debug_struct("Mutex");
            match self.try_lock() {
                Some(guard) => d.field("data", &&*guard),
                None => d.field("data", &format_args!("<locked>")),
            };
            d.finish()
        }
    }

    impl<'a, T: ?Sized> MutexGuard<'a, T> {
        /// Releases the `std` guard for a condition-variable wait, clearing
        /// the flag first: the wait unlocks the mutex.
        fn take_for_wait(&mut self) -> std::sync::MutexGuard<'a, T> {
            let guard = self
                .guard
                .take()
                .expect("MutexGuard used after a panicking Condvar wait");
            self.locked.store(false, Relaxed);
            guard
        }

        /// Puts back the guard the wait re-acquired the lock with.
        fn restore_after_wait(&mut self, guard: std::sync::MutexGuard<'a, T>) {
            self.locked.store(true, Relaxed);
            self.guard = Some(guard);
        }
    }

    impl<T: ?Sized> Deref for MutexGuard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            self.guard
                .as_deref()
                .expect("MutexGuard used after a panicking Condvar wait")
        }
    }

    impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.guard
                .as_deref_mut()
                .expect("MutexGuard used after a panicking Condvar wait")
        }
    }

    impl<T: ?Sized> Drop for MutexGuard<'_, T> {
        fn drop(&mut self) {
            // Cleared while still holding the lock, then released; `None`
            // (a panicked wait) means the flag is already clear.
            if let Some(guard) = self.guard.take() {
                self.locked.store(false, Relaxed);
                drop(guard);
            }
        }
    }

    impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(&**self, f)
        }
    }

    impl Condvar {
        /// A condition variable with no waiters.
        pub const fn new() -> Condvar {
            Condvar(std::sync::Condvar::new())
        }

        /// Unlocks the guard's mutex, sleeps until notified (or spuriously
        /// woken), and locks it again before returning.
        pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            let std_guard = guard.take_for_wait();
            let std_guard = self
                .0
                .wait(std_guard)
                .unwrap_or_else(PoisonError::into_inner);
            guard.restore_after_wait(std_guard);
        }

        /// Like [`wait`](Condvar::wait), but gives up after `timeout`.
        pub fn wait_for<T>(
            &self,
            guard: &mut MutexGuard<'_, T>,
            timeout: Duration,
        ) -> WaitTimeoutResult {
            let std_guard = guard.take_for_wait();
            let (std_guard, result) = self
                .0
                .wait_timeout(std_guard, timeout)
                .unwrap_or_else(PoisonError::into_inner);
            guard.restore_after_wait(std_guard);
            WaitTimeoutResult(result.timed_out())
        }

        /// Like [`wait`](Condvar::wait), but gives up at `deadline` (at once if
        /// it has passed).
        pub fn wait_until<T>(
            &self,
            guard: &mut MutexGuard<'_, T>,
            deadline: Instant,
        ) -> WaitTimeoutResult {
            self.wait_for(guard, deadline.saturating_duration_since(Instant::now()))
        }

        /// Wakes one waiting thread, if any.
        pub fn notify_one(&self) {
            self.0.notify_one();
        }

        /// Wakes every waiting thread.
        pub fn notify_all(&self) {
            self.0.notify_all();
        }
    }

    impl fmt::Debug for Condvar {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Condvar").finish_non_exhaustive()
        }
    }

    impl WaitTimeoutResult {
        /// Whether the wait ended because its time ran out (rather than a
        /// notification or a spurious wake-up).
        pub fn timed_out(self) -> bool {
            self.0
        }
    }
}

#[cfg(test)]
mod tests {
    /// The same tests for the exported implementation (`parking_lot`'s with
    /// the default features) and for the `std`-backed one.
    macro_rules! lock_tests {
        ($name:ident, $($imp:tt)+) => {
            mod $name {
                use $($imp)+::{Condvar, Mutex};
                use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
                use std::thread;
                use std::time::{Duration, Instant};

                /// Usable in a `static`: `new` is a `const fn`.
                static GLOBAL: Mutex<u32> = Mutex::new(0);

                #[test]
                fn lock_try_lock_is_locked() {
                    let m = Mutex::new(1);
                    assert!(!m.is_locked());
                    let mut g = m.lock();
                    assert!(m.is_locked());
                    assert!(m.try_lock().is_none());
                    *g += 1;
                    drop(g);
                    assert!(!m.is_locked());
                    let mut g = m.try_lock().expect("free lock");
                    assert!(m.is_locked());
                    *g += 1;
                    drop(g);
                    assert_eq!(*m.lock(), 3);
                    assert!(!m.is_locked());

                    *GLOBAL.lock() += 1;
                    assert!(*GLOBAL.lock() >= 1);
                }

                #[test]
                fn try_lock_from_another_thread() {
                    let m = Mutex::new(());
                    let g = m.lock();
                    thread::scope(|s| {
                        s.spawn(|| {
                            assert!(m.is_locked());
                            assert!(m.try_lock().is_none());
                        });
                    });
                    drop(g);
                    thread::scope(|s| {
                        s.spawn(|| {
                            assert!(!m.is_locked());
                            assert!(m.try_lock().is_some());
                        });
                    });
                }

                #[test]
                fn poisoning_is_ignored() {
                    let m = Mutex::new(5);
                    let r = thread::scope(|s| {
                        s.spawn(|| {
                            let _g = m.lock();
                            panic!("panic while holding the lock (expected)");
                        })
                        .join()
                    });
                    assert!(r.is_err());
                    assert!(!m.is_locked());
                    assert_eq!(*m.try_lock().expect("free after the panic"), 5);
                    assert_eq!(*m.lock(), 5);
                }

                #[test]
                fn default_and_debug() {
                    let m: Mutex<Vec<u8>> = Mutex::default();
                    assert!(format!("{m:?}").contains("[]"));
                    let g = m.lock();
                    // Never blocks, even while locked.
                    assert!(format!("{m:?}").contains("locked"));
                    assert_eq!(format!("{g:?}"), "[]");
                    drop(g);
                    let c = Condvar::default();
                    assert!(format!("{c:?}").contains("Condvar"));
                }

                #[test]
                fn wait_for_times_out_with_the_lock_held_again() {
                    let m = Mutex::new(0);
                    let c = Condvar::new();
                    let mut g = m.lock();
                    let start = Instant::now();
                    let r = c.wait_for(&mut g, Duration::from_millis(30));
                    assert!(r.timed_out());
                    assert!(start.elapsed() >= Duration::from_millis(30));
                    assert!(m.is_locked());
                    assert!(m.try_lock().is_none());
                    *g += 1;
                    drop(g);
                    assert!(!m.is_locked());
                    assert_eq!(*m.lock(), 1);
                }

                #[test]
                fn wait_for_is_notified_from_another_thread() {
                    let m = Mutex::new(false);
                    let c = Condvar::new();
                    let mut g = m.lock();
                    thread::scope(|s| {
                        s.spawn(|| {
                            // The flag is cleared while the waiter sleeps.
                            let deadline = Instant::now() + Duration::from_secs(10);
                            while m.is_locked() {
                                assert!(Instant::now() < deadline, "locked while waiting");
                                thread::yield_now();
                            }
                            let mut g = m.lock();
                            *g = true;
                            c.notify_one();
                        });
                        let start = Instant::now();
                        while !*g {
                            let r = c.wait_for(&mut g, Duration::from_secs(10));
                            assert!(!r.timed_out(), "notification lost");
                        }
                        assert!(start.elapsed() < Duration::from_secs(10));
                        assert!(m.is_locked());
                        drop(g);
                    });
                    assert!(!m.is_locked());
                }

                #[test]
                fn wait_and_notify_all() {
                    let m = Mutex::new(false);
                    let c = Condvar::new();
                    let waiting = AtomicBool::new(false);
                    thread::scope(|s| {
                        for _ in 0..3 {
                            s.spawn(|| {
                                let mut g = m.lock();
                                waiting.store(true, SeqCst);
                                while !*g {
                                    c.wait(&mut g);
                                }
                            });
                        }
                        while !waiting.load(SeqCst) {
                            thread::yield_now();
                        }
                        *m.lock() = true;
                        c.notify_all();
                    });
                    assert!(!m.is_locked());
                }

                #[test]
                fn wait_until() {
                    let m = Mutex::new(());
                    let c = Condvar::new();
                    let mut g = m.lock();
                    // A deadline already passed: at once.
                    let past = Instant::now();
                    assert!(c.wait_until(&mut g, past).timed_out());
                    let deadline = Instant::now() + Duration::from_millis(30);
                    assert!(c.wait_until(&mut g, deadline).timed_out());
                    assert!(Instant::now() >= deadline);
                    assert!(m.is_locked());
                    drop(g);

                    // Notified before the deadline.
                    let m = Mutex::new(false);
                    let mut g = m.lock();
                    thread::scope(|s| {
                        s.spawn(|| {
                            *m.lock() = true;
                            c.notify_one();
                        });
                        let deadline = Instant::now() + Duration::from_secs(10);
                        while !*g {
                            assert!(!c.wait_until(&mut g, deadline).timed_out());
                        }
                        drop(g);
                    });
                }
            }
        };
    }

    lock_tests!(exported, crate::lock);
    lock_tests!(std_backed, crate::lock::std_impl);
}
