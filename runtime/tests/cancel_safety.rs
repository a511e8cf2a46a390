//! Cancel safety of every async method documented as cancel-safe in
//! `runtime-net`, `runtime::io`, `runtime::task` and `runtime::time`.
//!
//! Each test starts the operation, gets it to an await point where it is
//! `Pending`, drops it there (by polling it once by hand, or by letting it
//! lose a `select!` against a short timer), then makes the awaited event
//! happen and checks that a fresh call observes every byte, datagram,
//! connection or task output: nothing was consumed by the dropped future.
//! Operations that can pend at more than one point (a buffered flush that
//! wrote part of its buffer, a line read half-way) are dropped after partial
//! progress as well.
//!
//! Every test runs on both runtime flavours where that makes sense (the
//! paused clock and `LocalSet` are current-thread only), inside a runtime
//! timeout and under a watchdog thread that aborts the process if the test
//! hangs.
#![cfg(feature = "full")]

use runtime::io::{
    self, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter,
};
use runtime::net::{
    TcpListener, TcpSocket, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream,
};
use runtime::sync::oneshot;
use runtime::task::{JoinSet, LocalSet};
use runtime::time::{sleep, timeout, Duration, Instant};
use std::future::{poll_fn, Future};
use std::io::ErrorKind;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::task::Poll;

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Flavour {
    CurrentThread,
    MultiThread,
}

/// How long a test body may run before the runtime-level timeout fails it.
const TEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The watchdog's backstop, for a runtime too stuck to fire its own timer.
const WATCHDOG: Duration = Duration::from_secs(90);

/// Runs `body` on a fresh runtime of the given flavour, failing the test if it
/// takes longer than `TEST_TIMEOUT` and aborting the process (so the test
/// binary does not hang forever) if even that does not fire.
fn run<F, Fut>(flavour: Flavour, body: F)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    let name = std::thread::current()
        .name()
        .unwrap_or("cancel_safety")
        .to_owned();
    let (done, watched) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        // A disconnect (the test finished or panicked) is fine; only a
        // timeout means the test hangs.
        if let Err(RecvTimeoutError::Timeout) = watched.recv_timeout(WATCHDOG) {
            eprintln!("watchdog: {name} still running after {WATCHDOG:?}; aborting");
            std::process::abort();
        }
    });
    let rt = match flavour {
        Flavour::CurrentThread => runtime::Builder::new_current_thread().build(),
        Flavour::MultiThread => runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build(),
    }
    .unwrap();
    rt.block_on(async {
        timeout(TEST_TIMEOUT, body())
            .await
            .expect("test timed out: a dropped future lost a wakeup or data");
    });
    drop(done);
}

