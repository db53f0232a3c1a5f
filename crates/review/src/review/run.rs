//! One review: every target, every account, fetched, audited, stored, compared with the
//! account's previous report in the history, and its new findings notified. A failing
//! account or target is recorded and the others go on.

use std::sync::Arc;

use aws_sdk_iam::config::SharedCredentialsProvider;
use credreport_audit::{Config, Severity};

use super::config::{ReviewConfig, Target};
use super::notify::{self, Delivery, Subject};
use crate::env::{connect, Env};
use crate::fetch::org::{self, Organization, Outcome};
use crate::fetch::wait::Backoff;
use crate::fetch::{fetch_report, FetchOptions, Fetched};
use crate::history::diff::diff;
use crate::history::ingest::ingest;
use crate::history::notifications::Notification;
use crate::history::securityhub::ImportRecord;
use crate::history::Source;
use crate::history::{History, StoredFinding};
use crate::securityhub::findings::Stored;
use crate::securityhub::import::{import, ImportInput};

/// What a review needs besides the history.
#[derive(Debug)]
pub struct Review<'a> {
    pub env: &'a Env,
    pub config: &'a ReviewConfig,
    pub audit: &'a Config,
    /// Delays between webhook attempts.
    pub notify_backoff: Backoff,
    /// Delays between Security Hub attempts.
    pub import_backoff: Backoff,
}

/// What became of one account.
#[derive(Debug)]
pub enum Reviewed {
    /// Its report was stored and compared.
    Done(Box<AccountDone>),
    /// It could not be reviewed.
    Failed(String),
    /// Not attempted (a suspended account of an organization).
    Skipped(String),
}

/// A reviewed account.
#[derive(Debug)]
pub struct AccountDone {
    pub report_id: i64,
    pub generated: credreport_report::Timestamp,
    /// False when this very report (same generation, same bytes) was reviewed before:
    /// IAM's 4-hour rule gave the same one back, and nothing is new (unless its
    /// notification failed: then it is tried again).
    pub new_report: bool,
    /// The report compared with: the account's previous review whose notifications were
    /// delivered (`History::previous_review`), if any.
    pub previous: Option<i64>,
    /// Open findings that were not open in the previous report, most severe first.
    pub new_findings: Vec<StoredFinding>,
    /// Open findings in all.
    pub open: u64,
    /// The notification, if one was due.
    pub notified: Option<Delivery>,
    /// The Security Hub import, with `[security_hub]`.
    pub security_hub: Option<ImportRecord>,
}

impl AccountDone {
    /// Whether a notification or the Security Hub import did not get through.
    pub fn incomplete(&self) -> bool {
        self.notified.as_ref().is_some_and(|n| !n.delivered)
            || self.security_hub.as_ref().is_some_and(|i| !i.complete())
    }
}

/// One account's line of the review.
#[derive(Debug)]
pub struct AccountReview {
    pub target: String,
    pub account: String,
    pub outcome: Reviewed,
}

/// A review's result.
#[derive(Debug, Default)]
pub struct ReviewRun {
    pub accounts: Vec<AccountReview>,
    /// Targets that failed as a whole (credentials, ListAccounts): `(target, error)`.
    pub failed_targets: Vec<(String, String)>,
}

impl ReviewRun {
    /// Accounts and targets that failed, and notifications not delivered.
    pub fn failures(&self) -> usize {
        self.failed_targets.len()
            + self
                .accounts
                .iter()
                .filter(|a| match &a.outcome {
                    Reviewed::Failed(_) => true,
                    Reviewed::Done(d) => d.incomplete(),
                    Reviewed::Skipped(_) => false,
                })
                .count()
    }

    /// New open findings at or above `severity`, over all accounts.
    pub fn new_at_least(&self, severity: Severity) -> usize {
        self.accounts
            .iter()
            .filter_map(|a| match &a.outcome {
                Reviewed::Done(d) => Some(
                    d.new_findings
                        .iter()
                        .filter(|f| f.severity >= severity)
                        .count(),
                ),
                _ => None,
            })
            .sum()
    }
}

