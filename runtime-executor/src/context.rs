//! Per-thread runtime context: which runtime this thread belongs to, whether it
//! is driving one (so a nested `block_on` can be refused, and whether
//! `block_in_place` may block it), the thread's random number generator (for
//! `select!`, reseeded from the runtime's seed when the thread enters it), and,
//! on scheduler threads, the scheduler-local state that `schedule` pushes to.
//!
//! Entering a runtime for driving stores the `runtime_core` driving mark here,
//! in the thread-local, rather than in the returned guard: `block_in_place`
//! takes it out while its closure runs ([`exit_runtime`]), so the closure may
//! block (`Handle::block_on`, `blocking_recv`), and puts it back afterwards.

use crate::Handle;
use std::cell::{Cell, RefCell};

/// Set on threads currently running a scheduler loop.
#[derive(Clone, Copy)]
pub(crate) enum Scheduler {
    None,
    /// A multi-thread worker; points at its `worker::Local` on the thread's stack.
    Worker(*const crate::multi_thread::worker::Local),
    /// A current-thread `block_on`; points at its `current_thread::Local`.
    Current(*const crate::current_thread::Local),
}

struct Context {
    /// The runtime `Handle::current()` returns here.
    handle: RefCell<Option<Handle>>,
    /// How many `SetHandleGuard`s are alive on this thread: each knows its
    /// depth, so one dropped out of order is caught instead of restoring a
    /// handle that a newer guard replaced.
    depth: Cell<usize>,
    scheduler: Cell<Scheduler>,
    /// Set while this thread drives a runtime; taken by `exit_runtime`.
    entered: RefCell<Option<Entered>>,
    /// The `select!` generator's state; 0 until first used or seeded.
    rng: Cell<u64>,
}

/// This thread drives a runtime.
struct Entered {
    _driving: runtime_core::driving::DrivingGuard,
    /// A multi-thread worker or `block_on` (true), or a current-thread
    /// `block_on` (false), where `block_in_place` must panic.
    allow_block_in_place: bool,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            handle: RefCell::new(None),
            depth: Cell::new(0),
            scheduler: Cell::new(Scheduler::None),
            entered: RefCell::new(None),
            rng: Cell::new(0),
        }
    };
}

/// The panic message for runtime APIs called on a thread with no runtime.
pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of a runtime: \
     call it inside `Runtime::block_on`, a task spawned on a runtime, a `#[runtime::main]` or \
     `#[runtime::test]` function, or after `Runtime::enter()`";

/// Calls `f` with this thread's current runtime handle, if any; `None`
/// (without calling `f`) once the thread-local is destroyed. `f` is called
/// directly, not kept in an `Option` to be called on either path, so a
/// spawned future is not moved once more on the spawn path (spawn+await
/// 1,090 -> 1,074 instructions, BENCHMARKS.md, fifth session).
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Handle>) -> R) -> Option<R> {
    CONTEXT.try_with(|c| f(c.handle.borrow().as_ref())).ok()
}

/// Spawns `future` on this thread's current runtime, spawned at `site`.
///
/// Not through [`with_current`]: a closure that captures the future makes
/// the compiler keep copies of it for the path where the thread-local is
/// gone (the closure is dropped unrun), one move per layer, on every spawn
/// (callgrind, `chained_spawn_mt`: 113 -> 94 instructions per spawn;
/// BENCHMARKS.md, seventh session). Here the future is only ever moved into
/// the task cell.
///
/// # Panics
/// Outside a runtime context, with [`NO_RUNTIME`], at the caller.
#[track_caller]
#[inline]
pub(crate) fn spawn<F>(
    future: F,
    site: &'static std::panic::Location<'static>,
) -> crate::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let Ok(context) = CONTEXT.try_with(|c| c as *const Context) else {
        panic!("{}", NO_RUNTIME);
    };
    // SAFETY: the thread-local was alive when `try_with` returned, and it
    // is destroyed only by its own destructor, on this thread, which cannot
    // run while this call is on the thread's stack: thread-local destructors
    // run one after the other, each to completion, after the thread's code
    // (and a spawn from inside another destructor returns before the next
    // destructor starts). The reference does not outlive this call.
    let context = unsafe { &*context };
    let handle = context.handle.borrow();
    match handle.as_ref() {
        Some(handle) => handle.spawn_at(future, site),
        None => panic!("{}", NO_RUNTIME),
    }
}