/// Generates `#[test] fn NAME()` in `current_thread` and `multi_thread`
/// modules, each running the async fn `NAME` on that flavour.
macro_rules! both_flavours {
    ($($name:ident),* $(,)?) => {
        mod current_thread {
            $(#[test] fn $name() { super::run(super::Flavour::CurrentThread, super::$name) })*
        }
        mod multi_thread {
            $(#[test] fn $name() { super::run(super::Flavour::MultiThread, super::$name) })*
        }
    };
}

/// Generates tests for the current-thread flavour only.
macro_rules! current_thread_only {
    ($($name:ident),* $(,)?) => {
        mod current_thread_only {
            $(#[test] fn $name() { super::run(super::Flavour::CurrentThread, super::$name) })*
        }
    };
}

/// Polls `fut` exactly once, with the calling task's waker (so the future
/// registers interest exactly as an `.await` would), then drops it. Returns
/// its output if that one poll completed it.
async fn poll_once<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = pin!(fut);
    let out = poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
    match out {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// Polls `fut` once, asserts that it is `Pending`, and drops it there.
async fn drop_while_pending<F: Future>(what: &str, fut: F) {
    if poll_once(fut).await.is_some() {
        panic!("{what}: expected Pending on the first poll, it completed");
    }
}

/// Lets `fut` race a short timer in `select!` and lose: the future is polled
/// (at least once) and then dropped by the macro. Panics if it wins.
async fn lose_select<F: Future>(what: &str, fut: F) {
    runtime::select! {
        _ = fut => panic!("{what}: completed, but nothing was there to complete it"),
        _ = sleep(Duration::from_millis(15)) => {}
    }
}

/// Races `fut` against a short timer in `select!`: `None` if the timer won
/// (and the macro dropped `fut`), `Some(output)` if `fut` completed first.
/// For operations whose readiness the kernel may restore at any moment (a
/// full send buffer draining into the peer's receive buffer), where losing
/// the race cannot be forced.
async fn race_select<F: Future>(fut: F) -> Option<F::Output> {
    runtime::select! {
        out = fut => Some(out),
        _ = sleep(Duration::from_millis(15)) => None,
    }
}

/// The pattern byte at stream offset `i`: never 0xFF, so a stray write of
/// 0xFF bytes is detectable, and position-dependent, so duplicated or
/// skipped ranges are too.
fn pattern_byte(i: usize) -> u8 {
    (i * 31 % 251) as u8
}

fn pattern(range: std::ops::Range<usize>) -> Vec<u8> {
    range.map(pattern_byte).collect()
}

/// A connected TCP pair: (client, server).
async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    (client, server)
}

/// A TCP pair with small socket buffers, so that a writer fills them fast.
async fn small_buffer_tcp_pair() -> (TcpStream, TcpStream) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(8 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(16).unwrap();
    let client = TcpSocket::new_v4().unwrap();
    client.set_send_buffer_size(8 * 1024).unwrap();
    let client = client
        .connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// A fresh directory for Unix socket paths.
fn socket_dir(test: &str) -> std::path::PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "runtime-cancel-{}-{}-{}",
        std::process::id(),
        test,
        N.fetch_add(1, SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Streams whose non-blocking writes the tests use to fill the send buffer.
trait TryWrite {
    fn try_write(&self, buf: &[u8]) -> std::io::Result<usize>;
}

impl TryWrite for TcpStream {
    fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
        TcpStream::try_write(self, buf)
    }
}

impl TryWrite for UnixStream {
    fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
        UnixStream::try_write(self, buf)
    }
}

/// Writes the pattern (from offset `*written`) without waiting until the
/// socket's send buffer is full and stays full across a pause (so that the
/// kernel moving data to the peer is not still freeing room).
async fn fill_send_buffer<S: TryWrite>(stream: &S, written: &mut usize) {
    loop {
        let mut progressed = false;
        loop {
            let chunk = pattern(*written..*written + 4096);
            match stream.try_write(&chunk) {
                Ok(n) => {
                    *written += n;
                    progressed = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("try_write: {e}"),
            }
        }
        if !progressed {
            return;
        }
        sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------
// Reading: AsyncReadExt::read on sockets, halves and in-memory pipes
// ---------------------------------------------------------------------------

/// Drops `reader.read()` while pending, twice (by hand and in `select!`),
/// then writes from the peer and checks that reads get every byte.
async fn check_read_cancel<R, W>(what: &str, reader: &mut R, writer: &mut W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = [0u8; 64];
    drop_while_pending(what, reader.read(&mut buf)).await;
    lose_select(what, reader.read(&mut buf)).await;
    assert_eq!(buf, [0; 64], "{what}: a dropped read wrote into the buffer");

    let sent = pattern(0..1000);
    writer.write_all(&sent).await.unwrap();
    let mut got = Vec::new();
    while got.len() < sent.len() {
        let n = reader.read(&mut buf).await.unwrap();
        assert_ne!(n, 0, "{what}: unexpected end of stream");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, sent, "{what}: bytes lost or reordered");
}

async fn tcp_stream_read() {
    let (mut client, mut server) = tcp_pair().await;
    check_read_cancel("TcpStream::read", &mut server, &mut client).await;
}

async fn tcp_split_halves_read() {
    let (mut client, server) = tcp_pair().await;
    let (mut rd, _wr) = server.into_split();
    check_read_cancel("OwnedReadHalf::read", &mut rd, &mut client).await;

    let (mut client, mut server) = tcp_pair().await;
    let (mut rd, _wr) = server.split();
    check_read_cancel("ReadHalf::read", &mut rd, &mut client).await;
}

async fn unix_stream_read() {
    let (mut a, mut b) = UnixStream::pair().unwrap();
    check_read_cancel("UnixStream::read", &mut a, &mut b).await;
}

async fn duplex_read() {
    let (mut a, mut b) = io::duplex(4096);
    check_read_cancel("DuplexStream::read", &mut a, &mut b).await;
}

async fn read_u8() {
    let (mut a, mut b) = io::duplex(64);
    drop_while_pending("read_u8", a.read_u8()).await;
    lose_select("read_u8", a.read_u8()).await;
    b.write_all(&[9, 10]).await.unwrap();
    assert_eq!(a.read_u8().await.unwrap(), 9);
    assert_eq!(a.read_u8().await.unwrap(), 10);
}

// ---------------------------------------------------------------------------
// TcpStream / UnixStream: peek, readable, writable, write
// ---------------------------------------------------------------------------

async fn tcp_peek() {
    let (mut client, server) = tcp_pair().await;
    let mut buf = [0u8; 16];
    drop_while_pending("peek", server.peek(&mut buf)).await;
    lose_select("peek", server.peek(&mut buf)).await;
    client.write_all(b"peeked").await.unwrap();

    let n = server.peek(&mut buf).await.unwrap();
    assert!(n > 0 && buf[..n] == b"peeked"[..n]);
    // Still queued: the reads get all of it.
    let mut server = server;
    let mut got = [0u8; 6];
    server.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"peeked");
}

async fn tcp_readable() {
    let (mut client, server) = tcp_pair().await;
    drop_while_pending("TcpStream::readable", server.readable()).await;
    lose_select("TcpStream::readable", server.readable()).await;
    client.write_all(b"hello world").await.unwrap();

    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while got.len() < 11 {
        server.readable().await.unwrap();
        match server.try_read(&mut buf) {
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => panic!("try_read: {e}"),
        }
    }
    assert_eq!(got, b"hello world");
}

async fn unix_readable() {
    let (a, b) = UnixStream::pair().unwrap();
    drop_while_pending("UnixStream::readable", b.readable()).await;
    lose_select("UnixStream::readable", b.readable()).await;
    assert_eq!(a.try_write(b"unix").unwrap(), 4);
    b.readable().await.unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(b.try_read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"unix");
}

async fn tcp_writable() {
    let (client, server) = small_buffer_tcp_pair().await;
    check_writable_cancel("TcpStream::writable", &client, server, |s| async move {
        s.writable().await
    })
    .await;
}

async fn unix_writable() {
    let (a, b) = UnixStream::pair().unwrap();
    check_writable_cancel("UnixStream::writable", &a, b, |s| async move {
        s.writable().await
    })
    .await;
}

/// Fills `writer`'s send buffer, drops `writable(writer)` while pending,
/// drains the peer, and checks that `writable` then completes and the peer
/// got exactly what was written.
async fn check_writable_cancel<'a, S, P, F, Fut>(
    what: &str,
    writer: &'a S,
    mut peer: P,
    writable: F,
) where
    S: TryWrite,
    P: AsyncRead + Unpin + Send + 'static,
    F: Fn(&'a S) -> Fut,
    Fut: Future<Output = std::io::Result<()>>,
{
    // Drop the future while pending, by hand and in select!. The kernel
    // may still be moving data to the peer and free room meanwhile, making
    // the socket writable for real: then fill it again and retry.
    let mut written = 0;
    let mut dropped_by_hand = false;
    let mut dropped_by_select = false;
    for _ in 0..50 {
        fill_send_buffer(writer, &mut written).await;
        if !dropped_by_hand {
            dropped_by_hand = poll_once(writable(writer)).await.is_none();
        } else if race_select(writable(writer)).await.is_none() {
            dropped_by_select = true;
            break;
        }
    }
    assert!(
        dropped_by_hand && dropped_by_select,
        "{what}: never Pending with a full send buffer"
    );

    let total = written;
    let drain = runtime::spawn(async move {
        let mut got = vec![0u8; total];
        peer.read_exact(&mut got).await.unwrap();
        (got, peer)
    });
    writable(writer).await.unwrap();
    let (got, _peer) = drain.await.unwrap();
    assert!(got == pattern(0..total), "{what}: the peer got other bytes");
    // There is room again.
    loop {
        match writer.try_write(b"more") {
            Ok(n) => {
                assert!(n > 0);
                break;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => writable(writer).await.unwrap(),
            Err(e) => panic!("{what}: try_write: {e}"),
        }
    }
}

/// `AsyncWriteExt::write` on a full socket: dropping it writes nothing.
async fn tcp_write() {
    let (mut client, mut server) = small_buffer_tcp_pair().await;
    // The dropped write carries the next pattern bytes: if it wrote any
    // without reporting them, they would appear twice in the stream. A write
    // that completes (the kernel freed room meanwhile) is counted, and the
    // buffer filled again.
    let mut written = 0;
    let mut dropped_by_hand = false;
    let mut dropped_by_select = false;
    for _ in 0..50 {
        fill_send_buffer(&client, &mut written).await;
        let chunk = pattern(written..written + 4096);
        if !dropped_by_hand {
            match poll_once(client.write(&chunk)).await {
                None => dropped_by_hand = true,
                Some(n) => written += n.unwrap(),
            }
        } else {
            match race_select(client.write(&chunk)).await {
                None => {
                    dropped_by_select = true;
                    break;
                }
                Some(n) => written += n.unwrap(),
            }
        }
    }
    assert!(
        dropped_by_hand && dropped_by_select,
        "write: never Pending with a full send buffer"
    );

    let reader = runtime::spawn(async move {
        let mut got = Vec::new();
        server.read_to_end(&mut got).await.unwrap();
        got
    });
    client.write_all(b"END").await.unwrap();
    client.shutdown().await.unwrap();
    let got = reader.await.unwrap();
    assert_eq!(
        got.len(),
        written + 3,
        "write: the dropped writes wrote bytes"
    );
    assert!(got[..written] == pattern(0..written)[..]);
    assert_eq!(&got[written..], b"END");
}

/// `write` and `write_u8` on a full in-memory pipe.
async fn duplex_write() {
    let (mut a, mut b) = io::duplex(4);
    a.write_all(b"abcd").await.unwrap(); // full
    drop_while_pending("duplex write", a.write(b"XYZ")).await;
    lose_select("duplex write", a.write(b"XYZ")).await;
    drop_while_pending("write_u8", a.write_u8(b'!')).await;
    lose_select("write_u8", a.write_u8(b'!')).await;

    let mut got = [0u8; 4];
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"abcd");
    a.write_u8(b'e').await.unwrap();
    a.shutdown().await.unwrap();
    let mut rest = Vec::new();
    b.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"e", "a dropped write left bytes behind");
}

// ---------------------------------------------------------------------------
// Buffered I/O: flush, shutdown, next_line, read_until, read_to_end, copy_buf
// ---------------------------------------------------------------------------

/// `flush` and `shutdown` of a `BufWriter` dropped after writing part of its
/// buffer: calling again writes the rest, nothing twice.
async fn buf_writer_flush_and_shutdown() {
    let (a, mut b) = io::duplex(4);
    let mut w = BufWriter::with_capacity(64, a);
    w.write_all(b"0123456789").await.unwrap();
    assert!(
        poll_once(w.flush()).await.is_none(),
        "flush of 10 bytes into a 4-byte pipe completed"
    );
    let mut got = [0u8; 4];
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"0123");
    let (flushed, rest) = runtime::join!(w.flush(), async {
        let mut rest = [0u8; 6];
        b.read_exact(&mut rest).await.map(|_| rest)
    });
    flushed.unwrap();
    assert_eq!(&rest.unwrap(), b"456789");

    w.write_all(b"abcdefgh").await.unwrap();
    assert!(poll_once(w.shutdown()).await.is_none());
    let (shut, rest) = runtime::join!(w.shutdown(), async {
        let mut rest = Vec::new();
        b.read_to_end(&mut rest).await.map(|_| rest)
    });
    shut.unwrap();
    assert_eq!(
        rest.unwrap(),
        b"abcdefgh",
        "shutdown lost or repeated bytes"
    );
}

/// `Lines::next_line` dropped with half a line read: the next call returns
/// the whole line.
async fn lines_next_line() {
    let (mut tx, rx) = io::duplex(64);
    let mut lines = BufReader::new(rx).lines();
    drop_while_pending("next_line", lines.next_line()).await;
    tx.write_all(b"hel").await.unwrap();
    // This poll reads "hel" into the Lines, then waits for the rest.
    drop_while_pending("next_line", lines.next_line()).await;
    lose_select("next_line", lines.next_line()).await;
    tx.write_all(b"lo\nwor").await.unwrap();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("hello"));
    lose_select("next_line", lines.next_line()).await;
    tx.write_all(b"ld\n").await.unwrap();
    drop(tx);
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("world"));
    assert_eq!(lines.next_line().await.unwrap(), None);

    // A line trickling in byte by byte while a select! loop keeps dropping
    // the read.
    let (mut tx, rx) = io::duplex(64);
    let mut lines = BufReader::new(rx).lines();
    let writer = runtime::spawn(async move {
        for &byte in b"trickle\n" {
            tx.write_all(&[byte]).await.unwrap();
            sleep(Duration::from_millis(3)).await;
        }
    });
    let mut dropped = 0;
    let line = loop {
        runtime::select! {
            line = lines.next_line() => break line.unwrap(),
            _ = sleep(Duration::from_millis(1)) => dropped += 1,
        }
    };
    writer.await.unwrap();
    assert_eq!(line.as_deref(), Some("trickle"));
    assert!(dropped > 0);
}

/// `read_until` dropped after a partial read: the bytes are in `buf`.
async fn read_until() {
    let (mut tx, rx) = io::duplex(64);
    let mut reader = BufReader::new(rx);
    let mut buf = Vec::new();
    tx.write_all(b"ab").await.unwrap();
    drop_while_pending("read_until", reader.read_until(b'\n', &mut buf)).await;
    assert_eq!(buf, b"ab");
    lose_select("read_until", reader.read_until(b'\n', &mut buf)).await;
    tx.write_all(b"c\nd").await.unwrap();
    assert_eq!(reader.read_until(b'\n', &mut buf).await.unwrap(), 2);
    assert_eq!(buf, b"abc\n");
}

/// `read_to_end` dropped after a partial read: the bytes are in `buf`.
async fn read_to_end() {
    let (mut tx, mut rx) = io::duplex(64);
    let mut buf = b"start:".to_vec();
    tx.write_all(b"part one,").await.unwrap();
    drop_while_pending("read_to_end", rx.read_to_end(&mut buf)).await;
    assert_eq!(buf, b"start:part one,", "scratch space left in buf");
    lose_select("read_to_end", rx.read_to_end(&mut buf)).await;
    tx.write_all(b" part two").await.unwrap();
    drop(tx);
    assert_eq!(rx.read_to_end(&mut buf).await.unwrap(), 9);
    assert_eq!(buf, b"start:part one, part two");
}

/// `copy_buf` dropped after writing part of the data: no byte is lost.
async fn copy_buf() {
    let mut src = BufReader::new(&b"hello world"[..]);
    let (mut dst, mut out) = io::duplex(4);
    assert!(poll_once(io::copy_buf(&mut src, &mut dst)).await.is_none());
    let mut got = [0u8; 4];
    out.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"hell");
    let (copied, rest) = runtime::join!(
        async {
            let n = io::copy_buf(&mut src, &mut dst).await;
            dst.shutdown().await.unwrap();
            n
        },
        async {
            let mut rest = Vec::new();
            out.read_to_end(&mut rest).await.map(|_| rest)
        }
    );
    assert_eq!(copied.unwrap(), 7);
    assert_eq!(rest.unwrap(), b"o world");
}