/// Runs every target once. `progress` hears what is going on.
pub async fn run_once(
    r: &Review<'_>,
    history: &mut History,
    progress: &(dyn Fn(&str) + Send + Sync),
) -> ReviewRun {
    let mut run = ReviewRun::default();
    let opts = FetchOptions {
        max_age: r.config.max_age.map(|d| d.0),
        timeout: r.config.timeout.0,
        ..r.env.fetch
    };
    for target in &r.config.targets {
        progress(&format!("target {}: fetching", target.name));
        let fetched = if target.organization {
            organization(r, target, &opts)
                .await
                .map(|(results, org)| (results, Reach::Member(org)))
        } else {
            single(r, target, &opts).await.map(|(account, f, creds)| {
                (
                    vec![(account, Outcome::Ok(Box::new(f)))],
                    Reach::Single(creds),
                )
            })
        };
        let (results, reach) = match fetched {
            Ok(results) => results,
            Err(e) => {
                let e = format!("{e:#}");
                tracing::error!(target = %target.name, error = %e, "target failed");
                run.failed_targets.push((target.name.clone(), e));
                continue;
            }
        };
        for (account, outcome) in results {
            let outcome = match outcome {
                Outcome::Ok(fetched) => {
                    progress(&format!(
                        "target {}: account {account}: auditing",
                        target.name
                    ));
                    match account_review(r, history, target, &account, &fetched, &reach).await {
                        Ok(done) => Reviewed::Done(Box::new(done)),
                        Err(e) => Reviewed::Failed(format!("{e:#}")),
                    }
                }
                Outcome::Failed(e) => Reviewed::Failed(e),
                Outcome::Skipped(why) => Reviewed::Skipped(why),
            };
            log(&target.name, &account, &outcome);
            run.accounts.push(AccountReview {
                target: target.name.clone(),
                account,
                outcome,
            });
        }
    }
    run
}

fn log(target: &str, account: &str, outcome: &Reviewed) {
    match outcome {
        Reviewed::Done(d) => tracing::info!(
            target = %target,
            account = %account,
            report = d.report_id,
            generated = %d.generated.to_zulu(),
            new_report = d.new_report,
            new_findings = d.new_findings.len(),
            open = d.open,
            notified = d.notified.as_ref().map(|n| n.delivered),
            "reviewed"
        ),
        Reviewed::Failed(e) => {
            tracing::error!(target = %target, account = %account, error = %e, "account failed");
        }
        Reviewed::Skipped(why) => {
            tracing::info!(target = %target, account = %account, reason = %why, "skipped");
        }
    }
}

/// How a target reached its accounts: whose credentials sign an account's Security Hub
/// import.
enum Reach {
    /// One account, with these credentials.
    Single(Option<SharedCredentialsProvider>),
    /// The organization's accounts, each through its role.
    Member(Arc<Organization>),
}

impl Reach {
    async fn credentials(
        &self,
        account: &str,
    ) -> anyhow::Result<Option<SharedCredentialsProvider>> {
        match self {
            Reach::Single(c) => Ok(c.clone()),
            Reach::Member(org) => org.provider_for(account).await,
        }
    }
}

/// One account: the caller's own, or one through a role; and the credentials that
/// reached it.
async fn single(
    r: &Review<'_>,
    t: &Target,
    opts: &FetchOptions,
) -> anyhow::Result<(String, Fetched, Option<SharedCredentialsProvider>)> {
    let aws = r.env.aws(
        t.profile.as_deref(),
        t.region.as_deref(),
        t.endpoint_url.as_deref(),
    );
    let c = connect(&aws, t.account_id.as_deref(), t.role_name.as_deref()).await?;
    let fetched = fetch_report(&c.iam, &c.place, opts, &|_| {}).await?;
    Ok((c.account, fetched, c.credentials))
}

