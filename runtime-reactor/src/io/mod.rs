//! I/O readiness: what the driver records per source, and the wrapper
//! resources use to wait for it.

#[cfg(unix)]
mod async_fd;
#[cfg(unix)]
mod async_fd_guard;
#[cfg(unix)]
mod async_fd_ready;
#[cfg(all(test, loom))]
mod loom_scheduled_io;
pub(crate) mod poll_evented;
mod ready;
mod scheduled_io;

#[cfg(unix)]
pub use async_fd::AsyncFd;
#[cfg(unix)]
#[allow(deprecated)]
pub use async_fd_guard::{
    AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdRegisterError, AsyncFdTryNewError, TryIoError,
};
pub use poll_evented::{is_shutdown_error, PollEvented};
pub use ready::{Interest, Ready};
pub(crate) use scheduled_io::ScheduledIo;
pub use scheduled_io::{Direction, ReadyEvent};
