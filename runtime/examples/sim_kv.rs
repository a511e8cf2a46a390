//! A small replicated key-value store, run in production and in simulation.
//!
//! Two nodes, a primary and a backup, talk UDP. The primary applies a
//! client's `PUT`, replicates it to the backup and answers `OK` once the
//! backup acknowledged it; it sends heartbeats every 50 ms. A backup that
//! hears nothing for 300 ms promotes itself with a higher term; a node that
//! hears of a higher term steps down. The guarantee: an acknowledged write
//! is never lost, whatever the partitions.
//!
//! The planted bug (`--bug`): the primary answers `OK` before the backup
//! acknowledged. The simulation finds it when a partition between the nodes
//! outlasts the failover timeout while the client writes.
//!
//! ```text
//! cargo run --example sim_kv --features sim -- prod          # real sockets on 127.0.0.1
//! cargo run --example sim_kv --features sim                  # 1,000 seeds, bug off: all pass
//! cargo run --example sim_kv --features sim -- --bug         # finds a failing seed
//! RUNTIME_SIM_SEED=N cargo run --example sim_kv --features sim -- --bug   # replays seed N
//! ```

use runtime::net::UdpSocket;
use runtime::sim::{Builder, SimError};
use runtime::time::{interval, sleep, timeout, Duration, Instant};
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Turns the planted bug on.
static BUG: AtomicBool = AtomicBool::new(false);

const HEARTBEAT: Duration = Duration::from_millis(50);
const FAILOVER: Duration = Duration::from_millis(300);
const WRITES: u32 = 20;

#[derive(PartialEq)]
enum Role {
    Primary,
    Backup,
}

/// One node: serves on `me`, replicates to `peer`.
pub async fn node(me: String, peer: String, primary: bool) -> io::Result<()> {
    let socket = UdpSocket::bind(&me).await?;
    let peer: SocketAddr = runtime::net::lookup_host(&peer)
        .await?
        .next()
        .ok_or_else(|| io::Error::other("peer does not resolve"))?;
    let mut term = 1u64;
    let mut role = if primary { Role::Primary } else { Role::Backup };
    let mut data = BTreeMap::<String, String>::new();
    let mut pending = BTreeMap::<String, SocketAddr>::new();
    let mut last_heard = Instant::now();
    let mut tick = interval(HEARTBEAT);
    let mut buf = [0u8; 1024];
    loop {
        runtime::select! {
            _ = tick.tick() => {
                if role == Role::Primary {
                    socket.send_to(format!("HB {term}").as_bytes(), peer).await?;
                } else if last_heard.elapsed() > FAILOVER {
                    term += 1;
                    role = Role::Primary;
                    pending.clear();
                    note(&me, &format!("promoted, term {term}"));
                }
            }
            got = socket.recv_from(&mut buf) => {
                let (n, from) = got?;
                let msg = String::from_utf8_lossy(&buf[..n]).to_string();
                let words: Vec<&str> = msg.split(' ').collect();
                let their_term = || words.get(1).and_then(|t| t.parse::<u64>().ok()).unwrap_or(0);
                match words[0] {
                    "PUT" if role == Role::Primary => {
                        let (id, key, value) = (words[1], words[2], words[3]);
                        data.insert(key.to_string(), value.to_string());
                        socket.send_to(format!("REP {term} {id} {key} {value}").as_bytes(), peer).await?;
                        if BUG.load(Ordering::Relaxed) {
                            socket.send_to(format!("OK {id}").as_bytes(), from).await?;
                        } else {
                            pending.insert(id.to_string(), from);
                        }
                    }
                    "PUT" => {
                        socket.send_to(format!("NOTPRIMARY {}", words[1]).as_bytes(), from).await?;
                    }
                    "REP" | "HB" if their_term() < term => {
                        socket.send_to(format!("NACK {term}").as_bytes(), from).await?;
                    }
                    "REP" | "HB" => {
                        if their_term() > term || role == Role::Primary {
                            note(&me, &format!("follows term {}", their_term()));
                        }
                        term = their_term();
                        role = Role::Backup;
                        last_heard = Instant::now();
                        if words[0] == "REP" {
                            data.insert(words[3].to_string(), words[4].to_string());
                            socket.send_to(format!("ACK {term} {}", words[2]).as_bytes(), from).await?;
                        }
                    }
                    "ACK" if their_term() == term && role == Role::Primary => {
                        if let Some(client) = pending.remove(words[2]) {
                            socket.send_to(format!("OK {}", words[2]).as_bytes(), client).await?;
                        }
                    }
                    "NACK" if their_term() > term => {
                        term = their_term();
                        role = Role::Backup;
                        last_heard = Instant::now();
                        note(&me, &format!("steps down, term {term}"));
                    }
                    "GET" => {
                        let primary = u8::from(role == Role::Primary);
                        let kv: Vec<String> = data.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        let reply = format!("STATE {term} {primary} {}", kv.join(","));
                        socket.send_to(reply.as_bytes(), from).await?;
                    }
                    _ => {}
                }
            }
        }
    }
}

fn note(who: &str, what: &str) {
    runtime::sim::note(&format!("{who}: {what}"));
}

