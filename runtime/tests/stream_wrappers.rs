//! `runtime::stream::wrappers`: each wrapper yields what its source
//! produces and ends when the source does; on both runtime flavours.

use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use runtime::signal::unix::{signal, SignalKind};
use runtime::stream::wrappers::{
    errors::BroadcastStreamRecvError, BroadcastStream, JoinSetStream, LinesStream, ReadDirStream,
    ReceiverStream, SignalStream, SplitStream, TcpListenerStream, UnboundedReceiverStream,
    UnixListenerStream, WatchStream,
};
use runtime::stream::{Stream, StreamExt};
use runtime::sync::{broadcast, mpsc, watch};
use runtime::task::JoinSet;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

both_flavours!(
    receiver_stream_yields_until_senders_are_gone,
    receiver_stream_close_drains_then_ends,
    unbounded_receiver_stream_yields_until_senders_are_gone,
    broadcast_stream_yields_values_lag_and_end,
    broadcast_stream_many_items_from_another_task,
    watch_stream_yields_current_then_latest_changes,
    watch_stream_from_changes_skips_the_seen_value,
    tcp_listener_stream_accepts_connections,
    unix_listener_stream_accepts_connections,
    lines_stream_yields_lines_until_eof,
    split_stream_yields_segments_until_eof,
    read_dir_stream_lists_the_directory,
    join_set_stream_yields_outputs_and_errors,
);

