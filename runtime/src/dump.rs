//! Task dumps: [`Handle::dump`] and what it returns.
//!
//! # Design
//!
//! The executor walks its list of live tasks (and the blocking pool's
//! closures) and copies what each task header records: id, name, spawn site,
//! state, poll count, busy time, time since its last poll and wake, and the
//! task whose `JoinHandle` it waits on (see `runtime_executor::TaskDump`).
//! Nothing is paused: the dump can be taken from any thread, a foreign one
//! or a task of the same runtime, while the workers run; each task is read
//! at a slightly different instant. This module wraps the list in [`Dump`],
//! which prints as a table (`Display`) and, with the `serde` feature,
//! serializes (to JSON with `serde_json`, for example).
//! [`Builder::dump_on_signal`](crate::Builder::dump_on_signal) prints one to
//! stderr when a signal arrives, from a thread of its own, so it works even
//! when every worker is stuck.

use crate::Handle;
use std::fmt;
use std::time::Duration;

pub use runtime_executor::{TaskDump, TaskState};

/// A snapshot of every live task of a runtime, ordered by task id.
///
/// # Examples
///
/// ```
/// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// let (tx, rx) = runtime::sync::oneshot::channel::<()>();
/// let waiter = runtime::task::Builder::new()
///     .name("waiter")
///     .spawn_on(async move { rx.await.ok() }, rt.handle())
///     .unwrap();
/// let dump = rt.handle().dump();
/// assert_eq!(dump.tasks().len(), 1);
/// assert_eq!(dump.tasks()[0].name(), Some("waiter"));
/// println!("{dump}"); // a table: id, state, polls, times, name, spawn site
/// tx.send(()).unwrap();
/// rt.block_on(waiter).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Dump {
    tasks: Vec<TaskDump>,
}

impl Dump {
    /// The tasks, ordered by id.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(rt.handle().dump().tasks().is_empty());
    /// ```
    pub fn tasks(&self) -> &[TaskDump] {
        &self.tasks
    }
}

impl Handle {
    /// A snapshot of every live task of this runtime (spawned tasks and
    /// `spawn_blocking` closures; not `LocalSet` tasks), taken without
    /// stopping it. Callable from any thread, inside the runtime or not.
    ///
    /// ```
    /// use runtime::runtime::TaskState;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let sleeper = runtime::spawn(runtime::time::sleep(std::time::Duration::from_secs(60)));
    ///     runtime::task::yield_now().await; // the sleeper runs once and waits
    ///     let dump = runtime::Handle::current().dump();
    ///     let entry = &dump.tasks()[0];
    ///     assert_eq!(entry.id(), sleeper.id());
    ///     assert_eq!(entry.state(), TaskState::Idle);
    ///     assert_eq!(entry.polls(), 1);
    ///     sleeper.abort();
    /// }
    /// ```
    pub fn dump(&self) -> Dump {
        Dump {
            tasks: self.inner.dump_tasks(),
        }
    }
}

fn state_text(state: TaskState) -> String {
    match state {
        TaskState::Idle => "idle".into(),
        TaskState::Scheduled => "scheduled".into(),
        TaskState::Running { worker: Some(w) } => format!("running (worker {w})"),
        TaskState::Running { worker: None } => "running".into(),
        TaskState::Blocking { running: true } => "blocking (running)".into(),
        TaskState::Blocking { running: false } => "blocking (queued)".into(),
        _ => "unknown".into(),
    }
}

fn ago(d: Option<Duration>) -> String {
    match d {
        Some(d) if d < Duration::from_secs(10) => format!("{} ms", d.as_millis()),
        Some(d) => format!("{} s", d.as_secs()),
        None => "-".into(),
    }
}

