//! CSV: one row per finding, written as it arrives (RFC 4180 quoting by the `csv` crate).

use std::io::{self, Write};

use crate::engine::Summary;
use crate::finding::Finding;
use crate::render::{RunInfo, Sink};

/// The header, in order.
pub const COLUMNS: [&str; 24] = [
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
    out: csv::Writer<Box<dyn Write + 'w>>,
}

impl<'w> Csv<'w> {
    pub(crate) fn new(out: Box<dyn Write + 'w>) -> Csv<'w> {
        Csv {
            out: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(out),
        }
    }
}

fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl Sink for Csv<'_> {
    fn begin(&mut self, _run: &RunInfo) -> io::Result<()> {
        self.out.write_record(COLUMNS).map_err(io_error)
    }

    fn finding(&mut self, f: Finding) -> io::Result<()> {
        let info = f.check.info();
        let evidence = f
            .evidence
            .iter()
            .map(|e| format!("{}={}", e.column, e.text()))
            .collect::<Vec<_>>()
            .join("; ");
        let (owner, reason, expires) = match &f.suppression {
            Some(s) => (s.owner.as_str(), s.reason.as_str(), s.expires.as_str()),
            None => ("", "", ""),
        };
        let line = f.line.to_string();
        let age = f.age_days.map(|d| d.to_string()).unwrap_or_default();
        let cis = info.cis.map(|c| c.compact()).unwrap_or_default();
        let record: [&str; 24] = [
            &*f.source,
            &line,
            f.account_id.as_deref().unwrap_or(""),
            &f.user,
            &f.arn,
            f.user_kind.name(),
            &f.resource,
            f.credential.name(),
            f.check.as_str(),
            info.title,
            f.severity.name(),
            f.status.name(),
            f.change.map_or("", |c| c.name()),
            &age,
            &f.message,
            &f.remediation,
            &evidence,
            &f.notes.join(" | "),
            owner,
            reason,
            expires,
            &cis,
            &info.fsbp.join(" "),
            &f.fingerprint(),
        ];
        self.out.write_record(record).map_err(io_error)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
