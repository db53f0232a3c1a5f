//! Rows decoded by column name, strictly: a stored value that does not decode is an error
//! naming its table, its row (by the row's key) and its column, never a default.
//!
//! A backend hands each row over as a [`RawRow`] (its values as [`Raw`], borrowed); the
//! decoders read columns by name through a [`Row`]. A name is looked up among the row's
//! columns once per query ([`Columns`] remembers where each name read so far is, and the
//! next one read is found by one comparison), so decoding by name costs about what
//! decoding by position did.

use std::cell::Cell;
use std::fmt::{self, Write as _};

use credreport_report::Timestamp;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::model::{Owner, PasswordHash};

/// A value as a backend holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Raw<'a> {
    /// SQL `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A boolean (PostgreSQL's `BOOLEAN`; SQLite has none).
    Bool(bool),
    /// Text.
    Text(&'a str),
    /// Bytes.
    Bytes(&'a [u8]),
    /// A value of a kind the store never writes (SQLite: a real number), or one that
    /// cannot be read (text that is not UTF-8): what it is.
    Other(&'static str),
}

impl Raw<'_> {
    /// What kind of value it is, for messages (never the value itself: it may be a hash).
    fn kind(&self) -> &'static str {
        match self {
            Raw::Null => "NULL",
            Raw::Int(_) => "an integer",
            Raw::Bool(_) => "a boolean",
            Raw::Text(_) => "text",
            Raw::Bytes(_) => "bytes",
            Raw::Other(kind) => kind,
        }
    }
}

/// One row of a query's answer, as a backend has it.
pub(crate) trait RawRow {
    /// How many columns it has.
    fn width(&self) -> usize;
    /// The name of column `i`, if there is one.
    fn name(&self, i: usize) -> Option<&str>;
    /// The value of column `i` (`Raw::Other` says what it is when it cannot be read).
    fn value(&self, i: usize) -> Raw<'_>;
}

/// A table, for messages about its rows: its name and the columns of its key.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) key: &'static [&'static str],
}

/// How many names of one query [`Columns`] remembers (a decoder reads at most a table's
/// columns; past this, names are looked up among the row's columns every time).
const REMEMBERED: usize = 16;

/// Where each column name read so far is among the columns of one query's rows. A name is
/// known by the address of its literal: a decoder reads the same literals, in the same
/// order, row after row, so the next name read is almost always the one after the last
/// (`Row` keeps that position), and is found by one comparison of two addresses.
#[derive(Debug)]
pub(crate) struct Columns {
    /// Each name read so far (its address and length) and its column, in reading order.
    found: [Cell<(usize, usize, usize)>; REMEMBERED],
    len: Cell<usize>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            found: std::array::from_fn(|_| Cell::new((0, 0, 0))),
            len: Cell::new(0),
        }
    }
}

/// A name as [`Columns`] knows it.
fn address(name: &'static str) -> (usize, usize) {
    (name.as_ptr() as usize, name.len())
}

impl Columns {
    /// The column of `name` if it is the one remembered at `*next` (which then moves on).
    #[inline]
    fn next(&self, name: &'static str, next: &Cell<usize>) -> Option<usize> {
        let hint = next.get();
        if hint >= self.len.get() {
            return None;
        }
        let (p, l, i) = self.found.get(hint)?.get();
        let (ptr, len) = address(name);
        (p == ptr && l == len).then(|| {
            next.set(hint + 1);
            i
        })
    }

    /// The column of `name`, trying the one at `*next` first; `*next` moves past it.
    fn index(&self, raw: &dyn RawRow, name: &'static str, next: &Cell<usize>) -> Option<usize> {
        let (ptr, len) = address(name);
        let known = self.len.get();
        let hint = next.get();
        let at = |k: usize| {
            let (p, l, i) = self.found[k].get();
            (p == ptr && l == len).then_some(i)
        };
        if hint < known {
            if let Some(i) = at(hint) {
                next.set(hint + 1);
                return Some(i);
            }
        }
        if let Some((k, i)) = (0..known).find_map(|k| at(k).map(|i| (k, i))) {
            next.set(k + 1);
            return Some(i);
        }
        let i = (0..raw.width()).find(|&i| raw.name(i) == Some(name))?;
        if known < REMEMBERED {
            self.found[known].set((ptr, len, i));
            self.len.set(known + 1);
            next.set(known + 1);
        }
        Some(i)
    }
}

