//! `runtime::signal`: deliveries reach listeners, every listener sees each
//! one, deliveries between polls coalesce, `ctrl_c` resolves on SIGINT.
//!
//! Signals are process-wide and the tests of this file run concurrently in
//! one process, so each test uses a signal of its own. Every test installs
//! the handler (by creating a listener) before raising, so a raise can never
//! take the default action (for SIGINT/SIGTERM: killing the test harness).
//! Each test runs under a watchdog timeout.
#![cfg(feature = "full")]
#![cfg(unix)]

use runtime::signal::unix::{signal, Signal, SignalKind};
use runtime::time::{sleep, timeout};
use runtime::Builder;
use std::future::Future;
use std::os::raw::c_int;
use std::pin::pin;
use std::sync::mpsc;
use std::task::Poll;
use std::time::Duration;

/// Upper bound for any single test; a hang fails instead of stalling CI.
const WATCHDOG: Duration = Duration::from_secs(10);

/// Sends `kind` to the calling thread; the handler runs before this returns.
fn raise(kind: SignalKind) {
    // SAFETY: raise(3) has no memory-safety preconditions. Every caller has
    // created a listener for `kind` first, so its handler is installed and
    // the default action (possibly terminating the process) cannot run.
    let rc = unsafe { libc::raise(kind.as_raw_value()) };
    assert_eq!(rc, 0, "raise failed");
}

/// Signal tests run one at a time (`SERIAL`): a listener drains the process-wide
/// self-pipe for every listener (see `signal/registry.rs`), so a listener of
/// a concurrent test, on another thread, could split deliveries this test
/// raised back to back, and `deliveries_between_polls_coalesce_into_one`
/// would see two reports (it did, once, under load).
/// Held across awaits, so it is the runtime's async mutex (runtime-agnostic:
/// each test has its own runtime); plain `#[test]`s take it blocking.
static SERIAL: runtime::sync::Mutex<()> = runtime::sync::Mutex::const_new(());

/// Runs `f` under the watchdog.
async fn watchdog<F: Future>(f: F) -> F::Output {
    timeout(WATCHDOG, f).await.expect("watchdog: test hung")
}

/// True if `fut` is still pending after a first poll.
async fn is_pending<F: Future + Unpin>(fut: &mut F) -> bool {
    std::future::poll_fn(|cx| Poll::Ready(std::pin::Pin::new(&mut *fut).poll(cx).is_pending()))
        .await
}

#[runtime::test]
async fn recv_returns_after_a_delivery() {
    let _serial = SERIAL.lock().await;
    watchdog(async {
        let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
        raise(SignalKind::user_defined1());
        assert_eq!(usr1.recv().await, Some(()));
        // And again: each later delivery is reported too.
        raise(SignalKind::user_defined1());
        assert_eq!(usr1.recv().await, Some(()));
    })
    .await;
}

#[runtime::test(flavor = "multi_thread")]
async fn every_listener_sees_each_delivery_even_on_another_runtime() {
    let _serial = SERIAL.lock().await;
    let kind = SignalKind::user_defined2();
    // Listener 1 on this runtime, in a spawned task.
    let mut first = signal(kind).unwrap();
    let task = runtime::spawn(async move { timeout(WATCHDOG, first.recv()).await });
    // Listener 2 on another (current-thread) runtime on its own thread.
    let (ready_tx, ready_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let other = std::thread::spawn(move || {
        let rt = Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let mut second = signal(kind).unwrap();
            ready_tx.send(()).unwrap();
            done_tx
                .send(timeout(WATCHDOG, second.recv()).await)
                .unwrap();
        });
    });
    // Listener 3: created here, awaited in place.
    let mut third = signal(kind).unwrap();
    ready_rx.recv_timeout(WATCHDOG).unwrap();

    raise(kind);

    assert_eq!(watchdog(third.recv()).await, Some(()));
    assert_eq!(task.await.unwrap(), Ok(Some(())));
    let second = runtime::task::spawn_blocking(move || done_rx.recv_timeout(WATCHDOG))
        .await
        .unwrap();
    assert_eq!(second.unwrap(), Ok(Some(())));
    other.join().unwrap();
}

#[runtime::test]
async fn deliveries_between_polls_coalesce_into_one() {
    let _serial = SERIAL.lock().await;
    watchdog(async {
        let kind = SignalKind::hangup();
        let mut hup = signal(kind).unwrap();
        raise(kind);
        raise(kind);
        raise(kind);
        assert_eq!(hup.recv().await, Some(()));
        // The three deliveries were reported once: nothing more is pending.
        assert!(
            timeout(Duration::from_millis(200), hup.recv())
                .await
                .is_err(),
            "coalesced deliveries were reported more than once"
        );
        // A later delivery is reported again (the timed-out recv lost nothing).
        raise(kind);
        assert_eq!(hup.recv().await, Some(()));
    })
    .await;
}

