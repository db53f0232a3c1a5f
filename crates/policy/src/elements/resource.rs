//! The `Resource` and `NotResource` elements: `*` or ARN patterns, matched case-sensitively
//! part by part (a wildcard in the partition, service, region or account never spans a
//! colon; the resource part after the fifth colon is matched whole), with policy variables
//! in the resource part (Version 2012-10-17: "only in the resource portion of the ARN";
//! a `${` before the fifth colon is plain text).

use crate::context::RequestContext;
use crate::error::MalformedPolicy;
use crate::glob::{arn_parts, match_tokens, Glob, Tok};
use crate::template::{Resolved, Template};
use crate::tri::Tri;

#[derive(Clone, Debug)]
enum ResourcePattern {
    /// `*`.
    Any,
    /// Not an ARN (refused by [`check_resource`] in documents): matches nothing.
    Never,
    /// The six parts, each a pattern.
    Parts(Box<[Glob; 6]>),
    /// The first five parts, and a resource part with variables.
    Vars(Box<[Glob; 5]>, Template),
}

/// `Resource` (`negated == false`) or `NotResource`.
#[derive(Clone, Debug)]
pub(crate) struct Resources {
    negated: bool,
    patterns: Box<[ResourcePattern]>,
}

impl Resources {
    /// Compiles patterns checked by [`check_resource`].
    pub(crate) fn new(negated: bool, patterns: &[String], variables: bool) -> Resources {
        Resources {
            negated,
            patterns: patterns.iter().map(|p| compile(p, variables)).collect(),
        }
    }

    /// Whether the statement covers `resource`.
    pub(crate) fn matches(
        &self,
        resource: &str,
        ctx: &RequestContext,
        scratch: &mut Vec<Tok>,
        missing: &mut dyn FnMut(&str),
    ) -> Tri {
        if ctx.is_any_resource() {
            return self.matches_any(ctx, scratch, missing);
        }
        let parts = arn_parts(resource);
        let mut any = Tri::No;
        for p in self.patterns.iter() {
            let m = match (p, &parts) {
                (ResourcePattern::Any, _) => Tri::Yes,
                (ResourcePattern::Never, _) | (_, None) => Tri::No,
                (ResourcePattern::Parts(globs), Some(parts)) => {
                    Tri::from(globs.iter().zip(parts).all(|(g, part)| g.matches(part)))
                }
                (ResourcePattern::Vars(head, tail), Some(parts)) => {
                    if head.iter().zip(parts).all(|(g, part)| g.matches(part)) {
                        let resolved = tail.resolve(ctx, scratch, missing);
                        resolved.with(match_tokens(scratch, parts[5]))
                    } else {
                        Tri::No
                    }
                }
            };
            any = any.or(m);
            if any == Tri::Yes {
                break;
            }
        }
        if self.negated {
            !any
        } else {
            any
        }
    }

    /// [`Resources::matches`] for an unknown resource ([`RequestContext::any_resource`]):
    /// `*` covers every resource, any other pattern some, a pattern whose variable has no
    /// value none.
    fn matches_any(
        &self,
        ctx: &RequestContext,
        scratch: &mut Vec<Tok>,
        missing: &mut dyn FnMut(&str),
    ) -> Tri {
        let mut any = Tri::No;
        for p in self.patterns.iter() {
            let m = match p {
                ResourcePattern::Any => Tri::Yes,
                ResourcePattern::Never => Tri::No,
                ResourcePattern::Parts(_) => Tri::Maybe,
                ResourcePattern::Vars(_, tail) => match tail.resolve(ctx, scratch, missing) {
                    Resolved::NoValue => Tri::No,
                    Resolved::Exact | Resolved::Unknown => Tri::Maybe,
                },
            };
            any = any.or(m);
        }
        if self.negated {
            !any
        } else {
            any
        }
    }

    /// See [`crate::Statement::named_resources`].
    pub(crate) fn named(
        &self,
        ctx: &RequestContext,
        scratch: &mut Vec<Tok>,
    ) -> Option<Vec<String>> {
        if self.negated {
            return None;
        }
        let mut out = Vec::new();
        for p in self.patterns.iter() {
            match p {
                ResourcePattern::Any => return None,
                ResourcePattern::Never => {}
                ResourcePattern::Parts(globs) => match &globs[5] {
                    Glob::Exact(text) => out.push(text.to_string()),
                    Glob::Everything | Glob::Tokens(_) => return None,
                },
                ResourcePattern::Vars(_, tail) => match tail.resolve(ctx, scratch, &mut |_| {}) {
                    Resolved::NoValue => {}
                    Resolved::Unknown => return None,
                    Resolved::Exact => {
                        let mut text = String::with_capacity(scratch.len());
                        for t in scratch.iter() {
                            match t {
                                Tok::Lit(c) => text.push(*c),
                                Tok::Any | Tok::One => return None,
                            }
                        }
                        out.push(text);
                    }
                },
            }
        }
        Some(out)
    }

    /// The variables of its patterns, as written.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.patterns
            .iter()
            .filter_map(|p| match p {
                ResourcePattern::Vars(_, t) => Some(t.variables()),
                _ => None,
            })
            .flatten()
    }
}

fn compile(pattern: &str, variables: bool) -> ResourcePattern {
    if pattern == "*" {
        return ResourcePattern::Any;
    }
    let Some(parts) = arn_parts(pattern) else {
        return ResourcePattern::Never;
    };
    let head: [Glob; 5] = std::array::from_fn(|i| Glob::new(parts[i]));
    match variables.then(|| Template::parse(parts[5], true)).flatten() {
        Some(tail) => ResourcePattern::Vars(Box::new(head), tail),
        None => {
            let [a, b, c, d, e] = head;
            ResourcePattern::Parts(Box::new([a, b, c, d, e, Glob::new(parts[5])]))
        }
    }
}

/// `*`, or an ARN: `arn:` and at least six `:`-separated parts (partition, service,
/// region and account may be empty or wildcards).
pub(crate) fn check_resource(resource: &str) -> Result<(), MalformedPolicy> {
    if resource == "*" || (resource.starts_with("arn:") && resource.split(':').count() >= 6) {
        Ok(())
    } else {
        Err(MalformedPolicy(format!(
            "Resource {resource} must be in ARN format or \"*\"."
        )))
    }
}
