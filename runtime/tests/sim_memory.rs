//! Memory is back after a simulation with crashes and restarts drops: a
//! counting allocator (the only test of this binary, so nothing else
//! allocates meanwhile) sees the same live bytes before and after.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream, UdpSocket};
use runtime::sim::Builder;
use runtime::time::{sleep, Duration};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: the caller's contract is forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: the caller's contract is forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn world() {
    let mut sim = Builder::new().seed(5).udp_loss(0.1).build().unwrap();
    sim.host("db", || async {
        let l = TcpListener::bind("0.0.0.0:7").await.unwrap();
        let u = UdpSocket::bind("0.0.0.0:8").await.unwrap();
        runtime::spawn(async move {
            let mut b = [0; 4];
            while let Ok((n, from)) = u.recv_from(&mut b).await {
                let _ = u.send_to(&b[..n], from).await;
            }
        });
        while let Ok((mut s, _)) = l.accept().await {
            runtime::spawn(async move {
                let mut b = [0; 1];
                while s.read(&mut b).await.is_ok_and(|n| n > 0) {
                    let _ = s.write_all(&b).await;
                }
            });
        }
    });
    sim.client("c", async {
        for round in 0..5 {
            let mut s = TcpStream::connect("db:7").await.unwrap();
            s.write_all(b"x").await.unwrap();
            let u = UdpSocket::bind("0.0.0.0:0").await.unwrap();
            u.send_to(b"ping", "db:8").await.unwrap();
            sleep(Duration::from_millis(50)).await;
            // Leave the connection and queued datagrams behind in the crash.
            if round % 2 == 0 {
                runtime::sim::bounce("db");
            } else {
                runtime::sim::crash("db");
                sleep(Duration::from_millis(10)).await;
                runtime::sim::bounce("db");
            }
            sleep(Duration::from_millis(50)).await;
        }
    });
    sim.run().unwrap();
}

#[test]
fn memory_is_back_after_a_sim_with_crashes_drops() {
    world(); // warm-up: thread-locals and lazy statics
    let before = LIVE.load(Ordering::SeqCst);
    for _ in 0..3 {
        world();
    }
    let after = LIVE.load(Ordering::SeqCst);
    assert_eq!(after, before, "{} bytes still allocated", after - before);
}
