//! `runtime::io`: the extension traits, buffering, copying, split and duplex,
//! all over in-memory streams.
#![cfg(feature = "full")]

use runtime::io::{
    self, AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeek, AsyncWrite,
    AsyncWriteExt, BufReader, BufWriter, ErrorKind, IoSlice,
};
use runtime::time::Duration;
use std::future::{poll_fn, Future};
use std::io::SeekFrom;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A deterministic byte pattern that does not line up with buffer sizes.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Polls `f` once: `Some(output)` if it was ready.
async fn poll_once<F: Future + Unpin>(f: &mut F) -> Option<F::Output> {
    poll_fn(|cx| match Pin::new(&mut *f).poll(cx) {
        Poll::Ready(v) => Poll::Ready(Some(v)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

fn assert_send_unpin<T: Send + Unpin>(_: &T) {}

#[runtime::test]
async fn read_exact_fills_the_buffer_or_fails_with_unexpected_eof() {
    let mut reader: &[u8] = b"hello world";
    let mut buf = [0; 5];
    let read = reader.read_exact(&mut buf);
    assert_send_unpin(&read);
    assert_eq!(read.await.unwrap(), 5);
    assert_eq!(&buf, b"hello");

    let mut buf = [0; 10];
    let err = reader.read_exact(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

#[runtime::test]
async fn read_to_end_and_read_to_string_append() {
    let mut reader: &[u8] = b" world";
    let mut bytes = b"hello".to_vec();
    assert_eq!(reader.read_to_end(&mut bytes).await.unwrap(), 6);
    assert_eq!(bytes, b"hello world");

    let mut reader: &[u8] = "ü and more".as_bytes();
    let mut text = String::from("text: ");
    assert_eq!(reader.read_to_string(&mut text).await.unwrap(), 11);
    assert_eq!(text, "text: ü and more");

    // A large read through a pipe that hands out small chunks.
    let (mut a, mut b) = io::duplex(100);
    let data = pattern(100_000);
    let expected = data.clone();
    let writer = runtime::spawn(async move { a.write_all(&data).await });
    let mut got = Vec::new();
    assert_eq!(b.read_to_end(&mut got).await.unwrap(), 100_000);
    writer.await.unwrap().unwrap();
    assert!(got == expected);
}

#[runtime::test]
async fn read_to_string_rejects_invalid_utf8_and_leaves_the_string_alone() {
    let mut reader: &[u8] = b"ok \xff\xfe";
    let mut text = String::from("before");
    let err = reader.read_to_string(&mut text).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert_eq!(text, "before");

    let mut reader: &[u8] = b"\xc3";
    let mut empty = String::new();
    let err = reader.read_to_string(&mut empty).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert!(empty.is_empty());
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_all_of_1_mib_through_a_64_kib_duplex() {
    let (mut a, mut b) = io::duplex(64 * 1024);
    let data = pattern(1024 * 1024);
    let expected = data.clone();
    let reader = runtime::spawn(async move {
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.map(|_| got)
    });
    a.write_all(&data).await.unwrap();
    a.shutdown().await.unwrap();
    let got = reader.await.unwrap().unwrap();
    assert_eq!(got.len(), expected.len());
    assert!(got == expected, "bytes differ");
}

#[runtime::test]
async fn lines_strip_newlines_and_keep_a_last_unterminated_line() {
    let input: &[u8] = b"one\ntwo\r\n\nthree\r\nlast";
    let mut lines = BufReader::with_capacity(4, input).lines();
    let mut got = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        got.push(line);
    }
    assert_eq!(got, ["one", "two", "", "three", "last"]);
    assert_eq!(lines.next_line().await.unwrap(), None);

    // The same over a pipe, fed a few bytes at a time.
    let (mut a, b) = io::duplex(3);
    let writer = runtime::spawn(async move { a.write_all(b"alpha\r\nbeta\ngamma\n").await });
    let mut lines = BufReader::new(b).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("alpha"));
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("beta"));
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("gamma"));
    writer.await.unwrap().unwrap();
    assert_eq!(lines.next_line().await.unwrap(), None);
}

#[runtime::test]
async fn read_until_and_read_line() {
    let mut reader = BufReader::with_capacity(2, &b"a,bc,,d"[..]);
    let mut buf = Vec::new();
    let mut parts = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b',', &mut buf).await.unwrap() {
            0 => break,
            n => {
                assert_eq!(n, buf.len());
                parts.push(String::from_utf8(buf.clone()).unwrap());
            }
        }
    }
    assert_eq!(parts, ["a,", "bc,", ",", "d"]);

    let mut reader: &[u8] = b"first\nsecond";
    let mut line = String::new();
    assert_eq!(reader.read_line(&mut line).await.unwrap(), 6);
    assert_eq!(reader.read_line(&mut line).await.unwrap(), 6);
    assert_eq!(reader.read_line(&mut line).await.unwrap(), 0);
    assert_eq!(line, "first\nsecond");

    let mut reader: &[u8] = b"bad \xff\n";
    let mut line = String::from("kept");
    let err = reader.read_line(&mut line).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert_eq!(line, "kept");

    let mut reader = BufReader::new(&b"skip-me"[..]);
    assert_eq!(reader.read_u8().await.unwrap(), b's');
    assert_eq!(reader.buffer(), b"kip-me");
    reader.consume(4);
    assert_eq!(reader.read_u16().await.unwrap(), u16::from_be_bytes(*b"me"));
}

#[runtime::test]
async fn buf_writer_holds_data_until_flush() {
    let (a, mut b) = io::duplex(1024);
    let mut writer = BufWriter::new(a);
    writer.write_all(b"hello").await.unwrap();
    writer.write_u8(b'!').await.unwrap();
    assert_eq!(writer.buffer(), b"hello!");

    let mut buf = [0; 16];
    let mut read = b.read(&mut buf);
    assert!(
        poll_once(&mut read).await.is_none(),
        "peer got data before flush"
    );
    writer.flush().await.unwrap();
    assert_eq!(read.await.unwrap(), 6);
    assert_eq!(&buf[..6], b"hello!");

    // Data is also flushed by shutdown, and large writes go straight through.
    let mut writer = BufWriter::with_capacity(4, Vec::new());
    writer.write_all(b"ab").await.unwrap();
    assert!(writer.get_ref().is_empty());
    writer.write_all(b"0123456789").await.unwrap();
    assert_eq!(writer.get_ref(), b"ab0123456789");
    writer.write_all(b"xyz").await.unwrap();
    writer.shutdown().await.unwrap();
    assert_eq!(writer.into_inner(), b"ab0123456789xyz");
}

#[runtime::test]
async fn copy_moves_1_mib_byte_exact() {
    let data = pattern(1024 * 1024);
    let (mut a, mut b) = io::duplex(16 * 1024);
    let source = data.clone();
    let writer = runtime::spawn(async move {
        a.write_all(&source).await?;
        a.shutdown().await
    });
    let mut sink = BufWriter::new(Vec::new());
    let n = io::copy(&mut b, &mut sink).await.unwrap();
    writer.await.unwrap().unwrap();
    assert_eq!(n, data.len() as u64);
    assert!(sink.into_inner() == data, "bytes differ");

    let mut reader = BufReader::new(&data[..]);
    let mut out = Vec::new();
    assert_eq!(
        io::copy_buf(&mut reader, &mut out).await.unwrap(),
        data.len() as u64
    );
    assert!(out == data);
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_bidirectional_relays_both_ways_and_passes_shutdown_on() {
    let (mut client, mut relay_a) = io::duplex(64);
    let (mut relay_b, mut server) = io::duplex(64);
    let relay =
        runtime::spawn(async move { io::copy_bidirectional(&mut relay_a, &mut relay_b).await });

    let request = pattern(10_000);
    let server_task = runtime::spawn(async move {
        let mut got = Vec::new();
        // Ends only because the client's shutdown was passed through.
        server.read_to_end(&mut got).await?;
        server.write_all(b"reply").await?;
        server.shutdown().await?;
        Ok::<_, io::Error>(got)
    });
    client.write_all(&request).await.unwrap();
    client.shutdown().await.unwrap();
    let mut reply = String::new();
    client.read_to_string(&mut reply).await.unwrap();
    assert_eq!(reply, "reply");
    assert!(server_task.await.unwrap().unwrap() == request);
    assert_eq!(relay.await.unwrap().unwrap(), (10_000, 5));
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn split_halves_work_from_two_tasks_at_once() {
    let (client, server) = io::duplex(1024);
    let echo = runtime::spawn(async move {
        let (mut rd, mut wr) = io::split(server);
        io::copy(&mut rd, &mut wr).await?;
        wr.shutdown().await
    });

    let (mut rd, mut wr) = io::split(client);
    assert!(rd.is_pair_of(&wr) && wr.is_pair_of(&rd));
    let data = pattern(256 * 1024);
    let sent = data.clone();
    let writer = runtime::spawn(async move {
        wr.write_all(&sent).await?;
        wr.shutdown().await?;
        Ok::<_, io::Error>(wr)
    });
    let reader = runtime::spawn(async move {
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await?;
        Ok::<_, io::Error>((rd, got))
    });
    let wr = writer.await.unwrap().unwrap();
    let (rd, got) = reader.await.unwrap().unwrap();
    echo.await.unwrap().unwrap();
    assert!(got == data, "echoed bytes differ");

    let mut client = rd.unsplit(wr);
    let err = client.write_all(b"x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe);
}

#[test]
#[should_panic(expected = "different split() call")]
fn unsplit_of_mismatched_halves_panics() {
    let (a, _a_peer) = io::duplex(8);
    let (b, _b_peer) = io::duplex(8);
    let (read_a, _write_a) = io::split(a);
    let (_read_b, write_b) = io::split(b);
    assert!(!read_a.is_pair_of(&write_b));
    let _ = read_a.unsplit(write_b);
}

#[runtime::test]
async fn duplex_ends_eof_brokenpipe_and_backpressure() {
    let (mut a, mut b) = io::duplex(4);
    // Backpressure: a write takes at most what fits.
    assert_eq!(a.write(b"abcdef").await.unwrap(), 4);
    let mut write = a.write(b"ef");
    assert!(
        poll_once(&mut write).await.is_none(),
        "full pipe accepted a write"
    );
    let mut buf = [0; 3];
    assert_eq!(b.read(&mut buf).await.unwrap(), 3);
    assert_eq!(write.await.unwrap(), 2);

    // Shutdown is one-way: b reads what is left and then EOF, and can still write.
    a.shutdown().await.unwrap();
    let mut rest = Vec::new();
    b.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"def");
    b.write_all(b"back").await.unwrap();
    let mut back = [0; 4];
    a.read_exact(&mut back).await.unwrap();
    assert_eq!(&back, b"back");
    assert_eq!(
        a.write(b"x").await.unwrap_err().kind(),
        ErrorKind::BrokenPipe
    );

    // Dropping a stream: the peer reads EOF and its writes fail.
    drop(a);
    assert_eq!(b.read(&mut buf).await.unwrap(), 0);
    let err = b.write_all(b"anyone?").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe);

    // A pending reader is woken by the peer's drop.
    let (c, mut d) = io::duplex(4);
    let reader = runtime::spawn(async move { d.read(&mut [0; 4]).await });
    runtime::task::yield_now().await;
    drop(c);
    assert_eq!(reader.await.unwrap().unwrap(), 0);
}

#[runtime::test]
async fn big_endian_integers_round_trip() {
    let (mut a, mut b) = io::duplex(3);
    let writer = runtime::spawn(async move {
        a.write_u8(0xab).await?;
        a.write_u16(0x0102).await?;
        a.write_u32(0xdead_beef).await?;
        a.write_u64(u64::MAX - 1).await?;
        Ok::<_, io::Error>(())
    });
    assert_eq!(b.read_u8().await.unwrap(), 0xab);
    assert_eq!(b.read_u16().await.unwrap(), 0x0102);
    let read = b.read_u32();
    assert_send_unpin(&read);
    assert_eq!(read.await.unwrap(), 0xdead_beef);
    assert_eq!(b.read_u64().await.unwrap(), u64::MAX - 1);
    writer.await.unwrap().unwrap();
    let err = b.read_u32().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);

    let mut out = Vec::new();
    out.write_u32(0x0102_0304).await.unwrap();
    assert_eq!(out, [1, 2, 3, 4]);
    let mut short: &[u8] = &[1, 2];
    assert_eq!(
        short.read_u32().await.unwrap_err().kind(),
        ErrorKind::UnexpectedEof
    );
}

#[runtime::test]
async fn take_chain_repeat_empty_sink() {
    let mut taken = (&b"hello world"[..]).take(5);
    let mut text = String::new();
    taken.read_to_string(&mut text).await.unwrap();
    assert_eq!(text, "hello");
    assert_eq!(taken.limit(), 0);
    assert_eq!(taken.into_inner(), b" world");

    let mut lines = BufReader::new(&b"a\nb\nc\n"[..]).take(4).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("a"));
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("b"));
    assert_eq!(lines.next_line().await.unwrap(), None);

    let mut chained = (&b"ab"[..]).chain(io::repeat(b'z').take(3));
    let mut all = Vec::new();
    chained.read_to_end(&mut all).await.unwrap();
    assert_eq!(all, b"abzzz");

    let n = io::copy(&mut io::repeat(1).take(100_000), &mut io::sink())
        .await
        .unwrap();
    assert_eq!(n, 100_000);
    assert_eq!(io::empty().read(&mut [0; 8]).await.unwrap(), 0);

    let mut vectored = Vec::new();
    let bufs = [io::IoSlice::new(b"ab"), io::IoSlice::new(b"cd")];
    let n = vectored.write_vectored(&bufs).await.unwrap();
    assert!(n >= 2 && vectored == b"abcd"[..n]);
}

