//! Model-based random tests of `BufReader` and the buffered-read helpers
//! (`read_until`, `read_line`, `lines`, plus `read`, `read_exact`,
//! `fill_buf`/`consume` and `read_to_end` on a `BufReader`), against std's
//! `BufRead` over a `Cursor` of the same bytes.
//!
//! The reader under test hands out a fixed byte string in randomly sized
//! chunks, and sometimes returns `Pending` (after waking its task) before a
//! chunk, so every chunk boundary and every partial-fill path is exercised;
//! the `BufReader`'s capacity is random too (1 to 20 bytes, or the default).
//! The bytes mix ASCII, `\n`, `\r\n`, multi-byte UTF-8 (split across chunks)
//! and, in some cases, invalid UTF-8.
//!
//! A failing case prints its seed and operations. Replay one with
//! `SEED=<seed> cargo test -p runtime --test model_io <test>` (decimal or
//! `0x` hex); `CASES=<n>` changes how many seeds run (default 256),
//! `TRACE=1` prints the operations as they run (for a hang).

use runtime::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use std::fmt::Write as _;
use std::io::{self, BufRead, Cursor, Read};
use std::pin::Pin;
use std::task::{Context, Poll};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn env_u64(name: &str) -> Option<u64> {
    let s = std::env::var(name).ok()?;
    let s = s.trim();
    let parsed = match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={s:?} is not a number")))
}

/// The inputs and operations of a case; printed with the seed if it panics.
struct Log {
    test: &'static str,
    seed: u64,
    ops: Vec<String>,
}

impl Log {
    fn op(&mut self, op: String) {
        if std::env::var_os("TRACE").is_some() {
            eprintln!("  {:4}: {op}", self.ops.len());
        }
        self.ops.push(op);
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut msg = format!(
                "\n=== {} failed with SEED={} after {} operations ===\n",
                self.test,
                self.seed,
                self.ops.len()
            );
            for (i, op) in self.ops.iter().enumerate() {
                let _ = writeln!(msg, "  {i:4}: {op}");
            }
            let _ = writeln!(
                msg,
                "replay: SEED={} cargo test -p runtime --test model_io {}",
                self.seed, self.test
            );
            eprintln!("{msg}");
        }
    }
}

/// Runs `case` once per seed (`SEED` alone if set, else `CASES`, default
/// 256) inside a current-thread runtime.
type CaseFut<'a> = Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

fn run(test: &'static str, case: impl for<'a> Fn(Rng, &'a mut Log) -> CaseFut<'a>) {
    let seeds: Vec<u64> = match env_u64("SEED") {
        Some(seed) => vec![seed],
        None => (0..env_u64("CASES").unwrap_or(256)).collect(),
    };
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    for seed in seeds {
        let mut log = Log {
            test,
            seed,
            ops: Vec::new(),
        };
        rt.block_on(case(Rng::new(seed), &mut log));
    }
}

/// Random bytes: ASCII, line ends, multi-byte UTF-8 and, with `invalid`,
/// stray bytes that are not UTF-8.
fn data(rng: &mut Rng, invalid: bool) -> Vec<u8> {
    let len = match rng.below(4) {
        0 => rng.below(8),
        1 | 2 => rng.below(120),
        _ => rng.below(600),
    };
    let mut out = Vec::new();
    while out.len() < len {
        let piece: &[u8] = match rng.below(if invalid { 12 } else { 11 }) {
            0..=2 => b"a",
            3 => b"xyz",
            4 | 5 => b"\n",
            6 => b"\r\n",
            7 => b"\r",
            8 => "é".as_bytes(),
            9 => "€".as_bytes(),
            10 => "😀".as_bytes(),
            _ => &[0xff, 0xc3][..1 + rng.below(2)],
        };
        out.extend_from_slice(piece);
    }
    out
}

/// Hands out `data` in random chunks of 1 to `max_chunk` bytes (never more
/// than asked), sometimes returning `Pending` (after waking the task)
/// first; 0 bytes only at the end.
struct Chunked {
    data: Vec<u8>,
    pos: usize,
    rng: Rng,
    max_chunk: usize,
    /// Percent of reads that return `Pending` first.
    pending_pct: usize,
    /// The last poll returned `Pending`: serve this one.
    just_pended: bool,
}

impl AsyncRead for Chunked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if !this.just_pended && this.rng.below(100) < this.pending_pct {
            this.just_pended = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.just_pended = false;
        let left = this.data.len() - this.pos;
        let n = (1 + this.rng.below(this.max_chunk))
            .min(buf.len())
            .min(left);
        buf[..n].copy_from_slice(&this.data[this.pos..this.pos + n]);
        this.pos += n;
        Poll::Ready(Ok(n))
    }
}

