//! STS: temporary credentials (AssumeRole, GetSessionToken) and their verification.
//!
//! A session is not stored: its session token is the sealed session itself (access key
//! id, secret, account, whose session it is, its name, issue and expiry times, when its
//! holder proved an MFA device, its session policies and tags; XChaCha20-Poly1305 under
//! the master key, base64), so issuing one writes nothing and any process holding the
//! master key can verify it. A token whose role or user was deleted, or which has expired,
//! no longer works; the identity's policies are read on every request, so a change to them
//! applies at once.
//!
//! Authorization of AssumeRole is one evaluation (`credreport-policy`): the caller's
//! identity-based policies, boundary and session policies, with the role's trust policy
//! as a resource-based policy that must allow (AWS's rules for roles), in the caller's
//! request context, to which AssumeRole adds `sts:ExternalId`, `sts:RoleSessionName`, the
//! session tags it asks for, and the MFA code it proves.

use base64::Engine as _;
use credreport_policy::{
    decide, Decision, PolicySet, Principal, Request, RequestContext, Sourced, Time,
};
use credreport_report::Timestamp;
use serde::{Deserialize, Serialize};

use crate::arn::{Arn, IamKind};
use crate::authorizing::HeldPolicy;
use crate::error::{Constraint, Error, Result};
use crate::ids::{new_secret_access_key, new_session_key_id, validate_name, AccountId};
use crate::model::{Owner, Role, Tag, User};
use crate::policy::parse_policy;
use crate::secret::Secret;
use crate::service::Iam;
use crate::trust::parse_trust_policy;

/// Associated data of a sealed session: what the blob is, and its format version.
const SESSION_AAD: &[u8] = b"credreport sts session v1";
/// The shortest session STS grants: 15 minutes.
pub const MIN_SESSION_SECS: u32 = 900;
/// A role session made from another role session lasts at most an hour (role chaining).
const CHAINED_MAX_SECS: u32 = 3600;
/// GetSessionToken for an IAM user: 15 minutes to 36 hours, 12 hours by default.
const USER_TOKEN_MAX_SECS: u32 = 129_600;
const USER_TOKEN_DEFAULT_SECS: u32 = 43_200;
/// GetSessionToken for the root user: at most (and by default) an hour.
const ROOT_TOKEN_MAX_SECS: u32 = 3600;
/// AssumeRole's `Policy`: at most 2,048 characters.
const SESSION_POLICY_MAX: usize = 2048;
/// AssumeRole's `PolicyArns`: at most 10.
const SESSION_POLICY_ARNS_MAX: usize = 10;
/// AssumeRole's `Tags`: at most 50.
const SESSION_TAGS_MAX: usize = 50;

/// Who asks STS for credentials: its account, who it is, and what its own policies are
/// (built by the caller, with the request's context).
#[derive(Clone, Copy, Debug)]
pub struct StsCaller<'a> {
    /// The caller's account.
    pub account: &'a AccountId,
    /// Who it is, as the policy language names it.
    pub principal: Principal<'a>,
    /// The credential owner it is (`None`: a role session, which owns no MFA device).
    pub owner: Option<&'a Owner>,
    /// The ARN to name the caller by in a refusal.
    pub display_arn: &'a str,
    /// Its credentials' facts, when they are temporary.
    pub session: Option<&'a SessionFacts>,
    /// Its identity-based policies.
    pub identity: &'a [Sourced<'a>],
    /// Its permissions boundary.
    pub boundary: Option<Sourced<'a>>,
    /// Its session policies.
    pub session_policies: &'a [Sourced<'a>],
    /// The request's context, as built for the caller.
    pub context: &'a RequestContext,
}

/// An MFA device and a code from it, given with a request (`SerialNumber`, `TokenCode`).
#[derive(Clone, Copy, Debug)]
pub struct MfaProof<'a> {
    /// The device's serial number (its ARN).
    pub serial: &'a str,
    /// A 6-digit code.
    pub code: &'a str,
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
    /// `ExternalId`.
    pub external_id: Option<&'a str>,
    /// `SerialNumber` and `TokenCode`.
    pub mfa: Option<MfaProof<'a>>,
    /// `Policy`: an inline session policy.
    pub policy: Option<&'a str>,
    /// `PolicyArns`: managed policies as session policies.
    pub policy_arns: &'a [String],
    /// `Tags`: session tags.
    pub tags: &'a [Tag],
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
    /// `AROA…:<session name>` (AssumeRole).
    pub assumed_role_id: String,
    /// `arn:aws:sts::<account>:assumed-role/<role name>/<session name>` (AssumeRole).
    pub arn: String,
    /// The session policies' size as a percentage of what fits (AssumeRole's
    /// `PackedPolicySize`), when it was given any.
    pub packed_policy_size: Option<u32>,
}

