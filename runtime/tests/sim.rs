//! `runtime::sim`: determinism, seeded interleavings, virtual time, every
//! network fault kind, crash/restart, replay and failure reports.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream, UdpSocket};
use runtime::sim::{Builder, Sim};
use runtime::time::{sleep, timeout, Duration, Instant};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Fixes a host body's output type (a server loop never returns, so `?`
/// alone cannot infer it).
fn io<F: std::future::Future<Output = std::io::Result<()>>>(f: F) -> F {
    f
}

/// Three hosts: a TCP echo server, a UDP echo server, and a client doing
/// both, with latency, loss and reordering.
fn workload(seed: u64) -> Sim {
    let mut sim = Builder::new()
        .seed(seed)
        .latency(Duration::from_millis(1), Duration::from_millis(30))
        .udp_loss(0.1)
        .udp_reorder(0.2)
        .build()
        .unwrap();
    sim.host("tcp", || {
        io(async {
            let listener = TcpListener::bind("0.0.0.0:1000").await?;
            loop {
                let (mut s, _) = listener.accept().await?;
                runtime::spawn(async move {
                    let mut buf = [0; 16];
                    while let Ok(n @ 1..) = s.read(&mut buf).await {
                        if s.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
            }
        })
    });
    sim.host("udp", || {
        io(async {
            let socket = UdpSocket::bind("0.0.0.0:2000").await?;
            let mut buf = [0; 64];
            loop {
                let (n, from) = socket.recv_from(&mut buf).await?;
                socket.send_to(&buf[..n], from).await?;
            }
        })
    });
    sim.client("client", async {
        let mut tasks = Vec::new();
        for i in 0..4u8 {
            tasks.push(runtime::spawn(async move {
                let mut s = TcpStream::connect("tcp:1000").await.unwrap();
                s.write_all(&[i; 8]).await.unwrap();
                let mut buf = [0; 8];
                s.read_exact(&mut buf).await.unwrap();
                assert_eq!(buf, [i; 8]);
            }));
        }
        let socket = UdpSocket::bind("0.0.0.0:0").await.unwrap();
        for i in 0..20u8 {
            socket.send_to(&[i], "udp:2000").await.unwrap();
        }
        let mut got = Vec::new();
        let mut buf = [0; 8];
        while let Ok(Ok(n)) = timeout(Duration::from_millis(500), socket.recv(&mut buf)).await {
            got.push(buf[..n].to_vec());
        }
        runtime::sim::note(&format!("udp got {got:?}"));
        for t in tasks {
            t.await.unwrap();
        }
    });
    sim
}

#[test]
fn same_seed_same_trace_hash_20_runs() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let first = {
        let mut sim = workload(17);
        sim.run().unwrap();
        (sim.trace_hash(), sim.steps(), sim.elapsed())
    };
    for _ in 0..19 {
        let mut sim = workload(17);
        sim.run().unwrap();
        assert_eq!((sim.trace_hash(), sim.steps(), sim.elapsed()), first);
    }
}

#[test]
fn different_seeds_give_different_runs() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let hashes: BTreeSet<u64> = (0..20)
        .map(|seed| {
            let mut sim = workload(seed);
            sim.run().unwrap();
            sim.trace_hash()
        })
        .collect();
    assert!(
        hashes.len() >= 19,
        "only {} distinct traces of 20",
        hashes.len()
    );
}

/// Ten tasks ready at once: the order they run in is the seed's.
fn order(seed: u64) -> Vec<usize> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut sim = Builder::new().seed(seed).build().unwrap();
    let l = log.clone();
    sim.client("test", async move {
        let handles: Vec<_> = (0..10)
            .map(|i| {
                let l = l.clone();
                runtime::spawn(async move { l.lock().unwrap().push(i) })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    sim.run().unwrap();
    let v = log.lock().unwrap().clone();
    v
}

#[test]
fn interleavings_vary_by_seed_and_repeat_for_one() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let orders: BTreeSet<Vec<usize>> = (0..20).map(order).collect();
    // Measured: 20 seeds give 20 different orders of 10 tasks (not FIFO).
    assert!(orders.len() >= 18, "{} distinct orders", orders.len());
    assert!(orders.iter().any(|o| *o != (0..10).collect::<Vec<_>>()));
    assert_eq!(order(5), order(5));
}

#[test]
fn select_branch_order_follows_the_seed() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let pick = |seed| {
        let mut sim = Builder::new().seed(seed).build().unwrap();
        let out = Arc::new(Mutex::new(Vec::new()));
        let o = out.clone();
        sim.client("test", async move {
            for _ in 0..16 {
                let k = runtime::select! {
                    _ = std::future::ready(()) => 0,
                    _ = std::future::ready(()) => 1,
                };
                o.lock().unwrap().push(k);
            }
        });
        sim.run().unwrap();
        let v = out.lock().unwrap().clone();
        v
    };
    assert_eq!(pick(1), pick(1));
    let all: BTreeSet<Vec<i32>> = (0..8).map(pick).collect();
    assert!(all.len() > 1);
}

#[test]
fn virtual_time_sleep_timeout_interval_and_spawn_blocking() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let mut sim = Builder::new().seed(3).build().unwrap();
    sim.client("test", async {
        let start = Instant::now();
        sleep(Duration::from_secs(100)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(100));
        assert!(
            timeout(Duration::from_secs(1), sleep(Duration::from_secs(2)))
                .await
                .is_err()
        );
        let mut iv = runtime::time::interval(Duration::from_secs(10));
        for _ in 0..3 {
            iv.tick().await;
        }
        assert_eq!(start.elapsed(), Duration::from_secs(121));
        let v = runtime::task::spawn_blocking(|| 6 * 7).await.unwrap();
        assert_eq!(v, 42);
    });
    let real = std::time::Instant::now();
    sim.run().unwrap();
    assert!(real.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(sim.elapsed(), Duration::from_secs(121));
}

#[test]
fn udp_faults_loss_duplication_reordering_observed() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let run = |b: Builder| {
        let mut sim = b.seed(9).build().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let g = got.clone();
        sim.host("rx", move || {
            let g = g.clone();
            io(async move {
                let s = UdpSocket::bind("0.0.0.0:5").await?;
                let mut buf = [0; 4];
                loop {
                    let n = s.recv(&mut buf).await?;
                    g.lock().unwrap().push(buf[0]);
                    let _ = n;
                }
            })
        });
        sim.client("tx", async {
            let s = UdpSocket::bind("0.0.0.0:0").await.unwrap();
            for i in 0..100u8 {
                s.send_to(&[i], "rx:5").await.unwrap();
                sleep(Duration::from_millis(1)).await;
            }
            sleep(Duration::from_secs(1)).await;
        });
        sim.run().unwrap();
        let v = got.lock().unwrap().clone();
        (v, sim.net_stats())
    };
    let (v, st) = run(Builder::new().udp_loss(0.2));
    assert!(
        st.udp_lost > 5 && v.len() == 100 - st.udp_lost as usize,
        "{st:?}"
    );
    let (v, st) = run(Builder::new().udp_duplicate(0.2));
    assert!(st.udp_duplicated > 5 && v.len() == 100 + st.udp_duplicated as usize);
    let (v, st) = run(Builder::new().udp_reorder(0.3));
    assert!(st.udp_reordered > 5);
    assert!(v.windows(2).any(|w| w[0] > w[1]), "no datagram overtaken");
    assert_eq!(v.len(), 100);
}

#[test]
fn tcp_refusal_partition_repair_and_reset() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    // Refusal: nobody listening, and the refusal rate.
    let mut sim = Builder::new().seed(1).tcp_refuse(1.0).build().unwrap();
    sim.host("srv", || async {
        TcpListener::bind("0.0.0.0:80")
            .await?
            .accept()
            .await
            .map(drop)
    });
    sim.client("c", async {
        let e = TcpStream::connect("srv:81").await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused);
        let e = TcpStream::connect("srv:80").await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused);
    });
    sim.run().unwrap();
    assert_eq!(sim.net_stats().tcp_refused, 2);

    // Partition: connect times out, an open connection stalls, then resumes
    // in order after the repair.
    let mut sim = Builder::new().seed(2).build().unwrap();
    sim.host("srv", || async {
        let l = TcpListener::bind("0.0.0.0:80").await?;
        let (mut s, _) = l.accept().await?;
        let mut all = Vec::new();
        s.read_to_end(&mut all).await?;
        assert_eq!(all, (0..50u8).collect::<Vec<_>>());
        std::io::Result::Ok(())
    });
    sim.client("c", async {
        let mut s = TcpStream::connect("srv:80").await.unwrap();
        runtime::sim::partition("srv", "c");
        for i in 0..50u8 {
            s.write_all(&[i]).await.unwrap();
        }
        sleep(Duration::from_secs(2)).await;
        let e = TcpStream::connect("srv:80").await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
        runtime::sim::repair("srv", "c");
        s.shutdown().await.unwrap();
        sleep(Duration::from_secs(2)).await;
    });
    sim.run().unwrap();
    let st = sim.net_stats();
    assert!(st.tcp_retransmits > 0 && st.tcp_timeouts == 1, "{st:?}");

    // Reset rate: the first write resets both ends.
    let mut sim = Builder::new().seed(3).tcp_reset(1.0).build().unwrap();
    sim.host("srv", || async {
        let l = TcpListener::bind("0.0.0.0:80").await?;
        let (mut s, _) = l.accept().await?;
        let mut b = [0; 1];
        let e = s.read(&mut b).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset);
        std::io::Result::Ok(())
    });
    sim.client("c", async {
        let mut s = TcpStream::connect("srv:80").await.unwrap();
        let e = s.write_all(b"x").await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset);
        sleep(Duration::from_secs(1)).await;
    });
    sim.run().unwrap();
    assert!(sim.net_stats().tcp_resets >= 1);
}

