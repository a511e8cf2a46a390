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
