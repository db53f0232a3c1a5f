//! Console passwords: login profiles, the account password policy, ChangePassword and the
//! root's password. Signing in with them is the `console` module's.

use crate::error::{Constraint, Error, Invalid, Result};
use crate::ids::AccountId;
use crate::kept_rows;
use crate::model::{Owner, Password, PasswordHash};
use crate::password::{check_default_policy, PasswordPolicy};
use crate::secret::Secret;
use crate::service::{require_account, require_user, Iam};

/// A login profile as GetLoginProfile shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginProfile {
    /// The user's name.
    pub user_name: String,
    /// When the profile was created.
    pub created: credreport_report::Timestamp,
    /// Whether a new password must be set at next sign-in.
    pub reset_required: bool,
}

/// UpdateAccountPasswordPolicy's parameters as sent (absent: IAM's default).
#[derive(Clone, Debug, Default)]
pub struct PasswordPolicyInput {
    /// 6-128, default 6.
    pub minimum_password_length: Option<i64>,
    /// Default false.
    pub require_symbols: Option<bool>,
    /// Default false.
    pub require_numbers: Option<bool>,
    /// Default false.
    pub require_uppercase_characters: Option<bool>,
    /// Default false.
    pub require_lowercase_characters: Option<bool>,
    /// Default false.
    pub allow_users_to_change_password: Option<bool>,
    /// 1-1095 days; absent: passwords never expire.
    pub max_password_age: Option<i64>,
    /// 1-24; absent: no reuse prevention.
    pub password_reuse_prevention: Option<i64>,
    /// Default false (absent is reported as absent).
    pub hard_expiry: Option<bool>,
}

fn no_login_profile(user: &str) -> Error {
    Error::NoSuchEntity(format!("Login Profile for User {user} cannot be found."))
}

fn ranged(
    issues: &mut Vec<Invalid>,
    field: &'static str,
    v: Option<i64>,
    min: i64,
    max: i64,
) -> Option<i64> {
    match v {
        Some(v) if v < min => issues.push(Invalid {
            field,
            constraint: Constraint::MinValue(min),
        }),
        Some(v) if v > max => issues.push(Invalid {
            field,
            constraint: Constraint::MaxValue(max),
        }),
        _ => return v,
    }
    None
}

impl PasswordPolicyInput {
    /// The policy, or every out-of-range field at once (as IAM reports them).
    pub fn validate(&self) -> Result<PasswordPolicy> {
        let mut issues = Vec::new();
        let min_len = ranged(
            &mut issues,
            "minimumPasswordLength",
            self.minimum_password_length,
            6,
            128,
        );
        let reuse = ranged(
            &mut issues,
            "passwordReusePrevention",
            self.password_reuse_prevention,
            1,
            24,
        );
        let age = ranged(
            &mut issues,
            "maxPasswordAge",
            self.max_password_age,
            1,
            1095,
        );
        if !issues.is_empty() {
            return Err(Error::Validation(issues));
        }
        Ok(PasswordPolicy {
            minimum_password_length: min_len.and_then(|v| u8::try_from(v).ok()).unwrap_or(6),
            require_symbols: self.require_symbols.unwrap_or(false),
            require_numbers: self.require_numbers.unwrap_or(false),
            require_uppercase_characters: self.require_uppercase_characters.unwrap_or(false),
            require_lowercase_characters: self.require_lowercase_characters.unwrap_or(false),
            allow_users_to_change_password: self.allow_users_to_change_password.unwrap_or(false),
            max_password_age: age.and_then(|v| u16::try_from(v).ok()),
            password_reuse_prevention: reuse.and_then(|v| u8::try_from(v).ok()),
            hard_expiry: self.hard_expiry,
        })
    }
}

