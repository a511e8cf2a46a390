//! Splits the annotated item into the parts of a function signature the
//! expansion needs, keeping every token (and so every span) as written.
//!
//! A function item is read as
//!
//! ```text
//! #[outer]*  head  fn NAME generics (args)  [-> RET]  [where ...]  { #![inner]* body }
//! ```
//!
//! where `head` is the visibility and qualifiers (`pub`, `async`, `unsafe`,
//! `extern "C"`...). Nothing else is parsed: types, generics and the body
//! are passed through to rustc, which checks them with its own messages.

use proc_macro::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};

use crate::tokens::{flatten_invisible, is_group, is_ident, is_punct};

/// An `fn` item, in pieces.
pub(crate) struct Func {
    /// Outer attributes, each `#` followed by its `[...]` group.
    pub(crate) attrs: Vec<[TokenTree; 2]>,
    /// Visibility and qualifiers, without `async`.
    pub(crate) head: Vec<TokenTree>,
    /// The `async` keyword's span, if it was there.
    pub(crate) async_span: Option<Span>,
    pub(crate) fn_token: Ident,
    /// The name and any generic parameters.
    pub(crate) name: Vec<TokenTree>,
    pub(crate) args: Group,
    /// The type after `->`; empty for `()`.
    pub(crate) ret: Vec<TokenTree>,
    /// `where ...`, if any.
    pub(crate) where_clause: Vec<TokenTree>,
    /// Inner `#![...]` attributes from the top of the body.
    pub(crate) inner_attrs: Vec<TokenTree>,
    /// The body's statements, after the inner attributes.
    pub(crate) body: Vec<TokenTree>,
    pub(crate) body_span: Span,
}

impl Func {
    /// Whether an outer attribute looks like another test attribute
    /// (`#[test]`, `#[core::prelude::v1::test]`, `#[runtime::test]`...): the
    /// last segment of its path is `test`.
    pub(crate) fn is_test_attr(attr: &[TokenTree; 2]) -> bool {
        let TokenTree::Group(group) = &attr[1] else {
            return false;
        };
        let path_end = group
            .stream()
            .into_iter()
            .take_while(|t| matches!(t, TokenTree::Ident(_)) || is_punct(t, ':'))
            .last();
        path_end.is_some_and(|last| is_ident(&last, "test"))
    }
}

/// Reads `item` as a function; on failure returns the token to point the
/// error at (the first one after the attributes).
pub(crate) fn parse(item: TokenStream) -> Result<Func, Span> {
    let tokens = flatten_invisible(item);
    let mut rest = tokens.as_slice();
    let mut attrs = Vec::new();
    while let [hash, group, tail @ ..] = rest {
        if !(is_punct(hash, '#') && is_group(group, Delimiter::Bracket)) {
            break;
        }
        attrs.push([hash.clone(), group.clone()]);
        rest = tail;
    }
    let not_a_function = rest.first().map_or_else(Span::call_site, TokenTree::span);

    // Head: everything up to the `fn` keyword at the top level.
    let fn_at = rest
        .iter()
        .position(|t| is_ident(t, "fn"))
        .ok_or(not_a_function)?;
    let (head_tokens, rest) = rest.split_at(fn_at);
    if head_tokens.iter().any(|t| is_group(t, Delimiter::Brace)) {
        return Err(not_a_function);
    }
    let async_span = head_tokens
        .iter()
        .find(|t| is_ident(t, "async"))
        .map(TokenTree::span);
    let head = head_tokens
        .iter()
        .filter(|t| !is_ident(t, "async"))
        .cloned()
        .collect();
    let fn_token = match &rest[0] {
        TokenTree::Ident(ident) => ident.clone(),
        _ => unreachable!("found by is_ident"),
    };

    // Name and generics: up to the argument list, outside any `<...>`.
    let rest = &rest[1..];
    if !matches!(rest.first(), Some(TokenTree::Ident(_))) {
        return Err(not_a_function);
    }
    let args_at = arguments_position(rest).ok_or(not_a_function)?;
    let name = rest[..args_at].to_vec();
    let TokenTree::Group(args) = &rest[args_at] else {
        unreachable!("found by arguments_position");
    };

    // Return type and where clause, up to the body (the last token).
    let Some((TokenTree::Group(body), between)) = rest[args_at + 1..].split_last() else {
        return Err(not_a_function);
    };
    if body.delimiter() != Delimiter::Brace {
        return Err(not_a_function);
    }
    let (ret, where_clause) = match between {
        [dash, gt, tail @ ..] if is_punct(dash, '-') && is_punct(gt, '>') => {
            let where_at = tail
                .iter()
                .position(|t| is_ident(t, "where"))
                .unwrap_or(tail.len());
            (tail[..where_at].to_vec(), tail[where_at..].to_vec())
        }
        _ => (Vec::new(), between.to_vec()),
    };

    // Inner attributes are `#`, `!`, `[...]` at the top of the body.
    let body_tokens: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut inner_end = 0;
    while let [hash, bang, group, ..] = &body_tokens[inner_end..] {
        if !(is_punct(hash, '#') && is_punct(bang, '!') && is_group(group, Delimiter::Bracket)) {
            break;
        }
        inner_end += 3;
    }

    Ok(Func {
        attrs,
        head,
        async_span,
        fn_token,
        name,
        args: args.clone(),
        ret,
        where_clause,
        inner_attrs: body_tokens[..inner_end].to_vec(),
        body: body_tokens[inner_end..].to_vec(),
        body_span: body.span(),
    })
}

/// The index of the parenthesised argument list in `name generics (args)`,
/// skipping parentheses inside generics such as `<F: Fn()>`.
fn arguments_position(tokens: &[TokenTree]) -> Option<usize> {
    let mut depth = 0usize;
    let mut previous_was_dash = false;
    for (index, tree) in tokens.iter().enumerate() {
        if depth == 0 && is_group(tree, Delimiter::Parenthesis) {
            return Some(index);
        }
        if is_punct(tree, '<') {
            depth += 1;
        } else if is_punct(tree, '>') && !previous_was_dash {
            depth = depth.saturating_sub(1);
        }
        previous_was_dash = is_punct(tree, '-');
    }
    None
}
