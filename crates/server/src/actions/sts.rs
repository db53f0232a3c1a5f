//! STS on the same endpoint: GetCallerIdentity and AssumeRole.

use super::Ctx;
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
// No permission is needed: any verified caller may ask who it is.
pub(crate) fn get_caller_identity(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let p = ctx.principal;
    let user_id = match (p.user(), p.role_session()) {
        (Some(u), _) => u.id.clone(),
        (None, Some((role, session))) => format!("{}:{session}", role.id),
        (None, None) => p.account().to_string(),
    };
    let mut x = Xml::new();
    x.leaf("Arn", p.arn().as_str())
        .leaf("UserId", &user_id)
        .leaf("Account", p.account().as_str());
    Ok(Some(x))
}

// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
pub(crate) fn assume_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let role_arn = ctx.params.required("RoleArn", "roleArn")?;
    if ctx.params.optional("Policy").is_some()
        || ctx.params.optional("PolicyArns.member.1").is_some()
    {
        // A session policy narrows the session; this service does not evaluate one, and
        // granting the role's full permissions instead would be wrong.
        return Err(AwsError::new(
            "InvalidParameterValue",
            400,
            "Session policies (Policy, PolicyArns) are not supported by this endpoint.",
        ));
    }
    let session_name = ctx.params.required("RoleSessionName", "roleSessionName")?;
    let duration = match ctx.params.int("DurationSeconds", "durationSeconds")? {
        Some(d) => Some(u32::try_from(d).map_err(|_| {
            AwsError::validation(
                "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            )
        })?),
        None => None,
    };
    let creds = ctx.ops.assume_role(role_arn, session_name, duration)?;
    let mut x = Xml::new();
    x.node("Credentials", |x| {
        x.leaf("AccessKeyId", &creds.access_key_id)
            .leaf(
                "SecretAccessKey",
                creds.secret.expose_str().unwrap_or_default(),
            )
            .leaf("SessionToken", &creds.session_token)
            .time("Expiration", creds.expiration);
    });
    x.node("AssumedRoleUser", |x| {
        x.leaf("AssumedRoleId", &creds.assumed_role_id)
            .leaf("Arn", &creds.arn);
    });
    Ok(Some(x))
}
