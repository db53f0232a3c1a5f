//! ListSAMLProviders, ListOpenIDConnectProviders, ListServerCertificates,
//! ListServiceSpecificCredentials, ListSSHPublicKeys: real lists, authorized as IAM authorizes them. Nothing
//! here creates these entities yet, so every account's lists are empty; auditors that read
//! them (to check for stale identity providers or server certificates) get IAM's answer
//! for an account without any, not InvalidAction.

use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSAMLProviders.html
pub(crate) fn saml(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.authorize("iam:ListSAMLProviders", ctx.any())?;
    let mut x = Xml::new();
    x.node("SAMLProviderList", |_| {});
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOpenIDConnectProviders.html
pub(crate) fn oidc(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.authorize("iam:ListOpenIDConnectProviders", ctx.any())?;
    let mut x = Xml::new();
    x.node("OpenIDConnectProviderList", |_| {});
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServerCertificates.html
pub(crate) fn server_certificates(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    ctx.authorize(
        "iam:ListServerCertificates",
        &format!("arn:aws:iam::{}:server-certificate/", ctx.account()),
    )?;
    let mut x = Xml::new();
    x.node("ServerCertificateMetadataList", |_| {});
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServiceSpecificCredentials.html
pub(crate) fn service_specific_credentials(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let resource = match ctx.params.optional("UserName") {
        Some(name) => {
            // IAM answers NoSuchEntity for a user that does not exist.
            ctx.iam.user(ctx.account(), name)?;
            ctx.user_arn(name)
        }
        None => ctx.principal.arn(),
    };
    ctx.authorize("iam:ListServiceSpecificCredentials", &resource)?;
    let mut x = Xml::new();
    x.node("ServiceSpecificCredentials", |_| {});
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSSHPublicKeys.html
pub(crate) fn ssh_public_keys(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    let resource = match ctx.params.optional("UserName") {
        Some(name) => {
            ctx.iam.user(ctx.account(), name)?;
            ctx.user_arn(name)
        }
        None => ctx.principal.arn(),
    };
    ctx.authorize("iam:ListSSHPublicKeys", &resource)?;
    let mut x = Xml::new();
    x.node("SSHPublicKeys", |_| {});
    page_end(&mut x, None);
    Ok(Some(x))
}
