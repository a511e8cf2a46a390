//! The current-thread scheduler: every task runs on the thread inside
//! `Runtime::block_on`.
//!
//! The scheduler state that only the driving thread touches (its run queue and
//! its `Park`) lives in a `Core`, which `block_on` takes for its duration and
//! hands back afterwards; a second thread calling `block_on` meanwhile waits
//! for its own future or for the core, whichever comes first. Wakes from the
//! driving thread push onto the local queue; wakes from elsewhere go through a
//! locked remote queue and unpark the driver.
//!
//! The loop (`CoreGuard::block_on`): poll the `block_on` future when it was
//! woken; run up to `Config::event_interval` tasks (fewer if one spends its whole
//! cooperative budget); then let the parker poll for events without blocking,
//! or, when there is nothing to run, park until woken. A future that is woken
//! again and again (by itself, or ping-ponging with a task) gets the parker's
//! look at least every `Config::event_interval` polls, so it cannot starve I/O and
//! timers, without paying a system call for every wake.
//!
//! With `UnhandledPanic::ShutdownRuntime` each spawned future is wrapped in a
//! `ReportPanic` (`panic.rs`) that raises the runtime's `PanicFlag` when a
//! poll panics; the loop checks the flag after every task it runs and then
//! cancels every task and panics out of `block_on` (as does every later
//! `block_on`). Without that setting nothing is wrapped and nothing checked.

use crate::block_on::thread_parker;
use crate::context::{self, Scheduler as Ctx};
use crate::defer::Deferred;
use crate::panic::{PanicFlag, ReportPanic};
use crate::rand::SeedGenerator;
use crate::{blocking::BlockingPool, Config, Handle, UnhandledPanic};
use runtime_core::lock::Mutex;
use runtime_core::{coop, JoinHandle, Notified, OwnedTasks, Park, Schedule, Task, Unpark};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering::*};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

// `Config::event_interval`: tasks run between two non-blocking polls of the
// parker (I/O and timers); Tokio's default 61: frequent enough that I/O
// readiness is not delayed behind a long queue, rare enough that the syscall
// does not dominate short tasks.
//
// `Config::global_queue_interval`: every this many ticks the remote queue is
// served before the local one, so wakes from other threads are not starved
// by local ping-pong (Tokio's default 31).

/// The scheduler handle every task of this runtime carries.
#[derive(Clone)]
pub(crate) struct Scheduler(pub(crate) Arc<Shared>);

pub(crate) struct Shared {
    remote: Mutex<Remote>,
    pub(crate) owned: OwnedTasks<Scheduler>,
    unpark: Arc<dyn Unpark>,
    /// Set when the `block_on` future was woken.
    woken: Arc<BlockOnWake>,
    block_on_waker: Waker,
    core: Mutex<Option<Box<Core>>>,
    /// Threads in `block_on` waiting for the core to come back.
    core_waiters: Mutex<Vec<Waker>>,
    pub(crate) blocking: BlockingPool,
    pub(crate) metrics: crate::WorkerMetrics,
    /// Hooks, what the driver polls now, the watchdog (`observe.rs`).
    pub(crate) observe: Arc<crate::observe::Observe>,
    event_interval: u32,
    on_park: Option<crate::ThreadHook>,
    on_unpark: Option<crate::ThreadHook>,
    pub(crate) seeds: SeedGenerator,
    /// Set with `UnhandledPanic::ShutdownRuntime`.
    pub(crate) panic_flag: Option<Arc<PanicFlag>>,
}

struct Remote {
    queue: VecDeque<Notified<Scheduler>>,
    closed: bool,
}

/// What only the driving thread uses.
struct Core {
    queue: VecDeque<Notified<Scheduler>>,
    park: Box<dyn Park>,
    /// Ticks (one per task taken) to the next look at the remote queue first.
    global_queue_due: crate::every::Every,
}

