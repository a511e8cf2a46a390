//! The backend switch between OS sockets and the simulated network of
//! `runtime::sim` (feature `sim`).
//!
//! # Design
//!
//! A socket type keeps one field, now an enum: `Os` (the registered `mio`
//! socket, as before) or `Sim` (a socket of `runtime_sim::net`), chosen when
//! the socket is created: inside a simulation (`runtime_sim::in_sim()`) the
//! constructors make the simulated one. The enum derefs to the OS socket, so
//! the code of every operation is unchanged; the operations the simulation
//! supports (connect, accept, read, write, shutdown, addresses, UDP send and
//! receive) branch on the variant first, and any other operation on a
//! simulated socket panics with a message naming it (see SIMULATION.md).
//!
//! Without the `sim` feature the enum has one variant and the branches
//! compile away. With it, each operation pays one predictable branch.

use crate::stream::Evented;
use runtime_reactor::io::PollEvented;
use std::ops::Deref;

/// The backend of a `TcpStream` (public only to be named by the sealed
/// split trait; unreachable from outside the crate).
#[doc(hidden)]
pub enum TcpRepr {
    Os(Evented<mio::net::TcpStream>),
    #[cfg(feature = "sim")]
    Sim(runtime_sim::net::SimTcpStream),
}

/// The backend of a `TcpListener`.
pub(crate) enum ListenerRepr {
    Os(PollEvented<mio::net::TcpListener>),
    #[cfg(feature = "sim")]
    Sim(runtime_sim::net::SimTcpListener),
}

/// The backend of a `UdpSocket`.
pub(crate) enum UdpRepr {
    Os(PollEvented<mio::net::UdpSocket>),
    #[cfg(feature = "sim")]
    Sim(runtime_sim::net::SimUdpSocket),
}

#[cfg(feature = "sim")]
#[cold]
#[track_caller]
fn unsupported(what: &str) -> ! {
    panic!(
        "this {what} operation is not supported on a simulated socket (inside runtime::sim): \
         the simulation covers connect/bind/accept, read/write/shutdown, addresses and \
         UDP send/receive; see SIMULATION.md"
    )
}

impl Deref for TcpRepr {
    type Target = Evented<mio::net::TcpStream>;

    #[inline]
    #[track_caller]
    fn deref(&self) -> &Self::Target {
        match self {
            TcpRepr::Os(io) => io,
            #[cfg(feature = "sim")]
            TcpRepr::Sim(_) => unsupported("TcpStream"),
        }
    }
}

impl Deref for ListenerRepr {
    type Target = PollEvented<mio::net::TcpListener>;

    #[inline]
    #[track_caller]
    fn deref(&self) -> &Self::Target {
        match self {
            ListenerRepr::Os(io) => io,
            #[cfg(feature = "sim")]
            ListenerRepr::Sim(_) => unsupported("TcpListener"),
        }
    }
}

impl Deref for UdpRepr {
    type Target = PollEvented<mio::net::UdpSocket>;

    #[inline]
    #[track_caller]
    fn deref(&self) -> &Self::Target {
        match self {
            UdpRepr::Os(io) => io,
            #[cfg(feature = "sim")]
            UdpRepr::Sim(_) => unsupported("UdpSocket"),
        }
    }
}

macro_rules! into_os {
    ($repr:ident, $target:ty, $what:literal) => {
        impl $repr {
            /// The OS socket (`into_std`).
            #[track_caller]
            pub(crate) fn into_os(self) -> $target {
                match self {
                    $repr::Os(io) => io,
                    #[cfg(feature = "sim")]
                    $repr::Sim(_) => unsupported($what),
                }
            }
        }
    };
}

into_os!(TcpRepr, Evented<mio::net::TcpStream>, "TcpStream");
into_os!(
    ListenerRepr,
    PollEvented<mio::net::TcpListener>,
    "TcpListener"
);
into_os!(UdpRepr, PollEvented<mio::net::UdpSocket>, "UdpSocket");

