//! I/O readiness: what the driver records per source, and the wrapper
//! resources use to wait for it.

#[cfg(all(test, loom))]
mod loom_scheduled_io;
pub(crate) mod poll_evented;
mod scheduled_io;

pub use poll_evented::{is_shutdown_error, PollEvented};
pub(crate) use scheduled_io::ScheduledIo;
pub use scheduled_io::{Direction, Ready, ReadyEvent};
