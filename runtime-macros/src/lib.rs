//! Attribute macros that turn an `async fn` into a synchronous entry point.
//!
//! This crate is re-exported by the `runtime` facade as `runtime::main` and
//! `runtime::test`; depend on `runtime` rather than on this crate directly.
//!
//! # Expansion
//!
//! Both macros take an `async fn` and replace it with a plain `fn` of the same
//! name, visibility, attributes, arguments and return type. The original body
//! is moved into an `async` block, a runtime is built and the block is driven
//! to completion on it:
//!
//! ```ignore
//! #[runtime::main]
//! async fn main() -> Result<(), std::io::Error> {
//!     do_work().await
//! }
//!
//! // expands (roughly) to
//!
//! fn main() -> Result<(), std::io::Error> {
//!     let body = async {
//!         let ret: Result<(), std::io::Error> = { do_work().await };
//!         return ret;
//!     };
//!     ::runtime::Builder::new_multi_thread()
//!         .enable_all()
//!         .build()
//!         .expect("Failed building the Runtime")
//!         .block_on(body)
//! }
//! ```
//!
//! The body keeps its original spans and is checked against the declared
//! return type, so type errors point at the user's code.
//!
//! The arguments stay those of the generated `fn`; the `async` block, which
//! is not `move`, borrows them (or takes them, where the body moves them) and
//! is driven to completion before the `fn` returns, so the borrows outlive it.
//! This makes methods work as they do in Tokio, `self` included:
//!
//! ```ignore
//! impl Server {
//!     #[runtime::main]
//!     async fn run(self, port: u16) -> std::io::Result<()> { .. }
//! }
//! // becomes `fn run(self, port: u16) -> std::io::Result<()>`, which blocks.
//! ```
//!
//! Only a function *named* `main` is refused arguments by `#[runtime::main]`
//! (the entry point can have none). `#[runtime::test]` passes arguments
//! through like Tokio's, and rustc's own `#[test]` then reports them.
//!
//! Two return types cannot be written as they are as the type of a `let`:
//!
//! * `!`: `let ret: ! = ...` needs the unstable `never_type`, although
//!   `fn f() -> !` is stable. The `let` is written
//!   `let ret: <fn() -> ! as ::runtime::__private::FnReturn>::Output`, a
//!   stable way to name `!` (a function pointer's return type), so a body that
//!   can finish is still reported in the user's code.
//! * anything with `impl Trait` in it, which only a signature may contain.
//!   There the user's block *is* the `async` block and `block_on`'s result is
//!   the `fn`'s tail expression, so rustc infers the block's output from the
//!   return type and checks it at the attribute.
//!
//! `#[runtime::test]` expands the same way and additionally puts `#[test]` on
//! the generated function; other attributes such as `#[should_panic]` or
//! `#[ignore]` are kept.
//!
//! # Options
//!
//! Options are written as `key = literal` pairs separated by commas, e.g.
//! `#[runtime::main(flavor = "current_thread")]`:
//!
//! * `flavor = "multi_thread" | "current_thread" | "local"`: which scheduler
//!   to build. `#[main]` defaults to `multi_thread` (one worker per core),
//!   `#[test]` to `current_thread`. `local` builds a `LocalRuntime`
//!   (`Builder::build_local`), in which `task::spawn_local` works without a
//!   `LocalSet`.
//! * `worker_threads = N`: number of worker threads, a positive integer
//!   literal. Only valid with the `multi_thread` flavor.
//! * `start_paused = true`: start with the clock paused (see
//!   `runtime::time::pause`). Only valid with the `current_thread` and
//!   `local` flavors.
//! * `crate = "path"`: path under which the `runtime` facade is reachable, for
//!   crates that rename it or re-export it (default `::runtime`; use
//!   `"crate"` inside the facade itself).
//! * `name = "..."`: the runtime's name (`Builder::name`), a non-empty
//!   string literal; `Handle::name` returns it.
//!
//! * `flavor = "sim", seeds = N` (`#[test]` only, needs the facade's `sim`
//!   feature): the body runs as the client of a deterministic simulation
//!   (`runtime::sim`), once per seed `0..N` (default 100), stopping at the
//!   first failing seed, whose `RUNTIME_SIM_SEED=...` replay command the
//!   panic message gives; with `RUNTIME_SIM_SEED` set, only that seed runs.
//!   The body returns `()`.
//! * `unhandled_panic = "ignore" | "shutdown_runtime"`: what a panic in a
//!   spawned task does (`Builder::unhandled_panic`); with
//!   `"shutdown_runtime"` the runtime shuts down and the function panics.
//!   Only valid with the `current_thread` and `local` flavors.
//!
//! # Errors
//!
//! Misuse is reported as a compile error pointing at the offending tokens: a
//! function that is not `async`, a `#[runtime::main]` function named `main`
//! that takes arguments, an unknown or repeated option, a malformed or
//! non-literal value, an unknown flavor, a `worker_threads` of zero or given
//! with the `current_thread` flavor, and (for `#[test]`) a second `#[test]`
//! attribute. Alongside the error the macro still emits a function with the
//! original name (and, where it can, the original arguments and body), so
//! rustc does not add follow-up errors such as "`main` function not found".
//!
//! # Why no `syn`
//!
//! The crate uses only the compiler's `proc_macro` API. The input it needs
//! to understand is small (a list of `key = literal` options, and where an
//! `fn` item's name, arguments, return type and body are), and everything
//! else is passed through to rustc untouched. Without `syn`, `quote` and
//! `proc-macro2` a hello world builds four crates fewer, and the macro is no
//! longer the critical path of a clean build (see BENCHMARKS.md, footprint).
//!
//! `proc_macro` cannot be used outside a macro invocation, so this crate
//! has no unit tests: `runtime/tests/macros.rs` runs expanded functions and
//! `runtime/tests/macros_ui.rs` (trybuild) checks every error message and
//! the span it points at.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod args;
mod item;
mod tokens;