/// The reads and writes of a stream, for the split halves (`split.rs`):
/// through `Evented` for OS streams, through [`TcpRepr`] for TCP (so the
/// halves of a simulated stream work too).
#[doc(hidden)]
pub trait StreamIo {
    fn poll_read(
        &self,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>>;
    fn poll_read_vectored(
        &self,
        cx: &mut std::task::Context<'_>,
        bufs: &mut [std::io::IoSliceMut<'_>],
    ) -> std::task::Poll<std::io::Result<usize>>;
    fn poll_write(
        &self,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>>;
    fn poll_write_vectored(
        &self,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>>;
    fn shutdown_write(&self) -> std::task::Poll<std::io::Result<()>>;
}

macro_rules! stream_io {
    ($ty:ty $(, $g:ident: $bound:path)?) => {
        impl$(<$g: $bound>)? StreamIo for $ty {
            #[inline]
            fn poll_read(&self, cx: &mut std::task::Context<'_>, buf: &mut [u8]) -> std::task::Poll<std::io::Result<usize>> {
                <$ty>::poll_read(self, cx, buf)
            }
            #[inline]
            fn poll_read_vectored(
                &self,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                <$ty>::poll_read_vectored(self, cx, bufs)
            }
            #[inline]
            fn poll_write(&self, cx: &mut std::task::Context<'_>, buf: &[u8]) -> std::task::Poll<std::io::Result<usize>> {
                <$ty>::poll_write(self, cx, buf)
            }
            #[inline]
            fn poll_write_vectored(
                &self,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                <$ty>::poll_write_vectored(self, cx, bufs)
            }
            #[inline]
            fn shutdown_write(&self) -> std::task::Poll<std::io::Result<()>> {
                <$ty>::shutdown_write(self)
            }
        }
    };
}

stream_io!(Evented<E>, E: crate::stream::RawStream);
stream_io!(TcpRepr);

/// The stream operations with a simulated branch (the bodies of
/// `AsyncRead`/`AsyncWrite`, through `impl_async_io!`).
impl TcpRepr {
    #[inline]
    pub(crate) fn poll_read(
        &self,
        cx: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self {
            TcpRepr::Os(io) => io.poll_read(cx, buf),
            #[cfg(feature = "sim")]
            TcpRepr::Sim(s) => s.poll_read_with(Some(cx.waker()), buf),
        }
    }

    #[inline]
    pub(crate) fn poll_read_vectored(
        &self,
        cx: &mut std::task::Context<'_>,
        bufs: &mut [std::io::IoSliceMut<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self {
            TcpRepr::Os(io) => io.poll_read_vectored(cx, bufs),
            #[cfg(feature = "sim")]
            TcpRepr::Sim(s) => match bufs.iter_mut().find(|b| !b.is_empty()) {
                Some(buf) => s.poll_read_with(Some(cx.waker()), buf),
                None => std::task::Poll::Ready(Ok(0)),
            },
        }
    }

    #[inline]
    pub(crate) fn poll_write(
        &self,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self {
            TcpRepr::Os(io) => io.poll_write(cx, buf),
            #[cfg(feature = "sim")]
            TcpRepr::Sim(s) => s.poll_write_with(Some(cx.waker()), buf),
        }
    }

    #[inline]
    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self {
            TcpRepr::Os(io) => io.poll_write_vectored(cx, bufs),
            #[cfg(feature = "sim")]
            TcpRepr::Sim(s) => match bufs.iter().find(|b| !b.is_empty()) {
                Some(buf) => s.poll_write_with(Some(cx.waker()), buf),
                None => std::task::Poll::Ready(Ok(0)),
            },
        }
    }

    #[inline]
    pub(crate) fn shutdown_write(&self) -> std::task::Poll<std::io::Result<()>> {
        match self {
            TcpRepr::Os(io) => io.shutdown_write(),
            #[cfg(feature = "sim")]
            TcpRepr::Sim(s) => {
                s.shutdown_write();
                std::task::Poll::Ready(Ok(()))
            }
        }
    }
}

/// Inside a simulation, the simulated address of `host` (a host name of
/// it); `None` outside one.
#[inline]
pub(crate) fn resolve(host: &str) -> Option<std::io::Result<Vec<std::net::SocketAddr>>> {
    #[cfg(feature = "sim")]
    if runtime_sim::in_sim() {
        let (name, port) = match host.rsplit_once(':').map(|(n, p)| (n, p.parse::<u16>())) {
            Some((name, Ok(port))) => (name, port),
            _ => {
                return Some(Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "invalid socket address: expected host:port",
                )))
            }
        };
        return runtime_sim::net::resolve(name, port).map(|r| r.map(|a| vec![a]));
    }
    let _ = host;
    None
}

#[cfg(feature = "sim")]
impl UdpRepr {
    /// The simulated socket, if this is one.
    #[inline]
    pub(crate) fn sim(&self) -> Option<&runtime_sim::net::SimUdpSocket> {
        match self {
            UdpRepr::Os(_) => None,
            UdpRepr::Sim(s) => Some(s),
        }
    }
}

/// `recv`/`recv_from` on a simulated socket.
#[cfg(feature = "sim")]
pub(crate) async fn udp_recv_from(
    socket: &runtime_sim::net::SimUdpSocket,
    buf: &mut [u8],
) -> std::io::Result<(usize, std::net::SocketAddr)> {
    std::future::poll_fn(|cx| socket.poll_recv_from(cx, buf)).await
}

/// `send` on a simulated socket: to the connected peer.
#[cfg(feature = "sim")]
pub(crate) fn udp_send(
    socket: &runtime_sim::net::SimUdpSocket,
    buf: &[u8],
) -> std::io::Result<usize> {
    match socket.peer_addr() {
        Some(peer) => Ok(socket.send_to(buf, peer)),
        None => Err(std::io::ErrorKind::NotConnected.into()),
    }
}
