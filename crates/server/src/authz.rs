//! Authorization with IAM policy semantics: the root may do everything in its account; an
//! IAM user only what its inline policies allow, an explicit Deny winning.

use credreport_iam::model::User;
use credreport_iam::policy::{evaluate, Decision};
use credreport_iam::{AccountId, Iam};

use crate::error::AwsError;

/// Someone whose requests are authorized: an API caller ([`crate::Principal`], from a
/// verified signature) or a console session (from a sign-in). Both are authorized by the
/// same policies, here.
pub trait Caller {
    /// The caller's account.
    fn account(&self) -> &AccountId;
    /// The IAM user, or `None` for the account's root user.
    fn user(&self) -> Option<&User>;
    /// The caller's ARN (`…:root` or the user's).
    fn arn(&self) -> String;
}

/// Allows or refuses `action` (`iam:GetCredentialReport`) on `resource` (an ARN or `*`).
pub fn authorize(
    iam: &Iam,
    caller: &dyn Caller,
    action: &str,
    resource: &str,
) -> Result<(), AwsError> {
    let Some(user) = caller.user() else {
        return Ok(());
    };
    let documents = iam.policy_documents(caller.account(), &user.id)?;
    let why = match evaluate(&documents, action, resource) {
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
