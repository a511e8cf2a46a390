//! Simulated TCP: listeners, and connections as two ordered byte queues
//! (see the module docs of `net`).

use super::{host_ip, Event, Net, RTO_MS};
use crate::context::{self, NO_HOST};
use runtime_core::lock::Mutex;
use runtime_reactor::time::{sleep, Duration, Instant};
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Bytes one direction holds (in flight plus unread) before writes wait.
const WINDOW: usize = 256 * 1024;

pub(crate) struct ListenerShared {
    addr: SocketAddr,
    state: Mutex<ListenerState>,
}

#[derive(Default)]
struct ListenerState {
    backlog: VecDeque<(SimTcpStream, SocketAddr)>,
    waker: Option<Waker>,
    closed: bool,
}

/// A listening socket on the simulated network; `runtime::net::TcpListener`
/// uses it inside a simulation.
pub struct SimTcpListener {
    net: Arc<Net>,
    shared: Arc<ListenerShared>,
}

enum Seg {
    Data(Vec<u8>),
    Fin,
}

#[derive(Default)]
struct Dir {
    /// Segments sent and not yet delivered, with their due times.
    pending: VecDeque<(Instant, Seg)>,
    /// Delivered, unread bytes.
    buf: VecDeque<u8>,
    /// Bytes pending plus unread (the flow-control window in use).
    queued: usize,
    fin_sent: bool,
    eof: bool,
    reader: Option<Waker>,
    writer: Option<Waker>,
    event_scheduled: bool,
    last_at: Option<Instant>,
}

#[derive(Default)]
struct ConnState {
    /// `dirs[d]`: bytes written by side `d`, read by side `1 - d`.
    dirs: [Dir; 2],
    /// Side `s` saw a reset.
    reset: [bool; 2],
    /// Side `s` was dropped.
    closed: [bool; 2],
}

pub(crate) struct Conn {
    hosts: [usize; 2],
    incarnations: [u64; 2],
    addrs: [SocketAddr; 2],
    state: Mutex<ConnState>,
}

/// One end of a simulated TCP connection; `runtime::net::TcpStream` uses it
/// inside a simulation.
pub struct SimTcpStream {
    net: Arc<Net>,
    conn: Arc<Conn>,
    side: usize,
}

fn current() -> io::Result<(Arc<Net>, usize)> {
    match context::current() {
        Some((shared, host)) if host != NO_HOST => Ok((shared.net.clone(), host)),
        _ => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "simulated sockets are created inside a host of a running simulation",
        )),
    }
}

fn schedule(net: &Net, at: Instant, event: Event) {
    let pump = net.state.lock().push(at, event);
    if let Some(pump) = pump {
        pump.wake();
    }
}

impl SimTcpListener {
    /// Listens on `addr` (its port; the address is the host's own).
    ///
    /// # Errors
    ///
    /// `AddrInUse` when the port is taken; `Unsupported` outside a host.
    pub fn bind(addr: SocketAddr) -> io::Result<SimTcpListener> {
        let (net, host) = current()?;
        let shared = {
            let mut st = net.state.lock();
            let local = st.local_addr(host, addr);
            if st.listeners.contains_key(&local) {
                return Err(io::ErrorKind::AddrInUse.into());
            }
            let shared = Arc::new(ListenerShared {
                addr: local,
                state: Mutex::new(ListenerState::default()),
            });
            st.listeners.insert(local, shared.clone());
            shared
        };
        net.record("listen", host, host, usize::from(shared.addr.port()));
        Ok(SimTcpListener { net, shared })
    }

