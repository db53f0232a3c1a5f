//! X.509 signing certificates: parsed by a real X.509 parser, at most two per owner,
//! Active/Inactive, deleted.

use crate::certificate::{parse_signing_certificate, CertificateError};
use crate::error::{Error, Result};
use crate::ids::{new_certificate_id, AccountId};
use crate::kept_rows;
use crate::model::{Owner, SigningCertificate};
use crate::service::{require_owner, Iam};

/// IAM's quota of signing certificates per user (and root).
pub const CERTIFICATES_QUOTA: usize = 2;

fn no_such_cert(id: &str) -> Error {
    Error::NoSuchEntity(format!("The Certificate with id {id} cannot be found."))
}

impl Iam {
    /// UploadSigningCertificate. A body that is not one PEM X.509 certificate is
    /// MalformedCertificate (IAM's text echoes the body); one outside its validity period
    /// is InvalidCertificate (IAM documents no text; ours says which bound failed).
    pub fn upload_signing_certificate(
        &self,
        account: &AccountId,
        owner: &Owner,
        body: &str,
    ) -> Result<SigningCertificate> {
        let now = self.now();
        let parsed = parse_signing_certificate(body, now).map_err(|e| match e {
            CertificateError::Malformed => {
                Error::MalformedCertificate(format!("Certificate {body} is malformed."))
            }
            CertificateError::Expired { not_after } => Error::InvalidCertificate(format!(
                "The certificate is not valid: it expired at {}.",
                not_after.to_zulu()
            )),
            CertificateError::NotYetValid { not_before } => Error::InvalidCertificate(format!(
                "The certificate is not valid: it is not valid before {}.",
                not_before.to_zulu()
            )),
        })?;
        let cert = SigningCertificate {
            id: new_certificate_id()?,
            account: account.clone(),
            owner: owner.clone(),
            body: parsed.pem,
            der_sha256: parsed.der_sha256,
            active: true,
            uploaded: now,
        };
        self.write(account, |tx| {
            require_owner(tx, account, owner)?;
            let all = tx.signing_certificates(account)?;
            if all.iter().any(|c| c.der_sha256 == cert.der_sha256) {
                return Err(Error::DuplicateCertificate(
                    "The request was rejected because the same certificate is associated with an IAM user in the account."
                        .into(),
                ));
            }
            if all.iter().filter(|c| c.owner == *owner).count() >= CERTIFICATES_QUOTA {
                return Err(Error::LimitExceeded(format!("Cannot exceed quota for CertificatesPerUser: {CERTIFICATES_QUOTA}")));
            }
            tx.put_signing_certificate(&cert)?;
            kept_rows::keep_row(tx, account, owner)
        })?;
        Ok(cert)
    }

    /// The owner's signing certificates, oldest first.
    pub fn list_signing_certificates(
        &self,
        account: &AccountId,
        owner: &Owner,
    ) -> Result<Vec<SigningCertificate>> {
        self.read(|tx| {
            require_owner(tx, account, owner)?;
            Ok(tx
                .signing_certificates(account)?
                .into_iter()
                .filter(|c| c.owner == *owner)
                .collect())
        })
    }

    /// UpdateSigningCertificate: Active or Inactive.
    pub fn update_signing_certificate(
        &self,
        account: &AccountId,
        owner: &Owner,
        cert_id: &str,
        active: bool,
    ) -> Result<()> {
        self.write(account, |tx| {
            require_owner(tx, account, owner)?;
            let mut c = tx
                .signing_certificate(account, cert_id)?
                .filter(|c| c.owner == *owner)
                .ok_or_else(|| no_such_cert(cert_id))?;
            c.active = active;
            tx.put_signing_certificate(&c)?;
            kept_rows::keep_row(tx, account, owner)
        })
    }

    /// DeleteSigningCertificate.
    pub fn delete_signing_certificate(
        &self,
        account: &AccountId,
        owner: &Owner,
        cert_id: &str,
    ) -> Result<()> {
        self.write(account, |tx| {
            require_owner(tx, account, owner)?;
            tx.signing_certificate(account, cert_id)?
                .filter(|c| c.owner == *owner)
                .ok_or_else(|| no_such_cert(cert_id))?;
            tx.delete_signing_certificate(account, cert_id)?;
            kept_rows::keep_row(tx, account, owner)
        })
    }
}
