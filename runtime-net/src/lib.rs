//! Async networking on the reactor: TCP, UDP and Unix-domain sockets.
//!
//! Every socket is a non-blocking `mio` socket inside the reactor's
//! `PollEvented`, and every operation is the same loop (`stream.rs`): try the
//! syscall; on `WouldBlock`, clear the readiness that was seen and wait for the
//! next edge. Streams implement the runtime-neutral `futures-io` traits, so any
//! code written against `futures::io` works on them unchanged; closing a stream
//! (`poll_close`) shuts down its write side only, so the peer's reply can still
//! be read.
//!
//! Addresses are resolved like std's: literal addresses at once, host names on
//! the runtime's blocking pool (`addr.rs`).

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod addr;
mod split;
mod stream;
pub mod tcp;
mod udp;
#[cfg(unix)]
pub mod unix;

pub use addr::ToSocketAddrs;
pub use tcp::{TcpListener, TcpSocket, TcpStream};
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{UnixDatagram, UnixListener, UnixStream};
