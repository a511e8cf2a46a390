//! An axum app on this runtime: a JSON API with path parameters, shared
//! state, a middleware layer and a request timeout, served with
//! `runtime::hyper::serve` (in place of `axum::serve`), stopping gracefully
//! on Ctrl-C.
//!
//! ```text
//! cargo run --release --features hyper,tower --example axum_app
//! curl 127.0.0.1:3000/users/1
//! curl -X POST 127.0.0.1:3000/users -H 'content-type: application/json' -d '{"name":"ada"}'
//! curl -i 127.0.0.1:3000/slow   # 408 after 1 s
//! ```
//!
//! Moving this from Tokio took one line: `axum::serve(listener, app)` became
//! `runtime::hyper::serve(listener, app)` (plus the `s/tokio/runtime/`
//! rename, and tower-http's `TimeoutLayer` import becoming ours).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// A user, as stored and as sent.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct User {
    /// Given by the server, from 1.
    pub id: u64,
    /// Given by the client.
    pub name: String,
}

/// The body of `POST /users`.
#[derive(Deserialize)]
pub struct NewUser {
    /// The new user's name.
    pub name: String,
}

/// State shared by all requests.
#[derive(Clone, Default)]
pub struct AppState {
    next_id: Arc<AtomicU64>,
    users: Arc<Mutex<HashMap<u64, User>>>,
}

async fn hello() -> &'static str {
    "hello from runtime\n"
}

async fn get_user(
    State(state): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Json<User>, StatusCode> {
    let users = state.users.lock().unwrap();
    users
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

async fn create_user(
    State(state): State<AppState>,
    Json(new): Json<NewUser>,
) -> (StatusCode, Json<User>) {
    let id = state.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    let user = User { id, name: new.name };
    state.users.lock().unwrap().insert(id, user.clone());
    (StatusCode::CREATED, Json(user))
}

async fn slow() -> &'static str {
    runtime::time::sleep(Duration::from_secs(10)).await;
    "too late\n"
}

/// A middleware: every response says who served it.
async fn served_by(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert("x-served-by", "runtime".parse().unwrap());
    res
}

/// The routes that need no timer, with their state and middleware: the
/// part of the app that is the same on any runtime (the Tokio twin used by
/// `benches/wrk/run.sh` serves these too).
pub fn routes() -> Router {
    Router::new()
        .route("/", get(hello))
        .route("/users", axum::routing::post(create_user))
        .route("/users/{id}", get(get_user))
        .with_state(AppState::default())
        .layer(middleware::from_fn(served_by))
}

/// The app: [`routes`], a slow route, and a 1 s request timeout on
/// `runtime::time` (tower-http's would panic here: no Tokio timer).
pub fn app() -> Router {
    routes()
        .route("/slow", get(slow))
        .layer(runtime::tower::http::TimeoutLayer::new(
            Duration::from_secs(1),
        ))
}

#[allow(dead_code)] // the integration test uses `app` only
#[runtime::main]
async fn main() -> std::io::Result<()> {
    // `axum_app [PORT]`, or ADDR=host:port; 127.0.0.1:3000 by default.
    let addr = match std::env::args().nth(1) {
        Some(port) => format!("127.0.0.1:{port}"),
        None => std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into()),
    };
    let listener = runtime::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    runtime::hyper::serve(listener, app())
        .with_graceful_shutdown(async {
            runtime::signal::ctrl_c().await.ok();
            println!("shutting down: finishing requests in flight");
        })
        .await
}
