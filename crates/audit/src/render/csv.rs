//! CSV: one row per finding, written as it arrives: RFC 4180, a field quoted only when it
//! holds a comma, a quote or a line break (the `csv` crate's rule, which the tests read
//! the output back with).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::check::CheckId;
use crate::engine::Summary;
use crate::finding::{cell_text, Finding, FindingText};
use crate::render::json::{clean_from, integer, BLOCK};
use crate::render::{RunInfo, Sink};

/// The header, in order.
pub const COLUMNS: [&str; 26] = [
    "source",
    "line",
    "account_id",
    "user",
    "arn",
    "user_kind",
    "resource",
    "credential",
    "check",
    "title",
    "severity",
    "base_severity",
    "privilege",
    "status",
    "change",
    "age_days",
    "message",
    "remediation",
    "evidence",
    "notes",
    "suppression_owner",
    "suppression_reason",
    "suppression_expires",
    "cis",
    "fsbp",
    "fingerprint",
];

pub(crate) struct Csv<'w> {
    out: Box<dyn Write + 'w>,
    /// The record being written (reused).
    line: Vec<u8>,
    text: FindingText,
    /// Buffers for the fields made of parts (reused).
    resource: String,
    evidence: String,
    notes: String,
    number: Vec<u8>,
    /// Per check, in [`CheckId::ALL`] order: its CIS numbers and Security Hub ids.
    mapping: Vec<(String, String)>,
}

impl<'w> Csv<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>) -> Csv<'w> {
        Csv {
            out,
            line: Vec::new(),
            text: FindingText::default(),
            resource: String::new(),
            evidence: String::new(),
            notes: String::new(),
            number: Vec::new(),
            mapping: CheckId::ALL
                .iter()
                .map(|id| {
                    let info = id.info();
                    (
                        info.cis.map(|c| c.compact()).unwrap_or_default(),
                        info.fsbp.join(" "),
                    )
                })
                .collect(),
        }
    }
}

/// Appends one field (after a comma unless it is the record's first), quoted when it
/// holds a comma, a quote or a line break, with quotes doubled: RFC 4180, as the `csv`
/// crate writes it.
fn field(line: &mut Vec<u8>, value: &[u8]) {
    if !line.is_empty() {
        line.push(b',');
    }
    if !needs_quotes(value) {
        line.extend_from_slice(value);
        return;
    }
    line.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < value.len() {
        if clean_from(value, &mut i, |b| b ^ b'"') {
            break;
        }
        let end = (i + BLOCK).min(value.len());
        while i < end {
            i += 1;
            if value[i - 1] == b'"' {
                // Up to and with the quote, then the quote again.
                line.extend_from_slice(&value[start..i]);
                line.push(b'"');
                start = i;
            }
        }
    }
    line.extend_from_slice(&value[start..]);
    line.push(b'"');
}

fn needs_quotes(value: &[u8]) -> bool {
    // Zero exactly for a comma, a quote and a line break.
    let key = |b: u8| (b ^ b',').min(b ^ b'"').min(b ^ b'\n').min(b ^ b'\r');
    !clean_from(value, &mut 0, key)
}

impl Sink for Csv<'_> {
    fn begin(&mut self, _run: &RunInfo) -> io::Result<()> {
        self.line.clear();
        for name in COLUMNS {
            field(&mut self.line, name.as_bytes());
        }
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    fn finding(&mut self, f: Finding<'_>) -> io::Result<()> {
        let info = f.check.info();
        f.text_into(&mut self.text);
        self.resource.clear();
        let _ = write!(self.resource, "{}", f.resource());
        self.evidence.clear();
        for (i, e) in f.evidence_in(&self.text).enumerate() {
            if i > 0 {
                self.evidence.push_str("; ");
            }
            self.evidence.push_str(e.column);
            self.evidence.push('=');
            cell_text(e.value, |v| self.evidence.push_str(v));
        }
        self.notes.clear();
        for (i, note) in self.text.notes.iter().enumerate() {
            if i > 0 {
                self.notes.push_str(" | ");
            }
            self.notes.push_str(note);
        }
        let (owner, reason, expires) = match &f.suppression {
            Some(s) => (s.owner.as_str(), s.reason.as_str(), s.expires.as_str()),
            None => ("", "", ""),
        };
        let (cis, fsbp) = &self.mapping[f.check as usize];
        let line = &mut self.line;
        line.clear();
        field(line, f.source.as_bytes());
        self.number.clear();
        integer(&mut self.number, f.line, false);
        field(line, &self.number);
        field(line, f.account_id().unwrap_or("").as_bytes());
        field(line, f.user().as_bytes());
        field(line, f.arn().as_bytes());
        field(line, f.user_kind.name().as_bytes());
        field(line, self.resource.as_bytes());
        field(line, f.credential.name().as_bytes());
        field(line, f.check.as_str().as_bytes());
        field(line, info.title.as_bytes());
        field(line, f.severity.name().as_bytes());
        field(line, f.base_severity.name().as_bytes());
        field(line, f.privilege_name().as_bytes());
        field(line, f.status.name().as_bytes());
        field(line, f.change.map_or("", |c| c.name()).as_bytes());
        self.number.clear();
        if let Some(d) = f.age_days {
            integer(&mut self.number, d.unsigned_abs(), d < 0);
        }
        field(line, &self.number);
        field(line, self.text.message.as_bytes());
        field(line, self.text.remediation.as_bytes());
        field(line, self.evidence.as_bytes());
        field(line, self.notes.as_bytes());
        field(line, owner.as_bytes());
        field(line, reason.as_bytes());
        field(line, expires.as_bytes());
        field(line, cis.as_bytes());
        field(line, fsbp.as_bytes());
        // The fingerprint, `<check>:<resource>`.
        self.resource.insert(0, ':');
        self.resource.insert_str(0, f.check.as_str());
        field(line, self.resource.as_bytes());
        line.push(b'\n');
        self.out.write_all(line)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
