//! PutUserPolicy, GetUserPolicy, DeleteUserPolicy, ListUserPolicies.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn policy_name<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("PolicyName", "policyName")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html
pub(crate) fn put(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (user, name) = (ctx.user_name()?, policy_name(ctx)?);
    let document = ctx.params.required("PolicyDocument", "policyDocument")?;
    ctx.authorize("iam:PutUserPolicy", &ctx.user_arn(user))?;
    ctx.iam
        .put_user_policy(ctx.account(), user, name, document)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (user, name) = (ctx.user_name()?, policy_name(ctx)?);
    ctx.authorize("iam:GetUserPolicy", &ctx.user_arn(user))?;
    let (user_name, policy) = ctx.iam.user_policy(ctx.account(), user, name)?;
    let mut x = Xml::new();
    // The document is URL-encoded on the wire (botocore decodes it; the Rust SDK does not).
    x.leaf("UserName", &user_name)
        .leaf("PolicyName", &policy.name)
        .leaf(
            "PolicyDocument",
            &utf8_percent_encode(&policy.document, RFC3986).to_string(),
        );
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPolicy.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (user, name) = (ctx.user_name()?, policy_name(ctx)?);
    ctx.authorize("iam:DeleteUserPolicy", &ctx.user_arn(user))?;
    ctx.iam.delete_user_policy(ctx.account(), user, name)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserPolicies.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let user = ctx.user_name()?;
    ctx.params.max_items()?;
    ctx.authorize("iam:ListUserPolicies", &ctx.user_arn(user))?;
    let names = ctx.iam.list_user_policies(ctx.account(), user)?;
    let mut x = Xml::new();
    x.node("PolicyNames", |x| {
        for n in &names {
            x.leaf("member", n);
        }
    });
    page_end(&mut x, None);
    Ok(Some(x))
}
