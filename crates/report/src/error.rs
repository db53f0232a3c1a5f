//! What the reader reports: errors that reject a file or a row, and diagnostics for
//! oddities it tolerates.

use std::fmt;

use crate::cell::CellError;
use crate::column::Column;

/// A problem that makes a file, or one row of it, unreadable.
///
/// `line` and `column` are 1-based; `column` counts fields, not characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The line the offending record starts on.
    pub line: u64,
    /// The field number within the record.
    pub column: usize,
    /// What is wrong.
    pub kind: ReadErrorKind,
}

/// What is wrong, for a [`ReadError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// The input is empty: there is no header line.
    Empty,
    /// The header names no credential report column at all.
    NotAReport {
        /// The first header field, escaped for display.
        first_field: String,
    },
    /// A column appears twice in the header.
    DuplicateColumn(Column),
    /// A column the edition needs is missing from the header.
    MissingColumn(Column),
    /// A row has fewer fields than the header.
    ShortRow {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
        /// The first missing column, if it is a known one.
        missing: Option<Column>,
    },
    /// A row has more fields than the header.
    LongRow {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A field is not a valid value of its column.
    BadValue {
        /// The column.
        column: Column,
        /// The field, escaped for display and shortened.
        value: String,
        /// Why it is not valid.
        error: CellError,
    },
    /// `user` or `arn` is empty.
    EmptyValue(Column),
    /// The input could not be read.
    Io(String),
}

impl std::error::Error for ReadError {}

impl fmt::Display for ReadError {
    /// `line:column: message`; the caller prefixes the file name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.line, self.column)?;
        match &self.kind {
            ReadErrorKind::Empty => f.write_str("empty input: a credential report starts with a header line"),
            ReadErrorKind::NotAReport { first_field } => write!(
                f,
                "not a credential report: the header names no report column (first field {first_field})"
            ),
            ReadErrorKind::DuplicateColumn(c) => write!(f, "column {c} appears twice in the header"),
            ReadErrorKind::MissingColumn(c) => write!(f, "the header has no {c} column"),
            ReadErrorKind::ShortRow { expected, found, missing } => {
                write!(f, "row has {found} fields, the header has {expected}")?;
                match missing {
                    Some(c) => write!(f, " (no value for {c})"),
                    None => Ok(()),
                }
            }
            ReadErrorKind::LongRow { expected, found } => {
                write!(f, "row has {found} fields, the header has {expected}")
            }
            ReadErrorKind::BadValue { column, value, error } => {
                let what = match error {
                    CellError::BadBool => "not a boolean (true/false) nor N/A, no_information, not_supported",
                    CellError::BadTimestamp => {
                        "not a timestamp (YYYY-MM-DDTHH:MM:SS+00:00) nor N/A, no_information, not_supported"
                    }
                    CellError::BadUtf8 => "not valid UTF-8",
                    CellError::CarriageReturn => "text holding a carriage return, which no report field can",
                };
                write!(f, "{column}: {value} is {what}")
            }
            ReadErrorKind::EmptyValue(c) => write!(f, "{c}: empty value"),
            ReadErrorKind::Io(e) => write!(f, "read failed: {e}"),
        }
    }
}

/// Something odd that the reader accepted. Each kind is reported once per file, with the
/// first line it was seen on and how often, so memory stays flat however long the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The first line it was seen on (0 for the file as a whole).
    pub line: u64,
    /// How many times it was seen.
    pub count: u64,
    /// What it is.
    pub kind: DiagnosticKind,
}

/// The kinds of [`Diagnostic`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// The file starts with a UTF-8 byte order mark.
    ByteOrderMark,
    /// Lines end in CRLF (AWS writes LF).
    CarriageReturn,
    /// The file ends with a newline (AWS writes none after the last row).
    TrailingNewline,
    /// A boolean spelled in another case than `true`/`false` (the docs print `TRUE`).
    BoolCase,
    /// A timestamp spelled with `Z`, an offset or a fraction (a fraction is dropped).
    TimestampForm,
    /// A header column that is not part of the report; its values are ignored.
    UnknownColumn(String),
    /// The columns are not in AWS's order.
    ColumnOrder,
    /// The root row is not the first data row.
    RootNotFirst,
    /// A user row out of AWS's order (by name, ignoring case).
    UserOrder {
        /// The row's user.
        user: String,
        /// The user of the row before it.
        previous: String,
    },
}

impl DiagnosticKind {
    fn same_kind(&self, other: &DiagnosticKind) -> bool {
        match (self, other) {
            (DiagnosticKind::UnknownColumn(a), DiagnosticKind::UnknownColumn(b)) => a == b,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `line: message` (the line is left out for whole-file diagnostics).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}: ", self.line)?;
        }
        match &self.kind {
            DiagnosticKind::ByteOrderMark => f.write_str("starts with a UTF-8 byte order mark (AWS writes none)")?,
            DiagnosticKind::CarriageReturn => f.write_str("lines end in CRLF (AWS writes LF)")?,
            DiagnosticKind::TrailingNewline => {
                f.write_str("ends with a newline (AWS writes none after the last row)")?;
            }
            DiagnosticKind::BoolCase => f.write_str("boolean not in lowercase (AWS writes true/false)")?,
            DiagnosticKind::TimestampForm => f.write_str(
                "timestamp not in AWS's form YYYY-MM-DDTHH:MM:SS+00:00 (read as UTC; fractions dropped)",
            )?,
            DiagnosticKind::UnknownColumn(name) => write!(f, "unknown column {name} ignored")?,
            DiagnosticKind::ColumnOrder => f.write_str("columns are not in AWS's order")?,
            DiagnosticKind::RootNotFirst => f.write_str("the root row is not the first row (AWS puts it first)")?,
            DiagnosticKind::UserOrder { user, previous } => write!(
                f,
                "user {user} comes after {previous}: AWS orders users by name, ignoring case"
            )?,
        }
        if self.count > 1 {
            write!(f, " ({} times)", self.count)?;
        }
        Ok(())
    }
}

/// Diagnostics of one file, one entry per kind.
#[derive(Clone, Debug, Default)]
pub(crate) struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn note(&mut self, line: u64, kind: DiagnosticKind) {
        match self.0.iter_mut().find(|d| d.kind.same_kind(&kind)) {
            Some(d) => d.count += 1,
            None => self.0.push(Diagnostic {
                line,
                count: 1,
                kind,
            }),
        }
    }

    pub(crate) fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }

    pub(crate) fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

/// A field's bytes as a short, printable, quoted string for messages: control characters
/// escaped, and bytes that are not UTF-8 shown as `\xNN`.
pub(crate) fn display_value(field: &[u8]) -> String {
    const MAX: usize = 48;
    let escaped: String = match std::str::from_utf8(field) {
        Ok(text) => text.chars().flat_map(char::escape_debug).collect(),
        Err(_) => field.escape_ascii().to_string(),
    };
    let mut out: String = escaped.chars().take(MAX).collect();
    if escaped.chars().count() > MAX {
        out.push('…');
    }
    format!("\"{out}\"")
}
