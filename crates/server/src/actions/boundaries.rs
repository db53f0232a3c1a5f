//! PutUserPermissionsBoundary, DeleteUserPermissionsBoundary, PutRolePermissionsBoundary,
//! DeleteRolePermissionsBoundary; the `PermissionsBoundary` member other answers carry.

use credreport_iam::Named;

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

/// The AttachedPermissionsBoundary shape, when the identity has a boundary.
pub(crate) fn boundary_xml(x: &mut Xml, arn: Option<&str>) {
    if let Some(arn) = arn {
        x.node("PermissionsBoundary", |x| {
            x.leaf("PermissionsBoundaryType", "Policy")
                .leaf("PermissionsBoundaryArn", arn);
        });
    }
}

/// A request's `PermissionsBoundary` (required by the Put actions, optional on create).
pub(crate) fn boundary_param<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params
        .required("PermissionsBoundary", "permissionsBoundary")
}

fn role_name<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("RoleName", "roleName")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPermissionsBoundary.html
pub(crate) fn put_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (name, arn) = (ctx.user_name()?, boundary_param(ctx)?);
    ctx.ops.put_permissions_boundary(Named::User(name), arn)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPermissionsBoundary.html
pub(crate) fn delete_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops
        .delete_permissions_boundary(Named::User(ctx.user_name()?))?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html
pub(crate) fn put_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (name, arn) = (role_name(ctx)?, boundary_param(ctx)?);
    ctx.ops.put_permissions_boundary(Named::Role(name), arn)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePermissionsBoundary.html
pub(crate) fn delete_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops
        .delete_permissions_boundary(Named::Role(role_name(ctx)?))?;
    Ok(None)
}
