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
//! - by the *orphan reaper*, a task spawned on the current runtime when a
//!   child is queued there. It listens for SIGCHLD, reaps whatever exited at
//!   each delivery, and ends once the queue is empty. At most one runs at a
//!   time in the process; if its runtime shuts down, the next queueing (or
//!   spawn) inside a runtime starts another.
//!
//! A child dropped outside any runtime is queued and reaped at the next spawn
//! or by the next reaper started. The queue's lock is never held while user
//! code runs: it only guards `Vec` operations and `waitpid` calls.

use crate::signal::unix::{signal, SignalKind};
use std::process::Child as StdChild;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard};

static QUEUE: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// Whether an orphan reaper task exists (spawned and not yet dropped).
static REAPER: AtomicBool = AtomicBool::new(false);

fn queue() -> MutexGuard<'static, Vec<StdChild>> {
    // Nothing panics while holding the lock; recover anyway.
    QUEUE.lock().unwrap_or_else(|e| e.into_inner())
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
/// in a runtime, makes sure the reaper task runs (the spawn path: orphans
/// queued outside a runtime get a reaper here).
pub(crate) fn reap_and_watch() {
    if reap() > 0 {
        ensure_reaper();
    }
}

/// The reaper task's claim on [`REAPER`], released when the task is dropped
/// (finished, or discarded by a runtime shutting down, even before its first
/// poll) unless the task released it itself.
struct ReaperFlag {
    held: bool,
}

impl Drop for ReaperFlag {
    fn drop(&mut self) {
        if self.held {
            REAPER.store(false, SeqCst);
        }
    }
}

fn ensure_reaper() {
    let Ok(handle) = crate::Handle::try_current() else {
        return;
    };
    if REAPER.swap(true, SeqCst) {
        return;
    }
    let flag = ReaperFlag { held: true };
    // The task's result is nothing; it is not awaited.
    drop(handle.spawn(async move {
        let mut flag = flag;
        run_reaper(&mut flag).await;
    }));
}

/// The reaper task's body: returns once the queue is empty (or SIGCHLD
/// cannot be listened for, or the runtime shuts down).
async fn run_reaper(flag: &mut ReaperFlag) {
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
        // Empty: release the claim, then look once more. A child queued
        // after the `reap` above whose `ensure_reaper` still saw the claim
        // relies on this task; both sides order their steps through the
        // queue's lock and SeqCst on the flag, so one of them sees the other.
        REAPER.store(false, SeqCst);
        flag.held = false;
        if queue().is_empty() || REAPER.swap(true, SeqCst) {
            // Nothing left, or another reaper has claimed the queue.
            return;
        }
        flag.held = true;
    }
}
