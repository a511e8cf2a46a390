//! [`Child`]: a spawned process, its pipes, and waiting for its exit.

use super::pipes::{ChildStderr, ChildStdin, ChildStdout};
use super::reap::Process;
use crate::io::AsyncReadExt;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::process::{Child as StdChild, ExitStatus, Output};
use std::task::{ready, Context, Poll};

/// Where the child is in its life.
enum State {
    /// Not reaped yet.
    Running(Process),
    /// Reaped, with this status: the pid may belong to another process now.
    Done(ExitStatus),
}

/// A child process spawned by [`Command::spawn`](super::Command::spawn).
///
/// [`wait`](Child::wait) waits for its exit without blocking a thread;
/// [`try_wait`](Child::try_wait) checks without waiting;
/// [`kill`](Child::kill) ends it. Its piped standard streams are the public
/// fields, to [`take`](Option::take) and use from other tasks.
///
/// Dropping a `Child` does not wait: the process keeps running (unless
/// [`kill_on_drop`](super::Command::kill_on_drop) was set, then it is sent
/// SIGKILL), and the runtime reaps it once it exits so that it does not stay
/// a zombie (see the [module documentation](super)).
///
/// ```
/// use runtime::process::Command;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut child = Command::new("sh").args(["-c", "exit 4"]).spawn()?;
///     let status = child.wait().await?;
///     assert_eq!(status.code(), Some(4));
///     assert_eq!(child.id(), None); // reaped
///     Ok(())
/// }
/// ```
pub struct Child {
    state: State,
    /// The child's standard input, when spawned with `Stdio::piped()`.
    /// [`wait`](Child::wait) drops it (closing the pipe) first; take it to
    /// keep writing while another task waits:
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// use runtime::process::Command;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    ///     let mut stdin = child.stdin.take().unwrap();
    ///     stdin.write_all(b"input").await?;
    ///     drop(stdin);
    ///     assert!(child.wait().await?.success());
    ///     Ok(())
    /// }
    /// ```
    pub stdin: Option<ChildStdin>,
    /// The child's standard output, when spawned with `Stdio::piped()`.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    /// use runtime::process::Command;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("echo").arg("out").stdout(Stdio::piped()).spawn()?;
    ///     let mut text = String::new();
    ///     child.stdout.take().unwrap().read_to_string(&mut text).await?;
    ///     assert_eq!(text, "out\n");
    ///     child.wait().await?;
    ///     Ok(())
    /// }
    /// ```
    pub stdout: Option<ChildStdout>,
    /// The child's standard error, when spawned with `Stdio::piped()`.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    /// use runtime::process::Command;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("sh").args(["-c", "echo e >&2"]).stderr(Stdio::piped()).spawn()?;
    ///     let mut text = String::new();
    ///     child.stderr.take().unwrap().read_to_string(&mut text).await?;
    ///     assert_eq!(text, "e\n");
    ///     child.wait().await?;
    ///     Ok(())
    /// }
    /// ```
    pub stderr: Option<ChildStderr>,
}

impl Child {
    /// Takes over a freshly spawned `std` child: its pipes move to the
    /// reactor, its exit is watched by a pidfd or SIGCHLD. On error the
    /// child is not leaked (see `Process::new`).
    pub(crate) fn new(
        mut child: StdChild,
        kill_on_drop: bool,
        reactor: &runtime_reactor::Handle,
    ) -> io::Result<Child> {
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        // From here on, an early return drops `process`, which kills (if
        // asked) and queues the child instead of leaking it.
        let process = Process::new(child, kill_on_drop, reactor)?;
        Ok(Child {
            stdin: stdin.map(|p| ChildStdin::new(p, reactor)).transpose()?,
            stdout: stdout.map(|p| ChildStdout::new(p, reactor)).transpose()?,
            stderr: stderr.map(|p| ChildStderr::new(p, reactor)).transpose()?,
            state: State::Running(process),
        })
    }

    /// The child's pid while it has not been reaped; `None` once
    /// [`wait`](Child::wait) or [`try_wait`](Child::try_wait) collected its
    /// exit (the pid may then be reused by another process).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("true").spawn()?;
    ///     assert!(child.id().unwrap() > 0);
    ///     child.wait().await?;
    ///     assert!(child.id().is_none());
    ///     Ok(())
    /// }
    /// ```
    pub fn id(&self) -> Option<u32> {
        match &self.state {
            State::Running(process) => Some(process.id()),
            State::Done(_) => None,
        }
    }

