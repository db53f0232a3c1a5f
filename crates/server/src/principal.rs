//! Who is calling. A [`Principal`] can only be made by [`authenticate`], which verifies
//! the request's SigV4 signature against the key's secret: holding one is the proof.
//! Long-term keys (`AKIA…`) belong to the root or an IAM user; temporary ones (`ASIA…`,
//! from STS AssumeRole or GetSessionToken) to a role session, a user's or the root's
//! session, and come with their session token, which says what they carry (MFA, session
//! policies, session tags).

use credreport_iam::model::{Owner, Role, User};
use credreport_iam::sts::{SessionFacts, SessionOf};
use credreport_iam::{AccountId, Arn, Iam};
use credreport_report::Timestamp;

use crate::authz::{Caller, Identity};
use crate::error::AwsError;
use crate::sigv4::{self, SignedRequest, Verified, VerifyOptions};

/// Whose credentials signed the request.
#[derive(Debug, Clone)]
enum Who {
    Root,
    User(User),
    Role { role: Role, session: String },
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    account: AccountId,
    who: Who,
    /// What temporary credentials carry (`None`: a long-term key).
    session: Option<SessionFacts>,
    /// A role session made from another role session.
    chained: bool,
    /// The checked signature: only `sigv4::verify` makes one.
    verified: Verified,
}

impl Caller for Principal {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn identity(&self) -> Identity<'_> {
        match &self.who {
            Who::Root => Identity::Root,
            Who::User(u) => Identity::User(u),
            Who::Role { role, session } => Identity::AssumedRole { role, session },
        }
    }

    fn arn(&self) -> Arn {
        Principal::arn(self)
    }

    fn session(&self) -> Option<&SessionFacts> {
        self.session.as_ref()
    }
}

impl Principal {
    /// The caller's account.
    pub fn account(&self) -> &AccountId {
        &self.account
    }

    /// The IAM user, or `None` for the account root and for a role session.
    pub fn user(&self) -> Option<&User> {
        match &self.who {
            Who::User(u) => Some(u),
            _ => None,
        }
    }

    /// Whether the caller is the account's root user.
    pub fn is_root(&self) -> bool {
        matches!(self.who, Who::Root)
    }

    /// The role and session name, for a role session.
    pub fn role_session(&self) -> Option<(&Role, &str)> {
        match &self.who {
            Who::Role { role, session } => Some((role, session)),
            _ => None,
        }
    }

    /// The caller as a credential owner (`None` for a role session, which owns none).
    pub fn owner(&self) -> Option<Owner> {
        match &self.who {
            Who::Root => Some(Owner::Root),
            Who::User(u) => Some(Owner::User(u.id.clone())),
            Who::Role { .. } => None,
        }
    }

    /// The caller's ARN: `…:root`, the user's ARN, or
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub fn arn(&self) -> Arn {
        match &self.who {
            Who::Root => Arn::root(&self.account),
            Who::User(u) => u.to_arn(),
            Who::Role { role, session } => Arn::assumed_role(&self.account, &role.name, session),
        }
    }

    /// The access key the request was signed with.
    pub fn access_key_id(&self) -> &str {
        self.verified.access_key_id()
    }

    /// Whether it was signed with temporary credentials (a session of a role, a user or
    /// the root).
    pub fn is_session(&self) -> bool {
        self.session.is_some()
    }

    /// A user's or the root's session (GetSessionToken) without an MFA code: IAM's API
    /// refuses those credentials, and STS takes them only for AssumeRole and
    /// GetCallerIdentity.
    pub fn is_session_without_mfa(&self) -> bool {
        !matches!(self.who, Who::Role { .. })
            && self
                .session
                .as_ref()
                .is_some_and(|s| s.mfa_authenticated.is_none())
    }

    /// A role session made from another role session.
    pub fn is_chained(&self) -> bool {
        self.chained
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
/// keys are all InvalidClientTokenId, so a caller learns nothing about which; temporary
/// keys need their session token (an expired one is ExpiredToken).
pub fn authenticate(
    iam: &Iam,
    req: &SignedRequest<'_>,
    now: Timestamp,
    opts: &VerifyOptions,
) -> Result<Principal, AwsError> {
    let auth = sigv4::parse_auth(req).map_err(sigv4_error)?;
    if auth.access_key_id.starts_with("ASIA") {
        let Some(token) = auth.session_token.as_deref() else {
            return Err(AwsError::invalid_client_token());
        };
        let session = iam.session(&auth.access_key_id, token)?;
        let verified =
            sigv4::verify(req, &auth, &session.secret, now, opts).map_err(sigv4_error)?;
        let who = match session.of {
            SessionOf::Role { role, name } => Who::Role {
                role,
                session: name,
            },
            SessionOf::User(u) => Who::User(u),
            SessionOf::Root => Who::Root,
        };
        return Ok(Principal {
            account: session.account,
            who,
            session: Some(session.facts),
            chained: session.chained,
            verified,
        });
    }
    let Some(key) = iam.signing_key(&auth.access_key_id)? else {
        return Err(AwsError::invalid_client_token());
    };
    if !key.active {
        return Err(AwsError::invalid_client_token());
    }
    let verified = sigv4::verify(req, &auth, &key.secret, now, opts).map_err(sigv4_error)?;
    Ok(Principal {
        account: key.account.clone(),
        who: key.user.clone().map_or(Who::Root, Who::User),
        session: None,
        chained: false,
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
