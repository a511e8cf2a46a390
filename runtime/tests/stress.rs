//! Load held: a million tasks, ~10,000 loopback TCP connections, 100,000
//! timers with cancellations, and channel / `Notify` storms across workers.
//!
//! Meant for release mode: `cargo test -p runtime --release --test stress -- --nocapture`
//! (the figures are printed; `--nocapture` shows them). Every case runs two
//! identical rounds, one at a time (a global lock serialises the tests of this
//! binary so the descriptor and memory figures are not mixed up), each under
//! a watchdog that aborts the process if the round hangs. After each round no
//! descriptor the round opened may still be open; after the second
//! round the resident set must not have grown materially beyond the first.
#![cfg(feature = "full")]
#![cfg(target_os = "linux")]
// Release only: in debug the same cases take ~43 s, and CI runs them in release.
#![cfg(not(debug_assertions))]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpSocket, TcpStream};
use runtime::sync::{broadcast, mpsc, Barrier, Notify, Semaphore};
use runtime::task::{self, JoinSet};
use runtime::time::{self, Duration, Instant};
use runtime::{Builder, Runtime};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc as std_mpsc, Arc, Mutex};
use std::thread;

/// Serialises the cases: descriptor and RSS figures are process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

/// Longest a single round may take before the watchdog aborts the process.
const ROUND_LIMIT: Duration = Duration::from_secs(180);

/// Growth of the resident set allowed from round 1 to round 2: the larger of
/// this and a tenth of the round-1 figure (allocator noise, lazily touched
/// pages), far below what leaking a round's tasks, timers or sockets costs.
const RSS_SLACK_KIB: u64 = 24 * 1024;

/// Growth of the allocator's in-use bytes allowed from round 1 to round 2:
/// one round's leaked tasks or sockets would be tens of MiB.
const HEAP_SLACK_KIB: u64 = 2 * 1024;

fn multi(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .unwrap()
}

fn current() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// xorshift64: a fixed-seed PRNG, so every run (and both rounds) see the
/// same workload.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Open descriptors of this process.
fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// This process's open descriptors, each with what it refers to (the link
/// in `/proc/self/fd`: `socket:[…]`, `anon_inode:[eventpoll]`…), less the
/// directory's own descriptor used to list them.
fn open_fds() -> BTreeMap<u32, String> {
    let own = format!("/proc/{}/fd", std::process::id());
    let mut fds = BTreeMap::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap() {
        let entry = entry.unwrap();
        let Ok(fd) = entry.file_name().to_string_lossy().parse() else {
            continue;
        };
        // A descriptor closed while the listing ran has no link to read.
        if let Ok(target) = std::fs::read_link(entry.path()) {
            let target = target.display().to_string();
            if target != own {
                fds.insert(fd, target);
            }
        }
    }
    fds
}

/// The descriptors open now that were not open (to the same thing) in
/// `before`: what a round left behind. One open in `before` and closed
/// since is no leak: it belonged to whatever else the process was doing
/// (the test harness, a finished case's threads), not to the round.
fn opened_since(before: &BTreeMap<u32, String>) -> Vec<String> {
    open_fds()
        .into_iter()
        .filter(|(fd, target)| before.get(fd) != Some(target))
        .map(|(fd, target)| format!("{fd} -> {target}"))
        .collect()
}

/// Resident set size in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("VmRSS in /proc/self/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Memory figures after a round, in KiB: the resident set once the allocator
/// has handed its free pages back (glibc keeps freed memory in its arenas, so
/// the raw figure depends on fragmentation more than on what is live), and
/// the bytes the allocator counts as in use (`None` off glibc).
fn memory_kib() -> (u64, Option<u64>) {
    #[cfg(target_env = "gnu")]
    {
        // SAFETY: plain glibc calls with no pointer arguments.
        let info = unsafe {
            libc::malloc_trim(0);
            libc::mallinfo2()
        };
        (
            rss_kib(),
            Some(((info.uordblks + info.hblkhd) / 1024) as u64),
        )
    }
    #[cfg(not(target_env = "gnu"))]
    {
        (rss_kib(), None)
    }
}

