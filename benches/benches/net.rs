//! Networking benchmarks over loopback: this runtime versus Tokio, side by
//! side.
//!
//! As in `scheduler.rs` and `time.rs`, every workload is one criterion
//! `benchmark_group` holding the functions `runtime` and `tokio`, expanded
//! from one macro body, so `cargo run -p benches --bin summary` can compare
//! them. Every runtime is a multi-thread one with 2 worker threads, and
//! every socket is on 127.0.0.1.
//!
//! Workloads:
//!
//! * `tcp_echo_1`, `tcp_echo_64`, `tcp_echo_1000`: an echo server (an accept
//!   loop, then per connection a task that reads 64 bytes with `read_exact`
//!   and writes them back) and 1, 64 or 1 000 client connections, opened
//!   once per function and kept open (fewer than 1 000, with a note, when
//!   the soft `RLIMIT_NOFILE` is below 4 500). One iteration spawns one task
//!   per client, and each does `R` round trips (`write_all` a 64-byte
//!   request, `read_exact` the reply, check it): 1 × 200, 64 × 20 and
//!   1 000 × 2 round trips. Criterion reports the time per iteration and,
//!   from the group's `Throughput::Elements`, round trips per second.
//!   `tcp_echo_1` has a third function, `std_blocking`: the same exchange
//!   with `std::net`, a server thread and the client on the bench thread,
//!   the floor that no runtime can beat on one connection (`summary` does
//!   not show it).
//! * `tcp_echo_read_buf_64`: `tcp_echo_64`, but both ends read what has
//!   arrived instead of exactly 64 bytes: with `read_buf` into a `BytesMut`
//!   of 4 KiB capacity (cleared after each message) on both runtimes, and,
//!   as a reference for ours, a third function `runtime_read_array` that
//!   reads with `read` into a 4 KiB stack array. The server writes back what
//!   it read; the client reads until it has the 64-byte reply. `summary`
//!   compares `runtime` with `tokio`; a paired run also prints the ratio of
//!   ours `read_buf` to ours `read`.
//! * `tcp_bulk`: one connection; the client writes 64 MiB in 64 KiB
//!   `write_all` chunks, the server reads and discards them, counting, and
//!   answers a 1-byte ack once it has all 64 MiB, which ends the iteration.
//!   Criterion reports bytes per second.
//! * `udp_echo_64`: one server socket echoes datagrams; 64 client sockets
//!   each do 20 round trips of a 64-byte datagram. A reply is awaited at most
//!   1 s (with the runtime's own `timeout`), so a lost datagram costs a
//!   second instead of a hang; losses are counted and printed.
//!
//! After the groups, `net_memory` measures the resident memory per idle TCP
//! connection, which criterion cannot report. The resident set of a process
//! would mix both runtimes, so the bench binary runs itself again, once per
//! runtime, with `NET_MEMORY_CHILD=runtime` or `tokio` set: the child opens
//! as many idle loopback connections as its soft `RLIMIT_NOFILE` allows (at
//! most 9 900; both ends live in the child, and the accepted end is held by
//! a task blocked in `read`, the shape of an idle server connection), prints
//! how much `VmRSS` grew, and exits. That is user-space memory only (the
//! runtime's registrations, the tasks, the socket handles); the kernel's
//! socket buffers are not part of `VmRSS`. The parent prints both figures and
//! writes `target/criterion/net_memory/memory.txt` for `summary`. A filter
//! selects it by the name `net_memory`; in criterion's test mode it opens
//! only a few connections and saves nothing.
//!
//! The runtime under test, and every socket of a function, is created on the
//! function's first run (so a filter that skips a function skips its setup
//! too) and dropped right after it, before the next function's are created:
//! idle worker threads of one runtime never share the (small) machine with
//! the other's measurement, and the two `tcp_echo_1000` functions never hold
//! their 2 000 descriptors each at the same time. After each function the
//! bench checks that the process holds no more file descriptors than before
//! it, and warns if it does.
//!
//! `PAIRED=<workload> cargo bench -p benches --bench net` (any workload
//! above but `net_memory`) skips criterion and runs the alternating
//! comparison of `benches::paired` instead, both runtimes set up side by
//! side.
//!
//! Every loop is bounded: client loops by their round counts, server loops
//! by their connection closing (or, for UDP, a stop datagram and the
//! runtime's shutdown), and every `block_on` by a 30 s watchdog that panics
//! with the workload's name.

use std::env;
use std::fs;
use std::io::Read;
use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::Duration;

use benches::{
    find_criterion_dir, paired, soft_nofile_limit, vm_rss_kib, ConnMemory, MemoryReport, MemoryRun,
    NetMemory, NET_MEMORY_FILE, NET_MEMORY_GROUP,
};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};

/// Bytes in one echo request, reply or UDP datagram.
const MSG: usize = 64;
/// `tcp_echo_1`: connections and round trips per connection per iteration.
const ECHO_1: EchoShape = EchoShape {
    conns: 1,
    rounds: 200,
};
/// `tcp_echo_64`: connections and round trips per connection per iteration.
const ECHO_64: EchoShape = EchoShape {
    conns: 64,
    rounds: 20,
};
/// `tcp_echo_1000`: connections and round trips per connection per
/// iteration (fewer connections when the descriptor limit is low).
const ECHO_1000: EchoShape = EchoShape {
    conns: 1000,
    rounds: 2,
};
/// Descriptors kept free for everything that is not a benchmark connection
/// (criterion, the runtimes' pollers and wakers, stdio).
const FD_HEADROOM: u64 = 500;
/// Bytes sent per `tcp_bulk` iteration.
const BULK_BYTES: usize = 64 << 20;
/// Bytes per `write_all` (and the server's read buffer) in `tcp_bulk`.
const BULK_CHUNK: usize = 64 << 10;
/// Byte `k` of every `tcp_bulk` iteration's stream is `k % BULK_PERIOD`, a
/// prime, so that successive chunks differ.
const BULK_PERIOD: usize = 251;
/// The byte the `tcp_bulk` server acknowledges a complete iteration with.
const BULK_ACK: u8 = 0xAC;
/// `udp_echo_64`: client sockets.
const UDP_CLIENTS: usize = 64;
/// `udp_echo_64`: round trips per client socket per iteration.
const UDP_ROUNDS: usize = 20;
/// How long a `udp_echo_64` client waits for a reply before counting the
/// datagram as lost.
const UDP_REPLY_LIMIT: Duration = Duration::from_secs(1);
/// The longest any single `block_on` (or blocking exchange) may take before
/// the bench panics instead of hanging. An iteration normally takes
/// milliseconds; 64 UDP clients that lose every datagram take 20 s.
const WATCHDOG: Duration = Duration::from_secs(30);
/// Worker threads for the multi-thread runtimes.
const WORKERS: usize = 2;