struct Alive(Arc<AtomicUsize>);
impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Tests that count descriptors run alone: the other tests of this binary
/// open reactors (descriptors) on their threads meanwhile.
static FD_COUNTING: Mutex<()> = Mutex::new(());

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

#[test]
fn crash_and_bounce_reset_peers_rerun_the_host_and_leak_nothing() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let fds_before = open_fds();
    let alive = Arc::new(AtomicUsize::new(0));
    let starts = Arc::new(AtomicUsize::new(0));
    {
        let mut sim = Builder::new().seed(4).build().unwrap();
        let (a, s) = (alive.clone(), starts.clone());
        sim.host("db", move || {
            let a = a.clone();
            s.fetch_add(1, Ordering::SeqCst);
            io(async move {
                a.fetch_add(1, Ordering::SeqCst);
                let _guard = Alive(a.clone());
                let l = TcpListener::bind("0.0.0.0:7").await?;
                loop {
                    let (mut s, _) = l.accept().await?;
                    let a = a.clone();
                    a.fetch_add(1, Ordering::SeqCst);
                    runtime::spawn(async move {
                        let _guard = Alive(a);
                        let mut b = [0; 1];
                        while s.read(&mut b).await.is_ok_and(|n| n > 0) {
                            let _ = s.write_all(&b).await;
                        }
                    });
                }
            })
        });
        sim.client("c", async {
            let mut s = TcpStream::connect("db:7").await.unwrap();
            s.write_all(b"1").await.unwrap();
            let mut b = [0; 1];
            s.read_exact(&mut b).await.unwrap();
            runtime::sim::crash("db");
            sleep(Duration::from_millis(100)).await;
            let e = s.read(&mut b).await.unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset);
            let e = TcpStream::connect("db:7").await.unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
            runtime::sim::bounce("db");
            sleep(Duration::from_millis(100)).await;
            let mut s = TcpStream::connect("db:7").await.unwrap();
            s.write_all(b"2").await.unwrap();
            s.read_exact(&mut b).await.unwrap();
            assert_eq!(&b, b"2");
        });
        sim.run().unwrap();
        assert_eq!(starts.load(Ordering::SeqCst), 2);
        // The second incarnation's main task and connection task live.
        assert_eq!(alive.load(Ordering::SeqCst), 2);
    }
    assert_eq!(
        alive.load(Ordering::SeqCst),
        0,
        "tasks of the dropped sim still alive"
    );
    assert_eq!(open_fds(), fds_before, "descriptors leaked");
}

