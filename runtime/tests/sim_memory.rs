//! Memory is back after a simulation with crashes and restarts drops: a
//! counting allocator sees the test thread's live bytes the same before and
//! after.
//!
//! The count is per thread. A simulation runs wholly on the thread that
//! calls `run`, so a leak of it shows there. A process-wide count also saw
//! libtest's main thread, which allocates while it waits for the result (its
//! channel's waker, 144 bytes) whenever the scheduler lets it get there:
//! under load, after the "before" reading in about one run in ten.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream, UdpSocket};
use runtime::sim::Builder;
use runtime::time::{sleep, Duration};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    // Const-initialised and without a destructor: reading it never
    // allocates, so the allocator may use it.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

/// Adds `bytes` to this thread's live count (ignored while the thread's
/// locals are being torn down).
fn count(bytes: isize) {
    let _ = LIVE.try_with(|live| live.set(live.get() + bytes));
}

/// This thread's live bytes.
fn live() -> isize {
    LIVE.with(Cell::get)
}

// SAFETY: forwards to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: the caller's contract is forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
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
    let before = live();
    for _ in 0..3 {
        world();
    }
    let after = live();
    assert_eq!(after, before, "{} bytes still allocated", after - before);
}