/// Set, to `runtime` or `tokio`, in the environment of a `net_memory` child.
const CHILD_ENV: &str = "NET_MEMORY_CHILD";
/// Caps a `net_memory` child's connections (set in test mode).
const CHILD_PAIRS_ENV: &str = "NET_MEMORY_MAX_PAIRS";
/// Most idle connections a `net_memory` child opens.
const MEMORY_MAX_PAIRS: usize = 9_900;
/// Connections per runtime in criterion's test mode.
const MEMORY_SMOKE_PAIRS: usize = 200;
/// Descriptors a `net_memory` child keeps free for everything else.
const MEMORY_FD_HEADROOM: u64 = 100;
/// How long the child lets its runtime settle before reading `VmRSS`.
const MEMORY_SETTLE: Duration = Duration::from_millis(200);
/// How long the parent waits for a `net_memory` child.
const CHILD_LIMIT: Duration = Duration::from_secs(120);
/// How often the parent checks whether a child has exited.
const CHILD_POLL: Duration = Duration::from_millis(50);

/// The size of one echo workload.
#[derive(Debug, Clone, Copy)]
struct EchoShape {
    /// Client connections, each with its own server task.
    conns: usize,
    /// Round trips per connection per iteration.
    rounds: usize,
}

/// How the ends of a `tcp_echo_*` workload read.
#[derive(Clone, Copy, PartialEq)]
enum EchoRead {
    /// `read_exact` of the 64-byte message (`tcp_echo_1`/`_64`/`_1000`).
    Exact,
    /// `read_buf` into a `BytesMut` of `READ_CAP` capacity, until the
    /// message is there (`tcp_echo_read_buf_64`).
    ReadBuf,
    /// `read` into a stack array of `READ_CAP` bytes, until the message is
    /// there (`tcp_echo_read_buf_64`'s reference).
    Array,
}

/// `tcp_echo_read_buf_64`: the capacity of each read's buffer.
const READ_CAP: usize = 4096;

impl EchoShape {
    /// Round trips per iteration, all connections together.
    fn round_trips(self) -> u64 {
        (self.conns * self.rounds) as u64
    }
}

/// Fills an echo request, different for every connection and round: the
/// round, then the connection's index, then a pattern of both.
fn fill_request(request: &mut [u8; MSG], id: usize, round: usize) {
    request[..8].copy_from_slice(&(round as u64).to_le_bytes());
    request[8..16].copy_from_slice(&(id as u64).to_le_bytes());
    for (j, byte) in request[16..].iter_mut().enumerate() {
        *byte = (id.wrapping_mul(7) ^ round.wrapping_mul(13)).wrapping_add(j) as u8;
    }
}

/// The round a request (or its echo) was filled for.
fn request_round(request: &[u8; MSG]) -> usize {
    let mut round = [0; 8];
    round.copy_from_slice(&request[..8]);
    u64::from_le_bytes(round) as usize
}

/// What the `tcp_bulk` client sends: `BULK_CHUNK + BULK_PERIOD` bytes of the
/// `k % BULK_PERIOD` pattern, so that the chunk at any stream offset `k` is
/// the slice starting at `k % BULK_PERIOD`.
fn bulk_pattern() -> Vec<u8> {
    (0..BULK_CHUNK + BULK_PERIOD)
        .map(|k| (k % BULK_PERIOD) as u8)
        .collect()
}

/// The soft `RLIMIT_NOFILE` of this process, from `/proc/self/limits`; 1 024
/// (the usual default) when it cannot be read.
fn soft_nofile() -> u64 {
    fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| soft_nofile_limit(&limits))
        .unwrap_or_else(|| {
            eprintln!(
                "note: cannot read the soft RLIMIT_NOFILE from /proc/self/limits; assuming 1024"
            );
            1024
        })
}

/// This process's resident set, in KiB, from `/proc/self/status`.
fn rss_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").expect("cannot read /proc/self/status");
    vm_rss_kib(&status).expect("no VmRSS line in /proc/self/status")
}

/// How many file descriptors this process has open, when `/proc` says.
fn open_fds() -> Option<usize> {
    fs::read_dir("/proc/self/fd").ok().map(|dir| dir.count())
}

/// Warns when a function left more descriptors open than it found.
fn check_fds(group: &str, function: &str, before: Option<usize>) {
    if let (Some(before), Some(after)) = (before, open_fds()) {
        if after > before {
            eprintln!(
                "warning: {group}/{function}: {} file descriptors still open after its \
                 runtime and sockets were dropped ({before} before, {after} after)",
                after - before
            );
        }
    }
}

