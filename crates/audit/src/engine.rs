//! Running the checks over a stream of rows: configuration, suppressions, counts.
//!
//! The [`Auditor`] keeps no rows. For each row it runs every enabled check, turns failures
//! and not-evaluated outcomes into [`Finding`]s, hands each one to a [`Sink`] at once, and
//! keeps only fixed-size counters, so its memory does not grow with the report.

use std::collections::BTreeSet;
use std::io::{self, Read};
use std::sync::Arc;

use credreport_report::{
    is_root_arn, Column, Diagnostic, Edition, Kind, ReadError, ReportReader, Row, Timestamp,
    ROOT_USER,
};
use serde::Serialize;

use crate::check::{CheckId, Scope};
use crate::checks::{Out, Subject, Verdict, ALL};
use crate::config::{CheckSetting, Config, Suppression};
use crate::finding::{Credential, Finding, Status, SuppressionNote, SuppressionState, UserKind};
use crate::render::Sink;
use crate::stats::Stats;

/// Per check: how many credentials it evaluated and what it concluded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CheckCounts {
    /// Outcomes of any kind.
    pub evaluated: u64,
    /// Passes.
    pub passed: u64,
    /// Failures reported.
    pub failed: u64,
    /// Failures a suppression accepted.
    pub suppressed: u64,
    /// Credentials the report did not allow to evaluate.
    pub not_evaluated: u64,
}

/// How often a suppression matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SuppressionHits {
    /// Findings it suppressed.
    pub suppressed: u64,
    /// Findings it would have suppressed had it not expired.
    pub expired: u64,
}

/// Where the as-of time came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsOfSource {
    /// Given (`--as-of`).
    Given,
    /// The report's generation time.
    Generated,
    /// The clock when the audit ran (the report's generation time was not known).
    Now,
}

/// What one report file gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputSummary {
    /// The name used in messages (a path, or `<stdin>`).
    pub name: String,
    /// Its edition, if the header could be read.
    #[serde(serialize_with = "edition_name")]
    pub edition: Option<Edition>,
    /// Data rows read (rows with errors included).
    pub rows: u64,
    /// Whether it had a root row.
    pub root_row: bool,
    /// Account ids seen in its ARNs.
    pub accounts: BTreeSet<String>,
    /// Errors (`line:column: message`), at most [`MAX_LISTED_ERRORS`] of them.
    pub errors: Vec<String>,
    /// How many errors there were in all.
    pub error_count: u64,
    /// Oddities the reader accepted (`line: message`).
    pub diagnostics: Vec<String>,
}

/// At most this many errors are kept per input; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 20;

/// Everything known at the end of a run, for the renderers.
#[derive(Clone, Debug)]
pub struct Summary {
    /// The reports audited.
    pub inputs: Vec<InputSummary>,
    /// The baseline reports, when comparing.
    pub baseline: Vec<InputSummary>,
    /// Per check, in [`CheckId::ALL`] order: its setting and counts.
    pub checks: Vec<(CheckId, CheckSetting, CheckCounts)>,
    /// Every suppression and how often it matched.
    pub suppressions: Vec<(Suppression, SuppressionHits)>,
    /// Counts over the rows.
    pub stats: Stats,
    /// Findings by outcome, filled in by [`crate::render::Tally`] on the way to the
    /// renderer.
    pub tally: crate::render::TallyCounts,
    /// Remarks about the run as a whole (times later than the as-of time, stale
    /// suppressions).
    pub notes: Vec<String>,
}

impl Summary {
    /// Whether any input had errors.
    pub fn has_errors(&self) -> bool {
        self.inputs
            .iter()
            .chain(&self.baseline)
            .any(|i| i.error_count > 0)
    }
}

/// Runs the checks, row by row.
#[derive(Debug)]
pub struct Auditor<'c> {
    config: &'c Config,
    as_of: Timestamp,
    out: Out,
    counts: Vec<CheckCounts>,
    hits: Vec<SuppressionHits>,
    stats: Stats,
    future: u64,
    first_future: Option<String>,
}

