//! IAM roles and instance profiles: CreateRole, GetRole, ListRoles, UpdateRole,
//! UpdateAssumeRolePolicy, DeleteRole; CreateInstanceProfile, GetInstanceProfile,
//! ListInstanceProfiles, DeleteInstanceProfile, AddRoleToInstanceProfile,
//! RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole. Assuming a role is `sts`.

use crate::error::{Constraint, Error, Result};
use crate::ids::{
    name_key, new_instance_profile_id, new_role_id, validate_name, validate_path, AccountId,
};
use crate::model::{Entity, InstanceProfile, Role, TagTarget};
use crate::service::{check_max_items, require_account, Iam, Page};
use crate::store::{Tx, UserQuery};
use crate::trust::parse_trust_policy;

/// IAM's quota of roles per account.
pub const ROLES_QUOTA: usize = 1000;
/// IAM's quota of instance profiles per account.
pub const INSTANCE_PROFILES_QUOTA: usize = 1000;
/// IAM's quota for a trust policy, counted without whitespace.
pub const TRUST_POLICY_SIZE_QUOTA: usize = 2048;

/// The role by name, or IAM's NoSuchEntity.
pub(crate) fn require_role(tx: &mut dyn Tx, account: &AccountId, name: &str) -> Result<Role> {
    tx.role_by_name(account, name)?
        .ok_or_else(|| Error::NoSuchEntity(format!("The role with name {name} cannot be found.")))
}

fn require_profile(tx: &mut dyn Tx, account: &AccountId, name: &str) -> Result<InstanceProfile> {
    tx.instance_profile_by_name(account, name)?
        .ok_or_else(|| Error::NoSuchEntity(format!("Instance Profile {name} cannot be found.")))
}

fn check_trust(document: &str) -> Result<()> {
    if document.is_empty() {
        return Err(Error::validation(
            "assumeRolePolicyDocument",
            Constraint::MinLength(1),
        ));
    }
    parse_trust_policy(document).map_err(|e| Error::MalformedPolicyDocument(e.0))?;
    if crate::policies::size(document) > TRUST_POLICY_SIZE_QUOTA {
        return Err(Error::LimitExceeded(format!(
            "Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE_QUOTA}"
        )));
    }
    Ok(())
}

fn check_session_duration(secs: u32) -> Result<()> {
    if (3600..=43_200).contains(&secs) {
        return Ok(());
    }
    let c = if secs < 3600 {
        Constraint::MinValue(3600)
    } else {
        Constraint::MaxValue(43_200)
    };
    Err(Error::validation("maxSessionDuration", c))
}

/// A new role's settings, as CreateRole takes them.
#[derive(Clone, Copy, Debug)]
pub struct NewRole<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its path (`/` when absent).
    pub path: Option<&'a str>,
    /// Its trust policy.
    pub assume_role_policy: &'a str,
    /// Its description.
    pub description: Option<&'a str>,
    /// Its maximum session duration in seconds (3,600 when absent).
    pub max_session_duration: Option<u32>,
    /// Its permissions boundary (a managed policy's ARN).
    pub permissions_boundary: Option<&'a str>,
}