// ---------------------------------------------------------------------------
// Listeners: TcpListener::accept, UnixListener::accept, and through timeout
// ---------------------------------------------------------------------------

async fn tcp_accept() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop_while_pending("TcpListener::accept", listener.accept()).await;
    lose_select("TcpListener::accept", listener.accept()).await;
    assert!(
        timeout(Duration::from_millis(10), listener.accept())
            .await
            .is_err(),
        "accept completed with no client"
    );

    // A connection arriving after the dropped accepts is accepted.
    let client = TcpStream::connect(addr).await.unwrap();
    let (_server, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());

    // Connections arriving while a select! loop keeps dropping accept.
    let connector = runtime::spawn(async move {
        let mut clients = Vec::new();
        for _ in 0..3 {
            sleep(Duration::from_millis(10)).await;
            clients.push(TcpStream::connect(addr).await.unwrap());
        }
        clients
    });
    let mut peers = Vec::new();
    let mut dropped = 0;
    while peers.len() < 3 {
        runtime::select! {
            res = listener.accept() => peers.push(res.unwrap().1),
            _ = sleep(Duration::from_millis(2)) => dropped += 1,
        }
    }
    let clients = connector.await.unwrap();
    let mut locals: Vec<_> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
    locals.sort();
    peers.sort();
    assert_eq!(peers, locals);
    assert!(dropped > 0);
}

