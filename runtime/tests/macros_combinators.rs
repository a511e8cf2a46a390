//! Behaviour of `runtime::join!`, `runtime::try_join!` and `runtime::select!`.
//!
//! Every test is deterministic: where a broken macro would otherwise hang
//! (a future that waits for a partner that is never polled), the waiting loop
//! is bounded and panics instead.
#![cfg(feature = "full")]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use runtime::task::yield_now;
use runtime::time::{sleep, Duration};

/// Sets its flag when dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn drop_flag() -> (DropFlag, Arc<AtomicBool>) {
    let flag = Arc::new(AtomicBool::new(false));
    (DropFlag(flag.clone()), flag)
}

/// Yields until `flag` is set, panicking if that takes an absurd number of
/// polls (the partner that sets it is evidently not being polled).
async fn wait_for(flag: &AtomicBool, what: &str) {
    for _ in 0..10_000 {
        if flag.load(Ordering::SeqCst) {
            return;
        }
        yield_now().await;
    }
    panic!("{what}: the other future never ran");
}

/// Never completes in a working test: yields (so it stays wakeable) up to
/// 1,000 times, then panics. Where a combinator wrongly waits for it, the test
/// fails instead of hanging.
async fn never<T>() -> T {
    for _ in 0..1_000 {
        yield_now().await;
    }
    panic!("a future that should have lost was polled to exhaustion");
}

/// Pending for `pending` polls (waking itself each time), then ready; logs
/// `id` on every poll.
struct Logged {
    id: usize,
    pending: usize,
    log: Rc<RefCell<Vec<usize>>>,
}

impl Future for Logged {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.log.borrow_mut().push(self.id);
        if self.pending == 0 {
            Poll::Ready(self.id)
        } else {
            self.pending -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

// ---------------------------------------------------------------- join!

#[runtime::test]
async fn join_three_futures_of_different_types() {
    let (a, b, c) = runtime::join!(async { 1u8 }, async { "two" }, async {
        yield_now().await;
        vec![3.0f64]
    });
    assert_eq!(a, 1u8);
    assert_eq!(b, "two");
    assert_eq!(c, vec![3.0]);
}

#[runtime::test]
async fn join_runs_futures_concurrently() {
    // Each future waits for a handoff from the other: run one after the
    // other, the first would wait forever (and `wait_for` panics).
    let a_ready = AtomicBool::new(false);
    let b_ready = AtomicBool::new(false);
    let (a, b) = runtime::join!(
        async {
            a_ready.store(true, Ordering::SeqCst);
            wait_for(&b_ready, "join! first future").await;
            'a'
        },
        async {
            wait_for(&a_ready, "join! second future").await;
            b_ready.store(true, Ordering::SeqCst);
            'b'
        },
    );
    assert_eq!((a, b), ('a', 'b'));
}

#[runtime::test]
async fn join_of_nothing_and_of_one_future() {
    let unit: () = runtime::join!();
    assert_eq!(unit, ());
    let one: (u32,) = runtime::join!(async { 7 });
    assert_eq!(one, (7,));
    let trailing: (u32, u32) = runtime::join!(async { 1 }, async { 2 },);
    assert_eq!(trailing, (1, 2));
}

#[runtime::test]
async fn join_rotates_the_future_polled_first() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mk = |id, pending| Logged {
        id,
        pending,
        log: log.clone(),
    };
    let out = runtime::join!(mk(0, 3), mk(1, 3), mk(2, 3));
    assert_eq!(out, (0, 1, 2));
    let log = log.borrow();
    // Four polls of three futures; the first one polled moves along.
    let firsts: Vec<usize> = log.chunks(3).map(|round| round[0]).collect();
    assert_eq!(firsts, [0, 1, 2, 0], "poll log: {log:?}");
    for round in log.chunks(3) {
        let mut sorted = round.to_vec();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            [0, 1, 2],
            "every future is polled each round: {log:?}"
        );
    }
}

#[runtime::test]
async fn join_creates_futures_in_order_before_polling_and_accepts_into_future() {
    let order = RefCell::new(Vec::new());
    let make = |name: &'static str| {
        order.borrow_mut().push(name);
        let order = &order;
        async move { order.borrow_mut().push("polled") }
    };
    let handle = runtime::spawn(async { 5 });
    let ((), (), joined) = runtime::join!(make("first"), make("second"), handle);
    assert_eq!(joined.unwrap(), 5);
    assert_eq!(order.borrow()[..2], ["first", "second"]);
}

