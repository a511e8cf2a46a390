//! [`serve`]: a tower (or hyper) service on a listener, in one line, as
//! `axum::serve` does on Tokio.
//!
//! # Design
//!
//! One accept loop, one task per connection. The loop waits, in one poll, for
//! a connection or for the shutdown signal (when there is one), so a server
//! that is told to stop stops accepting at once, even while no client comes.
//!
//! **Accept errors.** Errors that concern one connection only (the peer gave
//! up before we took it: `ConnectionAborted`, `ConnectionReset`,
//! `ConnectionRefused`) are skipped. Any other error, typically `EMFILE` or
//! `ENFILE` (out of file descriptors), will come back on the very next call
//! until something else closes a descriptor, so the loop backs off: it
//! sleeps 5 ms, doubling on each consecutive error up to 1 s, and returns to
//! no delay after the first success. Without that, a naive loop spins a core
//! at 100 % for as long as the limit is reached.
//!
//! **Graceful shutdown.** The loop owns a [`watch`](crate::sync::watch)
//! sender; each connection task holds a receiver. When the signal completes,
//! the loop drops the listener (new connections are refused), sends on the
//! channel (each connection calls hyper's `graceful_shutdown`: requests in
//! flight complete, idle keep-alive connections close), then waits in
//! `Sender::closed` until every connection task has ended and dropped its
//! receiver. Without a signal the future never completes; dropping it stops
//! accepting but leaves the connections already accepted running, as axum's.
//!
//! **Per connection.** TCP connections get `TCP_NODELAY` (on by default,
//! [`Serve::tcp_nodelay`]): a response's last segment is not held back by
//! Nagle's algorithm waiting for the client's delayed ACK. Each request
//! carries the peer's address as a [`PeerAddr`] extension. HTTP/1.1 with
//! upgrades (WebSocket handshakes work); with the `http2` feature, the first
//! bytes are read once to look for HTTP/2's connection preface (prior
//! knowledge, `h2c`), then replayed to whichever protocol it is.
//!
//! **Services.** A tower `Service<Request<Incoming>>` that is `Clone`, as
//! axum's `Router` is: each connection gets a clone, and each request waits
//! for `poll_ready` on its own clone before `call`, as hyper-util's
//! `TowerToHyperService` does. A hyper service (`hyper::service::service_fn`)
//! goes through [`FromHyper`].

use std::error::Error as StdError;
use std::fmt;
use std::future::{poll_fn, Future, IntoFuture};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::{Request, Response};

use super::{HyperIo, HyperTimer};
use crate::sync::watch;

/// What [`serve`] needs of a listener: accept connections, say where it
/// listens. Implemented for [`TcpListener`](crate::net::TcpListener) and
/// [`UnixListener`](crate::net::UnixListener).
///
/// ```
/// use runtime::hyper::Listener;
/// use runtime::net::TcpListener;
///
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = Listener::local_addr(&listener)?;
/// assert!(addr.ip().is_loopback());
/// # Ok(())
/// # }
/// ```
pub trait Listener: Send + 'static {
    /// A connection.
    type Io: futures_io::AsyncRead + futures_io::AsyncWrite + Unpin + Send + 'static;
    /// A peer's (or the listener's) address.
    type Addr: Clone + fmt::Debug + Send + Sync + 'static;

    /// Polls for the next connection.
    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(Self::Io, Self::Addr)>>;

    /// The address this listener is bound to.
    fn local_addr(&self) -> io::Result<Self::Addr>;

    /// Sets `TCP_NODELAY` on a connection, where that means something.
    fn set_nodelay(_io: &Self::Io, _nodelay: bool) -> io::Result<()> {
        Ok(())
    }
}

impl Listener for crate::net::TcpListener {
    type Io = crate::net::TcpStream;
    type Addr = std::net::SocketAddr;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(Self::Io, Self::Addr)>> {
        crate::net::TcpListener::poll_accept(self, cx)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        crate::net::TcpListener::local_addr(self)
    }

    fn set_nodelay(io: &Self::Io, nodelay: bool) -> io::Result<()> {
        io.set_nodelay(nodelay)
    }
}

#[cfg(unix)]
impl Listener for crate::net::UnixListener {
    type Io = crate::net::UnixStream;
    type Addr = crate::net::unix::SocketAddr;

    fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(Self::Io, Self::Addr)>> {
        crate::net::UnixListener::poll_accept(self, cx)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        crate::net::UnixListener::local_addr(self)
    }
}

/// The peer's address, added to every request's extensions by [`serve`].
///
/// ```no_run
/// use std::convert::Infallible;
/// use std::net::SocketAddr;
///
/// use hyper::{Request, Response};
/// use runtime::hyper::{serve, FromHyper, PeerAddr};
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = runtime::net::TcpListener::bind("127.0.0.1:3000").await?;
///     let who = hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
///         let PeerAddr(peer) = req.extensions().get::<PeerAddr<SocketAddr>>().unwrap();
///         Ok::<_, Infallible>(Response::new(format!("you are {peer}\n")))
///     });
///     serve(listener, FromHyper::new(who)).await
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerAddr<A>(pub A);

/// A hyper service (such as `hyper::service::service_fn`) as a tower
/// service, for [`serve`].
///
/// ```
/// use std::convert::Infallible;
///
/// use hyper::{Request, Response};
/// use runtime::hyper::FromHyper;
///
/// let svc = hyper::service::service_fn(|_: Request<hyper::body::Incoming>| async {
///     Ok::<_, Infallible>(Response::new(String::from("hi")))
/// });
/// let _tower_service = FromHyper::new(svc);
/// ```
#[derive(Clone, Debug)]
pub struct FromHyper<S>(S);

impl<S> FromHyper<S> {
    /// Wraps `service`.
    ///
    /// ```
    /// # use std::convert::Infallible;
    /// let svc = hyper::service::service_fn(|_: hyper::Request<hyper::body::Incoming>| async {
    ///     Ok::<_, Infallible>(hyper::Response::new(String::new()))
    /// });
    /// let wrapped = runtime::hyper::FromHyper::new(svc);
    /// let _back = wrapped.into_inner();
    /// ```
    pub fn new(service: S) -> FromHyper<S> {
        FromHyper(service)
    }

    /// The hyper service.
    ///
    /// ```
    /// let wrapped = runtime::hyper::FromHyper::new(42);
    /// assert_eq!(wrapped.into_inner(), 42);
    /// ```
    pub fn into_inner(self) -> S {
        self.0
    }
}

impl<S, R> tower_service::Service<R> for FromHyper<S>
where
    S: hyper::service::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: R) -> Self::Future {
        self.0.call(req)
    }
}

type BoxError = Box<dyn StdError + Send + Sync>;
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Serves `service` on `listener`: a task per connection, HTTP/1.1 (and
/// HTTP/2 with the `http2` feature), until the future is dropped, or until
/// a signal with [`Serve::with_graceful_shutdown`]: `axum::serve`, on this
/// runtime. Each request carries the peer's [`PeerAddr`]; TCP connections
/// get `TCP_NODELAY` ([`Serve::tcp_nodelay`]).
///
/// The future returns only with a graceful shutdown (`Ok(())`). Accept
/// errors are never returned: those of one connection (the peer left
/// first) are skipped, and the others (such as `EMFILE`, out of file
/// descriptors) make the loop sleep before the next accept, 5 ms doubling
/// up to 1 s while they last, instead of spinning. Dropping the future
/// stops accepting; connections already accepted go on.
///
/// ```no_run
/// use std::convert::Infallible;
///
/// use hyper::{Request, Response};
/// use runtime::hyper::{serve, FromHyper};
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = runtime::net::TcpListener::bind("0.0.0.0:3000").await?;
///     let hello = hyper::service::service_fn(|_: Request<hyper::body::Incoming>| async {
///         Ok::<_, Infallible>(Response::new(String::from("Hello, world!\n")))
///     });
///     serve(listener, FromHyper::new(hello))
///         .with_graceful_shutdown(async { runtime::signal::ctrl_c().await.unwrap() })
///         .await
/// }
/// ```
pub fn serve<L, S, B>(listener: L, service: S) -> Serve<L, S>
where
    L: Listener,
    S: tower_service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    Serve {
        listener,
        service,
        nodelay: true,
        header_read_timeout: None,
    }
}

/// The future of [`serve`] (through `IntoFuture`), and its options.
#[must_use = "a server does nothing until awaited"]
pub struct Serve<L, S> {
    listener: L,
    service: S,
    nodelay: bool,
    header_read_timeout: Option<Duration>,
}