/// What temporary credentials (an STS session, a console sign-in) carry besides who they
/// are: when they were issued, when their holder last proved an MFA device, the session
/// policies that narrow them, and the session's tags.
#[derive(Clone, Debug)]
pub struct SessionFacts {
    /// When the credentials were issued (`aws:TokenIssueTime`).
    pub issued: Timestamp,
    /// When an MFA code was given for them, if one was (`aws:MultiFactorAuthPresent`,
    /// `aws:MultiFactorAuthAge`).
    pub mfa_authenticated: Option<Timestamp>,
    /// The session policies (AssumeRole's `Policy` and `PolicyArns`), parsed.
    pub policies: Vec<HeldPolicy>,
    /// The session's tags (`aws:PrincipalTag/…`, over the role's own).
    pub tags: Vec<Tag>,
}

impl SessionFacts {
    /// Facts of credentials issued at `issued`, with nothing more.
    pub fn issued_at(issued: Timestamp) -> SessionFacts {
        SessionFacts {
            issued,
            mfa_authenticated: None,
            policies: Vec::new(),
            tags: Vec::new(),
        }
    }
}

/// Whose temporary credentials they are.
#[derive(Clone, Debug)]
pub enum SessionOf {
    /// A session of a role (AssumeRole).
    Role {
        /// The role, as it is now.
        role: Role,
        /// The session's name.
        name: String,
    },
    /// An IAM user's session (GetSessionToken).
    User(User),
    /// The root user's session (GetSessionToken).
    Root,
}

/// A verified session: what a request signed with temporary credentials is.
#[derive(Debug)]
pub struct Session {
    /// Its account.
    pub account: AccountId,
    /// Whose it is.
    pub of: SessionOf,
    /// The secret to check the signature with.
    pub secret: Secret,
    /// When it expires.
    pub expiration: Timestamp,
    /// What it carries.
    pub facts: SessionFacts,
    /// A role session made from another role session (it may not make another longer
    /// than an hour).
    pub chained: bool,
}

impl Session {
    /// The session's ARN: a role session's `arn:aws:sts::<account>:assumed-role/<role
    /// name>/<session name>`; a user's or the root's own ARN.
    pub fn arn(&self) -> String {
        match &self.of {
            SessionOf::Role { role, name } => assumed_role_arn(&self.account, &role.name, name),
            SessionOf::User(u) => u.arn(),
            SessionOf::Root => self.account.root_arn(),
        }
    }
}

fn assumed_role_arn(account: &AccountId, role: &str, session: &str) -> String {
    Arn::assumed_role(account, role, session).into_string()
}

/// The sealed session. Fields added after the first version have defaults, so tokens
/// issued before still open.
#[derive(Serialize, Deserialize)]
struct Sealed {
    k: String,
    s: String,
    a: String,
    /// The role's id (a role session); empty otherwise.
    r: String,
    /// The session's name (a role session).
    n: String,
    e: i64,
    /// What the session is of: `role` (by default), `user` (`u`: the user's id), `root`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    w: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    u: Option<String>,
    /// Issued (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    i: Option<i64>,
    /// MFA proved (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    m: Option<i64>,
    /// The inline session policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<String>,
    /// The session policies' ARNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pa: Vec<String>,
    /// Session tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    t: Vec<(String, String)>,
    /// Made from a role session.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    c: bool,
}

fn invalid_token() -> Error {
    Error::InvalidClientTokenId("The security token included in the request is invalid.".into())
}

fn mfa_failed() -> Error {
    Error::AccessDenied(
        "MultiFactorAuthentication failed with invalid MFA one time pass code.".into(),
    )
}

