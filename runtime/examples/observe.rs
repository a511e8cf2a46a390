//! Observability tour: a small line-based server with one deliberately
//! blocking handler, driven by a scripted client.
//!
//! `cargo run --release --example observe` finishes by itself in about a
//! second: it prints the long-poll warning (which names the blocking
//! handler's spawn line, `observe.rs:LINE`) while the handler is still
//! stuck, then a task dump of what is still alive, then the metrics.
//! `cargo run --release --example observe -- --serve [ADDR]` keeps the
//! server running and serves the metrics in Prometheus text format over
//! HTTP on ADDR (default 127.0.0.1:9898): `curl http://127.0.0.1:9898/`.

use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream};
use runtime::runtime::{LongPoll, RuntimeMetrics};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the scripted demo saw, for `main` to print and the tests to check.
pub struct Demo {
    /// The long-poll reports, each with whether the slow handler was still
    /// blocked when it arrived.
    pub long_polls: Vec<(LongPoll, bool)>,
    /// The task dump taken at the end, as printed.
    pub dump: String,
    /// The metrics, in Prometheus text format.
    pub metrics: String,
    /// The line the slow handler is spawned on.
    pub slow_line: u32,
}

static SLOW_LINE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
static BLOCKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The handler with the bug: a blocking sleep inside async code. The
/// detector reports it while it still holds its worker.
async fn slow_handler() -> String {
    BLOCKED.store(true, std::sync::atomic::Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(300)); // BUG: blocks the worker
    BLOCKED.store(false, std::sync::atomic::Ordering::SeqCst);
    "slow done".to_string()
}

async fn handle(stream: TcpStream) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        let reply = match line.trim() {
            "slow" => {
                let builder = runtime::task::Builder::new().name("slow-handler");
                SLOW_LINE.store(line!() + 1, std::sync::atomic::Ordering::SeqCst);
                let task = builder.spawn(slow_handler())?;
                task.await.map_err(std::io::Error::other)?
            }
            other => format!("echo {other}"),
        };
        writer.write_all(format!("{reply}\n").as_bytes()).await?;
    }
    Ok(())
}

async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        runtime::task::Builder::new()
            .name("connection")
            .spawn(async move {
                let _ = handle(stream).await;
            })?;
    }
}

/// Sends `requests` on one connection and returns the replies.
async fn client(addr: std::net::SocketAddr, requests: &[&str]) -> std::io::Result<Vec<String>> {
    let stream = TcpStream::connect(addr).await?;
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut replies = Vec::new();
    for r in requests {
        writer.write_all(format!("{r}\n").as_bytes()).await?;
        replies.push(lines.next_line().await?.unwrap_or_default());
    }
    Ok(replies)
}

/// The runtime of the demo: the detector at 100 ms, its reports collected
/// (and printed), and the poll-time histogram on.
fn build(reports: Arc<Mutex<Vec<(LongPoll, bool)>>>) -> std::io::Result<runtime::Runtime> {
    runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .warn_on_long_poll(Duration::from_millis(100))
        .on_long_poll(move |info| {
            println!("WARNING long poll: {info}");
            let blocked = BLOCKED.load(std::sync::atomic::Ordering::SeqCst);
            reports.lock().unwrap().push((info.clone(), blocked));
        })
        .enable_metrics_poll_time_histogram()
        .build()
}

/// Runs the scripted client against the server and collects what the
/// runtime reported.
pub fn demo() -> std::io::Result<Demo> {
    let reports = Arc::new(Mutex::new(Vec::new()));
    let rt = build(reports.clone())?;
    let (dump, metrics) = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = runtime::task::Builder::new()
            .name("acceptor")
            .spawn(serve(listener))?;
        // An idle client that stays connected: its connection task shows in
        // the dump, waiting for input.
        let idle = TcpStream::connect(addr).await?;
        let fast = client(addr, &["one", "two", "three"]).await?;
        assert_eq!(fast, ["echo one", "echo two", "echo three"]);
        let slow = client(addr, &["slow", "after"]).await?;
        assert_eq!(slow, ["slow done", "echo after"]);
        // Let the finished connections' tasks see their EOF.
        runtime::time::sleep(Duration::from_millis(20)).await;
        let handle = runtime::Handle::current();
        let dump = handle.dump().to_string();
        let metrics = prometheus(&handle.metrics());
        server.abort();
        drop(idle);
        Ok::<_, std::io::Error>((dump, metrics))
    })?;
    let long_polls = reports.lock().unwrap().clone();
    Ok(Demo {
        long_polls,
        dump,
        metrics,
        slow_line: SLOW_LINE.load(std::sync::atomic::Ordering::SeqCst),
    })
}

