//! The observability settings of [`Builder`]: task hooks (Tokio's names and
//! signatures), the long-poll detector, the poll-time histogram and the
//! dump-on-signal listener. They fill `Config::observe`, which the executor
//! reads (see `runtime_executor`'s `observe.rs` for how each works).

use super::Builder;
use crate::runtime::{LongPoll, TaskMeta};
use std::sync::Arc;
use std::time::Duration;

/// The long-poll threshold a new builder starts with: 100 ms in debug
/// builds; off in release builds, where the per-poll bookkeeping still runs
/// (dumps need it) but no watchdog thread wakes up (ten times a second at
/// a 1 s threshold) unless asked for.
pub(super) fn default_long_poll() -> Option<Duration> {
    cfg!(debug_assertions).then_some(Duration::from_millis(100))
}

/// Whether a new builder tracks tasks: in debug builds only (it costs a
/// side-table entry per task; see [`Builder::task_tracking`]).
pub(super) fn default_task_tracking() -> bool {
    cfg!(debug_assertions)
}

impl Builder {
    /// Per-task tracking for task dumps: each task's poll count, the time
    /// since its last poll (or, while it is queued, since the wake that
    /// queued it), and the task whose `JoinHandle` it awaits. On by default
    /// in debug builds, off in release builds: the stamps live in a side
    /// table, not in every task's header, and keeping them costs about
    /// 1,100 instructions per task (its entry) and a shard lock per poll
    /// and per wake (measured with callgrind: a spawn-and-await goes from
    /// about 1,100 to 2,260 instructions). A dump without it still lists
    /// every task's id, name, spawn site and state. Not in Tokio.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .task_tracking(true)
    ///     .build()
    ///     .unwrap();
    /// let task = rt.spawn(std::future::pending::<()>());
    /// rt.block_on(runtime::task::yield_now());
    /// assert_eq!(rt.handle().dump().tasks()[0].polls(), 1);
    /// task.abort();
    /// ```
    pub fn task_tracking(&mut self, enabled: bool) -> &mut Self {
        self.config.observe.track_tasks = enabled;
        self
    }

    /// Calls `f` for each task spawned on this runtime, with its id and
    /// spawn site, just after it is created and before it first runs
    /// (`spawn` and `Handle::spawn`; not `spawn_blocking` or `LocalSet`
    /// tasks). As Tokio's (unstable there).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let spawned = Arc::new(AtomicUsize::new(0));
    /// let counter = spawned.clone();
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_task_spawn(move |_meta| {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async {
    ///     runtime::spawn(async {}).await.unwrap();
    ///     runtime::spawn(async {}).await.unwrap();
    /// });
    /// assert_eq!(spawned.load(Ordering::Relaxed), 2);
    /// ```
    pub fn on_task_spawn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.config.observe.on_task_spawn = Some(Arc::new(f));
        self
    }

    /// Calls `f` when a task of this runtime completes, panics or is
    /// cancelled, on the thread where that happens.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let done = Arc::new(AtomicUsize::new(0));
    /// let counter = done.clone();
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_task_terminate(move |_meta| {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// assert_eq!(done.load(Ordering::Relaxed), 1);
    /// ```
    pub fn on_task_terminate<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.config.observe.on_task_terminate = Some(Arc::new(f));
        self
    }

    /// Calls `f` on the worker thread just before each poll of a task.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let polls = Arc::new(AtomicUsize::new(0));
    /// let counter = polls.clone();
    /// let rt = runtime::Builder::new_current_thread()
    ///     .on_before_task_poll(move |_meta| {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async {
    ///     runtime::task::yield_now().await; // a second poll
    /// }))
    /// .unwrap();
    /// assert_eq!(polls.load(Ordering::Relaxed), 2);
    /// ```
    pub fn on_before_task_poll<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.config.observe.on_before_task_poll = Some(Arc::new(f));
        self
    }

    /// Calls `f` on the worker thread just after each poll of a task (not
    /// after a poll that gave its worker away with `block_in_place`).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let polls = Arc::new(AtomicUsize::new(0));
    /// let counter = polls.clone();
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(1)
    ///     .on_after_task_poll(move |_meta| {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// // Counted once the worker is back from the poll.
    /// while polls.load(Ordering::Relaxed) == 0 {
    ///     std::thread::yield_now();
    /// }
    /// ```
    pub fn on_after_task_poll<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.config.observe.on_after_task_poll = Some(Arc::new(f));
        self
    }

    /// Reports every task whose single poll runs longer than `threshold`
    /// (a blocking call inside async code), while it is still blocked: a
    /// watchdog thread looks at what each worker polls every
    /// `threshold / 8` (1 to 100 ms) and reports a poll once it has run
    /// for `threshold` plus at most two of those ticks. `spawn_blocking`
    /// closures and `block_in_place` sections are never reported.
    /// Reports go to [`on_long_poll`](Builder::on_long_poll) (default: one
    /// line on stderr, at most one a second).
    ///
    /// The default is 100 ms in debug builds and off in release builds.
    /// `Duration::ZERO` turns the detector off. Not in Tokio.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .warn_on_long_poll(Duration::from_millis(50))
    ///     .build()
    ///     .unwrap();
    /// // Prints something like "runtime: long poll: task 1 spawned at
    /// // src/main.rs:10:1 has been polled for 56 ms on worker 3 ...".
    /// rt.block_on(rt.spawn(async { std::thread::sleep(Duration::from_millis(100)) }))
    ///     .unwrap();
    /// ```
    pub fn warn_on_long_poll(&mut self, threshold: Duration) -> &mut Self {
        self.config.observe.long_poll = (!threshold.is_zero()).then_some(threshold);
        self
    }

    /// Where the long-poll detector's reports go (see
    /// [`warn_on_long_poll`](Builder::warn_on_long_poll)); `f` runs on the
    /// watchdog thread. Not in Tokio.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    ///
    /// let reports = Arc::new(Mutex::new(Vec::new()));
    /// let sink = reports.clone();
    /// let rt = runtime::Builder::new_current_thread()
    ///     .warn_on_long_poll(Duration::from_millis(30))
    ///     .on_long_poll(move |info: &runtime::runtime::LongPoll| {
    ///         sink.lock().unwrap().push(info.id());
    ///     })
    ///     .build()
    ///     .unwrap();
    /// let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(200)) });
    /// let id = task.id();
    /// rt.block_on(task).unwrap();
    /// assert_eq!(*reports.lock().unwrap(), [id]);
    /// ```
    pub fn on_long_poll<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&LongPoll) + Send + Sync + 'static,
    {
        self.config.observe.on_long_poll = Some(Arc::new(f));
        self
    }