/// Aborts the process with a message unless dropped within `limit`: a hung
/// round fails CI instead of stalling it.
struct Watchdog {
    _done: std_mpsc::Sender<()>,
}

fn watchdog(what: String, limit: Duration) -> Watchdog {
    let (tx, rx) = std_mpsc::channel::<()>();
    thread::Builder::new()
        .name("stress-watchdog".into())
        .spawn(move || {
            if let Err(std_mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                // Straight to the stderr handle: `eprintln!` output is
                // captured by the test harness, and lost on abort.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "stress watchdog: `{what}` still running after {limit:?}: hung, aborting"
                );
                std::process::abort();
            }
        })
        .unwrap();
    Watchdog { _done: tx }
}

fn kib(heap: Option<u64>) -> String {
    heap.map_or_else(|| "n/a".to_string(), |h| format!("{h} KiB"))
}

/// Runs `round` twice under the watchdog, checking descriptors after each
/// round and memory after the second. `round` returns its figures.
fn case(name: &str, round: impl Fn() -> String) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let fds_start = open_fds();
    let (rss_start, heap_start) = memory_kib();
    println!(
        "[stress] {name}: start: {} fds, rss {rss_start} KiB, heap in use {}",
        fds_start.len(),
        kib(heap_start)
    );
    let mut mem = [(0u64, None); 2];
    for (r, mem_after) in mem.iter_mut().enumerate() {
        let dog = watchdog(format!("{name} round {}", r + 1), ROUND_LIMIT);
        let started = std::time::Instant::now();
        let figures = round();
        let took = started.elapsed();
        drop(dog);
        // Everything was dropped synchronously: allow a moment for nothing
        // more than thread exits, then demand that no descriptor opened
        // since the start is still open.
        let mut leaked = opened_since(&fds_start);
        let settle = std::time::Instant::now();
        while !leaked.is_empty() && settle.elapsed() < Duration::from_secs(2) {
            thread::sleep(Duration::from_millis(20));
            leaked = opened_since(&fds_start);
        }
        let fds = open_fds().len();
        let raw_rss = rss_kib();
        *mem_after = memory_kib();
        println!(
            "[stress] {name} round {}: {figures}; took {took:.2?}; fds {} -> {fds}; \
             rss {raw_rss} KiB, {} KiB after malloc_trim; heap in use {}",
            r + 1,
            fds_start.len(),
            mem_after.0,
            kib(mem_after.1),
        );
        assert!(
            leaked.is_empty(),
            "{name} round {}: descriptors left open: {leaked:?} (open at the start: {fds_start:?})",
            r + 1
        );
    }
    let [(rss1, heap1), (rss2, heap2)] = mem;
    let slack = RSS_SLACK_KIB.max(rss1 / 10);
    println!(
        "[stress] {name}: rss after round 1 {rss1} KiB, after round 2 {rss2} KiB \
         (growth {:+} KiB, allowed {slack} KiB); heap in use {} -> {}",
        rss2 as i64 - rss1 as i64,
        kib(heap1),
        kib(heap2)
    );
    if std::env::var_os("STRESS_NO_MEMORY_BOUNDS").is_some() {
        // Set by CI's AddressSanitizer run: ASan keeps freed blocks in a
        // quarantine (and its allocator has no `mallinfo2`), so memory
        // figures say nothing about leaks there; LeakSanitizer checks those.
        println!("[stress] {name}: memory bounds not checked (STRESS_NO_MEMORY_BOUNDS)");
        return;
    }
    assert!(
        rss2 <= rss1 + slack,
        "{name}: resident set grew from {rss1} KiB after round 1 to {rss2} KiB after round 2"
    );
    if let (Some(h1), Some(h2)) = (heap1, heap2) {
        assert!(
            h2 <= h1 + HEAP_SLACK_KIB,
            "{name}: heap in use grew from {h1} KiB after round 1 to {h2} KiB after round 2"
        );
    }
}

// ---------------------------------------------------------------------------
// A million tasks.

