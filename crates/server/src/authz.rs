//! Authorization with IAM policy semantics: the root may do everything in its account; an
//! IAM user only what its policies and its groups' allow, a role session what its role's
//! policies allow; an explicit Deny anywhere wins.
//!
//! Only the operations layer ([`crate::ops::Ops`]) calls this: every authorization of the
//! API and the console passes through [`crate::ops::Ops::decide`].

use credreport_iam::model::{Entity, Role, User};
use credreport_iam::policy::{evaluate, Decision};
use credreport_iam::{AccountId, Arn, Iam};

use crate::error::AwsError;
use crate::ops::{Action, RequestContext, Resource};

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
}

/// What the caller's identity-based policies say of `action` on `resource` (the root user
/// is allowed everything in its account). `_context` is what the request knows, for the
/// policy language's condition keys.
pub(crate) fn decide(
    iam: &Iam,
    caller: &dyn Caller,
    action: Action,
    resource: &Resource,
    _context: &RequestContext,
) -> Result<Decision, credreport_iam::Error> {
    let entity = match caller.identity() {
        Identity::Root => return Ok(Decision::Allow),
        Identity::User(u) => Entity::user(&u.id),
        Identity::AssumedRole { role, .. } => Entity::role(&role.id),
    };
    let documents = iam.policy_documents(caller.account(), &entity)?;
    Ok(evaluate(
        &documents,
        action.policy_name(),
        resource.as_str(),
    ))
}

/// IAM's AccessDenied for a refused `decision`.
pub(crate) fn refusal(
    caller: &dyn Caller,
    action: Action,
    resource: &Resource,
    decision: Decision,
) -> AwsError {
    let why = match decision {
        Decision::ExplicitDeny => "with an explicit deny in an identity-based policy".to_owned(),
        Decision::Allow | Decision::ImplicitDeny => {
            format!("because no identity-based policy allows the {action} action")
        }
    };
    AwsError::access_denied(format!(
        "User: {} is not authorized to perform: {action} on resource: {} {why}",
        caller.arn(),
        resource.as_str()
    ))
}
