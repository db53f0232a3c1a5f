//! A typed report value: a timestamp, a boolean, one of the three sentinels, or text.

use std::fmt;

use crate::column::Kind;
use crate::timestamp::{Timestamp, TimestampForm};

/// One value of the report.
///
/// The three sentinels are kept apart: `N/A` (no such credential, or never used),
/// `no_information` (a password never used, or not since tracking began) and
/// `not_supported` (the root row's password fields) mean different things to an auditor.
///
/// Invariant kept by the reader: text equal to a sentinel token is read as the sentinel,
/// so `Text("N/A")` never comes out of a file.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Cell {
    /// Free text (user name, ARN, region, service).
    Text(String),
    /// `true` / `false`.
    Bool(bool),
    /// An instant.
    Timestamp(Timestamp),
    /// `N/A`.
    NotApplicable,
    /// `no_information`.
    NoInformation,
    /// `not_supported`.
    NotSupported,
}

/// A sentinel value of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sentinel {
    /// `N/A`
    NotApplicable,
    /// `no_information`
    NoInformation,
    /// `not_supported`
    NotSupported,
}

impl Sentinel {
    /// The token as the report spells it.
    pub const fn token(self) -> &'static str {
        match self {
            Sentinel::NotApplicable => "N/A",
            Sentinel::NoInformation => "no_information",
            Sentinel::NotSupported => "not_supported",
        }
    }

    fn from_token(s: &[u8]) -> Option<Sentinel> {
        match s {
            b"N/A" => Some(Sentinel::NotApplicable),
            b"no_information" => Some(Sentinel::NoInformation),
            b"not_supported" => Some(Sentinel::NotSupported),
            _ => None,
        }
    }
}

/// Why a field could not be read as a value of its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellError {
    /// Not `true`/`false` (any case) nor a sentinel.
    BadBool,
    /// Not a timestamp nor a sentinel.
    BadTimestamp,
    /// Text that is not valid UTF-8.
    BadUtf8,
    /// Text holding a carriage return, which no report field can (IAM names, ARNs,
    /// regions and services exclude control characters).
    CarriageReturn,
}

/// A spelling that was accepted but is not the one AWS writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oddity {
    /// `TRUE`/`FALSE` or another case of `true`/`false`.
    BoolCase,
    /// A timestamp with `Z`, an offset, or a fraction.
    TimestampForm,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The sentinel, if this cell holds one.
    pub fn sentinel(&self) -> Option<Sentinel> {
        match self {
            Cell::NotApplicable => Some(Sentinel::NotApplicable),
            Cell::NoInformation => Some(Sentinel::NoInformation),
            Cell::NotSupported => Some(Sentinel::NotSupported),
            _ => None,
        }
    }

    /// The cell for a sentinel.
    pub fn from_sentinel(s: Sentinel) -> Cell {
        match s {
            Sentinel::NotApplicable => Cell::NotApplicable,
            Sentinel::NoInformation => Cell::NoInformation,
            Sentinel::NotSupported => Cell::NotSupported,
        }
    }

    /// The boolean, if this cell holds one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Cell::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The instant, if this cell holds one.
    pub fn as_timestamp(&self) -> Option<Timestamp> {
        match self {
            Cell::Timestamp(t) => Some(*t),
            _ => None,
        }
    }

    /// The text, if this cell holds text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    /// An optional instant: `Some` for a timestamp, `None` for anything else.
    pub fn timestamp_or_none(&self) -> Option<Timestamp> {
        self.as_timestamp()
    }

    /// Whether the cell is a value of a column of `kind` (a sentinel fits any column).
    pub fn fits(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (
                Cell::NotApplicable | Cell::NoInformation | Cell::NotSupported,
                _
            ) | (Cell::Text(_), Kind::Text)
                | (Cell::Bool(_), Kind::Bool)
                | (Cell::Timestamp(_), Kind::Timestamp)
        )
    }

    /// Parses a field of a column of `kind` into `self`, reusing its text allocation.
    ///
    /// The spellings AWS writes for `N/A`, booleans and timestamps are taken here first
    /// (none of them is spelled like another sentinel, so the order changes nothing); the
    /// rest goes to [`Cell::parse_general`], which gives the same answers for these.
    #[inline]
    pub(crate) fn parse_into(
        &mut self,
        kind: Kind,
        field: &[u8],
    ) -> Result<Option<Oddity>, CellError> {
        match (kind, field) {
            (_, b"N/A") => {
                *self = Cell::NotApplicable;
                return Ok(None);
            }
            (Kind::Bool, b"true") => {
                *self = Cell::Bool(true);
                return Ok(None);
            }
            (Kind::Bool, b"false") => {
                *self = Cell::Bool(false);
                return Ok(None);
            }
            (Kind::Timestamp, _) => {
                if let Some(t) = <&[u8; 25]>::try_from(field)
                    .ok()
                    .and_then(Timestamp::parse_report_form)
                {
                    *self = Cell::Timestamp(t);
                    return Ok(None);
                }
            }
            _ => {}
        }
        self.parse_general(kind, field)
    }

    /// Makes the cell `Text(s)`, reusing its allocation if it holds text.
    fn set_text(&mut self, s: &str) {
        match self {
            Cell::Text(buf) => {
                buf.clear();
                buf.push_str(s);
            }
            other => *other = Cell::Text(s.to_owned()),
        }
    }

    /// [`Cell::parse_into`] for every spelling.
    #[inline(never)]
    fn parse_general(&mut self, kind: Kind, field: &[u8]) -> Result<Option<Oddity>, CellError> {
        if let Some(s) = Sentinel::from_token(field) {
            *self = Cell::from_sentinel(s);
            return Ok(None);
        }
        match kind {
            Kind::Text => {
                let s = std::str::from_utf8(field).map_err(|_| CellError::BadUtf8)?;
                if memchr::memchr(b'\r', field).is_some() {
                    return Err(CellError::CarriageReturn);
                }
                self.set_text(s);
                Ok(None)
            }
            Kind::Bool => {
                let (value, canonical) = match field {
                    b"true" => (true, true),
                    b"false" => (false, true),
                    f if f.eq_ignore_ascii_case(b"true") => (true, false),
                    f if f.eq_ignore_ascii_case(b"false") => (false, false),
                    _ => return Err(CellError::BadBool),
                };
                *self = Cell::Bool(value);
                Ok((!canonical).then_some(Oddity::BoolCase))
            }
            Kind::Timestamp => {
                let (t, form) = Timestamp::parse(field).ok_or(CellError::BadTimestamp)?;
                *self = Cell::Timestamp(t);
                Ok((form == TimestampForm::NonCanonical).then_some(Oddity::TimestampForm))
            }
        }
    }

    /// Parses a field of a column of `kind`.
    pub fn parse(kind: Kind, field: &[u8]) -> Result<Cell, CellError> {
        let mut cell = Cell::NotApplicable;
        cell.parse_into(kind, field)?;
        Ok(cell)
    }

    /// Appends the canonical spelling (unquoted) to `out`.
    pub(crate) fn write_raw(&self, out: &mut Vec<u8>) {
        match self {
            Cell::Text(s) => out.extend_from_slice(s.as_bytes()),
            Cell::Bool(true) => out.extend_from_slice(b"true"),
            Cell::Bool(false) => out.extend_from_slice(b"false"),
            Cell::Timestamp(t) => out.extend_from_slice(&t.to_report_bytes()),
            Cell::NotApplicable | Cell::NoInformation | Cell::NotSupported => {
                if let Some(s) = self.sentinel() {
                    out.extend_from_slice(s.token().as_bytes());
                }
            }
        }
    }
}

