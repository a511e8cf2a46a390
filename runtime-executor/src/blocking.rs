//! The blocking pool behind `spawn_blocking`.
//!
//! Blocking closures run as ordinary tasks (so `JoinHandle`, abort and panic
//! capture work unchanged) whose single poll runs the closure. Threads are
//! started on demand up to `max_blocking_threads`, wait `keep_alive` for more
//! work when idle, then retire. At shutdown the pool takes no new closures;
//! running and queued ones run to completion, as in Tokio, and are waited
//! for (indefinitely on drop, or up to the `shutdown_timeout`), since a
//! thread cannot be interrupted.
//!
//! A pool built with a [`BlockingCount`](runtime_core::blocking_count) in its
//! `Config` (the facade gives one to current-thread runtimes,
//! whose clock can be paused) counts each closure as in flight from its spawn
//! until its task has completed, its `JoinHandle` woken, or it was cancelled:
//! a guard travels with the queued task and is dropped after it ran, on every
//! path (panics included). The paused clock does not auto-advance while the
//! count is above zero, as in Tokio.

use crate::context;
use crate::{Config, Handle};
use runtime_core::blocking_count::{BlockingCount, BlockingGuard};
use runtime_core::lock::{Condvar, Mutex};
use runtime_core::{coop, JoinHandle, Notified, Schedule, Task};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

thread_local! {
    /// The pool whose thread this is (its address), so a shutdown started on
    /// one of the pool's own threads does not wait for itself.
    static CURRENT_POOL: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

pub(crate) struct BlockingPool {
    pool: Arc<Pool>,
}

struct Pool {
    state: Mutex<State>,
    /// Idle threads wait here for work.
    work_cv: Condvar,
    /// `shutdown` waits here for the last thread to exit.
    exit_cv: Condvar,
    /// The runtime pool threads enter, so `Handle::current()` works in closures.
    /// Taken at shutdown, which breaks the `Handle -> pool -> Handle` cycle.
    handle: Mutex<Option<Handle>>,
    max_threads: usize,
    keep_alive: Duration,
    thread_name: Arc<dyn Fn() -> String + Send + Sync>,
    stack_size: Option<usize>,
    on_thread_start: Option<Arc<dyn Fn() + Send + Sync>>,
    on_thread_stop: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Closures in flight, for the paused clock (see the module docs); `None`
    /// when the pool was built without a count.
    in_flight: Option<Arc<BlockingCount>>,
}

/// A queued closure's task, and its place in the in-flight count.
struct Job {
    task: Notified<BlockingSchedule>,
    /// Dropped only after the task ran or was cancelled, so the count covers
    /// the output's delivery too (the driver must not jump the clock between
    /// a closure's end and its `JoinHandle`'s wake-up). A field, so unwinding
    /// drops it as well.
    _in_flight: Option<BlockingGuard>,
}

impl Job {
    /// Runs the task (which completes it), then leaves the count.
    fn run(self) {
        self.task.run();
    }

    /// Cancels the queued task (completing its `JoinHandle`), then leaves the
    /// count.
    fn cancel(self) {
        self.task.cancel();
    }
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    num_threads: usize,
    num_idle: usize,
    /// Idle threads woken for queued work that have not yet noticed it.
    num_notify: usize,
    shutdown: bool,
    threads: HashMap<usize, thread::JoinHandle<()>>,
    next_id: usize,
    /// The task each busy thread runs (by thread id), for task dumps: a
    /// reference to it, dropped when the thread is done with it.
    running: HashMap<usize, Task<BlockingSchedule>>,
}

/// The `Schedule` of blocking tasks. A blocking task is queued once, at spawn,
/// and its single poll always completes it, so `schedule` only ever sees it
/// if that changes; it then queues it like a new one.
#[derive(Clone)]
struct BlockingSchedule(Arc<Pool>);

impl Schedule for BlockingSchedule {
    fn schedule(&self, task: Notified<Self>) {
        // Not expected (see above); such a re-queue was counted at spawn.
        Pool::push(
            &self.0,
            Job {
                task,
                _in_flight: None,
            },
        );
    }

    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }
}

/// Runs the closure on its first poll.
struct BlockingTask<F>(Option<F>);

impl<F> Unpin for BlockingTask<F> {}

impl<F: FnOnce() -> R, R> Future for BlockingTask<F> {
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let f = self
            .0
            .take()
            .expect("blocking task polled after completion");
        // A blocking closure is not a cooperative task: no budget applies.
        Poll::Ready(coop::unconstrained(f))
    }
}

