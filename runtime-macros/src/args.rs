//! The attribute's options: `flavor = "..."`, `worker_threads = N`,
//! `start_paused = true`, `crate = "path"`, `name = "..."`,
//! `unhandled_panic = "ignore" | "shutdown_runtime"`, `seeds = N` (with
//! `flavor = "sim"`), separated by commas.
//!
//! Each option is checked on its own and invalid ones are reported and
//! replaced by their defaults, so the function can still be expanded next to
//! the errors (rustc then reports nothing beyond them).

use proc_macro::{Span, TokenStream, TokenTree};

use crate::tokens::{flatten_invisible, integer_value, is_ident, is_path, is_punct};
use crate::tokens::{shown, string_value, Errors};
use crate::Kind;

/// The option keys, in the order error messages list them.
const KEYS: &[&str] = &[
    "flavor",
    "worker_threads",
    "start_paused",
    "crate",
    "name",
    "unhandled_panic",
    "seeds",
];
const UNHANDLED_PANICS: &[&str] = &["ignore", "shutdown_runtime"];
const FLAVORS: &[&str] = &["multi_thread", "current_thread", "local", "sim"];

/// The scheduler flavor to build.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    MultiThread,
    CurrentThread,
    /// A `LocalRuntime`: current-thread, and `spawn_local` works in it.
    Local,
    /// `#[runtime::test]` only: the body runs as the client of a
    /// `runtime::sim` simulation, once per seed (`seeds = N`).
    Sim,
}

/// Settings gathered from the attribute's options.
pub(crate) struct Config {
    pub(crate) flavor: Flavor,
    pub(crate) worker_threads: Option<usize>,
    pub(crate) start_paused: bool,
    /// Where the facade is reachable: `::runtime` unless `crate = "..."`.
    pub(crate) crate_path: Vec<TokenTree>,
    /// The string literal of `name = "..."`, passed to `Builder::name`.
    pub(crate) name: Option<TokenTree>,
    /// The `UnhandledPanic` variant of `unhandled_panic = "..."`.
    pub(crate) unhandled_panic: Option<&'static str>,
    /// `seeds = N` of the `sim` flavor (default 100).
    pub(crate) seeds: usize,
}

impl Config {
    fn new(kind: Kind) -> Config {
        Config {
            flavor: match kind {
                Kind::Main => Flavor::MultiThread,
                Kind::Test => Flavor::CurrentThread,
            },
            worker_threads: None,
            start_paused: false,
            crate_path: "::runtime"
                .parse::<TokenStream>()
                .unwrap()
                .into_iter()
                .collect(),
            name: None,
            unhandled_panic: None,
            seeds: 100,
        }
    }
}

