//! `Builder::max_io_events_per_busy_tick`: with a busy batch of one event,
//! a runtime whose scheduler never runs dry (a task that keeps yielding, so
//! every driver turn is a non-waiting one) still delivers every socket's
//! readiness, over more turns. (The batch size itself is checked on the
//! reactor: runtime-reactor/tests/io.rs, `busy_turns_take_the_smaller_batch`.)

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn all_sockets_are_served_with_a_busy_batch_of_one() {
    for mut builder in [
        runtime::Builder::new_current_thread(),
        runtime::Builder::new_multi_thread(),
    ] {
        let rt = builder
            .worker_threads(2)
            .enable_all()
            .max_io_events_per_busy_tick(1)
            .build()
            .unwrap();
        rt.block_on(async {
            let stop = Arc::new(AtomicBool::new(false));
            let spinner = runtime::spawn({
                let stop = stop.clone();
                async move {
                    while !stop.load(Ordering::Relaxed) {
                        runtime::task::yield_now().await;
                    }
                }
            });
            let mut receivers = Vec::new();
            let sender = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            for i in 0..32u8 {
                let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
                let addr = socket.local_addr().unwrap();
                receivers.push(runtime::spawn(async move {
                    let mut buf = [0u8; 4];
                    let n = socket.recv(&mut buf).await.unwrap();
                    (n, buf[0])
                }));
                sender.send_to(&[i], addr).await.unwrap();
            }
            for (i, receiver) in receivers.into_iter().enumerate() {
                assert_eq!(receiver.await.unwrap(), (1, i as u8));
            }
            stop.store(true, Ordering::Relaxed);
            spinner.await.unwrap();
        });
    }
}

#[test]
#[should_panic(expected = "max_io_events_per_busy_tick must be non-zero")]
fn zero_is_refused() {
    runtime::Builder::new_current_thread().max_io_events_per_busy_tick(0);
}
