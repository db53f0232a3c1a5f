//! The audit the console shows: the stored credential report audited as `credreport
//! audit` audits it, joined with the account's authorization details (each principal's
//! privilege, and `role-unused`) and last-accessed data (`permissions-unused`) as far as
//! the signed-in caller may read them (GetCredentialReport, GetAccountAuthorizationDetails,
//! GenerateServiceLastAccessedDetails on each user and role, as AWS's console needs them).
//! What is refused is left out and named: privilege is then `unknown`, as in a
//! report-only audit.
//!
//! The Credential report page and the user and role pages share it. It is kept per account
//! and used again, without reading the account, while (1) the stored report is the same
//! (its generation time), (2) no change was made to the account through this server since
//! it was made ([`crate::changes::Changes`]: every API action that may change something and every console
//! form bumps it, so a policy changed in the console shows on the next page), (3) it is
//! younger than [`FRESH_SECS`] (for changes made elsewhere: another instance on the same
//! store, the command line; and for new use, which IAM itself reports hours late), and
//! (4) the caller may read what it was made of, no more and no less.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use credreport_audit::{
    audit_with, AccountData, AsOfSource, Collect, Config, Finding, Input, Status, Summary,
};
use credreport_iam::{AccountId, Error};
use credreport_privilege::{Analysis, PrincipalPrivilege};
use credreport_report::Timestamp;

use super::PageError;
use crate::ops::{Action, OpError, OpResult, Ops, Resource};

/// Accounts whose audit is kept (one of 5,000 users, most of them allowed hundreds of
/// services, holds its `permissions-unused` findings' facts: about a million services).
const KEPT: usize = 8;
/// How long, in seconds, a kept audit is used at most.
pub(crate) const FRESH_SECS: i64 = 300;

/// Something the caller read, or the action its policies refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Known<T> {
    /// Read.
    Read(T),
    /// Refused: the caller needs this action.
    Denied(Action),
}

impl<T> Known<T> {
    /// An operation's answer; a refusal is known, any other error fails the page.
    fn of(answer: OpResult<T>) -> Result<Known<T>, PageError> {
        match answer {
            Ok(t) => Ok(Known::Read(t)),
            Err(OpError::Denied { action, .. }) => Ok(Known::Denied(action)),
            Err(e) => Err(e.into()),
        }
    }

    fn read(self) -> Option<T> {
        match self {
            Known::Read(t) => Some(t),
            Known::Denied(_) => None,
        }
    }

    fn is_read(&self) -> bool {
        matches!(self, Known::Read(_))
    }

    /// The same knowledge, without what was read.
    fn state(&self) -> Known<()> {
        match self {
            Known::Read(_) => Known::Read(()),
            Known::Denied(a) => Known::Denied(*a),
        }
    }
}

/// A stored report, audited.
#[derive(Debug)]
pub(crate) struct ReportView {
    /// When the report was generated: the audit's as-of time.
    pub(crate) generated: Timestamp,
    pub(crate) summary: Summary,
    /// The failing findings, in the audit's order: most severe, then most privileged.
    pub(crate) findings: Vec<Finding<'static>>,
    /// The charts of the summary, as inline SVG.
    pub(crate) charts: String,
}

/// The account's audit as one caller may see it.
#[derive(Debug)]
pub(crate) struct AccountAudit {
    /// When it was made, and the account's count of changes then.
    made: (Timestamp, u64),
    /// Whether the stored report could be read, and when it was generated.
    report_state: Known<Option<Timestamp>>,
    details: Known<()>,
    /// Read for the principals of the details (refused with them).
    last_accessed: Known<()>,
    /// The users and roles of the details, whose last-accessed data was asked for.
    principals: Vec<String>,
    /// The privilege analysis (the rest of the `AccountData`, each principal's services
    /// and their use, is dropped once the report is audited: at 5,000 users it is over a
    /// million services).
    analysis: Analysis,
    /// `None` while there is no stored report (or the caller may not read it).
    pub(crate) report: Option<ReportView>,
}

impl AccountAudit {
    /// Whether the stored report could be read, and when it was generated.
    pub(crate) fn report_state(&self) -> &Known<Option<Timestamp>> {
        &self.report_state
    }

    /// The action the caller needs for privilege, when it was refused.
    pub(crate) fn privilege_refused(&self) -> Option<Action> {
        match self.details {
            Known::Denied(a) => Some(a),
            Known::Read(_) => None,
        }
    }

    /// The action the caller needs for unused permissions, when it was refused.
    pub(crate) fn last_accessed_refused(&self) -> Option<Action> {
        match self.last_accessed {
            Known::Denied(a) => Some(a),
            Known::Read(_) => None,
        }
    }

    /// The privilege analysis's result for a user or role (`None`: not analysed, see
    /// [`AccountAudit::notes`]).
    pub(crate) fn privilege(&self, arn: &str) -> Option<&PrincipalPrivilege> {
        self.analysis.get(arn)
    }

