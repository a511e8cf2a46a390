//! Utilities for tracking time: [`sleep`], [`timeout`], [`interval`], and the
//! runtime's [`Instant`], which can be paused in tests.
//!
//! ```
//! use runtime::time::{sleep, timeout, Duration};
//!
//! #[runtime::main(flavor = "current_thread", start_paused = true)]
//! async fn main() {
//!     // With the clock paused, an idle runtime jumps to the next timer:
//!     // this hour-long sleep finishes at once.
//!     sleep(Duration::from_secs(3600)).await;
//!     let slow = timeout(Duration::from_secs(1), sleep(Duration::from_secs(10))).await;
//!     assert!(slow.is_err());
//! }
//! ```
//!
//! With the clock paused, the runtime auto-advances only when it is idle,
//! and, as in Tokio, that includes the blocking pool: while a
//! `spawn_blocking` closure is queued or running, it waits for it instead.
//! Deadlines are exact however far away (the timer wheel re-files timers
//! beyond its ~2.2-year range), and `Instant + Duration` saturates at about
//! 30 years, so `sleep(Duration::MAX)` simply never fires.
//!
//! ```
//! use runtime::time::{timeout, Duration};
//!
//! #[runtime::main(flavor = "current_thread", start_paused = true)]
//! async fn main() {
//!     // The clock does not jump past the 3 s timeout while the closure runs.
//!     let work = runtime::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(5)));
//!     assert!(timeout(Duration::from_secs(3), work).await.is_ok());
//! }
//! ```
//!
//! # Cancel safety
//!
//! [`sleep`], [`sleep_until`] and [`Interval::tick`] are cancel-safe:
//! dropping them loses nothing (a dropped `tick` does not consume the tick).
//! A [`Timeout`] is exactly as cancel-safe as the future it wraps, since
//! expiring drops that future at its current await point.

pub use runtime_reactor::time::{
    advance, interval, interval_at, pause, resume, sleep, sleep_until, timeout, timeout_at,
    Duration, Instant, Interval, MissedTickBehavior, Sleep, Timeout,
};

/// Errors of the time module: [`Elapsed`](crate::time::error::Elapsed),
/// returned by a [`timeout`] that expires, and
/// [`Error`](crate::time::error::Error), the timer errors of Tokio's API.
pub mod error {
    use std::fmt;

    pub use runtime_reactor::time::error::Elapsed;

    /// A timer error, as Tokio's `time::error::Error`: the timer was shut
    /// down, is at capacity, or was given a duration beyond its range.
    ///
    /// No timer of this runtime returns it: a timer created outside a
    /// runtime panics, the wheel grows as needed, and far deadlines are
    /// exact (long ones saturate). The type is here for code that names it,
    /// matches on it or builds one, as code written for Tokio may.
    ///
    /// ```
    /// use runtime::time::error::Error;
    ///
    /// let err = Error::shutdown();
    /// assert!(err.is_shutdown() && !err.is_at_capacity() && !err.is_invalid());
    /// assert!(Error::at_capacity().is_at_capacity());
    /// assert!(Error::invalid().is_invalid());
    /// assert_eq!(Error::invalid().to_string(), "timer duration exceeds maximum duration");
    /// ```
    #[derive(Debug, Clone, Copy)]
    pub struct Error(Kind);

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Kind {
        Shutdown,
        AtCapacity,
        Invalid,
    }

    impl Error {
        /// The error of a timer whose runtime has shut down.
        ///
        /// ```
        /// let err = runtime::time::error::Error::shutdown();
        /// assert!(err.is_shutdown());
        /// ```
        pub fn shutdown() -> Error {
            Error(Kind::Shutdown)
        }

        /// Whether the timer's runtime has shut down.
        ///
        /// ```
        /// use runtime::time::error::Error;
        ///
        /// assert!(Error::shutdown().is_shutdown());
        /// assert!(!Error::invalid().is_shutdown());
        /// ```
        pub fn is_shutdown(&self) -> bool {
            self.0 == Kind::Shutdown
        }

        /// The error of a timer that could not be registered because the
        /// timer is full.
        ///
        /// ```
        /// let err = runtime::time::error::Error::at_capacity();
        /// assert!(err.is_at_capacity());
        /// ```
        pub fn at_capacity() -> Error {
            Error(Kind::AtCapacity)
        }

        /// Whether the timer was full.
        ///
        /// ```
        /// use runtime::time::error::Error;
        ///
        /// assert!(Error::at_capacity().is_at_capacity());
        /// assert!(!Error::shutdown().is_at_capacity());
        /// ```
        pub fn is_at_capacity(&self) -> bool {
            self.0 == Kind::AtCapacity
        }

        /// The error of a timer whose duration is beyond the timer's range.
        ///
        /// ```
        /// let err = runtime::time::error::Error::invalid();
        /// assert!(err.is_invalid());
        /// ```
        pub fn invalid() -> Error {
            Error(Kind::Invalid)
        }

        /// Whether the timer's duration was beyond its range.
        ///
        /// ```
        /// use runtime::time::error::Error;
        ///
        /// assert!(Error::invalid().is_invalid());
        /// assert!(!Error::at_capacity().is_invalid());
        /// ```
        pub fn is_invalid(&self) -> bool {
            self.0 == Kind::Invalid
        }
    }

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self.0 {
                Kind::Shutdown => {
                    "the timer is shut down: it must be used within the context of a running runtime"
                }
                Kind::AtCapacity => "the timer is at capacity and cannot take a new entry",
                Kind::Invalid => "timer duration exceeds maximum duration",
            })
        }
    }

    impl std::error::Error for Error {}
}
