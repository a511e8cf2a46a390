//! Attribute macros that turn an `async fn` into a synchronous entry point.
//!
//! This crate is re-exported by the `runtime` facade as `runtime::main` and
//! `runtime::test`; depend on `runtime` rather than on this crate directly.
//!
//! # Expansion
//!
//! Both macros take an `async fn` without arguments and replace it with a
//! plain `fn` of the same name, visibility, attributes and return type. The
//! original body is moved into an `async` block, a runtime is built and the
//! block is driven to completion on it:
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
//! return type, so type errors point at the user's code. `#[runtime::test]`
//! expands the same way and additionally puts `#[test]` on the generated
//! function; other attributes such as `#[should_panic]` or `#[ignore]` are
//! kept.
//!
//! # Options
//!
//! Options are written as `key = literal` pairs separated by commas, e.g.
//! `#[runtime::main(flavor = "current_thread")]`:
//!
//! * `flavor = "multi_thread" | "current_thread"`: which scheduler to build.
//!   `#[main]` defaults to `multi_thread` (one worker per core), `#[test]` to
//!   `current_thread`.
//! * `worker_threads = N`: number of worker threads, a positive integer
//!   literal. Only valid with the `multi_thread` flavor.
//! * `start_paused = true`: start with the clock paused (see
//!   `runtime::time::pause`). Only valid with the `current_thread` flavor.
//! * `crate = "path"`: path under which the `runtime` facade is reachable, for
//!   crates that rename it (default `::runtime`; use `"crate"` inside the
//!   facade itself).
//!
//! # Errors
//!
//! Misuse is reported as a compile error pointing at the offending tokens: a
//! function that is not `async`, a function with arguments, an unknown or
//! repeated option, a malformed or non-literal value, an unknown flavor, a
//! `worker_threads` of zero or given with the `current_thread` flavor, and
//! (for `#[test]`) a second `#[test]` attribute. Alongside the error the macro
//! still emits a function with the original name, so rustc does not add
//! follow-up errors such as "`main` function not found".

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::{Ident, Literal, Span, TokenStream as TokenStream2};
use quote::{quote, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{AttrStyle, Expr, ItemFn, Lit, Meta, MetaNameValue, Path, ReturnType, Token};

/// Marks an `async fn` as the program's entry point, run on a new runtime.
///
/// By default a multi-thread runtime with one worker per core is built.
/// Accepted options: `flavor = "multi_thread" | "current_thread"`,
/// `worker_threads = N` (multi-thread only) and `crate = "path"`. The function
/// may return any type, e.g. `Result<(), E>`, but must not take arguments.
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
    expand(Kind::Main, args.into(), item.into()).into()
}

/// Marks an `async fn` as a test, run on a new runtime.
///
/// By default a current-thread runtime is built. Accepts the same options as
/// [`macro@main`]. Other attributes on the function (`#[should_panic]`,
/// `#[ignore]`, ...) are kept, and the test may return `Result<(), E>`.
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
    expand(Kind::Test, args.into(), item.into()).into()
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

/// The scheduler flavor to build.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    MultiThread,
    CurrentThread,
}

/// The option keys accepted by both macros, in the order they are listed in
/// error messages.
const KEYS: &[&str] = &["flavor", "worker_threads", "start_paused", "crate"];
const FLAVORS: &[&str] = &["multi_thread", "current_thread"];

/// Settings gathered from the attribute arguments. Invalid options are
/// reported and replaced by their defaults, so the function can still be
/// expanded alongside the error.
struct Config {
    flavor: Flavor,
    worker_threads: Option<usize>,
    start_paused: bool,
    crate_path: Path,
}

/// Accumulates errors so that all of them are reported at once.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }
}

