//! TCP, UDP and Unix-domain sockets.
//!
//! The streams implement the `futures-io` traits ([`crate::io::AsyncRead`],
//! [`crate::io::AsyncWrite`]); closing one shuts down its write side only.
//! Addresses are anything [`ToSocketAddrs`] takes; host names are resolved
//! on the blocking pool ([`lookup_host`] resolves without connecting).
//! Pipes and FIFOs are in [`unix::pipe`]. The types come from the
//! `runtime-net` crate, whose documentation describes the design
//! (readiness, split halves, resolution).
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::net::{TcpListener, TcpStream};
//!
//! #[runtime::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     runtime::spawn(async move {
//!         let (mut socket, _) = listener.accept().await.unwrap();
//!         let mut buf = [0; 5];
//!         socket.read_exact(&mut buf).await.unwrap();
//!         socket.write_all(&buf).await.unwrap();
//!     });
//!     let mut stream = TcpStream::connect(addr).await?;
//!     stream.write_all(b"hello").await?;
//!     let mut reply = [0; 5];
//!     stream.read_exact(&mut reply).await?;
//!     assert_eq!(&reply, b"hello");
//!     Ok(())
//! }
//! ```
//!
//! # Cancel safety
//!
//! Operations that complete in one syscall are cancel-safe: `accept`,
//! `peek`, `readable`/`writable`, `send`/`send_to`, `recv`/`recv_from`, and
//! reading or writing a stream through
//! [`AsyncReadExt::read`](crate::io::AsyncReadExt::read) and
//! [`AsyncWriteExt::write`](crate::io::AsyncWriteExt::write). If one of
//! these futures is dropped (say, a `select!` branch that lost), nothing was
//! received or sent, and the next call gets the data. Helpers that loop,
//! such as `read_exact` and `write_all`, are not; see [`crate::io`].

pub use runtime_net::tcp;
#[cfg(unix)]
pub use runtime_net::unix;
pub use runtime_net::{lookup_host, TcpListener, TcpSocket, TcpStream, ToSocketAddrs, UdpSocket};
#[cfg(unix)]
pub use runtime_net::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
