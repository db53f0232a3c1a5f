//! `credreport report validate|format|to-json`.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use credreport_report::{Cell, Diagnostic, ReadError, ReportReader, ReportWriter, Row, Summary};

use super::EXIT_ERROR;
use crate::args::ReportCommand;
use crate::input::{self, Input};

/// At most this many errors are listed by `validate`; the rest are counted.
const MAX_LISTED_ERRORS: usize = 20;

pub fn run(cmd: ReportCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ReportCommand::Validate(arg) => validate(input::open(&arg.file)?),
        ReportCommand::Format(arg) => format(input::open(&arg.file)?),
        ReportCommand::ToJson(arg) => to_json(input::open(&arg.file)?),
    }
}

fn validate(input: Input) -> anyhow::Result<ExitCode> {
    let mut reader = match ReportReader::new(input.reader) {
        Ok(reader) => reader,
        Err(e) => return Ok(invalid(&input.name, &e)),
    };
    let mut errors = 0usize;
    loop {
        match reader.next_row() {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                errors += 1;
                if errors <= MAX_LISTED_ERRORS {
                    eprintln!("{}:{e}", input.name);
                }
            }
        }
    }
    let summary = reader.finish();
    if errors > 0 {
        if errors > MAX_LISTED_ERRORS {
            eprintln!(
                "{}: {} more errors not listed",
                input.name,
                errors - MAX_LISTED_ERRORS
            );
        }
        eprintln!(
            "{}: invalid report: {errors} {}",
            input.name,
            plural(errors, "error", "errors")
        );
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    print_diagnostics(&input.name, &summary.diagnostics);
    println!("{}: {}", input.name, describe(&summary));
    Ok(ExitCode::SUCCESS)
}

fn format(input: Input) -> anyhow::Result<ExitCode> {
    let mut reader = match ReportReader::new(input.reader) {
        Ok(reader) => reader,
        Err(e) => return Ok(invalid(&input.name, &e)),
    };
    let stdout = io::stdout().lock();
    let mut writer =
        ReportWriter::new(BufWriter::new(stdout), reader.edition()).context("writing to stdout")?;
    loop {
        match reader.next_row() {
            Ok(Some(row)) => writer.write_row(row).context("writing to stdout")?,
            Ok(None) => break,
            Err(e) => {
                writer.finish().context("writing to stdout")?;
                return Ok(invalid(&input.name, &e));
            }
        }
    }
    writer.finish().context("writing to stdout")?;
    print_diagnostics(&input.name, &reader.finish().diagnostics);
    Ok(ExitCode::SUCCESS)
}

fn to_json(input: Input) -> anyhow::Result<ExitCode> {
    let mut reader = match ReportReader::new(input.reader) {
        Ok(reader) => reader,
        Err(e) => return Ok(invalid(&input.name, &e)),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut line = String::with_capacity(1024);
    loop {
        match reader.next_row() {
            Ok(Some(row)) => {
                line.clear();
                row_json(row, &mut line);
                out.write_all(line.as_bytes())
                    .context("writing to stdout")?;
            }
            Ok(None) => break,
            Err(e) => {
                out.flush().context("writing to stdout")?;
                return Ok(invalid(&input.name, &e));
            }
        }
    }
    out.flush().context("writing to stdout")?;
    print_diagnostics(&input.name, &reader.finish().diagnostics);
    Ok(ExitCode::SUCCESS)
}

/// One row as a JSON object on one line, keys in column order.
fn row_json(row: &Row, out: &mut String) {
    out.push('{');
    for (i, (column, cell)) in row.cells().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(out, column.name());
        out.push(':');
        match cell {
            Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Cell::Timestamp(t) => push_json_string(out, &t.to_zulu()),
            Cell::Text(s) => push_json_string(out, s),
            sentinel => push_json_string(out, &sentinel.to_string()),
        }
    }
    out.push_str("}\n");
}

fn push_json_string(out: &mut String, s: &str) {
    // serde_json escapes exactly as JSON requires; a str always serializes.
    out.push_str(&serde_json::Value::from(s).to_string());
}

fn invalid(name: &str, e: &ReadError) -> ExitCode {
    eprintln!("{name}:{e}");
    ExitCode::from(EXIT_ERROR)
}

fn print_diagnostics(name: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let message = d.to_string();
        match message.split_once(": ") {
            Some((line, rest)) if d.line > 0 => eprintln!("{name}:{line}: note: {rest}"),
            _ => eprintln!("{name}: note: {message}"),
        }
    }
}

fn describe(summary: &Summary) -> String {
    let columns = summary.edition.columns().len();
    let rows = summary.rows;
    format!(
        "valid {} report ({columns} columns), {rows} {}, root row {}",
        summary.edition,
        plural(usize::try_from(rows).unwrap_or(usize::MAX), "row", "rows"),
        if summary.root_row {
            "present"
        } else {
            "absent"
        }
    )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}
