//! CreateRole, GetRole, ListRoles, UpdateRole, UpdateAssumeRolePolicy, DeleteRole; the
//! instance profile actions.

use credreport_iam::model::{InstanceProfile, Role};
use credreport_iam::NewRole;

use super::boundaries::boundary_xml;
use super::inline_policies::encoded_document;
use super::tags::tags_xml;
use super::{list_args, page_end, page_xml, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

/// The Role shape's members up to `MaxSessionDuration`, as ListRoles and CreateRole answer
/// (GetRole adds the tags and [`last_used_xml`]).
pub(crate) fn role_xml(x: &mut Xml, r: &Role) {
    role_head_xml(x, r);
    if let Some(d) = &r.description {
        x.leaf("Description", d);
    }
    x.leaf("MaxSessionDuration", &r.max_session_duration.to_string());
}

/// Path, RoleName, RoleId, Arn, CreateDate, AssumeRolePolicyDocument: what the Role and
/// RoleDetail shapes begin with.
pub(crate) fn role_head_xml(x: &mut Xml, r: &Role) {
    x.leaf("Path", &r.path)
        .leaf("RoleName", &r.name)
        .leaf("RoleId", &r.id)
        .leaf("Arn", &r.arn())
        .time("CreateDate", r.created)
        .leaf(
            "AssumeRolePolicyDocument",
            &encoded_document(&r.assume_role_policy),
        );
}

/// `RoleLastUsed` (empty when the role was never used).
pub(crate) fn last_used_xml(x: &mut Xml, r: &Role) {
    x.node("RoleLastUsed", |x| {
        if let Some((at, region)) = &r.last_used {
            x.time("LastUsedDate", *at).leaf("Region", region);
        }
    });
}

/// The InstanceProfile shape, with its roles.
pub(crate) fn profile_xml(x: &mut Xml, p: &InstanceProfile, roles: &[Role]) {
    x.leaf("Path", &p.path)
        .leaf("InstanceProfileName", &p.name)
        .leaf("InstanceProfileId", &p.id)
        .leaf("Arn", &p.arn())
        .time("CreateDate", p.created)
        .list("Roles", roles, role_xml);
}

fn role_name<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("RoleName", "roleName")
}

fn profile_name<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params
        .required("InstanceProfileName", "instanceProfileName")
}

fn session_duration(ctx: &Ctx<'_>) -> Result<Option<u32>, AwsError> {
    match ctx.params.int("MaxSessionDuration", "maxSessionDuration")? {
        None => Ok(None),
        Some(n) => u32::try_from(n).map(Some).map_err(|_| {
            AwsError::validation(
                "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
            )
        }),
    }
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = role_name(ctx)?;
    let trust = ctx
        .params
        .required("AssumeRolePolicyDocument", "assumeRolePolicyDocument")?;
    let tags = ctx.params.tags();
    let role = ctx.ops.create_role(
        &NewRole {
            name,
            path: ctx.params.optional("Path"),
            assume_role_policy: trust,
            description: ctx.params.optional("Description"),
            max_session_duration: None,
            permissions_boundary: ctx.params.optional("PermissionsBoundary"),
        },
        session_duration(ctx),
        &tags,
    )?;
    let mut x = Xml::new();
    x.node("Role", |x| {
        role_xml(x, &role);
        boundary_xml(x, ctx.params.optional("PermissionsBoundary"));
        tags_xml(x, &tags);
    });
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (role, tags, boundary) = ctx.ops.get_role(role_name(ctx)?)?;
    let mut x = Xml::new();
    x.node("Role", |x| {
        role_xml(x, &role);
        boundary_xml(x, boundary.as_deref());
        tags_xml(x, &tags);
        last_used_xml(x, &role);
    });
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let page = ctx.ops.list_roles(list_args(ctx))?;
    Ok(page_xml(&page, "Roles", role_xml))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = role_name(ctx)?;
    ctx.ops.update_role(
        name,
        ctx.params.optional("Description"),
        session_duration(ctx),
    )?;
    Ok(Some(Xml::new()))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html
pub(crate) fn update_trust(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = role_name(ctx)?;
    let document = ctx.params.required("PolicyDocument", "policyDocument")?;
    ctx.ops.update_assume_role_policy(name, document)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.delete_role(role_name(ctx)?)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html
pub(crate) fn create_profile(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = profile_name(ctx)?;
    let p = ctx
        .ops
        .create_instance_profile(name, ctx.params.optional("Path"))?;
    let mut x = Xml::new();
    x.node("InstanceProfile", |x| profile_xml(x, &p, &[]));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetInstanceProfile.html
pub(crate) fn get_profile(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (p, roles) = ctx.ops.get_instance_profile(profile_name(ctx)?)?;
    let mut x = Xml::new();
    x.node("InstanceProfile", |x| profile_xml(x, &p, &roles));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListInstanceProfiles.html
pub(crate) fn list_profiles(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let page = ctx.ops.list_instance_profiles(list_args(ctx))?;
    Ok(page_xml(&page, "InstanceProfiles", |x, (p, roles)| {
        profile_xml(x, p, roles);
    }))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteInstanceProfile.html
pub(crate) fn delete_profile(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.delete_instance_profile(profile_name(ctx)?)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html
pub(crate) fn add_to_profile(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (profile, role) = (profile_name(ctx)?, role_name(ctx)?);
    ctx.ops.add_role_to_instance_profile(profile, role)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveRoleFromInstanceProfile.html
pub(crate) fn remove_from_profile(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (profile, role) = (profile_name(ctx)?, role_name(ctx)?);
    ctx.ops.remove_role_from_instance_profile(profile, role)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListInstanceProfilesForRole.html
pub(crate) fn profiles_for_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let role = role_name(ctx)?;
    ctx.params.max_items()?;
    let profiles = ctx.ops.list_instance_profiles_for_role(role)?;
    let mut x = Xml::new();
    x.list("InstanceProfiles", &profiles, |x, (p, roles)| {
        profile_xml(x, p, roles);
    });
    page_end(&mut x, None);
    Ok(Some(x))
}