#[runtime::test]
async fn join_of_sixty_four_futures() {
    let all = runtime::join!(
        async { 0u64 },
        async { 1u64 },
        async { 2u64 },
        async { 3u64 },
        async { 4u64 },
        async { 5u64 },
        async { 6u64 },
        async { 7u64 },
        async { 8u64 },
        async { 9u64 },
        async { 10u64 },
        async { 11u64 },
        async { 12u64 },
        async { 13u64 },
        async { 14u64 },
        async { 15u64 },
        async { 16u64 },
        async { 17u64 },
        async { 18u64 },
        async { 19u64 },
        async { 20u64 },
        async { 21u64 },
        async { 22u64 },
        async { 23u64 },
        async { 24u64 },
        async { 25u64 },
        async { 26u64 },
        async { 27u64 },
        async { 28u64 },
        async { 29u64 },
        async { 30u64 },
        async { 31u64 },
        async { 32u64 },
        async { 33u64 },
        async { 34u64 },
        async { 35u64 },
        async { 36u64 },
        async { 37u64 },
        async { 38u64 },
        async { 39u64 },
        async { 40u64 },
        async { 41u64 },
        async { 42u64 },
        async { 43u64 },
        async { 44u64 },
        async { 45u64 },
        async { 46u64 },
        async { 47u64 },
        async { 48u64 },
        async { 49u64 },
        async { 50u64 },
        async { 51u64 },
        async { 52u64 },
        async { 53u64 },
        async { 54u64 },
        async { 55u64 },
        async { 56u64 },
        async { 57u64 },
        async { 58u64 },
        async { 59u64 },
        async { 60u64 },
        async { 61u64 },
        async { 62u64 },
        async { 63u64 }
    );
    assert_eq!(all.0, 0);
    assert_eq!(all.31, 31);
    assert_eq!(all.63, 63);
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_spawned_handles_on_multi_thread() {
    let (a, b) = runtime::join!(runtime::spawn(async { 1 }), runtime::spawn(async { 2 }));
    assert_eq!((a.unwrap(), b.unwrap()), (1, 2));
}

// ------------------------------------------------------------ try_join!

#[runtime::test]
async fn try_join_all_ok() {
    let res: Result<(u8, &str, ()), String> = runtime::try_join!(
        async { Ok(1u8) },
        async {
            yield_now().await;
            Ok("x")
        },
        async { Ok(()) },
    );
    assert_eq!(res, Ok((1, "x", ())));

    let empty: Result<(), String> = runtime::try_join!();
    assert_eq!(empty, Ok(()));
}

#[runtime::test]
async fn try_join_short_circuits_on_first_err_and_drops_the_rest() {
    let (guard, dropped) = drop_flag();
    let polls = AtomicUsize::new(0);
    let res: Result<(u32, u32), &str> = runtime::try_join!(
        async {
            let _guard = guard;
            // Never finishes on its own: a `try_join!` that waited for it
            // would reach the panic.
            for _ in 0..1_000 {
                polls.fetch_add(1, Ordering::SeqCst);
                yield_now().await;
            }
            panic!("try_join! kept polling after an error");
        },
        async {
            yield_now().await;
            yield_now().await;
            Err("boom")
        },
    );
    assert_eq!(res, Err("boom"));
    assert!(
        dropped.load(Ordering::SeqCst),
        "the other future was not dropped"
    );
    assert!(
        polls.load(Ordering::SeqCst) >= 1,
        "the other future never ran"
    );
}

#[runtime::test]
async fn try_join_err_that_is_ready_at_once() {
    let res: Result<((), ()), u8> = runtime::try_join!(never::<Result<(), u8>>(), async { Err(3) });
    assert_eq!(res, Err(3));
}

// -------------------------------------------------------------- select!

#[runtime::test]
async fn select_picks_the_ready_branch() {
    for _ in 0..50 {
        let got = runtime::select! {
            _ = never::<()>() => "pending",
            v = async { 5 } => if v == 5 { "ready" } else { "wrong value" },
            _ = never::<u8>() => "pending too",
        };
        assert_eq!(got, "ready");
    }
}

#[runtime::test]
async fn select_picks_the_branch_that_completes_first() {
    let got = runtime::select! {
        v = async {
            for _ in 0..5 {
                yield_now().await;
            }
            1
        } => v,
        v = async {
            yield_now().await;
            2
        } => v,
    };
    assert_eq!(got, 2);
}

#[runtime::test]
async fn select_biased_always_picks_the_first_ready_branch() {
    for _ in 0..100 {
        let got = runtime::select! {
            biased;
            _ = never::<()>() => 99,
            v = async { 0 } => v,
            v = async { 1 } => v,
            v = async { 2 } => v,
        };
        assert_eq!(got, 0);
    }
}

#[runtime::test]
async fn select_unbiased_spreads_the_choice() {
    let mut counts = [0u32; 2];
    for _ in 0..1_000 {
        let branch = runtime::select! {
            _ = async {} => 0,
            _ = async {} => 1,
        };
        counts[branch] += 1;
    }
    assert!(counts[0] >= 100 && counts[1] >= 100, "{counts:?}");
}

#[runtime::test]
async fn select_pattern_mismatch_disables_the_branch() {
    for _ in 0..20 {
        let polled_after_mismatch = Cell::new(false);
        let got = runtime::select! {
            Some(v) = async { None::<i32> } => v,
            v = async {
                yield_now().await;
                polled_after_mismatch.set(true);
                7
            } => v,
        };
        assert_eq!(got, 7);
        assert!(polled_after_mismatch.get());
    }
    // The same with `biased;`, so the mismatching branch is certainly
    // polled first.
    let got = runtime::select! {
        biased;
        Some(v) = async { None::<i32> } => v,
        Ok(v) = async { Err::<i32, ()>(()) } => v,
        v = async { 8 } => v,
    };
    assert_eq!(got, 8);
}

#[derive(Debug, PartialEq)]
enum Msg {
    Data { id: u32, body: String },
    Stop,
}

#[runtime::test]
async fn select_accepts_any_pattern_with_the_usual_binding_modes() {
    // `mut` binding of a non-`Copy` value.
    let got = runtime::select! {
        Some(mut s) = async { Some(String::from("a")) } => {
            s.push('b');
            s
        }
    };
    assert_eq!(got, "ab");

    // Struct pattern with a range, `mut` field binding, and a refutable
    // literal pattern that does not match (so it is disabled).
    let got = runtime::select! {
        biased;
        Msg::Data { id: 1..=3, mut body } = async {
            Msg::Data { id: 9, body: String::from("too big") }
        } => {
            body.push('!');
            body
        }
        Msg::Data { id, mut body } = async {
            yield_now().await;
            Msg::Data { id: 2, body: String::from("b") }
        } => {
            body.push_str(&id.to_string());
            body
        }
        m @ Msg::Stop = async { Msg::Stop }, if false => format!("{m:?}"),
    };
    assert_eq!(got, "b2");

    // `ref`, `&`, or-patterns and `@` bindings.
    let got = runtime::select! { ref r = async { String::from("r") } => r.clone() };
    assert_eq!(got, "r");
    let got = runtime::select! { Some(&x) = async { Some(&6u8) } => x };
    assert_eq!(got, 6);
    let got = runtime::select! { Ok(v) | Err(v) = async { Err::<u8, u8>(7) } => v };
    assert_eq!(got, 7);
    let got = runtime::select! { all @ (mut x, _) = async { (1, 2) } => { x += 10; (x, all) } };
    assert_eq!(got, (11, (1, 2)));
}

#[runtime::test]
async fn select_mut_and_ref_mut_bindings_are_used_as_written() {
    // `mut` on a binding that the handler reassigns.
    let got = runtime::select! {
        Some(mut foo) = async { Some(String::from("1")) } => {
            assert_eq!(foo, "1");
            foo = String::from("2");
            foo
        }
    };
    assert_eq!(got, "2");

    // `ref mut`: the handler mutates the output in place through the binding,
    // which needs the output to sit in a mutable place.
    let got = runtime::select! {
        Some(ref mut foo) = async { Some(String::from("1")) } => {
            *foo = String::from("2");
            foo.push('3');
            foo.clone()
        },
    };
    assert_eq!(got, "23");
    let got = runtime::select! {
        biased;
        (ref mut a, ref b) = async { (1u32, 2u32) } => { *a += *b; *a }
    };
    assert_eq!(got, 3);

    // `mut` on the whole output, polled through `&mut`.
    let ready = std::pin::pin!(async { 1u32 });
    let got = runtime::select! { mut a = ready => { a += 1; a } };
    assert_eq!(got, 2);
}

#[runtime::test]
async fn select_precondition_false_skips_branch_without_evaluating_it() {
    let created = Cell::new(0);
    let make = |v: u32| {
        created.set(created.get() + 1);
        async move { v }
    };
    for _ in 0..20 {
        let got = runtime::select! {
            v = make(1), if false => v,
            v = async {
                yield_now().await;
                2
            } => v,
        };
        assert_eq!(got, 2);
    }
    assert_eq!(created.get(), 0, "a disabled branch's future was created");

    let enabled = true;
    let got = runtime::select! {
        biased;
        v = make(3), if enabled => v,
        v = async { 4 } => v,
    };
    assert_eq!(got, 3);
    assert_eq!(created.get(), 1);
}

#[runtime::test]
async fn select_evaluates_preconditions_then_futures_in_order() {
    let log = RefCell::new(Vec::new());
    let cond = |name: &'static str| {
        log.borrow_mut().push(name);
        true
    };
    let fut = |name: &'static str| {
        log.borrow_mut().push(name);
        async {}
    };
    runtime::select! {
        biased;
        _ = fut("fut 0"), if cond("cond 0") => {}
        _ = fut("fut 1"), if cond("cond 1") => {}
        _ = fut("fut 2") => {}
    }
    assert_eq!(
        *log.borrow(),
        ["cond 0", "cond 1", "fut 0", "fut 1", "fut 2"]
    );
}

