//! [hyper] 1.x on this runtime (cargo feature `hyper`).
//!
//! hyper 1.x is runtime-neutral: it asks for an I/O type implementing its own
//! [`hyper::rt::Read`]/[`hyper::rt::Write`], an [`Executor`](hyper::rt::Executor)
//! to spawn background tasks (HTTP/2 streams, client connection drivers), and a
//! [`Timer`](hyper::rt::Timer) for timeouts such as
//! `http1::Builder::header_read_timeout`. This module provides all three:
//!
//! - [`HyperIo`] wraps any `futures-io` stream (our [`TcpStream`], a Unix
//!   stream, a TLS stream...) so hyper can drive it. It also works the other
//!   way round: wrapping a hyper I/O type (such as `hyper::upgrade::Upgraded`)
//!   gives it the `futures-io` traits, so [`crate::io`] utilities apply.
//! - [`HyperExecutor`] spawns with [`crate::spawn`] (or on a given [`Handle`]).
//! - [`HyperTimer`] sleeps with [`crate::time::sleep_until`], so a paused test
//!   clock applies to hyper's timeouts too.
//!
//! It plays the role that `hyper-util`'s `TokioIo`, `TokioExecutor` and
//! `TokioTimer` play for Tokio, without depending on `hyper-util`.
//!
//! And for servers, [`serve`] (feature `hyper-server`, part of `hyper`) is
//! `axum::serve` on this runtime: a tower service (axum's `Router`) or a
//! hyper one (through [`FromHyper`]) on a listener in one line, with a task
//! per connection, back-off on accept errors, graceful shutdown, the peer
//! address in each request, and HTTP/2 with the `http2` feature.
//!
//! Features: `hyper` is `hyper-server` + `hyper-client`; a server that asks
//! for `hyper-server` only does not build hyper's client. Whichever is on,
//! hyper itself depends on `tokio` with only its `sync` feature, which builds
//! no runtime: nothing of Tokio's runs.
//!
//! # A server
//!
//! ```no_run
//! use std::convert::Infallible;
//!
//! use hyper::server::conn::http1;
//! use hyper::service::service_fn;
//! use hyper::{Request, Response};
//! use runtime::hyper::{HyperIo, HyperTimer};
//! use runtime::net::TcpListener;
//! use runtime::time::Duration;
//!
//! # type Body = String;
//! // Any `http_body::Body` works; `http_body_util::Full<Bytes>` is the usual one.
//! async fn hello(_req: Request<hyper::body::Incoming>) -> Result<Response<Body>, Infallible> {
//!     Ok(Response::new(Body::from("Hello, world!\n")))
//! }
//!
//! #[runtime::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = TcpListener::bind("127.0.0.1:3000").await?;
//!     loop {
//!         let (stream, _) = listener.accept().await?;
//!         runtime::spawn(async move {
//!             let conn = http1::Builder::new()
//!                 .timer(HyperTimer::new())
//!                 .header_read_timeout(Duration::from_secs(10))
//!                 .serve_connection(HyperIo::new(stream), service_fn(hello));
//!             if let Err(e) = conn.await {
//!                 eprintln!("connection error: {e}");
//!             }
//!         });
//!     }
//! }
//! ```
//!
//! # A client
//!
//! ```no_run
//! use hyper::client::conn::http1;
//! use hyper::Request;
//! use runtime::hyper::HyperIo;
//! use runtime::net::TcpStream;
//!
//! # async fn get() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let stream = TcpStream::connect("127.0.0.1:3000").await?;
//! let (mut sender, conn) = http1::handshake(HyperIo::new(stream)).await?;
//! // The connection future does the actual I/O: run it as its own task.
//! runtime::spawn(conn);
//! let req = Request::get("/").header("host", "127.0.0.1").body(String::new())?;
//! let res = sender.send_request(req).await?;
//! println!("status: {}", res.status());
//! # Ok(())
//! # }
//! ```
//!
//! [hyper]: https://docs.rs/hyper/1
//! [`TcpStream`]: crate::net::TcpStream