impl BlockingPool {
    pub(crate) fn new(config: &Config) -> BlockingPool {
        BlockingPool {
            pool: Arc::new(Pool {
                state: Mutex::new(State::default()),
                work_cv: Condvar::new(),
                exit_cv: Condvar::new(),
                handle: Mutex::new(None),
                max_threads: config.max_blocking_threads,
                keep_alive: config.blocking_keep_alive,
                thread_name: config.thread_name.clone(),
                stack_size: config.thread_stack_size,
                on_thread_start: config.on_thread_start.clone(),
                on_thread_stop: config.on_thread_stop.clone(),
                in_flight: config.blocking_count.clone(),
            }),
        }
    }

    /// Sets the runtime handle pool threads enter.
    pub(crate) fn set_handle(&self, handle: Handle) {
        *self.pool.handle.lock() = Some(handle);
    }

    #[track_caller]
    pub(crate) fn spawn<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, notified, join) =
            runtime_core::spawn(BlockingTask(Some(f)), BlockingSchedule(self.pool.clone()));
        // Not kept in an owned list: a queued closure is cancelled from the queue
        // at shutdown, and a running one cannot be interrupted anyway.
        drop(task);
        // Counted from here: queued work counts as in flight.
        let in_flight = self.pool.in_flight.as_ref().map(BlockingCount::start);
        Pool::push(
            &self.pool,
            Job {
                task: notified,
                _in_flight: in_flight,
            },
        );
        join
    }

    /// Closures waiting for a thread.
    pub(crate) fn queue_depth(&self) -> usize {
        self.pool.state.lock().queue.len()
    }

    /// Threads waiting for work.
    pub(crate) fn num_idle_threads(&self) -> usize {
        self.pool.state.lock().num_idle
    }

    /// Calls `f` with every queued (`false`) and running (`true`) closure's
    /// task, under the pool's lock (for task dumps; `f` runs no user code).
    pub(crate) fn for_each_task(&self, mut f: impl FnMut(runtime_core::TaskInfo<'_>, bool)) {
        let state = self.pool.state.lock();
        for job in state.running.values() {
            f(job.info(), true);
        }
        for job in &state.queue {
            f(job.task.task().info(), false);
        }
    }

    /// Number of pool threads alive (for tests and diagnostics).
    pub(crate) fn num_threads(&self) -> usize {
        self.pool.state.lock().num_threads
    }

    /// Stops taking closures and waits, up to `timeout`, for the threads to
    /// finish the running and queued ones.
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) {
        let pool = &*self.pool;
        let mut state = pool.state.lock();
        if state.shutdown {
            return;
        }
        state.shutdown = true;
        // Closures already queued still run, as in Tokio: the threads drain
        // the queue before they exit, so a `JoinHandle` awaited after the
        // shutdown gets its result. Only with no thread left to run them
        // (none could be started) are they cancelled here.
        let queued = if state.num_threads == 0 {
            std::mem::take(&mut state.queue)
        } else {
            VecDeque::new()
        };
        pool.work_cv.notify_all();
        drop(state);
        let handle = pool.handle.lock().take();
        // Cancelling runs destructors: do it outside the lock.
        queued.into_iter().for_each(Job::cancel);
        drop(handle);

        let deadline = timeout.map(|t| Instant::now() + t);
        // A runtime dropped inside `spawn_blocking` shuts down on one of this
        // pool's threads: wait for the others only, never for ourselves.
        // `try_with`: this runs in `Runtime::drop`, maybe during thread-local
        // destruction (a runtime kept in a thread-local).
        let on_own_thread =
            CURRENT_POOL.try_with(|p| p.get()).unwrap_or(0) == pool as *const Pool as usize;
        let myself = usize::from(on_own_thread);
        let mut state = pool.state.lock();
        while state.num_threads > myself {
            match deadline {
                None => pool.exit_cv.wait(&mut state),
                Some(deadline) => {
                    if pool.exit_cv.wait_until(&mut state, deadline).timed_out() {
                        break;
                    }
                }
            }
        }
        // Our own thread is detached, not joined: it is busy running this.
        let all_exited = state.num_threads == 0 && !on_own_thread;
        let threads = std::mem::take(&mut state.threads);
        drop(state);
        if all_exited {
            for (_, t) in threads {
                let _ = t.join();
            }
        }
        // Otherwise the stragglers are detached: they finish their closure and exit.
    }
}

impl Pool {
    fn push(self: &Arc<Pool>, job: Job) {
        let mut state = self.state.lock();
        if state.shutdown {
            drop(state);
            return job.cancel();
        }
        state.queue.push_back(job);
        if state.num_idle > 0 {
            state.num_idle -= 1;
            state.num_notify += 1;
            self.work_cv.notify_one();
        } else if state.num_threads < self.max_threads {
            let id = state.next_id;
            state.next_id += 1;
            match self.spawn_thread(id) {
                Ok(handle) => {
                    state.num_threads += 1;
                    state.threads.insert(id, handle);
                }
                Err(e) if state.num_threads == 0 => {
                    panic!(
                        "the OS refused to start a blocking-pool thread, and none is running: {e}"
                    )
                }
                // Existing threads will get to the queued closure.
                Err(_) => {}
            }
        }
        // Otherwise every thread is busy and the pool is at its limit: the
        // closure waits in the queue for the next free thread.
    }

