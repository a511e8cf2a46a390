//! Asynchronous signal handling (Unix).
//!
//! [`ctrl_c`] waits for `SIGINT`; [`unix::signal`] listens for any signal
//! kind. As in Tokio, the first listener for a kind installs a process-wide
//! handler that stays installed for the rest of the process: once you have
//! listened for Ctrl-C, Ctrl-C no longer terminates the process by itself.
//!
//! ```no_run
//! #[runtime::main]
//! async fn main() -> std::io::Result<()> {
//!     runtime::spawn(async { /* serve */ });
//!     runtime::signal::ctrl_c().await?;
//!     println!("Ctrl-C received, shutting down");
//!     Ok(())
//! }
//! ```
//!
//! # How it works
//!
//! The handler (registered through `signal-hook-registry`, whose handlers are
//! async-signal-safe and chain with other libraries') only sets a flag and
//! writes a byte to a non-blocking self-pipe. Each listener registers its own
//! duplicate of the pipe's read end with the reactor; whichever listener
//! wakes first drains the pipe and publishes the delivery to every listener
//! of that kind, on any runtime. See `registry.rs` for the details.

mod registry;
pub mod unix;

use std::io;

/// Completes when `SIGINT` (Ctrl-C) is received.
///
/// The first call installs the handler (when the returned future is first
/// polled); it stays installed, so from then on Ctrl-C does not terminate the
/// process by itself. A `SIGINT` that arrived before the future was first
/// polled is not reported.
///
/// # Errors
/// If the handler cannot be installed, or if the runtime shuts down while
/// waiting.
///
/// # Panics
/// When polled outside a runtime.
///
/// ```no_run
/// #[runtime::main]
/// async fn main() {
///     println!("press Ctrl-C to stop");
///     runtime::signal::ctrl_c().await.expect("failed to listen for Ctrl-C");
///     println!("bye");
/// }
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    let mut interrupts = unix::signal(unix::SignalKind::interrupt())?;
    match interrupts.recv().await {
        Some(()) => Ok(()),
        None => Err(io::Error::other(
            "the runtime shut down while waiting for Ctrl-C",
        )),
    }
}