/// Parses the options of `#[runtime::main(...)]` or `#[runtime::test(...)]`.
pub(crate) fn parse(kind: Kind, args: TokenStream, errors: &mut Errors) -> Config {
    let mut config = Config::new(kind);
    let mut seen: Vec<String> = Vec::new();
    // The whole `key = value` of these two, for errors found after the loop.
    let mut worker_threads_option = None;
    let mut start_paused_option = None;
    let mut unhandled_panic_option = None;
    let mut seeds_option = None;
    let mut flavor_given = false;

    for option in split_commas(args, errors) {
        let Some(eq) = option.iter().position(|t| is_punct(t, '=')) else {
            errors.on(
                &option,
                "expected an option of the form `key = value`, e.g. `flavor = \"current_thread\"`",
            );
            continue;
        };
        let (key_tokens, whole_value) = (&option[..eq], &option[eq + 1..]);
        let key = match key_tokens {
            [key] if KEYS.iter().any(|known| is_ident(key, known)) => key.to_string(),
            [] => {
                errors.on(&option[..1], "expected an option name before `=`");
                continue;
            }
            _ => {
                let message = format!(
                    "unknown option `{}`; expected one of: {}",
                    shown(key_tokens),
                    list(KEYS)
                );
                errors.on(key_tokens, message);
                continue;
            }
        };
        if seen.contains(&key) {
            errors.on(
                key_tokens,
                format!("the `{key}` option is given more than once"),
            );
            continue;
        }
        seen.push(key.clone());
        if key == "flavor" {
            // Even an invalid flavor counts as given, for the hint below.
            flavor_given = true;
        }
        // The value when it is one token; several tokens (`flavor = a::b`)
        // are not a literal, reported per key below.
        let value = match whole_value {
            [] => {
                errors.on(&option[eq..=eq], "expected a value after `=`");
                continue;
            }
            [single] => Some(single),
            [first, second, ..] if is_literal(first) => {
                // `flavor = "current_thread" worker_threads = 2`: a comma is
                // missing; the rest of the options are not read.
                errors.on(std::slice::from_ref(second), "expected `,`");
                return config;
            }
            _ => None,
        };

        match key.as_str() {
            "flavor" => match value.and_then(string_value) {
                Some(name) if name == "multi_thread" => config.flavor = Flavor::MultiThread,
                Some(name) if name == "current_thread" => config.flavor = Flavor::CurrentThread,
                Some(name) if name == "local" => config.flavor = Flavor::Local,
                Some(name) if name == "sim" && kind == Kind::Test => config.flavor = Flavor::Sim,
                Some(name) if name == "sim" => errors.on(
                    whole_value,
                    "the `sim` flavor is for `#[runtime::test]`: a program runs a simulation \
                     with `runtime::sim::Builder`",
                ),
                Some(name) => errors.on(
                    whole_value,
                    format!(
                        "unknown runtime flavor `{name}`; expected one of: {}",
                        list(FLAVORS)
                    ),
                ),
                None => errors.on(
                    whole_value,
                    "expected a string literal, e.g. `flavor = \"current_thread\"`",
                ),
            },
            "worker_threads" => {
                worker_threads_option = Some(option.clone());
                match value.and_then(integer_value) {
                    Some(0) => errors.on(whole_value, "`worker_threads` must be at least 1"),
                    Some(n) => config.worker_threads = Some(n),
                    None => errors.on(
                        whole_value,
                        "expected a positive integer literal, e.g. `worker_threads = 4`",
                    ),
                }
            }
            "seeds" => {
                seeds_option = Some(option.clone());
                match value.and_then(integer_value) {
                    Some(0) => errors.on(whole_value, "`seeds` must be at least 1"),
                    Some(n) => config.seeds = n,
                    None => errors.on(
                        whole_value,
                        "expected a positive integer literal, e.g. `seeds = 500`",
                    ),
                }
            }
            "start_paused" => {
                start_paused_option = Some(option.clone());
                if value.is_some_and(|v| is_ident(v, "true")) {
                    config.start_paused = true;
                } else if !value.is_some_and(|v| is_ident(v, "false")) {
                    errors.on(
                        whole_value,
                        "expected `true` or `false`, e.g. `start_paused = true`",
                    );
                }
            }
            "crate" => match value.and_then(|v| Some((string_value(v)?, v.span()))) {
                Some((path, span)) => match crate_path(&path, span) {
                    Some(tokens) => config.crate_path = tokens,
                    None => errors.on(
                        whole_value,
                        "expected a path to the runtime crate, e.g. `crate = \"::my_runtime\"`",
                    ),
                },
                None => errors.on(
                    whole_value,
                    "expected a string literal, e.g. `crate = \"my_runtime\"`",
                ),
            },
            "name" => match value.and_then(|v| Some((string_value(v)?, v))) {
                Some((name, _)) if name.trim().is_empty() => {
                    errors.on(whole_value, "the runtime name must not be empty")
                }
                Some((_, literal)) => config.name = Some(literal.clone()),
                None => errors.on(
                    whole_value,
                    "expected a string literal, e.g. `name = \"my-runtime\"`",
                ),
            },
            "unhandled_panic" => {
                unhandled_panic_option = Some(option.clone());
                match value.and_then(string_value) {
                    Some(v) if v == "ignore" => config.unhandled_panic = Some("Ignore"),
                    Some(v) if v == "shutdown_runtime" => {
                        config.unhandled_panic = Some("ShutdownRuntime")
                    }
                    Some(v) => errors.on(
                        whole_value,
                        format!(
                            "unknown unhandled panic behavior `{v}`; expected one of: {}",
                            list(UNHANDLED_PANICS)
                        ),
                    ),
                    None => errors.on(
                        whole_value,
                        "expected a string literal, e.g. `unhandled_panic = \"shutdown_runtime\"`",
                    ),
                }
            }
            _ => unreachable!("the key was checked against KEYS"),
        }
    }

    // Checked after the loop so that the order of the options does not matter.
    if let Some(option) = seeds_option {
        if config.flavor != Flavor::Sim {
            errors.on(&option, "`seeds` is only valid with `flavor = \"sim\"`");
        }
    }
    if config.flavor == Flavor::Sim {
        let others = [
            worker_threads_option.take(),
            start_paused_option.take(),
            unhandled_panic_option.take(),
        ];
        for option in others.into_iter().flatten() {
            errors.on(
                &option,
                "this option does not apply to `flavor = \"sim\"`: the simulation runs on one \
                 thread with a virtual clock, and a panic in any task fails the run",
            );
        }
    }
    if let Some(option) = worker_threads_option {
        if config.flavor != Flavor::MultiThread {
            let hint = if flavor_given {
                String::new()
            } else {
                format!(
                    "; the default flavor of `#[{}]` is `current_thread`, add `flavor = \"multi_thread\"`",
                    kind.name()
                )
            };
            errors.on(
                &option,
                format!("`worker_threads` is only valid with the `multi_thread` flavor{hint}"),
            );
            config.worker_threads = None;
        }
    }
    if let Some(option) = unhandled_panic_option {
        if config.flavor == Flavor::MultiThread {
            errors.on(
                &option,
                format!(
                    "`unhandled_panic` is only valid with the `current_thread` (or `local`) \
                     flavor: use `#[{}(flavor = \"current_thread\")]`",
                    kind.name()
                ),
            );
            config.unhandled_panic = None;
        }
    }
    if let Some(option) = start_paused_option {
        if config.flavor == Flavor::MultiThread && config.start_paused {
            errors.on(
                &option,
                "`start_paused` is only valid with the `current_thread` flavor: a paused clock \
                 advances automatically only when every task is idle, which one thread can know",
            );
            config.start_paused = false;
        }
    }
    config
}

