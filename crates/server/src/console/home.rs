//! The console's dashboard (`/console/`): who is signed in, the account's summary when the
//! policies allow GetAccountSummary, and the way to each page.

use maud::html;

use super::page::{self, Nav, Notice};
use super::{Console, PageResult, Req};

/// GET /console/
pub(crate) fn page(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let notice = match req.field("notice") {
        Some("password-changed") => Some(Notice::Success("Your password was changed.".into())),
        _ => None,
    };
    // Shown when the policies allow GetAccountSummary.
    let summary = c.ops(&me, &req).account_summary().ok();
    let get = |k: &str| {
        summary
            .as_ref()
            .and_then(|s| s.iter().find(|(n, _)| *n == k).map(|(_, v)| *v))
    };
    let body = html! {
        (page::notice(notice.as_ref()))
        section.panel aria-labelledby="you" {
            h2 #you { "Signed in" }
            p #signed-in-as { "You are signed in as " strong { (me.display_name()) } " in account " span.mono { (me.account_id().as_str()) } "." }
        }
        @if summary.is_some() {
            section.panel aria-labelledby="resources" {
                h2 #resources { "IAM resources" }
                ul.counts {
                    li { "Users: " strong { (get("Users").unwrap_or(0)) } }
                    li { "MFA devices in use: " strong { (get("MFADevicesInUse").unwrap_or(0)) } }
                    li { "Root MFA: " strong { @if get("AccountMFAEnabled") == Some(1) { "enabled" } @else { "not enabled" } } }
                    li { "Root access keys: " strong { @if get("AccountAccessKeysPresent") == Some(1) { "present" } @else { "none" } } }
                }
            }
        }
        section.panel aria-labelledby="go" {
            h2 #go { "Go to" }
            ul {
                li { a href="/console/credential-report" { "Credential report" } ": download the report and see its findings" }
                li { a href="/console/users" { "Users" } ": list, create, and manage their credentials" }
                li { a href="/console/account-settings" { "Account settings" } ": the password policy" }
                li { a href="/console/my-credentials" { "My security credentials" } ": your password, access keys and MFA" }
            }
        }
    };
    Ok(page::ok(page::signed_in(
        &me,
        "IAM dashboard",
        Nav::Dashboard,
        body,
    )))
}