async fn tcp_poll_accept() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    drop_while_pending("poll_accept", poll_fn(|cx| listener.poll_accept(cx))).await;
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (_, peer) = poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
}

async fn unix_accept() {
    let dir = socket_dir("accept");
    let path = dir.join("listener.sock");
    let listener = UnixListener::bind(&path).unwrap();
    drop_while_pending("UnixListener::accept", listener.accept()).await;
    lose_select("UnixListener::accept", listener.accept()).await;
    let mut client = UnixStream::connect(&path).await.unwrap();
    let (mut server, _) = listener.accept().await.unwrap();
    client.write_all(b"accepted").await.unwrap();
    let mut got = [0u8; 8];
    server.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"accepted");
    drop((listener, client, server));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------
// Datagrams: UdpSocket and UnixDatagram
// ---------------------------------------------------------------------------

async fn udp_pair() -> (UdpSocket, UdpSocket) {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    (a, b)
}

async fn udp_recv_from() {
    let (a, b) = udp_pair().await;
    let mut buf = [0u8; 64];
    drop_while_pending("recv_from", b.recv_from(&mut buf)).await;
    lose_select("recv_from", b.recv_from(&mut buf)).await;
    let b_addr = b.local_addr().unwrap();
    for msg in [&b"one"[..], b"two", b"three"] {
        a.send_to(msg, b_addr).await.unwrap();
    }
    for msg in [&b"one"[..], b"two", b"three"] {
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], msg, "a datagram was lost or reordered");
        assert_eq!(from, a.local_addr().unwrap());
    }

    // Datagrams arriving while a select! loop keeps dropping recv_from.
    let a = Arc::new(a);
    let sender = {
        let a = a.clone();
        runtime::spawn(async move {
            for i in 0..5u8 {
                sleep(Duration::from_millis(5)).await;
                a.send_to(&[i], b_addr).await.unwrap();
            }
        })
    };
    let mut got = Vec::new();
    let mut dropped = 0;
    while got.len() < 5 {
        runtime::select! {
            res = b.recv_from(&mut buf) => {
                let (n, _) = res.unwrap();
                got.push(buf[..n].to_vec());
            }
            _ = sleep(Duration::from_millis(1)) => dropped += 1,
        }
    }
    sender.await.unwrap();
    assert_eq!(got, (0..5u8).map(|i| vec![i]).collect::<Vec<_>>());
    assert!(dropped > 0);
}

