//! tower's `timeout` layer: a request that takes longer than the duration
//! fails with [`Elapsed`](crate::time::error::Elapsed) (boxed in a
//! [`BoxError`]), and its response future is dropped.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::BoxError;

/// Applies [`Timeout`] to a service, as `tower::timeout::TimeoutLayer`.
///
/// ```
/// use std::time::Duration;
/// use runtime::tower::timeout::TimeoutLayer;
/// use tower_layer::Layer;
///
/// let layer = TimeoutLayer::new(Duration::from_secs(30));
/// let _svc = layer.layer(tower_service_fn());
/// # fn tower_service_fn() -> runtime::hyper::FromHyper<()> { runtime::hyper::FromHyper::new(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TimeoutLayer {
    timeout: Duration,
}

impl TimeoutLayer {
    /// A layer whose services fail requests that take longer than `timeout`.
    ///
    /// ```
    /// let layer = runtime::tower::timeout::TimeoutLayer::new(std::time::Duration::from_secs(5));
    /// # let _ = layer;
    /// ```
    pub fn new(timeout: Duration) -> TimeoutLayer {
        TimeoutLayer { timeout }
    }
}

impl<S> tower_layer::Layer<S> for TimeoutLayer {
    type Service = Timeout<S>;

    fn layer(&self, inner: S) -> Timeout<S> {
        Timeout::new(inner, self.timeout)
    }
}

/// A service whose requests fail with
/// [`Elapsed`](crate::time::error::Elapsed) after a duration, as
/// `tower::timeout::Timeout`. Readiness is the inner service's: only the
/// call is timed.
///
/// ```
/// use std::time::Duration;
/// use runtime::tower::timeout::Timeout;
/// use tower_service::Service;
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let quick = runtime::hyper::FromHyper::new(hyper_like());
///     let mut svc = Timeout::new(quick, Duration::from_secs(1));
///     std::future::poll_fn(|cx| svc.poll_ready(cx)).await.unwrap();
///     assert_eq!(svc.call(21).await.unwrap(), 42);
/// }
/// # fn hyper_like() -> impl hyper::service::Service<u32, Response = u32, Error = std::convert::Infallible, Future = std::future::Ready<Result<u32, std::convert::Infallible>>> {
/// #     struct Double;
/// #     impl hyper::service::Service<u32> for Double {
/// #         type Response = u32;
/// #         type Error = std::convert::Infallible;
/// #         type Future = std::future::Ready<Result<u32, Self::Error>>;
/// #         fn call(&self, n: u32) -> Self::Future { std::future::ready(Ok(n * 2)) }
/// #     }
/// #     Double
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Timeout<S> {
    inner: S,
    timeout: Duration,
}

impl<S> Timeout<S> {
    /// Wraps `inner`.
    ///
    /// ```
    /// let svc = runtime::tower::timeout::Timeout::new((), std::time::Duration::from_secs(1));
    /// assert_eq!(svc.into_inner(), ());
    /// ```
    pub fn new(inner: S, timeout: Duration) -> Timeout<S> {
        Timeout { inner, timeout }
    }

    /// The inner service.
    ///
    /// ```
    /// let svc = runtime::tower::timeout::Timeout::new(7, std::time::Duration::from_secs(1));
    /// assert_eq!(*svc.get_ref(), 7);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    ///
    /// ```
    /// let mut svc = runtime::tower::timeout::Timeout::new(7, std::time::Duration::from_secs(1));
    /// *svc.get_mut() += 1;
    /// assert_eq!(svc.into_inner(), 8);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// let svc = runtime::tower::timeout::Timeout::new("inner", std::time::Duration::from_secs(1));
    /// assert_eq!(svc.into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, R> tower_service::Service<R> for Timeout<S>
where
    S: tower_service::Service<R>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: R) -> ResponseFuture<S::Future> {
        ResponseFuture {
            inner: crate::time::timeout(self.timeout, self.inner.call(req)),
        }
    }
}

/// The response future of [`Timeout`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<F> {
    inner: crate::time::Timeout<F>,
}

impl<F, T, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: structural pinning of the only field: `ResponseFuture`
        // never moves `inner` out of a pinned `self`, has no `Drop` impl, and
        // is `Unpin` only when `Timeout<F>` is (the auto trait).
        let inner = unsafe { self.map_unchecked_mut(|this| &mut this.inner) };
        inner.poll(cx).map(|result| match result {
            Ok(response) => response.map_err(Into::into),
            Err(elapsed) => Err(elapsed.into()),
        })
    }
}
