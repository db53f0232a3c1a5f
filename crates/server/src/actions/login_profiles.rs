//! CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile, ChangePassword.

use credreport_iam::secret::Secret;
use credreport_iam::LoginProfile;

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

fn profile_xml(p: &LoginProfile) -> Xml {
    let mut x = Xml::new();
    x.node("LoginProfile", |x| {
        x.leaf("UserName", &p.user_name)
            .time("CreateDate", p.created)
            .bool("PasswordResetRequired", p.reset_required);
    });
    x
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    let password = Secret::from_string(ctx.params.required("Password", "password")?.to_owned());
    let reset = ctx
        .params
        .bool("PasswordResetRequired", "passwordResetRequired")?
        .unwrap_or(false);
    let profile = ctx.ops.create_login_profile(name, &password, reset)?;
    Ok(Some(profile_xml(&profile)))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetLoginProfile.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    Ok(Some(profile_xml(&ctx.ops.get_login_profile(name)?)))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    let password = ctx
        .params
        .optional("Password")
        .map(|p| Secret::from_string(p.to_owned()));
    let reset = ctx
        .params
        .bool("PasswordResetRequired", "passwordResetRequired")?;
    ctx.ops
        .update_login_profile(name, password.as_ref(), reset)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteLoginProfile.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    ctx.ops.delete_login_profile(name)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html
pub(crate) fn change_password(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let old = Secret::from_string(
        ctx.params
            .required("OldPassword", "oldPassword")?
            .to_owned(),
    );
    let new = Secret::from_string(
        ctx.params
            .required("NewPassword", "newPassword")?
            .to_owned(),
    );
    ctx.ops.change_password(&old, &new)?;
    Ok(None)
}
