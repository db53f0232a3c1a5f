//! Console sign-in and sessions: the only writer of `password_last_used`.
//!
//! A sign-in is two steps when the owner has an MFA device: the password
//! ([`Iam::console_sign_in`]), then a TOTP code ([`Iam::console_mfa`]) that the device has
//! not accepted before. The use of the password is recorded (first use of each 5-minute
//! span, as IAM does) when the sign-in is complete, never for a failed one. Wrong
//! password, unknown user and unknown account are one and the same error, and every try
//! costs one password hash, so neither the answer nor its timing tells them apart.
//!
//! A session is the random token in the browser's cookie; the store keeps only its
//! SHA-256 ([`ConsoleSession`]), with the stage the sign-in has reached: waiting for the
//! MFA code, made to change the password first (a reset required, or a password older
//! than the policy's MaxPasswordAge), or signed in.

mod lockout;

use std::fmt;
use std::sync::OnceLock;

use credreport_report::Timestamp;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::kept_rows;
use crate::model::{ConsoleSession, MfaDevice, Owner, Password, SessionStage, User};
use crate::password::PasswordPolicy;
use crate::secret::Secret;
use crate::service::Iam;

use crate::usage::PASSWORD_WINDOW_SECS;

pub use lockout::{MAX_FAILURES, WINDOW_SECS as FAILURE_WINDOW_SECS};

/// How long a console session lasts after a sign-in: 12 hours.
pub const SESSION_SECS: i64 = 12 * 60 * 60;
/// How long a session waits for its MFA code.
pub const MFA_STEP_SECS: i64 = 10 * 60;

/// The one message for a wrong password, an unknown user and an unknown account.
pub const SIGN_IN_FAILED: &str = "Your authentication information is incorrect. Please try again.";
/// The message for a HardExpiry password past its age: only an administrator can reset it.
pub const PASSWORD_EXPIRED_HARD: &str = "Your password has expired, and the account's password policy does not let you change it yourself. Ask your administrator to reset it.";
const SESSION_ENDED: &str = "Your sign-in has expired. Please sign in again.";

/// Who signs in: the account's root user (with the root password), or an IAM user by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInAs<'a> {
    /// The root user.
    Root,
    /// An IAM user, by name (any case).
    User(&'a str),
}

/// The value of a console session cookie: 32 random bytes in hex. It has no `==` and its
/// `Debug` is redacted; the store sees only [`SessionToken::hash`].
pub struct SessionToken(Secret);

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

impl SessionToken {
    const LEN: usize = 64;

    fn generate() -> Result<SessionToken> {
        let bytes = Secret::random(32).map_err(|e| Error::internal(e.to_string()))?;
        let mut hex = String::with_capacity(Self::LEN);
        for b in bytes.expose() {
            hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
        }
        Ok(SessionToken(Secret::from_string(hex)))
    }

    /// A token as a cookie carries it, if it has a token's shape.
    pub fn from_cookie(value: &str) -> Option<SessionToken> {
        (value.len() == Self::LEN
            && value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| SessionToken(Secret::from_string(value.to_owned())))
    }

    /// The cookie's value.
    pub fn expose(&self) -> &str {
        self.0.expose_str().unwrap_or_default()
    }

    /// What the store keeps.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0.expose()).into()
    }
}

/// A session a token opened, with the user it belongs to (`None` for the root).
#[derive(Clone, Debug)]
pub struct LiveSession {
    /// The stored session.
    pub session: ConsoleSession,
    /// The signed-in IAM user, as it is now; `None` for the root user.
    pub user: Option<User>,
}

/// A new session and its token (the only time the token is known).
#[derive(Debug)]
pub struct Opened {
    /// The cookie's value.
    pub token: SessionToken,
    /// The session.
    pub session: ConsoleSession,
}

/// A successful one-step sign-in ([`Iam::sign_in`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignIn {
    /// The password must be changed before anything else.
    pub reset_required: bool,
}

