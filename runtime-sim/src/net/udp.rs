//! Simulated UDP: datagrams with latency, loss, duplication and reordering.

use super::{host_ip, Event, Net};
use crate::context::{self, NO_HOST};
use runtime_core::lock::Mutex;
use runtime_reactor::time::{Duration, Instant};
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Datagrams a socket holds unread before new ones are dropped.
const QUEUE: usize = 1024;

pub(crate) struct UdpShared {
    addr: SocketAddr,
    state: Mutex<UdpState>,
}

#[derive(Default)]
struct UdpState {
    queue: VecDeque<(Vec<u8>, SocketAddr)>,
    reader: Option<Waker>,
    peer: Option<SocketAddr>,
}

/// A UDP socket on the simulated network; `runtime::net::UdpSocket` uses it
/// inside a simulation.
pub struct SimUdpSocket {
    net: Arc<Net>,
    host: usize,
    shared: Arc<UdpShared>,
}

impl SimUdpSocket {
    /// Binds `addr` (its port; the address is the host's own).
    ///
    /// # Errors
    ///
    /// `AddrInUse` when the port is taken; `Unsupported` outside a host.
    pub fn bind(addr: SocketAddr) -> io::Result<SimUdpSocket> {
        let (net, host) = match context::current() {
            Some((shared, host)) if host != NO_HOST => (shared.net.clone(), host),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "simulated sockets are created inside a host of a running simulation",
                ))
            }
        };
        let shared = {
            let mut st = net.state.lock();
            let local = st.local_addr(host, addr);
            if st.udp.contains_key(&local) {
                return Err(io::ErrorKind::AddrInUse.into());
            }
            let shared = Arc::new(UdpShared {
                addr: local,
                state: Mutex::new(UdpState::default()),
            });
            st.udp.insert(local, shared.clone());
            shared
        };
        Ok(SimUdpSocket { net, host, shared })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// Sets the default destination (and the only accepted source).
    pub fn connect(&self, peer: SocketAddr) {
        self.shared.state.lock().peer = Some(peer);
    }

    /// The connected peer.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.shared.state.lock().peer
    }

    /// Sends one datagram to `target` (it may be lost, duplicated or delayed
    /// on the way); always succeeds at once, as a real send usually does.
    pub fn send_to(&self, data: &[u8], target: SocketAddr) -> usize {
        let mut wakes = Vec::new();
        let mut fates = Vec::new();
        {
            let mut st = self.net.state.lock();
            st.stats.udp_sent += 1;
            let Some(dst) = st.host_of(self.host, target) else {
                fates.push(("udp-unroutable", 0));
                drop(st);
                self.trace(&fates, NO_HOST, data.len());
                return data.len();
            };
            let to = SocketAddr::new(host_ip(dst), target.port());
            let cfg = st.cfg.clone();
            if !st.linked(self.host, dst) {
                st.stats.udp_partitioned += 1;
                fates.push(("udp-partitioned", dst));
            } else if st.rng.chance(cfg.udp_loss) {
                st.stats.udp_lost += 1;
                fates.push(("udp-lost", dst));
            } else {
                let copies = if st.rng.chance(cfg.udp_duplicate) {
                    st.stats.udp_duplicated += 1;
                    fates.push(("udp-duplicated", dst));
                    2
                } else {
                    1
                };
                for _ in 0..copies {
                    let mut latency = st.latency();
                    if st.rng.chance(cfg.udp_reorder) {
                        st.stats.udp_reordered += 1;
                        fates.push(("udp-reordered", dst));
                        let extra = st.rng.between(1, 4 * cfg.latency.1.max(1));
                        latency += Duration::from_millis(extra);
                    }
                    let event = Event::Udp {
                        to,
                        from: self.shared.addr,
                        src: self.host,
                        data: data.to_vec(),
                    };
                    if let Some(w) = st.push(Instant::now() + latency, event) {
                        wakes.push(w);
                    }
                }
                fates.push(("udp-send", dst));
            }
        }
        let dst = fates.last().map_or(NO_HOST, |f| f.1);
        self.trace(&fates, dst, data.len());
        for w in wakes {
            w.wake();
        }
        data.len()
    }

    fn trace(&self, fates: &[(&'static str, usize)], _dst: usize, len: usize) {
        for &(what, dst) in fates {
            self.net.record(what, self.host, dst, len);
        }
    }

    /// Receives one datagram into `buf` (truncating it, as UDP does), with
    /// its source; with `waker`, registers it when none is there.
    pub fn poll_recv_from_with(
        &self,
        waker: Option<&Waker>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let mut st = self.shared.state.lock();
        match st.queue.pop_front() {
            Some((data, from)) => {
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                Poll::Ready(Ok((n, from)))
            }
            None => {
                if let Some(w) = waker {
                    st.reader = Some(w.clone());
                }
                Poll::Pending
            }
        }
    }

    /// As `poll_recv_from_with`, with a task context.
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.poll_recv_from_with(Some(cx.waker()), buf)
    }
}

impl Drop for SimUdpSocket {
    fn drop(&mut self) {
        let removed = {
            let mut st = self.net.state.lock();
            match st.udp.get(&self.shared.addr) {
                Some(s) if Arc::ptr_eq(s, &self.shared) => st.udp.remove(&self.shared.addr),
                _ => None,
            }
        };
        drop(removed);
    }
}

impl fmt::Debug for SimUdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimUdpSocket")
            .field("addr", &self.shared.addr)
            .finish()
    }
}

/// Delivers a datagram to the socket bound at `to`, if any (the pump calls it).
pub(crate) fn deliver(net: &Net, to: SocketAddr, from: SocketAddr, src: usize, data: Vec<u8>) {
    let (socket, dst) = {
        let mut st = net.state.lock();
        let dst = super::host_of_ip(to.ip()).unwrap_or(NO_HOST);
        let linked = dst != NO_HOST && st.linked(src, dst);
        let socket = st.udp.get(&to).cloned().filter(|_| linked);
        if socket.is_some() {
            st.stats.udp_delivered += 1;
        }
        (socket, dst)
    };
    let Some(socket) = socket else {
        net.record("udp-nobody", src, dst, data.len());
        return;
    };
    net.record("udp-deliver", src, dst, data.len());
    let reader = {
        let mut st = socket.state.lock();
        if st.peer.is_some_and(|p| p != from) || st.queue.len() >= QUEUE {
            return;
        }
        st.queue.push_back((data, from));
        st.reader.take()
    };
    if let Some(w) = reader {
        w.wake();
    }
}