/// The `tcp_echo_1000` shape, with fewer connections when the soft
/// descriptor limit is below 4 500: enough for both runtimes' 2 000
/// descriptors even if one failed to close its own, plus `FD_HEADROOM`.
fn echo_1000_shape() -> EchoShape {
    let soft = soft_nofile();
    let fit = usize::try_from(soft.saturating_sub(FD_HEADROOM) / 4).unwrap_or(usize::MAX);
    if fit >= ECHO_1000.conns {
        return ECHO_1000;
    }
    let conns = fit.max(1);
    eprintln!(
        "note: tcp_echo_1000 runs {conns} connections, not {}: the soft RLIMIT_NOFILE is \
         {soft}, below {} (raise it with `ulimit -n` for the full workload)",
        ECHO_1000.conns,
        ECHO_1000.conns as u64 * 4 + FD_HEADROOM,
    );
    EchoShape {
        conns,
        rounds: ECHO_1000.rounds,
    }
}

/// Generates one module of workload functions for a Tokio-shaped runtime
/// crate: `$rt` is the crate (for `spawn`, `io`, `net` and `time`) and
/// `$rt_mod` the module holding `Builder` and `Runtime`.
///
/// Both sides of every comparison are expanded from this single body, with
/// only the crate path (`runtime` or `tokio`) substituted, so any difference
/// in the numbers comes from the runtimes and not from the benchmark code.
/// The I/O extension traits have the same method names on both sides
/// (`futures-io` based here, Tokio's own there).
macro_rules! workloads {
    ($module:ident, $rt:ident, $($rt_mod:ident)::+) => {
        #[doc = concat!("The workloads, run on `", stringify!($rt), "`.")]
        mod $module {
            use std::future::Future;
            use std::net::SocketAddr;
            use std::sync::atomic::{AtomicUsize, Ordering};
            use std::sync::Arc;

            use benches::MemoryReport;
            use $rt::io::{AsyncReadExt, AsyncWriteExt};
            use $rt::net::{TcpListener, TcpStream, UdpSocket};
            use $rt::time::{sleep, timeout, Duration};
            use $($rt_mod)::+::{Builder, Runtime};

            use bytes::BytesMut;

            use super::{
                bulk_pattern, fill_request, request_round, rss_kib, EchoRead, EchoShape,
                BULK_ACK, BULK_BYTES, BULK_CHUNK, BULK_PERIOD, MEMORY_SETTLE, MSG, READ_CAP,
                UDP_CLIENTS, UDP_REPLY_LIMIT, UDP_ROUNDS, WATCHDOG, WORKERS,
            };

            /// The runtime's name, for messages.
            const RT: &str = stringify!($rt);

            /// A multi-thread runtime with `WORKERS` worker threads and its
            /// drivers enabled (Tokio needs that for sockets and timers;
            /// ours ignores it).
            fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .unwrap()
            }

            /// `rt.block_on(future)`, but panics, naming `what`, if it takes
            /// longer than `WATCHDOG`.
            fn block_on_watched<F: Future>(rt: &Runtime, what: &str, future: F) -> F::Output {
                rt.block_on(async {
                    match timeout(WATCHDOG, future).await {
                        Ok(output) => output,
                        Err(_) => panic!("{what} on {RT}: not done after {WATCHDOG:?} (hung?)"),
                    }
                })
            }

            /// A TCP listener on an ephemeral loopback port, and its address.
            async fn listen() -> (TcpListener, SocketAddr) {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                (listener, addr)
            }

            /// A `tcp_echo_*` workload's sockets and runtime.
            pub struct Echo {
                // Field order is drop order: the clients close, which ends
                // their server tasks, before the runtime shuts down.
                /// The open client connections, in a fixed order.
                clients: Vec<TcpStream>,
                /// Round trips per connection per iteration.
                rounds: usize,
                /// How both ends read.
                how: EchoRead,
                /// The runtime that runs server and clients.
                rt: Runtime,
            }

            /// Accepts `conns` connections and echoes each one in a task of
            /// its own until the client closes it (the read then fails or
            /// gives 0): 64 bytes at a time with `EchoRead::Exact`, else what
            /// each read got. Each way of reading is its own task body, so
            /// that the `Exact` tasks are what they were before the others
            /// existed.
            async fn echo_server(listener: TcpListener, conns: usize, how: EchoRead) {
                for _ in 0..conns {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    match how {
                        EchoRead::Exact => $rt::spawn(async move {
                            let mut buf = [0; MSG];
                            while stream.read_exact(&mut buf).await.is_ok() {
                                if stream.write_all(&buf).await.is_err() {
                                    break;
                                }
                            }
                        }),
                        EchoRead::ReadBuf => $rt::spawn(async move {
                            let mut buf = BytesMut::with_capacity(READ_CAP);
                            while let Ok(1..) = stream.read_buf(&mut buf).await {
                                if stream.write_all(&buf).await.is_err() {
                                    break;
                                }
                                buf.clear();
                            }
                        }),
                        EchoRead::Array => $rt::spawn(async move {
                            let mut buf = [0; READ_CAP];
                            while let Ok(n @ 1..) = stream.read(&mut buf).await {
                                if stream.write_all(&buf[..n]).await.is_err() {
                                    break;
                                }
                            }
                        }),
                    };
                }
            }

            /// Starts the echo server and opens `shape.conns` connections.
            pub fn tcp_echo_setup(shape: EchoShape) -> Echo {
                tcp_echo_reading_setup(shape, EchoRead::Exact)
            }

            /// `tcp_echo_setup`, with both ends reading as `how` says.
            pub fn tcp_echo_reading_setup(shape: EchoShape, how: EchoRead) -> Echo {
                let rt = multi_thread();
                let clients = block_on_watched(&rt, "tcp_echo setup", async {
                    let (listener, addr) = listen().await;
                    $rt::spawn(echo_server(listener, shape.conns, how));
                    let mut clients = Vec::with_capacity(shape.conns);
                    for _ in 0..shape.conns {
                        let stream = TcpStream::connect(addr).await.unwrap();
                        stream.set_nodelay(true).unwrap();
                        clients.push(stream);
                    }
                    clients
                });
                Echo {
                    clients,
                    rounds: shape.rounds,
                    how,
                    rt,
                }
            }

            /// `rounds` request/response round trips on one connection,
            /// checking every reply; gives the connection back.
            async fn echo_client(mut stream: TcpStream, id: usize, rounds: usize) -> TcpStream {
                let mut request = [0; MSG];
                let mut reply = [0; MSG];
                for round in 0..rounds {
                    fill_request(&mut request, id, round);
                    stream.write_all(&request).await.unwrap();
                    stream.read_exact(&mut reply).await.unwrap();
                    assert_eq!(
                        request, reply,
                        "tcp_echo on {RT}: connection {id}, round {round}: the echo differs"
                    );
                }
                stream
            }

            /// `echo_client`, but reading each reply with `read_buf` into a
            /// `BytesMut` (`EchoRead::ReadBuf`) or with `read` into a stack
            /// array (`EchoRead::Array`) until all 64 bytes are there.
            async fn echo_client_reading(
                mut stream: TcpStream,
                id: usize,
                rounds: usize,
                how: EchoRead,
            ) -> TcpStream {
                let mut request = [0; MSG];
                let mut array = [0; READ_CAP];
                let mut bytes = BytesMut::new();
                if how == EchoRead::ReadBuf {
                    bytes.reserve(READ_CAP);
                }
                for round in 0..rounds {
                    fill_request(&mut request, id, round);
                    stream.write_all(&request).await.unwrap();
                    let reply: &[u8] = if how == EchoRead::ReadBuf {
                        bytes.clear();
                        while bytes.len() < MSG {
                            let n = stream.read_buf(&mut bytes).await.unwrap();
                            assert!(n > 0, "tcp_echo on {RT}: connection {id} closed");
                        }
                        &bytes
                    } else {
                        let mut filled = 0;
                        while filled < MSG {
                            let n = stream.read(&mut array[filled..]).await.unwrap();
                            assert!(n > 0, "tcp_echo on {RT}: connection {id} closed");
                            filled += n;
                        }
                        &array[..filled]
                    };
                    assert_eq!(
                        &request[..],
                        reply,
                        "tcp_echo on {RT}: connection {id}, round {round}: the echo differs"
                    );
                }
                stream
            }

            /// One iteration: every client, in a task of its own, does its
            /// round trips; waits for all of them.
            pub fn tcp_echo(echo: &mut Echo) {
                let (rounds, how) = (echo.rounds, echo.how);
                let handles: Vec<_> = echo
                    .clients
                    .drain(..)
                    .enumerate()
                    .map(|(id, stream)| match how {
                        EchoRead::Exact => echo.rt.spawn(echo_client(stream, id, rounds)),
                        _ => echo.rt.spawn(echo_client_reading(stream, id, rounds, how)),
                    })
                    .collect();
                echo.clients = block_on_watched(&echo.rt, "tcp_echo", async move {
                    let mut clients = Vec::with_capacity(handles.len());
                    for handle in handles {
                        clients.push(handle.await.unwrap());
                    }
                    clients
                });
            }

            /// The `tcp_bulk` workload's connection and runtime.
            pub struct Bulk {
                // Field order is drop order: the client closes, which ends
                // the server task, before the runtime shuts down.
                /// The client end; `None` only while an iteration runs.
                client: Option<TcpStream>,
                /// What the client sends, see `bulk_pattern`.
                pattern: Arc<[u8]>,
                /// The runtime that runs server and client.
                rt: Runtime,
            }

            /// Accepts one connection and reads it to the end, discarding
            /// the data but counting it and checking the first byte of every
            /// read against the pattern; acknowledges every `BULK_BYTES`.
            async fn bulk_server(listener: TcpListener) {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut buf = vec![0; BULK_CHUNK];
                let mut received = 0;
                // Ends when the client closes (`read` gives 0) or fails.
                while let Ok(n @ 1..) = stream.read(&mut buf).await {
                    assert_eq!(
                        usize::from(buf[0]),
                        received % BULK_PERIOD,
                        "tcp_bulk on {RT}: wrong byte at offset {received}"
                    );
                    received += n;
                    assert!(
                        received <= BULK_BYTES,
                        "tcp_bulk on {RT}: more than {BULK_BYTES} bytes before the ack"
                    );
                    if received == BULK_BYTES {
                        received = 0;
                        if stream.write_all(&[BULK_ACK]).await.is_err() {
                            break;
                        }
                    }
                }
            }

            /// Starts the bulk server and connects to it.
            pub fn tcp_bulk_setup() -> Bulk {
                let rt = multi_thread();
                let client = block_on_watched(&rt, "tcp_bulk setup", async {
                    let (listener, addr) = listen().await;
                    $rt::spawn(bulk_server(listener));
                    TcpStream::connect(addr).await.unwrap()
                });
                Bulk {
                    client: Some(client),
                    pattern: bulk_pattern().into(),
                    rt,
                }
            }

            /// Writes `BULK_BYTES` of the pattern and waits for the ack;
            /// gives the connection back.
            async fn bulk_client(mut stream: TcpStream, pattern: Arc<[u8]>) -> TcpStream {
                for chunk in 0..BULK_BYTES / BULK_CHUNK {
                    let start = chunk * BULK_CHUNK % BULK_PERIOD;
                    stream
                        .write_all(&pattern[start..start + BULK_CHUNK])
                        .await
                        .unwrap();
                }
                let mut ack = [0; 1];
                stream.read_exact(&mut ack).await.unwrap();
                assert_eq!(ack, [BULK_ACK], "tcp_bulk on {RT}: wrong ack");
                stream
            }

            /// One iteration: the client, in a task, sends `BULK_BYTES`; ends
            /// once the server has read them all and said so.
            pub fn tcp_bulk(bulk: &mut Bulk) {
                let stream = bulk.client.take().unwrap();
                let handle = bulk.rt.spawn(bulk_client(stream, bulk.pattern.clone()));
                let stream = block_on_watched(&bulk.rt, "tcp_bulk", async move {
                    handle.await.unwrap()
                });
                bulk.client = Some(stream);
            }

            /// The `udp_echo_64` workload's sockets and runtime.
            pub struct UdpEcho {
                // Field order is drop order: the sockets close before the
                // runtime shuts down.
                /// The client sockets, in a fixed order.
                clients: Vec<UdpSocket>,
                /// Where the echo server listens.
                server: SocketAddr,
                /// Replies that did not come within `UDP_REPLY_LIMIT`, over
                /// all iterations so far.
                losses: u64,
                /// The runtime that runs server and clients.
                rt: Runtime,
            }

            impl UdpEcho {
                /// Replies that never came, over all iterations so far.
                pub fn losses(&self) -> u64 {
                    self.losses
                }
            }

            impl Drop for UdpEcho {
                /// Sends the server its stop datagram (an empty one), so its
                /// loop ends by itself; the runtime's shutdown would end it
                /// anyway.
                fn drop(&mut self) {
                    if let Ok(socket) = std::net::UdpSocket::bind("127.0.0.1:0") {
                        let _ = socket.send_to(&[], self.server);
                    }
                }
            }

            /// Echoes every datagram to its sender, until an empty one.
            async fn udp_server(socket: UdpSocket) {
                let mut buf = [0; MSG];
                while let Ok((n @ 1.., peer)) = socket.recv_from(&mut buf).await {
                    if socket.send_to(&buf[..n], peer).await.is_err() {
                        break;
                    }
                }
            }

            /// Starts the UDP echo server and binds the client sockets.
            pub fn udp_echo_setup() -> UdpEcho {
                let rt = multi_thread();
                let (server, clients) = block_on_watched(&rt, "udp_echo setup", async {
                    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                    let server = socket.local_addr().unwrap();
                    $rt::spawn(udp_server(socket));
                    let mut clients = Vec::with_capacity(UDP_CLIENTS);
                    for _ in 0..UDP_CLIENTS {
                        clients.push(UdpSocket::bind("127.0.0.1:0").await.unwrap());
                    }
                    (server, clients)
                });
                UdpEcho {
                    clients,
                    server,
                    losses: 0,
                    rt,
                }
            }

            /// `UDP_ROUNDS` round trips from one socket, checking every
            /// reply; gives the socket back with the number of replies that
            /// did not come within `UDP_REPLY_LIMIT`.
            async fn udp_client(
                socket: UdpSocket,
                server: SocketAddr,
                id: usize,
            ) -> (UdpSocket, u64) {
                let mut losses = 0;
                let mut request = [0; MSG];
                let mut reply = [0; MSG];
                for round in 0..UDP_ROUNDS {
                    fill_request(&mut request, id, round);
                    socket.send_to(&request, server).await.unwrap();
                    // A late reply to an earlier round that was counted as
                    // lost may come first: skip it. There are at most
                    // `round` of them.
                    for _ in 0..=round {
                        let received = timeout(UDP_REPLY_LIMIT, socket.recv_from(&mut reply)).await;
                        let Ok(received) = received else {
                            losses += 1;
                            break;
                        };
                        let (n, from) = received.unwrap();
                        assert_eq!(from, server, "udp_echo on {RT}: reply from a stranger");
                        assert_eq!(
                            n, MSG,
                            "udp_echo on {RT}: client {id}, round {round}: short reply"
                        );
                        if reply == request {
                            break;
                        }
                        assert!(
                            request_round(&reply) < round,
                            "udp_echo on {RT}: client {id}, round {round}: the echo differs"
                        );
                    }
                }
                (socket, losses)
            }

            /// One iteration: every client socket, in a task of its own, does
            /// its round trips; waits for all of them.
            pub fn udp_echo(udp: &mut UdpEcho) {
                let server = udp.server;
                let handles: Vec<_> = udp
                    .clients
                    .drain(..)
                    .enumerate()
                    .map(|(id, socket)| udp.rt.spawn(udp_client(socket, server, id)))
                    .collect();
                let (clients, losses) = block_on_watched(&udp.rt, "udp_echo", async move {
                    let mut clients = Vec::with_capacity(handles.len());
                    let mut losses = 0;
                    for handle in handles {
                        let (socket, lost) = handle.await.unwrap();
                        clients.push(socket);
                        losses += lost;
                    }
                    (clients, losses)
                });
                udp.clients = clients;
                udp.losses += losses;
            }

            /// Accepts `pairs` connections, each held by a task blocked in
            /// `read` (counted in `ready` just before it first polls it)
            /// until the client closes it.
            async fn idle_server(listener: TcpListener, pairs: usize, ready: Arc<AtomicUsize>) {
                for _ in 0..pairs {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    let ready = ready.clone();
                    $rt::spawn(async move {
                        let mut buf = [0; MSG];
                        ready.fetch_add(1, Ordering::Relaxed);
                        // Idle until the client closes it: then `read` gives
                        // 0 (or an error).
                        let _ = stream.read(&mut buf).await;
                    });
                }
            }

            /// The `net_memory` child's measurement: how much the resident
            /// set grows while `pairs` idle loopback connections are open,
            /// both ends in this process.
            pub fn idle_connections(pairs: usize) -> MemoryReport {
                let rt = multi_thread();
                let ready = Arc::new(AtomicUsize::new(0));
                let server_ready = ready.clone();
                let addr = block_on_watched(&rt, "net_memory setup", async {
                    let (listener, addr) = listen().await;
                    $rt::spawn(idle_server(listener, pairs, server_ready));
                    sleep(MEMORY_SETTLE).await;
                    addr
                });
                let before = rss_kib();
                let clients = block_on_watched(&rt, "net_memory", async {
                    let mut clients = Vec::with_capacity(pairs);
                    for _ in 0..pairs {
                        clients.push(TcpStream::connect(addr).await.unwrap());
                    }
                    // Every server task has started; give the last ones
                    // time to reach their `read`.
                    for _ in 0..1000 {
                        if ready.load(Ordering::Relaxed) == pairs {
                            break;
                        }
                        sleep(Duration::from_millis(10)).await;
                    }
                    assert_eq!(
                        ready.load(Ordering::Relaxed),
                        pairs,
                        "net_memory on {RT}: not every connection was accepted"
                    );
                    sleep(MEMORY_SETTLE).await;
                    clients
                });
                let after = rss_kib();
                if after < before {
                    eprintln!(
                        "note: net_memory on {RT}: VmRSS shrank from {before} to {after} KiB"
                    );
                }
                drop(clients);
                drop(rt);
                MemoryReport {
                    conns: pairs as u64,
                    rss_delta_kib: after.saturating_sub(before),
                }
            }
        }
    };
}

