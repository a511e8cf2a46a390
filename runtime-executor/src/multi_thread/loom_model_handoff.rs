//! Loom model of a core's hand-off (`worker.rs`, `block_in_place`): while a
//! core moves between threads and the runtime shuts down, it is never run by
//! two threads at once, it is freed exactly once, and shutdown's wait for
//! the cores to exit (`Shared::wait_cores_exited`) returns.
//!
//! The pieces mirror the real ones: the hand-off slot (a mutex around an
//! optional core), `workers_running` and its exit lock and condition
//! variable, and the `shutdown` flag. Thread A owns the core and is inside a
//! task that calls `block_in_place`: it puts the core in the slot and starts
//! the taker B (the blocking-pool job), then, its closure done, tries to take
//! the core back (`Reclaim`). Whoever holds the core runs it: it checks
//! `shutdown` and exits the core (`exit_core`) when set; B may also, in the
//! two-hand-off model, hand it off again from one of its own tasks, to a
//! taker C. The main thread shuts down: sets `shutdown`, drains the slot
//! (`wait_cores_exited`), and waits for `workers_running` to reach 0.
//!
//! The real wait also wakes every 10 ms to drain the slot again, for a core
//! handed off after the drain whose taker cannot start (a saturated blocking
//! pool); the model gives every taker a thread, and waits without a timeout,
//! so a lost notification would show as a deadlock.
//!
//! Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p runtime-executor --release --lib loom_model`
//! (which runs this model with the one in `loom_model.rs`).

use loom::sync::atomic::AtomicUsize;
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use std::sync::atomic::Ordering::SeqCst;

/// The one core: counts who runs it and how often it was freed.
struct Core {
    running: Arc<AtomicUsize>,
    freed: Arc<AtomicUsize>,
}

struct Shared {
    slot: Mutex<Option<Core>>,
    /// `Shared::shutdown`; the condition variable stands for the unpark
    /// that `begin_shutdown` sends a parked worker.
    shutdown: Mutex<bool>,
    shutdown_cv: Condvar,
    workers_running: AtomicUsize,
    exit_lock: Mutex<()>,
    exit_cv: Condvar,
}

impl Shared {
    fn is_shutdown(&self) -> bool {
        *self.shutdown.lock().unwrap()
    }

    /// `Shared::begin_shutdown`.
    fn begin_shutdown(&self) {
        *self.shutdown.lock().unwrap() = true;
        self.shutdown_cv.notify_all();
    }

    /// The worker loop with nothing to do: parks until shutdown.
    fn park_until_shutdown(&self) {
        let mut shutdown = self.shutdown.lock().unwrap();
        while !*shutdown {
            shutdown = self.shutdown_cv.wait(shutdown).unwrap();
        }
    }

    /// `Shared::exit_core`.
    fn exit_core(&self, core: Core) {
        core.freed.fetch_add(1, SeqCst);
        drop(core);
        if self.workers_running.fetch_sub(1, SeqCst) == 1 {
            drop(self.exit_lock.lock().unwrap());
            self.exit_cv.notify_all();
        }
    }

    /// `Shared::wait_cores_exited`, without the periodic re-drain.
    fn wait_cores_exited(&self) {
        if let Some(core) = self.slot.lock().unwrap().take() {
            self.exit_core(core);
        }
        let mut guard = self.exit_lock.lock().unwrap();
        while self.workers_running.load(SeqCst) != 0 {
            guard = self.exit_cv.wait(guard).unwrap();
        }
    }
}

/// `worker::run` for a thread holding `core`: marks it running (never
/// twice at once), then either exits it at shutdown or, with
/// `hand_off_again`, gives it away once more from a task and returns the
/// taker's thread.
fn run(shared: &Arc<Shared>, core: Core, hand_off_again: bool) -> Option<thread::JoinHandle<()>> {
    assert_eq!(
        core.running.fetch_add(1, SeqCst),
        0,
        "two threads run one core"
    );
    if hand_off_again && !shared.is_shutdown() {
        // A task of this core calls `block_in_place`: the run ends here.
        core.running.fetch_sub(1, SeqCst);
        let taker = hand_off(shared, core, false);
        reclaim(shared);
        return Some(taker);
    }
    // The loop, with no tasks: parks until the shutdown wakes it.
    shared.park_until_shutdown();
    core.running.fetch_sub(1, SeqCst);
    shared.exit_core(core);
    None
}

/// `worker::hand_off`: the core into the slot, a taker started for it.
fn hand_off(shared: &Arc<Shared>, core: Core, taker_hands_off: bool) -> thread::JoinHandle<()> {
    *shared.slot.lock().unwrap() = Some(core);
    let shared = shared.clone();
    thread::spawn(move || {
        let core = shared.slot.lock().unwrap().take();
        if let Some(core) = core {
            if let Some(next) = run(&shared, core, taker_hands_off) {
                next.join().unwrap();
            }
        }
    })
}

/// `Reclaim::drop`: the blocking closure is done; take the core back if no
/// taker has, and run it on.
fn reclaim(shared: &Arc<Shared>) {
    let core = shared.slot.lock().unwrap().take();
    if let Some(core) = core {
        assert!(run(shared, core, false).is_none());
    }
}

fn model(taker_hands_off: bool) {
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(move || {
        let running = Arc::new(AtomicUsize::new(0));
        let freed = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            slot: Mutex::new(None),
            shutdown: Mutex::new(false),
            shutdown_cv: Condvar::new(),
            workers_running: AtomicUsize::new(1),
            exit_lock: Mutex::new(()),
            exit_cv: Condvar::new(),
        });
        let core = Core {
            running: running.clone(),
            freed: freed.clone(),
        };
        // Thread A: a worker whose task blocks in place.
        let a = {
            let shared = shared.clone();
            thread::spawn(move || {
                let taker = hand_off(&shared, core, taker_hands_off);
                reclaim(&shared);
                taker.join().unwrap();
            })
        };
        shared.begin_shutdown();
        shared.wait_cores_exited();
        assert_eq!(freed.load(SeqCst), 1, "the core is freed exactly once");
        a.join().unwrap();
        assert_eq!(freed.load(SeqCst), 1);
        assert_eq!(running.load(SeqCst), 0);
        assert!(shared.slot.lock().unwrap().is_none(), "no core left behind");
    });
}

/// One hand-off racing its own reclaim and the shutdown's drain.
#[test]
fn loom_handoff_reclaim_and_shutdown() {
    model(false);
}

/// The taker hands the core off again (a second `block_in_place`), so two
/// reclaims and two takers race the drain.
#[test]
fn loom_handoff_twice() {
    model(true);
}
