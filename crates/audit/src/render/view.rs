//! The view of a run that the human outputs share: the table, Markdown and HTML show the
//! same sections, groups, counts and words, each in its own markup.
//!
//! [`View::new`] puts the kept findings in one order ([`Rank`]) and groups them: sections
//! (one, or with a baseline: appeared, disappeared, persisted), then lists (failing, not
//! evaluated, suppressed), severities and checks. Every group is a slice of the ordered
//! findings, so a view copies no finding and writes no words; a renderer asks an [`Item`]
//! for a finding's words as it writes it, one finding at a time.
//!
//! The order is [`Rank`] and nothing else: a new sort key is one field there, and every
//! human output follows. Within a severity findings are grouped by check, and within a
//! check the most privileged principal comes first ([`crate::Priority`]'s order, kept
//! inside the groups).

use std::cmp::Reverse;

use crate::check::{CheckId, Severity};
use crate::engine::{AsOfSource, CheckCounts, Summary};
use crate::finding::{Change, Finding, FindingText, Status};
use crate::render::{BySeverity, RunInfo};

/// The title of every human output.
pub const TITLE: &str = "credreport audit";

/// What the human outputs say about rows that could not be read.
pub const ERRORS_NOTE: &str = "rows with errors were not audited";

/// The heading of the CIS column in the table of checks.
pub const CIS_HEADER: &str = "CIS v1.4.0-v4.0.0 / v5.0.0 / v6.0.0";

/// What the human outputs write where there is nothing (no CIS number, no Security Hub id).
pub const NONE: &str = "—";

/// Where the as-of time came from, in the words of every human output.
pub const fn as_of_label(source: AsOfSource) -> &'static str {
    match source {
        AsOfSource::Given => "given",
        AsOfSource::Generated => "the report's generation time",
        AsOfSource::Now => "the time of the audit",
    }
}

/// Which list of a section a finding is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum List {
    /// Failures (and, in the disappeared section, every finding).
    Failing,
    /// What the report did not allow to evaluate.
    NotEvaluated,
    /// Failures a suppression accepts.
    Suppressed,
}

impl List {
    /// `Not evaluated`, `Suppressed` (the failing list is titled by its section).
    pub const fn title(self) -> &'static str {
        match self {
            List::Failing => "Failing",
            List::NotEvaluated => "Not evaluated",
            List::Suppressed => "Suppressed",
        }
    }
}

/// A finding's place in the human outputs. Findings are sorted by it, and within one rank
/// keep report order (the sort is stable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rank {
    /// Its section: 0 (all findings, or with a baseline: appeared), 1 (disappeared),
    /// 2 (persisted).
    pub section: u8,
    /// Its list in the section.
    pub list: List,
    /// Most severe first.
    pub severity: Reverse<Severity>,
    /// In check order.
    pub check: CheckId,
    /// Within a check's group, the most privileged principal first
    /// ([`crate::priority::privilege_rank`]).
    pub privilege: u8,
}

impl Rank {
    /// The rank of `f`.
    pub fn of(f: &Finding<'_>) -> Rank {
        let list = match (f.change, f.status) {
            (Some(Change::Resolved), _) | (_, Status::Fail) => List::Failing,
            (_, Status::NotEvaluated) => List::NotEvaluated,
            (_, Status::Suppressed) => List::Suppressed,
        };
        Rank {
            section: section_index(f.change),
            list,
            severity: Reverse(f.severity),
            check: f.check,
            privilege: crate::priority::privilege_rank(f.privilege),
        }
    }
}

const fn section_index(change: Option<Change>) -> u8 {
    match change {
        None | Some(Change::New) => 0,
        Some(Change::Resolved) => 1,
        Some(Change::Persisting) => 2,
    }
}

/// The title of the section of findings with `change`.
pub const fn section_title(change: Option<Change>) -> &'static str {
    match change {
        None => "Findings",
        Some(Change::New) => "Appeared",
        Some(Change::Resolved) => "Disappeared",
        Some(Change::Persisting) => "Persisted",
    }
}

/// One finding as the human outputs show it.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    /// The finding.
    pub finding: &'a Finding<'static>,
}

