//! `BufStream`: buffered reads and writes on one stream (over TCP on both
//! runtime flavours, and over in-memory files that return random chunks and
//! `Pending`), seeking (write buffer flushed, read buffer discarded), the
//! conversions from the two nestings of `BufReader`/`BufWriter`, and the
//! accessors.

#[path = "support/chunked.rs"]
mod chunked;
#[path = "support/rng.rs"]
mod rng;

use chunked::MemFile;
use rng::Rng;
use runtime::io::{
    self, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufStream,
    BufWriter, SeekFrom,
};
use runtime::net::{TcpListener, TcpStream};
use std::pin::pin;

fn runtimes() -> [runtime::runtime::Runtime; 2] {
    [
        runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ]
}

/// A line echo over TCP with a `BufStream` on each side: a write stays in
/// the buffer until flushed, then request and reply go through.
#[test]
fn line_echo_over_tcp_on_both_flavours() {
    for rt in runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = runtime::spawn(async move {
                let (socket, _) = listener.accept().await.unwrap();
                let mut stream = BufStream::new(socket);
                let mut line = String::new();
                let mut served = 0;
                while stream.read_line(&mut line).await.unwrap() != 0 {
                    stream
                        .write_all(line.to_uppercase().as_bytes())
                        .await
                        .unwrap();
                    stream.flush().await.unwrap();
                    line.clear();
                    served += 1;
                }
                served
            });
            let mut client =
                BufStream::with_capacity(64, 16, TcpStream::connect(addr).await.unwrap());
            for i in 0..50 {
                let msg = format!("message number {i}\n");
                client.write_all(msg.as_bytes()).await.unwrap();
                client.flush().await.unwrap();
                let mut reply = String::new();
                client.read_line(&mut reply).await.unwrap();
                assert_eq!(reply, msg.to_uppercase());
            }
            client.shutdown().await.unwrap();
            assert_eq!(server.await.unwrap(), 50);
        });
    }
}

#[runtime::test]
async fn writes_wait_in_the_buffer_until_flushed() {
    let (a, mut b) = io::duplex(1024);
    let mut stream = BufStream::new(a);
    stream.write_all(b"held").await.unwrap();
    let mut buf = [0; 4];
    let nothing =
        runtime::time::timeout(std::time::Duration::from_millis(20), b.read_exact(&mut buf)).await;
    assert!(nothing.is_err(), "nothing is sent before a flush");
    stream.flush().await.unwrap();
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"held");
    // And reads are buffered: one read of the peer's data fills the buffer.
    b.write_all(b"one\ntwo\n").await.unwrap();
    let mut line = String::new();
    stream.read_line(&mut line).await.unwrap();
    assert_eq!(line, "one\n");
    assert_eq!(stream.fill_buf().await.unwrap(), b"two\n");
}

/// Random reads, writes and seeks on a `BufStream` over an in-memory file
/// that moves random chunks and returns `Pending`, against std's `Cursor`.
#[test]
fn read_write_seek_match_std_cursor() {
    use std::io::{Read as _, Seek as _, Write as _};
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    let seeds: Vec<u64> = match std::env::var("SEED") {
        Ok(s) => vec![s.parse().unwrap()],
        Err(_) => (0..200).collect(),
    };
    for seed in seeds {
        rt.block_on(async {
            let mut rng = Rng::new(seed);
            let len = rng.below(100);
            let data = rng.bytes(len);
            let file = MemFile::new(data.clone(), Rng::new(rng.next()), 1 + rng.below(20), 4);
            let mut ours = BufStream::with_capacity(1 + rng.below(16), 1 + rng.below(16), file);
            let mut model = std::io::Cursor::new(data);
            let mut ops = Vec::new();
            for _ in 0..30 {
                match rng.below(4) {
                    0 => {
                        // Reads only start at a flushed position: a read
                        // after a write needs a seek or flush in between,
                        // as with std's BufReader<BufWriter<File>>.
                        ours.flush().await.unwrap();
                        let mut a = vec![0; rng.below(12)];
                        let n = ours.read(&mut a).await.unwrap();
                        let mut b = vec![0; n];
                        model.read_exact(&mut b).unwrap();
                        assert_eq!(a[..n], b[..], "seed {seed}: {ops:?}");
                        ops.push(format!("read {n}"));
                    }
                    1 => {
                        // Writes start where the reads stopped only if the
                        // read buffer is empty: seek to the position first.
                        let here = ours.stream_position().await.unwrap();
                        assert_eq!(here, model.position(), "seed {seed}: {ops:?}");
                        ours.seek(SeekFrom::Start(here)).await.unwrap();
                        // Not empty: std's `Cursor` pads the vector up to
                        // its position even for an empty write.
                        let n = 1 + rng.below(10);
                        let bytes = rng.bytes(n);
                        ours.write_all(&bytes).await.unwrap();
                        model.write_all(&bytes).unwrap();
                        ops.push(format!("write {n}"));
                    }
                    _ => {
                        let pos = match rng.below(3) {
                            0 => SeekFrom::Start(rng.below(120) as u64),
                            1 => SeekFrom::End(-(rng.below(10) as i64)),
                            _ => SeekFrom::Current(rng.below(20) as i64 - 10),
                        };
                        let got = ours.seek(pos).await;
                        let want = model.seek(pos);
                        ops.push(format!("seek {pos:?}"));
                        match (got, want) {
                            (Ok(a), Ok(b)) => assert_eq!(a, b, "seed {seed}: {ops:?}"),
                            (Err(_), Err(_)) => {}
                            (a, b) => panic!("seed {seed}: {ops:?}: ours {a:?}, std {b:?}"),
                        }
                    }
                }
            }
            ours.flush().await.unwrap();
            let file = ours.into_inner();
            assert_eq!(&file.data, model.get_ref(), "seed {seed}: {ops:?}");
        });
    }
}

#[runtime::test]
async fn conversions_keep_what_was_buffered() {
    // BufReader<BufWriter<_>>: a buffered read survives.
    let file = MemFile::new(b"abcdef".to_vec(), Rng::new(1), 6, 0);
    let mut nested = BufReader::new(BufWriter::new(file));
    assert_eq!(nested.read_u8().await.unwrap(), b'a');
    let mut stream = BufStream::from(nested);
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"bcdef");

    // BufWriter<BufReader<_>>: both a buffered read and a buffered write
    // survive, and end up in the right places.
    let file = MemFile::new(b"0123456789".to_vec(), Rng::new(2), 10, 0);
    let mut nested = BufWriter::new(BufReader::new(file));
    assert_eq!(nested.get_mut().read_u8().await.unwrap(), b'0');
    nested.write_all(b"XY").await.unwrap();
    let mut stream = BufStream::from(nested);
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"123456789", "the read buffer moved over");
    stream.flush().await.unwrap();
    assert_eq!(
        stream.get_ref().data,
        b"0123456789XY",
        "so did the write buffer"
    );
}

#[runtime::test]
async fn accessors_reach_the_stream() {
    let file = MemFile::new(b"xyz".to_vec(), Rng::new(3), 3, 0);
    let mut stream = BufStream::new(file);
    assert_eq!(stream.get_ref().data, b"xyz");
    stream.get_mut().pos = 1;
    let mut pinned = pin!(stream);
    assert_eq!(pinned.as_mut().get_pin_mut().pos, 1);
    let mut rest = String::new();
    pinned.as_mut().read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "yz");
    assert!(format!("{pinned:?}").contains("BufStream"));
}