impl<L: Listener, S> Serve<L, S> {
    /// Whether accepted TCP connections get `TCP_NODELAY` (default: yes).
    ///
    /// ```no_run
    /// # use std::convert::Infallible;
    /// # #[runtime::main]
    /// # async fn main() -> std::io::Result<()> {
    /// # let svc = runtime::hyper::FromHyper::new(hyper::service::service_fn(
    /// #     |_: hyper::Request<hyper::body::Incoming>| async { Ok::<_, Infallible>(hyper::Response::new(String::new())) }));
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:3000").await?;
    /// runtime::hyper::serve(listener, svc).tcp_nodelay(false).await
    /// # }
    /// ```
    pub fn tcp_nodelay(mut self, nodelay: bool) -> Self {
        self.nodelay = nodelay;
        self
    }

    /// Closes an HTTP/1 connection whose client has not sent a request's
    /// whole head within `timeout` of starting it (a slow or stuck client,
    /// "slowloris"); `None` (the default, as `axum::serve` on Tokio, which
    /// gives hyper no timer) waits as long as the client does.
    ///
    /// It costs a timer per request (a boxed sleep armed when hyper starts
    /// reading a head, dropped when the head is in) and an extra read
    /// attempt after each response.
    ///
    /// ```no_run
    /// # use std::convert::Infallible;
    /// # #[runtime::main]
    /// # async fn main() -> std::io::Result<()> {
    /// # let svc = runtime::hyper::FromHyper::new(hyper::service::service_fn(
    /// #     |_: hyper::Request<hyper::body::Incoming>| async { Ok::<_, Infallible>(hyper::Response::new(String::new())) }));
    /// use std::time::Duration;
    ///
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:3000").await?;
    /// runtime::hyper::serve(listener, svc)
    ///     .header_read_timeout(Duration::from_secs(30))
    ///     .await
    /// # }
    /// ```
    pub fn header_read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.header_read_timeout = timeout.into();
        self
    }

    /// The address the listener is bound to.
    ///
    /// ```
    /// # use std::convert::Infallible;
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let svc = runtime::hyper::FromHyper::new(hyper::service::service_fn(
    /// #     |_: hyper::Request<hyper::body::Incoming>| async { Ok::<_, Infallible>(hyper::Response::new(String::new())) }));
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let server = runtime::hyper::serve(listener, svc);
    /// assert_ne!(server.local_addr()?.port(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<L::Addr> {
        self.listener.local_addr()
    }

    /// Stops when `signal` completes: no new connections, the open ones
    /// finish their requests in flight, then the server's future returns.
    ///
    /// ```
    /// # use std::convert::Infallible;
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let svc = runtime::hyper::FromHyper::new(hyper::service::service_fn(
    /// #     |_: hyper::Request<hyper::body::Incoming>| async { Ok::<_, Infallible>(hyper::Response::new(String::new())) }));
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let (stop, stopped) = runtime::sync::oneshot::channel::<()>();
    /// let server = runtime::spawn(
    ///     runtime::hyper::serve(listener, svc)
    ///         .with_graceful_shutdown(async { stopped.await.ok(); })
    ///         .into_future(),
    /// );
    /// stop.send(()).unwrap();
    /// server.await.unwrap()?; // returns once shut down
    /// # Ok(())
    /// # }
    /// # use std::future::IntoFuture;
    /// ```
    pub fn with_graceful_shutdown<F>(self, signal: F) -> WithGracefulShutdown<L, S, F>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        WithGracefulShutdown {
            serve: self,
            signal,
        }
    }
}

impl<L: Listener, S> fmt::Debug for Serve<L, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serve")
            .field("local_addr", &self.listener.local_addr().ok())
            .field("nodelay", &self.nodelay)
            .field("header_read_timeout", &self.header_read_timeout)
            .finish_non_exhaustive()
    }
}

/// [`Serve`] with a shutdown signal, from [`Serve::with_graceful_shutdown`].
#[must_use = "a server does nothing until awaited"]
pub struct WithGracefulShutdown<L, S, F> {
    serve: Serve<L, S>,
    signal: F,
}