impl Iam {
    /// CreateRole.
    pub fn create_role(&self, account: &AccountId, new: &NewRole<'_>) -> Result<Role> {
        validate_name("roleName", new.name, 64)?;
        let path = new.path.unwrap_or("/");
        validate_path("path", path)?;
        if new.description.is_some_and(|d| d.chars().count() > 1000) {
            return Err(Error::validation(
                "description",
                Constraint::MaxLength(1000),
            ));
        }
        let max = new.max_session_duration.unwrap_or(3600);
        check_session_duration(max)?;
        check_trust(new.assume_role_policy)?;
        let role = Role {
            account: account.clone(),
            id: new_role_id()?,
            name: new.name.to_owned(),
            path: path.to_owned(),
            created: self.now(),
            assume_role_policy: new.assume_role_policy.to_owned(),
            description: new.description.map(str::to_owned),
            max_session_duration: max,
            last_used: None,
        };
        self.write(account, |tx| {
            require_account(tx, account)?;
            if tx.role_by_name(account, new.name)?.is_some() {
                return Err(Error::EntityAlreadyExists(format!(
                    "Role with name {} already exists.",
                    new.name
                )));
            }
            if tx.count_roles(account)? >= ROLES_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for RolesPerAccount: {ROLES_QUOTA}"
                )));
            }
            if let Some(arn) = new.permissions_boundary {
                crate::boundaries::check_boundary_policy(tx, account, arn)?;
            }
            tx.put_role(&role)?;
            if let Some(arn) = new.permissions_boundary {
                tx.set_permissions_boundary(account, &Entity::role(&role.id), Some(arn))?;
            }
            Ok(())
        })?;
        Ok(role)
    }

    /// GetRole.
    pub fn role(&self, account: &AccountId, name: &str) -> Result<Role> {
        self.read(|tx| require_role(tx, account, name))
    }

    /// ListRoles: by name ignoring case, filtered by path prefix.
    pub fn list_roles(
        &self,
        account: &AccountId,
        path_prefix: Option<&str>,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<Page<Role>> {
        check_max_items(max_items)?;
        self.read(|tx| {
            require_account(tx, account)?;
            let mut items = tx.roles(
                account,
                &UserQuery {
                    path_prefix,
                    after: marker,
                    limit: max_items + 1,
                },
            )?;
            let next = (items.len() > max_items).then(|| name_key(&items[max_items - 1].name));
            items.truncate(max_items);
            Ok(Page { items, next })
        })
    }

    /// UpdateRole: the description and/or the maximum session duration.
    pub fn update_role(
        &self,
        account: &AccountId,
        name: &str,
        description: Option<&str>,
        max_session_duration: Option<u32>,
    ) -> Result<()> {
        if let Some(max) = max_session_duration {
            check_session_duration(max)?;
        }
        self.write(account, |tx| {
            let mut role = require_role(tx, account, name)?;
            if let Some(d) = description {
                role.description = Some(d.to_owned());
            }
            if let Some(max) = max_session_duration {
                role.max_session_duration = max;
            }
            tx.put_role(&role)
        })
    }

    /// UpdateAssumeRolePolicy.
    pub fn update_assume_role_policy(
        &self,
        account: &AccountId,
        name: &str,
        document: &str,
    ) -> Result<()> {
        check_trust(document)?;
        self.write(account, |tx| {
            let mut role = require_role(tx, account, name)?;
            role.assume_role_policy = document.to_owned();
            tx.put_role(&role)
        })
    }

    /// DeleteRole: refused while it is in an instance profile or has policies.
    pub fn delete_role(&self, account: &AccountId, name: &str) -> Result<()> {
        self.write(account, |tx| {
            let role = require_role(tx, account, name)?;
            let entity = Entity::role(&role.id);
            let conflict = |what: &str| {
                Err(Error::DeleteConflict(format!(
                    "Cannot delete entity, must {what} first."
                )))
            };
            if !tx.profiles_of_role(account, &role.id)?.is_empty() {
                return conflict("remove roles from instance profile");
            }
            if !tx.inline_policies(account, &entity)?.is_empty() {
                return conflict("delete policies");
            }
            if !tx.attached_policies(account, &entity)?.is_empty() {
                return conflict("detach all policies");
            }
            tx.put_tags(account, &TagTarget::Role(role.id.clone()), &[])?;
            // A permissions boundary goes with its role.
            tx.set_permissions_boundary(account, &entity, None)?;
            tx.delete_role(account, &role.id)
        })
    }

    /// CreateInstanceProfile.
    pub fn create_instance_profile(
        &self,
        account: &AccountId,
        name: &str,
        path: Option<&str>,
    ) -> Result<InstanceProfile> {
        validate_name("instanceProfileName", name, 128)?;
        let path = path.unwrap_or("/");
        validate_path("path", path)?;
        let profile = InstanceProfile {
            account: account.clone(),
            id: new_instance_profile_id()?,
            name: name.to_owned(),
            path: path.to_owned(),
            created: self.now(),
        };
        self.write(account, |tx| {
            require_account(tx, account)?;
            if tx.instance_profile_by_name(account, name)?.is_some() {
                return Err(Error::EntityAlreadyExists(format!(
                    "Instance Profile {name} already exists."
                )));
            }
            if tx.count_instance_profiles(account)? >= INSTANCE_PROFILES_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for InstanceProfilesPerAccount: {INSTANCE_PROFILES_QUOTA}"
                )));
            }
            tx.insert_instance_profile(&profile)
        })?;
        Ok(profile)
    }

    /// GetInstanceProfile: the profile and its roles.
    pub fn instance_profile(
        &self,
        account: &AccountId,
        name: &str,
    ) -> Result<(InstanceProfile, Vec<Role>)> {
        self.read(|tx| {
            let p = require_profile(tx, account, name)?;
            let roles = tx.profile_roles(account, &p.id)?;
            Ok((p, roles))
        })
    }

    /// ListInstanceProfiles: each with its roles, by name ignoring case.
    pub fn list_instance_profiles(
        &self,
        account: &AccountId,
        path_prefix: Option<&str>,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<Page<(InstanceProfile, Vec<Role>)>> {
        check_max_items(max_items)?;
        self.read(|tx| {
            require_account(tx, account)?;
            let mut profiles = tx.instance_profiles(
                account,
                &UserQuery {
                    path_prefix,
                    after: marker,
                    limit: max_items + 1,
                },
            )?;
            let next =
                (profiles.len() > max_items).then(|| name_key(&profiles[max_items - 1].name));
            profiles.truncate(max_items);
            let mut items = Vec::with_capacity(profiles.len());
            for p in profiles {
                let roles = tx.profile_roles(account, &p.id)?;
                items.push((p, roles));
            }
            Ok(Page { items, next })
        })
    }

    /// DeleteInstanceProfile: refused while it holds a role.
    pub fn delete_instance_profile(&self, account: &AccountId, name: &str) -> Result<()> {
        self.write(account, |tx| {
            let p = require_profile(tx, account, name)?;
            if !tx.profile_roles(account, &p.id)?.is_empty() {
                return Err(Error::DeleteConflict(
                    "Cannot delete entity, must remove roles from instance profile first.".into(),
                ));
            }
            tx.delete_instance_profile(account, &p.id)
        })
    }

    /// AddRoleToInstanceProfile: one role per profile.
    pub fn add_role_to_instance_profile(
        &self,
        account: &AccountId,
        profile: &str,
        role: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            let p = require_profile(tx, account, profile)?;
            let r = require_role(tx, account, role)?;
            let roles = tx.profile_roles(account, &p.id)?;
            if roles.iter().any(|x| x.id == r.id) {
                return Err(Error::EntityAlreadyExists(format!(
                    "Role {} is already in instance profile {}.",
                    r.name, p.name
                )));
            }
            if !roles.is_empty() {
                return Err(Error::LimitExceeded(
                    "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1".into(),
                ));
            }
            tx.add_profile_role(account, &p.id, &r.id)
        })
    }

    /// RemoveRoleFromInstanceProfile.
    pub fn remove_role_from_instance_profile(
        &self,
        account: &AccountId,
        profile: &str,
        role: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            let p = require_profile(tx, account, profile)?;
            let r = require_role(tx, account, role)?;
            if !tx
                .profile_roles(account, &p.id)?
                .iter()
                .any(|x| x.id == r.id)
            {
                return Err(Error::NoSuchEntity(format!(
                    "Role {} in instance profile {} cannot be found.",
                    r.name, p.name
                )));
            }
            tx.remove_profile_role(account, &p.id, &r.id)
        })
    }

    /// ListInstanceProfilesForRole: each with its roles.
    pub fn list_instance_profiles_for_role(
        &self,
        account: &AccountId,
        role: &str,
    ) -> Result<Vec<(InstanceProfile, Vec<Role>)>> {
        self.read(|tx| {
            let r = require_role(tx, account, role)?;
            let mut out = Vec::new();
            for p in tx.profiles_of_role(account, &r.id)? {
                let roles = tx.profile_roles(account, &p.id)?;
                out.push((p, roles));
            }
            Ok(out)
        })
    }
}