const TASKS: u64 = 1_000_000;

/// 1M tasks spawned from `block_on` with every handle kept and joined; then
/// 1M more spawned by 1,000 tasks (1,000 each, from inside the runtime);
/// then 1M detached tasks counted down. Every value is summed and checked.
fn million_tasks(rt: Runtime) -> String {
    let ran = Arc::new(AtomicU64::new(0));
    let (from_outside, from_inside, detached) = rt.block_on({
        let ran = ran.clone();
        async move {
            let handles: Vec<_> = (0..TASKS)
                .map(|i| {
                    let ran = ran.clone();
                    runtime::spawn(async move {
                        ran.fetch_add(1, SeqCst);
                        i
                    })
                })
                .collect();
            let mut from_outside = 0u64;
            for h in handles {
                from_outside += h.await.unwrap();
            }

            let parents: Vec<_> = (0..1_000u64)
                .map(|p| {
                    let ran = ran.clone();
                    runtime::spawn(async move {
                        let kids: Vec<_> = (0..1_000u64)
                            .map(|k| {
                                let ran = ran.clone();
                                runtime::spawn(async move {
                                    ran.fetch_add(1, SeqCst);
                                    p * 1_000 + k
                                })
                            })
                            .collect();
                        let mut sum = 0;
                        for k in kids {
                            sum += k.await.unwrap();
                        }
                        sum
                    })
                })
                .collect();
            let mut from_inside = 0u64;
            for p in parents {
                from_inside += p.await.unwrap();
            }

            // Detached: the handles are dropped at once; the last task to
            // finish signals.
            let sum = Arc::new(AtomicU64::new(0));
            let left = Arc::new(AtomicU64::new(TASKS));
            let all_done = Arc::new(Notify::new());
            for i in 0..TASKS {
                let (ran, sum, left, all_done) =
                    (ran.clone(), sum.clone(), left.clone(), all_done.clone());
                drop(runtime::spawn(async move {
                    ran.fetch_add(1, SeqCst);
                    sum.fetch_add(i, SeqCst);
                    if left.fetch_sub(1, SeqCst) == 1 {
                        all_done.notify_one();
                    }
                }));
            }
            all_done.notified().await;
            (from_outside, from_inside, sum.load(SeqCst))
        }
    });
    let expected = TASKS * (TASKS - 1) / 2;
    assert_eq!(
        from_outside, expected,
        "joined results from block_on spawns"
    );
    assert_eq!(from_inside, expected, "joined results from in-task spawns");
    assert_eq!(detached, expected, "detached tasks' contributions");
    assert_eq!(ran.load(SeqCst), 3 * TASKS, "every task ran exactly once");
    // Detached tasks may still be releasing their last reference.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while rt.handle().num_alive_tasks() != 0 {
        assert!(std::time::Instant::now() < deadline, "tasks left alive");
        thread::sleep(Duration::from_millis(1));
    }
    drop(rt);
    format!("{} tasks run, sums exact", 3 * TASKS)
}

#[test]
fn million_tasks_multi_thread() {
    case("1M tasks x3, multi_thread(2)", || million_tasks(multi(2)));
}

#[test]
fn million_tasks_current_thread() {
    case("1M tasks x3, current_thread", || million_tasks(current()));
}

// ---------------------------------------------------------------------------
// ~10,000 concurrent loopback TCP connections.

/// Raises the soft descriptor limit to the hard one; returns (soft, hard).
// `rlim_t` is u64 on 64-bit Linux, not everywhere.
#[allow(clippy::unnecessary_cast)]
fn raise_nofile_limit() -> (u64, u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for the call.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    assert_eq!(rc, 0, "getrlimit: {}", std::io::Error::last_os_error());
    if lim.rlim_cur < lim.rlim_max {
        lim.rlim_cur = lim.rlim_max;
        // SAFETY: `lim` is a valid rlimit; raising the soft limit up to the
        // hard one needs no privilege.
        let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) };
        assert_eq!(rc, 0, "setrlimit: {}", std::io::Error::last_os_error());
    }
    (lim.rlim_cur as u64, lim.rlim_max as u64)
}

