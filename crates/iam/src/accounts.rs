//! Accounts and their root identity.

use crate::arn::Arn;
use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::kept_rows;
use crate::keys::NewAccessKey;
use crate::model::{Account, Owner, StoredReport};
use crate::service::{require_account, Iam};

/// The role AWS Organizations creates in the accounts it creates.
pub const ORGANIZATION_ACCESS_ROLE: &str = "OrganizationAccountAccessRole";

/// A newly created account and, unless it is an Organizations member created without root
/// credentials, its root access key (the only time its secret is shown).
#[derive(Debug)]
pub struct NewAccount {
    /// The account.
    pub account: Account,
    /// The root access key.
    pub root_key: Option<NewAccessKey>,
}

impl Iam {
    /// Creates an account (with a random id unless one is given). An ordinary account gets
    /// a root access key; an Organizations member created without root credentials gets
    /// none, and its report's root row shows `password_enabled` `false`.
    pub fn create_account(
        &self,
        id: Option<AccountId>,
        organization_member: bool,
    ) -> Result<NewAccount> {
        let id = match id {
            Some(id) => id,
            None => AccountId::generate()?,
        };
        let account = Account {
            id: id.clone(),
            created: self.now(),
            organization_member,
            root_password: None,
            root_password_last_used: None,
            password_policy: None,
        };
        self.write(&id, |tx| {
            tx.insert_account(&account)?;
            tx.put_report(&id, &StoredReport::default())?;
            kept_rows::keep_all_rows(tx, &id)
        })?;
        self.finish_account(account, organization_member)
    }

    /// Creates a standalone account if the store has none, in one transaction with the
    /// check: instances of a fleet starting together on an empty database make one.
    pub fn create_first_account(&self) -> Result<Option<NewAccount>> {
        let id = AccountId::generate()?;
        let account = Account {
            id: id.clone(),
            created: self.now(),
            organization_member: false,
            root_password: None,
            root_password_last_used: None,
            password_policy: None,
        };
        let created = crate::store::write(self.store(), None, |tx| {
            if !tx.account_ids()?.is_empty() {
                return Ok(false);
            }
            tx.insert_account(&account)?;
            tx.put_report(&id, &StoredReport::default())?;
            kept_rows::keep_all_rows(tx, &id)?;
            Ok(true)
        })?;
        if !created {
            return Ok(None);
        }
        self.finish_account(account, false).map(Some)
    }

    /// The root access key of a new standalone account.
    fn finish_account(&self, account: Account, organization_member: bool) -> Result<NewAccount> {
        let id = account.id.clone();
        let root_key = if organization_member {
            None
        } else {
            Some(self.create_access_key(&id, &Owner::Root)?)
        };
        Ok(NewAccount { account, root_key })
    }

