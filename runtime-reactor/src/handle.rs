//! The shared state of one reactor, and which reactor the current thread uses.

use crate::io::ScheduledIo;
use crate::time::{Clock, Timers};
use runtime_core::lock::Mutex;
use slab::Slab;
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::*};
use std::sync::Arc;

/// A reference to a reactor, held by every I/O resource and timer.
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Arc<Inner>,
}

// Unwind safety: a panic cannot leave the reactor half-updated where the caller
// could see it. Its shared state is atomics and runtime-internal locks, and no
// user code ever runs while one of those is held, so there is no critical
// section for an unwind to interrupt. The auto traits miss this only because
// the locks (`parking_lot`'s, without poisoning) hold an `UnsafeCell`. As in
// Tokio, which implements the same traits on the same types.
impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

pub(crate) struct Inner {
    pub(crate) registry: mio::Registry,
    waker: mio::Waker,
    /// Registered I/O sources, indexed by the low half of their token.
    pub(crate) io: Mutex<Slab<Arc<ScheduledIo>>>,
    /// Makes each registration's token unique, so a reused slab slot never
    /// receives the previous source's events.
    pub(crate) next_generation: AtomicU64,
    pub(crate) timers: Mutex<Timers>,
    pub(crate) clock: Clock,
    /// The tick the driver sleeps until (`u64::MAX`: no timer). A timer due
    /// earlier must unpark it.
    pub(crate) next_wake: AtomicU64,
    park_state: AtomicU8,
    pub(crate) shutdown: AtomicBool,
    /// I/O readiness events the driver has handed to their sources (a
    /// metric; only the driving thread writes it).
    pub(crate) ready_events: AtomicU64,
    /// Runs blocking jobs (name resolution) on the runtime's blocking pool;
    /// set by the facade, which owns both pieces, and cleared at shutdown.
    blocking: Mutex<Option<BlockingSpawner>>,
}

/// Hands a blocking job to the runtime's blocking pool.
pub type BlockingSpawner = Arc<dyn Fn(Box<dyn FnOnce() + Send>) + Send + Sync>;

/// Whether the driver is blocked in the poller; lets `unpark` skip the
/// wake-up syscall when the driver is awake anyway.
const EMPTY: u8 = 0;
const PARKED: u8 = 1;
const NOTIFIED: u8 = 2;

/// The token of the `mio::Waker`; registrations never use it.
pub(crate) const WAKE_TOKEN: mio::Token = mio::Token(usize::MAX);

/// Panic message for timers and I/O used outside a runtime.
pub(crate) const NO_REACTOR: &str = "there is no reactor running, must be called from the context of a runtime: \
     create timers and I/O resources inside `Runtime::block_on`, a spawned task, or after `Runtime::enter()`";

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

impl Handle {
    pub(crate) fn new(registry: mio::Registry, waker: mio::Waker) -> Handle {
        Handle {
            inner: Arc::new(Inner {
                registry,
                waker,
                io: Mutex::new(Slab::new()),
                next_generation: AtomicU64::new(0),
                timers: Mutex::new(Timers::new()),
                clock: Clock::new(),
                next_wake: AtomicU64::new(u64::MAX),
                park_state: AtomicU8::new(EMPTY),
                shutdown: AtomicBool::new(false),
                ready_events: AtomicU64::new(0),
                blocking: Mutex::new(None),
            }),
        }
    }

    /// The reactor of the current thread.
    ///
    /// # Panics
    /// Outside a runtime, with a message saying where timers and I/O can be used.
    #[track_caller]
    pub fn current() -> Handle {
        // A `match`, not `unwrap_or_else`: a closure would hide the caller.
        match Handle::try_current() {
            Some(handle) => handle,
            None => panic!("{NO_REACTOR}"),
        }
    }

    /// The reactor of the current thread, if any.
    pub fn try_current() -> Option<Handle> {
        CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
    }

    /// Calls `f` with the current reactor without cloning the handle.
    pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Handle>) -> R) -> R {
        let mut f = Some(f);
        CURRENT
            .try_with(|c| (f.take().unwrap())(c.borrow().as_ref()))
            .unwrap_or_else(|_| (f.take().unwrap())(None))
    }

    /// Makes this the current thread's reactor until the guard drops.
    ///
    /// During thread-local destruction (a runtime kept in a thread-local is
    /// dropped then) the thread-local may be gone: nothing is entered, and
    /// nothing panics, which in a destructor would abort the process.
    pub fn enter(&self) -> EnterGuard {
        let prev = CURRENT.try_with(|c| c.replace(Some(self.clone()))).ok();
        EnterGuard { prev }
    }

    /// Makes this the reactor of the current thread for the rest of its life
    /// (for runtime threads, from a thread-start hook).
    pub fn enter_for_thread(&self) {
        CURRENT.with(|c| *c.borrow_mut() = Some(self.clone()));
    }

    /// Wakes the driver if it is blocked, or makes its next wait return at once.
    pub fn unpark(&self) {
        if self.inner.park_state.swap(NOTIFIED, AcqRel) == PARKED {
            // The driver is in (or entering) the poller: interrupt it.
            let _ = self.inner.waker.wake();
        }
    }

    /// Called by the driver before waiting: false if an unpark is pending (then
    /// it must not block).
    pub(crate) fn begin_park(&self) -> bool {
        self.inner
            .park_state
            .compare_exchange(EMPTY, PARKED, AcqRel, Acquire)
            .is_ok()
    }

    /// Called by the driver after waiting; consumes any pending unpark.
    pub(crate) fn end_park(&self) {
        self.inner.park_state.store(EMPTY, Release);
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.inner.shutdown.load(Acquire)
    }

    /// Sets (or with `None`, clears) how blocking jobs reach the blocking pool.
    pub fn set_blocking_spawner(&self, spawner: Option<BlockingSpawner>) {
        *self.inner.blocking.lock() = spawner;
    }

    /// Runs `job` on the blocking pool, or on a new thread when no pool is set.
    pub fn spawn_blocking_job(&self, job: Box<dyn FnOnce() + Send>) {
        let spawner = self.inner.blocking.lock().clone();
        match spawner {
            Some(spawn) => spawn(job),
            None => {
                // No runtime pool (a bare reactor, in tests): a thread per job.
                let _ = std::thread::Builder::new()
                    .name("runtime-blocking".into())
                    .spawn(job);
            }
        }
    }

    /// True when both handles refer to the same reactor.
    pub fn ptr_eq(&self, other: &Handle) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Number of registered I/O sources (diagnostics, tests).
    pub fn num_io_sources(&self) -> usize {
        self.inner.io.lock().len()
    }

    /// I/O readiness events delivered to registered sources so far (the
    /// driver's wake-up token not counted).
    pub fn io_ready_count(&self) -> u64 {
        self.inner.ready_events.load(Relaxed)
    }

    /// Number of timers waiting in the wheel (diagnostics, tests).
    pub fn num_timers(&self) -> usize {
        self.inner.timers.lock().wheel.len()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("reactor::Handle").finish_non_exhaustive()
    }
}

/// Restores the previous reactor of this thread when dropped.
#[must_use = "the reactor is only entered while the guard lives"]
pub struct EnterGuard {
    /// The reactor to restore; `None` when nothing was entered.
    prev: Option<Option<Handle>>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        if let Some(prev) = self.prev.take() {
            let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
        }
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish()
    }
}
