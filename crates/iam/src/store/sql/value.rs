//! The values a statement is given, typed once for both backends: each backend binds them
//! in its own types (SQLite: integers for booleans; PostgreSQL: `BOOLEAN`, `BIGINT`,
//! `BYTEA`).

use credreport_report::Timestamp;

use crate::ids::{AccountId, OrganizationId, RootId};

/// One parameter of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    /// SQL `NULL`.
    Null,
    /// An integer (`INTEGER`, `BIGINT`).
    Int(i64),
    /// A boolean (SQLite: 0 or 1; PostgreSQL: `BOOLEAN`).
    Bool(bool),
    /// Text.
    Text(&'a str),
    /// Bytes (`BLOB`, `BYTEA`).
    Bytes(&'a [u8]),
}

/// The parameters of a statement, each converted with `Value::from`:
/// `values![account, user_id, created]`.
macro_rules! values {
    ($($v:expr),* $(,)?) => {
        [$($crate::store::sql::Value::from($v)),*]
    };
}
pub(crate) use values;

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<u32> for Value<'_> {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}

impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<Timestamp> for Value<'_> {
    /// Seconds since the Unix epoch.
    fn from(v: Timestamp) -> Self {
        Value::Int(v.unix())
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(v)
    }
}

impl<'a> From<&'a AccountId> for Value<'a> {
    fn from(v: &'a AccountId) -> Self {
        Value::Text(v.as_str())
    }
}

impl<'a> From<&'a OrganizationId> for Value<'a> {
    fn from(v: &'a OrganizationId) -> Self {
        Value::Text(v.as_str())
    }
}

impl<'a> From<&'a RootId> for Value<'a> {
    fn from(v: &'a RootId) -> Self {
        Value::Text(v.as_str())
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(v: &'a [u8]) -> Self {
        Value::Bytes(v)
    }
}

impl<'a> From<&'a Vec<u8>> for Value<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}

impl<'a> From<&'a [u8; 32]> for Value<'a> {
    fn from(v: &'a [u8; 32]) -> Self {
        Value::Bytes(v)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