    /// Sends SIGKILL to the child without waiting for it to die; call
    /// [`wait`](Child::wait) (or [`try_wait`](Child::try_wait)) afterwards
    /// to collect it, or use [`kill`](Child::kill). Succeeds without doing
    /// anything if the child was already reaped.
    ///
    /// ```
    /// use runtime::process::Command;
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("sleep").arg("100").spawn()?;
    ///     child.start_kill()?;
    ///     assert_eq!(child.wait().await?.signal(), Some(9));
    ///     Ok(())
    /// }
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Running(process) => process.kill(),
            State::Done(_) => Ok(()),
        }
    }

    /// Sends SIGKILL to the child and waits until it has exited (unlike
    /// `std`'s `kill`, which does not wait).
    ///
    /// Cancel-safe in the sense of [`wait`](Child::wait): dropping the
    /// future after the signal was sent leaves a dying child that a later
    /// `wait` collects.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("sleep").arg("100").spawn()?;
    ///     child.kill().await?;
    ///     assert!(child.try_wait()?.is_some());
    ///     Ok(())
    /// }
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to exit and returns its status (again, on later
    /// calls). Drops [`stdin`](Child::stdin) first, so that a child reading
    /// its input sees the end of it instead of waiting for us forever.
    ///
    /// Cancel-safe: dropping the future (in `select!`, under `timeout`)
    /// loses nothing, and a later `wait` returns the status.
    ///
    /// ```
    /// use runtime::process::Command;
    /// use std::time::Duration;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("sh").args(["-c", "sleep 0.2; exit 5"]).spawn()?;
    ///     let early = runtime::time::timeout(Duration::from_millis(10), child.wait()).await;
    ///     assert!(early.is_err()); // timed out: the wait was dropped
    ///     assert_eq!(child.wait().await?.code(), Some(5));
    ///     Ok(())
    /// }
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        poll_fn(|cx| self.poll_wait(cx)).await
    }

    fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        match &mut self.state {
            State::Done(status) => Poll::Ready(Ok(*status)),
            State::Running(process) => {
                let status = ready!(process.poll_wait(cx))?;
                self.finish(status);
                Poll::Ready(Ok(status))
            }
        }
    }

    /// Records the reaped status; drops the `Process` (a no-op for a reaped
    /// child).
    fn finish(&mut self, status: ExitStatus) {
        self.state = State::Done(status);
    }

    /// The child's status if it has exited (collecting it), `None` if it is
    /// still running; never waits.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("sleep").arg("100").spawn()?;
    ///     assert!(child.try_wait()?.is_none());
    ///     child.kill().await?;
    ///     assert!(!child.try_wait()?.unwrap().success());
    ///     Ok(())
    /// }
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &mut self.state {
            State::Done(status) => Ok(Some(*status)),
            State::Running(process) => {
                let status = process.try_wait()?;
                if let Some(status) = status {
                    self.finish(status);
                }
                Ok(status)
            }
        }
    }

    /// Waits for the child to exit while reading all of its piped stdout and
    /// stderr (concurrently, so a child filling one pipe cannot stall the
    /// other or the wait). Streams that were not piped, or were taken out
    /// of the fields, come back empty. Drops `stdin` first, as
    /// [`wait`](Child::wait).
    ///
    /// ```
    /// use runtime::process::Command;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let child = Command::new("sh")
    ///         .args(["-c", "echo to-out; echo to-err >&2"])
    ///         .stdout(Stdio::piped())
    ///         .stderr(Stdio::piped())
    ///         .spawn()?;
    ///     let out = child.wait_with_output().await?;
    ///     assert!(out.status.success());
    ///     assert_eq!((&out.stdout[..], &out.stderr[..]), (&b"to-out\n"[..], &b"to-err\n"[..]));
    ///     Ok(())
    /// }
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        async fn read_all<R: crate::io::AsyncRead + Unpin>(pipe: Option<R>) -> io::Result<Vec<u8>> {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut bytes).await?;
            }
            Ok(bytes)
        }
        let (stdout, stderr) = (self.stdout.take(), self.stderr.take());
        let (status, stdout, stderr) =
            crate::try_join!(self.wait(), read_all(stdout), read_all(stderr))?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Child");
        match &self.state {
            State::Running(process) => s.field("process", process),
            State::Done(status) => s.field("status", status),
        };
        s.field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}
