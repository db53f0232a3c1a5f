//! The Users page: the account's users (search by name, pages of 50) and Create user.

use axum::http::StatusCode;
use credreport_iam::secret::Secret;
use credreport_iam::Error;
use maud::html;

use super::page::{self, Nav, Notice};
use super::session::ConsoleUser;
use super::{see_other, Console, PageResult, Req};
use crate::ops::{ListArgs, OpError};

/// Users per page.
const PAGE: usize = 50;
/// Users a search reads at most (the users quota).
const SEARCHED: usize = 5_000;

/// GET /console/users
pub(crate) fn list(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    list_with(c, &me, &req, None, StatusCode::OK)
}

fn list_with(
    c: &Console,
    me: &ConsoleUser,
    req: &Req,
    notice: Option<Notice>,
    status: StatusCode,
) -> PageResult {
    let ops = c.ops(me, req);
    let search = req.field("search").unwrap_or("").trim().to_lowercase();
    let marker = req.field("marker").filter(|m| !m.is_empty());
    let (users, next) = if search.is_empty() {
        let page = ops.list_users(Ok(ListArgs {
            path_prefix: None,
            marker: marker.map(str::to_owned),
            max: PAGE,
        }))?;
        (page.items, page.next)
    } else {
        (ops.find_users(&search, SEARCHED)?, None)
    };
    let can_create = ops.may_create_users();
    let body = html! {
        (page::notice(notice.as_ref()))
        section.panel aria-labelledby="list" {
            h2 #list { "Users" }
            form.row method="get" action="/console/users" role="search" {
                div {
                    label for="search" { "Find users by name" }
                    input #search type="search" name="search" value=(search);
                }
                button type="submit" { "Search" }
            }
            @if users.is_empty() {
                p { "No users." }
            } @else {
                table.wide {
                    thead { tr { th scope="col" { "User name" } th scope="col" { "Path" } th scope="col" { "Created" } th scope="col" { "Console last sign-in" } } }
                    tbody {
                        @for u in &users {
                            tr {
                                td data-label="User name" { a href=(format!("/console/users/{}", percent_encoding::utf8_percent_encode(&u.name, percent_encoding::NON_ALPHANUMERIC))) { (u.name) } }
                                td.mono data-label="Path" { (u.path) }
                                td data-label="Created" { (page::when(u.created)) }
                                td data-label="Console last sign-in" { @match u.password_last_used { Some(t) => (page::when(t)), None => "never" } }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = &next {
                p { a href=(format!("/console/users?marker={}", percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC))) rel="next" { "Next page" } }
            }
        }
        @if can_create {
            section.panel aria-labelledby="create" {
                h2 #create { "Create user" }
                form.stack #create-user method="post" action="/console/users" {
                    (page::csrf(me.csrf()))
                    label for="user_name" { "User name" }
                    input #user_name type="text" name="user_name" required maxlength="64";
                    label for="path" { "Path (optional)" }
                    input #path type="text" name="path" placeholder="/";
                    label { input type="checkbox" name="console_access" value="true"; " Provide access to the console (a password)" }
                    label for="new_user_password" { "Console password" }
                    input #new_user_password type="password" name="password" autocomplete="new-password";
                    label { input type="checkbox" name="require_reset" value="true" checked; " User must create a new password at next sign-in" }
                    button type="submit" { "Create user" }
                }
            }
        }
    };
    Ok(page::html_response(
        status,
        page::signed_in(me, "Users", Nav::Users, body),
    ))
}

/// POST /console/users: CreateUser, and CreateLoginProfile when console access is asked.
pub(crate) fn create(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let name = req.field("user_name").unwrap_or("").trim().to_owned();
    let path = req
        .field("path")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let password = Secret::from_string(req.field("password").unwrap_or("").to_owned());
    let console = (req.field("console_access") == Some("true"))
        .then(|| (&password, req.field("require_reset") == Some("true")));
    let created = c
        .ops(&me, &req)
        .create_user_with_password(&name, path.as_deref(), console);
    match created {
        Ok(u) => Ok(see_other(&format!(
            "/console/users/{}",
            percent_encoding::utf8_percent_encode(&u.name, percent_encoding::NON_ALPHANUMERIC)
        ))),
        Err(OpError::Iam(Error::Internal(d))) => Err(Error::Internal(d).into()),
        Err(e @ OpError::Denied { .. }) => Err(e.into()),
        Err(e) => {
            let e = crate::error::AwsError::from(e);
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            let notice = Notice::Error(e.message.unwrap_or_default());
            list_with(c, &me, &req, Some(notice), status)
        }
    }
}
