//! Tail latency under an open-loop load: this runtime versus Tokio.
//!
//! Throughput benches (`net.rs`) run closed loops: a client sends its next
//! request only after the reply, so a slow server also slows the offered
//! load and queueing never shows. Here the load does not wait: requests go
//! out on a fixed schedule, and each one's latency is measured from the time
//! it was *scheduled* to leave (so a late sender does not hide a stall,
//! "coordinated omission") to the time its reply arrives.
//!
//! Setup, the same for both runtimes except the server's runtime:
//!
//! * **Server**: a multi-thread runtime with 2 workers and its drivers; an
//!   accept loop, and per connection a task that reads 16-byte requests with
//!   `read_exact` and writes each back with `write_all`.
//! * **CPU-heavy task** (the `+hog` rows): one more task on the server that
//!   burns about 10 µs of CPU between calls to `task::consume_budget()` and
//!   never awaits anything else, so it gives its worker up only when the
//!   cooperative budget runs out. A runtime that let it starve the I/O tasks
//!   queued behind it shows a large `max`.
//! * **Client**: 64 loopback connections (`TCP_NODELAY`). One thread sends:
//!   request `k` is due at `k / rate` seconds, on connection `k % 64`; the
//!   thread sleeps while it is ahead and sends everything due at once when it
//!   wakes. The replies are read by 64 tasks on a Tokio current-thread
//!   runtime on a second thread (the same client code for both servers). A
//!   request carries its due time, so the reader needs no shared table.
//! * **Rates**: first each runtime's maximum is measured closed-loop (64
//!   connections, one request in flight each, [`MAX_SECS`]); the open-loop
//!   rates are 50% and 90% of the lower of the two maxima, so both servers
//!   face the same offered load.
//!
//! Each (rate, hog) case runs [`ROUNDS_ENV`] rounds (default 3) of
//! [`SECS_ENV`] seconds (default 2) per runtime, alternating which runtime
//! goes first; every latency is kept (a sorted `Vec`, so the percentiles are
//! exact, no histogram buckets), and the table gives, per runtime, the
//! median over the rounds of p50, p99, p99.9 and max, plus the ratio of the
//! p99s and, in the `+hog` rows, how much of one CPU the CPU-heavy task got
//! (`hog CPU`): with the cores shared by the client, the hog and the I/O
//! tasks, what the hog takes the I/O tasks lose, and at 90% load that
//! decides whether the server keeps up. [`CASES_ENV`] runs only some cases.
//!
//! Why not criterion: criterion times iterations of a closed-loop routine
//! and reports their mean/median; it has no open-loop driver and no
//! percentiles of per-request latencies. This is a `harness = false` bench
//! with its own `main`: `cargo bench -p benches --bench latency`.
//!
//! On a 2-core machine the client's two threads share the cores with the
//! server's two workers, as they would on any small box; the figures are
//! comparative (same client, same machine, alternated), not absolute.

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;

/// Client connections.
const CONNS: usize = 64;
/// Bytes per request and per reply: the due time (ns since the run's
/// start, little-endian) and the request's index.
const MSG: usize = 16;
/// Length of the closed-loop maximum measurement, per runtime.
const MAX_SECS: f64 = 1.0;
/// Open-loop rates, as fractions of the measured maximum.
const LOADS: [f64; 2] = [0.5, 0.9];
/// Overrides the seconds each open-loop run lasts (default 2).
const SECS_ENV: &str = "LATENCY_SECS";
/// Overrides the rounds per case (default 3).
const ROUNDS_ENV: &str = "LATENCY_ROUNDS";
/// Runs only these cases (comma-separated, of `plain50`, `plain90`,
/// `hog50`, `hog90`); all by default.
const CASES_ENV: &str = "LATENCY_CASES";
/// How long the reader waits for the last replies after the last request
/// was due before it counts the rest as lost.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);
/// The sender sleeps only when it is at least this far ahead of schedule.
const SLEEP_MIN: Duration = Duration::from_micros(50);

/// A running echo server: its runtime, its address, and the flag that
/// stops its CPU-heavy task.
trait Server {
    fn addr(&self) -> SocketAddr;
    /// Rounds of `burn` the CPU-heavy task has done so far (0 without it).
    fn hog_rounds(&self) -> u64;
}

