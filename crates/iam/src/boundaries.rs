//! Permissions boundaries of users and roles: Put/Delete{User,Role}PermissionsBoundary (and
//! CreateUser's and CreateRole's `PermissionsBoundary`). A boundary is a managed policy (AWS
//! or customer managed) that caps what the identity's own policies can allow; it is not one
//! of them, and it is removed with its identity.

use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::model::EntityKind;
use crate::policies::{resolve, Named};
use crate::service::Iam;
use crate::store::Tx;

/// IAM's refusal of a boundary on a group.
fn not_a_boundary_holder() -> Error {
    Error::InvalidInput("Only users and roles have permissions boundaries.".into())
}

/// The boundary policy `arn` must exist (an AWS managed policy or one of the account's).
pub(crate) fn check_boundary_policy(tx: &mut dyn Tx, account: &AccountId, arn: &str) -> Result<()> {
    crate::managed::require_attachable(tx, account, arn)
}

impl Iam {
    /// The permissions boundary of a user or role (its policy's ARN), if it has one;
    /// NoSuchEntity when the identity does not exist.
    pub fn permissions_boundary(
        &self,
        account: &AccountId,
        who: Named<'_>,
    ) -> Result<Option<String>> {
        if matches!(who, Named::Group(_)) {
            return Err(not_a_boundary_holder());
        }
        self.read(|tx| {
            let (entity, _) = resolve(tx, account, who)?;
            tx.permissions_boundary(account, &entity)
        })
    }

    /// PutUserPermissionsBoundary, PutRolePermissionsBoundary: sets (or replaces) the
    /// boundary of a user or role.
    pub fn put_permissions_boundary(
        &self,
        account: &AccountId,
        who: Named<'_>,
        policy_arn: &str,
    ) -> Result<()> {
        if matches!(who, Named::Group(_)) {
            return Err(not_a_boundary_holder());
        }
        self.write(account, |tx| {
            let (entity, _) = resolve(tx, account, who)?;
            check_boundary_policy(tx, account, policy_arn)?;
            tx.set_permissions_boundary(account, &entity, Some(policy_arn))
        })
    }

    /// DeleteUserPermissionsBoundary, DeleteRolePermissionsBoundary (nothing when there is
    /// none).
    pub fn delete_permissions_boundary(&self, account: &AccountId, who: Named<'_>) -> Result<()> {
        if matches!(who, Named::Group(_)) {
            return Err(not_a_boundary_holder());
        }
        self.write(account, |tx| {
            let (entity, _) = resolve(tx, account, who)?;
            debug_assert!(entity.kind != EntityKind::Group);
            tx.set_permissions_boundary(account, &entity, None)
        })
    }
}