    /// What AWS Organizations puts in an account it creates: the role
    /// `OrganizationAccountAccessRole`, trusting the management account, with
    /// `AdministratorAccess` attached.
    pub fn create_organization_access_role(
        &self,
        id: &AccountId,
        management: &AccountId,
    ) -> Result<()> {
        let root = Arn::root(management);
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{root}"}},"Action":"sts:AssumeRole"}}]}}"#
        );
        self.create_role(
            id,
            &crate::NewRole {
                name: ORGANIZATION_ACCESS_ROLE,
                path: None,
                assume_role_policy: &trust,
                description: None,
                max_session_duration: None,
                permissions_boundary: None,
            },
        )?;
        self.attach_policy(
            id,
            crate::Named::Role(ORGANIZATION_ACCESS_ROLE),
            Arn::aws_managed_policy("/", "AdministratorAccess").as_str(),
        )
    }

    /// The account.
    pub fn account(&self, id: &AccountId) -> Result<Account> {
        self.read(|tx| require_account(tx, id))
    }

    /// Every account id, in order.
    pub fn account_ids(&self) -> Result<Vec<AccountId>> {
        self.read(|tx| tx.account_ids())
    }

    /// GetAccountSummary: usage counts and IAM's quotas, by IAM's key names.
    pub fn account_summary(&self, id: &AccountId) -> Result<Vec<(&'static str, i64)>> {
        self.read(|tx| {
            let account = require_account(tx, id)?;
            let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
            let users = count(tx.count_users(id)?);
            let groups = count(tx.count_groups(id)?);
            let policies = count(tx.count_managed_policies(id)?);
            let roles = count(tx.count_roles(id)?);
            let profiles = count(tx.count_instance_profiles(id)?);
            let keys = tx.access_keys_of(id, &Owner::Root)?;
            let devices = tx.mfa_devices(id)?;
            let in_use = devices.iter().filter(|d| d.assignment.is_some()).count();
            let root_mfa = devices
                .iter()
                .any(|d| matches!(d.assignment, Some((Owner::Root, _))));
            let root_certs = tx
                .signing_certificates(id)?
                .iter()
                .filter(|c| c.owner == Owner::Root)
                .count();
            let mut summary = vec![
                ("AccessKeysPerUserQuota", 2),
                ("AccountAccessKeysPresent", i64::from(!keys.is_empty())),
                ("AccountMFAEnabled", i64::from(root_mfa)),
                (
                    "AccountPasswordPresent",
                    i64::from(account.root_password.is_some()),
                ),
                (
                    "AccountSigningCertificatesPresent",
                    i64::from(root_certs > 0),
                ),
                ("AssumeRolePolicySizeQuota", 2048),
                ("AttachedPoliciesPerGroupQuota", 10),
                ("AttachedPoliciesPerRoleQuota", 10),
                ("AttachedPoliciesPerUserQuota", 10),
                ("GlobalEndpointTokenVersion", 1),
                ("GroupPolicySizeQuota", 5120),
                ("Groups", groups),
                ("GroupsPerUserQuota", 10),
                ("GroupsQuota", 300),
                ("InstanceProfiles", profiles),
                ("InstanceProfilesQuota", 1000),
                ("MFADevices", count(devices.len())),
                ("MFADevicesInUse", count(in_use)),
                ("Policies", policies),
                ("PoliciesQuota", 1500),
                ("PolicySizeQuota", 6144),
                ("PolicyVersionsInUse", 0),
                ("PolicyVersionsInUseQuota", 10000),
                ("Providers", 0),
                ("RolePolicySizeQuota", 10240),
                ("Roles", roles),
                ("RolesQuota", 1000),
                ("ServerCertificates", 0),
                ("ServerCertificatesQuota", 20),
                ("SigningCertificatesPerUserQuota", 2),
                ("UserPolicySizeQuota", 2048),
                ("Users", users),
                ("UsersQuota", 5000),
                ("VersionsPerPolicyQuota", 5),
            ];
            summary.sort_by_key(|(k, _)| *k);
            Ok(summary)
        })
    }

    /// CreateAccountAlias: 3-63 of lower-case letters, digits and single hyphens, not
    /// starting or ending with a hyphen, unique across accounts; it replaces the account's
    /// alias, if any (an account has one at most).
    pub fn create_account_alias(&self, id: &AccountId, alias: &str) -> Result<()> {
        let bytes = alias.as_bytes();
        let valid = (3..=63).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            && bytes.first() != Some(&b'-')
            && bytes.last() != Some(&b'-')
            && !alias.contains("--");
        if !valid {
            return Err(Error::validation(
                "accountAlias",
                crate::error::Constraint::Pattern("^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"),
            ));
        }
        self.write(id, |tx| {
            require_account(tx, id)?;
            match tx.alias_owner(alias)? {
                Some(owner) if owner == *id => Ok(()),
                Some(_) => Err(Error::EntityAlreadyExists(format!(
                    "The account alias {alias} already exists."
                ))),
                None => tx.set_account_alias(id, Some(alias)),
            }
        })
    }

    /// ListAccountAliases: none or one.
    pub fn account_aliases(&self, id: &AccountId) -> Result<Vec<String>> {
        self.read(|tx| {
            require_account(tx, id)?;
            Ok(tx.account_alias(id)?.into_iter().collect())
        })
    }

    /// DeleteAccountAlias.
    pub fn delete_account_alias(&self, id: &AccountId, alias: &str) -> Result<()> {
        self.write(id, |tx| {
            if tx.account_alias(id)?.as_deref() != Some(alias) {
                return Err(Error::NoSuchEntity(format!(
                    "The account alias {alias} cannot be found."
                )));
            }
            tx.set_account_alias(id, None)
        })
    }

    /// The user by name.
    pub fn user(&self, account: &AccountId, name: &str) -> Result<crate::model::User> {
        self.read(|tx| crate::service::require_user(tx, account, name))
    }

    /// The user by unique id.
    pub fn user_by_id(&self, account: &AccountId, user_id: &str) -> Result<crate::model::User> {
        self.read(|tx| {
            tx.user_by_id(account, user_id)?.ok_or_else(|| {
                Error::NoSuchEntity(format!("The user with id {user_id} cannot be found."))
            })
        })
    }
}