impl fmt::Display for Dump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} tasks", self.tasks.len())?;
        writeln!(
            f,
            "{:>8}  {:<20}  {:>7}  {:>9}  {:>9}  {:>9}  {:>8}  {:<16}  spawned at",
            "id", "state", "polls", "busy", "last poll", "last wake", "awaiting", "name"
        )?;
        for t in &self.tasks {
            let awaiting = t.awaiting().map_or("-".to_string(), |id| id.to_string());
            writeln!(
                f,
                "{:>8}  {:<20}  {:>7}  {:>9}  {:>9}  {:>9}  {:>8}  {:<16}  {}",
                t.id(),
                state_text(t.state()),
                t.polls(),
                format!("{} ms", t.busy().as_millis()),
                ago(t.since_last_poll()),
                ago(t.since_last_wake()),
                awaiting,
                t.name().unwrap_or("-"),
                t.spawned_at(),
            )?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::{Dump, TaskDump, TaskState};
    use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

    /// `{"tasks": [...]}`, each task an object with `id`, `name`, `spawned_at`
    /// (`"file:line:column"`), `state`, `worker`, `polls`, `busy_us`,
    /// `since_last_poll_ms`, `since_last_wake_ms` and `awaiting`.
    impl Serialize for Dump {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            struct Tasks<'a>(&'a [TaskDump]);
            impl Serialize for Tasks<'_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut seq = s.serialize_seq(Some(self.0.len()))?;
                    for t in self.0 {
                        seq.serialize_element(&Task(t))?;
                    }
                    seq.end()
                }
            }
            let mut st = s.serialize_struct("Dump", 1)?;
            st.serialize_field("tasks", &Tasks(&self.tasks))?;
            st.end()
        }
    }

    struct Task<'a>(&'a TaskDump);

    impl Serialize for Task<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let t = self.0;
            let (state, worker) = match t.state() {
                TaskState::Idle => ("idle", None),
                TaskState::Scheduled => ("scheduled", None),
                TaskState::Running { worker } => ("running", worker),
                TaskState::Blocking { running: true } => ("blocking_running", None),
                TaskState::Blocking { running: false } => ("blocking_queued", None),
                _ => ("unknown", None),
            };
            let mut st = s.serialize_struct("Task", 10)?;
            st.serialize_field("id", &t.id().as_u64())?;
            st.serialize_field("name", &t.name())?;
            st.serialize_field("spawned_at", &t.spawned_at().to_string())?;
            st.serialize_field("state", state)?;
            st.serialize_field("worker", &worker)?;
            st.serialize_field("polls", &t.polls())?;
            st.serialize_field("busy_us", &(t.busy().as_micros() as u64))?;
            let ms = |d: Option<std::time::Duration>| d.map(|d| d.as_millis() as u64);
            st.serialize_field("since_last_poll_ms", &ms(t.since_last_poll()))?;
            st.serialize_field("since_last_wake_ms", &ms(t.since_last_wake()))?;
            let awaiting = t.awaiting().map(|id| id.as_u64());
            st.serialize_field("awaiting", &awaiting)?;
            st.end()
        }
    }
}

/// Prints a dump to stderr each time `signal` arrives (see
/// [`Builder::dump_on_signal`](crate::Builder::dump_on_signal)): the signal
/// handler only writes a byte to a pipe; a thread of its own reads it and
/// prints, so a dump comes out even when every worker is blocked. The thread
/// holds no strong reference to the runtime, and exits (unregistering the
/// handler) at the first signal after the runtime is gone.
#[cfg(all(unix, feature = "signal"))]
pub(crate) fn install_signal_dump(handle: &Handle, signal: i32) -> std::io::Result<()> {
    use std::io::Read;
    use std::os::unix::io::FromRawFd;

    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid array of two descriptors for `pipe` to fill.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let (read_fd, write_fd) = (fds[0], fds[1]);
    // SAFETY: `read_fd` was just created by `pipe` and is owned by nothing
    // else; the `File` closes it when the thread ends.
    let mut reader = unsafe { std::fs::File::from_raw_fd(read_fd) };
    let action = move || {
        // `write` is async-signal-safe; a full pipe (a dump already pending)
        // just drops this byte.
        // SAFETY: writing one byte from a valid buffer to a descriptor that
        // stays open for the life of the process (never closed: see below).
        unsafe { libc::write(write_fd, b"d".as_ptr().cast(), 1) };
    };
    // SAFETY: the action only calls `write(2)`, which is async-signal-safe,
    // and touches no lock or allocation.
    let id = unsafe { signal_hook_registry::register(signal, action) }?;
    let weak = handle.inner.downgrade();
    let spawned = std::thread::Builder::new()
        .name("runtime-dump".into())
        .spawn(move || {
            let mut byte = [0u8; 1];
            while reader.read(&mut byte).is_ok_and(|n| n == 1) {
                match weak.upgrade() {
                    Some(inner) => {
                        let dump = Dump {
                            tasks: inner.dump_tasks(),
                        };
                        eprintln!("runtime: task dump on signal {signal}\n{dump}");
                    }
                    None => break,
                }
            }
            signal_hook_registry::unregister(id);
            // The write end stays open: a signal racing with this exit
            // writes into a pipe nobody reads, never into a reused fd.
        });
    spawned.map(drop)
}
