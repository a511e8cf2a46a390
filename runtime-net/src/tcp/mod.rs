//! TCP: [`TcpListener`], [`TcpStream`], the [`TcpSocket`] builder, and the
//! stream's halves.
//!
//! A server binds a [`TcpListener`] and accepts connections; a client
//! connects a [`TcpStream`]; a [`TcpSocket`] sets options that must be in
//! place before either (address reuse, buffer sizes, a client's local
//! address). A stream can be split into a read half and a write half:
//! borrowed ([`ReadHalf`], [`WriteHalf`], from [`TcpStream::split`]) to use
//! both in one task, or owned ([`OwnedReadHalf`], [`OwnedWriteHalf`], from
//! [`TcpStream::into_split`]) to move them to different tasks.
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
//! use runtime::net::{TcpListener, TcpStream};
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let client = TcpStream::connect(listener.local_addr()?).await?;
//!     let (server, _) = listener.accept().await?;
//!
//!     let (mut read, mut write): (OwnedReadHalf, OwnedWriteHalf) = server.into_split();
//!     // An echo task that owns both halves of the server side.
//!     runtime::spawn(async move { runtime::io::copy(&mut read, &mut write).await });
//!
//!     let (mut rd, mut wr) = client.into_split();
//!     wr.write_all(b"echo me").await?;
//!     drop(wr); // shuts down the write side: the echo ends
//!     let mut echoed = Vec::new();
//!     rd.read_to_end(&mut echoed).await?;
//!     assert_eq!(echoed, b"echo me");
//!     Ok(())
//! }
//! ```

mod listener;
mod socket;
mod stream;
mod stream_options;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use stream::TcpStream;

/// The read half of a [`TcpStream`] borrowed by [`TcpStream::split`].
///
/// It implements `AsyncRead`; the [`WriteHalf`] borrowed with it can be used
/// at the same time, in the same task. See [`TcpStream::split`].
///
/// ```
/// use runtime::io::AsyncReadExt;
/// use runtime::net::tcp::ReadHalf;
///
/// async fn read_greeting(rd: &mut ReadHalf<'_>) -> std::io::Result<String> {
///     let mut buf = [0; 5];
///     rd.read_exact(&mut buf).await?;
///     Ok(String::from_utf8_lossy(&buf).into_owned())
/// }
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// # use runtime::io::AsyncWriteExt;
/// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (mut server, _) = listener.accept().await?;
/// client.write_all(b"hello").await?;
/// let (mut rd, _wr) = server.split();
/// assert_eq!(read_greeting(&mut rd).await?, "hello");
/// # Ok(())
/// # }
/// ```
pub type ReadHalf<'a> = crate::split::ReadHalf<'a, TcpStream>;
/// The write half of a [`TcpStream`] borrowed by [`TcpStream::split`].
///
/// It implements `AsyncWrite`; closing it (`shutdown`) shuts down the
/// stream's write side. See [`TcpStream::split`].
///
/// ```
/// use runtime::io::AsyncWriteExt;
/// use runtime::net::tcp::WriteHalf;
///
/// async fn say_bye(wr: &mut WriteHalf<'_>) -> std::io::Result<()> {
///     wr.write_all(b"bye").await?;
///     wr.shutdown().await
/// }
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// # use runtime::io::AsyncReadExt;
/// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (mut server, _) = listener.accept().await?;
/// let (_rd, mut wr) = server.split();
/// say_bye(&mut wr).await?;
/// let mut got = String::new();
/// client.read_to_string(&mut got).await?;
/// assert_eq!(got, "bye");
/// # Ok(())
/// # }
/// ```
pub type WriteHalf<'a> = crate::split::WriteHalf<'a, TcpStream>;
/// The read half of a [`TcpStream`] owned after [`TcpStream::into_split`].
///
/// It implements `AsyncRead` and can move to another task than its
/// [`OwnedWriteHalf`]. `reunite` with its write half gives the stream back.
/// See [`TcpStream::into_split`].
///
/// ```
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// use runtime::net::tcp::OwnedReadHalf;
///
/// // A reader task that owns its half.
/// async fn count_lines(rd: OwnedReadHalf) -> std::io::Result<usize> {
///     let mut lines = BufReader::new(rd).lines();
///     let mut n = 0;
///     while lines.next_line().await?.is_some() {
///         n += 1;
///     }
///     Ok(n)
/// }
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// # use runtime::io::AsyncWriteExt;
/// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (server, _) = listener.accept().await?;
/// let (rd, _wr) = server.into_split();
/// let counter = runtime::spawn(count_lines(rd));
/// client.write_all(b"a\nb\nc\n").await?;
/// client.shutdown().await?;
/// assert_eq!(counter.await.unwrap()?, 3);
/// # Ok(())
/// # }
/// ```
pub type OwnedReadHalf = crate::split::OwnedReadHalf<TcpStream>;
/// The write half of a [`TcpStream`] owned after [`TcpStream::into_split`].
///
/// It implements `AsyncWrite`. Dropping it shuts down the stream's write side
/// (the peer reads end of stream) unless `forget` is called instead. See
/// [`TcpStream::into_split`].
///
/// ```
/// use runtime::io::AsyncWriteExt;
/// use runtime::net::tcp::OwnedWriteHalf;
///
/// // A writer task that owns its half; dropping it at the end shuts the
/// // write side down.
/// async fn send_all(mut wr: OwnedWriteHalf, msgs: Vec<&'static str>) -> std::io::Result<()> {
///     for m in msgs {
///         wr.write_all(m.as_bytes()).await?;
///     }
///     Ok(())
/// }
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// # use runtime::io::AsyncReadExt;
/// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let mut client = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
/// # let (server, _) = listener.accept().await?;
/// let (_rd, wr) = server.into_split();
/// runtime::spawn(send_all(wr, vec!["one ", "two"])).await.unwrap()?;
/// let mut got = String::new();
/// client.read_to_string(&mut got).await?; // ends: the half was dropped
/// assert_eq!(got, "one two");
/// # Ok(())
/// # }
/// ```
pub type OwnedWriteHalf = crate::split::OwnedWriteHalf<TcpStream>;
/// The error of `reunite` when the two owned halves come from different
/// streams; it holds both halves, so nothing is lost.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// let (r1, w1) = TcpStream::connect(addr).await?.into_split();
/// let (r2, w2) = TcpStream::connect(addr).await?.into_split();
///
/// let err = r1.reunite(w2).unwrap_err(); // not a pair
/// let (r1, w2) = (err.0, err.1);          // both halves come back
/// assert!(r1.reunite(w1).is_ok());
/// assert!(r2.reunite(w2).is_ok());
/// # Ok(())
/// # }
/// ```
pub type ReuniteError = crate::split::ReuniteError<TcpStream>;
