//! `TcpSocket`: set options before connecting or listening.

use super::{TcpListener, TcpStream};
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::os::fd::{FromRawFd, IntoRawFd, RawFd};
use std::time::Duration;

/// A TCP socket that is not yet connected or listening, for the options that
/// must be set first: address reuse, buffer sizes, a client's local address.
///
/// Create it with [`new_v4`](TcpSocket::new_v4) or
/// [`new_v6`](TcpSocket::new_v6), set options, optionally
/// [`bind`](TcpSocket::bind), then turn it into a
/// [`TcpListener`] with [`listen`](TcpSocket::listen) or into a
/// [`TcpStream`] with [`connect`](TcpSocket::connect). Creating and
/// configuring it needs no runtime; `listen` and `connect` do.
///
/// ```
/// use runtime::net::{TcpSocket, TcpStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let socket = TcpSocket::new_v4()?;
///     socket.set_reuseaddr(true)?;
///     socket.bind("127.0.0.1:0".parse().unwrap())?;
///     let listener = socket.listen(128)?;
///     let addr = listener.local_addr()?;
///     assert_ne!(addr.port(), 0);
///
///     let client = TcpStream::connect(addr).await?;
///     let (_, peer) = listener.accept().await?;
///     assert_eq!(peer, client.local_addr()?);
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct TcpSocket {
    inner: Socket,
}

