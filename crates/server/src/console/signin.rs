//! Sign-in (`/console/signin`), the MFA step (`/console/mfa`), the password change that a
//! reset or an expired password requires (`/console/change-password`, also the signed-in
//! user's own change), and sign-out. The form fields are fixed (scripts sign in with
//! them): `account`, `username`, `password`, `signin_as` (`iam` or `root`); `mfa_code`;
//! `password`, `new_password`, `confirm_password`.

use std::net::IpAddr;
use std::time::Instant;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use credreport_iam::console::Opened;
use credreport_iam::model::SessionStage;
use credreport_iam::secret::Secret;
use credreport_iam::{Error, SignInAs};
use maud::html;

use super::page::{self, Notice};
use super::session::{
    self, form_token, set_cookie, ConsoleUser, PRESESSION_COOKIE, SESSION_COOKIE,
};
use super::{see_other, Console, PageError, PageResult, Req};
use crate::error::AwsError;
use crate::metrics::{Limit, SignInOutcome, SignInStep};
use crate::ops::{Action, OpError};

/// Where a session at `stage` goes next.
fn next_page(stage: SessionStage) -> &'static str {
    match stage {
        SessionStage::MfaRequired => "/console/mfa",
        SessionStage::PasswordChangeRequired => "/console/change-password",
        SessionStage::SignedIn => "/console/",
    }
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// The answer to a step that opened a session: its cookie, and on to the next page.
fn opened(c: &Console, o: &Opened) -> Response {
    let max_age = o.session.expires.unix() - c.iam.now().unix();
    let cookie = set_cookie(SESSION_COOKIE, Some(o.token.expose()), c.secure, max_age);
    let r = with_cookie(see_other(next_page(o.session.stage)), &cookie);
    with_cookie(r, &set_cookie(PRESESSION_COOKIE, None, c.secure, 0))
}

struct SignInForm<'a> {
    account: &'a str,
    username: &'a str,
    root: bool,
    notice: Option<Notice>,
}

fn signin_page(c: &Console, req: &Req, f: &SignInForm<'_>, status: StatusCode) -> Response {
    // The pre-session cookie the form's token is bound to: kept while it exists, so that
    // two tabs can both sign in.
    let pre = session::cookie(&req.headers, PRESESSION_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
        .or_else(|| {
            credreport_iam::secret::random_bytes(32)
                .ok()
                .map(hex::encode)
        })
        .unwrap_or_default();
    let token = form_token(&pre, "signin");
    let body = html! {
        div.signin {
            section.panel {
                (page::notice(f.notice.as_ref()))
                form.stack method="post" action="/console/signin" {
                    input type="hidden" name=(session::CSRF_FIELD) value=(token);
                    fieldset {
                        legend { "Sign in as" }
                        label { input type="radio" name="signin_as" value="iam" checked[!f.root]; " IAM user" }
                        " "
                        label { input type="radio" name="signin_as" value="root" checked[f.root]; " Root user" }
                    }
                    label for="account" { "Account ID" }
                    input #account type="text" name="account" value=(f.account) inputmode="numeric"
                        autocomplete="organization" required;
                    label for="username" { "IAM user name" }
                    input #username type="text" name="username" value=(f.username) autocomplete="username";
                    p.muted { "Leave the user name empty to sign in as the root user." }
                    label for="password" { "Password" }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    button type="submit" { "Sign in" }
                }
            }
        }
    };
    let r = page::html_response(status, page::public("Sign in", body));
    with_cookie(
        r,
        &set_cookie(PRESESSION_COOKIE, Some(&pre), c.secure, 3600),
    )
}

/// GET /console/signin
pub(crate) fn form(c: &Console, req: Req) -> PageResult {
    // A signed-in session goes on; one waiting for its MFA code may start over.
    if let Some(s) = req
        .session
        .as_ref()
        .filter(|s| s.live.session.stage != SessionStage::MfaRequired)
    {
        return Ok(see_other(next_page(s.live.session.stage)));
    }
    let f = SignInForm {
        account: req.field("account").unwrap_or(""),
        username: "",
        root: false,
        notice: None,
    };
    Ok(signin_page(c, &req, &f, StatusCode::OK))
}

/// The status and notice of a failed step, counted and logged with its source; an
/// error that is not the caller's goes on as a page error.
fn failure(
    c: &Console,
    req: &Req,
    step: SignInStep,
    e: Error,
) -> Result<(StatusCode, Notice), PageError> {
    let (status, notice, outcome) = match e {
        Error::AccessDenied(m) => (
            StatusCode::UNAUTHORIZED,
            Notice::Error(m),
            SignInOutcome::Failed,
        ),
        Error::Throttling(m) => (
            StatusCode::TOO_MANY_REQUESTS,
            Notice::Error(m),
            SignInOutcome::Locked,
        ),
        other => return Err(other.into()),
    };
    c.metrics.sign_in(step, outcome);
    // The account only: a name typed is sometimes a password typed in the wrong field.
    tracing::info!(
        account = req.field("account").map(str::trim),
        step = step.label(),
        outcome = outcome.label(),
        source = req.context.source().map(tracing::field::display),
        via = req.context.via().map(tracing::field::display),
        "console sign-in step refused"
    );
    Ok((status, notice))
}

/// What a source over its sign-in limit is told (the attempt was not checked).
pub(crate) const TOO_MANY_ATTEMPTS: &str =
    "Too many failed sign-in attempts from your network address. Wait a moment and try again.";

/// A sign-in step's place under its source's limit ([`Console::sign_ins`]): taken before
/// the step checks anything (a password hash, an MFA code), given back if it succeeds.
struct Attempt<'c> {
    console: &'c Console,
    source: Option<IpAddr>,
    at: Instant,
}

