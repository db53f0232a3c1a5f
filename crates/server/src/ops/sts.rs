//! STS: AssumeRole (one evaluation of the caller's policies with the role's trust policy,
//! the domain's) and GetSessionToken (no permission needed).

use credreport_iam::model::Owner;
use credreport_iam::sts::{AssumeRequest, MfaProof, SessionCredentials, StsCaller};
use credreport_policy::Sourced;

use super::{Action, OpResult, Ops, Resource};
use crate::authz::{self, Identity, RequestKeys};

impl Ops<'_> {
    /// Runs `f` with the caller as STS takes it: who it is, its policies, and the request's
    /// context built for it (about `resource`).
    fn as_sts_caller<R>(
        &self,
        resource: &Resource,
        f: impl FnOnce(&StsCaller<'_>) -> credreport_iam::Result<R>,
    ) -> OpResult<R> {
        let holdings = self.holdings()?;
        let context = authz::context::build(
            self.iam,
            self.caller,
            holdings,
            self.context,
            resource,
            &RequestKeys::default(),
        )?;
        let identity: Vec<Sourced<'_>> = holdings.map(|h| h.identity_sourced()).unwrap_or_default();
        let session: Vec<Sourced<'_>> = self
            .caller
            .session()
            .map(|s| s.policies.iter().map(|p| p.sourced()).collect())
            .unwrap_or_default();
        let owner = match self.caller.identity() {
            Identity::Root => Some(Owner::Root),
            Identity::User(u) => Some(Owner::User(u.id.clone())),
            Identity::AssumedRole { .. } => None,
        };
        let display = self.caller.arn();
        Ok(authz::with_principal(self.caller, |principal| {
            f(&StsCaller {
                account: self.account(),
                principal,
                owner: owner.as_ref(),
                display_arn: display.as_str(),
                session: self.caller.session(),
                identity: &identity,
                boundary: holdings.and_then(|h| h.boundary_sourced()),
                session_policies: &session,
                context: &context,
            })
        })?)
    }

    /// AssumeRole: temporary credentials for the role the request names.
    pub fn assume_role(&self, req: &AssumeRequest<'_>) -> OpResult<SessionCredentials> {
        let resource = Resource::given(req.role_arn);
        let credentials =
            self.as_sts_caller(&resource, |caller| self.iam.assume_role(caller, req))?;
        // Allowed: a use of sts:AssumeRole, as any other authorized action's.
        self.record_use(Action::AssumeRole, &resource, &RequestKeys::default())?;
        Ok(credentials)
    }

    /// GetSessionToken: temporary credentials for the caller itself, an MFA session when
    /// a code from its device is given.
    pub fn get_session_token(
        &self,
        duration_secs: Option<u32>,
        mfa: Option<MfaProof<'_>>,
    ) -> OpResult<SessionCredentials> {
        self.as_sts_caller(&Resource::Any, |caller| {
            self.iam.get_session_token(caller, duration_secs, mfa)
        })
    }
}