#[cfg(all(unix, feature = "hyper-server"))]
mod serve;
#[cfg(all(unix, feature = "hyper-server"))]
pub use serve::{serve, FromHyper, Listener, PeerAddr, Serve, WithGracefulShutdown};

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant as StdInstant};

use crate::time::{Instant, Sleep};
use crate::Handle;

/// Adapts an I/O type between the `futures-io` traits and hyper's
/// [`hyper::rt::Read`]/[`hyper::rt::Write`].
///
/// - `HyperIo<T>` with `T: futures_io::AsyncRead + AsyncWrite + Unpin` (a
///   [`TcpStream`](crate::net::TcpStream), for instance) implements hyper's
///   traits: hand it to `serve_connection` or `client::conn::http1::handshake`.
/// - `HyperIo<T>` with `T: hyper::rt::Read + hyper::rt::Write + Unpin` (such as
///   `hyper::upgrade::Upgraded`) implements the `futures-io` traits, so the
///   [`crate::io`] extension traits work on it.
///
/// Writes: hyper either queues its buffers and writes them with
/// `poll_write_vectored`, or flattens them into one buffer first. `futures-io`
/// cannot say whether a stream's vectored write is real, so by default
/// `HyperIo` reports that it is not and hyper flattens (one copy, one write).
/// For a stream with a real vectored write, such as `TcpStream`, whose
/// responses carry large bodies, [`HyperIo::with_vectored_writes`] saves that
/// copy.
///
/// # Examples
///
/// An HTTP/1.1 exchange over an in-memory pipe; a
/// [`TcpStream`](crate::net::TcpStream) is wrapped the same way.
///
/// ```
/// use std::convert::Infallible;
///
/// use bytes::Bytes;
/// use http_body_util::{BodyExt, Empty};
/// use hyper::service::service_fn;
/// use hyper::{Request, Response};
/// use runtime::hyper::HyperIo;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
///     let (client, server) = runtime::io::duplex(4096);
///     let hello = service_fn(|req: Request<hyper::body::Incoming>| async move {
///         Ok::<_, Infallible>(Response::new(format!("you asked for {}", req.uri())))
///     });
///     let serving = hyper::server::conn::http1::Builder::new()
///         .serve_connection(HyperIo::new(server), hello);
///     runtime::spawn(serving);
///
///     let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(client)).await?;
///     runtime::spawn(conn);
///     let res = sender.send_request(Request::get("/hello").body(Empty::<Bytes>::new())?).await?;
///     let body = res.into_body().collect().await?.to_bytes();
///     assert_eq!(&body[..], b"you asked for /hello");
///     Ok(())
/// }
/// ```
pub struct HyperIo<T> {
    inner: T,
    vectored: bool,
    /// How many bytes of hyper's read buffer the next read offers `inner`
    /// (see `next_read_hint`).
    read_hint: usize,
}

/// The smallest and first read `HyperIo` offers: a request head is usually a
/// few hundred bytes (wrk's is 40, a browser's 0.5-2 KiB).
const READ_HINT_MIN: usize = 1024;
/// The largest: above hyper's default maximum read buffer (8 KiB + 100 ×
/// 4 KiB, `hyper::proto::h1::io`), so it never limits what hyper asks for.
const READ_HINT_MAX: usize = 512 * 1024;

/// The read size after a read of `n` bytes into an offer of `offered`.
///
/// `futures-io` reads into initialised memory, and hyper hands over a fresh,
/// uninitialised 8 KiB-or-more buffer on every read, so what is offered has to
/// be zeroed first. Zeroing all of it cost 7% of the hello-world server's CPU
/// under wrk (`perf`, memset at the top of the profile); offering about what
/// the last read needed, doubling while reads fill the offer and halving when
/// they use under a quarter of it, keeps bulk reads large and small ones cheap.
fn next_read_hint(hint: usize, offered: usize, n: usize) -> usize {
    if n == offered {
        // A full read: grow, unless the offer was cut short by the space left
        // in hyper's buffer, which says nothing about the next read.
        if offered == hint {
            (hint * 2).min(READ_HINT_MAX)
        } else {
            hint
        }
    } else if n < hint / 4 {
        (hint / 2).max(READ_HINT_MIN)
    } else {
        hint
    }
}

