//! One statement: its elements read and checked as IAM checks them, and whether it
//! applies to a request.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::catalog::ActionSet;
use crate::condition::{parse_block, Condition};
use crate::context::RequestContext;
use crate::document::PolicyKind;
use crate::elements::action::{check_action, Actions};
use crate::elements::principal::{Principal, Principals, Reach};
use crate::elements::resource::{check_resource, Resources};
use crate::error::{messages, MalformedPolicy};
use crate::glob::Tok;
use crate::spans::Position;
use crate::tri::Tri;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `"Allow"`
    Allow,
    /// `"Deny"`
    Deny,
}

/// A statement of a policy.
#[derive(Clone, Debug)]
pub struct Statement {
    sid: Option<String>,
    effect: Effect,
    principals: Option<Principals>,
    actions: Actions,
    resources: Option<Resources>,
    conditions: Box<[Condition]>,
    start: Position,
    end: Position,
    /// The catalog actions its `Action` or `NotAction` covers, worked out once
    /// ([`crate::catalog::Catalog::covered_by`]): a parsed policy is shared and read
    /// again and again.
    covered: OnceLock<ActionSet>,
}

impl Statement {
    /// Where [`crate::catalog::Catalog::covered_by`] keeps its answer.
    pub(crate) fn covered(&self) -> &OnceLock<ActionSet> {
        &self.covered
    }

    /// The `Sid`, when it has a non-empty one.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// The effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// Where the statement's object begins in the document (its `{`).
    pub fn start(&self) -> Position {
        self.start
    }

    /// Where it ends (its `}`).
    pub fn end(&self) -> Position {
        self.end
    }

    /// Its `Action` or `NotAction`.
    pub(crate) fn actions(&self) -> &Actions {
        &self.actions
    }

    /// Whether it has a `Condition` (a non-empty one).
    pub fn has_conditions(&self) -> bool {
        !self.conditions.is_empty()
    }

    /// Whether the statement covers `action` on `resource` for `ctx`, principals aside:
    /// `Yes` when its `Action`, `Resource` and `Condition` hold for every context
    /// consistent with `ctx`, `Maybe` when for some, `No` when for none. A complete
    /// context gives `Yes` or `No`.
    pub fn applies(&self, action: &str, resource: &str, ctx: &RequestContext) -> Tri {
        let action = action.to_ascii_lowercase();
        self.applies_to(&action, resource, ctx, &mut Vec::new(), &mut |_| {}, false)
    }

    /// How its `Principal` or `NotPrincipal` names `principal` ([`Reach::None`] for a
    /// statement without one: an identity-based policy's).
    pub fn reach(&self, principal: &Principal<'_>) -> Reach {
        self.principals
            .as_ref()
            .map_or(Reach::None, |p| p.reach(principal))
    }

    /// [`Statement::applies`] with the action already in ASCII lowercase, a reusable
    /// scratch buffer, and `missing` hearing the context keys it lacked; `thorough`
    /// evaluates every condition (to hear every missing key) instead of stopping at the
    /// first that fails.
    pub(crate) fn applies_to(
        &self,
        lowercase_action: &str,
        resource: &str,
        ctx: &RequestContext,
        scratch: &mut Vec<Tok>,
        missing: &mut dyn FnMut(&str),
        thorough: bool,
    ) -> Tri {
        if !self.actions.matches(lowercase_action) {
            return Tri::No;
        }
        let mut applies = match &self.resources {
            None => Tri::Yes,
            Some(r) => r.matches(resource, ctx, scratch, missing),
        };
        if applies == Tri::No {
            return Tri::No;
        }
        for c in self.conditions.iter() {
            applies = applies.and(c.eval(ctx, scratch, missing));
            if applies == Tri::No && !thorough {
                break;
            }
        }
        applies
    }

    /// The resources its `Resource` names without a wildcard, for `ctx`: the resource
    /// part (after the fifth colon) of each pattern, its policy variables substituted.
    /// `None` when it may cover other resources too: a pattern with a wildcard in its
    /// resource part or an unknown variable, `*`, `NotResource`, or no `Resource` at all.
    /// A pattern whose variable has no value names nothing. For analyses that ask about
    /// many resources: a resource whose resource part is not listed is not covered.
    pub fn named_resources(&self, ctx: &RequestContext) -> Option<Vec<String>> {
        self.resources.as_ref()?.named(ctx, &mut Vec::new())
    }

    /// The context keys its conditions and variables use, as written.
    pub fn context_keys(&self) -> impl Iterator<Item = &str> {
        let resource_vars = self.resources.iter().flat_map(Resources::variables);
        let condition_keys = self
            .conditions
            .iter()
            .flat_map(|c| std::iter::once(c.key_name()).chain(c.variables()));
        resource_vars.chain(condition_keys)
    }
}