fn mfa_unverifiable() -> Error {
    Error::AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code.".into())
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

/// `SerialNumber` and `TokenCode` as STS validates them.
fn check_mfa_form(mfa: &MfaProof<'_>) -> Result<()> {
    let n = mfa.serial.chars().count();
    if n < 9 {
        return Err(Error::validation("serialNumber", Constraint::MinLength(9)));
    }
    if n > 256 {
        return Err(Error::validation(
            "serialNumber",
            Constraint::MaxLength(256),
        ));
    }
    if mfa.code.len() != 6 {
        return Err(Error::validation(
            "tokenCode",
            if mfa.code.len() < 6 {
                Constraint::MinLength(6)
            } else {
                Constraint::MaxLength(6)
            },
        ));
    }
    if !mfa.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(
            "tokenCode",
            Constraint::Pattern(r"[\d]*"),
        ));
    }
    Ok(())
}

impl Iam {
    /// Checks an MFA code of `owner`'s device `serial` (accepted once); answers when.
    fn prove_mfa(
        &self,
        account: &AccountId,
        owner: Option<&Owner>,
        mfa: &MfaProof<'_>,
    ) -> Result<Timestamp> {
        check_mfa_form(mfa)?;
        let owner = owner.ok_or_else(mfa_unverifiable)?;
        let device = self
            .owners_device(account, owner, mfa.serial)?
            .ok_or_else(mfa_unverifiable)?;
        self.accept_mfa_code(mfa_failed, account, &device, mfa.code)?;
        Ok(self.now())
    }

    fn issue(&self, mut sealed: Sealed, expiration: Timestamp) -> Result<(String, Secret, String)> {
        let access_key_id = new_session_key_id()?;
        let secret = new_secret_access_key()?;
        sealed.k = access_key_id.clone();
        sealed.s = secret.clone();
        sealed.e = expiration.unix();
        let payload = serde_json::to_vec(&sealed).map_err(|e| Error::internal(e.to_string()))?;
        let token = self
            .master_key()
            .seal(&payload, SESSION_AAD)
            .map_err(|e| Error::internal(e.to_string()))?;
        Ok((
            access_key_id,
            Secret::from_string(secret),
            base64::engine::general_purpose::STANDARD.encode(token),
        ))
    }

    /// GetSessionToken: temporary credentials for an IAM user or the root user, with an
    /// MFA code when given (then an MFA session). No permission is needed; session
    /// credentials cannot ask for more.
    pub fn get_session_token(
        &self,
        caller: &StsCaller<'_>,
        duration_secs: Option<u32>,
        mfa: Option<MfaProof<'_>>,
    ) -> Result<SessionCredentials> {
        if caller.session.is_some() {
            return Err(Error::AccessDenied(
                "Cannot call GetSessionToken with session credentials".into(),
            ));
        }
        let owner = caller.owner.ok_or_else(|| {
            Error::AccessDenied("Cannot call GetSessionToken with session credentials".into())
        })?;
        let root = *owner == Owner::Root;
        if let Some(d) = duration_secs {
            if d < MIN_SESSION_SECS {
                return Err(Error::validation(
                    "durationSeconds",
                    Constraint::MinValue(900),
                ));
            }
            if d > USER_TOKEN_MAX_SECS {
                return Err(Error::validation(
                    "durationSeconds",
                    Constraint::MaxValue(i64::from(USER_TOKEN_MAX_SECS)),
                ));
            }
        }
        // The root user's sessions last at most an hour: longer asks get an hour.
        let duration = match (root, duration_secs) {
            (true, d) => d.unwrap_or(ROOT_TOKEN_MAX_SECS).min(ROOT_TOKEN_MAX_SECS),
            (false, d) => d.unwrap_or(USER_TOKEN_DEFAULT_SECS),
        };
        let mfa_at = match &mfa {
            Some(m) => Some(self.prove_mfa(caller.account, Some(owner), m)?),
            None => None,
        };
        let now = self.now();
        let expiration = now
            .checked_add_secs(i64::from(duration))
            .unwrap_or(Timestamp::MAX);
        let (w, u) = match owner {
            Owner::Root => ("root", None),
            Owner::User(id) => ("user", Some(id.clone())),
        };
        let (access_key_id, secret, session_token) = self.issue(
            Sealed {
                k: String::new(),
                s: String::new(),
                a: caller.account.to_string(),
                r: String::new(),
                n: String::new(),
                e: 0,
                w: Some(w.into()),
                u,
                i: Some(now.unix()),
                m: mfa_at.map(Timestamp::unix),
                p: None,
                pa: Vec::new(),
                t: Vec::new(),
                c: false,
            },
            expiration,
        )?;
        Ok(SessionCredentials {
            access_key_id,
            secret,
            session_token,
            expiration,
            assumed_role_id: String::new(),
            arn: String::new(),
            packed_policy_size: None,
        })
    }

