//! Where findings go: the [`Sink`] trait, the renderers for each output format, and two
//! stages that sit in front of a renderer ([`Tally`] counts, [`crate::diff::Diff`]
//! compares with a baseline).
//!
//! Every format puts findings in [`crate::Priority`] order (most severe first, then the most
//! privileged principal). JSON, CSV, SARIF, OCSF and ASFF write each finding as it
//! arrives, behind the [`Sorted`] stage that keeps the findings ([`Finding::into_owned`]:
//! each with a shared copy of its row) and hands them on in order at the end. The table,
//! Markdown and HTML keep them too, and render one [`view::View`] of them, in its own
//! order ([`view::Rank`]).

use std::io::{self, Write};

use serde::Serialize;

use crate::check::{CheckId, Severity};
use crate::config::Config;
use crate::engine::{AsOfSource, Summary};
use crate::finding::{Change, Finding, Status};
use credreport_report::Timestamp;

mod array;
mod asff;
mod csv;
mod html;
pub use html::{charts, esc as escape_html};
mod json;
mod markdown;
mod ocsf;
mod order;
pub use order::Sorted;
mod region;
pub use region::Region;
mod sarif;
mod standards;
mod table;
pub mod view;
pub use asff::SCHEMA_VERSION as ASFF_SCHEMA_VERSION;
pub use ocsf::VERSION as OCSF_VERSION;

/// Receives the findings of a run, in order: `begin`, any number of `finding`, `finish`.
pub trait Sink {
    /// The run starts.
    fn begin(&mut self, run: &RunInfo) -> io::Result<()>;
    /// One finding. It may borrow the row being read: a sink that keeps it past this call
    /// keeps [`Finding::into_owned`].
    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()>;
    /// The run is over.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
    /// Whether it puts findings in its own order (and keeps them to do so), so that the
    /// audit need not sort them first.
    fn orders_itself(&self) -> bool {
        false
    }
}

/// What renderers know before the first finding.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The tool's name.
    pub tool: &'static str,
    /// The tool's version.
    pub version: &'static str,
    /// The instant every age is measured to.
    pub as_of: Timestamp,
    /// Where it came from.
    pub as_of_source: AsOfSource,
    /// The configuration.
    pub config: Config,
    /// The names of the reports, as given.
    pub inputs: Vec<String>,
    /// The baseline's names, when comparing.
    pub baseline: Vec<String>,
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A readable table grouped by severity (colored on a terminal).
    Table,
    /// One JSON document (`schemas/findings.schema.json`).
    Json,
    /// One CSV row per finding.
    Csv,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// Markdown, for pull requests and wikis.
    Markdown,
    /// One self-contained HTML page with a summary and charts.
    Html,
    /// OCSF 1.5.0 Detection Finding events, a JSON array.
    Ocsf,
    /// ASFF findings, a JSON array for Security Hub's BatchImportFindings.
    Asff,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 8] = [
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
        Format::Ocsf,
        Format::Asff,
    ];

    /// `table`, `json`, `csv`, `sarif`, `markdown`, `html`, `ocsf`, `asff`.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
        }
    }

    /// Whether findings are written as they come (memory flat in the number of findings).
    pub const fn streams(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Csv | Format::Sarif | Format::Ocsf | Format::Asff
        )
    }
}

/// Options that only some formats use.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// Table: write ANSI colors.
    pub color: bool,
    /// OCSF and ASFF: the Region the findings are made in (ASFF: imported in).
    pub region: Region,
}

/// The renderer for `format`, writing to `out`.
pub fn renderer<'w>(
    format: Format,
    out: Box<dyn Write + 'w>,
    options: RenderOptions,
) -> Box<dyn Sink + 'w> {
    match format {
        Format::Table => Box::new(table::Table::new(out, options.color)),
        Format::Json => Box::new(json::Json::new(out)),
        Format::Csv => Box::new(csv::Csv::new(out)),
        Format::Sarif => Box::new(sarif::Sarif::new(out)),
        Format::Markdown => Box::new(markdown::Markdown::new(out)),
        Format::Html => Box::new(html::Html::new(out)),
        Format::Ocsf => Box::new(array::ArraySink::new(out, options.region, ocsf::event)),
        Format::Asff => Box::new(array::ArraySink::new(out, options.region, asff::finding)),
    }
}

