//! Interop with the `futures` crate, with no compat layer:
//!
//! - `futures::io` extension traits, `copy`, `BufReader` and `split` work on
//!   our `TcpStream` (its `AsyncRead`/`AsyncWrite` *are* `futures-io`'s);
//! - `FuturesUnordered` and `join_all` drive our `JoinHandle`s;
//! - `futures::executor::block_on` on plain threads (no runtime anywhere on
//!   them) awaits `runtime::sync` primitives and a `JoinHandle` of a task
//!   running on a runtime.
//!
//! Every wait is bounded (a `timeout` in async code, `recv_timeout` on plain
//! threads), so a lost wake-up fails the test instead of hanging it.
#![cfg(feature = "full")]

use futures::executor::block_on;
use futures::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use futures::stream::{FuturesUnordered, StreamExt};
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::{mpsc, oneshot, Mutex, Semaphore};
use runtime::time::{sleep, timeout};
use runtime::{Builder, Runtime};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc as std_mpsc, Arc};
use std::thread;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(20);

fn runtimes() -> [Runtime; 2] {
    [
        Builder::new_current_thread().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ]
}

async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    match timeout(LONG, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// Runs `f` on a new plain thread (no runtime entered) under
/// `futures::executor::block_on`, and returns its output (bounded wait).
fn on_plain_thread<T, F>(f: F) -> std_mpsc::Receiver<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let (tx, rx) = std_mpsc::channel();
    thread::spawn(move || {
        assert!(
            runtime::Handle::try_current().is_err(),
            "a plain thread must have no runtime"
        );
        let _ = tx.send(block_on(f));
    });
    rx
}

/// Returns `Pending` once (waking itself first): an executor-neutral yield.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
    .await
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

// ------------------------------------------------------------ futures::io --

#[test]
fn futures_io_ext_traits_on_tcp_stream() {
    for rt in runtimes() {
        rt.block_on(bounded("ext traits", async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = runtime::spawn(async move {
                let (mut s, _) = listener.accept().await.unwrap();
                // futures::io::AsyncReadExt::read_exact on our stream.
                let mut hello = [0u8; 5];
                s.read_exact(&mut hello).await.unwrap();
                // futures::io::AsyncWriteExt::write_all + close.
                s.write_all(&hello.to_ascii_uppercase()).await.unwrap();
                s.close().await.unwrap();
                hello
            });
            let mut client = TcpStream::connect(addr).await.unwrap();
            client.write_all(b"hello").await.unwrap();
            client.flush().await.unwrap();
            let mut reply = Vec::new();
            // read_to_end ends at the server's `close` (a write-side shutdown).
            let n = client.read_to_end(&mut reply).await.unwrap();
            assert_eq!(n, 5);
            assert_eq!(reply, b"HELLO");
            assert_eq!(&server.await.unwrap(), b"hello");
        }));
    }
}

#[test]
fn futures_io_copy_echoes_bytes_exactly_and_close_only_shuts_writes() {
    for rt in runtimes() {
        rt.block_on(bounded("copy echo", async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            // Echo server: futures' own split (a BiLock) and futures::io::copy.
            let server = runtime::spawn(async move {
                let (stream, _) = listener.accept().await.unwrap();
                let (mut r, mut w) = AsyncReadExt::split(stream);
                let copied = futures::io::copy(&mut r, &mut w).await.unwrap();
                w.close().await.unwrap();
                copied
            });
            let data = pattern(256 * 1024);
            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut r, mut w) = AsyncReadExt::split(stream);
            let sent = data.clone();
            let writer = runtime::spawn(async move {
                w.write_all(&sent).await.unwrap();
                // Closing shuts our write side only: the echo still arrives.
                w.close().await.unwrap();
            });
            let mut got = Vec::new();
            r.read_to_end(&mut got).await.unwrap();
            writer.await.unwrap();
            assert_eq!(got.len(), data.len());
            assert!(got == data, "echoed bytes differ");
            assert_eq!(server.await.unwrap(), data.len() as u64);
        }));
    }
}

#[runtime::test]
async fn futures_buf_reader_lines_over_tcp() {
    bounded("lines", async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        runtime::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            s.write_all(b"one\ntwo\r\nthree").await.unwrap();
            s.close().await.unwrap();
        });
        let client = TcpStream::connect(addr).await.unwrap();
        let lines: Vec<String> = BufReader::new(client)
            .lines()
            .map(Result::unwrap)
            .collect()
            .await;
        assert_eq!(lines, ["one", "two", "three"]);
    })
    .await;
}

// ------------------------------------------------------- join handles ------

