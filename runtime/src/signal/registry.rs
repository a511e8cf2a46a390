//! Process-wide signal state: the self-pipe the OS-level handlers write to,
//! and one slot per signal number that every [`Signal`](super::unix::Signal)
//! listening for that number watches.
//!
//! # How a delivery travels
//!
//! 1. The handler (installed once per signal number through
//!    `signal-hook-registry`, never removed) sets the slot's `pending` flag
//!    and writes one byte to the non-blocking write end of a socket pair.
//!    Both are async-signal-safe: an atomic store and `write(2)`.
//! 2. Every listener holds its own duplicate of the read end, registered with
//!    its runtime's reactor through `PollEvented`. When a listener is polled
//!    and its copy is readable, it drains the pipe and *broadcasts*: for each
//!    slot whose `pending` flag it clears, it bumps the slot's version and
//!    wakes every listener waiting on that slot.
//! 3. A listener reports a delivery when the slot's version differs from the
//!    one it last saw. Several deliveries between two polls bump the version
//!    several times (or once) and are reported once: they coalesce.
//!
//! Because the broadcast is process-wide, any listener (on any runtime) that
//! drains the pipe makes the delivery visible to all of them.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::task::Waker;

/// Slots for signal numbers `0..SLOTS` (Linux has 1..=64, the BSDs up to 128).
const SLOTS: usize = 129;

/// Per signal number.
pub(super) struct Slot {
    /// Set by the handler, cleared by the broadcast that publishes it.
    pending: AtomicBool,
    /// Bumped by each broadcast that found `pending` set.
    version: AtomicU64,
    /// Listeners waiting for the next version, keyed by listener id.
    waiters: Mutex<HashMap<u64, Waker>>,
    /// Whether the OS-level handler is installed (it never is removed).
    installed: Mutex<bool>,
}

pub(super) struct Globals {
    /// Written (one byte per delivery) by the handlers; non-blocking.
    sender: UnixStream,
    /// Never read directly: each listener registers a duplicate of it.
    receiver: UnixStream,
    slots: Box<[Slot]>,
    next_listener: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks; recover anyway.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The process-wide state, created on first use.
pub(super) fn globals() -> io::Result<&'static Globals> {
    static GLOBALS: OnceLock<Globals> = OnceLock::new();
    if let Some(g) = GLOBALS.get() {
        return Ok(g);
    }
    let (sender, receiver) = UnixStream::pair()?;
    sender.set_nonblocking(true)?;
    receiver.set_nonblocking(true)?;
    let slots = (0..SLOTS)
        .map(|_| Slot {
            pending: AtomicBool::new(false),
            version: AtomicU64::new(0),
            waiters: Mutex::new(HashMap::new()),
            installed: Mutex::new(false),
        })
        .collect();
    // A racing initializer may win: its pair is used and ours is closed.
    Ok(GLOBALS.get_or_init(|| Globals {
        sender,
        receiver,
        slots,
        next_listener: AtomicU64::new(0),
    }))
}

impl Globals {
    /// The slot of `signum`, or an error for numbers that are out of range or
    /// that must not be handled (`SIGKILL`, `SIGSTOP`, `SIGSEGV`, ...).
    pub(super) fn slot(&self, signum: libc::c_int) -> io::Result<&Slot> {
        if signal_hook_registry::FORBIDDEN.contains(&signum) {
            return Err(io::Error::other(format!(
                "refusing to register signal {signum}: it cannot be handled safely"
            )));
        }
        usize::try_from(signum)
            .ok()
            .filter(|&n| n > 0)
            .and_then(|n| self.slots.get(n))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("invalid signal number {signum}"),
                )
            })
    }

    /// Installs the OS-level handler for `signum` unless already done.
    pub(super) fn install(&'static self, signum: libc::c_int) -> io::Result<()> {
        let slot = self.slot(signum)?;
        let mut installed = lock(&slot.installed);
        if *installed {
            return Ok(());
        }
        let action = move || self.on_signal(signum);
        // SAFETY: `action` is async-signal-safe: it only reads `'static` data,
        // stores to an atomic and calls `write(2)` on a non-blocking socket
        // (through std, which neither allocates nor locks for it, even when it
        // fails); it cannot panic (`slot` was checked above, so indexing in
        // `on_signal` is in bounds). `signum` is not in `FORBIDDEN` (checked
        // by `slot`), so `register` does not panic either.
        unsafe { signal_hook_registry::register(signum, action) }?;
        *installed = true;
        Ok(())
    }

    /// Runs inside the signal handler: only async-signal-safe work here.
    fn on_signal(&self, signum: libc::c_int) {
        if let Some(slot) = self.slots.get(signum as usize) {
            slot.pending.store(true, SeqCst);
        }
        // A full pipe (WouldBlock) is fine: a wake-up is already queued.
        let _ = (&self.sender).write(&[1]);
    }

    /// A duplicate of the pipe's read end, for one listener to register.
    pub(super) fn receiver(&self) -> io::Result<UnixStream> {
        self.receiver.try_clone()
    }

    pub(super) fn next_listener_id(&self) -> u64 {
        self.next_listener.fetch_add(1, SeqCst)
    }

    /// Reads everything queued in the pipe through `reader` (a duplicate of
    /// the read end), then publishes every pending delivery. Returns the
    /// error that stopped the read (`WouldBlock` once drained).
    pub(super) fn drain_and_broadcast(&self, mut reader: impl Read) -> io::Error {
        let mut buf = [0u8; 128];
        let stop = loop {
            match reader.read(&mut buf) {
                // Our write end lives as long as the process: never EOF.
                Ok(0) => break io::Error::from(io::ErrorKind::UnexpectedEof),
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break e,
            }
        };
        // Flags are read after the bytes: a handler that runs after the read
        // above leaves a byte behind (a later spurious wake-up) or has already
        // set its flag (published now). Nothing is lost either way.
        self.broadcast();
        stop
    }

    fn broadcast(&self) {
        for slot in self.slots.iter() {
            if slot.pending.swap(false, SeqCst) {
                slot.version.fetch_add(1, SeqCst);
                let waiters = std::mem::take(&mut *lock(&slot.waiters));
                for waker in waiters.into_values() {
                    waker.wake();
                }
            }
        }
    }
}

impl Slot {
    /// The current version: a new listener reports only later deliveries.
    pub(super) fn version(&self) -> u64 {
        self.version.load(SeqCst)
    }

    /// Returns the new version if it differs from `seen`; otherwise records
    /// `waker` so the next broadcast wakes listener `id`.
    ///
    /// The check and the registration happen under the waiters lock, and a
    /// broadcast bumps the version before taking that lock, so a delivery is
    /// either seen here or wakes the waker stored here.
    pub(super) fn poll_version(&self, id: u64, seen: u64, waker: &Waker) -> Option<u64> {
        let mut waiters = lock(&self.waiters);
        let now = self.version.load(SeqCst);
        if now != seen {
            waiters.remove(&id);
            return Some(now);
        }
        match waiters.get_mut(&id) {
            Some(w) if w.will_wake(waker) => {}
            Some(w) => w.clone_from(waker),
            None => {
                waiters.insert(id, waker.clone());
            }
        }
        None
    }

    /// Forgets listener `id`'s waker (when it is dropped).
    pub(super) fn remove_waiter(&self, id: u64) {
        lock(&self.waiters).remove(&id);
    }
}
