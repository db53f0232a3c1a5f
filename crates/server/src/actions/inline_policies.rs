//! Inline policies of users, groups and roles: Put, Get, Delete and
//! List{User,Group,Role}Policies.

use credreport_iam::Named;
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

/// A policy document as the Query API returns it: URL-encoded (botocore decodes it; the
/// Rust SDK does not).
pub(crate) fn encoded_document(document: &str) -> String {
    utf8_percent_encode(document, RFC3986).to_string()
}

/// Whose policies an action is about.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    User,
    Group,
    Role,
}

impl Kind {
    /// `User`, `Group` or `Role`, as in the element names (`UserName`).
    fn noun(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
            Kind::Role => "Role",
        }
    }

    /// The identity the request names.
    pub(crate) fn named<'a>(self, ctx: &'a Ctx<'_>) -> Result<Named<'a>, AwsError> {
        Ok(match self {
            Kind::User => Named::User(ctx.user_name()?),
            Kind::Group => Named::Group(ctx.params.required("GroupName", "groupName")?),
            Kind::Role => Named::Role(ctx.params.required("RoleName", "roleName")?),
        })
    }
}

fn policy_name<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("PolicyName", "policyName")
}

fn put(ctx: &Ctx<'_>, kind: Kind) -> Result<Option<Xml>, AwsError> {
    let (who, name) = (kind.named(ctx)?, policy_name(ctx)?);
    let document = ctx.params.required("PolicyDocument", "policyDocument")?;
    ctx.ops.put_inline_policy(who, name, document)?;
    Ok(None)
}

fn get(ctx: &Ctx<'_>, kind: Kind) -> Result<Option<Xml>, AwsError> {
    let (who, name) = (kind.named(ctx)?, policy_name(ctx)?);
    let (entity_name, policy) = ctx.ops.get_inline_policy(who, name)?;
    let mut x = Xml::new();
    x.leaf(&format!("{}Name", kind.noun()), &entity_name)
        .leaf("PolicyName", &policy.name)
        .leaf("PolicyDocument", &encoded_document(&policy.document));
    Ok(Some(x))
}

fn delete(ctx: &Ctx<'_>, kind: Kind) -> Result<Option<Xml>, AwsError> {
    let (who, name) = (kind.named(ctx)?, policy_name(ctx)?);
    ctx.ops.delete_inline_policy(who, name)?;
    Ok(None)
}

fn list(ctx: &Ctx<'_>, kind: Kind) -> Result<Option<Xml>, AwsError> {
    let who = kind.named(ctx)?;
    ctx.params.max_items()?;
    let names = ctx.ops.list_inline_policies(who)?;
    let mut x = Xml::new();
    x.node("PolicyNames", |x| {
        for n in &names {
            x.leaf("member", n);
        }
    });
    page_end(&mut x, None);
    Ok(Some(x))
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html (and Group)
pub(crate) fn put_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    put(ctx, Kind::User)
}
pub(crate) fn put_group(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    put(ctx, Kind::Group)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html (and Group)
pub(crate) fn get_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    get(ctx, Kind::User)
}
pub(crate) fn get_group(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    get(ctx, Kind::Group)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPolicy.html (and Group)
pub(crate) fn delete_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    delete(ctx, Kind::User)
}
pub(crate) fn delete_group(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    delete(ctx, Kind::Group)
}
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserPolicies.html (and Group)
pub(crate) fn list_user(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, Kind::User)
}
pub(crate) fn list_group(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, Kind::Group)
}
pub(crate) fn put_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    put(ctx, Kind::Role)
}
pub(crate) fn get_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    get(ctx, Kind::Role)
}
pub(crate) fn delete_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    delete(ctx, Kind::Role)
}
pub(crate) fn list_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    list(ctx, Kind::Role)
}
