//! The combinator macros [`join!`](crate::join), [`try_join!`](crate::try_join)
//! and [`select!`](crate::select).
//!
//! All three are `macro_rules!` macros that run their futures concurrently on
//! the *current* task: nothing is spawned and nothing is boxed. They expand to
//! a block that must sit inside an `async` context, because it ends in an
//! `.await` on a [`poll_fn`](std::future::poll_fn).
//!
//! # Expansion
//!
//! **Numbering.** Each public macro hands its input to a hidden helper
//! (`__join_impl!` / `__select_parse!`) together with a fixed list of 64
//! `(index Variant)` pairs, `(0 B0) (1 B1) … (63 B63)`. The helper is a
//! tt-muncher that recurses once per future/branch and pairs it with the next
//! entry of that list, so every future gets an integer literal (used in
//! `match` arms and bit masks) and an identifier (used as an enum variant).
//! Running out of pairs is the "at most 64" compile error.
//!
//! **One local per future, no `unsafe`.** Each recursion step also emits the
//! identifier `__fut` next to the future it consumed. Identifiers written by a
//! `macro_rules!` transcriber are hygienic per expansion, so the 64 `__fut`s
//! written by 64 different steps are 64 *different* local variables once the
//! final rule declares them. Each is a stack slot
//!
//! ```text
//! let __fut = Some(future_expression);        // temporaries in it are extended
//! let __fut = core::pin::pin!(into_future(__fut)); // Pin<&mut Option<F>>
//! ```
//!
//! `Option::as_pin_mut` reaches the pinned future and `Pin::set(None)` drops it
//! in place, both safe, so no pin projection is ever written by hand. The
//! slots live in a block that closes right after the `.await`, so every future
//! that is still around is dropped as soon as the macro's result is known.
//! (The expression is evaluated directly inside `Some(..)` in a `let`, not as
//! an argument of `into_future`, so that temporary lifetime extension keeps
//! the temporaries of `&mut make_future()` alive as long as the slot.)
//!
//! **`join!` / `try_join!`.** Every slot is wrapped in a `MaybeDone` (the
//! borrowed slot plus an `Option` for the output). The `poll_fn` closure polls
//! every unfinished future, starting from a position that advances by one on
//! each poll, so no future is always polled first: one that spends the task's
//! cooperative budget cannot keep the ones after it from ever making progress
//! (their resources would always find the budget spent). When all are
//! done it returns the tuple of outputs. `try_join!` returns `Err(e)` as soon
//! as one future completes with `Err(e)`; leaving the block then drops the
//! other futures.
//!
//! **`select!`.** The expansion has two halves:
//!
//! ```text
//! {
//!     enum __Out<B0, B1, …> { B0(B0), B1(B1), …, Disabled }
//!     let __out = {
//!         let mut __disabled: u64 = 0;          // bit i: branch i is off
//!         // preconditions, in order; a false one sets its bit
//!         // futures, in order, only for branches still on:
//!         let __fut = if on { Some(fut) } else { None };
//!         let __fut = pin!(into_future(__fut));
//!         poll_fn(|cx| {
//!             // start at a random branch (`biased;`: at branch 0), poll every
//!             // branch that is on; when branch i completes, check its output
//!             // against the branch's pattern (see below):
//!             //   matches   -> return Ready(__Out::Bi(output))
//!             //   otherwise -> set bit i and keep polling the others
//!             // all bits set -> Ready(__Out::Disabled)
//!         }).await
//!     }; // <- all branch futures are dropped here
//!     match __out {
//!         __Out::B0(pattern0) => handler0,
//!         __Out::B1(pattern1) => handler1,
//!         __Out::Disabled => else_branch_or_panic,
//!         _ => unreachable,  // a refutable pattern that did not match
//!     }
//! }
//! ```
//!
//! The handlers run in the final `match`, outside any closure or loop of the
//! expansion, so `return`, `?`, `break` and `continue` in a handler act on the
//! function and loops around the `select!`. The futures are dropped before a
//! handler runs, so a handler may use whatever the futures borrowed (say, the
//! receiver whose `recv()` was a branch).
//!
//! The pattern test inside the closure must not consume the output, which
//! still has to reach the final `match`. Matching against `&output` would
//! change the binding mode and reject `Some(mut v)` with a non-`Copy` `v`
//! (and, in edition 2024, `mut`/`ref`/`&` under a reference). Instead the
//! output is matched *by value* with an always-failing guard:
//!
//! ```text
//! let mut matched = false;
//! match output {
//!     pattern if mark_matched(&mut matched) /* sets it, returns false */ => unreachable,
//!     _ => {}
//! }
//! ```
//!
//! A guard sees by-value bindings through shared references and the arm is
//! never entered, so nothing moves, and the pattern is checked exactly as the
//! user wrote it, in the same binding mode as in the final `match`.
//! Both the output in the closure and `__out` are `mut` locals, so that a
//! `ref mut` binding (`Some(ref mut v) = fut => *v += 1`) can borrow them
//! mutably, in the test as in the final `match`.
//!
//! **Errors.** `select! {}` (no branch at all) is a `compile_error!`; a
//! `select!` with only an `else` branch is that branch's expression, as in
//! Tokio.
//! The remaining tokens of a malformed branch are re-matched against a helper
//! macro that only knows the branch grammar, and `biased` followed by anything
//! but `;` (or the `=`, `@`, `|` of a pattern named `biased`) goes to a helper
//! that only accepts `;`. Either way rustc points at the exact offending token
//! with "no rules expected …" and notes the token it wanted.

