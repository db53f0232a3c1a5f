//! TagUser, UntagUser, ListUserTags, TagPolicy, UntagPolicy, ListPolicyTags.

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

/// What the request tags, and the resource to authorize on.
fn target<'a>(ctx: &'a Ctx<'_>, user: bool) -> Result<(Tagged<'a>, String), AwsError> {
    if user {
        let name = ctx.user_name()?;
        Ok((Tagged::User(name), ctx.user_arn(name)))
    } else {
        let arn = ctx.params.required("PolicyArn", "policyArn")?;
        Ok((Tagged::Policy(arn), arn.to_owned()))
    }
}

fn tag(ctx: &Ctx<'_>, user: bool, action: &str) -> Result<Option<Xml>, AwsError> {
    let (what, resource) = target(ctx, user)?;
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

fn untag(ctx: &Ctx<'_>, user: bool, action: &str) -> Result<Option<Xml>, AwsError> {
    let (what, resource) = target(ctx, user)?;
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

fn list(ctx: &Ctx<'_>, user: bool, action: &str) -> Result<Option<Xml>, AwsError> {
    let (what, resource) = target(ctx, user)?;
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
    tag(ctx, true, "iam:TagUser")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html
pub(crate) fn untag_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, true, "iam:UntagUser")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserTags.html
pub(crate) fn list_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, true, "iam:ListUserTags")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html
pub(crate) fn tag_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    tag(ctx, false, "iam:TagPolicy")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagPolicy.html
pub(crate) fn untag_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    untag(ctx, false, "iam:UntagPolicy")
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyTags.html
pub(crate) fn list_policy(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, false, "iam:ListPolicyTags")
}