impl fmt::Display for Cell {
    /// The canonical spelling, unquoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Text(s) => f.write_str(s),
            Cell::Bool(b) => write!(f, "{b}"),
            Cell::Timestamp(t) => write!(f, "{t}"),
            other => f.write_str(other.sentinel().map_or("", Sentinel::token)),
        }
    }
}

impl fmt::Debug for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Text(s) => write!(f, "Text({s:?})"),
            other => write!(f, "{other}"),
        }
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl From<Timestamp> for Cell {
    fn from(t: Timestamp) -> Cell {
        Cell::Timestamp(t)
    }
}

impl From<Sentinel> for Cell {
    fn from(s: Sentinel) -> Cell {
        Cell::from_sentinel(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let ts = |s: &str| Cell::Timestamp(Timestamp::parse(s.as_bytes()).unwrap().0);
        type Case = (
            Kind,
            &'static str,
            Result<(Cell, Option<Oddity>), CellError>,
        );
        let cases: &[Case] = &[
            (Kind::Bool, "true", Ok((Cell::Bool(true), None))),
            (Kind::Bool, "false", Ok((Cell::Bool(false), None))),
            // The user guide prints TRUE/FALSE (seed 000); accepted and noted.
            (
                Kind::Bool,
                "TRUE",
                Ok((Cell::Bool(true), Some(Oddity::BoolCase))),
            ),
            (
                Kind::Bool,
                "False",
                Ok((Cell::Bool(false), Some(Oddity::BoolCase))),
            ),
            (Kind::Bool, "not_supported", Ok((Cell::NotSupported, None))),
            (Kind::Bool, "yes", Err(CellError::BadBool)),
            (Kind::Bool, "", Err(CellError::BadBool)),
            (Kind::Timestamp, "N/A", Ok((Cell::NotApplicable, None))),
            (
                Kind::Timestamp,
                "no_information",
                Ok((Cell::NoInformation, None)),
            ),
            (
                Kind::Timestamp,
                "2015-04-20T17:41:10+00:00",
                Ok((ts("2015-04-20T17:41:10+00:00"), None)),
            ),
            (
                Kind::Timestamp,
                "2015-04-20T17:41:10Z",
                Ok((ts("2015-04-20T17:41:10+00:00"), Some(Oddity::TimestampForm))),
            ),
            (Kind::Timestamp, "n/a", Err(CellError::BadTimestamp)),
            (Kind::Text, "us-east-1", Ok((Cell::text("us-east-1"), None))),
            (Kind::Text, "N/A", Ok((Cell::NotApplicable, None))),
            (Kind::Text, "", Ok((Cell::text(""), None))),
        ];
        for (kind, input, expect) in cases {
            let mut cell = Cell::NotApplicable;
            let got = cell
                .parse_into(*kind, input.as_bytes())
                .map(|odd| (cell.clone(), odd));
            assert_eq!(&got, expect, "{kind:?} {input:?}");
        }
        assert_eq!(Cell::parse(Kind::Text, b"\xff"), Err(CellError::BadUtf8));
    }

    #[test]
    fn text_allocation_is_reused() {
        let mut cell = Cell::text(String::with_capacity(64));
        let before = cell.as_text().unwrap().as_ptr();
        cell.parse_into(Kind::Text, b"alice").unwrap();
        assert_eq!(cell.as_text().unwrap().as_ptr(), before);
    }
}