    /// AssumeRole: temporary credentials for the role, if one evaluation of the caller's
    /// policies (identity-based, boundary, session) with the role's trust policy as a
    /// resource-based policy that must allow says so. An account's root user may not
    /// assume roles. Session policies narrow the session, never widen it; session tags
    /// need `sts:TagSession` too.
    pub fn assume_role(
        &self,
        caller: &StsCaller<'_>,
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
        if let Some(id) = req.external_id {
            let n = id.chars().count();
            if n < 2 {
                return Err(Error::validation("externalId", Constraint::MinLength(2)));
            }
            if n > 1224 {
                return Err(Error::validation("externalId", Constraint::MaxLength(1224)));
            }
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c))
            {
                return Err(Error::validation(
                    "externalId",
                    Constraint::Pattern(r"[\w+=,.@:\/-]*"),
                ));
            }
        }
        let session_policy = check_session_policies(req)?;
        if req.tags.len() > SESSION_TAGS_MAX {
            return Err(Error::validation(
                "tags",
                Constraint::MaxLength(SESSION_TAGS_MAX),
            ));
        }
        crate::validate_tags(req.tags)?;
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
        if matches!(caller.principal, Principal::Root { .. }) {
            return Err(denied());
        }
        // The MFA code proves who holds the caller's device, before the trust policy asks.
        let mfa_at = match &req.mfa {
            Some(m) => Some(self.prove_mfa(caller.account, caller.owner, m)?),
            None => caller.session.and_then(|s| s.mfa_authenticated),
        };
        let role = self
            .read(|tx| tx.role_by_name(&role_account, &name))?
            .filter(|r| r.arn() == req.role_arn)
            .ok_or_else(denied)?;
        let trust = parse_trust_policy(&role.assume_role_policy).map_err(|_| denied())?;
        let mut context = caller.context.clone();
        let now = self.now();
        if let Some(at) = mfa_at {
            context.multi_factor_auth(Some(now.unix().saturating_sub(at.unix()).max(0)));
        }
        if let Some(id) = req.external_id {
            context.external_id(id);
        }
        context.role_session_name(req.session_name);
        for t in req.tags {
            context.request_tag(&t.key, &t.value);
        }
        let trust = Sourced {
            id: req.role_arn,
            source_type: credreport_policy::SourceType::Resource,
            policy: trust.policy(),
        };
        let set = PolicySet {
            identity: caller.identity,
            resource: Some(trust),
            resource_must_allow: true,
            boundary: caller.boundary,
            session: caller.session_policies,
        };
        let ask = |action: &str| {
            decide(
                &Request {
                    principal: caller.principal,
                    action,
                    resource: req.role_arn,
                    resource_account: Some(role_account.as_str()),
                    context: &context,
                },
                &set,
            )
        };
        if ask("sts:AssumeRole") != Decision::Allow {
            return Err(denied());
        }
        if !req.tags.is_empty() && ask("sts:TagSession") != Decision::Allow {
            return Err(Error::AccessDenied(format!(
                "User: {} is not authorized to perform: sts:TagSession on resource: {}",
                caller.display_arn, req.role_arn
            )));
        }
        let chained = matches!(caller.principal, Principal::AssumedRole { .. });
        let duration = req.duration_secs.unwrap_or(3600);
        if duration < MIN_SESSION_SECS {
            return Err(Error::validation(
                "durationSeconds",
                Constraint::MinValue(900),
            ));
        }
        if chained && duration > CHAINED_MAX_SECS {
            return Err(Error::ValidationText(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
                    .into(),
            ));
        }
        if duration > role.max_session_duration {
            return Err(Error::ValidationText(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                    .into(),
            ));
        }
        // Session policies must name managed policies that exist.
        for arn in req.policy_arns {
            self.read(|tx| crate::managed::require_attachable(tx, &role_account, arn))
                .map_err(|_| {
                    Error::MalformedPolicyDocument(format!(
                        "Policy {arn} does not exist or is not attachable."
                    ))
                })?;
        }
        let expiration = now
            .checked_add_secs(i64::from(duration))
            .unwrap_or(Timestamp::MAX);
        let (access_key_id, secret, session_token) = self.issue(
            Sealed {
                k: String::new(),
                s: String::new(),
                a: role_account.to_string(),
                r: role.id.clone(),
                n: req.session_name.to_owned(),
                e: 0,
                w: None,
                u: None,
                i: Some(now.unix()),
                m: mfa_at.map(Timestamp::unix),
                p: req.policy.map(str::to_owned),
                pa: req.policy_arns.to_vec(),
                t: req
                    .tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
                c: chained,
            },
            expiration,
        )?;
        // Assuming the role is the caller's request, not the role's: RoleLastUsed follows
        // the requests the session makes (recorded where they are authenticated).
        Ok(SessionCredentials {
            access_key_id,
            secret,
            session_token,
            expiration,
            assumed_role_id: format!("{}:{}", role.id, req.session_name),
            arn: assumed_role_arn(&role_account, &role.name, req.session_name),
            packed_policy_size: session_policy,
        })
    }

    /// The session a request signed with `access_key_id` and `token` belongs to. An
    /// unknown or tampered token, another key's, or one whose role or user is gone is
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
        let of = match s.w.as_deref() {
            None | Some("role") => {
                let role = self
                    .read(|tx| tx.role_by_id(&account, &s.r))?
                    .ok_or_else(invalid_token)?;
                SessionOf::Role {
                    role,
                    name: s.n.clone(),
                }
            }
            Some("user") => {
                let id = s.u.as_deref().ok_or_else(invalid_token)?;
                let user = self
                    .read(|tx| tx.user_by_id(&account, id))?
                    .ok_or_else(invalid_token)?;
                SessionOf::User(user)
            }
            Some("root") => SessionOf::Root,
            Some(_) => return Err(invalid_token()),
        };
        let mut policies = Vec::new();
        if let Some(text) = &s.p {
            policies.push(self.session_policy(text)?);
        }
        for arn in &s.pa {
            policies.push(self.managed_session_policy(&account, arn)?);
        }
        let expiration = Timestamp::from_unix(s.e).unwrap_or(Timestamp::MAX);
        let issued = s.i.and_then(Timestamp::from_unix).unwrap_or(expiration);
        Ok(Session {
            account,
            of,
            secret: Secret::from_string(s.s),
            expiration,
            facts: SessionFacts {
                issued,
                mfa_authenticated: s.m.and_then(Timestamp::from_unix),
                policies,
                tags: s
                    .t
                    .into_iter()
                    .map(|(key, value)| Tag { key, value })
                    .collect(),
            },
            chained: s.c,
        })
    }
}

