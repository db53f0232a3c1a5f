//! The SQLite dialect of the store's statements: rusqlite's cached statements, values
//! bound as SQLite's own (booleans as 0 and 1), unique violations by their extended code,
//! and report bytes in files beside the database (`report_files.rs`), which the store
//! finishes after its transaction ends ([`FileEffects`]).

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::Connection;

use super::super::report_files::{self, ReportFiles};
use super::super::sql::{
    self, sql, values, Backend, Decoder, Failure, Raw, RawRow, Sql, Table, Value,
};
use crate::error::{Error, Result};
use crate::ids::AccountId;

/// A connection (inside a transaction the store began, or on its own for one statement)
/// and the report files beside its database.
pub(super) struct SqliteDb<'a> {
    conn: &'a Connection,
    files: &'a ReportFiles,
    pub(super) effects: FileEffects,
}

/// What a transaction did to report files, for its store to finish after it ends.
#[derive(Default)]
pub(super) struct FileEffects {
    /// Files written: removed if the transaction rolls back.
    pub(super) written: Vec<String>,
    /// Files no longer named: removed (soon) once the transaction has committed.
    pub(super) replaced: Vec<String>,
    /// A file the snapshot named was gone.
    pub(super) gone: bool,
}

impl<'a> SqliteDb<'a> {
    pub(super) fn new(conn: &'a Connection, files: &'a ReportFiles) -> SqliteDb<'a> {
        SqliteDb {
            conn,
            files,
            effects: FileEffects::default(),
        }
    }
}

#[allow(clippy::needless_pass_by_value)]
pub(crate) fn sql_error(e: rusqlite::Error) -> Error {
    Error::internal(format!("sqlite: {e}"))
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(v) => ValueRef::Integer(v),
            Value::Bool(v) => ValueRef::Integer(i64::from(v)),
            Value::Text(v) => ValueRef::Text(v.as_bytes()),
            Value::Bytes(v) => ValueRef::Blob(v),
        }))
    }
}

impl RawRow for rusqlite::Row<'_> {
    fn width(&self) -> usize {
        self.as_ref().column_count()
    }

    fn name(&self, i: usize) -> Option<&str> {
        self.as_ref().column_name(i).ok()
    }

    fn value(&self, i: usize) -> Raw<'_> {
        match self.get_ref(i) {
            Ok(ValueRef::Null) => Raw::Null,
            Ok(ValueRef::Integer(v)) => Raw::Int(v),
            Ok(ValueRef::Real(_)) => Raw::Other("a real number"),
            Ok(ValueRef::Text(v)) => {
                std::str::from_utf8(v).map_or(Raw::Other("text that is not UTF-8"), Raw::Text)
            }
            Ok(ValueRef::Blob(v)) => Raw::Bytes(v),
            Err(_) => Raw::Other("no such column"),
        }
    }
}

impl Backend for SqliteDb<'_> {
    fn query(
        &mut self,
        sql: &'static Sql,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn RawRow) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql.text).map_err(sql_error)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(sql_error)?;
        while let Some(row) = rows.next().map_err(sql_error)? {
            each(row)?;
        }
        Ok(())
    }

    fn execute(&mut self, sql: &'static Sql, params: &[Value<'_>]) -> Result<u64, Failure> {
        let done = self
            .conn
            .prepare_cached(sql.text)
            .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(params)));
        match done {
            Ok(n) => Ok(u64::try_from(n).unwrap_or(u64::MAX)),
            Err(e) if is_unique_violation(&e) => Err(Failure::Conflict(sql_error(e))),
            Err(e) => Err(Failure::Other(sql_error(e))),
        }
    }

    fn report_content(&mut self, account: &AccountId) -> Result<Option<Vec<u8>>> {
        let Some((file, length)) = sql::one(
            self,
            sql!("SELECT account_id, file, length FROM report_files WHERE account_id = ?1"),
            &values![account],
            &REPORT_FILE,
        )?
        else {
            return Ok(None);
        };
        match self.files.read(&file, length)? {
            report_files::Read::Bytes(bytes) => Ok(Some(bytes)),
            report_files::Read::Gone => {
                self.effects.gone = true;
                Err(Error::internal(format!(
                    "the report file {file} was replaced during the read"
                )))
            }
        }
    }

    fn put_report_content(&mut self, account: &AccountId, content: &[u8]) -> Result<()> {
        let previous = sql::one(
            self,
            sql!("SELECT account_id, file, length FROM report_files WHERE account_id = ?1"),
            &values![account],
            &REPORT_FILE,
        )?;
        let file = self.files.write(account, content)?;
        self.effects.written.push(file.clone());
        self.execute(
            sql!(
                "INSERT INTO report_files (account_id, file, length) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET file = excluded.file,
                 length = excluded.length"
            ),
            &values![account, &file, length(content)],
        )?;
        self.effects.replaced.extend(previous.map(|(file, _)| file));
        Ok(())
    }

    fn delete_report_content(&mut self, account: &AccountId) -> Result<()> {
        let previous = sql::one(
            self,
            sql!("SELECT account_id, file, length FROM report_files WHERE account_id = ?1"),
            &values![account],
            &REPORT_FILE,
        )?;
        let Some((file, _)) = previous else {
            return Ok(());
        };
        self.execute(
            sql!("DELETE FROM report_files WHERE account_id = ?1"),
            &values![account],
        )?;
        self.effects.replaced.push(file);
        Ok(())
    }
}

static REPORT_FILES: Table = Table {
    name: "report_files",
    key: &["account_id"],
};

/// The file holding an account's report bytes, and its length.
const REPORT_FILE: Decoder<(String, u64)> = Decoder {
    table: &REPORT_FILES,
    decode: |r| {
        let length = r.int("length")?;
        let length = u64::try_from(length)
            .map_err(|_| r.damaged("length", format_args!("{length} is out of range")))?;
        Ok((r.string("file")?, length))
    },
};

/// A report's length as SQLite stores it.
pub(super) fn length(content: &[u8]) -> i64 {
    i64::try_from(content.len()).unwrap_or(i64::MAX)
}
