//! What the checks produce: findings, one per credential and check.

use std::fmt;

use std::sync::Arc;

use credreport_report::{Cell, Column, Row, Sentinel, Slot, Timestamp, ROOT_USER};
use serde::{Deserialize, Serialize};

use crate::check::{CheckId, Run, Severity};
use crate::checks::{Out, PrincipalFacts, PrincipalSubject, Subject};
use crate::config::Thresholds;
use crate::priority::{adjusted, privilege_name, Priority, Privilege};

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

    /// Every credential, in the order of their names above.
    pub const ALL: [Credential; 6] = [
        Credential::User,
        Credential::Password,
        Credential::AccessKey(Slot::One),
        Credential::AccessKey(Slot::Two),
        Credential::Cert(Slot::One),
        Credential::Cert(Slot::Two),
    ];

    /// The credential with this name ([`Credential::name`]).
    pub fn from_name(name: &str) -> Option<Credential> {
        Credential::ALL.into_iter().find(|c| c.name() == name)
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

/// A name as [`Credential::name`] writes it; any other text is an error naming it.
impl<'de> Deserialize<'de> for Credential {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Credential, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Credential::from_name(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a credential")))
    }
}

/// What a check concluded about one credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// The status with this name ([`Status::name`]).
    pub fn from_name(name: &str) -> Option<Status> {
        [Status::Fail, Status::Suppressed, Status::NotEvaluated]
            .into_iter()
            .find(|s| s.name() == name)
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evidence<'a> {
    /// The report column.
    pub column: &'static str,
    /// Its value.
    pub value: &'a Cell,
}

impl Evidence<'_> {
    /// The value as outputs write it.
    pub fn text(&self) -> String {
        cell_text(self.value, str::to_owned)
    }
}

/// Calls `f` with a cell's value as outputs write it (timestamps as `…Z`), without
/// allocating.
pub(crate) fn cell_text<R>(cell: &Cell, f: impl FnOnce(&str) -> R) -> R {
    match cell {
        Cell::Timestamp(t) => {
            let bytes = t.to_zulu_bytes();
            f(std::str::from_utf8(&bytes).unwrap_or_default())
        }
        Cell::Text(s) => f(s),
        Cell::Bool(true) => f("true"),
        Cell::Bool(false) => f("false"),
        other => f(other.sentinel().map_or("", Sentinel::token)),
    }
}

impl Serialize for Evidence<'_> {
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

impl SuppressionNote {
    /// `reason (owner someone@example.com, until 2019-01-01)`: why, who, and the last day.
    pub fn describe(&self) -> String {
        format!(
            "{} (owner {}, until {})",
            self.reason,
            self.owner,
            self.expires.get(..10).unwrap_or(&self.expires)
        )
    }
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

/// The words of a finding: made from its data when a renderer asks
/// ([`Finding::text`]), never by the auditor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingText {
    /// What is wrong, with the real user, key and dates.
    pub message: String,
    /// What to do, with the real user and key (empty when there is nothing to do).
    pub remediation: String,
    /// The report columns the conclusion rests on, in order; their values are in the
    /// finding's row ([`Finding::evidence_in`]).
    pub evidence: Vec<Column>,
    /// Caveats about the data (tracking start dates, the May 2018 gap, an expired
    /// suppression).
    pub notes: Vec<String>,
}

impl FindingText {
    /// Empties it, keeping its buffers for the next finding.
    pub fn clear(&mut self) {
        self.message.clear();
        self.remediation.clear();
        self.evidence.clear();
        self.notes.clear();
    }
}

/// The row a finding is about: borrowed from the reader while the finding is on its way
/// to the sink, shared (and kept alive) once a sink keeps the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RowRef<'r> {
    Borrowed(&'r Row),
    Shared(Arc<Row>),
}

