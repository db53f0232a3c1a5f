//! The streaming reader.
//!
//! It finds columns by header name, accepts both editions, LF or CRLF, a final newline or
//! none, a UTF-8 byte order mark, RFC 4180 quoting and upper-case booleans. Memory does not
//! grow with the number of rows: one record buffer and one [`Row`] are reused, and
//! diagnostics are kept once per kind. A bad row is an error for that row only; the next
//! call goes on with the following row. No input makes it panic.
//!
//! CRLF is turned into LF before parsing, inside quoted fields too: no report field can
//! hold a carriage return (IAM names, ARNs, regions and services exclude control
//! characters), and it keeps every line number the file's own.

use std::cmp::Ordering;
use std::io::{self, Read};

use crate::cell::Oddity;
use crate::column::{Column, Edition, Kind};
use crate::error::{
    display_value, Diagnostic, DiagnosticKind, Diagnostics, ReadError, ReadErrorKind,
};
use crate::row::{user_order, Row};

/// Reads a credential report one row at a time.
#[derive(Debug)]
pub struct ReportReader<R> {
    csv: csv::Reader<Sniff<R>>,
    record: csv::ByteRecord,
    edition: Edition,
    /// For each field of the file, the column it holds (`None`: an unknown column).
    layout: Vec<Option<Column>>,
    /// `layout` with each column's kind, looked up once rather than on every field.
    plan: Vec<Option<(Column, Kind)>>,
    row: Row,
    diagnostics: Diagnostics,
    rows: u64,
    root_row: bool,
    previous_user: Option<String>,
    /// `previous_user` with ASCII letters in lowercase, and the same for the current row:
    /// the user order compares these first.
    previous_folded: Vec<u8>,
    folded: Vec<u8>,
    failed: bool,
}

/// What a whole read found, from [`ReportReader::finish`].
#[derive(Clone, Debug)]
pub struct Summary {
    /// The file's edition.
    pub edition: Edition,
    /// Data rows read, including rows that had errors.
    pub rows: u64,
    /// Whether a root row was seen.
    pub root_row: bool,
    /// Oddities that were accepted.
    pub diagnostics: Vec<Diagnostic>,
}

