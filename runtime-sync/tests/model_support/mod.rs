//! The harness shared by the model-based channel tests (`model_channels.rs`,
//! `model_channels_fanout.rs`): a seeded generator, the operation log that
//! prints the seed and the operations of a failing case, the per-seed
//! runner, and tracked values that catch leaks and double drops.
//!
//! Environment: `SEED=<n>` (decimal or `0x` hex) runs that seed alone,
//! `CASES=<n>` sets how many seeds run (default 256), `TRACE=1` prints each
//! operation as it runs (for a case that hangs).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

/// Seeded xorshift64 (seed scrambled by splitmix64, so small seeds differ).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let s = std::env::var(name).ok()?;
    let s = s.trim();
    let parsed = match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={s:?} is not a number")))
}

/// The operations a case ran; printed with the seed if the case panics.
pub struct Log {
    bin: &'static str,
    test: &'static str,
    seed: u64,
    ops: Vec<String>,
}

impl Log {
    pub fn op(&mut self, op: String) {
        if std::env::var_os("TRACE").is_some() {
            eprintln!("  {:4}: {op}", self.ops.len());
        }
        self.ops.push(op);
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut msg = format!(
                "\n=== {} failed with SEED={} after {} operations ===\n",
                self.test,
                self.seed,
                self.ops.len()
            );
            for (i, op) in self.ops.iter().enumerate() {
                let _ = writeln!(msg, "  {i:4}: {op}");
            }
            let _ = writeln!(
                msg,
                "replay: SEED={} cargo test -p runtime-sync --test {} {}",
                self.seed, self.bin, self.test
            );
            eprintln!("{msg}");
        }
    }
}

/// Runs `case` once per seed (`SEED` alone if set, else `CASES`, default
/// 256), each on a fresh current-thread runtime, then checks that every
/// value was dropped exactly once.
pub fn run(
    bin: &'static str,
    test: &'static str,
    case: fn(Rng, Arc<Tracker>, &mut Log) -> ChanFut<'_>,
) {
    let seeds: Vec<u64> = match env_u64("SEED") {
        Some(seed) => vec![seed],
        None => (0..env_u64("CASES").unwrap_or(256)).collect(),
    };
    for seed in seeds {
        let mut log = Log {
            bin,
            test,
            seed,
            ops: Vec::new(),
        };
        let tracker = Arc::new(Tracker::default());
        let rt = runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(case(Rng::new(seed), tracker.clone(), &mut log));
        drop(rt);
        tracker.check(&BTreeSet::new(), "after the runtime is dropped");
    }
}

pub type ChanFut<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

/// Which values are alive (id -> instances), and any double drop.
#[derive(Default)]
pub struct Tracker {
    state: Mutex<(u64, BTreeMap<u64, usize>, Vec<u64>)>,
}

impl Tracker {
    #[allow(clippy::type_complexity)]
    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, BTreeMap<u64, usize>, Vec<u64>)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn val(self: &Arc<Self>) -> Val {
        let mut s = self.lock();
        let id = s.0;
        s.0 += 1;
        s.1.insert(id, 1);
        Val {
            id,
            tracker: self.clone(),
        }
    }

    /// The live ids are exactly `expected` (clones allowed), and nothing was
    /// dropped twice.
    pub fn check(&self, expected: &BTreeSet<u64>, when: &str) {
        // Copied out first: a failed assertion must not poison the lock
        // that the values' drops take while unwinding.
        let (twice, live): (Vec<u64>, BTreeSet<u64>) = {
            let s = self.lock();
            (s.2.clone(), s.1.keys().copied().collect())
        };
        assert!(twice.is_empty(), "{when}: values dropped twice: {twice:?}");
        assert_eq!(&live, expected, "{when}: live values vs model");
    }
}

/// A tracked value: clones share its id.
pub struct Val {
    pub id: u64,
    tracker: Arc<Tracker>,
}

impl std::fmt::Debug for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}", self.id)
    }
}

impl Clone for Val {
    fn clone(&self) -> Val {
        *self
            .tracker
            .lock()
            .1
            .get_mut(&self.id)
            .expect("cloned a dropped value") += 1;
        Val {
            id: self.id,
            tracker: self.tracker.clone(),
        }
    }
}

impl Drop for Val {
    fn drop(&mut self) {
        let mut s = self.tracker.lock();
        match s.1.get_mut(&self.id) {
            Some(1) => {
                s.1.remove(&self.id);
            }
            Some(n) => *n -= 1,
            None => s.2.push(self.id),
        }
    }
}

/// Lets woken tasks run (a current-thread runtime runs every woken task
/// before a yielding one resumes; several rounds for chains of wake-ups).
pub async fn settle() {
    for _ in 0..6 {
        runtime::task::yield_now().await;
    }
}

pub fn id_of(v: &Option<Val>) -> Option<u64> {
    v.as_ref().map(|v| v.id)
}
