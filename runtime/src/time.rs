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
    advance, error, interval, interval_at, pause, resume, sleep, sleep_until, timeout, timeout_at,
    Duration, Instant, Interval, MissedTickBehavior, Sleep, Timeout,
};
