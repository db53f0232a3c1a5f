//! What the history keeps of an audit: each finding as data (fingerprint, check,
//! severity, status, credential, age, message) in the audit's own types, and the open
//! counts by severity.

use anyhow::bail;
use credreport_audit::{
    audit, AsOfSource, CheckId, Collect, Config, Credential, Input, Severity, Status,
};
use credreport_report::Timestamp;
use serde::{Deserialize, Serialize};

/// One finding as the history keeps it: the audit's [`credreport_audit::Finding`] without
/// its row (the history keeps the report's bytes instead) and with its message written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFinding {
    /// `<check>:<resource>`: the same finding in two reports has the same fingerprint.
    pub fingerprint: String,
    /// The check.
    pub check: CheckId,
    /// After the configuration's overrides.
    pub severity: Severity,
    /// Failed, suppressed, or not evaluated.
    pub status: Status,
    /// The user name as the report has it (`<root_account>` for root).
    pub user: String,
    /// The identity's ARN.
    pub arn: String,
    /// The credential (or the user as a whole).
    pub credential: Credential,
    /// The age the check measured, in days.
    pub age_days: Option<i64>,
    /// The finding's message.
    pub message: String,
}

impl StoredFinding {
    /// Failed and not suppressed: what counts and what is notified.
    pub fn is_open(&self) -> bool {
        self.status == Status::Fail
    }

    /// `<arn>` or `<arn>#access_key_1`.
    pub fn resource(&self) -> String {
        self.credential.resource(&self.arn)
    }
}

/// Open findings by severity, most severe first (critical, high, medium, low, info).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Open findings per severity, in [`Severity::DESCENDING`] order.
    pub open: [u64; 5],
    /// Findings a suppression accepts.
    pub suppressed: u64,
    /// Credentials the report could not decide.
    pub not_evaluated: u64,
}

impl Counts {
    /// Counts of `findings`.
    pub fn of(findings: &[StoredFinding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.status {
                Status::Fail => {
                    if let Some(i) = Severity::DESCENDING.iter().position(|s| *s == f.severity) {
                        c.open[i] += 1;
                    }
                }
                Status::Suppressed => c.suppressed += 1,
                Status::NotEvaluated => c.not_evaluated += 1,
            }
        }
        c
    }

    /// Open findings of `severity`.
    pub fn get(&self, severity: Severity) -> u64 {
        Severity::DESCENDING
            .iter()
            .position(|s| *s == severity)
            .map_or(0, |i| self.open[i])
    }

    /// All open findings.
    pub fn total(&self) -> u64 {
        self.open.iter().sum()
    }
}

/// A report's audit, as the history keeps it.
#[derive(Clone, Debug)]
pub struct Audited {
    /// The account named by the report's ARNs (one, or none for an empty report).
    pub account: Option<String>,
    /// Data rows.
    pub rows: u64,
    /// Every finding, in report order.
    pub findings: Vec<StoredFinding>,
    /// The instant ages were measured to.
    pub as_of: Timestamp,
}

/// Audits a report's bytes as of `as_of` (for a stored report: its generation time, so
/// the result is what the report said when it was made). `name` is the file name for
/// messages; a report with errors is refused, naming them as `name:line:column: message`.
pub fn audit_bytes(
    name: &str,
    bytes: &[u8],
    config: &Config,
    as_of: Timestamp,
) -> anyhow::Result<Audited> {
    let mut collect = Collect::default();
    let summary = audit(
        config,
        as_of,
        AsOfSource::Given,
        vec![Input::new(name, bytes)],
        None,
        &mut collect,
    )?;
    let Some(input) = summary.inputs.first() else {
        bail!("{name}: nothing was read");
    };
    if input.error_count > 0 {
        let listed: Vec<String> = input.errors.iter().map(|e| format!("{name}:{e}")).collect();
        bail!(
            "{}\n{name}: {} error(s); a report with errors is not kept in the history",
            listed.join("\n"),
            input.error_count
        );
    }
    if input.accounts.len() > 1 {
        bail!(
            "{name}: the report names {} accounts ({}); the history keeps one account's report per entry",
            input.accounts.len(),
            input.accounts.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let findings = collect
        .findings
        .iter()
        .map(|f| StoredFinding {
            fingerprint: f.fingerprint(),
            check: f.check,
            severity: f.severity,
            status: f.status,
            user: f.user().to_owned(),
            arn: f.arn().to_owned(),
            credential: f.credential,
            age_days: f.age_days,
            message: f.message(),
        })
        .collect();
    Ok(Audited {
        account: input.accounts.iter().next().cloned(),
        rows: input.rows,
        findings,
        as_of,
    })
}
