//! The sockets' readiness API (`ready`, `readable`/`writable`, the `poll_*`
//! forms, `try_io`, `async_io`) and `runtime::io::{Interest, Ready}`, on
//! both runtime flavours.
#![cfg(all(unix, feature = "full"))]

use runtime::io::{AsyncReadExt, AsyncWriteExt, Interest, Ready};
use runtime::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixStream};
use std::future::poll_fn;
use std::io::{self, ErrorKind};
use std::time::Duration;

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

both_flavours!(
    tcp_ready_reports_the_ready_part_of_the_interest,
    ready_reports_read_closed_after_peer_closes,
    try_io_would_block_clears_readiness,
    try_io_success_keeps_readiness,
    async_io_retries_until_the_operation_succeeds,
    poll_read_and_write_ready,
    udp_recv_and_send_ready,
    udp_error_interest_sees_refused_port,
    unix_datagram_readiness,
    split_halves_readiness_and_try_ops,
    owned_halves_readiness_and_addresses,
    tcp_read_halves_peek,
    pipe_ends_ready,
);

/// How long a wait that must not end is given before it counts as pending.
const PENDING: Duration = Duration::from_millis(100);

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

async fn tcp_ready_reports_the_ready_part_of_the_interest() {
    let (mut client, server) = tcp_pair().await;
    // Nothing sent yet: asking for both gets WRITABLE only.
    let ready = server
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(ready.is_writable(), "{ready:?}");
    assert!(!ready.is_readable(), "{ready:?}");
    // Read interest alone does not complete without data.
    let pending = runtime::time::timeout(PENDING, server.ready(Interest::READABLE)).await;
    assert!(
        pending.is_err(),
        "ready(READABLE) completed with nothing to read"
    );

    client.write_all(b"data").await.unwrap();
    let ready = server.ready(Interest::READABLE).await.unwrap();
    assert!(ready.is_readable(), "{ready:?}");
    assert!(!ready.is_writable(), "only the asked-for part: {ready:?}");
    let mut buf = [0; 8];
    assert_eq!(server.try_read(&mut buf).unwrap(), 4);
}

async fn ready_reports_read_closed_after_peer_closes() {
    let (a, b) = UnixStream::pair().unwrap();
    drop(b);
    let ready = a.ready(Interest::READABLE).await.unwrap();
    assert!(ready.is_read_closed(), "{ready:?}");
    // A closed side stays closed: reading to the end does not clear it.
    let mut buf = [0; 4];
    assert_eq!(a.try_read(&mut buf).unwrap(), 0);
    assert!(a.ready(Interest::READABLE).await.unwrap().is_read_closed());
}

async fn try_io_would_block_clears_readiness() {
    let (a, b) = UnixStream::pair().unwrap();
    b.try_write(b"x").unwrap();
    a.readable().await.unwrap();
    // The operation claims it would block: the readiness is cleared even
    // though data is queued (edge-triggered: no new event comes for it).
    let would_block = || {
        let err = a
            .try_io(Interest::READABLE, || {
                Err::<(), _>(io::Error::from(ErrorKind::WouldBlock))
            })
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock);
    };
    would_block();
    // Edge-triggered epoll may still report the one write a second time
    // after the clear: on the multi-thread flavour a worker can be
    // collecting `a`'s registration event while the write lands, and the
    // kernel queues the item again for the next `epoll_wait` (Tokio
    // documents such false positives too). That is at most one late edge,
    // met by another WouldBlock; with the readiness stuck (the bug this
    // guards against), every wait would return at once.
    let mut late_edges = 0;
    while runtime::time::timeout(PENDING, a.readable()).await.is_ok() {
        late_edges += 1;
        assert!(late_edges <= 1, "readable() ignored the cleared readiness");
        would_block();
    }
    // A new event makes it ready again, and both bytes are there.
    b.try_write(b"y").unwrap();
    a.readable().await.unwrap();
    let mut buf = [0; 4];
    let n = a
        .try_io(Interest::READABLE, || a.try_read(&mut buf))
        .unwrap();
    assert_eq!(&buf[..n], b"xy");
}

async fn try_io_success_keeps_readiness() {
    let (a, b) = UnixStream::pair().unwrap();
    b.try_write(b"abc").unwrap();
    a.readable().await.unwrap();
    let mut one = [0; 1];
    let n = a
        .try_io(Interest::READABLE, || a.try_read(&mut one))
        .unwrap();
    assert_eq!(n, 1);
    // Still readable without a new event: a success clears nothing.
    runtime::time::timeout(PENDING, a.readable())
        .await
        .expect("readiness was cleared by a successful try_io")
        .unwrap();
    // The closure's own return value comes back unchanged.
    let value = a.try_io(Interest::WRITABLE, || Ok(42)).unwrap();
    assert_eq!(value, 42);
}

