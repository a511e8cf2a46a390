//! An HTTP/1.1 server with hyper 1.x on this runtime.
//!
//! ```sh
//! cargo run --release --example hyper_server --features hyper            # port 3000
//! cargo run --release --example hyper_server --features hyper -- 8080    # or PORT=8080
//! curl http://127.0.0.1:3000/        # Hello, world!
//! curl http://127.0.0.1:3000/json    # {"message":"Hello, world!",...}
//! ```
//!
//! Ctrl-C (or SIGTERM) shuts down gracefully: the server stops accepting,
//! each open connection finishes the request it is serving and then closes
//! (hyper's `graceful_shutdown`), and the process exits once they are all
//! done, or after 10 seconds.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use runtime::hyper::{HyperIo, HyperTimer};
use runtime::net::TcpListener;
use runtime::sync::watch;
use runtime::time::{timeout, Duration};
use serde::Serialize;

/// How long a connection may take to send a request head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for open connections to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Serialize)]
struct Greeting {
    message: &'static str,
    runtime: &'static str,
    hyper: u8,
}

async fn route(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let res = match (req.method(), req.uri().path()) {
        (&Method::GET, "/") => Response::new(Full::new(Bytes::from_static(b"Hello, world!"))),
        (&Method::GET, "/json") => {
            let body = serde_json::to_vec(&Greeting {
                message: "Hello, world!",
                runtime: "runtime",
                hyper: 1,
            })
            .expect("a Greeting always serialises");
            let mut res = Response::new(Full::new(Bytes::from(body)));
            res.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res
        }
        _ => {
            let mut res = Response::new(Full::new(Bytes::from_static(b"not found\n")));
            *res.status_mut() = StatusCode::NOT_FOUND;
            res
        }
    };
    Ok(res)
}

/// The port: first argument, else `$PORT`, else 3000.
fn port() -> u16 {
    let arg = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PORT").ok());
    match arg {
        Some(p) => p
            .parse()
            .unwrap_or_else(|_| panic!("not a port number: {p:?}")),
        None => 3000,
    }
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let mut terminate =
        runtime::signal::unix::signal(runtime::signal::unix::SignalKind::terminate())
            .expect("cannot listen for SIGTERM");
    runtime::select! {
        res = runtime::signal::ctrl_c() => res.expect("cannot listen for Ctrl-C"),
        _ = terminate.recv() => {}
    }
}

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port()));
    let listener = TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);

    // `true` once shutdown starts. Every connection holds a receiver, so
    // `closed()` on the sender completes when the last connection is gone.
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let signal = runtime::spawn(shutdown_signal());
    let mut signal = std::pin::pin!(signal);

    loop {
        let (stream, peer) = runtime::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: keep serving.
                    eprintln!("accept failed: {e}");
                    continue;
                }
            },
            _ = signal.as_mut() => break,
        };
        let _ = stream.set_nodelay(true);
        let mut shutdown_rx = shutdown_rx.clone();
        runtime::spawn(async move {
            let conn = http1::Builder::new()
                .timer(HyperTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(HyperIo::new(stream), service_fn(route));
            let mut conn = std::pin::pin!(conn);
            let res = runtime::select! {
                res = conn.as_mut() => res,
                _ = async { let _ = shutdown_rx.wait_for(|down| *down).await; } => {
                    // Let the request in flight (if any) finish, then close.
                    conn.as_mut().graceful_shutdown();
                    conn.as_mut().await
                }
            };
            if let Err(e) = res {
                if !e.is_incomplete_message() {
                    eprintln!("connection {peer}: {e}");
                }
            }
            // `shutdown_rx` drops here: one connection fewer to wait for.
        });
    }

    println!("shutting down: waiting for open connections");
    drop(listener);
    drop(shutdown_rx);
    let _ = shutdown_tx.send(true);
    match timeout(DRAIN_TIMEOUT, shutdown_tx.closed()).await {
        Ok(()) => println!("all connections closed"),
        Err(_) => println!(
            "{} connection(s) still open after {DRAIN_TIMEOUT:?}; exiting anyway",
            shutdown_tx.receiver_count()
        ),
    }
    Ok(())
}