/// The driving thread's view, on its stack during `block_on`; wakes from this
/// thread push here without locking.
pub(crate) struct Local {
    shared: *const Shared,
    queue: RefCell<VecDeque<Notified<Scheduler>>>,
    /// Tasks that yielded: woken after the next look at I/O and timers.
    pub(crate) deferred: Deferred<Notified<Scheduler>>,
}

impl Local {
    /// `runtime_executor::defer` on the thread inside `block_on`.
    pub(crate) fn defer(&self, waker: &Waker) {
        // SAFETY: `shared` outlives `block_on`, and with it this `Local`.
        let shared = unsafe { &*self.shared };
        self.deferred.push(waker, shared.observe.slots[0].current());
    }

    /// Puts the tasks that yielded back in line (after a look at I/O and
    /// timers, or before the queue moves back to the core).
    #[inline]
    fn wake_deferred(&self) {
        self.deferred
            .wake_all(|task| self.queue.borrow_mut().push_back(task));
    }
}

struct BlockOnWake {
    woken: AtomicBool,
    unpark: Arc<dyn Unpark>,
}

impl Wake for BlockOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Release);
        self.unpark.unpark();
    }
}

impl Shared {
    pub(crate) fn new(config: &Config, park: Box<dyn Park>) -> Arc<Shared> {
        let unpark = park.unparker();
        let woken = Arc::new(BlockOnWake {
            woken: AtomicBool::new(false),
            unpark: unpark.clone(),
        });
        Arc::new(Shared {
            remote: Mutex::new(Remote {
                queue: VecDeque::new(),
                closed: false,
            }),
            owned: OwnedTasks::new(1),
            unpark,
            block_on_waker: Waker::from(woken.clone()),
            woken,
            core: Mutex::new(Some(Box::new(Core {
                queue: VecDeque::new(),
                park,
                global_queue_due: crate::every::Every::new(config.global_queue_interval),
            }))),
            core_waiters: Mutex::new(Vec::new()),
            blocking: BlockingPool::new(config),
            metrics: crate::WorkerMetrics::new(crate::multi_thread::histogram_buckets(config)),
            observe: crate::observe::Observe::new(&config.observe, 1),
            event_interval: config.event_interval,
            on_park: config.on_thread_park.clone(),
            on_unpark: config.on_thread_unpark.clone(),
            seeds: SeedGenerator::new(&config.rng_seed),
            panic_flag: (config.unhandled_panic == UnhandledPanic::ShutdownRuntime)
                .then(|| Arc::new(PanicFlag::default())),
        })
    }