#[runtime::test]
async fn select_else_runs_when_all_branches_are_disabled() {
    let got = runtime::select! {
        _ = async {}, if false => 1,
        Some(v) = async { None::<i32> } => v,
        else => 2,
    };
    assert_eq!(got, 2);

    // `else` may also come first, and a block needs no comma.
    let got = runtime::select! {
        else => { 3 }
        v = async { 4 }, if false => v
    };
    assert_eq!(got, 3);
}

#[runtime::test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
async fn select_without_else_panics_when_all_branches_are_disabled() {
    let _: i32 = runtime::select! {
        Some(v) = async { None::<i32> } => v,
        v = async { 1 }, if false => v,
    };
}

#[runtime::test]
async fn select_handler_break_and_continue_act_on_the_enclosing_loop() {
    let mut seen = Vec::new();
    let mut n = 0;
    loop {
        n += 1;
        runtime::select! {
            biased;
            _ = async {}, if n % 2 == 0 => continue,
            v = async { n } => {
                if v > 7 {
                    break;
                }
                seen.push(v);
            }
        }
        seen.push(0);
    }
    assert_eq!(seen, [1, 0, 3, 0, 5, 0, 7, 0]);

    // `break` with a value, from an expression handler.
    let mut i = 0;
    let found = loop {
        i += 1;
        runtime::select! {
            v = async { i * 10 }, if i == 3 => break v,
            _ = async {}, if i != 3 => {}
        }
    };
    assert_eq!(found, 30);
}

