//! Task dumps: a snapshot of every live task of a runtime, taken from any
//! thread while the runtime runs.
//!
//! # Design
//!
//! The scheduler's `OwnedTasks` list already links every live task; a dump
//! walks it one shard at a time under that shard's lock (which keeps each
//! task alive while it is read) and copies what the header knows (id, name,
//! spawn site, counters, state word). A task whose state word says `RUNNING`
//! is matched against the workers' slots to say on which worker it runs.
//! Blocking-pool closures are not in that list: the pool reports its queued
//! and running ones itself. Nothing is stopped: each task is read at a
//! slightly different instant, and a task spawned or finished during the
//! walk may or may not appear.

use runtime_core::{Id, TaskInfo};
use std::panic::Location;
use std::time::Duration;

/// What a task was doing when the dump saw it.
///
/// # Examples
///
/// ```
/// use runtime::runtime::TaskState;
///
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let _task = rt.spawn(async {});
/// let dump = rt.handle().dump();
/// assert_eq!(dump.tasks()[0].state(), TaskState::Scheduled);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskState {
    /// Waiting for a wake.
    Idle,
    /// Queued to run. A task that yielded (`yield_now`) shows here too
    /// while it waits for its scheduler's next look at I/O and timers
    /// (a `LocalSet` task: `Idle` until then).
    Scheduled,
    /// Being polled, on worker `worker` (`None`: the worker could not be
    /// told, for example a `block_in_place` section).
    Running {
        /// The worker polling it.
        worker: Option<usize>,
    },
    /// A `spawn_blocking` closure, queued or running on the blocking pool.
    Blocking {
        /// True while a pool thread runs it.
        running: bool,
    },
}

/// One task of a dump.
///
/// # Examples
///
/// ```
/// let rt = runtime::Builder::new_current_thread().build().unwrap();
/// let task = runtime::task::Builder::new()
///     .name("worker")
///     .spawn_on(async {}, rt.handle())
///     .unwrap();
/// let dump = rt.handle().dump();
/// let entry = &dump.tasks()[0];
/// assert_eq!(entry.id(), task.id());
/// assert_eq!(entry.name(), Some("worker"));
/// assert_eq!(entry.polls(), 0);
/// ```
#[derive(Debug, Clone)]
pub struct TaskDump {
    pub(crate) id: Id,
    pub(crate) name: Option<String>,
    pub(crate) spawned_at: &'static Location<'static>,
    pub(crate) state: TaskState,
    pub(crate) polls: u64,
    pub(crate) busy: Duration,
    pub(crate) since_last_poll: Option<Duration>,
    pub(crate) since_last_wake: Option<Duration>,
    pub(crate) awaiting: Option<Id>,
}

impl TaskDump {
    pub(crate) fn new(info: TaskInfo<'_>, state: TaskState) -> TaskDump {
        TaskDump {
            id: info.id(),
            name: info.name(),
            spawned_at: info.spawned_at(),
            state,
            polls: u64::from(info.polls()),
            busy: info.busy(),
            since_last_poll: match state {
                TaskState::Scheduled => None,
                _ => info.since_last_event(),
            },
            since_last_wake: match state {
                TaskState::Scheduled => info.since_last_event(),
                _ => None,
            },
            awaiting: info.awaiting(),
        }
    }

    /// The task's id.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let task = rt.spawn(async {});
    /// assert_eq!(rt.handle().dump().tasks()[0].id(), task.id());
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// The task's name (`task::Builder::name`).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let _task = rt.spawn(async {});
    /// assert_eq!(rt.handle().dump().tasks()[0].name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the task was spawned.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let line = line!() + 1;
    /// let _task = rt.spawn(async {});
    /// assert_eq!(rt.handle().dump().tasks()[0].spawned_at().line(), line);
    /// ```
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.spawned_at
    }

    /// What the task was doing.
    ///
    /// ```
    /// use runtime::runtime::TaskState;
    ///
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let task = rt.spawn(std::future::pending::<()>());
    /// rt.block_on(runtime::task::yield_now()); // polled once: now idle
    /// assert_eq!(rt.handle().dump().tasks()[0].state(), TaskState::Idle);
    /// task.abort();
    /// ```
    pub fn state(&self) -> TaskState {
        self.state
    }

    /// Polls so far.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let _task = rt.spawn(std::future::pending::<()>());
    /// rt.block_on(runtime::task::yield_now());
    /// assert_eq!(rt.handle().dump().tasks()[0].polls(), 1);
    /// ```
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// Total time spent in polls; counted only on runtimes built with
    /// `enable_metrics_poll_time_histogram` (zero otherwise).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let _task = rt.spawn(async {});
    /// assert_eq!(rt.handle().dump().tasks()[0].busy(), std::time::Duration::ZERO);
    /// ```
    pub fn busy(&self) -> Duration {
        self.busy
    }

    /// Time since the task's last poll began; `None` if it was never polled,
    /// for a scheduled task (see [`since_last_wake`](TaskDump::since_last_wake)),
    /// or when the runtime keeps no clock (no long-poll watchdog runs).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let _task = rt.spawn(async {});
    /// assert_eq!(rt.handle().dump().tasks()[0].since_last_poll(), None);
    /// ```
    pub fn since_last_poll(&self) -> Option<std::time::Duration> {
        self.since_last_poll
    }

    /// For a scheduled task, time since the wake that queued it (how long
    /// it has waited for a worker); `None` for other states, since the
    /// header keeps one stamp for both (see the module docs), or without a
    /// clock.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let task = rt.spawn(std::future::pending::<()>());
    /// rt.block_on(runtime::task::yield_now());
    /// // Polled once and waiting: idle, so no wake age.
    /// assert_eq!(rt.handle().dump().tasks()[0].since_last_wake(), None);
    /// task.abort();
    /// ```
    pub fn since_last_wake(&self) -> Option<std::time::Duration> {
        self.since_last_wake
    }

    /// The task whose `JoinHandle` this one was waiting on when its last
    /// poll returned.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let inner = rt.spawn(std::future::pending::<()>());
    /// let inner_id = inner.id();
    /// let outer = rt.spawn(inner);
    /// rt.block_on(runtime::task::yield_now());
    /// let dump = rt.handle().dump();
    /// let entry = dump.tasks().iter().find(|t| t.id() == outer.id()).unwrap();
    /// assert_eq!(entry.awaiting(), Some(inner_id));
    /// outer.abort();
    /// ```
    pub fn awaiting(&self) -> Option<Id> {
        self.awaiting
    }
}
