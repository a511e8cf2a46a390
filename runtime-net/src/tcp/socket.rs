//! `TcpSocket`: set options before connecting or listening.

use super::{TcpListener, TcpStream};
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::SocketAddr;

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

/// `EINPROGRESS`: a non-blocking connect has started (from the Linux and
/// BSD/macOS errno headers); std has no stable constant for it.
#[cfg(target_os = "linux")]
const EINPROGRESS: i32 = 115;
#[cfg(not(target_os = "linux"))]
const EINPROGRESS: i32 = 36;
