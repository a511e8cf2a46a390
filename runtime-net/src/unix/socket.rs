//! `UnixSocket`: a Unix-domain socket not yet listening, connected or in
//! use for datagrams, as `TcpSocket` is for TCP.
//!
//! It is a bare non-blocking, close-on-exec `socket2::Socket` of the
//! stream or datagram type; nothing touches the reactor until it becomes a
//! [`UnixListener`], [`UnixStream`] or [`UnixDatagram`], which is when a
//! runtime is needed. Asking a datagram socket to listen or connect as a
//! stream, or a stream socket to become a datagram socket, fails with an
//! error that says which, instead of an obscure OS error later.

use super::{UnixDatagram, UnixListener, UnixStream};
use socket2::{Domain, SockAddr, Socket, Type};
use std::io;
use std::os::fd::{FromRawFd, IntoRawFd, RawFd};
use std::path::Path;

/// A Unix-domain socket that is not yet listening, connected, or in use
/// for datagrams: create it, [`bind`](UnixSocket::bind) it if needed, then
/// turn it into a [`UnixListener`] ([`listen`](UnixSocket::listen)), a
/// [`UnixStream`] ([`connect`](UnixSocket::connect)) or a
/// [`UnixDatagram`] ([`datagram`](UnixSocket::datagram)). Options can be
/// set in between through `socket2::SockRef::from(&socket)`.
///
/// ```
/// use runtime::net::{UnixSocket, UnixStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
/// #   let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
/// #   std::fs::create_dir_all(&dir)?;
///     let path = dir.join("server.sock");
///     let socket = UnixSocket::new_stream()?;
///     socket.bind(&path)?;
///     let listener = socket.listen(64)?;
///
///     let client = UnixSocket::new_stream()?.connect(&path).await?;
///     let (_server, _) = listener.accept().await?;
///     assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_path()));
/// #   std::fs::remove_dir_all(&dir)?;
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct UnixSocket {
    inner: Socket,
}

impl UnixSocket {
    /// Creates a Unix datagram socket (non-blocking, close-on-exec), to
    /// become a [`UnixDatagram`] through [`datagram`](UnixSocket::datagram).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UnixSocket::new_datagram()?;
    /// let datagram = socket.datagram()?;
    /// assert!(datagram.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::DGRAM)
    }

    /// Creates a Unix stream socket (non-blocking, close-on-exec), to
    /// become a [`UnixListener`] or a [`UnixStream`].
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UnixSocket::new_stream()?;
    /// # let _ = socket;
    /// # Ok(())
    /// # }
    /// ```
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::STREAM)
    }

    fn new(ty: Type) -> io::Result<UnixSocket> {
        #[cfg(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "illumos",
            target_os = "linux",
            target_os = "netbsd",
            target_os = "openbsd"
        ))]
        let inner = Socket::new(Domain::UNIX, ty.nonblocking().cloexec(), None)?;
        #[cfg(not(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "illumos",
            target_os = "linux",
            target_os = "netbsd",
            target_os = "openbsd"
        )))]
        let inner = {
            let socket = Socket::new(Domain::UNIX, ty, None)?;
            socket.set_nonblocking(true)?;
            socket.set_cloexec(true)?;
            socket
        };
        Ok(UnixSocket { inner })
    }

    fn is_datagram(&self) -> io::Result<bool> {
        Ok(self.inner.r#type()? == Type::DGRAM)
    }

    /// Binds the socket to `path`, creating the socket file (which is not
    /// removed on drop). Fails with `AddrInUse` if the file exists.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("bound.sock");
    /// runtime::net::UnixSocket::new_datagram()?.bind(&path)?;
    /// assert!(path.exists());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        self.inner.bind(&SockAddr::unix(path)?)
    }

    /// Starts listening and returns the [`UnixListener`]; `backlog` is the
    /// length of the queue of connections not yet accepted (the OS may cap
    /// it). Fails on a datagram socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::UnixSocket;
    ///
    /// let path = dir.join("listen.sock");
    /// let socket = UnixSocket::new_stream()?;
    /// socket.bind(&path)?;
    /// let listener = socket.listen(16)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    ///
    /// let err = UnixSocket::new_datagram()?.listen(16).unwrap_err();
    /// assert!(err.to_string().contains("datagram"));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.is_datagram()? {
            return Err(io::Error::other(
                "UnixSocket::listen on a datagram socket: create it with new_stream",
            ));
        }
        self.inner.listen(backlog.min(i32::MAX as u32) as i32)?;
        UnixListener::from_std(self.inner.into())
    }

    /// Connects to the socket at `path` and returns the [`UnixStream`].
    /// Fails on a datagram socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::{UnixListener, UnixSocket};
    ///
    /// let path = dir.join("connect.sock");
    /// let listener = UnixListener::bind(&path)?;
    /// let client = UnixSocket::new_stream()?.connect(&path).await?;
    /// let (server, _) = listener.accept().await?;
    /// assert_eq!(server.peer_cred()?, client.peer_cred()?); // both ends are us
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Nothing to resume: the socket is consumed, and dropping the future
    /// closes it.
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.is_datagram()? {
            return Err(io::Error::other(
                "UnixSocket::connect on a datagram socket: create it with new_stream, \
                 or use datagram() and UnixDatagram::connect",
            ));
        }
        // A socket from `from_raw_fd` may be blocking; a blocking connect
        // would stall the worker thread.
        self.inner.set_nonblocking(true)?;
        match self.inner.connect(&SockAddr::unix(path)?) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let std: std::os::unix::net::UnixStream = self.inner.into();
        UnixStream::connect_mio(mio::net::UnixStream::from_std(std)).await
    }

    /// Turns the socket into a [`UnixDatagram`], bound or not. Fails on a
    /// stream socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::{UnixDatagram, UnixSocket};
    ///
    /// let path = dir.join("dgram.sock");
    /// let socket = UnixSocket::new_datagram()?;
    /// socket.bind(&path)?;
    /// let rx = socket.datagram()?;
    /// UnixDatagram::unbound()?.send_to(b"hi", &path).await?;
    /// let mut buf = [0; 2];
    /// assert_eq!(rx.recv(&mut buf).await?, 2);
    ///
    /// assert!(UnixSocket::new_stream()?.datagram().is_err());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if !self.is_datagram()? {
            return Err(io::Error::other(
                "UnixSocket::datagram on a stream socket: create it with new_datagram",
            ));
        }
        UnixDatagram::from_std(self.inner.into())
    }
}

crate::fd::impl_as_fd!(UnixSocket, |s| &s.inner);

/// Takes ownership of a Unix socket descriptor.
impl FromRawFd for UnixSocket {
    /// # Safety
    ///
    /// `fd` must be an open Unix-domain socket descriptor that nothing else
    /// owns.
    unsafe fn from_raw_fd(fd: RawFd) -> UnixSocket {
        // SAFETY: the caller hands over sole ownership of an open socket
        // descriptor, which is what `Socket::from_raw_fd` requires.
        let inner = unsafe { Socket::from_raw_fd(fd) };
        UnixSocket { inner }
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}
