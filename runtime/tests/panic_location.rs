//! A public function that panics on misuse reports the panic at the caller's
//! line (`#[track_caller]` through every layer), as Tokio's do, so the message
//! points at the user's code, not at the runtime's.
#![cfg(feature = "full")]

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// The file of the last panic on this thread whose message contains `needle`.
static LAST: Mutex<Vec<(std::thread::ThreadId, String)>> = Mutex::new(Vec::new());

fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let file = info
                .location()
                .map(|l| l.file().to_string())
                .unwrap_or_default();
            LAST.lock()
                .unwrap()
                .push((std::thread::current().id(), file));
            if std::env::var_os("SHOW_PANICS").is_some() {
                default(info);
            }
        }));
    });
}

/// Runs `f`, which must panic, and returns the file the panic was reported in.
#[track_caller]
fn panic_file(what: &str, f: impl FnOnce()) -> String {
    install_hook();
    let me = std::thread::current().id();
    LAST.lock().unwrap().retain(|(t, _)| *t != me);
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    assert!(r.is_err(), "{what}: did not panic");
    let last = LAST.lock().unwrap();
    last.iter()
        .rev()
        .find(|(t, _)| *t == me)
        .map(|(_, f)| f.clone())
        .unwrap_or_else(|| panic!("{what}: no panic recorded on this thread"))
}

fn assert_here(what: &str, f: impl FnOnce()) {
    let file = panic_file(what, f);
    assert!(
        file.ends_with("panic_location.rs"),
        "{what}: reported at {file}, not at the caller"
    );
}

#[test]
fn runtime_entry_points_panic_at_the_callers_line() {
    assert_here("Handle::current", || {
        runtime::Handle::current();
    });
    assert_here("spawn", || {
        drop(runtime::spawn(async {}));
    });
    assert_here("task::spawn", || {
        drop(runtime::task::spawn(async {}));
    });
    assert_here("spawn_blocking", || {
        drop(runtime::task::spawn_blocking(|| {}));
    });
    assert_here("spawn_local", || {
        drop(runtime::task::spawn_local(async {}));
    });
    assert_here("nested block_on", || {
        let rt = runtime::Builder::new_current_thread().build().unwrap();
        let inner = runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async { inner.block_on(async {}) });
    });
    assert_here("LocalSet::block_on nested", || {
        let rt = runtime::Builder::new_current_thread().build().unwrap();
        let local = runtime::task::LocalSet::new();
        rt.block_on(async { local.block_on(&rt, async {}) });
    });
}

#[test]
fn time_and_net_outside_a_runtime_panic_at_the_callers_line() {
    use runtime::time::Duration;
    assert_here("sleep", || {
        drop(runtime::time::sleep(Duration::from_millis(1)));
    });
    assert_here("interval", || {
        drop(runtime::time::interval(Duration::from_millis(1)));
    });
    assert_here("TcpListener::from_std", || {
        let std = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std.set_nonblocking(true).unwrap();
        drop(runtime::net::TcpListener::from_std(std));
    });
    assert_here("timeout", || {
        drop(runtime::time::timeout(Duration::from_millis(1), async {}));
    });
    assert_here("sleep_until", || {
        drop(runtime::time::sleep_until(runtime::time::Instant::now()));
    });
    assert_here("TcpStream::from_std", || {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let s = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
        s.set_nonblocking(true).unwrap();
        drop(runtime::net::TcpStream::from_std(s));
    });
    assert_here("UdpSocket::from_std", || {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_nonblocking(true).unwrap();
        drop(runtime::net::UdpSocket::from_std(s));
    });
    assert_here("UnixStream::from_std", || {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        drop(runtime::net::UnixStream::from_std(a));
    });
    assert_here("UnixStream::pair", || {
        drop(runtime::net::UnixStream::pair());
    });
    assert_here("UnixDatagram::unbound", || {
        drop(runtime::net::UnixDatagram::unbound());
    });
    let path = std::env::temp_dir().join(format!("rt-panic-loc-{}", std::process::id()));
    let p = path.clone();
    assert_here("UnixListener::bind", move || {
        drop(runtime::net::UnixListener::bind(p));
    });
    let _ = std::fs::remove_file(path);
    assert_here("signal::unix::signal", || {
        use runtime::signal::unix::{signal, SignalKind};
        drop(signal(SignalKind::user_defined1()));
    });
    assert_here("interval(0)", || {
        let rt = runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async { drop(runtime::time::interval(Duration::ZERO)) });
    });
}

/// Polls `fut` to completion on a plain thread with no runtime (as a foreign
/// executor would); returns the panic message if it panicked.
fn poll_outside<F: std::future::Future>(fut: F) -> Option<String> {
    let r = panic::catch_unwind(AssertUnwindSafe(|| futures::executor::block_on(fut)));
    r.err().map(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

#[test]
fn async_constructors_polled_outside_a_runtime_panic_with_the_reason() {
    install_hook();
    let cases: Vec<(&str, Option<String>)> = vec![
        (
            "TcpListener::bind",
            poll_outside(async { drop(runtime::net::TcpListener::bind("127.0.0.1:0").await) }),
        ),
        (
            "UdpSocket::bind",
            poll_outside(async { drop(runtime::net::UdpSocket::bind("127.0.0.1:0").await) }),
        ),
        (
            "TcpStream::connect",
            poll_outside(async {
                let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                drop(runtime::net::TcpStream::connect(l.local_addr().unwrap()).await)
            }),
        ),
    ];
    for (what, msg) in cases {
        let msg = msg.unwrap_or_else(|| panic!("{what}: no panic outside a runtime"));
        assert!(
            msg.contains("must be called from the context of a runtime"),
            "{what}: {msg}"
        );
    }
}

#[test]
fn sync_constructors_and_misuse_panic_at_the_callers_line() {
    use runtime::sync::{broadcast, mpsc, RwLock, Semaphore};
    assert_here("broadcast::channel(0)", || {
        drop(broadcast::channel::<u8>(0));
    });
    assert_here("mpsc::channel(0)", || {
        drop(mpsc::channel::<u8>(0));
    });
    assert_here("RwLock::with_max_readers(_, 0)", || {
        drop(RwLock::with_max_readers(0u8, 0));
    });
    assert_here("SemaphorePermit::merge of unrelated permits", || {
        let a = Semaphore::new(1);
        let b = Semaphore::new(1);
        let mut pa = a.try_acquire().unwrap();
        pa.merge(b.try_acquire().unwrap());
    });
    assert_here("io::duplex(0)", || {
        drop(runtime::io::duplex(0));
    });
    assert_here("Semaphore::new over the maximum", || {
        drop(Semaphore::new(usize::MAX));
    });
}