    fn spawn_thread(self: &Arc<Pool>, id: usize) -> std::io::Result<thread::JoinHandle<()>> {
        let mut builder = thread::Builder::new().name((self.thread_name)());
        if let Some(size) = self.stack_size {
            builder = builder.stack_size(size);
        }
        let pool = self.clone();
        builder.spawn(move || pool.run(id))
    }

    fn run(&self, id: usize) {
        if let Some(f) = &self.on_thread_start {
            f();
        }
        let handle = self.handle.lock().clone();
        let guard = handle.map(context::set_handle);
        CURRENT_POOL.with(|p| p.set(self as *const Pool as usize));
        let mut state = self.state.lock();
        'work: loop {
            while let Some(job) = state.queue.pop_front() {
                state.running.insert(id, job.task.task().clone_ref());
                drop(state);
                job.run();
                state = self.state.lock();
                let done = state.running.remove(&id);
                if done.is_some() {
                    // Dropping the last reference frees the task: not under
                    // the lock (it may run the output's destructor).
                    drop(state);
                    drop(done);
                    state = self.state.lock();
                }
            }
            if state.shutdown {
                break;
            }
            state.num_idle += 1;
            loop {
                let timed_out = self
                    .work_cv
                    .wait_for(&mut state, self.keep_alive)
                    .timed_out();
                if state.num_notify > 0 {
                    // `push` took us off the idle count when it notified us.
                    state.num_notify -= 1;
                    continue 'work;
                }
                if state.shutdown {
                    // Run what is still queued, then exit (above).
                    state.num_idle -= 1;
                    continue 'work;
                }
                if timed_out {
                    // Idle for `keep_alive`: retire, detaching our own handle.
                    state.num_idle -= 1;
                    state.threads.remove(&id);
                    break 'work;
                }
            }
        }
        state.num_threads -= 1;
        if state.shutdown {
            // A shutdown on one of our threads waits for all but itself.
            self.exit_cv.notify_all();
        }
        drop(state);
        drop(guard);
        if let Some(f) = &self.on_thread_stop {
            f();
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::{Flavor, Runtime};
    use std::sync::mpsc;

    /// Waits (up to 5 s) for the count to read `n`: a guard is dropped just
    /// after its task completed, so a moment after the `JoinHandle` is ready.
    fn wait_for(count: &BlockingCount, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while count.in_flight() != n {
            assert!(Instant::now() < deadline, "in flight: {count:?}, want {n}");
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn in_flight_count_covers_queued_running_panicking_and_cancelled_closures() {
        let count = Arc::new(BlockingCount::new());
        let config = Config {
            max_blocking_threads: 1,
            blocking_count: Some(count.clone()),
            ..Config::default()
        };
        let rt = Runtime::new(Flavor::CurrentThread, config).unwrap();

        // Running (and then panicking), and queued behind it.
        let (go, wait) = mpsc::channel::<()>();
        let panics = rt.handle().spawn_blocking(move || {
            let _ = wait.recv();
            panic!("boom");
        });
        let queued = rt.handle().spawn_blocking(|| 5);
        assert_eq!(count.in_flight(), 2);
        go.send(()).unwrap();
        assert!(rt.block_on(panics).unwrap_err().is_panic());
        assert_eq!(rt.block_on(queued).unwrap(), 5);
        wait_for(&count, 0);

        // At shutdown: the running one is detached and the queued one runs
        // after it; both are counted until they return.
        let (go, wait) = mpsc::channel::<()>();
        let running = rt.handle().spawn_blocking(move || {
            let _ = wait.recv();
        });
        let queued = rt.handle().spawn_blocking(|| 6);
        assert_eq!(count.in_flight(), 2);
        rt.shutdown_timeout(Duration::from_millis(10));
        assert_eq!(count.in_flight(), 2);
        go.send(()).unwrap();
        wait_for(&count, 0);
        let other = Runtime::new(Flavor::CurrentThread, Config::default()).unwrap();
        assert!(other.block_on(running).is_ok());
        assert_eq!(other.block_on(queued).unwrap(), 6);
    }

    #[test]
    fn a_pool_built_without_a_count_counts_nothing() {
        let rt = Runtime::new(Flavor::CurrentThread, Config::default()).unwrap();
        assert!(rt.handle().blocking().pool.in_flight.is_none());
        rt.block_on(rt.handle().spawn_blocking(|| ())).unwrap();
    }
}
