//! The readable table: findings grouped by severity, then by check, with the message and
//! the fix under each resource; then what was not evaluated, what was suppressed, and the
//! counts. ANSI colors when asked (the CLI asks on a terminal).

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::check::Severity;
use crate::engine::Summary;
use crate::finding::{Finding, FindingText};
use crate::render::view::{View, ERRORS_NOTE, TITLE};
use crate::render::{Collect, RunInfo, Sink};

/// At most this many not-evaluated or suppressed findings are listed per check.
const MAX_LISTED: usize = 20;

pub(crate) struct Table<'w> {
    out: Box<dyn Write + 'w>,
    paint: Paint,
    kept: Collect,
}

impl<'w> Table<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>, color: bool) -> Table<'w> {
        Table {
            out,
            paint: Paint(color),
            kept: Collect::default(),
        }
    }
}

/// Styles text, or not.
#[derive(Clone, Copy, Debug)]
struct Paint(bool);

impl Paint {
    fn paint(self, style: Style, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RESOURCE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

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
    fn orders_itself(&self) -> bool {
        true
    }

    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.kept.begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        self.kept.finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let mut findings = std::mem::take(&mut self.kept.findings);
        let view = View::new(self.kept.run.as_ref(), summary, &mut findings);
        write(&mut self.out, self.paint, &view)?;
        self.out.flush()
    }
}

fn write(o: &mut dyn Write, p: Paint, view: &View<'_>) -> io::Result<()> {
    let header = match &view.as_of {
        Some(a) => format!("{TITLE} as of {} ({})", a.time, a.source),
        None => TITLE.to_owned(),
    };
    writeln!(o, "{}", p.paint(BOLD, &header))?;
    for line in &view.inputs {
        writeln!(o, "  {line}")?;
    }
    if let Some(line) = &view.baseline {
        writeln!(o, "  {line}")?;
    }
    let mut text = FindingText::default();
    for section in &view.sections {
        if view.compared() {
            writeln!(o)?;
            let heading = format!("{} ({})", section.title, section.failing_count());
            writeln!(o, "{}", p.paint(BOLD.underline(), &heading))?;
        }
        for group in &section.failing {
            writeln!(o)?;
            let heading = format!(
                "{} ({})",
                group.severity.name().to_uppercase(),
                group.count()
            );
            writeln!(o, "{}", p.paint(severity_style(group.severity), &heading))?;
            for check in &group.checks {
                let title = format!("{}  {}", check.check, check.title());
                writeln!(o, "  {}", p.paint(BOLD, &title))?;
                for item in check.items() {
                    let mut at = format!("({})", item.location());
                    if let Some(privilege) = item.privilege() {
                        at.push_str(&format!(" [privilege {privilege}]"));
                    }
                    writeln!(
                        o,
                        "    {} {}",
                        p.paint(RESOURCE, &item.resource()),
                        p.paint(DIM, &at)
                    )?;
                    item.text_into(&mut text);
                    writeln!(o, "      {}", text.message)?;
                    for note in &text.notes {
                        writeln!(o, "      {}", p.paint(DIM, &format!("note: {note}")))?;
                    }
                    if !text.remediation.is_empty() {
                        writeln!(o, "      {} {}", p.paint(BOLD, "fix:"), text.remediation)?;
                    }
                }
            }
        }
        for (list, groups) in section.other_lists() {
            if groups.is_empty() {
                continue;
            }
            writeln!(o)?;
            let total: usize = groups.iter().map(|g| g.len()).sum();
            let heading = format!("{} ({total})", list.title().to_uppercase());
            writeln!(o, "{}", p.paint(BOLD, &heading))?;
            for group in groups {
                writeln!(o, "  {}", p.paint(BOLD, group.check.as_str()))?;
                for item in group.items().take(MAX_LISTED) {
                    writeln!(
                        o,
                        "    {}: {}",
                        p.paint(RESOURCE, &item.resource()),
                        item.why()
                    )?;
                }
                if group.len() > MAX_LISTED {
                    writeln!(o, "    … and {} more", group.len() - MAX_LISTED)?;
                }
            }
        }
    }
    for input in &view.errors {
        writeln!(o)?;
        let heading = format!("ERRORS in {} ({}): {ERRORS_NOTE}", input.name, input.count);
        writeln!(
            o,
            "{}",
            p.paint(severity_style(Severity::Critical), &heading)
        )?;
        for line in input.lines() {
            writeln!(o, "  {line}")?;
        }
        if input.unlisted() > 0 {
            writeln!(o, "  … and {} more", input.unlisted())?;
        }
    }
    if !view.notes.is_empty() {
        writeln!(o)?;
        for note in view.notes {
            writeln!(o, "{} {note}", p.paint(BOLD, "note:"))?;
        }
    }
    writeln!(o)?;
    let c = &view.counts;
    let mut parts: Vec<String> = Severity::DESCENDING
        .iter()
        .filter(|&&s| c.failed.get(s) > 0)
        .map(|&s| p.paint(severity_style(s), &format!("{} {}", c.failed.get(s), s)))
        .collect();
    if parts.is_empty() {
        parts.push("none".to_owned());
    }
    let mut line = format!(
        "{}: {}; {} suppressed; {} not evaluated; {} of {} evaluations passed ({} of {} checks on)",
        p.paint(BOLD, "Findings"),
        parts.join(", "),
        c.suppressed,
        c.not_evaluated,
        c.passed,
        c.evaluated,
        c.checks_on,
        c.checks
    );
    if let Some([new, resolved, persisting]) = c.changes {
        line.push_str(&format!(
            "; {new} new, {resolved} resolved, {persisting} persisting"
        ));
    }
    writeln!(o, "{line}")
}