/// Byte `pos` of connection `id`'s payload: a hash of both, so a lost,
/// duplicated or reordered byte (or one from another connection) shows.
fn payload_byte(id: u32, pos: usize) -> u8 {
    let mut z = (u64::from(id) << 40) ^ (pos as u64 >> 3);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> ((pos & 7) * 8)) as u8
}

fn payload(id: u32, len: usize) -> Vec<u8> {
    (0..len).map(|pos| payload_byte(id, pos)).collect()
}

/// FNV-1a, the per-connection checksum reported in the figures.
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01B3);
    }
    h
}
const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

/// Server side of one connection: reads the 8-byte header (id, length), then
/// checks every payload byte as it arrives and echoes it; expects EOF after
/// the payload, then closes its write side. Returns the payload's checksum.
async fn serve_one(stream: TcpStream) -> std::io::Result<(u32, u64)> {
    let (mut r, mut w) = stream.into_split();
    let mut header = [0u8; 8];
    r.read_exact(&mut header).await?;
    w.write_all(&header).await?;
    let id = u32::from_le_bytes(header[..4].try_into().unwrap());
    let len = u32::from_le_bytes(header[4..].try_into().unwrap()) as usize;
    let mut buf = vec![0u8; 4096];
    let mut pos = 0;
    let mut sum = FNV_OFFSET;
    while pos < len {
        let want = buf.len().min(len - pos);
        let n = r.read(&mut buf[..want]).await?;
        assert!(n > 0, "connection {id}: EOF after {pos} of {len} bytes");
        for (k, &b) in buf[..n].iter().enumerate() {
            assert_eq!(
                b,
                payload_byte(id, pos + k),
                "connection {id}: server got a wrong byte at {}",
                pos + k
            );
        }
        sum = fnv1a(&buf[..n], sum);
        w.write_all(&buf[..n]).await?;
        pos += n;
    }
    assert_eq!(
        r.read(&mut buf).await?,
        0,
        "connection {id}: data past the payload"
    );
    w.shutdown().await?;
    Ok((id, sum))
}

/// Client side: connect (at most `connecting` at a time, so the listen
/// backlog never overflows), wait until every client is connected, then
/// write the payload in random-sized chunks while reading the echo back.
async fn client_one(
    id: u32,
    len: usize,
    addr: std::net::SocketAddr,
    connecting: Arc<Semaphore>,
    all_open: Arc<Barrier>,
) -> (u64, usize) {
    let stream = {
        let _permit = connecting.acquire().await.unwrap();
        TcpStream::connect(addr).await.unwrap()
    };
    all_open.wait().await;
    let (mut r, mut w) = stream.into_split();
    let data = payload(id, len);
    let mut rng = Rng::new(u64::from(id) + 7);
    let writer = async {
        let mut header = [0u8; 8];
        header[..4].copy_from_slice(&id.to_le_bytes());
        header[4..].copy_from_slice(&(len as u32).to_le_bytes());
        w.write_all(&header).await.unwrap();
        let mut pos = 0;
        while pos < len {
            let chunk = (1 + rng.below(3000) as usize).min(len - pos);
            w.write_all(&data[pos..pos + chunk]).await.unwrap();
            pos += chunk;
        }
        w.shutdown().await.unwrap();
    };
    let reader = async {
        let mut echoed = Vec::with_capacity(len + 8);
        r.read_to_end(&mut echoed).await.unwrap();
        echoed
    };
    let ((), echoed) = runtime::join!(writer, reader);
    assert_eq!(echoed.len(), len + 8, "connection {id}: echo length");
    assert_eq!(&echoed[..4], &id.to_le_bytes(), "connection {id}: header");
    if echoed[8..] != data[..] {
        let at = echoed[8..]
            .iter()
            .zip(&data)
            .position(|(a, b)| a != b)
            .unwrap();
        panic!("connection {id}: echoed payload differs first at byte {at}");
    }
    (fnv1a(&data, FNV_OFFSET), len)
}

