//! The Credential report page: when the stored report was generated, the Download button
//! (which generates first when IAM's 4-hour rule allows and the stored report is older,
//! and sends exactly the bytes GetCredentialReport returns), and the findings of the
//! account's audit (`credreport audit` on the stored report, knowing each principal's
//! privilege and use: [`super::audit`]) in its order, most severe then most privileged,
//! with their severity counts, a filter and the charts.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use credreport_audit::{Finding, Severity};
use credreport_iam::REPORT_FRESH_SECS;
use credreport_report::Timestamp;
use maud::{html, Markup, PreEscaped};

use super::audit::{AccountAudit, ReportView};
use super::findings;
use super::page::{self, Nav};
use super::{Console, PageResult, Req};

/// Findings listed on the page at most (the counts and charts cover all of them).
const LISTED: usize = 200;

fn ago(now: Timestamp, then: Timestamp) -> String {
    let mins = now.secs_since(then).max(0) / 60;
    match (mins / 1440, mins / 60 % 24, mins % 60) {
        (0, 0, m) => format!("{m} minutes ago"),
        (0, h, m) => format!("{h} hours {m} minutes ago"),
        (d, h, _) => format!("{d} days {h} hours ago"),
    }
}

/// GET /console/credential-report
pub(crate) fn page(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let ops = c.ops(&me, &req);
    let generated = ops.credential_report_generated()?;
    let now = c.iam.now();
    let fresh = generated.is_some_and(|g| now.secs_since(g) < REPORT_FRESH_SECS);
    let audit = match generated {
        Some(_) => Some(c.audit(&ops)?),
        None => None,
    };
    let severity = req.field("severity").and_then(Severity::from_name);
    let q = req.field("q").unwrap_or("").trim().to_lowercase();
    let body = html! {
        section.panel aria-labelledby="about" {
            h2 #about { "Download credential report" }
            p {
                "The credential report lists every user of the account and the state of their "
                "passwords, access keys, MFA devices and signing certificates. IAM generates a new "
                "report at most once every 4 hours; until then, a download returns the stored one."
            }
            @match generated {
                Some(g) => p #generated {
                    "Stored report generated " time datetime=(g.to_zulu()) { (page::when(g)) }
                    " (" (ago(now, g)) "). "
                    @if fresh {
                        "It is less than 4 hours old, so the download returns it as it is."
                    } @else {
                        "It is more than 4 hours old, so the download generates a new report first."
                    }
                },
                None => p #generated { "No report has been generated yet: the download generates the first one." },
            }
            form method="post" action="/console/credential-report/download" {
                (page::csrf(me.csrf()))
                button #download type="submit" { "Download credential report" }
            }
        }
        @if let Some((a, v)) = audit.as_deref().and_then(|a| Some((a, a.report.as_ref()?))) {
            (findings_panel(a, v, severity, &q))
            section.panel aria-labelledby="charts" {
                h2 #charts { "Charts" }
                div.charts { (PreEscaped(&v.charts)) }
            }
        }
    };
    Ok(page::ok(page::signed_in(
        &me,
        "Credential report",
        Nav::CredentialReport,
        body,
    )))
}

fn findings_panel(a: &AccountAudit, v: &ReportView, severity: Option<Severity>, q: &str) -> Markup {
    let t = &v.summary.tally;
    let matching: Vec<&Finding<'static>> = v
        .findings
        .iter()
        .filter(|f| severity.is_none_or(|s| f.severity == s))
        .filter(|f| {
            q.is_empty()
                || f.user().to_lowercase().contains(q)
                || f.check.as_str().contains(q)
                || f.check.info().title.to_lowercase().contains(q)
        })
        .collect();
    html! {
        section.panel aria-labelledby="findings" {
            h2 #findings { "Findings" }
            p.muted {
                "From " code { "credreport audit" } " with its default thresholds, as of the report's "
                "generation time (" (page::when(v.generated)) "). " (v.summary.stats.rows) " rows. "
                "Most severe first; among equals, the most privileged principal first."
            }
            (findings::knowledge(a))
            ul.counts aria-label="Findings by severity" {
                @for s in Severity::DESCENDING {
                    li { span class=(format!("sev sev-{}", s.name())) { (s.name()) } ": " strong { (t.failed.get(s)) } }
                }
                li { "not evaluated: " strong { (t.not_evaluated) } }
            }
            form.row method="get" action="/console/credential-report" role="search" {
                div {
                    label for="severity" { "Severity" }
                    select #severity name="severity" {
                        option value="" selected[severity.is_none()] { "All" }
                        @for s in Severity::DESCENDING {
                            option value=(s.name()) selected[severity == Some(s)] { (s.name()) }
                        }
                    }
                }
                div {
                    label for="q" { "User or check" }
                    input #q type="search" name="q" value=(q);
                }
                button type="submit" { "Filter" }
            }
            p.muted aria-live="polite" {
                @if matching.len() > LISTED {
                    "Showing the first " (LISTED) " of " (matching.len()) " matching findings."
                } @else {
                    (matching.len()) " matching findings."
                }
            }
            table.wide #report-findings {
                thead { tr { th scope="col" { "Severity" } th scope="col" { "Privilege" } th scope="col" { "Check" } th scope="col" { "User" } th scope="col" { "Credential" } th scope="col" { "Finding" } } }
                tbody {
                    @for f in matching.iter().take(LISTED) {
                        tr {
                            td data-label="Severity" { (findings::severity(f)) }
                            td data-label="Privilege" { (findings::privilege(f)) }
                            td data-label="Check" { code { (f.check.as_str()) } br; span.muted { (f.check.info().title) } }
                            td data-label="User" { (f.user()) }
                            td data-label="Credential" { (f.credential.name()) }
                            td data-label="Finding" { (f.message()) }
                        }
                    }
                }
            }
        }
    }
}

/// POST /console/credential-report/download
pub(crate) fn download(c: &Console, mut req: Req) -> PageResult {
    let me = req.signed_in()?;
    let report = c
        .ops(&me, &req)
        .download_credential_report(&c.reports, |b, sink| c.metrics.run_build(b, sink))?;
    let name = format!(
        "credential-report-{}-{}.csv",
        me.account_id().as_str(),
        report.generated.to_zulu().replace(':', "")
    );
    let mut r = (StatusCode::OK, Body::from(report.content)).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    page::security_headers(h);
    Ok(r)
}