    /// Times every poll (two clock reads each) to fill each worker's
    /// poll-time histogram, its mean poll time and each task's busy time
    /// (see [`RuntimeMetrics`](crate::runtime::RuntimeMetrics)). The
    /// buckets are those of
    /// [`metrics_poll_time_histogram_buckets`](Builder::metrics_poll_time_histogram_buckets),
    /// by default ten: under 100 µs, under 200 µs, ... doubling up to
    /// 25.6 ms, and the rest. As Tokio's (unstable there).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// let metrics = rt.metrics();
    /// assert!(metrics.poll_time_histogram_enabled());
    /// let polls: u64 = (0..metrics.poll_time_histogram_num_buckets())
    ///     .map(|b| metrics.poll_time_histogram_bucket_count(0, b))
    ///     .sum();
    /// assert_eq!(polls, 1);
    /// ```
    pub fn enable_metrics_poll_time_histogram(&mut self) -> &mut Self {
        if self.config.observe.poll_time_histogram.is_none() {
            let bounds = (0..9).map(|i| Duration::from_micros(100 << i)).collect();
            self.config.observe.poll_time_histogram = Some(bounds);
        }
        self
    }

    /// Sets the poll-time histogram's buckets by their upper bounds, in
    /// increasing order (a last, unbounded bucket is added), and enables
    /// it. Tokio configures the same with a `HistogramConfiguration`.
    ///
    /// # Panics
    ///
    /// If `bounds` is empty or not strictly increasing.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Builder::new_current_thread()
    ///     .metrics_poll_time_histogram_buckets(&[Duration::from_micros(50), Duration::from_millis(1)])
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 3);
    /// ```
    #[track_caller]
    pub fn metrics_poll_time_histogram_buckets(&mut self, bounds: &[Duration]) -> &mut Self {
        assert!(
            !bounds.is_empty() && bounds.windows(2).all(|w| w[0] < w[1]),
            "metrics_poll_time_histogram_buckets: give at least one bound, in strictly \
             increasing order"
        );
        self.config.observe.poll_time_histogram = Some(bounds.to_vec());
        self
    }

    /// Prints a task dump ([`Handle::dump`](crate::runtime::Handle::dump))
    /// to stderr each time the process receives `signal` (for example
    /// `libc::SIGUSR1`), as Go prints its goroutines on SIGQUIT. A thread
    /// of its own prints it, so it works when every worker is stuck. Not in
    /// Tokio; Unix only, with the `signal` feature.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .dump_on_signal(libc::SIGUSR1)
    ///     .build()
    ///     .unwrap();
    /// // `kill -USR1 <pid>` now prints this runtime's tasks.
    /// # drop(rt);
    /// ```
    #[cfg(all(unix, feature = "signal"))]
    pub fn dump_on_signal(&mut self, signal: i32) -> &mut Self {
        self.dump_signal = Some(signal);
        self
    }
}
