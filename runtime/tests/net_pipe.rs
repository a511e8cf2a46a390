//! `runtime::net::unix::pipe`: anonymous pipes and FIFOs, both runtime
//! flavours.
#![cfg(all(feature = "full", unix))]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::unix::pipe::{self, OpenOptions, Receiver, Sender};
use runtime::{Builder, Runtime};
use std::io::{ErrorKind, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

fn runtimes() -> [Runtime; 2] {
    [
        Builder::new_current_thread().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap(),
    ]
}

/// A fresh directory with a FIFO in it, removed on drop.
struct Fifo(PathBuf);

impl Fifo {
    fn new() -> Fifo {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "runtime-pipe-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fifo");
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c_path` is a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        Fifo(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
    }
}

fn is_nonblocking(fd: impl AsFd) -> bool {
    // SAFETY: F_GETFL only reads the flags of an open (borrowed) descriptor.
    let flags = unsafe { libc::fcntl(fd.as_fd().as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0);
    flags & libc::O_NONBLOCK != 0
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 253) as u8).collect()
}

#[test]
fn anonymous_pipe_round_trip_larger_than_the_pipe_buffer() {
    for rt in runtimes() {
        rt.block_on(async {
            let (mut tx, mut rx) = pipe::pipe().unwrap();
            // 1 MiB: far more than the 64 KiB pipe buffer, so the writer
            // waits for room and the reader for data, many times.
            let data = pattern(1 << 20);
            let sent = data.clone();
            let writer = runtime::spawn(async move {
                tx.write_all(&sent).await.unwrap();
                tx.flush().await.unwrap();
                tx.shutdown().await.unwrap(); // a no-op: the drop closes
            });
            let mut got = Vec::new();
            rx.read_to_end(&mut got).await.unwrap();
            writer.await.unwrap();
            assert_eq!(got.len(), data.len());
            assert!(got == data, "bytes arrive exactly, in order");
        });
    }
}

#[test]
fn try_operations_eof_and_broken_pipe() {
    for rt in runtimes() {
        rt.block_on(async {
            let (tx, rx) = pipe::pipe().unwrap();
            let mut buf = [0; 8];
            assert_eq!(
                rx.try_read(&mut buf).unwrap_err().kind(),
                ErrorKind::WouldBlock
            );
            assert_eq!(
                tx.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cde")])
                    .unwrap(),
                5
            );
            rx.readable().await.unwrap();
            let (mut x, mut y) = ([0; 3], [0; 3]);
            let n = rx
                .try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])
                .unwrap();
            assert_eq!((n, &x, &y[..2]), (5, b"abc", &b"de"[..]));

            tx.writable().await.unwrap();
            tx.try_write(b"buf").unwrap();
            let mut v = Vec::new();
            rx.readable().await.unwrap();
            assert_eq!(rx.try_read_buf(&mut v).unwrap(), 3);
            assert_eq!(v, b"buf");

            drop(tx);
            rx.readable().await.unwrap();
            assert_eq!(rx.try_read(&mut buf).unwrap(), 0, "end of stream");

            let (tx, rx) = pipe::pipe().unwrap();
            drop(rx);
            assert_eq!(
                tx.try_write(b"x").unwrap_err().kind(),
                ErrorKind::BrokenPipe
            );
        });
    }
}

#[test]
fn writer_waits_for_room_then_completes() {
    for rt in runtimes() {
        rt.block_on(async {
            let (tx, mut rx) = pipe::pipe().unwrap();
            // Fill the pipe.
            let mut filled = 0;
            loop {
                match tx.try_write(&[1; 4096]) {
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{e}"),
                }
            }
            let mut tx = tx;
            let writer = runtime::spawn(async move {
                tx.write_all(b"after").await.unwrap();
            });
            let mut drained = vec![0; filled];
            rx.read_exact(&mut drained).await.unwrap();
            let mut tail = [0; 5];
            rx.read_exact(&mut tail).await.unwrap();
            assert_eq!(&tail, b"after");
            writer.await.unwrap();
        });
    }
}

#[test]
fn waiting_writer_fails_when_the_reader_goes_away() {
    for rt in runtimes() {
        rt.block_on(async {
            let (mut tx, rx) = pipe::pipe().unwrap();
            let writer = runtime::spawn(async move {
                // Far more than the pipe holds: this waits for room.
                tx.write_all(&vec![0; 1 << 20]).await
            });
            runtime::time::sleep(std::time::Duration::from_millis(20)).await;
            drop(rx);
            let err = runtime::time::timeout(std::time::Duration::from_secs(10), writer)
                .await
                .expect("the writer is woken, not left waiting")
                .unwrap()
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        });
    }
}

#[test]
fn fifo_open_options() {
    for rt in runtimes() {
        rt.block_on(async {
            let fifo = Fifo::new();
            // No reader: a write-only open fails with ENXIO.
            let err = OpenOptions::new().open_sender(fifo.path()).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::ENXIO));

            let mut rx = OpenOptions::new().open_receiver(fifo.path()).unwrap();
            let mut tx = OpenOptions::new().open_sender(fifo.path()).unwrap();
            assert!(is_nonblocking(&rx) && is_nonblocking(&tx));
            tx.write_all(b"through a fifo").await.unwrap();
            drop(tx);
            let mut got = String::new();
            rx.read_to_string(&mut got).await.unwrap();
            assert_eq!(got, "through a fifo");

            // read_write: a sender opens with no reader; a receiver opened
            // that way reads what it wrote itself... through another end.
            let fifo = Fifo::new();
            let tx = OpenOptions::new()
                .read_write(true)
                .open_sender(fifo.path())
                .unwrap();
            tx.try_write(b"early").unwrap();
            let mut rx = OpenOptions::new().open_receiver(fifo.path()).unwrap();
            let mut buf = [0; 5];
            rx.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"early");
        });
    }
}

#[test]
fn checks_refuse_what_is_not_a_pipe_end() {
    let rt = Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let dir = Fifo::new();
        let regular = dir.path().with_file_name("regular");
        std::fs::write(&regular, b"x").unwrap();
        let err = OpenOptions::new().open_receiver(&regular).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = Receiver::from_file(std::fs::File::open(&regular).unwrap()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        // Unchecked: epoll itself refuses a regular file, as an error.
        assert!(OpenOptions::new()
            .unchecked(true)
            .open_receiver(&regular)
            .is_err());

        // The wrong direction.
        let (r, w) = std::io::pipe().unwrap();
        let err = Sender::from_owned_fd(OwnedFd::from(r)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = Receiver::from_owned_fd(OwnedFd::from(w)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    });
}

#[test]
fn from_file_switches_to_non_blocking_and_fds_come_back_out() {
    for rt in runtimes() {
        rt.block_on(async {
            let (r, w) = std::io::pipe().unwrap();
            assert!(!is_nonblocking(&r));
            let rx = Receiver::from_file(std::fs::File::from(OwnedFd::from(r))).unwrap();
            let tx = Sender::from_file_unchecked(std::fs::File::from(OwnedFd::from(w))).unwrap();
            assert!(is_nonblocking(&rx) && is_nonblocking(&tx));
            assert_eq!(rx.as_raw_fd(), rx.as_fd().as_raw_fd());

            tx.try_write(b"fd").unwrap();
            let tx_fd = tx.into_nonblocking_fd().unwrap();
            assert!(is_nonblocking(&tx_fd));
            let rx_fd = rx.into_blocking_fd().unwrap();
            assert!(!is_nonblocking(&rx_fd));
            // Still the same pipe, now blocking.
            use std::io::Read;
            let mut buf = [0; 2];
            std::fs::File::from(rx_fd).read_exact(&mut buf).unwrap();
            assert_eq!(&buf, b"fd");
            // And back in.
            let tx = Sender::from_owned_fd(tx_fd).unwrap();
            assert_eq!(
                tx.try_write(b"ok").unwrap_err().kind(),
                ErrorKind::BrokenPipe
            );
        });
    }
}

/// `try_io` on both ends (Tokio's signature: the end's direction is the
/// interest) runs a raw call once and clears readiness on
/// `WouldBlock`, so the next `readable`/`writable` waits for a new event.
#[test]
fn try_io_on_both_ends_with_raw_calls() {
    for rt in runtimes() {
        rt.block_on(async {
            let (tx, rx) = pipe::pipe().unwrap();
            let raw_read = |fd: i32, buf: &mut [u8]| {
                // SAFETY: `buf` is valid for writes of its length and `fd`
                // is the pipe's open read end.
                let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n < 0 {
                    Err(std::io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            };
            let mut buf = [0u8; 16];
            // Empty pipe: the raw read says WouldBlock and try_io passes it on.
            let err = rx
                .try_io(|| raw_read(rx.as_raw_fd(), &mut buf))
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WouldBlock);
            let written = tx
                .try_io(|| {
                    // SAFETY: the slice is valid for reads of its length and
                    // `fd` is the pipe's open write end.
                    let n = unsafe { libc::write(tx.as_raw_fd(), b"raw!".as_ptr().cast(), 4) };
                    if n < 0 {
                        Err(std::io::Error::last_os_error())
                    } else {
                        Ok(n as usize)
                    }
                })
                .unwrap();
            assert_eq!(written, 4);
            // The read end wakes for the new data (its readiness was cleared
            // by the WouldBlock above, so this waits for a real event).
            rx.readable().await.unwrap();
            let n = rx.try_io(|| raw_read(rx.as_raw_fd(), &mut buf)).unwrap();
            assert_eq!(&buf[..n], b"raw!");
        });
    }
}