impl<T> HyperIo<T> {
    /// Wraps `inner`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::hyper::HyperIo;
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// // Ready for `hyper::client::conn::http1::handshake(io)`.
    /// let io = HyperIo::new(stream);
    /// assert!(!hyper::rt::Write::is_write_vectored(&io)); // the default
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(inner: T) -> HyperIo<T> {
        HyperIo {
            inner,
            vectored: false,
            read_hint: READ_HINT_MIN,
        }
    }

    /// Tells hyper whether `inner`'s `poll_write_vectored` writes several
    /// buffers at once (see the type's docs); `false` unless set.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use hyper::rt::Write as _;
    /// use runtime::hyper::HyperIo;
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// // A socket's `writev` is real: let hyper hand over its buffers as they are.
    /// let io = HyperIo::new(stream).with_vectored_writes(true);
    /// assert!(io.is_write_vectored());
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_vectored_writes(mut self, vectored: bool) -> HyperIo<T> {
        self.vectored = vectored;
        self
    }

    /// The wrapped I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::hyper::HyperIo;
    /// use runtime::net::{TcpListener, TcpStream};
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let io = HyperIo::new(TcpStream::connect(listener.local_addr()?).await?);
    /// // The stream's getters stay at hand, for logging say.
    /// assert_eq!(io.inner().peer_addr()?, listener.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped I/O object, mutably.
    ///
    /// # Examples
    ///
    /// Writing past hyper, here a PROXY protocol line before the first
    /// request:
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::hyper::HyperIo;
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let (client, mut server) = runtime::io::duplex(64);
    /// let mut io = HyperIo::new(client);
    /// io.inner_mut().write_all(b"PROXY UNKNOWN\r\n").await?;
    /// let mut line = [0; 15];
    /// server.read_exact(&mut line).await?;
    /// assert_eq!(&line, b"PROXY UNKNOWN\r\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the I/O object.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::hyper::HyperIo;
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
    ///
    /// let (client, mut server) = runtime::io::duplex(64);
    /// let io = HyperIo::new(client);
    /// // ...once hyper is done with it, the plain stream comes back:
    /// let mut client: DuplexStream = io.into_inner();
    /// client.write_all(b"bye").await?;
    /// client.shutdown().await?;
    /// let mut got = String::new();
    /// server.read_to_string(&mut got).await?;
    /// assert_eq!(got, "bye");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for HyperIo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperIo")
            .field("inner", &self.inner)
            .field("vectored", &self.vectored)
            .finish()
    }
}

// `futures-io` stream -> hyper.

impl<T> hyper::rt::Read for HyperIo<T>
where
    T: futures_io::AsyncRead + Unpin,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // `futures-io` reads into initialised memory: zero the part of hyper's
        // buffer offered to this read (see `next_read_hint`).
        let this = self.get_mut();
        let len = buf.remaining().min(this.read_hint);
        let dst = buf.initialize_unfilled_to(len);
        let n = match Pin::new(&mut this.inner).poll_read(cx, dst) {
            Poll::Ready(Ok(n)) => n,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        };
        if n > len {
            // A broken `AsyncRead` claimed more than it was given: refuse it
            // rather than let it advance the cursor past the buffer.
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "AsyncRead::poll_read returned more bytes than the buffer holds",
            )));
        }
        this.read_hint = next_read_hint(this.read_hint, len, n);
        // SAFETY: `initialize_unfilled_to(len)` initialised the first `len`
        // unfilled bytes of the buffer, and `n <= len` was checked above, so
        // the `n` bytes this marks as filled are initialised.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<T> hyper::rt::Write for HyperIo<T>
where
    T: futures_io::AsyncWrite + Unpin,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
}

// hyper I/O -> `futures-io`.

