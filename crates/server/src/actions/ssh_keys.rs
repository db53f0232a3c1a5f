//! UploadSSHPublicKey, GetSSHPublicKey, ListSSHPublicKeys, UpdateSSHPublicKey,
//! DeleteSSHPublicKey.

use credreport_iam::model::SshPublicKey;
use credreport_iam::ssh_key::{SshEncoding, MAX_BODY_CHARS};

use super::{decode_marker, encode_marker, page_end, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

fn status(k: &SshPublicKey) -> &'static str {
    if k.active {
        "Active"
    } else {
        "Inactive"
    }
}

/// The SSHPublicKey shape, its members in the model's order.
fn key_xml(x: &mut Xml, user: &str, k: &SshPublicKey) {
    x.leaf("UserName", user)
        .leaf("SSHPublicKeyId", &k.id)
        .leaf("Fingerprint", &k.fingerprint)
        .leaf("SSHPublicKeyBody", &k.body)
        .leaf("Status", status(k))
        .time("UploadDate", k.uploaded);
}

/// The SSHPublicKeyMetadata shape (ListSSHPublicKeys): no body, no fingerprint.
fn metadata_xml(x: &mut Xml, user: &str, k: &SshPublicKey) {
    x.leaf("UserName", user)
        .leaf("SSHPublicKeyId", &k.id)
        .leaf("Status", status(k))
        .time("UploadDate", k.uploaded);
}

fn user_name<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("UserName", "userName")
}

fn key_id<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("SSHPublicKeyId", "sSHPublicKeyId")
}

/// `SSHPublicKeyBody`: 1 to 16,384 characters of tab, line feed, carriage return and
/// U+0020 to U+00FF (IAM's `publicKeyMaterialType`).
fn body<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    let body = ctx
        .params
        .required("SSHPublicKeyBody", "sSHPublicKeyBody")?;
    let length = body.chars().count();
    if !(1..=MAX_BODY_CHARS).contains(&length) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'sSHPublicKeyBody' failed to satisfy constraint: Member must have length {}",
            if length < 1 { "greater than or equal to 1" } else { "less than or equal to 16384" }
        )));
    }
    if !body
        .chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'))
    {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'sSHPublicKeyBody' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
        ));
    }
    Ok(body)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSSHPublicKey.html
pub(crate) fn upload(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let user = user_name(ctx)?;
    let body = body(ctx)?;
    let key = ctx.ops.upload_ssh_public_key(user, body)?;
    let mut x = Xml::new();
    x.node("SSHPublicKey", |x| key_xml(x, user, &key));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetSSHPublicKey.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let user = user_name(ctx)?;
    let id = key_id(ctx)?;
    let encoding = ctx.params.required("Encoding", "encoding")?;
    let encoding = SshEncoding::from_name(encoding).ok_or_else(|| {
        AwsError::validation(
            "1 validation error detected: Value at 'encoding' failed to satisfy constraint: Member must satisfy enum value set: [SSH, PEM]",
        )
    })?;
    let key = ctx.ops.ssh_public_key(user, id, encoding)?;
    let mut x = Xml::new();
    x.node("SSHPublicKey", |x| key_xml(x, user, &key));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSSHPublicKeys.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let max = ctx.params.max_items()?;
    let marker = decode_marker(ctx)?;
    let (owner, page) =
        ctx.ops
            .list_ssh_public_keys(ctx.user_or_caller(), marker.as_deref(), max)?;
    let mut x = Xml::new();
    x.list("SSHPublicKeys", &page.items, |x, k| {
        metadata_xml(x, owner.name(), k)
    });
    page_end(&mut x, page.next.as_deref().map(encode_marker).as_deref());
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSSHPublicKey.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let user = user_name(ctx)?;
    let id = key_id(ctx)?;
    let active = ctx.params.status()?;
    ctx.ops.update_ssh_public_key(user, id, active)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteSSHPublicKey.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let user = user_name(ctx)?;
    let id = key_id(ctx)?;
    ctx.ops.delete_ssh_public_key(user, id)?;
    Ok(None)
}