fn tcp_round(conns: usize) -> String {
    let rt = multi(2);
    let fds_before = fd_count();
    let (peak_fds, bytes, matched) = rt.block_on(async move {
        let sock = TcpSocket::new_v4().unwrap();
        sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = sock.listen(4096).unwrap();
        let addr = listener.local_addr().unwrap();

        let server = runtime::spawn(async move {
            let mut conns_served = JoinSet::new();
            for _ in 0..conns {
                let (stream, _) = listener.accept().await.unwrap();
                conns_served.spawn(serve_one(stream));
            }
            drop(listener);
            let mut sums = vec![0u64; conns];
            while let Some(res) = conns_served.join_next().await {
                let (id, sum) = res.unwrap().unwrap();
                assert_eq!(sums[id as usize], 0, "connection {id} served twice");
                sums[id as usize] = sum;
            }
            sums
        });

        let connecting = Arc::new(Semaphore::new(256));
        let all_open = Arc::new(Barrier::new(conns + 1));
        let mut rng = Rng::new(0x5EED_0001);
        let mut clients = Vec::with_capacity(conns);
        for id in 0..conns as u32 {
            let len = 1024 + rng.below(15 * 1024) as usize;
            clients.push(runtime::spawn(client_one(
                id,
                len,
                addr,
                connecting.clone(),
                all_open.clone(),
            )));
        }
        // Every client is connected now, and none has closed yet.
        all_open.wait().await;
        let peak_fds = fd_count();

        let mut client_sums = Vec::with_capacity(conns);
        let mut bytes = 0;
        for c in clients {
            let (sum, len) = c.await.unwrap();
            client_sums.push(sum);
            bytes += len;
        }
        let server_sums = server.await.unwrap();
        let matched = client_sums
            .iter()
            .zip(&server_sums)
            .filter(|(c, s)| c == s)
            .count();
        (peak_fds, bytes, matched)
    });
    assert_eq!(matched, conns, "client and server checksums agree");
    // Client sockets at least were all open at once.
    assert!(
        peak_fds >= fds_before + conns,
        "only {peak_fds} descriptors open at the peak for {conns} connections"
    );
    drop(rt);
    format!(
        "{conns} connections open at once (peak {peak_fds} fds), {bytes} payload bytes each way, \
         {matched} checksums matched"
    )
}

#[test]
fn ten_thousand_tcp_connections_echo_checksummed_data() {
    let (soft, hard) = raise_nofile_limit();
    // Both ends live here: two descriptors a connection, plus a margin for
    // the runtime, the test harness and the listener.
    let conns = 10_000.min((hard.saturating_sub(256) / 2) as usize);
    assert!(
        conns >= 100,
        "descriptor limit {hard} too low for a meaningful run"
    );
    println!("[stress] RLIMIT_NOFILE soft {soft}, hard {hard}: using {conns} connections");
    case(&format!("{conns} TCP connections, multi_thread(2)"), || {
        tcp_round(conns)
    });
}

// ---------------------------------------------------------------------------
// 100,000 timers with random deadlines and random cancellations.

const TIMERS: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Fired,
    /// Its own earlier "cancel" timer won a biased select: the sleep was dropped.
    DroppedBySelect,
}