impl TcpSocket {
    /// Creates an IPv4 TCP socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.is_ipv4());
    /// # Ok(())
    /// # }
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV4)
    }

    /// Creates an IPv6 TCP socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v6()?;
    /// // Binding needs an IPv6 address; skip where the host has none.
    /// if socket.bind("[::1]:0".parse().unwrap()).is_ok() {
    ///     assert!(socket.local_addr()?.is_ipv6());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::IPV6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        let inner = Socket::new(
            domain,
            Type::STREAM.nonblocking().cloexec(),
            Some(Protocol::TCP),
        )?;
        Ok(TcpSocket { inner })
    }

    /// Sets the `SO_REUSEADDR` option, which lets a listener bind to an
    /// address still held by connections in `TIME_WAIT` (for example right
    /// after a server restarts).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert_eq!(socket.reuseaddr()?, true);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_reuseaddr(&self, reuse: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuse)
    }

    /// The `SO_REUSEADDR` option; see [`set_reuseaddr`](TcpSocket::set_reuseaddr).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseaddr()?); // off on a new socket
    /// # Ok(())
    /// # }
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets the `SO_REUSEPORT` option, which lets several sockets bind to the
    /// same address and port (on Linux, the kernel then spreads incoming
    /// connections over their listeners).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_reuseport(true)?;
    /// assert_eq!(socket.reuseport()?, true);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(all(unix, not(target_os = "solaris"), not(target_os = "illumos")))]
    pub fn set_reuseport(&self, reuse: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuse)
    }

    /// The `SO_REUSEPORT` option; see [`set_reuseport`](TcpSocket::set_reuseport).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(!socket.reuseport()?); // off on a new socket
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(all(unix, not(target_os = "solaris"), not(target_os = "illumos")))]
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets the `SO_SNDBUF` option: the size of the kernel's send buffer.
    /// The OS may round the value (Linux doubles it), so read it back with
    /// [`send_buffer_size`](TcpSocket::send_buffer_size).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_send_buffer_size(64 * 1024)?;
    /// assert!(socket.send_buffer_size()? >= 64 * 1024);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// The `SO_SNDBUF` option, as the OS reports it; see
    /// [`set_send_buffer_size`](TcpSocket::set_send_buffer_size).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(socket.send_buffer_size()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(|s| s as u32)
    }

    /// Sets the `SO_RCVBUF` option: the size of the kernel's receive buffer.
    /// The OS may round the value (Linux doubles it), so read it back with
    /// [`recv_buffer_size`](TcpSocket::recv_buffer_size).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_recv_buffer_size(64 * 1024)?;
    /// assert!(socket.recv_buffer_size()? >= 64 * 1024);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// The `SO_RCVBUF` option, as the OS reports it; see
    /// [`set_recv_buffer_size`](TcpSocket::set_recv_buffer_size).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(socket.recv_buffer_size()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(|s| s as u32)
    }

    /// Sets the `TCP_NODELAY` option for the connection this socket will
    /// make (it carries over to the [`TcpStream`] from
    /// [`connect`](TcpSocket::connect)); see [`TcpStream::set_nodelay`].
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpSocket};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// assert!(stream.nodelay()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_nodelay(nodelay)
    }

    /// The `TCP_NODELAY` option; see [`set_nodelay`](TcpSocket::set_nodelay).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(!socket.nodelay()?); // off on a new socket
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.nodelay()
    }

    /// Sets the `SO_KEEPALIVE` option: the OS probes an idle connection
    /// and reports it broken when the peer stops answering. It carries
    /// over to the stream or listener made from this socket.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_keepalive(true)?;
    /// assert!(socket.keepalive()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// The `SO_KEEPALIVE` option; see [`set_keepalive`](TcpSocket::set_keepalive).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(!socket.keepalive()?); // off on a new socket
    /// # Ok(())
    /// # }
    /// ```
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets the `SO_LINGER` option (see
    /// [`TcpStream::set_linger`]). Deprecated as in Tokio: a non-zero
    /// linger makes closing the socket block the thread (a runtime worker)
    /// until the data is sent or the time is up; use
    /// [`set_zero_linger`](TcpSocket::set_zero_linger) for a reset on close.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// #[allow(deprecated)]
    /// socket.set_linger(None)?;
    /// assert_eq!(socket.linger()?, None);
    /// # Ok(())
    /// # }
    /// ```
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the connection made from this
    /// socket resets it at once (the peer sees `ConnectionReset`) instead
    /// of closing it in order; closing never blocks.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_zero_linger()?;
    /// assert_eq!(socket.linger()?, Some(std::time::Duration::ZERO));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.inner.set_linger(Some(Duration::ZERO))
    }

    /// The `SO_LINGER` option: `None` (the default) when closing returns at
    /// once and the OS sends what is left in the background.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.linger()?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// The `IPV6_TCLASS` option: the traffic class of the IPv6 packets
    /// this socket sends. Only valid on an IPv6 socket.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v6()?;
    /// assert_eq!(socket.tclass_v6()?, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.inner.tclass_v6()
    }

    /// Sets the `IPV6_TCLASS` option: the traffic class (DSCP and ECN
    /// bits) of the IPv6 packets this socket sends. Only valid on an IPv6
    /// socket.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v6()?;
    /// socket.set_tclass_v6(0x10)?;
    /// assert_eq!(socket.tclass_v6()?, 0x10);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.inner.set_tclass_v6(tclass)
    }

    /// The `IP_TOS` option: the type-of-service byte of the IPv4 packets
    /// this socket sends. Only valid on an IPv4 socket.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.tos_v4()?, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.inner.tos()
    }

    /// The old name of [`tos_v4`](TcpSocket::tos_v4).
    #[deprecated(note = "`tos` is IPv4-only: use `tos_v4`")]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets the `IP_TOS` option: the type-of-service byte (DSCP and ECN
    /// bits) of the IPv4 packets this socket sends. Only valid on an IPv4
    /// socket.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.set_tos_v4(0x10)?;
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos(tos)
    }

    /// The old name of [`set_tos_v4`](TcpSocket::set_tos_v4).
    #[deprecated(note = "`set_tos` is IPv4-only: use `set_tos_v4`")]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The interface the socket is bound to with
    /// [`bind_device`](TcpSocket::bind_device) (`SO_BINDTODEVICE`), or
    /// `None`. Linux only.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.device()?, None);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.inner.device()
    }

    /// Binds the socket to the network interface named `interface`
    /// (`SO_BINDTODEVICE`), so that it only sends and receives through it;
    /// `None` removes the binding. Most kernels require the `CAP_NET_RAW`
    /// capability to bind. Linux only.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// // Without privileges this may be refused.
    /// if socket.bind_device(Some(b"lo")).is_ok() {
    ///     assert_eq!(socket.device()?.as_deref(), Some(&b"lo"[..]));
    /// }
    /// socket.bind_device(None)?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.inner.bind_device(interface)
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it;
    /// `Ok(None)` when there is none.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert!(socket.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to a local address: the address to listen on for a
    /// server, or the source address of the connection for a client. Port 0
    /// asks the OS for a free port.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert_ne!(socket.local_addr()?.port(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// The address the socket is bound to. Before [`bind`](TcpSocket::bind)
    /// this is the unspecified address with port 0.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::TcpSocket::new_v4()?;
    /// assert_eq!(socket.local_addr()?, "0.0.0.0:0".parse().unwrap());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::other("not an inet socket address"))
    }

    /// Starts listening and returns the [`TcpListener`]. `backlog` is the
    /// length of the queue of connections not yet accepted (the OS may cap
    /// it). Without an earlier [`bind`](TcpSocket::bind), the OS picks a
    /// free port on every interface.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpSocket, TcpStream};
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// let listener = socket.listen(1024)?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, peer) = listener.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner.listen(backlog.min(i32::MAX as u32) as i32)?;
        let std: std::net::TcpListener = self.inner.into();
        TcpListener::from_std(std)
    }

    /// Connects to `addr` and returns the [`TcpStream`]. Options set on the
    /// socket, and its bound local address, carry over to the connection.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpSocket};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?; // choose the source address
    /// let local = socket.local_addr()?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.local_addr()?, local);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Nothing to resume: the socket is consumed, and dropping the future
    /// before it completes closes it, abandoning the connection attempt.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        // A socket from `from_std_stream` or `from_raw_fd` may be blocking;
        // a blocking connect would stall the worker thread.
        self.inner.set_nonblocking(true)?;
        match self.inner.connect(&addr.into()) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(EINPROGRESS) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        let std: std::net::TcpStream = self.inner.into();
        TcpStream::connect_mio(mio::net::TcpStream::from_std(std)).await
    }
}