/// A finding: one check's conclusion about one credential of one identity.
///
/// A finding carries data, not text: the check, the credential, the outcome, the age it
/// measured, and the row it is about (borrowed from the reader while the finding is on its
/// way, so making one allocates nothing). Its message, fix, evidence and notes are written
/// from that data only when asked for ([`Finding::text`]): by running its check again on
/// the row, in a mode that writes the words of this one outcome. A sink that keeps findings
/// past the row they came from keeps [`Finding::into_owned`] copies, which share one copy
/// of their row.
///
/// Serialized with its [`Finding::fingerprint`] and the check's title added, the shape
/// `schemas/findings.schema.json` describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding<'r> {
    /// The check.
    pub check: CheckId,
    /// Its severity: the base severity moved by the principal's privilege (one level up
    /// for an administrator, one down for a principal that may do nothing).
    pub severity: Severity,
    /// The check's own severity (after configuration), before privilege.
    pub base_severity: Severity,
    /// The privilege of the user or role it is about; `None`: unknown (no authorization
    /// data, or the principal is not in it).
    pub privilege: Option<Privilege>,
    /// Why the principal has that privilege (shared by the principal's findings).
    pub privilege_reason: Option<Arc<str>>,
    /// Fail, suppressed, or not evaluated.
    pub status: Status,
    /// Against a baseline: new, persisting or resolved.
    pub change: Option<Change>,
    /// Root, human or machine.
    pub user_kind: UserKind,
    /// The credential.
    pub credential: Credential,
    /// Age in whole days of what the finding measures, when it measures an age.
    pub age_days: Option<i64>,
    /// The suppression that matched, if any.
    pub suppression: Option<SuppressionNote>,
    /// The report the row came from (shared by its findings).
    pub source: Arc<str>,
    /// The line of the row in that report.
    pub line: u64,
    row: RowRef<'r>,
    /// Where the account id starts in the ARN (it is 12 digits long).
    account_at: Option<u32>,
    as_of: Timestamp,
    th: Thresholds,
    origin: Origin,
}

/// Where a finding's words come from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Origin {
    /// Its check, run again on its row.
    Check,
    /// The report has no root row (the row is a stand-in with the root's name and ARN).
    MissingRoot,
    /// A check of a principal from the authorization details or last-accessed data (the
    /// row is a stand-in with its name and ARN), run again on these facts.
    Principal(Arc<PrincipalFacts>),
}

/// What is known of a principal's privilege, for its findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Standing {
    pub privilege: Option<Privilege>,
    pub reason: Option<Arc<str>>,
}

const MISSING_ROOT_MESSAGE: &str =
    "the report has no root row, so the root user's credentials cannot be evaluated";
const MISSING_ROOT_FIX: &str = "Audit the complete report as AWS returns it (`aws iam \
                                get-credential-report`): the root row comes first.";