// The crate root, then the module that holds `Builder` and `Runtime`.
workloads!(on_runtime, runtime, runtime);
workloads!(on_tokio, tokio, tokio::runtime);

/// `tcp_echo_1` with `std::net`: a server thread, the client on the bench
/// thread, blocking calls throughout.
mod std_blocking {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::thread::{self, JoinHandle};

    use super::{fill_request, EchoShape, MSG, WATCHDOG};

    /// The connection and the server thread.
    pub struct Echo {
        /// The client end.
        client: TcpStream,
        /// Round trips per iteration.
        rounds: usize,
        /// The server thread, joined on drop.
        server: Option<JoinHandle<()>>,
    }

    /// Starts the server thread and connects to it; `shape.conns` must be 1.
    pub fn tcp_echo_setup(shape: EchoShape) -> Echo {
        assert_eq!(shape.conns, 1, "std_blocking runs one connection");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.set_nodelay(true).unwrap();
            // Between iterations of one function the client pauses for
            // milliseconds, never for this long.
            stream.set_read_timeout(Some(WATCHDOG)).unwrap();
            let mut buf = [0; MSG];
            // Ends when the client closes (or stalls past the watchdog).
            while stream.read_exact(&mut buf).is_ok() {
                if stream.write_all(&buf).is_err() {
                    break;
                }
            }
        });
        let client = TcpStream::connect(addr).unwrap();
        client.set_nodelay(true).unwrap();
        client.set_read_timeout(Some(WATCHDOG)).unwrap();
        Echo {
            client,
            rounds: shape.rounds,
            server: Some(server),
        }
    }

    /// One iteration: `rounds` round trips, checking every reply.
    pub fn tcp_echo(echo: &mut Echo) {
        let mut request = [0; MSG];
        let mut reply = [0; MSG];
        for round in 0..echo.rounds {
            fill_request(&mut request, 0, round);
            echo.client.write_all(&request).unwrap();
            echo.client.read_exact(&mut reply).unwrap();
            assert_eq!(
                request, reply,
                "tcp_echo on std: round {round}: the echo differs"
            );
        }
    }

    impl Drop for Echo {
        /// Closes the connection and joins the server thread.
        fn drop(&mut self) {
            let _ = self.client.shutdown(Shutdown::Both);
            if let Some(server) = self.server.take() {
                let _ = server.join();
            }
        }
    }
}

