//! `runtime::hyper::serve` out of file descriptors: the accept loop backs
//! off instead of spinning, and serves again once descriptors are free.
//! Its own test binary: it lowers the process-wide descriptor limit.

use std::convert::Infallible;
use std::future::IntoFuture;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::{Request, Response};
use runtime::hyper::{serve, FromHyper, HyperIo};
use runtime::net::{TcpListener, TcpStream};

/// CPU time (user + system) of this process.
fn cpu_time() -> Duration {
    // SAFETY: `getrusage` only writes the `rusage` we pass, zeroed (a valid
    // value of that plain C struct) beforehand.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut usage), 0);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn nofile_limit() -> libc::rlimit {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` only writes the struct we pass.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(rc, 0);
    limit
}

fn set_nofile_limit(limit: libc::rlimit) {
    // SAFETY: `setrlimit` only reads the struct we pass; lowering the soft
    // limit (or restoring it to the hard limit's range) is always allowed.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
}

#[test]
fn accept_errors_back_off_instead_of_spinning() {
    // The server runs on a thread of its own; this thread only watches.
    let server_rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = server_rt
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let hello = hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(
            req.uri().path().to_owned(),
        ))))
    });
    let server = serve(listener, FromHyper::new(hello));
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server_rt.block_on(server.into_future()));

    // Another process opens 20 connections a moment from now, after this
    // process has been left no descriptor to accept them with: every accept
    // fails with EMFILE while they wait in the backlog.
    let mut child = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "sleep 0.3; for i in $(seq 20); do exec {{fd}}<>/dev/tcp/127.0.0.1/{}; done; sleep 10",
            addr.port()
        ))
        .spawn()
        .expect("bash runs");
    let saved = nofile_limit();
    let open = std::fs::read_dir("/proc/self/fd").unwrap().count() as u64;
    // `read_dir` held one more descriptor while counting.
    set_nofile_limit(libc::rlimit {
        rlim_cur: open - 1,
        rlim_max: saved.rlim_max,
    });
    std::thread::sleep(Duration::from_millis(600)); // the child connects
    let before = cpu_time();
    std::thread::sleep(Duration::from_millis(500));
    let spent = cpu_time() - before;
    set_nofile_limit(saved);
    child.kill().ok();
    child.wait().ok();
    // Spinning burns the whole 500 ms; backing off (at most one attempt per
    // 5..1000 ms) a few.
    assert!(
        spent < Duration::from_millis(150),
        "the accept loop used {spent:?} of CPU in 500 ms at EMFILE"
    );

    // Serving again once descriptors are free (the back-off is at most 1 s).
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = rt.block_on(async {
        runtime::time::timeout(Duration::from_secs(5), async {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut sender, conn) = hyper::client::conn::http1::handshake(HyperIo::new(stream))
                .await
                .unwrap();
            runtime::spawn(conn);
            let req = Request::get("/again")
                .header("host", "localhost")
                .body(Empty::<Bytes>::new())
                .unwrap();
            let res = sender.send_request(req).await.unwrap();
            res.into_body().collect().await.unwrap().to_bytes()
        })
        .await
        .expect("served again once the limit is lifted")
    });
    assert_eq!(&body[..], b"/again");
}
