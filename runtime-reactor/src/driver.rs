//! The driver turn: wait for I/O or the next timer, then wake whoever is due.

use crate::handle::{Handle, WAKE_TOKEN};
use crate::io::poll_evented::split_token;
use crate::time::TimerShared;
use runtime_core::blocking_count::BlockingCount;
use runtime_core::{Park, Unpark};
use std::io;
use std::sync::atomic::Ordering::*;
use std::sync::Arc;
use std::task::Waker;
use std::thread;
use std::time::Duration;

/// Events read from the poller per turn. Borrowed from Tokio's I/O driver
/// (1024); a larger burst is simply read over more turns.
const EVENTS_PER_TURN: usize = 1024;

/// Owns the poller; turning it delivers I/O readiness and fires timers.
pub struct Driver {
    poll: mio::Poll,
    events: mio::Events,
    /// The smaller batch of a turn that does not wait, if one was set (see
    /// [`Driver::set_busy_events_capacity`]).
    busy_events: Option<mio::Events>,
    handle: Handle,
    /// Reused between turns, so delivering events allocates nothing.
    wake: Vec<Waker>,
    fired: Vec<Arc<TimerShared>>,
    /// Blocking-pool work in flight, with this driver's unparker: a paused
    /// clock does not auto-advance while the count is above zero (see
    /// [`Driver::set_blocking_count`]).
    blocking: Option<(Arc<BlockingCount>, Arc<dyn Unpark>)>,
}

impl Driver {
    /// A new reactor: its poller, wake-up channel, timer wheel and clock.
    pub fn new() -> io::Result<Driver> {
        Driver::with_events_capacity(EVENTS_PER_TURN)
    }

    /// As [`new`](Driver::new), with room for at most `capacity` I/O events
    /// per turn of the poller (default 1024; 0 counts as 1).
    ///
    /// ```
    /// let driver = runtime_reactor::Driver::with_events_capacity(16).unwrap();
    /// drop(driver);
    /// ```
    pub fn with_events_capacity(capacity: usize) -> io::Result<Driver> {
        let poll = mio::Poll::new()?;
        let waker = mio::Waker::new(poll.registry(), WAKE_TOKEN)?;
        let registry = poll.registry().try_clone()?;
        Ok(Driver {
            poll,
            events: mio::Events::with_capacity(capacity.max(1)),
            busy_events: None,
            handle: Handle::new(registry, waker),
            wake: Vec::new(),
            fired: Vec::new(),
            blocking: None,
        })
    }

    /// Takes at most `capacity` I/O events (0 counts as 1) in a turn that
    /// does not wait (a zero timeout: the scheduler still has tasks to run,
    /// or a timer is already due), instead of the full batch; the rest stay
    /// in the kernel for the next turn. Tokio's `max_io_events_per_busy_tick`:
    /// a busy scheduler that takes a large batch wakes more tasks than its
    /// queue holds.
    ///
    /// ```
    /// let mut driver = runtime_reactor::Driver::with_events_capacity(1024).unwrap();
    /// driver.set_busy_events_capacity(8);
    /// driver.turn(Some(std::time::Duration::ZERO)); // takes at most 8 events
    /// ```
    pub fn set_busy_events_capacity(&mut self, capacity: usize) {
        self.busy_events = Some(mio::Events::with_capacity(capacity.max(1)));
    }

    /// The handle resources and timers use.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Allows `time::pause` on this reactor (current-thread runtimes only).
    pub fn set_pausable(&self, pausable: bool) {
        self.handle.inner.clock.set_pausable(pausable);
    }

