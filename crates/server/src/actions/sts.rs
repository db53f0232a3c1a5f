//! STS on the same endpoint: GetCallerIdentity, AssumeRole, GetSessionToken.

use credreport_iam::sts::{AssumeRequest, MfaProof, SessionCredentials};

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

/// `DurationSeconds`, as STS reads it (a value that is no number, or negative, is a
/// validation error naming the bound).
fn duration(ctx: &Ctx<'_>) -> Result<Option<u32>, AwsError> {
    match ctx.params.int("DurationSeconds", "durationSeconds")? {
        Some(d) => Ok(Some(u32::try_from(d).map_err(|_| {
            AwsError::validation(
                "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            )
        })?)),
        None => Ok(None),
    }
}

/// `SerialNumber` with `TokenCode`: an MFA proof; one without the other is refused.
fn mfa<'a>(ctx: &'a Ctx<'_>) -> Result<Option<MfaProof<'a>>, AwsError> {
    match (
        ctx.params.optional("SerialNumber"),
        ctx.params.optional("TokenCode"),
    ) {
        (None, None) => Ok(None),
        (Some(serial), Some(code)) => Ok(Some(MfaProof { serial, code })),
        (Some(_), None) => Err(AwsError::validation(
            "1 validation error detected: Value null at 'tokenCode' failed to satisfy constraint: Member must not be null",
        )),
        (None, Some(_)) => Err(AwsError::validation(
            "1 validation error detected: Value null at 'serialNumber' failed to satisfy constraint: Member must not be null",
        )),
    }
}

fn credentials_xml(x: &mut Xml, creds: &SessionCredentials) {
    x.node("Credentials", |x| {
        x.leaf("AccessKeyId", &creds.access_key_id)
            .leaf(
                "SecretAccessKey",
                creds.secret.expose_str().unwrap_or_default(),
            )
            .leaf("SessionToken", &creds.session_token)
            .time("Expiration", creds.expiration);
    });
}

// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
pub(crate) fn assume_role(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let role_arn = ctx.params.required("RoleArn", "roleArn")?;
    let session_name = ctx.params.required("RoleSessionName", "roleSessionName")?;
    let policy_arns: Vec<String> = (1..)
        .map_while(|i| ctx.params.get(&format!("PolicyArns.member.{i}.arn")))
        .map(str::to_owned)
        .collect();
    let tags = ctx.params.tags();
    let creds = ctx.ops.assume_role(&AssumeRequest {
        role_arn,
        session_name,
        duration_secs: duration(ctx)?,
        external_id: ctx.params.optional("ExternalId"),
        mfa: mfa(ctx)?,
        policy: ctx.params.optional("Policy"),
        policy_arns: &policy_arns,
        tags: &tags,
        region: ctx.ops.context().region().unwrap_or_default(),
    })?;
    let mut x = Xml::new();
    credentials_xml(&mut x, &creds);
    x.node("AssumedRoleUser", |x| {
        x.leaf("AssumedRoleId", &creds.assumed_role_id)
            .leaf("Arn", &creds.arn);
    });
    if let Some(size) = creds.packed_policy_size {
        x.leaf("PackedPolicySize", &size.to_string());
    }
    Ok(Some(x))
}

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
pub(crate) fn get_session_token(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let creds = ctx.ops.get_session_token(duration(ctx)?, mfa(ctx)?)?;
    let mut x = Xml::new();
    credentials_xml(&mut x, &creds);
    Ok(Some(x))
}