    /// Accepts a connection, or registers the waker.
    pub fn poll_accept(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(SimTcpStream, SocketAddr)>> {
        let mut st = self.shared.state.lock();
        match st.backlog.pop_front() {
            Some(conn) => Poll::Ready(Ok(conn)),
            None => {
                st.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.addr
    }
}

impl Drop for SimTcpListener {
    fn drop(&mut self) {
        let removed = {
            let mut st = self.net.state.lock();
            match st.listeners.get(&self.shared.addr) {
                Some(l) if Arc::ptr_eq(l, &self.shared) => st.listeners.remove(&self.shared.addr),
                _ => None,
            }
        };
        let backlog = {
            let mut st = self.shared.state.lock();
            st.closed = true;
            std::mem::take(&mut st.backlog)
        };
        // Connections never accepted: their clients see them reset.
        for (stream, _) in backlog {
            stream.abort();
        }
        drop(removed);
    }
}

impl fmt::Debug for SimTcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimTcpListener")
            .field("addr", &self.shared.addr)
            .finish()
    }
}

enum Verdict {
    Unreachable,
    Refused,
    Accepted(SimTcpStream),
}

impl SimTcpStream {
    /// Connects to `addr` across the simulated network: one latency to
    /// reach the peer, one back.
    ///
    /// # Errors
    ///
    /// `ConnectionRefused` when nobody listens there (or the refusal rate
    /// says so); `TimedOut` after the connect timeout when the peer is down,
    /// unknown, or across a cut link.
    pub async fn connect(addr: SocketAddr) -> io::Result<SimTcpStream> {
        let (net, host) = current()?;
        let (dst, there, back, timeout) = {
            let mut st = net.state.lock();
            let dst = st.host_of(host, addr);
            (
                dst,
                st.latency(),
                st.latency(),
                Duration::from_millis(st.cfg.connect_timeout),
            )
        };
        sleep(there).await;
        let verdict = {
            let mut st = net.state.lock();
            match dst {
                Some(dst) if st.linked(host, dst) && st.is_up(dst, st.incarnation(dst)) => {
                    let target = SocketAddr::new(host_ip(dst), addr.port());
                    let listener = st.listeners.get(&target).cloned();
                    let refuse_p = st.cfg.tcp_refuse;
                    match listener {
                        Some(l) if !st.rng.chance(refuse_p) => {
                            let local = st.local_addr(host, SocketAddr::new(host_ip(host), 0));
                            let conn = Arc::new(Conn {
                                hosts: [host, dst],
                                incarnations: [st.incarnation(host), st.incarnation(dst)],
                                addrs: [local, target],
                                state: Mutex::new(ConnState::default()),
                            });
                            st.stats.tcp_connected += 1;
                            let server = SimTcpStream {
                                net: net.clone(),
                                conn: conn.clone(),
                                side: 1,
                            };
                            drop(st);
                            let waker = {
                                let mut ls = l.state.lock();
                                ls.backlog.push_back((server, local));
                                ls.waker.take()
                            };
                            if let Some(w) = waker {
                                w.wake();
                            }
                            Verdict::Accepted(SimTcpStream {
                                net: net.clone(),
                                conn,
                                side: 0,
                            })
                        }
                        _ => {
                            st.stats.tcp_refused += 1;
                            Verdict::Refused
                        }
                    }
                }
                _ => {
                    st.stats.tcp_timeouts += 1;
                    Verdict::Unreachable
                }
            }
        };
        let dst = dst.unwrap_or(NO_HOST);
        match verdict {
            Verdict::Accepted(stream) => {
                net.record("connect", host, dst, 0);
                sleep(back).await;
                Ok(stream)
            }
            Verdict::Refused => {
                net.record("refused", host, dst, 0);
                sleep(back).await;
                Err(io::ErrorKind::ConnectionRefused.into())
            }
            Verdict::Unreachable => {
                net.record("connect-timeout", host, dst, 0);
                sleep(timeout.saturating_sub(there)).await;
                Err(io::ErrorKind::TimedOut.into())
            }
        }
    }

    /// This end's address.
    pub fn local_addr(&self) -> SocketAddr {
        self.conn.addrs[self.side]
    }

    /// The other end's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.conn.addrs[1 - self.side]
    }

    /// Reads into `buf`; with `waker`, registers it when nothing is there
    /// (without, `Pending` means `WouldBlock`).
    pub fn poll_read_with(&self, waker: Option<&Waker>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let side = self.side;
        let mut st = self.conn.state.lock();
        if st.reset[side] {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        let dir = &mut st.dirs[1 - side];
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if !dir.buf.is_empty() {
            let n = buf.len().min(dir.buf.len());
            for (dst, src) in buf.iter_mut().zip(dir.buf.drain(..n)) {
                *dst = src;
            }
            dir.queued -= n;
            let writer = dir.writer.take();
            drop(st);
            if let Some(w) = writer {
                w.wake();
            }
            return Poll::Ready(Ok(n));
        }
        if dir.eof {
            return Poll::Ready(Ok(0));
        }
        if let Some(w) = waker {
            dir.reader = Some(w.clone());
        }
        Poll::Pending
    }

    /// Writes from `data` (as much as the window allows).
    pub fn poll_write_with(&self, waker: Option<&Waker>, data: &[u8]) -> Poll<io::Result<usize>> {
        let side = self.side;
        let n = {
            let mut st = self.conn.state.lock();
            if st.reset[side] {
                return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
            }
            let dir = &mut st.dirs[side];
            if dir.fin_sent {
                return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
            }
            if data.is_empty() {
                return Poll::Ready(Ok(0));
            }
            let room = WINDOW.saturating_sub(dir.queued);
            if room == 0 {
                if let Some(w) = waker {
                    dir.writer = Some(w.clone());
                }
                return Poll::Pending;
            }
            room.min(data.len())
        };
        let (reset, latency) = {
            let mut st = self.net.state.lock();
            let p = st.cfg.tcp_reset;
            let reset = st.rng.chance(p);
            if reset {
                st.stats.tcp_resets += 1;
            }
            (reset, st.latency())
        };
        if reset {
            self.net
                .record("reset", self.conn.hosts[side], self.conn.hosts[1 - side], n);
            for s in 0..2 {
                reset_side(&self.net, &self.conn, s);
            }
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        self.send(Seg::Data(data[..n].to_vec()), n, latency);
        Poll::Ready(Ok(n))
    }

    fn send(&self, seg: Seg, len: usize, latency: Duration) {
        let at = {
            let mut st = self.conn.state.lock();
            let dir = &mut st.dirs[self.side];
            if let Seg::Fin = seg {
                dir.fin_sent = true;
            }
            let at = (Instant::now() + latency).max(dir.last_at.unwrap_or_else(Instant::now));
            dir.last_at = Some(at);
            dir.pending.push_back((at, seg));
            dir.queued += len;
            if dir.event_scheduled {
                None
            } else {
                dir.event_scheduled = true;
                Some(dir.pending.front().map_or(at, |f| f.0))
            }
        };
        if let Some(at) = at {
            schedule(
                &self.net,
                at,
                Event::Tcp {
                    conn: self.conn.clone(),
                    dir: self.side,
                },
            );
        }
    }

    /// Shuts the write side down: the peer reads end of stream once the
    /// data before it arrived.
    pub fn shutdown_write(&self) {
        let sent = self.conn.state.lock().dirs[self.side].fin_sent;
        if !sent {
            let latency = self.net.state.lock().latency();
            self.send(Seg::Fin, 0, latency);
        }
    }

    /// Resets the connection from this end (the peer sees
    /// `ConnectionReset` after one latency, if it can be reached).
    fn abort(&self) {
        let (linked, latency) = {
            let mut st = self.net.state.lock();
            let c = &self.conn;
            (st.linked(c.hosts[0], c.hosts[1]), st.latency())
        };
        self.conn.state.lock().closed[self.side] = true;
        if linked {
            schedule(
                &self.net,
                Instant::now() + latency,
                Event::Rst {
                    conn: self.conn.clone(),
                    side: 1 - self.side,
                },
            );
        }
    }
}

impl Drop for SimTcpStream {
    fn drop(&mut self) {
        let crashing = self.net.state.lock().crashing(self.conn.hosts[self.side]);
        if crashing {
            self.abort();
        } else {
            self.shutdown_write();
            self.conn.state.lock().closed[self.side] = true;
        }
    }
}

impl fmt::Debug for SimTcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimTcpStream")
            .field("local", &self.local_addr())
            .field("peer", &self.peer_addr())
            .finish()
    }
}

