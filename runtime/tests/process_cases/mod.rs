//! The behaviour tests of `runtime::process`, shared by `process_pidfd.rs`
//! and `process_sigchld.rs` (the same cases on each reaping path). Each case
//! runs on both runtime flavours under a watchdog; the including file
//! defines `setup()`, called first by every test.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::process::{Child, Command};
use runtime::time::{sleep, timeout};
use std::future::Future;
use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use std::pin::pin;
use std::process::Stdio;
use std::task::Poll;
use std::time::{Duration, Instant};

/// Upper bound for one case: a hang fails instead of stalling the suite.
const WATCHDOG: Duration = Duration::from_secs(60);

pub async fn watchdog<F: Future>(f: F) -> F::Output {
    timeout(WATCHDOG, f).await.expect("watchdog: test hung")
}

/// Writes one test per flavour for each case: `mod case { current_thread,
/// multi_thread }`.
macro_rules! cases {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[runtime::test(flavor = "current_thread")]
            async fn current_thread() {
                super::setup();
                $crate::process_cases::watchdog($crate::process_cases::$case()).await;
            }

            #[runtime::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multi_thread() {
                super::setup();
                $crate::process_cases::watchdog($crate::process_cases::$case()).await;
            }
        }
    )*};
}

/// Every case, for the including file.
macro_rules! all_cases {
    () => {
        cases!(
            exit_codes,
            killed_by_signal,
            cat_round_trip_64_mib,
            kill_on_drop_leaves_no_zombie,
            dropped_running_child_is_reaped,
            wait_is_cancel_safe,
            output_and_status,
            env_and_current_dir,
            missing_program_is_not_found,
            id_try_wait_and_kill,
            wait_with_output_reads_both_pipes_concurrently,
            pipe_one_child_into_another,
            into_owned_fd_is_blocking_again,
            many_waits_in_one_task,
        );
    };
}

/// The process state letter from `/proc/<pid>/stat` (`Z` for a zombie),
/// `None` once the pid is gone (reaped).
pub fn proc_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ...": the state follows the last ')'.
    let after = &stat[stat.rfind(')')? + 1..];
    after.trim_start().chars().next()
}

/// Waits (giving the runtime turns) until `pid` has been reaped; panics
/// with its last state after 10 s.
pub async fn assert_reaped_soon(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match proc_state(pid) {
            None => return,
            Some(state) if Instant::now() > deadline => {
                panic!("pid {pid} still exists in state {state:?} 10 s after its drop")
            }
            Some(_) => sleep(Duration::from_millis(10)).await,
        }
    }
}

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]);
    cmd
}

pub async fn exit_codes() {
    assert_eq!(sh("exit 3").status().await.unwrap().code(), Some(3));
    assert_eq!(sh("exit 0").status().await.unwrap().code(), Some(0));
    let status = Command::new("true").status().await.unwrap();
    assert!(status.success());
    assert_eq!(status.signal(), None);
    let mut child = sh("exit 255").spawn().unwrap();
    assert_eq!(child.wait().await.unwrap().code(), Some(255));
}

pub async fn killed_by_signal() {
    // Killed by another process (itself here).
    let status = sh("kill -TERM $$; sleep 10").status().await.unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    assert_eq!(status.code(), None);
    // Killed by us.
    let mut child = Command::new("sleep").arg("100").spawn().unwrap();
    child.start_kill().unwrap();
    let status = child.wait().await.unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert!(!status.success());
}