#[test]
fn failures_report_seed_panic_deadlock_and_time_limit() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let mut sim = Builder::new().seed(77).build().unwrap();
    sim.host("bad", || async {
        sleep(Duration::from_secs(1)).await;
        if true {
            panic!("planted");
        }
    });
    sim.client("c", async { sleep(Duration::from_secs(5)).await });
    let e = sim.run().unwrap_err();
    assert_eq!(e.seed(), 77);
    assert!(
        e.to_string().contains("host \"bad\" panicked: planted"),
        "{e}"
    );
    assert!(e.to_string().contains("RUNTIME_SIM_SEED=77"));
    assert_eq!(e.at(), Duration::from_secs(1));

    let mut sim = Builder::new().seed(1).build().unwrap();
    sim.client("c", async {
        let (_tx, rx) = runtime::sync::oneshot::channel::<()>();
        let _ = rx.await;
    });
    assert!(sim.run().unwrap_err().reason().starts_with("deadlock"));

    let mut sim = Builder::new()
        .seed(1)
        .duration(Duration::from_secs(10))
        .build()
        .unwrap();
    sim.client("c", async { sleep(Duration::from_secs(11)).await });
    assert!(sim.run().unwrap_err().reason().contains("time limit"));
}

#[test]
fn check_stops_at_the_first_failing_seed() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let err = runtime::sim::check(100, |b| {
        let mut sim = b.build().unwrap();
        let seed = sim.seed();
        sim.client("c", async move {
            assert!(seed != 13, "seed 13 fails");
        });
        sim
    })
    .unwrap_err();
    assert_eq!(err.seed(), 13);
}

