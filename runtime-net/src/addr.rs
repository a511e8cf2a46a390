//! Address resolution: literals at once, host names on the blocking pool.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Anything that names one or more socket addresses, as std's
/// `ToSocketAddrs`: the argument of `bind`, `connect` and `send_to`.
///
/// Implemented for `SocketAddr`, `SocketAddrV4`, `SocketAddrV6`,
/// `(IpAddr, u16)`, `(Ipv4Addr, u16)`, `(Ipv6Addr, u16)`, `&[SocketAddr]`,
/// `"host:port"` strings (`&str`, `String`), `(&str, u16)`,
/// `(String, u16)`, and references to all of these. The trait is sealed:
/// its method is private, so it can change without breaking callers.
///
/// Literal addresses resolve at once. Host names (`"localhost:8080"`,
/// `("example.com", 443)`) are looked up with std's resolver on the
/// runtime's blocking pool, so a slow lookup never blocks a worker; a name
/// may resolve to several addresses, which `bind` and `connect` try in turn.
///
/// ```
/// use runtime::net::{TcpListener, TcpStream};
/// use std::net::{Ipv4Addr, SocketAddr};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
///     let port = listener.local_addr()?.port();
///
///     // The same address, spelled four ways.
///     let addr: SocketAddr = ([127, 0, 0, 1], port).into();
///     TcpStream::connect(addr).await?;
///     TcpStream::connect(format!("127.0.0.1:{port}")).await?;
///     TcpStream::connect(("127.0.0.1", port)).await?;
///     TcpStream::connect(&[addr][..]).await?;
///     // A host name, looked up on the blocking pool (if "localhost" also
///     // names ::1, that address is tried first or after, and refused).
///     TcpStream::connect(("localhost", port)).await?;
///     Ok(())
/// }
/// ```
pub trait ToSocketAddrs: sealed::Sealed {}

pub(crate) mod sealed {
    use super::Resolve;

    /// Resolution entry point, hidden so the trait can grow without breaking users.
    pub trait Sealed {
        #[doc(hidden)]
        fn to_socket_addrs(&self) -> Resolve;
    }
}

/// Resolves `host` to the socket addresses it names: a literal address
/// (`"127.0.0.1:80"`, `SocketAddr`, `(IpAddr, u16)`...) at once, a host
/// name (`"localhost:80"`, `("example.com", 443)`) with std's resolver on
/// the runtime's blocking pool, so a slow DNS server never stalls a worker.
///
/// A host name needs a port: `"example.com"` alone is an error, as with
/// std. The order of the addresses is the resolver's.
///
/// ```
/// use std::net::SocketAddr;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let addrs: Vec<SocketAddr> = runtime::net::lookup_host("127.0.0.1:8080").await?.collect();
///     assert_eq!(addrs, ["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]);
///
///     for addr in runtime::net::lookup_host(("localhost", 8080)).await? {
///         assert!(addr.ip().is_loopback());
///         assert_eq!(addr.port(), 8080);
///     }
///     Ok(())
/// }
/// ```
///
/// # Cancel safety
///
/// Dropping the future abandons the lookup: the blocking job still runs to
/// its end, and its result is dropped.
///
/// # Panics
///
/// Outside a runtime, for a host name (literals need none).
pub async fn lookup_host<T>(host: T) -> io::Result<impl Iterator<Item = SocketAddr>>
where
    T: ToSocketAddrs,
{
    Ok(host.to_socket_addrs().await?.into_iter())
}

/// Resolves `addr`, then runs `f` on each address in turn until one succeeds,
/// returning the last error otherwise (as std's `TcpStream::connect` does).
pub(crate) async fn each_addr<A, T, F, Fut>(addr: A, mut f: F) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let addrs = addr.to_socket_addrs().await?;
    let mut last_err = None;
    for addr in addrs {
        match f(addr).await {
            Ok(v) => return Ok(v),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        )
    }))
}

/// The first address `addr` resolves to (for `send_to`).
pub(crate) async fn first_addr<A: ToSocketAddrs>(addr: A) -> io::Result<SocketAddr> {
    addr.to_socket_addrs()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no addresses to send data to"))
}

/// A resolution in progress: either done, or waiting on a blocking lookup.
#[doc(hidden)]
pub enum Resolve {
    Ready(Option<io::Result<Vec<SocketAddr>>>),
    Blocking(Arc<Mutex<Lookup>>),
}