#[test]
fn futures_unordered_over_join_handles() {
    for rt in runtimes() {
        rt.block_on(bounded("FuturesUnordered", async {
            // Later-spawned tasks finish first: completion order is reversed.
            let handles: FuturesUnordered<_> = (0..20u64)
                .map(|i| {
                    runtime::spawn(async move {
                        sleep(Duration::from_millis(2 * (20 - i))).await;
                        i * i
                    })
                })
                .collect();
            let mut got: Vec<u64> = handles.map(Result::unwrap).collect().await;
            got.sort_unstable();
            assert_eq!(got, (0..20u64).map(|i| i * i).collect::<Vec<_>>());

            // Errors come through as JoinErrors.
            let mut set = FuturesUnordered::new();
            set.push(runtime::spawn(async { panic!("boom") }));
            let pending = runtime::spawn(std::future::pending::<()>());
            pending.abort();
            set.push(pending);
            set.push(runtime::spawn(async {}));
            let (mut ok, mut panicked, mut cancelled) = (0, 0, 0);
            while let Some(res) = set.next().await {
                match res {
                    Ok(()) => ok += 1,
                    Err(e) if e.is_panic() => panicked += 1,
                    Err(e) if e.is_cancelled() => cancelled += 1,
                    Err(e) => panic!("unexpected {e}"),
                }
            }
            assert_eq!((ok, panicked, cancelled), (1, 1, 1));

            // join_all keeps order.
            let all =
                futures::future::join_all((0..5).map(|i| runtime::spawn(async move { i }))).await;
            let all: Vec<i32> = all.into_iter().map(Result::unwrap).collect();
            assert_eq!(all, [0, 1, 2, 3, 4]);
        }));
    }
}

#[test]
fn join_handle_awaited_from_a_plain_thread() {
    for rt in runtimes() {
        // Finishes after the plain thread started waiting.
        let slow = rt.spawn(async {
            sleep(Duration::from_millis(50)).await;
            42
        });
        let boom = rt.spawn(async {
            sleep(Duration::from_millis(10)).await;
            panic!("boom")
        });
        let never = rt.spawn(std::future::pending::<()>());
        let abort = never.abort_handle();
        let waiter = on_plain_thread(async move {
            (
                slow.await.unwrap(),
                boom.await.unwrap_err().is_panic(),
                never.await.unwrap_err().is_cancelled(),
            )
        });
        // Keep the runtime's own thread busy for the current-thread flavour,
        // which only runs tasks inside block_on.
        rt.block_on(async {
            sleep(Duration::from_millis(20)).await;
            abort.abort();
            let got = runtime::task::spawn_blocking(move || waiter.recv_timeout(LONG))
                .await
                .unwrap()
                .expect("JoinHandle awaited from a plain thread never completed");
            assert_eq!(got, (42, true, true));
        });
    }
}

// ------------------------------------------- sync from a plain thread -----

#[test]
fn oneshot_awaited_by_block_on_on_a_plain_thread() {
    let rt = Runtime::new().unwrap();
    // Receiver on a plain thread, sender in a runtime task.
    let (tx, rx) = oneshot::channel::<String>();
    let got = on_plain_thread(rx);
    rt.spawn(async move {
        sleep(Duration::from_millis(20)).await;
        tx.send("from the runtime".to_string()).unwrap();
    });
    assert_eq!(got.recv_timeout(LONG).unwrap().unwrap(), "from the runtime");

    // And the other way round: a runtime task awaits a value a plain thread sends.
    let (tx, rx) = oneshot::channel::<u32>();
    let task = rt.spawn(rx);
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        tx.send(7).unwrap();
    });
    assert_eq!(rt.block_on(bounded("oneshot", task)).unwrap(), Ok(7));

    // A dropped sender is an error, not a hang.
    let (tx, rx) = oneshot::channel::<u32>();
    let got = on_plain_thread(rx);
    drop(tx);
    assert!(got.recv_timeout(LONG).unwrap().is_err());
}

