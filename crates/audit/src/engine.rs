//! Running the checks over a stream of rows: configuration, suppressions, counts.
//!
//! The [`Auditor`] keeps no rows. For each row it runs every enabled check, turns failures
//! and not-evaluated outcomes into [`Finding`]s, hands each one to a [`Sink`] at once, and
//! keeps only fixed-size counters, so its memory does not grow with the report.
//!
//! Making a finding allocates nothing: it borrows the row and carries the outcome's data;
//! its words are written only if a renderer asks ([`Finding::text`]). A row without
//! findings costs the checks' comparisons and nothing else.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Read};
use std::sync::Arc;

use credreport_report::{
    is_root_arn, Column, Diagnostic, Edition, Kind, ReadError, ReportReader, Row, Timestamp,
};
use serde::Serialize;

use std::collections::HashMap;

use crate::account_data::AccountData;
use crate::check::{CheckId, Run, Scope};
use crate::checks::principal::PrincipalKind;
use crate::checks::{Out, PrincipalFacts, PrincipalSubject, Subject, Verdict, ALL};
use crate::config::{CheckSetting, Config, Suppression};
use crate::finding::{
    account_at, Finding, Standing, Status, SuppressionNote, SuppressionState, UserKind,
};
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
    /// Authorization details and last-accessed data, when the audit has them.
    data: Option<&'c AccountData>,
    /// With last-accessed data: the kind of each user row seen, by ARN (for the
    /// thresholds of `permissions-unused`).
    kinds: HashMap<String, UserKind>,
    as_of: Timestamp,
    out: Out<'static>,
    /// Per check: whether a suppression for it matches on the resource (which is then
    /// written into `resource` for the match).
    resource_globs: [bool; CheckId::ALL.len()],
    resource: String,
    counts: Vec<CheckCounts>,
    hits: Vec<SuppressionHits>,
    stats: Stats,
    future: u64,
    first_future: Option<String>,
}