/// Benchmarks function `$name` of group `$group` (named `$group_name`):
/// `$module::$setup(args)` builds the state on the function's first run
/// (criterion calls the closure again for every sample) and
/// `$module::$workload(&mut state)` is the iteration. Afterwards
/// `$after(&state)` runs if the function ran (criterion skips those that a
/// filter excludes), then the state is dropped and the descriptors are
/// checked; evaluates to `$after`'s result, if the function ran.
macro_rules! function {
    (
        $group:ident, $group_name:expr, $name:literal, $module:path,
        $setup:ident($($arg:expr),*), $workload:ident, $after:expr
    ) => {{
        use $module as side;
        let fds = open_fds();
        let mut state = None;
        $group.bench_function($name, |b| {
            let state = state.get_or_insert_with(|| side::$setup($($arg),*));
            b.iter(|| side::$workload(state))
        });
        let after = state.as_ref().map($after);
        if state.is_some() {
            drop(state);
            check_fds($group_name, $name, fds);
        }
        after
    }};
}

/// Adds the `runtime` and the `tokio` function of one workload to `$group`,
/// as [`function!`] does, one after the other; evaluates to the `$after`
/// results as `[runtime, tokio]`. The caller finishes the group (after
/// adding any other function).
macro_rules! compare {
    ($group:ident, $group_name:expr, $setup:ident($($arg:expr),*), $workload:ident) => {
        compare!($group, $group_name, $setup($($arg),*), $workload, |_| ())
    };
    (
        $group:ident, $group_name:expr, $setup:ident($($arg:expr),*), $workload:ident,
        $after:expr
    ) => {
        [
            function!(
                $group, $group_name, "runtime", on_runtime, $setup($($arg),*), $workload, $after
            ),
            function!(
                $group, $group_name, "tokio", on_tokio, $setup($($arg),*), $workload, $after
            ),
        ]
    };
}