/// Wakes both wakers of side `side` after marking it reset.
pub(crate) fn reset_side(net: &Net, conn: &Conn, side: usize) {
    let wakers = {
        let mut st = conn.state.lock();
        if st.reset[side] || st.closed[side] {
            return;
        }
        st.reset[side] = true;
        [st.dirs[1 - side].reader.take(), st.dirs[side].writer.take()]
    };
    net.state.lock().stats.tcp_resets += 1;
    net.record("rst", conn.hosts[1 - side], conn.hosts[side], 0);
    for w in wakers.into_iter().flatten() {
        w.wake();
    }
}

/// Delivers the due segments of direction `d` (the pump calls it).
pub(crate) fn deliver(net: &Net, conn: &Arc<Conn>, d: usize, now: Instant) {
    let (src, dst) = (conn.hosts[d], conn.hosts[1 - d]);
    let (linked, current) = {
        let st = net.state.lock();
        let inc = st.incarnation(dst);
        (
            st.linked(src, dst) && st.is_up(dst, inc),
            inc == conn.incarnations[1 - d],
        )
    };
    let mut reader = None;
    let mut reset_sender = false;
    let mut delivered = 0;
    let next = {
        let mut st = conn.state.lock();
        let peer_closed = st.closed[1 - d];
        let dir = &mut st.dirs[d];
        dir.event_scheduled = false;
        if !linked {
            // Cut link or host down: retransmit later, keeping the order.
            if let Some(front) = dir.pending.front_mut() {
                front.0 = now + Duration::from_millis(RTO_MS);
            }
        } else if !current || peer_closed {
            // The receiving end is gone (dropped, or its host restarted):
            // data gets a reset back; a FIN just ends.
            if dir.pending.iter().any(|(_, s)| matches!(s, Seg::Data(_))) {
                reset_sender = true;
            }
            dir.pending.clear();
            dir.queued = dir.buf.len();
        } else {
            while dir.pending.front().is_some_and(|f| f.0 <= now) {
                match dir.pending.pop_front().map(|f| f.1) {
                    Some(Seg::Data(bytes)) => {
                        delivered += bytes.len();
                        dir.buf.extend(bytes);
                    }
                    Some(Seg::Fin) => dir.eof = true,
                    None => {}
                }
                reader = dir.reader.take().or(reader);
            }
        }
        let next = dir.pending.front().map(|f| f.0);
        if next.is_some() {
            dir.event_scheduled = true;
        }
        next
    };
    if !linked {
        net.state.lock().stats.tcp_retransmits += 1;
        net.record("retransmit", src, dst, 0);
    } else if delivered > 0 {
        net.record("tcp", src, dst, delivered);
    }
    if let Some(at) = next {
        schedule(
            net,
            at,
            Event::Tcp {
                conn: conn.clone(),
                dir: d,
            },
        );
    }
    if reset_sender {
        reset_side(net, conn, d);
    }
    if let Some(w) = reader {
        w.wake();
    }
}