/// Every account of the organization, through the role.
async fn organization(
    r: &Review<'_>,
    t: &Target,
    opts: &FetchOptions,
) -> anyhow::Result<(Vec<(String, Outcome)>, Arc<Organization>)> {
    let aws = r.env.aws(
        t.profile.as_deref(),
        t.region.as_deref(),
        t.endpoint_url.as_deref(),
    );
    let (organization, members) =
        Organization::connect(&aws, t.role_name.as_deref().unwrap_or_default()).await?;
    let organization = Arc::new(organization);
    let opts = *opts;
    let results = org::fetch_all(
        members,
        usize::from(r.config.concurrency),
        |member| {
            let organization = Arc::clone(&organization);
            async move { organization.fetch(&member.id, &opts).await }
        },
        |_| {},
    )
    .await;
    Ok((
        results
            .into_iter()
            .map(|a| (a.member.id, a.outcome))
            .collect(),
        organization,
    ))
}

async fn account_review(
    r: &Review<'_>,
    history: &mut History,
    target: &Target,
    account: &str,
    fetched: &Fetched,
    reach: &Reach,
) -> anyhow::Result<AccountDone> {
    let stored = ingest(
        history,
        account,
        fetched.generated,
        &fetched.content,
        r.audit,
        Source::Review,
        Some(&target.name),
        r.env.now(),
    )?;
    let previous = history.previous_review(&stored.meta)?;
    let open = stored.meta.counts.total();
    let mut done = AccountDone {
        report_id: stored.meta.id,
        generated: stored.meta.generated,
        new_report: stored.new,
        previous: previous.as_ref().map(|p| p.id),
        new_findings: Vec::new(),
        open,
        notified: None,
        security_hub: None,
    };
    // Security Hub gets what it does not have yet, whatever was notified: an import that
    // failed is made good by the next review, the same report or not.
    if let Some(hub) = &r.config.security_hub {
        done.security_hub = Some(
            security_hub(
                r,
                history,
                hub,
                account,
                &stored.meta,
                &fetched.content,
                reach,
            )
            .await?,
        );
    }
    // The same report as the last review's: nothing is new, unless its notification
    // never got through, which is then tried again.
    if !stored.new && !history.notification_pending(stored.meta.id)? {
        return Ok(done);
    }
    let before = match &previous {
        Some(p) => history.findings(p.id)?,
        None => Vec::new(),
    };
    done.new_findings = new_findings(&before, &stored.findings);
    if let Some(n) = &r.config.notify {
        let due = due(&done.new_findings, n.min_severity.0);
        if !due.is_empty() {
            let subject = Subject {
                target: &target.name,
                report: &stored.meta,
                previous: previous.as_ref(),
                min_severity: n.min_severity.0,
                new_findings: &due,
            };
            let body = notify::body(n.format, &subject);
            let delivery = notify::send(n, &body, r.notify_backoff).await;
            history.add_notification(&Notification {
                report_id: stored.meta.id,
                at: r.env.now(),
                destination: redact(&n.webhook.0),
                findings: due.len() as u64,
                delivered: delivery.delivered,
                attempts: delivery.attempts,
                error: delivery.error.clone(),
            })?;
            done.notified = Some(delivery);
        }
    }
    Ok(done)
}

/// The account's import into Security Hub, recorded in the history (a hub that cannot
/// be reached or signed for is an import that failed, recorded as such).
async fn security_hub(
    r: &Review<'_>,
    history: &History,
    config: &super::config::SecurityHub,
    account: &str,
    report: &crate::history::ReportMeta,
    bytes: &[u8],
    reach: &Reach,
) -> anyhow::Result<ImportRecord> {
    let destination = config.destination();
    let hub = match reach.credentials(account).await {
        Ok(credentials) => config.hub(r.env, credentials).await,
        Err(e) => Err(e),
    };
    let hub = match hub {
        Ok(hub) => hub,
        Err(e) => {
            let record = ImportRecord {
                report_id: report.id,
                at: r.env.now(),
                destination,
                region: config.region.0.as_str().to_owned(),
                new: 0,
                changed: 0,
                archived: 0,
                unchanged: 0,
                failed: Vec::new(),
                calls: 0,
                error: Some(format!("{e:#}")),
            };
            history.add_import(&record)?;
            return Ok(record);
        }
    };
    import(
        history,
        &hub,
        ImportInput {
            destination: &destination,
            account,
            region: &config.region.0,
            config: r.audit,
            report: Stored {
                id: report.id,
                bytes,
                generated: report.generated,
            },
            now: r.env.now(),
            retries: config.retries,
            backoff: r.import_backoff,
        },
    )
    .await
}