fn expand(kind: Kind, args: TokenStream2, item: TokenStream2) -> TokenStream2 {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(error) => {
            let message = format!(
                "`#[runtime::{}]` can only be applied to an `async fn`",
                kind.name()
            );
            let mut tokens = syn::Error::new(error.span(), message).to_compile_error();
            tokens.extend(item);
            return tokens;
        }
    };

    let mut errors = Errors::default();
    let config = parse_config(kind, args, &mut errors);
    check_signature(kind, &func, &mut errors);
    if kind == Kind::Test {
        // Reported above; dropped so that only one `#[test]` is emitted.
        func.attrs.retain(|attr| !is_test_attr(attr));
    }

    let expanded = if func.sig.asyncness.is_some() && func.sig.inputs.is_empty() {
        expand_fn(kind, func, &config)
    } else {
        fallback_fn(kind, func)
    };
    match errors.0 {
        Some(error) => {
            let mut tokens = error.to_compile_error();
            tokens.extend(expanded);
            tokens
        }
        None => expanded,
    }
}

fn parse_config(kind: Kind, args: TokenStream2, errors: &mut Errors) -> Config {
    let mut config = Config {
        flavor: match kind {
            Kind::Main => Flavor::MultiThread,
            Kind::Test => Flavor::CurrentThread,
        },
        worker_threads: None,
        start_paused: false,
        crate_path: syn::parse_quote!(::runtime),
    };
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(error);
            return config;
        }
    };

    let mut seen: Vec<String> = Vec::new();
    let mut worker_threads_arg = None;
    let mut start_paused_arg = None;
    let mut flavor_given = false;
    for meta in metas {
        let MetaNameValue { path, value, .. } = match meta {
            Meta::NameValue(name_value) => name_value,
            other => {
                errors.spanned(
                    &other,
                    "expected an option of the form `key = value`, e.g. `flavor = \"current_thread\"`",
                );
                continue;
            }
        };
        let key = match path.get_ident() {
            Some(ident) if KEYS.iter().any(|known| ident == known) => ident.to_string(),
            _ => {
                let shown = path.to_token_stream().to_string().replace(' ', "");
                errors.spanned(
                    &path,
                    format!("unknown option `{shown}`; expected one of: {}", list(KEYS)),
                );
                continue;
            }
        };
        if seen.contains(&key) {
            errors.spanned(&path, format!("the `{key}` option is given more than once"));
            continue;
        }
        seen.push(key.clone());

        let value = strip_groups(value);
        match key.as_str() {
            "flavor" => {
                // Even an invalid flavor counts as given, for the hint below.
                flavor_given = true;
                if let Some(lit) = string_literal(&value, "flavor", "current_thread", errors) {
                    match lit.value().as_str() {
                        "multi_thread" => config.flavor = Flavor::MultiThread,
                        "current_thread" => config.flavor = Flavor::CurrentThread,
                        other => errors.spanned(
                            &lit,
                            format!(
                                "unknown runtime flavor `{other}`; expected one of: {}",
                                list(FLAVORS)
                            ),
                        ),
                    }
                }
            }
            "worker_threads" => {
                worker_threads_arg = Some(quote!(#path = #value));
                match &value {
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Int(int), ..
                    }) => match int.base10_parse::<usize>() {
                        Ok(0) => errors.spanned(int, "`worker_threads` must be at least 1"),
                        Ok(n) => config.worker_threads = Some(n),
                        Err(error) => errors.push(error),
                    },
                    _ => errors.spanned(
                        &value,
                        "expected a positive integer literal, e.g. `worker_threads = 4`",
                    ),
                }
            }
            "start_paused" => {
                start_paused_arg = Some(quote!(#path = #value));
                match &value {
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Bool(b), ..
                    }) => config.start_paused = b.value,
                    _ => errors.spanned(
                        &value,
                        "expected `true` or `false`, e.g. `start_paused = true`",
                    ),
                }
            }
            "crate" => {
                if let Some(lit) = string_literal(&value, "crate", "my_runtime", errors) {
                    match lit.parse::<Path>() {
                        Ok(parsed) => config.crate_path = parsed,
                        Err(_) => errors.spanned(
                            &lit,
                            "expected a path to the runtime crate, e.g. `crate = \"::my_runtime\"`",
                        ),
                    }
                }
            }
            _ => unreachable!("key was checked against KEYS"),
        }
    }

    // Checked after the loop so the order of the options does not matter.
    if let Some(arg) = worker_threads_arg {
        if config.flavor == Flavor::CurrentThread {
            let hint = if flavor_given {
                String::new()
            } else {
                format!(
                    "; the default flavor of `#[{}]` is `current_thread`, add `flavor = \"multi_thread\"`",
                    kind.name()
                )
            };
            errors.spanned(
                arg,
                format!("`worker_threads` is only valid with the `multi_thread` flavor{hint}"),
            );
            config.worker_threads = None;
        }
    }
    if let Some(arg) = start_paused_arg {
        if config.flavor == Flavor::MultiThread && config.start_paused {
            errors.spanned(
                arg,
                "`start_paused` is only valid with the `current_thread` flavor: a paused clock \
                 advances automatically only when every task is idle, which one thread can know",
            );
            config.start_paused = false;
        }
    }
    config
}

