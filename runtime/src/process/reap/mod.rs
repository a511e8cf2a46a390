//! Waiting for children to exit, and collecting the ones nobody waits for.
//!
//! [`Process`] is a spawned child that has not been reaped yet, with the
//! means to wait for its exit without a thread: a pidfd registered with the
//! reactor ([`pidfd`], Linux 5.3+), otherwise a SIGCHLD listener
//! ([`sigchld`]). Dropping a `Process` kills the child first when
//! `kill_on_drop` asks for it, then hands it to the orphan queue
//! ([`orphan`]) unless it has already been reaped.
//!
//! Which way is used is decided per spawn: pidfd when the kernel has it,
//! SIGCHLD otherwise. The environment variable
//! `RUNTIME_PROCESS_REAPER=sigchld`, read once per process, forces SIGCHLD
//! everywhere (the tests use it to cover that path on kernels with pidfd).

mod orphan;
#[cfg(target_os = "linux")]
mod pidfd;
mod sigchld;

pub(crate) use orphan::reap_and_watch as reap_orphans;

use std::fmt;
use std::io;
use std::process::{Child as StdChild, ExitStatus};
use std::sync::OnceLock;
use std::task::{ready, Context, Poll};

/// Whether `RUNTIME_PROCESS_REAPER=sigchld` forces the SIGCHLD path.
fn sigchld_forced() -> bool {
    static FORCED: OnceLock<bool> = OnceLock::new();
    *FORCED
        .get_or_init(|| std::env::var_os("RUNTIME_PROCESS_REAPER").is_some_and(|v| v == "sigchld"))
}

/// How a [`Process`] learns that its child exited.
#[derive(Debug)]
enum Waiter {
    #[cfg(target_os = "linux")]
    Pidfd(pidfd::PidfdWait),
    Sigchld(sigchld::SigchldWait),
}

/// A spawned, not yet reaped child.
pub(crate) struct Process {
    /// `Some` until dropped.
    child: Option<StdChild>,
    waiter: Waiter,
    /// Kill the child when this is dropped before it was reaped; cleared
    /// once it has been killed or reaped.
    kill_on_drop: bool,
}

impl Process {
    /// Starts watching `child` (whose pipes were already taken out) on
    /// `reactor`. On failure the child is not leaked: it is killed (when
    /// `kill_on_drop`) and left to the orphan queue.
    pub(crate) fn new(
        child: StdChild,
        kill_on_drop: bool,
        reactor: &runtime_reactor::Handle,
    ) -> io::Result<Process> {
        match Self::waiter(&child, reactor) {
            Ok(waiter) => Ok(Process {
                child: Some(child),
                waiter,
                kill_on_drop,
            }),
            Err(e) => {
                abandon(child, kill_on_drop);
                Err(e)
            }
        }
    }

    fn waiter(child: &StdChild, reactor: &runtime_reactor::Handle) -> io::Result<Waiter> {
        #[cfg(target_os = "linux")]
        if !sigchld_forced() {
            if let Some(fd) = pidfd::PidFd::open(child.id()) {
                return pidfd::PidfdWait::new(fd, reactor).map(Waiter::Pidfd);
            }
        }
        let _ = (child, reactor);
        sigchld::SigchldWait::new().map(Waiter::Sigchld)
    }

    fn child(&mut self) -> &mut StdChild {
        self.child
            .as_mut()
            .expect("the child is present until drop")
    }

    /// The child's pid.
    pub(crate) fn id(&self) -> u32 {
        self.child
            .as_ref()
            .expect("the child is present until drop")
            .id()
    }

    /// Sends SIGKILL (no-op success if the child was already reaped). After
    /// a successful kill, dropping no longer kills.
    pub(crate) fn kill(&mut self) -> io::Result<()> {
        self.child().kill()?;
        self.kill_on_drop = false;
        Ok(())
    }

    /// `waitpid(WNOHANG)`: the exit status if the child has exited (reaping
    /// it), `None` if it still runs.
    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let status = self.child().try_wait()?;
        if status.is_some() {
            self.kill_on_drop = false;
        }
        Ok(status)
    }

    /// Ready with the exit status once the child has exited and been reaped.
    /// Spends one unit of the task's budget per completion.
    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        let coop = ready!(runtime_core::coop::poll_proceed(cx));
        let child = self
            .child
            .as_mut()
            .expect("the child is present until drop");
        let result = ready!(match &mut self.waiter {
            #[cfg(target_os = "linux")]
            Waiter::Pidfd(w) => w.poll_wait(child, cx),
            Waiter::Sigchld(w) => w.poll_wait(child, cx),
        });
        coop.made_progress();
        if result.is_ok() {
            self.kill_on_drop = false;
        }
        Poll::Ready(result)
    }
}

/// Gives up on `child`: kills it first if asked, then queues it as an
/// orphan unless it has already been reaped.
fn abandon(mut child: StdChild, kill: bool) {
    if kill {
        // It may have exited already; an error leaves nothing to do.
        let _ = child.kill();
    }
    if let Ok(None) = child.try_wait() {
        orphan::adopt(child);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            abandon(child, self.kill_on_drop);
        }
    }
}

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Process")
            .field("pid", &self.child.as_ref().map(StdChild::id))
            .field("waiter", &self.waiter)
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}
