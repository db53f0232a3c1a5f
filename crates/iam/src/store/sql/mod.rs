//! The store, written once: every [`Tx`](super::Tx) operation (and the usage writes of
//! [`Store`](super::Store)) as one statement text, its parameters and a decoder by column
//! name, for both backends. A backend ([`Backend`]) only runs statements in its dialect:
//! placeholders (`?1` here; PostgreSQL's `$1`, rewritten once per prepared statement),
//! parameter types ([`Value`]), the values of its rows ([`RawRow`]), what a unique
//! violation looks like, and where report bytes live (SQLite: files beside the database;
//! PostgreSQL: a table), plus what it announces when an access key changes (PostgreSQL:
//! `NOTIFY`). Transactions, locking and snapshots stay with each backend's `Store`.
//!
//! Statement texts are written in the SQL both dialects accept: `INSERT … ON CONFLICT (…)
//! DO UPDATE SET c = excluded.c` for an upsert, `ON CONFLICT DO NOTHING`, `substr`,
//! `CAST(? AS BIGINT)` where PostgreSQL cannot infer a parameter's type. The conformance
//! suite runs each of them on both backends.

use crate::error::{Error, Result};

mod placeholders;
mod records;
mod row;
mod sign_in_failures;
mod tx;
mod value;

pub(crate) use placeholders::numbered_to_dollar;
pub(crate) use row::{Raw, RawRow, Table};
#[cfg(test)]
pub(crate) use tx::{KEY_FACTS, USERS_PAGE};
pub(crate) use value::{values, Value};

use row::Columns;
pub(crate) use row::Row;

/// One statement, in the text both dialects accept, with `?N` placeholders. Each is a
/// `static` (made by [`sql!`]): a backend keys its prepared statements by its address.
#[derive(Debug)]
pub(crate) struct Sql {
    pub(crate) text: &'static str,
}

impl Sql {
    /// A key for the statement, the same for every use of it.
    pub(crate) fn key(&'static self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}

/// A statement (`&'static Sql`) with this text: `sql!("SELECT … WHERE id = ?1")`.
macro_rules! sql {
    ($text:expr) => {{
        static SQL: $crate::store::sql::Sql = $crate::store::sql::Sql { text: $text };
        &SQL
    }};
}
pub(crate) use sql;

/// Why a statement failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// It would have broken a primary key or unique constraint (the backend's error, for
    /// an operation that does not expect it).
    Conflict(Error),
    /// Anything else: a store fault.
    Other(Error),
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Error {
        match f {
            Failure::Conflict(e) | Failure::Other(e) => e,
        }
    }
}

/// A connection inside a transaction, in one dialect.
pub(crate) trait Backend {
    /// Runs a query and calls `each` with its rows in order (stopping at its first error).
    fn query(
        &mut self,
        sql: &'static Sql,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn RawRow) -> Result<()>,
    ) -> Result<()>;

    /// Runs a statement; answers how many rows it changed.
    fn execute(&mut self, sql: &'static Sql, params: &[Value<'_>]) -> Result<u64, Failure>;

    /// The bytes of the account's latest complete report, if any.
    fn report_content(&mut self, account: &crate::ids::AccountId) -> Result<Option<Vec<u8>>>;

    /// Replaces the bytes of the account's report.
    fn put_report_content(&mut self, account: &crate::ids::AccountId, content: &[u8])
        -> Result<()>;

    /// Drops the bytes of the account's report, if it has any.
    fn delete_report_content(&mut self, account: &crate::ids::AccountId) -> Result<()>;

    /// Tells other processes, when the transaction commits, that the account's report state
    /// changed (where the backend can; by default nothing).
    fn report_changed(&mut self, _account: &crate::ids::AccountId) -> Result<()> {
        Ok(())
    }

    /// Tells other processes, when the transaction commits, that an access key changed
    /// (where the backend can; by default nothing).
    fn key_changed(&mut self, _key_id: &str) -> Result<()> {
        Ok(())
    }
}

/// How a record is read out of a row, and from which table (for messages).
pub(crate) struct Decoder<T> {
    pub(crate) table: &'static Table,
    pub(crate) decode: fn(&Row<'_>) -> Result<T>,
}

/// The rows of a query on `db`, decoded.
pub(crate) fn all<T>(
    db: &mut (impl Backend + ?Sized),
    sql: &'static Sql,
    params: &[Value<'_>],
    decoder: &Decoder<T>,
) -> Result<Vec<T>> {
    let columns = Columns::default();
    let mut out = Vec::new();
    db.query(sql, params, &mut |raw| {
        out.push((decoder.decode)(&Row::new(raw, decoder.table, &columns))?);
        Ok(())
    })?;
    Ok(out)
}

/// The row of a query on `db` that answers at most one, decoded.
pub(crate) fn one<T>(
    db: &mut (impl Backend + ?Sized),
    sql: &'static Sql,
    params: &[Value<'_>],
    decoder: &Decoder<T>,
) -> Result<Option<T>> {
    let mut rows = all(db, sql, params, decoder)?;
    match rows.len() {
        0 | 1 => Ok(rows.pop()),
        n => Err(Error::internal(format!(
            "table {}: {n} rows where there is one at most",
            decoder.table.name
        ))),
    }
}

/// The [`Tx`](super::Tx) operations over a backend's connection.
pub(crate) struct SqlTx<B> {
    pub(crate) db: B,
}

impl<B: Backend> SqlTx<B> {
    pub(crate) fn new(db: B) -> SqlTx<B> {
        SqlTx { db }
    }

    /// The rows of a query, decoded.
    fn all<T>(
        &mut self,
        sql: &'static Sql,
        params: &[Value<'_>],
        decoder: &Decoder<T>,
    ) -> Result<Vec<T>> {
        all(&mut self.db, sql, params, decoder)
    }

    /// The row of a query that answers at most one, decoded.
    fn one<T>(
        &mut self,
        sql: &'static Sql,
        params: &[Value<'_>],
        decoder: &Decoder<T>,
    ) -> Result<Option<T>> {
        one(&mut self.db, sql, params, decoder)
    }

    /// Runs a statement; answers how many rows it changed.
    fn exec(&mut self, sql: &'static Sql, params: &[Value<'_>]) -> Result<u64> {
        self.db.execute(sql, params).map_err(Error::from)
    }

    /// Runs a statement.
    fn run(&mut self, sql: &'static Sql, params: &[Value<'_>]) -> Result<()> {
        self.exec(sql, params).map(drop)
    }

    /// Runs an insert; a unique violation is `conflict()`.
    fn insert(
        &mut self,
        sql: &'static Sql,
        params: &[Value<'_>],
        conflict: impl FnOnce() -> Error,
    ) -> Result<()> {
        match self.db.execute(sql, params) {
            Ok(_) => Ok(()),
            Err(Failure::Conflict(_)) => Err(conflict()),
            Err(Failure::Other(e)) => Err(e),
        }
    }

    /// A `count(*)` (column `n`) of `table`.
    fn count(
        &mut self,
        sql: &'static Sql,
        params: &[Value<'_>],
        table: &'static Table,
    ) -> Result<usize> {
        let decoder = Decoder {
            table,
            decode: |r| {
                let n = r.int("n")?;
                usize::try_from(n).map_err(|_| r.damaged("n", format_args!("a count of {n}")))
            },
        };
        Ok(self.one(sql, params, &decoder)?.unwrap_or(0))
    }
}
