//! UDP additions of "Tokio's API part 2": the `poll_*` family driven by
//! hand-written futures, peeks, `bytes` receives, options, conversions.
//! Both runtime flavours.
#![cfg(feature = "full")]

use runtime::io::ReadBuf;
use runtime::net::UdpSocket;
use runtime::{Builder, Runtime};
use std::future::Future;
use std::io::ErrorKind;
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
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

async fn pair() -> (UdpSocket, UdpSocket) {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    (a, b)
}

/// Receives one datagram through `poll_recv_from`, as a hand-written
/// future would (a protocol state machine, a `Stream` impl).
struct RecvFrom {
    socket: Arc<UdpSocket>,
    storage: Vec<MaybeUninit<u8>>,
    polls: usize,
}

impl Future for RecvFrom {
    type Output = std::io::Result<(Vec<u8>, SocketAddr)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.polls += 1;
        let mut buf = ReadBuf::uninit(&mut this.storage);
        match this.socket.poll_recv_from(cx, &mut buf) {
            Poll::Ready(Ok(from)) => Poll::Ready(Ok((buf.filled().to_vec(), from))),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Sends one datagram through `poll_send`.
struct Send<'a> {
    socket: &'a UdpSocket,
    data: &'a [u8],
}

impl Future for Send<'_> {
    type Output = std::io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.socket.poll_send(cx, self.data)
    }
}

#[test]
fn hand_written_futures_over_poll_send_and_poll_recv_from() {
    for rt in runtimes() {
        rt.block_on(async {
            let (a, b) = pair().await;
            let b = Arc::new(b);
            let recv = runtime::spawn(RecvFrom {
                socket: b.clone(),
                storage: vec![MaybeUninit::uninit(); 64],
                polls: 0,
            });
            // Let the receiver park first, so it is woken by the datagram.
            runtime::time::sleep(Duration::from_millis(20)).await;
            let n = Send {
                socket: &a,
                data: b"by hand",
            }
            .await
            .unwrap();
            assert_eq!(n, 7);
            let (data, from) = recv.await.unwrap().unwrap();
            assert_eq!(data, b"by hand");
            assert_eq!(from, a.local_addr().unwrap());
        });
    }
}

#[test]
fn poll_recv_counts_polls_and_appends_to_filled() {
    for rt in runtimes() {
        rt.block_on(async {
            let (a, b) = pair().await;
            let mut storage = [0u8; 16];
            let mut buf = ReadBuf::new(&mut storage);
            buf.put_slice(b">");
            let mut polls = 0;
            let recv = std::future::poll_fn(|cx| {
                polls += 1;
                b.poll_recv(cx, &mut buf)
            });
            let send = async {
                runtime::time::sleep(Duration::from_millis(20)).await;
                a.send(b"hello").await.unwrap();
            };
            let (res, ()) = runtime::join!(recv, send);
            res.unwrap();
            assert!(polls >= 2, "the receive waited: {polls} polls");
            assert_eq!(buf.filled(), b">hello", "appended after what was filled");
        });
    }
}

#[test]
fn poll_recv_truncates_to_the_space_left() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let (a, b) = pair().await;
        a.send(b"0123456789").await.unwrap();
        let mut storage = [MaybeUninit::uninit(); 4];
        let mut buf = ReadBuf::uninit(&mut storage);
        std::future::poll_fn(|cx| b.poll_recv(cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(buf.filled(), b"0123");
        // The rest of the datagram is gone, as with recv.
        assert_eq!(
            b.try_recv(&mut [0; 16]).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
    });
}

#[test]
fn poll_send_to_and_the_peek_family() {
    for rt in runtimes() {
        rt.block_on(async {
            let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let to = b.local_addr().unwrap();
            let n = std::future::poll_fn(|cx| a.poll_send_to(cx, b"peek me", to))
                .await
                .unwrap();
            assert_eq!(n, 7);

            assert_eq!(b.peek_sender().await.unwrap(), a.local_addr().unwrap());
            assert_eq!(b.try_peek_sender().unwrap(), a.local_addr().unwrap());
            let from = std::future::poll_fn(|cx| b.poll_peek_sender(cx))
                .await
                .unwrap();
            assert_eq!(from, a.local_addr().unwrap());

            let mut storage = [0; 16];
            let mut buf = ReadBuf::new(&mut storage);
            let from = std::future::poll_fn(|cx| b.poll_peek_from(cx, &mut buf))
                .await
                .unwrap();
            assert_eq!(
                (buf.filled(), from),
                (&b"peek me"[..], a.local_addr().unwrap())
            );
            let mut raw = [0; 16];
            assert_eq!(
                b.try_peek_from(&mut raw).unwrap(),
                (7, a.local_addr().unwrap())
            );

            // Connected: peek, try_peek, poll_peek see the same datagram.
            b.connect(a.local_addr().unwrap()).await.unwrap();
            assert_eq!(b.peek(&mut raw).await.unwrap(), 7);
            assert_eq!(b.try_peek(&mut raw).unwrap(), 7);
            let mut storage = [0; 4];
            let mut small = ReadBuf::new(&mut storage);
            std::future::poll_fn(|cx| b.poll_peek(cx, &mut small))
                .await
                .unwrap();
            assert_eq!(small.filled(), b"peek");

            // Nothing of it was consumed.
            let (n, _) = b.recv_from(&mut raw).await.unwrap();
            assert_eq!(&raw[..n], b"peek me");
            assert_eq!(
                b.try_peek(&mut raw).unwrap_err().kind(),
                ErrorKind::WouldBlock
            );
            assert_eq!(
                b.try_peek_sender().unwrap_err().kind(),
                ErrorKind::WouldBlock
            );
        });
    }
}