impl<R: Read> ReportReader<R> {
    /// Reads the header line and prepares to read rows.
    pub fn new(input: R) -> Result<ReportReader<R>, ReadError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(Sniff::new(input));
        let mut header = csv::ByteRecord::new();
        let more = csv
            .read_byte_record(&mut header)
            .map_err(|e| csv_error(&e, 1))?;
        if !more {
            return Err(ReadError {
                line: 1,
                column: 1,
                kind: ReadErrorKind::Empty,
            });
        }
        let mut diagnostics = Diagnostics::default();
        let (edition, layout) = parse_header(&header, &mut diagnostics)?;
        if csv.get_ref().bom {
            diagnostics.note(0, DiagnosticKind::ByteOrderMark);
        }
        let plan = layout.iter().map(|c| c.map(|c| (c, c.kind()))).collect();
        Ok(ReportReader {
            csv,
            record: csv::ByteRecord::new(),
            edition,
            layout,
            plan,
            row: Row::new(edition),
            diagnostics,
            rows: 0,
            root_row: false,
            previous_user: None,
            previous_folded: Vec::new(),
            folded: Vec::new(),
            failed: false,
        })
    }

    /// The edition the header declares.
    pub fn edition(&self) -> Edition {
        self.edition
    }

    /// Diagnostics so far (the end-of-file ones come with [`ReportReader::finish`]).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.diagnostics.as_slice()
    }

    /// The next row, borrowed until the next call; `Ok(None)` at the end.
    ///
    /// After an error in a row the next call reads the following row. After an error
    /// reading the input itself, every later call answers `Ok(None)`.
    pub fn next_row(&mut self) -> Result<Option<&Row>, ReadError> {
        if self.failed {
            return Ok(None);
        }
        let more = match self.csv.read_byte_record(&mut self.record) {
            Ok(more) => more,
            Err(e) => {
                self.failed = true;
                return Err(csv_error(&e, self.line()));
            }
        };
        if !more {
            return Ok(None);
        }
        self.rows += 1;
        let line = self.line();
        self.fill_row(line)?;
        self.check_order(line);
        Ok(Some(&self.row))
    }

    /// Ends the read: every diagnostic, and what was read.
    pub fn finish(mut self) -> Summary {
        let sniff = self.csv.get_ref();
        let (cr, newline) = (
            sniff.carriage_return,
            sniff.last == Some(b'\n') || sniff.last == Some(b'\r'),
        );
        if cr {
            self.diagnostics.note(0, DiagnosticKind::CarriageReturn);
        }
        if newline {
            self.diagnostics.note(0, DiagnosticKind::TrailingNewline);
        }
        Summary {
            edition: self.edition,
            rows: self.rows,
            root_row: self.root_row,
            diagnostics: self.diagnostics.into_vec(),
        }
    }

    /// Turns the reader into an iterator of owned rows (each row is cloned).
    pub fn into_rows(self) -> Rows<R> {
        Rows { reader: self }
    }

    fn line(&self) -> u64 {
        self.record.position().map_or(0, csv::Position::line)
    }

    fn fill_row(&mut self, line: u64) -> Result<(), ReadError> {
        let found = self.record.len();
        let expected = self.layout.len();
        if found < expected {
            return Err(ReadError {
                line,
                column: found + 1,
                kind: ReadErrorKind::ShortRow {
                    expected,
                    found,
                    missing: self.layout[found],
                },
            });
        }
        if found > expected {
            return Err(ReadError {
                line,
                column: expected + 1,
                kind: ReadErrorKind::LongRow { expected, found },
            });
        }
        let Self {
            record,
            plan,
            row,
            diagnostics,
            ..
        } = self;
        let bytes = record.as_slice();
        if plan.len() > MAX_SPANS {
            for (i, (field, &column)) in record.iter().zip(plan.iter()).enumerate() {
                fill_cell(row, diagnostics, line, i, column, field, None)?;
            }
            return Ok(());
        }
        // Where each field ends in `bytes`, taken in one pass so that the pass that parses
        // works on a local array rather than going through the record on every field.
        let mut ends = [0; MAX_SPANS];
        let mut end = 0;
        for (slot, field) in ends.iter_mut().zip(record.iter()) {
            end += field.len();
            *slot = end;
        }
        // One UTF-8 check for the whole record; a field slices it where it can (a field
        // may end inside a character when the record as a whole is valid).
        let text = std::str::from_utf8(bytes).ok();
        let mut start = 0;
        for (i, (&end, &column)) in ends.iter().zip(plan.iter()).enumerate() {
            let field = bytes.get(start..end).unwrap_or_default();
            let field_text = text.and_then(|t| t.get(start..end));
            start = end;
            fill_cell(row, diagnostics, line, i, column, field, field_text)?;
        }
        Ok(())
    }

    fn check_order(&mut self, line: u64) {
        // `is_root` asks for this suffix too; checking it first spares the user rows the rest.
        if self.row.arn().ends_with(":root") && self.row.is_root() {
            if self.rows > 1 {
                self.diagnostics.note(line, DiagnosticKind::RootNotFirst);
            }
            self.root_row = true;
            return;
        }
        let user = self.row.user();
        self.folded.clear();
        self.folded.extend_from_slice(user.as_bytes());
        self.folded.make_ascii_lowercase();
        match &mut self.previous_user {
            Some(previous) => {
                // `user_order(previous, user)`: the folded names decide, then the bytes.
                let out_of_order = match self.previous_folded.cmp(&self.folded) {
                    Ordering::Equal => previous.as_bytes() > user.as_bytes(),
                    order => order.is_gt(),
                };
                debug_assert_eq!(out_of_order, user_order(previous, user).is_gt());
                if out_of_order {
                    let kind = DiagnosticKind::UserOrder {
                        user: user.to_owned(),
                        previous: previous.clone(),
                    };
                    self.diagnostics.note(line, kind);
                }
                previous.clear();
                previous.push_str(user);
            }
            None => self.previous_user = Some(user.to_owned()),
        }
        std::mem::swap(&mut self.previous_folded, &mut self.folded);
    }
}

/// Records of at most this many fields are parsed from a local array of field ends.
const MAX_SPANS: usize = 32;

/// Parses field `i` of a record, of `column` and its kind (`None`: an unknown column,
/// ignored), into `row`. `text` is the field as text when that is already known.
#[inline(always)]
fn fill_cell(
    row: &mut Row,
    diagnostics: &mut Diagnostics,
    line: u64,
    i: usize,
    column: Option<(Column, Kind)>,
    field: &[u8],
    text: Option<&str>,
) -> Result<(), ReadError> {
    let Some((column, kind)) = column else {
        return Ok(());
    };
    let cell = row.cell_mut(column);
    let parsed = match text {
        Some(text) if kind == Kind::Text => {
            cell.parse_text_into(text);
            Ok(None)
        }
        _ => cell.parse_into(kind, field),
    };
    match parsed {
        Ok(None) => {}
        Ok(Some(Oddity::BoolCase)) => diagnostics.note(line, DiagnosticKind::BoolCase),
        Ok(Some(Oddity::TimestampForm)) => diagnostics.note(line, DiagnosticKind::TimestampForm),
        Err(error) => {
            return Err(ReadError {
                line,
                column: i + 1,
                kind: ReadErrorKind::BadValue {
                    column,
                    value: display_value(field),
                    error,
                },
            })
        }
    }
    if kind == Kind::Text && field.is_empty() && matches!(column, Column::User | Column::Arn) {
        return Err(ReadError {
            line,
            column: i + 1,
            kind: ReadErrorKind::EmptyValue(column),
        });
    }
    Ok(())
}

/// Owned rows of a report, from [`ReportReader::into_rows`].
#[derive(Debug)]
pub struct Rows<R> {
    reader: ReportReader<R>,
}