/// The console's memory: the hash that unknown names are checked against.
#[derive(Debug, Default)]
pub(crate) struct ConsoleState {
    decoy_hash: OnceLock<String>,
}

/// What a correct password leads to.
enum PasswordState {
    /// Good to use.
    Current,
    /// Must be changed first (reset required, or expired under a soft policy).
    MustChange,
    /// Expired under HardExpiry: only an administrator can reset it.
    ExpiredHard,
}

fn password_state(
    owner: &Owner,
    password: &Password,
    policy: Option<&PasswordPolicy>,
    now: Timestamp,
) -> PasswordState {
    // The account password policy applies to IAM users, not to the root user.
    if *owner == Owner::Root {
        return PasswordState::Current;
    }
    let expired = policy
        .and_then(|p| p.max_password_age)
        .is_some_and(|days| now.unix() - password.changed.unix() >= i64::from(days) * 86_400);
    if expired && policy.and_then(|p| p.hard_expiry) == Some(true) {
        PasswordState::ExpiredHard
    } else if expired || password.reset_required {
        PasswordState::MustChange
    } else {
        PasswordState::Current
    }
}

fn denied() -> Error {
    Error::AccessDenied(SIGN_IN_FAILED.into())
}

fn ended() -> Error {
    Error::AccessDenied(SESSION_ENDED.into())
}

/// The name failures are counted under: the account as typed (its canonical form when it
/// is an account id) and the user name ignoring case, or `root`.
fn lockout_key(account: &str, who: SignInAs<'_>) -> String {
    match who {
        SignInAs::Root => format!("{account}\n:root"),
        SignInAs::User(name) => format!("{account}\n{}", name.to_lowercase()),
    }
}

fn throttled(wait_secs: i64) -> Error {
    let minutes = (wait_secs + 59) / 60;
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    Error::Throttling(format!(
        "Too many failed sign-in attempts. Wait {minutes} {unit} and try again."
    ))
}

/// What a password step reads: the owner, its password, its MFA device and the policy.
struct Credentials {
    owner: Owner,
    password: Password,
    device: Option<MfaDevice>,
    policy: Option<PasswordPolicy>,
}

impl Iam {
    fn credentials(&self, account: &AccountId, who: SignInAs<'_>) -> Result<Option<Credentials>> {
        self.read(|tx| {
            let Some(a) = tx.account(account)? else {
                return Ok(None);
            };
            let (owner, password) = match who {
                SignInAs::Root => (Owner::Root, a.root_password),
                SignInAs::User(name) => match tx.user_by_name(account, name)? {
                    Some(u) => (Owner::User(u.id.clone()), tx.login_profile(account, &u.id)?),
                    None => return Ok(None),
                },
            };
            let Some(password) = password else {
                return Ok(None);
            };
            let device = tx
                .mfa_devices(account)?
                .into_iter()
                .find(|d| d.assignment.as_ref().is_some_and(|(o, _)| *o == owner));
            Ok(Some(Credentials {
                owner,
                password,
                device,
                policy: a.password_policy,
            }))
        })
    }

    /// Checks `password` against `found`, or against a decoy hash when nothing was found,
    /// so that every try costs the same.
    fn password_matches(&self, found: Option<&Credentials>, password: &Secret) -> Result<bool> {
        match found {
            Some(c) => Ok(self.hasher().verify(password, &c.password.hash.0)),
            None => {
                let decoy = match self.console_state().decoy_hash.get() {
                    Some(h) => h,
                    None => {
                        let h = self
                            .hasher()
                            .hash(&Secret::from_string("decoy".into()))
                            .map_err(|e| Error::internal(e.to_string()))?;
                        self.console_state().decoy_hash.get_or_init(|| h)
                    }
                };
                let _ = self.hasher().verify(password, decoy);
                Ok(false)
            }
        }
    }