#[test]
fn bytes_receives() {
    for rt in runtimes() {
        rt.block_on(async {
            let (a, b) = pair().await;
            let mut buf = Vec::with_capacity(32);
            assert_eq!(
                b.try_recv_buf(&mut buf).unwrap_err().kind(),
                ErrorKind::WouldBlock
            );
            a.send(b"one").await.unwrap();
            a.send(b"two").await.unwrap();
            assert_eq!(b.recv_buf(&mut buf).await.unwrap(), 3);
            let (n, from) = b.recv_buf_from(&mut buf).await.unwrap();
            assert_eq!((n, from), (3, a.local_addr().unwrap()));
            assert_eq!(buf, b"onetwo", "each datagram appended");

            let mut bm = bytes::BytesMut::with_capacity(16);
            a.send(b"three").await.unwrap();
            let (n, from) = loop {
                b.readable().await.unwrap();
                match b.try_recv_buf_from(&mut bm) {
                    Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                    res => break res.unwrap(),
                }
            };
            assert_eq!(
                (n, &bm[..], from),
                (5, &b"three"[..], a.local_addr().unwrap())
            );
            a.send(b"four").await.unwrap();
            b.readable().await.unwrap();
            assert_eq!(b.try_recv_buf(&mut bm).unwrap(), 4);
            assert_eq!(&bm[..], b"threefour");
        });
    }
}

#[test]
fn options_read_back() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert!(s.multicast_loop_v4().unwrap());
        s.set_multicast_loop_v4(false).unwrap();
        assert!(!s.multicast_loop_v4().unwrap());
        assert_eq!(s.multicast_ttl_v4().unwrap(), 1);
        s.set_multicast_ttl_v4(9).unwrap();
        assert_eq!(s.multicast_ttl_v4().unwrap(), 9);
        s.set_tos_v4(0x08).unwrap();
        assert_eq!(s.tos_v4().unwrap(), 0x08);
        assert_eq!(s.device().unwrap(), None);
        s.bind_device(None).unwrap();
        assert!(s.take_error().unwrap().is_none());
        if let Ok(v6) = UdpSocket::bind("[::1]:0").await {
            v6.set_multicast_loop_v6(false).unwrap();
            assert!(!v6.multicast_loop_v6().unwrap());
            v6.set_tclass_v6(0x20).unwrap();
            assert_eq!(v6.tclass_v6().unwrap(), 0x20);
        }
        // Through the fd traits too.
        let sock = socket2::SockRef::from(&s);
        assert_eq!(sock.multicast_ttl_v4().unwrap(), 9);
        sock.set_broadcast(true).unwrap();
        assert!(s.broadcast().unwrap());
    });
}

#[test]
fn take_error_reports_an_icmp_refusal() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        // A port nobody listens on: bind, note it, close.
        let closed = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        s.connect(closed).await.unwrap();
        s.send(b"anyone?").await.unwrap();
        // The ICMP "port unreachable" leaves ECONNREFUSED pending.
        let mut err = None;
        for _ in 0..100 {
            if let Some(e) = s.take_error().unwrap() {
                err = Some(e);
                break;
            }
            runtime::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            err.expect("an error is pending").kind(),
            ErrorKind::ConnectionRefused
        );
        assert!(s.take_error().unwrap().is_none(), "taking it clears it");
    });
}

#[test]
fn into_std_from_std_round_trip() {
    for rt in runtimes() {
        rt.block_on(async {
            let (a, b) = pair().await;
            let addr = a.local_addr().unwrap();
            let std_a = a.into_std().unwrap();
            assert_eq!(std_a.local_addr().unwrap(), addr);
            let a = UdpSocket::try_from(std_a).unwrap();
            a.send(b"back").await.unwrap();
            let mut buf = [0; 8];
            assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
            use std::os::fd::{AsFd, AsRawFd};
            assert_eq!(a.as_raw_fd(), a.as_fd().as_raw_fd());
        });
    }
}
