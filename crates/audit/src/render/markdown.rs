//! Markdown: a summary, then findings grouped by severity and check in tables, then what
//! was not evaluated or suppressed, then the checks with their CIS and Security Hub ids.
//! For pull-request comments and wikis.

use std::io::{self, Write};

use crate::check::Severity;
use crate::engine::Summary;
use crate::finding::{Change, Finding, Status};
use crate::render::{describe_inputs, Collect, RunInfo, Sink};

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
    fn begin(&mut self, run: &RunInfo) -> io::Result<()> {
        self.kept.begin(run)
    }

    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        self.kept.finding(finding)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let findings = self.kept.take_grouped();
        let o = &mut self.out;
        writeln!(o, "# credreport audit\n")?;
        if let Some(run) = &self.kept.run {
            writeln!(
                o,
                "As of **{}** ({}), {} {}.\n",
                run.as_of.to_zulu(),
                match run.as_of_source {
                    crate::AsOfSource::Given => "given",
                    crate::AsOfSource::Generated => "the report's generation time",
                    crate::AsOfSource::Now => "the time of the audit",
                },
                run.tool,
                run.version
            )?;
        }
        for line in describe_inputs(summary) {
            writeln!(o, "- {}", cell(&line))?;
        }
        for b in &summary.baseline {
            writeln!(o, "- baseline: {}", cell(&b.name))?;
        }
        let t = &summary.tally;
        writeln!(o, "\n## Summary\n")?;
        writeln!(o, "| severity | findings |")?;
        writeln!(o, "| --- | ---: |")?;
        for s in Severity::DESCENDING {
            writeln!(o, "| {s} | {} |", t.failed.get(s))?;
        }
        writeln!(
            o,
            "\nSuppressed: {}. Not evaluated: {}.",
            t.suppressed, t.not_evaluated
        )?;
        let diff = !summary.baseline.is_empty();
        if diff {
            writeln!(
                o,
                "Compared with the baseline: {} new, {} resolved, {} persisting.",
                t.new, t.resolved, t.persisting
            )?;
        }
        let sections: Vec<(Option<Change>, &str)> = if diff {
            vec![
                (Some(Change::New), "Appeared"),
                (Some(Change::Resolved), "Disappeared"),
                (Some(Change::Persisting), "Persisted"),
            ]
        } else {
            vec![(None, "Findings")]
        };
        for (change, title) in sections {
            let failing: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.change == change)
                .filter(|f| f.status == Status::Fail || change == Some(Change::Resolved))
                .collect();
            writeln!(o, "\n## {title} ({})", failing.len())?;
            for severity in Severity::DESCENDING {
                let group: Vec<&&Finding> =
                    failing.iter().filter(|f| f.severity == severity).collect();
                if group.is_empty() {
                    continue;
                }
                let mut title = String::new();
                title.push_str(severity.name());
                writeln!(o, "\n### {} ({})", capitalize(&title), group.len())?;
                let mut previous = None;
                for f in group {
                    if previous != Some(f.check) {
                        writeln!(
                            o,
                            "\n#### `{}` {}\n\n| resource | finding | fix |\n| --- | --- | --- |",
                            f.check,
                            f.check.info().title
                        )?;
                        previous = Some(f.check);
                    }
                    let text = f.text();
                    let mut message = cell(&text.message);
                    for note in &text.notes {
                        message.push_str(&format!("<br>*note:* {}", cell(note)));
                    }
                    writeln!(
                        o,
                        "| {} | {message} | {} |",
                        code(&f.resource().to_string()),
                        cell(&text.remediation)
                    )?;
                }
            }
        }
        for (status, title) in [
            (Status::NotEvaluated, "Not evaluated"),
            (Status::Suppressed, "Suppressed"),
        ] {
            let group: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.status == status && f.change != Some(Change::Resolved))
                .collect();
            if group.is_empty() {
                continue;
            }
            writeln!(o, "\n## {title} ({})\n", group.len())?;
            writeln!(o, "| check | resource | why |\n| --- | --- | --- |")?;
            for f in group {
                let why = match &f.suppression {
                    Some(s) if status == Status::Suppressed => {
                        format!("{} (owner {}, until {})", s.reason, s.owner, s.expires)
                    }
                    _ => f.message(),
                };
                writeln!(
                    o,
                    "| `{}` | {} | {} |",
                    f.check,
                    code(&f.resource().to_string()),
                    cell(&why)
                )?;
            }
        }
        let errors: Vec<String> = summary
            .inputs
            .iter()
            .chain(&summary.baseline)
            .flat_map(|i| i.errors.iter().map(move |e| format!("{}:{e}", i.name)))
            .collect();
        if !errors.is_empty() {
            writeln!(o, "\n## Errors\n\nRows with errors were not audited.\n")?;
            for e in errors {
                writeln!(o, "- {}", code(&e))?;
            }
        }
        if !summary.notes.is_empty() {
            writeln!(o, "\n## Notes\n")?;
            for note in &summary.notes {
                writeln!(o, "- {}", cell(note))?;
            }
        }
        writeln!(o, "\n## Checks\n")?;
        writeln!(
            o,
            "| check | title | severity | CIS v1.4.0-v4.0.0 / v5.0.0 / v6.0.0 | Security Hub | evaluated | passed | failed | suppressed | not evaluated |"
        )?;
        writeln!(
            o,
            "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
        )?;
        for (id, setting, counts) in &summary.checks {
            let info = id.info();
            let cis = info.cis.map_or("—".to_owned(), |c| {
                format!("{} / {} / {}", c.v1_4, c.v5, c.v6)
            });
            let fsbp = if info.fsbp.is_empty() {
                "—".to_owned()
            } else {
                info.fsbp.join(", ")
            };
            let severity = if setting.enabled {
                setting.severity.name().to_owned()
            } else {
                "off".to_owned()
            };
            writeln!(
                o,
                "| `{id}` | {} | {severity} | {cis} | {fsbp} | {} | {} | {} | {} | {} |",
                info.title,
                counts.evaluated,
                counts.passed,
                counts.failed,
                counts.suppressed,
                counts.not_evaluated
            )?;
        }
        o.flush()
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}
