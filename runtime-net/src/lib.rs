//! Async networking on the runtime's reactor: TCP, UDP and Unix-domain
//! sockets.
//!
//! Users reach these types through the facade, as `runtime::net::TcpStream`
//! and so on; this crate is where they live. A socket registers with the
//! current runtime's reactor when it is created, so creating one outside a
//! runtime panics ([`TcpSocket`] is the exception until it listens or
//! connects), and once that runtime shuts down its operations fail with an
//! error instead of waiting forever.
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::net::{TcpListener, TcpStream};
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = runtime::spawn(async move {
//!         let (mut socket, _) = listener.accept().await?;
//!         let mut name = String::new();
//!         socket.read_to_string(&mut name).await?;
//!         socket.write_all(format!("hello, {name}").as_bytes()).await?;
//!         std::io::Result::Ok(())
//!     });
//!
//!     let mut stream = TcpStream::connect(addr).await?;
//!     stream.write_all(b"world").await?;
//!     stream.shutdown().await?; // the server's read_to_string ends here
//!     let mut reply = String::new();
//!     stream.read_to_string(&mut reply).await?;
//!     assert_eq!(reply, "hello, world");
//!     server.await.unwrap()?;
//! #   // The facade re-exports this crate's types: one rlib, one type.
//! #   let _same: fn(runtime::net::TcpStream) -> runtime_net::TcpStream = |s| s;
//!     Ok(())
//! }
//! ```
//!
//! # Design
//!
//! **From socket to `PollEvented`.** Each type wraps a non-blocking `mio`
//! socket in the reactor's `PollEvented`, which registers it once, at
//! creation, for both read and write readiness and deregisters it on drop.
//! Sockets made elsewhere come in through `from_std` (which switches them to
//! non-blocking mode) and leave through `into_std` (which deregisters them
//! first). The reactor keeps, per socket, a readiness word and one waker for
//! each direction; it knows nothing of TCP or UDP.
//!
//! **Readiness, edge-triggered.** The poller reports edges: "this socket
//! became readable", not "this socket is readable". So every operation is
//! the same loop: if readiness is recorded, try the syscall; if the syscall
//! says `WouldBlock`, clear the readiness that was seen and wait for the next
//! edge; otherwise return its result. The readiness word carries a tick that
//! the driver bumps on each event, and clearing is skipped when the tick has
//! moved, so an event that lands between the syscall and the clear is never
//! lost. Because the syscall runs inside a single `poll`, an operation either
//! completes (and its future returns the result) or has done nothing: this is
//! why `read`, `accept`, `recv_from` and the other one-step operations are
//! cancel-safe. A closed side or a socket error counts as ready, so a waiting
//! read sees EOF or the error instead of hanging. The `try_*` methods make one
//! attempt of the same loop without waiting, and `readable`/`writable` wait
//! for readiness without doing I/O.
//!
//! Any number of tasks may wait on the same direction of one socket (several
//! tasks receiving from one shared `UdpSocket`, or accepting on one
//! listener): an event wakes all of them, one wins the data, and the others
//! see `WouldBlock` and wait again.
//!
//! **Split halves.** A socket can be read and written at the same time from
//! two threads, and the read and write directions have separate waiter sets,
//! so the halves of a stream need no lock. `split` borrows the stream and
//! gives two views of it, usable together in one task (in `join!` or
//! `select!`); `into_split` moves the stream into an `Arc` shared by an owned
//! read half and an owned write half, which can go to different tasks.
//! Dropping the owned write half shuts down the write side (as closing the
//! stream does) unless it was `forget`-ed; `reunite` gives the stream back.
//! Closing a stream or a write half (`AsyncWriteExt::shutdown`, which is
//! `poll_close`) shuts down the write side only, so the peer reads end of
//! stream and this side can still read the reply.
//!
//! **`poll_*` methods and uninitialized buffers.** The `poll_*` forms
//! (`UdpSocket::poll_recv`, `TcpStream::poll_peek`...) are the same
//! readiness loop, one poll at a time, for hand-written futures; those
//! that receive fill a [`runtime_core::ReadBuf`] (`runtime::io::ReadBuf`),
//! and the `bytes` feature adds `try_read_buf`/`recv_buf` into a
//! `bytes::BufMut`'s spare capacity. Either may be uninitialized memory:
//! the kernel writes into it through `recv`/`read` on `MaybeUninit` bytes,
//! and only the count it reports becomes filled, so nothing is zeroed
//! first. The one `unsafe` step of each kind is written once, in
//! `uninit.rs`.
//!
//! **Descriptors and pipes.** Every socket type implements `AsRawFd` and
//! `AsFd` (so `socket2::SockRef::from(&socket)` reaches options this crate
//! does not wrap) and `TryFrom` its std type. `unix::pipe` puts pipe and
//! FIFO ends on the same `PollEvented`, after checking that the descriptor
//! is a pipe open in the right direction and switching it to non-blocking
//! mode.
//!
//! **Host name resolution.** Methods taking an address accept anything
//! [`ToSocketAddrs`] accepts. Literal addresses (`SocketAddr`, `(IpAddr,
//! u16)`, `"127.0.0.1:8080"`) resolve at once, with no thread involved. Host
//! names (`"localhost:8080"`, `("example.com", 80)`) are looked up by std's
//! blocking resolver on the runtime's blocking pool, so a slow DNS server
//! never stalls a worker; the future waits for the lookup and is woken when
//! it completes. If the runtime shuts down before the lookup runs, the
//! future fails instead of hanging. `bind` and `connect` then try each
//! resolved address in turn and return the last error if none works, as std
//! does.
//!
//! # Cancel safety
//!
//! Each async method says in a `# Cancel safety` section whether dropping
//! its future before completion (for example because another `select!`
//! branch won) can lose data. In short: operations that finish in one
//! syscall (`read`, `write`, `peek`, `accept`, `send`/`send_to`,
//! `recv`/`recv_from`, `readable`/`writable`) are cancel-safe; `connect`
//! and `bind` are not something to resume, dropping them only closes the
//! socket they were setting up.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod addr;
mod fd;
mod readiness;
mod sim;
mod split;
mod stream;
pub mod tcp;
#[cfg(feature = "tokio-io")]
mod tokio_io;
mod udp;
mod uninit;
#[cfg(unix)]
pub mod unix;

pub use addr::{lookup_host, ToSocketAddrs};
pub use tcp::{TcpListener, TcpSocket, TcpStream};
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
