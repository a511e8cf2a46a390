//! `TcpListener`.

use super::TcpStream;
use crate::addr::{each_addr, ToSocketAddrs};
use runtime_reactor::io::PollEvented;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// A TCP socket server, listening for connections.
///
/// Make one with [`TcpListener::bind`] (or [`TcpSocket::listen`](super::TcpSocket::listen)
/// to set options first), then call [`accept`](TcpListener::accept) in a
/// loop, usually spawning a task per connection. Dropping the listener
/// closes it; connections already accepted are unaffected.
///
/// ```
/// use runtime::net::{TcpListener, TcpStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///     let client = runtime::spawn(async move { TcpStream::connect(addr).await });
///     let (_socket, peer) = listener.accept().await?;
///     // `peer` is the client's side of the connection.
///     assert_eq!(peer, client.await.unwrap()?.local_addr()?);
///     Ok(())
/// }
/// ```
///
/// A server that would run forever:
///
/// ```no_run
/// use runtime::io::copy;
/// use runtime::net::TcpListener;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:8080").await?;
///     loop {
///         let (socket, _) = listener.accept().await?;
///         runtime::spawn(async move {
///             let (mut rd, mut wr) = socket.into_split();
///             let _ = copy(&mut rd, &mut wr).await; // echo
///         });
///     }
/// }
/// ```
pub struct TcpListener {
    io: crate::sim::ListenerRepr,
}

impl TcpListener {
    /// Binds to `addr` and listens, with `SO_REUSEADDR` set as std does on
    /// Unix. If `addr` resolves to several addresses, each is tried in turn
    /// until one binds, and the last error is returned if none does. Port 0
    /// asks the OS for a free port: read it back with
    /// [`local_addr`](TcpListener::local_addr).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::TcpListener;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// assert!(addr.ip().is_loopback());
    /// assert_ne!(addr.port(), 0);
    ///
    /// // The port is taken now: a second bind to it fails.
    /// assert!(TcpListener::bind(addr).await.is_err());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Nothing to resume: dropping the future before it completes drops the
    /// socket it was binding (the address is free again) or abandons the
    /// host-name lookup. Call `bind` again to retry.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        each_addr(addr, |addr| async move {
            #[cfg(feature = "sim")]
            if runtime_sim::in_sim() {
                let io = runtime_sim::net::SimTcpListener::bind(addr)?;
                return Ok(TcpListener {
                    io: crate::sim::ListenerRepr::Sim(io),
                });
            }
            TcpListener::from_mio(mio::net::TcpListener::bind(addr)?)
        })
        .await
    }

    #[track_caller]
    fn from_mio(listener: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: crate::sim::ListenerRepr::Os(PollEvented::new(listener)?),
        })
    }

    /// Wraps a listener created with std, switching it to non-blocking mode
    /// and registering it with the current runtime's reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let addr = std_listener.local_addr()?;
    /// let listener = runtime::net::TcpListener::from_std(std_listener)?;
    /// assert_eq!(listener.local_addr()?, addr);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        TcpListener::from_mio(mio::net::TcpListener::from_std(listener))
    }

    /// Deregisters the listener from the reactor and returns it as a std
    /// listener. It is still in non-blocking mode: call
    /// `set_nonblocking(false)` before using it with blocking calls.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// let std_listener = listener.into_std()?;
    /// assert_eq!(std_listener.local_addr()?, addr);
    /// // Non-blocking: with no connection waiting, accept returns at once.
    /// let err = std_listener.accept().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let mio = self.io.into_os().into_inner()?;
        // SAFETY: `into_raw_fd` hands over sole ownership of a valid, open
        // listening socket descriptor, which the std listener then owns.
        Ok(unsafe { std::net::TcpListener::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Waits for a connection and returns the new stream with the peer's
    /// address.
    ///
    /// Errors such as `EMFILE` (too many open files) are returned as they are;
    /// the listener stays usable and accepts again once descriptors free up.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, peer) = listener.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// assert_eq!(server.peer_addr()?, client.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe. A connection is taken off the queue only by the
    /// `accept(2)` call made inside a poll, and that poll returns it; a
    /// future dropped while waiting has taken nothing, so a connection that
    /// arrives afterwards is returned by the next `accept`.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls for a connection: the poll-based form of
    /// [`accept`](TcpListener::accept), for hand-written futures and streams.
    ///
    /// Returns `Pending` and arranges for `cx`'s waker to be woken when a
    /// connection may be ready. Only the waker of the most recent call is
    /// kept.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::{TcpListener, TcpStream};
    /// use std::future::poll_fn;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, peer) = poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        #[cfg(feature = "sim")]
        if let crate::sim::ListenerRepr::Sim(l) = &self.io {
            let (stream, addr) = std::task::ready!(l.poll_accept(cx))?;
            let inner = crate::sim::TcpRepr::Sim(stream);
            return Poll::Ready(Ok((TcpStream { inner }, addr)));
        }
        let (stream, addr) =
            std::task::ready!(self.io.poll_read_io(cx, || self.io.get_ref().accept()))?;
        Poll::Ready(TcpStream::from_mio(stream).map(|s| (s, addr)))
    }

    /// The address the listener is bound to, with the actual port when it
    /// was bound to port 0.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert_ne!(listener.local_addr()?.port(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        #[cfg(feature = "sim")]
        if let crate::sim::ListenerRepr::Sim(l) = &self.io {
            return Ok(l.local_addr());
        }
        self.io.get_ref().local_addr()
    }

    /// Sets the `IP_TTL` option: the time-to-live of packets sent from
    /// accepted sockets.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(42)?;
    /// assert_eq!(listener.ttl()?, 42);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The `IP_TTL` option; see [`set_ttl`](TcpListener::set_ttl).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert!(listener.ttl()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}

crate::fd::impl_try_from_std!(TcpListener, std::net::TcpListener);
crate::fd::impl_as_fd!(TcpListener, |s| s.io.get_ref());