/// Every timer is a task sleeping until a random deadline 1..=1000 ms out.
/// A quarter are aborted through their `JoinHandle` at a random moment
/// before their deadline; a quarter race their sleep against an earlier
/// timer in a `biased` select, which must always win. Every other timer must
/// fire exactly once and never before its deadline.
fn timers_round(rt: Runtime) -> String {
    let fired: Arc<Vec<AtomicU8>> = Arc::new((0..TIMERS).map(|_| AtomicU8::new(0)).collect());
    let early = Arc::new(AtomicUsize::new(0));
    let worst_late_us = Arc::new(AtomicU64::new(0));
    let (plain, selects, aborted, abort_too_late) = rt.block_on({
        let (fired, early, worst_late_us) = (fired.clone(), early.clone(), worst_late_us.clone());
        async move {
            let mut rng = Rng::new(0x7131_E125);
            let start = Instant::now();
            let mut handles = Vec::with_capacity(TIMERS);
            let mut kinds = Vec::with_capacity(TIMERS);
            let mut aborts = Vec::new();
            for i in 0..TIMERS {
                let deadline = start + Duration::from_micros(1_000 + rng.below(999_000));
                let kind = rng.below(4);
                let cancel_at = start + (deadline - start).mul_f64(rng.below(1000) as f64 / 1000.0);
                let (fired, early, worst_late_us) =
                    (fired.clone(), early.clone(), worst_late_us.clone());
                let fire = move || {
                    let now = Instant::now();
                    if now < deadline {
                        early.fetch_add(1, SeqCst);
                    }
                    worst_late_us.fetch_max((now - deadline).as_micros() as u64, SeqCst);
                    fired[i].fetch_add(1, SeqCst);
                    Outcome::Fired
                };
                let h = if kind == 0 {
                    runtime::spawn(async move {
                        runtime::select! {
                            biased;
                            _ = time::sleep_until(cancel_at) => Outcome::DroppedBySelect,
                            _ = time::sleep_until(deadline) => fire(),
                        }
                    })
                } else {
                    if kind == 1 {
                        aborts.push((cancel_at, i));
                    }
                    runtime::spawn(async move {
                        time::sleep_until(deadline).await;
                        fire()
                    })
                };
                handles.push(h);
                kinds.push(kind);
            }
            aborts.sort();
            let aborters: Vec<_> = aborts
                .iter()
                .map(|&(_, i)| handles[i].abort_handle())
                .collect();
            let canceller = runtime::spawn(async move {
                for ((at, _), abort) in aborts.into_iter().zip(aborters) {
                    time::sleep_until(at).await;
                    abort.abort();
                }
            });
            let (mut plain, mut selects, mut aborted, mut abort_too_late) = (0, 0, 0, 0);
            for (i, (h, kind)) in handles.into_iter().zip(kinds).enumerate() {
                let res = h.await;
                let count = fired[i].load(SeqCst);
                match (kind, res) {
                    (0, Ok(Outcome::DroppedBySelect)) => {
                        assert_eq!(count, 0, "timer {i}: dropped sleep fired");
                        selects += 1;
                    }
                    (0, other) => {
                        panic!("timer {i}: the earlier timer lost the biased select: {other:?}")
                    }
                    (1, Err(e)) if e.is_cancelled() => {
                        assert_eq!(count, 0, "timer {i}: aborted but its sleep completed");
                        aborted += 1;
                    }
                    (1, Ok(Outcome::Fired)) => {
                        assert_eq!(count, 1, "timer {i}: fired {count} times");
                        abort_too_late += 1;
                    }
                    (_, Ok(Outcome::Fired)) => {
                        assert_eq!(count, 1, "timer {i}: fired {count} times");
                        plain += 1;
                    }
                    (_, other) => panic!("timer {i} (kind {kind}): {other:?}"),
                }
            }
            canceller.await.unwrap();
            (plain, selects, aborted, abort_too_late)
        }
    });
    assert_eq!(early.load(SeqCst), 0, "timers fired before their deadline");
    assert_eq!(plain + selects + aborted + abort_too_late, TIMERS);
    drop(rt);
    format!(
        "{TIMERS} timers: {plain} uncancelled fired once each, none early (worst lateness {:.1} ms); \
         {selects} dropped by select; {aborted} aborted in time, {abort_too_late} aborted after firing",
        worst_late_us.load(SeqCst) as f64 / 1000.0
    )
}

#[test]
fn hundred_thousand_timers_with_cancellations_multi_thread() {
    case("100k timers, multi_thread(2)", || timers_round(multi(2)));
}

#[test]
fn hundred_thousand_timers_with_cancellations_current_thread() {
    case("100k timers, current_thread", || timers_round(current()));
}

// ---------------------------------------------------------------------------
// Channel and Notify storms across workers.