async fn async_io_retries_until_the_operation_succeeds() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let writer = runtime::spawn(async move {
        runtime::time::sleep(Duration::from_millis(30)).await;
        b.write_all(b"late").await.unwrap();
        b
    });
    let mut attempts = 0;
    let mut buf = [0; 8];
    let n = a
        .async_io(Interest::READABLE, || {
            attempts += 1;
            a.try_read(&mut buf)
        })
        .await
        .unwrap();
    assert_eq!(&buf[..n], b"late");
    assert!(attempts >= 1);
    let _b = writer.await.unwrap();
    // Errors other than WouldBlock end the loop.
    let err = a
        .async_io(Interest::WRITABLE, || {
            Err::<(), _>(io::Error::from(ErrorKind::InvalidInput))
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

async fn poll_read_and_write_ready() {
    let (client, server) = tcp_pair().await;
    poll_fn(|cx| client.poll_write_ready(cx)).await.unwrap();
    let read = runtime::time::timeout(PENDING, poll_fn(|cx| server.poll_read_ready(cx))).await;
    assert!(read.is_err(), "poll_read_ready ready with nothing sent");
    client.try_write(b"go").unwrap();
    poll_fn(|cx| server.poll_read_ready(cx)).await.unwrap();
    let mut buf = [0; 2];
    assert_eq!(server.try_read(&mut buf).unwrap(), 2);
}

async fn udp_recv_and_send_ready() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
    let pending = runtime::time::timeout(PENDING, poll_fn(|cx| b.poll_recv_ready(cx))).await;
    assert!(pending.is_err());
    a.send(b"dgram").await.unwrap();
    poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
    let ready = b
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(ready.is_readable() && ready.is_writable(), "{ready:?}");
    let mut buf = [0; 8];
    let n = b
        .try_io(Interest::READABLE, || b.try_recv(&mut buf))
        .unwrap();
    assert_eq!(&buf[..n], b"dgram");
    let n = b
        .async_io(Interest::WRITABLE, || b.try_send(b"back"))
        .await
        .unwrap();
    assert_eq!(n, 4);
}

/// A datagram to a port nobody listens on comes back as ICMP "port
/// unreachable", which Linux queues as a socket error: `Interest::ERROR`
/// sees it.
async fn udp_error_interest_sees_refused_port() {
    let closed = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(addr).await.unwrap();
    socket.send(b"anyone?").await.unwrap();
    let ready = runtime::time::timeout(Duration::from_secs(5), socket.ready(Interest::ERROR))
        .await
        .expect("no error readiness for a refused datagram")
        .unwrap();
    assert!(ready.is_error(), "{ready:?}");
    assert!(
        !ready.is_writable(),
        "ERROR interest reports errors only: {ready:?}"
    );
    let mut buf = [0; 4];
    let err = socket.try_recv(&mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

async fn unix_datagram_readiness() {
    let (a, b) = UnixDatagram::pair().unwrap();
    a.writable().await.unwrap();
    let pending = runtime::time::timeout(PENDING, b.readable()).await;
    assert!(pending.is_err());
    a.try_send(b"one").unwrap();
    b.readable().await.unwrap();
    poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
    poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
    let mut buf = [0; 8];
    let n = b
        .async_io(Interest::READABLE, || b.try_recv(&mut buf))
        .await
        .unwrap();
    assert_eq!(&buf[..n], b"one");
    let err = b
        .try_io(Interest::READABLE, || b.try_recv(&mut buf))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    assert!(b.ready(Interest::WRITABLE).await.unwrap().is_writable());
}

async fn split_halves_readiness_and_try_ops() {
    let (mut a, mut b) = UnixStream::pair().unwrap();
    let (rd, wr) = a.split();
    wr.writable().await.unwrap();
    assert!(wr.ready(Interest::WRITABLE).await.unwrap().is_writable());
    assert_eq!(wr.try_write(b"ping").unwrap(), 4);
    let mut buf = [0; 4];
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");

    let err = rd.try_read(&mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    b.write_all(b"pong").await.unwrap();
    rd.readable().await.unwrap();
    let ready = rd.ready(Interest::READABLE).await.unwrap();
    assert_eq!(ready & Ready::READABLE, Ready::READABLE);
    let (mut x, mut y) = ([0; 1], [0; 8]);
    let n = rd
        .try_read_vectored(&mut [io::IoSliceMut::new(&mut x), io::IoSliceMut::new(&mut y)])
        .unwrap();
    assert_eq!(n, 4);
    assert_eq!((&x, &y[..3]), (b"p", &b"ong"[..]));
    let n = wr
        .try_write_vectored(&[io::IoSlice::new(b"a"), io::IoSlice::new(b"b")])
        .unwrap();
    assert_eq!(n, 2);
}

async fn owned_halves_readiness_and_addresses() {
    let (client, mut server) = tcp_pair().await;
    let (local, peer) = (client.local_addr().unwrap(), client.peer_addr().unwrap());
    let (rd, wr) = client.into_split();
    assert_eq!(
        (rd.local_addr().unwrap(), rd.peer_addr().unwrap()),
        (local, peer)
    );
    assert_eq!(
        (wr.local_addr().unwrap(), wr.peer_addr().unwrap()),
        (local, peer)
    );

    let reader = runtime::spawn(async move {
        let mut buf = [0; 16];
        let n = loop {
            rd.readable().await.unwrap();
            match rd.try_read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                Err(e) => panic!("{e}"),
            }
        };
        buf[..n].to_vec()
    });
    server.write_all(b"to the reader").await.unwrap();
    assert_eq!(reader.await.unwrap(), b"to the reader");

    wr.writable().await.unwrap();
    assert!(wr.ready(Interest::WRITABLE).await.unwrap().is_writable());
    assert_eq!(wr.try_write(b"back").unwrap(), 4);
    let mut buf = [0; 4];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"back");
}

async fn tcp_read_halves_peek() {
    let (mut client, mut server) = tcp_pair().await;
    client.write_all(b"peek").await.unwrap();
    {
        let (mut rd, _wr) = server.split();
        let mut buf = [0; 4];
        let n = rd.peek(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], &b"peek"[..n]);
    }
    let (mut rd, _wr) = server.into_split();
    let mut buf = [0; 4];
    let n = rd.peek(&mut buf).await.unwrap();
    assert!(n > 0);
    let mut storage = [0; 4];
    let mut read_buf = runtime::io::ReadBuf::new(&mut storage);
    let n = poll_fn(|cx| rd.poll_peek(cx, &mut read_buf)).await.unwrap();
    assert_eq!(read_buf.filled(), &b"peek"[..n]);
    rd.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"peek");
    // Everything was read: the half's try_read_buf would block now.
    let mut rest = Vec::with_capacity(8);
    let err = rd.try_read_buf(&mut rest).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    client.write_all(b"more").await.unwrap();
    rd.readable().await.unwrap();
    assert_eq!(rd.try_read_buf(&mut rest).unwrap(), 4);
    assert_eq!(rest, b"more");
}

