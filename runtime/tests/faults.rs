//! Faults: panics in polls, drops and blocking closures; wakers outliving
//! the runtime; shutdown under load; peers resetting mid-transfer; a worker
//! blocked for a second; a hot task on an always-ready socket.
//!
//! Already covered elsewhere (not repeated here): a single panic in a task
//! (`rt.rs: panic_in_task_becomes_join_error_and_worker_survives`), a panic in
//! a future's `Drop` on abort on the current-thread runtime
//! (`rt.rs: panic_in_future_drop_on_abort_is_reported`), a stashed waker woken
//! from another thread after the runtime is gone
//! (`rt.rs: waker_used_after_runtime_drop_is_harmless`), an idle peer reset
//! (`net.rs: reset_by_peer_is_reported`), and accept under EMFILE
//! (`net.rs: accept_recovers_after_emfile`).
#![cfg(feature = "full")]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream, UdpSocket, UnixStream};
use runtime::sync::{broadcast, mpsc, oneshot, watch, Barrier, Mutex, Notify, RwLock, Semaphore};
use runtime::task::{self, JoinSet};
use runtime::time::{self, Duration, Instant};
use runtime::{Builder, Runtime};
use std::any::Any;
use std::future::Future;
use std::io::ErrorKind;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Once};
use std::task::{Context, Poll, Waker};
use std::thread;

/// Panics this file injects carry this marker; the hook keeps them off stderr.
const MARK: &str = "fault-injected";

fn quiet_injected_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let msg = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("");
            if !msg.starts_with(MARK) {
                default(info);
            }
        }));
    });
}

fn current() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .unwrap()
}

fn both() -> [(&'static str, Runtime); 2] {
    [("current_thread", current()), ("multi_thread", multi(2))]
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Counts its drops.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Panics when dropped (unless already panicking).
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !thread::panicking() {
            panic!("{MARK}: drop panicked");
        }
    }
}

/// A minimal executor on the calling thread, for awaiting handles after their
/// runtime is gone.
fn foreign_block_on<F: Future>(fut: F) -> F::Output {
    struct Unparker(thread::Thread);
    impl std::task::Wake for Unparker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        thread::park_timeout(Duration::from_millis(10));
    }
}

/// Waits (up to 5 s) for the runtime to count no live task: a finished task
/// is released from the runtime's list just after its `JoinHandle` is woken.
fn assert_all_tasks_released(rt: &Runtime, flavour: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while rt.handle().num_alive_tasks() != 0 && std::time::Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(
        rt.handle().num_alive_tasks(),
        0,
        "{flavour}: tasks left alive"
    );
}

// ---------------------------------------------------------------------------
// Panics.

#[test]
fn many_panicking_polls_are_all_reported_and_the_runtime_keeps_working() {
    quiet_injected_panics();
    for (flavour, rt) in both() {
        rt.block_on(async {
            let lock = Arc::new(Mutex::new(0u32));
            let mut set = JoinSet::new();
            for i in 0..3_000u32 {
                let lock = lock.clone();
                set.spawn(async move {
                    match i % 3 {
                        // Panic on the first poll.
                        0 => panic!("{MARK}: first poll {i}"),
                        // Panic after suspending, holding an async Mutex guard.
                        1 => {
                            let _guard = lock.lock().await;
                            task::yield_now().await;
                            panic!("{MARK}: after an await {i}")
                        }
                        _ => {
                            time::sleep(Duration::from_millis(1)).await;
                            i
                        }
                    }
                });
            }
            let (mut ok, mut panicked) = (0u64, 0u64);
            while let Some(res) = set.join_next().await {
                match res {
                    Ok(i) => {
                        assert_eq!(i % 3, 2);
                        ok += 1;
                    }
                    Err(e) => {
                        assert!(e.is_panic(), "{e:?}");
                        assert!(panic_message(&*e.into_panic()).contains(MARK));
                        panicked += 1;
                    }
                }
            }
            assert_eq!((ok, panicked), (1_000, 2_000), "{flavour}");
            // The guards were released by the unwinding, not poisoned.
            *lock.lock().await += 1;
            // Every worker still runs tasks.
            let mut sum = 0;
            for i in 0..100u64 {
                sum += runtime::spawn(async move { i }).await.unwrap();
            }
            assert_eq!(sum, 4_950, "{flavour}");
        });
        assert_all_tasks_released(&rt, flavour);
    }
}