pub mod support;

/// Pins values on the stack, shadowing each named variable with a
/// [`Pin<&mut T>`](std::pin::Pin) to its value, as Tokio's `pin!`.
///
/// Two forms: `pin!(a, b)` pins existing local variables (moving each into
/// the macro's own slot, so the original can no longer be reached unpinned),
/// and `pin! { let a = expr; let b = expr; }` declares and pins in one go.
/// The variables are `mut`, so `a.as_mut()` works. Written without `unsafe`:
/// it expands to [`std::pin::pin!`].
///
/// Pinning is what lets a future be polled by reference, for instance
/// `&mut fut` in a [`select!`](crate::select) loop, without boxing it.
///
/// ```
/// use runtime::time::{sleep, Duration};
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let deadline = sleep(Duration::from_secs(1));
///     let work = async { 42 };
///     runtime::pin!(deadline, work);
///     runtime::select! {
///         v = &mut work => assert_eq!(v, 42),
///         _ = &mut deadline => unreachable!(),
///     }
///
///     runtime::pin! {
///         let a = async { 1 };
///         let b = async { 2 };
///     }
///     assert_eq!(a.as_mut().await + b.await, 3);
/// }
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => { $(
        // `mut`, so that `$x.as_mut()` works; the value moves into the
        // pinned slot, and the shadowing makes the unpinned one unreachable.
        #[allow(unused_mut)]
        let mut $x = $crate::__private::pin!($x);
    )* };
    ($(let $x:ident = $init:expr;)*) => { $(
        let $x = $init;
        $crate::pin!($x);
    )* };
}

/// Waits on multiple concurrent futures, returning when **all** of them
/// complete, as a tuple of their outputs in argument order.
///
/// The futures run concurrently on the *current* task: for parallelism,
/// [`spawn`](crate::spawn) them and join the handles. Every poll of the
/// `join!` polls each unfinished future, starting with a different one each
/// time (rotating), so a future that spends the task's cooperative budget
/// cannot starve the ones after it.
///
/// The argument expressions are evaluated (the futures are created) in order
/// before any is polled; anything that implements
/// [`IntoFuture`](std::future::IntoFuture) is accepted. `join!()` is `()` and
/// `join!(f)` is a 1-tuple. At most 64 futures; a trailing comma is fine. Must
/// be used inside an `async` function, block or closure.
///
/// With `biased;` before the futures, every poll polls them in argument
/// order, first to last, as Tokio's `biased;` does: cheaper, and it lets you
/// prioritise, but a first future that always spends the budget then starves
/// the others.
///
/// ```
/// use runtime::time::{sleep, Duration};
///
/// async fn number() -> u32 {
///     sleep(Duration::from_millis(5)).await;
///     42
/// }
///
/// async fn word() -> &'static str {
///     runtime::task::yield_now().await;
///     "hello"
/// }
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let (n, w, unit) = runtime::join!(number(), word(), async {});
///     assert_eq!((n, w, unit), (42, "hello", ()));
///
///     // `biased;`: polled in order, so the first future runs first.
///     let order = std::cell::RefCell::new(Vec::new());
///     let step = |name| {
///         let order = &order;
///         async move { order.borrow_mut().push(name) }
///     };
///     runtime::join!(biased; step("a"), step("b"), step("c"));
///     assert_eq!(*order.borrow(), ["a", "b", "c"]);
/// }
/// ```
#[macro_export]
macro_rules! join {
    () => {
        async {}.await
    };
    (biased;) => {
        async {}.await
    };
    (biased; $($future:expr),+ $(,)?) => {
        $crate::__join_impl!(@start join 0 $($future,)+)
    };
    ($($future:expr),+ $(,)?) => {
        $crate::__join_impl!(@start join 1 $($future,)+)
    };
}