#[test]
fn mpsc_between_a_runtime_and_a_plain_thread() {
    let rt = Runtime::new().unwrap();
    // Runtime producer, plain-thread consumer, capacity 2: backpressure wakes
    // the producer from a thread with no runtime.
    let (tx, mut rx) = mpsc::channel::<u64>(2);
    rt.spawn(async move {
        for i in 1..=200 {
            tx.send(i).await.unwrap();
        }
    });
    let sum = on_plain_thread(async move {
        let mut sum = 0;
        let mut count = 0;
        while let Some(v) = rx.recv().await {
            sum += v;
            count += 1;
        }
        (count, sum)
    });
    assert_eq!(sum.recv_timeout(LONG).unwrap(), (200, 200 * 201 / 2));

    // Plain-thread producers (blocked on a full channel), runtime consumer.
    let (tx, mut rx) = mpsc::channel::<u64>(1);
    for t in 0..3 {
        let tx = tx.clone();
        drop(on_plain_thread(async move {
            for i in 0..50 {
                tx.send(t * 1000 + i).await.unwrap();
            }
        }));
    }
    drop(tx);
    let mut got = rt.block_on(bounded("mpsc from plain threads", async move {
        let mut got = Vec::new();
        while let Some(v) = rx.recv().await {
            got.push(v);
        }
        got
    }));
    got.sort_unstable();
    let mut want: Vec<u64> = (0..3)
        .flat_map(|t| (0..50).map(move |i| t * 1000 + i))
        .collect();
    want.sort_unstable();
    assert_eq!(got, want);

    // Unbounded: the sender is synchronous, the receiver awaited on a plain thread.
    let (tx, mut rx) = mpsc::unbounded_channel::<&str>();
    let got = on_plain_thread(async move { (rx.recv().await, rx.recv().await) });
    tx.send("a").unwrap();
    drop(tx);
    assert_eq!(got.recv_timeout(LONG).unwrap(), (Some("a"), None));
}

#[test]
fn mutex_shared_by_plain_threads_and_runtime_tasks() {
    let rt = Runtime::new().unwrap();
    let counter = Arc::new(Mutex::new(0u64));
    let mut done = Vec::new();
    for _ in 0..3 {
        let counter = counter.clone();
        done.push(on_plain_thread(async move {
            for _ in 0..500 {
                let mut g = counter.lock().await;
                let v = *g;
                // Hold the lock across a yield so contenders really queue.
                yield_once().await;
                *g = v + 1;
            }
        }));
    }
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let counter = counter.clone();
            rt.spawn(async move {
                for _ in 0..500 {
                    let mut g = counter.lock().await;
                    let v = *g;
                    runtime::task::yield_now().await;
                    *g = v + 1;
                }
            })
        })
        .collect();
    for d in done {
        d.recv_timeout(LONG).expect("plain-thread locker hung");
    }
    rt.block_on(bounded("mutex tasks", async {
        for t in tasks {
            t.await.unwrap();
        }
    }));
    assert_eq!(*block_on(counter.lock()), 3000);
}

#[test]
fn semaphore_limits_plain_threads_and_wakes_them_from_the_runtime() {
    let rt = Runtime::new().unwrap();
    let sem = Arc::new(Semaphore::new(2));
    let running = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));

    // A runtime task takes every permit, so the plain threads must wait for it.
    let (taken_tx, taken_rx) = std_mpsc::channel();
    let (release_tx, release_rx) = oneshot::channel::<()>();
    let holder = {
        let sem = sem.clone();
        rt.spawn(async move {
            let permits = sem.acquire_many(2).await.unwrap();
            taken_tx.send(()).unwrap();
            release_rx.await.unwrap();
            drop(permits);
        })
    };
    taken_rx.recv_timeout(LONG).unwrap();
    assert_eq!(sem.available_permits(), 0);

    let workers: Vec<_> = (0..6)
        .map(|_| {
            let (sem, running, max_seen) = (sem.clone(), running.clone(), max_seen.clone());
            on_plain_thread(async move {
                let _permit = sem.acquire().await.unwrap();
                let now = running.fetch_add(1, SeqCst) + 1;
                max_seen.fetch_max(now, SeqCst);
                thread::sleep(Duration::from_millis(5));
                running.fetch_sub(1, SeqCst);
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(20));
    assert_eq!(running.load(SeqCst), 0, "a worker ran without a permit");
    release_tx.send(()).unwrap();
    for w in workers {
        w.recv_timeout(LONG).expect("a waiter was never woken");
    }
    rt.block_on(bounded("holder", holder)).unwrap();
    let max = max_seen.load(SeqCst);
    assert!((1..=2).contains(&max), "max concurrency {max}");
    assert_eq!(sem.available_permits(), 2);

    // add_permits from a plain thread wakes a runtime waiter.
    let sem = Arc::new(Semaphore::new(0));
    let waiter = {
        let sem = sem.clone();
        rt.spawn(async move { sem.acquire().await.map(|p| p.num_permits()) })
    };
    thread::spawn({
        let sem = sem.clone();
        move || {
            thread::sleep(Duration::from_millis(20));
            sem.add_permits(1);
        }
    });
    assert_eq!(rt.block_on(bounded("acquire", waiter)).unwrap(), Ok(1));
}
