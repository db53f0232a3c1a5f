//! Who is at the console: the session cookie, the signed-in [`ConsoleUser`] (which, like an
//! API [`crate::Principal`], can only come out of a check: here a live session in the
//! store), and the CSRF tokens of the forms.
//!
//! CSRF: a signed-in form carries HMAC-SHA256(session token, "form"), so only a page the
//! session was shown can post; the sign-in form, before there is a session, carries the
//! HMAC of a random `credreport_presession` cookie (double submit). Both cookies are
//! `SameSite=Strict`, `HttpOnly`, `Path=/console`, and `Secure` over TLS.

use credreport_iam::console::LiveSession;
use credreport_iam::model::{SessionStage, User};
use credreport_iam::sts::SessionFacts;
use credreport_iam::{AccountId, Arn, Iam, SessionToken};
use hmac::{Hmac, Mac};
use http::HeaderMap;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::authz::{Caller, Identity};
use crate::console::PageError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "credreport_session";
/// The pre-session cookie of the sign-in form.
pub const PRESESSION_COOKIE: &str = "credreport_presession";
/// The hidden field every form carries its CSRF token in.
pub const CSRF_FIELD: &str = "csrf_token";

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// `Set-Cookie` for a console cookie; `None` clears it.
pub fn set_cookie(name: &str, value: Option<&str>, secure: bool, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match value {
        Some(v) => format!(
            "{name}={v}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
        ),
        None => format!("{name}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

/// HMAC-SHA256(key, purpose), hex, 32 characters: a form's CSRF token.
pub fn form_token(key: &str, purpose: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(purpose.as_bytes());
    let tag = mac.finalize().into_bytes();
    hex::encode(&tag[..16])
}

/// Whether `sent` is the token `key` gives for `purpose` (compared in constant time).
pub fn token_matches(key: &str, purpose: &str, sent: Option<&str>) -> bool {
    let expected = form_token(key, purpose);
    match sent {
        Some(sent) if !expected.is_empty() => {
            bool::from(expected.as_bytes().ct_eq(sent.as_bytes()))
        }
        _ => false,
    }
}

/// The session a request's cookie names, whatever its stage.
pub struct Session {
    /// The cookie's token.
    pub token: SessionToken,
    /// The stored session and its user.
    pub live: LiveSession,
}

impl Session {
    /// The session of the request, if its cookie names a live one.
    pub fn of(iam: &Iam, headers: &HeaderMap) -> Result<Option<Session>, PageError> {
        let Some(token) = cookie(headers, SESSION_COOKIE).and_then(SessionToken::from_cookie)
        else {
            return Ok(None);
        };
        Ok(iam
            .console_session(&token)?
            .map(|live| Session { token, live }))
    }

    /// The CSRF token of this session's forms.
    pub fn csrf(&self) -> String {
        form_token(self.token.expose(), "form")
    }

    /// The user of a session that is signed in or made to change its password first: the
    /// change-password page is the one page the latter may see.
    pub fn for_password_change(self) -> Result<ConsoleUser, PageError> {
        match self.live.session.stage {
            SessionStage::MfaRequired => Err(PageError::Redirect("/console/mfa".into())),
            _ => Ok(self.user_unchecked()),
        }
    }

    fn user_unchecked(self) -> ConsoleUser {
        // A console sign-in is temporary credentials: issued when the session began, an MFA
        // session when a code was given.
        let mut facts = SessionFacts::issued_at(self.live.session.created);
        facts.mfa_authenticated = self.live.session.mfa_at;
        ConsoleUser {
            csrf: self.csrf(),
            account: self.live.session.account.clone(),
            user: self.live.user,
            token: self.token,
            facts,
        }
    }

    /// Who is signed in, once the sign-in is complete (no MFA code or password change
    /// still due); else where to go.
    pub fn signed_in(self) -> Result<ConsoleUser, PageError> {
        match self.live.session.stage {
            SessionStage::SignedIn => Ok(self.user_unchecked()),
            SessionStage::MfaRequired => Err(PageError::Redirect("/console/mfa".into())),
            SessionStage::PasswordChangeRequired => {
                Err(PageError::Redirect("/console/change-password".into()))
            }
        }
    }
}

/// A signed-in console user: the root user or an IAM user of one account. Only
/// [`Session::signed_in`] makes one.
pub struct ConsoleUser {
    account: AccountId,
    user: Option<User>,
    token: SessionToken,
    csrf: String,
    facts: SessionFacts,
}

impl Caller for ConsoleUser {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn identity(&self) -> Identity<'_> {
        match &self.user {
            Some(u) => Identity::User(u),
            None => Identity::Root,
        }
    }

    fn arn(&self) -> Arn {
        match &self.user {
            Some(u) => u.to_arn(),
            None => Arn::root(&self.account),
        }
    }

    fn session(&self) -> Option<&SessionFacts> {
        Some(&self.facts)
    }
}

impl ConsoleUser {
    /// The account.
    pub fn account_id(&self) -> &AccountId {
        &self.account
    }

    /// The IAM user, or `None` for the root user.
    pub fn iam_user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    /// The name shown in the header: the user's name, or `root`.
    pub fn display_name(&self) -> &str {
        self.user.as_ref().map_or("root", |u| u.name.as_str())
    }

    /// The CSRF token of this session's forms.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The session's token.
    pub fn token(&self) -> &SessionToken {
        &self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            http::header::COOKIE,
            "a=1; credreport_session=abc"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        );
        h.append(
            http::header::COOKIE,
            "b=2".parse().unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn form_tokens_depend_on_key_and_purpose() {
        let t = form_token("k", "form");
        assert_eq!(t.len(), 32);
        assert!(token_matches("k", "form", Some(&t)));
        assert!(!token_matches("k", "signin", Some(&t)));
        assert!(!token_matches("other", "form", Some(&t)));
        assert!(!token_matches("k", "form", None));
        assert!(!token_matches("k", "form", Some("")));
    }

    #[test]
    fn cookies_are_strict_http_only_and_secure_over_tls() {
        let c = set_cookie(SESSION_COOKIE, Some("v"), true, 60);
        assert_eq!(
            c,
            "credreport_session=v; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60; Secure"
        );
        assert!(!set_cookie(SESSION_COOKIE, None, false, 0).contains("Secure"));
    }
}
