//! STS AssumeRole: the caller's own policies' say on `sts:AssumeRole`, then the role's
//! trust policy (the domain's).

use credreport_iam::sts::{AssumeCaller, AssumeRequest, SessionCredentials};

use super::{Action, OpResult, Ops, Resource};
use crate::authz::Identity;

impl Ops<'_> {
    /// AssumeRole: temporary credentials for the role `role_arn`.
    pub fn assume_role(
        &self,
        role_arn: &str,
        session_name: &str,
        duration_secs: Option<u32>,
    ) -> OpResult<SessionCredentials> {
        // The identity the trust policy names: a user's ARN, or the role's for a session.
        let identity_arn = match self.caller.identity() {
            Identity::User(u) => Some(u.to_arn()),
            Identity::AssumedRole { role, .. } => Some(role.to_arn()),
            Identity::Root => None,
        };
        let display = self.caller.arn();
        let caller = AssumeCaller {
            account: self.account(),
            arn: identity_arn.as_ref().map(|a| a.as_str()),
            display_arn: display.as_str(),
            identity: self.decide(Action::AssumeRole, &Resource::given(role_arn))?,
        };
        Ok(self.iam.assume_role(
            &caller,
            &AssumeRequest {
                role_arn,
                session_name,
                duration_secs,
                region: self.context.region().unwrap_or_default(),
            },
        )?)
    }
}
