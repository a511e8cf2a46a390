//! Feature `tokio-io`: Tokio's `AsyncRead`/`AsyncWrite`/`AsyncBufRead` on
//! our I/O types, exercised through Tokio's own extension traits and
//! tokio-util's codecs (the crates users bring), on both flavours.

#[path = "support/flavours.rs"]
mod flavours;

use std::future::poll_fn;
use std::mem::MaybeUninit;
use std::pin::Pin;

use futures::{SinkExt, StreamExt};
use runtime::net::{TcpListener, TcpStream, UnixStream};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio_util::codec::{Framed, LengthDelimitedCodec, LinesCodec};

async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = runtime::join!(TcpStream::connect(addr), listener.accept());
    (client.unwrap(), accepted.unwrap().0)
}

#[test]
fn tokio_util_framed_lines_over_tcp() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let (client, server) = tcp_pair().await;
            let server = runtime::spawn(async move {
                let mut framed = Framed::new(server, LinesCodec::new());
                while let Some(line) = framed.next().await {
                    let line = line.unwrap();
                    framed.send(line.to_uppercase()).await.unwrap();
                }
            });
            let mut framed = Framed::new(client, LinesCodec::new());
            for word in ["alpha", "beta", "gamma"] {
                framed.send(word).await.unwrap();
                assert_eq!(framed.next().await.unwrap().unwrap(), word.to_uppercase());
            }
            drop(framed); // the server's stream ends
            server.await.unwrap();
        });
    }
}

#[test]
fn length_delimited_frames_over_unix_and_its_halves() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            let (read, write) = a.into_split();
            let mut tx = tokio_util::codec::FramedWrite::new(write, LengthDelimitedCodec::new());
            let mut rx = tokio_util::codec::FramedRead::new(b, LengthDelimitedCodec::new());
            let frames: Vec<Vec<u8>> = (0..50).map(|i| vec![i as u8; i * 37]).collect();
            let sending = frames.clone();
            let writer = runtime::spawn(async move {
                for frame in sending {
                    tx.send(bytes::Bytes::from(frame)).await.unwrap();
                }
                tx
            });
            for frame in &frames {
                assert_eq!(&rx.next().await.unwrap().unwrap()[..], &frame[..]);
            }
            drop(writer.await.unwrap());
            drop(read);
        });
    }
}

#[test]
fn tokio_ext_traits_and_shutdown_on_tcp() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let (mut client, mut server) = tcp_pair().await;
            assert!(tokio::io::AsyncWrite::is_write_vectored(&client));
            client.write_all(b"hello over tokio traits").await.unwrap();
            // poll_shutdown is a write-side shutdown: the peer reads EOF...
            AsyncWriteExt::shutdown(&mut client).await.unwrap();
            let mut got = Vec::new();
            AsyncReadExt::read_to_end(&mut server, &mut got)
                .await
                .unwrap();
            assert_eq!(got, b"hello over tokio traits");
            // ...and can still answer.
            server.write_all(b"bye").await.unwrap();
            drop(server);
            let mut reply = String::new();
            AsyncReadExt::read_to_string(&mut client, &mut reply)
                .await
                .unwrap();
            assert_eq!(reply, "bye");
        });
    }
}

#[test]
fn reads_into_uninitialised_read_bufs() {
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (mut a, mut b) = runtime::io::duplex(64);
        runtime::io::AsyncWriteExt::write_all(&mut a, b"0123456789")
            .await
            .unwrap();
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        let mut buf = tokio::io::ReadBuf::uninit(&mut storage);
        poll_fn(|cx| tokio::io::AsyncRead::poll_read(Pin::new(&mut b), cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(buf.filled(), b"0123");
        assert_eq!(buf.initialized().len(), 4);
        // A second read into the rest of a larger buffer appends.
        let mut bigger = [0u8; 8];
        let mut buf = tokio::io::ReadBuf::new(&mut bigger);
        buf.put_slice(b"xy");
        poll_fn(|cx| tokio::io::AsyncRead::poll_read(Pin::new(&mut b), cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(buf.filled(), b"xy456789");
        assert!(!tokio::io::AsyncWrite::is_write_vectored(&a));
    });
}

#[test]
fn buffered_adapters_through_tokio_traits() {
    let rt = runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (a, b) = runtime::io::duplex(1024);
        let mut writer = runtime::io::BufWriter::new(a);
        writer.write_all(b"line one\nline two\n").await.unwrap();
        tokio::io::AsyncWriteExt::flush(&mut writer).await.unwrap();
        drop(writer);
        let mut reader = runtime::io::BufReader::new(b);
        let mut lines = Vec::new();
        let mut line = String::new();
        while AsyncBufReadExt::read_line(&mut reader, &mut line)
            .await
            .unwrap()
            > 0
        {
            lines.push(std::mem::take(&mut line));
        }
        assert_eq!(lines, ["line one\n", "line two\n"]);
        // Tokio's copy between our types.
        let mut out = Vec::new();
        let copied = tokio::io::copy(&mut runtime::io::repeat(7).take_tokio(5), &mut out).await;
        assert_eq!((copied.unwrap(), out), (5, vec![7; 5]));
    });
}