#[test]
fn panic_in_drop_on_abort_on_multi_thread() {
    quiet_injected_panics();
    let rt = multi(2);
    rt.block_on(async {
        let started = Arc::new(Notify::new());
        let s = started.clone();
        let h = runtime::spawn(async move {
            let _p = PanicOnDrop;
            s.notify_one();
            std::future::pending::<()>().await;
        });
        // The future holds its `PanicOnDrop` once it has been polled.
        started.notified().await;
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_panic(), "{err:?}");
        assert!(panic_message(&*err.into_panic()).starts_with(MARK));
        assert_eq!(runtime::spawn(async { 1 }).await.unwrap(), 1);
    });
}

#[test]
fn panic_in_drop_during_shutdown_is_contained() {
    quiet_injected_panics();
    for (flavour, rt) in both() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let polled = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for i in 0..21 {
            let (guard, polled) = (DropCount(dropped.clone()), polled.clone());
            handles.push(rt.spawn(async move {
                let _guard = guard;
                // Every third task panics when its future is dropped.
                let _p = if i % 3 == 0 { Some(PanicOnDrop) } else { None };
                polled.fetch_add(1, SeqCst);
                std::future::pending::<()>().await;
            }));
        }
        rt.block_on(async {
            while polled.load(SeqCst) < 21 {
                time::sleep(Duration::from_millis(1)).await;
            }
        });
        let res = panic::catch_unwind(AssertUnwindSafe(|| drop(rt)));
        assert!(
            res.is_ok(),
            "{flavour}: runtime drop propagated a task's drop panic"
        );
        assert_eq!(dropped.load(SeqCst), 21, "{flavour}: every future dropped");
        for (i, h) in handles.into_iter().enumerate() {
            let err = foreign_block_on(h).unwrap_err();
            if i % 3 == 0 {
                assert!(err.is_panic(), "{flavour}: task {i}: {err:?}");
            } else {
                assert!(err.is_cancelled(), "{flavour}: task {i}: {err:?}");
            }
        }
    }
}

#[test]
fn panic_dropping_a_detached_tasks_output_is_contained() {
    quiet_injected_panics();
    for (flavour, rt) in both() {
        rt.block_on(async {
            for _ in 0..100 {
                // The handle is dropped first: the runtime drops the output.
                drop(runtime::spawn(async {
                    task::yield_now().await;
                    PanicOnDrop
                }));
            }
            for _ in 0..10 {
                time::sleep(Duration::from_millis(1)).await;
            }
            let mut sum = 0;
            for i in 0..100u64 {
                sum += runtime::spawn(async move { i }).await.unwrap();
            }
            assert_eq!(sum, 4_950, "{flavour}");
        });
        assert_all_tasks_released(&rt, flavour);
    }
}

#[test]
fn panics_in_spawn_blocking_leave_the_pool_working() {
    quiet_injected_panics();
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let handles: Vec<_> = (0..40u64)
            .map(|i| {
                runtime::spawn_blocking(move || {
                    if i % 2 == 0 {
                        panic!("{MARK}: blocking {i}");
                    }
                    i
                })
            })
            .collect();
        let (mut ok, mut panicked) = (0, 0);
        for h in handles {
            match h.await {
                Ok(i) => {
                    assert_eq!(i % 2, 1);
                    ok += 1;
                }
                Err(e) => {
                    assert!(e.is_panic(), "{e:?}");
                    panicked += 1;
                }
            }
        }
        assert_eq!((ok, panicked), (20, 20));
        assert!(runtime::Handle::current().num_blocking_threads() <= 2);
        let after: u64 = runtime::spawn_blocking(|| (1..=10u64).sum()).await.unwrap();
        assert_eq!(after, 55);
    });
}

// ---------------------------------------------------------------------------
// Wakers and shutdown.

/// Never completes; keeps its latest waker where the test can reach it.
struct Stash(Arc<std::sync::Mutex<Option<Waker>>>);