/// Checks per-producer FIFO order: each (producer, seq) must be the next
/// expected one, so a lost or duplicated message fails at once.
fn check_next(next: &mut [u32], (producer, seq): (u32, u32)) {
    let expected = &mut next[producer as usize];
    assert_eq!(
        seq, *expected,
        "producer {producer}: got seq {seq}, expected {expected} (lost, duplicated or reordered)"
    );
    *expected += 1;
}

fn mpsc_storm(rt: &Runtime) -> String {
    const TASK_PRODUCERS: u32 = 8;
    const THREAD_PRODUCERS: u32 = 4;
    const PER_PRODUCER: u32 = 100_000;
    rt.block_on(async {
        // Bounded (capacity 64): async producers on the workers plus
        // `blocking_send` from blocking-pool threads.
        let (tx, mut rx) = mpsc::channel::<(u32, u32)>(64);
        for p in 0..TASK_PRODUCERS {
            let tx = tx.clone();
            runtime::spawn(async move {
                for seq in 0..PER_PRODUCER {
                    tx.send((p, seq)).await.unwrap();
                }
            });
        }
        for p in TASK_PRODUCERS..TASK_PRODUCERS + THREAD_PRODUCERS {
            let tx = tx.clone();
            runtime::spawn_blocking(move || {
                for seq in 0..PER_PRODUCER {
                    tx.blocking_send((p, seq)).unwrap();
                }
            });
        }
        drop(tx);
        let bounded = runtime::spawn(async move {
            let mut next = vec![0u32; (TASK_PRODUCERS + THREAD_PRODUCERS) as usize];
            let mut n = 0u64;
            while let Some(msg) = rx.recv().await {
                check_next(&mut next, msg);
                n += 1;
            }
            assert!(next.iter().all(|&k| k == PER_PRODUCER), "{next:?}");
            n
        });

        // Unbounded, received in batches with `recv_many`.
        let (utx, mut urx) = mpsc::unbounded_channel::<(u32, u32)>();
        for p in 0..TASK_PRODUCERS {
            let utx = utx.clone();
            runtime::spawn(async move {
                for seq in 0..PER_PRODUCER {
                    utx.send((p, seq)).unwrap();
                    if seq % 256 == 0 {
                        task::yield_now().await;
                    }
                }
            });
        }
        drop(utx);
        let unbounded = runtime::spawn(async move {
            let mut next = vec![0u32; TASK_PRODUCERS as usize];
            let mut batch = Vec::new();
            let mut n = 0u64;
            while urx.recv_many(&mut batch, 128).await > 0 {
                for msg in batch.drain(..) {
                    check_next(&mut next, msg);
                    n += 1;
                }
            }
            assert!(next.iter().all(|&k| k == PER_PRODUCER), "{next:?}");
            n
        });
        let (b, u) = (bounded.await.unwrap(), unbounded.await.unwrap());
        assert_eq!(
            b,
            u64::from((TASK_PRODUCERS + THREAD_PRODUCERS) * PER_PRODUCER)
        );
        assert_eq!(u, u64::from(TASK_PRODUCERS * PER_PRODUCER));
        format!("mpsc: bounded {b} msgs (8 tasks + 4 blocking threads), unbounded {u} msgs")
    })
}

