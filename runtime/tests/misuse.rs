//! Misuse: calling runtime functions outside a runtime, blocking inside one,
//! dropping a runtime from its own threads, paused time where it is not
//! supported, and binding an address in use. Each must fail clearly (a panic
//! with a message that says what to do, or an error), never hang or crash.
//!
//! Already covered elsewhere (not repeated here): `spawn` outside a runtime
//! (`rt.rs: spawn_outside_runtime_panics_with_clear_message`), `sleep` outside
//! (`time.rs: sleep_outside_a_runtime_panics_with_clear_message`), I/O types
//! built outside (`net.rs: io_types_outside_a_runtime_panic_with_clear_message`),
//! `Runtime::block_on` inside a task on both flavours
//! (`rt.rs: nested_block_on_panics_with_clear_message`), dropping a runtime
//! inside a task of another runtime
//! (`rt.rs: dropping_runtime_inside_a_task_panics_with_clear_message`),
//! `time::pause` on the multi-thread runtime and `start_paused` on it
//! (`time.rs: pause_on_multi_thread_panics_with_clear_message`), `spawn_local`
//! outside a `LocalSet` (`rt.rs`), and `TcpListener::bind` on an address in use
//! (`net.rs: bind_address_in_use_is_an_error`).
#![cfg(feature = "full")]

use runtime::net::{TcpListener, TcpSocket, TcpStream, UdpSocket, UnixListener};
use runtime::time::{self, Duration};
use runtime::{Builder, Handle, Runtime};
use std::any::Any;
use std::future::Future;
use std::io::ErrorKind;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Waker};
use std::thread;

const NO_RUNTIME: &str = "must be called from the context of a runtime";
const NESTED: &str = "Cannot start a runtime from within a runtime";
const DROP_INSIDE: &str = "Cannot drop a runtime";

fn current() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .unwrap()
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic payload>".to_string())
}

/// The panic message of `f`, which must panic.
#[track_caller]
fn panic_of<R>(f: impl FnOnce() -> R) -> String {
    match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic"),
        Err(payload) => panic_message(&*payload),
    }
}

/// A waker that does nothing (`Waker::noop` needs Rust 1.85; the MSRV is 1.80).
fn noop_waker() -> Waker {
    struct Noop;
    impl std::task::Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    Waker::from(Arc::new(Noop))
}

/// Polls `fut` once with a no-op waker, outside any runtime (as a foreign
/// executor would).
fn poll_once<F: Future>(fut: F) -> Poll<F::Output> {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    pin!(fut).poll(&mut cx)
}

/// Runs `f` on its own thread; fails the test (instead of hanging it) if it
/// does not finish within `limit`.
fn within<R: Send + 'static>(
    what: &str,
    limit: Duration,
    f: impl FnOnce() -> R + Send + 'static,
) -> thread::Result<R> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{what}: still running after {limit:?} (hang)"))
}

// ---------------------------------------------------------------------------
// Outside a runtime.

#[test]
fn runtime_functions_outside_a_runtime_panic_with_clear_message() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    type Case = (&'static str, Box<dyn FnOnce() + Send>);
    let cases: Vec<Case> = vec![
        (
            "TcpStream::connect",
            Box::new(move || drop(poll_once(TcpStream::connect(addr)))),
        ),
        (
            "TcpListener::bind",
            Box::new(|| drop(poll_once(TcpListener::bind("127.0.0.1:0")))),
        ),
        (
            "UdpSocket::bind",
            Box::new(|| drop(poll_once(UdpSocket::bind("127.0.0.1:0")))),
        ),
        (
            "spawn_blocking",
            Box::new(|| drop(runtime::spawn_blocking(|| ()))),
        ),
        ("Handle::current", Box::new(|| drop(Handle::current()))),
        (
            "time::interval",
            Box::new(|| drop(time::interval(Duration::from_millis(1)))),
        ),
        (
            "time::timeout",
            Box::new(|| drop(time::timeout(Duration::from_millis(1), async {}))),
        ),
        (
            "JoinSet::spawn",
            Box::new(|| drop(runtime::task::JoinSet::new().spawn(async {}))),
        ),
        ("time::pause", Box::new(time::pause)),
    ];
    for (what, f) in cases {
        let msg = panic_of(f);
        assert!(msg.contains(NO_RUNTIME), "{what}: {msg}");
    }
}