impl TcpSocket {
    /// Turns a std stream back into a `TcpSocket`, to read or change its
    /// options through this type. The stream keeps its connection; the
    /// descriptor's blocking mode is left as it is (`listen` and `connect`
    /// switch it to non-blocking). Needs no runtime.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let local = stream.local_addr()?;
    /// let socket = runtime::net::TcpSocket::from_std_stream(stream);
    /// assert_eq!(socket.local_addr()?, local);
    /// socket.set_keepalive(true)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: Socket::from(std_stream),
        }
    }
}

crate::fd::impl_as_fd!(TcpSocket, |s| &s.inner);

/// Takes ownership of a TCP socket descriptor, as `from_std_stream` does.
impl FromRawFd for TcpSocket {
    /// # Safety
    ///
    /// `fd` must be an open TCP socket descriptor that nothing else owns.
    unsafe fn from_raw_fd(fd: RawFd) -> TcpSocket {
        // SAFETY: the caller hands over sole ownership of an open socket
        // descriptor, which is what `Socket::from_raw_fd` requires.
        let inner = unsafe { Socket::from_raw_fd(fd) };
        TcpSocket { inner }
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}

/// `EINPROGRESS`: a non-blocking connect has started (from the Linux and
/// BSD/macOS errno headers); std has no stable constant for it.
#[cfg(target_os = "linux")]
const EINPROGRESS: i32 = 115;
#[cfg(not(target_os = "linux"))]
const EINPROGRESS: i32 = 36;
