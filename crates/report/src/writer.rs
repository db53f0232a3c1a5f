//! The canonical writer: the bytes real AWS produces.
//!
//! Header exactly the edition's names; LF line ends; no newline after the last row;
//! lowercase booleans; `+00:00` timestamps; sentinels as AWS spells them; RFC 4180 quotes
//! only around a field that holds a comma, a quote, or a line break.

use std::io::{self, Write};

use crate::column::Edition;
use crate::row::Row;

/// Writes a credential report row by row.
#[derive(Debug)]
pub struct ReportWriter<W: Write> {
    out: W,
    edition: Edition,
    line: Vec<u8>,
}

impl<W: Write> ReportWriter<W> {
    /// Writes the header line of `edition`.
    pub fn new(mut out: W, edition: Edition) -> io::Result<ReportWriter<W>> {
        out.write_all(header_line(edition).as_bytes())?;
        Ok(ReportWriter {
            out,
            edition,
            line: Vec::with_capacity(512),
        })
    }

    /// Rows only, no header: rows that continue a report whose header and earlier rows
    /// another writer wrote (a report rendered in parts, on several threads). What it
    /// writes, appended to what that writer wrote, is the whole report.
    pub fn continuing(out: W, edition: Edition) -> ReportWriter<W> {
        ReportWriter {
            out,
            edition,
            line: Vec::with_capacity(512),
        }
    }

    /// Writes one row, preceded by the line break that ends the line before it.
    ///
    /// Fails with `InvalidInput` if the row is of another edition or a cell does not fit
    /// its column (text in a timestamp column, say), so that nothing unreadable is written.
    pub fn write_row(&mut self, row: &Row) -> io::Result<()> {
        if row.edition() != self.edition {
            return Err(invalid(format!(
                "a {} row in a {} report",
                row.edition(),
                self.edition
            )));
        }
        self.line.clear();
        self.line.push(b'\n');
        for (i, (column, cell)) in row.cells().enumerate() {
            if !cell.fits(column.kind()) {
                return Err(invalid(format!(
                    "{column}: {cell:?} is not a {:?} value",
                    column.kind()
                )));
            }
            if i > 0 {
                self.line.push(b',');
            }
            match cell.as_text() {
                Some(text) if text.contains('\r') => {
                    return Err(invalid(format!(
                        "{column}: text holding a carriage return cannot be read back"
                    )));
                }
                Some(text) => push_field(&mut self.line, text.as_bytes()),
                // Booleans, timestamps and sentinels never need quotes.
                None => cell.write_raw(&mut self.line),
            }
        }
        self.out.write_all(&self.line)
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    /// The edition being written.
    pub fn edition(&self) -> Edition {
        self.edition
    }
}

/// The whole report as bytes.
pub fn write_report<'a>(
    edition: Edition,
    rows: impl IntoIterator<Item = &'a Row>,
) -> io::Result<Vec<u8>> {
    let mut writer = ReportWriter::new(Vec::new(), edition)?;
    for row in rows {
        writer.write_row(row)?;
    }
    writer.finish()
}

fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// The header line of an edition (without a line break).
pub fn header_line(edition: Edition) -> String {
    edition
        .columns()
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(",")
}