async fn early_return(fail: bool) -> Result<&'static str, &'static str> {
    runtime::select! {
        r = async { if fail { Err("failed") } else { Ok(()) } } => r?,
    }
    runtime::select! {
        _ = async {} => return Ok("returned"),
    }
    #[allow(unreachable_code)]
    Ok("fell through")
}

#[runtime::test]
async fn select_handler_return_and_question_mark_leave_the_function() {
    assert_eq!(early_return(false).await, Ok("returned"));
    assert_eq!(early_return(true).await, Err("failed"));
}

#[runtime::test]
async fn select_drops_losing_futures_before_the_handler_runs() {
    let (guard, dropped) = drop_flag();
    let mut borrowed = 0;
    let got = runtime::select! {
        _ = async {
            let _guard = guard;
            never::<()>().await;
        } => unreachable!(),
        v = async {
            borrowed += 1;
            borrowed
        } => {
            // The future above was dropped and the borrow of `borrowed` by
            // this branch's future has ended: the handler may use it.
            assert!(dropped.load(Ordering::SeqCst), "losing branch still alive");
            borrowed += 10;
            v
        }
    };
    assert_eq!((got, borrowed), (1, 11));
    assert!(dropped.load(Ordering::SeqCst));
}

#[runtime::test]
async fn select_on_a_pinned_future_across_loop_iterations() {
    let done = AtomicBool::new(false);
    let long = async {
        for _ in 0..3 {
            yield_now().await;
        }
        done.store(true, Ordering::SeqCst);
        "long"
    };
    let mut long = std::pin::pin!(long);
    let mut short_wins = 0;
    let winner = loop {
        runtime::select! {
            biased;
            v = &mut long => break v,
            _ = async {} => short_wins += 1,
        }
    };
    assert_eq!(winner, "long");
    assert!(done.load(Ordering::SeqCst));
    assert_eq!(short_wins, 3);
}