async fn udp_recv_peek_readable() {
    let (a, b) = udp_pair().await;
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    let mut buf = [0u8; 64];
    drop_while_pending("recv", b.recv(&mut buf)).await;
    lose_select("recv", b.recv(&mut buf)).await;
    drop_while_pending("peek_from", b.peek_from(&mut buf)).await;
    lose_select("peek_from", b.peek_from(&mut buf)).await;
    drop_while_pending("UdpSocket::readable", b.readable()).await;
    lose_select("UdpSocket::readable", b.readable()).await;

    a.send(b"datagram").await.unwrap();
    b.readable().await.unwrap();
    let (n, from) = b.peek_from(&mut buf).await.unwrap();
    assert_eq!(
        (&buf[..n], from),
        (&b"datagram"[..], a.local_addr().unwrap())
    );
    let n = b.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"datagram");
    assert_eq!(
        b.try_recv(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock,
        "more than one datagram arrived"
    );
}

/// `UdpSocket::connect` dropped during a host-name lookup changes nothing.
async fn udp_connect() {
    let (a, b) = udp_pair().await;
    let port = b.local_addr().unwrap().port();
    if poll_once(a.connect(("localhost", port))).await.is_none() {
        assert_eq!(
            a.peer_addr().unwrap_err().kind(),
            ErrorKind::NotConnected,
            "a dropped connect set the peer"
        );
    }
    a.connect(b.local_addr().unwrap()).await.unwrap();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
}