#[test]
fn interest_set_operations() {
    let both = Interest::READABLE | Interest::WRITABLE;
    assert!(both.is_readable() && both.is_writable() && !both.is_error());
    assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
    assert_eq!(both.remove(both), None);
    assert_eq!(
        Interest::ERROR.add(Interest::READABLE),
        Interest::READABLE | Interest::ERROR
    );
    let mut i = Interest::WRITABLE;
    i |= Interest::ERROR;
    assert_eq!(format!("{i:?}"), "WRITABLE | ERROR");
    #[cfg(target_os = "linux")]
    {
        assert!(Interest::PRIORITY.is_priority());
        assert!(!both.is_priority());
    }
}

#[test]
fn ready_set_operations() {
    let r = Ready::READABLE | Ready::WRITE_CLOSED;
    assert!(r.is_readable() && r.is_write_closed());
    assert!(!r.is_writable() && !r.is_read_closed() && !r.is_error());
    assert_eq!(r - Ready::READABLE, Ready::WRITE_CLOSED);
    assert_eq!(r & Ready::READABLE, Ready::READABLE);
    assert!(Ready::EMPTY.is_empty());
    assert_eq!(Ready::ALL - Ready::ALL, Ready::EMPTY);
    assert!(Ready::ALL.is_error());
    #[cfg(target_os = "linux")]
    assert!(Ready::ALL.is_priority() && !r.is_priority());
    let mut m = Ready::EMPTY;
    m |= Ready::ERROR;
    assert!(format!("{m:?}").contains("is_error: true"));
}

async fn pipe_ends_ready() {
    let (tx, rx) = runtime::net::unix::pipe::pipe().unwrap();
    assert!(tx.ready(Interest::WRITABLE).await.unwrap().is_writable());
    let pending = runtime::time::timeout(PENDING, rx.ready(Interest::READABLE)).await;
    assert!(pending.is_err(), "an empty pipe was readable");
    tx.try_write(b"x").unwrap();
    assert!(rx.ready(Interest::READABLE).await.unwrap().is_readable());
    let mut buf = [0; 2];
    assert_eq!(rx.try_read(&mut buf).unwrap(), 1);
    // Drained: this WouldBlock clears the data's readiness.
    let err = rx.try_read(&mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    drop(tx);
    let ready = runtime::time::timeout(Duration::from_secs(5), rx.ready(Interest::READABLE))
        .await
        .expect("the closed write end was never reported")
        .unwrap();
    assert!(ready.is_read_closed(), "{ready:?}");
    assert_eq!(rx.try_read(&mut buf).unwrap(), 0);
}
