//! Policy variables: `${key}` in `Resource` and in condition values of documents of
//! Version 2012-10-17, as AWS's "IAM policy elements: Variables and tags" page describes:
//!
//! - `${aws:username}` is the context key's value, taken literally (a `*` in a value is
//!   not a wildcard);
//! - `${*}`, `${?}` and `${$}` are a literal `*`, `?` and `$`;
//! - `${key, 'default'}` is the default value when the key has no value;
//! - a variable whose key has no value (absent, multivalued, or unknown) and no default has
//!   no value: the pattern it is part of matches nothing.
//!
//! Text that does not form a variable (`${` without `}`, an empty key, a default not in
//! single quotes) is kept as written.

use crate::context::{Lookup, RequestContext};
use crate::glob::{push_literal, push_pattern, Tok};
use crate::tri::Tri;

#[derive(Clone, Debug)]
enum Piece {
    /// Fixed tokens.
    Fixed(Box<[Tok]>),
    /// A variable.
    Var {
        /// The key, lowercase.
        key: Box<str>,
        /// The key as written.
        name: Box<str>,
        default: Option<Box<str>>,
    },
}

/// A text with policy variables, compiled.
#[derive(Clone, Debug)]
pub(crate) struct Template {
    pieces: Box<[Piece]>,
}

/// What a template turns into for a context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// Every variable had a value (or a default): the tokens are the pattern.
    Exact,
    /// Some variable's key is unknown (open context): it stands as `*` in the tokens, so
    /// a text that does not match cannot match for any value.
    Unknown,
    /// Some variable has no value: the pattern matches nothing.
    NoValue,
}

impl Resolved {
    /// The answer of a match attempt with the resolved tokens.
    pub(crate) fn with(self, matched: bool) -> Tri {
        match (self, matched) {
            (Resolved::NoValue, _) | (_, false) => Tri::No,
            (Resolved::Exact, true) => Tri::Yes,
            (Resolved::Unknown, true) => Tri::Maybe,
        }
    }
}

impl Template {
    /// Compiles `text`; `wildcards` says whether its own `*` and `?` are wildcards (the
    /// `Like` and `Arn` operators, `Resource`) or themselves (the `Equals` operators).
    /// `None` when the text has no variable: the caller keeps a plain pattern.
    pub(crate) fn parse(text: &str, wildcards: bool) -> Option<Template> {
        let fixed = |s: &str| {
            let mut toks = Vec::with_capacity(s.len());
            if wildcards {
                push_pattern(&mut toks, s);
            } else {
                push_literal(&mut toks, s);
            }
            toks
        };
        let mut pieces = Vec::new();
        let mut pending: Vec<Tok> = Vec::new();
        let mut rest = text;
        let mut any_var = false;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                break;
            };
            let inner = &after[..end];
            let before = &rest[..start];
            match variable(inner) {
                Some(Variable::Char(c)) => {
                    pending.extend(fixed(before));
                    pending.push(Tok::Lit(c));
                }
                Some(Variable::Key { name, default }) => {
                    pending.extend(fixed(before));
                    if !pending.is_empty() {
                        pieces.push(Piece::Fixed(std::mem::take(&mut pending).into()));
                    }
                    pieces.push(Piece::Var {
                        key: name.to_lowercase().into(),
                        name: name.into(),
                        default: default.map(Into::into),
                    });
                }
                None => pending.extend(fixed(&rest[..start + 2 + end + 1])),
            }
            any_var = true;
            rest = &after[end + 1..];
        }
        if !any_var {
            return None;
        }
        pending.extend(fixed(rest));
        if !pending.is_empty() {
            pieces.push(Piece::Fixed(pending.into()));
        }
        Some(Template {
            pieces: pieces.into(),
        })
    }

    /// The keys of the template's variables, as written.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var { name, .. } => Some(&**name),
            Piece::Fixed(_) => None,
        })
    }

    /// Writes the pattern for `ctx` into `out` (cleared first). `missing` hears each key
    /// that had no value in the context (as written), defaults or not.
    pub(crate) fn resolve(
        &self,
        ctx: &RequestContext,
        out: &mut Vec<Tok>,
        missing: &mut dyn FnMut(&str),
    ) -> Resolved {
        out.clear();
        let mut resolved = Resolved::Exact;
        for piece in self.pieces.iter() {
            match piece {
                Piece::Fixed(toks) => out.extend_from_slice(toks),
                Piece::Var { key, name, default } => match ctx.variable(key) {
                    Lookup::Present(values) => {
                        push_literal(out, values.first().map_or("", |v| v.text()));
                    }
                    lookup => {
                        missing(name);
                        match (lookup, default) {
                            (Lookup::Unknown, _) => {
                                out.push(Tok::Any);
                                resolved = Resolved::Unknown;
                            }
                            (_, Some(default)) => push_literal(out, default),
                            (_, None) => return Resolved::NoValue,
                        }
                    }
                },
            }
        }
        resolved
    }
}