async fn unix_datagram_recv() {
    let dir = socket_dir("dgram");
    let a = UnixDatagram::bind(dir.join("a.sock")).unwrap();
    let b = UnixDatagram::bind(dir.join("b.sock")).unwrap();
    let mut buf = [0u8; 64];
    drop_while_pending("UnixDatagram::recv_from", b.recv_from(&mut buf)).await;
    lose_select("UnixDatagram::recv_from", b.recv_from(&mut buf)).await;
    a.send_to(b"first", dir.join("b.sock")).await.unwrap();
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"first");
    assert_eq!(from.as_pathname(), Some(dir.join("a.sock").as_path()));

    b.connect(dir.join("a.sock")).unwrap();
    a.connect(dir.join("b.sock")).unwrap();
    drop_while_pending("UnixDatagram::recv", b.recv(&mut buf)).await;
    lose_select("UnixDatagram::recv", b.recv(&mut buf)).await;
    a.send(b"second").await.unwrap();
    let n = b.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"second");
    drop((a, b));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `UnixDatagram::send` and `send_to` dropped while the peer's queue is
/// full: nothing is sent.
async fn unix_datagram_send() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let mut queued = 0usize;
    loop {
        match a.try_send(&queued.to_be_bytes()) {
            Ok(_) => queued += 1,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("try_send: {e}"),
        }
    }
    assert!(queued > 0);
    let mut sent_by_polls = 0;
    for _ in 0..10 {
        match poll_once(a.send(b"DROPPED")).await {
            None => break,
            Some(r) => {
                r.unwrap();
                sent_by_polls += 1;
            }
        }
    }
    lose_select("UnixDatagram::send", a.send(b"DROPPED")).await;

    let receiver = runtime::spawn(async move {
        let mut datagrams = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            let n = b.recv(&mut buf).await.unwrap();
            if &buf[..n] == b"after" {
                return datagrams;
            }
            datagrams.push(buf[..n].to_vec());
        }
    });
    a.send(b"after").await.unwrap();
    let datagrams = receiver.await.unwrap();
    let expected: Vec<Vec<u8>> = (0..queued)
        .map(|i| i.to_be_bytes().to_vec())
        .chain((0..sent_by_polls).map(|_| b"DROPPED".to_vec()))
        .collect();
    assert_eq!(datagrams, expected, "a dropped send went out");
}