// ---------------------------------------------------------------------------
// Blocking inside a runtime.

#[test]
fn block_on_inside_block_on_panics_with_clear_message() {
    for rt in [current(), multi(2)] {
        let rt = Arc::new(rt);
        let inner = rt.clone();
        let msg = rt.block_on(async move { panic_of(|| inner.block_on(async {})) });
        assert!(msg.contains(NESTED), "{msg}");
        // The runtime is still usable afterwards.
        assert_eq!(rt.block_on(async { 3 }), 3);
    }
}

#[test]
fn handle_block_on_inside_a_task_panics_with_clear_message() {
    for rt in [current(), multi(2)] {
        let msg = rt.block_on(async {
            let err = runtime::spawn(async {
                Handle::current().block_on(async {});
            })
            .await
            .unwrap_err();
            panic_message(&*err.into_panic())
        });
        assert!(msg.contains(NESTED), "{msg}");
    }
}

#[test]
fn block_on_of_another_runtime_inside_block_on_panics() {
    let outer = current();
    let other = current();
    let msg = outer.block_on(async { panic_of(|| other.block_on(async {})) });
    assert!(msg.contains(NESTED), "{msg}");
}

// ---------------------------------------------------------------------------
// Dropping a runtime from its own threads.

/// Drops the last reference to a 2-worker runtime named `name` from inside
/// one of its own tasks; returns the task's result, awaited from outside.
fn drop_runtime_in_its_own_task(name: &str) -> Result<(), runtime::task::JoinError> {
    let name = name.to_string();
    within(
        "runtime dropped in its own task",
        Duration::from_secs(20),
        move || {
            let (tx, rx) = mpsc::channel::<()>();
            let rt = Arc::new(
                Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name(name)
                    .build()
                    .unwrap(),
            );
            let mine = rt.clone();
            let h = rt.spawn(async move {
                // Wait until the test has let go of its reference.
                runtime::spawn_blocking(move || rx.recv().unwrap())
                    .await
                    .unwrap();
                drop(mine);
            });
            drop(rt);
            tx.send(()).unwrap();
            // The runtime is gone from this thread; await the task from outside.
            let waker = noop_waker();
            let mut cx = Context::from_waker(&waker);
            let mut h = pin!(h);
            loop {
                if let Poll::Ready(res) = h.as_mut().poll(&mut cx) {
                    return res;
                }
                thread::sleep(Duration::from_millis(5));
            }
        },
    )
    .expect("the test thread itself did not panic")
}

#[test]
fn dropping_a_runtime_from_inside_its_own_task_panics_with_clear_message() {
    let err = drop_runtime_in_its_own_task("rt-own-drop-a")
        .expect_err("dropping the runtime in its task must panic");
    assert!(err.is_panic(), "{err:?}");
    let msg = panic_message(&*err.into_panic());
    assert!(msg.contains(DROP_INSIDE), "{msg}");
}

/// Threads of this process whose name is `name`.
#[cfg(target_os = "linux")]
fn threads_named(name: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim() == name))
        .count()
}

#[cfg(target_os = "linux")]
#[test]
fn runtime_dropped_in_its_own_task_does_not_leak_its_workers() {
    let name = "rt-own-drop-b";
    assert!(drop_runtime_in_its_own_task(name).is_err());
    // The blocking thread retires after its 10 s keep-alive; the workers
    // should be gone well before that.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while threads_named(name) > 0 && std::time::Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        threads_named(name),
        0,
        "threads of the dropped runtime still running"
    );
}

/// Drops (or shuts down) a fresh runtime inside a task of a current-thread
/// runtime; returns the panic message the task ended with.
fn drop_inside_a_task(what: &str, multi_thread: bool, shutdown_timeout: bool) -> String {
    within(what, Duration::from_secs(20), move || {
        let outer = current();
        let err = outer
            .block_on(async move {
                runtime::spawn(async move {
                    let rt = if multi_thread { multi(1) } else { current() };
                    if shutdown_timeout {
                        rt.shutdown_timeout(Duration::from_millis(10));
                    } else {
                        drop(rt);
                    }
                })
                .await
            })
            .expect_err("the task must panic");
        panic_message(&*err.into_panic())
    })
    .expect("the test thread itself did not panic")
}

