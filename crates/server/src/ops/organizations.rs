//! AWS Organizations' read API: the caller's IAM policies first (`organizations:<Action>`,
//! on `*`, or for DescribeAccount on the account's ARN in the caller's organization), then
//! Organizations' own rules, which are the domain's (any member may describe its
//! organization; only the management account lists and describes its accounts and roots).

use credreport_iam::model::{Membership, Organization};
use credreport_iam::{AccountId, Arn, Error, OrganizationView};

use super::{Action, Later, OpResult, Ops, Resource};

/// A page of ListAccounts: the account it follows (none for the first page) and its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgPage {
    /// The last account of the previous page.
    pub after: Option<AccountId>,
    /// At most this many.
    pub max: usize,
}

impl Ops<'_> {
    /// DescribeOrganization.
    pub fn describe_organization(&self) -> OpResult<OrganizationView> {
        self.authorize(Action::DescribeOrganization, &Resource::Any)?;
        Ok(self.iam.describe_organization(self.account())?)
    }

    /// ListAccounts: one page of the caller's organization's accounts, in id order.
    pub fn list_organization_accounts(
        &self,
        page: Later<OrgPage>,
    ) -> OpResult<(Organization, Vec<Membership>)> {
        self.authorize(Action::ListAccounts, &Resource::Any)?;
        let page = page?;
        Ok(self
            .iam
            .list_organization_accounts(self.account(), page.after.as_ref(), page.max)?)
    }

    /// DescribeAccount `given` (its id once validated): authorized on the account's ARN
    /// in the caller's organization (`arn:aws:organizations::<management>:account/<o-…>/
    /// <id>`), or on the id as given when there is no such ARN to make.
    pub fn describe_organization_account(
        &self,
        given: &str,
        account: Later<AccountId>,
    ) -> OpResult<(Organization, Membership)> {
        let resource = match (&account, self.iam.caller_organization(self.account())) {
            (Ok(id), Ok(organization)) => Resource::Arn(Arn::organization_account(
                &organization.management,
                &organization.id,
                id,
            )),
            (_, Ok(_) | Err(Error::OrganizationsNotInUse)) => Resource::Given(given.to_owned()),
            (_, Err(e)) => return Err(e.into()),
        };
        self.authorize(Action::DescribeAccount, &resource)?;
        let account = account?;
        Ok(self
            .iam
            .describe_organization_account(self.account(), &account)?)
    }

    /// ListRoots: the caller's organization, whose one root is the whole list (`input`:
    /// the request's paging, validated after authorizing).
    pub fn list_roots(&self, input: Later<()>) -> OpResult<Organization> {
        self.authorize(Action::ListRoots, &Resource::Any)?;
        input?;
        Ok(self.iam.organization_roots(self.account())?)
    }
}