impl<'c> Attempt<'c> {
    /// A token for the request's source, or the refusal (429) when it has none left.
    fn take(c: &'c Console, req: &Req) -> Result<Attempt<'c>, (StatusCode, Notice)> {
        let attempt = Attempt {
            console: c,
            source: req.context.source(),
            at: Instant::now(),
        };
        match attempt.source {
            Some(ip) if !c.sign_ins.take(&ip, attempt.at) => {
                c.metrics.throttled(Limit::ConsoleSignIn);
                // Not at info: a flood would write a line per refusal (the metrics count them).
                tracing::debug!(source = %ip, "console sign-in refused: too many attempts from the source");
                Err((
                    StatusCode::TOO_MANY_REQUESTS,
                    Notice::Error(TOO_MANY_ATTEMPTS.into()),
                ))
            }
            _ => Ok(attempt),
        }
    }

    /// The step succeeded: it does not count against the source.
    fn succeeded(self) {
        if let Some(ip) = self.source {
            self.console.sign_ins.give_back(&ip, self.at);
        }
    }
}

/// POST /console/signin
pub(crate) fn submit(c: &Console, req: Req) -> PageResult {
    let account = req.field("account").unwrap_or("").trim();
    let username = req.field("username").unwrap_or("").trim();
    let root = req.field("signin_as") == Some("root")
        || (req.field("signin_as").is_none() && username.is_empty());
    let who = if root {
        SignInAs::Root
    } else {
        SignInAs::User(username)
    };
    let refill = |status: StatusCode, notice: Notice| -> PageResult {
        let f = SignInForm {
            account,
            username,
            root,
            notice: Some(notice),
        };
        Ok(signin_page(c, &req, &f, status))
    };
    // Before the password is hashed: a source over its limit costs no argon2.
    let attempt = match Attempt::take(c, &req) {
        Ok(a) => a,
        Err((status, notice)) => return refill(status, notice),
    };
    let password = Secret::from_string(req.field("password").unwrap_or("").to_owned());
    match c.iam.console_sign_in(account, who, &password) {
        Ok(o) => {
            attempt.succeeded();
            c.metrics
                .sign_in(SignInStep::Password, SignInOutcome::Succeeded);
            tracing::info!(
                account = %o.session.account,
                owner = o.session.owner.as_key(),
                stage = o.session.stage.as_key(),
                source = req.context.source().map(tracing::field::display),
                via = req.context.via().map(tracing::field::display),
                "console sign-in"
            );
            Ok(opened(c, &o))
        }
        Err(e) => {
            let (status, notice) = failure(c, &req, SignInStep::Password, e)?;
            refill(status, notice)
        }
    }
}

fn mfa_page(csrf: &str, notice: Option<&Notice>, status: StatusCode) -> Response {
    let body = html! {
        div.signin {
            section.panel {
                (page::notice(notice))
                p { "Enter the code your MFA device shows now." }
                form.stack method="post" action="/console/mfa" {
                    (page::csrf(csrf))
                    label for="mfa_code" { "MFA code" }
                    input #mfa_code type="text" name="mfa_code" inputmode="numeric"
                        autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus;
                    button type="submit" { "Submit" }
                }
                p { a href="/console/signin" { "Cancel" } }
            }
        }
    };
    page::html_response(status, page::public("Multi-factor authentication", body))
}

/// GET /console/mfa
pub(crate) fn mfa_form(_c: &Console, req: Req) -> PageResult {
    match &req.session {
        Some(s) if s.live.session.stage == SessionStage::MfaRequired => {
            Ok(mfa_page(&s.csrf(), None, StatusCode::OK))
        }
        Some(s) => Ok(see_other(next_page(s.live.session.stage))),
        None => Err(PageError::SignIn),
    }
}

/// POST /console/mfa
pub(crate) fn mfa_submit(c: &Console, req: Req) -> PageResult {
    let Some(s) = &req.session else {
        return Err(PageError::SignIn);
    };
    if s.live.session.stage != SessionStage::MfaRequired {
        return Ok(see_other(next_page(s.live.session.stage)));
    }
    let attempt = match Attempt::take(c, &req) {
        Ok(a) => a,
        Err((status, notice)) => return Ok(mfa_page(&s.csrf(), Some(&notice), status)),
    };
    match c
        .iam
        .console_mfa(&s.token, req.field("mfa_code").unwrap_or(""))
    {
        Ok(o) => {
            attempt.succeeded();
            c.metrics.sign_in(SignInStep::Mfa, SignInOutcome::Succeeded);
            Ok(opened(c, &o))
        }
        Err(e) => {
            let (status, notice) = failure(c, &req, SignInStep::Mfa, e)?;
            Ok(mfa_page(&s.csrf(), Some(&notice), status))
        }
    }
}

fn change_page(
    me: &ConsoleUser,
    forced: bool,
    allowed: bool,
    notice: Option<&Notice>,
    status: StatusCode,
) -> Response {
    let body = html! {
        div.signin {
            section.panel {
                (page::notice(notice))
                @if forced {
                    p { "Your password must be changed before you continue." }
                }
                @if allowed {
                    form.stack method="post" action="/console/change-password" {
                        (page::csrf(me.csrf()))
                        label for="password" { "Current password" }
                        input #password type="password" name="password" autocomplete="current-password" required;
                        label for="new_password" { "New password" }
                        input #new_password type="password" name="new_password" autocomplete="new-password" required;
                        label for="confirm_password" { "Confirm new password" }
                        input #confirm_password type="password" name="confirm_password" autocomplete="new-password" required;
                        button type="submit" { "Change password" }
                    }
                } @else {
                    p {
                        "You are not allowed to change your own password: the account's password policy "
                        "does not let users change their passwords and no policy grants "
                        code { (Action::ChangePassword.policy_name()) } ". Ask your administrator to set a new password."
                    }
                }
                @if forced {
                    form.inline method="post" action="/console/signout" {
                        (page::csrf(me.csrf()))
                        button.secondary type="submit" { "Sign out" }
                    }
                } @else {
                    p { a href="/console/my-credentials" { "Back" } }
                }
            }
        }
    };
    page::html_response(status, page::public("Change password", body))
}

/// The session's user for the password change: signed in, or made to change it first.
fn changing(req: &mut Req) -> Result<(ConsoleUser, bool), PageError> {
    let s = req.session.take().ok_or(PageError::SignIn)?;
    let forced = s.live.session.stage == SessionStage::PasswordChangeRequired;
    Ok((s.for_password_change()?, forced))
}

/// GET /console/change-password
pub(crate) fn change_form(c: &Console, mut req: Req) -> PageResult {
    let (me, forced) = changing(&mut req)?;
    let allowed = c.ops(&me, &req).may_change_own_password();
    Ok(change_page(&me, forced, allowed, None, StatusCode::OK))
}

/// POST /console/change-password
pub(crate) fn change_submit(c: &Console, mut req: Req) -> PageResult {
    let (me, forced) = changing(&mut req)?;
    let ops = c.ops(&me, &req);
    if !ops.may_change_own_password() {
        return Ok(change_page(&me, forced, false, None, StatusCode::FORBIDDEN));
    }
    let old = Secret::from_string(req.field("password").unwrap_or("").to_owned());
    let new = req.field("new_password").unwrap_or("");
    let result = if Some(new) != req.field("confirm_password") {
        Err(OpError::Iam(Error::InvalidInput(
            "The new password and its confirmation do not match.".into(),
        )))
    } else {
        let new = Secret::from_string(new.to_owned());
        match me.iam_user() {
            Some(_) => ops.change_password(&old, &new),
            None => ops.change_root_password(&old, &new),
        }
    };
    match result {
        Ok(()) => {
            c.iam.console_password_changed(me.token())?;
            Ok(see_other("/console/?notice=password-changed"))
        }
        Err(OpError::Iam(Error::Internal(detail))) => Err(Error::Internal(detail).into()),
        Err(e) => {
            let e = AwsError::from(e);
            let notice = Notice::Error(e.message.unwrap_or_default());
            Ok(change_page(
                &me,
                forced,
                true,
                Some(&notice),
                StatusCode::BAD_REQUEST,
            ))
        }
    }
}

/// POST /console/signout
pub(crate) fn sign_out(c: &Console, req: Req) -> PageResult {
    if let Some(s) = &req.session {
        c.iam.console_sign_out(&s.token)?;
    }
    let r = see_other("/console/signin");
    Ok(with_cookie(
        r,
        &set_cookie(SESSION_COOKIE, None, c.secure, 0),
    ))
}
