//! The simulated network: hosts with addresses, links with latency and
//! faults, and the sockets `runtime::net` switches to inside a simulation.
//!
//! # Design
//!
//! One `Net` per simulation holds, under one lock, the hosts (name, address
//! `10.x.y.z`, up or down, incarnation), the cut links, the bound UDP
//! sockets and TCP listeners, and a queue of future events keyed by
//! (virtual time, sequence number). Sending never delivers at once: it draws
//! a latency (and the faults) from the network's own generator and queues an
//! event. The *pump*, a task of the simulation that belongs to no host,
//! sleeps on the reactor's timer until the earliest event, then delivers
//! every due one: so deliveries are ordinary timers to the simulation loop,
//! and virtual time jumps to them like to any sleep.
//!
//! TCP (`tcp.rs`) is a pair of byte queues per connection, in order and
//! without loss: a segment sent across a cut link is retransmitted every
//! 200 ms until the link is repaired, and one sent to a host that crashed
//! and restarted makes the sender's connection reset. UDP (`udp.rs`)
//! datagrams are lost, duplicated or delayed by the configured rates, and
//! lost for good across a cut link.
//!
//! Wakers are collected under the lock and woken after it is released.

pub(crate) mod tcp;
pub(crate) mod udp;

use crate::rng::Rng;
use crate::trace::Trace;
use runtime_core::lock::Mutex;
use runtime_reactor::time::{sleep_until, Duration, Instant};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::future::{poll_fn, Future};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

pub use tcp::{SimTcpListener, SimTcpStream};
pub use udp::SimUdpSocket;

/// Retransmission delay of a TCP segment that could not be delivered.
const RTO_MS: u64 = 200;

#[derive(Clone, Debug)]
pub(crate) struct NetConfig {
    pub(crate) latency: (u64, u64),
    pub(crate) udp_loss: f64,
    pub(crate) udp_duplicate: f64,
    pub(crate) udp_reorder: f64,
    pub(crate) tcp_refuse: f64,
    pub(crate) tcp_reset: f64,
    pub(crate) chaos_partitions: f64,
    pub(crate) connect_timeout: u64,
}

impl Default for NetConfig {
    fn default() -> NetConfig {
        NetConfig {
            latency: (1, 5),
            udp_loss: 0.0,
            udp_duplicate: 0.0,
            udp_reorder: 0.0,
            tcp_refuse: 0.0,
            tcp_reset: 0.0,
            chaos_partitions: 0.0,
            connect_timeout: 3000,
        }
    }
}

/// Counters of the simulated network's events and faults, from
/// [`Sim::net_stats`](crate::Sim::net_stats).
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(1).udp_loss(1.0).build().unwrap();
/// sim.client("test", async {
///     let socket = runtime::net::UdpSocket::bind("0.0.0.0:0").await.unwrap();
///     socket.send_to(b"lost", "test:9").await.unwrap();
/// });
/// sim.run().unwrap();
/// assert_eq!(sim.net_stats().udp_lost, 1);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetStats {
    /// Datagrams sent.
    pub udp_sent: u64,
    /// Datagrams delivered to a bound socket.
    pub udp_delivered: u64,
    /// Datagrams lost by the loss rate.
    pub udp_lost: u64,
    /// Datagrams sent twice by the duplication rate.
    pub udp_duplicated: u64,
    /// Datagrams held back by the reordering rate.
    pub udp_reordered: u64,
    /// Datagrams dropped on a cut link (partition).
    pub udp_partitioned: u64,
    /// TCP connections established.
    pub tcp_connected: u64,
    /// TCP connection attempts refused (nobody listening, or the refusal
    /// rate).
    pub tcp_refused: u64,
    /// Connection attempts that timed out (unreachable or partitioned host).
    pub tcp_timeouts: u64,
    /// Connections reset (the reset rate, a crashed peer, a closed end).
    pub tcp_resets: u64,
    /// TCP segments retransmitted because their link was cut.
    pub tcp_retransmits: u64,
    /// Random partitions or repairs made by chaos mode.
    pub chaos_events: u64,
}