use proc_macro::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};

use args::{Config, Flavor};
use item::Func;
use tokens::{flatten_invisible, is_ident, is_punct, Errors, Out};

/// Marks an `async fn` as the program's entry point, run on a new runtime.
///
/// By default a multi-thread runtime with one worker per core is built.
/// Accepted options: `flavor = "multi_thread" | "current_thread" | "local"`,
/// `worker_threads = N` (multi-thread only), `crate = "path"` (where the
/// runtime crate is, for crates that re-export it), `name = "..."` (the
/// runtime's name, see `Handle::name`) and `unhandled_panic = "ignore" |
/// "shutdown_runtime"` (current-thread and local only, see
/// `Builder::unhandled_panic`). The function
/// may return any type, e.g. `Result<(), E>` or `!`. It may take arguments
/// (methods may take `self`) unless it is named `main`: the expansion is a
/// blocking `fn` with the same signature.
///
/// ```ignore
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let handle = runtime::spawn(async { 1 + 1 });
///     assert_eq!(handle.await.unwrap(), 2);
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Main, args, item)
}

/// Marks an `async fn` as a test, run on a new runtime.
///
/// By default a current-thread runtime is built. Accepts the same options as
/// [`macro@main`], plus `start_paused = true` (current-thread only). Other
/// attributes on the function (`#[should_panic]`, `#[ignore]`, ...) are kept,
/// and the test may return `Result<(), E>`. Arguments are passed through, as
/// by Tokio's macro, to the generated `#[test]` function, which rustc then
/// refuses under `cargo test` ("functions used as tests can not have any
/// arguments").
///
/// ```ignore
/// #[runtime::test(flavor = "multi_thread", worker_threads = 2)]
/// async fn adds() {
///     let handle = runtime::spawn(async { 1 + 1 });
///     assert_eq!(handle.await.unwrap(), 2);
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(Kind::Test, args, item)
}

/// Which macro is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Main,
    Test,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Main => "main",
            Kind::Test => "test",
        }
    }
}

fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let mut func = match item::parse(item.clone()) {
        Ok(func) => func,
        Err(span) => {
            let message = format!(
                "`#[runtime::{}]` can only be applied to an `async fn`",
                kind.name()
            );
            errors.between(span, span, message);
            return errors.then(item);
        }
    };
    let config = args::parse(kind, args, &mut errors);
    check_signature(kind, &func, &mut errors);
    if kind == Kind::Test {
        // Reported above; dropped so that only one `#[test]` is emitted.
        func.attrs.retain(|attr| !Func::is_test_attr(attr));
    }

    if config.flavor == Flavor::Sim && !func.ret.is_empty() {
        errors.on(
            &[TokenTree::Ident(func.fn_token.clone())],
            "a `flavor = \"sim\"` test returns `()`: the simulation reports failures by panicking",
        );
    }
    let valid = func.async_span.is_some() && !main_with_arguments(kind, &func);
    let expanded = if valid {
        expand_fn(kind, func, &config)
    } else {
        fallback_fn(kind, func)
    };
    if errors.is_empty() {
        expanded
    } else {
        errors.then(expanded)
    }
}

