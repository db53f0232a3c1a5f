//! Authorization with IAM policy semantics: the root may do everything in its account; an
//! IAM user only what its policies and its groups' allow, a role session what its role's
//! policies allow; an explicit Deny anywhere wins.

use credreport_iam::model::{Entity, Role, User};
use credreport_iam::policy::{evaluate, Decision};
use credreport_iam::{AccountId, Iam};

use crate::error::AwsError;

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
    fn arn(&self) -> String;
}

/// What the caller's identity-based policies say of `action` on `resource` (the root user
/// is allowed everything in its account).
pub fn decide(
    iam: &Iam,
    caller: &dyn Caller,
    action: &str,
    resource: &str,
) -> Result<Decision, AwsError> {
    let entity = match caller.identity() {
        Identity::Root => return Ok(Decision::Allow),
        Identity::User(u) => Entity::user(&u.id),
        Identity::AssumedRole { role, .. } => Entity::role(&role.id),
    };
    let documents = iam.policy_documents(caller.account(), &entity)?;
    Ok(evaluate(&documents, action, resource))
}

/// Allows or refuses `action` (`iam:GetCredentialReport`) on `resource` (an ARN or `*`).
pub fn authorize(
    iam: &Iam,
    caller: &dyn Caller,
    action: &str,
    resource: &str,
) -> Result<(), AwsError> {
    let why = match decide(iam, caller, action, resource)? {
        Decision::Allow => return Ok(()),
        Decision::ExplicitDeny => "with an explicit deny in an identity-based policy".to_owned(),
        Decision::ImplicitDeny => {
            format!("because no identity-based policy allows the {action} action")
        }
    };
    Err(AwsError::access_denied(format!(
        "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
        caller.arn()
    )))
}
