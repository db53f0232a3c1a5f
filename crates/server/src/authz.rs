//! Authorization with IAM policy semantics: the root may do everything in its account; an
//! IAM user only what its inline policies allow, an explicit Deny winning.

use credreport_iam::policy::{evaluate, Decision};
use credreport_iam::Iam;

use crate::error::AwsError;
use crate::principal::Principal;

/// Allows or refuses `action` (`iam:GetCredentialReport`) on `resource` (an ARN or `*`).
pub fn authorize(
    iam: &Iam,
    principal: &Principal,
    action: &str,
    resource: &str,
) -> Result<(), AwsError> {
    let Some(user) = principal.user() else {
        return Ok(());
    };
    let documents = iam.policy_documents(principal.account(), &user.id)?;
    let why = match evaluate(&documents, action, resource) {
        Decision::Allow => return Ok(()),
        Decision::ExplicitDeny => "with an explicit deny in an identity-based policy".to_owned(),
        Decision::ImplicitDeny => {
            format!("because no identity-based policy allows the {action} action")
        }
    };
    Err(AwsError::access_denied(format!(
        "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
        principal.arn()
    )))
}