/// 64 MiB through `cat`, written and read at the same time (neither side
/// could finish alone: the pipes hold 64 KiB each), content checked.
pub async fn cat_round_trip_64_mib() {
    const LEN: usize = 64 << 20;
    fn byte(i: usize) -> u8 {
        (i % 251) as u8
    }
    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = cat.stdin.take().unwrap();
    let mut stdout = cat.stdout.take().unwrap();
    let writer = runtime::spawn(async move {
        // A whole number of pattern periods, so chunks follow each other.
        let chunk: Vec<u8> = (0..251 * 256).map(byte).collect();
        let mut written = 0;
        while written < LEN {
            let len = (LEN - written).min(chunk.len());
            stdin.write_all(&chunk[..len]).await.unwrap();
            written += len;
        }
        // Dropping stdin closes the pipe: `cat` sees the end of input.
    });
    let mut buf = vec![0u8; 1 << 16];
    let mut read = 0;
    loop {
        let n = stdout.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        for (k, &b) in buf[..n].iter().enumerate() {
            assert_eq!(b, byte(read + k), "byte {} differs", read + k);
        }
        read += n;
    }
    writer.await.unwrap();
    assert_eq!(read, LEN);
    assert!(cat.wait().await.unwrap().success());
}

pub async fn kill_on_drop_leaves_no_zombie() {
    let child = Command::new("sleep")
        .arg("100")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    assert!(matches!(proc_state(pid), Some(s) if s != 'Z'));
    drop(child);
    // Killed and reaped by the runtime: the pid disappears.
    assert_reaped_soon(pid).await;

    // Same for a child owned by a task that is aborted mid-wait.
    let (tx, rx) = runtime::sync::oneshot::channel();
    let task = runtime::spawn(async move {
        let mut child = Command::new("sleep")
            .arg("100")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        tx.send(child.id().unwrap()).unwrap();
        child.wait().await
    });
    let pid = rx.await.unwrap();
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_reaped_soon(pid).await;
}

/// Without `kill_on_drop`, a dropped child keeps running, then is reaped
/// once it exits.
pub async fn dropped_running_child_is_reaped() {
    let child = sh("sleep 0.2").spawn().unwrap();
    let pid = child.id().unwrap();
    drop(child);
    sleep(Duration::from_millis(50)).await;
    assert!(
        matches!(proc_state(pid), Some(s) if s != 'Z'),
        "a child dropped without kill_on_drop must keep running"
    );
    assert_reaped_soon(pid).await;
}

pub async fn wait_is_cancel_safe() {
    let mut child = sh("sleep 0.3; exit 6").spawn().unwrap();
    // Dropped by a timeout.
    assert!(timeout(Duration::from_millis(20), child.wait())
        .await
        .is_err());
    // Dropped by select! losing.
    runtime::select! {
        _ = child.wait() => panic!("the child cannot have exited yet"),
        _ = sleep(Duration::from_millis(20)) => {}
    }
    // Polled once, then dropped; the child exits while nobody waits.
    {
        let mut wait = pin!(child.wait());
        let first = std::future::poll_fn(|cx| Poll::Ready(wait.as_mut().poll(cx).is_pending()));
        assert!(first.await);
    }
    sleep(Duration::from_millis(400)).await;
    assert_eq!(child.wait().await.unwrap().code(), Some(6));
    // And again: the status is kept.
    assert_eq!(child.wait().await.unwrap().code(), Some(6));
    assert_eq!(child.try_wait().unwrap().unwrap().code(), Some(6));
}

pub async fn output_and_status() {
    let out = sh("printf out; printf err >&2; exit 2")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"out");
    assert_eq!(out.stderr, b"err");
    // `status` closes configured pipes: `cat` on a piped stdin sees EOF
    // instead of waiting for us.
    let status = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .status()
        .await
        .unwrap();
    assert!(status.success());
    // `output` pipes stdout/stderr on the command itself (as Tokio).
    let mut cmd = Command::new("echo");
    cmd.arg("x");
    let out = cmd.output().await.unwrap();
    assert_eq!(out.stdout, b"x\n");
    assert!(out.stderr.is_empty());
}

pub async fn env_and_current_dir() {
    let out = sh("echo \"$A|$B|$HOME_LIKE|$(pwd)\"")
        .env("A", "1")
        .envs([("B", "2"), ("HOME_LIKE", "gone")])
        .env_remove("HOME_LIKE")
        .current_dir("/tmp")
        .output()
        .await
        .unwrap();
    let tmp = std::fs::canonicalize("/tmp").unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("1|2||{}\n", tmp.display())
    );
    // The shell's initial environment, as exec gave it: exactly `X`.
    let out = Command::new("/bin/sh")
        .args(["-c", "/bin/cat /proc/$$/environ"])
        .env_clear()
        .env("X", "only")
        .output()
        .await
        .unwrap();
    assert_eq!(out.stdout, b"X=only\0");
}

