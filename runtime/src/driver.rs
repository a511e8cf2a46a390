//! The I/O and timer driver, as the facade wires it into a runtime.
//!
//! `runtime-reactor` (the poller, the timer wheel, signal delivery) is built
//! only when a feature that needs it is on: `time`, `net` or `signal`, each
//! of which turns on the internal `driver` feature. That is Tokio's model:
//! `rt-multi-thread` alone schedules tasks, with no poller, no timer thread
//! and none of their crates, which is what a program that only spawns needs.
//!
//! This file is the one place that knows which build it is in. With the
//! driver, every runtime gets a reactor: each runtime thread enters its
//! context (so sockets and timers find it), the current-thread scheduler parks
//! in the driver itself, and each multi-thread worker parks in the shared
//! driver slot (`runtime_reactor::SharedDriver`). Without it, the same calls
//! exist and do nothing, and the schedulers park on their own thread parkers.
//!
//! A current-thread runtime, whose clock can be paused, also gets a
//! `runtime_core::blocking_count::BlockingCount` shared by its driver and its
//! blocking pool, so the paused clock does not auto-advance while
//! `spawn_blocking` work is in flight (as in Tokio); it reaches the pool
//! through the executor's `Config::blocking_count`.

pub(crate) use imp::{build, is_shutdown_error, Driver, DriverEnter, DriverHandle};

/// How many I/O events a turn takes: `Builder::max_io_events_per_tick` and
/// `Builder::max_io_events_per_busy_tick` (for turns that do not wait).
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(feature = "driver"), allow(dead_code))] // no reactor to size
pub(crate) struct EventsCapacity {
    pub(crate) per_tick: usize,
    pub(crate) per_busy_tick: Option<usize>,
}

#[cfg(feature = "driver")]
mod imp {
    use runtime_core::blocking_count::BlockingCount;
    use runtime_executor::{Config, Flavor};
    use std::io;
    use std::sync::Arc;

    /// Whether `err` came from an I/O resource whose runtime shut down.
    pub(crate) fn is_shutdown_error(err: &io::Error) -> bool {
        runtime_reactor::io::is_shutdown_error(err)
    }

    /// The part of the driver the runtime owns: for the multi-thread flavour,
    /// the shared slot and its backstop thread. The current-thread driver
    /// lives in the scheduler's parker instead.
    pub(crate) struct Driver {
        shared: Option<runtime_reactor::SharedDriver>,
    }

    /// A runtime's reactor, held by its `Handle`.
    #[derive(Clone)]
    pub(crate) struct DriverHandle(runtime_reactor::Handle);

    /// Keeps the reactor's context entered on this thread.
    pub(crate) type DriverEnter = runtime_reactor::EnterGuard;

    /// Makes the reactor of a new runtime and hands the scheduler its parkers
    /// (in `config`); every runtime thread enters the reactor on start.
    pub(crate) fn build(
        flavor: Flavor,
        config: &mut Config,
        events: super::EventsCapacity,
    ) -> io::Result<(DriverHandle, Driver)> {
        let mut driver = runtime_reactor::Driver::with_events_capacity(events.per_tick)?;
        if let Some(busy) = events.per_busy_tick {
            driver.set_busy_events_capacity(busy);
        }
        // Runtime-agnostic crates (runtime-sync's `send_timeout`) sleep
        // through this hook; the sleep finds the current runtime's timer.
        #[cfg(feature = "time")]
        runtime_core::timer_hook::install(|duration| {
            Box::pin(runtime_reactor::time::sleep(duration))
        });
        let reactor = driver.handle().clone();
        let user_start = config.on_thread_start.take();
        let entering = reactor.clone();
        config.on_thread_start = Some(Arc::new(move || {
            entering.enter_for_thread();
            if let Some(f) = &user_start {
                f();
            }
        }));
        let shared = match flavor {
            Flavor::CurrentThread => {
                // The scheduler thread turns the driver whenever it parks.
                driver.set_pausable(true);
                // The paused clock waits for blocking-pool work.
                let count = Arc::new(BlockingCount::new());
                driver.set_blocking_count(count.clone());
                config.blocking_count = Some(count);
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
        Ok((DriverHandle(reactor), Driver { shared }))
    }

    impl Driver {
        /// Stops the backstop thread, if any. Call after the scheduler stopped.
        pub(crate) fn shutdown(&mut self) {
            if let Some(mut shared) = self.shared.take() {
                shared.shutdown();
            }
        }
    }

    impl DriverHandle {
        #[track_caller]
        pub(crate) fn current() -> DriverHandle {
            DriverHandle(runtime_reactor::Handle::current())
        }

        pub(crate) fn try_current() -> Option<DriverHandle> {
            runtime_reactor::Handle::try_current().map(DriverHandle)
        }

        pub(crate) fn enter(&self) -> DriverEnter {
            self.0.enter()
        }

        /// Host-name lookups of the net types run on `executor`'s blocking
        /// pool; `None` drops that reference (a cycle) at shutdown.
        pub(crate) fn set_blocking_pool(&self, executor: Option<runtime_executor::Handle>) {
            self.0.set_blocking_spawner(executor.map(|executor| {
                let spawn = move |job: Box<dyn FnOnce() + Send>| drop(executor.spawn_blocking(job));
                Arc::new(spawn) as runtime_reactor::BlockingSpawner
            }));
        }

        /// Fails whatever still waits on the reactor (resources and timers
        /// that outlive the runtime) instead of leaving it hanging: the
        /// current-thread driver lives in the scheduler's parker, which never
        /// shuts it down.
        pub(crate) fn shutdown(&self) {
            self.0.shutdown();
        }

        /// I/O readiness events delivered so far (a metric).
        pub(crate) fn io_ready_count(&self) -> u64 {
            self.0.io_ready_count()
        }

        /// Timers waiting in the wheel (a metric).
        pub(crate) fn num_timers(&self) -> usize {
            self.0.num_timers()
        }
    }
}

#[cfg(not(feature = "driver"))]
mod imp {
    use runtime_executor::{Config, Flavor};
    use std::io;

    /// No driver, no I/O resources: no error comes from a shutdown.
    pub(crate) fn is_shutdown_error(_: &io::Error) -> bool {
        false
    }

    /// No driver is built: nothing to own.
    pub(crate) struct Driver;

    /// No driver is built: nothing to hold.
    #[derive(Clone)]
    pub(crate) struct DriverHandle;

    /// No driver is built: nothing to enter.
    #[derive(Debug)]
    pub(crate) struct DriverEnter;

    /// The scheduler keeps its own thread parkers.
    pub(crate) fn build(
        _: Flavor,
        _: &mut Config,
        _: super::EventsCapacity,
    ) -> io::Result<(DriverHandle, Driver)> {
        Ok((DriverHandle, Driver))
    }

    impl Driver {
        pub(crate) fn shutdown(&mut self) {}
    }

    impl DriverHandle {
        pub(crate) fn current() -> DriverHandle {
            DriverHandle
        }

        pub(crate) fn try_current() -> Option<DriverHandle> {
            Some(DriverHandle)
        }

        pub(crate) fn enter(&self) -> DriverEnter {
            DriverEnter
        }

        /// No driver: no I/O events.
        pub(crate) fn io_ready_count(&self) -> u64 {
            0
        }

        /// No driver: no timers.
        pub(crate) fn num_timers(&self) -> usize {
            0
        }

        pub(crate) fn set_blocking_pool(&self, _: Option<runtime_executor::Handle>) {}

        pub(crate) fn shutdown(&self) {}
    }
}
