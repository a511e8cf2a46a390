//! A process-wide "sleep for a duration" hook, so runtime-agnostic crates can
//! put a deadline on a wait without depending on the reactor.
//!
//! # Design
//!
//! runtime-sync must not depend on the executor or the reactor, yet Tokio's
//! `mpsc::Sender::send_timeout` needs a timer. The facade, which is the only
//! crate that knows whether a time driver is built, installs a sleep factory
//! here when it builds a runtime with one ([`install`]); runtime-sync asks for
//! a sleep through [`sleep`]. The factory takes a [`Duration`], not a
//! deadline: the deadline must be computed on the runtime's own clock, which
//! can be paused and advanced, and only the reactor can read that clock.
//!
//! The hook is one write-once global holding a plain `fn` pointer: every
//! runtime of the process uses the same reactor code, and the sleep it makes
//! finds the *current* runtime's timer itself (and panics outside a runtime,
//! as Tokio's timers do). Installing it again is a no-op. No lock is taken
//! after the first install, and no user code runs inside this module.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

/// A sleep that completes `duration` after it is created, on the current
/// runtime's clock.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Makes a [`SleepFuture`]; installed by the runtime that owns the timer.
pub type SleepFn = fn(Duration) -> SleepFuture;

static HOOK: OnceLock<SleepFn> = OnceLock::new();

/// The panic message when a timer is needed but no runtime with a time
/// driver was built in this process.
pub const NO_TIMER: &str = "A runtime context with timers is required, but timers are disabled: \
     no runtime with a time driver has been built in this process. Build the `runtime` crate \
     with its `time` feature (it is in `full`) and call this from inside that runtime.";

/// Installs the sleep factory. The first call wins; later calls (every
/// runtime built with a time driver makes one) change nothing.
///
/// # Examples
///
/// ```
/// use runtime_core::timer_hook;
/// use std::time::Duration;
///
/// fn ready_at_once(_: Duration) -> timer_hook::SleepFuture {
///     Box::pin(std::future::ready(()))
/// }
/// timer_hook::install(ready_at_once);
/// assert!(timer_hook::is_installed());
/// ```
pub fn install(factory: SleepFn) {
    let _ = HOOK.set(factory);
}

/// True once a factory is installed.
///
/// # Examples
///
/// ```
/// // Nothing in a plain test process installs one.
/// assert!(!runtime_core::timer_hook::is_installed());
/// ```
pub fn is_installed() -> bool {
    HOOK.get().is_some()
}

/// A sleep of `duration` on the current runtime's clock.
///
/// # Panics
///
/// With [`NO_TIMER`] if no factory is installed; the factory itself panics
/// when called outside a runtime.
///
/// # Examples
///
/// ```
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let start = runtime::time::Instant::now();
///     runtime_core::timer_hook::sleep(std::time::Duration::from_secs(5)).await;
///     assert_eq!(start.elapsed(), std::time::Duration::from_secs(5));
/// }
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> SleepFuture {
    match HOOK.get() {
        Some(factory) => factory(duration),
        None => panic!("{NO_TIMER}"),
    }
}