/// Generates the server for a Tokio-shaped runtime crate `$rt` whose
/// `Builder` lives in `$($rt_mod)::+`; both servers expand from this body.
macro_rules! server {
    ($module:ident, $rt:ident, $($rt_mod:ident)::+) => {
        #[doc = concat!("The echo server on `", stringify!($rt), "`.")]
        mod $module {
            use std::hint::black_box;
            use std::net::SocketAddr;
            use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
            use std::sync::Arc;

            use $rt::io::{AsyncReadExt, AsyncWriteExt};
            use $rt::net::TcpListener;
            use $($rt_mod)::+::{Builder, Runtime};

            use super::{burn, MSG};

            /// The server; dropping it stops the hog and shuts the runtime down.
            pub struct Server {
                rt: Option<Runtime>,
                addr: SocketAddr,
                stop: Arc<AtomicBool>,
                hog_rounds: Arc<AtomicU64>,
            }

            /// Starts the server, with the CPU-heavy task if `hog`.
            pub fn start(hog: bool) -> Server {
                let rt = Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap();
                let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
                let addr = listener.local_addr().unwrap();
                rt.spawn(async move {
                    while let Ok((mut stream, _)) = listener.accept().await {
                        stream.set_nodelay(true).unwrap();
                        $rt::spawn(async move {
                            let mut buf = [0_u8; MSG];
                            while stream.read_exact(&mut buf).await.is_ok() {
                                if stream.write_all(&buf).await.is_err() {
                                    break;
                                }
                            }
                        });
                    }
                });
                let stop = Arc::new(AtomicBool::new(false));
                let hog_rounds = Arc::new(AtomicU64::new(0));
                if hog {
                    let stop = stop.clone();
                    let rounds = hog_rounds.clone();
                    rt.spawn(async move {
                        while !stop.load(Ordering::Relaxed) {
                            black_box(burn());
                            rounds.fetch_add(1, Ordering::Relaxed);
                            $rt::task::consume_budget().await;
                        }
                    });
                }
                Server {
                    rt: Some(rt),
                    addr,
                    stop,
                    hog_rounds,
                }
            }

            impl super::Server for Server {
                fn addr(&self) -> SocketAddr {
                    self.addr
                }

                fn hog_rounds(&self) -> u64 {
                    self.hog_rounds.load(Ordering::Relaxed)
                }
            }

            impl Drop for Server {
                fn drop(&mut self) {
                    self.stop.store(true, Ordering::Relaxed);
                    drop(self.rt.take());
                }
            }
        }
    };
}

server!(on_runtime, runtime, runtime);
server!(on_tokio, tokio, tokio::runtime);

/// What one `burn` costs on this machine, in nanoseconds, timed once on an
/// otherwise idle thread (the fastest of 20 batches): turns the hog's round
/// count into its share of a CPU.
fn burn_ns() -> f64 {
    static NS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *NS.get_or_init(|| {
        (0..20)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..100 {
                    std::hint::black_box(burn());
                }
                t.elapsed().as_nanos() as f64 / 100.0
            })
            .fold(f64::INFINITY, f64::min)
    })
}

/// About 10 µs of arithmetic that the optimizer cannot remove.
fn burn() -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    for i in 0..4_000_u64 {
        x = std::hint::black_box(x.rotate_left(7) ^ i).wrapping_mul(0x2545_F491_4F6C_DD1D);
    }
    x
}

/// The two servers, by name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Which {
    Runtime,
    Tokio,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Runtime => "runtime",
            Which::Tokio => "tokio",
        }
    }

    fn start(self, hog: bool) -> Box<dyn Server> {
        match self {
            Which::Runtime => Box::new(on_runtime::start(hog)),
            Which::Tokio => Box::new(on_tokio::start(hog)),
        }
    }
}

/// The client's runtime: current-thread Tokio (the same for both servers).
fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `CONNS` connections to `addr`.
fn connect(addr: SocketAddr) -> Vec<TcpStream> {
    (0..CONNS)
        .map(|_| {
            let s = TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            s
        })
        .collect()
}

