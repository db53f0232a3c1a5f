//! Roles and instance profiles.

use credreport_iam::model::{InstanceProfile, Role, Tag};
use credreport_iam::{IamKind, Named, NewRole, Page, Tagged};

use super::{Action, Later, ListArgs, OpResult, Ops};
use crate::authz::RequestKeys;

impl Ops<'_> {
    /// CreateRole (with TagRole when tags are given), with its permissions boundary when
    /// one is given: authorized with the request's tags and the boundary, as CreateUser. The
    /// maximum session duration is validated after authorization, as IAM orders it.
    pub fn create_role(
        &self,
        new: &NewRole<'_>,
        max_session: Later<Option<u32>>,
        tags: &[Tag],
    ) -> OpResult<Role> {
        let resource = self.new_entity(IamKind::Role, new.path, new.name);
        let keys = RequestKeys {
            tags,
            permissions_boundary: new.permissions_boundary,
            ..RequestKeys::default()
        };
        self.authorize_with(Action::CreateRole, &resource, &keys)?;
        if !tags.is_empty() {
            self.authorize_with(Action::TagRole, &resource, &keys.tags_only())?;
            credreport_iam::validate_tags(tags)?;
        }
        let role = self.iam.create_role(
            self.account(),
            &NewRole {
                max_session_duration: max_session?,
                ..*new
            },
        )?;
        if !tags.is_empty() {
            self.iam
                .tag(self.account(), Tagged::Role(&role.name), tags)?;
        }
        Ok(role)
    }

    /// GetRole: the role, its tags and its permissions boundary (the policy's ARN).
    pub fn get_role(&self, name: &str) -> OpResult<(Role, Vec<Tag>, Option<String>)> {
        let role = self.role(name)?;
        let tags = self.iam.list_tags(self.account(), Tagged::Role(name))?;
        let boundary = self.boundary_of(Named::Role(name))?;
        Ok((role, tags, boundary))
    }

    /// The role, authorized as GetRole (the console's role page).
    pub fn role(&self, name: &str) -> OpResult<Role> {
        self.authorize(Action::GetRole, &self.role_resource(name))?;
        Ok(self.iam.role(self.account(), name)?)
    }

    /// ListRoles.
    pub fn list_roles(&self, args: Later<ListArgs<'_>>) -> OpResult<Page<Role>> {
        self.authorize(Action::ListRoles, &self.every(IamKind::Role))?;
        let a = args?;
        Ok(self
            .iam
            .list_roles(self.account(), a.path_prefix, a.marker.as_deref(), a.max)?)
    }

    /// UpdateRole. The maximum session duration is validated after authorization.
    pub fn update_role(
        &self,
        name: &str,
        description: Option<&str>,
        max_session: Later<Option<u32>>,
    ) -> OpResult<()> {
        self.authorize(Action::UpdateRole, &self.role_resource(name))?;
        Ok(self
            .iam
            .update_role(self.account(), name, description, max_session?)?)
    }

    /// UpdateAssumeRolePolicy.
    pub fn update_assume_role_policy(&self, name: &str, document: &str) -> OpResult<()> {
        self.authorize(Action::UpdateAssumeRolePolicy, &self.role_resource(name))?;
        Ok(self
            .iam
            .update_assume_role_policy(self.account(), name, document)?)
    }

    /// DeleteRole.
    pub fn delete_role(&self, name: &str) -> OpResult<()> {
        self.authorize(Action::DeleteRole, &self.role_resource(name))?;
        Ok(self.iam.delete_role(self.account(), name)?)
    }

    /// CreateInstanceProfile.
    pub fn create_instance_profile(
        &self,
        name: &str,
        path: Option<&str>,
    ) -> OpResult<InstanceProfile> {
        self.authorize(
            Action::CreateInstanceProfile,
            &self.new_entity(IamKind::InstanceProfile, path, name),
        )?;
        Ok(self
            .iam
            .create_instance_profile(self.account(), name, path)?)
    }

    /// GetInstanceProfile: the profile and its roles.
    pub fn get_instance_profile(&self, name: &str) -> OpResult<(InstanceProfile, Vec<Role>)> {
        self.authorize(Action::GetInstanceProfile, &self.profile_resource(name))?;
        Ok(self.iam.instance_profile(self.account(), name)?)
    }

    /// ListInstanceProfiles.
    pub fn list_instance_profiles(
        &self,
        args: Later<ListArgs<'_>>,
    ) -> OpResult<Page<(InstanceProfile, Vec<Role>)>> {
        self.authorize(
            Action::ListInstanceProfiles,
            &self.every(IamKind::InstanceProfile),
        )?;
        let a = args?;
        Ok(self.iam.list_instance_profiles(
            self.account(),
            a.path_prefix,
            a.marker.as_deref(),
            a.max,
        )?)
    }

    /// DeleteInstanceProfile.
    pub fn delete_instance_profile(&self, name: &str) -> OpResult<()> {
        self.authorize(Action::DeleteInstanceProfile, &self.profile_resource(name))?;
        Ok(self.iam.delete_instance_profile(self.account(), name)?)
    }

    /// AddRoleToInstanceProfile, authorized on the profile.
    pub fn add_role_to_instance_profile(&self, profile: &str, role: &str) -> OpResult<()> {
        self.authorize(
            Action::AddRoleToInstanceProfile,
            &self.profile_resource(profile),
        )?;
        Ok(self
            .iam
            .add_role_to_instance_profile(self.account(), profile, role)?)
    }

    /// RemoveRoleFromInstanceProfile, authorized on the profile.
    pub fn remove_role_from_instance_profile(&self, profile: &str, role: &str) -> OpResult<()> {
        self.authorize(
            Action::RemoveRoleFromInstanceProfile,
            &self.profile_resource(profile),
        )?;
        Ok(self
            .iam
            .remove_role_from_instance_profile(self.account(), profile, role)?)
    }

    /// ListInstanceProfilesForRole, authorized on the role.
    pub fn list_instance_profiles_for_role(
        &self,
        role: &str,
    ) -> OpResult<Vec<(InstanceProfile, Vec<Role>)>> {
        self.authorize(
            Action::ListInstanceProfilesForRole,
            &self.role_resource(role),
        )?;
        Ok(self
            .iam
            .list_instance_profiles_for_role(self.account(), role)?)
    }
}
