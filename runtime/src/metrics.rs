//! The metrics beyond Tokio's stable [`RuntimeMetrics`]: per-worker poll,
//! steal, schedule and budget counters, the poll-time histogram, remote
//! schedules and the blocking pool's queue. Tokio has these behind
//! `tokio_unstable`, under the same names; here they are stable.
//!
//! Each worker writes its own counters (relaxed stores to its own cache
//! lines, see `runtime_executor`'s `metrics.rs`); a read here is a relaxed
//! load, so a value may be a few events behind the worker.

use crate::runtime::RuntimeMetrics;
use std::ops::Range;
use std::time::Duration;

impl RuntimeMetrics {
    /// Task polls run by worker `worker` (on a current-thread runtime,
    /// worker 0 is the thread in `block_on`).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(rt.spawn(async { runtime::task::yield_now().await })).unwrap();
    /// assert_eq!(rt.metrics().worker_poll_count(0), 2);
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below `num_workers()`.
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.handle.worker_metrics(worker).poll_count()
    }

    /// Tasks worker `worker` stole from other workers (always 0 on a
    /// current-thread runtime).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.metrics();
    /// assert!(m.worker_steal_count(0) >= m.worker_steal_operations(0));
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below `num_workers()`.
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.handle.worker_metrics(worker).steal_count()
    }

    /// Steal operations of worker `worker` that took at least one task.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_steal_operations(0), 0);
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below `num_workers()`.
    #[track_caller]
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        self.handle.worker_metrics(worker).steal_operations()
    }

    /// Tasks scheduled (spawned or woken) from worker `worker`'s own thread
    /// into its own queue.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    /// assert_eq!(rt.metrics().worker_local_schedule_count(0), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below `num_workers()`.
    #[track_caller]
    pub fn worker_local_schedule_count(&self, worker: usize) -> u64 {
        self.handle.worker_metrics(worker).local_schedule_count()
    }

    /// Times worker `worker`'s local queue overflowed into the shared queue.
    /// Always 0: our local queues grow instead of overflowing (Tokio's hold
    /// 256 tasks).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    /// assert_eq!(rt.metrics().worker_overflow_count(0), 0);
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below `num_workers()`.
    #[track_caller]
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        let _ = self.handle.worker_metrics(worker);
        0
    }

    /// Tasks scheduled from outside the runtime's threads (into the shared
    /// queue).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let task = rt.spawn(async {}); // from outside
    /// assert_eq!(rt.metrics().remote_schedule_count(), 1);
    /// rt.block_on(task).unwrap();
    /// ```
    pub fn remote_schedule_count(&self) -> u64 {
        self.handle.remote_schedule_count()
    }

    /// Polls, on all workers, that ran out of their cooperative budget and
    /// were made to yield.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(rt.spawn(async {
    ///     for _ in 0..300 {
    ///         // Each call uses one unit; the budget (128) runs out twice.
    ///         runtime::task::consume_budget().await;
    ///     }
    /// }))
    /// .unwrap();
    /// assert_eq!(rt.metrics().budget_forced_yield_count(), 2);
    /// ```
    pub fn budget_forced_yield_count(&self) -> u64 {
        (0..self.num_workers())
            .map(|w| self.handle.worker_metrics(w).budget_forced_yield_count())
            .sum()
    }

    /// Mean poll time on worker `worker`; zero unless the runtime was built
    /// with [`enable_metrics_poll_time_histogram`](crate::Builder::enable_metrics_poll_time_histogram).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async { std::thread::sleep(std::time::Duration::from_millis(2)) }))
    ///     .unwrap();
    /// assert!(rt.metrics().worker_mean_poll_time(0) >= std::time::Duration::from_millis(2));
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below `num_workers()`.
    #[track_caller]
    pub fn worker_mean_poll_time(&self, worker: usize) -> Duration {
        self.handle.worker_metrics(worker).mean_poll_time()
    }

    /// Whether the poll-time histogram is on.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(!rt.metrics().poll_time_histogram_enabled());
    /// ```
    pub fn poll_time_histogram_enabled(&self) -> bool {
        self.handle.poll_time_histogram_bounds().is_some()
    }

    /// Buckets of the poll-time histogram (0 when it is off).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 10);
    /// ```
    pub fn poll_time_histogram_num_buckets(&self) -> usize {
        self.handle
            .poll_time_histogram_bounds()
            .map_or(0, |b| b.len() + 1)
    }

    /// The poll durations bucket `bucket` counts; the last one ends at
    /// `Duration::MAX`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Builder::new_current_thread()
    ///     .metrics_poll_time_histogram_buckets(&[Duration::from_millis(1)])
    ///     .build()
    ///     .unwrap();
    /// let m = rt.metrics();
    /// assert_eq!(m.poll_time_histogram_bucket_range(0), Duration::ZERO..Duration::from_millis(1));
    /// assert_eq!(m.poll_time_histogram_bucket_range(1), Duration::from_millis(1)..Duration::MAX);
    /// ```
    ///
    /// # Panics
    ///
    /// If the histogram is off or `bucket` is out of range.
    #[track_caller]
    pub fn poll_time_histogram_bucket_range(&self, bucket: usize) -> Range<Duration> {
        let bounds = self
            .handle
            .poll_time_histogram_bounds()
            .expect("the poll-time histogram is off: enable_metrics_poll_time_histogram()");
        assert!(bucket <= bounds.len(), "bucket {bucket} out of range");
        let start = if bucket == 0 {
            Duration::ZERO
        } else {
            bounds[bucket - 1]
        };
        let end = bounds.get(bucket).copied().unwrap_or(Duration::MAX);
        start..end
    }

    /// Polls on worker `worker` whose duration fell in bucket `bucket`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_bucket_count(0, 0), 1); // < 100 µs
    /// ```
    ///
    /// # Panics
    ///
    /// If `worker` is not below `num_workers()`.
    #[track_caller]
    pub fn poll_time_histogram_bucket_count(&self, worker: usize, bucket: usize) -> u64 {
        self.handle
            .worker_metrics(worker)
            .poll_time_histogram_bucket_count(bucket)
    }

    /// Closures waiting in the blocking pool's queue for a thread.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().blocking_queue_depth(), 0);
    /// ```
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.blocking_queue_depth()
    }

    /// Tasks spawned on this runtime since it was built (`spawn`,
    /// `Handle::spawn`, `JoinSet::spawn*`; not `spawn_blocking` closures or
    /// a `LocalSet`'s tasks), as Tokio's (unstable there).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     runtime::spawn(async {}).await.unwrap();
    ///     runtime::spawn(async {}).await.unwrap();
    /// });
    /// assert_eq!(rt.metrics().spawned_tasks_count(), 2);
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        self.handle.spawned_tasks_count()
    }

    /// I/O readiness events the driver has delivered to sockets and other
    /// registered sources, as Tokio's (unstable there). Counted once per
    /// event the OS reports, whatever the number of tasks it wakes.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// rt.block_on(async {
    ///     let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let (_client, _server) = runtime::try_join!(
    ///         runtime::net::TcpStream::connect(addr),
    ///         listener.accept(),
    ///     )
    ///     .unwrap();
    /// });
    /// assert!(rt.metrics().io_driver_ready_count() >= 1);
    /// ```
    pub fn io_driver_ready_count(&self) -> u64 {
        self.reactor.io_ready_count()
    }

    /// Timers (`sleep`, `timeout`, `interval` ticks) currently waiting in
    /// the timer wheel: registered and neither fired nor dropped. Not in
    /// Tokio.
    ///
    /// ```
    /// use std::future::{poll_fn, Future};
    /// use std::task::Poll;
    /// use std::time::Duration;
    /// let rt = runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// rt.block_on(async {
    ///     let mut sleep = std::pin::pin!(runtime::time::sleep(Duration::from_secs(60)));
    ///     // A first poll registers the timer.
    ///     poll_fn(|cx| Poll::Ready(assert!(sleep.as_mut().poll(cx).is_pending()))).await;
    ///     assert_eq!(runtime::Handle::current().metrics().num_timers(), 1);
    /// });
    /// assert_eq!(rt.metrics().num_timers(), 0);
    /// ```
    pub fn num_timers(&self) -> usize {
        self.reactor.num_timers()
    }

    /// Threads the blocking pool keeps (running or idle), as Tokio's.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_blocking_threads(), 0);
    /// rt.block_on(rt.spawn_blocking(|| ())).unwrap();
    /// assert_eq!(rt.metrics().num_blocking_threads(), 1);
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.handle.num_blocking_threads()
    }

    /// Blocking-pool threads waiting for work.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(rt.spawn_blocking(|| ())).unwrap();
    /// // The thread goes idle once its closure is done.
    /// while rt.metrics().num_idle_blocking_threads() == 0 {
    ///     std::thread::yield_now();
    /// }
    /// ```
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.num_idle_blocking_threads()
    }
}