/// Waits on multiple concurrent fallible futures, returning `Ok` with a tuple
/// of their values when **all** complete with `Ok`, or the first `Err` as soon
/// as any completes with one.
///
/// Every future must return `Result<_, E>` with the same error type `E`; the
/// macro evaluates to `Result<(T1, T2, …), E>`. On the first error the other
/// futures are dropped (cancelled) before `try_join!` returns. Otherwise it
/// behaves like [`join!`](crate::join): the futures run concurrently on the
/// current task, the first future polled rotates (unless `biased;` comes
/// first: then they are polled in argument order), at most 64 futures.
/// `try_join!()` is `Ok(())`.
///
/// ```
/// async fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
///     runtime::task::yield_now().await;
///     s.parse()
/// }
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let ok = runtime::try_join!(parse("1"), parse("2"));
///     assert_eq!(ok, Ok((1, 2)));
///
///     let err = runtime::try_join!(parse("1"), parse("two"), parse("3"));
///     assert!(err.is_err());
///
///     let biased = runtime::try_join!(biased; parse("3"), parse("4"));
///     assert_eq!(biased, Ok((3, 4)));
/// }
/// ```
#[macro_export]
macro_rules! try_join {
    () => {
        async { $crate::__private::Ok(()) }.await
    };
    (biased;) => {
        async { $crate::__private::Ok(()) }.await
    };
    (biased; $($future:expr),+ $(,)?) => {
        $crate::__join_impl!(@start try 0 $($future,)+)
    };
    ($($future:expr),+ $(,)?) => {
        $crate::__join_impl!(@start try 1 $($future,)+)
    };
}

