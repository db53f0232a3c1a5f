//! UploadSigningCertificate, UpdateSigningCertificate, DeleteSigningCertificate,
//! ListSigningCertificates.

use credreport_iam::model::SigningCertificate;

use super::{page_end, Ctx};
use crate::error::AwsError;
use crate::ops::CredentialOwner;
use crate::xml::Xml;

fn cert_xml(x: &mut Xml, target: &CredentialOwner, c: &SigningCertificate) {
    x.leaf("UserName", target.name())
        .leaf("CertificateId", &c.id)
        .leaf("CertificateBody", &c.body)
        .leaf("Status", if c.active { "Active" } else { "Inactive" })
        .time("UploadDate", c.uploaded);
}

fn cert_id<'a>(ctx: &'a Ctx<'_>) -> Result<&'a str, AwsError> {
    ctx.params.required("CertificateId", "certificateId")
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html
pub(crate) fn upload(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let body = ctx.params.required("CertificateBody", "certificateBody")?;
    let (target, cert) = ctx
        .ops
        .upload_signing_certificate(ctx.user_or_caller(), body)?;
    let mut x = Xml::new();
    x.node("Certificate", |x| cert_xml(x, &target, &cert));
    Ok(Some(x))
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSigningCertificate.html
pub(crate) fn update(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let id = cert_id(ctx)?;
    let active = ctx.params.status()?;
    ctx.ops
        .update_signing_certificate(ctx.user_or_caller(), id, active)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteSigningCertificate.html
pub(crate) fn delete(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    let id = cert_id(ctx)?;
    ctx.ops
        .delete_signing_certificate(ctx.user_or_caller(), id)?;
    Ok(None)
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSigningCertificates.html
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Option<Xml>, AwsError> {
    ctx.params.max_items()?;
    let (target, certs) = ctx.ops.list_signing_certificates(ctx.user_or_caller())?;
    let mut x = Xml::new();
    x.list("Certificates", &certs, |x, c| cert_xml(x, &target, c));
    page_end(&mut x, None);
    Ok(Some(x))
}
