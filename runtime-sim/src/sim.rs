//! `Sim`: the seeded single-thread scheduler loop, hosts and their crashes,
//! and the verdict of a run.
//!
//! One step runs one ready task, picked uniformly among the ready ones by the
//! scheduling generator (so interleavings differ by seed and repeat for one
//! seed). When nothing is ready the loop turns the reactor, whose clock is
//! paused: it jumps straight to the next timer (a `sleep`, a `timeout`, or a
//! network delivery, which the network pump waits for with a timer too) and
//! fires it. No timer and nothing ready means nothing can ever run again: a
//! deadlock, reported as a failure.

use crate::builder::Config;
use crate::context;
use crate::net::Net;
use crate::rng::Rng;
use crate::sched::{HostSched, Ready};
use crate::trace::Trace;
use runtime_core::lock::Mutex;
use runtime_core::spawn_hook::{self, HookScheduler};
use runtime_core::JoinHandle;
use runtime_reactor::time::{Duration, Instant};
use runtime_reactor::Driver;
use std::fmt;

pub use crate::report::{HostResult, Hosts, SimError};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

/// State shared by the loop, the host schedulers and the simulated sockets.
pub(crate) struct Shared {
    pub(crate) seed: u64,
    pub(crate) ready: Mutex<Vec<Ready>>,
    pub(crate) select_rng: Mutex<Rng>,
    /// The generator of [`crate::random_u64`], for test bodies.
    pub(crate) user_rng: Mutex<Rng>,
    pub(crate) trace: Arc<Mutex<Trace>>,
    pub(crate) net: Arc<Net>,
    /// Crashes, restarts, partitions asked for from inside hosts; applied by
    /// the loop after the current step.
    pub(crate) control: Mutex<Vec<Control>>,
    failure: Mutex<Option<Failure>>,
    /// Clients whose body has not finished yet.
    clients_left: Mutex<usize>,
    pub(crate) start: Instant,
}

impl Shared {
    pub(crate) fn fail(&self, failure: Failure) {
        let mut slot = self.failure.lock();
        if slot.is_none() {
            *slot = Some(failure);
        }
    }

    pub(crate) fn now_ms(&self) -> u64 {
        millis(Instant::now().saturating_duration_since(self.start))
    }
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A change of the world asked for from inside a host.
pub(crate) enum Control {
    Crash(String),
    Bounce(String),
    Partition(Vec<String>, Vec<String>),
    Repair(Vec<String>, Vec<String>),
}

/// Why a run failed.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    Panic { host: usize, message: String },
    HostError { host: usize, message: String },
    TimeLimit,
    Deadlock,
}

type HostFn = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>>>>>;

struct Host {
    name: String,
    /// The host's function (`None` for a client, which runs once).
    factory: Option<HostFn>,
    sched: Option<Arc<HostSched>>,
    incarnation: u64,
    /// The client body's handle (kept so the output is dropped here).
    _main: Option<JoinHandle<Result<(), String>>>,
}

/// A deterministic simulation: hosts, clients, a virtual clock and a
/// simulated network, all run on the calling thread by a seeded scheduler.
///
/// Build it with [`Builder`](crate::Builder), add hosts and at least one
/// client, then [`run`](Sim::run) it: the run ends when every client's body
/// has finished, or fails (panic, host error, deadlock, simulated time
/// limit) with a [`SimError`] that names the seed.
///
/// ```
/// use runtime::time::{sleep, Duration, Instant};
///
/// let mut sim = runtime::sim::Builder::new().seed(7).build().unwrap();
/// sim.client("test", async {
///     let start = Instant::now();
///     sleep(Duration::from_secs(300)).await; // virtual: no real minutes pass
///     assert_eq!(start.elapsed(), Duration::from_secs(300));
/// });
/// sim.run().unwrap();
/// ```
pub struct Sim {
    shared: Arc<Shared>,
    hosts: Vec<Host>,
    /// The network pump's scheduler (never crashed).
    net_sched: Arc<HostSched>,
    limit: Duration,
    steps: u64,
    /// The scheduling generator.
    rng: Rng,
    // Dropped last: timers and sockets of the tasks deregister from it.
    driver: Driver,
    _not_send: PhantomData<*const ()>,
}