impl Iam {
    /// Checks a new password against the account's policy (or AWS's default policy when the
    /// account has none) and its reuse prevention, then hashes it.
    fn new_password(
        &self,
        policy: Option<&PasswordPolicy>,
        password: &Secret,
        previous: &[PasswordHash],
    ) -> Result<PasswordHash> {
        let text = password.expose_str().ok_or_else(|| {
            Error::validation(
                "password",
                Constraint::Pattern(r"[\u0009\u000A\u000D\u0020-\u00FF]+"),
            )
        })?;
        if text.is_empty() || text.chars().count() > 128 {
            let c = if text.is_empty() {
                Constraint::MinLength(1)
            } else {
                Constraint::MaxLength(128)
            };
            return Err(Error::validation("password", c));
        }
        let checked = match policy {
            Some(p) => p.check(text),
            None => check_default_policy(text),
        };
        checked.map_err(|v| Error::PasswordPolicyViolation(v.0))?;
        let reuse = policy
            .and_then(|p| p.password_reuse_prevention)
            .map_or(0, usize::from);
        if previous
            .iter()
            .take(reuse)
            .any(|h| self.hasher().verify(password, &h.0))
        {
            return Err(Error::PasswordPolicyViolation(
                "Password does not conform to the account password policy: it was used recently."
                    .into(),
            ));
        }
        let hash = self
            .hasher()
            .hash(password)
            .map_err(|e| Error::internal(e.to_string()))?;
        Ok(PasswordHash(hash))
    }

    /// CreateLoginProfile.
    pub fn create_login_profile(
        &self,
        account: &AccountId,
        user_name: &str,
        password: &Secret,
        reset_required: bool,
    ) -> Result<LoginProfile> {
        let policy = self.read(|tx| {
            require_user(tx, account, user_name)?;
            Ok(require_account(tx, account)?.password_policy)
        })?;
        let hash = self.new_password(policy.as_ref(), password, &[])?;
        let now = self.now();
        self.write(account, |tx| {
            let user = require_user(tx, account, user_name)?;
            if tx.login_profile(account, &user.id)?.is_some() {
                return Err(Error::EntityAlreadyExists(format!(
                    "Login Profile for user {} already exists.",
                    user.name
                )));
            }
            let profile = Password {
                hash: hash.clone(),
                created: now,
                changed: now,
                reset_required,
                previous: vec![],
            };
            tx.put_login_profile(account, &user.id, &profile)?;
            kept_rows::keep_row(tx, account, &Owner::User(user.id.clone()))?;
            Ok(LoginProfile {
                user_name: user.name,
                created: now,
                reset_required,
            })
        })
    }

    /// GetLoginProfile.
    pub fn login_profile(&self, account: &AccountId, user_name: &str) -> Result<LoginProfile> {
        self.read(|tx| {
            let user = require_user(tx, account, user_name)?;
            let p = tx
                .login_profile(account, &user.id)?
                .ok_or_else(|| no_login_profile(&user.name))?;
            Ok(LoginProfile {
                user_name: user.name,
                created: p.created,
                reset_required: p.reset_required,
            })
        })
    }

    /// UpdateLoginProfile: a new password and/or the reset flag (absent: unchanged).
    pub fn update_login_profile(
        &self,
        account: &AccountId,
        user_name: &str,
        password: Option<&Secret>,
        reset_required: Option<bool>,
    ) -> Result<()> {
        let (policy, current) = self.read(|tx| {
            let user = require_user(tx, account, user_name)?;
            let current = tx
                .login_profile(account, &user.id)?
                .ok_or_else(|| no_login_profile(&user.name))?;
            Ok((require_account(tx, account)?.password_policy, current))
        })?;
        let hash = match password {
            Some(p) => Some(self.new_password(policy.as_ref(), p, &history(&current))?),
            None => None,
        };
        let now = self.now();
        self.write(account, |tx| {
            let user = require_user(tx, account, user_name)?;
            let mut profile = tx
                .login_profile(account, &user.id)?
                .ok_or_else(|| no_login_profile(&user.name))?;
            if let Some(hash) = &hash {
                profile.previous = history(&profile);
                profile.hash = hash.clone();
                profile.changed = now;
            }
            if let Some(r) = reset_required {
                profile.reset_required = r;
            }
            tx.put_login_profile(account, &user.id, &profile)?;
            kept_rows::keep_row(tx, account, &Owner::User(user.id.clone()))
        })
    }

    /// DeleteLoginProfile. The user's password_last_used survives, as in IAM.
    pub fn delete_login_profile(&self, account: &AccountId, user_name: &str) -> Result<()> {
        self.write(account, |tx| {
            let user = require_user(tx, account, user_name)?;
            tx.login_profile(account, &user.id)?
                .ok_or_else(|| no_login_profile(&user.name))?;
            tx.delete_login_profile(account, &user.id)?;
            kept_rows::keep_row(tx, account, &Owner::User(user.id.clone()))
        })
    }

