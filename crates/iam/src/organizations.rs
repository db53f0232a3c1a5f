//! AWS Organizations, as far as its read API goes: which organization an account is in,
//! its management account and root, and its members with their names, emails, states and
//! how and when they joined. The rules of DescribeOrganization (any member may ask),
//! ListAccounts, DescribeAccount and ListRoots (the management account only) are here; the
//! server authorizes the caller's IAM policies first and speaks the wire protocol.
//!
//! An organization comes to exist when its management account is named: by
//! [`Iam::create_organization`], or by the first account that joins it
//! ([`Iam::join_organization`], `credreport account create --management-account ID`), which
//! makes the management account a member of its own organization under default names. An
//! account is in one organization at most.

use credreport_report::Timestamp;

use crate::error::{Constraint, Error, Result};
use crate::ids::{AccountId, OrganizationId, RootId};
use crate::model::{AccountState, FeatureSet, JoinedMethod, Membership, Organization};
use crate::service::{require_account, Iam};
use crate::store::{self, Tx};

/// The longest account name Organizations accepts (`AccountName`: 1 to 128 characters).
pub const ACCOUNT_NAME_MAX: usize = 128;

/// The largest page of ListAccounts (`MaxResults`: 1 to 20).
pub const ACCOUNTS_PAGE_MAX: usize = 20;

/// How an account is named in its organization, and how it joins.
#[derive(Clone, Copy, Debug)]
pub struct NewMember<'a> {
    /// Its name; `None`: the account's alias if it has one, else its id.
    pub name: Option<&'a str>,
    /// Its email; `None`: `<id>@example.com` (a documentation domain: it reaches no one).
    pub email: Option<&'a str>,
    /// Created by the organization, or invited into it.
    pub joined_method: JoinedMethod,
}

/// An organization and its management account's email (DescribeOrganization's
/// `MasterAccountEmail`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationView {
    /// The organization.
    pub organization: Organization,
    /// The management account's email.
    pub management_email: String,
}

/// Checks an account name: 1 to 128 characters, none of them a control character.
pub fn validate_account_name(name: &str) -> Result<()> {
    let len = name.chars().count();
    if len == 0 {
        return Err(Error::validation("accountName", Constraint::MinLength(1)));
    }
    if len > ACCOUNT_NAME_MAX {
        return Err(Error::validation(
            "accountName",
            Constraint::MaxLength(ACCOUNT_NAME_MAX),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::validation(
            "accountName",
            Constraint::Pattern(r"[\u0020-\u007E]+"),
        ));
    }
    Ok(())
}

/// Checks an email address as Organizations does: 6 to 64 characters of the form
/// `local@domain.tld` (`[^\s@]+@[^\s@]+\.[^\s@]+`).
pub fn validate_email(email: &str) -> Result<()> {
    let len = email.chars().count();
    if len < 6 {
        return Err(Error::validation("email", Constraint::MinLength(6)));
    }
    if len > 64 {
        return Err(Error::validation("email", Constraint::MaxLength(64)));
    }
    let part = |s: &str| !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c == '@');
    let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
        part(local)
            && domain
                .rsplit_once('.')
                .is_some_and(|(host, tld)| part(host) && part(tld))
    });
    if !well_formed {
        return Err(Error::validation(
            "email",
            Constraint::Pattern(r"[^\s@]+@[^\s@]+\.[^\s@]+"),
        ));
    }
    Ok(())
}

/// The email an account gets when none is given.
pub fn default_email(account: &AccountId) -> String {
    format!("{account}@example.com")
}

/// The account's name when none is given: its alias, else its id.
fn default_name(tx: &mut dyn Tx, account: &AccountId) -> Result<String> {
    Ok(tx
        .account_alias(account)?
        .unwrap_or_else(|| account.as_str().to_owned()))
}

/// A membership of `organization` for `account`, from what was given and the defaults.
fn membership(
    tx: &mut dyn Tx,
    account: &AccountId,
    organization: &OrganizationId,
    member: &NewMember<'_>,
    now: Timestamp,
) -> Result<Membership> {
    let name = match member.name {
        Some(name) => name.to_owned(),
        None => default_name(tx, account)?,
    };
    let email = member
        .email
        .map_or_else(|| default_email(account), str::to_owned);
    validate_account_name(&name)?;
    validate_email(&email)?;
    if tx.member_with_email(&email)?.is_some() {
        return Err(email_taken(&email));
    }
    Ok(Membership {
        account: account.clone(),
        organization: organization.clone(),
        name,
        email,
        state: AccountState::Active,
        joined_method: member.joined_method,
        joined: now,
    })
}

