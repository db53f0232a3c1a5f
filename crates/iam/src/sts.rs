//! STS AssumeRole: temporary credentials for a role, and their verification.
//!
//! A session is not stored: its session token is the sealed session itself (access key
//! id, secret, account, role id, session name, expiry; XChaCha20-Poly1305 under the master
//! key, base64), so issuing one writes nothing and any process holding the master key can
//! verify it. A token whose role was deleted, or which has expired, no longer works; the
//! role's policies are read on every request, so a change to them applies at once.

use base64::Engine as _;
use credreport_report::Timestamp;
use serde::{Deserialize, Serialize};

use crate::arn::{Arn, IamKind};
use crate::error::{Constraint, Error, Result};
use crate::ids::{new_secret_access_key, new_session_key_id, validate_name, AccountId};
use crate::model::Role;
use crate::policy::Decision;
use crate::secret::Secret;
use crate::service::Iam;
use crate::trust::{parse_trust_policy, TrustCaller, TrustDecision};

/// Associated data of a sealed session: what the blob is, and its format version.
const SESSION_AAD: &[u8] = b"credreport sts session v1";
/// The shortest session AssumeRole grants: 15 minutes.
pub const MIN_SESSION_SECS: u32 = 900;

/// Who asks to assume a role.
#[derive(Clone, Copy, Debug)]
pub struct AssumeCaller<'a> {
    /// The caller's account.
    pub account: &'a AccountId,
    /// The caller's identity ARN (a user's, or an assumed role's role ARN); `None` for an
    /// account's root user, which may not assume roles.
    pub arn: Option<&'a str>,
    /// The ARN to name the caller by in a refusal.
    pub display_arn: &'a str,
    /// What the caller's own policies say of `sts:AssumeRole` on the role.
    pub identity: Decision,
}

/// AssumeRole's parameters.
#[derive(Clone, Copy, Debug)]
pub struct AssumeRequest<'a> {
    /// The role's ARN.
    pub role_arn: &'a str,
    /// The session's name (2-64 of `[\w+=,.@-]`).
    pub session_name: &'a str,
    /// Seconds, 900 to the role's MaxSessionDuration; 3,600 when absent.
    pub duration_secs: Option<u32>,
    /// The region the request was signed for (the role's RoleLastUsed shows it).
    pub region: &'a str,
}

/// Temporary credentials.
#[derive(Debug)]
pub struct SessionCredentials {
    /// `ASIA…`
    pub access_key_id: String,
    /// The secret access key.
    pub secret: Secret,
    /// The session token (the sealed session).
    pub session_token: String,
    /// When they stop working.
    pub expiration: Timestamp,
    /// `AROA…:<session name>`
    pub assumed_role_id: String,
    /// `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`
    pub arn: String,
}

/// A verified session: what a request signed with temporary credentials is.
#[derive(Debug)]
pub struct Session {
    /// The role's account.
    pub account: AccountId,
    /// The role, as it is now.
    pub role: Role,
    /// The session's name.
    pub session_name: String,
    /// The secret to check the signature with.
    pub secret: Secret,
    /// When it expires.
    pub expiration: Timestamp,
}

impl Session {
    /// `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`
    pub fn arn(&self) -> String {
        assumed_role_arn(&self.account, &self.role.name, &self.session_name)
    }

    /// `AROA…:<session name>`
    pub fn assumed_role_id(&self) -> String {
        format!("{}:{}", self.role.id, self.session_name)
    }
}

fn assumed_role_arn(account: &AccountId, role: &str, session: &str) -> String {
    Arn::assumed_role(account, role, session).into_string()
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    k: String,
    s: String,
    a: String,
    r: String,
    n: String,
    e: i64,
}

fn invalid_token() -> Error {
    Error::InvalidClientTokenId("The security token included in the request is invalid.".into())
}

/// `arn:aws:iam::<account>:role/<path><name>` into the account and the name.
fn parse_role_arn(arn: &str) -> Option<(AccountId, String)> {
    let arn = Arn::parse(arn).ok()?;
    let (kind, _, name) = arn.iam_resource()?;
    if kind != IamKind::Role {
        return None;
    }
    Some((arn.account_id()?, name.to_owned()))
}