#[test]
fn trace_file_is_byte_identical_for_one_seed() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir();
    let read = |n: &str| {
        let path = dir.join(format!("runtime-sim-test-{}-{n}.trace", std::process::id()));
        let mut sim = workload_traced(21, &path);
        sim.run().unwrap();
        drop(sim);
        let text = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        text
    };
    let (a, b) = (read("a"), read("b"));
    assert!(a.len() > 1000);
    assert_eq!(a, b);
}

fn workload_traced(seed: u64, path: &std::path::Path) -> Sim {
    let mut sim = Builder::new()
        .seed(seed)
        .trace_file(path)
        .latency(Duration::from_millis(1), Duration::from_millis(30))
        .build()
        .unwrap();
    sim.host("udp", || {
        io(async {
            let socket = UdpSocket::bind("0.0.0.0:2000").await?;
            let mut buf = [0; 64];
            loop {
                let (n, from) = socket.recv_from(&mut buf).await?;
                socket.send_to(&buf[..n], from).await?;
            }
        })
    });
    sim.client("client", async {
        let socket = UdpSocket::bind("0.0.0.0:0").await.unwrap();
        for i in 0..50u8 {
            socket.send_to(&[i], "udp:2000").await.unwrap();
        }
        let mut buf = [0; 8];
        for _ in 0..50 {
            socket.recv(&mut buf).await.unwrap();
        }
    });
    sim
}

#[test]
fn joinset_channels_and_spawn_local_run_inside_the_simulation() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let mut sim = Builder::new().seed(8).build().unwrap();
    sim.client("c", async {
        let (tx, mut rx) = runtime::sync::mpsc::channel(4);
        let mut set = runtime::task::JoinSet::new();
        for i in 0..5u64 {
            let tx = tx.clone();
            set.spawn(async move {
                sleep(Duration::from_millis(10 * i)).await;
                tx.send(i).await.unwrap();
                i
            });
        }
        drop(tx);
        let mut got = Vec::new();
        while let Some(v) = rx.recv().await {
            got.push(v);
        }
        // Sleeps of different lengths finish in deadline order.
        assert_eq!(got, [0, 1, 2, 3, 4]);
        let mut sum = 0;
        while let Some(r) = set.join_next().await {
            sum += r.unwrap();
        }
        assert_eq!(sum, 10);
        let shared = std::rc::Rc::new(std::cell::Cell::new(1));
        let s = shared.clone();
        runtime::task::spawn_local(async move { s.set(2) })
            .await
            .unwrap();
        assert_eq!(shared.get(), 2);
        assert_eq!(Instant::now().elapsed(), Duration::ZERO);
    });
    sim.run().unwrap();
    assert_eq!(sim.elapsed(), Duration::from_millis(40));
}

