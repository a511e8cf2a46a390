//! Unix-domain additions of "Tokio's API part 2": peer credentials,
//! UnixSocket, conversions, abstract addresses, UnixDatagram's try/poll/
//! bytes operations. Both runtime flavours.
#![cfg(all(feature = "full", unix))]

use runtime::io::{AsyncReadExt, AsyncWriteExt, ReadBuf};
use runtime::net::unix::UCred;
use runtime::net::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
use runtime::{Builder, Runtime};
use std::io::{ErrorKind, IoSlice, IoSliceMut};
use std::net::Shutdown;
use std::path::PathBuf;

fn runtimes() -> [Runtime; 2] {
    [
        Builder::new_current_thread().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ]
}

/// A fresh directory for socket files, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "runtime-unix-extra-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn our_cred() -> (u32, u32, i32) {
    // SAFETY: these calls take no arguments and cannot fail.
    unsafe { (libc::geteuid(), libc::getegid(), libc::getpid()) }
}

#[test]
fn peer_cred_is_this_process() {
    for rt in runtimes() {
        rt.block_on(async {
            let (uid, gid, pid) = our_cred();
            let (a, b) = UnixStream::pair().unwrap();
            for cred in [a.peer_cred().unwrap(), b.peer_cred().unwrap()] {
                assert_eq!(cred.uid(), uid);
                assert_eq!(cred.gid(), gid);
                assert_eq!(cred.pid(), Some(pid));
            }

            // Over a listener too: each side sees the other's credentials.
            let dir = TempDir::new("cred");
            let listener = UnixListener::bind(dir.path("s")).unwrap();
            let client = UnixStream::connect(dir.path("s")).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            let c: UCred = client.peer_cred().unwrap();
            assert_eq!(c, server.peer_cred().unwrap());
            assert_eq!((c.uid(), c.gid(), c.pid()), (uid, gid, Some(pid)));
        });
    }
}

#[test]
fn peer_cred_of_a_stream_from_std() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let a = UnixStream::try_from(a).unwrap();
        assert_eq!(a.peer_cred().unwrap().pid(), Some(our_cred().2));
    });
}

#[test]
fn unix_socket_stream_and_datagram() {
    for rt in runtimes() {
        rt.block_on(async {
            let dir = TempDir::new("socket");
            let path = dir.path("listen");
            let socket = UnixSocket::new_stream().unwrap();
            socket.bind(&path).unwrap();
            let listener = socket.listen(8).unwrap();
            let mut client = UnixSocket::new_stream()
                .unwrap()
                .connect(&path)
                .await
                .unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            client.write_all(b"via UnixSocket").await.unwrap();
            let mut buf = [0; 14];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"via UnixSocket");

            let dpath = dir.path("dgram");
            let d = UnixSocket::new_datagram().unwrap();
            d.bind(&dpath).unwrap();
            let rx = d.datagram().unwrap();
            let tx = UnixSocket::new_datagram().unwrap().datagram().unwrap();
            tx.send_to(b"dgram", &dpath).await.unwrap();
            let mut buf = [0; 8];
            assert_eq!(rx.recv(&mut buf).await.unwrap(), 5);

            // Misuse gets an error that says what is wrong.
            let err = UnixSocket::new_datagram().unwrap().listen(1).unwrap_err();
            assert!(err.to_string().contains("datagram socket"), "{err}");
            let err = UnixSocket::new_datagram()
                .unwrap()
                .connect(&path)
                .await
                .unwrap_err();
            assert!(err.to_string().contains("datagram socket"), "{err}");
            let err = UnixSocket::new_stream().unwrap().datagram().unwrap_err();
            assert!(err.to_string().contains("stream socket"), "{err}");
            // Connecting to nobody is the OS's error.
            let err = UnixSocket::new_stream()
                .unwrap()
                .connect(dir.path("nobody"))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound);
        });
    }
}

#[test]
fn unix_socket_raw_fd_round_trip() {
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
    let socket = UnixSocket::new_stream().unwrap();
    socket2::SockRef::from(&socket)
        .set_recv_buffer_size(32 * 1024)
        .unwrap();
    let fd = socket.into_raw_fd();
    // SAFETY: `fd` was just released by `into_raw_fd`; nothing else owns it.
    let socket = unsafe { UnixSocket::from_raw_fd(fd) };
    assert_eq!(socket.as_raw_fd(), fd);
    assert!(socket2::SockRef::from(&socket).recv_buffer_size().unwrap() >= 32 * 1024);
}

#[test]
fn unix_socket_connect_from_a_blocking_descriptor_is_non_blocking() {
    use std::os::fd::{FromRawFd, IntoRawFd};
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let dir = TempDir::new("blocking");
        let _listener = UnixListener::bind(dir.path("l")).unwrap();
        let raw = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        assert!(!raw.nonblocking().unwrap());
        // SAFETY: ownership of the descriptor moves from `raw` to the socket.
        let socket = unsafe { UnixSocket::from_raw_fd(raw.into_raw_fd()) };
        let stream = socket.connect(dir.path("l")).await.unwrap();
        assert!(socket2::SockRef::from(&stream).nonblocking().unwrap());
    });
}