/// A group with flat sampling and the given throughput per iteration.
///
/// Every iteration here takes milliseconds, so the groups use criterion's
/// flat sampling (the same iteration count in every sample) rather than
/// linear sampling, whose 1, 2, …, n iterations per sample would need
/// n(n+1)/2 iterations and run far past the measurement time. The sampling
/// mode and throughput have no command-line flags, so setting them on the
/// group overrides nothing the user asked for.
fn net_group<'a>(c: &'a mut Criterion, name: &str, throughput: Throughput) -> Group<'a> {
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(throughput);
    group
}

/// The group type `net_group` returns.
type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// One `tcp_echo_*` group; `tcp_echo_1` adds `std_blocking`.
fn tcp_echo(c: &mut Criterion, name: &str, shape: EchoShape) {
    let mut group = net_group(c, name, Throughput::Elements(shape.round_trips()));
    compare!(group, name, tcp_echo_setup(shape), tcp_echo);
    if shape.conns == 1 {
        function!(
            group,
            name,
            "std_blocking",
            std_blocking,
            tcp_echo_setup(shape),
            tcp_echo,
            |_| ()
        );
    }
    group.finish();
}

fn tcp_echo_1(c: &mut Criterion) {
    tcp_echo(c, "tcp_echo_1", ECHO_1);
}