impl Future for Stash {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.0.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn foreign_thread_waking_while_the_runtime_shuts_down_is_harmless() {
    for (flavour, rt) in both() {
        let slot = Arc::new(std::sync::Mutex::new(None));
        let handles: Vec<_> = (0..8).map(|_| rt.spawn(Stash(slot.clone()))).collect();
        while slot.lock().unwrap().is_none() {
            rt.block_on(task::yield_now());
        }
        let waker = slot.lock().unwrap().clone().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        // Wakes before, during and after the runtime's drop.
        let hammer = thread::spawn(move || {
            let mut wakes = 0u64;
            while !s.load(SeqCst) {
                waker.wake_by_ref();
                wakes += 1;
            }
            for _ in 0..10_000 {
                waker.wake_by_ref();
            }
            waker.wake();
            wakes
        });
        thread::sleep(Duration::from_millis(20));
        drop(rt);
        thread::sleep(Duration::from_millis(20));
        stop.store(true, SeqCst);
        let wakes = hammer.join().expect("waking thread survived");
        assert!(wakes > 0, "{flavour}");
        drop(slot.lock().unwrap().take());
        for h in handles {
            assert!(foreign_block_on(h).unwrap_err().is_cancelled(), "{flavour}");
        }
    }
}

#[test]
fn dropping_the_runtime_while_tasks_wait_on_io_timers_and_channels() {
    for (flavour, rt) in both() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let waiting = Arc::new(AtomicUsize::new(0));
        // What the tasks wait on, kept alive here so nothing completes them.
        let mut keep: Vec<Box<dyn Any + Send>> = Vec::new();
        let mut count = 0;
        let mut spawn = |fut: Pin<Box<dyn Future<Output = ()> + Send>>| {
            let (guard, waiting) = (DropCount(dropped.clone()), waiting.clone());
            rt.spawn(async move {
                let _guard = guard;
                waiting.fetch_add(1, SeqCst);
                fut.await;
                panic!("a waiting task completed");
            });
            count += 1;
        };
        // Timers and I/O resources are created in the runtime's context.
        let entered = rt.enter();
        let (listener, client, server, udp, unix_a, unix_b) = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let other = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let client = TcpStream::connect(other.local_addr().unwrap())
                .await
                .unwrap();
            let (server, _) = other.accept().await.unwrap();
            let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let (unix_a, unix_b) = UnixStream::pair().unwrap();
            (listener, client, server, udp, unix_a, unix_b)
        });
        // I/O.
        spawn(Box::pin(async move {
            let _ = listener.accept().await;
        }));
        spawn(Box::pin(async move {
            let mut client = client;
            let _ = client.read(&mut [0; 16]).await;
        }));
        spawn(Box::pin(async move {
            let _ = udp.recv(&mut [0; 16]).await;
        }));
        spawn(Box::pin(async move {
            let mut a = unix_a;
            let _ = a.read(&mut [0; 16]).await;
        }));
        keep.push(Box::new(server));
        keep.push(Box::new(unix_b));
        // Timers.
        spawn(Box::pin(time::sleep(Duration::from_secs(3600))));
        spawn(Box::pin(async {
            let mut iv = time::interval(Duration::from_secs(3600));
            iv.tick().await;
            iv.tick().await;
        }));
        spawn(Box::pin(async {
            let _ = time::timeout(Duration::from_secs(3600), std::future::pending::<()>()).await;
        }));
        // Channels and synchronisation.
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        spawn(Box::pin(async move {
            rx.recv().await;
        }));
        let mpsc_tx = tx.clone();
        keep.push(Box::new(tx));
        let (full_tx, full_rx) = mpsc::channel::<u8>(1);
        full_tx.try_send(0).unwrap();
        spawn(Box::pin(async move {
            let _ = full_tx.send(1).await;
        }));
        keep.push(Box::new(full_rx));
        let (otx, orx) = oneshot::channel::<u8>();
        spawn(Box::pin(async move {
            let _ = orx.await;
        }));
        keep.push(Box::new(otx));
        let (btx, mut brx) = broadcast::channel::<u8>(4);
        spawn(Box::pin(async move {
            let _ = brx.recv().await;
        }));
        keep.push(Box::new(btx));
        let (wtx, mut wrx) = watch::channel(0u8);
        spawn(Box::pin(async move {
            let _ = wrx.changed().await;
        }));
        keep.push(Box::new(wtx));
        let notify = Arc::new(Notify::new());
        let n = notify.clone();
        spawn(Box::pin(async move { n.notified().await }));
        let sem = Arc::new(Semaphore::new(0));
        let s = sem.clone();
        spawn(Box::pin(async move {
            let _ = s.acquire().await;
        }));
        let mutex = Arc::new(Mutex::new(()));
        let held = mutex.clone().try_lock_owned().unwrap();
        let m = mutex.clone();
        spawn(Box::pin(async move {
            let _ = m.lock().await;
        }));
        // A reader parked holding the lock, and a writer queued behind it.
        let rw = Arc::new(RwLock::new(()));
        let r = rw.clone();
        spawn(Box::pin(async move {
            let _read = r.read().await;
            std::future::pending::<()>().await;
        }));
        let w = rw.clone();
        spawn(Box::pin(async move {
            time::sleep(Duration::from_millis(5)).await;
            let _ = w.write().await;
        }));
        let barrier = Arc::new(Barrier::new(2));
        let b = barrier.clone();
        spawn(Box::pin(async move {
            b.wait().await;
        }));
        let pending = rt.spawn(std::future::pending::<()>());
        spawn(Box::pin(async move {
            let _ = pending.await;
        }));
        keep.push(Box::new((notify, sem, held, barrier)));

        drop(entered);
        // Every task is parked at its await point.
        rt.block_on(async {
            while waiting.load(SeqCst) < count {
                time::sleep(Duration::from_millis(1)).await;
            }
            time::sleep(Duration::from_millis(10)).await;
        });
        assert!(!mpsc_tx.is_closed());
        let started = std::time::Instant::now();
        drop(rt);
        let took = started.elapsed();
        println!("{flavour}: runtime with {count} waiting tasks dropped in {took:?}");
        assert!(
            took < Duration::from_secs(5),
            "{flavour}: drop took {took:?}"
        );
        assert_eq!(
            dropped.load(SeqCst),
            count,
            "{flavour}: every task's future dropped"
        );
        // The receivers went with their tasks: the senders see it.
        assert!(
            mpsc_tx.is_closed(),
            "{flavour}: receiver dropped with its task"
        );
        assert!(
            mutex.try_lock().is_err(),
            "still held by the guard in `keep`"
        );
        drop(keep);
        assert!(mutex.try_lock().is_ok(), "{flavour}");
        assert!(
            rw.try_write().is_ok(),
            "{flavour}: the reader's guard went with its task"
        );
    }
}