    pub(crate) fn spawn<F>(
        self: &Arc<Self>,
        future: F,
        site: &'static std::panic::Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.panic_flag {
            Some(flag) => self.spawn_inner(ReportPanic::new(future, flag.clone()), site),
            None => self.spawn_inner(future, site),
        }
    }

    fn spawn_inner<F>(
        self: &Arc<Self>,
        future: F,
        site: &'static std::panic::Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, notified, join) = runtime_core::spawn_at(future, Scheduler(self.clone()), site);
        self.observe.spawned(task.info());
        if let Some(notified) = self.owned.bind(task, notified) {
            self.schedule_task(notified, false);
        }
        join
    }

    /// Queues a task; `is_yield` when its own poll hands it back, woken
    /// during that poll.
    fn schedule_task(&self, task: Notified<Scheduler>, is_yield: bool) {
        self.observe.scheduled(&task);
        if let Ctx::Current(local) = context::scheduler() {
            // SAFETY: the context holds this pointer only while `block_on` runs on
            // this thread with the `Local` alive on its stack.
            let local = unsafe { &*local };
            if std::ptr::eq(local.shared, self) {
                self.metrics.count_local_schedule();
                // A task that deferred its own waker waits for the next look.
                let Some(task) = local.deferred.keep_if_yielded(task, is_yield) else {
                    return;
                };
                local.queue.borrow_mut().push_back(task);
                return;
            }
        }
        let mut remote = self.remote.lock();
        if remote.closed {
            drop(remote);
            // Shut down: the task was (or will be) cancelled through the owned list.
            return drop(task);
        }
        remote.queue.push_back(task);
        drop(remote);
        self.observe.remote_schedules.fetch_add(1, Relaxed);
        self.unpark.unpark();
    }

    pub(crate) fn remote_len(&self) -> usize {
        self.remote.lock().queue.len()
    }

    fn pop_remote(&self) -> Option<Notified<Scheduler>> {
        self.remote.lock().queue.pop_front()
    }

    /// Runs `future` to completion, driving the scheduler while this thread
    /// holds the core.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(self: &Arc<Self>, handle: &Handle, future: F) -> F::Output {
        // `block_in_place` would stall every task here: it panics.
        let _enter = context::enter_runtime(handle.clone(), false, None);
        self.check_panicked();
        let mut future = pin!(future);
        let (parker, waker) = thread_parker();
        let mut cx = Context::from_waker(&waker);
        self.observe.set_thread_tracking();
        loop {
            // Bound first: the lock guard must not live through the `if let`.
            let core = self.core.lock().take();
            if let Some(core) = core {
                let guard = CoreGuard {
                    shared: self,
                    core: Some(core),
                };
                return guard.block_on(future);
            }
            // Another thread drives the scheduler: wait for our future or the core.
            self.core_waiters.lock().push(waker.clone());
            if self.core.lock().is_some() {
                continue;
            }
            if let Poll::Ready(v) = coop::budget(|| future.as_mut().poll(&mut cx)) {
                return v;
            }
            parker.park_inner(None);
        }
    }

    /// With `UnhandledPanic::ShutdownRuntime`, once a task panicked: cancels
    /// every task (once) and panics out of `block_on`.
    #[track_caller]
    fn check_panicked(&self) {
        let Some(flag) = &self.panic_flag else {
            return;
        };
        if flag.panicked() {
            self.owned.close_and_shutdown_all();
            panic!(
                "a spawned task panicked and the runtime is configured to shut down on \
                 unhandled panic (`UnhandledPanic::ShutdownRuntime`): every task was cancelled, \
                 and this runtime cannot run futures any more"
            );
        }
    }

    /// Cancels every task and drops the queues. Called once, by the runtime's drop.
    pub(crate) fn shutdown(&self) {
        self.remote.lock().closed = true;
        let core = self.core.lock().take();
        self.owned.close_and_shutdown_all();
        let remote = std::mem::take(&mut self.remote.lock().queue);
        drop(remote);
        // The core is absent only if a `block_on` on another thread holds it,
        // which the runtime's borrow rules out, or if it was lost to a panic.
        drop(core);
    }
}

/// Owns the core during `block_on`; gives it back, with the tasks still
/// queued, on drop (also when the future panics).
struct CoreGuard<'a> {
    shared: &'a Arc<Shared>,
    core: Option<Box<Core>>,
}

impl CoreGuard<'_> {
    fn block_on<F: Future>(mut self, future: Pin<&mut F>) -> F::Output {
        let shared = self.shared;
        let core = self.core.as_mut().expect("core present");
        let local = Local {
            shared: Arc::as_ptr(shared),
            queue: RefCell::new(std::mem::take(&mut core.queue)),
            deferred: Deferred::default(),
        };
        let scheduler = context::set_scheduler(Ctx::Current(&local));
        let restore = RestoreQueue {
            core,
            local: &local,
        };
        let output = run(shared, restore.core, &local, future);
        drop(restore);
        drop(scheduler);
        output
    }
}

/// Moves the driving thread's queue back into the core, so tasks queued when
/// `block_on` returns (or unwinds) run at the next `block_on`.
struct RestoreQueue<'a> {
    core: &'a mut Core,
    local: &'a Local,
}

impl Drop for RestoreQueue<'_> {
    fn drop(&mut self) {
        // Yielded tasks must not be lost with `local`: wake them into the
        // queue (the context still points here) before it moves to the core.
        self.local.wake_deferred();
        self.core.queue = std::mem::take(&mut *self.local.queue.borrow_mut());
    }
}

