//! `runtime::io::unix::AsyncFd` on raw descriptors made with `libc`: a
//! pipe, an eventfd, a socketpair; guards, `try_io` clearing, interests,
//! registration errors, and shutdown. Both runtime flavours.
#![cfg(all(target_os = "linux", feature = "full"))]

use runtime::io::unix::{AsyncFd, AsyncFdRegisterError, TryIoError};
use runtime::io::{Interest, Ready};
use std::io::{self, ErrorKind};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::time::Duration;

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

both_flavours!(
    pipe_readable_after_write_and_cleared_after_would_block,
    pipe_write_end_writable_until_full,
    eventfd_counter,
    socketpair_interest_combinations,
    try_io_and_async_io_on_the_fd,
    two_tasks_wait_on_one_fd,
    into_inner_deregisters,
    priority_interest_sees_tcp_urgent_data,
);

const PENDING: Duration = Duration::from_millis(100);

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// A non-blocking pipe: (read end, write end).
fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) }).unwrap();
    // SAFETY: pipe2 succeeded: both are fresh descriptors owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// A non-blocking Unix stream socketpair.
fn socketpair() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    let kind = libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: `fds` has room for the two descriptors socketpair writes.
    cvt(unsafe { libc::socketpair(libc::AF_UNIX, kind, 0, fds.as_mut_ptr()) }).unwrap();
    // SAFETY: socketpair succeeded: both are fresh descriptors we own.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn read_fd(fd: &impl AsRawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for `buf.len()` bytes of writes.
    let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

fn write_fd(fd: &impl AsRawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for `buf.len()` bytes of reads.
    let n = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

fn register<T: AsRawFd>(fd: T, interest: Interest) -> AsyncFd<T> {
    // SAFETY: every `T` here owns its descriptor (OwnedFd, UnixStream) and
    // keeps it open until dropped.
    unsafe { AsyncFd::register_with_interest(fd, interest) }.unwrap()
}

async fn pipe_readable_after_write_and_cleared_after_would_block() {
    let (rx, tx) = pipe();
    let rx = register(rx, Interest::READABLE);
    let waited = runtime::time::timeout(PENDING, rx.readable()).await;
    assert!(waited.is_err(), "an empty pipe was readable");

    write_fd(&tx, b"hello").unwrap();
    let mut buf = [0; 16];
    let mut guard = rx.readable().await.unwrap();
    assert!(guard.ready().is_readable());
    let n = guard
        .try_io(|fd| read_fd(fd.get_ref(), &mut buf))
        .expect("readable pipe")
        .unwrap();
    assert_eq!(&buf[..n], b"hello");
    // Drained: the next attempt blocks, which clears the guard's readiness.
    let blocked: Result<io::Result<usize>, TryIoError> =
        guard.try_io(|fd| read_fd(fd.get_ref(), &mut buf));
    assert!(blocked.is_err());
    assert_eq!(guard.ready(), Ready::EMPTY);
    drop(guard);
    let waited = runtime::time::timeout(PENDING, rx.readable()).await;
    assert!(waited.is_err(), "readiness survived clear_ready");

    // Closing the write end: readable with READ_CLOSED, and it stays so.
    drop(tx);
    let guard = rx.readable().await.unwrap();
    assert!(guard.ready().is_read_closed(), "{:?}", guard.ready());
    drop(guard);
    assert_eq!(read_fd(rx.get_ref(), &mut buf).unwrap(), 0);
    let mut guard = rx.readable().await.unwrap();
    guard.clear_ready(); // closed flags are never cleared
    drop(guard);
    assert!(rx.readable().await.unwrap().ready().is_read_closed());
}

async fn pipe_write_end_writable_until_full() {
    let (rx, tx) = pipe();
    let tx = register(tx, Interest::WRITABLE);
    let chunk = [7u8; 4096];
    let mut written = 0;
    // Fill the pipe through the guard: WouldBlock clears and we stop.
    loop {
        let mut guard = tx.writable().await.unwrap();
        match guard.try_io(|fd| write_fd(fd.get_ref(), &chunk)) {
            Ok(n) => written += n.unwrap(),
            Err(_would_block) => break,
        }
    }
    assert!(written >= 4096);
    let waited = runtime::time::timeout(PENDING, tx.writable()).await;
    assert!(waited.is_err(), "a full pipe was writable");

    // Draining it from another task makes the write end writable again.
    let drain = runtime::spawn(async move {
        let mut buf = vec![0; 65536];
        let mut total = 0;
        while total < written {
            match read_fd(&rx, &mut buf) {
                Ok(n) => total += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    runtime::time::sleep(Duration::from_millis(1)).await
                }
                Err(e) => panic!("{e}"),
            }
        }
        rx
    });
    let guard = runtime::time::timeout(Duration::from_secs(5), tx.writable())
        .await
        .expect("never writable after draining")
        .unwrap();
    assert!(guard.ready().is_writable());
    drop(guard);
    let _rx = drain.await.unwrap();
}

