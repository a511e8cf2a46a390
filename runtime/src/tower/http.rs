//! tower-http's `timeout` layer: a request that takes longer than the
//! duration gets a response with an empty body and a status code (408
//! Request Timeout by default) instead of an error, so it works with
//! services whose error type is `Infallible` (axum's `Router`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::{Response, StatusCode};

/// Applies [`Timeout`] to a service, as `tower_http::timeout::TimeoutLayer`.
///
/// ```
/// use std::time::Duration;
/// use runtime::tower::http::TimeoutLayer;
///
/// let layer = TimeoutLayer::new(Duration::from_secs(10)); // 408 on expiry
/// let also = TimeoutLayer::with_status_code(hyper::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(10));
/// # let _ = (layer, also);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TimeoutLayer {
    timeout: Duration,
    status: StatusCode,
}

impl TimeoutLayer {
    /// Times out with `408 Request Timeout`.
    ///
    /// ```
    /// let layer = runtime::tower::http::TimeoutLayer::new(std::time::Duration::from_secs(10));
    /// # let _ = layer;
    /// ```
    pub fn new(timeout: Duration) -> TimeoutLayer {
        TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)
    }

    /// Times out with `status`.
    ///
    /// ```
    /// use runtime::tower::http::TimeoutLayer;
    /// let layer = TimeoutLayer::with_status_code(hyper::StatusCode::GATEWAY_TIMEOUT, std::time::Duration::from_secs(3));
    /// # let _ = layer;
    /// ```
    pub fn with_status_code(status: StatusCode, timeout: Duration) -> TimeoutLayer {
        TimeoutLayer { timeout, status }
    }
}

impl<S> tower_layer::Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout {
            inner,
            timeout: self.timeout,
            status: self.status,
        }
    }
}

/// A service answering requests that take longer than a duration with an
/// empty response of a status code, as `tower_http::timeout::Timeout`.
///
/// ```
/// use std::convert::Infallible;
/// use std::time::Duration;
///
/// use runtime::tower::http::TimeoutLayer;
/// use tower_layer::Layer;
/// use tower_service::Service;
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let slow = runtime::hyper::FromHyper::new(Slow);
///     let mut svc = TimeoutLayer::new(Duration::from_secs(1)).layer(slow);
///     std::future::poll_fn(|cx| svc.poll_ready(cx)).await.unwrap();
///     let res = svc.call(()).await.unwrap();
///     assert_eq!(res.status(), hyper::StatusCode::REQUEST_TIMEOUT);
/// }
///
/// struct Slow;
/// impl hyper::service::Service<()> for Slow {
///     type Response = hyper::Response<String>;
///     type Error = Infallible;
///     type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Infallible>> + Send>>;
///     fn call(&self, _: ()) -> Self::Future {
///         Box::pin(async {
///             runtime::time::sleep(Duration::from_secs(60)).await;
///             Ok(hyper::Response::new("late".into()))
///         })
///     }
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Timeout<S> {
    inner: S,
    timeout: Duration,
    status: StatusCode,
}

impl<S> Timeout<S> {
    /// The inner service.
    ///
    /// ```
    /// use tower_layer::Layer;
    /// let svc = runtime::tower::http::TimeoutLayer::new(std::time::Duration::from_secs(1)).layer(3);
    /// assert_eq!(*svc.get_ref(), 3);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    ///
    /// ```
    /// use tower_layer::Layer;
    /// let mut svc = runtime::tower::http::TimeoutLayer::new(std::time::Duration::from_secs(1)).layer(3);
    /// *svc.get_mut() = 4;
    /// assert_eq!(svc.into_inner(), 4);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// use tower_layer::Layer;
    /// let svc = runtime::tower::http::TimeoutLayer::new(std::time::Duration::from_secs(1)).layer("s");
    /// assert_eq!(svc.into_inner(), "s");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, R, B> tower_service::Service<R> for Timeout<S>
where
    S: tower_service::Service<R, Response = Response<B>>,
    B: Default,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> ResponseFuture<S::Future> {
        ResponseFuture {
            inner: crate::time::timeout(self.timeout, self.inner.call(req)),
            status: self.status,
        }
    }
}

/// The response future of [`Timeout`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<F> {
    inner: crate::time::Timeout<F>,
    status: StatusCode,
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let status = self.status;
        // SAFETY: structural pinning of `inner`: it is never moved out of a
        // pinned `self`, `ResponseFuture` has no `Drop` impl and is `Unpin`
        // only through the auto trait; `status` is `Copy` and not pinned.
        let inner = unsafe { self.map_unchecked_mut(|this| &mut this.inner) };
        inner.poll(cx).map(|result| match result {
            Ok(response) => response,
            Err(_elapsed) => {
                let mut response = Response::new(B::default());
                *response.status_mut() = status;
                Ok(response)
            }
        })
    }
}