    /// ChangePassword, for an IAM user signing with its own key. Whether the user may (the
    /// policy's AllowUsersToChangePassword or an iam:ChangePassword grant) is the caller's
    /// decision; see [`Iam::password_policy`].
    pub fn change_password(
        &self,
        account: &AccountId,
        user_id: &str,
        old: &Secret,
        new: &Secret,
    ) -> Result<()> {
        let (policy, current, name) = self.read(|tx| {
            let user = tx
                .user_by_id(account, user_id)?
                .ok_or_else(|| Error::no_such_user(user_id))?;
            let current = tx
                .login_profile(account, user_id)?
                .ok_or_else(|| no_login_profile(&user.name))?;
            Ok((
                require_account(tx, account)?.password_policy,
                current,
                user.name,
            ))
        })?;
        if !self.hasher().verify(old, &current.hash.0) {
            return Err(Error::AccessDenied("The old password is incorrect.".into()));
        }
        let hash = self.new_password(policy.as_ref(), new, &history(&current))?;
        let now = self.now();
        self.write(account, |tx| {
            let mut profile = tx
                .login_profile(account, user_id)?
                .ok_or_else(|| no_login_profile(&name))?;
            profile.previous = history(&profile);
            profile.hash = hash.clone();
            profile.changed = now;
            profile.reset_required = false;
            tx.put_login_profile(account, user_id, &profile)?;
            kept_rows::keep_row(tx, account, &Owner::User(user_id.to_owned()))
        })
    }

    /// The root user changing its own console password: the old one must be right.
    pub fn change_root_password(
        &self,
        account: &AccountId,
        old: &Secret,
        new: &Secret,
    ) -> Result<()> {
        let current = self.read(|tx| Ok(require_account(tx, account)?.root_password))?;
        let current = current.ok_or_else(|| {
            Error::NoSuchEntity(format!(
                "The root user of account {account} has no password."
            ))
        })?;
        if !self.hasher().verify(old, &current.hash.0) {
            return Err(Error::AccessDenied("The old password is incorrect.".into()));
        }
        self.set_root_password(account, Some(new))
    }

    /// Sets (or removes) the root user's console password.
    pub fn set_root_password(&self, account: &AccountId, password: Option<&Secret>) -> Result<()> {
        let (policy, previous) = self.read(|tx| {
            let a = require_account(tx, account)?;
            let previous = a.root_password.as_ref().map(history).unwrap_or_default();
            Ok((a.password_policy, previous))
        })?;
        let hash = match password {
            Some(p) => Some(self.new_password(policy.as_ref(), p, &previous)?),
            None => None,
        };
        let now = self.now();
        self.write(account, |tx| {
            let mut a = require_account(tx, account)?;
            a.root_password = hash.clone().map(|hash| Password {
                hash,
                created: a.root_password.as_ref().map_or(now, |p| p.created),
                changed: now,
                reset_required: false,
                previous: previous.clone(),
            });
            tx.update_account(&a)?;
            kept_rows::keep_row(tx, account, &Owner::Root)
        })
    }

    /// UpdateAccountPasswordPolicy: replaces the whole policy (omitted fields reset).
    pub fn update_password_policy(
        &self,
        account: &AccountId,
        input: &PasswordPolicyInput,
    ) -> Result<()> {
        let policy = input.validate()?;
        self.write(account, |tx| {
            let mut a = require_account(tx, account)?;
            a.password_policy = Some(policy.clone());
            tx.update_account(&a)
        })
    }

    /// GetAccountPasswordPolicy.
    pub fn password_policy(&self, account: &AccountId) -> Result<PasswordPolicy> {
        self.read(|tx| {
            require_account(tx, account)?
                .password_policy
                .ok_or_else(|| {
                    Error::NoSuchEntity(format!(
                        "The Password Policy with domain name {account} cannot be found."
                    ))
                })
        })
    }

    /// DeleteAccountPasswordPolicy.
    pub fn delete_password_policy(&self, account: &AccountId) -> Result<()> {
        self.write(account, |tx| {
            let mut a = require_account(tx, account)?;
            if a.password_policy.take().is_none() {
                return Err(Error::NoSuchEntity(
                    "The account policy with name PasswordPolicy cannot be found.".into(),
                ));
            }
            tx.update_account(&a)
        })
    }
}

/// The previous hashes after a change: the current one first.
fn history(p: &Password) -> Vec<PasswordHash> {
    let mut out = Vec::with_capacity(24);
    out.push(p.hash.clone());
    out.extend(p.previous.iter().take(23).cloned());
    out
}
