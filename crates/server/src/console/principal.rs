//! The Privilege panel of a user's and a role's page: its class (`admin`, `write`, `read`,
//! `none`) and why, from the privilege analysis of the account's authorization details,
//! and its open findings in the account's audit (the stored report's, and the principal
//! checks'), each with the severity the audit gives it knowing that privilege.

use credreport_iam::Arn;
use maud::{html, Markup};

use super::audit::Known;
use super::credentials::needs;
use super::findings;
use super::{Console, PageError};
use crate::error::AwsError;
use crate::ops::Ops;

/// The panel for the user or role `arn`.
pub(crate) fn panel(c: &Console, ops: &Ops<'_>, arn: &Arn) -> Markup {
    let audit = match c.audit(ops) {
        Ok(a) => a,
        Err(e) => {
            let text = match e {
                PageError::Aws(e) => e.message.unwrap_or_default(),
                _ => AwsError::service_failure().message.unwrap_or_default(),
            };
            return html! { p.notice.error role="alert" { "The audit could not be read: " (text) } };
        }
    };
    let arn = arn.as_str();
    let open: Vec<_> = audit.findings_of(arn).collect();
    html! {
        section.panel aria-labelledby="privilege" {
            h2 #privilege { "Privilege and open findings" }
            @if let Some(action) = audit.privilege_refused() {
                p #privilege-class { "Privilege: " strong { "unknown" } }
                (needs(action))
            } @else {
                @match audit.privilege(arn) {
                    Some(p) => dl.facts {
                        dt { "Privilege" }
                        dd #privilege-class { span class=(format!("priv priv-{}", p.privilege())) { (p.privilege()) } }
                        dt { "Why" }
                        dd #privilege-reason { (p.assessment.reason) }
                    },
                    None => p #privilege-class {
                        "Privilege: " strong { "unknown" } ": its policies could not be analysed."
                    },
                }
            }
            h3 #open-findings { "Open findings" }
            @match audit.report_state() {
                Known::Denied(action) => (needs(*action)),
                Known::Read(None) => p {
                    "No credential report has been generated yet: its findings come from the "
                    "audit of the stored report (" a href="/console/credential-report" { "Credential report" } ")."
                },
                Known::Read(Some(generated)) => {
                    p.muted {
                        "From the audit of the credential report generated "
                        (super::page::when(*generated)) ", most severe first."
                    }
                    @if open.is_empty() {
                        p #no-findings { "No open findings." }
                    } @else {
                        table.wide #principal-findings {
                            thead { tr { th scope="col" { "Severity" } th scope="col" { "Check" } th scope="col" { "Credential" } th scope="col" { "Finding" } } }
                            tbody {
                                @for f in &open {
                                    tr {
                                        td data-label="Severity" { (findings::severity(f)) }
                                        td data-label="Check" { code { (f.check.as_str()) } br; span.muted { (f.check.info().title) } }
                                        td data-label="Credential" { (f.credential.name()) }
                                        td data-label="Finding" { (f.message()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if audit.privilege_refused().is_none() {
                @if let Some(action) = audit.last_accessed_refused() {
                    div.muted { "Unused permissions are not checked." (needs(action)) }
                }
            }
        }
    }
}