fn syntax() -> MalformedPolicy {
    MalformedPolicy::new(messages::SYNTAX)
}

/// A string or an array of strings.
fn string_list(value: Value) -> Result<Vec<String>, MalformedPolicy> {
    match value {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                _ => Err(syntax()),
            })
            .collect(),
        _ => Err(syntax()),
    }
}

/// Exactly one of the element and its `Not` form, non-empty.
fn exactly_one<T>(
    positive: Option<T>,
    negative: Option<T>,
    missing: &str,
) -> Result<(bool, T), MalformedPolicy> {
    match (positive, negative) {
        (Some(_), Some(_)) => Err(syntax()),
        (Some(p), None) => Ok((false, p)),
        (None, Some(n)) => Ok((true, n)),
        (None, None) => Err(MalformedPolicy::new(missing)),
    }
}

fn non_empty(
    element: (bool, Vec<String>),
    missing: &str,
) -> Result<(bool, Vec<String>), MalformedPolicy> {
    if element.1.is_empty() {
        return Err(MalformedPolicy::new(missing));
    }
    Ok(element)
}

/// Reads one statement object of a document of `kind`; `variables` when the document's
/// Version reads policy variables. Elements are read in the order of their names (as
/// the JSON object keeps them), so the first error met is the one reported.
pub(crate) fn parse_statement(
    raw: Map<String, Value>,
    kind: PolicyKind,
    variables: bool,
    (start, end): (Position, Position),
) -> Result<Statement, MalformedPolicy> {
    if kind == PolicyKind::Identity
        && (raw.contains_key("Principal") || raw.contains_key("NotPrincipal"))
    {
        return Err(MalformedPolicy::new(messages::PRINCIPAL));
    }
    let mut sid = None;
    let mut effect = None;
    let (mut action, mut not_action) = (None, None);
    let (mut resource, mut not_resource) = (None, None);
    let (mut principal, mut not_principal) = (None, None);
    let mut conditions = Vec::new();
    for (key, value) in raw {
        match key.as_str() {
            "Sid" => {
                let Value::String(s) = value else {
                    return Err(syntax());
                };
                if kind != PolicyKind::Resource && !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(MalformedPolicy::new(messages::SID_CHARS));
                }
                sid = Some(s);
            }
            "Effect" => {
                effect = Some(match value.as_str() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => return Err(syntax()),
                });
            }
            "Action" => action = Some(string_list(value)?),
            "NotAction" => not_action = Some(string_list(value)?),
            "Resource" | "NotResource" if kind == PolicyKind::Trust => {
                return Err(MalformedPolicy(format!("Has prohibited field {key}")));
            }
            "Resource" => resource = Some(string_list(value)?),
            "NotResource" => not_resource = Some(string_list(value)?),
            "NotPrincipal" if kind == PolicyKind::Trust => {
                return Err(MalformedPolicy::new(messages::TRUST_NOT_PRINCIPAL));
            }
            "Principal" => principal = Some(Principals::parse(value, false)?),
            "NotPrincipal" => not_principal = Some(Principals::parse(value, true)?),
            "Condition" => conditions = parse_block(value, variables)?,
            _ => return Err(syntax()),
        }
    }
    let effect = effect.ok_or_else(syntax)?;
    let (negated, actions) = non_empty(
        exactly_one(action, not_action, messages::NO_ACTIONS)?,
        messages::NO_ACTIONS,
    )?;
    for a in &actions {
        check_action(a)?;
    }
    let actions = Actions::new(negated, &actions);
    let resources = match kind {
        PolicyKind::Trust => None,
        PolicyKind::Resource if resource.is_none() && not_resource.is_none() => None,
        PolicyKind::Identity | PolicyKind::Resource => {
            let (negated, patterns) = non_empty(
                exactly_one(resource, not_resource, messages::NO_RESOURCES)?,
                messages::NO_RESOURCES,
            )?;
            for r in &patterns {
                check_resource(r)?;
            }
            Some(Resources::new(negated, &patterns, variables))
        }
    };
    let principals = match kind {
        PolicyKind::Identity => None,
        PolicyKind::Resource | PolicyKind::Trust => {
            Some(exactly_one(principal, not_principal, messages::MISSING_PRINCIPAL)?.1)
        }
    };
    Ok(Statement {
        sid: sid.filter(|s| !s.is_empty()),
        effect,
        principals,
        actions,
        resources,
        conditions: conditions.into(),
        start,
        end,
        covered: OnceLock::new(),
    })
}