#[runtime::test]
async fn a_listener_sees_only_deliveries_after_it_was_created() {
    let _serial = SERIAL.lock().await;
    watchdog(async {
        let kind = SignalKind::alarm();
        let mut early = signal(kind).unwrap();
        raise(kind);
        assert_eq!(early.recv().await, Some(()));
        // That delivery has been published; a new listener does not report it.
        let mut late = signal(kind).unwrap();
        assert!(timeout(Duration::from_millis(100), late.recv())
            .await
            .is_err());
        raise(kind);
        assert_eq!(late.recv().await, Some(()));
        assert_eq!(early.recv().await, Some(()));
    })
    .await;
}

#[runtime::test]
async fn ctrl_c_resolves_on_sigint() {
    let _serial = SERIAL.lock().await;
    watchdog(async {
        // Install the SIGINT handler first, so the raise below can never kill
        // the test harness, whatever ctrl_c does.
        let mut plain = signal(SignalKind::interrupt()).unwrap();
        let mut ctrl_c = pin!(runtime::signal::ctrl_c());
        // The first poll subscribes; nothing has been delivered yet.
        assert!(is_pending(&mut ctrl_c).await);
        raise(SignalKind::interrupt());
        ctrl_c.await.unwrap();
        // The ordinary listener saw the same delivery.
        assert_eq!(plain.recv().await, Some(()));
        // The handler stays installed: another SIGINT does not kill us.
        raise(SignalKind::interrupt());
        assert_eq!(plain.recv().await, Some(()));
    })
    .await;
}

#[runtime::test(flavor = "multi_thread")]
async fn process_directed_signal_from_kill_reaches_a_spawned_listener() {
    let _serial = SERIAL.lock().await;
    let kind = SignalKind::terminate();
    let mut term = signal(kind).unwrap();
    let task = runtime::spawn(async move { timeout(WATCHDOG, term.recv()).await });
    sleep(Duration::from_millis(20)).await;
    let status = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(std::process::id().to_string())
        .status()
        .expect("run kill");
    assert!(status.success());
    assert_eq!(task.await.unwrap(), Ok(Some(())));
}

#[runtime::test]
async fn from_raw_kinds_work() {
    let _serial = SERIAL.lock().await;
    watchdog(async {
        let kind = SignalKind::from_raw(libc::SIGWINCH);
        assert_eq!(kind, SignalKind::window_change());
        assert_eq!(c_int::from(kind), libc::SIGWINCH);
        let mut winch = signal(kind).unwrap();
        raise(kind);
        assert_eq!(winch.recv().await, Some(()));
    })
    .await;
}

#[runtime::test]
async fn forbidden_and_invalid_signals_are_errors() {
    let _serial = SERIAL.lock().await;
    for raw in [
        libc::SIGKILL,
        libc::SIGSTOP,
        libc::SIGSEGV,
        libc::SIGILL,
        libc::SIGFPE,
        0,
        -1,
        100_000,
    ] {
        let err = signal(SignalKind::from_raw(raw)).unwrap_err();
        assert!(!err.to_string().is_empty(), "signal {raw}");
    }
}

#[test]
#[should_panic(expected = "must be called from the context of a runtime")]
fn signal_outside_a_runtime_panics() {
    let _ = signal(SignalKind::user_defined1());
}

/// Creates a listener on `rt`, drops `rt`, then awaits the listener from a
/// plain thread: it must return `None`, not hang.
fn recv_after_runtime_drop(rt: runtime::Runtime) -> Option<()> {
    // SIGURG is ignored by default: harmless even without our handler.
    let mut urg = rt
        .block_on(async { signal(SignalKind::from_raw(libc::SIGURG)) })
        .unwrap();
    drop(rt);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(futures::executor::block_on(urg.recv())));
    rx.recv_timeout(WATCHDOG)
        .expect("recv hung on a listener whose runtime is gone")
}

#[test]
fn recv_returns_none_once_the_multi_thread_runtime_is_gone() {
    let _serial = SERIAL.blocking_lock();
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    assert_eq!(recv_after_runtime_drop(rt), None);
}

#[test]
fn recv_returns_none_once_the_current_thread_runtime_is_gone() {
    let _serial = SERIAL.blocking_lock();
    let rt = Builder::new_current_thread().build().unwrap();
    assert_eq!(recv_after_runtime_drop(rt), None);
}

#[test]
fn listeners_and_ctrl_c_are_send_sync_and_unpin() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    fn send<T: Send>(_: &T) {}
    send_sync_unpin::<Signal>();
    send_sync_unpin::<SignalKind>();
    send(&runtime::signal::ctrl_c());
}
