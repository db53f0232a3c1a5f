//! Groups and their members.

use credreport_iam::model::{Group, User};
use credreport_iam::{IamKind, Page};

use super::{Action, Later, ListArgs, OpResult, Ops};

impl Ops<'_> {
    /// CreateGroup.
    pub fn create_group(&self, name: &str, path: Option<&str>) -> OpResult<Group> {
        self.authorize(
            Action::CreateGroup,
            &self.new_entity(IamKind::Group, path, name),
        )?;
        Ok(self.iam.create_group(self.account(), name, path)?)
    }

    /// GetGroup: the group and a page of its users.
    pub fn get_group(
        &self,
        name: &str,
        marker: Option<&str>,
        max: usize,
    ) -> OpResult<(Group, Page<User>)> {
        self.authorize(Action::GetGroup, &self.group_resource(name))?;
        Ok(self.iam.group(self.account(), name, marker, max)?)
    }

    /// ListGroups.
    pub fn list_groups(&self, args: Later<ListArgs<'_>>) -> OpResult<Page<Group>> {
        self.authorize(Action::ListGroups, &self.every(IamKind::Group))?;
        let a = args?;
        Ok(self
            .iam
            .list_groups(self.account(), a.path_prefix, a.marker.as_deref(), a.max)?)
    }

    /// UpdateGroup.
    pub fn update_group(
        &self,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> OpResult<()> {
        self.authorize(Action::UpdateGroup, &self.group_resource(name))?;
        self.iam
            .update_group(self.account(), name, new_name, new_path)?;
        Ok(())
    }

    /// DeleteGroup.
    pub fn delete_group(&self, name: &str) -> OpResult<()> {
        self.authorize(Action::DeleteGroup, &self.group_resource(name))?;
        Ok(self.iam.delete_group(self.account(), name)?)
    }

    /// AddUserToGroup, authorized on the group.
    pub fn add_user_to_group(&self, group: &str, user: &str) -> OpResult<()> {
        self.authorize(Action::AddUserToGroup, &self.group_resource(group))?;
        Ok(self.iam.add_user_to_group(self.account(), group, user)?)
    }

    /// RemoveUserFromGroup, authorized on the group.
    pub fn remove_user_from_group(&self, group: &str, user: &str) -> OpResult<()> {
        self.authorize(Action::RemoveUserFromGroup, &self.group_resource(group))?;
        Ok(self
            .iam
            .remove_user_from_group(self.account(), group, user)?)
    }

    /// ListGroupsForUser, authorized on the user.
    pub fn list_groups_for_user(
        &self,
        user: &str,
        marker: Option<&str>,
        max: usize,
    ) -> OpResult<Page<Group>> {
        self.authorize(Action::ListGroupsForUser, &self.user_resource(user))?;
        Ok(self
            .iam
            .list_groups_for_user(self.account(), user, marker, max)?)
    }
}
