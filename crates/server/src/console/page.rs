//! The pages' frame: the document, the header with the account and the signed-in name,
//! the navigation, notices, and the responses every page is sent as.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use super::session::{ConsoleUser, CSRF_FIELD};

/// The one stylesheet, embedded.
pub(crate) const STYLESHEET: &str = include_str!("style.css");

/// The console's sections, for the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    Dashboard,
    Users,
    Groups,
    Roles,
    Policies,
    CredentialReport,
    AccountSettings,
    MyCredentials,
}

const SECTIONS: [(Nav, &str, &str); 8] = [
    (Nav::Dashboard, "/console/", "Dashboard"),
    (Nav::Users, "/console/users", "Users"),
    (Nav::Groups, "/console/groups", "Groups"),
    (Nav::Roles, "/console/roles", "Roles"),
    (Nav::Policies, "/console/policies", "Policies"),
    (
        Nav::CredentialReport,
        "/console/credential-report",
        "Credential report",
    ),
    (
        Nav::AccountSettings,
        "/console/account-settings",
        "Account settings",
    ),
    (
        Nav::MyCredentials,
        "/console/my-credentials",
        "My security credentials",
    ),
];

/// A notice above a page's content.
pub(crate) enum Notice {
    Success(String),
    Error(String),
}

/// The notice's markup: a live region, so a screen reader announces it.
pub(crate) fn notice(n: Option<&Notice>) -> Markup {
    html! {
        @match n {
            Some(Notice::Success(m)) => p.notice.success role="status" { (m) },
            Some(Notice::Error(m)) => div.notice.error role="alert" {
                // A policy's unmet rules are joined with "; ": one line each.
                @if m.contains("; ") {
                    ul { @for part in m.split("; ") { li { (part) } } }
                } @else { (m) }
            },
            None => {},
        }
    }
}

/// The hidden CSRF field of a signed-in form.
pub(crate) fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

fn document(title: &str, header: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | credreport IAM console" }
                link rel="stylesheet" href="/console/static/style.css";
            }
            body {
                a.skip href="#main" { "Skip to content" }
                (header)
                main #main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A page of the signed-in console.
pub(crate) fn signed_in(me: &ConsoleUser, title: &str, active: Nav, body: Markup) -> Markup {
    let header = html! {
        header.top {
            div.brand { a href="/console/" { "credreport" } " IAM" }
            div.who {
                span { "Account " span.mono { (me.account_id().as_str()) } }
                span { " · " (me.display_name()) }
                form.inline method="post" action="/console/signout" {
                    (csrf(me.csrf()))
                    button.link type="submit" { "Sign out" }
                }
            }
        }
        nav aria-label="IAM" {
            ul {
                @for (section, href, label) in SECTIONS {
                    li {
                        @if section == active {
                            a href=(href) aria-current="page" { (label) }
                        } @else {
                            a href=(href) { (label) }
                        }
                    }
                }
            }
        }
    };
    document(title, header, body)
}

/// A page outside a session (sign-in, errors).
pub(crate) fn public(title: &str, body: Markup) -> Markup {
    let header = html! {
        header.top { div.brand { a href="/console/" { "credreport" } " IAM" } }
    };
    document(title, header, body)
}

/// An HTML response with the console's headers: never cached, never framed, no scripts.
pub(crate) fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut r = (status, Body::from(markup.into_string())).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    security_headers(h);
    r
}

/// Headers every console answer carries.
pub(crate) fn security_headers(h: &mut axum::http::HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// 200 with a page.
pub(crate) fn ok(markup: Markup) -> Response {
    html_response(StatusCode::OK, markup)
}

/// A page with a title and one message.
pub(crate) fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    html_response(
        status,
        public(
            title,
            html! {
                p { (message) }
                p { a href="/console/" { "Back to the console" } }
            },
        ),
    )
}

/// The access-denied page: which action the policies do not allow, and IAM's message.
pub(crate) fn denied_page(action: &str, message: &str) -> Response {
    html_response(
        StatusCode::FORBIDDEN,
        public(
            "Access denied",
            html! {
                p {
                    "You do not have permission to perform " code.action { (action) } "."
                }
                p.detail { (message) }
                p { "Ask your administrator for a policy that allows it." }
                p { a href="/console/" { "Back to the console" } }
            },
        ),
    )
}

/// A time as shown: `2026-11-23 10:00 UTC`.
pub(crate) fn when(t: credreport_report::Timestamp) -> String {
    let (y, mo, d, h, mi, _) = t.civil();
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}