/// Counts per severity, most severe first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BySeverity(pub [u64; 5]);

impl BySeverity {
    /// Adds one of `severity`.
    pub fn add(&mut self, severity: Severity) {
        self.0[severity.rank()] += 1;
    }

    /// The count for `severity`.
    pub fn get(&self, severity: Severity) -> u64 {
        self.0[severity.rank()]
    }

    /// The count at `severity` or above.
    pub fn at_least(&self, severity: Severity) -> u64 {
        self.0[..=severity.rank()].iter().sum()
    }

    /// The sum.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

impl Serialize for BySeverity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(5))?;
        for severity in Severity::DESCENDING {
            map.serialize_entry(severity.name(), &self.get(severity))?;
        }
        map.end()
    }
}

/// Findings counted by outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TallyCounts {
    /// Failures (not suppressed; resolved ones excluded), by severity.
    pub failed: BySeverity,
    /// Failures that count against `--fail-on` (with a baseline: new ones only).
    pub open: BySeverity,
    /// Suppressed failures.
    pub suppressed: u64,
    /// Not-evaluated outcomes.
    pub not_evaluated: u64,
    /// With a baseline: findings only in the new report.
    pub new: u64,
    /// With a baseline: findings in both.
    pub persisting: u64,
    /// With a baseline: findings only in the baseline.
    pub resolved: u64,
    /// Failures (not suppressed, not resolved) per check, in check order, zeros left out.
    #[serde(serialize_with = "by_check_map")]
    pub by_check: Vec<(CheckId, u64)>,
}

fn by_check_map<S: serde::Serializer>(
    by_check: &[(CheckId, u64)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(by_check.iter().map(|(c, n)| (c.as_str(), n)))
}

impl TallyCounts {
    fn add(&mut self, f: &Finding<'_>) {
        match f.change {
            Some(Change::New) => self.new += 1,
            Some(Change::Persisting) => self.persisting += 1,
            Some(Change::Resolved) => {
                self.resolved += 1;
                return;
            }
            None => {}
        }
        match f.status {
            Status::Fail => {
                self.failed.add(f.severity);
                if f.is_open() {
                    self.open.add(f.severity);
                }
                match self.by_check.iter_mut().find(|(c, _)| *c == f.check) {
                    Some((_, n)) => *n += 1,
                    None => {
                        self.by_check.push((f.check, 1));
                        self.by_check.sort_by_key(|(c, _)| *c);
                    }
                }
            }
            Status::Suppressed => self.suppressed += 1,
            Status::NotEvaluated => self.not_evaluated += 1,
        }
    }
}

/// Counts findings on their way to the renderer, and hands the counts to it in the
/// summary.
#[derive(Debug)]
pub struct Tally<S> {
    inner: S,
    counts: TallyCounts,
}

impl<S: Sink> Tally<S> {
    /// Counts in front of `inner`.
    pub fn new(inner: S) -> Tally<S> {
        Tally {
            inner,
            counts: TallyCounts::default(),
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> &TallyCounts {
        &self.counts
    }

    /// The stage behind this one.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Sink> Sink for Tally<S> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.inner.begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        self.counts.add(&finding);
        self.inner.finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let mut summary = summary.clone();
        summary.tally = self.counts.clone();
        self.inner.finish(&summary)
    }

    fn orders_itself(&self) -> bool {
        self.inner.orders_itself()
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        (**self).begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        (**self).finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        (**self).finish(summary)
    }

    fn orders_itself(&self) -> bool {
        (**self).orders_itself()
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        (**self).begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        (**self).finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        (**self).finish(summary)
    }

    fn orders_itself(&self) -> bool {
        (**self).orders_itself()
    }
}

/// Keeps the run and every finding: for a baseline, for tests, and for the renderers that
/// group findings before writing (table, Markdown, HTML).
#[derive(Debug, Default)]
pub struct Collect {
    /// The run, once begun.
    pub run: Option<RunInfo>,
    /// The findings, in order.
    pub findings: Vec<Finding<'static>>,
}

impl Sink for Collect {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.run = Some(run.clone());
        Ok(())
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        let kept = finding.into_owned_after(self.findings.last());
        self.findings.push(kept);
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
