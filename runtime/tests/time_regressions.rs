//! Regression tests for timer bugs: deadlines beyond the timer wheel's range,
//! `Duration::MAX` arithmetic, and paused-clock auto-advance while blocking-pool
//! work is in flight. Each test failed before its fix.
#![cfg(feature = "full")]

use runtime::time::{self, Duration, Instant, MissedTickBehavior};
use runtime::{Builder, Runtime};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// Ten (365-day) years: beyond the wheel's ~2.2-year range.
const TEN_YEARS: Duration = Duration::from_secs(10 * 365 * 86_400);

fn paused() -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

fn current() -> Runtime {
    Builder::new_current_thread().enable_time().build().unwrap()
}

fn multi() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

/// Polls `fut` once with a waker that does nothing.
fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let waker = Waker::from(Arc::new(NoopWaker));
    Pin::new(fut).poll(&mut Context::from_waker(&waker))
}

// ---- 1. Deadlines beyond the wheel's range ----

#[test]
fn paused_sleep_until_ten_years_is_not_early() {
    paused().block_on(async {
        let start = Instant::now();
        time::sleep_until(start + TEN_YEARS).await;
        assert_eq!(start.elapsed(), TEN_YEARS, "fired early (or late)");
    });
}

#[test]
fn paused_sleep_of_ten_years_is_not_early() {
    paused().block_on(async {
        let start = Instant::now();
        time::sleep(TEN_YEARS).await;
        assert_eq!(start.elapsed(), TEN_YEARS);
    });
}

#[test]
fn paused_far_timer_survives_advancing_past_the_wheel_range() {
    paused().block_on(async {
        let start = Instant::now();
        let mut far = time::sleep(TEN_YEARS);
        assert!(poll_once(&mut far).is_pending());
        // Past the wheel's range in several jumps, then to one tick short.
        time::advance(Duration::from_secs(3 * 365 * 86_400)).await;
        assert!(poll_once(&mut far).is_pending(), "fired after 3 years");
        time::advance(TEN_YEARS - Duration::from_secs(3 * 365 * 86_400) - Duration::from_millis(1))
            .await;
        assert!(poll_once(&mut far).is_pending(), "fired 1 ms early");
        time::advance(Duration::from_millis(1)).await;
        assert!(poll_once(&mut far).is_ready());
        assert_eq!(start.elapsed(), TEN_YEARS);
    });
}

#[test]
fn paused_timeout_of_duration_max_does_not_elapse_after_ten_years() {
    paused().block_on(async {
        let fired = Arc::new(AtomicBool::new(false));
        let flag = fired.clone();
        let task = runtime::spawn(async move {
            let res = time::timeout(Duration::MAX, std::future::pending::<()>()).await;
            flag.store(true, SeqCst);
            res
        });
        runtime::task::yield_now().await; // let it register its timer
        time::advance(TEN_YEARS).await;
        assert!(
            !fired.load(SeqCst),
            "timeout(Duration::MAX) reported Elapsed"
        );
        task.abort();
    });
}

#[test]
fn paused_sleep_of_duration_max_outlasts_ten_years() {
    paused().block_on(async {
        let res = time::timeout(TEN_YEARS, time::sleep(Duration::MAX)).await;
        assert!(
            res.is_err(),
            "sleep(Duration::MAX) finished within 10 years"
        );
    });
}

#[test]
fn instant_plus_duration_max_saturates() {
    let now = Instant::now();
    let far = now + Duration::MAX; // no panic
    assert!(far > now + TEN_YEARS);
    let mut also = now;
    also += Duration::MAX;
    assert_eq!(also, far);
    // Inside a runtime too, with a paused clock.
    paused().block_on(async {
        let now = Instant::now();
        assert!(now + Duration::MAX > now + TEN_YEARS);
    });
}

