//! A per-thread scheduler override that `spawn`, `spawn_local`,
//! `spawn_blocking` and `select!`'s random branch order consult first: how a
//! deterministic simulation (the `runtime-sim` crate) takes over the facade's
//! free functions without the facade or the executor knowing about it.
//!
//! # Design
//!
//! The facade's `runtime::spawn` normally goes to the executor's current
//! runtime. A simulation runs tasks on its own single-threaded scheduler, and
//! it must not depend on the executor (the crate graph keeps them apart).
//! So the override lives here, in the crate both depend on: while a
//! simulation polls one of its tasks it [`enter`]s its scheduler for this
//! thread, and the facade's spawn functions check [`is_entered`] first and
//! then call [`spawn`] (or [`spawn_local`], [`spawn_blocking`]) here instead
//! of the executor. The production cost is one load of a thread-local flag
//! and one well-predicted branch per spawn.
//!
//! The override is one type-erased scheduler, [`HookScheduler`]: an `Arc` of
//! a [`HookSchedule`] implementation that queues woken tasks, binds new ones
//! to its owned list, and draws random numbers for `select!` ([`rng_n`]).
//! No lock is held here while user code runs.

use crate::{JoinHandle, Notified, Schedule, Task};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The scheduler behind a [`HookScheduler`].
///
/// # Safety
///
/// Tasks spawned through [`spawn_local`] may hold `!Send` futures: an
/// implementation must poll every task it is given (run its `Notified`) only
/// on the thread that [`enter`]ed it, and shut its tasks down on that thread.
pub unsafe trait HookSchedule: Send + Sync + 'static {
    /// Queues a woken task (see [`Schedule::schedule`]).
    fn schedule(&self, task: Notified<HookScheduler>);
    /// Takes a completed task out of the owned list (see [`Schedule::release`]).
    fn release(&self, task: &Task<HookScheduler>) -> Option<Task<HookScheduler>>;
    /// Takes ownership of a newly spawned task and queues its first run.
    fn bind(&self, task: Task<HookScheduler>, notified: Notified<HookScheduler>);
    /// A number in `0..n` (0 when `n` is 0) from the scheduler's seeded
    /// generator.
    fn rng_n(&self, n: u32) -> u32;
    /// Told when one of its tasks panicked in `poll`, before the panic
    /// reaches the task's `JoinHandle` as usual.
    fn panicked(&self, payload: &(dyn Any + Send));
}

/// A type-erased scheduler for tasks spawned through the hook.
#[derive(Clone)]
pub struct HookScheduler(pub Arc<dyn HookSchedule>);

impl Schedule for HookScheduler {
    fn schedule(&self, task: Notified<Self>) {
        self.0.schedule(task);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.release(task)
    }
}

impl fmt::Debug for HookScheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookScheduler").finish_non_exhaustive()
    }
}

thread_local! {
    static CURRENT: RefCell<Option<HookScheduler>> = const { RefCell::new(None) };
    /// Mirrors `CURRENT.is_some()`: a thread-local without a destructor, so
    /// the production path's check is one plain load.
    static ENTERED: Cell<bool> = const { Cell::new(false) };
}

/// Restores the previously entered scheduler (usually none) when dropped.
#[must_use = "the scheduler is only entered while the guard lives"]
pub struct HookGuard {
    prev: Option<Option<HookScheduler>>,
}

impl Drop for HookGuard {
    fn drop(&mut self) {
        if let Some(prev) = self.prev.take() {
            let _ = ENTERED.try_with(|e| e.set(prev.is_some()));
            // The value replaced is dropped after the borrow ends.
            let _old = CURRENT.try_with(|c| c.replace(prev));
        }
    }
}

impl fmt::Debug for HookGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookGuard").finish()
    }
}

/// Makes `scheduler` this thread's spawn target until the guard drops.
pub fn enter(scheduler: HookScheduler) -> HookGuard {
    let prev = CURRENT.try_with(|c| c.replace(Some(scheduler))).ok();
    if prev.is_some() {
        ENTERED.set(true);
    }
    HookGuard { prev }
}

/// True while a scheduler is entered on this thread.
#[inline]
pub fn is_entered() -> bool {
    ENTERED.get()
}

#[inline]
fn current() -> Option<HookScheduler> {
    if !ENTERED.get() {
        return None;
    }
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
}

#[cold]
#[track_caller]
fn not_entered() -> ! {
    panic!("spawn_hook: no scheduler is entered on this thread (check `is_entered()` first)")
}

/// Spawns `future` on the entered scheduler. Callers check
/// [`is_entered`] first, so the production path moves nothing.
///
/// # Panics
///
/// When no scheduler is entered.
#[cold]
#[inline(never)]
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let Some(scheduler) = current() else {
        not_entered()
    };
    // SAFETY: the future and its output are `Send`.
    unsafe { spawn_local_on(&scheduler, future) }
}

/// As [`spawn`], for a future that is not `Send`.
///
/// # Panics
///
/// When no scheduler is entered.
#[cold]
#[inline(never)]
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let Some(scheduler) = current() else {
        not_entered()
    };
    // SAFETY: `HookSchedule`'s contract: the entered scheduler polls and
    // shuts down its tasks only on this thread (the one that entered it,
    // which is the one running this code).
    unsafe { spawn_local_on(&scheduler, future) }
}

/// Runs a blocking closure as one poll of a task on the entered scheduler
/// (a simulation runs it on its own thread, at a point its seed picks).
///
/// # Panics
///
/// When no scheduler is entered.
#[cold]
#[inline(never)]
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    spawn(async move { f() })
}

/// A number in `0..n` from the entered scheduler's generator, or `None` when
/// none is entered.
#[inline]
pub fn rng_n(n: u32) -> Option<u32> {
    if !ENTERED.get() {
        return None;
    }
    CURRENT
        .try_with(|c| c.borrow().as_ref().map(|s| s.0.rng_n(n)))
        .ok()
        .flatten()
}

/// Spawns `future` on `scheduler` (which binds and queues it), reporting a
/// panicking poll to [`HookSchedule::panicked`].
///
/// # Safety
///
/// `future` must be `Send`, or `scheduler` must poll and drop its tasks only
/// on the current thread (as [`HookSchedule`] requires of an entered one).
pub unsafe fn spawn_local_on<F>(scheduler: &HookScheduler, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let report = ReportPanic {
        future: Box::pin(future),
        scheduler: scheduler.clone(),
    };
    // SAFETY: forwarded from this function's contract.
    let (task, notified, join) = unsafe { crate::spawn_local(report, scheduler.clone()) };
    scheduler.0.bind(task, notified);
    join
}

/// A future whose panics are told to its scheduler, then resumed.
struct ReportPanic<F> {
    // Boxed: pinned without a projection.
    future: Pin<Box<F>>,
    scheduler: HookScheduler,
}

impl<F: Future> Future for ReportPanic<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        match catch_unwind(AssertUnwindSafe(|| this.future.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                this.scheduler.0.panicked(&*payload);
                resume_unwind(payload)
            }
        }
    }
}
