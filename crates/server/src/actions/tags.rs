//! Tag, Untag and List tags of users, roles and customer managed policies.

use credreport_iam::model::Tag;
use credreport_iam::Tagged;

use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

/// `Tags` with a member per tag (nothing when there are none, as IAM omits it).
pub(crate) fn tags_xml(x: &mut Xml, tags: &[Tag]) {
    if !tags.is_empty() {
        x.list("Tags", tags, |x, t| {
            x.leaf("Key", &t.key).leaf("Value", &t.value);
        });
    }
}

/// What a tag action is about.
#[derive(Clone, Copy)]
enum On {
    User,
    Role,
    Policy,
}

/// What the request tags, and the resource to authorize on.
fn target<'a>(ctx: &'a Ctx<'_>, on: On) -> Result<(Tagged<'a>, String), AwsError> {
    match on {
        On::User => {
            let name = ctx.user_name()?;
            Ok((Tagged::User(name), ctx.user_arn(name)))
        }
        On::Role => {
            let name = ctx.params.required("RoleName", "roleName")?;
            Ok((Tagged::Role(name), ctx.role_arn(name)))
        }
        On::Policy => {
            let arn = ctx.params.required("PolicyArn", "policyArn")?;
            Ok((Tagged::Policy(arn), arn.to_owned()))
        }
    }
}

fn tag(ctx: &Ctx<'_>, on: On, action: &str) -> Result<Option<Xml>, AwsError> {
    let (what, resource) = target(ctx, on)?;
    let tags = ctx.params.tags();
    if tags.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must not be null",
        ));
    }
    ctx.authorize(action, &resource)?;
    ctx.iam.tag(ctx.account(), what, &tags)?;
    Ok(None)
}

fn untag(ctx: &Ctx<'_>, on: On, action: &str) -> Result<Option<Xml>, AwsError> {
    let (what, resource) = target(ctx, on)?;
    let keys: Vec<String> = ctx
        .params
        .members("TagKeys")
        .into_iter()
        .map(str::to_owned)
        .collect();
    ctx.authorize(action, &resource)?;
    ctx.iam.untag(ctx.account(), what, &keys)?;
    Ok(None)
}

fn list(ctx: &Ctx<'_>, on: On, action: &str) -> Result<Option<Xml>, AwsError> {
    let (what, resource) = target(ctx, on)?;
    ctx.params.max_items()?;
    ctx.authorize(action, &resource)?;
    let tags = ctx.iam.list_tags(ctx.account(), what)?;
    let mut x = Xml::new();
    x.list("Tags", &tags, |x, t| {
        x.leaf("Key", &t.key).leaf("Value", &t.value);
    });
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html
pub(crate) fn tag_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    tag(ctx, On::User, "iam:TagUser")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html
pub(crate) fn untag_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, On::User, "iam:UntagUser")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserTags.html
pub(crate) fn list_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, On::User, "iam:ListUserTags")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html
pub(crate) fn tag_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    tag(ctx, On::Policy, "iam:TagPolicy")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagPolicy.html
pub(crate) fn untag_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, On::Policy, "iam:UntagPolicy")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyTags.html
pub(crate) fn list_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, On::Policy, "iam:ListPolicyTags")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagRole.html (and Untag, List)
pub(crate) fn tag_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    tag(ctx, On::Role, "iam:TagRole")
}
pub(crate) fn untag_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, On::Role, "iam:UntagRole")
}
pub(crate) fn list_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, On::Role, "iam:ListRoleTags")
}
