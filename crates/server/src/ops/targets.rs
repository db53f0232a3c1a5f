//! The resources actions are authorized on, worked out once: an entity by name (its real
//! ARN when it exists, else the one it would have at the path `/`), a new entity at its
//! path, every entity of a kind, and the owner of the credentials an action is about.

use credreport_iam::model::{Owner, User};
use credreport_iam::{Arn, IamKind};

use super::{Action, OpError, OpResult, Ops, Resource};
use crate::authz::Identity;
use crate::error::AwsError;

/// Whose credentials (password, keys, MFA devices, certificates) an action is about: the
/// user it names, or the caller.
#[derive(Clone, Debug)]
pub enum CredentialOwner {
    /// The account's root user (the caller is the root and named no user).
    Root,
    /// An IAM user.
    User(User),
}

impl CredentialOwner {
    /// The owner as the store keys credentials.
    pub fn owner(&self) -> Owner {
        match self {
            CredentialOwner::Root => Owner::Root,
            CredentialOwner::User(u) => Owner::User(u.id.clone()),
        }
    }

    /// The name shown in responses (`root` for the root, as IAM does for root keys).
    pub fn name(&self) -> &str {
        match self {
            CredentialOwner::Root => "root",
            CredentialOwner::User(u) => &u.name,
        }
    }
}

impl Ops<'_> {
    /// A new entity's ARN: `kind` named `name` at `path` (`/` when none is given).
    pub(super) fn new_entity(&self, kind: IamKind, path: Option<&str>, name: &str) -> Resource {
        Arn::iam(self.account(), kind, path.unwrap_or("/"), name).into()
    }

    /// Every entity of a kind (`arn:aws:iam::<account>:user/`), as the List actions are
    /// authorized.
    pub(super) fn every(&self, kind: IamKind) -> Resource {
        Arn::iam_all(self.account(), kind).into()
    }

    /// An entity named in a request: its ARN (the one it would have at `/` when it does
    /// not exist) and the entity, or why it could not be read.
    fn named<T>(
        &self,
        kind: IamKind,
        name: &str,
        found: credreport_iam::Result<T>,
        arn: impl FnOnce(&T) -> Arn,
    ) -> (Resource, credreport_iam::Result<T>) {
        let resource = match &found {
            Ok(t) => arn(t),
            Err(_) => Arn::iam(self.account(), kind, "/", name),
        };
        (resource.into(), found)
    }

    /// The user `name`, as authorization sees it.
    pub(super) fn user_named(&self, name: &str) -> (Resource, credreport_iam::Result<User>) {
        let found = self.iam.user(self.account(), name);
        self.named(IamKind::User, name, found, User::to_arn)
    }

    /// The ARN of the user `name` (IAM authorizes before knowing whether it exists).
    pub(super) fn user_resource(&self, name: &str) -> Resource {
        self.user_named(name).0
    }

    /// The ARN of the group `name`.
    pub(super) fn group_resource(&self, name: &str) -> Resource {
        let found = self.iam.group_named(self.account(), name);
        self.named(IamKind::Group, name, found, |g| g.to_arn()).0
    }

    /// The ARN of the role `name`.
    pub(super) fn role_resource(&self, name: &str) -> Resource {
        let found = self.iam.role(self.account(), name);
        self.named(IamKind::Role, name, found, |r| r.to_arn()).0
    }

    /// The ARN of the instance profile `name`.
    pub(super) fn profile_resource(&self, name: &str) -> Resource {
        let found = self.iam.instance_profile(self.account(), name);
        self.named(IamKind::InstanceProfile, name, found, |(p, _)| p.to_arn())
            .0
    }

    /// Authorizes `action` on the user `name`, then returns the user.
    pub(super) fn authorized_user(&self, action: Action, name: &str) -> OpResult<User> {
        let (resource, found) = self.user_named(name);
        self.authorize(action, &resource)?;
        Ok(found?)
    }

    /// The owner of the credentials an action is about: the user `name`, or the caller
    /// when none is named. Authorizes `action` on it (the root is allowed everything in
    /// its account); a role session names no owner, as it owns no long-term credentials.
    pub fn credential_owner(
        &self,
        action: Action,
        name: Option<&str>,
    ) -> OpResult<CredentialOwner> {
        if let Some(name) = name {
            return Ok(CredentialOwner::User(self.authorized_user(action, name)?));
        }
        match self.caller.identity() {
            Identity::User(u) => {
                self.authorize(action, &u.to_arn().into())?;
                Ok(CredentialOwner::User(u.clone()))
            }
            Identity::Root => Ok(CredentialOwner::Root),
            // IAM asks for the user.
            Identity::AssumedRole { .. } => Err(OpError::Aws(AwsError::validation(
                "Must specify userName when calling with non-User credentials",
            ))),
        }
    }
}