// ---------------------------------------------------------------------------
// Tasks: JoinHandle, JoinSet::join_next, JoinSet::shutdown, LocalSet
// ---------------------------------------------------------------------------

async fn join_handle() {
    let (tx, rx) = oneshot::channel::<u32>();
    let mut handle = runtime::spawn(async move { rx.await.unwrap() * 2 });
    drop_while_pending("JoinHandle", &mut handle).await;
    lose_select("JoinHandle", &mut handle).await;
    tx.send(21).unwrap();
    // Wait until it has finished, then drop one more poll that could see it.
    while !handle.is_finished() {
        sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(handle.await.unwrap(), 42, "the output was lost");

    // A task finishing while a select! loop keeps dropping the await.
    let mut handle = runtime::spawn(async {
        sleep(Duration::from_millis(20)).await;
        "late"
    });
    let mut dropped = 0;
    let out = loop {
        runtime::select! {
            out = &mut handle => break out.unwrap(),
            _ = sleep(Duration::from_millis(1)) => dropped += 1,
        }
    };
    assert_eq!(out, "late");
    assert!(dropped > 0);
}

async fn join_set_join_next() {
    let mut set = JoinSet::new();
    let mut senders = Vec::new();
    for i in 0..3u32 {
        let (tx, rx) = oneshot::channel::<()>();
        senders.push(tx);
        set.spawn(async move {
            rx.await.unwrap();
            i
        });
    }
    drop_while_pending("join_next", set.join_next()).await;
    lose_select("join_next", set.join_next()).await;
    for tx in senders {
        tx.send(()).unwrap();
    }
    // Let them all finish before the next dropped poll.
    sleep(Duration::from_millis(20)).await;
    assert_eq!(set.len(), 3, "a dropped join_next removed a task");
    let mut got = Vec::new();
    while let Some(res) = set.join_next().await {
        got.push(res.unwrap());
    }
    got.sort();
    assert_eq!(got, [0, 1, 2]);

    // Tasks finishing while a select! loop keeps dropping join_next.
    for i in 1..=4u32 {
        set.spawn(async move {
            sleep(Duration::from_millis(5 * u64::from(i))).await;
            i
        });
    }
    let mut sum = 0;
    let mut dropped = 0;
    while !set.is_empty() {
        runtime::select! {
            res = set.join_next() => sum += res.unwrap().unwrap(),
            _ = sleep(Duration::from_millis(1)) => dropped += 1,
        }
    }
    assert_eq!(sum, 10);
    assert!(dropped > 0);
}

async fn join_set_shutdown() {
    struct CountDrop(Arc<AtomicUsize>);
    impl Drop for CountDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let dropped = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..3 {
        let guard = CountDrop(dropped.clone());
        set.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        });
    }
    // Let every task start (and hold its guard).
    sleep(Duration::from_millis(10)).await;
    let _ = poll_once(set.shutdown()).await;
    // Whatever the dropped shutdown did not join is still in the set.
    assert!(set.len() <= 3);
    set.shutdown().await;
    assert!(set.is_empty());
    assert_eq!(
        dropped.load(SeqCst),
        3,
        "every task was aborted and dropped"
    );
}

async fn local_set_run_until() {
    let local = LocalSet::new();
    let (tx, rx) = oneshot::channel::<u32>();
    let handle = local.spawn_local(async move { rx.await.unwrap() + 1 });
    // The dropped drive runs the task up to its await, then goes away.
    drop_while_pending("run_until", local.run_until(std::future::pending::<()>())).await;
    tx.send(41).unwrap();
    let out = local.run_until(handle).await.unwrap();
    assert_eq!(out, 42, "the set lost its task");
}