#[test]
fn current_thread_runtime_shut_down_inside_a_task_panics_with_clear_message() {
    // `drop` of a current-thread runtime inside a task: rt.rs.
    let msg = drop_inside_a_task("shutdown_timeout in a task", false, true);
    assert!(msg.contains(DROP_INSIDE), "{msg}");
}

#[test]
fn multi_thread_runtime_dropped_inside_a_task_panics_with_clear_message() {
    let msg = drop_inside_a_task("multi-thread runtime dropped in a task", true, false);
    assert!(msg.contains(DROP_INSIDE), "drop: {msg}");
    let msg = drop_inside_a_task("multi-thread shutdown_timeout in a task", true, true);
    assert!(msg.contains(DROP_INSIDE), "shutdown_timeout: {msg}");
}

#[test]
fn dropping_a_runtime_from_its_own_blocking_pool_does_not_hang() {
    for flavour in ["current_thread", "multi_thread"] {
        let outcome = within(
            &format!("{flavour} runtime dropped on its own blocking thread"),
            Duration::from_secs(10),
            move || {
                let rt = if flavour == "current_thread" {
                    current()
                } else {
                    multi(2)
                };
                let (tx, rx) = mpsc::channel();
                let (done_tx, done_rx) = mpsc::channel();
                let _detached = rt.handle().clone().spawn_blocking(move || {
                    let rt: Runtime = rx.recv().unwrap();
                    let res = panic::catch_unwind(AssertUnwindSafe(|| drop(rt)));
                    done_tx.send(res.map_err(|p| panic_message(&*p))).unwrap();
                });
                tx.send(rt).unwrap();
                done_rx.recv().unwrap()
            },
        )
        .expect("the test thread itself did not panic");
        // Either it shuts down or it panics with a message; both are fine, a
        // hang (caught by `within`) is not.
        if let Err(msg) = outcome {
            assert!(msg.contains(DROP_INSIDE), "{flavour}: {msg}");
        }
    }
}

// ---------------------------------------------------------------------------
// Paused time.

#[test]
fn paused_time_misuse_panics_with_clear_message() {
    let rt = current();
    rt.block_on(async {
        let msg = panic_of(time::resume);
        assert!(msg.contains("not paused"), "resume unpaused: {msg}");
        time::pause();
        let msg = panic_of(time::pause);
        assert!(msg.contains("already paused"), "pause twice: {msg}");
        time::resume();
    });
    let rt = current();
    let msg = rt.block_on(async {
        let mut advance = pin!(time::advance(Duration::from_secs(1)));
        panic_of(|| {
            let waker = noop_waker();
            let mut cx = Context::from_waker(&waker);
            let _ = advance.as_mut().poll(&mut cx);
        })
    });
    assert!(
        msg.contains("needs a paused clock"),
        "advance unpaused: {msg}"
    );
    // On the multi-thread runtime, from block_on (covered from a task in time.rs).
    let rt = multi(1);
    let msg = rt.block_on(async { panic_of(time::pause) });
    assert!(msg.contains("current_thread"), "{msg}");
}

// ---------------------------------------------------------------------------
// Addresses in use.

#[test]
fn binding_an_address_in_use_is_addr_in_use() {
    let rt = current();
    rt.block_on(async {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let err = UdpSocket::bind(udp.local_addr().unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "UDP: {err:?}");

        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sock = TcpSocket::new_v4().unwrap();
        let err = sock.bind(tcp.local_addr().unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "TcpSocket: {err:?}");

        let dir = std::env::temp_dir().join(format!("rt-misuse-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sock");
        let _unix = UnixListener::bind(&path).unwrap();
        let err = UnixListener::bind(&path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "Unix: {err:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

// ---------------------------------------------------------------------------
// Builder.

#[test]
fn builder_rejects_zero_threads_with_clear_message() {
    let msg = panic_of(|| {
        Builder::new_multi_thread().worker_threads(0);
    });
    assert!(msg.contains("worker_threads"), "{msg}");
    let msg = panic_of(|| {
        Builder::new_current_thread().max_blocking_threads(0);
    });
    assert!(msg.contains("max_blocking_threads"), "{msg}");
}

// ---------------------------------------------------------------------------
// Blocking calls of `runtime::sync` on a thread that drives a runtime.

const BLOCKING_INSIDE: &str = "Cannot block the current thread from within a runtime";

/// Where the last "cannot block" panic was reported: a panic hook, installed
/// once, records it and hands every other panic to the default hook.
static BLOCKING_PANIC_AT: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn record_blocking_panic_locations() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if panic_message(info.payload()).contains(BLOCKING_INSIDE) {
                if let Some(l) = info.location() {
                    *BLOCKING_PANIC_AT.lock().unwrap() = l.file().to_string();
                }
            } else {
                default(info);
            }
        }));
    });
}