fn check_signature(kind: Kind, func: &Func, errors: &mut Errors) {
    if func.async_span.is_none() {
        let fn_token = TokenTree::Ident(func.fn_token.clone());
        errors.on(
            &[fn_token],
            "the `async` keyword is missing from the function declaration",
        );
    }
    if main_with_arguments(kind, func) {
        let args: Vec<TokenTree> = func.args.stream().into_iter().collect();
        errors.on(&args, "the main function cannot accept arguments");
    }
    if kind == Kind::Test {
        if let Some(attr) = func.attrs.iter().find(|attr| Func::is_test_attr(attr)) {
            errors.on(
                attr,
                "a second test attribute is present; `#[runtime::test]` already adds `#[test]`, remove this one",
            );
        }
    }
}

/// Whether this is `#[runtime::main]` on a function named `main` that takes
/// arguments, the one case refused (as by Tokio): a program's entry point
/// takes none. Any other function keeps its arguments; for `#[test]`, rustc
/// reports them itself.
fn main_with_arguments(kind: Kind, func: &Func) -> bool {
    kind == Kind::Main
        && func.name.first().is_some_and(|name| is_ident(name, "main"))
        && !func.args.stream().is_empty()
}

/// The type to give the `let` that checks the body, for a declared return
/// type `ret` (empty for `()`); `None` when no `let` can have it: a type with
/// `impl Trait` anywhere in it (only allowed in a signature).
///
/// `!` is named through a function pointer, `<fn() -> ! as FnReturn>::Output`,
/// as `let ret: !` needs the unstable `never_type`.
fn let_type(ret: &[TokenTree], crate_path: &[TokenTree]) -> Option<Vec<TokenTree>> {
    fn has_impl(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tree| match tree {
            TokenTree::Group(group) => has_impl(group.stream()),
            other => is_ident(&other, "impl"),
        })
    }
    let flat = flatten_invisible(ret.iter().cloned());
    if has_impl(flat.iter().cloned().collect()) {
        return None;
    }
    let mut out = Out::default();
    match flat.as_slice() {
        [] => {
            out.src("()");
        }
        [bang] if is_punct(bang, '!') => {
            out.src("< fn() ->")
                .tree(bang.clone())
                .src("as")
                .tokens(crate_path.iter().cloned())
                .src("::__private::FnReturn>::Output");
        }
        _ => {
            out.tokens(ret.iter().cloned());
        }
    }
    Some(out.into_stream().into_iter().collect())
}

/// Everything of the generated `fn` before its body: `#[test]` for tests,
/// the outer attributes, the signature without `async`, with the arguments
/// as written when `keep_args` and `()` otherwise (the error path of a `main`
/// with arguments).
fn signature(kind: Kind, func: &Func, keep_args: bool) -> Out {
    let mut out = Out::default();
    if kind == Kind::Test {
        out.src("#[::core::prelude::v1::test]");
    }
    for attr in &func.attrs {
        out.tokens(attr.iter().cloned());
    }
    out.tokens(func.head.iter().cloned())
        .tree(func.fn_token.clone())
        .tokens(func.name.iter().cloned())
        .tree(if keep_args {
            func.args.clone()
        } else {
            Out::default().group(Delimiter::Parenthesis, func.args.span())
        });
    if !func.ret.is_empty() {
        out.src("->").tokens(func.ret.iter().cloned());
    }
    out.tokens(func.where_clause.iter().cloned());
    out
}

/// The successful expansion: a synchronous `fn` that runs the body on a
/// freshly built runtime.
///
/// Binding the body block to a local of the declared return type makes rustc
/// check the user's tail expression (and `return`s) against that type, so
/// mismatches are reported inside the user's code. Where the type cannot be
/// written in a `let` (`impl Trait`), the user's block is the `async` block
/// itself and its output is inferred from the return type through `block_on`.
fn expand_fn(kind: Kind, func: Func, config: &Config) -> TokenStream {
    let mut out = signature(kind, &func, true);
    // Mixed-site hygiene keeps this local invisible to the user's body.
    let body = Ident::new("body", Span::mixed_site());

    let mut user_block = Out::default();
    user_block.tokens(func.body);
    let user_block = user_block.group(Delimiter::Brace, func.body_span);
    let async_block = match let_type(&func.ret, &config.crate_path) {
        Some(ret_type) => typed_block(user_block, ret_type),
        None => user_block,
    };

    if config.flavor == Flavor::Sim {
        return sim_fn(out, func.inner_attrs, async_block, func.body_span, config);
    }
    let mut fn_body = Out::default();
    fn_body
        .tokens(func.inner_attrs)
        .src("let")
        .tree(body.clone())
        .src("= async")
        .tree(async_block)
        .src(";")
        .tokens(config.crate_path.clone());
    match config.flavor {
        Flavor::MultiThread => {
            fn_body.src("::Builder::new_multi_thread()");
            if let Some(n) = config.worker_threads {
                let n = Literal::usize_unsuffixed(n);
                fn_body.src(".worker_threads").tree(
                    Out::default()
                        .tree(n)
                        .group(Delimiter::Parenthesis, Span::call_site()),
                );
            }
        }
        Flavor::CurrentThread | Flavor::Local | Flavor::Sim => {
            fn_body.src("::Builder::new_current_thread()");
            if config.start_paused {
                fn_body.src(".start_paused(true)");
            }
        }
    }
    if let Some(behavior) = config.unhandled_panic {
        fn_body.src(".unhandled_panic").tree(
            Out::default()
                .tokens(config.crate_path.clone())
                .src("::runtime::UnhandledPanic::")
                .src(behavior)
                .group(Delimiter::Parenthesis, Span::call_site()),
        );
    }
    if let Some(name) = &config.name {
        fn_body.src(".name").tree(
            Out::default()
                .tree(name.clone())
                .group(Delimiter::Parenthesis, Span::call_site()),
        );
    }
    fn_body.src(".enable_all()");
    if config.flavor == Flavor::Local {
        fn_body.src(".build_local(::core::default::Default::default())");
    } else {
        fn_body.src(".build()");
    }
    fn_body
        .src(".expect(\"Failed building the Runtime\").block_on")
        .tree(
            Out::default()
                .tree(body)
                .group(Delimiter::Parenthesis, Span::call_site()),
        );

    out.tree(fn_body.group(Delimiter::Brace, func.body_span));
    out.into_stream()
}