/// `yield_now` and `consume_budget` hold nothing: dropping them mid-way
/// leaves the task free to go on.
async fn yield_and_budget() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let other = runtime::spawn(async move {
        r.fetch_add(1, SeqCst);
    });
    drop_while_pending("yield_now", runtime::task::yield_now()).await;
    for _ in 0..1000 {
        let _ = poll_once(runtime::task::consume_budget()).await;
    }
    other.await.unwrap();
    assert_eq!(ran.load(SeqCst), 1);
    runtime::task::yield_now().await;
    runtime::task::consume_budget().await;
}

// ---------------------------------------------------------------------------
// Time: sleep, Interval::tick, timeout, advance
// ---------------------------------------------------------------------------

async fn sleep_by_reference() {
    let start = Instant::now();
    let mut s = sleep(Duration::from_millis(200));
    let deadline = s.deadline();
    drop_while_pending("&mut Sleep", &mut s).await;
    lose_select("&mut Sleep", &mut s).await;
    assert_eq!(s.deadline(), deadline, "a dropped poll moved the deadline");
    (&mut s).await;
    assert!(Instant::now() >= deadline);
    assert!(start.elapsed() >= Duration::from_millis(200));

    // A registered Sleep dropped before its deadline leaves no trace: the
    // timers after it still fire, in order.
    drop_while_pending("sleep", sleep(Duration::from_millis(5))).await;
    let before = Instant::now();
    sleep(Duration::from_millis(10)).await;
    assert!(before.elapsed() >= Duration::from_millis(10));
}

/// `Interval::tick` dropped between ticks, by hand and in `select!`: the
/// ticks that do complete are still every scheduled tick, none skipped.
async fn interval_tick() {
    let period = Duration::from_millis(30);
    let mut iv = runtime::time::interval(period);
    let t0 = iv.tick().await;
    let mut ticks = vec![t0];
    let (mut dropped_by_hand, mut dropped_by_select) = (0, 0);
    while ticks.len() < 5 {
        // Right after a tick the next is a period away, so these normally
        // drop a pending tick; a late runtime may complete one instead,
        // which is recorded like any other.
        match poll_once(iv.tick()).await {
            Some(t) => ticks.push(t),
            None => dropped_by_hand += 1,
        }
        match race_select(iv.tick()).await {
            Some(t) => ticks.push(t),
            None => dropped_by_select += 1,
        }
    }
    let expected: Vec<Instant> = (0..ticks.len() as u32).map(|k| t0 + period * k).collect();
    assert_eq!(ticks, expected, "a dropped tick consumed a tick");
    assert!(dropped_by_hand > 0 && dropped_by_select > 0);
}

/// A cancel-safe future wrapped in `timeout` keeps its cancel safety.
async fn timeout_wrapping_recv() {
    let (a, b) = udp_pair().await;
    let mut buf = [0u8; 16];
    let expired = timeout(Duration::from_millis(10), b.recv_from(&mut buf)).await;
    assert!(expired.is_err());
    a.send_to(b"late", b.local_addr().unwrap()).await.unwrap();
    let (n, _) = timeout(Duration::from_secs(5), b.recv_from(&mut buf))
        .await
        .expect("the datagram was lost")
        .unwrap();
    assert_eq!(&buf[..n], b"late");
}

/// `advance` dropped after its first poll: the clock has moved and the due
/// timers have fired.
async fn advance() {
    runtime::time::pause();
    let start = Instant::now();
    let mut nap = sleep(Duration::from_secs(10));
    drop_while_pending("&mut Sleep", &mut nap).await;
    drop_while_pending("advance", runtime::time::advance(Duration::from_secs(10))).await;
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert!(nap.is_elapsed());
    nap.await;
    runtime::time::resume();
}

both_flavours!(
    tcp_stream_read,
    tcp_split_halves_read,
    unix_stream_read,
    duplex_read,
    read_u8,
    tcp_peek,
    tcp_readable,
    unix_readable,
    tcp_writable,
    unix_writable,
    tcp_write,
    duplex_write,
    buf_writer_flush_and_shutdown,
    lines_next_line,
    read_until,
    read_to_end,
    copy_buf,
    tcp_accept,
    tcp_poll_accept,
    unix_accept,
    udp_recv_from,
    udp_recv_peek_readable,
    udp_connect,
    unix_datagram_recv,
    unix_datagram_send,
    join_handle,
    join_set_join_next,
    join_set_shutdown,
    yield_and_budget,
    sleep_by_reference,
    interval_tick,
    timeout_wrapping_recv,
);

current_thread_only!(local_set_run_until, advance);
