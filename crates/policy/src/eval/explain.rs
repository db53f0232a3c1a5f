//! What an evaluation says about itself, as SimulatePrincipalPolicy's `EvaluationResult`
//! does: the statements that decided (`MatchedStatements`), the context keys the policies
//! wanted and the context lacked (`MissingContextValues`), the permissions boundary's own
//! answer (`PermissionsBoundaryDecisionDetail`).

use std::collections::HashSet;

use super::{Decision, PolicySet, PolicyUse, SourceType, Sourced, Tally};
use crate::statement::{Effect, Statement};
use crate::tri::Tri;

/// Hears the context keys the evaluation misses; the quiet one compiles to nothing.
pub(super) trait Listen {
    /// Whether anything is listened to (conditions are then all evaluated, to hear every
    /// missing key).
    const ON: bool;
    fn missing(&mut self, key: &str);
}

/// Hears the statements that apply, too.
pub(super) trait Trace<'a>: Listen {
    fn statement(&mut self, used: PolicyUse, sourced: &Sourced<'a>, index: usize, applies: Tri);
}

/// The trace of [`super::decide`]: nothing.
pub(super) struct Quiet;

impl Listen for Quiet {
    const ON: bool = false;
    fn missing(&mut self, _: &str) {}
}

impl<'a> Trace<'a> for Quiet {
    fn statement(&mut self, _: PolicyUse, _: &Sourced<'a>, _: usize, _: Tri) {}
}

/// A statement that applied (for every context, or for some).
#[derive(Clone, Copy, Debug)]
pub struct StatementResult<'a> {
    /// The caller's id of its policy.
    pub source_id: &'a str,
    /// Its policy's kind of source.
    pub source_type: SourceType,
    /// What its policy was used as.
    pub used_as: PolicyUse,
    /// Its position in its policy's statements, from 0.
    pub index: usize,
    /// The statement (its `Sid`, effect, start and end positions).
    pub statement: &'a Statement,
    /// Whether it applied for every context (`Yes`) or some (`Maybe`).
    pub applies: Tri,
}

/// The decision on a request and why.
#[derive(Clone, Debug)]
pub struct Evaluation<'a> {
    /// The decision (with an open context, the conservative one).
    pub decision: Decision,
    /// Whether the request is allowed for every context consistent with the request's
    /// (`Yes`), for some (`Maybe`), or for none (`No`). With a complete context: `Yes`
    /// exactly when `decision` is `Allow`.
    pub allowed: Tri,
    /// The statements that decided: for an explicit deny the `Deny` statements that apply
    /// (or may), for an allow the `Allow` statements that apply; none for an implicit
    /// deny.
    pub matched_statements: Vec<StatementResult<'a>>,
    /// Every statement that applied or may apply, in evaluation order (identity-based,
    /// resource-based, boundary, session).
    pub statements: Vec<StatementResult<'a>>,
    /// The context keys that statements covering the action and resource use and the
    /// context did not give, as written in the policies, without repeats, sorted.
    pub missing_context_values: Vec<String>,
    /// What the permissions boundary says (`None` without one).
    pub permissions_boundary: Option<Tri>,
    /// What the session policies say (`None` without them).
    pub session_policies: Option<Tri>,
    /// Whether the resource-based policy allows the principal (`None` without one).
    pub resource_policy: Option<Tri>,
}

impl Evaluation<'_> {
    /// `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`: whether the
    /// boundary allows (for every context); `None` without a boundary.
    pub fn allowed_by_permissions_boundary(&self) -> Option<bool> {
        self.permissions_boundary.map(Tri::certain)
    }
}

/// The trace of [`super::evaluate`].
#[derive(Default)]
pub(super) struct Explain<'a> {
    statements: Vec<StatementResult<'a>>,
    missing: Vec<String>,
    missing_seen: HashSet<String>,
}

impl Listen for Explain<'_> {
    const ON: bool = true;

    fn missing(&mut self, key: &str) {
        if self.missing_seen.insert(key.to_lowercase()) {
            self.missing.push(key.to_owned());
        }
    }
}

impl<'a> Trace<'a> for Explain<'a> {
    fn statement(&mut self, used: PolicyUse, sourced: &Sourced<'a>, index: usize, applies: Tri) {
        let policy: &'a crate::document::Policy = sourced.policy;
        if let Some(statement) = policy.statements().get(index) {
            self.statements.push(StatementResult {
                source_id: sourced.id,
                source_type: sourced.source_type,
                used_as: used,
                index,
                statement,
                applies,
            });
        }
    }
}

impl<'a> Explain<'a> {
    pub(super) fn finish(
        mut self,
        decision: Decision,
        allowed: Tri,
        policies: &PolicySet<'_>,
        tally: &Tally,
    ) -> Evaluation<'a> {
        let matched_statements = self
            .statements
            .iter()
            .filter(|s| match decision {
                Decision::ExplicitDeny => s.statement.effect() == Effect::Deny,
                Decision::Allow => s.statement.effect() == Effect::Allow && s.applies.certain(),
                Decision::ImplicitDeny => false,
            })
            .copied()
            .collect();
        self.missing.sort_by_key(|k| k.to_lowercase());
        Evaluation {
            decision,
            allowed,
            matched_statements,
            statements: self.statements,
            missing_context_values: self.missing,
            permissions_boundary: policies.boundary.map(|_| tally.boundary),
            session_policies: (!policies.session.is_empty()).then_some(tally.session),
            resource_policy: policies
                .resource
                .map(|_| tally.by_account.or(tally.by_role).or(tally.by_name)),
        }
    }
}