impl<'r> Finding<'r> {
    /// A finding about `row` (its account id at `account_at` in its ARN), by the check
    /// that ran with `th` as of `as_of`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        check: CheckId,
        severity: Severity,
        standing: &Standing,
        status: Status,
        user_kind: UserKind,
        credential: Credential,
        age_days: Option<i64>,
        row: &'r Row,
        account_at: Option<u32>,
        th: Thresholds,
        as_of: Timestamp,
        source: &Arc<str>,
        line: u64,
    ) -> Finding<'r> {
        Finding {
            check,
            severity: adjusted(severity, standing.privilege),
            base_severity: severity,
            privilege: standing.privilege,
            privilege_reason: standing.reason.clone(),
            status,
            change: None,
            user_kind,
            credential,
            age_days,
            suppression: None,
            source: Arc::clone(source),
            line,
            row: RowRef::Borrowed(row),
            account_at,
            as_of,
            th,
            origin: Origin::Check,
        }
    }

    /// A root check that could not run: the report has no root row. `arn` is the root
    /// ARN guessed from the users' ARNs, or empty.
    pub(crate) fn missing_root(
        check: CheckId,
        severity: Severity,
        standing: &Standing,
        arn: &str,
        as_of: Timestamp,
        source: &Arc<str>,
    ) -> Finding<'static> {
        let row = Row::new(credreport_report::Edition::Current)
            .with(Column::User, Cell::text(ROOT_USER))
            .with(Column::Arn, Cell::text(arn));
        let account_at = account_at(&row);
        Finding {
            check,
            severity: adjusted(severity, standing.privilege),
            base_severity: severity,
            privilege: standing.privilege,
            privilege_reason: standing.reason.clone(),
            status: Status::NotEvaluated,
            change: None,
            user_kind: UserKind::Root,
            credential: Credential::User,
            age_days: None,
            suppression: None,
            source: Arc::clone(source),
            line: 0,
            row: RowRef::Shared(Arc::new(row)),
            account_at,
            as_of,
            th: Thresholds::default(),
            origin: Origin::MissingRoot,
        }
    }

    /// A finding of a principal check: about a user or role of the authorization details
    /// (or last-accessed data) named `name`, from `facts`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn principal(
        check: CheckId,
        severity: Severity,
        standing: &Standing,
        status: Status,
        user_kind: UserKind,
        age_days: Option<i64>,
        facts: Arc<PrincipalFacts>,
        th: Thresholds,
        as_of: Timestamp,
        source: &Arc<str>,
    ) -> Finding<'static> {
        let mut row = Row::new(credreport_report::Edition::Current)
            .with(Column::User, Cell::text(facts.name.as_str()))
            .with(Column::Arn, Cell::text(facts.arn.as_str()));
        if let Some(created) = facts.created {
            row.set(Column::UserCreationTime, Cell::Timestamp(created));
        }
        let account_at = account_at(&row);
        Finding {
            check,
            severity: adjusted(severity, standing.privilege),
            base_severity: severity,
            privilege: standing.privilege,
            privilege_reason: standing.reason.clone(),
            status,
            change: None,
            user_kind,
            credential: Credential::User,
            age_days,
            suppression: None,
            source: Arc::clone(source),
            line: 0,
            row: RowRef::Shared(Arc::new(row)),
            account_at,
            as_of,
            th,
            origin: Origin::Principal(facts),
        }
    }

    /// `unknown`, or the principal's privilege (`admin`, `write`, `read`, `none`).
    pub fn privilege_name(&self) -> &'static str {
        privilege_name(self.privilege)
    }

    /// Where it goes among the others: most severe first, then most privileged.
    pub fn priority(&self) -> Priority {
        Priority {
            severity: self.severity,
            privilege: self.privilege,
        }
    }

    /// The row the finding is about (for a report without a root row, a stand-in with
    /// only the root's name and ARN).
    pub fn row(&self) -> &Row {
        match &self.row {
            RowRef::Borrowed(row) => row,
            RowRef::Shared(row) => row,
        }
    }

    /// The `user` value (`<root_account>` for root).
    pub fn user(&self) -> &str {
        self.row().user()
    }

    /// The identity's ARN.
    pub fn arn(&self) -> &str {
        self.row().arn()
    }

    /// The 12-digit account id from the ARN.
    pub fn account_id(&self) -> Option<&str> {
        let at = self.account_at? as usize;
        self.arn().get(at..at + 12)
    }

    /// `<arn>` or `<arn>#<credential>`: stable across reports.
    pub fn resource(&self) -> Resource<'_> {
        Resource(self)
    }

    /// `report.csv:7`: the report and the line of the row; the source alone for a
    /// finding with no row (a report without a root row, a principal check).
    pub fn location(&self) -> String {
        if self.line == 0 {
            return self.source.to_string();
        }
        format!("{}:{}", self.source, self.line)
    }

    /// `<check>:<resource>`: what identifies "the same finding" across two reports.
    pub fn fingerprint(&self) -> String {
        format!("{}:{}", self.check, self.resource())
    }

    /// Whether it counts against `--fail-on`: a failure not suppressed, and not a
    /// baseline finding that is resolved or was already there.
    pub fn is_open(&self) -> bool {
        self.status == Status::Fail && matches!(self.change, None | Some(Change::New))
    }

    /// Its message, fix, evidence and notes.
    pub fn text(&self) -> FindingText {
        let mut text = FindingText::default();
        self.text_into(&mut text);
        text
    }

    /// [`Finding::text`] into `text` (emptied first), reusing its buffers.
    pub fn text_into(&self, text: &mut FindingText) {
        text.clear();
        match (&self.origin, &self.check.info().run) {
            (Origin::MissingRoot, _) => {
                text.message.push_str(MISSING_ROOT_MESSAGE);
                text.remediation.push_str(MISSING_ROOT_FIX);
            }
            (Origin::Check, Run::Row(run)) => {
                let subject = Subject {
                    row: self.row(),
                    kind: self.user_kind,
                    th: &self.th,
                    as_of: self.as_of,
                };
                let mut out = Out::text(self.credential, text);
                run(&subject, &mut out);
                debug_assert!(!text.message.is_empty(), "{self:?}: no text");
            }
            (Origin::Principal(facts), Run::Principal(run)) => {
                let subject = PrincipalSubject {
                    facts,
                    th: &self.th,
                    as_of: self.as_of,
                };
                let mut out = Out::text(self.credential, text);
                run(&subject, &mut out);
                debug_assert!(!text.message.is_empty(), "{self:?}: no text");
            }
            // A finding's origin always matches its check's kind.
            (Origin::Check, Run::Principal(_)) | (Origin::Principal(_), Run::Row(_)) => {}
        }
        if let (Some(privilege), Some(reason)) = (self.privilege, &self.privilege_reason) {
            text.notes.push(format!("privilege {privilege}: {reason}"));
        }
        if let Some(s) = &self.suppression {
            if s.state == SuppressionState::Expired {
                text.notes.push(format!(
                    "a suppression by {} expired on {} and no longer applies (reason was: {})",
                    s.owner,
                    s.expires.get(..10).unwrap_or(&s.expires),
                    s.reason
                ));
            }
        }
    }

    /// What is wrong, with the real user, key and dates.
    pub fn message(&self) -> String {
        self.text().message
    }

    /// What to do, with the real user and key.
    pub fn remediation(&self) -> String {
        self.text().remediation
    }

    /// Caveats about the data (tracking start dates, the May 2018 gap, an expired
    /// suppression).
    pub fn notes(&self) -> Vec<String> {
        self.text().notes
    }

    /// The report values the conclusion rests on.
    pub fn evidence(&self) -> Vec<Evidence<'_>> {
        let text = self.text();
        text.evidence
            .iter()
            .filter_map(|&c| self.value(c))
            .collect()
    }

    fn value(&self, column: Column) -> Option<Evidence<'_>> {
        self.row().get(column).map(|value| Evidence {
            column: column.name(),
            value,
        })
    }

    /// The values of `text`'s evidence columns (`text` being this finding's).
    pub fn evidence_in<'a>(
        &'a self,
        text: &'a FindingText,
    ) -> impl Iterator<Item = Evidence<'a>> + 'a {
        text.evidence
            .iter()
            .filter_map(move |&column| self.value(column))
    }

    /// The same finding, keeping a copy of its row: for sinks that keep findings past
    /// the row they came from.
    pub fn into_owned(self) -> Finding<'static> {
        self.into_owned_after(None)
    }

    /// [`Finding::into_owned`], sharing the row of `previous` (the finding kept before
    /// this one) when it is the same row: a row's findings come one after the other.
    pub fn into_owned_after(self, previous: Option<&Finding<'static>>) -> Finding<'static> {
        let row = match self.row {
            RowRef::Shared(row) => row,
            RowRef::Borrowed(row) => match previous.map(|p| &p.row) {
                Some(RowRef::Shared(p)) if **p == *row => Arc::clone(p),
                _ => Arc::new(row.clone()),
            },
        };
        Finding {
            check: self.check,
            severity: self.severity,
            base_severity: self.base_severity,
            privilege: self.privilege,
            privilege_reason: self.privilege_reason,
            status: self.status,
            change: self.change,
            user_kind: self.user_kind,
            credential: self.credential,
            age_days: self.age_days,
            suppression: self.suppression,
            source: self.source,
            line: self.line,
            row: RowRef::Shared(row),
            account_at: self.account_at,
            as_of: self.as_of,
            th: self.th,
            origin: self.origin,
        }
    }
}