/// Splits the options at top-level commas. Invisible groups from
/// `macro_rules!` are looked through; a trailing comma is fine, an empty
/// option (`a = 1,, b = 2`) is an error.
fn split_commas(args: TokenStream, errors: &mut Errors) -> Vec<Vec<TokenTree>> {
    let mut options = vec![Vec::new()];
    for tree in flatten_invisible(args) {
        if is_punct(&tree, ',') {
            if options.last().is_some_and(Vec::is_empty) {
                errors.on(&[tree], "expected an option before `,`");
                continue;
            }
            options.push(Vec::new());
        } else {
            options.last_mut().expect("never empty").push(tree);
        }
    }
    options.retain(|option| !option.is_empty());
    options
}

fn is_literal(tree: &TokenTree) -> bool {
    matches!(tree, TokenTree::Literal(_)) || is_ident(tree, "true") || is_ident(tree, "false")
}

/// Parses the text of `crate = "..."` as a path, its tokens spanned at the
/// string literal so that a wrong path is reported there.
fn crate_path(text: &str, span: Span) -> Option<Vec<TokenTree>> {
    let tokens: Vec<TokenTree> = text.parse::<TokenStream>().ok()?.into_iter().collect();
    is_path(&tokens).then(|| {
        tokens
            .into_iter()
            .map(|mut tree| {
                tree.set_span(span);
                tree
            })
            .collect()
    })
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    quoted.join(", ")
}