/// What joining an organization writes: the organization and its management account's
/// membership when the organization is new, and the account's membership.
#[derive(Debug)]
struct Joining {
    new_organization: Option<(Organization, Membership)>,
    member: Membership,
}

/// Works out [`Joining`] (reading only), or why the account cannot join.
fn joining(
    tx: &mut dyn Tx,
    account: &AccountId,
    management: &AccountId,
    member: &NewMember<'_>,
    now: Timestamp,
) -> Result<Joining> {
    if account == management {
        return Err(Error::InvalidInput(format!(
            "Account {account} cannot join the organization it would manage."
        )));
    }
    if let Some(m) = tx.membership(account)? {
        return Err(Error::EntityAlreadyExists(format!(
            "Account {account} is already a member of organization {}.",
            m.organization
        )));
    }
    let (organization, new_organization) = match tx.organization_managed_by(management)? {
        Some(existing) => (existing.id, None),
        None => {
            if let Some(m) = tx.membership(management)? {
                return Err(Error::InvalidInput(format!(
                    "Account {management} is a member of organization {}, not its management account.",
                    m.organization
                )));
            }
            let organization = new_organization(management, now)?;
            let first = membership(
                tx,
                management,
                &organization.id,
                &NewMember {
                    name: None,
                    email: None,
                    joined_method: JoinedMethod::Created,
                },
                now,
            )?;
            (organization.id.clone(), Some((organization, first)))
        }
    };
    let member = membership(tx, account, &organization, member, now)?;
    Ok(Joining {
        new_organization,
        member,
    })
}

fn new_organization(management: &AccountId, now: Timestamp) -> Result<Organization> {
    Ok(Organization {
        id: OrganizationId::generate()?,
        management: management.clone(),
        feature_set: FeatureSet::All,
        root: RootId::generate()?,
        created: now,
    })
}

fn email_taken(email: &str) -> Error {
    Error::EntityAlreadyExists(format!(
        "The email address {email} is already the email of another account."
    ))
}

/// The caller's organization, or AWSOrganizationsNotInUseException.
fn organization_of(tx: &mut dyn Tx, caller: &AccountId) -> Result<Organization> {
    let membership = tx.membership(caller)?.ok_or(Error::OrganizationsNotInUse)?;
    tx.organization(&membership.organization)?.ok_or_else(|| {
        Error::internal(format!(
            "organization_accounts: account {caller} names organization {}, which is not stored",
            membership.organization
        ))
    })
}

/// The caller's organization if the caller is its management account; else
/// AWSOrganizationsNotInUseException or AccessDenied.
fn managed_by_caller(tx: &mut dyn Tx, caller: &AccountId) -> Result<Organization> {
    let organization = organization_of(tx, caller)?;
    if organization.management != *caller {
        return Err(Error::NotManagementAccount);
    }
    Ok(organization)
}

impl Iam {
    /// CreateOrganization: `management` (an account of this store, in no organization)
    /// becomes the management account of a new organization with all features, and its
    /// first member, named `name` with `email`.
    pub fn create_organization(
        &self,
        management: &AccountId,
        name: &str,
        email: &str,
    ) -> Result<Organization> {
        let now = self.now();
        store::write(self.store(), None, |tx| {
            require_account(tx, management)?;
            if let Some(m) = tx.membership(management)? {
                return Err(Error::EntityAlreadyExists(format!(
                    "Account {management} is already a member of organization {}.",
                    m.organization
                )));
            }
            let organization = new_organization(management, now)?;
            let first = membership(
                tx,
                management,
                &organization.id,
                &NewMember {
                    name: Some(name),
                    email: Some(email),
                    joined_method: JoinedMethod::Created,
                },
                now,
            )?;
            tx.insert_organization(&organization)?;
            tx.insert_membership(&first)?;
            Ok(organization)
        })
    }

    /// Whether `account` could join the organization `management` manages (or would make),
    /// as [`Iam::join_organization`] would decide now: its refusal, before anything is
    /// created (`account create` checks before it makes the account).
    pub fn check_join(
        &self,
        account: &AccountId,
        management: &AccountId,
        member: &NewMember<'_>,
    ) -> Result<()> {
        let now = self.now();
        self.read(|tx| joining(tx, account, management, member, now).map(drop))
    }

