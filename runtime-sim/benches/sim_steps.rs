//! Simulation throughput: scheduling steps per real second on a 5-host UDP
//! echo workload with latency and loss, and the real time of a 3-host run of
//! 100 simulated seconds. A plain timing harness (no criterion): run with
//! `cargo bench -p runtime-sim --bench sim_steps`.

use runtime::net::UdpSocket;
use runtime::sim::{Builder, Sim};
use runtime::time::{sleep, Duration};
use std::time::Instant;

fn servers(seed: u64, servers: usize) -> Sim {
    let mut sim = Builder::new()
        .seed(seed)
        .latency(Duration::from_millis(1), Duration::from_millis(10))
        .udp_loss(0.01)
        .duration(Duration::from_secs(3600))
        .build()
        .unwrap();
    for i in 0..servers {
        sim.host(&format!("s{i}"), || async {
            let socket = UdpSocket::bind("0.0.0.0:9").await.unwrap();
            let mut buf = [0; 64];
            while let Ok((n, from)) = socket.recv_from(&mut buf).await {
                socket.send_to(&buf[..n], from).await.unwrap();
            }
        });
    }
    sim
}

fn echo_world(seed: u64, n: usize, rounds: u32, gap: Duration) -> Sim {
    let servers_n = n;
    let mut sim = servers(seed, n);
    sim.client("client", async move {
        let servers = servers_n;
        let socket = UdpSocket::bind("0.0.0.0:0").await.unwrap();
        let mut buf = [0; 64];
        for _ in 0..rounds {
            for i in 0..servers {
                socket.send_to(b"ping", format!("s{i}:9")).await.unwrap();
            }
            // Replies (some lost): take what arrives within the gap.
            let _ = runtime::time::timeout(gap, async {
                loop {
                    socket.recv_from(&mut buf).await.unwrap();
                }
            })
            .await;
            for _ in 0..4 {
                runtime::task::yield_now().await;
            }
            sleep(Duration::from_millis(1)).await;
        }
    });
    sim
}

fn main() {
    // Steps per second, best of 3.
    let mut best = 0.0f64;
    for seed in 0..3 {
        let mut sim = echo_world(seed, 4, 20_000, Duration::from_millis(12));
        let start = Instant::now();
        sim.run().unwrap();
        let secs = start.elapsed().as_secs_f64();
        let rate = sim.steps() as f64 / secs;
        println!(
            "5-host UDP echo, seed {seed}: {} steps, {:?} simulated, {:.3} s real: {:.0} steps/s",
            sim.steps(),
            sim.elapsed(),
            secs,
            rate
        );
        best = best.max(rate);
    }
    println!("sim_steps_per_second (best of 3): {best:.0}");

    // 3 hosts, 100 simulated seconds.
    let mut sim3 = hundred_seconds();
    let start = Instant::now();
    sim3.run().unwrap();
    println!(
        "3 hosts, {:?} simulated: {:.3} s real, {} steps",
        sim3.elapsed(),
        start.elapsed().as_secs_f64(),
        sim3.steps()
    );
}

/// Two servers and a client pinging them every 10 ms for 100 simulated s.
fn hundred_seconds() -> Sim {
    let mut sim = servers(7, 2);
    sim.client("pinger", async {
        let socket = UdpSocket::bind("0.0.0.0:0").await.unwrap();
        let mut tick = runtime::time::interval(Duration::from_millis(10));
        for _ in 0..10_000 {
            tick.tick().await;
            socket.send_to(b"ping", "s0:9").await.unwrap();
            socket.send_to(b"ping", "s1:9").await.unwrap();
        }
    });
    sim
}
