//! Per-worker counters: written by the worker that owns them, read by
//! anyone.
//!
//! # Design
//!
//! Each worker has one `WorkerMetrics`, aligned to its own cache lines.
//! Only the thread running that worker's core writes it, so a count is a
//! relaxed load and store, not a read-modify-write: no locked instruction
//! and no cache line bouncing between cores. Readers on other threads see
//! each counter's latest published value (they may be a few events behind).
//! The poll-time histogram and the mean poll time need a clock read per
//! poll; they are only filled when the runtime was built with
//! `enable_metrics_poll_time_histogram` (see `observe.rs`).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Counters of one worker, written only by the thread running it.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct WorkerMetrics {
    park_count: AtomicU64,
    park_unpark_count: AtomicU64,
    busy_nanos: AtomicU64,
    polls: AtomicU64,
    steals: AtomicU64,
    steal_operations: AtomicU64,
    local_schedules: AtomicU64,
    budget_forced_yields: AtomicU64,
    timed_polls: AtomicU64,
    poll_nanos: AtomicU64,
    histogram: Box<[AtomicU64]>,
}

/// Adds `n` to a counter that only this thread writes.
#[inline]
fn add(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

impl WorkerMetrics {
    /// Counters for a worker, with `buckets` poll-time histogram buckets
    /// (0 without a histogram).
    pub(crate) fn new(buckets: usize) -> WorkerMetrics {
        WorkerMetrics {
            histogram: (0..buckets).map(|_| AtomicU64::new(0)).collect(),
            ..WorkerMetrics::default()
        }
    }

    /// Times the worker parked.
    pub fn park_count(&self) -> u64 {
        self.park_count.load(Relaxed)
    }

    /// Times the worker parked or unparked: odd while it is parked.
    pub fn park_unpark_count(&self) -> u64 {
        self.park_unpark_count.load(Relaxed)
    }

    /// Time spent out of park, published each time the worker parks.
    pub fn total_busy_duration(&self) -> Duration {
        Duration::from_nanos(self.busy_nanos.load(Relaxed))
    }

    /// Task polls run by this worker.
    pub fn poll_count(&self) -> u64 {
        self.polls.load(Relaxed)
    }

    /// Tasks this worker stole from other workers' queues.
    pub fn steal_count(&self) -> u64 {
        self.steals.load(Relaxed)
    }

    /// Successful steal operations (each takes one or more tasks).
    pub fn steal_operations(&self) -> u64 {
        self.steal_operations.load(Relaxed)
    }

    /// Tasks scheduled from this worker's thread into its own queue or LIFO
    /// slot.
    pub fn local_schedule_count(&self) -> u64 {
        self.local_schedules.load(Relaxed)
    }

    /// Times a task polled here ran out of its cooperative budget.
    pub fn budget_forced_yield_count(&self) -> u64 {
        self.budget_forced_yields.load(Relaxed)
    }

    /// Mean duration of the polls timed on this worker (zero without the
    /// poll-time histogram).
    pub fn mean_poll_time(&self) -> Duration {
        let n = self.timed_polls.load(Relaxed);
        match n {
            0 => Duration::ZERO,
            n => Duration::from_nanos(self.poll_nanos.load(Relaxed) / n),
        }
    }

    /// Polls counted in histogram bucket `bucket` (0 when out of range).
    pub fn poll_time_histogram_bucket_count(&self, bucket: usize) -> u64 {
        self.histogram.get(bucket).map_or(0, |b| b.load(Relaxed))
    }

    /// One poll ran; with `bounds` (the histogram's upper bounds) it was
    /// timed, and its duration is counted too.
    #[inline]
    pub(crate) fn count_poll(&self, bounds: Option<&[Duration]>) {
        add(&self.polls, 1);
        if let Some(bounds) = bounds {
            let took = runtime_core::task_meta::last_poll_duration();
            add(&self.timed_polls, 1);
            add(&self.poll_nanos, took.as_nanos() as u64);
            let bucket = bounds
                .iter()
                .position(|b| took < *b)
                .unwrap_or(bounds.len());
            if let Some(b) = self.histogram.get(bucket) {
                add(b, 1);
            }
        }
    }

    /// `n` tasks were stolen in one operation.
    #[inline]
    pub(crate) fn count_steal(&self, n: u64) {
        add(&self.steal_operations, 1);
        add(&self.steals, n);
    }

    /// A task was scheduled locally.
    #[inline]
    pub(crate) fn count_local_schedule(&self) {
        add(&self.local_schedules, 1);
    }

    /// A poll spent its whole budget.
    #[inline]
    pub(crate) fn count_budget_yield(&self) {
        add(&self.budget_forced_yields, 1);
    }

    /// Called by the worker just before it parks; `busy_since` is when it
    /// last unparked.
    pub(crate) fn before_park(&self, busy_since: Instant) {
        add(&self.busy_nanos, busy_since.elapsed().as_nanos() as u64);
        add(&self.park_count, 1);
        add(&self.park_unpark_count, 1);
    }

    /// Called by the worker just after it unparks.
    pub(crate) fn after_unpark(&self) {
        add(&self.park_unpark_count, 1);
    }
}
