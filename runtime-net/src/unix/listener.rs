//! `UnixListener`.

use super::{SocketAddr, UnixStream};
use runtime_reactor::io::PollEvented;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::path::Path;
use std::task::{Context, Poll};

/// A Unix-domain stream socket server, listening for connections on a
/// filesystem path.
///
/// Binding creates the socket file; it is not removed when the listener is
/// dropped (as with std), so remove it yourself before binding the same path
/// again.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{UnixListener, UnixStream};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
/// #   let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
/// #   std::fs::create_dir_all(&dir)?;
///     let path = dir.join("echo.sock");
///     let listener = UnixListener::bind(&path)?;
///
///     let mut client = UnixStream::connect(&path).await?;
///     let (mut server, _) = listener.accept().await?;
///     client.write_all(b"over a unix socket").await?;
///     client.shutdown().await?;
///     let mut got = String::new();
///     server.read_to_string(&mut got).await?;
///     assert_eq!(got, "over a unix socket");
///
///     std::fs::remove_file(&path)?;
/// #   std::fs::remove_dir_all(&dir)?;
///     Ok(())
/// }
/// ```
pub struct UnixListener {
    io: PollEvented<mio::net::UnixListener>,
}

impl UnixListener {
    /// Creates the socket file at `path`, binds to it and listens. It is
    /// synchronous, as Tokio's is: binding a path needs no waiting. Fails
    /// with `AddrInUse` if the file exists.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// assert!(path.exists());
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// // The path is taken until the file is removed.
    /// assert!(runtime::net::UnixListener::bind(&path).is_err());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new(mio::net::UnixListener::bind(path)?)?,
        })
    }

    /// Creates a listener bound to `addr`: a path, or on Linux an abstract
    /// name (`SocketAddrExt::from_abstract_name`), which leaves no file
    /// behind.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use std::os::unix::net::SocketAddr;
    ///
    /// let path = dir.join("by-addr.sock");
    /// let addr = SocketAddr::from_pathname(&path)?;
    /// let listener = runtime::net::UnixListener::bind_addr(&addr)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn bind_addr(addr: &SocketAddr) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new(mio::net::UnixListener::bind_addr(addr)?)?,
        })
    }

    /// Deregisters the listener from the reactor and returns it as a std
    /// listener. It is still in non-blocking mode: call
    /// `set_nonblocking(false)` before using it with blocking calls.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// let std_listener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// let _client = std::os::unix::net::UnixStream::connect(&path)?;
    /// let (_server, _) = std_listener.accept()?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let mio = self.io.into_inner()?;
        // SAFETY: `into_raw_fd` hands over sole ownership of a valid, open
        // socket descriptor, which the std listener then owns.
        Ok(unsafe { std::os::unix::net::UnixListener::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Takes the socket's pending error (`SO_ERROR`), clearing it;
    /// `Ok(None)` when there is none.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let listener = runtime::net::UnixListener::bind(dir.join("s.sock"))?;
    /// assert!(listener.take_error()?.is_none());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// Wraps a listener created with std, switching it to non-blocking mode
    /// and registering it with the current runtime's reactor.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// let std_listener = std::os::unix::net::UnixListener::bind(&path)?;
    /// let listener = runtime::net::UnixListener::from_std(std_listener)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        listener.set_nonblocking(true)?;
        Ok(UnixListener {
            io: PollEvented::new(mio::net::UnixListener::from_std(listener))?,
        })
    }

    /// Waits for a connection and returns the new stream with the peer's
    /// address (usually unnamed: clients seldom bind a path).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// use runtime::net::{UnixListener, UnixStream};
    ///
    /// let listener = UnixListener::bind(&path)?;
    /// let _client = UnixStream::connect(&path).await?;
    /// let (server, peer) = listener.accept().await?;
    /// assert!(peer.is_unnamed());
    /// assert_eq!(server.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe. A connection is taken off the queue only by the
    /// `accept(2)` call made inside a poll, and that poll returns it; a
    /// future dropped while waiting has taken nothing, so the next `accept`
    /// returns the connection.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls for a connection: the poll-based form of
    /// [`accept`](UnixListener::accept), for hand-written futures. Returns
    /// `Pending` and arranges for `cx`'s waker to be woken when a connection
    /// may be ready; only the waker of the most recent call is kept.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// use runtime::net::{UnixListener, UnixStream};
    /// use std::future::poll_fn;
    ///
    /// let listener = UnixListener::bind(&path)?;
    /// let _client = UnixStream::connect(&path).await?;
    /// let (_server, peer) = poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// assert!(peer.is_unnamed());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (stream, addr) =
            std::task::ready!(self.io.poll_read_io(cx, || self.io.get_ref().accept()))?;
        Poll::Ready(UnixStream::from_mio(stream).map(|s| (s, addr)))
    }

    /// The address (path) the listener is bound to.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("server.sock");
    /// let listener = runtime::net::UnixListener::bind(&path)?;
    /// assert_eq!(listener.local_addr()?.as_pathname(), Some(path.as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}

crate::fd::impl_try_from_std!(UnixListener, std::os::unix::net::UnixListener);
crate::fd::impl_as_fd!(UnixListener, |s| s.io.get_ref());