impl Item<'_> {
    /// Its resource id.
    pub fn resource(&self) -> String {
        self.finding.resource().to_string()
    }

    /// `report.csv:7`: where its row is.
    pub fn location(&self) -> String {
        self.finding.location()
    }

    /// Its principal's privilege, and how it moved the severity: `admin, raised from
    /// medium`, `read`; `None` when unknown.
    pub fn privilege(&self) -> Option<String> {
        let f = self.finding;
        let privilege = f.privilege?;
        Some(match f.severity.cmp(&f.base_severity) {
            std::cmp::Ordering::Greater => {
                format!("{privilege}, raised from {}", f.base_severity)
            }
            std::cmp::Ordering::Less => format!("{privilege}, lowered from {}", f.base_severity),
            std::cmp::Ordering::Equal => privilege.to_string(),
        })
    }

    /// Its message, notes and fix into `text`. A finding that disappeared has no fix:
    /// nothing is left to fix.
    pub fn text_into(&self, text: &mut FindingText) {
        self.finding.text_into(text);
        if self.finding.change == Some(Change::Resolved) {
            text.remediation.clear();
        }
    }

    /// Why it is in the not-evaluated or suppressed list: the suppression's reason, owner
    /// and last day, or the finding's message.
    pub fn why(&self) -> String {
        match &self.finding.suppression {
            Some(s) if self.finding.status == Status::Suppressed => s.describe(),
            _ => self.finding.message(),
        }
    }
}

/// The findings of one check in one list.
#[derive(Clone, Copy, Debug)]
pub struct Group<'a> {
    /// The check.
    pub check: CheckId,
    findings: &'a [Finding<'static>],
}

impl<'a> Group<'a> {
    /// The check's title.
    pub fn title(&self) -> &'static str {
        self.check.info().title
    }

    /// How many findings.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether it has none (a view never makes an empty group).
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// Its findings, in report order.
    pub fn items(&self) -> impl Iterator<Item = Item<'a>> + 'a {
        self.findings.iter().map(|finding| Item { finding })
    }
}

/// The failing findings of one severity in a section, by check.
#[derive(Clone, Debug)]
pub struct SeverityGroup<'a> {
    /// The severity.
    pub severity: Severity,
    /// Its checks, in check order.
    pub checks: Vec<Group<'a>>,
}

impl SeverityGroup<'_> {
    /// How many findings.
    pub fn count(&self) -> usize {
        self.checks.iter().map(Group::len).sum()
    }
}

/// One section: every finding, or with a baseline those that appeared, disappeared or
/// persisted.
#[derive(Clone, Debug)]
pub struct Section<'a> {
    /// `None` without a baseline.
    pub change: Option<Change>,
    /// Its title ([`section_title`]).
    pub title: &'static str,
    /// The failures (every finding that disappeared), by severity, most severe first.
    pub failing: Vec<SeverityGroup<'a>>,
    /// What could not be evaluated, by check (never in the disappeared section).
    pub not_evaluated: Vec<Group<'a>>,
    /// What a suppression accepts, by check (never in the disappeared section).
    pub suppressed: Vec<Group<'a>>,
}

impl<'a> Section<'a> {
    /// How many failures.
    pub fn failing_count(&self) -> usize {
        self.failing.iter().map(SeverityGroup::count).sum()
    }

    /// The failures in order.
    pub fn failing_items(&self) -> impl Iterator<Item = Item<'a>> + '_ {
        self.failing
            .iter()
            .flat_map(|s| s.checks.iter())
            .flat_map(Group::items)
    }

    /// The not-evaluated and suppressed lists, in that order, with their titles.
    pub fn other_lists(&self) -> [(List, &[Group<'a>]); 2] {
        [
            (List::NotEvaluated, &self.not_evaluated),
            (List::Suppressed, &self.suppressed),
        ]
    }
}

/// The run's counts, as every human output sums them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    /// Failures (not suppressed, not resolved) by severity.
    pub failed: BySeverity,
    /// Suppressed failures.
    pub suppressed: u64,
    /// Not-evaluated outcomes.
    pub not_evaluated: u64,
    /// Evaluations that passed, of all checks.
    pub passed: u64,
    /// Evaluations, of all checks.
    pub evaluated: u64,
    /// Checks turned on.
    pub checks_on: usize,
    /// Checks in all.
    pub checks: usize,
    /// With a baseline: new, resolved, persisting.
    pub changes: Option<[u64; 3]>,
}

/// The errors of one input.
#[derive(Clone, Copy, Debug)]
pub struct InputErrors<'a> {
    /// The input's name.
    pub name: &'a str,
    /// How many errors in all.
    pub count: u64,
    listed: &'a [String],
}