/// The scheduler loop of the current-thread flavour.
fn run<F: Future>(
    shared: &Arc<Shared>,
    core: &mut Core,
    local: &Local,
    mut future: Pin<&mut F>,
) -> F::Output {
    let mut cx = Context::from_waker(&shared.block_on_waker);
    let mut busy_since = std::time::Instant::now();
    let mut poll_future = || {
        let poll = coop::budget(|| future.as_mut().poll(&mut cx));
        // A `LocalRuntime`'s local tasks run inside this poll.
        shared.check_panicked();
        poll
    };
    // Poll the future once before anything else, and before the task loop
    // is set up: a future ready at once (a short computation) needs none of
    // it (callgrind, `instr block_on`: 830 -> 811 instructions;
    // BENCHMARKS.md, eighth session).
    shared.woken.woken.store(false, Relaxed);
    if let Poll::Ready(v) = poll_future() {
        return v;
    }
    // Polls (of the future and of tasks) since the parker last looked at I/O
    // and timers: bounded by `Config::event_interval`, so a `block_on` future that
    // keeps waking itself, or ping-pongs with a task, cannot starve them.
    let mut since_look = 1u32;
    let event_interval = shared.event_interval;
    let poller = shared.observe.poller(&shared.metrics, 0);
    loop {
        let mut idle = false;
        let mut forced = false;
        for _ in 0..event_interval {
            match next_task(shared, core, local) {
                Some(task) => {
                    crate::observe::run_task(&poller, task, || true);
                    shared.check_panicked();
                }
                None => {
                    idle = true;
                    break;
                }
            }
            since_look += 1;
            if coop::take_budget_exhausted() {
                // A task spent a whole budget: look at I/O and timers now.
                shared.metrics.count_budget_yield();
                forced = true;
                break;
            }
        }
        let woken = shared.woken.woken.load(Acquire);
        if !idle || !local.deferred.is_empty() || (woken && since_look >= event_interval) {
            // Busy, only yielded tasks left, or the future has been woken
            // over and over with no look in between: let the parker deliver
            // pending events without sleeping.
            core.park.park_timeout(Duration::ZERO);
            since_look = 0;
        } else if !woken {
            // Nothing to run: every new task or wake-up unparks us.
            if let Some(f) = &shared.on_park {
                f();
            }
            shared.metrics.before_park(busy_since);
            core.park.park();
            shared.metrics.after_unpark();
            busy_since = std::time::Instant::now();
            if let Some(f) = &shared.on_unpark {
                f();
            }
            since_look = 0;
        }
        // What yielded since the last look runs after what the look woke;
        // after a forced yield, only at the end of a later round (one that
        // ran dry or ran its `event_interval` tasks), as on the workers: put
        // back at once, a CPU-heavy task kept the local queue full, and tasks
        // spawned from other threads waited for the every-31-ticks look at
        // the remote queue, 31 of its budgets. (`forced` ends a round early,
        // so it is never `idle` too.)
        if !forced {
            local.wake_deferred();
        }
        if shared.woken.woken.swap(false, AcqRel) {
            since_look += 1;
            if let Poll::Ready(v) = poll_future() {
                return v;
            }
        }
    }
}

fn next_task(shared: &Shared, core: &mut Core, local: &Local) -> Option<Notified<Scheduler>> {
    let pop_local = || local.queue.borrow_mut().pop_front();
    if core.global_queue_due.tick() {
        shared.pop_remote().or_else(pop_local)
    } else {
        pop_local().or_else(|| shared.pop_remote())
    }
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            *self.shared.core.lock() = Some(core);
            for waker in self.shared.core_waiters.lock().drain(..) {
                waker.wake();
            }
        }
    }
}

impl Schedule for Scheduler {
    fn schedule(&self, task: Notified<Self>) {
        self.0.schedule_task(task, false);
    }

    fn yield_now(&self, task: Notified<Self>) {
        self.0.schedule_task(task, true);
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.0.observe.terminated(task.info());
        self.0.owned.remove(task)
    }
}