/// Implementation of `join!` and `try_join!`; see the module docs.
#[doc(hidden)]
#[macro_export]
macro_rules! __join_impl {
    // The entry point: attaches the fixed list of 64 `(index Variant)` pairs
    // (kept here only) and starts pairing.
    (@start $mode:ident $step:tt $($future:expr,)+) => {
        $crate::__join_impl!(@pair $mode $step [] [
            (0 B0) (1 B1) (2 B2) (3 B3) (4 B4) (5 B5) (6 B6) (7 B7)
            (8 B8) (9 B9) (10 B10) (11 B11) (12 B12) (13 B13) (14 B14) (15 B15)
            (16 B16) (17 B17) (18 B18) (19 B19) (20 B20) (21 B21) (22 B22) (23 B23)
            (24 B24) (25 B25) (26 B26) (27 B27) (28 B28) (29 B29) (30 B30) (31 B31)
            (32 B32) (33 B33) (34 B34) (35 B35) (36 B36) (37 B37) (38 B38) (39 B39)
            (40 B40) (41 B41) (42 B42) (43 B43) (44 B44) (45 B45) (46 B46) (47 B47)
            (48 B48) (49 B49) (50 B50) (51 B51) (52 B52) (53 B53) (54 B54) (55 B55)
            (56 B56) (57 B57) (58 B58) (59 B59) (60 B60) (61 B61) (62 B62) (63 B63)
        ] $($future,)+)
    };
    // Pair the next future with the next `(index Variant)` and a fresh
    // (hygienic) `__fut` identifier. `$step` is how far the first future
    // polled moves on each poll: 1 rotates, 0 (`biased;`) always starts at
    // the first future.
    (@pair $mode:ident $step:tt [$($done:tt)*] [($i:tt $v:ident) $($pairs:tt)*] $future:expr, $($rest:tt)*) => {
        $crate::__join_impl!(@pair $mode $step [$($done)* ($i __fut $future)] [$($pairs)*] $($rest)*)
    };
    (@pair $mode:ident $step:tt [$($done:tt)*] [] $($rest:tt)+) => {
        ::core::compile_error!("join!/try_join! supports at most 64 futures")
    };
    (@pair $mode:ident $step:tt [$(($i:tt $fut:ident $future:expr))+] [$($pairs:tt)*]) => {{
        $(
            // `Some($future)` directly in the `let` so that temporaries in
            // the expression (`&mut make_future()`) live as long as the slot.
            let $fut = $crate::__private::Some($future);
            let $fut = $crate::__private::pin!($crate::__private::into_future($fut));
            let mut $fut = $crate::__private::MaybeDone::new($fut);
        )+
        let mut __first: u32 = 0;
        $crate::__private::poll_fn(|__cx: &mut $crate::__private::Context<'_>| {
            const __COUNT: u32 = [$($i),+].len() as u32;
            let __start = __first;
            __first = $crate::__private::nth_from(__first, $step, __COUNT);
            let mut __pending = false;
            for __k in 0..__COUNT {
                match $crate::__private::nth_from(__start, __k, __COUNT) {
                    $(
                        $i => {
                            if $fut.poll_done(__cx) {
                                $crate::__join_impl!(@on_done $mode $fut);
                            } else {
                                __pending = true;
                            }
                        }
                    )+
                    _ => $crate::__private::unreachable_branch(),
                }
            }
            if __pending {
                $crate::__private::Poll::Pending
            } else {
                $crate::__private::Poll::Ready($crate::__join_impl!(@output $mode $($fut)+))
            }
        })
        .await
    }};
    (@on_done join $fut:ident) => {};
    (@on_done try $fut:ident) => {
        if let $crate::__private::Some(__e) = $fut.take_err() {
            return $crate::__private::Poll::Ready($crate::__private::Err(__e));
        }
    };
    (@output join $($fut:ident)+) => {
        ($($fut.take_output(),)+)
    };
    (@output try $($fut:ident)+) => {
        $crate::__private::Ok(($($fut.take_ok(),)+))
    };
}

