//! Paired comparison, for a machine whose speed drifts.
//!
//! Criterion measures one side of a group for seconds, then the other. On a
//! shared VM the machine's speed drifts over such spans (±40% between two
//! `tcp_echo_64` runs minutes apart, BENCHMARKS.md), and that drift lands in
//! the ratio. Here both runtimes are set up side by side and alternate: each
//! round times one batch of iterations (about [`BATCH`] long) on ours and one
//! on Tokio, in alternating order, and its ratio is ours / Tokio's time. A
//! slow spell hits both halves of a round alike, so the ratios agree to a
//! few percent, and their median, with a distribution-free 95% interval, is
//! what gets reported.
//!
//! Every bench (`scheduler`, `time`, `net`, `sync`) switches to it when
//! [`ENV`] names one of its workloads:
//!
//! ```text
//! PAIRED=tcp_echo_64 cargo bench -p benches --bench net
//! PAIRED=mutex_contended PAIRED_ROUNDS=100 cargo bench -p benches --bench sync
//! ```

use std::fmt;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Set to a workload's name: run the paired comparison instead of criterion.
pub const ENV: &str = "PAIRED";
/// Overrides [`ROUNDS`].
pub const ROUNDS_ENV: &str = "PAIRED_ROUNDS";
/// Rounds of a paired run: 200 puts the 95% interval of the median at ranks
/// 86-114, and takes under a minute for every workload with iterations
/// under 100 ms.
pub const ROUNDS: usize = 200;
/// Target length of one side's batch in a round: long enough that timer
/// resolution and a single scheduler hiccup do not dominate it, short
/// enough that both halves of a round see the same machine.
pub const BATCH: Duration = Duration::from_millis(50);
/// Iterations per side before the rounds, twice: the first time to warm
/// caches and open what is opened lazily, the second to size the batch.
pub const WARM_UP: usize = 5;

/// A bench's `main` calls this first: when [`ENV`] is set it runs the
/// paired comparison of the workload it names, which must be one of
/// `known`, through `run_workload(name, rounds)`, prints the summary and
/// returns the exit code; without [`ENV`] it returns `None` and the bench
/// goes on with criterion.
pub fn dispatch(
    known: &[&str],
    run_workload: impl FnOnce(&str, usize) -> Summary,
) -> Option<ExitCode> {
    let request = requested().and_then(|request| match request {
        Some((name, _)) if !known.contains(&name.as_str()) => Err(unknown(&name, known)),
        request => Ok(request),
    });
    match request {
        Ok(None) => None,
        Ok(Some((name, rounds))) => {
            println!("{}", run_workload(&name, rounds));
            Some(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("error: {err}");
            Some(ExitCode::FAILURE)
        }
    }
}

/// The workload and round count that the environment asks for: `None`
/// without [`ENV`], `Err` with the message to print for a bad round count.
fn requested() -> Result<Option<(String, usize)>, String> {
    let Ok(name) = std::env::var(ENV) else {
        return Ok(None);
    };
    let rounds = match std::env::var(ROUNDS_ENV) {
        Err(_) => ROUNDS,
        Ok(value) => parse_rounds(&value)?,
    };
    Ok(Some((name, rounds)))
}

/// A positive round count.
fn parse_rounds(value: &str) -> Result<usize, String> {
    match value.parse() {
        Ok(rounds @ 1..) => Ok(rounds),
        _ => Err(format!(
            "{ROUNDS_ENV}={value:?}: expected a positive integer"
        )),
    }
}

/// The error message for a workload name a bench does not have.
fn unknown(name: &str, known: &[&str]) -> String {
    format!("{ENV}={name:?}: expected one of {}", known.join(", "))
}

/// What a paired run found.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The workload's name.
    pub name: String,
    /// Median of the per-round ratios (ours / Tokio's time).
    pub median: f64,
    /// The 95% confidence interval of that median.
    pub interval: (f64, f64),
    /// First and third quartiles of the ratios.
    pub quartiles: (f64, f64),
    /// Rounds run.
    pub rounds: usize,
    /// Iterations per side per round.
    pub batch: usize,
    /// Mean time per iteration: ours, Tokio's.
    pub per_iteration: (Duration, Duration),
}

