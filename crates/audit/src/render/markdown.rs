//! Markdown: a summary, then findings grouped by severity and check in tables, then what
//! was not evaluated or suppressed, then the checks with their CIS and Security Hub ids.
//! For pull-request comments and wikis.

use std::io::{self, Write};

use crate::check::Severity;
use crate::engine::Summary;
use crate::finding::{Finding, FindingText};
use crate::render::view::{capitalize, View, CIS_HEADER, COUNT_HEADERS, ERRORS_NOTE, TITLE};
use crate::render::{Collect, RunInfo, Sink};

pub(crate) struct Markdown<'w> {
    out: Box<dyn Write + 'w>,
    kept: Collect,
}

impl<'w> Markdown<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>) -> Markdown<'w> {
        Markdown {
            out,
            kept: Collect::default(),
        }
    }
}

/// Text for a table cell: `|` escaped, line breaks as spaces.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// Inline code that survives backticks in the text.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

impl Sink for Markdown<'_> {
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
        write(&mut self.out, &view)?;
        self.out.flush()
    }
}

fn write(o: &mut dyn Write, view: &View<'_>) -> io::Result<()> {
    writeln!(o, "# {TITLE}\n")?;
    if let Some(a) = &view.as_of {
        writeln!(
            o,
            "As of **{}** ({}), {} {}.\n",
            a.time, a.source, a.tool, a.version
        )?;
    }
    for line in view.inputs.iter().chain(&view.baseline) {
        writeln!(o, "- {}", cell(line))?;
    }
    let c = &view.counts;
    writeln!(o, "\n## Summary\n")?;
    writeln!(o, "| severity | findings |")?;
    writeln!(o, "| --- | ---: |")?;
    for s in Severity::DESCENDING {
        writeln!(o, "| {s} | {} |", c.failed.get(s))?;
    }
    writeln!(
        o,
        "\nSuppressed: {}. Not evaluated: {}.",
        c.suppressed, c.not_evaluated
    )?;
    if let Some([new, resolved, persisting]) = c.changes {
        writeln!(
            o,
            "Compared with the baseline: {new} new, {resolved} resolved, {persisting} persisting."
        )?;
    }
    // With a baseline, a section's lists are headings under it; without, beside it.
    let list_level = if view.compared() { "###" } else { "##" };
    let mut text = FindingText::default();
    for section in &view.sections {
        writeln!(o, "\n## {} ({})", section.title, section.failing_count())?;
        for group in &section.failing {
            writeln!(
                o,
                "\n### {} ({})",
                capitalize(group.severity.name()),
                group.count()
            )?;
            for check in &group.checks {
                writeln!(
                    o,
                    "\n#### `{}` {}\n\n| resource | finding | fix |\n| --- | --- | --- |",
                    check.check,
                    check.title()
                )?;
                for item in check.items() {
                    item.text_into(&mut text);
                    let mut message = cell(&text.message);
                    for note in &text.notes {
                        message.push_str(&format!("<br>*note:* {}", cell(note)));
                    }
                    let mut resource = code(&item.resource());
                    if let Some(privilege) = item.privilege() {
                        resource.push_str(&format!("<br>privilege {}", cell(&privilege)));
                    }
                    writeln!(
                        o,
                        "| {resource} | {message} | {} |",
                        cell(&text.remediation)
                    )?;
                }
            }
        }
        for (list, groups) in section.other_lists() {
            if groups.is_empty() {
                continue;
            }
            let total: usize = groups.iter().map(|g| g.len()).sum();
            writeln!(o, "\n{list_level} {} ({total})\n", list.title())?;
            writeln!(o, "| check | resource | why |\n| --- | --- | --- |")?;
            for group in groups {
                for item in group.items() {
                    writeln!(
                        o,
                        "| `{}` | {} | {} |",
                        group.check,
                        code(&item.resource()),
                        cell(&item.why())
                    )?;
                }
            }
        }
    }
    if !view.errors.is_empty() {
        writeln!(o, "\n## Errors\n\n{}.\n", capitalize(ERRORS_NOTE))?;
        for input in &view.errors {
            for line in input.lines() {
                writeln!(o, "- {}", code(&line))?;
            }
            if input.unlisted() > 0 {
                writeln!(
                    o,
                    "- … and {} more in {}",
                    input.unlisted(),
                    cell(input.name)
                )?;
            }
        }
    }
    if !view.notes.is_empty() {
        writeln!(o, "\n## Notes\n")?;
        for note in view.notes {
            writeln!(o, "- {}", cell(note))?;
        }
    }
    writeln!(o, "\n## Checks\n")?;
    writeln!(
        o,
        "| check | title | severity | {CIS_HEADER} | Security Hub | {} |",
        COUNT_HEADERS.join(" | ")
    )?;
    writeln!(o, "| --- | --- | --- | --- | --- |{}", " ---: |".repeat(5))?;
    for row in &view.checks {
        let numbers: Vec<String> = row.numbers().iter().map(u64::to_string).collect();
        writeln!(
            o,
            "| `{}` | {} | {} | {} | {} | {} |",
            row.id,
            row.title,
            row.severity.map_or("off", Severity::name),
            row.cis,
            row.fsbp,
            numbers.join(" | ")
        )?;
    }
    Ok(())
}