struct HostNet {
    name: String,
    up: bool,
    /// Set while the host's sockets are being dropped by a crash: their
    /// connections reset instead of closing gracefully.
    crashing: bool,
    incarnation: u64,
    next_port: u16,
}

pub(crate) enum Event {
    Udp {
        to: SocketAddr,
        from: SocketAddr,
        src: usize,
        data: Vec<u8>,
    },
    /// The front segment of one direction of a connection is due.
    Tcp { conn: Arc<tcp::Conn>, dir: usize },
    /// A reset reaches side `side` of a connection.
    Rst { conn: Arc<tcp::Conn>, side: usize },
}

pub(crate) struct NetState {
    pub(crate) cfg: NetConfig,
    hosts: Vec<HostNet>,
    cut: BTreeSet<(usize, usize)>,
    pub(crate) listeners: BTreeMap<SocketAddr, Arc<tcp::ListenerShared>>,
    pub(crate) udp: BTreeMap<SocketAddr, Arc<udp::UdpShared>>,
    events: BTreeMap<(Instant, u64), Event>,
    seq: u64,
    pub(crate) rng: Rng,
    pump: Option<Waker>,
    /// The deadline the pump sleeps until, if it sleeps on one.
    pump_at: Option<Instant>,
    pub(crate) stats: NetStats,
}

/// The simulated network of one simulation.
pub(crate) struct Net {
    pub(crate) state: Mutex<NetState>,
    trace: Arc<Mutex<Trace>>,
    start: Instant,
}

/// The address of host `index`: 10.0.0.1, 10.0.0.2, ...
pub(crate) fn host_ip(index: usize) -> IpAddr {
    let n = index as u32 + 1;
    IpAddr::V4(Ipv4Addr::new(10, (n >> 16) as u8, (n >> 8) as u8, n as u8))
}

fn host_of_ip(ip: IpAddr) -> Option<usize> {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            if a != 10 {
                return None;
            }
            let n = (u32::from(b) << 16) | (u32::from(c) << 8) | u32::from(d);
            n.checked_sub(1).map(|i| i as usize)
        }
        IpAddr::V6(_) => None,
    }
}

impl Net {
    pub(crate) fn new(rng: Rng, cfg: NetConfig, trace: Arc<Mutex<Trace>>, start: Instant) -> Net {
        Net {
            trace,
            start,
            state: Mutex::new(NetState {
                cfg,
                hosts: Vec::new(),
                cut: BTreeSet::new(),
                listeners: BTreeMap::new(),
                udp: BTreeMap::new(),
                events: BTreeMap::new(),
                seq: 0,
                rng,
                pump: None,
                pump_at: None,
                stats: NetStats::default(),
            }),
        }
    }

    /// Records a network event in the run's trace: what happened (`what`
    /// names it in the text), between which hosts, how many bytes.
    pub(crate) fn record(&self, what: &'static str, src: usize, dst: usize, len: usize) {
        let at = crate::sim::millis(Instant::now().saturating_duration_since(self.start));
        let kind = what
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        self.trace
            .lock()
            .record(&[at, kind, src as u64, dst as u64, len as u64], |t| {
                let _ = write!(
                    t,
                    "{at:>8}ms net {what} {} -> {} {len}B",
                    src as i64, dst as i64
                );
            });
    }

    pub(crate) fn stats(&self) -> NetStats {
        self.state.lock().stats
    }

    pub(crate) fn add_host(&self, name: &str) {
        self.state.lock().hosts.push(HostNet {
            name: name.to_string(),
            up: false,
            crashing: false,
            incarnation: 0,
            next_port: 49152,
        });
    }

    pub(crate) fn host_up(&self, host: usize, incarnation: u64) {
        let mut st = self.state.lock();
        let h = &mut st.hosts[host];
        h.up = true;
        h.incarnation = incarnation;
    }

    /// `crashing = true` before the host's tasks are dropped, `false` after.
    pub(crate) fn host_down(&self, host: usize, crashing: bool) {
        let mut st = self.state.lock();
        let h = &mut st.hosts[host];
        h.up = false;
        h.crashing = crashing;
    }

