//! hyper 1.x on this runtime (`runtime::hyper`), on both runtime flavours:
//! plain GET, a 1 MiB echoed POST, 100 keep-alive clients, hyper's header
//! read timeout through `HyperTimer`, and graceful connection shutdown.
//!
//! Run with `cargo test -p runtime --features hyper --test hyper`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1 as client_http1;
use hyper::server::conn::http1 as server_http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use runtime::hyper::{HyperExecutor, HyperIo, HyperTimer};
use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::{mpsc, watch};
use runtime::task::JoinHandle;
use runtime::time::{sleep, timeout, Duration, Instant};

/// Every test body runs under this watchdog, so a hang fails the test.
const WATCHDOG: Duration = Duration::from_secs(60);

const HELLO: &[u8] = b"Hello, world!";
/// How long `/slow` takes once it has announced itself.
const SLOW: Duration = Duration::from_millis(300);

async fn watchdog<F: std::future::Future<Output = ()>>(name: &str, test: F) {
    if timeout(WATCHDOG, test).await.is_err() {
        panic!("{name}: did not finish within {WATCHDOG:?}");
    }
}

// ---------------------------------------------------------------- server

/// A test server on 127.0.0.1: `/` says hello, `POST /echo` echoes the body,
/// `/slow` reports on `slow_started` and answers after [`SLOW`].
struct Server {
    addr: SocketAddr,
    /// Connections accepted so far.
    accepted: Arc<AtomicUsize>,
    /// Set to `true` to shut every connection down gracefully.
    shutdown: watch::Sender<bool>,
    /// Each connection's `serve_connection` result, as it ends.
    results: mpsc::UnboundedReceiver<Result<(), hyper::Error>>,
    /// One message per `/slow` request, when it starts.
    slow_started: mpsc::UnboundedReceiver<()>,
    accept_loop: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn handle(
    req: Request<Incoming>,
    slow_started: mpsc::UnboundedSender<()>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let body = match (req.method(), req.uri().path()) {
        (&Method::GET, "/") => Bytes::from_static(HELLO),
        (&Method::POST, "/echo") => req.into_body().collect().await?.to_bytes(),
        (&Method::GET, "/slow") => {
            let _ = slow_started.send(());
            sleep(SLOW).await;
            Bytes::from_static(b"slow done")
        }
        _ => {
            let mut res = Response::new(Full::new(Bytes::new()));
            *res.status_mut() = StatusCode::NOT_FOUND;
            return Ok(res);
        }
    };
    Ok(Response::new(Full::new(body)))
}

async fn start_server(header_read_timeout: Option<Duration>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (results_tx, results) = mpsc::unbounded_channel();
    let (slow_tx, slow_started) = mpsc::unbounded_channel();

    let accepted2 = accepted.clone();
    let accept_loop = runtime::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            accepted2.fetch_add(1, Ordering::SeqCst);
            let mut shutdown_rx = shutdown_rx.clone();
            let results_tx = results_tx.clone();
            let slow_tx = slow_tx.clone();
            runtime::spawn(async move {
                let mut builder = server_http1::Builder::new();
                builder.timer(HyperTimer::new());
                // hyper's default is 30 s once a timer is set; the tests that
                // do not test it turn it off.
                builder.header_read_timeout(header_read_timeout);
                let service = service_fn(move |req| handle(req, slow_tx.clone()));
                let conn = builder.serve_connection(HyperIo::new(stream), service);
                let mut conn = std::pin::pin!(conn);
                let res = runtime::select! {
                    res = conn.as_mut() => res,
                    _ = async { let _ = shutdown_rx.wait_for(|down| *down).await; } => {
                        // Finish what is in flight, then close.
                        conn.as_mut().graceful_shutdown();
                        conn.as_mut().await
                    }
                };
                let _ = results_tx.send(res);
            });
        }
    });
    Server {
        addr,
        accepted,
        shutdown,
        results,
        slow_started,
        accept_loop,
    }
}

// ---------------------------------------------------------------- client

type Sender = client_http1::SendRequest<Full<Bytes>>;

/// A client connection to `addr`; the returned task drives its I/O.
async fn connect(addr: SocketAddr) -> (Sender, JoinHandle<Result<(), hyper::Error>>) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (sender, conn) = client_http1::handshake(HyperIo::new(stream)).await.unwrap();
    (sender, runtime::spawn(conn))
}