fn broadcast_storm(rt: &Runtime) -> String {
    const MESSAGES: u64 = 200_000;
    const RECEIVERS: usize = 6;
    rt.block_on(async {
        let (tx, _) = broadcast::channel::<u64>(256);
        let mut receivers = Vec::new();
        for _ in 0..RECEIVERS {
            let mut rx = tx.subscribe();
            receivers.push(runtime::spawn(async move {
                // Every value is either received, in order, or reported by
                // `Lagged(n)`: nothing vanishes silently, nothing repeats.
                let (mut expected, mut got, mut lagged) = (0u64, 0u64, 0u64);
                loop {
                    match rx.recv().await {
                        Ok(v) => {
                            assert_eq!(v, expected, "broadcast value out of order or repeated");
                            expected += 1;
                            got += 1;
                        }
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            expected += n;
                            lagged += n;
                        }
                        Err(broadcast::error::RecvError::Closed) => break,
                    }
                }
                assert_eq!(expected, MESSAGES, "received + lagged = sent");
                (got, lagged)
            }));
        }
        let sender = runtime::spawn(async move {
            for v in 0..MESSAGES {
                tx.send(v).unwrap();
                if v % 64 == 0 {
                    task::yield_now().await;
                }
            }
        });
        sender.await.unwrap();
        let (mut got, mut lagged) = (0, 0);
        for r in receivers {
            let (g, l) = r.await.unwrap();
            got += g;
            lagged += l;
        }
        assert_eq!(got + lagged, MESSAGES * RECEIVERS as u64);
        format!("broadcast: {MESSAGES} x {RECEIVERS} receivers, {got} received + {lagged} reported lagged")
    })
}

fn notify_storm(rt: &Runtime) -> String {
    const PAIRS: usize = 32;
    const EVENTS: u64 = 20_000;
    const WAITERS: usize = 64;
    const GENERATIONS: usize = 2_000;
    rt.block_on(async {
        // notify_one as an event signal: a lost wakeup leaves a consumer
        // waiting forever (the watchdog fires).
        let mut pairs = Vec::new();
        for _ in 0..PAIRS {
            let notify = Arc::new(Notify::new());
            let produced = Arc::new(AtomicU64::new(0));
            let (n, p) = (notify.clone(), produced.clone());
            let consumer = runtime::spawn(async move {
                let (mut seen, mut wakeups) = (0u64, 0u64);
                loop {
                    let now = p.load(SeqCst);
                    assert!(now >= seen);
                    seen = now;
                    if seen == EVENTS {
                        return wakeups;
                    }
                    n.notified().await;
                    wakeups += 1;
                }
            });
            let producer = runtime::spawn(async move {
                for i in 0..EVENTS {
                    produced.fetch_add(1, SeqCst);
                    notify.notify_one();
                    if i % 32 == 0 {
                        task::yield_now().await;
                    }
                }
            });
            pairs.push((producer, consumer));
        }
        let mut wakeups = 0;
        for (p, c) in pairs {
            p.await.unwrap();
            wakeups += c.await.unwrap();
        }
        assert!(
            wakeups <= PAIRS as u64 * EVENTS,
            "more wakeups than notifications"
        );

        // notify_waiters generations: every registered waiter is woken by
        // each generation exactly once.
        let notify = Arc::new(Notify::new());
        let registered = Arc::new(AtomicUsize::new(0));
        let mut waiters = Vec::new();
        for _ in 0..WAITERS {
            let (notify, registered) = (notify.clone(), registered.clone());
            waiters.push(runtime::spawn(async move {
                let mut seen = 0;
                for _ in 0..GENERATIONS {
                    let notified = notify.notified();
                    let mut notified = std::pin::pin!(notified);
                    notified.as_mut().enable();
                    registered.fetch_add(1, SeqCst);
                    notified.await;
                    seen += 1;
                }
                seen
            }));
        }
        for g in 1..=GENERATIONS {
            while registered.load(SeqCst) < WAITERS * g {
                task::yield_now().await;
            }
            assert_eq!(registered.load(SeqCst), WAITERS * g, "a waiter ran ahead");
            notify.notify_waiters();
        }
        for w in waiters {
            assert_eq!(w.await.unwrap(), GENERATIONS);
        }
        format!(
            "Notify: {PAIRS} pairs x {EVENTS} events ({wakeups} wakeups), \
             {WAITERS} waiters x {GENERATIONS} notify_waiters generations"
        )
    })
}

#[test]
fn channel_and_notify_storms_across_workers() {
    case("mpsc/broadcast/Notify storms, multi_thread(2)", || {
        let rt = multi(2);
        let figures = [mpsc_storm(&rt), broadcast_storm(&rt), notify_storm(&rt)].join("; ");
        assert_eq!(rt.handle().num_alive_tasks(), 0);
        drop(rt);
        figures
    });
}