enum Variable<'a> {
    Char(char),
    Key {
        name: &'a str,
        default: Option<&'a str>,
    },
}

/// What is between `${` and `}`.
fn variable(inner: &str) -> Option<Variable<'_>> {
    match inner {
        "*" => return Some(Variable::Char('*')),
        "?" => return Some(Variable::Char('?')),
        "$" => return Some(Variable::Char('$')),
        _ => {}
    }
    let (name, default) = match inner.split_once(',') {
        None => (inner.trim(), None),
        Some((name, default)) => {
            let default = default.trim();
            let quoted = default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))?;
            (name.trim(), Some(quoted))
        }
    };
    (!name.is_empty()).then_some(Variable::Key { name, default })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextValue;
    use crate::glob::match_tokens;

    fn check(template: &str, ctx: &RequestContext, text: &str, expected: Tri) {
        let t = Template::parse(template, true).unwrap_or_else(|| panic!("{template}"));
        let mut toks = Vec::new();
        let resolved = t.resolve(ctx, &mut toks, &mut |_| {});
        assert_eq!(
            resolved.with(match_tokens(&toks, text)),
            expected,
            "{template} / {text}"
        );
    }

    #[test]
    fn variables_as_aws_documents_them() {
        let mut ctx = RequestContext::new();
        ctx.set("aws:username", ContextValue::string("Alice"))
            .set("aws:PrincipalTag/team", ContextValue::string("a*"))
            .set_list("aws:TagKeys", [ContextValue::string("x")]);
        use Tri::{No, Yes};
        let cases: &[(&str, &str, Tri)] = &[
            ("home/${aws:username}/*", "home/Alice/x", Yes),
            ("home/${AWS:UserName}/*", "home/Alice/x", Yes),
            ("home/${aws:username}/*", "home/alice/x", No),
            // A value is literal: its `*` matches only a `*`.
            ("t-${aws:PrincipalTag/team}", "t-a*", Yes),
            ("t-${aws:PrincipalTag/team}", "t-ab", No),
            // The special characters.
            ("a${*}b", "a*b", Yes),
            ("a${*}b", "axb", No),
            ("a${?}${$}", "a?$", Yes),
            // Defaults, with and without a value.
            (
                "b-${aws:PrincipalTag/dept, 'company-wide'}",
                "b-company-wide",
                Yes,
            ),
            ("b-${aws:username, 'x'}", "b-Alice", Yes),
            // No value and no default: nothing matches, not even `*`.
            ("${aws:PrincipalTag/dept}*", "anything", No),
            // A multivalued key is no variable.
            ("${aws:TagKeys}", "x", No),
            // Not variables: kept as written.
            ("${aws:username, x}", "${aws:username, x}", Yes),
            ("${}-${aws:username}", "${}-Alice", Yes),
        ];
        for &(template, text, expected) in cases {
            check(template, &ctx, text, expected);
        }
        assert!(Template::parse("no variables", true).is_none());
        assert!(Template::parse("a${b", true).is_none());
    }

    #[test]
    fn unknown_keys_stand_for_anything() {
        let ctx = RequestContext::open();
        check("user/${aws:username}", &ctx, "user/bob", Tri::Maybe);
        check("user/${aws:username}", &ctx, "role/bob", Tri::No);
        let t = Template::parse("${a}${b, 'd'}", false).map(|t| t.variables().count());
        assert_eq!(t, Some(2));
    }
}