/// A stored value that does not decode, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    /// The table.
    pub table: &'static str,
    /// The row, by its key's columns (`user_id="AIDA…"`), as far as the query read them.
    pub row: String,
    /// The column.
    pub column: &'static str,
    /// What is wrong with the value (what it is, never the value itself).
    pub problem: String,
}

impl fmt::Display for Damaged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a stored value does not decode: table {}, row {}, column {}: {}",
            self.table, self.row, self.column, self.problem
        )
    }
}

impl From<Damaged> for Error {
    /// An internal fault: the server answers ServiceFailure and logs the message.
    fn from(d: Damaged) -> Error {
        Error::internal(d.to_string())
    }
}

/// One row being decoded.
pub(crate) struct Row<'r> {
    raw: &'r dyn RawRow,
    table: &'static Table,
    columns: &'r Columns,
    /// Where in `columns` the next name read is likely to be.
    next: Cell<usize>,
}

impl<'r> Row<'r> {
    pub(crate) fn new(raw: &'r dyn RawRow, table: &'static Table, columns: &'r Columns) -> Self {
        Row {
            raw,
            table,
            columns,
            next: Cell::new(0),
        }
    }

    /// The error for a value of `column` that does not decode.
    pub(crate) fn damaged(&self, column: &'static str, problem: impl fmt::Display) -> Error {
        Damaged {
            table: self.table.name,
            row: self.describe(),
            column,
            problem: problem.to_string(),
        }
        .into()
    }

    /// The row by the columns of its key that the query read.
    fn describe(&self) -> String {
        let mut out = String::new();
        for &name in self.table.key {
            let Some(value) = self
                .columns
                .index(self.raw, name, &Cell::new(0))
                .map(|i| self.raw.value(i))
            else {
                continue;
            };
            if !out.is_empty() {
                out.push_str(", ");
            }
            let _ = match value {
                Raw::Int(v) => write!(out, "{name}={v}"),
                Raw::Text(v) => write!(out, "{name}={:?}", shortened(v)),
                Raw::Bytes(v) => write!(out, "{name}=x'{}'", hex::encode(&v[..v.len().min(32)])),
                other => write!(out, "{name}=({})", other.kind()),
            };
        }
        if out.is_empty() {
            out.push_str("(its key was not read)");
        }
        out
    }