/// A simulation run from inside a runtime (here `#[runtime::test]`) is
/// still on its own: `yield_now` and `spawn` go to the simulation.
#[runtime::test]
async fn a_sim_runs_inside_a_runtime_test() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let mut sim = Builder::new().seed(2).build().unwrap();
    sim.client("c", async {
        let h = runtime::spawn(async {
            runtime::task::yield_now().await;
            5
        });
        runtime::task::yield_now().await;
        assert_eq!(h.await.unwrap(), 5);
    });
    sim.run().unwrap();
}

#[test]
fn split_halves_work_on_simulated_streams() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let mut sim = Builder::new().seed(6).build().unwrap();
    sim.host("echo", || async {
        let l = TcpListener::bind("0.0.0.0:7").await.unwrap();
        while let Ok((s, _)) = l.accept().await {
            runtime::spawn(async move {
                let (mut rd, mut wr) = s.into_split();
                runtime::io::copy(&mut rd, &mut wr).await.unwrap();
            });
        }
    });
    sim.client("c", async {
        let mut s = TcpStream::connect("echo:7").await.unwrap();
        let (mut rd, mut wr) = s.split();
        wr.write_all(b"through halves").await.unwrap();
        wr.shutdown().await.unwrap();
        let mut got = String::new();
        rd.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "through halves");
    });
    sim.run().unwrap();
}

#[test]
fn chaos_mode_injects_partitions_and_udp_faults_from_the_seed() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let run = || {
        let mut sim = Builder::new().seed(12).chaos(0.5).build().unwrap();
        for name in ["a", "b", "c"] {
            sim.host(name, || async {
                let s = UdpSocket::bind("0.0.0.0:1").await.unwrap();
                let mut buf = [0; 8];
                while s.recv(&mut buf).await.is_ok() {}
            });
        }
        sim.client("c0", async {
            let s = UdpSocket::bind("0.0.0.0:0").await.unwrap();
            for i in 0..3000u32 {
                let to = ["a:1", "b:1", "c:1"][i as usize % 3];
                s.send_to(b"x", to).await.unwrap();
                sleep(Duration::from_millis(10)).await;
            }
        });
        sim.run().unwrap();
        (sim.net_stats(), sim.trace_hash())
    };
    let (st, hash) = run();
    assert!(st.chaos_events > 5, "{st:?}");
    assert!(st.udp_partitioned > 0 && st.udp_lost > 0, "{st:?}");
    assert!(st.udp_duplicated > 0 && st.udp_reordered > 0, "{st:?}");
    assert_eq!(run(), (st, hash));
}

#[test]
fn deadlock_after_network_traffic_is_reported_as_a_deadlock() {
    let _alone = FD_COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let mut sim = Builder::new().seed(1).build().unwrap();
    sim.host("rx", || async {
        let s = UdpSocket::bind("0.0.0.0:3").await.unwrap();
        let mut b = [0; 4];
        s.recv(&mut b).await.unwrap();
    });
    sim.client("c", async {
        let s = UdpSocket::bind("0.0.0.0:0").await.unwrap();
        s.send_to(b"one", "rx:3").await.unwrap();
        let mut b = [0; 4];
        s.recv(&mut b).await.unwrap(); // nobody answers
    });
    let err = sim.run().unwrap_err();
    assert!(err.reason().starts_with("deadlock"), "{err}");
    assert!(err.at() < Duration::from_secs(1), "{err}");
}
