//! ListSAMLProviders, ListOpenIDConnectProviders, ListServerCertificates,
//! ListServiceSpecificCredentials: real lists, authorized as IAM authorizes them. Nothing
//! here creates these entities yet, so every account's lists are empty; auditors that read
//! them (to check for stale identity providers or server certificates) get IAM's answer
//! for an account without any, not InvalidAction.

use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::ops::ProviderList;
use crate::xml::Xml;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSAMLProviders.html
pub(crate) fn saml(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.list_providers(ProviderList::Saml, None)?;
    let mut x = Xml::new();
    x.node("SAMLProviderList", |_| {});
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOpenIDConnectProviders.html
pub(crate) fn oidc(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.list_providers(ProviderList::OpenIdConnect, None)?;
    let mut x = Xml::new();
    x.node("OpenIDConnectProviderList", |_| {});
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServerCertificates.html
pub(crate) fn server_certificates(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    ctx.ops
        .list_providers(ProviderList::ServerCertificates, None)?;
    let mut x = Xml::new();
    x.node("ServerCertificateMetadataList", |_| {});
    page_end(&mut x, None);
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServiceSpecificCredentials.html
pub(crate) fn service_specific_credentials(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.ops.list_providers(
        ProviderList::ServiceSpecificCredentials,
        ctx.user_or_caller(),
    )?;
    let mut x = Xml::new();
    x.node("ServiceSpecificCredentials", |_| {});
    Ok(Some(x))
}
