//! How the console shows a finding's severity and privilege (the Credential report page
//! and the user and role pages alike), and what the audit could not know.

use credreport_audit::{Finding, Privilege};
use maud::{html, Markup};

use super::audit::AccountAudit;
use super::credentials::needs;

/// The severity badge, and the check's own severity when privilege moved it.
pub(crate) fn severity(f: &Finding<'_>) -> Markup {
    let moved = match f.privilege {
        _ if f.severity == f.base_severity => None,
        Some(Privilege::Admin) => Some("raised from"),
        Some(Privilege::None) => Some("lowered from"),
        _ => Some("from"),
    };
    html! {
        span class=(format!("sev sev-{}", f.severity.name())) { (f.severity.name()) }
        @if let Some(how) = moved {
            br;
            span.muted.moved { (how) " " (f.base_severity.name()) }
        }
    }
}

/// The principal's privilege, with why (as a tooltip).
pub(crate) fn privilege(f: &Finding<'_>) -> Markup {
    let name = f.privilege_name();
    html! {
        span class=(format!("priv priv-{name}")) title=[f.privilege_reason.as_deref()] { (name) }
    }
}

/// What the audit did not know, and the action the caller needs for it.
pub(crate) fn knowledge(a: &AccountAudit) -> Markup {
    html! {
        @if let Some(action) = a.privilege_refused() {
            div.notice.error #privilege-unknown role="status" {
                "Privilege is unknown (every finding keeps its check's severity): reading the "
                "account's authorization details was refused."
                (needs(action))
            }
        } @else if let Some(action) = a.last_accessed_refused() {
            div.notice.error #last-accessed-unknown role="status" {
                "Unused permissions are not checked: reading last-accessed data was refused."
                (needs(action))
            }
        }
        @if !a.notes().is_empty() {
            details {
                summary { "Principals whose privilege is unknown (" (a.notes().len()) ")" }
                ul { @for n in a.notes() { li { (n) } } }
            }
        }
    }
}
