//! CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
//! RemoveUserFromGroup, ListGroupsForUser.

use credreport_iam::model::Group;

use super::{decode_marker, encode_marker, page_end, user_xml, Ctx};
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
    let path = ctx.params.optional("Path");
    let arn = format!(
        "arn:aws:iam::{}:group{}{name}",
        ctx.account(),
        path.unwrap_or("/")
    );
    ctx.authorize("iam:CreateGroup", &arn)?;
    let group = ctx.iam.create_group(ctx.account(), name, path)?;
    let mut x = Xml::new();
    x.node("Group", |x| group_xml(x, &group));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroup.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = group_name(ctx)?;
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    ctx.authorize("iam:GetGroup", &ctx.group_arn(name))?;
    let (group, users) = ctx.iam.group(ctx.account(), name, marker.as_deref(), max)?;
    let mut x = Xml::new();
    x.node("Group", |x| group_xml(x, &group));
    x.list("Users", &users.items, user_xml);
    page_end(&mut x, users.next.map(|n| encode_marker(&n)).as_deref());
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroups.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let account = ctx.account();
    super::list_named(
        ctx,
        "iam:ListGroups",
        "group",
        |prefix, marker, max| ctx.iam.list_groups(account, prefix, marker, max),
        "Groups",
        group_xml,
    )
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = group_name(ctx)?;
    ctx.authorize("iam:UpdateGroup", &ctx.group_arn(name))?;
    ctx.iam.update_group(
        ctx.account(),
        name,
        ctx.params.optional("NewGroupName"),
        ctx.params.optional("NewPath"),
    )?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = group_name(ctx)?;
    ctx.authorize("iam:DeleteGroup", &ctx.group_arn(name))?;
    ctx.iam.delete_group(ctx.account(), name)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html
pub(crate) fn add_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (group, user) = (group_name(ctx)?, ctx.user_name()?);
    ctx.authorize("iam:AddUserToGroup", &ctx.group_arn(group))?;
    ctx.iam.add_user_to_group(ctx.account(), group, user)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveUserFromGroup.html
pub(crate) fn remove_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (group, user) = (group_name(ctx)?, ctx.user_name()?);
    ctx.authorize("iam:RemoveUserFromGroup", &ctx.group_arn(group))?;
    ctx.iam.remove_user_from_group(ctx.account(), group, user)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupsForUser.html
pub(crate) fn for_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let user = ctx.user_name()?;
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    ctx.authorize("iam:ListGroupsForUser", &ctx.user_arn(user))?;
    let page = ctx
        .iam
        .list_groups_for_user(ctx.account(), user, marker.as_deref(), max)?;
    let mut x = Xml::new();
    x.list("Groups", &page.items, group_xml);
    page_end(&mut x, page.next.map(|n| encode_marker(&n)).as_deref());
    Ok(Some(x))
}
