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

/// What the request tags.
fn target<'a>(ctx: &'a Ctx<'_>, on: On) -> Result<Tagged<'a>, AwsError> {
    Ok(match on {
        On::User => Tagged::User(ctx.user_name()?),
        On::Role => Tagged::Role(ctx.params.required("RoleName", "roleName")?),
        On::Policy => Tagged::Policy(ctx.params.required("PolicyArn", "policyArn")?),
    })
}

fn tag(ctx: &Ctx<'_>, on: On) -> Result<Option<Xml>, AwsError> {
    let what = target(ctx, on)?;
    let tags = ctx.params.tags();
    if tags.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must not be null",
        ));
    }
    ctx.ops.tag(what, &tags)?;
    Ok(None)
}

fn untag(ctx: &Ctx<'_>, on: On) -> Result<Option<Xml>, AwsError> {
    let what = target(ctx, on)?;
    let keys: Vec<String> = ctx
        .params
        .members("TagKeys")
        .into_iter()
        .map(str::to_owned)
        .collect();
    ctx.ops.untag(what, &keys)?;
    Ok(None)
}

fn list(ctx: &Ctx<'_>, on: On) -> Result<Option<Xml>, AwsError> {
    let what = target(ctx, on)?;
    ctx.params.max_items()?;
    let tags = ctx.ops.list_tags(what)?;
    let mut x = Xml::new();
    x.list("Tags", &tags, |x, t| {
        x.leaf("Key", &t.key).leaf("Value", &t.value);
    });
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html
pub(crate) fn tag_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    tag(ctx, On::User)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html
pub(crate) fn untag_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, On::User)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserTags.html
pub(crate) fn list_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, On::User)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html
pub(crate) fn tag_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    tag(ctx, On::Policy)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagPolicy.html
pub(crate) fn untag_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, On::Policy)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyTags.html
pub(crate) fn list_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, On::Policy)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagRole.html (and Untag, List)
pub(crate) fn tag_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    tag(ctx, On::Role)
}
pub(crate) fn untag_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, On::Role)
}
pub(crate) fn list_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, On::Role)
}