/// Polls once: `Some(item)` if ready, `None` if pending.
async fn poll_now<S: Stream + Unpin>(s: &mut S) -> Option<Option<S::Item>> {
    poll_fn(|cx| match Pin::new(&mut *s).poll_next(cx) {
        Poll::Ready(item) => Poll::Ready(Some(item)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

async fn receiver_stream_yields_until_senders_are_gone() {
    let (tx, rx) = mpsc::channel(2);
    let mut s = ReceiverStream::from(rx);
    // Sent before the producer starts: it may fill the channel, and this
    // task only reads after sending.
    tx.send(-1).await.unwrap();
    let tx2 = tx.clone();
    let producer = runtime::spawn(async move {
        for i in 0..100 {
            tx2.send(i).await.unwrap();
        }
    });
    assert_eq!(s.size_hint().1, None, "open: no upper bound");
    drop(tx);
    let mut got = Vec::new();
    while let Some(x) = s.next().await {
        got.push(x);
    }
    producer.await.unwrap();
    assert_eq!(got[0], -1);
    assert_eq!(&got[1..], (0..100).collect::<Vec<_>>().as_slice());
    assert_eq!(s.next().await, None);
    assert!(s.as_ref().is_closed());
    assert!(s.as_mut().try_recv().is_err());
    let _rx: mpsc::Receiver<i32> = s.into_inner();
}

async fn receiver_stream_close_drains_then_ends() {
    let (tx, rx) = mpsc::channel(4);
    let mut s = ReceiverStream::new(rx);
    tx.send(1).await.unwrap();
    tx.send(2).await.unwrap();
    s.close();
    assert!(tx.send(3).await.is_err(), "closed to senders");
    assert_eq!(s.size_hint(), (2, Some(2)));
    assert_eq!(s.next().await, Some(1));
    assert_eq!(s.next().await, Some(2));
    assert_eq!(s.next().await, None, "ends although a sender is alive");
}

async fn unbounded_receiver_stream_yields_until_senders_are_gone() {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut s = UnboundedReceiverStream::from(rx);
    assert_eq!(poll_now(&mut s).await, None, "pending while empty");
    let producer = runtime::spawn(async move {
        for i in 0..100 {
            tx.send(i).unwrap();
            if i % 10 == 0 {
                runtime::task::yield_now().await;
            }
        }
    });
    let got: Vec<u32> = (&mut s).collect().await;
    producer.await.unwrap();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    assert_eq!(s.size_hint(), (0, Some(0)));

    let (tx, rx) = mpsc::unbounded_channel();
    let mut s = UnboundedReceiverStream::new(rx);
    tx.send(5).unwrap();
    s.close();
    assert!(tx.send(6).is_err());
    assert_eq!(s.next().await, Some(5));
    assert_eq!(s.next().await, None);
    assert!(s.as_mut().try_recv().is_err());
    assert!(s.as_ref().is_closed());
    let _rx: mpsc::UnboundedReceiver<u32> = s.into_inner();
}

async fn broadcast_stream_yields_values_lag_and_end() {
    let (tx, rx) = broadcast::channel(2);
    let mut s = BroadcastStream::new(rx);
    assert_eq!(
        poll_now(&mut s).await,
        None,
        "pending while nothing was sent"
    );
    tx.send(1).unwrap();
    assert_eq!(s.next().await, Some(Ok(1)));
    for i in 2..=5 {
        tx.send(i).unwrap();
    }
    // Capacity 2: 2 and 3 were overwritten.
    assert_eq!(
        s.next().await,
        Some(Err(BroadcastStreamRecvError::Lagged(2)))
    );
    assert_eq!(s.next().await, Some(Ok(4)));
    assert_eq!(s.next().await, Some(Ok(5)));
    tx.send(6).unwrap();
    drop(tx);
    assert_eq!(
        s.next().await,
        Some(Ok(6)),
        "what was sent before the end still comes"
    );
    assert_eq!(s.next().await, None);
    assert!(format!("{s:?}").contains("BroadcastStream"));
}

async fn broadcast_stream_many_items_from_another_task() {
    let (tx, rx) = broadcast::channel(16);
    let s = BroadcastStream::from(rx);
    let producer = runtime::spawn(async move {
        for i in 0..500u32 {
            // Wait for room so that the reader never lags.
            while tx.len() >= 8 {
                runtime::task::yield_now().await;
            }
            tx.send(i).unwrap();
        }
    });
    let got: Vec<u32> = s.map(Result::unwrap).collect().await;
    producer.await.unwrap();
    assert_eq!(got, (0..500).collect::<Vec<_>>());
}

async fn watch_stream_yields_current_then_latest_changes() {
    let (tx, rx) = watch::channel(0);
    let mut s = WatchStream::new(rx);
    assert_eq!(s.next().await, Some(0), "the current value first");
    assert_eq!(poll_now(&mut s).await, None, "then waits for a change");
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert_eq!(s.next().await, Some(2), "changes between polls coalesce");
    let setter = runtime::spawn(async move {
        runtime::time::sleep(Duration::from_millis(5)).await;
        tx.send(3).unwrap();
        // The sender goes away: the stream ends after the last value.
    });
    assert_eq!(s.next().await, Some(3));
    setter.await.unwrap();
    assert_eq!(s.next().await, None);
}

async fn watch_stream_from_changes_skips_the_seen_value() {
    let (tx, rx) = watch::channel("a");
    let mut s = WatchStream::from_changes(rx);
    assert_eq!(
        poll_now(&mut s).await,
        None,
        "the initial value is not yielded"
    );
    tx.send("b").unwrap();
    assert_eq!(s.next().await, Some("b"));
    drop(tx);
    assert_eq!(s.next().await, None);
}

async fn tcp_listener_stream_accepts_connections() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut incoming = TcpListenerStream::new(listener);
    assert_eq!(incoming.as_ref().local_addr().unwrap(), addr);
    let clients = runtime::spawn(async move {
        for i in 0..3u8 {
            let mut c = TcpStream::connect(addr).await.unwrap();
            c.write_all(&[i]).await.unwrap();
        }
    });
    let mut seen = Vec::new();
    for _ in 0..3 {
        let mut conn = incoming.next().await.unwrap().unwrap();
        let mut b = [0u8; 1];
        runtime::io::AsyncReadExt::read_exact(&mut conn, &mut b)
            .await
            .unwrap();
        seen.push(b[0]);
    }
    clients.await.unwrap();
    seen.sort();
    assert_eq!(seen, [0, 1, 2]);
    assert_eq!(
        poll_now(&mut incoming).await.map(|_| ()),
        None,
        "pending: no client"
    );
    let listener: TcpListener = incoming.into_inner();
    assert_eq!(listener.local_addr().unwrap(), addr);
}

async fn unix_listener_stream_accepts_connections() {
    let dir = std::env::temp_dir().join(format!(
        "runtime-stream-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sock");
    let _ = std::fs::remove_file(&path);
    let mut incoming = UnixListenerStream::new(UnixListener::bind(&path).unwrap());
    assert!(incoming.as_mut().local_addr().is_ok());
    let p = path.clone();
    let clients = runtime::spawn(async move {
        for i in 0..2u8 {
            let mut c = UnixStream::connect(&p).await.unwrap();
            c.write_all(&[i]).await.unwrap();
        }
    });
    let mut seen = Vec::new();
    for _ in 0..2 {
        let mut conn = incoming.next().await.unwrap().unwrap();
        let mut b = [0u8; 1];
        runtime::io::AsyncReadExt::read_exact(&mut conn, &mut b)
            .await
            .unwrap();
        seen.push(b[0]);
    }
    clients.await.unwrap();
    seen.sort();
    assert_eq!(seen, [0, 1]);
    drop(incoming.into_inner());
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn lines_stream_yields_lines_until_eof() {
    let (client, mut server) = runtime::io::duplex(16);
    let writer = runtime::spawn(async move {
        server
            .write_all(b"first\nsecond line\r\nno newline")
            .await
            .unwrap();
        // Dropping the writer is the end of input.
    });
    let mut lines = LinesStream::new(BufReader::new(client).lines());
    let mut got = Vec::new();
    while let Some(line) = lines.next().await {
        got.push(line.unwrap());
    }
    writer.await.unwrap();
    assert_eq!(got, ["first", "second line", "no newline"]);
    assert!(lines.next().await.is_none());
    let _ = lines.as_mut();
    let _ = lines.as_ref();
    let _inner = lines.into_inner();

    // An invalid UTF-8 line is an error item.
    let mut bad = LinesStream::new(BufReader::new(&b"\xff\xfe\n"[..]).lines());
    assert_eq!(
        bad.next().await.unwrap().unwrap_err().kind(),
        std::io::ErrorKind::InvalidData
    );
}

async fn split_stream_yields_segments_until_eof() {
    let (client, mut server) = runtime::io::duplex(8);
    let writer = runtime::spawn(async move {
        server.write_all(b"alpha\0beta\0\0gamma").await.unwrap();
    });
    let mut parts = SplitStream::new(BufReader::new(client).split(0));
    let mut got = Vec::new();
    while let Some(part) = parts.next().await {
        got.push(part.unwrap());
    }
    writer.await.unwrap();
    let expected: [&[u8]; 4] = [b"alpha", b"beta", b"", b"gamma"];
    assert_eq!(got, expected);
    assert!(parts.next().await.is_none());
    let _ = parts.as_ref();
    let _ = parts.as_mut();
    let _split = parts.into_inner();
}

async fn read_dir_stream_lists_the_directory() {
    let dir = std::env::temp_dir().join(format!(
        "runtime-stream-dir-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut expected: Vec<String> = (0..40).map(|i| format!("f{i:02}")).collect();
    for name in &expected {
        std::fs::write(dir.join(name), b"x").unwrap();
    }
    let entries = ReadDirStream::new(runtime::fs::read_dir(&dir).await.unwrap());
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
        .await;
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn join_set_stream_yields_outputs_and_errors() {
    let mut set = JoinSet::new();
    for i in 0..5u32 {
        set.spawn(async move {
            runtime::task::yield_now().await;
            assert!(i != 3, "task 3 fails");
            i
        });
    }
    let mut s = JoinSetStream::from(set);
    assert_eq!(s.size_hint(), (5, Some(5)));
    let mut ok = Vec::new();
    let mut failed = 0;
    while let Some(res) = s.next().await {
        match res {
            Ok(i) => ok.push(i),
            Err(e) => {
                assert!(e.is_panic());
                failed += 1;
            }
        }
    }
    ok.sort();
    assert_eq!(ok, [0, 1, 2, 4]);
    assert_eq!(failed, 1);
    assert!(s.as_ref().is_empty());
    s.as_mut().spawn(async { 9 });
    assert_eq!(s.next().await.unwrap().unwrap(), 9);
    assert!(s.into_inner().is_empty());
}

#[runtime::test]
async fn signal_stream_yields_each_delivery() {
    let mut s = SignalStream::new(signal(SignalKind::user_defined1()).unwrap());
    assert_eq!(poll_now(&mut s).await, None, "nothing delivered yet");
    // SAFETY: raise(3) has no memory-safety preconditions; the handler for
    // SIGUSR1 is installed (the listener above), so it does not kill us.
    assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
    assert_eq!(s.next().await, Some(()));
    // SAFETY: as above.
    assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
    assert_eq!(s.as_mut().recv().await, Some(()));
    let _ = s.as_ref();
    let _signal = s.into_inner();
}

#[test]
fn wrappers_are_send_sync_unpin_like_tokio_streams() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    send_sync_unpin::<ReceiverStream<u8>>();
    send_sync_unpin::<UnboundedReceiverStream<u8>>();
    send_sync_unpin::<BroadcastStream<u8>>();
    send_sync_unpin::<WatchStream<u8>>();
    send_sync_unpin::<TcpListenerStream>();
    send_sync_unpin::<UnixListenerStream>();
    send_sync_unpin::<SignalStream>();
    send_sync_unpin::<JoinSetStream<u8>>();
    // A value type that is `Send` but not `Sync` still gives a `Sync`
    // broadcast stream: its boxed future is only reached through `&mut`.
    send_sync_unpin::<BroadcastStream<std::cell::Cell<u8>>>();
}