/// Unwraps the invisible groups that `macro_rules!` puts around `$x:literal`
/// or `$x:expr` fragments.
fn strip_groups(mut value: Expr) -> Expr {
    while let Expr::Group(group) = value {
        value = *group.expr;
    }
    value
}

fn string_literal(
    value: &Expr,
    key: &str,
    example: &str,
    errors: &mut Errors,
) -> Option<syn::LitStr> {
    if let Expr::Lit(syn::ExprLit {
        lit: Lit::Str(lit), ..
    }) = value
    {
        return Some(lit.clone());
    }
    errors.spanned(
        value,
        format!("expected a string literal, e.g. `{key} = \"{example}\"`"),
    );
    None
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    quoted.join(", ")
}

fn check_signature(kind: Kind, func: &ItemFn, errors: &mut Errors) {
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        errors.spanned(
            sig.fn_token,
            "the `async` keyword is missing from the function declaration",
        );
    }
    if !sig.inputs.is_empty() {
        let what = match kind {
            Kind::Main => "the main function",
            Kind::Test => "the test function",
        };
        errors.spanned(&sig.inputs, format!("{what} cannot accept arguments"));
    }
    if kind == Kind::Test {
        if let Some(attr) = func.attrs.iter().find(|attr| is_test_attr(attr)) {
            errors.spanned(
                attr,
                "a second test attribute is present; `#[runtime::test]` already adds `#[test]`, remove this one",
            );
        }
    }
}

/// Whether `attr` looks like another test attribute (`#[test]`,
/// `#[core::prelude::v1::test]`, `#[runtime::test]`, ...).
fn is_test_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "test")
}

/// Splits attributes into the outer ones (placed before the generated `fn`)
/// and the inner `#![...]` ones (placed at the top of its body).
fn split_attrs(attrs: Vec<syn::Attribute>) -> (Vec<syn::Attribute>, Vec<syn::Attribute>) {
    attrs
        .into_iter()
        .partition(|attr| matches!(attr.style, AttrStyle::Outer))
}

