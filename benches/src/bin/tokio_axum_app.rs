//! The Tokio twin of `runtime`'s `axum_app` example, for
//! `APP=axum benches/wrk/run.sh`: the example's own routes (the file is
//! included below), with tower-http's `TimeoutLayer` on Tokio's timer in
//! place of ours, served by `axum::serve` on Tokio. Only the runtime and
//! the serve loop differ.
//!
//! `axum::serve` leaves Nagle's algorithm on; `runtime::hyper::serve` sets
//! `TCP_NODELAY`. The twin sets it too (axum's `ListenerExt::tap_io`), so
//! that the comparison is of runtimes: without it, under the open-loop
//! client (`benches/wrk/open_loop.sh`) a response's last segment waits for
//! the client's delayed ACK, and at 50,000 requests/s Tokio's p50 was
//! 1.29 ms against 26 µs for ours (BENCHMARKS.md, seventh session).
//!
//! ```text
//! cargo run --release -p benches --bin tokio_axum_app [PORT]   # default 3001
//! ```

use std::time::Duration;

#[allow(dead_code)] // its `main` and `app` are the runtime's side
#[path = "../../../runtime/examples/axum_app.rs"]
mod axum_app;

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(10)).await;
    "too late\n"
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "3001".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    let app = axum_app::routes()
        .route("/slow", axum::routing::get(slow))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(1),
        ));
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await
}