/// The runtime's metrics in Prometheus text format.
pub fn prometheus(m: &RuntimeMetrics) -> String {
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, kind: &str, value: String| {
        let _ = writeln!(
            out,
            "# HELP runtime_{name} {help}\n# TYPE runtime_{name} {kind}"
        );
        let _ = writeln!(out, "{value}");
    };
    gauge(
        "workers",
        "Worker threads.",
        "gauge",
        format!("runtime_workers {}", m.num_workers()),
    );
    gauge(
        "alive_tasks",
        "Tasks spawned and not finished.",
        "gauge",
        format!("runtime_alive_tasks {}", m.num_alive_tasks()),
    );
    gauge(
        "remote_schedules_total",
        "Tasks scheduled from outside the runtime.",
        "counter",
        format!(
            "runtime_remote_schedules_total {}",
            m.remote_schedule_count()
        ),
    );
    gauge(
        "budget_forced_yields_total",
        "Polls made to yield by the cooperative budget.",
        "counter",
        format!(
            "runtime_budget_forced_yields_total {}",
            m.budget_forced_yield_count()
        ),
    );
    gauge(
        "blocking_queue_depth",
        "Closures waiting for a blocking thread.",
        "gauge",
        format!("runtime_blocking_queue_depth {}", m.blocking_queue_depth()),
    );
    gauge(
        "blocking_threads",
        "Blocking-pool threads.",
        "gauge",
        format!("runtime_blocking_threads {}", m.num_blocking_threads()),
    );
    type PerWorker = fn(&RuntimeMetrics, usize) -> u64;
    let per_worker: [(&str, &str, PerWorker); 6] = [
        (
            "worker_polls_total",
            "Task polls.",
            RuntimeMetrics::worker_poll_count,
        ),
        (
            "worker_steals_total",
            "Tasks stolen.",
            RuntimeMetrics::worker_steal_count,
        ),
        (
            "worker_steal_operations_total",
            "Steal operations.",
            RuntimeMetrics::worker_steal_operations,
        ),
        (
            "worker_local_schedules_total",
            "Local schedules.",
            RuntimeMetrics::worker_local_schedule_count,
        ),
        (
            "worker_parks_total",
            "Parks.",
            RuntimeMetrics::worker_park_count,
        ),
        ("worker_busy_seconds_total", "Busy time (ms).", |m, w| {
            m.worker_total_busy_duration(w).as_millis() as u64
        }),
    ];
    for (name, help, read) in per_worker {
        let values: Vec<String> = (0..m.num_workers())
            .map(|w| format!("runtime_{name}{{worker=\"{w}\"}} {}", read(m, w)))
            .collect();
        gauge(name, help, "counter", values.join("\n"));
    }
    if m.poll_time_histogram_enabled() {
        let _ = writeln!(out, "# HELP runtime_poll_time_seconds Poll durations.");
        let _ = writeln!(out, "# TYPE runtime_poll_time_seconds histogram");
        for w in 0..m.num_workers() {
            let mut cumulative = 0;
            for b in 0..m.poll_time_histogram_num_buckets() {
                cumulative += m.poll_time_histogram_bucket_count(w, b);
                let end = m.poll_time_histogram_bucket_range(b).end;
                let le = if end == Duration::MAX {
                    "+Inf".to_string()
                } else {
                    end.as_secs_f64().to_string()
                };
                let _ = writeln!(
                    out,
                    "runtime_poll_time_seconds_bucket{{worker=\"{w}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "runtime_poll_time_seconds_count{{worker=\"{w}\"}} {cumulative}"
            );
        }
    }
    out
}

/// `--serve`: the server keeps running; every HTTP request to `addr` gets
/// the metrics.
async fn serve_metrics(addr: &str) -> std::io::Result<()> {
    let app = TcpListener::bind("127.0.0.1:0").await?;
    println!("line server on {}", app.local_addr()?);
    runtime::task::Builder::new()
        .name("acceptor")
        .spawn(serve(app))?;
    let listener = TcpListener::bind(addr).await?;
    println!("metrics on http://{}/", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        runtime::spawn(async move {
            let (reader, mut writer) = stream.into_split();
            let mut lines = BufReader::new(reader).lines();
            // The request head ends with an empty line.
            while let Ok(Some(line)) = lines.next_line().await {
                if line.is_empty() {
                    break;
                }
            }
            let body = prometheus(&runtime::Handle::current().metrics());
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = writer.write_all(head.as_bytes()).await;
            let _ = writer.write_all(body.as_bytes()).await;
        });
    }
}

#[allow(dead_code)]
fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("--serve") {
        let addr = args.next().unwrap_or_else(|| "127.0.0.1:9898".to_string());
        let rt = build(Arc::default())?;
        return rt.block_on(serve_metrics(&addr));
    }
    let demo = demo()?;
    println!("\n== task dump ==\n{}", demo.dump);
    println!("== metrics (Prometheus text) ==\n{}", demo.metrics);
    Ok(())
}
