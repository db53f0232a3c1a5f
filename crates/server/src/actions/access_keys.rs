//! CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys, GetAccessKeyLastUsed.

use credreport_iam::model::AccessKey;

use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

fn status(k: &AccessKey) -> &'static str {
    if k.active {
        "Active"
    } else {
        "Inactive"
    }
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let (target, new) = ctx.ops.create_access_key(ctx.user_or_caller())?;
    let secret = new.secret.expose_str().unwrap_or_default().to_owned();
    let mut x = Xml::new();
    x.node("AccessKey", |x| {
        x.leaf("UserName", target.name())
            .leaf("AccessKeyId", &new.key.id)
            .leaf("Status", status(&new.key))
            .leaf("SecretAccessKey", &secret)
            .time("CreateDate", new.key.created);
    });
    Ok(Some(x))
}

fn key_id<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("AccessKeyId", "accessKeyId")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let id = key_id(ctx)?;
    let active = ctx.params.status()?;
    ctx.ops
        .update_access_key(ctx.user_or_caller(), id, active)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let id = key_id(ctx)?;
    ctx.ops.delete_access_key(ctx.user_or_caller(), id)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    let (target, keys) = ctx.ops.list_access_keys(ctx.user_or_caller())?;
    let mut x = Xml::new();
    x.list("AccessKeyMetadata", &keys, |x, k| {
        x.leaf("UserName", target.name())
            .leaf("AccessKeyId", &k.id)
            .leaf("Status", status(k))
            .time("CreateDate", k.created);
    });
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html
pub(crate) fn last_used(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let id = key_id(ctx)?;
    let used = ctx.ops.access_key_last_used(id)?;
    let mut x = Xml::new();
    x.leaf("UserName", &used.user_name)
        .node("AccessKeyLastUsed", |x| match &used.last_used {
            Some(u) => {
                let or_na = |s: &str| {
                    if s.is_empty() {
                        "N/A".to_owned()
                    } else {
                        s.to_owned()
                    }
                };
                x.time("LastUsedDate", u.at)
                    .leaf("ServiceName", &or_na(&u.service))
                    .leaf("Region", &or_na(&u.region));
            }
            None => {
                x.leaf("ServiceName", "N/A").leaf("Region", "N/A");
            }
        });
    Ok(Some(x))
}