#[test]
fn into_std_from_std_round_trips() {
    for rt in runtimes() {
        rt.block_on(async {
            let dir = TempDir::new("std");
            let listener = UnixListener::bind(dir.path("l")).unwrap();
            let listener = UnixListener::try_from(listener.into_std().unwrap()).unwrap();
            let client = UnixStream::connect(dir.path("l")).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            let mut client = UnixStream::from_std(client.into_std().unwrap()).unwrap();
            let mut server = UnixStream::try_from(server.into_std().unwrap()).unwrap();
            client.write_all(b"round").await.unwrap();
            let mut buf = [0; 5];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"round");

            let (a, b) = UnixDatagram::pair().unwrap();
            let a = UnixDatagram::try_from(a.into_std().unwrap()).unwrap();
            let b = UnixDatagram::from_std(b.into_std().unwrap()).unwrap();
            a.send(b"d").await.unwrap();
            assert_eq!(b.recv(&mut [0; 2]).await.unwrap(), 1);
        });
    }
}

#[test]
#[cfg(target_os = "linux")]
fn abstract_addresses_with_bind_addr_and_connect_addr() {
    use std::os::linux::net::SocketAddrExt;
    for rt in runtimes() {
        rt.block_on(async {
            let name = format!("runtime-unix-extra-{}", std::process::id());
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
            let listener = UnixListener::bind_addr(&addr).unwrap();
            let mut client = UnixStream::connect_addr(&addr).await.unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            assert_eq!(
                client.peer_addr().unwrap().as_abstract_name(),
                Some(name.as_bytes())
            );
            client.write_all(b"abstract").await.unwrap();
            let mut buf = [0; 8];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"abstract");
            drop(listener);
            // Gone with the listener: nothing left to connect to.
            assert!(UnixStream::connect_addr(&addr).await.is_err());
        });
    }
}

#[test]
fn stream_vectored_bytes_and_take_error() {
    for rt in runtimes() {
        rt.block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            assert_eq!(
                a.try_write_vectored(&[IoSlice::new(b"12"), IoSlice::new(b"345")])
                    .unwrap(),
                5
            );
            let (mut x, mut y) = ([0; 1], [0; 2]);
            b.readable().await.unwrap();
            let n = b
                .try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])
                .unwrap();
            assert_eq!((n, &x, &y), (3, b"1", b"23"));
            let mut rest = Vec::new();
            assert_eq!(b.try_read_buf(&mut rest).unwrap(), 2);
            assert_eq!(rest, b"45");
            assert_eq!(
                b.try_read_buf(&mut rest).unwrap_err().kind(),
                ErrorKind::WouldBlock
            );
            drop(a);
            b.readable().await.unwrap();
            assert_eq!(b.try_read_buf(&mut rest).unwrap(), 0, "end of stream");
            assert!(b.take_error().unwrap().is_none());
            let same: &UnixStream = b.as_ref();
            assert!(same.local_addr().unwrap().is_unnamed());
            assert!(socket2::SockRef::from(&b).r#type().unwrap() == socket2::Type::STREAM);
        });
    }
}

#[test]
fn datagram_try_poll_and_bytes_operations() {
    for rt in runtimes() {
        rt.block_on(async {
            let dir = TempDir::new("dgram");
            let path = dir.path("rx");
            let rx = UnixDatagram::bind(&path).unwrap();
            let tx = UnixDatagram::bind(dir.path("tx")).unwrap();

            assert_eq!(tx.try_send_to(b"first", &path).unwrap(), 5);
            let mut buf = [0; 8];
            rx.readable().await.unwrap();
            let (n, from) = rx.try_recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"first");
            assert_eq!(from.as_pathname(), Some(dir.path("tx").as_path()));
            assert_eq!(
                rx.try_recv_from(&mut buf).unwrap_err().kind(),
                ErrorKind::WouldBlock
            );

            // poll_send_to / poll_recv_from, with a partly filled ReadBuf.
            let sent = std::future::poll_fn(|cx| tx.poll_send_to(cx, b"second", &path))
                .await
                .unwrap();
            assert_eq!(sent, 6);
            let mut storage = [std::mem::MaybeUninit::uninit(); 16];
            let mut rb = ReadBuf::uninit(&mut storage);
            rb.put_slice(b"#");
            let from = std::future::poll_fn(|cx| rx.poll_recv_from(cx, &mut rb))
                .await
                .unwrap();
            assert_eq!(rb.filled(), b"#second");
            assert_eq!(from.as_pathname(), Some(dir.path("tx").as_path()));

            // Connected: poll_send / poll_recv and the bytes receives.
            tx.connect(&path).unwrap();
            std::future::poll_fn(|cx| tx.poll_send(cx, b"third"))
                .await
                .unwrap();
            rb.clear();
            std::future::poll_fn(|cx| rx.poll_recv(cx, &mut rb))
                .await
                .unwrap();
            assert_eq!(rb.filled(), b"third");

            let mut v = Vec::with_capacity(32);
            tx.send(b"4").await.unwrap();
            assert_eq!(rx.recv_buf(&mut v).await.unwrap(), 1);
            tx.send(b"55").await.unwrap();
            let (n, from) = rx.recv_buf_from(&mut v).await.unwrap();
            assert_eq!(n, 2);
            assert_eq!(from.as_pathname(), Some(dir.path("tx").as_path()));
            tx.send(b"666").await.unwrap();
            rx.readable().await.unwrap();
            assert_eq!(rx.try_recv_buf(&mut v).unwrap(), 3);
            tx.send(b"7").await.unwrap();
            rx.readable().await.unwrap();
            assert_eq!(rx.try_recv_buf_from(&mut v).unwrap().0, 1);
            assert_eq!(v, b"4556667");

            // shutdown(Write): sends fail from then on.
            tx.shutdown(Shutdown::Write).unwrap();
            assert_eq!(
                tx.send(b"late").await.unwrap_err().kind(),
                ErrorKind::BrokenPipe
            );
            assert!(tx.take_error().unwrap().is_none());
        });
    }
}
