//! Waiting for a child through a pidfd (Linux 5.3 and later).
//!
//! `pidfd_open(2)` gives a descriptor that refers to the process itself (not
//! to its pid, which could be reused) and that polls readable once the
//! process has exited. Registered with the reactor like a socket, it turns
//! "wait for this child" into ordinary readiness: no signal handler, no
//! wake-ups for other children's exits. The exit status is still collected
//! with `waitpid` (through `std::process::Child::try_wait`) once the
//! descriptor is readable.

use runtime_reactor::io::PollEvented;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child as StdChild, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::task::{ready, Context, Poll};

/// Set once `pidfd_open` answered `ENOSYS`: the kernel is older than 5.3 and
/// every later spawn goes straight to the SIGCHLD path.
static UNSUPPORTED: AtomicBool = AtomicBool::new(false);

/// An owned pidfd, registrable with the reactor.
#[derive(Debug)]
pub(super) struct PidFd(OwnedFd);

impl PidFd {
    /// Opens a pidfd for `pid`, or `None` when the kernel cannot (no
    /// `pidfd_open`, or it failed for this process): the caller falls back
    /// to SIGCHLD.
    ///
    /// `pid` must be a child that has not been reaped yet, so that it still
    /// names that child (an unreaped zombie keeps its pid).
    pub(super) fn open(pid: u32) -> Option<PidFd> {
        if UNSUPPORTED.load(Relaxed) {
            return None;
        }
        let pid = libc::pid_t::try_from(pid).ok()?;
        // SAFETY: `pidfd_open(pid, flags)` takes two integers and returns a
        // new descriptor or -1; it reads and writes no memory of ours.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0 as libc::c_uint) };
        if fd < 0 {
            if io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS) {
                UNSUPPORTED.store(true, Relaxed);
            }
            return None;
        }
        let fd = libc::c_int::try_from(fd).ok()?;
        // SAFETY: the kernel just returned `fd` as a new descriptor that
        // nothing else owns; the `OwnedFd` becomes its only owner and closes
        // it once.
        Some(PidFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }
}

impl mio::event::Source for PidFd {
    fn register(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.0.as_raw_fd()).register(registry, token, interests)
    }

    fn reregister(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        interests: mio::Interest,
    ) -> io::Result<()> {
        mio::unix::SourceFd(&self.0.as_raw_fd()).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &mio::Registry) -> io::Result<()> {
        mio::unix::SourceFd(&self.0.as_raw_fd()).deregister(registry)
    }
}

/// Waits for one child's pidfd to become readable.
#[derive(Debug)]
pub(super) struct PidfdWait {
    pidfd: PollEvented<PidFd>,
}

impl PidfdWait {
    /// Registers `pidfd` with `reactor`.
    pub(super) fn new(pidfd: PidFd, reactor: &runtime_reactor::Handle) -> io::Result<PidfdWait> {
        Ok(PidfdWait {
            pidfd: PollEvented::new_with_handle(pidfd, reactor)?,
        })
    }

    /// Ready with the exit status once `child` has exited and been reaped.
    pub(super) fn poll_wait(
        &mut self,
        child: &mut StdChild,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<ExitStatus>> {
        ready!(self.pidfd.poll_read_ready(cx))?;
        if let Some(status) = child.try_wait()? {
            return Poll::Ready(Ok(status));
        }
        // The pidfd polls readable only once the process has exited, so
        // `waitpid` finding nothing is at most a brief window. The readiness
        // is kept (the descriptor stays readable: no new edge would come) and
        // the task polls again after yielding, rather than waiting for an
        // event that might never be reported.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
