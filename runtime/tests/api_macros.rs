//! Tokio's macro forms: `pin!`, `join!`/`try_join!` with `biased;` and
//! empty, `select!` with only `else`, and the `crate` and `name` options of
//! `#[runtime::main]`/`#[runtime::test]`.
#![cfg(feature = "full")]

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use runtime::time::{sleep, Duration};

/// Logs its name on every poll; ready after `pending` pending polls.
struct Logged<'a, T> {
    name: &'static str,
    pending: u32,
    log: &'a RefCell<Vec<&'static str>>,
    output: Option<T>,
}

fn logged<'a, T>(
    name: &'static str,
    pending: u32,
    log: &'a RefCell<Vec<&'static str>>,
    output: T,
) -> Logged<'a, T> {
    Logged {
        name,
        pending,
        log,
        output: Some(output),
    }
}

impl<T: Unpin> Future for Logged<'_, T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.log.borrow_mut().push(self.name);
        if self.pending == 0 {
            Poll::Ready(self.output.take().expect("polled after completion"))
        } else {
            self.pending -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[runtime::test]
async fn pin_pins_existing_variables() {
    let a = async { 1 };
    let b = async { 2 };
    runtime::pin!(a, b);
    // Pinned: usable by reference, and again through `as_mut`.
    let a_ref: &mut Pin<&mut _> = &mut a;
    assert_eq!(a_ref.as_mut().await, 1);
    assert_eq!((&mut b).await, 2);

    // One variable, and a trailing comma.
    let c = async { 3 };
    runtime::pin!(c,);
    assert_eq!(c.await, 3);
    runtime::pin!();
}

#[runtime::test]
async fn pin_declares_and_pins() {
    runtime::pin! {
        let a = async { "a" };
        let b = sleep(Duration::from_millis(1));
    }
    assert_eq!(a.as_mut().await, "a");
    b.as_mut().await;
    assert!(b.is_elapsed());
    // `Sleep` methods that need a pinned `Sleep` work on it.
    b.as_mut().reset(runtime::time::Instant::now());
    b.await;

    runtime::pin! {}
    runtime::pin! { let only = async { 4 }; }
    assert_eq!(only.await, 4);
}

#[runtime::test(start_paused = true)]
async fn pin_keeps_progress_across_select_loop_iterations() {
    let deadline = sleep(Duration::from_millis(100));
    runtime::pin!(deadline);
    let mut ticks = 0;
    loop {
        runtime::select! {
            _ = sleep(Duration::from_millis(30)) => ticks += 1,
            _ = &mut deadline => break,
        }
    }
    assert_eq!(ticks, 3);
}

#[runtime::test]
async fn join_biased_polls_in_argument_order_every_time() {
    let log = RefCell::new(Vec::new());
    let out = runtime::join!(
        biased;
        logged("a", 2, &log, 1),
        logged("b", 2, &log, "two"),
        logged("c", 2, &log, 3.0),
    );
    assert_eq!(out, (1, "two", 3.0));
    assert_eq!(*log.borrow(), ["a", "b", "c", "a", "b", "c", "a", "b", "c"]);

    // Without `biased;` the first future polled rotates.
    let log = RefCell::new(Vec::new());
    runtime::join!(
        logged("a", 2, &log, ()),
        logged("b", 2, &log, ()),
        logged("c", 2, &log, ())
    );
    assert_eq!(log.borrow()[..6], ["a", "b", "c", "b", "c", "a"]);
}

#[runtime::test]
async fn join_biased_skips_completed_futures() {
    let log = RefCell::new(Vec::new());
    runtime::join!(biased; logged("a", 0, &log, ()), logged("b", 2, &log, ()));
    assert_eq!(*log.borrow(), ["a", "b", "b", "b"]);
}

#[runtime::test]
async fn join_biased_one_future_and_trailing_comma() {
    let (one,) = runtime::join!(biased; async { 1 },);
    assert_eq!(one, 1);
}

#[runtime::test]
async fn empty_join_and_try_join() {
    let unit: () = runtime::join!();
    let biased_unit: () = runtime::join!(biased;);
    assert_eq!((unit, biased_unit), ((), ()));

    let ok: Result<(), std::io::Error> = runtime::try_join!();
    assert!(ok.is_ok());
    let ok: Result<(), &str> = runtime::try_join!(biased;);
    assert_eq!(ok, Ok(()));
}

#[runtime::test]
async fn try_join_biased_returns_the_first_error_in_argument_order() {
    // Both fail on their second poll. Biased, `a` is polled first in that
    // round; rotating, `b` is.
    let log = RefCell::new(Vec::new());
    let got: Result<((), ()), &str> = runtime::try_join!(
        biased;
        async { Err::<(), _>(logged("a", 1, &log, "a failed").await) },
        async { Err::<(), _>(logged("b", 1, &log, "b failed").await) },
    );
    assert_eq!(got, Err("a failed"));
    assert_eq!(*log.borrow(), ["a", "b", "a"]);

    let log = RefCell::new(Vec::new());
    let got: Result<((), ()), &str> = runtime::try_join!(
        async { Err::<(), _>(logged("a", 1, &log, "a failed").await) },
        async { Err::<(), _>(logged("b", 1, &log, "b failed").await) },
    );
    assert_eq!(got, Err("b failed"));
}

#[runtime::test]
async fn try_join_biased_all_ok() {
    let log = RefCell::new(Vec::new());
    let got = runtime::try_join!(
        biased;
        async { Ok::<_, ()>(logged("a", 1, &log, 1).await) },
        async { Ok::<_, ()>(logged("b", 0, &log, 2).await) },
    );
    assert_eq!(got, Ok((1, 2)));
    assert_eq!(*log.borrow(), ["a", "b", "a"]);
}

#[runtime::test]
async fn select_with_only_else_is_the_else_value() {
    let v: i32 = runtime::select! { else => 1 };
    assert_eq!(v, 1);
    let v = runtime::select! { else => { 2 } };
    assert_eq!(v, 2);
    let v = runtime::select! { biased; else => 3, };
    assert_eq!(v, 3);
    // Nothing else is evaluated or polled; the value may borrow.
    let text = String::from("borrowed");
    let r: &str = runtime::select! { else => &text };
    assert_eq!(r, "borrowed");
}

#[runtime::test]
async fn select_with_only_else_can_return_and_break() {
    async fn early(stop: bool) -> u8 {
        if stop {
            runtime::select! { else => return 7 }
        }
        8
    }
    assert_eq!(early(true).await, 7);
    assert_eq!(early(false).await, 8);
    let mut n = 0;
    loop {
        n += 1;
        runtime::select! { else => if n == 3 { break } }
    }
    assert_eq!(n, 3);
}

/// A crate that re-exports the runtime, as a library built on it would.
mod reexport {
    pub use runtime as rt;
}

#[runtime::test(crate = "crate::reexport::rt")]
async fn crate_option_names_a_reexporting_path() {
    let got = crate::reexport::rt::spawn(async { 5 }).await.unwrap();
    assert_eq!(got, 5);
}

#[runtime::test(crate = "::runtime", name = "both-options")]
async fn crate_and_name_options_together() {
    assert_eq!(runtime::Handle::current().name(), Some("both-options"));
}

#[runtime::main(flavor = "current_thread", name = "blocking-entry")]
async fn named_entry(x: u32) -> (u32, Option<String>) {
    (x, runtime::Handle::current().name().map(String::from))
}

#[test]
fn main_name_option_names_the_runtime() {
    assert_eq!(named_entry(4), (4, Some("blocking-entry".to_string())));
    // The runtime is gone with the call; the thread is outside any runtime.
    assert!(runtime::Handle::try_current().is_err());
}

#[runtime::main(name = r"raw-name", worker_threads = 1)]
async fn named_multi_thread() -> Option<String> {
    runtime::spawn(async { runtime::Handle::current().name().map(String::from) })
        .await
        .unwrap()
}

#[test]
fn main_name_option_raw_string_multi_thread() {
    assert_eq!(named_multi_thread().as_deref(), Some("raw-name"));
}