fn tcp_echo_64(c: &mut Criterion) {
    tcp_echo(c, "tcp_echo_64", ECHO_64);
}

fn tcp_echo_1000(c: &mut Criterion) {
    tcp_echo(c, "tcp_echo_1000", echo_1000_shape());
}

fn tcp_echo_read_buf_64(c: &mut Criterion) {
    let name = "tcp_echo_read_buf_64";
    let mut group = net_group(c, name, Throughput::Elements(ECHO_64.round_trips()));
    compare!(
        group,
        name,
        tcp_echo_reading_setup(ECHO_64, EchoRead::ReadBuf),
        tcp_echo
    );
    function!(
        group,
        name,
        "runtime_read_array",
        on_runtime,
        tcp_echo_reading_setup(ECHO_64, EchoRead::Array),
        tcp_echo,
        |_| ()
    );
    group.finish();
}

fn tcp_bulk(c: &mut Criterion) {
    let name = "tcp_bulk";
    let mut group = net_group(c, name, Throughput::Bytes(BULK_BYTES as u64));
    // Every iteration copies 64 MiB through the kernel twice (in and out of
    // the socket buffers) and takes tens of milliseconds, so criterion's
    // minimum of 10 samples gives a stable median already, and keeps the
    // group short on a slow or loaded machine, where flat sampling still
    // runs at least one iteration per sample. Set on the group, it takes
    // precedence over `--sample-size`.
    group.sample_size(10);
    compare!(group, name, tcp_bulk_setup(), tcp_bulk);
    group.finish();
}

fn udp_echo_64(c: &mut Criterion) {
    let name = "udp_echo_64";
    let trips = (UDP_CLIENTS * UDP_ROUNDS) as u64;
    let mut group = net_group(c, name, Throughput::Elements(trips));
    let losses = compare!(group, name, udp_echo_setup(), udp_echo, |udp| udp.losses());
    group.finish();
    for (side, lost) in ["runtime", "tokio"].iter().zip(losses) {
        if let Some(lost @ 1..) = lost {
            println!("{name}/{side}: {lost} datagrams lost (each waited {UDP_REPLY_LIMIT:?})");
        }
    }
}

/// Runs one `net_memory` child for `side` (`runtime` or `tokio`) and reads
/// its report; `None`, with the reason on stderr, when it fails.
fn run_memory_child(side: &str, max_pairs: Option<usize>) -> Option<MemoryReport> {
    let exe = env::current_exe()
        .map_err(|err| eprintln!("warning: net_memory: cannot find this executable: {err}"))
        .ok()?;
    let mut command = Command::new(exe);
    command
        .env(CHILD_ENV, side)
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    if let Some(max_pairs) = max_pairs {
        command.env(CHILD_PAIRS_ENV, max_pairs.to_string());
    }
    let mut child = command
        .spawn()
        .map_err(|err| eprintln!("warning: net_memory: cannot start the {side} child: {err}"))
        .ok()?;
    // The child prints one short line, which fits in the pipe, so waiting
    // before reading cannot deadlock.
    let polls = CHILD_LIMIT.as_millis() / CHILD_POLL.as_millis();
    let mut status = None;
    for _ in 0..polls {
        match child.try_wait() {
            Ok(Some(exited)) => {
                status = Some(exited);
                break;
            }
            Ok(None) => thread::sleep(CHILD_POLL),
            Err(err) => {
                eprintln!("warning: net_memory: cannot wait for the {side} child: {err}");
                break;
            }
        }
    }
    let Some(status) = status else {
        eprintln!(
            "warning: net_memory: the {side} child (pid {}) did not finish within \
             {CHILD_LIMIT:?}; killing it",
            child.id()
        );
        let _ = child.kill();
        let _ = child.wait();
        return None;
    };
    let mut output = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut output);
    }
    if !status.success() {
        eprintln!(
            "warning: net_memory: the {side} child failed ({status}); its output: {output:?}"
        );
        return None;
    }
    MemoryReport::parse_output(&output)
        .map_err(|err| eprintln!("warning: net_memory: {side} child: {err}; output: {output:?}"))
        .ok()
}

/// Measures the memory per idle connection of each runtime, one child
/// process after the other, prints it and, for a full run, saves it for
/// `summary`.
fn net_memory(run: MemoryRun) {
    let max_pairs = match run {
        MemoryRun::Skip => return,
        MemoryRun::Smoke => Some(MEMORY_SMOKE_PAIRS),
        MemoryRun::Full => None,
    };
    let [ours, theirs] = ["runtime", "tokio"].map(|side| run_memory_child(side, max_pairs));
    let show = |report: Option<MemoryReport>| {
        report.map_or_else(
            || "not measured".to_owned(),
            |r| format!("{} B/conn", r.per_conn_bytes()),
        )
    };
    let conns = match (ours, theirs) {
        (Some(a), Some(b)) if a.conns != b.conns => {
            format!("runtime {} and tokio {} connections", a.conns, b.conns)
        }
        (Some(r), _) | (None, Some(r)) => format!("{} connections", r.conns),
        (None, None) => "no connections".to_owned(),
    };
    println!(
        "{NET_MEMORY_GROUP}: runtime {}, tokio {} ({conns})",
        show(ours),
        show(theirs)
    );
    if run == MemoryRun::Full {
        write_net_memory(NetMemory {
            runtime: ours.map(ConnMemory::from),
            tokio: theirs.map(ConnMemory::from),
        });
    }
}

