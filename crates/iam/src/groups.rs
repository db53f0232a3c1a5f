//! IAM groups: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
//! RemoveUserFromGroup, ListGroupsForUser. A user's requests are authorized with its
//! groups' policies too (`Iam::holdings`).

use crate::error::{Error, Result};
use crate::ids::{name_key, new_group_id, validate_name, validate_path, AccountId};
use crate::model::{Entity, Group, User};
use crate::service::{check_max_items, require_account, require_user, Iam, Page};
use crate::store::{Tx, UserQuery};

/// IAM's quota of groups per account.
pub const GROUPS_QUOTA: usize = 300;
/// IAM's quota of groups one user is a member of.
pub const GROUPS_PER_USER_QUOTA: usize = 10;

/// The group by name, or IAM's NoSuchEntity.
pub(crate) fn require_group(tx: &mut dyn Tx, account: &AccountId, name: &str) -> Result<Group> {
    tx.group_by_name(account, name)?
        .ok_or_else(|| Error::NoSuchEntity(format!("The group with name {name} cannot be found.")))
}

/// A page of a list whose marker is the last name key.
fn page<T>(mut items: Vec<T>, max_items: usize, key: impl Fn(&T) -> String) -> Page<T> {
    let next = if items.len() > max_items {
        items.truncate(max_items);
        items.last().map(key)
    } else {
        None
    };
    Page { items, next }
}

impl Iam {
    /// CreateGroup. Names are 1-128 of `[\w+=,.@-]`, unique ignoring case.
    pub fn create_group(
        &self,
        account: &AccountId,
        name: &str,
        path: Option<&str>,
    ) -> Result<Group> {
        validate_name("groupName", name, 128)?;
        let path = path.unwrap_or("/");
        validate_path("path", path)?;
        let group = Group {
            account: account.clone(),
            id: new_group_id()?,
            name: name.to_owned(),
            path: path.to_owned(),
            created: self.now(),
        };
        self.write(account, |tx| {
            require_account(tx, account)?;
            if tx.group_by_name(account, name)?.is_some() {
                return Err(Error::EntityAlreadyExists(format!(
                    "Group with name {name} already exists."
                )));
            }
            if tx.count_groups(account)? >= GROUPS_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for GroupsPerAccount: {GROUPS_QUOTA}"
                )));
            }
            tx.insert_group(&group)
        })?;
        Ok(group)
    }

    /// The group by name.
    pub fn group_named(&self, account: &AccountId, name: &str) -> Result<Group> {
        self.read(|tx| require_group(tx, account, name))
    }

    /// GetGroup: the group and a page of its members (by name ignoring case).
    pub fn group(
        &self,
        account: &AccountId,
        name: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<(Group, Page<User>)> {
        check_max_items(max_items)?;
        self.read(|tx| {
            let group = require_group(tx, account, name)?;
            let members: Vec<User> = tx
                .group_members(account, &group.id)?
                .into_iter()
                .filter(|u| marker.is_none_or(|m| name_key(&u.name).as_str() > m))
                .take(max_items + 1)
                .collect();
            Ok((group, page(members, max_items, |u| name_key(&u.name))))
        })
    }

    /// ListGroups: by name ignoring case, filtered by path prefix.
    pub fn list_groups(
        &self,
        account: &AccountId,
        path_prefix: Option<&str>,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<Page<Group>> {
        check_max_items(max_items)?;
        self.read(|tx| {
            require_account(tx, account)?;
            let query = UserQuery {
                path_prefix,
                after: marker,
                limit: max_items + 1,
            };
            let groups = tx.groups(account, &query)?;
            Ok(page(groups, max_items, |g| name_key(&g.name)))
        })
    }

    /// UpdateGroup: a new name and/or path.
    pub fn update_group(
        &self,
        account: &AccountId,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> Result<Group> {
        if let Some(n) = new_name {
            validate_name("newGroupName", n, 128)?;
        }
        if let Some(p) = new_path {
            validate_path("newPath", p)?;
        }
        self.write(account, |tx| {
            let mut group = require_group(tx, account, name)?;
            if let Some(n) = new_name {
                if tx
                    .group_by_name(account, n)?
                    .is_some_and(|other| other.id != group.id)
                {
                    return Err(Error::EntityAlreadyExists(format!(
                        "Group with name {n} already exists."
                    )));
                }
                group.name = n.to_owned();
            }
            if let Some(p) = new_path {
                group.path = p.to_owned();
            }
            tx.update_group(&group)?;
            Ok(group)
        })
    }

    /// DeleteGroup: refused with DeleteConflict while it has members, inline policies or
    /// attached managed policies.
    pub fn delete_group(&self, account: &AccountId, name: &str) -> Result<()> {
        self.write(account, |tx| {
            let group = require_group(tx, account, name)?;
            let entity = Entity::group(&group.id);
            let conflict = |what: &str| {
                Err(Error::DeleteConflict(format!(
                    "Cannot delete entity, must {what} first."
                )))
            };
            if !tx.group_members(account, &group.id)?.is_empty() {
                return conflict("remove users from group");
            }
            if !tx.inline_policies(account, &entity)?.is_empty() {
                return conflict("delete policies");
            }
            if !tx.attached_policies(account, &entity)?.is_empty() {
                return conflict("detach all policies");
            }
            tx.delete_group(account, &group.id)
        })
    }

    /// AddUserToGroup (nothing when the user is a member already).
    pub fn add_user_to_group(&self, account: &AccountId, group: &str, user: &str) -> Result<()> {
        self.write(account, |tx| {
            let g = require_group(tx, account, group)?;
            let u = require_user(tx, account, user)?;
            let groups = tx.groups_of_user(account, &u.id)?;
            if groups.iter().any(|m| m.id == g.id) {
                return Ok(());
            }
            if groups.len() >= GROUPS_PER_USER_QUOTA {
                return Err(Error::LimitExceeded(format!(
                    "Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER_QUOTA}"
                )));
            }
            tx.add_group_member(account, &g.id, &u.id)
        })
    }

    /// RemoveUserFromGroup.
    pub fn remove_user_from_group(
        &self,
        account: &AccountId,
        group: &str,
        user: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            let g = require_group(tx, account, group)?;
            let u = require_user(tx, account, user)?;
            tx.remove_group_member(account, &g.id, &u.id)
        })
    }

    /// ListGroupsForUser: the groups a user is a member of, by name ignoring case.
    pub fn list_groups_for_user(
        &self,
        account: &AccountId,
        user: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> Result<Page<Group>> {
        check_max_items(max_items)?;
        self.read(|tx| {
            let u = require_user(tx, account, user)?;
            let groups: Vec<Group> = tx
                .groups_of_user(account, &u.id)?
                .into_iter()
                .filter(|g| marker.is_none_or(|m| name_key(&g.name).as_str() > m))
                .take(max_items + 1)
                .collect();
            Ok(page(groups, max_items, |g| name_key(&g.name)))
        })
    }
}
