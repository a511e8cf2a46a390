//! `UnixDatagram`.

use super::SocketAddr;
use crate::stream::try_io;
use runtime_reactor::io::{Direction, PollEvented};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::path::Path;

/// A Unix-domain datagram socket: sends and receives whole datagrams,
/// reliably and in order, between sockets on the same host.
///
/// Make one bound to a path with [`bind`](UnixDatagram::bind), an unbound
/// one with [`unbound`](UnixDatagram::unbound), or a connected pair with
/// [`pair`](UnixDatagram::pair). As with [`UdpSocket`](crate::UdpSocket),
/// all methods take `&self`.
///
/// ```
/// use runtime::net::UnixDatagram;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let (a, b) = UnixDatagram::pair()?;
///     a.send(b"one").await?;
///     a.send(b"two").await?;
///     let mut buf = [0; 16];
///     let n = b.recv(&mut buf).await?;
///     assert_eq!(&buf[..n], b"one"); // datagrams keep their boundaries
///     let n = b.recv(&mut buf).await?;
///     assert_eq!(&buf[..n], b"two");
///     Ok(())
/// }
/// ```
pub struct UnixDatagram {
    pub(crate) io: PollEvented<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    #[track_caller]
    fn from_mio(socket: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: PollEvented::new(socket)?,
        })
    }

    /// Wraps a socket created with std, switching it to non-blocking mode
    /// and registering it with the current runtime's reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = std::os::unix::net::UnixDatagram::pair()?;
    /// let a = runtime::net::UnixDatagram::from_std(a)?;
    /// b.send(b"from std")?;
    /// let mut buf = [0; 16];
    /// let n = a.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"from std");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        socket.set_nonblocking(true)?;
        UnixDatagram::from_mio(mio::net::UnixDatagram::from_std(socket))
    }

    /// Deregisters the socket from the reactor and returns it as a std
    /// socket. It is still in non-blocking mode: call
    /// `set_nonblocking(false)` before using it with blocking calls.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// let a = a.into_std()?;
    /// a.set_nonblocking(false)?;
    /// a.send(b"blocking")?;
    /// let mut buf = [0; 16];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"blocking");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let mio = self.io.into_inner()?;
        // SAFETY: `into_raw_fd` hands over sole ownership of a valid, open
        // socket descriptor, which the std socket then owns.
        Ok(unsafe { std::os::unix::net::UnixDatagram::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Creates a datagram socket bound to `path` (the socket file is
    /// created, and not removed on drop). Fails with `AddrInUse` if the file
    /// exists.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("bound.sock");
    /// let socket = runtime::net::UnixDatagram::bind(&path)?;
    /// assert_eq!(socket.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixDatagram> {
        UnixDatagram::from_mio(mio::net::UnixDatagram::bind(path)?)
    }

    /// Creates a datagram socket bound to no path: it can send (with
    /// [`send_to`](UnixDatagram::send_to), or [`send`](UnixDatagram::send)
    /// after [`connect`](UnixDatagram::connect)) but nobody can address a
    /// reply to it.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::UnixDatagram;
    ///
    /// let server = UnixDatagram::bind(dir.join("server.sock"))?;
    /// let client = UnixDatagram::unbound()?;
    /// client.send_to(b"anonymous", dir.join("server.sock")).await?;
    /// let mut buf = [0; 16];
    /// let (n, from) = server.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"anonymous");
    /// assert!(from.is_unnamed());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::from_mio(mio::net::UnixDatagram::unbound()?)
    }

    /// Creates a pair of connected, unnamed datagram sockets
    /// (`socketpair(2)`).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// b.send(b"hello").await?;
    /// let mut buf = [0; 16];
    /// let n = a.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        Ok((UnixDatagram::from_mio(a)?, UnixDatagram::from_mio(b)?))
    }

    /// Sets the socket's peer: the destination of
    /// [`send`](UnixDatagram::send), and the only source it then receives
    /// from. Fails if nothing is bound at `path`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::UnixDatagram;
    ///
    /// let server = UnixDatagram::bind(dir.join("server.sock"))?;
    /// let client = UnixDatagram::unbound()?;
    /// client.connect(dir.join("server.sock"))?;
    /// assert_eq!(client.peer_addr()?.as_pathname(), Some(dir.join("server.sock").as_path()));
    /// client.send(b"via connect").await?;
    /// let mut buf = [0; 16];
    /// let n = server.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"via connect");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.io.get_ref().connect(path)
    }

    /// Sends `buf` as one datagram to the connected peer, waiting while the
    /// peer's queue is full, and returns the number of bytes sent.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// assert_eq!(a.send(b"datagram").await?, 8);
    /// let mut buf = [0; 16];
    /// assert_eq!(b.recv(&mut buf).await?, 8);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the datagram goes out whole in the single syscall of the
    /// poll that returns `Ready`; a future dropped while waiting sent
    /// nothing.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_write_io(cx, || self.io.get_ref().send(buf))).await
    }

    /// Receives one datagram from the connected peer into `buf`, waiting
    /// until one arrives, and returns its length. A datagram longer than
    /// `buf` is truncated.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// b.send(b"0123456789").await?;
    /// let mut buf = [0; 4];
    /// assert_eq!(a.recv(&mut buf).await?, 4);
    /// assert_eq!(&buf, b"0123");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is taken off the queue only by the syscall of
    /// the poll that returns it; a future dropped while waiting received
    /// nothing, and the next receive gets the datagram.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_read_io(cx, || self.io.get_ref().recv(buf))).await
    }

    /// Sends `buf` as one datagram to the socket bound at `path`, waiting
    /// while its queue is full, and returns the number of bytes sent.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::UnixDatagram;
    ///
    /// let a = UnixDatagram::bind(dir.join("a.sock"))?;
    /// let b = UnixDatagram::bind(dir.join("b.sock"))?;
    /// a.send_to(b"to b", dir.join("b.sock")).await?;
    /// let mut buf = [0; 16];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"to b");
    /// assert_eq!(from.as_pathname(), Some(dir.join("a.sock").as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the datagram goes out whole in the poll that returns
    /// `Ready`; a future dropped while waiting sent nothing.
    pub async fn send_to(&self, buf: &[u8], path: impl AsRef<Path>) -> io::Result<usize> {
        let path = path.as_ref();
        poll_fn(|cx| {
            self.io
                .poll_write_io(cx, || self.io.get_ref().send_to(buf, path))
        })
        .await
    }

    /// Receives one datagram into `buf`, waiting until one arrives, and
    /// returns its length and its source address (unnamed if the sender is
    /// not bound to a path).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::UnixDatagram;
    ///
    /// let a = UnixDatagram::bind(dir.join("a.sock"))?;
    /// let b = UnixDatagram::bind(dir.join("b.sock"))?;
    /// b.send_to(b"to a", dir.join("a.sock")).await?;
    /// let mut buf = [0; 16];
    /// let (n, from) = a.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"to a");
    /// assert_eq!(from.as_pathname(), Some(dir.join("b.sock").as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a datagram is taken off the queue only by the syscall of
    /// the poll that returns it; a future dropped while waiting received
    /// nothing, and the next receive gets the datagram.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| {
            self.io
                .poll_read_io(cx, || self.io.get_ref().recv_from(buf))
        })
        .await
    }

    /// Sends `buf` as one datagram to the connected peer without waiting;
    /// fails with `WouldBlock` when the peer's queue is full.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// assert_eq!(a.try_send(b"now")?, 3);
    /// let mut buf = [0; 16];
    /// assert_eq!(b.try_recv(&mut buf)?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        try_io(&self.io, Direction::Write, |s| s.send(buf))
    }

    /// Receives one datagram from the connected peer without waiting; fails
    /// with `WouldBlock` when none is queued.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// let mut buf = [0; 16];
    /// assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// a.try_send(b"x")?;
    /// assert_eq!(b.try_recv(&mut buf)?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        try_io(&self.io, Direction::Read, |s| s.recv(buf))
    }

    /// Sends `buf` as one datagram to the socket at `target` without
    /// waiting; fails with `WouldBlock` when the send buffer is full (then
    /// `writable` waits for room).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::UnixDatagram;
    ///
    /// let path = dir.join("rx.sock");
    /// let rx = UnixDatagram::bind(&path)?;
    /// let tx = UnixDatagram::unbound()?;
    /// assert_eq!(tx.try_send_to(b"quick", &path)?, 5);
    /// let mut buf = [0; 8];
    /// let n = rx.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"quick");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: impl AsRef<Path>) -> io::Result<usize> {
        try_io(&self.io, Direction::Write, |s| s.send_to(buf, target))
    }

    /// Receives one datagram and its source address without waiting; fails
    /// with `WouldBlock` when none is queued (then `readable` waits for
    /// one).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = runtime::net::UnixDatagram::pair()?;
    /// let mut buf = [0; 8];
    /// assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// a.send(b"hi").await?;
    /// let (n, from) = b.try_recv_from(&mut buf)?;
    /// assert_eq!(&buf[..n], b"hi");
    /// assert!(from.is_unnamed()); // a socket pair has no names
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        try_io(&self.io, Direction::Read, |s| s.recv_from(buf))
    }

    /// Shuts down the read side, the write side, or both: after
    /// `Shutdown::Write`, sends fail with `BrokenPipe`; after
    /// `Shutdown::Read`, receives return `Ok(0)` once the queue is empty.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::Shutdown;
    ///
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// a.shutdown(Shutdown::Write)?;
    /// let err = a.send(b"late").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    /// # Ok(())
    /// # }
    /// ```
    pub fn shutdown(&self, how: std::net::Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it;
    /// `Ok(None)` when there is none.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = runtime::net::UnixDatagram::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// The address (path) the socket is bound to; unnamed if it is not
    /// bound.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UnixDatagram::unbound()?;
    /// assert!(socket.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The address set by [`connect`](UnixDatagram::connect) (or of the
    /// other socket of a [`pair`](UnixDatagram::pair)); fails with
    /// `NotConnected` if there is none.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UnixDatagram::unbound()?;
    /// let err = socket.peer_addr().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotConnected);
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}

crate::fd::impl_try_from_std!(UnixDatagram, std::os::unix::net::UnixDatagram);
crate::fd::impl_as_fd!(UnixDatagram, |s| s.io.get_ref());
