//! An open-loop HTTP/1.1 load generator: requests leave on a fixed schedule,
//! whatever the server's pace, and each one's latency runs from the time it
//! was *due* to the time its response has fully arrived.
//!
//! ```text
//! cargo run --release -p benches --bin http_open_loop -- ADDR RATE SECS [CONNS] [PATH]
//! cargo run --release -p benches --bin http_open_loop -- 127.0.0.1:3000 50000 5
//! ```
//!
//! Why not wrk: wrk is a closed loop (a connection sends its next request
//! when the previous response is in), so its offered load is whatever the
//! server and wrk itself can sustain. On a small machine, where wrk needs a
//! whole CPU to keep up, the faster server moves the bottleneck into wrk, and
//! the p99 it reports is then wrk's own queue: on the 2-core VM, the same
//! axum app on Tokio went from 0.84-1.09 ms p99 to 0.94-1.45 ms when a
//! layer was removed and it served 10% more requests (BENCHMARKS.md, seventh
//! session). Two servers are comparable only at the same offered load, which
//! is what this client gives (wrk2's model; wrk2 is not packaged here).
//!
//! Design, kept simple enough to trust:
//! - `CONNS` keep-alive connections (default 64, `TCP_NODELAY`). Request `k`
//!   is due at `k / RATE` seconds and goes out on connection `k % CONNS`,
//!   pipelined behind any request still unanswered there (HTTP/1.1 allows
//!   it; hyper serves pipelined requests in order).
//! - One thread does everything, busy-polling (mio with a zero timeout): it
//!   sends what is due, then reads what has arrived. Sleeping would add the
//!   kernel's wake-up slack (tens of µs to ms) to the send times, and a
//!   second thread would compete with the first for the client's one CPU;
//!   both showed up as multi-ms send delays in a first version. So the
//!   client spins on its CPU, as wrk does under load.
//! - A request's due time is queued on its connection's FIFO when it is
//!   sent; a response completes the oldest one, and its latency is
//!   `now - due`: a late sender does not hide a stall (no coordinated
//!   omission). Responses are parsed by their `Content-Length` (the routes
//!   compared send no chunked bodies).
//! - The first second is warm-up: requests due in it are sent and answered
//!   but not counted. A request without a response 10 s after the last one
//!   was due counts as lost.
//!
//! Output, one line, in microseconds: `rate=.. sent=.. done=.. lost=..
//! p50=.. p90=.. p99=.. p99.9=.. max=.. late_send_max=..`, the last being
//! how far behind schedule the sender ever was after the warm-up (a large
//! value means the client, not the server, was the bottleneck: lower the
//! rate).

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// Requests due in the first `WARMUP` are not counted.
const WARMUP: Duration = Duration::from_secs(1);
/// How long after the last due time responses are still waited for.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// One connection: its socket, the due times (ns since start) of the
/// requests sent on it and not yet answered (oldest first), and the bytes
/// of a response not yet complete.
struct Conn {
    stream: TcpStream,
    pending: VecDeque<u64>,
    buf: Vec<u8>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: http_open_loop ADDR RATE SECS [CONNS] [PATH]");
        std::process::exit(2);
    }
    let addr = args[1].clone();
    let rate: f64 = args[2].parse().expect("RATE: requests per second");
    let secs: f64 = args[3].parse().expect("SECS: seconds to measure");
    let conns: usize = args
        .get(4)
        .map_or(64, |c| c.parse().expect("CONNS: a count"));
    let path = args.get(5).cloned().unwrap_or_else(|| "/".into());
    assert!(
        rate > 0.0 && secs > 0.0 && conns > 0,
        "RATE, SECS and CONNS must be positive"
    );

    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes();
    let sock_addr = std::net::ToSocketAddrs::to_socket_addrs(&addr)
        .ok()
        .and_then(|mut a| a.next())
        .unwrap_or_else(|| panic!("{addr}: not an address"));
    let mut poll = Poll::new().unwrap();
    let mut list: Vec<Conn> = (0..conns)
        .map(|i| {
            let s = std::net::TcpStream::connect(sock_addr)
                .unwrap_or_else(|e| panic!("connect {addr}: {e}"));
            s.set_nodelay(true).unwrap();
            s.set_nonblocking(true).unwrap();
            let mut stream = TcpStream::from_std(s);
            poll.registry()
                .register(&mut stream, Token(i), Interest::READABLE)
                .unwrap();
            Conn {
                stream,
                pending: VecDeque::new(),
                buf: Vec::with_capacity(4096),
            }
        })
        .collect();

    let total = ((secs + WARMUP.as_secs_f64()) * rate) as usize;
    let period_ns = 1e9 / rate;
    let due_of = |k: usize| (k as f64 * period_ns) as u64;
    let warmup_ns = WARMUP.as_nanos() as u64;
    let deadline = due_of(total) + DRAIN_LIMIT.as_nanos() as u64;
    let start = Instant::now();
    let mut events = Events::with_capacity(1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let (mut next, mut outstanding) = (0usize, 0usize);
    let mut late_max = 0u64;
    let mut latencies: Vec<u64> = Vec::with_capacity(total);
    loop {
        let now = start.elapsed().as_nanos() as u64;
        while next < total && due_of(next) <= now {
            let due = due_of(next);
            if due >= warmup_ns {
                late_max = late_max.max(now - due);
            }
            let conn = &mut list[next % conns];
            conn.pending.push_back(due);
            write_all(&mut conn.stream, &request);
            next += 1;
            outstanding += 1;
        }
        if (next == total && outstanding == 0) || now > deadline {
            break;
        }
        poll.poll(&mut events, Some(Duration::ZERO)).unwrap();
        for event in events.iter() {
            let conn = &mut list[event.token().0];
            loop {
                match conn.stream.read(&mut chunk) {
                    Ok(0) => panic!("the server closed a connection"),
                    Ok(n) => conn.buf.extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => panic!("client read failed: {e}"),
                }
            }
            let now = start.elapsed().as_nanos() as u64;
            let mut used = 0;
            while let Some(len) = response_len(&conn.buf[used..]) {
                used += len;
                let due = conn
                    .pending
                    .pop_front()
                    .expect("a response to a request never sent");
                outstanding -= 1;
                if due >= warmup_ns {
                    latencies.push(now - due);
                }
            }
            conn.buf.drain(..used);
        }
    }

    let lost = outstanding;
    let mut sorted = latencies;
    sorted.sort_unstable();
    let q = |q: f64| -> u64 {
        if sorted.is_empty() {
            return 0;
        }
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1] / 1_000
    };
    println!(
        "rate={rate:.0} sent={total} done={} lost={lost} p50={} p90={} p99={} p99.9={} max={} late_send_max={}",
        sorted.len(),
        q(0.5),
        q(0.9),
        q(0.99),
        q(0.999),
        q(1.0),
        late_max / 1_000
    );
}

