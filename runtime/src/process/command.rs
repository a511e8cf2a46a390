//! [`Command`]: `std::process::Command`'s builder, spawning children the
//! runtime can wait for.

use super::child::Child;
use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command as StdCommand, ExitStatus, Output, Stdio};

/// A process builder: `std::process::Command`'s configuration methods, plus
/// [`kill_on_drop`](Command::kill_on_drop), with [`spawn`](Command::spawn),
/// [`status`](Command::status) and [`output`](Command::output) returning a
/// [`Child`] or futures the runtime drives.
///
/// ```
/// use runtime::process::Command;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let out = Command::new("echo").args(["a", "b"]).output().await?;
///     assert!(out.status.success());
///     assert_eq!(out.stdout, b"a b\n");
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Command {
    std: StdCommand,
    kill_on_drop: bool,
}

impl Command {
    /// A command that runs `program` (looked up in `PATH` when it has no
    /// `/`), with no arguments, the parent's environment and working
    /// directory, and inherited standard streams.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     assert!(Command::new("true").status().await?.success());
    ///     Ok(())
    /// }
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// The underlying `std` command.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// let mut cmd = Command::new("echo");
    /// cmd.arg("hi");
    /// assert_eq!(cmd.as_std().get_args().collect::<Vec<_>>(), ["hi"]);
    /// ```
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// The underlying `std` command, mutably (for `std` methods this type
    /// does not repeat).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// let mut cmd = Command::new("sh");
    /// cmd.as_std_mut().args(["-c", "true"]);
    /// assert_eq!(cmd.as_std().get_args().count(), 2);
    /// ```
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// Gives back the `std` command (the `kill_on_drop` setting is lost).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// let mut cmd = Command::new("true");
    /// cmd.kill_on_drop(true);
    /// let status = cmd.into_std().status().unwrap(); // a blocking run
    /// assert!(status.success());
    /// ```
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    /// Appends one argument (passed as is: no shell quoting or splitting).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let out = Command::new("echo").arg("two words").output().await?;
    ///     assert_eq!(out.stdout, b"two words\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Appends several arguments.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let status = Command::new("sh").args(["-c", "exit 3"]).status().await?;
    ///     assert_eq!(status.code(), Some(3));
    ///     Ok(())
    /// }
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let out = Command::new("sh").args(["-c", "echo $GREETING"]).env("GREETING", "hi").output().await?;
    ///     assert_eq!(out.stdout, b"hi\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables for the child.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let out = Command::new("sh")
    ///         .args(["-c", "echo $A$B"])
    ///         .envs([("A", "1"), ("B", "2")])
    ///         .output()
    ///         .await?;
    ///     assert_eq!(out.stdout, b"12\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes a variable from the child's environment.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let out = Command::new("sh")
    ///         .args(["-c", "echo \"[$X]\""])
    ///         .env("X", "set")
    ///         .env_remove("X")
    ///         .output()
    ///         .await?;
    ///     assert_eq!(out.stdout, b"[]\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with an empty environment (plus what
    /// [`env`](Command::env) adds afterwards).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     // No PATH in the child either: the shell is named by its full path.
    ///     let out = Command::new("/bin/sh")
    ///         .args(["-c", "echo \"[$HOME]\""])
    ///         .env_clear()
    ///         .output()
    ///         .await?;
    ///     assert_eq!(out.stdout, b"[]\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// The child's working directory. A relative program path is resolved
    /// in a platform-specific way; prefer absolute paths with this.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let out = Command::new("sh").args(["-c", "pwd"]).current_dir("/").output().await?;
    ///     assert_eq!(out.stdout, b"/\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// The child's standard input: `Stdio::piped()` makes
    /// [`Child::stdin`] a [`ChildStdin`](super::ChildStdin). Default:
    /// inherited (for [`spawn`](Command::spawn) and
    /// [`status`](Command::status)).
    ///
    /// ```
    /// use runtime::process::Command;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     // `cat` reads an empty input and exits at once.
    ///     let status = Command::new("cat").stdin(Stdio::null()).status().await?;
    ///     assert!(status.success());
    ///     Ok(())
    /// }
    /// ```
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// The child's standard output: `Stdio::piped()` makes
    /// [`Child::stdout`] a [`ChildStdout`](super::ChildStdout). Default:
    /// inherited, except for [`output`](Command::output), which pipes it.
    ///
    /// ```
    /// use runtime::process::Command;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let child = Command::new("echo").arg("hi").stdout(Stdio::piped()).spawn()?;
    ///     let out = child.wait_with_output().await?;
    ///     assert_eq!(out.stdout, b"hi\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// The child's standard error; as [`stdout`](Command::stdout).
    ///
    /// ```
    /// use runtime::process::Command;
    /// use std::process::Stdio;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let child = Command::new("sh")
    ///         .args(["-c", "echo err >&2"])
    ///         .stderr(Stdio::piped())
    ///         .spawn()?;
    ///     let out = child.wait_with_output().await?;
    ///     assert_eq!(out.stderr, b"err\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether a [`Child`] spawned from this command is killed (SIGKILL)
    /// when it is dropped before its exit was collected. Default `false`:
    /// a dropped child keeps running, as with `std`. Either way the runtime
    /// reaps it later (see the [module documentation](super)), so it does
    /// not stay a zombie.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let child = Command::new("sleep").arg("100").kill_on_drop(true).spawn()?;
    ///     drop(child); // `sleep` is killed now
    ///     Ok(())
    /// }
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// The current [`kill_on_drop`](Command::kill_on_drop) setting.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// let mut cmd = Command::new("true");
    /// assert!(!cmd.get_kill_on_drop());
    /// assert!(cmd.kill_on_drop(true).get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Runs the child as user `id` (`setuid` in the child; needs the
    /// privilege to do so).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     // Our own uid is always allowed.
    ///     let uid = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m))?;
    ///     assert!(Command::new("true").uid(uid).status().await?.success());
    ///     Ok(())
    /// }
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// Runs the child with group `id` (`setgid` in the child).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let gid = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::gid(&m))?;
    ///     assert!(Command::new("true").gid(gid).status().await?.success());
    ///     Ok(())
    /// }
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// The child's `argv[0]` (by default the program as given to
    /// [`new`](Command::new)).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let out = Command::new("sh").arg0("renamed").args(["-c", "echo $0"]).output().await?;
    ///     assert_eq!(out.stdout, b"renamed\n");
    ///     Ok(())
    /// }
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Runs `f` in the child after `fork` and before `exec` (after the
    /// standard streams, uid/gid and directory are set up); an error it
    /// returns fails the spawn.
    ///
    /// # Safety
    /// As `std::os::unix::process::CommandExt::pre_exec`: `f` runs in a
    /// forked copy of a possibly multi-threaded process, so it must only do
    /// async-signal-safe things (no allocation, no locks another thread may
    /// have held at the fork).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut cmd = Command::new("true");
    ///     // SAFETY: the closure makes no allocation and takes no lock.
    ///     unsafe {
    ///         cmd.pre_exec(|| Err(std::io::Error::from_raw_os_error(libc::EPERM)));
    ///     }
    ///     let err = cmd.spawn().unwrap_err();
    ///     assert_eq!(err.raw_os_error(), Some(libc::EPERM));
    ///     Ok(())
    /// }
    /// ```
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `CommandExt::pre_exec`'s contract,
        // which is this function's.
        unsafe { self.std.pre_exec(f) };
        self
    }

