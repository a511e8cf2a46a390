//! `#[runtime::test(flavor = "sim", seeds = N)]`.

use runtime::time::{sleep, Duration, Instant};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// `#[runtime::test(flavor = "sim")]`: the body runs once per seed.
static MACRO_RUNS: AtomicUsize = AtomicUsize::new(0);

#[runtime::test(flavor = "sim", seeds = 25)]
async fn sim_flavor_runs_the_body_under_each_seed() {
    MACRO_RUNS.fetch_add(1, Ordering::SeqCst);
    let start = Instant::now();
    let h = runtime::spawn(async { sleep(Duration::from_secs(30)).await });
    h.await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(30));
    assert!(runtime::sim::in_sim());
}

#[test]
fn sim_flavor_ran_25_seeds() {
    // The macro's test may run after this one: wait for it (bounded).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while MACRO_RUNS.load(Ordering::SeqCst) < 25 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(MACRO_RUNS.load(Ordering::SeqCst), 25);
}

#[runtime::test(flavor = "sim", seeds = 50)]
#[should_panic(expected = "replay it with RUNTIME_SIM_SEED=")]
async fn sim_flavor_reports_the_failing_seed() {
    // Fails for some seeds only: which task finishes first is the seed's.
    let first = Arc::new(AtomicUsize::new(0));
    let (a, b) = (first.clone(), first.clone());
    let ta = runtime::spawn(async move {
        let _ = a.compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst);
    });
    let tb = runtime::spawn(async move {
        let _ = b.compare_exchange(0, 2, Ordering::SeqCst, Ordering::SeqCst);
    });
    ta.await.unwrap();
    tb.await.unwrap();
    assert_eq!(first.load(Ordering::SeqCst), 1, "task b ran first");
}
