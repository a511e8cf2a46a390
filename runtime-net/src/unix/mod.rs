//! Unix-domain sockets: [`UnixListener`], [`UnixStream`] (with its halves)
//! and [`UnixDatagram`].
//!
//! They work as their TCP and UDP counterparts do, with filesystem paths
//! (or no address at all, for [`UnixStream::pair`] and
//! [`UnixDatagram::pair`]) instead of IP addresses. Binding creates the
//! socket file and dropping the socket does not remove it.
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::net::unix::{OwnedReadHalf, OwnedWriteHalf};
//! use runtime::net::UnixStream;
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let (a, mut b) = UnixStream::pair()?;
//!     let (mut rd, mut wr): (OwnedReadHalf, OwnedWriteHalf) = a.into_split();
//!     wr.write_all(b"hello").await?;
//!     let mut buf = [0; 5];
//!     b.read_exact(&mut buf).await?;
//!     b.write_all(&buf).await?;
//!     rd.read_exact(&mut buf).await?;
//!     assert_eq!(&buf, b"hello");
//!     Ok(())
//! }
//! ```

mod datagram;
mod datagram_poll;
mod listener;
pub mod pipe;
mod socket;
mod stream;
mod ucred;

pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socket::UnixSocket;
pub use stream::UnixStream;
pub use ucred::{gid_t, pid_t, uid_t, UCred};

/// The address of a Unix-domain socket: a filesystem path, or unnamed
/// (std's `SocketAddr`).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// use runtime::net::unix::SocketAddr;
/// use runtime::net::{UnixListener, UnixStream};
///
/// let path = dir.join("server.sock");
/// let named: SocketAddr = UnixListener::bind(&path)?.local_addr()?;
/// assert_eq!(named.as_pathname(), Some(path.as_path()));
/// let (a, _b) = UnixStream::pair()?;
/// assert!(a.local_addr()?.is_unnamed()); // no path: an unnamed address
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub type SocketAddr = std::os::unix::net::SocketAddr;

/// The read half of a [`UnixStream`] borrowed by [`UnixStream::split`];
/// implements `AsyncRead`.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::unix::ReadHalf;
///
/// let (mut a, mut b) = runtime::net::UnixStream::pair()?;
/// b.write_all(b"x").await?;
/// let (mut rd, _wr): (ReadHalf<'_>, _) = a.split();
/// assert_eq!(rd.read_u8().await?, b'x');
/// # Ok(())
/// # }
/// ```
pub type ReadHalf<'a> = crate::split::ReadHalf<'a, UnixStream>;
/// The write half of a [`UnixStream`] borrowed by [`UnixStream::split`];
/// implements `AsyncWrite`, and closing it shuts down the write side.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::unix::WriteHalf;
///
/// let (mut a, mut b) = runtime::net::UnixStream::pair()?;
/// let (_rd, mut wr): (_, WriteHalf<'_>) = a.split();
/// wr.write_all(b"y").await?;
/// wr.shutdown().await?;
/// let mut got = Vec::new();
/// b.read_to_end(&mut got).await?;
/// assert_eq!(got, b"y");
/// # Ok(())
/// # }
/// ```
pub type WriteHalf<'a> = crate::split::WriteHalf<'a, UnixStream>;
/// The read half of a [`UnixStream`] owned after
/// [`UnixStream::into_split`]; implements `AsyncRead`, and `reunite` with
/// its write half gives the stream back.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::unix::OwnedReadHalf;
///
/// let (a, mut b) = runtime::net::UnixStream::pair()?;
/// let (rd, _wr) = a.into_split();
/// let reader = runtime::spawn(async move {
///     let mut rd: OwnedReadHalf = rd;
///     rd.read_u8().await
/// });
/// b.write_all(b"z").await?;
/// assert_eq!(reader.await.unwrap()?, b'z');
/// # Ok(())
/// # }
/// ```
pub type OwnedReadHalf = crate::split::OwnedReadHalf<UnixStream>;
/// The write half of a [`UnixStream`] owned after
/// [`UnixStream::into_split`]; implements `AsyncWrite`. Dropping it shuts
/// down the write side unless `forget` is called instead.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::unix::OwnedWriteHalf;
///
/// let (a, mut b) = runtime::net::UnixStream::pair()?;
/// let (_rd, wr) = a.into_split();
/// runtime::spawn(async move {
///     let mut wr: OwnedWriteHalf = wr;
///     wr.write_all(b"from a task").await
/// })
/// .await
/// .unwrap()?;
/// let mut got = String::new();
/// b.read_to_string(&mut got).await?; // the dropped half shut the write side
/// assert_eq!(got, "from a task");
/// # Ok(())
/// # }
/// ```
pub type OwnedWriteHalf = crate::split::OwnedWriteHalf<UnixStream>;
/// The error of `reunite` when the two owned halves come from different
/// streams; it holds both halves.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::net::UnixStream;
///
/// let (r1, w1) = UnixStream::pair()?.0.into_split();
/// let (r2, w2) = UnixStream::pair()?.0.into_split();
/// let err = r1.reunite(w2).unwrap_err(); // not a pair
/// let (r1, w2) = (err.0, err.1);          // both halves come back
/// assert!(r1.reunite(w1).is_ok());
/// assert!(r2.reunite(w2).is_ok());
/// # Ok(())
/// # }
/// ```
pub type ReuniteError = crate::split::ReuniteError<UnixStream>;