/// The panic message and the file it was reported at, for `f` run inside a
/// task (within a time limit: before the check, some of these hung).
fn blocking_call_in_a_task(
    what: &str,
    multi_thread: bool,
    f: impl FnOnce() + Send + 'static,
) -> (String, String) {
    record_blocking_panic_locations();
    BLOCKING_PANIC_AT.lock().unwrap().clear();
    let label = what.to_string();
    let msg = within(what, Duration::from_secs(10), move || {
        let rt = if multi_thread { multi(1) } else { current() };
        let err = rt
            .block_on(async move { runtime::spawn(async move { f() }).await })
            .expect_err(&format!("{label}: the blocking call must panic"));
        panic_message(&*err.into_panic())
    })
    .expect("the test thread itself did not panic");
    let file = BLOCKING_PANIC_AT.lock().unwrap().clone();
    (msg, file)
}

#[test]
fn blocking_sync_calls_inside_a_task_panic_at_the_callers_line() {
    use runtime::sync::{broadcast, mpsc as chan, oneshot, Mutex, RwLock};
    type Case = (&'static str, Box<dyn FnOnce() + Send>);
    let cases = || -> Vec<Case> {
        vec![
            ("mpsc blocking_recv", {
                let (_tx, mut rx) = chan::channel::<u8>(1);
                Box::new(move || {
                    let _ = rx.blocking_recv();
                })
            }),
            ("mpsc blocking_send", {
                let (tx, _rx) = chan::channel::<u8>(1);
                Box::new(move || {
                    let _ = tx.blocking_send(1);
                })
            }),
            ("unbounded blocking_recv", {
                let (_tx, mut rx) = chan::unbounded_channel::<u8>();
                Box::new(move || {
                    let _ = rx.blocking_recv();
                })
            }),
            ("oneshot blocking_recv", {
                let (_tx, rx) = oneshot::channel::<u8>();
                Box::new(move || {
                    let _ = rx.blocking_recv();
                })
            }),
            ("broadcast blocking_recv", {
                let (_tx, mut rx) = broadcast::channel::<u8>(1);
                Box::new(move || {
                    let _ = rx.blocking_recv();
                })
            }),
            ("Mutex blocking_lock", {
                let m = Arc::new(Mutex::new(0));
                Box::new(move || {
                    let _ = m.blocking_lock();
                })
            }),
            ("RwLock blocking_read", {
                let l = Arc::new(RwLock::new(0));
                Box::new(move || {
                    let _ = l.blocking_read();
                })
            }),
            ("RwLock blocking_write", {
                let l = Arc::new(RwLock::new(0));
                Box::new(move || {
                    let _ = l.blocking_write();
                })
            }),
        ]
    };
    for multi_thread in [false, true] {
        for (what, f) in cases() {
            let (msg, file) = blocking_call_in_a_task(what, multi_thread, f);
            assert!(msg.contains(BLOCKING_INSIDE), "{what}: {msg}");
            assert!(msg.contains("spawn_blocking"), "{what}: {msg}");
            assert!(file.ends_with("misuse.rs"), "{what}: reported at {file}");
        }
    }
}

#[test]
fn blocking_sync_calls_work_in_spawn_blocking_and_plain_threads() {
    let rt = multi(1);
    let (tx, mut rx) = runtime::sync::mpsc::channel::<u8>(1);
    let got = rt.block_on(async move {
        let producer = runtime::spawn_blocking(move || tx.blocking_send(7).unwrap());
        let got = rx.recv().await;
        producer.await.unwrap();
        got
    });
    assert_eq!(got, Some(7));
    let (tx, mut rx) = runtime::sync::mpsc::channel::<u8>(1);
    let consumer = thread::spawn(move || rx.blocking_recv());
    rt.block_on(async move { tx.send(9).await.unwrap() });
    assert_eq!(consumer.join().unwrap(), Some(9));
}
