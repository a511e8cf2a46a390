//! TCP additions of "Tokio's API part 2": TcpStream poll_peek, vectored and
//! `bytes` try-reads, linger/quickack, conversions and fd traits; TcpSocket
//! options; lookup_host. Both runtime flavours where a runtime is involved.
#![cfg(feature = "full")]

use runtime::io::{AsyncReadExt, AsyncWriteExt, ReadBuf};
use runtime::net::{TcpListener, TcpSocket, TcpStream};
use runtime::{Builder, Runtime};
use std::future::Future;
use std::io::{ErrorKind, IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

fn runtimes() -> [Runtime; 2] {
    [
        Builder::new_current_thread().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ]
}

async fn connected() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// A hand-written future over `poll_peek`, counting its polls.
struct Peek<'a, 'b> {
    stream: &'a TcpStream,
    buf: ReadBuf<'b>,
    polls: usize,
}

impl Future for Peek<'_, '_> {
    type Output = std::io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.polls += 1;
        this.stream.poll_peek(cx, &mut this.buf)
    }
}

#[test]
fn poll_peek_waits_then_fills_without_consuming() {
    for rt in runtimes() {
        rt.block_on(async {
            let (mut client, mut server) = connected().await;
            let mut storage = [std::mem::MaybeUninit::uninit(); 16];
            let mut peek = Peek {
                stream: &server,
                buf: ReadBuf::uninit(&mut storage),
                polls: 0,
            };
            // Nothing sent yet: the first poll is Pending.
            let first = std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut peek).poll(cx))).await;
            assert!(first.is_pending());
            let writer = async {
                runtime::time::sleep(Duration::from_millis(20)).await;
                client.write_all(b"peeked").await.unwrap();
            };
            let (n, ()) = runtime::join!(&mut peek, writer);
            let n = n.unwrap();
            assert!(n > 0 && n <= 6);
            assert!(peek.polls >= 2, "it waited for the data");
            assert_eq!(peek.buf.filled(), &b"peeked"[..n]);
            let mut all = [0; 6];
            server.read_exact(&mut all).await.unwrap();
            assert_eq!(&all, b"peeked", "peeking consumed nothing");
        });
    }
}

#[test]
fn vectored_try_io_and_try_read_buf() {
    for rt in runtimes() {
        rt.block_on(async {
            let (client, server) = connected().await;
            let n = client
                .try_write_vectored(&[IoSlice::new(b"abc"), IoSlice::new(b"defg")])
                .unwrap();
            assert_eq!(n, 7);
            let (mut a, mut b) = ([0; 3], [0; 2]);
            let mut got = 0;
            while got == 0 {
                server.readable().await.unwrap();
                match server
                    .try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])
                {
                    Ok(n) => got = n,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => panic!("{e}"),
                }
            }
            assert_eq!(got, 5, "both buffers filled, in order");
            assert_eq!((&a, &b), (b"abc", b"de"));

            // The rest, into a Vec's spare capacity; then end of stream.
            drop(client);
            let mut rest = Vec::new();
            loop {
                server.readable().await.unwrap();
                match server.try_read_buf(&mut rest) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => panic!("{e}"),
                }
            }
            assert_eq!(rest, b"fg");
            let err = server.try_read(&mut [0; 1]);
            assert_eq!(err.unwrap(), 0);
        });
    }
}

#[test]
fn try_read_buf_would_block_leaves_buffer_alone() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let (_client, server) = connected().await;
        let mut buf = bytes::BytesMut::with_capacity(8);
        let err = server.try_read_buf(&mut buf).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock);
        assert!(buf.is_empty());
    });
}

#[test]
fn zero_linger_resets_the_peer() {
    for rt in runtimes() {
        rt.block_on(async {
            let (client, mut server) = connected().await;
            client.set_zero_linger().unwrap();
            assert_eq!(client.linger().unwrap(), Some(Duration::ZERO));
            drop(client);
            let err = server.read(&mut [0; 8]).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionReset);
        });
    }
}

#[test]
#[allow(deprecated)] // set_linger, as in Tokio
fn stream_options_read_back() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let (client, _server) = connected().await;
        client.set_linger(Some(Duration::from_secs(3))).unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::from_secs(3)));
        client.set_linger(None).unwrap();
        assert_eq!(client.linger().unwrap(), None);
        client.set_quickack(true).unwrap();
        assert!(client.quickack().unwrap());
        client.set_quickack(false).unwrap();
        assert!(!client.quickack().unwrap());
        assert!(client.take_error().unwrap().is_none());
    });
}

#[test]
fn into_std_from_std_and_try_from_round_trip() {
    for rt in runtimes() {
        rt.block_on(async {
            let (client, server) = connected().await;
            let peer = client.peer_addr().unwrap();
            let std_client = client.into_std().unwrap();
            assert_eq!(std_client.peer_addr().unwrap(), peer);
            // Back in, through TryFrom this time; it still works both ways.
            let mut client = TcpStream::try_from(std_client).unwrap();
            let mut server = TcpStream::from_std(server.into_std().unwrap()).unwrap();
            client.write_all(b"again").await.unwrap();
            let mut buf = [0; 5];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"again");

            let std_listener = TcpListener::bind("127.0.0.1:0")
                .await
                .unwrap()
                .into_std()
                .unwrap();
            let listener = TcpListener::try_from(std_listener).unwrap();
            let _c = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            listener.accept().await.unwrap();
        });
    }
}

