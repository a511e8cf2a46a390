//! Tower layers on this runtime's timers (feature `tower`).
//!
//! tower's `timeout` and `limit::rate` layers and tower-http's
//! `TimeoutLayer` sleep with `tokio::time`, which finds no Tokio timer here
//! and panics on the first request ("there is no reactor running, must be
//! called from the context of a Tokio 1.x runtime"), at run time only. This
//! module has the same layers, with the same names, behaviour and error
//! types, on [`runtime::time`](crate::time); replace the import and nothing
//! else:
//!
//! | Tokio ecosystem | here |
//! |---|---|
//! | `tower::timeout::TimeoutLayer` | [`timeout::TimeoutLayer`] (error [`Elapsed`](crate::time::error::Elapsed) on expiry) |
//! | `tower_http::timeout::TimeoutLayer` | [`http::TimeoutLayer`] (a response with a status code, 408 by default) |
//! | `tower::limit::RateLimitLayer` | [`limit::RateLimitLayer`] |
//!
//! tower's `ConcurrencyLimitLayer` needs no timer (it uses `tokio::sync`'s
//! semaphore, which runs on any runtime) and works here as it is; so do the
//! layers that do not sleep.
//!
//! # Design
//!
//! Each service wraps the inner one as tower's do. The futures keep the
//! inner response future and a [`Sleep`](crate::time::Sleep) side by side
//! (through [`runtime::time::timeout`](crate::time::timeout)), so a timeout
//! costs one timer entry and no allocation. The rate limiter keeps one boxed
//! `Sleep` for its whole life and resets it, as tower's does.
//!
//! ```
//! use std::time::Duration;
//!
//! use runtime::tower::timeout::TimeoutLayer;
//! use tower_layer::Layer;
//! use tower_service::Service;
//!
//! # #[derive(Clone)]
//! # struct Slow;
//! # impl Service<()> for Slow {
//! #     type Response = ();
//! #     type Error = std::convert::Infallible;
//! #     type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Self::Error>> + Send>>;
//! #     fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
//! #         std::task::Poll::Ready(Ok(()))
//! #     }
//! #     fn call(&mut self, _: ()) -> Self::Future {
//! #         Box::pin(async { runtime::time::sleep(Duration::from_secs(60)).await; Ok(()) })
//! #     }
//! # }
//! #[runtime::main(flavor = "current_thread", start_paused = true)]
//! async fn main() {
//!     let mut svc = TimeoutLayer::new(Duration::from_secs(1)).layer(Slow);
//!     std::future::poll_fn(|cx| svc.poll_ready(cx)).await.unwrap();
//!     let err = svc.call(()).await.unwrap_err();
//!     assert!(err.is::<runtime::time::error::Elapsed>());
//! }
//! ```

pub mod http;
pub mod limit;
pub mod timeout;

/// The error type of the layers that add errors of their own (tower's).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
