//! CreateUser, GetUser, ListUsers, DeleteUser.

use super::boundaries::boundary_xml;
use super::{list_args, listed_user_xml, page_xml, user_xml, Ctx};
use crate::error::AwsError;
use crate::ops::GetUser;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    let path = ctx.params.optional("Path");
    let tags = ctx.params.tags();
    let boundary = ctx.params.optional("PermissionsBoundary");
    let user = ctx.ops.create_user(name, path, &tags, boundary)?;
    let mut x = Xml::new();
    x.node("User", |x| {
        user_xml(x, &user);
        boundary_xml(x, boundary);
        super::tags::tags_xml(x, &tags);
    });
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let mut x = Xml::new();
    match ctx.ops.get_user(ctx.user_or_caller())? {
        GetUser::User(user, tags, boundary) => {
            x.node("User", |x| {
                listed_user_xml(x, &user);
                boundary_xml(x, boundary.as_deref());
                super::tags::tags_xml(x, &tags);
            });
        }
        GetUser::Root(account) => {
            // The root's own GetUser: its account id as user id, the root ARN.
            x.node("User", |x| {
                x.leaf("UserId", account.id.as_str())
                    .leaf("Arn", &account.id.root_arn())
                    .time("CreateDate", account.created);
                if let Some(t) = account.root_password_last_used {
                    x.time("PasswordLastUsed", t);
                }
            });
        }
    }
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let page = ctx.ops.list_users(list_args(ctx))?;
    Ok(page_xml(&page, "Users", listed_user_xml))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.delete_user(ctx.user_name()?)?;
    Ok(None)
}