// ---------------------------------------------------------------------------
// Peers failing mid-transfer.

/// A bound on anything below: a hang fails the test instead of stalling it.
const NO_HANG: Duration = Duration::from_secs(10);

#[test]
fn peer_reset_while_we_write_a_large_transfer_is_an_error() {
    for (flavour, rt) in both() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let peer = runtime::spawn(async move {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut buf = vec![0; 64 * 1024];
                s.read_exact(&mut buf).await.unwrap();
                // Linger 0: close sends RST, with our unread data discarded.
                s.set_zero_linger().unwrap();
            });
            let mut c = TcpStream::connect(addr).await.unwrap();
            let chunk = vec![7u8; 1 << 20];
            let res = time::timeout(NO_HANG, async {
                let mut sent = 0usize;
                for _ in 0..256 {
                    c.write_all(&chunk).await?;
                    sent += chunk.len();
                }
                Ok::<_, std::io::Error>(sent)
            })
            .await
            .unwrap_or_else(|_| panic!("{flavour}: writer hung after the peer's reset"));
            let err = res.expect_err("256 MiB written to a reset peer");
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::ConnectionReset | ErrorKind::BrokenPipe
                ),
                "{flavour}: {err:?}"
            );
            peer.await.unwrap();
        });
    }
}

#[test]
fn peer_reset_while_we_read_a_large_transfer_is_an_error() {
    for (flavour, rt) in both() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (reset_tx, reset_rx) = oneshot::channel::<()>();
            let peer = runtime::spawn(async move {
                let (mut s, _) = listener.accept().await.unwrap();
                s.write_all(&vec![1u8; 256 * 1024]).await.unwrap();
                reset_rx.await.unwrap();
                s.set_zero_linger().unwrap();
            });
            let mut c = TcpStream::connect(addr).await.unwrap();
            let mut buf = vec![0u8; 16 * 1024];
            // Read part of the stream, then have the peer reset the rest.
            c.read_exact(&mut buf).await.unwrap();
            reset_tx.send(()).unwrap();
            peer.await.unwrap();
            let mut total = buf.len();
            let res = time::timeout(NO_HANG, async {
                loop {
                    match c.read(&mut buf).await {
                        Ok(0) => return Ok(total),
                        Ok(n) => total += n,
                        Err(e) => return Err(e),
                    }
                }
            })
            .await
            .unwrap_or_else(|_| panic!("{flavour}: reader hung after the peer's reset"));
            let err = res.expect_err("a reset stream must not end as a clean EOF");
            assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{flavour}: {err:?}");
            assert!(total < 256 * 1024, "{flavour}: read {total} bytes");
        });
    }
}