/// `Take` through Tokio's trait, without naming our ext trait's `take`.
trait TakeTokio: Sized {
    fn take_tokio(self, n: u64) -> runtime::io::Take<Self>;
}

impl<R: futures::AsyncRead + Unpin> TakeTokio for R {
    fn take_tokio(self, n: u64) -> runtime::io::Take<Self> {
        runtime::io::AsyncReadExt::take(self, n)
    }
}

/// `fs::File` through Tokio's traits: reads, writes and the two-step seek
/// (`start_seek` + `poll_complete`), compared with what std sees.
#[test]
fn file_through_tokio_traits_with_seek() {
    use tokio::io::AsyncSeekExt;
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let path = std::env::temp_dir().join(format!(
                "rt-tokio-io-file-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            let mut file = runtime::fs::File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&path)
                .await
                .unwrap();
            AsyncWriteExt::write_all(&mut file, b"0123456789")
                .await
                .unwrap();
            assert_eq!(AsyncSeekExt::stream_position(&mut file).await.unwrap(), 10);
            assert_eq!(file.seek(std::io::SeekFrom::Start(2)).await.unwrap(), 2);
            let mut three = [0u8; 3];
            AsyncReadExt::read_exact(&mut file, &mut three)
                .await
                .unwrap();
            assert_eq!(&three, b"234");
            assert_eq!(file.seek(std::io::SeekFrom::End(-1)).await.unwrap(), 9);
            AsyncWriteExt::write_all(&mut file, b"X").await.unwrap();
            AsyncWriteExt::flush(&mut file).await.unwrap();
            // A second start_seek before completing the first is refused.
            let mut pinned = std::pin::pin!(&mut file);
            tokio::io::AsyncSeek::start_seek(pinned.as_mut(), std::io::SeekFrom::Start(0)).unwrap();
            assert!(
                tokio::io::AsyncSeek::start_seek(pinned.as_mut(), std::io::SeekFrom::Start(1))
                    .is_err()
            );
            let pos = poll_fn(|cx| tokio::io::AsyncSeek::poll_complete(pinned.as_mut(), cx))
                .await
                .unwrap();
            assert_eq!(pos, 0);
            drop(file);
            assert_eq!(std::fs::read(&path).unwrap(), b"012345678X");
            std::fs::remove_file(&path).unwrap();
        });
    }
}

/// Child-process pipes through Tokio's traits: write to `cat`'s stdin,
/// shut it down, read its stdout to the end.
#[test]
fn child_pipes_through_tokio_traits() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let mut child = runtime::process::Command::new("cat")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let mut stdout = child.stdout.take().unwrap();
            let writer = runtime::spawn(async move {
                AsyncWriteExt::write_all(&mut stdin, &[b'z'; 200_000])
                    .await
                    .unwrap();
                AsyncWriteExt::shutdown(&mut stdin).await.unwrap();
            });
            let mut out = Vec::new();
            AsyncReadExt::read_to_end(&mut stdout, &mut out)
                .await
                .unwrap();
            writer.await.unwrap();
            assert_eq!(out.len(), 200_000);
            assert!(out.iter().all(|&b| b == b'z'));
            assert!(child.wait().await.unwrap().success());
        });
    }
}