impl<L: Listener, S, F> WithGracefulShutdown<L, S, F> {
    /// The address the listener is bound to.
    ///
    /// ```
    /// # use std::convert::Infallible;
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let svc = runtime::hyper::FromHyper::new(hyper::service::service_fn(
    /// #     |_: hyper::Request<hyper::body::Incoming>| async { Ok::<_, Infallible>(hyper::Response::new(String::new())) }));
    /// let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let server = runtime::hyper::serve(listener, svc).with_graceful_shutdown(async {});
    /// assert_ne!(server.local_addr()?.port(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<L::Addr> {
        self.serve.local_addr()
    }
}

impl<L: Listener, S, F> fmt::Debug for WithGracefulShutdown<L, S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithGracefulShutdown")
            .field("serve", &self.serve)
            .finish_non_exhaustive()
    }
}

impl<L, S, B> IntoFuture for Serve<L, S>
where
    L: Listener,
    S: tower_service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Output = io::Result<()>;
    type IntoFuture = BoxFuture<io::Result<()>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self, None))
    }
}

impl<L, S, B, F> IntoFuture for WithGracefulShutdown<L, S, F>
where
    L: Listener,
    S: tower_service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    F: Future<Output = ()> + Send + 'static,
{
    type Output = io::Result<()>;
    type IntoFuture = BoxFuture<io::Result<()>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self.serve, Some(Box::pin(self.signal))))
    }
}

/// The first back-off after an accept error, and the most it grows to.
/// Hyper 0.14's server and axum sleep a flat 1 s; starting small keeps a
/// transient `EMFILE` from costing a full second of refused service.
const BACKOFF_START: Duration = Duration::from_millis(5);
const BACKOFF_MAX: Duration = Duration::from_secs(1);

enum Event<T> {
    Accepted(io::Result<T>),
    Shutdown,
}

/// Errors about one connection only: the next accept is unaffected.
fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

async fn run<L, S, B>(serve: Serve<L, S>, mut signal: Option<BoxFuture<()>>) -> io::Result<()>
where
    L: Listener,
    S: tower_service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let Serve {
        mut listener,
        service,
        nodelay,
        header_read_timeout,
    } = serve;
    let (close_tx, close_rx) = watch::channel(());
    let mut delay = BACKOFF_START;
    let mut backoff: Option<Pin<Box<crate::time::Sleep>>> = None;
    loop {
        let event = poll_fn(|cx| {
            if let Some(signal) = signal.as_mut() {
                if signal.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Event::Shutdown);
                }
            }
            if let Some(sleep) = backoff.as_mut() {
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                backoff = None;
            }
            listener.poll_accept(cx).map(Event::Accepted)
        })
        .await;
        match event {
            Event::Shutdown => break,
            Event::Accepted(Ok((io, addr))) => {
                delay = BACKOFF_START;
                // A failure here (the peer already left) shows up on the
                // connection itself; serving it anyway is harmless.
                let _ = L::set_nodelay(&io, nodelay);
                let service = ToHyper {
                    inner: service.clone(),
                    peer: PeerAddr(addr),
                };
                crate::spawn(serve_connection(
                    io,
                    service,
                    header_read_timeout,
                    close_rx.clone(),
                ));
            }
            Event::Accepted(Err(err)) if is_connection_error(&err) => {}
            Event::Accepted(Err(_)) => {
                backoff = Some(Box::pin(crate::time::sleep(delay)));
                delay = (delay * 2).min(BACKOFF_MAX);
            }
        }
    }
    drop(listener);
    // No receiver left is fine: nothing to tell.
    let _ = close_tx.send(());
    drop(close_rx);
    close_tx.closed().await;
    Ok(())
}

/// Serves one connection until it ends, shutting it down gracefully when
/// `close` says so.
async fn serve_connection<I, S, A, B>(
    io: I,
    service: ToHyper<S, A>,
    header_read_timeout: Option<Duration>,
    mut close: watch::Receiver<()>,
) where
    I: futures_io::AsyncRead + futures_io::AsyncWrite + Unpin + Send + 'static,
    S: tower_service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    A: Clone + Send + Sync + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    #[cfg(feature = "http2")]
    let io = match sniff_h2(io).await {
        Ok((false, io)) => io,
        Ok((true, io)) => {
            let conn = hyper::server::conn::http2::Builder::new(super::HyperExecutor::new())
                .timer(HyperTimer::new())
                .serve_connection(HyperIo::new(io), service);
            return drive(conn, &mut close, |conn| conn.graceful_shutdown()).await;
        }
        Err(_) => return,
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Hyper's own default (30 s) applies only when it has a timer: without
    // one, no timer per request, as `axum::serve` on Tokio.
    if let Some(timeout) = header_read_timeout {
        builder
            .timer(HyperTimer::new())
            .header_read_timeout(timeout);
    }
    let conn = builder
        .serve_connection(HyperIo::new(io), service)
        .with_upgrades();
    drive(conn, &mut close, |conn| conn.graceful_shutdown()).await
}

