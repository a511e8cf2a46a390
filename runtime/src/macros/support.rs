//! Support code for the expansions of [`join!`](crate::join),
//! [`try_join!`](crate::try_join) and [`select!`](crate::select), and one
//! trait ([`FnReturn`]) for those of `#[runtime::main]` and `#[runtime::test]`.
//!
//! Not part of the public API: the macros reach it as `$crate::__private`, and
//! anything in here may change without notice.

pub use std::future::{poll_fn, Future, IntoFuture};
pub use std::option::Option::{self, None, Some};
pub use std::pin::{pin, Pin};
pub use std::result::Result::{self, Err, Ok};
pub use std::task::{Context, Poll};

/// One future of a `join!`/`try_join!`, borrowed from its pinned slot on the
/// caller's stack, plus room for its output.
///
/// The future lives in a `Pin<&mut Option<F>>` rather than in this struct so
/// that reaching it needs no pin projection (and so no `unsafe`):
/// [`Option::as_pin_mut`] gives the pinned future, and [`Pin::set`] drops it in
/// place as soon as it completes.
pub struct MaybeDone<'a, F: Future> {
    future: Pin<&'a mut Option<F>>,
    output: Option<F::Output>,
}

impl<'a, F: Future> MaybeDone<'a, F> {
    /// Wraps a pinned slot; the slot should hold the future (`Some`).
    pub fn new(future: Pin<&'a mut Option<F>>) -> Self {
        MaybeDone {
            future,
            output: None,
        }
    }

    /// Polls the future unless it has already completed. Returns `true` once
    /// the future has completed (its output is stored here and the future
    /// itself has been dropped).
    pub fn poll_done(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(future) = self.future.as_mut().as_pin_mut() else {
            return true;
        };
        match future.poll(cx) {
            Poll::Ready(output) => {
                self.output = Some(output);
                self.future.set(None);
                true
            }
            Poll::Pending => false,
        }
    }

    /// Takes the stored output.
    ///
    /// # Panics
    /// If the future has not completed or its output was already taken.
    pub fn take_output(&mut self) -> F::Output {
        match self.output.take() {
            Some(output) => output,
            None => missing_output(),
        }
    }
}

impl<F, T, E> MaybeDone<'_, F>
where
    F: Future<Output = Result<T, E>>,
{
    /// Takes the output if the future completed with an `Err`; leaves an `Ok`
    /// output (or no output) in place.
    pub fn take_err(&mut self) -> Option<E> {
        match self.output.take() {
            Some(Err(e)) => Some(e),
            other => {
                self.output = other;
                None
            }
        }
    }

    /// Takes the value of an `Ok` output.
    ///
    /// # Panics
    /// If the future has not completed, completed with `Err`, or its output
    /// was already taken.
    pub fn take_ok(&mut self) -> T {
        match self.output.take() {
            Some(Ok(value)) => value,
            _ => missing_output(),
        }
    }
}

#[cold]
#[inline(never)]
fn missing_output() -> ! {
    unreachable!("join!: output taken before the future completed")
}

/// Names a function pointer's return type. `#[runtime::main]` and
/// `#[runtime::test]` check a `-> !` body with
/// `let ret: <fn() -> ! as FnReturn>::Output = { body };`: writing `!` as the
/// type of a `let` needs the unstable `never_type`, but `fn() -> !` is stable
/// and the projection is `!`.
pub trait FnReturn {
    /// The return type.
    type Output;
}

impl<T> FnReturn for fn() -> T {
    type Output = T;
}

/// `select!` without an `else` branch found every branch disabled.
#[cold]
#[track_caller]
pub fn all_branches_disabled() -> ! {
    panic!("all branches are disabled and there is no else branch")
}

/// A `select!`/`join!` expansion reached a branch index it did not generate.
#[cold]
#[track_caller]
pub fn unreachable_branch() -> ! {
    unreachable!("select!/join!: branch index out of range")
}

/// Whether the current task may keep polling without yielding. When the
/// cooperative budget is spent, `select!` yields (waking itself) instead of
/// polling its branches, so a loop around a `select!` over always-ready
/// resources cannot starve the other tasks.
#[inline]
pub fn poll_budget_available(cx: &mut Context<'_>) -> bool {
    if runtime_core::coop::has_budget_remaining() {
        true
    } else {
        cx.waker().wake_by_ref();
        false
    }
}

/// Turns the (optional) value of a future expression into its future. Kept
/// apart from the `let` that evaluates the expression, so that temporaries in
/// it are lifetime-extended (`v = &mut make_future() => …`).
#[inline]
pub fn into_future<F: IntoFuture>(future: Option<F>) -> Option<F::IntoFuture> {
    future.map(IntoFuture::into_future)
}

/// The guard `select!` tests a branch's pattern with: records that the
/// pattern matched and returns `false`, so the guarded arm is never taken and
/// the output is not moved.
#[inline(always)]
pub fn mark_matched(matched: &mut bool) -> bool {
    *matched = true;
    false
}

/// Index of the `k`-th future counting from `start` and wrapping around after
/// `count` (`start` and `k` are below `count`). A function rather than an
/// expanded `%`, so that lints on the caller's code (`clippy::modulo_one` for
/// a single future) do not fire.
#[inline]
pub fn nth_from(start: u32, k: u32, count: u32) -> u32 {
    (start + k) % count
}

/// The branch a `biased;` `select!` polls first: always the first one.
#[inline(always)]
pub fn biased_start(_count: u32) -> u32 {
    0
}

/// A pseudo-random number in `0..n` (`0` when `n` is `0`), from the thread's
/// generator, which the runtime seeds (`Builder::rng_seed`) while the thread
/// drives it. Not cryptographic: `select!` uses it to pick the branch it
/// polls first.
#[inline]
pub fn thread_rng_n(n: u32) -> u32 {
    // Inside a simulation, its seeded generator (`runtime::sim`).
    match runtime_core::spawn_hook::rng_n(n) {
        Some(k) => k,
        None => runtime_executor::thread_rng_n(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_rng_n_stays_in_range_and_covers_it() {
        assert_eq!(thread_rng_n(0), 0);
        assert_eq!(thread_rng_n(1), 0);
        let mut seen = [0u32; 7];
        for _ in 0..7_000 {
            let n = thread_rng_n(7);
            assert!(n < 7);
            seen[n as usize] += 1;
        }
        assert!(seen.iter().all(|&count| count > 500), "{seen:?}");
    }

    #[test]
    fn maybe_done_keeps_output_and_drops_future() {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let slot = pin!(Some(std::future::ready(Err::<u8, &str>("no"))));
        let mut done = MaybeDone::new(slot);
        assert!(done.poll_done(&mut cx));
        assert!(done.future.is_none());
        assert!(done.poll_done(&mut cx));
        assert_eq!(done.take_err(), Some("no"));
        assert_eq!(done.take_err(), None);
    }
}