/// The open findings of `current` that were not open in `previous` (the account's
/// previous review), most severe first, report order within a severity.
pub fn new_findings(previous: &[StoredFinding], current: &[StoredFinding]) -> Vec<StoredFinding> {
    let mut new = diff(previous, current).appeared;
    new.sort_by_key(|f| std::cmp::Reverse(f.severity));
    new
}

/// The new findings a notification carries: those at or above `min`.
pub fn due(new: &[StoredFinding], min: Severity) -> Vec<StoredFinding> {
    new.iter().filter(|f| f.severity >= min).cloned().collect()
}

/// The webhook as the history names it: scheme and host only (a webhook's path is often
/// its secret, as Slack's are).
pub fn redact(uri: &http::Uri) -> String {
    format!(
        "{}://{}/…",
        uri.scheme_str().unwrap_or("http"),
        uri.authority().map_or("", |a| a.as_str())
    )
}

#[cfg(test)]
mod tests {
    use credreport_audit::{CheckId, Credential, Status};

    use super::*;

    fn finding(name: &str, severity: Severity, status: Status) -> StoredFinding {
        StoredFinding {
            fingerprint: name.to_owned(),
            check: CheckId::AccessKeyUnused,
            severity,
            status,
            user: name.to_owned(),
            arn: String::new(),
            credential: Credential::User,
            age_days: None,
            message: String::new(),
        }
    }

    /// Each case: the previous review's findings, this one's, the minimum severity; the
    /// new findings (most severe first) and those notified.
    #[test]
    fn new_open_findings_are_notified_from_the_minimum_severity_most_severe_first() {
        use Severity::{Critical, High, Low, Medium};
        use Status::{Fail, NotEvaluated, Suppressed};
        type Case<'a> = (
            &'a [(&'a str, Severity, Status)],
            &'a [(&'a str, Severity, Status)],
            Severity,
            &'a [&'a str],
            &'a [&'a str],
        );
        let cases: &[Case<'_>] = &[
            (
                &[],
                &[("a", Low, Fail), ("b", Critical, Fail), ("c", High, Fail)],
                High,
                &["b", "c", "a"],
                &["b", "c"],
            ),
            (
                &[("a", Low, Fail)],
                &[("a", Low, Fail), ("b", Medium, Fail)],
                Low,
                &["b"],
                &["b"],
            ),
            // Open before and still open: not new, whatever its severity now.
            (&[("a", Low, Fail)], &[("a", Critical, Fail)], Low, &[], &[]),
            // Suppressed or undecided: never new.
            (
                &[],
                &[("s", High, Suppressed), ("n", High, NotEvaluated)],
                Low,
                &[],
                &[],
            ),
            // Suppressed before, open now: new.
            (
                &[("a", High, Suppressed)],
                &[("a", High, Fail)],
                High,
                &["a"],
                &["a"],
            ),
            (
                &[],
                &[("a", Medium, Fail), ("b", Medium, Fail)],
                Critical,
                &["a", "b"],
                &[],
            ),
        ];
        let make = |fs: &[(&str, Severity, Status)]| -> Vec<StoredFinding> {
            fs.iter()
                .map(|(n, sev, st)| finding(n, *sev, *st))
                .collect()
        };
        let names =
            |fs: &[StoredFinding]| -> Vec<String> { fs.iter().map(|f| f.user.clone()).collect() };
        for (previous, current, min, new, notified) in cases {
            let got = new_findings(&make(previous), &make(current));
            assert_eq!(names(&got), *new, "{previous:?} -> {current:?}");
            assert_eq!(
                names(&due(&got, *min)),
                *notified,
                "{previous:?} -> {current:?} at {min}"
            );
        }
    }
}