impl<'c> Auditor<'c> {
    /// An auditor applying `config` as of `as_of`.
    pub fn new(config: &'c Config, as_of: Timestamp) -> Auditor<'c> {
        Auditor::with_data(config, as_of, None)
    }

    /// An auditor that also knows the accounts' authorization details and last-accessed
    /// data: findings carry their principal's privilege, and the principal checks run
    /// ([`Auditor::audit_principals`]).
    pub fn with_data(
        config: &'c Config,
        as_of: Timestamp,
        data: Option<&'c AccountData>,
    ) -> Auditor<'c> {
        Auditor {
            config,
            data,
            kinds: HashMap::new(),
            as_of,
            out: Out::default(),
            resource_globs: CheckId::ALL.map(|id| {
                config
                    .suppressions
                    .iter()
                    .any(|s| s.resource.is_some() && s.check.is_none_or(|c| c == id))
            }),
            resource: String::new(),
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
        emit: &mut dyn FnMut(Finding<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.audit_row_at(row, row.is_root(), account_at(row), source, line, emit)
    }

    /// [`Auditor::audit_row`], with what the caller already knows of the row's ARN:
    /// whether it is root's, and where its account id starts.
    fn audit_row_at(
        &mut self,
        row: &Row,
        root: bool,
        account_at: Option<u32>,
        source: &Arc<str>,
        line: u64,
        emit: &mut dyn FnMut(Finding<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let kind = if root {
            UserKind::Root
        } else {
            let password = row.get(Column::PasswordEnabled).and_then(|c| c.as_bool());
            self.config
                .classify(row.user(), row.arn(), password == Some(true))
        };
        self.stats
            .add(row, (!root).then_some(kind == UserKind::Human), self.as_of);
        let standing = match self.data {
            Some(data) => {
                if !root && !data.accessed().is_empty() {
                    self.kinds.insert(row.arn().to_owned(), kind);
                }
                data.standing(row.arn(), root)
            }
            None => Standing::default(),
        };
        self.note_future(row, source, line);
        let config = self.config;
        let th = config.thresholds(kind);
        let subject = Subject {
            row,
            kind,
            th,
            as_of: self.as_of,
        };
        for info in &ALL {
            let setting = config.check(info.id);
            let applies = match info.scope {
                Scope::Root => root,
                Scope::User => !root,
                Scope::Any => true,
                Scope::Principal => false,
            };
            let Run::Row(run) = info.run else {
                continue;
            };
            if !setting.enabled || !applies {
                continue;
            }
            self.out.clear();
            run(&subject, &mut self.out);
            let counts = &mut self.counts[info.id.index()];
            for outcome in &self.out.outcomes {
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
                let mut finding = Finding::new(
                    info.id,
                    setting.severity,
                    &standing,
                    status,
                    kind,
                    outcome.credential,
                    outcome.age_days,
                    row,
                    account_at,
                    *th,
                    self.as_of,
                    source,
                    line,
                );
                if status == Status::Fail {
                    let resource = if self.resource_globs[info.id.index()] {
                        self.resource.clear();
                        let _ = write!(self.resource, "{}", finding.resource());
                        self.resource.as_str()
                    } else {
                        // No suppression of this check looks at the resource.
                        ""
                    };
                    apply_suppressions(
                        &config.suppressions,
                        &mut self.hits,
                        self.as_of,
                        resource,
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
        let mut emit = |f: Finding<'_>| sink.finding(f);
        loop {
            line += 1;
            match reader.next_row() {
                Ok(None) => break,
                Ok(Some(row)) => {
                    let account_at = account_at(row);
                    let root = root_at(row.arn(), account_at);
                    debug_assert_eq!(root, row.is_root(), "{}", row.arn());
                    if let Some(at) = account_at {
                        let account = &row.arn()[at as usize..at as usize + 12];
                        if !summary.accounts.contains(account) {
                            summary.accounts.insert(account.to_owned());
                        }
                    }
                    if root {
                        summary.root_row = true;
                    } else if partition_arn.is_none() {
                        partition_arn = root_arn_for(row.arn());
                    }
                    self.audit_row_at(row, root, account_at, &source, line, &mut emit)?;
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
        emit: &mut dyn FnMut(Finding<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let arn = root_arn.unwrap_or_default();
        let standing = self
            .data
            .map(|d| d.standing(&arn, true))
            .unwrap_or_default();
        for info in ALL.iter().filter(|i| i.scope == Scope::Root) {
            let setting = self.config.check(info.id);
            if !setting.enabled {
                continue;
            }
            let counts = &mut self.counts[info.id.index()];
            counts.evaluated += 1;
            counts.not_evaluated += 1;
            emit(Finding::missing_root(
                info.id,
                setting.severity,
                &standing,
                &arn,
                self.as_of,
                source,
            ))?;
        }
        Ok(())
    }

    /// Runs the principal checks (`role-unused`, `permissions-unused`) on the users and
    /// roles of the account data, if the auditor has any; each finding goes to `sink`.
    pub fn audit_principals(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        let Some(data) = self.data else {
            return Ok(());
        };
        for info in ALL.iter().filter(|i| i.scope == Scope::Principal) {
            let Run::Principal(run) = info.run else {
                continue;
            };
            let setting = self.config.check(info.id);
            if !setting.enabled {
                continue;
            }
            let subjects = match info.id {
                CheckId::RoleUnused => data.roles(),
                _ => data.accessed(),
            };
            for facts in subjects {
                self.audit_principal(data, info.id, setting, run, facts, sink)?;
            }
        }
        Ok(())
    }

    fn audit_principal(
        &mut self,
        data: &AccountData,
        id: CheckId,
        setting: CheckSetting,
        run: crate::checks::PrincipalFn,
        facts: &Arc<PrincipalFacts>,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let kind = match facts.kind {
            PrincipalKind::Role => UserKind::Machine,
            PrincipalKind::User => self
                .kinds
                .get(&facts.arn)
                .copied()
                .unwrap_or_else(|| self.config.classify(&facts.name, &facts.arn, false)),
        };
        let th = *self.config.thresholds(kind);
        let subject = PrincipalSubject {
            facts,
            th: &th,
            as_of: self.as_of,
        };
        self.out.clear();
        run(&subject, &mut self.out);
        let standing = data.standing(&facts.arn, false);
        let counts = &mut self.counts[id.index()];
        for outcome in &self.out.outcomes {
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
            let mut finding = Finding::principal(
                id,
                setting.severity,
                &standing,
                status,
                kind,
                outcome.age_days,
                Arc::clone(facts),
                th,
                self.as_of,
                data.source(id),
            );
            if status == Status::Fail {
                let resource = finding.resource().to_string();
                apply_suppressions(
                    &self.config.suppressions,
                    &mut self.hits,
                    self.as_of,
                    &resource,
                    &mut finding,
                );
                if finding.status == Status::Suppressed {
                    counts.suppressed += 1;
                } else {
                    counts.failed += 1;
                }
            }
            sink.finding(finding)?;
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
        let mut notes = self.data.map(AccountData::notes).unwrap_or_default();
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

/// Applies the first current suppression that matches `finding` (`resource` is its
/// resource id, or empty when no suppression of its check looks at resources); an expired
/// one that matched is noted on the finding.
fn apply_suppressions(
    suppressions: &[Suppression],
    hits: &mut [SuppressionHits],
    as_of: Timestamp,
    resource: &str,
    finding: &mut Finding<'_>,
) {
    let mut expired = None;
    for (i, s) in suppressions.iter().enumerate() {
        if !s.matches(
            finding.check,
            resource,
            finding.user(),
            finding.account_id(),
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
            expired = Some(note(SuppressionState::Expired));
        }
    }
    // Its text adds a note saying so (see `Finding::text`).
    if let Some(note) = expired {
        finding.suppression = Some(note);
    }
}

fn record_error(summary: &mut InputSummary, e: &ReadError) {
    summary.error_count += 1;
    if summary.errors.len() < MAX_LISTED_ERRORS {
        summary.errors.push(e.to_string());
    }
}

/// [`Row::is_root`] for an ARN whose account id (if it has one, see
/// [`Row::account_id`]) is at `account_at`: the ARN is
/// `arn:<partition>:iam::<account>:root` exactly when the account is preceded by
/// `iam::` (an empty region) and followed by `:root`.
fn root_at(arn: &str, account_at: Option<u32>) -> bool {
    account_at.is_some_and(|at| {
        let at = at as usize;
        arn[..at].ends_with("::") && arn.get(at + 12..) == Some(":root")
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use credreport_report::Cell;

    #[test]
    fn root_at_agrees_with_the_reader() {
        let arns = [
            "arn:aws:iam::123456789012:root",
            "arn:aws-us-gov:iam::123456789012:root",
            "arn::iam::123456789012:root",
            "arn:aws:iam::123456789012:root:",
            "arn:aws:iam::123456789012:rootx",
            "arn:aws:iam::123456789012:user/root",
            "arn:aws:iam::123456789012",
            "arn:aws:iam::123456789012:",
            "arn:aws:iam:us-east-1:123456789012:root",
            "arn:aws:iam::12345678901:root",
            "arn:aws:iam::1234567890123:root",
            "arn:aws:iam::12345678901a:root",
            "arn:aws:sts::123456789012:root",
            "arn:aws:iam:::123456789012:root",
            "arn:aws:iam::123456789012::root",
            "xarn:aws:iam::123456789012:root",
            "arn:a:b:iam::123456789012:root",
            "",
            "root",
        ];
        for arn in arns {
            let row = Row::new(Edition::Current).with(Column::Arn, Cell::text(arn));
            assert_eq!(root_at(arn, account_at(&row)), row.is_root(), "{arn}");
        }
    }
}
