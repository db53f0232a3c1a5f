//! Authorization as AWS's policy evaluation logic decides it (`credreport-policy`): the
//! root user may do everything in its account; anyone else what its identity-based policies
//! (a user's groups' too) allow, within its permissions boundary and its session policies,
//! with conditions and policy variables evaluated against the request's context
//! ([`context`]); an explicit Deny anywhere wins.
//!
//! Only the operations layer ([`crate::ops::Ops`]) calls this: every authorization of the
//! API and the console passes through [`crate::ops::Ops::decide`].

pub mod context;

use credreport_iam::authorizing::Holdings;
use credreport_iam::last_accessed::Grants;
use credreport_iam::model::{Entity, Role, User};
use credreport_iam::sts::SessionFacts;
use credreport_iam::{AccountId, Arn, Iam};
use credreport_policy::{
    evaluate, Decision, PolicySet, PolicyUse, Principal as PolicyPrincipal, Request, Sourced,
};

use crate::error::AwsError;
use crate::ops::{Action, RequestContext, Resource};
pub use context::RequestKeys;

/// Which identity a caller acts as.
#[derive(Clone, Copy, Debug)]
pub enum Identity<'a> {
    /// The account's root user.
    Root,
    /// An IAM user.
    User(&'a User),
    /// A session of a role (STS AssumeRole).
    AssumedRole {
        /// The role.
        role: &'a Role,
        /// The session's name.
        session: &'a str,
    },
}

/// Someone whose requests are authorized: an API caller ([`crate::Principal`], from a
/// verified signature) or a console session (from a sign-in). Both are authorized by the
/// same policies, here.
pub trait Caller {
    /// The caller's account.
    fn account(&self) -> &AccountId;
    /// Which identity it acts as.
    fn identity(&self) -> Identity<'_>;
    /// The caller's ARN (`…:root`, the user's, or the assumed role session's).
    fn arn(&self) -> Arn;
    /// What its temporary credentials carry (`None`: long-term credentials).
    fn session(&self) -> Option<&SessionFacts>;
}

/// The identity whose policies authorize a caller (`None`: the root user).
pub(crate) fn entity(caller: &dyn Caller) -> Option<Entity> {
    match caller.identity() {
        Identity::Root => None,
        Identity::User(u) => Some(Entity::user(&u.id)),
        Identity::AssumedRole { role, .. } => Some(Entity::role(&role.id)),
    }
}

/// Why a request was refused, for IAM's AccessDenied message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// An explicit Deny in a policy of this use.
    Denied(PolicyUse),
    /// No policy of this use allows it.
    NotAllowed(PolicyUse),
}

/// What the caller's policies say of `action` on `resource` in the request `request`, with
/// what the action adds (`extra`). `holdings` are the caller's identity's policies (`None`
/// for the root user).
pub(crate) fn decide(
    iam: &Iam,
    caller: &dyn Caller,
    holdings: Option<&Holdings>,
    action: Action,
    resource: &Resource,
    request: &RequestContext,
    extra: &RequestKeys<'_>,
) -> Result<(Decision, Option<Refusal>), credreport_iam::Error> {
    let Some(holdings) = holdings else {
        // The root user: everything in its account.
        return Ok((Decision::Allow, None));
    };
    let context = context::build(iam, caller, Some(holdings), request, resource, extra)?;
    let identity = holdings.identity_sourced();
    let session: Vec<Sourced<'_>> = caller
        .session()
        .map(|s| s.policies.iter().map(|p| p.sourced()).collect())
        .unwrap_or_default();
    let set = PolicySet {
        identity: &identity,
        boundary: holdings.boundary_sourced(),
        session: &session,
        ..PolicySet::default()
    };
    with_principal(caller, |principal| {
        let req = Request {
            principal,
            action: action.policy_name(),
            resource: resource.as_str(),
            resource_account: None,
            context: &context,
        };
        let decision = credreport_policy::decide(&req, &set);
        if decision == Decision::Allow {
            return Ok((decision, None));
        }
        // Refused: the explanation says which kind of policy refused it.
        let evaluation = evaluate(&req, &set);
        Ok((decision, Some(refusal_of(&evaluation, decision))))
    })
}

