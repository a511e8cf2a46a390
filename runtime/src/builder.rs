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

    /// Builds the runtime, starting its worker threads.
    ///
    /// # Errors
    /// If the OS refuses to start a thread.
    pub fn build(&mut self) -> io::Result<Runtime> {
        let config = Config {
            worker_threads: self.config.worker_threads,
            thread_name: self.config.thread_name.clone(),
            thread_stack_size: self.config.thread_stack_size,
            max_blocking_threads: self.config.max_blocking_threads,
            blocking_keep_alive: self.config.blocking_keep_alive,
            on_thread_start: self.config.on_thread_start.clone(),
            on_thread_stop: self.config.on_thread_stop.clone(),
            park: None,
        };
        Runtime::from_executor(runtime_executor::Runtime::new(self.flavor, config)?)
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