/// Closed-loop round trips per second: each connection keeps one request
/// in flight for `MAX_SECS`.
fn max_rate(which: Which) -> f64 {
    let server = which.start(false);
    let conns = connect(server.addr());
    let rt = client_runtime();
    let total: u64 = rt.block_on(async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(MAX_SECS);
        let tasks: Vec<_> = conns
            .into_iter()
            .map(|s| {
                s.set_nonblocking(true).unwrap();
                let mut s = tokio::net::TcpStream::from_std(s).unwrap();
                tokio::spawn(async move {
                    use tokio::io::AsyncWriteExt;
                    let mut buf = [7_u8; MSG];
                    let mut n = 0_u64;
                    while tokio::time::Instant::now() < deadline {
                        s.write_all(&buf).await.unwrap();
                        s.read_exact(&mut buf).await.unwrap();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap();
        }
        total
    });
    drop(rt);
    drop(server);
    total as f64 / MAX_SECS
}

/// Latencies of one open-loop run, sorted, in nanoseconds; and how many
/// requests got no reply within `DRAIN_LIMIT`.
struct Run {
    sorted_ns: Vec<u64>,
    lost: usize,
    /// The CPU-heavy task's share of one CPU during the run ([`burn_ns`]
    /// per round).
    hog_cpu: f64,
}

impl Run {
    /// The `q`-quantile (0..=1) in microseconds.
    fn quantile_us(&self, q: f64) -> f64 {
        if self.sorted_ns.is_empty() {
            return f64::NAN;
        }
        let rank =
            ((q * self.sorted_ns.len() as f64).ceil() as usize).clamp(1, self.sorted_ns.len());
        self.sorted_ns[rank - 1] as f64 / 1e3
    }
}

/// One open-loop run of `secs` at `rate` requests per second.
fn open_loop(which: Which, hog: bool, rate: f64, secs: f64) -> Run {
    let server = which.start(hog);
    let conns = connect(server.addr());
    let total = (rate * secs) as usize;
    let period_ns = 1e9 / rate;
    // Requests per connection: connection c gets every request k with
    // k % CONNS == c.
    let expected: Vec<usize> = (0..CONNS)
        .map(|c| total / CONNS + usize::from(c < total % CONNS))
        .collect();

    let mut writers = Vec::with_capacity(CONNS);
    let mut readers = Vec::with_capacity(CONNS);
    for s in conns {
        writers.push(s.try_clone().unwrap());
        readers.push(s);
    }
    let start = Arc::new(Instant::now());
    let hog_before = server.hog_rounds();

    // The reader: one task per connection records now - due for each reply.
    let reader_start = start.clone();
    let reader = thread::spawn(move || {
        let rt = client_runtime();
        rt.block_on(async move {
            let tasks: Vec<_> = readers
                .into_iter()
                .zip(expected)
                .map(|(s, want)| {
                    s.set_nonblocking(true).unwrap();
                    let mut s = tokio::net::TcpStream::from_std(s).unwrap();
                    let start = reader_start.clone();
                    tokio::spawn(async move {
                        let mut lat = Vec::with_capacity(want);
                        let mut buf = [0_u8; MSG];
                        let last_due = Duration::from_secs_f64(secs) + DRAIN_LIMIT;
                        while lat.len() < want {
                            let left = last_due.saturating_sub(start.elapsed());
                            match tokio::time::timeout(left, s.read_exact(&mut buf)).await {
                                Ok(Ok(_)) => {}
                                _ => break,
                            }
                            let due = u64::from_le_bytes(buf[..8].try_into().unwrap());
                            let now = start.elapsed().as_nanos() as u64;
                            lat.push(now.saturating_sub(due));
                        }
                        (lat, want)
                    })
                })
                .collect();
            let (mut all, mut lost) = (Vec::new(), 0);
            for t in tasks {
                let (lat, want) = t.await.unwrap();
                lost += want - lat.len();
                all.extend(lat);
            }
            (all, lost)
        })
    });

    // The sender, on this thread.
    for k in 0..total {
        let due = Duration::from_nanos((k as f64 * period_ns) as u64);
        let now = start.elapsed();
        if due > now + SLEEP_MIN {
            thread::sleep(due - now);
        }
        let mut msg = [0_u8; MSG];
        msg[..8].copy_from_slice(&(due.as_nanos() as u64).to_le_bytes());
        msg[8..].copy_from_slice(&(k as u64).to_le_bytes());
        write_all_nonblocking(&mut writers[k % CONNS], &msg);
    }

    let (mut sorted_ns, lost) = reader.join().unwrap();
    let hog_cpu =
        (server.hog_rounds() - hog_before) as f64 * burn_ns() / start.elapsed().as_nanos() as f64;
    drop(writers);
    drop(server);
    sorted_ns.sort_unstable();
    Run {
        sorted_ns,
        lost,
        hog_cpu,
    }
}

/// `write_all` on a socket that the reader's runtime made non-blocking
/// (the clones share the flag): retries after a short sleep on
/// `WouldBlock` (a full send buffer: the server is far behind).
fn write_all_nonblocking(s: &mut TcpStream, mut buf: &[u8]) {
    while !buf.is_empty() {
        match s.write(buf) {
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_micros(20)),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!("client write failed: {e}"),
        }
    }
}

/// The median of `values` (at least one).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A positive number from environment variable `name`, or `default`.
fn env_or(name: &str, default: f64) -> f64 {
    match std::env::var(name) {
        Err(_) => default,
        Ok(v) => match v.parse::<f64>() {
            Ok(x) if x > 0.0 => x,
            _ => panic!("{name}={v:?}: expected a positive number"),
        },
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this in
    // test mode, where a short smoke run is enough.
    let test_mode = std::env::args().any(|a| a == "--test" || a == "--list");
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let secs = if test_mode {
        0.2
    } else {
        env_or(SECS_ENV, 2.0)
    };
    let rounds = if test_mode {
        1
    } else {
        env_or(ROUNDS_ENV, 3.0) as usize
    };

    let max = [Which::Runtime, Which::Tokio].map(max_rate);
    let base = max[0].min(max[1]);
    println!(
        "latency: closed-loop maximum (64 conns): runtime {:.0}/s, tokio {:.0}/s; open-loop rates from {base:.0}/s; {rounds} round(s) of {secs} s",
        max[0], max[1]
    );
    println!(
        "{:<8} {:>6} {:>9} {:<8} {:>10} {:>10} {:>10} {:>10} {:>5} {:>9} {:>8}",
        "case",
        "load",
        "rate/s",
        "server",
        "p50 µs",
        "p99 µs",
        "p99.9 µs",
        "max µs",
        "lost",
        "p99 ratio",
        "hog CPU"
    );
    let cases = std::env::var(CASES_ENV).ok();
    for hog in [false, true] {
        for load in LOADS {
            let name = format!("{}{:.0}", if hog { "hog" } else { "plain" }, load * 100.0);
            if cases
                .as_ref()
                .is_some_and(|c| !c.split(',').any(|c| c == name))
            {
                continue;
            }
            let rate = base * load;
            // stats[which][stat][round]; stat 4 is the hog's CPU share.
            let mut stats = [[(); 5].map(|_| Vec::new()), [(); 5].map(|_| Vec::new())];
            let mut lost = [0_usize; 2];
            for round in 0..rounds {
                let order = if round % 2 == 0 {
                    [Which::Runtime, Which::Tokio]
                } else {
                    [Which::Tokio, Which::Runtime]
                };
                for which in order {
                    let run = open_loop(which, hog, rate, secs);
                    let i = which as usize;
                    lost[i] += run.lost;
                    for (s, q) in [0.5, 0.99, 0.999, 1.0].into_iter().enumerate() {
                        stats[i][s].push(run.quantile_us(q));
                    }
                    stats[i][4].push(run.hog_cpu);
                }
            }
            let med = stats.map(|per| per.map(median));
            for which in [Which::Runtime, Which::Tokio] {
                let m = med[which as usize];
                let ratio = if which == Which::Runtime {
                    format!("{:.2}", m[1] / med[Which::Tokio as usize][1])
                } else {
                    String::new()
                };
                println!(
                    "{:<8} {:>5.0}% {:>9.0} {:<8} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>5} {:>9} {:>7.0}%",
                    if hog { "+hog" } else { "plain" },
                    load * 100.0,
                    rate,
                    which.name(),
                    m[0],
                    m[1],
                    m[2],
                    m[3],
                    lost[which as usize],
                    ratio,
                    m[4] * 100.0
                );
            }
        }
    }
}
