//! Permissions boundaries of users and roles: Put/Delete{User,Role}PermissionsBoundary,
//! authorized on the identity with `iam:PermissionsBoundary` the policy being set (Put) or
//! the identity's boundary (Delete), as AWS's service authorization reference lists it.

use credreport_iam::Named;

use super::{Action, OpResult, Ops};
use crate::authz::RequestKeys;

/// Put or Delete.
#[derive(Clone, Copy, Debug)]
enum Verb {
    Put,
    Delete,
}

/// The one table of the four boundary actions.
fn action(who: Named<'_>, verb: Verb) -> Action {
    match (who, verb) {
        (Named::Role(_), Verb::Put) => Action::PutRolePermissionsBoundary,
        (Named::Role(_), Verb::Delete) => Action::DeleteRolePermissionsBoundary,
        // Groups have no boundary: the domain refuses them after authorization.
        (_, Verb::Put) => Action::PutUserPermissionsBoundary,
        (_, Verb::Delete) => Action::DeleteUserPermissionsBoundary,
    }
}

impl Ops<'_> {
    /// PutUserPermissionsBoundary, PutRolePermissionsBoundary.
    pub fn put_permissions_boundary(&self, who: Named<'_>, policy_arn: &str) -> OpResult<()> {
        let keys = RequestKeys {
            permissions_boundary: Some(policy_arn),
            ..RequestKeys::default()
        };
        self.authorize_with(action(who, Verb::Put), &self.identity_resource(who), &keys)?;
        Ok(self
            .iam
            .put_permissions_boundary(self.account(), who, policy_arn)?)
    }

    /// DeleteUserPermissionsBoundary, DeleteRolePermissionsBoundary (`iam:PermissionsBoundary`
    /// is the identity's boundary, read by the context when a policy asks for it).
    pub fn delete_permissions_boundary(&self, who: Named<'_>) -> OpResult<()> {
        self.authorize(action(who, Verb::Delete), &self.identity_resource(who))?;
        Ok(self.iam.delete_permissions_boundary(self.account(), who)?)
    }

    /// The permissions boundary of a user or role the caller was authorized to read.
    pub(super) fn boundary_of(&self, who: Named<'_>) -> OpResult<Option<String>> {
        Ok(self.iam.permissions_boundary(self.account(), who)?)
    }
}