fn test_attr(kind: Kind) -> Option<TokenStream2> {
    (kind == Kind::Test).then(|| quote!(#[::core::prelude::v1::test]))
}

/// The successful expansion: a synchronous `fn` that runs the body on a
/// freshly built runtime.
fn expand_fn(kind: Kind, func: ItemFn, config: &Config) -> TokenStream2 {
    let ItemFn {
        attrs,
        vis,
        mut sig,
        block,
    } = func;
    sig.asyncness = None;
    let (outer, inner) = split_attrs(attrs);
    let ret_ty = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    };
    // Mixed-site hygiene keeps these locals invisible to the user's body.
    let body = Ident::new("body", Span::mixed_site());
    let ret = Ident::new("ret", Span::mixed_site());

    let crate_path = &config.crate_path;
    let builder = match config.flavor {
        Flavor::MultiThread => {
            let workers = config.worker_threads.map(|n| {
                let n = Literal::usize_unsuffixed(n);
                quote!(.worker_threads(#n))
            });
            quote!(#crate_path::Builder::new_multi_thread() #workers)
        }
        Flavor::CurrentThread => {
            let paused = config.start_paused.then(|| quote!(.start_paused(true)));
            quote!(#crate_path::Builder::new_current_thread() #paused)
        }
    };
    let test_attr = test_attr(kind);

    // Binding the block to a local of the declared return type makes rustc
    // check the user's tail expression (and `return`s) against that type, so
    // mismatches are reported inside the user's code.
    quote! {
        #test_attr
        #(#outer)*
        #vis #sig {
            #(#inner)*
            let #body = async {
                // Clippy sees the body as a sub-expression of this `let`; a
                // body ending in `panic!` or `return` is fine, as in any fn.
                #[allow(clippy::diverging_sub_expression)]
                let #ret: #ret_ty = #block;
                // Unreachable when the user's body diverges (`loop {}`, `panic!`).
                #[allow(unreachable_code)]
                return #ret;
            };
            #builder
                .enable_all()
                .build()
                .expect("Failed building the Runtime")
                .block_on(#body)
        }
    }
}

/// What is emitted next to an error when the function cannot be expanded
/// (not `async`, or it takes arguments): a function with the same name and
/// return type, so rustc reports nothing beyond our error.
fn fallback_fn(kind: Kind, func: ItemFn) -> TokenStream2 {
    let ItemFn {
        attrs,
        vis,
        mut sig,
        block,
    } = func;
    let (outer, inner) = split_attrs(attrs);
    let body = if sig.inputs.is_empty() && sig.asyncness.is_none() {
        // A plain `fn` without arguments: its body is valid as it stands.
        let stmts = &block.stmts;
        quote!(#(#stmts)*)
    } else {
        // The body may use the arguments or `.await`; do not check it.
        quote!(::core::panic!(
            "this function has a compile error, reported above"
        ))
    };
    sig.asyncness = None;
    sig.inputs = Punctuated::new();
    let test_attr = test_attr(kind);
    quote! {
        #test_attr
        #(#outer)*
        #vis #sig {
            #(#inner)*
            #body
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{expand, Kind};

    /// Expands `item` with `args` and returns the output with all whitespace
    /// removed, to make substring checks independent of token spacing.
    fn expanded(kind: Kind, args: &str, item: &str) -> String {
        let output = expand(kind, args.parse().unwrap(), item.parse().unwrap());
        output.to_string().replace(char::is_whitespace, "")
    }

    #[test]
    fn main_defaults_to_multi_thread() {
        let out = expanded(Kind::Main, "", "async fn main() {}");
        assert!(out.contains("::runtime::Builder::new_multi_thread().enable_all()"));
        assert!(!out.contains("async fn") && !out.contains("compile_error"));
    }

    #[test]
    fn test_defaults_to_current_thread_and_adds_test_attr() {
        let out = expanded(
            Kind::Test,
            "",
            "#[ignore] async fn t() -> Result<(), ()> { Ok(()) }",
        );
        assert!(out.starts_with("#[::core::prelude::v1::test]#[ignore]fnt()->Result<(),()>"));
        assert!(out.contains("::runtime::Builder::new_current_thread().enable_all()"));
    }

    #[test]
    fn options_reach_the_builder() {
        let args = r#"flavor = "multi_thread", worker_threads = 3, crate = "crate""#;
        let out = expanded(Kind::Test, args, "async fn t() {}");
        assert!(out.contains("crate::Builder::new_multi_thread().worker_threads(3).enable_all()"));
    }

    #[test]
    fn errors_keep_a_function_item() {
        let out = expanded(Kind::Main, "flavor = 1", "async fn main() {}");
        assert!(out.contains("compile_error") && out.contains("fnmain()"));
        let out = expanded(Kind::Main, "", "fn main() { let x = 1; }");
        assert!(out.contains("compile_error") && out.contains("fnmain(){letx=1;}"));
    }
}