impl<T> futures_io::AsyncRead for HyperIo<T>
where
    T: hyper::rt::Read + Unpin,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut read_buf = hyper::rt::ReadBuf::new(buf);
        match Pin::new(&mut self.get_mut().inner).poll_read(cx, read_buf.unfilled()) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(read_buf.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> futures_io::AsyncWrite for HyperIo<T>
where
    T: hyper::rt::Write + Unpin,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// A [`hyper::rt::Executor`] that spawns hyper's background tasks (HTTP/2
/// streams and connection drivers, for instance) on this runtime.
///
/// [`HyperExecutor::new`] spawns with [`crate::spawn`], on whatever runtime
/// the caller of `execute` runs in (hyper calls it from inside its connection
/// futures, which run on a runtime); [`HyperExecutor::with_handle`] always
/// spawns on the given runtime, from any thread.
///
/// # Examples
///
/// ```
/// use hyper::rt::Executor;
/// use runtime::hyper::HyperExecutor;
///
/// #[runtime::main]
/// async fn main() {
///     let (tx, rx) = runtime::sync::oneshot::channel();
///     // What hyper does with a background task (an HTTP/2 stream, say):
///     HyperExecutor::new().execute(async move { tx.send("ran").unwrap() });
///     assert_eq!(rx.await.unwrap(), "ran");
/// }
/// ```
#[derive(Clone, Debug, Default)]
pub struct HyperExecutor {
    handle: Option<Handle>,
}

impl HyperExecutor {
    /// An executor that spawns on the current runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use hyper::rt::Executor;
    /// use runtime::hyper::HyperExecutor;
    ///
    /// #[runtime::main(flavor = "current_thread")]
    /// async fn main() {
    ///     let exec = HyperExecutor::new();
    ///     let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
    ///     for i in 0..3 {
    ///         let tx = tx.clone();
    ///         exec.execute(async move { tx.send(i).unwrap() });
    ///     }
    ///     drop(tx);
    ///     let mut got = Vec::new();
    ///     while let Some(i) = rx.recv().await {
    ///         got.push(i);
    ///     }
    ///     got.sort();
    ///     assert_eq!(got, [0, 1, 2]);
    /// }
    /// ```
    pub fn new() -> HyperExecutor {
        HyperExecutor { handle: None }
    }

    /// An executor that spawns on `handle`'s runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use hyper::rt::Executor;
    /// use runtime::hyper::HyperExecutor;
    ///
    /// let rt = runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    /// let exec = HyperExecutor::with_handle(rt.handle().clone());
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// // No runtime on this thread, where `HyperExecutor::new()` would panic.
    /// std::thread::spawn(move || exec.execute(async move { tx.send(7).unwrap() }))
    ///     .join()
    ///     .unwrap();
    /// assert_eq!(rx.recv().unwrap(), 7);
    /// ```
    pub fn with_handle(handle: Handle) -> HyperExecutor {
        HyperExecutor {
            handle: Some(handle),
        }
    }
}

impl<F> hyper::rt::Executor<F> for HyperExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// Spawns `fut` and detaches it.
    ///
    /// # Panics
    /// For an executor made with [`HyperExecutor::new`], when called outside a
    /// runtime.
    fn execute(&self, fut: F) {
        // The JoinHandle is dropped: the task runs detached, as hyper expects.
        match &self.handle {
            Some(handle) => drop(handle.spawn(fut)),
            None => drop(crate::spawn(fut)),
        }
    }
}

