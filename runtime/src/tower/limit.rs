//! tower's `limit::rate` layer: at most `num` requests per `per` period.
//!
//! Same algorithm as tower's: a window opens at the first request after the
//! previous one ended; the service stays ready while the window has
//! requests left; the call that spends the last one arms a sleep until the
//! window's end, and `poll_ready` is `Pending` until it fires. As tower's,
//! `RateLimit` is not `Clone` (the budget is per instance): share one
//! behind a buffer, or give each connection its own limit.

use std::fmt;
use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::time::{Instant, Sleep};

/// A number of requests per period.
///
/// ```
/// let rate = runtime::tower::limit::Rate::new(100, std::time::Duration::from_secs(1));
/// assert_eq!(rate.num(), 100);
/// assert_eq!(rate.per(), std::time::Duration::from_secs(1));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    num: u64,
    per: Duration,
}

impl Rate {
    /// `num` requests per `per`.
    ///
    /// # Panics
    /// If `num` or `per` is zero, as tower's.
    ///
    /// ```
    /// let rate = runtime::tower::limit::Rate::new(5, std::time::Duration::from_millis(100));
    /// # let _ = rate;
    /// ```
    #[track_caller]
    pub fn new(num: u64, per: Duration) -> Rate {
        assert!(num > 0, "Rate::new: `num` must be at least 1");
        assert!(
            per > Duration::ZERO,
            "Rate::new: `per` must be longer than zero"
        );
        Rate { num, per }
    }

    /// Requests per period.
    ///
    /// ```
    /// assert_eq!(runtime::tower::limit::Rate::new(3, std::time::Duration::from_secs(1)).num(), 3);
    /// ```
    pub fn num(&self) -> u64 {
        self.num
    }

    /// The period.
    ///
    /// ```
    /// let rate = runtime::tower::limit::Rate::new(3, std::time::Duration::from_secs(2));
    /// assert_eq!(rate.per(), std::time::Duration::from_secs(2));
    /// ```
    pub fn per(&self) -> Duration {
        self.per
    }
}

/// Applies [`RateLimit`] to a service, as `tower::limit::RateLimitLayer`.
///
/// ```
/// use runtime::tower::limit::RateLimitLayer;
/// let layer = RateLimitLayer::new(100, std::time::Duration::from_secs(1));
/// # let _ = layer;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RateLimitLayer {
    rate: Rate,
}

impl RateLimitLayer {
    /// At most `num` requests per `per`.
    ///
    /// # Panics
    /// If `num` or `per` is zero.
    ///
    /// ```
    /// let layer = runtime::tower::limit::RateLimitLayer::new(10, std::time::Duration::from_millis(500));
    /// # let _ = layer;
    /// ```
    #[track_caller]
    pub fn new(num: u64, per: Duration) -> RateLimitLayer {
        RateLimitLayer {
            rate: Rate::new(num, per),
        }
    }
}

impl<S> tower_layer::Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;

    fn layer(&self, inner: S) -> RateLimit<S> {
        RateLimit::new(inner, self.rate)
    }
}

enum State {
    /// The window ends at `until`; `rem` requests are left in it.
    Ready { until: Instant, rem: u64 },
    /// The window is spent; `RateLimit::sleep` ends it.
    Limited,
}

/// A service that lets at most `num` requests through per `per`, as
/// `tower::limit::RateLimit`: `poll_ready` is `Pending` while the budget is
/// spent.
///
/// ```
/// use std::convert::Infallible;
/// use std::future::poll_fn;
/// use std::task::Poll;
/// use std::time::Duration;
///
/// use runtime::tower::limit::{Rate, RateLimit};
/// use tower_service::Service;
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let echo = runtime::hyper::FromHyper::new(Echo);
///     let mut svc = RateLimit::new(echo, Rate::new(2, Duration::from_secs(1)));
///     let start = runtime::time::Instant::now();
///     for i in 0..4 {
///         poll_fn(|cx| svc.poll_ready(cx)).await.unwrap();
///         assert_eq!(svc.call(i).await.unwrap(), i);
///     }
///     // Two in the first second, two in the next.
///     assert_eq!(start.elapsed(), Duration::from_secs(1));
/// }
///
/// struct Echo;
/// impl hyper::service::Service<u32> for Echo {
///     type Response = u32;
///     type Error = Infallible;
///     type Future = std::future::Ready<Result<u32, Infallible>>;
///     fn call(&self, n: u32) -> Self::Future { std::future::ready(Ok(n)) }
/// }
/// ```
pub struct RateLimit<S> {
    inner: S,
    rate: Rate,
    state: State,
    /// Boxed once: `RateLimit` stays `Unpin`, and the timer entry is reused.
    sleep: Pin<Box<Sleep>>,
}

impl<S> RateLimit<S> {
    /// Wraps `inner`.
    ///
    /// # Panics
    /// Outside a runtime with a timer (it makes its `Sleep` at once).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::tower::limit::{Rate, RateLimit};
    /// let svc = RateLimit::new((), Rate::new(1, std::time::Duration::from_secs(1)));
    /// assert_eq!(svc.rate().num(), 1);
    /// # }
    /// ```
    #[track_caller]
    pub fn new(inner: S, rate: Rate) -> RateLimit<S> {
        let until = Instant::now();
        RateLimit {
            inner,
            rate,
            state: State::Ready {
                until,
                rem: rate.num,
            },
            sleep: Box::pin(crate::time::sleep_until(until)),
        }
    }

    /// The rate.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::tower::limit::{Rate, RateLimit};
    /// let svc = RateLimit::new((), Rate::new(9, std::time::Duration::from_secs(1)));
    /// assert_eq!(svc.rate().num(), 9);
    /// # }
    /// ```
    pub fn rate(&self) -> &Rate {
        &self.rate
    }

    /// The inner service.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::tower::limit::{Rate, RateLimit};
    /// let svc = RateLimit::new(5, Rate::new(1, std::time::Duration::from_secs(1)));
    /// assert_eq!(*svc.get_ref(), 5);
    /// # }
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::tower::limit::{Rate, RateLimit};
    /// let mut svc = RateLimit::new(5, Rate::new(1, std::time::Duration::from_secs(1)));
    /// *svc.get_mut() = 6;
    /// assert_eq!(svc.into_inner(), 6);
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::tower::limit::{Rate, RateLimit};
    /// let svc = RateLimit::new("s", Rate::new(1, std::time::Duration::from_secs(1)));
    /// assert_eq!(svc.into_inner(), "s");
    /// # }
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for RateLimit<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit")
            .field("inner", &self.inner)
            .field("rate", &self.rate)
            .field("limited", &matches!(self.state, State::Limited))
            .finish()
    }
}

impl<S, R> tower_service::Service<R> for RateLimit<S>
where
    S: tower_service::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        if let State::Limited = self.state {
            if self.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.state = State::Ready {
                until: Instant::now() + self.rate.per,
                rem: self.rate.num,
            };
        }
        self.inner.poll_ready(cx)
    }

    #[track_caller]
    fn call(&mut self, req: R) -> S::Future {
        let State::Ready { mut until, mut rem } = self.state else {
            panic!(
                "RateLimit::call without a successful poll_ready first (tower's Service contract)"
            );
        };
        let now = Instant::now();
        if now >= until {
            // A new window, from this request on.
            until = now + self.rate.per;
            rem = self.rate.num;
        }
        if rem > 1 {
            self.state = State::Ready {
                until,
                rem: rem - 1,
            };
        } else {
            // The last request of the window: the next waits for its end.
            self.sleep.as_mut().reset(until);
            self.state = State::Limited;
        }
        self.inner.call(req)
    }
}
