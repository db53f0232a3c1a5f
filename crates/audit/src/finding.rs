//! What the checks produce: findings, one per credential and check.

use std::fmt;

use std::sync::Arc;

use credreport_report::{Cell, Slot};
use serde::Serialize;

use crate::check::{CheckId, Severity};

/// The credential (or the user as a whole) a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Credential {
    /// The user (or root) as a whole.
    User,
    /// The console password.
    Password,
    /// An access key slot.
    AccessKey(Slot),
    /// An X.509 signing certificate slot.
    Cert(Slot),
}

impl Credential {
    /// `user`, `password`, `access_key_1`, `access_key_2`, `cert_1`, `cert_2`.
    pub const fn name(self) -> &'static str {
        match self {
            Credential::User => "user",
            Credential::Password => "password",
            Credential::AccessKey(Slot::One) => "access_key_1",
            Credential::AccessKey(Slot::Two) => "access_key_2",
            Credential::Cert(Slot::One) => "cert_1",
            Credential::Cert(Slot::Two) => "cert_2",
        }
    }

    /// The stable resource id of this credential of the identity with `arn`:
    /// `<arn>` for the user, `<arn>#access_key_1` and so on for a credential.
    pub fn resource(self, arn: &str) -> String {
        match self {
            Credential::User => arn.to_owned(),
            other => format!("{arn}#{}", other.name()),
        }
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Credential {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// What a check concluded about one credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The check failed.
    Fail,
    /// The check failed, and a current suppression accepts it.
    Suppressed,
    /// The data needed to decide is not in the report (a legacy report without
    /// last-used columns, a sentinel where a value was needed). Not a pass.
    NotEvaluated,
}

impl Status {
    /// `fail`, `suppressed`, `not_evaluated`.
    pub const fn name(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Suppressed => "suppressed",
            Status::NotEvaluated => "not_evaluated",
        }
    }
}

/// How a finding compares with a baseline report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// In the new report only.
    New,
    /// In both reports.
    Persisting,
    /// In the baseline only: fixed, or the credential is gone.
    Resolved,
}

impl Change {
    /// `new`, `persisting`, `resolved`.
    pub const fn name(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Persisting => "persisting",
            Change::Resolved => "resolved",
        }
    }
}

/// What kind of identity a row describes; thresholds may differ between humans and
/// machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserKind {
    /// The account's root user.
    Root,
    /// A person: has a console password, or is named so in the configuration.
    Human,
    /// A workload: no console password, or named so in the configuration.
    Machine,
}

impl UserKind {
    /// `root`, `human`, `machine`.
    pub const fn name(self) -> &'static str {
        match self {
            UserKind::Root => "root",
            UserKind::Human => "human",
            UserKind::Machine => "machine",
        }
    }
}

/// One report value a finding rests on, as the report had it. Outputs write timestamps in
/// RFC 3339 UTC (`2016-11-25T14:19:48Z`) and sentinels as the report spells them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The report column.
    pub column: &'static str,
    /// Its value.
    pub value: Cell,
}

impl Evidence {
    /// The value as outputs write it.
    pub fn text(&self) -> String {
        match &self.value {
            Cell::Timestamp(t) => t.to_zulu(),
            other => other.to_string(),
        }
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Evidence", 2)?;
        st.serialize_field("column", self.column)?;
        st.serialize_field("value", &self.text())?;
        st.end()
    }
}

/// How a suppression applied to a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuppressionNote {
    /// `active` (the finding is suppressed) or `expired` (it is not, any more).
    pub state: SuppressionState,
    /// Why the finding was accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last day it applies (RFC 3339 UTC, the end of that day).
    pub expires: String,
}

/// Whether a matching suppression still applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionState {
    /// It applies: the finding is suppressed.
    Active,
    /// It expired before the audit's as-of time: the finding is reported.
    Expired,
}

/// A finding: one check's conclusion about one credential of one identity.
///
/// Serialized with its [`Finding::fingerprint`] and the check's title added, the shape
/// `schemas/findings.schema.json` describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The check.
    pub check: CheckId,
    /// Its severity (after configuration).
    pub severity: Severity,
    /// Fail, suppressed, or not evaluated.
    pub status: Status,
    /// Against a baseline: new, persisting or resolved.
    pub change: Option<Change>,
    /// The 12-digit account id from the ARN.
    pub account_id: Option<String>,
    /// The `user` value (`<root_account>` for root).
    pub user: String,
    /// The identity's ARN.
    pub arn: String,
    /// Root, human or machine.
    pub user_kind: UserKind,
    /// The credential.
    pub credential: Credential,
    /// `<arn>` or `<arn>#<credential>`: stable across reports.
    pub resource: String,
    /// What is wrong, with the real user, key and dates.
    pub message: String,
    /// What to do, with the real user and key.
    pub remediation: String,
    /// Age in whole days of what the finding measures, when it measures an age.
    pub age_days: Option<i64>,
    /// The report values the conclusion rests on.
    pub evidence: Vec<Evidence>,
    /// Caveats about the data (tracking start dates, the May 2018 gap).
    pub notes: Vec<String>,
    /// The suppression that matched, if any.
    pub suppression: Option<SuppressionNote>,
    /// The report the row came from (shared by its findings).
    pub source: Arc<str>,
    /// The line of the row in that report.
    pub line: u64,
}

impl Finding {
    /// `<check>:<resource>`: what identifies "the same finding" across two reports.
    pub fn fingerprint(&self) -> String {
        format!("{}:{}", self.check, self.resource)
    }

    /// Whether it counts against `--fail-on`: a failure not suppressed, and not a
    /// baseline finding that is resolved or was already there.
    pub fn is_open(&self) -> bool {
        self.status == Status::Fail && matches!(self.change, None | Some(Change::New))
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 21)?;
        st.serialize_field("fingerprint", &self.fingerprint())?;
        st.serialize_field("check", &self.check)?;
        st.serialize_field("title", self.check.info().title)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("change", &self.change)?;
        st.serialize_field("account_id", &self.account_id)?;
        st.serialize_field("user", &self.user)?;
        st.serialize_field("arn", &self.arn)?;
        st.serialize_field("user_kind", &self.user_kind)?;
        st.serialize_field("credential", &self.credential)?;
        st.serialize_field("resource", &self.resource)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("remediation", &self.remediation)?;
        st.serialize_field("age_days", &self.age_days)?;
        st.serialize_field("evidence", &self.evidence)?;
        st.serialize_field("notes", &self.notes)?;
        st.serialize_field("suppression", &self.suppression)?;
        st.serialize_field("source", &*self.source)?;
        st.serialize_field("line", &self.line)?;
        st.end()
    }
}
