//! `read_buf`, `write_buf` and `write_all_buf` (feature `bytes`): what they
//! move, their cancel safety under `select!` with random chunking and random
//! cancellation points (seeded: a failure prints its seed; replay with
//! `SEED=<n>`), and their misuse panics.

#![cfg(feature = "bytes")]

#[path = "support/chunked.rs"]
mod chunked;
#[path = "support/rng.rs"]
mod rng;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use chunked::{ChunkedReader, ChunkedWriter, YieldN};
use rng::Rng;
use runtime::io::{self, AsyncRead, AsyncReadExt, AsyncWriteExt};
use std::pin::Pin;
use std::task::{Context, Poll};

fn seeds() -> Vec<u64> {
    match std::env::var("SEED") {
        Ok(s) => vec![s.parse().expect("SEED must be a number")],
        Err(_) => (0..200).collect(),
    }
}

/// Prints the seed of a failing case.
struct SeedGuard(u64);

impl Drop for SeedGuard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("failed with SEED={}", self.0);
        }
    }
}

/// Reads a random stream with `read_buf` in a `select!` loop against a
/// cancellation point after a random number of polls, and checks after
/// every round that the buffer holds exactly the bytes the reader handed
/// out: nothing lost when a read is cancelled, no zero counted as data.
async fn read_buf_survives_cancellation<B: BufMut + AsRef<[u8]>>(
    seed: u64,
    mut buf: B,
    limit: Option<usize>,
) {
    let _guard = SeedGuard(seed);
    let mut rng = Rng::new(seed);
    let len = rng.below(4000);
    let data = rng.bytes(len);
    let max_chunk = 1 + rng.below(300);
    let mut reader = ChunkedReader::new(data.clone(), Rng::new(seed ^ 0xabcd), max_chunk, 3);
    let mut cancelled = 0;
    let mut completed = 0;
    loop {
        let before = buf.as_ref().len();
        runtime::select! {
            n = reader.read_buf(&mut buf) => {
                let n = n.unwrap();
                assert_eq!(buf.as_ref().len(), before + n, "the count is what was added");
                completed += 1;
                if n == 0 {
                    break;
                }
            }
            _ = YieldN(rng.below(3)) => cancelled += 1,
        }
        assert_eq!(
            buf.as_ref().len(),
            reader.served,
            "a cancelled read lost bytes"
        );
        assert_eq!(buf.as_ref(), &data[..reader.served]);
        if limit == Some(buf.as_ref().len()) {
            // A full fixed-size buffer reads nothing, even mid-stream.
            assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 0);
            return;
        }
    }
    assert_eq!(buf.as_ref(), &data[..]);
    assert!(completed > 0);
    let _ = cancelled;
}

#[test]
fn read_buf_cancel_safe_bytes_mut() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    for seed in seeds() {
        let cap = Rng::new(seed).below(100);
        rt.block_on(read_buf_survives_cancellation(
            seed,
            BytesMut::with_capacity(cap),
            None,
        ));
    }
}

#[test]
fn read_buf_cancel_safe_vec() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    for seed in seeds() {
        rt.block_on(read_buf_survives_cancellation(seed, Vec::new(), None));
    }
}

/// A `Limit`ed buffer (a fixed room) stops reading when full.
#[test]
fn read_buf_cancel_safe_limited() {
    struct Limited(bytes::buf::Limit<Vec<u8>>);
    // SAFETY: every method forwards to `Limit<Vec<u8>>`, a correct `BufMut`.
    unsafe impl BufMut for Limited {
        fn remaining_mut(&self) -> usize {
            self.0.remaining_mut()
        }
        unsafe fn advance_mut(&mut self, cnt: usize) {
            // SAFETY: forwarded with the caller's guarantee.
            unsafe { self.0.advance_mut(cnt) }
        }
        fn chunk_mut(&mut self) -> &mut bytes::buf::UninitSlice {
            self.0.chunk_mut()
        }
    }
    impl AsRef<[u8]> for Limited {
        fn as_ref(&self) -> &[u8] {
            self.0.get_ref()
        }
    }
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    for seed in seeds() {
        let room = 1 + Rng::new(seed).below(500);
        let buf = Limited(Vec::new().limit(room));
        rt.block_on(read_buf_survives_cancellation(seed, buf, Some(room)));
    }
}