#[test]
fn writing_to_a_closed_peer_is_broken_pipe_not_a_hang() {
    for (flavour, rt) in both() {
        rt.block_on(async {
            // TCP: the peer closes normally; our writes draw an RST, then EPIPE.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut c = TcpStream::connect(addr).await.unwrap();
            drop(listener.accept().await.unwrap());
            let err = time::timeout(NO_HANG, async {
                loop {
                    if let Err(e) = c.write_all(&[0u8; 64 * 1024]).await {
                        return e;
                    }
                    time::sleep(Duration::from_millis(1)).await;
                }
            })
            .await
            .unwrap_or_else(|_| panic!("{flavour}: TCP writer hung on a closed peer"));
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
                ),
                "{flavour}: {err:?}"
            );
            // Unix stream: EPIPE exactly.
            let (mut a, b) = UnixStream::pair().unwrap();
            let writer = runtime::spawn(async move {
                let chunk = vec![0u8; 64 * 1024];
                loop {
                    if let Err(e) = a.write_all(&chunk).await {
                        return e;
                    }
                }
            });
            // Let the writer fill the buffer and wait for writability.
            time::sleep(Duration::from_millis(20)).await;
            drop(b);
            let err = time::timeout(NO_HANG, writer)
                .await
                .unwrap_or_else(|_| panic!("{flavour}: blocked Unix writer not woken"))
                .unwrap();
            assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{flavour}: {err:?}");
        });
    }
}

// ---------------------------------------------------------------------------
// A blocked worker and a hot task.

/// Starts a task on a 2-worker runtime that spawns 100 tasks onto its own
/// worker and then blocks that worker for a second. Returns, from a task on
/// the other worker: how many of the 100 ran while the worker was blocked,
/// and whether a timer, a fresh spawn and a TCP round trip all completed
/// while it was blocked.
fn progress_next_to_a_blocked_worker(await_all_kids: bool) -> (usize, bool) {
    let rt = multi(2);
    rt.block_on(async {
        let blocked_done = Arc::new(AtomicBool::new(false));
        let ran_while_blocked = Arc::new(AtomicUsize::new(0));
        let (queued_tx, queued_rx) = oneshot::channel();
        let (done, ran) = (blocked_done.clone(), ran_while_blocked.clone());
        let blocker = runtime::spawn(async move {
            let kids: Vec<_> = (0..100u64)
                .map(|i| {
                    let (done, ran) = (done.clone(), ran.clone());
                    runtime::spawn(async move {
                        if !done.load(SeqCst) {
                            ran.fetch_add(1, SeqCst);
                        }
                        i
                    })
                })
                .collect();
            queued_tx.send(kids).unwrap();
            thread::sleep(Duration::from_secs(1));
            done.store(true, SeqCst);
        });
        let kids = queued_rx.await.unwrap();
        let (done, ran) = (blocked_done.clone(), ran_while_blocked.clone());
        let checker = runtime::spawn(async move {
            // Timers fire and tasks spawned now run.
            time::sleep(Duration::from_millis(20)).await;
            let fresh: u64 = runtime::spawn(async { 5 }).await.unwrap();
            assert_eq!(fresh, 5);
            // I/O completes.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = runtime::spawn(async move {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut b = [0; 4];
                s.read_exact(&mut b).await.unwrap();
                s.write_all(&b).await.unwrap();
            });
            let mut c = TcpStream::connect(addr).await.unwrap();
            c.write_all(b"ping").await.unwrap();
            let mut b = [0; 4];
            c.read_exact(&mut b).await.unwrap();
            assert_eq!(&b, b"ping");
            server.await.unwrap();
            let rest_while_blocked = !done.load(SeqCst);
            if await_all_kids {
                for k in kids {
                    k.await.unwrap();
                }
            } else {
                // Give the other worker the rest of the second to steal.
                while !done.load(SeqCst) && ran.load(SeqCst) < 100 {
                    time::sleep(Duration::from_millis(5)).await;
                }
                drop(kids);
            }
            rest_while_blocked
        });
        let rest_while_blocked = checker.await.unwrap();
        blocker.await.unwrap();
        (ran_while_blocked.load(SeqCst), rest_while_blocked)
    })
}

