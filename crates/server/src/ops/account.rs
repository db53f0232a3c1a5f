//! The account: its summary, aliases, password policy and authorization details, and the
//! lists of entities nothing here creates yet (identity providers, server certificates,
//! service-specific credentials).

use credreport_iam::password::PasswordPolicy;
use credreport_iam::{AuthorizationDetails, DetailsFilter, IamKind, PasswordPolicyInput};

use super::{Action, OpResult, Ops, Resource};

/// The lists answered empty for every account (nothing creates their entities yet), so
/// that auditors reading them get IAM's answer for an account without any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderList {
    /// ListSAMLProviders.
    Saml,
    /// ListOpenIDConnectProviders.
    OpenIdConnect,
    /// ListServerCertificates.
    ServerCertificates,
    /// ListServiceSpecificCredentials (of the user named, or the caller).
    ServiceSpecificCredentials,
}

impl Ops<'_> {
    /// GetAccountSummary: IAM's counts and quotas.
    pub fn account_summary(&self) -> OpResult<Vec<(&'static str, i64)>> {
        self.authorize(Action::GetAccountSummary, &Resource::Any)?;
        Ok(self.iam.account_summary(self.account())?)
    }

    /// CreateAccountAlias.
    pub fn create_account_alias(&self, alias: &str) -> OpResult<()> {
        self.authorize(Action::CreateAccountAlias, &Resource::Any)?;
        Ok(self.iam.create_account_alias(self.account(), alias)?)
    }

    /// DeleteAccountAlias.
    pub fn delete_account_alias(&self, alias: &str) -> OpResult<()> {
        self.authorize(Action::DeleteAccountAlias, &Resource::Any)?;
        Ok(self.iam.delete_account_alias(self.account(), alias)?)
    }

    /// ListAccountAliases.
    pub fn list_account_aliases(&self) -> OpResult<Vec<String>> {
        self.authorize(Action::ListAccountAliases, &Resource::Any)?;
        Ok(self.iam.account_aliases(self.account())?)
    }

    /// UpdateAccountPasswordPolicy.
    pub fn update_password_policy(&self, input: &PasswordPolicyInput) -> OpResult<()> {
        self.authorize(Action::UpdateAccountPasswordPolicy, &Resource::Any)?;
        Ok(self.iam.update_password_policy(self.account(), input)?)
    }

    /// GetAccountPasswordPolicy.
    pub fn get_password_policy(&self) -> OpResult<PasswordPolicy> {
        self.authorize(Action::GetAccountPasswordPolicy, &Resource::Any)?;
        Ok(self.iam.password_policy(self.account())?)
    }

    /// DeleteAccountPasswordPolicy.
    pub fn delete_password_policy(&self) -> OpResult<()> {
        self.authorize(Action::DeleteAccountPasswordPolicy, &Resource::Any)?;
        Ok(self.iam.delete_password_policy(self.account())?)
    }

    /// GetAccountAuthorizationDetails, unpaged (the caller pages it).
    pub fn authorization_details(&self, filter: DetailsFilter) -> OpResult<AuthorizationDetails> {
        self.authorize(Action::GetAccountAuthorizationDetails, &Resource::Any)?;
        Ok(self.iam.authorization_details(self.account(), filter)?)
    }

    /// One of the always-empty lists, authorized as IAM authorizes it (a user named must
    /// exist: IAM answers NoSuchEntity for one that does not).
    pub fn list_providers(&self, list: ProviderList, user: Option<&str>) -> OpResult<()> {
        let (action, resource) = match list {
            ProviderList::Saml => (Action::ListSAMLProviders, Resource::Any),
            ProviderList::OpenIdConnect => (Action::ListOpenIDConnectProviders, Resource::Any),
            ProviderList::ServerCertificates => (
                Action::ListServerCertificates,
                self.every(IamKind::ServerCertificate),
            ),
            ProviderList::ServiceSpecificCredentials => (
                Action::ListServiceSpecificCredentials,
                self.user_or_caller(user)?,
            ),
        };
        self.authorize(action, &resource)
    }

    /// The user named (which must exist), or the caller.
    fn user_or_caller(&self, user: Option<&str>) -> OpResult<Resource> {
        match user {
            Some(name) => {
                let (resource, found) = self.user_named(name);
                found?;
                Ok(resource)
            }
            None => Ok(self.caller.arn().into()),
        }
    }
}
