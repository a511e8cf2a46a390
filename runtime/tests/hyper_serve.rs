//! `runtime::hyper::serve`: requests on both flavours, the peer address,
//! graceful shutdown (in-flight requests finish, new connections are
//! refused) and tower services with `poll_ready`. Back-off on accept errors:
//! hyper_serve_emfile.rs (it lowers the process's descriptor limit).

#[path = "support/flavours.rs"]
mod flavours;

use std::convert::Infallible;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use runtime::hyper::{serve, FromHyper, HyperIo, PeerAddr};
use runtime::net::{TcpListener, TcpStream};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Answers with the path and the peer address; `/slow` takes 300 ms.
async fn echo_peer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.uri().path() == "/slow" {
        runtime::time::sleep(Duration::from_millis(300)).await;
    }
    let PeerAddr(peer) = *req.extensions().get::<PeerAddr<SocketAddr>>().unwrap();
    let body = format!("{} from {}", req.uri().path(), peer);
    Ok(Response::new(Full::new(Bytes::from(body))))
}

/// One GET over a new connection; returns the body and the client's address.
async fn get(addr: SocketAddr, path: &str) -> Result<(String, SocketAddr), BoxError> {
    let stream = TcpStream::connect(addr).await?;
    let local = stream.local_addr()?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream)).await?;
    runtime::spawn(conn);
    let req = Request::get(path)
        .header("host", "localhost")
        .body(Empty::<Bytes>::new())?;
    let res = sender.send_request(req).await?;
    let body = res.into_body().collect().await?.to_bytes();
    Ok((String::from_utf8(body.to_vec())?, local))
}

#[test]
fn serves_requests_with_the_peer_address() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let server = serve(
                listener,
                FromHyper::new(hyper::service::service_fn(echo_peer)),
            );
            let addr = server.local_addr().unwrap();
            let _server = runtime::spawn(server.into_future());
            for i in 0..5 {
                let path = format!("/hello/{i}");
                let (body, local) = get(addr, &path).await.unwrap();
                assert_eq!(body, format!("{path} from {local}"));
            }
        });
    }
}

#[test]
fn graceful_shutdown_finishes_in_flight_requests_then_refuses() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let (stop, stopped) = runtime::sync::oneshot::channel::<()>();
            let server = serve(
                listener,
                FromHyper::new(hyper::service::service_fn(echo_peer)),
            )
            .with_graceful_shutdown(async {
                stopped.await.ok();
            });
            let addr = server.local_addr().unwrap();
            let server = runtime::spawn(server.into_future());

            let slow = runtime::spawn(get(addr, "/slow"));
            // Let the slow request reach its handler, then stop.
            runtime::time::sleep(Duration::from_millis(100)).await;
            stop.send(()).unwrap();
            let started = Instant::now();
            // The slow handler has ~200 ms to go: the server waits for it...
            runtime::time::sleep(Duration::from_millis(100)).await;
            assert!(!server.is_finished(), "returned with a request in flight");
            let (body, _) = slow.await.unwrap().unwrap();
            assert!(body.starts_with("/slow from "), "{body}");
            runtime::time::timeout(Duration::from_secs(5), server)
                .await
                .expect("the server returns once its connections are done")
                .unwrap()
                .unwrap();
            assert!(started.elapsed() >= Duration::from_millis(150));
            // ...and accepts nothing new.
            assert!(TcpStream::connect(addr).await.is_err());
        });
    }
}

#[test]
fn graceful_shutdown_with_no_connection_returns_at_once() {
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = serve(
            listener,
            FromHyper::new(hyper::service::service_fn(echo_peer)),
        )
        .with_graceful_shutdown(async {});
        runtime::time::timeout(Duration::from_secs(5), server.into_future())
            .await
            .expect("nothing to wait for")
            .unwrap();
    });
}

/// A tower service that counts `poll_ready` calls and is ready only every
/// other time it is asked (it wakes itself when not).
#[derive(Clone)]
struct Picky {
    readies: Arc<AtomicUsize>,
}