/// The helpers take `?Sized` readers, so trait objects work too.
#[runtime::test]
async fn works_through_trait_objects() {
    let mut reader: Box<dyn AsyncRead + Unpin + Send> = Box::new(&b"dyn"[..]);
    let mut out = String::new();
    reader.read_to_string(&mut out).await.unwrap();
    assert_eq!(out, "dyn");
}

/// Calls `op` over and over within one poll of the task, with a fresh budget:
/// how many times it was ready before it returned `Pending` (budget spent),
/// or `None` if it was still ready after 10 000 calls.
async fn ready_calls_before_pending<T>(
    mut op: impl FnMut(&mut Context<'_>) -> Poll<io::Result<T>>,
) -> Option<usize> {
    // A fresh budget for the measurement: yielding ends this poll.
    runtime::task::yield_now().await;
    poll_fn(|cx| {
        for ready in 0..10_000 {
            match op(cx) {
                Poll::Ready(result) => drop(result.unwrap()),
                Poll::Pending => return Poll::Ready(Some(ready)),
            }
        }
        Poll::Ready(None)
    })
    .await
}

/// Every operation of `empty()`, `sink()` and `repeat()` is always ready, so
/// each spends one unit of budget and yields once it is spent, as Tokio's do
/// (128 units a poll); otherwise a loop over them never lets the task go.
#[runtime::test]
async fn always_ready_helpers_spend_the_cooperative_budget() {
    let mut buf = [0u8; 8];
    let slices = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
    let mut empty = io::empty();
    let mut sink = io::sink();
    let mut repeat = io::repeat(7);

    let checks: Vec<(&str, Option<usize>)> = vec![
        (
            "empty read",
            ready_calls_before_pending(|cx| Pin::new(&mut empty).poll_read(cx, &mut buf)).await,
        ),
        (
            "empty fill_buf",
            ready_calls_before_pending(|cx| {
                Pin::new(&mut empty).poll_fill_buf(cx).map_ok(|b| b.len())
            })
            .await,
        ),
        (
            "empty write",
            ready_calls_before_pending(|cx| Pin::new(&mut empty).poll_write(cx, b"x")).await,
        ),
        (
            "empty write_vectored",
            ready_calls_before_pending(|cx| Pin::new(&mut empty).poll_write_vectored(cx, &slices))
                .await,
        ),
        (
            "empty flush",
            ready_calls_before_pending(|cx| Pin::new(&mut empty).poll_flush(cx)).await,
        ),
        (
            "empty close",
            ready_calls_before_pending(|cx| Pin::new(&mut empty).poll_close(cx)).await,
        ),
        (
            "empty seek",
            ready_calls_before_pending(|cx| Pin::new(&mut empty).poll_seek(cx, SeekFrom::Start(3)))
                .await,
        ),
        (
            "sink write",
            ready_calls_before_pending(|cx| Pin::new(&mut sink).poll_write(cx, b"x")).await,
        ),
        (
            "sink write_vectored",
            ready_calls_before_pending(|cx| Pin::new(&mut sink).poll_write_vectored(cx, &slices))
                .await,
        ),
        (
            "sink flush",
            ready_calls_before_pending(|cx| Pin::new(&mut sink).poll_flush(cx)).await,
        ),
        (
            "sink close",
            ready_calls_before_pending(|cx| Pin::new(&mut sink).poll_close(cx)).await,
        ),
        (
            "repeat read",
            ready_calls_before_pending(|cx| Pin::new(&mut repeat).poll_read(cx, &mut buf)).await,
        ),
    ];
    for (what, ready) in checks {
        assert_eq!(ready, Some(128), "{what}: ready calls before yielding");
    }
}

/// What the budget is for: a `timeout` around a loop over an always-ready
/// helper fires (the loop yields, the timer gets looked at) instead of
/// spinning forever. Run on its own thread so that a regression fails the
/// test instead of hanging it.
#[test]
fn timeout_fires_around_a_loop_over_always_ready_helpers() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // The timers are created inside `block_on`, which provides the
        // runtime context they need.
        let limit = Duration::from_millis(1);
        let (empty, repeat, sink) = rt.block_on(async {
            let mut buf = [0u8; 8];
            let empty = runtime::time::timeout(limit, async {
                loop {
                    let _ = io::empty().read(&mut buf).await;
                }
            })
            .await;
            let repeat = runtime::time::timeout(limit, async {
                loop {
                    let _ = io::repeat(1).read(&mut buf).await;
                }
            })
            .await;
            let sink = runtime::time::timeout(limit, async {
                loop {
                    let _ = io::sink().write(b"x").await;
                    let _ = io::sink().flush().await;
                }
            })
            .await;
            (empty, repeat, sink)
        });
        tx.send((empty.is_err(), repeat.is_err(), sink.is_err()))
            .unwrap();
    });
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)),
        Ok((true, true, true)),
        "every timeout fires"
    );
}

