//! Which simulation, and which host of it, the code running on this thread
//! belongs to. The simulation sets the simulation once per `run` and the host
//! before each step; the simulated sockets and the free functions of this
//! crate (`crash`, `partition`...) read it.

use crate::sim::Shared;
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// The host index of code that belongs to no host (the network itself).
pub(crate) const NO_HOST: usize = usize::MAX;

thread_local! {
    static SIM: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
    static HOST: Cell<usize> = const { Cell::new(NO_HOST) };
}

/// Makes `shared` this thread's simulation until the guard drops.
pub(crate) fn enter(shared: Arc<Shared>) -> SimGuard {
    let prev = SIM.with(|s| s.replace(Some(shared)));
    SimGuard {
        prev,
        host: HOST.with(|h| h.get()),
    }
}

pub(crate) struct SimGuard {
    prev: Option<Arc<Shared>>,
    host: usize,
}

impl Drop for SimGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let _old = SIM.try_with(|s| s.replace(prev));
        let _ = HOST.try_with(|h| h.set(self.host));
    }
}

pub(crate) fn set_host(host: usize) {
    HOST.with(|h| h.set(host));
}

/// The simulation and host of the calling code, if it runs inside one.
pub(crate) fn current() -> Option<(Arc<Shared>, usize)> {
    SIM.try_with(|s| s.borrow().clone())
        .ok()
        .flatten()
        .map(|shared| (shared, HOST.with(|h| h.get())))
}

/// True when the calling code runs inside a simulation (a step of one of its
/// tasks): `runtime::net` then uses the simulated network.
///
/// ```
/// assert!(!runtime::sim::in_sim());
/// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
/// sim.client("test", async { assert!(runtime::sim::in_sim()) });
/// sim.run().unwrap();
/// ```
#[inline]
pub fn in_sim() -> bool {
    SIM.try_with(|s| s.borrow().is_some()).unwrap_or(false)
}
