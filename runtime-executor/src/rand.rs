//! Seeds for the runtime's random choices: [`RngSeed`] and the generator that
//! hands out one seed per use.
//!
//! The runtime makes two kinds of random choices: which branch a `select!`
//! polls first (the thread's generator in `context.rs`, reseeded each time a
//! thread enters the runtime to drive it) and which worker a searching worker
//! tries to steal from first (each worker's own generator, `worker.rs`). Both
//! take their seeds from the runtime's `SeedGenerator`, a splitmix64 stream
//! started at the builder's [`RngSeed`]: given the same seed and the same
//! sequence of runtime entries, a runtime makes the same choices. Without a
//! seed the stream starts at an OS-random value, as before.
//!
//! The hash of `from_bytes` is written here (FNV-1a, then a splitmix64
//! finaliser) rather than taken from `std`, whose hasher may change between
//! Rust releases: a seed keeps meaning the same stream.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The seed of a runtime's random number generators, set with
/// `Builder::rng_seed`, so that the runtime's random choices (which branch a
/// `select!` polls first, the order in which idle workers look for work to
/// steal) repeat from run to run.
///
/// Same version of this crate, same seed, same sequence of operations: same
/// choices. As in Tokio, where this is unstable; stable here.
///
/// # Examples
///
/// ```
/// use runtime::runtime::{Builder, RngSeed};
///
/// let firsts = |seed: RngSeed| {
///     let rt = Builder::new_current_thread().rng_seed(seed).build().unwrap();
///     rt.block_on(async {
///         let mut firsts = Vec::new();
///         for _ in 0..20 {
///             // Both branches are ready: the seeded generator picks.
///             runtime::select! {
///                 _ = async {} => firsts.push(0),
///                 _ = async {} => firsts.push(1),
///             }
///         }
///         firsts
///     })
/// };
/// assert_eq!(
///     firsts(RngSeed::from_bytes(b"seed")),
///     firsts(RngSeed::from_bytes(b"seed")),
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RngSeed(u64);

impl RngSeed {
    /// A random seed, from the OS's randomness (what a runtime built without
    /// `rng_seed` uses).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .rng_seed(runtime::runtime::RngSeed::new())
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn new() -> RngSeed {
        RngSeed(random_seed())
    }

    /// The seed named by `bytes`: equal bytes give equal seeds.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime::runtime::RngSeed;
    ///
    /// let seed = RngSeed::from_bytes(b"place your seed here");
    /// let rt = runtime::Builder::new_current_thread().rng_seed(seed).build().unwrap();
    /// assert_eq!(rt.block_on(async { 2 }), 2);
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> RngSeed {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        RngSeed(mix(h))
    }
}

impl Default for RngSeed {
    fn default() -> RngSeed {
        RngSeed::new()
    }
}

impl fmt::Debug for RngSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RngSeed").finish_non_exhaustive()
    }
}

/// splitmix64's finaliser: spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A non-zero seed from std's randomly keyed hasher (keys drawn from the OS
/// once per thread, then stepped on every call).
pub(crate) fn random_seed() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0x9e37_79b9_7f4a_7c15_u64) | 1
}

/// The runtime's stream of seeds (splitmix64 from the builder's seed).
pub(crate) struct SeedGenerator(AtomicU64);

impl SeedGenerator {
    pub(crate) fn new(seed: &RngSeed) -> SeedGenerator {
        SeedGenerator(AtomicU64::new(seed.0))
    }

    /// The next seed of the stream; never 0 (xorshift's one bad state).
    pub(crate) fn next_seed(&self) -> u64 {
        const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
        let state = self.0.fetch_add(GAMMA, Relaxed).wrapping_add(GAMMA);
        mix(state) | 1
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn equal_bytes_give_equal_streams_and_different_bytes_differ() {
        let stream = |seed: &RngSeed| {
            let g = SeedGenerator::new(seed);
            (0..8).map(|_| g.next_seed()).collect::<Vec<_>>()
        };
        let a = stream(&RngSeed::from_bytes(b"a"));
        assert_eq!(a, stream(&RngSeed::from_bytes(b"a")));
        assert_ne!(a, stream(&RngSeed::from_bytes(b"b")));
        assert_ne!(stream(&RngSeed::new()), stream(&RngSeed::new()));
        assert!(a.iter().all(|&s| s != 0));
    }
}