impl tower_service::Service<Request<Incoming>> for Picky {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        if self.readies.fetch_add(1, Ordering::SeqCst) % 2 == 0 {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Incoming>) -> Self::Future {
        std::future::ready(Ok(Response::new(format!("tower {}", req.uri().path()))))
    }
}

#[test]
fn tower_services_are_polled_ready_before_each_call() {
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let readies = Arc::new(AtomicUsize::new(0));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = serve(
            listener,
            Picky {
                readies: readies.clone(),
            },
        );
        let addr = server.local_addr().unwrap();
        runtime::spawn(server.into_future());
        for i in 0..3 {
            let (body, _) = get(addr, &format!("/{i}")).await.unwrap();
            assert_eq!(body, format!("tower /{i}"));
        }
        assert_eq!(readies.load(Ordering::SeqCst), 6);
    });
}

/// With the `http2` feature, a client speaking HTTP/2 from its first byte
/// (prior knowledge) is served HTTP/2, several requests on one connection
/// at once; HTTP/1.1 clients on the same server still work.
#[cfg(feature = "http2")]
#[test]
fn http2_prior_knowledge_is_detected() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let server = serve(
                listener,
                FromHyper::new(hyper::service::service_fn(echo_peer)),
            );
            let addr = server.local_addr().unwrap();
            runtime::spawn(server.into_future());

            let stream = TcpStream::connect(addr).await.unwrap();
            let local = stream.local_addr().unwrap();
            let (sender, conn) = hyper::client::conn::http2::handshake(
                runtime::hyper::HyperExecutor::new(),
                HyperIo::new(stream),
            )
            .await
            .unwrap();
            runtime::spawn(conn);
            let mut requests = Vec::new();
            for i in 0..4 {
                let mut sender = sender.clone();
                requests.push(runtime::spawn(async move {
                    let req = Request::get(format!("http://localhost/h2/{i}"))
                        .body(Empty::<Bytes>::new())
                        .unwrap();
                    let res = sender.send_request(req).await.unwrap();
                    assert_eq!(res.version(), hyper::Version::HTTP_2);
                    let body = res.into_body().collect().await.unwrap().to_bytes();
                    String::from_utf8(body.to_vec()).unwrap()
                }));
            }
            for (i, request) in requests.into_iter().enumerate() {
                assert_eq!(request.await.unwrap(), format!("/h2/{i} from {local}"));
            }
            let (body, local) = get(addr, "/h1").await.unwrap();
            assert_eq!(body, format!("/h1 from {local}"));
        });
    }
}

/// Sends half a request head, waits `stall`, then the rest; returns what
/// the server sent back before closing, and when it closed.
async fn stalled_request(addr: SocketAddr, stall: Duration) -> (String, Duration) {
    use runtime::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /stalled HTTP/1.1\r\nHost: l")
        .await
        .unwrap();
    runtime::time::sleep(stall).await;
    // The server may have closed by now: the write may fail.
    let _ = stream
        .write_all(b"ocalhost\r\nConnection: close\r\n\r\n")
        .await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn header_read_timeout_closes_a_stalled_client_and_is_off_by_default() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let svc = || FromHyper::new(hyper::service::service_fn(echo_peer));
            // Default: no timeout, the client may take its time (as with
            // axum::serve on Tokio).
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let server = serve(listener, svc());
            let addr = server.local_addr().unwrap();
            let _server = runtime::spawn(server.into_future());
            let (answer, _) = stalled_request(addr, Duration::from_millis(400)).await;
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
            assert!(answer.contains("/stalled from "), "{answer:?}");

            // With a timeout, the connection is closed without an answer.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let server = serve(listener, svc()).header_read_timeout(Duration::from_millis(100));
            let addr = server.local_addr().unwrap();
            let _server = runtime::spawn(server.into_future());
            let (answer, took) = stalled_request(addr, Duration::from_millis(1_000)).await;
            assert!(!answer.contains("200"), "{answer:?}");
            assert!(took >= Duration::from_millis(100), "closed after {took:?}");
            assert!(took < Duration::from_secs(5), "closed after {took:?}");
        });
    }
}
