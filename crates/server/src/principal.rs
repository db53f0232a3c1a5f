//! Who is calling. A [`Principal`] can only be made by [`authenticate`], which verifies
//! the request's SigV4 signature against the key's secret: holding one is the proof.

use credreport_iam::model::{Owner, User};
use credreport_iam::{AccountId, Iam};
use credreport_report::Timestamp;

use crate::authz::Caller;
use crate::error::AwsError;
use crate::sigv4::{self, SignedRequest, Verified, VerifyOptions};

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    account: AccountId,
    user: Option<User>,
    /// The checked signature: only `sigv4::verify` makes one.
    verified: Verified,
}

impl Caller for Principal {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    fn arn(&self) -> String {
        Principal::arn(self)
    }
}

impl Principal {
    /// The caller's account.
    pub fn account(&self) -> &AccountId {
        &self.account
    }

    /// The IAM user, or `None` for the account root.
    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    /// The caller as a credential owner.
    pub fn owner(&self) -> Owner {
        match &self.user {
            Some(u) => Owner::User(u.id.clone()),
            None => Owner::Root,
        }
    }

    /// The caller's ARN (`…:root` or the user's ARN).
    pub fn arn(&self) -> String {
        match &self.user {
            Some(u) => u.arn(),
            None => self.account.root_arn(),
        }
    }

    /// The access key the request was signed with.
    pub fn access_key_id(&self) -> &str {
        self.verified.access_key_id()
    }

    /// The region of the credential scope.
    pub fn region(&self) -> &str {
        self.verified.region()
    }

    /// The service of the credential scope (`iam` or `sts`).
    pub fn service(&self) -> &str {
        self.verified.service()
    }
}

/// Verifies the request's signature and returns the caller. Unknown, deleted and Inactive
/// keys are all InvalidClientTokenId, so a caller learns nothing about which.
pub fn authenticate(
    iam: &Iam,
    req: &SignedRequest<'_>,
    now: Timestamp,
    opts: &VerifyOptions,
) -> Result<Principal, AwsError> {
    let auth = sigv4::parse_auth(req).map_err(sigv4_error)?;
    let Some(key) = iam.signing_key(&auth.access_key_id)? else {
        return Err(AwsError::invalid_client_token());
    };
    if !key.active {
        return Err(AwsError::invalid_client_token());
    }
    let verified = sigv4::verify(req, &auth, &key.secret, now, opts).map_err(sigv4_error)?;
    Ok(Principal {
        account: key.account.clone(),
        user: key.user.clone(),
        verified,
    })
}

fn sigv4_error(e: sigv4::SigV4Error) -> AwsError {
    AwsError {
        code: e.code(),
        status: e.status(),
        message: Some(e.message()),
    }
}