/// On both flavours, through a duplex pipe fed by another task: the reads
/// wait for real wake-ups, and `select!` against a timer cancels some.
#[test]
fn read_buf_over_duplex_both_flavours() {
    for multi in [false, true] {
        let rt = if multi {
            runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap()
        } else {
            runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
        };
        rt.block_on(async {
            let data = Rng::new(7).bytes(50_000);
            let (mut tx, mut rx) = io::duplex(333);
            let sent = data.clone();
            let writer = runtime::spawn(async move {
                for piece in sent.chunks(1000) {
                    tx.write_all(piece).await.unwrap();
                    runtime::task::yield_now().await;
                }
                tx.shutdown().await.unwrap();
            });
            let mut buf = BytesMut::with_capacity(64);
            let mut timeouts = 0u32;
            loop {
                runtime::select! {
                    n = rx.read_buf(&mut buf) => if n.unwrap() == 0 { break },
                    _ = runtime::time::sleep(std::time::Duration::from_micros(50)) => timeouts += 1,
                }
            }
            writer.await.unwrap();
            assert_eq!(&buf[..], &data[..]);
            let _ = timeouts;
        });
    }
}

#[runtime::test]
async fn read_buf_on_full_fixed_buffer_reads_nothing() {
    let mut reader = ChunkedReader::new(b"data".to_vec(), Rng::new(1), 4, 0);
    let mut storage = [0u8; 0];
    let mut full: &mut [u8] = &mut storage;
    assert_eq!(reader.read_buf(&mut full).await.unwrap(), 0);
    assert_eq!(reader.served, 0, "the reader was not asked");
}

#[runtime::test]
async fn read_buf_offers_at_most_64_kib_per_read() {
    let data = vec![5u8; 200_000];
    let mut reader: &[u8] = &data;
    let mut buf = BytesMut::with_capacity(1 << 20);
    assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 64 * 1024);
    assert_eq!(buf.len(), 64 * 1024);
}

#[runtime::test]
async fn read_buf_grows_a_full_bytes_mut() {
    let mut reader: &[u8] = b"more";
    let mut buf = BytesMut::new();
    assert_eq!(buf.capacity(), 0);
    assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 4);
    assert_eq!(&buf[..], b"more");
}

/// A reader that claims more bytes than it was given room for.
struct Liar;

impl AsyncRead for Liar {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Ok(buf.len() + 1))
    }
}

#[runtime::test]
#[should_panic(expected = "an AsyncRead must return at most the buffer's length")]
async fn read_buf_rejects_a_reader_overreporting() {
    let mut buf = BytesMut::with_capacity(16);
    let _ = Liar.read_buf(&mut buf).await;
}

#[test]
fn write_all_buf_keeps_progress_in_the_buf_when_cancelled() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    for seed in seeds() {
        let _guard = SeedGuard(seed);
        rt.block_on(async {
            let mut rng = Rng::new(seed);
            // Several chunks, so that some writes are vectored.
            let parts: Vec<Bytes> = (0..1 + rng.below(5))
                .map(|_| {
                    let n = rng.below(300);
                    Bytes::from(rng.bytes(n))
                })
                .collect();
            let all: Vec<u8> = parts.iter().flat_map(|p| p.iter().copied()).collect();
            let mut src: std::collections::VecDeque<u8> = all.iter().copied().collect();
            let mut chain = parts
                .iter()
                .cloned()
                .fold(Box::new(Bytes::new()) as Box<dyn Buf>, |acc, p| {
                    Box::new(acc.chain(p))
                });
            let mut writer = ChunkedWriter::new(Rng::new(seed ^ 0x77), 1 + rng.below(64), 3);
            let use_vecdeque = rng.below(2) == 0;
            loop {
                let done = if use_vecdeque {
                    runtime::select! {
                        r = writer.write_all_buf(&mut src) => { r.unwrap(); true }
                        _ = YieldN(rng.below(4)) => false,
                    }
                } else {
                    runtime::select! {
                        r = writer.write_all_buf(&mut chain) => { r.unwrap(); true }
                        _ = YieldN(rng.below(4)) => false,
                    }
                };
                let left = if use_vecdeque {
                    src.remaining()
                } else {
                    chain.remaining()
                };
                assert_eq!(writer.out.len() + left, all.len(), "written + left = all");
                assert_eq!(writer.out, all[..writer.out.len()]);
                if done {
                    assert_eq!(left, 0);
                    break;
                }
            }
        });
    }
}