    pub(crate) fn set_partition(&self, a: &[usize], b: &[usize], cut: bool) {
        let mut st = self.state.lock();
        for &x in a {
            for &y in b {
                if x != y {
                    let key = (x.min(y), x.max(y));
                    if cut {
                        st.cut.insert(key);
                    } else {
                        st.cut.remove(&key);
                    }
                }
            }
        }
    }

    /// Drops every queued event and binding (the simulation is going away).
    pub(crate) fn clear(&self) {
        let (events, listeners, udp, pump) = {
            let mut st = self.state.lock();
            st.pump_at = None;
            (
                std::mem::take(&mut st.events),
                std::mem::take(&mut st.listeners),
                std::mem::take(&mut st.udp),
                // The pump's waker holds its task, whose scheduler holds
                // the simulation's shared state, which holds this: a
                // cycle that would leak the whole simulation if kept.
                st.pump.take(),
            )
        };
        drop((events, listeners, udp, pump));
    }
}

impl NetState {
    pub(crate) fn linked(&self, a: usize, b: usize) -> bool {
        a == b || !self.cut.contains(&(a.min(b), a.max(b)))
    }

    pub(crate) fn is_up(&self, host: usize, incarnation: u64) -> bool {
        self.hosts
            .get(host)
            .is_some_and(|h| h.up && h.incarnation == incarnation)
    }

    pub(crate) fn incarnation(&self, host: usize) -> u64 {
        self.hosts.get(host).map_or(0, |h| h.incarnation)
    }

    pub(crate) fn crashing(&self, host: usize) -> bool {
        self.hosts.get(host).is_some_and(|h| h.crashing)
    }

    pub(crate) fn latency(&mut self) -> Duration {
        let (lo, hi) = self.cfg.latency;
        Duration::from_millis(self.rng.between(lo, hi))
    }

    pub(crate) fn ephemeral_port(&mut self, host: usize) -> u16 {
        let h = &mut self.hosts[host];
        let port = h.next_port;
        h.next_port = if port == u16::MAX { 49152 } else { port + 1 };
        port
    }

    /// The local address a socket of `host` binds for `requested`: the
    /// host's own address (whatever IP was asked for, e.g. 0.0.0.0), with
    /// the requested port or an ephemeral one.
    pub(crate) fn local_addr(&mut self, host: usize, requested: SocketAddr) -> SocketAddr {
        let port = match requested.port() {
            0 => self.ephemeral_port(host),
            p => p,
        };
        SocketAddr::new(host_ip(host), port)
    }

    /// Which host an address names: a simulated host's address, or the
    /// caller's own for a loopback or unspecified address.
    pub(crate) fn host_of(&self, from: usize, addr: SocketAddr) -> Option<usize> {
        let ip = addr.ip();
        if ip.is_loopback() || ip.is_unspecified() {
            return Some(from);
        }
        host_of_ip(ip).filter(|&h| h < self.hosts.len())
    }

    /// Queues `event` at `at`; returns the pump's waker when it must wake
    /// earlier than it planned.
    pub(crate) fn push(&mut self, at: Instant, event: Event) -> Option<Waker> {
        self.seq += 1;
        self.events.insert((at, self.seq), event);
        match self.pump_at {
            Some(planned) if planned <= at => None,
            _ => self.pump.take(),
        }
    }
}

/// Resolves `name` (a host name of the current simulation) to its address,
/// or `None` when the caller is not inside a simulation.
///
/// # Errors
///
/// `NotFound` when no host has that name.
///
/// ```
/// let mut sim = runtime::sim::Builder::new().seed(1).build().unwrap();
/// sim.host("db1", || async {});
/// sim.client("test", async {
///     let addrs: Vec<_> = runtime::net::lookup_host("db1:80").await.unwrap().collect();
///     assert_eq!(addrs, ["10.0.0.1:80".parse().unwrap()]);
///     assert!(runtime::net::lookup_host("nobody:80").await.is_err());
/// });
/// sim.run().unwrap();
/// ```
pub fn resolve(name: &str, port: u16) -> Option<io::Result<SocketAddr>> {
    let (shared, _) = crate::context::current()?;
    let st = shared.net.state.lock();
    Some(match st.hosts.iter().position(|h| h.name == name) {
        Some(i) => Ok(SocketAddr::new(host_ip(i), port)),
        None => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no simulated host named {name:?}"),
        )),
    })
}

