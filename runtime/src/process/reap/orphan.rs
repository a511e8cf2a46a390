//! The orphan queue: children whose `Child` was dropped before they were
//! reaped.
//!
//! A dropped child may still be running (or be killed but not dead yet), and
//! nobody will `wait` for it any more; left alone it would become a zombie
//! that holds its pid until this process exits. Such children are pushed on
//! one process-wide queue and reaped with `waitpid(pid, WNOHANG)`:
//!
//! - at every [`Command::spawn`](crate::process::Command::spawn) (cheap: one
//!   lock and, when the queue is empty, nothing else);
//! - by *orphan reapers*: when a child is queued inside a runtime that has
//!   no reaper yet, a small task is spawned there. It listens for SIGCHLD,
//!   sweeps the queue at each delivery, and ends once the queue is empty. A
//!   reaper per runtime (not one per process), so that an idle runtime
//!   (a current-thread runtime nobody blocks on) cannot hold the only one
//!   while children dropped on another runtime wait.
//!
//! A child dropped outside any runtime is queued and reaped at the next spawn
//! or by the next reaper started. The queue's lock is never held while user
//! code runs: it only guards `Vec` operations and `waitpid` calls.

use crate::runtime::Id;
use crate::signal::unix::{signal, SignalKind};
use std::process::Child as StdChild;
use std::sync::{Mutex, MutexGuard};

static QUEUE: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// The runtimes that have a reaper task (spawned and not yet dropped).
static REAPERS: Mutex<Vec<Id>> = Mutex::new(Vec::new());

/// Locks `m`: nothing panics while holding these locks; recover anyway.
fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn queue() -> MutexGuard<'static, Vec<StdChild>> {
    lock(&QUEUE)
}

/// Queues `child`, which nobody will wait for any more, and makes sure a
/// reaper watches the queue when called inside a runtime.
pub(crate) fn adopt(child: StdChild) {
    queue().push(child);
    ensure_reaper();
}

/// Reaps the queued children that have exited; returns how many are left.
/// A child `waitpid` fails for (reaped by somebody else: `ECHILD`) is
/// forgotten too: there is nothing left to reap.
pub(crate) fn reap() -> usize {
    let mut queue = queue();
    queue.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
    queue.len()
}

/// Reaps what can be reaped now and, if children are left and this thread is
/// in a runtime, makes sure a reaper task runs there (the spawn path:
/// orphans queued outside a runtime get a reaper here).
pub(crate) fn reap_and_watch() {
    if reap() > 0 {
        ensure_reaper();
    }
}

/// A reaper task's entry in [`REAPERS`], removed when the task is dropped
/// (finished, or discarded by its runtime shutting down, even before its
/// first poll) unless the task removed it itself.
struct Registration {
    runtime: Id,
    listed: bool,
}

impl Registration {
    fn unlist(&mut self) {
        if self.listed {
            lock(&REAPERS).retain(|id| *id != self.runtime);
            self.listed = false;
        }
    }

    /// Lists this task again, unless another reaper of the same runtime was
    /// listed meanwhile (then `false`: this one should end).
    fn relist(&mut self) -> bool {
        let mut reapers = lock(&REAPERS);
        if reapers.contains(&self.runtime) {
            return false;
        }
        reapers.push(self.runtime);
        self.listed = true;
        true
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.unlist();
    }
}

fn ensure_reaper() {
    let Ok(handle) = crate::Handle::try_current() else {
        return;
    };
    let runtime = handle.id();
    {
        let mut reapers = lock(&REAPERS);
        if reapers.contains(&runtime) {
            return;
        }
        reapers.push(runtime);
    }
    let registration = Registration {
        runtime,
        listed: true,
    };
    // Nothing awaits the task; its handle is not needed.
    drop(handle.spawn(async move {
        let mut registration = registration;
        run_reaper(&mut registration).await;
    }));
}

/// A reaper task's body: returns once the queue is empty (or SIGCHLD cannot
/// be listened for, or the runtime shuts down).
async fn run_reaper(registration: &mut Registration) {
    // The listener exists before the first `reap`, so an exit is either
    // reaped by that pass or delivered to the listener.
    let Ok(mut sigchld) = signal(SignalKind::child()) else {
        return;
    };
    loop {
        if reap() > 0 {
            if sigchld.recv().await.is_none() {
                return;
            }
            continue;
        }
        // Empty: unlist, then look once more. A child queued after the
        // `reap` above whose `ensure_reaper` still found this task listed
        // relies on it. That `ensure_reaper` pushed to the queue before it
        // locked `REAPERS`, and we lock `REAPERS` before looking at the
        // queue, so the look sees its child.
        registration.unlist();
        if queue().is_empty() || !registration.relist() {
            return;
        }
    }
}