    /// What the analysis could not read, once each.
    pub(crate) fn notes(&self) -> &[String] {
        self.analysis.notes()
    }

    /// The open findings about the user or role `arn`, in the audit's order.
    pub(crate) fn findings_of<'a>(
        &'a self,
        arn: &'a str,
    ) -> impl Iterator<Item = &'a Finding<'static>> + 'a {
        self.report
            .iter()
            .flat_map(|r| r.findings.iter())
            .filter(move |f| f.arn() == arn)
    }
}

/// The audits, by account (the latest of each).
#[derive(Debug, Default)]
pub(crate) struct Audits(Mutex<HashMap<AccountId, Arc<AccountAudit>>>);

impl Audits {
    /// The account's audit as `ops`'s caller may see it: the kept one while it holds (see
    /// the module's documentation), else a new one (kept in its place). `changes` is the
    /// account's count of changes now.
    pub(crate) fn get(&self, ops: &Ops<'_>, changes: u64) -> Result<Arc<AccountAudit>, PageError> {
        let account = ops.account();
        let now = ops.context().time();
        let report_state = Known::of(ops.credential_report_generated())?;
        let kept = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account)
            .cloned();
        if let Some(a) = kept {
            let (at, count) = a.made;
            let age = now.secs_since(at);
            if a.report_state == report_state
                && count == changes
                && (0..FRESH_SECS).contains(&age)
                && a.readable_by(ops)
            {
                return Ok(a);
            }
        }
        let audit = Arc::new(AccountAudit::make(ops, report_state, (now, changes))?);
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= KEPT && !map.contains_key(account) {
            map.clear();
        }
        map.insert(account.clone(), Arc::clone(&audit));
        Ok(audit)
    }
}

impl AccountAudit {
    /// Reads the authorization details and last-accessed data `ops`'s caller may read,
    /// analyses them, and audits the stored report (when `report_state` has one).
    fn make(
        ops: &Ops<'_>,
        mut report_state: Known<Option<Timestamp>>,
        made: (Timestamp, u64),
    ) -> Result<AccountAudit, PageError> {
        let details = Known::of(ops.privilege_details())?;
        let last_accessed = match &details {
            Known::Read(d) => Known::of(ops.principals_last_accessed(d))?,
            Known::Denied(action) => Known::Denied(*action),
        };
        let principals = match &details {
            Known::Read(d) => d
                .users
                .iter()
                .map(|u| u.arn.clone())
                .chain(d.roles.iter().map(|r| r.arn.clone()))
                .collect(),
            Known::Denied(_) => Vec::new(),
        };
        let (details_state, last_accessed_state) = (details.state(), last_accessed.state());
        let data = AccountData::new(details.read(), last_accessed.read());
        let report = match report_state {
            Known::Read(Some(_)) => {
                let view = audit_report(ops, &data)?;
                // A build may have finished since: the audit is of what was read.
                report_state = Known::Read(Some(view.generated));
                Some(view)
            }
            _ => None,
        };
        Ok(AccountAudit {
            made,
            report_state,
            details: details_state,
            last_accessed: last_accessed_state,
            principals,
            analysis: data.analysis().clone(),
            report,
        })
    }

    /// Whether `ops`'s caller may read exactly what it was made of: the authorization
    /// details, and the last-accessed data of every principal (or, if it was refused, not
    /// of every one). A question, not a use: nothing is recorded.
    fn readable_by(&self, ops: &Ops<'_>) -> bool {
        let details = ops.may(Action::GetAccountAuthorizationDetails, &Resource::Any);
        if details != self.details.is_read() {
            return false;
        }
        !details
            || self.principals.iter().all(|arn| {
                ops.may(
                    Action::GenerateServiceLastAccessedDetails,
                    &Resource::given(arn),
                )
            }) == self.last_accessed.is_read()
    }
}

/// `credreport audit` with its defaults on the stored report, as of its generation,
/// knowing `data`.
fn audit_report(ops: &Ops<'_>, data: &AccountData) -> Result<ReportView, PageError> {
    let report = ops.credential_report()?;
    let mut found = Collect::default();
    let inputs = vec![Input::new("credential report", report.content.as_slice())];
    let summary = audit_with(
        &Config::default(),
        report.generated,
        AsOfSource::Generated,
        inputs,
        None,
        Some(data),
        &mut found,
    )
    .map_err(|e| Error::internal(format!("auditing the stored report: {e}")))?;
    let mut findings = found.findings;
    findings.retain(|f| f.status == Status::Fail);
    findings.sort_by_key(Finding::priority);
    Ok(ReportView {
        generated: report.generated,
        charts: credreport_audit::render::charts(&summary),
        summary,
        findings,
    })
}
