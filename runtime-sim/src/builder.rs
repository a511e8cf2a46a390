//! `Builder`: the seed, the simulated time limit, the trace and the network's
//! fault rates of a [`Sim`].

use crate::net::NetConfig;
use crate::sim::Sim;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable that replays one seed: read by
/// [`Builder::new`] (when no [`seed`](Builder::seed) is given) and by
/// [`check`](crate::check).
pub const SEED_ENV: &str = "RUNTIME_SIM_SEED";

#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) seed: u64,
    pub(crate) limit: Duration,
    pub(crate) net: NetConfig,
    pub(crate) trace_file: Option<PathBuf>,
    pub(crate) keep_trace: bool,
}

/// Builds a [`Sim`].
///
/// The seed is, in order: the one given to [`seed`](Builder::seed), else
/// `RUNTIME_SIM_SEED` from the environment, else a random one (printed by
/// any failure, so the run can be replayed).
///
/// ```
/// use std::time::Duration;
///
/// let mut sim = runtime::sim::Builder::new()
///     .seed(42)
///     .duration(Duration::from_secs(60))
///     .latency(Duration::from_millis(1), Duration::from_millis(20))
///     .udp_loss(0.05)
///     .build()
///     .unwrap();
/// sim.client("test", async {});
/// sim.run().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    seed: Option<u64>,
    config: Config,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// Defaults: 10 simulated minutes, 1–5 ms one-way latency, no faults.
    ///
    /// ```
    /// let sim = runtime::sim::Builder::new().seed(3).build().unwrap();
    /// assert_eq!(sim.seed(), 3);
    /// ```
    pub fn new() -> Builder {
        Builder {
            seed: None,
            config: Config {
                seed: 0,
                limit: Duration::from_secs(600),
                net: NetConfig::default(),
                trace_file: None,
                keep_trace: false,
            },
        }
    }

    /// The seed that fixes every choice of the run.
    ///
    /// ```
    /// let sim = runtime::sim::Builder::new().seed(11).build().unwrap();
    /// assert_eq!(sim.seed(), 11);
    /// ```
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = Some(seed);
        self
    }

    /// The simulated time after which an unfinished run fails.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut sim = runtime::sim::Builder::new().seed(1).duration(Duration::from_secs(1)).build().unwrap();
    /// sim.client("test", async { runtime::time::sleep(Duration::from_secs(5)).await });
    /// assert!(sim.run().unwrap_err().reason().contains("time limit"));
    /// ```
    pub fn duration(mut self, limit: Duration) -> Builder {
        self.config.limit = limit;
        self
    }

    /// One-way latency of every link, drawn per message in `min..=max`
    /// (whole milliseconds: the timer wheel's resolution).
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = runtime::sim::Builder::new().latency(Duration::from_millis(10), Duration::from_millis(50));
    /// # drop(b);
    /// ```
    pub fn latency(mut self, min: Duration, max: Duration) -> Builder {
        self.config.net.latency = (crate::sim::millis(min), crate::sim::millis(max.max(min)));
        self
    }

    /// Probability that a datagram is lost.
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().udp_loss(0.1);
    /// # drop(b);
    /// ```
    pub fn udp_loss(mut self, p: f64) -> Builder {
        self.config.net.udp_loss = p;
        self
    }

    /// Probability that a datagram is delivered twice.
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().udp_duplicate(0.1);
    /// # drop(b);
    /// ```
    pub fn udp_duplicate(mut self, p: f64) -> Builder {
        self.config.net.udp_duplicate = p;
        self
    }

    /// Probability that a datagram is held back (up to four times the
    /// maximum latency more), so later ones overtake it.
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().udp_reorder(0.1);
    /// # drop(b);
    /// ```
    pub fn udp_reorder(mut self, p: f64) -> Builder {
        self.config.net.udp_reorder = p;
        self
    }

    /// Probability that a TCP connection attempt to a listening port is
    /// refused anyway.
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().tcp_refuse(0.1);
    /// # drop(b);
    /// ```
    pub fn tcp_refuse(mut self, p: f64) -> Builder {
        self.config.net.tcp_refuse = p;
        self
    }

    /// Probability, per write, that the connection is reset (both ends then
    /// fail with `ConnectionReset`).
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().tcp_reset(0.01);
    /// # drop(b);
    /// ```
    pub fn tcp_reset(mut self, p: f64) -> Builder {
        self.config.net.tcp_reset = p;
        self
    }

    /// Chaos: every fault at rate `rate` (UDP loss, duplication and
    /// reordering at `rate`, TCP refusals and resets at `rate / 10`), plus a
    /// random partition between two hosts, or the repair of one, drawn about
    /// every simulated second with probability `rate`.
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().chaos(0.05);
    /// # drop(b);
    /// ```
    pub fn chaos(mut self, rate: f64) -> Builder {
        let net = &mut self.config.net;
        net.udp_loss = rate;
        net.udp_duplicate = rate;
        net.udp_reorder = rate;
        net.tcp_refuse = rate / 10.0;
        net.tcp_reset = rate / 10.0;
        net.chaos_partitions = rate;
        self
    }

    /// How long a connection attempt waits for an answer that never comes
    /// (an unreachable or partitioned host) before failing with `TimedOut`.
    /// Default 3 s.
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().connect_timeout(std::time::Duration::from_secs(1));
    /// # drop(b);
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Builder {
        self.config.net.connect_timeout = crate::sim::millis(timeout);
        self
    }

    /// Writes the trace, one line per event, to `path` (the same bytes for
    /// one seed every run).
    ///
    /// ```
    /// let path = std::env::temp_dir().join("runtime-sim-doc.trace");
    /// let mut sim = runtime::sim::Builder::new().seed(1).trace_file(&path).build().unwrap();
    /// sim.client("test", async {});
    /// sim.run().unwrap();
    /// drop(sim);
    /// assert!(std::fs::read_to_string(&path).unwrap().contains("step"));
    /// ```
    pub fn trace_file(mut self, path: impl Into<PathBuf>) -> Builder {
        self.config.trace_file = Some(path.into());
        self
    }

    /// Keeps the trace's text in memory, for [`Sim::take_trace`].
    ///
    /// ```
    /// let b = runtime::sim::Builder::new().keep_trace(true);
    /// # drop(b);
    /// ```
    pub fn keep_trace(mut self, keep: bool) -> Builder {
        self.config.keep_trace = keep;
        self
    }

    /// Builds the simulation (its reactor: a poller and a timer wheel on a
    /// paused clock).
    ///
    /// ```
    /// let sim = runtime::sim::Builder::new().build().unwrap();
    /// # drop(sim);
    /// ```
    ///
    /// # Errors
    ///
    /// When the poller cannot be created, or the trace file cannot be.
    pub fn build(&self) -> std::io::Result<Sim> {
        let mut config = self.config.clone();
        config.seed = self.seed.or_else(env_seed).unwrap_or_else(random_seed);
        Sim::new(config)
    }
}

/// `RUNTIME_SIM_SEED`, if set to a number.
///
/// # Panics
///
/// If it is set but not a number.
pub(crate) fn env_seed() -> Option<u64> {
    let value = std::env::var(SEED_ENV).ok()?;
    match value.trim().parse() {
        Ok(seed) => Some(seed),
        Err(_) => panic!("{SEED_ENV}={value:?} is not a seed: give a number (u64)"),
    }
}

fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x5EED);
    h.finish()
}