/// The groups and managed policies of the caller's whose policies allow `action` on
/// `resource` on their own (last-accessed data records them beside the caller). Asked
/// only when a use is written, once per window.
pub(crate) fn grants(
    iam: &Iam,
    caller: &dyn Caller,
    holdings: &Holdings,
    action: Action,
    resource: &Resource,
    request: &RequestContext,
    extra: &RequestKeys<'_>,
) -> Result<Grants, credreport_iam::Error> {
    let context = context::build(iam, caller, Some(holdings), request, resource, extra)?;
    Ok(with_principal(caller, |principal| {
        let req = Request {
            principal,
            action: action.policy_name(),
            resource: resource.as_str(),
            resource_account: None,
            context: &context,
        };
        holdings.grants(&req)
    }))
}

/// Runs `f` with the caller as the policy language names it.
pub(crate) fn with_principal<R>(
    caller: &dyn Caller,
    f: impl FnOnce(PolicyPrincipal<'_>) -> R,
) -> R {
    let account = caller.account().as_str();
    let arn = caller.arn();
    match caller.identity() {
        Identity::Root => f(PolicyPrincipal::Root { account }),
        Identity::User(_) => f(PolicyPrincipal::User {
            account,
            arn: arn.as_str(),
        }),
        Identity::AssumedRole { role, .. } => {
            let role_arn = role.to_arn();
            f(PolicyPrincipal::AssumedRole {
                account,
                role_arn: role_arn.as_str(),
                session_arn: Some(arn.as_str()),
            })
        }
    }
}

fn refusal_of(evaluation: &credreport_policy::Evaluation<'_>, decision: Decision) -> Refusal {
    if decision == Decision::ExplicitDeny {
        let by = evaluation
            .matched_statements
            .first()
            .map_or(PolicyUse::Identity, |m| m.used_as);
        return Refusal::Denied(by);
    }
    let identity_allows = evaluation.statements.iter().any(|s| {
        s.used_as == PolicyUse::Identity
            && s.statement.effect() == credreport_policy::Effect::Allow
            && s.applies.certain()
    });
    if !identity_allows {
        Refusal::NotAllowed(PolicyUse::Identity)
    } else if evaluation
        .permissions_boundary
        .is_some_and(|t| !t.certain())
    {
        Refusal::NotAllowed(PolicyUse::Boundary)
    } else if evaluation.session_policies.is_some_and(|t| !t.certain()) {
        Refusal::NotAllowed(PolicyUse::Session)
    } else {
        Refusal::NotAllowed(PolicyUse::Identity)
    }
}

/// IAM's AccessDenied for a refused request.
pub(crate) fn refusal(
    caller: &dyn Caller,
    action: Action,
    resource: &Resource,
    why: Option<Refusal>,
) -> AwsError {
    let kind = |used: PolicyUse| match used {
        PolicyUse::Boundary => "a permissions boundary",
        PolicyUse::Session => "a session policy",
        PolicyUse::Resource => "a resource-based policy",
        PolicyUse::Identity => "an identity-based policy",
    };
    let why = match why.unwrap_or(Refusal::NotAllowed(PolicyUse::Identity)) {
        Refusal::Denied(used) => format!("with an explicit deny in {}", kind(used)),
        Refusal::NotAllowed(PolicyUse::Boundary) => {
            format!("because no permissions boundary allows the {action} action")
        }
        Refusal::NotAllowed(PolicyUse::Session) => {
            format!("because no session policy allows the {action} action")
        }
        Refusal::NotAllowed(_) => {
            format!("because no identity-based policy allows the {action} action")
        }
    };
    AwsError::access_denied(format!(
        "User: {} is not authorized to perform: {action} on resource: {} {why}",
        caller.arn(),
        resource.as_str()
    ))
}