#[test]
fn sockref_reaches_streams_and_listeners() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (client, _server) = connected().await;
        // Options set through socket2 are seen by our getters, and back.
        socket2::SockRef::from(&client).set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_ttl(42).unwrap();
        assert_eq!(socket2::SockRef::from(&client).ttl().unwrap(), 42);
        socket2::SockRef::from(&client).set_keepalive(true).unwrap();
        assert!(socket2::SockRef::from(&client).keepalive().unwrap());
        assert_eq!(
            socket2::SockRef::from(&listener)
                .local_addr()
                .unwrap()
                .as_socket(),
            Some(listener.local_addr().unwrap())
        );
        assert_eq!(client.as_raw_fd(), client.as_fd().as_raw_fd());
        let same: &TcpStream = client.as_ref();
        assert_eq!(same.local_addr().unwrap(), client.local_addr().unwrap());
    });
}

#[test]
fn tcp_socket_options_read_back() {
    // No runtime needed to configure a TcpSocket.
    let socket = TcpSocket::new_v4().unwrap();
    assert!(!socket.keepalive().unwrap());
    socket.set_keepalive(true).unwrap();
    assert!(socket.keepalive().unwrap());
    assert!(!socket.nodelay().unwrap());
    socket.set_nodelay(true).unwrap();
    assert!(socket.nodelay().unwrap());
    assert_eq!(socket.linger().unwrap(), None);
    #[allow(deprecated)]
    socket.set_linger(Some(Duration::from_secs(2))).unwrap();
    assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(2)));
    socket.set_zero_linger().unwrap();
    assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
    socket.set_tos_v4(0x10).unwrap();
    assert_eq!(socket.tos_v4().unwrap(), 0x10);
    assert_eq!(socket.device().unwrap(), None);
    assert!(socket.take_error().unwrap().is_none());

    let v6 = TcpSocket::new_v6().unwrap();
    v6.set_tclass_v6(0x20).unwrap();
    assert_eq!(v6.tclass_v6().unwrap(), 0x20);
    // IPv4-only option on an IPv6 socket: the OS says no, no panic.
    let _ = v6.tos_v4();
}

#[test]
fn tcp_socket_options_carry_over_to_the_stream() {
    for rt in runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let socket = TcpSocket::new_v4().unwrap();
            socket.set_keepalive(true).unwrap();
            socket.set_zero_linger().unwrap();
            let stream = socket
                .connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            assert_eq!(stream.linger().unwrap(), Some(Duration::ZERO));
            assert!(socket2::SockRef::from(&stream).keepalive().unwrap());
        });
    }
}

#[test]
fn tcp_socket_from_std_stream_and_raw_fd() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let local = std_stream.local_addr().unwrap();
    let socket = TcpSocket::from_std_stream(std_stream);
    assert_eq!(socket.local_addr().unwrap(), local);
    socket.set_keepalive(true).unwrap();

    let fd = socket.into_raw_fd();
    // SAFETY: `fd` was just released by `into_raw_fd`; nothing else owns it.
    let socket = unsafe { TcpSocket::from_raw_fd(fd) };
    assert_eq!(socket.as_raw_fd(), fd);
    assert!(socket.keepalive().unwrap(), "the same socket came back");
    assert_eq!(socket.local_addr().unwrap(), local);
}

#[test]
fn tcp_socket_connect_from_a_blocking_descriptor_does_not_block() {
    // A blocking socket handed in through FromRawFd: connect switches it to
    // non-blocking first, so the runtime's thread never blocks in connect.
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let raw = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        assert!(!raw.nonblocking().unwrap());
        // SAFETY: ownership of the descriptor moves from `raw` to the socket.
        let socket = unsafe { TcpSocket::from_raw_fd(raw.into_raw_fd()) };
        let stream = socket
            .connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        assert!(socket2::SockRef::from(&stream).nonblocking().unwrap());
    });
}

#[test]
fn lookup_host_literals_and_names() {
    for rt in runtimes() {
        rt.block_on(async {
            let addrs: Vec<SocketAddr> = runtime::net::lookup_host("10.1.2.3:99")
                .await
                .unwrap()
                .collect();
            assert_eq!(addrs, ["10.1.2.3:99".parse::<SocketAddr>().unwrap()]);
            let addrs: Vec<SocketAddr> = runtime::net::lookup_host(("localhost", 7))
                .await
                .unwrap()
                .collect();
            assert!(!addrs.is_empty());
            assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 7));
            // A name without a port is an error, not a panic or a hang.
            assert!(runtime::net::lookup_host("localhost").await.is_err());
        });
    }
}
