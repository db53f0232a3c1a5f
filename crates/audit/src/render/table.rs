//! The readable table: findings grouped by severity, then by check, with the message and
//! the fix under each resource; then what was not evaluated, what was suppressed, and the
//! counts. ANSI colors when asked (the CLI asks on a terminal).

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::check::Severity;
use crate::engine::Summary;
use crate::finding::{Change, Finding, FindingText, Status};
use crate::render::{describe_inputs, Collect, RunInfo, Sink};

/// At most this many not-evaluated or suppressed findings are listed per check.
const MAX_LISTED: usize = 20;

pub(crate) struct Table<'w> {
    out: Box<dyn Write + 'w>,
    color: bool,
    kept: Collect,
}

impl<'w> Table<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>, color: bool) -> Table<'w> {
        Table {
            out,
            color,
            kept: Collect::default(),
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
}

pub(crate) fn severity_style(severity: Severity) -> Style {
    let color = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    match severity {
        Severity::Critical => color(AnsiColor::BrightRed).bold(),
        Severity::High => color(AnsiColor::Red).bold(),
        Severity::Medium => color(AnsiColor::Yellow).bold(),
        Severity::Low => color(AnsiColor::Blue).bold(),
        Severity::Info => color(AnsiColor::Cyan),
    }
}

impl Sink for Table<'_> {
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.kept.begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        self.kept.finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let findings = self.kept.take_grouped();
        let bold = Style::new().bold();
        let dim = Style::new().dimmed();
        let resource_style = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
        let (as_of, source) = self
            .kept
            .run
            .as_ref()
            .map(|r| (r.as_of.to_zulu(), r.as_of_source))
            .unzip();
        let source = source.map_or("", |s| match s {
            crate::AsOfSource::Given => "given",
            crate::AsOfSource::Generated => "report generated",
            crate::AsOfSource::Now => "now",
        });
        let header = format!(
            "credreport audit as of {} ({source})",
            as_of.unwrap_or_default()
        );
        writeln!(self.out, "{}", self.paint(bold, &header))?;
        for line in describe_inputs(summary) {
            writeln!(self.out, "  {line}")?;
        }
        if !summary.baseline.is_empty() {
            let names: Vec<&str> = summary.baseline.iter().map(|i| i.name.as_str()).collect();
            writeln!(self.out, "  compared with {}", names.join(", "))?;
        }
        let diff = !summary.baseline.is_empty();
        let sections: Vec<(Option<Change>, &str)> = if diff {
            vec![
                (Some(Change::New), "Appeared"),
                (Some(Change::Resolved), "Disappeared"),
                (Some(Change::Persisting), "Persisted"),
            ]
        } else {
            vec![(None, "")]
        };
        let mut text = FindingText::default();
        for (change, title) in sections {
            let in_section: Vec<&Finding> =
                findings.iter().filter(|f| f.change == change).collect();
            if diff {
                writeln!(self.out)?;
                let heading = format!("{title} ({})", in_section.len());
                writeln!(self.out, "{}", self.paint(bold.underline(), &heading))?;
            }
            let failing: Vec<&Finding> = in_section
                .iter()
                .copied()
                .filter(|f| f.status == Status::Fail || change == Some(Change::Resolved))
                .collect();
            for severity in Severity::DESCENDING {
                let group: Vec<&Finding> = failing
                    .iter()
                    .copied()
                    .filter(|f| f.severity == severity)
                    .collect();
                if group.is_empty() {
                    continue;
                }
                writeln!(self.out)?;
                let heading = format!("{} ({})", severity.name().to_uppercase(), group.len());
                writeln!(
                    self.out,
                    "{}",
                    self.paint(severity_style(severity), &heading)
                )?;
                let mut previous = None;
                for f in group {
                    if previous != Some(f.check) {
                        let title = format!("{}  {}", f.check, f.check.info().title);
                        writeln!(self.out, "  {}", self.paint(bold, &title))?;
                        previous = Some(f.check);
                    }
                    let at = format!("({}:{})", f.source, f.line);
                    writeln!(
                        self.out,
                        "    {} {}",
                        self.paint(resource_style, &f.resource().to_string()),
                        self.paint(dim, &at)
                    )?;
                    f.text_into(&mut text);
                    writeln!(self.out, "      {}", text.message)?;
                    for note in &text.notes {
                        writeln!(
                            self.out,
                            "      {}",
                            self.paint(dim, &format!("note: {note}"))
                        )?;
                    }
                    if !text.remediation.is_empty() && change != Some(Change::Resolved) {
                        writeln!(
                            self.out,
                            "      {} {}",
                            self.paint(bold, "fix:"),
                            text.remediation
                        )?;
                    }
                }
            }
            if change == Some(Change::Resolved) {
                continue;
            }
            for (status, title) in [
                (Status::NotEvaluated, "NOT EVALUATED"),
                (Status::Suppressed, "SUPPRESSED"),
            ] {
                let group: Vec<&Finding> = in_section
                    .iter()
                    .copied()
                    .filter(|f| f.status == status)
                    .collect();
                if group.is_empty() {
                    continue;
                }
                writeln!(self.out)?;
                let heading = format!("{title} ({})", group.len());
                writeln!(self.out, "{}", self.paint(bold, &heading))?;
                let mut previous = None;
                let mut listed = 0usize;
                let mut hidden = 0usize;
                for f in &group {
                    if previous != Some(f.check) {
                        if hidden > 0 {
                            writeln!(self.out, "    … and {hidden} more")?;
                        }
                        writeln!(self.out, "  {}", self.paint(bold, f.check.as_str()))?;
                        previous = Some(f.check);
                        listed = 0;
                        hidden = 0;
                    }
                    if listed == MAX_LISTED {
                        hidden += 1;
                        continue;
                    }
                    listed += 1;
                    let why = match &f.suppression {
                        Some(s) if status == Status::Suppressed => format!(
                            "{} (owner {}, until {})",
                            s.reason,
                            s.owner,
                            &s.expires[..10.min(s.expires.len())]
                        ),
                        _ => f.message(),
                    };
                    writeln!(
                        self.out,
                        "    {}: {why}",
                        self.paint(resource_style, &f.resource().to_string())
                    )?;
                }
                if hidden > 0 {
                    writeln!(self.out, "    … and {hidden} more")?;
                }
            }
        }
        for input in summary.inputs.iter().chain(&summary.baseline) {
            if input.error_count > 0 {
                writeln!(self.out)?;
                let heading = format!(
                    "ERRORS in {} ({}): rows with errors were not audited",
                    input.name, input.error_count
                );
                writeln!(
                    self.out,
                    "{}",
                    self.paint(severity_style(Severity::Critical), &heading)
                )?;
                for e in &input.errors {
                    writeln!(self.out, "  {}:{e}", input.name)?;
                }
            }
        }
        if !summary.notes.is_empty() {
            writeln!(self.out)?;
            for note in &summary.notes {
                writeln!(self.out, "{} {note}", self.paint(bold, "note:"))?;
            }
        }
        writeln!(self.out)?;
        let t = &summary.tally;
        let mut parts: Vec<String> = Severity::DESCENDING
            .iter()
            .filter(|&&s| t.failed.get(s) > 0)
            .map(|&s| self.paint(severity_style(s), &format!("{} {}", t.failed.get(s), s)))
            .collect();
        if parts.is_empty() {
            parts.push("none".to_owned());
        }
        let passed: u64 = summary.checks.iter().map(|(_, _, c)| c.passed).sum();
        let evaluated: u64 = summary.checks.iter().map(|(_, _, c)| c.evaluated).sum();
        let enabled = summary.checks.iter().filter(|(_, s, _)| s.enabled).count();
        let mut line = format!(
            "{}: {}; {} suppressed; {} not evaluated; {passed} of {evaluated} evaluations passed ({enabled} of {} checks on)",
            self.paint(bold, "Findings"),
            parts.join(", "),
            t.suppressed,
            t.not_evaluated,
            summary.checks.len()
        );
        if diff {
            line.push_str(&format!(
                "; {} new, {} resolved, {} persisting",
                t.new, t.resolved, t.persisting
            ));
        }
        writeln!(self.out, "{line}")?;
        self.out.flush()
    }
}