    fn record_password_use(&self, account: &AccountId, owner: &Owner, at: Timestamp) -> Result<()> {
        let id = format!("{account}/{}", owner.as_key());
        if self.password_windows().covers(&id, at) {
            return Ok(());
        }
        let recorded = self.write(account, |tx| {
            if !tx.record_password_use(account, owner, at, PASSWORD_WINDOW_SECS)? {
                return Ok(false);
            }
            kept_rows::keep_row(tx, account, owner)?;
            Ok(true)
        })?;
        if recorded {
            self.password_windows().remember(&id, at);
        }
        Ok(())
    }

    fn open_session(
        &self,
        account: &AccountId,
        owner: Owner,
        stage: SessionStage,
        replaces: Option<&SessionToken>,
        mfa_at: Option<Timestamp>,
    ) -> Result<Opened> {
        let token = SessionToken::generate()?;
        let now = self.now();
        let lifetime = if stage == SessionStage::MfaRequired {
            MFA_STEP_SECS
        } else {
            SESSION_SECS
        };
        let session = ConsoleSession {
            token_hash: token.hash(),
            account: account.clone(),
            owner,
            stage,
            created: now,
            expires: Timestamp::from_unix(now.unix() + lifetime).unwrap_or(Timestamp::MAX),
            mfa_at,
        };
        self.write(account, |tx| {
            tx.delete_expired_console_sessions(now)?;
            if let Some(old) = replaces {
                tx.delete_console_session(&old.hash())?;
            }
            tx.put_console_session(&session)
        })?;
        Ok(Opened { token, session })
    }

    /// The stage a complete sign-in reaches, after recording the password's use.
    fn signed_in(&self, account: &AccountId, c: &Credentials) -> Result<SessionStage> {
        self.record_password_use(account, &c.owner, self.now())?;
        Ok(
            match password_state(&c.owner, &c.password, c.policy.as_ref(), self.now()) {
                PasswordState::MustChange => SessionStage::PasswordChangeRequired,
                _ => SessionStage::SignedIn,
            },
        )
    }

    /// The console's password step. Opens a session waiting for the MFA code when the
    /// owner has a device, else a signed-in one (made to change the password first when
    /// it must be). Errors: `AccessDenied` with [`SIGN_IN_FAILED`] for any wrong
    /// account, name or password (and for an account's root without a password, such as
    /// an Organizations member's); `AccessDenied` with [`PASSWORD_EXPIRED_HARD`];
    /// `Throttling` after [`MAX_FAILURES`] failures of this name within
    /// [`FAILURE_WINDOW_SECS`].
    pub fn console_sign_in(
        &self,
        account: &str,
        who: SignInAs<'_>,
        password: &Secret,
    ) -> Result<Opened> {
        let now = self.now();
        let id = AccountId::parse(account.trim());
        let key = lockout_key(id.as_ref().map_or(account, AccountId::as_str), who);
        if let Some(wait) = lockout::wait(self.store(), &key, now)? {
            return Err(throttled(wait));
        }
        let found = match &id {
            Some(id) => self.credentials(id, who)?,
            None => None,
        };
        let (Some(id), Some(c), true) = (
            &id,
            &found,
            self.password_matches(found.as_ref(), password)?,
        ) else {
            lockout::fail(self.store(), &key, now)?;
            return Err(denied());
        };
        lockout::clear(self.store(), &key)?;
        if let PasswordState::ExpiredHard =
            password_state(&c.owner, &c.password, c.policy.as_ref(), now)
        {
            return Err(Error::AccessDenied(PASSWORD_EXPIRED_HARD.into()));
        }
        let stage = if c.device.is_some() {
            SessionStage::MfaRequired
        } else {
            self.signed_in(id, c)?
        };
        self.open_session(id, c.owner.clone(), stage, None, None)
    }

