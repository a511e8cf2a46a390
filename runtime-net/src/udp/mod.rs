//! `UdpSocket`.
//!
//! The type and its life cycle (bind, `from_std`/`into_std`, connect,
//! addresses, the descriptor traits) are here; its operations are grouped
//! by kind in the submodules: `send_recv` (sending and receiving, in their
//! async, `poll_*` and `try_*` forms, and into `bytes` buffers), `peek`
//! (the same without dequeuing), `ready` (waiting for readiness) and
//! `options` (socket options). Every operation is one system call inside
//! the reactor's readiness loop (see the crate documentation), so each
//! async form is cancel-safe and each `poll_*` form can be driven by a
//! hand-written future.

use crate::addr::{each_addr, ToSocketAddrs};
use runtime_reactor::io::PollEvented;
use std::fmt;
use std::io;
use std::net::SocketAddr;

mod options;
mod peek;
mod send_recv;

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
    pub(crate) io: crate::sim::UdpRepr,
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
            #[cfg(feature = "sim")]
            if runtime_sim::in_sim() {
                let io = runtime_sim::net::SimUdpSocket::bind(addr)?;
                return Ok(UdpSocket {
                    io: crate::sim::UdpRepr::Sim(io),
                });
            }
            UdpSocket::from_mio(mio::net::UdpSocket::bind(addr)?)
        })
        .await
    }

    #[track_caller]
    fn from_mio(socket: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: crate::sim::UdpRepr::Os(PollEvented::new(socket)?),
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

    /// Deregisters the socket from the reactor and returns it as a std
    /// socket. It is still in non-blocking mode: call
    /// `set_nonblocking(false)` before using it with blocking calls.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let addr = socket.local_addr()?;
    /// let std_socket = socket.into_std()?;
    /// std_socket.set_nonblocking(false)?;
    /// assert_eq!(std_socket.local_addr()?, addr);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let mio = self.io.into_os().into_inner()?;
        // SAFETY: `into_raw_fd` hands over sole ownership of a valid, open
        // socket descriptor, which the std socket then owns.
        Ok(unsafe { std::net::UdpSocket::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it: for
    /// example the `ConnectionRefused` an ICMP "port unreachable" leaves on
    /// a connected socket. `Ok(None)` when there is none.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
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
        each_addr(addr, |addr| async move {
            #[cfg(feature = "sim")]
            if let Some(s) = self.io.sim() {
                s.connect(addr);
                return Ok(());
            }
            self.io.get_ref().connect(addr)
        })
        .await
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
        #[cfg(feature = "sim")]
        if let Some(s) = self.io.sim() {
            return Ok(s.local_addr());
        }
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
        #[cfg(feature = "sim")]
        if let Some(s) = self.io.sim() {
            return s
                .peer_addr()
                .ok_or_else(|| io::ErrorKind::NotConnected.into());
        }
        self.io.get_ref().peer_addr()
    }
}

impl UdpSocket {
    /// The socket as socket2 sees it, for the calls mio does not offer
    /// (receiving into uninitialized memory, the rarer options).
    fn sock(&self) -> socket2::SockRef<'_> {
        socket2::SockRef::from(self.io.get_ref())
    }
}

/// The IP address in a `SockAddr` the kernel returned for a UDP socket.
fn inet(addr: socket2::SockAddr) -> io::Result<SocketAddr> {
    addr.as_socket()
        .ok_or_else(|| io::Error::other("the kernel returned a non-IP source address"))
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}

crate::fd::impl_try_from_std!(UdpSocket, std::net::UdpSocket);
crate::fd::impl_as_fd!(UdpSocket, |s| s.io.get_ref());