    /// Makes a paused clock wait for blocking-pool work: while `count` is
    /// above zero (a `spawn_blocking` closure is queued or running), an idle
    /// turn sleeps until the count drops to zero, instead of jumping the
    /// clock to the next timer, as Tokio does. The facade shares `count` with
    /// the runtime's blocking pool.
    ///
    /// ```
    /// use runtime_core::blocking_count::BlockingCount;
    /// use std::sync::Arc;
    ///
    /// let count = Arc::new(BlockingCount::new());
    /// let mut driver = runtime_reactor::Driver::new().unwrap();
    /// driver.set_blocking_count(count.clone());
    /// let _in_flight = count.start(); // the driver will not auto-advance now
    /// ```
    pub fn set_blocking_count(&mut self, count: Arc<BlockingCount>) {
        let unparker: Arc<dyn Unpark> = Arc::new(self.handle.clone());
        self.blocking = Some((count, unparker));
    }

    /// True unless blocking-pool work is in flight; if it is, the last of it
    /// to finish unparks this driver.
    fn blocking_idle(&self) -> bool {
        self.blocking
            .as_ref()
            .map_or(true, |(count, unparker)| count.idle_or_notify(unparker))
    }

    /// One turn: blocks until an I/O event, an unpark, the next timer, or
    /// `max_wait` (if given), whichever comes first; then wakes every task whose
    /// I/O became ready or whose timer is due.
    pub fn turn(&mut self, max_wait: Option<Duration>) {
        let inner = &self.handle.inner;
        // `next_wake` is stored before the timers lock is released: a `Sleep`
        // inserted after that reads it (after its own use of the lock) and
        // unparks us if its deadline is sooner. Stored after the unlock, a
        // `Sleep` could read the previous turn's value, skip the unpark, and
        // the driver would sleep past it (found by `time/loom_entry.rs`).
        let next_timer = {
            let timers = inner.timers.lock();
            let next = timers.wheel.next_expiration();
            inner.next_wake.store(next.unwrap_or(u64::MAX), Release);
            next
        };
        let clock = &inner.clock;
        let until_timer = next_timer.map(|tick| {
            clock
                .tick_instant(tick)
                .saturating_duration_since(clock.now())
        });
        let mut timeout = match (until_timer, max_wait) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // A paused clock would otherwise sleep forever on a timer: when the
        // runtime is idle, look for I/O without blocking, then jump the clock.
        let mut auto_advance = max_wait.is_none() && next_timer.is_some() && clock.is_paused();
        if auto_advance && !self.blocking_idle() {
            // Not idle: a blocking closure in flight may still wake a task
            // before the timer. Sleep until the last one finishes (it unparks
            // us) or I/O arrives; the paused timer's distance means nothing.
            auto_advance = false;
            timeout = None;
        }
        if auto_advance {
            timeout = Some(Duration::ZERO);
        }
        if !self.handle.begin_park() {
            // Unparked since the last turn: don't block.
            timeout = Some(Duration::ZERO);
        }
        let events = match (&mut self.busy_events, timeout == Some(Duration::ZERO)) {
            (Some(busy), true) => busy,
            _ => &mut self.events,
        };
        if let Err(e) = self.poll.poll(events, timeout) {
            // EINTR: a signal interrupted the wait; this turn simply delivers nothing.
            debug_assert_eq!(e.kind(), io::ErrorKind::Interrupted, "poll failed: {e}");
        }
        self.handle.end_park();

        let mut got_io = false;
        {
            let sources = inner.io.lock();
            let mut delivered = 0;
            for event in events.iter() {
                if event.token() == WAKE_TOKEN {
                    continue;
                }
                got_io = true;
                let (index, generation) = split_token(event.token());
                match sources.get(index) {
                    Some(io) if io.generation == generation => {
                        delivered += 1;
                        io.set_readiness(event, &mut self.wake)
                    }
                    // A source deregistered (and maybe its slot reused) after
                    // the event was queued.
                    _ => {}
                }
            }
            if delivered > 0 {
                // One driver at a time turns (it holds `&mut self`): a load
                // and a store, no read-modify-write.
                let total = inner.ready_events.load(Relaxed) + delivered;
                inner.ready_events.store(total, Relaxed);
            }
        }
        // Looked at again: a closure spawned during the poll (from outside the
        // runtime) counts too. The next turn then waits for it.
        let blocking_started = self
            .blocking
            .as_ref()
            .is_some_and(|(count, _)| count.in_flight() > 0);
        if auto_advance && !got_io && !blocking_started {
            if let Some(tick) = next_timer {
                clock.advance_to(clock.tick_instant(tick));
            }
        }
        self.handle
            .collect_due_timers(&mut self.fired, &mut self.wake);
        self.fired.clear();
        for waker in self.wake.drain(..) {
            waker.wake();
        }
    }