impl Sim {
    pub(crate) fn new(config: Config) -> std::io::Result<Sim> {
        let driver = Driver::new()?;
        driver.set_pausable(true);
        let start = {
            let _reactor = driver.handle().enter();
            runtime_reactor::time::pause();
            Instant::now()
        };
        let trace_file = match &config.trace_file {
            Some(path) => Some(std::fs::File::create(path)?),
            None => None,
        };
        let seed = config.seed;
        let trace = Arc::new(Mutex::new(Trace::new(config.keep_trace, trace_file)));
        let shared = Arc::new(Shared {
            seed,
            ready: Mutex::new(Vec::new()),
            select_rng: Mutex::new(Rng::new(seed, 3)),
            user_rng: Mutex::new(Rng::new(seed, 4)),
            trace: trace.clone(),
            net: Arc::new(Net::new(
                Rng::new(seed, 2),
                config.net.clone(),
                trace,
                start,
            )),
            control: Mutex::new(Vec::new()),
            failure: Mutex::new(None),
            clients_left: Mutex::new(0),
            start,
        });
        let net_sched = HostSched::new(context::NO_HOST, 0, shared.clone());
        let mut sim = Sim {
            shared,
            hosts: Vec::new(),
            net_sched,
            limit: config.limit,
            steps: 0,
            rng: Rng::new(seed, 1),
            driver,
            _not_send: PhantomData,
        };
        sim.start_pump();
        Ok(sim)
    }

    fn start_pump(&mut self) {
        let net = self.shared.net.clone();
        let scheduler = HookScheduler(self.net_sched.clone());
        let _reactor = self.driver.handle().enter();
        // SAFETY: the network's tasks are polled and dropped by this `Sim`,
        // which is `!Send`, on this thread.
        drop(unsafe { spawn_hook::spawn_local_on(&scheduler, crate::net::pump(net)) });
    }

    /// The seed of this simulation.
    ///
    /// ```
    /// let sim = runtime::sim::Builder::new().seed(5).build().unwrap();
    /// assert_eq!(sim.seed(), 5);
    /// ```
    pub fn seed(&self) -> u64 {
        self.shared.seed
    }