#[test]
fn a_worker_blocked_for_a_second_does_not_stop_the_other() {
    let (kids, rest) = progress_next_to_a_blocked_worker(false);
    println!("{kids} of 100 tasks queued on the blocked worker ran while it was blocked");
    assert!(
        rest,
        "timer, spawn and I/O only progressed after the blocked worker unblocked"
    );
    // The other worker steals the blocked worker's queue. One task may sit in
    // the blocked worker's LIFO slot, which is not stealable: see the
    // ignored test below.
    assert!(kids >= 99, "only {kids} of 100 queued tasks were stolen");
}

#[test]
#[ignore = "bug: the task last spawned (or woken) by a task that then blocks its worker \
            stays in that worker's unstealable LIFO slot until the worker unblocks \
            (99 of 100 run meanwhile); Tokio has the same limitation"]
fn no_task_is_stranded_on_a_blocked_worker() {
    let (kids, rest) = progress_next_to_a_blocked_worker(true);
    assert!(rest);
    assert_eq!(
        kids, 100,
        "tasks queued on the blocked worker only ran after it unblocked"
    );
}

/// Timers measured next to each hot loop.
const TIMERS: usize = 20;

/// How late `TIMERS` timers fired next to one hot loop, sorted.
type Lateness = Vec<Duration>;

/// Runs `hot` (an always-ready I/O loop) next to a task measuring how late
/// `TIMERS` timers of 5 ms fire; returns (their lateness, sorted; hot
/// iterations).
fn lateness_next_to<F, Fut>(rt: &Runtime, hot: F) -> (Lateness, u64)
where
    F: FnOnce(Arc<AtomicBool>) -> Fut,
    Fut: Future<Output = u64> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    // Fail-safe: a starved timer task would never stop the hot loop.
    let s = stop.clone();
    let failsafe = thread::spawn(move || {
        let until = std::time::Instant::now() + NO_HANG;
        while !s.load(SeqCst) && std::time::Instant::now() < until {
            thread::sleep(Duration::from_millis(10));
        }
        s.store(true, SeqCst);
    });
    let fut = hot(stop.clone());
    let out = rt.block_on(async move {
        let hot = runtime::spawn(fut);
        let timer = runtime::spawn(async move {
            let mut late = Vec::with_capacity(TIMERS);
            for _ in 0..TIMERS {
                let deadline = Instant::now() + Duration::from_millis(5);
                time::sleep_until(deadline).await;
                late.push(Instant::now() - deadline);
            }
            stop.store(true, SeqCst);
            late.sort();
            late
        });
        let late = timer.await.unwrap();
        (late, hot.await.unwrap())
    });
    failsafe.join().unwrap();
    out
}

