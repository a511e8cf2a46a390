//! The rest of the I/O extension traits: every number method of
//! `AsyncReadExt`/`AsyncWriteExt` (round trips in both byte orders through
//! randomly chunked, sometimes pending I/O), `AsyncSeekExt` (and seeking a
//! `BufReader`/`BufWriter`, checked against std's `Cursor`), `fill_buf`,
//! `split`, `join`, `simplex`, `copy_bidirectional_with_sizes` and the
//! `get_pin_mut` accessors. Random cases are seeded: a failure prints its
//! seed; replay it with `SEED=<n>`.

#[path = "support/chunked.rs"]
mod chunked;
#[path = "support/rng.rs"]
mod rng;

use chunked::{ChunkedReader, ChunkedWriter, MemFile, YieldN};
use rng::Rng;
use runtime::io::{
    self, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt,
    BufReader, BufWriter, SeekFrom,
};
use std::io::{Read as _, Seek as _};
use std::marker::PhantomPinned;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

fn seeds(default: u64) -> Vec<u64> {
    match std::env::var("SEED") {
        Ok(s) => vec![s.parse().expect("SEED must be a number")],
        Err(_) => (0..default).collect(),
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

fn current_thread() -> runtime::runtime::Runtime {
    runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn multi_thread() -> runtime::runtime::Runtime {
    runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// For each number type: random values written through a writer that takes
/// 1 to 4 bytes at a time (so numbers are split across writes), checked
/// against `to_be_bytes`/`to_le_bytes`, then read back through a reader that
/// hands out 1 to 4 bytes at a time; and a stream that ends inside a number
/// fails with `UnexpectedEof`.
macro_rules! round_trips {
    ($seed:expr; $($write:ident $read:ident $ty:ty, $to:ident;)*) => {{
        let seed: u64 = $seed;
        let mut rng = Rng::new(seed);
        $(
            let values: Vec<$ty> = (0..10)
                .map(|_| {
                    let mut bytes = [0u8; std::mem::size_of::<$ty>()];
                    bytes.iter_mut().for_each(|b| *b = rng.next() as u8);
                    <$ty>::from_ne_bytes(bytes)
                })
                .collect();
            let mut writer = ChunkedWriter::new(Rng::new(rng.next()), 4, 3);
            let mut expected = Vec::new();
            for v in &values {
                writer.$write(*v).await.unwrap();
                expected.extend_from_slice(&v.$to());
            }
            assert_eq!(writer.out, expected, "{} encoding", stringify!($write));
            let mut reader = ChunkedReader::new(expected.clone(), Rng::new(rng.next()), 4, 3);
            for v in &values {
                let got: $ty = reader.$read().await.unwrap();
                // Bytes, not values: NaNs must round-trip too.
                assert_eq!(got.$to(), v.$to(), "{}", stringify!($read));
            }
            let err = reader.$read().await.unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
            let size = std::mem::size_of::<$ty>();
            let mut short = ChunkedReader::new(expected[..size - 1].to_vec(), Rng::new(seed), 4, 3);
            let err = short.$read().await.unwrap_err();
            let what = concat!(stringify!($read), " of a short stream");
            assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "{what}");
        )*
    }};
}

async fn number_case(seed: u64) {
    round_trips! { seed;
        write_u8 read_u8 u8, to_be_bytes;
        write_i8 read_i8 i8, to_be_bytes;
        write_u16 read_u16 u16, to_be_bytes;
        write_i16 read_i16 i16, to_be_bytes;
        write_u32 read_u32 u32, to_be_bytes;
        write_i32 read_i32 i32, to_be_bytes;
        write_u64 read_u64 u64, to_be_bytes;
        write_i64 read_i64 i64, to_be_bytes;
        write_u128 read_u128 u128, to_be_bytes;
        write_i128 read_i128 i128, to_be_bytes;
        write_f32 read_f32 f32, to_be_bytes;
        write_f64 read_f64 f64, to_be_bytes;
        write_u16_le read_u16_le u16, to_le_bytes;
        write_i16_le read_i16_le i16, to_le_bytes;
        write_u32_le read_u32_le u32, to_le_bytes;
        write_i32_le read_i32_le i32, to_le_bytes;
        write_u64_le read_u64_le u64, to_le_bytes;
        write_i64_le read_i64_le i64, to_le_bytes;
        write_u128_le read_u128_le u128, to_le_bytes;
        write_i128_le read_i128_le i128, to_le_bytes;
        write_f32_le read_f32_le f32, to_le_bytes;
        write_f64_le read_f64_le f64, to_le_bytes;
    }
}

#[test]
fn numbers_round_trip_in_both_byte_orders() {
    let rt = current_thread();
    for seed in seeds(64) {
        let _guard = SeedGuard(seed);
        rt.block_on(number_case(seed));
    }
}

#[test]
fn numbers_round_trip_multi_thread() {
    let rt = multi_thread();
    for seed in seeds(8) {
        let _guard = SeedGuard(seed);
        rt.block_on(async { runtime::spawn(number_case(seed)).await.unwrap() });
    }
}

#[runtime::test]
async fn numbers_have_the_documented_layout() {
    let mut out = Vec::new();
    out.write_i16(-2).await.unwrap();
    out.write_u32_le(0x0102_0304).await.unwrap();
    out.write_f32(1.0).await.unwrap();
    out.write_i8(-1).await.unwrap();
    assert_eq!(out, [0xff, 0xfe, 4, 3, 2, 1, 0x3f, 0x80, 0, 0, 0xff]);
    let mut reader: &[u8] = &out;
    assert_eq!(reader.read_i16().await.unwrap(), -2);
    assert_eq!(reader.read_u32_le().await.unwrap(), 0x0102_0304);
    assert_eq!(reader.read_f32().await.unwrap(), 1.0);
    assert_eq!(reader.read_i8().await.unwrap(), -1);
}

#[runtime::test]
async fn seek_ext_moves_and_reports_the_position() {
    let mut file = MemFile::new(b"0123456789".to_vec(), Rng::new(3), 4, 2);
    assert_eq!(file.seek(SeekFrom::Start(3)).await.unwrap(), 3);
    assert_eq!(file.read_u8().await.unwrap(), b'3');
    assert_eq!(file.stream_position().await.unwrap(), 4);
    assert_eq!(file.seek(SeekFrom::Current(-2)).await.unwrap(), 2);
    assert_eq!(file.seek(SeekFrom::End(-1)).await.unwrap(), 9);
    assert_eq!(file.read_u8().await.unwrap(), b'9');
    let err = file.seek(SeekFrom::Current(-11)).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        file.stream_position().await.unwrap(),
        10,
        "a failed seek moves nothing"
    );
    assert_eq!(
        file.seek(SeekFrom::End(5)).await.unwrap(),
        15,
        "past the end"
    );
    assert_eq!(file.read(&mut [0; 4]).await.unwrap(), 0);
    assert_eq!(file.rewind().await.unwrap(), 0);
    assert_eq!(file.read_u8().await.unwrap(), b'0');
}

/// Random reads and seeks on a `BufReader` over a pending, chunked file,
/// against std's `Cursor` over the same bytes: `SeekFrom::Current` must
/// count from the `BufReader`'s position, not the inner file's.
#[test]
fn buf_reader_seek_matches_std_cursor() {
    let rt = current_thread();
    for seed in seeds(200) {
        let _guard = SeedGuard(seed);
        rt.block_on(async {
            let mut rng = Rng::new(seed);
            let len = rng.below(300);
            let data = rng.bytes(len);
            let file = MemFile::new(data.clone(), Rng::new(rng.next()), 1 + rng.below(40), 4);
            let mut ours = BufReader::with_capacity(1 + rng.below(32), file);
            let mut model = std::io::Cursor::new(data.clone());
            for _ in 0..40 {
                if rng.below(2) == 0 {
                    let mut a = vec![0; rng.below(20)];
                    let mut b = a.clone();
                    let n = ours.read(&mut a).await.unwrap();
                    // The model reads the same count (ours may return fewer).
                    model.read_exact(&mut b[..n]).unwrap();
                    assert_eq!(a[..n], b[..n]);
                    continue;
                }
                let pos = match rng.below(5) {
                    0 => SeekFrom::Start(rng.below(len + 10) as u64),
                    1 => SeekFrom::End(rng.below(len + 10) as i64 - len as i64 - 5),
                    2 => SeekFrom::Current(rng.below(40) as i64 - 20),
                    3 => SeekFrom::Current(i64::MIN + rng.below(3) as i64),
                    _ => SeekFrom::Current(0),
                };
                let got = ours.seek(pos).await;
                let want = model.seek(pos);
                match (got, want) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{pos:?}"),
                    (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{pos:?}"),
                    (a, b) => panic!("{pos:?}: ours {a:?}, std {b:?}"),
                }
                assert_eq!(
                    ours.stream_position().await.unwrap(),
                    model.position(),
                    "after {pos:?}"
                );
            }
        });
    }
}

#[runtime::test]
async fn buf_writer_seek_writes_the_buffer_first() {
    let mut writer = BufWriter::new(MemFile::new(Vec::new(), Rng::new(5), 3, 3));
    writer.write_all(b"hello world").await.unwrap();
    assert!(writer.get_ref().data.is_empty(), "still buffered");
    assert_eq!(writer.seek(SeekFrom::Start(6)).await.unwrap(), 6);
    assert_eq!(writer.get_ref().data, b"hello world");
    writer.write_all(b"W").await.unwrap();
    writer.flush().await.unwrap();
    assert_eq!(writer.get_ref().data, b"hello World");
}

/// Everything read with `fill_buf` + `consume`, with some `fill_buf`s
/// cancelled: nothing is lost, since the data stays in the reader.
#[test]
fn fill_buf_consume_lose_nothing_when_cancelled() {
    let rt = current_thread();
    for seed in seeds(100) {
        let _guard = SeedGuard(seed);
        rt.block_on(async {
            let mut rng = Rng::new(seed);
            let len = rng.below(2000);
            let data = rng.bytes(len);
            let inner =
                ChunkedReader::new(data.clone(), Rng::new(rng.next()), 1 + rng.below(100), 3);
            let mut reader = BufReader::with_capacity(1 + rng.below(64), inner);
            let mut got = Vec::new();
            loop {
                let take = rng.below(10);
                runtime::select! {
                    buf = reader.fill_buf() => {
                        let buf = buf.unwrap();
                        if buf.is_empty() {
                            break;
                        }
                        let n = take.min(buf.len());
                        got.extend_from_slice(&buf[..n]);
                        reader.consume(n);
                    }
                    _ = YieldN(rng.below(3)) => {}
                }
            }
            assert_eq!(got, data);
        });
    }
}

/// `split` against std's `BufRead::split` (same segments), with some
/// `next_segment` calls cancelled mid-segment.
#[test]
fn split_matches_std_and_is_cancel_safe() {
    let rt = current_thread();
    for seed in seeds(200) {
        let _guard = SeedGuard(seed);
        rt.block_on(async {
            let mut rng = Rng::new(seed);
            let len = rng.below(500);
            // Few distinct bytes, so the delimiter is common.
            let data: Vec<u8> = (0..len).map(|_| b"ab,"[rng.below(3)]).collect();
            let want: Vec<Vec<u8>> = std::io::BufRead::split(&data[..], b',')
                .map(Result::unwrap)
                .collect();
            let inner =
                ChunkedReader::new(data.clone(), Rng::new(rng.next()), 1 + rng.below(20), 3);
            let mut segments = BufReader::with_capacity(1 + rng.below(16), inner).split(b',');
            let mut got = Vec::new();
            loop {
                runtime::select! {
                    seg = segments.next_segment() => match seg.unwrap() {
                        Some(seg) => got.push(seg),
                        None => break,
                    },
                    _ = YieldN(rng.below(3)) => {}
                }
            }
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&data));
        });
    }
}

