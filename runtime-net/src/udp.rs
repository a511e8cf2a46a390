//! `UdpSocket`.

use crate::addr::{each_addr, first_addr, ToSocketAddrs};
use crate::stream::try_io;
use runtime_reactor::io::{Direction, PollEvented};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

/// A UDP socket: sends and receives datagrams.
///
/// UDP has no connections: after [`bind`](UdpSocket::bind), a socket can
/// exchange datagrams with any address through
/// [`send_to`](UdpSocket::send_to) and [`recv_from`](UdpSocket::recv_from).
/// [`connect`](UdpSocket::connect) sets a default peer, after which
/// [`send`](UdpSocket::send) and [`recv`](UdpSocket::recv) talk to it alone.
/// Each receive returns one whole datagram; one larger than the buffer is
/// truncated.
///
/// All methods take `&self`, so one socket can be shared between tasks in an
/// `Arc`, any number of them sending and receiving at once (see the
/// [crate documentation](crate#design) on waiters).
///
/// ```
/// use runtime::net::UdpSocket;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let server = UdpSocket::bind("127.0.0.1:0").await?;
///     let client = UdpSocket::bind("127.0.0.1:0").await?;
///
///     client.send_to(b"ping", server.local_addr()?).await?;
///     let mut buf = [0; 16];
///     let (n, from) = server.recv_from(&mut buf).await?;
///     assert_eq!(&buf[..n], b"ping");
///     assert_eq!(from, client.local_addr()?);
///
///     server.send_to(b"pong", from).await?;
///     let (n, _) = client.recv_from(&mut buf).await?;
///     assert_eq!(&buf[..n], b"pong");
///     Ok(())
/// }
/// ```
pub struct UdpSocket {
    io: PollEvented<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Creates a UDP socket bound to `addr`. If `addr` resolves to several
    /// addresses, each is tried in turn until one binds, and the last error
    /// is returned if none does. Port 0 asks the OS for a free port.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_ne!(socket.local_addr()?.port(), 0);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Nothing to resume: dropping the future before it completes drops the
    /// socket it was binding, or abandons the host-name lookup.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        each_addr(addr, |addr| async move {
            UdpSocket::from_mio(mio::net::UdpSocket::bind(addr)?)
        })
        .await
    }

    #[track_caller]
    fn from_mio(socket: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: PollEvented::new(socket)?,
        })
    }

    /// Wraps a socket created with std, switching it to non-blocking mode
    /// and registering it with the current runtime's reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let addr = std_socket.local_addr()?;
    /// let socket = runtime::net::UdpSocket::from_std(std_socket)?;
    /// assert_eq!(socket.local_addr()?, addr);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        UdpSocket::from_mio(mio::net::UdpSocket::from_std(socket))
    }

    /// Sets the socket's peer: the destination of [`send`](UdpSocket::send),
    /// and the only source [`recv`](UdpSocket::recv) and
    /// [`recv_from`](UdpSocket::recv_from) accept (the OS drops datagrams
    /// from other addresses). Nothing is sent: UDP has no handshake. If
    /// `addr` resolves to several addresses, the first that works is used.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// assert_eq!(a.peer_addr()?, b.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the only wait is for a host-name lookup, and the peer is
    /// set in the same poll that returns. A dropped `connect` either set the
    /// peer and returned, or changed nothing.
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        each_addr(addr, |addr| async move { self.io.get_ref().connect(addr) }).await
    }

    /// Sends `buf` as one datagram to the peer set by
    /// [`connect`](UdpSocket::connect), waiting while the send buffer is
    /// full, and returns the number of bytes sent. Fails if no peer is set.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// assert_eq!(a.send(b"hello").await?, 5);
    /// let mut buf = [0; 16];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the datagram goes out in the single syscall of the poll
    /// that returns `Ready`; if the future is dropped while waiting, nothing
    /// was sent. A datagram is never sent in part.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_write_io(cx, || self.io.get_ref().send(buf))).await
    }

    /// Receives one datagram from the peer set by
    /// [`connect`](UdpSocket::connect) into `buf`, waiting until one arrives,
    /// and returns its length. A datagram longer than `buf` is truncated.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// b.send(b"hi there").await?;
    /// let mut buf = [0; 2];
    /// let n = a.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hi"); // the rest is dropped
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is taken off the queue only by the syscall of
    /// the poll that returns it. If the future is dropped while waiting, no
    /// datagram was received, and the next receive gets the next datagram.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_read_io(cx, || self.io.get_ref().recv(buf))).await
    }

    /// Sends `buf` as one datagram to `target`, waiting while the send
    /// buffer is full, and returns the number of bytes sent. A host name in
    /// `target` is resolved first (on the blocking pool) and the datagram
    /// goes to its first address.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(a.send_to(b"ping", b.local_addr()?).await?, 4);
    /// let mut buf = [0; 16];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: if the future is dropped during the lookup or while
    /// waiting for room, nothing was sent; the datagram is sent whole, in the
    /// poll that returns `Ready`.
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let target = first_addr(target).await?;
        poll_fn(|cx| {
            self.io
                .poll_write_io(cx, || self.io.get_ref().send_to(buf, target))
        })
        .await
    }

    /// Receives one datagram into `buf`, waiting until one arrives, and
    /// returns its length and the address it came from. A datagram longer
    /// than `buf` is truncated, as with std.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"one", b.local_addr()?).await?;
    /// a.send_to(b"two", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// for expected in [&b"one"[..], b"two"] {
    ///     let (n, from) = b.recv_from(&mut buf).await?;
    ///     assert_eq!(&buf[..n], expected);
    ///     assert_eq!(from, a.local_addr()?);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is taken off the queue only by the syscall of
    /// the poll that returns it. If the future is dropped (say, another
    /// `select!` branch won), no datagram was received, and the next
    /// `recv_from` gets it.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| {
            self.io
                .poll_read_io(cx, || self.io.get_ref().recv_from(buf))
        })
        .await
    }

    /// Copies the next datagram into `buf` without removing it from the
    /// queue, waiting until one arrives; returns its length (truncated to
    /// `buf`) and its source. The next receive returns the same datagram.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.send_to(b"peek", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let (n, from) = b.peek_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr()?));
    /// // Still queued:
    /// let (n, _) = b.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"peek");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: peeking consumes nothing, and data is copied only in the
    /// poll that returns it.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| {
            self.io
                .poll_read_io(cx, || self.io.get_ref().peek_from(buf))
        })
        .await
    }

    /// Waits until the socket is readable: a datagram is queued or an error
    /// is pending. Usually followed by [`try_recv_from`](UdpSocket::try_recv_from)
    /// (or [`try_recv`](UdpSocket::try_recv)), which may still return
    /// `WouldBlock`; loop back to `readable` then.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// use std::io::ErrorKind;
    ///
    /// a.send_to(b"ready", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let (n, _) = loop {
    ///     b.readable().await?;
    ///     match b.try_recv_from(&mut buf) {
    ///         Ok(got) => break got,
    ///         Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"ready");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and receives nothing.
    pub async fn readable(&self) -> io::Result<()> {
        poll_fn(|cx| self.io.poll_read_ready(cx).map_ok(|_| ())).await
    }

    /// Waits until the socket is writable: there is room in the send buffer
    /// or an error is pending. Usually followed by
    /// [`try_send_to`](UdpSocket::try_send_to) (or
    /// [`try_send`](UdpSocket::try_send)), looping back on `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// b.writable().await?;
    /// assert_eq!(b.try_send_to(b"now", a.local_addr()?)?, 3);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and sends nothing.
    pub async fn writable(&self) -> io::Result<()> {
        poll_fn(|cx| self.io.poll_write_ready(cx).map_ok(|_| ())).await
    }

    /// Sends `buf` as one datagram to the connected peer without waiting;
    /// fails with `WouldBlock` when the send buffer is full (then
    /// [`writable`](UdpSocket::writable) waits for room).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// assert_eq!(a.try_send(b"quick")?, 5);
    /// let mut buf = [0; 16];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"quick");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        try_io(&self.io, Direction::Write, |s| s.send(buf))
    }

    /// Sends `buf` as one datagram to `target` without waiting; fails with
    /// `WouldBlock` when the send buffer is full (then
    /// [`writable`](UdpSocket::writable) waits for room).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(a.try_send_to(b"quick", b.local_addr()?)?, 5);
    /// let mut buf = [0; 16];
    /// let (n, _) = b.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"quick");
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        try_io(&self.io, Direction::Write, |s| s.send_to(buf, target))
    }

    /// Receives one datagram from the connected peer without waiting; fails
    /// with `WouldBlock` when none is queued (then
    /// [`readable`](UdpSocket::readable) waits for one).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// b.connect(a.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let err = a.try_recv(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        try_io(&self.io, Direction::Read, |s| s.recv(buf))
    }

    /// Receives one datagram and its source address without waiting; fails
    /// with `WouldBlock` when none is queued (then
    /// [`readable`](UdpSocket::readable) waits for one).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 16];
    /// let err = socket.try_recv_from(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        try_io(&self.io, Direction::Read, |s| s.recv_from(buf))
    }

    /// The address the socket is bound to.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address set by [`connect`](UdpSocket::connect); fails with
    /// `NotConnected` before that.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let err = socket.peer_addr().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotConnected);
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Sets the `SO_BROADCAST` option, which allows sending to a broadcast
    /// address.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_broadcast(true)?;
    /// assert!(socket.broadcast()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }

    /// The `SO_BROADCAST` option; see [`set_broadcast`](UdpSocket::set_broadcast).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(!socket.broadcast()?); // off by default
    /// # Ok(())
    /// # }
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.get_ref().broadcast()
    }

    /// Sets the `IP_TTL` option: the time-to-live of the datagrams this
    /// socket sends.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_ttl(16)?;
    /// assert_eq!(socket.ttl()?, 16);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The `IP_TTL` option; see [`set_ttl`](UdpSocket::set_ttl).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.ttl()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets the `IP_MULTICAST_LOOP` option: whether IPv4 multicast
    /// datagrams this socket sends are looped back to the local host.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_multicast_loop_v4(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v4(on)
    }

    /// Sets the `IP_MULTICAST_TTL` option: the time-to-live of the IPv4
    /// multicast datagrams this socket sends (1, the default, keeps them on
    /// the local network).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_multicast_ttl_v4(4)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_multicast_ttl_v4(ttl)
    }

    /// Sets the `IPV6_MULTICAST_LOOP` option: whether IPv6 multicast
    /// datagrams this socket sends are looped back to the local host. Only
    /// valid on an IPv6 socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // Needs an IPv6 socket; skip where the host has no IPv6.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     socket.set_multicast_loop_v6(false)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v6(on)
    }

    /// Joins the IPv4 multicast group `group` on the interface with address
    /// `interface` (`Ipv4Addr::UNSPECIFIED` lets the OS choose); datagrams
    /// sent to the group then reach this socket.
    ///
    /// Joining needs a network interface that supports multicast, so the
    /// example does not run in every environment.
    ///
    /// ```no_run
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::Ipv4Addr;
    ///
    /// let socket = runtime::net::UdpSocket::bind("0.0.0.0:5353").await?;
    /// let group = Ipv4Addr::new(224, 0, 0, 251);
    /// socket.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
    /// socket.leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().join_multicast_v4(&group, &interface)
    }

    /// Leaves an IPv4 multicast group joined with
    /// [`join_multicast_v4`](UdpSocket::join_multicast_v4). Fails if the
    /// socket is not a member.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::Ipv4Addr;
    ///
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// // Never joined: leaving is an error.
    /// let not_joined = socket.leave_multicast_v4(Ipv4Addr::new(224, 0, 0, 251), Ipv4Addr::UNSPECIFIED);
    /// assert!(not_joined.is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v4(&group, &interface)
    }

    /// Joins the IPv6 multicast group `group` on the interface with index
    /// `interface` (0 lets the OS choose); datagrams sent to the group then
    /// reach this socket.
    ///
    /// Joining needs a network interface that supports multicast, so the
    /// example does not run in every environment.
    ///
    /// ```no_run
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::Ipv6Addr;
    ///
    /// let socket = runtime::net::UdpSocket::bind("[::]:5353").await?;
    /// let group: Ipv6Addr = "ff02::fb".parse().unwrap();
    /// socket.join_multicast_v6(&group, 0)?;
    /// socket.leave_multicast_v6(&group, 0)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().join_multicast_v6(group, interface)
    }

    /// Leaves an IPv6 multicast group joined with
    /// [`join_multicast_v6`](UdpSocket::join_multicast_v6). Fails if the
    /// socket is not a member.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // Needs an IPv6 socket; skip where the host has no IPv6.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     let group: std::net::Ipv6Addr = "ff02::fb".parse().unwrap();
    ///     assert!(socket.leave_multicast_v6(&group, 0).is_err()); // never joined
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v6(group, interface)
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