/// Polls `fut` once, in the task's context.
async fn poll_once<F: std::future::Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *fut).poll(cx))).await
}

/// A `BufReader` of random capacity over a `Chunked` reader of `bytes`.
fn reader(rng: &mut Rng, bytes: &[u8], log: &mut Log) -> BufReader<Chunked> {
    let cap = if rng.below(8) == 0 {
        8 * 1024
    } else {
        1 + rng.below(20)
    };
    let max_chunk = [1, 2, 3, 7, 16, 64, 4096][rng.below(7)];
    let pending_pct = [0, 10, 50, 90][rng.below(4)];
    log.op(format!(
        "data ({} bytes) b\"{}\"",
        bytes.len(),
        bytes.escape_ascii()
    ));
    log.op(format!(
        "BufReader capacity {cap}, chunks of 1..={max_chunk}, Pending {pending_pct}%"
    ));
    let chunked = Chunked {
        data: bytes.to_vec(),
        pos: 0,
        rng: Rng::new(rng.next()),
        max_chunk,
        pending_pct,
        just_pended: false,
    };
    BufReader::with_capacity(cap, chunked)
}

/// An `io::Result` reduced to what both sides must agree on.
fn outcome<T>(r: io::Result<T>) -> Result<T, io::ErrorKind> {
    r.map_err(|e| e.kind())
}