/// Waits on multiple concurrent branches, returning when the **first** branch
/// completes (with an output that matches its pattern), cancelling the rest.
///
/// ```text
/// select! {
///     [biased;]
///     <pattern> = <async expression> [, if <precondition>] => <handler>,
///     …
///     [else => <expression>]
/// }
/// ```
///
/// How a `select!` runs:
///
/// 1. Every `<precondition>` is evaluated, in order. A branch whose
///    precondition is `false` is disabled.
/// 2. The `<async expression>`s of the enabled branches are evaluated, in
///    order, and turned into futures ([`IntoFuture`](std::future::IntoFuture)).
///    **Unlike Tokio**, which evaluates the expression of a disabled branch
///    and merely never polls it, a disabled branch's expression is not
///    evaluated at all, so `x = f(opt.unwrap()), if opt.is_some()` is fine.
/// 3. The enabled futures are polled concurrently on the current task. Each
///    poll starts at a randomly chosen branch, so no branch is favoured (the
///    generator is seeded by the runtime's
///    [`Builder::rng_seed`](crate::runtime::Builder::rng_seed), for
///    reproducible runs); with `biased;` as the first token they are polled in order, top to bottom
///    (cheaper, and lets you prioritise, but an always-ready first branch then
///    starves the others).
/// 4. When a future completes, its output is matched against `<pattern>`. If
///    it matches, all futures are dropped and `<handler>` is evaluated with the
///    pattern's bindings; its value is the value of the `select!`. If it does
///    not match (say `Some(v) = rx.recv()` got `None`), that branch is disabled
///    and the others keep running.
/// 5. Once every branch is disabled, the `else` expression is evaluated, or
///    without `else` the `select!` panics with "all branches are disabled and
///    there is no else branch".
///
/// Handlers are plain code in the enclosing function: `return`, `?`, `break`
/// and `continue` work as usual. A handler that is a block needs no trailing
/// comma. At most 64 branches. A `select!` with only an `else` branch is the
/// `else` expression (nothing is polled); one with no branch at all does not
/// compile.
///
/// # Cancellation
///
/// The branches that lose are dropped mid-flight. To keep progress across
/// loop iterations, pin a future outside the loop and select on `&mut fut`;
/// only use futures that are *cancel safe* (lose nothing when dropped) as
/// branches that are recreated every iteration.
///
/// ```
/// use runtime::time::{sleep, Duration};
///
/// #[runtime::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let mut ticks = 0;
///     let deadline = sleep(Duration::from_secs(1));
///     let mut deadline = std::pin::pin!(deadline);
///     let reason = loop {
///         runtime::select! {
///             _ = sleep(Duration::from_millis(300)) => ticks += 1,
///             _ = &mut deadline => break "deadline",
///         }
///     };
///     assert_eq!((ticks, reason), (3, "deadline"));
///
///     // A pattern that does not match disables its branch; `else` runs once
///     // every branch is disabled.
///     let none = async { None::<u32> };
///     let picked = runtime::select! {
///         biased;
///         Some(v) = none => v,
///         v = async { 7 }, if ticks > 100 => v,
///         else => 0,
///     };
///     assert_eq!(picked, 0);
///
///     // Only `else`: its value, at once.
///     let only_else: u32 = runtime::select! { else => 5 };
///     assert_eq!(only_else, 5);
/// }
/// ```
#[macro_export]
macro_rules! select {
    (biased; $($tokens:tt)*) => {
        $crate::__select_parse!(@parse $crate::__private::biased_start; $($tokens)*)
    };
    // A first branch whose pattern starts with an identifier, which may be
    // `biased` as an ordinary binding (`biased = fut => …`).
    ($first:ident = $($tokens:tt)*) => {
        $crate::__select_parse!(@parse $crate::__private::thread_rng_n; $first = $($tokens)*)
    };
    ($first:ident @ $($tokens:tt)*) => {
        $crate::__select_parse!(@parse $crate::__private::thread_rng_n; $first @ $($tokens)*)
    };
    ($first:ident | $($tokens:tt)*) => {
        $crate::__select_parse!(@parse $crate::__private::thread_rng_n; $first | $($tokens)*)
    };
    (biased $wrong:tt $($tokens:tt)*) => {
        $crate::__select_expect_semicolon_after_biased!($wrong)
    };
    ($($tokens:tt)*) => {
        $crate::__select_parse!(@parse $crate::__private::thread_rng_n; $($tokens)*)
    };
}