impl<R: Read> Rows<R> {
    /// Ends the read; see [`ReportReader::finish`].
    pub fn finish(self) -> Summary {
        self.reader.finish()
    }

    /// The edition the header declares.
    pub fn edition(&self) -> Edition {
        self.reader.edition
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.next_row().map(|row| row.cloned()).transpose()
    }
}

fn parse_header(
    header: &csv::ByteRecord,
    diagnostics: &mut Diagnostics,
) -> Result<(Edition, Vec<Option<Column>>), ReadError> {
    let mut layout = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let column = Column::from_name(name);
        if let Some(c) = column {
            if layout.contains(&Some(c)) {
                return Err(ReadError {
                    line: 1,
                    column: i + 1,
                    kind: ReadErrorKind::DuplicateColumn(c),
                });
            }
        }
        layout.push(column);
    }
    if layout.iter().all(Option::is_none) {
        let first_field = display_value(header.get(0).unwrap_or_default());
        return Err(ReadError {
            line: 1,
            column: 1,
            kind: ReadErrorKind::NotAReport { first_field },
        });
    }
    for (name, column) in header.iter().zip(&layout) {
        if column.is_none() {
            diagnostics.note(1, DiagnosticKind::UnknownColumn(display_value(name)));
        }
    }
    let has = |c: Column| layout.contains(&Some(c));
    let any_last_used = Column::ALL.iter().any(|c| !c.in_legacy() && has(*c));
    let edition = if any_last_used {
        Edition::Current
    } else {
        Edition::Legacy
    };
    if let Some(missing) = edition.columns().iter().find(|c| !has(**c)) {
        return Err(ReadError {
            line: 1,
            column: 1,
            kind: ReadErrorKind::MissingColumn(*missing),
        });
    }
    let known: Vec<Column> = layout.iter().flatten().copied().collect();
    if known != edition.columns() {
        diagnostics.note(1, DiagnosticKind::ColumnOrder);
    }
    Ok((edition, layout))
}

fn csv_error(e: &csv::Error, line: u64) -> ReadError {
    let line = e.position().map_or(line, csv::Position::line);
    ReadError {
        line,
        column: 1,
        kind: ReadErrorKind::Io(e.to_string()),
    }
}

/// The input as the CSV parser sees it: without a leading byte order mark, and with CRLF
/// line ends turned into LF (so that the parser's line numbers are the file's). It notes
/// what it removed and the input's last byte, for the diagnostics.
#[derive(Debug)]
struct Sniff<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    started: bool,
    bom: bool,
    carriage_return: bool,
    last: Option<u8>,
}

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";
const SNIFF_BUFFER: usize = 64 * 1024;

impl<R: Read> Sniff<R> {
    fn new(inner: R) -> Sniff<R> {
        Sniff {
            inner,
            buf: vec![0; SNIFF_BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            started: false,
            bom: false,
            carriage_return: false,
            last: None,
        }
    }

    /// Reads more input after what is left unread in the window, which is moved to the front.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        while !self.eof && self.end < self.buf.len() {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.last = Some(self.buf[self.end + n - 1]);
                    self.end += n;
                    // One read is enough, except at the very start (to see a whole byte
                    // order mark) and when the window ends in a CR whose next byte decides.
                    if self.started && self.buf[self.end - 1] != b'\r' {
                        break;
                    }
                    if !self.started && self.end >= BOM.len() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if !self.started {
            self.started = true;
            if self.buf[..self.end].starts_with(BOM) {
                self.bom = true;
                self.start = BOM.len();
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Sniff<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // A CR at the end of the window is held back until the byte after it is known.
        let held_back = |s: &Self| s.end - s.start == 1 && s.buf[s.start] == b'\r' && !s.eof;
        if self.start == self.end || held_back(self) {
            self.fill()?;
        }
        let mut written = 0;
        while written < out.len() && self.start < self.end {
            let window = &self.buf[self.start..self.end];
            let room = out.len() - written;
            match memchr::memchr(b'\r', &window[..window.len().min(room)]) {
                None => {
                    let n = window.len().min(room);
                    out[written..written + n].copy_from_slice(&window[..n]);
                    written += n;
                    self.start += n;
                }
                Some(i) => {
                    out[written..written + i].copy_from_slice(&window[..i]);
                    written += i;
                    self.start += i;
                    self.carriage_return = true;
                    match self.buf[self.start..self.end].get(1) {
                        Some(b'\n') => self.start += 1, // CRLF: drop the CR
                        Some(_) => {
                            out[written] = b'\r'; // a lone CR stays
                            written += 1;
                            self.start += 1;
                        }
                        None if self.eof => {
                            out[written] = b'\r';
                            written += 1;
                            self.start += 1;
                        }
                        None => break, // decided by the next fill
                    }
                }
            }
        }
        Ok(written)
    }
}

/// Reads every row of a report held in memory, stopping at the first error.
pub fn read_all(bytes: &[u8]) -> Result<(Vec<Row>, Summary), ReadError> {
    let mut reader = ReportReader::new(bytes)?;
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row()? {
        rows.push(row.clone());
    }
    Ok((rows, reader.finish()))
}
