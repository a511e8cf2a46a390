//! Waiting for a child through SIGCHLD (kernels without pidfd, other Unixes,
//! or when forced for testing).
//!
//! Each waiting child holds its own listener from the signal module
//! (`signal(SignalKind::child())`: one duplicate of the self-pipe's read end,
//! registered with the reactor). SIGCHLD does not say which child exited, so
//! every delivery makes every waiting child try `waitpid(pid, WNOHANG)` once;
//! only the ones that exited complete. The listener is created before the
//! first `try_wait`, so an exit is either seen by that `try_wait` or
//! delivered to the listener afterwards: none is missed.

use crate::signal::unix::{signal, Signal, SignalKind};
use std::io;
use std::process::{Child as StdChild, ExitStatus};
use std::task::{Context, Poll};

/// One child's SIGCHLD listener.
#[derive(Debug)]
pub(super) struct SigchldWait {
    sigchld: Signal,
}

impl SigchldWait {
    /// Creates the listener (installing the process-wide SIGCHLD handler the
    /// first time). Must run in a runtime context.
    pub(super) fn new() -> io::Result<SigchldWait> {
        Ok(SigchldWait {
            sigchld: signal(SignalKind::child())?,
        })
    }

    /// Ready with the exit status once `child` has exited and been reaped.
    pub(super) fn poll_wait(
        &mut self,
        child: &mut StdChild,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<ExitStatus>> {
        loop {
            if let Some(status) = child.try_wait()? {
                return Poll::Ready(Ok(status));
            }
            // A SIGCHLD after the `try_wait` above bumps the listener's
            // version, so this returns ready and the loop looks again.
            match self.sigchld.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(())) => continue,
                Poll::Ready(None) => {
                    return Poll::Ready(Err(io::Error::other(
                        "the runtime that spawned this child has shut down: \
                         its exit can no longer be waited for asynchronously",
                    )))
                }
            }
        }
    }
}
