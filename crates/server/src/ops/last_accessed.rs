//! Last-accessed data (GenerateServiceLastAccessedDetails and its Get actions) and
//! ListOrganizationsFeatures.

use credreport_iam::last_accessed::{AccessJob, Granularity, ServiceUse};

use super::{Action, OpResult, Ops, Resource};
use crate::error::AwsError;

impl Ops<'_> {
    /// GenerateServiceLastAccessedDetails: a job about `arn` (a user, group, role or
    /// managed policy), authorized on it; answers the job's id.
    pub fn generate_last_accessed(&self, arn: &str, granularity: Granularity) -> OpResult<String> {
        self.authorize(
            Action::GenerateServiceLastAccessedDetails,
            &Resource::given(arn),
        )?;
        let owner = self.caller.arn();
        Ok(self
            .iam
            .generate_last_accessed(self.account(), owner.as_str(), arn, granularity)?)
    }

    /// GetServiceLastAccessedDetails or GetServiceLastAccessedDetailsWithEntities
    /// (`action`): the caller's job `job_id`.
    pub fn last_accessed_job(&self, action: Action, job_id: &str) -> OpResult<AccessJob> {
        self.authorize(action, &Resource::Any)?;
        let owner = self.caller.arn();
        Ok(self
            .iam
            .last_accessed_job(self.account(), owner.as_str(), job_id)?)
    }

    /// ListOrganizationsFeatures: the centralized root access features of the account's
    /// organization. IAM answers an account outside any organization with
    /// OrganizationNotFoundException; a member account (neither the management account
    /// nor a delegated administrator) with
    /// AccountNotManagementOrDelegatedAdministratorException; and the management account,
    /// whose organization has not enabled trusted access for IAM (this endpoint has no
    /// EnableAWSServiceAccess, so none has), with ServiceAccessNotEnabledException.
    pub fn list_organizations_features(&self) -> OpResult<()> {
        self.authorize(Action::ListOrganizationsFeatures, &Resource::Any)?;
        let account = self.account();
        let management = match self.iam.membership(account)? {
            Some(_) => Some(self.iam.caller_organization(account)?.management == *account),
            // Made a member before organizations were kept: a member, not its manager.
            None if self.iam.account(account)?.organization_member => Some(false),
            None => None,
        };
        Err(match management {
            Some(true) => AwsError::new(
                "ServiceAccessNotEnabledException",
                400,
                "The request was rejected because trusted access is not enabled for IAM in Organizations. For details, see IAM and Organizations in the Organizations User Guide.",
            ),
            Some(false) => AwsError::new(
                "AccountNotManagementOrDelegatedAdministratorException",
                400,
                "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.",
            ),
            None => AwsError::new(
                "OrganizationNotFoundException",
                400,
                "The request was rejected because no organization is associated with your account.",
            ),
        }
        .into())
    }
}

impl Ops<'_> {
    /// The services `arn` (a user or role) is allowed, with their last use, now (the
    /// console's Access Advisor), authorized as GenerateServiceLastAccessedDetails on it.
    pub fn access_advisor(&self, arn: &credreport_iam::Arn) -> OpResult<Vec<ServiceUse>> {
        self.authorize(
            Action::GenerateServiceLastAccessedDetails,
            &Resource::Arn(arn.clone()),
        )?;
        let owner = self.caller.arn();
        Ok(self
            .iam
            .last_accessed_now(
                self.account(),
                owner.as_str(),
                arn.as_str(),
                Granularity::Service,
            )?
            .services)
    }
}
