//! `Builder::rng_seed`: the same seed gives the same `select!` choices, a
//! different seed different ones, on both flavours.

use runtime::runtime::{Builder, RngSeed, Runtime};

/// Which of four always-ready branches each of 100 `select!`s takes.
async fn choices() -> Vec<u8> {
    let mut out = Vec::with_capacity(100);
    for _ in 0..100 {
        runtime::select! {
            _ = async {} => out.push(0),
            _ = async {} => out.push(1),
            _ = async {} => out.push(2),
            _ = async {} => out.push(3),
        }
    }
    out
}

fn current(seed: &[u8]) -> Runtime {
    Builder::new_current_thread()
        .rng_seed(RngSeed::from_bytes(seed))
        .build()
        .unwrap()
}

#[test]
fn same_seed_same_select_choices_on_current_thread() {
    let a = current(b"alpha").block_on(choices());
    let b = current(b"alpha").block_on(choices());
    assert_eq!(a, b);
    // Not a constant sequence: the seed really picks.
    assert!((0..4).all(|branch| a.contains(&branch)), "{a:?}");
}

#[test]
fn different_seed_different_select_choices() {
    let a = current(b"alpha").block_on(choices());
    let b = current(b"beta").block_on(choices());
    assert_ne!(a, b);
}

#[test]
fn unseeded_runtimes_differ() {
    let a = Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(choices());
    let b = Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(choices());
    assert_ne!(a, b, "two random seeds gave the same 100 choices");
}

#[test]
fn every_block_on_and_spawned_task_is_reproducible() {
    let run = |seed: &[u8]| {
        let rt = current(seed);
        let first = rt.block_on(choices());
        let second = rt.block_on(choices());
        let task = rt.block_on(async { runtime::spawn(choices()).await.unwrap() });
        (first, second, task)
    };
    let (a1, a2, a3) = run(b"gamma");
    let (b1, b2, b3) = run(b"gamma");
    assert_eq!((&a1, &a2, &a3), (&b1, &b2, &b3));
    // Successive `block_on`s continue the stream, they do not restart it.
    assert_ne!(a1, a2);
}

#[test]
fn same_seed_same_choices_in_multi_thread_block_on() {
    let run = |seed: &[u8]| {
        Builder::new_multi_thread()
            .worker_threads(2)
            .rng_seed(RngSeed::from_bytes(seed))
            .build()
            .unwrap()
            .block_on(choices())
    };
    assert_eq!(run(b"delta"), run(b"delta"));
    assert_ne!(run(b"delta"), run(b"epsilon"));
}

#[test]
fn outside_a_runtime_the_thread_generator_is_restored() {
    // The seeded stream is the runtime's: after `block_on`, the thread's own
    // generator goes on where it was, so two seeded runs in a row match.
    let rt = current(b"zeta");
    let a = rt.block_on(choices());
    let _unseeded = futures_lite_block_on(choices());
    let rt2 = current(b"zeta");
    assert_eq!(a, rt2.block_on(choices()));
}

/// `select!` outside any runtime (polled by hand): uses the thread's own
/// generator.
fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    struct Noop;
    impl std::task::Wake for Noop {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
    let mut cx = std::task::Context::from_waker(&waker);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}