/// Parser of `select!`: normalises the branches; see the module docs.
#[doc(hidden)]
#[macro_export]
macro_rules! __select_parse {
    (@parse $start:path; $($tokens:tt)*) => {
        $crate::__select_parse!(@munch $start; [] [] [
            (0 B0) (1 B1) (2 B2) (3 B3) (4 B4) (5 B5) (6 B6) (7 B7)
            (8 B8) (9 B9) (10 B10) (11 B11) (12 B12) (13 B13) (14 B14) (15 B15)
            (16 B16) (17 B17) (18 B18) (19 B19) (20 B20) (21 B21) (22 B22) (23 B23)
            (24 B24) (25 B25) (26 B26) (27 B27) (28 B28) (29 B29) (30 B30) (31 B31)
            (32 B32) (33 B33) (34 B34) (35 B35) (36 B36) (37 B37) (38 B38) (39 B39)
            (40 B40) (41 B41) (42 B42) (43 B43) (44 B44) (45 B45) (46 B46) (47 B47)
            (48 B48) (49 B49) (50 B50) (51 B51) (52 B52) (53 B53) (54 B54) (55 B55)
            (56 B56) (57 B57) (58 B58) (59 B59) (60 B60) (61 B61) (62 B62) (63 B63)
        ] $($tokens)*)
    };

    // State: `@munch start; [else] [branches] [unused pairs] tokens…`.

    // All input consumed.
    (@munch $start:path; [] [] [$($pairs:tt)*]) => {
        ::core::compile_error!("select! requires at least one branch")
    };
    // Only an `else` branch: it is the value, nothing is polled (as Tokio's).
    (@munch $start:path; [$else:expr] [] [$($pairs:tt)*]) => {
        $else
    };
    (@munch $start:path; [$($else:expr)?] [$($branch:tt)+] [$($pairs:tt)*]) => {
        $crate::__select_expand!($start; [$($else)?] $($branch)+)
    };

    // `else` branch.
    (@munch $start:path; [$prev:expr] [$($branch:tt)*] [$($pairs:tt)*] else $($rest:tt)*) => {
        ::core::compile_error!("select! accepts at most one `else` branch")
    };
    (@munch $start:path; [] [$($branch:tt)*] [$($pairs:tt)*] else => $else:block, $($rest:tt)*) => {
        $crate::__select_parse!(@munch $start; [$else] [$($branch)*] [$($pairs)*] $($rest)*)
    };
    (@munch $start:path; [] [$($branch:tt)*] [$($pairs:tt)*] else => $else:block $($rest:tt)*) => {
        $crate::__select_parse!(@munch $start; [$else] [$($branch)*] [$($pairs)*] $($rest)*)
    };
    (@munch $start:path; [] [$($branch:tt)*] [$($pairs:tt)*] else => $else:expr $(, $($rest:tt)*)?) => {
        $crate::__select_parse!(@munch $start; [$else] [$($branch)*] [$($pairs)*] $($($rest)*)?)
    };

    // Out of `(index Variant)` pairs: more than 64 branches.
    (@munch $start:path; [$($else:expr)?] [$($branch:tt)*] [] $($rest:tt)+) => {
        ::core::compile_error!("select! supports at most 64 branches")
    };

    // A branch. Each step writes a fresh `__fut`: hygiene makes it a distinct
    // local per branch.
    (@munch $start:path; [$($else:expr)?] [$($branch:tt)*] [($i:tt $v:ident) $($pairs:tt)*]
        $p:pat = $f:expr $(, if $c:expr)? => $h:block, $($rest:tt)*) => {
        $crate::__select_parse!(@munch $start; [$($else)?]
            [$($branch)* ($i $v __fut [$p] [$f] [$($c)?] [$h])] [$($pairs)*] $($rest)*)
    };
    (@munch $start:path; [$($else:expr)?] [$($branch:tt)*] [($i:tt $v:ident) $($pairs:tt)*]
        $p:pat = $f:expr $(, if $c:expr)? => $h:block $($rest:tt)*) => {
        $crate::__select_parse!(@munch $start; [$($else)?]
            [$($branch)* ($i $v __fut [$p] [$f] [$($c)?] [$h])] [$($pairs)*] $($rest)*)
    };
    (@munch $start:path; [$($else:expr)?] [$($branch:tt)*] [($i:tt $v:ident) $($pairs:tt)*]
        $p:pat = $f:expr $(, if $c:expr)? => $h:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@munch $start; [$($else)?]
            [$($branch)* ($i $v __fut [$p] [$f] [$($c)?] [$h])] [$($pairs)*] $($rest)*)
    };
    (@munch $start:path; [$($else:expr)?] [$($branch:tt)*] [($i:tt $v:ident) $($pairs:tt)*]
        $p:pat = $f:expr $(, if $c:expr)? => $h:expr) => {
        $crate::__select_parse!(@munch $start; [$($else)?]
            [$($branch)* ($i $v __fut [$p] [$f] [$($c)?] [$h])] [$($pairs)*])
    };

    // Malformed input: re-match it against the bare branch grammar, so that
    // rustc reports "no rules expected …" at the first offending token.
    (@munch $start:path; [$($else:expr)?] [$($branch:tt)*] [$($pairs:tt)*] $($rest:tt)+) => {
        $crate::__select_branch_syntax!($($rest)+)
    };
}

