//! `Builder`: configures and builds a [`Runtime`].

use crate::driver;
use crate::Runtime;

mod observe;
use runtime_executor::{Config, Flavor};
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Builds a [`Runtime`] with custom settings, as Tokio's `runtime::Builder`.
///
/// ```
/// let rt = runtime::Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("my-worker")
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    flavor: Flavor,
    config: Config,
    #[cfg(feature = "time")]
    start_paused: bool,
    name: Option<String>,
    nevents: usize,
    nevents_busy: Option<usize>,
    /// `worker_threads` was called: the environment is not consulted.
    worker_threads_set: bool,
    /// `dump_on_signal` (`builder/observe.rs`).
    #[cfg(all(unix, feature = "signal"))]
    dump_signal: Option<i32>,
}

impl Builder {
    /// A builder for the multi-thread, work-stealing runtime (one worker per core).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread().build().unwrap();
    /// let on_worker = rt.block_on(async {
    ///     runtime::spawn(async { std::thread::current().id() }).await.unwrap()
    /// });
    /// assert_ne!(on_worker, std::thread::current().id()); // tasks run on workers
    /// ```
    pub fn new_multi_thread() -> Builder {
        Builder::new(Flavor::MultiThread)
    }

    /// A builder for the runtime that runs every task on the thread calling
    /// `block_on`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().build().unwrap();
    /// let on = rt.block_on(async {
    ///     runtime::spawn(async { std::thread::current().id() }).await.unwrap()
    /// });
    /// assert_eq!(on, std::thread::current().id()); // right here
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder::new(Flavor::CurrentThread)
    }

    fn new(flavor: Flavor) -> Builder {
        let mut config = Config::default();
        config.observe.long_poll = observe::default_long_poll();
        config.observe.track_tasks = observe::default_task_tracking();
        Builder {
            flavor,
            config,
            #[cfg(feature = "time")]
            start_paused: false,
            name: None,
            nevents: 1024,
            nevents_busy: None,
            worker_threads_set: false,
            #[cfg(all(unix, feature = "signal"))]
            dump_signal: None,
        }
    }

    /// Number of worker threads of the multi-thread runtime. Ignored by the
    /// current-thread runtime, as in Tokio.
    ///
    /// The default is the number of CPUs this process may run on, unless
    /// the `RUNTIME_WORKER_THREADS` environment variable (Tokio's
    /// `TOKIO_WORKER_THREADS`) holds a number of threads when the runtime is
    /// built; this method takes precedence over both.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `n` is 0.
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "worker_threads must be at least 1, got 0");
        self.config.worker_threads = n;
        self.worker_threads_set = true;
        self
    }

    /// Cap on threads in the blocking pool (default 512).
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .max_blocking_threads(1)
    ///     .build()
    ///     .unwrap();
    /// let (a, b) = rt.block_on(async {
    ///     let a = runtime::spawn_blocking(|| 1);
    ///     let b = runtime::spawn_blocking(|| 2); // waits for the one thread
    ///     (a.await.unwrap(), b.await.unwrap())
    /// });
    /// assert_eq!((a, b), (1, 2));
    /// assert!(rt.handle().num_blocking_threads() <= 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `n` is 0.
    #[track_caller]
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "max_blocking_threads must be at least 1, got 0");
        self.config.max_blocking_threads = n;
        self
    }

    /// Name of the runtime's threads (default `runtime-worker`).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .thread_name("app-worker")
    ///     .build()
    ///     .unwrap();
    /// let name = rt.block_on(async {
    ///     runtime::spawn(async { std::thread::current().name().map(String::from) })
    ///         .await
    ///         .unwrap()
    /// });
    /// assert_eq!(name.as_deref(), Some("app-worker"));
    /// ```
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Builder {
        let name = name.into();
        self.config.thread_name = Arc::new(move || name.clone());
        self
    }

    /// Names the runtime (not its threads: see
    /// [`thread_name`](Builder::thread_name)); [`Handle::name`](crate::Handle::name)
    /// returns it. Unnamed by default.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .name("ingest")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.handle().name(), Some("ingest"));
    /// let inside = rt.block_on(async { runtime::Handle::current().name().map(String::from) });
    /// assert_eq!(inside.as_deref(), Some("ingest"));
    /// ```
    ///
    /// # Panics
    ///
    /// If `name` is empty or only whitespace.
    #[track_caller]
    pub fn name(&mut self, name: impl Into<String>) -> &mut Builder {
        let name = name.into();
        assert!(
            !name.trim().is_empty(),
            "the runtime name must not be empty"
        );
        self.name = Some(name);
        self
    }

    /// A function naming each runtime thread as it starts.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// static NEXT: AtomicUsize = AtomicUsize::new(0);
    /// let rt = runtime::Builder::new_current_thread()
    ///     .thread_name_fn(|| format!("pool-{}", NEXT.fetch_add(1, Ordering::SeqCst)))
    ///     .build()
    ///     .unwrap();
    /// let task = rt.spawn_blocking(|| std::thread::current().name().map(String::from));
    /// let name = rt.block_on(task).unwrap();
    /// assert!(name.unwrap().starts_with("pool-"));
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.config.thread_name = Arc::new(f);
        self
    }

    /// Stack size of the runtime's threads, in bytes (default: std's, 2 MiB).
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .thread_stack_size(8 * 1024 * 1024)
    ///     .build()
    ///     .unwrap();
    ///
    /// // Recursion deeper than the default 2 MiB stack allows.
    /// fn depth(n: u32) -> u32 {
    ///     let frame = std::hint::black_box([0u8; 1024]);
    ///     if n == 0 { u32::from(frame[0]) } else { 1 + depth(n - 1) }
    /// }
    /// let task = rt.spawn(async { depth(2500) });
    /// assert_eq!(rt.block_on(task).unwrap(), 2500);
    /// ```
    pub fn thread_stack_size(&mut self, size: usize) -> &mut Builder {
        self.config.thread_stack_size = Some(size);
        self
    }

    /// How long an idle blocking thread waits for work before exiting (default 10 s).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = runtime::Builder::new_current_thread()
    ///     .thread_keep_alive(Duration::from_millis(10))
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { runtime::spawn_blocking(|| ()).await }).unwrap();
    /// std::thread::sleep(Duration::from_millis(300));
    /// assert_eq!(rt.handle().num_blocking_threads(), 0); // it exited
    /// ```
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Builder {
        self.config.blocking_keep_alive = duration;
        self
    }

    /// Runs `f` on every runtime thread when it starts.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let count = started.clone();
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_start(move || {
    ///         count.fetch_add(1, Ordering::SeqCst);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { runtime::spawn_blocking(|| ()).await }).unwrap();
    /// assert!(started.load(Ordering::SeqCst) >= 1);
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on every runtime thread just before it exits.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let stopped = Arc::new(AtomicUsize::new(0));
    /// let count = stopped.clone();
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_stop(move || {
    ///         count.fetch_add(1, Ordering::SeqCst);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// drop(rt); // shutdown joins the workers
    /// assert!(stopped.load(Ordering::SeqCst) >= 2);
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_stop = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a worker thread (or, for the current-thread runtime, the
    /// thread driving it) each time it is about to park, waiting for work.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let parks = Arc::new(AtomicUsize::new(0));
    /// let count = parks.clone();
    /// let rt = runtime::Builder::new_current_thread()
    ///     .enable_all()
    ///     .on_thread_park(move || {
    ///         count.fetch_add(1, Ordering::SeqCst);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_millis(5)).await });
    /// assert!(parks.load(Ordering::SeqCst) >= 1);
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` on a worker thread (or the thread driving a current-thread
    /// runtime) each time it wakes from a park.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let unparks = Arc::new(AtomicUsize::new(0));
    /// let count = unparks.clone();
    /// let rt = runtime::Builder::new_current_thread()
    ///     .enable_all()
    ///     .on_thread_unpark(move || {
    ///         count.fetch_add(1, Ordering::SeqCst);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_millis(5)).await });
    /// assert!(unparks.load(Ordering::SeqCst) >= 1);
    /// ```
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_unpark = Some(Arc::new(f));
        self
    }

    /// Scheduler ticks (tasks run) between two non-blocking looks at I/O
    /// and timers while tasks keep the runtime busy (default 61). Smaller
    /// values notice events sooner at the cost of more polling.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .event_interval(31)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `val` is 0.
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Builder {
        assert!(val > 0, "event_interval must be greater than 0");
        self.config.event_interval = val;
        self
    }

    /// Scheduler ticks between two checks of the shared queue (tasks
    /// spawned or woken from outside a worker) ahead of the worker's own
    /// queue (default 31). Smaller values serve outside work more fairly.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .global_queue_interval(7)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `val` is 0.
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Builder {
        assert!(val > 0, "global_queue_interval must be greater than 0");
        self.config.global_queue_interval = val;
        self
    }

    /// Most I/O events the reactor takes from the OS in one turn (default
    /// 1024); more wait for the next turn.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread()
    ///     .enable_all()
    ///     .max_io_events_per_tick(64)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    ///
    /// # Panics
    ///
    /// If `capacity` is 0.
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, capacity: usize) -> &mut Builder {
        assert!(capacity > 0, "max_io_events_per_tick must be non-zero");
        self.nevents = capacity;
        self
    }

    /// Most I/O events the reactor takes from the OS in a turn that does not
    /// wait: when the scheduler still has tasks to run (or a timer is already
    /// due) and only looks for new I/O in passing. Every task those events
    /// wake joins the queue, so a large batch under overload grows the queue
    /// (and every request's latency); a small busy batch leaves the rest in
    /// the kernel for later turns. A turn that waits still takes up to
    /// [`max_io_events_per_tick`](Builder::max_io_events_per_tick). Default:
    /// the same as `max_io_events_per_tick`.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .enable_all()
    ///     .max_io_events_per_tick(128)
    ///     .max_io_events_per_busy_tick(8)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 2 }), 2);
    /// ```
    ///
    /// # Panics
    ///
    /// If `capacity` is 0.
    #[track_caller]
    pub fn max_io_events_per_busy_tick(&mut self, capacity: usize) -> &mut Builder {
        assert!(capacity > 0, "max_io_events_per_busy_tick must be non-zero");
        self.nevents_busy = Some(capacity);
        self
    }

    /// Seeds every random choice the runtime makes: which branch a
    /// [`select!`](crate::select) polls first (on the runtime's threads) and
    /// the order in which idle workers look for work to steal. Two runtimes
    /// built with the same seed make the same choices for the same sequence
    /// of operations (same crate versions). Unstable in Tokio; stable here.
    ///
    /// ```
    /// use runtime::runtime::{Builder, RngSeed};
    ///
    /// let picks = |seed: &[u8]| {
    ///     let rt = Builder::new_current_thread()
    ///         .rng_seed(RngSeed::from_bytes(seed))
    ///         .build()
    ///         .unwrap();
    ///     rt.block_on(async {
    ///         let mut picks = String::new();
    ///         for _ in 0..32 {
    ///             runtime::select! {
    ///                 _ = async {} => picks.push('a'),
    ///                 _ = async {} => picks.push('b'),
    ///                 _ = async {} => picks.push('c'),
    ///             }
    ///         }
    ///         picks
    ///     })
    /// };
    /// assert_eq!(picks(b"one"), picks(b"one"));
    /// assert_ne!(picks(b"one"), picks(b"two"));
    /// ```
    pub fn rng_seed(&mut self, seed: crate::runtime::RngSeed) -> &mut Builder {
        self.config.rng_seed = seed;
        self
    }

    /// Turns off the LIFO slot of the multi-thread workers.
    ///
    /// By default, a task woken by the task running on a worker goes into
    /// that worker's LIFO slot and runs next, ahead of older queued tasks:
    /// a message passed from task to task is handled while it is still in
    /// the cache. The slot cannot be stolen, though, so a burst of such
    /// wake-ups can leave other workers idle and the queue waiting. Without
    /// it, every woken task goes to the back of the worker's queue, where
    /// it can be stolen. No effect on the current-thread runtime. Unstable
    /// in Tokio; stable here.
    ///
    /// ```
    /// let rt = runtime::Builder::new_multi_thread()
    ///     .disable_lifo_slot()
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { runtime::spawn(async { 5 }).await.unwrap() }), 5);
    /// ```
    pub fn disable_lifo_slot(&mut self) -> &mut Builder {
        self.config.disable_lifo_slot = true;
        self
    }

    /// What a panic in a spawned task does (default:
    /// [`UnhandledPanic::Ignore`](crate::runtime::UnhandledPanic::Ignore),
    /// the panic goes to the task's `JoinHandle` and the runtime goes on).
    /// With
    /// [`UnhandledPanic::ShutdownRuntime`](crate::runtime::UnhandledPanic::ShutdownRuntime),
    /// the first such panic shuts the runtime down at once, even if the
    /// task's `JoinHandle` is still held: every other task is cancelled and
    /// the running `block_on`, and every later one, panics. On a
    /// [`LocalRuntime`](crate::runtime::LocalRuntime) this covers its
    /// `spawn_local` tasks too. Unstable in Tokio; stable here.
    ///
    /// ```
    /// use runtime::runtime::{Builder, UnhandledPanic};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
    ///     .build()
    ///     .unwrap();
    /// rt.spawn(async { panic!("boom") });
    /// let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
    ///     rt.block_on(std::future::pending::<()>())
    /// }));
    /// assert!(outcome.is_err()); // `block_on` panicked instead of hanging
    /// ```
    ///
    /// # Panics
    ///
    /// With `ShutdownRuntime` on a builder from
    /// [`Builder::new_multi_thread`], as in Tokio: only the current-thread
    /// runtime supports it.
    #[track_caller]
    pub fn unhandled_panic(&mut self, behavior: crate::runtime::UnhandledPanic) -> &mut Builder {
        if self.flavor == Flavor::MultiThread
            && behavior == crate::runtime::UnhandledPanic::ShutdownRuntime
        {
            panic!(
                "UnhandledPanic::ShutdownRuntime is only supported in current thread runtime: \
                 build with Builder::new_current_thread() (or a LocalRuntime)"
            );
        }
        self.config.unhandled_panic = behavior;
        self
    }

    /// Accepted for Tokio compatibility: the drivers that the enabled
    /// features build (`time`, `net`, `signal`) are always on.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_millis(1)).await });
    /// ```
    pub fn enable_all(&mut self) -> &mut Builder {
        self
    }

    /// Accepted for Tokio compatibility: with the `net` or `signal` feature
    /// the I/O driver is always on. As in Tokio, only built with one of them.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// let listener = rt.block_on(runtime::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    /// assert_ne!(listener.local_addr().unwrap().port(), 0);
    /// ```
    #[cfg(any(feature = "net", feature = "signal"))]
    pub fn enable_io(&mut self) -> &mut Builder {
        self
    }

    /// Accepted for Tokio compatibility: with the `time` feature the timer
    /// driver is always on. As in Tokio, only built with that feature.
    ///
    /// ```
    /// let rt = runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_millis(1)).await });
    /// ```
    #[cfg(feature = "time")]
    pub fn enable_time(&mut self) -> &mut Builder {
        self
    }

    /// Starts the runtime with its clock paused (see [`crate::time::pause`]).
    /// Only the current-thread runtime supports it; `build` fails otherwise.
    ///
    /// ```
    /// use runtime::time::{sleep, Duration, Instant};
    ///
    /// let rt = runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     sleep(Duration::from_secs(86_400)).await; // a day, in no time
    ///     assert_eq!(start.elapsed(), Duration::from_secs(86_400));
    /// });
    ///
    /// let err = runtime::Builder::new_multi_thread().start_paused(true).build().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    #[cfg(feature = "time")]
    pub fn start_paused(&mut self, paused: bool) -> &mut Builder {
        self.start_paused = paused;
        self
    }

    /// Builds the runtime: its scheduler and their threads, and its reactor
    /// (I/O and timers) when a feature needs one (`time`, `net`, `signal`).
    ///
    /// The builder can build again: each `build` makes a new runtime.
    ///
    /// ```
    /// let mut builder = runtime::Builder::new_current_thread();
    /// let a = builder.build().unwrap();
    /// let b = builder.build().unwrap();
    /// assert_eq!(a.block_on(async { 1 }) + b.block_on(async { 1 }), 2);
    /// ```
    ///
    /// # Errors
    ///
    /// If the OS refuses a thread or a poller, or `start_paused` was set on a
    /// multi-thread runtime.
    pub fn build(&mut self) -> io::Result<Runtime> {
        #[cfg(feature = "time")]
        if self.start_paused && self.flavor == Flavor::MultiThread {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "start_paused needs the current_thread flavour: use Builder::new_current_thread()",
            ));
        }
        let mut worker_threads = self.config.worker_threads;
        if !self.worker_threads_set && self.flavor == Flavor::MultiThread {
            worker_threads = env_worker_threads().unwrap_or(worker_threads);
        }
        let mut config = Config {
            worker_threads,
            thread_name: self.config.thread_name.clone(),
            thread_stack_size: self.config.thread_stack_size,
            max_blocking_threads: self.config.max_blocking_threads,
            blocking_keep_alive: self.config.blocking_keep_alive,
            on_thread_start: self.config.on_thread_start.clone(),
            on_thread_stop: self.config.on_thread_stop.clone(),
            park: None,
            worker_park: None,
            blocking_count: None,
            event_interval: self.config.event_interval,
            global_queue_interval: self.config.global_queue_interval,
            on_thread_park: self.config.on_thread_park.clone(),
            on_thread_unpark: self.config.on_thread_unpark.clone(),
            rng_seed: self.config.rng_seed.clone(),
            disable_lifo_slot: self.config.disable_lifo_slot,
            unhandled_panic: self.config.unhandled_panic,
            observe: self.config.observe.clone(),
        };
        let events = driver::EventsCapacity {
            per_tick: self.nevents,
            per_busy_tick: self.nevents_busy,
        };
        let (reactor, driver) = driver::build(self.flavor, &mut config, events)?;
        let executor = runtime_executor::Runtime::new(self.flavor, config)?;
        let rt = Runtime::from_parts(executor, reactor, driver);
        if let Some(name) = &self.name {
            crate::handle::names::set(rt.handle(), name);
        }
        #[cfg(all(unix, feature = "signal"))]
        if let Some(signal) = self.dump_signal {
            crate::dump::install_signal_dump(rt.handle(), signal)?;
        }
        #[cfg(feature = "time")]
        if self.start_paused {
            let _enter = rt.enter();
            crate::time::pause();
        }
        Ok(rt)
    }

    /// Builds a [`LocalRuntime`](crate::runtime::LocalRuntime): a
    /// current-thread runtime, bound to this thread, on which
    /// [`spawn_local`](crate::task::spawn_local) works without a `LocalSet`.
    ///
    /// ```
    /// use runtime::runtime::{Builder, LocalOptions};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .enable_all()
    ///     .build_local(LocalOptions::default())
    ///     .unwrap();
    /// let rc = std::rc::Rc::new(7);
    /// assert_eq!(rt.block_on(rt.spawn_local(async move { *rc })).unwrap(), 7);
    /// ```
    ///
    /// # Panics
    ///
    /// On a builder from [`Builder::new_multi_thread`], as in Tokio.
    ///
    /// # Errors
    ///
    /// As [`build`](Builder::build).
    pub fn build_local(
        &mut self,
        _options: crate::runtime::LocalOptions,
    ) -> io::Result<crate::runtime::LocalRuntime> {
        if self.flavor == Flavor::MultiThread {
            panic!("multi_thread is not supported for LocalRuntime");
        }
        Ok(crate::local_runtime::LocalRuntime::from_runtime(
            self.build()?,
        ))
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("name", &self.name)
            .field("flavor", &self.flavor)
            .field("config", &self.config)
            .finish()
    }
}

/// The environment variable that sets the default number of workers of a
/// multi-thread runtime (Tokio's is `TOKIO_WORKER_THREADS`).
const WORKER_THREADS_ENV: &str = "RUNTIME_WORKER_THREADS";

/// The worker count `RUNTIME_WORKER_THREADS` asks for, if it is set.
///
/// # Panics
///
/// If it is set to anything but a positive integer: a deployment that
/// meant to size the pool would otherwise silently get the default.
fn env_worker_threads() -> Option<usize> {
    let value = std::env::var_os(WORKER_THREADS_ENV)?;
    match value.to_str().map(|v| v.trim().parse::<usize>()) {
        Some(Ok(n)) if n > 0 => Some(n),
        _ => panic!(
            "{WORKER_THREADS_ENV}={value:?}: expected a number of worker threads (at least 1); \
             unset it to get one worker per CPU"
        ),
    }
}