    /// Marks the reactor shut down and wakes every waiting resource and timer,
    /// so nothing waits forever on a reactor that no longer turns.
    pub fn shutdown(&mut self) {
        self.handle.shutdown();
    }
}

impl Handle {
    /// Marks the reactor shut down and wakes every waiting resource and timer:
    /// each then fails with "the runtime has shut down" instead of waiting
    /// forever. The owner of the driver calls it once nothing will turn it
    /// again (the facade does, for both flavours, when a runtime drops).
    /// Idempotent.
    pub fn shutdown(&self) {
        let inner = &self.inner;
        inner.shutdown.store(true, Release);
        let mut wake = Vec::new();
        for (_, io) in inner.io.lock().iter() {
            io.shutdown(&mut wake);
        }
        let mut fired = Vec::new();
        {
            let mut timers = inner.timers.lock();
            timers.wheel.poll(u64::MAX, &mut fired);
            for timer in fired.drain(..) {
                timer.fire(&mut wake);
            }
        }
        for waker in wake {
            waker.wake();
        }
    }

    /// Fires every timer due at the clock's current time, collecting wakers.
    pub(crate) fn collect_due_timers(
        &self,
        fired: &mut Vec<Arc<TimerShared>>,
        wake: &mut Vec<Waker>,
    ) {
        let now = self.inner.clock.now_tick();
        let mut timers = self.inner.timers.lock();
        timers.wheel.poll(now, fired);
        for timer in fired.iter() {
            timer.fire(wake);
        }
    }

    /// Fires due timers now, outside a driver turn (after `time::advance`).
    pub(crate) fn fire_due_timers(&self) {
        let mut fired = Vec::new();
        let mut wake = Vec::new();
        self.collect_due_timers(&mut fired, &mut wake);
        drop(fired);
        wake.into_iter().for_each(Waker::wake);
    }
}

impl Park for Driver {
    fn park(&mut self) {
        self.turn(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.turn(Some(timeout));
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        Arc::new(self.handle.clone())
    }
}

impl Unpark for Handle {
    fn unpark(&self) {
        Handle::unpark(self);
    }
}

/// The dedicated driver thread of a multi-thread runtime.
#[derive(Debug)]
pub struct DriverThread {
    handle: Handle,
    thread: Option<thread::JoinHandle<()>>,
}

impl DriverThread {
    /// Starts a thread named `name` that turns `driver` until shutdown.
    pub fn spawn(mut driver: Driver, name: String) -> io::Result<DriverThread> {
        let handle = driver.handle().clone();
        let thread = thread::Builder::new().name(name).spawn(move || {
            let stop = driver.handle().clone();
            while !stop.is_shutdown() {
                driver.turn(None);
            }
            driver.shutdown();
        })?;
        Ok(DriverThread {
            handle,
            thread: Some(thread),
        })
    }

    /// Stops the thread (waking every waiting resource and timer) and joins it.
    pub fn shutdown(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.handle.inner.shutdown.store(true, Release);
            self.handle.unpark();
            // The driver loop contains no user code; a panic there is a bug we
            // must not turn into a double panic during runtime drop.
            let _ = thread.join();
        }
    }
}

impl Drop for DriverThread {
    fn drop(&mut self) {
        self.shutdown();
    }
}