/// A vectored write to a duplex stream takes from every slice while there is
/// room, as Tokio's does, not only from the first.
#[runtime::test]
async fn duplex_write_vectored_writes_every_slice_that_fits() {
    let first = [b'a'; 14];
    let second = [b'b'; 14];
    let bufs = [
        IoSlice::new(&[]),
        IoSlice::new(&first),
        IoSlice::new(&second),
    ];

    let (mut a, mut b) = io::duplex(64);
    assert_eq!(a.write_vectored(&bufs).await.unwrap(), 28);
    let mut got = [0u8; 28];
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(&got[..14], &first);
    assert_eq!(&got[14..], &second);

    // Only 20 bytes of room: all of the first slice, 6 of the second.
    let (mut a, mut b) = io::duplex(20);
    assert_eq!(a.write_vectored(&bufs).await.unwrap(), 20);
    drop(a);
    let mut got = Vec::new();
    b.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, [&first[..], &second[..6]].concat());

    // Split write halves and buffered writers pass vectored writes on.
    let (a, mut b) = io::duplex(64);
    let (_read, mut write) = io::split(a);
    assert_eq!(write.write_vectored(&bufs).await.unwrap(), 28);
    let mut got = [0u8; 28];
    b.read_exact(&mut got).await.unwrap();
    let (a, mut b) = io::duplex(64);
    let mut buffered = BufWriter::with_capacity(16, a);
    assert_eq!(buffered.write_vectored(&bufs).await.unwrap(), 28);
    let mut got = [0u8; 28];
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(&got[14..], &second);
}