    /// Adds a host named `name`, running `f()`. Its code uses `runtime::net`,
    /// `runtime::time` and `runtime::spawn` as in production; other hosts
    /// reach it by name (`"db1:5000"`). [`crash`](Sim::crash) drops its
    /// tasks and sockets; [`bounce`](Sim::bounce) then runs `f()` again.
    ///
    /// The future may return `()` or a `Result`: an `Err` fails the run.
    ///
    /// ```
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.host("server", || async {
    ///     let listener = TcpListener::bind("0.0.0.0:7000").await.unwrap();
    ///     while let Ok((mut socket, _)) = listener.accept().await {
    ///         let mut buf = [0; 5];
    ///         socket.read_exact(&mut buf).await.unwrap();
    ///         socket.write_all(&buf).await.unwrap();
    ///     }
    /// });
    /// sim.client("client", async {
    ///     let mut s = TcpStream::connect("server:7000").await.unwrap();
    ///     s.write_all(b"hello").await.unwrap();
    ///     let mut buf = [0; 5];
    ///     s.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"hello");
    /// });
    /// sim.run().unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// If a host of that name exists.
    pub fn host<F, Fut>(&mut self, name: &str, f: F)
    where
        F: Fn() -> Fut + 'static,
        Fut: Future + 'static,
        Fut::Output: HostResult,
    {
        let factory: HostFn = Rc::new(move || {
            let fut = f();
            Box::pin(async move { fut.await.into_host_result() })
        });
        let index = self.add(name, Some(factory.clone()));
        self.start(index, factory(), false);
    }

    /// Adds a client: a host that runs `future` once. The run ends when every
    /// client's body has finished. Clients cannot be crashed.
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.client("test", async { runtime::time::sleep(std::time::Duration::from_secs(1)).await });
    /// sim.run().unwrap();
    /// assert_eq!(sim.elapsed(), std::time::Duration::from_secs(1));
    /// ```
    ///
    /// # Panics
    ///
    /// If a host of that name exists.
    pub fn client<Fut>(&mut self, name: &str, future: Fut)
    where
        Fut: Future + 'static,
        Fut::Output: HostResult,
    {
        let index = self.add(name, None);
        *self.shared.clients_left.lock() += 1;
        self.start(
            index,
            Box::pin(async move { future.await.into_host_result() }),
            true,
        );
    }

    fn add(&mut self, name: &str, factory: Option<HostFn>) -> usize {
        assert!(
            self.index_of(name).is_none(),
            "a host named {name:?} already exists in this simulation: give each host its own name"
        );
        self.shared.net.add_host(name);
        self.hosts.push(Host {
            name: name.to_string(),
            factory,
            sched: None,
            incarnation: 0,
            _main: None,
        });
        self.hosts.len() - 1
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.hosts.iter().position(|h| h.name == name)
    }

    #[track_caller]
    fn expect_host(&self, name: &str) -> usize {
        match self.index_of(name) {
            Some(i) => i,
            None => {
                panic!("no host named {name:?} in this simulation: add it with Sim::host first")
            }
        }
    }

    fn start(
        &mut self,
        index: usize,
        body: Pin<Box<dyn Future<Output = Result<(), String>>>>,
        client: bool,
    ) {
        let host = &mut self.hosts[index];
        host.incarnation += 1;
        let sched = HostSched::new(index, host.incarnation, self.shared.clone());
        host.sched = Some(sched.clone());
        self.shared.net.host_up(index, host.incarnation);
        let shared = self.shared.clone();
        let main = async move {
            let result = body.await;
            if let Err(message) = &result {
                shared.fail(Failure::HostError {
                    host: index,
                    message: message.clone(),
                });
            }
            if client {
                *shared.clients_left.lock() -= 1;
            }
            result
        };
        let _reactor = self.driver.handle().enter();
        // SAFETY: the host's tasks are polled and dropped by this `Sim`,
        // which is `!Send`, on this thread.
        let join = unsafe { spawn_hook::spawn_local_on(&HookScheduler(sched), main) };
        let at = self.shared.now_ms();
        self.shared
            .trace
            .lock()
            .record(&[at, 1, index as u64], |t| {
                t.push_str(&format!("{at:>8}ms start host {index}"))
            });
        self.hosts[index]._main = client.then_some(join);
    }

    /// Crashes host `name`: its tasks are cancelled and its sockets dropped
    /// at once; peers see connections reset (when they can still reach it)
    /// or time out, and its listeners refuse. Nothing runs on it until
    /// [`bounce`](Sim::bounce). Also callable from inside the simulation, as
    /// [`crate::crash`].
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.host("db1", || async { std::future::pending::<()>().await });
    /// sim.crash("db1");
    /// assert!(!sim.is_up("db1"));
    /// sim.bounce("db1");
    /// assert!(sim.is_up("db1"));
    /// ```
    ///
    /// # Panics
    ///
    /// If no host has that name, or it is a client.
    #[track_caller]
    pub fn crash(&mut self, name: &str) {
        let index = self.expect_host(name);
        assert!(
            self.hosts[index].factory.is_some(),
            "host {name:?} is a client: clients cannot be crashed (use Sim::host for a crashable host)"
        );
        let Some(sched) = self.hosts[index].sched.take() else {
            return;
        };
        let _reactor = self.driver.handle().enter();
        self.shared.net.host_down(index, true);
        sched.owned.close_and_shutdown_all();
        let dropped: Vec<Ready> = {
            let mut ready = self.shared.ready.lock();
            let (gone, keep) = std::mem::take(&mut *ready)
                .into_iter()
                .partition(|r| r.host == index);
            *ready = keep;
            gone
        };
        drop(dropped);
        self.shared.net.host_down(index, false);
        let at = self.shared.now_ms();
        self.shared
            .trace
            .lock()
            .record(&[at, 2, index as u64], |t| {
                t.push_str(&format!("{at:>8}ms crash host {index} ({name})"))
            });
    }

    /// Restarts host `name`: crashes it if it is up, then runs its function
    /// again (a new incarnation, with fresh sockets).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let starts = Arc::new(AtomicUsize::new(0));
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// let s = starts.clone();
    /// sim.host("db1", move || {
    ///     s.fetch_add(1, Ordering::SeqCst);
    ///     std::future::pending::<()>()
    /// });
    /// sim.bounce("db1");
    /// assert_eq!(starts.load(Ordering::SeqCst), 2);
    /// ```
    ///
    /// # Panics
    ///
    /// If no host has that name, or it is a client.
    #[track_caller]
    pub fn bounce(&mut self, name: &str) {
        self.crash(name);
        let index = self.expect_host(name);
        let factory = self.hosts[index].factory.clone().expect("checked by crash");
        let _reactor = self.driver.handle().enter();
        let body = factory();
        self.start(index, body, false);
    }

    /// True when host `name` is running (not crashed).
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.host("db1", || async {});
    /// assert!(sim.is_up("db1"));
    /// ```
    #[track_caller]
    pub fn is_up(&self, name: &str) -> bool {
        self.hosts[self.expect_host(name)].sched.is_some()
    }

    /// Cuts every link between the hosts of `a` and those of `b` (both
    /// directions): datagrams are lost, TCP segments are retransmitted until
    /// [`repair`](Sim::repair), connection attempts time out.
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.host("a", || async {});
    /// sim.host("b", || async {});
    /// sim.partition("a", "b");
    /// sim.repair("a", "b");
    /// ```
    #[track_caller]
    pub fn partition(&mut self, a: impl Hosts, b: impl Hosts) {
        let (a, b) = (self.indices(a), self.indices(b));
        self.shared.net.set_partition(&a, &b, true);
    }

    /// Restores the links that [`partition`](Sim::partition) cut.
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.host("a", || async {});
    /// sim.host("b", || async {});
    /// sim.host("c", || async {});
    /// sim.partition(["a"], ["b", "c"]);
    /// sim.repair(["a"], ["b", "c"]);
    /// ```
    #[track_caller]
    pub fn repair(&mut self, a: impl Hosts, b: impl Hosts) {
        let (a, b) = (self.indices(a), self.indices(b));
        self.shared.net.set_partition(&a, &b, false);
    }

    #[track_caller]
    fn indices(&self, hosts: impl Hosts) -> Vec<usize> {
        hosts.names().iter().map(|n| self.expect_host(n)).collect()
    }

    fn apply_control(&mut self) {
        loop {
            let ops = std::mem::take(&mut *self.shared.control.lock());
            if ops.is_empty() {
                return;
            }
            for op in ops {
                match op {
                    Control::Crash(name) => self.crash(&name),
                    Control::Bounce(name) => self.bounce(&name),
                    Control::Partition(a, b) => self.partition(a, b),
                    Control::Repair(a, b) => self.repair(a, b),
                }
            }
        }
    }

    /// Runs the simulation until every client has finished (`Ok`), or until
    /// it fails: a panic in any host, a host function returning an error, a
    /// deadlock (nothing ready and no timer left), or the simulated time
    /// limit ([`Builder::duration`](crate::Builder::duration)).
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// sim.client("test", async {
    ///     let h = runtime::spawn(async { 6 * 7 });
    ///     assert_eq!(h.await.unwrap(), 42);
    /// });
    /// sim.run().unwrap();
    /// assert!(sim.steps() >= 2);
    /// ```
    ///
    /// # Panics
    ///
    /// If no client was added.
    pub fn run(&mut self) -> Result<(), SimError> {
        assert!(
            self.hosts.iter().any(|h| h.factory.is_none()),
            "Sim::run needs a client: add the test body with Sim::client(name, future)"
        );
        let _reactor = self.driver.handle().enter();
        let _sim = context::enter(self.shared.clone());
        let result = self.run_loop();
        self.shared.trace.lock().flush();
        result.map_err(|failure| self.error(failure))
    }

    fn run_loop(&mut self) -> Result<(), Failure> {
        let result = loop {
            self.apply_control();
            if let Some(failure) = self.shared.failure.lock().take() {
                break Err(failure);
            }
            if *self.shared.clients_left.lock() == 0 {
                break Ok(());
            }
            let next = {
                let mut ready = self.shared.ready.lock();
                let len = ready.len() as u64;
                (len > 0).then(|| {
                    let pick = self.rng.below(len);
                    (ready.swap_remove(pick as usize), pick, len)
                })
            };
            match next {
                Some((ready, pick, len)) => {
                    self.steps += 1;
                    let at = self.shared.now_ms();
                    let host = ready.host;
                    self.shared
                        .trace
                        .lock()
                        .record(&[at, pick, len, host as u64], |t| {
                            t.push_str(&format!(
                                "{at:>8}ms step {} host {} pick {pick}/{len}",
                                self.steps, host as i64
                            ))
                        });
                    let sched = if host == context::NO_HOST {
                        self.net_sched.clone()
                    } else {
                        match &self.hosts[host].sched {
                            Some(s) if s.incarnation == ready.incarnation => s.clone(),
                            // Queued before a crash: cancelled already.
                            _ => continue,
                        }
                    };
                    context::set_host(host);
                    let _hook = spawn_hook::enter(HookScheduler(sched));
                    ready.task.run();
                }
                None => {
                    let elapsed = Instant::now().saturating_duration_since(self.shared.start);
                    if elapsed >= self.limit {
                        break Err(Failure::TimeLimit);
                    }
                    if self.driver.handle().num_timers() == 0 {
                        break Err(Failure::Deadlock);
                    }
                    self.driver.turn(None);
                    // A jump past the limit fails before anything runs there.
                    if Instant::now().saturating_duration_since(self.shared.start) > self.limit {
                        break Err(Failure::TimeLimit);
                    }
                }
            }
        };
        context::set_host(context::NO_HOST);
        result
    }

    fn error(&self, failure: Failure) -> SimError {
        let name = |host: usize| {
            self.hosts
                .get(host)
                .map_or("<network>".to_string(), |h| h.name.clone())
        };
        let reason = match failure {
            Failure::Panic { host, message } => {
                format!("host {:?} panicked: {message}", name(host))
            }
            Failure::HostError { host, message } => {
                format!("host {:?} returned an error: {message}", name(host))
            }
            Failure::TimeLimit => format!(
                "the simulated time limit ({:?}) was reached before every client finished",
                self.limit
            ),
            Failure::Deadlock => "deadlock: no task is ready and no timer is pending, \
                                  so nothing can ever run again"
                .to_string(),
        };
        SimError {
            seed: self.shared.seed,
            reason,
            at: self.elapsed(),
            trace_hash: self.trace_hash(),
        }
    }

    /// Scheduling steps (task polls) run so far.
    ///
    /// ```
    /// let sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// assert_eq!(sim.steps(), 0);
    /// ```
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Simulated time since the simulation was built.
    ///
    /// ```
    /// let sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// assert_eq!(sim.elapsed(), std::time::Duration::ZERO);
    /// ```
    pub fn elapsed(&self) -> Duration {
        let _reactor = self.driver.handle().enter();
        Instant::now().saturating_duration_since(self.shared.start)
    }

    /// The hash of the trace so far: every scheduling decision, network
    /// event, crash and note. Equal for equal seeds (and programs).
    ///
    /// ```
    /// let hash = |seed| {
    ///     let mut sim = runtime::sim::Builder::new().seed(seed).build().unwrap();
    ///     sim.client("test", async { runtime::task::yield_now().await });
    ///     sim.run().unwrap();
    ///     sim.trace_hash()
    /// };
    /// assert_eq!(hash(4), hash(4));
    /// ```
    pub fn trace_hash(&self) -> u64 {
        self.shared.trace.lock().hash()
    }

    /// The trace's text so far, when [`Builder::keep_trace`](crate::Builder::keep_trace)
    /// was set (empty otherwise, or when it goes to a file); taking it
    /// empties it.
    ///
    /// ```
    /// let mut sim = runtime::sim::Builder::new().seed(1).keep_trace(true).build().unwrap();
    /// sim.client("test", async { runtime::sim::note("hello") });
    /// sim.run().unwrap();
    /// assert!(sim.take_trace().contains("note hello"));
    /// ```
    pub fn take_trace(&mut self) -> String {
        self.shared.trace.lock().take_text()
    }

    /// Counters of the network's events and faults so far.
    ///
    /// ```
    /// let sim = runtime::sim::Builder::new().seed(1).build().unwrap();
    /// assert_eq!(sim.net_stats().udp_sent, 0);
    /// ```
    pub fn net_stats(&self) -> crate::NetStats {
        self.shared.net.stats()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _reactor = self.driver.handle().enter();
        for host in &mut self.hosts {
            if let Some(sched) = host.sched.take() {
                sched.owned.close_and_shutdown_all();
            }
            host._main = None;
        }
        self.net_sched.owned.close_and_shutdown_all();
        let ready = std::mem::take(&mut *self.shared.ready.lock());
        drop(ready);
        self.shared.net.clear();
        self.driver.shutdown();
    }
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim")
            .field("seed", &self.shared.seed)
            .field(
                "hosts",
                &self.hosts.iter().map(|h| &h.name).collect::<Vec<_>>(),
            )
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}