pub async fn missing_program_is_not_found() {
    let err = Command::new("/definitely/not/here").spawn().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = Command::new("no-such-program-on-path-xyz")
        .status()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = Command::new("true")
        .current_dir("/no/such/dir")
        .output()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

pub async fn id_try_wait_and_kill() {
    let mut child = Command::new("sleep").arg("100").spawn().unwrap();
    let pid = child.id().unwrap();
    assert_eq!(proc_state(pid).map(|s| s != 'Z'), Some(true));
    assert!(child.try_wait().unwrap().is_none());
    child.kill().await.unwrap();
    // Reaped by `kill`: id gone, status kept, the pid no longer ours.
    assert_eq!(child.id(), None);
    assert_eq!(
        child.try_wait().unwrap().unwrap().signal(),
        Some(libc::SIGKILL)
    );
    assert_eq!(proc_state(pid), None);
    // Killing a reaped child does nothing and succeeds.
    child.start_kill().unwrap();
    child.kill().await.unwrap();
    // try_wait alone reaps too.
    let mut quick = Command::new("true").spawn().unwrap();
    let status = loop {
        if let Some(status) = quick.try_wait().unwrap() {
            break status;
        }
        sleep(Duration::from_millis(5)).await;
    };
    assert!(status.success());
    assert_eq!(quick.id(), None);
    assert!(quick.wait().await.unwrap().success());
}

/// A child that fills stderr before writing stdout: reading one pipe after
/// the other would deadlock (1 MiB each, pipes hold 64 KiB).
pub async fn wait_with_output_reads_both_pipes_concurrently() {
    let child = sh("head -c 1048576 /dev/zero >&2; head -c 1048576 /dev/zero")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout.len(), 1 << 20);
    assert_eq!(out.stderr.len(), 1 << 20);
    assert!(out.stdout.iter().chain(&out.stderr).all(|&b| b == 0));
}

pub async fn pipe_one_child_into_another() {
    let mut echo = Command::new("echo")
        .arg("piped along")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout: Stdio = echo.stdout.take().unwrap().try_into().unwrap();
    let out = Command::new("cat").stdin(stdout).output().await.unwrap();
    assert_eq!(out.stdout, b"piped along\n");
    assert!(echo.wait().await.unwrap().success());
}

pub async fn into_owned_fd_is_blocking_again() {
    let mut child = sh("sleep 0.1; echo late")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let fd = child.stdout.take().unwrap().into_owned_fd().unwrap();
    // SAFETY: F_GETFL on a descriptor we own reads its flags only.
    let flags = unsafe { libc::fcntl(std::os::fd::AsRawFd::as_raw_fd(&fd), libc::F_GETFL) };
    assert_eq!(flags & libc::O_NONBLOCK, 0, "still non-blocking");
    // A blocking read on a helper thread waits for the late output.
    let text = runtime::task::spawn_blocking(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::fs::File::from(fd), &mut text).unwrap();
        text
    })
    .await
    .unwrap();
    assert_eq!(text, "late\n");
    assert!(child.wait().await.unwrap().success());
}

/// Several children waited for from one task, completing out of order.
pub async fn many_waits_in_one_task() {
    let mut children: Vec<Child> = [0.3, 0.1, 0.2, 0.0]
        .iter()
        .enumerate()
        .map(|(i, t)| sh(&format!("sleep {t}; exit {i}")).spawn().unwrap())
        .collect();
    let waits = children.iter_mut().map(|c| c.wait());
    let statuses = futures::future::join_all(waits).await;
    let codes: Vec<_> = statuses.into_iter().map(|s| s.unwrap().code()).collect();
    assert_eq!(codes, [Some(0), Some(1), Some(2), Some(3)]);
}
