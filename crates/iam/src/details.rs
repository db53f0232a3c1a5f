//! GetAccountAuthorizationDetails: every user, group, role and managed policy of an account with
//! what authorizes it (users, groups and roles with their inline and attached policies,
//! groups, tags and instance profiles read on one snapshot; the policies' versions read
//! after it).

use crate::error::Result;
use crate::ids::AccountId;
use crate::managed::{attached_in, PolicyInfo, PolicyScope, VersionInfo};
use crate::model::{Entity, Group, InlinePolicy, InstanceProfile, Role, Tag, TagTarget, User};
use crate::service::{require_account, Iam};
use crate::store::UserQuery;
use crate::users::USERS_QUOTA;

/// A user and what authorizes it.
#[derive(Clone, Debug)]
pub struct UserDetail {
    /// The user.
    pub user: User,
    /// Its inline policies.
    pub inline: Vec<InlinePolicy>,
    /// The names of its groups.
    pub groups: Vec<String>,
    /// Its attached managed policies: `(name, arn)`.
    pub attached: Vec<(String, String)>,
    /// Its permissions boundary (the policy's ARN).
    pub boundary: Option<String>,
    /// Its tags.
    pub tags: Vec<Tag>,
}

/// A group and what authorizes it.
#[derive(Clone, Debug)]
pub struct GroupDetail {
    /// The group.
    pub group: Group,
    /// Its inline policies.
    pub inline: Vec<InlinePolicy>,
    /// Its attached managed policies: `(name, arn)`.
    pub attached: Vec<(String, String)>,
}

/// A role and what authorizes it.
#[derive(Clone, Debug)]
pub struct RoleDetail {
    /// The role.
    pub role: Role,
    /// Its inline policies.
    pub inline: Vec<InlinePolicy>,
    /// Its attached managed policies: `(name, arn)`.
    pub attached: Vec<(String, String)>,
    /// The instance profiles it is in (with their roles).
    pub profiles: Vec<(InstanceProfile, Vec<Role>)>,
    /// Its permissions boundary (the policy's ARN).
    pub boundary: Option<String>,
    /// Its tags.
    pub tags: Vec<Tag>,
}

/// Which kinds GetAccountAuthorizationDetails returns (its `Filter`; all when empty).
#[derive(Clone, Copy, Debug, Default)]
pub struct DetailsFilter {
    /// `User`.
    pub users: bool,
    /// `Group`.
    pub groups: bool,
    /// `Role`.
    pub roles: bool,
    /// `LocalManagedPolicy`.
    pub local_policies: bool,
    /// `AWSManagedPolicy` (those attached to something in the account).
    pub aws_policies: bool,
}

impl DetailsFilter {
    /// Everything.
    pub fn all() -> DetailsFilter {
        DetailsFilter {
            users: true,
            groups: true,
            roles: true,
            local_policies: true,
            aws_policies: true,
        }
    }
}

/// The account's authorization details.
#[derive(Clone, Debug, Default)]
pub struct AuthorizationDetails {
    /// Users, by name ignoring case.
    pub users: Vec<UserDetail>,
    /// Groups, by name ignoring case.
    pub groups: Vec<GroupDetail>,
    /// Roles, by name ignoring case.
    pub roles: Vec<RoleDetail>,
    /// Managed policies with every version.
    pub policies: Vec<(PolicyInfo, Vec<VersionInfo>)>,
}

impl Iam {
    /// GetAccountAuthorizationDetails, unpaged (the caller pages it).
    pub fn authorization_details(
        &self,
        account: &AccountId,
        filter: DetailsFilter,
    ) -> Result<AuthorizationDetails> {
        let everyone = UserQuery {
            path_prefix: None,
            after: None,
            limit: USERS_QUOTA + 1,
        };
        let (users, groups, roles) = self.read(|tx| {
            require_account(tx, account)?;
            let mut users = Vec::new();
            if filter.users {
                for user in tx.users(account, &everyone)? {
                    let entity = Entity::user(&user.id);
                    users.push(UserDetail {
                        inline: tx.inline_policies(account, &entity)?,
                        groups: tx
                            .groups_of_user(account, &user.id)?
                            .into_iter()
                            .map(|g| g.name)
                            .collect(),
                        attached: attached_in(tx, account, &entity, "/")?,
                        boundary: tx.permissions_boundary(account, &entity)?,
                        tags: tx.tags(account, &TagTarget::User(user.id.clone()))?,
                        user,
                    });
                }
            }
            let mut groups = Vec::new();
            if filter.groups {
                for group in tx.groups(account, &everyone)? {
                    let entity = Entity::group(&group.id);
                    groups.push(GroupDetail {
                        inline: tx.inline_policies(account, &entity)?,
                        attached: attached_in(tx, account, &entity, "/")?,
                        group,
                    });
                }
            }
            let mut roles = Vec::new();
            if filter.roles {
                for role in tx.roles(account, &everyone)? {
                    let entity = Entity::role(&role.id);
                    let mut profiles = Vec::new();
                    for p in tx.profiles_of_role(account, &role.id)? {
                        let members = tx.profile_roles(account, &p.id)?;
                        profiles.push((p, members));
                    }
                    roles.push(RoleDetail {
                        inline: tx.inline_policies(account, &entity)?,
                        attached: attached_in(tx, account, &entity, "/")?,
                        profiles,
                        boundary: tx.permissions_boundary(account, &entity)?,
                        tags: tx.tags(account, &TagTarget::Role(role.id.clone()))?,
                        role,
                    });
                }
            }
            Ok((users, groups, roles))
        })?;
        let mut out = AuthorizationDetails {
            users,
            groups,
            roles,
            policies: Vec::new(),
        };
        let scope = match (filter.local_policies, filter.aws_policies) {
            (true, true) => Some(PolicyScope::All),
            (true, false) => Some(PolicyScope::Local),
            (false, true) => Some(PolicyScope::Aws),
            (false, false) => None,
        };
        if let Some(scope) = scope {
            let mut marker: Option<String> = None;
            loop {
                let page =
                    self.list_policies(account, scope, false, None, marker.as_deref(), 1000)?;
                for p in page.items {
                    // AWS lists the AWS managed policies in use (attached or a
                    // boundary), not its whole catalog.
                    if p.aws_managed && p.attachment_count == 0 && p.boundary_usage_count == 0 {
                        continue;
                    }
                    let versions = self.list_policy_versions(account, &p.arn)?;
                    out.policies.push((p, versions));
                }
                match page.next {
                    Some(n) => marker = Some(n),
                    None => break,
                }
            }
        }
        Ok(out)
    }
}
