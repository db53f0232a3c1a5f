//! Users, their console passwords (login profiles) and password changes.

use credreport_iam::model::{Account, Tag, User};
use credreport_iam::secret::Secret;
use credreport_iam::{IamKind, LoginProfile, Named, Page, Tagged};

use super::targets::CredentialOwner;
use super::{Action, Later, ListArgs, OpError, OpResult, Ops, Resource};
use crate::authz::{Identity, RequestKeys};
use crate::error::AwsError;

/// What GetUser answers.
#[derive(Debug)]
pub enum GetUser {
    /// An IAM user, with its tags and its permissions boundary (the policy's ARN).
    User(User, Vec<Tag>, Option<String>),
    /// The root user's own GetUser: its account.
    Root(Account),
}

/// What setting a user's console password did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsolePassword {
    /// The user had none: console access is enabled (CreateLoginProfile).
    Enabled,
    /// The user's password was replaced (UpdateLoginProfile).
    Reset,
}

impl Ops<'_> {
    /// CreateUser (with TagUser when tags are given), with its permissions boundary when
    /// one is given: authorized with the request's tags (`aws:RequestTag/…`,
    /// `aws:TagKeys`) and the boundary (`iam:PermissionsBoundary`).
    pub fn create_user(
        &self,
        name: &str,
        path: Option<&str>,
        tags: &[Tag],
        boundary: Option<&str>,
    ) -> OpResult<User> {
        let resource = self.new_entity(IamKind::User, path, name);
        let keys = RequestKeys {
            tags,
            permissions_boundary: boundary,
            ..RequestKeys::default()
        };
        self.authorize_with(Action::CreateUser, &resource, &keys)?;
        if !tags.is_empty() {
            self.authorize_with(Action::TagUser, &resource, &keys.tags_only())?;
            credreport_iam::validate_tags(tags)?;
        }
        let user = self
            .iam
            .create_user_with_boundary(self.account(), name, path, boundary)?;
        if !tags.is_empty() {
            self.iam
                .tag(self.account(), Tagged::User(&user.name), tags)?;
        }
        Ok(user)
    }

    /// The console's Create user: CreateUser, and CreateLoginProfile when a password is
    /// given, both authorized before either acts; a refused password creates no user.
    pub fn create_user_with_password(
        &self,
        name: &str,
        path: Option<&str>,
        password: Option<(&Secret, bool)>,
    ) -> OpResult<User> {
        let resource = self.new_entity(IamKind::User, path, name);
        self.authorize(Action::CreateUser, &resource)?;
        if password.is_some() {
            self.authorize(Action::CreateLoginProfile, &resource)?;
        }
        let user = self.iam.create_user(self.account(), name, path)?;
        if let Some((password, reset)) = password {
            if let Err(e) =
                self.iam
                    .create_login_profile(self.account(), &user.name, password, reset)
            {
                // One step for the person at the form: undo the user.
                let _ = self.iam.delete_user(self.account(), &user.name);
                return Err(e.into());
            }
        }
        Ok(user)
    }

    /// Whether the caller may create users at all (the console shows its form).
    pub fn may_create_users(&self) -> bool {
        self.may(
            Action::CreateUser,
            &self.new_entity(IamKind::User, None, "*"),
        )
    }

    /// The user `name`, authorized as GetUser (the console's user page).
    pub fn user(&self, name: &str) -> OpResult<User> {
        self.authorized_user(Action::GetUser, name)
    }

    /// GetUser: the user named, or the caller.
    pub fn get_user(&self, name: Option<&str>) -> OpResult<GetUser> {
        Ok(match self.credential_owner(Action::GetUser, name)? {
            CredentialOwner::User(user) => {
                let tags = self
                    .iam
                    .list_tags(self.account(), Tagged::User(&user.name))?;
                let boundary = self.boundary_of(Named::User(&user.name))?;
                GetUser::User(user, tags, boundary)
            }
            CredentialOwner::Root => GetUser::Root(self.iam.account(self.account())?),
        })
    }

    /// ListUsers.
    pub fn list_users(&self, args: Later<ListArgs<'_>>) -> OpResult<Page<User>> {
        self.authorize(Action::ListUsers, &self.every(IamKind::User))?;
        let a = args?;
        Ok(self
            .iam
            .list_users(self.account(), a.path_prefix, a.marker.as_deref(), a.max)?)
    }

    /// The console's search: the users whose names hold `part` (ignoring case), among
    /// the first `limit` users read (authorized as ListUsers).
    pub fn find_users(&self, part: &str, limit: usize) -> OpResult<Vec<User>> {
        self.authorize(Action::ListUsers, &self.every(IamKind::User))?;
        let part = part.to_lowercase();
        let mut found = Vec::new();
        let mut at: Option<String> = None;
        let mut read = 0;
        loop {
            let page = self
                .iam
                .list_users(self.account(), None, at.as_deref(), 1000)?;
            read += page.items.len();
            found.extend(
                page.items
                    .into_iter()
                    .filter(|u| u.name.to_lowercase().contains(&part)),
            );
            match page.next {
                Some(n) if read < limit => at = Some(n),
                _ => return Ok(found),
            }
        }
    }

    /// DeleteUser.
    pub fn delete_user(&self, name: &str) -> OpResult<()> {
        self.authorize(Action::DeleteUser, &self.user_resource(name))?;
        Ok(self.iam.delete_user(self.account(), name)?)
    }

    /// CreateLoginProfile.
    pub fn create_login_profile(
        &self,
        name: &str,
        password: &Secret,
        reset: bool,
    ) -> OpResult<LoginProfile> {
        self.authorize(Action::CreateLoginProfile, &self.user_resource(name))?;
        Ok(self
            .iam
            .create_login_profile(self.account(), name, password, reset)?)
    }

    /// GetLoginProfile.
    pub fn get_login_profile(&self, name: &str) -> OpResult<LoginProfile> {
        self.authorize(Action::GetLoginProfile, &self.user_resource(name))?;
        Ok(self.iam.login_profile(self.account(), name)?)
    }

    /// UpdateLoginProfile.
    pub fn update_login_profile(
        &self,
        name: &str,
        password: Option<&Secret>,
        reset: Option<bool>,
    ) -> OpResult<()> {
        self.authorize(Action::UpdateLoginProfile, &self.user_resource(name))?;
        Ok(self
            .iam
            .update_login_profile(self.account(), name, password, reset)?)
    }

    /// DeleteLoginProfile.
    pub fn delete_login_profile(&self, name: &str) -> OpResult<()> {
        self.authorize(Action::DeleteLoginProfile, &self.user_resource(name))?;
        Ok(self.iam.delete_login_profile(self.account(), name)?)
    }

    /// The console's password form for a user: UpdateLoginProfile when the user has a
    /// password, else CreateLoginProfile.
    pub fn set_console_password(
        &self,
        name: &str,
        password: &Secret,
        reset: bool,
    ) -> OpResult<ConsolePassword> {
        if self.iam.login_profile(self.account(), name).is_ok() {
            self.update_login_profile(name, Some(password), Some(reset))?;
            Ok(ConsolePassword::Reset)
        } else {
            self.create_login_profile(name, password, reset)?;
            Ok(ConsolePassword::Enabled)
        }
    }

    /// Whether the account's password policy lets users change their own passwords.
    fn users_may_change_passwords(&self) -> bool {
        self.iam
            .password_policy(self.account())
            .is_ok_and(|p| p.allow_users_to_change_password)
    }

    /// ChangePassword: an IAM user's own password, when the account's password policy
    /// lets users change theirs or a policy grants `iam:ChangePassword` on the user.
    pub fn change_password(&self, old: &Secret, new: &Secret) -> OpResult<()> {
        let Identity::User(user) = self.caller.identity() else {
            return Err(OpError::Aws(AwsError::new(
                "InvalidUserType",
                400,
                "ChangePassword can only be called by an IAM user signing with the user's own credentials.",
            )));
        };
        if !self.users_may_change_passwords() {
            self.authorize(Action::ChangePassword, &Resource::from(user.to_arn()))?;
        }
        Ok(self
            .iam
            .change_password(self.account(), &user.id, old, new)?)
    }

    /// The root user's own password change (the console's; the API has none).
    pub fn change_root_password(&self, old: &Secret, new: &Secret) -> OpResult<()> {
        let Identity::Root = self.caller.identity() else {
            return Err(OpError::Aws(AwsError::new(
                "InvalidUserType",
                400,
                "Only the root user changes the root user's password.",
            )));
        };
        Ok(self.iam.change_root_password(self.account(), old, new)?)
    }

    /// Whether the caller may change its own password: the root always; a user as
    /// [`Ops::change_password`] allows.
    pub fn may_change_own_password(&self) -> bool {
        match self.caller.identity() {
            Identity::Root => true,
            Identity::User(u) => {
                self.users_may_change_passwords()
                    || self.may(Action::ChangePassword, &Resource::from(u.to_arn()))
            }
            Identity::AssumedRole { .. } => false,
        }
    }
}