/// Polls `conn` to its end; the first message on `close` (or the server
/// dropping its sender after a graceful shutdown) calls `shutdown` once.
async fn drive<C, E>(conn: C, close: &mut watch::Receiver<()>, shutdown: fn(Pin<&mut C>))
where
    C: Future<Output = Result<(), E>>,
{
    let mut conn = std::pin::pin!(conn);
    let mut asked = false;
    let mut changed = std::pin::pin!(close.changed());
    poll_fn(|cx| {
        if !asked {
            if let Poll::Ready(result) = changed.as_mut().poll(cx) {
                asked = true;
                // `Err`: the server's future was dropped without a signal;
                // the connection goes on, as axum's do.
                if result.is_ok() {
                    shutdown(conn.as_mut());
                }
            }
        }
        // Connection errors (a client that resets, a malformed request)
        // concern that client only; hyper already answered what it could.
        conn.as_mut().poll(cx).map(|_| ())
    })
    .await
}

/// A tower service as a hyper one, adding the peer's address to each
/// request.
#[derive(Clone)]
struct ToHyper<S, A> {
    inner: S,
    peer: PeerAddr<A>,
}

impl<S, A> hyper::service::Service<Request<Incoming>> for ToHyper<S, A>
where
    S: tower_service::Service<Request<Incoming>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    A: Clone + Send + Sync + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn call(&self, mut req: Request<Incoming>) -> Self::Future {
        req.extensions_mut().insert(self.peer.clone());
        // A clone per request: `poll_ready` reserves capacity in the clone
        // that then takes the call (tower's contract), and requests of one
        // connection can be in flight together (HTTP/2).
        let mut service = self.inner.clone();
        Box::pin(async move {
            poll_fn(|cx| service.poll_ready(cx)).await?;
            service.call(req).await
        })
    }
}

/// HTTP/2's client connection preface (RFC 9113, section 3.4).
#[cfg(feature = "http2")]
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Reads until the bytes read so far either are the whole HTTP/2 preface or
/// cannot start it; returns whether they were, and the stream with those
/// bytes put back in front.
#[cfg(feature = "http2")]
async fn sniff_h2<I>(mut io: I) -> io::Result<(bool, Rewind<I>)>
where
    I: futures_io::AsyncRead + Unpin,
{
    let mut buf = [0u8; H2_PREFACE.len()];
    let mut filled = 0;
    while filled < buf.len() {
        let n = poll_fn(|cx| Pin::new(&mut io).poll_read(cx, &mut buf[filled..])).await?;
        if n == 0 {
            break;
        }
        filled += n;
        if buf[..filled] != H2_PREFACE[..filled] {
            break;
        }
    }
    let is_h2 = filled == buf.len() && buf[..] == *H2_PREFACE;
    Ok((
        is_h2,
        Rewind {
            prefix: buf,
            pos: 0,
            len: filled,
            inner: io,
        },
    ))
}

/// A stream with a few bytes already read from it put back in front.
#[cfg(feature = "http2")]
struct Rewind<I> {
    prefix: [u8; H2_PREFACE.len()],
    pos: usize,
    len: usize,
    inner: I,
}

#[cfg(feature = "http2")]
impl<I: futures_io::AsyncRead + Unpin> futures_io::AsyncRead for Rewind<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pos < this.len {
            let n = buf.len().min(this.len - this.pos);
            buf[..n].copy_from_slice(&this.prefix[this.pos..this.pos + n]);
            this.pos += n;
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

#[cfg(feature = "http2")]
impl<I: futures_io::AsyncWrite + Unpin> futures_io::AsyncWrite for Rewind<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}
