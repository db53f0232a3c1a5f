//! Managed policies: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, the version
//! actions, Attach/Detach{User,Group}Policy, ListAttached{User,Group}Policies,
//! ListEntitiesForPolicy (with its `PolicyUsageFilter`).

use credreport_iam::model::EntityKind;
use credreport_iam::{PolicyInfo, PolicyScope, PolicyUsage, VersionInfo};

use super::inline_policies::{encoded_document, Kind};
use super::{decode_marker, page_end, page_xml, Ctx};
use crate::error::AwsError;
use crate::ops::{Later, PolicyListArgs};
use crate::xml::Xml;

/// The Policy shape, in the service model's order (Description only where asked: ListPolicies
/// leaves it out).
fn policy_xml(x: &mut Xml, p: &PolicyInfo, description: bool) {
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
    if description {
        if let Some(d) = &p.description {
            x.leaf("Description", d);
        }
    }
    x.time("CreateDate", p.created)
        .time("UpdateDate", p.updated);
}

/// The PolicyVersion shape (the document only where asked).
fn version_xml(x: &mut Xml, v: &VersionInfo, document: bool) {
    if document {
        x.leaf("Document", &encoded_document(&v.document));
    }
    x.leaf("VersionId", &v.version_id)
        .bool("IsDefaultVersion", v.is_default)
        .time("CreateDate", v.created);
}

fn arn<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("PolicyArn", "policyArn")
}

fn version_id<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("VersionId", "versionId")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.params.required("PolicyName", "policyName")?;
    let document = ctx.params.required("PolicyDocument", "policyDocument")?;
    let tags = ctx.params.tags();
    let policy = ctx.ops.create_policy(
        name,
        ctx.params.optional("Path"),
        document,
        ctx.params.optional("Description"),
        &tags,
    )?;
    let mut x = Xml::new();
    x.node("Policy", |x| {
        policy_xml(x, &policy, true);
        super::tags::tags_xml(x, &tags);
    });
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (policy, tags) = ctx.ops.get_policy(arn(ctx)?)?;
    let mut x = Xml::new();
    x.node("Policy", |x| {
        policy_xml(x, &policy, true);
        super::tags::tags_xml(x, &tags);
    });
    Ok(Some(x))
}