/// Where [`Row::account_id`] starts in the row's ARN.
pub(crate) fn account_at(row: &Row) -> Option<u32> {
    let account = row.account_id()?;
    let at = account.as_ptr() as usize - row.arn().as_ptr() as usize;
    u32::try_from(at).ok()
}

/// A finding's resource id, written when displayed: `<arn>`, `<arn>#<credential>`, or
/// `<report>#root` for the root of a report without a root row and without user ARNs.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'a>(&'a Finding<'a>);

impl fmt::Display for Resource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let finding = self.0;
        let arn = finding.arn();
        if matches!(finding.origin, Origin::MissingRoot) && arn.is_empty() {
            return write!(f, "{}#root", finding.source);
        }
        f.write_str(arn)?;
        match finding.credential {
            Credential::User => Ok(()),
            other => write!(f, "#{}", other.name()),
        }
    }
}

impl Serialize for Finding<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let text = self.text();
        let evidence: Vec<Evidence<'_>> = self.evidence_in(&text).collect();
        let mut st = s.serialize_struct("Finding", 23)?;
        st.serialize_field("fingerprint", &self.fingerprint())?;
        st.serialize_field("check", &self.check)?;
        st.serialize_field("title", self.check.info().title)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("base_severity", &self.base_severity)?;
        st.serialize_field("privilege", self.privilege_name())?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("change", &self.change)?;
        st.serialize_field("account_id", &self.account_id())?;
        st.serialize_field("user", self.user())?;
        st.serialize_field("arn", self.arn())?;
        st.serialize_field("user_kind", &self.user_kind)?;
        st.serialize_field("credential", &self.credential)?;
        st.serialize_field("resource", &self.resource().to_string())?;
        st.serialize_field("message", &text.message)?;
        st.serialize_field("remediation", &text.remediation)?;
        st.serialize_field("age_days", &self.age_days)?;
        st.serialize_field("evidence", &evidence)?;
        st.serialize_field("notes", &text.notes)?;
        st.serialize_field("suppression", &self.suppression)?;
        st.serialize_field("source", &*self.source)?;
        st.serialize_field("line", &self.line)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::{Credential, Status};
    use crate::{CheckId, Severity};

    /// What the history and the remediation plan store as text reads back as the same
    /// value, and nothing else does.
    #[test]
    fn names_read_back_as_what_wrote_them() {
        fn check<T>(all: &[T], name: fn(&T) -> String, from: fn(&str) -> Option<T>)
        where
            T: PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
        {
            for v in all {
                assert_eq!(from(&name(v)).as_ref(), Some(v));
                let json = serde_json::to_string(v).expect("serialize");
                assert_eq!(json, format!("\"{}\"", name(v)));
                assert_eq!(&serde_json::from_str::<T>(&json).expect("deserialize"), v);
            }
            assert_eq!(from("no-such-name"), None);
            assert!(serde_json::from_str::<T>("\"no-such-name\"").is_err());
        }
        check(&CheckId::ALL, |c| c.as_str().to_owned(), CheckId::from_name);
        check(
            &Credential::ALL,
            |c| c.name().to_owned(),
            Credential::from_name,
        );
        check(
            &[Status::Fail, Status::Suppressed, Status::NotEvaluated],
            |s| s.name().to_owned(),
            Status::from_name,
        );
        check(
            &Severity::DESCENDING,
            |s| s.name().to_owned(),
            Severity::from_name,
        );
    }
}