/// AssumeRole's session policies, checked as STS checks them; answers the packed size (a
/// percentage of what fits) when there are any.
fn check_session_policies(req: &AssumeRequest<'_>) -> Result<Option<u32>> {
    if req.policy_arns.len() > SESSION_POLICY_ARNS_MAX {
        return Err(Error::validation(
            "policyArns",
            Constraint::MaxLength(SESSION_POLICY_ARNS_MAX),
        ));
    }
    let Some(text) = req.policy else {
        return Ok((!req.policy_arns.is_empty()).then_some(0));
    };
    let n = text.chars().count();
    if n < 1 {
        return Err(Error::validation("policy", Constraint::MinLength(1)));
    }
    if n > SESSION_POLICY_MAX {
        return Err(Error::validation(
            "policy",
            Constraint::MaxLength(SESSION_POLICY_MAX),
        ));
    }
    parse_policy(text).map_err(|e| Error::MalformedPolicyDocument(e.0))?;
    // STS packs the policies (compressed) into the token; plain text counts here.
    let packed = text.chars().filter(|c| !c.is_whitespace()).count();
    Ok(Some(
        u32::try_from(packed * 100 / SESSION_POLICY_MAX).unwrap_or(100),
    ))
}

/// A time as the policy language takes it.
pub fn policy_time(t: Timestamp) -> Time {
    Time::from_unix_seconds(t.unix())
}

/// The keys a request context gets from temporary credentials' facts at `now`.
pub fn session_context(context: &mut RequestContext, facts: &SessionFacts, now: Timestamp) {
    context.multi_factor_auth(
        facts
            .mfa_authenticated
            .map(|at| now.unix().saturating_sub(at.unix()).max(0)),
    );
    context.token_issue_time(policy_time(facts.issued));
}