/// Records the per-connection memory in `net_memory/memory.txt` under the
/// criterion directory, for `summary`.
fn write_net_memory(memory: NetMemory) {
    let Some(dir) = find_criterion_dir() else {
        eprintln!("warning: no target/criterion directory found; net_memory not saved");
        return;
    };
    let dir = dir.join(NET_MEMORY_GROUP);
    let path = dir.join(NET_MEMORY_FILE);
    if let Err(err) =
        fs::create_dir_all(&dir).and_then(|()| fs::write(&path, memory.to_file_text()))
    {
        eprintln!("warning: cannot write {}: {err}", path.display());
    }
}

/// The `net_memory` child: opens as many idle connections as the soft
/// descriptor limit allows (capped at `MEMORY_MAX_PAIRS`, or lower by
/// `NET_MEMORY_MAX_PAIRS`) on runtime `side` and prints the report line.
fn memory_child(side: &str) -> ExitCode {
    let fit =
        usize::try_from(soft_nofile().saturating_sub(MEMORY_FD_HEADROOM) / 2).unwrap_or(usize::MAX);
    let cap = env::var(CHILD_PAIRS_ENV)
        .ok()
        .and_then(|cap| cap.parse().ok())
        .unwrap_or(MEMORY_MAX_PAIRS);
    let pairs = fit.min(cap).min(MEMORY_MAX_PAIRS);
    let report = match side {
        "runtime" => on_runtime::idle_connections(pairs),
        "tokio" => on_tokio::idle_connections(pairs),
        other => {
            eprintln!("error: {CHILD_ENV}={other:?}: expected `runtime` or `tokio`");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", report.to_line());
    ExitCode::SUCCESS
}

/// Shared settings, sized so the whole bench run takes about two and a half minutes on
/// a 2-core machine (14 functions of about 10 s each, then `net_memory`).
///
/// They are set on the `Criterion` value rather than on each group because
/// criterion lets group-level settings override the command line; set here,
/// flags such as `--measurement-time 1` or `--sample-size 10` still work.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
}

/// Criterion's entry point. `criterion_group!` generates an undocumented
/// `pub fn`; keeping it in a private module keeps `missing_docs` quiet.
mod entry {
    use super::{
        config, tcp_bulk, tcp_echo_1, tcp_echo_1000, tcp_echo_64, tcp_echo_read_buf_64, udp_echo_64,
    };
    use criterion::criterion_group;

    criterion_group! {
        name = net;
        config = config();
        targets =
            tcp_echo_1,
            tcp_echo_64,
            tcp_echo_1000,
            tcp_echo_read_buf_64,
            tcp_bulk,
            udp_echo_64,
    }
}

/// The workloads `paired_run` knows.
const PAIRED_WORKLOADS: [&str; 6] = [
    "tcp_echo_1",
    "tcp_echo_64",
    "tcp_echo_1000",
    "tcp_echo_read_buf_64",
    "tcp_bulk",
    "udp_echo_64",
];

/// The paired comparison of workload `name`, one of `PAIRED_WORKLOADS`
/// (see `benches::paired`).
fn paired_run(name: &str, rounds: usize) -> paired::Summary {
    macro_rules! pair {
        ($setup:ident($($arg:expr),*), $workload:ident) => {{
            let mut a = on_runtime::$setup($($arg),*);
            let mut b = on_tokio::$setup($($arg),*);
            paired::run(
                name,
                rounds,
                &mut || on_runtime::$workload(&mut a),
                &mut || on_tokio::$workload(&mut b),
            )
        }};
    }
    match name {
        "tcp_echo_1" => pair!(tcp_echo_setup(ECHO_1), tcp_echo),
        "tcp_echo_64" => pair!(tcp_echo_setup(ECHO_64), tcp_echo),
        "tcp_echo_1000" => pair!(tcp_echo_setup(echo_1000_shape()), tcp_echo),
        "tcp_echo_read_buf_64" => {
            // First ours `read_buf` against ours `read` into an array (the
            // reference, printed), then against Tokio's `read_buf` (the
            // summary), each pair set up side by side and dropped after.
            let reference = {
                let mut a = on_runtime::tcp_echo_reading_setup(ECHO_64, EchoRead::ReadBuf);
                let mut b = on_runtime::tcp_echo_reading_setup(ECHO_64, EchoRead::Array);
                paired::run(
                    "tcp_echo_read_buf_64 reference (ours read_buf / ours read into [u8; 4096]; \
                     \"tokio\" below means ours with read)",
                    rounds,
                    &mut || on_runtime::tcp_echo(&mut a),
                    &mut || on_runtime::tcp_echo(&mut b),
                )
            };
            println!("{reference}");
            pair!(tcp_echo_reading_setup(ECHO_64, EchoRead::ReadBuf), tcp_echo)
        }
        "tcp_bulk" => pair!(tcp_bulk_setup(), tcp_bulk),
        "udp_echo_64" => pair!(udp_echo_setup(), udp_echo),
        other => unreachable!("{other} is not in PAIRED_WORKLOADS"),
    }
}

/// What `criterion_main!` generates, plus the `net_memory` child mode, the
/// paired mode, and the `net_memory` measurement after the groups.
fn main() -> ExitCode {
    if let Ok(side) = env::var(CHILD_ENV) {
        return memory_child(&side);
    }
    if let Some(exit) = paired::dispatch(&PAIRED_WORKLOADS, paired_run) {
        return exit;
    }
    entry::net();
    Criterion::default().configure_from_args().final_summary();
    net_memory(MemoryRun::from_args(
        env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned()),
    ));
    ExitCode::SUCCESS
}