#[runtime::test]
async fn split_edge_cases() {
    let mut none = BufReader::new(&b""[..]).split(b'\n');
    assert_eq!(none.next_segment().await.unwrap(), None);
    let mut empty_ones = BufReader::new(&b"\n\nx"[..]).split(b'\n');
    assert_eq!(empty_ones.next_segment().await.unwrap(), Some(vec![]));
    assert_eq!(empty_ones.next_segment().await.unwrap(), Some(vec![]));
    assert_eq!(
        empty_ones.next_segment().await.unwrap(),
        Some(b"x".to_vec())
    );
    assert_eq!(empty_ones.next_segment().await.unwrap(), None);
}

/// An `AsyncRead + AsyncWrite` that is `!Unpin`: a `&[u8]` reader and a
/// `Vec` writer with a `PhantomPinned`.
struct Pinned {
    input: &'static [u8],
    output: Vec<u8>,
    _pin: PhantomPinned,
}

impl Pinned {
    fn new(input: &'static [u8]) -> Self {
        Pinned {
            input,
            output: Vec::new(),
            _pin: PhantomPinned,
        }
    }

    fn fields(self: Pin<&mut Self>) -> (&mut &'static [u8], &mut Vec<u8>) {
        // SAFETY: no field is pinned structurally (`PhantomPinned` is only a
        // marker), so handing out `&mut` to them moves nothing that is pinned.
        let this = unsafe { self.get_unchecked_mut() };
        (&mut this.input, &mut this.output)
    }
}

