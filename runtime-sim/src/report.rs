//! What a run gives back ([`SimError`]), and the traits that shape the
//! arguments of `Sim::host`/`client` ([`HostResult`]) and of partitions
//! ([`Hosts`]).

use runtime_reactor::time::Duration;
use std::fmt;

/// A failed run: its seed, what went wrong, and how to replay it.
///
/// Its `Display` says all three, e.g. `simulation failed (seed 42): host
/// "db1" panicked: ...; replay it with RUNTIME_SIM_SEED=42`.
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(42).build().unwrap();
/// sim.client("test", async { std::future::pending::<()>().await });
/// let err = sim.run().unwrap_err();
/// assert_eq!(err.seed(), 42);
/// assert!(err.to_string().contains("RUNTIME_SIM_SEED=42"), "{err}");
/// ```
#[derive(Debug, Clone)]
pub struct SimError {
    pub(crate) seed: u64,
    pub(crate) reason: String,
    pub(crate) at: Duration,
    pub(crate) trace_hash: u64,
}

impl SimError {
    /// The seed of the failed run.
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(9).build().unwrap();
    /// sim.client("test", async {
    ///     if true {
    ///         panic!("boom")
    ///     }
    /// });
    /// assert_eq!(sim.run().unwrap_err().seed(), 9);
    /// ```
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// What went wrong, e.g. `host "test" panicked: boom`.
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(9).build().unwrap();
    /// sim.client("test", async {
    ///     if true {
    ///         panic!("boom")
    ///     }
    /// });
    /// assert_eq!(sim.run().unwrap_err().reason(), "host \"test\" panicked: boom");
    /// ```
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The simulated time of the failure, since the start of the run.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.client("test", async {
    ///     runtime::time::sleep(Duration::from_secs(5)).await;
    ///     if true {
    ///         panic!("late");
    ///     }
    /// });
    /// assert_eq!(sim.run().unwrap_err().at(), Duration::from_secs(5));
    /// ```
    pub fn at(&self) -> Duration {
        self.at
    }

    /// The hash of the trace up to the failure.
    ///
    /// ```
    /// let run = |seed| {
    ///     let mut sim = runtime::sim::Builder::new().seed(seed).build().unwrap();
    ///     sim.client("test", async {
    ///     if true {
    ///         panic!("boom")
    ///     }
    /// });
    ///     sim.run().unwrap_err().trace_hash()
    /// };
    /// assert_eq!(run(3), run(3));
    /// ```
    pub fn trace_hash(&self) -> u64 {
        self.trace_hash
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "simulation failed (seed {}) at {:?} of simulated time: {}; \
             replay it with RUNTIME_SIM_SEED={}",
            self.seed, self.at, self.reason, self.seed
        )
    }
}

impl std::error::Error for SimError {}

/// What a host's or client's future may return: `()`, or a `Result` whose
/// `Err` fails the run (its `Debug` text is the reason).
pub trait HostResult {
    /// `Ok` for success, `Err(reason)` for a failure.
    fn into_host_result(self) -> Result<(), String>;
}

impl HostResult for () {
    fn into_host_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<T, E: fmt::Debug> HostResult for Result<T, E> {
    fn into_host_result(self) -> Result<(), String> {
        self.map(drop).map_err(|e| format!("{e:?}"))
    }
}

/// One host name or several: the sides of [`Sim::partition`](crate::Sim::partition).
pub trait Hosts {
    /// The names.
    fn names(&self) -> Vec<String>;
}

impl Hosts for &str {
    fn names(&self) -> Vec<String> {
        vec![self.to_string()]
    }
}

impl Hosts for String {
    fn names(&self) -> Vec<String> {
        vec![self.clone()]
    }
}

impl<const N: usize> Hosts for [&str; N] {
    fn names(&self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}

impl Hosts for &[&str] {
    fn names(&self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}

impl Hosts for Vec<String> {
    fn names(&self) -> Vec<String> {
        self.clone()
    }
}