/// Code generation of `select!`; see the module docs.
#[doc(hidden)]
#[macro_export]
macro_rules! __select_expand {
    ($start:path; [$($else:expr)?]
        $(($i:tt $v:ident $fut:ident [$p:pat] [$f:expr] [$($c:expr)?] [$h:expr]))+) => {{
        enum __Out<$($v,)+> {
            $($v($v),)+
            Disabled,
        }

        // `mut`: a `ref mut` binding in a branch's pattern borrows the output
        // mutably, so the place it is matched in must be mutable.
        #[allow(unused_mut)]
        let mut __out = {
            let mut __disabled: u64 = 0;
            $(
                if !$crate::__select_expand!(@cond $($c)?) {
                    __disabled |= 1u64 << $i;
                }
            )+
            $(
                let $fut = if __disabled & (1u64 << $i) == 0 {
                    $crate::__private::Some($f)
                } else {
                    $crate::__private::None
                };
                let mut $fut = $crate::__private::pin!($crate::__private::into_future($fut));
            )+
            $crate::__private::poll_fn(|__cx: &mut $crate::__private::Context<'_>| {
                const __COUNT: u32 = [$($i),+].len() as u32;
                if !$crate::__private::poll_budget_available(__cx) {
                    return $crate::__private::Poll::Pending;
                }
                let __start: u32 = $start(__COUNT);
                let mut __pending = false;
                for __k in 0..__COUNT {
                    let __branch = $crate::__private::nth_from(__start, __k, __COUNT);
                    if __disabled & (1u64 << __branch) != 0 {
                        continue;
                    }
                    match __branch {
                        $(
                            $i => {
                                let $crate::__private::Some(__future) = $fut.as_mut().as_pin_mut()
                                else {
                                    continue;
                                };
                                // `mut` for a `ref mut` binding in the pattern test.
                                #[allow(unused_mut)]
                                let mut __output = match $crate::__private::Future::poll(__future, __cx) {
                                    $crate::__private::Poll::Ready(__output) => __output,
                                    $crate::__private::Poll::Pending => {
                                        __pending = true;
                                        continue;
                                    }
                                };
                                $fut.set($crate::__private::None);
                                // Does the output match the pattern? Test it in a
                                // guard, which sees the bindings by reference, and
                                // always fails, so nothing is moved out of
                                // `__output`; the arm itself is never entered.
                                let mut __matches = false;
                                #[allow(unused_variables, unused_mut)]
                                match __output {
                                    $p if $crate::__private::mark_matched(&mut __matches) => {
                                        $crate::__private::unreachable_branch()
                                    }
                                    _ => {}
                                }
                                if __matches {
                                    return $crate::__private::Poll::Ready(__Out::$v(__output));
                                }
                                __disabled |= 1u64 << $i;
                            }
                        )+
                        _ => $crate::__private::unreachable_branch(),
                    }
                }
                if __pending {
                    $crate::__private::Poll::Pending
                } else {
                    $crate::__private::Poll::Ready(__Out::Disabled)
                }
            })
            .await
        };

        match __out {
            $(__Out::$v($p) => $h,)+
            __Out::Disabled => $crate::__select_expand!(@else $($else)?),
            #[allow(unreachable_patterns)]
            _ => $crate::__private::unreachable_branch(),
        }
    }};
    (@cond) => {
        true
    };
    (@cond $c:expr) => {
        $c
    };
    (@else) => {
        $crate::__private::all_branches_disabled()
    };
    (@else $else:expr) => {
        $else
    };
}

/// Accepts only `;`: `select!` hands it the token that follows `biased`, so a
/// missing `;` is reported at that token.
#[doc(hidden)]
#[macro_export]
macro_rules! __select_expect_semicolon_after_biased {
    (;) => {};
}

/// The grammar of one `select!` branch, for error reporting only: valid
/// branches never get here, and malformed ones fail to match at the offending
/// token.
#[doc(hidden)]
#[macro_export]
macro_rules! __select_branch_syntax {
    (else => $($rest:tt)*) => {
        ::core::compile_error!("expected an expression after `else =>` in select!")
    };
    ($p:pat = $f:expr $(, if $c:expr)? => $($rest:tt)*) => {
        ::core::compile_error!("expected a handler expression after `=>` in select! branch")
    };
}
