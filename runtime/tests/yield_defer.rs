//! `yield_now` defers the task until the scheduler has looked at I/O and
//! timers, as Tokio's does: a task that polls for an event and yields in
//! between sees the event after one yield, not after the run queue has spun.
#![cfg(feature = "full")]

use runtime::net::TcpListener;
use runtime::time::{Duration, Instant};
use runtime::{Builder, Runtime};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

fn flavours() -> [(&'static str, Runtime); 2] {
    [
        (
            "current_thread",
            Builder::new_current_thread().enable_all().build().unwrap(),
        ),
        (
            "multi_thread(1)",
            Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap(),
        ),
    ]
}

/// Polls `fut` once; `Some` if it completed.
async fn poll_once<F: Future + Unpin>(fut: &mut F) -> Option<F::Output> {
    poll_fn(|cx| {
        Poll::Ready(match std::pin::Pin::new(&mut *fut).poll(cx) {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        })
    })
    .await
}

#[test]
fn a_yielding_task_sees_a_socket_event_after_one_yield() {
    for (name, rt) in flavours() {
        let yields = rt.block_on(async {
            runtime::spawn(async {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let mut accept = pin!(listener.accept());
                // Registers interest; nothing to accept yet.
                assert!(poll_once(&mut accept).await.is_none());
                // The connection completes in the kernel's backlog at once;
                // only the driver can tell the listener about it.
                let _client = std::net::TcpStream::connect(addr).unwrap();
                let mut yields = 0u32;
                while poll_once(&mut accept).await.is_none() {
                    assert!(yields < 1_000, "the accept was never seen");
                    runtime::task::yield_now().await;
                    yields += 1;
                }
                yields
            })
            .await
            .unwrap()
        });
        assert!(
            yields <= 1,
            "{name}: {yields} yields before the ready accept was seen"
        );
    }
}

#[test]
fn a_yielding_task_sees_an_expired_timer_after_one_yield() {
    for (name, rt) in flavours() {
        let yields = rt.block_on(async {
            runtime::spawn(async {
                let mut sleep = pin!(runtime::time::sleep(Duration::from_millis(20)));
                assert!(poll_once(&mut sleep).await.is_none());
                // Let the deadline pass without giving the scheduler a turn.
                let until = Instant::now() + Duration::from_millis(40);
                while Instant::now() < until {
                    std::hint::spin_loop();
                }
                let mut yields = 0u32;
                while poll_once(&mut sleep).await.is_none() {
                    assert!(yields < 100_000, "the timer never fired");
                    runtime::task::yield_now().await;
                    yields += 1;
                }
                yields
            })
            .await
            .unwrap()
        });
        assert!(
            yields <= 1,
            "{name}: {yields} yields before the expired timer was seen"
        );
    }
}

#[test]
fn yield_now_still_lets_other_ready_tasks_run_first() {
    for (name, rt) in flavours() {
        let order = rt.block_on(async {
            // Spawned from a task, so both are queued on the same worker
            // before either runs.
            runtime::spawn(async {
                let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
                let l = log.clone();
                let yielder = runtime::spawn(async move {
                    l.lock().unwrap().push("yielder before");
                    runtime::task::yield_now().await;
                    l.lock().unwrap().push("yielder after");
                });
                let l = log.clone();
                let other = runtime::spawn(async move {
                    l.lock().unwrap().push("other");
                });
                yielder.await.unwrap();
                other.await.unwrap();
                let order = log.lock().unwrap().clone();
                order
            })
            .await
            .unwrap()
        });
        let at = |what| order.iter().position(|e| *e == what).unwrap();
        assert!(
            at("yielder before") < at("yielder after") && at("other") < at("yielder after"),
            "{name}: {order:?}"
        );
    }
}
