//! Small helpers over `proc_macro` tokens: building output, reading
//! literals, and reporting errors as `compile_error!` invocations.
//!
//! These replace the parts of `syn`/`quote` this crate used to need. Only
//! the compiler's own `proc_macro` API is used, so the crate builds from
//! nothing and stays off the critical path of a user's build.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Output under construction: template text and user tokens, in order.
#[derive(Default)]
pub(crate) struct Out(Vec<TokenTree>);

impl Out {
    /// Appends Rust source text; its tokens get the call-site span.
    pub(crate) fn src(&mut self, source: &str) -> &mut Self {
        let tokens: TokenStream = source
            .parse()
            .expect("the macro's own templates are valid tokens");
        self.0.extend(tokens);
        self
    }

    /// Appends tokens as they are, keeping their spans.
    pub(crate) fn tokens(&mut self, tokens: impl IntoIterator<Item = TokenTree>) -> &mut Self {
        self.0.extend(tokens);
        self
    }

    /// Appends one token.
    pub(crate) fn tree(&mut self, tree: impl Into<TokenTree>) -> &mut Self {
        self.0.push(tree.into());
        self
    }

    /// Wraps everything appended so far in `delimiter`, spanned at `span`,
    /// leaving `self` empty.
    pub(crate) fn group(&mut self, delimiter: Delimiter, span: Span) -> Group {
        let mut group = Group::new(delimiter, std::mem::take(self).into_stream());
        group.set_span(span);
        group
    }

    pub(crate) fn into_stream(self) -> TokenStream {
        self.0.into_iter().collect()
    }
}

/// Collects every error so that all of them are reported at once.
#[derive(Default)]
pub(crate) struct Errors(Vec<TokenTree>);

impl Errors {
    /// Reports `message` covering `tokens` (the first one's start to the last
    /// one's end), or the call site when `tokens` is empty.
    pub(crate) fn on(&mut self, tokens: &[TokenTree], message: impl AsRef<str>) {
        let start = tokens.first().map_or_else(Span::call_site, TokenTree::span);
        let end = tokens.last().map_or(start, TokenTree::span);
        self.between(start, end, message);
    }

    /// Reports `message` covering `start` to `end`.
    ///
    /// A proc macro on stable Rust cannot join two spans, so (as `syn` does)
    /// the path of `::core::compile_error!` gets `start` and its argument
    /// gets `end`; rustc reports the whole invocation, which then reads as
    /// one span from `start` to `end` in the user's source.
    pub(crate) fn between(&mut self, start: Span, end: Span, message: impl AsRef<str>) {
        let spanned = |mut tree: TokenTree, span| {
            tree.set_span(span);
            tree
        };
        for tree in [
            Punct::new(':', Spacing::Joint).into(),
            Punct::new(':', Spacing::Alone).into(),
            Ident::new("core", start).into(),
            Punct::new(':', Spacing::Joint).into(),
            Punct::new(':', Spacing::Alone).into(),
            Ident::new("compile_error", start).into(),
            Punct::new('!', Spacing::Alone).into(),
        ] {
            self.0.push(spanned(tree, start));
        }
        let message = spanned(Literal::string(message.as_ref()).into(), end);
        let mut argument = Group::new(Delimiter::Brace, message.into());
        argument.set_span(end);
        self.0.push(argument.into());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `compile_error!` invocations, followed by `rest`.
    pub(crate) fn then(self, rest: TokenStream) -> TokenStream {
        let mut tokens: TokenStream = self.0.into_iter().collect();
        tokens.extend(rest);
        tokens
    }
}

/// Whether `tree` is the punctuation character `ch`.
pub(crate) fn is_punct(tree: &TokenTree, ch: char) -> bool {
    matches!(tree, TokenTree::Punct(punct) if punct.as_char() == ch)
}

/// Whether `tree` is the identifier (or keyword) `name`.
pub(crate) fn is_ident(tree: &TokenTree, name: &str) -> bool {
    matches!(tree, TokenTree::Ident(ident) if ident.to_string() == name)
}

/// Whether `tree` is a group with `delimiter`.
pub(crate) fn is_group(tree: &TokenTree, delimiter: Delimiter) -> bool {
    matches!(tree, TokenTree::Group(group) if group.delimiter() == delimiter)
}

/// Replaces every invisible group (what `macro_rules!` puts around an
/// `$x:vis`, `$x:block`, `$x:literal`... fragment) by its contents, at the
/// top level of `tokens` only.
pub(crate) fn flatten_invisible(tokens: impl IntoIterator<Item = TokenTree>) -> Vec<TokenTree> {
    let mut out = Vec::new();
    for tree in tokens {
        match tree {
            TokenTree::Group(group) if group.delimiter() == Delimiter::None => {
                out.extend(flatten_invisible(group.stream()));
            }
            other => out.push(other),
        }
    }
    out
}

/// The value of a string literal token (`"..."` or `r#"..."#`), or `None`
/// for any other token. Escapes are not interpreted: a literal that contains
/// a backslash is refused, which is fine for the paths and names this crate
/// reads.
pub(crate) fn string_value(tree: &TokenTree) -> Option<String> {
    let TokenTree::Literal(literal) = tree else {
        return None;
    };
    let text = literal.to_string();
    let raw = text.strip_prefix('r').map(|rest| rest.trim_matches('#'));
    let quoted = raw.unwrap_or(&text);
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    (raw.is_some() || !inner.contains('\\')).then(|| inner.to_owned())
}

/// The value of an unsigned integer literal token such as `4`, `1_000` or
/// `8usize`; `None` for anything else, or if it does not fit a `usize`.
pub(crate) fn integer_value(tree: &TokenTree) -> Option<usize> {
    let TokenTree::Literal(literal) = tree else {
        return None;
    };
    let text = literal.to_string().replace('_', "");
    let (digits, radix) = match text.get(..2) {
        Some("0x") => (&text[2..], 16),
        Some("0o") => (&text[2..], 8),
        Some("0b") => (&text[2..], 2),
        _ => (&text[..], 10),
    };
    // Strip an integer suffix (`usize`, `u32`, ...); a float or a string
    // literal fails to parse below.
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    let suffix = &digits[end..];
    const SUFFIXES: &[&str] = &[
        "", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    ];
    if end == 0 || !SUFFIXES.contains(&suffix) {
        return None;
    }
    usize::from_str_radix(&digits[..end], radix).ok()
}

/// Whether `tokens` form a path: `a`, `::a`, `a::b::c`, `crate::x`...
pub(crate) fn is_path(tokens: &[TokenTree]) -> bool {
    let mut rest = tokens;
    let mut expect_ident = false;
    if rest.first().is_some_and(|t| is_punct(t, ':')) {
        // A leading `::` is fine; the segment after it is then required.
    } else if let [TokenTree::Ident(_), tail @ ..] = rest {
        rest = tail;
    } else {
        return false;
    }
    loop {
        match rest {
            [] => return !expect_ident,
            [first, second, tail @ ..] if is_punct(first, ':') && is_punct(second, ':') => {
                rest = tail;
                expect_ident = true;
            }
            [TokenTree::Ident(_), tail @ ..] if expect_ident => {
                rest = tail;
                expect_ident = false;
            }
            _ => return false,
        }
    }
}

/// `tokens` written as source, without spaces (for error messages).
pub(crate) fn shown(tokens: &[TokenTree]) -> String {
    let stream: TokenStream = tokens.iter().cloned().collect();
    stream.to_string().replace(' ', "")
}