#[test]
fn real_clock_duration_max_timers_stay_pending_on_both_flavours() {
    for rt in [current(), multi()] {
        rt.block_on(async {
            let slow = time::timeout(Duration::from_millis(20), time::sleep(Duration::MAX)).await;
            assert!(slow.is_err(), "sleep(Duration::MAX) completed");
            let far = time::timeout(
                Duration::from_millis(20),
                time::sleep_until(Instant::now() + TEN_YEARS),
            )
            .await;
            assert!(far.is_err(), "a 10-year sleep completed");
            assert_eq!(time::timeout(Duration::MAX, async { 5 }).await, Ok(5));
            assert_eq!(
                time::timeout(Duration::MAX, time::sleep(Duration::from_millis(1))).await,
                Ok(())
            );
        });
    }
}

// ---- 2. interval(Duration::MAX) ----

#[test]
fn interval_of_duration_max_ticks_at_once_then_stays_pending() {
    for rt in [paused(), current(), multi()] {
        rt.block_on(async {
            let start = Instant::now();
            let mut iv = time::interval(Duration::MAX);
            let mut first = Box::pin(iv.tick());
            match poll_once(&mut first) {
                Poll::Ready(at) => assert!(start <= at && at <= Instant::now()),
                Poll::Pending => panic!("the first tick of interval(Duration::MAX) is pending"),
            }
            drop(first);
            let second = time::timeout(Duration::from_millis(20), iv.tick()).await;
            assert!(second.is_err(), "a second tick came");
            iv.reset(); // now + Duration::MAX: no overflow
        });
    }
}

#[test]
fn interval_of_duration_max_after_missed_ticks_does_not_overflow() {
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        paused().block_on(async {
            let start = Instant::now();
            let mut iv = time::interval_at(start + Duration::from_millis(10), Duration::MAX);
            iv.set_missed_tick_behavior(behavior);
            time::advance(Duration::from_secs(1)).await; // the first tick is late
            assert_eq!(iv.tick().await, start + Duration::from_millis(10));
            let second = time::timeout(TEN_YEARS, iv.tick()).await;
            assert!(second.is_err(), "{behavior:?}: a second tick came");
        });
    }
}

#[test]
fn interval_first_tick_is_immediate() {
    for rt in [paused(), current()] {
        rt.block_on(async {
            let mut iv = time::interval(Duration::from_millis(10));
            assert!(poll_once(&mut Box::pin(iv.tick())).is_ready());
        });
    }
}

// ---- 3. Auto-advance waits for blocking-pool work ----

#[runtime::test(start_paused = true)]
async fn paused_clock_does_not_auto_advance_during_spawn_blocking() {
    let res = time::timeout(
        Duration::from_secs(3),
        runtime::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(1))),
    )
    .await;
    assert!(
        res.is_ok(),
        "auto-advance fired the timeout while blocking work ran"
    );
    assert!(res.unwrap().is_ok());
}

#[runtime::test(start_paused = true)]
async fn paused_clock_does_not_auto_advance_during_a_panicking_spawn_blocking() {
    for _ in 0..3 {
        let res = time::timeout(
            Duration::from_secs(3),
            runtime::task::spawn_blocking(|| {
                std::thread::sleep(Duration::from_millis(1));
                panic!("boom in the blocking pool");
            }),
        )
        .await;
        let join = res.expect("auto-advance fired the timeout while blocking work ran");
        assert!(join.unwrap_err().is_panic());
    }
    // Once nothing is in flight, auto-advance works again.
    let start = Instant::now();
    time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(3600));
}

#[runtime::test(start_paused = true)]
async fn paused_clock_waits_for_detached_blocking_work_before_advancing() {
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    drop(runtime::task::spawn_blocking(move || {
        std::thread::sleep(Duration::from_millis(50));
        flag.store(true, SeqCst);
    }));
    let start = Instant::now();
    time::sleep(Duration::from_secs(10)).await;
    assert!(
        done.load(SeqCst),
        "the clock auto-advanced while blocking work was in flight"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(10));
}

#[test]
fn paused_clock_counts_queued_blocking_work_too() {
    let rt = Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .max_blocking_threads(1)
        .build()
        .unwrap();
    rt.block_on(async {
        let a = runtime::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(20)));
        // Queued behind `a` on the single pool thread.
        let b = runtime::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(1)));
        drop(a);
        let res = time::timeout(Duration::from_secs(1), b).await;
        assert!(
            res.is_ok(),
            "auto-advance ignored a queued blocking closure"
        );
    });
}