/// Timer lateness next to hot loops on UDP, a Unix stream and TCP, on the
/// current-thread runtime and a one-worker multi-thread runtime.
fn lateness_next_to_hot_loops() -> Vec<(&'static str, &'static str, Lateness)> {
    let runtimes = [("current_thread", current()), ("multi_thread(1)", multi(1))];
    let mut all = Vec::new();
    for (flavour, rt) in runtimes {
        let (udp, udp_spins) = lateness_next_to(&rt, |stop| async move {
            // A socket sending to itself: every receive is ready at once.
            let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            sock.connect(sock.local_addr().unwrap()).await.unwrap();
            let mut spins = 0;
            let mut buf = [0u8; 8];
            while !stop.load(SeqCst) {
                sock.send(b"hot").await.unwrap();
                assert_eq!(sock.recv(&mut buf).await.unwrap(), 3);
                spins += 1;
            }
            spins
        });
        let (unix, unix_spins) = lateness_next_to(&rt, |stop| async move {
            // A stream pair whose reader always has more to read.
            let (mut a, mut b) = UnixStream::pair().unwrap();
            a.write_all(&[1u8; 4096]).await.unwrap();
            let mut spins = 0;
            let mut buf = [0u8; 16];
            while !stop.load(SeqCst) {
                let n = b.read(&mut buf).await.unwrap();
                a.write_all(&buf[..n]).await.unwrap();
                spins += 1;
            }
            spins
        });
        let (tcp, tcp_spins) = lateness_next_to(&rt, |stop| async move {
            // The same over loopback TCP.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut a = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (mut b, _) = listener.accept().await.unwrap();
            a.write_all(&[1u8; 4096]).await.unwrap();
            let mut spins = 0;
            let mut buf = [0u8; 16];
            while !stop.load(SeqCst) {
                let n = b.read(&mut buf).await.unwrap();
                a.write_all(&buf[..n]).await.unwrap();
                spins += 1;
            }
            spins
        });
        let worst = |late: &Lateness| late[TIMERS - 1];
        println!(
            "{flavour}: worst timer lateness next to a hot loop on UDP {:?} ({udp_spins} spins), \
             Unix stream {:?} ({unix_spins} spins), TCP {:?} ({tcp_spins} spins)",
            worst(&udp),
            worst(&unix),
            worst(&tcp),
        );
        assert!(udp_spins > 0 && unix_spins > 0 && tcp_spins > 0);
        for (socket, late) in [("UDP", udp), ("Unix stream", unix), ("TCP", tcp)] {
            all.push((flavour, socket, late));
        }
    }
    all
}

/// One test, not two: the hot loops of two tests running side by side on a
/// 2-core machine would delay each other's timers.
#[test]
fn hot_io_loop_neither_starves_nor_delays_a_timer() {
    // Up to three measurements: a runtime that neglects timers delays them
    // on every one, while a loaded machine's preemptions come and go (the
    // whole suite run 6 binaries at a time on 2 cores failed the median/p90
    // bound in 3 of 25 rounds, each time on one combination).
    let mut late_ones = Vec::new();
    for _ in 0..3 {
        late_ones = timers_late_next_to_hot_loops();
        if late_ones.is_empty() {
            return;
        }
        println!("timers late, measuring again: {late_ones:#?}");
    }
    panic!("{}", late_ones.join("\n"));
}

/// Measures timer lateness next to each hot loop, and returns a line for
/// each combination whose timers were late; panics at once on a starved
/// timer.
fn timers_late_next_to_hot_loops() -> Vec<String> {
    let mut late_ones = Vec::new();
    for (flavour, socket, late) in lateness_next_to_hot_loops() {
        // Without the cooperative budget (or without the scheduler looking
        // at timers while tasks are runnable) every timer would only fire
        // when the fail-safe stops the hot loop, NO_HANG (10 s) later.
        let worst = late[TIMERS - 1];
        assert!(
            worst < Duration::from_millis(500),
            "{flavour}: a timer starved for {worst:?} next to a hot {socket} loop"
        );
        // 1-3 ms measured here (the wheel has 1 ms resolution); 8-40 ms
        // before the fix of bug 2 (RELIABILITY.md). The median and the 90th
        // percentile, not the worst: a runtime that neglects timers delays
        // all of them, while one preemption of a loaded CI machine's thread
        // delays one (30 ms seen once, with every other timer at 1-3 ms).
        let (median, p90) = (late[TIMERS / 2], late[TIMERS * 9 / 10 - 1]);
        if median >= Duration::from_millis(10) || p90 >= Duration::from_millis(20) {
            late_ones.push(format!(
                "{flavour}: timers fired {median:?} late (median), up to {p90:?} (90th \
                 percentile) next to a hot {socket} loop; all: {late:?}"
            ));
        }
    }
    late_ones
}