/// Writes `WRITES` keys (retrying against either node until acknowledged),
/// while `disturb` runs; then reads the state of the primary with the
/// highest term and checks every acknowledged write is there.
pub async fn client(
    nodes: [String; 2],
    disturb: impl std::future::Future<Output = ()>,
) -> BTreeMap<String, String> {
    let socket = UdpSocket::bind(if runtime::sim::in_sim() {
        "0.0.0.0:0"
    } else {
        "127.0.0.1:0"
    })
    .await
    .unwrap();
    let mut acked = BTreeMap::new();
    let mut target = 0;
    let mut buf = [0u8; 2048];
    let writes = async {
        for i in 0..WRITES {
            let (key, value) = (format!("k{i}"), format!("v{i}"));
            loop {
                let put = format!("PUT {i} {key} {value}");
                socket
                    .send_to(put.as_bytes(), &nodes[target])
                    .await
                    .unwrap();
                match timeout(Duration::from_millis(200), socket.recv(&mut buf)).await {
                    Ok(Ok(n)) if buf[..n] == *format!("OK {i}").as_bytes() => break,
                    _ => target = 1 - target,
                }
            }
            acked.insert(key, value);
            sleep(Duration::from_millis(30)).await;
        }
    };
    runtime::join!(writes, disturb);
    sleep(Duration::from_secs(1)).await;
    // The state of the node that is primary with the highest term.
    let mut best: Option<(u64, BTreeMap<String, String>)> = None;
    for node in &nodes {
        socket.send_to(b"GET", node).await.unwrap();
        if let Ok(Ok(n)) = timeout(Duration::from_millis(200), socket.recv(&mut buf)).await {
            let reply = String::from_utf8_lossy(&buf[..n]).to_string();
            let words: Vec<&str> = reply.splitn(4, ' ').collect();
            let (term, primary): (u64, bool) = (words[1].parse().unwrap(), words[2] == "1");
            let state = words
                .get(3)
                .unwrap_or(&"")
                .split(',')
                .filter(|s| !s.is_empty());
            let state = state
                .map(|kv| kv.split_once('=').unwrap())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if primary && best.as_ref().map_or(true, |b| term > b.0) {
                best = Some((term, state));
            }
        }
    }
    let (term, state) = best.expect("no primary answered");
    runtime::sim::note(&format!("final: primary term {term}, {} keys", state.len()));
    for (k, v) in &acked {
        assert_eq!(state.get(k), Some(v), "acknowledged write {k}={v} lost");
    }
    state
}

/// One simulated run: a partition between the nodes at a time and for a
/// duration drawn from the seed. Returns what happened (the trace's notes
/// and the final state) and the verdict.
pub fn simulate(seed: u64) -> (String, Result<(), SimError>) {
    let mut sim = Builder::new()
        .seed(seed)
        .latency(Duration::from_millis(1), Duration::from_millis(20))
        .keep_trace(true)
        .build()
        .unwrap();
    sim.host("n1", || node("n1:7000".into(), "n2:7000".into(), true));
    sim.host("n2", || node("n2:7000".into(), "n1:7000".into(), false));
    let state = Arc::new(Mutex::new(BTreeMap::new()));
    let out = state.clone();
    sim.client("client", async move {
        let disturb = async {
            let at = runtime::sim::random_u64() % 600;
            let hold = 100 + runtime::sim::random_u64() % 900;
            sleep(Duration::from_millis(at)).await;
            runtime::sim::note(&format!("partition n1 | n2 for {hold} ms"));
            runtime::sim::partition("n1", "n2");
            sleep(Duration::from_millis(hold)).await;
            runtime::sim::repair("n1", "n2");
            runtime::sim::note("repaired");
        };
        let s = client(["n1:7000".into(), "n2:7000".into()], disturb).await;
        *out.lock().unwrap() = s;
    });
    let result = sim.run();
    let notes: Vec<String> = sim
        .take_trace()
        .lines()
        .filter(|l| l.contains(" note "))
        .map(String::from)
        .collect();
    let state = state.lock().unwrap().clone();
    (
        format!("{}\nfinal state: {state:?}\n", notes.join("\n")),
        result,
    )
}

/// Sets the planted bug.
pub fn set_bug(on: bool) {
    BUG.store(on, Ordering::Relaxed);
}

/// Runs seeds `0..seeds` (or `RUNTIME_SIM_SEED` alone); the first failure.
pub fn search(seeds: u64) -> Result<u64, SimError> {
    let seeds: Vec<u64> = match std::env::var(runtime::sim::SEED_ENV) {
        Ok(s) => vec![s.parse().expect("RUNTIME_SIM_SEED must be a number")],
        Err(_) => (0..seeds).collect(),
    };
    let n = seeds.len() as u64;
    for seed in seeds {
        simulate(seed).1?;
    }
    Ok(n)
}

#[allow(dead_code)] // the tests include this file without calling `main`
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    set_bug(args.iter().any(|a| a == "--bug"));
    if args.iter().any(|a| a == "prod") {
        // Production: the same node and client code on real sockets.
        let rt = runtime::Runtime::new().unwrap();
        let state = rt.block_on(async {
            let (a, b) = ("127.0.0.1:47001".to_string(), "127.0.0.1:47002".to_string());
            runtime::spawn(node(a.clone(), b.clone(), true));
            runtime::spawn(node(b.clone(), a.clone(), false));
            sleep(Duration::from_millis(100)).await;
            client([a, b], async {}).await
        });
        println!("production run: {} keys replicated: {state:?}", state.len());
        return;
    }
    if let Ok(seed) = std::env::var(runtime::sim::SEED_ENV) {
        let seed: u64 = seed.parse().expect("RUNTIME_SIM_SEED must be a number");
        let (text, verdict) = simulate(seed);
        match verdict {
            Ok(()) => println!("seed {seed}\n{text}verdict: PASS"),
            Err(e) => println!("seed {seed}\n{text}verdict: FAIL: {e}"),
        }
        return;
    }
    let seeds = if BUG.load(Ordering::Relaxed) {
        500
    } else {
        1000
    };
    match search(seeds) {
        Ok(n) => println!("{n} seeds passed"),
        Err(e) => println!("FAIL: {e}"),
    }
}
