//! The PostgreSQL dialect of the store's statements: each prepared once per connection
//! with its placeholders as `$N`, values bound as PostgreSQL's types, unique violations by
//! SQLSTATE, report bytes in `report_contents`, and every change or deletion of an access
//! key, and every change of a report's state, announced with `pg_notify` in its
//! transaction.

use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, Statement};

use super::pg;
use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::store::sql::{
    self, numbered_to_dollar, sql, values, Backend, Decoder, Failure, Raw, RawRow, Sql, Table,
    Value,
};

/// The channel a committed change of an access key is announced on (its payload: the key
/// id), so that every instance drops what it keeps of that key.
pub(super) const KEY_CHANNEL: &str = "credreport_access_keys";

/// The channel a committed change of an account's report state is announced on (its
/// payload: the account id), so that every instance knows which report is current without
/// asking the database on every GetCredentialReport.
pub(super) const REPORT_CHANNEL: &str = "credreport_reports";

/// One pooled connection and the statements prepared on it, by [`Sql::key`].
pub(super) struct Conn {
    pub(super) client: Client,
    statements: HashMap<usize, Statement>,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("statements", &self.statements.len())
            .finish_non_exhaustive()
    }
}

impl Conn {
    pub(super) fn new(client: Client) -> Conn {
        Conn {
            client,
            statements: HashMap::new(),
        }
    }

    fn statement(&mut self, sql: &'static Sql) -> Result<Statement> {
        if let Some(s) = self.statements.get(&sql.key()) {
            return Ok(s.clone());
        }
        let s = self
            .client
            .prepare(&numbered_to_dollar(sql.text))
            .map_err(pg)?;
        self.statements.insert(sql.key(), s.clone());
        Ok(s)
    }
}

/// A connection inside a transaction its store began.
pub(super) struct PgDb<'a> {
    conn: &'a mut Conn,
}

impl<'a> PgDb<'a> {
    pub(super) fn new(conn: &'a mut Conn) -> PgDb<'a> {
        PgDb { conn }
    }
}

/// The parameters as the client takes them.
fn bound<'a>(params: &'a [Value<'_>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) if *ty == Type::INT8 => v.to_sql(ty, out),
            Value::Int(v) if *ty == Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
            Value::Bool(v) if *ty == Type::BOOL => v.to_sql(ty, out),
            Value::Text(v) if <&str as ToSql>::accepts(ty) => v.to_sql(ty, out),
            Value::Bytes(v) if *ty == Type::BYTEA => v.to_sql(ty, out),
            other => Err(format!("{other:?} cannot be bound to a parameter of type {ty}").into()),
        }
    }

    /// Any type: `to_sql` checks the value against it.
    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl RawRow for postgres::Row {
    fn width(&self) -> usize {
        self.columns().len()
    }

    fn name(&self, i: usize) -> Option<&str> {
        self.columns().get(i).map(postgres::Column::name)
    }

    fn value(&self, i: usize) -> Raw<'_> {
        let Some(ty) = self.columns().get(i).map(postgres::Column::type_) else {
            return Raw::Other("no such column");
        };
        let value = match *ty {
            Type::INT8 => self.try_get::<_, Option<i64>>(i).map(|v| v.map(Raw::Int)),
            Type::INT4 => self
                .try_get::<_, Option<i32>>(i)
                .map(|v| v.map(|v| Raw::Int(v.into()))),
            Type::BOOL => self.try_get::<_, Option<bool>>(i).map(|v| v.map(Raw::Bool)),
            Type::BYTEA => self
                .try_get::<_, Option<&[u8]>>(i)
                .map(|v| v.map(Raw::Bytes)),
            _ if <&str as postgres::types::FromSql>::accepts(ty) => {
                self.try_get::<_, Option<&str>>(i).map(|v| v.map(Raw::Text))
            }
            _ => return Raw::Other("a value of a type the store does not use"),
        };
        match value {
            Ok(v) => v.unwrap_or(Raw::Null),
            Err(_) => Raw::Other("a value the client cannot read"),
        }
    }
}

impl Backend for PgDb<'_> {
    /// The rows are collected by the client in one go (`query`): its row iterator
    /// (`query_raw`) waits on the connection once per row, which made a report build's
    /// reads a third slower.
    fn query(
        &mut self,
        sql: &'static Sql,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn RawRow) -> Result<()>,
    ) -> Result<()> {
        let statement = self.conn.statement(sql)?;
        let rows = self
            .conn
            .client
            .query(&statement, &bound(params))
            .map_err(pg)?;
        rows.iter().try_for_each(|row| each(row))
    }

    fn execute(&mut self, sql: &'static Sql, params: &[Value<'_>]) -> Result<u64, Failure> {
        let statement = self.conn.statement(sql).map_err(Failure::Other)?;
        self.conn
            .client
            .execute(&statement, &bound(params))
            .map_err(|e| {
                if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    Failure::Conflict(pg(e))
                } else {
                    Failure::Other(pg(e))
                }
            })
    }

    fn report_content(&mut self, account: &AccountId) -> Result<Option<Vec<u8>>> {
        sql::one(
            self,
            sql!("SELECT account_id, content FROM report_contents WHERE account_id = ?1"),
            &values![account],
            &REPORT_CONTENT,
        )
    }

    fn put_report_content(&mut self, account: &AccountId, content: &[u8]) -> Result<()> {
        self.execute(
            sql!(
                "INSERT INTO report_contents (account_id, content) VALUES (?1, ?2)
                 ON CONFLICT (account_id) DO UPDATE SET content = excluded.content"
            ),
            &values![account, content],
        )
        .map(drop)
        .map_err(Error::from)
    }

    fn delete_report_content(&mut self, account: &AccountId) -> Result<()> {
        self.execute(
            sql!("DELETE FROM report_contents WHERE account_id = ?1"),
            &values![account],
        )
        .map(drop)
        .map_err(Error::from)
    }

    fn key_changed(&mut self, key_id: &str) -> Result<()> {
        self.execute(
            sql!("SELECT pg_notify(?1, ?2)"),
            &values![KEY_CHANNEL, key_id],
        )
        .map(drop)
        .map_err(Error::from)
    }

    fn report_changed(&mut self, account: &AccountId) -> Result<()> {
        self.execute(
            sql!("SELECT pg_notify(?1, ?2)"),
            &values![REPORT_CHANNEL, account],
        )
        .map(drop)
        .map_err(Error::from)
    }
}

static REPORT_CONTENTS: Table = Table {
    name: "report_contents",
    key: &["account_id"],
};

const REPORT_CONTENT: Decoder<Vec<u8>> = Decoder {
    table: &REPORT_CONTENTS,
    decode: |r| r.bytes("content"),
};