impl AsyncRead for Pinned {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(self.fields().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Pinned {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(self.fields().1).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[runtime::test]
async fn join_reads_from_the_reader_and_writes_to_the_writer() {
    let reader = BufReader::new(&b"line one\nline two\n"[..]);
    let mut stream = io::join(reader, Vec::new());
    let mut line = String::new();
    stream.read_line(&mut line).await.unwrap(); // AsyncBufRead passes through
    assert_eq!(line, "line one\n");
    stream.write_all(b"ack").await.unwrap();
    stream.flush().await.unwrap();
    stream.shutdown().await.unwrap();
    assert_eq!(stream.writer(), b"ack");
    assert_eq!(stream.reader().buffer(), b"line two\n");
    stream.writer_mut().push(b'!');
    stream.reader_mut().consume(5);
    let (mut reader, writer) = stream.into_inner();
    assert_eq!(writer, b"ack!");
    let mut rest = String::new();
    reader.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "two\n");
}

#[runtime::test]
async fn join_of_unpin_less_halves_works_pinned() {
    let mut stream = pin!(io::join(Pinned::new(b"in"), Pinned::new(b"")));
    let mut buf = [0; 2];
    stream.as_mut().read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"in");
    stream.as_mut().write_all(b"out").await.unwrap();
    assert_eq!(*stream.as_mut().writer_pin_mut().fields().1, *b"out");
    assert_eq!(*stream.as_mut().reader_pin_mut().fields().0, b"");
}

#[runtime::test]
async fn get_pin_mut_reaches_the_inner_stream() {
    let mut reader = pin!(BufReader::new(Pinned::new(b"abc")));
    let mut one = [0; 1];
    reader
        .as_mut()
        .get_pin_mut()
        .read_exact(&mut one)
        .await
        .unwrap();
    assert_eq!(&one, b"a");
    assert_eq!(*reader.as_mut().get_pin_mut().fields().0, b"bc");

    let mut writer = pin!(BufWriter::new(Pinned::new(b"")));
    writer
        .as_mut()
        .get_pin_mut()
        .write_all(b"direct")
        .await
        .unwrap();
    assert_eq!(writer.get_ref().output, b"direct");

    let mut take = pin!(Pinned::new(b"xyz").take(1));
    assert_eq!(*take.as_mut().get_pin_mut().fields().0, b"xyz");

    let mut chain = pin!(Pinned::new(b"1").chain(Pinned::new(b"2")));
    let (first, second) = chain.as_mut().get_pin_mut();
    assert_eq!(
        (*first.fields().0, *second.fields().0),
        (&b"1"[..], &b"2"[..])
    );
}

#[runtime::test]
async fn simplex_stream_is_a_bounded_one_way_pipe() {
    let mut pipe = io::SimplexStream::new_unsplit(4);
    assert_eq!(pipe.write(b"abcdef").await.unwrap(), 4, "what fits");
    // Full: a write waits.
    let blocked =
        runtime::time::timeout(std::time::Duration::from_millis(20), pipe.write(b"x")).await;
    assert!(blocked.is_err(), "a write to a full pipe waits");
    let mut buf = [0; 8];
    assert_eq!(pipe.read(&mut buf).await.unwrap(), 4);
    assert_eq!(&buf[..4], b"abcd");
    // Empty: a read waits.
    let blocked =
        runtime::time::timeout(std::time::Duration::from_millis(20), pipe.read(&mut buf)).await;
    assert!(blocked.is_err(), "a read of an empty pipe waits");
    pipe.write_all(b"end").await.unwrap();
    pipe.shutdown().await.unwrap();
    let err = pipe.write(b"late").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    let mut rest = Vec::new();
    pipe.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"end", "buffered data outlives the shutdown");
    assert!(format!("{pipe:?}").contains("SimplexStream"));
}

