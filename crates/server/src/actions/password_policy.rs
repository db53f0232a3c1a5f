//! UpdateAccountPasswordPolicy, GetAccountPasswordPolicy, DeleteAccountPasswordPolicy.

use credreport_iam::PasswordPolicyInput;

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let p = ctx.params;
    let input = PasswordPolicyInput {
        minimum_password_length: p.int("MinimumPasswordLength", "minimumPasswordLength")?,
        require_symbols: p.bool("RequireSymbols", "requireSymbols")?,
        require_numbers: p.bool("RequireNumbers", "requireNumbers")?,
        require_uppercase_characters: p
            .bool("RequireUppercaseCharacters", "requireUppercaseCharacters")?,
        require_lowercase_characters: p
            .bool("RequireLowercaseCharacters", "requireLowercaseCharacters")?,
        allow_users_to_change_password: p
            .bool("AllowUsersToChangePassword", "allowUsersToChangePassword")?,
        max_password_age: p.int("MaxPasswordAge", "maxPasswordAge")?,
        password_reuse_prevention: p.int("PasswordReusePrevention", "passwordReusePrevention")?,
        hard_expiry: p.bool("HardExpiry", "hardExpiry")?,
    };
    ctx.ops.update_password_policy(&input)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountPasswordPolicy.html
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let p = ctx.ops.get_password_policy()?;
    let mut x = Xml::new();
    x.node("PasswordPolicy", |x| {
        x.leaf(
            "MinimumPasswordLength",
            &p.minimum_password_length.to_string(),
        )
        .bool("RequireSymbols", p.require_symbols)
        .bool("RequireNumbers", p.require_numbers)
        .bool("RequireUppercaseCharacters", p.require_uppercase_characters)
        .bool("RequireLowercaseCharacters", p.require_lowercase_characters)
        .bool(
            "AllowUsersToChangePassword",
            p.allow_users_to_change_password,
        )
        .bool("ExpirePasswords", p.expire_passwords());
        // Omitted unless set, as IAM does.
        if let Some(age) = p.max_password_age {
            x.leaf("MaxPasswordAge", &age.to_string());
        }
        if let Some(n) = p.password_reuse_prevention {
            x.leaf("PasswordReusePrevention", &n.to_string());
        }
        if let Some(h) = p.hard_expiry {
            x.bool("HardExpiry", h);
        }
    });
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountPasswordPolicy.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.delete_password_policy()?;
    Ok(None)
}
