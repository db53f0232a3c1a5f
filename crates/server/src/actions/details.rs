//! GetAccountAuthorizationDetails: users, groups, roles and managed policies with what
//! authorizes them, paged over the four lists together (`MaxItems` items a page, users first).

use credreport_iam::model::InlinePolicy;
use credreport_iam::{AuthorizationDetails, DetailsFilter};

use super::boundaries::boundary_xml;
use super::inline_policies::encoded_document;
use super::tags::tags_xml;
use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

fn filter(ctx: &Ctx<'_>) -> Result<DetailsFilter, AwsError> {
    let kinds = ctx.params.members("Filter");
    if kinds.is_empty() {
        return Ok(DetailsFilter::all());
    }
    let mut f = DetailsFilter::default();
    for k in kinds {
        match k {
            "User" => f.users = true,
            "Group" => f.groups = true,
            "LocalManagedPolicy" => f.local_policies = true,
            "AWSManagedPolicy" => f.aws_policies = true,
            "Role" => f.roles = true,
            _ => {
                return Err(AwsError::validation(
                    "1 validation error detected: Value at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, LocalManagedPolicy, Group, AWSManagedPolicy]]",
                ))
            }
        }
    }
    Ok(f)
}

fn inline_xml(x: &mut Xml, name: &str, policies: &[InlinePolicy]) {
    if policies.is_empty() {
        return;
    }
    x.list(name, policies, |x, p| {
        x.leaf("PolicyName", &p.name)
            .leaf("PolicyDocument", &encoded_document(&p.document));
    });
}

fn attached_xml(x: &mut Xml, attached: &[(String, String)]) {
    x.list("AttachedManagedPolicies", attached, |x, (name, arn)| {
        x.leaf("PolicyName", name).leaf("PolicyArn", arn);
    });
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let filter = filter(ctx)?;
    let max = ctx.params.max_items()?;
    let start = match ctx.params.optional("Marker") {
        None => 0,
        Some(m) => m
            .parse::<usize>()
            .map_err(|_| AwsError::validation("Invalid Marker."))?,
    };
    let AuthorizationDetails {
        users,
        groups,
        roles,
        policies,
    } = ctx.ops.authorization_details(filter)?;
    let total = users.len() + groups.len() + roles.len() + policies.len();
    let end = start.saturating_add(max).min(total);
    // The page's slice of each list, in the order users, groups, policies.
    let window = |offset: usize, len: usize| {
        let from = start.clamp(offset, offset + len) - offset;
        let to = end.clamp(offset, offset + len) - offset;
        from..to
    };
    let (n_users, n_groups, n_roles) = (users.len(), groups.len(), roles.len());
    let users = &users[window(0, n_users)];
    let groups = &groups[window(n_users, n_groups)];
    let roles = &roles[window(n_users + n_groups, n_roles)];
    let policies = &policies[window(n_users + n_groups + n_roles, policies.len())];
    let mut x = Xml::new();
    x.list("UserDetailList", users, |x, d| {
        x.leaf("Path", &d.user.path)
            .leaf("UserName", &d.user.name)
            .leaf("UserId", &d.user.id)
            .leaf("Arn", &d.user.arn())
            .time("CreateDate", d.user.created);
        inline_xml(x, "UserPolicyList", &d.inline);
        x.node("GroupList", |x| {
            for g in &d.groups {
                x.leaf("member", g);
            }
        });
        attached_xml(x, &d.attached);
        boundary_xml(x, d.boundary.as_deref());
        tags_xml(x, &d.tags);
    });
    x.list("GroupDetailList", groups, |x, d| {
        x.leaf("Path", &d.group.path)
            .leaf("GroupName", &d.group.name)
            .leaf("GroupId", &d.group.id)
            .leaf("Arn", &d.group.arn())
            .time("CreateDate", d.group.created);
        inline_xml(x, "GroupPolicyList", &d.inline);
        attached_xml(x, &d.attached);
    });
    x.list("RoleDetailList", roles, |x, d| {
        super::roles::role_head_xml(x, &d.role);
        x.list("InstanceProfileList", &d.profiles, |x, (p, members)| {
            super::roles::profile_xml(x, p, members);
        });
        inline_xml(x, "RolePolicyList", &d.inline);
        attached_xml(x, &d.attached);
        boundary_xml(x, d.boundary.as_deref());
        tags_xml(x, &d.tags);
        super::roles::last_used_xml(x, &d.role);
    });
    x.list("Policies", policies, |x, (p, versions)| {
        x.leaf("PolicyName", &p.name)
            .leaf("PolicyId", &p.id)
            .leaf("Arn", &p.arn)
            .leaf("Path", &p.path)
            .leaf("DefaultVersionId", &p.default_version_id)
            .leaf("AttachmentCount", &p.attachment_count.to_string())
            .leaf(
                "PermissionsBoundaryUsageCount",
                &p.boundary_usage_count.to_string(),
            )
            .bool("IsAttachable", true);
        if let Some(d) = &p.description {
            x.leaf("Description", d);
        }
        x.time("CreateDate", p.created)
            .time("UpdateDate", p.updated);
        x.list("PolicyVersionList", versions, |x, v| {
            x.leaf("Document", &encoded_document(&v.document))
                .leaf("VersionId", &v.version_id)
                .bool("IsDefaultVersion", v.is_default)
                .time("CreateDate", v.created);
        });
    });
    page_end(&mut x, (end < total).then(|| end.to_string()).as_deref());
    Ok(Some(x))
}
