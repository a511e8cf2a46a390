//! `runtime::fs::File` against `std::fs::File`: a large copy through random
//! chunk sizes, random seek/read/write/set_len interleavings (cancelled reads
//! included) compared with a std mirror file, concurrent readers, and what
//! happens to writes on flush, error and drop. Both runtime flavours.
#![cfg(feature = "full")]

use runtime::fs::File;
use runtime::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use std::future::{poll_fn, Future};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::pin::Pin;
use std::task::Poll;

/// splitmix64: a seeded, reproducible generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

fn rt(multi: bool) -> runtime::Runtime {
    rt_with(multi, 512)
}

/// A runtime of either flavour with at most `max_blocking` blocking threads.
fn rt_with(multi: bool, max_blocking: usize) -> runtime::Runtime {
    if multi {
        runtime::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(max_blocking)
            .enable_all()
            .build()
    } else {
        runtime::runtime::Builder::new_current_thread()
            .max_blocking_threads(max_blocking)
            .enable_all()
            .build()
    }
    .unwrap()
}

fn temp_dir(name: &str, multi: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rt-fs-file-{name}-{}-{}",
        std::process::id(),
        if multi { "mt" } else { "ct" }
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn both(name: &str, test: impl Fn(PathBuf) -> Pin<Box<dyn Future<Output = ()>>>) {
    both_with(name, 512, test)
}

/// As [`both`], with at most `max_blocking` blocking threads.
fn both_with(
    name: &str,
    max_blocking: usize,
    test: impl Fn(PathBuf) -> Pin<Box<dyn Future<Output = ()>>>,
) {
    for multi in [false, true] {
        let dir = temp_dir(name, multi);
        let rt = rt_with(multi, max_blocking);
        rt.block_on(test(dir.clone()));
        drop(rt);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Size of the big copy: 256 MiB, or `RT_FS_COPY_MIB` MiB.
fn copy_size() -> usize {
    let mib = std::env::var("RT_FS_COPY_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    mib * 1024 * 1024
}

#[test]
fn copy_256_mib_byte_exact_with_random_chunks() {
    let size = copy_size();
    for multi in [false, true] {
        let dir = temp_dir("copy", multi);
        let (src, dst) = (dir.join("src"), dir.join("dst"));
        {
            let mut rng = Rng(0x5eed);
            let mut out = std::fs::File::create(&src).unwrap();
            let mut block = vec![0u8; 1 << 20];
            let mut left = size;
            while left > 0 {
                let n = left.min(block.len());
                rng.fill(&mut block[..n]);
                out.write_all(&block[..n]).unwrap();
                left -= n;
            }
        }
        let started = std::time::Instant::now();
        let copied = rt(multi).block_on(async {
            let mut rng = Rng(42 + multi as u64);
            let mut input = File::open(&src).await.unwrap();
            let mut output = File::create(&dst).await.unwrap();
            let mut buf = vec![0u8; 256 * 1024];
            let mut total = 0u64;
            loop {
                let want = 1 + rng.below(buf.len() as u64) as usize;
                let n = input.read(&mut buf[..want]).await.unwrap();
                if n == 0 {
                    break;
                }
                assert!(n <= want);
                // Write in one or two pieces of random length.
                let split = rng.below(n as u64 + 1) as usize;
                output.write_all(&buf[..split]).await.unwrap();
                output.write_all(&buf[split..n]).await.unwrap();
                total += n as u64;
            }
            output.shutdown().await.unwrap();
            total
        });
        eprintln!(
            "copied {} MiB in {:?} ({})",
            size >> 20,
            started.elapsed(),
            if multi {
                "multi_thread"
            } else {
                "current_thread"
            }
        );
        assert_eq!(copied, size as u64);
        let (mut a, mut b) = (
            std::fs::File::open(&src).unwrap(),
            std::fs::File::open(&dst).unwrap(),
        );
        assert_eq!(b.metadata().unwrap().len(), size as u64);
        let (mut x, mut y) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
        let mut offset = 0;
        loop {
            let n = a.read(&mut x).unwrap();
            if n == 0 {
                break;
            }
            b.read_exact(&mut y[..n]).unwrap();
            assert!(
                x[..n] == y[..n],
                "copy differs in the MiB at offset {offset}"
            );
            offset += n;
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// One read that is polled once and, if not ready, dropped: the read goes on
/// in the background and its bytes are served by later reads (or undone by
/// a seek or write). Returns the bytes read if it was ready at once.
async fn read_polled_once(file: &mut File, len: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut fut = Box::pin(file.read(&mut buf));
    let first = poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
    drop(fut);
    match first {
        Poll::Ready(n) => {
            buf.truncate(n.unwrap());
            Some(buf)
        }
        Poll::Pending => None,
    }
}

async fn interleave(dir: PathBuf, seed: u64, max_buf: usize) {
    let path = dir.join(format!("ours-{seed}"));
    let mirror_path = dir.join(format!("mirror-{seed}"));
    let mut initial = vec![0u8; 20_000];
    let mut rng = Rng(seed);
    rng.fill(&mut initial);
    std::fs::write(&path, &initial).unwrap();
    std::fs::write(&mirror_path, &initial).unwrap();

    let mut ours = File::options()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .unwrap();
    ours.set_max_buf_size(max_buf);
    let mut mirror = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&mirror_path)
        .unwrap();

    for step in 0..400 {
        match rng.below(9) {
            0 | 1 => {
                let len = rng.below(6000) as usize;
                let mut a = vec![0u8; len];
                let n = ours.read(&mut a).await.unwrap();
                assert!(n <= len.min(max_buf) && (n > 0 || len == 0 || mirror_at_end(&mut mirror)));
                let mut b = vec![0u8; n];
                mirror.read_exact(&mut b).unwrap();
                assert_eq!(a[..n], b[..], "step {step}: read");
            }
            2 => {
                let len = 1 + rng.below(6000) as usize;
                if let Some(got) = read_polled_once(&mut ours, len).await {
                    let mut b = vec![0u8; got.len()];
                    mirror.read_exact(&mut b).unwrap();
                    assert_eq!(got, b, "step {step}: read polled once");
                }
            }
            3 | 4 => {
                let mut data = vec![0u8; rng.below(6000) as usize];
                rng.fill(&mut data);
                let n = ours.write(&data).await.unwrap();
                assert_eq!(n, data.len().min(max_buf), "step {step}: write count");
                mirror.write_all(&data[..n]).unwrap();
            }
            5 => {
                let pos = match rng.below(3) {
                    0 => SeekFrom::Start(rng.below(30_000)),
                    1 => SeekFrom::End(-(rng.below(5_000) as i64)),
                    _ => SeekFrom::Current(rng.below(8_000) as i64 - 4_000),
                };
                let expect = mirror.seek(pos);
                let got = ours.seek(pos).await;
                match (got, expect) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "step {step}: seek {pos:?}"),
                    (Err(a), Err(b)) => {
                        assert_eq!(a.kind(), b.kind(), "step {step}: seek {pos:?}");
                    }
                    (a, b) => panic!("step {step}: seek {pos:?}: {a:?} vs {b:?}"),
                }
            }
            6 => {
                assert_eq!(
                    ours.stream_position().await.unwrap(),
                    mirror.stream_position().unwrap(),
                    "step {step}"
                );
            }
            7 => {
                let len = rng.below(30_000);
                ours.set_len(len).await.unwrap();
                mirror.set_len(len).unwrap();
            }
            _ => {
                ours.flush().await.unwrap();
                let len = std::fs::metadata(&mirror_path).unwrap().len();
                assert_eq!(
                    ours.metadata().await.unwrap().len(),
                    len,
                    "step {step}: length after flush"
                );
            }
        }
    }
    ours.flush().await.unwrap();
    assert_eq!(
        ours.stream_position().await.unwrap(),
        mirror.stream_position().unwrap()
    );
    assert!(
        std::fs::read(&path).unwrap() == std::fs::read(&mirror_path).unwrap(),
        "final contents differ"
    );
}

fn mirror_at_end(mirror: &mut std::fs::File) -> bool {
    let pos = mirror.stream_position().unwrap();
    pos >= mirror.metadata().unwrap().len()
}

#[test]
fn seek_read_write_interleavings_match_a_std_mirror() {
    both("interleave", |dir| {
        Box::pin(async move {
            for seed in 1..=6 {
                let max_buf = if seed % 2 == 0 { 1000 } else { 2 * 1024 * 1024 };
                interleave(dir.clone(), seed, max_buf).await;
            }
        })
    });
}

#[test]
fn concurrent_readers_see_the_same_bytes() {
    both("readers", |dir| {
        Box::pin(async move {
            let mut data = vec![0u8; 3 * 1024 * 1024 + 17];
            Rng(7).fill(&mut data);
            let path = dir.join("shared");
            std::fs::write(&path, &data).unwrap();
            let data = std::sync::Arc::new(data);
            let mut tasks = Vec::new();
            for i in 0..8u64 {
                let (path, data) = (path.clone(), data.clone());
                tasks.push(runtime::spawn(async move {
                    if i % 4 == 0 {
                        assert!(runtime::fs::read(&path).await.unwrap() == *data);
                        return;
                    }
                    let mut rng = Rng(100 + i);
                    let mut file = File::open(&path).await.unwrap();
                    let mut got = Vec::with_capacity(data.len());
                    let mut buf = vec![0u8; 128 * 1024];
                    loop {
                        let want = 1 + rng.below(buf.len() as u64) as usize;
                        let n = file.read(&mut buf[..want]).await.unwrap();
                        if n == 0 {
                            break;
                        }
                        got.extend_from_slice(&buf[..n]);
                    }
                    assert!(got == *data, "reader {i} saw different bytes");
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        })
    });
}

#[test]
fn a_failed_background_write_is_reported_by_flush_and_shutdown() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full on this system");
        return;
    }
    both("full", |_dir| {
        Box::pin(async move {
            let std_err = std::fs::write("/dev/full", b"x").unwrap_err();
            let mut file = File::options().write(true).open("/dev/full").await.unwrap();
            // Accepted at once: the write happens in the background.
            assert_eq!(file.write(b"hello").await.unwrap(), 5);
            let err = file.flush().await.unwrap_err();
            assert_eq!(err.raw_os_error(), std_err.raw_os_error());
            assert_eq!(err.kind(), std_err.kind());
            // Reported once; the next flush has nothing left to report.
            file.flush().await.unwrap();
            // The next write reports the error of the one before it.
            assert_eq!(file.write(b"again").await.unwrap(), 5);
            let err = file.write(b"more").await.unwrap_err();
            assert_eq!(err.raw_os_error(), std_err.raw_os_error());
            assert_eq!(file.write(b"last").await.unwrap(), 4);
            let err = file.shutdown().await.unwrap_err();
            assert_eq!(err.raw_os_error(), std_err.raw_os_error());
            // sync_all too waits for the write in flight and reports it.
            assert_eq!(file.write(b"x").await.unwrap(), 1);
            assert_eq!(
                file.sync_all().await.unwrap_err().raw_os_error(),
                std_err.raw_os_error()
            );
        })
    });
}

#[test]
fn dropping_without_flush_still_writes_everything() {
    for multi in [false, true] {
        let dir = temp_dir("drop", multi);
        let path = dir.join("f");
        let mut data = vec![0u8; 8 * 1024 * 1024];
        Rng(9).fill(&mut data);
        let rt = rt(multi);
        rt.block_on(async {
            let mut file = File::create(&path).await.unwrap();
            file.write_all(&data).await.unwrap();
            // No flush: the last 2 MiB are still being written.
            drop(file);
        });
        // Dropping the runtime waits for the blocking pool.
        drop(rt);
        assert!(std::fs::read(&path).unwrap() == data);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn into_std_and_try_into_std_keep_the_position() {
    // One blocking thread, so a gate closure can hold the write below in
    // flight for as long as the test needs (the write alone may finish
    // before `try_into_std` looks).
    both_with("into_std", 1, |dir| {
        Box::pin(async move {
            let path = dir.join("f");
            std::fs::write(&path, b"0123456789abcdefghij").unwrap();
            let mut file = File::options()
                .read(true)
                .write(true)
                .open(&path)
                .await
                .unwrap();
            // A big read polled once reads ahead; the small read after it is
            // served from the buffer.
            let first = read_polled_once(&mut file, 10).await;
            let mut two = [0u8; 2];
            file.read_exact(&mut two).await.unwrap();
            let expect_pos = first.as_ref().map_or(0, |b| b.len()) + 2;
            eprintln!("first read ready at once: {}", first.is_some());
            let mut std_file = file.into_std().await;
            assert_eq!(std_file.stream_position().unwrap(), expect_pos as u64);

            let mut file = File::from_std(std_file.try_clone().unwrap());
            std_file.rewind().unwrap();
            let mut one = [0u8; 1];
            file.read_exact(&mut one).await.unwrap();
            assert_eq!(&one, b"0");
            let mut std_file = file.try_into_std().expect("idle");
            assert_eq!(std_file.stream_position().unwrap(), 1);

            // Busy: a write in flight (queued behind the gate).
            std_file.rewind().unwrap();
            let mut file = File::from(std_file);
            let (open_gate, gate) = std::sync::mpsc::channel::<()>();
            let gate = runtime::task::spawn_blocking(move || gate.recv());
            let mut big = vec![b'x'; 4 * 1024 * 1024];
            big[0] = b'y';
            assert!(file.write(&big).await.unwrap() > 0);
            let file = match file.try_into_std() {
                Ok(_) => panic!("try_into_std succeeded with a write in flight"),
                Err(file) => file,
            };
            open_gate.send(()).unwrap();
            gate.await.unwrap().unwrap();
            let std_file = file.into_std().await; // waits for it
            assert_eq!(std_file.metadata().unwrap().len(), 2 * 1024 * 1024);
        })
    });
}

#[test]
fn file_metadata_clone_and_permissions() {
    both("meta", |dir| {
        Box::pin(async move {
            let path = dir.join("f");
            let mut file = File::create(&path).await.unwrap();
            file.write_all(b"abc").await.unwrap();
            file.sync_data().await.unwrap();
            assert_eq!(file.metadata().await.unwrap().len(), 3);
            let mut clone = file.try_clone().await.unwrap();
            clone.write_all(b"def").await.unwrap(); // shares the cursor
            clone.flush().await.unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), b"abcdef");
            let mut perm = file.metadata().await.unwrap().permissions();
            perm.set_readonly(true);
            file.set_permissions(perm).await.unwrap();
            assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
            let t =
                std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890);
            file.set_modified(t).await.unwrap();
            assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), t);
            use std::os::unix::io::AsRawFd;
            assert!(file.as_raw_fd() >= 0);
            assert!(format!("{file:?}").contains("File"));
        })
    });
}

#[test]
#[should_panic(expected = "must be greater than 0")]
fn zero_max_buf_size_panics() {
    let path = std::env::temp_dir().join(format!("rt-fs-file-zero-{}", std::process::id()));
    let std_file = std::fs::File::create(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    File::from_std(std_file).set_max_buf_size(0);
}

#[test]
fn empty_reads_and_writes_are_immediate() {
    both("empty", |dir| {
        Box::pin(async move {
            let mut file = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(dir.join("f"))
                .await
                .unwrap();
            assert_eq!(file.read(&mut []).await.unwrap(), 0);
            assert_eq!(file.write(&[]).await.unwrap(), 0);
            let mut buf = [0u8; 4];
            assert_eq!(
                file.read(&mut buf).await.unwrap(),
                0,
                "end of an empty file"
            );
        })
    });
}

#[test]
fn a_failed_seek_after_a_read_ahead_keeps_the_position() {
    both("seek_fail", |dir| {
        Box::pin(async move {
            let path = dir.join("f");
            std::fs::write(&path, b"0123456789abcdefghij").unwrap();
            let mut file = File::open(&path).await.unwrap();
            for _ in 0..20 {
                file.rewind().await.unwrap();
                // Leave up to 8 bytes read ahead (of a 10-byte read in a 20-byte file) in the buffer (when the
                // first poll is not ready at once).
                let first = read_polled_once(&mut file, 10).await;
                let mut two = [0u8; 2];
                file.read_exact(&mut two).await.unwrap();
                let pos = first.map_or(0, |b| b.len()) as u64 + 2;
                // Before the start: fails, as std's, and moves nothing.
                let err = file.seek(SeekFrom::Current(-100)).await.unwrap_err();
                assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
                assert_eq!(file.stream_position().await.unwrap(), pos);
                let mut rest = Vec::new();
                file.read_to_end(&mut rest).await.unwrap();
                assert_eq!(rest, &b"0123456789abcdefghij"[pos as usize..]);
            }
        })
    });
}

#[test]
fn the_types_are_send_sync_and_unpin_as_tokios() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    send_sync_unpin::<File>();
    send_sync_unpin::<runtime::fs::ReadDir>();
    send_sync_unpin::<runtime::fs::DirEntry>();
    send_sync_unpin::<runtime::fs::OpenOptions>();
    send_sync_unpin::<runtime::fs::DirBuilder>();
    send_sync_unpin::<runtime::io::Stdin>();
    send_sync_unpin::<runtime::io::Stdout>();
    send_sync_unpin::<runtime::io::Stderr>();
}