#[runtime::test]
async fn write_buf_writes_once_and_advances() {
    let (mut tx, mut rx) = io::duplex(4);
    let mut data = Bytes::from_static(b"hello").chain(Bytes::from_static(b" world"));
    // Vectored (two chunks), but the pipe has room for 4 bytes only.
    assert_eq!(tx.write_buf(&mut data).await.unwrap(), 4);
    assert_eq!(data.remaining(), 7);
    let mut got = [0; 4];
    rx.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"hell");
    let mut empty = Bytes::new();
    assert_eq!(tx.write_buf(&mut empty).await.unwrap(), 0);
}

#[runtime::test]
async fn write_all_buf_write_zero_is_an_error() {
    struct Full;
    impl runtime::io::AsyncWrite for Full {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Poll::Ready(Ok(0))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    let mut data = Bytes::from_static(b"x");
    let err = Full.write_all_buf(&mut data).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WriteZero);
    assert_eq!(data.remaining(), 1);
}

/// A reader that answers each poll from a script: `Ok(n)` fills `n` bytes
/// (at most the room) with the poll's number, `Err` fails, `None` is
/// `Pending` (with a wake). Records the room it was offered.
struct Scripted {
    script: std::collections::VecDeque<Option<std::io::Result<usize>>>,
    offered: Vec<usize>,
}

impl Scripted {
    fn new(script: Vec<Option<std::io::Result<usize>>>) -> Self {
        Scripted {
            script: script.into(),
            offered: Vec::new(),
        }
    }
}

impl AsyncRead for Scripted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.offered.push(buf.len());
        let mark = this.offered.len() as u8;
        match this.script.pop_front().expect("polled past the script") {
            None => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(Ok(n)) => {
                let n = n.min(buf.len());
                buf[..n].fill(mark);
                Poll::Ready(Ok(n))
            }
            Some(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

#[runtime::test]
async fn read_buf_small_read_offers_one_kib_once() {
    let mut reader = Scripted::new(vec![Some(Ok(64))]);
    let mut buf = BytesMut::with_capacity(4096);
    assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 64);
    assert_eq!(reader.offered, [1024], "one read, of the probe's size");
    assert!(buf.iter().all(|&b| b == 1));
}

#[runtime::test]
async fn read_buf_full_probe_reads_the_rest_in_the_same_call() {
    let mut reader = Scripted::new(vec![Some(Ok(5000)), Some(Ok(5000))]);
    let mut buf = BytesMut::with_capacity(4096);
    assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 4096);
    assert_eq!(reader.offered, [1024, 3072]);
    assert!(buf[..1024].iter().all(|&b| b == 1));
    assert!(buf[1024..].iter().all(|&b| b == 2));
    assert_eq!(buf.capacity(), 4096, "not grown");
}

#[runtime::test]
async fn read_buf_never_grows_the_buffer_for_the_second_read() {
    let mut reader = Scripted::new(vec![Some(Ok(1024))]);
    let mut buf = BytesMut::with_capacity(1024);
    assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 1024);
    assert_eq!(reader.offered, [1024], "no second read into grown room");
    assert_eq!(buf.capacity(), 1024);
}

#[runtime::test]
async fn read_buf_second_read_pending_returns_the_first() {
    let mut reader = Scripted::new(vec![Some(Ok(1024)), None]);
    let mut buf = Vec::with_capacity(8192);
    assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 1024);
    assert_eq!(buf.len(), 1024);
}

#[runtime::test]
async fn read_buf_second_read_error_is_returned_with_the_first_bytes_kept() {
    let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
    let mut reader = Scripted::new(vec![Some(Ok(1024)), Some(Err(reset))]);
    let mut buf = BytesMut::with_capacity(8192);
    let err = reader.read_buf(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    assert_eq!(buf.len(), 1024, "what the first read got is in the buffer");

    let interrupted = std::io::Error::from(std::io::ErrorKind::Interrupted);
    let mut reader = Scripted::new(vec![Some(Ok(1024)), Some(Err(interrupted))]);
    let mut buf = BytesMut::with_capacity(8192);
    assert_eq!(reader.read_buf(&mut buf).await.unwrap(), 1024);
}