impl<'a> InputErrors<'a> {
    /// The listed errors, as `name:line:column: message`.
    pub fn lines(&self) -> impl Iterator<Item = String> + 'a {
        let name = self.name;
        self.listed.iter().map(move |e| format!("{name}:{e}"))
    }

    /// How many errors are not listed.
    pub fn unlisted(&self) -> u64 {
        self.count.saturating_sub(self.listed.len() as u64)
    }
}

/// The headings of a check's counts in the table of checks, in the order of
/// [`CheckRow::numbers`].
pub const COUNT_HEADERS: [&str; 5] = [
    "evaluated",
    "passed",
    "failed",
    "suppressed",
    "not evaluated",
];

/// One check in the table of checks.
#[derive(Clone, Debug)]
pub struct CheckRow {
    /// The check.
    pub id: CheckId,
    /// Its title.
    pub title: &'static str,
    /// Its severity, `None` when it is turned off.
    pub severity: Option<Severity>,
    /// `1.4 / 1.3 / 2.3`, or [`NONE`].
    pub cis: String,
    /// `IAM.8, IAM.22`, or [`NONE`].
    pub fsbp: String,
    /// What it concluded.
    pub counts: CheckCounts,
}

impl CheckRow {
    /// Its counts, in the order of [`COUNT_HEADERS`].
    pub fn numbers(&self) -> [u64; 5] {
        let c = &self.counts;
        [
            c.evaluated,
            c.passed,
            c.failed,
            c.suppressed,
            c.not_evaluated,
        ]
    }
}

/// The as-of line: when, where that came from, and what wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsOf {
    /// The instant, `2016-11-25T14:30:42Z`.
    pub time: String,
    /// [`as_of_label`].
    pub source: &'static str,
    /// The tool's name.
    pub tool: &'static str,
    /// The tool's version.
    pub version: &'static str,
}

/// Everything a human output shows, in order.
#[derive(Clone, Debug)]
pub struct View<'a> {
    /// The as-of line (none when the run never began).
    pub as_of: Option<AsOf>,
    /// One line per report ([`describe_inputs`]).
    pub inputs: Vec<String>,
    /// `compared with old.csv`, with a baseline.
    pub baseline: Option<String>,
    /// The counts.
    pub counts: Counts,
    /// The sections: one, or with a baseline three.
    pub sections: Vec<Section<'a>>,
    /// Inputs (and baseline inputs) with errors.
    pub errors: Vec<InputErrors<'a>>,
    /// Remarks about the run as a whole.
    pub notes: &'a [String],
    /// The checks, in check order.
    pub checks: Vec<CheckRow>,
    /// The summary the view was made from (for what only one output shows: charts).
    pub summary: &'a Summary,
}

impl<'a> View<'a> {
    /// The view of a run: `findings` (all of them, in any order) are put in [`Rank`]
    /// order, in place, and grouped.
    pub fn new(
        run: Option<&RunInfo>,
        summary: &'a Summary,
        findings: &'a mut [Finding<'static>],
    ) -> View<'a> {
        findings.sort_by_key(Rank::of);
        let findings: &'a [Finding<'static>] = findings;
        let compared = !summary.baseline.is_empty();
        let changes: &[Option<Change>] = if compared {
            &[
                Some(Change::New),
                Some(Change::Resolved),
                Some(Change::Persisting),
            ]
        } else {
            &[None]
        };
        let sections = changes
            .iter()
            .map(|&change| section(change, findings))
            .collect();
        let t = &summary.tally;
        let counts = Counts {
            failed: t.failed,
            suppressed: t.suppressed,
            not_evaluated: t.not_evaluated,
            passed: summary.checks.iter().map(|(_, _, c)| c.passed).sum(),
            evaluated: summary.checks.iter().map(|(_, _, c)| c.evaluated).sum(),
            checks_on: summary.checks.iter().filter(|(_, s, _)| s.enabled).count(),
            checks: summary.checks.len(),
            changes: compared.then_some([t.new, t.resolved, t.persisting]),
        };
        let baseline = compared.then(|| {
            let names: Vec<&str> = summary.baseline.iter().map(|i| i.name.as_str()).collect();
            format!("compared with {}", names.join(", "))
        });
        View {
            as_of: run.map(|r| AsOf {
                time: r.as_of.to_zulu(),
                source: as_of_label(r.as_of_source),
                tool: r.tool,
                version: r.version,
            }),
            inputs: describe_inputs(summary),
            baseline,
            counts,
            sections,
            errors: summary
                .inputs
                .iter()
                .chain(&summary.baseline)
                .filter(|i| i.error_count > 0)
                .map(|i| InputErrors {
                    name: &i.name,
                    count: i.error_count,
                    listed: &i.errors,
                })
                .collect(),
            notes: &summary.notes,
            checks: summary
                .checks
                .iter()
                .map(|(id, setting, counts)| check_row(*id, setting, counts))
                .collect(),
            summary,
        }
    }

    /// Whether the run compared with a baseline.
    pub fn compared(&self) -> bool {
        self.counts.changes.is_some()
    }
}