impl Iam {
    /// AssumeRole: temporary credentials for the role, if its trust policy and the
    /// caller's own policies allow it (a same-account caller the trust policy names needs
    /// nothing more; one allowed through its account, or from another account, needs its
    /// own policies to allow `sts:AssumeRole` on the role too; an explicit Deny in them
    /// always refuses). An account's root user may not assume roles.
    pub fn assume_role(
        &self,
        caller: &AssumeCaller<'_>,
        req: &AssumeRequest<'_>,
    ) -> Result<SessionCredentials> {
        let n = req.session_name.chars().count();
        if n < 2 {
            return Err(Error::validation(
                "roleSessionName",
                Constraint::MinLength(2),
            ));
        }
        validate_name("roleSessionName", req.session_name, 64)?;
        let denied = || {
            Error::AccessDenied(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
                caller.display_arn, req.role_arn
            ))
        };
        let Some((role_account, name)) = parse_role_arn(req.role_arn) else {
            return Err(Error::validation(
                "roleArn",
                Constraint::Pattern(
                    r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+",
                ),
            ));
        };
        let caller_arn = caller.arn.ok_or_else(denied)?;
        let role = self
            .read(|tx| tx.role_by_name(&role_account, &name))?
            .filter(|r| r.arn() == req.role_arn)
            .ok_or_else(denied)?;
        let trust = parse_trust_policy(&role.assume_role_policy).map_err(|_| denied())?;
        let decision = trust.evaluate(
            &TrustCaller {
                account: caller.account,
                arn: caller_arn,
            },
            "sts:AssumeRole",
        );
        let same_account = *caller.account == role_account;
        let allowed = match (decision, caller.identity) {
            (_, Decision::ExplicitDeny) => false,
            (TrustDecision::AllowsPrincipal, _) if same_account => true,
            (TrustDecision::AllowsPrincipal | TrustDecision::AllowsAccount, d) => d.is_allowed(),
            (TrustDecision::Deny | TrustDecision::NotAllowed, _) => false,
        };
        if !allowed {
            return Err(denied());
        }
        let duration = req.duration_secs.unwrap_or(3600);
        if duration < MIN_SESSION_SECS {
            return Err(Error::validation(
                "durationSeconds",
                Constraint::MinValue(900),
            ));
        }
        if duration > role.max_session_duration {
            return Err(Error::ValidationText(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                    .into(),
            ));
        }
        let now = self.now();
        let expiration = now
            .checked_add_secs(i64::from(duration))
            .unwrap_or(Timestamp::MAX);
        let access_key_id = new_session_key_id()?;
        let secret = new_secret_access_key()?;
        let payload = serde_json::to_vec(&Sealed {
            k: access_key_id.clone(),
            s: secret.clone(),
            a: role_account.to_string(),
            r: role.id.clone(),
            n: req.session_name.to_owned(),
            e: expiration.unix(),
        })
        .map_err(|e| Error::internal(e.to_string()))?;
        let sealed = self
            .master_key()
            .seal(&payload, SESSION_AAD)
            .map_err(|e| Error::internal(e.to_string()))?;
        let mut role_used = role.clone();
        role_used.last_used = Some((now, req.region.to_owned()));
        self.write(&role_account, |tx| tx.put_role(&role_used))?;
        Ok(SessionCredentials {
            session_token: base64::engine::general_purpose::STANDARD.encode(sealed),
            secret: Secret::from_string(secret),
            expiration,
            assumed_role_id: format!("{}:{}", role.id, req.session_name),
            arn: assumed_role_arn(&role_account, &role.name, req.session_name),
            access_key_id,
        })
    }

    /// The session a request signed with `access_key_id` and `token` belongs to. An
    /// unknown or tampered token, another key's, or one whose role is gone is
    /// InvalidClientTokenId; an expired one ExpiredToken.
    pub fn session(&self, access_key_id: &str, token: &str) -> Result<Session> {
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(token.trim())
            .map_err(|_| invalid_token())?;
        let payload = self
            .master_key()
            .open(&sealed, SESSION_AAD)
            .map_err(|_| invalid_token())?;
        let s: Sealed = serde_json::from_slice(payload.expose()).map_err(|_| invalid_token())?;
        if s.k != access_key_id {
            return Err(invalid_token());
        }
        if self.now().unix() >= s.e {
            return Err(Error::ExpiredToken(
                "The security token included in the request is expired".into(),
            ));
        }
        let account = AccountId::parse(&s.a).ok_or_else(invalid_token)?;
        let role = self
            .read(|tx| tx.role_by_id(&account, &s.r))?
            .ok_or_else(invalid_token)?;
        Ok(Session {
            account,
            role,
            session_name: s.n,
            secret: Secret::from_string(s.s),
            expiration: Timestamp::from_unix(s.e).unwrap_or(Timestamp::MAX),
        })
    }
}
