//! Running a test under many seeds, and the functions hosts call to change
//! the simulated world from inside it.

use crate::builder::{env_seed, Builder, SEED_ENV};
use crate::sim::{Control, Sim, SimError};
use crate::Hosts;

/// Runs a simulation per seed, `0..seeds`, stopping at the first failure,
/// which it returns. `setup` gets a fresh [`Builder`] (with the seed set)
/// and builds and populates the [`Sim`]. With `RUNTIME_SIM_SEED=N` set,
/// only seed `N` runs: the replay of a failure.
///
/// ```
/// use runtime::time::{sleep, Duration};
///
/// let result = runtime::sim::check(50, |builder| {
///     let mut sim = builder.build().unwrap();
///     sim.client("test", async {
///         let a = runtime::spawn(sleep(Duration::from_millis(3)));
///         let b = runtime::spawn(sleep(Duration::from_millis(3)));
///         a.await.unwrap();
///         b.await.unwrap();
///     });
///     sim
/// });
/// assert!(result.is_ok());
/// ```
///
/// # Errors
///
/// The first failing run's [`SimError`] (its `Display` names the seed and
/// the `RUNTIME_SIM_SEED` command that replays it).
pub fn check(seeds: u64, mut setup: impl FnMut(Builder) -> Sim) -> Result<u64, SimError> {
    let seeds: Vec<u64> = match env_seed() {
        Some(seed) => vec![seed],
        None => (0..seeds).collect(),
    };
    let mut ran = 0;
    for seed in seeds {
        let mut sim = setup(Builder::new().seed(seed));
        assert_eq!(
            sim.seed(),
            seed,
            "check: build the Sim from the builder it gives (it carries the seed), \
             without calling .seed() again"
        );
        sim.run()?;
        ran += 1;
    }
    let _ = SEED_ENV;
    Ok(ran)
}

#[track_caller]
fn control(what: &str, op: Control) {
    match crate::context::current() {
        Some((shared, _)) => shared.control.lock().push(op),
        None => panic!(
            "runtime::sim::{what} called outside a simulation: call it from a host or \
             client of a running Sim, or use the Sim method of the same name"
        ),
    }
}

/// Crashes host `name` after the current step (see [`Sim::crash`]).
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
/// sim.host("db1", || std::future::pending::<()>());
/// sim.client("test", async { runtime::sim::crash("db1") });
/// sim.run().unwrap();
/// assert!(!sim.is_up("db1"));
/// ```
///
/// # Panics
///
/// Outside a simulation; the run panics if no host has that name.
#[track_caller]
pub fn crash(name: &str) {
    control("crash", Control::Crash(name.to_string()));
}

/// Restarts host `name` after the current step (see [`Sim::bounce`]).
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
/// sim.host("db1", || std::future::pending::<()>());
/// sim.client("test", async { runtime::sim::bounce("db1") });
/// sim.run().unwrap();
/// assert!(sim.is_up("db1"));
/// ```
///
/// # Panics
///
/// Outside a simulation.
#[track_caller]
pub fn bounce(name: &str) {
    control("bounce", Control::Bounce(name.to_string()));
}

/// Cuts the links between `a` and `b` after the current step (see
/// [`Sim::partition`]).
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
/// sim.host("a", || std::future::pending::<()>());
/// sim.client("test", async { runtime::sim::partition("a", "test") });
/// sim.run().unwrap();
/// ```
///
/// # Panics
///
/// Outside a simulation.
#[track_caller]
pub fn partition(a: impl Hosts, b: impl Hosts) {
    control("partition", Control::Partition(a.names(), b.names()));
}

/// Restores the links between `a` and `b` after the current step.
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
/// sim.host("a", || std::future::pending::<()>());
/// sim.client("test", async {
///     runtime::sim::partition("a", "test");
///     runtime::sim::repair("a", "test");
/// });
/// sim.run().unwrap();
/// ```
///
/// # Panics
///
/// Outside a simulation.
#[track_caller]
pub fn repair(a: impl Hosts, b: impl Hosts) {
    control("repair", Control::Repair(a.names(), b.names()));
}

/// Adds a line to the trace (and its hash), stamped with the simulated time.
/// Outside a simulation it does nothing.
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(1).keep_trace(true).build().unwrap();
/// sim.client("test", async { runtime::sim::note("value=3") });
/// sim.run().unwrap();
/// assert!(sim.take_trace().contains("note value=3"));
/// ```
pub fn note(line: &str) {
    if let Some((shared, _)) = crate::context::current() {
        let at = shared.now_ms();
        shared.trace.lock().note(at, line);
    }
}

/// A pseudo-random number from the simulation's seed, for test bodies that
/// pick their own faults or workloads (when to partition, which key to
/// write): the same seed gives the same numbers.
///
/// ```
/// let draw = |seed| {
///     let mut sim = runtime::sim::Builder::new().seed(seed).build().unwrap();
///     let out = std::sync::Arc::new(std::sync::Mutex::new(0));
///     let o = out.clone();
///     sim.client("test", async move { *o.lock().unwrap() = runtime::sim::random_u64() });
///     sim.run().unwrap();
///     let v = *out.lock().unwrap();
///     v
/// };
/// assert_eq!(draw(1), draw(1));
/// assert_ne!(draw(1), draw(2));
/// ```
///
/// # Panics
///
/// Outside a simulation.
#[track_caller]
pub fn random_u64() -> u64 {
    match crate::context::current() {
        Some((shared, _)) => shared.user_rng.lock().next_u64(),
        None => panic!(
            "runtime::sim::random_u64 called outside a simulation: call it from a host or \
             client of a running Sim"
        ),
    }
}
