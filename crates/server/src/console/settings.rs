//! Account settings: the account password policy (view, edit, delete), authorized as
//! GetAccountPasswordPolicy, UpdateAccountPasswordPolicy and DeleteAccountPasswordPolicy.

use axum::http::StatusCode;
use credreport_iam::{Error, PasswordPolicyInput};
use maud::html;

use super::page::{self, Nav, Notice};
use super::session::ConsoleUser;
use super::{Console, PageError, PageResult, Req};
use crate::error::AwsError;
use crate::ops::{OpError, Ops};

/// GET /console/account-settings
pub(crate) fn page(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    show(&c.ops(&me, &req), &me, None, StatusCode::OK)
}

fn show(ops: &Ops<'_>, me: &ConsoleUser, notice: Option<Notice>, status: StatusCode) -> PageResult {
    let policy = match ops.get_password_policy() {
        Ok(p) => Some(p),
        Err(OpError::Iam(Error::NoSuchEntity(_))) => None,
        Err(e) => return Err(e.into()),
    };
    let shown = policy.clone().unwrap_or_default();
    let number = |v: Option<u16>| v.map(|v| v.to_string()).unwrap_or_default();
    let body = html! {
        (page::notice(notice.as_ref()))
        section.panel aria-labelledby="policy" {
            h2 #policy { "Password policy" }
            @match &policy {
                None => p #policy-state { "This account has no password policy: IAM's default applies (at least 8 characters, with at least three of upper-case letters, lower-case letters, numbers and symbols)." },
                Some(p) => ul #policy-state {
                    li { "Minimum length: " (p.minimum_password_length) }
                    @if p.require_uppercase_characters { li { "At least one upper-case letter" } }
                    @if p.require_lowercase_characters { li { "At least one lower-case letter" } }
                    @if p.require_numbers { li { "At least one number" } }
                    @if p.require_symbols { li { "At least one symbol" } }
                    li { @match p.max_password_age { Some(d) => { "Passwords expire after " (d) " days" }, None => "Passwords never expire" } }
                    @if let Some(n) = p.password_reuse_prevention { li { "The last " (n) " passwords cannot be reused" } }
                    li { @if p.allow_users_to_change_password { "Users may change their own password" } @else { "Users may not change their own password" } }
                    @if p.hard_expiry == Some(true) { li { "An expired password can only be reset by an administrator" } }
                }
            }
        }
        section.panel aria-labelledby="edit" {
            h2 #edit { "Edit the password policy" }
            form.stack method="post" action="/console/account-settings/update" {
                (page::csrf(me.csrf()))
                label for="minimum_password_length" { "Minimum password length (6-128)" }
                input #minimum_password_length type="number" name="minimum_password_length" min="6" max="128" value=(shown.minimum_password_length);
                (check("require_uppercase_characters", "Require at least one upper-case letter", shown.require_uppercase_characters))
                (check("require_lowercase_characters", "Require at least one lower-case letter", shown.require_lowercase_characters))
                (check("require_numbers", "Require at least one number", shown.require_numbers))
                (check("require_symbols", "Require at least one symbol", shown.require_symbols))
                (check("allow_users_to_change_password", "Allow users to change their own password", shown.allow_users_to_change_password))
                label for="max_password_age" { "Password expiration in days (1-1095; empty: never)" }
                input #max_password_age type="number" name="max_password_age" min="1" max="1095" value=(number(shown.max_password_age));
                label for="password_reuse_prevention" { "Prevent reuse of the last N passwords (1-24; empty: no)" }
                input #password_reuse_prevention type="number" name="password_reuse_prevention" min="1" max="24" value=(number(shown.password_reuse_prevention.map(u16::from)));
                (check("hard_expiry", "Expired passwords can only be reset by an administrator", shown.hard_expiry == Some(true)))
                button type="submit" { "Save changes" }
            }
            @if policy.is_some() {
                form method="post" action="/console/account-settings/delete" {
                    (page::csrf(me.csrf()))
                    button.danger type="submit" { "Delete the password policy" }
                }
            }
        }
    };
    Ok(page::html_response(
        status,
        page::signed_in(me, "Account settings", Nav::AccountSettings, body),
    ))
}

fn check(name: &str, label: &str, on: bool) -> maud::Markup {
    html! { label { input type="checkbox" name=(name) value="true" checked[on]; " " (label) } }
}

fn number(req: &Req, name: &'static str) -> Result<Option<i64>, PageError> {
    match req.field(name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AwsError::validation(format!("{name} must be a whole number.")).into()),
    }
}

/// POST /console/account-settings/{update,delete}
pub(crate) fn act(c: &Console, mut req: Req, action: &str) -> PageResult {
    let me = req.signed_in()?;
    let ops = c.ops(&me, &req);
    let result = match action {
        "update" => {
            let flag = |n: &str| Some(req.field(n) == Some("true"));
            let input = PasswordPolicyInput {
                minimum_password_length: number(&req, "minimum_password_length")?,
                require_symbols: flag("require_symbols"),
                require_numbers: flag("require_numbers"),
                require_uppercase_characters: flag("require_uppercase_characters"),
                require_lowercase_characters: flag("require_lowercase_characters"),
                allow_users_to_change_password: flag("allow_users_to_change_password"),
                max_password_age: number(&req, "max_password_age")?,
                password_reuse_prevention: number(&req, "password_reuse_prevention")?,
                hard_expiry: flag("hard_expiry"),
            };
            ops.update_password_policy(&input)
                .map(|()| "The password policy was saved.")
        }
        "delete" => ops
            .delete_password_policy()
            .map(|()| "The password policy was deleted."),
        _ => return Err(PageError::NotFound),
    };
    match result {
        Ok(m) => show(
            &ops,
            &me,
            Some(Notice::Success(m.to_owned())),
            StatusCode::OK,
        ),
        Err(OpError::Iam(Error::Internal(d))) => Err(Error::Internal(d).into()),
        Err(e @ OpError::Denied { .. }) => Err(e.into()),
        Err(e) => {
            let e = AwsError::from(e);
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            show(
                &ops,
                &me,
                Some(Notice::Error(e.message.unwrap_or_default())),
                status,
            )
        }
    }
}