impl<'c> Auditor<'c> {
    /// An auditor applying `config` as of `as_of`.
    pub fn new(config: &'c Config, as_of: Timestamp) -> Auditor<'c> {
        Auditor {
            config,
            as_of,
            out: Out::default(),
            counts: vec![CheckCounts::default(); CheckId::ALL.len()],
            hits: vec![SuppressionHits::default(); config.suppressions.len()],
            stats: Stats::default(),
            future: 0,
            first_future: None,
        }
    }

    /// The instant ages are measured to.
    pub fn as_of(&self) -> Timestamp {
        self.as_of
    }

    /// Runs every enabled check on one row; each finding goes to `emit` as it is made.
    pub fn audit_row(
        &mut self,
        row: &Row,
        source: &Arc<str>,
        line: u64,
        emit: &mut dyn FnMut(Finding) -> io::Result<()>,
    ) -> io::Result<()> {
        let root = row.is_root();
        let kind = if root {
            UserKind::Root
        } else {
            let password = row.get(Column::PasswordEnabled).and_then(|c| c.as_bool());
            self.config
                .classify(row.user(), row.arn(), password == Some(true))
        };
        self.stats
            .add(row, (!root).then_some(kind == UserKind::Human), self.as_of);
        self.note_future(row, source, line);
        let subject = Subject {
            row,
            kind,
            th: self.config.thresholds(kind),
            as_of: self.as_of,
        };
        for info in &ALL {
            let setting = self.config.check(info.id);
            let applies = match info.scope {
                Scope::Root => root,
                Scope::User => !root,
                Scope::Any => true,
            };
            if !setting.enabled || !applies {
                continue;
            }
            self.out.clear();
            (info.run)(&subject, &mut self.out);
            let counts = &mut self.counts[info.id.index()];
            for outcome in self.out.outcomes.drain(..) {
                counts.evaluated += 1;
                let status = match outcome.verdict {
                    Verdict::Pass => {
                        counts.passed += 1;
                        continue;
                    }
                    Verdict::Fail => Status::Fail,
                    Verdict::NotEvaluated => {
                        counts.not_evaluated += 1;
                        Status::NotEvaluated
                    }
                };
                let mut finding = Finding {
                    check: info.id,
                    severity: setting.severity,
                    status,
                    change: None,
                    account_id: row.account_id().map(str::to_owned),
                    user: row.user().to_owned(),
                    arn: row.arn().to_owned(),
                    user_kind: kind,
                    credential: outcome.credential,
                    resource: outcome.credential.resource(row.arn()),
                    message: outcome.message,
                    remediation: outcome.remediation,
                    age_days: outcome.age_days,
                    evidence: outcome.evidence,
                    notes: outcome.notes,
                    suppression: None,
                    source: Arc::clone(source),
                    line,
                };
                if status == Status::Fail {
                    apply_suppressions(
                        &self.config.suppressions,
                        &mut self.hits,
                        self.as_of,
                        &mut finding,
                    );
                    if finding.status == Status::Suppressed {
                        counts.suppressed += 1;
                    } else {
                        counts.failed += 1;
                    }
                }
                emit(finding)?;
            }
        }
        Ok(())
    }

    /// Reads one report and audits every row; findings go to `sink`. Read errors are kept
    /// in the returned summary (the rest of the report is still audited); only a failure
    /// to write is an `Err`.
    pub fn audit_report<R: Read>(
        &mut self,
        name: &str,
        input: R,
        sink: &mut dyn Sink,
    ) -> io::Result<InputSummary> {
        let mut summary = InputSummary {
            name: name.to_owned(),
            edition: None,
            rows: 0,
            root_row: false,
            accounts: BTreeSet::new(),
            errors: Vec::new(),
            error_count: 0,
            diagnostics: Vec::new(),
        };
        let mut reader = match ReportReader::new(input) {
            Ok(reader) => reader,
            Err(e) => {
                record_error(&mut summary, &e);
                return Ok(summary);
            }
        };
        summary.edition = Some(reader.edition());
        // The line of each row: one past the previous record, re-synchronised on errors
        // (which carry their line). Report fields cannot hold line breaks, so records are
        // one line each.
        let mut line = 1u64;
        let source: Arc<str> = Arc::from(name);
        let mut partition_arn: Option<String> = None;
        let mut emit = |f: Finding| sink.finding(f);
        loop {
            line += 1;
            match reader.next_row() {
                Ok(None) => break,
                Ok(Some(row)) => {
                    if let Some(account) = row.account_id() {
                        if !summary.accounts.contains(account) {
                            summary.accounts.insert(account.to_owned());
                        }
                    }
                    if row.is_root() {
                        summary.root_row = true;
                    } else if partition_arn.is_none() {
                        partition_arn = root_arn_for(row.arn());
                    }
                    self.audit_row(row, &source, line, &mut emit)?;
                }
                Err(e) => {
                    line = e.line.max(line);
                    record_error(&mut summary, &e);
                }
            }
        }
        let finished = reader.finish();
        summary.rows = finished.rows;
        summary.diagnostics = finished
            .diagnostics
            .iter()
            .map(Diagnostic::to_string)
            .collect();
        if !summary.root_row {
            self.missing_root(&source, partition_arn, &mut emit)?;
        }
        Ok(summary)
    }

    /// Root checks cannot be evaluated on a report without a root row: say so, rather
    /// than pass them.
    fn missing_root(
        &mut self,
        source: &Arc<str>,
        root_arn: Option<String>,
        emit: &mut dyn FnMut(Finding) -> io::Result<()>,
    ) -> io::Result<()> {
        let arn = root_arn.unwrap_or_default();
        let account = arn.split(':').nth(4).map(str::to_owned);
        for info in ALL.iter().filter(|i| i.scope == Scope::Root) {
            let setting = self.config.check(info.id);
            if !setting.enabled {
                continue;
            }
            let counts = &mut self.counts[info.id.index()];
            counts.evaluated += 1;
            counts.not_evaluated += 1;
            emit(Finding {
                check: info.id,
                severity: setting.severity,
                status: Status::NotEvaluated,
                change: None,
                account_id: account.clone().filter(|a| !a.is_empty()),
                user: ROOT_USER.to_owned(),
                arn: arn.clone(),
                user_kind: UserKind::Root,
                credential: Credential::User,
                resource: if arn.is_empty() {
                    format!("{source}#root")
                } else {
                    arn.clone()
                },
                message: "the report has no root row, so the root user's credentials cannot \
                          be evaluated"
                    .to_owned(),
                remediation: "Audit the complete report as AWS returns it (`aws iam \
                              get-credential-report`): the root row comes first."
                    .to_owned(),
                age_days: None,
                evidence: Vec::new(),
                notes: Vec::new(),
                suppression: None,
                source: Arc::clone(source),
                line: 0,
            })?;
        }
        Ok(())
    }

    fn note_future(&mut self, row: &Row, source: &str, line: u64) {
        for (column, cell) in row.cells() {
            // password_next_rotation is a deadline, in the future by design.
            if column.kind() != Kind::Timestamp || column == Column::PasswordNextRotation {
                continue;
            }
            if let Some(t) = cell.as_timestamp() {
                if t > self.as_of {
                    self.future += 1;
                    if self.first_future.is_none() {
                        self.first_future =
                            Some(format!("{source}:{line}: {column} {}", t.to_zulu()));
                    }
                }
            }
        }
    }

    /// Ends the run: counts, suppressions and remarks. `tally` is left empty for the
    /// [`crate::render::Tally`] stage to fill.
    pub fn finish(self, inputs: Vec<InputSummary>, baseline: Vec<InputSummary>) -> Summary {
        let mut notes = Vec::new();
        if let Some(first) = &self.first_future {
            notes.push(format!(
                "{} report {} later than the as-of time {} (first: {first}); their ages count \
                 as zero: pass --as-of with the report's generation time",
                self.future,
                if self.future == 1 {
                    "time is"
                } else {
                    "times are"
                },
                self.as_of.to_zulu()
            ));
        }
        for (s, hits) in self.config.suppressions.iter().zip(&self.hits) {
            if hits.suppressed == 0 && hits.expired == 0 {
                notes.push(format!(
                    "suppression {} matched no finding: remove it if it is no longer needed",
                    s.describe()
                ));
            }
        }
        Summary {
            inputs,
            baseline,
            checks: CheckId::ALL
                .iter()
                .map(|&id| (id, self.config.check(id), self.counts[id.index()]))
                .collect(),
            suppressions: self
                .config
                .suppressions
                .iter()
                .cloned()
                .zip(self.hits.iter().copied())
                .collect(),
            stats: self.stats,
            tally: Default::default(),
            notes,
        }
    }
}

fn apply_suppressions(
    suppressions: &[Suppression],
    hits: &mut [SuppressionHits],
    as_of: Timestamp,
    finding: &mut Finding,
) {
    let mut expired = None;
    for (i, s) in suppressions.iter().enumerate() {
        if !s.matches(
            finding.check,
            &finding.resource,
            &finding.user,
            finding.account_id.as_deref(),
        ) {
            continue;
        }
        let note = |state| SuppressionNote {
            state,
            reason: s.reason.clone(),
            owner: s.owner.clone(),
            expires: s.expires.to_zulu(),
        };
        if as_of <= s.expires {
            hits[i].suppressed += 1;
            finding.status = Status::Suppressed;
            finding.suppression = Some(note(SuppressionState::Active));
            return;
        }
        if expired.is_none() {
            hits[i].expired += 1;
            expired = Some((note(SuppressionState::Expired), s.expires));
        }
    }
    if let Some((note, expires)) = expired {
        finding.notes.push(format!(
            "a suppression by {} expired on {} and no longer applies (reason was: {})",
            note.owner,
            crate::config::date(expires),
            note.reason
        ));
        finding.suppression = Some(note);
    }
}

fn record_error(summary: &mut InputSummary, e: &ReadError) {
    summary.error_count += 1;
    if summary.errors.len() < MAX_LISTED_ERRORS {
        summary.errors.push(e.to_string());
    }
}

/// `arn:<partition>:iam::<account>:root` for a user ARN, if it has that shape.
fn root_arn_for(user_arn: &str) -> Option<String> {
    let mut parts = user_arn.splitn(6, ':');
    let (arn, partition, service, _region, account) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let root = format!("{arn}:{partition}:{service}::{account}:root");
    is_root_arn(&root).then_some(root)
}

fn edition_name<S: serde::Serializer>(edition: &Option<Edition>, s: S) -> Result<S::Ok, S::Error> {
    match edition {
        Some(e) => s.serialize_str(e.name()),
        None => s.serialize_none(),
    }
}
