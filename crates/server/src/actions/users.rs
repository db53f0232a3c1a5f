//! CreateUser, GetUser, ListUsers, DeleteUser.

use super::{listed_user_xml, user_xml, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    let path = ctx.params.optional("Path");
    let arn = format!(
        "arn:aws:iam::{}:user{}{name}",
        ctx.account(),
        path.unwrap_or("/")
    );
    let tags = ctx.params.tags();
    ctx.authorize("iam:CreateUser", &arn)?;
    if !tags.is_empty() {
        // Creating a user with tags needs iam:TagUser too.
        ctx.authorize("iam:TagUser", &arn)?;
        credreport_iam::validate_tags(&tags)?;
    }
    let user = ctx.iam.create_user(ctx.account(), name, path)?;
    if !tags.is_empty() {
        ctx.iam.tag(
            ctx.account(),
            credreport_iam::Tagged::User(&user.name),
            &tags,
        )?;
    }
    let mut x = Xml::new();
    x.node("User", |x| {
        user_xml(x, &user);
        super::tags::tags_xml(x, &tags);
    });
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let mut x = Xml::new();
    match ctx.target("iam:GetUser")? {
        super::Target::User(user) => {
            let tags = ctx
                .iam
                .list_tags(ctx.account(), credreport_iam::Tagged::User(&user.name))?;
            x.node("User", |x| {
                listed_user_xml(x, &user);
                super::tags::tags_xml(x, &tags);
            });
        }
        super::Target::Root => {
            // The root's own GetUser: its account id as user id, the root ARN.
            let account = ctx.iam.account(ctx.account())?;
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
    let account = ctx.account();
    super::list_named(
        ctx,
        "iam:ListUsers",
        "user",
        |prefix, marker, max| ctx.iam.list_users(account, prefix, marker, max),
        "Users",
        listed_user_xml,
    )
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    ctx.authorize("iam:DeleteUser", &ctx.user_arn(name))?;
    ctx.iam.delete_user(ctx.account(), name)?;
    Ok(None)
}