#[runtime::test]
async fn select_with_sixty_four_branches() {
    for pick in [0u32, 31, 63] {
        let got = runtime::select! {
            v = async { 0u32 }, if pick == 0 => v,
            v = async { 1u32 }, if pick == 1 => v,
            v = async { 2u32 }, if pick == 2 => v,
            v = async { 3u32 }, if pick == 3 => v,
            v = async { 4u32 }, if pick == 4 => v,
            v = async { 5u32 }, if pick == 5 => v,
            v = async { 6u32 }, if pick == 6 => v,
            v = async { 7u32 }, if pick == 7 => v,
            v = async { 8u32 }, if pick == 8 => v,
            v = async { 9u32 }, if pick == 9 => v,
            v = async { 10u32 }, if pick == 10 => v,
            v = async { 11u32 }, if pick == 11 => v,
            v = async { 12u32 }, if pick == 12 => v,
            v = async { 13u32 }, if pick == 13 => v,
            v = async { 14u32 }, if pick == 14 => v,
            v = async { 15u32 }, if pick == 15 => v,
            v = async { 16u32 }, if pick == 16 => v,
            v = async { 17u32 }, if pick == 17 => v,
            v = async { 18u32 }, if pick == 18 => v,
            v = async { 19u32 }, if pick == 19 => v,
            v = async { 20u32 }, if pick == 20 => v,
            v = async { 21u32 }, if pick == 21 => v,
            v = async { 22u32 }, if pick == 22 => v,
            v = async { 23u32 }, if pick == 23 => v,
            v = async { 24u32 }, if pick == 24 => v,
            v = async { 25u32 }, if pick == 25 => v,
            v = async { 26u32 }, if pick == 26 => v,
            v = async { 27u32 }, if pick == 27 => v,
            v = async { 28u32 }, if pick == 28 => v,
            v = async { 29u32 }, if pick == 29 => v,
            v = async { 30u32 }, if pick == 30 => v,
            v = async { 31u32 }, if pick == 31 => v,
            v = async { 32u32 }, if pick == 32 => v,
            v = async { 33u32 }, if pick == 33 => v,
            v = async { 34u32 }, if pick == 34 => v,
            v = async { 35u32 }, if pick == 35 => v,
            v = async { 36u32 }, if pick == 36 => v,
            v = async { 37u32 }, if pick == 37 => v,
            v = async { 38u32 }, if pick == 38 => v,
            v = async { 39u32 }, if pick == 39 => v,
            v = async { 40u32 }, if pick == 40 => v,
            v = async { 41u32 }, if pick == 41 => v,
            v = async { 42u32 }, if pick == 42 => v,
            v = async { 43u32 }, if pick == 43 => v,
            v = async { 44u32 }, if pick == 44 => v,
            v = async { 45u32 }, if pick == 45 => v,
            v = async { 46u32 }, if pick == 46 => v,
            v = async { 47u32 }, if pick == 47 => v,
            v = async { 48u32 }, if pick == 48 => v,
            v = async { 49u32 }, if pick == 49 => v,
            v = async { 50u32 }, if pick == 50 => v,
            v = async { 51u32 }, if pick == 51 => v,
            v = async { 52u32 }, if pick == 52 => v,
            v = async { 53u32 }, if pick == 53 => v,
            v = async { 54u32 }, if pick == 54 => v,
            v = async { 55u32 }, if pick == 55 => v,
            v = async { 56u32 }, if pick == 56 => v,
            v = async { 57u32 }, if pick == 57 => v,
            v = async { 58u32 }, if pick == 58 => v,
            v = async { 59u32 }, if pick == 59 => v,
            v = async { 60u32 }, if pick == 60 => v,
            v = async { 61u32 }, if pick == 61 => v,
            v = async { 62u32 }, if pick == 62 => v,
            v = async { 63u32 }, if pick == 63 => v,
        };
        assert_eq!(got, pick);
    }
}

#[runtime::test]
async fn select_binding_named_biased() {
    let got = runtime::select! {
        biased = async { 1 } => biased + 1,
    };
    assert_eq!(got, 2);
}

async fn sleep_as_timeout() {
    // The sleep wins against a future that never completes...
    let got = runtime::select! {
        _ = std::future::pending::<()>() => "never",
        _ = sleep(Duration::from_millis(10)) => "timed out",
    };
    assert_eq!(got, "timed out");

    // ...and loses against a spawned task that completes, however long it
    // takes to be scheduled.
    let task = runtime::spawn(async {
        yield_now().await;
        41 + 1
    });
    let got = runtime::select! {
        res = task => res.unwrap(),
        _ = sleep(Duration::from_secs(3600)) => 0,
    };
    assert_eq!(got, 42);
}

#[runtime::test]
async fn select_sleep_timeout_current_thread() {
    sleep_as_timeout().await;
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_sleep_timeout_multi_thread() {
    sleep_as_timeout().await;
}