    /// The console's MFA step: a code of the signed-in owner's device that it has not
    /// accepted before. Completes the sign-in (recording the password's use) and replaces
    /// the waiting session with a new one under a new token. A wrong code counts as a
    /// failed sign-in.
    pub fn console_mfa(&self, token: &SessionToken, code: &str) -> Result<Opened> {
        let live = self.console_session(token)?.ok_or_else(ended)?;
        let s = &live.session;
        if s.stage != SessionStage::MfaRequired {
            return Err(ended());
        }
        let who = match &live.user {
            Some(u) => SignInAs::User(&u.name),
            None => SignInAs::Root,
        };
        let key = lockout_key(s.account.as_str(), who);
        let now = self.now();
        if let Some(wait) = lockout::wait(self.store(), &key, now)? {
            return Err(throttled(wait));
        }
        let c = self.credentials(&s.account, who)?.ok_or_else(ended)?;
        let device = c.device.as_ref().ok_or_else(ended)?;
        if let Err(e) = self.accept_mfa_code(denied, &s.account, device, code) {
            if matches!(e, Error::AccessDenied(_)) {
                lockout::fail(self.store(), &key, now)?;
            }
            return Err(e);
        }
        lockout::clear(self.store(), &key)?;
        let stage = self.signed_in(&s.account, &c)?;
        // The session that follows an MFA code is an MFA session.
        self.open_session(&s.account, c.owner.clone(), stage, Some(token), Some(now))
    }

    /// The live session a token names: not expired, its user not deleted.
    pub fn console_session(&self, token: &SessionToken) -> Result<Option<LiveSession>> {
        let now = self.now();
        self.read(|tx| {
            let Some(session) = tx.console_session(&token.hash())? else {
                return Ok(None);
            };
            if session.expires <= now {
                return Ok(None);
            }
            let user = match &session.owner {
                Owner::Root => None,
                Owner::User(id) => match tx.user_by_id(&session.account, id)? {
                    Some(u) => Some(u),
                    None => return Ok(None),
                },
            };
            Ok(Some(LiveSession { session, user }))
        })
    }

    /// After the signed-in owner changed the password: a session made to change it goes
    /// on as signed in.
    pub fn console_password_changed(&self, token: &SessionToken) -> Result<()> {
        let live = self.console_session(token)?.ok_or_else(ended)?;
        let mut s = live.session;
        if s.stage == SessionStage::MfaRequired {
            return Err(ended());
        }
        s.stage = SessionStage::SignedIn;
        let account = s.account.clone();
        self.write(&account, |tx| tx.put_console_session(&s))
    }

    /// Ends a session (nothing when it has already ended).
    pub fn console_sign_out(&self, token: &SessionToken) -> Result<()> {
        let Some(live) = self.console_session(token)? else {
            return Ok(());
        };
        self.write(&live.session.account, |tx| {
            tx.delete_console_session(&token.hash())
        })
    }

    /// A sign-in in one step (password and, when the owner has a device, its code), as a
    /// script or a test signs in: the same checks and the same recording as the console's
    /// two steps, without a session.
    pub fn sign_in(
        &self,
        account: &AccountId,
        owner: &Owner,
        password: &Secret,
        mfa_code: Option<&str>,
    ) -> Result<SignIn> {
        let found = self.read(|tx| {
            Ok(match owner {
                Owner::Root => None,
                Owner::User(id) => tx.user_by_id(account, id)?.map(|u| u.name),
            })
        })?;
        let who = match (owner, &found) {
            (Owner::Root, _) => SignInAs::Root,
            (Owner::User(_), Some(name)) => SignInAs::User(name),
            (Owner::User(_), None) => return Err(denied()),
        };
        let c = self.credentials(account, who)?;
        let (Some(c), true) = (&c, self.password_matches(c.as_ref(), password)?) else {
            return Err(denied());
        };
        let now = self.now();
        if let PasswordState::ExpiredHard =
            password_state(&c.owner, &c.password, c.policy.as_ref(), now)
        {
            return Err(Error::AccessDenied(PASSWORD_EXPIRED_HARD.into()));
        }
        if let Some(device) = &c.device {
            self.accept_mfa_code(denied, account, device, mfa_code.ok_or_else(denied)?)?;
        }
        self.record_password_use(account, owner, now)?;
        Ok(SignIn {
            reset_required: c.password.reset_required,
        })
    }
}