/// The body of a `flavor = "sim"` test: `runtime::sim::check` over the
/// seeds, each run with the user's block as the client `"test"`.
fn sim_fn(
    mut out: Out,
    inner_attrs: Vec<TokenTree>,
    async_block: Group,
    body_span: Span,
    config: &Config,
) -> TokenStream {
    let builder = Ident::new("builder", Span::mixed_site());
    let sim = Ident::new("sim", Span::mixed_site());
    let mut closure = Out::default();
    closure
        .src("let mut")
        .tree(sim.clone())
        .src("=")
        .tree(builder.clone())
        .src(".build().expect(\"Failed building the simulation\");")
        .tree(sim.clone())
        .src(".client")
        .tree(
            Out::default()
                .src("\"test\", async move")
                .tree(async_block)
                .group(Delimiter::Parenthesis, Span::call_site()),
        )
        .src(";")
        .tree(sim);
    let closure = closure.group(Delimiter::Brace, Span::call_site());
    let mut args = Out::default();
    args.tree(Literal::usize_unsuffixed(config.seeds))
        .src(", |")
        .tree(builder)
        .src("|")
        .tree(closure);
    let mut fn_body = Out::default();
    fn_body
        .tokens(inner_attrs)
        .src("if let ::core::result::Result::Err(e) =")
        .tokens(config.crate_path.clone())
        .src("::sim::check")
        .tree(args.group(Delimiter::Parenthesis, Span::call_site()))
        .src("{ ::core::panic!(\"{}\", e) }");
    out.tree(fn_body.group(Delimiter::Brace, body_span));
    out.into_stream()
}

/// The `async` block that checks the user's block against `ret_type` (see
/// [`let_type`]): `{ let ret: RET = USER_BLOCK; return ret; }`.
fn typed_block(user_block: Group, ret_type: Vec<TokenTree>) -> Group {
    let ret = Ident::new("ret", Span::mixed_site());
    let mut async_block = Out::default();
    // Clippy sees the body as a sub-expression of this `let`; a body ending
    // in `panic!` or `return` is fine, as in any fn.
    async_block
        .src("#[allow(clippy::diverging_sub_expression)] let")
        .tree(ret.clone())
        .src(":");
    async_block.tokens(ret_type);
    async_block
        .src("=")
        .tree(user_block)
        // Unreachable when the user's body diverges (`loop {}`, `panic!`).
        .src("; #[allow(unreachable_code)] return")
        .tree(ret)
        .src(";");
    async_block.group(Delimiter::Brace, Span::call_site())
}

/// What is emitted next to an error when the function cannot be expanded (not
/// `async`, or a `main` with arguments): a function with the same name and
/// return type, so rustc reports nothing beyond our error.
fn fallback_fn(kind: Kind, func: Func) -> TokenStream {
    let main_with_arguments = main_with_arguments(kind, &func);
    let mut out = signature(kind, &func, !main_with_arguments);
    let mut fn_body = Out::default();
    fn_body.tokens(func.inner_attrs);
    if !main_with_arguments && func.async_span.is_none() {
        // A plain `fn` with its own arguments: valid as it stands.
        fn_body.tokens(func.body);
    } else {
        // The body may use the dropped arguments; do not check it.
        fn_body.src("::core::panic!(\"this function has a compile error, reported above\")");
    }
    out.tree(fn_body.group(Delimiter::Brace, func.body_span));
    out.into_stream()
}
