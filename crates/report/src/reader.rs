//! The streaming reader.
//!
//! It finds columns by header name, accepts both editions, LF or CRLF, a final newline or
//! none, a UTF-8 byte order mark, RFC 4180 quoting and upper-case booleans. Memory does not
//! grow with the number of rows: one record buffer and one [`Row`] are reused, and
//! diagnostics are kept once per kind. A bad row is an error for that row only; the next
//! call goes on with the following row. No input makes it panic.
//!
//! The CSV itself is read by [`crate::lexer`]: lines without quotes (all real ones) are
//! split with `memchr` in place. CRLF ends a line; a carriage return anywhere else is data,
//! and a text field holding one is an error, since no report field can hold one (IAM
//! names, ARNs, regions and services exclude control characters).

use std::cmp::Ordering;
use std::io::{self, Read};

use crate::cell::Oddity;
use crate::column::{Column, Edition, Kind};
use crate::error::{
    display_value, Diagnostic, DiagnosticKind, Diagnostics, ReadError, ReadErrorKind,
};
use crate::lexer::Lexer;
use crate::row::{user_order, Row};

/// Reads a credential report one row at a time.
#[derive(Debug)]
pub struct ReportReader<R> {
    lexer: Lexer<R>,
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
        let mut lexer = Lexer::new(input);
        let more = lexer.next_record().map_err(|e| io_error(&e, 1))?;
        if !more {
            return Err(ReadError {
                line: 1,
                column: 1,
                kind: ReadErrorKind::Empty,
            });
        }
        let mut diagnostics = Diagnostics::default();
        let (edition, layout) = parse_header(&lexer, &mut diagnostics)?;
        if lexer.bom {
            diagnostics.note(0, DiagnosticKind::ByteOrderMark);
        }
        let plan = layout.iter().map(|c| c.map(|c| (c, c.kind()))).collect();
        Ok(ReportReader {
            lexer,
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
        let more = match self.lexer.next_record() {
            Ok(more) => more,
            Err(e) => {
                self.failed = true;
                return Err(io_error(&e, self.lexer.line() + 1));
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
        let (cr, newline) = (self.lexer.crlf, self.lexer.last_byte == Some(b'\n'));
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
        self.lexer.line()
    }

    fn fill_row(&mut self, line: u64) -> Result<(), ReadError> {
        let found = self.lexer.len();
        let expected = self.layout.len();
        if found < expected {
            let missing = self.layout[found];
            return Err(ReadError {
                line,
                column: found + 1,
                kind: ReadErrorKind::ShortRow {
                    expected,
                    found,
                    missing,
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
            lexer,
            plan,
            row,
            diagnostics,
            ..
        } = self;
        for (i, &column) in plan.iter().enumerate() {
            fill_cell(row, diagnostics, line, i, column, lexer.field(i))?;
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

/// Parses field `i` of a record, of `column` and its kind (`None`: an unknown column,
/// ignored), into `row`.
#[inline(always)]
fn fill_cell(
    row: &mut Row,
    diagnostics: &mut Diagnostics,
    line: u64,
    i: usize,
    column: Option<(Column, Kind)>,
    field: &[u8],
) -> Result<(), ReadError> {
    let Some((column, kind)) = column else {
        return Ok(());
    };
    let cell = row.cell_mut(column);
    let parsed = cell.parse_into(kind, field);
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

fn parse_header<R>(
    header: &Lexer<R>,
    diagnostics: &mut Diagnostics,
) -> Result<(Edition, Vec<Option<Column>>), ReadError> {
    let names: Vec<&[u8]> = (0..header.len()).map(|i| header.field(i)).collect();
    let mut layout = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
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
        let first_field = display_value(names.first().copied().unwrap_or_default());
        return Err(ReadError {
            line: 1,
            column: 1,
            kind: ReadErrorKind::NotAReport { first_field },
        });
    }
    for (name, column) in names.iter().zip(&layout) {
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

fn io_error(e: &io::Error, line: u64) -> ReadError {
    ReadError {
        line,
        column: 1,
        kind: ReadErrorKind::Io(e.to_string()),
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
