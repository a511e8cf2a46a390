//! `runtime::tower`: tower's timeout and rate limit, tower-http's timeout,
//! on our timers (paused clock: exact durations).

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::{Response, StatusCode};
use runtime::time::{error::Elapsed, Instant};
use runtime::tower::limit::{Rate, RateLimit, RateLimitLayer};
use runtime::tower::{http, timeout};
use tower_layer::Layer;
use tower_service::Service;

/// Answers after `delay` with the request, or fails when it is negative.
#[derive(Clone)]
struct Delayed {
    delay: Duration,
}

impl Service<i32> for Delayed {
    type Response = Response<String>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<String>, std::io::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: i32) -> Self::Future {
        let delay = self.delay;
        Box::pin(async move {
            runtime::time::sleep(delay).await;
            if req < 0 {
                return Err(std::io::Error::other("negative"));
            }
            Ok(Response::new(req.to_string()))
        })
    }
}

async fn ready_call<S: Service<i32>>(svc: &mut S, req: i32) -> Result<S::Response, S::Error> {
    poll_fn(|cx| svc.poll_ready(cx)).await?;
    svc.call(req).await
}

fn paused() -> runtime::Runtime {
    runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

#[test]
fn tower_timeout_fails_slow_requests_with_elapsed_at_the_deadline() {
    paused().block_on(async {
        let layer = timeout::TimeoutLayer::new(Duration::from_secs(1));
        let mut slow = layer.layer(Delayed {
            delay: Duration::from_secs(5),
        });
        let start = Instant::now();
        let err = ready_call(&mut slow, 1).await.unwrap_err();
        assert!(err.is::<Elapsed>(), "{err}");
        assert_eq!(start.elapsed(), Duration::from_secs(1));

        let mut quick = layer.layer(Delayed {
            delay: Duration::from_millis(999),
        });
        assert_eq!(ready_call(&mut quick, 7).await.unwrap().into_body(), "7");
        // The inner service's own errors come through, boxed.
        let err = ready_call(&mut quick, -1).await.unwrap_err();
        assert_eq!(err.to_string(), "negative");
        assert!(!err.is::<Elapsed>());
    });
}

#[test]
fn tower_timeout_on_the_multi_thread_runtime() {
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut svc = timeout::Timeout::new(
            Delayed {
                delay: Duration::from_secs(30),
            },
            Duration::from_millis(50),
        );
        let start = std::time::Instant::now();
        assert!(ready_call(&mut svc, 1).await.unwrap_err().is::<Elapsed>());
        assert!(start.elapsed() < Duration::from_secs(10));
    });
}

#[test]
fn http_timeout_answers_with_the_status_code() {
    paused().block_on(async {
        let slow = Delayed {
            delay: Duration::from_secs(5),
        };
        let mut default = http::TimeoutLayer::new(Duration::from_secs(2)).layer(slow.clone());
        let start = Instant::now();
        let res = ready_call(&mut default, 1).await.unwrap();
        assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(res.body(), "");
        assert_eq!(start.elapsed(), Duration::from_secs(2));

        let mut custom = http::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(1),
        )
        .layer(slow);
        assert_eq!(
            ready_call(&mut custom, 1).await.unwrap().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );

        let mut quick = http::TimeoutLayer::new(Duration::from_secs(2)).layer(Delayed {
            delay: Duration::from_secs(1),
        });
        let res = ready_call(&mut quick, 5).await.unwrap();
        assert_eq!((res.status(), res.body().as_str()), (StatusCode::OK, "5"));
    });
}

#[test]
fn rate_limit_lets_num_requests_through_per_period() {
    paused().block_on(async {
        let mut svc = RateLimitLayer::new(2, Duration::from_secs(1)).layer(Delayed {
            delay: Duration::ZERO,
        });
        let start = Instant::now();
        let mut at = Vec::new();
        for i in 0..5 {
            ready_call(&mut svc, i).await.unwrap();
            at.push(start.elapsed().as_secs());
        }
        // Two per window: windows at 0 s, 1 s and 2 s.
        assert_eq!(at, [0, 0, 1, 1, 2]);

        // After a quiet period longer than `per`, the budget is whole again.
        runtime::time::sleep(Duration::from_secs(5)).await;
        let before = Instant::now();
        ready_call(&mut svc, 1).await.unwrap();
        ready_call(&mut svc, 2).await.unwrap();
        assert_eq!(before.elapsed(), Duration::ZERO);
    });
}

#[test]
fn rate_limit_is_pending_until_the_window_ends() {
    paused().block_on(async {
        let mut svc = RateLimit::new(
            Delayed {
                delay: Duration::ZERO,
            },
            Rate::new(1, Duration::from_secs(3)),
        );
        ready_call(&mut svc, 1).await.unwrap();
        let not_ready = runtime::time::timeout(
            Duration::from_millis(2999),
            poll_fn(|cx| svc.poll_ready(cx)),
        )
        .await;
        assert!(not_ready.is_err(), "ready before the window ended");
        poll_fn(|cx| svc.poll_ready(cx)).await.unwrap();
    });
}

#[test]
#[should_panic(expected = "without a successful poll_ready")]
fn rate_limit_call_without_poll_ready_when_limited_panics() {
    paused().block_on(async {
        let mut svc = RateLimit::new(
            Delayed {
                delay: Duration::ZERO,
            },
            Rate::new(1, Duration::from_secs(1)),
        );
        ready_call(&mut svc, 1).await.unwrap();
        drop(svc.call(2));
    });
}

#[test]
#[should_panic(expected = "`num` must be at least 1")]
fn zero_rate_is_refused() {
    let _ = Rate::new(0, Duration::from_secs(1));
}

/// tower's own `ConcurrencyLimitLayer` needs no timer (its semaphore is
/// `tokio::sync`'s, which runs anywhere): it works on this runtime as it is.
#[test]
fn towers_concurrency_limit_works_here() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[derive(Clone)]
    struct Tracked {
        now: Arc<AtomicUsize>,
        max: Arc<AtomicUsize>,
    }
    impl Service<i32> for Tracked {
        type Response = i32;
        type Error = std::convert::Infallible;
        type Future = Pin<Box<dyn Future<Output = Result<i32, Self::Error>> + Send>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, req: i32) -> Self::Future {
            let (now, max) = (self.now.clone(), self.max.clone());
            Box::pin(async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(n, Ordering::SeqCst);
                runtime::time::sleep(Duration::from_millis(10)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                Ok(req)
            })
        }
    }
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let max = Arc::new(AtomicUsize::new(0));
        let svc = tower::limit::ConcurrencyLimitLayer::new(2).layer(Tracked {
            now: Arc::new(AtomicUsize::new(0)),
            max: max.clone(),
        });
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let mut svc = svc.clone();
                runtime::spawn(async move { ready_call(&mut svc, i).await.unwrap() })
            })
            .collect();
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), i as i32);
        }
        assert_eq!(max.load(Ordering::SeqCst), 2);
    });
}

/// tower's own `timeout` layer sleeps with `tokio::time`: on this runtime
/// it panics at the first call, with Tokio's message (MIGRATING.md quotes
/// it; `runtime::tower::timeout` is the replacement).
#[test]
#[should_panic(
    expected = "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
)]
fn towers_own_timeout_panics_here() {
    paused().block_on(async {
        let mut svc = tower::timeout::TimeoutLayer::new(Duration::from_secs(1)).layer(Delayed {
            delay: Duration::ZERO,
        });
        let _ = ready_call(&mut svc, 1).await;
    });
}