/// The scheduler-local state of this thread, if it runs a scheduler loop.
#[inline]
pub(crate) fn scheduler() -> Scheduler {
    CONTEXT
        .try_with(|c| c.scheduler.get())
        .unwrap_or(Scheduler::None)
}

/// Restores the previous context when dropped.
///
/// Every access to the thread-local here and in the guards uses `try_with`:
/// a runtime (or a `LocalSet`) kept in a thread-local of the user's is dropped
/// while the thread's locals are being destroyed, possibly after this one,
/// and `with` would then panic inside a destructor, which aborts the process.
/// Without the thread-local the guard sets and restores nothing.
pub(crate) struct SetHandleGuard {
    /// The handle to restore and this guard's depth; `None` when the
    /// thread-local was already destroyed.
    prev: Option<(Option<Handle>, usize)>,
}

/// The panic message for guards dropped out of order.
pub(crate) const GUARDS_OUT_OF_ORDER: &str =
    "`EnterGuard` values dropped out of order. Guards returned by `Runtime::enter()` or \
     `Handle::enter()` must be dropped in the reverse order they were acquired: drop the \
     newest one first.";

/// Makes `handle` the current runtime of this thread until the guard drops.
pub(crate) fn set_handle(handle: Handle) -> SetHandleGuard {
    let prev = CONTEXT
        .try_with(|c| {
            let depth = c.depth.get() + 1;
            c.depth.set(depth);
            (c.handle.replace(Some(handle)), depth)
        })
        .ok();
    SetHandleGuard { prev }
}

impl Drop for SetHandleGuard {
    fn drop(&mut self) {
        let Some((prev, depth)) = self.prev.take() else {
            return;
        };
        let in_order = CONTEXT
            .try_with(|c| {
                if c.depth.get() != depth {
                    return false;
                }
                c.depth.set(depth - 1);
                *c.handle.borrow_mut() = prev;
                true
            })
            .unwrap_or(true);
        if !in_order && !std::thread::panicking() {
            panic!("{GUARDS_OUT_OF_ORDER}");
        }
    }
}

/// Marks this thread as driving a runtime; restores it on drop.
pub(crate) struct EnterRuntimeGuard {
    _handle: SetHandleGuard,
    /// The `select!` generator state to restore (Tokio restores it too).
    prev_rng: u64,
}

/// The panic message for blocking on a runtime from a thread that drives one.
pub(crate) const NESTED_BLOCK_ON: &str =
    "Cannot start a runtime from within a runtime. This happens because a function \
     (like `block_on`) attempted to block the current thread while the thread is being \
     used to drive asynchronous tasks. Use `.await` instead, or move the blocking call \
     into `spawn_blocking`.";

/// Enters `handle` for driving it. Panics if this thread already drives a
/// runtime: blocking a thread that runs tasks would stall them all. The
/// "driving" mark is runtime-core's, so runtime-agnostic code (runtime-sync's
/// `blocking_*` calls) can refuse to block here too. `allow_block_in_place`
/// says whether `block_in_place` may run here (see [`entered`]). The thread's
/// `select!` generator is reseeded with `seed`, or else the next seed of the
/// runtime's stream.
#[track_caller]
pub(crate) fn enter_runtime(
    handle: Handle,
    allow_block_in_place: bool,
    seed: Option<u64>,
) -> EnterRuntimeGuard {
    let Some(driving) = runtime_core::driving::enter() else {
        panic!("{NESTED_BLOCK_ON}");
    };
    let seed = seed.unwrap_or_else(|| handle.next_seed());
    let prev_rng = CONTEXT
        .try_with(|c| {
            // No earlier `Entered` can be here: the driving mark was clear.
            *c.entered.borrow_mut() = Some(Entered {
                _driving: driving,
                allow_block_in_place,
            });
            c.rng.replace(seed)
        })
        .unwrap_or(0);
    EnterRuntimeGuard {
        _handle: set_handle(handle),
        prev_rng,
    }
}