/// Writes `buf` whole on a non-blocking socket, spinning while its send
/// buffer is full (the server is far behind).
fn write_all(s: &mut TcpStream, mut buf: &[u8]) {
    while !buf.is_empty() {
        match s.write(buf) {
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::hint::spin_loop(),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!("client write failed: {e}"),
        }
    }
}

/// The length of the complete response at the front of `buf`, if it is all
/// there: the head up to its blank line, then `Content-Length` bytes.
fn response_len(buf: &[u8]) -> Option<usize> {
    let head = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let body = std::str::from_utf8(&buf[..head])
        .expect("a response head in ASCII")
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| {
                value
                    .trim()
                    .parse::<usize>()
                    .expect("a numeric Content-Length")
            })
        })
        .expect("responses with a Content-Length (chunked bodies are not parsed)");
    (buf.len() >= head + body).then_some(head + body)
}

#[cfg(test)]
mod tests {
    use super::response_len;

    const ONE: &[u8] =
        b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

    #[test]
    fn a_whole_response_is_its_head_and_content_length() {
        assert_eq!(response_len(ONE), Some(ONE.len()));
    }

    #[test]
    fn a_partial_response_is_not_complete() {
        assert_eq!(response_len(&ONE[..20]), None);
        assert_eq!(response_len(&ONE[..ONE.len() - 1]), None);
    }

    #[test]
    fn pipelined_responses_are_taken_one_at_a_time() {
        let two = [ONE, ONE].concat();
        let first = response_len(&two).unwrap();
        assert_eq!(first, ONE.len());
        assert_eq!(response_len(&two[first..]), Some(ONE.len()));
    }
}
