//! The Access Advisor panel of a user's and a role's page: the services its policies
//! allow, each with when it was last used, where and by whom (IAM's service last accessed
//! data, as GenerateServiceLastAccessedDetails would answer it now).

use credreport_iam::Arn;
use maud::{html, Markup};

use super::page;
use crate::error::AwsError;
use crate::ops::{OpError, Ops};

/// The panel for `arn`, or what it needs when the policies do not allow it.
pub(crate) fn advisor(ops: &Ops<'_>, arn: &Arn) -> Markup {
    let services = match ops.access_advisor(arn) {
        Ok(s) => s,
        Err(OpError::Denied { action, .. }) => return super::credentials::needs(action),
        Err(e) => {
            let e = AwsError::from(e);
            return html! { p.notice.error role="alert" { "Access Advisor could not be read: " (e.message.unwrap_or_default()) } };
        }
    };
    html! {
        section.panel aria-labelledby="access-advisor" {
            h2 #access-advisor { "Access Advisor" }
            @if services.is_empty() {
                p { "Its policies allow no service." }
            } @else {
                table.wide #access-advisor-table {
                    thead { tr { th scope="col" { "Service" } th scope="col" { "Namespace" } th scope="col" { "Last accessed" } th scope="col" { "Region" } } }
                    tbody {
                        @for s in &services {
                            tr {
                                td data-label="Service" { (s.name) }
                                td.mono data-label="Namespace" { (s.namespace) }
                                td data-label="Last accessed" { @match &s.last { Some(l) => (page::when(l.time())), None => "Not accessed in the tracking period" } }
                                td data-label="Region" { @match &s.last { Some(l) => (l.region), None => "" } }
                            }
                        }
                    }
                }
            }
        }
    }
}