#[doc(hidden)]
#[derive(Default)]
pub struct Lookup {
    result: Option<io::Result<Vec<SocketAddr>>>,
    waker: Option<Waker>,
    /// The job ended (or was dropped unrun) without a result.
    abandoned: bool,
}

/// Completes the lookup even if the job is dropped without running (pool shut down).
struct Completer(Arc<Mutex<Lookup>>);

impl Drop for Completer {
    fn drop(&mut self) {
        let mut lookup = self.0.lock().unwrap_or_else(|e| e.into_inner());
        lookup.abandoned = true;
        if let Some(w) = lookup.waker.take() {
            w.wake();
        }
    }
}

impl Resolve {
    fn ready(addrs: Vec<SocketAddr>) -> Resolve {
        Resolve::Ready(Some(Ok(addrs)))
    }

    /// Looks `host` up with std's resolver on the blocking pool.
    fn blocking(host: String) -> Resolve {
        // Inside `runtime::sim`: the simulated hosts' names.
        if let Some(result) = crate::sim::resolve(&host) {
            return Resolve::Ready(Some(result));
        }
        let handle = runtime_reactor::Handle::current();
        let lookup = Arc::new(Mutex::new(Lookup::default()));
        let completer = Completer(lookup.clone());
        handle.spawn_blocking_job(Box::new(move || {
            let result = std::net::ToSocketAddrs::to_socket_addrs(host.as_str())
                .map(|it| it.collect::<Vec<_>>());
            completer.0.lock().unwrap_or_else(|e| e.into_inner()).result = Some(result);
            drop(completer);
        }));
        Resolve::Blocking(lookup)
    }
}

impl Future for Resolve {
    type Output = io::Result<Vec<SocketAddr>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Resolve::Ready(r) => Poll::Ready(r.take().expect("Resolve polled after completion")),
            Resolve::Blocking(lookup) => {
                let mut lookup = lookup.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(result) = lookup.result.take() {
                    return Poll::Ready(result);
                }
                if lookup.abandoned {
                    return Poll::Ready(Err(io::Error::other(
                        "address lookup was dropped: the runtime is shutting down",
                    )));
                }
                lookup.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl ToSocketAddrs for SocketAddr {}
impl sealed::Sealed for SocketAddr {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::ready(vec![*self])
    }
}

impl ToSocketAddrs for SocketAddrV4 {}
impl sealed::Sealed for SocketAddrV4 {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::ready(vec![SocketAddr::V4(*self)])
    }
}

impl ToSocketAddrs for SocketAddrV6 {}
impl sealed::Sealed for SocketAddrV6 {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::ready(vec![SocketAddr::V6(*self)])
    }
}

impl ToSocketAddrs for (IpAddr, u16) {}
impl ToSocketAddrs for (Ipv4Addr, u16) {}
impl ToSocketAddrs for (Ipv6Addr, u16) {}
impl sealed::Sealed for (IpAddr, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::ready(vec![SocketAddr::new(self.0, self.1)])
    }
}
impl sealed::Sealed for (Ipv4Addr, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::ready(vec![SocketAddr::new(self.0.into(), self.1)])
    }
}
impl sealed::Sealed for (Ipv6Addr, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::ready(vec![SocketAddr::new(self.0.into(), self.1)])
    }
}

impl ToSocketAddrs for str {}
impl sealed::Sealed for str {
    fn to_socket_addrs(&self) -> Resolve {
        match self.parse::<SocketAddr>() {
            Ok(addr) => Resolve::ready(vec![addr]),
            Err(_) => Resolve::blocking(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}
impl sealed::Sealed for String {
    fn to_socket_addrs(&self) -> Resolve {
        self.as_str().to_socket_addrs()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl sealed::Sealed for (&str, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        match self.0.parse::<IpAddr>() {
            Ok(ip) => Resolve::ready(vec![SocketAddr::new(ip, self.1)]),
            Err(_) => Resolve::blocking(format!("{}:{}", self.0, self.1)),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl sealed::Sealed for (String, u16) {
    fn to_socket_addrs(&self) -> Resolve {
        (self.0.as_str(), self.1).to_socket_addrs()
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl sealed::Sealed for [SocketAddr] {
    fn to_socket_addrs(&self) -> Resolve {
        Resolve::ready(self.to_vec())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: sealed::Sealed + ?Sized> sealed::Sealed for &T {
    fn to_socket_addrs(&self) -> Resolve {
        (**self).to_socket_addrs()
    }
}