async fn eventfd_counter() {
    // SAFETY: plain syscall; the result is checked.
    let fd = cvt(unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) }).unwrap();
    // SAFETY: a fresh descriptor we own.
    let fd = register(
        unsafe { OwnedFd::from_raw_fd(fd) },
        Interest::READABLE | Interest::WRITABLE,
    );
    // A fresh eventfd is writable (counter below the maximum), not readable.
    let ready = fd
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap()
        .ready();
    assert!(ready.is_writable() && !ready.is_readable(), "{ready:?}");

    for add in [3u64, 4] {
        let n = fd
            .async_io(Interest::WRITABLE, |fd| write_fd(fd, &add.to_ne_bytes()))
            .await
            .unwrap();
        assert_eq!(n, 8);
    }
    let mut counter = [0; 8];
    let n = fd
        .async_io(Interest::READABLE, |fd| read_fd(fd, &mut counter))
        .await
        .unwrap();
    assert_eq!((n, u64::from_ne_bytes(counter)), (8, 7));
    // Read resets the counter: the next read blocks, try_io clears.
    let err = fd
        .try_io(Interest::READABLE, |fd| read_fd(fd, &mut counter))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    let waited = runtime::time::timeout(PENDING, fd.readable()).await;
    assert!(waited.is_err(), "eventfd readable at zero");
}

