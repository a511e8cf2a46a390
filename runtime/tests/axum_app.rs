//! The `axum_app` example's router, served with `runtime::hyper::serve`,
//! answering real requests on loopback on both flavours; graceful shutdown.

#[path = "../examples/axum_app.rs"]
mod axum_app;

#[path = "support/flavours.rs"]
mod flavours;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use runtime::hyper::HyperIo;
use runtime::net::{TcpListener, TcpStream};

struct Reply {
    status: StatusCode,
    served_by: Option<String>,
    body: String,
}

async fn send(addr: SocketAddr, method: Method, path: &str, json: Option<&str>) -> Reply {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream))
        .await
        .unwrap();
    runtime::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost");
    if json.is_some() {
        req = req.header("content-type", "application/json");
    }
    let body = Full::new(Bytes::from(json.unwrap_or("").to_owned()));
    let res = sender.send_request(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let served_by = res
        .headers()
        .get("x-served-by")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        served_by,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

#[test]
fn routes_state_middleware_and_timeout() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let (stop, stopped) = runtime::sync::oneshot::channel::<()>();
            let server =
                runtime::hyper::serve(listener, axum_app::app()).with_graceful_shutdown(async {
                    stopped.await.ok();
                });
            let addr = server.local_addr().unwrap();
            let server = runtime::spawn(server.into_future());

            let hello = send(addr, Method::GET, "/", None).await;
            assert_eq!(hello.status, StatusCode::OK);
            assert_eq!(hello.body, "hello from runtime\n");
            assert_eq!(hello.served_by.as_deref(), Some("runtime"));

            assert_eq!(
                send(addr, Method::GET, "/users/1", None).await.status,
                StatusCode::NOT_FOUND
            );
            let created = send(addr, Method::POST, "/users", Some(r#"{"name":"ada"}"#)).await;
            assert_eq!(created.status, StatusCode::CREATED);
            let user: axum_app::User = serde_json::from_str(&created.body).unwrap();
            assert_eq!(user.name, "ada");
            let fetched = send(addr, Method::GET, &format!("/users/{}", user.id), None).await;
            assert_eq!(fetched.status, StatusCode::OK);
            assert_eq!(
                serde_json::from_str::<axum_app::User>(&fetched.body).unwrap(),
                user
            );
            // Bad JSON is axum's 4xx, not a crash.
            let bad = send(addr, Method::POST, "/users", Some("{")).await;
            assert!(bad.status.is_client_error(), "{}", bad.status);

            // The 1 s timeout layer answers 408 for the 10 s handler.
            let started = std::time::Instant::now();
            let slow = send(addr, Method::GET, "/slow", None).await;
            assert_eq!(slow.status, StatusCode::REQUEST_TIMEOUT);
            assert!(started.elapsed() < Duration::from_secs(5));

            stop.send(()).unwrap();
            runtime::time::timeout(Duration::from_secs(5), server)
                .await
                .expect("graceful shutdown completes")
                .unwrap()
                .unwrap();
        });
    }
}