/// Random operations on the `BufReader`, each also done on std's `BufRead`
/// over a `Cursor` where std has the same operation, or checked against the
/// bytes not yet read where the amount returned may differ (`read`,
/// `fill_buf`).
async fn buf_reader_case(mut rng: Rng, log: &mut Log) {
    let invalid = rng.below(4) == 0;
    let bytes = data(&mut rng, invalid);
    let mut ours = reader(&mut rng, &bytes, log);
    let mut std_ref = Cursor::new(&bytes[..]);
    for step in 0..(1 + rng.below(40)) {
        let at = std_ref.position() as usize;
        match rng.below(8) {
            0 | 1 => {
                let delim = [b'\n', b'\n', b'a', b'\r', 0xa9, 0xff][rng.below(6)];
                let mut pre = vec![b'#'; rng.below(3)];
                log.op(format!("read_until({delim:#x}) at {at}, buf {pre:?}"));
                let mut std_buf = pre.clone();
                let expect = outcome(std_ref.read_until(delim, &mut std_buf));
                if rng.below(3) == 0 {
                    // Cancelled at its first `Pending`, then called again:
                    // what it read is already in the buffer, so the buffer
                    // ends up as std's (the count covers the second call).
                    let mut fut = Box::pin(ours.read_until(delim, &mut pre));
                    let first = poll_once(&mut fut).await;
                    drop(fut);
                    log.op(format!("  cancelled: {}", first.is_pending()));
                    if first.is_pending() {
                        ours.read_until(delim, &mut pre).await.unwrap();
                    }
                } else {
                    let got = outcome(ours.read_until(delim, &mut pre).await);
                    assert_eq!(got, expect, "read_until's result");
                }
                assert_eq!(pre, std_buf, "read_until's buffer");
            }
            2 | 3 => {
                let mut pre = "#".repeat(rng.below(3));
                log.op(format!("read_line at {at}, buf {pre:?}"));
                let mut std_buf = pre.clone();
                let expect = outcome(std_ref.read_line(&mut std_buf));
                let got = outcome(ours.read_line(&mut pre).await);
                assert_eq!(got, expect, "read_line's result");
                assert_eq!(pre, std_buf, "read_line's buffer");
            }
            4 => {
                let len = rng.below(24);
                log.op(format!("read({len}) at {at}"));
                let mut buf = vec![0; len];
                let n = ours.read(&mut buf).await.unwrap();
                let left = bytes.len() - at;
                assert!(n <= len, "read {n} into {len}");
                assert_eq!(n == 0, len == 0 || left == 0, "read returned {n}");
                assert_eq!(&buf[..n], &bytes[at..at + n], "read's bytes");
                std_ref.set_position((at + n) as u64);
            }
            5 => {
                let len = rng.below(24);
                log.op(format!("read_exact({len}) at {at}"));
                let mut buf = vec![0; len];
                let got = outcome(ours.read_exact(&mut buf).await);
                let mut std_buf = vec![0; len];
                let expect = outcome(std_ref.read_exact(&mut std_buf).map(|()| len));
                assert_eq!(got, expect, "read_exact's result");
                if expect.is_ok() {
                    assert_eq!(buf, std_buf, "read_exact's bytes");
                } else {
                    // Both consumed everything; what lands in the buffer
                    // is unspecified.
                    std_ref.set_position(bytes.len() as u64);
                }
            }
            6 => {
                let frac = rng.below(4);
                log.op(format!("fill_buf + consume {frac}/3 at {at}"));
                let got = std::future::poll_fn(|cx| {
                    Pin::new(&mut ours)
                        .poll_fill_buf(cx)
                        .map(|r| r.map(|b| b.to_vec()))
                })
                .await
                .unwrap();
                let left = bytes.len() - at;
                assert_eq!(got.is_empty(), left == 0, "fill_buf empty before the end");
                assert_eq!(&got[..], &bytes[at..at + got.len()], "fill_buf's bytes");
                let amt = got.len() * frac / 3;
                ours.consume(amt);
                std_ref.set_position((at + amt) as u64);
            }
            _ => {
                let mut buf = vec![b'#'; rng.below(3)];
                log.op(format!("read_to_end at {at}, buf {buf:?}"));
                let mut std_buf = buf.clone();
                let expect = outcome(std_ref.read_to_end(&mut std_buf));
                let got = outcome(ours.read_to_end(&mut buf).await);
                assert_eq!(got, expect, "read_to_end's result");
                assert_eq!(buf, std_buf, "read_to_end's bytes");
            }
        }
        // What the BufReader holds is exactly the next bytes.
        let at = std_ref.position() as usize;
        let held = ours.buffer();
        assert!(
            bytes[at..].starts_with(held),
            "after step {step}: buffer {held:?} is not what follows {at}"
        );
        assert_eq!(
            ours.get_ref().pos,
            at + held.len(),
            "after step {step}: inner position vs consumed + buffered"
        );
    }
}

#[test]
fn buf_reader_ops_match_std() {
    run("buf_reader_ops_match_std", |rng, log| {
        Box::pin(buf_reader_case(rng, log))
    });
}

/// `lines()` over the chunked reader yields what std's `lines()` yields,
/// item by item (including the error of a line that is not UTF-8).
async fn lines_case(mut rng: Rng, log: &mut Log) {
    let invalid = rng.below(4) == 0;
    let bytes = data(&mut rng, invalid);
    let mut lines = reader(&mut rng, &bytes, log).lines();
    let mut std_lines = Cursor::new(&bytes[..]).lines();
    for i in 0.. {
        log.op(format!("next_line #{i}"));
        // `next_line` is cancel-safe: sometimes drop it at each `Pending`
        // (the line read so far stays in `Lines`) and call it again.
        let cancel = rng.below(2) == 0;
        let got = loop {
            let mut fut = Box::pin(lines.next_line());
            if !cancel {
                break outcome(fut.await);
            }
            if let Poll::Ready(r) = poll_once(&mut fut).await {
                break outcome(r);
            }
        };
        let expect = outcome(std_lines.next().transpose());
        assert_eq!(got, expect, "line #{i}");
        if matches!(expect, Ok(None) | Err(_)) {
            // std's `Lines` goes on after an error, but Tokio's (and ours)
            // need not resume at the same place.
            break;
        }
    }
}

#[test]
fn lines_match_std() {
    run("lines_match_std", |rng, log| Box::pin(lines_case(rng, log)));
}