/// A [`hyper::rt::Timer`] backed by this runtime's timer wheel; pass it to
/// hyper builders with `.timer(HyperTimer::new())` to enable their timeouts
/// (`header_read_timeout`, HTTP/2 keep-alive, client pool idle timeouts...).
///
/// Its clock is the runtime's: under a paused clock
/// ([`crate::time::pause`]) hyper's timeouts advance with it. Its sleeps must
/// be created and polled inside a runtime, which is where hyper uses them.
///
/// # Examples
///
/// hyper's header read timeout closes a connection that never sends a
/// request; under a paused clock it fires without a real wait.
///
/// ```
/// use std::convert::Infallible;
///
/// use hyper::server::conn::http1;
/// use hyper::service::service_fn;
/// use hyper::{Request, Response};
/// use runtime::hyper::{HyperIo, HyperTimer};
/// use runtime::time::Duration;
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let (_silent_client, server) = runtime::io::duplex(1024);
///     let service = service_fn(|_req: Request<hyper::body::Incoming>| async {
///         Ok::<_, Infallible>(Response::new(String::from("hello")))
///     });
///     let conn = http1::Builder::new()
///         .timer(HyperTimer::new())
///         .header_read_timeout(Duration::from_secs(30))
///         .serve_connection(HyperIo::new(server), service);
///     assert!(conn.await.unwrap_err().is_timeout());
/// }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct HyperTimer {
    _priv: (),
}

impl HyperTimer {
    /// A timer on the current runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use hyper::rt::Timer;
    /// use runtime::hyper::HyperTimer;
    /// use runtime::time::Duration;
    ///
    /// #[runtime::main(flavor = "current_thread", start_paused = true)]
    /// async fn main() {
    ///     let timer = HyperTimer::new();
    ///     let start = timer.now();
    ///     timer.sleep(Duration::from_secs(5)).await; // paused clock: no real wait
    ///     assert!(timer.now() - start >= Duration::from_secs(5));
    /// }
    /// ```
    pub fn new() -> HyperTimer {
        HyperTimer { _priv: () }
    }
}

impl hyper::rt::Timer for HyperTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep(crate::time::sleep(duration)))
    }

    fn sleep_until(&self, deadline: StdInstant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep(crate::time::sleep_until(Instant::from_std(
            deadline,
        ))))
    }

    fn now(&self) -> StdInstant {
        Instant::now().into_std()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: StdInstant) {
        match sleep.as_mut().downcast_mut_pin::<HyperSleep>() {
            // Ours: move its deadline, keeping its timer-wheel entry.
            Some(ours) => ours.reset(new_deadline),
            // Someone else's sleep: replace it.
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// The sleep [`HyperTimer`] hands to hyper: our [`Sleep`] (already `Send +
/// Sync + Unpin`) under a local type, since hyper's `Sleep` trait is foreign.
#[derive(Debug)]
struct HyperSleep(Sleep);

impl HyperSleep {
    fn reset(self: Pin<&mut Self>, deadline: StdInstant) {
        Pin::new(&mut self.get_mut().0).reset(Instant::from_std(deadline));
    }
}

impl Future for HyperSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.get_mut().0).poll(cx)
    }
}

impl hyper::rt::Sleep for HyperSleep {}

#[cfg(test)]
mod tests {
    use super::{next_read_hint, READ_HINT_MAX, READ_HINT_MIN};

    #[test]
    fn read_hint_doubles_while_reads_fill_it_and_stops_at_the_cap() {
        let mut hint = READ_HINT_MIN;
        let mut steps = 0;
        while hint < READ_HINT_MAX {
            hint = next_read_hint(hint, hint, hint);
            steps += 1;
        }
        assert_eq!(hint, READ_HINT_MAX);
        assert_eq!(steps, (READ_HINT_MAX / READ_HINT_MIN).trailing_zeros());
        assert_eq!(next_read_hint(hint, hint, hint), READ_HINT_MAX);
    }

    #[test]
    fn read_hint_halves_after_small_reads_down_to_the_floor() {
        assert_eq!(next_read_hint(64 * 1024, 64 * 1024, 40), 32 * 1024);
        assert_eq!(
            next_read_hint(READ_HINT_MIN, READ_HINT_MIN, 40),
            READ_HINT_MIN
        );
        // A read that used a fair share of the offer keeps the size.
        assert_eq!(next_read_hint(8192, 8192, 4096), 8192);
        // A full read of a smaller offer (hyper's buffer was nearly full) is
        // not a reason to grow.
        assert_eq!(next_read_hint(8192, 100, 100), 8192);
    }
}