fn check_row(id: CheckId, setting: &crate::CheckSetting, counts: &CheckCounts) -> CheckRow {
    let info = id.info();
    CheckRow {
        id,
        title: info.title,
        severity: setting.enabled.then_some(setting.severity),
        cis: info.cis.map_or(NONE.to_owned(), |c| {
            format!("{} / {} / {}", c.v1_4, c.v5, c.v6)
        }),
        fsbp: if info.fsbp.is_empty() {
            NONE.to_owned()
        } else {
            info.fsbp.join(", ")
        },
        counts: *counts,
    }
}

/// The section of findings with `change`, from `findings` in [`Rank`] order.
fn section<'a>(change: Option<Change>, findings: &'a [Finding<'static>]) -> Section<'a> {
    let index = section_index(change);
    let mine = slice_where(findings, |r| r.section.cmp(&index));
    let list = |list: List| slice_where(mine, |r| r.list.cmp(&list));
    let failing = list(List::Failing)
        .chunk_by(|a, b| a.severity == b.severity)
        .map(|same| SeverityGroup {
            severity: same[0].severity,
            checks: by_check(same),
        })
        .collect();
    Section {
        change,
        title: section_title(change),
        failing,
        not_evaluated: by_check(list(List::NotEvaluated)),
        suppressed: by_check(list(List::Suppressed)),
    }
}

fn by_check<'a>(findings: &'a [Finding<'static>]) -> Vec<Group<'a>> {
    findings
        .chunk_by(|a, b| a.check == b.check)
        .map(|same| Group {
            check: same[0].check,
            findings: same,
        })
        .collect()
}

/// The part of `findings` (sorted by [`Rank`]) for which `at` says `Equal`: `at` is
/// `Less` before it and `Greater` after it.
fn slice_where<'a>(
    findings: &'a [Finding<'static>],
    at: impl Fn(&Rank) -> std::cmp::Ordering,
) -> &'a [Finding<'static>] {
    use std::cmp::Ordering;
    let start = findings.partition_point(|f| at(&Rank::of(f)) == Ordering::Less);
    let end = findings.partition_point(|f| at(&Rank::of(f)) != Ordering::Greater);
    &findings[start..end.max(start)]
}

/// `Critical` for `critical`: the first letter in upper case.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// "1 finding", "3 findings".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A one-line account of each input: "real-output-quirks.csv (current, 7 rows, account
/// 619193117841)".
pub fn describe_inputs(summary: &Summary) -> Vec<String> {
    summary
        .inputs
        .iter()
        .map(|i| {
            let edition = i.edition.map_or("unreadable", |e| e.name());
            let accounts: Vec<&str> = i.accounts.iter().map(String::as_str).collect();
            let accounts = match accounts.len() {
                0 => String::new(),
                1 => format!(", account {}", accounts[0]),
                _ => format!(", accounts {}", accounts.join(" ")),
            };
            let errors = if i.error_count > 0 {
                format!(", {}", count(i.error_count, "error", "errors"))
            } else {
                String::new()
            };
            format!(
                "{} ({edition}, {}{accounts}{errors})",
                i.name,
                count(i.rows, "row", "rows")
            )
        })
        .collect()
}
