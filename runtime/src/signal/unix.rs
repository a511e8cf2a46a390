//! Unix signals: [`signal`] creates a [`Signal`] listener for one
//! [`SignalKind`].

use super::registry::{self, Globals};
use runtime_reactor::io::PollEvented;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::os::raw::c_int;
use std::task::{Context, Poll};

/// A kind of Unix signal, by number.
///
/// ```
/// use runtime::signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::interrupt().as_raw_value(), 2);
/// assert_eq!(SignalKind::from_raw(15), SignalKind::terminate());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// Any signal, by its raw number (e.g. `libc::SIGWINCH`).
    ///
    /// ```
    /// use runtime::signal::unix::SignalKind;
    /// let usr1 = SignalKind::user_defined1().as_raw_value();
    /// assert_eq!(SignalKind::from_raw(usr1), SignalKind::user_defined1());
    /// ```
    pub const fn from_raw(signum: c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The raw signal number.
    ///
    /// ```
    /// use runtime::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::hangup().as_raw_value(), 1);
    /// ```
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// `SIGALRM`: a real-time timer expired.
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::alarm().as_raw_value(), 14);
    /// ```
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }

    /// `SIGCHLD`: a child process changed state.
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// let _ = SignalKind::child();
    /// ```
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }

    /// `SIGHUP`: the terminal hung up (daemons often reload configuration on it).
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::hangup().as_raw_value(), 1);
    /// ```
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }

    /// `SIGINT`: interrupt from the keyboard (Ctrl-C).
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::interrupt().as_raw_value(), 2);
    /// ```
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a descriptor.
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// let _ = SignalKind::io();
    /// ```
    pub const fn io() -> SignalKind {
        SignalKind(libc::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe with no reader.
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::pipe().as_raw_value(), 13);
    /// ```
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }

    /// `SIGQUIT`: quit from the keyboard (Ctrl-\\).
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::quit().as_raw_value(), 3);
    /// ```
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }

    /// `SIGTERM`: a polite request to terminate (what `kill` sends by default).
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::terminate().as_raw_value(), 15);
    /// ```
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }

    /// `SIGUSR1`: user-defined signal 1.
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_ne!(SignalKind::user_defined1(), SignalKind::user_defined2());
    /// ```
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }

    /// `SIGUSR2`: user-defined signal 2.
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// assert_ne!(SignalKind::user_defined2(), SignalKind::user_defined1());
    /// ```
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal window changed size.
    ///
    /// ```
    /// # use runtime::signal::unix::SignalKind;
    /// let _ = SignalKind::window_change();
    /// ```
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    fn from(signum: c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for c_int {
    fn from(kind: SignalKind) -> c_int {
        kind.as_raw_value()
    }
}

/// A listener for one kind of signal, created by [`signal`].
///
/// Every `Signal` sees every delivery made after it was created; deliveries
/// that arrive between two calls to [`recv`](Signal::recv) are coalesced into
/// one. The OS-level handler installed for the kind stays installed after the
/// `Signal` is dropped (so the signal's default action, e.g. terminating the
/// process, no longer happens), as in Tokio.
///
/// ```no_run
/// use runtime::signal::unix::{signal, SignalKind};
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut hangups = signal(SignalKind::hangup())?;
///     while hangups.recv().await.is_some() {
///         println!("SIGHUP: reloading configuration");
///     }
///     Ok(())
/// }
/// ```
pub struct Signal {
    globals: &'static Globals,
    kind: SignalKind,
    /// This listener's key in the slot's waiter map.
    id: u64,
    /// The slot version last reported (or current when created).
    seen: u64,
    /// This listener's duplicate of the self-pipe's read end.
    io: PollEvented<mio::net::UnixStream>,
}

/// Creates a listener for signals of `kind`, installing the process-wide
/// handler for that kind the first time (it stays installed for the life of
/// the process).
///
/// # Errors
/// If `kind` is not a signal that can be handled (`SIGKILL`, `SIGSTOP`,
/// `SIGILL`, `SIGFPE`, `SIGSEGV`, or a number out of range), if the OS
/// refuses to install the handler, or if the runtime has shut down.
///
/// # Panics
/// When called outside a runtime (like the other I/O types).
///
/// ```no_run
/// use runtime::signal::unix::{signal, SignalKind};
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let mut term = signal(SignalKind::terminate())?;
///     term.recv().await;
///     println!("SIGTERM received, shutting down");
///     Ok(())
/// }
/// ```
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    // Check for a runtime before touching process-wide state.
    let Some(handle) = runtime_reactor::Handle::try_current() else {
        panic!(
            "there is no reactor running, must be called from the context of a runtime: \
             create signal listeners inside `Runtime::block_on`, a spawned task, or after \
             `Runtime::enter()`"
        )
    };
    let globals = registry::globals()?;
    let signum = kind.as_raw_value();
    let slot = globals.slot(signum)?;
    globals.install(signum)?;
    let receiver = mio::net::UnixStream::from_std(globals.receiver()?);
    let io = PollEvented::new_with_handle(receiver, &handle)?;
    Ok(Signal {
        globals,
        kind,
        id: globals.next_listener_id(),
        seen: slot.version(),
        io,
    })
}

impl Signal {
    /// Waits for the next delivery of the signal. Returns `None` when no more
    /// can be received: the runtime this listener was created on has shut
    /// down.
    ///
    /// Cancel-safe: a delivery is never lost by dropping the future.
    ///
    /// ```no_run
    /// use runtime::signal::unix::{signal, SignalKind};
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut usr1 = signal(SignalKind::user_defined1())?;
    ///     for n in 1.. {
    ///         usr1.recv().await;
    ///         println!("SIGUSR1 #{n}");
    ///     }
    ///     Ok(())
    /// }
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery: the poll-based form of [`Signal::recv`],
    /// for use in hand-written futures. On `Pending`, `cx`'s waker is woken
    /// at the next delivery.
    ///
    /// ```no_run
    /// use runtime::signal::unix::{signal, SignalKind};
    /// use std::future::poll_fn;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let mut int = signal(SignalKind::interrupt())?;
    ///     poll_fn(|cx| int.poll_recv(cx)).await;
    ///     Ok(())
    /// }
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let slot = self
            .globals
            .slot(self.kind.as_raw_value())
            .expect("checked when the listener was created");
        loop {
            if let Some(version) = slot.poll_version(self.id, self.seen, cx.waker()) {
                self.seen = version;
                return Poll::Ready(Some(()));
            }
            // No new delivery published: move whatever the handlers queued in
            // the pipe into the slots (ours or anybody's), then look again.
            let event = match self.io.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                // The only error is the reactor having shut down.
                Poll::Ready(Err(_)) => return Poll::Ready(None),
                Poll::Ready(Ok(event)) => event,
            };
            let stop = self.globals.drain_and_broadcast(self.io.get_ref());
            if stop.kind() == io::ErrorKind::WouldBlock {
                self.io.clear_readiness(event);
            } else {
                // Not expected on a socket pair that lives for the whole
                // process; treat like a closed stream.
                return Poll::Ready(None);
            }
        }
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        if let Ok(slot) = self.globals.slot(self.kind.as_raw_value()) {
            slot.remove_waiter(self.id);
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal").field("kind", &self.kind).finish()
    }
}