async fn socketpair_interest_combinations() {
    let (a, b) = socketpair();
    let mut a = register(a, Interest::READABLE | Interest::WRITABLE);
    {
        let mut guard = a
            .ready(Interest::READABLE | Interest::WRITABLE)
            .await
            .unwrap();
        assert_eq!(guard.ready() & Ready::WRITABLE, Ready::WRITABLE);
        assert!(!guard.ready().is_readable());
        guard.clear_ready_matching(Ready::WRITABLE);
        assert_eq!(guard.ready(), Ready::EMPTY);
    }
    write_fd(&b, b"x").unwrap();
    {
        let mut guard = a.ready_mut(Interest::READABLE).await.unwrap();
        assert!(guard.ready().is_readable());
        let mut buf = [0; 1];
        assert_eq!(read_fd(guard.get_inner_mut(), &mut buf).unwrap(), 1);
        assert_eq!(
            read_fd(guard.get_inner_mut(), &mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        guard.clear_ready();
    }
    // Peer gone: the new event carries READ_CLOSED.
    drop(b);
    let guard = a.readable_mut().await.unwrap();
    assert!(guard.ready().is_read_closed(), "{:?}", guard.ready());
    drop(guard);
    let ready = a.writable().await.unwrap().ready();
    assert!(ready.is_writable() || ready.is_write_closed(), "{ready:?}");
}

async fn try_io_and_async_io_on_the_fd() {
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    let a = Arc::new(register(a, Interest::READABLE | Interest::WRITABLE));
    let mut b = register(b, Interest::READABLE | Interest::WRITABLE);
    use std::io::{Read, Write};

    let reader = {
        let a = a.clone();
        runtime::spawn(async move {
            let mut buf = [0; 5];
            let n = a
                .async_io(Interest::READABLE, |s| (&*s).read(&mut buf))
                .await
                .unwrap();
            buf[..n].to_vec()
        })
    };
    runtime::time::sleep(Duration::from_millis(20)).await;
    let n = b
        .async_io_mut(Interest::WRITABLE, |s| s.write(b"hello"))
        .await
        .unwrap();
    assert_eq!(n, 5);
    assert_eq!(reader.await.unwrap(), b"hello");
    let n = b.try_io_mut(Interest::WRITABLE, |s| s.write(b"!")).unwrap();
    assert_eq!(n, 1);
    let mut one = [0; 1];
    a.readable().await.unwrap().retain_ready();
    assert_eq!(
        a.try_io(Interest::READABLE, |s| (&*s).read(&mut one))
            .unwrap(),
        1
    );
    let err = a
        .try_io(Interest::READABLE, |s| (&*s).read(&mut one))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    // The WouldBlock cleared the readiness. The OS's edge for "hello" or
    // "!" may still reach the driver (another thread, on the multi-thread
    // runtime) after that and set it again: at most one per write, each
    // then met by another WouldBlock. With the readiness stuck (the bug),
    // every wait would return at once.
    let mut late_edges = 0;
    while runtime::time::timeout(PENDING, a.readable()).await.is_ok() {
        late_edges += 1;
        assert!(late_edges <= 2, "try_io's WouldBlock did not clear");
        let err = a
            .try_io(Interest::READABLE, |s| (&*s).read(&mut one))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock);
    }
}

async fn two_tasks_wait_on_one_fd() {
    let (rx, tx) = pipe();
    let rx = Arc::new(register(rx, Interest::READABLE));
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let rx = rx.clone();
            runtime::spawn(async move { rx.readable().await.unwrap().ready() })
        })
        .collect();
    runtime::time::sleep(Duration::from_millis(20)).await;
    write_fd(&tx, b"x").unwrap();
    for waiter in waiters {
        let ready = runtime::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("a waiter was not woken")
            .unwrap();
        assert!(ready.is_readable());
    }
}

async fn into_inner_deregisters() {
    let (rx, _tx) = pipe();
    let raw = rx.as_raw_fd();
    let fd = register(rx, Interest::READABLE);
    assert_eq!(fd.as_raw_fd(), raw);
    let rx: OwnedFd = fd.into_inner();
    // Registered again: epoll would refuse a descriptor still registered.
    let fd = register(rx, Interest::READABLE);
    assert!(format!("{fd:?}").starts_with("AsyncFd"));
}

#[runtime::test]
async fn regular_file_cannot_be_registered() {
    let file = std::fs::File::open("/proc/self/exe").unwrap();
    // SAFETY: a File owns its descriptor.
    let err: AsyncFdRegisterError<std::fs::File> = unsafe { AsyncFd::register(file) }.unwrap_err();
    assert!(err.to_string().contains("not permitted"), "{err}");
    let (file, cause) = err.into_parts();
    assert_eq!(cause.raw_os_error(), Some(libc::EPERM));
    assert!(file.metadata().unwrap().is_file());
    #[allow(deprecated)]
    let err = AsyncFd::try_new(std::fs::File::open("/proc/self/exe").unwrap()).unwrap_err();
    let as_io: io::Error = err.into();
    assert_eq!(as_io.raw_os_error(), Some(libc::EPERM));
}