    /// `account` (of this store, in no organization) joins the organization `management`
    /// manages, as `member` says. If `management` manages none, one is made, with
    /// `management` as its first member (named by its alias or id, emailed at
    /// `<id>@example.com`; it need not be in this store). One transaction.
    pub fn join_organization(
        &self,
        account: &AccountId,
        management: &AccountId,
        member: &NewMember<'_>,
    ) -> Result<Membership> {
        let now = self.now();
        store::write(self.store(), None, |tx| {
            require_account(tx, account)?;
            let j = joining(tx, account, management, member, now)?;
            if let Some((organization, first)) = &j.new_organization {
                tx.insert_organization(organization)?;
                tx.insert_membership(first)?;
            }
            tx.insert_membership(&j.member)?;
            Ok(j.member)
        })
    }

    /// The account's membership of its organization, if it is in one.
    pub fn membership(&self, account: &AccountId) -> Result<Option<Membership>> {
        self.read(|tx| tx.membership(account))
    }

    /// The organization the caller's account is in, for anyone of it: its id and the
    /// ARNs' management account. AWSOrganizationsNotInUseException outside any.
    pub fn caller_organization(&self, caller: &AccountId) -> Result<Organization> {
        self.read(|tx| organization_of(tx, caller))
    }

    /// DescribeOrganization: the caller's organization (any member may ask).
    pub fn describe_organization(&self, caller: &AccountId) -> Result<OrganizationView> {
        self.read(|tx| {
            let organization = organization_of(tx, caller)?;
            let management = tx.membership(&organization.management)?.ok_or_else(|| {
                Error::internal(format!(
                    "organization_accounts: organization {} has no row for its management account {}",
                    organization.id, organization.management
                ))
            })?;
            Ok(OrganizationView {
                organization,
                management_email: management.email,
            })
        })
    }

    /// ListAccounts: a page of the caller's organization's accounts in id order, those
    /// after `after`, `limit` at most (the caller must be the management account).
    pub fn list_organization_accounts(
        &self,
        caller: &AccountId,
        after: Option<&AccountId>,
        limit: usize,
    ) -> Result<(Organization, Vec<Membership>)> {
        self.read(|tx| {
            let organization = managed_by_caller(tx, caller)?;
            let members = tx.memberships(&organization.id, after, limit)?;
            Ok((organization, members))
        })
    }

    /// DescribeAccount: an account of the caller's organization (the caller must be the
    /// management account). AccountNotFoundException for any other id.
    pub fn describe_organization_account(
        &self,
        caller: &AccountId,
        account: &AccountId,
    ) -> Result<(Organization, Membership)> {
        self.read(|tx| {
            let organization = managed_by_caller(tx, caller)?;
            match tx.membership(account)? {
                Some(m) if m.organization == organization.id => Ok((organization, m)),
                _ => Err(Error::AccountNotFound),
            }
        })
    }

    /// ListRoots: the caller's organization, whose one root it lists (the caller must be
    /// the management account).
    pub fn organization_roots(&self, caller: &AccountId) -> Result<Organization> {
        self.read(|tx| managed_by_caller(tx, caller))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Organizations' constraints on `AccountName` and `Email` (the service model).
    #[test]
    fn names_and_emails_as_the_model_constrains_them() {
        let names: &[(&str, bool)] = &[
            ("acme-prod", true),
            ("Acme Production (EU)", true),
            (&"n".repeat(128), true),
            (&"n".repeat(129), false),
            ("", false),
            ("tab\there", false),
        ];
        for &(name, ok) in names {
            assert_eq!(validate_account_name(name).is_ok(), ok, "{name:?}");
        }
        let emails: &[(&str, bool)] = &[
            ("aws-prod@acme.example", true),
            ("a@b.co", true),
            ("a@b.c", false),
            ("no-at.example.com", false),
            ("two@@acme.example", false),
            ("space @acme.example", false),
            ("root@localhost", false),
            ("root@acme.", false),
            (&format!("{}@acme.example", "x".repeat(51)), true),
            (&format!("{}@acme.example", "x".repeat(52)), false),
        ];
        for &(email, ok) in emails {
            assert_eq!(validate_email(email).is_ok(), ok, "{email:?}");
        }
        let id = AccountId::parse("123456789012").unwrap_or_else(|| unreachable!());
        assert!(validate_email(&default_email(&id)).is_ok());
    }
}