/// The simulation's network pump (see the module docs): delivers due events,
/// then sleeps until the next one. With chaos partitions on, it also cuts
/// and repairs random links about once a simulated second.
pub(crate) fn pump(net: Arc<Net>) -> impl Future<Output = ()> {
    let far = Instant::now() + Duration::from_secs(86400 * 365 * 30);
    let mut sleep = Box::pin(sleep_until(far));
    let mut next_chaos = Instant::now() + Duration::from_secs(1);
    poll_fn(move |cx: &mut Context<'_>| loop {
        let now = Instant::now();
        if now >= next_chaos {
            chaos(&net, now);
            next_chaos = now + Duration::from_secs(1);
        }
        let due = {
            let mut st = net.state.lock();
            match st.events.first_key_value() {
                Some((&(at, _), _)) if at <= now => st.events.pop_first().map(|(_, e)| e),
                _ => None,
            }
        };
        if let Some(event) = due {
            deliver(&net, event, now);
            continue;
        }
        let next = {
            let st = net.state.lock();
            let chaos_on = st.cfg.chaos_partitions > 0.0;
            let event = st.events.first_key_value().map(|(&(at, _), _)| at);
            match (event, chaos_on) {
                (Some(at), true) => Some(at.min(next_chaos)),
                (Some(at), false) => Some(at),
                (None, true) => Some(next_chaos),
                (None, false) => None,
            }
        };
        match next {
            Some(at) => {
                if sleep.deadline() != at {
                    sleep.as_mut().reset(at);
                }
                if sleep.as_mut().poll(cx).is_ready() {
                    continue;
                }
            }
            None => {
                if sleep.deadline() != far {
                    // A fresh, never-polled sleep holds no timer: an idle
                    // network leaves the wheel empty, so a simulation where
                    // nothing else can happen is seen as deadlocked.
                    sleep = Box::pin(sleep_until(far));
                }
            }
        }
        let mut st = net.state.lock();
        st.pump = Some(cx.waker().clone());
        st.pump_at = next;
        return Poll::<()>::Pending;
    })
}

fn chaos(net: &Net, _now: Instant) {
    let mut st = net.state.lock();
    let rate = st.cfg.chaos_partitions;
    let n = st.hosts.len() as u64;
    if n < 2 || !st.rng.chance(rate) {
        return;
    }
    let a = st.rng.below(n) as usize;
    let b = (a + 1 + st.rng.below(n - 1) as usize) % n as usize;
    let key = (a.min(b), a.max(b));
    if !st.cut.remove(&key) {
        st.cut.insert(key);
    }
    st.stats.chaos_events += 1;
}

fn deliver(net: &Net, event: Event, now: Instant) {
    match event {
        Event::Udp {
            to,
            from,
            src,
            data,
        } => udp::deliver(net, to, from, src, data),
        Event::Tcp { conn, dir } => tcp::deliver(net, &conn, dir, now),
        Event::Rst { conn, side } => tcp::reset_side(net, &conn, side),
    }
}

// Unwind safety of the simulated sockets (which `runtime::net`'s types hold
// inside a simulation): a panic cannot leave a connection's, a listener's or
// the network's state half-updated where the caller could see it. That state
// sits behind runtime-internal locks, each held only for a few field updates
// that call no user code, so there is no critical section for an unwind to
// interrupt. The auto traits miss this only because the locks (parking_lot's,
// without poisoning) hold an `UnsafeCell`. The same reasoning, and the same
// impls, as the OS-backed sockets and Tokio's.
macro_rules! unwind_safe {
    ($($ty:ty),*) => {$(
        impl std::panic::UnwindSafe for $ty {}
        impl std::panic::RefUnwindSafe for $ty {}
    )*};
}
unwind_safe!(tcp::SimTcpStream, tcp::SimTcpListener, udp::SimUdpSocket);