#[runtime::test]
#[allow(deprecated)]
async fn deprecated_constructors_still_work() {
    let (rx, tx) = pipe();
    let rx = AsyncFd::with_interest(rx, Interest::READABLE).unwrap();
    let tx = AsyncFd::new(tx).unwrap();
    tx.writable().await.unwrap().retain_ready();
    write_fd(tx.get_ref(), b"x").unwrap();
    rx.readable().await.unwrap().retain_ready();
    let (a, _b) = socketpair();
    let a = AsyncFd::try_with_interest(a, Interest::WRITABLE).unwrap();
    a.writable().await.unwrap().retain_ready();
}

#[test]
#[should_panic(expected = "registered for WRITABLE only")]
fn waiting_for_an_unregistered_interest_panics() {
    let rt = runtime::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (_rx, tx) = pipe();
        let tx = register(tx, Interest::WRITABLE);
        let _ = tx.readable().await;
    });
}

#[test]
fn error_interest_is_always_allowed() {
    let rt = runtime::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (_rx, tx) = pipe();
        let tx = register(tx, Interest::WRITABLE);
        // No error pending: it waits (and does not panic).
        let waited = runtime::time::timeout(PENDING, tx.ready(Interest::ERROR)).await;
        assert!(waited.is_err());
    });
}

/// Dropped or polled after its runtime shut down, an `AsyncFd` neither
/// panics nor hangs: waits fail with the runtime's shutdown error.
#[test]
fn async_fd_outlives_its_runtime() {
    for multi in [false, true] {
        let mut builder = if multi {
            runtime::runtime::Builder::new_multi_thread()
        } else {
            runtime::runtime::Builder::new_current_thread()
        };
        let rt = builder.enable_all().build().unwrap();
        let (rx, tx) = pipe();
        let (rx, tx) = rt.block_on(async {
            (
                register(rx, Interest::READABLE),
                register(tx, Interest::WRITABLE),
            )
        });
        // A waiter parked on it when the runtime goes away.
        let rx = Arc::new(rx);
        let waiter = {
            let rx = rx.clone();
            rt.spawn(async move { rx.readable().await.map(|g| g.ready()) })
        };
        std::thread::sleep(Duration::from_millis(20));
        drop(rt);
        drop(waiter);

        let err = futures::executor::block_on(rx.readable()).unwrap_err();
        assert!(runtime::runtime::is_rt_shutdown_err(&err), "{err}");
        let err = futures::executor::block_on(tx.writable()).unwrap_err();
        assert!(runtime::runtime::is_rt_shutdown_err(&err), "{err}");
        drop(tx);
        let rx = Arc::try_unwrap(rx).unwrap();
        let _owned: OwnedFd = rx.into_inner();
    }
}

/// TCP urgent data (`MSG_OOB`) is priority readiness (`EPOLLPRI`): a
/// descriptor registered for `PRIORITY` sees it, and plain data alone does
/// not satisfy a `PRIORITY` wait.
async fn priority_interest_sees_tcp_urgent_data() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let peer = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (stream, _) = listener.accept().unwrap();
    stream.set_nonblocking(true).unwrap();
    let fd = register(stream, Interest::PRIORITY | Interest::READABLE);

    write_fd(&peer, b"plain").unwrap();
    assert!(fd.readable().await.unwrap().ready().is_readable());
    let waited = runtime::time::timeout(PENDING, fd.ready(Interest::PRIORITY)).await;
    assert!(waited.is_err(), "plain data satisfied a PRIORITY wait");

    // SAFETY: sending one valid byte on an open socket.
    let sent = unsafe { libc::send(peer.as_raw_fd(), b"!".as_ptr().cast(), 1, libc::MSG_OOB) };
    assert_eq!(sent, 1);
    let guard = runtime::time::timeout(Duration::from_secs(5), fd.ready(Interest::PRIORITY))
        .await
        .expect("urgent data not reported")
        .unwrap();
    assert!(guard.ready().is_priority(), "{:?}", guard.ready());
    assert!(
        !guard.ready().is_readable(),
        "PRIORITY reports priority only"
    );
}
