//! CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
//! RemoveUserFromGroup, ListGroupsForUser.

use credreport_iam::model::Group;

use super::{decode_marker, encode_marker, list_args, page_end, page_xml, user_xml, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

/// The Group shape: Path, GroupName, GroupId, Arn, CreateDate.
pub(crate) fn group_xml(x: &mut Xml, g: &Group) {
    x.leaf("Path", &g.path)
        .leaf("GroupName", &g.name)
        .leaf("GroupId", &g.id)
        .leaf("Arn", &g.arn())
        .time("CreateDate", g.created);
}

fn group_name<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("GroupName", "groupName")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = group_name(ctx)?;
    let group = ctx.ops.create_group(name, ctx.params.optional("Path"))?;
    let mut x = Xml::new();
    x.node("Group", |x| group_xml(x, &group));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroup.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = group_name(ctx)?;
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    let (group, users) = ctx.ops.get_group(name, marker.as_deref(), max)?;
    let mut x = Xml::new();
    x.node("Group", |x| group_xml(x, &group));
    x.list("Users", &users.items, user_xml);
    page_end(&mut x, users.next.as_deref().map(encode_marker).as_deref());
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroups.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let page = ctx.ops.list_groups(list_args(ctx))?;
    Ok(page_xml(&page, "Groups", group_xml))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = group_name(ctx)?;
    ctx.ops.update_group(
        name,
        ctx.params.optional("NewGroupName"),
        ctx.params.optional("NewPath"),
    )?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.delete_group(group_name(ctx)?)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html
pub(crate) fn add_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (group, user) = (group_name(ctx)?, ctx.user_name()?);
    ctx.ops.add_user_to_group(group, user)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveUserFromGroup.html
pub(crate) fn remove_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (group, user) = (group_name(ctx)?, ctx.user_name()?);
    ctx.ops.remove_user_from_group(group, user)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupsForUser.html
pub(crate) fn for_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let user = ctx.user_name()?;
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    let page = ctx.ops.list_groups_for_user(user, marker.as_deref(), max)?;
    Ok(page_xml(&page, "Groups", group_xml))
}