fn request(method: Method, path: &str, body: Bytes) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(hyper::header::HOST, "127.0.0.1")
        .body(Full::new(body))
        .unwrap()
}

/// Sends `req`, returns the status and the whole body.
async fn send(sender: &mut Sender, req: Request<Full<Bytes>>) -> (StatusCode, Bytes) {
    sender.ready().await.unwrap();
    let res = sender.send_request(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, body)
}

// ---------------------------------------------------------------- GET

async fn get_returns_the_body() {
    let server = start_server(None).await;
    let (mut sender, _conn) = connect(server.addr).await;
    let (status, body) = send(&mut sender, request(Method::GET, "/", Bytes::new())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], HELLO);

    let (status, _) = send(&mut sender, request(Method::GET, "/nope", Bytes::new())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[runtime::test]
async fn get_returns_the_body_current_thread() {
    watchdog("get", get_returns_the_body()).await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_returns_the_body_multi_thread() {
    watchdog("get", get_returns_the_body()).await;
}

// ---------------------------------------------------------------- 1 MiB POST

async fn post_1mib_is_echoed_byte_exact() {
    // Deterministic, non-repeating-looking bytes (xorshift), so a dropped or
    // reordered chunk cannot go unnoticed.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let payload: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let payload = Bytes::from(payload);

    let server = start_server(None).await;
    let (mut sender, _conn) = connect(server.addr).await;
    let (status, body) = send(&mut sender, request(Method::POST, "/echo", payload.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.len(), payload.len());
    assert!(body == payload, "echoed body differs from what was sent");
}

#[runtime::test]
async fn post_1mib_is_echoed_byte_exact_current_thread() {
    watchdog("post", post_1mib_is_echoed_byte_exact()).await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_1mib_is_echoed_byte_exact_multi_thread() {
    watchdog("post", post_1mib_is_echoed_byte_exact()).await;
}

// ---------------------------------------------------------------- keep-alive load

const CLIENTS: usize = 100;
const REQUESTS_PER_CLIENT: usize = 50;

async fn many_keep_alive_clients() {
    let server = start_server(None).await;
    let ok = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        let addr = server.addr;
        let ok = ok.clone();
        clients.push(runtime::spawn(async move {
            let (mut sender, conn) = connect(addr).await;
            for _ in 0..REQUESTS_PER_CLIENT {
                let (status, body) =
                    send(&mut sender, request(Method::GET, "/", Bytes::new())).await;
                assert_eq!(status, StatusCode::OK);
                assert_eq!(&body[..], HELLO);
                ok.fetch_add(1, Ordering::SeqCst);
            }
            // Closing the sender ends the client connection cleanly.
            drop(sender);
            conn.await.unwrap().unwrap();
        }));
    }
    for client in clients {
        client.await.unwrap();
    }
    assert_eq!(ok.load(Ordering::SeqCst), CLIENTS * REQUESTS_PER_CLIENT);
    // Keep-alive: one connection per client, every request reused it.
    assert_eq!(server.accepted.load(Ordering::SeqCst), CLIENTS);
}

#[runtime::test]
async fn many_keep_alive_clients_current_thread() {
    watchdog("keep-alive", many_keep_alive_clients()).await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_keep_alive_clients_multi_thread() {
    watchdog("keep-alive", many_keep_alive_clients()).await;
}

// ---------------------------------------------------------------- header read timeout

const HEADER_TIMEOUT: Duration = Duration::from_millis(400);

/// Reads until EOF (or a reset, which also means closed); returns what came.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

async fn header_read_timeout_closes_silent_connections() {
    let mut server = start_server(Some(HEADER_TIMEOUT)).await;

    // 1. A connection that never sends a byte.
    let start = Instant::now();
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let got = timeout(Duration::from_secs(5), read_until_closed(&mut silent))
        .await
        .expect("the server kept a silent connection open");
    let waited = start.elapsed();
    assert!(got.is_empty(), "unexpected bytes: {got:?}");
    // Not before the timeout (a little slack for timer-wheel rounding), and
    // not long after it.
    assert!(
        waited >= HEADER_TIMEOUT - Duration::from_millis(20),
        "{waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    let res = server.results.recv().await.unwrap();
    let err = res.expect_err("serve_connection should fail with a timeout");
    assert!(err.is_timeout(), "not a timeout: {err:?}");

    // 2. Half a request head, then silence.
    let mut partial = TcpStream::connect(server.addr).await.unwrap();
    partial
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let got = timeout(Duration::from_secs(5), read_until_closed(&mut partial))
        .await
        .expect("the server kept a half-sent head open");
    // hyper may answer a timed-out head with a 408, or just close.
    assert!(
        got.is_empty() || got.starts_with(b"HTTP/1.1 408"),
        "unexpected reply: {:?}",
        String::from_utf8_lossy(&got)
    );
    let err = server.results.recv().await.unwrap().unwrap_err();
    assert!(err.is_timeout(), "not a timeout: {err:?}");

    // 3. One full request, sent late but within the timeout, then an idle
    // keep-alive connection: hyper arms a fresh timer for the next head, so
    // the close comes a whole timeout after the response, not at the first
    // head's deadline. (`Timer::reset` itself is tested below: hyper 1.x's
    // HTTP/1 server drops the old sleep rather than resetting it.)
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    sleep(HEADER_TIMEOUT * 3 / 4).await;
    idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut head = [0u8; 17];
    idle.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200 OK\r\n");
    let start = Instant::now();
    let got = timeout(Duration::from_secs(5), read_until_closed(&mut idle))
        .await
        .expect("the server kept an idle keep-alive connection open");
    let waited = start.elapsed();
    let got = String::from_utf8_lossy(&got);
    assert!(got.ends_with("Hello, world!"), "{got}");
    assert!(
        waited >= HEADER_TIMEOUT * 5 / 8,
        "closed too early: {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    let err = server.results.recv().await.unwrap().unwrap_err();
    assert!(err.is_timeout(), "not a timeout: {err:?}");

    // 4. A client that keeps talking is not cut off: requests spaced at less
    // than the timeout, for longer than it in total.
    let (mut sender, _conn) = connect(server.addr).await;
    for _ in 0..5 {
        let (status, _) = send(&mut sender, request(Method::GET, "/", Bytes::new())).await;
        assert_eq!(status, StatusCode::OK);
        sleep(HEADER_TIMEOUT / 2).await;
    }
}

#[runtime::test]
async fn header_read_timeout_closes_silent_connections_current_thread() {
    watchdog(
        "header timeout",
        header_read_timeout_closes_silent_connections(),
    )
    .await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_read_timeout_closes_silent_connections_multi_thread() {
    watchdog(
        "header timeout",
        header_read_timeout_closes_silent_connections(),
    )
    .await;
}

// ---------------------------------------------------------------- graceful shutdown

async fn graceful_shutdown_finishes_the_request_in_flight() {
    let mut server = start_server(None).await;
    let (mut sender, conn) = connect(server.addr).await;

    let in_flight = runtime::spawn({
        let req = request(Method::GET, "/slow", Bytes::new());
        sender.ready().await.unwrap();
        let res = sender.send_request(req);
        async move {
            let res = res.await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, body)
        }
    });

    // The handler has the request: shut down now, mid-request.
    server.slow_started.recv().await.unwrap();
    let shutdown_at = Instant::now();
    server.shutdown.send(true).unwrap();

    // The request in flight still completes...
    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], b"slow done");

    // ...then the server ends the connection: its serve future returns Ok,
    // and the client's connection sees the close.
    let res = timeout(Duration::from_secs(5), server.results.recv())
        .await
        .expect("serve_connection did not end after graceful shutdown")
        .unwrap();
    res.expect("graceful shutdown should end the connection cleanly");
    timeout(Duration::from_secs(5), conn)
        .await
        .expect("the client connection stayed open")
        .unwrap()
        .unwrap();
    assert!(sender.is_closed());
    assert!(shutdown_at.elapsed() < Duration::from_secs(5));
    // This test's server keeps accepting; a connection that arrives after
    // the signal, idle, is closed at once. (The client reports that close as
    // an error or not, depending on timing: only its end matters here.)
    let (_sender2, conn2) = connect(server.addr).await;
    let _ = timeout(Duration::from_secs(5), conn2)
        .await
        .expect("a connection accepted after shutdown stayed open")
        .unwrap();
    let res = timeout(Duration::from_secs(5), server.results.recv())
        .await
        .expect("serve_connection did not end")
        .unwrap();
    res.expect("an idle connection should close cleanly on graceful shutdown");
}

#[runtime::test]
async fn graceful_shutdown_finishes_the_request_in_flight_current_thread() {
    watchdog(
        "graceful",
        graceful_shutdown_finishes_the_request_in_flight(),
    )
    .await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_the_request_in_flight_multi_thread() {
    watchdog(
        "graceful",
        graceful_shutdown_finishes_the_request_in_flight(),
    )
    .await;
}

// ---------------------------------------------------------------- adapters

/// `HyperIo` both ways over an in-memory pipe: hyper serving over
/// `runtime::io::duplex`, and a hyper I/O type read back through `futures-io`.
async fn adapters_over_duplex() {
    let (client_io, server_io) = runtime::io::duplex(64);
    let server = runtime::spawn(async move {
        let svc = service_fn(|_req: Request<Incoming>| async {
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(HELLO))))
        });
        server_http1::Builder::new()
            .serve_connection(HyperIo::new(server_io), svc)
            .await
    });
    // futures-io -> hyper -> futures-io: the double wrap reads and writes
    // like the stream itself.
    let mut io = HyperIo::new(HyperIo::new(client_io));
    io.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut reply = Vec::new();
    io.read_to_end(&mut reply).await.unwrap();
    let reply = String::from_utf8(reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.ends_with("\r\n\r\nHello, world!"), "{reply}");
    server.await.unwrap().unwrap();
}

#[runtime::test]
async fn adapters_over_duplex_current_thread() {
    watchdog("duplex", adapters_over_duplex()).await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapters_over_duplex_multi_thread() {
    watchdog("duplex", adapters_over_duplex()).await;
}

/// `HyperExecutor` runs what hyper hands it; `HyperTimer`'s sleeps fire and
/// can be moved with `reset`.
async fn executor_and_timer() {
    use hyper::rt::{Executor, Timer};

    let (tx, mut rx) = mpsc::unbounded_channel();
    HyperExecutor::new().execute(async move {
        tx.send(7).unwrap();
    });
    assert_eq!(rx.recv().await, Some(7));

    let (tx, mut rx) = mpsc::unbounded_channel();
    HyperExecutor::with_handle(runtime::Handle::current()).execute(async move {
        tx.send(8).unwrap();
    });
    assert_eq!(rx.recv().await, Some(8));

    let timer = HyperTimer::new();
    let start = std::time::Instant::now();
    timer.sleep(Duration::from_millis(30)).await;
    assert!(start.elapsed() >= Duration::from_millis(25));

    // A sleep far away, reset to soon, completes soon.
    let start = std::time::Instant::now();
    let mut sleep = timer.sleep(Duration::from_secs(3600));
    let soon = timer.now() + Duration::from_millis(30);
    timer.reset(&mut sleep, soon);
    timeout(Duration::from_secs(5), sleep)
        .await
        .expect("reset did not move the deadline");
    assert!(start.elapsed() >= Duration::from_millis(25));

    // Reset after completion: it completes again at the new deadline.
    let mut sleep = timer.sleep_until(timer.now());
    sleep.as_mut().await;
    let later = timer.now() + Duration::from_millis(30);
    timer.reset(&mut sleep, later);
    let start = std::time::Instant::now();
    timeout(Duration::from_secs(5), sleep).await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(20));
}

#[runtime::test]
async fn executor_and_timer_current_thread() {
    watchdog("executor/timer", executor_and_timer()).await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn executor_and_timer_multi_thread() {
    watchdog("executor/timer", executor_and_timer()).await;
}

/// Under a paused clock, hyper's timeouts follow the runtime's clock.
#[runtime::test(start_paused = true)]
async fn timer_follows_the_paused_clock() {
    use hyper::rt::Timer;

    let timer = HyperTimer::new();
    let before = timer.now();
    runtime::time::advance(Duration::from_secs(10)).await;
    assert!(timer.now() - before >= Duration::from_secs(10));
    // An hour-long hyper sleep completes at once: the idle runtime jumps ahead.
    let wall = std::time::Instant::now();
    timer.sleep(Duration::from_secs(3600)).await;
    assert!(wall.elapsed() < Duration::from_secs(5));
}