    /// Puts the child in process group `pgroup` (`0`: a new group whose id
    /// is the child's pid), so that signals to the group reach it and its
    /// descendants but not this process.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     // Field 5 of /proc/<pid>/stat is the process group.
    ///     let own_group = Command::new("sh")
    ///         .args(["-c", "read -r _ _ _ _ pgid _ < /proc/$$/stat; [ \"$pgid\" = $$ ]"])
    ///         .process_group(0)
    ///         .status()
    ///         .await?;
    ///     assert!(own_group.success());
    ///     Ok(())
    /// }
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Starts the child, registering its piped streams and its exit with
    /// the current runtime; see [`Child`].
    ///
    /// A [`Child`] dropped before its exit was collected is reaped by the
    /// runtime later (and killed first with
    /// [`kill_on_drop`](Command::kill_on_drop)); see the [module
    /// documentation](super). Each spawn also reaps such orphans that have
    /// exited meanwhile.
    ///
    /// # Errors
    /// Those of `std::process::Command::spawn`: `NotFound` for a program
    /// that does not exist, `PermissionDenied`, `WouldBlock` when the
    /// system's process limit is reached...
    ///
    /// # Panics
    /// Outside a runtime (the child's exit and pipes are watched by the
    /// runtime's reactor); nothing is started then.
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut child = Command::new("sh").args(["-c", "exit 7"]).spawn()?;
    ///     assert!(child.id().is_some());
    ///     assert_eq!(child.wait().await?.code(), Some(7));
    ///     let missing = Command::new("/no/such/program").spawn().unwrap_err();
    ///     assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    ///     Ok(())
    /// }
    /// ```
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        let Some(reactor) = runtime_reactor::Handle::try_current() else {
            panic!("{}", super::NO_RUNTIME)
        };
        super::reap::reap_orphans();
        let child = self.std.spawn()?;
        Child::new(child, self.kill_on_drop, &reactor)
    }

    /// Spawns the child (now: this must be called in a runtime) and returns
    /// a future of its exit status. Pipes configured on the command are
    /// closed at once, so a child waiting on one cannot block the wait.
    /// Dropping the future drops the [`Child`] (killing it with
    /// [`kill_on_drop`](Command::kill_on_drop)).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let status = Command::new("sh").args(["-c", "exit 2"]).status().await?;
    ///     assert_eq!(status.code(), Some(2));
    ///     Ok(())
    /// }
    /// ```
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> {
        let spawned = self.spawn();
        async move {
            let mut child = spawned?;
            // Close our ends: a child blocked on a full or empty pipe we
            // hold would otherwise never exit.
            child.stdin.take();
            child.stdout.take();
            child.stderr.take();
            child.wait().await
        }
    }

    /// Spawns the child with stdout and stderr piped (this changes the
    /// command's configuration) and returns a future of its exit status and
    /// everything it wrote to them; see [`Child::wait_with_output`]. Stdin is
    /// as configured (inherited by default).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let out = Command::new("sh").args(["-c", "echo out; echo err >&2; exit 1"]).output().await?;
    ///     assert_eq!(out.status.code(), Some(1));
    ///     assert_eq!(out.stdout, b"out\n");
    ///     assert_eq!(out.stderr, b"err\n");
    ///     Ok(())
    /// }
    /// ```
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let spawned = self.spawn();
        async move { spawned?.wait_with_output().await }
    }
}

impl From<StdCommand> for Command {
    /// Wraps a configured `std` command (`kill_on_drop` off).
    ///
    /// ```
    /// use runtime::process::Command;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut std_cmd = std::process::Command::new("sh");
    ///     std_cmd.args(["-c", "exit 9"]);
    ///     let status = Command::from(std_cmd).status().await?;
    ///     assert_eq!(status.code(), Some(9));
    ///     Ok(())
    /// }
    /// ```
    fn from(std: StdCommand) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}