impl Summary {
    /// Summarises per-round ratios (at least one).
    ///
    /// The interval is the distribution-free one of a median: the order
    /// statistics `n/2 ∓ 0.98·√n` (from the binomial(n, ½) count of ratios
    /// below the true median, normal approximation).
    pub fn from_ratios(
        name: &str,
        mut ratios: Vec<f64>,
        batch: usize,
        per_iteration: (Duration, Duration),
    ) -> Summary {
        assert!(!ratios.is_empty(), "a paired run has at least one round");
        ratios.sort_by(f64::total_cmp);
        let n = ratios.len();
        let half = (0.98 * (n as f64).sqrt()).ceil() as usize;
        Summary {
            name: name.to_owned(),
            median: ratios[n / 2],
            interval: (
                ratios[(n / 2).saturating_sub(half)],
                ratios[(n / 2 + half).min(n - 1)],
            ),
            quartiles: (ratios[n / 4], ratios[3 * n / 4]),
            rounds: n,
            batch,
            per_iteration,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: median ratio (runtime / tokio time) {:.3}, 95% CI {:.3}-{:.3}; \
             quartiles {:.3} / {:.3}; {} pairs of {} iterations; \
             mean per iteration: runtime {:?}, tokio {:?}",
            self.name,
            self.median,
            self.interval.0,
            self.interval.1,
            self.quartiles.0,
            self.quartiles.1,
            self.rounds,
            self.batch,
            self.per_iteration.0,
            self.per_iteration.1,
        )
    }
}

/// Times `batch` calls of `f`.
fn time_batch(batch: usize, f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..batch {
        f();
    }
    start.elapsed()
}

/// Runs the paired comparison: `ours` and `theirs` each run one iteration
/// of the workload, on state set up beforehand.
pub fn run(name: &str, rounds: usize, ours: &mut dyn FnMut(), theirs: &mut dyn FnMut()) -> Summary {
    // Warm up, then size the batch from the slower side's time for as many
    // iterations again (the first ones pay for cold caches and lazy setup).
    time_batch(WARM_UP, ours);
    time_batch(WARM_UP, theirs);
    let warm = time_batch(WARM_UP, ours).max(time_batch(WARM_UP, theirs));
    let per_iteration = warm / WARM_UP as u32;
    let batch = (BATCH.as_nanos() / per_iteration.as_nanos().max(1)).max(1) as usize;
    let mut ratios = Vec::with_capacity(rounds);
    let (mut ours_total, mut theirs_total) = (Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        // Alternate who goes first, so neither always inherits the other's
        // leftovers (full socket buffers, a core just woken).
        let (a, b) = if round % 2 == 0 {
            let a = time_batch(batch, ours);
            (a, time_batch(batch, theirs))
        } else {
            let b = time_batch(batch, theirs);
            (time_batch(batch, ours), b)
        };
        ours_total += a;
        theirs_total += b;
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    let iterations = (rounds * batch) as u32;
    Summary::from_ratios(
        name,
        ratios,
        batch,
        (ours_total / iterations, theirs_total / iterations),
    )
}

/// `paired::run` of one workload of a bench whose workloads are
/// `on_runtime::$workload(&rt)` and `on_tokio::$workload(&rt)` on a runtime
/// from `on_runtime::$build()` / `on_tokio::$build()` (the shape of the
/// `scheduler`, `sync` and `time` benches); any return value is dropped.
#[macro_export]
macro_rules! pair_runtimes {
    ($name:expr, $rounds:expr, $build:ident, $workload:ident) => {{
        let (ours, theirs) = (on_runtime::$build(), on_tokio::$build());
        $crate::paired::run(
            $name,
            $rounds,
            &mut || {
                on_runtime::$workload(&ours);
            },
            &mut || {
                on_tokio::$workload(&theirs);
            },
        )
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_200_ratios_uses_ranks_86_to_114() {
        // 0.001, 0.002, ..., 0.200, shuffled: rank k (0-based) is (k+1)/1000.
        let mut ratios: Vec<f64> = (1..=200).map(|k| k as f64 / 1000.0).collect();
        ratios.reverse();
        let s = Summary::from_ratios("w", ratios, 3, (Duration::ZERO, Duration::ZERO));
        assert_eq!(s.median, 0.101);
        assert_eq!(s.interval, (0.087, 0.115));
        assert_eq!(s.quartiles, (0.051, 0.151));
        assert_eq!(s.rounds, 200);
    }

    #[test]
    fn one_round_is_its_own_interval() {
        let s = Summary::from_ratios("w", vec![0.9], 1, (Duration::ZERO, Duration::ZERO));
        assert_eq!((s.median, s.interval), (0.9, (0.9, 0.9)));
    }

    #[test]
    fn run_reports_the_slower_side_above_one() {
        let sleep = |ms| move || std::thread::sleep(Duration::from_millis(ms));
        let s = run("w", 5, &mut sleep(4), &mut sleep(1));
        assert!(s.median > 1.5, "{s}");
        assert_eq!(s.rounds, 5);
        assert!(s.per_iteration.0 > s.per_iteration.1, "{s}");
    }

    #[test]
    fn bad_round_counts_are_refused_with_the_variable_named() {
        assert_eq!(parse_rounds("12"), Ok(12));
        for bad in ["0", "-3", "many", ""] {
            let err = parse_rounds(bad).unwrap_err();
            assert!(err.contains(ROUNDS_ENV), "{err}");
        }
        assert!(unknown("x", &["a", "b"]).contains("a, b"));
    }
}
