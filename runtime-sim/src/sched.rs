//! The scheduler of one host incarnation: its owned task list, and the shared
//! ready list its woken tasks go to. The simulation loop (`sim.rs`) picks
//! from that list with the seeded generator.

use crate::sim::Shared;
use runtime_core::spawn_hook::{HookSchedule, HookScheduler};
use runtime_core::{Notified, OwnedTasks, Task};
use std::any::Any;
use std::sync::Arc;

/// A task ready to run, and the host it belongs to.
pub(crate) struct Ready {
    pub(crate) host: usize,
    pub(crate) incarnation: u64,
    pub(crate) task: Notified<HookScheduler>,
}

pub(crate) struct HostSched {
    pub(crate) host: usize,
    pub(crate) incarnation: u64,
    pub(crate) owned: OwnedTasks<HookScheduler>,
    pub(crate) shared: Arc<Shared>,
}

impl HostSched {
    pub(crate) fn new(host: usize, incarnation: u64, shared: Arc<Shared>) -> Arc<HostSched> {
        Arc::new(HostSched {
            host,
            incarnation,
            owned: OwnedTasks::new(1),
            shared,
        })
    }
}

// SAFETY: the simulation polls every task of a `HostSched` only on the thread
// that runs `Sim::run` (the only place `Notified::run` is called, and the
// only place the hook is entered), and shuts them down there (crash, drop).
unsafe impl HookSchedule for HostSched {
    fn schedule(&self, task: Notified<HookScheduler>) {
        if self.owned.is_closed() {
            // The host crashed: its tasks were cancelled.
            return drop(task);
        }
        self.shared.ready.lock().push(Ready {
            host: self.host,
            incarnation: self.incarnation,
            task,
        });
    }

    fn release(&self, task: &Task<HookScheduler>) -> Option<Task<HookScheduler>> {
        self.owned.remove(task)
    }

    fn bind(&self, task: Task<HookScheduler>, notified: Notified<HookScheduler>) {
        if let Some(notified) = self.owned.bind(task, notified) {
            self.schedule(notified);
        }
    }

    fn rng_n(&self, n: u32) -> u32 {
        self.shared.select_rng.lock().below(u64::from(n)) as u32
    }

    fn panicked(&self, payload: &(dyn Any + Send)) {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic payload".to_string());
        self.shared.fail(crate::sim::Failure::Panic {
            host: self.host,
            message,
        });
    }
}
