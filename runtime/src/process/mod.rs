//! Child processes (Tokio's `tokio::process`, Unix): [`Command`] builds and
//! spawns them, [`Child`] waits for them, [`ChildStdin`], [`ChildStdout`]
//! and [`ChildStderr`] are their piped standard streams.
//!
//! ```
//! use runtime::process::Command;
//!
//! #[runtime::main]
//! async fn main() -> std::io::Result<()> {
//!     let out = Command::new("echo").arg("hello").output().await?;
//!     assert!(out.status.success());
//!     assert_eq!(out.stdout, b"hello\n");
//!     Ok(())
//! }
//! ```
//!
//! # Design
//!
//! Nothing here uses a thread per child: thousands of children can be
//! waited for at once by one runtime.
//!
//! **Pipes.** A piped stream is one end of an anonymous pipe, made
//! non-blocking and registered with the runtime's reactor, exactly like a
//! socket (`pipes.rs`).
//!
//! **Waiting for an exit** (`reap/`). On Linux 5.3 and later, each child
//! gets a *pidfd* (`pidfd_open(2)`), a descriptor that polls readable once
//! the process has exited; it is registered with the reactor, and when it
//! fires the status is collected with `waitpid(pid, WNOHANG)`. Where
//! `pidfd_open` is missing (older kernels, other Unixes), each child gets a
//! SIGCHLD listener from `runtime::signal` instead (the same
//! process-wide handler and self-pipe as `signal(SignalKind::child())`), and
//! every SIGCHLD makes each waiting child try `waitpid(pid, WNOHANG)`, since
//! the signal does not say which child exited. Both are cancel-safe: the
//! status stays in the kernel until a `waitpid` collects it, and a collected
//! status is kept by the [`Child`].
//!
//! **What drop does.** Dropping a [`Child`] (or the future of
//! [`Command::status`]/[`Command::output`]) does not wait. If
//! [`Command::kill_on_drop`] was set and the child was not reaped yet, it is
//! sent SIGKILL. A child that has not been reaped is then moved to a
//! process-wide *orphan queue* (`reap/orphan.rs`), so it does not stay a
//! zombie: the queue is swept with `waitpid(WNOHANG)` at every
//! [`Command::spawn`], and, while it is not empty, by a small task on the
//! runtime where the child was dropped that sweeps at every SIGCHLD and
//! ends once the queue is empty. Reaping is best-effort as in Tokio: a child
//! dropped outside any runtime, or after its runtime shut down, waits in the
//! queue for the next spawn or the next reaper task.
//!
//! The SIGCHLD handler, once installed (by the first SIGCHLD-path child or
//! the first orphan), stays installed for the rest of the process, as any
//! handler of `runtime::signal` does; it does not change how
//! children are reaped by other code (it is not `SIG_IGN`).
//!
//! Setting the environment variable `RUNTIME_PROCESS_REAPER=sigchld`
//! (read once, at the first spawn) forces the SIGCHLD path on kernels that
//! have pidfd; the test suite uses it so that both paths are exercised.
//!
//! All of this needs a runtime: [`Command::spawn`] panics outside one, as in
//! Tokio.

mod child;
mod command;
mod pipes;
mod reap;

pub use child::Child;
pub use command::Command;
pub use pipes::{ChildStderr, ChildStdin, ChildStdout};

/// The panic message for process operations outside a runtime.
const NO_RUNTIME: &str = "there is no reactor running: child processes must be spawned \
     (and their pipes created) from the context of a runtime: inside `Runtime::block_on`, \
     a spawned task, or after `Runtime::enter()`";