impl Drop for EnterRuntimeGuard {
    fn drop(&mut self) {
        let prev_rng = self.prev_rng;
        // Moved out of the borrow before it drops (it only clears a flag).
        let entered = CONTEXT
            .try_with(|c| {
                c.rng.set(prev_rng);
                c.entered.borrow_mut().take()
            })
            .ok()
            .flatten();
        drop(entered);
    }
}

/// Whether this thread drives a runtime: `None` if not, else whether
/// `block_in_place` may block it.
pub(crate) fn entered() -> Option<bool> {
    CONTEXT
        .try_with(|c| c.entered.borrow().as_ref().map(|e| e.allow_block_in_place))
        .ok()
        .flatten()
}

/// Runs `f` with this thread no longer marked as driving a runtime (its
/// handle stays current), then marks it again, also on unwind. What
/// `block_in_place` runs its closure in.
pub(crate) fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    struct Reenter(Option<bool>);
    impl Drop for Reenter {
        fn drop(&mut self) {
            let Some(allow_block_in_place) = self.0 else {
                return;
            };
            // `None`: something in `f` leaked a driving mark; keep that one.
            if let Some(driving) = runtime_core::driving::enter() {
                let _ = CONTEXT.try_with(|c| {
                    *c.entered.borrow_mut() = Some(Entered {
                        _driving: driving,
                        allow_block_in_place,
                    })
                });
            }
        }
    }
    let taken = CONTEXT
        .try_with(|c| c.entered.borrow_mut().take())
        .ok()
        .flatten();
    let _reenter = Reenter(taken.as_ref().map(|e| e.allow_block_in_place));
    // Dropping it clears the driving mark.
    drop(taken);
    f()
}

/// True if this thread drives a runtime right now.
pub(crate) fn is_entered() -> bool {
    runtime_core::driving::is_driving()
}

/// A number in `0..n` (0 when `n` is 0) from this thread's xorshift64
/// generator, seeded from the runtime's [`RngSeed`](crate::RngSeed) while the
/// thread drives a runtime, from the OS's randomness otherwise. Not
/// cryptographic: `select!` uses it to pick the branch it polls first.
///
/// # Examples
///
/// ```
/// use runtime::runtime::{Builder, RngSeed};
///
/// let draws = || {
///     let rt = Builder::new_current_thread()
///         .rng_seed(RngSeed::from_bytes(b"fixed"))
///         .build()
///         .unwrap();
///     rt.block_on(async { (0..10).map(|_| runtime_executor::thread_rng_n(100)).collect::<Vec<_>>() })
/// };
/// assert_eq!(draws(), draws());
/// assert!(draws().iter().all(|&n| n < 100));
/// ```
pub fn thread_rng_n(n: u32) -> u32 {
    let step = |rng: &Cell<u64>| {
        let mut x = rng.get();
        if x == 0 {
            x = crate::rand::random_seed();
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rng.set(x);
        // Multiply-shift maps the high 32 bits onto `0..n` without a division.
        (((x >> 32) * u64::from(n)) >> 32) as u32
    };
    CONTEXT
        .try_with(|c| step(&c.rng))
        .unwrap_or_else(|_| step(&Cell::new(0)))
}

/// Replaces this thread's scheduler-local state without a guard; for
/// `block_in_place`, which clears it while the worker's core is away and
/// puts it back when the core returns.
pub(crate) fn replace_scheduler(scheduler: Scheduler) -> Scheduler {
    CONTEXT
        .try_with(|c| c.scheduler.replace(scheduler))
        .unwrap_or(Scheduler::None)
}

/// Restores the previous scheduler-local state when dropped.
pub(crate) struct SchedulerGuard {
    prev: Scheduler,
}

/// Installs scheduler-local state until the guard drops. The pointee must
/// outlive the guard.
pub(crate) fn set_scheduler(scheduler: Scheduler) -> SchedulerGuard {
    let prev = CONTEXT
        .try_with(|c| c.scheduler.replace(scheduler))
        .unwrap_or(Scheduler::None);
    SchedulerGuard { prev }
}

impl Drop for SchedulerGuard {
    fn drop(&mut self) {
        let prev = self.prev;
        let _ = CONTEXT.try_with(|c| c.scheduler.set(prev));
    }
}
