//! `Builder`: configures and builds a [`Runtime`].

use crate::Runtime;
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
    start_paused: bool,
}

impl Builder {
    /// A builder for the multi-thread, work-stealing runtime (one worker per core).
    pub fn new_multi_thread() -> Builder {
        Builder::new(Flavor::MultiThread)
    }

    /// A builder for the runtime that runs every task on the thread calling
    /// `block_on`.
    pub fn new_current_thread() -> Builder {
        Builder::new(Flavor::CurrentThread)
    }

    fn new(flavor: Flavor) -> Builder {
        Builder {
            flavor,
            config: Config::default(),
            start_paused: false,
        }
    }

    /// Number of worker threads of the multi-thread runtime (default: the number
    /// of cores). Ignored by the current-thread runtime, as in Tokio.
    ///
    /// # Panics
    /// If `n` is 0.
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "worker_threads must be at least 1, got 0");
        self.config.worker_threads = n;
        self
    }

    /// Cap on threads in the blocking pool (default 512).
    ///
    /// # Panics
    /// If `n` is 0.
    #[track_caller]
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "max_blocking_threads must be at least 1, got 0");
        self.config.max_blocking_threads = n;
        self
    }

    /// Name of the runtime's threads (default `runtime-worker`).
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Builder {
        let name = name.into();
        self.config.thread_name = Arc::new(move || name.clone());
        self
    }

    /// A function naming each runtime thread as it starts.
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.config.thread_name = Arc::new(f);
        self
    }

    /// Stack size of the runtime's threads.
    pub fn thread_stack_size(&mut self, size: usize) -> &mut Builder {
        self.config.thread_stack_size = Some(size);
        self
    }

    /// How long an idle blocking thread waits for work before exiting (default 10 s).
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Builder {
        self.config.blocking_keep_alive = duration;
        self
    }

    /// Runs `f` on every runtime thread when it starts.
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on every runtime thread just before it exits.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.config.on_thread_stop = Some(Arc::new(f));
        self
    }

    /// Accepted for Tokio compatibility: the drivers are always enabled.
    pub fn enable_all(&mut self) -> &mut Builder {
        self
    }

    /// Accepted for Tokio compatibility: the I/O driver is always enabled.
    pub fn enable_io(&mut self) -> &mut Builder {
        self
    }

    /// Accepted for Tokio compatibility: the timer driver is always enabled.
    pub fn enable_time(&mut self) -> &mut Builder {
        self
    }

    /// Starts the runtime with its clock paused (see [`crate::time::pause`]).
    /// Only the current-thread runtime supports it; `build` fails otherwise.
    pub fn start_paused(&mut self, paused: bool) -> &mut Builder {
        self.start_paused = paused;
        self
    }

    /// Builds the runtime: its reactor (I/O and timers), its scheduler and
    /// their threads.
    ///
    /// # Errors
    /// If the OS refuses a thread or a poller, or `start_paused` was set on a
    /// multi-thread runtime.
    pub fn build(&mut self) -> io::Result<Runtime> {
        if self.start_paused && self.flavor == Flavor::MultiThread {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "start_paused needs the current_thread flavour: use Builder::new_current_thread()",
            ));
        }
        let driver = runtime_reactor::Driver::new()?;
        let reactor = driver.handle().clone();
        // Every runtime thread (workers, blocking threads) uses this reactor.
        let user_start = self.config.on_thread_start.clone();
        let entering = reactor.clone();
        let on_thread_start: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            entering.enter_for_thread();
            if let Some(f) = &user_start {
                f();
            }
        });
        let mut config = Config {
            worker_threads: self.config.worker_threads,
            thread_name: self.config.thread_name.clone(),
            thread_stack_size: self.config.thread_stack_size,
            max_blocking_threads: self.config.max_blocking_threads,
            blocking_keep_alive: self.config.blocking_keep_alive,
            on_thread_start: Some(on_thread_start),
            on_thread_stop: self.config.on_thread_stop.clone(),
            park: None,
            worker_park: None,
        };
        let shared_driver = match self.flavor {
            Flavor::CurrentThread => {
                // The scheduler thread turns the driver whenever it parks.
                driver.set_pausable(true);
                config.park = Some(Box::new(driver));
                None
            }
            Flavor::MultiThread => {
                // A worker about to sleep turns the driver; a backstop thread
                // turns it when none does.
                let shared = runtime_reactor::SharedDriver::new(driver, "runtime-driver".into())?;
                let mut parkers: Vec<_> = (0..config.worker_threads)
                    .map(|_| shared.worker_parker())
                    .collect();
                config.worker_park = Some(Box::new(move || {
                    let parker = parkers.pop().expect("one parker per worker");
                    Box::new(parker) as Box<dyn runtime_executor::Park>
                }));
                Some(shared)
            }
        };
        let executor = runtime_executor::Runtime::new(self.flavor, config)?;
        let rt = Runtime::from_parts(executor, reactor, shared_driver);
        if self.start_paused {
            let _enter = rt.enter();
            crate::time::pause();
        }
        Ok(rt)
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("config", &self.config)
            .finish()
    }
}
