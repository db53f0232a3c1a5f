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
    ctx.authorize("iam:CreateLoginProfile", &ctx.user_arn(name))?;
    let profile = ctx
        .iam
        .create_login_profile(ctx.account(), name, &password, reset)?;
    Ok(Some(profile_xml(&profile)))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetLoginProfile.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    ctx.authorize("iam:GetLoginProfile", &ctx.user_arn(name))?;
    Ok(Some(profile_xml(
        &ctx.iam.login_profile(ctx.account(), name)?,
    )))
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
    ctx.authorize("iam:UpdateLoginProfile", &ctx.user_arn(name))?;
    ctx.iam
        .update_login_profile(ctx.account(), name, password.as_ref(), reset)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteLoginProfile.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let name = ctx.user_name()?;
    ctx.authorize("iam:DeleteLoginProfile", &ctx.user_arn(name))?;
    ctx.iam.delete_login_profile(ctx.account(), name)?;
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
    let Some(user) = ctx.principal.user() else {
        return Err(AwsError::new(
            "InvalidUserType",
            400,
            "ChangePassword can only be called by an IAM user signing with the user's own credentials.",
        ));
    };
    // Users may change their own password when the account policy allows it, or when a
    // policy grants iam:ChangePassword.
    let allowed_by_policy = ctx
        .iam
        .password_policy(ctx.account())
        .is_ok_and(|p| p.allow_users_to_change_password);
    if !allowed_by_policy {
        ctx.authorize("iam:ChangePassword", &user.arn())?;
    }
    ctx.iam
        .change_password(ctx.account(), &user.id, &old, &new)?;
    Ok(None)
}
