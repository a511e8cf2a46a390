//! The cooperative budget on sockets, as Tokio applies it: every I/O
//! operation that completes spends one unit, and a task that has spent the
//! whole budget (128 per poll) yields, so one poll of a loop over
//! always-ready sockets completes at most that many operations (Tokio 1.x:
//! 128 in the same loop, measured).
#![cfg(feature = "full")]

use runtime::net::UdpSocket;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll};

/// Polls `inner`, recording the most operations (`ops`) done in one poll.
struct MostPerPoll<F> {
    inner: Pin<Box<F>>,
    ops: Arc<AtomicU32>,
    most: u32,
}

impl<F: Future<Output = ()>> Future for MostPerPoll<F> {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let before = self.ops.load(SeqCst);
        let done = self.inner.as_mut().poll(cx).is_ready();
        let this_poll = self.ops.load(SeqCst) - before;
        self.most = self.most.max(this_poll);
        if done {
            Poll::Ready(self.most)
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn one_poll_of_a_udp_send_recv_loop_does_at_most_the_budget() {
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let most = rt.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let ops = Arc::new(AtomicU32::new(0));
        let counted = ops.clone();
        let work = async move {
            let mut buf = [0u8; 1500];
            for _ in 0..1_000 {
                a.send(&[1; 64]).await.unwrap();
                counted.fetch_add(1, SeqCst);
                b.recv(&mut buf).await.unwrap();
                counted.fetch_add(1, SeqCst);
            }
        };
        runtime::spawn(MostPerPoll {
            inner: Box::pin(work),
            ops,
            most: 0,
        })
        .await
        .unwrap()
    });
    assert_eq!(most, 128, "operations completed in one poll");
}
