//! The Tokio twin of `runtime`'s `hyper_server` example, for `benches/wrk/run.sh`:
//! the same hyper 1.x HTTP/1.1 server (`/` says hello, `/json` answers with
//! serde_json, same header read timeout, same per-connection graceful
//! shutdown on Ctrl-C or SIGTERM) on Tokio + hyper-util's `TokioIo` and
//! `TokioTimer`, so the two differ only in the runtime underneath.
//!
//! ```text
//! cargo run --release -p benches --bin tokio_hyper_hello [PORT]   # or PORT=..., default 3001
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;

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
                runtime: "tokio",
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

/// The port: first argument, else `$PORT`, else 3001.
fn port() -> u16 {
    let arg = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PORT").ok());
    match arg {
        Some(p) => p
            .parse()
            .unwrap_or_else(|_| panic!("not a port number: {p:?}")),
        None => 3001,
    }
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("cannot listen for SIGTERM");
    tokio::select! {
        res = tokio::signal::ctrl_c() => res.expect("cannot listen for Ctrl-C"),
        _ = terminate.recv() => {}
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port()));
    let listener = TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let signal = tokio::spawn(shutdown_signal());
    let mut signal = std::pin::pin!(signal);

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    continue;
                }
            },
            _ = signal.as_mut() => break,
        };
        let _ = stream.set_nodelay(true);
        let mut shutdown_rx = shutdown_rx.clone();
        tokio::spawn(async move {
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service_fn(route));
            let mut conn = std::pin::pin!(conn);
            let res = tokio::select! {
                res = conn.as_mut() => res,
                _ = async { let _ = shutdown_rx.wait_for(|down| *down).await; } => {
                    conn.as_mut().graceful_shutdown();
                    conn.as_mut().await
                }
            };
            if let Err(e) = res {
                if !e.is_incomplete_message() {
                    eprintln!("connection {peer}: {e}");
                }
            }
        });
    }

    println!("shutting down: waiting for open connections");
    drop(listener);
    drop(shutdown_rx);
    let _ = shutdown_tx.send(true);
    match tokio::time::timeout(DRAIN_TIMEOUT, shutdown_tx.closed()).await {
        Ok(()) => println!("all connections closed"),
        Err(_) => println!(
            "{} connection(s) still open after {DRAIN_TIMEOUT:?}; exiting anyway",
            shutdown_tx.receiver_count()
        ),
    }
    Ok(())
}
