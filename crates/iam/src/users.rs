//! IAM users: CreateUser, GetUser, ListUsers, DeleteUser.

use crate::error::{Error, Result};
use crate::ids::{name_key, new_user_id, validate_name, validate_path, AccountId};
use crate::kept_rows;
use crate::model::{Entity, Owner, User};
use crate::service::{check_max_items, require_account, require_user, Iam, Page};
use crate::store::UserQuery;

/// IAM's quota of users per account.
pub const USERS_QUOTA: usize = 5000;

impl Iam {
    /// CreateUser. Names are 1-64 of `[\w+=,.@-]`, unique ignoring case.
    pub fn create_user(&self, account: &AccountId, name: &str, path: Option<&str>) -> Result<User> {
        self.create_user_with_boundary(account, name, path, None)
    }

    /// CreateUser with its `PermissionsBoundary`: the user and its boundary are written
    /// together, or neither (a boundary policy that does not exist creates no user).
    pub fn create_user_with_boundary(
        &self,
        account: &AccountId,
        name: &str,
        path: Option<&str>,
        boundary: Option<&str>,
    ) -> Result<User> {
        validate_name("userName", name, 64)?;
        let path = path.unwrap_or("/");
        validate_path("path", path)?;
        let user = User {
            account: account.clone(),
            id: new_user_id()?,
            name: name.to_owned(),
            path: path.to_owned(),
            created: self.now(),
            password_last_used: None,
        };
        self.write(account, |tx| {
            require_account(tx, account)?;
            if tx.user_by_name(account, name)?.is_some() {
                return Err(Error::EntityAlreadyExists(format!(
                    "User with name {name} already exists."
                )));
            }
            if tx.count_users(account)? >= USERS_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for UsersPerAccount: {USERS_QUOTA}"
                )));
            }
            if let Some(arn) = boundary {
                crate::boundaries::check_boundary_policy(tx, account, arn)?;
            }
            tx.insert_user(&user)?;
            if let Some(arn) = boundary {
                tx.set_permissions_boundary(account, &Entity::user(&user.id), Some(arn))?;
            }
            kept_rows::keep_row(tx, account, &Owner::User(user.id.clone()))
        })?;
        Ok(user)
    }

    /// ListUsers: by name ignoring case, filtered by path prefix, `max_items` a page.
    pub fn list_users(
        &self,
        account: &AccountId,
        path_prefix: Option<&str>,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<Page<User>> {
        check_max_items(max_items)?;
        self.read(|tx| {
            require_account(tx, account)?;
            let query = UserQuery {
                path_prefix,
                after: marker,
                limit: max_items + 1,
            };
            let mut items = tx.users(account, &query)?;
            let next = if items.len() > max_items {
                items.truncate(max_items);
                items.last().map(|u| name_key(&u.name))
            } else {
                None
            };
            Ok(Page { items, next })
        })
    }

    /// DeleteUser: refused with DeleteConflict while anything is attached. IAM's order of
    /// checks when several apply is not documented; this one names the login profile,
    /// then access keys, certificates, SSH public keys, MFA devices, inline policies,
    /// attached policies, then groups.
    pub fn delete_user(&self, account: &AccountId, name: &str) -> Result<()> {
        let user = self.write(account, |tx| {
            let user = require_user(tx, account, name)?;
            let owner = Owner::User(user.id.clone());
            let conflict = |what: &str| {
                Err(Error::DeleteConflict(format!(
                    "Cannot delete entity, must {what} first."
                )))
            };
            if tx.login_profile(account, &user.id)?.is_some() {
                return conflict("delete login profile");
            }
            if !tx.access_keys_of(account, &owner)?.is_empty() {
                return conflict("delete access keys");
            }
            if tx
                .signing_certificates(account)?
                .iter()
                .any(|c| c.owner == owner)
            {
                return conflict("delete certificates");
            }
            if !tx.ssh_public_keys_of(account, &user.id)?.is_empty() {
                return conflict("delete SSH public keys");
            }
            if tx
                .mfa_devices(account)?
                .iter()
                .any(|d| d.assignment.as_ref().is_some_and(|(o, _)| *o == owner))
            {
                return conflict("delete MFA device");
            }
            let entity = Entity::user(&user.id);
            if !tx.inline_policies(account, &entity)?.is_empty() {
                return conflict("delete policies");
            }
            if !tx.attached_policies(account, &entity)?.is_empty() {
                return conflict("detach all policies");
            }
            if !tx.groups_of_user(account, &user.id)?.is_empty() {
                return conflict("remove user from all groups");
            }
            // A permissions boundary goes with its user.
            tx.set_permissions_boundary(account, &entity, None)?;
            tx.delete_user(account, &user.id)?;
            kept_rows::keep_row(tx, account, &owner)?;
            Ok(user)
        })?;
        self.password_windows().forget(&user.id);
        Ok(())
    }
}