#[test]
fn simplex_halves_across_tasks_on_both_flavours() {
    for rt in [current_thread(), multi_thread()] {
        rt.block_on(async {
            let data = Rng::new(11).bytes(100_000);
            let (mut rx, mut tx) = io::simplex(100);
            let sent = data.clone();
            let writer = runtime::spawn(async move {
                for piece in sent.chunks(777) {
                    tx.write_all(piece).await.unwrap();
                }
                tx.shutdown().await.unwrap();
                tx
            });
            let reader = runtime::spawn(async move {
                let mut got = Vec::new();
                rx.read_to_end(&mut got).await.unwrap();
                (got, rx)
            });
            let tx = writer.await.unwrap();
            let (got, rx) = reader.await.unwrap();
            assert_eq!(got, data);
            let _whole: io::SimplexStream = rx.unsplit(tx);
        });
    }
}

#[test]
#[should_panic(expected = "max_buf_size must be at least 1")]
fn simplex_of_zero_bytes_panics() {
    let _ = io::simplex(0);
}

/// A reader of a fixed size that records the largest buffer it was given.
struct Recording {
    left: usize,
    largest: usize,
}

impl AsyncRead for Recording {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.largest = this.largest.max(buf.len());
        let n = this.left.min(buf.len());
        buf[..n].fill(1);
        this.left -= n;
        Poll::Ready(Ok(n))
    }
}

#[test]
fn copy_bidirectional_with_sizes_uses_the_sizes() {
    for rt in [current_thread(), multi_thread()] {
        rt.block_on(async {
            let mut a = io::join(
                Recording {
                    left: 5000,
                    largest: 0,
                },
                Vec::new(),
            );
            let mut b = io::join(
                Recording {
                    left: 300,
                    largest: 0,
                },
                Vec::new(),
            );
            let counts = io::copy_bidirectional_with_sizes(&mut a, &mut b, 1000, 37)
                .await
                .unwrap();
            assert_eq!(counts, (5000, 300));
            assert_eq!(a.reader().largest, 1000);
            assert_eq!(b.reader().largest, 37);
            assert_eq!(b.writer().len(), 5000);
            assert_eq!(a.writer().len(), 300);
        });
    }
}

#[runtime::test]
#[should_panic(expected = "the copy buffer size must be at least 1 byte")]
async fn copy_bidirectional_with_a_zero_size_panics() {
    let (mut a, mut b) = io::duplex(8);
    let _ = io::copy_bidirectional_with_sizes(&mut a, &mut b, 8, 0).await;
}