    /// The value of `column`. The column is almost always the one after the last read
    /// (one comparison); else it is looked up.
    #[inline]
    fn raw(&self, column: &'static str) -> Result<Raw<'r>> {
        let i = match self.columns.next(column, &self.next) {
            Some(i) => i,
            None => self.look_up(column)?,
        };
        Ok(self.raw.value(i))
    }

    #[cold]
    #[inline(never)]
    fn look_up(&self, column: &'static str) -> Result<usize> {
        self.columns
            .index(self.raw, column, &self.next)
            .ok_or_else(|| {
                Error::internal(format!(
                    "table {}: column {column} is not among the columns read",
                    self.table.name
                ))
            })
    }

    fn expected(&self, column: &'static str, what: &str, found: Raw<'_>) -> Error {
        self.damaged(
            column,
            format_args!("expected {what}, found {}", found.kind()),
        )
    }

    /// Text, or `None` for `NULL`.
    #[inline]
    pub(crate) fn opt_str(&self, column: &'static str) -> Result<Option<&'r str>> {
        match self.raw(column)? {
            Raw::Text(s) => Ok(Some(s)),
            Raw::Null => Ok(None),
            other => Err(self.expected(column, "text", other)),
        }
    }

    /// Text (not `NULL`).
    #[inline]
    pub(crate) fn str(&self, column: &'static str) -> Result<&'r str> {
        match self.raw(column)? {
            Raw::Text(s) => Ok(s),
            other => Err(self.expected(column, "text", other)),
        }
    }

    /// Text (not `NULL`), owned.
    #[inline]
    pub(crate) fn string(&self, column: &'static str) -> Result<String> {
        self.str(column).map(str::to_owned)
    }

    /// Text, owned, or `None` for `NULL`.
    #[inline]
    pub(crate) fn opt_string(&self, column: &'static str) -> Result<Option<String>> {
        Ok(self.opt_str(column)?.map(str::to_owned))
    }

    /// Bytes (not `NULL`), owned.
    pub(crate) fn bytes(&self, column: &'static str) -> Result<Vec<u8>> {
        match self.raw(column)? {
            Raw::Bytes(b) => Ok(b.to_vec()),
            other => Err(self.expected(column, "bytes", other)),
        }
    }

    /// A SHA-256 digest: exactly 32 bytes.
    pub(crate) fn digest(&self, column: &'static str) -> Result<[u8; 32]> {
        match self.raw(column)? {
            Raw::Bytes(b) => b.try_into().map_err(|_| {
                self.damaged(column, format_args!("expected 32 bytes, found {}", b.len()))
            }),
            other => Err(self.expected(column, "32 bytes", other)),
        }
    }

    /// An integer, or `None` for `NULL`.
    #[inline]
    pub(crate) fn opt_int(&self, column: &'static str) -> Result<Option<i64>> {
        match self.raw(column)? {
            Raw::Int(v) => Ok(Some(v)),
            Raw::Null => Ok(None),
            other => Err(self.expected(column, "an integer", other)),
        }
    }

    /// An integer (not `NULL`).
    #[inline]
    pub(crate) fn int(&self, column: &'static str) -> Result<i64> {
        match self.raw(column)? {
            Raw::Int(v) => Ok(v),
            other => Err(self.expected(column, "an integer", other)),
        }
    }

    /// An integer from 0 to `u32::MAX`.
    pub(crate) fn u32(&self, column: &'static str) -> Result<u32> {
        let v = self.int(column)?;
        u32::try_from(v).map_err(|_| self.damaged(column, format_args!("{v} is out of range")))
    }

    /// A non-negative integer, or `None` for `NULL`.
    pub(crate) fn opt_u64(&self, column: &'static str) -> Result<Option<u64>> {
        self.opt_int(column)?
            .map(|v| {
                u64::try_from(v)
                    .map_err(|_| self.damaged(column, format_args!("{v} is out of range")))
            })
            .transpose()
    }

    /// A boolean: PostgreSQL's, or SQLite's 0 or 1.
    #[inline]
    pub(crate) fn bool(&self, column: &'static str) -> Result<bool> {
        match self.raw(column)? {
            Raw::Bool(b) => Ok(b),
            Raw::Int(0) => Ok(false),
            Raw::Int(1) => Ok(true),
            Raw::Int(v) => Err(self.damaged(column, format_args!("expected 0 or 1, found {v}"))),
            other => Err(self.expected(column, "a boolean", other)),
        }
    }

    /// A time (seconds since the Unix epoch), or `None` for `NULL`.
    #[inline]
    pub(crate) fn opt_time(&self, column: &'static str) -> Result<Option<Timestamp>> {
        self.opt_int(column)?
            .map(|v| {
                Timestamp::from_unix(v).ok_or_else(|| {
                    self.damaged(column, format_args!("{v} is not a time of years 1 to 9999"))
                })
            })
            .transpose()
    }

    /// A time (not `NULL`).
    #[inline]
    pub(crate) fn time(&self, column: &'static str) -> Result<Timestamp> {
        self.opt_time(column)?
            .ok_or_else(|| self.expected(column, "a time", Raw::Null))
    }

    /// Text parsed by `parse`, which answers `None` for what is not `what`.
    pub(crate) fn parsed<T>(
        &self,
        column: &'static str,
        what: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T> {
        let s = self.str(column)?;
        parse(s).ok_or_else(|| self.damaged(column, format_args!("not {what}")))
    }

    /// A 12-digit account id.
    pub(crate) fn account(&self, column: &'static str) -> Result<AccountId> {
        self.parsed(column, "a 12-digit account id", AccountId::parse)
    }

    /// A credential's owner: `root` or a user id.
    pub(crate) fn owner(&self, column: &'static str) -> Result<Owner> {
        self.parsed(column, "root or a user id", owner)
    }

    /// An owner, or `None` for `NULL`.
    pub(crate) fn opt_owner(&self, column: &'static str) -> Result<Option<Owner>> {
        match self.opt_str(column)? {
            None => Ok(None),
            Some(s) => owner(s)
                .map(Some)
                .ok_or_else(|| self.damaged(column, "not root or a user id")),
        }
    }

    /// JSON text of a `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self, column: &'static str) -> Result<T> {
        let s = self.str(column)?;
        serde_json::from_str(s).map_err(|e| {
            // The position and the kind of fault, never serde's text: it quotes the value.
            self.damaged(
                column,
                format_args!(
                    "not the JSON expected ({:?} fault at line {} column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                ),
            )
        })
    }

    /// A list of password hashes (JSON: a list of strings).
    pub(crate) fn hashes(&self, column: &'static str) -> Result<Vec<PasswordHash>> {
        let list: Vec<String> = self.json(column)?;
        Ok(list.into_iter().map(PasswordHash).collect())
    }
}

/// `root`, or a user id (which starts with `AIDA`).
fn owner(s: &str) -> Option<Owner> {
    match s {
        "root" => Some(Owner::Root),
        _ if s.len() > 4 && s.starts_with("AIDA") => Some(Owner::User(s.to_owned())),
        _ => None,
    }
}

/// At most 64 characters of `s`, for a message.
fn shortened(s: &str) -> &str {
    s.char_indices().nth(64).map_or(s, |(i, _)| &s[..i])
}

/// The JSON the store keeps for a list of password hashes.
pub(crate) fn hashes_json(hashes: &[PasswordHash]) -> Result<String> {
    serde_json::to_string(&hashes.iter().map(|h| h.0.as_str()).collect::<Vec<_>>())
        .map_err(|e| Error::internal(format!("encoding password hashes: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of named values.
    struct Fake(Vec<(&'static str, Raw<'static>)>);

    impl RawRow for Fake {
        fn width(&self) -> usize {
            self.0.len()
        }
        fn name(&self, i: usize) -> Option<&str> {
            self.0.get(i).map(|(name, _)| *name)
        }
        fn value(&self, i: usize) -> Raw<'_> {
            self.0
                .get(i)
                .map_or(Raw::Other("no such column"), |(_, v)| *v)
        }
    }

    static USERS: Table = Table {
        name: "users",
        key: &["user_id"],
    };

    fn users_row() -> Fake {
        Fake(vec![
            ("account_id", Raw::Text("123456789012")),
            ("user_id", Raw::Text("AIDAALICE")),
            ("created", Raw::Int(1_700_000_000)),
            ("active", Raw::Int(7)),
            ("previous", Raw::Text("[\"$argon2id$secret\", 1]")),
            ("hash", Raw::Bytes(&[1, 2])),
            ("owner", Raw::Text("alice")),
            ("when", Raw::Int(i64::MAX)),
        ])
    }

    /// Names read in any order, again, after one that is missing: each finds its column,
    /// on every row of the query.
    #[test]
    fn names_find_their_columns_whatever_the_order_of_reading() {
        let raw = users_row();
        let columns = Columns::default();
        for _ in 0..3 {
            let row = Row::new(&raw, &USERS, &columns);
            for (name, want) in [
                ("user_id", Raw::Text("AIDAALICE")),
                ("created", Raw::Int(1_700_000_000)),
                ("account_id", Raw::Text("123456789012")),
                ("created", Raw::Int(1_700_000_000)),
                ("hash", Raw::Bytes(&[1, 2])),
                ("user_id", Raw::Text("AIDAALICE")),
            ] {
                assert_eq!(row.raw(name).unwrap(), want, "{name}");
            }
            assert!(row.raw("nothing").is_err());
        }
    }

    /// More names than are remembered are still found, by looking them up each time.
    #[test]
    fn names_past_those_remembered_are_still_found() {
        const NAMES: [&str; 20] = [
            "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13",
            "c14", "c15", "c16", "c17", "c18", "c19",
        ];
        let raw = Fake(
            NAMES
                .iter()
                .zip(0..)
                .map(|(name, i)| (*name, Raw::Int(i)))
                .collect(),
        );
        let columns = Columns::default();
        for _ in 0..2 {
            let row = Row::new(&raw, &USERS, &columns);
            for (i, name) in NAMES.iter().enumerate().rev() {
                assert_eq!(row.int(name).unwrap(), i64::try_from(i).unwrap(), "{name}");
            }
        }
    }

    /// Each strict read of a value that does not decode: the message names table, row and
    /// column, says what is wrong, and never quotes the value.
    #[test]
    fn values_that_do_not_decode_are_errors_naming_where_they_are() {
        type Read = fn(&Row<'_>) -> Result<()>;
        let cases: &[(&str, Read, &str)] = &[
            (
                "active",
                |r| r.bool("active").map(drop),
                "expected 0 or 1, found 7",
            ),
            (
                "hash",
                |r| r.digest("hash").map(drop),
                "expected 32 bytes, found 2",
            ),
            (
                "hash",
                |r| r.str("hash").map(drop),
                "expected text, found bytes",
            ),
            (
                "user_id",
                |r| r.bytes("user_id").map(drop),
                "expected bytes, found text",
            ),
            (
                "created",
                |r| r.str("created").map(drop),
                "expected text, found an integer",
            ),
            (
                "owner",
                |r| r.owner("owner").map(drop),
                "not root or a user id",
            ),
            (
                "user_id",
                |r| r.account("user_id").map(drop),
                "not a 12-digit account id",
            ),
            (
                "when",
                |r| r.time("when").map(drop),
                "9223372036854775807 is not a time of years 1 to 9999",
            ),
            (
                "when",
                |r| r.u32("when").map(drop),
                "9223372036854775807 is out of range",
            ),
            (
                "previous",
                |r| r.hashes("previous").map(drop),
                "not the JSON expected (Data fault at line 1 column 22)",
            ),
        ];
        let raw = users_row();
        for (column, read, problem) in cases {
            let columns = Columns::default();
            let Err(Error::Internal(message)) = read(&Row::new(&raw, &USERS, &columns)) else {
                panic!("{column}: no error");
            };
            assert_eq!(
                message,
                format!(
                    "a stored value does not decode: table users, row user_id=\"AIDAALICE\", \
                     column {column}: {problem}"
                )
            );
            assert!(!message.contains("secret"), "{message}");
        }
    }

    #[test]
    fn a_row_is_named_by_the_key_columns_read() {
        static KEYED: Table = Table {
            name: "t",
            key: &["id", "n", "b", "gone"],
        };
        let raw = Fake(vec![
            ("id", Raw::Text("x")),
            ("n", Raw::Int(3)),
            ("b", Raw::Bytes(&[0xab; 40])),
            ("v", Raw::Null),
        ]);
        let columns = Columns::default();
        let err = Row::new(&raw, &KEYED, &columns).time("v").unwrap_err();
        let want = format!(
            "internal error: a stored value does not decode: table t, row id=\"x\", n=3, \
             b=x'{}', column v: expected a time, found NULL",
            "ab".repeat(32)
        );
        assert_eq!(err.to_string(), want);
        let unkeyed = Fake(vec![("v", Raw::Null)]);
        let err = Row::new(&unkeyed, &KEYED, &Columns::default())
            .time("v")
            .unwrap_err();
        assert!(
            err.to_string().contains("row (its key was not read)"),
            "{err}"
        );
    }
}