/// ListPolicies' parameters (validated after authorization).
fn list_args<'a>(ctx: &'a Ctx<'_>) -> Later<PolicyListArgs<'a>> {
    let scope = match ctx.params.optional("Scope").unwrap_or("All") {
        "All" => PolicyScope::All,
        "AWS" => PolicyScope::Aws,
        "Local" => PolicyScope::Local,
        _ => {
            return Err(AwsError::validation(
                "1 validation error detected: Value at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]",
            ))
        }
    };
    let only_attached = ctx
        .params
        .bool("OnlyAttached", "onlyAttached")?
        .unwrap_or(false);
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    Ok(PolicyListArgs {
        scope,
        only_attached,
        path_prefix: ctx.params.optional("PathPrefix"),
        marker,
        max,
    })
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let page = ctx.ops.list_policies(list_args(ctx))?;
    Ok(page_xml(&page, "Policies", |x, p| policy_xml(x, p, false)))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.delete_policy(arn(ctx)?)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html
pub(crate) fn create_version(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let arn = arn(ctx)?;
    let document = ctx.params.required("PolicyDocument", "policyDocument")?;
    let default = ctx
        .params
        .bool("SetAsDefault", "setAsDefault")?
        .unwrap_or(false);
    let v = ctx.ops.create_policy_version(arn, document, default)?;
    let mut x = Xml::new();
    x.node("PolicyVersion", |x| version_xml(x, &v, false));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html
pub(crate) fn get_version(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (arn, version) = (arn(ctx)?, version_id(ctx)?);
    let v = ctx.ops.get_policy_version(arn, version)?;
    let mut x = Xml::new();
    x.node("PolicyVersion", |x| version_xml(x, &v, true));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyVersions.html
pub(crate) fn list_versions(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let arn = arn(ctx)?;
    ctx.params.max_items()?;
    let versions = ctx.ops.list_policy_versions(arn)?;
    let mut x = Xml::new();
    x.list("Versions", &versions, |x, v| version_xml(x, v, false));
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html
pub(crate) fn delete_version(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (arn, version) = (arn(ctx)?, version_id(ctx)?);
    ctx.ops.delete_policy_version(arn, version)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetDefaultPolicyVersion.html
pub(crate) fn set_default_version(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (arn, version) = (arn(ctx)?, version_id(ctx)?);
    ctx.ops.set_default_policy_version(arn, version)?;
    Ok(None)
}

fn attach(ctx: &Ctx<'_>, kind: Kind) -> Result<Option<Xml>, AwsError> {
    let who = kind.named(ctx)?;
    ctx.ops.attach_policy(who, arn(ctx)?)?;
    Ok(None)
}

fn detach(ctx: &Ctx<'_>, kind: Kind) -> Result<Option<Xml>, AwsError> {
    let who = kind.named(ctx)?;
    ctx.ops.detach_policy(who, arn(ctx)?)?;
    Ok(None)
}

fn list_attached(ctx: &Ctx<'_>, kind: Kind) -> Result<Option<Xml>, AwsError> {
    let who = kind.named(ctx)?;
    ctx.params.max_items()?;
    let attached = ctx
        .ops
        .list_attached_policies(who, ctx.params.optional("PathPrefix"))?;
    let mut x = Xml::new();
    x.list("AttachedPolicies", &attached, |x, (name, arn)| {
        x.leaf("PolicyName", name).leaf("PolicyArn", arn);
    });
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html (and Group)
pub(crate) fn attach_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    attach(ctx, Kind::User)
}
pub(crate) fn attach_group(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    attach(ctx, Kind::Group)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html (and Group)
pub(crate) fn detach_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    detach(ctx, Kind::User)
}
pub(crate) fn detach_group(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    detach(ctx, Kind::Group)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedUserPolicies.html (and Group)
pub(crate) fn list_attached_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list_attached(ctx, Kind::User)
}
pub(crate) fn list_attached_group(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list_attached(ctx, Kind::Group)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html
pub(crate) fn entities(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let arn = arn(ctx)?;
    ctx.params.max_items()?;
    let only = match ctx.params.optional("EntityFilter") {
        None => None,
        Some("User") => Some(EntityKind::User),
        Some("Group") => Some(EntityKind::Group),
        Some("Role") => Some(EntityKind::Role),
        Some("LocalManagedPolicy" | "AWSManagedPolicy") => None,
        Some(_) => {
            return Err(AwsError::validation(
                "1 validation error detected: Value at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, LocalManagedPolicy, Group, AWSManagedPolicy]",
            ))
        }
    };
    let usage = match ctx.params.optional("PolicyUsageFilter") {
        None => None,
        Some("PermissionsPolicy") => Some(PolicyUsage::Permissions),
        Some("PermissionsBoundary") => Some(PolicyUsage::Boundary),
        Some(_) => {
            return Err(AwsError::validation(
                "1 validation error detected: Value at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]",
            ))
        }
    };
    let found =
        ctx.ops
            .list_entities_for_policy(arn, only, usage, ctx.params.optional("PathPrefix"))?;
    let mut x = Xml::new();
    x.list("PolicyGroups", &found.groups, |x, g| {
        x.leaf("GroupName", &g.name).leaf("GroupId", &g.id);
    });
    x.list("PolicyUsers", &found.users, |x, u| {
        x.leaf("UserName", &u.name).leaf("UserId", &u.id);
    });
    x.list("PolicyRoles", &found.roles, |x, r| {
        x.leaf("RoleName", &r.name).leaf("RoleId", &r.id);
    });
    page_end(&mut x, None);
    Ok(Some(x))
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html (and Detach, ListAttached)
pub(crate) fn attach_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    attach(ctx, Kind::Role)
}
pub(crate) fn detach_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    detach(ctx, Kind::Role)
}
pub(crate) fn list_attached_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list_attached(ctx, Kind::Role)
}
